// SPDX-License-Identifier: GPL-2.0
/* `bulwark trace seccomp`, and the seccomp tracer the daemon can run. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "seccomp.skel.h"
#include "seccomp.h"
#include "cli.h"
#include "log.h"
#include "names.h"
#include "syscalls.h"
#include "trace_seccomp.h"
#include "tracer.h"
#include "util.h"

int sect_open(struct sect *t, uint32_t pid, const char *comm, char *err,
	      size_t errlen)
{
	struct bpf_program *progs[3];
	int ret;

	memset(t, 0, sizeof(*t));
	t->skel = seccomp_bpf__open();
	if (!t->skel) {
		snprintf(err, errlen, "cannot open the seccomp tracer: %s", strerror(errno));
		return -errno;
	}
	t->skel->rodata->self_tgid = getpid();
	t->skel->rodata->targ_tgid = pid;
	if (comm) {
		t->skel->rodata->filter_comm = true;
		strncpy((char *)t->skel->rodata->targ_comm, comm, 15);
	}
	ret = seccomp_bpf__load(t->skel);
	if (ret) {
		snprintf(err, errlen, "loading the seccomp tracer failed: %s", strerror(-ret));
		goto fail;
	}
	progs[0] = t->skel->progs.sec_enter;
	progs[1] = t->skel->progs.sec_exit;
	progs[2] = t->skel->progs.sec_signal;
	for (int i = 0; i < 3; i++) {
		t->links[i] = bpf_program__attach(progs[i]);
		if (!t->links[i]) {
			ret = -errno;
			snprintf(err, errlen, "attaching %s failed: %s",
				 bpf_program__name(progs[i]), strerror(-ret));
			goto fail;
		}
	}
	return 0;
fail:
	sect_close(t);
	return ret;
}

int sect_events_fd(const struct sect *t)
{
	return bpf_map__fd(t->skel->maps.events);
}

uint64_t sect_lost(const struct sect *t)
{
	return percpu_counter_sum(bpf_map__fd(t->skel->maps.lost), 0);
}

void sect_close(struct sect *t)
{
	for (int i = 0; i < 3; i++)
		bpf_link__destroy(t->links[i]);
	seccomp_bpf__destroy(t->skel);
	memset(t, 0, sizeof(*t));
}

static const char *kind_name(uint32_t k)
{
	switch (k) {
	case SEC_INSTALL: return "install";
	case SEC_REJECT: return "reject";
	case SEC_KILL: return "kill";
	default: return "unknown";
	}
}

static const char *mode_name(uint32_t m)
{
	switch (m) {
	case 1: return "strict";
	case 2: return "filter";
	case 3: return "dead";	/* a filter killed it */
	default: return "none";
	}
}

void sect_event_json(struct json *j, const struct sec_event *e)
{
	char idbuf[64], buf[64];

	json_kstr(j, "what", kind_name(e->kind));
	json_ku64(j, "pid", e->pid);
	json_kstr(j, "exec_id", format_exec_id(idbuf, sizeof(idbuf), e->pid, e->start,
					       e->exec_seq));
	json_ku64(j, "tid", e->tid);
	json_ku64(j, "ppid", e->ppid);
	json_ku64(j, "uid", e->uid);
	json_key(j, "comm");
	json_strn(j, e->comm, sizeof(e->comm));
	json_kstr(j, "syscall", syscall_name(e->id, buf, sizeof(buf)));
	json_kstr(j, "mode", mode_name(e->mode));
	json_ku64(j, "filters", e->filters);
	if (e->kind == SEC_REJECT)
		json_kstr(j, "errno", errno_name((int)-e->ret, buf, sizeof(buf)));
	else if (e->kind == SEC_INSTALL)
		json_ki64(j, "ret", e->ret);
}

struct trace_ctx {
	bool json;
	int64_t boot_to_real;
	struct json j;
};

static int print_event(void *ctx, void *data, size_t size)
{
	struct trace_ctx *c = ctx;
	char tbuf[64], name[64], errbuf[32];
	struct sec_event e;

	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	format_time((int64_t)e.ts + c->boot_to_real, tbuf, sizeof(tbuf));
	if (c->json) {
		json_reset(&c->j);
		json_obj_begin(&c->j);
		json_kstr(&c->j, "time", tbuf);
		sect_event_json(&c->j, &e);
		json_obj_end(&c->j);
		json_write_line(&c->j, stdout);
		return 0;
	}
	syscall_name(e.id, name, sizeof(name));
	if (e.kind == SEC_INSTALL)
		printf("%-12.12s %-7u %-16.16s %-8s mode %s, %u filter%s (%s)\n",
		       tbuf + 11, e.pid, e.comm, "install", mode_name(e.mode),
		       e.filters, e.filters == 1 ? "" : "s", name);
	else
		printf("%-12.12s %-7u %-16.16s %-8s %s%s%s\n", tbuf + 11, e.pid, e.comm,
		       kind_name(e.kind), name, e.kind == SEC_REJECT ? " -> " : "",
		       e.kind == SEC_REJECT ? errno_name((int)-e.ret, errbuf, sizeof(errbuf)) : "");
	return 0;
}

static void do_help(FILE *out)
{
	fprintf(out,
		"Usage: bulwark trace seccomp [-p PID] [-c COMM] [-d SECONDS] [-j]\n"
		"\n"
		"Which processes install seccomp filters (mode, number of filters), which\n"
		"calls a filter rejected with an errno, and which processes a filter killed.\n"
		"Built from syscall tracepoints: a call a filter rejects reaches sys_exit\n"
		"without passing sys_enter.\n");
}

int do_trace_seccomp(int argc, char **argv, bool json)
{
	static const struct option opts[] = { TRACER_LONG_OPTS, { NULL, 0, NULL, 0 } };
	struct tracer_opts to = { .json = json };
	struct trace_ctx c = { 0 };
	struct ring_buffer *rb = NULL;
	char err[256];
	struct sect t;
	int ch, ret = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, TRACER_SHORT_OPTS, opts, NULL)) != -1) {
		int r = tracer_common_opt(ch, optarg, &to, "trace seccomp");

		if (r < 0)
			return 1;
		if (r == 0)
			continue;
		do_help(ch == 'h' ? stdout : stderr);
		return ch == 'h' ? 0 : 2;
	}
	c.json = to.json;
	if (sect_open(&t, to.pid, to.comm, err, sizeof(err))) {
		out_err("trace seccomp: %s", err);
		return 1;
	}
	rb = ring_buffer__new(sect_events_fd(&t), print_event, &c, NULL);
	if (!rb) {
		out_err("trace seccomp: cannot open the ring buffer: %s", strerror(errno));
		goto close;
	}
	c.boot_to_real = tracer_boot_to_real();
	json_init(&c.j);
	if (!c.json)
		printf("%-12s %-7s %-16s %-8s %s\n", "TIME", "PID", "COMM", "WHAT", "DETAIL");
	ret = tracer_loop(rb, to.duration);
	if (ret)
		out_err("trace seccomp: reading the ring buffer failed: %s", strerror(-ret));
	if (sect_lost(&t))
		out_err("trace seccomp: lost %llu records (ring buffer full)",
			(unsigned long long)sect_lost(&t));
	ret = ret ? 1 : 0;
	json_free(&c.j);
close:
	ring_buffer__free(rb);
	sect_close(&t);
	return ret;
}
