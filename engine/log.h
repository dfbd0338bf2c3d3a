/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_LOG_H
#define BULWARK_LOG_H

#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "compile.h"

/*
 * The one audit log writer: JSON lines, one object per record, every
 * record starting with time, host and type (docs/log.md).  Write errors
 * are counted, never fatal: enforcement goes on when logging fails.
 */
struct bw_log {
	FILE *f;
	char *path;
	char host[256];
	struct json j;
	int64_t boot_to_real;	/* CLOCK_REALTIME - CLOCK_BOOTTIME, ns */
	uint64_t records;
	uint64_t write_errors;
	int last_errno;
};

int log_open(struct bw_log *l, const char *path);
void log_close(struct bw_log *l);
/* Refresh the boot-time to wall-clock offset (call now and then). */
void log_sync_clock(struct bw_log *l);

/* Begin a record of `type` stamped with the boot-time `ts` (0 = now). */
struct json *log_begin(struct bw_log *l, const char *type, uint64_t ts);
/* Finish and write the record begun with log_begin. */
int log_end(struct bw_log *l);

/* A decision record; cp is the policy of the event's generation. */
int log_decision(struct bw_log *l, const struct bw_event *e,
		 const struct bw_compiled *cp);

/* RFC 3339 UTC time with nanoseconds. */
void format_time(int64_t real_ns, char *buf, size_t len);

#endif
