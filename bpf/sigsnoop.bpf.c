// SPDX-License-Identifier: GPL-2.0
/*
 * sigsnoop: signals as they are generated (signal:signal_generate: every
 * signal, sent by a process or by the kernel, with what became of it), or
 * with -k the kill, tkill and tgkill calls and their result.  For those the
 * arguments are kept per thread at entry and the record is written at exit;
 * signal_generate, which fires inside the call, adds the target's command
 * name and the delivery result when the signal got that far.
 * Variants: engine/trace_sigsnoop.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"

#define NR_KILL		62	/* x86_64 numbers, for the raw_syscalls variant */
#define NR_TKILL	200
#define NR_TGKILL	234

#define SI_USER		0	/* include/uapi/asm-generic/siginfo.h */
#define SI_KERNEL	0x80
#define EAGAIN		11

/* ---- default variants: signal_generate ---- */

/* comm: the target's, in kernel memory (the task, or the tracepoint's copy) */
static __always_inline void generated(int sig, int code, int pid, int group,
				      int result, const char *comm)
{
	struct tr_signal *e;

	if (!tr_wanted() || !tr_result_wanted(result == TR_SIG_DELIVERED ? 0 : -1))
		return;
	e = tr_reserve(sizeof(*e));
	if (!e)
		return;
	tr_ident_fill(&e->h, TR_SIG_GENERATE);
	e->sig = sig;
	e->target_pid = pid;
	e->target_tgid = 0;
	/* __send_signal_locked(): only a queue overflow fails the sender */
	e->ret = result == TR_SIG_OVERFLOW_FAIL ? -EAGAIN : 0;
	e->result = result;
	e->code = code;
	e->call = TR_SIG_GENERATE;
	e->group = group != 0;
	e->have_result = 1;
	e->have_comm = !bpf_probe_read_kernel(e->target_comm, sizeof(e->target_comm), comm);
	e->pad = 0;
	bpf_ringbuf_submit(e, 0);
}

SEC("tracepoint/signal/signal_generate")
int tp_generate(struct trace_event_raw_signal_generate *ctx)
{
	generated(ctx->sig, ctx->code, ctx->pid, ctx->group, ctx->result, ctx->comm);
	return 0;
}

/* si_code as the tracepoint stores it (TP_STORE_SIGINFO) */
static __always_inline int code_of(struct kernel_siginfo *info)
{
	if (info == (void *)0)		/* SEND_SIG_NOINFO */
		return SI_USER;
	if (info == (void *)1)		/* SEND_SIG_PRIV */
		return SI_KERNEL;
	return BPF_CORE_READ(info, si_code);
}

SEC("raw_tp/signal_generate")
int BPF_PROG(raw_generate, int sig, struct kernel_siginfo *info,
	     struct task_struct *task, int group, int result)
{
	generated(sig, code_of(info), BPF_CORE_READ(task, pid), group, result,
		  task->comm);
	return 0;
}

/* ---- alt variants (-k): kill, tkill, tgkill ---- */

struct args {
	__s32 sig;
	__s32 pid;
	__s32 tgid;
	__u32 call;
	__s32 result;
	__u8 have_result;
	__u8 have_comm;
	__u8 pad[2];
	char comm[TR_COMM_LEN];
};

TR_PENDING(struct args);

static __always_inline void enter(__u32 call, __s32 tgid, __s32 pid, __s32 sig)
{
	struct args a = { .sig = sig, .pid = pid, .tgid = tgid, .call = call };

	if (tr_wanted())
		tr_pending_put(&a);
}

/*
 * Inside a traced call: the target named by a positive pid gets one
 * signal_generate (a group or every process gets many: left unnamed).
 */
static __always_inline void in_call(int result, const char *comm)
{
	struct args *a = tr_pending_get();

	if (!a || a->pid <= 0 || a->have_result)
		return;
	a->result = result;
	a->have_result = 1;
	if (!bpf_probe_read_kernel(a->comm, sizeof(a->comm), comm))
		a->have_comm = 1;
}

static __always_inline void leave(__u32 call, long ret)
{
	struct args *a = tr_pending_get();
	struct tr_signal *e;

	if (!a)
		return;
	/* an entry of another call was left behind: the thread never got to its exit */
	if (a->call != call || !tr_result_wanted(ret))
		goto done;
	e = tr_reserve(sizeof(*e));
	if (!e)
		goto done;
	tr_ident_fill(&e->h, call);
	e->sig = a->sig;
	e->target_pid = a->pid;
	e->target_tgid = a->tgid;
	e->ret = ret;
	e->result = a->result;
	e->code = 0;
	e->call = call;
	e->group = 0;
	e->have_result = a->have_result;
	e->have_comm = a->have_comm;
	e->pad = 0;
	__builtin_memcpy(e->target_comm, a->comm, sizeof(e->target_comm));
	bpf_ringbuf_submit(e, 0);
done:
	tr_pending_drop();
}

SEC("tracepoint/syscalls/sys_enter_kill")
int kill_enter(struct trace_event_raw_sys_enter *ctx)
{
	enter(TR_SIG_KILL, 0, ctx->args[0], ctx->args[1]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_tkill")
int tkill_enter(struct trace_event_raw_sys_enter *ctx)
{
	enter(TR_SIG_TKILL, 0, ctx->args[0], ctx->args[1]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_tgkill")
int tgkill_enter(struct trace_event_raw_sys_enter *ctx)
{
	enter(TR_SIG_TGKILL, ctx->args[0], ctx->args[1], ctx->args[2]);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_kill")
int kill_exit(struct trace_event_raw_sys_exit *ctx)
{
	leave(TR_SIG_KILL, ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_tkill")
int tkill_exit(struct trace_event_raw_sys_exit *ctx)
{
	leave(TR_SIG_TKILL, ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_tgkill")
int tgkill_exit(struct trace_event_raw_sys_exit *ctx)
{
	leave(TR_SIG_TGKILL, ctx->ret);
	return 0;
}

SEC("tracepoint/signal/signal_generate")
int tp_generate_in_call(struct trace_event_raw_signal_generate *ctx)
{
	in_call(ctx->result, ctx->comm);
	return 0;
}

/* raw_syscalls, 64-bit calls only */

static __always_inline __u32 call_of(struct task_struct *t, long nr)
{
	if (bw_syscall_id(t, nr) >> 32)
		return 0;
	if (nr == NR_KILL)
		return TR_SIG_KILL;
	if (nr == NR_TKILL)
		return TR_SIG_TKILL;
	if (nr == NR_TGKILL)
		return TR_SIG_TGKILL;
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(raw_enter, struct pt_regs *regs, long nr)
{
	__u32 call = call_of((struct task_struct *)bpf_get_current_task(), nr);
	__s32 a0 = BPF_CORE_READ(regs, di), a1 = BPF_CORE_READ(regs, si);

	if (call == TR_SIG_TGKILL)
		enter(call, a0, a1, BPF_CORE_READ(regs, dx));
	else if (call)
		enter(call, 0, a0, a1);
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

SEC("raw_tp/signal_generate")
int BPF_PROG(raw_generate_in_call, int sig, struct kernel_siginfo *info,
	     struct task_struct *task, int group, int result)
{
	in_call(result, task->comm);
	return 0;
}
