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

/*
 * The fields a decision is replayed from.  A field of the wrong type makes
 * the record not replayable (reported once, with the field), never a
 * value read as absent: a wrong type is not a different outcome.
 */
struct fields {
	struct json_object *o;
	const char *wrong;	/* the first field of the wrong type */
};

static struct json_object *field(struct fields *f, const char *path, enum json_type want)
{
	struct json_object *v = json_get(f->o, path);

	if (!v || json_object_is_type(v, want))
		return v;
	if (!f->wrong)
		f->wrong = path;
	return NULL;
}

static const char *str_field(struct fields *f, const char *path)
{
	struct json_object *v = field(f, path, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

static long long int_field(struct fields *f, const char *path, long long dflt)
{
	struct json_object *v = field(f, path, json_type_int);

	return v ? json_object_get_int64(v) : dflt;
}

static bool bool_field(struct fields *f, const char *path)
{
	return json_object_get_boolean(field(f, path, json_type_boolean));
}

/* BW_PF_* of a path value from its KEY_truncated / KEY_unresolved. */
static uint8_t path_flags(struct fields *f, const char *key)
{
	char k[64];
	uint8_t pf = 0;

	snprintf(k, sizeof(k), "%s_truncated", key);
	if (bool_field(f, k))
		pf |= BW_PF_CUT;
	snprintf(k, sizeof(k), "%s_unresolved", key);
	if (bool_field(f, k))
		pf |= BW_PF_UNRESOLVED;
	return pf;
}

static void class_values(struct fields *f, int cls, struct bw_values *v)
{
	int n;

	switch (cls) {
	case BW_CLASS_CAPABLE:
		v->num[BW_DIM_CAP] = int_field(f, "capable.cap", 64);
		break;
	case BW_CLASS_IPC:
		n = lookup_name(str_field(f, "ipc.kind"), ipc_kind_from_string);
		v->num[BW_DIM_IPC_KIND] = n < 0 ? BW_IPC_UNKNOWN : n;
		v->num[BW_DIM_IPC_ACCESS] = ipc_access_mask(str_field(f, "ipc.access"));
		v->num[BW_DIM_IPC_OWNER] = int_field(f, "ipc.owner_uid", (uint32_t)-1);
		break;
	case BW_CLASS_MOUNT:
		n = lookup_name(str_field(f, "mount.op"), mount_op_from_string);
		v->num[BW_DIM_MNT_OP] = n < 0 ? 0 : n;
		v->str[BW_DIM_MNT_FSTYPE] = str_field(f, "mount.fstype");
		v->str[BW_DIM_MNT_SOURCE] = str_field(f, "mount.source");
		v->str[BW_DIM_MNT_TARGET] = str_field(f, "mount.target");
		v->pflags[BW_PS_SOURCE] = path_flags(f, "mount.source");
		v->pflags[BW_PS_PATH] = path_flags(f, "mount.target");
		break;
	case BW_CLASS_SIGNAL:
		v->num[BW_DIM_SIG] = int_field(f, "signal.sig", -1);
		v->str[BW_DIM_SIG_TCOMM] = str_field(f, "signal.target_comm");
		v->num[BW_DIM_SIG_TUID] = int_field(f, "signal.target_uid", -1);
		v->num[BW_DIM_SIG_SAMEUSER] = bool_field(f, "signal.same_user");
		break;
	case BW_CLASS_EXEC:
		v->str[BW_DIM_EXEC_PATH] = str_field(f, "exec.path");
		v->pflags[BW_PS_PATH] = path_flags(f, "exec.path");
		break;
	}
}

/* The syscall id of a syscall record; -1 when it has none. */
static int syscall_value(struct fields *f, struct bw_values *v)
{
	static const char *const arches[] = { "x86_64", "i386", "x32" };
	const char *arch = str_field(f, "syscall.arch");
	int n = -1;

	for (int a = 0; arch && a < 3; a++)
		if (!strcmp(arch, arches[a]))
			n = a;
	if (n < 0)
		return -1;
	v->num[BW_DIM_SYSCALL] = BW_SC_ID(n, int_field(f, "syscall.nr", 0) |
				 (n == BW_SC_X32 ? 0x40000000 : 0));
	return 0;
}

/* The values the kernel classified on, from a decision record; -1: not replayable. */
static int record_values(struct json_object *o, int cls, struct bw_values *v)
{
	struct fields f = { .o = o };

	memset(v, 0, sizeof(*v));
	v->str[BW_DIM_COMM] = str_field(&f, "subject.comm");
	v->str[BW_DIM_EXE] = str_field(&f, "subject.exe");
	v->pflags[BW_PS_EXE] = path_flags(&f, "subject.exe");
	v->str[BW_DIM_PCOMM] = str_field(&f, "subject.parent_comm");
	v->str[BW_DIM_CONTAINER] = str_field(&f, "subject.container");
	if (!v->str[BW_DIM_CONTAINER])
		v->str[BW_DIM_CONTAINER] = "";
	v->num[BW_DIM_UID] = int_field(&f, "subject.uid", -1);
	v->num[BW_DIM_GID] = int_field(&f, "subject.gid", -1);
	if (cls == BW_CLASS_SYSCALL && syscall_value(&f, v))
		return -1;
	class_values(&f, cls, v);
	if (f.wrong) {
		out_err("replay: the %s decision record of %s: field %s has the wrong type, "
			"not replayable", json_get_str(o, "event"),
			json_get_str(o, "time") ? json_get_str(o, "time") : "no time", f.wrong);
		return -1;
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
		"change.  Exit status 0 when nothing changes, 1 when something does,\n"
		"2 when the rules have errors or a log could not be read to its end.\n"
		"Malformed lines (docs/log.md) are reported and counted; decision\n"
		"records with a field of the wrong type are counted as not replayable.\n");
}

int do_replay(int argc, char **argv, struct bw_opts *o)
{
	static const struct option opts[] = { ARGS_COMMON_LONG, { NULL, 0, NULL, 0 } };
	struct replay r = { 0 };
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
		diag_print(&d, stderr);
		out_err("replay: the candidate rules have errors");
		goto out;
	}
	r.cp = st.compiled;
	r.json = o->json;
	if (optind < argc) {
		for (int i = optind; i < argc; i++)
			if (log_read_file(argv[i], replay_record, &r, &r.bad))
				unread++;
	} else if (log_read_all(st.policy.log, replay_record, &r, &r.bad)) {
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
