/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_CLI_H
#define BULWARK_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "compile.h"
#include "diag.h"
#include "policy.h"

#define DEFAULT_CONFIG "/etc/bulwark/bulwark.conf"

/* Options shared by the commands; parsed once per command. */
struct bw_opts {
	const char *config;
	const char **rules;
	size_t nrules;
	const char *log;
	int mode;		/* -1: from the policy file */
	const char *ready_file;
	bool json;
	bool verbose;
};

/* Everything `check` and `run` read: the policy file and its rules. */
struct bw_setup {
	struct bw_policy policy;
	struct bw_ruleset rules;
	struct bw_compiled *compiled;
};

/*
 * Read the policy file (opts->config, else DEFAULT_CONFIG when no --rules
 * is given), apply the command-line overrides, load and compile the rules
 * (policy_compile_streamed(): the map entries are made as the maps are
 * written, or by compiled_keep_entries()).  Every problem goes to d;
 * returns 0 only when there was no error.
 */
int setup_load(struct bw_setup *st, const struct bw_opts *o, struct diag *d);
/*
 * setup_load() in two halves, for a caller with work to do between them:
 * the policy file and the overrides (0, or -1 after an error), then the
 * rules (given the first half's result: -1 unless both had no error).
 * The second touches only st->rules, st->compiled and d.
 */
int setup_policy(struct bw_setup *st, const struct bw_opts *o, struct diag *d);
int setup_rules(struct bw_setup *st, int policy_err, struct diag *d);
void setup_free(struct bw_setup *st);

/* Report an error once: "bulwark: msg" on stderr, or {"error":"msg"} once
 * out_json_errors(true) has been called (-j/--json). */
void out_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_json_errors(bool on);
/*
 * A log_report_fn (ctx unused): a problem the log reader met, on stderr as
 * "bulwark: log: TEXT", or under -j as one JSON object: error (that text),
 * kind, file, line, errno, reason.
 */
struct log_report;
void out_log_report(void *ctx, const struct log_report *rep);
/* A diag's problems on stderr, as text or (-j) JSON lines. */
void out_diag(const struct diag *d);
void out_info(const struct bw_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int do_check(int argc, char **argv, struct bw_opts *o);
int do_run(int argc, char **argv, struct bw_opts *o);
int do_version(int argc, char **argv, struct bw_opts *o);
int do_trace(int argc, char **argv, struct bw_opts *o);
int do_log(int argc, char **argv, struct bw_opts *o);
int do_replay(int argc, char **argv, struct bw_opts *o);
int do_status(int argc, char **argv, struct bw_opts *o);
int do_reload(int argc, char **argv, struct bw_opts *o);
int do_stop(int argc, char **argv, struct bw_opts *o);
/* The control socket's path: socket when given, else the policy file's
 * (o->config or DEFAULT_CONFIG); NULL when that cannot be read (said). */
char *control_path_of(const struct bw_opts *o, const char *socket);

#endif
