// SPDX-License-Identifier: GPL-2.0
/*
 * Helper for the host tests of mountsnoop and sigsnoop: each command makes
 * the system calls it names directly (no libmount, no shell builtins), so
 * the test knows exactly which calls the tracer must report.
 *
 *   bwcalls mount SRC TARGET FSTYPE FLAGS DATA   ("-": NULL; FLAGS a number)
 *   bwcalls umount TARGET FLAGS                  (umount2)
 *   bwcalls newmount FSTYPE TARGET KEY=VALUE...  fsopen, fsconfig per option,
 *           fsconfig CMD_CREATE, fsmount (NOSUID|NODEV), move_mount to TARGET;
 *           prints "fsfd=N mfd=N"
 *   bwcalls setattr TARGET   open_tree(CLONE|CLOEXEC), then mount_setattr:
 *           recursive, read-only, private; prints "tfd=N"
 *   bwcalls fsopen FSTYPE
 *   bwcalls kill PID SIG | tkill TID SIG | tgkill TGID TID SIG
 *
 * Exit status 0 when every call succeeded; else 1, with the failed call and
 * its errno name on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* include/uapi/linux/mount.h, written out: glibc's and the kernel's headers clash */
#define FSOPEN_CLOEXEC		0x1
#define FSCONFIG_SET_STRING	1
#define FSCONFIG_CMD_CREATE	6
#define FSMOUNT_CLOEXEC		0x1
#define MOUNT_ATTR_RDONLY	0x1
#define MOUNT_ATTR_NOSUID	0x2
#define MOUNT_ATTR_NODEV	0x4
#define MOVE_MOUNT_F_EMPTY_PATH	0x4
#define OPEN_TREE_CLONE		0x1
#define AT_RECURSIVE_		0x8000
#define MS_PRIVATE_		(1 << 18)

struct mount_attr_ {
	unsigned long long attr_set, attr_clr, propagation, userns_fd;
};

static int fail(const char *call)
{
	int e = errno;

	fprintf(stderr, "bwcalls: %s: %s (%s)\n", call, strerrorname_np(e), strerror(e));
	return 1;
}

static long num(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "bwcalls: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static const char *opt_str(const char *s)
{
	return strcmp(s, "-") ? s : NULL;
}

static int do_newmount(const char *fstype, const char *target, int nopts, char **opts)
{
	int fsfd, mfd;

	fsfd = syscall(SYS_fsopen, fstype, FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return fail("fsopen");
	for (int i = 0; i < nopts; i++) {
		char *eq = strchr(opts[i], '=');

		if (!eq) {
			fprintf(stderr, "bwcalls: want KEY=VALUE, got '%s'\n", opts[i]);
			return 2;
		}
		*eq = 0;
		if (syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, opts[i], eq + 1, 0) < 0)
			return fail("fsconfig");
	}
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fail("fsconfig");
	mfd = syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mfd < 0)
		return fail("fsmount");
	if (syscall(SYS_move_mount, mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return fail("move_mount");
	printf("fsfd=%d mfd=%d\n", fsfd, mfd);
	return 0;
}

static int do_setattr(const char *target)
{
	struct mount_attr_ attr = {
		.attr_set = MOUNT_ATTR_RDONLY, .propagation = MS_PRIVATE_,
	};
	int tfd;

	tfd = syscall(SYS_open_tree, AT_FDCWD, target, OPEN_TREE_CLONE | O_CLOEXEC);
	if (tfd < 0)
		return fail("open_tree");
	if (syscall(SYS_mount_setattr, AT_FDCWD, target, AT_RECURSIVE_, &attr, sizeof(attr)) < 0)
		return fail("mount_setattr");
	printf("tfd=%d\n", tfd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "mount") && argc == 7)
		return syscall(SYS_mount, opt_str(argv[2]), argv[3], opt_str(argv[4]),
			       num(argv[5]), opt_str(argv[6])) < 0 ? fail("mount") : 0;
	if (!strcmp(cmd, "umount") && argc == 4)
		return syscall(SYS_umount2, argv[2], num(argv[3])) < 0 ? fail("umount2") : 0;
	if (!strcmp(cmd, "newmount") && argc >= 4)
		return do_newmount(argv[2], argv[3], argc - 4, argv + 4);
	if (!strcmp(cmd, "setattr") && argc == 3)
		return do_setattr(argv[2]);
	if (!strcmp(cmd, "fsopen") && argc == 3)
		return syscall(SYS_fsopen, argv[2], FSOPEN_CLOEXEC) < 0 ? fail("fsopen") : 0;
	if (!strcmp(cmd, "kill") && argc == 4)
		return syscall(SYS_kill, num(argv[2]), num(argv[3])) < 0 ? fail("kill") : 0;
	if (!strcmp(cmd, "tkill") && argc == 4)
		return syscall(SYS_tkill, num(argv[2]), num(argv[3])) < 0 ? fail("tkill") : 0;
	if (!strcmp(cmd, "tgkill") && argc == 5)
		return syscall(SYS_tgkill, num(argv[2]), num(argv[3]), num(argv[4])) < 0 ?
			fail("tgkill") : 0;
	fprintf(stderr, "usage: bwcalls mount SRC TARGET FSTYPE FLAGS DATA | umount TARGET FLAGS\n"
		"       | newmount FSTYPE TARGET KEY=VALUE... | setattr TARGET | fsopen FSTYPE\n"
		"       | kill PID SIG | tkill TID SIG | tgkill TGID TID SIG\n");
	return 2;
}
