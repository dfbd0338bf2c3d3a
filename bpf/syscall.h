/* SPDX-License-Identifier: GPL-2.0 */
/* The syscall tracer: records shared by bpf/syscall.bpf.c and the engine. */
#ifndef BULWARK_SYSCALL_H
#define BULWARK_SYSCALL_H

#define SCT_IDS		(3 * 1024)	/* arch * 1024 + (nr & 1023) */
#define SCT_X32_BIT	0x40000000u

struct sct_event {
	__u64 ts;		/* CLOCK_BOOTTIME, ns */
	__u64 start;		/* process start and self_exec_id: the exec id */
	__u64 exec_seq;
	__u64 id;		/* (arch << 32) | number, as bpf/events.h */
	__u64 cgroup_id;
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 first;		/* counting mode: first use by this process */
	__u32 pad;
	char comm[16];
};

struct sct_seen_key {
	__u32 tgid;
	__u32 pad;
	__u64 id;
};

#endif
