// SPDX-License-Identifier: GPL-2.0
/*
 * process: exec, fork and exit of processes (not threads), with the
 * parent's exec id so that the log can give any record its ancestry.
 * Variants (engine/trace_process.c): tp_btf, then raw_tp, on the sched
 * tracepoints; the programs are the same, only the attach type differs.
 * Exec records carry the command line (argv.bpf.h); with -x, execve and
 * execveat calls that failed are reported at their exit, with the errno.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"
#include "argv.bpf.h"

/* An exec record is built here, its command line at most TR_ARGV_SIZE
 * bytes on: the spill keeps every read's bound inside the value. */
struct exec_buf {
	struct tr_process e;
	char spill[TR_ARGV_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_buf);
} exec_bufs SEC(".maps");

/* -x: what a thread's execve/execveat asked for, until its exit. */
struct exec_call {
	__u64 filename;		/* user addresses */
	__u64 argv;
};
TR_PENDING(struct exec_call);

static __always_inline void fill(struct tr_process *e, struct task_struct *t, __u32 kind)
{
	struct task_struct *parent;

	tr_ident_fill_task(&e->h, t, kind);
	parent = BPF_CORE_READ(t, real_parent);
	e->parent_start = BPF_CORE_READ(parent, group_leader, start_time);
	e->parent_exec_seq = BPF_CORE_READ(parent, self_exec_id);
	e->exit_code = 0;
	e->duration_ns = 0;
	e->old_pid = 0;
	e->nthreads = 0;
	e->filename[0] = 0;
}

/* A fork or exit record: it ends before argv. */
static __always_inline struct tr_process *begin(struct task_struct *t, __u32 kind)
{
	struct tr_process *e;

	if (!tr_task_wanted(t))
		return NULL;
	e = tr_reserve(TR_PROC_SIZE_SHORT);
	if (e)
		fill(e, t, kind);
	return e;
}

/* An exec record: built in exec_bufs, NULL if the task is not wanted. */
static __always_inline struct tr_process *begin_exec(struct task_struct *t, __u32 kind)
{
	__u32 zero = 0;
	struct exec_buf *b;

	if (!tr_task_wanted(t))
		return NULL;
	b = bpf_map_lookup_elem(&exec_bufs, &zero);
	if (!b)
		return NULL;
	fill(&b->e, t, kind);
	return &b->e;
}

/* Sent as long as its command line. */
static __always_inline void send_exec(struct tr_process *e)
{
	tr_output(e, TR_PROC_SIZE_ARGV0 + argv_used(&e->argv));
}

static __always_inline void on_exec(struct task_struct *p, pid_t old_pid,
				    struct linux_binprm *bprm)
{
	struct tr_process *e = begin_exec(p, TR_PROC_EXEC);
	int n;

	/* -x: a thread other than the leader exec'd, and took the leader's
	 * id: its call's entry is under the id it had */
	if (old_pid != BPF_CORE_READ(p, pid))
		bpf_map_delete_elem(&tr_pending, &old_pid);
	if (!e)
		return;
	e->old_pid = old_pid;
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename),
				  BPF_CORE_READ(bprm, filename));
	n = argv_from_mm(&e->argv);
	barrier_var(n);
	send_exec(e);
}

/* A new process (not a new thread): its parent is the caller's image. */
static __always_inline void on_fork(struct task_struct *parent,
				    struct task_struct *child)
{
	struct tr_process *e;

	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return;
	e = begin(child, TR_PROC_FORK);
	if (!e)
		return;
	/* the child's real_parent may be a reaper (CLONE_PARENT): name the caller */
	e->parent_start = BPF_CORE_READ(parent, group_leader, start_time);
	e->parent_exec_seq = BPF_CORE_READ(parent, self_exec_id);
	e->h.ppid = BPF_CORE_READ(parent, tgid);
	bpf_ringbuf_submit(e, 0);
}

/* Reported once, when the last thread of the process exits. */
static __always_inline void on_exit(struct task_struct *p)
{
	struct tr_process *e;

	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return;
	e = begin(p, TR_PROC_EXIT);
	if (!e)
		return;
	e->exit_code = BPF_CORE_READ(p, exit_code);
	e->duration_ns = bpf_ktime_get_ns() - BPF_CORE_READ(p, group_leader, start_time);
	bpf_ringbuf_submit(e, 0);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(btf_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	on_exec(p, old_pid, bprm);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(btf_fork, struct task_struct *parent, struct task_struct *child)
{
	on_fork(parent, child);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(btf_exit, struct task_struct *p)
{
	on_exit(p);
	return 0;
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(raw_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	on_exec(p, old_pid, bprm);
	return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(raw_fork, struct task_struct *parent, struct task_struct *child)
{
	on_fork(parent, child);
	return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(raw_exit, struct task_struct *p)
{
	on_exit(p);
	return 0;
}

/* ---- -x: failed execs, at the exit of the call ---- */

static __always_inline void exec_enter(__u64 filename, __u64 argv)
{
	struct exec_call c = { filename, argv };

	if (tr_wanted())
		tr_pending_put(&c);
}

static __always_inline void exec_exit(long ret)
{
	struct exec_call *c;
	struct tr_process *e;
	int n;

	c = tr_pending_get();
	if (!c)
		return;
	if (ret < 0) {
		e = begin_exec((struct task_struct *)bpf_get_current_task(),
			       TR_PROC_EXEC_FAILED);
		if (e) {
			e->exit_code = ret;
			bpf_probe_read_user_str(e->filename, sizeof(e->filename),
						(const char *)c->filename);
			n = argv_from_array(&e->argv, (const void *)c->argv, false);
			barrier_var(n);
			send_exec(e);
		}
	}
	tr_pending_drop();
}

SEC("tracepoint/syscalls/sys_enter_execve")
int tp_execve(struct trace_event_raw_sys_enter *ctx)
{
	exec_enter(ctx->args[0], ctx->args[1]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int tp_execveat(struct trace_event_raw_sys_enter *ctx)
{
	exec_enter(ctx->args[1], ctx->args[2]);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int tp_execve_exit(struct trace_event_raw_sys_exit *ctx)
{
	exec_exit(ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int tp_execveat_exit(struct trace_event_raw_sys_exit *ctx)
{
	exec_exit(ctx->ret);
	return 0;
}
