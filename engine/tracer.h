/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_TRACER_H
#define BULWARK_TRACER_H

#include <stdint.h>

struct ring_buffer;

/* What every standalone tracer shares: options parsed once, one loop. */
struct tracer_opts {
	uint32_t pid;			/* -p */
	const char *comm;		/* -c */
	unsigned long long duration;	/* -d, seconds; 0 = until SIGINT */
	int json;			/* -j */
};

/*
 * Parse -p, -c, -d, -j, -h.  Returns 0 when the option was one of them,
 * 1 when it is not, -1 on a bad value (reported).
 */
int tracer_common_opt(int c, const char *arg, struct tracer_opts *o,
		      const char *who);
#define TRACER_LONG_OPTS \
	{ "pid", required_argument, NULL, 'p' }, \
	{ "comm", required_argument, NULL, 'c' }, \
	{ "duration", required_argument, NULL, 'd' }, \
	{ "json", no_argument, NULL, 'j' }, \
	{ "help", no_argument, NULL, 'h' }
#define TRACER_SHORT_OPTS "p:c:d:jh"

/* Sum over CPUs of a per-CPU u64 counter (loss counters); 0 if unreadable. */
uint64_t percpu_counter_sum(int map_fd, uint32_t key);
/* The per-CPU values themselves: *vals (caller frees), their count, or -errno. */
int percpu_counter_values(int map_fd, uint32_t key, uint64_t **vals);

/* CLOCK_REALTIME - CLOCK_BOOTTIME now, ns: record times to wall clock. */
int64_t tracer_boot_to_real(void);

/* Poll until SIGINT/SIGTERM or the duration; 0, or -errno. */
int tracer_loop(struct ring_buffer *rb, unsigned long long duration);

#endif
