/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state bulwark's LSM programs share: the globals the engine sets,
 * the policy maps (docs/design.md), the process table, the record ring
 * and the per-CPU scratch area a decision is built in.  The maps are
 * bulwark.bpf.c's: only that object includes this (via policy.bpf.h).
 */
#ifndef BULWARK_MAPS_BPF_H
#define BULWARK_MAPS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "events.h"
#include "common.bpf.h"
#include "container.bpf.h"
#include "ident.bpf.h"

#define EPERM		1
#define MS_REMOUNT	32
#define MS_BIND		4096
#define MS_MOVE		8192
#define SHM_RDONLY	010000
#define SI_USER		0
#define SI_QUEUE	-1
#define SI_TKILL	-6

/* Generation of the live policy; 0 = none.  Written by the engine with a
 * single aligned 64-bit store, which is what makes a policy switch atomic. */
volatile __u64 active_gen;
/* tgid of the engine, so its own activity is never decided on; written
 * after load (a daemon adopting pinned programs writes its own). */
volatile __u32 engine_tgid;
/* LSM programs are live: syscall denies in guarded calls are theirs. */
const volatile __u32 lsm_enforcing;
/* [log] repeat, ns: the same decision of the same process image again
 * within it of its last record is counted, not written (fold()).  0: off,
 * and the verifier drops the fold as dead code. */
const volatile __u64 fold_ns;
/* Shared scratch slots a decision may claim (scratch_claim()), and how
 * long an LSM hook waits for one when all are held (scratch_wait()), ns:
 * other values only in tests (BW_SCRATCH_SLOTS, BW_SCRATCH_WAIT_MS in the
 * engine's environment). */
const volatile __u32 scratch_slots = BW_SCRATCH_SLOTS;
const volatile __u64 scratch_wait_ns = BW_SCRATCH_WAIT_MS * 1000000ULL;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, BW_NUM_ENTRIES);
	__type(key, struct bw_num_key);
	__type(value, struct bw_bitmap);
} num_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, BW_STR_ENTRIES);
	__type(key, struct bw_str_key);
	__type(value, struct bw_bitmap);
} str_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, BW_PATH_ENTRIES);
	__type(key, struct bw_path_key);
	__type(value, struct bw_bitmap);
} path_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BW_DEF_ENTRIES);
	__type(key, __u32);
	__type(value, struct bw_bitmap);
} def_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BW_RULE_ENTRIES);
	__type(key, __u32);
	__type(value, struct bw_rule_info);
} rule_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BW_SLOTS * BW_NCLASS);
	__type(key, __u32);
	__type(value, struct bw_class_meta);
} meta_map SEC(".maps");

/* Per (slot, arch, number): BW_SC_RULES and BW_SC_GUARD bits. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BW_SC_ENTRIES);
	__type(key, __u32);
	__type(value, __u32);
} sc_map SEC(".maps");

/* Executable of every process, by tgid (struct bw_proc, events.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct bw_proc);
} proc_map SEC(".maps");

/* Entries of proc_map whose image is over, by (tgid, exec_seq), least
 * recently used out (struct bw_proc_key, events.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, BW_PROC_GONE);
	__type(key, struct bw_proc_key);
	__type(value, struct bw_proc);
} proc_gone SEC(".maps");

/* Container of each cgroup (ids are never reused), by cgroup id. */
struct ctr_slot {
	char id[BW_CONTAINER_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct ctr_slot);
} ctr_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

/* [log] repeat: decisions folded per key (struct bw_fold_key, events.h).
 * A plain hash: when it is full a decision is written whole, never
 * dropped; bw_fold_flush removes the keys idle for two windows. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BW_FOLD_ENTRIES);
	__type(key, struct bw_fold_key);
	__type(value, struct bw_fold);
} fold_map SEC(".maps");

/* Records that could not be written to the ring buffer, per class. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BW_LOST_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} lost_map SEC(".maps");

#define PW_SIZE		4096	/* PATH_MAX: the longest path resolved */
#define PW_STEPS	8192	/* components, mount crossings, mount lookups */
#define PW_SB_MOUNTS	256	/* mounts of a superblock examined */

/*
 * Scratch slots per CPU.  A decision claims a free one (scratch_claim())
 * and gives it back at its end: an LSM program runs with migration, not
 * preemption, disabled, so under full preemption (preempt=full) another
 * task's decision, or a hook in interrupt context, can start on the same
 * CPU while one is half made.  Who claims (docs/design.md, "Scratch slots"):
 *   SK_LSM     an LSM hook: one of the BW_SCRATCH_SLOTS shared slots,
 *              waiting for one while all are held (scratch_wait());
 *   SK_ATOMIC  a tracepoint program, run with preemption disabled, which
 *              cannot wait: its own two slots first, then a shared one;
 *   SK_SIGIO   file_send_sigiotask, also run in interrupt context: its own
 *              slot first, then a shared one, waiting as an LSM hook does.
 * With none, begin() gives none: an enforcing class refuses.
 */
#define SK_LSM		0
#define SK_ATOMIC	1
#define SK_SIGIO	2
#define SCRATCH_ATOMIC	BW_SCRATCH_SLOTS
#define SCRATCH_SIGIO	(BW_SCRATCH_SLOTS + 2)
#define SCRATCH_ALL	(BW_SCRATCH_SLOTS + 3)

/* Subject values already read for this decision (scratch.have). */
#define HAVE_COMM	1
#define HAVE_EXE	2
#define HAVE_PCOMM	4
#define HAVE_CONTAINER	8
#define HAVE_PATH	16	/* exec: the file's path (lazy_file) */
#define HAVE_OBJ_UID	32	/* the signal target's uid, the IPC owner */
#define HAVE_OBJ_REST	64	/* the rest of lazy_obj's fields */
#define HAVE_SKEY_COMM	128	/* skey.s holds the subject's comm */

struct scratch {
	struct bw_bitmap acc;
	struct bw_event ev;
	struct bw_path_key pkey;
	struct bw_str_key skey;
	struct bw_fold_key fkey;
	struct bw_proc proc;
	struct file *lazy_file;	/* exec: resolved only if a rule or record needs it */
	__u64 lazy_obj;		/* signal: the target task; ipc: its kern_ipc_perm */
	__u64 busy;		/* held by a decision (scratch_claim()) */
	__u32 have;		/* HAVE_* */
	__u32 nw;		/* bitmap words in use: (rules of the class + 63) / 64 */
	__u32 dim_mask;		/* the class's: dimensions some rule constrains */
	__u32 mode;		/* the class's: enum bw_mode */
	__u32 fresh;		/* acc not ANDed yet: the first AND copies */
	__u32 key;		/* this scratch's slot, 0 to SCRATCH_ALL - 1 */
	__u32 defer;		/* classify()'s first pass: see put_off() */
	__u32 deferred;		/* dimensions put off to the second pass */
	__u32 walk_private;	/* path_walk(): crossed a user's own mount
				 * namespace (kept here, not in the walk's
				 * state, which the verifier would follow) */
	__u32 pad;
	char buf[PW_SIZE + 256];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SCRATCH_ALL);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

/* Inode number of the initial mount namespace (of PID 1), set by the
 * engine; paths are resolved as seen from there.  0: as the mount seen. */
const volatile __u32 host_mntns;

#endif
