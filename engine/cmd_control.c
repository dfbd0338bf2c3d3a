// SPDX-License-Identifier: GPL-2.0
/*
 * `bulwark reload` and `bulwark stop`: requests to the running engine on
 * its control socket (control.h); `bulwark status` asks there too.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "args.h"
#include "cli.h"
#include "control.h"
#include "logread.h"
#include "util.h"

#define CALL_MS 10000		/* a reload compiles the rules: a while */
#define STOP_WAIT_S 90		/* as the unit's TimeoutStopSec default */

/* The control socket: --socket, else the policy file's [engine] control. */
char *control_path_of(const struct bw_opts *o, const char *socket)
{
	struct bw_policy p;
	struct diag d = { 0 };
	char *path = NULL;

	if (socket)
		return xstrdup(socket);
	if (policy_load(&p, o->config ? o->config : DEFAULT_CONFIG, &d)) {
		out_diag(&d);
		out_err("cannot read the policy file for the control socket's path");
	} else {
		path = xstrdup(p.control);
	}
	policy_free(&p);
	diag_free(&d);
	return path;
}

/* A request's answer as an object; NULL (said) when there is none. */
static struct json_object *call(const char *what, const char *path, const char *req,
				int wait_ms)
{
	struct json_object *o;
	char *line;
	int err = control_call(path, req, CALL_MS, &line, wait_ms);

	if (err == -ENOENT || err == -ECONNREFUSED) {
		out_err("%s: the engine is not answering on %s (%s): is it running?", what, path,
			strerror(-err));
		return NULL;
	}
	if (err == -ETIMEDOUT && line) {
		out_err("%s: the engine did not exit within %d s", what, wait_ms / 1000);
		free(line);
		return NULL;
	}
	if (err) {
		out_err("%s: talking to the engine on %s failed: %s", what, path, strerror(-err));
		free(line);
		return NULL;
	}
	o = json_tokener_parse(line);
	free(line);
	if (!o || !json_object_is_type(o, json_type_object)) {
		out_err("%s: the engine's answer is not a JSON object", what);
		if (o)
			json_object_put(o);
		return NULL;
	}
	return o;
}

static void print_json(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
}

/* A failed reload's problems, FILE:LINE: severity: message, on stderr. */
static void print_problems(struct json_object *ans)
{
	struct json_object *pr = json_get(ans, "problems");
	size_t n = pr && json_object_is_type(pr, json_type_array) ?
		json_object_array_length(pr) : 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(pr, i);
		long long line = json_get_int(it, "line", 0);
		const char *file = json_get_str(it, "file");

		if (line > 0)
			fprintf(stderr, "%s:%lld: ", file ? file : "?", line);
		else if (file)
			fprintf(stderr, "%s: ", file);
		fprintf(stderr, "%s: %s\n", json_get_str(it, "severity") ?: "error",
			json_get_str(it, "message") ?: "?");
	}
	if (json_get_int(ans, "more_problems", 0))
		fprintf(stderr, "(and %lld more)\n", json_get_int(ans, "more_problems", 0));
}

static void usage_reload(FILE *out)
{
	fprintf(out,
		"Usage: bulwark reload [--config FILE] [--socket PATH] [--json]\n"
		"\n"
		"Reload the running engine's rules, as SIGHUP does: all or nothing.\n"
		"Waits for the result: the new generation, or the errors (FILE:LINE)\n"
		"with the live policy kept.  Exit status 0 when the new policy is\n"
		"live, 1 when it is not or the engine does not answer.\n"
		"\n"
		"  -c, --config FILE  policy file naming the control socket\n"
		"                     (default " DEFAULT_CONFIG ")\n"
		"  -s, --socket PATH  the control socket itself\n"
		"  -j, --json         the engine's answer, one JSON object\n");
}

static void usage_stop(FILE *out)
{
	fprintf(out,
		"Usage: bulwark stop [--detach] [--config FILE] [--socket PATH]\n"
		"                    [--timeout SEC] [--json]\n"
		"\n"
		"Stop the running engine, as SIGTERM does, and wait until it has\n"
		"exited (the stop record written).  Works where signals to the engine\n"
		"are denied.  Exit status 0 once it exited, 1 otherwise.\n"
		"\n"
		"  -d, --detach       detach every program on the way out, even with\n"
		"                     on_exit = keep (the request's \"detach\" flag)\n"
		"  -c, --config FILE  policy file naming the control socket\n"
		"                     (default " DEFAULT_CONFIG ")\n"
		"  -s, --socket PATH  the control socket itself\n"
		"  -t, --timeout SEC  how long to wait for the exit (default %d)\n"
		"  -j, --json         the engine's answer, one JSON object\n",
		STOP_WAIT_S);
}

/* Options of reload and stop; 0, 1 when help was asked, 2 on a bad one. */
static int parse_opts(int argc, char **argv, struct bw_opts *o, bool stop,
		      const char **socket, bool *detach, unsigned long long *wait_s)
{
	static const struct option opts[] = {
		ARGS_COMMON_LONG,
		{ "socket", required_argument, NULL, 's' },
		{ "detach", no_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	void (*usage)(FILE *) = stop ? usage_stop : usage_reload;
	int c;

	while ((c = getopt_long(argc, argv, ARGS_COMMON_SHORT "s:dt:", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (c == 's') {
			*socket = optarg;
		} else if (stop && c == 'd') {
			*detach = true;
		} else if (stop && c == 't') {
			if (parse_u64(optarg, 86400, wait_s) || !*wait_s) {
				out_err("stop: --timeout takes 1 to 86400 seconds, not '%s'", optarg);
				return 2;
			}
		} else if (c == 'r' || args_common(c, optarg, o)) {
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	return 0;
}

int do_reload(int argc, char **argv, struct bw_opts *o)
{
	const char *socket = NULL;
	struct json_object *ans;
	char *path;
	int ret = parse_opts(argc, argv, o, false, &socket, NULL, NULL);

	if (ret)
		return ret == 1 ? 0 : ret;
	path = control_path_of(o, socket);
	ans = path ? call("reload", path, "{\"command\":\"reload\"}", 0) : NULL;
	ret = 1;
	if (ans) {
		bool ok = json_object_get_boolean(json_get(ans, "ok"));

		if (o->json)
			print_json(ans);
		else if (ok)
			printf("policy generation %lld live\n",
			       json_get_int(ans, "generation", 0));
		if (!ok && !o->json) {
			print_problems(ans);
			out_err("reload: %s", json_get_str(ans, "error") ?: "failed");
		}
		ret = ok ? 0 : 1;
		json_object_put(ans);
	}
	free(path);
	args_free(o);
	return ret;
}

int do_stop(int argc, char **argv, struct bw_opts *o)
{
	unsigned long long wait_s = STOP_WAIT_S;
	const char *socket = NULL;
	struct json_object *ans;
	bool detach = false;
	char *path, req[64];
	int ret = parse_opts(argc, argv, o, true, &socket, &detach, &wait_s);

	if (ret)
		return ret == 1 ? 0 : ret;
	path = control_path_of(o, socket);
	snprintf(req, sizeof(req), "{\"command\":\"stop\",\"detach\":%s}",
		 detach ? "true" : "false");
	ans = path ? call("stop", path, req, (int)wait_s * 1000) : NULL;
	ret = 1;
	if (ans) {
		bool ok = json_object_get_boolean(json_get(ans, "ok"));

		if (o->json)
			print_json(ans);
		else if (ok)
			printf("stopped\n");
		else
			out_err("stop: %s", json_get_str(ans, "error") ?: "refused");
		ret = ok ? 0 : 1;
		json_object_put(ans);
	}
	free(path);
	args_free(o);
	return ret;
}
