// SPDX-License-Identifier: GPL-2.0
/*
 * process: exec, fork and exit of processes (not threads), with the
 * parent's exec id so that the log can give any record its ancestry.
 * Variants (engine/trace_process.c): tp_btf, then raw_tp, on the sched
 * tracepoints; the programs are the same, only the attach type differs.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"

static __always_inline struct tr_process *begin(struct task_struct *t, __u32 kind)
{
	struct task_struct *parent;
	struct tr_process *e;

	if (!tr_task_wanted(t))
		return NULL;
	e = tr_reserve(sizeof(*e));
	if (!e)
		return NULL;
	tr_ident_fill_task(&e->h, t, kind);
	parent = BPF_CORE_READ(t, real_parent);
	e->parent_start = BPF_CORE_READ(parent, group_leader, start_time);
	e->parent_exec_seq = BPF_CORE_READ(parent, self_exec_id);
	e->exit_code = 0;
	e->duration_ns = 0;
	e->old_pid = 0;
	e->nthreads = 0;
	e->filename[0] = 0;
	return e;
}

static __always_inline void on_exec(struct task_struct *p, pid_t old_pid,
				    struct linux_binprm *bprm)
{
	struct tr_process *e = begin(p, TR_PROC_EXEC);

	if (!e)
		return;
	e->old_pid = old_pid;
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename),
				  BPF_CORE_READ(bprm, filename));
	bpf_ringbuf_submit(e, 0);
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
