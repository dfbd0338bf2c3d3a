/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_COMPILE_H
#define BULWARK_COMPILE_H

#include "rules.h"

/* One map entry: a value of one dimension and the rules that accept it. */
struct cp_entry {
	uint8_t cls;
	uint8_t dim;
	uint8_t kind;		/* enum bw_dim_kind; cgroup entries are BW_KIND_NUM */
	bool prefix;		/* path entry matching everything below it */
	uint64_t num;
	char *str;		/* str and path values; the cgroup path */
	struct bw_bitmap bm;
};

/*
 * A rule set compiled into what the kernel maps hold.  It keeps pointers
 * to the rules so that records can name them; the ruleset must outlive it.
 */
struct bw_compiled {
	uint64_t generation;
	enum bw_mode mode;
	struct bw_class_meta meta[BW_NCLASS];
	struct bw_bitmap defs[BW_NCLASS][BW_DEF_PER_CLASS];
	struct bw_rule_info info[BW_NCLASS][BW_MAX_RULES];
	const struct bw_rule *rule[BW_NCLASS][BW_MAX_RULES];
	struct cp_entry *entries;
	size_t nentries, cap;
	size_t per_kind[3];	/* entries per value map */
	size_t nrules;
	char hash[17];		/* FNV-1a of the rules as compiled, for records */
	struct bw_ruleset *owned;	/* rules handed over with the policy */
};

/* 0 on success; -1 with a diag error when the kernel cannot hold it. */
int policy_compile(const struct bw_ruleset *rs, enum bw_mode mode,
		   struct bw_compiled *cp, struct diag *d);
void compiled_free(struct bw_compiled *cp);

/*
 * Free the map entries, the bulk of a compiled policy (a 512-byte bitmap
 * per value some rule names), once the maps are written: after that only
 * compiled_decide() would read them.  Rules, their info and the hash stay
 * for naming rules in records.
 */
void compiled_drop_entries(struct bw_compiled *cp);

/*
 * The kernel's decision, computed in user space from the same compiled
 * tables (used by tests and replay): index of the deciding rule or
 * BW_NO_RULE, with the first audit rule before it in *audit_rule.
 */
struct bw_values {
	uint64_t num[BW_NDIM];
	const char *str[BW_NDIM];
	const char *cgroup_path;
	uint8_t pflags[BW_NPS];	/* BW_PF_* of each path slot */
};
uint32_t compiled_decide(const struct bw_compiled *cp, int cls,
			 const struct bw_values *v, uint32_t *audit_rule);

#endif
