// SPDX-License-Identifier: GPL-2.0
/*
 * profile: a CPU profile by sampling.  The kernel counts stacks (see
 * bpf/profile.bpf.c); here they are named, folded ("comm;outer;...;inner
 * N", as flame graph tools read them) and drawn as an SVG flame graph.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "flamegraph.h"
#include "profile.h"
#include "profile_lua.h"
#include "symbols.h"
#include "tracers.h"
#include "profile.skel.h"
#include "util.h"

#define PROF_FREQ_DEFAULT	49	/* Hz: off the beat of periodic work */
#define PROF_FREQ_MAX		10000
#define PROF_TOP_DEFAULT	20	/* stacks in a summary record */

/* What `bulwark trace profile` was asked for (the daemon: NULL, defaults). */
struct prof_opts {
	unsigned int freq;
	bool user_only, kernel_only, lua;
	const char *svg;
	unsigned int top;	/* stacks in the JSON record; 0: all */
};

static const struct prof_opts prof_defaults = {
	.freq = PROF_FREQ_DEFAULT, .top = PROF_TOP_DEFAULT,
};

static const struct prof_opts *opts_of(const void *cfg)
{
	return cfg ? cfg : &prof_defaults;
}

static unsigned int freq_of(const struct prof_opts *o)
{
	return o->freq ? o->freq : PROF_FREQ_DEFAULT;
}

static void prof_rodata(void *skel, const void *cfg)
{
	const struct prof_opts *o = opts_of(cfg);
	struct prof_cfg *c = (struct prof_cfg *)&((struct profile_bpf *)skel)->rodata->prof_cfg;

	c->user_only = o->user_only;
	c->kernel_only = o->kernel_only;
	c->lua = o->lua;
}

/* ---- one sampling event per CPU ---- */

/*
 * The kernel's symbols, read once, at attach: the daemon reads its maps
 * after dropping its capabilities, when /proc/kallsyms shows zeros.
 */
static struct syms *kernel_syms;


static int perf_open(bool hw, unsigned int freq, int cpu)
{
	struct perf_event_attr a = {
		.size = sizeof(a),
		.type = hw ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE,
		.config = hw ? PERF_COUNT_HW_CPU_CYCLES : PERF_COUNT_SW_CPU_CLOCK,
		.sample_freq = freq,
		.freq = 1,
	};
	long fd = syscall(__NR_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : (int)fd;
}

/*
 * The variant's clock on every CPU that is online; a hardware clock that
 * the machine lacks fails here (ENOENT), and the next variant is tried.
 */
static int prof_attach(struct tr_inst *t, const struct tr_variant *v, const void *cfg)
{
	struct bpf_program *prog = ((struct profile_bpf *)t->skel)->progs.profile_sample;
	bool hw = !strncmp(v->mechanism, "perf_event cycles", 17);
	int ncpu = libbpf_num_possible_cpus(), ret = -ENODEV;

	if (ncpu < 0)
		return ncpu;
	if (!kernel_syms && !opts_of(cfg)->user_only)
		kernel_syms = syms_load_kernel();
	for (int cpu = 0; cpu < ncpu; cpu++) {
		struct bpf_link *l;
		int fd = perf_open(hw, freq_of(opts_of(cfg)), cpu);

		if (fd == -ENODEV)	/* offline */
			continue;
		if (fd < 0)
			return fd;
		l = bpf_program__attach_perf_event(prog, fd);
		if (!l) {
			ret = -errno;
			close(fd);
			return ret;
		}
		tr_add_link(t, l);	/* the link closes fd */
		ret = 0;
	}
	if (!ret && opts_of(cfg)->lua)
		ret = prof_lua_attach(t, t->d->skel_filter(t->skel)->tgid);
	return ret;
}

/* ---- the counts, named and folded ---- */

struct stack_buf {
	char *s;
	size_t len, cap;
};

static void sb_add(struct stack_buf *b, const char *frame)
{
	size_t n = strlen(frame);

	if (b->len + n + 2 > b->cap) {
		b->cap = (b->len + n + 2) * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	if (b->len)
		b->s[b->len++] = ';';
	/* ';' separates frames and a newline ends the line: neither in a name */
	for (size_t i = 0; i < n; i++)
		b->s[b->len++] = frame[i] == ';' ? ':' : frame[i] == '\n' ? ' ' : frame[i];
	b->s[b->len] = 0;
}

static int read_stack(int fd, __s32 id, __u64 *ips)
{
	if (id < 0)
		return 0;
	if (bpf_map_lookup_elem(fd, &id, ips))
		return 0;
	for (int i = 0; i < PROF_MAX_DEPTH; i++)
		if (!ips[i])
			return i;
	return PROF_MAX_DEPTH;
}

/* Each process's symbols, once per summary. */
struct names {
	struct { uint32_t pid; struct syms *s; } *procs;
	size_t n;
};

static struct syms *names_of(struct names *nm, uint32_t pid, bool kernel)
{
	struct syms *s;

	if (kernel) {
		if (!kernel_syms)
			kernel_syms = syms_load_kernel();
		return kernel_syms;
	}
	for (size_t i = 0; i < nm->n; i++)
		if (nm->procs[i].pid == pid)
			return nm->procs[i].s;
	s = syms_load_pid(pid);	/* NULL: gone; its frames stay addresses */
	nm->procs = xreallocarray(nm->procs, nm->n + 1, sizeof(*nm->procs));
	nm->procs[nm->n].pid = pid;
	nm->procs[nm->n++].s = s;
	return s;
}

static void names_free(struct names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		syms_free(nm->procs[i].s);
	free(nm->procs);
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* A frame's name: the function, else [its file], else [unknown]. */
static const char *frame_name(struct syms *s, uint64_t ip, char *buf, size_t len)
{
	struct sym sym;

	if (!s || syms_lookup(s, ip, &sym))
		return "[unknown]";
	if (sym.name)
		return sym.name;
	snprintf(buf, len, "[%s]", sym.module ? base_name(sym.module) : "unknown");
	return buf;
}

/* The frames of one stack, outermost first. */
static void add_frames(struct stack_buf *b, struct names *nm, const struct prof_key *k,
		       const __u64 *ips, int n, bool kernel)
{
	struct syms *s = n ? names_of(nm, k->pid, kernel) : NULL;
	char buf[256];

	for (int i = n - 1; i >= 0; i--)
		sb_add(b, frame_name(s, ips[i], buf, sizeof(buf)));
}

static void fold_key(struct fold_set *out, struct profile_bpf *skel, struct names *nm,
		     struct prof_lua *lua, const struct prof_key *k, uint64_t count)
{
	int sfd = bpf_map__fd(skel->maps.prof_stacks);
	__u64 ips[PROF_MAX_DEPTH];
	struct stack_buf b = { 0 };
	char comm[TR_COMM_LEN + 1];
	int n;

	memcpy(comm, k->comm, TR_COMM_LEN);
	comm[TR_COMM_LEN] = 0;
	sb_add(&b, comm);
	n = read_stack(sfd, k->ustack, ips);
	add_frames(&b, nm, k, ips, n, false);
	if (k->lua)
		prof_lua_frames(lua, skel, k->pid, k->lua, sb_add, &b);
	n = read_stack(sfd, k->kstack, ips);
	add_frames(&b, nm, k, ips, n, true);
	/* -K (no user stack asked for) on a task running in user mode */
	if (k->ustack == -1 && k->kstack == -EFAULT)
		sb_add(&b, "[user]");
	else if (k->ustack < 0 && k->kstack < 0 && !k->lua)
		sb_add(&b, "[no stack]");
	fold_add(out, b.s, count);
	free(b.s);
}

/*
 * The stacks of the counts read: the stack map hashes each stack to one
 * bucket and refuses a new stack whose bucket is taken, so in a long run
 * (the daemon) old stacks would crowd out new ones.
 */
static void forget_stacks(struct profile_bpf *skel, const struct prof_key *keys, size_t n)
{
	int sfd = bpf_map__fd(skel->maps.prof_stacks);
	int lfd = bpf_map__fd(skel->maps.prof_lua);

	for (size_t i = 0; i < n; i++) {
		if (keys[i].kstack >= 0)
			bpf_map_delete_elem(sfd, &keys[i].kstack);
		if (keys[i].ustack >= 0)
			bpf_map_delete_elem(sfd, &keys[i].ustack);
		if (keys[i].lua)
			bpf_map_delete_elem(lfd, &keys[i].lua);
	}
}

/*
 * What was counted, folded, largest first; with clear the counts start
 * again, and the stacks they named are forgotten.
 */
static int prof_collect(const struct tr_inst *t, const struct prof_opts *o,
			struct fold_set *out, bool clear)
{
	struct profile_bpf *skel = t->skel;
	int fd = bpf_map__fd(skel->maps.prof_counts);
	struct prof_lua *lua = o->lua ? prof_lua_new() : NULL;
	struct names nm = { 0 };
	struct prof_key key, next, *cur = NULL, *seen = NULL;
	size_t nseen = 0;

	while (!bpf_map_get_next_key(fd, cur, &next)) {
		uint64_t v;

		key = next;
		cur = &key;
		if (bpf_map_lookup_elem(fd, &key, &v) || !v)
			continue;
		fold_key(out, skel, &nm, lua, &key, v);
		if (!clear)
			continue;
		/* the next key is then the first of those left */
		bpf_map_delete_elem(fd, &key);
		seen = xreallocarray(seen, nseen + 1, sizeof(*seen));
		seen[nseen++] = key;
	}
	forget_stacks(skel, seen, nseen);
	free(seen);
	names_free(&nm);
	prof_lua_free(lua);
	fold_finish(out);
	return 0;
}

static void folded_json(struct json *j, const struct fold_set *s, unsigned int top)
{
	size_t n = top && top < s->n ? top : s->n;

	json_ku64(j, "samples", s->total);
	json_ku64(j, "stacks_total", s->n);
	json_key(j, "stacks");
	json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(j);
		json_kstr(j, "stack", s->v[i].stack);
		json_ku64(j, "samples", s->v[i].count);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* ---- summaries: folded lines, or one record; the flame graph ---- */

static int write_svg(const struct fold_set *s, const char *path)
{
	FILE *f = fopen(path, "we");
	int ret;

	if (!f)
		return -errno;
	ret = flamegraph_svg(s, "bulwark trace profile", f);
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

static int prof_summarize(const struct tr_inst *t, const void *cfg,
			  const struct tr_emit *e, bool clear)
{
	const struct prof_opts *o = opts_of(cfg);
	struct fold_set s = { 0 };
	int ret;

	ret = prof_collect(t, o, &s, clear);
	if (ret || !s.n)
		goto out;
	if (e->table) {
		for (size_t i = 0; i < s.n; i++)
			fprintf(e->table, "%s %llu\n", s.v[i].stack,
				(unsigned long long)s.v[i].count);
	} else {
		struct json *j = e->begin(e->ctx);

		json_kstr(j, "method", t->via->mechanism);
		json_ku64(j, "frequency", freq_of(o));
		folded_json(j, &s, o->top);
		e->end(e->ctx);
	}
	if (o->svg && (ret = write_svg(&s, o->svg)))
		out_err("trace profile: cannot write %s: %s", o->svg, strerror(-ret));
out:
	fold_free(&s);
	return ret;
}

/* ---- `bulwark trace profile`: its own options ---- */

enum { OPT_SVG = 0x200, OPT_LUA };

static const struct option prof_longopts[] = {
	{ "frequency", required_argument, NULL, 'F' },
	{ "user-only", no_argument, NULL, 'U' },
	{ "kernel-only", no_argument, NULL, 'K' },
	{ "folded", no_argument, NULL, 'f' },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "lua", no_argument, NULL, OPT_LUA },
	{ NULL, 0, NULL, 0 },
};

static int prof_opt(int c, const char *arg, void *cfg)
{
	struct prof_opts *o = cfg;
	unsigned long long v;

	if (c == 'F') {
		if (parse_u64(arg, PROF_FREQ_MAX, &v) || !v) {
			out_err("profile: bad frequency '%s' (1 to %d Hz)", arg, PROF_FREQ_MAX);
			return -1;
		}
		o->freq = v;
	} else if (c == 'U') {
		o->user_only = true;
	} else if (c == 'K') {
		o->kernel_only = true;
	} else if (c == OPT_SVG) {
		o->svg = arg;
	} else if (c == OPT_LUA) {
		o->lua = true;
	}
	if (o->user_only && o->kernel_only) {
		out_err("profile: -U and -K exclude each other");
		return -1;
	}
	if (o->lua && o->kernel_only) {
		out_err("profile: --lua needs the user stacks (not with -K)");
		return -1;
	}
	return 0;
}

static const struct tr_variant variants[] = {
	{ "perf_event cycles (hardware PMU)", "profile_sample prof_lua_enter prof_lua_exit" },
	{ "perf_event cpu-clock (software)", "profile_sample prof_lua_enter prof_lua_exit" },
	{ NULL },
};

TRACER_SKEL(profile)

const struct tracer_desc profile_tracer = {
	.name = "profile",
	.summary = "CPU profile by sampling: user and kernel stacks, folded, "
		   "a flame graph (--svg)",
	.variants = variants,
	TRACER_SKEL_OPS(profile),
	.set_rodata = prof_rodata,
	.attach = prof_attach,
	.cfg_size = sizeof(struct prof_opts),
	.opts = prof_longopts,
	.opt = prof_opt,
	.shorts = "F:UKf",
	.opts_help =
	"  -F, --frequency HZ   samples a second on each CPU (default 49)\n"
	"  -U, --user-only      user stacks only\n"
	"  -K, --kernel-only    kernel stacks only\n"
	"  -f, --folded         folded stacks (the output without -j)\n"
	"      --svg FILE       a flame graph of the stacks too (the last interval's)\n"
	"      --lua            LuaJIT frames in the stacks (nginx with the Lua module)\n",
	.notes =
	"Every CPU's running task is sampled HZ times a second (hardware cycles\n"
	"where the machine has a PMU, else the cpu-clock); its stacks are counted\n"
	"in the kernel.  The summary: folded stacks, \"comm;outermost;...;innermost\n"
	"COUNT\", largest first (flamegraph.pl reads them); with -j one record of\n"
	"the stacks and their samples.  Kernel frames follow the user frames.\n",
	.summarize = prof_summarize,
	.interval_default = 0,
	.reads_procs = true,
};
