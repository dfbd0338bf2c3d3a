// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
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

static void put(struct json *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap) {
		while (j->len + n + 1 > j->cap)
			j->cap *= 2;
		j->buf = xreallocarray(j->buf, j->cap, 1);
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = 0;
}

static void putc_(struct json *j, char c)
{
	put(j, &c, 1);
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

static void put_escaped(struct json *j, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	putc_(j, '"');
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': put(j, "\\\"", 2); break;
		case '\\': put(j, "\\\\", 2); break;
		case '\n': put(j, "\\n", 2); break;
		case '\r': put(j, "\\r", 2); break;
		case '\t': put(j, "\\t", 2); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

				put(j, u, 6);
			} else {
				putc_(j, (char)c);
			}
		}
	}
	putc_(j, '"');
}

void json_key(struct json *j, const char *key)
{
	sep(j);
	put_escaped(j, key, strlen(key));
	putc_(j, ':');
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
	put_escaped(j, s, n);
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

static void put_raw(struct json *j, const char *s)
{
	sep(j);
	put(j, s, strlen(s));
	after_value(j);
}

void json_u64(struct json *j, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	put_raw(j, b);
}

void json_i64(struct json *j, int64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRId64, v);
	put_raw(j, b);
}

void json_boolean(struct json *j, bool v) { put_raw(j, v ? "true" : "false"); }
void json_null(struct json *j) { put_raw(j, "null"); }

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

int json_write_line(struct json *j, FILE *out)
{
	put(j, "\n", 1);
	if (fwrite(j->buf, 1, j->len, out) != j->len)
		return errno ? -errno : -EIO;
	return 0;
}
