// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <stdio.h>

#include "args.h"
#include "cli.h"
#include "json.h"

static void do_help(FILE *out)
{
	fprintf(out,
		"Usage: bulwark check [--config FILE] [--rules PATH]... [--json]\n"
		"\n"
		"Validate the policy file and the rule files it names (or those given\n"
		"with --rules, which replace the policy's list).  One line per problem:\n"
		"  FILE:LINE: error|warning: message\n"
		"Exit status: 0 when valid (warnings allowed), 1 on errors, 2 on usage.\n"
		"\n"
		"  -c, --config FILE  policy file (default " DEFAULT_CONFIG ")\n"
		"  -r, --rules PATH   rule file or directory of *.rules; repeatable\n"
		"  -j, --json         one JSON object on stdout\n");
}

static void print_json(const struct diag *d, const struct bw_setup *st)
{
	struct json j;

	json_init(&j);
	json_obj_begin(&j);
	json_kbool(&j, "valid", d->errors == 0);
	json_ku64(&j, "errors", d->errors);
	json_ku64(&j, "warnings", d->warnings);
	json_key(&j, "rules");
	json_obj_begin(&j);
	for (int c = 0; c < BW_NCLASS; c++)
		json_ku64(&j, bw_class_name(c), st->rules.per_class[c]);
	json_obj_end(&j);
	json_key(&j, "files");
	json_arr_begin(&j);
	for (size_t i = 0; i < st->rules.nfiles; i++)
		json_str(&j, st->rules.files[i]);
	json_arr_end(&j);
	json_key(&j, "problems");
	json_arr_begin(&j);
	for (size_t i = 0; i < d->n; i++) {
		const struct diag_item *it = &d->items[i];

		json_obj_begin(&j);
		json_kstr(&j, "file", it->file);
		json_ku64(&j, "line", it->line);
		json_kstr(&j, "severity", it->sev == DIAG_ERROR ? "error" : "warning");
		json_kstr(&j, "message", it->msg);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_write_line(&j, stdout);
	json_free(&j);
}

int do_check(int argc, char **argv, struct bw_opts *o)
{
	static const struct option opts[] = { ARGS_COMMON_LONG, { NULL, 0, NULL, 0 } };
	struct bw_setup st;
	struct diag d = { 0 };
	int c, ret;

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
	if (optind < argc) {
		out_err("check: unexpected argument '%s'", argv[optind]);
		return 2;
	}
	setup_load(&st, o, &d);
	if (o->json) {
		print_json(&d, &st);
	} else {
		size_t total = st.rules.n;

		diag_print(&d, stdout);
		printf("%zu rule%s in %zu file%s: %zu error%s, %zu warning%s\n",
		       total, total == 1 ? "" : "s", st.rules.nfiles,
		       st.rules.nfiles == 1 ? "" : "s", d.errors,
		       d.errors == 1 ? "" : "s", d.warnings,
		       d.warnings == 1 ? "" : "s");
	}
	ret = d.errors ? 1 : 0;
	diag_free(&d);
	setup_free(&st);
	args_free(o);
	return ret;
}
