// SPDX-License-Identifier: GPL-2.0
/*
 * sd_notify's protocol (engine/notify.c): the datagram arrives whole at a
 * path and at an abstract name, nothing is sent without $NOTIFY_SOCKET,
 * a name that is neither is refused.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "notify.h"

/* A datagram socket bound at name ('@': abstract); its fd. */
static int listen_at(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { 2, 0 };
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + strlen(name) + 1;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	strcpy(sa.sun_path, name);
	if (name[0] == '@') {
		sa.sun_path[0] = 0;
		len--;
	}
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	return fd;
}

static void receive(int fd, const char *want)
{
	char buf[1024];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

	assert_true(n > 0);
	buf[n] = 0;
	assert_string_equal(buf, want);
}

static void test_path(void **state)
{
	char dir[] = "/tmp/bw-notify.XXXXXX", path[64];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = listen_at(path);
	assert_int_equal(setenv("NOTIFY_SOCKET", path, 1), 0);
	assert_int_equal(notify_send("READY=1\n"), 0);
	receive(fd, "READY=1\n");
	notify_ready(7, 12, "audit");
	receive(fd, "READY=1\nSTATUS=policy generation 7 live, 12 rules, audit mode\n");
	notify_stopping();
	receive(fd, "STOPPING=1\nSTATUS=stopping\n");
	close(fd);
	unlink(path);
	rmdir(dir);
}

static void test_abstract(void **state)
{
	char name[64], buf[256];
	unsigned long long usec;
	ssize_t n;
	int fd;

	(void)state;
	snprintf(name, sizeof(name), "@bw-test-notify-%d", (int)getpid());
	fd = listen_at(name);
	assert_int_equal(setenv("NOTIFY_SOCKET", name, 1), 0);
	notify_reloading();
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = 0;
	assert_int_equal(strncmp(buf, "RELOADING=1\n", 12), 0);
	assert_non_null(strstr(buf, "\nMONOTONIC_USEC="));
	assert_int_equal(sscanf(strstr(buf, "MONOTONIC_USEC=") + 15, "%llu", &usec), 1);
	assert_true(usec > 0);
	close(fd);
}

static void test_none_or_bad(void **state)
{
	(void)state;
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
	assert_int_equal(notify_send("READY=1\n"), 1);
	assert_int_equal(setenv("NOTIFY_SOCKET", "relative/path", 1), 0);
	assert_int_equal(notify_send("READY=1\n"), -EINVAL);
	assert_int_equal(setenv("NOTIFY_SOCKET", "/nonexistent/bw-notify", 1), 0);
	assert_int_equal(notify_send("READY=1\n"), -ENOENT);
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_abstract),
		cmocka_unit_test(test_none_or_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
