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

/* The tracers the policy turned on: how each attached, or why it could not. */
static void print_tracers(struct json_object *tr)
{
	if (!tr)
		return;
	json_object_object_foreach(tr, name, v) {
		const char *state = json_get_str(v, "state");

		if (state && !strcmp(state, "attached"))
			printf("tracer     %s: %s, %lld lost\n", name,
			       json_get_str(v, "mechanism") ? json_get_str(v, "mechanism") : "?",
			       json_get_int(v, "lost", 0));
		else
			printf("tracer     %s: FAILED: %s\n", name,
			       json_get_str(v, "error") ? json_get_str(v, "error") : "?");
	}
}

static void print_status(struct json_object *o, bool running)
{
	struct json_object *lost = json_get(o, "lost");

	printf("engine     pid %lld, %s (status of %lld s ago)\n", json_get_int(o, "pid", -1),
	       running ? "running" : "NOT RUNNING", (long long)time(NULL) -
	       json_get_int(o, "updated", 0));
	printf("enforcing  %s\n", json_object_get_boolean(json_get(o, "enforcing")) ? "yes" :
	       json_get_str(o, "reason") ? json_get_str(o, "reason") : "no");
	printf("policy     generation %lld, %lld rules, %s mode, hash %s\n",
	       json_get_int(o, "generation", 0), json_get_int(o, "rules", 0),
	       json_get_str(o, "mode") ? json_get_str(o, "mode") : "?",
	       json_get_str(o, "policy_hash") ? json_get_str(o, "policy_hash") : "?");
	printf("decisions  %lld\n", json_get_int(o, "decisions", 0));
	printf("log        %s: %s, %lld records, %lld bytes, %lld write errors, "
	       "%lld unwritten, %lld rotations\n",
	       json_get_str(o, "log.path") ? json_get_str(o, "log.path") : "?",
	       json_get_str(o, "log.state") ? json_get_str(o, "log.state") : "?",
	       json_get_int(o, "log.records", 0), json_get_int(o, "log.bytes", 0),
	       json_get_int(o, "log.write_errors", 0), json_get_int(o, "log.unwritten", 0),
	       json_get_int(o, "log.rotations", 0));
	printf("lost       ");
	json_object_object_foreach(lost, cls, v) {
		struct json_object *pc = json_get(v, "per_cpu");

		printf("%s %lld", cls, json_get_int(v, "total", 0));
		if (json_get_int(v, "total", 0)) {
			printf(" (per CPU:");
			for (size_t i = 0; pc && i < json_object_array_length(pc); i++)
				printf(" %s", json_object_get_string(json_object_array_get_idx(pc, i)));
			printf(")");
		}
		printf("  ");
	}
	printf("\n");
	print_tracers(json_get(o, "tracers"));
}

int do_status(int argc, char **argv, struct bw_opts *o)
{
	static const struct option opts[] = { ARGS_COMMON_LONG, { NULL, 0, NULL, 0 } };
	struct json_object *st;
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
		diag_print(&d, stderr);
		out_err("status: cannot read the policy file");
		goto out;
	}
	st = json_object_from_file(p.status);
	if (!st) {
		out_err("status: no status in %s: is the engine running?", p.status);
		goto out;
	}
	pid = (pid_t)json_get_int(st, "pid", 0);
	running = pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
	if (o->json)
		puts(json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN));
	else
		print_status(st, running);
	json_object_put(st);
	ret = running ? 0 : 1;
out:
	policy_free(&p);
	diag_free(&d);
	args_free(o);
	return ret;
}
