/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_TRACE_SYSCALL_H
#define BULWARK_TRACE_SYSCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

struct syscall_bpf;
struct sct_event;

/* What the syscall tracer records; every filter runs in the kernel. */
struct sct_opts {
	uint32_t pid;		/* 0: every process */
	const char *comm;	/* NULL: every command */
	uint64_t cgroup_id;	/* 0: every cgroup */
	uint64_t *ids;		/* canonical ids; none: every syscall */
	size_t nids;
	bool count;		/* first use per process only, plus totals */
};

struct sct {
	struct syscall_bpf *skel;
	struct bpf_link *link;
};

int sct_open(struct sct *t, const struct sct_opts *o, char *err, size_t errlen);
/* Load and attach with no filter, then detach: 0 when it works here. */
int sct_probe(char *err, size_t errlen);
int sct_events_fd(const struct sct *t);
/* Records lost in the kernel (ring buffer full) so far. */
uint64_t sct_lost(const struct sct *t);
/* Detached; its ring and loss counter stay until sct_close. */
void sct_unlink(struct sct *t);
void sct_close(struct sct *t);
/* The fields of one record, as JSON members (for the log and -j). */
void sct_event_json(struct json *j, const struct sct_event *e);

int do_trace_syscall(int argc, char **argv, bool json);

#endif
