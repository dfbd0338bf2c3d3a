// SPDX-License-Identifier: GPL-2.0
/*
 * profile: a perf_event program on a CPU clock (hardware cycles where the
 * machine has a PMU, else the software cpu-clock) samples each CPU's
 * running task and counts its user and kernel stacks in the kernel; user
 * space reads the counts at the end (or every interval), symbolizes and
 * folds them.  No record goes through the ring buffer.
 * Variants and the per-CPU events: engine/trace_profile.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"
#include "profile.h"

const volatile struct prof_cfg prof_cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, PROF_STACKS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PROF_MAX_DEPTH * sizeof(__u64));
} prof_stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROF_STACKS);
	__type(key, struct prof_key);
	__type(value, __u64);
} prof_counts SEC(".maps");

#include "profile_lua.bpf.h"

SEC("perf_event")
int profile_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct prof_key key = {};
	__u64 one = 1, *n;

	/* the idle task: not a program's time */
	if (!(__u32)id || !tr_wanted())
		return 0;
	key.pid = id >> 32;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.kstack = prof_cfg.user_only ? -1 :
		     bpf_get_stackid(ctx, &prof_stacks, 0);
	key.ustack = prof_cfg.kernel_only ? -1 :
		     bpf_get_stackid(ctx, &prof_stacks, BPF_F_USER_STACK);
	if (prof_cfg.lua && !prof_cfg.kernel_only)
		key.lua = prof_lua_walk(ctx, (__u32)id);
	n = bpf_map_lookup_elem(&prof_counts, &key);
	if (n) {
		__sync_fetch_and_add(n, 1);
		return 0;
	}
	if (bpf_map_update_elem(&prof_counts, &key, &one, BPF_NOEXIST)) {
		n = bpf_map_lookup_elem(&prof_counts, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
		else
			tr_count_lost();
	}
	return 0;
}
