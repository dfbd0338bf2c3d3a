// SPDX-License-Identifier: GPL-2.0
/*
 * bwtest: helper for the VM tests (tests/vm/scenarios.sh).
 *
 * Each subcommand performs one real operation that a bulwark rule can
 * deny and prints
 *
 *	pid=N
 *	[step=SYSCALL]		only on failure: the call that failed
 *	result=OK | result=<errno name>
 *
 * then exits 0 on success and 1 on failure (2 on a usage error);
 * fork-exec reports its child's end as result=OK or result=FAILED.  The
 * scenarios match pid=N against the "pid" of the engine's records.
 * Linked statically so that it runs in a busybox initramfs; copies of it
 * under other names give subjects that no rule names.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/bpf.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/prctl.h>
#include <linux/prctl.h>
#include <limits.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <linux/io_uring.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

struct name_num {
	const char *name;
	int num;
};

#define NN(x) { #x, x }

static const struct name_num errnos[] = {
	NN(EPERM), NN(ENOENT), NN(ESRCH), NN(EINTR), NN(EIO), NN(ENXIO),
	NN(E2BIG), NN(ENOEXEC), NN(EBADF), NN(ECHILD), NN(EAGAIN),
	NN(ENOMEM), NN(EACCES), NN(EFAULT), NN(ENOTBLK), NN(EBUSY),
	NN(EEXIST), NN(EXDEV), NN(ENODEV), NN(ENOTDIR), NN(EISDIR),
	NN(EINVAL), NN(ENFILE), NN(EMFILE), NN(ETXTBSY), NN(EFBIG),
	NN(ENOSPC), NN(EROFS), NN(EMLINK), NN(ERANGE), NN(ENAMETOOLONG),
	NN(ENOSYS), NN(ENOTEMPTY), NN(ELOOP), NN(ENOMSG), NN(EIDRM),
	NN(EOPNOTSUPP), NN(EPROTOTYPE), NN(EPROTONOSUPPORT),
	NN(ESOCKTNOSUPPORT), NN(EAFNOSUPPORT), NN(EADDRINUSE),
	NN(ENETDOWN), NN(ENETUNREACH), NN(ETIMEDOUT), NN(ECANCELED),
	NN(ECONNREFUSED),
};

static const struct name_num signals[] = {
	NN(SIGHUP), NN(SIGINT), NN(SIGQUIT), NN(SIGILL), NN(SIGTRAP),
	NN(SIGABRT), NN(SIGBUS), NN(SIGFPE), NN(SIGKILL), NN(SIGUSR1),
	NN(SIGSEGV), NN(SIGUSR2), NN(SIGPIPE), NN(SIGALRM), NN(SIGTERM),
	NN(SIGCHLD), NN(SIGCONT), NN(SIGSTOP), NN(SIGTSTP), NN(SIGTTIN),
	NN(SIGTTOU), NN(SIGURG), NN(SIGXCPU), NN(SIGXFSZ), NN(SIGVTALRM),
	NN(SIGPROF), NN(SIGWINCH), NN(SIGIO), NN(SIGSYS),
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *errno_name(int e)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < NELEMS(errnos); i++)
		if (errnos[i].num == e)
			return errnos[i].name;
	snprintf(buf, sizeof(buf), "ERRNO%d", e);
	return buf;
}

static int ok(void)
{
	printf("result=OK\n");
	return 0;
}

/* Report the failed call with the errno it left. */
static int fail(const char *step)
{
	int e = errno;

	printf("step=%s\nresult=%s\n", step, errno_name(e));
	return 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bwtest raw-socket | shm | msg | sem | ipc-keys KEY\n"
		"       bwtest kill PID SIG | sleep SECONDS | ok\n"
		"       bwtest mount-tmpfs DIR | umount DIR | bind SRC DIR\n"
		"       bwtest chown PATH UID GID\n"
		"       bwtest exec PATH [ARGS...] | exec32 PATH [ARGS...]\n"
		"       bwtest as-uid UID GID CMD [ARGS...]\n"
		"       bwtest kill-burst N PID SIG | raw-burst N | getppid-burst N\n"
		"       bwtest kill-loop STOPFILE PID SIG | deny-burst N PID SIG\n"
		"       bwtest exec-burst N PROG [ARGS...]\n"
		"       bwtest pidns-raw-socket\n"
		"       bwtest jsoncheck FILE | textcheck FILE\n"
		"       bwtest setuid-burst N | chown-burst N PATH | shmget-burst N KEY\n"
		"       bwtest kill0-burst N PID | mount-burst N DIR | open-burst N PATH\n"
		"       bwtest chroot DIR | chroot32 DIR | uname | getppid | sequence\n"
		"       bwtest fork-exec CMD [ARGS...] | setsid CMD [ARGS...] | interp [ARGS...]\n"
		"       bwtest fd-exec PATH fexecve|execveat|procfd\n"
		"       bwtest memfd-exec NAME fexecve|execveat\n"
		"       bwtest deep-exec DIR DEPTH LEN\n"
		"       bwtest map-exec PATH mmap|mprotect\n"
		"       bwtest userns-bind-exec SRC DST FILE\n"
		"       bwtest userns-mount tmpfs|nested|fsmount TARGET\n"
		"       bwtest userns-mount bind|rbind|open-tree|move TARGET SRC\n"
		"       bwtest userns-remount mount|mount_setattr|fsconfig DIR\n"
		"       bwtest userns-raw-socket\n"
		"       bwtest cgroup-exec DIR CMD [ARGS...]\n"
		"       bwtest userns-tmpfs-exec DIR FILE [ARGS...]\n"
		"       bwtest userns-exe-kill FILE PID SIG\n"
		"       bwtest signal-via kill|tkill|tgkill|sigqueue|tgsigqueue|pidfd|pgrp PID SIG\n"
		"       bwtest sigio PID SIG\n"
		"       bwtest tcp ADDR PORT [ROUNDS] | hog\n"
		"       bwtest uring-socket [sqpoll|async] | uring-openat PATH [sqpoll|async]\n"
		"       bwtest shm32 direct|ipc | socket32 direct|socketcall | socketcall32-connect\n"
		"       bwtest shm32 attach|ipc-attach | mount32 DIR | seccomp-native PROG [ARGS...]\n");
	exit(2);
}

static long parse_num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "bwtest: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

/* SIGUSR1, USR1 or 10. */
static int parse_signal(const char *s)
{
	size_t i;

	if (s[0] >= '0' && s[0] <= '9')
		return (int)parse_num(s, 0, 64);
	for (i = 0; i < NELEMS(signals); i++) {
		const char *n = signals[i].name;

		if (!strcasecmp(s, n) || !strcasecmp(s, n + 3))
			return signals[i].num;
	}
	fprintf(stderr, "bwtest: unknown signal '%s'\n", s);
	exit(2);
}

/*
 * One io_uring operation, made without the syscall it stands for: the
 * ring set up, sqe submitted with io_uring_enter(), its result awaited.
 * The result (-errno or the op's) into *res; false when the ring itself
 * failed (errno says why).
 */
static bool uring_one(const struct io_uring_sqe *sqe, bool sqpoll, int *res)
{
	struct io_uring_params p;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	unsigned *tail, *mask, *array, *chead, *cmask, t, h;
	size_t sqsz, cqsz;
	char *sq, *cq;
	int fd;

	memset(&p, 0, sizeof(p));
	if (sqpoll) {
		/* the kernel's SQPOLL thread submits: no io_uring_enter() per op */
		p.flags = IORING_SETUP_SQPOLL;
		p.sq_thread_idle = 1000;
	}
	fd = (int)syscall(__NR_io_uring_setup, 2, &p);
	if (fd < 0)
		return false;
	sqsz = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cqsz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, cqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		return false;
	tail = (unsigned *)(sq + p.sq_off.tail);
	mask = (unsigned *)(sq + p.sq_off.ring_mask);
	array = (unsigned *)(sq + p.sq_off.array);
	t = *tail;
	sqes[t & *mask] = *sqe;
	array[t & *mask] = t & *mask;
	__atomic_store_n(tail, t + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, fd, sqpoll ? 0 : 1, 1,
		    IORING_ENTER_GETEVENTS | (sqpoll ? IORING_ENTER_SQ_WAKEUP : 0),
		    NULL, 0) < 0)
		return false;
	chead = (unsigned *)(cq + p.cq_off.head);
	cmask = (unsigned *)(cq + p.cq_off.ring_mask);
	cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	h = __atomic_load_n(chead, __ATOMIC_ACQUIRE);
	*res = cqes[h & *cmask].res;
	close(fd);
	return true;
}

/*
 * uring-socket | uring-openat PATH, through io_uring: submitted by the
 * process, by the ring's SQPOLL thread (sqpoll), or run by an io-wq
 * worker (async: IOSQE_ASYNC)
 */
static int do_uring(const char *op, const char *path, const char *mode)
{
	bool sqpoll = mode && !strcmp(mode, "sqpoll");
	bool async = mode && !strcmp(mode, "async");
	struct io_uring_sqe sqe;
	int res;

	memset(&sqe, 0, sizeof(sqe));
	if (!strcmp(op, "socket")) {
		sqe.opcode = IORING_OP_SOCKET;
		sqe.fd = AF_INET;
		sqe.off = SOCK_DGRAM;
	} else if (!strcmp(op, "openat") && path) {
		sqe.opcode = IORING_OP_OPENAT;
		sqe.fd = AT_FDCWD;
		sqe.addr = (uintptr_t)path;
		sqe.open_flags = O_RDONLY;
	} else {
		usage();
	}
	if (mode && !sqpoll && !async)
		usage();
	if (async)
		sqe.flags = IOSQE_ASYNC;
	if (!uring_one(&sqe, sqpoll, &res))
		return fail("io_uring");
	if (res < 0) {
		errno = -res;
		return fail(op);
	}
	return ok();
}

static int do_raw_socket(void)
{
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

	if (fd < 0)
		return fail("socket");
	close(fd);
	return ok();
}

static int do_shm(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	void *p;

	if (id < 0)
		return fail("shmget");
	p = shmat(id, NULL, 0);
	if (p == (void *)-1) {
		int r = fail("shmat");

		shmctl(id, IPC_RMID, NULL);
		return r;
	}
	shmdt(p);
	shmctl(id, IPC_RMID, NULL);
	return ok();
}

static int do_msg(void)
{
	struct {
		long mtype;
		char mtext[8];
	} m = { 1, "bwtest" };
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	if (id < 0)
		return fail("msgget");
	if (msgsnd(id, &m, 6, IPC_NOWAIT) < 0) {
		int r = fail("msgsnd");

		msgctl(id, IPC_RMID, NULL);
		return r;
	}
	msgctl(id, IPC_RMID, NULL);
	return ok();
}

static int do_sem(void)
{
	struct sembuf op = { .sem_num = 0, .sem_op = 1, .sem_flg = IPC_NOWAIT };
	int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);

	if (id < 0)
		return fail("semget");
	if (semop(id, &op, 1) < 0) {
		int r = fail("semop");

		semctl(id, 0, IPC_RMID);
		return r;
	}
	semctl(id, 0, IPC_RMID);
	return ok();
}

/*
 * Every System V IPC call on objects of a known key (KEY, KEY+1, KEY+2),
 * for the ipc tracer's tests: each kind is created, opened, used, read,
 * removed; a last shmat on the removed segment fails.
 */
static int do_ipc_keys(const char *key_s)
{
	key_t key = (key_t)parse_num(key_s, 1, INT_MAX - 2);
	struct {
		long mtype;
		char mtext[8];
	} m = { 1, "bwtest" };
	struct sembuf up = { 0, 1, 0 }, down = { 0, -1, 0 }, zero = { 0, 0, IPC_NOWAIT };
	struct shmid_ds ds;
	int shm, msg, sem;
	void *p;

	shm = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0640);
	if (shm < 0)
		return fail("shmget");
	printf("shm_id=%d\n", shm);
	if (shmget(key, 0, 0400) != shm)
		return fail("shmget open");
	p = shmat(shm, NULL, SHM_RDONLY);
	if (p == (void *)-1)
		return fail("shmat ro");
	if (shmdt(p) < 0)
		return fail("shmdt ro");
	p = shmat(shm, NULL, 0);
	if (p == (void *)-1)
		return fail("shmat");
	printf("shm_addr=%p\n", p);
	if (shmctl(shm, IPC_STAT, &ds) < 0)
		return fail("shmctl IPC_STAT");
	if (shmdt(p) < 0)
		return fail("shmdt");
	if (shmctl(shm, IPC_RMID, NULL) < 0)
		return fail("shmctl IPC_RMID");
	if (shmat(shm, NULL, 0) != (void *)-1)
		return fail("shmat removed");

	msg = msgget(key + 1, IPC_CREAT | IPC_EXCL | 0600);
	if (msg < 0)
		return fail("msgget");
	printf("msg_id=%d\n", msg);
	if (msgsnd(msg, &m, 6, IPC_NOWAIT) < 0)
		return fail("msgsnd");
	if (msgrcv(msg, &m, sizeof(m.mtext), 0, IPC_NOWAIT) < 0)
		return fail("msgrcv");
	if (msgctl(msg, IPC_RMID, NULL) < 0)
		return fail("msgctl IPC_RMID");

	sem = semget(key + 2, 1, IPC_CREAT | IPC_EXCL | 0600);
	if (sem < 0)
		return fail("semget");
	printf("sem_id=%d\n", sem);
	if (semop(sem, &up, 1) < 0 || semop(sem, &down, 1) < 0)
		return fail("semop");
	if (semop(sem, &zero, 1) < 0)
		return fail("semop zero");
	if (semctl(sem, 0, GETVAL) != 0)
		return fail("semctl GETVAL");
	if (semctl(sem, 0, IPC_RMID) < 0)
		return fail("semctl IPC_RMID");
	return ok();
}

static int do_kill(const char *pid, const char *sig)
{
	if (kill((pid_t)parse_num(pid, 1, INT_MAX), parse_signal(sig)) < 0)
		return fail("kill");
	return ok();
}

static int do_sleep(const char *secs)
{
	unsigned int left = (unsigned int)parse_num(secs, 0, 86400);

	while (left)
		left = sleep(left);
	return ok();
}

static int do_exec(char **argv)
{
	/* argv[0] is the path; the new program gets it as its argv[0]. */
	execve(argv[0], argv, environ);
	return fail("execve");
}

static int do_as_uid(const char *uid_s, const char *gid_s, char **argv)
{
	uid_t uid = (uid_t)parse_num(uid_s, 0, INT_MAX);
	gid_t gid = (gid_t)parse_num(gid_s, 0, INT_MAX);

	if (setgroups(1, &gid) < 0)
		return fail("setgroups");
	if (setresgid(gid, gid, gid) < 0)
		return fail("setresgid");
	if (setresuid(uid, uid, uid) < 0)
		return fail("setresuid");
	execve(argv[0], argv, environ);
	return fail("execve");
}

/* getppid() N times: the cost of syscall entry and exit, ns/call */
static int do_getppid_burst(const char *n_s)
{
	long n = parse_num(n_s, 1, 1000000000);
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ns_per_call=%lld\n", ((b.tv_sec - a.tv_sec) * 1000000000LL +
				      (b.tv_nsec - a.tv_nsec)) / n);
	return ok();
}

/* socket(AF_INET, SOCK_RAW) N times (each a CAP_NET_RAW check): ns/call */
static int do_raw_burst(const char *n_s)
{
	long n = parse_num(n_s, 1, 100000000);
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

		if (fd >= 0)
			close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ns_per_call=%lld\n", ((b.tv_sec - a.tv_sec) * 1000000000LL +
				      (b.tv_nsec - a.tv_nsec)) / n);
	return ok();
}

/*
 * i386 call nr through the 32-bit entry point (int $0x80), arguments in
 * ebx, ecx, edx, esi, edi: a pointer among them must lie below 4 GiB,
 * which a static, non-PIE binary's buffers do.  Returns -errno on failure.
 */
static long int80(long nr, long b, long c, long d, long si, long di)
{
	__asm__ volatile("int $0x80" : "+a"(nr)
			 : "b"(b), "c"(c), "d"(d), "S"(si), "D"(di)
			 : "memory");
	return nr;
}

#define I32(p) ((long)(uintptr_t)(p))

/* int80()'s result, reported as the call named step */
static int int80_result(long ret, const char *step)
{
	if (ret < 0 && ret >= -4095) {
		errno = (int)-ret;
		return fail(step);
	}
	return ok();
}

/* chroot through the 32-bit entry point (i386 number 61). */
static char chroot32_path[256];

static int do_chroot32(const char *dir)
{
	snprintf(chroot32_path, sizeof(chroot32_path), "%s", dir);
	return int80_result(int80(61, I32(chroot32_path), 0, 0, 0, 0), "int80 chroot");
}

/* shm32's buffer for the segment's state, below 4 GiB as chroot32's */
static unsigned char shm32_buf[512];

/*
 * shmctl(IPC_STAT) of a new segment through the 32-bit entry point: the
 * direct call (i386 has had it since 5.1) or the ipc() multiplexer.  A
 * permission check (ipc_permission) the rules decide.
 */
static uint32_t shmat32_raddr;	/* ipc(SHMAT)'s result */

/*
 * A new segment, then through the 32-bit entry point, directly or
 * through ipc(): shmctl(IPC_STAT) (how "direct" or "ipc"), a permission
 * check the rules decide; or shmat(SHM_RDONLY) ("attach" or "ipc-attach"),
 * which audit-only mode's syscall tracepoints never see.
 */
static int do_shm32(const char *how)
{
	bool via_ipc = !strcmp(how, "ipc") || !strcmp(how, "ipc-attach");
	bool attach = !strcmp(how, "attach") || !strcmp(how, "ipc-attach");
	long ret;
	int id;

	if (!via_ipc && !attach && strcmp(how, "direct"))
		usage();
	id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	if (id < 0)
		return fail("shmget");
	if (attach) {
		ret = via_ipc ? int80(117, 21, id, SHM_RDONLY, I32(&shmat32_raddr), 0) :
				int80(397, id, 0, SHM_RDONLY, 0, 0);
		if (ret >= 0 || ret < -4095)
			shmdt((void *)(uintptr_t)(via_ipc ? shmat32_raddr : (uint32_t)ret));
	} else {
		ret = via_ipc ? int80(117, 24, id, 2 | 0x100, 0, I32(shm32_buf)) :
				int80(396, id, 2, I32(shm32_buf), 0, 0);
	}
	shmctl(id, IPC_RMID, NULL);
	return int80_result(ret, attach ? "int80 shmat" : "int80 shmctl");
}

static char mount32_str[3][256];

/*
 * seccomp-native PROG [ARGS...]: PROG under a filter that kills every
 * call of another architecture (i386's int $0x80), as systemd's
 * SystemCallArchitectures=native does to the engine's unit.
 */
static int do_seccomp_native(char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail("prctl");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return fail("seccomp");
	execv(argv[0], argv);
	return fail("execv");
}

/* mount(2) of a tmpfs on dir through the 32-bit entry point. */
static int do_mount32(const char *dir)
{
	long ret;

	snprintf(mount32_str[0], sizeof(mount32_str[0]), "bwtest32");
	snprintf(mount32_str[1], sizeof(mount32_str[1]), "%s", dir);
	snprintf(mount32_str[2], sizeof(mount32_str[2]), "tmpfs");
	ret = int80(21, I32(mount32_str[0]), I32(mount32_str[1]), I32(mount32_str[2]), 0, 0);
	if (ret == 0)
		umount(dir);
	return int80_result(ret, "int80 mount");
}

/*
 * socketcall(SYS_CONNECT) through the 32-bit entry point, its arguments
 * missing (EFAULT): a kill at syscall entry comes first.
 */
static int do_socketcall32(void)
{
	return int80_result(int80(102, 3, 0, 0, 0, 0), "int80 socketcall");
}

/* socket32's arguments for socketcall(), below 4 GiB as chroot32's */
static uint32_t socket32_args[3] = { 2 /* AF_INET */, 2 /* SOCK_DGRAM */, 0 };

/* socket(AF_INET, SOCK_DGRAM) through the 32-bit entry point: i386's own
 * socket (359) or socketcall(SYS_SOCKET) */
static int do_socket32(const char *how)
{
	long ret;

	if (!strcmp(how, "direct"))
		ret = int80(359, 2, 2, 0, 0, 0);
	else if (!strcmp(how, "socketcall"))
		ret = int80(102, 1, I32(socket32_args), 0, 0, 0);
	else
		usage();
	if (ret >= 0)
		close((int)ret);
	return int80_result(ret, "int80 socket");
}

/* exec32's strings and argv array, below 4 GiB as chroot32's */
static char exec32_strs[4096];
static uint32_t exec32_argv[64];

/*
 * execve through the 32-bit entry point (int $0x80), its argv an array
 * of 4-byte pointers: argv[0] is the path, as exec's.
 */
static int do_exec32(char **argv)
{
	size_t used = 0, n = 0;
	long ret;

	for (; argv[n] && n + 1 < sizeof(exec32_argv) / sizeof(exec32_argv[0]); n++) {
		size_t len = strlen(argv[n]) + 1;

		if (used + len > sizeof(exec32_strs)) {
			errno = E2BIG;
			return fail("exec32 arguments");
		}
		memcpy(exec32_strs + used, argv[n], len);
		exec32_argv[n] = (uint32_t)(uintptr_t)(exec32_strs + used);
		used += len;
	}
	exec32_argv[n] = 0;
	ret = int80(11, exec32_argv[0], I32(exec32_argv), 0, 0, 0);
	errno = (int)-ret;
	return fail("int80 execve");
}

/*
 * fork + exec PROG N times, output to /dev/null, waiting for each: the
 * cost of exec and of the dynamic loader's mappings, ns per run.
 */
static int do_exec_burst(const char *n_s, char **argv)
{
	long n = parse_num(n_s, 1, 1000000);
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		int st;
		pid_t c = fork();

		if (c < 0)
			return fail("fork");
		if (c == 0) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
				_exit(126);
			execve(argv[0], argv, environ);
			_exit(127);
		}
		if (waitpid(c, &st, 0) < 0)
			return fail("waitpid");
		if (!WIFEXITED(st) || WEXITSTATUS(st) >= 126) {
			errno = ENOEXEC;
			return fail("execve");
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ns_per_call=%lld\n", ((b.tv_sec - a.tv_sec) * 1000000000LL +
				      (b.tv_nsec - a.tv_nsec)) / n);
	return ok();
}

/* Send SIG to PID N times: a burst of signal events. */
static int do_kill_burst(const char *n_s, const char *pid, const char *sig)
{
	long n = parse_num(n_s, 1, 10000000);
	pid_t p = (pid_t)parse_num(pid, 1, INT_MAX);
	int signo = parse_signal(sig);

	for (long i = 0; i < n; i++)
		if (kill(p, signo) < 0)
			return fail("kill");
	return ok();
}

/*
 * Send SIG to PID N times, each expected to be denied: prints attempts=,
 * eperm=, allowed= and other= (the last other errno in other_errno=), and
 * in nivcsw= how often the loop was preempted; result=OK only when every
 * one failed with EPERM.
 */
/* What the kill()s of a loop got: success, EPERM, or another errno. */
struct kill_tally {
	long attempts, allowed, eperm, other;
	int other_errno;	/* the last other errno */
};

static void kill_counted(struct kill_tally *t, pid_t p, int signo)
{
	t->attempts++;
	if (kill(p, signo) == 0) {
		t->allowed++;
	} else if (errno == EPERM) {
		t->eperm++;
	} else {
		t->other++;
		t->other_errno = errno;
	}
}

static int do_deny_burst(const char *n_s, const char *pid, const char *sig)
{
	long n = parse_num(n_s, 1, 10000000);
	pid_t p = (pid_t)parse_num(pid, 1, INT_MAX);
	int signo = parse_signal(sig);
	struct kill_tally t = { 0 };

	struct rusage ru;

	for (long i = 0; i < n; i++)
		kill_counted(&t, p, signo);
	printf("attempts=%ld\neperm=%ld\nallowed=%ld\nother=%ld\n", t.attempts, t.eperm,
	       t.allowed, t.other);
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return fail("getrusage");
	printf("nivcsw=%ld\n", ru.ru_nivcsw);
	if (t.other) {
		printf("other_errno=%s\n", errno_name(t.other_errno));
		printf("result=%s\n", errno_name(t.other_errno));
		return 1;
	}
	if (t.allowed) {
		printf("result=ALLOWED\n");
		return 1;
	}
	return ok();
}

/*
 * Send SIG to PID again and again until the file STOP exists: the proof
 * that a deny rule holds through reloads and engine restarts.  Prints
 * attempts=, allowed= (kill succeeded), eperm= and other= (any other
 * errno, the last in other_errno=).
 */
static int do_kill_loop(const char *stop, const char *pid, const char *sig)
{
	pid_t p = (pid_t)parse_num(pid, 1, INT_MAX);
	int signo = parse_signal(sig);
	struct kill_tally t = { 0 };

	while (access(stop, F_OK) < 0) {
		kill_counted(&t, p, signo);
		/* about 20 a second: each leaves a record, and the VM keeps
		 * its log in 1 GiB of memory; a restart that attached anew
		 * (a minute under TCG) would be seen many times over */
		usleep(50000);
	}
	printf("attempts=%ld\nallowed=%ld\neperm=%ld\nother=%ld\n",
	       t.attempts, t.allowed, t.eperm, t.other);
	if (t.other)
		printf("other_errno=%s\n", errno_name(t.other_errno));
	return ok();
}

/*
 * ---- Bursts for the per-hook benchmark (tests/vm/bench.sh): each does
 * one operation N times in a tight loop and prints ns_per_call=, the
 * cost of one operation with whatever bulwark hooks it passes.
 */

/* Print ns_per_call= for n operations since a, and result=OK. */
static int burst_done(const struct timespec *a, long n)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ns_per_call=%lld\n", ((b.tv_sec - a->tv_sec) * 1000000000LL +
				      (b.tv_nsec - a->tv_nsec)) / n);
	return ok();
}

/* setuid(0) N times as root: one CAP_SETUID check each (capable) */
static int do_setuid_burst(const char *n_s)
{
	long n = parse_num(n_s, 1, 100000000);
	struct timespec a;

	if (geteuid() != 0) {
		errno = EPERM;
		return fail("geteuid (must be root)");
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		if (setuid(0) < 0)
			return fail("setuid");
	return burst_done(&a, n);
}

/*
 * chown PATH to its own owner N times (the group left alone): when the
 * caller does not own the file, one CAP_CHOWN check each (capable); a
 * file of the caller's own would pass without a capability check.
 */
static int do_chown_burst(const char *n_s, const char *path)
{
	long n = parse_num(n_s, 1, 100000000);
	struct timespec a;
	struct stat st;

	if (stat(path, &st) < 0)
		return fail("stat");
	if (st.st_uid == geteuid())
		printf("note=owned by the caller: no CAP_CHOWN check\n");
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		if (chown(path, st.st_uid, (gid_t)-1) < 0)
			return fail("chown");
	return burst_done(&a, n);
}

/*
 * shmget on an existing key N times: one ipcperms() check each
 * (ipc_permission).  The segment is made before the timed loop and
 * removed after it.
 */
static int do_shmget_burst(const char *n_s, const char *key_s)
{
	long n = parse_num(n_s, 1, 100000000);
	key_t key = (key_t)parse_num(key_s, 1, INT_MAX);
	struct timespec a;
	int id, r;

	id = shmget(key, 4096, IPC_CREAT | 0600);
	if (id < 0)
		return fail("shmget create");
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		if (shmget(key, 0, 0600) != id) {
			r = fail("shmget");
			shmctl(id, IPC_RMID, NULL);
			return r;
		}
	}
	r = burst_done(&a, n);
	shmctl(id, IPC_RMID, NULL);
	return r;
}

/* kill(PID, 0) N times: the permission check only (task_kill) */
static int do_kill0_burst(const char *n_s, const char *pid_s)
{
	long n = parse_num(n_s, 1, 100000000);
	pid_t pid = (pid_t)parse_num(pid_s, 1, INT_MAX);
	struct timespec a;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		if (kill(pid, 0) < 0)
			return fail("kill");
	return burst_done(&a, n);
}

/* mount a tmpfs on DIR and unmount it, N times (sb_mount + sb_umount) */
static int do_mount_burst(const char *n_s, const char *dir)
{
	long n = parse_num(n_s, 1, 10000000);
	struct timespec a;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		if (mount("tmpfs", dir, "tmpfs", 0, "size=1m") < 0)
			return fail("mount");
		if (umount2(dir, 0) < 0)
			return fail("umount2");
	}
	return burst_done(&a, n);
}

/* open PATH read-only and close it, N times: no bulwark hook (a control) */
static int do_open_burst(const char *n_s, const char *path)
{
	long n = parse_num(n_s, 1, 100000000);
	struct timespec a;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return fail("open");
		close(fd);
	}
	return burst_done(&a, n);
}

/*
 * ---- Bypasses (tests/vm/bypass.sh): ways around a deny rule that the
 * engine must close.  The calls glibc 2.36 may lack wrappers for go
 * through syscall() with their numbers (x86_64; from 424 on the same on
 * every architecture but alpha), and their constants (linux/mount.h,
 * which clashes with sys/mount.h) are spelled out.
 */
enum {
	NR_pidfd_send_signal = 424,
	NR_open_tree = 428,
	NR_move_mount = 429,
	NR_fsopen = 430,
	NR_fsconfig = 431,
	NR_fsmount = 432,
	NR_fspick = 433,
	NR_pidfd_open = 434,
	NR_mount_setattr = 442,
};

#define BW_OPEN_TREE_CLONE		1
#define BW_MOVE_MOUNT_F_EMPTY_PATH	0x4
#define BW_FSOPEN_CLOEXEC		1
#define BW_FSMOUNT_CLOEXEC		1
#define BW_FSPICK_CLOEXEC		1
#define BW_FSCONFIG_SET_FLAG		0
#define BW_FSCONFIG_CMD_CREATE		6
#define BW_FSCONFIG_CMD_RECONFIGURE	7
#define BW_MOUNT_ATTR_RDONLY		0x1

struct bw_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

/* Is s one of the NULL-terminated words? */
static int one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(s, *words))
			return 1;
	return 0;
}

/*
 * Run CMD in a child and report how it ended, for programs that print no
 * result= line (the dynamic loader): result=OK when it exited 0, else
 * result=FAILED.  The child prints its own pid first, so the scenario
 * matches the records of the process that ran CMD; this process prints
 * none.
 */
static int do_fork_exec(char **argv)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0) {
		printf("pid=%d\n", (int)getpid());
		return fail("fork");
	}
	if (pid == 0) {
		printf("pid=%d\n", (int)getpid());
		execve(argv[0], argv, environ);
		fail("execve");
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return fail("waitpid");
	if (WIFEXITED(st)) {
		printf("exit=%d\n", WEXITSTATUS(st));
		if (WEXITSTATUS(st) == 0)
			return ok();
	} else if (WIFSIGNALED(st)) {
		printf("signal=%d\n", WTERMSIG(st));
	}
	printf("result=FAILED\n");
	return 1;
}

/*
 * cgroup-exec DIR CMD [ARGS...]: make the cgroup DIR (it may exist), move
 * into it and execute CMD: as a user in a subtree delegated to them, a
 * cgroup of any name (lxc.payload.NAME, docker-<id>.scope).
 */
static int write_file(const char *path, const char *text);

static int do_cgroup_exec(const char *dir, char **argv)
{
	char procs[PATH_MAX];

	if ((size_t)snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir) >= sizeof(procs))
		usage();
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return fail("mkdir");
	if (write_file(procs, "0") < 0)
		return fail("cgroup.procs");
	execve(argv[0], argv, environ);
	return fail("execve");
}

/*
 * Run CMD in a session (and process group) of its own, for victims of a
 * process-group kill.  A group leader cannot call setsid(); it already
 * has its own group.
 */
static int do_setsid(char **argv)
{
	if (setsid() < 0 && getpgrp() != getpid())
		return fail("setsid");
	execve(argv[0], argv, environ);
	return fail("execve");
}

/* Copy /proc/self/exe into dst: NULL, or the call that failed. */
static const char *copy_self(int dst)
{
	static char buf[65536];
	int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (src < 0)
		return "open /proc/self/exe";
	while ((n = read(src, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (n > 0) {
			ssize_t w = write(dst, p, (size_t)n);

			if (w < 0) {
				close(src);
				return "write";
			}
			p += w;
			n -= w;
		}
	}
	if (n < 0) {
		close(src);
		return "read /proc/self/exe";
	}
	close(src);
	return NULL;
}

/* Write a copy of bwtest as file (open flags oflags too) and execute it as run. */
static int exec_copy_of_self(const char *file, int oflags, const char *run, char **args)
{
	const char *step;
	int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC | oflags, 0755);

	if (fd < 0)
		return fail("open");
	step = copy_self(fd);
	if (step) {
		close(fd);
		return fail(step);
	}
	if (close(fd) < 0)
		return fail("close");
	execve(run, args, environ);
	return fail("execve");
}

static const char *const fd_exec_ways[] = { "fexecve", "execveat", "procfd", NULL };

/*
 * Execute the open file fd (a copy of bwtest, run as `NAME ok`) without
 * naming its path: fexecve(3), execveat(fd, "", AT_EMPTY_PATH) or
 * execve("/proc/self/fd/N").
 */
static int exec_fd(int fd, const char *how, const char *name)
{
	char *args[] = { (char *)name, "ok", NULL };
	char path[64];

	if (!strcmp(how, "fexecve")) {
		fexecve(fd, args, environ);
		return fail("fexecve");
	}
	if (!strcmp(how, "execveat")) {
		syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
		return fail("execveat");
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	execve(path, args, environ);
	return fail("execve /proc/self/fd");
}

/* fd-exec PATH HOW: open PATH, execute it through the descriptor. */
static int do_fd_exec(const char *path, const char *how)
{
	int fd;

	if (!one_of(how, fd_exec_ways))
		usage();
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open");
	return exec_fd(fd, how, path);
}

/* memfd-exec NAME HOW: a copy of this program in memfd NAME, executed. */
static int do_memfd_exec(const char *name, const char *how)
{
	static const char *const ways[] = { "fexecve", "execveat", NULL };
	const char *step;
	int fd;

	if (!one_of(how, ways))
		usage();
	fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		return fail("memfd_create");
	step = copy_self(fd);
	if (step)
		return fail(step);
	return exec_fd(fd, how, name);
}

/*
 * deep-exec DIR DEPTH LEN: below DIR, DEPTH nested directories with names
 * of LEN 'd's (made if missing), each entered with chdir since the whole
 * path may be too long to name; a copy of this program there as bwdeep,
 * executed by its relative path as `bwdeep ok`.  Prints the length of
 * the file's full path.
 */
static int do_deep_exec(const char *dir, const char *depth_s, const char *len_s)
{
	long depth = parse_num(depth_s, 1, 100000);
	long len = parse_num(len_s, 1, NAME_MAX);
	char *args[] = { "bwdeep", "ok", NULL };
	char name[NAME_MAX + 1];
	size_t plen = strlen(dir);

	memset(name, 'd', (size_t)len);
	name[len] = '\0';
	if (chdir(dir) < 0)
		return fail("chdir");
	for (long i = 0; i < depth; i++) {
		if (mkdir(name, 0755) < 0 && errno != EEXIST)
			return fail("mkdir");
		if (chdir(name) < 0)
			return fail("chdir");
		plen += (size_t)len + 1;
	}
	printf("path_len=%zu\n", plen + strlen("/bwdeep"));
	return exec_copy_of_self("bwdeep", O_TRUNC, "./bwdeep", args);
}

/*
 * map-exec PATH mmap|mprotect: map a page of PATH executable, as a
 * loader would: at once, or readable first and then made executable.
 */
static int do_map_exec(const char *path, const char *how)
{
	static const char *const ways[] = { "mmap", "mprotect", NULL };
	long pg = sysconf(_SC_PAGESIZE);
	int prot = PROT_READ | PROT_EXEC;
	void *p;
	int fd;

	if (!one_of(how, ways))
		usage();
	if (!strcmp(how, "mprotect"))
		prot = PROT_READ;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open");
	p = mmap(NULL, (size_t)pg, prot, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	if (prot == PROT_READ &&
	    mprotect(p, (size_t)pg, PROT_READ | PROT_EXEC) < 0)
		return fail("mprotect");
	munmap(p, (size_t)pg);
	close(fd);
	return ok();
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t n = strlen(text);

	if (fd < 0)
		return -1;
	if (write(fd, text, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/*
 * A new user and mount namespace in which this process is root (mapped
 * to its own uid and gid outside), as any unprivileged user may make:
 * NULL, or the call that failed.
 */
static const char *enter_userns(void)
{
	unsigned int uid = (unsigned int)getuid(), gid = (unsigned int)getgid();
	char map[64];

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return "unshare";
	if (write_file("/proc/self/setgroups", "deny") < 0)
		return "write setgroups";
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		return "write uid_map";
	snprintf(map, sizeof(map), "0 %u 1", gid);
	if (write_file("/proc/self/gid_map", map) < 0)
		return "write gid_map";
	return NULL;
}

/*
 * userns-bind-exec SRC DST FILE: in a private mount namespace, bind SRC
 * on DST and execute DST/FILE (`FILE ok`): the file has another name
 * there, not in the initial namespace.
 */
static int do_userns_bind_exec(const char *src, const char *dst, const char *file)
{
	char *args[] = { (char *)file, "ok", NULL };
	char path[PATH_MAX];
	const char *step;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dst, file) >= sizeof(path))
		usage();
	step = enter_userns();
	if (step)
		return fail(step);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		return fail("mount");
	execve(path, args, environ);
	return fail("execve");
}

/*
 * userns-raw-socket: a raw socket in a network namespace of a new user
 * namespace of its own, where this process holds CAP_NET_RAW.
 */
static int do_userns_raw_socket(void)
{
	const char *step = enter_userns();

	if (step)
		return fail(step);
	if (unshare(CLONE_NEWNET) < 0)
		return fail("unshare net");
	return do_raw_socket();
}

/*
 * userns-tmpfs-exec DIR FILE [ARGS...]: in a new user and mount namespace,
 * a tmpfs on DIR (any directory: the mount is this namespace's own), a
 * copy of bwtest as DIR/FILE, executed with ARGS: a program whose path
 * reads as the user likes, seen from that namespace only.
 */
static int do_userns_tmpfs_exec(const char *dir, const char *file, char **args)
{
	char path[PATH_MAX];
	const char *step;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path))
		usage();
	step = enter_userns();
	if (step)
		return fail(step);
	if (mount("tmpfs", dir, "tmpfs", 0, NULL) < 0)
		return fail("mount");
	args[0] = path;
	return exec_copy_of_self(path, O_EXCL, path, args);
}

/*
 * userns-exe-kill FILE PID SIG: make FILE this process's exe (what
 * /proc/self/exe and mm->exe_file name) and send SIG to PID.  Any user
 * may: prctl(PR_SET_MM_MAP) with an exe_fd needs CAP_SYS_ADMIN only in the
 * caller's user namespace, and a new one gives it.  The kernel refuses
 * while the old exe is mapped, so the last steps run from a copy of
 * swap_exe_kill() in anonymous memory, after unmapping the program's own
 * file: they can call nothing, and hand their results through a pipe to a
 * child, which prints them.
 */
struct exe_swap {
	struct prctl_mm_map map;
	unsigned long unmap[32][2];	/* start, length: the program's file */
	long nunmap, pid, sig, fd, child;
	long res[2];			/* prctl's and kill's return values */
};

static inline __attribute__((always_inline)) long
raw_call(long nr, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = 0;	/* prctl's arg5 must be 0 */
	long ret;

	__asm__ volatile("syscall" : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

__attribute__((section("bw_swap_code"), noinline, used, no_stack_protector))
static void swap_exe_kill(struct exe_swap *x)
{
	for (long i = 0; i < x->nunmap; i++)
		raw_call(SYS_munmap, (long)x->unmap[i][0], (long)x->unmap[i][1], 0, 0);
	x->res[0] = raw_call(SYS_prctl, PR_SET_MM, PR_SET_MM_MAP, (long)&x->map,
			     sizeof(x->map));
	if (!x->res[0])
		x->res[1] = raw_call(SYS_kill, x->pid, x->sig, 0, 0);
	raw_call(SYS_write, x->fd, (long)x->res, sizeof(x->res), 0);
	raw_call(SYS_wait4, x->child, 0, 0, 0);
	for (;;)
		raw_call(SYS_exit_group, 0, 0, 0, 0);
}

extern const char __start_bw_swap_code[], __stop_bw_swap_code[];

/* The mm's layout, as prctl(PR_SET_MM_MAP) must be given it again. */
static int read_mm_map(struct prctl_mm_map *m)
{
	unsigned long long v[52] = { 0 };
	char buf[2048], *p;
	ssize_t n;
	int fd = open("/proc/self/stat", O_RDONLY), i;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strrchr(buf, ')');	/* field 3 on, after the comm: the state */
	if (!p || !(p = strchr(p + 2, ' ')))
		return -1;
	for (i = 4; i <= 51; i++) {
		char *end;

		v[i] = strtoull(p, &end, 10);
		if (end == p)
			return -1;
		p = end;
	}
	memset(m, 0, sizeof(*m));
	m->start_code = v[26];
	m->end_code = v[27];
	m->start_stack = v[28];
	m->start_data = v[45];
	m->end_data = v[46];
	m->start_brk = v[47];
	m->brk = (unsigned long)syscall(SYS_brk, 0);
	m->arg_start = v[48];
	m->arg_end = v[49];
	m->env_start = v[50];
	m->env_end = v[51];
	return 0;
}

/* The mappings of this program's own file, from /proc/self/maps. */
static int own_mappings(struct exe_swap *x)
{
	char self[PATH_MAX], line[PATH_MAX + 128];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	FILE *f;

	if (n <= 0)
		return -1;
	self[n] = 0;
	f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char *path = strchr(line, '/');

		if (!path || sscanf(line, "%lx-%lx", &lo, &hi) != 2)
			continue;
		path[strcspn(path, "\n")] = 0;
		if (strcmp(path, self) || x->nunmap == 32)
			continue;
		x->unmap[x->nunmap][0] = lo;
		x->unmap[x->nunmap][1] = hi - lo;
		x->nunmap++;
	}
	fclose(f);
	return x->nunmap ? 0 : -1;
}

static int report_exe_swap(int fd)
{
	long res[2];

	if (read(fd, res, sizeof(res)) != sizeof(res)) {
		printf("step=swap\nresult=FAILED\n");
		return 1;
	}
	errno = (int)-res[0];
	if (res[0])
		return fail("prctl");
	errno = (int)-res[1];
	return res[1] ? fail("kill") : ok();
}

static int do_userns_exe_kill(const char *file, const char *pid, const char *sig)
{
	size_t len = (size_t)(__stop_bw_swap_code - __start_bw_swap_code);
	struct exe_swap x = { .pid = parse_num(pid, 1, INT_MAX),
			      .sig = parse_signal(sig) };
	const char *step;
	void (*run)(struct exe_swap *);
	int fds[2];
	void *code;

	if (read_mm_map(&x.map) < 0)
		return fail("read /proc/self/stat");
	if (own_mappings(&x) < 0)
		return fail("read /proc/self/maps");
	x.map.exe_fd = open(file, O_RDONLY | O_CLOEXEC);
	if ((int)x.map.exe_fd < 0)
		return fail("open");
	code = mmap(NULL, len, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED)
		return fail("mmap");
	memcpy(code, __start_bw_swap_code, len);
	if (pipe(fds) < 0)
		return fail("pipe");
	step = enter_userns();
	if (step)
		return fail(step);
	fflush(stdout);
	x.child = fork();
	if (x.child < 0)
		return fail("fork");
	if (x.child == 0) {
		close(fds[1]);
		exit(report_exe_swap(fds[0]));
	}
	close(fds[0]);
	x.fd = fds[1];
	run = (void (*)(struct exe_swap *))code;
	run(&x);
	return 1;	/* not reached */
}

/* move_mount(2) of the detached mount mfd onto target. */
static int move_detached(int mfd, const char *target)
{
	if (syscall(NR_move_mount, mfd, "", AT_FDCWD, target,
		    BW_MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return fail("move_mount");
	return ok();
}

/*
 * userns-mount HOW TARGET [SRC]: in a new user and mount namespace, put a
 * mount on TARGET:
 *	tmpfs		mount(2) of a tmpfs
 *	nested		the same in a second new mount namespace
 *	fsmount		fsopen, fsconfig(CREATE), fsmount, move_mount
 *	bind, rbind	mount(2) MS_BIND (| MS_REC) of SRC
 *	open-tree	open_tree(SRC, OPEN_TREE_CLONE), move_mount
 *	move		a tmpfs mounted on SRC, moved with MS_MOVE
 */
static int do_userns_mount(const char *how, const char *target, const char *src)
{
	static const char *const plain[] = { "tmpfs", "nested", "fsmount", NULL };
	static const char *const with_src[] = { "bind", "rbind", "open-tree", "move", NULL };
	const char *step;
	int fd, mfd;

	if (!(src ? one_of(how, with_src) : one_of(how, plain)))
		usage();
	step = enter_userns();
	if (step)
		return fail(step);
	if (!strcmp(how, "nested") && unshare(CLONE_NEWNS) < 0)
		return fail("unshare CLONE_NEWNS");
	if (!strcmp(how, "tmpfs") || !strcmp(how, "nested"))
		return mount("tmpfs", target, "tmpfs", 0, "size=1m") < 0 ?
			fail("mount") : ok();
	if (!strcmp(how, "bind") || !strcmp(how, "rbind"))
		return mount(src, target, NULL,
			     MS_BIND | (!strcmp(how, "rbind") ? MS_REC : 0),
			     NULL) < 0 ? fail("mount") : ok();
	if (!strcmp(how, "move")) {
		if (mount("tmpfs", src, "tmpfs", 0, "size=1m") < 0)
			return fail("mount");
		return mount(src, target, NULL, MS_MOVE, NULL) < 0 ?
			fail("mount MS_MOVE") : ok();
	}
	if (!strcmp(how, "open-tree")) {
		mfd = (int)syscall(NR_open_tree, AT_FDCWD, src,
				   BW_OPEN_TREE_CLONE | O_CLOEXEC);
		if (mfd < 0)
			return fail("open_tree");
		return move_detached(mfd, target);
	}
	fd = (int)syscall(NR_fsopen, "tmpfs", BW_FSOPEN_CLOEXEC);
	if (fd < 0)
		return fail("fsopen");
	if (syscall(NR_fsconfig, fd, BW_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fail("fsconfig create");
	mfd = (int)syscall(NR_fsmount, fd, BW_FSMOUNT_CLOEXEC, 0);
	if (mfd < 0)
		return fail("fsmount");
	return move_detached(mfd, target);
}

/*
 * userns-remount HOW DIR: in a new user and mount namespace, mount a
 * tmpfs read-only on DIR and make it writable again:
 *	mount		mount(2) MS_REMOUNT (mount -o remount,rw)
 *	mount_setattr	mount_setattr(2) clearing MOUNT_ATTR_RDONLY
 *	fsconfig	fspick(2), fsconfig(SET_FLAG "rw"), fsconfig(RECONFIGURE)
 */
static int do_userns_remount(const char *how, const char *dir)
{
	static const char *const ways[] = { "mount", "mount_setattr", "fsconfig", NULL };
	struct bw_mount_attr attr = { .attr_clr = BW_MOUNT_ATTR_RDONLY };
	const char *step;
	int fd;

	if (!one_of(how, ways))
		usage();
	step = enter_userns();
	if (step)
		return fail(step);
	if (mount("tmpfs", dir, "tmpfs", MS_RDONLY, "size=1m") < 0)
		return fail("mount ro");
	if (!strcmp(how, "mount"))
		return mount("tmpfs", dir, NULL, MS_REMOUNT, NULL) < 0 ?
			fail("mount MS_REMOUNT") : ok();
	if (!strcmp(how, "mount_setattr"))
		return syscall(NR_mount_setattr, AT_FDCWD, dir, 0, &attr,
			       sizeof(attr)) < 0 ? fail("mount_setattr") : ok();
	fd = (int)syscall(NR_fspick, AT_FDCWD, dir, BW_FSPICK_CLOEXEC);
	if (fd < 0)
		return fail("fspick");
	if (syscall(NR_fsconfig, fd, BW_FSCONFIG_SET_FLAG, "rw", NULL, 0) < 0)
		return fail("fsconfig rw");
	if (syscall(NR_fsconfig, fd, BW_FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0)
		return fail("fsconfig reconfigure");
	return ok();
}

/*
 * signal-via HOW PID SIG: send SIG to PID through one of the calls that
 * can: kill, tkill, tgkill, rt_sigqueueinfo (sigqueue),
 * rt_tgsigqueueinfo (tgsigqueue), pidfd_open + pidfd_send_signal (pidfd),
 * or kill(-PGID) to PID's process group (pgrp; never our own).
 */
static int do_signal_via(const char *how, const char *pid_s, const char *sig_s)
{
	static const char *const ways[] = { "kill", "tkill", "tgkill", "sigqueue",
					    "tgsigqueue", "pidfd", "pgrp", NULL };
	pid_t pid = (pid_t)parse_num(pid_s, 1, INT_MAX), pgid;
	int sig = parse_signal(sig_s), fd;
	siginfo_t si;

	if (!one_of(how, ways))
		usage();
	/* what sigqueue(3) passes: a queued signal from this process */
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	if (!strcmp(how, "kill"))
		return kill(pid, sig) < 0 ? fail("kill") : ok();
	if (!strcmp(how, "tkill"))
		return syscall(SYS_tkill, pid, sig) < 0 ? fail("tkill") : ok();
	if (!strcmp(how, "tgkill"))
		return syscall(SYS_tgkill, pid, pid, sig) < 0 ? fail("tgkill") : ok();
	if (!strcmp(how, "sigqueue"))
		return syscall(SYS_rt_sigqueueinfo, pid, sig, &si) < 0 ?
			fail("rt_sigqueueinfo") : ok();
	if (!strcmp(how, "tgsigqueue"))
		return syscall(SYS_rt_tgsigqueueinfo, pid, pid, sig, &si) < 0 ?
			fail("rt_tgsigqueueinfo") : ok();
	if (!strcmp(how, "pidfd")) {
		fd = (int)syscall(NR_pidfd_open, pid, 0);
		if (fd < 0)
			return fail("pidfd_open");
		return syscall(NR_pidfd_send_signal, fd, sig, NULL, 0) < 0 ?
			fail("pidfd_send_signal") : ok();
	}
	pgid = getpgid(pid);
	if (pgid < 0)
		return fail("getpgid");
	printf("pgid=%d\n", (int)pgid);
	if (pgid == getpgrp()) {
		errno = EINVAL;
		return fail("getpgid (our own group)");
	}
	return kill(-pgid, sig) < 0 ? fail("kill -pgid") : ok();
}

/*
 * sigio PID SIG: make PID the owner of a pipe's read end with SIG as its
 * I/O signal (F_SETOWN, F_SETSIG, O_ASYNC), then write to the pipe: the
 * kernel sends SIG to PID.  OK means the write succeeded.
 */
static int do_sigio(const char *pid_s, const char *sig_s)
{
	pid_t pid = (pid_t)parse_num(pid_s, 1, INT_MAX);
	int sig = parse_signal(sig_s);
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return fail("pipe2");
	if (fcntl(p[0], F_SETOWN, pid) < 0)
		return fail("fcntl F_SETOWN");
	if (fcntl(p[0], F_SETSIG, sig) < 0)
		return fail("fcntl F_SETSIG");
	if (fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK) < 0)
		return fail("fcntl F_SETFL");
	if (write(p[1], "x", 1) != 1)
		return fail("write");
	return ok();
}

/*
 * ---- Checks of files for the hostile group (tests/vm/hostile.sh): the
 * VM has no JSON reader, so a strict one is here.
 */

/* Length of the valid UTF-8 sequence (RFC 3629) at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 :
		     s[0] >= 0xe0 && s[0] <= 0xef ? 3 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;

	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

struct jp {
	const unsigned char *p, *end;
	const char *why;
};

static int jp_fail(struct jp *j, const char *why)
{
	if (!j->why)
		j->why = why;
	return -1;
}

static void jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r'))
		j->p++;
}

static int jp_hex4(struct jp *j, unsigned int *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++, j->p++) {
		int c = j->p < j->end ? *j->p : -1;

		if (c >= '0' && c <= '9')
			*v = *v * 16 + (unsigned int)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*v = *v * 16 + (unsigned int)((c | 0x20) - 'a' + 10);
		else
			return jp_fail(j, "bad \\u escape");
	}
	return 0;
}

/* A string: no raw control byte, valid UTF-8, known escapes, paired surrogates. */
static int jp_string(struct jp *j)
{
	unsigned int u, lo;

	j->p++;
	while (j->p < j->end && *j->p != '"') {
		if (*j->p < 0x20)
			return jp_fail(j, "raw control byte in a string");
		if (*j->p >= 0x80) {
			size_t n = utf8_len(j->p, (size_t)(j->end - j->p));

			if (!n)
				return jp_fail(j, "invalid UTF-8");
			j->p += n;
			continue;
		}
		if (*j->p++ != '\\')
			continue;
		if (j->p == j->end)
			return jp_fail(j, "escape at the end");
		if (strchr("\"\\/bfnrt", *j->p) && *j->p) {
			j->p++;
			continue;
		}
		if (*j->p++ != 'u')
			return jp_fail(j, "unknown escape");
		if (jp_hex4(j, &u))
			return -1;
		if (u >= 0xdc00 && u <= 0xdfff)
			return jp_fail(j, "lone low surrogate");
		if (u >= 0xd800 && u <= 0xdbff) {
			if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u')
				return jp_fail(j, "lone high surrogate");
			j->p += 2;
			if (jp_hex4(j, &lo) || lo < 0xdc00 || lo > 0xdfff)
				return jp_fail(j, "lone high surrogate");
		}
	}
	if (j->p == j->end)
		return jp_fail(j, "unterminated string");
	j->p++;
	return 0;
}

static int jp_number(struct jp *j)
{
	const unsigned char *start;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p == j->end || *j->p < '0' || *j->p > '9')
		return jp_fail(j, "bad number");
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		start = ++j->p;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
		if (j->p == start)
			return jp_fail(j, "bad fraction");
	}
	if (j->p < j->end && (*j->p | 0x20) == 'e') {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		start = j->p;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
		if (j->p == start)
			return jp_fail(j, "bad exponent");
	}
	return 0;
}

static int jp_value(struct jp *j, int depth)
{
	static const char *const words[] = { "true", "false", "null" };
	char close;

	if (depth > 64)
		return jp_fail(j, "nested too deep");
	jp_ws(j);
	if (j->p == j->end)
		return jp_fail(j, "value missing");
	if (*j->p == '"')
		return jp_string(j);
	if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
		return jp_number(j);
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);

		if ((size_t)(j->end - j->p) >= n && !memcmp(j->p, words[i], n)) {
			j->p += n;
			return 0;
		}
	}
	if (*j->p != '{' && *j->p != '[')
		return jp_fail(j, "not a JSON value");
	close = *j->p == '{' ? '}' : ']';
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			jp_ws(j);
			if (j->p == j->end || *j->p != '"')
				return jp_fail(j, "member name missing");
			if (jp_string(j))
				return -1;
			jp_ws(j);
			if (j->p == j->end || *j->p++ != ':')
				return jp_fail(j, "':' missing");
		}
		if (jp_value(j, depth + 1))
			return -1;
		jp_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return 0;
		}
		return jp_fail(j, "',' or end missing");
	}
}

/* Every line of FILE one JSON object, strict UTF-8, nothing after it. */
static int do_jsoncheck(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned long n = 0, bad = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!f)
		return fail("fopen");
	while ((len = getline(&line, &cap, f)) > 0) {
		struct jp j = { (unsigned char *)line, (unsigned char *)line + len, NULL };

		n++;
		if (line[len - 1] != '\n')
			j.why = "no newline at the end";
		else
			j.end--;
		jp_ws(&j);
		if (!j.why && (j.p == j.end || *j.p != '{'))
			j.why = "not an object";
		if (!j.why && !jp_value(&j, 0)) {
			jp_ws(&j);
			if (j.p != j.end)
				j.why = "data after the object";
		}
		if (j.why && bad++ < 5)
			printf("bad=line %lu: %s at byte %ld\n", n, j.why,
			       (long)(j.p - (unsigned char *)line));
	}
	free(line);
	fclose(f);
	printf("lines=%lu\n", n);
	if (bad) {
		printf("result=BAD\n");
		return 1;
	}
	return ok();
}

/* Text shown to people: lines, no raw control byte but newlines, valid UTF-8. */
static int do_textcheck(const char *path)
{
	unsigned long lines = 0, ctl = 0, badutf8 = 0;
	FILE *f = fopen(path, "r");
	unsigned char *buf = NULL;
	size_t len = 0, n;

	if (!f)
		return fail("fopen");
	do {
		buf = realloc(buf, len + 65536);
		if (!buf)
			return fail("realloc");
		n = fread(buf + len, 1, 65536, f);
		len += n;
	} while (n);
	fclose(f);
	for (size_t i = 0; i < len; i += n) {
		n = 1;
		if (buf[i] == '\n') {
			lines++;
		} else if (buf[i] < 0x20 || buf[i] == 0x7f) {
			ctl++;
		} else if (buf[i] >= 0x80) {
			n = utf8_len(buf + i, len - i);
			if (!n) {
				badutf8++;
				n = 1;
			} else if (buf[i] == 0xc2 && buf[i + 1] < 0xa0) {
				ctl++;	/* C1 controls */
			}
		}
	}
	free(buf);
	printf("lines=%lu\ncontrol=%lu\ninvalid_utf8=%lu\n", lines, ctl, badutf8);
	if (ctl || badutf8) {
		printf("result=BAD\n");
		return 1;
	}
	return ok();
}

/* ADDR (IPv4 or IPv6) and PORT into sa; its length, or 0 */
static socklen_t tcp_addr(const char *addr, int port, struct sockaddr_storage *sa)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
	struct sockaddr_in *s4 = (struct sockaddr_in *)sa;

	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		return sizeof(*s4);
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
	return 0;
}

#define TCP_MSG 64	/* bytes each way in a round */

/* Exactly TCP_MSG bytes from s; 0, or -1 */
static int tcp_read_msg(int s)
{
	char buf[TCP_MSG];
	size_t got = 0;

	while (got < sizeof(buf)) {
		ssize_t n = read(s, buf + got, sizeof(buf) - got);

		if (n <= 0)
			return -1;
		got += n;
	}
	return 0;
}

/* rounds of TCP_MSG bytes, written then read (first) or read then written */
static int tcp_rounds(int s, long rounds, int first)
{
	static const char msg[TCP_MSG];

	for (long i = 0; i < rounds; i++) {
		if (!first && tcp_read_msg(s) < 0)
			return -1;
		if (write(s, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
			return -1;
		if (first && tcp_read_msg(s) < 0)
			return -1;
	}
	return 0;
}

/*
 * The child connects to the parent's listener (printing its pid and
 * local port), then to PORT + 1 where nothing listens; the parent
 * accepts (printing the descriptor).  Two processes, so that records
 * with the wrong one's pid show.  Then ROUNDS exchanges of TCP_MSG
 * bytes each way on the connection (RTT samples on both sockets).
 */
static int tcp_child(const struct sockaddr_storage *sa, socklen_t len, int port,
		     long rounds)
{
	struct sockaddr_storage me, other = *sa;
	socklen_t mlen = sizeof(me);
	int s = socket(sa->ss_family, SOCK_STREAM, 0);
	char c;

	if (s < 0 || connect(s, (const struct sockaddr *)sa, len) < 0 ||
	    getsockname(s, (struct sockaddr *)&me, &mlen) < 0)
		_exit(1);
	printf("connector=%d\nsport=%d\n", (int)getpid(),
	       ntohs(((struct sockaddr_in *)&me)->sin_port));
	/* sin_port and sin6_port are at the same offset */
	((struct sockaddr_in *)&other)->sin_port = htons(port + 1);
	{
		int r = socket(sa->ss_family, SOCK_STREAM, 0);

		if (r < 0)
			_exit(1);
		if (connect(r, (struct sockaddr *)&other, len) == 0)
			printf("refused=none\n");
		else
			printf("refused=%s\n", errno_name(errno));
		close(r);
	}
	if (tcp_rounds(s, rounds, 1) < 0)
		_exit(1);
	/* until the parent has accepted and closed */
	while (read(s, &c, 1) > 0)
		;
	_exit(0);
}

static int do_tcp(const char *addr, const char *port_s, const char *rounds_s)
{
	int port = (int)parse_num(port_s, 1, 65534), one = 1, l, a, st;
	long rounds = rounds_s ? parse_num(rounds_s, 0, 100000) : 0;
	struct sockaddr_storage sa;
	socklen_t len = tcp_addr(addr, port, &sa);
	pid_t c;

	if (!len) {
		errno = EINVAL;
		return fail("address");
	}
	l = socket(sa.ss_family, SOCK_STREAM, 0);
	if (l < 0)
		return fail("socket");
	if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(l, (struct sockaddr *)&sa, len) < 0)
		return fail("bind");
	if (listen(l, 4) < 0)
		return fail("listen");
	fflush(stdout);
	c = fork();
	if (c < 0)
		return fail("fork");
	if (c == 0)
		tcp_child(&sa, len, port, rounds);
	a = accept(l, NULL, NULL);
	if (a < 0)
		return fail("accept");
	printf("afd=%d\n", a);
	if (tcp_rounds(a, rounds, 0) < 0)
		return fail("rounds");
	printf("rounds=%ld\n", rounds);
	close(a);
	if (waitpid(c, &st, 0) < 0)
		return fail("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		errno = ECHILD;
		return fail("connect");
	}
	return ok();
}

/* Touch memory until the kernel kills us (in a cgroup with memory.max). */
static int do_hog(void)
{
	for (;;) {
		char *p = malloc(1 << 20);

		if (!p)
			return fail("malloc");
		memset(p, 1, 1 << 20);
		/* p escapes: the compiler may not drop the stores */
		__asm__ volatile("" : : "r"(p) : "memory");
	}
}

/* ---- tamper protection: raw bpf() and ptrace, as bpftool and gdb do ---- */

/* An fd to a BPF object by id, kind prog, map or link (bpftool ... id N). */
static int do_bpf_get_id(const char *kind, const char *id_s)
{
	union bpf_attr attr;
	uint32_t id = (uint32_t)parse_num(id_s, 1, UINT32_MAX);
	int cmd, fd;

	memset(&attr, 0, sizeof(attr));
	if (!strcmp(kind, "prog")) {
		cmd = BPF_PROG_GET_FD_BY_ID;
		attr.prog_id = id;
	} else if (!strcmp(kind, "map")) {
		cmd = BPF_MAP_GET_FD_BY_ID;
		attr.map_id = id;
	} else if (!strcmp(kind, "link")) {
		cmd = BPF_LINK_GET_FD_BY_ID;
		attr.link_id = id;
	} else {
		usage();
	}
	fd = (int)syscall(__NR_bpf, cmd, &attr, sizeof(attr));
	if (fd < 0)
		return fail("bpf get_fd_by_id");
	close(fd);
	return ok();
}

/* A pinned object by path (bpftool map show pinned PATH). */
static int do_bpf_obj_get(const char *path)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uint64_t)(uintptr_t)path;
	fd = (int)syscall(__NR_bpf, BPF_OBJ_GET, &attr, sizeof(attr));
	if (fd < 0)
		return fail("bpf obj_get");
	close(fd);
	return ok();
}

static int do_ptrace_attach(const char *pid_s)
{
	pid_t pid = (pid_t)parse_num(pid_s, 1, INT_MAX);

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0)
		return fail("ptrace attach");
	waitpid(pid, NULL, __WALL);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return ok();
}

/* Open a file for writing (O_APPEND, or O_TRUNC with "trunc"). */
static int do_open_write(const char *path, const char *how)
{
	int fd = open(path, O_WRONLY | (strcmp(how, "trunc") ? O_APPEND : O_TRUNC));

	if (fd < 0)
		return fail("open");
	close(fd);
	return ok();
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		usage();
	cmd = argv[1];
	/* Line buffered even into a file: exec must not lose output. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Subcommands that print nothing before handing over to a program. */
	/* pid (as the engine sees it) and pid namespace, then a raw socket:
	 * run in a new pid namespace, getpid() would say 1 */
	if (!strcmp(cmd, "pidns-raw-socket") && argc == 2) {
		char self[32];
		ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);
		struct stat st;

		if (n <= 0 || stat("/proc/self/ns/pid", &st) < 0)
			return fail("/proc/self");
		self[n] = 0;
		printf("pid=%s\npidns=%llu\n", self, (unsigned long long)st.st_ino);
		return do_raw_socket();
	}
	if (!strcmp(cmd, "ok") && argc == 2)
		return ok();
	if (!strcmp(cmd, "bpf-get-id") && argc == 4)
		return do_bpf_get_id(argv[2], argv[3]);
	if (!strcmp(cmd, "bpf-obj-get") && argc == 3)
		return do_bpf_obj_get(argv[2]);
	if (!strcmp(cmd, "ptrace-attach") && argc == 3)
		return do_ptrace_attach(argv[2]);
	if (!strcmp(cmd, "open-write") && argc == 4)
		return do_open_write(argv[2], argv[3]);
	if (!strcmp(cmd, "jsoncheck") && argc == 3)
		return do_jsoncheck(argv[2]);
	if (!strcmp(cmd, "textcheck") && argc == 3)
		return do_textcheck(argv[2]);
	if (!strcmp(cmd, "fork-exec") && argc >= 3)
		return do_fork_exec(argv + 2);	/* prints the child's pid */

	printf("pid=%d\n", (int)getpid());
	if (!strcmp(cmd, "raw-socket") && argc == 2)
		return do_raw_socket();
	if (!strcmp(cmd, "shm") && argc == 2)
		return do_shm();
	if (!strcmp(cmd, "msg") && argc == 2)
		return do_msg();
	if (!strcmp(cmd, "sem") && argc == 2)
		return do_sem();
	if (!strcmp(cmd, "ipc-keys") && argc == 3)
		return do_ipc_keys(argv[2]);
	if (!strcmp(cmd, "kill") && argc == 4)
		return do_kill(argv[2], argv[3]);
	if (!strcmp(cmd, "sleep") && argc == 3)
		return do_sleep(argv[2]);
	if (!strcmp(cmd, "mount-tmpfs") && argc == 3)
		return mount("tmpfs", argv[2], "tmpfs", 0, "size=1m") < 0 ?
			fail("mount") : ok();
	if (!strcmp(cmd, "umount") && argc == 3)
		return umount2(argv[2], 0) < 0 ? fail("umount2") : ok();
	if (!strcmp(cmd, "bind") && argc == 4)
		return mount(argv[2], argv[3], NULL, MS_BIND, NULL) < 0 ?
			fail("mount") : ok();
	if (!strcmp(cmd, "exec") && argc >= 3)
		return do_exec(argv + 2);
	if (!strcmp(cmd, "exec32") && argc >= 3)
		return do_exec32(argv + 2);
	if (!strcmp(cmd, "chown") && argc == 5)
		return chown(argv[2], (uid_t)parse_num(argv[3], 0, INT_MAX),
			     (gid_t)parse_num(argv[4], 0, INT_MAX)) < 0 ?
			fail("chown") : ok();
	if (!strcmp(cmd, "chroot") && argc == 3)
		return chroot(argv[2]) < 0 ? fail("chroot") : ok();
	if (!strcmp(cmd, "chroot32") && argc == 3)
		return do_chroot32(argv[2]);
	if (!strcmp(cmd, "seccomp-native") && argc >= 3)
		return do_seccomp_native(argv + 2);
	if (!strcmp(cmd, "mount32") && argc == 3)
		return do_mount32(argv[2]);
	if (!strcmp(cmd, "shm32") && argc == 3)
		return do_shm32(argv[2]);
	if (!strcmp(cmd, "socket32") && argc == 3)
		return do_socket32(argv[2]);
	if (!strcmp(cmd, "socketcall32-connect") && argc == 2)
		return do_socketcall32();
	if (!strcmp(cmd, "uring-socket") && argc <= 3)
		return do_uring("socket", NULL, argc == 3 ? argv[2] : NULL);
	if (!strcmp(cmd, "uring-openat") && (argc == 3 || argc == 4))
		return do_uring("openat", argv[2], argc == 4 ? argv[3] : NULL);
	if (!strcmp(cmd, "uname") && argc == 2) {
		struct utsname u;

		return uname(&u) < 0 ? fail("uname") : ok();
	}
	if (!strcmp(cmd, "getppid") && argc == 2) {
		getppid();
		return ok();
	}
	if (!strcmp(cmd, "sequence") && argc == 2) {
		/* a known order for the syscall tracer's test */
		struct utsname u;

		getppid();
		uname(&u);
		if (chroot("/nonexistent/bwtest") == 0)
			return 1;
		getppid();
		return ok();
	}
	if (!strcmp(cmd, "getppid-burst") && argc == 3)
		return do_getppid_burst(argv[2]);
	if (!strcmp(cmd, "raw-burst") && argc == 3)
		return do_raw_burst(argv[2]);
	if (!strcmp(cmd, "exec-burst") && argc >= 4)
		return do_exec_burst(argv[2], argv + 3);
	if (!strcmp(cmd, "kill-burst") && argc == 5)
		return do_kill_burst(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "deny-burst") && argc == 5)
		return do_deny_burst(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "kill-loop") && argc == 5)
		return do_kill_loop(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "setuid-burst") && argc == 3)
		return do_setuid_burst(argv[2]);
	if (!strcmp(cmd, "chown-burst") && argc == 4)
		return do_chown_burst(argv[2], argv[3]);
	if (!strcmp(cmd, "shmget-burst") && argc == 4)
		return do_shmget_burst(argv[2], argv[3]);
	if (!strcmp(cmd, "kill0-burst") && argc == 4)
		return do_kill0_burst(argv[2], argv[3]);
	if (!strcmp(cmd, "mount-burst") && argc == 4)
		return do_mount_burst(argv[2], argv[3]);
	if (!strcmp(cmd, "open-burst") && argc == 4)
		return do_open_burst(argv[2], argv[3]);
	if (!strcmp(cmd, "as-uid") && argc >= 5)
		return do_as_uid(argv[2], argv[3], argv + 4);
	if (!strcmp(cmd, "setsid") && argc >= 3)
		return do_setsid(argv + 2);
	if (!strcmp(cmd, "cgroup-exec") && argc >= 4)
		return do_cgroup_exec(argv[2], argv + 3);
	if (!strcmp(cmd, "interp") && argc >= 2)
		return ok();	/* a #! interpreter: NAME [ARG] SCRIPT [ARGS...] */
	if (!strcmp(cmd, "fd-exec") && argc == 4)
		return do_fd_exec(argv[2], argv[3]);
	if (!strcmp(cmd, "memfd-exec") && argc == 4)
		return do_memfd_exec(argv[2], argv[3]);
	if (!strcmp(cmd, "deep-exec") && argc == 5)
		return do_deep_exec(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "map-exec") && argc == 4)
		return do_map_exec(argv[2], argv[3]);
	if (!strcmp(cmd, "userns-bind-exec") && argc == 5)
		return do_userns_bind_exec(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "userns-mount") && (argc == 4 || argc == 5))
		return do_userns_mount(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	if (!strcmp(cmd, "userns-tmpfs-exec") && argc >= 4)
		return do_userns_tmpfs_exec(argv[2], argv[3], argv + 3);
	if (!strcmp(cmd, "userns-exe-kill") && argc == 5)
		return do_userns_exe_kill(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "userns-raw-socket") && argc == 2)
		return do_userns_raw_socket();
	if (!strcmp(cmd, "userns-remount") && argc == 4)
		return do_userns_remount(argv[2], argv[3]);
	if (!strcmp(cmd, "signal-via") && argc == 5)
		return do_signal_via(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "sigio") && argc == 4)
		return do_sigio(argv[2], argv[3]);
	if (!strcmp(cmd, "tcp") && (argc == 4 || argc == 5))
		return do_tcp(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	if (!strcmp(cmd, "hog") && argc == 2)
		return do_hog();
	usage();
	return 2;
}
