// SPDX-License-Identifier: GPL-2.0
/*
 * log2 histograms (engine/hist.c): the table in libbpf-tools'
 * print_log2_hist() layout to the byte, nothing for an empty one, the
 * JSON of the non-empty slots.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hist.h"

static char *print(const uint32_t *slots, int n, const char *unit)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	log2_hist_print(f, slots, n, unit);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_table(void **state)
{
	uint32_t slots[27] = { [4] = 8, [5] = 5, [12] = 1 };
	char *out = print(slots, 27, "usecs");

	(void)state;
	assert_string_equal(out,
		"     usecs               : count    distribution\n"
		"         0 -> 1          : 0        |                                        |\n"
		"         2 -> 3          : 0        |                                        |\n"
		"         4 -> 7          : 0        |                                        |\n"
		"         8 -> 15         : 0        |                                        |\n"
		"        16 -> 31         : 8        |****************************************|\n"
		"        32 -> 63         : 5        |*************************               |\n"
		"        64 -> 127        : 0        |                                        |\n"
		"       128 -> 255        : 0        |                                        |\n"
		"       256 -> 511        : 0        |                                        |\n"
		"       512 -> 1023       : 0        |                                        |\n"
		"      1024 -> 2047       : 0        |                                        |\n"
		"      2048 -> 4095       : 0        |                                        |\n"
		"      4096 -> 8191       : 1        |*****                                   |\n");
	free(out);
}

static void test_empty(void **state)
{
	uint32_t slots[27] = { 0 };
	char *out = print(slots, 27, "msecs");

	(void)state;
	assert_string_equal(out, "");
	free(out);
}

static void test_json(void **state)
{
	uint32_t slots[27] = { [0] = 3, [10] = 2 };
	struct json j;

	(void)state;
	json_init(&j);
	log2_hist_json(&j, slots, 27);
	assert_true(j.len > 0);
	assert_string_equal(j.buf, "[{\"low\":0,\"high\":1,\"count\":3},"
				   "{\"low\":1024,\"high\":2047,\"count\":2}]");
	json_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
