/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket: `bulwark reload`, `stop` and `status` talking to the
 * running engine (docs/packaging.md, "The control socket").
 *
 * An AF_UNIX stream socket, mode 0600, served from the daemon's main loop
 * without blocking it: accept and reads are non-blocking, a request is one
 * line of at most CONTROL_REQ_MAX bytes that must arrive within
 * CONTROL_REQ_MS, at most CONTROL_CONNS connections are open at once.  Only
 * uid 0 (SO_PEERCRED) is served.  Request and answer are one JSON object
 * on one line each:
 *
 *   {"command":"status"}              {"ok":true,"status":{...}}
 *   {"command":"reload"}              {"ok":true,"generation":N}, or
 *                                     {"ok":false,"error":"...","problems":[...]}
 *   {"command":"stop","detach":BOOL}  {"ok":true,"stopping":true}, then the
 *                                     connection stays open until the
 *                                     engine exits
 *
 * Every request is written to the audit log as a "control" record: who
 * (pid, uid, comm of the peer), what, and the result.
 */
#ifndef BULWARK_CONTROL_H
#define BULWARK_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define CONTROL_REQ_MAX 4096
#define CONTROL_REQ_MS 2000
#define CONTROL_CONNS 8

struct bw_log;
struct diag;
struct json;

/* What the daemon does for a request. */
struct control_ops {
	/* start a reload, as SIGHUP does; control_reload_end() gives its result */
	void (*reload)(void *ctx);
	/* stop the engine; detach: as the request said (`bulwark stop --detach`).
	 * NULL when it stops, else why it will not (the answer's error) */
	const char *(*stop)(void *ctx, bool detach);
	/* the live status: members of an object already begun */
	void (*status)(void *ctx, struct json *j);
};

struct control_conn {
	int fd;			/* -1: a free slot */
	int state;		/* enum in control.c */
	char req[CONTROL_REQ_MAX];
	size_t len;
	int64_t deadline;	/* CLOCK_MONOTONIC ns */
	pid_t pid;
	uid_t uid;
	char comm[17];
	char *out;		/* the answer, being written */
	size_t out_len, out_off;
	uint64_t after;		/* a reload: the reloads done before it was asked */
};

struct control {
	int fd;			/* listening; -1: none */
	int epfd;		/* the main loop's, woken by requests */
	char *path;
	struct bw_log *log;
	const struct control_ops *ops;
	void *ctx;
	uint64_t reloads_started, reloads_done;
	struct control_conn conn[CONTROL_CONNS];
};

/*
 * Listen at path (a stale socket there is replaced; one another engine
 * answers on is not, -EADDRINUSE), its fd and its connections' into epfd.
 * 0 or -errno.
 */
int control_open(struct control *c, const char *path, int epfd, struct bw_log *log,
		 const struct control_ops *ops, void *ctx);
/* New connections, requests, answers: never blocks. */
void control_poll(struct control *c);
/* A reload started (every one, whoever asked). */
void control_reload_begin(struct control *c);
/* It ended: d its problems, error NULL when the policy is live. */
void control_reload_end(struct control *c, const struct diag *d, const char *error,
			uint64_t generation);
/* Close everything and remove the socket. */
void control_close(struct control *c);

/*
 * The client: send request (one line, the newline added) to the socket at
 * path and read the one-line answer into *answer (free it) within
 * timeout_ms.  With wait_ms > 0 the connection is then held until the
 * engine closes it, at most wait_ms (-ETIMEDOUT after that).  0 or -errno:
 * -ENOENT or -ECONNREFUSED when no engine answers there.
 */
int control_call(const char *path, const char *request, int timeout_ms,
		 char **answer, int wait_ms);

#endif
