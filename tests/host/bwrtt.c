// SPDX-License-Identifier: GPL-2.0
/*
 * Loopback TCP traffic of a known shape for tests/host/trace-tcprtt.sh:
 *   bwrtt ADDR N PORTFILE GOFILE
 *	listen on ADDR (port chosen by the kernel, written to PORTFILE),
 *	wait until GOFILE exists, connect to itself, then N round trips of
 *	100 bytes each way (TCP_NODELAY), and close both ends
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static socklen_t addr_of(const char *host, struct sockaddr_storage *ss)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		return sizeof(*a4);
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		return sizeof(*a6);
	}
	fprintf(stderr, "bwrtt: bad address %s\n", host);
	exit(2);
}

static int port_file(const char *path, const struct sockaddr_storage *ss)
{
	unsigned port = ntohs(ss->ss_family == AF_INET6 ?
			      ((const struct sockaddr_in6 *)ss)->sin6_port :
			      ((const struct sockaddr_in *)ss)->sin_port);
	char tmp[4096];
	FILE *f;

	/* the port appears whole: written aside, then renamed */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) || rename(tmp, path))
		return -1;
	return 0;
}

/* exactly len bytes, or -1 */
static int xfer(int fd, char *buf, size_t len, int out)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = out ? write(fd, buf + done, len - done) : read(fd, buf + done, len - done);

		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct timespec nap = { 0, 20 * 1000000L };
	socklen_t len;
	int one = 1, l, c, a, n;
	char buf[100];

	if (argc != 5) {
		fprintf(stderr, "usage: bwrtt ADDR N PORTFILE GOFILE\n");
		return 2;
	}
	len = addr_of(argv[1], &ss);
	n = atoi(argv[2]);
	l = socket(ss.ss_family, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&ss, len) || listen(l, 1)) {
		perror("bwrtt: listen");
		return 1;
	}
	len = sizeof(ss);
	if (getsockname(l, (struct sockaddr *)&ss, &len) || port_file(argv[3], &ss)) {
		perror("bwrtt: port file");
		return 1;
	}
	while (access(argv[4], F_OK))
		nanosleep(&nap, NULL);
	c = socket(ss.ss_family, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&ss, len)) {
		perror("bwrtt: connect");
		return 1;
	}
	a = accept(l, NULL, NULL);
	if (a < 0) {
		perror("bwrtt: accept");
		return 1;
	}
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	memset(buf, 'x', sizeof(buf));
	for (int i = 0; i < n; i++) {
		if (xfer(c, buf, sizeof(buf), 1) || xfer(a, buf, sizeof(buf), 0) ||
		    xfer(a, buf, sizeof(buf), 1) || xfer(c, buf, sizeof(buf), 0)) {
			perror("bwrtt: round trip");
			return 1;
		}
	}
	close(c);
	close(a);
	close(l);
	return 0;
}
