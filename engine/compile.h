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

/* Each dimension's values, what its map entries are made from. */
struct cp_values;

/*
 * A rule set compiled into what the kernel maps hold.  It keeps pointers
 * to the rules so that records can name them; the ruleset must outlive it,
 * with the rules' matches until the entries are dropped.
 */
struct bw_compiled {
	uint64_t generation;
	enum bw_mode mode;
	struct bw_class_meta meta[BW_NCLASS];
	struct bw_bitmap defs[BW_NCLASS][BW_DEF_PER_CLASS];
	struct bw_rule_info info[BW_NCLASS][BW_MAX_RULES];
	const struct bw_rule *rule[BW_NCLASS][BW_MAX_RULES];
	struct cp_entry *entries;	/* all at once: compiled_keep_entries() */
	size_t nentries, cap;
	struct cp_values *values;	/* until compiled_drop_entries() */
	size_t per_kind[3];	/* entries per value map */
	size_t nrules;
	char hash[17];		/* FNV-1a of the rules as compiled, for records */
	struct bw_ruleset *owned;	/* rules handed over with the policy */
};

/*
 * 0 on success; -1 with a diag error when the kernel cannot hold it.
 * Everything but the map entries, which are only counted (per_kind): the
 * bulk of a compiled policy (a 512-byte bitmap per value some rule
 * names), made by compiled_emit() as the maps are written.
 */
int policy_compile_streamed(const struct bw_ruleset *rs, enum bw_mode mode,
			    struct bw_compiled *cp, struct diag *d);
/* The same, with every entry kept in cp->entries, for compiled_decide(). */
int policy_compile(const struct bw_ruleset *rs, enum bw_mode mode,
		   struct bw_compiled *cp, struct diag *d);
void compiled_free(struct bw_compiled *cp);

/*
 * Make the map entries one at a time, by class and dimension in order,
 * and hand each to sink, whose entry (and its str) lives only during the
 * call; a dimension's working tables are freed before the next one's are
 * built.  0, or the first negative return of sink (no entry is made after
 * it); -EINVAL once the entries are dropped.  It can be run again.
 */
typedef int (*cp_sink_fn)(void *ctx, const struct cp_entry *e);
int compiled_emit(const struct bw_compiled *cp, cp_sink_fn sink, void *ctx);

/* Make every entry into cp->entries (after policy_compile_streamed()). */
int compiled_keep_entries(struct bw_compiled *cp);

/*
 * Free the map entries and the values they are made from, once the maps
 * are written: after that neither compiled_emit() nor compiled_decide()
 * has anything to read.  Rules, their info and the hash stay for naming
 * rules in records.
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
	bool ctr_private;	/* the container's cgroup belongs to a user */
};
uint32_t compiled_decide(const struct bw_compiled *cp, int cls,
			 const struct bw_values *v, uint32_t *audit_rule);

#endif
