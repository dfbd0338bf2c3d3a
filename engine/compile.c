// SPDX-License-Identifier: GPL-2.0
/*
 * The rule compiler: turns a rule set into bit-vector tables.  For every
 * dimension some rule constrains, each value named by any rule gets the
 * bitmap of rules accepting that value; values nobody names get the
 * dimension's default bitmap.  Matching itself is rule_dim_accepts(), the
 * one definition shared with the parser's checks.
 */
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "util.h"

static struct cp_entry *entry_new(struct bw_compiled *cp, int cls, int dim)
{
	struct cp_entry *e;

	if (cp->nentries == cp->cap) {
		cp->cap = cp->cap ? cp->cap * 2 : 256;
		cp->entries = xreallocarray(cp->entries, cp->cap,
					    sizeof(*cp->entries));
	}
	e = &cp->entries[cp->nentries++];
	memset(e, 0, sizeof(*e));
	e->cls = cls;
	e->dim = dim;
	e->kind = dim == BW_DIM_CGROUP ? BW_KIND_NUM : bw_dim_kind(dim);
	return e;
}

static bool is_str_dim(int dim)
{
	return dim == BW_DIM_CGROUP || bw_dim_kind(dim) != BW_KIND_NUM;
}

/* Fill e->bm with every rule of the class that accepts e's value. */
static void entry_fill(struct cp_entry *e, const struct bw_rule **rules,
		       size_t n, const struct bw_bitmap *unconstrained)
{
	e->bm = *unconstrained;
	for (size_t i = 0; i < n; i++) {
		const struct bw_rule *r = rules[i];

		if (r->dims[e->dim].set &&
		    rule_dim_accepts(r, e->dim, e->num, e->str))
			bm_set(&e->bm, r->index);
	}
}

/* Distinct values of one dimension across the class's rules. */
struct valset {
	uint64_t *nums;
	char **strs;
	size_t n, cap;
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

static void valset_add(struct valset *vs, uint64_t num, const char *str)
{
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 64;
		vs->nums = xreallocarray(vs->nums, vs->cap, sizeof(*vs->nums));
		vs->strs = xreallocarray(vs->strs, vs->cap, sizeof(*vs->strs));
	}
	vs->nums[vs->n] = num;
	vs->strs[vs->n] = str ? xstrdup(str) : NULL;
	vs->n++;
}

/*
 * Values to enter for one dimension.  A prefix "/a/b/" also yields the
 * exact entry "/a/b" (the directory itself), which a rule naming the
 * prefix accepts too.
 */
static void collect_values(const struct bw_rule **rules, size_t n, int dim,
			   struct valset *vs)
{
	for (size_t i = 0; i < n; i++) {
		const struct bw_match *m = &rules[i]->dims[dim];

		for (size_t k = 0; k < m->n; k++) {
			if (!is_str_dim(dim)) {
				valset_add(vs, m->nums[k], NULL);
				continue;
			}
			valset_add(vs, 0, m->strs[k]);
			size_t len = strlen(m->strs[k]);

			if (bw_dim_kind(dim) == BW_KIND_PATH && len > 1 &&
			    m->strs[k][len - 1] == '/') {
				char *dir = xstrndup(m->strs[k], len - 1);

				valset_add(vs, 0, dir);
				free(dir);
			}
		}
	}
	if (!is_str_dim(dim)) {
		qsort(vs->nums, vs->n, sizeof(*vs->nums), cmp_u64);
		size_t out = 0;

		for (size_t i = 0; i < vs->n; i++)
			if (!out || vs->nums[out - 1] != vs->nums[i])
				vs->nums[out++] = vs->nums[i];
		vs->n = out;
		return;
	}
	qsort(vs->strs, vs->n, sizeof(*vs->strs), cmp_str);
	size_t out = 0;

	for (size_t i = 0; i < vs->n; i++) {
		if (out && !strcmp(vs->strs[out - 1], vs->strs[i])) {
			free(vs->strs[i]);
			continue;
		}
		vs->strs[out++] = vs->strs[i];
	}
	vs->n = out;
}

static void valset_free(struct valset *vs)
{
	if (vs->strs && vs->nums) {
		/* only string sets own their strings */
		for (size_t i = 0; i < vs->n; i++)
			free(vs->strs[i]);
	}
	free(vs->nums);
	free(vs->strs);
}

static void compile_dim(struct bw_compiled *cp, int cls, int dim,
			const struct bw_rule **rules, size_t n)
{
	struct bw_bitmap unconstrained = { 0 };
	struct bw_bitmap *def = &cp->defs[cls][dim];
	struct valset vs = { 0 };

	for (size_t i = 0; i < n; i++) {
		const struct bw_rule *r = rules[i];

		if (!r->dims[dim].set)
			bm_set(&unconstrained, r->index);
	}
	/* A value nobody names: only unconstrained and negated rules. */
	*def = unconstrained;
	for (size_t i = 0; i < n; i++)
		if (rules[i]->dims[dim].set && rules[i]->dims[dim].negate)
			bm_set(def, rules[i]->index);
	/* A path the kernel could not resolve could be any path: every rule
	 * on the key matches it, but no allow rule and no exception. */
	if (bw_dim_kind(dim) == BW_KIND_PATH) {
		struct bw_bitmap *unres =
			&cp->defs[cls][BW_DEF_UNRESOLVED(bw_path_slot(dim))];

		*unres = unconstrained;
		for (size_t i = 0; i < n; i++)
			if (rules[i]->dims[dim].set && rules[i]->action != BW_ACT_ALLOW)
				bm_set(unres, rules[i]->index);
	}

	collect_values(rules, n, dim, &vs);
	for (size_t i = 0; i < vs.n; i++) {
		struct cp_entry *e = entry_new(cp, cls, dim);

		if (is_str_dim(dim)) {
			size_t len = strlen(vs.strs[i]);

			e->str = xstrdup(vs.strs[i]);
			e->prefix = bw_dim_kind(dim) == BW_KIND_PATH && len &&
				    rule_path_is_prefix(e->str);
		} else {
			e->num = vs.nums[i];
		}
		entry_fill(e, rules, n, &unconstrained);
		cp->per_kind[e->kind]++;
	}
	valset_free(&vs);
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
			const struct bw_match *m = &r->dims[d];

			fnv1a(&h, &m->set, sizeof(m->set));
			fnv1a(&h, &m->negate, sizeof(m->negate));
			for (size_t k = 0; k < m->n; k++) {
				if (m->nums)
					fnv1a(&h, &m->nums[k], sizeof(m->nums[k]));
				if (m->strs)
					fnv1a(&h, m->strs[k], strlen(m->strs[k]) + 1);
			}
		}
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static uint64_t cap_mask_of(const struct bw_rule **rules, size_t n)
{
	uint64_t mask = 0;

	for (size_t i = 0; i < n; i++) {
		const struct bw_match *m = &rules[i]->dims[BW_DIM_CAP];

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
		const struct bw_match *m = &rules[i]->dims[BW_DIM_SYSCALL];

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

int policy_compile(const struct bw_ruleset *rs, enum bw_mode mode,
		   struct bw_compiled *cp, struct diag *d)
{
	const struct bw_rule **rules = xcalloc(rs->n, sizeof(*rules));
	int err = 0;

	memset(cp, 0, sizeof(*cp));
	cp->mode = mode;
	cp->nrules = rs->n;
	policy_hash(rs, mode, cp->hash);
	for (int cls = 0; cls < BW_NCLASS; cls++) {
		struct bw_class_meta *meta = &cp->meta[cls];
		size_t n = 0;

		for (size_t i = 0; i < rs->n; i++)
			if (rs->rules[i].cls == (enum bw_class)cls)
				rules[n++] = &rs->rules[i];
		meta->mode = mode;
		if (n > BW_MAX_RULES) {
			diag_err(d, rules[BW_MAX_RULES]->file,
				 rules[BW_MAX_RULES]->line,
				 "%zu %s rules exceed the kernel capacity of %d",
				 n, bw_class_name(cls), BW_MAX_RULES);
			err = -1;
			continue;
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
				if (r->dims[dim].set)
					meta->dim_mask |= 1u << dim;
		}
		if (cls == BW_CLASS_CAPABLE)
			meta->fast_mask = n ? cap_mask_of(rules, n) : 0;
		if (cls == BW_CLASS_SYSCALL)
			meta->fast_mask = n ? sc_any_of(rules, n) : 0;
		for (int dim = 0; dim < BW_NDIM; dim++) {
			if (meta->dim_mask & (1u << dim))
				compile_dim(cp, cls, dim, rules, n);
			else
				cp->defs[cls][dim] = cp->defs[cls][BW_DEF_ALL];
		}
	}
	for (int k = 0; k < 3; k++) {
		if (cp->per_kind[k] > kind_capacity[k]) {
			diag_err(d, rs->nfiles ? rs->files[0] : "-", 0,
				 "the rules need %zu %s map entries; the kernel maps hold %zu",
				 cp->per_kind[k], kind_name[k], kind_capacity[k]);
			err = -1;
		}
	}
	free(rules);
	return err;
}

void compiled_free(struct bw_compiled *cp)
{
	for (size_t i = 0; i < cp->nentries; i++)
		free(cp->entries[i].str);
	free(cp->entries);
	cp->entries = NULL;
	cp->nentries = cp->cap = 0;
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

/* Entry the kernel's map lookup would find for this dimension's value. */
static const struct cp_entry *lookup(const struct bw_compiled *cp, int cls,
				     int dim, const struct bw_values *v)
{
	const struct cp_entry *best = NULL;
	size_t best_len = 0;

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

static uint32_t lowest(const struct bw_bitmap *b)
{
	for (int i = 0; i < BW_BITMAP_WORDS; i++)
		if (b->w[i])
			return i * 64 + __builtin_ctzll(b->w[i]);
	return BW_NO_RULE;
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
	for (int dim = 0; dim < BW_NDIM; dim++) {
		const struct cp_entry *e;
		const struct bw_bitmap *m;

		if (!(cp->meta[cls].dim_mask & (1u << dim)))
			continue;
		if (bw_dim_kind(dim) == BW_KIND_PATH &&
		    (v->pflags[bw_path_slot(dim)] & BW_PF_UNRESOLVED)) {
			m = &cp->defs[cls][BW_DEF_UNRESOLVED(bw_path_slot(dim))];
		} else {
			e = lookup(cp, cls, dim, v);
			m = e ? &e->bm : &cp->defs[cls][dim];
		}
		for (int w = 0; w < BW_BITMAP_WORDS; w++)
			acc.w[w] &= m->w[w];
	}
	first = lowest(&acc);
	if (first == BW_NO_RULE || cp->info[cls][first].action != BW_ACT_AUDIT)
		return first;
	*audit_rule = first;
	for (int w = 0; w < BW_BITMAP_WORDS; w++)
		acc.w[w] &= cp->defs[cls][BW_DEF_DECISIVE].w[w];
	return lowest(&acc);
}
