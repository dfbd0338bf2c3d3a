/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which container a process runs in, from its cgroup v2 path: the same
 * mapping bpf/container.bpf.h makes in the kernel, so that rules, filters
 * and tracers agree on the short id.
 */
#ifndef BULWARK_CONTAINER_H
#define BULWARK_CONTAINER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "container_ids.h"

enum container_runtime {
	CTR_RT_NONE = 0,
	CTR_RT_DOCKER,
	CTR_RT_CONTAINERD,
	CTR_RT_CRIO,
	CTR_RT_PODMAN,
	CTR_RT_LXC,
	CTR_RT_NSPAWN,
};

#define CTR_ID_MAX	256	/* a hex id or a name, with its NUL */
#define CTR_POD_UID_MAX	40

struct container_ref {
	enum container_runtime runtime;
	bool named;			/* id is a name (LXC, nspawn), not hex */
	bool partial;			/* only short_id is known (a record) */
	char id[CTR_ID_MAX];		/* 64 hex characters, or the name */
	char short_id[BW_CTR_ID_LEN];	/* what the kernel side reports */
	char pod_uid[CTR_POD_UID_MAX];	/* Kubernetes pod uid, "" if none */
	char cgroup[PATH_MAX];		/* the cgroup that names the container */
};

struct container_info {
	struct container_ref ref;
	pid_t *pids;			/* host pids, ascending */
	size_t npids;
	/* namespace inodes of the first process; 0 when unreadable */
	uint64_t pidns, mntns, netns, userns;
};

const char *container_runtime_name(enum container_runtime rt);

/*
 * Map a cgroup v2 path (the "0::" line of /proc/PID/cgroup) to the
 * container it belongs to.  Returns 1 and fills out when the path is in a
 * container, 0 when not, -EINVAL for a path that is not absolute.
 */
int container_from_cgroup(const char *cgroup_path, struct container_ref *out);

/* The same for a process: 1, 0, or a negative errno (-ENOENT: gone). */
int container_of_pid(const char *proc_root, pid_t pid, struct container_ref *out);

/*
 * Every running container, from the processes under proc_root (NULL:
 * "/proc"), sorted by cgroup path.  Processes that exit during the scan
 * are skipped.  Returns 0, or a negative errno when proc_root cannot be
 * read; free the list with container_list_free.
 */
int container_list(const char *proc_root, struct container_info **out, size_t *n);
void container_list_free(struct container_info *list, size_t n);

/* How a rule or filter value names a container. */
enum container_value {
	CTR_VAL_ID,		/* 12 to 64 lowercase hex characters */
	CTR_VAL_NAME,		/* an LXC or nspawn name */
	CTR_VAL_BAD_ID,		/* hex digits only, but not a valid id */
	CTR_VAL_BAD_NAME,	/* neither */
};

#define CTR_NAME_MAX	BW_CTR_NAME_MAX	/* longest name a value may give */

enum container_value container_value_kind(const char *v);

/* The short id a valid value stands for: the kernel compares only this. */
void container_value_short(const char *v, char dst[BW_CTR_ID_LEN]);

/*
 * Does the container match want, a filter's value: an id or a prefix of
 * one of at least 12 hex characters, or a name (compared whole)?  A ref
 * that knows only a short id (from a record) matches what has the same
 * short id.
 */
bool container_match(const struct container_ref *c, const char *want);

/* A ref that knows only the short id of a record (runtime unknown). */
void container_ref_from_short(const char *short_id, struct container_ref *out);

#endif
