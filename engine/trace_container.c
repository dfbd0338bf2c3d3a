// SPDX-License-Identifier: GPL-2.0
/*
 * container: the running containers with their host PIDs at start, then
 * containers starting (their cgroup made), processes joining them, and
 * containers stopping (their cgroup removed).  Which cgroup is a
 * container is decided by engine/container.c, as for rules and filters.
 */
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "container.h"
#include "tracers.h"
#include "container.skel.h"
#include "kernel.h"
#include "util.h"

static const char *const events[] = {
	[TR_CG_MKDIR] = "start", [TR_CG_RMDIR] = "stop", [TR_CG_ATTACH] = "join",
};

static const char *event_name(unsigned int k)
{
	return k < ARRAY_SIZE(events) && events[k] ? events[k] : "?";
}

/*
 * A start or stop is the container's own cgroup being made or removed,
 * not one nested in it; a join is any process moved into it or below.
 */
static bool container_of_rec(const struct tr_cgroup *e, struct container_ref *c)
{
	char path[TR_PATH_LEN + 1];

	memcpy(path, e->path, TR_PATH_LEN);
	path[TR_PATH_LEN] = 0;
	if (container_from_cgroup(path, c) != 1)
		return false;
	return e->event == TR_CG_ATTACH || !strcmp(c->cgroup, path);
}

static bool container_keep(const void *rec)
{
	struct container_ref c;

	return container_of_rec(rec, &c);
}

/*
 * Is the cgroup naming c a user's (a delegated subtree's)?  Then any
 * user could have named it so, and rules take it as private (bpf/
 * container.bpf.h: the cgroup's kernfs owner is not root).  Asked while
 * the cgroup exists: not of a stop.
 */
static bool ctr_private(const struct container_ref *c)
{
	char root[PATH_MAX], path[2 * PATH_MAX];
	struct stat st;

	if (kernel_cgroup2_root(root, sizeof(root)) ||
	    (size_t)snprintf(path, sizeof(path), "%s%s", root, c->cgroup) >= sizeof(path) ||
	    stat(path, &st))
		return false;
	return st.st_uid != 0;
}

static void ref_json(struct json *j, const struct container_ref *c, bool exists)
{
	json_kstr(j, "runtime", container_runtime_name(c->runtime));
	json_kstr(j, "container", c->id);
	json_kstr(j, "short_id", c->short_id);
	if (c->pod_uid[0])
		json_kstr(j, "pod_uid", c->pod_uid);
	json_kstr(j, "cgroup", c->cgroup);
	if (exists && ctr_private(c))
		json_kbool(j, "private", true);
}

static void container_json(struct json *j, const void *rec)
{
	const struct tr_cgroup *e = rec;
	struct container_ref c;

	json_kstr(j, "state", event_name(e->event));
	if (container_of_rec(e, &c))
		ref_json(j, &c, e->event != TR_CG_RMDIR);
	if (e->event == TR_CG_ATTACH) {
		json_ku64(j, "target_pid", e->target_pid);
		json_key(j, "path");
		json_strn(j, e->path, sizeof(e->path));
	}
	json_ku64(j, "target_cgroup_id", e->cgid);
}

static void container_row(FILE *out, const void *rec)
{
	const struct tr_cgroup *e = rec;
	struct container_ref c;

	if (!container_of_rec(e, &c))
		return;
	fprintf(out, "%-7s %-10s %-15s ", event_name(e->event),
		container_runtime_name(c.runtime), c.short_id);
	if (e->event == TR_CG_ATTACH)
		fprintf(out, "pid %d", e->target_pid);
	else
		fprintf(out, "%s", c.cgroup);
}

/* The containers running now: one "running" record (or row) each. */
static void container_snapshot(const struct tr_emit *e)
{
	struct container_info *list;
	size_t n;

	if (container_list(NULL, &list, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct container_info *ci = &list[i];
		struct json *j;

		if (e->table) {
			fprintf(e->table, "%-7s %-16s %-7s %-10s %-15s pids", "-", "-", "running",
				container_runtime_name(ci->ref.runtime), ci->ref.short_id);
			for (size_t p = 0; p < ci->npids; p++)
				fprintf(e->table, " %d", ci->pids[p]);
			fputc('\n', e->table);
			continue;
		}
		j = e->begin(e->ctx);
		json_kstr(j, "state", "running");
		ref_json(j, &ci->ref, true);
		json_key(j, "pids");
		json_arr_begin(j);
		for (size_t p = 0; p < ci->npids; p++)
			json_u64(j, ci->pids[p]);
		json_arr_end(j);
		json_ku64(j, "pidns", ci->pidns);
		json_ku64(j, "mntns", ci->mntns);
		json_ku64(j, "netns", ci->netns);
		json_ku64(j, "userns", ci->userns);
		e->end(e->ctx);
	}
	container_list_free(list, n);
}

static const struct tr_variant variants[] = {
	{ "tp_btf cgroup_{mkdir,rmdir,attach_task}", "btf_mkdir btf_rmdir btf_attach" },
	{ "raw_tp cgroup_{mkdir,rmdir,attach_task}", "raw_mkdir raw_rmdir raw_attach" },
	{ NULL },
};

TRACER_SKEL(container)

const struct tracer_desc container_tracer = {
	.name = "container",
	.summary = "Running containers with their host PIDs, then starts, joins and stops "
		   "(docker, containerd/Kubernetes, cri-o, podman, LXC, systemd-nspawn)",
	.variants = variants,
	.rec_size = sizeof(struct tr_cgroup),
	TRACER_SKEL_OPS(container),
	.json = container_json,
	.columns = "STATE   RUNTIME    CONTAINER       PID / CGROUP",
	.row = container_row,
	.keep = container_keep,
	.snapshot = container_snapshot,
	.notes = "Containers are found by their cgroup v2 names (docs/rules.md, \"Containers\").\n"
		 "For a join, PID and COMM are the process moved into the container.\n",
};
