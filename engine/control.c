// SPDX-License-Identifier: GPL-2.0
/* The control socket, the daemon's side and the client's (control.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <json-c/json.h>

#include "control.h"
#include "diag.h"
#include "json.h"
#include "log.h"
#include "logread.h"
#include "util.h"

/* An answer's problems: enough to fix a rule set, bounded all the same. */
#define CONTROL_PROBLEMS_MAX 200

enum conn_state {
	CC_READ,	/* the request is coming */
	CC_RELOAD,	/* waiting for the reload it asked for */
	CC_WRITE,	/* the answer is going out; closed after it */
	CC_WRITE_HOLD,	/* the same, then held until the engine exits (stop) */
	CC_HOLD,
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (!*path || strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

/* ---- the daemon's side ---- */

static void conn_close(struct control *c, struct control_conn *k)
{
	if (k->fd < 0)
		return;
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, k->fd, NULL);	/* gone with close too */
	close(k->fd);
	k->fd = -1;
	free(k->out);
	k->out = NULL;
}

/* The "control" record: who asked, what, and how it ended. */
static struct json *record_begin(struct control *c, const struct control_conn *k,
				 const char *request)
{
	struct json *j = log_begin(c->log, "control", 0);

	json_key(j, "peer");
	json_obj_begin(j);
	json_ku64(j, "pid", (uint64_t)k->pid);
	json_ku64(j, "uid", (uint64_t)k->uid);
	json_kstr(j, "comm", k->comm);
	json_obj_end(j);
	json_kstr(j, "request", request);
	return j;
}

static void record(struct control *c, const struct control_conn *k, const char *request,
		   const char *result, const char *error)
{
	struct json *j = record_begin(c, k, request);

	json_kstr(j, "result", result);
	if (error)
		json_kstr(j, "error", error);
	log_end(c->log);
}

/* The answer in j goes out as one line; hold: keep the connection after. */
static void answer(struct control *c, struct control_conn *k, struct json *j, bool hold)
{
	json_newline(j);
	free(k->out);
	k->out = xstrndup(j->buf, j->len);
	k->out_len = j->len;
	k->out_off = 0;
	k->state = hold ? CC_WRITE_HOLD : CC_WRITE;
	k->deadline = now_ns() + CONTROL_REQ_MS * 1000000LL;
	json_free(j);
	(void)c;
}

static void answer_error(struct control *c, struct control_conn *k, const char *msg)
{
	struct json j;

	json_init(&j);
	json_obj_begin(&j);
	json_kbool(&j, "ok", false);
	json_kstr(&j, "error", msg);
	json_obj_end(&j);
	answer(c, k, &j, false);
}

static void do_status(struct control *c, struct control_conn *k)
{
	struct json j;

	json_init(&j);
	json_obj_begin(&j);
	json_kbool(&j, "ok", true);
	json_key(&j, "status");
	json_obj_begin(&j);
	c->ops->status(c->ctx, &j);
	json_obj_end(&j);
	json_obj_end(&j);
	answer(c, k, &j, false);
	record(c, k, "status", "ok", NULL);
}

static void do_stop(struct control *c, struct control_conn *k, bool detach)
{
	const char *why = c->ops->stop(c->ctx, detach);
	struct json j, *r;

	if (why) {
		answer_error(c, k, why);
		r = record_begin(c, k, "stop");
		json_kbool(r, "detach", detach);
		json_kstr(r, "result", "refused");
		json_kstr(r, "error", why);
		log_end(c->log);
		return;
	}
	json_init(&j);
	json_obj_begin(&j);
	json_kbool(&j, "ok", true);
	json_kbool(&j, "stopping", true);
	json_kbool(&j, "detach", detach);
	json_obj_end(&j);
	answer(c, k, &j, true);
	r = record_begin(c, k, "stop");
	json_kbool(r, "detach", detach);
	json_kstr(r, "result", "stopping");
	log_end(c->log);
}

static void do_reload(struct control *c, struct control_conn *k)
{
	/* set first: a reload that cannot get a thread ends inside ops->reload */
	k->state = CC_RELOAD;
	k->after = c->reloads_started;
	c->ops->reload(c->ctx);
}

static void handle_request(struct control *c, struct control_conn *k)
{
	struct json_object *o, *v;
	const char *cmd;

	k->req[k->len] = 0;
	o = json_tokener_parse(k->req);
	cmd = o && json_object_is_type(o, json_type_object) ?
		json_get_str(o, "command") : NULL;
	if (!cmd) {
		answer_error(c, k, "bad request: want one JSON object with \"command\"");
		record(c, k, "?", "error", "bad request");
	} else if (!strcmp(cmd, "status")) {
		do_status(c, k);
	} else if (!strcmp(cmd, "reload")) {
		do_reload(c, k);
	} else if (!strcmp(cmd, "stop")) {
		v = json_get(o, "detach");
		do_stop(c, k, v && json_object_get_boolean(v));
	} else {
		char msg[128];

		snprintf(msg, sizeof(msg), "unknown command '%.64s'", cmd);
		answer_error(c, k, msg);
		record(c, k, "?", "error", msg);
	}
	if (o)
		json_object_put(o);
}

/* Read what there is; the request once its line is complete. */
static void conn_read(struct control *c, struct control_conn *k)
{
	for (;;) {
		ssize_t n = read(k->fd, k->req + k->len, sizeof(k->req) - 1 - k->len);
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {		/* gone, or an error, before a whole line */
			conn_close(c, k);
			return;
		}
		nl = memchr(k->req + k->len, '\n', (size_t)n);
		k->len += (size_t)n;
		if (nl) {
			k->len = (size_t)(nl - k->req);
			epoll_ctl(c->epfd, EPOLL_CTL_DEL, k->fd, NULL);
			handle_request(c, k);
			return;
		}
		if (k->len == sizeof(k->req) - 1) {
			answer_error(c, k, "request too long");
			record(c, k, "?", "error", "request too long");
			return;
		}
	}
	if (now_ns() > k->deadline) {
		answer_error(c, k, "no whole request in time");
		record(c, k, "?", "error", "no whole request in time");
	}
}

static void conn_write(struct control *c, struct control_conn *k)
{
	while (k->out_off < k->out_len) {
		ssize_t n = send(k->fd, k->out + k->out_off, k->out_len - k->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (now_ns() > k->deadline)
				conn_close(c, k);	/* a client that does not read */
			return;
		}
		if (n < 0) {
			conn_close(c, k);
			return;
		}
		k->out_off += (size_t)n;
	}
	if (k->state == CC_WRITE_HOLD)
		k->state = CC_HOLD;	/* closed when the engine exits */
	else
		conn_close(c, k);
}

/* Who is on the other end: SO_PEERCRED, and the comm of that pid. */
static int peer_of(struct control_conn *k)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	char path[64];
	ssize_t n;
	int fd;

	if (getsockopt(k->fd, SOL_SOCKET, SO_PEERCRED, &cr, &len))
		return -errno;
	k->pid = cr.pid;
	k->uid = cr.uid;
	strcpy(k->comm, "?");
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)cr.pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, k->comm, sizeof(k->comm) - 1);
	close(fd);
	if (n > 0) {
		k->comm[n] = 0;
		k->comm[strcspn(k->comm, "\n")] = 0;
	} else {
		strcpy(k->comm, "?");
	}
	return 0;
}

static void conn_new(struct control *c, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
	struct control_conn *k = NULL;

	for (size_t i = 0; i < CONTROL_CONNS && !k; i++)
		if (c->conn[i].fd < 0)
			k = &c->conn[i];
	if (!k) {		/* busy: the client sees EOF at once */
		close(fd);
		return;
	}
	memset(k, 0, sizeof(*k));
	k->fd = fd;
	k->state = CC_READ;
	k->deadline = now_ns() + CONTROL_REQ_MS * 1000000LL;
	if (peer_of(k)) {
		conn_close(c, k);
		return;
	}
	if (k->uid != 0) {
		answer_error(c, k, "permission denied: only uid 0 may control the engine");
		record(c, k, "?", "refused", "uid is not 0");
		return;
	}
	ev.data.fd = fd;
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev))
		k->deadline = now_ns();	/* no wakeups: read now or give up */
}

static void accept_all(struct control *c)
{
	for (int n = 0; n < CONTROL_CONNS * 2; n++) {
		int fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;	/* EAGAIN: none left; anything else: next turn */
		conn_new(c, fd);
	}
}

/* A struct control never opened is all zeroes: path NULL says it. */
void control_poll(struct control *c)
{
	if (!c->path)
		return;
	accept_all(c);
	for (size_t i = 0; i < CONTROL_CONNS; i++) {
		struct control_conn *k = &c->conn[i];

		if (k->fd >= 0 && k->state == CC_READ)
			conn_read(c, k);
		if (k->fd >= 0 && (k->state == CC_WRITE || k->state == CC_WRITE_HOLD))
			conn_write(c, k);
	}
}

void control_reload_begin(struct control *c)
{
	c->reloads_started++;
}

static void problems_json(struct json *j, const struct diag *d)
{
	size_t n = 0;

	json_key(j, "problems");
	json_arr_begin(j);
	for (size_t i = 0; d && i < d->n && n < CONTROL_PROBLEMS_MAX; i++, n++) {
		const struct diag_item *it = &d->items[i];

		json_obj_begin(j);
		json_kstr(j, "file", it->file);
		json_ku64(j, "line", (uint64_t)it->line);
		json_kstr(j, "severity", diag_sev_name(it->sev));
		json_kstr(j, "message", it->msg);
		json_obj_end(j);
	}
	json_arr_end(j);
	if (d && d->n > n)
		json_ku64(j, "more_problems", d->n - n);
	if (d && d->dropped)
		json_ku64(j, "errors_not_kept", d->dropped);
}

static void reload_answer(struct control *c, struct control_conn *k, const struct diag *d,
			  const char *error, uint64_t generation)
{
	struct json j, *r;

	json_init(&j);
	json_obj_begin(&j);
	json_kbool(&j, "ok", !error);
	if (error)
		json_kstr(&j, "error", error);
	json_ku64(&j, "generation", generation);
	problems_json(&j, d);
	json_obj_end(&j);
	answer(c, k, &j, false);
	r = record_begin(c, k, "reload");
	json_kstr(r, "result", error ? "failed" : "ok");
	json_ku64(r, "generation", generation);
	if (error) {
		json_kstr(r, "error", error);
		json_ku64(r, "errors", d ? d->errors : 0);
	}
	log_end(c->log);
}

void control_reload_end(struct control *c, const struct diag *d, const char *error,
			uint64_t generation)
{
	c->reloads_done++;
	if (!c->path)
		return;
	for (size_t i = 0; i < CONTROL_CONNS; i++) {
		struct control_conn *k = &c->conn[i];

		if (k->fd >= 0 && k->state == CC_RELOAD && k->after < c->reloads_done)
			reload_answer(c, k, d, error, generation);
	}
}

/* A socket at path: refused (stale, removed), or one an engine answers on. */
static int clear_stale(const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, err;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;	/* not ours to remove */
	err = unix_addr(path, &sa);
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	err = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	close(fd);
	if (!err || err == -EAGAIN)
		return -EADDRINUSE;
	return unlink(path) ? -errno : 0;
}

/* Its directory, as the status file's: 0755, root's (/run/bulwark). */
static void make_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');

	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0755) && errno != EEXIST)
			fprintf(stderr, "bulwark: cannot make %s: %s\n", dir, strerror(errno));
	}
	free(dir);
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa;
	mode_t old;
	int fd, err = unix_addr(path, &sa);

	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	old = umask(0177);	/* 0600 from the start: no moment open to others */
	err = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	umask(old);
	if (!err && chmod(path, 0600))
		err = -errno;
	if (!err && listen(fd, CONTROL_CONNS))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int control_open(struct control *c, const char *path, int epfd, struct bw_log *log,
		 const struct control_ops *ops, void *ctx)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int err;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	for (size_t i = 0; i < CONTROL_CONNS; i++)
		c->conn[i].fd = -1;
	make_dir(path);
	err = clear_stale(path);
	if (err)
		return err;
	c->fd = listen_at(path);
	if (c->fd < 0) {
		err = c->fd;
		c->fd = -1;
		return err;
	}
	ev.data.fd = c->fd;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev)) {
		err = -errno;
		close(c->fd);
		unlink(path);
		c->fd = -1;
		return err;
	}
	c->epfd = epfd;
	c->path = xstrdup(path);
	c->log = log;
	c->ops = ops;
	c->ctx = ctx;
	return 0;
}

void control_close(struct control *c)
{
	if (!c->path)
		return;
	/* the socket first: a client finding it after this gets ENOENT, not a
	 * connection nobody will answer */
	if (unlink(c->path) && errno != ENOENT)
		fprintf(stderr, "bulwark: removing %s failed: %s\n", c->path, strerror(errno));
	for (size_t i = 0; i < CONTROL_CONNS; i++) {
		struct control_conn *k = &c->conn[i];

		/* `bulwark stop` waits for its connection to close: left open,
		 * the process's exit closes it, when everything is done */
		if (k->fd >= 0 && k->state == CC_HOLD) {
			free(k->out);
			k->out = NULL;
			continue;
		}
		conn_close(c, k);
	}
	close(c->fd);
	c->fd = -1;
	free(c->path);
	c->path = NULL;
}

/* ---- the client ---- */

/* Wait for fd to be ready for events until deadline; 0 or -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		int64_t left = (deadline - now_ns()) / 1000000;
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

static int send_all(int fd, const char *buf, size_t len, int64_t deadline)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		int err;

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		err = wait_fd(fd, POLLOUT, deadline);
		if (err)
			return err;
	}
	return 0;
}

/* The answer's line into *answer; 0 or -errno (-EPROTO: closed before it). */
static int read_line(int fd, char **answer, int64_t deadline)
{
	size_t len = 0, cap = 4096;
	char *buf = xmalloc(cap);

	for (;;) {
		ssize_t n;
		int err;

		if (len + 1 == cap)
			buf = xreallocarray(buf, cap *= 2, 1);
		n = recv(fd, buf + len, cap - 1 - len, MSG_DONTWAIT);
		if (n > 0) {
			char *nl = memchr(buf + len, '\n', (size_t)n);

			len += (size_t)n;
			if (nl) {
				*nl = 0;
				*answer = buf;
				return 0;
			}
			continue;
		}
		err = n == 0 ? -EPROTO : (errno == EAGAIN || errno == EINTR) ?
			wait_fd(fd, POLLIN, deadline) : -errno;
		if (err) {
			free(buf);
			return err;
		}
	}
}

/* Until the engine closes the connection (it exited), or the deadline. */
static int wait_eof(int fd, int64_t deadline)
{
	char buf[256];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		int err;

		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return 0;
		if (n > 0)
			continue;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		err = wait_fd(fd, POLLIN, deadline);
		if (err)
			return err;
	}
}

int control_call(const char *path, const char *request, int timeout_ms,
		 char **answer, int wait_ms)
{
	int64_t deadline = now_ns() + (int64_t)timeout_ms * 1000000LL;
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	struct sockaddr_un sa;
	char *line;
	int fd, err = unix_addr(path, &sa);

	*answer = NULL;
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* a full backlog (an engine that does not accept) blocks connect:
	 * SO_SNDTIMEO bounds that wait */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
		err = -errno;
		close(fd);
		return err;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(fd);
		return err;
	}
	line = xasprintf("%s\n", request);
	err = send_all(fd, line, strlen(line), deadline);
	free(line);
	/* a refusal may come, and the engine close, before the request is
	 * sent: the answer is read all the same */
	if (!err || err == -EPIPE || err == -ECONNRESET)
		err = read_line(fd, answer, deadline);
	if (!err && wait_ms > 0)
		err = wait_eof(fd, now_ns() + (int64_t)wait_ms * 1000000LL);
	close(fd);
	return err;
}
