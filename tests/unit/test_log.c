// SPDX-License-Identifier: GPL-2.0
/* The JSON writer and the log writer: exact bytes of real records. */
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

#include "json.h"
#include "log.h"

static void test_json_nesting_and_escaping(void **state)
{
	struct json j;

	(void)state;
	json_init(&j);
	json_obj_begin(&j);
	json_kstr(&j, "a", "x\"y\\z\n\x01");
	json_key(&j, "arr");
	json_arr_begin(&j);
	json_u64(&j, 1);
	json_i64(&j, -2);
	json_obj_begin(&j);
	json_kbool(&j, "t", true);
	json_obj_end(&j);
	json_null(&j);
	json_arr_end(&j);
	json_key(&j, "s");
	json_strn(&j, "abcdef", 3);
	json_obj_end(&j);
	assert_string_equal(j.buf,
		"{\"a\":\"x\\\"y\\\\z\\n\\u0001\",\"arr\":[1,-2,{\"t\":true},null],\"s\":\"abc\"}");
	json_reset(&j);
	json_arr_begin(&j);
	json_arr_end(&j);
	assert_string_equal(j.buf, "[]");
	json_free(&j);
}

static void test_format_time(void **state)
{
	char buf[64];

	(void)state;
	format_time(1764052800123456789LL, buf, sizeof(buf));
	assert_string_equal(buf, "2025-11-25T06:40:00.123456789Z");
	format_time(5, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000000005Z");
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, 65535, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static void test_decision_record(void **state)
{
	char dir[] = "/tmp/bw-log-XXXXXX", path[256];
	struct bw_event e;
	struct bw_log l;
	struct stat st;
	char *text;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/audit.log", dir);
	assert_int_equal(log_open(&l, path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	memset(&e, 0, sizeof(e));
	e.type = BW_REC_DECISION;
	e.cls = BW_CLASS_SIGNAL;
	e.generation = 3;
	e.decision = BW_DEC_WOULD_DENY;
	e.rule = 7;		/* no policy given: logged as the index */
	e.audit_rule = BW_NO_RULE;
	e.subj.tgid = 100;
	e.subj.pid = 101;
	e.subj.uid = 1000;
	memcpy(e.subj.comm, "kill\0garbage!!!", 16);
	memcpy(e.subj.container, "abcdef012345", 12);
	e.nanc = 1;
	e.anc[0].pid = 1;
	e.anc[0].exec_seq = 2;
	memcpy(e.anc[0].comm, "init", 5);
	e.sig.sig = 10;
	e.sig.target_pid = 42;
	memcpy(e.sig.target_comm, "sleep", 5);
	assert_int_equal(log_decision(&l, &e, NULL), 0);
	log_close(&l);

	text = read_all(path);
	assert_non_null(strstr(text, "\"type\":\"decision\",\"event\":\"signal\",\"decision\":\"would-deny\",\"enforced\":false,\"rule\":7,\"generation\":3"));
	assert_non_null(strstr(text, "\"pid\":100,\"exec_id\":\"100-0-0\",\"tid\":101"));
	assert_non_null(strstr(text, "\"comm\":\"kill\""));
	assert_null(strstr(text, "garbage"));
	assert_non_null(strstr(text, "\"ancestors\":[{\"pid\":1,\"exec_id\":\"1-0-2\",\"comm\":\"init\",\"exe\":null}]"));
	assert_non_null(strstr(text, "\"exe\":null"));
	assert_non_null(strstr(text, "\"container\":\"abcdef012345\""));
	assert_non_null(strstr(text, "\"signal\":{\"signal\":\"SIGUSR1\",\"sig\":10,\"target_pid\":42,\"target_comm\":\"sleep\""));
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_int_equal(strchr(text, '\n') - text, (long)strlen(text) - 1);
	free(text);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

/* A full disk is counted, not fatal. */
static void test_write_error_counted(void **state)
{
	struct bw_log l;
	struct json *j;

	(void)state;
	if (access("/dev/full", W_OK)) {
		skip();
		return;
	}
	assert_int_equal(log_open(&l, "/dev/full"), 0);
	j = log_begin(&l, "start", 0);
	json_kstr(j, "x", "y");
	assert_int_not_equal(log_end(&l), 0);
	assert_int_equal(l.write_errors, 1);
	assert_int_equal(l.records, 0);
	log_close(&l);
}

static size_t gz_lines(const char *path, char *first, size_t flen)
{
	gzFile gz = gzopen(path, "rb");
	char buf[4096];
	size_t n = 0;

	assert_non_null(gz);
	while (gzgets(gz, buf, sizeof(buf))) {
		if (n == 0)
			snprintf(first, flen, "%s", buf);
		n++;
	}
	gzclose(gz);
	return n;
}

/* Size rotation: gzip'd, 0600, shifted, at most `keep`, nothing lost. */
static void test_rotation(void **state)
{
	char dir[] = "/tmp/bw-rot-XXXXXX", path[256], gz[300], first[4096];
	struct log_cfg cfg = { .max_size = 4096, .keep = 2,
			       .flush = LOG_FLUSH_INCREMENTAL, .freq = 1 };
	size_t total = 0, n;
	struct bw_log l;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	assert_int_equal(log_open_cfg(&l, path, &cfg), 0);
	for (int i = 0; i < 150; i++) {
		struct json *j = log_begin(&l, "test", 0);

		json_ku64(j, "seq", i);
		json_kstr(j, "pad", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		assert_int_equal(log_end(&l), 0);
	}
	assert_true(l.rotations >= 3);
	log_close(&l);

	for (int i = 1; i <= 2; i++) {
		snprintf(gz, sizeof(gz), "%s.%d.gz", path, i);
		assert_int_equal(stat(gz, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		n = gz_lines(gz, first, sizeof(first));
		assert_true(n > 0);
		assert_non_null(strstr(first, "\"type\":\"test\""));
		total += n;
	}
	snprintf(gz, sizeof(gz), "%s.3.gz", path);
	assert_int_not_equal(stat(gz, &st), 0);	/* keep = 2 */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(st.st_size < 4096);
	/* the newest rotated file continues where .2.gz ended */
	snprintf(gz, sizeof(gz), "%s.1.gz", path);
	gz_lines(gz, first, sizeof(first));
	assert_non_null(strstr(first, "\"seq\":"));
	assert_true(total > 0);
	snprintf(gz, sizeof(gz), "rm -rf %s", dir);
	assert_int_equal(system(gz), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_nesting_and_escaping),
		cmocka_unit_test(test_format_time),
		cmocka_unit_test(test_decision_record),
		cmocka_unit_test(test_write_error_counted),
		cmocka_unit_test(test_rotation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
