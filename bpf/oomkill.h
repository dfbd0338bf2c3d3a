/* SPDX-License-Identifier: GPL-2.0 */
/* The oomkill tracer's record, shared by bpf/oomkill.bpf.c and the engine. */
#ifndef BULWARK_OOMKILL_H
#define BULWARK_OOMKILL_H

#include "trace.h"

struct tr_oom {
	struct tr_ident h;	/* the task whose allocation triggered the kill */
	__u64 total_vm_kb;	/* the victim's, when have_detail */
	__u64 anon_rss_kb;
	__u64 file_rss_kb;
	__u64 shmem_rss_kb;
	__u32 victim_pid;	/* tgid */
	__u32 victim_uid;	/* when have_detail */
	__s32 oom_score_adj;	/* when have_detail */
	__u8 have_detail;	/* 0: the kernel's tracepoint gives the pid only */
	__u8 pad[3];
	char victim_comm[TR_COMM_LEN];
};

#endif
