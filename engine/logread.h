/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_LOGREAD_H
#define BULWARK_LOGREAD_H

#include <json-c/json.h>
#include <stdint.h>

/* Called for every well-formed record; non-zero stops the reading. */
typedef int (*log_record_fn)(void *ctx, struct json_object *o, const char *line);

/* One file, plain or gzip; malformed lines reported and counted in *bad. */
int log_read_file(const char *path, log_record_fn fn, void *ctx, uint64_t *bad);
/* path.N.gz ... path.1.gz: the rotations, oldest first. */
int log_read_rotations(const char *path, log_record_fn fn, void *ctx, uint64_t *bad);
/* path.N.gz ... path.1.gz, then path: the log and its rotations, oldest first. */
int log_read_all(const char *path, log_record_fn fn, void *ctx, uint64_t *bad);

/* Values at a dotted path ("subject.comm"). */
struct json_object *json_get(struct json_object *o, const char *path);
const char *json_get_str(struct json_object *o, const char *path);
long long json_get_int(struct json_object *o, const char *path, long long dflt);

#endif
