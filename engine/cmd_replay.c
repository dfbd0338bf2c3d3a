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
#include "names.h"
#include "syscalls.h"
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

static int lookup_name(const char *s, int (*fn)(const char *))
{
	return s ? fn(s) : -1;
}

static uint64_t ipc_access_mask(const char *s)
{
	if (!s)
		return 0;
	return (strstr(s, "read") ? BW_IPC_READ : 0) | (strstr(s, "write") ? BW_IPC_WRITE : 0);
}

/* BW_PF_* of a path value from its KEY_truncated / KEY_unresolved. */
static uint8_t path_flags(struct json_object *o, const char *key)
{
	char k[64];
	uint8_t pf = 0;

	snprintf(k, sizeof(k), "%s_truncated", key);
	if (json_object_get_boolean(json_get(o, k)))
		pf |= BW_PF_CUT;
	snprintf(k, sizeof(k), "%s_unresolved", key);
	if (json_object_get_boolean(json_get(o, k)))
		pf |= BW_PF_UNRESOLVED;
	return pf;
}

/* The values the kernel classified on, from a decision record. */
static int record_values(struct json_object *o, int cls, struct bw_values *v)
{
	static const char *const arches[] = { "x86_64", "i386", "x32" };
	const char *arch;
	int n;

	memset(v, 0, sizeof(*v));
	v->str[BW_DIM_COMM] = json_get_str(o, "subject.comm");
	v->str[BW_DIM_EXE] = json_get_str(o, "subject.exe");
	v->pflags[BW_PS_EXE] = path_flags(o, "subject.exe");
	v->str[BW_DIM_PCOMM] = json_get_str(o, "subject.parent_comm");
	v->str[BW_DIM_CONTAINER] = json_get_str(o, "subject.container");
	if (!v->str[BW_DIM_CONTAINER])
		v->str[BW_DIM_CONTAINER] = "";
	v->num[BW_DIM_UID] = json_get_int(o, "subject.uid", -1);
	v->num[BW_DIM_GID] = json_get_int(o, "subject.gid", -1);
	switch (cls) {
	case BW_CLASS_CAPABLE:
		v->num[BW_DIM_CAP] = json_get_int(o, "capable.cap", 64);
		break;
	case BW_CLASS_IPC:
		n = lookup_name(json_get_str(o, "ipc.kind"), ipc_kind_from_string);
		v->num[BW_DIM_IPC_KIND] = n < 0 ? BW_IPC_UNKNOWN : n;
		v->num[BW_DIM_IPC_ACCESS] = ipc_access_mask(json_get_str(o, "ipc.access"));
		v->num[BW_DIM_IPC_OWNER] = json_get_int(o, "ipc.owner_uid", (uint32_t)-1);
		break;
	case BW_CLASS_MOUNT:
		n = lookup_name(json_get_str(o, "mount.op"), mount_op_from_string);
		v->num[BW_DIM_MNT_OP] = n < 0 ? 0 : n;
		v->str[BW_DIM_MNT_FSTYPE] = json_get_str(o, "mount.fstype");
		v->str[BW_DIM_MNT_SOURCE] = json_get_str(o, "mount.source");
		v->str[BW_DIM_MNT_TARGET] = json_get_str(o, "mount.target");
		v->pflags[BW_PS_SOURCE] = path_flags(o, "mount.source");
		v->pflags[BW_PS_PATH] = path_flags(o, "mount.target");
		break;
	case BW_CLASS_SIGNAL:
		v->num[BW_DIM_SIG] = json_get_int(o, "signal.sig", -1);
		v->str[BW_DIM_SIG_TCOMM] = json_get_str(o, "signal.target_comm");
		v->num[BW_DIM_SIG_TUID] = json_get_int(o, "signal.target_uid", -1);
		v->num[BW_DIM_SIG_SAMEUSER] = json_object_get_boolean(json_get(o, "signal.same_user"));
		break;
	case BW_CLASS_EXEC:
		v->str[BW_DIM_EXEC_PATH] = json_get_str(o, "exec.path");
		v->pflags[BW_PS_PATH] = path_flags(o, "exec.path");
		break;
	case BW_CLASS_SYSCALL:
		arch = json_get_str(o, "syscall.arch");
		n = -1;
		for (int a = 0; arch && a < 3; a++)
			if (!strcmp(arch, arches[a]))
				n = a;
		if (n < 0)
			return -1;
		v->num[BW_DIM_SYSCALL] = BW_SC_ID(n, json_get_int(o, "syscall.nr", 0) |
					 (n == BW_SC_X32 ? 0x40000000 : 0));
		break;
	}
	return 0;
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
	printf("%-23.23s %-8s %7lld %-15.15s %s (%s) -> %s (%s)\n",
	       json_get_str(o, "time") ? json_get_str(o, "time") : "?",
	       json_get_str(o, "event"), json_get_int(o, "subject.pid", -1),
	       json_get_str(o, "subject.comm") ? json_get_str(o, "subject.comm") : "?",
	       was, was_rule ? was_rule : "no rule", now, now_rule ? now_rule : "no rule");
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
	if (cls < 0 || record_values(o, cls, &v) ||
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
		"change.  Exit status 0 when nothing changes, 1 when something does.\n");
}

int do_replay(int argc, char **argv, struct bw_opts *o)
{
	static const struct option opts[] = { ARGS_COMMON_LONG, { NULL, 0, NULL, 0 } };
	struct replay r = { 0 };
	struct bw_setup st;
	struct diag d = { 0 };
	int c, ret = 2;

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
		diag_print(&d, stderr);
		out_err("replay: the candidate rules have errors");
		goto out;
	}
	r.cp = st.compiled;
	r.json = o->json;
	if (optind < argc) {
		for (int i = optind; i < argc; i++)
			log_read_file(argv[i], replay_record, &r, &r.bad);
	} else {
		log_read_all(st.policy.log, replay_record, &r, &r.bad);
	}
	fprintf(r.json ? stderr : stdout,
		"%llu decision records, %llu replayed, %llu would change, "
		"%llu not replayable (cgroup rules or unknown fields), %llu malformed lines\n",
		(unsigned long long)r.decisions, (unsigned long long)r.replayed,
		(unsigned long long)r.changed, (unsigned long long)r.unreplayable,
		(unsigned long long)r.bad);
	ret = r.changed ? 1 : 0;
out:
	setup_free(&st);
	diag_free(&d);
	args_free(o);
	return ret;
}
