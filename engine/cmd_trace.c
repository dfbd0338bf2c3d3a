// SPDX-License-Identifier: GPL-2.0
/* `bulwark trace NAME`: one tracer live, from a table of tracers. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tracers.h"
#include "util.h"

static void do_help(FILE *out)
{
	fprintf(out, "Usage: bulwark trace NAME [OPTIONS]   (bulwark trace NAME --help)\n"
		     "       bulwark trace --list   (which attach method each uses here)\n\n"
		     "Tracers:\n");
	for (size_t i = 0; i < tracer_count; i++)
		if (tracer_table[i])
			fprintf(out, "  %-11s %s\n", tracer_table[i]->name,
				tracer_table[i]->summary);
}

/* One tracer of --list: it works (with mechanism), or error says why not. */
static void list_row(struct json *j, const char *name, const char *error,
		     const char *mechanism)
{
	if (!j) {
		printf("%-11s %-9s %s\n", name, error ? "cannot" : "works",
		       error ? error : mechanism);
		return;
	}
	json_obj_begin(j);
	json_kstr(j, "tracer", name);
	json_kbool(j, "works", !error);
	json_kstr_rt(j, error ? "error" : "mechanism", error ? error : mechanism);
	json_obj_end(j);
}

/*
 * --list: load and attach each tracer as `bulwark trace` would, and say
 * which method worked, or why none did.  Needs the privileges tracing does.
 */
static int do_list(bool json)
{
	struct json j;
	int failed = 0;

	json_init(&j);
	if (json)
		json_arr_begin(&j);
	else
		printf("%-11s %-9s %s\n", "TRACER", "STATE", "MECHANISM (or why not)");
	for (size_t i = 0; i < tracer_count; i++) {
		const struct tracer_desc *d = tracer_table[i];
		struct tr_filter f = { .self_tgid = getpid() };
		struct tr_inst t;
		char err[512];
		int ret;

		if (!d)
			continue;
		ret = tr_open(&t, d, &f, false, err, sizeof(err));
		failed += ret != 0;
		list_row(json ? &j : NULL, d->name, ret ? err : NULL,
			 ret ? NULL : t.via->mechanism);
		tr_close(&t);
	}
	if (json) {
		json_arr_end(&j);
		json_write_line(&j, stdout);
	}
	json_free(&j);
	return failed ? 1 : 0;
}

int do_trace(int argc, char **argv, struct bw_opts *o)
{
	const struct tracer_desc *d;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		do_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--list") || !strcmp(argv[1], "-l"))
		return do_list(o->json || (argc > 2 && !strcmp(argv[2], "-j")));
	d = tracer_find(argv[1]);
	if (d)
		return tr_command(d, argc - 1, argv + 1, o->json);
	out_err("trace: unknown tracer '%s' (bulwark trace --list)", argv[1]);
	return 2;
}
