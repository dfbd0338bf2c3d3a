// SPDX-License-Identifier: GPL-2.0
/* The JSON writer and the log writer: exact bytes of real records. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>

#include "json.h"
#include "log.h"
#include "logread.h"

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
	size_t n = 0, cap = 65536;
	char *buf = malloc(cap);

	assert_non_null(f);
	assert_non_null(buf);
	while ((n += fread(buf + n, 1, cap - n - 1, f)) == cap - 1) {
		cap *= 2;
		buf = realloc(buf, cap);
		assert_non_null(buf);
	}
	assert_int_equal(ferror(f), 0);
	buf[n] = 0;
	assert_int_equal(fclose(f), 0);
	return buf;
}

static size_t count_char(const char *s, char c)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
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
	e.subj.id.pid = 100;
	e.subj.id.tid = 101;
	e.subj.id.uid = 1000;
	memcpy(e.subj.id.comm, "kill\0garbage!!!", 16);
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
	/* nothing folded ([log] repeat off, or a key's first record) */
	assert_null(strstr(text, "folded"));
	free(text);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

/*
 * Escaping: runs of plain bytes are copied as they are, bytes from 0x80
 * up included; quote, backslash, control bytes and DEL are escaped; NUL
 * ends the string.
 */
static void test_json_escaping(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		const char *out;
	} cases[] = {
		{ "", 0, "\"\"" },
		{ "plain text, no escapes", 22, "\"plain text, no escapes\"" },
		{ "\"", 1, "\"\\\"\"" },
		{ "\\", 1, "\"\\\\\"" },
		{ "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
		{ "\n\r\t", 3, "\"\\n\\r\\t\"" },
		{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"" },
		{ "x\by\fz", 5, "\"x\\u0008y\\u000cz\"" },
		/* valid UTF-8 unchanged, the bytes of invalid sequences as \u00XX */
		{ "caf\xc3\xa9 \xe2\x82\xac \x80\xff", 13, "\"caf\xc3\xa9 \xe2\x82\xac \\u0080\\u00ff\"" },
		{ "ab\0cd", 5, "\"ab\"" },
		{ "abcdef", 3, "\"abc\"" },
		{ " \x20\x7e~", 4, "\"  ~~\"" },
	};
	struct json j;

	(void)state;
	json_init(&j);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_reset(&j);
		json_strn(&j, cases[i].in, cases[i].n);
		if (strcmp(j.buf, cases[i].out))
			fail_msg("case %zu: got %s, want %s", i, j.buf, cases[i].out);
		assert_int_equal(j.len, strlen(cases[i].out));
	}
	/* every byte value once, as a key and as a value */
	{
		char all[256], want[2048], *p = want;

		for (int c = 0; c < 256; c++)
			all[c] = (char)(c ? c : 1);
		for (int c = 0; c < 256; c++) {
			unsigned char b = (unsigned char)all[c];

			if (b == '"' || b == '\\')
				p += sprintf(p, "\\%c", b);
			else if (b == '\n')
				p += sprintf(p, "\\n");
			else if (b == '\r')
				p += sprintf(p, "\\r");
			else if (b == '\t')
				p += sprintf(p, "\\t");
			else if (b < 0x20 || b >= 0x7f)	/* no byte pair is UTF-8 */
				p += sprintf(p, "\\u%04x", b);
			else
				*p++ = (char)b;
		}
		*p = 0;
		json_reset(&j);
		json_strn(&j, all, sizeof(all));
		assert_int_equal(j.len, strlen(want) + 2);
		assert_memory_equal(j.buf + 1, want, strlen(want));
	}
	/* a string that outgrows the buffer many times over */
	{
		size_t n = 100000;
		char *big = malloc(n);

		assert_non_null(big);
		for (size_t i = 0; i < n; i++)
			big[i] = i % 7 ? 'a' : '"';
		json_reset(&j);
		json_obj_begin(&j);
		json_key_rt(&j, "k\"ey");
		json_strn(&j, big, n);
		json_obj_end(&j);
		assert_int_equal(j.len, 2 + 8 + n + (n + 6) / 7 + 2);
		assert_memory_equal(j.buf, "{\"k\\\"ey\":\"\\\"aaaaaa\\\"a", 21);
		assert_int_equal(j.buf[j.len], 0);
		free(big);
	}
	json_free(&j);
}

static void test_json_numbers(void **state)
{
	struct json j;

	(void)state;
	json_init(&j);
	json_arr_begin(&j);
	json_u64(&j, 0);
	json_u64(&j, 9);
	json_u64(&j, 10);
	json_u64(&j, UINT64_MAX);
	json_i64(&j, 0);
	json_i64(&j, -1);
	json_i64(&j, INT64_MAX);
	json_i64(&j, INT64_MIN);
	json_boolean(&j, false);
	json_arr_end(&j);
	assert_string_equal(j.buf, "[0,9,10,18446744073709551615,0,-1,"
			    "9223372036854775807,-9223372036854775808,false]");
	json_free(&j);
}

static void test_exec_id(void **state)
{
	char buf[64], want[64];
	static const struct { uint32_t pid; uint64_t start, seq; } ids[] = {
		{ 0, 0, 0 }, { 812, 0x1f3a9c2e1bULL, 1 },
		{ UINT32_MAX, UINT64_MAX, UINT64_MAX }, { 1, 0xabcdef, 10 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(want, sizeof(want), "%u-%llx-%llu", ids[i].pid,
			 (unsigned long long)ids[i].start, (unsigned long long)ids[i].seq);
		assert_string_equal(format_exec_id(buf, sizeof(buf), ids[i].pid,
						   ids[i].start, ids[i].seq), want);
	}
	/* cut as snprintf cuts */
	assert_string_equal(format_exec_id(buf, 6, 812, 0x1f3a, 1), "812-1");
}

/* Record times: the cached date and second are those of each record. */
static void test_record_times(void **state)
{
	static const int64_t ts[] = {
		1764052800123456789LL, 1764052800999999999LL, 1764052801000000000LL,
		1764052801000000001LL, 1764052800000000005LL, 5,
	};
	char dir[] = "/tmp/bw-time-XXXXXX", path[256], want[64], *text;
	struct bw_log l;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	assert_int_equal(log_open(&l, path), 0);
	l.boot_to_real = 0;
	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		log_begin(&l, "t", (uint64_t)ts[i]);
		format_time(ts[i], want, sizeof(want));
		assert_non_null(strstr(l.j.buf, want));
		assert_int_equal(log_end(&l), 0);
	}
	log_close(&l);
	text = read_all(path);
	assert_non_null(strstr(text, "\"time\":\"2025-11-25T06:40:01.000000001Z\""));
	assert_non_null(strstr(text, "\"time\":\"1970-01-01T00:00:00.000000005Z\""));
	free(text);
	unlink(path);
	rmdir(dir);
}

static size_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (size_t)st.st_size;
}

static void write_records(struct bw_log *l, int from, int n)
{
	for (int i = from; i < from + n; i++) {
		struct json *j = log_begin(l, "test", 0);

		json_ku64(j, "seq", i);
		assert_int_equal(log_end(l), 0);
	}
}

/* The flush policies: what is in the file, and when. */
static void test_flush_policies(void **state)
{
	struct log_cfg none = { .keep = 1, .flush = LOG_FLUSH_NONE, .freq = 1 };
	struct log_cfg inc = { .keep = 1, .flush = LOG_FLUSH_INCREMENTAL, .freq = 3 };
	char dir[] = "/tmp/bw-flush-XXXXXX", path[256];
	struct bw_log l;
	char *text;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/audit.log", dir);

	/* none: pending until 64 KiB gather, a second passes, or a flush */
	assert_int_equal(log_open_cfg(&l, path, &none), 0);
	write_records(&l, 0, 10);
	assert_int_equal(log_batch_end(&l), 0);
	assert_int_equal(file_size(path), 0);
	assert_int_equal(l.records, 0);
	l.out_since -= 1000000000LL;	/* as if a second had passed */
	assert_int_equal(log_batch_end(&l), 0);
	assert_int_equal(l.records, 10);
	assert_int_equal(file_size(path), l.bytes);
	/* 64 KiB gathered: written with no flush asked */
	for (int i = 10; l.records == 10; i++) {
		assert_true(i < 10000);
		write_records(&l, i, 1);
	}
	assert_int_equal(l.out_len, 0);
	assert_true(l.bytes >= 64 << 10);
	assert_int_equal(file_size(path), l.bytes);
	write_records(&l, 10000, 2);
	log_close(&l);		/* closing writes what is pending */
	text = read_all(path);
	assert_non_null(strstr(text, "\"seq\":10001}\n"));
	free(text);
	assert_int_equal(unlink(path), 0);

	/* incremental: every freq records, and at a batch's end */
	assert_int_equal(log_open_cfg(&l, path, &inc), 0);
	write_records(&l, 0, 2);
	assert_int_equal(file_size(path), 0);
	write_records(&l, 2, 1);
	assert_int_equal(l.records, 3);
	assert_int_equal(file_size(path), l.bytes);
	write_records(&l, 3, 1);
	assert_int_equal(l.records, 3);
	assert_int_equal(log_batch_end(&l), 0);
	assert_int_equal(l.records, 4);
	assert_int_equal(file_size(path), l.bytes);
	assert_int_equal(l.write_errors, 0);
	log_close(&l);
	text = read_all(path);
	for (int i = 0; i < 4; i++) {
		char want[32];

		snprintf(want, sizeof(want), "\"seq\":%d}\n", i);
		assert_non_null(strstr(text, want));
	}
	free(text);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * A batch that fits only in part (a file size limit here, a full disk in
 * life): the records that fit whole are written and counted, the torn one
 * is cut off the file, the rest are counted as unwritten.
 */
static void test_partial_write(void **state)
{
	struct log_cfg cfg = { .keep = 1, .flush = LOG_FLUSH_NONE, .freq = 1 };
	char dir[] = "/tmp/bw-part-XXXXXX", path[256];
	struct rlimit old, lim;
	struct sigaction ign = { .sa_handler = SIG_IGN }, olds;
	struct bw_log l;
	size_t size;
	char *text;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	assert_int_equal(log_open_cfg(&l, path, &cfg), 0);
	write_records(&l, 0, 100);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = l.out_len / 2;
	assert_int_equal(sigaction(SIGXFSZ, &ign, &olds), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(log_flush(&l), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(sigaction(SIGXFSZ, &olds, NULL), 0);
	assert_true(l.records > 0 && l.records < 100);
	assert_int_equal(l.records + l.unwritten, 100);
	assert_int_equal(l.unwritten_total, 100 - l.records);
	assert_int_equal(l.write_errors, 100 - l.records);
	size = file_size(path);
	assert_int_equal(size, l.bytes);
	assert_int_equal(size, l.size);
	text = read_all(path);
	assert_int_equal(text[size - 1], '\n');
	assert_int_equal((size_t)count_char(text, '\n'), l.records);
	free(text);
	/* writing goes on after the failure */
	write_records(&l, 100, 1);
	assert_int_equal(log_flush(&l), 0);
	assert_int_equal(file_size(path), l.bytes);
	log_close(&l);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A rule of the record's policy is named, with FILE:LINE. */
static void test_rule_named(void **state)
{
	char dir[] = "/tmp/bw-rule-XXXXXX", path[256], *text;
	struct bw_rule rule = { .name = "audit-urg", .file = "/etc/bulwark/rules.d/10.rules",
				.line = 1234, .cls = BW_CLASS_SIGNAL, .action = BW_ACT_AUDIT };
	struct bw_compiled *cp = calloc(1, sizeof(*cp));
	struct bw_event e;
	struct bw_log l;

	(void)state;
	assert_non_null(cp);
	cp->rule[BW_CLASS_SIGNAL][3] = &rule;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	assert_int_equal(log_open(&l, path), 0);
	memset(&e, 0, sizeof(e));
	e.type = BW_REC_DECISION;
	e.cls = BW_CLASS_SIGNAL;
	e.decision = BW_DEC_AUDIT;
	e.rule = BW_NO_RULE;
	e.audit_rule = 3;
	assert_int_equal(log_decision(&l, &e, cp), 0);
	log_close(&l);
	text = read_all(path);
	assert_non_null(strstr(text, "\"rule\":null,\"audit_rule\":\"audit-urg\","
			       "\"audit_rule_at\":\"/etc/bulwark/rules.d/10.rules:1234\","));
	free(text);
	free(cp);
	unlink(path);
	rmdir(dir);
}

/*
 * [log] repeat: a decision record says what was folded since its key's
 * last record; a repeat record sums a window no decision closed.  Both
 * pass the log reader's checks.
 */
static void test_folded_records(void **state)
{
	char dir[] = "/tmp/bw-fold-XXXXXX", path[256], *text, *nl;
	struct bw_rule rule = { .name = "audit-urg", .file = "/r.rules", .line = 4,
				.cls = BW_CLASS_SIGNAL, .action = BW_ACT_AUDIT };
	struct bw_compiled *cp = calloc(1, sizeof(*cp));
	struct bw_repeat rp = { 0 };
	struct json_object *o;
	struct bw_event e;
	struct bw_log l;
	const char *why;

	(void)state;
	assert_non_null(cp);
	cp->rule[BW_CLASS_SIGNAL][2] = &rule;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	assert_int_equal(log_open(&l, path), 0);
	l.boot_to_real = 0;	/* boot ns print as times of 1970 */
	memset(&e, 0, sizeof(e));
	e.type = BW_REC_DECISION;
	e.cls = BW_CLASS_SIGNAL;
	e.decision = BW_DEC_WOULD_DENY;
	e.rule = 2;
	e.audit_rule = BW_NO_RULE;
	e.ts = 3000000000ULL;
	e.folded = 19999;
	e.fold_first = 1000000001ULL;
	e.fold_last = 2500000000ULL;
	assert_int_equal(log_decision(&l, &e, cp), 0);
	rp.type = BW_REC_REPEAT;
	rp.cls = BW_CLASS_SIGNAL;
	rp.ts = 4000000000ULL;
	rp.generation = 1;
	rp.decision = BW_DEC_AUDIT;
	rp.rule = 2;
	rp.audit_rule = BW_NO_RULE;
	rp.pid = 812;
	rp.start = 0x1f;
	rp.exec_seq = 1;
	rp.count = 299;
	rp.first = 3100000000ULL;
	rp.last = 3200000000ULL;
	memcpy(rp.comm, "bwrpt\0junk", 11);
	assert_int_equal(log_repeat(&l, &rp, cp), 0);
	log_close(&l);

	text = read_all(path);
	nl = strchr(text, '\n');
	assert_non_null(nl);
	assert_non_null(strstr(text, "\"rule\":\"audit-urg\",\"rule_at\":\"/r.rules:4\","
			       "\"generation\":0,\"folded\":19999,"
			       "\"folded_first\":\"1970-01-01T00:00:01.000000001Z\","
			       "\"folded_last\":\"1970-01-01T00:00:02.500000000Z\",\"subject\":"));
	assert_true(strstr(text, "folded") < nl);
	assert_non_null(strstr(nl, "\"time\":\"1970-01-01T00:00:04.000000000Z\","));
	assert_non_null(strstr(nl, "\"type\":\"repeat\",\"event\":\"signal\","
			       "\"decision\":\"audit\",\"rule\":\"audit-urg\","
			       "\"rule_at\":\"/r.rules:4\",\"generation\":1,\"pid\":812,"
			       "\"exec_id\":\"812-1f-1\",\"comm\":\"bwrpt\",\"folded\":299,"
			       "\"folded_first\":\"1970-01-01T00:00:03.100000000Z\","
			       "\"folded_last\":\"1970-01-01T00:00:03.200000000Z\"}\n"));
	assert_null(strstr(text, "junk"));
	/* both lines are records the readers take */
	o = log_parse_line(text, (size_t)(nl - text), &why);
	assert_non_null(o);
	json_object_put(o);
	o = log_parse_line(nl + 1, strlen(nl + 1) - 1, &why);
	if (!o)
		fail_msg("repeat record refused: %s", why);
	json_object_put(o);
	free(text);
	free(cp);
	unlink(path);
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
		/* each rotation whole before the next (the next test does not wait) */
		assert_int_equal(log_rotate_wait(&l), 0);
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

/* Lines of a plain or gzip'd file, each "seq" checked to follow the last. */
static size_t seq_lines(const char *path, long *next)
{
	char line[512];
	size_t n = 0;
	gzFile gz = gzopen(path, "rb");

	if (!gz)
		return 0;
	while (gzgets(gz, line, sizeof(line))) {
		char *p = strstr(line, "\"seq\":");

		if (p) {
			assert_int_equal(strtol(p + 6, NULL, 10), *next);
			(*next)++;
		}
		n++;
	}
	gzclose(gz);
	return n;
}

/*
 * Rotations faster than their compression: a rotation waits for the last
 * one's compression (the file grows past max_size meanwhile); every
 * record is in one file, once, in order.
 */
static void test_rotation_async(void **state)
{
	char dir[] = "/tmp/bw-rota-XXXXXX", path[256], name[300];
	struct log_cfg cfg = { .max_size = 2048, .keep = 1000,
			       .flush = LOG_FLUSH_NONE, .freq = 1 };
	const long N = 20000;
	long next = 0;
	size_t lines = 0;
	struct bw_log l;
	struct stat st;
	int files = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	assert_int_equal(log_open_cfg(&l, path, &cfg), 0);
	for (long i = 0; i < N; i++) {
		struct json *j = log_begin(&l, "test", 0);

		json_ku64(j, "seq", (uint64_t)i);
		assert_int_equal(log_end(&l), 0);
	}
	assert_true(l.rotations >= 2);
	log_close(&l);	/* waits for the compression running */

	for (int i = 1000; i >= 1; i--) {
		snprintf(name, sizeof(name), "%s.%d.gz", path, i);
		if (stat(name, &st))
			continue;
		files++;
		lines += seq_lines(name, &next);
	}
	snprintf(name, sizeof(name), "%s.rotating", path);
	assert_int_not_equal(stat(name, &st), 0);
	lines += seq_lines(path, &next);
	assert_true(files >= 2);
	assert_int_equal(next, N);
	assert_true(lines >= (size_t)N);	/* and the start record */
	snprintf(name, sizeof(name), "rm -rf %s", dir);
	assert_int_equal(system(name), 0);
}

/*
 * A strict check of the writer's output: valid UTF-8 (no overlong form,
 * surrogate or code point above U+10FFFF) and no raw byte below 0x20.
 */
static bool strict_utf8_json(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned int cp, need, min;

		if (u[i] < 0x20)
			return false;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if ((u[i] & 0xe0) == 0xc0)
			cp = u[i] & 0x1f, need = 1, min = 0x80;
		else if ((u[i] & 0xf0) == 0xe0)
			cp = u[i] & 0x0f, need = 2, min = 0x800;
		else if ((u[i] & 0xf8) == 0xf0)
			cp = u[i] & 0x07, need = 3, min = 0x10000;
		else
			return false;
		if (n - i <= need)
			return false;
		for (unsigned int k = 1; k <= need; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (u[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

static void test_json_utf8(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		const char *out;
	} cases[] = {
		/* valid 2, 3 and 4-byte sequences, at their edges: unchanged */
		{ "\xc2\x80\xdf\xbf", 4, "\"\xc2\x80\xdf\xbf\"" },
		{ "\xe0\xa0\x80\xef\xbf\xbf\xed\x9f\xbf\xee\x80\x80", 12,
		  "\"\xe0\xa0\x80\xef\xbf\xbf\xed\x9f\xbf\xee\x80\x80\"" },
		{ "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\xf0\x9f\x98\x80", 12,
		  "\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\xf0\x9f\x98\x80\"" },
		/* the name: 0xff 0x01 */
		{ "\xff\x01", 2, "\"\\u00ff\\u0001\"" },
		/* truncated sequences, in the middle and at the end */
		{ "a\xc3" "b", 3, "\"a\\u00c3b\"" },
		{ "\xe2\x82" "x", 3, "\"\\u00e2\\u0082x\"" },
		{ "\xf0\x9f\x98", 3, "\"\\u00f0\\u009f\\u0098\"" },
		{ "\xe2", 1, "\"\\u00e2\"" },
		/* overlong forms */
		{ "\xc0\xaf", 2, "\"\\u00c0\\u00af\"" },
		{ "\xc1\xbf", 2, "\"\\u00c1\\u00bf\"" },
		{ "\xe0\x80\xaf", 3, "\"\\u00e0\\u0080\\u00af\"" },
		{ "\xe0\x9f\xbf", 3, "\"\\u00e0\\u009f\\u00bf\"" },
		{ "\xf0\x80\x80\xaf", 4, "\"\\u00f0\\u0080\\u0080\\u00af\"" },
		{ "\xf0\x8f\xbf\xbf", 4, "\"\\u00f0\\u008f\\u00bf\\u00bf\"" },
		/* surrogates */
		{ "\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"" },
		{ "\xed\xbf\xbf", 3, "\"\\u00ed\\u00bf\\u00bf\"" },
		/* above U+10FFFF, and bytes that never start a sequence */
		{ "\xf4\x90\x80\x80", 4, "\"\\u00f4\\u0090\\u0080\\u0080\"" },
		{ "\xf5\x80\x80\x80", 4, "\"\\u00f5\\u0080\\u0080\\u0080\"" },
		{ "\xf8\x88\x80\x80\x80", 5, "\"\\u00f8\\u0088\\u0080\\u0080\\u0080\"" },
		/* a stray continuation byte, then a valid character */
		{ "\xa9\xc3\xa9", 3, "\"\\u00a9\xc3\xa9\"" },
		/* a sequence cut by a NUL: the NUL ends the string */
		{ "\xc3\0\xa9", 3, "\"\\u00c3\"" },
		/* long ASCII runs around a character (the word-at-a-time path) */
		{ "abcdefghij\xc3\xa9klmnopqrstuvw\xff" "abcdefgh", 34,
		  "\"abcdefghij\xc3\xa9klmnopqrstuvw\\u00ffabcdefgh\"" },
	};
	struct json j;

	(void)state;
	json_init(&j);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_reset(&j);
		json_strn(&j, cases[i].in, cases[i].n);
		if (strcmp(j.buf, cases[i].out))
			fail_msg("case %zu: got %s, want %s", i, j.buf, cases[i].out);
		assert_true(strict_utf8_json(j.buf, j.len));
	}
	/*
	 * The kernel's 15-byte comm cut: "prog-" and 3-byte characters in a
	 * 16-byte field keep 15 bytes, the fourth character cut after its
	 * first byte (and after its second when cut one byte later).
	 */
	{
		char comm[16] = { 0 };
		const char *name = "prog-\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac";

		memcpy(comm, name, 15);
		json_reset(&j);
		json_str(&j, comm);
		assert_string_equal(j.buf, "\"prog-\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\\u00e2\"");
		assert_true(strict_utf8_json(j.buf, j.len));
		json_reset(&j);
		json_strn(&j, name, 16);
		assert_string_equal(j.buf, "\"prog-\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
				    "\\u00e2\\u0082\"");
		assert_true(strict_utf8_json(j.buf, j.len));
	}
	/* every 1 to 3-byte string of a set of awkward bytes: strict output */
	{
		static const unsigned char b[] = {
			0x00, 0x01, 0x1f, 0x20, '"', '\\', 'a', 0x7f, 0x80, 0x8f,
			0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed,
			0xee, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
		};
		size_t nb = sizeof(b), total = 0;
		char in[4];

		for (size_t x = 0; x < nb; x++)
			for (size_t y = 0; y < nb; y++)
				for (size_t z = 0; z < nb; z++) {
					in[0] = (char)b[x];
					in[1] = (char)b[y];
					in[2] = (char)b[z];
					for (size_t n = 1; n <= 3; n++) {
						json_reset(&j);
						json_obj_begin(&j);
						json_key(&j, "k");
						json_strn(&j, in, n);
						json_obj_end(&j);
						if (!strict_utf8_json(j.buf, j.len))
							fail_msg("not strict: %s", j.buf);
						total++;
					}
				}
		assert_true(total > 0);
	}
	json_free(&j);
}

static void file_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
}

/*
 * The log's own files: a symlink at the log is refused, rotation writes
 * through no symlink planted at audit.log.N.gz, and a torn last line is
 * ended before the next record.
 */
static void test_log_no_follow_torn(void **state)
{
	char dir[] = "/tmp/bw-own-XXXXXX", path[256], other[300], gz[300], buf[4096];
	const struct log_cfg cfg = LOG_CFG_DEFAULT;
	struct bw_log l;
	struct json *j;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	snprintf(other, sizeof(other), "%s/target", dir);
	f = fopen(other, "w");
	assert_non_null(f);
	fputs("precious\n", f);
	fclose(f);
	assert_int_equal(chmod(other, 0644), 0);

	/* a symlink at the log: refused, the target untouched */
	assert_int_equal(symlink(other, path), 0);
	assert_int_equal(log_open(&l, path), -ELOOP);
	file_text(other, buf, sizeof(buf));
	assert_string_equal(buf, "precious\n");
	unlink(path);

	/* a torn last line: ended first */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"type\":\"whole\"}\n{\"type\":\"to", f);
	fclose(f);
	assert_int_equal(log_open_cfg(&l, path, &cfg), 0);
	assert_true(l.torn);
	j = log_begin(&l, "next", 0);
	json_kstr(j, "x", "y");
	assert_int_equal(log_end(&l), 0);
	assert_int_equal(log_flush(&l), 0);
	file_text(path, buf, sizeof(buf));
	assert_memory_equal(buf, "{\"type\":\"whole\"}\n{\"type\":\"to\n{\"time\":", 36);

	/* rotation: a link planted at audit.log.1.gz is replaced, not followed */
	snprintf(gz, sizeof(gz), "%s.1.gz", path);
	assert_int_equal(symlink(other, gz), 0);
	assert_int_equal(log_rotate(&l), 0);
	assert_int_equal(log_rotate_wait(&l), 0);
	file_text(other, buf, sizeof(buf));
	assert_string_equal(buf, "precious\n");
	{
		struct stat st;

		assert_int_equal(lstat(gz, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	log_close(&l);

	/* a log that ends with its newline is left as it is */
	assert_int_equal(log_open_cfg(&l, path, &cfg), 0);
	assert_false(l.torn);
	log_close(&l);
	snprintf(buf, sizeof(buf), "rm -rf %s", dir);
	assert_int_equal(system(buf), 0);
}

/*
 * Hard links and owners: a log that is a second name of another file is
 * refused, whoever owns it; so is a log of another user (root only: the
 * chown); rotation never writes into a file linked at its names.
 */
static void test_log_links_owner(void **state)
{
	char dir[] = "/tmp/bw-links-XXXXXX", path[256], other[300], name[300], buf[64];
	struct bw_log l;
	struct stat st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	snprintf(other, sizeof(other), "%s/shadow", dir);
	f = fopen(other, "w");
	assert_non_null(f);
	fputs("precious\n", f);
	fclose(f);
	assert_int_equal(chmod(other, 0640), 0);

	/* a hard link at the log path: refused, the other file untouched */
	assert_int_equal(link(other, path), 0);
	assert_int_equal(log_open(&l, path), -EMLINK);
	file_text(other, buf, sizeof(buf));
	assert_string_equal(buf, "precious\n");
	assert_int_equal(stat(other, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	unlink(path);

	if (geteuid() == 0) {
		/* another user's log: refused, its mode left */
		f = fopen(path, "w");
		assert_non_null(f);
		fclose(f);
		assert_int_equal(chmod(path, 0644), 0);
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(log_open(&l, path), -EPERM);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0644);
		assert_int_equal(st.st_size, 0);
		unlink(path);
	}

	/* links planted at audit.log.1.gz and audit.log.rotating: the
	 * rotation renames or replaces them, never writes through them */
	assert_int_equal(log_open(&l, path), 0);
	snprintf(name, sizeof(name), "%s.1.gz", path);
	assert_int_equal(link(other, name), 0);
	snprintf(name, sizeof(name), "%s.rotating", path);
	assert_int_equal(link(other, name), 0);
	log_begin(&l, "x", 0);
	assert_int_equal(log_end(&l), 0);
	assert_int_equal(log_rotate(&l), 0);
	assert_int_equal(log_rotate_wait(&l), 0);
	file_text(other, buf, sizeof(buf));
	assert_string_equal(buf, "precious\n");
	snprintf(name, sizeof(name), "%s.1.gz", path);
	assert_int_equal(stat(name, &st), 0);
	assert_int_equal(st.st_nlink, 1);
	log_close(&l);
	snprintf(buf, sizeof(buf), "rm -rf %s", dir);
	assert_int_equal(system(buf), 0);
}

/*
 * The log's directory: refused when others can write to it (or to one
 * above it), accepted with the sticky bit.
 */
static void test_log_dir_writable(void **state)
{
	char dir[] = "/tmp/bw-dir-XXXXXX", sub[64], path[128], cmd[64];
	struct bw_log l;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(path, sizeof(path), "%s/audit.log", sub);
	assert_int_equal(mkdir(sub, 0755), 0);

	assert_int_equal(chmod(sub, 0777), 0);
	assert_int_equal(log_open(&l, path), -EPERM);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(chmod(sub, 01777), 0);
	assert_int_equal(log_open(&l, path), 0);
	log_close(&l);
	unlink(path);
	/* a directory above, world-writable without the sticky bit */
	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(log_open(&l, path), -EPERM);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(log_open(&l, path), 0);
	log_close(&l);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_nesting_and_escaping),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_json_numbers),
		cmocka_unit_test(test_exec_id),
		cmocka_unit_test(test_record_times),
		cmocka_unit_test(test_flush_policies),
		cmocka_unit_test(test_partial_write),
		cmocka_unit_test(test_rule_named),
		cmocka_unit_test(test_folded_records),
		cmocka_unit_test(test_format_time),
		cmocka_unit_test(test_decision_record),
		cmocka_unit_test(test_write_error_counted),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_rotation_async),
		cmocka_unit_test(test_json_utf8),
		cmocka_unit_test(test_log_no_follow_torn),
		cmocka_unit_test(test_log_links_owner),
		cmocka_unit_test(test_log_dir_writable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
