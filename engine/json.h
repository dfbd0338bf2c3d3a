/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_JSON_H
#define BULWARK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * The one JSON writer: builds a value into a growing buffer, with commas
 * and escaping handled here.  Used for log records and for -j/--json
 * command output alike.
 */
struct json {
	char *buf;
	size_t len, cap;
	int depth;
	bool need_comma[32];
};

void json_init(struct json *j);
void json_free(struct json *j);
void json_reset(struct json *j);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *s);
/* A string of at most n bytes that need not be NUL-terminated. */
void json_strn(struct json *j, const char *s, size_t n);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_boolean(struct json *j, bool v);
void json_null(struct json *j);

/* A key made at run time (any bytes: escaped as needed), and its
 * key + value shorthands; keys written in the code: json_key() below. */
void json_key_rt(struct json *j, const char *key);
void json_kstr_rt(struct json *j, const char *key, const char *s);
void json_ku64_rt(struct json *j, const char *key, uint64_t v);
void json_kbool_rt(struct json *j, const char *key, bool v);

void json_grow(struct json *j, size_t n);

/*
 * "key": of a key written in the code, a string literal of plain bytes
 * (no quote, backslash, control or non-ASCII byte): its length is known
 * when compiling and it is copied without a scan, which matters at about
 * sixty keys a record.  Any other key: json_key_rt().
 */
static inline void json_key_lit_(struct json *j, const char *key, size_t n)
{
	char *o;

	if (j->len + n + 5 > j->cap)
		json_grow(j, n + 4);
	o = j->buf + j->len;
	if (j->need_comma[j->depth])
		*o++ = ',';
	*o++ = '"';
	memcpy(o, key, n);
	o += n;
	*o++ = '"';
	*o++ = ':';
	*o = 0;
	j->len = (size_t)(o - j->buf);
	/* the value that follows takes no comma */
	j->need_comma[j->depth] = false;
}

/* key + value shorthands; "" key: only a string literal compiles */
#define json_key(j, key)	json_key_lit_((j), "" key, sizeof(key) - 1)
#define json_kstr(j, key, s)	(json_key(j, key), json_str((j), (s)))
#define json_ku64(j, key, v)	(json_key(j, key), json_u64((j), (v)))
#define json_ki64(j, key, v)	(json_key(j, key), json_i64((j), (v)))
#define json_kbool(j, key, v)	(json_key(j, key), json_boolean((j), (v)))

/* End the buffer with a newline (a JSON line). */
void json_newline(struct json *j);
/* Write the buffer and a newline; returns 0 or -errno. */
int json_write_line(struct json *j, FILE *out);

#endif
