// SPDX-License-Identifier: GPL-2.0
/*
 * container: cgroup v2 directories made and removed, and processes moved
 * into them.  Which of them are containers is decided in user space, by
 * the same naming rules as everywhere else (engine/container.c), so this
 * sends every cgroup v2 change: there are few.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"

/* Only the unified (v2) hierarchy: its root has hierarchy id 0. */
static __always_inline bool on_v2(struct cgroup *cgrp)
{
	return BPF_CORE_READ(cgrp, root, hierarchy_id) == 0;
}

static __always_inline void emit(struct cgroup *cgrp, const char *path,
				 struct task_struct *task, __u32 event)
{
	struct task_struct *cur = (struct task_struct *)bpf_get_current_task();
	struct tr_cgroup *e;

	if (!on_v2(cgrp) || !tr_task_wanted(task ? task : cur))
		return;
	e = tr_reserve(sizeof(*e));
	if (!e)
		return;
	/* the identity is the process concerned: the one moved, or the caller */
	tr_ident_fill_task(&e->h, task ? task : cur, event);
	e->cgid = BPF_CORE_READ(cgrp, kn, id);
	e->event = event;
	e->level = BPF_CORE_READ(cgrp, level);
	e->target_pid = task ? BPF_CORE_READ(task, tgid) : 0;
	e->root = 0;
	if (bpf_probe_read_kernel_str(e->path, sizeof(e->path), path) < 0)
		e->path[0] = 0;
	bpf_ringbuf_submit(e, 0);
}

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(btf_mkdir, struct cgroup *cgrp, const char *path)
{
	emit(cgrp, path, NULL, TR_CG_MKDIR);
	return 0;
}

SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(btf_rmdir, struct cgroup *cgrp, const char *path)
{
	emit(cgrp, path, NULL, TR_CG_RMDIR);
	return 0;
}

SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(btf_attach, struct cgroup *dst, const char *path, struct task_struct *task)
{
	emit(dst, path, task, TR_CG_ATTACH);
	return 0;
}

SEC("raw_tp/cgroup_mkdir")
int BPF_PROG(raw_mkdir, struct cgroup *cgrp, const char *path)
{
	emit(cgrp, path, NULL, TR_CG_MKDIR);
	return 0;
}

SEC("raw_tp/cgroup_rmdir")
int BPF_PROG(raw_rmdir, struct cgroup *cgrp, const char *path)
{
	emit(cgrp, path, NULL, TR_CG_RMDIR);
	return 0;
}

SEC("raw_tp/cgroup_attach_task")
int BPF_PROG(raw_attach, struct cgroup *dst, const char *path, struct task_struct *task)
{
	emit(dst, path, task, TR_CG_ATTACH);
	return 0;
}
