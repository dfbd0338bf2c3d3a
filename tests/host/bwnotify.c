// SPDX-License-Identifier: GPL-2.0
/*
 * bwnotify: the service manager's end of sd_notify for tests/host/control.sh.
 *   bwnotify SOCKET READYFILE OUT
 * Binds a datagram socket at SOCKET ('@NAME': abstract), then for every
 * message writes one line to OUT: "ready=1|0" (whether READYFILE existed
 * when the message came) and the message, its newlines as spaces.  Exits
 * after STOPPING=1, or after 120 s.  "listening" on stdout once bound.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timeval tv = { 120, 0 };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	FILE *out;
	int fd;

	if (argc != 4 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: bwnotify SOCKET READYFILE OUT\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	len = offsetof(struct sockaddr_un, sun_path) + strlen(argv[1]) + 1;
	if (argv[1][0] == '@') {
		sa.sun_path[0] = 0;
		len--;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		perror("bwnotify");
		return 1;
	}
	out = fopen(argv[3], "w");
	if (!out) {
		perror(argv[3]);
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		char msg[4096];
		ssize_t n = recv(fd, msg, sizeof(msg) - 1, 0);
		int ready = access(argv[2], F_OK) == 0;

		if (n < 0)
			break;
		msg[n] = 0;
		for (char *p = msg; *p; p++)
			if (*p == '\n')
				*p = ' ';
		fprintf(out, "ready=%d %s\n", ready, msg);
		fflush(out);
		if (strstr(msg, "STOPPING=1"))
			break;
	}
	fclose(out);
	return 0;
}
