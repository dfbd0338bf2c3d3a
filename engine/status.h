/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The status file: what the running engine says about itself, rewritten
 * every second, read by `bulwark status`.  Its format is defined here
 * once: status_write() and status_read() are the only writer and reader.
 */
#ifndef BULWARK_STATUS_H
#define BULWARK_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "events.h"

struct json_object;

struct bw_status_tracer {
	const char *name;
	bool attached;
	const char *mechanism;	/* attached */
	uint64_t lost;		/* attached */
	const char *error;	/* failed: why */
};

struct bw_status_prog {
	const char *prog;
	const char *state;
};

/* Strings are borrowed: from the engine (writing) or from raw (reading). */
struct bw_status {
	long long pid;			/* -1: not in the file */
	long long updated;		/* time(NULL) when written */
	bool enforcing;
	const char *reason;		/* not enforcing: why */
	uint64_t generation;
	bool has_policy;		/* the next three */
	const char *policy_hash;
	uint64_t rules;
	const char *mode;		/* "audit", "enforce" */
	uint64_t decisions;
	struct {
		const char *path, *state;	/* writing, suspended, stopped */
		uint64_t records, bytes, write_errors, unwritten, rotations;
	} log;
	struct {
		bool present;
		uint64_t total;
		uint64_t *per_cpu;	/* the kernel's counters per CPU */
		size_t ncpu;
	} lost[BW_NCLASS];
	struct bw_status_tracer *tracers;
	size_t ntracers;
	struct bw_status_prog *progs;
	size_t nprogs;
	struct json_object *raw;	/* status_read: the file as read */
};

struct json;
/* The members of the status object, into one begun (the control socket's
 * live status adds its own after them). */
void status_json_fields(struct json *j, const struct bw_status *s);
/* Replace the file at path (write_file_replace); 0 or -errno. */
int status_write(const char *path, const struct bw_status *s);
/* 0, or -1 when there is no status file at path or it is not one. */
int status_read(const char *path, struct bw_status *s);
/* The same from an object (the control socket's answer), a reference
 * to it taken; 0, or -1 when it is not an object. */
int status_parse(struct json_object *o, struct bw_status *s);
/* What status_read allocated. */
void status_free(struct bw_status *s);

#endif
