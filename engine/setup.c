// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

void out_err(const char *fmt, ...)
{
	va_list ap;

	fputs("bulwark: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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

int setup_load(struct bw_setup *st, const struct bw_opts *o, struct diag *d)
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
	if (rules_load_paths(&st->rules, st->policy.rules, st->policy.nrules, d))
		err = -1;
	if (rules_finish(&st->rules, d))
		err = -1;
	if (err)
		return -1;
	st->compiled = xcalloc(1, sizeof(*st->compiled));
	if (policy_compile(&st->rules, st->policy.mode, st->compiled, d))
		return -1;
	return 0;
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
