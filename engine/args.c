// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "args.h"
#include "util.h"

int args_common(int c, const char *arg, struct bw_opts *o)
{
	switch (c) {
	case 'c':
		o->config = arg;
		return 0;
	case 'r':
		o->rules = xreallocarray(o->rules, o->nrules + 1, sizeof(*o->rules));
		o->rules[o->nrules++] = arg;
		return 0;
	case 'j':
		o->json = true;
		out_json_errors(true);
		return 0;
	case 'v':
		o->verbose = true;
		return 0;
	}
	return 1;
}

void args_free(struct bw_opts *o)
{
	free(o->rules);
	o->rules = NULL;
	o->nrules = 0;
}
