// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <sys/statvfs.h>
#include <syslog.h>

#include "argv.h"
#include "container_ids.h"
#include "log.h"
#include "names.h"
#include "prio.h"
#include "syscalls.h"
#include "util.h"

#define NSEC_PER_SEC 1000000000LL
/* Records gathered up to this many bytes go out in one write(). */
#define LOG_OUT_MAX (64u << 10)

static int64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void log_sync_clock(struct bw_log *l)
{
	l->boot_to_real = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
}

static int mkdir_parents(const char *path)
{
	char *dup = xstrdup(path);
	int err = 0;

	for (char *p = dup + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(dup, 0750) && errno != EEXIST) {
			err = -errno;
			break;
		}
		*p = '/';
	}
	free(dup);
	return err;
}

/* Said on stderr and to syslog: an operator must hear of it. */
static void announce(const struct bw_log *l, const char *what)
{
	fprintf(stderr, "bulwark: audit log %s: %s\n", l->path, what);
	syslog(LOG_DAEMON | LOG_WARNING, "audit log %s: %s", l->path, what);
}

/* Said on stderr and to syslog, and the open refused with err. */
static int refuse(const struct bw_log *l, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(const struct bw_log *l, int err, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	announce(l, msg);
	free(msg);
	return err;
}

/*
 * What the engine may append to, checked on the open file (no race with
 * the path): a regular file with one link, or a character device or FIFO
 * (/dev/null, a terminal), owned by root or the engine's user.  A second
 * hard link could be any file of the same filesystem (/etc/shadow): its
 * owner and mode say nothing about who put the link there.
 */
static int check_file(const struct bw_log *l, const struct stat *st)
{
	if (!S_ISREG(st->st_mode) && !S_ISCHR(st->st_mode) && !S_ISFIFO(st->st_mode))
		return refuse(l, -EINVAL, "is not a regular file (%s): refused",
			      S_ISBLK(st->st_mode) ? "a block device" :
			      S_ISSOCK(st->st_mode) ? "a socket" :
			      S_ISDIR(st->st_mode) ? "a directory" : "another type");
	if (S_ISREG(st->st_mode) && st->st_nlink > 1)
		return refuse(l, -EMLINK, "has %lu hard links: refused, another name of it "
			      "could be any file (remove the other links, or the file)",
			      (unsigned long)st->st_nlink);
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return refuse(l, -EPERM, "is owned by uid %u, neither root nor the engine's "
			      "user: refused, left as it is", (unsigned int)st->st_uid);
	return 0;
}

/*
 * Open the log for appending, never through a symbolic link (O_NOFOLLOW:
 * ELOOP, the engine refuses), never a file with other hard links or of
 * another owner (check_file); a regular file is narrowed to 0600.  A log
 * that does not end with a newline (a torn last record: flush = none and
 * kill -9) gets one first, so that the next record starts a line of its
 * own.
 */
static int open_file(struct bw_log *l)
{
	struct stat st;
	char last;
	int fd, err;

	fd = open(l->path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EACCES)	/* writable only: no torn-line check */
		fd = open(l->path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err == -ELOOP)
			announce(l, "is a symbolic link: refused, its target left alone");
		return err;
	}
	if (fstat(fd, &st) ? (err = -errno) : (err = check_file(l, &st))) {
		close(fd);
		return err;
	}
	/* an existing log keeps its contents, not a wider mode; a device or
	 * a FIFO (/dev/null) is written as it is */
	if (S_ISREG(st.st_mode) && st.st_mode & 0077 && st.st_uid == geteuid() &&
	    fchmod(fd, 0600)) {
		err = -errno;
		close(fd);
		return err;
	}
	l->torn = false;
	if (S_ISREG(st.st_mode) && st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
		if (write(fd, "\n", 1) != 1) {
			err = errno ? -errno : -EIO;
			close(fd);
			return err;
		}
		st.st_size++;
		l->torn = true;
		announce(l, "the log ended with a torn line: a newline was added "
			 "before the next record");
	}
	l->fd = fd;
	l->size = st.st_size;
	return 0;
}

/* Can a user other than root and the engine's write to the directory st? */
static bool others_write(const struct stat *st)
{
	return (st->st_uid != 0 && st->st_uid != geteuid()) || st->st_mode & S_IWOTH ||
	       (st->st_mode & S_IWGRP && st->st_gid != 0);
}

/*
 * The log's directory and every directory above it must be writable by
 * root (or the engine's user) only: whoever else can write there can
 * remove the log, or put a link or a file of their own where the engine
 * opens, rotates or compresses it.  Others means an owner other than root
 * or the engine's user, world-writable, or group-writable by a group
 * other than root's.  Refused, with one exception: a directory with the
 * sticky bit (/tmp) is accepted with a warning, since others can neither
 * remove nor rename the engine's files there, and what they plant at its
 * names is refused (check_file) or replaced (rotation).
 */
static int check_dir(const struct bw_log *l)
{
	char *dir = xstrdup(l->path), *slash = strrchr(dir, '/'), *real;
	struct stat st;
	int err = 0;

	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	real = realpath(slash ? dir : ".", NULL);
	free(dir);
	if (!real)
		return 0;	/* opening the log says why */
	/* the directory itself, then each one above it, up to / */
	for (bool self = true; !err; self = false) {
		const char *what = self ? "its directory" : "the directory above it";
		bool ours;

		if (!stat(real, &st) && others_write(&st)) {
			ours = st.st_uid == 0 || st.st_uid == geteuid();
			if (st.st_mode & S_ISVTX && ours) {
				if (self)
					refuse(l, 0, "warning: its directory %s is writable by others "
					       "(mode %04o) with the sticky bit: accepted, but a "
					       "file planted at the log's name stops the logging; "
					       "make it writable by root only", real,
					       (unsigned int)(st.st_mode & 07777));
			} else if (!self && ours && !(st.st_mode & S_IWOTH)) {
				/* a distribution's /var/log (Ubuntu: root:syslog 0775) */
				refuse(l, 0, "warning: the directory above it %s is writable by "
				       "group %u (mode %04o): accepted, but its members could "
				       "replace the log's directory", real,
				       (unsigned int)st.st_gid, (unsigned int)(st.st_mode & 07777));
			} else {
				err = refuse(l, -EPERM, "%s %s is writable by others (mode %04o, "
					     "owner %u, group %u): refused; make it owned and "
					     "writable by root only", what, real,
					     (unsigned int)(st.st_mode & 07777),
					     (unsigned int)st.st_uid, (unsigned int)st.st_gid);
			}
		}
		if (!strcmp(real, "/"))
			break;
		slash = strrchr(real, '/');
		slash[slash == real] = 0;	/* "/a/b" -> "/a" -> "/" */
	}
	free(real);
	return err;
}

int log_open(struct bw_log *l, const char *path)
{
	const struct log_cfg cfg = LOG_CFG_DEFAULT;

	return log_open_cfg(l, path, &cfg);
}

int log_open_cfg(struct bw_log *l, const char *path, const struct log_cfg *cfg)
{
	int err;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->cfg = *cfg;
	if (!l->cfg.freq)
		l->cfg.freq = 1;
	err = mkdir_parents(path);
	if (err)
		return err;
	l->path = xstrdup(path);
	err = check_dir(l);
	if (!err)
		err = open_file(l);
	if (err) {
		free(l->path);
		l->path = NULL;
		return err;
	}
	if (gethostname(l->host, sizeof(l->host) - 1))
		strcpy(l->host, "unknown");
	json_init(&l->j);
	log_sync_clock(l);
	return 0;
}

/*
 * The compression of a rotated file runs in a thread of its own, so that
 * a large file never holds up the rings; one at a time.
 */
struct log_gz {
	pthread_t thread;
	char *src, *dst;
	int err;
	atomic_bool done;
};

static int gzip_file(const char *src, const char *dst);

static void *gz_work(void *arg)
{
	struct log_gz *g = arg;
	char *part = xasprintf("%s.part", g->dst);

	prio_unboost_self();	/* on a thread of its own: no [log] priority_boost */
	/* a reader sees path.rotating, then path.1.gz: never half of it */
	g->err = gzip_file(g->src, part);
	if (!g->err && rename(part, g->dst))
		g->err = -errno;
	if (g->err)
		unlink(part);
	else
		unlink(g->src);	/* else kept, uncompressed, nothing lost */
	free(part);
	atomic_store(&g->done, true);
	return NULL;
}

/* A compression ended: its failure announced, path.rotating kept for another try. */
static void gz_finish(struct bw_log *l, struct log_gz *g)
{
	if (g->err) {
		char *msg = xasprintf("compressing the rotation failed (%s): kept as %s",
				      strerror(-g->err), g->src);

		announce(l, msg);
		free(msg);
		l->gz_left = !access(g->src, F_OK);
	}
	free(g->src);
	free(g->dst);
	free(g);
}

/*
 * Collect the last compression, waiting for it or not: -EBUSY while it
 * runs and wait is false, else 0.
 */
static int gz_reap(struct bw_log *l, bool wait)
{
	struct log_gz *g = l->gz;

	if (!g)
		return 0;
	if (!wait && !atomic_load(&g->done))
		return -EBUSY;
	if (pthread_join(g->thread, NULL))
		g->err = g->err ? g->err : -EINVAL;
	l->gz = NULL;
	gz_finish(l, g);
	return 0;
}

/* Start compressing src into dst; done in place when no thread starts. */
static int gz_start(struct bw_log *l, char *src, char *dst)
{
	struct log_gz *g = xcalloc(1, sizeof(*g));
	sigset_t all, old;
	int err, merr;

	g->src = src;
	g->dst = dst;
	atomic_init(&g->done, false);
	/* the thread takes no signal: they are the main loop's */
	sigfillset(&all);
	merr = pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&g->thread, NULL, gz_work, g);
	if (!merr)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		gz_work(g);
		err = g->err;
		gz_finish(l, g);
		return err;
	}
	l->gz = g;
	return 0;
}

/* Closing writes what is pending; a failure is counted like any other. */
void log_close(struct bw_log *l)
{
	gz_reap(l, true);
	log_flush(l);
	if (l->fd >= 0 && close(l->fd))
		l->write_errors++;
	free(l->path);
	free(l->out);
	json_free(&l->j);
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}

/* PID-START-SEQ: decimal, hex, decimal (as "%u-%llx-%llu"). */
const char *format_exec_id(char *buf, size_t len, uint32_t pid, uint64_t start,
			   uint64_t exec_seq)
{
	char tmp[64], *end = tmp + sizeof(tmp), *p;
	size_t n;

	p = u64_dec(exec_seq, end);
	*--p = '-';
	p = u64_hex(start, p);
	*--p = '-';
	p = u64_dec(pid, p);
	n = (size_t)(end - p);
	if (!len)
		return buf;
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = 0;
	return buf;
}

void format_time(int64_t real_ns, char *buf, size_t len)
{
	time_t sec = real_ns / 1000000000LL;
	struct tm tm;
	size_t n;

	gmtime_r(&sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09lldZ", (long long)(real_ns % 1000000000LL));
}

/*
 * format_time(), with the date and second formatted once for all the
 * records of one second.
 */
static void record_time(struct bw_log *l, int64_t real, char *buf, size_t len)
{
	int64_t sec = real / NSEC_PER_SEC, ns = real % NSEC_PER_SEC;
	char nsbuf[16], *end = nsbuf + sizeof(nsbuf), *p = end;
	const char *dot;

	if (real < 0 || !l->time_prefix_len || sec != l->time_sec) {
		format_time(real, buf, len);
		dot = strchr(buf, '.');
		if (real >= 0 && dot && (size_t)(dot - buf) < sizeof(l->time_prefix)) {
			l->time_prefix_len = (size_t)(dot - buf);
			memcpy(l->time_prefix, buf, l->time_prefix_len);
			l->time_sec = sec;
		}
		return;
	}
	*--p = 0;
	*--p = 'Z';
	for (int i = 0; i < 9; i++, ns /= 10)
		*--p = (char)('0' + ns % 10);
	*--p = '.';
	if (l->time_prefix_len + (size_t)(end - p) > len) {
		format_time(real, buf, len);
		return;
	}
	memcpy(buf, l->time_prefix, l->time_prefix_len);
	memcpy(buf + l->time_prefix_len, p, (size_t)(end - p));
}

struct json *log_begin(struct bw_log *l, const char *type, uint64_t ts)
{
	int64_t real = ts ? (int64_t)ts + l->boot_to_real : clock_ns(CLOCK_REALTIME);
	char tbuf[64];

	record_time(l, real, tbuf, sizeof(tbuf));
	json_reset(&l->j);
	json_obj_begin(&l->j);
	json_kstr(&l->j, "time", tbuf);
	json_kstr(&l->j, "host", l->host);
	json_kstr(&l->j, "type", type);
	return &l->j;
}

/* A write failed for lack of space: follow disk_full_action. */
static void on_full(struct bw_log *l)
{
	switch (l->cfg.full_action) {
	case LOG_FULL_SUSPEND:
		l->suspended = true;
		announce(l, "disk full: logging suspended until space is free; "
			 "enforcement goes on, unwritten records are counted");
		break;
	case LOG_FULL_STOP:
		l->stopped = true;
		announce(l, "disk full: logging stopped until the log is rotated "
			 "(SIGUSR1) or the engine restarted; enforcement goes on");
		break;
	default:
		if (!l->unwritten)
			announce(l, "disk full: records that cannot be written are counted; "
				 "enforcement goes on");
	}
}

/* n records could not be written because of err: counted, never silent. */
static void not_written(struct bw_log *l, int err, uint64_t n)
{
	l->write_errors += n;
	l->last_errno = -err;
	if (err == -ENOSPC || err == -EDQUOT)
		on_full(l);
	l->unwritten += n;
	l->unwritten_total += n;
}

static unsigned int count_lines(const char *s, size_t n)
{
	unsigned int c = 0;

	for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + n - p))); p++)
		c++;
	return c;
}

/*
 * A write failed after `done` bytes of the pending records went out: cut
 * the file back to the last whole record, so that no torn line sits
 * between records.  Returns the bytes the file keeps.
 */
static size_t keep_whole_records(struct bw_log *l, uint64_t base, size_t done)
{
	const char *nl = done ? memrchr(l->out, '\n', done) : NULL;
	size_t whole = nl ? (size_t)(nl - l->out) + 1 : 0;

	if (whole < done && ftruncate(l->fd, (off_t)(base + whole)))
		return done;	/* the torn line stays; readers skip it */
	return whole;
}

/* One write() of every pending record (as many as it takes when short). */
static int write_pending(struct bw_log *l)
{
	uint64_t base = l->size - l->out_len;	/* the file before them */
	size_t done = 0, kept;
	unsigned int whole;
	int err = 0;

	while (done < l->out_len) {
		ssize_t n = write(l->fd, l->out + done, l->out_len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)n;
	}
	kept = err ? keep_whole_records(l, base, done) : done;
	whole = err ? count_lines(l->out, kept) : l->out_records;
	l->records += whole;
	l->bytes += kept;
	l->size = base + kept;
	if (err)
		not_written(l, err, l->out_records - whole);
	l->unsynced += whole;
	l->out_len = 0;
	l->out_records = 0;
	return err;
}

int log_flush(struct bw_log *l)
{
	int err = 0;

	if (l->out_len)
		err = write_pending(l);
	if (l->cfg.flush == LOG_FLUSH_SYNC && l->unsynced && l->fd >= 0) {
		l->unsynced = 0;
		if (fdatasync(l->fd)) {
			/* the records are in the file, maybe not yet on disk */
			l->write_errors++;
			l->last_errno = errno;
			err = err ? err : -errno;
		}
	}
	return err;
}

int log_batch_end(struct bw_log *l)
{
	if (!l->out_len)
		return 0;
	if (l->cfg.flush == LOG_FLUSH_NONE &&
	    clock_ns(CLOCK_MONOTONIC) - l->out_since < NSEC_PER_SEC)
		return 0;
	return log_flush(l);
}

static void append_pending(struct bw_log *l, const char *s, size_t n)
{
	if (l->out_len + n > l->out_cap) {
		l->out_cap = l->out_len + n > LOG_OUT_MAX * 2 ? l->out_len + n : LOG_OUT_MAX * 2;
		l->out = xreallocarray(l->out, l->out_cap, 1);
	}
	if (!l->out_len)
		l->out_since = clock_ns(CLOCK_MONOTONIC);
	memcpy(l->out + l->out_len, s, n);
	l->out_len += n;
	l->out_records++;
	l->size += n;
}

/* Pending records that must go out now: the buffer is full, or freq reached. */
static bool write_due(const struct bw_log *l)
{
	return l->out_len >= LOG_OUT_MAX ||
	       (l->cfg.flush != LOG_FLUSH_NONE && l->out_records >= l->cfg.freq);
}

int log_end(struct bw_log *l)
{
	int err = 0;

	json_obj_end(&l->j);
	if (l->suspended || l->stopped) {
		l->unwritten++;
		l->unwritten_total++;
		return -ENOSPC;
	}
	if (l->fd < 0) {
		not_written(l, -EBADF, 1);	/* a failed rotation left no file open */
		return -EBADF;
	}
	json_newline(&l->j);
	append_pending(l, l->j.buf, l->j.len);
	if (write_due(l))
		err = log_flush(l);
	if (!err && ((l->cfg.max_size && l->size >= l->cfg.max_size) || l->rotate_due))
		log_rotate(l);
	return err;
}

/*
 * Compress src into dst (gzip), mode 0600, neither followed if it is a
 * symbolic link; dst is removed on failure.
 */
static int gzip_file(const char *src, const char *dst)
{
	char buf[65536];
	int in, out, err = 0;
	gzFile gz;
	ssize_t n;

	in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -errno;
	/* never through a link planted at dst: removed, then created anew */
	unlink(dst);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	gz = gzdopen(out, "wb6");
	if (!gz) {
		close(out);
		close(in);
		unlink(dst);
		return -ENOMEM;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (gzwrite(gz, buf, (unsigned int)n) != n) {
			err = -EIO;
			break;
		}
	}
	if (n < 0)
		err = -errno;
	if (gzclose(gz) != Z_OK && !err)
		err = -EIO;
	close(in);
	if (err)
		unlink(dst);
	return err;
}

void log_check_space(struct bw_log *l)
{
	struct statvfs sv;
	char *dir, *slash;
	double free_pct;

	dir = xstrdup(l->path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	if (statvfs(slash ? dir : ".", &sv) || !sv.f_blocks) {
		free(dir);
		return;
	}
	free(dir);
	if (l->rotate_due)
		log_rotate(l);
	free_pct = 100.0 * sv.f_bavail / sv.f_blocks;
	if (free_pct < l->cfg.space_left && !l->low_said) {
		l->low_said = true;
		announce(l, "disk nearly full");
	} else if (free_pct >= l->cfg.space_left) {
		l->low_said = false;
		if (l->suspended) {
			l->suspended = false;
			announce(l, "space is free again: logging resumed");
		}
	}
	if (l->unwritten && !l->suspended && !l->stopped) {
		uint64_t n = l->unwritten;
		struct json *j = log_begin(l, "lost", 0);

		json_kstr(j, "event", "log");
		json_kstr(j, "where", "user");
		json_ku64(j, "count", n);
		json_ku64(j, "total", l->unwritten_total);
		/* counted as said only once the record is in the file */
		if (log_end(l) == 0 && log_flush(l) == 0)
			l->unwritten -= n;
	}
}

/* Free path.1.gz's name: path.N.gz shifted up, the one beyond `keep` gone. */
static void shift_rotations(struct bw_log *l)
{
	char *from, *to;
	struct stat st;

	from = xasprintf("%s.1.gz", l->path);
	if (lstat(from, &st)) {
		free(from);	/* free already (a failed compression left it so) */
		return;
	}
	free(from);
	for (unsigned int i = l->cfg.keep; i >= 1; i--) {
		from = xasprintf("%s.%u.gz", l->path, i);
		if (i == l->cfg.keep) {
			unlink(from);
		} else {
			to = xasprintf("%s.%u.gz", l->path, i + 1);
			rename(from, to);
			free(to);
		}
		free(from);
	}
}

/*
 * A rotation asked for while the last one is still being compressed, or
 * while one whose compression failed is left as path.rotating, waits
 * (rotate_due: tried again at the next record and once a second, the one
 * left compressed first): the file grows past max_size meanwhile, and
 * nothing is lost.
 */
int log_rotate(struct bw_log *l)
{
	char *tmp;
	int err, ret;

	l->rotate_due = true;
	if (gz_reap(l, false))
		return 0;
	tmp = xasprintf("%s.rotating", l->path);
	if (l->gz_left) {
		/* at most once a second: it failed, and may again */
		if (l->gz_tried == time(NULL)) {
			free(tmp);
			return 0;
		}
		l->gz_tried = time(NULL);
		l->gz_left = false;
		shift_rotations(l);
		return gz_start(l, tmp, xasprintf("%s.1.gz", l->path));
	}
	l->rotate_due = false;
	if (l->fd < 0 && open_file(l)) {
		free(tmp);
		return -EBADF;
	}
	err = log_flush(l);
	if (l->cfg.keep)
		shift_rotations(l);
	if (close(l->fd) && !err)
		err = -errno;
	l->fd = -1;
	if (rename(l->path, tmp)) {
		err = -errno;
		free(tmp);
	} else if (l->cfg.keep) {
		ret = gz_start(l, tmp, xasprintf("%s.1.gz", l->path));
		if (ret && !err)
			err = ret;
	} else {
		unlink(tmp);
		free(tmp);
	}
	ret = open_file(l);
	if (ret)
		return ret;
	l->rotations++;
	if (l->stopped) {
		l->stopped = false;
		announce(l, "rotated: logging started again");
	}
	return err;
}

int log_rotate_wait(struct bw_log *l)
{
	gz_reap(l, true);
	return l->rotate_due ? log_rotate(l) : 0;
}

/* The identity every record carries: decisions' subjects and tracers'. */
void tr_ident_json(struct json *j, const struct tr_ident *h)
{
	char idbuf[64];

	json_ku64(j, "pid", h->pid);
	json_kstr(j, "exec_id", format_exec_id(idbuf, sizeof(idbuf), h->pid, h->start,
					       h->exec_seq));
	json_ku64(j, "tid", h->tid);
	json_ku64(j, "ppid", h->ppid);
	json_ku64(j, "uid", h->uid);
	json_ku64(j, "gid", h->gid);
	json_key(j, "comm");
	json_strn(j, h->comm, sizeof(h->comm));
	json_ku64(j, "cgroup_id", h->cgroup_id);
	json_ku64(j, "userns", h->userns);
	json_ku64(j, "pidns", h->pidns);
	json_ku64(j, "mntns", h->mntns);
}

/* What is known of a path value: KEY_truncated, KEY_unresolved, KEY_private,
 * KEY_replaced. */
static void path_flags_json(struct json *j, const char *key, uint8_t pf)
{
	char k[64];

	if (pf & BW_PF_CUT) {
		snprintf(k, sizeof(k), "%s_truncated", key);
		json_kbool_rt(j, k, true);
	}
	if (pf & BW_PF_UNRESOLVED) {
		snprintf(k, sizeof(k), "%s_unresolved", key);
		json_kbool_rt(j, k, true);
	}
	if (pf & BW_PF_PRIVATE) {
		snprintf(k, sizeof(k), "%s_private", key);
		json_kbool_rt(j, k, true);
	}
	if (pf & BW_PF_REPLACED) {
		snprintf(k, sizeof(k), "%s_replaced", key);
		json_kbool_rt(j, k, true);
	}
}

static void subject_json(struct json *j, const struct bw_subject *s,
			 uint8_t exe_flags)
{
	json_key(j, "subject");
	json_obj_begin(j);
	tr_ident_json(j, &s->id);
	json_ku64(j, "euid", s->euid);
	json_key(j, "exe");
	if (s->exe[0])
		json_strn(j, s->exe, sizeof(s->exe));
	else
		json_null(j);
	path_flags_json(j, "exe", exe_flags);
	json_key(j, "parent_comm");
	json_strn(j, s->pcomm, sizeof(s->pcomm));
	json_key(j, "container");
	if (s->container[0])
		json_strn(j, s->container, sizeof(s->container));
	else
		json_null(j);
	if (s->container[BW_CTR_PRIVATE_BYTE])
		json_kbool_rt(j, "container_private", true);
	json_obj_end(j);
}

static const char *sc_arch_name(unsigned int arch)
{
	static const char *const names[] = { "x86_64", "i386", "x32" };

	return arch < ARRAY_SIZE(names) ? names[arch] : "unknown";
}

static const char *method_name(unsigned int m)
{
	switch (m) {
	case BW_METH_LSM: return "lsm";
	case BW_METH_LSM_KILL: return "lsm+kill";
	case BW_METH_ENTRY_KILL: return "kill-at-entry";
	case BW_METH_AUDIT: return "audit";
	default: return "none";
	}
}

static void ancestors_json(struct bw_log *l, const struct bw_event *e)
{
	struct json *j = &l->j;
	char id[64];

	json_key(j, "ancestors");
	json_arr_begin(j);
	for (uint32_t i = 0; i < e->nanc && i < BW_ANCESTORS; i++) {
		const struct bw_ancestor *a = &e->anc[i];
		const char *x = l->anc_exe ?
			l->anc_exe(l->anc_exe_ctx, a) : NULL;

		json_obj_begin(j);
		json_ku64(j, "pid", a->pid);
		json_kstr(j, "exec_id", format_exec_id(id, sizeof(id), a->pid, a->start,
						       a->exec_seq));
		json_key(j, "comm");
		json_strn(j, a->comm, sizeof(a->comm));
		json_key(j, "exe");
		if (x)
			json_str(j, x);
		else
			json_null(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void event_json(struct json *j, const struct bw_event *e)
{
	char buf[64];

	json_key_rt(j, bw_class_name(e->cls));
	json_obj_begin(j);
	switch (e->cls) {
	case BW_CLASS_CAPABLE:
		json_kstr(j, "capability", cap_name(e->cap.cap, buf, sizeof(buf)));
		json_ku64(j, "cap", e->cap.cap);
		json_kbool(j, "noaudit", e->flags & BW_F_NOAUDIT);
		break;
	case BW_CLASS_IPC:
		json_kstr(j, "kind", ipc_kind_name(e->ipc.kind));
		json_kstr(j, "access", ipc_access_name(e->ipc.access));
		if (e->ipc.uid != (uint32_t)-1) {
			json_ku64(j, "owner_uid", e->ipc.uid);
			json_ku64(j, "owner_gid", e->ipc.gid);
			json_ku64(j, "cuid", e->ipc.cuid);
			json_ku64(j, "cgid", e->ipc.cgid);
			json_ki64(j, "key", e->ipc.key);
			snprintf(buf, sizeof(buf), "%o", e->ipc.mode & 0777);
			json_kstr(j, "mode", buf);
		}
		json_ku64(j, "id", e->ipc.id);
		break;
	case BW_CLASS_MOUNT:
		json_kstr(j, "op", mount_op_name(e->mnt.op));
		json_key(j, "fstype");
		json_strn(j, e->mnt.fstype, sizeof(e->mnt.fstype));
		json_key(j, "source");
		json_strn(j, e->mnt.source, sizeof(e->mnt.source));
		json_key(j, "target");
		json_strn(j, e->mnt.target, sizeof(e->mnt.target));
		json_kstr(j, "via", mount_via_name(e->mnt.via));
		path_flags_json(j, "source", e->pflags[BW_PS_SOURCE]);
		path_flags_json(j, "target", e->pflags[BW_PS_PATH]);
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)e->mnt.flags);
		json_kstr(j, "flags", buf);
		break;
	case BW_CLASS_SIGNAL:
		json_kstr(j, "signal", signal_name(e->sig.sig, buf, sizeof(buf)));
		json_ku64(j, "sig", e->sig.sig);
		json_ku64(j, "target_pid", e->sig.target_pid);
		json_key(j, "target_comm");
		json_strn(j, e->sig.target_comm, sizeof(e->sig.target_comm));
		json_ku64(j, "target_uid", e->sig.target_uid);
		json_kbool(j, "same_user", e->sig.same_user);
		json_kstr(j, "via", e->sig.via == BW_SVIA_SIGIO ? "sigio" : "kill");
		break;
	case BW_CLASS_EXEC:
		json_key(j, "path");
		json_strn(j, e->exec.path, sizeof(e->exec.path));
		json_kstr(j, "op", exec_op_name(e->exec.op));
		path_flags_json(j, "path", e->pflags[BW_PS_PATH]);
		if (e->exec.op == BW_EXEC_EXEC)
			argv_json(j, &e->exec.argv);
		break;
	case BW_CLASS_SYSCALL:
		json_kstr(j, "name", syscall_name(e->sc.id, buf, sizeof(buf)));
		json_kstr(j, "arch", sc_arch_name(BW_SC_ARCH(e->sc.id)));
		json_ku64(j, "nr", BW_SC_NR(e->sc.id) & ~BW_SC_X32_BIT);
		json_kstr(j, "method", method_name(e->sc.method));
		if (e->flags & BW_F_URING)
			json_kstr(j, "via", "io_uring");
		if (e->sc.err_no && (e->decision == BW_DEC_DENY ||
				     e->decision == BW_DEC_WOULD_DENY))
			json_kstr(j, "errno", errno_name(e->sc.err_no, buf, sizeof(buf)));
		break;
	}
	json_obj_end(j);
}

/* "%s:%d" of a rule's place, without a printf for every record. */
static const char *file_line(char *buf, size_t len, const char *file, int line)
{
	char num[24], *end = num + sizeof(num), *p;
	size_t n;

	if (line < 0) {
		snprintf(buf, len, "%s:%d", file, line);
		return buf;
	}
	p = u64_dec((uint64_t)line, end);
	*--p = ':';
	n = strnlen(file, len - 1 - (size_t)(end - p));
	memcpy(buf, file, n);
	memcpy(buf + n, p, (size_t)(end - p));
	buf[n + (size_t)(end - p)] = 0;
	return buf;
}

static void rule_json(struct json *j, const char *key, const char *at_key,
		      const struct bw_compiled *cp, uint32_t cls, uint32_t idx)
{
	const struct bw_rule *r = NULL;
	char at[512];

	if (cp && cls < BW_NCLASS && idx < BW_MAX_RULES)
		r = cp->rule[cls][idx];
	json_key_rt(j, key);
	if (!r) {
		if (idx == BW_NO_RULE)
			json_null(j);
		else
			json_i64(j, idx);	/* policy already gone: the index */
		return;
	}
	json_str(j, r->name);
	json_kstr_rt(j, at_key, file_line(at, sizeof(at), r->file, r->line));
}

/* Decisions folded ([log] repeat): how many, the first and the last. */
static void folded_json(struct bw_log *l, uint64_t n, uint64_t first, uint64_t last)
{
	struct json *j = &l->j;
	char t[64];

	json_ku64(j, "folded", n);
	if (!first || !last)
		return;
	record_time(l, l->boot_to_real + (int64_t)first, t, sizeof(t));
	json_kstr(j, "folded_first", t);
	record_time(l, l->boot_to_real + (int64_t)last, t, sizeof(t));
	json_kstr(j, "folded_last", t);
}

int log_decision(struct bw_log *l, const struct bw_event *e,
		 const struct bw_compiled *cp)
{
	struct json *j = log_begin(l, "decision", e->ts);

	json_kstr(j, "event", bw_class_name(e->cls));
	json_kstr(j, "decision", bw_decision_name(e->decision));
	json_kbool(j, "enforced", e->flags & BW_F_ENFORCED);
	rule_json(j, "rule", "rule_at", cp, e->cls, e->rule);
	if (e->audit_rule != BW_NO_RULE)
		rule_json(j, "audit_rule", "audit_rule_at", cp, e->cls,
			  e->audit_rule);
	json_ku64(j, "generation", e->generation);
	if (e->folded)
		folded_json(l, e->folded, e->fold_first, e->fold_last);
	subject_json(j, &e->subj, e->pflags[BW_PS_EXE]);
	ancestors_json(l, e);
	event_json(j, e);
	return log_end(l);
}

int log_repeat(struct bw_log *l, const struct bw_repeat *r,
	       const struct bw_compiled *cp)
{
	struct json *j = log_begin(l, "repeat", r->ts);
	char id[64];

	json_kstr(j, "event", bw_class_name(r->cls));
	json_kstr(j, "decision", bw_decision_name(r->decision));
	rule_json(j, "rule", "rule_at", cp, r->cls, r->rule);
	if (r->audit_rule != BW_NO_RULE)
		rule_json(j, "audit_rule", "audit_rule_at", cp, r->cls, r->audit_rule);
	json_ku64(j, "generation", r->generation);
	json_ku64(j, "pid", r->pid);
	json_kstr(j, "exec_id", format_exec_id(id, sizeof(id), r->pid, r->start,
					       r->exec_seq));
	json_key(j, "comm");
	json_strn(j, r->comm, sizeof(r->comm));
	folded_json(l, r->count, r->first, r->last);
	return log_end(l);
}
