/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io_uring's operations that do what a syscall does without making it,
 * shared by the BPF side (which decides them where they are submitted as
 * the syscall they stand for) and the engine (a seccomp filter never sees
 * them, so `bulwark exec` closes io_uring_setup for a denied one).  The
 * operation numbers are uapi (include/uapi/linux/io_uring.h); the value is
 * the x86_64 number of the syscall, 0 for none.
 */
#ifndef BULWARK_URING_H
#define BULWARK_URING_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define BW_URING_NOPS 64

static const __u16 bw_uring_syscall[BW_URING_NOPS] = {
	[1] = 19, [2] = 20, [3] = 74, [4] = 17, [5] = 18, [6] = 7,
	[8] = 277, [9] = 46, [10] = 47, [13] = 288, [16] = 42, [17] = 285,
	[18] = 257, [19] = 3, [21] = 332, [23] = 1, [24] = 221,
	[25] = 28, [26] = 44, [27] = 45, [28] = 437, [29] = 233, [30] = 275,
	[33] = 276, [34] = 48, [35] = 316, [36] = 263, [37] = 258, [38] = 266,
	[39] = 265, [41] = 190, [42] = 188, [43] = 193, [44] = 191, [45] = 41,
	[47] = 44, [48] = 46, [50] = 247, [51] = 202, [52] = 202,
	[53] = 449, [55] = 77, [56] = 49, [57] = 50, [58] = 45, [59] = 232,
	[60] = 295, [61] = 296, [62] = 293,
};

/* The two that stand for read(2), whose number is 0. */
#define BW_URING_READ		22
#define BW_URING_READ_MULTISHOT	49

/* x86_64 number of the syscall operation op stands for; -1 for none. */
static inline int bw_uring_call(unsigned int op)
{
	if (op >= BW_URING_NOPS)
		return -1;
	if (bw_uring_syscall[op])
		return bw_uring_syscall[op];
	return op == BW_URING_READ || op == BW_URING_READ_MULTISHOT ? 0 : -1;
}

#endif
