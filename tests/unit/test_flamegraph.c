// SPDX-License-Identifier: GPL-2.0
/* Folded stacks merged and ordered; the flame graph's tree and escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "flamegraph.h"

static void test_fold_merge_order(void **state)
{
	struct fold_set s = { 0 };

	(void)state;
	fold_add(&s, "a;b;c", 2);
	fold_add(&s, "a;b", 5);
	fold_add(&s, "a;b;c", 4);
	fold_add(&s, "x", 1);
	fold_finish(&s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.total, 12);
	assert_string_equal(s.v[0].stack, "a;b;c");
	assert_int_equal(s.v[0].count, 6);
	assert_string_equal(s.v[1].stack, "a;b");
	assert_int_equal(s.v[1].count, 5);
	assert_string_equal(s.v[2].stack, "x");
	fold_free(&s);
	fold_finish(&s);	/* empty: nothing to do */
	assert_int_equal(s.n, 0);
}

/* The SVG of s, in memory. */
static char *svg_of(const struct fold_set *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(flamegraph_svg(s, "t<&>", f), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_svg_frames(void **state)
{
	struct fold_set s = { 0 };
	char *svg;

	(void)state;
	fold_add(&s, "main;outer;hot", 3);
	fold_add(&s, "main;outer;cold", 1);
	fold_finish(&s);
	svg = svg_of(&s);
	/* one box per tree node: all, main, outer, hot, cold */
	assert_int_equal(count(svg, "<g class=\"f\""), 5);
	assert_non_null(strstr(svg, "<title>all (4 samples, 100.00%)</title>"));
	assert_non_null(strstr(svg, "<title>outer (4 samples, 100.00%)</title>"));
	assert_non_null(strstr(svg, "<title>hot (3 samples, 75.00%)</title>"));
	assert_non_null(strstr(svg, "<title>cold (1 samples, 25.00%)</title>"));
	assert_non_null(strstr(svg, "t&lt;&amp;&gt; (4 samples)"));
	assert_int_equal(strncmp(svg, "<?xml ", 6), 0);
	assert_non_null(strstr(svg, "</svg>\n"));
	free(svg);
	fold_free(&s);
}

/* Markup and bytes XML does not allow are never written as they are. */
static void test_svg_escaping(void **state)
{
	struct fold_set s = { 0 };
	char *svg;

	(void)state;
	fold_add(&s, "a<b>&\"c'\x01\xff;operator<<", 1);
	fold_finish(&s);
	svg = svg_of(&s);
	assert_non_null(strstr(svg, "<title>a&lt;b&gt;&amp;&quot;c&apos;?? (1 samples"));
	assert_non_null(strstr(svg, "<title>operator&lt;&lt; (1 samples"));
	assert_null(strchr(svg, '\x01'));
	assert_null(strchr(svg, '\xff'));
	free(svg);
	fold_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_merge_order),
		cmocka_unit_test(test_svg_frames),
		cmocka_unit_test(test_svg_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
