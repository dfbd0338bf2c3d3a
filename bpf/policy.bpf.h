/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decision side of bulwark's kernel programs, shared by every hook in
 * bulwark.bpf.c: the policy maps, the per-CPU scratch area, the subject
 * read lazily, classify() over the bitmaps and decide(), which writes the
 * record.  Only bulwark.bpf.c includes it: the maps are that object's.
 *
 * Rules are classified with bit vectors: every match dimension maps a
 * value to the bitmap of rules accepting it (or to the dimension's default
 * bitmap when no rule names the value).  ANDing one bitmap per dimension
 * and taking the lowest set bit gives the first matching rule, at a cost
 * that does not depend on the number of rules.
 */
#ifndef BULWARK_POLICY_BPF_H
#define BULWARK_POLICY_BPF_H


#include "maps.bpf.h"
#include "path.bpf.h"
#include "argv.bpf.h"

/* ---- subject ---- */

/*
 * The subject's executable: mm->exe_file, resolved exactly.  The path is
 * kept per process with the file it came from (set at exec, inherited at
 * fork), and resolved when the process has no entry of its image (one
 * older than the engine).
 */
/*
 * Resolve file f, the executable of task t, into the process table entry
 * of t (s->proc, then proc_map): its path, the file, t's exec id and
 * flags (BW_PROC_*).
 */
static __noinline int proc_resolve(struct scratch *s, struct task_struct *t,
				   struct file *f, __u32 flags)
{
	__u32 tgid = BPF_CORE_READ(t, tgid);

	path_walk(s, (__u64)BPF_CORE_READ(f, f_path.dentry),
		  (__u64)BPF_CORE_READ(f, f_path.mnt), &s->proc.exe,
		  PW_HOW(s->key, BW_PS_EXE, 0));
	s->proc.file = (__u64)f;
	s->proc.start = BPF_CORE_READ(t, group_leader, start_time);
	s->proc.exec_seq = BPF_CORE_READ(t, self_exec_id);
	s->proc.pflags = s->ev.pflags[BW_PS_EXE];
	s->proc.flags = flags;
	return bpf_map_update_elem(&proc_map, &tgid, &s->proc, BPF_ANY);
}

/*
 * Does proc name t's image: resolved from its exe_file f, or from the
 * file this image exec'd?  Then its path is the exe whatever exe_file
 * says now: any user may point that at another file it can run
 * (prctl(PR_SET_MM_MAP) wants CAP_SYS_ADMIN in the caller's own user
 * namespace only), and so pass an exception by exe.
 */
static __always_inline bool proc_of_image(const struct bw_proc *proc,
					  struct task_struct *t, struct file *f)
{
	if (proc->file == (__u64)f)
		return true;
	return proc->file &&	/* a seeded entry is not decided on */
	       proc->exec_seq == BPF_CORE_READ(t, self_exec_id) &&
	       proc->start == BPF_CORE_READ(t, group_leader, start_time);
}

static __noinline int fill_exe(struct scratch *s)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct bw_subject *sj = &s->ev.subj;
	struct file *f = BPF_CORE_READ(t, mm, exe_file);
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct bw_proc *proc;
	int err;

	s->have |= HAVE_EXE;
	if (!f)
		return 0;	/* a kernel thread: no exe */
	s->ev.flags |= BW_F_EXE_KNOWN;
	proc = bpf_map_lookup_elem(&proc_map, &tgid);
	if (proc && proc_of_image(proc, t, f)) {
		bpf_probe_read_kernel_str(sj->exe, sizeof(sj->exe), proc->exe);
		s->ev.pflags[BW_PS_EXE] = proc->pflags |
			(proc->file != (__u64)f ? BW_PF_REPLACED : 0);
		return 0;
	}
	/* no entry of this image (a seeded one, or another process's of
	 * the same pid): the same image, its flags stay */
	s->proc.ptgid = proc ? proc->ptgid : 0;
	err = proc_resolve(s, t, f, proc ? proc->flags : 0);
	/* keep the result: clang drops r0 of an unused one, and the verifier
	 * then refuses the subprogram's leftover stack pointer */
	barrier_var(err);
	bpf_probe_read_kernel_str(sj->exe, sizeof(sj->exe), s->proc.exe);
	return 1;
}

/*
 * The subject is read lazily: classify() reads only what the class's rules
 * constrain, cheapest first, and fill_record_subject() the rest once a
 * record is to be written.
 */
static __always_inline void subj_pcomm(struct scratch *s)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct task_struct *parent = BPF_CORE_READ(t, real_parent);

	if (s->have & HAVE_PCOMM)
		return;
	s->have |= HAVE_PCOMM;
	bpf_probe_read_kernel(s->ev.subj.pcomm, sizeof(s->ev.subj.pcomm),
			      &parent->comm);
}

/* The container, from the cgroup: computed once per cgroup. */
static __always_inline int subj_container(struct scratch *s)
{
	__u64 cgid = bpf_get_current_cgroup_id();
	struct ctr_slot *c;
	int found;

	if (s->have & HAVE_CONTAINER)
		return 0;
	s->have |= HAVE_CONTAINER;
	c = bpf_map_lookup_elem(&ctr_cache, &cgid);
	if (c) {
		__builtin_memcpy(s->ev.subj.container, c->id, sizeof(c->id));
		return 1;
	}
	found = container_of_task((struct task_struct *)bpf_get_current_task(),
				  s->ev.subj.container);
	/* keep the return value: clang drops r0 of an unused result, and the
	 * verifier then refuses the subprogram's leftover stack pointer */
	barrier_var(found);
	if (found == 2)	/* its last byte, past the id's NUL, in the cache too */
		s->ev.subj.container[BW_CTR_PRIVATE_BYTE] = 1;
	bpf_map_update_elem(&ctr_cache, &cgid, s->ev.subj.container, BPF_ANY);
	return found;
}

static __always_inline void subj_exe(struct scratch *s)
{
	int n;

	if (s->have & HAVE_EXE)
		return;
	n = fill_exe(s);
	barrier_var(n);
}

/* exec: the path of the file being run or mapped, on first need. */
static __noinline int exec_path(struct scratch *s)
{
	struct file *f = s->lazy_file;

	if ((s->have & HAVE_PATH) || !f)
		return 0;
	s->have |= HAVE_PATH;
	return path_walk(s, (__u64)BPF_CORE_READ(f, f_path.dentry),
			 (__u64)BPF_CORE_READ(f, f_path.mnt), &s->ev.exec.path,
			 PW_HOW(s->key, BW_PS_PATH, 0));
}

/* The fields of the class's part of the record that no rule needed
 * (bulwark.bpf.c), read once the record is written. */
static __always_inline void fill_record_own(struct scratch *s, __u32 cls);

/*
 * Everything a record says about its subject, once it will be written.
 * cls is decide()'s, a constant the verifier knows (s->ev.cls is memory
 * to it): it then walks only the class's own part, not exec's argv.
 */
static __always_inline int fill_record_subject(struct scratch *s, __u32 cls)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct bw_subject *sj = &s->ev.subj;
	int n;

	tr_ident_fill_task(&sj->id, t, 0);
	s->have |= HAVE_COMM;
	sj->euid = BPF_CORE_READ(t, cred, euid.val);
	sj->pad = 0;
	sj->pad2 = 0;
	subj_pcomm(s);
	n = subj_container(s);
	barrier_var(n);
	subj_exe(s);
	fill_record_own(s, cls);
	if (cls == BW_CLASS_EXEC) {
		n = exec_path(s);
		barrier_var(n);
		n = argv_read(&s->ev.exec.argv);
		barrier_var(n);
	}
	return 0;
}

/* ---- classification ---- */

/*
 * s->acc &= m over the words holding the class's rules (s->nw); 1 when a
 * rule is left in acc, 0 when none is.  Its cost is in the number of words
 * (16 with 1,000 rules, 64 with 4,096), so: the first AND of a decision
 * (s->fresh) copies m instead, as every bitmap holds only the class's
 * rules (acc = all & m = m), and words go four at a time, which may run up
 * to three words past nw: those are 0 in every bitmap, and so in acc.
 * A global function: the verifier walks its loops once per program, not
 * at each of the 20-30 places a decision ANDs (-1: a NULL pointer).
 */
__noinline int bm_and(struct scratch *s, struct bw_bitmap *m)
{
	struct bw_bitmap *acc;
	__u32 nw, fresh;
	__u64 any = 0;

	if (!s || !m)
		return -1;
	acc = &s->acc;
	nw = s->nw;
	fresh = s->fresh;
	s->fresh = 0;
	if (nw <= 1) {
		acc->w[0] = fresh ? m->w[0] : acc->w[0] & m->w[0];
		return acc->w[0] != 0;
	}
	if (fresh) {
		for (int i = 0; i < BW_BITMAP_WORDS; i += 4) {
			if (i >= nw)
				break;
			__u64 a0 = m->w[i], a1 = m->w[i + 1];
			__u64 a2 = m->w[i + 2], a3 = m->w[i + 3];

			acc->w[i] = a0;
			acc->w[i + 1] = a1;
			acc->w[i + 2] = a2;
			acc->w[i + 3] = a3;
			any |= a0 | a1 | a2 | a3;
		}
		return any != 0;
	}
	for (int i = 0; i < BW_BITMAP_WORDS; i += 4) {
		if (i >= nw)
			break;
		acc->w[i] &= m->w[i];
		acc->w[i + 1] &= m->w[i + 1];
		acc->w[i + 2] &= m->w[i + 2];
		acc->w[i + 3] &= m->w[i + 3];
		any |= acc->w[i] | acc->w[i + 1] | acc->w[i + 2] | acc->w[i + 3];
	}
	return any != 0;
}

static __always_inline struct bw_bitmap *def_bitmap(__u32 slot, __u32 cls,
						    __u32 dim)
{
	__u32 k = bw_def_index(slot, cls, dim);

	return bpf_map_lookup_elem(&def_map, &k);
}

/* bm_and_private()'s words, one bpf_loop() step each */
struct and_private_ctx {
	struct bw_bitmap *acc, *m, *unres, *priv;
	__u64 all, any;
};

static long and_private_word(__u32 k, void *ctx)
{
	struct and_private_ctx *c = ctx;
	struct bw_bitmap *acc = c->acc, *m = c->m, *unres = c->unres, *priv = c->priv;

	k &= BW_BITMAP_WORDS - 1;	/* bpf_loop() runs it nw <= 64 times */
	acc->w[k] = (acc->w[k] | c->all) & ((m->w[k] & unres->w[k]) | priv->w[k]);
	c->any |= acc->w[k];
	return 0;
}

/*
 * bm_and() for a private path (BW_PF_PRIVATE) of dimension dim: its trie
 * lookup m kept to the rules that are not allow rules (the unresolved
 * default), and the rules it meets whatever its name (BW_DEF_PRIVATE:
 * "private:", and the negated rules, whose exception it must not meet).
 * Rare: a walk through a mount of an unprivileged user's own namespace.
 * Out of line, the defaults looked up here, so that and_path()'s frame
 * does not grow; the words in a bpf_loop(), so that the verifier walks
 * one.
 */
__noinline int bm_and_private(struct scratch *s, struct bw_bitmap *m,
			      __u32 slot, __u32 cls, __u32 dim)
{
	__u32 ps = bw_path_slot(dim), key;
	struct and_private_ctx c = { .m = m };

	if (!s || !m)
		return -1;
	/* the slot from its map: a global function's argument is plain
	 * memory to the verifier, which bpf_loop()'s step could not keep */
	key = s->key;
	s = bpf_map_lookup_elem(&scratch_map, &key);
	c.unres = def_bitmap(slot, cls, BW_DEF_UNRESOLVED(ps));
	c.priv = def_bitmap(slot, cls, BW_DEF_PRIVATE(ps));
	if (!s || !c.unres || !c.priv)
		return -1;
	c.acc = &s->acc;
	/* the first AND takes the bitmap whole: acc reads as all ones */
	c.all = s->fresh ? ~0ULL : 0;
	s->fresh = 0;
	bpf_loop(s->nw, and_private_word, &c, 0);
	return c.any != 0;
}

/* Is bit h of a dimension's filter set (no filter: it may be)? */
static __always_inline bool filter_has(const struct bw_bitmap *f, __u32 h)
{
	return !f || (f->w[(h >> 6) & (BW_BITMAP_WORDS - 1)] & (1ULL << (h & 63)));
}

/* May the dimension's value map hold a value of filter bit h? */
static __always_inline bool maybe_named(__u32 slot, __u32 cls, __u32 dim,
					__u32 h)
{
	return filter_has(def_bitmap(slot, cls, BW_DEF_FILTER(dim)), h);
}

/*
 * The first pass of classify() (s->defer set) ANDs only the dimensions it
 * can decide without a hash or trie lookup: those whose value no rule names
 * (the filter says so) take their default bitmap at once.  A dimension whose
 * value may be named is put off to the second pass, which most events never
 * reach: rules naming the event's own key (capability = cap_setuid) but a
 * subject that is not this one (comm = other) are emptied by the subject's
 * defaults first.  ANDing is commutative: the order changes the cost only.
 */
static __always_inline int put_off(struct scratch *s, __u32 dim)
{
	s->deferred |= 1u << dim;
	return 1;
}

static __noinline int and_num(struct scratch *s, __u32 slot, __u32 cls,
			      __u32 dim, __u64 val)
{
	struct bw_num_key k = { .slot = slot, .cls = cls, .dim = dim, .val = val };
	struct bw_bitmap *m = NULL;

	if (maybe_named(slot, cls, dim, bw_filter_num(val))) {
		if (s->defer)
			return put_off(s, dim);
		m = bpf_map_lookup_elem(&num_map, &k);
	}
	if (!m)
		m = def_bitmap(slot, cls, dim);
	if (!m)
		return -1;
	return bm_and(s, m);
}

/* The name in s->skey.s, NUL-padded: its bitmap ANDed into s->acc. */
static __always_inline int and_skey(struct scratch *s, __u32 slot, __u32 cls,
				    __u32 dim)
{
	struct bw_str_key *k = &s->skey;
	struct bw_bitmap *m = NULL;

	if (maybe_named(slot, cls, dim, bw_filter_str((const __u32 *)k->s))) {
		if (s->defer)
			return put_off(s, dim);
		k->slot = slot;
		k->cls = cls;
		k->dim = dim;
		k->pad = 0;
		m = bpf_map_lookup_elem(&str_map, k);
	}
	if (!m)
		m = def_bitmap(slot, cls, dim);
	if (!m)
		return -1;
	return bm_and(s, m);
}

static __noinline int and_str(struct scratch *s, __u32 slot, __u32 cls,
			      __u32 dim, const char *str)
{
	s->have &= ~HAVE_SKEY_COMM;
	__builtin_memset(s->skey.s, 0, sizeof(s->skey.s));
	bpf_probe_read_kernel_str(s->skey.s, sizeof(s->skey.s), str);
	return and_skey(s, slot, cls, dim);
}

/* The subject's comm, straight into the key: the padding stays zero
 * whether the helper pads (6.4 and later) or stops at the NUL.  A comm
 * put off to the second pass is still in the key there. */
static __noinline int and_comm(struct scratch *s, __u32 slot, __u32 cls)
{
	if (!(s->have & HAVE_SKEY_COMM)) {
		__builtin_memset(s->skey.s, 0, sizeof(s->skey.s));
		bpf_get_current_comm(s->skey.s, sizeof(s->skey.s));
		s->have |= HAVE_SKEY_COMM;
	}
	return and_skey(s, slot, cls, BW_DIM_COMM);
}

static __noinline int and_path(struct scratch *s, __u32 slot, __u32 cls,
			       __u32 dim, const char *path)
{
	struct bw_path_key *k = &s->pkey;
	__u32 ps = bw_path_slot(dim);
	struct bw_bitmap *m;

	/* unknown: every rule on the key but allow rules and exceptions */
	if (s->ev.pflags[ps] & BW_PF_UNRESOLVED) {
		m = def_bitmap(slot, cls, BW_DEF_UNRESOLVED(ps));
		if (!m)
			return -1;
		return bm_and(s, m);
	}
	if (s->defer)
		return put_off(s, dim);	/* a trie lookup: in the second pass */

	/* Bytes after the NUL never take part in a match: every entry's
	 * prefix ends at or before its own NUL. */
	k->prefixlen = BW_PATH_KEY_HDR_BITS + BW_PATH_LEN * 8;
	k->slot = slot;
	k->cls = cls;
	k->dim = dim;
	k->pad = 0;
	bpf_probe_read_kernel_str(k->path, sizeof(k->path), path);
	m = bpf_map_lookup_elem(&path_map, k);
	if (!m)
		m = def_bitmap(slot, cls, dim);
	if (!m)
		return -1;
	if (s->ev.pflags[ps] & BW_PF_PRIVATE)
		return bm_and_private(s, m, slot, cls, dim);
	return bm_and(s, m);
}

/* and_cgroup()'s walk: the key, the dimension's filter, the deepest hit */
struct cg_walk {
	struct bw_num_key k;
	struct bw_bitmap *f;
	struct bw_bitmap *m;
};

/* One cgroup level of the caller, from the root down: 1 past the last. */
static long cg_step(__u32 level, void *ctx)
{
	struct cg_walk *w = ctx;
	struct bw_bitmap *hit;

	w->k.val = bpf_get_current_ancestor_cgroup_id(level);
	if (!w->k.val)
		return 1;
	/* maybe_named(), the filter looked up once */
	if (!filter_has(w->f, bw_filter_num(w->k.val)))
		return 0;
	hit = bpf_map_lookup_elem(&num_map, &w->k);
	if (hit)
		w->m = hit;
	return 0;
}

/*
 * The deepest cgroup ancestor that some rule names decides the dimension.
 * A global function and a bpf_loop() step: unrolled, the verifier followed
 * each combination of levels named, skipped and missed (4,000 instructions
 * of each program).  -1: a NULL scratch area or a map error.
 */
__noinline int and_cgroup(struct scratch *s, __u32 slot, __u32 cls)
{
	struct cg_walk w = {
		.k = { .slot = slot, .cls = cls, .dim = BW_DIM_CGROUP },
		.f = def_bitmap(slot, cls, BW_DEF_FILTER(BW_DIM_CGROUP)),
	};

	if (!s)
		return -1;
	bpf_loop(BW_CGROUP_LEVELS, cg_step, &w, 0);
	if (!w.m)
		w.m = def_bitmap(slot, cls, BW_DIM_CGROUP);
	if (!w.m)
		return -1;
	return bm_and(s, w.m);
}

#define HAS(mask, d) ((mask) & (1u << (d)))

/* AND the bitmap of dimension d's value v, if some rule constrains d, and
 * leave as soon as no rule is left */
#define AND(kind, d, v) do {						\
	if (HAS(mask, d)) {						\
		r = and_##kind(s, slot, cls, d, v);			\
		if (r <= 0)						\
			return r;					\
	}								\
} while (0)

/*
 * Does the caller's uid, gid and comm leave no rule of the class?  A set
 * of those dimensions in which no rule names the caller's values, and
 * whose default bitmaps AND to nothing, leaves no rule (meta->subj_cover,
 * bpf/events.h): what classify() would find, told before the record's
 * header is cleared.  The filters answer here: SUBJ_NONE when the clear
 * dimensions cover, SUBJ_ASK when only values a filter let through (a
 * filter shares its bits among the values of thousands of rules) stand
 * between the caller and a covering set (with those dimensions' BW_SUBJ_*
 * bits shifted left by 4), SUBJ_SOME otherwise.  The subject is the
 * current task in every hook, as in classify_subject(); the comm read
 * stays in the scratch key for and_comm().  Global: verified once, and
 * the hooks' frames stay small (bw_sb_mount's calls are near 6.1's 512
 * bytes).
 */
#define SUBJ_SOME	0
#define SUBJ_NONE	1
#define SUBJ_ASK	2

__noinline int subject_unnamed(struct scratch *s, __u32 cover, __u32 read,
			       __u32 slot, __u32 cls)
{
	__u32 maybe = 0, clear;
	__u64 ug;

	if (!s)
		return SUBJ_SOME;
	if (read & (BW_SUBJ_UID | BW_SUBJ_GID)) {
		ug = bpf_get_current_uid_gid();
		if ((read & BW_SUBJ_UID) &&
		    maybe_named(slot, cls, BW_DIM_UID, bw_filter_num((__u32)ug)))
			maybe |= BW_SUBJ_UID;
		if ((read & BW_SUBJ_GID) &&
		    maybe_named(slot, cls, BW_DIM_GID, bw_filter_num(ug >> 32)))
			maybe |= BW_SUBJ_GID;
	}
	if (read & BW_SUBJ_COMM) {
		__builtin_memset(s->skey.s, 0, sizeof(s->skey.s));
		bpf_get_current_comm(s->skey.s, sizeof(s->skey.s));
		s->have |= HAVE_SKEY_COMM;
		if (maybe_named(slot, cls, BW_DIM_COMM,
				bw_filter_str((const __u32 *)s->skey.s)))
			maybe |= BW_SUBJ_COMM;
	}
	clear = read & ~maybe;
	if ((cover >> (clear & 7)) & 1)
		return SUBJ_NONE;
	/* with the dimensions to look up above SUBJ_ASK */
	return (cover >> (read & 7)) & 1 ? SUBJ_ASK | maybe << 4 : SUBJ_SOME;
}

/*
 * SUBJ_ASK: the entries of the values the filters let through are looked
 * up; a miss makes the dimension clear, and a covering set of clear ones
 * leaves.  Otherwise classify()'s work for the dimensions read is done
 * now, with what the lookups found (or the defaults), and those
 * dimensions are left out of classify(), so that no lookup is made twice:
 * a decision whose subject the rules name costs what it did.  1 when a
 * rule is left, 0 when none is, -1 on a map error (the dimension stays
 * for classify()).
 */
static __noinline int subject_and(struct scratch *s, __u32 cover, __u32 how,
				  __u32 slot, __u32 cls)
{
	__u32 read = how & 7, maybe = how >> 4;
	struct bw_num_key nk = { .slot = slot, .cls = cls, .dim = BW_DIM_UID };
	struct bw_bitmap *mu, *mc;
	__u64 ug = bpf_get_current_uid_gid();
	__u32 clear = 0;
	int r = 1;

	/* a gid the filter let through is not looked up here (rules name
	 * users and programs far more than groups): and_num() below */
	if (!(maybe & BW_SUBJ_GID))
		clear |= BW_SUBJ_GID;
	nk.val = (__u32)ug;
	mu = (maybe & BW_SUBJ_UID) ? bpf_map_lookup_elem(&num_map, &nk) : NULL;
	if (!mu)
		clear |= BW_SUBJ_UID;
	s->skey.slot = slot;
	s->skey.cls = cls;
	s->skey.dim = BW_DIM_COMM;
	s->skey.pad = 0;
	mc = (maybe & BW_SUBJ_COMM) ? bpf_map_lookup_elem(&str_map, &s->skey) : NULL;
	if (!mc)
		clear |= BW_SUBJ_COMM;
	if ((cover >> (clear & read & 7)) & 1)
		return 0;
	s->defer = 0;
	if (read & BW_SUBJ_UID) {
		r = bm_and(s, mu ? mu : def_bitmap(slot, cls, BW_DIM_UID));
		if (r <= 0)
			return r;
		s->dim_mask &= ~(1u << BW_DIM_UID);
	}
	if (read & BW_SUBJ_GID) {
		r = and_num(s, slot, cls, BW_DIM_GID, ug >> 32);
		if (r <= 0)
			return r;
		s->dim_mask &= ~(1u << BW_DIM_GID);
	}
	if (read & BW_SUBJ_COMM) {
		r = bm_and(s, mc ? mc : def_bitmap(slot, cls, BW_DIM_COMM));
		if (r <= 0)
			return r;
		s->dim_mask &= ~(1u << BW_DIM_COMM);
	}
	return r;
}

/*
 * The event's own dimensions, one function per class, written beside the
 * class's hooks in bulwark.bpf.c: classify_<record struct>() of the
 * BW_CLASSES row.  Called twice: with late false it ANDs the values its
 * hooks put in the record; with late true, after the subject's cheap
 * values (uid, gid, comm), those it reads only when a rule needs them
 * (exec's path).  1 when some rule is left, 0 when none is, -1 on a map
 * error; each uses AND() above, with `cls` its class.
 */
#define CLASSIFY_DECL_(name, str, m, st)					\
	static __always_inline int classify_##st(struct scratch *s, __u32 slot,	\
						 __u32 mask, bool late);
BW_CLASSES(CLASSIFY_DECL_)
#undef CLASSIFY_DECL_

static __always_inline int classify_own(struct scratch *s, __u32 slot,
					__u32 cls, __u32 mask, bool late)
{
#define CLASSIFY_CASE_(name, str, m, st) \
	case BW_CLASS_##name: return classify_##st(s, slot, mask, late);
	switch (cls) {
	BW_CLASSES(CLASSIFY_CASE_)
	}
#undef CLASSIFY_CASE_
	return 1;
}

/* The subject's cheap values: uid, gid, comm. */
static __always_inline int classify_subject(struct scratch *s, __u32 slot,
					    __u32 cls, __u32 mask)
{
	__u64 ug;
	int r;

	if (HAS(mask, BW_DIM_UID) || HAS(mask, BW_DIM_GID)) {
		ug = bpf_get_current_uid_gid();
		AND(num, BW_DIM_UID, (__u32)ug);
		AND(num, BW_DIM_GID, ug >> 32);
	}
	if (HAS(mask, BW_DIM_COMM)) {
		r = and_comm(s, slot, cls);
		if (r <= 0)
			return r;
	}
	return 1;
}

/*
 * AND into s->acc one bitmap per dimension some rule of the class
 * constrains: first the event's own values and the subject's cheap ones,
 * in two passes (those no rule names, then the named ones: see put_off()),
 * then the subject's dearer values, each read only when needed.
 * 1 when some rule is left, 0 as soon as none is, -1 on a map error.
 */
static __always_inline int classify(struct scratch *s, __u32 slot, __u32 cls,
				    __u32 mask)
{
	struct bw_subject *sj = &s->ev.subj;
	int r;

	s->defer = 1;
	s->deferred = 0;
	r = classify_own(s, slot, cls, mask, false);
	if (r > 0)
		r = classify_subject(s, slot, cls, mask);
	s->defer = 0;
	if (r <= 0)
		return r;
	/*
	 * The subject's lookups first: the event's own key is what the
	 * rules of an operation have in common (capability = cap_setuid), so
	 * its bitmap keeps most of them, while a subject value that only
	 * shares a filter bit with a named one finds no entry and takes its
	 * default, which may empty the result without the own key's lookup.
	 */
	if (s->deferred) {
		r = classify_subject(s, slot, cls, s->deferred);
		if (r > 0)
			r = classify_own(s, slot, cls, s->deferred, false);
		if (r <= 0)
			return r;
	}
	r = classify_own(s, slot, cls, mask, true);
	if (r <= 0)
		return r;
	if (HAS(mask, BW_DIM_EXE)) {
		subj_exe(s);
		AND(path, BW_DIM_EXE, sj->exe);
	}
	if (HAS(mask, BW_DIM_PCOMM)) {
		subj_pcomm(s);
		AND(str, BW_DIM_PCOMM, sj->pcomm);
	}
	if (HAS(mask, BW_DIM_CONTAINER)) {
		r = subj_container(s);
		barrier_var(r);
		if (sj->container[BW_CTR_PRIVATE_BYTE]) {
			/* a user's own: no allow rule, no exception */
			r = bm_and(s, def_bitmap(slot, cls, BW_DEF_CTR_PRIVATE));
			if (r <= 0)
				return r;
		} else {
			AND(str, BW_DIM_CONTAINER, sj->container);
		}
	}
	if (HAS(mask, BW_DIM_CGROUP)) {
		r = and_cgroup(s, slot, cls);
		if (r <= 0)
			return r;
	}
	return 1;
}

/* de Bruijn sequence: bit index without branches the verifier must walk */
static const __u8 debruijn_pos[64] = {
	0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4,
	62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5,
	63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
	46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6,
};

/* Index of the lowest set bit, or BW_NO_RULE.  Global: checked once. */
__noinline __u32 lowest_bit(struct bw_bitmap *b, __u32 nw)
{
	if (!b)
		return BW_NO_RULE;
	for (int i = 0; i < BW_BITMAP_WORDS; i++) {
		if (i >= nw)
			break;
		__u64 w = b->w[i];

		if (!w)
			continue;
		w &= -w;
		return i * 64 + debruijn_pos[((w * 0x03f79d71b4cb0a89ULL) >> 58) & 63];
	}
	return BW_NO_RULE;
}

static __always_inline struct bw_rule_info *rule_info(__u32 slot, __u32 cls,
						      __u32 idx)
{
	__u32 k = bw_rule_index(slot, cls, idx & (BW_MAX_RULES - 1));

	return bpf_map_lookup_elem(&rule_map, &k);
}

/* Up to BW_ANCESTORS processes above the subject, for the record. */
static __noinline int fill_ancestry(struct scratch *s)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct bw_event *e = &s->ev;
	__u32 n = 0;

	t = BPF_CORE_READ(t, group_leader, real_parent);
	for (int i = 0; i < BW_ANCESTORS; i++) {
		struct bw_ancestor *a = &e->anc[i];
		__u32 tgid;

		if (!t)
			break;
		tgid = BPF_CORE_READ(t, tgid);
		if (!tgid)
			break;
		a->pid = tgid;
		a->exec_seq = BPF_CORE_READ(t, self_exec_id);
		a->start = BPF_CORE_READ(t, group_leader, start_time);
		bpf_probe_read_kernel(a->comm, sizeof(a->comm), &t->comm);
		n++;
		if (tgid == 1)
			break;
		t = BPF_CORE_READ(t, real_parent);
	}
	e->nanc = n;
	e->pad3 = 0;
	return n;
}

/* A record ends with its class's part of the union: smaller records, more
 * of them in the ring.  An exec record ends with its command line's last
 * byte. */
static __always_inline __u64 event_size(const struct bw_event *e, __u32 cls)
{
	if (cls == BW_CLASS_EXEC)
		return BW_EVENT_EXEC_SIZE + argv_used(&e->exec.argv);
	return bw_class_size(cls);
}

/* A record of class cls that never reached the ring.  An atomic add,
 * although the counter is per CPU: a decision preempted (full preemption)
 * or interrupted between a load and a store would lose the other's count. */
static __always_inline void count_lost(__u32 cls)
{
	__u64 *lost = bpf_map_lookup_elem(&lost_map, &cls);

	if (lost)
		__sync_fetch_and_add(lost, 1);
}

/* 0 when the record (of class cls) is in the ring; else it is counted
 * lost, -1 */
static __always_inline int emit(struct scratch *s, __u32 cls)
{
	if (bpf_ringbuf_output(&events, &s->ev, event_size(&s->ev, cls), 0) == 0)
		return 0;
	count_lost(cls);
	return -1;
}

/* ---- [log] repeat ---- */

/*
 * 1: the decision is folded into its key's count, no record.  0: a record
 * is to be written, carrying in e->folded what was folded since the key's
 * last record, and the key's window starts again at it.  The key is read
 * from what the hook has (the task, the rule and decision chosen).
 */
static __noinline int fold(struct scratch *s)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct bw_fold_key *k = &s->fkey;
	struct bw_event *e = &s->ev;
	struct bw_fold *v, nv = {};

	k->generation = e->generation;
	k->start = BPF_CORE_READ(t, group_leader, start_time);
	k->exec_seq = BPF_CORE_READ(t, self_exec_id);
	k->pid = bpf_get_current_pid_tgid() >> 32;
	k->cls = e->cls;
	k->rule = e->rule;
	k->audit_rule = e->audit_rule;
	k->decision = e->decision;
	v = bpf_map_lookup_elem(&fold_map, k);
	if (!v) {
		/* a new key: this record starts its window (in a full map
		 * the key is not added, and each of its decisions is written) */
		nv.win = e->ts;
		bpf_get_current_comm(nv.comm, sizeof(nv.comm));
		bpf_map_update_elem(&fold_map, k, &nv, BPF_NOEXIST);
		return 0;
	}
	/* a window another CPU started after e->ts: a record, never a fold
	 * into a window that may already be summed */
	if (e->ts >= v->win && e->ts - v->win < fold_ns) {
		__sync_fetch_and_add(&v->count, 1);
		if (!v->first)
			v->first = e->ts;
		v->last = e->ts;
		return 1;
	}
	v->win = e->ts;
	e->folded = __sync_lock_test_and_set(&v->count, 0);
	if (e->folded) {
		e->fold_first = v->first;
		e->fold_last = v->last;
	}
	v->first = 0;
	v->last = 0;
	return 0;
}

/* The record carrying e->folded was lost: the count goes back to its key
 * for the next record or summary (the record itself is counted lost). */
static __noinline int fold_undo(struct scratch *s)
{
	struct bw_fold *v;

	if (!s->ev.folded)
		return 0;
	v = bpf_map_lookup_elem(&fold_map, &s->fkey);
	if (!v)
		return 0;
	__sync_fetch_and_add(&v->count, s->ev.folded);
	return 1;
}

/* How decide() is called. */
#define DEC_LSM		1	/* from an LSM hook: a deny is enforced */
#define DEC_GUARD	2	/* deny/kill only: a syscall's guarding LSM hook,
				 * or a second way to the same effect (mmap) */
#define DEC_GUARDED	4	/* sys_enter of a call an LSM guard decides */

/*
 * Decide on the event prepared in s->ev.  Returns the value for the LSM
 * hook: -EPERM (or a syscall rule's errno) for an enforced deny, else 0.
 */
static __noinline int decide_held(struct scratch *s, __u32 slot, __u32 cls,
				  __u32 how)
{
	__u32 enforced = how & DEC_LSM, method = BW_METH_NONE;
	__s32 err_no = 0;
	struct bw_rule_info *ri;
	__u32 first, rule;
	struct bw_event *e = &s->ev;
	int ret = 0;

	if (classify(s, slot, cls & 7, s->dim_mask) <= 0)
		return 0;
	if (s->fresh) {		/* no dimension: every rule */
		struct bw_bitmap *all = def_bitmap(slot, cls, BW_DEF_ALL);

		if (!all || bm_and(s, all) <= 0)
			return 0;
	}
	first = lowest_bit(&s->acc, s->nw);
	if (first == BW_NO_RULE)
		return 0;
	ri = rule_info(slot, cls, first);
	if (!ri)
		return 0;
	e->audit_rule = BW_NO_RULE;
	rule = first;
	if (ri->action == BW_ACT_AUDIT) {
		struct bw_bitmap *dec = def_bitmap(slot, cls, BW_DEF_DECISIVE);

		e->audit_rule = first;
		if (!dec)
			return 0;
		first = bm_and(s, dec);
		/* keep the result: clang drops r0 of an unused one, and the
		 * verifier then refuses the subprogram's leftover stack pointer */
		barrier_var(first);
		rule = lowest_bit(&s->acc, s->nw);
		ri = rule == BW_NO_RULE ? NULL : rule_info(slot, cls, rule);
	}

	e->type = BW_REC_DECISION;
	e->cls = cls;
	e->ts = bpf_ktime_get_boot_ns();
	e->rule = rule;
	e->flags |= enforced ? BW_F_ENFORCED : 0;
	if (!ri) {
		if (how & DEC_GUARD)
			return 0;	/* sys_enter logged it */
		e->decision = BW_DEC_AUDIT;
		e->rule = e->audit_rule;
		e->audit_rule = BW_NO_RULE;
		method = BW_METH_AUDIT;
	} else if (ri->action == BW_ACT_DENY || ri->action == BW_ACT_KILL) {
		__u32 kill = ri->action == BW_ACT_KILL;
		__u32 live = s->mode == BW_MODE_ENFORCE;

		if (how & DEC_GUARDED)
			return 0;	/* the guarding LSM hook decides */
		if (enforced && live) {
			e->decision = kill ? BW_DEC_KILL : BW_DEC_DENY;
			method = kill ? BW_METH_LSM_KILL : BW_METH_LSM;
			ret = cls == BW_CLASS_SYSCALL ? -(ri->err_no & 4095) : -EPERM;
		} else if (kill && live) {
			/* at sys_enter: the process dies, the call still runs */
			e->decision = BW_DEC_KILL;
			method = BW_METH_ENTRY_KILL;
		} else {
			e->decision = kill ? BW_DEC_WOULD_KILL : BW_DEC_WOULD_DENY;
			method = BW_METH_AUDIT;
		}
		if (kill && live)
			bpf_send_signal(9);
		err_no = ri->err_no;
	} else {
		if (how & DEC_GUARD)
			return 0;
		e->decision = BW_DEC_ALLOW;
		if (!ri->log && e->audit_rule == BW_NO_RULE)
			return 0;
	}
	/* only syscall records carry these; the union is another's otherwise */
	if (cls == BW_CLASS_SYSCALL) {
		e->sc.method = method;
		e->sc.err_no = err_no;
	}
	e->ret = ret;
	if (!(e->flags & BW_F_NOAUDIT) || e->decision == BW_DEC_AUDIT) {
		int n;

		/* a deny is returned all the same: only its record is folded */
		if (fold_ns && fold(s))
			return ret;
		n = fill_record_subject(s, cls);
		barrier_var(n);
		n = fill_ancestry(s);
		barrier_var(n);
		if (emit(s, cls) && fold_ns) {
			n = fold_undo(s);
			barrier_var(n);
		}
	}
	return ret;
}

/* Slot k, if it is free: held until scratch_release(). */
static __always_inline struct scratch *claim_at(__u32 k)
{
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &k);

	/* one exchange: nothing that shares the slot (this CPU's tasks and
	 * interrupts) can come between the test and the set */
	if (!s || __sync_lock_test_and_set(&s->busy, 1))
		return NULL;
	s->key = k;
	return s;
}

/* The first free shared slot (scratch_slots of them). */
static __always_inline struct scratch *claim_shared(void)
{
	struct scratch *s;
	__u32 k;

	for (k = 0; k < BW_SCRATCH_SLOTS; k++) {
		if (k >= scratch_slots)
			break;
		s = claim_at(k);
		if (s)
			return s;
	}
	return NULL;
}

/* A free slot for a decision of this kind (SK_*, maps.bpf.h): its own
 * first, then a shared one. */
static __always_inline struct scratch *scratch_claim(__u32 kind)
{
	struct scratch *s = NULL;

	if (kind == SK_ATOMIC) {
		s = claim_at(SCRATCH_ATOMIC);
		if (!s)
			s = claim_at(SCRATCH_ATOMIC + 1);
	} else if (kind == SK_SIGIO) {
		s = claim_at(SCRATCH_SIGIO);
	}
	return s ? s : claim_shared();
}

/* x86's preempt count, per CPU: in Linux 6.1, and again from 6.15 (6.2 to
 * 6.14 keep it in pcpu_hot, not looked for: there no hook waits). */
extern int __preempt_count __ksym __weak;

/* Whether this program can be preempted here: process context, preemption
 * enabled.  Bit 31 is x86's inverted need-resched flag. */
static __always_inline bool preemptible_here(void)
{
	int *pc;

	if (!&__preempt_count)
		return false;
	pc = bpf_this_cpu_ptr(&__preempt_count);
	return (*pc & 0x7fffffff) == 0;
}

struct wait_ctx {
	__u64 until;		/* boot clock, ns: then the wait ends */
	__u32 key;		/* the slot claimed, SCRATCH_ALL while none */
	__u32 over;		/* the time is up */
};

/* scratch_wait()'s step: 1 once a shared slot is held, or time is up */
static long wait_step(__u32 i, void *ctx)
{
	struct wait_ctx *w = ctx;
	struct scratch *s;

	if (!(i & 15) && bpf_ktime_get_ns() > w->until) {
		w->over = 1;
		return 1;
	}
	s = claim_shared();
	if (!s)
		return 0;
	w->key = s->key;
	return 1;
}

#define SCRATCH_WAIT_ROUNDS 16

/* scratch_wait()'s round: bpf_loop()'s most steps */
static long wait_round(__u32 i, void *ctx)
{
	struct wait_ctx *w = ctx;

	bpf_loop(BW_SCRATCH_SPINS_MAX, wait_step, w, 0);
	return w->key < SCRATCH_ALL || w->over;
}

/*
 * An LSM hook found every shared slot held.  Each is held by a decision
 * preempted half-way (without full preemption none can be), which goes on
 * once this task is preempted in turn; so a hook that can be preempted
 * asks again until one is free, for up to scratch_wait_ns, rather than
 * refuse: a user who keeps many decisions preempted on a CPU slows the
 * others there, but cannot make them fail.  The wait is measured on the
 * clock, as the holders' turns come after every other runnable task's; in
 * interrupt context, or with preemption disabled, the holders cannot run
 * and the hook does not wait.  A global function, verified once per
 * program rather than at each begin(): it returns the index of the slot it
 * now holds, or -1.
 */
__noinline int scratch_wait(void)
{
	struct wait_ctx w = { .key = SCRATCH_ALL };

	if (!scratch_wait_ns || !preemptible_here())
		return -1;
	w.until = bpf_ktime_get_ns() + scratch_wait_ns;
	/* up to 2^4 x 2^23 tries, in a loop of loops so that the verifier
	 * sees each step once: seconds of the waiter's own time, many turns
	 * of the holders' on a crowded CPU */
	bpf_loop(SCRATCH_WAIT_ROUNDS, wait_round, &w, 0);
	return w.key < SCRATCH_ALL ? (int)w.key : -1;
}

static __always_inline void scratch_release(struct scratch *s)
{
	*(volatile __u64 *)&s->busy = 0;
}

/* Every decision that begin() started ends here: the slot goes back. */
static __always_inline int decide(struct scratch *s, __u32 slot, __u32 cls,
				  __u32 how)
{
	int ret = decide_held(s, slot, cls, how);

	scratch_release(s);
	return ret;
}

/* begin()'s *slot when every scratch slot of the CPU was held and the
 * class enforces: the LSM hook refuses (no_scratch()). */
#define SLOT_FULL	2

/*
 * An LSM hook's answer when begin() returned NULL: let through, unless no
 * slot was free (nor came free while the hook could wait) for a class that
 * enforces.  Such a decision cannot be made or recorded; it is refused and
 * counted as a lost record of its class, so that preempted decisions on
 * one CPU never open a deny.
 */
static __always_inline int no_scratch(__u32 slot)
{
	return slot == SLOT_FULL ? -EPERM : 0;
}

/* No slot was free: counted as a lost record of the class. */
static __always_inline struct scratch *scratch_full(__u32 cls, __u32 *slot,
						    __u32 mode)
{
	count_lost(cls);
	if (mode == BW_MODE_ENFORCE)
		*slot = SLOT_FULL;
	return NULL;
}

/*
 * Common entry: is there a live policy with rules for this class, and
 * is the caller someone we decide on?  Returns a scratch slot, held, with
 * the record's header set (the subject is read later, as classify() needs
 * it), or NULL to let the operation through untouched, or, with *slot
 * SLOT_FULL, to refuse it (no_scratch()).  kind: SK_*, who is asking.
 */
static __always_inline struct scratch *begin(__u32 cls, __u32 *slot, __u32 kind,
					     __u64 cap)
{
	struct bw_class_meta *meta;
	struct scratch *s;
	__u64 gen = active_gen;
	__u32 mk;

	*slot = 0;
	if (!gen)
		return NULL;
	if (engine_tgid && (bpf_get_current_pid_tgid() >> 32) == engine_tgid)
		return NULL;
	*slot = gen & 1;
	mk = bw_meta_index(*slot, cls);
	meta = bpf_map_lookup_elem(&meta_map, &mk);
	if (!meta || !meta->nrules)
		return NULL;
	if (cls == BW_CLASS_CAPABLE && (cap >= 64 || !(meta->fast_mask & (1ULL << cap))))
		return NULL;
	s = scratch_claim(kind);
	if (!s && kind != SK_ATOMIC) {
		int k = scratch_wait();

		if (k >= 0) {
			mk = k;	/* the meta key's stack slot: the 6.1 hooks' frames stay as they were */
			s = bpf_map_lookup_elem(&scratch_map, &mk);
		}
	}
	if (!s)
		return scratch_full(cls, slot, meta->mode);
	/* what decide() needs of the class header, looked up once */
	s->nw = (meta->nrules + 63) / 64;
	if (s->nw > BW_BITMAP_WORDS)
		s->nw = BW_BITMAP_WORDS;
	s->dim_mask = meta->dim_mask;
	s->mode = meta->mode;
	s->have = 0;
	s->lazy_file = NULL;
	s->lazy_obj = 0;
	s->ev.generation = gen;
	/* acc starts as every rule of the class: the first AND copies */
	s->fresh = 1;
	/* only the scratch area lives across the call: the hooks' frames
	 * stay small (see subject_unnamed()) */
	if (meta->subj_cover) {
		__u32 read = meta->subj_read;
		int r = subject_unnamed(s, meta->subj_cover, read, *slot, cls);

		if (r == SUBJ_NONE ||
		    ((r & 3) == SUBJ_ASK &&
		     subject_and(s, meta->subj_cover, read | (r & ~3), *slot, cls) == 0)) {
			scratch_release(s);
			return NULL;
		}
	}
	/* The header only: the subject is read as it is needed, the record
	 * filled when one is written, and each hook sets its event's part. */
	__builtin_memset(&s->ev.decision, 0,
			 offsetof(struct bw_event, subj) - offsetof(struct bw_event, decision));
	s->ev.type = 0;
	s->ev.cls = cls;
	s->ev.ts = 0;
	return s;
}

#endif
