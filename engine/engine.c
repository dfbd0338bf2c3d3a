// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF side's lifecycle: choose programs, load, attach, fill the
 * process table, and switch policies atomically.
 */
#include <ctype.h>
#include <dirent.h>
#include <sys/capability.h>
#include <malloc.h>
#include <pthread.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bulwark.skel.h"
#include "engine.h"
#include "kernel.h"
#include "mapbatch.h"
#include "pin.h"
#include "syscalls.h"
#include "tracers.h"
#include "util.h"

/*
 * Syscalls whose every call passes through an LSM hook before it does its
 * work, so that a deny there prevents the call with the rule's errno.
 */
static const struct guard {
	enum bw_guard g;
	const char *hook;		/* for messages */
	const char *progs[2];		/* all must be attached */
	const char *calls[6];
	bool class_hooks;		/* progs are an event class's hooks that
					 * guard too (ROLE_LSM); else they are
					 * the guard's own (ROLE_GUARD) */
} guard_table[] = {
	{ BW_GUARD_CHROOT, "path_chroot", { "bw_path_chroot" }, { "chroot" } },
	{ BW_GUARD_SOCKET, "socket_create", { "bw_socket_create" },
	  { "socket", "socketpair" } },
	{ BW_GUARD_PERF, "perf_event_open", { "bw_perf_event_open" },
	  { "perf_event_open" } },
	{ BW_GUARD_MODULE, "kernel_load_data/kernel_read_file",
	  { "bw_kernel_load_data", "bw_kernel_read_file" },
	  { "init_module", "finit_module" } },
	{ BW_GUARD_MOUNT, "sb_mount/sb_umount/move_mount/sb_pivotroot",
	  { "bw_sb_mount", "bw_sb_umount" },
	  { "mount", "umount", "umount2", "pivot_root", "move_mount" }, true },
	{ BW_GUARD_SYSLOG, "syslog", { "bw_syslog" }, { "syslog" } },
	{ BW_GUARD_SETTIME, "settime", { "bw_settime" },
	  { "settimeofday", "clock_settime", "clock_settime64", "stime" } },
};

/* ---- the programs, as the BPF object has them ---- */

/* Section prefixes of the programs; the hook shown is what follows. */
static const char *const sec_prefixes[] = { "lsm/", "tp/", "raw_tp/", "tp_btf/" };
/* What a program of a syscall section shows as its hook. */
#define RUN_HOOK "test_run"

static bool guard_own_prog(const char *name)
{
	for (size_t g = 0; g < ARRAY_SIZE(guard_table); g++) {
		if (guard_table[g].class_hooks)
			continue;
		for (int k = 0; k < 2 && guard_table[g].progs[k]; k++)
			if (!strcmp(guard_table[g].progs[k], name))
				return true;
	}
	return false;
}

/* The convention written at enum prog_role (engine.h) and in HACKING.md. */
static enum prog_role prog_role_of(const char *name, const char *sec)
{
	size_t n = strlen(name);

	if (guard_own_prog(name))
		return ROLE_GUARD;
	if (n > 6 && !strcmp(name + n - 6, "_audit"))
		return ROLE_AUDIT;
	if (!strncmp(sec, "lsm/", 4))
		return ROLE_LSM;
	if (!strcmp(sec, "raw_tp/sys_enter") || !strcmp(sec, "raw_tp/io_uring_submit_req"))
		return ROLE_SYSCALL;
	if (!strcmp(sec, "syscall"))
		return ROLE_RUN;
	return ROLE_CORE;
}

static int prog_status_of(const struct bpf_program *prog, struct prog_status *p,
			  char *why, size_t len)
{
	const char *name = bpf_program__name(prog);
	const char *sec = bpf_program__section_name(prog);
	const char *hook = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(sec_prefixes) && !hook; i++)
		if (!strncmp(sec, sec_prefixes[i], strlen(sec_prefixes[i])))
			hook = sec + strlen(sec_prefixes[i]);
	/* no hook: the engine runs it */
	if (!strcmp(sec, "syscall"))
		hook = RUN_HOOK;
	if (!hook || !*hook) {
		snprintf(why, len, "BPF program %s: section \"%s\" is none the engine "
			 "knows (lsm/, tp/, raw_tp/, tp_btf/, syscall)", name, sec);
		return -EINVAL;
	}
	memset(p, 0, sizeof(*p));
	if (strlen(name) >= sizeof(p->prog) || strlen(hook) >= sizeof(p->hook)) {
		snprintf(why, len, "BPF program %s (%s): name too long", name, sec);
		return -ENAMETOOLONG;
	}
	snprintf(p->prog, sizeof(p->prog), "%s", name);
	snprintf(p->hook, sizeof(p->hook), "%s", hook);
	p->role = prog_role_of(name, sec);
	return 0;
}

/* Every program of obj, by role (enum prog_role's order), then in the
 * object's order: their number, or -errno with the reason in why. */
static int prog_table_of(struct bpf_object *obj, struct prog_status *progs,
			 int max, char *why, size_t len)
{
	struct bpf_program *prog;
	int n = 0, err;

	bpf_object__for_each_program(prog, obj) {
		struct prog_status p;
		int at;

		err = prog_status_of(prog, &p, why, len);
		if (err)
			return err;
		if (n == max) {
			snprintf(why, len, "the BPF object has more than %d programs "
				 "(ENGINE_MAX_PROGS)", max);
			return -E2BIG;
		}
		/* by role, after those of the same role (stable) */
		for (at = n++; at > 0 && progs[at - 1].role > p.role; at--)
			progs[at] = progs[at - 1];
		progs[at] = p;
	}
	for (size_t g = 0; g < ARRAY_SIZE(guard_table); g++) {
		for (int k = 0; k < 2 && guard_table[g].progs[k]; k++) {
			if (bpf_object__find_program_by_name(obj, guard_table[g].progs[k]))
				continue;
			snprintf(why, len, "guard %s names program %s, which the BPF "
				 "object does not have", guard_table[g].hook,
				 guard_table[g].progs[k]);
			return -EINVAL;
		}
	}
	return n;
}

int engine_programs(struct prog_status *progs, int max, char *why, size_t len)
{
	struct bulwark_bpf *skel = bulwark_bpf__open();
	int n;

	if (!skel) {
		n = -errno;
		snprintf(why, len, "cannot open the BPF object: %s", strerror(-n));
		return n;
	}
	n = prog_table_of(skel->obj, progs, max, why, len);
	bulwark_bpf__destroy(skel);
	return n;
}

const char *prog_state_name(enum prog_state s)
{
	switch (s) {
	case PROG_ATTACHED: return "attached";
	case PROG_FAILED: return "failed";
	case PROG_MISSING: return "missing";
	case PROG_LOADED: return "loaded";
	default: return "off";
	}
}

/*
 * libbpf's print callback takes no user pointer, so the first warning of
 * a load (the one naming the program that failed) is kept here for the
 * error report.
 */
static char first_libbpf_msg[1024];
static bool libbpf_verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && !libbpf_verbose)
		return 0;
	if (level != LIBBPF_DEBUG && !first_libbpf_msg[0]) {
		va_list cp;

		va_copy(cp, ap);
		vsnprintf(first_libbpf_msg, sizeof(first_libbpf_msg), fmt, cp);
		va_end(cp);
		if (!strncmp(first_libbpf_msg, "libbpf: ", 8))
			memmove(first_libbpf_msg, first_libbpf_msg + 8,
				strlen(first_libbpf_msg + 8) + 1);
		first_libbpf_msg[strcspn(first_libbpf_msg, "\n")] = 0;
	}
	if (libbpf_verbose)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/*
 * Raw tracepoints renamed between kernels: the program's section names the
 * newer; where only the older exists, the program attaches to that.
 * io_uring_submit_sqe became io_uring_submit_req in 6.0 (the same first
 * argument); Debian's 6.1 still has the old name.
 */
static const char *const tp_aliases[][2] = {
	{ "io_uring_submit_req", "io_uring_submit_sqe" },
};

static bool btf_has_tracepoint(const struct btf *btf, const char *tp)
{
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf && btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0;
}

/*
 * Is the program's hook or tracepoint present in this kernel?  A raw
 * tracepoint found under its older name has p->hook set to that name.
 */
static bool hook_present(struct prog_status *p, const struct btf *btf)
{
	char name[128];
	const char *slash;

	if (p->role == ROLE_RUN)
		return true;
	if (p->role == ROLE_LSM || p->role == ROLE_GUARD) {
		snprintf(name, sizeof(name), "bpf_lsm_%s", p->hook);
		return btf && btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
	}
	slash = strchr(p->hook, '/');
	if (!slash) {
		/* raw_tp/, tp_btf/: the kernel's BTF has a btf_trace_<name>
		 * typedef for every tracepoint it has */
		if (btf_has_tracepoint(btf, p->hook))
			return true;
		for (size_t i = 0; i < ARRAY_SIZE(tp_aliases); i++)
			if (!strcmp(p->hook, tp_aliases[i][0]) &&
			    btf_has_tracepoint(btf, tp_aliases[i][1])) {
				snprintf(p->hook, sizeof(p->hook), "%s", tp_aliases[i][1]);
				return true;
			}
		return false;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(slash - p->hook), p->hook);
	return kernel_tracepoint_exists(name, slash + 1);
}

static int choose_programs(struct bw_engine *e, bool want_lsm,
			   const struct btf *btf)
{
	e->nprogs = prog_table_of(e->skel->obj, e->progs, ENGINE_MAX_PROGS,
				  e->why, sizeof(e->why));
	if (e->nprogs < 0) {
		int err = e->nprogs;

		e->nprogs = 0;
		return err;
	}
	for (int i = 0; i < e->nprogs; i++) {
		struct prog_status *p = &e->progs[i];
		struct bpf_program *prog;
		bool wanted;

		switch (p->role) {
		case ROLE_CORE:
		case ROLE_SYSCALL:
			wanted = true;
			break;
		case ROLE_LSM:
		case ROLE_GUARD:
			wanted = want_lsm;
			break;
		case ROLE_RUN:
			/* bw_fold_flush, the only one: for [log] repeat */
			wanted = e->repeat_ns != 0;
			break;
		default:
			wanted = !want_lsm;
		}
		prog = bpf_object__find_program_by_name(e->skel->obj, p->prog);
		if (wanted && !hook_present(p, btf)) {
			p->state = PROG_MISSING;
			wanted = false;
		}
		if (prog)
			bpf_program__set_autoload(prog, wanted);
	}
	return 0;
}

static bool prog_wanted(const struct bw_engine *e, const struct prog_status *p)
{
	struct bpf_program *prog =
		bpf_object__find_program_by_name(e->skel->obj, p->prog);

	return prog && bpf_program__autoload(prog);
}

bool engine_may_load_bpf(void)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (!caps)
		return geteuid() == 0;
	if (cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &v))
		v = CAP_CLEAR;
	cap_free(caps);
	return v == CAP_SET;
}

static void lsm_load_failed(struct bw_engine *e, int err)
{
	snprintf(e->why, sizeof(e->why),
		 "loading the BPF LSM programs failed (%s)%s",
		 strerror(-err), err == -EPERM ?
		 ", although bpf is an active LSM: this kernel, or a sandbox "
		 "around it, refuses LSM programs; enforcement needs a kernel "
		 "that accepts them (e.g. Debian's stock kernel, with bpf in "
		 "lsm=...) and root with CAP_BPF and CAP_SYS_ADMIN" : "");
}

/*
 * Does the kernel load an LSM program at all?  One that returns 0 on
 * task_kill, loaded and closed at once.  Where a kernel or a sandbox
 * refuses them, the whole object would be loaded and verified up to its
 * first LSM program and then again audit-only: most of the start's time.
 * 0, or the load's -errno.
 */
static int lsm_probe(const struct btf *btf)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int id = btf__find_by_name_kind(btf, "bpf_lsm_task_kill", BTF_KIND_FUNC);
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_LSM_MAC,
		    .attach_btf_id = id);
	int fd;

	if (id < 0)
		return 0;	/* the full load says what is missing */
	fd = bpf_prog_load(BPF_PROG_TYPE_LSM, "bw_lsm_probe", "GPL", insns,
			   ARRAY_SIZE(insns), &opts);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* A setting for tests from the environment: name's value, min to max, into
 * *n (left as it is when unset). */
static int test_setting(struct bw_engine *e, const char *name, unsigned long long min,
			unsigned long long max, uint32_t *n)
{
	const char *env = getenv(name);
	unsigned long long v;

	if (!env || !*env)
		return 0;
	if (parse_u64(env, max, &v) < 0 || v < min) {
		snprintf(e->why, sizeof(e->why), "%s=%s: expected %llu to %llu", name, env,
			 min, max);
		return -EINVAL;
	}
	*n = (uint32_t)v;
	return 0;
}

/* BW_SCRATCH_SLOTS and BW_SCRATCH_WAIT_MS (tests only): fewer shared
 * scratch slots per CPU, and another wait for one, to test a CPU whose
 * slots are all held (docs/design.md, "Scratch slots"). */
static int scratch_settings(struct bw_engine *e)
{
	uint32_t ms = BW_SCRATCH_WAIT_MS;
	int err = test_setting(e, "BW_SCRATCH_SLOTS", 1, BW_SCRATCH_SLOTS,
			       &e->skel->rodata->scratch_slots);

	if (!err)
		err = test_setting(e, "BW_SCRATCH_WAIT_MS", 0, BW_SCRATCH_WAIT_MS_MAX, &ms);
	e->skel->rodata->scratch_wait_ns = (uint64_t)ms * 1000000;
	return err;
}

int engine_load_opts(struct bw_engine *e, const struct engine_load_opts *o)
{
	bool want_lsm = o->want_lsm, verbose = o->verbose;
	uint32_t events_size = o->events_size;
	struct btf *btf;
	int err, active;

	memset(e, 0, sizeof(*e));
	e->repeat_ns = o->repeat_ns;
	libbpf_verbose = verbose;
	libbpf_set_print(libbpf_print);
	first_libbpf_msg[0] = 0;

	if (!engine_may_load_bpf()) {
		snprintf(e->why, sizeof(e->why),
			 "loading BPF programs needs root (CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON): "
			 "run bulwark as root or as its systemd service");
		return -EPERM;
	}

	if (want_lsm) {
		active = kernel_bpf_lsm_active(e->lsm_list, sizeof(e->lsm_list));
		if (active < 0) {
			snprintf(e->why, sizeof(e->why),
				 "cannot read %s (%s): is securityfs mounted?",
				 LSM_LIST_PATH, strerror(-active));
			return -ENOTSUP;
		}
		if (!active) {
			snprintf(e->why, sizeof(e->why),
				 "BPF LSM is not active: %s lists \"%s\"; add bpf to the "
				 "kernel command line, e.g. lsm=%s%sbpf, and reboot",
				 LSM_LIST_PATH, e->lsm_list, e->lsm_list,
				 e->lsm_list[0] ? "," : "");
			return -ENOTSUP;
		}
	}
	kernel_ensure_tracefs();
	btf = o->btf && *o->btf ? *o->btf : btf__load_vmlinux_btf();
	if (o->btf)
		*o->btf = btf;
	if (!btf) {
		snprintf(e->why, sizeof(e->why),
			 "the kernel has no BTF (/sys/kernel/btf/vmlinux): CONFIG_DEBUG_INFO_BTF is needed");
		return -ENOTSUP;
	}

	e->skel = bulwark_bpf__open();
	if (!e->skel) {
		err = -errno;
		snprintf(e->why, sizeof(e->why), "cannot open the BPF object: %s",
			 strerror(-err));
		btf__free(btf);
		return err;
	}
	e->skel->rodata->lsm_enforcing = want_lsm;
	e->audit_ia32 = !want_lsm && kernel_runs_ia32();
	e->skel->rodata->host_mntns = kernel_host_mntns();
	e->skel->rodata->fold_ns = e->repeat_ns;
	err = scratch_settings(e);
	if (!err)
		err = choose_programs(e, want_lsm, btf);
	if (!err && want_lsm) {
		err = lsm_probe(btf);
		if (err == -EPERM || err == -EACCES) {
			/* the full load would fail the same way, later */
			lsm_load_failed(e, err);
			err = -ENOTSUP;
		} else {
			err = 0;	/* any other error: the full load says */
		}
	}
	/* kept for the caller's next load only when this one goes no
	 * further: libbpf parses its own copy while it loads the object */
	if (!err || !o->btf) {
		btf__free(btf);
		if (o->btf)
			*o->btf = NULL;
	}
	if (err) {
		bulwark_bpf__destroy(e->skel);
		e->skel = NULL;
		return err;
	}

	for (int i = 0; want_lsm && i < e->nprogs; i++) {
		if (e->progs[i].role == ROLE_LSM && e->progs[i].state == PROG_MISSING) {
			snprintf(e->why, sizeof(e->why),
				 "this kernel has no LSM hook %s (bpf_lsm_%s not in BTF)",
				 e->progs[i].hook, e->progs[i].hook);
			bulwark_bpf__destroy(e->skel);
			e->skel = NULL;
			return -ENOTSUP;
		}
	}

	err = events_size ? bpf_map__set_max_entries(e->skel->maps.events, events_size) : 0;
	if (!err)
		err = pin_before_load(e, want_lsm);
	if (!err)
		err = bulwark_bpf__load(e->skel);
	if (!err)
		err = pin_after_load(e);
	if (err) {
		if (want_lsm)
			lsm_load_failed(e, err);
		else
			snprintf(e->why, sizeof(e->why),
				 "loading the BPF programs failed: %s", strerror(-err));
		snprintf(e->libbpf_err, sizeof(e->libbpf_err), "%s", first_libbpf_msg);
		engine_detach(e);
		pin_free(e);
		bulwark_bpf__destroy(e->skel);
		e->skel = NULL;
		return want_lsm ? -ENOTSUP : err;
	}
	/* in .bss, not read-only data: a daemon adopting pinned programs
	 * puts its own tgid there */
	e->skel->bss->engine_tgid = getpid();
	e->enforcing = want_lsm;
	return 0;
}

int engine_load(struct bw_engine *e, bool want_lsm, bool verbose)
{
	struct engine_load_opts o = { .want_lsm = want_lsm, .verbose = verbose };

	return engine_load_opts(e, &o);
}

static struct prog_status *find_prog(struct bw_engine *e, const char *name)
{
	for (int i = 0; i < e->nprogs; i++)
		if (!strcmp(e->progs[i].prog, name))
			return &e->progs[i];
	return NULL;
}

/*
 * sys_enter costs every syscall of every thread, the io_uring submission
 * hook every io_uring operation: attached only while the live policy has
 * syscall rules.  sys_enter must attach; without the io_uring hook, rings
 * are a way around syscall rules that kill or audit (the program is
 * reported FAILED with why; socket rules still hold in socket_create).
 */
static int attach_syscall_progs(struct bw_engine *e)
{
	for (int i = 0; i < e->nprogs; i++) {
		struct prog_status *p = &e->progs[i];
		bool uring = !strcmp(p->prog, "bw_uring_submit");
		struct bpf_program *prog;
		struct bpf_link *link;

		if (p->role != ROLE_SYSCALL || p->state == PROG_ATTACHED ||
		    p->state == PROG_MISSING)
			continue;
		prog = bpf_object__find_program_by_name(e->skel->obj, p->prog);
		if (!prog) {
			errno = ENOENT;
			link = NULL;
		} else {
			/* by p->hook: hook_present() may have found an older name */
			link = bpf_program__attach_raw_tracepoint(prog, p->hook);
		}
		if (!link) {
			p->state = PROG_FAILED;
			p->err = -errno;
			if (uring)
				continue;
			return p->err;
		}
		p->state = PROG_ATTACHED;
		p->link = link;
		e->links[e->nlinks++] = link;
	}
	return 0;
}

int engine_attach(struct bw_engine *e)
{
	int failed = 0;

	for (int i = 0; i < e->nprogs; i++) {
		struct prog_status *p = &e->progs[i];
		struct bpf_program *prog;
		struct bpf_link *link;

		if (p->state == PROG_MISSING || !prog_wanted(e, p) ||
		    p->role == ROLE_SYSCALL)
			continue;
		if (p->role == ROLE_RUN) {
			p->state = PROG_LOADED;
			continue;
		}
		prog = bpf_object__find_program_by_name(e->skel->obj, p->prog);
		link = bpf_program__attach(prog);
		if (!link) {
			p->state = PROG_FAILED;
			p->err = -errno;
			/* an enforcement hook or the process table must attach */
			if (p->role == ROLE_LSM || p->role == ROLE_CORE)
				failed++;
			continue;
		}
		p->state = PROG_ATTACHED;
		p->link = link;
		e->links[e->nlinks++] = link;
		{
			/* the size is only readable while we hold CAP_BPF */
			uint64_t runs, ns;

			engine_prog_stats(e, i, &runs, &ns, &p->insns);
		}
	}
	e->guards = 0;
	for (size_t g = 0; g < ARRAY_SIZE(guard_table); g++) {
		bool all = true;

		for (int k = 0; k < 2 && guard_table[g].progs[k]; k++) {
			const struct prog_status *p = find_prog(e, guard_table[g].progs[k]);

			all &= p && p->state == PROG_ATTACHED;
		}
		if (all)
			e->guards |= 1u << guard_table[g].g;
	}
	return failed ? -EIO : 0;
}

int engine_fold_flush(struct bw_engine *e, bool all, struct bw_fold_run *out)
{
	struct bpf_program *prog = e->skel ? e->skel->progs.bw_fold_flush : NULL;
	struct bw_fold_run run = { .all = all };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.ctx_in = &run,
		.ctx_size_in = sizeof(run),
	);
	int fd = prog && e->repeat_ns ? bpf_program__fd(prog) : -1;

	if (fd < 0)
		return -ENOENT;
	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	/* the program writes its counts into the context, copied back */
	*out = run;
	return 0;
}

int engine_events_fd(const struct bw_engine *e)
{
	return bpf_map__fd(e->skel->maps.events);
}

int engine_seed_procs(struct bw_engine *e)
{
	int fd = bpf_map__fd(e->skel->maps.proc_map);
	struct dirent *de;
	DIR *d = opendir("/proc");
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct bw_proc proc = { .exec_seq = BW_PROC_SEEDED };
		unsigned long long pid;
		char link[64];
		ssize_t len;
		__u32 key;

		if (parse_u64(de->d_name, INT_MAX, &pid))
			continue;
		snprintf(link, sizeof(link), "/proc/%llu/exe", pid);
		len = readlink(link, proc.exe, sizeof(proc.exe) - 1);
		if (len <= 0)
			continue;	/* kernel thread, or gone */
		key = pid;
		/* NOEXIST: an entry the kernel made meanwhile is exact */
		if (bpf_map_update_elem(fd, &key, &proc, BPF_NOEXIST) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/*
 * The live entry of the pid when it is this exec; else the exec's entry
 * kept after it ended (it exited or exec'd again before the engine read
 * the record), else the pid's seeded entry kept so.
 */
static int proc_lookup(void *ctx, const struct bw_ancestor *a, struct bw_proc *out)
{
	struct bw_engine *e = ctx;
	int gone = bpf_map__fd(e->skel->maps.proc_gone);
	struct bw_proc_key key = { .pid = a->pid, .exec_seq = a->exec_seq };
	__u32 pid = a->pid;

	if (!bpf_map_lookup_elem(bpf_map__fd(e->skel->maps.proc_map), &pid, out) &&
	    anc_proc_is(out, a))
		return 0;
	if (!bpf_map_lookup_elem(gone, &key, out) && anc_proc_is(out, a))
		return 0;
	key.exec_seq = BW_PROC_SEEDED;
	return bpf_map_lookup_elem(gone, &key, out) ? -1 : 0;
}

const char *engine_ancestor_exe(void *ctx, const struct bw_ancestor *a)
{
	struct bw_engine *e = ctx;

	return anc_cache_exe(&e->anc, a, proc_lookup, e);
}

/* ---- policy switch ---- */

/* The keys of one slot of a value map, gathered before any is deleted. */
struct slot_keys {
	char *keys;
	size_t n, cap, ksz, slot_off;
	uint8_t slot;
};

static void slot_keys_add(struct slot_keys *sk, const char *key)
{
	if ((uint8_t)key[sk->slot_off] != sk->slot)
		return;
	if (sk->n == sk->cap) {
		sk->cap = sk->cap ? sk->cap * 2 : 256;
		sk->keys = xreallocarray(sk->keys, sk->cap, sk->ksz);
	}
	memcpy(sk->keys + sk->n * sk->ksz, key, sk->ksz);
	sk->n++;
}

/*
 * One get_next_key call a key: get_next_key from a deleted key would
 * start the walk again, hence no deletes before its end.
 */
static void slot_keys_walk(int fd, struct slot_keys *sk)
{
	char *cur = NULL, next[sizeof(struct bw_path_key)];

	while (bpf_map_get_next_key(fd, cur, next) == 0) {
		slot_keys_add(sk, next);
		if (!cur)
			cur = xmalloc(sk->ksz);
		memcpy(cur, next, sk->ksz);
	}
	free(cur);
}

/*
 * BATCH_MAX entries a BPF_MAP_LOOKUP_BATCH (both slots': the maps cannot
 * be asked for one).  False, and nothing gathered, when the map has no
 * batch lookups or a batch failed (ENOSPC: a hash bucket holds more than
 * a batch): the caller walks the map instead.
 */
static bool slot_keys_batched(int fd, size_t vsz, struct slot_keys *sk)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	char *keys = xmalloc(BATCH_MAX * sk->ksz), *vals = xmalloc(BATCH_MAX * vsz);
	/* a hash map's position is a bucket number, other maps' a key */
	char *in = xmalloc(sk->ksz), *out = xmalloc(sk->ksz);
	bool first = true, done = false, ok = true;

	while (!done && ok) {
		uint32_t count = BATCH_MAX;

		if (bpf_map_lookup_batch(fd, first ? NULL : in, out, keys, vals,
					 &count, &opts) < 0) {
			done = errno == ENOENT;		/* the map's end */
			ok = done;
		}
		for (uint32_t i = 0; ok && i < count; i++)
			slot_keys_add(sk, keys + (size_t)i * sk->ksz);
		memcpy(in, out, sk->ksz);
		first = false;
	}
	if (!ok)
		sk->n = 0;
	free(keys);
	free(vals);
	free(in);
	free(out);
	return ok;
}

static int clear_slot(int fd, size_t key_size, size_t slot_off, uint8_t slot)
{
	struct slot_keys sk = { .ksz = key_size, .slot_off = slot_off, .slot = slot };
	struct batch b;
	int err = 0;

	if (!slot_keys_batched(fd, sizeof(struct bw_bitmap), &sk))
		slot_keys_walk(fd, &sk);
	batch_init_delete(&b, fd, key_size);
	for (size_t i = 0; i < sk.n && !err; i++)
		err = batch_add(&b, sk.keys + i * key_size, NULL);
	err = batch_end(&b, err);
	free(sk.keys);
	return err;
}

/*
 * Write one value map entry.  Cgroups are entered by id, resolved here:
 * the id's bit goes into *cgf, the class's cgroup filter (the compiler
 * cannot know the ids).
 */
static int write_entry(struct batch *maps, const struct cp_entry *ce,
		       uint8_t slot, struct bw_bitmap *cgf)
{
	struct bw_path_key pk = { 0 };
	struct bw_num_key nk = { 0 };
	struct bw_str_key sk = { 0 };

	switch (ce->kind) {
	case BW_KIND_NUM:
		nk.slot = slot;
		nk.cls = ce->cls;
		nk.dim = ce->dim;
		nk.val = ce->num;
		if (ce->dim == BW_DIM_CGROUP) {
			unsigned long long id;

			if (cgroup_id_of_path(ce->str, &id))
				return 1;	/* no such cgroup (yet): never matches */
			nk.val = id;
			bm_set(&cgf[ce->cls], bw_filter_num(id));
		}
		return batch_add(&maps[BW_KIND_NUM], &nk, &ce->bm);
	case BW_KIND_STR:
		sk.slot = slot;
		sk.cls = ce->cls;
		sk.dim = ce->dim;
		strncpy(sk.s, ce->str, sizeof(sk.s) - 1);
		return batch_add(&maps[BW_KIND_STR], &sk, &ce->bm);
	default: {
		size_t len = strnlen(ce->str, BW_PATH_LEN - 1);

		pk.slot = slot;
		pk.cls = ce->cls;
		pk.dim = ce->dim;
		memcpy(pk.path, ce->str, len);
		pk.prefixlen = BW_PATH_KEY_HDR_BITS +
			       (ce->prefix ? len : len + 1) * 8;
		return batch_add(&maps[BW_KIND_PATH], &pk, &ce->bm);
	}
	}
}

/* Add `bits` to the entries of every id a syscall name resolves to. */
static void sc_mark(uint32_t *tab, const char *name, uint32_t bits)
{
	uint64_t *ids = NULL;
	size_t n = 0;

	if (syscall_resolve(name, &ids, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			tab[BW_SC_ARCH(ids[i]) * BW_SC_NRS +
			    (BW_SC_NR(ids[i]) & (BW_SC_NRS - 1))] |= bits;
	}
	free(ids);
}

static int write_sc_map(struct bw_engine *e, const struct bw_compiled *cp,
			uint8_t slot)
{
	int fd = bpf_map__fd(e->skel->maps.sc_map);
	uint32_t *tab = xcalloc(BW_SC_ARCHES * BW_SC_NRS, sizeof(*tab));
	struct batch b;
	int err = 0;

	for (size_t g = 0; g < ARRAY_SIZE(guard_table); g++) {
		if (!(e->guards & (1u << guard_table[g].g)))
			continue;
		for (int k = 0; k < 6 && guard_table[g].calls[k]; k++)
			sc_mark(tab, guard_table[g].calls[k],
				BW_SC_GUARD(guard_table[g].g));
	}
	for (uint32_t i = 0; i < cp->meta[BW_CLASS_SYSCALL].nrules; i++) {
		const struct bw_match *m =
			rule_match(cp->rule[BW_CLASS_SYSCALL][i], BW_DIM_SYSCALL);

		for (size_t k = 0; m->set && k < m->n; k++)
			tab[BW_SC_ARCH(m->nums[k]) * BW_SC_NRS +
			    (BW_SC_NR(m->nums[k]) & (BW_SC_NRS - 1))] |= BW_SC_RULES;
	}
	batch_init(&b, fd, sizeof(uint32_t), sizeof(*tab));
	for (uint32_t a = 0; a < BW_SC_ARCHES && !err; a++) {
		for (uint32_t nr = 0; nr < BW_SC_NRS && !err; nr++) {
			uint32_t k = bw_sc_index(slot, a, nr);

			err = batch_add(&b, &k, &tab[a * BW_SC_NRS + nr]);
		}
	}
	free(tab);
	return batch_end(&b, err);
}

/* The value maps by enum bw_dim_kind: their keys' size and slot byte. */
static const struct {
	size_t ksz, slot_off;
} value_maps[] = {
	[BW_KIND_NUM] = { sizeof(struct bw_num_key), offsetof(struct bw_num_key, slot) },
	[BW_KIND_STR] = { sizeof(struct bw_str_key), offsetof(struct bw_str_key, slot) },
	[BW_KIND_PATH] = { sizeof(struct bw_path_key), offsetof(struct bw_path_key, slot) },
};

static int value_map_fd(const struct bw_engine *e, int kind)
{
	switch (kind) {
	case BW_KIND_NUM: return bpf_map__fd(e->skel->maps.num_map);
	case BW_KIND_STR: return bpf_map__fd(e->skel->maps.str_map);
	default: return bpf_map__fd(e->skel->maps.path_map);
	}
}

struct entry_writer {
	struct bw_engine *e;
	uint8_t slot;
	struct bw_bitmap *cgf;
	struct batch maps[ARRAY_SIZE(value_maps)];	/* by enum bw_dim_kind */
};

static int write_emitted(void *ctx, const struct cp_entry *ce)
{
	struct entry_writer *w = ctx;
	int err = write_entry(w->maps, ce, w->slot, w->cgf);

	if (err > 0)
		w->e->unresolved_cgroups++;
	return err;
}

/*
 * rule_map is an array: the rules a slot's last policy had past this one's
 * count are zeroed, so that the maps hold only the live policies (the class
 * header bounds what the hooks read anyway).  The slot's last policy is
 * old; when there is none (the slot's first policy: maps adopted from a
 * pin, or an earlier write that failed part way, may have left entries),
 * every entry past the count: at most 24 batches.
 */
static int clear_rules(struct batch *rules, const struct bw_compiled *old,
		       uint8_t slot, uint32_t cls, uint32_t from)
{
	static const struct bw_rule_info none;
	uint32_t to = old ? old->meta[cls].nrules : BW_MAX_RULES;
	int err = 0;

	for (uint32_t i = from; i < to && !err; i++) {
		uint32_t k = bw_rule_index(slot, cls, i);

		err = batch_add(rules, &k, &none);
	}
	return err;
}

static int write_slot(struct bw_engine *e, const struct bw_compiled *cp,
		      uint8_t slot)
{
	int def_fd = bpf_map__fd(e->skel->maps.def_map);
	int rule_fd = bpf_map__fd(e->skel->maps.rule_map);
	int meta_fd = bpf_map__fd(e->skel->maps.meta_map);
	struct bw_bitmap cgf[BW_NCLASS] = { 0 };
	struct entry_writer w = { e, slot, cgf, { { 0 } } };
	struct batch defs, rules, metas;
	int err = 0;

	for (size_t k = 0; k < ARRAY_SIZE(value_maps) && !err; k++)
		err = clear_slot(value_map_fd(e, k), value_maps[k].ksz,
				 value_maps[k].slot_off, slot);
	if (err)
		return err;
	for (size_t k = 0; k < ARRAY_SIZE(value_maps); k++)
		batch_init(&w.maps[k], value_map_fd(e, k), value_maps[k].ksz,
			   sizeof(struct bw_bitmap));
	/* each entry is made as it is written: never all of them at once */
	err = compiled_emit(cp, write_emitted, &w);
	for (size_t k = 0; k < ARRAY_SIZE(value_maps); k++)
		err = batch_end(&w.maps[k], err);
	if (err)
		return err;
	batch_init(&defs, def_fd, sizeof(uint32_t), sizeof(struct bw_bitmap));
	batch_init(&rules, rule_fd, sizeof(uint32_t), sizeof(cp->info[0][0]));
	for (uint32_t cls = 0; cls < BW_NCLASS && !err; cls++) {
		for (uint32_t d = 0; d < BW_DEF_PER_CLASS && !err; d++) {
			uint32_t k = bw_def_index(slot, cls, d);
			const struct bw_bitmap *v = d == BW_DEF_FILTER(BW_DIM_CGROUP) ?
						    &cgf[cls] : &cp->defs[cls][d];

			err = batch_add(&defs, &k, v);
		}
		for (uint32_t i = 0; i < cp->meta[cls].nrules && !err; i++) {
			uint32_t k = bw_rule_index(slot, cls, i);

			err = batch_add(&rules, &k, &cp->info[cls][i]);
		}
		err = err ? err : clear_rules(&rules, e->live[slot], slot, cls,
					      cp->meta[cls].nrules);
	}
	err = batch_end(&defs, err);
	err = batch_end(&rules, err);
	if (!err)
		err = write_sc_map(e, cp, slot);
	if (err)
		return err;
	/* Meta last: a class only becomes active once its tables exist. */
	batch_init(&metas, meta_fd, sizeof(uint32_t), sizeof(cp->meta[0]));
	for (uint32_t cls = 0; cls < BW_NCLASS && !err; cls++) {
		uint32_t k = bw_meta_index(slot, cls);

		err = batch_add(&metas, &k, &cp->meta[cls]);
	}
	return batch_end(&metas, err);
}

/*
 * sys_enter, once wanted, stays attached (it leaves at once when no rule
 * is there): for syscall rules; audit-only, for IPC and mount rules too,
 * whose i386 calls the syscall tracepoints never see, where the kernel
 * runs i386 code at all.
 */
static bool syscall_progs_wanted(const struct bw_engine *e,
				 const struct bw_compiled *cp)
{
	if (cp->meta[BW_CLASS_SYSCALL].nrules)
		return true;
	return e->audit_ia32 &&
	       (cp->meta[BW_CLASS_IPC].nrules || cp->meta[BW_CLASS_MOUNT].nrules);
}

int engine_apply(struct bw_engine *e, struct bw_compiled *cp)
{
	uint64_t gen = e->generation + 1;
	uint8_t slot = gen & 1;
	int err;

	cp->generation = gen;
	e->unresolved_cgroups = 0;
	err = write_slot(e, cp, slot);
	if (err)
		return err;
	/* the maps hold them now; records need only the rules' names, and
	 * the heap the values took goes back to the system */
	compiled_drop_entries(cp);
	malloc_trim(0);
	if (syscall_progs_wanted(e, cp)) {
		err = attach_syscall_progs(e);
		if (err)
			return err;
	}
	__atomic_store_n(&e->skel->bss->active_gen, gen, __ATOMIC_SEQ_CST);
	e->generation = gen;
	if (e->live[slot]) {
		compiled_free(e->live[slot]);
		free(e->live[slot]);
	}
	e->live[slot] = cp;
	return 0;
}

const struct bw_compiled *engine_policy_of(const struct bw_engine *e,
					   uint64_t gen)
{
	const struct bw_compiled *cp = e->live[gen & 1];

	return cp && cp->generation == gen ? cp : NULL;
}

void engine_lost(struct bw_engine *e, uint64_t delta[BW_NCLASS],
		 uint64_t total[BW_NCLASS])
{
	int fd = bpf_map__fd(e->skel->maps.lost_map);

	for (uint32_t cls = 0; cls < BW_NCLASS; cls++) {
		total[cls] = percpu_counter_sum(fd, cls);
		delta[cls] = total[cls] - e->lost_seen[cls];
		e->lost_seen[cls] = total[cls];
	}
}

int engine_lost_per_cpu(const struct bw_engine *e, uint32_t cls, uint64_t **vals)
{
	return percpu_counter_values(bpf_map__fd(e->skel->maps.lost_map), cls, vals);
}

int engine_prog_stats(const struct bw_engine *e, int i, uint64_t *runs,
		      uint64_t *run_ns, uint32_t *insns)
{
	struct bpf_program *prog;
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd;

	prog = bpf_object__find_program_by_name(e->skel->obj, e->progs[i].prog);
	fd = prog ? bpf_program__fd(prog) : -1;
	if (fd < 0)
		return -ENOENT;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*runs = info.run_cnt;
	*run_ns = info.run_time_ns;
	*insns = info.xlated_prog_len ? info.xlated_prog_len / 8 : e->progs[i].insns;
	return 0;
}

uint64_t engine_prog_skipped(const struct bw_engine *e, int i)
{
	return prog_skipped(bpf_object__find_program_by_name(e->skel->obj,
							     e->progs[i].prog));
}

void engine_detach(struct bw_engine *e)
{
	for (int i = 0; i < e->nlinks; i++)
		bpf_link__destroy(e->links[i]);
	e->nlinks = 0;
	for (int i = 0; i < e->nprogs; i++)
		e->progs[i].link = NULL;
}

void engine_close(struct bw_engine *e)
{
	engine_detach(e);
	pin_free(e);
	if (e->skel)
		bulwark_bpf__destroy(e->skel);
	for (int s = 0; s < BW_SLOTS; s++) {
		if (e->live[s]) {
			compiled_free(e->live[s]);
			free(e->live[s]);
		}
	}
	memset(e, 0, sizeof(*e));
}

uint32_t engine_guards_available(void)
{
	struct prog_status progs[ENGINE_MAX_PROGS];
	struct btf *btf;
	uint32_t bits = 0;
	char why[256];
	int n;

	n = engine_programs(progs, ENGINE_MAX_PROGS, why, sizeof(why));
	if (n < 0)
		return 0;
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return 0;
	for (size_t g = 0; g < ARRAY_SIZE(guard_table); g++) {
		bool all = true;

		for (int k = 0; k < 2 && guard_table[g].progs[k]; k++) {
			for (int i = 0; i < n; i++)
				if (!strcmp(progs[i].prog, guard_table[g].progs[k]))
					all &= hook_present(&progs[i], btf);
		}
		if (all)
			bits |= 1u << guard_table[g].g;
	}
	btf__free(btf);
	return bits;
}

/* Is this canonical id guarded by an attached hook? */
/* The syscall ids each guard covers, resolved once (libseccomp is slow
 * and the table is constant). */
static struct guard_ids {
	uint64_t *ids;
	size_t n;
} guard_ids[ARRAY_SIZE(guard_table)];
static pthread_once_t guard_ids_once = PTHREAD_ONCE_INIT;

static void resolve_guard_ids(void)
{
	for (size_t g = 0; g < ARRAY_SIZE(guard_table); g++) {
		for (int k = 0; k < 6 && guard_table[g].calls[k]; k++) {
			uint64_t *ids = NULL;
			size_t n = 0;

			if (syscall_resolve(guard_table[g].calls[k], &ids, &n))
				continue;
			guard_ids[g].ids = xreallocarray(guard_ids[g].ids,
							 guard_ids[g].n + n, sizeof(*ids));
			memcpy(guard_ids[g].ids + guard_ids[g].n, ids, n * sizeof(*ids));
			guard_ids[g].n += n;
			free(ids);
		}
	}
}

static const struct guard *guard_of(uint64_t id, uint32_t guards)
{
	if (pthread_once(&guard_ids_once, resolve_guard_ids))
		return NULL;
	for (size_t g = 0; g < ARRAY_SIZE(guard_table); g++) {
		if (!(guards & (1u << guard_table[g].g)))
			continue;
		for (size_t i = 0; i < guard_ids[g].n; i++)
			if (guard_ids[g].ids[i] == id)
				return &guard_table[g];
	}
	return NULL;
}

const char *syscall_rule_method(const struct bw_rule *r, uint32_t guards,
				bool lsm, char *buf, size_t len)
{
	const struct bw_match *m = rule_match(r, BW_DIM_SYSCALL);
	size_t guarded = 0, total = m->set && !m->negate ? m->n : 0;
	const char *hook = NULL;

	for (size_t k = 0; k < total; k++) {
		const struct guard *g = lsm ? guard_of(m->nums[k], guards) : NULL;

		if (g) {
			guarded++;
			hook = g->hook;
		}
	}
	switch (r->action) {
	case BW_ACT_AUDIT:
		snprintf(buf, len, "audit at syscall entry");
		break;
	case BW_ACT_ALLOW:
		snprintf(buf, len, "allow (ends evaluation)");
		break;
	case BW_ACT_DENY:
		if (total && guarded == total)
			snprintf(buf, len, "LSM hook %s: the call fails with the rule's errno", hook);
		else if (guarded)
			snprintf(buf, len, "LSM hook %s for %zu of %zu entry points; the others "
				 "are NOT enforced, only logged as would-deny", hook, guarded, total);
		else
			snprintf(buf, len, "NOT enforced (%s): logged as would-deny; "
				 "bulwark exec (seccomp) enforces it for processes it launches",
				 lsm ? "no LSM hook guards these calls" :
				 "LSM programs cannot run here");
		break;
	case BW_ACT_KILL:
		if (total && guarded == total)
			snprintf(buf, len, "LSM hook %s: the call fails and the caller is killed", hook);
		else
			snprintf(buf, len, "SIGKILL at syscall entry%s: contains, does not "
				 "prevent (the call itself still runs)",
				 guarded ? " where no LSM hook guards the call" : "");
		break;
	default:
		snprintf(buf, len, "none");
	}
	return buf;
}
