// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <limits.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kernel.h"
#include "util.h"

static int read_small_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

int kernel_bpf_lsm_active(char *buf, size_t len)
{
	int err = read_small_file(LSM_LIST_PATH, buf, len);

	if (err == -ENOENT && geteuid() == 0) {
		if (mount("securityfs", "/sys/kernel/security", "securityfs",
			  0, NULL) == 0)
			err = read_small_file(LSM_LIST_PATH, buf, len);
	}
	if (err) {
		buf[0] = 0;
		return err;
	}
	for (char *tok = buf, *end; *tok; tok = end) {
		end = strchrnul(tok, ',');
		if (end - tok == 3 && !strncmp(tok, "bpf", 3))
			return 1;
		if (*end)
			end++;
	}
	return 0;
}

unsigned int kernel_host_mntns(void)
{
	struct stat st;

	/* PID 1's; where a sandbox hides it, the engine's own */
	if (stat("/proc/1/ns/mnt", &st) && stat("/proc/self/ns/mnt", &st))
		return 0;
	return (unsigned int)st.st_ino;
}

int kernel_ensure_tracefs(void)
{
	struct stat st;

	if (!stat("/sys/kernel/tracing/events", &st) ||
	    !stat("/sys/kernel/debug/tracing/events", &st))
		return 0;
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL))
		return -errno;
	return 0;
}

bool kernel_tracepoint_exists(const char *category, const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/%s",
		 category, name);
	if (!stat(path, &st))
		return true;
	snprintf(path, sizeof(path), "/sys/kernel/debug/tracing/events/%s/%s",
		 category, name);
	return !stat(path, &st);
}

bool kernel_has_btf(void)
{
	return access("/sys/kernel/btf/vmlinux", R_OK) == 0;
}

bool kernel_runs_ia32(void)
{
#if defined(__x86_64__)
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		long nr = 20;	/* i386's getpid */

		/* the fault must kill: not a handler's (ASan's) report */
		signal(SIGSEGV, SIG_DFL);
		__asm__ volatile("int $0x80" : "+a"(nr) : : "memory");
		_exit(0);
	}
	if (pid < 0)
		return true;	/* cannot tell: as if it did */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return true;
	/* Without i386 emulation int $0x80 faults: SIGSEGV.  A seccomp filter
	 * of ours (systemd's SystemCallArchitectures=native) may refuse or
	 * kill the call with SIGSYS: the kernel runs such calls for others. */
	return !(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
#else
	return false;
#endif
}

int kernel_cgroup2_root(char *buf, size_t len)
{
	const char *env = getenv("BW_CGROUP_ROOT");
	struct mntent *m, ent;
	char strs[1024];
	FILE *f;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return 0;
	}
	f = setmntent("/proc/self/mounts", "r");
	if (!f)
		return -errno;
	/* hybrid hosts mount it at /sys/fs/cgroup/unified */
	while ((m = getmntent_r(f, &ent, strs, sizeof(strs)))) {
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(buf, len, "%s", m->mnt_dir);
			endmntent(f);
			return 0;
		}
	}
	endmntent(f);
	return -ENOENT;
}

int cgroup_id_of_path(const char *path, unsigned long long *id)
{
	char root[PATH_MAX], full[PATH_MAX];
	size_t len = strlen(path);
	struct stat st;
	int err = kernel_cgroup2_root(root, sizeof(root));

	if (err)
		return err;
	while (len > 1 && path[len - 1] == '/')
		len--;
	if (snprintf(full, sizeof(full), "%s%.*s", root,
		     (int)(len == 1 ? 0 : len), path) >= (int)sizeof(full))
		return -ENAMETOOLONG;
	if (stat(full, &st))
		return -errno;
	*id = st.st_ino;
	return 0;
}
