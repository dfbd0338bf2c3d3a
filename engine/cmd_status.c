// SPDX-License-Identifier: GPL-2.0
/* `bulwark status`: what the running engine wrote in its status file. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <json-c/json.h>

#include "args.h"
#include "cli.h"
#include "control.h"
#include "logread.h"
#include "rules.h"
#include "status.h"
#include "util.h"

static void do_help(FILE *out)
{
	fprintf(out,
		"Usage: bulwark status [--config FILE] [--socket PATH] [--json]\n"
		"\n"
		"What the running engine reports about itself, asked live on its control\n"
		"socket: enforcing or not, the policy (generation, hash, rules per class\n"
		"and how each is enforced), decisions, the audit log's state and size,\n"
		"records lost per event class and CPU, programs with their runs and run\n"
		"time (kernel.bpf_stats_enabled=1), tracers.  When the engine does not\n"
		"answer, its status file (rewritten every second) instead, and that\n"
		"said.  Exit status 0 when the engine runs, 1 when it does not.\n"
		"\n"
		"  -c, --config FILE  policy file (default " DEFAULT_CONFIG ")\n"
		"  -s, --socket PATH  the control socket (default: the policy's)\n"
		"  -j, --json         one JSON object; \"live\" says where it came from\n");
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

/* What only the live answer has: how rules are enforced, program runs. */
static void print_live(struct json_object *o)
{
	struct json_object *v = json_get(o, "rules_per_class");

	printf("log size   %lld bytes in the current file\n",
	       json_get_int(o, "log_file_size", 0));
	if (v && json_object_is_type(v, json_type_object)) {
		printf("rules      ");
		json_object_object_foreach(v, cls, n)
			printf("%s %lld  ", cls, (long long)json_object_get_int64(n));
		printf("\n");
	}
	v = json_get(o, "rule_methods");
	if (v && json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, name, how)
			printf("rule       %s: %s\n", name, json_object_get_string(how));
	}
	v = json_get(o, "program_stats");
	if (v && json_object_is_type(v, json_type_object)) {
		bool on = json_object_get_boolean(json_get(o, "bpf_stats_enabled"));

		json_object_object_foreach(v, prog, st)
			printf("program    %s: %lld runs, %lld ns%s\n", prog,
			       json_get_int(st, "runs", 0), json_get_int(st, "run_ns", 0),
			       on ? "" : " (kernel.bpf_stats_enabled=0: not counted)");
	}
	v = json_get(o, "protection");
	if (v && json_object_is_type(v, json_type_object))
		printf("protection protect %s, lock %s%s%s\n",
		       json_object_get_boolean(json_get(v, "protect")) ? "yes" : "no",
		       json_object_get_boolean(json_get(v, "lock")) ? "yes" : "no",
		       json_get_str(v, "locked_hash") ? ", locked policy " : "",
		       json_get_str(v, "locked_hash") ?: "");
	v = json_get(o, "priority");
	if (v && json_object_is_type(v, json_type_object))
		printf("priority   boost %lld, the log thread at nice %lld%s%s\n",
		       json_get_int(v, "boost", 0), json_get_int(v, "nice", 0),
		       json_get_str(v, "error") ? ": not boosted, " : "",
		       json_get_str(v, "error") ?: "");
}

/*
 * The engine's own answer on the control socket; 0, or -1 with *why
 * (allocated) when it gives none.
 */
static int status_live(const char *path, struct bw_status *st, char **why)
{
	struct json_object *ans;
	char *line;
	int err = control_call(path, "{\"command\":\"status\"}", 5000, &line, 0);

	if (err) {
		*why = xasprintf("%s: %s", path, strerror(-err));
		free(line);
		return -1;
	}
	ans = json_tokener_parse(line);
	free(line);
	if (!ans || !json_object_get_boolean(json_get(ans, "ok")) ||
	    status_parse(json_get(ans, "status"), st)) {
		*why = xasprintf("%s: %s", path, ans && json_get_str(ans, "error") ?
				 json_get_str(ans, "error") : "not a status answer");
		if (ans)
			json_object_put(ans);
		return -1;
	}
	json_object_put(ans);
	return 0;
}

/* Two names of one file: the same path, or the same file once resolved. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (!strcmp(a, b))
		return true;
	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * An engine answered on the policy's socket: is it this policy's?  Two
 * engines may share a socket path (the second starts without one); one
 * writing another log is not the engine of this policy.  0, or -1 with
 * *why (allocated) and st freed.
 */
static int status_is_ours(const struct bw_policy *p, struct bw_status *st, char **why)
{
	if (!p->log || !st->log.path || same_file(p->log, st->log.path))
		return 0;
	*why = xasprintf("%s: the engine answering there (pid %lld) writes %s, not %s: "
			 "another policy's engine", p->control, (long long)st->pid,
			 st->log.path, p->log);
	status_free(st);
	return -1;
}

/* The status file, when the engine does not answer: said, with its time. */
static int status_from_file(const struct bw_policy *p, struct bw_status *st,
			    const char *why, bool json)
{
	char when[64] = "?";
	time_t t;
	struct tm tm;

	if (status_read(p->status, st)) {
		out_err("status: engine not answering (%s), and no status in %s: is the engine running?",
			why, p->status);
		return -1;
	}
	t = (time_t)st->updated;
	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm);
	json_object_object_add(st->raw, "live", json_object_new_boolean(false));
	json_object_object_add(st->raw, "not_answering", json_object_new_string(why));
	if (!json)
		printf("engine not answering (%s); from the status file of %s\n", why, when);
	return 0;
}

int do_status(int argc, char **argv, struct bw_opts *o)
{
	static const struct option opts[] = {
		ARGS_COMMON_LONG,
		{ "socket", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *socket = NULL;
	struct bw_status st;
	struct bw_policy p;
	struct diag d = { 0 };
	char *why = NULL;
	bool running, live;
	pid_t pid;
	int c, ret = 1;

	while ((c = getopt_long(argc, argv, ARGS_COMMON_SHORT "s:", opts, NULL)) != -1) {
		if (c == 'h') {
			do_help(stdout);
			return 0;
		}
		if (c == 's') {
			socket = optarg;
		} else if (args_common(c, optarg, o)) {
			do_help(stderr);
			return 2;
		}
	}
	/* with --socket the policy file is read only for the status file */
	memset(&p, 0, sizeof(p));
	live = socket && !status_live(socket, &st, &why);
	if (!live && policy_load(&p, o->config ? o->config : DEFAULT_CONFIG, &d)) {
		out_diag(&d);
		if (why)
			out_err("status: engine not answering (%s), and the policy file naming the status file cannot be read",
				why);
		else
			out_err("status: cannot read the policy file");
		goto out;
	}
	if (!live && !socket)
		live = !status_live(p.control, &st, &why) && !status_is_ours(&p, &st, &why);
	if (!live && status_from_file(&p, &st, why, o->json))
		goto out;
	pid = st.pid > 0 ? (pid_t)st.pid : 0;
	running = live || (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM));
	if (o->json) {
		puts(json_object_to_json_string_ext(st.raw, JSON_C_TO_STRING_PLAIN));
	} else {
		print_status(&st, running);
		if (live)
			print_live(st.raw);
	}
	status_free(&st);
	ret = running ? 0 : 1;
out:
	free(why);
	policy_free(&p);
	diag_free(&d);
	args_free(o);
	return ret;
}
