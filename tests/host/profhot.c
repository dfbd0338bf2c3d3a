// SPDX-License-Identifier: GPL-2.0
/*
 * A CPU-bound program for the profile tests: `profhot cpu SECS` spends
 * its time in bw_hot_spin() (called through bw_hot_outer()), `profhot sys
 * SECS` in read(2) of /dev/zero, i.e. in the kernel.  Built with
 * -fno-omit-frame-pointer so that the user stack walks.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

__attribute__((noinline)) void bw_hot_spin(unsigned long n)
{
	unsigned long x = sink;

	for (unsigned long i = 0; i < n; i++)
		x = x * 6364136223846793005UL + i;
	sink = x;
}

__attribute__((noinline)) void bw_hot_outer(void)
{
	bw_hot_spin(1000000);
}

__attribute__((noinline)) void bw_sys_loop(int fd)
{
	static char buf[65536];

	if (read(fd, buf, sizeof(buf)) < 0)
		exit(1);
}

int main(int argc, char **argv)
{
	time_t end;
	int fd = -1;

	if (argc != 3 || (strcmp(argv[1], "cpu") && strcmp(argv[1], "sys"))) {
		fprintf(stderr, "usage: profhot cpu|sys SECONDS\n");
		return 2;
	}
	end = time(NULL) + atoi(argv[2]);
	if (!strcmp(argv[1], "sys") && (fd = open("/dev/zero", O_RDONLY)) < 0)
		return 1;
	while (time(NULL) < end) {
		if (fd < 0)
			bw_hot_outer();
		else
			bw_sys_loop(fd);
	}
	return 0;
}
