/* SPDX-License-Identifier: GPL-2.0 */
/* The memleak tracer's maps and settings, shared by bpf/memleak.bpf.c and the engine. */
#ifndef BULWARK_MEMLEAK_H
#define BULWARK_MEMLEAK_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define ML_STACK_DEPTH	127		/* the kernel's PERF_MAX_STACK_DEPTH */
#define ML_MAX_ALLOCS	(1 << 18)	/* outstanding allocations tracked */
#define ML_MAX_STACKS	16384

/* What the kernel side is told (read-only data). */
struct memleak_kcfg {
	__u64 min_size;		/* -z: smaller ones are not tracked */
	__u64 max_size;		/* -Z: 0, no bound */
	__u32 sample_rate;	/* -s: every Nth allocation; 0 or 1, all */
	__u32 user;		/* 1: the libc uprobes' user stacks */
};

/* An outstanding allocation, keyed by its address (pages: struct page *). */
struct memleak_alloc {
	__u64 size;
	__u64 ts;		/* CLOCK_MONOTONIC (bpf_ktime_get_ns), ns */
	__s64 stack_id;		/* in ml_stacks, or -errno: no stack */
};

/* The outstanding allocations of one stack. */
struct memleak_total {
	__u64 bytes;
	__u64 count;
};

#endif
