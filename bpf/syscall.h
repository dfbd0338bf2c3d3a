/* SPDX-License-Identifier: GPL-2.0 */
/* The syscall tracer: records shared by bpf/syscall.bpf.c and the engine. */
#ifndef BULWARK_SYSCALL_H
#define BULWARK_SYSCALL_H

#include "trace.h"

#define SCT_IDS		(3 * 1024)	/* arch * 1024 + (nr & 1023) */
#define SCT_X32_BIT	0x40000000u

struct sct_event {
	struct tr_ident h;	/* bpf/trace.h */
	__u64 id;		/* (arch << 32) | number, as bpf/events.h */
	__u32 first;		/* counting mode: first use by this process */
	__u32 pad;
};

struct sct_seen_key {
	__u32 tgid;
	__u32 pad;
	__u64 id;
};

#endif
