// SPDX-License-Identifier: GPL-2.0
/*
 * The table of dimensions (bpf/events.h) against everything built from it
 * and everything still written by hand:
 *  - round trip: for every dimension and every class it belongs to, a rule
 *    on it is compiled, a decision record carrying the matching value is
 *    written by the log writer, read back by replay's reader, and the
 *    compiled policy decides that record by the same rule (a first rule
 *    with another value must not match);
 *  - classify() in bpf/policy.bpf.h (the subject's dimensions) and each
 *    class's classify_<class>() in bpf/bulwark.bpf.c (its own) AND each
 *    dimension with the kind of map the table gives it;
 *  - the table of event classes: every class keeps its number, has a name
 *    that reads back, a record size, a dimension of its own and a section
 *    in the log's records.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "compile.h"
#include "log.h"
#include "logread.h"
#include "replay.h"

static const struct dimrow {
	const char *name, *key, *field;
	int cls, kind;
} rows[BW_NDIM] = {
#define ROW_(name, key, cls, kind, vt, neg, field) \
	[BW_DIM_##name] = { #name, key, field, BW_CLASS_##cls, BW_KIND_##kind },
	BW_DIMENSIONS(ROW_)
#undef ROW_
};

/*
 * The kernel's side, by hand: a rule value for the dimension, one that does
 * not match it, and the event fields the hooks fill with that value.
 */
static void set_value(struct bw_event *e, int dim, int which)
{
	const char *name = which ? "bwmatch" : "bwother";
	const char *path = which ? "/opt/bw/match" : "/opt/bw/other";
	uint32_t n = which ? 4242 : 4343;

	switch (dim) {
	case BW_DIM_COMM: snprintf(e->subj.id.comm, sizeof(e->subj.id.comm), "%s", name); break;
	case BW_DIM_EXE: snprintf(e->subj.exe, sizeof(e->subj.exe), "%s", path); break;
	case BW_DIM_UID: e->subj.id.uid = n; break;
	case BW_DIM_GID: e->subj.id.gid = n; break;
	case BW_DIM_PCOMM: snprintf(e->subj.pcomm, sizeof(e->subj.pcomm), "%s", name); break;
	case BW_DIM_CONTAINER:
		snprintf(e->subj.container, sizeof(e->subj.container), "%s",
			 which ? "0123456789ab" : "ba9876543210");
		break;
	case BW_DIM_CAP: e->cap.cap = which ? 13 : 12; break;
	case BW_DIM_IPC_KIND: e->ipc.kind = which ? BW_IPC_MSG : BW_IPC_SEM; break;
	case BW_DIM_IPC_ACCESS: e->ipc.access = which ? BW_IPC_WRITE : BW_IPC_READ; break;
	case BW_DIM_IPC_OWNER: e->ipc.uid = n; break;
	case BW_DIM_MNT_OP: e->mnt.op = which ? BW_MNT_BIND : BW_MNT_MOVE; break;
	case BW_DIM_MNT_FSTYPE: snprintf(e->mnt.fstype, sizeof(e->mnt.fstype), "%s", name); break;
	case BW_DIM_MNT_SOURCE: snprintf(e->mnt.source, sizeof(e->mnt.source), "%s", path); break;
	case BW_DIM_MNT_TARGET: snprintf(e->mnt.target, sizeof(e->mnt.target), "%s", path); break;
	case BW_DIM_SIG: e->sig.sig = which ? 15 : 10; break;
	case BW_DIM_SIG_TCOMM:
		snprintf(e->sig.target_comm, sizeof(e->sig.target_comm), "%s", name);
		break;
	case BW_DIM_SIG_TUID: e->sig.target_uid = n; break;
	case BW_DIM_SIG_SAMEUSER: e->sig.same_user = which; break;
	case BW_DIM_EXEC_PATH: snprintf(e->exec.path, sizeof(e->exec.path), "%s", path); break;
	case BW_DIM_SYSCALL: e->sc.id = which ? 63 : 39; break;	/* uname, getpid */
	}
}

/* The same values as rule text. */
static const char *rule_value(int dim, int which)
{
	static const char *const v[BW_NDIM][2] = {
		[BW_DIM_COMM] = { "bwother", "bwmatch" },
		[BW_DIM_EXE] = { "/opt/bw/other", "/opt/bw/match" },
		[BW_DIM_UID] = { "4343", "4242" },
		[BW_DIM_GID] = { "4343", "4242" },
		[BW_DIM_PCOMM] = { "bwother", "bwmatch" },
		[BW_DIM_CONTAINER] = { "ba9876543210", "0123456789ab" },
		[BW_DIM_CAP] = { "cap_setgid", "cap_net_raw" },
		[BW_DIM_IPC_KIND] = { "sem", "msg" },
		[BW_DIM_IPC_ACCESS] = { "read", "write" },
		[BW_DIM_IPC_OWNER] = { "4343", "4242" },
		[BW_DIM_MNT_OP] = { "move", "bind" },
		[BW_DIM_MNT_FSTYPE] = { "bwother", "bwmatch" },
		[BW_DIM_MNT_SOURCE] = { "/opt/bw/other", "/opt/bw/match" },
		[BW_DIM_MNT_TARGET] = { "/opt/bw/other", "/opt/bw/match" },
		[BW_DIM_SIG] = { "SIGUSR1", "SIGTERM" },
		[BW_DIM_SIG_TCOMM] = { "bwother", "bwmatch" },
		[BW_DIM_SIG_TUID] = { "4343", "4242" },
		[BW_DIM_SIG_SAMEUSER] = { "no", "yes" },
		[BW_DIM_EXEC_PATH] = { "/opt/bw/other", "/opt/bw/match" },
		[BW_DIM_SYSCALL] = { "getpid", "uname" },
	};

	return v[dim][which];
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* The first decision record of a log's text (cut up by strtok), or NULL. */
static json_object *first_decision(char *text)
{
	json_object *o = NULL;

	for (char *p = strtok(text, "\n"); p && !o; p = strtok(NULL, "\n")) {
		o = json_tokener_parse(p);
		assert_non_null(o);
		if (strcmp(json_object_get_string(json_get(o, "type")), "decision")) {
			json_object_put(o);
			o = NULL;
		}
	}
	return o;
}

/* rule -> compiled policy -> decision record -> replay, for one (dim, class). */
static void round_trip(int dim, int cls)
{
	char dir[] = "/tmp/bw-dims-XXXXXX", rpath[64], lpath[64], text[512], *line;
	struct bw_compiled *cp = calloc(1, sizeof(*cp));
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };
	struct json_object *o;
	struct bw_values v;
	struct bw_event e;
	struct bw_log l;
	const char *wrong;
	uint32_t idx, audit;
	FILE *f;

	assert_non_null(cp);
	assert_non_null(mkdtemp(dir));
	snprintf(rpath, sizeof(rpath), "%s/t.rules", dir);
	snprintf(lpath, sizeof(lpath), "%s/t.log", dir);
	snprintf(text, sizeof(text),
		 "[r-other]\nevent = %s\naction = deny\n%s = %s\n\n"
		 "[r-match]\nevent = %s\naction = deny\n%s = %s\n",
		 bw_class_name(cls), rows[dim].key, rule_value(dim, 0),
		 bw_class_name(cls), rows[dim].key, rule_value(dim, 1));
	f = fopen(rpath, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rules_load_path(&rs, rpath, &d), 0);
	assert_int_equal(rules_finish(&rs, &d), 0);
	assert_int_equal(policy_compile(&rs, BW_MODE_ENFORCE, cp, &d), 0);

	/* the record the kernel would write for the matching value */
	memset(&e, 0, sizeof(e));
	e.type = BW_REC_DECISION;
	e.cls = cls;
	e.decision = BW_DEC_DENY;
	e.rule = 1;
	e.audit_rule = BW_NO_RULE;
	e.flags = BW_F_ENFORCED | BW_F_EXE_KNOWN;
	e.subj.id.comm[0] = 'x';
	if (cls == BW_CLASS_SYSCALL)
		e.sc.id = 39;
	set_value(&e, dim, 1);
	assert_int_equal(log_open(&l, lpath), 0);
	assert_int_equal(log_decision(&l, &e, cp), 0);
	log_close(&l);

	/* read back the way replay reads it, and decided again */
	line = read_all(lpath);
	o = first_decision(line);
	if (!o)
		fail_msg("%s: no decision record in the log", rows[dim].name);
	if (record_values(o, cls, &v, &wrong))
		fail_msg("%s (%s): record not replayable (%s)", rows[dim].name,
			 bw_class_name(cls), wrong ? wrong : "no value");
	idx = compiled_decide(cp, cls, &v, &audit);
	if (idx != 1)
		fail_msg("%s (%s): replay decided by rule %d, not r-match; record: %s",
			 rows[dim].name, bw_class_name(cls), (int)idx, read_all(lpath));
	assert_string_equal(cp->rule[cls][idx]->name, "r-match");
	assert_string_equal(json_object_get_string(json_get(o, "rule")), "r-match");
	json_object_put(o);
	free(line);
	compiled_free(cp);
	free(cp);
	rules_free(&rs);
	diag_free(&d);
	unlink(rpath);
	unlink(lpath);
	rmdir(dir);
}

static void test_round_trip(void **state)
{
	int trips = 0;

	(void)state;
	for (int dim = 0; dim < BW_NDIM; dim++) {
		/* records carry the cgroup id, not its path: not replayable */
		if (dim == BW_DIM_CGROUP) {
			assert_null(rows[dim].field);
			continue;
		}
		assert_non_null(rows[dim].field);
		for (int cls = 0; cls < BW_NCLASS; cls++) {
			if (rows[dim].cls != cls && rows[dim].cls != BW_CLASS_SUBJECT)
				continue;
			round_trip(dim, cls);
			trips++;
		}
	}
	assert_true(trips >= BW_NDIM - 1);
}

/* Body of the function whose definition starts with head in src: up to the
 * first line that is a lone closing brace (kernel style). */
static char *function_body(char *src, const char *head)
{
	char *body = strstr(src, head), *end;

	if (!body)
		return NULL;
	end = strstr(body, "\n}\n");
	if (end)
		end[1] = 0;
	return body;
}

/*
 * classify() takes each dimension the way the table says it is kept: the
 * subject's in bpf/policy.bpf.h (its cheap ones in classify_subject(), the
 * comm read straight into its key by and_comm()), a class's own in its
 * classify_<class>() beside its hooks in bpf/bulwark.bpf.c.
 */
static void test_classify_matches_table(void **state)
{
	static const char *const kinds[] = { "num", "str", "path" };
	static const char *const own_fn[BW_NCLASS] = {
#define OWN_FN_(name, str, m, st) \
	[BW_CLASS_##name] = "static __always_inline int classify_" #st "(",
		BW_CLASSES(OWN_FN_)
#undef OWN_FN_
	};
	char *subj_src = read_all("bpf/policy.bpf.h");
	char *hooks_src[BW_NCLASS], *body, want[96];

	(void)state;
	for (int cls = 0; cls < BW_NCLASS; cls++) {
		hooks_src[cls] = read_all("bpf/bulwark.bpf.c");
		if (!function_body(hooks_src[cls], own_fn[cls]))
			fail_msg("bpf/bulwark.bpf.c has no %s...)", own_fn[cls]);
	}
	assert_non_null(function_body(subj_src, "static __always_inline int classify("));
	assert_non_null(strstr(subj_src, "static __always_inline int classify_subject("));
	for (int dim = 0; dim < BW_NDIM; dim++) {
		int cls = rows[dim].cls;

		/* classify_subject() comes first, classify() after it */
		body = cls == BW_CLASS_SUBJECT ?
		       strstr(subj_src, "static __always_inline int classify_subject(") :
		       strstr(hooks_src[cls], own_fn[cls]);
		if (dim == BW_DIM_CGROUP) {
			assert_non_null(strstr(body, "and_cgroup(s, slot, cls)"));
			continue;
		}
		if (dim == BW_DIM_COMM) {
			assert_non_null(strstr(body, "and_comm(s, slot, cls)"));
			continue;
		}
		snprintf(want, sizeof(want), "AND(%s, BW_DIM_%s,", kinds[rows[dim].kind],
			 rows[dim].name);
		if (!strstr(body, want))
			fail_msg("%s has no '%s'", cls == BW_CLASS_SUBJECT ? "classify()" :
				 own_fn[cls], want);
	}
	for (int cls = 0; cls < BW_NCLASS; cls++)
		free(hooks_src[cls]);
	free(subj_src);
}

/* The numbers are in map keys and records: a class never changes its own. */
static const char *const historic_classes[] = {
	"capable", "ipc", "mount", "signal", "exec", "syscall",
};

/* A record of class cls as log.c writes it: its section is not empty. */
static void class_logged(int cls)
{
	char dir[] = "/tmp/bw-cls-XXXXXX", lpath[64], *text;
	struct json_object *o, *part;
	struct bw_event e;
	struct bw_log l;

	assert_non_null(mkdtemp(dir));
	snprintf(lpath, sizeof(lpath), "%s/t.log", dir);
	memset(&e, 0, sizeof(e));
	e.type = BW_REC_DECISION;
	e.cls = cls;
	e.decision = BW_DEC_AUDIT;
	e.rule = BW_NO_RULE;
	e.audit_rule = BW_NO_RULE;
	assert_int_equal(log_open(&l, lpath), 0);
	assert_int_equal(log_decision(&l, &e, NULL), 0);
	log_close(&l);
	text = read_all(lpath);
	o = first_decision(text);
	if (!o)
		fail_msg("%s: no decision record in the log", bw_class_name(cls));
	assert_string_equal(json_object_get_string(json_get(o, "event")),
			    bw_class_name(cls));
	part = json_get(o, bw_class_name(cls));
	if (!part || !json_object_is_type(part, json_type_object) ||
	    !json_object_object_length(part))
		fail_msg("%s: the record has no %s section (engine/log.c)",
			 bw_class_name(cls), bw_class_name(cls));
	json_object_put(o);
	free(text);
	unlink(lpath);
	rmdir(dir);
}

static void test_classes(void **state)
{
	(void)state;
	assert_true(BW_NCLASS >= (int)(sizeof(historic_classes) / sizeof(*historic_classes)));
	for (size_t i = 0; i < sizeof(historic_classes) / sizeof(*historic_classes); i++)
		assert_int_equal(bw_class_from_name(historic_classes[i]), (int)i);
	for (int cls = 0; cls < BW_NCLASS; cls++) {
		const char *name = bw_class_name(cls);
		uint32_t size = bw_class_size(cls);
		int own = 0;

		assert_non_null(name);
		assert_string_not_equal(name, "unknown");
		assert_int_equal(bw_class_from_name(name), cls);
		for (int other = 0; other < cls; other++)
			assert_string_not_equal(bw_class_name(other), name);
		if (size < BW_EVENT_MIN || size > sizeof(struct bw_event))
			fail_msg("%s: record size %u", name, size);
		for (int dim = 0; dim < BW_NDIM; dim++)
			own += rows[dim].cls == cls;
		if (!own)
			fail_msg("%s: no dimension of its own in BW_DIMENSIONS", name);
		class_logged(cls);
	}
	assert_string_equal(bw_class_name(BW_NCLASS), "unknown");
	assert_int_equal(bw_class_from_name("unknown"), -1);
	assert_int_equal(bw_class_size(BW_NCLASS), sizeof(struct bw_event));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_classify_matches_table),
		cmocka_unit_test(test_classes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
