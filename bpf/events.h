/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared between the BPF programs and the engine: event records sent
 * through the ring buffer and the layout of the policy maps.  Fixed-width
 * types only, no pointers, explicit padding; sizes are checked below.
 */
#ifndef BULWARK_EVENTS_H
#define BULWARK_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#include "trace.h"		/* struct tr_ident: one identity for every record */

#define BW_COMM_LEN		16
#define BW_PATH_LEN		252	/* LPM trie data is at most 256 bytes */
#define BW_CONTAINER_LEN	16	/* 12-character short id + NUL, padded */
#define BW_MAX_RULES		4096	/* per event class */
#define BW_BITMAP_WORDS		(BW_MAX_RULES / 64)
#define BW_CGROUP_LEVELS	16	/* cgroup ancestors examined per decision */

/*
 * Event classes, described once: one row per class,
 *
 *   X(NAME, name, union member, record struct)
 *
 * NAME makes BW_CLASS_NAME, numbered in the table's order from 0: the
 * numbers are in map keys and records, so a new class goes at the end.
 * The name is the rule's `event = ` and the log's key; the class's part
 * of struct bw_event is `struct bw_ev_<record struct> <union member>`.
 * From this table come the enum, the union, the class names
 * (engine/rules.c) and the records' sizes (bw_class_size(), event_size()).
 */
#define BW_CLASSES(X)							\
	X(CAPABLE, "capable", cap, capable)				\
	X(IPC, "ipc", ipc, ipc)						\
	X(MOUNT, "mount", mnt, mount)					\
	X(SIGNAL, "signal", sig, signal)				\
	X(EXEC, "exec", exec, exec)					\
	X(SYSCALL, "syscall", sc, syscall)

#define BW_CLASS_ENUM_(name, str, m, st) BW_CLASS_##name,
enum bw_class {
	BW_CLASSES(BW_CLASS_ENUM_)
	BW_NCLASS,
};
#undef BW_CLASS_ENUM_
/* the "class" of the subject's dimensions, which every class has */
#define BW_CLASS_SUBJECT (-1)

enum bw_action {
	BW_ACT_NONE = 0,
	BW_ACT_ALLOW,
	BW_ACT_AUDIT,
	BW_ACT_DENY,
	BW_ACT_KILL,		/* syscall rules only */
};

enum bw_decision {
	BW_DEC_ALLOW = 0,
	BW_DEC_AUDIT,
	BW_DEC_DENY,
	BW_DEC_WOULD_DENY,
	BW_DEC_KILL,		/* the caller got SIGKILL */
	BW_DEC_WOULD_KILL,
};

/*
 * How a syscall decision was carried out.  Only LSM methods prevent the
 * call; a kill at syscall entry stops the process but the call still runs.
 */
enum bw_method {
	BW_METH_NONE = 0,
	BW_METH_LSM,		/* denied in an LSM hook that guards the call */
	BW_METH_LSM_KILL,	/* denied there, and the caller killed */
	BW_METH_ENTRY_KILL,	/* SIGKILL at sys_enter: contains, does not prevent */
	BW_METH_AUDIT,		/* logged only */
};

/*
 * Match dimensions, described once: one row per dimension,
 *
 *   X(NAME, rule key, class, kind, value type, `!` allowed, record field)
 *
 * NAME makes BW_DIM_NAME; the class is the BW_CLASS_* the key belongs to,
 * or SUBJECT (every class); the kind is the value map (NUM, STR, PATH;
 * cgroups are entered by id in the number map); the value type is how
 * the rule parser reads a value (engine/rules.c, V_*); the record field
 * is the JSON path in a decision record that carries the value the
 * kernel classified on (engine/log.c writes it, `bulwark replay` reads
 * it back; cgroup has none: records carry the cgroup id, not its path).
 * From this table come the enum, bw_dim_kind(), the rule parser's keys
 * and replay's reader; classify() in bpf/policy.bpf.h stays written by
 * hand for the verifier, and a unit test checks it against the table.
 */
#define BW_DIMENSIONS(X)							\
	X(COMM, "comm", SUBJECT, STR, NAME, 1, "subject.comm")			\
	X(EXE, "exe", SUBJECT, PATH, PATH, 1, "subject.exe")			\
	X(UID, "uid", SUBJECT, NUM, UID, 1, "subject.uid")			\
	X(GID, "gid", SUBJECT, NUM, GID, 1, "subject.gid")			\
	X(PCOMM, "parent_comm", SUBJECT, STR, NAME, 1, "subject.parent_comm")	\
	X(CGROUP, "cgroup", SUBJECT, NUM, CGROUP, 1, NULL)			\
	X(CONTAINER, "container", SUBJECT, STR, CONTAINER, 0, "subject.container") \
	X(CAP, "capability", CAPABLE, NUM, CAP, 1, "capable.cap")		\
	X(IPC_KIND, "ipc_kind", IPC, NUM, IPC_KIND, 0, "ipc.kind")		\
	X(IPC_ACCESS, "access", IPC, NUM, IPC_ACCESS, 0, "ipc.access")		\
	X(IPC_OWNER, "owner_uid", IPC, NUM, UID, 1, "ipc.owner_uid")		\
	X(MNT_OP, "operation", MOUNT, NUM, MOUNT_OP, 0, "mount.op")		\
	X(MNT_FSTYPE, "fstype", MOUNT, STR, NAME, 1, "mount.fstype")		\
	X(MNT_SOURCE, "source", MOUNT, PATH, SOURCE, 1, "mount.source")		\
	X(MNT_TARGET, "target", MOUNT, PATH, PATH, 1, "mount.target")		\
	X(SIG, "signal", SIGNAL, NUM, SIGNAL, 1, "signal.sig")			\
	X(SIG_TCOMM, "target_comm", SIGNAL, STR, NAME, 1, "signal.target_comm")	\
	X(SIG_TUID, "target_uid", SIGNAL, NUM, UID, 1, "signal.target_uid")	\
	X(SIG_SAMEUSER, "same_user", SIGNAL, NUM, YESNO, 0, "signal.same_user")	\
	X(EXEC_PATH, "path", EXEC, PATH, PATH, 1, "exec.path")			\
	X(SYSCALL, "syscall", SYSCALL, NUM, SYSCALL, 1, "syscall.nr")

#define BW_DIM_ENUM_(name, key, cls, kind, vt, neg, field) BW_DIM_##name,
enum bw_dim {
	BW_DIMENSIONS(BW_DIM_ENUM_)
	BW_NDIM,
};
#undef BW_DIM_ENUM_

enum bw_dim_kind { BW_KIND_NUM = 0, BW_KIND_STR, BW_KIND_PATH };

static inline int bw_dim_kind(int dim)
{
#define BW_DIM_KIND_(name, key, cls, kind, vt, neg, field) \
	case BW_DIM_##name: return BW_KIND_##kind;
	switch (dim) {
	BW_DIMENSIONS(BW_DIM_KIND_)
	default:
		return BW_KIND_NUM;
	}
#undef BW_DIM_KIND_
}

enum bw_ipc_kind {
	BW_IPC_UNKNOWN = 0,
	BW_IPC_SHM,
	BW_IPC_MSG,
	BW_IPC_SEM,
};

#define BW_IPC_READ	1
#define BW_IPC_WRITE	2

enum bw_mount_op {
	BW_MNT_MOUNT = 1,
	BW_MNT_UMOUNT,
	BW_MNT_REMOUNT,
	BW_MNT_MOVE,
	BW_MNT_BIND,
	BW_MNT_PIVOT_ROOT,
};

/* The call a mount decision was made for (the hook that saw it). */
enum bw_mount_via {
	BW_MVIA_MOUNT = 0,	/* mount(2): sb_mount */
	BW_MVIA_MOVE_MOUNT,	/* move_mount(2) */
	BW_MVIA_UMOUNT,		/* umount2(2): sb_umount */
	BW_MVIA_PIVOT_ROOT,	/* pivot_root(2): sb_pivotroot */
	BW_MVIA_MOUNT_SETATTR,	/* mount_setattr(2), at its CAP_SYS_ADMIN check */
	BW_MVIA_FSCONFIG,	/* fsconfig(FSCONFIG_CMD_RECONFIGURE): sb_remount */
};

/* How an exec decision was reached: running the file or mapping it. */
enum bw_exec_op {
	BW_EXEC_EXEC = 0,	/* execve/execveat: bprm_check_security */
	BW_EXEC_MMAP,		/* mmap with PROT_EXEC (the loader, dlopen) */
	BW_EXEC_MPROTECT,	/* mprotect adding PROT_EXEC to a file mapping */
};

/* How a signal decision was reached. */
enum bw_signal_via {
	BW_SVIA_KILL = 0,	/* kill, tkill, tgkill, sigqueue, pidfd: task_kill */
	BW_SVIA_SIGIO,		/* F_SETOWN/F_SETSIG delivery: file_send_sigiotask */
};

/*
 * What is known of a path value (bw_event.pflags, one byte per path slot).
 * A path longer than the record holds keeps its first BW_PATH_LEN - 1
 * bytes: every rule value fits in those, so the decision stays exact.  A
 * path the kernel side could not resolve at all decides closed: it matches
 * every rule on that key except allow rules and negated (`!`) exceptions.
 */
#define BW_PF_CUT		1	/* longer than the record: head kept */
#define BW_PF_UNRESOLVED	2	/* unknown: decided closed */
/*
 * Named as a mount namespace of a user namespace other than the initial
 * one sees it (a filesystem mounted only there): a name its user chose,
 * which meets deny and audit rules by value but no allow rule and no
 * negated (`!`) exception, and every rule naming `private:`.
 */
#define BW_PF_PRIVATE		4
/* exe only: mm->exe_file now names another file than the one the image
 * exec'd (prctl(PR_SET_MM_MAP)); exe stays the one exec'd */
#define BW_PF_REPLACED		8

enum bw_path_slot {
	BW_PS_EXE = 0,		/* subject exe */
	BW_PS_PATH,		/* exec path, mount target */
	BW_PS_SOURCE,		/* mount source */
	BW_NPS,
};

static inline int bw_path_slot(int dim)
{
	switch (dim) {
	case BW_DIM_EXE:
		return BW_PS_EXE;
	case BW_DIM_MNT_SOURCE:
		return BW_PS_SOURCE;
	default:
		return BW_PS_PATH;
	}
}

/* ---- policy maps ---- */

/* Policy slots: generation g lives in slot g & 1. */
#define BW_SLOTS 2

struct bw_bitmap {
	__u64 w[BW_BITMAP_WORDS];
};

struct bw_num_key {
	__u8 slot;
	__u8 cls;
	__u8 dim;
	__u8 pad[5];
	__u64 val;
};

struct bw_str_key {
	__u8 slot;
	__u8 cls;
	__u8 dim;
	__u8 pad;
	char s[BW_COMM_LEN];
};

/* LPM trie key: prefixlen counts bits from slot onwards. */
struct bw_path_key {
	__u32 prefixlen;
	__u8 slot;
	__u8 cls;
	__u8 dim;
	__u8 pad;
	char path[BW_PATH_LEN];
};
#define BW_PATH_KEY_HDR_BITS 32

/* Per (slot, class) header. */
struct bw_class_meta {
	__u32 nrules;
	__u32 dim_mask;		/* dimensions some rule of this class constrains */
	__u64 fast_mask;	/* capable: capabilities that have any rule;
				 * syscall: bit 0 = some rule matches calls it
				 * does not name (negated or no syscall key) */
	__u32 mode;		/* enum bw_mode */
	/*
	 * The subject's exit before the scratch area: bit S of subj_cover
	 * (S a set of BW_SUBJ_* dimensions) is set when the default bitmaps
	 * of S's dimensions AND to nothing, so that a caller whose values in
	 * every dimension of S no rule names matches no rule.  subj_read: the
	 * dimensions some set bit needs (the others never decide it).
	 */
	__u8 subj_cover;
	__u8 subj_read;
	__u16 pad;
};

#define BW_SUBJ_UID	1
#define BW_SUBJ_GID	2
#define BW_SUBJ_COMM	4

enum bw_mode { BW_MODE_ENFORCE = 0, BW_MODE_AUDIT };

struct bw_rule_info {
	__u8 action;		/* enum bw_action */
	__u8 log;		/* emit a record when this rule decides */
	__u16 pad;
	__s32 err_no;		/* syscall deny: the errno returned */
};

/*
 * Syscall filter, per (slot, arch, number): BW_SC_RULES when some rule of
 * the policy names the call; BW_SC_GUARD(h) when LSM hook h runs on every
 * call of it, so that a deny there prevents the call.
 */
#define BW_SC_ARCHES		3
#define BW_SC_NRS		1024
#define BW_SC_ENTRIES		(BW_SLOTS * BW_SC_ARCHES * BW_SC_NRS)
#define bw_sc_index(slot, arch, nr) \
	(((slot) * BW_SC_ARCHES + (arch)) * BW_SC_NRS + ((nr) & (BW_SC_NRS - 1)))
#define BW_SC_RULES		(1u << 0)
#define BW_SC_GUARD(h)		(1u << (1 + (h)))
#define BW_SC_X32_BIT		0x40000000u

/* LSM hooks that guard syscalls (bit numbers of BW_SC_GUARD). */
enum bw_guard {
	BW_GUARD_CHROOT = 0,		/* path_chroot: chroot */
	BW_GUARD_SOCKET,		/* socket_create: socket, socketpair */
	BW_GUARD_PERF,			/* perf_event_open */
	BW_GUARD_MODULE,		/* kernel_load_data/kernel_read_file: init/finit_module */
	BW_GUARD_MOUNT,			/* sb_mount, sb_umount, move_mount, sb_pivotroot */
	BW_GUARD_SYSLOG,		/* syslog */
	BW_GUARD_SETTIME,		/* settime: settimeofday, clock_settime */
	BW_NGUARD,
};

/*
 * Index helpers for the array maps.  The defaults array holds, per
 * (slot, class), one bitmap per dimension: the rules that accept a value
 * no rule names.  Two extra entries follow the dimensions.
 */
#define BW_DEF_DECISIVE	BW_NDIM		/* rules whose action is allow or deny */
#define BW_DEF_ALL	(BW_NDIM + 1)	/* every rule of the class */
/* per path slot: the rules an unresolved path matches (BW_PF_UNRESOLVED) */
#define BW_DEF_UNRESOLVED(ps) (BW_NDIM + 2 + (ps))
/* per path slot: the rules a private path (BW_PF_PRIVATE) meets whatever
 * its name: those naming "private:", and those on the key that are not
 * allow rules and have a negated value, as the exception does not apply */
#define BW_DEF_PRIVATE(ps) (BW_NDIM + 2 + BW_NPS + (ps))
/* the rules a private container (BW_CTR_PRIVATE_BYTE) meets: those without
 * the key, and the container rules that are not allow rules and say any
 * or none: such a container may be none, and is not one an allow rule
 * names */
#define BW_DEF_CTR_PRIVATE (BW_NDIM + 2 + 2 * BW_NPS)
/*
 * per number or name dimension: a one-hash filter of the values its value
 * map holds (bit bw_filter_*() of the value set when an entry may exist):
 * a clear bit sends the hook to the default bitmap without the hash map
 * lookup, which is most of a decision's cost when no rule names the
 * subject.  Cgroup ids are resolved when the maps are written, so the
 * engine sets the cgroup filter's bits then; paths (prefix matches in a
 * trie) have none.
 */
#define BW_DEF_FILTER(d) (BW_NDIM + 3 + 2 * BW_NPS + (d))
#define BW_DEF_PER_CLASS (2 * BW_NDIM + 3 + 2 * BW_NPS)
#define BW_DEF_ENTRIES	(BW_SLOTS * BW_NCLASS * BW_DEF_PER_CLASS)
#define bw_def_index(slot, cls, d) \
	(((slot) * BW_NCLASS + (cls)) * BW_DEF_PER_CLASS + (d))
#define BW_RULE_ENTRIES	(BW_SLOTS * BW_NCLASS * BW_MAX_RULES)
#define bw_rule_index(slot, cls, i) \
	(((slot) * BW_NCLASS + (cls)) * BW_MAX_RULES + (i))
#define bw_meta_index(slot, cls) ((slot) * BW_NCLASS + (cls))

/* The filter's bits are a struct bw_bitmap's: 2^BW_FILTER_SHIFT. */
#define BW_FILTER_SHIFT	12

/* Fibonacci hashing: the top bits of the product mix every input bit. */
static inline __u32 bw_filter_mix(__u64 v)
{
	return (__u32)((v * 0x9e3779b97f4a7c15ULL) >> (64 - BW_FILTER_SHIFT));
}

static inline __u32 bw_filter_num(__u64 v)
{
	return bw_filter_mix(v);
}

/* Of a name as the str map's key holds it: BW_COMM_LEN bytes, NUL-padded. */
static inline __u32 bw_filter_str(const __u32 w[BW_COMM_LEN / 4])
{
	__u64 lo = w[0] | (__u64)w[1] << 32, hi = w[2] | (__u64)w[3] << 32;

	return bw_filter_mix(lo ^ (hi * 0xc2b2ae3d27d4eb4fULL));
}

/* Capacities of the value maps (entries over both slots). */
#define BW_NUM_ENTRIES	65536
#define BW_STR_ENTRIES	32768
#define BW_PATH_ENTRIES	32768

/* ---- records ---- */

enum bw_rec_type {
	BW_REC_DECISION = 1,
	BW_REC_REPEAT,		/* struct bw_repeat: folded decisions, summed */
};

#define BW_F_ENFORCED	(1u << 0)	/* decided in an LSM hook */
#define BW_F_NOAUDIT	(1u << 1)	/* capable with CAP_OPT_NOAUDIT */
#define BW_F_EXE_KNOWN	(1u << 2)
#define BW_F_URING	(1u << 3)	/* syscall: an io_uring operation */

#define BW_NO_RULE	0xffffffffu

/*
 * Who made the request: the identity the tracers' records carry (filled by
 * the same function, bpf/ident.bpf.h, and written by the same JSON code),
 * and what only decisions need.
 */
struct bw_subject {
	struct tr_ident id;	/* pid is the tgid, tid the thread */
	__u32 euid;
	__u32 pad;
	char pcomm[BW_COMM_LEN];
	char container[BW_CONTAINER_LEN];
	char exe[BW_PATH_LEN];
	__u32 pad2;
};

struct bw_ev_capable {
	__u32 cap;
	__u32 opts;
};

struct bw_ev_ipc {
	__u32 kind;
	__u32 access;
	__u32 uid;
	__u32 gid;
	__u32 cuid;
	__u32 cgid;
	__s32 key;
	__u32 id;
	__u32 mode;
	__u32 pad;
};

struct bw_ev_mount {
	__u32 op;
	__u32 via;		/* enum bw_mount_via */
	__u64 flags;
	char fstype[BW_COMM_LEN];
	char source[BW_PATH_LEN];
	char target[BW_PATH_LEN];
	__u64 pad2;
};

struct bw_ev_signal {
	__u32 sig;
	__u32 target_pid;
	__u32 target_uid;
	__u32 same_user;
	char target_comm[BW_COMM_LEN];
	__u32 via;		/* enum bw_signal_via */
	__u32 pad;
};

struct bw_ev_exec {
	char path[BW_PATH_LEN];
	__u32 op;		/* enum bw_exec_op */
	struct tr_argv argv;	/* op exec: the command line; sent up to its size */
};

struct bw_ev_syscall {
	__u64 id;		/* (arch << 32) | number */
	__u32 method;		/* enum bw_method */
	__s32 err_no;
};

#define BW_ANCESTORS	8

/*
 * A process above the subject: parent, grandparent, ...  Its exe is not
 * copied into every record: the engine looks it up in the process table
 * (proc_map) by pid and checks it belongs to this exec id.
 */
struct bw_ancestor {
	__u32 pid;
	__u32 exec_seq;
	__u64 start;
	char comm[BW_COMM_LEN];
};

struct bw_event {
	__u32 type;		/* enum bw_rec_type */
	__u32 cls;		/* enum bw_class */
	__u64 ts;		/* CLOCK_BOOTTIME, ns */
	__u64 generation;
	__u32 decision;		/* enum bw_decision */
	__u32 rule;		/* index in the class, or BW_NO_RULE */
	__u32 audit_rule;	/* first matching audit rule before it */
	__u32 flags;		/* BW_F_* */
	__s32 ret;		/* value returned to the kernel */
	__u8 pflags[BW_NPS];	/* BW_PF_* of each path slot */
	__u8 pad;
	/* [log] repeat: the same decisions of the same process image folded
	 * into no record of their own since its previous record, and the
	 * first and last of them (boot ns; 0 when none) */
	__u64 folded;
	__u64 fold_first;
	__u64 fold_last;
	struct bw_subject subj;
	__u32 nanc;		/* ancestors filled in, decision records */
	__u32 pad3;
	struct bw_ancestor anc[BW_ANCESTORS];
	union {
#define BW_CLASS_MEMBER_(name, str, m, st) struct bw_ev_##st m;
		BW_CLASSES(BW_CLASS_MEMBER_)
#undef BW_CLASS_MEMBER_
	};
};

/*
 * Process table entry (proc_map, by tgid): the path of mm->exe_file,
 * resolved when the process exec'd (or at its first decision), with the
 * file it was resolved from, so that a changed exe_file is seen, and the
 * exec id it belongs to, so that the engine can name ancestors' exes.
 */
/* exec_seq of an entry the engine seeded from /proc at start: its exe is
 * only shown for ancestors, never decided on (file is 0) */
#define BW_PROC_SEEDED	0xffffffffu

/* An image no record can name as an ancestor yet: one that fork made for a
 * child and that has had no child of its own since.  Its entry is not kept
 * in proc_gone when it ends.  Every other entry (seeded, resolved by a hook,
 * a parent's) may be named and is kept. */
#define BW_PROC_LEAF	1

struct bw_proc {
	__u64 file;		/* struct file * the path belongs to */
	__u64 start;		/* exec id: process start and */
	__u32 exec_seq;		/* self_exec_id when resolved */
	__u8 pflags;		/* BW_PF_* of exe */
	__u8 flags;		/* BW_PROC_* */
	__u8 pad[2];
	char exe[BW_PATH_LEN];
	__u32 ptgid;		/* the parent fork cleared the leaf mark of */
};

/*
 * Key of proc_gone: the entries of exec images that are over (the process
 * exited or exec'd again), kept a while so that the engine can still name
 * them as ancestors in records it reads after they ended.
 */
struct bw_proc_key {
	__u32 pid;		/* tgid */
	__u32 exec_seq;		/* as in its struct bw_proc */
};

#define BW_PROC_GONE	4096

/* Size of a record of the class whose part of the union is m: records
 * are sent only that long (decision records are at least BW_EVENT_MIN). */
#define BW_EVENT_SIZE(m) \
	(__builtin_offsetof(struct bw_event, m) + sizeof(((struct bw_event *)0)->m))
#define BW_EVENT_MIN	BW_EVENT_SIZE(cap)
/* An exec record without its command line's bytes. */
#define BW_EVENT_EXEC_SIZE __builtin_offsetof(struct bw_event, exec.argv.args)

/* Size of a record of class cls: its part of the union is the last
 * (exec: with the whole of its command line's buffer); the whole event
 * for a number that is no class. */
static inline __u32 bw_class_size(__u32 cls)
{
#define BW_CLASS_SIZE_(name, str, m, st) \
	case BW_CLASS_##name: return BW_EVENT_SIZE(m);
	switch (cls) {
	BW_CLASSES(BW_CLASS_SIZE_)
	default:
		return sizeof(struct bw_event);
	}
#undef BW_CLASS_SIZE_
}

/*
 * [log] repeat: a decision that a record of the same key started a window
 * for less than the repeat ago is counted in the key's entry instead of
 * being written (bpf/policy.bpf.h, fold()).  The key is what the hook has
 * in hand once the rule is chosen: no path or object is in it.
 */
struct bw_fold_key {
	__u64 generation;
	__u64 start;		/* exec id: process start and */
	__u32 exec_seq;		/* self_exec_id */
	__u32 pid;		/* tgid */
	__u32 cls;
	__u32 rule;
	__u32 audit_rule;
	__u32 decision;
};

struct bw_fold {
	__u64 win;		/* the window's start: its last full record */
	__u64 count;		/* folded since then, not yet in a record */
	__u64 first;		/* first and last of them, boot ns */
	__u64 last;
	char comm[BW_COMM_LEN];
};

#define BW_FOLD_ENTRIES	4096

/*
 * The summary of a key whose window ended with decisions folded and no
 * later decision to carry their count (bw_fold_flush, run by the engine
 * about once a second and at stop).
 */
struct bw_repeat {
	__u32 type;		/* BW_REC_REPEAT */
	__u32 cls;
	__u64 ts;		/* when summed, boot ns */
	__u64 generation;
	__u32 decision;
	__u32 rule;
	__u32 audit_rule;
	__u32 pid;
	__u64 start;
	__u32 exec_seq;
	__u32 pad;
	__u64 count;
	__u64 first;
	__u64 last;
	char comm[BW_COMM_LEN];
};

/* bw_fold_flush's context, in and out (BPF_PROG_TEST_RUN). */
struct bw_fold_run {
	__u32 all;		/* in: every count, window ended or not (stop) */
	__u32 pad;
	__u64 summaries;	/* out: records written */
	__u64 folded;		/* out: decisions they carry */
	__u64 failed;		/* out: ring full, counts kept for a retry */
	__u64 entries;		/* out: entries left */
};

/* Index of the loss counters (per-CPU array). */
#define BW_LOST_SLOTS BW_NCLASS

/* Per-CPU scratch slots the decisions share (bpf/maps.bpf.h), and how long
 * an LSM hook waits for one when all are held (ms); the engine may set
 * others (BW_SCRATCH_SLOTS, BW_SCRATCH_WAIT_MS in its environment, for
 * tests).  The wait also ends after bpf_loop()'s most steps. */
#define BW_SCRATCH_SLOTS 8
#define BW_SCRATCH_WAIT_MS 10000
#define BW_SCRATCH_WAIT_MS_MAX 60000
#define BW_SCRATCH_SPINS_MAX (1U << 23)

#ifndef __VMLINUX_H__
_Static_assert(sizeof(struct bw_path_key) == 260, "LPM key size");
_Static_assert(BW_COMM_LEN == 16, "bw_filter_str hashes four words");
_Static_assert((1 << BW_FILTER_SHIFT) == BW_BITMAP_WORDS * 64, "filter bits");
_Static_assert(sizeof(struct bw_subject) % 8 == 0, "subject padding");
_Static_assert(sizeof(struct bw_event) % 8 == 0, "event padding");
_Static_assert(sizeof(struct bw_bitmap) == 512, "bitmap size");
_Static_assert(sizeof(struct bw_fold_key) == 40, "fold key padding");
_Static_assert(sizeof(struct bw_repeat) % 8 == 0, "repeat padding");
#endif

#endif
