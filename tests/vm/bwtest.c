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
 * then exits 0 on success and 1 on failure (2 on a usage error).  The
 * scenarios match pid=N against the "pid" of the engine's records.
 * Linked statically so that it runs in a busybox initramfs; copies of it
 * under other names give subjects that no rule names.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
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
		"       bwtest exec PATH [ARGS...]\n"
		"       bwtest as-uid UID GID CMD [ARGS...]\n"
		"       bwtest kill-burst N PID SIG | raw-burst N | getppid-burst N\n"
		"       bwtest chroot DIR | chroot32 DIR | uname | getppid | sequence\n");
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

/* chroot through the 32-bit entry point (int $0x80, i386 number 61). */
static char chroot32_path[256];

static int do_chroot32(const char *dir)
{
	long ret;

	snprintf(chroot32_path, sizeof(chroot32_path), "%s", dir);
	/* a static, non-PIE binary: the buffer sits below 4 GiB */
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(61L), "b"(chroot32_path)
			 : "memory");
	if (ret < 0) {
		errno = (int)-ret;
		return fail("int80 chroot");
	}
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

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		usage();
	cmd = argv[1];
	/* Line buffered even into a file: exec must not lose output. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Subcommands that print nothing before handing over to a program. */
	if (!strcmp(cmd, "ok") && argc == 2)
		return ok();

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
	if (!strcmp(cmd, "chown") && argc == 5)
		return chown(argv[2], (uid_t)parse_num(argv[3], 0, INT_MAX),
			     (gid_t)parse_num(argv[4], 0, INT_MAX)) < 0 ?
			fail("chown") : ok();
	if (!strcmp(cmd, "chroot") && argc == 3)
		return chroot(argv[2]) < 0 ? fail("chroot") : ok();
	if (!strcmp(cmd, "chroot32") && argc == 3)
		return do_chroot32(argv[2]);
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
	if (!strcmp(cmd, "kill-burst") && argc == 5)
		return do_kill_burst(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "as-uid") && argc >= 5)
		return do_as_uid(argv[2], argv[3], argv + 4);
	usage();
	return 2;
}
