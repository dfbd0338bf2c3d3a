// SPDX-License-Identifier: GPL-2.0
/*
 * The log reader on hostile input: wrong types, trailing data, NUL bytes,
 * overlong and endless lines, and the escaping of what the views show.
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
#include <zlib.h>

#include "logread.h"
#include "testutil.h"

/* The escaped form of s, in full. */
static void assert_escaped(const char *s, const char *want)
{
	char *got = log_escape_dup(s);

	assert_string_equal(got, want);
	free(got);
}

static void test_escape(void **state)
{
	(void)state;
	assert_escaped("plain /usr/bin/x", "plain /usr/bin/x");
	assert_escaped("a\nb\tc\rd", "a\\nb\\tc\\rd");
	assert_escaped("back\\slash \"q\"", "back\\\\slash \"q\"");
	assert_escaped("\x01\x1b[31m\x7f", "\\x01\\x1b[31m\\x7f");
	/* valid UTF-8 as is; invalid bytes, overlong forms, surrogates, C1 as bytes */
	assert_escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	assert_escaped("a\xff\x01", "a\\xff\\x01");
	assert_escaped("\xc0\xaf", "\\xc0\\xaf");
	assert_escaped("\xe0\x80\xaf", "\\xe0\\x80\\xaf");
	assert_escaped("\xed\xa0\x80", "\\xed\\xa0\\x80");
	assert_escaped("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	assert_escaped("\xc2\x9b", "\\xc2\\x9b");
	assert_escaped("\xe2\x82", "\\xe2\\x82");	/* cut by the kernel's comm limit */
	assert_escaped("", "");
	assert_escaped(NULL, "");
}

static void test_escape_truncates_whole(void **state)
{
	char buf[6];

	(void)state;
	/* "ab\n" fits, the next escape does not: never half of one */
	assert_int_equal(log_escape("ab\n\x01", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "ab\\n");
	assert_int_equal(log_escape("abcd\xc3\xa9", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "abcd");
	assert_int_equal(log_escape("x", NULL, 0), 1);
}

/* The reason a line is malformed, or NULL when it is a record. */
static const char *parse_why(const char *line)
{
	const char *why = NULL;
	struct json_object *o = log_parse_line(line, strlen(line), &why);

	if (o)
		assert_null(why);
	else
		assert_non_null(why);
	json_object_put(o);
	return why;
}

static void test_parse_line(void **state)
{
	(void)state;
	assert_null(parse_why("{\"type\":\"start\",\"time\":\"2026-01-01T00:00:00Z\"}"));
	assert_null(parse_why("{\"type\":\"start\"}  "));
	assert_string_equal(parse_why("{\"type\":\"start\"} x"), "data after the JSON object");
	assert_string_equal(parse_why("{\"type\":\"start\"}{\"type\":\"b\"}"),
			    "data after the JSON object");
	assert_string_equal(parse_why("[1,2]"), "not a JSON object");
	assert_string_equal(parse_why("{\"type\":\"st"), "not a JSON object");
	assert_string_equal(parse_why("42"), "not a JSON object");
	assert_string_equal(parse_why(""), "not a JSON object");
	assert_string_equal(parse_why("{\"time\":1}"), "no string member type");
	assert_string_equal(parse_why("{\"type\":\"x\",\"time\":1}"),
			    "member time has the wrong type (int)");
	assert_string_equal(parse_why("{\"type\":\"x\",\"subject\":\"s\"}"),
			    "member subject has the wrong type (string)");
	assert_string_equal(parse_why("{\"type\":\"x\",\"subject\":{\"comm\":{}}}"),
			    "member subject.comm has the wrong type (object)");
	assert_string_equal(parse_why("{\"type\":\"x\",\"subject\":{\"pid\":\"1\"}}"),
			    "member subject.pid has the wrong type (string)");
	assert_non_null(strstr(parse_why("{\"type\":\"x\",\"ancestors\":\"x\"}"),
			       "ancestors has the wrong type"));
	assert_non_null(strstr(parse_why("{\"type\":\"x\",\"ancestors\":[1]}"),
			       "not an object"));
	assert_null(parse_why("{\"type\":\"x\",\"ancestors\":[null,{\"pid\":1}]}"));
	/* the reproductions of issue 11 */
	assert_non_null(strstr(parse_why("{\"type\":\"decision\",\"event\":\"exec\",\"decision\":\"deny\"}"),
			       "without an object named after its event"));
	assert_non_null(strstr(parse_why("{\"type\":\"decision\",\"event\":\"exec\",\"decision\":\"deny\",\"exec\":[]}"),
			       "without an object named after its event"));
	assert_non_null(strstr(parse_why("{\"type\":\"decision\",\"event\":5,\"decision\":\"deny\"}"),
			       "member event has the wrong type"));
	assert_null(parse_why("{\"type\":\"decision\",\"event\":\"exec\",\"decision\":\"deny\",\"exec\":{}}"));
}

static void test_parse_nul(void **state)
{
	const char line[] = "{\"type\":\"x\"}\0junk";
	const char *why;

	(void)state;
	assert_null(log_parse_line(line, sizeof(line) - 1, &why));
	assert_string_equal(why, "a NUL byte in the line");
}

struct seen {
	int n;
	char types[8][16];
};

static int collect(void *ctx, struct json_object *o, const char *line)
{
	struct seen *s = ctx;

	(void)line;
	if (s->n < 8)
		snprintf(s->types[s->n], sizeof(s->types[0]), "%s", json_get_str(o, "type"));
	s->n++;
	return 0;
}

/* DIR/name holding a, then n bytes of c, then b; returns the path (free it). */
static char *write_with_run(const char *dir, const char *name, const char *a, size_t n,
			    char c, const char *b)
{
	char *path, *run = malloc(n);
	FILE *f;

	assert_non_null(run);
	memset(run, c, n);
	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(a, f) >= 0, 1);
	assert_int_equal(fwrite(run, 1, n, f), n);
	assert_int_equal(fputs(b, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	free(run);
	return path;
}

static void test_read_overlong_skipped_whole(void **state)
{
	struct seen s = { 0 };
	uint64_t bad = 0;
	/* the tail after the limit is not read as a line of its own */
	char *path = write_with_run(*state, "long.log", "{\"type\":\"a\"}\n", LOG_LINE_MAX + 100,
				    'x', "{\"type\":\"tail\"}\n{\"type\":\"b\"}\n");

	assert_int_equal(log_read_file(path, collect, &s, &bad), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.types[0], "a");
	assert_string_equal(s.types[1], "b");
	assert_int_equal(bad, 1);
	free(path);
}

static void test_read_limit_exact(void **state)
{
	struct seen s = { 0 };
	uint64_t bad = 0;
	/* a line of exactly LOG_LINE_MAX bytes is read: a record padded with blanks */
	size_t pad = LOG_LINE_MAX - strlen("{\"type\":\"a\"}");
	char *path = write_with_run(*state, "exact.log", "{\"type\":\"a\"}", pad, ' ', "\n");

	assert_int_equal(log_read_file(path, collect, &s, &bad), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(bad, 0);
	free(path);
}

static void test_read_runaway(void **state)
{
	struct seen s = { 0 };
	uint64_t bad = 0;
	char *path = write_with_run(*state, "zero.log", "{\"type\":\"a\"}\n", LOG_RUNAWAY_MAX + 1,
				    0, "\n{\"type\":\"never\"}\n");

	assert_int_equal(log_read_file(path, collect, &s, &bad), -1);
	assert_int_equal(s.n, 1);
	assert_int_equal(bad, 1);
	free(path);
}

static void test_read_mixed(void **state)
{
	struct seen s = { 0 };
	uint64_t bad = 0;
	char *path = tu_write(*state, "mixed.log",
			      "{\"type\":\"a\"}\n"
			      "{\"type\":\"decision\",\"event\":\"exec\",\"decision\":\"deny\"}\n"
			      "{\"type\":\"b\"} trailing\n"
			      "\n"
			      "{\"type\":\"c\",\"subject\":{\"pid\":[]}}\n"
			      "{\"type\":\"d\"}\n"
			      "{\"type\":\"torn");

	assert_int_equal(log_read_file(path, collect, &s, &bad), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.types[0], "a");
	assert_string_equal(s.types[1], "d");
	assert_int_equal(bad, 5);
	free(path);
}

static void test_read_gzip(void **state)
{
	struct seen s = { 0 };
	uint64_t bad = 0;
	char *path;
	gzFile gz;

	assert_true(asprintf(&path, "%s/log.1.gz", (char *)*state) > 0);
	gz = gzopen(path, "wb");
	assert_non_null(gz);
	assert_true(gzputs(gz, "{\"type\":\"a\"}\n{\"type\":\"b\"}x\n{\"type\":\"c\"}\n") > 0);
	assert_int_equal(gzclose(gz), Z_OK);
	assert_int_equal(log_read_file(path, collect, &s, &bad), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.types[1], "c");
	assert_int_equal(bad, 1);
	free(path);
}

static void test_read_missing(void **state)
{
	struct seen s = { 0 };
	uint64_t bad = 0;
	char *path;

	assert_true(asprintf(&path, "%s/none.log", (char *)*state) > 0);
	assert_int_equal(log_read_file(path, collect, &s, &bad), -1);
	assert_int_equal(s.n, 0);
	free(path);
}

/* A rotation that cannot be read is reported; the others are still read. */
static void test_read_all_goes_on(void **state)
{
	struct seen s = { 0 };
	uint64_t bad = 0;
	char *log = tu_write(*state, "audit.log", "{\"type\":\"now\"}\n"), *dir;
	gzFile gz;

	assert_true(asprintf(&dir, "%s.2.gz", log) > 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	free(dir);
	assert_true(asprintf(&dir, "%s.1.gz", log) > 0);
	gz = gzopen(dir, "wb");
	assert_non_null(gz);
	assert_true(gzputs(gz, "{\"type\":\"old\"}\n") > 0);
	assert_int_equal(gzclose(gz), Z_OK);
	assert_int_equal(log_read_all(log, collect, &s, &bad), -1);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.types[0], "old");
	assert_string_equal(s.types[1], "now");
	free(dir);
	free(log);
}

/*
 * A .gz bomb: junk that inflates without end is given up after
 * LOG_GZ_BAD_MAX malformed lines, valid records between them or not; the
 * same lines in a plain file are all read.
 */
static void test_read_gz_bomb(void **state)
{
	struct seen s = { 0 };
	uint64_t bad = 0;
	char *path, *plain;
	gzFile gz;
	FILE *f;

	assert_true(asprintf(&path, "%s/bomb.log.gz", (char *)*state) > 0);
	assert_true(asprintf(&plain, "%s/junk.log", (char *)*state) > 0);
	gz = gzopen(path, "wb9");
	f = fopen(plain, "w");
	assert_non_null(gz);
	assert_non_null(f);
	for (int i = 0; i < LOG_GZ_BAD_MAX + 5; i++) {
		assert_true(gzputs(gz, "{\"type\":\"a\"}\n\n") > 0);
		fputs("{\"type\":\"a\"}\n\n", f);
	}
	assert_int_equal(gzclose(gz), Z_OK);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(log_read_file(path, collect, &s, &bad), -1);
	assert_int_equal(bad, LOG_GZ_BAD_MAX + 1);
	assert_int_equal(s.n, LOG_GZ_BAD_MAX + 1);
	s.n = 0;
	bad = 0;
	assert_int_equal(log_read_file(plain, collect, &s, &bad), 0);
	assert_int_equal(bad, LOG_GZ_BAD_MAX + 5);
	assert_int_equal(s.n, LOG_GZ_BAD_MAX + 5);
	free(plain);
	free(path);
}

static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/*
 * -f: a line written in halves is one record; an overlong line is
 * skipped whole even when it comes in pieces; a moved file is finished
 * with its torn last line counted, and the new one read from its start.
 */
static void test_tail(void **state)
{
	struct seen s = { 0 };
	uint64_t bad = 0;
	char *path = tu_write(*state, "audit.log", "{\"type\":\"a\"}\n{\"ty"), *moved;
	struct log_tail *t = log_tail_open(path), *next;
	char *run = malloc(LOG_LINE_MAX);

	assert_non_null(t);
	assert_non_null(run);
	assert_int_equal(log_tail_read(t, collect, &s, &bad), 0);
	assert_int_equal(s.n, 1);
	append(path, "pe\":\"b\"}\n");
	assert_int_equal(log_tail_read(t, collect, &s, &bad), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.types[1], "b");
	assert_int_equal(bad, 0);
	assert_false(log_tail_moved(t));

	/* 2 MiB of x in two pieces, then a record: one bad line */
	memset(run, 'x', LOG_LINE_MAX - 1);
	run[LOG_LINE_MAX - 1] = 0;
	append(path, run);
	assert_int_equal(log_tail_read(t, collect, &s, &bad), 0);
	append(path, run);
	assert_int_equal(log_tail_read(t, collect, &s, &bad), 0);
	assert_int_equal(bad, 0);
	append(path, "\n{\"type\":\"c\"}\n{\"type\":\"torn");
	assert_int_equal(log_tail_read(t, collect, &s, &bad), 0);
	assert_int_equal(bad, 1);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.types[2], "c");

	/* rotated: the old file is finished, its torn line reported */
	assert_true(asprintf(&moved, "%s.1", path) > 0);
	assert_int_equal(rename(path, moved), 0);
	free(tu_write(*state, "audit.log", "{\"type\":\"new\"}\n"));
	assert_true(log_tail_moved(t));
	next = log_tail_open(path);
	assert_non_null(next);
	assert_int_equal(log_tail_close(t, true, collect, &s, &bad), 0);
	assert_int_equal(bad, 2);
	assert_int_equal(log_tail_read(next, collect, &s, &bad), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.types[3], "new");
	assert_int_equal(log_tail_close(next, false, NULL, NULL, NULL), 0);
	free(moved);
	free(run);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_truncates_whole),
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_parse_nul),
		cmocka_unit_test_setup_teardown(test_read_overlong_skipped_whole, tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_read_limit_exact, tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_read_runaway, tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_read_mixed, tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_read_gzip, tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_read_missing, tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_read_all_goes_on, tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_read_gz_bomb, tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_tail, tu_setup, tu_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
