// SPDX-License-Identifier: GPL-2.0
/*
 * The rule compiler (engine/compile.c): the input is a rule file; the
 * rules that parse are compiled into the bitmaps the kernel maps hold,
 * and checked against the rules themselves (tests/unit/compile_ref.h):
 * every map entry's bitmap holds exactly the rules that accept its value,
 * and for events made of the rules' own values, values near them and
 * others, the compiled lookup (compiled_decide, the kernel's lookup in
 * user space, which replay uses) decides as evaluating the rules in order.
 */
#include <stdint.h>

#include "compile_ref.h"
#include "fuzz.h"

#define EVENTS 24

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

/* Values an event may carry: the rules' values and values near them. */
struct pool {
	char **strs;
	size_t nstrs, scap;
	uint64_t *nums;
	size_t nnums, ncap;
};

static void pool_str(struct pool *p, char *s)
{
	if (p->nstrs == p->scap) {
		p->scap = p->scap ? 2 * p->scap : 64;
		p->strs = realloc(p->strs, p->scap * sizeof(*p->strs));
		if (!p->strs)
			abort();
	}
	p->strs[p->nstrs++] = s;
}

static void pool_num(struct pool *p, uint64_t v)
{
	if (p->nnums == p->ncap) {
		p->ncap = p->ncap ? 2 * p->ncap : 64;
		p->nums = realloc(p->nums, p->ncap * sizeof(*p->nums));
		if (!p->nums)
			abort();
	}
	p->nums[p->nnums++] = v;
}

static char *dup_fmt(const char *fmt, const char *s, int n)
{
	char *out;

	if (asprintf(&out, fmt, n, s) < 0)
		abort();
	return out;
}

/* A value, and the values a rule naming it must tell apart from it. */
static void pool_add_str(struct pool *p, const char *s)
{
	int len = (int)strlen(s);

	pool_str(p, dup_fmt("%.*s", s, len));
	pool_str(p, dup_fmt("%.*s/x", s, len));
	pool_str(p, dup_fmt("%.*sx", s, len));
	pool_str(p, dup_fmt("%.*s", s, len / 2));
	if (len)
		pool_str(p, dup_fmt("%.*s", s, len - 1));
}

static void pool_build(struct pool *p, const struct bw_ruleset *rs)
{
	static const char *const extra[] = {
		"", "/", "memfd:", "memfd:x", "memfd", "/usr/bin/su", "0123456789abcdef",
	};
	static const uint64_t extra_nums[] = { 0, 1, 2, 13, 63, 65534, 4294967295ULL };

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		pool_add_str(p, extra[i]);
	for (size_t i = 0; i < sizeof(extra_nums) / sizeof(extra_nums[0]); i++)
		pool_num(p, extra_nums[i]);
	for (size_t i = 0; i < rs->n; i++) {
		for (int dim = 0; dim < BW_NDIM; dim++) {
			const struct bw_match *m = rule_match(&rs->rules[i], dim);
			bool str = dim == BW_DIM_CGROUP || bw_dim_kind(dim) != BW_KIND_NUM;

			for (size_t k = 0; m->set && k < m->n && k < 16; k++) {
				if (str) {
					pool_add_str(p, m->strs[k]);
				} else {
					pool_num(p, m->nums[k]);
					pool_num(p, m->nums[k] + 1);
				}
			}
		}
	}
}

static void pool_free(struct pool *p)
{
	for (size_t i = 0; i < p->nstrs; i++)
		free(p->strs[i]);
	free(p->strs);
	free(p->nums);
}

/*
 * One event of class cls.  What the kernel cannot report is left out:
 * capability numbers from 64 on, cgroup paths not starting with '/'.
 */
static void make_event(struct bw_values *v, const struct pool *p, uint64_t *rng)
{
	memset(v, 0, sizeof(*v));
	for (int dim = 0; dim < BW_NDIM; dim++) {
		if (bw_dim_kind(dim) != BW_KIND_NUM)
			v->str[dim] = p->strs[fuzz_rnd(rng, p->nstrs)];
		else
			v->num[dim] = p->nums[fuzz_rnd(rng, p->nnums)];
	}
	v->num[BW_DIM_CAP] %= 64;
	v->cgroup_path = p->strs[fuzz_rnd(rng, p->nstrs)];
	if (v->cgroup_path[0] != '/')
		v->cgroup_path = "/";
	for (int s = 0; s < BW_NPS; s++)
		if (!fuzz_rnd(rng, 8))
			v->pflags[s] = BW_PF_UNRESOLVED;
}

static void check_entries(const struct bw_compiled *cp)
{
	for (size_t i = 0; i < cp->nentries; i++) {
		const struct cp_entry *e = &cp->entries[i];
		struct bw_bitmap want;

		ref_entry_bitmap(cp, e, &want);
		if (memcmp(&want, &e->bm, sizeof(want)))
			fuzz_fail("entry %zu (class %s, key %s, value '%s') has another bitmap",
				  i, bw_class_name(e->cls), bw_dim_key(e->dim),
				  e->str ? e->str : "(number)");
	}
}

static void check_events(const struct bw_ruleset *rs, const struct bw_compiled *cp,
			 uint64_t rng)
{
	struct pool p;

	pool_build(&p, rs);
	for (int i = 0; i < EVENTS; i++) {
		struct bw_values v;
		uint32_t want, want_audit, got, got_audit;
		int cls = fuzz_rnd(&rng, BW_NCLASS);

		make_event(&v, &p, &rng);
		want = ref_decide(rs, cls, &v, &want_audit);
		got = compiled_decide(cp, cls, &v, &got_audit);
		if (want != got || want_audit != got_audit)
			fuzz_fail("event %d of class %s (exe '%s', comm '%s', path '%s', "
				  "target '%s', source '%s', cgroup '%s', pflags %d/%d/%d): "
				  "rule by rule %u (audit %u), compiled %u (audit %u)",
				  i, bw_class_name(cls), v.str[BW_DIM_EXE], v.str[BW_DIM_COMM],
				  v.str[BW_DIM_EXEC_PATH], v.str[BW_DIM_MNT_TARGET],
				  v.str[BW_DIM_MNT_SOURCE], v.cgroup_path, v.pflags[0],
				  v.pflags[1], v.pflags[2], want, want_audit, got, got_audit);
	}
	pool_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* half a megabyte: mapped once, not for every input */
	static struct bw_compiled cp;
	const char *path = fuzz_file(data, size);
	uint64_t rng = fuzz_hash(data, size);
	struct bw_ruleset rs = { 0 };
	struct diag d = { 0 };

	rules_load_path(&rs, path, &d);
	/* what parsed is compiled, as a policy without the bad rules would be */
	if (policy_compile(&rs, rng & 1 ? BW_MODE_AUDIT : BW_MODE_ENFORCE, &cp, &d) == 0) {
		check_entries(&cp);
		check_events(&rs, &cp, rng);
	}
	compiled_free(&cp);
	rules_free(&rs);
	diag_free(&d);
	return 0;
}
