// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer: keys (plain ones on the fast path, the rest escaped),
 * numbers, and strings escaped as docs/log.md says, checked against a
 * reference written from those rules one byte at a time (json_ref.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"
#include "json_ref.h"
#include "util.h"

/*
 * json_strn() of exactly n bytes in a buffer of their own (ASan: a read
 * past them is an error), after `pre` bytes of output so that the string
 * starts at every offset of a word, equal to want (n bytes, with NULs).
 */
static void check_str(struct json *j, const char *s, size_t n, size_t pre,
		      const char *want)
{
	char *copy = malloc(n ? n : 1);

	assert_non_null(copy);
	memcpy(copy, s, n);
	json_reset(j);
	json_arr_begin(j);
	for (size_t k = 0; k < pre; k++)
		j->buf[j->len++] = ' ';
	j->buf[j->len] = 0;
	json_strn(j, copy, n);
	if (j->len != 1 + pre + strlen(want) || strcmp(j->buf + 1 + pre, want))
		fail_msg("%zu bytes after %zu: got %s, want %s", n, pre,
			 j->buf + 1 + pre, want);
	free(copy);
}

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

/* v in decimal and hex as printf writes them, alone and in JSON */
static void check_digits(uint64_t v)
{
	char want[96], buf[32], *end = buf + sizeof(buf) - 1, *p;
	struct json j;

	*end = 0;
	snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
	p = u64_dec(v, end);
	if (strcmp(p, want))
		fail_msg("u64_dec: got %s, want %s", p, want);
	snprintf(want, sizeof(want), "%llx", (unsigned long long)v);
	p = u64_hex(v, end);
	if (strcmp(p, want))
		fail_msg("u64_hex: got %s, want %s", p, want);
	/* and as the writer's values, which count the digits first */
	json_init(&j);
	json_arr_begin(&j);
	json_u64(&j, v);
	json_i64(&j, (int64_t)v);
	json_i64(&j, -(int64_t)(v >> 1));
	json_arr_end(&j);
	snprintf(want, sizeof(want), "[%llu,%lld,%lld]", (unsigned long long)v,
		 (long long)(int64_t)v, -(long long)(v >> 1));
	if (strcmp(j.buf, want))
		fail_msg("json: got %s, want %s", j.buf, want);
	json_free(&j);
}

/* Every power of two and of ten and their neighbours, and numbers of
 * every length made at random. */
static void test_digits(void **state)
{
	uint64_t p = 1, x = 88172645463325252ULL;

	(void)state;
	for (int i = 0; i < 64; i++) {
		check_digits((1ULL << i) - 1);
		check_digits(1ULL << i);
		check_digits((1ULL << i) + 1);
	}
	for (int i = 0; i < 20; i++, p *= 10) {
		check_digits(p - 1);
		check_digits(p);
		check_digits(p + 1);
	}
	check_digits(UINT64_MAX);
	for (int i = 0; i < 100000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		check_digits(x >> (i % 64));
	}
}

/* A byte alone in its class: what the rules make of it after plain text. */
static const char *byte_escape(unsigned char c, char buf[8])
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	}
	if (c < 0x20 || c >= 0x7f)	/* a byte from 0x80 up alone is no character */
		snprintf(buf, 8, "\\u%04x", c);
	else
		snprintf(buf, 8, "%c", c);
	return buf;
}

/*
 * Every byte value, after 0 to 17 plain bytes (the first word, the
 * second, the string's last word taken back over copied bytes) and
 * before 0, 1 or 12 plain bytes; a NUL ends the string there.
 */
static void test_every_byte(void **state)
{
	static const size_t posts[] = { 0, 1, 12 };
	char in[64], want[128], e[8];
	struct json j;

	(void)state;
	json_init(&j);
	for (int c = 0; c < 256; c++) {
		for (size_t pre = 0; pre <= 17; pre++) {
			for (size_t k = 0; k < 3; k++) {
				size_t post = posts[k], n = pre + 1 + post;

				memset(in, 'a', pre);
				in[pre] = (char)c;
				memset(in + pre + 1, 'z', post);
				snprintf(want, sizeof(want), "\"%.*s%s%.*s\"", (int)pre, in,
					 c ? byte_escape((unsigned char)c, e) : "",
					 c ? (int)post : 0, in + pre + 1);
				check_str(&j, in, n, pre % 8, want);
			}
		}
	}
	json_free(&j);
}

/*
 * A string that ends in the middle of a character: every byte of what is
 * there escaped, wherever it falls in a word, as a whole field and as a
 * field whose NUL comes after the cut bytes.
 */
static void test_cut_characters(void **state)
{
	static const char *const chars[] = {
		"\xc3\xa9", "\xe2\x82\xac", "\xed\x9f\xbf", "\xf0\x9f\x98\x80",
		"\xf4\x8f\xbf\xbf",
	};
	char in[64], want[256], *p;
	struct json j;

	(void)state;
	json_init(&j);
	for (size_t c = 0; c < sizeof(chars) / sizeof(chars[0]); c++) {
		size_t len = strlen(chars[c]);

		for (size_t cut = 1; cut < len; cut++) {
			for (size_t pre = 0; pre <= 17; pre++) {
				memset(in, 'a', pre);
				memcpy(in + pre, chars[c], cut);
				p = want + sprintf(want, "\"%.*s", (int)pre, in);
				for (size_t k = 0; k < cut; k++)
					p += sprintf(p, "\\u%04x", (unsigned char)chars[c][k]);
				strcpy(p, "\"");
				check_str(&j, in, pre + cut, pre % 8, want);
				in[pre + cut] = 0;
				memset(in + pre + cut + 1, 'z', 8);
				check_str(&j, in, pre + cut + 9, 0, want);
			}
		}
		/* the whole character is kept */
		in[0] = 'a';
		memcpy(in + 1, chars[c], len);
		snprintf(want, sizeof(want), "\"a%.*s\"", (int)len, chars[c]);
		check_str(&j, in, len + 1, 3, want);
	}
	json_free(&j);
}

/*
 * Valid and invalid sequences at every offset of a 40-byte plain string,
 * and random strings of plain text, escapes and sequences valid or not,
 * against the reference.
 */
static void test_escape_reference(void **state)
{
	static const char *const pieces[] = {
		"abcdefgh", "x", "/usr/lib/systemd/", "\"", "\\", "\n", "\x01", "\x1f",
		"\x7f", " ", "~", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
		"\xc3", "\xe2\x82", "\x80", "\xbf", "\xff", "\xc0\xaf", "\xe0\x80\xaf",
		"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
	};
	static const char *const seqs[] = {
		"\"", "\x01", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3",
		"\xe2\x82", "\xf0\x9f\x98", "\xc0\xaf", "\xed\xa0\x80", "\xff\xfe",
	};
	const size_t np = sizeof(pieces) / sizeof(pieces[0]);
	uint32_t seed = 12345;
	char in[512], *want;
	struct json j;

	(void)state;
	json_init(&j);
	for (size_t q = 0; q < sizeof(seqs) / sizeof(seqs[0]); q++) {
		size_t len = strlen(seqs[q]);

		for (size_t at = 0; at + len <= 40; at++) {
			memset(in, 'm', 40);
			memcpy(in + at, seqs[q], len);
			want = ref_escape(in, 40);
			assert_non_null(want);
			check_str(&j, in, 40, at % 8, want);
			free(want);
		}
	}
	for (int r = 0; r < 20000; r++) {
		size_t n = 0;

		seed = seed * 1103515245u + 12345u;
		for (unsigned int k = (seed >> 16) % 24; k; k--) {
			const char *pc;

			seed = seed * 1103515245u + 12345u;
			/* plain text three times out of four */
			pc = pieces[(seed >> 16) % 4 ? (seed >> 20) % 3 : (seed >> 20) % np];
			if (n + strlen(pc) > sizeof(in))
				break;
			memcpy(in + n, pc, strlen(pc));
			n += strlen(pc);
		}
		want = ref_escape(in, n);
		assert_non_null(want);
		check_str(&j, in, n, (size_t)r % 8, want);
		free(want);
	}
	json_free(&j);
}

/*
 * Long strings, one after another in one array, so that the buffer grows
 * under them (from its first 1,024 bytes to some 200 KiB): a plain one,
 * one with escapes every so often and one of non-ASCII text, each of
 * lengths either side of the buffer's sizes.
 */
static void test_escape_growth(void **state)
{
	static const size_t lens[] = { 1023, 1024, 1025, 2047, 2048, 4097, 65537 };
	size_t at = 1, n, len;
	struct json j;
	char *in, *want;

	(void)state;
	in = malloc(65537);
	assert_non_null(in);
	json_init(&j);
	json_arr_begin(&j);
	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		for (int kind = 0; kind < 3; kind++) {
			n = lens[l];
			for (size_t i = 0; i < n; i++) {
				if (kind == 0)
					in[i] = (char)('a' + i % 26);
				else if (kind == 1)
					in[i] = i % 37 == 36 ? '"' : i % 53 == 52 ? '\xff' : 'q';
				else
					in[i] = "\xe2\x82\xac"[i % 3];	/* cut at the end */
			}
			json_strn(&j, in, n);
			want = ref_escape(in, n);
			assert_non_null(want);
			len = strlen(want);
			if (at > 1)
				at++;	/* the comma */
			assert_true(at + len <= j.len);
			if (memcmp(j.buf + at, want, len))
				fail_msg("length %zu, kind %d differs", n, kind);
			at += len;
			free(want);
		}
	}
	json_arr_end(&j);
	assert_int_equal(j.len, at + 1);
	assert_string_equal(j.buf + at, "]");
	json_free(&j);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_keys),
		cmocka_unit_test(test_escaped_keys),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_digits),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_cut_characters),
		cmocka_unit_test(test_escape_reference),
		cmocka_unit_test(test_escape_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
