// SPDX-License-Identifier: GPL-2.0
/* oomkill: OOM kills, the victim and the task that triggered the kill. */
#include <unistd.h>

#include "tracers.h"
#include "oomkill.h"
#include "oomkill.skel.h"

_Static_assert(sizeof(struct tr_oom) == sizeof(struct tr_ident) + 64,
	       "struct tr_oom: padding changed");

static void oom_json(struct json *j, const void *rec)
{
	const struct tr_oom *e = rec;
	long kb_per_page = sysconf(_SC_PAGESIZE) / 1024;

	json_ku64(j, "victim_pid", e->victim_pid);
	json_key(j, "victim_comm");
	if (e->have_detail)
		json_strn(j, e->victim_comm, sizeof(e->victim_comm));
	else
		json_null(j);
	if (!e->have_detail)
		return;
	json_ku64(j, "victim_uid", e->victim_uid);
	json_ki64(j, "oom_score_adj", e->oom_score_adj);
	json_ku64(j, "total_vm_kb", e->total_vm_kb);
	json_ku64(j, "anon_rss_kb", e->anon_rss_kb);
	json_ku64(j, "file_rss_kb", e->file_rss_kb);
	json_ku64(j, "shmem_rss_kb", e->shmem_rss_kb);
	if (kb_per_page > 0)
		json_ku64(j, "rss_pages", (e->anon_rss_kb + e->file_rss_kb +
					   e->shmem_rss_kb) / kb_per_page);
}

static void oom_row(FILE *out, const void *rec)
{
	const struct tr_oom *e = rec;

	fprintf(out, "%-7u %-16.*s", e->victim_pid, TR_COMM_LEN,
		e->have_detail ? e->victim_comm : "-");
	if (e->have_detail)
		fprintf(out, " %-10llu %llu", (unsigned long long)e->total_vm_kb,
			(unsigned long long)(e->anon_rss_kb + e->file_rss_kb +
					     e->shmem_rss_kb));
}

static const struct tr_variant variants[] = {
	{ "fentry oom_kill_process", "fe_oom_kill" },
	{ "kprobe oom_kill_process", "kp_oom_kill" },
	{ "tp_btf oom:mark_victim (where it passes the victim's task)", "btf_victim" },
	{ "tracepoint oom:mark_victim", "tp_victim" },
	{ NULL },
};

TRACER_SKEL(oomkill)

const struct tracer_desc oomkill_tracer = {
	.name = "oomkill",
	.summary = "OOM kills: the victim, its size, and the task whose allocation "
		   "triggered the kill",
	.variants = variants,
	.rec_size = sizeof(struct tr_oom),
	TRACER_SKEL_OPS(oomkill),
	.json = oom_json,
	.columns = "VPID    VCOMM            TOTAL_KB   RSS_KB",
	.row = oom_row,
	.notes =
	"PID/COMM are the task whose allocation triggered the kill (often the\n"
	"victim itself in a memory cgroup); VPID/VCOMM the victim.  Where the\n"
	"kernel's tracepoint gives the victim's pid only (6.1), the rest is '-'.\n",
};
