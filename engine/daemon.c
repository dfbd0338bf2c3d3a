// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon (`bulwark run`): start (policy, programs, log, tracers,
 * privileges dropped), the main loop over the ring buffers, reload on
 * SIGHUP (compiled on a thread), a once-a-second tick (losses, status,
 * metrics), and stop (everything the kernel made written or counted).
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/membarrier.h>

#include "args.h"
#include "cli.h"
#include "control.h"
#include "daemon.h"
#include "engine.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "names.h"
#include "pin.h"
#include "notify.h"
#include "prio.h"
#include "privs.h"
#include "protect.h"
#include "rings.h"
#include "status.h"
#include "syscall.h"
#include "syscalls.h"
#include "tracers.h"
#include "util.h"

#define STOP_DRAIN_NS (1000 * 1000000LL)	/* writing what is left at stop */

/* SIGHUP: the rules are loaded and compiled on a thread of their own. */
struct reload_job {
	pthread_t thread;
	bool running;		/* the main thread's view: joined or not */
	bool again;		/* SIGHUP while one was running */
	atomic_bool done;	/* set by the thread as its last act */
	const struct bw_opts *o;
	struct bw_setup next;
	struct diag d;
	int err;
};

struct daemon {
	struct bw_engine eng;
	struct daemon_tracer {	/* the [tracers] of engine/tracers.h */
		struct daemon *r;
		struct tr_inst inst;
		uint64_t lost_seen;
		uint64_t skipped_seen;	/* its programs' skipped runs reported */
		char *error;	/* why it could not start, for the status file */
		void *cfg;	/* its settings (d->config's), for its summaries */
		time_t summary_due;	/* a summary tracer's next summary */
	} tr[BW_TRACERS_MAX];
	struct rings rings;	/* the decisions' first */
	time_t tick_last;	/* the second of the last tick */
	uint64_t unread[BW_NCLASS];	/* decisions left unwritten at stop */
	uint32_t ring_bytes;	/* the decision ring buffer as the kernel made it */
	struct prio_state prio;	/* [log] priority_boost, as applied */
	struct reload_job reload;
	struct metrics metrics;
	bool status_err_said;
	uint64_t lost_total[BW_NCLASS];
	time_t metrics_due;
	struct bw_protect prot;	/* protect = yes, lock = yes (protect.h) */
	struct bw_log log;
	struct bw_setup st;
	const struct bw_opts *o;
	uint64_t decisions;
	struct control ctl;	/* the control socket (control.h) */
	bool stop_detach;	/* `bulwark stop --detach` asked for this stop */
	bool kept;		/* stopped with the pinned programs enforcing */
	/* how each rule of the live policy is enforced, for the live status:
	 * a syscall rule's method needs its matches, gone after the start */
	char **rule_method;
	size_t nrule_method;
};

/* The name of rule idx of class cls in cp, for the metrics, or NULL. */
static const char *rule_name(const struct bw_compiled *cp, uint32_t cls, uint32_t idx)
{
	return cp && cls < BW_NCLASS && idx < BW_MAX_RULES && cp->rule[cls][idx] ?
	       cp->rule[cls][idx]->name : NULL;
}

/* The summary of decisions folded in the kernel ([log] repeat). */
static void handle_repeat(struct daemon *r, const void *data, size_t size)
{
	const struct bw_compiled *cp;
	struct bw_repeat rp;

	if (size < sizeof(rp))
		return;
	memcpy(&rp, data, sizeof(rp));
	if (rp.cls >= BW_NCLASS)
		return;
	r->decisions += rp.count;
	cp = engine_policy_of(&r->eng, rp.generation);
	log_repeat(&r->log, &rp, cp);
	metrics_add(&r->metrics, rp.cls, rp.decision, rule_name(cp, rp.cls, rp.rule),
		    rp.count);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct daemon *r = ctx;
	const struct bw_compiled *cp;
	struct bw_event ev;

	if (size >= sizeof(uint32_t) && *(const uint32_t *)data == BW_REC_REPEAT) {
		handle_repeat(r, data, size);
		return 0;
	}
	/* copy first: the ring buffer slot is reused once we return; a
	 * record carries only its class's part of the union */
	if (size < BW_EVENT_MIN)
		return 0;
	if (size < sizeof(ev))
		memset((char *)&ev + size, 0, sizeof(ev) - size);
	memcpy(&ev, data, size < sizeof(ev) ? size : sizeof(ev));
	if (ev.type != BW_REC_DECISION || ev.cls >= BW_NCLASS)
		return 0;
	/* the record's decision and those folded into it */
	r->decisions += 1 + ev.folded;
	cp = engine_policy_of(&r->eng, ev.generation);
	log_decision(&r->log, &ev, cp);
	metrics_add(&r->metrics, ev.cls, ev.decision, rule_name(cp, ev.cls, ev.rule),
		    1 + ev.folded);
	return 0;
}

/* A decision or repeat record left in the ring at stop: counted by its
 * class. */
static void count_decision(void *ctx, const void *data, size_t size)
{
	const struct bw_event *e = data;
	const struct bw_repeat *rp = data;
	struct daemon *r = ctx;

	if (size >= sizeof(*rp) && rp->type == BW_REC_REPEAT && rp->cls < BW_NCLASS)
		r->unread[rp->cls]++;
	else if (size >= BW_EVENT_MIN && e->type == BW_REC_DECISION && e->cls < BW_NCLASS)
		r->unread[e->cls]++;
}

/* A tracer record: audit context, with the exec id of who did it. */
static int handle_tracer(void *ctx, void *data, size_t size)
{
	struct daemon_tracer *t = ctx;
	const struct tr_ident *h = data;
	struct json *j;

	if (size < t->inst.d->rec_size || (t->inst.d->keep && !t->inst.d->keep(data)))
		return 0;
	j = log_begin(&t->r->log, t->inst.d->name, h->ts);
	tr_record_json(j, t->inst.d, data);
	log_end(&t->r->log);
	return 0;
}

static struct json *snap_begin(void *ctx)
{
	struct daemon_tracer *t = ctx;

	return log_begin(&t->r->log, t->inst.d->name, 0);
}

static void snap_end(void *ctx)
{
	struct daemon_tracer *t = ctx;

	log_end(&t->r->log);
}

static time_t summary_interval(const struct tracer_desc *d)
{
	return d->interval_default > TR_DAEMON_INTERVAL_MIN ? d->interval_default :
							      TR_DAEMON_INTERVAL_MIN;
}

/* A summary tracer's sums since the last: one record, or none if nothing. */
static void tracer_summary(struct daemon_tracer *t)
{
	struct tr_emit e = { NULL, snap_begin, snap_end, t };
	int err = t->inst.d->summarize(&t->inst, t->cfg, &e, true);

	if (err)
		out_err("reading the %s tracer's maps failed: %s", t->inst.d->name,
			strerror(-err));
}

/* The summaries that are due (all of them at stop). */
static void tracer_summaries(struct daemon *r, bool all)
{
	time_t now = time(NULL);

	for (size_t i = 0; i < ARRAY_SIZE(r->tr); i++) {
		struct daemon_tracer *t = &r->tr[i];

		if (!t->inst.skel || !t->inst.d->summarize || (!all && now < t->summary_due))
			continue;
		tracer_summary(t);
		t->summary_due = now + summary_interval(t->inst.d);
	}
}

/* Tracer i loaded, attached and read, with the policy's settings for it. */
static int open_tracer(struct daemon *r, size_t i, char *err, size_t errlen)
{
	const struct tracer_desc *d = tracer_table[i];
	const struct bw_policy *p = &r->st.policy;
	struct tr_filter f = { .self_tgid = getpid() };
	struct daemon_tracer *t = &r->tr[i];
	void *cfg = d->config ? d->config(p->tracer_mode[i], p->tracer_arg[i]) : NULL;
	int ret;

	t->r = r;
	ret = tr_open_cfg(&t->inst, d, &f, false, NULL, cfg, err, errlen);
	if (ret) {
		free(cfg);
		return ret;
	}
	t->cfg = cfg;
	t->summary_due = time(NULL) + summary_interval(d);
	ret = rings_add(&r->rings, tr_events_fd(&t->inst), d->name, handle_tracer, t);
	if (ret) {
		snprintf(err, errlen, "cannot read its ring buffer: %s", strerror(-ret));
		tr_close(&t->inst);
	}
	return ret;
}

/*
 * One tracer of the policy's [tracers].  One that cannot run here is
 * reported (stderr and a "tracer" record saying why) and the engine goes
 * on without it: context is lost, not enforcement.  A required one (the
 * syscall tracer, a setting of its own) stops the engine instead.
 */
static int start_tracer(struct daemon *r, size_t i)
{
	const struct tracer_desc *d = tracer_table[i];
	struct daemon_tracer *t = &r->tr[i];
	struct json *j;
	char err[512];
	int ret;

	ret = open_tracer(r, i, err, sizeof(err));
	if (d->required) {
		if (ret)
			out_err("the %s tracer did not start: %s", d->name, err);
		return ret;
	}
	j = log_begin(&r->log, "tracer", 0);
	json_kstr(j, "tracer", d->name);
	json_kstr(j, "state", ret ? "failed" : "attached");
	json_kstr_rt(j, ret ? "error" : "mechanism", ret ? err : t->inst.via->mechanism);
	log_end(&r->log);
	if (ret) {
		out_err("the %s tracer cannot run here: %s", d->name, err);
		t->error = xstrdup(err);
	} else if (d->snapshot) {
		struct tr_emit e = { NULL, snap_begin, snap_end, t };

		d->snapshot(&e);
	}
	return 0;
}

static int start_tracers(struct daemon *r)
{
	for (size_t i = 0; i < tracer_count && i < ARRAY_SIZE(r->tr); i++)
		if (tracer_table[i] && r->st.policy.tracer_mode[i] &&
		    start_tracer(r, i))
			return -1;
	return 0;
}

static void log_syscall_methods(struct daemon *r, struct json *j,
				const struct bw_compiled *cp)
{
	char buf[512];

	if (!cp->meta[BW_CLASS_SYSCALL].nrules)
		return;
	json_key(j, "syscall_methods");
	json_obj_begin(j);
	for (uint32_t i = 0; i < cp->meta[BW_CLASS_SYSCALL].nrules; i++) {
		const struct bw_rule *rule = cp->rule[BW_CLASS_SYSCALL][i];

		json_kstr_rt(j, rule->name, syscall_rule_method(rule, r->eng.guards,
							     r->eng.enforcing, buf,
							     sizeof(buf)));
	}
	json_obj_end(j);
}

static void log_policy(struct daemon *r, const struct bw_compiled *cp,
		       const struct bw_ruleset *rs)
{
	struct json *j = log_begin(&r->log, "policy", 0);

	json_ku64(j, "generation", cp->generation);
	json_kstr(j, "hash", cp->hash);
	json_kstr(j, "mode", cp->mode == BW_MODE_AUDIT ? "audit" : "enforce");
	json_ku64(j, "rules", rs->n);
	json_key(j, "per_event");
	json_obj_begin(j);
	for (int c = 0; c < BW_NCLASS; c++)
		json_ku64_rt(j, bw_class_name(c), cp->meta[c].nrules);
	json_obj_end(j);
	json_key(j, "files");
	json_arr_begin(j);
	for (size_t i = 0; i < rs->nfiles; i++)
		json_str(j, rs->files[i]);
	json_arr_end(j);
	log_syscall_methods(r, j, cp);
	log_end(&r->log);
}

static void log_start(struct daemon *r)
{
	struct json *j = log_begin(&r->log, "start", 0);

	json_kstr(j, "version", BW_VERSION);
	json_ku64(j, "pid", getpid());
	json_kbool(j, "enforcing", r->eng.enforcing);
	if (!r->eng.enforcing)
		json_kstr(j, "reason", r->eng.why);
	json_ku64(j, "buffer", r->ring_bytes);
	json_ku64(j, "repeat_ms", r->eng.repeat_ns / 1000000);
	json_ku64(j, "priority_boost", r->prio.boost);
	json_ki64(j, "nice", r->prio.after);
	if (r->prio.err)
		json_kstr(j, "priority_error", strerror(-r->prio.err));
	if (r->log.torn)	/* a newline was added to end it */
		json_kbool(j, "torn_line", true);
	json_key(j, "programs");
	json_obj_begin(j);
	for (int i = 0; i < r->eng.nprogs; i++) {
		const struct prog_status *p = &r->eng.progs[i];

		if (p->state != PROG_OFF)
			json_kstr_rt(j, p->prog, prog_state_name(p->state));
	}
	json_obj_end(j);
	log_end(&r->log);
}

/* Per program: runs and time in it (kernel.bpf_stats_enabled=1), size. */
static void log_prog_stats(struct json *j, const struct bw_engine *e)
{
	json_key(j, "programs");
	json_obj_begin(j);
	for (int i = 0; i < e->nprogs; i++) {
		uint64_t runs, ns;
		uint32_t insns;

		if (!prog_state_runs(e->progs[i].state) ||
		    engine_prog_stats(e, i, &runs, &ns, &insns))
			continue;
		json_key_rt(j, e->progs[i].prog);
		json_obj_begin(j);
		json_ku64(j, "runs", runs);
		json_ku64(j, "run_ns", ns);
		json_ku64(j, "insns", insns);
		json_obj_end(j);
	}
	json_obj_end(j);
}

/* "per_cpu": the loss counters of each CPU, totals since the start. */
static void per_cpu_json(struct json *j, const struct bw_engine *e, int cls)
{
	uint64_t *vals;
	int n = engine_lost_per_cpu(e, cls, &vals);

	json_key(j, "per_cpu");
	json_arr_begin(j);
	for (int c = 0; c < n; c++)
		json_u64(j, vals[c]);
	json_arr_end(j);
	free(vals);
}

/* The lost record of what is new in total since *seen; *seen is then total. */
static void lost_record(struct daemon *r, const char *event, const char *where,
			const char *program, uint64_t total, uint64_t *seen)
{
	struct json *j = log_begin(&r->log, "lost", 0);

	json_kstr(j, "event", event);
	json_kstr(j, "where", where);
	if (program)
		json_kstr(j, "program", program);
	json_ku64(j, "count", total - *seen);
	json_ku64(j, "total", total);
	log_end(&r->log);
	*seen = total;
}

/*
 * A tracer's kernel-side losses since the last look, as a lost record:
 * where "kernel", records its ring buffer had no room for; "skipped", runs
 * of its programs the kernel skipped (prog_skipped()).
 */
static void tracer_lost(struct daemon *r, const char *what, const char *where,
			uint64_t total, uint64_t *seen)
{
	if (total <= *seen)
		return;
	if (!strcmp(where, "skipped"))
		out_err("lost %llu %s records: the kernel skipped its programs' runs "
			"(recursion)", (unsigned long long)(total - *seen), what);
	else
		out_err("lost %llu %s records (ring buffer full)",
			(unsigned long long)(total - *seen), what);
	lost_record(r, what, where, NULL, total, seen);
}

/* The decision programs' skipped runs: tracepoint ones only (LSM never). */
static void check_skipped(struct daemon *r)
{
	for (int i = 0; i < r->eng.nprogs; i++) {
		struct prog_status *p = &r->eng.progs[i];
		uint64_t total;

		if (!prog_state_runs(p->state))
			continue;
		total = engine_prog_skipped(&r->eng, i);
		if (total <= p->skipped_seen)
			continue;
		out_err("%s: the kernel skipped %llu runs (recursion): decisions "
			"neither made nor written", p->prog,
			(unsigned long long)(total - p->skipped_seen));
		lost_record(r, p->hook, "skipped", p->prog, total, &p->skipped_seen);
	}
}

static void check_lost(struct daemon *r)
{
	uint64_t delta[BW_NCLASS], total[BW_NCLASS];

	engine_lost(&r->eng, delta, total);
	memcpy(r->lost_total, total, sizeof(r->lost_total));
	pin_save(&r->eng);	/* a successor reports only what comes after */
	for (size_t i = 0; i < ARRAY_SIZE(r->tr); i++) {
		struct daemon_tracer *t = &r->tr[i];

		if (!t->inst.skel)
			continue;
		tracer_lost(r, t->inst.d->name, "kernel", tr_lost(&t->inst),
			    &t->lost_seen);
		tracer_lost(r, t->inst.d->name, "skipped", tr_skipped(&t->inst),
			    &t->skipped_seen);
	}
	check_skipped(r);
	for (int c = 0; c < BW_NCLASS; c++) {
		struct json *j;

		if (!delta[c])
			continue;
		out_err("lost %llu %s records (ring buffer full), %llu in all",
			(unsigned long long)delta[c], bw_class_name(c),
			(unsigned long long)total[c]);
		j = log_begin(&r->log, "lost", 0);
		json_kstr(j, "event", bw_class_name(c));
		json_kstr(j, "where", "kernel");
		json_ku64(j, "count", delta[c]);
		json_ku64(j, "total", total[c]);
		per_cpu_json(j, &r->eng, c);
		log_end(&r->log);
	}
}

static void remember_methods(struct daemon *r, const struct bw_compiled *cp);

/* ---- tamper protection and the policy lock (protect.h) ---- */

static int handle_tamper(void *ctx, void *data, size_t size)
{
	struct daemon *r = ctx;

	protect_log_record(&r->log, data, size);
	return 0;
}

/*
 * protect_claim()'s result (err), taken before loading: another engine
 * alive is not replaced (a protected one refuses us its state), and a
 * lock left by an earlier engine holds: only the locked policy may start
 * (checked once the rules are compiled; the programs load after it then).
 */
static int claim_protection(struct daemon *r, int err)
{
	if (err) {
		out_err("run: %s", r->prot.why);
		return -1;
	}
	if (r->prot.locked && strcmp(r->prot.locked_hash, r->st.compiled->hash)) {
		out_err("run: the policy is locked until reboot (lock = yes): the locked policy "
			"is %s, these rules compile to %s; restore the locked rules or reboot",
			r->prot.locked_hash, r->st.compiled->hash);
		return -1;
	}
	return 0;
}

/* Once the policy is live and the log open: protection on, and said. */
static int arm_protection(struct daemon *r)
{
	const struct bw_policy *p = &r->st.policy;
	const struct bw_compiled *cp = engine_policy_of(&r->eng, r->eng.generation);
	bool protect = p->protect;
	struct json *j;
	int err;

	/* the hooks are LSM programs: audit-only, as on_lsm_missing allows */
	if (protect && !r->eng.enforcing) {
		out_err("warning: protect = yes needs BPF LSM programs, which cannot run here; "
			"running UNPROTECTED (on_lsm_missing = audit)");
		protect = false;
	}
	err = protect_arm(&r->prot, &r->eng, protect, p->lock, r->log.fd, cp ? cp->hash : "");
	if (err) {
		out_err("run: %s", r->prot.why);
		if (protect || p->lock || r->prot.locked)
			return -1;
	}
	if (protect_events_fd(&r->prot) >= 0) {
		err = rings_add(&r->rings, protect_events_fd(&r->prot), "tamper",
				handle_tamper, r);
		if (err) {
			out_err("run: cannot read the tamper ring buffer: %s", strerror(-err));
			return -1;
		}
	}
	if (!r->prot.protect && !r->prot.locked)
		return 0;
	j = log_begin(&r->log, "protect", 0);
	json_kbool(j, "protect", r->prot.protect);
	json_kbool(j, "lock", r->prot.locked);
	if (r->prot.locked)
		json_kstr(j, "locked_hash", r->prot.locked_hash);
	protect_ids_json(&r->prot, j);
	log_end(&r->log);
	return 0;
}

/*
 * A reload while locked takes only the locked policy (the same rules
 * again; a start with others is refused by claim_protection()).  -EPERM
 * (said, logged, and why in why[]) or 0.
 */
static int locked_refuses(struct daemon *r, const struct bw_compiled *cp,
			  char *why, size_t len)
{
	char buf[256];

	if (!r->prot.locked || !strcmp(r->prot.locked_hash, cp->hash))
		return 0;
	snprintf(buf, sizeof(buf), "the policy is locked until reboot (lock = yes): "
		 "the new rules compile to %s, the locked policy is %s",
		 cp->hash, r->prot.locked_hash);
	out_err("reload refused: %s", buf);
	protect_log_refused(&r->log, "reload", buf);
	snprintf(why, len, "%s", buf);
	return -EPERM;
}

/* After a reload: a program it attached is the engine's too. */
static void protect_objects_again(struct daemon *r)
{
	int err = protect_register(&r->prot, &r->eng);

	if (err)
		out_err("protect: naming the engine's new objects failed: %s", strerror(-err));
}

/* Once a second: the log the kernel guards (rotation), lost records. */
static void protect_tick(struct daemon *r)
{
	uint64_t lost = protect_lost(&r->prot);
	int err = protect_set_log(&r->prot, r->log.fd);
	struct json *j;

	if (err)
		out_err("protect: guarding the new log file failed: %s", strerror(-err));
	if (!lost)
		return;
	j = log_begin(&r->log, "lost", 0);
	json_kstr(j, "event", "tamper");
	json_kstr(j, "where", "kernel");
	json_ku64(j, "count", lost);
	log_end(&r->log);
}

/*
 * Hand the compiled policy to the engine together with the rules it
 * names, so that records of an older generation can still name theirs.
 */
static int apply_setup(struct daemon *r, struct bw_setup *st)
{
	struct bw_compiled *cp = st->compiled;
	int err;

	cp->owned = xmalloc(sizeof(*cp->owned));
	*cp->owned = st->rules;
	err = engine_apply(&r->eng, cp);
	if (!err)
		protect_objects_again(r);
	if (err) {
		st->rules = *cp->owned;
		free(cp->owned);
		cp->owned = NULL;
		return err;
	}
	memset(&st->rules, 0, sizeof(st->rules));
	st->compiled = NULL;
	if (r->eng.unresolved_cgroups)
		out_err("warning: %u cgroup%s named by the rules do%s not exist; until a reload they match nothing",
			r->eng.unresolved_cgroups, r->eng.unresolved_cgroups == 1 ? "" : "s",
			r->eng.unresolved_cgroups == 1 ? "es" : "");
	log_policy(r, cp, cp->owned);
	remember_methods(r, cp);
	/* from here on records only name the rules: what they match on is
	 * in the kernel's maps, and its heap goes back to the system */
	rules_drop_matches(cp->owned);
	malloc_trim(0);
	return 0;
}

/*
 * SIGHUP: the same load, check and compile as at start, on a thread of
 * its own so that records keep flowing meanwhile; it touches nothing but
 * the job.  The main loop makes the result live (or reports it): all or
 * nothing, as before.
 */
static void *reload_work(void *arg)
{
	struct reload_job *job = arg;

	prio_unboost_self();	/* compiling is no reason to pass the workload */
	job->err = setup_load(&job->next, job->o, &job->d);
	atomic_store(&job->done, true);
	return NULL;
}

static void reload_ended(struct daemon *r, const struct diag *d, const char *error);

static void reload_apply(struct daemon *r, struct reload_job *job)
{
	char why[256] = "";
	int err;

	out_diag(&job->d);
	if (job->err) {
		snprintf(why, sizeof(why), "the new rules have errors; the live policy (generation %llu) stays",
			 (unsigned long long)r->eng.generation);
		out_err("reload: the new rules have errors (above); the live policy (generation %llu) stays",
			(unsigned long long)r->eng.generation);
	} else if (locked_refuses(r, job->next.compiled, why, sizeof(why))) {
		/* said: the live policy is the locked one */
	} else if ((err = apply_setup(r, &job->next))) {
		snprintf(why, sizeof(why), "writing the policy maps failed: %s; the live policy (generation %llu) stays",
			 strerror(-err), (unsigned long long)r->eng.generation);
		out_err("reload: %s", why);
	} else {
		out_info(r->o, "policy generation %llu live",
			 (unsigned long long)r->eng.generation);
	}
	reload_ended(r, &job->d, why[0] ? why : NULL);
	diag_free(&job->d);
	setup_free(&job->next);
}

static void reload_begun(struct daemon *r);

static void reload_start(struct daemon *r)
{
	struct reload_job *job = &r->reload;
	sigset_t all, old;
	int err, merr;

	if (job->running) {
		job->again = true;	/* the files may have changed since it read them */
		return;
	}
	reload_begun(r);
	memset(&job->d, 0, sizeof(job->d));
	job->o = r->o;
	job->err = 0;
	atomic_store(&job->done, false);
	/* signals are for the main thread: they end its wait */
	sigfillset(&all);
	merr = pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&job->thread, NULL, reload_work, job);
	if (!merr && (merr = pthread_sigmask(SIG_SETMASK, &old, NULL)))
		out_err("reload: restoring the signal mask failed: %s", strerror(merr));
	if (err) {
		out_err("reload: cannot start a thread (%s); compiling in the main loop",
			strerror(err));
		reload_work(job);
		reload_apply(r, job);
		return;
	}
	job->running = true;
}

/* A reload that has finished goes live, or is reported. */
static void reload_poll(struct daemon *r)
{
	struct reload_job *job = &r->reload;
	int err;

	if (!job->running || !atomic_load(&job->done))
		return;
	err = pthread_join(job->thread, NULL);
	if (err)
		out_err("reload: joining its thread failed: %s", strerror(err));
	job->running = false;
	reload_apply(r, job);
	if (job->again) {
		job->again = false;
		reload_start(r);
	}
}

/* Stopping: a reload still compiling is waited for, then dropped. */
static void reload_abandon(struct daemon *r)
{
	struct reload_job *job = &r->reload;
	int err;

	if (!job->running)
		return;
	err = pthread_join(job->thread, NULL);
	if (err)
		out_err("reload: joining its thread failed: %s", strerror(err));
	job->running = false;
	diag_free(&job->d);
	setup_free(&job->next);
	out_info(r->o, "stopping: the reload in progress was dropped");
}

static void write_metrics(struct daemon *r)
{
	struct metrics_extra x = {
		.lost = r->lost_total,
		.log_bytes = r->log.bytes,
		.log_records = r->log.records,
		.log_errors = r->log.write_errors,
		.generation = r->eng.generation,
	};
	int err;

	if (!r->st.policy.metrics_path)
		return;
	err = metrics_write(&r->metrics, &x, r->st.policy.metrics_path);
	if (err)
		out_err("writing the metrics file %s failed: %s",
			r->st.policy.metrics_path, strerror(-err));
}

/* The [tracers] of the policy: attached (how, records lost) or failed (why). */
static void tracers_status(const struct daemon *r, struct bw_status *s)
{
	s->tracers = xcalloc(ARRAY_SIZE(r->tr), sizeof(*s->tracers));
	for (size_t i = 0; i < ARRAY_SIZE(r->tr); i++) {
		const struct daemon_tracer *t = &r->tr[i];
		struct bw_status_tracer *st = &s->tracers[s->ntracers];

		if ((!t->inst.skel && !t->error) || (t->inst.d && t->inst.d->required))
			continue;
		st->name = t->inst.skel ? t->inst.d->name : tracer_table[i]->name;
		st->attached = t->inst.skel != NULL;
		st->mechanism = t->inst.skel ? t->inst.via->mechanism : NULL;
		st->lost = t->lost_seen + t->skipped_seen;
		st->error = t->error;
		s->ntracers++;
	}
}

static void engine_status(const struct daemon *r, struct bw_status *s)
{
	const struct bw_compiled *cp = engine_policy_of(&r->eng, r->eng.generation);

	s->pid = getpid();
	s->updated = time(NULL);
	s->enforcing = r->eng.enforcing;
	s->reason = r->eng.why;
	s->generation = r->eng.generation;
	if (cp) {
		s->has_policy = true;
		s->policy_hash = cp->hash;
		s->rules = cp->nrules;
		s->mode = cp->mode == BW_MODE_AUDIT ? "audit" : "enforce";
	}
	s->decisions = r->decisions;
	s->progs = xcalloc(r->eng.nprogs + 1, sizeof(*s->progs));
	for (int i = 0; i < r->eng.nprogs; i++)
		if (r->eng.progs[i].state != PROG_OFF)
			s->progs[s->nprogs++] = (struct bw_status_prog){
				r->eng.progs[i].prog, prog_state_name(r->eng.progs[i].state) };
}

static void log_status(const struct daemon *r, struct bw_status *s)
{
	s->log.path = r->log.path;
	s->log.records = r->log.records;
	s->log.bytes = r->log.bytes;
	s->log.write_errors = r->log.write_errors;
	s->log.unwritten = r->log.unwritten_total;
	s->log.state = r->log.stopped ? "stopped" : r->log.suspended ? "suspended" : "writing";
	s->log.rotations = r->log.rotations;
	for (int c = 0; c < BW_NCLASS; c++) {
		int n = engine_lost_per_cpu(&r->eng, c, &s->lost[c].per_cpu);

		s->lost[c].present = true;
		s->lost[c].total = r->lost_total[c];
		s->lost[c].ncpu = n > 0 ? (size_t)n : 0;
	}
}

/* The status file `bulwark status` reads, rewritten every second. */
static void write_status(struct daemon *r)
{
	const char *path = r->st.policy.status;
	struct bw_status s = { 0 };
	int err;

	if (!path)
		return;
	engine_status(r, &s);
	log_status(r, &s);
	tracers_status(r, &s);
	err = status_write(path, &s);
	if (err) {
		if (!r->status_err_said)
			out_err("writing the status file %s failed: %s", path, strerror(-err));
		r->status_err_said = true;
	}
	for (int c = 0; c < BW_NCLASS; c++)
		free(s.lost[c].per_cpu);
	free(s.tracers);
	free(s.progs);
}

static int write_ready_file(const char *path)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	return write_file_replace(path, buf, (size_t)n, 0644);
}

/*
 * engine_load, meant to size the decision ring buffer as [log] buffer says.
 * That takes engine.c setting the map's size between open and load, which
 * it cannot do yet: until it can, the object's 4 MiB stays, and
 * check_ring_size() says so when the policy asks for another size.
 */
static int load_engine(struct daemon *r, bool want_lsm, struct btf **btf)
{
	struct engine_load_opts o = {
		.want_lsm = want_lsm,
		.verbose = r->o->verbose,
		.events_size = (uint32_t)r->st.policy.log_buffer,
		.repeat_ns = r->st.policy.log_repeat_ms * 1000000ULL,
		.btf = btf,
	};

	return engine_load_opts(&r->eng, &o);
}

/* The ring's size as the kernel made it, said when it is not [log] buffer. */
static void check_ring_size(struct daemon *r)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(engine_events_fd(&r->eng), &info, &len)) {
		out_err("cannot read the decision ring buffer's size: %s", strerror(errno));
		return;
	}
	r->ring_bytes = info.max_entries;
	if (r->ring_bytes != r->st.policy.log_buffer)
		out_err("warning: the decision ring buffer is %u KiB, not the %llu KiB of [log] buffer",
			r->ring_bytes >> 10, r->st.policy.log_buffer >> 10);
}

/* Why the LSM programs were refused, for load_said(). */
struct lsm_refusal {
	bool refused;
	char why[sizeof(((struct bw_engine *)0)->why)];
	char libbpf_err[sizeof(((struct bw_engine *)0)->libbpf_err)];
};

/*
 * The LSM programs, or as on_lsm_missing says the audit-only ones; the
 * kernel's BTF (5 MB, 40-100 ms to parse) is parsed once for both.
 * Nothing is said here but by load_said(), after the rules' diagnostics:
 * this runs while another thread compiles them.  0 or -errno.
 */
static int load_programs(struct daemon *r, struct lsm_refusal *lr)
{
	struct btf *btf = NULL;
	int err;

	pin_config(true);	/* pinned programs are adopted whatever on_exit says */
	err = load_engine(r, true, &btf);

	memset(lr, 0, sizeof(*lr));
	if (err == -ENOTSUP) {
		lr->refused = true;
		memcpy(lr->why, r->eng.why, sizeof(lr->why));
		memcpy(lr->libbpf_err, r->eng.libbpf_err, sizeof(lr->libbpf_err));
		if (r->st.policy.on_lsm_missing == BW_LSM_AUDIT) {
			err = load_engine(r, false, &btf);
			memcpy(r->eng.why, lr->why, sizeof(lr->why));
		}
	}
	btf__free(btf);
	return err;
}

/* What load_programs() did (err: its result), said; 0 when it loaded. */
static int load_said(struct daemon *r, const struct lsm_refusal *lr, int err)
{
	if (lr->refused) {
		out_err("cannot enforce: %s", lr->why);
		if (lr->libbpf_err[0])
			out_err("libbpf said: %s", lr->libbpf_err);
		if (r->st.policy.on_lsm_missing != BW_LSM_AUDIT) {
			out_err("refusing to start (on_lsm_missing = refuse in %s); "
				"set on_lsm_missing = audit to run audit-only",
				r->st.policy.file ? r->st.policy.file : "the policy");
			return -1;
		}
		out_err("running AUDIT-ONLY with tracepoints: records are marked \"enforced\":false and nothing is denied");
	}
	if (err) {
		out_err("%s", r->eng.why);
		return -1;
	}
	return 0;
}

/* Every program attached, or the engine does not start; each failure said. */
static int attach_programs(struct daemon *r)
{
	int err = engine_attach(&r->eng);

	for (int i = 0; i < r->eng.nprogs; i++) {
		const struct prog_status *p = &r->eng.progs[i];

		if (p->state == PROG_FAILED)
			out_err("attaching %s (%s) failed: %s", p->prog, p->hook,
				strerror(-p->err));
		else if (p->state == PROG_MISSING && p->role != ROLE_LSM)
			out_info(r->o, "%s: %s not in this kernel, skipped",
				 p->prog, p->hook);
	}
	if (err) {
		out_err("not every enforcement program attached; exiting");
		return -1;
	}
	return 0;
}

/* on_exit, or unset: keep while the engine enforces (mode = enforce and
 * LSM programs live); audit-only programs deny nothing worth keeping. */
static enum pin_mode pin_mode_for(const struct daemon *r)
{
	const struct bw_policy *p = &r->st.policy;

	/* a locked policy is not removed, whatever on_exit says */
	if ((p->lock || protect_locked(&r->prot)) && r->eng.enforcing)
		return PIN_KEEP;
	if (p->on_exit == BW_EXIT_UNSET)
		return p->mode == BW_MODE_ENFORCE && r->eng.enforcing ? PIN_KEEP : PIN_DETACH;
	return p->on_exit == BW_EXIT_KEEP ? PIN_KEEP : PIN_DETACH;
}

/* The programs loaded (load_programs()): attached, the process table filled. */
static int start_engine(struct daemon *r)
{
	int err;

	check_ring_size(r);
	if (attach_programs(r))
		return -1;
	/* Processes older than the engine: named as ancestors from /proc;
	 * as subjects their exe is resolved in the kernel (mm->exe_file). */
	err = engine_seed_procs(&r->eng);
	if (err < 0)
		out_err("reading /proc for running processes failed: %s", strerror(-err));
	return 0;
}

/*
 * [log] repeat: the summaries of the windows that ended (all: of every
 * count, at stop) into the decision ring.  When the ring is full the
 * counts stay in the kernel for the next try: at stop, the ring is read
 * and the walk tried again a few times.
 */
static void drain(struct daemon *r, int64_t ns);

static void fold_flush(struct daemon *r, bool all)
{
	struct bw_fold_run run;
	int err;

	if (!r->eng.repeat_ns)
		return;
	for (int tries = 0; tries < 5; tries++) {
		err = engine_fold_flush(&r->eng, all, &run);
		if (err) {
			out_err("summing the folded decisions failed: %s", strerror(-err));
			return;
		}
		if (!run.failed || !all)
			return;
		drain(r, STOP_DRAIN_NS);
	}
	out_err("stopping: folded decisions left uncounted in the kernel: the decision "
		"ring stayed full");
}

/*
 * Once a second, as Redis' serverCron: folded decisions' summaries, losses
 * into lost records, the log's clock and free space, the status file, and
 * metrics when due.
 */
static void daemon_tick(struct daemon *r)
{
	fold_flush(r, false);
	check_lost(r);
	protect_tick(r);
	tracer_summaries(r, false);
	log_sync_clock(&r->log);
	log_check_space(&r->log);
	write_status(r);
	if (r->tick_last >= r->metrics_due) {
		write_metrics(r);
		r->metrics_due = r->tick_last + r->st.policy.metrics_interval;
	}
}

/* Between turns of the rings: signals, reloads, the once-a-second tick. */
static void housekeeping(struct daemon *r)
{
	if (loop_take(LOOP_SIG_HUP))
		reload_start(r);
	control_poll(&r->ctl);
	reload_poll(r);
	if (loop_take(LOOP_SIG_USR1)) {
		int err = log_rotate(&r->log);

		if (err)
			out_err("rotating %s failed: %s", r->log.path, strerror(-err));
	}
	if (time(NULL) != r->tick_last) {
		r->tick_last = time(NULL);
		daemon_tick(r);
	}
}

/* A turn of every ring; 0, or -1 when one could not be read (said). */
static int read_rings(struct daemon *r, bool *more)
{
	const char *which;
	int err = rings_turn(&r->rings, more, &which);

	if (err)
		out_err("reading the %s ring buffer failed: %s", which, strerror(-err));
	return err ? -1 : 0;
}

/* One turn of the main loop: the rings, the work between, a wait. */
static int loop_step(void *ctx)
{
	struct daemon *r = ctx;
	bool more;
	int err;

	if (read_rings(r, &more))
		return -1;
	log_batch_end(&r->log);
	housekeeping(r);
	if (more || loop_stopping())
		return 0;
	err = rings_wait(&r->rings, 200);
	if (err)
		out_err("waiting for records failed: %s", strerror(-err));
	return err ? -1 : 0;
}

/* Records left unwritten at stop, in lost records ("where":"stop"). */
static void unread_lost(struct daemon *r, const char *event, uint64_t n)
{
	struct json *j;

	if (!n)
		return;
	out_err("stopping: %llu %s records left unwritten (counted in a lost record)",
		(unsigned long long)n, event);
	j = log_begin(&r->log, "lost", 0);
	json_kstr(j, "event", event);
	json_kstr(j, "where", "stop");
	json_ku64(j, "count", n);
	log_end(&r->log);
}

/* Turns of every ring until none has records left or ns have passed. */
static void drain(struct daemon *r, int64_t ns)
{
	const char *which;
	int err = rings_empty(&r->rings, ns, &which);

	if (err)
		out_err("reading the %s ring buffer failed: %s", which, strerror(-err));
}

/*
 * Every program detached, the decisions' and the tracers': no record is
 * made after this.  One that was running meanwhile finishes its record
 * inside an RCU read-side section, which membarrier(MEMBARRIER_CMD_GLOBAL)
 * waits out (synchronize_rcu()); where it cannot, a pause far longer than
 * any program runs.
 */
static void detach_all(struct daemon *r)
{
	if (!r->kept)
		engine_detach(&r->eng);
	else
		pin_let_go(&r->eng);
	for (size_t i = 0; i < ARRAY_SIZE(r->tr); i++)
		if (r->tr[i].inst.skel)
			tr_unlink(&r->tr[i].inst);
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		usleep(100 * 1000);
}

/*
 * Stopping: what the rings hold is written for up to a second; then the
 * programs are detached, and what they made meanwhile is written for up
 * to another second; what is left after that is counted, and said in
 * lost records.  So every record the kernel made is written or counted.
 * Then the final losses, metrics and everything pending.
 */
static void finish(struct daemon *r)
{
	int err;

	reload_abandon(r);
	drain(r, STOP_DRAIN_NS);
	/* on_exit = keep: the pinned programs go on deciding, and what
	 * they record waits in the pinned ring for the next daemon */
	r->kept = pin_keeping(&r->eng) && !r->stop_detach;
	if (!r->kept && r->eng.pin && (err = pin_remove_all()))
		out_err("stopping: removing the pins under %s failed: %s",
			BW_PIN_DIR, strerror(-err));
	detach_all(r);
	/* every count into the log now; kept, the programs fold on and the
	 * next daemon sums what they fold meanwhile */
	fold_flush(r, true);
	drain(r, STOP_DRAIN_NS);	/* no record comes after these */
	for (size_t i = r->kept ? 1 : 0; i < r->rings.n; i++)
		r->rings.ring[i].counting = true;
	drain(r, STOP_DRAIN_NS);
	tracer_summaries(r, true);
	for (int c = 0; c < BW_NCLASS; c++)
		unread_lost(r, bw_class_name(c), r->unread[c]);
	for (size_t i = 0; i < r->rings.n; i++)
		if (r->rings.ring[i].name)
			unread_lost(r, r->rings.ring[i].name, r->rings.ring[i].unread);
	check_lost(r);
	log_flush(&r->log);
	write_metrics(r);
}

/* The audit log, as [log] says. */
static int open_log(struct daemon *r)
{
	const struct bw_policy *p = &r->st.policy;
	struct log_cfg lc = {
		.max_size = p->log_max_size,
		.keep = p->log_keep,
		.flush = p->log_flush,
		.freq = p->log_freq,
		.full_action = p->log_full_action,
		.space_left = p->log_space_left,
	};
	int err = log_open_cfg(&r->log, p->log, &lc);

	if (err) {
		out_err("cannot open the audit log %s: %s", p->log, strerror(-err));
		return -1;
	}
	r->log.anc_exe = engine_ancestor_exe;
	r->log.anc_exe_ctx = &r->eng;
	log_start(r);
	return 0;
}

/*
 * [log] priority_boost on this thread, the one that reads the rings and
 * writes the log, while CAP_SYS_NICE is still ours: a failure is said
 * (and in the start record), not fatal.
 */
static void boost_priority(struct daemon *r)
{
	unsigned int boost = r->st.policy.log_priority_boost;

	if (!prio_boost(boost, &r->prio))
		return;
	out_err("warning: [log] priority_boost = %u: %s failed: %s; the log thread stays at nice %d",
		boost, r->prio.what, strerror(-r->prio.err), r->prio.after);
}

/* The decisions' ring buffer first, then the tracers'. */
static int start_reading(struct daemon *r)
{
	int err = rings_init(&r->rings);

	if (!err)
		err = rings_add(&r->rings, engine_events_fd(&r->eng), NULL, handle_event, r);
	if (err) {
		out_err("cannot open the ring buffer: %s", strerror(-err));
		return -1;
	}
	r->rings.ring[0].count = count_decision;	/* ring 0: the decisions' */
	return start_tracers(r);
}

/* A tracer running whose summaries name frames from other processes' maps. */
static bool tracer_reads_procs(const struct daemon *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(r->tr); i++)
		if (r->tr[i].inst.skel && r->tr[i].inst.d->reads_procs)
			return true;
	return false;
}

/*
 * The status file's directory while we may (/run/bulwark), then
 * privileges: none kept, but CAP_SYS_PTRACE while a tracer reads the
 * maps of processes that hold capabilities (profile's user frames).
 */
static int drop_privileges(struct daemon *r)
{
	static const cap_value_t ptrace_cap[] = { CAP_SYS_PTRACE };
	bool keep_ptrace = tracer_reads_procs(r);
	const char *what = "";
	int err, bound_kept;

	if (r->st.policy.status) {
		char *dir = xstrdup(r->st.policy.status), *slash = strrchr(dir, '/');

		if (slash && slash != dir) {
			*slash = 0;
			mkdir(dir, 0755);
		}
		free(dir);
	}
	err = privs_keep_only(keep_ptrace ? ptrace_cap : NULL, keep_ptrace ? 1 : 0,
			      &what, &bound_kept);
	if (err)
		out_err("dropping privileges failed (%s): %s", what, strerror(-err));
	else if (bound_kept)
		out_info(r->o, "no CAP_SETPCAP: the capability bounding set stays as it was "
			 "(nothing is permitted, and no_new_privs keeps it so)");
	return err ? -1 : 0;
}

static void notify_live(struct daemon *r);

/* Ready: what the engine said so far is in the file, then the ready file. */
static int announce(struct daemon *r)
{
	int err = log_flush(&r->log);

	if (err)
		out_err("writing the audit log %s failed: %s", r->st.policy.log,
			strerror(-err));
	if (r->o->ready_file && (err = write_ready_file(r->o->ready_file))) {
		out_err("cannot write the ready file %s: %s", r->o->ready_file,
			strerror(-err));
		return -1;
	}
	out_info(r->o, "%s: %zu rules live (generation %llu), logging to %s",
		 r->eng.enforcing ? "enforcing" : "AUDIT-ONLY",
		 engine_policy_of(&r->eng, r->eng.generation)->nrules,
		 (unsigned long long)r->eng.generation,
		 r->st.policy.log);
	notify_live(r);
	return 0;
}

static void open_control(struct daemon *r);

/*
 * The rules are read and compiled on a thread of their own while the main
 * thread loads the programs (the verifier's work, most of a start): with
 * thousands of rules the two take about as long.
 */
struct rules_job {
	struct daemon *r;
	struct diag *d;
	int policy_err, err;
};

static void *rules_work(void *arg)
{
	struct rules_job *job = arg;

	job->err = setup_rules(&job->r->st, job->policy_err, job->d);
	return NULL;
}

/*
 * The policy, then its rules compiled while the programs load: said in
 * the order of a start that did one after the other (the rules' problems,
 * then the protection's and the load's).  Programs loaded for rules with
 * errors are closed with the engine; "nothing was loaded" stays true of
 * the kernel, where nothing was attached.
 */
static int setup_and_load(struct daemon *r)
{
	struct diag d = { 0 };
	struct rules_job job = { .r = r, .d = &d };
	struct lsm_refusal lr = { 0 };
	pthread_t thread;
	int claim = 0, lerr = 0, terr;
	bool threaded, loaded = false;

	job.policy_err = setup_policy(&r->st, r->o, &d);
	threaded = !pthread_create(&thread, NULL, rules_work, &job);
	if (!threaded)
		rules_work(&job);	/* one after the other */
	if (!job.policy_err) {
		claim = protect_claim(&r->prot);
		/* under a lock the rules must compile to the locked policy
		 * before anything is loaded */
		if (!claim && !r->prot.locked) {
			lerr = load_programs(r, &lr);
			loaded = true;
		}
	}
	terr = threaded ? pthread_join(thread, NULL) : 0;
	if (terr)
		out_err("run: joining the rules' thread failed: %s", strerror(terr));
	out_diag(&d);
	diag_free(&d);
	if (job.err || terr) {
		out_err("run: the policy has errors; nothing was loaded");
		return -1;
	}
	if (claim_protection(r, claim))
		return -1;
	if (!loaded) {
		lerr = load_programs(r, &lr);
	}
	return load_said(r, &lr, lerr) ? -1 : 0;
}

static int daemon_start(struct daemon *r)
{
	int err;

	if (geteuid() != 0)
		out_err("run: not root; loading BPF programs will most likely fail");
	if (setup_and_load(r) || start_engine(r))
		return -1;
	boost_priority(r);
	if (open_log(r))
		return -1;
	err = apply_setup(r, &r->st);
	if (err) {
		out_err("writing the policy maps failed: %s", strerror(-err));
		return -1;
	}
	/* the policy is live: now older pinned programs may go */
	err = pin_commit(&r->eng, pin_mode_for(r));
	if (err)
		out_err("pinning under %s failed (%s): the programs end with the daemon",
			BW_PIN_DIR, strerror(-err));
	pin_log(&r->log, &r->eng);
	if (start_reading(r))
		return -1;
	open_control(r);
	if (arm_protection(r))
		return -1;
	loop_signals(LOOP_SIG_STOP | LOOP_SIG_HUP | LOOP_SIG_USR1);
	if (drop_privileges(r))
		return -1;
	return announce(r);
}

/* Stopped: the last records, the stop record. */
static void daemon_stop(struct daemon *r)
{
	struct json *j;

	notify_stopping();
	finish(r);
	j = log_begin(&r->log, "stop", 0);
	json_ku64(j, "decisions", r->decisions);
	json_ku64(j, "write_errors", r->log.write_errors);
	json_ku64(j, "unwritten", r->log.unwritten_total);
	json_kbool(j, "kept", r->kept);
	log_prog_stats(j, &r->eng);
	log_end(&r->log);
	out_info(r->o, "stopped: %llu decision records", (unsigned long long)r->decisions);
}

static void forget_methods(struct daemon *r);

static void daemon_free(struct daemon *r)
{
	control_close(&r->ctl);	/* a stop's connection stays until the exit */
	forget_methods(r);
	if (r->o->ready_file)
		unlink(r->o->ready_file);
	rings_free(&r->rings);
	for (size_t i = 0; i < ARRAY_SIZE(r->tr); i++) {
		tr_close(&r->tr[i].inst);
		free(r->tr[i].error);
		free(r->tr[i].cfg);
	}
	protect_close(&r->prot);
	engine_close(&r->eng);
	if (r->log.path)
		log_close(&r->log);
	metrics_free(&r->metrics);
	setup_free(&r->st);
	free(r);
}

/* ---- the control socket and the service manager (control.h, notify.h) ---- */

/* READY=1 and what is live, to a service manager that listens. */
static void notify_live(struct daemon *r)
{
	const struct bw_compiled *cp = engine_policy_of(&r->eng, r->eng.generation);

	notify_ready(r->eng.generation, cp ? cp->nrules : 0,
		     cp && cp->mode == BW_MODE_AUDIT ? "audit" : "enforce");
}

static void reload_begun(struct daemon *r)
{
	notify_reloading();
	control_reload_begin(&r->ctl);
}

/* A reload's end: READY=1 again whatever came of it (the engine runs on,
 * with the old policy or the new), and the callers that asked for it. */
static void reload_ended(struct daemon *r, const struct diag *d, const char *error)
{
	notify_live(r);
	control_reload_end(&r->ctl, d, error, r->eng.generation);
}

static void ctl_reload(void *ctx)
{
	reload_start(ctx);
}

/*
 * `bulwark stop [--detach]`: the loop ends as on SIGTERM.  stop_detach is
 * the request's flag for the exit path: with on_exit = keep (engine/pin.h)
 * it means "remove the pins and detach anyway"; without pinning every stop
 * detaches already.  A stop this engine must not do (a detach under
 * lock = yes) returns why instead, and nothing happens.
 */
static const char *ctl_stop(void *ctx, bool detach)
{
	struct daemon *r = ctx;

	if (detach && protect_locked(&r->prot))
		return "the policy is locked until reboot (lock = yes): a stop that detaches would remove it";
	r->stop_detach = detach;
	loop_request_stop();
	return NULL;
}

/* Every rule: its class, action and how it is enforced here. */
static void rules_json(struct daemon *r, struct json *j, const struct bw_compiled *cp)
{
	json_key(j, "rules_per_class");
	json_obj_begin(j);
	for (int c = 0; c < BW_NCLASS; c++)
		json_ku64_rt(j, bw_class_name(c), cp->meta[c].nrules);
	json_obj_end(j);
	json_key(j, "rule_methods");
	json_obj_begin(j);
	for (int c = 0; c < BW_NCLASS; c++) {
		for (uint32_t i = 0; i < cp->meta[c].nrules; i++) {
			const struct bw_rule *rule = cp->rule[c][i];

			if (!rule)
				continue;
			if (c == BW_CLASS_SYSCALL)
				json_kstr_rt(j, rule->name, i < r->nrule_method ?
					  r->rule_method[i] : "?");
			else
				json_kstr_rt(j, rule->name, r->eng.enforcing ?
					  "bpf-lsm" : "tracepoint (audit only)");
		}
	}
	json_obj_end(j);
}

static void forget_methods(struct daemon *r)
{
	for (size_t i = 0; i < r->nrule_method; i++)
		free(r->rule_method[i]);
	free(r->rule_method);
	r->rule_method = NULL;
	r->nrule_method = 0;
}

/* A new policy's syscall rule methods, while its matches are there. */
static void remember_methods(struct daemon *r, const struct bw_compiled *cp)
{
	uint32_t n = cp->meta[BW_CLASS_SYSCALL].nrules;
	char buf[512];

	forget_methods(r);
	r->rule_method = xcalloc(n + 1, sizeof(*r->rule_method));
	for (uint32_t i = 0; i < n; i++) {
		const struct bw_rule *rule = cp->rule[BW_CLASS_SYSCALL][i];

		r->rule_method[i] = xstrdup(rule ? syscall_rule_method(rule, r->eng.guards,
					r->eng.enforcing, buf, sizeof(buf)) : "?");
	}
	r->nrule_method = n;
}

/* Runs and run time per program: counted while kernel.bpf_stats_enabled=1. */
static void prog_stats_json(struct daemon *r, struct json *j)
{
	long long on;

	json_kbool(j, "bpf_stats_enabled",
		   !read_sysctl("/proc/sys/kernel/bpf_stats_enabled", &on) && on);
	json_key(j, "program_stats");
	json_obj_begin(j);
	for (int i = 0; i < r->eng.nprogs; i++) {
		uint64_t runs, ns;
		uint32_t insns;

		if (!prog_state_runs(r->eng.progs[i].state) ||
		    engine_prog_stats(&r->eng, i, &runs, &ns, &insns))
			continue;
		json_key_rt(j, r->eng.progs[i].prog);
		json_obj_begin(j);
		json_ku64(j, "runs", runs);
		json_ku64(j, "run_ns", ns);
		json_obj_end(j);
	}
	json_obj_end(j);
}

/* The log thread's priority: as set at start, and its nice value now. */
static void priority_json(struct daemon *r, struct json *j)
{
	int nice;

	json_key(j, "priority");
	json_obj_begin(j);
	json_ku64(j, "boost", r->prio.boost);
	if (!prio_nice_self(&nice))
		json_ki64(j, "nice", nice);
	if (r->prio.err)
		json_kstr(j, "error", strerror(-r->prio.err));
	json_obj_end(j);
}

/* The live status: the status file's members, then what only the engine
 * knows at the moment of asking. */
static void ctl_status(void *ctx, struct json *j)
{
	struct daemon *r = ctx;
	const struct bw_compiled *cp = engine_policy_of(&r->eng, r->eng.generation);
	struct bw_status s = { 0 };

	engine_status(r, &s);
	log_status(r, &s);
	tracers_status(r, &s);
	status_json_fields(j, &s);
	for (int c = 0; c < BW_NCLASS; c++)
		free(s.lost[c].per_cpu);
	free(s.tracers);
	free(s.progs);
	json_kbool(j, "live", true);
	json_ku64(j, "log_file_size", r->log.size);
	json_kbool(j, "reloading", r->reload.running);
	priority_json(r, j);
	if (cp)
		rules_json(r, j, cp);
	prog_stats_json(r, j);
	json_key(j, "protection");
	json_obj_begin(j);
	json_kbool(j, "protect", r->prot.protect);
	json_kbool(j, "lock", r->prot.locked);
	if (r->prot.locked)
		json_kstr(j, "locked_hash", r->prot.locked_hash);
	json_obj_end(j);
}

static const struct control_ops ctl_ops = {
	.reload = ctl_reload,
	.stop = ctl_stop,
	.status = ctl_status,
};

/* The control socket, while we may create it; without it the engine runs
 * on (signals still reload and stop it), and says so. */
static void open_control(struct daemon *r)
{
	const char *path = r->st.policy.control;
	int err;

	if (!path)
		return;
	err = control_open(&r->ctl, path, r->rings.epfd, &r->log, &ctl_ops, r);
	if (err == -EADDRINUSE)
		out_err("warning: another engine answers on the control socket %s; this one has none",
			path);
	else if (err)
		out_err("warning: cannot listen on the control socket %s: %s; "
			"bulwark reload, stop and status cannot reach this engine",
			path, strerror(-err));
}

int daemon_run(const struct bw_opts *o)
{
	struct daemon *r;
	int ret = 1;

	/* One malloc arena: a reload compiles on its own thread, and a thread
	 * arena's top is never given back by malloc_trim(); the daemon's
	 * memory after a reload must be what it was after the start. */
#ifndef __SANITIZE_ADDRESS__	/* ASan's allocator has no arenas to set */
	if (!mallopt(M_ARENA_MAX, 1))
		out_err("warning: mallopt(M_ARENA_MAX) failed: a reload may keep its memory");
#endif
	r = xcalloc(1, sizeof(*r));
	r->o = o;
	r->rings.epfd = -1;
	r->prot.pinned_fd = -1;
	if (!daemon_start(r)) {
		r->tick_last = time(NULL);
		ret = loop_run(loop_step, r, 0) ? 1 : 0;
		daemon_stop(r);
	}
	daemon_free(r);
	return ret;
}
