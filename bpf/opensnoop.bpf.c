// SPDX-License-Identifier: GPL-2.0
/*
 * opensnoop: open, openat and openat2 with their result.  The arguments
 * are kept per thread at entry and the record is written at exit.
 * Variants (engine/trace_opensnoop.c): the syscalls:* tracepoints, or
 * raw_syscalls when the kernel has no per-syscall tracepoints.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"

#define NR_OPEN		2	/* x86_64 numbers, for the raw_syscalls variant */
#define NR_OPENAT	257
#define NR_OPENAT2	437

struct args {
	__u64 path;		/* user pointer */
	__u64 flags;
	__u32 mode;
	__s32 dfd;
	__u32 call;
	__u32 pad;
};

TR_PENDING(struct args);

static __always_inline void enter(__u32 call, long dfd, const void *path,
				  __u64 flags, __u32 mode)
{
	struct args a = {
		.path = (__u64)path, .flags = flags, .mode = mode,
		.dfd = dfd, .call = call,
	};

	if (tr_wanted())
		tr_pending_put(&a);
}

static __always_inline void enter_openat2(long dfd, const void *path,
					  const struct open_how *uhow)
{
	struct open_how how = {};

	bpf_probe_read_user(&how, sizeof(how), uhow);
	enter(TR_OPEN_OPENAT2, dfd, path, how.flags, how.mode);
}

static __always_inline void leave(long ret)
{
	struct args *a = tr_pending_get();
	struct tr_open *e;

	if (!a)
		return;
	if (!tr_result_wanted(ret))
		goto done;
	e = tr_reserve(sizeof(*e));
	if (!e)
		goto done;
	tr_ident_fill(&e->h, a->call);
	e->flags = a->flags;
	e->mode = a->mode;
	e->dfd = a->dfd;
	e->ret = ret;
	e->call = a->call;
	if (bpf_probe_read_user_str(e->path, sizeof(e->path), (const void *)a->path) < 0)
		e->path[0] = 0;
	bpf_ringbuf_submit(e, 0);
done:
	tr_pending_drop();
}

/* ---- variant: syscalls:* tracepoints ---- */

SEC("tracepoint/syscalls/sys_enter_open")
int open_enter(struct trace_event_raw_sys_enter *ctx)
{
	enter(TR_OPEN_OPEN, -100, (const void *)ctx->args[0], ctx->args[1],
	      ctx->args[2]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	enter(TR_OPEN_OPENAT, ctx->args[0], (const void *)ctx->args[1],
	      ctx->args[2], ctx->args[3]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int openat2_enter(struct trace_event_raw_sys_enter *ctx)
{
	enter_openat2(ctx->args[0], (const void *)ctx->args[1],
		      (const struct open_how *)ctx->args[2]);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_open")
int open_exit(struct trace_event_raw_sys_exit *ctx)
{
	leave(ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	leave(ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int openat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	leave(ctx->ret);
	return 0;
}

/* ---- variant: raw_syscalls, 64-bit calls only ---- */

SEC("raw_tp/sys_enter")
int BPF_PROG(raw_enter, struct pt_regs *regs, long nr)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	if (bw_syscall_id(t, nr) >> 32)
		return 0;
	if (nr == NR_OPEN)
		enter(TR_OPEN_OPEN, -100, (const void *)BPF_CORE_READ(regs, di),
		      BPF_CORE_READ(regs, si), BPF_CORE_READ(regs, dx));
	else if (nr == NR_OPENAT)
		enter(TR_OPEN_OPENAT, BPF_CORE_READ(regs, di),
		      (const void *)BPF_CORE_READ(regs, si),
		      BPF_CORE_READ(regs, dx), BPF_CORE_READ(regs, r10));
	else if (nr == NR_OPENAT2)
		enter_openat2(BPF_CORE_READ(regs, di),
			      (const void *)BPF_CORE_READ(regs, si),
			      (const struct open_how *)BPF_CORE_READ(regs, dx));
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(raw_exit, struct pt_regs *regs, long ret)
{
	leave(ret);	/* only threads with a pending open have an entry */
	return 0;
}
