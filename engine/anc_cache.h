/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_ANC_CACHE_H
#define BULWARK_ANC_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "events.h"

/*
 * The executables of the ancestors named in decision records, by exec id
 * (pid, start, exec_seq), so that the process table is read once per
 * ancestor and not once per record.  Set-associative with as many ways
 * as a record has ancestors, least recently used out: the ancestors of
 * one record never evict each other, whatever their pids.
 */
#define ANC_CACHE_WAYS	BW_ANCESTORS
#define ANC_CACHE_SETS	32

struct anc_cache_entry {
	uint32_t pid, exec_seq;
	uint64_t start;
	uint64_t used;		/* tick of the last use; 0: empty */
	bool known;		/* in the process table, as this exec */
	char exe[BW_PATH_LEN];
};

struct anc_cache {
	uint64_t tick;
	struct anc_cache_entry set[ANC_CACHE_SETS][ANC_CACHE_WAYS];
};

/* The set an exec id goes in: a multiplicative hash, so that neighbouring
 * pids and exec counters spread. */
static inline uint32_t anc_cache_set(uint32_t pid, uint32_t exec_seq)
{
	return (((pid * 2654435761u) ^ (exec_seq * 40503u)) >> 16) % ANC_CACHE_SETS;
}

/* Whether process table entry p names ancestor a: that exec of its pid, or
 * any exec of it for an entry the engine seeded from /proc. */
static inline bool anc_proc_is(const struct bw_proc *p, const struct bw_ancestor *a)
{
	return p->exec_seq == BW_PROC_SEEDED ||
	       (p->exec_seq == a->exec_seq && p->start == a->start);
}

/* Reads the process table's entry of a's exec into *out: 0, or -1 when
 * none (an entry of another exec of the pid may be returned: the cache
 * checks it with anc_proc_is). */
typedef int (*anc_lookup_fn)(void *ctx, const struct bw_ancestor *a,
			     struct bw_proc *out);

/* The exe of ancestor a, or NULL when the process table does not know
 * this exec of it. */
const char *anc_cache_exe(struct anc_cache *c, const struct bw_ancestor *a,
			  anc_lookup_fn lookup, void *ctx);

#endif
