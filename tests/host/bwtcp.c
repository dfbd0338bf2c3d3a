// SPDX-License-Identifier: GPL-2.0
/*
 * Loopback TCP for the tcp and tcpconnlat tests (tests/host/trace-tcp*.sh):
 *   bwtcp serve ADDR BACKLOG PORTFILE N DELAY_MS
 *	listen on ADDR (port chosen by the kernel, written to PORTFILE),
 *	wait DELAY_MS, then accept N connections (odd ones with accept(),
 *	even ones with accept4()), printing "FD PEERPORT" for each
 *   bwtcp connect ADDR PORT	connect, print the local port; 1 if refused
 *   bwtcp udp ADDR PORT	connect a UDP socket (no handshake)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static socklen_t addr_of(const char *host, unsigned port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		return sizeof(*a4);
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		return sizeof(*a6);
	}
	fprintf(stderr, "bwtcp: bad address %s\n", host);
	exit(2);
}

static unsigned port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static int serve(const char *host, int backlog, const char *portfile, int n, int delay_ms)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_of(host, 0, &ss);
	int one = 1, fd = socket(ss.ss_family, SOCK_STREAM, 0);
	struct timespec d = { delay_ms / 1000, (delay_ms % 1000) * 1000000L };
	char tmp[4096];
	FILE *f;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) || listen(fd, backlog)) {
		perror("bwtcp: listen");
		return 2;
	}
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	/* the port appears whole: written aside, then renamed */
	snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%u\n", port_of(&ss)) < 0 || fclose(f) || rename(tmp, portfile)) {
		perror("bwtcp: port file");
		return 2;
	}
	nanosleep(&d, NULL);
	for (int i = 0; i < n; i++) {
		int c;

		len = sizeof(ss);
		if (i % 2 == 0)
			c = accept(fd, (struct sockaddr *)&ss, &len);
		else
			c = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
		if (c < 0) {
			perror("bwtcp: accept");
			return 1;
		}
		printf("%d %u\n", c, port_of(&ss));
		fflush(stdout);
		while (read(c, tmp, sizeof(tmp)) > 0)
			;
		close(c);
	}
	close(fd);
	return 0;
}

static int connect_to(const char *host, unsigned port, int type)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_of(host, port, &ss);
	int fd = socket(ss.ss_family, type, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len)) {
		perror("bwtcp: connect");
		return 1;
	}
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	printf("%u\n", port_of(&ss));
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "serve"))
		return serve(argv[2], atoi(argv[3]), argv[4], atoi(argv[5]), atoi(argv[6]));
	if (argc == 4 && !strcmp(argv[1], "connect"))
		return connect_to(argv[2], atoi(argv[3]), SOCK_STREAM);
	if (argc == 4 && !strcmp(argv[1], "udp"))
		return connect_to(argv[2], atoi(argv[3]), SOCK_DGRAM);
	fprintf(stderr, "usage: bwtcp serve ADDR BACKLOG PORTFILE N DELAY_MS | "
		"connect ADDR PORT | udp ADDR PORT\n");
	return 2;
}
