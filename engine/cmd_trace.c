// SPDX-License-Identifier: GPL-2.0
/* `bulwark trace NAME`: one tracer live, from a table of tracers. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "trace_seccomp.h"
#include "trace_syscall.h"

static const struct tracer {
	const char *name;
	const char *mechanism;
	const char *summary;
	int (*run)(int argc, char **argv, bool json);
} tracers[] = {
	{ "syscall", "raw_tp raw_syscalls/sys_enter",
	  "system calls, filtered in the kernel; --count for first use and totals",
	  do_trace_syscall },
	{ "seccomp", "raw_tp sys_enter/sys_exit, sched_process_exit",
	  "seccomp filter installs, rejected calls and kills, with the process",
	  do_trace_seccomp },
};

static void do_help(FILE *out)
{
	fprintf(out, "Usage: bulwark trace NAME [OPTIONS]   (bulwark trace NAME --help)\n"
		     "       bulwark trace --list\n\nTracers:\n");
	for (size_t i = 0; i < sizeof(tracers) / sizeof(tracers[0]); i++)
		fprintf(out, "  %-10s %s\n             via %s\n", tracers[i].name,
			tracers[i].summary, tracers[i].mechanism);
}

int do_trace(int argc, char **argv, struct bw_opts *o)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--list")) {
		do_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(tracers) / sizeof(tracers[0]); i++)
		if (!strcmp(argv[1], tracers[i].name))
			return tracers[i].run(argc - 1, argv + 1, o->json);
	out_err("trace: unknown tracer '%s' (bulwark trace --list)", argv[1]);
	return 2;
}
