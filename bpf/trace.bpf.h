/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every tracer object shares: its filter, its ring buffer and loss
 * counter, and the identity at the head of each record.  Include once per
 * tracer, after vmlinux.h and the libbpf headers.
 */
#ifndef BULWARK_TRACE_BPF_H
#define BULWARK_TRACE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.h"
#include "common.bpf.h"
#include "container.bpf.h"
#include "ident.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct tr_filter tr_filt = {};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} tr_events SEC(".maps");

/* Records the ring buffer had no room for. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} tr_lost SEC(".maps");

static __always_inline bool tr_comm_ok(const char *comm)
{
	return bw_strn_eq(comm, tr_filt.comm, TR_COMM_LEN);
}

static __always_inline bool tr_container_ok(struct task_struct *t)
{
	char id[TR_CONTAINER_LEN];

	return container_of_task(t, id) && container_id_eq(id, tr_filt.container);
}

/* Does the filter let task t through?  The cheap tests come first. */
static __always_inline bool tr_task_wanted(struct task_struct *t)
{
	__u32 tgid = BPF_CORE_READ(t, tgid);

	if (tgid == tr_filt.self_tgid)
		return false;
	if (tr_filt.tgid && tgid != tr_filt.tgid)
		return false;
	if (tr_filt.filter_uid && BPF_CORE_READ(t, cred, uid.val) != tr_filt.uid)
		return false;
	if (tr_filt.cgroup_id &&
	    BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id) != tr_filt.cgroup_id)
		return false;
	if (tr_filt.filter_comm) {
		char comm[TR_COMM_LEN];

		bpf_probe_read_kernel(comm, sizeof(comm), &t->comm);
		if (!tr_comm_ok(comm))
			return false;
	}
	return !tr_filt.filter_container || tr_container_ok(t);
}

/* The same for the current task, with the helpers (hot paths: sys_enter). */
static __always_inline bool tr_wanted(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (tgid == tr_filt.self_tgid)
		return false;
	if (tr_filt.tgid && tgid != tr_filt.tgid)
		return false;
	if (tr_filt.filter_uid && (__u32)bpf_get_current_uid_gid() != tr_filt.uid)
		return false;
	if (tr_filt.cgroup_id && bpf_get_current_cgroup_id() != tr_filt.cgroup_id)
		return false;
	if (tr_filt.filter_comm) {
		char comm[TR_COMM_LEN];

		bpf_get_current_comm(comm, sizeof(comm));
		if (!tr_comm_ok(comm))
			return false;
	}
	return !tr_filt.filter_container ||
	       tr_container_ok((struct task_struct *)bpf_get_current_task());
}

/*
 * Syscall tracers keep each thread's call from sys_enter to sys_exit:
 * TR_PENDING(type) makes the map, keyed by thread id, and the three
 * helpers below put, find and drop the current thread's entry.
 */
#define TR_PENDING(val_type)						\
	struct {							\
		__uint(type, BPF_MAP_TYPE_HASH);			\
		__uint(max_entries, 10240);				\
		__type(key, __u32);					\
		__type(value, val_type);				\
	} tr_pending SEC(".maps")

#define tr_pending_put(val) ({						\
	__u32 __tid = (__u32)bpf_get_current_pid_tgid();		\
	bpf_map_update_elem(&tr_pending, &__tid, (val), BPF_ANY);	\
})
#define tr_pending_get() ({						\
	__u32 __tid = (__u32)bpf_get_current_pid_tgid();		\
	bpf_map_lookup_elem(&tr_pending, &__tid);			\
})
#define tr_pending_drop() ({						\
	__u32 __tid = (__u32)bpf_get_current_pid_tgid();		\
	bpf_map_delete_elem(&tr_pending, &__tid);			\
})

/* -x: records whose result is a success are dropped in the kernel. */
static __always_inline bool tr_result_wanted(long ret)
{
	return !tr_filt.failed_only || ret < 0;
}

/* A record the tracer could not keep.  An atomic add, although the
 * counter is per CPU: a program preempted (full preemption) or
 * interrupted between a load and a store would lose the other's count. */
static __always_inline void tr_count_lost(void)
{
	__u32 zero = 0;
	__u64 *l = bpf_map_lookup_elem(&tr_lost, &zero);

	if (l)
		__sync_fetch_and_add(l, 1);
}

static __always_inline void *tr_reserve(__u64 size)
{
	void *e = bpf_ringbuf_reserve(&tr_events, size, 0);

	if (!e)
		tr_count_lost();
	return e;
}

/* A record built elsewhere (a per-CPU buffer), size bytes of it. */
static __always_inline void tr_output(void *data, __u64 size)
{
	if (bpf_ringbuf_output(&tr_events, data, size, 0))
		tr_count_lost();
}

static __always_inline void tr_ident_fill(struct tr_ident *h, __u32 kind)
{
	tr_ident_fill_task(h, (struct task_struct *)bpf_get_current_task(), kind);
}

#endif
