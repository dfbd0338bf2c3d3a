// SPDX-License-Identifier: GPL-2.0
/* Syscall names, groups and syscall rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <seccomp.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>
#include <cmocka.h>

#include "rules.h"
#include "sc_profile.h"
#include "syscalls.h"

static bool has(const uint64_t *ids, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void test_resolve_every_arch(void **state)
{
	uint64_t *ids = NULL;
	size_t n = 0;
	char buf[64];

	(void)state;
	assert_int_equal(syscall_resolve("chroot", &ids, &n), 0);
	assert_int_equal(n, 3);
	assert_true(has(ids, n, BW_SC_ID(BW_SC_X86_64, 161)));
	assert_true(has(ids, n, BW_SC_ID(BW_SC_I386, 61)));
	assert_true(has(ids, n, BW_SC_ID(BW_SC_X32, 0x40000000 | 161)));
	assert_string_equal(syscall_name(BW_SC_ID(BW_SC_I386, 61), buf, sizeof(buf)),
			    "ia32:chroot");
	assert_string_equal(syscall_name(BW_SC_ID(BW_SC_X86_64, 161), buf, sizeof(buf)),
			    "chroot");
	free(ids);
}

static void test_resolve_errors(void **state)
{
	uint64_t *ids = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(syscall_resolve("no_such_call", &ids, &n), -1);
	assert_int_equal(syscall_resolve("Chroot", &ids, &n), -1);
	assert_int_equal(syscall_resolve("chroot;", &ids, &n), -1);
	assert_int_equal(syscall_resolve("@no-such-group", &ids, &n), -1);
	assert_int_equal(n, 0);
	free(ids);
	/* socketcall exists on i386 only */
	ids = NULL;
	n = 0;
	assert_int_equal(syscall_resolve("socketcall", &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(BW_SC_ARCH(ids[0]), BW_SC_I386);
	free(ids);
}

/* Every member of every group resolves somewhere: catches typos in the table. */
static void test_groups_resolve(void **state)
{
	size_t ng;
	const struct bw_sc_group *g = syscall_groups(&ng);
	int unknown = 0;

	(void)state;
	assert_true(ng >= 12);
	for (size_t i = 0; i < ng; i++) {
		uint64_t *ids = NULL;
		size_t n = 0;

		assert_int_equal(syscall_resolve(g[i].name, &ids, &n), 0);
		assert_true(n > 0);
		free(ids);
		for (const char *const *m = g[i].members; *m; m++) {
			ids = NULL;
			n = 0;
			if (syscall_resolve(*m, &ids, &n)) {
				print_message("%s: '%s' unknown to libseccomp\n", g[i].name, *m);
				unknown++;
			}
			free(ids);
		}
	}
	assert_int_equal(unknown, 0);
}

static void test_nested_group(void **state)
{
	uint64_t *priv = NULL, *mod = NULL;
	size_t np = 0, nm = 0;

	(void)state;
	assert_int_equal(syscall_resolve("@privileged", &priv, &np), 0);
	assert_int_equal(syscall_resolve("@module", &mod, &nm), 0);
	for (size_t i = 0; i < nm; i++)
		assert_true(has(priv, np, mod[i]));
	free(priv);
	free(mod);
}

/* ptrace: x86_64 101, i386 26, x32 521 with the x32 bit; names round trip. */
static void test_resolve_ptrace(void **state)
{
	static const uint64_t want[] = {
		BW_SC_ID(BW_SC_X86_64, 101),
		BW_SC_ID(BW_SC_I386, 26),
		BW_SC_ID(BW_SC_X32, 0x40000000 | 521),
	};
	static const char *const names[] = { "ptrace", "ia32:ptrace", "x32:ptrace" };
	uint64_t *ids = NULL;
	size_t n = 0;
	char buf[64];

	(void)state;
	assert_int_equal(syscall_resolve("ptrace", &ids, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_true(has(ids, n, want[i]));
		assert_string_equal(syscall_name(want[i], buf, sizeof(buf)), names[i]);
	}
	/* resolving again appends nothing: duplicates are skipped */
	assert_int_equal(syscall_resolve("ptrace", &ids, &n), 0);
	assert_int_equal(n, 3);
	free(ids);
}

/* newfstatat is x86_64 and x32 only (i386 has fstatat64). */
static void test_resolve_missing_arch(void **state)
{
	uint64_t *ids = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(syscall_resolve("newfstatat", &ids, &n), 0);
	assert_int_equal(n, 2);
	assert_true(has(ids, n, BW_SC_ID(BW_SC_X86_64, 262)));
	assert_true(has(ids, n, BW_SC_ID(BW_SC_X32, 0x40000000 | 262)));
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(BW_SC_ARCH(ids[i]), BW_SC_I386);
	free(ids);
}

static void test_resolve_bad_names(void **state)
{
	static const char *const bad[] = {
		"", "@", "PTRACE", "ptrace ", " ptrace", "ptr-ace", "ptrace\n", "../ptrace",
		"ia32:ptrace", "@mount,ptrace", "@MOUNT", "mount@",
	};
	uint64_t *ids = NULL;
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (syscall_resolve(bad[i], &ids, &n) != -1)
			fail_msg("'%s' resolved", bad[i]);
	assert_int_equal(n, 0);
	assert_null(ids);
}

static void test_group_mount(void **state)
{
	uint64_t *ids = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(syscall_resolve("@mount", &ids, &n), 0);
	assert_true(has(ids, n, BW_SC_ID(BW_SC_X86_64, 165)));
	assert_true(has(ids, n, BW_SC_ID(BW_SC_I386, 21)));
	assert_true(has(ids, n, BW_SC_ID(BW_SC_X32, 0x40000000 | 165)));
	/* umount is i386 only; umount2 everywhere */
	assert_true(has(ids, n, BW_SC_ID(BW_SC_I386, 22)));
	assert_true(has(ids, n, BW_SC_ID(BW_SC_X86_64, 166)));
	assert_false(has(ids, n, BW_SC_ID(BW_SC_X86_64, 101)));	/* ptrace */
	free(ids);
}

/* @privileged takes in its sub-groups and its own members. */
static void test_privileged(void **state)
{
	static const char *const want[] = {
		"@chown", "@clock", "@module", "@raw-io", "@reboot", "@swap", "acct",
		"bpf", "capset", "chroot", "mount", "pivot_root", "setuid", "umount2",
		"vhangup", "swapon", "kexec_load", "iopl", "settimeofday", "fchownat",
	};
	uint64_t *priv = NULL;
	size_t np = 0;

	(void)state;
	assert_int_equal(syscall_resolve("@privileged", &priv, &np), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint64_t *ids = NULL;
		size_t n = 0;

		assert_int_equal(syscall_resolve(want[i], &ids, &n), 0);
		for (size_t k = 0; k < n; k++)
			if (!has(priv, np, ids[k]))
				fail_msg("@privileged lacks %s (%#llx)", want[i],
					 (unsigned long long)ids[k]);
		free(ids);
	}
	free(priv);
}

static bool name_ok(const char *s, const char *alphabet)
{
	return *s && strspn(s, alphabet) == strlen(s);
}

/* Names, descriptions, references and duplicates in the table. */
static void test_group_table(void **state)
{
	size_t ng;
	const struct bw_sc_group *g = syscall_groups(&ng);

	(void)state;
	assert_int_equal(ng, 27);
	for (size_t i = 0; i < ng; i++) {
		assert_true(g[i].name[0] == '@');
		assert_true(name_ok(g[i].name + 1, "abcdefghijklmnopqrstuvwxyz-"));
		assert_true(g[i].description && *g[i].description);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(g[i].name, g[k].name);
		for (const char *const *m = g[i].members; *m; m++) {
			if ((*m)[0] == '@') {
				bool found = false;

				for (size_t k = 0; k < ng; k++)
					found |= !strcmp(g[k].name, *m) && k != i;
				if (!found)
					fail_msg("%s: no group %s", g[i].name, *m);
			} else if (!name_ok(*m, "abcdefghijklmnopqrstuvwxyz0123456789_")) {
				fail_msg("%s: bad member '%s'", g[i].name, *m);
			}
			for (const char *const *o = g[i].members; o < m; o++)
				if (!strcmp(*o, *m))
					fail_msg("%s: %s twice", g[i].name, *m);
		}
	}
}

static void test_syscall_name_unknown(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(syscall_name(BW_SC_ID(BW_SC_X86_64, 5000), buf, sizeof(buf)),
			    "unknown(5000)");
	assert_string_equal(syscall_name(BW_SC_ID(BW_SC_I386, 5000), buf, sizeof(buf)),
			    "ia32:unknown(5000)");
	assert_string_equal(syscall_name(BW_SC_ID(BW_SC_X32, 0x40000000 | 63), buf,
					 sizeof(buf)), "x32:uname");
	assert_string_equal(syscall_name(BW_SC_ID(7, 1), buf, sizeof(buf)),
			    "unknown(0x700000001)");
	/* truncated, still terminated */
	assert_string_equal(syscall_name(BW_SC_ID(BW_SC_I386, 26), buf, 5), "ia32");
}

static char *print_groups(bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	syscall_groups_print(f, json);
	fclose(f);
	assert_true(len > 0 && buf[len - 1] == '\n');
	return buf;
}

static void test_groups_json(void **state)
{
	char *buf = print_groups(true);
	struct json_object *root, *v, *groups, *mount, *members;
	size_t ng;
	bool found = false;

	(void)state;
	syscall_groups(&ng);
	assert_non_null(strstr(buf, "{\"version\":1,\"groups\":{"));
	assert_non_null(strstr(buf, "\"@mount\":{\"description\":"));
	assert_ptr_equal(strchr(buf, '\n'), buf + strlen(buf) - 1);	/* one line */
	root = json_tokener_parse(buf);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "version", &v));
	assert_int_equal(json_object_get_int(v), BW_SC_GROUPS_VERSION);
	assert_true(json_object_object_get_ex(root, "groups", &groups));
	assert_int_equal(json_object_object_length(groups), ng);
	assert_true(json_object_object_get_ex(groups, "@mount", &mount));
	assert_true(json_object_object_get_ex(mount, "description", &v));
	assert_true(json_object_get_string_len(v) > 0);
	assert_true(json_object_object_get_ex(mount, "members", &members));
	for (size_t i = 0; i < json_object_array_length(members); i++)
		found |= !strcmp(json_object_get_string(
				json_object_array_get_idx(members, i)), "pivot_root");
	assert_true(found);
	json_object_put(root);
	free(buf);
}

static void test_groups_text(void **state)
{
	char *buf = print_groups(false), *save = NULL;
	size_t ng, blocks = 0, lines = 0;

	(void)state;
	syscall_groups(&ng);
	assert_true(!strncmp(buf, "syscall groups, version 1\n", 26));
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		lines++;
		if (strlen(l) > 78)
			fail_msg("line longer than 78: '%s'", l);
		if (l[0] == '@')
			blocks++;
		else if (lines > 1)
			assert_true(!strncmp(l, "    ", 4));	/* members, indented */
	}
	assert_int_equal(blocks, ng);
	free(buf);
}

static void load_text(const char *text, struct bw_ruleset *rs, struct diag *d)
{
	char path[] = "/tmp/bw-sc-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rules_load_path(rs, path, d);
	unlink(path);
}

static void expect_error(const char *text, int line, const char *needle)
{
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };

	load_text(text, &rs, &d);
	if (d.errors != 1 || d.items[0].line != line || !strstr(d.items[0].msg, needle))
		fail_msg("want line %d '%s'; got %zu errors, first: %d %s", line, needle,
			 d.errors, d.n ? d.items[0].line : 0, d.n ? d.items[0].msg : "");
	rules_free(&rs);
	diag_free(&d);
}

static void test_syscall_rules(void **state)
{
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };
	const struct bw_rule *r;

	(void)state;
	load_text("[d]\nevent = syscall\naction = deny\nsyscall = chroot, @module\nerrno = EACCES\n"
		  "[k]\nevent = syscall\naction = kill\nsyscall = !read\n", &rs, &d);
	assert_int_equal(d.n, 0);
	r = &rs.rules[0];
	assert_int_equal(r->cls, BW_CLASS_SYSCALL);
	assert_int_equal(r->err_no, 13);
	assert_true(rule_dim_accepts(r, BW_DIM_SYSCALL, BW_SC_ID(BW_SC_I386, 61), NULL));
	assert_true(rule_dim_accepts(r, BW_DIM_SYSCALL, BW_SC_ID(BW_SC_X86_64, 313), NULL));
	assert_false(rule_dim_accepts(r, BW_DIM_SYSCALL, BW_SC_ID(BW_SC_X86_64, 0), NULL));
	r = &rs.rules[1];
	assert_int_equal(r->action, BW_ACT_KILL);
	assert_true(rule_match(r, BW_DIM_SYSCALL)->negate);
	assert_false(rule_dim_accepts(r, BW_DIM_SYSCALL, BW_SC_ID(BW_SC_X86_64, 0), NULL));
	assert_true(rule_dim_accepts(r, BW_DIM_SYSCALL, BW_SC_ID(BW_SC_X86_64, 1), NULL));
	rules_free(&rs);
	diag_free(&d);

	expect_error("[r]\nevent = syscall\naction = deny\nsyscall = chroot, frobnicate\n", 4,
		     "unknown syscall 'frobnicate'");
	expect_error("[r]\nevent = syscall\naction = deny\nsyscall = @nope\n", 4,
		     "unknown syscall group '@nope'");
	expect_error("[r]\nevent = syscall\naction = deny\nsyscall = uname\nerrno = EWHAT\n", 5,
		     "bad errno 'EWHAT'");
	expect_error("[r]\nevent = syscall\naction = deny\nsyscall = uname\nerrno = 4096\n", 5,
		     "bad errno");
	expect_error("[r]\nevent = syscall\naction = audit\nsyscall = uname\nerrno = EPERM\n", 5,
		     "errno applies to syscall deny rules only");
	expect_error("[r]\nevent = exec\naction = kill\n", 3, "action kill is for syscall rules only");
	expect_error("[r]\nevent = exec\naction = deny\nsyscall = uname\n", 4,
		     "syscall is a key of syscall rules, not of exec rules");
}

/* ---- profiles (sc_profile.c) ---- */

struct prof {
	struct bw_ruleset rs;
	struct bw_sc_profile p;
};

/* Rules from text (no errors allowed), and the profile for program. */
static void build(struct prof *t, const char *text, const char *program)
{
	struct diag d = { 0 };
	char err[256] = "";

	memset(t, 0, sizeof(*t));
	load_text(text, &t->rs, &d);
	if (d.n)
		fail_msg("rules: %s", d.items[0].msg);
	diag_free(&d);
	if (profile_build(&t->p, &t->rs, program, err, sizeof(err)))
		fail_msg("profile_build: %s", err);
	assert_int_equal(strlen(t->p.hash), 16);
	assert_true(name_ok(t->p.hash, "0123456789abcdef"));
}

static void unbuild(struct prof *t)
{
	profile_free(&t->p);
	rules_free(&t->rs);
}

/*
 * The action for name, and the rule named with it: the deciding rule for
 * a filter entry, the default's rule otherwise ("-": none).
 */
static void want(const struct prof *t, const char *name, uint32_t action, const char *rule)
{
	const struct bw_rule *r = NULL;
	uint32_t a = profile_action(&t->p, name, &r);

	if (a != action)
		fail_msg("%s: action %#x, want %#x", name, a, action);
	assert_string_equal(r ? r->name : "-", rule);
}

#define RULE(name, action, rest) \
	"[" name "]\nevent = syscall\naction = " action "\n" rest

static void test_profile_first_rule_decides(void **state)
{
	struct prof t;

	(void)state;
	build(&t, RULE("allow-uname", "allow", "syscall = uname\n")
		  RULE("deny-uname", "deny", "syscall = uname, chroot\nerrno = EACCES\n")
		  RULE("audit-getppid", "audit", "syscall = getppid, getpid\n")
		  RULE("kill-getppid", "kill", "syscall = getppid, @module\n")
		  RULE("deny-x", "deny", "syscall = getpid\nerrno = 5\n"), NULL);
	assert_int_equal(t.p.default_action, SCMP_ACT_ALLOW);
	assert_null(t.p.default_rule);
	assert_int_equal(t.p.napplied, 5);
	want(&t, "uname", SCMP_ACT_ALLOW, "-");	/* allowed: no entry */
	want(&t, "chroot", SCMP_ACT_ERRNO(EACCES), "deny-uname");
	want(&t, "getppid", SCMP_ACT_KILL_PROCESS, "kill-getppid");	/* audit goes on */
	want(&t, "getpid", SCMP_ACT_ERRNO(5), "deny-x");
	want(&t, "init_module", SCMP_ACT_KILL_PROCESS, "kill-getppid");
	want(&t, "finit_module", SCMP_ACT_KILL_PROCESS, "kill-getppid");
	want(&t, "read", SCMP_ACT_ALLOW, "-");
	/* entries only for what differs from the default */
	assert_int_equal(t.p.n, 6);
	unbuild(&t);

	/* an audit rule alone: logged */
	build(&t, RULE("a", "audit", "syscall = uname\n"), NULL);
	want(&t, "uname", SCMP_ACT_LOG, "a");
	assert_int_equal(t.p.n, 1);
	unbuild(&t);
}

/* syscall = !read, !write: every call but those. */
static void test_profile_negation(void **state)
{
	struct prof t;

	(void)state;
	build(&t, RULE("d", "deny", "syscall = !read, !write\nerrno = EACCES\n"), NULL);
	assert_int_equal(t.p.default_action, SCMP_ACT_ERRNO(EACCES));
	assert_string_equal(t.p.default_rule->name, "d");
	want(&t, "read", SCMP_ACT_ALLOW, "-");
	want(&t, "write", SCMP_ACT_ALLOW, "-");
	want(&t, "uname", SCMP_ACT_ERRNO(EACCES), "d");
	assert_int_equal(t.p.n, 2);
	unbuild(&t);

	/* rules before the negated one still decide what they name */
	build(&t, RULE("a", "audit", "syscall = !read\n")
		  RULE("u", "deny", "syscall = uname\nerrno = EACCES\n")
		  RULE("k", "kill", "syscall = !read, !write, !uname, !getppid\n")
		  RULE("late", "deny", "syscall = !exit_group, !read\n"), NULL);
	assert_int_equal(t.p.default_action, SCMP_ACT_KILL_PROCESS);
	want(&t, "read", SCMP_ACT_ALLOW, "-");		/* no rule accepts it */
	want(&t, "uname", SCMP_ACT_ERRNO(EACCES), "u");
	want(&t, "write", SCMP_ACT_ERRNO(EPERM), "late");	/* k excludes it */
	want(&t, "getppid", SCMP_ACT_ERRNO(EPERM), "late");
	want(&t, "exit_group", SCMP_ACT_KILL_PROCESS, "k");
	want(&t, "mount", SCMP_ACT_KILL_PROCESS, "k");
	unbuild(&t);

	/* an audit rule for everything: SCMP_ACT_LOG by default */
	build(&t, RULE("all", "audit", "") RULE("u", "deny", "syscall = uname\n"), NULL);
	assert_int_equal(t.p.default_action, SCMP_ACT_LOG);
	want(&t, "uname", SCMP_ACT_ERRNO(EPERM), "u");
	want(&t, "open", SCMP_ACT_LOG, "all");
	unbuild(&t);

	/* a deny for everything after an allow list: an allow-list profile */
	build(&t, RULE("ok", "allow", "syscall = @basic-io, execve, exit_group\n")
		  RULE("rest", "deny", "errno = ENOSYS\n"), NULL);
	assert_int_equal(t.p.default_action, SCMP_ACT_ERRNO(ENOSYS));
	want(&t, "execve", SCMP_ACT_ALLOW, "ok");
	want(&t, "_llseek", SCMP_ACT_ALLOW, "ok");
	want(&t, "uname", SCMP_ACT_ERRNO(ENOSYS), "rest");
	unbuild(&t);
}

/* Subject keys: the rules for a program apply, the others do not. */
static void test_profile_subjects(void **state)
{
	char text[2048], dir[] = "/tmp/bw-sc-XXXXXX", link[64];
	char *self = realpath("/proc/self/exe", NULL);
	struct prof t;

	(void)state;
	assert_non_null(self);
	snprintf(text, sizeof(text),
		 RULE("mine", "deny", "syscall = uname\ncomm = bwprog\n")
		 RULE("long", "deny", "syscall = getpid\ncomm = abcdefghijklmno\n")
		 RULE("other-uid", "deny", "syscall = chroot\nuid = %u\n")
		 RULE("my-uid", "kill", "syscall = chroot, getppid\nuid = %u\n")
		 RULE("exe", "deny", "syscall = acct\nexe = %s\n")
		 RULE("link-comm", "deny", "syscall = syslog\ncomm = bwlink\n")
		 RULE("nocomm", "deny", "syscall = sync\ncomm = !bwprog\n")
		 RULE("all", "deny", "syscall = syncfs\n"),
		 getuid() + 1, getuid(), self);
	build(&t, text, NULL);
	assert_int_equal(t.p.napplied, 1);
	want(&t, "syncfs", SCMP_ACT_ERRNO(EPERM), "all");
	want(&t, "uname", SCMP_ACT_ALLOW, "-");
	unbuild(&t);

	build(&t, text, "/nonexistent/dir/bwprog");
	assert_int_equal(t.p.napplied, 3);
	want(&t, "uname", SCMP_ACT_ERRNO(EPERM), "mine");
	want(&t, "chroot", SCMP_ACT_KILL_PROCESS, "my-uid");
	want(&t, "sync", SCMP_ACT_ALLOW, "-");
	want(&t, "acct", SCMP_ACT_ALLOW, "-");
	unbuild(&t);

	/* comm is the first 15 characters of the file name */
	build(&t, text, "/nonexistent/abcdefghijklmnopqrstuvwxyz");
	want(&t, "getpid", SCMP_ACT_ERRNO(EPERM), "long");
	want(&t, "sync", SCMP_ACT_ERRNO(EPERM), "nocomm");
	unbuild(&t);

	/* comm: the name executed; exe: the file, symlinks resolved */
	assert_non_null(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/bwlink", dir);
	assert_int_equal(symlink(self, link), 0);
	free(self);
	build(&t, text, link);
	want(&t, "acct", SCMP_ACT_ERRNO(EPERM), "exe");
	want(&t, "syslog", SCMP_ACT_ERRNO(EPERM), "link-comm");
	unbuild(&t);
	unlink(link);
	rmdir(dir);
}

static void test_profile_hash(void **state)
{
	struct prof a, b, c;

	(void)state;
	build(&a, RULE("d", "deny", "syscall = uname\nerrno = EACCES\n"), NULL);
	build(&b, RULE("other-name", "deny", "syscall = uname\nerrno = EACCES\n")
		  RULE("later", "deny", "syscall = uname\n"), NULL);
	build(&c, RULE("d", "deny", "syscall = uname\nerrno = EPERM\n"), NULL);
	assert_string_equal(a.p.hash, b.p.hash);	/* the same filter */
	assert_string_not_equal(a.p.hash, c.p.hash);
	unbuild(&a);
	unbuild(&b);
	unbuild(&c);
}

/* A rule accepting a call on some architectures only cannot be a filter. */
static void test_profile_refuses_split_arch(void **state)
{
	uint64_t nums[] = { BW_SC_ID(BW_SC_X86_64, 63) };	/* uname, x86_64 only */
	struct bw_match m = { .set = true, .n = 1, .nums = nums };
	struct bw_rule r = { .name = "split", .cls = BW_CLASS_SYSCALL,
			     .action = BW_ACT_DENY, .err_no = EPERM,
			     .keys = 1u << BW_DIM_SYSCALL, .dims = &m };
	struct bw_ruleset rs = { .rules = &r, .n = 1 };
	struct bw_sc_profile p;
	char err[256] = "";

	(void)state;
	assert_int_equal(profile_build(&p, &rs, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "rule 'split' accepts 'uname' on some architectures only"));
	assert_int_equal(p.n, 0);
	assert_null(p.applied);
}

static char *export(const struct prof *t, const char *format, int *ret, char *err,
		    size_t errlen, size_t *len)
{
	char *buf = NULL;
	FILE *f = tmpfile();
	long size;

	assert_non_null(f);
	*ret = profile_export(&t->p, format, f, err, errlen);
	fflush(f);
	size = ftell(f);
	buf = calloc(1, (size_t)size + 1);
	rewind(f);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static void test_export_oci(void **state)
{
	struct json_object *root, *v, *sc, *e;
	char err[256], *out;
	size_t len;
	struct prof t;
	int ret;

	(void)state;
	build(&t, RULE("d", "deny", "syscall = uname, chroot\nerrno = EACCES\n")
		  RULE("k", "kill", "syscall = getppid\n")
		  RULE("x", "deny", "syscall = !read, !write\n"), NULL);
	out = export(&t, "oci", &ret, err, sizeof(err), &len);
	assert_int_equal(ret, 0);
	root = json_tokener_parse(out);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "defaultAction", &v));
	assert_string_equal(json_object_get_string(v), "SCMP_ACT_ERRNO");
	assert_true(json_object_object_get_ex(root, "defaultErrnoRet", &v));
	assert_int_equal(json_object_get_int(v), EPERM);
	assert_true(json_object_object_get_ex(root, "architectures", &v));
	assert_int_equal(json_object_array_length(v), 3);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 2)),
			    "SCMP_ARCH_X32");
	assert_true(json_object_object_get_ex(root, "syscalls", &sc));
	assert_int_equal(json_object_array_length(sc), 3);
	e = json_object_array_get_idx(sc, 0);
	assert_true(json_object_object_get_ex(e, "names", &v));
	assert_int_equal(json_object_array_length(v), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 1)),
			    "chroot");
	assert_true(json_object_object_get_ex(e, "errnoRet", &v));
	assert_int_equal(json_object_get_int(v), EACCES);
	assert_non_null(strstr(out, "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}"));
	assert_non_null(strstr(out, "{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}"));
	json_object_put(root);
	free(out);
	unbuild(&t);
}

static void test_export_systemd(void **state)
{
	char err[256], *out;
	size_t len;
	struct prof t;
	int ret;

	(void)state;
	build(&t, RULE("d", "deny", "syscall = uname, chroot\nerrno = EACCES\n")
		  RULE("a", "audit", "syscall = getppid\n"), NULL);
	out = export(&t, "systemd", &ret, err, sizeof(err), &len);
	assert_int_equal(ret, 0);
	assert_non_null(strstr(out, "\nSystemCallFilter=~uname chroot\n"));
	assert_non_null(strstr(out, "\nSystemCallErrorNumber=EACCES\n"));
	assert_non_null(strstr(out, "\nSystemCallLog=getppid\n"));
	free(out);
	unbuild(&t);

	/* kill only: no errno line, systemd's default for ~ lists kills */
	build(&t, RULE("k", "kill", "syscall = @module\n"), NULL);
	out = export(&t, "systemd", &ret, err, sizeof(err), &len);
	assert_int_equal(ret, 0);
	assert_null(strstr(out, "SystemCallErrorNumber"));
	assert_non_null(strstr(out, "SystemCallFilter=~"));
	free(out);
	unbuild(&t);

	build(&t, RULE("d", "deny", "syscall = uname\nerrno = EACCES\n")
		  RULE("e", "deny", "syscall = chroot\n"), NULL);
	out = export(&t, "systemd", &ret, err, sizeof(err), &len);
	assert_int_equal(ret, -1);
	assert_int_equal(len, 0);
	assert_non_null(strstr(err, "several errnos"));
	free(out);
	unbuild(&t);

	build(&t, RULE("d", "deny", "syscall = uname\n") RULE("k", "kill", "syscall = chroot\n"),
	      NULL);
	out = export(&t, "systemd", &ret, err, sizeof(err), &len);
	assert_int_equal(ret, -1);
	assert_non_null(strstr(err, "errno and kill"));
	free(out);
	unbuild(&t);

	build(&t, RULE("d", "deny", "syscall = !read\n"), NULL);
	out = export(&t, "systemd", &ret, err, sizeof(err), &len);
	assert_int_equal(ret, -1);
	assert_non_null(strstr(err, "every syscall but some"));
	free(out);
	unbuild(&t);
}

static void test_export_bpf(void **state)
{
	char err[256], *out;
	size_t len;
	struct prof t;
	int ret;

	(void)state;
	build(&t, RULE("d", "deny", "syscall = uname\n"), NULL);
	out = export(&t, "bpf", &ret, err, sizeof(err), &len);
	assert_int_equal(ret, 0);
	assert_true(len > 0 && len % 8 == 0);	/* struct sock_filter */
	free(out);
	out = export(&t, "xml", &ret, err, sizeof(err), &len);
	assert_int_equal(ret, -1);
	assert_non_null(strstr(err, "unknown format 'xml'"));
	free(out);
	unbuild(&t);
}

/*
 * The filter in a child: the call is denied on the x86_64 entry point and
 * the x32 one (seccomp sees x32 numbers even where the kernel has no x32
 * ABI); an unnamed call still works.
 */
static void test_profile_load(void **state)
{
	struct prof t;
	pid_t pid;
	int status;

	(void)state;
	build(&t, RULE("d", "deny", "syscall = uname\nerrno = EACCES\n"), NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct utsname u;
		char err[256];
		int code = 0;

		if (profile_load(&t.p, err, sizeof(err)))
			_exit(10);
		if (uname(&u) != -1 || errno != EACCES)
			code |= 1;
		if (syscall(0x40000000 | 63, &u) != -1 || errno != EACCES)
			code |= 2;
		if (getppid() <= 0)
			code |= 4;
		_exit(code);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	unbuild(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_every_arch),
		cmocka_unit_test(test_resolve_ptrace),
		cmocka_unit_test(test_resolve_missing_arch),
		cmocka_unit_test(test_resolve_errors),
		cmocka_unit_test(test_resolve_bad_names),
		cmocka_unit_test(test_group_mount),
		cmocka_unit_test(test_groups_resolve),
		cmocka_unit_test(test_nested_group),
		cmocka_unit_test(test_privileged),
		cmocka_unit_test(test_group_table),
		cmocka_unit_test(test_syscall_name_unknown),
		cmocka_unit_test(test_groups_json),
		cmocka_unit_test(test_groups_text),
		cmocka_unit_test(test_syscall_rules),
		cmocka_unit_test(test_profile_first_rule_decides),
		cmocka_unit_test(test_profile_negation),
		cmocka_unit_test(test_profile_subjects),
		cmocka_unit_test(test_profile_hash),
		cmocka_unit_test(test_profile_refuses_split_arch),
		cmocka_unit_test(test_export_oci),
		cmocka_unit_test(test_export_systemd),
		cmocka_unit_test(test_export_bpf),
		cmocka_unit_test(test_profile_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
