/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers every BPF object of bulwark shares. */
#ifndef BULWARK_COMMON_BPF_H
#define BULWARK_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define BW_TS_COMPAT	0x0002		/* thread_info.status: a 32-bit syscall */
#define BW_X32_BIT	0x40000000u

/*
 * Canonical id of syscall `nr` made by t: (arch << 32) | nr, arch 0 for
 * x86_64, 1 for i386 (int $0x80, sysenter), 2 for x32 (numbers keep
 * their x32 bit).  The engine's syscalls.h uses the same encoding.
 */
static __always_inline __u64 bw_syscall_id(struct task_struct *t, long nr)
{
	__u64 arch = 0;

	if (BPF_CORE_READ(t, thread_info.status) & BW_TS_COMPAT)
		arch = 1;
	else if (nr & BW_X32_BIT)
		arch = 2;
	return (arch << 32) | (__u32)nr;
}

/*
 * Are the strings in a and b (n bytes each, NUL-terminated or full) equal?
 * b may be read-only data the loader filled in (a filter's comm or id).
 */
static __always_inline bool bw_strn_eq(const char *a, const volatile char *b, int n)
{
	for (int i = 0; i < n; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			break;
	}
	return true;
}

#endif
