/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_LOG_H
#define BULWARK_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "compile.h"

/*
 * The one audit log writer: JSON lines, one object per record, every
 * record starting with time, host and type (docs/log.md).  Write errors
 * are counted, never fatal: enforcement goes on when logging fails.
 */
enum log_flush { LOG_FLUSH_NONE = 0, LOG_FLUSH_INCREMENTAL, LOG_FLUSH_SYNC };

/* How the log is written: rotation and flushing ([log] in the policy). */
struct log_cfg {
	uint64_t max_size;	/* rotate when the file reaches it; 0: never */
	unsigned int keep;	/* rotated files kept, path.1.gz ... path.N.gz */
	enum log_flush flush;	/* none: written in 64 KiB batches, at least
				 * once a second; incremental: every freq
				 * records and every batch's end; sync: the
				 * same, each write followed by fdatasync */
	unsigned int freq;	/* at most this many records between writes */
	int full_action;	/* enum log_full: when a write fails for space */
	unsigned int space_left;	/* % free below which "nearly full" is said */
};

/*
 * When the log's disk is full.  Enforcement never depends on the log:
 * keep trying and count; suspend until space returns; or stop writing
 * until an operator rotates (SIGUSR1) or restarts the engine.
 */
enum log_full { LOG_FULL_KEEP = 0, LOG_FULL_SUSPEND, LOG_FULL_STOP };

#define LOG_CFG_DEFAULT { .max_size = 0, .keep = 5, \
			  .flush = LOG_FLUSH_INCREMENTAL, .freq = 1, \
			  .full_action = LOG_FULL_KEEP, .space_left = 5 }

struct log_gz;

struct bw_log {
	int fd;			/* -1: none open (a failed rotation) */
	char *path;
	struct log_cfg cfg;
	uint64_t size;		/* bytes in the current file, pending ones too */
	/* records formatted but not written yet: they go out in one write() */
	char *out;
	size_t out_len, out_cap;
	unsigned int out_records;
	int64_t out_since;	/* CLOCK_MONOTONIC ns of the oldest pending */
	uint64_t unsynced;	/* records written since the last fdatasync */
	int64_t time_sec;	/* the second time_prefix formats */
	char time_prefix[40];
	size_t time_prefix_len;
	uint64_t rotations;
	uint64_t bytes;		/* written, all files */
	char host[256];
	struct json j;
	int64_t boot_to_real;	/* CLOCK_REALTIME - CLOCK_BOOTTIME, ns */
	uint64_t records;	/* written to the file */
	uint64_t write_errors;	/* records that failed to be written, and failed syncs */
	int last_errno;
	uint64_t unwritten;	/* records not written since the last lost record */
	uint64_t unwritten_total;
	bool suspended;		/* full: waiting for space */
	bool stopped;		/* full: no more writing until rotated */
	bool low_said;		/* "nearly full" announced */
	bool torn;		/* the file ended with a torn line when opened */
	struct log_gz *gz;	/* the last rotation's compression, if running */
	bool rotate_due;	/* a rotation waits for that compression */
	bool gz_left;		/* one failed: path.rotating waits for another try */
	int64_t gz_tried;	/* when that was last tried */
	/* names an ancestor's executable from its exec id (the engine's
	 * process table); NULL or returning NULL: "exe":null */
	const char *(*anc_exe)(void *ctx, const struct bw_ancestor *a);
	void *anc_exe_ctx;
};

/* The identity of every record (struct tr_ident): pid, exec_id, tid, ppid,
 * uid, gid, comm, cgroup_id, userns, pidns, mntns. */
void tr_ident_json(struct json *j, const struct tr_ident *h);

int log_open(struct bw_log *l, const char *path);
/* As log_open, with rotation and flushing settings. */
int log_open_cfg(struct bw_log *l, const char *path, const struct log_cfg *cfg);
/*
 * Rotate now: path -> path.rotating, compressed to path.1.gz by a thread
 * (older ones shifted, the oldest beyond `keep` removed), and a new empty
 * file opened.  While the last rotation is still being compressed, the
 * rotation waits for it (done by log_end or log_check_space).  0 or -errno.
 */
int log_rotate(struct bw_log *l);
/* Wait for the compression running, then do a rotation that waited for it. */
int log_rotate_wait(struct bw_log *l);
/*
 * Once a second: do a rotation that waited, say when the disk is nearly
 * full, resume a suspended log
 * when space is back, and write a lost record for what could not be
 * written.  Every change is announced on stderr and syslog.
 */
void log_check_space(struct bw_log *l);

/*
 * Write every pending record now, with fdatasync under flush = sync;
 * 0 or the first error (records not written are counted).
 */
int log_flush(struct bw_log *l);
/*
 * The caller has taken a batch of records and may wait for more: write
 * what the flush policy does not let wait (incremental, sync: everything;
 * none: records pending for a second or more).
 */
int log_batch_end(struct bw_log *l);
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
/* A repeat record: decisions folded ([log] repeat) and summed at a
 * window's end; cp is the policy of its generation. */
int log_repeat(struct bw_log *l, const struct bw_repeat *r,
	       const struct bw_compiled *cp);

/*
 * The exec id of a process image: pid, process start (boot ns, hex) and
 * the kernel's exec counter, e.g. "812-1f3a9c2e1b-1".  The same for every
 * record of one image, whichever tracer wrote it.
 */
const char *format_exec_id(char *buf, size_t len, uint32_t pid, uint64_t start,
			   uint64_t exec_seq);

/* RFC 3339 UTC time with nanoseconds. */
void format_time(int64_t real_ns, char *buf, size_t len);

#endif
