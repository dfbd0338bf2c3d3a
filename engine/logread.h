/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_LOGREAD_H
#define BULWARK_LOGREAD_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A line longer than this is malformed: read to its newline and skipped. */
#define LOG_LINE_MAX (1 << 20)
/* This many bytes without a newline end the reading of a file (/dev/zero). */
#define LOG_RUNAWAY_MAX (16 * LOG_LINE_MAX)
/* A file that is not a regular file (a FIFO, a device) is given up after
 * this many malformed lines in a row (/dev/urandom). */
#define LOG_BAD_RUN_MAX 1000
/* Compressed input is given up after this many malformed lines in all, or
 * LOG_RUNAWAY_MAX bytes of them: a small .gz of junk can inflate without
 * end (a .gz bomb), a rotation the engine wrote has a torn line at most
 * where it was killed. */
#define LOG_GZ_BAD_MAX 1000

/* Called for every well-formed record; a positive result stops the reading. */
typedef int (*log_record_fn)(void *ctx, struct json_object *o, const char *line);

/* What went wrong in reading a log; the reader itself prints nothing. */
enum log_report_kind {
	LOG_REPORT_BAD_LINE,	/* a malformed line: counted in *bad, skipped */
	LOG_REPORT_OPEN,	/* the file cannot be opened */
	LOG_REPORT_READ,	/* a read error ended the file */
	LOG_REPORT_STOPPED,	/* not a log: the rest of the file is not read */
};

struct log_report {
	enum log_report_kind kind;
	const char *path;
	unsigned long line;	/* the line's number, from 1; 0: the whole file */
	int err;		/* the errno of an open or read error, else 0 */
	const char *msg;	/* what is wrong, without path and line */
};

typedef void (*log_report_fn)(void *ctx, const struct log_report *rep);

/* What a reading calls; report may be NULL (nothing said), both get ctx. */
struct log_read_ops {
	log_record_fn record;
	log_report_fn report;
	void *ctx;
};

/* "name" of a kind, as -j writes it: bad_line, open_error, read_error, stopped. */
const char *log_report_kind_name(enum log_report_kind kind);
/*
 * The report as one line of text without a prefix ("PATH:LINE: MSG,
 * skipped", "cannot open PATH: MSG", ...), allocated (free it).
 */
char *log_report_text(const struct log_report *rep);

/*
 * One file, plain or gzip; malformed lines (see log_parse_line) reported
 * with their file and line, counted in *bad and skipped.  -1 when the
 * file could not be read to its end (cannot open, read error,
 * LOG_RUNAWAY_MAX, LOG_BAD_RUN_MAX), else the record callback's last
 * result.
 */
int log_read_file(const char *path, const struct log_read_ops *ops, uint64_t *bad);
/* path.N.gz ... path.1.gz: the rotations, oldest first; a file that cannot be
 * read to its end is reported and the next one read (-1 at the end). */
int log_read_rotations(const char *path, const struct log_read_ops *ops, uint64_t *bad);
/* path.N.gz ... path.1.gz, path.rotating (a rotation being compressed),
 * then path: the log and its rotations, oldest first. */
int log_read_all(const char *path, const struct log_read_ops *ops, uint64_t *bad);

/*
 * -f: one file read as it grows.  log_tail_open() reports a file it cannot
 * open (ops may be NULL).  log_tail_read() hands every whole line
 * (checked and numbered as by log_read_file) to ops->record and keeps a
 * line still being written for the next call; -1 when the file cannot be
 * read on (LOG_RUNAWAY_MAX, LOG_BAD_RUN_MAX, LOG_GZ_BAD_MAX, a read
 * error), else the callback's last result.  log_tail_moved(): the path
 * names another file now, or the file is shorter than what was read
 * (rotated, truncated).  log_tail_close() with finished reads the rest
 * first and reports a line left without its newline as truncated;
 * without, ops and bad may be NULL.
 */
struct log_tail;
struct log_tail *log_tail_open(const char *path, const struct log_read_ops *ops);
int log_tail_read(struct log_tail *t, const struct log_read_ops *ops, uint64_t *bad);
bool log_tail_moved(const struct log_tail *t);
int log_tail_close(struct log_tail *t, bool finished, const struct log_read_ops *ops,
		   uint64_t *bad);

/*
 * One line (without its newline) as a record: one JSON object, blanks at
 * most after it, no NUL byte, members of the right types
 * (log_record_check).  NULL with *why set when it is malformed.
 */
struct json_object *log_parse_line(const char *line, size_t len, const char **why);
/* NULL when the record's members have the types the readers expect, else why not. */
const char *log_record_check(struct json_object *o);

/*
 * s as it is shown in the table, --summary and --explain: valid UTF-8 as
 * is; \n, \t, \r, \\ and \xNN for other control characters, C1 controls
 * and bytes that are not valid UTF-8.  Writes whole characters and escapes
 * only, NUL-terminated, into buf (size bytes); returns the full length.
 */
size_t log_escape(const char *s, char *buf, size_t size);
/* The same, allocated (free it). */
char *log_escape_dup(const char *s);

/* Values at a dotted path ("subject.comm"). */
struct json_object *json_get(struct json_object *o, const char *path);
const char *json_get_str(struct json_object *o, const char *path);
long long json_get_int(struct json_object *o, const char *path, long long dflt);

#endif
