/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's ring buffers, read in turns: at most RING_BUDGET records
 * from each per turn and at most RING_TURN_NS on one, so that every ring
 * gets its turn (decisions are never starved by tracer records) and the
 * loop around them sees to signals and the once-a-second work under any
 * load.  Stopping, what is left can be counted instead of handled.
 */
#ifndef BULWARK_RINGS_H
#define BULWARK_RINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ring_buffer;

#define RINGS_MAX 34		/* decisions, the syscall tracer, 32 tracers */

/* One ring buffer: the decisions', or one tracer's. */
struct ring {
	struct ring_buffer *rb;
	const char *name;	/* for lost records: the tracer, or NULL */
	int (*handle)(void *ctx, void *data, size_t size);
	/* stopping: count a record left unwritten; NULL: into unread */
	void (*count)(void *ctx, const void *data, size_t size);
	void *ctx;
	unsigned int taken;	/* records this turn */
	int64_t deadline;	/* CLOCK_MONOTONIC ns ending this turn */
	bool over;		/* the turn ended on the budget */
	bool counting;		/* stopping: count what is left, do not write */
	uint64_t unread;	/* records left unwritten at stop */
};

struct rings {
	struct ring ring[RINGS_MAX];
	size_t n;
	int epfd;		/* every ring's map fd, for waiting; -1: none yet */
};

/* 0 or -errno. */
int rings_init(struct rings *rs);
/* The ring buffer of map fd, its records to handle(ctx); 0 or -errno. */
int rings_add(struct rings *rs, int fd, const char *name,
	      int (*handle)(void *ctx, void *data, size_t size), void *ctx);
/*
 * Every ring in turn, the first added first; *more when one still had
 * records when its turn ended.  0, or -errno with *which the ring's name
 * ("decision" for the unnamed one) when it could not be read.
 */
int rings_turn(struct rings *rs, bool *more, const char **which);
/* Until a ring has records, a signal comes, or timeout_ms pass; 0 or -errno. */
int rings_wait(struct rings *rs, int timeout_ms);
/* Turns until no ring has records left or ns have passed; as rings_turn. */
int rings_empty(struct rings *rs, int64_t ns, const char **which);
void rings_free(struct rings *rs);

#endif
