// SPDX-License-Identifier: GPL-2.0
/*
 * Reads and writes of known counts and sizes for tests/host/trace-files.sh:
 *   bwfiles IN OUT GOFILE
 *	wait until GOFILE exists; then from IN (10000 bytes or more) 5 reads
 *	of 1000 bytes, a pread of 300, a readv of 100 + 200 (7 reads, 5600
 *	bytes); to OUT 3 writes of 512, a pwrite of 100, a writev of 50 + 50
 *	(5 writes, 1736 bytes); through a pipe 1 write and 1 read of 7 bytes
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int exact(ssize_t got, size_t want, const char *what)
{
	if (got == (ssize_t)want)
		return 0;
	fprintf(stderr, "bwfiles: %s: %zd of %zu bytes\n", what, got, want);
	return -1;
}

static int reads(const char *path)
{
	char buf[1000];
	struct iovec iov[2] = { { buf, 100 }, { buf + 100, 200 } };
	int fd = open(path, O_RDONLY), bad = 0;

	if (fd < 0)
		return -1;
	for (int i = 0; i < 5; i++)
		bad |= exact(read(fd, buf, 1000), 1000, "read");
	bad |= exact(pread(fd, buf, 300, 0), 300, "pread");
	bad |= exact(readv(fd, iov, 2), 300, "readv");
	return close(fd) || bad ? -1 : 0;
}

static int writes(const char *path)
{
	char buf[512];
	struct iovec iov[2] = { { buf, 50 }, { buf + 50, 50 } };
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), bad = 0;

	if (fd < 0)
		return -1;
	memset(buf, 'w', sizeof(buf));
	for (int i = 0; i < 3; i++)
		bad |= exact(write(fd, buf, 512), 512, "write");
	bad |= exact(pwrite(fd, buf, 100, 0), 100, "pwrite");
	bad |= exact(writev(fd, iov, 2), 100, "writev");
	return close(fd) || bad ? -1 : 0;
}

static int through_pipe(void)
{
	char buf[7];
	int p[2];

	if (pipe(p))
		return -1;
	if (exact(write(p[1], "bwfiles", 7), 7, "pipe write") ||
	    exact(read(p[0], buf, 7), 7, "pipe read"))
		return -1;
	return close(p[0]) || close(p[1]) ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct timespec nap = { 0, 20 * 1000000L };

	if (argc != 4) {
		fprintf(stderr, "usage: bwfiles IN OUT GOFILE\n");
		return 2;
	}
	while (access(argv[3], F_OK))
		nanosleep(&nap, NULL);
	if (reads(argv[1]) || writes(argv[2]) || through_pipe()) {
		perror("bwfiles");
		return 1;
	}
	return 0;
}
