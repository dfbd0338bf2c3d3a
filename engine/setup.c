// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "logread.h"
#include "util.h"

/* The CLI's one output mode, set once from -j/--json: what out_err() writes. */
static bool errors_as_json;

void out_json_errors(bool on)
{
	errors_as_json = on;
}

void out_err(const char *fmt, ...)
{
	struct json j;
	va_list ap;
	char *msg;

	if (!errors_as_json) {
		fputs("bulwark: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	json_init(&j);
	json_obj_begin(&j);
	json_kstr(&j, "error", msg ? msg : "out of memory");
	json_obj_end(&j);
	json_write_line(&j, stderr);
	json_free(&j);
	free(msg);
}

void out_log_report(void *ctx, const struct log_report *rep)
{
	char *text = log_report_text(rep), *msg = xasprintf("log: %s", text);
	struct json j;

	(void)ctx;
	free(text);
	if (!errors_as_json) {
		out_err("%s", msg);
		free(msg);
		return;
	}
	json_init(&j);
	json_obj_begin(&j);
	json_kstr(&j, "error", msg);
	json_kstr(&j, "kind", log_report_kind_name(rep->kind));
	json_kstr(&j, "file", rep->path);
	json_ku64(&j, "line", rep->line);
	json_ki64(&j, "errno", rep->err);
	json_kstr(&j, "reason", rep->msg);
	json_obj_end(&j);
	json_write_line(&j, stderr);
	json_free(&j);
	free(msg);
}

void out_diag(const struct diag *d)
{
	if (errors_as_json)
		diag_print_json(d, stderr);
	else
		diag_print(d, stderr);
}

void out_info(const struct bw_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json)
		return;
	fputs("bulwark: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int setup_policy(struct bw_setup *st, const struct bw_opts *o, struct diag *d)
{
	const char *config = o->config;
	int err = 0;

	memset(st, 0, sizeof(*st));
	if (!config && !o->nrules)
		config = DEFAULT_CONFIG;
	if (config) {
		if (policy_load(&st->policy, config, d))
			err = -1;
	} else {
		policy_defaults(&st->policy);
	}
	if (o->nrules) {
		for (size_t i = 0; i < st->policy.nrules; i++)
			free(st->policy.rules[i]);
		free(st->policy.rules);
		st->policy.rules = xcalloc(o->nrules, sizeof(char *));
		for (size_t i = 0; i < o->nrules; i++)
			st->policy.rules[i] = xstrdup(o->rules[i]);
		st->policy.nrules = o->nrules;
	}
	if (o->mode >= 0)
		st->policy.mode = o->mode;
	if (o->log) {
		free(st->policy.log);
		st->policy.log = xstrdup(o->log);
	}
	return err;
}

int setup_rules(struct bw_setup *st, int policy_err, struct diag *d)
{
	int err = policy_err ? -1 : 0;

	if (rules_load_paths(&st->rules, st->policy.rules, st->policy.nrules, d))
		err = -1;
	if (rules_finish(&st->rules, d))
		err = -1;
	if (err)
		return -1;
	st->compiled = xcalloc(1, sizeof(*st->compiled));
	/* the entries are made as the maps are written (or by
	 * compiled_keep_entries()): never all at once beside the rules */
	if (policy_compile_streamed(&st->rules, st->policy.mode, st->compiled, d))
		return -1;
	return 0;
}

int setup_load(struct bw_setup *st, const struct bw_opts *o, struct diag *d)
{
	return setup_rules(st, setup_policy(st, o, d), d);
}

void setup_free(struct bw_setup *st)
{
	if (st->compiled) {
		compiled_free(st->compiled);
		free(st->compiled);
	}
	rules_free(&st->rules);
	policy_free(&st->policy);
	memset(st, 0, sizeof(*st));
}
