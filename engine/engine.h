/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_ENGINE_H
#define BULWARK_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "anc_cache.h"
#include "compile.h"

struct bulwark_bpf;
struct ring_buffer;
struct bpf_link;
struct bw_pin;
struct btf;

/*
 * What a program of bulwark.bpf.c is for, found from the object when it is
 * opened (engine.c, prog_role_of()): a program guard_table names as one
 * of a guard's own is ROLE_GUARD; else a name ending in _audit is
 * ROLE_AUDIT; else an lsm/ section is ROLE_LSM; raw_tp/sys_enter and
 * raw_tp/io_uring_submit_req are ROLE_SYSCALL; a syscall section
 * (BPF_PROG_TYPE_SYSCALL) is ROLE_RUN; anything else ROLE_CORE.  Programs
 * are reported and attached in this order, then in the object's: the process table's
 * programs attach before the audit-only ones that read it.
 */
enum prog_role {
	ROLE_LSM,	/* enforcement hook */
	ROLE_CORE,	/* process table, always wanted */
	ROLE_AUDIT,	/* audit-only fallback when LSM programs cannot run */
	ROLE_GUARD,	/* LSM hook guarding syscalls; optional */
	ROLE_SYSCALL,	/* sys_enter, io_uring submission: attached only
			 * while syscall rules exist */
	ROLE_RUN,	/* run by the engine (BPF_PROG_TEST_RUN), never
			 * attached; loaded only when its feature is on */
	ROLE_NROLES,
};

/* PROG_LOADED: a ROLE_RUN program, loaded and run by the engine itself */
enum prog_state { PROG_OFF = 0, PROG_ATTACHED, PROG_FAILED, PROG_MISSING,
		  PROG_LOADED };

/* A program that runs (attached, or run by the engine): it has run statistics. */
static inline bool prog_state_runs(enum prog_state s)
{
	return s == PROG_ATTACHED || s == PROG_LOADED;
}

#define ENGINE_PROG_NAME_LEN 64

struct prog_status {
	char prog[ENGINE_PROG_NAME_LEN];	/* program name in bulwark.bpf.c */
	char hook[ENGINE_PROG_NAME_LEN];	/* its section after the prefix
						 * (lsm/, tp/, raw_tp/, tp_btf/):
						 * LSM hook or tracepoint */
	enum prog_role role;
	enum prog_state state;
	int err;
	uint32_t insns;		/* translated instructions, read at attach */
	uint64_t skipped_seen;	/* skipped runs already in lost records */
	struct bpf_link *link;	/* while attached (also in links[]) */
};

#define ENGINE_MAX_PROGS 48

/* The loaded BPF side and the policies it holds. */
struct bw_engine {
	struct bulwark_bpf *skel;
	bool enforcing;		/* LSM programs loaded and attached */
	char why[1024];		/* why enforcement is off, when it is */
	char lsm_list[256];
	struct prog_status progs[ENGINE_MAX_PROGS];
	int nprogs;
	struct bpf_link *links[ENGINE_MAX_PROGS];
	int nlinks;
	struct bw_compiled *live[BW_SLOTS];
	uint64_t generation;
	uint64_t lost_seen[BW_NCLASS];
	unsigned int unresolved_cgroups;	/* named cgroups that do not exist */
	uint32_t guards;		/* BW_GUARD_* bits whose hooks are attached */
	char libbpf_err[1024];	/* last libbpf warning, for error reports */
	struct bw_pin *pin;	/* pinned state found or made (engine/pin.h) */
	struct anc_cache anc;	/* ancestors' exes, by exec id */
	uint64_t repeat_ns;	/* [log] repeat as loaded; 0: off */
	bool audit_ia32;	/* audit-only on a kernel that runs i386 code:
				 * sys_enter decides their IPC and mount calls */
};

/* What the next engine_load_opts() loads. */
struct engine_load_opts {
	bool want_lsm;
	bool verbose;
	uint32_t events_size;	/* the decision ring's bytes (a power of two,
				 * at least a page); 0: the object's 4 MiB */
	uint64_t repeat_ns;	/* [log] repeat: fold repeated decisions
				 * (docs/log.md); 0: every decision written */
	struct btf **btf;	/* the kernel's BTF for loads in a row: parsed
				 * into *btf when NULL there, else used; left
				 * there for the next load when this one stops
				 * before loading the object (the LSM probe
				 * refused), for the caller to free
				 * (btf__free()), else freed.  NULL: parsed and
				 * freed by this load */
};

/*
 * The programs of the BPF object with their hooks and roles, in the order
 * the engine reports and attaches them: how many (at most max), or
 * -errno with the reason in why (a program the engine cannot place).
 * Opens the object, loads nothing.
 */
int engine_programs(struct prog_status *progs, int max, char *why, size_t len);
/*
 * Loading and attaching BPF programs takes CAP_SYS_ADMIN (with CAP_BPF
 * and CAP_PERFMON on newer kernels): without it every bpf() is refused,
 * which says nothing about the kernel or another engine.
 */
bool engine_may_load_bpf(void);
/*
 * Open and load the BPF object.  With want_lsm, LSM programs are loaded
 * and checked against the active LSM list; when that is impossible the
 * reason goes to e->why and -ENOTSUP is returned, so that the caller can
 * follow its policy (refuse, or engine_load(e, false)).
 */
int engine_load(struct bw_engine *e, bool want_lsm, bool verbose);
/* engine_load with every setting of the load. */
int engine_load_opts(struct bw_engine *e, const struct engine_load_opts *o);
/*
 * [log] repeat: the summaries of the keys whose window has ended with
 * decisions folded (all: every key with a count, at stop) into the
 * decision ring, by running bw_fold_flush.  0 (what it did in *out), or
 * -errno; -ENOENT when repeat is off.
 */
int engine_fold_flush(struct bw_engine *e, bool all, struct bw_fold_run *out);
/* Attach every loaded program; 0 when every wanted program attached. */
int engine_attach(struct bw_engine *e);
/*
 * Fill the process table from /proc for processes that already exist, for
 * naming them as ancestors only: the kernel resolves a subject's exe from
 * mm->exe_file itself.  The number of entries or -errno.
 */
int engine_seed_procs(struct bw_engine *e);
/*
 * An ancestor's executable from the process table when the entry is still
 * that exec id's (for struct bw_log's anc_exe; ctx is the engine).  The
 * string lives in the engine's cache until the next call.
 */
const char *engine_ancestor_exe(void *ctx, const struct bw_ancestor *a);
/*
 * Make cp the live policy: built completely in the inactive slot, then
 * switched with one atomic store.  On error the live policy is unchanged.
 * The engine takes ownership of cp on success.
 */
int engine_apply(struct bw_engine *e, struct bw_compiled *cp);
/* Policy of a record's generation, if still known. */
const struct bw_compiled *engine_policy_of(const struct bw_engine *e,
					   uint64_t gen);
int engine_events_fd(const struct bw_engine *e);
/* Per-class records lost in the kernel since the last call (delta). */
void engine_lost(struct bw_engine *e, uint64_t delta[BW_NCLASS],
		 uint64_t total[BW_NCLASS]);
/* Kernel-side losses of one class, per CPU: count, or -errno (free *vals). */
int engine_lost_per_cpu(const struct bw_engine *e, uint32_t cls, uint64_t **vals);
/* Runs, run time (needs kernel.bpf_stats_enabled) and size of program i. */
int engine_prog_stats(const struct bw_engine *e, int i, uint64_t *runs,
		      uint64_t *run_ns, uint32_t *insns);
/* Runs of program i the kernel skipped (prog_skipped()); 0 if not loaded here. */
uint64_t engine_prog_skipped(const struct bw_engine *e, int i);
/* Every program detached; the maps stay readable until engine_close. */
void engine_detach(struct bw_engine *e);
void engine_close(struct bw_engine *e);

const char *prog_state_name(enum prog_state s);

/*
 * How a syscall rule is carried out on this engine, for `check` and the
 * start record: "LSM hook (chroot)", "kill at syscall entry", ...
 * guards: attached guard hooks; lsm: LSM programs live.
 */
const char *syscall_rule_method(const struct bw_rule *r, uint32_t guards,
				bool lsm, char *buf, size_t len);
/* Guard hooks this kernel has (BTF), as BW_GUARD_* bits. */
uint32_t engine_guards_available(void);

#endif
