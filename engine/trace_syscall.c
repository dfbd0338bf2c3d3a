// SPDX-License-Identifier: GPL-2.0
/* `bulwark trace syscall`, and the syscall tracer the daemon can run. */
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
#include "log.h"
#include "syscalls.h"
#include "trace_syscall.h"
#include "tracers.h"
#include "tracer.h"
#include "util.h"
#include "kernel.h"

int sct_open(struct sct *t, const struct sct_opts *o, char *err, size_t errlen)
{
	int ret, fd;

	memset(t, 0, sizeof(*t));
	t->skel = syscall_bpf__open();
	if (!t->skel) {
		snprintf(err, errlen, "cannot open the syscall tracer: %s", strerror(errno));
		return -errno;
	}
	t->skel->rodata->tr_filt.self_tgid = getpid();
	t->skel->rodata->tr_filt.tgid = o->pid;
	t->skel->rodata->tr_filt.cgroup_id = o->cgroup_id;
	t->skel->rodata->count_mode = o->count;
	if (o->comm) {
		t->skel->rodata->tr_filt.filter_comm = 1;
		strncpy(t->skel->rodata->tr_filt.comm, o->comm, TR_COMM_LEN - 1);
	}
	t->skel->rodata->filter_ids = o->nids > 0;
	ret = syscall_bpf__load(t->skel);
	if (ret) {
		snprintf(err, errlen, "loading the syscall tracer failed: %s", strerror(-ret));
		goto fail;
	}
	fd = bpf_map__fd(t->skel->maps.ids);
	for (size_t i = 0; i < o->nids; i++) {
		uint32_t k = BW_SC_ARCH(o->ids[i]) * 1024 + (BW_SC_NR(o->ids[i]) & 1023);
		uint8_t one = 1;

		if (BW_SC_ARCH(o->ids[i]) >= BW_SC_NARCH)
			continue;
		if (bpf_map_update_elem(fd, &k, &one, BPF_ANY)) {
			ret = -errno;
			snprintf(err, errlen, "filling the syscall filter failed: %s",
				 strerror(-ret));
			goto fail;
		}
	}
	t->link = bpf_program__attach(t->skel->progs.sct_enter);
	if (!t->link) {
		ret = -errno;
		snprintf(err, errlen, "attaching raw_syscalls/sys_enter failed: %s",
			 strerror(-ret));
		goto fail;
	}
	return 0;
fail:
	syscall_bpf__destroy(t->skel);
	t->skel = NULL;
	return ret;
}

int sct_probe(char *err, size_t errlen)
{
	struct sct_opts so = { 0 };
	struct sct t;
	int ret = sct_open(&t, &so, err, errlen);

	if (!ret)
		sct_close(&t);
	return ret;
}

int sct_events_fd(const struct sct *t)
{
	return bpf_map__fd(t->skel->maps.tr_events);
}

uint64_t sct_lost(const struct sct *t)
{
	return percpu_counter_sum(bpf_map__fd(t->skel->maps.tr_lost), 0);
}

void sct_unlink(struct sct *t)
{
	bpf_link__destroy(t->link);
	t->link = NULL;
}

void sct_close(struct sct *t)
{
	sct_unlink(t);
	syscall_bpf__destroy(t->skel);
	memset(t, 0, sizeof(*t));
}

void sct_event_json(struct json *j, const struct sct_event *e)
{
	char name[64];

	tr_ident_json(j, &e->h);
	json_kstr(j, "syscall", syscall_name(e->id, name, sizeof(name)));
	json_ku64(j, "nr", BW_SC_NR(e->id) & ~SCT_X32_BIT);
	if (e->first)
		json_kbool(j, "first_use", true);
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
	char tbuf[64], name[64];

	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	c->n++;
	format_time((int64_t)e.h.ts + c->boot_to_real, tbuf, sizeof(tbuf));
	if (c->json) {
		json_reset(&c->j);
		json_obj_begin(&c->j);
		json_kstr(&c->j, "time", tbuf);
		sct_event_json(&c->j, &e);
		json_obj_end(&c->j);
		json_write_line(&c->j, stdout);
		return 0;
	}
	printf("%-12.12s %-7u %-7u %-16.16s %s%s\n", tbuf + 11, e.h.pid, e.h.ppid, e.h.comm,
	       syscall_name(e.id, name, sizeof(name)), e.first ? " (first use)" : "");
	return 0;
}

static int cmp_count(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[1] < y[1] ? 1 : x[1] > y[1] ? -1 : 0;
}

static void print_totals(const struct sct *t, bool json)
{
	int fd = bpf_map__fd(t->skel->maps.totals);
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
			json_ku64(&j, syscall_name(rows[i][0], name, sizeof(name)), rows[i][1]);
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

int do_trace_syscall(int argc, char **argv, bool json)
{
	static const struct option opts[] = {
		TRACER_LONG_OPTS,
		{ "syscall", required_argument, NULL, 's' },
		{ "count", no_argument, NULL, 'C' },
		{ "cgroup", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	struct tracer_opts to = { .json = json };
	struct sct_opts so = { 0 };
	struct trace_ctx c = { 0 };
	struct ring_buffer *rb = NULL;
	char err[256];
	struct sct t;
	int ch, ret = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, TRACER_SHORT_OPTS "s:", opts, NULL)) != -1) {
		int r = tracer_common_opt(ch, optarg, &to, "trace syscall");

		if (r < 0)
			goto out;
		if (r == 0)
			continue;
		if (ch == 's') {
			if (syscall_resolve(optarg, &so.ids, &so.nids)) {
				out_err("trace syscall: unknown syscall or group '%s'", optarg);
				goto out;
			}
		} else if (ch == 'C') {
			so.count = true;
		} else if (ch == 'G') {
			unsigned long long cg;

			if (cgroup_id_of_path(optarg, &cg)) {
				out_err("trace syscall: no cgroup %s under the cgroup2 mount", optarg);
				goto out;
			}
			so.cgroup_id = cg;
		} else if (ch == 'h') {
			do_help(stdout);
			ret = 0;
			goto out;
		} else {
			do_help(stderr);
			ret = 2;
			goto out;
		}
	}
	so.pid = to.pid;
	so.comm = to.comm;
	c.json = to.json;
	c.count = so.count;
	if (sct_open(&t, &so, err, sizeof(err))) {
		out_err("trace syscall: %s", err);
		goto out;
	}
	rb = ring_buffer__new(sct_events_fd(&t), print_event, &c, NULL);
	if (!rb) {
		out_err("trace syscall: cannot open the ring buffer: %s", strerror(errno));
		goto close;
	}
	c.boot_to_real = tracer_boot_to_real();
	json_init(&c.j);
	if (!c.json)
		printf("%-12s %-7s %-7s %-16s %s\n", "TIME", "PID", "PPID", "COMM", "SYSCALL");
	ret = tracer_loop(rb, to.duration);
	if (ret)
		out_err("trace syscall: reading the ring buffer failed: %s", strerror(-ret));
	if (c.count)
		print_totals(&t, c.json);
	if (sct_lost(&t))
		out_err("trace syscall: lost %llu records (ring buffer full)",
			(unsigned long long)sct_lost(&t));
	ret = ret ? 1 : 0;
	json_free(&c.j);
close:
	ring_buffer__free(rb);
	sct_close(&t);
out:
	free(so.ids);
	return ret;
}
