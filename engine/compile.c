// SPDX-License-Identifier: GPL-2.0
/*
 * The rule compiler: turns a rule set into bit-vector tables.  For every
 * dimension some rule constrains, each value named by any rule gets the
 * bitmap of rules accepting that value; values nobody names get the
 * dimension's default bitmap.  Matching itself is rule_dim_accepts(), the
 * one definition shared with the parser's checks.
 *
 * The entries (a 512-byte bitmap each, tens of thousands with many rules)
 * are the bulk of a compiled policy and are only read to write the maps,
 * so they can be made one at a time as they are written (compiled_emit())
 * instead of all before the first is written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "util.h"

/* The value map a dimension's entries go to; cgroups are entered by id. */
static int entry_kind(int dim)
{
	return dim == BW_DIM_CGROUP ? BW_KIND_NUM : bw_dim_kind(dim);
}

static bool is_str_dim(int dim)
{
	return dim == BW_DIM_CGROUP || bw_dim_kind(dim) != BW_KIND_NUM;
}

/* Does rule_dim_accepts() let a prefix value accept longer values here? */
static bool is_path_dim(int dim)
{
	return dim == BW_DIM_CGROUP || bw_dim_kind(dim) == BW_KIND_PATH;
}

/* Distinct values of one dimension across the class's rules, sorted. */
struct valset {
	uint64_t *nums;
	char **strs;		/* owned; the entries point into them */
	size_t n, cap;
};

/*
 * What the entries are made from, kept from the compile until the maps
 * are written: each dimension's values and the rules that do not
 * constrain it.
 */
struct cp_values {
	struct valset vals[BW_NCLASS][BW_NDIM];
	struct bw_bitmap unconstrained[BW_NCLASS][BW_NDIM];
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void valset_grow(struct valset *vs)
{
	if (vs->n < vs->cap)
		return;
	vs->cap = vs->cap ? vs->cap * 2 : 64;
	vs->nums = xreallocarray(vs->nums, vs->cap, sizeof(*vs->nums));
	vs->strs = xreallocarray(vs->strs, vs->cap, sizeof(*vs->strs));
}

/* seen: what is in the set already, so that each value is stored once. */
static void valset_add_num(struct valset *vs, struct key_index *seen,
			   const uint64_t *num)
{
	size_t at;

	if (key_index_get(seen, num, sizeof(*num), &at))
		return;
	valset_grow(vs);
	key_index_put(seen, num, sizeof(*num), vs->n);
	vs->strs[vs->n] = NULL;
	vs->nums[vs->n++] = *num;
}

static void valset_add_str(struct valset *vs, struct key_index *seen,
			   const char *str, size_t len)
{
	size_t at;

	if (key_index_get(seen, str, len, &at))
		return;
	valset_grow(vs);
	vs->strs[vs->n] = xstrndup(str, len);
	vs->nums[vs->n] = 0;
	key_index_put(seen, vs->strs[vs->n], len, vs->n);
	vs->n++;
}

/*
 * Values to enter for one dimension, distinct and sorted.  A prefix
 * "/a/b/" also yields the exact entry "/a/b" (the directory itself),
 * which a rule naming the prefix accepts too; "/a//" yields none: "/a/"
 * would be a prefix entry.
 */
static void collect_values(const struct bw_rule **rules, size_t n, int dim,
			   struct valset *vs)
{
	struct key_index seen = { 0 };

	for (size_t i = 0; i < n; i++) {
		const struct bw_match *m = rule_match(rules[i], dim);

		for (size_t k = 0; k < m->n; k++) {
			if (!is_str_dim(dim)) {
				valset_add_num(vs, &seen, &m->nums[k]);
				continue;
			}
			size_t len = strlen(m->strs[k]);

			valset_add_str(vs, &seen, m->strs[k], len);
			if (bw_dim_kind(dim) == BW_KIND_PATH && len > 1 &&
			    m->strs[k][len - 1] == '/' && m->strs[k][len - 2] != '/')
				valset_add_str(vs, &seen, m->strs[k], len - 1);
		}
	}
	key_index_free(&seen);
	if (!vs->n)		/* no value named: only "private:" */
		return;
	if (is_str_dim(dim))
		qsort(vs->strs, vs->n, sizeof(*vs->strs), cmp_str);
	else
		qsort(vs->nums, vs->n, sizeof(*vs->nums), cmp_u64);
}

static void valset_free(struct valset *vs)
{
	for (size_t i = 0; vs->strs && i < vs->n; i++)
		free(vs->strs[i]);
	free(vs->nums);
	free(vs->strs);
	memset(vs, 0, sizeof(*vs));
}

/* Compare the len bytes at key with a NUL-terminated value, as strcmp. */
static int cmp_bytes(const char *key, size_t len, const char *v)
{
	int c = strncmp(key, v, len);

	if (c)
		return c;
	return v[len] ? -1 : 0;
}

/* Position of a value in the sorted set, or -1. */
static long valset_find_str(const struct valset *vs, const char *key, size_t len)
{
	size_t lo = 0, hi = vs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_bytes(key, len, vs->strs[mid]);

		if (!c)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

static long valset_find_num(const struct valset *vs, uint64_t num)
{
	const uint64_t *p = bsearch(&num, vs->nums, vs->n, sizeof(num), cmp_u64);

	return p ? p - vs->nums : -1;
}

/*
 * Rules by the exact value they name, one bitmap per value of the set:
 * named[i] for plain rules, negated[i] for rules with '!' (NULL when the
 * dimension has none).
 */
struct named_rules {
	struct bw_bitmap *named, *negated;
	struct bw_bitmap all_negated;
	const struct valset *vs;
};

static void named_rules_build(struct named_rules *nr, const struct valset *vs,
			      const struct bw_rule *const *rules, size_t n,
			      int dim)
{
	memset(nr, 0, sizeof(*nr));
	nr->vs = vs;
	nr->named = xcalloc(vs->n ? vs->n : 1, sizeof(*nr->named));
	for (size_t i = 0; i < n; i++) {
		const struct bw_match *m = rule_match(rules[i], dim);
		struct bw_bitmap *to;

		if (!m->set)
			continue;
		if (m->negate && !nr->negated)
			nr->negated = xcalloc(vs->n ? vs->n : 1, sizeof(*nr->negated));
		if (m->negate)
			bm_set(&nr->all_negated, rules[i]->index);
		to = m->negate ? nr->negated : nr->named;
		for (size_t k = 0; k < m->n; k++) {
			long at = is_str_dim(dim) ?
				valset_find_str(vs, m->strs[k], strlen(m->strs[k])) :
				valset_find_num(vs, m->nums[k]);

			bm_set(&to[at], rules[i]->index);	/* every value is in the set */
		}
	}
}

static void named_rules_free(struct named_rules *nr)
{
	free(nr->named);
	free(nr->negated);
}

/* What accepts one value: the rules naming it or a value containing it. */
struct accepting {
	const struct named_rules *nr;
	struct bw_bitmap plain, negated;
};

static void add_accepting(void *ctx, const char *v, size_t len)
{
	struct accepting *a = ctx;
	long at = valset_find_str(a->nr->vs, v, len);

	if (at < 0)
		return;
	for (int w = 0; w < BW_BITMAP_WORDS; w++)
		a->plain.w[w] |= a->nr->named[at].w[w];
	if (a->nr->negated)
		for (int w = 0; w < BW_BITMAP_WORDS; w++)
			a->negated.w[w] |= a->nr->negated[at].w[w];
}

/*
 * e->bm: every rule of the class that accepts entry i's value, as
 * rule_dim_accepts() says, found by value rather than by asking each rule.
 * A plain rule accepts it when it names the value or (paths) a prefix
 * holding it; a negated rule when it names neither.  Names are at most
 * BW_COMM_LEN - 1 bytes, so the kernel's compare of that many is equality.
 */
static void entry_fill(struct cp_entry *e, const struct named_rules *nr,
		       size_t i, int dim, const struct bw_bitmap *unconstrained)
{
	struct accepting a = { .nr = nr };

	a.plain = nr->named[i];
	if (nr->negated)
		a.negated = nr->negated[i];
	if (is_path_dim(dim))
		rule_path_prefixes_of(e->str, strlen(e->str), add_accepting, &a);
	e->bm = *unconstrained;
	for (int w = 0; w < BW_BITMAP_WORDS; w++)
		e->bm.w[w] |= a.plain.w[w] | (nr->all_negated.w[w] & ~a.negated.w[w]);
}

/*
 * A container named by a cgroup its user made (BW_CTR_PRIVATE_BYTE) may be
 * no container at all, and is not one an allow rule names: it meets the
 * rules without the key, and the container rules that are not allow rules
 * and say any or none (each alone, stored as the empty value: rules.c
 * parse_container()).
 */
static void ctr_private_default(struct bw_bitmap *priv, const struct bw_rule **rules,
				size_t n, const struct bw_bitmap *unconstrained)
{
	*priv = *unconstrained;
	for (size_t i = 0; i < n; i++) {
		const struct bw_match *m = rule_match(rules[i], BW_DIM_CONTAINER);

		if (rule_sets(rules[i], BW_DIM_CONTAINER) &&
		    rules[i]->action != BW_ACT_ALLOW && !m->strs[0][0])
			bm_set(priv, rules[i]->index);
	}
}

static void compile_defaults(struct bw_compiled *cp, int cls, int dim,
			     const struct bw_rule **rules, size_t n,
			     struct bw_bitmap *unconstrained)
{
	struct bw_bitmap *def = &cp->defs[cls][dim];

	memset(unconstrained, 0, sizeof(*unconstrained));
	for (size_t i = 0; i < n; i++) {
		const struct bw_rule *r = rules[i];

		if (!rule_sets(r, dim))
			bm_set(unconstrained, r->index);
	}
	/* A value nobody names: only unconstrained and negated rules. */
	*def = *unconstrained;
	for (size_t i = 0; i < n; i++)
		if (rule_match(rules[i], dim)->negate)
			bm_set(def, rules[i]->index);
	/* A path the kernel could not resolve could be any path: every rule
	 * on the key matches it, but no allow rule and no exception. */
	if (bw_dim_kind(dim) == BW_KIND_PATH) {
		struct bw_bitmap *unres =
			&cp->defs[cls][BW_DEF_UNRESOLVED(bw_path_slot(dim))];
		struct bw_bitmap *priv = &cp->defs[cls][BW_DEF_PRIVATE(bw_path_slot(dim))];

		*unres = *unconstrained;
		memset(priv, 0, sizeof(*priv));
		for (size_t i = 0; i < n; i++) {
			const struct bw_match *m = rule_match(rules[i], dim);

			/* "private:" names every name a user chose
			 * (BW_PF_PRIVATE), in allow rules too */
			if (m->priv)
				bm_set(priv, rules[i]->index);
			if (!m->set || rules[i]->action == BW_ACT_ALLOW)
				continue;
			bm_set(unres, rules[i]->index);
			/* and such a name meets no exception */
			if (m->negate)
				bm_set(priv, rules[i]->index);
		}
	}
	if (dim == BW_DIM_CONTAINER)
		ctr_private_default(&cp->defs[cls][BW_DEF_CTR_PRIVATE], rules, n,
				    unconstrained);
}

/* The filter bit of a name, hashed as the kernel hashes its str map key. */
static uint32_t filter_bit_str(const char *v)
{
	struct bw_str_key k = { 0 };
	uint32_t w[BW_COMM_LEN / 4];

	strncpy(k.s, v, sizeof(k.s) - 1);
	memcpy(w, k.s, sizeof(w));
	return bw_filter_str(w);
}

/* Set the bit of every value the dimension's value map will hold. */
static void compile_filter(struct bw_compiled *cp, int cls, int dim,
			   const struct valset *vs)
{
	struct bw_bitmap *f = &cp->defs[cls][BW_DEF_FILTER(dim)];

	if (dim == BW_DIM_CGROUP || bw_dim_kind(dim) == BW_KIND_PATH)
		return;
	for (size_t i = 0; i < vs->n; i++)
		bm_set(f, bw_dim_kind(dim) == BW_KIND_STR ?
		       filter_bit_str(vs->strs[i]) : bw_filter_num(vs->nums[i]));
}

/*
 * One dimension's entries, made one at a time into the same buffer and
 * handed to sink: the dimension's transient is its rules-by-value table
 * (a bitmap per value), freed before the next dimension.
 */
static int emit_dim(const struct bw_compiled *cp, int cls, int dim,
		    cp_sink_fn sink, void *ctx)
{
	const struct valset *vs = &cp->values->vals[cls][dim];
	const struct bw_bitmap *unconstrained =
		&cp->values->unconstrained[cls][dim];
	struct named_rules nr;
	struct cp_entry e;
	int err = 0;

	named_rules_build(&nr, vs, cp->rule[cls], cp->meta[cls].nrules, dim);
	for (size_t i = 0; !err && i < vs->n; i++) {
		memset(&e, 0, sizeof(e));
		e.cls = cls;
		e.dim = dim;
		e.kind = entry_kind(dim);
		if (is_str_dim(dim)) {
			e.str = vs->strs[i];
			e.prefix = bw_dim_kind(dim) == BW_KIND_PATH && *e.str &&
				   rule_path_is_prefix(e.str);
		} else {
			e.num = vs->nums[i];
		}
		entry_fill(&e, &nr, i, dim, unconstrained);
		err = sink(ctx, &e);
		if (err > 0)
			err = 0;
	}
	named_rules_free(&nr);
	return err;
}

int compiled_emit(const struct bw_compiled *cp, cp_sink_fn sink, void *ctx)
{
	int err = 0;

	if (!cp->values)
		return -EINVAL;		/* dropped */
	for (int cls = 0; !err && cls < BW_NCLASS; cls++)
		for (int dim = 0; !err && dim < BW_NDIM; dim++)
			if (cp->meta[cls].dim_mask & (1u << dim))
				err = emit_dim(cp, cls, dim, sink, ctx);
	return err;
}

static void fnv1a(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		*h ^= c[i];
		*h *= 0x100000001b3ULL;
	}
}

/* Hash of the rules as compiled: names, places and values. */
static void policy_hash(const struct bw_ruleset *rs, enum bw_mode mode,
			char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	fnv1a(&h, &mode, sizeof(mode));
	for (size_t i = 0; i < rs->n; i++) {
		const struct bw_rule *r = &rs->rules[i];

		fnv1a(&h, r->name, strlen(r->name) + 1);
		fnv1a(&h, &r->cls, sizeof(r->cls));
		fnv1a(&h, &r->action, sizeof(r->action));
		fnv1a(&h, &r->log, sizeof(r->log));
		for (int d = 0; d < BW_NDIM; d++) {
			const struct bw_match *m = rule_match(r, d);

			fnv1a(&h, &m->set, sizeof(m->set));
			fnv1a(&h, &m->negate, sizeof(m->negate));
			fnv1a(&h, &m->priv, sizeof(m->priv));
			for (size_t k = 0; k < m->n; k++) {
				if (is_str_dim(d))
					fnv1a(&h, m->strs[k], strlen(m->strs[k]) + 1);
				else
					fnv1a(&h, &m->nums[k], sizeof(m->nums[k]));
			}
		}
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static uint64_t cap_mask_of(const struct bw_rule **rules, size_t n)
{
	uint64_t mask = 0;

	for (size_t i = 0; i < n; i++) {
		const struct bw_match *m = rule_match(rules[i], BW_DIM_CAP);

		if (!m->set || m->negate)
			return ~0ULL;
		for (size_t k = 0; k < m->n; k++)
			if (m->nums[k] < 64)
				mask |= 1ULL << m->nums[k];
	}
	return mask;
}

/* Does some syscall rule match calls it does not name? */
static uint64_t sc_any_of(const struct bw_rule **rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct bw_match *m = rule_match(rules[i], BW_DIM_SYSCALL);

		if (!m->set || m->negate)
			return 1;
	}
	return 0;
}

static const size_t kind_capacity[3] = {
	BW_NUM_ENTRIES / BW_SLOTS, BW_STR_ENTRIES / BW_SLOTS,
	BW_PATH_ENTRIES / BW_SLOTS,
};

static const char *const kind_name[3] = { "number", "name", "path" };

/* The class's rules in precedence order; returns their count. */
static size_t class_rules(const struct bw_ruleset *rs, int cls,
			  const struct bw_rule **rules)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->n; i++)
		if (rs->rules[i].cls == (enum bw_class)cls)
			rules[n++] = &rs->rules[i];
	return n;
}

/* Per-rule tables and the class header; 0, or -1 past the capacity. */
static int compile_class(struct bw_compiled *cp, int cls,
			 const struct bw_rule **rules, size_t n, struct diag *d)
{
	struct bw_class_meta *meta = &cp->meta[cls];

	meta->mode = cp->mode;
	if (n > BW_MAX_RULES) {
		diag_err(d, rules[BW_MAX_RULES]->file, rules[BW_MAX_RULES]->line,
			 "%zu %s rules exceed the kernel capacity of %d",
			 n, bw_class_name(cls), BW_MAX_RULES);
		return -1;
	}
	meta->nrules = n;
	for (size_t i = 0; i < n; i++) {
		const struct bw_rule *r = rules[i];

		cp->rule[cls][r->index] = r;
		cp->info[cls][r->index].action = r->action;
		cp->info[cls][r->index].log = r->log;
		cp->info[cls][r->index].err_no = r->err_no;
		bm_set(&cp->defs[cls][BW_DEF_ALL], r->index);
		if (r->action != BW_ACT_AUDIT)
			bm_set(&cp->defs[cls][BW_DEF_DECISIVE], r->index);
		for (int dim = 0; dim < BW_NDIM; dim++)
			if (rule_sets(r, dim))
				meta->dim_mask |= 1u << dim;
	}
	if (cls == BW_CLASS_CAPABLE)
		meta->fast_mask = n ? cap_mask_of(rules, n) : 0;
	if (cls == BW_CLASS_SYSCALL)
		meta->fast_mask = n ? sc_any_of(rules, n) : 0;
	for (int dim = 0; dim < BW_NDIM; dim++)
		if (!(meta->dim_mask & (1u << dim)))
			cp->defs[cls][dim] = cp->defs[cls][BW_DEF_ALL];
	return 0;
}

/* The map entries the rules need, per kind, against what the maps hold. */
static int check_capacity(const struct bw_compiled *cp,
			  const struct bw_ruleset *rs, struct diag *d)
{
	int err = 0;

	for (int k = 0; k < 3; k++) {
		if (cp->per_kind[k] > kind_capacity[k]) {
			diag_err(d, rs->nfiles ? rs->files[0] : "-", 0,
				 "the rules need %zu %s map entries; the kernel maps hold %zu",
				 cp->per_kind[k], kind_name[k], kind_capacity[k]);
			err = -1;
		}
	}
	return err;
}

/* The subject's dimensions of the early exit, as BW_SUBJ_* bits order them. */
static const int subj_dims[3] = { BW_DIM_UID, BW_DIM_GID, BW_DIM_COMM };

/*
 * meta->subj_cover and subj_read (bpf/events.h): for each set S of the
 * subject's cheap dimensions, do the default bitmaps of S's dimensions
 * leave any rule?  A dimension no rule constrains keeps every rule.
 */
static void compile_subj_cover(struct bw_compiled *cp, int cls)
{
	struct bw_class_meta *m = &cp->meta[cls];

	m->subj_cover = 0;
	m->subj_read = 0;
	if (bm_empty(&cp->defs[cls][BW_DEF_ALL]))
		return;		/* the hooks leave on nrules */
	for (unsigned int set = 1; set < 8; set++) {
		struct bw_bitmap acc = cp->defs[cls][BW_DEF_ALL];

		for (int i = 0; i < 3; i++) {
			const struct bw_bitmap *d = &cp->defs[cls][subj_dims[i]];

			if (!(set & (1u << i)) || !(m->dim_mask & (1u << subj_dims[i])))
				continue;
			for (int w = 0; w < BW_BITMAP_WORDS; w++)
				acc.w[w] &= d->w[w];
		}
		if (bm_empty(&acc))
			m->subj_cover |= 1u << set;
	}
	/* a dimension is read when leaving it out of some covering set
	 * leaves a set that does not cover */
	for (unsigned int set = 1; set < 8; set++)
		for (int i = 0; i < 3; i++)
			if ((set & (1u << i)) && (m->subj_cover & (1u << set)) &&
			    !(m->subj_cover & (1u << (set & ~(1u << i)))))
				m->subj_read |= 1u << i;
}

/* The defaults and filter of every dimension the class's rules name. */
static void compile_class_dims(struct bw_compiled *cp, int cls,
			       const struct bw_rule **rules, size_t n)
{
	struct cp_values *cv = cp->values;

	for (int dim = 0; dim < BW_NDIM; dim++) {
		if (!(cp->meta[cls].dim_mask & (1u << dim)))
			continue;
		compile_defaults(cp, cls, dim, rules, n,
				 &cv->unconstrained[cls][dim]);
		compile_filter(cp, cls, dim, &cv->vals[cls][dim]);
	}
	compile_subj_cover(cp, cls);
}

/*
 * The distinct values of every dimension first, which is what the
 * capacity check needs, and then the tables that are not entries, so
 * that a rule set that cannot fit is refused before any bitmap is built.
 */
int policy_compile_streamed(const struct bw_ruleset *rs, enum bw_mode mode,
			    struct bw_compiled *cp, struct diag *d)
{
	const struct bw_rule **rules = xcalloc(rs->n ? rs->n : 1, sizeof(*rules));
	const struct bw_rule **of[BW_NCLASS];
	size_t nof[BW_NCLASS];
	int err = 0;

	memset(cp, 0, sizeof(*cp));
	cp->mode = mode;
	cp->nrules = rs->n;
	cp->values = xcalloc(1, sizeof(*cp->values));
	policy_hash(rs, mode, cp->hash);
	for (int cls = 0; cls < BW_NCLASS; cls++) {
		of[cls] = cls ? of[cls - 1] + nof[cls - 1] : rules;
		nof[cls] = class_rules(rs, cls, of[cls]);
		if (compile_class(cp, cls, of[cls], nof[cls], d)) {
			err = -1;
			continue;
		}
		for (int dim = 0; dim < BW_NDIM; dim++) {
			if (!(cp->meta[cls].dim_mask & (1u << dim)))
				continue;
			collect_values(of[cls], nof[cls], dim,
				       &cp->values->vals[cls][dim]);
			cp->per_kind[entry_kind(dim)] +=
				cp->values->vals[cls][dim].n;
		}
	}
	if (check_capacity(cp, rs, d))
		err = -1;
	for (int cls = 0; !err && cls < BW_NCLASS; cls++)
		compile_class_dims(cp, cls, of[cls], nof[cls]);
	free(rules);
	if (err)
		compiled_drop_entries(cp);
	return err;
}

/* A sink keeping every entry in cp->entries (sized by the count). */
static int keep_entry(void *ctx, const struct cp_entry *e)
{
	struct bw_compiled *cp = ctx;

	if (cp->nentries == cp->cap)
		return -ENOSPC;
	cp->entries[cp->nentries++] = *e;
	return 0;
}

int compiled_keep_entries(struct bw_compiled *cp)
{
	if (cp->entries)
		return 0;
	if (!cp->values)
		return -EINVAL;
	cp->cap = cp->per_kind[0] + cp->per_kind[1] + cp->per_kind[2];
	cp->entries = xcalloc(cp->cap ? cp->cap : 1, sizeof(*cp->entries));
	return compiled_emit(cp, keep_entry, cp);
}

int policy_compile(const struct bw_ruleset *rs, enum bw_mode mode,
		   struct bw_compiled *cp, struct diag *d)
{
	if (policy_compile_streamed(rs, mode, cp, d))
		return -1;
	return compiled_keep_entries(cp) ? -1 : 0;
}

void compiled_drop_entries(struct bw_compiled *cp)
{
	free(cp->entries);
	cp->entries = NULL;
	cp->nentries = cp->cap = 0;
	if (!cp->values)
		return;
	for (int cls = 0; cls < BW_NCLASS; cls++)
		for (int dim = 0; dim < BW_NDIM; dim++)
			valset_free(&cp->values->vals[cls][dim]);
	free(cp->values);
	cp->values = NULL;
}

void compiled_free(struct bw_compiled *cp)
{
	compiled_drop_entries(cp);
	if (cp->owned) {
		rules_free(cp->owned);
		free(cp->owned);
		cp->owned = NULL;
	}
}

/* ---- the kernel's lookup, in user space ---- */

static bool path_entry_matches(const struct cp_entry *e, const char *path)
{
	size_t len = strlen(e->str);

	if (e->prefix)
		return !strncmp(e->str, path, len);
	return !strcmp(e->str, path);
}

/* The filter bit of the event's value of a number or name dimension. */
static uint32_t value_bit(int dim, const struct bw_values *v)
{
	return bw_dim_kind(dim) == BW_KIND_NUM ? bw_filter_num(v->num[dim]) :
	       filter_bit_str(v->str[dim] ? v->str[dim] : "");
}

/* Entry the kernel's map lookup would find for this dimension's value. */
static const struct cp_entry *lookup(const struct bw_compiled *cp, int cls,
				     int dim, const struct bw_values *v)
{
	const struct bw_bitmap *f = &cp->defs[cls][BW_DEF_FILTER(dim)];
	const struct cp_entry *best = NULL;
	size_t best_len = 0;

	/* the kernel's filter first: a clear bit means no entry, as there */
	if (dim != BW_DIM_CGROUP && bw_dim_kind(dim) != BW_KIND_PATH &&
	    !bm_test(f, value_bit(dim, v)))
		return NULL;
	for (size_t i = 0; i < cp->nentries; i++) {
		const struct cp_entry *e = &cp->entries[i];

		if (e->cls != cls || e->dim != dim)
			continue;
		if (dim == BW_DIM_CGROUP) {
			/* deepest listed ancestor: longest prefix of the path */
			const char *p = v->cgroup_path ? v->cgroup_path : "/";
			size_t len = strlen(e->str);
			char *with_slash = xasprintf("%s/", p);
			bool hit = !strncmp(e->str, with_slash, len) ||
				   !strcmp(e->str, "/");

			free(with_slash);
			if (hit && len >= best_len) {
				best = e;
				best_len = len;
			}
		} else if (bw_dim_kind(dim) == BW_KIND_NUM) {
			if (e->num == v->num[dim])
				return e;
		} else if (bw_dim_kind(dim) == BW_KIND_STR) {
			if (!strncmp(e->str, v->str[dim] ? v->str[dim] : "",
				     BW_COMM_LEN - 1))
				return e;
		} else {
			const char *p = v->str[dim] ? v->str[dim] : "";
			size_t len = strlen(e->str) + (e->prefix ? 0 : 1);

			if (path_entry_matches(e, p) && len > best_len) {
				best = e;
				best_len = len;
			}
		}
	}
	return best;
}

/*
 * The early exit before the record (subject_unnamed() in bpf/policy.bpf.h):
 * the caller's uid, gid and comm that no rule names, in a set of
 * dimensions whose defaults leave no rule.  The kernel asks the filters
 * first and looks up what they let through; lookup() does both.  Taken
 * here for every class, so that the tests comparing decisions with the
 * reference cover it.
 */
static bool subject_unnamed(const struct bw_compiled *cp, int cls,
			    const struct bw_values *v)
{
	const struct bw_class_meta *m = &cp->meta[cls];
	unsigned int clear = 0;

	for (int i = 0; i < 3; i++)
		if ((m->subj_read & (1u << i)) && !lookup(cp, cls, subj_dims[i], v))
			clear |= 1u << i;
	return m->subj_cover & (1u << clear);
}

/* bm_and_private() in bpf/policy.bpf.h: a name an unprivileged user chose
 * meets no allow rule and no exception by name, and every "private:". */
static void and_private(struct bw_bitmap *acc, const struct bw_bitmap *m,
			const struct bw_bitmap *defs, int ps)
{
	const struct bw_bitmap *unres = &defs[BW_DEF_UNRESOLVED(ps)];
	const struct bw_bitmap *priv = &defs[BW_DEF_PRIVATE(ps)];

	for (int w = 0; w < BW_BITMAP_WORDS; w++)
		acc->w[w] &= (m->w[w] & unres->w[w]) | priv->w[w];
}

uint32_t compiled_decide(const struct bw_compiled *cp, int cls,
			 const struct bw_values *v, uint32_t *audit_rule)
{
	struct bw_bitmap acc = cp->defs[cls][BW_DEF_ALL];
	uint32_t first;

	*audit_rule = BW_NO_RULE;
	if (cls == BW_CLASS_CAPABLE && (v->num[BW_DIM_CAP] >= 64 ||
	    !(cp->meta[cls].fast_mask & (1ULL << v->num[BW_DIM_CAP]))))
		return BW_NO_RULE;
	if (subject_unnamed(cp, cls, v))
		return BW_NO_RULE;
	for (int dim = 0; dim < BW_NDIM; dim++) {
		const struct cp_entry *e;
		const struct bw_bitmap *m;

		if (!(cp->meta[cls].dim_mask & (1u << dim)))
			continue;
		if (bw_dim_kind(dim) == BW_KIND_PATH &&
		    (v->pflags[bw_path_slot(dim)] & BW_PF_UNRESOLVED)) {
			m = &cp->defs[cls][BW_DEF_UNRESOLVED(bw_path_slot(dim))];
		} else if (dim == BW_DIM_CONTAINER && v->ctr_private) {
			m = &cp->defs[cls][BW_DEF_CTR_PRIVATE];
		} else {
			e = lookup(cp, cls, dim, v);
			m = e ? &e->bm : &cp->defs[cls][dim];
		}
		if (bw_dim_kind(dim) == BW_KIND_PATH &&
		    (v->pflags[bw_path_slot(dim)] & BW_PF_PRIVATE)) {
			and_private(&acc, m, cp->defs[cls], bw_path_slot(dim));
			continue;
		}
		for (int w = 0; w < BW_BITMAP_WORDS; w++)
			acc.w[w] &= m->w[w];
	}
	first = bm_lowest(&acc);
	if (first == BW_NO_RULE || cp->info[cls][first].action != BW_ACT_AUDIT)
		return first;
	*audit_rule = first;
	for (int w = 0; w < BW_BITMAP_WORDS; w++)
		acc.w[w] &= cp->defs[cls][BW_DEF_DECISIVE].w[w];
	return bm_lowest(&acc);
}
