// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "anc_cache.h"

static bool same_exec(const struct anc_cache_entry *c, const struct bw_ancestor *a)
{
	return c->used && c->pid == a->pid && c->exec_seq == a->exec_seq &&
	       c->start == a->start;
}

static void fill(struct anc_cache_entry *c, const struct bw_ancestor *a,
		 anc_lookup_fn lookup, void *ctx)
{
	struct bw_proc proc;

	c->pid = a->pid;
	c->exec_seq = a->exec_seq;
	c->start = a->start;
	c->known = !lookup(ctx, a, &proc) && anc_proc_is(&proc, a);
	if (c->known) {
		size_t n = strnlen(proc.exe, sizeof(proc.exe) - 1);

		memcpy(c->exe, proc.exe, n);
		c->exe[n] = 0;
	}
}

const char *anc_cache_exe(struct anc_cache *c, const struct bw_ancestor *a,
			  anc_lookup_fn lookup, void *ctx)
{
	struct anc_cache_entry *set = c->set[anc_cache_set(a->pid, a->exec_seq)];
	struct anc_cache_entry *victim = set;

	for (int i = 0; i < ANC_CACHE_WAYS; i++) {
		if (same_exec(&set[i], a)) {
			set[i].used = ++c->tick;
			return set[i].known ? set[i].exe : NULL;
		}
		if (set[i].used < victim->used)
			victim = &set[i];
	}
	fill(victim, a, lookup, ctx);
	victim->used = ++c->tick;
	return victim->known ? victim->exe : NULL;
}
