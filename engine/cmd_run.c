// SPDX-License-Identifier: GPL-2.0
/* `bulwark run`: its options; the daemon itself is engine/daemon.c. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "daemon.h"

static void do_help(FILE *out)
{
	fprintf(out,
		"Usage: bulwark run [--config FILE] [--rules PATH]... [--log FILE]\n"
		"                   [--mode enforce|audit] [--ready-file FILE]\n"
		"\n"
		"Load the policy into the kernel and run in the foreground, writing\n"
		"the audit log.  SIGINT/SIGTERM detach and exit; SIGHUP reloads the\n"
		"rules (a bad rule set is reported and the live policy kept); SIGUSR1\n"
		"rotates the audit log.\n"
		"\n"
		"  -c, --config FILE      policy file (default " DEFAULT_CONFIG ")\n"
		"  -r, --rules PATH       rule file or directory; replaces the policy's list\n"
		"  -l, --log FILE         audit log (default from the policy file)\n"
		"  -m, --mode MODE        enforce, or audit (denials become would-deny)\n"
		"      --ready-file FILE  created once every program is attached and the\n"
		"                         policy is live; removed on exit\n"
		"  -v, --verbose          libbpf debug output\n");
}

int do_run(int argc, char **argv, struct bw_opts *o)
{
	static const struct option opts[] = {
		ARGS_COMMON_LONG,
		{ "log", required_argument, NULL, 'l' },
		{ "mode", required_argument, NULL, 'm' },
		{ "ready-file", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	while ((c = getopt_long(argc, argv, ARGS_COMMON_SHORT "l:m:", opts, NULL)) != -1) {
		if (c == 'h') {
			do_help(stdout);
			return 0;
		}
		if (c == 'l') {
			o->log = optarg;
		} else if (c == 'm') {
			if (!strcmp(optarg, "enforce"))
				o->mode = BW_MODE_ENFORCE;
			else if (!strcmp(optarg, "audit"))
				o->mode = BW_MODE_AUDIT;
			else {
				out_err("run: --mode takes enforce or audit, not '%s'", optarg);
				return 2;
			}
		} else if (c == 'R') {
			o->ready_file = optarg;
		} else if (args_common(c, optarg, o)) {
			do_help(stderr);
			return 2;
		}
	}
	ret = daemon_run(o);
	args_free(o);
	return ret;
}
