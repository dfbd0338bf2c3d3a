/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference the compiled tables are checked against, by
 * tests/unit/test_compile.c and tests/fuzz/fuzz_compile.c: every rule
 * asked in order with rule_dim_accepts(), the one definition of matching.
 */
#ifndef BULWARK_COMPILE_REF_H
#define BULWARK_COMPILE_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "compile.h"

/*
 * Does rule r match the event?  A path the kernel could not resolve
 * (BW_PF_UNRESOLVED) decides closed: every rule on that key matches it
 * except allow rules (docs/rules.md).
 */
static inline bool ref_rule_matches(const struct bw_rule *r, const struct bw_values *v)
{
	for (int d = 0; d < BW_NDIM; d++) {
		const char *s = d == BW_DIM_CGROUP ? v->cgroup_path : v->str[d];

		if (bw_dim_kind(d) == BW_KIND_PATH &&
		    (v->pflags[bw_path_slot(d)] & BW_PF_UNRESOLVED)) {
			if (rule_sets(r, d) && r->action == BW_ACT_ALLOW)
				return false;
			continue;
		}
		if (!rule_dim_accepts(r, d, v->num[d], s))
			return false;
	}
	return true;
}

/* First-match evaluation, rule by rule, with the first audit rule before. */
static inline uint32_t ref_decide(const struct bw_ruleset *rs, int cls,
				  const struct bw_values *v, uint32_t *audit_rule)
{
	*audit_rule = BW_NO_RULE;
	for (size_t i = 0; i < rs->n; i++) {
		const struct bw_rule *r = &rs->rules[i];

		if ((int)r->cls != cls || !ref_rule_matches(r, v))
			continue;
		if (r->action != BW_ACT_AUDIT)
			return r->index;
		if (*audit_rule == BW_NO_RULE)
			*audit_rule = r->index;
	}
	return BW_NO_RULE;
}

/* The bitmap entry e should hold: each rule of its class asked about its value. */
static inline void ref_entry_bitmap(const struct bw_compiled *cp,
				    const struct cp_entry *e, struct bw_bitmap *want)
{
	memset(want, 0, sizeof(*want));
	for (uint32_t k = 0; k < cp->meta[e->cls].nrules; k++) {
		const struct bw_rule *r = cp->rule[e->cls][k];

		if (!rule_sets(r, e->dim) || rule_dim_accepts(r, e->dim, e->num, e->str))
			bm_set(want, r->index);
	}
}

#endif
