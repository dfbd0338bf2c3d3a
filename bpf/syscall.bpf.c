// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall tracer: raw_syscalls/sys_enter with every filter applied in
 * the kernel, so that unrequested calls never reach user space.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "syscall.h"
#include "common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 targ_tgid;
const volatile __u32 self_tgid;
const volatile __u64 targ_cgroup;
const volatile bool filter_comm;
const volatile char targ_comm[16];
const volatile bool filter_ids;
const volatile bool count_mode;

/* Syscalls asked for (filter_ids): 1 at arch * 1024 + nr. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCT_IDS);
	__type(key, __u32);
	__type(value, __u8);
} ids SEC(".maps");

/* Counting mode: calls per (process, syscall); the first one is reported. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct sct_seen_key);
	__type(value, __u64);
} seen SEC(".maps");

/* Counting mode: calls per syscall, all processes. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SCT_IDS);
	__type(key, __u64);
	__type(value, __u64);
} totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

static __always_inline void count(__u64 id)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(&totals, &id);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&totals, &id, &one, BPF_NOEXIST);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sct_enter, struct pt_regs *regs, long nr)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, arch = 0, k, zero = 0;
	struct sct_event *e;
	__u64 id;

	if (tgid == self_tgid || (targ_tgid && tgid != targ_tgid))
		return 0;
	if (targ_cgroup && bpf_get_current_cgroup_id() != targ_cgroup)
		return 0;
	if (filter_comm && !bw_comm_is(targ_comm))
		return 0;
	id = bw_syscall_id(t, nr);
	arch = id >> 32;
	if (filter_ids) {
		__u8 *want;

		k = arch * 1024 + (nr & 1023);
		want = bpf_map_lookup_elem(&ids, &k);
		if (!want || !*want)
			return 0;
	}
	if (count_mode) {
		struct sct_seen_key sk = { .tgid = tgid, .id = id };
		__u64 one = 1, *n;

		count(id);
		n = bpf_map_lookup_elem(&seen, &sk);
		if (n) {
			__sync_fetch_and_add(n, 1);
			return 0;
		}
		bpf_map_update_elem(&seen, &sk, &one, BPF_ANY);
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__u64 *l = bpf_map_lookup_elem(&lost, &zero);

		if (l)
			(*l)++;
		return 0;
	}
	e->ts = bpf_ktime_get_boot_ns();
	e->start = BPF_CORE_READ(t, group_leader, start_time);
	e->exec_seq = BPF_CORE_READ(t, self_exec_id);
	e->id = id;
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->pid = tgid;
	e->tid = (__u32)pid_tgid;
	e->ppid = BPF_CORE_READ(t, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->first = count_mode;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}
