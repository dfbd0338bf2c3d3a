// SPDX-License-Identifier: GPL-2.0
/*
 * Rule files and the policy file: what parses, and every error with the
 * line it is reported at.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "policy.h"
#include "rules.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bw-parse-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static char *write_file(const char *name, const char *text)
{
	char *path;
	FILE *f;

	assert_true(asprintf(&path, "%s/%s", tmpdir, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

struct loaded {
	struct bw_ruleset rs;
	struct diag d;
	int ret;
	char *path;
};

static void load(struct loaded *l, const char *name, const char *text)
{
	memset(l, 0, sizeof(*l));
	l->path = write_file(name, text);
	l->ret = rules_load_path(&l->rs, l->path, &l->d);
	if (!l->ret)
		l->ret = rules_finish(&l->rs, &l->d);
}

static void unload(struct loaded *l)
{
	rules_free(&l->rs);
	diag_free(&l->d);
	unlink(l->path);
	free(l->path);
}

/* Exactly one problem, at this line, of this severity, saying this. */
static void expect_one(const struct loaded *l, int line, enum diag_sev sev,
		       const char *needle)
{
	char buf[1024];

	if (l->d.n != 1) {
		for (size_t i = 0; i < l->d.n; i++)
			print_message("  %s\n", diag_format(&l->d.items[i], buf, sizeof(buf)));
		fail_msg("expected 1 problem, got %zu", l->d.n);
	}
	if (l->d.items[0].line != line || l->d.items[0].sev != sev ||
	    !strstr(l->d.items[0].msg, needle))
		fail_msg("expected line %d '%s', got: %s", line, needle,
			 diag_format(&l->d.items[0], buf, sizeof(buf)));
	if (sev == DIAG_ERROR)
		assert_int_not_equal(l->ret, 0);
	assert_string_equal(l->d.items[0].file, l->path);
}

static void error_at(const char *text, int line, const char *needle)
{
	struct loaded l;

	load(&l, "e.rules", text);
	expect_one(&l, line, DIAG_ERROR, needle);
	unload(&l);
}

static const struct bw_rule *rule_named(const struct bw_ruleset *rs, const char *n)
{
	for (size_t i = 0; i < rs->n; i++)
		if (!strcmp(rs->rules[i].name, n))
			return &rs->rules[i];
	fail_msg("no rule %s", n);
	return NULL;
}

static void test_every_class_parses(void **state)
{
	const struct bw_rule *r;
	struct loaded l;

	(void)state;
	load(&l, "ok.rules",
	     "# comment\n"
	     "[cap]\nevent = capable\naction = deny\ncapability = CAP_NET_RAW, cap_sys_admin\n"
	     "uid = !0, !1000\ncomm = ping\nexe = /usr/bin/\n"
	     "[ipc]\nevent = ipc\naction = audit\nipc_kind = shm sem\naccess = write\nowner_uid = 0\n"
	     "[mnt]\nevent = mount\naction = deny\noperation = mount,bind\nfstype = tmpfs\n"
	     "source = tmpfs\ntarget = /mnt/\ncgroup = /system.slice\ncontainer = any\n"
	     "[sig]\nevent = signal\naction = allow\nsignal = KILL, sigterm, 10\n"
	     "target_comm = sshd\ntarget_uid = 0\nsame_user = no\ncontainer = none\n"
	     "[exe]\nevent = exec\naction = deny\npath = /tmp/, /usr/bin/su\nlog = no\n"
	     "container = 0123456789abcdef0123\nparent_comm = bash\ngid = 0\n");
	assert_int_equal(l.d.n, 0);
	assert_int_equal(l.ret, 0);
	assert_int_equal(l.rs.n, 5);

	r = rule_named(&l.rs, "cap");
	assert_int_equal(r->cls, BW_CLASS_CAPABLE);
	assert_int_equal(r->action, BW_ACT_DENY);
	assert_true(r->log);
	assert_int_equal(r->line, 2);
	assert_int_equal(rule_match(r, BW_DIM_CAP)->n, 2);
	assert_int_equal(rule_match(r, BW_DIM_CAP)->nums[0], 13);
	assert_int_equal(rule_match(r, BW_DIM_CAP)->nums[1], 21);
	assert_true(rule_match(r, BW_DIM_UID)->negate);
	assert_int_equal(rule_match(r, BW_DIM_UID)->nums[1], 1000);
	assert_string_equal(rule_match(r, BW_DIM_EXE)->strs[0], "/usr/bin/");

	r = rule_named(&l.rs, "ipc");
	assert_int_equal(rule_match(r, BW_DIM_IPC_KIND)->n, 2);
	/* write: masks 2 (write) and 3 (read and write) */
	assert_int_equal(rule_match(r, BW_DIM_IPC_ACCESS)->n, 2);
	assert_int_equal(rule_match(r, BW_DIM_IPC_ACCESS)->nums[0], 2);
	assert_int_equal(rule_match(r, BW_DIM_IPC_ACCESS)->nums[1], 3);

	r = rule_named(&l.rs, "mnt");
	assert_string_equal(rule_match(r, BW_DIM_CGROUP)->strs[0], "/system.slice/");
	assert_true(rule_match(r, BW_DIM_CONTAINER)->negate);
	assert_string_equal(rule_match(r, BW_DIM_CONTAINER)->strs[0], "");

	r = rule_named(&l.rs, "sig");
	assert_int_equal(rule_match(r, BW_DIM_SIG)->nums[0], 9);
	assert_int_equal(rule_match(r, BW_DIM_SIG)->nums[1], 15);
	assert_int_equal(rule_match(r, BW_DIM_SIG)->nums[2], 10);
	assert_int_equal(rule_match(r, BW_DIM_SIG_SAMEUSER)->nums[0], 0);
	assert_false(r->log);	/* allow rules do not log by default */
	assert_false(rule_match(r, BW_DIM_CONTAINER)->negate);

	r = rule_named(&l.rs, "exe");
	assert_false(r->log);
	assert_string_equal(rule_match(r, BW_DIM_CONTAINER)->strs[0], "0123456789ab");
	unload(&l);
}

static void test_precedence_natural_order(void **state)
{
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };
	char *dir, *p1, *p2;

	(void)state;
	assert_true(asprintf(&dir, "%s/rules.d", tmpdir) > 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	p1 = write_file("rules.d/10-b.rules", "[b]\nevent = exec\naction = deny\n");
	p2 = write_file("rules.d/2-a.rules",
			"[a1]\nevent = exec\naction = allow\npath = /x\n"
			"[a2]\nevent = capable\naction = deny\n");
	free(write_file("rules.d/ignored.conf", "not a rule file"));
	assert_int_equal(rules_load_path(&rs, dir, &d), 0);
	assert_int_equal(rs.n, 3);
	assert_string_equal(rs.rules[0].name, "a1");
	assert_string_equal(rs.rules[1].name, "a2");
	assert_string_equal(rs.rules[2].name, "b");
	assert_int_equal(rs.rules[0].index, 0);
	assert_int_equal(rs.rules[1].index, 0);	/* first capable rule */
	assert_int_equal(rs.rules[2].index, 1);	/* second exec rule */
	assert_int_equal(rs.per_class[BW_CLASS_EXEC], 2);
	assert_string_equal(rs.files[0], p2);
	rules_free(&rs);
	diag_free(&d);
	free(p1);
	free(p2);
	free(dir);
}

static void test_errors_with_lines(void **state)
{
	(void)state;
	error_at("[r]\nevent = capable\naction = deny\ncolour = red\n", 4,
		 "unknown key 'colour'");
	error_at("[r]\nevent = caps\naction = deny\n", 2, "unknown event 'caps'");
	error_at("[r]\nevent = exec\naction = block\n", 3, "unknown action 'block'");
	error_at("\n\n[r]\nevent = capable\naction = deny\ncapability = cap_net_raw, cap_flying\n",
		 6, "unknown capability 'cap_flying'");
	error_at("[r]\nevent = signal\naction = deny\nsignal = SIGFOO\n", 4,
		 "unknown signal 'SIGFOO'");
	error_at("[r]\nevent = signal\naction = deny\nsignal = 65\n", 4,
		 "unknown signal '65'");
	error_at("[r]\nevent = exec\naction = deny\nuid = 12x\n", 4, "bad number");
	error_at("[r]\nevent = exec\naction = deny\nuid = 4294967295\n", 4, "bad number");
	error_at("[r]\nevent = exec\naction = deny\nuid = nosuchuser_bw\n", 4, "no such user");
	error_at("[r]\nevent = exec\naction = deny\n\n[x]\naction = deny\n", 5,
		 "rule 'x' has no event");
	error_at("[r]\nevent = exec\n", 1, "rule 'r' has no action");
	error_at("[r]\nevent = exec\naction = deny\ncapability = cap_chown\n", 4,
		 "capability is a key of capable rules, not of exec rules");
	error_at("[r]\nevent = exec\naction = deny\npath = /a\npath = /b\n", 5,
		 "path repeated (first at line 4)");
	error_at("[r]\nevent = exec\naction = deny\nexe = usr/bin/x\n", 4,
		 "not an absolute path");
	error_at("[r]\nevent = exec\naction = deny\ncomm = abcdefghijklmnop\n", 4,
		 "longer than 15 characters");
	error_at("[r]\nevent = exec\naction = deny\ncomm =\n", 4, "empty value");
	error_at("[r]\nevent = exec\naction = deny\nuid = 0, !1\n", 4,
		 "mixes negated and plain values");
	error_at("[r]\nevent = exec\naction = deny\ncontainer = !none\n", 4,
		 "cannot be negated");
	error_at("[r]\nevent = exec\naction = deny\ncontainer = any, 0123456789ab\n", 4,
		 "stand alone");
	error_at("[r]\nevent = exec\naction = deny\ncontainer = x/yz\n", 4,
		 "12 to 64 hex");
	error_at("[r]\nevent = signal\naction = deny\nsame_user = maybe\n", 4,
		 "yes or no");
	error_at("[r]\nevent = exec\naction = deny\nlog = sometimes\n", 4, "yes or no");
	error_at("[r]\nevent = ipc\naction = deny\naccess = execute\n", 4, "unknown access");
	error_at("[r]\nevent = mount\naction = deny\noperation = remountx\n", 4,
		 "unknown operation");
	error_at("event = exec\n[r]\naction = deny\n", 1, "key outside any section");
	error_at("[r]\nevent = exec\naction = deny\nno equals sign\n", 4, "expected 'key = value'");
}

/* Each of inih's silent behaviours is an error at its line. */
static void test_inih_traps(void **state)
{
	char text[512], longline[260];

	(void)state;
	/* 50-character section name: inih would cut it to 49 */
	snprintf(text, sizeof(text), "[ok]\nevent = exec\naction = deny\n[%s]\nevent = exec\naction = deny\n",
		 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij");
	error_at(text, 4, "longer than 49 characters");
	/* repeated section: inih would merge the two */
	error_at("[r]\nevent = exec\naction = deny\n\n[r]\nevent = capable\naction = allow\n",
		 5, "duplicate rule name 'r'");
	/* a 199-byte line: inih would split it */
	memset(longline, 'a', 199 - 8);
	longline[199 - 8] = 0;
	snprintf(text, sizeof(text), "[r]\nevent = exec\naction = deny\npath = /%s\n", longline);
	assert_int_equal(strlen(strstr(text, "path")) - 1, 199);
	error_at(text, 4, "line longer than 198 bytes");
	/* an indented line: inih would append it to the previous value */
	error_at("[r]\nevent = exec\naction = deny\npath = /a\n  /b\n", 5,
		 "indented line would continue the previous value");
	/* ' ;' in a value: inih would cut the value there */
	error_at("[r]\nevent = exec\naction = deny\ndescription = a ; b\n", 4,
		 "starts a comment");
}

static void test_duplicate_across_files(void **state)
{
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };
	char *a = write_file("a.rules", "[same]\nevent = exec\naction = deny\n");
	char *b = write_file("b.rules", "\n[same]\nevent = exec\naction = allow\n");
	char want[256];

	(void)state;
	assert_int_equal(rules_load_path(&rs, a, &d), 0);
	assert_int_not_equal(rules_load_path(&rs, b, &d), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, b);
	assert_int_equal(d.items[0].line, 2);
	snprintf(want, sizeof(want), "first defined at %s:1", a);
	assert_non_null(strstr(d.items[0].msg, want));
	rules_free(&rs);
	diag_free(&d);
	free(a);
	free(b);
}

static void test_missing_path(void **state)
{
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };

	(void)state;
	assert_int_not_equal(rules_load_path(&rs, "/nonexistent/bw.rules", &d), 0);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.items[0].msg, "No such file"));
	rules_free(&rs);
	diag_free(&d);
}

static void test_capacity(void **state)
{
	size_t cap = (BW_MAX_RULES + 1) * 64;
	char *text = malloc(cap), *p = text;
	struct loaded l;

	(void)state;
	for (int i = 0; i <= BW_MAX_RULES; i++)
		p += sprintf(p, "[r%d]\nevent = capable\naction = deny\ncomm = c%d\n", i, i);
	load(&l, "many.rules", text);
	/* rule 4097 starts at line 4 * 4096 + 1 */
	expect_one(&l, 4 * BW_MAX_RULES + 1, DIAG_ERROR,
		   "4097 capable rules exceed the kernel capacity of 4096");
	unload(&l);
	/* exactly 4096 is fine */
	*strstr(text, "[r4096]") = 0;
	load(&l, "many.rules", text);
	assert_int_equal(l.d.n, 0);
	assert_int_equal(l.rs.per_class[BW_CLASS_CAPABLE], BW_MAX_RULES);
	unload(&l);
	free(text);
}

static void test_unreachable_warning(void **state)
{
	struct loaded l;

	(void)state;
	load(&l, "u.rules",
	     "[deny-usr]\nevent = exec\naction = deny\npath = /usr/\n"
	     "[allow-su]\nevent = exec\naction = allow\npath = /usr/bin/su\ncomm = su\n");
	expect_one(&l, 5, DIAG_WARNING,
		   "rule 'allow-su' can never match: rule 'deny-usr'");
	assert_int_equal(l.ret, 0);	/* a warning is not an error */
	unload(&l);

	/* the other order is the usual exception: no warning */
	load(&l, "u.rules",
	     "[allow-su]\nevent = exec\naction = allow\npath = /usr/bin/su\n"
	     "[deny-usr]\nevent = exec\naction = deny\npath = /usr/\n"
	     "[audit]\nevent = exec\naction = audit\n"
	     "[deny-not-root]\nevent = exec\naction = deny\nuid = !0\npath = /opt/x\n"
	     "[deny-not-root-or-alice]\nevent = exec\naction = deny\nuid = !0, !1000\n");
	assert_int_equal(l.d.n, 0);
	unload(&l);

	/* a negated key excluding something under the prefix: not covered */
	load(&l, "u.rules",
	     "[deny-not-x]\nevent = exec\naction = deny\npath = !/usr/bin/x\n"
	     "[deny-bin]\nevent = exec\naction = deny\npath = /usr/bin/\n");
	assert_int_equal(l.d.n, 0);
	unload(&l);
}

static void test_accepts(void **state)
{
	struct loaded l;
	const struct bw_rule *r;

	(void)state;
	load(&l, "a.rules",
	     "[p]\nevent = exec\naction = deny\npath = /usr/bin/, /sbin/init\n"
	     "cgroup = /a/b\ncontainer = none\nuid = !0\ncomm = bash\n");
	assert_int_equal(l.d.n, 0);
	r = &l.rs.rules[0];
	assert_true(rule_dim_accepts(r, BW_DIM_EXEC_PATH, 0, "/usr/bin/ls"));
	assert_true(rule_dim_accepts(r, BW_DIM_EXEC_PATH, 0, "/usr/bin"));
	assert_true(rule_dim_accepts(r, BW_DIM_EXEC_PATH, 0, "/sbin/init"));
	assert_false(rule_dim_accepts(r, BW_DIM_EXEC_PATH, 0, "/sbin/init2"));
	assert_false(rule_dim_accepts(r, BW_DIM_EXEC_PATH, 0, "/usr/binx"));
	assert_true(rule_dim_accepts(r, BW_DIM_CGROUP, 0, "/a/b"));
	assert_true(rule_dim_accepts(r, BW_DIM_CGROUP, 0, "/a/b/c"));
	assert_false(rule_dim_accepts(r, BW_DIM_CGROUP, 0, "/a/bc"));
	assert_false(rule_dim_accepts(r, BW_DIM_CGROUP, 0, "/"));
	assert_true(rule_dim_accepts(r, BW_DIM_CONTAINER, 0, ""));
	assert_false(rule_dim_accepts(r, BW_DIM_CONTAINER, 0, "0123456789ab"));
	assert_true(rule_dim_accepts(r, BW_DIM_UID, 1000, NULL));
	assert_false(rule_dim_accepts(r, BW_DIM_UID, 0, NULL));
	assert_true(rule_dim_accepts(r, BW_DIM_COMM, 0, "bash"));
	assert_false(rule_dim_accepts(r, BW_DIM_COMM, 0, "bashful"));
	assert_true(rule_dim_accepts(r, BW_DIM_GID, 5, NULL));	/* unset */
	unload(&l);
}

static void test_policy_file(void **state)
{
	struct bw_policy p;
	struct diag d = { 0 };
	char *path, want[256];

	(void)state;
	path = write_file("p.conf",
			  "[engine]\nmode = audit\nrules = ../rules, /etc/x.rules\n"
			  "log = /var/log/x.log\non_lsm_missing = audit\n");
	assert_int_equal(policy_load(&p, path, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(p.mode, BW_MODE_AUDIT);
	assert_int_equal(p.on_lsm_missing, BW_LSM_AUDIT);
	assert_int_equal(p.nrules, 2);
	snprintf(want, sizeof(want), "%s/../rules", tmpdir);
	assert_string_equal(p.rules[0], want);
	assert_string_equal(p.rules[1], "/etc/x.rules");
	assert_string_equal(p.log, "/var/log/x.log");
	policy_free(&p);
	free(path);

	path = write_file("p.conf", "[engine]\nmode = strict\nfoo = 1\n[other]\nx = y\n");
	assert_int_not_equal(policy_load(&p, path, &d), 0);
	assert_int_equal(d.errors, 3);
	assert_int_equal(d.items[0].line, 2);
	assert_non_null(strstr(d.items[0].msg, "bad value 'strict' for mode"));
	assert_int_equal(d.items[1].line, 3);
	assert_non_null(strstr(d.items[1].msg, "unknown key 'foo'"));
	assert_int_equal(d.items[2].line, 5);
	assert_non_null(strstr(d.items[2].msg, "unknown section [other]"));
	/* defaults stay where nothing valid was given */
	assert_int_equal(p.mode, BW_MODE_ENFORCE);
	assert_int_equal(p.on_lsm_missing, BW_LSM_REFUSE);
	policy_free(&p);
	diag_free(&d);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_class_parses),
		cmocka_unit_test(test_precedence_natural_order),
		cmocka_unit_test(test_errors_with_lines),
		cmocka_unit_test(test_inih_traps),
		cmocka_unit_test(test_duplicate_across_files),
		cmocka_unit_test(test_missing_path),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_unreachable_warning),
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_policy_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
