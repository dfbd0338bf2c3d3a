/* SPDX-License-Identifier: GPL-2.0 */
/* The seccomp tracer: records shared by bpf/seccomp.bpf.c and the engine. */
#ifndef BULWARK_SECCOMP_TRACE_H
#define BULWARK_SECCOMP_TRACE_H

#include "trace.h"

enum sec_kind {
	SEC_INSTALL = 1,	/* seccomp(2) or prctl(PR_SET_SECCOMP) returned */
	SEC_REJECT,		/* a filter failed a call with an errno */
	SEC_KILL,		/* a filter killed the process (SIGSYS) */
};

struct sec_event {
	struct tr_ident h;	/* bpf/trace.h; h.kind is enum sec_kind */
	__u64 id;		/* the call: (arch << 32) | number, as bpf/events.h */
	__s64 ret;		/* install: its return; reject: -errno */
	__u32 mode;		/* 1 strict, 2 filter */
	__u32 filters;		/* filters attached to the task */
};

#endif
