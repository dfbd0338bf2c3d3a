// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

void json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
	j->cap = 1024;
	j->buf = xmalloc(j->cap);
	j->buf[0] = 0;
}

void json_free(struct json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

void json_reset(struct json *j)
{
	j->len = 0;
	j->depth = 0;
	j->need_comma[0] = false;
	j->buf[0] = 0;
}

static void grow(struct json *j, size_t n)
{
	while (j->len + n + 1 > j->cap)
		j->cap *= 2;
	j->buf = xreallocarray(j->buf, j->cap, 1);
}

/* Room for n more bytes and the terminating NUL. */
static inline void reserve(struct json *j, size_t n)
{
	if (j->len + n + 1 > j->cap)
		grow(j, n);
}

static void put(struct json *j, const char *s, size_t n)
{
	reserve(j, n);
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = 0;
}

static inline void putc_(struct json *j, char c)
{
	reserve(j, 1);
	j->buf[j->len++] = c;
	j->buf[j->len] = 0;
}

/* Before a value: a comma unless it is the first in its container. */
static void sep(struct json *j)
{
	if (j->need_comma[j->depth])
		putc_(j, ',');
	j->need_comma[j->depth] = true;
}

static void open_(struct json *j, char c)
{
	sep(j);
	putc_(j, c);
	if (j->depth < (int)ARRAY_SIZE(j->need_comma) - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_(struct json *j, char c)
{
	putc_(j, c);
	if (j->depth > 0)
		j->depth--;
}

void json_obj_begin(struct json *j) { open_(j, '{'); }
void json_obj_end(struct json *j) { close_(j, '}'); }
void json_arr_begin(struct json *j) { open_(j, '['); }
void json_arr_end(struct json *j) { close_(j, ']'); }

/*
 * Bytes that cannot be copied as they are: control bytes (NUL ends the
 * string), DEL, the quote and the backslash.  Bytes from 0x80 up are
 * copied unchanged.
 */
static const bool needs_escape[256] = {
	[0x00] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x10] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1, [0x7f] = 1,
};

static void put_escape(struct json *j, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	switch (c) {
	case '"': put(j, "\\\"", 2); break;
	case '\\': put(j, "\\\\", 2); break;
	case '\n': put(j, "\\n", 2); break;
	case '\r': put(j, "\\r", 2); break;
	case '\t': put(j, "\\t", 2); break;
	default: {
		char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

		put(j, u, 6);
	}
	}
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/*
 * Has the word a byte that needs escaping?  Exact for bytes below 0x80
 * (a byte from 0x80 up never counts), and never wrong when it says no:
 * a true answer is checked byte by byte.
 */
static inline bool word_needs_escape(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\'), d = w ^ (ONES * 0x7f);

	return (((w - ONES * 0x20) | (q - ONES) | (b - ONES) | (d - ONES)) &
		~w & HIGHS) != 0;
}

/* The end of the run of plain bytes that starts at i. */
static inline size_t plain_run(const char *s, size_t i, size_t n)
{
	uint64_t w;

	while (i + 8 <= n) {
		memcpy(&w, s + i, 8);
		if (word_needs_escape(w))
			break;
		i += 8;
	}
	while (i < n && !needs_escape[(unsigned char)s[i]])
		i++;
	return i;
}

/*
 * The string between quotes, and `tail` (0 or ':') after them: each run
 * of plain bytes copied at once.
 */
static void put_escaped(struct json *j, const char *s, size_t n, char tail)
{
	size_t i = 0;

	reserve(j, n + 3);
	j->buf[j->len++] = '"';
	while (i < n) {
		size_t run = plain_run(s, i, n);

		memcpy(j->buf + j->len, s + i, run - i);
		j->len += run - i;
		if (run == n || !s[run])
			break;
		put_escape(j, (unsigned char)s[run]);
		/* what is left, its quote and tail: escapes reserve their own */
		reserve(j, n - run + 2);
		i = run + 1;
	}
	j->buf[j->len++] = '"';
	if (tail)
		j->buf[j->len++] = tail;
	j->buf[j->len] = 0;
}

void json_key(struct json *j, const char *key)
{
	sep(j);
	put_escaped(j, key, strlen(key), ':');
	/* the value that follows takes no comma */
	j->need_comma[j->depth] = false;
}

/* After a key's value, the next member needs a comma again. */
static void after_value(struct json *j)
{
	j->need_comma[j->depth] = true;
}

void json_strn(struct json *j, const char *s, size_t n)
{
	sep(j);
	put_escaped(j, s, n, 0);
	after_value(j);
}

void json_str(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	json_strn(j, s, strlen(s));
}

static void put_raw(struct json *j, const char *s, size_t n)
{
	sep(j);
	put(j, s, n);
	after_value(j);
}

/* Decimal digits of v, written backwards from end; returns the first. */
static char *u64_digits(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void json_u64(struct json *j, uint64_t v)
{
	char b[24], *p = u64_digits(v, b + sizeof(b));

	put_raw(j, p, (size_t)(b + sizeof(b) - p));
}

void json_i64(struct json *j, int64_t v)
{
	char b[24], *p;

	/* the magnitude as unsigned: INT64_MIN has no positive int64_t */
	p = u64_digits(v < 0 ? -(uint64_t)v : (uint64_t)v, b + sizeof(b));
	if (v < 0)
		*--p = '-';
	put_raw(j, p, (size_t)(b + sizeof(b) - p));
}

void json_boolean(struct json *j, bool v)
{
	if (v)
		put_raw(j, "true", 4);
	else
		put_raw(j, "false", 5);
}

void json_null(struct json *j) { put_raw(j, "null", 4); }

void json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_ku64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_ki64(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_i64(j, v);
}

void json_kbool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_boolean(j, v);
}

void json_newline(struct json *j)
{
	putc_(j, '\n');
}

int json_write_line(struct json *j, FILE *out)
{
	json_newline(j);
	if (fwrite(j->buf, 1, j->len, out) != j->len)
		return errno ? -errno : -EIO;
	return 0;
}
