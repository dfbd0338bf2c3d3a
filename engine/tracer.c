// SPDX-License-Identifier: GPL-2.0
/* The plumbing every standalone tracer shares. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "loop.h"
#include "tracers.h"
#include "util.h"

int tracer_common_opt(int c, const char *arg, struct tracer_opts *o,
		      const char *who)
{
	unsigned long long v;

	switch (c) {
	case 'p':
		if (parse_u64(arg, 4194304, &v) || !v) {
			out_err("%s: bad pid '%s'", who, arg);
			return -1;
		}
		o->pid = v;
		return 0;
	case 'c':
		o->comm = arg;
		return 0;
	case 'd':
		if (parse_u64(arg, 86400ULL * 365, &o->duration) || !o->duration) {
			out_err("%s: bad duration '%s'", who, arg);
			return -1;
		}
		return 0;
	case 'j':
		o->json = 1;
		out_json_errors(true);
		return 0;
	}
	return 1;
}

int64_t tracer_boot_to_real(void)
{
	struct timespec rt, bt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return (rt.tv_sec - bt.tv_sec) * 1000000000LL + (rt.tv_nsec - bt.tv_nsec);
}

/* One look at the ring: 100 ms at most, as libbpf-tools' loops. */
static int poll_step(void *rb)
{
	int n = ring_buffer__poll(rb, 100);

	if (n < 0 && n != -EINTR)
		return n;
	fflush(stdout);
	return 0;
}

struct loop_every {
	struct ring_buffer *rb;
	unsigned int interval;
	time_t due;
	int (*every)(void *ctx);
	void *ctx;
};

static int poll_every(void *ctx)
{
	struct loop_every *l = ctx;
	int ret = poll_step(l->rb);

	if (ret || !l->interval || time(NULL) < l->due)
		return ret;
	l->due += l->interval;
	return l->every(l->ctx);
}

int tracer_loop_every(struct ring_buffer *rb, unsigned long long duration,
		      unsigned int interval, int (*every)(void *ctx), void *ctx)
{
	time_t end = duration ? time(NULL) + (time_t)duration : 0;
	struct loop_every l = { rb, every ? interval : 0, time(NULL) + interval,
				every, ctx };
	int ret;

	/*
	 * The handlers first: a command started with & by a shell without job
	 * control ignores SIGINT until then, and a script that stops it once
	 * this line is out would otherwise see it trace on.
	 */
	loop_signals(LOOP_SIG_STOP);
	/* on stderr, so that scripts can wait until the programs are attached */
	fprintf(stderr, "bulwark: tracing (Ctrl-C to stop)\n");
	fflush(stdout);
	ret = loop_run(poll_every, &l, end);
	if (ret)
		return ret;
	ring_buffer__consume(rb);
	fflush(stdout);
	return 0;
}

int tracer_loop(struct ring_buffer *rb, unsigned long long duration)
{
	return tracer_loop_every(rb, duration, 0, NULL, NULL);
}

int percpu_counter_values(int map_fd, uint32_t key, uint64_t **vals)
{
	int ncpu = libbpf_num_possible_cpus();

	*vals = NULL;
	if (ncpu <= 0)
		return ncpu ? ncpu : -ENODEV;
	*vals = xcalloc(ncpu, sizeof(**vals));
	if (bpf_map_lookup_elem(map_fd, &key, *vals)) {
		int err = -errno;

		free(*vals);
		*vals = NULL;
		return err;
	}
	return ncpu;
}

uint64_t prog_skipped(const struct bpf_program *prog)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = prog ? bpf_program__fd(prog) : -1;

	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.recursion_misses;
}

uint64_t percpu_counter_sum(int map_fd, uint32_t key)
{
	uint64_t *vals, sum = 0;
	int n = percpu_counter_values(map_fd, key, &vals);

	for (int c = 0; c < n; c++)
		sum += vals[c];
	free(vals);
	return sum;
}
