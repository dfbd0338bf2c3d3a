// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdbool.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "events.h"
#include "names.h"
#include "util.h"

int cap_from_string(const char *s)
{
	char lower[64];
	cap_value_t v;
	size_t i;

	if (strncasecmp(s, "cap_", 4) || strlen(s) >= sizeof(lower))
		return -1;
	for (i = 0; s[i]; i++) {
		/* libcap stops at the first other character: cap_chown+ep */
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return -1;
		lower[i] = tolower((unsigned char)s[i]);
	}
	lower[i] = 0;
	if (cap_from_name(lower, &v) || v < 0 || v > 63)
		return -1;
	return v;
}

const char *cap_name(unsigned int cap, char *buf, size_t len)
{
	char *n = cap_to_name(cap);

	snprintf(buf, len, "%s", n ? n : "unknown");
	cap_free(n);
	return buf;
}

static const char *const sig_names[] = {
	[1] = "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
	"USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD",
	"CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
	"VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
};

#define SIG_RTMIN 34	/* glibc's SIGRTMIN: it keeps 32 and 33 for itself */
#define SIG_MAX 64

/* RTMIN, RTMIN+N, RTMAX, RTMAX-N */
static int rt_signal(const char *name)
{
	unsigned long long n = 0;
	bool min = !strncasecmp(name, "rtmin", 5);

	if (!min && strncasecmp(name, "rtmax", 5))
		return -1;
	if (name[5] && (name[5] != (min ? '+' : '-') ||
			parse_u64(name + 6, SIG_MAX - SIG_RTMIN, &n)))
		return -1;
	return min ? SIG_RTMIN + (int)n : SIG_MAX - (int)n;
}

int signal_from_string(const char *s)
{
	unsigned long long n;
	const char *name = s;

	if (!parse_u64(s, SIG_MAX, &n))
		return n;
	if (!strncasecmp(name, "sig", 3)) {
		name += 3;
		/* SIG34, as signal_name() writes real-time signals */
		if (!parse_u64(name, SIG_MAX, &n))
			return n;
	}
	for (size_t i = 1; i < ARRAY_SIZE(sig_names); i++)
		if (!strcasecmp(name, sig_names[i]))
			return i;
	return rt_signal(name);
}

const char *signal_name(unsigned int sig, char *buf, size_t len)
{
	size_t n;

	if (!sig || sig >= ARRAY_SIZE(sig_names))
		snprintf(buf, len, "SIG%u", sig);
	else if ((n = strlen(sig_names[sig])) + 4 > len)
		snprintf(buf, len, "SIG%s", sig_names[sig]);	/* cut */
	else	/* a decision record names its signal: no printf for it */
		memcpy(mempcpy(buf, "SIG", 3), sig_names[sig], n + 1);
	return buf;
}

static const char *const ipc_kinds[] = {
	[BW_IPC_UNKNOWN] = "unknown", [BW_IPC_SHM] = "shm",
	[BW_IPC_MSG] = "msg", [BW_IPC_SEM] = "sem",
};

static const char *const mount_ops[] = {
	[BW_MNT_MOUNT] = "mount", [BW_MNT_UMOUNT] = "umount",
	[BW_MNT_REMOUNT] = "remount", [BW_MNT_MOVE] = "move",
	[BW_MNT_BIND] = "bind", [BW_MNT_PIVOT_ROOT] = "pivot_root",
};

static int lookup(const char *const *tab, size_t n, const char *s, size_t first)
{
	for (size_t i = first; i < n; i++)
		if (tab[i] && !strcmp(tab[i], s))
			return i;
	return -1;
}

int ipc_kind_from_string(const char *s)
{
	return lookup(ipc_kinds, ARRAY_SIZE(ipc_kinds), s, 1);
}

const char *ipc_kind_name(unsigned int kind)
{
	return kind < ARRAY_SIZE(ipc_kinds) ? ipc_kinds[kind] : "unknown";
}

int ipc_access_from_string(const char *s)
{
	if (!strcmp(s, "read"))
		return BW_IPC_READ;
	if (!strcmp(s, "write"))
		return BW_IPC_WRITE;
	return -1;
}

const char *ipc_access_name(unsigned int mask)
{
	switch (mask & 3) {
	case BW_IPC_READ: return "read";
	case BW_IPC_WRITE: return "write";
	case BW_IPC_READ | BW_IPC_WRITE: return "read,write";
	default: return "none";
	}
}

int mount_op_from_string(const char *s)
{
	return lookup(mount_ops, ARRAY_SIZE(mount_ops), s, 1);
}

const char *mount_via_name(unsigned int via)
{
	static const char *const names[] = {
		[BW_MVIA_MOUNT] = "mount", [BW_MVIA_MOVE_MOUNT] = "move_mount",
		[BW_MVIA_UMOUNT] = "umount", [BW_MVIA_PIVOT_ROOT] = "pivot_root",
		[BW_MVIA_MOUNT_SETATTR] = "mount_setattr",
		[BW_MVIA_FSCONFIG] = "fsconfig",
	};

	return via < ARRAY_SIZE(names) && names[via] ? names[via] : "unknown";
}

const char *exec_op_name(unsigned int op)
{
	static const char *const names[] = {
		[BW_EXEC_EXEC] = "exec", [BW_EXEC_MMAP] = "mmap",
		[BW_EXEC_MPROTECT] = "mprotect",
	};

	return op < ARRAY_SIZE(names) && names[op] ? names[op] : "unknown";
}

const char *mount_op_name(unsigned int op)
{
	return op < ARRAY_SIZE(mount_ops) && mount_ops[op] ? mount_ops[op] : "unknown";
}

/* 4294967295 is (uid_t)-1, "no id"; it is not a valid rule value. */
#define ID_MAX 4294967294ULL

static int id_from_string(const char *s, uint32_t *out, bool group)
{
	unsigned long long n;

	if (isdigit((unsigned char)*s) || *s == '-' || *s == '+') {
		if (parse_u64(s, ID_MAX, &n))
			return -2;
		*out = n;
		return 0;
	}
	if (group) {
		struct group *gr = getgrnam(s);

		if (!gr)
			return -1;
		*out = gr->gr_gid;
	} else {
		struct passwd *pw = getpwnam(s);

		if (!pw)
			return -1;
		*out = pw->pw_uid;
	}
	return 0;
}

int uid_from_string(const char *s, uint32_t *out)
{
	return id_from_string(s, out, false);
}

int gid_from_string(const char *s, uint32_t *out)
{
	return id_from_string(s, out, true);
}

/*
 * The kernel takes up to MAX_ERRNO (4095), libseccomp's SCMP_ACT_ERRNO
 * one less: bulwark exec and seccomp export must carry what a rule says.
 */
#define ERRNO_MAX 4094

int errno_from_string(const char *s)
{
	unsigned long long n;

	if (!parse_u64(s, ERRNO_MAX, &n))
		return n ? (int)n : -1;
	for (int e = 1; e < 200; e++) {
		const char *name = strerrorname_np(e);

		if (name && !strcmp(name, s))
			return e;
	}
	return -1;
}

const char *errno_symbol(int e)
{
	return e > 0 ? strerrorname_np(e) : NULL;
}

const char *errno_name(int e, char *buf, size_t len)
{
	const char *name = strerrorname_np(e);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%d", e);
	return buf;
}
