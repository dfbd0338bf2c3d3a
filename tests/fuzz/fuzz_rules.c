// SPDX-License-Identifier: GPL-2.0
/*
 * The rule-file scanner and parser (engine/ini_scan.c, engine/rules.c):
 * the input is one rule file, read as `bulwark check --rules FILE` reads
 * it (setup_load: scan, parse, cross-rule checks, compile), and every
 * problem printed as check prints it.  Checked beyond the sanitizers: the
 * result agrees with the errors reported, every rule that loaded is well
 * formed, and each class's rules are numbered 0, 1, ... in order.
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

static void check_ruleset(const struct bw_ruleset *rs)
{
	size_t per_class[BW_NCLASS] = { 0 };

	for (size_t i = 0; i < rs->n; i++) {
		const struct bw_rule *r = &rs->rules[i];

		if (r->cls >= BW_NCLASS || r->action <= BW_ACT_NONE || r->action > BW_ACT_KILL)
			fuzz_fail("rule %zu: class %d, action %d", i, r->cls, r->action);
		if (r->action == BW_ACT_KILL && r->cls != BW_CLASS_SYSCALL)
			fuzz_fail("rule '%s': kill in a %s rule", r->name, bw_class_name(r->cls));
		if (r->index != (int)per_class[r->cls]++)
			fuzz_fail("rule '%s': index %d in its class", r->name, r->index);
		for (int dim = 0; dim < BW_NDIM; dim++)
			if (rule_sets(r, dim) && !rule_match(r, dim)->n)
				fuzz_fail("rule '%s': key %s set without a value", r->name,
					  bw_dim_key(dim));
	}
	for (int c = 0; c < BW_NCLASS; c++)
		if (per_class[c] != rs->per_class[c])
			fuzz_fail("class %s: %zu rules, counted %zu", bw_class_name(c),
				  per_class[c], rs->per_class[c]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);
	const char *rules[] = { path };
	struct bw_opts o = { .rules = rules, .nrules = 1, .mode = -1 };
	struct diag d = { 0 };
	struct bw_setup st;
	int ret;

	ret = setup_load(&st, &o, &d);
	if ((ret == 0) != (d.errors == 0))
		fuzz_fail("setup_load returned %d with %zu errors", ret, d.errors);
	if (ret == 0 && !st.compiled)
		fuzz_fail("valid rules, no compiled policy");
	check_ruleset(&st.rules);
	diag_print(&d, stdout);
	diag_free(&d);
	setup_free(&st);
	return 0;
}
