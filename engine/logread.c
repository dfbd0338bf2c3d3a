// SPDX-License-Identifier: GPL-2.0
/*
 * Reading audit logs back: plain or gzip, rotations in order, bad lines
 * counted.  Every line is checked before a caller sees it: one JSON object
 * with nothing after it, at most LOG_LINE_MAX bytes, no NUL byte, and the
 * members the readers use of the types the writer gives them
 * (log_record_check).  Anything else is reported with its file and line,
 * counted and skipped.  Reports go to the caller's callback (struct
 * log_read_ops): this file prints nothing, each caller says it its way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "logread.h"
#include "util.h"

#define CHUNK_BYTES (64 * 1024)

/* A line at a time out of a gzFile, never more than LOG_LINE_MAX bytes held. */
struct lreader {
	gzFile gz;
	char *chunk;
	size_t have, pos;
	char *line;		/* LOG_LINE_MAX + 1 */
	size_t len;		/* of the line; beyond LOG_LINE_MAX only counted */
	bool hold;		/* -f: the next lr_next() goes on with this line */
	int err;		/* errno of the last failed read */
};

enum lr_res { LR_LINE, LR_LONG, LR_PARTIAL, LR_RUNAWAY, LR_EOF, LR_ERROR };

/* Refill the chunk: 1 with bytes, 0 at the end, -1 on a read error. */
static int lr_fill(struct lreader *lr)
{
	int n = gzread(lr->gz, lr->chunk, CHUNK_BYTES);

	if (n < 0) {
		lr->err = errno;
		return -1;
	}
	lr->have = (size_t)n;
	lr->pos = 0;
	return n > 0;
}

/* Take n bytes into the line, or only count them once it is too long. */
static void lr_take(struct lreader *lr, const char *p, size_t n)
{
	if (lr->len + n <= LOG_LINE_MAX)
		memcpy(lr->line + lr->len, p, n);
	lr->len += n;
}

/*
 * The next line, its newline removed: LR_LINE; LR_LONG when it was longer
 * than LOG_LINE_MAX (read to its newline and dropped); LR_PARTIAL for bytes
 * at the end without a newline; LR_RUNAWAY when more than LOG_RUNAWAY_MAX
 * bytes came without a newline (the file is given up: /dev/zero never ends).
 */
static enum lr_res lr_next(struct lreader *lr)
{
	if (!lr->hold)
		lr->len = 0;
	lr->hold = false;
	for (;;) {
		char *nl;
		size_t n;
		int f;

		if (lr->pos == lr->have) {
			f = lr_fill(lr);
			if (f < 0)
				return LR_ERROR;
			if (!f)
				return lr->len ? LR_PARTIAL : LR_EOF;
		}
		nl = memchr(lr->chunk + lr->pos, '\n', lr->have - lr->pos);
		n = nl ? (size_t)(nl - (lr->chunk + lr->pos)) : lr->have - lr->pos;
		lr_take(lr, lr->chunk + lr->pos, n);
		lr->pos += n + (nl ? 1 : 0);
		if (lr->len > LOG_RUNAWAY_MAX)
			return LR_RUNAWAY;
		if (nl) {
			if (lr->len > LOG_LINE_MAX)
				return LR_LONG;
			lr->line[lr->len] = 0;
			return LR_LINE;
		}
	}
}

/* Types a member may have; null stands for an absent value. */
#define T_STR (1u << json_type_string)
#define T_INT (1u << json_type_int)
#define T_NULL (1u << json_type_null)
#define T_OBJ (1u << json_type_object)
#define T_ARR (1u << json_type_array)

struct member_type {
	const char *key;
	unsigned types;
};

/* The members the readers (log, replay, status) use, at the top and in subject. */
static const struct member_type top_members[] = {
	{ "time", T_STR }, { "event", T_STR | T_NULL }, { "decision", T_STR | T_NULL },
	{ "rule", T_STR | T_INT | T_NULL }, { "comm", T_STR | T_NULL }, { "exec_id", T_STR | T_NULL },
	{ "parent_exec_id", T_STR | T_NULL }, { "prev_exec_id", T_STR | T_NULL },
	{ "filename", T_STR | T_NULL }, { "state", T_STR | T_NULL },
	{ "pid", T_INT | T_NULL }, { "uid", T_INT | T_NULL },
	{ "subject", T_OBJ | T_NULL }, { "ancestors", T_ARR | T_NULL },
	{ "folded", T_INT | T_NULL },
};

static const struct member_type subject_members[] = {
	{ "comm", T_STR | T_NULL }, { "exe", T_STR | T_NULL }, { "parent_comm", T_STR | T_NULL },
	{ "container", T_STR | T_NULL }, { "exec_id", T_STR | T_NULL },
	{ "pid", T_INT | T_NULL }, { "uid", T_INT | T_NULL }, { "gid", T_INT | T_NULL },
};

static const char *check_members(struct json_object *o, const struct member_type *m,
				 size_t n, const char *where)
{
	static char why[96];
	struct json_object *v;

	for (size_t i = 0; i < n; i++) {
		if (!json_object_object_get_ex(o, m[i].key, &v) ||
		    (m[i].types & (1u << json_object_get_type(v))))
			continue;
		snprintf(why, sizeof(why), "member %s%s has the wrong type (%s)", where,
			 m[i].key, json_type_to_name(json_object_get_type(v)));
		return why;
	}
	return NULL;
}

/* ancestors: an array of objects (or nulls) */
static const char *check_ancestors(struct json_object *o)
{
	struct json_object *a;

	if (!json_object_object_get_ex(o, "ancestors", &a) || !a)
		return NULL;
	for (size_t k = 0; k < json_object_array_length(a); k++) {
		struct json_object *e = json_object_array_get_idx(a, k);

		if (e && !json_object_is_type(e, json_type_object))
			return "member ancestors holds a value that is not an object";
	}
	return NULL;
}

/* A decision record names its event, and carries the event's object. */
static const char *check_decision(struct json_object *o)
{
	struct json_object *ev;
	const char *event = json_get_str(o, "event");

	if (!event || !json_get_str(o, "decision"))
		return "decision record without a string event and decision";
	if (!json_object_object_get_ex(o, event, &ev) ||
	    !json_object_is_type(ev, json_type_object))
		return "decision record without an object named after its event";
	return NULL;
}

const char *log_record_check(struct json_object *o)
{
	struct json_object *subject;
	const char *why, *type;

	if (!json_object_is_type(o, json_type_object))
		return "not a JSON object";
	type = json_get_str(o, "type");
	if (!type)
		return "no string member type";
	why = check_members(o, top_members, sizeof(top_members) / sizeof(top_members[0]), "");
	if (!why && json_object_object_get_ex(o, "subject", &subject) && subject)
		why = check_members(subject, subject_members,
				    sizeof(subject_members) / sizeof(subject_members[0]),
				    "subject.");
	if (!why)
		why = check_ancestors(o);
	if (!why && !strcmp(type, "decision"))
		why = check_decision(o);
	return why;
}

/* Only blanks may follow the object on its line. */
static bool only_blanks(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

struct json_object *log_parse_line(const char *line, size_t len, const char **why)
{
	struct json_tokener *tok;
	struct json_object *o;
	size_t end;

	*why = NULL;
	if (memchr(line, 0, len)) {
		*why = "a NUL byte in the line";
		return NULL;
	}
	if (len > LOG_LINE_MAX || !(tok = json_tokener_new())) {
		*why = len > LOG_LINE_MAX ? "line too long" : "out of memory";
		return NULL;
	}
	o = json_tokener_parse_ex(tok, line, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (o && json_tokener_get_error(tok) == json_tokener_success &&
	    end <= len && !only_blanks(line + end, len - end))
		*why = "data after the JSON object";
	else if (!o || json_tokener_get_error(tok) != json_tokener_success)
		*why = "not a JSON object";
	else
		*why = log_record_check(o);
	json_tokener_free(tok);
	if (*why) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Length of the valid UTF-8 sequence (2-4 bytes, RFC 3629) at s, or 0. */
static size_t utf8_seq(const unsigned char *s)
{
	size_t n = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3 :
		   s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;

	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	/* C1 controls (U+0080-U+009F): escaped as their bytes */
	if (s[0] == 0xc2 && s[1] < 0xa0)
		return 0;
	return n;
}

/* The escape of one byte that is not printed as is, into e (5 bytes). */
static void escape_byte(unsigned char c, char *e)
{
	switch (c) {
	case '\n': memcpy(e, "\\n", 3); break;
	case '\t': memcpy(e, "\\t", 3); break;
	case '\r': memcpy(e, "\\r", 3); break;
	case '\\': memcpy(e, "\\\\", 3); break;
	default: snprintf(e, 5, "\\x%02x", c);
	}
}

/* The next piece of s as shown: *w bytes at the returned pointer; *n bytes of s used. */
static const char *escape_piece(const unsigned char *p, char *e, size_t *n, size_t *w)
{
	*n = 1;
	if (*p >= 0x20 && *p < 0x7f && *p != '\\') {
		*w = 1;
		return (const char *)p;
	}
	if (*p >= 0x80 && (*n = utf8_seq(p))) {
		*w = *n;
		return (const char *)p;
	}
	*n = 1;
	escape_byte(*p, e);
	*w = strlen(e);
	return e;
}

size_t log_escape(const char *s, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t out = 0, written = 0;

	while (*p) {
		char e[5];
		size_t n, w;
		const char *piece = escape_piece(p, e, &n, &w);

		/* whole escapes and whole characters only */
		if (written == out && out + w < size) {
			memcpy(buf + out, piece, w);
			written += w;
		}
		out += w;
		p += n;
	}
	if (size)
		buf[written] = 0;
	return out;
}

char *log_escape_dup(const char *s)
{
	size_t n = log_escape(s, NULL, 0);
	char *buf = xmalloc(n + 1);

	log_escape(s, buf, n + 1);
	return buf;
}

const char *log_report_kind_name(enum log_report_kind kind)
{
	switch (kind) {
	case LOG_REPORT_BAD_LINE: return "bad_line";
	case LOG_REPORT_OPEN: return "open_error";
	case LOG_REPORT_READ: return "read_error";
	case LOG_REPORT_STOPPED: return "stopped";
	}
	return "unknown";
}

char *log_report_text(const struct log_report *rep)
{
	switch (rep->kind) {
	case LOG_REPORT_BAD_LINE:
		return xasprintf("%s:%lu: %s, skipped", rep->path, rep->line, rep->msg);
	case LOG_REPORT_OPEN:
		return xasprintf("cannot open %s: %s", rep->path, rep->msg);
	case LOG_REPORT_READ:
		return xasprintf("%s: read error: %s", rep->path, rep->msg);
	case LOG_REPORT_STOPPED:
		break;
	}
	if (rep->line)
		return xasprintf("%s:%lu: %s", rep->path, rep->line, rep->msg);
	return xasprintf("%s: %s", rep->path, rep->msg);
}

/* Hand one report to the caller, if it wants them. */
static void report(const struct log_read_ops *ops, enum log_report_kind kind,
		   const char *path, unsigned long line, int err, const char *msg)
{
	struct log_report rep = {
		.kind = kind, .path = path, .line = line, .err = err, .msg = msg,
	};

	if (ops && ops->report)
		ops->report(ops->ctx, &rep);
}

/* Open path for reading as plain or gzip; *st is the file's. */
static gzFile open_log(const char *path, struct stat *st, const struct log_read_ops *ops)
{
	gzFile gz;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0 || fstat(fd, st)) {
		err = errno;
		report(ops, LOG_REPORT_OPEN, path, 0, err, strerror(err));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	gz = gzdopen(fd, "rb");
	if (!gz) {
		err = errno ? errno : ENOMEM;
		report(ops, LOG_REPORT_OPEN, path, 0, err, strerror(err));
		close(fd);
	}
	return gz;
}

struct read_state {
	const char *path;
	unsigned long lineno;
	unsigned long bad_run;	/* malformed lines in a row */
	unsigned long bad_lines;	/* in all, and their bytes */
	uint64_t bad_bytes;
	bool regular;
	const struct log_read_ops *ops;
	uint64_t *bad;
};

/*
 * Report and count one malformed line of len bytes; -1 when a non-regular
 * file has had too many in a row, or compressed input too many in all.
 */
static int bad_line(struct read_state *s, struct lreader *lr, const char *msg)
{
	char why[160];

	report(s->ops, LOG_REPORT_BAD_LINE, s->path, s->lineno, 0, msg);
	(*s->bad)++;
	s->bad_lines++;
	s->bad_bytes += lr->len + 1;
	/* a .gz bomb: a small file of junk that inflates without end */
	if ((s->bad_lines > LOG_GZ_BAD_MAX || s->bad_bytes > LOG_RUNAWAY_MAX) &&
	    !gzdirect(lr->gz)) {
		snprintf(why, sizeof(why), "more than %d malformed lines or %d MiB of them in "
			 "compressed input: not a log, stopped reading it", LOG_GZ_BAD_MAX,
			 LOG_RUNAWAY_MAX >> 20);
		report(s->ops, LOG_REPORT_STOPPED, s->path, 0, 0, why);
		return -1;
	}
	if (!s->regular && ++s->bad_run >= LOG_BAD_RUN_MAX) {
		snprintf(why, sizeof(why), "%d malformed lines in a row from a file that is "
			 "not a regular file: stopped reading it", LOG_BAD_RUN_MAX);
		report(s->ops, LOG_REPORT_STOPPED, s->path, 0, 0, why);
		return -1;
	}
	return 0;
}

/* One line read: the callback's result, or -1 to stop this file. */
static int handle_line(struct read_state *s, struct lreader *lr, enum lr_res res)
{
	struct json_object *o;
	const char *why;
	char msg[96];
	int ret;

	s->lineno++;
	if (res == LR_LONG || res == LR_PARTIAL) {
		snprintf(msg, sizeof(msg), res == LR_LONG ?
			 "line longer than the 1 MiB limit (%zu bytes)" :
			 "truncated line (%zu bytes without a newline)", lr->len);
		return bad_line(s, lr, msg);
	}
	o = log_parse_line(lr->line, lr->len, &why);
	if (!o)
		return bad_line(s, lr, why);
	s->bad_run = 0;
	ret = s->ops->record(s->ops->ctx, o, lr->line);
	json_object_put(o);
	return ret;
}

/* The end of a file that cannot be read on: reported; -1. */
static int read_failed(struct read_state *s, struct lreader *lr, enum lr_res res)
{
	char why[96];
	const char *msg;
	int code;

	if (res == LR_RUNAWAY) {
		snprintf(why, sizeof(why), "no newline in %d MiB: not a log, stopped reading it",
			 LOG_RUNAWAY_MAX >> 20);
		report(s->ops, LOG_REPORT_STOPPED, s->path, s->lineno + 1, 0, why);
		(*s->bad)++;
	} else {
		msg = gzerror(lr->gz, &code);
		report(s->ops, LOG_REPORT_READ, s->path, 0, code == Z_ERRNO ? lr->err : 0, msg);
	}
	return -1;
}

int log_read_file(const char *path, const struct log_read_ops *ops, uint64_t *bad)
{
	struct read_state s = { .path = path, .ops = ops, .bad = bad };
	struct lreader lr = { 0 };
	enum lr_res res = LR_EOF;
	struct stat st;
	int ret = 0;

	lr.gz = open_log(path, &st, ops);
	if (!lr.gz)
		return -1;
	s.regular = S_ISREG(st.st_mode);
	lr.chunk = xmalloc(CHUNK_BYTES);
	lr.line = xmalloc(LOG_LINE_MAX + 1);
	while (!ret && (res = lr_next(&lr)) != LR_EOF && res != LR_ERROR && res != LR_RUNAWAY)
		ret = handle_line(&s, &lr, res);
	if (!ret && (res == LR_RUNAWAY || res == LR_ERROR))
		ret = read_failed(&s, &lr, res);
	gzclose(lr.gz);
	free(lr.line);
	free(lr.chunk);
	return ret;
}

/* A file that cannot be read to its end (-1) does not stop the others. */
int log_read_rotations(const char *path, const struct log_read_ops *ops, uint64_t *bad)
{
	struct stat st;
	int ret = 0, r;

	for (int i = 1000; i >= 1 && ret <= 0; i--) {
		char *gz = xasprintf("%s.%d.gz", path, i);

		if (!stat(gz, &st) && (r = log_read_file(gz, ops, bad)))
			ret = r;
		free(gz);
	}
	return ret;
}

int log_read_all(const char *path, const struct log_read_ops *ops, uint64_t *bad)
{
	int ret = log_read_rotations(path, ops, bad), r;
	char *rotating = xasprintf("%s.rotating", path);
	struct stat st;

	/* the last rotation while it is being compressed (or was not) */
	if (ret <= 0 && !stat(rotating, &st) && (r = log_read_file(rotating, ops, bad)))
		ret = r;
	free(rotating);
	if (ret > 0)
		return ret;
	r = log_read_file(path, ops, bad);
	return r ? r : ret;
}

/* -f: one file read as it grows, with the reader's limits and line numbers. */
struct log_tail {
	struct read_state s;
	struct lreader lr;
	struct stat st;		/* of the file opened */
	char *path;
};

struct log_tail *log_tail_open(const char *path, const struct log_read_ops *ops)
{
	struct log_tail *t = xcalloc(1, sizeof(*t));

	t->lr.gz = open_log(path, &t->st, ops);
	if (!t->lr.gz) {
		free(t);
		return NULL;
	}
	t->path = xstrdup(path);
	t->s.path = t->path;
	t->s.regular = S_ISREG(t->st.st_mode);
	t->lr.chunk = xmalloc(CHUNK_BYTES);
	t->lr.line = xmalloc(LOG_LINE_MAX + 1);
	return t;
}

int log_tail_read(struct log_tail *t, const struct log_read_ops *ops, uint64_t *bad)
{
	t->s.ops = ops;
	t->s.bad = bad;
	for (;;) {
		enum lr_res res = lr_next(&t->lr);
		int ret;

		switch (res) {
		case LR_PARTIAL:
			/* the writer is in the middle of it: go on with it next time */
			t->lr.hold = true;
			/* fall through */
		case LR_EOF:
			gzclearerr(t->lr.gz);	/* read on once the file grows */
			return 0;
		case LR_RUNAWAY:
		case LR_ERROR:
			return read_failed(&t->s, &t->lr, res);
		default:
			ret = handle_line(&t->s, &t->lr, res);
			if (ret)
				return ret;
		}
	}
}

bool log_tail_moved(const struct log_tail *t)
{
	struct stat now;

	if (stat(t->path, &now))
		return false;	/* between a rename and the new file */
	/* gzoffset: the bytes of the file read, compressed or not */
	return now.st_ino != t->st.st_ino || now.st_dev != t->st.st_dev ||
	       (S_ISREG(now.st_mode) && now.st_size < gzoffset(t->lr.gz));
}

int log_tail_close(struct log_tail *t, bool finished, const struct log_read_ops *ops,
		   uint64_t *bad)
{
	int ret = 0;

	if (!t)
		return 0;
	if (finished) {
		ret = log_tail_read(t, ops, bad);
		/* a line the file ended with, never finished: torn */
		if (!ret && t->lr.hold)
			ret = handle_line(&t->s, &t->lr, LR_PARTIAL);
	}
	gzclose(t->lr.gz);
	free(t->lr.line);
	free(t->lr.chunk);
	free(t->path);
	free(t);
	return ret;
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
