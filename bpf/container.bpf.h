/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The container a task runs in, from the names of its cgroup v2 cgroup
 * and of up to BW_CTR_LEVELS - 1 ancestors, the task's own first; the
 * first that names a container decides, so the nested cgroups of a
 * container that runs systemd belong to it:
 *
 *   <64 hex>[.*]                      cgroupfs drivers (docker/, kubepods/.../pod<uid>/)
 *   docker-<64 hex>[.*]               docker, systemd driver
 *   libpod-<64 hex>[.*]               podman (libpod-conmon-<id> is not a container)
 *   crio-<64 hex>[.*]                 cri-o
 *   cri-containerd-<64 hex>[.*]       containerd (Kubernetes)
 *   lxc.payload.NAME                  LXC 4 and later, LXD
 *   lxc/NAME                          older LXC: a child of a cgroup named "lxc"
 *   systemd-nspawn@NAME.service       nspawn, as a service (not its supervisor/)
 *   machine-NAME.scope                nspawn and other machined machines, but not
 *                                     libvirt's virtual machines (machine-qemu\x2d...)
 *
 * The short id is the first 12 characters of a hex id, or the first 15
 * bytes of a name (systemd's \xNN escapes decoded).  engine/container.c
 * applies the same rules to /proc/PID/cgroup.  Include after vmlinux.h,
 * the libbpf headers and common.bpf.h.
 */
#ifndef BULWARK_CONTAINER_BPF_H
#define BULWARK_CONTAINER_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "common.bpf.h"

#include "container_ids.h"

#define CTR_MASK	(BW_CTR_NAME_BUF - 1)

/* kernfs_node::parent became __parent (RCU-protected) in Linux 6.15. */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *ctr_kn_parent(struct kernfs_node *kn)
{
	struct kernfs_node___old *old = (void *)kn;

	if (bpf_core_field_exists(struct kernfs_node___old, parent))
		return BPF_CORE_READ(old, parent);
	return BPF_CORE_READ(kn, __parent);
}

/* What names the container, found by the walk. */
enum ctr_kind {
	CTR_NONE = 0,
	CTR_HEX,	/* 64 hex characters at name[start] */
	CTR_NAME,	/* name[start...] */
	CTR_UNIT,	/* name[start, end), systemd-escaped */
	CTR_CHILD,	/* the child's name: prev */
};
/*
 * In kind beside it: the cgroup that names the container belongs to a
 * user other than root, who made it in a subtree delegated to them (every
 * systemd user manager's user@UID.service): a name that user chose.
 */
#define CTR_PRIVATE	0x100

/* ctr_walk.prev_flags */
#define CTR_PREV_SUPERVISOR	1	/* the child is named "supervisor" */
#define CTR_PREV_USER		2	/* the child belongs to a user */

/*
 * State of the walk from the task's cgroup towards the root.  Scalars
 * only: global functions take pointers to nothing else.
 */
struct ctr_walk {
	__u64 kn;		/* struct kernfs_node * of the next level */
	__u32 kind;		/* enum ctr_kind, | CTR_PRIVATE */
	__u32 start, end;
	__u32 prev_len;		/* length of the child's name; 0: unusable */
	__u32 prev_flags;	/* CTR_PREV_* of the child */
	__u32 pos;		/* ctr_unescape_byte(): the next byte of name */
	char name[BW_CTR_NAME_BUF];	/* this level's name, zero-padded */
	char prev[BW_CTR_ID_LEN];	/* first bytes of the child's name */
	char out[BW_CTR_ID_LEN];
};

/*
 * Value + 1 of each hex digit, 0 for other bytes: a table, because every
 * comparison is a branch in BPF and the verifier follows each branch of
 * every byte.
 */
static const __u8 ctr_hexv[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

static __always_inline int ctr_hexval(char c)
{
	return (int)ctr_hexv[(__u8)c] - 1;
}

/* The first n (at most 8) bytes of lit as a word, as a load would read them. */
static __always_inline __u64 ctr_lit(const char *lit, int n)
{
	__u64 v = 0;

	/* unrolled, the literal's bytes become one immediate */
#pragma clang loop unroll(full)
	for (int i = 0; i < n; i++)
		v |= (__u64)(__u8)lit[i] << (8 * i);
	return v;
}

static __always_inline __u64 ctr_mask(int n)
{
	return n >= 8 ? ~0ULL : (1ULL << (8 * n)) - 1;
}

/*
 * The 8-aligned name starts with the n (at most 16) bytes of lit; n
 * counts the NUL to compare it.  Word compares: byte by byte, clang
 * keeps the bytes of every prefix in registers and spills them, and the
 * stack of the hooks' call chain is 512 bytes.
 */
static __always_inline bool ctr_prefix(const char *name, const char *lit, int n)
{
	__u64 w0, w1;

	__builtin_memcpy(&w0, name, 8);
	if ((w0 & ctr_mask(n)) != ctr_lit(lit, n < 8 ? n : 8))
		return false;
	if (n <= 8)
		return true;
	__builtin_memcpy(&w1, name + 8, 8);
	return (w1 & ctr_mask(n - 8)) == ctr_lit(lit + 8, n - 8);
}

/* the len-byte name ends with the n bytes of lit */
static __always_inline bool ctr_suffix(const char *name, __u32 len,
				       const char *lit, int n)
{
	char diff = 0;

	if (len < (__u32)n)
		return false;
#pragma clang loop unroll(full)
	for (int i = 0; i < n; i++)
		diff |= name[(len - n + i) & CTR_MASK] ^ lit[i];
	return !diff;
}

/*
 * 64 hex characters at w->name[off], ending the name or followed by '.'.
 * A global function: inline, the verifier walked its 64 bytes once for
 * each runtime's prefix length.
 */
__noinline int ctr_hex64_at(struct ctr_walk *w, __u32 off)
{
	int bad = 0;
	char end;

	if (!w)
		return 0;
	for (int i = 0; i < BW_CTR_HEX_LEN; i++)
		bad |= ctr_hexval(w->name[(off + i) & CTR_MASK]);	/* -1: not hex */
	end = w->name[(off + BW_CTR_HEX_LEN) & CTR_MASK];
	return bad >= 0 && (end == 0 || end == '.');
}

/* Does this level's name (len bytes) name a container?  Sets kind. */
static __always_inline bool ctr_match(struct ctr_walk *w, __u32 len, __u32 level)
{
	const char *name = w->name;
	__u32 off = 0;

	if (level && w->prev_len && ctr_prefix(name, "lxc", 4)) {
		w->kind = CTR_CHILD;
		return true;
	}
	/* a runtime's prefix, or none: where the 64 hex characters start */
	if (ctr_prefix(name, "docker-", 7) || ctr_prefix(name, "libpod-", 7))
		off = 7;
	else if (ctr_prefix(name, "crio-", 5))
		off = 5;
	else if (ctr_prefix(name, "cri-containerd-", 15))
		off = 15;
	if (ctr_hex64_at(w, off)) {
		w->kind = CTR_HEX;
		w->start = off;
		return true;
	}
	if (ctr_prefix(name, "lxc.payload.", 12) && len > 12) {
		w->kind = CTR_NAME;
		w->start = 12;
		return true;
	}
	if (w->prev_flags & CTR_PREV_SUPERVISOR)
		return false;	/* nspawn's own process, outside the container */
	if (ctr_prefix(name, "systemd-nspawn@", 15) &&
	    ctr_suffix(name, len, ".service", 8) && len > 15 + 8) {
		w->kind = CTR_UNIT;
		w->start = 15;
		w->end = len - 8;
		return true;
	}
	/* libvirt's virtual machines are machines too: machine-qemu\x2d... */
	if (ctr_prefix(name, "machine-", 8) && ctr_suffix(name, len, ".scope", 6) &&
	    len > 8 + 6 && !ctr_prefix(name + 8, "qemu\\x2d", 8)) {
		w->kind = CTR_UNIT;
		w->start = 8;
		w->end = len - 6;
		return true;
	}
	return false;
}

/*
 * One level of the walk; 1 when it ends there.  A global function, so
 * that the verifier checks it once rather than once per level.
 */
__noinline int ctr_level(struct ctr_walk *w, __u32 level)
{
	struct kernfs_node *kn, *up;
	__u32 user;
	long len;

	if (!w || !w->kn)
		return 1;
	kn = (struct kernfs_node *)w->kn;
	up = ctr_kn_parent(kn);
	if (!up)
		return 1;	/* the root names nothing */
	w->kn = (__u64)up;
	/* bytes after the NUL are read too (name[64] ends a hex id) */
	__builtin_memset(w->name, 0, sizeof(w->name));
	len = bpf_probe_read_kernel_str(w->name, sizeof(w->name),
					BPF_CORE_READ(kn, name));
	/* the owner: root's cgroups have no attributes of their own (0) */
	user = BPF_CORE_READ(kn, iattr, ia_uid.val) ? CTR_PREV_USER : 0;
	if (len < 2 || len > BW_CTR_NAME_MAX + 1) {
		w->prev_len = 0;
		w->prev_flags = user;
		return 0;
	}
	if (ctr_match(w, len - 1, level)) {
		/* the cgroup whose name is the id: this one, or the child */
		if (w->kind == CTR_CHILD ? (w->prev_flags & CTR_PREV_USER) : user)
			w->kind |= CTR_PRIVATE;
		return 1;
	}
	for (int i = 0; i < BW_CTR_SHORT_NAME; i++)
		w->prev[i] = w->name[i];
	w->prev_len = len - 1;
	w->prev_flags = user;
	if (ctr_prefix(w->name, "supervisor", 11))
		w->prev_flags |= CTR_PREV_SUPERVISOR;
	return 0;
}

/*
 * Byte i of out from name[pos...], a \xNN escape decoded (not \x00); 1
 * when name[start, end) is over.  A global function, called per byte: in
 * one loop the positions a decoded escape skips gave the verifier every
 * combination of them to follow (21,000 instructions of each program).
 */
__noinline int ctr_unescape_byte(struct ctr_walk *w, __u32 i)
{
	__u32 p;
	int hi, lo;
	char c;

	if (!w || w->pos >= w->end)
		return 1;
	p = w->pos;
	c = w->name[p & CTR_MASK];
	if (c == '\\' && p + 3 < w->end && w->name[(p + 1) & CTR_MASK] == 'x') {
		hi = ctr_hexval(w->name[(p + 2) & CTR_MASK]);
		lo = ctr_hexval(w->name[(p + 3) & CTR_MASK]);
		if (hi >= 0 && lo >= 0 && (hi | lo)) {
			c = hi * 16 + lo;
			p += 3;
		}
	}
	w->out[i & (BW_CTR_ID_LEN - 1)] = c;
	w->pos = p + 1;
	return 0;
}

/* name[start, end) into out, systemd's \xNN escapes decoded (not \x00). */
static __always_inline int ctr_unescape(struct ctr_walk *w)
{
	int i;

	w->pos = w->start;
	for (i = 0; i < BW_CTR_SHORT_NAME; i++)
		if (ctr_unescape_byte(w, i))
			break;
	return i;
}

/*
 * Short id of the container of the cgroup whose kernfs node is kn into
 * dst (BW_CTR_ID_LEN bytes, NUL-padded, "" when none); returns 1 when
 * there is one, 2 when its cgroup belongs to a user (CTR_PRIVATE).  The
 * walk finds the name; the id is copied out once.
 */
static __noinline int container_of_kn(struct kernfs_node *kn, char *dst)
{
	struct ctr_walk w = { .kn = (__u64)kn };
	int n;

	for (int level = 0; level < BW_CTR_LEVELS; level++)
		if (ctr_level(&w, level))
			break;
	switch (w.kind & ~CTR_PRIVATE) {
	case CTR_HEX:
		for (int i = 0; i < BW_CTR_SHORT_HEX; i++)
			w.out[i] = w.name[(w.start + i) & CTR_MASK];
		break;
	case CTR_NAME:
		for (int i = 0; i < BW_CTR_SHORT_NAME; i++)
			w.out[i] = w.name[(w.start + i) & CTR_MASK];
		break;
	case CTR_UNIT:
		n = ctr_unescape(&w);
		/* keep the result: clang drops r0 of an unused one, and the
		 * 6.1 verifier then refuses the leftover stack pointer */
		barrier_var(n);
		break;
	case CTR_CHILD:
		for (int i = 0; i < BW_CTR_SHORT_NAME; i++)
			w.out[i] = w.prev[i];
		break;
	}
	for (int i = 0; i < BW_CTR_ID_LEN; i++)
		dst[i] = w.out[i];
	if (w.kind == CTR_NONE)
		return 0;
	return w.kind & CTR_PRIVATE ? 2 : 1;
}

static __always_inline int container_of_task(struct task_struct *t, char *dst)
{
	return container_of_kn(BPF_CORE_READ(t, cgroups, dfl_cgrp, kn), dst);
}

static __always_inline int container_of_cgroup(struct cgroup *cg, char *dst)
{
	return container_of_kn(BPF_CORE_READ(cg, kn), dst);
}

/* Two short ids (BW_CTR_ID_LEN bytes each) are equal. */
static __always_inline bool container_id_eq(const char *a, const volatile char *b)
{
	return bw_strn_eq(a, b, BW_CTR_ID_LEN);
}

#endif
