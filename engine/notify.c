// SPDX-License-Identifier: GPL-2.0
/* sd_notify(3)'s protocol without libsystemd (notify.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "notify.h"

/* $NOTIFY_SOCKET as an address; its length, or -errno. */
static int notify_addr(const char *name, struct sockaddr_un *sa)
{
	size_t n = strlen(name);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (n < 2 || n >= sizeof(sa->sun_path) || (name[0] != '/' && name[0] != '@'))
		return -EINVAL;
	memcpy(sa->sun_path, name, n);
	if (name[0] == '@') {
		/* abstract: a leading NUL, and no trailing one counted */
		sa->sun_path[0] = 0;
		return (int)(offsetof(struct sockaddr_un, sun_path) + n);
	}
	return (int)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

int notify_send(const char *msg)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	int fd, len, err = 0;
	ssize_t n;

	if (!name || !*name)
		return 1;
	len = notify_addr(name, &sa);
	if (len < 0)
		return len;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(msg))
		err = -EMSGSIZE;
	close(fd);
	return err;
}

int notify_sendf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -EMSGSIZE;
	return notify_send(buf);
}

/* A failure is said once: the manager may simply not be listening. */
static void said(int err)
{
	static bool once;

	if (err >= 0 || once)
		return;
	once = true;
	out_err("notifying the service manager ($NOTIFY_SOCKET) failed: %s",
		strerror(-err));
}

void notify_ready(uint64_t generation, uint64_t rules, const char *mode)
{
	said(notify_sendf("READY=1\nSTATUS=policy generation %llu live, %llu rules, %s mode\n",
			  (unsigned long long)generation, (unsigned long long)rules,
			  mode));
}

void notify_reloading(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts)) {
		said(notify_send("RELOADING=1\nSTATUS=reloading the policy\n"));
		return;
	}
	said(notify_sendf("RELOADING=1\nSTATUS=reloading the policy\nMONOTONIC_USEC=%llu\n",
			  (unsigned long long)ts.tv_sec * 1000000ULL +
			  (unsigned long long)ts.tv_nsec / 1000));
}

void notify_stopping(void)
{
	said(notify_send("STOPPING=1\nSTATUS=stopping\n"));
}
