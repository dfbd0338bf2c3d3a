// SPDX-License-Identifier: GPL-2.0
/* Reading audit logs back: plain or gzip, rotations in order, bad lines counted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "cli.h"
#include "logread.h"
#include "util.h"

#define LINE_MAX_BYTES (1 << 20)

int log_read_file(const char *path, log_record_fn fn, void *ctx, uint64_t *bad)
{
	char *line = xmalloc(LINE_MAX_BYTES);
	gzFile gz = gzopen(path, "rb");
	unsigned long lineno = 0;
	int ret = 0;

	if (!gz) {
		out_err("log: cannot open %s: %s", path, strerror(errno ? errno : ENOMEM));
		free(line);
		return -1;
	}
	/* A malformed or truncated line is reported with its file and line
	 * and skipped; the rest is still read. */
	while (!ret && gzgets(gz, line, LINE_MAX_BYTES)) {
		size_t len = strlen(line);
		struct json_object *o;

		lineno++;
		if (!len || line[len - 1] != '\n') {
			out_err("log: %s:%lu: truncated line (%zu bytes without a newline) skipped",
				path, lineno, len);
			(*bad)++;
			continue;
		}
		line[len - 1] = 0;
		o = json_tokener_parse(line);
		if (!o || !json_object_is_type(o, json_type_object)) {
			out_err("log: %s:%lu: not a JSON object, skipped", path, lineno);
			(*bad)++;
			json_object_put(o);
			continue;
		}
		ret = fn(ctx, o, line);
		json_object_put(o);
	}
	gzclose(gz);
	free(line);
	return ret;
}

int log_read_rotations(const char *path, log_record_fn fn, void *ctx, uint64_t *bad)
{
	struct stat st;
	int ret = 0;

	for (int i = 1000; i >= 1 && !ret; i--) {
		char *gz = xasprintf("%s.%d.gz", path, i);

		if (!stat(gz, &st))
			ret = log_read_file(gz, fn, ctx, bad);
		free(gz);
	}
	return ret;
}

int log_read_all(const char *path, log_record_fn fn, void *ctx, uint64_t *bad)
{
	int ret = log_read_rotations(path, fn, ctx, bad);

	return ret ? ret : log_read_file(path, fn, ctx, bad);
}

struct json_object *json_get(struct json_object *o, const char *path)
{
	char *dup = xstrdup(path), *save = NULL;

	for (char *k = strtok_r(dup, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, k, &o))
			o = NULL;
	free(dup);
	return o;
}

const char *json_get_str(struct json_object *o, const char *path)
{
	struct json_object *v = json_get(o, path);

	return v && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}

long long json_get_int(struct json_object *o, const char *path, long long dflt)
{
	struct json_object *v = json_get(o, path);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : dflt;
}
