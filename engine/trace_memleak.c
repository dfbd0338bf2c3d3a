// SPDX-License-Identifier: GPL-2.0
/*
 * memleak: outstanding allocations grouped by the stack that made them,
 * the top ones every interval, as libbpf-tools' memleak shows them.  Of a
 * process (-p PID): uprobes on the allocator of the libc it has mapped; of
 * the kernel (no -p, and in the daemon): the kmem tracepoints.  A summary
 * tracer: bpf/memleak.bpf.c keeps the allocations and their sums by stack
 * in maps, summarize() reads them (and never clears them: what is
 * outstanding stays so until it is freed).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "symbols.h"
#include "tracers.h"
#include "memleak.h"
#include "memleak.skel.h"
#include "names.h"
#include "util.h"

#define ML_TOP_DEFAULT	10
#define ML_ADDRS_SHOWN	16	/* -a: addresses listed per stack, at most */
#define ML_READ_BATCH	4096	/* ml_allocs entries read per system call */

/* -s, -z, -Z for the kernel side; -T, -a, -o for the summaries. */
struct memleak_cfg {
	struct memleak_kcfg k;
	unsigned int top;
	bool show_addrs;
	unsigned long long older_ms;
};

static const struct option ml_opts[] = {
	{ "sample-rate", required_argument, NULL, 's' },
	{ "min-size", required_argument, NULL, 'z' },
	{ "max-size", required_argument, NULL, 'Z' },
	{ "top", required_argument, NULL, 'T' },
	{ "show-allocs", no_argument, NULL, 'a' },
	{ "older", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

/* A number of at most max, and not 0 unless zero_ok. */
static int num_arg(const char *what, const char *arg, unsigned long long max,
		   bool zero_ok, unsigned long long *v)
{
	if (parse_u64(arg, max, v) || (!*v && !zero_ok)) {
		out_err("memleak: bad %s '%s'", what, arg);
		return -1;
	}
	return 0;
}

static int ml_opt(int c, const char *arg, void *cfgp)
{
	struct memleak_cfg *cfg = cfgp;
	unsigned long long v;

	switch (c) {
	case 's':
		if (num_arg("sample rate", arg, UINT32_MAX, false, &v))
			return -1;
		cfg->k.sample_rate = v;
		return 0;
	case 'z':
		return num_arg("minimum size", arg, ULLONG_MAX, true, &cfg->k.min_size);
	case 'Z':
		return num_arg("maximum size", arg, ULLONG_MAX, false, &cfg->k.max_size);
	case 'T':
		if (num_arg("top count", arg, 100000, false, &v))
			return -1;
		cfg->top = v;
		return 0;
	case 'a':
		cfg->show_addrs = true;
		return 0;
	case 'o':
		return num_arg("age (ms)", arg, 86400ULL * 365 * 1000, true, &cfg->older_ms);
	}
	return -1;
}

/* memleak_sample in [tracers]: the daemon keeps every Nth allocation. */
static int ml_arg_check(const char *arg, struct diag *d, const char *file, int line)
{
	unsigned long long v;

	if (parse_u64(arg, UINT32_MAX, &v) || !v) {
		diag_err(d, file, line, "memleak_sample takes a number from 1 to %u",
			 UINT32_MAX);
		return -1;
	}
	return 0;
}

static void *ml_config(unsigned int mode, const char *arg)
{
	struct memleak_cfg *c = xcalloc(1, sizeof(*c));
	unsigned long long v;

	(void)mode;
	if (arg && !parse_u64(arg, UINT32_MAX, &v))
		c->k.sample_rate = v;
	return c;
}

static void ml_rodata(void *skel, const void *cfg)
{
	struct memleak_bpf *s = skel;
	struct memleak_kcfg *k = (struct memleak_kcfg *)&s->rodata->ml_cfg;

	memset(k, 0, sizeof(*k));
	if (cfg)
		*k = ((const struct memleak_cfg *)cfg)->k;
	/* -p: the process's own allocator; without: the kernel's */
	k->user = s->rodata->tr_filt.tgid != 0;
}

/*
 * The symbols of the frames: the process's, loaded anew for each summary
 * (it maps libraries as it goes; the ELF files stay cached), or the
 * kernel's, once.  One memleak runs per bulwark process (the command's,
 * or the daemon's), so they live here.
 */
static struct syms *ml_usyms, *ml_ksyms;
static bool ml_ksyms_tried;
static int ml_ksyms_err;

static void load_ksyms(void)
{
	if (ml_ksyms_tried)
		return;
	ml_ksyms = syms_load_kernel();
	ml_ksyms_err = ml_ksyms ? 0 : errno;
	ml_ksyms_tried = true;
}

static const struct syms *frame_syms(pid_t pid)
{
	struct syms *s;

	if (!pid) {
		load_ksyms();
		return ml_ksyms;
	}
	/* a process gone keeps its last table: its frames are old */
	s = syms_load_pid(pid);
	if (s) {
		syms_free(ml_usyms);
		ml_usyms = s;
	}
	return ml_usyms;
}

/* ---- attaching ---- */

/* The path of the libc process pid has mapped, through its root. */
static int find_libc(pid_t pid, char *out, size_t len)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	int ret = -ENOENT;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	while (ret && getline(&line, &cap, fp) > 0) {
		char *file = strchr(line, '/'), *base, *nl;

		if (!file)
			continue;
		nl = strchr(file, '\n');
		if (nl)
			*nl = '\0';
		base = strrchr(file, '/') + 1;
		if (!strncmp(base, "libc.so", 7) || !strncmp(base, "libc-", 5)) {
			snprintf(out, len, "/proc/%d/root%s", (int)pid, file);
			ret = 0;
		}
	}
	free(line);
	fclose(fp);
	return ret;
}

/* libc's functions and the programs on them; the first two are needed. */
static const struct {
	const char *func, *entry, *ret;
} ml_funcs[] = {
	{ "malloc", "ml_malloc", "ml_malloc_ret" },
	{ "free", "ml_free", NULL },
	{ "calloc", "ml_calloc", "ml_malloc_ret" },
	{ "realloc", "ml_realloc", "ml_malloc_ret" },
	{ "posix_memalign", "ml_posix_memalign", "ml_posix_memalign_ret" },
	{ "aligned_alloc", "ml_memalign", "ml_malloc_ret" },
	{ "memalign", "ml_memalign", "ml_malloc_ret" },
	{ "valloc", "ml_malloc", "ml_malloc_ret" },
	{ "pvalloc", "ml_malloc", "ml_malloc_ret" },
	{ "mmap", "ml_mmap", "ml_malloc_ret" },
	{ "munmap", "ml_munmap", NULL },
};

static int attach_uprobe(struct tr_inst *t, pid_t pid, const char *lib,
			 const char *func, const char *prog_name, bool ret)
{
	struct bpf_object *obj = t->d->skel_obj(t->skel);
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, prog_name);
	LIBBPF_OPTS(bpf_uprobe_opts, o, .func_name = func, .retprobe = ret);
	struct bpf_link *l;

	if (!prog)
		return -ENOENT;
	l = bpf_program__attach_uprobe_opts(prog, pid, lib, 0, &o);
	if (!l)
		return -errno;
	tr_add_link(t, l);
	return 0;
}

static int attach_libc(struct tr_inst *t, pid_t pid)
{
	char lib[PATH_MAX];
	int ret = find_libc(pid, lib, sizeof(lib));

	if (ret)
		return ret;
	for (size_t i = 0; i < ARRAY_SIZE(ml_funcs); i++) {
		ret = attach_uprobe(t, pid, lib, ml_funcs[i].func, ml_funcs[i].entry, false);
		if (!ret && ml_funcs[i].ret)
			ret = attach_uprobe(t, pid, lib, ml_funcs[i].func,
					    ml_funcs[i].ret, true);
		/* an old or new libc without this one: the others still count */
		if (ret && i < 2)
			return ret;
	}
	return 0;
}

static int ml_attach(struct tr_inst *t, const struct tr_variant *v, const void *cfg)
{
	pid_t pid = t->d->skel_filter(t->skel)->tgid;
	bool uprobes = !strncmp(v->mechanism, "uprobe", 6);

	(void)cfg;
	/* -p PID: that process's libc; without: the kernel's allocators */
	if (uprobes != (pid != 0))
		return -EOPNOTSUPP;
	if (uprobes)
		return attach_libc(t, pid);
	/* now: the daemon drops CAP_SYSLOG, and kallsyms then reads zeros */
	load_ksyms();
	return tr_attach_all(t);
}

/* ---- summaries ---- */

struct ml_stack {
	int64_t id;
	uint64_t bytes, count;
	uint64_t *addrs;	/* -a: the first ML_ADDRS_SHOWN */
	size_t naddrs;
};

struct ml_sum {
	struct ml_stack *v;
	size_t n;
	uint64_t bytes, count;	/* over every stack */
};

static struct ml_stack *stack_of(struct ml_sum *s, int64_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].id == id)
			return &s->v[i];
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	s->v[s->n] = (struct ml_stack){ .id = id };
	return &s->v[s->n++];
}

/* The sums the kernel keeps by stack: the quick way, without -o or -a. */
static int read_totals(int fd, struct ml_sum *s)
{
	int64_t key, *prev = NULL, next;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct memleak_total tot;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &tot)) {
			if (errno == ENOENT)
				continue;
			return -errno;
		}
		if (!tot.count || (int64_t)tot.bytes <= 0)
			continue;
		s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
		s->v[s->n++] = (struct ml_stack){ key, tot.bytes, tot.count, NULL, 0 };
	}
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One allocation read from ml_allocs, at addr: summed if old enough. */
static void add_alloc(struct ml_sum *s, const struct memleak_cfg *c, uint64_t now,
		      uint64_t addr, const struct memleak_alloc *a)
{
	struct ml_stack *st;

	if (now < a->ts + c->older_ms * 1000000ULL)
		return;
	st = stack_of(s, a->stack_id);
	st->bytes += a->size;
	st->count++;
	if (c->show_addrs && st->naddrs < ML_ADDRS_SHOWN) {
		st->addrs = xreallocarray(st->addrs, st->naddrs + 1, sizeof(*st->addrs));
		st->addrs[st->naddrs++] = addr;
	}
}

/*
 * Every allocation, those older than -o, summed here (and listed for -a).
 * By batches, bucket after bucket: get_next_key would start again from
 * the first key each time the programs freed the one it stood on (the
 * kernel's allocations come and go by thousands a second), counting the
 * same allocations twice and, under enough churn, never reaching the end.
 */
static int read_allocs(int fd, const struct memleak_cfg *c, struct ml_sum *s)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	uint64_t *keys = xcalloc(ML_READ_BATCH, sizeof(*keys)), now = mono_ns();
	struct memleak_alloc *vals = xcalloc(ML_READ_BATCH, sizeof(*vals));
	uint64_t token = 0;	/* the kernel's: the next bucket */
	bool first = true, last = false;
	int ret = 0;

	while (!last) {
		__u32 n = ML_READ_BATCH;

		if (bpf_map_lookup_batch(fd, first ? NULL : &token, &token, keys, vals,
					 &n, &o)) {
			if (errno != ENOENT) {
				ret = -errno;
				break;
			}
			last = true;	/* with the last n read */
		}
		first = false;
		for (__u32 i = 0; i < n; i++)
			add_alloc(s, c, now, keys[i], &vals[i]);
	}
	free(keys);
	free(vals);
	return ret;
}

static int by_bytes(const void *a, const void *b)
{
	const struct ml_stack *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return x->count > y->count ? -1 : x->count < y->count;
}

static void sum_free(struct ml_sum *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].addrs);
	free(s->v);
}

/* The tracer's own frames atop a kernel stack: its program, its caller. */
static bool own_frame(const struct syms *sy, uint64_t ip)
{
	struct sym y;

	if (!sy || syms_lookup(sy, ip, &y) || !y.name)
		return false;
	return !strcmp(y.module, "bpf") || !strncmp(y.name, "bpf_trace_run", 13);
}

/*
 * The frames of stack id, zero-terminated, the tracer's own (in a kernel
 * stack) left out; false without a stack.
 */
static bool read_stack(int fd, int64_t id, const struct syms *sy, bool kernel,
		       uint64_t *ips)
{
	uint32_t key = (uint32_t)id;
	int skip = 0;

	memset(ips, 0, ML_STACK_DEPTH * sizeof(*ips));
	if (id < 0 || bpf_map_lookup_elem(fd, &key, ips))
		return false;
	while (kernel && skip < ML_STACK_DEPTH - 1 && own_frame(sy, ips[skip]))
		skip++;
	memmove(ips, ips + skip, (ML_STACK_DEPTH - skip) * sizeof(*ips));
	memset(ips + ML_STACK_DEPTH - skip, 0, skip * sizeof(*ips));
	return true;
}

static void stack_table(FILE *out, const struct ml_stack *st, const uint64_t *ips,
			bool have, const struct syms *sy)
{
	char buf[512];

	fprintf(out, "\t%" PRIu64 " bytes in %" PRIu64 " allocations from stack\n",
		st->bytes, st->count);
	for (size_t i = 0; i < st->naddrs; i++)
		fprintf(out, "\t\taddr = %#" PRIx64 "\n", st->addrs[i]);
	if (!have)
		fprintf(out, "\t\t[no stack: %s]\n",
			st->id < 0 ? strerror((int)-st->id) : "evicted");
	for (int i = 0; have && i < ML_STACK_DEPTH && ips[i]; i++)
		fprintf(out, "\t\t#%d %#018" PRIx64 " %s\n", i, ips[i],
			syms_format(sy, ips[i], buf, sizeof(buf)));
}

static void frame_json(struct json *j, const struct syms *sy, uint64_t ip)
{
	char buf[32];
	struct sym y;

	json_obj_begin(j);
	snprintf(buf, sizeof(buf), "%#" PRIx64, ip);
	json_kstr(j, "addr", buf);
	if (sy && !syms_lookup(sy, ip, &y)) {
		if (y.name) {
			json_kstr(j, "symbol", y.name);
			json_ku64(j, "offset", y.offset);
		}
		json_kstr(j, "module", y.module);
	}
	json_obj_end(j);
}

static void stack_json(struct json *j, const struct ml_stack *st, const uint64_t *ips,
		       bool have, const struct syms *sy)
{
	char buf[32];

	json_obj_begin(j);
	json_ku64(j, "bytes", st->bytes);
	json_ku64(j, "allocs", st->count);
	json_ki64(j, "stack_id", st->id);
	/* no stack kept: its bucket of the stack map held another (EEXIST) */
	if (st->id < 0 && errno_symbol((int)-st->id))
		json_kstr(j, "stack_error", errno_symbol((int)-st->id));
	if (st->naddrs) {
		json_key(j, "addrs");
		json_arr_begin(j);
		for (size_t i = 0; i < st->naddrs; i++) {
			snprintf(buf, sizeof(buf), "%#" PRIx64, st->addrs[i]);
			json_str(j, buf);
		}
		json_arr_end(j);
	}
	json_key(j, "frames");
	json_arr_begin(j);
	for (int i = 0; have && i < ML_STACK_DEPTH && ips[i]; i++)
		frame_json(j, sy, ips[i]);
	json_arr_end(j);
	json_obj_end(j);
}

static void head_json(struct json *j, pid_t pid, const struct ml_sum *s,
		      const struct memleak_cfg *c, const uint64_t lost[2])
{
	json_kstr(j, "mode", pid ? "user" : "kernel");
	if (pid)
		json_ku64(j, "target_pid", pid);
	json_ku64(j, "outstanding_bytes", s->bytes);
	json_ku64(j, "outstanding_allocs", s->count);
	json_ku64(j, "nstacks", s->n);
	if (c->k.sample_rate > 1)
		json_ku64(j, "sample_rate", c->k.sample_rate);
	if (c->older_ms)
		json_ku64(j, "older_ms", c->older_ms);
	json_ku64(j, "dropped", lost[0]);
	if (!pid)
		json_ku64(j, "missed", lost[1]);
	if (!pid && ml_ksyms_err)
		json_kstr(j, "symbols", "none: /proc/kallsyms hides the addresses "
			  "(kernel.kptr_restrict)");
}

static void emit(const struct tr_emit *e, pid_t pid, const struct ml_sum *s,
		 const struct memleak_cfg *c, int stacks_fd, const uint64_t lost[2])
{
	const struct syms *sy = frame_syms(pid);
	size_t top = c->top < s->n ? c->top : s->n;
	uint64_t ips[ML_STACK_DEPTH];
	struct json *j = NULL;

	if (e->table) {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		fprintf(e->table, "[%02d:%02d:%02d] Top %zu stacks with outstanding "
			"allocations (%" PRIu64 " bytes in %" PRIu64 " allocations):\n",
			tm.tm_hour, tm.tm_min, tm.tm_sec, top, s->bytes, s->count);
		if (!pid && ml_ksyms_err)
			fprintf(e->table, "\t(no kernel symbols: /proc/kallsyms: %s)\n",
				strerror(ml_ksyms_err));
	} else {
		j = e->begin(e->ctx);
		head_json(j, pid, s, c, lost);
		json_key(j, "stacks");
		json_arr_begin(j);
	}
	for (size_t i = 0; i < top; i++) {
		bool have = read_stack(stacks_fd, s->v[i].id, sy, !pid, ips);

		if (j)
			stack_json(j, &s->v[i], ips, have, sy);
		else
			stack_table(e->table, &s->v[i], ips, have, sy);
	}
	if (j) {
		json_arr_end(j);
		e->end(e->ctx);
	}
}

static int ml_summarize(const struct tr_inst *t, const void *cfg,
			const struct tr_emit *e, bool clear)
{
	static const struct memleak_cfg none;
	struct memleak_cfg c = cfg ? *(const struct memleak_cfg *)cfg : none;
	struct memleak_bpf *skel = t->skel;
	pid_t pid = t->d->skel_filter(t->skel)->tgid;
	struct ml_sum s = {};
	uint64_t lost[2];	/* dropped: table full; missed: runs skipped */
	int ret;

	(void)clear;	/* outstanding stays outstanding until freed */
	if (!c.top)
		c.top = ML_TOP_DEFAULT;
	if (c.older_ms || c.show_addrs)
		ret = read_allocs(bpf_map__fd(skel->maps.ml_allocs), &c, &s);
	else
		ret = read_totals(bpf_map__fd(skel->maps.ml_totals), &s);
	if (ret) {
		sum_free(&s);
		return ret;
	}
	for (size_t i = 0; i < s.n; i++) {
		s.bytes += s.v[i].bytes;
		s.count += s.v[i].count;
	}
	if (s.n)
		qsort(s.v, s.n, sizeof(*s.v), by_bytes);
	lost[0] = percpu_counter_sum(bpf_map__fd(skel->maps.ml_dropped), 0);
	lost[1] = pid ? 0 : tr_skipped(t);
	if (s.n || e->table)
		emit(e, pid, &s, &c, bpf_map__fd(skel->maps.ml_stacks), lost);
	sum_free(&s);
	return 0;
}

#define ML_LIBC_PROGS "ml_malloc ml_malloc_ret ml_calloc ml_realloc ml_free " \
	"ml_posix_memalign ml_posix_memalign_ret ml_memalign ml_mmap ml_munmap"
#define ML_KMEM(p) p "_kmalloc " p "_cache_alloc " p "_kfree " p "_cache_free " \
	p "_page_alloc " p "_page_free " p "_page_free_b"

static const struct tr_variant variants[] = {
	{ "uprobe libc malloc, free, calloc, realloc, ..., mmap, munmap (with -p)",
	  ML_LIBC_PROGS },
	{ "tp_btf kmem kmalloc, kmem_cache_alloc, mm_page_alloc and their frees",
	  ML_KMEM("ml_btf") },
	{ "raw_tp kmem kmalloc, kmem_cache_alloc, mm_page_alloc and their frees",
	  ML_KMEM("ml_raw") },
	{ NULL },
};

TRACER_SKEL(memleak)

const struct tracer_desc memleak_tracer = {
	.name = "memleak",
	.summary = "Outstanding memory allocations by stack, the top ones per "
		   "interval: a process's (libc, -p) or the kernel's",
	.variants = variants,
	.rec_size = sizeof(struct tr_ident),
	TRACER_SKEL_OPS(memleak),
	.cfg_size = sizeof(struct memleak_cfg),
	.set_rodata = ml_rodata,
	.attach = ml_attach,
	.arg_key = "memleak_sample",
	.arg_check = ml_arg_check,
	.config = ml_config,
	.opts = ml_opts,
	.shorts = "s:z:Z:T:ao:",
	.opt = ml_opt,
	.opts_help =
	"  -s, --sample-rate N  track every Nth allocation only (a uprobe costs ~1.7 us)\n"
	"  -z, --min-size BYTES ignore smaller allocations\n"
	"  -Z, --max-size BYTES ignore larger allocations\n"
	"  -T, --top N          the N stacks with the most outstanding bytes (default 10)\n"
	"  -a, --show-allocs    the addresses of each stack's allocations (16 at most)\n"
	"  -o, --older MS       only allocations older than MS milliseconds\n",
	.summarize = ml_summarize,
	.interval_default = 5,
	.notes =
	"With -p PID: the allocations of that process's libc (malloc, calloc,\n"
	"realloc, posix_memalign, aligned_alloc, memalign, valloc, pvalloc, mmap;\n"
	"freed by free, realloc, munmap), user stacks (frame pointers: code built\n"
	"without them shows short stacks).  Without -p: the kernel's (kmalloc,\n"
	"kmem_cache_alloc, whole pages), kernel stacks; symbols from /proc/kallsyms\n"
	"need root (kernel.kptr_restrict).  Each summary shows what is outstanding\n"
	"now, allocated since the start and not freed.\n",
};
