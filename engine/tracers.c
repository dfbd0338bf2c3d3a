// SPDX-License-Identifier: GPL-2.0
/* The tracers built on bpf/trace.bpf.h: table, loader, standalone command. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "container.h"
#include "kernel.h"
#include "log.h"
#include "policy.h"
#include "tracers.h"
#include "util.h"

/*
 * Weak, so that a tracer is listed once its file is linked in; the table
 * skips the ones that are not.
 */
#define TRACER(x) extern const struct tracer_desc x##_tracer __attribute__((weak))
TRACER(process);
TRACER(ipc);
TRACER(capable);
TRACER(container);
TRACER(opensnoop);
TRACER(mountsnoop);
TRACER(sigsnoop);
TRACER(tcp);
TRACER(tcpconnlat);
TRACER(tcprtt);
TRACER(files);
TRACER(oomkill);
TRACER(memleak);
TRACER(seccomp);
TRACER(syscall);
TRACER(profile);
#undef TRACER

const struct tracer_desc *const tracer_table[] = {
	&process_tracer, &ipc_tracer, &capable_tracer, &container_tracer,
	&opensnoop_tracer, &mountsnoop_tracer, &sigsnoop_tracer, &tcp_tracer,
	&tcpconnlat_tracer, &tcprtt_tracer, &files_tracer, &oomkill_tracer,
	&memleak_tracer, &seccomp_tracer,
	&syscall_tracer, &profile_tracer,
};
const size_t tracer_count = ARRAY_SIZE(tracer_table);
_Static_assert(ARRAY_SIZE(tracer_table) <= BW_TRACERS_MAX,
	       "struct bw_policy holds BW_TRACERS_MAX tracers' settings");

const char *const *tracer_modes(const struct tracer_desc *d, size_t *n)
{
	static const char *const on_off[] = { "on", "off", NULL };
	const char *const *m = d->modes ? d->modes : on_off;

	for (*n = 0; m[*n]; (*n)++)
		;
	return m;
}

int tracer_mode_parse(const struct tracer_desc *d, const char *value)
{
	size_t n;
	const char *const *m = tracer_modes(d, &n);
	int mode = 1;

	if (!strcmp(value, "off"))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(m[i], "off"))
			continue;
		if (!strcmp(m[i], value))
			return mode;
		mode++;
	}
	return -1;
}

const struct tracer_desc *tracer_find(const char *name)
{
	for (size_t i = 0; i < tracer_count; i++)
		if (tracer_table[i] && !strcmp(tracer_table[i]->name, name))
			return tracer_table[i];
	return NULL;
}

/* ---- loading: the first variant that really loads and attaches ---- */

static bool prog_in(const char *name, const char *list)
{
	size_t n = strlen(name);

	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

void tr_unlink(struct tr_inst *t)
{
	for (size_t i = 0; i < t->nlinks; i++)
		bpf_link__destroy(t->links[i]);
	free(t->links);
	t->links = NULL;
	t->nlinks = 0;
}

static void tr_detach(struct tr_inst *t)
{
	tr_unlink(t);
	if (t->skel)
		t->d->skel_destroy(t->skel);
	t->skel = NULL;
}

/* libbpf prints its own reasons; keep them out of the user's way */
static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/*
 * An LSM program attaches even where bpf is not in the kernel's LSM list,
 * and then never runs: such a variant does not count as working.
 */
static bool lsm_unusable(struct bpf_object *obj)
{
	struct bpf_program *prog;
	char buf[256];

	bpf_object__for_each_program(prog, obj)
		if (bpf_program__autoload(prog) &&
		    bpf_program__type(prog) == BPF_PROG_TYPE_LSM)
			return kernel_bpf_lsm_active(buf, sizeof(buf)) != 1;
	return false;
}

void tr_add_link(struct tr_inst *t, struct bpf_link *l)
{
	t->links = xreallocarray(t->links, t->nlinks + 1, sizeof(*t->links));
	t->links[t->nlinks++] = l;
}

int tr_attach_all(struct tr_inst *t)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, t->d->skel_obj(t->skel)) {
		struct bpf_link *l;

		if (!bpf_program__autoload(prog))
			continue;
		l = bpf_program__attach(prog);
		if (!l)
			return -errno;
		tr_add_link(t, l);
	}
	return 0;
}

static int load_and_attach(struct tr_inst *t, const struct tr_variant *v,
			   struct bpf_object *obj, const void *cfg, const char **stage)
{
	int ret;

	*stage = "load";
	ret = bpf_object__load(obj);
	if (ret)
		return ret;
	*stage = "map set-up";
	if (t->d->set_maps && (ret = t->d->set_maps(t->skel, cfg)))
		return ret;
	*stage = "attach";
	if (t->d->attach)
		return t->d->attach(t, v, cfg);
	return tr_attach_all(t);
}

static int shrink_map(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	if (!map)
		return -ENOENT;
	return bpf_map__set_max_entries(map, 1);
}

static int try_variant(struct tr_inst *t, const struct tr_variant *v,
		       const struct tr_filter *f, const void *cfg, const char **stage)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	libbpf_print_fn_t old;
	int ret;

	*stage = "open";
	t->skel = t->d->skel_open();
	if (!t->skel)
		return -errno;
	obj = t->d->skel_obj(t->skel);
	*t->d->skel_filter(t->skel) = *f;
	if (t->d->set_rodata)
		t->d->set_rodata(t->skel, cfg);
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, prog_in(bpf_program__name(prog), v->progs));
	if (t->d->pending_mode_only && !v->alt) {
		ret = shrink_map(obj, "tr_pending");
		if (ret)
			return ret;
	}
	if (lsm_unusable(obj)) {
		*stage = "use (bpf is not in " LSM_LIST_PATH ": it would never run)";
		return -EOPNOTSUPP;
	}
	old = libbpf_set_print(quiet_print);
	ret = load_and_attach(t, v, obj, cfg, stage);
	libbpf_set_print(old);
	return ret;
}

int tr_open(struct tr_inst *t, const struct tracer_desc *d,
	    const struct tr_filter *f, bool alt, char *err, size_t errlen)
{
	return tr_open_via(t, d, f, alt, NULL, err, errlen);
}

int tr_open_via(struct tr_inst *t, const struct tracer_desc *d,
		const struct tr_filter *f, bool alt, const char *via,
		char *err, size_t errlen)
{
	return tr_open_cfg(t, d, f, alt, via, NULL, err, errlen);
}

int tr_open_cfg(struct tr_inst *t, const struct tracer_desc *d,
		const struct tr_filter *f, bool alt, const char *via,
		const void *cfg, char *err, size_t errlen)
{
	size_t used = 0;
	int ret = -ENOENT;

	memset(t, 0, sizeof(*t));
	t->d = d;
	err[0] = 0;
	for (const struct tr_variant *v = d->variants; v->mechanism; v++) {
		const char *stage;

		if (v->alt != alt || (via && strncmp(v->mechanism, via, strlen(via))))
			continue;
		ret = try_variant(t, v, f, cfg, &stage);
		if (!ret) {
			t->via = v;
			return 0;
		}
		tr_detach(t);
		if (used < errlen)
			used += snprintf(err + used, errlen - used, "%s%s: %s failed (%s)",
					 used ? "; " : "", v->mechanism, stage, strerror(-ret));
	}
	if (!err[0])
		snprintf(err, errlen, via ? "no attach method '%s'" : "no attach method", via);
	return ret;
}

int tr_events_fd(const struct tr_inst *t)
{
	struct bpf_map *m = bpf_object__find_map_by_name(t->d->skel_obj(t->skel),
							  "tr_events");

	return m ? bpf_map__fd(m) : -ENOENT;
}

uint64_t tr_lost(const struct tr_inst *t)
{
	struct bpf_map *m = bpf_object__find_map_by_name(t->d->skel_obj(t->skel),
							  "tr_lost");

	return m ? percpu_counter_sum(bpf_map__fd(m), 0) : 0;
}

uint64_t tr_skipped(const struct tr_inst *t)
{
	struct bpf_program *prog;
	uint64_t n = 0;

	bpf_object__for_each_program(prog, t->d->skel_obj(t->skel))
		n += prog_skipped(prog);
	return n;
}

void tr_close(struct tr_inst *t)
{
	if (t->d)
		tr_detach(t);
	memset(t, 0, sizeof(*t));
}

/* ---- records ---- */

void tr_record_json(struct json *j, const struct tracer_desc *d, const void *rec)
{
	tr_ident_json(j, rec);
	d->json(j, rec);
}

/* ---- `bulwark trace NAME` ---- */

struct tr_print {
	const struct tracer_desc *d;
	bool json, timestamps;
	int64_t boot_to_real;
	struct json j;
};

static int print_record(void *ctx, void *data, size_t size)
{
	struct tr_print *p = ctx;
	const struct tr_ident *h = data;
	char tbuf[64];

	if (size < p->d->rec_size || (p->d->keep && !p->d->keep(data)))
		return 0;
	format_time((int64_t)h->ts + p->boot_to_real, tbuf, sizeof(tbuf));
	if (p->json) {
		json_reset(&p->j);
		json_obj_begin(&p->j);
		json_kstr(&p->j, "time", tbuf);
		json_kstr(&p->j, "tracer", p->d->name);
		tr_record_json(&p->j, p->d, data);
		json_obj_end(&p->j);
		return json_write_line(&p->j, stdout) ? -EIO : 0;
	}
	if (p->timestamps)
		printf("%-12.12s ", tbuf + 11);
	printf("%-7u %-16.16s ", h->pid, h->comm);
	p->d->row(stdout, data);
	putchar('\n');
	return 0;
}

static void tr_help(const struct tracer_desc *d, FILE *out)
{
	static const struct {
		char letter;	/* its short option, or 0 */
		const char *long_name, *line;
	} shared[] = {
		{ 'p', "pid", "  -p, --pid PID        only this process\n" },
		{ 'c', "comm", "  -c, --comm COMM      only tasks with this command name\n" },
		{ 'u', "uid", "  -u, --uid UID        only tasks of this user id\n" },
		{ 0, "cgroup", "      --cgroup PATH    only tasks in this cgroup (v2 path)\n" },
		{ 0, "container", "      --container ID   only tasks in this container (id or name)\n" },
		{ 'd', "duration", "  -d, --duration SECS  stop after this long\n" },
		{ 'T', "timestamp", "  -T, --timestamp      a time column\n" },
		{ 0, "via", "      --via METHOD     only this attach method (its first word, e.g. raw_tp)\n" },
	};

	fprintf(out, "Usage: bulwark trace %s [OPTIONS]\n\n%s.\n\n", d->name, d->summary);
	/* the ones the tracer's own options replace are not shown */
	for (size_t i = 0; i < ARRAY_SIZE(shared); i++) {
		bool own = shared[i].letter && d->shorts && strchr(d->shorts, shared[i].letter);

		for (const struct option *o = d->opts; !own && o && o->name; o++)
			own = !strcmp(o->name, shared[i].long_name);
		if (!own)
			fputs(shared[i].line, out);
	}
	if (d->summarize)
		fprintf(out, d->interval_default ?
			"  -i, --interval SECS  a summary every SECS (default: %u; 0: at the end)\n" :
			"  -i, --interval SECS  a summary every SECS (default: only at the end)\n",
			d->interval_default);
	if (d->opts_help)
		fputs(d->opts_help, out);
	if (d->has_result)
		fprintf(out, "  -x, --failed         failed calls only\n");
	if (d->mode_opt)
		fprintf(out, "  -%c, --%-14s %s\n", d->mode_opt, d->mode_long, d->mode_help);
	if (d->val_opt)
		fprintf(out, "  -%c, --%s %s\n", d->val_opt, d->val_long, d->val_help);
	fprintf(out, "  -j, --json           JSON lines\n\nAttach methods, best first:\n");
	for (const struct tr_variant *v = d->variants; v->mechanism; v++)
		fprintf(out, "  %s%s\n", v->mechanism, v->alt ? "  (with -k)" : "");
	if (d->notes)
		fprintf(out, "\n%s", d->notes);
}

enum { OPT_CGROUP = 0x100, OPT_CONTAINER, OPT_VIA };

/* What the command needs beyond the filter. */
struct tr_args {
	struct tracer_opts to;
	bool alt, ts;
	const char *via;
	unsigned int interval;
	void *cfg;
};

/* The shared long options, then the tracer's own: a table to free. */
static struct option *tr_longopts(const struct tracer_desc *d)
{
	static const struct option shared[] = {
		TRACER_LONG_OPTS,
		{ "uid", required_argument, NULL, 'u' },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "container", required_argument, NULL, OPT_CONTAINER },
		{ "timestamp", no_argument, NULL, 'T' },
		{ "failed", no_argument, NULL, 'x' },
		{ "via", required_argument, NULL, OPT_VIA },
		{ "interval", required_argument, NULL, 'i' },
	};
	size_t nown = 0, n = 0;
	struct option *o;

	while (d->opts && d->opts[nown].name)
		nown++;
	o = xcalloc(nown + ARRAY_SIZE(shared) + 3, sizeof(*o));
	/* first the tracer's: getopt_long takes the first of a name */
	for (size_t i = 0; i < nown; i++)
		o[n++] = d->opts[i];
	for (size_t i = 0; i < ARRAY_SIZE(shared); i++)
		if (shared[i].val != 'i' || d->summarize)
			o[n++] = shared[i];
	if (d->mode_opt)
		o[n++] = (struct option){ d->mode_long, no_argument, NULL, d->mode_opt };
	if (d->val_opt)
		o[n++] = (struct option){ d->val_long, required_argument, NULL, d->val_opt };
	return o;
}

/* Is c one of the tracer's own options? */
static bool own_opt(const struct tracer_desc *d, int c)
{
	if (!d->opt)
		return false;
	for (const struct option *o = d->opts; o && o->name; o++)
		if (o->val == c)
			return true;
	return c > 0 && c < 0x100 && c != ':' && d->shorts && strchr(d->shorts, c);
}

/* --container: the kernel compares short ids, as rules do. */
static int container_filter(const struct tracer_desc *d, const char *v,
			    struct tr_filter *f)
{
	enum container_value k = container_value_kind(v);

	if (k != CTR_VAL_ID && k != CTR_VAL_NAME) {
		out_err("%s: bad container '%s' (an id of 12 to 64 hex characters, or a name)",
			d->name, v);
		return -1;
	}
	f->filter_container = 1;
	container_value_short(v, f->container);
	return 0;
}

/* One shared option into a or f; 0, or the command's exit status + 1. */
static int tr_shared_opt(const struct tracer_desc *d, int ch, struct tr_args *a,
			 struct tr_filter *f)
{
	unsigned long long v;

	if (ch == 'u') {
		if (parse_u64(optarg, UINT32_MAX - 1, &v)) {
			out_err("%s: bad uid '%s'", d->name, optarg);
			return 3;
		}
		f->filter_uid = 1;
		f->uid = v;
	} else if (ch == OPT_CGROUP) {
		if (cgroup_id_of_path(optarg, &v)) {
			out_err("%s: no cgroup %s under the cgroup2 mount", d->name, optarg);
			return 3;
		}
		f->cgroup_id = v;
	} else if (ch == OPT_CONTAINER) {
		if (container_filter(d, optarg, f))
			return 3;
	} else if (ch == OPT_VIA) {
		a->via = optarg;
	} else if (ch == 'T') {
		a->ts = true;
	} else if (ch == 'i' && d->summarize) {
		if (parse_u64(optarg, 86400, &v)) {
			out_err("%s: bad interval '%s' (seconds; 0: only at the end)",
				d->name, optarg);
			return 3;
		}
		a->interval = v;
	} else if (ch == d->mode_opt && ch) {
		/* before -x: process -x is execsnoop's, failed execs too */
		a->alt = true;
	} else if (ch == 'x') {
		if (!d->has_result) {
			out_err("%s: -x does not apply: its records have no result", d->name);
			return 3;
		}
		f->failed_only = 1;
	} else if (ch == d->val_opt && ch) {
		if (d->val_parse(optarg, a->cfg))
			return 3;
	} else if (ch == 'h') {
		tr_help(d, stdout);
		return 1;
	} else {
		tr_help(d, stderr);
		return 3;
	}
	return 0;
}

/* Options into the filter; 0 to go on, else the command's exit status + 1. */
static int tr_parse(const struct tracer_desc *d, int argc, char **argv,
		    struct tr_args *a, struct tr_filter *f)
{
	struct option *opts = tr_longopts(d);
	char shorts[96];
	int ch, ret = 0;

	/* the tracer's letters first: getopt takes the first of a letter */
	snprintf(shorts, sizeof(shorts), "%s%su:Tx%s%.1s%.1s%s", d->shorts ? d->shorts : "",
		 TRACER_SHORT_OPTS, d->summarize ? "i:" : "", &d->mode_opt, &d->val_opt,
		 d->val_opt ? ":" : "");
	a->interval = d->interval_default;
	optind = 1;
	while (!ret && (ch = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		int r;

		if (own_opt(d, ch)) {
			ret = d->opt(ch, optarg, a->cfg) ? 3 : 0;
			continue;
		}
		r = tracer_common_opt(ch, optarg, &a->to, d->name);
		if (r)
			ret = r < 0 ? 3 : tr_shared_opt(d, ch, a, f);
	}
	free(opts);
	if (ret)
		return ret;
	if (optind < argc) {
		out_err("%s: unexpected argument '%s'", d->name, argv[optind]);
		return 3;
	}
	f->tgid = a->to.pid;
	if (a->to.comm) {
		f->filter_comm = 1;
		strncpy(f->comm, a->to.comm, sizeof(f->comm) - 1);
	}
	return 0;
}

static struct json *snap_begin(void *ctx)
{
	struct tr_print *p = ctx;
	struct timespec now;
	char tbuf[64];

	clock_gettime(CLOCK_REALTIME, &now);
	format_time(now.tv_sec * 1000000000LL + now.tv_nsec, tbuf, sizeof(tbuf));
	json_reset(&p->j);
	json_obj_begin(&p->j);
	json_kstr(&p->j, "time", tbuf);
	json_kstr(&p->j, "tracer", p->d->name);
	return &p->j;
}

static void snap_end(void *ctx)
{
	struct tr_print *p = ctx;

	json_obj_end(&p->j);
	json_write_line(&p->j, stdout);
}

/* A summary tracer's summary, as often as -i says and at the end. */
struct tr_sum {
	struct tr_print *p;
	const struct tr_inst *t;
	const void *cfg;
};

static int print_summary(void *ctx)
{
	struct tr_sum *s = ctx;
	struct tr_emit e = { s->p->json ? NULL : stdout, snap_begin, snap_end, s->p };
	int ret;

	if (!s->p->json && s->p->timestamps) {
		char tbuf[64];
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		format_time(now.tv_sec * 1000000000LL + now.tv_nsec, tbuf, sizeof(tbuf));
		printf("%.8s\n", tbuf + 11);
	}
	ret = s->t->d->summarize(s->t, s->cfg, &e, true);
	if (ret)
		out_err("trace %s: reading its maps failed: %s", s->t->d->name, strerror(-ret));
	fflush(stdout);
	return ret;
}

static void tr_header(const struct tr_print *p)
{
	if (p->json || !p->d->columns)
		return;
	if (p->timestamps)
		printf("%-12s ", "TIME");
	printf("%-7s %-16s %s\n", "PID", "COMM", p->d->columns);
}

static int tr_run(struct tr_print *p, struct tr_inst *t, const struct tr_args *a)
{
	struct tr_sum s = { p, t, a->cfg };
	struct ring_buffer *rb;
	uint64_t skipped;
	int ret;

	rb = ring_buffer__new(tr_events_fd(t), print_record, p, NULL);
	if (!rb) {
		out_err("trace %s: cannot open the ring buffer: %s", p->d->name, strerror(errno));
		return 1;
	}
	tr_header(p);
	if (p->d->snapshot) {
		struct tr_emit e = { p->json ? NULL : stdout, snap_begin, snap_end, p };

		p->d->snapshot(&e);
	}
	ret = tracer_loop_every(rb, a->to.duration, a->interval,
				p->d->summarize ? print_summary : NULL, &s);
	if (ret)
		out_err("trace %s: reading the ring buffer failed: %s", p->d->name,
			strerror(-ret));
	if (p->d->summarize && (ret == 0 || ret == -EINTR))
		ret = print_summary(&s);
	if (tr_lost(t))
		out_err("trace %s: lost %llu records (ring buffer full)", p->d->name,
			(unsigned long long)tr_lost(t));
	skipped = tr_skipped(t);
	if (skipped)
		out_err("trace %s: the kernel skipped %llu runs of its programs "
			"(recursion: a BPF program was already running on that CPU)",
			p->d->name, (unsigned long long)skipped);
	ring_buffer__free(rb);
	return ret ? 1 : 0;
}

int tr_command(const struct tracer_desc *d, int argc, char **argv, bool json)
{
	struct tr_args a = { .to = { .json = json } };
	struct tr_filter f = { .self_tgid = getpid() };
	struct tr_print p = { .d = d };
	struct tr_inst t;
	char err[512];
	int ret;

	if (d->command)
		return d->command(d, argc, argv, json);
	a.cfg = d->cfg_size ? xcalloc(1, d->cfg_size) : NULL;
	ret = tr_parse(d, argc, argv, &a, &f);
	if (ret) {
		free(a.cfg);
		return ret - 1;
	}
	p.json = a.to.json;
	p.timestamps = a.ts;
	ret = tr_open_cfg(&t, d, &f, a.alt, a.via, a.cfg, err, sizeof(err));
	if (ret) {
		out_err("trace %s: cannot run on this kernel: %s", d->name, err);
		free(a.cfg);
		return 1;
	}
	p.boot_to_real = tracer_boot_to_real();
	json_init(&p.j);
	ret = tr_run(&p, &t, &a);
	json_free(&p.j);
	tr_close(&t);
	free(a.cfg);
	return ret;
}
