// SPDX-License-Identifier: GPL-2.0
/* The daemon's ring buffers, read in turns (rings.h). */
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <bpf/libbpf.h>

#include "rings.h"

#define RING_BUDGET 1024
#define RING_TURN_NS (50 * 1000000LL)
#define RING_CLOCK_EVERY 16	/* records between looks at the clock */
/* what a record handler returns to end its ring's turn; not an error */
#define RING_STOP (-ECANCELED)

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Every record of every ring comes here: handled (or, when stopping,
 * counted), then the turn ends once the budget or the time is spent.
 * libbpf stops reading a ring when this returns a negative value; the
 * record has been consumed by then.
 */
static int ring_sample(void *ctx, void *data, size_t size)
{
	struct ring *g = ctx;
	int ret = 0;

	if (g->counting && g->count)
		g->count(g->ctx, data, size);
	else if (g->counting)
		g->unread++;
	else
		ret = g->handle(g->ctx, data, size);
	g->taken++;
	if (g->taken >= RING_BUDGET ||
	    (g->taken % RING_CLOCK_EVERY == 0 && mono_ns() >= g->deadline)) {
		g->over = true;
		return RING_STOP;
	}
	return ret;
}

int rings_init(struct rings *rs)
{
	rs->n = 0;
	rs->epfd = epoll_create1(EPOLL_CLOEXEC);
	return rs->epfd < 0 ? -errno : 0;
}

int rings_add(struct rings *rs, int fd, const char *name,
	      int (*handle)(void *ctx, void *data, size_t size), void *ctx)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct ring *g;

	if (rs->n == RINGS_MAX)
		return -ENOSPC;
	g = &rs->ring[rs->n];
	g->rb = ring_buffer__new(fd, ring_sample, g, NULL);
	if (!g->rb)
		return -errno;
	if (epoll_ctl(rs->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		int err = -errno;

		ring_buffer__free(g->rb);
		g->rb = NULL;
		return err;
	}
	g->name = name;
	g->handle = handle;
	g->ctx = ctx;
	rs->n++;
	return 0;
}

/* One turn of one ring: 0, or -errno when reading it failed. */
static int ring_turn(struct ring *g, int64_t deadline)
{
	int n;

	g->taken = 0;
	g->over = false;
	g->deadline = deadline;
	n = ring_buffer__consume(g->rb);
	if (n < 0 && !(n == RING_STOP && g->over))
		return n;
	return 0;
}

int rings_turn(struct rings *rs, bool *more, const char **which)
{
	*more = false;
	for (size_t i = 0; i < rs->n; i++) {
		int err = ring_turn(&rs->ring[i], mono_ns() + RING_TURN_NS);

		if (err) {
			*which = rs->ring[i].name ? rs->ring[i].name : "decision";
			return err;
		}
		*more |= rs->ring[i].over;
	}
	return 0;
}

int rings_wait(struct rings *rs, int timeout_ms)
{
	struct epoll_event ev[RINGS_MAX];

	if (epoll_wait(rs->epfd, ev, RINGS_MAX, timeout_ms) >= 0 || errno == EINTR)
		return 0;
	return -errno;
}

int rings_empty(struct rings *rs, int64_t ns, const char **which)
{
	int64_t end = mono_ns() + ns;
	bool more = true;

	while (more && mono_ns() < end) {
		int err = rings_turn(rs, &more, which);

		if (err)
			return err;
	}
	return 0;
}

void rings_free(struct rings *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		ring_buffer__free(rs->ring[i].rb);
	rs->n = 0;
	if (rs->epfd >= 0)
		close(rs->epfd);
	rs->epfd = -1;
}
