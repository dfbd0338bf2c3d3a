// SPDX-License-Identifier: GPL-2.0
/* `bulwark status`: what the running engine wrote in its status file. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "cli.h"
#include "logread.h"
#include "rules.h"
#include "status.h"
#include "util.h"

static void do_help(FILE *out)
{
	fprintf(out,
		"Usage: bulwark status [--config FILE] [--json]\n"
		"\n"
		"What the running engine reports about itself (its status file, rewritten\n"
		"every second): enforcing or not, the policy, decisions, the audit log's\n"
		"state, records lost in the kernel per event class and CPU, programs.\n"
		"Exit status 0 when the engine runs, 1 when it does not.\n");
}

static const char *or_q(const char *s)
{
	return s ? s : "?";
}

/* The tracers the policy turned on: how each attached, or why it could not. */
static void print_tracers(const struct bw_status *s)
{
	for (size_t i = 0; i < s->ntracers; i++) {
		const struct bw_status_tracer *t = &s->tracers[i];

		if (t->attached)
			printf("tracer     %s: %s, %llu lost\n", t->name, or_q(t->mechanism),
			       (unsigned long long)t->lost);
		else
			printf("tracer     %s: FAILED: %s\n", t->name, or_q(t->error));
	}
}

/* Records lost per class, and per CPU where there were some. */
static void print_lost(const struct bw_status *s)
{
	printf("lost       ");
	for (int c = 0; c < BW_NCLASS; c++) {
		if (!s->lost[c].present)
			continue;
		printf("%s %llu", bw_class_name(c), (unsigned long long)s->lost[c].total);
		if (s->lost[c].total) {
			printf(" (per CPU:");
			for (size_t i = 0; i < s->lost[c].ncpu; i++)
				printf(" %llu", (unsigned long long)s->lost[c].per_cpu[i]);
			printf(")");
		}
		printf("  ");
	}
	printf("\n");
}

static void print_status(const struct bw_status *s, bool running)
{
	printf("engine     pid %lld, %s (status of %lld s ago)\n", s->pid,
	       running ? "running" : "NOT RUNNING", (long long)time(NULL) - s->updated);
	printf("enforcing  %s\n", s->enforcing ? "yes" : s->reason ? s->reason : "no");
	printf("policy     generation %llu, %llu rules, %s mode, hash %s\n",
	       (unsigned long long)s->generation, (unsigned long long)s->rules,
	       or_q(s->mode), or_q(s->policy_hash));
	printf("decisions  %llu\n", (unsigned long long)s->decisions);
	printf("log        %s: %s, %llu records, %llu bytes, %llu write errors, "
	       "%llu unwritten, %llu rotations\n", or_q(s->log.path), or_q(s->log.state),
	       (unsigned long long)s->log.records, (unsigned long long)s->log.bytes,
	       (unsigned long long)s->log.write_errors, (unsigned long long)s->log.unwritten,
	       (unsigned long long)s->log.rotations);
	print_lost(s);
	print_tracers(s);
}

int do_status(int argc, char **argv, struct bw_opts *o)
{
	static const struct option opts[] = { ARGS_COMMON_LONG, { NULL, 0, NULL, 0 } };
	struct bw_status st;
	struct bw_policy p;
	struct diag d = { 0 };
	bool running;
	pid_t pid;
	int c, ret = 1;

	while ((c = getopt_long(argc, argv, ARGS_COMMON_SHORT, opts, NULL)) != -1) {
		if (c == 'h') {
			do_help(stdout);
			return 0;
		}
		if (args_common(c, optarg, o)) {
			do_help(stderr);
			return 2;
		}
	}
	if (policy_load(&p, o->config ? o->config : DEFAULT_CONFIG, &d)) {
		out_diag(&d);
		out_err("status: cannot read the policy file");
		goto out;
	}
	if (status_read(p.status, &st)) {
		out_err("status: no status in %s: is the engine running?", p.status);
		goto out;
	}
	pid = st.pid > 0 ? (pid_t)st.pid : 0;
	running = pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
	if (o->json)
		puts(json_object_to_json_string_ext(st.raw, JSON_C_TO_STRING_PLAIN));
	else
		print_status(&st, running);
	status_free(&st);
	ret = running ? 0 : 1;
out:
	policy_free(&p);
	diag_free(&d);
	args_free(o);
	return ret;
}
