/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracers' records, shared by bpf/<tracer>.bpf.c and the engine.
 * Every record starts with struct tr_ident, filled by tr_ident_fill() in
 * bpf/trace.bpf.h; the engine prints it with tr_ident_json().  Fixed-width
 * types and explicit padding only.
 */
#ifndef BULWARK_TRACE_H
#define BULWARK_TRACE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define TR_COMM_LEN	16
#define TR_PATH_LEN	256
#define TR_CONTAINER_LEN 16	/* as BW_CONTAINER_LEN */

/* Who did it: the identity every tracer record carries. */
struct tr_ident {
	__u64 ts;		/* CLOCK_BOOTTIME, ns */
	__u64 start;		/* process start time: with exec_seq, the exec id */
	__u64 cgroup_id;	/* cgroup v2 id */
	__u32 exec_seq;
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 userns;		/* namespace inode numbers */
	__u32 pidns;
	__u32 mntns;
	__u32 kind;		/* the tracer's own kind of record */
	char comm[TR_COMM_LEN];
};

/* What to record; applied in the kernel (read-only data of every tracer). */
struct tr_filter {
	__u32 self_tgid;	/* the tracer itself is never traced */
	__u32 tgid;		/* 0: every process */
	__u32 uid;		/* when filter_uid */
	__u8 filter_uid;
	__u8 filter_comm;
	__u8 filter_container;
	__u8 failed_only;	/* -x, where the tracer has a result */
	__u64 cgroup_id;	/* 0: every cgroup */
	char comm[TR_COMM_LEN];
	char container[TR_CONTAINER_LEN];	/* short id or name, NUL-padded */
};

/*
 * The command line of an exec, bounded as execsnoop bounds it: the first
 * argc arguments, each NUL-terminated, in the first size bytes of args.
 * Sent only that long: a record carrying one ends at args + size.
 */
#define TR_ARGV_MAX	20	/* arguments kept */
#define TR_ARGV_SIZE	1024	/* bytes kept, the NULs included */

enum {
	TR_ARGV_NONE = 0,	/* no command line: not an exec */
	TR_ARGV_READ,		/* read (truncated says whether all of it) */
	TR_ARGV_UNREADABLE,	/* an exec whose arguments could not be read */
};

struct tr_argv {
	__u16 argc;
	__u16 size;
	__u8 state;		/* TR_ARGV_* */
	__u8 truncated;		/* more arguments, or longer ones, than kept */
	__u8 pad[2];
	char args[TR_ARGV_SIZE];
};

/* ---- process: sched_process_exec / _fork / _exit ---- */
/* EXEC_FAILED: an execve/execveat that failed (-x) */
enum { TR_PROC_EXEC = 1, TR_PROC_EXIT, TR_PROC_FORK, TR_PROC_EXEC_FAILED };

/*
 * Fork and exit records end before argv; exec records at argv.args +
 * argv.size (TR_PROC_SIZE).
 */
struct tr_process {
	struct tr_ident h;
	__u64 parent_start;	/* the parent's exec id */
	__u32 parent_exec_seq;
	__s32 exit_code;	/* exit: status as wait(2) reports it;
				 * exec_failed: the call's -errno */
	__u64 duration_ns;	/* exit: since the process started */
	__u32 old_pid;		/* exec: the thread that called execve */
	__u32 nthreads;		/* exit: live threads before this exit */
	char filename[TR_PATH_LEN];	/* exec, exec_failed */
	struct tr_argv argv;	/* exec, exec_failed */
};
#define TR_PROC_SIZE_SHORT	__builtin_offsetof(struct tr_process, argv)
#define TR_PROC_SIZE_ARGV0	__builtin_offsetof(struct tr_process, argv.args)

/* ---- ipc: lsm/ipc_permission, or the IPC system calls ---- */
enum { TR_IPC_SHM = 1, TR_IPC_MSG, TR_IPC_SEM };
enum { TR_IPC_VIA_LSM = 1, TR_IPC_VIA_SYSCALL };
enum {
	TR_IPC_SHMGET = 1, TR_IPC_SHMAT, TR_IPC_SHMCTL, TR_IPC_SHMDT,
	TR_IPC_MSGGET, TR_IPC_MSGSND, TR_IPC_MSGRCV, TR_IPC_MSGCTL,
	TR_IPC_SEMGET, TR_IPC_SEMOP, TR_IPC_SEMTIMEDOP, TR_IPC_SEMCTL,
	TR_IPC_NCALLS,
};
#define TR_IPC_R	1	/* access asked for */
#define TR_IPC_W	2

struct tr_ipc {
	struct tr_ident h;
	__s64 ret;		/* syscall path: the call's result (shmat: the address) */
	__u64 addr;		/* shmat: the address asked for; shmdt: its argument */
	__u32 obj;		/* TR_IPC_SHM, _MSG, _SEM; 0: unknown */
	__u32 via;		/* TR_IPC_VIA_* */
	__s32 key;
	__s32 id;
	__u32 access;		/* TR_IPC_R | TR_IPC_W; 0: no read/write check */
	__u32 cuid;		/* creator, owner and mode: when have_perm */
	__u32 cgid;
	__u32 ouid;
	__u32 ogid;
	__u32 mode;		/* have_perm: the object's; else *get's flags & 0777 */
	__u32 call;		/* TR_IPC_SHMGET...; 0: unknown (LSM path) */
	__s32 cmd;		/* *ctl: the command */
	__u32 flags;		/* *get, shmat, msgsnd, msgrcv: the flags argument */
	__u8 have_perm;		/* the object's kern_ipc_perm was read */
	__u8 have_key;
	__u8 have_id;
	__u8 have_ret;		/* LSM path: an earlier BPF LSM program's answer */
};

/* ---- capable: security_capable / cap_capable ---- */
/* DENIED: refused, but the tracer could not tell by whom */
enum { TR_CAP_ALLOWED = 0, TR_CAP_DENIED_KERNEL, TR_CAP_DENIED_LSM, TR_CAP_DENIED };
enum {
	TR_CAP_VIA_FEXIT = 1, TR_CAP_VIA_TP_BTF, TR_CAP_VIA_RAW_TP,
	TR_CAP_VIA_TRACEPOINT, TR_CAP_VIA_KPROBE,
};

struct tr_capable {
	struct tr_ident h;
	__s32 cap;
	__s32 ret;		/* the final answer (0 or -EPERM) */
	__u32 verdict;		/* TR_CAP_* */
	__u32 opts;		/* CAP_OPT_* (NOAUDIT: the caller asked not to log) */
	__u32 target_userns;	/* namespace the capability was checked in */
	__u8 have_opts;		/* the tracepoint does not pass them */
	__u8 via;		/* TR_CAP_VIA_* */
	__u8 pad[2];
};

/* ---- opensnoop: open, openat, openat2 ---- */
enum { TR_OPEN_OPEN = 1, TR_OPEN_OPENAT, TR_OPEN_OPENAT2 };

struct tr_open {
	struct tr_ident h;
	__u64 flags;
	__u32 mode;
	__s32 dfd;
	__s32 ret;		/* fd, or -errno */
	__u32 call;		/* TR_OPEN_* */
	char path[TR_PATH_LEN];
};

/* ---- mountsnoop: mount, umount and the new mount API ---- */
enum {
	TR_MNT_MOUNT = 1, TR_MNT_UMOUNT, TR_MNT_FSOPEN, TR_MNT_FSCONFIG,
	TR_MNT_FSMOUNT, TR_MNT_MOVE_MOUNT, TR_MNT_OPEN_TREE, TR_MNT_MOUNT_SETATTR,
	TR_MNT_NCALLS,
};
/* Which strings a record carries (the pointer was not NULL and readable). */
#define TR_MNT_HAVE_SOURCE	1
#define TR_MNT_HAVE_TARGET	2
#define TR_MNT_HAVE_FSTYPE	4
#define TR_MNT_HAVE_DATA	8
#define TR_MNT_HAVE_ATTR	16	/* mount_setattr: struct mount_attr read */
#define TR_MNT_FSTYPE_LEN	64

struct tr_mount {
	struct tr_ident h;
	__u64 flags;		/* the call's flags argument */
	__s64 ret;
	__u64 attr_set;		/* fsmount: attr_flags; mount_setattr: attr_set */
	__u64 attr_clr;		/* mount_setattr: struct mount_attr */
	__u64 propagation;
	__u64 userns_fd;
	__u64 attr_size;	/* mount_setattr: usize */
	__u32 call;		/* TR_MNT_* */
	__u32 have;		/* TR_MNT_HAVE_* */
	__s32 fd;		/* fsconfig, fsmount: fs fd; move_mount: from dfd;
				 * open_tree, mount_setattr: dfd */
	__s32 fd2;		/* move_mount: to dfd; fsconfig: aux */
	__u32 cmd;		/* fsconfig */
	__u32 pad;
	char source[TR_PATH_LEN];	/* mount; fsconfig: key; move_mount: from */
	char target[TR_PATH_LEN];	/* mount, umount; move_mount: to;
					 * open_tree, mount_setattr: path */
	char fstype[TR_MNT_FSTYPE_LEN];	/* mount; fsopen: the fs name */
	char data[TR_PATH_LEN];	/* mount: data; fsconfig: a string or path value */
};

/* ---- sigsnoop: signal_generate, or kill/tkill/tgkill (-k) ---- */
enum { TR_SIG_GENERATE = 1, TR_SIG_KILL, TR_SIG_TKILL, TR_SIG_TGKILL };
/* signal_generate's result (enum trace_signal_result) */
enum {
	TR_SIG_DELIVERED = 0, TR_SIG_IGNORED, TR_SIG_ALREADY_PENDING,
	TR_SIG_OVERFLOW_FAIL, TR_SIG_LOSE_INFO,
};

struct tr_signal {
	struct tr_ident h;
	__s32 sig;
	__s32 target_pid;	/* generate: the task's pid (host); kill: its pid
				 * argument; tkill, tgkill: the thread */
	__s32 target_tgid;	/* tgkill: its tgid argument */
	__s32 ret;		/* kill calls: 0 or -errno; generate: -EAGAIN for
				 * an overflow, else 0 (what the sender gets) */
	__s32 result;		/* TR_SIG_DELIVERED...: when have_result */
	__s32 code;		/* generate: si_code */
	__u32 call;		/* TR_SIG_* */
	__u8 group;		/* generate: sent to the whole process */
	__u8 have_result;	/* kill calls: the signal was generated */
	__u8 have_comm;
	__u8 pad;
	char target_comm[TR_COMM_LEN];
};

/* ---- container: cgroup_mkdir / cgroup_rmdir / cgroup_attach_task ---- */
enum { TR_CG_MKDIR = 1, TR_CG_RMDIR, TR_CG_ATTACH };

struct tr_cgroup {
	struct tr_ident h;
	__u64 cgid;		/* the cgroup's id */
	__u32 event;		/* TR_CG_* */
	__u32 level;
	__s32 target_pid;	/* attach: the process moved */
	__u32 root;		/* hierarchy id */
	char path[TR_PATH_LEN];
};

#endif
