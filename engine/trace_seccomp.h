/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_TRACE_SECCOMP_H
#define BULWARK_TRACE_SECCOMP_H

#include <stdbool.h>
#include <stdint.h>

#include "json.h"

struct seccomp_bpf;
struct sec_event;
struct bpf_link;

/* The seccomp tracer: filter installs, rejections and kills. */
struct sect {
	struct seccomp_bpf *skel;
	struct bpf_link *links[3];
};

int sect_open(struct sect *t, uint32_t pid, const char *comm, char *err,
	      size_t errlen);
int sect_events_fd(const struct sect *t);
uint64_t sect_lost(const struct sect *t);
void sect_close(struct sect *t);
void sect_event_json(struct json *j, const struct sec_event *e);

int do_trace_seccomp(int argc, char **argv, bool json);

#endif
