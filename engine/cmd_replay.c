// SPDX-License-Identifier: GPL-2.0
/*
 * `bulwark replay`: evaluate a candidate rule set against recorded
 * decisions with the same compiled policy and the same lookup as the
 * kernel (compiled_decide), and list every record whose outcome changes.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "json.h"
#include "logread.h"
#include "replay.h"
#include "util.h"

struct replay {
	const struct bw_compiled *cp;
	uint64_t decisions, replayed, changed, unreplayable, bad;
	bool json;
};

/* allow, audit, deny or kill: what an operation met, whatever the mode */
static const char *outcome(const char *decision)
{
	if (!decision || !strcmp(decision, "allow"))
		return "allow";
	if (!strcmp(decision, "deny") || !strcmp(decision, "would-deny"))
		return "deny";
	if (!strcmp(decision, "kill") || !strcmp(decision, "would-kill"))
		return "kill";
	return decision;
}

static const char *action_outcome(int action)
{
	switch (action) {
	case BW_ACT_DENY: return "deny";
	case BW_ACT_KILL: return "kill";
	case BW_ACT_AUDIT: return "audit";
	default: return "allow";
	}
}

/* The values of record o; -1 (reported when a field has the wrong type): not replayable. */
static int values_of(struct json_object *o, int cls, struct bw_values *v)
{
	const char *wrong;

	if (!record_values(o, cls, v, &wrong))
		return 0;
	if (wrong)
		out_err("replay: the %s decision record of %s: field %s has the wrong type, "
			"not replayable", json_get_str(o, "event"),
			json_get_str(o, "time") ? json_get_str(o, "time") : "no time", wrong);
	return -1;
}

static void report(struct replay *r, struct json_object *o, const char *was,
		   const char *was_rule, const char *now, const char *now_rule)
{
	if (r->json) {
		struct json j;

		json_init(&j);
		json_obj_begin(&j);
		json_kstr(&j, "time", json_get_str(o, "time"));
		json_kstr(&j, "event", json_get_str(o, "event"));
		json_ki64(&j, "pid", json_get_int(o, "subject.pid", -1));
		json_kstr(&j, "comm", json_get_str(o, "subject.comm"));
		json_kstr(&j, "was", was);
		json_kstr(&j, "was_rule", was_rule);
		json_kstr(&j, "now", now);
		json_kstr(&j, "now_rule", now_rule);
		json_obj_end(&j);
		json_write_line(&j, stdout);
		json_free(&j);
		return;
	}
	char c_time[24], c_ev[9], c_comm[16], *e_was, *e_was_rule, *e_now_rule;

	log_escape(json_get_str(o, "time") ? json_get_str(o, "time") : "?", c_time, sizeof(c_time));
	log_escape(json_get_str(o, "event") ? json_get_str(o, "event") : "?", c_ev, sizeof(c_ev));
	log_escape(json_get_str(o, "subject.comm") ? json_get_str(o, "subject.comm") : "?",
		   c_comm, sizeof(c_comm));
	e_was = log_escape_dup(was);
	e_was_rule = log_escape_dup(was_rule ? was_rule : "no rule");
	e_now_rule = log_escape_dup(now_rule ? now_rule : "no rule");
	printf("%-23s %-8s %7lld %-15s %s (%s) -> %s (%s)\n", c_time, c_ev,
	       json_get_int(o, "subject.pid", -1), c_comm, e_was, e_was_rule, now, e_now_rule);
	free(e_was);
	free(e_was_rule);
	free(e_now_rule);
}

static int replay_record(void *ctx, struct json_object *o, const char *line)
{
	struct replay *r = ctx;
	const char *type = json_get_str(o, "type"), *event, *was, *was_rule;
	const char *now = "allow", *now_rule = NULL;
	const struct bw_rule *rule;
	struct bw_values v;
	uint32_t idx, audit;
	int cls;

	(void)line;
	if (!type || strcmp(type, "decision"))
		return 0;
	r->decisions++;
	event = json_get_str(o, "event");
	cls = event ? bw_class_from_name(event) : -1;
	/* cgroup paths are not in records: such rules cannot be replayed */
	if (cls < 0 || values_of(o, cls, &v) ||
	    (r->cp->meta[cls].dim_mask & (1u << BW_DIM_CGROUP))) {
		r->unreplayable++;
		return 0;
	}
	r->replayed++;
	idx = compiled_decide(r->cp, cls, &v, &audit);
	if (idx != BW_NO_RULE) {
		rule = r->cp->rule[cls][idx];
		now = action_outcome(rule->action);
		now_rule = rule->name;
	} else if (audit != BW_NO_RULE) {
		now = "audit";
		now_rule = r->cp->rule[cls][audit]->name;
	}
	was = outcome(json_get_str(o, "decision"));
	was_rule = json_get_str(o, "rule");
	if (!strcmp(was, now) && (!was_rule || !now_rule || !strcmp(was_rule, now_rule)) &&
	    !!was_rule == !!now_rule)
		return 0;
	r->changed++;
	report(r, o, was, was_rule, now, now_rule);
	return 0;
}

static void do_help(FILE *out)
{
	fprintf(out,
		"Usage: bulwark replay [--config FILE] --rules PATH... [--json] [LOG...]\n"
		"\n"
		"Dry run before deployment: evaluate the candidate rules against the\n"
		"decisions recorded in LOG (default: the policy's log and its rotations)\n"
		"with the same compiled policy and lookup as the kernel, and list every\n"
		"record whose outcome (allow, audit, deny, kill) or deciding rule would\n"
		"change.  Exit status 0 when nothing changes, 1 when something does,\n"
		"2 when the rules have errors or a log could not be read to its end.\n"
		"Malformed lines (docs/log.md) are reported and counted; decision\n"
		"records with a field of the wrong type are counted as not replayable.\n");
}

int do_replay(int argc, char **argv, struct bw_opts *o)
{
	static const struct option opts[] = { ARGS_COMMON_LONG, { NULL, 0, NULL, 0 } };
	struct replay r = { 0 };
	const struct log_read_ops ops = { replay_record, out_log_report, &r };
	struct bw_setup st;
	struct diag d = { 0 };
	int c, ret = 2, unread = 0;

	while ((c = getopt_long(argc, argv, ARGS_COMMON_SHORT, opts, NULL)) != -1) {
		if (c == 'h') {
			do_help(stdout);
			return 0;
		}
		if (args_common(c, optarg, o)) {
			do_help(stderr);
			return 2;
		}
	}
	if (setup_load(&st, o, &d)) {
		out_diag(&d);
		out_err("replay: the candidate rules have errors");
		goto out;
	}
	r.cp = st.compiled;
	/* compiled_decide() looks values up in the map entries: all of them */
	if (compiled_keep_entries(st.compiled)) {
		out_err("replay: the candidate rules could not be compiled");
		goto out;
	}
	r.json = o->json;
	if (optind < argc) {
		for (int i = optind; i < argc; i++)
			if (log_read_file(argv[i], &ops, &r.bad))
				unread++;
	} else if (log_read_all(st.policy.log, &ops, &r.bad)) {
		unread++;
	}
	fprintf(r.json ? stderr : stdout,
		"%llu decision records, %llu replayed, %llu would change, "
		"%llu not replayable (cgroup rules, unknown or wrong-typed fields), "
		"%llu malformed lines\n",
		(unsigned long long)r.decisions, (unsigned long long)r.replayed,
		(unsigned long long)r.changed, (unsigned long long)r.unreplayable,
		(unsigned long long)r.bad);
	ret = unread ? 2 : r.changed ? 1 : 0;
	if (unread)
		out_err("replay: %d log%s could not be read to the end", unread,
			unread == 1 ? "" : "s");
out:
	setup_free(&st);
	diag_free(&d);
	args_free(o);
	return ret;
}
