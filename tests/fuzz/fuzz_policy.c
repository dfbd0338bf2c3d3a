// SPDX-License-Identifier: GPL-2.0
/*
 * The policy-file parser (engine/policy.c on engine/ini_scan.c): the input
 * is one policy file.  Checked beyond the sanitizers: the result agrees
 * with the errors reported, and a file that loads has settings inside
 * their documented bounds.
 */
#include <stdint.h>

#include "cli.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

static void check_policy(const struct bw_policy *p)
{
	if (p->mode != BW_MODE_ENFORCE && p->mode != BW_MODE_AUDIT)
		fuzz_fail("mode %d", p->mode);
	if (!p->nrules || p->nrules > 64)
		fuzz_fail("%zu rule paths", p->nrules);
	for (size_t i = 0; i < p->nrules; i++)
		if (!p->rules[i] || p->rules[i][0] != '/')
			fuzz_fail("rule path %zu is not absolute", i);
	if (!p->log || p->log[0] != '/' || !p->status || p->status[0] != '/')
		fuzz_fail("log or status path not absolute");
	if (p->metrics_path && p->metrics_path[0] != '/')
		fuzz_fail("metrics path not absolute");
	if (p->log_keep < 1 || p->log_keep > 1000 || p->log_freq < 1 ||
	    p->log_freq > 100000 || p->log_space_left > 99 ||
	    (p->log_max_size && p->log_max_size < 4096) ||
	    p->log_buffer < (64 << 10) || p->log_buffer > (1ULL << 30) ||
	    (p->log_buffer & (p->log_buffer - 1)) ||
	    p->metrics_interval < 1 || p->metrics_interval > 86400)
		fuzz_fail("a [log] or [metrics] setting out of its bounds");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);
	struct diag d = { 0 };
	struct bw_policy p;
	int ret;

	ret = policy_load(&p, path, &d);
	if ((ret == 0) != (d.errors == 0))
		fuzz_fail("policy_load returned %d with %zu errors", ret, d.errors);
	if (ret == 0)
		check_policy(&p);
	diag_print(&d, stdout);
	diag_free(&d);
	policy_free(&p);
	return 0;
}
