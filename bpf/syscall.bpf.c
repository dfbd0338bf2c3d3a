// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall tracer: raw_syscalls/sys_enter with every filter applied in
 * the kernel, so that unrequested calls never reach user space.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"
#include "syscall.h"

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
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, arch = 0, k;
	struct sct_event *e;
	__u64 id;

	if (!tr_wanted())
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
	e = tr_reserve(sizeof(*e));
	if (!e)
		return 0;
	tr_ident_fill_task(&e->h, t, 0);
	e->id = id;
	e->first = count_mode;
	e->pad = 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}
