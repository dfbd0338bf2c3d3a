// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall tracer: a row of the tracer table with settings of its own
 * (syscalls by name or group, the counting mode) and a command of its own.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "trace.h"
#include "syscall.skel.h"
#include "syscall.h"
#include "cli.h"
#include "ini_scan.h"
#include "log.h"
#include "syscalls.h"
#include "tracers.h"
#include "util.h"
#include "kernel.h"

#define MAX_FILTER 256		/* names and groups in syscall_filter */

extern const struct tracer_desc syscall_tracer;

/* `syscall =` in [tracers] */
enum { SCT_OFF, SCT_ALL, SCT_FIRST };
static const char *const modes[] = { "off", "all", "first", NULL };

/* What the tracer records besides the shared filter (struct tr_filter). */
struct sct_cfg {
	bool count;		/* first use per process only, plus totals */
	size_t nids;		/* none: every syscall */
	const uint64_t *ids;	/* canonical ids */
};

static void sct_rodata(void *skel, const void *cfg)
{
	const struct sct_cfg *c = cfg;
	struct syscall_bpf *s = skel;

	s->rodata->count_mode = c && c->count;
	s->rodata->filter_ids = c && c->nids > 0;
}

/* The syscalls asked for, into the ids map. */
static int sct_maps(void *skel, const void *cfg)
{
	const struct sct_cfg *c = cfg;
	int fd = bpf_map__fd(((struct syscall_bpf *)skel)->maps.ids);

	for (size_t i = 0; c && i < c->nids; i++) {
		uint32_t k = BW_SC_ARCH(c->ids[i]) * 1024 + (BW_SC_NR(c->ids[i]) & 1023);
		uint8_t one = 1;

		if (BW_SC_ARCH(c->ids[i]) >= BW_SC_NARCH)
			continue;
		if (bpf_map_update_elem(fd, &k, &one, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* syscall_filter in [tracers]: 1 to MAX_FILTER known names and groups. */
static int sct_arg_check(const char *arg, struct diag *d, const char *file, int line)
{
	char *copy = xstrdup(arg), *vals[MAX_FILTER + 1];
	size_t nv = split_list(copy, vals, MAX_FILTER + 1), n = 0;
	uint64_t *ids = NULL;
	int err = 0;

	if (!nv || nv > MAX_FILTER) {
		diag_err(d, file, line, "syscall_filter takes 1 to %d names and groups",
			 MAX_FILTER);
		err = -1;
	}
	for (size_t i = 0; i < nv && i < MAX_FILTER; i++) {
		if (syscall_resolve(vals[i], &ids, &n)) {
			diag_err(d, file, line, "unknown syscall or group '%s'", vals[i]);
			err = -1;
		}
	}
	free(ids);
	free(copy);
	return err;
}

/* The daemon's settings as one block, the ids after the struct. */
static void *sct_config(unsigned int mode, const char *arg)
{
	struct sct_cfg *c;
	uint64_t *ids = NULL, *copy;
	size_t n = 0;

	if (arg) {
		char *list = xstrdup(arg), *vals[MAX_FILTER];
		size_t nv = split_list(list, vals, MAX_FILTER);

		for (size_t i = 0; i < nv; i++)
			syscall_resolve(vals[i], &ids, &n);
		free(list);
	}
	c = xmalloc(sizeof(*c) + n * sizeof(*ids));
	copy = (uint64_t *)(c + 1);
	if (n)
		memcpy(copy, ids, n * sizeof(*ids));
	free(ids);
	*c = (struct sct_cfg){ .count = mode == SCT_FIRST, .nids = n, .ids = copy };
	return c;
}

static void sct_json(struct json *j, const void *rec)
{
	const struct sct_event *e = rec;
	char name[64];

	json_kstr(j, "syscall", syscall_name(e->id, name, sizeof(name)));
	json_ku64(j, "nr", BW_SC_NR(e->id) & ~SCT_X32_BIT);
	if (e->first)
		json_kbool(j, "first_use", true);
}

static void sct_row(FILE *out, const void *rec)
{
	const struct sct_event *e = rec;
	char name[64];

	fprintf(out, "%s%s", syscall_name(e->id, name, sizeof(name)),
		e->first ? " (first use)" : "");
}

/* ---- the standalone command ---- */

struct trace_ctx {
	bool json;
	bool count;
	int64_t boot_to_real;
	struct json j;
	uint64_t n;
};

static int print_event(void *ctx, void *data, size_t size)
{
	struct trace_ctx *c = ctx;
	struct sct_event e;
	char tbuf[64];

	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	c->n++;
	format_time((int64_t)e.h.ts + c->boot_to_real, tbuf, sizeof(tbuf));
	if (c->json) {
		json_reset(&c->j);
		json_obj_begin(&c->j);
		json_kstr(&c->j, "time", tbuf);
		tr_record_json(&c->j, &syscall_tracer, &e);
		json_obj_end(&c->j);
		json_write_line(&c->j, stdout);
		return 0;
	}
	printf("%-12.12s %-7u %-7u %-16.16s ", tbuf + 11, e.h.pid, e.h.ppid, e.h.comm);
	sct_row(stdout, &e);
	putchar('\n');
	return 0;
}

static int cmp_count(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[1] < y[1] ? 1 : x[1] > y[1] ? -1 : 0;
}

static void print_totals(const struct tr_inst *t, bool json)
{
	int fd = bpf_map__fd(((struct syscall_bpf *)t->skel)->maps.totals);
	uint64_t key, next, (*rows)[2] = NULL;
	size_t n = 0;
	void *cur = NULL;
	char name[64];

	while (bpf_map_get_next_key(fd, cur, &next) == 0) {
		uint64_t v;

		key = next;
		cur = &key;
		if (bpf_map_lookup_elem(fd, &key, &v))
			continue;
		rows = xreallocarray(rows, n + 1, sizeof(*rows));
		rows[n][0] = key;
		rows[n][1] = v;
		n++;
	}
	qsort(rows, n, sizeof(*rows), cmp_count);
	if (json) {
		struct json j;

		json_init(&j);
		json_obj_begin(&j);
		json_key(&j, "totals");
		json_obj_begin(&j);
		for (size_t i = 0; i < n; i++)
			json_ku64_rt(&j, syscall_name(rows[i][0], name, sizeof(name)), rows[i][1]);
		json_obj_end(&j);
		json_obj_end(&j);
		json_write_line(&j, stdout);
		json_free(&j);
	} else {
		printf("\n%-24s %12s\n", "SYSCALL", "COUNT");
		for (size_t i = 0; i < n; i++)
			printf("%-24s %12llu\n", syscall_name(rows[i][0], name, sizeof(name)),
			       (unsigned long long)rows[i][1]);
	}
	free(rows);
}

static void do_help(FILE *out)
{
	fprintf(out,
		"Usage: bulwark trace syscall [-p PID] [-c COMM] [--cgroup PATH] [-s SYSCALL|@GROUP]...\n"
		"                             [-d SECONDS] [-j] [--count]\n"
		"\n"
		"Trace system calls at raw_syscalls/sys_enter.  Every filter runs in the\n"
		"kernel: calls that were not asked for never reach user space.\n"
		"\n"
		"  -p, --pid PID        only this process\n"
		"  -c, --comm COMM      only tasks with this command name\n"
		"  -s, --syscall NAME   only these syscalls or groups (repeatable)\n"
		"      --cgroup PATH    only tasks in this cgroup (v2 path, e.g. /system.slice/x.service)\n"
		"  -d, --duration SECS  stop after this long\n"
		"  -j, --json           JSON lines\n"
		"      --count          report the first use of each syscall per process,\n"
		"                       and totals per syscall at the end\n");
}

/* What `bulwark trace syscall` was asked for. */
struct sct_args {
	struct tracer_opts to;
	struct tr_filter f;
	struct sct_cfg cfg;
	uint64_t *ids;		/* cfg.ids, owned */
};

/* Its options; 0 to go on, else the command's exit status + 1. */
static int sct_parse(int argc, char **argv, struct sct_args *a)
{
	static const struct option opts[] = {
		TRACER_LONG_OPTS,
		{ "syscall", required_argument, NULL, 's' },
		{ "count", no_argument, NULL, 'C' },
		{ "cgroup", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long cg;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, TRACER_SHORT_OPTS "s:", opts, NULL)) != -1) {
		int r = tracer_common_opt(ch, optarg, &a->to, "trace syscall");

		if (r < 0)
			return 2;
		if (r == 0)
			continue;
		if (ch == 's') {
			if (syscall_resolve(optarg, &a->ids, &a->cfg.nids)) {
				out_err("trace syscall: unknown syscall or group '%s'", optarg);
				return 2;
			}
		} else if (ch == 'C') {
			a->cfg.count = true;
		} else if (ch == 'G') {
			if (cgroup_id_of_path(optarg, &cg)) {
				out_err("trace syscall: no cgroup %s under the cgroup2 mount", optarg);
				return 2;
			}
			a->f.cgroup_id = cg;
		} else if (ch == 'h') {
			do_help(stdout);
			return 1;
		} else {
			do_help(stderr);
			return 3;
		}
	}
	a->cfg.ids = a->ids;
	a->f.tgid = a->to.pid;
	if (a->to.comm) {
		a->f.filter_comm = 1;
		strncpy(a->f.comm, a->to.comm, TR_COMM_LEN - 1);
	}
	return 0;
}

/* Attached: print until stopped, then the totals and what was lost. */
static int sct_trace(const struct tr_inst *t, struct trace_ctx *c,
		     unsigned long long duration)
{
	struct ring_buffer *rb;
	int ret;

	rb = ring_buffer__new(tr_events_fd(t), print_event, c, NULL);
	if (!rb) {
		out_err("trace syscall: cannot open the ring buffer: %s", strerror(errno));
		return 1;
	}
	c->boot_to_real = tracer_boot_to_real();
	json_init(&c->j);
	if (!c->json)
		printf("%-12s %-7s %-7s %-16s %s\n", "TIME", "PID", "PPID", "COMM", "SYSCALL");
	ret = tracer_loop(rb, duration);
	if (ret)
		out_err("trace syscall: reading the ring buffer failed: %s", strerror(-ret));
	if (c->count)
		print_totals(t, c->json);
	if (tr_lost(t))
		out_err("trace syscall: lost %llu records (ring buffer full)",
			(unsigned long long)tr_lost(t));
	json_free(&c->j);
	ring_buffer__free(rb);
	return ret ? 1 : 0;
}

static int sct_command(const struct tracer_desc *d, int argc, char **argv, bool json)
{
	struct sct_args a = { .to = { .json = json }, .f = { .self_tgid = getpid() } };
	struct trace_ctx c = { 0 };
	struct tr_inst t;
	char err[512];
	int ret;

	ret = sct_parse(argc, argv, &a);
	if (ret) {
		free(a.ids);
		return ret - 1;
	}
	c.json = a.to.json;
	c.count = a.cfg.count;
	if (tr_open_cfg(&t, d, &a.f, false, NULL, &a.cfg, err, sizeof(err))) {
		out_err("trace syscall: %s", err);
		free(a.ids);
		return 1;
	}
	ret = sct_trace(&t, &c, a.to.duration);
	tr_close(&t);
	free(a.ids);
	return ret;
}

static const struct tr_variant variants[] = {
	{ "raw_tp raw_syscalls/sys_enter", "sct_enter" },
	{ NULL },
};

TRACER_SKEL(syscall)

const struct tracer_desc syscall_tracer = {
	.name = "syscall",
	.summary = "system calls, filtered in the kernel; --count for first use and totals",
	.variants = variants,
	.rec_size = sizeof(struct sct_event),
	TRACER_SKEL_OPS(syscall),
	.json = sct_json,
	.columns = "SYSCALL",
	.row = sct_row,
	.modes = modes,
	.arg_key = "syscall_filter",
	.arg_check = sct_arg_check,
	.config = sct_config,
	.set_rodata = sct_rodata,
	.set_maps = sct_maps,
	.command = sct_command,
	.required = true,
};
