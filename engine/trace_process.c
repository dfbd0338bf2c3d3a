// SPDX-License-Identifier: GPL-2.0
/* process: exec, fork and exit, with the parent's exec id and durations. */
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "log.h"
#include "names.h"
#include "tracers.h"
#include "process.skel.h"
#include "util.h"

static const char *const events[] = {
	[TR_PROC_EXEC] = "exec", [TR_PROC_EXIT] = "exit", [TR_PROC_FORK] = "fork",
	[TR_PROC_EXEC_FAILED] = "exec_failed",
};

static const char *event_name(unsigned int k)
{
	return k < ARRAY_SIZE(events) && events[k] ? events[k] : "?";
}

/* Exec records carry a command line; the kernel sends them that long. */
static bool has_argv(const struct tr_process *e)
{
	return e->h.kind == TR_PROC_EXEC || e->h.kind == TR_PROC_EXEC_FAILED;
}

static void process_json(struct json *j, const void *rec)
{
	const struct tr_process *e = rec;
	char idbuf[64], sb[32];

	json_kstr(j, "state", event_name(e->h.kind));
	json_kstr(j, "parent_exec_id", format_exec_id(idbuf, sizeof(idbuf), e->h.ppid,
						      e->parent_start, e->parent_exec_seq));
	if (e->h.kind == TR_PROC_EXEC) {
		/* the image this one replaced: exec counts up by one */
		json_kstr(j, "prev_exec_id", format_exec_id(idbuf, sizeof(idbuf), e->h.pid,
							     e->h.start, e->h.exec_seq - 1));
		json_key(j, "filename");
		json_strn(j, e->filename, sizeof(e->filename));
		if (e->old_pid != e->h.pid)
			json_ku64(j, "old_tid", e->old_pid);
	} else if (e->h.kind == TR_PROC_EXEC_FAILED) {
		json_key(j, "filename");
		json_strn(j, e->filename, sizeof(e->filename));
		json_ki64(j, "ret", e->exit_code);
		json_kstr(j, "errno", errno_name(-e->exit_code, sb, sizeof(sb)));
	} else if (e->h.kind == TR_PROC_EXIT) {
		json_ki64(j, "exit_code", e->exit_code);
		if (e->exit_code & 0x7f) {
			json_kstr(j, "signal", signal_name(e->exit_code & 0x7f, sb, sizeof(sb)));
			if (e->exit_code & 0x80)
				json_kbool(j, "core_dumped", true);
		} else {
			json_ki64(j, "exit_status", (e->exit_code >> 8) & 0xff);
		}
		json_ku64(j, "duration_ns", e->duration_ns);
	}
	if (has_argv(e))
		argv_json(j, &e->argv);
}

/* -a, -q: how the table shows exec rows (the command's only) */
static struct {
	bool args, quote;
} show;

static void process_row(FILE *out, const void *rec)
{
	const struct tr_process *e = rec;
	char sb[32];

	fprintf(out, "%-7u %-5s ", e->h.ppid,
		e->h.kind == TR_PROC_EXEC_FAILED ? "fail" : event_name(e->h.kind));
	if (e->h.kind == TR_PROC_EXEC_FAILED)
		fprintf(out, "%s ", errno_name(-e->exit_code, sb, sizeof(sb)));
	if (has_argv(e)) {
		fprintf(out, "%.*s", (int)sizeof(e->filename), e->filename);
		if (show.args) {
			char *text = argv_text(&e->argv, show.quote);

			fprintf(out, "  %s", text);
			free(text);
		}
	} else if (e->h.kind == TR_PROC_EXIT && (e->exit_code & 0x7f)) {
		fprintf(out, "%s after %.3fs", signal_name(e->exit_code & 0x7f, sb, sizeof(sb)),
			e->duration_ns / 1e9);
	} else if (e->h.kind == TR_PROC_EXIT) {
		fprintf(out, "status %d after %.3fs", (e->exit_code >> 8) & 0xff,
			e->duration_ns / 1e9);
	}
}

static const struct option own_opts[] = {
	{ "args", no_argument, NULL, 'a' },
	{ "quote", no_argument, NULL, 'q' },
	{ NULL, 0, NULL, 0 },
};

static int process_opt(int c, const char *arg, void *cfg)
{
	(void)arg;
	(void)cfg;
	if (c == 'a')
		show.args = true;
	else if (c == 'q')
		show.args = show.quote = true;
	return 0;
}

#define EXEC_CALLS "tp_execve tp_execveat tp_execve_exit tp_execveat_exit"

static const struct tr_variant variants[] = {
	{ "tp_btf sched_process_{exec,fork,exit}", "btf_exec btf_fork btf_exit" },
	{ "raw_tp sched_process_{exec,fork,exit}", "raw_exec raw_fork raw_exit" },
	{ "tp_btf sched_process_{exec,fork,exit} + tracepoint "
	  "syscalls:sys_{enter,exit}_execve{,at}",
	  "btf_exec btf_fork btf_exit " EXEC_CALLS, .alt = true },
	{ "raw_tp sched_process_{exec,fork,exit} + tracepoint "
	  "syscalls:sys_{enter,exit}_execve{,at}",
	  "raw_exec raw_fork raw_exit " EXEC_CALLS, .alt = true },
	{ NULL },
};

TRACER_SKEL(process)

const struct tracer_desc process_tracer = {
	.name = "process",
	.summary = "Processes started (fork, exec, with the command line) and ended "
		   "(exit code, duration), with their parents: the ancestry of every "
		   "other record",
	.variants = variants,
	/* fork and exit records end before argv, exec records within it */
	.rec_size = TR_PROC_SIZE_SHORT,
	TRACER_SKEL_OPS(process),
	.json = process_json,
	.columns = "PPID    EVENT FILENAME / EXIT",
	.row = process_row,
	.mode_opt = 'x',
	.mode_long = "failed",
	.mode_help = "failed execve/execveat calls too (EVENT fail, the errno)",
	.pending_mode_only = true,
	.opts = own_opts,
	.shorts = "aq",
	.opts_help = "  -a, --args           the command line after the filename\n"
		     "  -q, --quote          the same, each argument in double quotes\n",
	.opt = process_opt,
	.notes = "Records are per process, not per thread: an exit is reported when the\n"
		 "last thread ends.  -p, -c and -u select the process the record is about\n"
		 "(for fork, the new child).  An exec's command line is the new image's:\n"
		 "at most 20 arguments and 1024 bytes (JSON: argv, argv_truncated); for\n"
		 "a script, the interpreter's.  A failed exec's (-x) is what the caller\n"
		 "passed.\n",
};
