// SPDX-License-Identifier: GPL-2.0
#include <elf.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "syscalls.h"
#include "json.h"
#include "engine.h"
#include "kernel.h"
#include "protect.h"
#include "util.h"
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

static void do_help(FILE *out)
{
	fprintf(out,
		"Usage: bulwark check [--config FILE] [--rules PATH]... [--json]\n"
		"\n"
		"Validate the policy file and the rule files it names (or those given\n"
		"with --rules, which replace the policy's list).  One line per problem:\n"
		"  FILE:LINE: error|warning: message\n"
		"Exit status: 0 when valid (warnings allowed), 1 on errors, 2 on usage.\n"
		"\n"
		"  -c, --config FILE  policy file (default " DEFAULT_CONFIG ")\n"
		"  -r, --rules PATH   rule file or directory of *.rules; repeatable\n"
		"  -j, --json         one JSON object on stdout\n"
		"      --list-groups  print the syscall groups (@mount, ...) and exit\n"
		"\n"
		"For each syscall rule a note says how this kernel carries it out: an LSM\n"
		"hook that makes the call fail, a kill at syscall entry, or audit only.\n");
}

/* A lock in force (lock = yes): whether these rules are the locked ones. */
static void lock_json(struct json *j, const struct bw_setup *st)
{
	char note[320];
	int locked = protect_lock_note(st->compiled ? st->compiled->hash : NULL,
				       note, sizeof(note));

	json_key(j, "lock");
	if (!locked) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kbool(j, "locked", locked > 0);
	json_kstr(j, "note", note);
	json_obj_end(j);
}

static void print_json(const struct diag *d, const struct bw_setup *st)
{
	struct json j;

	json_init(&j);
	json_obj_begin(&j);
	json_kbool(&j, "valid", d->errors == 0);
	json_ku64(&j, "errors", d->errors);
	json_ku64(&j, "warnings", d->warnings);
	/* past DIAG_MAX_ERRORS errors: some not in problems, the rest unread */
	json_kbool(&j, "stopped", diag_full(d));
	json_ku64(&j, "errors_not_shown", d->dropped);
	json_key(&j, "policy");
	policy_json(&st->policy, &j);
	lock_json(&j, st);
	json_key(&j, "rules");
	json_obj_begin(&j);
	for (int c = 0; c < BW_NCLASS; c++)
		json_ku64_rt(&j, bw_class_name(c), st->rules.per_class[c]);
	json_obj_end(&j);
	json_key(&j, "files");
	json_arr_begin(&j);
	for (size_t i = 0; i < st->rules.nfiles; i++)
		json_str(&j, st->rules.files[i]);
	json_arr_end(&j);
	json_key(&j, "problems");
	json_arr_begin(&j);
	for (size_t i = 0; i < d->n; i++) {
		const struct diag_item *it = &d->items[i];

		json_obj_begin(&j);
		json_kstr(&j, "file", it->file);
		json_ku64(&j, "line", it->line);
		json_kstr(&j, "severity", diag_sev_name(it->sev));
		json_kstr(&j, "message", it->msg);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_write_line(&j, stdout);
	json_free(&j);
}

/*
 * Can LSM programs enforce here?  The LSM list says whether bpf is active;
 * only a real load says whether the kernel accepts the programs (root).
 */
static bool lsm_usable(const struct bw_opts *o)
{
	struct bw_engine e;
	char list[256];
	int err;

	if (kernel_bpf_lsm_active(list, sizeof(list)) != 1)
		return false;
	if (geteuid() != 0)
		return true;	/* assumed: said in the note */
	err = engine_load(&e, true, o->verbose);
	engine_close(&e);
	return err == 0;
}

/*
 * What syscall_rule_method() said of a rule, by what it depends on: the
 * action and the syscall key.  Rules naming the same groups are many, and
 * each group is hundreds of ids to look up.
 */
struct method_memo {
	struct key_index index;	/* key bytes -> position in notes */
	char **keys, **notes;
	size_t n, cap;
};

static char *method_key(const struct bw_rule *r, size_t *len)
{
	const struct bw_match *m = rule_match(r, BW_DIM_SYSCALL);
	size_t nums = m->set ? m->n * sizeof(*m->nums) : 0;
	char *key = xmalloc(3 + nums);

	key[0] = (char)r->action;
	key[1] = m->set;
	key[2] = m->negate;
	if (nums)
		memcpy(key + 3, m->nums, nums);
	*len = 3 + nums;
	return key;
}

static const char *rule_method(struct method_memo *mm, const struct bw_rule *r,
			       uint32_t guards, bool lsm)
{
	char buf[512], *key;
	size_t len, at;

	key = method_key(r, &len);
	if (key_index_get(&mm->index, key, len, &at)) {
		free(key);
		return mm->notes[at];
	}
	if (mm->n == mm->cap) {
		mm->cap = mm->cap ? 2 * mm->cap : 16;
		mm->keys = xreallocarray(mm->keys, mm->cap, sizeof(*mm->keys));
		mm->notes = xreallocarray(mm->notes, mm->cap, sizeof(*mm->notes));
	}
	mm->keys[mm->n] = key;
	mm->notes[mm->n] = xstrdup(syscall_rule_method(r, guards, lsm, buf, sizeof(buf)));
	key_index_put(&mm->index, key, len, mm->n);
	return mm->notes[mm->n++];
}

static void method_memo_free(struct method_memo *mm)
{
	for (size_t i = 0; i < mm->n; i++) {
		free(mm->keys[i]);
		free(mm->notes[i]);
	}
	free(mm->keys);
	free(mm->notes);
	key_index_free(&mm->index);
}

/*
 * The first call r names that programs usually make through the vDSO, in
 * user space, without a syscall: no syscall rule, seccomp filter included,
 * sees those.  NULL when it names none.
 */
static const char *vdso_call(const struct bw_rule *r, char *buf, size_t len)
{
	static const char *const vdso[] = {
		"clock_gettime", "clock_getres", "gettimeofday", "time", "getcpu",
		"clock_gettime64", "clock_getres_time64",
	};
	const struct bw_match *m = rule_match(r, BW_DIM_SYSCALL);

	for (size_t k = 0; m->set && !m->negate && k < m->n; k++) {
		const char *name = syscall_name(m->nums[k], buf, len);
		const char *colon = strchr(name, ':');

		for (size_t v = 0; v < ARRAY_SIZE(vdso); v++)
			if (!strcmp(colon ? colon + 1 : name, vdso[v]))
				return name;
	}
	return NULL;
}

/* One note per syscall rule: how this kernel carries it out. */
static void syscall_notes(const struct bw_setup *st, const struct bw_opts *o,
			  struct diag *d)
{
	struct method_memo mm = { 0 };
	uint32_t guards = 0;
	bool lsm = false, any = false;
	char name[64];

	for (size_t i = 0; i < st->rules.n && !any; i++)
		any = st->rules.rules[i].cls == BW_CLASS_SYSCALL;
	if (!any)
		return;
	lsm = lsm_usable(o);
	guards = engine_guards_available();
	for (size_t i = 0; i < st->rules.n; i++) {
		const struct bw_rule *r = &st->rules.rules[i];

		if (r->cls != BW_CLASS_SYSCALL)
			continue;
		diag_add(d, r->file, r->line, DIAG_NOTE, "rule '%s' (%s) on this kernel: %s%s",
			 r->name, bw_action_name(r->action), rule_method(&mm, r, guards, lsm),
			 lsm && geteuid() != 0 ? " (assuming LSM programs load: run as root to verify)" : "");
		if (vdso_call(r, name, sizeof(name)))
			diag_add(d, r->file, r->line, DIAG_NOTE, "rule '%s': %s is answered by "
				 "the vDSO in user space, without a syscall, in most programs: "
				 "the rule sees only the calls made with syscall(2)",
				 r->name, name);
	}
	method_memo_free(&mm);
}

/* Does rule r except by exe: an allow rule naming it, or exe = !...? */
static bool excepts_by_exe(const struct bw_rule *r)
{
	const struct bw_match *m = rule_match(r, BW_DIM_EXE);

	return m->set && (m->negate || r->action == BW_ACT_ALLOW);
}

/*
 * A rule that excepts by exe trusts the process, which whoever may ptrace
 * it can drive: Yama's ptrace_scope below 2 (or no Yama) lets a user trace
 * the program it starts itself.  One note per such rule; none where scope
 * 2 or 3 holds.
 */
static void exe_exception_notes(const struct bw_setup *st, struct diag *d)
{
	long long scope;

	if (read_sysctl("/proc/sys/kernel/yama/ptrace_scope", &scope))
		scope = -1;
	if (scope >= 2)
		return;
	for (size_t i = 0; i < st->rules.n; i++) {
		const struct bw_rule *r = &st->rules.rules[i];

		if (!excepts_by_exe(r))
			continue;
		diag_add(d, r->file, r->line, DIAG_NOTE, "rule '%s' excepts by exe: %s, "
			 "a process that may ptrace the program (its own user's) can make it "
			 "act; Yama with kernel.yama.ptrace_scope = 2 or 3 closes this", r->name,
			 scope < 0 ? "without Yama" : scope == 1 ?
			 "with kernel.yama.ptrace_scope = 1 (a parent may trace what it starts)" :
			 "with kernel.yama.ptrace_scope = 0");
	}
}

/* Does the ELF file at path name a program interpreter (the loader)? */
static bool elf_dynamic(const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	bool dyn = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) &&
	    !memcmp(eh.e_ident, ELFMAG, SELFMAG) && eh.e_ident[EI_CLASS] == ELFCLASS64 &&
	    eh.e_phentsize == sizeof(ph)) {
		for (unsigned int i = 0; i < eh.e_phnum && !dyn; i++) {
			off_t at = (off_t)(eh.e_phoff + (uint64_t)i * sizeof(ph));

			if (pread(fd, &ph, sizeof(ph), at) != (ssize_t)sizeof(ph))
				break;
			dyn = ph.p_type == PT_INTERP;
		}
	}
	close(fd);
	return dyn;
}

/*
 * Would the loader take LD_PRELOAD from whoever runs path?  Not for a
 * setuid or setgid program or one with file capabilities (secure
 * execution), nor for a static one.
 */
static bool takes_preload(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) || !S_ISREG(sb.st_mode) || (sb.st_mode & (S_ISUID | S_ISGID)))
		return false;
	if (getxattr(path, "security.capability", NULL, 0) > 0)
		return false;
	return elf_dynamic(path);
}

/*
 * The same trust, taken without ptrace: a dynamically linked program runs
 * the library LD_PRELOAD names as itself.  One note per such program a
 * rule excepts by name, wherever ptrace_scope stands.
 */
static void exe_preload_notes(const struct bw_setup *st, struct diag *d)
{
	for (size_t i = 0; i < st->rules.n; i++) {
		const struct bw_rule *r = &st->rules.rules[i];
		const struct bw_match *m = rule_match(r, BW_DIM_EXE);

		if (!excepts_by_exe(r))
			continue;
		for (size_t k = 0; k < m->n; k++)
			if (m->strs[k][0] == '/' && !rule_path_is_prefix(m->strs[k]) &&
			    takes_preload(m->strs[k]))
				diag_add(d, r->file, r->line, DIAG_NOTE,
					 "rule '%s' excepts by exe %s, a dynamically linked program: "
					 "run with LD_PRELOAD or LD_LIBRARY_PATH, it runs its caller's "
					 "code as itself; pair the exception with a uid or cgroup",
					 r->name, m->strs[k]);
	}
}

static void print_lock(const struct bw_setup *st)
{
	char note[320];

	if (protect_lock_note(st->compiled ? st->compiled->hash : NULL, note, sizeof(note)))
		printf("lock: %s\n", note);
}

int do_check(int argc, char **argv, struct bw_opts *o)
{
	static const struct option opts[] = {
		ARGS_COMMON_LONG,
		{ "list-groups", no_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	bool list_groups = false;
	struct bw_setup st;
	struct diag d = { 0 };
	int c, ret;

	while ((c = getopt_long(argc, argv, ARGS_COMMON_SHORT, opts, NULL)) != -1) {
		if (c == 'h') {
			do_help(stdout);
			return 0;
		}
		if (c == 'G') {
			list_groups = true;
			continue;
		}
		if (args_common(c, optarg, o)) {
			do_help(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		out_err("check: unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (list_groups) {
		syscall_groups_print(stdout, o->json);
		args_free(o);
		return 0;
	}
	if (setup_load(&st, o, &d) == 0) {
		syscall_notes(&st, o, &d);
		exe_exception_notes(&st, &d);
		exe_preload_notes(&st, &d);
	}
	if (o->json) {
		print_json(&d, &st);
	} else {
		size_t total = st.rules.n;

		diag_print(&d, stdout);
		printf("%zu rule%s in %zu file%s: %zu error%s, %zu warning%s\n",
		       total, total == 1 ? "" : "s", st.rules.nfiles,
		       st.rules.nfiles == 1 ? "" : "s", d.errors,
		       d.errors == 1 ? "" : "s", d.warnings,
		       d.warnings == 1 ? "" : "s");
		print_lock(&st);
	}
	ret = d.errors ? 1 : 0;
	diag_free(&d);
	setup_free(&st);
	args_free(o);
	return ret;
}
