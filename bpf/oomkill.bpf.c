// SPDX-License-Identifier: GPL-2.0
/*
 * oomkill: each OOM kill's victim and the task whose allocation triggered
 * it, from oom:mark_victim.  The tracepoint fires in __oom_kill_process(),
 * in the triggering task: the identity is that task's.  On newer kernels
 * (6.18 here) it passes the victim's task and uid (tp_btf) and its record
 * carries the victim's comm, sizes and uid; on older ones (6.1) only the
 * pid.
 *
 * Where fentry or kprobes load (Debian's 6.1), oom_kill_process() gives
 * the victim's task (oom_control's chosen) on every kernel, in the same
 * triggering task, and the record is always complete.
 * Variants: engine/trace_oomkill.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"
#include "oomkill.h"

#define PAGE_KB		4	/* 4 KiB pages (x86_64) */

/* the record's 6.8 layout, whatever vmlinux.h says */
struct trace_event_raw_mark_victim___new {
	struct trace_entry ent;
	int pid;
	__u32 __data_loc_comm;
	unsigned long total_vm;
	unsigned long anon_rss;
	unsigned long file_rss;
	unsigned long shmem_rss;
	uid_t uid;
	unsigned long pgtables;
	short oom_score_adj;
} __attribute__((preserve_access_index));

static __always_inline struct tr_oom *begin(void)
{
	struct tr_oom *e;

	if (!tr_wanted())
		return NULL;
	e = tr_reserve(sizeof(*e));
	if (!e)
		return NULL;
	__builtin_memset((char *)e + sizeof(e->h), 0, sizeof(*e) - sizeof(e->h));
	tr_ident_fill(&e->h, 1);
	return e;
}

/* before 6.2, the counters were atomics in a struct */
struct mm_rss_stat___old {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
} __attribute__((preserve_access_index));

/* get_mm_counter(): a percpu_counter's approximate count since 6.2 */
static __always_inline __u64 mm_kb(struct mm_struct *mm, int i)
{
	long v = 0;

	if (bpf_core_type_exists(struct mm_rss_stat___old)) {
		__u32 off = bpf_core_field_offset(struct mm_struct___old, rss_stat);

		bpf_probe_read_kernel(&v, sizeof(v),
				      (char *)mm + off + (i & 3) * sizeof(long));
	} else {
		bpf_probe_read_kernel(&v, sizeof(v), &mm->rss_stat[i & 3].count);
	}
	return v > 0 ? (__u64)v * PAGE_KB : 0;
}

/* the victim's name, ids and sizes, from its task */
static __always_inline void detail(struct tr_oom *e, struct task_struct *task,
				   __u32 uid)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);

	e->victim_pid = BPF_CORE_READ(task, tgid);
	e->victim_uid = uid;
	e->oom_score_adj = BPF_CORE_READ(task, signal, oom_score_adj);
	bpf_probe_read_kernel(e->victim_comm, sizeof(e->victim_comm), &task->comm);
	if (mm) {
		e->total_vm_kb = BPF_CORE_READ(mm, total_vm) * PAGE_KB;
		e->anon_rss_kb = mm_kb(mm, MM_ANONPAGES);
		e->file_rss_kb = mm_kb(mm, MM_FILEPAGES);
		e->shmem_rss_kb = mm_kb(mm, MM_SHMEMPAGES);
	}
	e->have_detail = 1;
}

/*
 * tp_btf: (task, uid) on newer kernels.  The offset of the record's uid
 * field is a relocation that fails on older kernels (whose tracepoint
 * passes a pid only), so there this variant does not load and the next is
 * tried.
 */
SEC("tp_btf/mark_victim")
int BPF_PROG(btf_victim, struct task_struct *task, __u32 uid)
{
	volatile __u32 new_layout =
		bpf_core_field_offset(struct trace_event_raw_mark_victim___new, uid);
	struct tr_oom *e;

	(void)new_layout;
	e = begin();
	if (!e)
		return 0;
	detail(e, task, uid);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/oom/mark_victim")
int tp_victim(struct trace_event_raw_mark_victim___new *ctx)
{
	struct tr_oom *e = begin();

	if (!e)
		return 0;
	e->victim_pid = BPF_CORE_READ(ctx, pid);
	if (bpf_core_field_exists(ctx->uid)) {
		__u32 loc = BPF_CORE_READ(ctx, __data_loc_comm);

		/* the record's sizes are in kB already */
		e->total_vm_kb = BPF_CORE_READ(ctx, total_vm);
		e->anon_rss_kb = BPF_CORE_READ(ctx, anon_rss);
		e->file_rss_kb = BPF_CORE_READ(ctx, file_rss);
		e->shmem_rss_kb = BPF_CORE_READ(ctx, shmem_rss);
		e->victim_uid = BPF_CORE_READ(ctx, uid);
		e->oom_score_adj = BPF_CORE_READ(ctx, oom_score_adj);
		bpf_probe_read_kernel_str(e->victim_comm, sizeof(e->victim_comm),
					  (char *)ctx + (loc & 0xffff));
		e->have_detail = 1;
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* ---- variants: fentry and kprobe on oom_kill_process() ---- */

/* in the triggering task; oc->chosen is the victim */
static __always_inline void kill_process(struct oom_control *oc)
{
	struct task_struct *task = BPF_CORE_READ(oc, chosen);
	struct tr_oom *e;

	if (!task)
		return;
	e = begin();
	if (!e)
		return;
	/* the tracepoint's uid: task_uid(), the real credentials' */
	detail(e, task, BPF_CORE_READ(task, real_cred, uid.val));
	bpf_ringbuf_submit(e, 0);
}

SEC("fentry/oom_kill_process")
int BPF_PROG(fe_oom_kill, struct oom_control *oc)
{
	kill_process(oc);
	return 0;
}

SEC("kprobe/oom_kill_process")
int BPF_KPROBE(kp_oom_kill, struct oom_control *oc)
{
	kill_process(oc);
	return 0;
}
