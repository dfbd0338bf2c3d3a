// SPDX-License-Identifier: GPL-2.0
/*
 * Host-test helper: prints container_list() of this host, one container
 * a line, for tests/host/run.sh:
 *   RUNTIME SHORT_ID ID CGROUP pids=P1,P2 pidns=N mntns=N netns=N userns=N pod=UID
 */
#include <stdio.h>

#include "container.h"

int main(void)
{
	struct container_info *list;
	size_t n;
	int err;

	err = container_list(NULL, &list, &n);
	if (err) {
		fprintf(stderr, "ctrscan: /proc: error %d\n", err);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct container_info *ci = &list[i];

		printf("%s %s %s %s pids=", container_runtime_name(ci->ref.runtime),
		       ci->ref.short_id, ci->ref.id, ci->ref.cgroup);
		for (size_t k = 0; k < ci->npids; k++)
			printf("%s%d", k ? "," : "", (int)ci->pids[k]);
		printf(" pidns=%llu mntns=%llu netns=%llu userns=%llu pod=%s\n",
		       (unsigned long long)ci->pidns, (unsigned long long)ci->mntns,
		       (unsigned long long)ci->netns, (unsigned long long)ci->userns,
		       ci->ref.pod_uid[0] ? ci->ref.pod_uid : "-");
	}
	container_list_free(list, n);
	return 0;
}
