// SPDX-License-Identifier: GPL-2.0
/* The ancestors' exe cache: the process table read once per ancestor. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "anc_cache.h"

/* A process table of its own: pid -> (start, exec_seq), exe "/bin/PID". */
struct table {
	uint32_t reads;
	uint32_t missing;	/* a pid the table does not hold */
	uint32_t seeded;	/* a pid seeded from /proc: any exec of it */
};

static int lookup(void *ctx, const struct bw_ancestor *a, struct bw_proc *out)
{
	struct table *t = ctx;
	uint32_t pid = a->pid;

	t->reads++;
	if (pid == t->missing)
		return -1;
	memset(out, 0, sizeof(*out));
	out->start = pid * 1000ull;
	out->exec_seq = pid == t->seeded ? BW_PROC_SEEDED : 1;
	snprintf(out->exe, sizeof(out->exe), "/bin/%u", pid);
	return 0;
}

static struct bw_ancestor anc(uint32_t pid)
{
	struct bw_ancestor a = { .pid = pid, .exec_seq = 1, .start = pid * 1000ull };

	return a;
}

/* each test's cache, freed even when the test fails */
static int setup(void **state)
{
	*state = calloc(1, sizeof(struct anc_cache));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* Pids whose ancestors all fall in one set: the worst case of the old
 * direct-mapped cache, where two of them evicted each other per record. */
static int same_set_pids(uint32_t *pids, int n)
{
	uint32_t want = UINT32_MAX;
	int k = 0;

	for (uint32_t pid = 2; pid < 10000000 && k < n; pid++) {
		uint32_t set = anc_cache_set(pid, 1);

		if (want == UINT32_MAX)
			want = set;
		if (set == want)
			pids[k++] = pid;
	}
	return k;
}

static void test_chain_read_once(void **state)
{
	struct anc_cache *c = *state;
	struct table t = { 0 };
	uint32_t pids[BW_ANCESTORS];
	char want[32];

	assert_int_equal(same_set_pids(pids, BW_ANCESTORS), BW_ANCESTORS);
	for (int rec = 0; rec < 1000; rec++) {
		for (int i = 0; i < BW_ANCESTORS; i++) {
			struct bw_ancestor a = anc(pids[i]);
			const char *exe = anc_cache_exe(c, &a, lookup, &t);

			snprintf(want, sizeof(want), "/bin/%u", pids[i]);
			assert_non_null(exe);
			assert_string_equal(exe, want);
		}
	}
	/* a record's ancestors never evict each other, whatever their pids */
	assert_int_equal(t.reads, BW_ANCESTORS);
}

static void test_other_exec_not_named(void **state)
{
	struct anc_cache *c = *state;
	struct table t = { .missing = 77, .seeded = 88 };
	struct bw_ancestor a = anc(55);

	/* the table holds another exec of pid 55: not this ancestor's exe */
	a.exec_seq = 2;
	assert_null(anc_cache_exe(c, &a, lookup, &t));
	a.exec_seq = 1;
	assert_string_equal(anc_cache_exe(c, &a, lookup, &t), "/bin/55");
	a = anc(77);
	assert_null(anc_cache_exe(c, &a, lookup, &t));
	assert_null(anc_cache_exe(c, &a, lookup, &t));
	/* seeded from /proc: named for any exec */
	a = anc(88);
	a.exec_seq = 5;
	assert_string_equal(anc_cache_exe(c, &a, lookup, &t), "/bin/88");
	/* each distinct exec read once, the unknown one included */
	assert_int_equal(t.reads, 4);
}

static void test_least_recently_used_out(void **state)
{
	struct anc_cache *c = *state;
	struct table t = { 0 };
	uint32_t pids[ANC_CACHE_WAYS + 1];
	struct bw_ancestor a;

	assert_int_equal(same_set_pids(pids, ANC_CACHE_WAYS + 1), ANC_CACHE_WAYS + 1);
	for (int i = 0; i < ANC_CACHE_WAYS; i++) {
		a = anc(pids[i]);
		anc_cache_exe(c, &a, lookup, &t);
	}
	/* the first is used again, so the second is the one to go */
	a = anc(pids[0]);
	anc_cache_exe(c, &a, lookup, &t);
	a = anc(pids[ANC_CACHE_WAYS]);
	anc_cache_exe(c, &a, lookup, &t);
	assert_int_equal(t.reads, ANC_CACHE_WAYS + 1);
	a = anc(pids[0]);
	anc_cache_exe(c, &a, lookup, &t);
	assert_int_equal(t.reads, ANC_CACHE_WAYS + 1);
	a = anc(pids[1]);
	anc_cache_exe(c, &a, lookup, &t);
	assert_int_equal(t.reads, ANC_CACHE_WAYS + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chain_read_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_exec_not_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_least_recently_used_out, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
