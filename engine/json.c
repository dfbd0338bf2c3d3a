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

void json_grow(struct json *j, size_t n)
{
	while (j->len + n + 1 > j->cap)
		j->cap *= 2;
	j->buf = xreallocarray(j->buf, j->cap, 1);
}

/* Room for n more bytes and the terminating NUL. */
static inline void reserve(struct json *j, size_t n)
{
	if (j->len + n + 1 > j->cap)
		json_grow(j, n);
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
 * string), DEL, the quote and the backslash, and every byte from 0x80 up,
 * which is copied only as part of a valid UTF-8 sequence (utf8_len).
 */
static const bool needs_escape[256] = {
	[0x00] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x10] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1, [0x7f ... 0xff] = 1,
};

/*
 * The length of the valid UTF-8 sequence at s[i] (a byte from 0x80 up),
 * or 0 when it is not one: a stray continuation byte, a sequence cut
 * short (by the end of the field too), an overlong form, a surrogate
 * (U+D800..U+DFFF) or a code point above U+10FFFF.  The ranges of the
 * second byte are those of RFC 3629's grammar.
 */
static size_t utf8_len(const unsigned char *s, size_t i, size_t n)
{
	unsigned char c = s[i], lo = 0x80, hi = 0xbf;
	size_t len, k;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;	/* 0x80..0xc1 and 0xf5..0xff never start one */
	}
	if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
		return 0;
	for (k = 2; k < len; k++)
		if ((s[i + k] & 0xc0) != 0x80)
			return 0;
	return len;
}

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
 * The high bit of each byte of w that needs_escape[] names, and of no
 * other: the sums are taken on the low seven bits of each byte so that
 * none carries into the next, which makes the lowest bit set that of the
 * first such byte (a byte from 0x80 up is flagged by its own high bit).
 */
static inline uint64_t escape_mask(uint64_t w)
{
	uint64_t lo = w & (ONES * 0x7f);
	uint64_t ctl = lo + ONES * (0x80 - 0x20);	/* high bit: lo >= 0x20 */
	uint64_t del = lo + ONES;			/* high bit: lo == 0x7f */
	uint64_t q = (lo ^ (ONES * '"')) + ONES * 0x7f;	/* high bit: lo != '"' */
	uint64_t b = (lo ^ (ONES * '\\')) + ONES * 0x7f;	/* high bit: lo != '\\' */

	return (w | del | ~(ctl & q & b)) & HIGHS;
}

/* Eight bytes of s with s[0] in the low byte, as escape_mask() reads them. */
static inline uint64_t load_le64(const char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/* Store what load_le64() loaded, in the same order. */
static inline void store_le64(char *o, uint64_t w)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	memcpy(o, &w, 8);
}

/* The index in w of the byte escape_mask() flagged first (m != 0). */
static inline size_t first_flagged(uint64_t m)
{
	return (size_t)__builtin_ctzll(m) >> 3;
}

/* Sixteen bytes compared at once (GCC's vector extension, SSE2 on x86). */
typedef signed char v16 __attribute__((vector_size(16)));

/*
 * The offset of the first byte of x from `skip` on that needs escaping,
 * or 16: a byte from 0x80 up is negative, so below 0x20 too.  Flagged
 * bytes come out as 0xff, read as two words for their index.
 */
static inline size_t first_flagged16(v16 x, size_t skip)
{
	v16 f = (x < 0x20) | (x == '"') | (x == '\\') | (x == 0x7f);
	uint64_t lo = load_le64((const char *)&f), hi = load_le64((const char *)&f + 8);

	if (skip >= 8) {
		lo = 0;
		hi &= ~0ULL << (8 * (skip - 8));
	} else {
		lo &= ~0ULL << (8 * skip);
	}
	if (lo)
		return first_flagged(lo);
	return hi ? 8 + first_flagged(hi) : 16;
}

/*
 * Copy plain bytes from s[i] to o (where s[i] goes) and return where they
 * end: at n or at a byte that needs escaping.  Sixteen bytes, then eight,
 * are loaded, stored and checked at a time; a store may run past the end
 * of the plain bytes, into room the caller reserved for the rest of the
 * string, which later output overwrites.  The output holds s[from..i) as
 * it is (no escape since from), so the last bytes, too few for a step,
 * are taken as the string's last sixteen or eight, back over bytes
 * already copied, when those start at or after from.
 */
static inline size_t
copy_plain(char *o, const char *s, size_t i, size_t n, size_t from)
{
	size_t back, k;
	uint64_t w, m;
	v16 x;

	for (; i + 16 <= n; i += 16, o += 16) {
		memcpy(&x, s + i, 16);
		memcpy(o, &x, 16);
		k = first_flagged16(x, 0);
		if (k < 16)
			return i + k;
	}
	if (i == n)
		return n;
	if (n - from >= 16) {
		back = i - (n - 16);
		memcpy(&x, s + n - 16, 16);
		memcpy(o - back, &x, 16);
		/* the bytes before i were copied already, escaped or not */
		k = first_flagged16(x, back);
		return k < 16 ? i - back + k : n;
	}
	if (i + 8 <= n) {
		w = load_le64(s + i);
		store_le64(o, w);
		m = escape_mask(w);
		if (m)
			return i + first_flagged(m);
		i += 8;
		o += 8;
		if (i == n)
			return n;
	}
	if (n - from >= 8) {
		back = i - (n - 8);
		w = load_le64(s + n - 8);
		store_le64(o - back, w);
		m = escape_mask(w) >> (8 * back);
		return m ? i + first_flagged(m) : n;
	}
	while (i < n && !needs_escape[(unsigned char)s[i]])
		*o++ = s[i++];
	return i;
}

/*
 * The string from s[run], a byte that needs escaping (not the NUL that
 * ends it), to its end: kept out of put_escaped() so that a string with
 * nothing to escape, nearly every one, costs a call that saves no
 * registers for this loop.
 */
static __attribute__((noinline)) void
put_escaped_rest(struct json *j, const char *s, size_t run, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, from = 0, len;

	for (;;) {
		/* valid characters are copied as they are */
		i = run;
		while (i < n && u[i] >= 0x80 && (len = utf8_len(u, i, n)))
			i += len;
		if (i > run) {
			memcpy(j->buf + j->len, s + run, i - run);
			j->len += i - run;
		} else {
			/* a byte of an invalid sequence is written as \u00XX */
			put_escape(j, u[run]);
			i = from = run + 1;
			/* what is left, its quote and tail: escapes reserve their own */
			reserve(j, n - run + 2);
		}
		run = copy_plain(j->buf + j->len, s, i, n, from);
		j->len += run - i;
		if (run == n || !u[run])
			return;
	}
}

/*
 * The string between quotes, and `tail` (0 or ':') after them: each run
 * of plain bytes copied at once, room for the whole string reserved once
 * and again only after an escape (which takes more than its byte).
 */
static inline void put_escaped(struct json *j, const char *s, size_t n, char tail)
{
	size_t run;

	/* the quotes, the tail, the NUL */
	reserve(j, n + 3);
	j->buf[j->len++] = '"';
	run = copy_plain(j->buf + j->len, s, 0, n, 0);
	j->len += run;
	if (run < n && s[run])
		put_escaped_rest(j, s, run, n);
	j->buf[j->len++] = '"';
	if (tail)
		j->buf[j->len++] = tail;
	j->buf[j->len] = 0;
}

/* Keys this short are copied as they are scanned (nearly every key is a
 * short literal: a record has about sixty of them). */
#define KEY_FAST 32

/* "key": for a key of plain bytes shorter than KEY_FAST; false (nothing
 * written) for any other, which put_escaped() writes. */
static bool put_plain_key(struct json *j, const char *key)
{
	char *o;

	reserve(j, KEY_FAST + 3);
	o = j->buf + j->len + 1;
	for (size_t i = 0; i < KEY_FAST; i++) {
		unsigned char c = (unsigned char)key[i];

		if (needs_escape[c]) {
			if (c)
				return false;
			j->buf[j->len] = '"';
			o[i] = '"';
			o[i + 1] = ':';
			j->len += i + 3;
			j->buf[j->len] = 0;
			return true;
		}
		o[i] = (char)c;
	}
	return false;
}

void json_key_rt(struct json *j, const char *key)
{
	sep(j);
	if (!put_plain_key(j, key))
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

/* The number of decimal digits of v (1 for 0): its bit length times
 * log10(2), rounded down, and one compare to correct that. */
static inline size_t dec_digits(uint64_t v)
{
	static const uint64_t pow10[20] = {
		0, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
		1000000000, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
		10000000000000ULL, 100000000000000ULL, 1000000000000000ULL,
		10000000000000000ULL, 100000000000000000ULL,
		1000000000000000000ULL, 10000000000000000000ULL,
	};
	size_t t = ((size_t)(64 - __builtin_clzll(v | 1)) * 1233) >> 12;

	return t + (v >= pow10[t]);
}

/* A number's digits written in place, after a '-' when neg. */
static void put_number(struct json *j, uint64_t mag, bool neg)
{
	size_t n = dec_digits(mag) + neg;

	sep(j);
	reserve(j, n);
	if (neg)
		j->buf[j->len] = '-';
	j->len += n;
	u64_dec(mag, j->buf + j->len);
	j->buf[j->len] = 0;
	after_value(j);
}

void json_u64(struct json *j, uint64_t v)
{
	put_number(j, v, false);
}

void json_i64(struct json *j, int64_t v)
{
	/* the magnitude as unsigned: INT64_MIN has no positive int64_t */
	put_number(j, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

void json_boolean(struct json *j, bool v)
{
	if (v)
		put_raw(j, "true", 4);
	else
		put_raw(j, "false", 5);
}

void json_null(struct json *j) { put_raw(j, "null", 4); }

void json_kstr_rt(struct json *j, const char *key, const char *s)
{
	json_key_rt(j, key);
	json_str(j, s);
}

void json_ku64_rt(struct json *j, const char *key, uint64_t v)
{
	json_key_rt(j, key);
	json_u64(j, v);
}

void json_kbool_rt(struct json *j, const char *key, bool v)
{
	json_key_rt(j, key);
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
