// SPDX-License-Identifier: GPL-2.0
/*
 * The compiler against the definition of matching: for random rule sets
 * and random events, the bit-vector tables (looked up the way the kernel
 * looks them up) must pick the same rule as evaluating every rule in
 * order with rule_dim_accepts().
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "compile.h"
#include "compile_ref.h"

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33) % n;
}

#define PICK(a) (a)[rnd(sizeof(a) / sizeof((a)[0]))]

static const char *comms[] = { "alpha", "beta", "gamma", "bwtest" };
static const char *uids[] = { "0", "1000", "1001" };
static const char *exes[] = { "/usr/bin/", "/usr/bin/ping", "/bin/sh", "/opt/", "/opt/app/" };
static const char *cgroups[] = { "/", "/system.slice", "/system.slice/x.service", "/user.slice" };
static const char *containers[] = { "any", "none", "abcdef012345" };
static const char *caps[] = { "cap_net_raw", "cap_sys_admin", "cap_chown" };
static const char *sigs[] = { "SIGKILL", "SIGTERM", "10" };
static const char *ops[] = { "mount", "umount", "bind", "remount" };
static const char *fstypes[] = { "tmpfs", "proc", "ext4" };
static const char *targets[] = { "/mnt/", "/mnt/data", "/srv/" };
static const char *paths[] = { "/usr/bin/", "/usr/bin/su", "/tmp/", "/bin/busybox" };
static const char *classes[] = { "capable", "ipc", "mount", "signal", "exec" };
static const char *actions[] = { "allow", "deny", "audit" };

static void maybe(FILE *f, const char *key, const char *val, bool negate_ok)
{
	if (rnd(10) >= 3)
		return;
	fprintf(f, "%s = %s%s\n", key, negate_ok && rnd(4) == 0 ? "!" : "", val);
}

static char *write_random_rules(int n)
{
	char *dir = strdup("/tmp/bw-compile-XXXXXX");
	char path[256];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/random.rules", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < n; i++) {
		const char *cls = PICK(classes);

		fprintf(f, "[r%d]\nevent = %s\naction = %s\n", i, cls, PICK(actions));
		maybe(f, "comm", PICK(comms), true);
		maybe(f, "uid", PICK(uids), true);
		maybe(f, "exe", PICK(exes), true);
		maybe(f, "cgroup", PICK(cgroups), false);
		maybe(f, "container", PICK(containers), false);
		if (!strcmp(cls, "capable"))
			maybe(f, "capability", PICK(caps), true);
		else if (!strcmp(cls, "signal"))
			maybe(f, "signal", PICK(sigs), true);
		else if (!strcmp(cls, "mount")) {
			maybe(f, "operation", PICK(ops), false);
			maybe(f, "fstype", PICK(fstypes), true);
			maybe(f, "target", PICK(targets), true);
		} else if (!strcmp(cls, "exec"))
			maybe(f, "path", PICK(paths), true);
		else
			maybe(f, "ipc_kind", rnd(2) ? "shm" : "msg", false);
	}
	fclose(f);
	return dir;
}

static void remove_dir(char *dir)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/random.rules", dir);
	unlink(path);
	rmdir(dir);
	free(dir);
}

/* Values an event may carry: named ones, ones below prefixes, others. */
static const char *ev_comms[] = { "alpha", "beta", "gamma", "bwtest", "other" };
static const char *ev_exes[] = { "/usr/bin/ping", "/usr/bin/id", "/usr/bin", "/bin/sh",
				 "/opt/app/x", "/opt", "/sbin/init", "" };
static const char *ev_cgroups[] = { "/", "/system.slice", "/system.slice/x.service",
				    "/system.slice/y.service", "/user.slice/u", "/other" };
static const char *ev_containers[] = { "", "abcdef012345", "999999999999" };
static const char *ev_fstypes[] = { "tmpfs", "proc", "ext4", "xfs" };
static const char *ev_targets[] = { "/mnt/data", "/mnt/x", "/mnt", "/srv/a/b", "/home" };
static const char *ev_paths[] = { "/usr/bin/su", "/usr/bin/ls", "/tmp/x", "/bin/busybox", "/sbin/x" };
static const uint64_t ev_uids[] = { 0, 1000, 1001, 65534 };
static const uint64_t ev_caps[] = { 13, 21, 0, 5 };	/* net_raw sys_admin chown kill */
static const uint64_t ev_sigs[] = { 9, 15, 10, 1 };

static void random_event(struct bw_values *v)
{
	memset(v, 0, sizeof(*v));
	v->str[BW_DIM_COMM] = PICK(ev_comms);
	v->str[BW_DIM_PCOMM] = "init";
	v->str[BW_DIM_EXE] = PICK(ev_exes);
	v->num[BW_DIM_UID] = PICK(ev_uids);
	v->num[BW_DIM_GID] = PICK(ev_uids);
	v->cgroup_path = PICK(ev_cgroups);
	v->str[BW_DIM_CONTAINER] = PICK(ev_containers);
	v->num[BW_DIM_CAP] = PICK(ev_caps);
	v->num[BW_DIM_IPC_KIND] = 1 + rnd(3);
	v->num[BW_DIM_IPC_ACCESS] = 1 + rnd(3);
	v->num[BW_DIM_IPC_OWNER] = PICK(ev_uids);
	v->num[BW_DIM_MNT_OP] = 1 + rnd(6);
	v->str[BW_DIM_MNT_FSTYPE] = PICK(ev_fstypes);
	v->str[BW_DIM_MNT_SOURCE] = "none";
	v->str[BW_DIM_MNT_TARGET] = PICK(ev_targets);
	v->num[BW_DIM_SIG] = PICK(ev_sigs);
	v->str[BW_DIM_SIG_TCOMM] = "victim";
	v->num[BW_DIM_SIG_TUID] = PICK(ev_uids);
	v->num[BW_DIM_SIG_SAMEUSER] = rnd(2);
	v->str[BW_DIM_EXEC_PATH] = PICK(ev_paths);
}

/*
 * Every entry's bitmap as the compiler used to fill it, asking each rule
 * of the class with rule_dim_accepts(): the reference for the compiler,
 * which finds the accepting rules by value instead.
 */
static void check_entry(const struct bw_compiled *cp, const struct cp_entry *e,
			size_t i, uint64_t seed)
{
	struct bw_bitmap want;

	ref_entry_bitmap(cp, e, &want);
	if (memcmp(&want, &e->bm, sizeof(want)))
		fail_msg("seed %llu: entry %zu (class %d, key %s, value %s) has another bitmap "
			 "than the reference", (unsigned long long)seed, i, e->cls,
			 bw_dim_key(e->dim), e->str ? e->str : "(number)");
}

static void check_entries(const struct bw_compiled *cp, uint64_t seed)
{
	for (size_t i = 0; i < cp->nentries; i++)
		check_entry(cp, &cp->entries[i], i, seed);
}

static int check_random(uint64_t seed, int nrules, int nevents)
{
	struct bw_ruleset rs = { 0 };
	struct bw_compiled *cp = calloc(1, sizeof(*cp));
	struct diag d = { 0 };
	char *dir;
	int decided = 0;

	rng_state = seed;
	dir = write_random_rules(nrules);
	assert_int_equal(rules_load_path(&rs, dir, &d), 0);
	rules_finish(&rs, &d);
	assert_int_equal(d.errors, 0);
	assert_int_equal(policy_compile(&rs, BW_MODE_ENFORCE, cp, &d), 0);
	check_entries(cp, seed);
	for (int i = 0; i < nevents; i++) {
		struct bw_values v;
		uint32_t want_audit, got_audit, want, got;
		int cls = rnd(BW_NCLASS);

		random_event(&v);
		want = ref_decide(&rs, cls, &v, &want_audit);
		got = compiled_decide(cp, cls, &v, &got_audit);
		if (want != got || want_audit != got_audit)
			fail_msg("seed %llu event %d class %d: reference rule %u audit %u, compiled rule %u audit %u",
				 (unsigned long long)seed, i, cls, want, want_audit,
				 got, got_audit);
		decided += want != BW_NO_RULE;
	}
	compiled_free(cp);
	free(cp);
	rules_free(&rs);
	diag_free(&d);
	remove_dir(dir);
	return decided;
}

/* Rules dense in path values that hold one another, negated or not. */
static char *write_path_rules(int n)
{
	static const char *const vals[] = {
		"/", "/usr/", "/usr/bin/", "/usr/bin", "/usr/bin/su", "/usr/bin/su/",
		"/usr/bin//", "/opt/x", "/opt/", "memfd:", "memfd:jit", "memfd:x",
	};
	static const char *const sources[] = { "none", "srv:/exp/", "srv:/exp/a", "/dev/", "/dev/sda" };
	static const char *const cgs[] = { "/", "/a", "/a/b", "/b", "/a/" };
	static const char *const keys[] = { "exe", "path", "target", "source", "cgroup" };
	char *dir = strdup("/tmp/bw-compile-XXXXXX");
	char path[256];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/random.rules", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < n; i++) {
		bool mount = rnd(2);
		const char *key = keys[rnd(5)];
		bool neg = rnd(3) == 0;
		int count = 1 + rnd(3);

		if (!mount && (!strcmp(key, "target") || !strcmp(key, "source")))
			key = "path";
		if (mount && !strcmp(key, "path"))
			key = "target";
		fprintf(f, "[p%d]\nevent = %s\naction = %s\n%s = ", i,
			mount ? "mount" : "exec", PICK(actions), key);
		for (int k = 0; k < count; k++)
			fprintf(f, "%s%s%s", k ? ", " : "", neg ? "!" : "",
				!strcmp(key, "source") ? PICK(sources) :
				!strcmp(key, "cgroup") ? PICK(cgs) : PICK(vals));
		fputc('\n', f);
	}
	assert_int_equal(fclose(f), 0);
	return dir;
}

/* The bitmaps of path entries, prefixes and memfd: included, as before. */
static void test_path_bitmaps(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 60; seed++) {
		struct bw_ruleset rs = { 0 };
		struct bw_compiled *cp = calloc(1, sizeof(*cp));
		struct diag d = { 0 };
		char *dir;

		rng_state = seed;
		dir = write_path_rules(5 + (int)seed * 3);
		assert_int_equal(rules_load_path(&rs, dir, &d), 0);
		assert_int_equal(policy_compile(&rs, BW_MODE_ENFORCE, cp, &d), 0);
		assert_true(cp->nentries > 0);
		check_entries(cp, seed);
		compiled_free(cp);
		free(cp);
		rules_free(&rs);
		diag_free(&d);
		remove_dir(dir);
	}
}

/*
 * A rule set whose values overflow a value map is refused by counting
 * them, before any bitmap is built; the message and place are those of
 * the full compile.
 */
static void test_capacity_before_compile(void **state)
{
	char dir[] = "/tmp/bw-over-XXXXXX", path[256];
	struct bw_ruleset rs = { 0 };
	struct bw_compiled *cp = calloc(1, sizeof(*cp));
	struct diag d = { 0 };
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/over.rules", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	/* 4,096 rules of 5 paths each: 20,480 path entries of 16,384 */
	for (int i = 0; i < BW_MAX_RULES; i++)
		fprintf(f, "[o%d]\nevent = exec\naction = deny\npath = /a/%d, /b/%d, /c/%d, /d/%d, /e/%d\n",
			i, i, i, i, i, i);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rules_load_path(&rs, path, &d), 0);
	assert_int_equal(policy_compile(&rs, BW_MODE_ENFORCE, cp, &d), -1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, path);
	assert_int_equal(d.items[0].line, 0);
	assert_string_equal(d.items[0].msg,
			    "the rules need 20480 path map entries; the kernel maps hold 16384");
	assert_int_equal(cp->nentries, 0);
	assert_int_equal(cp->per_kind[BW_KIND_PATH], 5 * BW_MAX_RULES);
	compiled_free(cp);
	/* the same refusal without the entries (check, run, reload) */
	assert_int_equal(policy_compile_streamed(&rs, BW_MODE_ENFORCE, cp, &d), -1);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.items[1].file, path);
	assert_int_equal(d.items[1].line, 0);
	assert_string_equal(d.items[1].msg, d.items[0].msg);
	assert_null(cp->values);
	assert_int_equal(cp->per_kind[BW_KIND_PATH], 5 * BW_MAX_RULES);
	compiled_free(cp);
	free(cp);
	rules_free(&rs);
	diag_free(&d);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* Dropping the entries keeps what names rules in records. */
static void test_drop_entries(void **state)
{
	char dir[] = "/tmp/bw-drop-XXXXXX", path[256];
	struct bw_ruleset rs = { 0 };
	struct bw_compiled *cp = calloc(1, sizeof(*cp));
	struct diag d = { 0 };
	char hash[17];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/d.rules", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[x]\nevent = exec\naction = deny\npath = /usr/bin/\ncomm = sh\n");
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rules_load_path(&rs, path, &d), 0);
	assert_int_equal(policy_compile(&rs, BW_MODE_ENFORCE, cp, &d), 0);
	assert_true(cp->nentries > 0);
	memcpy(hash, cp->hash, sizeof(hash));
	compiled_drop_entries(cp);
	assert_int_equal(cp->nentries, 0);
	assert_null(cp->entries);
	assert_string_equal(cp->rule[BW_CLASS_EXEC][0]->name, "x");
	assert_int_equal(cp->info[BW_CLASS_EXEC][0].action, BW_ACT_DENY);
	assert_string_equal(cp->hash, hash);
	compiled_free(cp);
	free(cp);
	rules_free(&rs);
	diag_free(&d);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* The workload must exercise decisions, not only misses. */
static void test_random_small(void **state)
{
	int decided = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= 40; seed++)
		decided += check_random(seed, 12, 400);
	assert_true(decided > 40 * 400 / 20);
}

static void test_random_large(void **state)
{
	(void)state;
	assert_true(check_random(4242, 600, 3000) > 3000 / 5);
}

/* 4,096 rules in one class: the last one still decides. */
static void test_capacity_last_rule(void **state)
{
	char dir[] = "/tmp/bw-cap-XXXXXX", path[256];
	struct bw_ruleset rs = { 0 };
	struct bw_compiled *cp = calloc(1, sizeof(*cp));
	struct diag d = { 0 };
	struct bw_values v = { 0 };
	uint32_t audit, got;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/many.rules", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < BW_MAX_RULES - 1; i++)
		fprintf(f, "[n%d]\nevent = capable\naction = deny\ncomm = nomatch%d\n"
			"capability = cap_net_raw\n", i, i);
	fprintf(f, "[last]\nevent = capable\naction = deny\ncomm = bwtest\n"
		"capability = cap_net_raw\n");
	fclose(f);
	assert_int_equal(rules_load_path(&rs, path, &d), 0);
	assert_int_equal(rules_finish(&rs, &d), 0);
	assert_int_equal(policy_compile(&rs, BW_MODE_ENFORCE, cp, &d), 0);
	assert_int_equal(cp->meta[BW_CLASS_CAPABLE].nrules, BW_MAX_RULES);

	v.num[BW_DIM_CAP] = 13;
	v.str[BW_DIM_COMM] = "bwtest";
	got = compiled_decide(cp, BW_CLASS_CAPABLE, &v, &audit);
	assert_int_equal(got, BW_MAX_RULES - 1);
	assert_string_equal(cp->rule[BW_CLASS_CAPABLE][got]->name, "last");
	v.str[BW_DIM_COMM] = "nomatch77";
	assert_int_equal(compiled_decide(cp, BW_CLASS_CAPABLE, &v, &audit), 77);
	v.str[BW_DIM_COMM] = "bwother";
	assert_int_equal(compiled_decide(cp, BW_CLASS_CAPABLE, &v, &audit), BW_NO_RULE);
	v.str[BW_DIM_COMM] = "bwtest";
	v.num[BW_DIM_CAP] = 21;	/* a capability no rule names: fast exit */
	assert_int_equal(compiled_decide(cp, BW_CLASS_CAPABLE, &v, &audit), BW_NO_RULE);
	assert_int_equal(cp->meta[BW_CLASS_CAPABLE].fast_mask, 1ULL << 13);

	compiled_free(cp);
	free(cp);
	rules_free(&rs);
	diag_free(&d);
	unlink(path);
	rmdir(dir);
}

/* Exact and prefix path entries: the exact entry beats a shorter prefix. */
static void test_path_entries(void **state)
{
	char dir[] = "/tmp/bw-path-XXXXXX", path[256];
	struct bw_ruleset rs = { 0 };
	struct bw_compiled *cp = calloc(1, sizeof(*cp));
	struct diag d = { 0 };
	struct bw_values v = { 0 };
	uint32_t audit;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.rules", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[allow-su]\nevent = exec\naction = allow\npath = /usr/bin/su\n"
		   "[deny-usr-bin]\nevent = exec\naction = deny\npath = /usr/bin/\n"
		   "[deny-not-tmp]\nevent = exec\naction = deny\npath = !/tmp/\ncomm = x\n");
	fclose(f);
	assert_int_equal(rules_load_path(&rs, path, &d), 0);
	assert_int_equal(policy_compile(&rs, BW_MODE_ENFORCE, cp, &d), 0);
	v.str[BW_DIM_COMM] = "sh";
	v.str[BW_DIM_EXEC_PATH] = "/usr/bin/su";
	assert_int_equal(compiled_decide(cp, BW_CLASS_EXEC, &v, &audit), 0);
	v.str[BW_DIM_EXEC_PATH] = "/usr/bin/sudo";
	assert_int_equal(compiled_decide(cp, BW_CLASS_EXEC, &v, &audit), 1);
	v.str[BW_DIM_EXEC_PATH] = "/usr/bin";
	assert_int_equal(compiled_decide(cp, BW_CLASS_EXEC, &v, &audit), 1);
	v.str[BW_DIM_EXEC_PATH] = "/usr/binx";
	assert_int_equal(compiled_decide(cp, BW_CLASS_EXEC, &v, &audit), BW_NO_RULE);
	v.str[BW_DIM_COMM] = "x";
	assert_int_equal(compiled_decide(cp, BW_CLASS_EXEC, &v, &audit), 2);
	v.str[BW_DIM_EXEC_PATH] = "/tmp/evil";
	assert_int_equal(compiled_decide(cp, BW_CLASS_EXEC, &v, &audit), BW_NO_RULE);
	compiled_free(cp);
	free(cp);
	rules_free(&rs);
	diag_free(&d);
	unlink(path);
	rmdir(dir);
}

/* Rules from text, compiled; the caller frees with free_compiled(). */
struct compiled_rules {
	char dir[32], path[64];
	struct bw_ruleset rs;
	struct bw_compiled *cp;
	struct diag d;
};

static void compile_text(struct compiled_rules *c, const char *text)
{
	FILE *f;

	memset(c, 0, sizeof(*c));
	snprintf(c->dir, sizeof(c->dir), "/tmp/bw-cp-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->path, sizeof(c->path), "%s/t.rules", c->dir);
	f = fopen(c->path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	c->cp = calloc(1, sizeof(*c->cp));
	assert_non_null(c->cp);
	assert_int_equal(rules_load_path(&c->rs, c->path, &c->d), 0);
	assert_int_equal(rules_finish(&c->rs, &c->d), 0);
	assert_int_equal(c->d.errors, 0);
	assert_int_equal(policy_compile(&c->rs, BW_MODE_ENFORCE, c->cp, &c->d), 0);
}

static void free_compiled(struct compiled_rules *c)
{
	compiled_free(c->cp);
	free(c->cp);
	rules_free(&c->rs);
	diag_free(&c->d);
	unlink(c->path);
	rmdir(c->dir);
}

/*
 * subj_cover and subj_read: the sets of the subject's dimensions (uid,
 * gid, comm) in which every rule names its values, one dimension or
 * between them.  A caller no rule names in such a set leaves no rule (the
 * hooks leave before their scratch area, compiled_decide() as they do); a
 * negated rule, or one without the keys, keeps the set open.
 */
static void test_subj_cover(void **state)
{
	struct compiled_rules c;
	struct bw_values v = { 0 };
	uint32_t audit;

	(void)state;
	compile_text(&c,
		"[a]\nevent = syscall\naction = audit\nsyscall = getppid\ncomm = nomatch0\n"
		"[b]\nevent = syscall\naction = deny\nsyscall = getppid\nuid = 200001\n"
		"comm = nomatch1\n");
	/* every set with comm; uid (gid: no rule) leaves rule a */
	assert_int_equal(c.cp->meta[BW_CLASS_SYSCALL].subj_cover, 0xf0);
	assert_int_equal(c.cp->meta[BW_CLASS_SYSCALL].subj_read, BW_SUBJ_COMM);
	v.num[BW_DIM_SYSCALL] = 110;	/* getppid, x86_64 */
	v.str[BW_DIM_COMM] = "bwtest";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SYSCALL, &v, &audit), BW_NO_RULE);
	assert_int_equal(audit, BW_NO_RULE);
	v.str[BW_DIM_COMM] = "nomatch0";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SYSCALL, &v, &audit), BW_NO_RULE);
	assert_int_equal(audit, 0);
	v.str[BW_DIM_COMM] = "nomatch1";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SYSCALL, &v, &audit), BW_NO_RULE);
	assert_int_equal(audit, BW_NO_RULE);
	v.num[BW_DIM_UID] = 200001;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SYSCALL, &v, &audit), 1);
	free_compiled(&c);

	memset(&v, 0, sizeof(v));
	compile_text(&c,
		"[c]\nevent = syscall\naction = audit\nsyscall = getppid\ncomm = !bwtest\n"
		"uid = 200002\n"
		"[d]\nevent = syscall\naction = audit\nsyscall = getppid\nuid = 200003\n");
	/* every set with uid; comm keeps c (negated) and d (no key) */
	assert_int_equal(c.cp->meta[BW_CLASS_SYSCALL].subj_cover, 0xaa);
	assert_int_equal(c.cp->meta[BW_CLASS_SYSCALL].subj_read, BW_SUBJ_UID);
	v.num[BW_DIM_SYSCALL] = 110;
	v.str[BW_DIM_COMM] = "other";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SYSCALL, &v, &audit), BW_NO_RULE);
	assert_int_equal(audit, BW_NO_RULE);
	v.num[BW_DIM_UID] = 200003;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SYSCALL, &v, &audit), BW_NO_RULE);
	assert_int_equal(audit, 1);
	v.num[BW_DIM_UID] = 200002;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SYSCALL, &v, &audit), BW_NO_RULE);
	assert_int_equal(audit, 0);
	v.str[BW_DIM_COMM] = "bwtest";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SYSCALL, &v, &audit), BW_NO_RULE);
	assert_int_equal(audit, BW_NO_RULE);
	free_compiled(&c);

	/* half the rules name a uid, half a comm: only the two together */
	memset(&v, 0, sizeof(v));
	compile_text(&c,
		"[e]\nevent = syscall\naction = deny\nsyscall = getppid\nuid = 200004\n"
		"[f]\nevent = syscall\naction = deny\nsyscall = getppid\ncomm = nomatch5\n");
	assert_int_equal(c.cp->meta[BW_CLASS_SYSCALL].subj_cover, 0xa0);
	assert_int_equal(c.cp->meta[BW_CLASS_SYSCALL].subj_read,
			 BW_SUBJ_UID | BW_SUBJ_COMM);
	v.num[BW_DIM_SYSCALL] = 110;
	v.str[BW_DIM_COMM] = "bwtest";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SYSCALL, &v, &audit), BW_NO_RULE);
	v.num[BW_DIM_UID] = 200004;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SYSCALL, &v, &audit), 0);
	v.num[BW_DIM_UID] = 0;
	v.str[BW_DIM_COMM] = "nomatch5";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SYSCALL, &v, &audit), 1);
	free_compiled(&c);
}

/*
 * A path the kernel could not resolve decides closed: deny and audit rules
 * on the key match it whatever their value (a prefix it could extend, an
 * exact path, a negated one), allow rules on the key and `!` exceptions
 * of deny rules do not; rules without the key are unaffected.
 */
static void test_path_unresolved_closed(void **state)
{
	struct compiled_rules c;
	struct bw_values v = { 0 };
	uint32_t audit;

	(void)state;
	compile_text(&c,
		"[allow-deep]\nevent = exec\naction = allow\npath = /srv/deep/\n"
		"[deny-shm]\nevent = exec\naction = deny\npath = /dev/shm/\n"
		"[guard]\nevent = signal\naction = deny\nsignal = SIGTERM\n"
		"exe = !/usr/local/trusted/killer\n"
		"[allow-by-exe]\nevent = capable\naction = allow\ncapability = cap_chown\n"
		"exe = /usr/bin/chown\n"
		"[deny-chown]\nevent = capable\naction = deny\ncapability = cap_chown\n");
	v.str[BW_DIM_EXEC_PATH] = "/srv/deep/x";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 0);
	v.pflags[BW_PS_PATH] = BW_PF_UNRESOLVED;
	v.str[BW_DIM_EXEC_PATH] = "";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 1);

	/* the exception applies to the real exe only */
	/* (rule indexes count within a class) */
	v.num[BW_DIM_SIG] = 15;
	v.str[BW_DIM_EXE] = "/usr/local/trusted/killer";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SIGNAL, &v, &audit), BW_NO_RULE);
	v.pflags[BW_PS_EXE] = BW_PF_UNRESOLVED;
	v.str[BW_DIM_EXE] = "";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SIGNAL, &v, &audit), 0);

	/* an allow on exe does not apply to an unknown exe: the deny after it does */
	v.num[BW_DIM_CAP] = 0;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_CAPABLE, &v, &audit), 1);
	v.pflags[BW_PS_EXE] = 0;
	v.str[BW_DIM_EXE] = "/usr/bin/chown";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_CAPABLE, &v, &audit), 0);
	free_compiled(&c);
}

/*
 * A path named as an unprivileged user's own mount namespace sees it (a
 * tmpfs mounted in `unshare -Urm`) is a name that user chose: deny rules
 * match it by value, but no allow rule on the key and no `!` exception
 * does; rules without the key are unaffected.
 */
static void test_path_private(void **state)
{
	struct compiled_rules c;
	struct bw_values v = { 0 };
	uint32_t audit;

	(void)state;
	compile_text(&c,
		"[allow-usr]\nevent = exec\naction = allow\npath = /usr/\n"
		"[deny-shm]\nevent = exec\naction = deny\npath = /dev/shm/\n"
		"[deny-all]\nevent = exec\naction = deny\n"
		"[guard]\nevent = signal\naction = deny\nsignal = SIGTERM\n"
		"exe = !/usr/local/trusted/killer\n");
	v.str[BW_DIM_EXEC_PATH] = "/usr/bin/x";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 0);
	v.pflags[BW_PS_PATH] = BW_PF_PRIVATE;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 2);
	v.str[BW_DIM_EXEC_PATH] = "/dev/shm/x";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 1);
	v.pflags[BW_PS_PATH] = BW_PF_PRIVATE | BW_PF_CUT;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 1);

	v.num[BW_DIM_SIG] = 15;
	v.str[BW_DIM_EXE] = "/usr/local/trusted/killer";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SIGNAL, &v, &audit), BW_NO_RULE);
	v.pflags[BW_PS_EXE] = BW_PF_PRIVATE;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SIGNAL, &v, &audit), 0);
	v.str[BW_DIM_EXE] = "/tmp/other";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SIGNAL, &v, &audit), 0);
	free_compiled(&c);
}

/*
 * "private:" names every name a user chose, whatever it is, and no other:
 * the deny list an unprivileged mount walks around (a tmpfs of its own
 * anywhere) closed, in allow rules too.
 */
static void test_path_private_value(void **state)
{
	struct compiled_rules c;
	struct bw_values v = { 0 };
	uint32_t audit;

	(void)state;
	compile_text(&c,
		"[allow-own]\nevent = exec\naction = allow\npath = private:\nuid = 1000\n"
		"[deny-tmp]\nevent = exec\naction = deny\npath = /tmp/, private:\n"
		"[audit-exe]\nevent = signal\naction = audit\nexe = private:\n"
		"[deny-on-own]\nevent = mount\naction = deny\ntarget = private:\n");
	v.num[BW_DIM_UID] = 0;
	v.str[BW_DIM_EXEC_PATH] = "/tmp/x";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 1);
	v.str[BW_DIM_EXEC_PATH] = "/home/u/x";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), BW_NO_RULE);
	v.pflags[BW_PS_PATH] = BW_PF_PRIVATE;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 1);
	v.num[BW_DIM_UID] = 1000;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 0);
	v.pflags[BW_PS_PATH] = 0;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), BW_NO_RULE);
	/* a name the kernel could not make out meets the deny rule, not the allow */
	v.pflags[BW_PS_PATH] = BW_PF_UNRESOLVED;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 1);

	v.num[BW_DIM_SIG] = 15;
	v.str[BW_DIM_EXE] = "/home/u/x";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SIGNAL, &v, &audit), BW_NO_RULE);
	v.pflags[BW_PS_EXE] = BW_PF_PRIVATE;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SIGNAL, &v, &audit), BW_NO_RULE);
	assert_int_equal(audit, 0);

	/* a mount on a filesystem of the user's own, wherever it is */
	v.pflags[BW_PS_PATH] = 0;
	v.str[BW_DIM_MNT_TARGET] = "/tmp/own/x";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_MOUNT, &v, &audit), BW_NO_RULE);
	v.pflags[BW_PS_PATH] = BW_PF_PRIVATE;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_MOUNT, &v, &audit), 0);
	free_compiled(&c);
}

/*
 * A container whose cgroup its user made (a delegated subtree): maybe no
 * container at all, and never the one an allow rule names.  It meets deny
 * rules on any and none, no deny rule on a name, and no allow rule on the
 * key.
 */
static void test_container_private(void **state)
{
	struct compiled_rules c;
	struct bw_values v = { 0 };
	uint32_t audit;

	(void)state;
	compile_text(&c,
		"[allow-web1]\nevent = capable\naction = allow\ncapability = cap_chown\n"
		"container = web1\n"
		"[deny-named]\nevent = capable\naction = deny\ncapability = cap_chown\n"
		"container = builder\n"
		"[deny-host]\nevent = capable\naction = deny\ncapability = cap_chown\n"
		"container = none\n"
		"[allow-web1-term]\nevent = signal\naction = allow\nsignal = SIGTERM\n"
		"container = web1\n"
		"[deny-term]\nevent = signal\naction = deny\nsignal = SIGTERM\n"
		"[deny-any]\nevent = signal\naction = deny\nsignal = SIGUSR1\n"
		"container = any\n");
	v.num[BW_DIM_CAP] = 0;
	v.str[BW_DIM_CONTAINER] = "web1";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_CAPABLE, &v, &audit), 0);
	v.ctr_private = true;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_CAPABLE, &v, &audit), 2);
	v.str[BW_DIM_CONTAINER] = "builder";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_CAPABLE, &v, &audit), 2);

	v.num[BW_DIM_SIG] = 15;
	v.str[BW_DIM_CONTAINER] = "web1";
	v.ctr_private = false;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SIGNAL, &v, &audit), 0);
	v.ctr_private = true;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SIGNAL, &v, &audit), 1);
	v.num[BW_DIM_SIG] = 10;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SIGNAL, &v, &audit), 2);
	v.ctr_private = false;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SIGNAL, &v, &audit), 2);
	v.str[BW_DIM_CONTAINER] = "";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_SIGNAL, &v, &audit), BW_NO_RULE);
	free_compiled(&c);
}

/*
 * A path longer than the kernel keeps is decided on its first
 * BW_PATH_LEN - 1 bytes: prefixes match as they should, an exact rule
 * (shorter than that: rule lines hold under 200 bytes) never matches a
 * longer path.
 */
static void test_path_head(void **state)
{
	char exact[151], head[BW_PATH_LEN], text[1024];
	struct compiled_rules c;
	struct bw_values v = { 0 };
	uint32_t audit;

	(void)state;
	memset(exact, 'e', sizeof(exact) - 1);
	exact[0] = '/';
	exact[sizeof(exact) - 1] = 0;
	snprintf(text, sizeof(text),
		 "[exact]\nevent = exec\naction = deny\npath = %s\n"
		 "[shm]\nevent = exec\naction = deny\npath = /dev/shm/\n", exact);
	compile_text(&c, text);
	/* the kernel's head of "<exact>eee...": the exact rule's bytes and more */
	memset(head, 'e', sizeof(head) - 1);
	memcpy(head, exact, strlen(exact));
	head[sizeof(head) - 1] = 0;
	v.pflags[BW_PS_PATH] = BW_PF_CUT;
	v.str[BW_DIM_EXEC_PATH] = head;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), BW_NO_RULE);
	v.str[BW_DIM_EXEC_PATH] = exact;
	v.pflags[BW_PS_PATH] = 0;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 0);
	memset(head, 'b', sizeof(head) - 1);
	memcpy(head, "/dev/shm/", 9);
	head[sizeof(head) - 1] = 0;
	v.str[BW_DIM_EXEC_PATH] = head;
	v.pflags[BW_PS_PATH] = BW_PF_CUT;
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 1);
	free_compiled(&c);
}

/* memfd: names every memfd, memfd:NAME one name; neither names a file. */
static void test_memfd_paths(void **state)
{
	struct compiled_rules c;
	struct bw_values v = { 0 };
	uint32_t audit;

	(void)state;
	compile_text(&c,
		"[allow-jit]\nevent = exec\naction = allow\npath = memfd:jit\n"
		"[deny-memfd]\nevent = exec\naction = deny\npath = memfd:\n");
	v.str[BW_DIM_EXEC_PATH] = "memfd:jit";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 0);
	v.str[BW_DIM_EXEC_PATH] = "memfd:payload";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 1);
	v.str[BW_DIM_EXEC_PATH] = "memfd:";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 1);
	v.str[BW_DIM_EXEC_PATH] = "/memfd:payload";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), BW_NO_RULE);
	/* memfd: is no directory: "memfd" is not below it (found by fuzzing) */
	v.str[BW_DIM_EXEC_PATH] = "memfd";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), BW_NO_RULE);
	assert_int_equal(ref_decide(&c.rs, BW_CLASS_EXEC, &v, &audit), BW_NO_RULE);
	free_compiled(&c);
}

/* "/" holds every path, and is no directory of "" (found by fuzzing). */
static void test_root_prefix(void **state)
{
	struct compiled_rules c;
	struct bw_values v = { 0 };
	uint32_t audit;

	(void)state;
	compile_text(&c, "[root]\nevent = exec\naction = deny\npath = /\n");
	v.str[BW_DIM_EXEC_PATH] = "/usr/bin/x";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 0);
	v.str[BW_DIM_EXEC_PATH] = "/";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), 0);
	assert_int_equal(ref_decide(&c.rs, BW_CLASS_EXEC, &v, &audit), 0);
	v.str[BW_DIM_EXEC_PATH] = "";
	assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), BW_NO_RULE);
	assert_int_equal(ref_decide(&c.rs, BW_CLASS_EXEC, &v, &audit), BW_NO_RULE);
	free_compiled(&c);
}

/* "/a//" is a prefix of "/a//x" only: its "directory" "/a/" is no prefix (fuzzing). */
static void test_double_slash_prefix(void **state)
{
	static const char *const heads[] = { "/usr/bin/su//x", "/usr/bin/su/x", "/usr/bin/su/" };
	static const uint32_t want[] = { 0, BW_NO_RULE, BW_NO_RULE };
	struct compiled_rules c;
	struct bw_values v = { 0 };
	uint32_t audit;

	(void)state;
	compile_text(&c, "[dd]\nevent = exec\naction = deny\npath = /usr/bin/su//\n");
	for (size_t i = 0; i < 3; i++) {
		v.str[BW_DIM_EXEC_PATH] = heads[i];
		assert_int_equal(compiled_decide(c.cp, BW_CLASS_EXEC, &v, &audit), want[i]);
		assert_int_equal(ref_decide(&c.rs, BW_CLASS_EXEC, &v, &audit), want[i]);
	}
	free_compiled(&c);
}

/* Entries as a sink got them, copied: the sink's entry lives for the call. */
struct emitted {
	struct cp_entry *e;
	size_t n, cap;
	size_t calls, fail_at;	/* the call that fails with -EIO (0: none) */
	int last;		/* class * BW_NDIM + dim of the last entry */
	bool regrouped;		/* a dimension came back after another */
};

static int collect(void *ctx, const struct cp_entry *e)
{
	struct emitted *out = ctx;
	int at = e->cls * BW_NDIM + e->dim;

	if (++out->calls == out->fail_at)
		return -EIO;
	if (out->n && at < out->last)
		out->regrouped = true;
	out->last = at;
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 64;
		out->e = realloc(out->e, out->cap * sizeof(*out->e));
		assert_non_null(out->e);
	}
	out->e[out->n] = *e;
	if (e->str)
		assert_non_null(out->e[out->n].str = strdup(e->str));
	out->n++;
	return 0;
}

static void emitted_free(struct emitted *out)
{
	for (size_t i = 0; i < out->n; i++)
		free(out->e[i].str);
	free(out->e);
	memset(out, 0, sizeof(*out));
}

/*
 * What the sink got is what the all-at-once compile kept, in its order,
 * and each bitmap is the reference's (asking every rule).
 */
static void same_entries(const struct bw_compiled *all,
			 const struct emitted *out, uint64_t seed)
{
	assert_int_equal(out->n, all->nentries);
	assert_false(out->regrouped);
	for (size_t i = 0; i < out->n; i++) {
		const struct cp_entry *a = &all->entries[i], *b = &out->e[i];

		check_entry(all, b, i, seed);

		if (a->cls != b->cls || a->dim != b->dim || a->kind != b->kind ||
		    a->prefix != b->prefix || a->num != b->num ||
		    !a->str != !b->str || (a->str && strcmp(a->str, b->str)) ||
		    memcmp(&a->bm, &b->bm, sizeof(a->bm)))
			fail_msg("seed %llu: entry %zu (class %d, key %s, value %s) differs",
				 (unsigned long long)seed, i, a->cls, bw_dim_key(a->dim),
				 a->str ? a->str : "(number)");
	}
}

/* Everything but the entries, which both compiles make the same way. */
static void same_tables(const struct bw_compiled *a, const struct bw_compiled *b)
{
	assert_memory_equal(a->meta, b->meta, sizeof(a->meta));
	assert_memory_equal(a->defs, b->defs, sizeof(a->defs));
	assert_memory_equal(a->info, b->info, sizeof(a->info));
	assert_memory_equal(a->rule, b->rule, sizeof(a->rule));
	assert_memory_equal(a->per_kind, b->per_kind, sizeof(a->per_kind));
	assert_string_equal(a->hash, b->hash);
	assert_int_equal(a->nrules, b->nrules);
	assert_int_equal(a->mode, b->mode);
}

/*
 * The engine writes the maps from compiled_emit(), one entry made at a
 * time: on random rule sets (path-dense ones too) it must hand over
 * exactly the entries the all-at-once compile keeps, dimension after
 * dimension, stop at a sink's error, and give the same again on a
 * second run (a failed write of the maps can be retried).
 */
static void test_streamed_equals_kept(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 40; seed++) {
		struct bw_ruleset rs = { 0 };
		struct bw_compiled *all = calloc(1, sizeof(*all));
		struct bw_compiled *cp = calloc(1, sizeof(*cp));
		struct emitted out = { 0 }, again = { 0 }, cut = { 0 };
		struct diag d = { 0 };
		char *dir;

		assert_non_null(all);
		assert_non_null(cp);
		rng_state = seed;
		dir = seed % 2 ? write_random_rules(10 + (int)seed * 4) :
				 write_path_rules(5 + (int)seed * 3);
		assert_int_equal(rules_load_path(&rs, dir, &d), 0);
		rules_finish(&rs, &d);
		assert_int_equal(d.errors, 0);
		assert_int_equal(policy_compile(&rs, BW_MODE_ENFORCE, all, &d), 0);
		assert_int_equal(policy_compile_streamed(&rs, BW_MODE_ENFORCE, cp, &d), 0);
		assert_int_equal(cp->nentries, 0);
		assert_null(cp->entries);
		same_tables(all, cp);
		assert_int_equal(compiled_emit(cp, collect, &out), 0);
		same_entries(all, &out, seed);
		assert_int_equal(compiled_emit(cp, collect, &again), 0);
		same_entries(all, &again, seed);
		cut.fail_at = out.n / 2 + 1;
		assert_int_equal(compiled_emit(cp, collect, &cut), -EIO);
		assert_int_equal(cut.calls, cut.fail_at);
		assert_int_equal(cut.n, cut.fail_at - 1);
		compiled_drop_entries(cp);
		assert_null(cp->values);
		assert_int_equal(compiled_emit(cp, collect, &cut), -EINVAL);
		assert_int_equal(cut.calls, cut.fail_at);
		emitted_free(&out);
		emitted_free(&again);
		emitted_free(&cut);
		compiled_free(all);
		compiled_free(cp);
		free(all);
		free(cp);
		rules_free(&rs);
		diag_free(&d);
		remove_dir(dir);
	}
}

/* compiled_keep_entries() after the streamed compile: policy_compile(). */
static void test_keep_after_streamed(void **state)
{
	struct compiled_rules c;
	struct bw_compiled *cp = calloc(1, sizeof(*cp));
	struct bw_values v = { 0 };
	uint32_t audit;

	(void)state;
	assert_non_null(cp);
	compile_text(&c, "[a]\nevent = exec\naction = deny\npath = /usr/bin/\n"
			 "[b]\nevent = exec\naction = allow\ncomm = !sh\n");
	assert_int_equal(policy_compile_streamed(&c.rs, BW_MODE_ENFORCE, cp, &c.d), 0);
	assert_int_equal(compiled_keep_entries(cp), 0);
	assert_int_equal(cp->nentries, c.cp->nentries);
	assert_int_equal(compiled_keep_entries(cp), 0);	/* kept already */
	assert_int_equal(cp->nentries, c.cp->nentries);
	v.str[BW_DIM_EXEC_PATH] = "/usr/bin/id";
	v.str[BW_DIM_COMM] = "sh";
	assert_int_equal(compiled_decide(cp, BW_CLASS_EXEC, &v, &audit), 0);
	v.str[BW_DIM_EXEC_PATH] = "/bin/id";
	assert_int_equal(compiled_decide(cp, BW_CLASS_EXEC, &v, &audit), BW_NO_RULE);
	v.str[BW_DIM_COMM] = "id";
	assert_int_equal(compiled_decide(cp, BW_CLASS_EXEC, &v, &audit), 1);
	compiled_drop_entries(cp);
	assert_int_equal(compiled_keep_entries(cp), -EINVAL);
	compiled_free(cp);
	free(cp);
	free_compiled(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_small),
		cmocka_unit_test(test_random_large),
		cmocka_unit_test(test_capacity_last_rule),
		cmocka_unit_test(test_path_entries),
		cmocka_unit_test(test_subj_cover),
		cmocka_unit_test(test_path_unresolved_closed),
		cmocka_unit_test(test_path_private),
		cmocka_unit_test(test_path_private_value),
		cmocka_unit_test(test_container_private),
		cmocka_unit_test(test_path_head),
		cmocka_unit_test(test_memfd_paths),
		cmocka_unit_test(test_root_prefix),
		cmocka_unit_test(test_double_slash_prefix),
		cmocka_unit_test(test_path_bitmaps),
		cmocka_unit_test(test_capacity_before_compile),
		cmocka_unit_test(test_drop_entries),
		cmocka_unit_test(test_streamed_equals_kept),
		cmocka_unit_test(test_keep_after_streamed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
