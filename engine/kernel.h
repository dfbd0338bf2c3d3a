/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_KERNEL_H
#define BULWARK_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#define LSM_LIST_PATH "/sys/kernel/security/lsm"

/*
 * Read the active LSM list into buf (mounting securityfs when root and
 * it is not mounted).  Returns 1 if "bpf" is in it, 0 if not, -errno if
 * the list cannot be read.
 */
int kernel_bpf_lsm_active(char *buf, size_t len);

/* Make sure tracefs is mounted (tp programs need its event ids). */
int kernel_ensure_tracefs(void);
/* Inode number of PID 1's mount namespace, the one paths are resolved
 * from; the engine's own when PID 1's cannot be read; 0 when neither can
 * (paths as each mount's namespace sees them). */
unsigned int kernel_host_mntns(void);
bool kernel_tracepoint_exists(const char *category, const char *name);

bool kernel_has_btf(void);

/* Does the kernel run i386 code (int $0x80)?  Not where ia32_emulation is
 * off or not built: asked of a child, which such a kernel kills with
 * SIGSEGV (a seccomp filter's refusal says it does). */
bool kernel_runs_ia32(void);

/* cgroup v2 mount point into buf (BW_CGROUP_ROOT overrides, for tests). */
int kernel_cgroup2_root(char *buf, size_t len);
/* cgroup id (the inode of its directory) of a cgroup v2 path like /a/b. */
int cgroup_id_of_path(const char *path, unsigned long long *id);

#endif
