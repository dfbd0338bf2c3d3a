/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_JSON_H
#define BULWARK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
/* A string of at most n bytes that need not be NUL-terminated. */
void json_strn(struct json *j, const char *s, size_t n);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_boolean(struct json *j, bool v);
void json_null(struct json *j);

/* key + value shorthands */
void json_kstr(struct json *j, const char *key, const char *s);
void json_ku64(struct json *j, const char *key, uint64_t v);
void json_ki64(struct json *j, const char *key, int64_t v);
void json_kbool(struct json *j, const char *key, bool v);

/* End the buffer with a newline (a JSON line). */
void json_newline(struct json *j);
/* Write the buffer and a newline; returns 0 or -errno. */
int json_write_line(struct json *j, FILE *out);

#endif
