// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "args.h"
#include "cli.h"
#include "engine.h"
#include "log.h"
#include "metrics.h"
#include "names.h"
#include "ini_scan.h"
#include "privs.h"
#include "syscall.h"
#include "syscalls.h"
#include "tracers.h"
#include "trace_syscall.h"
#include "util.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;
static volatile sig_atomic_t rotate_requested;

static void on_usr1(int sig)
{
	(void)sig;
	rotate_requested = 1;
}

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

static void do_help(FILE *out)
{
	fprintf(out,
		"Usage: bulwark run [--config FILE] [--rules PATH]... [--log FILE]\n"
		"                   [--mode enforce|audit] [--ready-file FILE]\n"
		"\n"
		"Load the policy into the kernel and run in the foreground, writing\n"
		"the audit log.  SIGINT/SIGTERM detach and exit; SIGHUP reloads the\n"
		"rules (a bad rule set is reported and the live policy kept); SIGUSR1\n"
		"rotates the audit log.\n"
		"\n"
		"  -c, --config FILE      policy file (default " DEFAULT_CONFIG ")\n"
		"  -r, --rules PATH       rule file or directory; replaces the policy's list\n"
		"  -l, --log FILE         audit log (default from the policy file)\n"
		"  -m, --mode MODE        enforce, or audit (denials become would-deny)\n"
		"      --ready-file FILE  created once every program is attached and the\n"
		"                         policy is live; removed on exit\n"
		"  -v, --verbose          libbpf debug output\n");
}

struct run_ctx {
	struct bw_engine eng;
	struct sct sct;		/* the syscall tracer, when the policy asks */
	uint64_t sct_lost_seen;
	struct run_tracer {	/* the [tracers] of engine/tracers.h */
		struct run_ctx *r;
		struct tr_inst inst;
		uint64_t lost_seen;
		char *error;	/* why it could not start, for the status file */
	} tr[32];
	struct metrics metrics;
	bool status_err_said;
	uint64_t lost_total[BW_NCLASS];
	time_t metrics_due;
	struct bw_log log;
	struct bw_setup st;
	const struct bw_opts *o;
	uint64_t decisions;
};

static int handle_event(void *ctx, void *data, size_t size)
{
	struct run_ctx *r = ctx;
	const struct bw_compiled *cp;
	struct bw_event ev;

	/* copy first: the ring buffer slot is reused once we return */
	if (size < sizeof(ev))
		return 0;
	memcpy(&ev, data, sizeof(ev));
	if (ev.type != BW_REC_DECISION || ev.cls >= BW_NCLASS)
		return 0;
	r->decisions++;
	cp = engine_policy_of(&r->eng, ev.generation);
	log_decision(&r->log, &ev, cp);
	metrics_count(&r->metrics, ev.cls, ev.decision,
		      cp && ev.rule < BW_MAX_RULES && cp->rule[ev.cls][ev.rule] ?
		      cp->rule[ev.cls][ev.rule]->name : NULL);
	return 0;
}

/* How each syscall rule is carried out here: never claim what is not. */
/* A syscall tracer record: audit context around the decisions. */
static int handle_sct(void *ctx, void *data, size_t size)
{
	struct run_ctx *r = ctx;
	struct sct_event e;
	struct json *j;

	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	j = log_begin(&r->log, "syscall", e.h.ts);
	sct_event_json(j, &e);
	log_end(&r->log);
	return 0;
}

static int start_syscall_tracer(struct run_ctx *r, struct ring_buffer *rb);

/* A tracer record: audit context, with the exec id of who did it. */
static int handle_tracer(void *ctx, void *data, size_t size)
{
	struct run_tracer *t = ctx;
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
	struct run_tracer *t = ctx;

	return log_begin(&t->r->log, t->inst.d->name, 0);
}

static void snap_end(void *ctx)
{
	struct run_tracer *t = ctx;

	log_end(&t->r->log);
}

/*
 * One tracer of the policy's [tracers].  One that cannot run here is
 * reported (stderr and a "tracer" record saying why) and the engine goes
 * on without it: context is lost, not enforcement.
 */
static void start_tracer(struct run_ctx *r, struct ring_buffer *rb, size_t i)
{
	const struct tracer_desc *d = tracer_table[i];
	struct tr_filter f = { .self_tgid = getpid() };
	struct run_tracer *t = &r->tr[i];
	struct json *j;
	char err[512];
	int ret;

	t->r = r;
	ret = tr_open(&t->inst, d, &f, false, err, sizeof(err));
	if (!ret) {
		ret = ring_buffer__add(rb, tr_events_fd(&t->inst), handle_tracer, t);
		if (ret) {
			snprintf(err, sizeof(err), "cannot read its ring buffer: %s",
				 strerror(-ret));
			tr_close(&t->inst);
		}
	}
	j = log_begin(&r->log, "tracer", 0);
	json_kstr(j, "tracer", d->name);
	json_kstr(j, "state", ret ? "failed" : "attached");
	json_kstr(j, ret ? "error" : "mechanism", ret ? err : t->inst.via->mechanism);
	log_end(&r->log);
	if (ret) {
		out_err("the %s tracer cannot run here: %s", d->name, err);
		t->error = xstrdup(err);
	} else if (d->snapshot) {
		struct tr_emit e = { NULL, snap_begin, snap_end, t };

		d->snapshot(&e);
	}
}

static int start_tracers(struct run_ctx *r, struct ring_buffer *rb)
{
	for (size_t i = 0; i < tracer_count && i < ARRAY_SIZE(r->tr); i++)
		if (tracer_table[i] && (r->st.policy.tracers_on & (1u << i)))
			start_tracer(r, rb, i);
	return start_syscall_tracer(r, rb);
}

static int start_syscall_tracer(struct run_ctx *r, struct ring_buffer *rb)
{
	const struct bw_policy *p = &r->st.policy;
	struct sct_opts so = { .count = p->trace_syscall == BW_TRACE_FIRST };
	char err[256];
	int ret;

	if (p->trace_syscall == BW_TRACE_OFF)
		return 0;
	if (p->trace_syscall_filter) {
		char *copy = xstrdup(p->trace_syscall_filter), *vals[256];
		size_t n = split_list(copy, vals, 256);

		for (size_t i = 0; i < n; i++)
			syscall_resolve(vals[i], &so.ids, &so.nids);
		free(copy);
	}
	ret = sct_open(&r->sct, &so, err, sizeof(err));
	free(so.ids);
	if (ret) {
		out_err("the syscall tracer did not start: %s", err);
		return ret;
	}
	ret = ring_buffer__add(rb, sct_events_fd(&r->sct), handle_sct, r);
	if (ret) {
		out_err("cannot read the syscall tracer: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

static void log_syscall_methods(struct run_ctx *r, struct json *j,
				const struct bw_compiled *cp)
{
	char buf[512];

	if (!cp->meta[BW_CLASS_SYSCALL].nrules)
		return;
	json_key(j, "syscall_methods");
	json_obj_begin(j);
	for (uint32_t i = 0; i < cp->meta[BW_CLASS_SYSCALL].nrules; i++) {
		const struct bw_rule *rule = cp->rule[BW_CLASS_SYSCALL][i];

		json_kstr(j, rule->name, syscall_rule_method(rule, r->eng.guards,
							     r->eng.enforcing, buf,
							     sizeof(buf)));
	}
	json_obj_end(j);
}

static void log_policy(struct run_ctx *r, const struct bw_compiled *cp,
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
		json_ku64(j, bw_class_name(c), cp->meta[c].nrules);
	json_obj_end(j);
	json_key(j, "files");
	json_arr_begin(j);
	for (size_t i = 0; i < rs->nfiles; i++)
		json_str(j, rs->files[i]);
	json_arr_end(j);
	log_syscall_methods(r, j, cp);
	log_end(&r->log);
}

static void log_start(struct run_ctx *r)
{
	struct json *j = log_begin(&r->log, "start", 0);

	json_kstr(j, "version", BW_VERSION);
	json_ku64(j, "pid", getpid());
	json_kbool(j, "enforcing", r->eng.enforcing);
	if (!r->eng.enforcing)
		json_kstr(j, "reason", r->eng.why);
	json_key(j, "programs");
	json_obj_begin(j);
	for (int i = 0; i < r->eng.nprogs; i++) {
		const struct prog_status *p = &r->eng.progs[i];

		if (p->state != PROG_OFF)
			json_kstr(j, p->prog, prog_state_name(p->state));
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

		if (e->progs[i].state != PROG_ATTACHED ||
		    engine_prog_stats(e, i, &runs, &ns, &insns))
			continue;
		json_key(j, e->progs[i].prog);
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

/* A tracer's kernel-side losses since the last look, as a lost record. */
static void tracer_lost(struct run_ctx *r, const char *what, uint64_t total,
			uint64_t *seen)
{
	struct json *j;

	if (total == *seen)
		return;
	out_err("lost %llu %s records (ring buffer full)",
		(unsigned long long)(total - *seen), what);
	j = log_begin(&r->log, "lost", 0);
	json_kstr(j, "event", what);
	json_kstr(j, "where", "kernel");
	json_ku64(j, "count", total - *seen);
	json_ku64(j, "total", total);
	log_end(&r->log);
	*seen = total;
}

static void check_lost(struct run_ctx *r)
{
	uint64_t delta[BW_NCLASS], total[BW_NCLASS];

	engine_lost(&r->eng, delta, total);
	memcpy(r->lost_total, total, sizeof(r->lost_total));
	if (r->sct.skel)
		tracer_lost(r, "syscall", sct_lost(&r->sct), &r->sct_lost_seen);
	for (size_t i = 0; i < ARRAY_SIZE(r->tr); i++)
		if (r->tr[i].inst.skel)
			tracer_lost(r, r->tr[i].inst.d->name, tr_lost(&r->tr[i].inst),
				    &r->tr[i].lost_seen);
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

/*
 * Hand the compiled policy to the engine together with the rules it
 * names, so that records of an older generation can still name theirs.
 */
static int apply_setup(struct run_ctx *r, struct bw_setup *st)
{
	struct bw_compiled *cp = st->compiled;
	int err;

	cp->owned = xmalloc(sizeof(*cp->owned));
	*cp->owned = st->rules;
	err = engine_apply(&r->eng, cp);
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
	return 0;
}

/* SIGHUP: the same load, check and compile as at start; all or nothing. */
static void reload(struct run_ctx *r)
{
	struct bw_setup next;
	struct diag d = { 0 };
	int err;

	err = setup_load(&next, r->o, &d);
	diag_print(&d, stderr);
	diag_free(&d);
	if (err) {
		out_err("reload: the new rules have errors (above); the live policy (generation %llu) stays",
			(unsigned long long)r->eng.generation);
	} else if ((err = apply_setup(r, &next))) {
		out_err("reload: writing the policy maps failed: %s; the live policy (generation %llu) stays",
			strerror(-err), (unsigned long long)r->eng.generation);
	} else {
		out_info(r->o, "policy generation %llu live",
			 (unsigned long long)r->eng.generation);
	}
	setup_free(&next);
}

static void write_metrics(struct run_ctx *r)
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

/* The status file `bulwark status` reads, rewritten every second. */
/* The [tracers] of the policy: attached (how, records lost) or failed (why). */
static void tracers_status_json(const struct run_ctx *r, struct json *j)
{
	json_key(j, "tracers");
	json_obj_begin(j);
	for (size_t i = 0; i < ARRAY_SIZE(r->tr); i++) {
		const struct run_tracer *t = &r->tr[i];

		if (!t->inst.skel && !t->error)
			continue;
		json_key(j, t->inst.skel ? t->inst.d->name : tracer_table[i]->name);
		json_obj_begin(j);
		json_kstr(j, "state", t->inst.skel ? "attached" : "failed");
		if (t->inst.skel) {
			json_kstr(j, "mechanism", t->inst.via->mechanism);
			json_ku64(j, "lost", t->lost_seen);
		} else {
			json_kstr(j, "error", t->error);
		}
		json_obj_end(j);
	}
	json_obj_end(j);
}

static void write_status(struct run_ctx *r)
{
	const struct bw_compiled *cp = engine_policy_of(&r->eng, r->eng.generation);
	const char *path = r->st.policy.status;
	struct json j;
	char *tmp;
	FILE *f;

	if (!path)
		return;
	json_init(&j);
	json_obj_begin(&j);
	json_ku64(&j, "pid", getpid());
	json_ki64(&j, "updated", (int64_t)time(NULL));
	json_kbool(&j, "enforcing", r->eng.enforcing);
	if (!r->eng.enforcing)
		json_kstr(&j, "reason", r->eng.why);
	json_ku64(&j, "generation", r->eng.generation);
	if (cp) {
		json_kstr(&j, "policy_hash", cp->hash);
		json_ku64(&j, "rules", cp->nrules);
		json_kstr(&j, "mode", cp->mode == BW_MODE_AUDIT ? "audit" : "enforce");
	}
	json_ku64(&j, "decisions", r->decisions);
	json_key(&j, "log");
	json_obj_begin(&j);
	json_kstr(&j, "path", r->log.path);
	json_ku64(&j, "records", r->log.records);
	json_ku64(&j, "bytes", r->log.bytes);
	json_ku64(&j, "write_errors", r->log.write_errors);
	json_ku64(&j, "unwritten", r->log.unwritten_total);
	json_kstr(&j, "state", r->log.stopped ? "stopped" : r->log.suspended ? "suspended" : "writing");
	json_ku64(&j, "rotations", r->log.rotations);
	json_obj_end(&j);
	json_key(&j, "lost");
	json_obj_begin(&j);
	for (int c = 0; c < BW_NCLASS; c++) {
		json_key(&j, bw_class_name(c));
		json_obj_begin(&j);
		json_ku64(&j, "total", r->lost_total[c]);
		per_cpu_json(&j, &r->eng, c);
		json_obj_end(&j);
	}
	json_obj_end(&j);
	tracers_status_json(r, &j);
	json_key(&j, "programs");
	json_obj_begin(&j);
	for (int i = 0; i < r->eng.nprogs; i++)
		if (r->eng.progs[i].state != PROG_OFF)
			json_kstr(&j, r->eng.progs[i].prog, prog_state_name(r->eng.progs[i].state));
	json_obj_end(&j);
	json_obj_end(&j);
	tmp = xasprintf("%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || (json_write_line(&j, f) | fclose(f)) || rename(tmp, path)) {
		if (!r->status_err_said)
			out_err("writing the status file %s failed: %s", path, strerror(errno));
		r->status_err_said = true;
	}
	free(tmp);
	json_free(&j);
}

static int write_ready_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	dprintf(fd, "%d\n", getpid());
	close(fd);
	return 0;
}

static int start_engine(struct run_ctx *r)
{
	int err;

	err = engine_load(&r->eng, true, r->o->verbose);
	if (err == -ENOTSUP) {
		out_err("cannot enforce: %s", r->eng.why);
		if (r->eng.libbpf_err[0])
			out_err("libbpf said: %s", r->eng.libbpf_err);
		if (r->st.policy.on_lsm_missing != BW_LSM_AUDIT) {
			out_err("refusing to start (on_lsm_missing = refuse in %s); "
				"set on_lsm_missing = audit to run audit-only",
				r->st.policy.file ? r->st.policy.file : "the policy");
			return -1;
		}
		char why[sizeof(r->eng.why)];

		memcpy(why, r->eng.why, sizeof(why));
		out_err("running AUDIT-ONLY with tracepoints: records are marked \"enforced\":false and nothing is denied");
		err = engine_load(&r->eng, false, r->o->verbose);
		memcpy(r->eng.why, why, sizeof(why));
	}
	if (err) {
		out_err("%s", r->eng.why);
		return -1;
	}
	err = engine_attach(&r->eng);
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
	/* Processes older than the engine get their exe resolved in the
	 * kernel at their first decision (mm->exe_file), not from /proc. */
	return 0;
}

static int main_loop(struct run_ctx *r, struct ring_buffer *rb)
{
	time_t last = time(NULL);

	while (!stop_requested) {
		int n = ring_buffer__poll(rb, 200);

		if (n < 0 && n != -EINTR) {
			out_err("reading the ring buffer failed: %s", strerror(-n));
			return -1;
		}
		if (reload_requested) {
			reload_requested = 0;
			reload(r);
		}
		if (rotate_requested) {
			int err;

			rotate_requested = 0;
			err = log_rotate(&r->log);
			if (err)
				out_err("rotating %s failed: %s", r->log.path, strerror(-err));
		}
		if (time(NULL) != last) {
			last = time(NULL);
			check_lost(r);
			log_sync_clock(&r->log);
			log_check_space(&r->log);
			write_status(r);
			if (last >= r->metrics_due) {
				write_metrics(r);
				r->metrics_due = last + r->st.policy.metrics_interval;
			}
		}
	}
	ring_buffer__consume(rb);
	check_lost(r);
	write_metrics(r);
	return 0;
}

int do_run(int argc, char **argv, struct bw_opts *o)
{
	static const struct option opts[] = {
		ARGS_COMMON_LONG,
		{ "log", required_argument, NULL, 'l' },
		{ "mode", required_argument, NULL, 'm' },
		{ "ready-file", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_ctx *r = xcalloc(1, sizeof(*r));
	struct ring_buffer *rb = NULL;
	struct diag d = { 0 };
	struct sigaction sa = { 0 };
	int c, err, ret = 1;

	while ((c = getopt_long(argc, argv, ARGS_COMMON_SHORT "l:m:", opts, NULL)) != -1) {
		if (c == 'h') {
			do_help(stdout);
			free(r);
			return 0;
		}
		if (c == 'l') {
			o->log = optarg;
		} else if (c == 'm') {
			if (!strcmp(optarg, "enforce"))
				o->mode = BW_MODE_ENFORCE;
			else if (!strcmp(optarg, "audit"))
				o->mode = BW_MODE_AUDIT;
			else {
				out_err("run: --mode takes enforce or audit, not '%s'", optarg);
				free(r);
				return 2;
			}
		} else if (c == 'R') {
			o->ready_file = optarg;
		} else if (args_common(c, optarg, o)) {
			do_help(stderr);
			free(r);
			return 2;
		}
	}
	r->o = o;
	if (geteuid() != 0)
		out_err("run: not root; loading BPF programs will most likely fail");

	err = setup_load(&r->st, o, &d);
	diag_print(&d, stderr);
	diag_free(&d);
	if (err) {
		out_err("run: the policy has errors; nothing was loaded");
		goto out;
	}
	if (start_engine(r))
		goto out;
	{
		struct log_cfg lc = {
			.max_size = r->st.policy.log_max_size,
			.keep = r->st.policy.log_keep,
			.flush = r->st.policy.log_flush,
			.freq = r->st.policy.log_freq,
			.full_action = r->st.policy.log_full_action,
			.space_left = r->st.policy.log_space_left,
		};

		err = log_open_cfg(&r->log, r->st.policy.log, &lc);
	}
	if (err) {
		out_err("cannot open the audit log %s: %s", r->st.policy.log,
			strerror(-err));
		goto out;
	}
	log_start(r);
	err = apply_setup(r, &r->st);
	if (err) {
		out_err("writing the policy maps failed: %s", strerror(-err));
		goto out;
	}

	rb = ring_buffer__new(engine_events_fd(&r->eng), handle_event, r, NULL);
	if (!rb) {
		out_err("cannot open the ring buffer: %s", strerror(errno));
		goto out;
	}
	if (start_tracers(r, rb))
		goto out;
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);

	if (r->st.policy.status) {
		char *dir = xstrdup(r->st.policy.status), *slash = strrchr(dir, '/');

		if (slash && slash != dir) {
			*slash = 0;
			mkdir(dir, 0755);	/* while we may: /run/bulwark */
		}
		free(dir);
	}
	{
		const char *what = "";

		err = privs_drop_all(&what);
		if (err) {
			out_err("dropping privileges failed (%s): %s", what, strerror(-err));
			goto out;
		}
	}
	if (o->ready_file && (err = write_ready_file(o->ready_file))) {
		out_err("cannot write the ready file %s: %s", o->ready_file,
			strerror(-err));
		goto out;
	}
	out_info(o, "%s: %zu rules live (generation %llu), logging to %s",
		 r->eng.enforcing ? "enforcing" : "AUDIT-ONLY",
		 engine_policy_of(&r->eng, r->eng.generation)->nrules,
		 (unsigned long long)r->eng.generation,
		 r->st.policy.log);
	ret = main_loop(r, rb) ? 1 : 0;
	{
		struct json *j = log_begin(&r->log, "stop", 0);

		json_ku64(j, "decisions", r->decisions);
		json_ku64(j, "write_errors", r->log.write_errors);
		json_ku64(j, "unwritten", r->log.unwritten_total);
		log_prog_stats(j, &r->eng);
		log_end(&r->log);
	}
	out_info(o, "stopped: %llu decision records", (unsigned long long)r->decisions);
out:
	if (o->ready_file)
		unlink(o->ready_file);
	ring_buffer__free(rb);
	if (r->sct.skel)
		sct_close(&r->sct);
	for (size_t i = 0; i < ARRAY_SIZE(r->tr); i++) {
		tr_close(&r->tr[i].inst);
		free(r->tr[i].error);
	}
	engine_close(&r->eng);
	if (r->log.f)
		log_close(&r->log);
	metrics_free(&r->metrics);
	setup_free(&r->st);
	args_free(o);
	free(r);
	return ret;
}
