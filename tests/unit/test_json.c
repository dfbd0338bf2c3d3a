// SPDX-License-Identifier: GPL-2.0
/* The JSON writer's keys: plain ones on the fast path, the rest escaped. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"

/* {"KEY":1} as the writer makes it */
static void check_key(const char *key, const char *want)
{
	struct json j;

	json_init(&j);
	json_obj_begin(&j);
	json_ku64_rt(&j, key, 1);
	json_obj_end(&j);
	assert_string_equal(j.buf, want);
	assert_int_equal(j.len, strlen(want));
	json_free(&j);
}

static void test_plain_keys(void **state)
{
	(void)state;
	check_key("pid", "{\"pid\":1}");
	check_key("", "{\"\":1}");
	/* 31, 32 and 33 bytes: either side of the fast path's bound */
	check_key("abcdefghijklmnopqrstuvwxyz01234",
		  "{\"abcdefghijklmnopqrstuvwxyz01234\":1}");
	check_key("abcdefghijklmnopqrstuvwxyz012345",
		  "{\"abcdefghijklmnopqrstuvwxyz012345\":1}");
	check_key("abcdefghijklmnopqrstuvwxyz0123456",
		  "{\"abcdefghijklmnopqrstuvwxyz0123456\":1}");
}

static void test_escaped_keys(void **state)
{
	(void)state;
	check_key("a\"b", "{\"a\\\"b\":1}");
	check_key("a\\b", "{\"a\\\\b\":1}");
	check_key("a\nb", "{\"a\\nb\":1}");
	check_key("x\x01", "{\"x\\u0001\":1}");
	check_key("caf\xc3\xa9", "{\"caf\xc3\xa9\":1}");	/* valid UTF-8 kept */
	check_key("caf\xe9", "{\"caf\\u00e9\":1}");		/* a stray byte escaped */
	/* the escape after the fast path's bound, in a long key */
	check_key("abcdefghijklmnopqrstuvwxyz0123456789\"",
		  "{\"abcdefghijklmnopqrstuvwxyz0123456789\\\"\":1}");
}

/* Many keys: the buffer grows under the fast path, members stay apart. */
static void test_many_keys(void **state)
{
	struct json j;
	char key[16], want[32];
	size_t at = 1;

	(void)state;
	json_init(&j);
	json_obj_begin(&j);
	for (int i = 0; i < 2000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		json_ku64_rt(&j, key, (uint64_t)i);
	}
	json_obj_end(&j);
	for (int i = 0; i < 2000; i++) {
		int n = snprintf(want, sizeof(want), "%s\"k%d\":%d", i ? "," : "", i, i);

		assert_memory_equal(j.buf + at, want, (size_t)n);
		at += (size_t)n;
	}
	assert_string_equal(j.buf + at, "}");
	json_free(&j);
}

/* Numbers as printf writes them: every power of ten and its neighbours,
 * the limits of both types. */
static void test_numbers(void **state)
{
	char want[32];
	struct json j;
	uint64_t p = 1;

	(void)state;
	json_init(&j);
	for (int i = 0; i < 20; i++, p *= 10) {
		uint64_t vs[3] = { p - 1, p, p + 1 };

		for (int k = 0; k < 3; k++) {
			json_reset(&j);
			json_u64(&j, vs[k]);
			snprintf(want, sizeof(want), "%llu", (unsigned long long)vs[k]);
			assert_string_equal(j.buf, want);
			json_reset(&j);
			json_i64(&j, -(int64_t)(vs[k] >> 1));
			snprintf(want, sizeof(want), "%lld", -(long long)(vs[k] >> 1));
			assert_string_equal(j.buf, want);
		}
	}
	json_reset(&j);
	json_u64(&j, UINT64_MAX);
	assert_string_equal(j.buf, "18446744073709551615");
	json_reset(&j);
	json_i64(&j, INT64_MIN);
	assert_string_equal(j.buf, "-9223372036854775808");
	json_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_keys),
		cmocka_unit_test(test_escaped_keys),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
