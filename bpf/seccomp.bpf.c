// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp tracer, from syscall tracepoints only (no kprobes here):
 * a call a filter rejects never reaches sys_enter but does reach sys_exit,
 * so a sys_exit without its sys_enter in a filtered task is a rejection.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"
#include "seccomp.h"

#define NR_PRCTL	157
#define NR_SECCOMP	317
#define PR_SET_SECCOMP	22
#define SIGSYS		31
#define MODE_FILTER	2
#define SYS_SECCOMP	1
#define SECCOMP_SET_MODE_STRICT	0
#define SECCOMP_SET_MODE_FILTER	1

/* Threads of filtered tasks inside a call that passed the filter. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
} entered SEC(".maps");

static __always_inline void emit(struct task_struct *t, __u32 kind, __u64 id,
				 __s64 ret)
{
	struct sec_event *e = tr_reserve(sizeof(*e));

	if (!e)
		return;
	tr_ident_fill_task(&e->h, t, kind);
	e->id = id;
	e->ret = ret;
	e->mode = BPF_CORE_READ(t, seccomp.mode);
	e->filters = BPF_CORE_READ(t, seccomp.filter_count.counter);
	bpf_ringbuf_submit(e, 0);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sec_enter, struct pt_regs *regs, long nr)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u8 one = 1;

	if (BPF_CORE_READ(t, seccomp.mode) == MODE_FILTER)
		bpf_map_update_elem(&entered, &tid, &one, BPF_ANY);
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sec_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	long nr = BPF_CORE_READ(regs, orig_ax);
	__u64 id = bw_syscall_id(t, nr);
	bool passed = bpf_map_lookup_elem(&entered, &tid) != NULL;

	if (passed)
		bpf_map_delete_elem(&entered, &tid);
	if (!tr_wanted())
		return 0;
	/* an install that took: seccomp(2) setting a mode (not the probes
	 * libseccomp makes), or prctl(PR_SET_SECCOMP), on x86_64 */
	if ((id == NR_SECCOMP &&
	     BPF_CORE_READ(regs, di) <= SECCOMP_SET_MODE_FILTER) ||
	    (id == NR_PRCTL && BPF_CORE_READ(regs, di) == PR_SET_SECCOMP)) {
		if (ret == 0)
			emit(t, SEC_INSTALL, id, ret);
		return 0;
	}
	if (!passed && BPF_CORE_READ(t, seccomp.mode) == MODE_FILTER && ret < 0)
		emit(t, SEC_REJECT, id, ret);
	return 0;
}

/*
 * SECCOMP_RET_KILL_*: the kernel marks the task's seccomp dead and forces
 * SIGSYS with si_code SYS_SECCOMP and the call in si_syscall.
 */
SEC("raw_tp/signal_generate")
int BPF_PROG(sec_signal, int sig, struct kernel_siginfo *info,
	     struct task_struct *p, int group, int result)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	long nr;

	if (sig != SIGSYS || (unsigned long)info <= 1 ||
	    BPF_CORE_READ(info, si_code) != SYS_SECCOMP ||
	    !tr_wanted())
		return 0;
	nr = BPF_CORE_READ(info, _sifields._sigsys._syscall);
	emit(t, SEC_KILL, bw_syscall_id(t, nr), -SIGSYS);
	return 0;
}
