// SPDX-License-Identifier: GPL-2.0
/* `bulwark exec` and `bulwark seccomp export`: the seccomp module. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "log.h"
#include "sc_profile.h"
#include "util.h"

/* path made absolute, without resolving symlinks (NULL: no cwd). */
static char *absolute(const char *path)
{
	char *cwd, *abs;

	if (path[0] == '/')
		return xstrdup(path);
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	abs = xasprintf("%s/%s", cwd, path);
	free(cwd);
	return abs;
}

/*
 * COMMAND through PATH, as execvp would find it, as an absolute path whose
 * symlinks are kept: executing /usr/bin/sh -> dash gives the process the
 * comm "sh", as the rules then see it (exe is resolved in profile_build).
 */
static char *find_program(const char *cmd)
{
	const char *path = getenv("PATH");
	char *dup, *save = NULL;

	if (!*cmd)
		return NULL;
	if (strchr(cmd, '/'))
		return access(cmd, X_OK) ? NULL : absolute(cmd);
	dup = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *dir = strtok_r(dup, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", dir, cmd);
		struct stat st;

		if (!stat(full, &st) && S_ISREG(st.st_mode) && !access(full, X_OK)) {
			char *abs = absolute(full);

			free(full);
			free(dup);
			return abs;
		}
		free(full);
	}
	free(dup);
	return NULL;
}

static void log_launch(const char *logpath, const char *program, char **argv,
		       const char *profile, const struct bw_sc_profile *p)
{
	struct bw_log l;
	struct json *j;
	int err = log_open(&l, logpath);

	if (err) {
		out_err("exec: cannot write the launch record to %s: %s (going on)",
			logpath, strerror(-err));
		return;
	}
	j = log_begin(&l, "launch", 0);
	json_kstr(j, "command", program);
	json_key(j, "argv");
	json_arr_begin(j);
	for (char **a = argv; *a; a++)
		json_str(j, *a);
	json_arr_end(j);
	json_ku64(j, "pid", getpid());
	json_kstr(j, "profile", profile);
	json_kstr(j, "hash", p->hash);
	json_key(j, "rules");
	json_arr_begin(j);
	for (size_t i = 0; i < p->napplied; i++)
		json_str(j, p->applied[i]->name);
	json_arr_end(j);
	json_ku64(j, "filtered_syscalls", p->n);
	for (size_t i = 0; i < p->n; i++)
		if (p->e[i].uring_for)
			json_kstr(j, "io_uring_refused_for", p->e[i].uring_for);
	if (log_end(&l))
		out_err("exec: writing the launch record failed (going on)");
	log_close(&l);
}

/* The rules, and the profile they give `program`: 0, or -1 (reported). */
static int load_profile(const char *who, struct bw_opts *o, const char *program,
			struct bw_setup *st, struct bw_sc_profile *p)
{
	struct diag d = { 0 };
	char err[256];
	int ret = setup_load(st, o, &d);

	if (ret) {
		out_diag(&d);
		out_err("%s: the rules have errors; nothing was done", who);
	} else if ((ret = profile_build(p, &st->rules, program, err, sizeof(err)))) {
		out_err("%s: %s", who, err);
	}
	diag_free(&d);
	return ret;
}

static void exec_help(FILE *out)
{
	fprintf(out,
		"Usage: bulwark exec [--config FILE] [--rules PATH]... [--profile NAME]\n"
		"                    [--log FILE] [--print] -- COMMAND [ARGS...]\n"
		"\n"
		"Run COMMAND under a seccomp filter built with libseccomp from the syscall\n"
		"rules that apply to it (deny: the errno; kill: the process dies; audit:\n"
		"logged by the kernel's seccomp log), with no_new_privs set, on the\n"
		"x86_64, i386 and x32 entry points alike.  The launch is recorded in the\n"
		"audit log with the profile's hash.  The filter applies to COMMAND's own\n"
		"execve: a profile that denies execve stops the launch.\n"
		"\n"
		"  -c, --config FILE   policy file (default " DEFAULT_CONFIG ")\n"
		"  -r, --rules PATH    rule file or directory, instead of the policy's\n"
		"  -p, --profile NAME  a name for the launch record only, no other effect\n"
		"                      yet (default: default)\n"
		"  -l, --log FILE      audit log (default from the policy file)\n"
		"      --print         print the profile (OCI JSON) instead of running\n");
}

int do_exec(int argc, char **argv, struct bw_opts *o)
{
	static const struct option opts[] = {
		ARGS_COMMON_LONG,
		{ "profile", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'l' },
		{ "print", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	const char *profile = "default";
	struct bw_sc_profile p = { 0 };
	struct bw_setup st = { 0 };
	char err[256], *program = NULL;
	const struct bw_rule *rule;
	bool print = false;
	uint32_t action;
	int c, ret = 1;

	while ((c = getopt_long(argc, argv, "+" ARGS_COMMON_SHORT "p:l:", opts, NULL)) != -1) {
		if (c == 'h') {
			exec_help(stdout);
			return 0;
		} else if (c == 'p') {
			profile = optarg;
		} else if (c == 'l') {
			o->log = optarg;
		} else if (c == 'P') {
			print = true;
		} else if (args_common(c, optarg, o)) {
			exec_help(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		out_err("exec: no command (bulwark exec [OPTIONS] -- COMMAND [ARGS...])");
		return 2;
	}
	program = find_program(argv[optind]);
	if (!program) {
		out_err("exec: %s: command not found", argv[optind]);
		args_free(o);
		return 127;
	}
	if (load_profile("exec", o, program, &st, &p))
		goto out;
	if (print) {
		ret = profile_export(&p, "oci", stdout, err, sizeof(err)) ? 1 : 0;
		goto out;
	}
	/* the filter is on when bulwark calls execve: it must let that through */
	action = profile_action(&p, "execve", &rule);
	if (action != SCMP_ACT_ALLOW && action != SCMP_ACT_LOG) {
		out_err("exec: rule '%s' denies execve, which the filter would apply to "
			"launching %s itself; nothing was run", rule ? rule->name : "?",
			program);
		goto out;
	}
	/* the record first: the filter may deny the writes */
	log_launch(st.policy.log, program, argv + optind, profile, &p);
	fflush(NULL);
	if (profile_load(&p, err, sizeof(err))) {
		out_err("exec: %s; nothing was run", err);
		goto out;
	}
	execv(program, argv + optind);
	out_err("exec: %s: %s", program, strerror(errno));
	ret = 126;
out:
	profile_free(&p);
	setup_free(&st);
	free(program);
	args_free(o);
	return ret;
}

static void seccomp_help(FILE *out)
{
	fprintf(out,
		"Usage: bulwark seccomp export [--config FILE] [--rules PATH]...\n"
		"                              [--for PROGRAM] [--format oci|systemd|bpf]\n"
		"                              [--output FILE]\n"
		"\n"
		"Write the seccomp profile that `bulwark exec` would apply to PROGRAM (by\n"
		"default: the rules without subject keys) for a container runtime (oci),\n"
		"a systemd unit (systemd) or seccomp(2) directly (bpf).\n"
		"\n"
		"  -c, --config FILE     policy file (default " DEFAULT_CONFIG ")\n"
		"  -r, --rules PATH      rule file or directory, instead of the policy's\n"
		"  -f, --for PROGRAM     the program the profile is for (found through PATH)\n"
		"  -F, --format FORMAT   oci (default), systemd or bpf\n"
		"  -o, --output FILE     write there instead of stdout\n"
		"\n"
		"systemd lines cannot say everything a profile can (several errnos, errno\n"
		"and kill together, \"every call but\"); such profiles are refused.\n"
		"See docs/seccomp.md.\n");
}

int do_seccomp(int argc, char **argv, struct bw_opts *o)
{
	static const struct option opts[] = {
		ARGS_COMMON_LONG,
		{ "for", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "oci", *output = NULL;
	struct bw_sc_profile p = { 0 };
	struct bw_setup st = { 0 };
	char err[256], *program = NULL;
	FILE *out = stdout;
	int c, ret = 1;

	if (argc < 2 || strcmp(argv[1], "export")) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			seccomp_help(stdout);
			return 0;
		}
		seccomp_help(stderr);
		return 2;
	}
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, ARGS_COMMON_SHORT "f:F:o:", opts, NULL)) != -1) {
		if (c == 'h') {
			seccomp_help(stdout);
			return 0;
		} else if (c == 'f') {
			free(program);
			program = find_program(optarg);
			if (!program) {
				out_err("seccomp export: %s: not found", optarg);
				args_free(o);
				return 1;
			}
		} else if (c == 'F') {
			format = optarg;
		} else if (c == 'o') {
			output = optarg;
		} else if (args_common(c, optarg, o)) {
			seccomp_help(stderr);
			free(program);
			return 2;
		}
	}
	if (load_profile("seccomp export", o, program, &st, &p))
		goto out;
	if (output && !(out = fopen(output, "w"))) {
		out_err("seccomp export: cannot write %s: %s", output, strerror(errno));
		goto out;
	}
	ret = profile_export(&p, format, out, err, sizeof(err)) ? 1 : 0;
	if (ret)
		out_err("seccomp export: %s", err);
	if (out != stdout && fclose(out)) {
		out_err("seccomp export: writing %s failed: %s", output, strerror(errno));
		ret = 1;
	}
out:
	profile_free(&p);
	setup_free(&st);
	free(program);
	args_free(o);
	return ret;
}
