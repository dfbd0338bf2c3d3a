// SPDX-License-Identifier: GPL-2.0
/* The command line of an exec: JSON for records, text for tables. */
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "logread.h"
#include "util.h"

/*
 * Calls fn for each argument: argc of them at most, each ending at its
 * NUL or at the end of the used bytes.
 */
static void argv_each(const struct tr_argv *a, void (*fn)(void *ctx, const char *s, size_t n),
		      void *ctx)
{
	size_t used = a->size < sizeof(a->args) ? a->size : sizeof(a->args), off = 0;

	for (unsigned int i = 0; i < a->argc && off < used; i++) {
		size_t n = strnlen(a->args + off, used - off);

		fn(ctx, a->args + off, n);
		off += n + 1;
	}
}

static void put_json(void *ctx, const char *s, size_t n)
{
	json_strn(ctx, s, n);
}

void argv_json(struct json *j, const struct tr_argv *a)
{
	json_key(j, "argv");
	if (a->state != TR_ARGV_READ) {
		json_null(j);
		return;
	}
	json_arr_begin(j);
	argv_each(a, put_json, j);
	json_arr_end(j);
	if (a->truncated)
		json_kbool(j, "argv_truncated", true);
}

struct text {
	char *buf;
	size_t len;
	bool quote;
};

static void add(struct text *t, const char *s, size_t n)
{
	t->buf = xreallocarray(t->buf, t->len + n + 1, 1);
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = 0;
}

static void put_text(void *ctx, const char *s, size_t n)
{
	struct text *t = ctx;
	char *arg = xstrndup(s, n), *esc = log_escape_dup(arg);

	if (t->len)
		add(t, " ", 1);
	if (t->quote)
		add(t, "\"", 1);
	for (const char *p = esc; *p; p++) {
		/* log_escape doubled every backslash already */
		if (t->quote && *p == '"')
			add(t, "\\", 1);
		add(t, p, 1);
	}
	if (t->quote)
		add(t, "\"", 1);
	free(esc);
	free(arg);
}

char *argv_text(const struct tr_argv *a, bool quote)
{
	struct text t = { .quote = quote };

	if (a->state != TR_ARGV_READ)
		return xstrdup("?");
	add(&t, "", 0);
	argv_each(a, put_text, &t);
	if (a->truncated)
		add(&t, " ...", 4);
	return t.buf;
}
