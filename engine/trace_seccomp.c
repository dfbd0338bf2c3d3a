// SPDX-License-Identifier: GPL-2.0
/* seccomp: filter installs, rejected calls and kills, from syscall tracepoints. */
#include <stdint.h>
#include <stdio.h>

#include "names.h"
#include "syscalls.h"
#include "tracers.h"
#include "seccomp.skel.h"
#include "seccomp.h"

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

static void seccomp_json(struct json *j, const void *rec)
{
	const struct sec_event *e = rec;
	char buf[64];

	json_kstr(j, "what", kind_name(e->h.kind));
	json_kstr(j, "syscall", syscall_name(e->id, buf, sizeof(buf)));
	json_kstr(j, "mode", mode_name(e->mode));
	json_ku64(j, "filters", e->filters);
	if (e->h.kind == SEC_REJECT)
		json_kstr(j, "errno", errno_name((int)-e->ret, buf, sizeof(buf)));
	else if (e->h.kind == SEC_INSTALL)
		json_ki64(j, "ret", e->ret);
}

static void seccomp_row(FILE *out, const void *rec)
{
	const struct sec_event *e = rec;
	char name[64], errbuf[32];

	syscall_name(e->id, name, sizeof(name));
	if (e->h.kind == SEC_INSTALL)
		fprintf(out, "%-8s mode %s, %u filter%s (%s)", "install", mode_name(e->mode),
			e->filters, e->filters == 1 ? "" : "s", name);
	else
		fprintf(out, "%-8s %s%s%s", kind_name(e->h.kind), name,
			e->h.kind == SEC_REJECT ? " -> " : "",
			e->h.kind == SEC_REJECT ? errno_name((int)-e->ret, errbuf, sizeof(errbuf)) : "");
}

static const struct tr_variant variants[] = {
	{ "raw_tp raw_syscalls:sys_enter/sys_exit, signal_generate",
	  "sec_enter sec_exit sec_signal" },
	{ NULL },
};

TRACER_SKEL(seccomp)

const struct tracer_desc seccomp_tracer = {
	.name = "seccomp",
	.summary = "Seccomp filter installs (mode, number of filters), calls a filter "
		   "rejected with an errno, processes a filter killed",
	.variants = variants,
	.rec_size = sizeof(struct sec_event),
	TRACER_SKEL_OPS(seccomp),
	.json = seccomp_json,
	.columns = "WHAT     DETAIL",
	.row = seccomp_row,
	.notes = "Built from syscall tracepoints: a call a filter rejects reaches sys_exit\n"
		 "without passing sys_enter.  Installs are seen for x86_64 seccomp(2) and\n"
		 "prctl(PR_SET_SECCOMP).\n",
};
