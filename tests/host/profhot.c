// SPDX-License-Identifier: GPL-2.0
/*
 * A CPU-bound program for the profile tests: `profhot cpu SECS` spends
 * its time in bw_hot_spin() (called through bw_hot_outer()), `profhot sys
 * SECS` in read(2) of /dev/zero, i.e. in the kernel.  Built with
 * -fno-omit-frame-pointer so that the user stack walks.  `profhot get PORT
 * SECS` keeps a local HTTP server busy: GET /hot, one request after the
 * other, until SECS have passed; it prints how many were answered.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
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

/* One GET /hot to 127.0.0.1:port, its answer read to the end: 0 or -1. */
static int get(int port)
{
	static const char req[] = "GET /hot HTTP/1.0\r\nHost: localhost\r\n\r\n";
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	char buf[4096];
	ssize_t n;
	int s = socket(AF_INET, SOCK_STREAM, 0), ret = -1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0)
		return -1;
	if (!connect(s, (struct sockaddr *)&a, sizeof(a)) &&
	    write(s, req, sizeof(req) - 1) == (ssize_t)sizeof(req) - 1) {
		while ((n = read(s, buf, sizeof(buf))) > 0)
			ret = 0;
	}
	close(s);
	return ret;
}

static int serve_load(int port, int secs)
{
	time_t end = time(NULL) + secs;
	unsigned long ok = 0;

	while (time(NULL) < end)
		if (!get(port))
			ok++;
	printf("%lu\n", ok);
	return 0;
}

int main(int argc, char **argv)
{
	time_t end;
	int fd = -1;

	if (argc == 4 && !strcmp(argv[1], "get"))
		return serve_load(atoi(argv[2]), atoi(argv[3]));
	if (argc != 3 || (strcmp(argv[1], "cpu") && strcmp(argv[1], "sys"))) {
		fprintf(stderr, "usage: profhot cpu|sys SECONDS, profhot get PORT SECONDS\n");
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
