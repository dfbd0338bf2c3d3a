/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_RULES_H
#define BULWARK_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "events.h"
#include "diag.h"
#include "ini_scan.h"

/*
 * One dimension's constraint in a rule.  Values within a key are ORed;
 * with `negate` the rule matches values that are none of them.
 * Path values (BW_KIND_PATH dims and cgroup) ending in '/' are directory
 * prefixes, others exact paths; cgroup values are always prefixes and are
 * stored with a trailing '/'.
 */
struct bw_match {
	bool set;
	bool negate;
	/* a path key's "private:": every name a user chose (BW_PF_PRIVATE),
	 * held apart from the named values in strs */
	bool priv;
	uint32_t n;
	union {			/* 16 bytes a key the rule sets */
		uint64_t *nums;	/* BW_KIND_NUM dims except cgroup */
		char **strs;	/* str and path dims, and cgroup paths */
	};
};

struct bw_rule {
	char *name;
	const char *file;	/* owned by the ruleset's file list */
	int line;		/* line of the section header */
	enum bw_class cls;
	enum bw_action action;
	bool log;		/* write a record when this rule decides */
	int err_no;		/* syscall deny: errno returned (default EPERM) */
	int index;		/* position within its class, in precedence order */
	/*
	 * The keys the rule sets: bit d of `keys` for dimension d, and their
	 * matches in `dims`, in dimension order, one per bit.  Read them
	 * through rule_match().  Both empty once rules_drop_matches() has run.
	 */
	uint32_t keys;
	struct bw_match *dims;
};

_Static_assert(BW_NDIM <= 32, "a rule's keys are a 32-bit mask");

/* What rule_match() returns for a key the rule does not set. */
extern const struct bw_match bw_match_unset;

static inline bool rule_sets(const struct bw_rule *r, int dim)
{
	return r->keys >> dim & 1;
}

/* Rule r's match for dimension dim (0 .. BW_NDIM-1); `set` is false when r does not set it. */
static inline const struct bw_match *rule_match(const struct bw_rule *r, int dim)
{
	if (!rule_sets(r, dim))
		return &bw_match_unset;
	return &r->dims[__builtin_popcount(r->keys & ((1u << dim) - 1))];
}

struct bw_ruleset {
	struct bw_rule *rules;	/* in precedence order: files, then file order */
	size_t n, cap;
	size_t per_class[BW_NCLASS];
	char **files;
	size_t nfiles;
	size_t bytes;		/* read from rule files, against RULES_BYTES_MAX */
	struct key_index names;	/* rule name -> position in rules */
	char *name_block;	/* the names, packed by rules_drop_matches() */
};

/*
 * Load every rule file named by `path` (a file, or a directory whose
 * *.rules files are read in natural sort order) and append the rules.
 * Problems are added to `d` with file and line.  Returns 0 when no error
 * was found, -1 otherwise; the ruleset then holds what parsed cleanly and
 * must not be deployed.
 *
 * Bounds (docs/rules.md, "Limits"): one ruleset reads at most
 * RULES_FILES_MAX files and RULES_BYTES_MAX bytes (a directory with more
 * *.rules files than are left is refused before any is read), and keeps
 * at most one rule past BW_MAX_RULES per class: more only counts.
 */
#define RULES_FILES_MAX 4096
#define RULES_BYTES_MAX (16 << 20)
int rules_load_path(struct bw_ruleset *rs, const char *path, struct diag *d);

/*
 * Load the paths of a policy's `rules =` (or the --rules options) in order.
 * Directories named one after another are read as one: their *.rules files
 * in natural sort order of the file name, and where two of them have a file
 * of the same name, only the later directory's is read.  So
 * `rules = /usr/lib/bulwark/rules.d, /etc/bulwark/rules.d` lets a file in
 * /etc replace the vendor file of its name, as in systemd and augenrules
 * (an empty file disables it).  A file in the list is read where it stands.
 */
int rules_load_paths(struct bw_ruleset *rs, char *const *paths, size_t n,
		     struct diag *d);

/* Checks that span files: capacity, unreachable rules.  Call after all loads. */
int rules_finish(struct bw_ruleset *rs, struct diag *d);

void rules_free(struct bw_ruleset *rs);
/*
 * Free what rules match on, keeping what names them (name, file, line,
 * class, action): for a policy whose tables are in the kernel, where
 * records only name their rules.  Nothing may match the rules after it.
 */
void rules_drop_matches(struct bw_ruleset *rs);

/*
 * Does rule r accept this value in dimension dim?  The compiler and
 * replay use this one definition of matching.  `num` is used for num
 * dims, `str` for str and path dims (cgroup: the cgroup path).
 */
bool rule_dim_accepts(const struct bw_rule *r, int dim, uint64_t num,
		      const char *str);

const char *bw_class_name(int cls);
const char *bw_action_name(int act);
const char *bw_decision_name(int dec);
const char *bw_dim_key(int dim);	/* the rule-file key of a dimension */
int bw_class_from_name(const char *s);

/*
 * The prefix values that accept path x (len bytes) besides x itself: each
 * head ending in '/' ("/" and "/a/" for "/a/b"), x + "/" (a prefix accepts
 * its directory), and "memfd:" for "memfd:NAME".  fn gets each with its
 * length; with x itself these are all the path values that accept x, so
 * tables can be indexed by value instead of asking every rule.
 */
void rule_path_prefixes_of(const char *x, size_t len,
			   void (*fn)(void *ctx, const char *v, size_t len),
			   void *ctx);

static inline void bm_set(struct bw_bitmap *b, unsigned int i)
{
	b->w[i / 64] |= 1ULL << (i % 64);
}

static inline bool bm_test(const struct bw_bitmap *b, unsigned int i)
{
	return b->w[i / 64] & (1ULL << (i % 64));
}

static inline bool bm_empty(const struct bw_bitmap *b)
{
	for (int w = 0; w < BW_BITMAP_WORDS; w++)
		if (b->w[w])
			return false;
	return true;
}

/* The lowest rule index set, or BW_NO_RULE. */
static inline uint32_t bm_lowest(const struct bw_bitmap *b)
{
	for (int w = 0; w < BW_BITMAP_WORDS; w++)
		if (b->w[w])
			return w * 64 + __builtin_ctzll(b->w[w]);
	return BW_NO_RULE;
}

/* Files with no directory (memfd_create) have the path "memfd:NAME". */
#define BW_MEMFD_PREFIX "memfd:"
/* The value naming every path a user chose (BW_PF_PRIVATE). */
#define BW_PRIVATE_VALUE "private:"
/* Does a path value name everything below it ("/dir/", "memfd:")? */
bool rule_path_is_prefix(const char *v);

#endif
