// SPDX-License-Identifier: GPL-2.0
/*
 * A storm of signals at a steady rate, for the record pipeline bench and
 * host tests: RATE kill() calls a second (0: as fast as they go) for
 * SECONDS, spread over PROCS processes, each sending its share in 1 ms
 * slices.  Prints "sent=N seconds=S rate=R" once every process is done.
 *   storm RATE SECONDS PID SIGNUM [PROCS]
 * Or open() and close() PATH as fast as they go for SECONDS (records of
 * the opensnoop tracer):
 *   storm open SECONDS PATH
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SLICE_NS 1000000LL

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
		fprintf(stderr, "storm: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static void send_one(pid_t pid, int sig)
{
	if (kill(pid, sig)) {
		perror("storm: kill");
		exit(1);
	}
}

/*
 * One sender: `rate` a second for `secs`, each 1 ms slice's share sent at
 * its start; or, with rate 0, as many as it can.  Returns the count.
 */
static long long send_signals(long long rate, long long secs, pid_t pid, int sig)
{
	long long sent = 0, start = now_ns(), end = start + secs * 1000000000LL;

	if (!rate) {
		while (now_ns() < end)
			for (int i = 0; i < 1000; i++, sent++)
				send_one(pid, sig);
		return sent;
	}
	for (long long slice = 0; slice < secs * 1000; slice++) {
		long long at = start + (slice + 1) * SLICE_NS;
		struct timespec next = { at / 1000000000LL, at % 1000000000LL };

		for (; sent < (slice + 1) * rate / 1000; sent++)
			send_one(pid, sig);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	return sent;
}

static int open_storm(long long secs, const char *path)
{
	long long n = 0, start = now_ns(), end = start + secs * 1000000000LL;

	while (now_ns() < end) {
		for (int i = 0; i < 1000; i++, n++) {
			int fd = open(path, O_RDONLY | O_CLOEXEC);

			if (fd < 0 || close(fd)) {
				perror("storm: open");
				return 1;
			}
		}
	}
	printf("opened=%lld seconds=%.3f\n", n, (now_ns() - start) / 1e9);
	return 0;
}

int main(int argc, char **argv)
{
	long long rate, secs, procs, *counts, total = 0, start;
	pid_t pid;
	int sig;

	if (argc == 4 && !strcmp(argv[1], "open"))
		return open_storm(number(argv[2], 3600), argv[3]);
	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: storm RATE SECONDS PID SIGNUM [PROCS]\n"
				"       storm open SECONDS PATH\n");
		return 2;
	}
	rate = number(argv[1], 100000000);
	secs = number(argv[2], 3600);
	pid = (pid_t)number(argv[3], 4194304);
	sig = (int)number(argv[4], 64);
	procs = argc == 6 ? number(argv[5], 64) : 1;
	if (!procs)
		procs = 1;
	counts = mmap(NULL, sizeof(*counts) * procs, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED) {
		perror("storm: mmap");
		return 1;
	}
	start = now_ns();
	for (long long i = 0; i < procs; i++) {
		pid_t c = fork();

		if (c < 0) {
			perror("storm: fork");
			return 1;
		}
		if (c == 0) {
			/* a sender goes when the storm is stopped */
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() == 1)
				_exit(1);
			counts[i] = send_signals(rate / procs, secs, pid, sig);
			_exit(0);
		}
	}
	for (long long i = 0; i < procs; i++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "storm: a sender failed\n");
			return 1;
		}
	}
	for (long long i = 0; i < procs; i++)
		total += counts[i];
	printf("sent=%lld seconds=%.3f rate=%.0f\n", total, (now_ns() - start) / 1e9,
	       total / ((now_ns() - start) / 1e9));
	return 0;
}
