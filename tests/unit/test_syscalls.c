// SPDX-License-Identifier: GPL-2.0
/* Syscall names, groups and syscall rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "rules.h"
#include "syscalls.h"

static bool has(const uint64_t *ids, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void test_resolve_every_arch(void **state)
{
	uint64_t *ids = NULL;
	size_t n = 0;
	char buf[64];

	(void)state;
	assert_int_equal(syscall_resolve("chroot", &ids, &n), 0);
	assert_int_equal(n, 3);
	assert_true(has(ids, n, BW_SC_ID(BW_SC_X86_64, 161)));
	assert_true(has(ids, n, BW_SC_ID(BW_SC_I386, 61)));
	assert_true(has(ids, n, BW_SC_ID(BW_SC_X32, 0x40000000 | 161)));
	assert_string_equal(syscall_name(BW_SC_ID(BW_SC_I386, 61), buf, sizeof(buf)),
			    "ia32:chroot");
	assert_string_equal(syscall_name(BW_SC_ID(BW_SC_X86_64, 161), buf, sizeof(buf)),
			    "chroot");
	free(ids);
}

static void test_resolve_errors(void **state)
{
	uint64_t *ids = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(syscall_resolve("no_such_call", &ids, &n), -1);
	assert_int_equal(syscall_resolve("Chroot", &ids, &n), -1);
	assert_int_equal(syscall_resolve("chroot;", &ids, &n), -1);
	assert_int_equal(syscall_resolve("@no-such-group", &ids, &n), -1);
	assert_int_equal(n, 0);
	free(ids);
	/* socketcall exists on i386 only */
	ids = NULL;
	n = 0;
	assert_int_equal(syscall_resolve("socketcall", &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(BW_SC_ARCH(ids[0]), BW_SC_I386);
	free(ids);
}

/* Every member of every group resolves somewhere: catches typos in the table. */
static void test_groups_resolve(void **state)
{
	size_t ng;
	const struct bw_sc_group *g = syscall_groups(&ng);
	int unknown = 0;

	(void)state;
	assert_true(ng >= 12);
	for (size_t i = 0; i < ng; i++) {
		uint64_t *ids = NULL;
		size_t n = 0;

		assert_int_equal(syscall_resolve(g[i].name, &ids, &n), 0);
		assert_true(n > 0);
		free(ids);
		for (const char *const *m = g[i].members; *m; m++) {
			ids = NULL;
			n = 0;
			if (syscall_resolve(*m, &ids, &n)) {
				print_message("%s: '%s' unknown to libseccomp\n", g[i].name, *m);
				unknown++;
			}
			free(ids);
		}
	}
	assert_int_equal(unknown, 0);
}

static void test_nested_group(void **state)
{
	uint64_t *priv = NULL, *mod = NULL;
	size_t np = 0, nm = 0;

	(void)state;
	assert_int_equal(syscall_resolve("@privileged", &priv, &np), 0);
	assert_int_equal(syscall_resolve("@module", &mod, &nm), 0);
	for (size_t i = 0; i < nm; i++)
		assert_true(has(priv, np, mod[i]));
	free(priv);
	free(mod);
}

static void test_groups_json(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	syscall_groups_print(f, true);
	fclose(f);
	assert_non_null(strstr(buf, "{\"version\":1,\"groups\":{"));
	assert_non_null(strstr(buf, "\"@mount\":{\"description\":"));
	assert_int_equal(buf[len - 1], '\n');
	free(buf);
}

static void load_text(const char *text, struct bw_ruleset *rs, struct diag *d)
{
	char path[] = "/tmp/bw-sc-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rules_load_path(rs, path, d);
	unlink(path);
}

static void expect_error(const char *text, int line, const char *needle)
{
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };

	load_text(text, &rs, &d);
	if (d.errors != 1 || d.items[0].line != line || !strstr(d.items[0].msg, needle))
		fail_msg("want line %d '%s'; got %zu errors, first: %d %s", line, needle,
			 d.errors, d.n ? d.items[0].line : 0, d.n ? d.items[0].msg : "");
	rules_free(&rs);
	diag_free(&d);
}

static void test_syscall_rules(void **state)
{
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };
	const struct bw_rule *r;

	(void)state;
	load_text("[d]\nevent = syscall\naction = deny\nsyscall = chroot, @module\nerrno = EACCES\n"
		  "[k]\nevent = syscall\naction = kill\nsyscall = !read\n", &rs, &d);
	assert_int_equal(d.n, 0);
	r = &rs.rules[0];
	assert_int_equal(r->cls, BW_CLASS_SYSCALL);
	assert_int_equal(r->err_no, 13);
	assert_true(rule_dim_accepts(r, BW_DIM_SYSCALL, BW_SC_ID(BW_SC_I386, 61), NULL));
	assert_true(rule_dim_accepts(r, BW_DIM_SYSCALL, BW_SC_ID(BW_SC_X86_64, 313), NULL));
	assert_false(rule_dim_accepts(r, BW_DIM_SYSCALL, BW_SC_ID(BW_SC_X86_64, 0), NULL));
	r = &rs.rules[1];
	assert_int_equal(r->action, BW_ACT_KILL);
	assert_true(r->dims[BW_DIM_SYSCALL].negate);
	assert_false(rule_dim_accepts(r, BW_DIM_SYSCALL, BW_SC_ID(BW_SC_X86_64, 0), NULL));
	assert_true(rule_dim_accepts(r, BW_DIM_SYSCALL, BW_SC_ID(BW_SC_X86_64, 1), NULL));
	rules_free(&rs);
	diag_free(&d);

	expect_error("[r]\nevent = syscall\naction = deny\nsyscall = chroot, frobnicate\n", 4,
		     "unknown syscall 'frobnicate'");
	expect_error("[r]\nevent = syscall\naction = deny\nsyscall = @nope\n", 4,
		     "unknown syscall group '@nope'");
	expect_error("[r]\nevent = syscall\naction = deny\nsyscall = uname\nerrno = EWHAT\n", 5,
		     "bad errno 'EWHAT'");
	expect_error("[r]\nevent = syscall\naction = deny\nsyscall = uname\nerrno = 4096\n", 5,
		     "bad errno");
	expect_error("[r]\nevent = syscall\naction = audit\nsyscall = uname\nerrno = EPERM\n", 5,
		     "errno applies to syscall deny rules only");
	expect_error("[r]\nevent = exec\naction = kill\n", 3, "action kill is for syscall rules only");
	expect_error("[r]\nevent = exec\naction = deny\nsyscall = uname\n", 4,
		     "syscall is a key of syscall rules, not of exec rules");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_every_arch),
		cmocka_unit_test(test_resolve_errors),
		cmocka_unit_test(test_groups_resolve),
		cmocka_unit_test(test_nested_group),
		cmocka_unit_test(test_groups_json),
		cmocka_unit_test(test_syscall_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
