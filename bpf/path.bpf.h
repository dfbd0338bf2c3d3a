/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The path walk of bulwark's LSM programs: a path resolved exactly, as
 * seen from the initial mount namespace, into a per-CPU buffer, or
 * flagged as cut or unresolved (docs/rules.md, "Paths"), in the per-CPU
 * scratch area.
 */
#ifndef BULWARK_PATH_BPF_H
#define BULWARK_PATH_BPF_H

#include "maps.bpf.h"

enum walk_state {
	W_PATH = 0,	/* components and mount crossings towards the root */
	W_FIND,		/* looking for the superblock's mount in host_mntns */
	W_UP_FS,	/* up the filesystem's own tree to its root */
	W_DONE,
	W_FAIL,
};

struct walk {
	struct dentry *d;
	struct mount *mnt;
	struct list_head *head;	/* W_FIND: the superblock's s_mounts (old) */
	struct mount *pos;
	struct dentry *sb_root;
	struct mount *host;	/* W_UP_FS: where to go on at sb_root */
	__u32 off;		/* start of the path built so far in buf */
	__u32 state;
	__u32 scratch;		/* SCRATCH_* slot holding buf */
	__u32 nfind;		/* mounts examined in this W_FIND */
	__u32 find_only;	/* W_FIND failing fails the walk (sb_remount) */
};

static __always_inline bool mnt_in_host(struct mount *m)
{
	return BPF_CORE_READ(m, mnt_ns, ns.inum) == host_mntns;
}

/* Prepend "/name" (or "name" when slash is 0) to the path in buf. */
static __always_inline int walk_put(struct walk *w, struct dentry *d, int slash)
{
	const unsigned char *name = BPF_CORE_READ(d, d_name.name);
	__u32 len = BPF_CORE_READ(d, d_name.len), off = w->off, key = w->scratch;
	struct scratch *s;

	if (len == 0 || len > 255 || len + slash > off)
		return -1;	/* too long for PATH_MAX: unresolved */
	s = bpf_map_lookup_elem(&scratch_map, &key);
	if (!s)
		return -1;
	off -= len + slash;
	off &= PW_SIZE - 1;
	if (slash)
		s->buf[off] = '/';
	bpf_probe_read_kernel(&s->buf[(off + slash) & (PW_SIZE - 1)], len & 255, name);
	w->off = off;
	return 0;
}

/*
 * The mounts of a superblock: a list through mnt_instance up to 6.7, a
 * chain through mnt_next_for_sb since.
 */
struct super_block___old {
	struct list_head s_mounts;
} __attribute__((preserve_access_index));

struct mount___old {
	struct list_head mnt_instance;
} __attribute__((preserve_access_index));

static __always_inline struct mount *sb_mount_at(struct walk *w,
						 struct list_head *n)
{
	if (!n || n == w->head)
		return NULL;
	return (struct mount *)((char *)n -
				bpf_core_field_offset(struct mount___old, mnt_instance));
}

static __always_inline struct mount *sb_first_mount(struct walk *w,
						    struct super_block *sb)
{
	struct super_block___old *osb = (void *)sb;

	if (bpf_core_field_exists(struct mount, mnt_next_for_sb))
		return BPF_CORE_READ(sb, s_mounts);
	w->head = (struct list_head *)((char *)sb +
				       bpf_core_field_offset(struct super_block___old, s_mounts));
	return sb_mount_at(w, BPF_CORE_READ(osb, s_mounts.next));
}

static __always_inline struct mount *sb_next_mount(struct walk *w,
						   struct mount *m)
{
	struct mount___old *om = (void *)m;

	if (bpf_core_field_exists(struct mount, mnt_next_for_sb))
		return BPF_CORE_READ(m, mnt_next_for_sb);
	return sb_mount_at(w, BPF_CORE_READ(om, mnt_instance.next));
}

/* The walk in scratch slot key names a user's own namespace's mount. */
static __always_inline void walk_mark_private(__u32 key)
{
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &key);

	if (s)
		s->walk_private = 1;
}

/* Look for a mount of sb in host_mntns that shows it whole. */
static __always_inline void walk_enter_find(struct walk *w,
					    struct super_block *sb)
{
	w->pos = sb_first_mount(w, sb);
	w->sb_root = BPF_CORE_READ(sb, s_root);
	w->nfind = 0;
	w->state = W_FIND;
}

static __always_inline long walk_find(struct walk *w)
{
	struct mount *m = w->pos;

	if (!m || ++w->nfind > PW_SB_MOUNTS) {
		struct mount *own = w->mnt;	/* CO-RE: kernel types only */

		if (w->find_only) {
			w->state = W_FAIL;
			return 1;
		}
		/* shown only outside host_mntns: the path as the mount's own
		 * namespace sees it (host marks the mount as looked up); a
		 * namespace of a user namespace of its own was made without
		 * privilege, its names chosen by whoever made it */
		w->state = W_PATH;
		w->host = own;
		if (BPF_CORE_READ(own, mnt_ns, user_ns, level))
			walk_mark_private(w->scratch);
		return 0;
	}
	if (BPF_CORE_READ(m, mnt.mnt_root) == w->sb_root && mnt_in_host(m)) {
		w->host = m;
		if (w->find_only) {
			w->mnt = m;
			w->d = w->sb_root;
			w->find_only = 0;
			w->state = W_PATH;
		} else {
			w->state = W_UP_FS;
		}
		return 0;
	}
	w->pos = sb_next_mount(w, m);
	return 0;
}

/* One step of the walk towards the root. */
static long walk_step(__u32 i, void *ctx)
{
	struct walk *w = ctx;
	/* locals, so that CO-RE relocations name kernel types only */
	struct mount *mnt = w->mnt;
	struct dentry *d = w->d, *parent;

	if (w->state == W_FIND)
		return walk_find(w);
	if (w->state == W_UP_FS && d == w->sb_root) {
		w->mnt = w->host;	/* its root is sb_root: cross from there */
		w->state = W_PATH;
		return 0;
	}
	if (w->state == W_PATH && d == BPF_CORE_READ(mnt, mnt.mnt_root)) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (host_mntns && !w->host && !mnt_in_host(mnt)) {
			walk_enter_find(w, BPF_CORE_READ(mnt, mnt.mnt_sb));
			return 0;
		}
		w->host = NULL;
		if (up == mnt) {
			w->state = W_DONE;
			return 1;
		}
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		return 0;
	}
	parent = BPF_CORE_READ(d, d_parent);
	if (!parent || parent == d) {
		/* no parent and not a mount's root: a file of no directory,
		 * such as a memfd ("memfd:NAME"): its name is its path */
		if (w->off != PW_SIZE - 1 || walk_put(w, d, 0)) {
			w->state = W_FAIL;
			return 1;
		}
		w->state = W_DONE;
		return 1;
	}
	if (walk_put(w, d, 1)) {
		w->state = W_FAIL;
		return 1;
	}
	w->d = parent;
	return 0;
}

/*
 * Path of (dentry, mount), as seen from the root of the initial mount
 * namespace: a mount made elsewhere (a bind mount in a private namespace,
 * a container's root) is replaced by the mount of the same filesystem in
 * host_mntns when there is one, so that a file keeps one name.  The
 * task's root (chroot) plays no part.  bpf_d_path is not allowed in most
 * hooks used here and follows the task's root, so every path goes
 * through this one walk; bpf_loop keeps the verifier's work independent
 * of the depth.
 *
 * dst receives the first BW_PATH_LEN - 1 bytes; s->ev.pflags[ps] says
 * whether the path was longer (BW_PF_CUT), could not be resolved
 * (BW_PF_UNRESOLVED: longer than PATH_MAX, too deep) or is named as an
 * unprivileged user's mount namespace sees it (BW_PF_PRIVATE).  With
 * find_only, the walk starts at the root of the superblock of d (mnt
 * unused).
 */
/* path_walk's how: the scratch slot, the path slot, find_only */
#define PW_HOW(scratch, ps, find_only) ((scratch) | (ps) << 4 | (find_only) << 8)
_Static_assert(SCRATCH_ALL <= 16, "PW_HOW keeps the scratch slot in 4 bits");

/*
 * A global function, so that the verifier checks it and its bpf_loop()
 * step once per program rather than at each call: the kernel pointers
 * come as numbers (a global function's pointer arguments are memory it
 * may read), dst as a pointer to its whole array.
 */
__noinline int path_walk(struct scratch *s, __u64 dentry, __u64 vfsmount,
			 char (*dst)[BW_PATH_LEN], __u32 how)
{
	__u32 ps = (how >> 4) & 15, find_only = (how >> 8) & 1, len;
	struct dentry *d = (struct dentry *)dentry;
	struct vfsmount *vfs = (struct vfsmount *)vfsmount;
	struct walk w = {
		.d = d,
		.mnt = container_of(vfs, struct mount, mnt),
		.off = PW_SIZE - 1,
		.scratch = how & 15,
		.find_only = find_only,
	};

	if (!s || !dst)
		return -1;
	s->buf[PW_SIZE - 1] = 0;
	s->walk_private = 0;
	if (find_only)
		walk_enter_find(&w, BPF_CORE_READ(d, d_sb));
	bpf_loop(PW_STEPS, walk_step, &w, 0);
	if (ps >= BW_NPS)
		ps = 0;
	if (w.state != W_DONE) {
		s->ev.pflags[ps] = BW_PF_UNRESOLVED;
		(*dst)[0] = 0;
		return -1;
	}
	len = PW_SIZE - 1 - w.off;
	s->ev.pflags[ps] = s->walk_private ? BW_PF_PRIVATE : 0;
	if (len == 0) {
		(*dst)[0] = '/';
		(*dst)[1] = 0;
		return 1;
	}
	if (len > BW_PATH_LEN - 1)
		s->ev.pflags[ps] |= BW_PF_CUT;
	return bpf_probe_read_kernel_str(*dst, BW_PATH_LEN,
					 &s->buf[w.off & (PW_SIZE - 1)]);
}

/*
 * A pointer the verifier types (a hook's argument) as a plain number, for
 * path_walk(): a global function is refused one (6.1: "R3 is not a
 * scalar"), and a value read back from memory is a number to it.
 */
static __always_inline __u64 kptr_num(const void *p)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &p);
	return v;
}

static __always_inline int path_of(struct scratch *s, struct dentry *d,
				   struct vfsmount *vfs, char (*dst)[BW_PATH_LEN],
				   __u32 ps)
{
	return path_walk(s, (__u64)d, (__u64)vfs, dst,
			 PW_HOW(s->key, ps, 0));
}

static __always_inline int path_of_path(struct scratch *s, const struct path *p,
					char (*dst)[BW_PATH_LEN], __u32 ps)
{
	return path_of(s, BPF_CORE_READ(p, dentry), BPF_CORE_READ(p, mnt), dst, ps);
}

#endif
