// SPDX-License-Identifier: GPL-2.0
/*
 * The log reader on hostile input: wrong types, trailing data, NUL bytes,
 * overlong and endless lines, and the escaping of what the views show;
 * its reports reach the caller's callback, never stderr.
 */
#include <errno.h>
#include <fcntl.h>
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
	/* a rule given by its index: the writer's record when the policy was gone */
	assert_null(parse_why("{\"type\":\"decision\",\"event\":\"signal\",\"decision\":\"deny\",\"rule\":3,\"signal\":{}}"));
	assert_string_equal(parse_why("{\"type\":\"x\",\"rule\":[]}"),
			    "member rule has the wrong type (array)");
}

static void test_parse_nul(void **state)
{
	const char line[] = "{\"type\":\"x\"}\0junk";
	const char *why;

	(void)state;
	assert_null(log_parse_line(line, sizeof(line) - 1, &why));
	assert_string_equal(why, "a NUL byte in the line");
}

struct got_report {
	enum log_report_kind kind;
	char path[256];
	unsigned long line;
	int err;
	char msg[160];
};

struct seen {
	int n;
	char types[8][16];
	int nrep;
	struct got_report rep[8];
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

/* Every report kept (the first 8), its strings copied. */
static void collect_report(void *ctx, const struct log_report *rep)
{
	struct seen *s = ctx;

	if (s->nrep < 8) {
		struct got_report *g = &s->rep[s->nrep];

		g->kind = rep->kind;
		snprintf(g->path, sizeof(g->path), "%s", rep->path);
		g->line = rep->line;
		g->err = rep->err;
		snprintf(g->msg, sizeof(g->msg), "%s", rep->msg);
	}
	s->nrep++;
}

/* Records and reports into *s. */
#define OPS(s) (&(const struct log_read_ops){ collect, collect_report, (s) })

static void assert_report(const struct got_report *g, enum log_report_kind kind,
			  const char *path, unsigned long line, int err, const char *msg)
{
	assert_int_equal(g->kind, kind);
	assert_string_equal(g->path, path);
	assert_int_equal(g->line, line);
	assert_int_equal(g->err, err);
	assert_string_equal(g->msg, msg);
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

	assert_int_equal(log_read_file(path, OPS(&s), &bad), 0);
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

	assert_int_equal(log_read_file(path, OPS(&s), &bad), 0);
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

	assert_int_equal(log_read_file(path, OPS(&s), &bad), -1);
	assert_int_equal(s.n, 1);
	assert_int_equal(bad, 1);
	assert_int_equal(s.nrep, 1);
	assert_report(&s.rep[0], LOG_REPORT_STOPPED, path, 2, 0,
		      "no newline in 16 MiB: not a log, stopped reading it");
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

	assert_int_equal(log_read_file(path, OPS(&s), &bad), 0);
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
	assert_int_equal(log_read_file(path, OPS(&s), &bad), 0);
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
	assert_int_equal(log_read_file(path, OPS(&s), &bad), -1);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.nrep, 1);
	assert_report(&s.rep[0], LOG_REPORT_OPEN, path, 0, ENOENT, strerror(ENOENT));
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
	assert_int_equal(log_read_all(log, OPS(&s), &bad), -1);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.types[0], "old");
	assert_string_equal(s.types[1], "now");
	/* the directory: opened, then a read error with its errno */
	assert_int_equal(s.nrep, 1);
	assert_int_equal(s.rep[0].kind, LOG_REPORT_READ);
	assert_int_equal(s.rep[0].line, 0);
	assert_int_equal(s.rep[0].err, EISDIR);
	assert_non_null(strstr(s.rep[0].msg, strerror(EISDIR)));
	free(dir);
	assert_true(asprintf(&dir, "%s.2.gz", log) > 0);
	assert_string_equal(s.rep[0].path, dir);
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
	assert_int_equal(log_read_file(path, OPS(&s), &bad), -1);
	assert_int_equal(bad, LOG_GZ_BAD_MAX + 1);
	assert_int_equal(s.n, LOG_GZ_BAD_MAX + 1);
	/* a report per line, the first of them line 2, then the stop */
	assert_int_equal(s.nrep, LOG_GZ_BAD_MAX + 2);
	assert_report(&s.rep[0], LOG_REPORT_BAD_LINE, path, 2, 0, "not a JSON object");
	s.n = 0;
	s.nrep = 0;
	bad = 0;
	assert_int_equal(log_read_file(plain, OPS(&s), &bad), 0);
	assert_int_equal(bad, LOG_GZ_BAD_MAX + 5);
	assert_int_equal(s.nrep, LOG_GZ_BAD_MAX + 5);
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
	struct log_tail *t = log_tail_open(path, OPS(&s)), *next;
	char *run = malloc(LOG_LINE_MAX);

	assert_non_null(t);
	assert_non_null(run);
	assert_int_equal(log_tail_read(t, OPS(&s), &bad), 0);
	assert_int_equal(s.n, 1);
	append(path, "pe\":\"b\"}\n");
	assert_int_equal(log_tail_read(t, OPS(&s), &bad), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.types[1], "b");
	assert_int_equal(bad, 0);
	assert_false(log_tail_moved(t));

	/* 2 MiB of x in two pieces, then a record: one bad line */
	memset(run, 'x', LOG_LINE_MAX - 1);
	run[LOG_LINE_MAX - 1] = 0;
	append(path, run);
	assert_int_equal(log_tail_read(t, OPS(&s), &bad), 0);
	append(path, run);
	assert_int_equal(log_tail_read(t, OPS(&s), &bad), 0);
	assert_int_equal(bad, 0);
	append(path, "\n{\"type\":\"c\"}\n{\"type\":\"torn");
	assert_int_equal(log_tail_read(t, OPS(&s), &bad), 0);
	assert_int_equal(bad, 1);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.types[2], "c");
	assert_int_equal(s.nrep, 1);
	assert_report(&s.rep[0], LOG_REPORT_BAD_LINE, path, 3, 0,
		      "line longer than the 1 MiB limit (2097150 bytes)");

	/* rotated: the old file is finished, its torn line reported */
	assert_true(asprintf(&moved, "%s.1", path) > 0);
	assert_int_equal(rename(path, moved), 0);
	free(tu_write(*state, "audit.log", "{\"type\":\"new\"}\n"));
	assert_true(log_tail_moved(t));
	next = log_tail_open(path, OPS(&s));
	assert_non_null(next);
	assert_int_equal(log_tail_close(t, true, OPS(&s), &bad), 0);
	assert_int_equal(bad, 2);
	assert_int_equal(s.nrep, 2);
	assert_report(&s.rep[1], LOG_REPORT_BAD_LINE, path, 5, 0,
		      "truncated line (13 bytes without a newline)");
	assert_int_equal(log_tail_read(next, OPS(&s), &bad), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.types[3], "new");
	assert_int_equal(log_tail_close(next, false, NULL, NULL), 0);
	free(moved);
	free(run);
	free(path);
}

/* fd 2 into a new file at path until stderr_back(); returns the old fd 2. */
static int stderr_to(const char *path)
{
	int saved, fd;

	assert_int_equal(fflush(stderr), 0);
	saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	assert_int_equal(close(fd), 0);
	return saved;
}

/* fd 2 back; the size of what was written to it meanwhile. */
static off_t stderr_back(int saved, const char *path)
{
	struct stat st;

	assert_int_equal(fflush(stderr), 0);
	assert_int_equal(dup2(saved, 2), 2);
	assert_int_equal(close(saved), 0);
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/*
 * Bad lines, a missing file and a file that is not a log reach the
 * callback with their path and line; the library writes nothing to
 * stderr, with a callback or without one.
 */
static void test_reports_not_printed(void **state)
{
	struct seen s = { 0 };
	uint64_t bad = 0;
	char *path = tu_write(*state, "bad.log",
			      "{\"type\":\"a\"}\n"
			      "not json\n"
			      "{\"type\":\"b\"}\n"
			      "{\"type\":\"c\"} x\n"
			      "{\"type\":\"d\",\"pid\":\"1\"}\n"
			      "{\"type\":\"e\"}\n"
			      "{\"type\":\"torn");
	char *err, *none;
	int saved;

	assert_true(asprintf(&err, "%s/stderr", (char *)*state) > 0);
	assert_true(asprintf(&none, "%s/none.log", (char *)*state) > 0);
	saved = stderr_to(err);
	assert_int_equal(log_read_file(path, OPS(&s), &bad), 0);
	assert_int_equal(log_read_file(none, OPS(&s), &bad), -1);
	assert_int_equal(log_read_file(path, &(const struct log_read_ops){ collect, NULL, &s },
				       &bad), 0);
	assert_int_equal(log_read_file(none, NULL, &bad), -1);
	assert_null(log_tail_open(none, NULL));
	assert_int_equal(stderr_back(saved, err), 0);

	assert_int_equal(s.n, 6);
	assert_int_equal(bad, 8);
	assert_int_equal(s.nrep, 5);
	assert_report(&s.rep[0], LOG_REPORT_BAD_LINE, path, 2, 0, "not a JSON object");
	assert_report(&s.rep[1], LOG_REPORT_BAD_LINE, path, 4, 0, "data after the JSON object");
	assert_report(&s.rep[2], LOG_REPORT_BAD_LINE, path, 5, 0,
		      "member pid has the wrong type (string)");
	assert_report(&s.rep[3], LOG_REPORT_BAD_LINE, path, 7, 0,
		      "truncated line (13 bytes without a newline)");
	assert_report(&s.rep[4], LOG_REPORT_OPEN, none, 0, ENOENT, strerror(ENOENT));
	free(none);
	free(err);
	free(path);
}

/* The text of each kind, as the commands print it after "log: ". */
static void assert_text(enum log_report_kind kind, unsigned long line, const char *msg,
			const char *want)
{
	struct log_report rep = { .kind = kind, .path = "/l", .line = line, .msg = msg };
	char *text = log_report_text(&rep);

	assert_string_equal(text, want);
	free(text);
}

static void test_report_text(void **state)
{
	(void)state;
	assert_text(LOG_REPORT_BAD_LINE, 3, "not a JSON object", "/l:3: not a JSON object, skipped");
	assert_text(LOG_REPORT_OPEN, 0, "No such file or directory",
		    "cannot open /l: No such file or directory");
	assert_text(LOG_REPORT_READ, 0, "Is a directory", "/l: read error: Is a directory");
	assert_text(LOG_REPORT_STOPPED, 9, "no newline", "/l:9: no newline");
	assert_text(LOG_REPORT_STOPPED, 0, "stopped", "/l: stopped");
	assert_string_equal(log_report_kind_name(LOG_REPORT_BAD_LINE), "bad_line");
	assert_string_equal(log_report_kind_name(LOG_REPORT_OPEN), "open_error");
	assert_string_equal(log_report_kind_name(LOG_REPORT_READ), "read_error");
	assert_string_equal(log_report_kind_name(LOG_REPORT_STOPPED), "stopped");
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
		cmocka_unit_test_setup_teardown(test_reports_not_printed, tu_setup, tu_teardown),
		cmocka_unit_test(test_report_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
