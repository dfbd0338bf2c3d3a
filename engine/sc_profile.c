// SPDX-License-Identifier: GPL-2.0
/* Seccomp profiles from syscall rules, built and loaded with libseccomp. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "json.h"
#include "names.h"
#include "sc_profile.h"
#include "syscalls.h"
#include "uring.h"
#include "util.h"

static const uint32_t arch_of[BW_SC_NARCH] = {
	SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32,
};

/* ---- which rules apply ---- */

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

/*
 * The process about to run: comm is the file name it is executed by, exe
 * the file itself (symlinks resolved, as the kernel reports it), the rest
 * is ours, since exec keeps the process: uid, gid, cgroup, and our parent
 * as its parent.
 */
struct subject {
	char comm[16];
	char *exe;
	char pcomm[64];
	char cg[512];
	const char *cgpath;
};

static void subject_init(struct subject *s, const char *program)
{
	char path[64], *dup = xstrdup(program);

	snprintf(s->comm, sizeof(s->comm), "%s", basename(dup));
	free(dup);
	s->exe = realpath(program, NULL);
	if (!s->exe)
		s->exe = xstrdup(program);
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)getppid());
	read_line(path, s->pcomm, sizeof(s->pcomm));
	read_line("/proc/self/cgroup", s->cg, sizeof(s->cg));
	s->cgpath = strncmp(s->cg, "0::", 3) ? "/" : s->cg + 3;
}

/* s NULL: no program, so only rules without subject keys apply. */
static bool subject_applies(const struct bw_rule *r, const struct subject *s)
{
	if (!s) {
		for (int d = 0; d < BW_NDIM; d++)
			if (d != BW_DIM_SYSCALL && rule_sets(r, d))
				return false;
		return true;
	}
	return rule_dim_accepts(r, BW_DIM_COMM, 0, s->comm) &&
	       rule_dim_accepts(r, BW_DIM_EXE, 0, s->exe) &&
	       rule_dim_accepts(r, BW_DIM_UID, getuid(), NULL) &&
	       rule_dim_accepts(r, BW_DIM_GID, getgid(), NULL) &&
	       rule_dim_accepts(r, BW_DIM_PCOMM, 0, s->pcomm) &&
	       rule_dim_accepts(r, BW_DIM_CGROUP, 0, s->cgpath) &&
	       rule_dim_accepts(r, BW_DIM_CONTAINER, 0, "");
}

static uint32_t action_of(const struct bw_rule *r)
{
	switch (r->action) {
	case BW_ACT_DENY: return SCMP_ACT_ERRNO((uint16_t)r->err_no);
	case BW_ACT_KILL: return SCMP_ACT_KILL_PROCESS;
	case BW_ACT_AUDIT: return SCMP_ACT_LOG;
	default: return SCMP_ACT_ALLOW;
	}
}

/*
 * Does r accept the syscall whose ids (one per architecture) are ids?  The
 * filter decides by name for every architecture at once, so a rule must
 * accept all of them or none; 1, 0, or -1 when it does not.
 */
static int rule_accepts_name(const struct bw_rule *r, const uint64_t *ids, size_t n)
{
	size_t hits = 0;

	for (size_t k = 0; k < n; k++)
		hits += rule_dim_accepts(r, BW_DIM_SYSCALL, ids[k], NULL);
	return hits == n ? 1 : hits ? -1 : 0;
}

/*
 * The decision for the syscall `name` whose ids are `ids`, as the engine
 * makes it: the first allow, deny or kill rule that accepts it; else an
 * audit rule before makes it SCMP_ACT_LOG; else it is allowed.  Returns the
 * deciding rule (NULL: none) in *rule, 0, or -1 with a message in err.
 */
static int decide_name(const struct bw_sc_profile *p, const char *name,
		       const uint64_t *ids, size_t n, uint32_t *action,
		       const struct bw_rule **rule, char *err, size_t errlen)
{
	const struct bw_rule *audit = NULL;

	for (size_t i = 0; i < p->napplied; i++) {
		const struct bw_rule *r = p->applied[i];
		int hit = rule_accepts_name(r, ids, n);

		if (hit < 0) {
			snprintf(err, errlen, "rule '%s' accepts '%s' on some architectures "
				 "only; a filter decides a syscall for all of them", r->name, name);
			return -1;
		}
		if (!hit)
			continue;
		if (r->action == BW_ACT_AUDIT) {
			if (!audit)
				audit = r;
			continue;
		}
		*action = action_of(r);
		*rule = r;
		return 0;
	}
	*action = audit ? SCMP_ACT_LOG : SCMP_ACT_ALLOW;
	*rule = audit;
	return 0;
}

static void add_name(char ***names, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*names)[i], name))
			return;
	*names = xreallocarray(*names, *n + 1, sizeof(**names));
	(*names)[(*n)++] = xstrdup(name);
}

static void hash_profile(struct bw_sc_profile *p)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < p->n; i++) {
		for (const char *c = p->e[i].name; *c; c++)
			h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
		for (int b = 0; b < 4; b++)
			h = (h ^ ((p->e[i].action >> (8 * b)) & 0xff)) * 0x100000001b3ULL;
	}
	for (int b = 0; b < 4; b++)
		h = (h ^ ((p->default_action >> (8 * b)) & 0xff)) * 0x100000001b3ULL;
	snprintf(p->hash, sizeof(p->hash), "%016llx", (unsigned long long)h);
}

/* A filter entry: name and uring_for (the profile takes them), its action and rule. */
static void add_entry(struct bw_sc_profile *p, char *name, uint32_t action,
		      const struct bw_rule *rule, char *uring_for)
{
	p->e = xreallocarray(p->e, p->n + 1, sizeof(*p->e));
	p->e[p->n] = (struct sc_entry){ .name = name, .action = action, .rule = rule,
					.uring_for = uring_for };
	p->n++;
}

/*
 * A filter that denies or kills a call io_uring can make (bpf/uring.h: a
 * filter sees only io_uring_setup and io_uring_enter) would be walked
 * around with a ring: unless a rule decides io_uring_setup itself, it gets
 * the action of the first such call (the same errno, or the kill), and
 * that call's rule.  False when no call needs it.
 */
static bool close_uring(struct bw_sc_profile *p)
{
	const struct bw_rule *r;
	uint32_t a;

	a = profile_action(p, "io_uring_setup", &r);
	if (a != SCMP_ACT_ALLOW && a != SCMP_ACT_LOG)
		return false;
	for (unsigned int op = 0; op < BW_URING_NOPS; op++) {
		int nr = bw_uring_call(op);
		char *name;

		if (nr < 0)
			continue;
		name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
		if (!name)
			continue;
		a = profile_action(p, name, &r);
		if (a == SCMP_ACT_ALLOW || a == SCMP_ACT_LOG) {
			free(name);
			continue;
		}
		add_entry(p, xstrdup("io_uring_setup"), a, r, name);
		return true;
	}
	return false;
}

static bool names_uring_setup(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], "io_uring_setup"))
			return true;
	return false;
}

int profile_build(struct bw_sc_profile *p, const struct bw_ruleset *rs,
		  const char *program, char *err, size_t errlen)
{
	const struct bw_rule *default_audit = NULL;
	struct subject subj;
	char **names = NULL;
	size_t nnames = 0;
	bool named_setup;

	memset(p, 0, sizeof(*p));
	p->default_action = SCMP_ACT_ALLOW;
	if (program)
		subject_init(&subj, program);
	for (size_t i = 0; i < rs->n; i++) {
		const struct bw_rule *r = &rs->rules[i];
		const struct bw_match *m = rule_match(r, BW_DIM_SYSCALL);

		if (r->cls != BW_CLASS_SYSCALL ||
		    !subject_applies(r, program ? &subj : NULL))
			continue;
		p->applied = xreallocarray(p->applied, p->napplied + 1,
					   sizeof(*p->applied));
		p->applied[p->napplied++] = r;
		/*
		 * A rule without a syscall key, or a negated one, accepts every
		 * syscall no rule names: the first such allow, deny or kill rule
		 * decides them all (the filter's default action); failing one,
		 * an audit rule of that kind makes the default SCMP_ACT_LOG.
		 * The calls rules name are decided one by one below.
		 */
		if (!m->set || m->negate) {
			if (r->action != BW_ACT_AUDIT && !p->default_rule) {
				p->default_rule = r;
				p->default_action = action_of(r);
			} else if (r->action == BW_ACT_AUDIT && !default_audit) {
				default_audit = r;
			}
		}
		for (size_t k = 0; m->set && k < m->n; k++) {
			uint64_t id = m->nums[k];
			char *name = seccomp_syscall_resolve_num_arch(
				arch_of[BW_SC_ARCH(id) % BW_SC_NARCH], (int)BW_SC_NR(id));

			if (name)
				add_name(&names, &nnames, name);
			free(name);
		}
	}
	if (program)
		free(subj.exe);
	if (!p->default_rule && default_audit) {
		p->default_rule = default_audit;
		p->default_action = SCMP_ACT_LOG;
	}
	named_setup = names_uring_setup(names, nnames);
	/* every named syscall, decided by name across the architectures */
	for (size_t i = 0; i < nnames; i++) {
		uint64_t *ids = NULL;
		size_t n = 0;
		uint32_t action;
		const struct bw_rule *r;
		int ret;

		if (syscall_resolve(names[i], &ids, &n)) {
			snprintf(err, errlen, "syscall '%s' does not resolve", names[i]);
			free(ids);
			goto fail;
		}
		ret = decide_name(p, names[i], ids, n, &action, &r, err, errlen);
		free(ids);
		if (ret)
			goto fail;
		if (action == p->default_action) {
			free(names[i]);
			names[i] = NULL;
			continue;
		}
		add_entry(p, names[i], action, r, NULL);
		names[i] = NULL;
	}
	free(names);
	if (!named_setup)
		close_uring(p);
	hash_profile(p);
	return 0;
fail:
	for (size_t k = 0; k < nnames; k++)
		free(names[k]);	/* NULL once moved to p->e or freed */
	free(names);
	profile_free(p);
	return -1;
}

uint32_t profile_action(const struct bw_sc_profile *p, const char *name,
			const struct bw_rule **rule)
{
	for (size_t i = 0; i < p->n; i++) {
		if (!strcmp(p->e[i].name, name)) {
			if (rule)
				*rule = p->e[i].rule;
			return p->e[i].action;
		}
	}
	if (rule)
		*rule = p->default_rule;
	return p->default_action;
}

void profile_free(struct bw_sc_profile *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->e[i].name);
		free(p->e[i].uring_for);
	}
	free(p->e);
	free(p->applied);
	memset(p, 0, sizeof(*p));
}

/* ---- libseccomp ---- */

static scmp_filter_ctx make_filter(const struct bw_sc_profile *p, char *err,
				   size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(p->default_action);
	int ret;

	if (!ctx) {
		snprintf(err, errlen, "seccomp_init failed");
		return NULL;
	}
	/* the 32-bit entry points get the same filter: no way around it */
	if ((ret = seccomp_arch_add(ctx, SCMP_ARCH_X86)) && ret != -EEXIST)
		goto bad;
	if ((ret = seccomp_arch_add(ctx, SCMP_ARCH_X32)) && ret != -EEXIST)
		goto bad;
	for (size_t i = 0; i < p->n; i++) {
		int nr = seccomp_syscall_resolve_name(p->e[i].name);

		if (nr == __NR_SCMP_ERROR) {
			snprintf(err, errlen, "libseccomp does not know '%s'", p->e[i].name);
			seccomp_release(ctx);
			return NULL;
		}
		ret = seccomp_rule_add(ctx, p->e[i].action, nr, 0);
		if (ret) {
			snprintf(err, errlen, "adding '%s' to the filter failed: %s",
				 p->e[i].name, strerror(-ret));
			seccomp_release(ctx);
			return NULL;
		}
	}
	return ctx;
bad:
	snprintf(err, errlen, "seccomp_arch_add failed: %s", strerror(-ret));
	seccomp_release(ctx);
	return NULL;
}

int profile_load(const struct bw_sc_profile *p, char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	int ret;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(err, errlen, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
	ctx = make_filter(p, err, errlen);
	if (!ctx)
		return -1;
	ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret) {
		snprintf(err, errlen, "seccomp_load: %s", strerror(-ret));
		return -1;
	}
	return 0;
}

/* ---- export ---- */

static bool is_errno(uint32_t a)
{
	return (a & 0xffff0000U) == SCMP_ACT_ERRNO(0);
}

static const char *action_name(uint32_t a)
{
	if (is_errno(a))
		return "SCMP_ACT_ERRNO";
	switch (a) {
	case SCMP_ACT_ALLOW: return "SCMP_ACT_ALLOW";
	case SCMP_ACT_KILL_PROCESS: return "SCMP_ACT_KILL_PROCESS";
	default: return "SCMP_ACT_LOG";
	}
}

static int export_oci(const struct bw_sc_profile *p, FILE *out)
{
	struct json j;
	bool *done = xcalloc(p->n + 1, sizeof(*done));

	json_init(&j);
	json_obj_begin(&j);
	json_kstr(&j, "defaultAction", action_name(p->default_action));
	if (is_errno(p->default_action))
		json_ku64(&j, "defaultErrnoRet", p->default_action & 0xffff);
	json_key(&j, "architectures");
	json_arr_begin(&j);
	json_str(&j, "SCMP_ARCH_X86_64");
	json_str(&j, "SCMP_ARCH_X86");
	json_str(&j, "SCMP_ARCH_X32");
	json_arr_end(&j);
	json_key(&j, "syscalls");
	json_arr_begin(&j);
	/* one entry per distinct action */
	for (size_t i = 0; i < p->n; i++) {
		if (done[i])
			continue;
		json_obj_begin(&j);
		json_key(&j, "names");
		json_arr_begin(&j);
		for (size_t k = i; k < p->n; k++) {
			if (!done[k] && p->e[k].action == p->e[i].action) {
				json_str(&j, p->e[k].name);
				done[k] = true;
			}
		}
		json_arr_end(&j);
		json_kstr(&j, "action", action_name(p->e[i].action));
		if (is_errno(p->e[i].action))
			json_ku64(&j, "errnoRet", p->e[i].action & 0xffff);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_write_line(&j, out);
	json_free(&j);
	free(done);
	return 0;
}

/* systemd can say one errno for a whole list; refuse what it cannot say. */
static int export_systemd(const struct bw_sc_profile *p, FILE *out, char *err,
			  size_t errlen)
{
	uint32_t errno_action = 0;
	bool kill = false;
	char buf[32];

	if (p->default_action != SCMP_ACT_ALLOW) {
		snprintf(err, errlen, "a rule for every syscall but some (negated or "
			 "without syscall key) cannot be written as systemd lines; use oci or bpf");
		return -1;
	}
	for (size_t i = 0; i < p->n; i++) {
		uint32_t a = p->e[i].action;

		if (is_errno(a)) {
			if (errno_action && errno_action != a) {
				snprintf(err, errlen, "systemd takes one SystemCallErrorNumber= "
					 "but the rules deny with several errnos; use oci or bpf");
				return -1;
			}
			errno_action = a;
		} else if (a == SCMP_ACT_KILL_PROCESS) {
			kill = true;
		}
	}
	if (errno_action && kill) {
		snprintf(err, errlen, "systemd cannot deny some calls with an errno and kill "
			 "on others in one unit; use oci or bpf");
		return -1;
	}
	fprintf(out, "# bulwark seccomp profile %s\n", p->hash);
	for (int pass = 0; pass < 2; pass++) {
		bool any = false;

		for (size_t i = 0; i < p->n; i++) {
			bool log = p->e[i].action == SCMP_ACT_LOG;

			if (log != (pass == 1))
				continue;
			fprintf(out, "%s%s", any ? " " : pass ? "SystemCallLog=" :
				"SystemCallFilter=~", p->e[i].name);
			any = true;
		}
		if (any)
			fputc('\n', out);
	}
	if (errno_action)
		fprintf(out, "SystemCallErrorNumber=%s\n",
			errno_name(errno_action & 0xffff, buf, sizeof(buf)));
	fprintf(out, "SystemCallArchitectures=native x86 x32\n");
	return 0;
}

int profile_export(const struct bw_sc_profile *p, const char *format, FILE *out,
		   char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	int ret;

	if (!strcmp(format, "oci"))
		return export_oci(p, out);
	if (!strcmp(format, "systemd"))
		return export_systemd(p, out, err, errlen);
	if (strcmp(format, "bpf")) {
		snprintf(err, errlen, "unknown format '%s' (oci, systemd, bpf)", format);
		return -1;
	}
	ctx = make_filter(p, err, errlen);
	if (!ctx)
		return -1;
	fflush(out);
	ret = seccomp_export_bpf(ctx, fileno(out));
	seccomp_release(ctx);
	if (ret) {
		snprintf(err, errlen, "seccomp_export_bpf: %s", strerror(-ret));
		return -1;
	}
	return 0;
}
