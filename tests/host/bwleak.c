// SPDX-License-Identifier: GPL-2.0
/*
 * The memleak host test's workload: once GOFILE exists, 100 blocks of
 * 4096 bytes from leak_here() and 10 of 512 (calloc) from leak_calloc(),
 * never freed, and 200 blocks of 1000 bytes from churn(), all freed; then
 * DONEFILE, and a wait to be killed (60 s at most).  Built by the test
 * with -O0 -fno-omit-frame-pointer: user stacks are walked by frame
 * pointers.  No stdio: its buffers would be allocations of their own.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#define NLEAK	100
#define NCALLOC	10
#define NCHURN	200

static void *leaked[NLEAK + NCALLOC];

__attribute__((noinline)) void leak_here(void)
{
	for (int i = 0; i < NLEAK; i++) {
		leaked[i] = malloc(4096);
		if (leaked[i])
			memset(leaked[i], 1, 4096);
	}
}

__attribute__((noinline)) void leak_calloc(void)
{
	for (int i = 0; i < NCALLOC; i++)
		leaked[NLEAK + i] = calloc(1, 512);
}

__attribute__((noinline)) void churn(void)
{
	static void *p[NCHURN];

	for (int i = 0; i < NCHURN; i++)
		p[i] = malloc(1000);
	for (int i = 0; i < NCHURN; i++)
		free(p[i]);
}

int main(int argc, char **argv)
{
	int fd;

	if (argc != 3)
		return 2;
	for (int i = 0; access(argv[1], F_OK); i++) {
		if (i > 3000)
			return 1;
		usleep(10000);
	}
	churn();
	leak_here();
	leak_calloc();
	fd = open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return 1;
	close(fd);
	sleep(60);
	return 0;
}
