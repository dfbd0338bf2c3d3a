// SPDX-License-Identifier: GPL-2.0
/*
 * mountsnoop: mount, umount and the new mount API (fsopen, fsconfig,
 * fsmount, move_mount, open_tree, mount_setattr) with their result.  The
 * raw arguments are kept per thread at entry; at exit they are decoded and
 * the strings read (the kernel has copied them by then, so the pages are
 * present) and the record is written with the return value.
 * Variants (engine/trace_mountsnoop.c): the syscalls:* tracepoints of every
 * call, of the calls older kernels have, or raw_syscalls.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"

/* x86_64 numbers, for the raw_syscalls variant */
#define NR_MOUNT	165
#define NR_UMOUNT2	166
#define NR_OPEN_TREE	428
#define NR_MOVE_MOUNT	429
#define NR_FSOPEN	430
#define NR_FSCONFIG	431
#define NR_FSMOUNT	432
#define NR_MOUNT_SETATTR 442

/* fsconfig commands whose value is a string (include/uapi/linux/mount.h) */
#define FSCONFIG_SET_STRING	1
#define FSCONFIG_SET_PATH	3
#define FSCONFIG_SET_PATH_EMPTY	4

struct args {
	__u64 a[5];
	__u32 call;
	__u32 pad;
};

TR_PENDING(struct args);

static __always_inline void enter(__u32 call, __u64 a0, __u64 a1, __u64 a2,
				  __u64 a3, __u64 a4)
{
	struct args a = { .a = { a0, a1, a2, a3, a4 }, .call = call };

	if (tr_wanted())
		tr_pending_put(&a);
}

/* Read a user string into buf; the have bit when there was one. */
static __always_inline __u32 ustr(char *buf, __u32 size, __u64 uptr, __u32 bit)
{
	buf[0] = 0;
	if (uptr && bpf_probe_read_user_str(buf, size, (const void *)uptr) > 0)
		return bit;
	buf[0] = 0;
	return 0;
}

static __always_inline void decode(struct tr_mount *e, const struct args *a)
{
	__u32 have = 0;

	switch (a->call) {
	case TR_MNT_MOUNT:	/* source, target, fstype, flags, data */
		have |= ustr(e->source, sizeof(e->source), a->a[0], TR_MNT_HAVE_SOURCE);
		have |= ustr(e->target, sizeof(e->target), a->a[1], TR_MNT_HAVE_TARGET);
		have |= ustr(e->fstype, sizeof(e->fstype), a->a[2], TR_MNT_HAVE_FSTYPE);
		e->flags = a->a[3];
		have |= ustr(e->data, sizeof(e->data), a->a[4], TR_MNT_HAVE_DATA);
		break;
	case TR_MNT_UMOUNT:	/* target, flags */
		have |= ustr(e->target, sizeof(e->target), a->a[0], TR_MNT_HAVE_TARGET);
		e->flags = a->a[1];
		break;
	case TR_MNT_FSOPEN:	/* fs name, flags */
		have |= ustr(e->fstype, sizeof(e->fstype), a->a[0], TR_MNT_HAVE_FSTYPE);
		e->flags = a->a[1];
		break;
	case TR_MNT_FSCONFIG:	/* fd, cmd, key, value, aux */
		e->fd = a->a[0];
		e->cmd = a->a[1];
		have |= ustr(e->source, sizeof(e->source), a->a[2], TR_MNT_HAVE_SOURCE);
		if (e->cmd == FSCONFIG_SET_STRING || e->cmd == FSCONFIG_SET_PATH ||
		    e->cmd == FSCONFIG_SET_PATH_EMPTY)
			have |= ustr(e->data, sizeof(e->data), a->a[3], TR_MNT_HAVE_DATA);
		e->fd2 = a->a[4];
		break;
	case TR_MNT_FSMOUNT:	/* fs fd, flags, attr_flags */
		e->fd = a->a[0];
		e->flags = a->a[1];
		e->attr_set = a->a[2];
		break;
	case TR_MNT_MOVE_MOUNT:	/* from dfd, from path, to dfd, to path, flags */
		e->fd = a->a[0];
		have |= ustr(e->source, sizeof(e->source), a->a[1], TR_MNT_HAVE_SOURCE);
		e->fd2 = a->a[2];
		have |= ustr(e->target, sizeof(e->target), a->a[3], TR_MNT_HAVE_TARGET);
		e->flags = a->a[4];
		break;
	case TR_MNT_OPEN_TREE:	/* dfd, path, flags */
		e->fd = a->a[0];
		have |= ustr(e->target, sizeof(e->target), a->a[1], TR_MNT_HAVE_TARGET);
		e->flags = a->a[2];
		break;
	case TR_MNT_MOUNT_SETATTR: {	/* dfd, path, flags, uattr, usize */
		struct mount_attr ma = {};

		e->fd = a->a[0];
		have |= ustr(e->target, sizeof(e->target), a->a[1], TR_MNT_HAVE_TARGET);
		e->flags = a->a[2];
		e->attr_size = a->a[4];
		/* the first published struct is 32 bytes (MOUNT_ATTR_SIZE_VER0) */
		if (a->a[4] >= sizeof(ma) && a->a[3] &&
		    !bpf_probe_read_user(&ma, sizeof(ma), (const void *)a->a[3])) {
			e->attr_set = ma.attr_set;
			e->attr_clr = ma.attr_clr;
			e->propagation = ma.propagation;
			e->userns_fd = ma.userns_fd;
			have |= TR_MNT_HAVE_ATTR;
		}
		break;
	}
	}
	e->have = have;
}

static __always_inline void leave(__u32 call, long ret)
{
	struct args *a = tr_pending_get();
	struct tr_mount *e;

	if (!a)
		return;
	/* an entry of another call was left behind: the thread never got to its exit */
	if (a->call != call || !tr_result_wanted(ret))
		goto done;
	e = tr_reserve(sizeof(*e));
	if (!e)
		goto done;
	tr_ident_fill(&e->h, call);
	e->flags = 0;
	e->ret = ret;
	e->attr_set = 0;
	e->attr_clr = 0;
	e->propagation = 0;
	e->userns_fd = 0;
	e->attr_size = 0;
	e->call = call;
	e->fd = 0;
	e->fd2 = 0;
	e->cmd = 0;
	e->pad = 0;
	e->source[0] = 0;
	e->target[0] = 0;
	e->fstype[0] = 0;
	e->data[0] = 0;
	decode(e, a);
	bpf_ringbuf_submit(e, 0);
done:
	tr_pending_drop();
}

/* ---- variants: syscalls:* tracepoints ---- */

/*
 * A program may read only the arguments the call has: the kernel refuses
 * to attach one whose context reads go past the tracepoint's record (EACCES).
 */
#define TP_ENTER(name, call, ...)					\
	SEC("tracepoint/syscalls/sys_enter_" #name)			\
	int name##_enter(struct trace_event_raw_sys_enter *ctx)		\
	{								\
		enter(call, __VA_ARGS__);				\
		return 0;						\
	}
#define A(i)	ctx->args[i]
#define TP_EXIT(name, call)						\
	SEC("tracepoint/syscalls/sys_exit_" #name)			\
	int name##_exit(struct trace_event_raw_sys_exit *ctx)		\
	{								\
		leave(call, ctx->ret);					\
		return 0;						\
	}

/* umount2's tracepoints are named after its SYSCALL_DEFINE, umount */
TP_ENTER(mount, TR_MNT_MOUNT, A(0), A(1), A(2), A(3), A(4))
TP_EXIT(mount, TR_MNT_MOUNT)
TP_ENTER(umount, TR_MNT_UMOUNT, A(0), A(1), 0, 0, 0)
TP_EXIT(umount, TR_MNT_UMOUNT)
TP_ENTER(fsopen, TR_MNT_FSOPEN, A(0), A(1), 0, 0, 0)
TP_EXIT(fsopen, TR_MNT_FSOPEN)
TP_ENTER(fsconfig, TR_MNT_FSCONFIG, A(0), A(1), A(2), A(3), A(4))
TP_EXIT(fsconfig, TR_MNT_FSCONFIG)
TP_ENTER(fsmount, TR_MNT_FSMOUNT, A(0), A(1), A(2), 0, 0)
TP_EXIT(fsmount, TR_MNT_FSMOUNT)
TP_ENTER(move_mount, TR_MNT_MOVE_MOUNT, A(0), A(1), A(2), A(3), A(4))
TP_EXIT(move_mount, TR_MNT_MOVE_MOUNT)
TP_ENTER(open_tree, TR_MNT_OPEN_TREE, A(0), A(1), A(2), 0, 0)
TP_EXIT(open_tree, TR_MNT_OPEN_TREE)
TP_ENTER(mount_setattr, TR_MNT_MOUNT_SETATTR, A(0), A(1), A(2), A(3), A(4))
TP_EXIT(mount_setattr, TR_MNT_MOUNT_SETATTR)

/* ---- variant: raw_syscalls, 64-bit calls only ---- */

static __always_inline __u32 call_of(struct task_struct *t, long nr)
{
	if (bw_syscall_id(t, nr) >> 32)
		return 0;
	switch (nr) {
	case NR_MOUNT:		return TR_MNT_MOUNT;
	case NR_UMOUNT2:	return TR_MNT_UMOUNT;
	case NR_FSOPEN:		return TR_MNT_FSOPEN;
	case NR_FSCONFIG:	return TR_MNT_FSCONFIG;
	case NR_FSMOUNT:	return TR_MNT_FSMOUNT;
	case NR_MOVE_MOUNT:	return TR_MNT_MOVE_MOUNT;
	case NR_OPEN_TREE:	return TR_MNT_OPEN_TREE;
	case NR_MOUNT_SETATTR:	return TR_MNT_MOUNT_SETATTR;
	}
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(raw_enter, struct pt_regs *regs, long nr)
{
	__u32 call = call_of((struct task_struct *)bpf_get_current_task(), nr);

	if (call)
		enter(call, BPF_CORE_READ(regs, di), BPF_CORE_READ(regs, si),
		      BPF_CORE_READ(regs, dx), BPF_CORE_READ(regs, r10),
		      BPF_CORE_READ(regs, r8));
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(raw_exit, struct pt_regs *regs, long ret)
{
	__u32 call = call_of((struct task_struct *)bpf_get_current_task(),
			     BPF_CORE_READ(regs, orig_ax));

	if (call)
		leave(call, ret);
	return 0;
}
