/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One identity for every record: decisions (bulwark.bpf.c) and the
 * tracers (trace.bpf.h) fill struct tr_ident with the same function.
 */
#ifndef BULWARK_IDENT_BPF_H
#define BULWARK_IDENT_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.h"

/* The pid namespace t lives in (not the one its children will get). */
static __always_inline __u32 tr_pidns_of(struct task_struct *t)
{
	struct pid *p = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(p, level);
	struct upid up = {};

	bpf_probe_read_kernel(&up, sizeof(up), &p->numbers[level & 31]);
	return BPF_CORE_READ(up.ns, ns.inum);
}

/* The identity of task t (the current task, or a task a tracepoint names). */
static __always_inline void tr_ident_fill_task(struct tr_ident *h,
					       struct task_struct *t, __u32 kind)
{
	h->ts = bpf_ktime_get_boot_ns();
	h->start = BPF_CORE_READ(t, group_leader, start_time);
	h->cgroup_id = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
	h->exec_seq = BPF_CORE_READ(t, self_exec_id);
	h->pid = BPF_CORE_READ(t, tgid);
	h->tid = BPF_CORE_READ(t, pid);
	h->ppid = BPF_CORE_READ(t, real_parent, tgid);
	h->uid = BPF_CORE_READ(t, cred, uid.val);
	h->gid = BPF_CORE_READ(t, cred, gid.val);
	h->userns = BPF_CORE_READ(t, cred, user_ns, ns.inum);
	h->pidns = tr_pidns_of(t);
	h->mntns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
	h->kind = kind;
	bpf_probe_read_kernel(h->comm, sizeof(h->comm), &t->comm);
}

#endif
