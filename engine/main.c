// SPDX-License-Identifier: GPL-2.0
/* bulwark: one binary, subcommands dispatched from one table. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sc_profile.h"

static int do_help(int argc, char **argv, struct bw_opts *o);

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct bw_opts *o);
	const char *summary;
} cmds[] = {
	{ "check", do_check, "validate the policy file and rule files" },
	{ "run", do_run, "run the engine in the foreground" },
	{ "version", do_version, "print the version and what this kernel supports" },
	{ "status", do_status, "what the running engine reports: policy, log, losses" },
	{ "reload", do_reload, "reload the running engine's rules, and say how it went" },
	{ "stop", do_stop, "stop the running engine and wait for its exit" },
	{ "log", do_log, "read and filter the audit log and its rotations" },
	{ "replay", do_replay, "dry-run candidate rules against a recorded log" },
	{ "trace", do_trace, "run one tracer live (bulwark trace --list)" },
	{ "exec", do_exec, "run a command under a seccomp filter from the syscall rules" },
	{ "seccomp", do_seccomp, "export the seccomp profile (seccomp export)" },
	{ "help", do_help, "print this help" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: bulwark [-v] [-j] COMMAND [OPTIONS]\n"
		"\n"
		"Commands:\n");
	for (const struct cmd *c = cmds; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out,
		"\n"
		"Global options:\n"
		"  -j, --json      JSON output\n"
		"  -v, --verbose   libbpf debug output\n"
		"  -h, --help      this help; `bulwark COMMAND --help` for a command\n"
		"\n"
		"See bulwark(8), docs/rules.md and docs/log.md.\n");
}

static int do_help(int argc, char **argv, struct bw_opts *o)
{
	(void)argc;
	(void)argv;
	(void)o;
	usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bw_opts o = { .mode = -1 };
	int c;

	while ((c = getopt_long(argc, argv, "+jvh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			out_json_errors(true);
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	/* exact names only: in a security tool "r" could be run or replay */
	for (const struct cmd *cmd = cmds; cmd->name; cmd++) {
		if (!strcmp(argv[optind], cmd->name)) {
			argc -= optind;
			argv += optind;
			optind = 1;
			return cmd->fn(argc, argv, &o);
		}
	}
	fprintf(stderr, "bulwark: unknown command '%s'\n\n", argv[optind]);
	usage(stderr);
	return 2;
}
