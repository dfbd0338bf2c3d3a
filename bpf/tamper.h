/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tamper protection (`protect = yes`): what the kernel side and the engine
 * share.  The state names the engine by tgid; the engine rewrites it when
 * it starts (or adopts a pinned state), so no other process is ever it.
 */
#ifndef BULWARK_TAMPER_H
#define BULWARK_TAMPER_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define BW_PROT_HASH_LEN	24	/* a policy hash (compile.h's 17) padded */
#define BW_PROT_NAME_LEN	64
#define BW_PROT_IDS_MAX		512
#define BW_PROT_PIN_DIR		"bulwark"	/* at the root of a bpffs */
#define BW_PROT_STATE_NAME	"protect_state"	/* the state's pin in it */
#define BW_PROT_READABLE	2	/* prot_ids value: read-only fds allowed */

enum bw_prot_flag {
	BW_PROT_ON	= 1,	/* deny tampering */
	BW_PROT_LOCK	= 2,	/* the policy of locked_hash stays until reboot */
};

/* The one entry of prot_state; pinned, so that a lock outlives the engine. */
struct bw_prot_state {
	__u32 engine_tgid;	/* 0: no engine (it exited) */
	__u32 flags;		/* enum bw_prot_flag */
	__u64 log_ino;		/* the audit log the engine writes, 0: none */
	__u32 log_dev;		/* its device, in the kernel's encoding */
	__u32 lock_pid;		/* the engine that set the lock */
	char locked_hash[BW_PROT_HASH_LEN];
};

/* Kinds of object in prot_ids: key (kind << 32) | id. */
enum bw_prot_kind { BW_PROT_PROG = 1, BW_PROT_MAP, BW_PROT_LINK };

/* What was attempted. */
enum bw_tamper_what {
	BW_TAMPER_SIGNAL = 1,	/* arg: signal; target: pid of the thread */
	BW_TAMPER_SIGIO,	/* arg: signal (0: SIGIO); target: pid */
	BW_TAMPER_PTRACE,	/* arg: PTRACE_MODE_* bits; target: pid */
	BW_TAMPER_BPF,		/* arg: bpf command; target: object id or pid */
	BW_TAMPER_BPF_MAP,	/* an fd to a map; target: map id */
	BW_TAMPER_BPF_PROG,	/* an fd to a program; target: program id */
	BW_TAMPER_UNLINK,	/* name: the entry */
	BW_TAMPER_RMDIR,
	BW_TAMPER_RENAME,
	BW_TAMPER_UMOUNT,	/* of a bpffs */
	BW_TAMPER_OPEN,		/* the log, for writing or truncating */
	BW_TAMPER_TRUNCATE,	/* the log */
};

/* One tamper record from the kernel. */
struct bw_tamper {
	__u64 ts;		/* CLOCK_BOOTTIME ns */
	__u32 pid, tgid, uid;
	__u32 what;		/* enum bw_tamper_what */
	__u32 arg;
	__u32 target;
	__u64 ino;		/* the file's inode, for file operations */
	char comm[16];
	char name[BW_PROT_NAME_LEN];	/* entry name, or bpf path */
};

#endif
