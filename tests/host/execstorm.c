// SPDX-License-Identifier: GPL-2.0
/*
 * An exec storm for tests/host/storm.sh: PROCS workers (0: two for each
 * online CPU) each start PROGRAM (argv: PROGRAM exit) with posix_spawn and
 * wait for it, again and again, for SECONDS.  Only a child that exited 0
 * is counted: its exec happened.  Prints, once every worker is done,
 *   execs=N procs=P seconds=S rate=R
 * where N is the count of execs of PROGRAM, the independent "produced" of
 * the test.  Anything else (a spawn that fails, a child killed, a worker
 * lost) ends the storm with exit status 1.
 *   execstorm SECONDS PROCS PROGRAM
 * Run as `execstorm exit` (how the workers start it when PROGRAM is a copy
 * of this program) it exits 0 at once: a small static program to exec.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long number(const char *s, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max) {
		fprintf(stderr, "execstorm: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

/* One worker: spawn, wait, count, until `end`.  -1 on any failure. */
static long long worker(const char *prog, long long end)
{
	char *argv[] = { (char *)prog, (char *)"exit", NULL };
	long long n = 0;

	while (now_ns() < end) {
		pid_t pid;
		int err, st;

		err = posix_spawn(&pid, prog, NULL, NULL, argv, environ);
		if (err) {
			fprintf(stderr, "execstorm: spawning %s: %s\n", prog, strerror(err));
			return -1;
		}
		while (waitpid(pid, &st, 0) < 0) {
			if (errno != EINTR) {
				perror("execstorm: waitpid");
				return -1;
			}
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "execstorm: %s ended with status 0x%x\n", prog, st);
			return -1;
		}
		n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	long long secs, procs, *counts, total = 0, start;
	const char *prog;
	int failed = 0;

	if (argc == 2 && !strcmp(argv[1], "exit"))
		return 0;
	if (argc != 4) {
		fprintf(stderr, "usage: execstorm SECONDS PROCS PROGRAM\n");
		return 2;
	}
	secs = number(argv[1], 3600);
	procs = number(argv[2], 256);
	prog = argv[3];
	if (!procs) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		procs = 2 * (cpus > 0 ? cpus : 1);
	}
	counts = mmap(NULL, sizeof(*counts) * procs, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED) {
		perror("execstorm: mmap");
		return 1;
	}
	start = now_ns();
	for (long long i = 0; i < procs; i++) {
		pid_t c = fork();

		if (c < 0) {
			perror("execstorm: fork");
			return 1;
		}
		if (c == 0) {
			long long n;

			/* a worker goes when the storm is stopped */
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() == 1)
				_exit(1);
			n = worker(prog, start + secs * 1000000000LL);
			if (n < 0)
				_exit(1);
			counts[i] = n;
			_exit(0);
		}
	}
	for (long long i = 0; i < procs; i++) {
		int st;

		if (wait(&st) < 0) {
			perror("execstorm: wait");
			return 1;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			failed = 1;
	}
	if (failed) {
		fprintf(stderr, "execstorm: a worker failed\n");
		return 1;
	}
	for (long long i = 0; i < procs; i++)
		total += counts[i];
	printf("execs=%lld procs=%lld seconds=%.3f rate=%.0f\n", total, procs,
	       (now_ns() - start) / 1e9, total / ((now_ns() - start) / 1e9));
	return 0;
}
