// SPDX-License-Identifier: GPL-2.0
/* Syscall names and groups, resolved with libseccomp for every entry point. */
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "syscalls.h"
#include "util.h"

static const uint32_t sc_arches[BW_SC_NARCH] = {
	[BW_SC_X86_64] = SCMP_ARCH_X86_64,
	[BW_SC_I386] = SCMP_ARCH_X86,
	[BW_SC_X32] = SCMP_ARCH_X32,
};

#define G(...) ((const char *const[]){ __VA_ARGS__, NULL })

/*
 * Version BW_SC_GROUPS_VERSION; change the version with any change here.
 * Only calls of x86_64, i386 or x32 (Linux 6.1): the unit test resolves
 * every member.  Calls of other architectures that systemd's groups list
 * (subpage_prot, switch_endian, sys_debug_setcontext, pciconfig_*) are left
 * out: libseccomp gives them pseudo numbers here, some of them shared.
 */
static const struct bw_sc_group groups[] = {
	{ "@aio", "asynchronous I/O",
	  G("io_cancel", "io_destroy", "io_getevents", "io_pgetevents",
	    "io_pgetevents_time64", "io_setup", "io_submit", "io_uring_enter",
	    "io_uring_register", "io_uring_setup") },
	{ "@basic-io", "reading and writing open files",
	  G("_llseek", "close", "close_range", "dup", "dup2", "dup3", "lseek", "pread64",
	    "preadv", "preadv2", "pwrite64", "pwritev", "pwritev2", "read", "readv",
	    "write", "writev") },
	{ "@chown", "changing file ownership",
	  G("chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32") },
	{ "@clock", "setting the system clock",
	  G("adjtimex", "clock_adjtime", "clock_adjtime64", "clock_settime",
	    "clock_settime64", "settimeofday", "stime") },
	{ "@cpu-emulation", "emulating other CPU modes",
	  G("modify_ldt", "vm86", "vm86old") },
	{ "@debug", "debugging and tracing other processes",
	  G("kcmp", "lookup_dcookie", "perf_event_open", "pidfd_getfd", "process_vm_readv",
	    "process_vm_writev", "ptrace") },
	{ "@file-system", "files and directories by path",
	  G("access", "chdir", "chmod", "close", "creat", "faccessat", "faccessat2",
	    "fallocate", "fchdir", "fchmod", "fchmodat", "fcntl", "fcntl64", "fgetxattr",
	    "flistxattr", "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64",
	    "fstatfs", "fstatfs64", "ftruncate", "ftruncate64", "futimesat", "getcwd",
	    "getdents", "getdents64", "getxattr", "inotify_add_watch", "inotify_init",
	    "inotify_init1", "inotify_rm_watch", "lgetxattr", "link", "linkat",
	    "listxattr", "llistxattr", "lremovexattr", "lsetxattr", "lstat", "lstat64",
	    "mkdir", "mkdirat", "mknod", "mknodat", "newfstatat", "oldfstat", "oldlstat",
	    "oldstat", "open", "openat", "openat2", "readdir", "readlink", "readlinkat",
	    "removexattr", "rename", "renameat",
	    "renameat2", "rmdir", "setxattr", "stat", "stat64", "statfs", "statfs64",
	    "statx", "symlink", "symlinkat", "truncate", "truncate64", "unlink",
	    "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes") },
	{ "@io-event", "waiting for events on file descriptors",
	  G("_newselect", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_pwait",
	    "epoll_pwait2", "epoll_wait", "eventfd", "eventfd2", "poll", "ppoll",
	    "ppoll_time64", "pselect6", "pselect6_time64", "select") },
	{ "@ipc", "System V and POSIX IPC, pipes",
	  G("ipc", "memfd_create", "mq_getsetattr", "mq_notify", "mq_open",
	    "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend",
	    "mq_timedsend_time64", "mq_unlink", "msgctl", "msgget", "msgrcv", "msgsnd",
	    "pipe", "pipe2", "semctl", "semget", "semop",
	    "semtimedop", "semtimedop_time64", "shmat", "shmctl", "shmdt", "shmget") },
	{ "@keyring", "the kernel keyring",
	  G("add_key", "keyctl", "request_key") },
	{ "@memlock", "locking memory",
	  G("mlock", "mlock2", "mlockall", "munlock", "munlockall") },
	{ "@module", "loading and unloading kernel modules",
	  G("delete_module", "finit_module", "init_module") },
	{ "@mount", "mounting and unmounting file systems",
	  G("chroot", "fsconfig", "fsmount", "fsopen", "fspick", "mount",
	    "mount_setattr", "move_mount", "open_tree", "pivot_root", "umount",
	    "umount2") },
	{ "@network-io", "sockets",
	  G("accept", "accept4", "bind", "connect", "getpeername", "getsockname",
	    "getsockopt", "listen", "recvfrom", "recvmmsg", "recvmmsg_time64",
	    "recvmsg", "sendmmsg", "sendmsg", "sendto", "setsockopt", "shutdown",
	    "socket", "socketcall", "socketpair") },
	{ "@obsolete", "calls nothing current uses",
	  G("_sysctl", "afs_syscall", "bdflush", "break", "create_module", "ftime",
	    "get_kernel_syms", "getpmsg", "gtty", "idle", "lock", "mpx", "prof", "profil",
	    "putpmsg", "query_module", "security", "sgetmask", "ssetmask", "stty",
	    "sysfs", "tuxcall", "ulimit", "uselib", "ustat", "vserver") },
	{ "@pkey", "memory protection keys",
	  G("pkey_alloc", "pkey_free", "pkey_mprotect") },
	{ "@privileged", "calls that need privileges",
	  G("@chown", "@clock", "@module", "@raw-io", "@reboot", "@swap", "_sysctl",
	    "acct", "bpf", "capset", "chroot", "fanotify_init", "fanotify_mark",
	    "mount", "nfsservctl", "open_by_handle_at", "pivot_root", "quotactl",
	    "quotactl_fd", "setdomainname", "setfsuid", "setfsuid32", "setgroups",
	    "setgroups32", "sethostname", "setresuid", "setresuid32", "setreuid",
	    "setreuid32", "setuid", "setuid32", "umount2", "vhangup") },
	{ "@process", "creating, changing and ending processes",
	  G("capget", "clone", "clone3", "execve", "execveat", "fork", "getrusage",
	    "kill", "pidfd_open", "pidfd_send_signal", "prctl", "rt_sigqueueinfo",
	    "rt_tgsigqueueinfo", "setns", "tgkill", "times", "tkill",
	    "unshare", "vfork", "wait4", "waitid", "waitpid") },
	{ "@raw-io", "raw I/O port and PCI access",
	  G("ioperm", "iopl") },
	{ "@reboot", "rebooting and loading a new kernel",
	  G("kexec_file_load", "kexec_load", "reboot") },
	{ "@resources", "changing resource limits and scheduling",
	  G("ioprio_set", "mbind", "migrate_pages", "move_pages", "nice",
	    "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler",
	    "set_mempolicy", "set_mempolicy_home_node", "setpriority", "setrlimit",
	    "prlimit64") },
	{ "@sandbox", "setting up sandboxes",
	  G("landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self",
	    "seccomp") },
	{ "@setuid", "changing user and group ids",
	  G("setgid", "setgid32", "setgroups", "setgroups32", "setregid", "setregid32",
	    "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid",
	    "setreuid32", "setuid", "setuid32") },
	{ "@signal", "signal handling",
	  G("rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigsuspend",
	    "rt_sigtimedwait", "rt_sigtimedwait_time64", "sigaction", "sigaltstack",
	    "signal", "signalfd", "signalfd4", "sigpending", "sigprocmask",
	    "sigsuspend") },
	{ "@swap", "enabling and disabling swap",
	  G("swapoff", "swapon") },
	{ "@sync", "flushing files to disk",
	  G("fdatasync", "fsync", "msync", "sync", "sync_file_range", "syncfs") },
	{ "@timer", "timers and alarms",
	  G("alarm", "getitimer", "setitimer", "timer_create", "timer_delete",
	    "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime",
	    "timer_settime64", "timerfd_create", "timerfd_gettime",
	    "timerfd_gettime64", "timerfd_settime", "timerfd_settime64") },
};

const struct bw_sc_group *syscall_groups(size_t *n)
{
	*n = ARRAY_SIZE(groups);
	return groups;
}

static const struct bw_sc_group *find_group(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
		if (!strcmp(groups[i].name, name))
			return &groups[i];
	return NULL;
}

static void add_id(uint64_t **ids, size_t *n, uint64_t id)
{
	for (size_t i = 0; i < *n; i++)
		if ((*ids)[i] == id)
			return;
	*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
	(*ids)[(*n)++] = id;
}

static bool valid_name(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(s);
}

/*
 * i386's socket and System V IPC calls have had numbers of their own since
 * 4.3 and 5.1, and a 32-bit call is reported with them (the engine decides
 * socketcall() and ipc() as the call they multiplex, bpf/bulwark.bpf.c
 * ia32_demux()); libseccomp names them by pseudo numbers, since its filters
 * go through the multiplexers.  Without these a rule naming connect would
 * not see a 32-bit connect at all.  accept, send, recv and semop have no
 * number of their own there: the kernel makes them as accept4, sendto,
 * recvfrom and semtimedop, and rules naming those decide them.
 */
static const struct {
	const char *name;
	int nr;
} i386_direct[] = {
	{ "socket", 359 }, { "socketpair", 360 }, { "bind", 361 }, { "connect", 362 },
	{ "listen", 363 }, { "accept4", 364 }, { "getsockopt", 365 },
	{ "setsockopt", 366 }, { "getsockname", 367 }, { "getpeername", 368 },
	{ "sendto", 369 }, { "sendmsg", 370 }, { "recvfrom", 371 }, { "recvmsg", 372 },
	{ "shutdown", 373 }, { "semget", 393 }, { "semctl", 394 }, { "shmget", 395 },
	{ "shmctl", 396 }, { "shmat", 397 }, { "shmdt", 398 }, { "msgget", 399 },
	{ "msgsnd", 400 }, { "msgrcv", 401 }, { "msgctl", 402 },
	{ "semtimedop", 420 },	/* semtimedop_time64: i386's only semtimedop */
};

static int resolve_nr(int arch, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(sc_arches[arch], name);

	for (size_t i = 0; nr < 0 && arch == BW_SC_I386 && i < ARRAY_SIZE(i386_direct); i++)
		if (!strcmp(name, i386_direct[i].name))
			nr = i386_direct[i].nr;
	return nr;
}

/* Returns the number of arches the name exists on. */
static int resolve_one(const char *name, uint64_t **ids, size_t *n)
{
	int found = 0;

	for (int a = 0; a < BW_SC_NARCH; a++) {
		int nr = resolve_nr(a, name);

		if (nr < 0)
			continue;
		add_id(ids, n, BW_SC_ID(a, nr));
		found++;
	}
	return found;
}

static int resolve_group(const struct bw_sc_group *g, uint64_t **ids,
			 size_t *n, int depth)
{
	if (depth > 4)
		return -1;	/* the table nests two levels at most */
	for (const char *const *m = g->members; *m; m++) {
		if ((*m)[0] == '@') {
			const struct bw_sc_group *sub = find_group(*m);

			if (!sub || resolve_group(sub, ids, n, depth + 1))
				return -1;
		} else {
			resolve_one(*m, ids, n);
		}
	}
	return 0;
}

int syscall_resolve(const char *name, uint64_t **ids, size_t *n)
{
	if (name[0] == '@') {
		const struct bw_sc_group *g = find_group(name);

		return g ? resolve_group(g, ids, n, 0) : -1;
	}
	if (!valid_name(name))
		return -1;
	return resolve_one(name, ids, n) > 0 ? 0 : -1;
}

const char *syscall_name(uint64_t id, char *buf, size_t len)
{
	static const char *const prefix[BW_SC_NARCH] = { "", "ia32:", "x32:" };
	unsigned int arch = BW_SC_ARCH(id);
	char *name = NULL;

	if (arch < BW_SC_NARCH)
		name = seccomp_syscall_resolve_num_arch(sc_arches[arch],
							(int)BW_SC_NR(id));
	if (name)
		snprintf(buf, len, "%s%s", prefix[arch], name);
	else if (arch < BW_SC_NARCH)
		snprintf(buf, len, "%sunknown(%u)", prefix[arch], BW_SC_NR(id));
	else
		snprintf(buf, len, "unknown(%#llx)", (unsigned long long)id);
	free(name);
	return buf;
}

void syscall_groups_print(FILE *out, bool json)
{
	if (json) {
		struct json j;

		json_init(&j);
		json_obj_begin(&j);
		json_ku64(&j, "version", BW_SC_GROUPS_VERSION);
		json_key(&j, "groups");
		json_obj_begin(&j);
		for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
			json_key_rt(&j, groups[i].name);
			json_obj_begin(&j);
			json_kstr(&j, "description", groups[i].description);
			json_key(&j, "members");
			json_arr_begin(&j);
			for (const char *const *m = groups[i].members; *m; m++)
				json_str(&j, *m);
			json_arr_end(&j);
			json_obj_end(&j);
		}
		json_obj_end(&j);
		json_obj_end(&j);
		json_write_line(&j, out);
		json_free(&j);
		return;
	}
	fprintf(out, "syscall groups, version %d\n", BW_SC_GROUPS_VERSION);
	for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
		int col = 4;

		fprintf(out, "\n%-16s %s\n   ", groups[i].name, groups[i].description);
		for (const char *const *m = groups[i].members; *m; m++) {
			int w = (int)strlen(*m) + 1;

			if (col + w > 78) {
				fputs("\n   ", out);
				col = 4;
			}
			fprintf(out, " %s", *m);
			col += w;
		}
		fputc('\n', out);
	}
}
