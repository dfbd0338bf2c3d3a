/* SPDX-License-Identifier: GPL-2.0 */
/* The tcprtt tracer's settings and histograms: bpf/tcprtt.bpf.c and the engine. */
#ifndef BULWARK_TCPRTT_H
#define BULWARK_TCPRTT_H

#include "trace.h"

/* log2 slots: slot 0 holds 0 and 1, slot i 2^i to 2^(i+1)-1 */
#define TCPRTT_SLOTS 27

/* What `bulwark trace tcprtt` asks of the kernel side (read-only data). */
struct tcprtt_cfg {
	__u16 lport, rport;	/* -p, -P: host order; 0 all */
	__u16 lfamily, rfamily;	/* -a, -A: AF_INET, AF_INET6; 0 all */
	__u8 laddr[16], raddr[16];	/* AF_INET in the first 4 bytes */
	__u8 ms;		/* -m: milliseconds */
	__u8 by;		/* TCPRTT_BY_*: one histogram per address */
	__u8 extended;		/* -e: the average too (user space only) */
	__u8 pad;
};

enum { TCPRTT_BY_NONE, TCPRTT_BY_LADDR, TCPRTT_BY_RADDR };

/* A histogram's key: the address it is for (all zero without -b/-B). */
struct tcprtt_key {
	__u16 family;
	__u16 pad;
	__u8 addr[16];
};

struct tcprtt_hist {
	__u64 sum;		/* of the smoothed RTTs counted, in the unit */
	__u64 count;
	__u32 slots[TCPRTT_SLOTS];
	__u32 pad;
};

#endif
