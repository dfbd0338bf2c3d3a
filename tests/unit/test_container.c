// SPDX-License-Identifier: GPL-2.0
/*
 * The container mapping (engine/container.c): cgroup paths of every
 * runtime, with the systemd and cgroupfs drivers, nested cgroups, and
 * what is not a container; the scan of a /proc tree; values of rules and
 * filters; container_match.
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
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "container.h"
#include "rules.h"
#include "util.h"
#include "testutil.h"

#define H1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define H2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define POD "7a9c2d5e-1b3f-4c8d-9e0f-123456789abc"
#define POD_ "7a9c2d5e_1b3f_4c8d_9e0f_123456789abc"

struct cg_case {
	const char *path;
	enum container_runtime runtime;	/* CTR_RT_NONE: not a container */
	const char *id;
	const char *short_id;
	const char *cgroup;		/* the container's own cgroup */
	const char *pod;		/* "" when none */
};

static const struct cg_case cases[] = {
	/* docker: systemd and cgroupfs drivers, systemd inside, in LXC */
	{ "/system.slice/docker-" H1 ".scope", CTR_RT_DOCKER, H1, "0123456789ab",
	  "/system.slice/docker-" H1 ".scope", "" },
	{ "/system.slice/docker-" H1 ".scope/init.scope", CTR_RT_DOCKER, H1,
	  "0123456789ab", "/system.slice/docker-" H1 ".scope", "" },
	{ "/system.slice/docker-" H1 ".scope/system.slice/cron.service",
	  CTR_RT_DOCKER, H1, "0123456789ab", "/system.slice/docker-" H1 ".scope", "" },
	{ "/docker/" H1, CTR_RT_DOCKER, H1, "0123456789ab", "/docker/" H1, "" },
	{ "/lxc.payload.web1/system.slice/docker-" H2 ".scope", CTR_RT_DOCKER, H2,
	  "fedcba987654", "/lxc.payload.web1/system.slice/docker-" H2 ".scope", "" },
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice/docker-" H1 ".scope",
	  CTR_RT_DOCKER, H1, "0123456789ab",
	  "/user.slice/user-1000.slice/user@1000.service/app.slice/docker-" H1 ".scope", "" },
	/* containerd: Kubernetes with the systemd and cgroupfs drivers, and
	 * containerd's own namespaces */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_
	  ".slice/cri-containerd-" H1 ".scope", CTR_RT_CONTAINERD, H1, "0123456789ab",
	  "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_
	  ".slice/cri-containerd-" H1 ".scope", POD },
	{ "/kubepods.slice/kubepods-pod" POD_ ".slice/cri-containerd-" H2 ".scope",
	  CTR_RT_CONTAINERD, H2, "fedcba987654",
	  "/kubepods.slice/kubepods-pod" POD_ ".slice/cri-containerd-" H2 ".scope", POD },
	{ "/kubepods/besteffort/pod" POD "/" H1, CTR_RT_CONTAINERD, H1, "0123456789ab",
	  "/kubepods/besteffort/pod" POD "/" H1, POD },
	{ "/kubepods/pod" POD "/" H2, CTR_RT_CONTAINERD, H2, "fedcba987654",
	  "/kubepods/pod" POD "/" H2, POD },
	/* a static pod: its uid is a config hash without dashes */
	{ "/kubepods/burstable/pod0123456789abcdef0123456789abcdef/" H1,
	  CTR_RT_CONTAINERD, H1, "0123456789ab",
	  "/kubepods/burstable/pod0123456789abcdef0123456789abcdef/" H1,
	  "0123456789abcdef0123456789abcdef" },
	{ "/default/" H1, CTR_RT_CONTAINERD, H1, "0123456789ab", "/default/" H1, "" },
	/* cri-o */
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_
	  ".slice/crio-" H1 ".scope", CTR_RT_CRIO, H1, "0123456789ab",
	  "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_
	  ".slice/crio-" H1 ".scope", POD },
	{ "/kubepods/besteffort/pod" POD "/crio-" H2, CTR_RT_CRIO, H2, "fedcba987654",
	  "/kubepods/besteffort/pod" POD "/crio-" H2, POD },
	/* podman: root, rootless, systemd inside, in a pod, cgroupfs */
	{ "/machine.slice/libpod-" H1 ".scope", CTR_RT_PODMAN, H1, "0123456789ab",
	  "/machine.slice/libpod-" H1 ".scope", "" },
	{ "/machine.slice/libpod-" H1 ".scope/container", CTR_RT_PODMAN, H1,
	  "0123456789ab", "/machine.slice/libpod-" H1 ".scope", "" },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" H2 ".scope",
	  CTR_RT_PODMAN, H2, "fedcba987654",
	  "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" H2 ".scope", "" },
	{ "/machine.slice/machine-libpod_pod_" H1 ".slice/libpod-" H2 ".scope",
	  CTR_RT_PODMAN, H2, "fedcba987654",
	  "/machine.slice/machine-libpod_pod_" H1 ".slice/libpod-" H2 ".scope", "" },
	{ "/libpod_parent/libpod-" H1, CTR_RT_PODMAN, H1, "0123456789ab",
	  "/libpod_parent/libpod-" H1, "" },
	/* LXC 4+ and LXD, systemd inside; older LXC */
	{ "/lxc.payload.web1", CTR_RT_LXC, "web1", "web1", "/lxc.payload.web1", "" },
	{ "/lxc.payload.web1/init.scope", CTR_RT_LXC, "web1", "web1",
	  "/lxc.payload.web1", "" },
	{ "/lxc.payload.web1/system.slice/nginx.service", CTR_RT_LXC, "web1", "web1",
	  "/lxc.payload.web1", "" },
	{ "/lxc.payload.build_box-2.a", CTR_RT_LXC, "build_box-2.a", "build_box-2.a",
	  "/lxc.payload.build_box-2.a", "" },
	{ "/lxc.payload.a-rather-long-container-name", CTR_RT_LXC,
	  "a-rather-long-container-name", "a-rather-long-c",
	  "/lxc.payload.a-rather-long-container-name", "" },
	{ "/lxc/old1", CTR_RT_LXC, "old1", "old1", "/lxc/old1", "" },
	{ "/lxc/old1/system.slice/cron.service", CTR_RT_LXC, "old1", "old1",
	  "/lxc/old1", "" },
	/* systemd-nspawn, as a service and as a scope; escaped names */
	{ "/machine.slice/systemd-nspawn@debian12.service", CTR_RT_NSPAWN, "debian12",
	  "debian12", "/machine.slice/systemd-nspawn@debian12.service", "" },
	{ "/machine.slice/systemd-nspawn@debian12.service/payload/system.slice/cron.service",
	  CTR_RT_NSPAWN, "debian12", "debian12",
	  "/machine.slice/systemd-nspawn@debian12.service", "" },
	{ "/machine.slice/systemd-nspawn@my\\x2dbox.service/payload", CTR_RT_NSPAWN,
	  "my-box", "my-box", "/machine.slice/systemd-nspawn@my\\x2dbox.service", "" },
	{ "/machine.slice/machine-debian12.scope", CTR_RT_NSPAWN, "debian12", "debian12",
	  "/machine.slice/machine-debian12.scope", "" },
	{ "/machine.slice/machine-my\\x2dbox.scope/payload/init.scope", CTR_RT_NSPAWN,
	  "my-box", "my-box", "/machine.slice/machine-my\\x2dbox.scope", "" },
	{ "/machine.slice/machine-a\\x2dvery\\x2dlong\\x2dmachine\\x2dname.scope",
	  CTR_RT_NSPAWN, "a-very-long-machine-name", "a-very-long-mac",
	  "/machine.slice/machine-a\\x2dvery\\x2dlong\\x2dmachine\\x2dname.scope", "" },
	/* \x00 and bad escapes stay as they are */
	{ "/machine.slice/machine-a\\x00b\\xzz.scope", CTR_RT_NSPAWN, "a\\x00b\\xzz",
	  "a\\x00b\\xzz", "/machine.slice/machine-a\\x00b\\xzz.scope", "" },
	/* nested deeply: level 7 is the last one examined */
	{ "/lxc.payload.deep/1/2/3/4/5/6/7", CTR_RT_LXC, "deep", "deep",
	  "/lxc.payload.deep", "" },
	/* a container inside a container: the innermost one */
	{ "/lxc.payload.outer/machine.slice/systemd-nspawn@inner.service/payload",
	  CTR_RT_NSPAWN, "inner", "inner",
	  "/lxc.payload.outer/machine.slice/systemd-nspawn@inner.service", "" },
	/* nspawn's supervisor in an LXC container belongs to the LXC one */
	{ "/lxc.payload.outer/machine.slice/systemd-nspawn@inner.service/supervisor",
	  CTR_RT_LXC, "outer", "outer", "/lxc.payload.outer", "" },
	{ "/lxc.payload.outer/machine.slice/libpod-conmon-" H1 ".scope",
	  CTR_RT_LXC, "outer", "outer", "/lxc.payload.outer", "" },
};

/* Paths that are not in a container. */
static const char *const not_containers[] = {
	"/",
	"/init.scope",
	"/user.slice/user-0.slice/session-1.scope",
	"/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-1234.scope",
	"/system.slice/docker.service",
	"/system.slice/containerd.service",
	"/system.slice/docker-" H1 "-x.scope",	/* the id must end the name or a '.' follow */
	"/system.slice/lxc@web1.service",
	"/lxc.monitor.web1",
	"/lxc.payload.",
	"/lxc",
	"/machine.slice",
	"/machine.slice/machine-.scope",
	"/machine.slice/systemd-nspawn@.service",
	"/machine.slice/systemd-nspawn@debian12.service/supervisor",
	"/machine.slice/machine-debian12.scope/supervisor",
	"/machine.slice/machine-qemu\\x2d1\\x2dwin11.scope/libvirt/emulator",
	"/machine.slice/libpod-conmon-" H1 ".scope",
	"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_
	".slice/crio-conmon-" H1 ".scope",
	"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_ ".slice",
	"/kubepods/besteffort/pod" POD,
	"/docker/0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
	"/docker/" H1 "0",
	"/system.slice/docker-" H1 "0.scope",
	"/system.slice/foobar-" H1 ".scope",
	"/system.slice/libpod-conmon-" H1 ".scope",
	/* level 8 is no longer examined */
	"/lxc.payload.deep/1/2/3/4/5/6/7/8",
	/* "lxc" at level 8 would name its child at level 7, but is not read */
	"/lxc/old1/1/2/3/4/5/6/7",
};

static void test_runtimes(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct cg_case *t = &cases[i];
		struct container_ref r;
		int ret = container_from_cgroup(t->path, &r);

		if (ret != 1)
			fail_msg("%s: returned %d, want 1", t->path, ret);
		if (r.runtime != t->runtime || strcmp(r.id, t->id) ||
		    strcmp(r.short_id, t->short_id) || strcmp(r.cgroup, t->cgroup) ||
		    strcmp(r.pod_uid, t->pod))
			fail_msg("%s:\n got %s %s %s %s pod '%s'\nwant %s %s %s %s pod '%s'",
				 t->path, container_runtime_name(r.runtime), r.id,
				 r.short_id, r.cgroup, r.pod_uid,
				 container_runtime_name(t->runtime), t->id, t->short_id,
				 t->cgroup, t->pod);
		assert_int_equal(r.named, t->runtime == CTR_RT_LXC ||
					  t->runtime == CTR_RT_NSPAWN);
		assert_false(r.partial);
	}
}

static void test_not_containers(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(not_containers); i++) {
		struct container_ref r;
		int ret = container_from_cgroup(not_containers[i], &r);

		if (ret != 0)
			fail_msg("%s: returned %d (%s %s), want 0", not_containers[i], ret,
				 container_runtime_name(r.runtime), r.id);
		assert_int_equal(r.runtime, CTR_RT_NONE);
		assert_string_equal(r.short_id, "");
	}
}

static void test_bad_paths(void **state)
{
	struct container_ref r;

	(void)state;
	assert_int_equal(container_from_cgroup("docker/" H1, &r), -EINVAL);
	assert_int_equal(container_from_cgroup("", &r), -EINVAL);
	assert_int_equal(container_from_cgroup(NULL, &r), -EINVAL);
	/* doubled and trailing slashes are not components */
	assert_int_equal(container_from_cgroup("//lxc.payload.web1//init.scope/", &r), 1);
	assert_string_equal(r.id, "web1");
	assert_string_equal(r.cgroup, "//lxc.payload.web1");
}

/* Names the kernel cannot tell from cut ones (127 bytes and more) name nothing. */
static void test_long_names(void **state)
{
	char path[512], name[BW_CTR_NAME_MAX + 2];
	struct container_ref r;

	(void)state;
	memset(name, 'n', sizeof(name));
	name[BW_CTR_NAME_MAX - 12] = 0;		/* lxc.payload. + 114 = 126 bytes */
	snprintf(path, sizeof(path), "/lxc.payload.%s/init.scope", name);
	assert_int_equal(container_from_cgroup(path, &r), 1);
	assert_int_equal(strlen(r.id), BW_CTR_NAME_MAX - 12);
	assert_string_equal(r.short_id, "nnnnnnnnnnnnnnn");
	name[BW_CTR_NAME_MAX - 12] = 'n';	/* 127 bytes */
	name[BW_CTR_NAME_MAX - 11] = 0;
	snprintf(path, sizeof(path), "/lxc.payload.%s/init.scope", name);
	assert_int_equal(container_from_cgroup(path, &r), 0);
	/* the child of "lxc": 126 bytes name a container, 127 do not */
	name[BW_CTR_NAME_MAX - 11] = 'n';
	name[BW_CTR_NAME_MAX] = 0;
	snprintf(path, sizeof(path), "/lxc/%s", name);
	assert_int_equal(container_from_cgroup(path, &r), 1);
	assert_string_equal(r.short_id, "nnnnnnnnnnnnnnn");
	name[BW_CTR_NAME_MAX] = 'n';
	name[BW_CTR_NAME_MAX + 1] = 0;
	snprintf(path, sizeof(path), "/lxc/%s", name);
	assert_int_equal(container_from_cgroup(path, &r), 0);
}

/* ---- the scan of a /proc tree ---- */

static void put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void mk(const char *dir, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(mkdir(path, 0700), 0);
}

/* A process directory with its cgroup file and, if ns, namespace files. */
static void fake_proc(const char *dir, const char *pid, const char *cgroup, bool ns)
{
	static const char *const kinds[] = { "pid", "mnt", "net", "user" };
	char rel[128];

	mk(dir, pid);
	snprintf(rel, sizeof(rel), "%s/cgroup", pid);
	if (cgroup)
		put(dir, rel, cgroup);
	if (!ns)
		return;
	snprintf(rel, sizeof(rel), "%s/ns", pid);
	mk(dir, rel);
	for (size_t i = 0; i < 4; i++) {
		snprintf(rel, sizeof(rel), "%s/ns/%s", pid, kinds[i]);
		put(dir, rel, "");
	}
}

static uint64_t ino(const char *dir, const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

static void test_list(void **state)
{
	const char *dir = *state;
	struct container_info *list;
	size_t n;

	/* a hybrid host: v1 lines first, the "0::" line last */
	fake_proc(dir, "1", "1:name=systemd:/init.scope\n0::/init.scope\n", true);
	fake_proc(dir, "4242", "12:pids:/\n1:name=systemd:/\n0::/lxc.payload.web1/init.scope\n", true);
	fake_proc(dir, "77", "0::/lxc.payload.web1/system.slice/nginx.service\n", true);
	/* the lowest pid of docker's container exited: no ns directory */
	fake_proc(dir, "300", "0::/system.slice/docker-" H1 ".scope\n", false);
	fake_proc(dir, "31337", "0::/system.slice/docker-" H1 ".scope\n", true);
	fake_proc(dir, "500", "0::/system.slice/docker.service\n", true);
	/* gone before its cgroup file was read; v1 only; nspawn's supervisor */
	fake_proc(dir, "600", NULL, false);
	fake_proc(dir, "601", "1:name=systemd:/lxc/old1\n", true);
	fake_proc(dir, "602", "0::/machine.slice/systemd-nspawn@box.service/supervisor\n", true);
	/* a container whose only process exited after its cgroup was read */
	fake_proc(dir, "700", "0::/lxc.payload.gone\n", false);
	mk(dir, "self");
	mk(dir, "0123");
	put(dir, "99x", "");

	assert_int_equal(container_list(dir, &list, &n), 0);
	assert_int_equal(n, 2);
	/* sorted by cgroup path */
	assert_string_equal(list[0].ref.cgroup, "/lxc.payload.web1");
	assert_int_equal(list[0].ref.runtime, CTR_RT_LXC);
	assert_string_equal(list[0].ref.id, "web1");
	assert_int_equal(list[0].npids, 2);
	assert_int_equal(list[0].pids[0], 77);
	assert_int_equal(list[0].pids[1], 4242);
	assert_true(list[0].pidns == ino(dir, "77/ns/pid"));
	assert_true(list[0].mntns == ino(dir, "77/ns/mnt"));
	assert_true(list[0].netns == ino(dir, "77/ns/net"));
	assert_true(list[0].userns == ino(dir, "77/ns/user"));
	assert_string_equal(list[1].ref.cgroup, "/system.slice/docker-" H1 ".scope");
	assert_int_equal(list[1].ref.runtime, CTR_RT_DOCKER);
	assert_string_equal(list[1].ref.short_id, "0123456789ab");
	assert_int_equal(list[1].npids, 2);
	assert_int_equal(list[1].pids[0], 300);
	assert_int_equal(list[1].pids[1], 31337);
	assert_true(list[1].pidns == ino(dir, "31337/ns/pid"));
	container_list_free(list, n);

	assert_int_equal(container_list("/nonexistent-proc", &list, &n), -ENOENT);
}

/* The real /proc: whatever runs here, every entry is consistent. */
static void test_list_host(void **state)
{
	struct container_info *list;
	size_t n;

	(void)state;
	assert_int_equal(container_list(NULL, &list, &n), 0);
	for (size_t i = 0; i < n; i++) {
		struct container_ref again;

		assert_true(list[i].npids > 0);
		for (size_t k = 1; k < list[i].npids; k++)
			assert_true(list[i].pids[k - 1] < list[i].pids[k]);
		assert_int_equal(container_from_cgroup(list[i].ref.cgroup, &again), 1);
		assert_string_equal(again.short_id, list[i].ref.short_id);
	}
	container_list_free(list, n);
}

static void test_of_pid(void **state)
{
	const char *dir = *state;
	struct container_ref r;

	fake_proc(dir, "10", "0::/machine.slice/machine-box.scope/payload\n", false);
	fake_proc(dir, "11", "1:name=systemd:/\n", false);
	assert_int_equal(container_of_pid(dir, 10, &r), 1);
	assert_string_equal(r.id, "box");
	assert_int_equal(container_of_pid(dir, 11, &r), -ENODATA);
	assert_int_equal(container_of_pid(dir, 12, &r), -ENOENT);
	/* this process: not an error, whether or not it runs in a container */
	assert_true(container_of_pid(NULL, getpid(), &r) >= 0);
}

/* ---- values of rules and filters ---- */

static void test_values(void **state)
{
	char s[BW_CTR_ID_LEN];

	(void)state;
	assert_int_equal(container_value_kind("0123456789ab"), CTR_VAL_ID);
	assert_int_equal(container_value_kind(H1), CTR_VAL_ID);
	assert_int_equal(container_value_kind("web1"), CTR_VAL_NAME);
	assert_int_equal(container_value_kind("My_Box-2.lan"), CTR_VAL_NAME);
	assert_int_equal(container_value_kind("0123456789ab-x"), CTR_VAL_NAME);
	assert_int_equal(container_value_kind("0123456789a"), CTR_VAL_BAD_ID);
	assert_int_equal(container_value_kind("cafe"), CTR_VAL_BAD_ID);
	assert_int_equal(container_value_kind("0123456789AB"), CTR_VAL_BAD_ID);
	assert_int_equal(container_value_kind(H1 "0"), CTR_VAL_BAD_ID);
	assert_int_equal(container_value_kind(""), CTR_VAL_BAD_NAME);
	assert_int_equal(container_value_kind("a/b"), CTR_VAL_BAD_NAME);
	assert_int_equal(container_value_kind("a b"), CTR_VAL_BAD_NAME);
	assert_int_equal(container_value_kind("my\\x2dbox"), CTR_VAL_BAD_NAME);
	container_value_short(H1, s);
	assert_string_equal(s, "0123456789ab");
	container_value_short("a-rather-long-container-name", s);
	assert_string_equal(s, "a-rather-long-c");
	container_value_short("web1", s);
	assert_string_equal(s, "web1");
}

static void test_match(void **state)
{
	struct container_ref docker, lxc, rec_hex, rec_name;

	(void)state;
	assert_int_equal(container_from_cgroup("/system.slice/docker-" H1 ".scope", &docker), 1);
	assert_int_equal(container_from_cgroup("/lxc.payload.a-rather-long-container-name",
					       &lxc), 1);
	/* ids: the short id, a longer prefix, the whole id */
	assert_true(container_match(&docker, "0123456789ab"));
	assert_true(container_match(&docker, "0123456789abcdef01"));
	assert_true(container_match(&docker, H1));
	assert_false(container_match(&docker, "0123456789ac"));
	assert_false(container_match(&docker, "0123456789abcdef02"));
	/* too short, or not lowercase, is no id */
	assert_false(container_match(&docker, "0123456789a"));
	assert_false(container_match(&docker, "0123456789AB"));
	assert_false(container_match(&docker, "docker"));
	/* names: whole, not a prefix; never an id's */
	assert_true(container_match(&lxc, "a-rather-long-container-name"));
	assert_false(container_match(&lxc, "a-rather-long-c"));
	assert_false(container_match(&lxc, "a-rather-long-container-name2"));
	assert_false(container_match(&docker, "web1"));
	/* records know only the short id */
	container_ref_from_short("0123456789ab", &rec_hex);
	assert_true(container_match(&rec_hex, "0123456789ab"));
	assert_true(container_match(&rec_hex, H1));
	assert_false(container_match(&rec_hex, H2));
	container_ref_from_short("a-rather-long-c", &rec_name);
	assert_true(container_match(&rec_name, "a-rather-long-container-name"));
	assert_true(container_match(&rec_name, "a-rather-long-c"));
	assert_false(container_match(&rec_name, "a-rather"));
	/* nothing matches outside containers, or for bad or missing values */
	container_ref_from_short("", &rec_name);
	assert_false(container_match(&rec_name, "web1"));
	assert_false(container_match(&docker, ""));
	assert_false(container_match(&docker, NULL));
	assert_false(container_match(NULL, "web1"));
}

/* ---- the container key of rules ---- */

struct loaded {
	struct bw_ruleset rs;
	struct diag d;
	int ret;
	char *path;
};

static void load(struct loaded *l, const char *dir, const char *text)
{
	memset(l, 0, sizeof(*l));
	l->path = tu_write(dir, "ctr.rules", text);
	l->ret = rules_load_path(&l->rs, l->path, &l->d);
}

static void unload(struct loaded *l)
{
	rules_free(&l->rs);
	diag_free(&l->d);
	assert_int_equal(unlink(l->path), 0);
	free(l->path);
}

#define RULE "[r]\nevent = exec\naction = deny\n"

static void test_rule_names(void **state)
{
	const struct bw_match *m;
	struct loaded l;

	load(&l, *state, RULE "container = web1, " H1 ", my-box, 0123456789abcd\n");
	assert_int_equal(l.ret, 0);
	tu_expect_none(&l.d);
	m = rule_match(&l.rs.rules[0], BW_DIM_CONTAINER);
	assert_int_equal(m->n, 3);	/* H1 and its prefix: one short id */
	assert_string_equal(m->strs[0], "web1");
	assert_string_equal(m->strs[1], "0123456789ab");
	assert_string_equal(m->strs[2], "my-box");
	assert_true(rule_dim_accepts(&l.rs.rules[0], BW_DIM_CONTAINER, 0, "web1"));
	assert_true(rule_dim_accepts(&l.rs.rules[0], BW_DIM_CONTAINER, 0, "0123456789ab"));
	assert_false(rule_dim_accepts(&l.rs.rules[0], BW_DIM_CONTAINER, 0, "web2"));
	assert_false(rule_dim_accepts(&l.rs.rules[0], BW_DIM_CONTAINER, 0, ""));
	unload(&l);

	/* a long name: compared on 15 bytes, and check says so */
	load(&l, *state, RULE "container = a-rather-long-container-name\n");
	assert_int_equal(l.ret, 0);
	tu_expect_only(&l.d, l.path, 4, DIAG_WARNING,
		       "compares only 'a-rather-long-c'");
	assert_string_equal(rule_match(&l.rs.rules[0], BW_DIM_CONTAINER)->strs[0],
			    "a-rather-long-c");
	unload(&l);
}

static void test_rule_errors(void **state)
{
	static const struct {
		const char *value;
		const char *msg;
	} bad[] = {
		{ "web/1", "is not any, none, an id (12 to 64 hex characters) or a container name" },
		{ "my\\x2dbox", "or a container name (letters, digits, '.', '_', '-'" },
		{ "cafe", "'cafe': an id is 12 to 64 hex characters, lowercase" },
		{ "0123456789AB", "an id is 12 to 64 hex characters, lowercase" },
		{ "web1, any", "'any' and 'none' stand alone" },
		{ "none, web1", "'any' and 'none' stand alone" },
	};
	char text[256];
	struct loaded l;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(text, sizeof(text), RULE "container = %s\n", bad[i].value);
		load(&l, *state, text);
		assert_int_not_equal(l.ret, 0);
		tu_expect_only(&l.d, l.path, 4, DIAG_ERROR, bad[i].msg);
		unload(&l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runtimes),
		cmocka_unit_test(test_not_containers),
		cmocka_unit_test(test_bad_paths),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test_setup_teardown(test_list, tu_setup, tu_teardown),
		cmocka_unit_test(test_list_host),
		cmocka_unit_test_setup_teardown(test_of_pid, tu_setup, tu_teardown),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_match),
		cmocka_unit_test_setup_teardown(test_rule_names, tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_rule_errors, tu_setup, tu_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
