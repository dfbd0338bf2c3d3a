// SPDX-License-Identifier: GPL-2.0
/* The command line of an exec: argv_json() and argv_text() of a struct tr_argv. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "argv.h"
#include "json.h"

/* a as the kernel fills it: each argument with its NUL, n of them */
static void set_args(struct tr_argv *a, const char *const *args, int n)
{
	memset(a, 0, sizeof(*a));
	a->state = TR_ARGV_READ;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(args[i]) + 1;

		memcpy(a->args + a->size, args[i], len);
		a->size += len;
		a->argc++;
	}
}

static char *as_json(const struct tr_argv *a)
{
	struct json j;
	char *out;

	json_init(&j);
	json_obj_begin(&j);
	argv_json(&j, a);
	json_obj_end(&j);
	out = strdup(j.buf);
	json_free(&j);
	return out;
}

static const char *const hostile[] = { "/bin/x", "a b", "q\"uote", "nl\nx", "\xff", "" };

static void test_json_escaped(void **state)
{
	struct tr_argv a;
	char *s;

	(void)state;
	set_args(&a, hostile, 6);
	s = as_json(&a);
	assert_string_equal(s, "{\"argv\":[\"/bin/x\",\"a b\",\"q\\\"uote\",\"nl\\nx\","
			       "\"\\u00ff\",\"\"]}");
	free(s);
	a.truncated = 1;
	s = as_json(&a);
	assert_non_null(strstr(s, "\"\"],\"argv_truncated\":true}"));
	free(s);
}

static void test_json_unreadable(void **state)
{
	struct tr_argv a;
	char *s;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.state = TR_ARGV_UNREADABLE;
	s = as_json(&a);
	assert_string_equal(s, "{\"argv\":null}");
	free(s);
}

/* argc and size are the kernel's: never read beyond either */
static void test_json_bounds(void **state)
{
	static const char *const two[] = { "one", "two" };
	struct tr_argv a;
	char *s;

	(void)state;
	set_args(&a, two, 2);
	a.argc = 1;
	s = as_json(&a);
	assert_string_equal(s, "{\"argv\":[\"one\"]}");
	free(s);
	a.argc = 5;
	a.size = 6;		/* "one\0tw": the last one cut by size */
	s = as_json(&a);
	assert_string_equal(s, "{\"argv\":[\"one\",\"tw\"]}");
	free(s);
	memset(a.args, 'z', sizeof(a.args));	/* no NUL at all */
	a.size = 0xffff;
	a.argc = 3;
	s = as_json(&a);
	assert_int_equal(strlen(s), strlen("{\"argv\":[\"\"]}") + sizeof(a.args));
	free(s);
}

static void test_text(void **state)
{
	struct tr_argv a;
	char *s;

	(void)state;
	set_args(&a, hostile, 6);
	s = argv_text(&a, false);
	assert_string_equal(s, "/bin/x a b q\"uote nl\\nx \\xff ");
	free(s);
	a.truncated = 1;
	s = argv_text(&a, true);
	assert_string_equal(s, "\"/bin/x\" \"a b\" \"q\\\"uote\" \"nl\\nx\" \"\\xff\" \"\" ...");
	free(s);
	a.state = TR_ARGV_UNREADABLE;
	s = argv_text(&a, true);
	assert_string_equal(s, "?");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escaped),
		cmocka_unit_test(test_json_unreadable),
		cmocka_unit_test(test_json_bounds),
		cmocka_unit_test(test_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
