// SPDX-License-Identifier: GPL-2.0
/*
 * Rule files: what parses into which values, precedence, every error with
 * its line (inih's traps included), capacity, unreachable rules, and the
 * definition of matching; the name tables behind them.
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

#include "names.h"
#include "rules.h"
#include "util.h"
#include "testutil.h"

struct loaded {
	struct bw_ruleset rs;
	struct diag d;
	int ret;		/* rules_load_path */
	int fin;		/* rules_finish, run after a clean load */
	char *path;
};

static void load(struct loaded *l, const char *dir, const char *name,
		 const char *text)
{
	memset(l, 0, sizeof(*l));
	l->path = tu_write(dir, name, text);
	l->ret = rules_load_path(&l->rs, l->path, &l->d);
	l->fin = l->ret ? -1 : rules_finish(&l->rs, &l->d);
}

static void unload(struct loaded *l)
{
	rules_free(&l->rs);
	diag_free(&l->d);
	assert_int_equal(unlink(l->path), 0);
	free(l->path);
}

static const struct bw_rule *rule_named(const struct bw_ruleset *rs,
					const char *name)
{
	for (size_t i = 0; i < rs->n; i++)
		if (!strcmp(rs->rules[i].name, name))
			return &rs->rules[i];
	fail_msg("no rule '%s'", name);
	return NULL;
}

/* The values of m, in any order. */
static void expect_nums(const struct bw_match *m, bool negate,
			const uint64_t *want, size_t n)
{
	assert_true(m->set);
	assert_int_equal(m->negate, negate);
	assert_int_equal(m->n, n);
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (size_t k = 0; k < m->n; k++)
			found |= m->nums[k] == want[i];
		if (!found)
			fail_msg("value %llu missing", (unsigned long long)want[i]);
	}
}

static void expect_strs(const struct bw_match *m, bool negate,
			const char *const *want, size_t n)
{
	assert_true(m->set);
	assert_int_equal(m->negate, negate);
	assert_int_equal(m->n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(m->strs[i], want[i]);
}

#define NUMS(m, neg, ...) \
	expect_nums(m, neg, (const uint64_t[]){ __VA_ARGS__ }, \
		    sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t))
#define STRS(m, neg, ...) \
	expect_strs(m, neg, (const char *const[]){ __VA_ARGS__ }, \
		    sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *))

/* ---- valid files ---- */

static void test_capable_file(void **state)
{
	const struct bw_rule *r;
	struct loaded l;

	load(&l, *state, "cap.rules",
	     "# capabilities\n"
	     "[raw]\n"
	     "event = capable\n"
	     "action = deny\n"
	     "capability = CAP_NET_RAW, cap_sys_admin Cap_Chown\n"
	     "uid = !0, !1000\n"
	     "gid = root\n"
	     "comm = ping\n"
	     "exe = /usr/bin/\n"
	     "parent_comm = bash\n"
	     "description = free text; ignored\n"
	     "[audit-mod]\n"
	     "event : capable\n"
	     "action = audit\n"
	     "capability = !cap_sys_module\n"
	     "exe = /usr/bin/kmod\n");
	tu_expect_none(&l.d);
	assert_int_equal(l.ret, 0);
	assert_int_equal(l.fin, 0);
	assert_int_equal(l.rs.n, 2);
	assert_int_equal(l.rs.nfiles, 1);
	assert_string_equal(l.rs.files[0], l.path);
	assert_int_equal(l.rs.per_class[BW_CLASS_CAPABLE], 2);

	r = rule_named(&l.rs, "raw");
	assert_ptr_equal(r->file, l.rs.files[0]);
	assert_int_equal(r->line, 2);
	assert_int_equal(r->index, 0);
	assert_int_equal(r->cls, BW_CLASS_CAPABLE);
	assert_int_equal(r->action, BW_ACT_DENY);
	assert_true(r->log);
	NUMS(rule_match(r, BW_DIM_CAP), false, 13, 21, 0);
	NUMS(rule_match(r, BW_DIM_UID), true, 0, 1000);
	NUMS(rule_match(r, BW_DIM_GID), false, 0);
	STRS(rule_match(r, BW_DIM_COMM), false, "ping");
	STRS(rule_match(r, BW_DIM_EXE), false, "/usr/bin/");
	STRS(rule_match(r, BW_DIM_PCOMM), false, "bash");
	assert_false(rule_sets(r, BW_DIM_CGROUP));
	assert_false(rule_sets(r, BW_DIM_CONTAINER));

	r = rule_named(&l.rs, "audit-mod");
	assert_int_equal(r->line, 12);
	assert_int_equal(r->index, 1);
	assert_int_equal(r->action, BW_ACT_AUDIT);
	assert_true(r->log);
	NUMS(rule_match(r, BW_DIM_CAP), true, 16);
	STRS(rule_match(r, BW_DIM_EXE), false, "/usr/bin/kmod");
	unload(&l);
}

static void test_ipc_file(void **state)
{
	const struct bw_rule *r;
	struct loaded l;

	load(&l, *state, "ipc.rules",
	     "[shm-w]\nevent = ipc\naction = deny\nipc_kind = shm sem\n"
	     "access = write\nowner_uid = 0, 1000\n"
	     "[r]\nevent = ipc\naction = audit\naccess = read\n"
	     "[rw]\nevent = ipc\naction = allow\naccess = read, write\n"
	     "ipc_kind = msg\nlog = yes\n");
	tu_expect_none(&l.d);
	r = rule_named(&l.rs, "shm-w");
	NUMS(rule_match(r, BW_DIM_IPC_KIND), false, BW_IPC_SHM, BW_IPC_SEM);
	/* the kernel passes a mask: write requests are 2, or 3 with read */
	NUMS(rule_match(r, BW_DIM_IPC_ACCESS), false, 2, 3);
	NUMS(rule_match(r, BW_DIM_IPC_OWNER), false, 0, 1000);
	r = rule_named(&l.rs, "r");
	NUMS(rule_match(r, BW_DIM_IPC_ACCESS), false, 1, 3);
	r = rule_named(&l.rs, "rw");
	NUMS(rule_match(r, BW_DIM_IPC_ACCESS), false, 1, 2, 3);
	NUMS(rule_match(r, BW_DIM_IPC_KIND), false, BW_IPC_MSG);
	assert_int_equal(r->action, BW_ACT_ALLOW);
	assert_true(r->log);	/* allow, but asked for */
	assert_int_equal(r->index, 2);
	unload(&l);
}

static void test_mount_file(void **state)
{
	const struct bw_rule *r;
	struct loaded l;

	load(&l, *state, "mnt.rules",
	     "[m]\nevent = mount\naction = deny\n"
	     "operation = mount, bind, remount, move, umount, pivot_root\n"
	     "fstype = !tmpfs, !proc\n"
	     "source = tmpfs, /dev/\n"
	     "target = /mnt/, /srv/data\n"
	     "cgroup = /system.slice, /user.slice/\n"
	     "container = any\n"
	     "[root-cg]\nevent = mount\naction = audit\ncgroup = /\ncontainer = none\n");
	tu_expect_none(&l.d);
	r = rule_named(&l.rs, "m");
	NUMS(rule_match(r, BW_DIM_MNT_OP), false, BW_MNT_MOUNT, BW_MNT_BIND,
	     BW_MNT_REMOUNT, BW_MNT_MOVE, BW_MNT_UMOUNT, BW_MNT_PIVOT_ROOT);
	STRS(rule_match(r, BW_DIM_MNT_FSTYPE), true, "tmpfs", "proc");
	STRS(rule_match(r, BW_DIM_MNT_SOURCE), false, "tmpfs", "/dev/");
	STRS(rule_match(r, BW_DIM_MNT_TARGET), false, "/mnt/", "/srv/data");
	/* cgroups are prefixes, stored with their '/' */
	STRS(rule_match(r, BW_DIM_CGROUP), false, "/system.slice/", "/user.slice/");
	/* any: in some container, i.e. not "" */
	STRS(rule_match(r, BW_DIM_CONTAINER), true, "");
	r = rule_named(&l.rs, "root-cg");
	STRS(rule_match(r, BW_DIM_CGROUP), false, "/");
	STRS(rule_match(r, BW_DIM_CONTAINER), false, "");
	unload(&l);
}

static void test_signal_file(void **state)
{
	const struct bw_rule *r;
	struct loaded l;

	load(&l, *state, "sig.rules",
	     "[s]\nevent = signal\naction = allow\n"
	     "signal = SIGKILL, KILL, sigterm, hup, 10, SIGRTMIN+1, 0\n"
	     "target_comm = sshd\ntarget_uid = !0\nsame_user = yes\n"
	     "container = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	     "[t]\nevent = signal\naction = deny\nsame_user = no\n"
	     "container = 0123456789ab, fedcba9876543210\nlog = no\n");
	tu_expect_none(&l.d);
	r = rule_named(&l.rs, "s");
	assert_false(r->log);	/* allow rules do not log by default */
	NUMS(rule_match(r, BW_DIM_SIG), false, 9, 15, 1, 10, 35, 0);
	STRS(rule_match(r, BW_DIM_SIG_TCOMM), false, "sshd");
	NUMS(rule_match(r, BW_DIM_SIG_TUID), true, 0);
	NUMS(rule_match(r, BW_DIM_SIG_SAMEUSER), false, 1);
	STRS(rule_match(r, BW_DIM_CONTAINER), false, "0123456789ab");
	r = rule_named(&l.rs, "t");
	assert_false(r->log);
	NUMS(rule_match(r, BW_DIM_SIG_SAMEUSER), false, 0);
	STRS(rule_match(r, BW_DIM_CONTAINER), false, "0123456789ab", "fedcba987654");
	unload(&l);
}

static void test_exec_and_syscall_file(void **state)
{
	const struct bw_rule *r;
	struct loaded l;

	load(&l, *state, "exec.rules",
	     "[e]\nevent = exec\naction = deny\npath = /tmp/, /usr/bin/su\ncomm = !bash\n"
	     "[c]\nevent = syscall\naction = deny\nsyscall = chroot\nerrno = EACCES\n");
	tu_expect_none(&l.d);
	r = rule_named(&l.rs, "e");
	STRS(rule_match(r, BW_DIM_EXEC_PATH), false, "/tmp/", "/usr/bin/su");
	STRS(rule_match(r, BW_DIM_COMM), true, "bash");
	assert_int_equal(r->err_no, EPERM);
	r = rule_named(&l.rs, "c");
	assert_int_equal(r->cls, BW_CLASS_SYSCALL);
	assert_int_equal(r->err_no, EACCES);
	assert_true(rule_sets(r, BW_DIM_SYSCALL));
	assert_int_equal(r->index, 0);
	unload(&l);
}

/*
 * Every key with a valid value, for its own class: it sets the dimension
 * bw_dim_key() names it by, and for any other class it is an error that
 * names the class it belongs to.
 */
static const struct {
	const char *key, *value;
	int cls;		/* -1: subject key */
} key_samples[] = {
	{ "comm", "x", -1 },
	{ "exe", "/bin/x", -1 },
	{ "uid", "0", -1 },
	{ "gid", "0", -1 },
	{ "parent_comm", "x", -1 },
	{ "cgroup", "/a", -1 },
	{ "container", "none", -1 },
	{ "capability", "cap_chown", BW_CLASS_CAPABLE },
	{ "ipc_kind", "shm", BW_CLASS_IPC },
	{ "access", "read", BW_CLASS_IPC },
	{ "owner_uid", "0", BW_CLASS_IPC },
	{ "operation", "mount", BW_CLASS_MOUNT },
	{ "fstype", "tmpfs", BW_CLASS_MOUNT },
	{ "source", "tmpfs", BW_CLASS_MOUNT },
	{ "target", "/mnt", BW_CLASS_MOUNT },
	{ "signal", "KILL", BW_CLASS_SIGNAL },
	{ "target_comm", "x", BW_CLASS_SIGNAL },
	{ "target_uid", "0", BW_CLASS_SIGNAL },
	{ "same_user", "yes", BW_CLASS_SIGNAL },
	{ "path", "/bin/x", BW_CLASS_EXEC },
	{ "syscall", "chroot", BW_CLASS_SYSCALL },
};

static void test_keys_and_classes(void **state)
{
	bool seen[BW_NDIM] = { false };

	for (size_t i = 0; i < ARRAY_SIZE(key_samples); i++) {
		for (int cls = 0; cls < BW_NCLASS; cls++) {
			bool own = key_samples[i].cls < 0 || key_samples[i].cls == cls;
			char text[256], want[128];
			struct loaded l;
			int set = -1;

			snprintf(text, sizeof(text), "[r]\nevent = %s\naction = deny\n%s = %s\n",
				 bw_class_name(cls), key_samples[i].key, key_samples[i].value);
			load(&l, *state, "k.rules", text);
			if (!own) {
				snprintf(want, sizeof(want), "%s is a key of %s rules, not of %s rules",
					 key_samples[i].key, bw_class_name(key_samples[i].cls),
					 bw_class_name(cls));
				tu_expect_only(&l.d, l.path, 4, DIAG_ERROR, want);
				assert_int_equal(l.ret, -1);
				assert_int_equal(l.rs.n, 0);
				unload(&l);
				continue;
			}
			tu_expect_none(&l.d);
			assert_int_equal(l.rs.n, 1);
			for (int dim = 0; dim < BW_NDIM; dim++) {
				if (!rule_sets(&l.rs.rules[0], dim))
					continue;
				assert_int_equal(set, -1);
				set = dim;
			}
			assert_int_not_equal(set, -1);
			assert_string_equal(bw_dim_key(set), key_samples[i].key);
			seen[set] = true;
			unload(&l);
		}
	}
	for (int dim = 0; dim < BW_NDIM; dim++)
		assert_true(seen[dim]);
}

/* ---- precedence ---- */

static void test_precedence_natural_order(void **state)
{
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };
	char *dir, *p[3], *ignored[4], *extra;

	assert_true(asprintf(&dir, "%s/rules.d", (char *)*state) > 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	p[2] = tu_write(dir, "10-b.rules", "[b1]\nevent = exec\naction = deny\npath = /b\n");
	p[1] = tu_write(dir, "2-a.rules",
			"# a\n[a1]\nevent = exec\naction = allow\npath = /a\n"
			"[a2]\nevent = capable\naction = deny\n");
	p[0] = tu_write(dir, "1-z.rules", "[z1]\nevent = capable\naction = audit\n");
	ignored[0] = tu_write(dir, "notes.txt", "[n]\nevent = exec\n");
	ignored[1] = tu_write(dir, ".hidden.rules", "[h]\nevent = exec\n");
	ignored[2] = tu_write(dir, "old.rules.bak", "[o]\nevent = exec\n");
	ignored[3] = tu_write(dir, ".rules", "[x]\nevent = exec\n");
	extra = tu_write(*state, "extra.rules", "[x1]\nevent = exec\naction = audit\n");

	assert_int_equal(rules_load_path(&rs, dir, &d), 0);
	/* a second path continues the order */
	assert_int_equal(rules_load_path(&rs, extra, &d), 0);
	assert_int_equal(rules_finish(&rs, &d), 0);
	tu_expect_none(&d);

	assert_int_equal(rs.nfiles, 4);
	for (int i = 0; i < 3; i++)
		assert_string_equal(rs.files[i], p[i]);
	assert_string_equal(rs.files[3], extra);
	assert_int_equal(rs.n, 5);
	static const struct {
		const char *name;
		int file, line, index;
	} want[] = {
		{ "z1", 0, 1, 0 },	/* capable 0 */
		{ "a1", 1, 2, 0 },	/* exec 0 */
		{ "a2", 1, 6, 1 },	/* capable 1 */
		{ "b1", 2, 1, 1 },	/* exec 1 */
		{ "x1", 3, 1, 2 },	/* exec 2 */
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_string_equal(rs.rules[i].name, want[i].name);
		assert_ptr_equal(rs.rules[i].file, rs.files[want[i].file]);
		assert_int_equal(rs.rules[i].line, want[i].line);
		assert_int_equal(rs.rules[i].index, want[i].index);
	}
	assert_int_equal(rs.per_class[BW_CLASS_CAPABLE], 2);
	assert_int_equal(rs.per_class[BW_CLASS_EXEC], 3);
	assert_int_equal(rs.per_class[BW_CLASS_IPC], 0);

	rules_free(&rs);
	diag_free(&d);
	for (int i = 0; i < 3; i++)
		free(p[i]);
	for (int i = 0; i < 4; i++)
		free(ignored[i]);
	free(extra);
	free(dir);
}

static void test_duplicate_across_files(void **state)
{
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };
	char *dir, *a, *b, want[512];

	assert_true(asprintf(&dir, "%s/d", (char *)*state) > 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	a = tu_write(dir, "a.rules", "\n[same]\nevent = exec\naction = deny\n");
	b = tu_write(dir, "b.rules",
		     "[other]\nevent = exec\naction = audit\n\n[same]\nevent = exec\naction = allow\n");
	assert_int_equal(rules_load_path(&rs, dir, &d), -1);
	snprintf(want, sizeof(want),
		 "duplicate rule name 'same' (first defined at %s:2)", a);
	tu_expect_only(&d, b, 5, DIAG_ERROR, want);
	/* what parsed cleanly is kept */
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.rules[1].name, "other");
	rules_free(&rs);
	diag_free(&d);
	free(a);
	free(b);
	free(dir);
}

/*
 * Directories named one after another are read as one, and a file in a
 * later one replaces the earlier one's file of the same name: vendor rules
 * in /usr/lib/bulwark/rules.d, the administrator's in /etc/bulwark/rules.d.
 */
static void test_rule_dirs_override_by_name(void **state)
{
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };
	char *vendor, *admin, *empty, *extra, *paths[3], *f[7], want[512];

	assert_true(asprintf(&vendor, "%s/vendor", (char *)*state) > 0);
	assert_true(asprintf(&admin, "%s/admin", (char *)*state) > 0);
	assert_true(asprintf(&empty, "%s/empty", (char *)*state) > 0);
	assert_int_equal(mkdir(vendor, 0755), 0);
	assert_int_equal(mkdir(admin, 0755), 0);
	assert_int_equal(mkdir(empty, 0755), 0);
	f[0] = tu_write(vendor, "10-a.rules", "[a1]\nevent = exec\naction = deny\npath = /a\n");
	f[1] = tu_write(vendor, "20-b.rules", "[b1]\nevent = exec\naction = deny\npath = /b\n");
	f[2] = tu_write(vendor, "30-d.rules", "[d1]\nevent = capable\naction = audit\n");
	/* an empty file disables the vendor's; the same rule name is no duplicate */
	f[3] = tu_write(admin, "10-a.rules", "");
	f[4] = tu_write(admin, "20-b.rules", "[b1]\nevent = exec\naction = audit\npath = /b\n");
	f[5] = tu_write(admin, "15-c.rules", "[c1]\nevent = exec\naction = allow\npath = /c\n");
	extra = f[6] = tu_write(*state, "extra.rules", "[x1]\nevent = exec\naction = audit\n");

	paths[0] = vendor;
	paths[1] = admin;
	assert_int_equal(rules_load_paths(&rs, paths, 2, &d), 0);
	assert_int_equal(rules_finish(&rs, &d), 0);
	tu_expect_none(&d);
	assert_int_equal(rs.nfiles, 4);
	assert_string_equal(rs.files[0], f[3]);	/* natural order across both */
	assert_string_equal(rs.files[1], f[5]);
	assert_string_equal(rs.files[2], f[4]);
	assert_string_equal(rs.files[3], f[2]);
	assert_int_equal(rs.n, 3);
	assert_string_equal(rs.rules[0].name, "c1");
	assert_string_equal(rs.rules[1].name, "b1");
	assert_int_equal(rs.rules[1].action, BW_ACT_AUDIT);
	assert_ptr_equal(rs.rules[1].file, rs.files[2]);
	assert_string_equal(rs.rules[2].name, "d1");
	rules_free(&rs);
	memset(&rs, 0, sizeof(rs));

	/* the later directory wins, whichever it is */
	paths[0] = admin;
	paths[1] = vendor;
	assert_int_equal(rules_load_paths(&rs, paths, 2, &d), 0);
	tu_expect_none(&d);
	assert_int_equal(rs.nfiles, 4);
	assert_string_equal(rs.files[0], f[0]);
	assert_string_equal(rs.files[1], f[5]);
	assert_string_equal(rs.files[2], f[1]);
	assert_string_equal(rule_named(&rs, "a1")->file, f[0]);
	assert_int_equal(rule_named(&rs, "b1")->action, BW_ACT_DENY);
	rules_free(&rs);
	memset(&rs, 0, sizeof(rs));

	/* an empty administrator's directory is no warning while the group has files */
	paths[0] = vendor;
	paths[1] = empty;
	assert_int_equal(rules_load_paths(&rs, paths, 2, &d), 0);
	tu_expect_none(&d);
	assert_int_equal(rs.nfiles, 3);
	rules_free(&rs);
	memset(&rs, 0, sizeof(rs));

	/* a file between directories ends the group: both 20-b.rules are read */
	paths[0] = vendor;
	paths[1] = extra;
	paths[2] = admin;
	assert_int_equal(rules_load_paths(&rs, paths, 3, &d), -1);
	snprintf(want, sizeof(want),
		 "duplicate rule name 'b1' (first defined at %s:1)", f[1]);
	tu_expect_only(&d, f[4], 1, DIAG_ERROR, want);
	assert_string_equal(rs.files[3], extra);
	rules_free(&rs);
	memset(&rs, 0, sizeof(rs));
	diag_free(&d);
	memset(&d, 0, sizeof(d));

	/* no file in the whole group: each directory is said */
	paths[0] = empty;
	paths[1] = empty;
	assert_int_equal(rules_load_paths(&rs, paths, 2, &d), 0);
	assert_int_equal(d.n, 2);
	tu_expect_item(&d, 0, empty, 0, DIAG_WARNING, "no *.rules files in this directory");
	rules_free(&rs);
	diag_free(&d);

	for (int i = 0; i < 7; i++)
		free(f[i]);
	free(vendor);
	free(admin);
	free(empty);
}

/* ---- errors ---- */

#define R(ev, act) "[r]\nevent = " ev "\naction = " act "\n"

static const struct {
	const char *text;
	int line;
	const char *msg;
} error_cases[] = {
	{ R("capable", "deny") "colour = red\n", 4, "unknown key 'colour'" },
	{ "[r]\nevent = caps\naction = deny\n", 2, "unknown event 'caps' (capable, ipc, mount, signal, exec, syscall)" },
	{ "[r]\nevent =\naction = deny\n", 2, "unknown event ''" },
	{ R("exec", "block"), 3, "unknown action 'block'" },
	{ R("exec", "kill"), 3, "action kill is for syscall rules only" },
	{ "\n\n[r]\nevent = capable\naction = deny\ncapability = cap_net_raw, cap_flying\n",
	  6, "unknown capability 'cap_flying'" },
	{ R("capable", "deny") "capability = cap_chown+ep\n", 4,
	  "unknown capability 'cap_chown+ep'" },
	{ R("capable", "deny") "capability = 13\n", 4, "unknown capability '13'" },
	{ R("signal", "deny") "signal = SIGFOO\n", 4, "unknown signal 'SIGFOO'" },
	{ R("signal", "deny") "signal = 65\n", 4, "unknown signal '65'" },
	{ R("signal", "deny") "signal = SIGRTMIN+31\n", 4, "unknown signal 'SIGRTMIN+31'" },
	{ R("exec", "deny") "uid = 12x\n", 4, "uid '12x': bad number" },
	{ R("exec", "deny") "uid = 4294967295\n", 4, "uid '4294967295': bad number" },
	{ R("exec", "deny") "uid = -1\n", 4, "uid '-1': bad number" },
	{ R("exec", "deny") "gid = 99999999999999999999\n", 4, "bad number" },
	{ R("ipc", "deny") "owner_uid = 1e3\n", 4, "owner_uid '1e3': bad number" },
	{ R("signal", "deny") "target_uid = 0x10\n", 4, "target_uid '0x10': bad number" },
	{ R("exec", "deny") "uid = nosuchuser-bw\n", 4, "uid 'nosuchuser-bw': no such user" },
	{ R("exec", "deny") "gid = nosuchgroup-bw\n", 4, "gid 'nosuchgroup-bw': no such group" },
	{ R("exec", "deny") "\n[x]\naction = deny\n", 5, "rule 'x' has no event" },
	{ "[r]\nevent = exec\n", 1, "rule 'r' has no action" },
	{ R("exec", "deny") "path = /a\npath = /b\n", 5, "path repeated (first at line 4)" },
	{ R("exec", "deny") "event = exec\n", 4, "event repeated (first at line 2)" },
	{ R("exec", "deny") "comm = abcdefghijklmnop\n", 4,
	  "comm 'abcdefghijklmnop' is longer than 15 characters" },
	{ R("signal", "deny") "target_comm = abcdefghijklmnop\n", 4, "longer than 15 characters" },
	{ R("mount", "deny") "fstype = abcdefghijklmnop\n", 4, "longer than 15 characters" },
	{ R("exec", "deny") "exe = usr/bin/x\n", 4, "exe 'usr/bin/x' is not an absolute path" },
	{ R("exec", "deny") "path = bin/\n", 4, "path 'bin/' is not an absolute path" },
	{ R("mount", "deny") "target = mnt\n", 4, "target 'mnt' is not an absolute path" },
	{ R("exec", "deny") "path = !private:\n", 4, "path '!private:': private: cannot be negated" },
	{ R("exec", "deny") "exe = /tmp/, !private:\n", 4, "mixes negated and plain values" },
	{ R("exec", "deny") "exe = private:x\n", 4,
	  "exe 'private:x' is not an absolute path (nor memfd:, memfd:NAME or private:)" },
	{ R("exec", "deny") "cgroup = private:\n", 4,
	  "cgroup 'private:' is not an absolute path (nor memfd:, memfd:NAME)" },
	{ R("exec", "deny") "cgroup = system.slice\n", 4,
	  "cgroup 'system.slice' is not an absolute path" },
	{ "event = exec\n[r]\naction = deny\n", 1, "key outside any section" },
	{ R("exec", "deny") "comm =\n", 4, "comm has an empty value" },
	{ R("exec", "deny") "uid = ,\n", 4, "uid has an empty value" },
	{ R("exec", "deny") "comm = !\n", 4, "comm has an empty value" },
	{ R("exec", "deny") "uid = 0, !1\n", 4, "uid mixes negated and plain values" },
	{ R("exec", "deny") "container = !none\n", 4,
	  "container cannot be negated with '!' (use any or none)" },
	{ R("ipc", "deny") "ipc_kind = !shm\n", 4, "ipc_kind cannot be negated" },
	{ R("ipc", "deny") "access = !read\n", 4, "access cannot be negated" },
	{ R("mount", "deny") "operation = !mount\n", 4, "operation cannot be negated" },
	{ R("signal", "deny") "same_user = !yes\n", 4, "same_user cannot be negated" },
	{ R("exec", "deny") "container = any, 0123456789ab\n", 4, "stand alone" },
	{ R("exec", "deny") "container = 0123456789ab none\n", 4, "stand alone" },
	{ R("exec", "deny") "container = any none\n", 4, "stand alone" },
	{ R("exec", "deny") "container = 0123456789AB\n", 4, "12 to 64 hex" },
	{ R("exec", "deny") "container = 0123456789a\n", 4, "12 to 64 hex" },
	{ R("exec", "deny") "container = "
	  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0\n",
	  4, "12 to 64 hex" },
	{ R("signal", "deny") "same_user = maybe\n", 4, "same_user takes yes or no, not 'maybe'" },
	{ R("exec", "deny") "log = sometimes\n", 4, "log takes yes or no" },
	{ R("ipc", "deny") "access = execute\n", 4, "unknown access 'execute'" },
	{ R("ipc", "deny") "ipc_kind = pipe\n", 4, "unknown ipc_kind 'pipe'" },
	{ R("mount", "deny") "operation = remountx\n", 4, "unknown operation 'remountx'" },
	{ R("exec", "deny") "no equals sign\n", 4, "expected 'key = value'" },
	{ R("exec", "deny") "errno = EACCES\n", 4, "errno applies to syscall deny rules only" },
	/* libseccomp refuses 4095 (found by fuzzing the seccomp export) */
	{ R("syscall", "deny") "errno = 4095\n", 4, "bad errno '4095' (a name like EACCES, or 1 to 4094)" },
	{ R("exec", "deny") "[]\n", 4, "empty rule name" },
	{ R("exec", "deny") "[x\n", 4, "section header without ']'" },
	{ R("exec", "deny") "[x] y\n", 4, "text after ']'" },
};

static void test_errors_with_lines(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(error_cases); i++) {
		struct loaded l;

		load(&l, *state, "e.rules", error_cases[i].text);
		if (!tu_only_is(&l.d, l.path, error_cases[i].line, DIAG_ERROR,
				error_cases[i].msg))
			print_message("case %zu:\n%s", i, error_cases[i].text);
		tu_expect_only(&l.d, l.path, error_cases[i].line, DIAG_ERROR,
			       error_cases[i].msg);
		assert_int_equal(l.ret, -1);
		unload(&l);
	}
}

/* Every bad rule of a file is reported, not only the first; good ones load. */
static void test_every_bad_rule_reported(void **state)
{
	struct loaded l;

	load(&l, *state, "three.rules",
	     "[a]\nevent = exec\naction = deny\npath = rel\n"
	     "[b]\nevent = bogus\naction = deny\n"
	     "[ok]\nevent = exec\naction = deny\npath = /ok\n"
	     "[c]\nevent = exec\naction = zap\npath = /x\n");
	assert_int_equal(l.ret, -1);
	assert_int_equal(l.d.errors, 3);
	assert_int_equal(l.rs.n, 1);
	unload(&l);
}

/* Names that could break a record or a terminal, and bytes that are not
 * UTF-8, are refused with their line. */
static void test_hostile_names_refused(void **state)
{
	struct loaded l;

	load(&l, *state, "hostile.rules",
	     "[evil\x1b[2J]\nevent = exec\naction = deny\npath = /a\n"
	     "[quote\"s]\nevent = exec\naction = deny\npath = /b\n"
	     "[bytes]\nevent = exec\naction = deny\npath = /c\xff\n"
	     "[overlong]\nevent = exec\naction = deny\npath = /d\xc0\xaf\n"
	     "[fine.name:1@x+y-z]\nevent = exec\naction = deny\npath = /caf\xc3\xa9\n");
	assert_int_equal(l.ret, -1);
	tu_expect_item(&l.d, 0, l.path, 1, DIAG_ERROR, "rule name: letters, digits and . _ : @ + - only");
	tu_expect_item(&l.d, 1, l.path, 5, DIAG_ERROR, "rule name: letters, digits and . _ : @ + - only");
	tu_expect_item(&l.d, 2, l.path, 12, DIAG_ERROR, "path: the value is not valid UTF-8");
	tu_expect_item(&l.d, 3, l.path, 16, DIAG_ERROR, "path: the value is not valid UTF-8");
	assert_int_equal(l.d.errors, 4);
	assert_int_equal(l.rs.n, 1);
	unload(&l);
}

/* ---- inih's traps ---- */

static void expect_error(const char *dir, const char *text, int line,
			 const char *msg)
{
	struct loaded l;

	load(&l, dir, "trap.rules", text);
	tu_expect_only(&l.d, l.path, line, DIAG_ERROR, msg);
	assert_int_equal(l.ret, -1);
	assert_int_equal(l.rs.n, 0);	/* inih never saw the file */
	unload(&l);
}

static void expect_clean(const char *dir, const char *text, size_t nrules)
{
	struct loaded l;

	load(&l, dir, "ok.rules", text);
	tu_expect_none(&l.d);
	assert_int_equal(l.ret, 0);
	assert_int_equal(l.rs.n, nrules);
	unload(&l);
}

/* A line of exactly len bytes: "key = " and the value padded with c. */
static char *line_of(const char *key, char c, size_t len)
{
	char *s = xmalloc(len + 1);
	size_t n = strlen(key);

	memcpy(s, key, n);
	memset(s + n, c, len - n);
	s[len] = 0;
	return s;
}

static void test_trap_section_name(void **state)
{
	char text[256];
	struct loaded l;

	/* inih keeps 49 characters of a section name */
	snprintf(text, sizeof(text), "[ok]\nevent = exec\naction = deny\n[%.50s]\n"
		 "event = exec\naction = deny\n",
		 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijXXX");
	expect_error(*state, text, 4, "rule name longer than 49 characters");

	snprintf(text, sizeof(text), "[%.49s]\nevent = exec\naction = deny\n",
		 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijXXX");
	load(&l, *state, "ok.rules", text);
	tu_expect_none(&l.d);
	assert_int_equal(strlen(l.rs.rules[0].name), 49);
	unload(&l);
}

static void test_trap_repeated_section(void **state)
{
	char want[512];
	char *path;

	/* inih would merge the two into one rule */
	assert_true(asprintf(&path, "%s/trap.rules", (char *)*state) > 0);
	snprintf(want, sizeof(want),
		 "duplicate rule name 'r' (first defined at %s:2)", path);
	expect_error(*state,
		     "\n[r]\nevent = exec\naction = deny\n\n[r]\nevent = capable\naction = allow\n",
		     6, want);
	free(path);
}

static void test_trap_long_line(void **state)
{
	char *line, *text;

	/* 199 bytes: inih would read it in two pieces */
	line = line_of("description = ", 'a', 199);
	assert_true(asprintf(&text, "[r]\nevent = exec\naction = deny\n%s\n", line) > 0);
	expect_error(*state, text, 4, "line longer than 198 bytes");
	free(text);
	free(line);

	/* also as a comment: the second piece would be read as a line */
	line = line_of("# x = ", 'a', 199);
	assert_true(asprintf(&text, "[r]\nevent = exec\naction = deny\n%s\n", line) > 0);
	expect_error(*state, text, 4, "line longer than 198 bytes");
	free(text);
	free(line);

	/* 198 bytes, with CRLF too, is read whole */
	line = line_of("description = ", 'a', 198);
	assert_true(asprintf(&text, "[r]\r\nevent = exec\r\naction = deny\r\n%s\r\n", line) > 0);
	expect_clean(*state, text, 1);
	free(text);
	free(line);

	/* a BOM is read as part of the first line */
	line = line_of("# ", 'a', 196);
	assert_true(asprintf(&text, "\xEF\xBB\xBF%s\n[r]\nevent = exec\naction = deny\n", line) > 0);
	expect_error(*state, text, 1, "line longer than 198 bytes");
	free(text);
	assert_true(asprintf(&text, "%s\n[r]\nevent = exec\naction = deny\n", line) > 0);
	expect_clean(*state, text, 1);
	free(text);
	free(line);
	expect_clean(*state, "\xEF\xBB\xBF[r]\nevent = exec\naction = deny\n", 1);
}

static void test_trap_indented_line(void **state)
{
	/* inih would make "/b" a second value of path */
	expect_error(*state, R("exec", "deny") "path = /a\n  /b\n", 5,
		     "indented line would continue the previous value");
	expect_error(*state, R("exec", "deny") "path = /a\n\t/b\n", 5,
		     "indented line would continue the previous value");
	expect_error(*state, R("exec", "deny") "path = /a\n\f/b\n", 5,
		     "indented line would continue the previous value");
	expect_error(*state, R("exec", "deny") " comm = x\n", 4,
		     "indented line would continue the previous value");
	/* indented comments and blank lines are fine */
	expect_clean(*state, R("exec", "deny") "path = /a\n  # note\n\t; note\n \t\n", 1);
}

static void test_trap_semicolon(void **state)
{
	struct loaded l;

	/* inih would cut the value before " ;" */
	expect_error(*state, R("exec", "deny") "description = a ; b\n", 4,
		     "';' starts a comment here");
	expect_error(*state, R("exec", "deny") "comm = a\t;b\n", 4,
		     "';' starts a comment here");
	expect_error(*state, R("exec", "deny") "path = /a ;\n", 4,
		     "';' starts a comment here");
	expect_error(*state, "[a ;b]\nevent = exec\naction = deny\n", 1,
		     "';' starts a comment here");
	/* a ';' inside a word is kept */
	load(&l, *state, "ok.rules", R("exec", "deny") "comm = a;b\n");
	tu_expect_none(&l.d);
	STRS(rule_match(&l.rs.rules[0], BW_DIM_COMM), false, "a;b");
	unload(&l);
	/* a comment after a section header is not in any value */
	expect_clean(*state, "[r] ; why\nevent = exec\naction = deny\n", 1);
}

static void test_trap_all_reported(void **state)
{
	struct loaded l;

	load(&l, *state, "t.rules",
	     "[ok]\nevent = exec\naction = deny\n"
	     " path = /x\n"
	     "description = a ; b\n"
	     "[ok]\n"
	     "colour = red\n");
	assert_int_equal(l.d.n, 3);
	tu_expect_item(&l.d, 0, l.path, 4, DIAG_ERROR, "indented line");
	tu_expect_item(&l.d, 1, l.path, 5, DIAG_ERROR, "starts a comment");
	tu_expect_item(&l.d, 2, l.path, 6, DIAG_ERROR, "duplicate rule name 'ok'");
	assert_int_equal(l.ret, -1);
	assert_int_equal(l.rs.n, 0);
	unload(&l);

	/* CRLF files: the same lines */
	load(&l, *state, "crlf.rules", "[r]\r\nevent = exec\r\naction = deny\r\ncolour = red\r\n");
	tu_expect_only(&l.d, l.path, 4, DIAG_ERROR, "unknown key 'colour'");
	unload(&l);
	load(&l, *state, "crlf.rules", "[r]\r\nevent = exec\r\naction = deny\r\npath = /x\r\n");
	tu_expect_none(&l.d);
	STRS(rule_match(&l.rs.rules[0], BW_DIM_EXEC_PATH), false, "/x");
	unload(&l);
}

/* ---- files ---- */

static void test_file_problems(void **state)
{
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };
	char *dir, *link, *fifo, *big, *nul;
	FILE *f;

	/* a missing path */
	assert_int_equal(rules_load_path(&rs, "/nonexistent/bw.rules", &d), -1);
	tu_expect_only(&d, "/nonexistent/bw.rules", 0, DIAG_ERROR,
		       "No such file or directory");
	diag_free(&d);

	/* a directory without rule files: a warning, not an error */
	assert_true(asprintf(&dir, "%s/d", (char *)*state) > 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	free(tu_write(dir, "readme.txt", "x"));
	assert_int_equal(rules_load_path(&rs, dir, &d), 0);
	tu_expect_only(&d, dir, 0, DIAG_WARNING, "no *.rules files in this directory");
	diag_free(&d);

	/* files that cannot be read */
	assert_true(asprintf(&link, "%s/dangling.rules", dir) > 0);
	assert_int_equal(symlink("/nonexistent/x", link), 0);
	assert_int_equal(rules_load_path(&rs, dir, &d), -1);
	tu_expect_only(&d, link, 0, DIAG_ERROR, "cannot open: No such file or directory");
	diag_free(&d);
	assert_int_equal(unlink(link), 0);

	assert_true(asprintf(&fifo, "%s/fifo.rules", dir) > 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(rules_load_path(&rs, fifo, &d), -1);
	tu_expect_only(&d, fifo, 0, DIAG_ERROR, "not a regular file");
	diag_free(&d);
	assert_int_equal(unlink(fifo), 0);

	if (geteuid() != 0) {
		char *secret = tu_write(dir, "secret.rules", "[s]\nevent = exec\naction = deny\n");

		assert_int_equal(chmod(secret, 0), 0);
		assert_int_equal(rules_load_path(&rs, secret, &d), -1);
		tu_expect_only(&d, secret, 0, DIAG_ERROR, "cannot open: Permission denied");
		diag_free(&d);
		assert_int_equal(unlink(secret), 0);
		free(secret);
	}

	assert_true(asprintf(&big, "%s/big.rules", dir) > 0);
	f = fopen(big, "w");
	assert_non_null(f);
	for (size_t n = 0; n <= 1 << 20; n += 32)
		assert_int_equal(fputs("# padding padding padding padd.\n", f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rules_load_path(&rs, big, &d), -1);
	tu_expect_only(&d, big, 0, DIAG_ERROR, "file larger than 1048576 bytes");
	diag_free(&d);

	assert_true(asprintf(&nul, "%s/nul.rules", dir) > 0);
	f = fopen(nul, "w");
	assert_non_null(f);
	assert_int_equal(fwrite("[r]\nevent = exec\0\n", 1, 18, f), 18);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rules_load_path(&rs, nul, &d), -1);
	tu_expect_only(&d, nul, 0, DIAG_ERROR, "NUL byte");
	diag_free(&d);

	assert_int_equal(rs.n, 0);
	rules_free(&rs);
	free(dir);
	free(link);
	free(fifo);
	free(big);
	free(nul);
}

/* ---- capacity ---- */

static char *many_rules(int n, const char *cls)
{
	size_t cap = (size_t)n * 64 + 1;
	char *text = xmalloc(cap), *p = text;

	*p = 0;
	for (int i = 0; i < n; i++)
		p += snprintf(p, cap - (p - text),
			      "[%s%d]\nevent = %s\naction = deny\ncomm = c%d\n", cls, i, cls, i);
	return text;
}

static void test_capacity(void **state)
{
	char *text = many_rules(BW_MAX_RULES + 1, "capable"), *more, *exec;
	struct loaded l;

	load(&l, *state, "many.rules", text);
	assert_int_equal(l.ret, 0);
	assert_int_equal(l.fin, -1);
	/* reported at rule 4097, which starts at line 4 * 4096 + 1 */
	tu_expect_only(&l.d, l.path, 4 * BW_MAX_RULES + 1, DIAG_ERROR,
		       "4097 capable rules exceed the kernel capacity of 4096");
	unload(&l);
	free(text);

	/* 4096 of one class, and more of another, fit */
	text = many_rules(BW_MAX_RULES, "capable");
	exec = many_rules(10, "exec");
	assert_true(asprintf(&more, "%s%s", text, exec) > 0);
	load(&l, *state, "many.rules", more);
	tu_expect_none(&l.d);
	assert_int_equal(l.fin, 0);
	assert_int_equal(l.rs.per_class[BW_CLASS_CAPABLE], BW_MAX_RULES);
	assert_int_equal(l.rs.per_class[BW_CLASS_EXEC], 10);
	assert_int_equal(l.rs.rules[BW_MAX_RULES].index, 0);
	unload(&l);
	free(text);
	free(exec);
	free(more);
}

/* ---- unreachable rules ---- */

#define EX(act) "event = exec\naction = " act "\n"
#define IPC(act) "event = ipc\naction = " act "\n"
#define SIG(act) "event = signal\naction = " act "\n"

static const struct {
	const char *a, *b;	/* rule a comes first */
	bool shadowed;
} shadow_cases[] = {
	{ EX("deny") "path = /usr/\n", EX("allow") "path = /usr/bin/su\ncomm = su\n", true },
	{ EX("allow") "path = /usr/bin/su\n", EX("deny") "path = /usr/\n", false },
	/* a name a user chose meets no allow rule by name: not b's */
	{ EX("allow") "path = /usr/\n", EX("deny") "path = /usr/lib/x\nuid = 0\n", false },
	{ EX("allow") "path = /usr/\n", EX("allow") "path = /usr/lib/x\nuid = 0\n", true },
	{ EX("deny") "path = /usr/\n", EX("audit") "path = /usr/lib/x\n", true },
	/* private: */
	{ EX("deny") "path = /tmp/\n", EX("deny") "path = private:\n", false },
	{ EX("deny") "path = private:\n", EX("deny") "path = /tmp/\n", false },
	{ EX("deny") "path = private:\n", EX("deny") "path = private:, /tmp/\n", false },
	{ EX("deny") "path = private:, /tmp/\n", EX("audit") "path = private:\n", true },
	{ EX("deny") "path = private:, /tmp/\n", EX("allow") "path = /tmp/x, private:\nuid = 0\n", true },
	{ EX("deny") "path = !/usr/\n", EX("allow") "path = private:\nuid = 0\n", true },
	{ EX("allow") "path = !/usr/\n", EX("deny") "path = private:\n", false },
	{ EX("deny") "exe = private:\n", EX("deny") "path = private:\n", false },
	/* a private container is maybe none, and never one named */
	{ EX("allow") "container = any\n", EX("deny") "container = any\n", false },
	{ EX("deny") "container = any\n", EX("audit") "container = any\n", true },
	{ EX("deny") "container = none\n", EX("deny") "container = web1abcdef01\n", false },
	{ EX("audit"), EX("deny"), false },	/* audit rules do not decide */
	{ EX("deny"), EX("audit") "path = /x\n", true },
	{ EX("deny"), EX("allow") "comm = x\n", true },
	{ EX("deny") "comm = x\n", EX("allow"), false },
	{ "event = capable\naction = deny\n", EX("allow"), false },
	/* negation */
	{ EX("deny") "uid = !0\n", EX("allow") "uid = 1000\n", true },
	{ EX("deny") "uid = !0\n", EX("allow") "uid = 0, 1000\n", false },
	{ EX("deny") "uid = !0\n", EX("allow") "uid = !0, !1000\n", true },
	{ EX("deny") "uid = !0, !1000\n", EX("allow") "uid = !0\n", false },
	{ EX("deny") "uid = !0\n", EX("allow") "uid = !0\ncomm = x\n", true },
	{ EX("deny") "comm = x\n", EX("allow") "comm = !x\n", false },
	/* paths and prefixes */
	{ EX("deny") "path = /usr/bin/\n", EX("allow") "path = /usr/bin\n", true },
	{ EX("deny") "path = /usr/bin\n", EX("allow") "path = /usr/bin/\n", false },
	{ EX("deny") "path = !/usr/bin/x\n", EX("allow") "path = /usr/bin/\n", false },
	{ EX("deny") "path = !/usr/bin\n", EX("allow") "path = /usr/bin/\n", false },
	{ EX("deny") "path = !/usr/bin/\n", EX("allow") "path = !/usr/bin/x\n", false },
	{ EX("deny") "path = !/usr/bin/x\n", EX("allow") "path = !/usr/bin/\n", true },
	{ EX("deny") "path = !/opt/\n", EX("allow") "path = /usr/bin/, /bin/sh\n", true },
	{ EX("deny") "cgroup = /system.slice\n",
	  EX("allow") "cgroup = /system.slice/cron.service\n", true },
	{ EX("deny") "cgroup = /system.slice/cron.service\n",
	  EX("allow") "cgroup = /system.slice\n", false },
	{ EX("deny") "cgroup = /\n", EX("allow") "cgroup = /user.slice\n", true },
	{ EX("deny") "container = any\n", EX("allow") "container = 0123456789ab\n", true },
	{ EX("deny") "container = none\n", EX("allow") "container = any\n", false },
	{ EX("deny") "container = none\n", EX("allow") "container = none\n", true },
	/* values */
	{ IPC("deny") "access = write\n", IPC("allow") "access = read, write\n", false },
	{ IPC("deny") "access = read, write\n", IPC("allow") "access = write\n", true },
	{ SIG("deny") "signal = KILL, TERM\n", SIG("allow") "signal = SIGTERM\n", true },
	{ SIG("deny") "signal = KILL\n", SIG("allow") "signal = KILL, TERM\n", false },
};

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_unreachable(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(shadow_cases); i++) {
		char *text, want[512];
		struct loaded l;

		int line;

		assert_true(asprintf(&text, "[a]\n%s[b]\n%s", shadow_cases[i].a,
				     shadow_cases[i].b) > 0);
		load(&l, *state, "u.rules", text);
		assert_int_equal(l.ret, 0);
		assert_int_equal(l.fin, 0);	/* a warning is not an error */
		snprintf(want, sizeof(want),
			 "rule 'b' can never match: rule 'a' (%s:1) always decides first",
			 l.path);
		line = 2 + count_lines(shadow_cases[i].a);
		if (shadow_cases[i].shadowed ?
		    !tu_only_is(&l.d, l.path, line, DIAG_WARNING, want) : l.d.n != 0)
			print_message("case %zu:\n%s", i, text);
		if (shadow_cases[i].shadowed)
			tu_expect_only(&l.d, l.path, line, DIAG_WARNING, want);
		else
			tu_expect_none(&l.d);
		unload(&l);
		free(text);
	}
}

/* An allow rule on private: for everyone: any user can make such a name. */
static void test_private_allow_warning(void **state)
{
	static const struct {
		const char *keys;
		bool warned;
	} cases[] = {
		{ "path = private:\n", true },
		{ "path = /opt/, private:\ncomm = x\n", true },
		{ "path = private:\nuid = 1000\n", false },
		{ "path = private:\ncgroup = /\n", false },
		{ "path = private:\ncontainer = any\n", false },
		{ "path = /opt/\n", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *text, want[256];
		struct loaded l;

		assert_true(asprintf(&text, "[own]\nevent = exec\naction = allow\n%s",
				     cases[i].keys) > 0);
		load(&l, *state, "p.rules", text);
		assert_int_equal(l.ret, 0);
		snprintf(want, sizeof(want), "rule 'own' allows path = private: for every "
			 "user: anyone can mount a filesystem of their own; say whose with "
			 "uid, gid, cgroup or container");
		if (cases[i].warned)
			tu_expect_only(&l.d, l.path, 1, DIAG_WARNING, want);
		else
			tu_expect_none(&l.d);
		unload(&l);
		free(text);
	}
}

static void test_unreachable_first_decider(void **state)
{
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };
	char *a, *b, want[512];

	a = tu_write(*state, "a.rules", "[all]\nevent = exec\naction = deny\n");
	b = tu_write(*state, "b.rules",
		     "[also-all]\nevent = exec\naction = allow\n"
		     "[narrow]\nevent = exec\naction = deny\npath = /x\n");
	assert_int_equal(rules_load_path(&rs, a, &d), 0);
	assert_int_equal(rules_load_path(&rs, b, &d), 0);
	assert_int_equal(rules_finish(&rs, &d), 0);
	/* one warning per rule, naming the first rule that decides */
	assert_int_equal(d.n, 2);
	snprintf(want, sizeof(want),
		 "rule 'also-all' can never match: rule 'all' (%s:1) always decides first", a);
	tu_expect_item(&d, 0, b, 1, DIAG_WARNING, want);
	snprintf(want, sizeof(want),
		 "rule 'narrow' can never match: rule 'all' (%s:1) always decides first", a);
	tu_expect_item(&d, 1, b, 4, DIAG_WARNING, want);
	assert_int_equal(d.errors, 0);
	rules_free(&rs);
	diag_free(&d);
	free(a);
	free(b);
}

/*
 * The reference for the check above: the pairwise comparison it replaced,
 * kept here verbatim in meaning.  Random rule sets, dense in covering
 * values (prefixes, memfd:, cgroups, negations, lists), must get exactly
 * the warnings this gives, in the same order.
 */
static bool ref_prefix(const char *v)
{
	return rule_path_is_prefix(v);
}

static bool ref_path_accepts(const char *v, const char *s)
{
	size_t len = strlen(v);

	/* the directory itself: "/a/" accepts "/a", but "/a//" not "/a/",
	 * "/" not "" and "memfd:" not "memfd" */
	if (ref_prefix(v))
		return !strncmp(s, v, len) ||
		       (len > 1 && v[len - 1] == '/' && v[len - 2] != '/' &&
			strlen(s) == len - 1 && !strncmp(s, v, len - 1));
	return !strcmp(s, v);
}

static bool ref_path_dim(int dim)
{
	return dim == BW_DIM_CGROUP || bw_dim_kind(dim) == BW_KIND_PATH;
}

static bool ref_same(int dim, const struct bw_match *a, size_t i,
		     const struct bw_match *b, size_t k)
{
	if (dim == BW_DIM_CGROUP || bw_dim_kind(dim) != BW_KIND_NUM)
		return !strcmp(a->strs[i], b->strs[k]);
	return a->nums[i] == b->nums[k];
}

static bool ref_inside(int dim, const struct bw_match *a,
		       const struct bw_match *b, size_t k)
{
	for (size_t i = 0; i < a->n; i++) {
		if (ref_same(dim, a, i, b, k))
			return true;
		if (ref_path_dim(dim) && ref_prefix(a->strs[i]) &&
		    ref_path_accepts(a->strs[i], b->strs[k]))
			return true;
	}
	return false;
}

static bool ref_meets(int dim, const struct bw_match *a,
		      const struct bw_match *b, size_t k)
{
	for (size_t i = 0; i < a->n; i++) {
		if (ref_same(dim, a, i, b, k))
			return true;
		if (ref_path_dim(dim) &&
		    (ref_path_accepts(a->strs[i], b->strs[k]) ||
		     ref_path_accepts(b->strs[k], a->strs[i])))
			return true;
	}
	return false;
}

/* Does r meet every private value of dim (a name a user chose)? */
static bool ref_private_all(const struct bw_rule *r, int dim)
{
	const struct bw_match *m = rule_match(r, dim);

	if (!m->set)
		return true;
	if (dim == BW_DIM_CONTAINER)
		return r->action != BW_ACT_ALLOW && !m->strs[0][0];
	return m->priv || (m->negate && r->action != BW_ACT_ALLOW);
}

/* Does a meet every private value b meets?  A path meets a rule that is
 * not an allow rule by name too; a container never by name. */
static bool ref_private_covers(const struct bw_rule *a, const struct bw_rule *b, int dim)
{
	if (dim != BW_DIM_CONTAINER && bw_dim_kind(dim) != BW_KIND_PATH)
		return true;
	if (ref_private_all(b, dim))
		return ref_private_all(a, dim);
	if (dim == BW_DIM_CONTAINER || b->action == BW_ACT_ALLOW)
		return true;
	return ref_private_all(a, dim) || a->action != BW_ACT_ALLOW;
}

static bool ref_dim_covers(const struct bw_rule *a, const struct bw_rule *b, int dim)
{
	const struct bw_match *ma = rule_match(a, dim), *mb = rule_match(b, dim);

	if (!ma->set)
		return true;
	if (!mb->set || (mb->negate && !ma->negate))
		return false;
	if (!ref_private_covers(a, b, dim))
		return false;
	if (mb->negate) {
		for (size_t i = 0; i < ma->n; i++)
			if (!ref_inside(dim, mb, ma, i))
				return false;
		return true;
	}
	for (size_t k = 0; k < mb->n; k++) {
		if (ma->negate ? ref_meets(dim, ma, mb, k) :
				 !ref_inside(dim, ma, mb, k))
			return false;
	}
	return true;
}

static bool ref_covers(const struct bw_rule *a, const struct bw_rule *b)
{
	for (int dim = 0; dim < BW_NDIM; dim++)
		if (!ref_dim_covers(a, b, dim))
			return false;
	return true;
}

/* The warnings the pairwise check gives, in order. */
static void ref_unreachable(const struct bw_ruleset *rs, struct diag *d)
{
	for (size_t j = 0; j < rs->n; j++) {
		const struct bw_rule *b = &rs->rules[j];

		for (size_t i = 0; i < j; i++) {
			const struct bw_rule *a = &rs->rules[i];

			if (a->cls != b->cls || a->action == BW_ACT_AUDIT ||
			    !ref_covers(a, b))
				continue;
			diag_warn(d, b->file, b->line,
				  "rule '%s' can never match: rule '%s' (%s:%d) always decides first",
				  b->name, a->name, a->file, a->line);
			break;
		}
	}
}

static uint64_t ref_rng;

static uint32_t ref_rnd(uint32_t n)
{
	ref_rng = ref_rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(ref_rng >> 33) % n;
}

#define RPICK(a) (a)[ref_rnd(ARRAY_SIZE(a))]

/* A key with one to three values, all negated or none, one time in three. */
static void ref_key(FILE *f, const char *key, const char *const *vals, size_t n,
		    bool negate_ok)
{
	bool neg = negate_ok && ref_rnd(3) == 0;
	size_t count = 1 + ref_rnd(3);

	if (ref_rnd(5) >= 2)
		return;
	fprintf(f, "%s = ", key);
	for (size_t i = 0; i < count; i++) {
		const char *v = vals[ref_rnd(n)];

		if (neg && !strcmp(v, "private:"))	/* cannot be negated */
			v = vals[0];
		fprintf(f, "%s%s%s", i ? ", " : "", neg ? "!" : "", v);
	}
	fputc('\n', f);
}

#define KEY(f, key, vals, neg) ref_key(f, key, vals, ARRAY_SIZE(vals), neg)

static void ref_write_rules(FILE *f, int n)
{
	static const char *const cls[] = { "capable", "ipc", "mount", "signal", "exec", "syscall" };
	static const char *const acts[] = { "allow", "deny", "audit", "deny" };
	static const char *const comms[] = { "a", "b", "c" };
	static const char *const uids[] = { "0", "1", "2" };
	static const char *const paths[] = {
		"/", "/usr/", "/usr/bin/", "/usr/bin", "/usr/bin/su", "/usr/bin/su/",
		"/usr/bin//", "/opt/x", "/opt/", "memfd:", "memfd:jit", "memfd:x",
		"private:",
	};
	static const char *const sources[] = { "none", "server:/exp/", "server:/exp/a", "/dev/", "/dev/sda" };
	static const char *const cgroups[] = { "/", "/a", "/a/b", "/b", "/a/" };
	static const char *const containers[] = { "any", "none", "abcdef012345", "web1" };
	static const char *const caps[] = { "cap_chown", "cap_kill", "cap_net_raw" };
	static const char *const sigs[] = { "KILL", "TERM", "HUP" };
	static const char *const kinds[] = { "shm", "msg", "sem" };
	static const char *const access[] = { "read", "write" };
	static const char *const ops[] = { "mount", "umount", "bind" };
	static const char *const fstypes[] = { "tmpfs", "proc" };
	static const char *const yesno[] = { "yes", "no" };
	static const char *const calls[] = { "getppid", "uname", "@swap", "swapon" };

	for (int i = 0; i < n; i++) {
		int c = ref_rnd(ARRAY_SIZE(cls));

		fprintf(f, "[r%d]\nevent = %s\naction = %s\n", i, cls[c], RPICK(acts));
		KEY(f, "comm", comms, true);
		KEY(f, "uid", uids, true);
		KEY(f, "exe", paths, true);
		KEY(f, "cgroup", cgroups, true);
		if (ref_rnd(6) == 0)
			fprintf(f, "container = %s\n", RPICK(containers));
		switch (c) {
		case 0:
			KEY(f, "capability", caps, true);
			break;
		case 1:
			KEY(f, "ipc_kind", kinds, false);
			KEY(f, "access", access, false);
			break;
		case 2:
			KEY(f, "operation", ops, false);
			KEY(f, "fstype", fstypes, true);
			KEY(f, "source", sources, true);
			KEY(f, "target", paths, true);
			break;
		case 3:
			KEY(f, "signal", sigs, true);
			KEY(f, "target_comm", comms, true);
			if (ref_rnd(4) == 0)
				fprintf(f, "same_user = %s\n", RPICK(yesno));
			break;
		case 4:
			KEY(f, "path", paths, true);
			break;
		default:
			KEY(f, "syscall", calls, true);
		}
	}
}

static size_t compare_unreachable(const char *dir, uint64_t seed, int n)
{
	struct bw_ruleset rs = { 0 };
	struct diag got = { 0 }, want = { 0 };
	size_t warnings, kept = 0;
	char *path;
	FILE *f;

	ref_rng = seed;
	assert_true(asprintf(&path, "%s/random.rules", dir) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	ref_write_rules(f, n);
	assert_int_equal(fclose(f), 0);
	if (rules_load_path(&rs, path, &got)) {
		tu_print_diag(&got);
		fail_msg("seed %llu: the random rules do not load", (unsigned long long)seed);
	}
	assert_int_equal(rules_finish(&rs, &got), 0);
	ref_unreachable(&rs, &want);
	/* only the unreachable rules: not private: allowed to everyone */
	for (size_t i = 0; i < got.n; i++) {
		if (strstr(got.items[i].msg, "can never match")) {
			got.items[kept++] = got.items[i];
			continue;
		}
		free(got.items[i].file);
		free(got.items[i].msg);
	}
	got.n = kept;
	for (size_t i = 0; i < got.n || i < want.n; i++) {
		char a[1024] = "(none)", b[1024] = "(none)";

		if (i < got.n)
			diag_format(&got.items[i], a, sizeof(a));
		if (i < want.n)
			diag_format(&want.items[i], b, sizeof(b));
		if (strcmp(a, b))
			fail_msg("seed %llu, warning %zu:\n  got  %s\n  want %s",
				 (unsigned long long)seed, i, a, b);
	}
	warnings = want.n;
	rules_free(&rs);
	diag_free(&got);
	diag_free(&want);
	assert_int_equal(unlink(path), 0);
	free(path);
	return warnings;
}

static void test_unreachable_as_pairwise(void **state)
{
	size_t warned = 0;

	for (uint64_t seed = 1; seed <= 300; seed++)
		warned += compare_unreachable(*state, seed, 2 + (int)(seed % 40));
	warned += compare_unreachable(*state, 4242, 1500);
	print_message("    %zu warnings compared\n", warned);
	/* the sets must exercise the check, not only pass it */
	assert_true(warned > 300);
}

/* ---- matching ---- */

static struct bw_rule one_dim(int dim, bool negate, size_t n, char **strs,
			      uint64_t *nums)
{
	static struct bw_match m;	/* one rule at a time */
	struct bw_rule r = { .keys = 1u << dim, .dims = &m };

	m = (struct bw_match){ .set = true, .negate = negate, .n = n };
	if (strs)
		m.strs = strs;
	else
		m.nums = nums;
	return r;
}

static void test_accepts_unset_and_nums(void **state)
{
	uint64_t uids[] = { 0, 1000 }, access[] = { 2, 3 };
	struct bw_rule r = { .keys = 0 };

	(void)state;
	for (int dim = 0; dim < BW_NDIM; dim++)
		assert_true(rule_dim_accepts(&r, dim, 7, "/anything"));
	assert_false(rule_dim_accepts(&r, BW_NDIM, 0, NULL));

	r = one_dim(BW_DIM_UID, false, 2, NULL, uids);
	assert_true(rule_dim_accepts(&r, BW_DIM_UID, 0, NULL));
	assert_true(rule_dim_accepts(&r, BW_DIM_UID, 1000, NULL));
	assert_false(rule_dim_accepts(&r, BW_DIM_UID, 1, NULL));
	assert_true(rule_dim_accepts(&r, BW_DIM_GID, 1, NULL));	/* unset */
	r = one_dim(BW_DIM_UID, true, 2, NULL, uids);
	assert_false(rule_dim_accepts(&r, BW_DIM_UID, 0, NULL));
	assert_true(rule_dim_accepts(&r, BW_DIM_UID, 5, NULL));

	r = one_dim(BW_DIM_IPC_ACCESS, false, 2, NULL, access);
	assert_true(rule_dim_accepts(&r, BW_DIM_IPC_ACCESS, BW_IPC_WRITE, NULL));
	assert_true(rule_dim_accepts(&r, BW_DIM_IPC_ACCESS, BW_IPC_READ | BW_IPC_WRITE, NULL));
	assert_false(rule_dim_accepts(&r, BW_DIM_IPC_ACCESS, BW_IPC_READ, NULL));
}

static void test_accepts_names(void **state)
{
	char *comm[] = { "bash" }, *long_comm[] = { "abcdefghijklmno" };
	char *none[] = { "" }, *id[] = { "0123456789ab" };
	struct bw_rule r;

	(void)state;
	r = one_dim(BW_DIM_COMM, false, 1, comm, NULL);
	assert_true(rule_dim_accepts(&r, BW_DIM_COMM, 0, "bash"));
	assert_false(rule_dim_accepts(&r, BW_DIM_COMM, 0, "bashful"));
	assert_false(rule_dim_accepts(&r, BW_DIM_COMM, 0, "bas"));
	assert_false(rule_dim_accepts(&r, BW_DIM_COMM, 0, NULL));
	r = one_dim(BW_DIM_COMM, true, 1, comm, NULL);
	assert_false(rule_dim_accepts(&r, BW_DIM_COMM, 0, "bash"));
	assert_true(rule_dim_accepts(&r, BW_DIM_COMM, 0, "zsh"));
	/* the kernel's comm is 15 characters: a longer name is cut */
	r = one_dim(BW_DIM_SIG_TCOMM, false, 1, long_comm, NULL);
	assert_true(rule_dim_accepts(&r, BW_DIM_SIG_TCOMM, 0, "abcdefghijklmnopqrs"));
	assert_false(rule_dim_accepts(&r, BW_DIM_SIG_TCOMM, 0, "abcdefghijklmn"));

	/* container: "" is no container; none = {""}, any = !{""} */
	r = one_dim(BW_DIM_CONTAINER, false, 1, none, NULL);
	assert_true(rule_dim_accepts(&r, BW_DIM_CONTAINER, 0, ""));
	assert_true(rule_dim_accepts(&r, BW_DIM_CONTAINER, 0, NULL));
	assert_false(rule_dim_accepts(&r, BW_DIM_CONTAINER, 0, "0123456789ab"));
	r = one_dim(BW_DIM_CONTAINER, true, 1, none, NULL);
	assert_false(rule_dim_accepts(&r, BW_DIM_CONTAINER, 0, ""));
	assert_true(rule_dim_accepts(&r, BW_DIM_CONTAINER, 0, "0123456789ab"));
	r = one_dim(BW_DIM_CONTAINER, false, 1, id, NULL);
	assert_true(rule_dim_accepts(&r, BW_DIM_CONTAINER, 0, "0123456789ab"));
	assert_false(rule_dim_accepts(&r, BW_DIM_CONTAINER, 0, "0123456789ac"));
	assert_false(rule_dim_accepts(&r, BW_DIM_CONTAINER, 0, ""));
}

static void test_accepts_paths(void **state)
{
	char *paths[] = { "/usr/bin/", "/sbin/init" }, *tmp[] = { "/tmp/" };
	char *src[] = { "tmpfs", "/dev/" };
	struct bw_rule r;

	(void)state;
	r = one_dim(BW_DIM_EXE, false, 2, paths, NULL);
	assert_true(rule_dim_accepts(&r, BW_DIM_EXE, 0, "/usr/bin/ls"));
	assert_true(rule_dim_accepts(&r, BW_DIM_EXE, 0, "/usr/bin/x/y"));
	assert_true(rule_dim_accepts(&r, BW_DIM_EXE, 0, "/usr/bin/"));
	assert_true(rule_dim_accepts(&r, BW_DIM_EXE, 0, "/usr/bin"));
	assert_true(rule_dim_accepts(&r, BW_DIM_EXE, 0, "/sbin/init"));
	assert_false(rule_dim_accepts(&r, BW_DIM_EXE, 0, "/sbin/init2"));
	assert_false(rule_dim_accepts(&r, BW_DIM_EXE, 0, "/sbin/"));
	assert_false(rule_dim_accepts(&r, BW_DIM_EXE, 0, "/usr/binx"));
	assert_false(rule_dim_accepts(&r, BW_DIM_EXE, 0, "/usr/bi"));
	assert_false(rule_dim_accepts(&r, BW_DIM_EXE, 0, "/usr"));
	assert_false(rule_dim_accepts(&r, BW_DIM_EXE, 0, NULL));

	r = one_dim(BW_DIM_EXEC_PATH, true, 1, tmp, NULL);
	assert_false(rule_dim_accepts(&r, BW_DIM_EXEC_PATH, 0, "/tmp/x"));
	assert_false(rule_dim_accepts(&r, BW_DIM_EXEC_PATH, 0, "/tmp"));
	assert_true(rule_dim_accepts(&r, BW_DIM_EXEC_PATH, 0, "/tmpx/y"));

	r = one_dim(BW_DIM_MNT_SOURCE, false, 2, src, NULL);
	assert_true(rule_dim_accepts(&r, BW_DIM_MNT_SOURCE, 0, "tmpfs"));
	assert_false(rule_dim_accepts(&r, BW_DIM_MNT_SOURCE, 0, "tmpfs2"));
	assert_true(rule_dim_accepts(&r, BW_DIM_MNT_SOURCE, 0, "/dev/sda1"));
	r = one_dim(BW_DIM_MNT_TARGET, false, 1, tmp, NULL);
	assert_true(rule_dim_accepts(&r, BW_DIM_MNT_TARGET, 0, "/tmp/a"));
	assert_false(rule_dim_accepts(&r, BW_DIM_MNT_TARGET, 0, "/srv"));
}

static void test_accepts_cgroup(void **state)
{
	char *cg[] = { "/system.slice/" }, *root[] = { "/" };
	struct bw_rule r;

	(void)state;
	r = one_dim(BW_DIM_CGROUP, false, 1, cg, NULL);
	assert_true(rule_dim_accepts(&r, BW_DIM_CGROUP, 0, "/system.slice"));
	assert_true(rule_dim_accepts(&r, BW_DIM_CGROUP, 0, "/system.slice/"));
	assert_true(rule_dim_accepts(&r, BW_DIM_CGROUP, 0, "/system.slice/cron.service"));
	assert_false(rule_dim_accepts(&r, BW_DIM_CGROUP, 0, "/system.slicex"));
	assert_false(rule_dim_accepts(&r, BW_DIM_CGROUP, 0, "/system"));
	assert_false(rule_dim_accepts(&r, BW_DIM_CGROUP, 0, "/"));
	assert_false(rule_dim_accepts(&r, BW_DIM_CGROUP, 0, NULL));	/* the root */
	r = one_dim(BW_DIM_CGROUP, true, 1, cg, NULL);
	assert_false(rule_dim_accepts(&r, BW_DIM_CGROUP, 0, "/system.slice/x.service"));
	assert_true(rule_dim_accepts(&r, BW_DIM_CGROUP, 0, "/user.slice"));
	r = one_dim(BW_DIM_CGROUP, false, 1, root, NULL);
	assert_true(rule_dim_accepts(&r, BW_DIM_CGROUP, 0, "/"));
	assert_true(rule_dim_accepts(&r, BW_DIM_CGROUP, 0, NULL));
	assert_true(rule_dim_accepts(&r, BW_DIM_CGROUP, 0, "/user.slice/u.scope"));
}

/* ---- names ---- */

static void test_names_tables(void **state)
{
	char buf[32];
	uint32_t id;

	(void)state;
	for (int c = 0; c < BW_NCLASS; c++)
		assert_int_equal(bw_class_from_name(bw_class_name(c)), c);
	assert_string_equal(bw_class_name(BW_CLASS_CAPABLE), "capable");
	assert_string_equal(bw_class_name(BW_CLASS_EXEC), "exec");
	assert_int_equal(bw_class_from_name("Exec"), -1);
	assert_string_equal(bw_action_name(BW_ACT_ALLOW), "allow");
	assert_string_equal(bw_action_name(BW_ACT_AUDIT), "audit");
	assert_string_equal(bw_action_name(BW_ACT_DENY), "deny");
	assert_string_equal(bw_decision_name(BW_DEC_ALLOW), "allow");
	assert_string_equal(bw_decision_name(BW_DEC_AUDIT), "audit");
	assert_string_equal(bw_decision_name(BW_DEC_DENY), "deny");
	assert_string_equal(bw_decision_name(BW_DEC_WOULD_DENY), "would-deny");
	assert_string_equal(bw_dim_key(BW_DIM_PCOMM), "parent_comm");
	assert_string_equal(bw_dim_key(BW_DIM_IPC_OWNER), "owner_uid");

	assert_int_equal(cap_from_string("cap_net_raw"), 13);
	assert_int_equal(cap_from_string("CAP_NET_RAW"), 13);
	assert_int_equal(cap_from_string("Cap_Sys_Admin"), 21);
	assert_int_equal(cap_from_string("cap_chown"), 0);
	assert_int_equal(cap_from_string("net_raw"), -1);
	assert_int_equal(cap_from_string("cap_flying"), -1);
	assert_int_equal(cap_from_string("cap_chown+ep"), -1);
	assert_int_equal(cap_from_string(""), -1);
	assert_string_equal(cap_name(13, buf, sizeof(buf)), "cap_net_raw");

	assert_int_equal(signal_from_string("SIGKILL"), 9);
	assert_int_equal(signal_from_string("KILL"), 9);
	assert_int_equal(signal_from_string("sigkill"), 9);
	assert_int_equal(signal_from_string("kill"), 9);
	assert_int_equal(signal_from_string("hup"), 1);
	assert_int_equal(signal_from_string("SIGSYS"), 31);
	assert_int_equal(signal_from_string("0"), 0);
	assert_int_equal(signal_from_string("64"), 64);
	assert_int_equal(signal_from_string("SIGRTMIN"), 34);
	assert_int_equal(signal_from_string("SIGRTMIN+1"), 35);
	assert_int_equal(signal_from_string("rtmax"), 64);
	assert_int_equal(signal_from_string("SIGRTMAX-2"), 62);
	assert_int_equal(signal_from_string("SIG34"), 34);
	assert_int_equal(signal_from_string("65"), -1);
	assert_int_equal(signal_from_string("-1"), -1);
	assert_int_equal(signal_from_string("SIGRTMIN+31"), -1);
	assert_int_equal(signal_from_string("SIGRTMIN1"), -1);
	assert_int_equal(signal_from_string("SIGFOO"), -1);
	assert_int_equal(signal_from_string(""), -1);
	assert_string_equal(signal_name(9, buf, sizeof(buf)), "SIGKILL");
	assert_string_equal(signal_name(31, buf, sizeof(buf)), "SIGSYS");
	assert_string_equal(signal_name(34, buf, sizeof(buf)), "SIG34");
	assert_string_equal(signal_name(9, buf, 8), "SIGKILL");
	assert_string_equal(signal_name(9, buf, 7), "SIGKIL");	/* cut as snprintf cuts */
	for (unsigned int s = 0; s <= 64; s++)
		assert_int_equal(signal_from_string(signal_name(s, buf, sizeof(buf))), s);

	assert_int_equal(ipc_kind_from_string("shm"), BW_IPC_SHM);
	assert_int_equal(ipc_kind_from_string("msg"), BW_IPC_MSG);
	assert_int_equal(ipc_kind_from_string("sem"), BW_IPC_SEM);
	assert_int_equal(ipc_kind_from_string("unknown"), -1);
	assert_string_equal(ipc_kind_name(BW_IPC_SEM), "sem");
	assert_int_equal(ipc_access_from_string("read"), BW_IPC_READ);
	assert_int_equal(ipc_access_from_string("write"), BW_IPC_WRITE);
	assert_int_equal(ipc_access_from_string("rw"), -1);
	assert_string_equal(ipc_access_name(3), "read,write");
	for (int op = BW_MNT_MOUNT; op <= BW_MNT_PIVOT_ROOT; op++)
		assert_int_equal(mount_op_from_string(mount_op_name(op)), op);
	assert_string_equal(mount_op_name(BW_MNT_PIVOT_ROOT), "pivot_root");
	assert_int_equal(mount_op_from_string("unmount"), -1);

	assert_int_equal(uid_from_string("root", &id), 0);
	assert_int_equal(id, 0);
	assert_int_equal(uid_from_string("4294967294", &id), 0);
	assert_int_equal(id, 4294967294u);
	assert_int_equal(uid_from_string("4294967295", &id), -2);
	assert_int_equal(uid_from_string("+1", &id), -2);
	assert_int_equal(uid_from_string("nosuchuser-bw", &id), -1);
	assert_int_equal(gid_from_string("root", &id), 0);
	assert_int_equal(id, 0);
	assert_int_equal(gid_from_string("nosuchgroup-bw", &id), -1);
}

/* The hash index behind rule and section names: keys are bytes, not strings. */
static void test_key_index(void **state)
{
	static const char bytes[] = "a\0b\0c";
	struct key_index ix = { 0 };
	char names[3000][8];
	size_t v;

	(void)state;
	assert_false(key_index_get(&ix, "x", 1, &v));
	for (int i = 0; i < 3000; i++) {
		snprintf(names[i], sizeof(names[i]), "n%d", i);
		key_index_put(&ix, names[i], strlen(names[i]), (size_t)i);
	}
	for (int i = 0; i < 3000; i++) {
		assert_true(key_index_get(&ix, names[i], strlen(names[i]), &v));
		assert_int_equal(v, i);
	}
	assert_false(key_index_get(&ix, "n3000", 5, &v));
	assert_false(key_index_get(&ix, "n1", 1, &v));	/* a prefix is another key */
	key_index_put(&ix, names[7], strlen(names[7]), 70);
	assert_true(key_index_get(&ix, "n7", 2, &v));
	assert_int_equal(v, 70);
	assert_int_equal(ix.n, 3000);
	key_index_put(&ix, bytes, 3, 1);
	key_index_put(&ix, bytes, 5, 2);
	assert_true(key_index_get(&ix, "a\0b", 3, &v));
	assert_int_equal(v, 1);
	assert_true(key_index_get(&ix, "a\0b\0c", 5, &v));
	assert_int_equal(v, 2);
	key_index_free(&ix);
	assert_false(key_index_get(&ix, "n7", 2, &v));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_setup, tu_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_capable_file),
		T(test_ipc_file),
		T(test_mount_file),
		T(test_signal_file),
		T(test_exec_and_syscall_file),
		T(test_keys_and_classes),
		T(test_precedence_natural_order),
		T(test_duplicate_across_files),
		T(test_rule_dirs_override_by_name),
		T(test_errors_with_lines),
		T(test_every_bad_rule_reported),
		T(test_hostile_names_refused),
		T(test_trap_section_name),
		T(test_trap_repeated_section),
		T(test_trap_long_line),
		T(test_trap_indented_line),
		T(test_trap_semicolon),
		T(test_trap_all_reported),
		T(test_file_problems),
		T(test_capacity),
		T(test_unreachable),
		T(test_private_allow_warning),
		T(test_unreachable_first_decider),
		T(test_unreachable_as_pairwise),
		T(test_accepts_unset_and_nums),
		T(test_accepts_names),
		T(test_accepts_paths),
		T(test_accepts_cgroup),
		T(test_names_tables),
		T(test_key_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
