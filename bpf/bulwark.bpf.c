// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark's kernel side: LSM hooks that decide with map lookups only, and
 * tracepoint programs that keep the process table and, where LSM programs
 * cannot load, report what the policy would have decided.
 *
 * Rules are classified with bit vectors: every match dimension maps a
 * value to the bitmap of rules accepting it (or to the dimension's default
 * bitmap when no rule names the value).  ANDing one bitmap per dimension
 * and taking the lowest set bit gives the first matching rule, at a cost
 * that does not depend on the number of rules.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "events.h"
#include "common.bpf.h"
#include "container.bpf.h"
#include "ident.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define EPERM		1
#define MS_REMOUNT	32
#define MS_BIND		4096
#define MS_MOVE		8192
#define SHM_RDONLY	010000
#define SI_USER		0
#define SI_QUEUE	-1
#define SI_TKILL	-6

/* Generation of the live policy; 0 = none.  Written by the engine with a
 * single aligned 64-bit store, which is what makes a policy switch atomic. */
volatile __u64 active_gen;
/* tgid of the engine, so its own activity is never decided on. */
const volatile __u32 engine_tgid;
/* LSM programs are live: syscall denies in guarded calls are theirs. */
const volatile __u32 lsm_enforcing;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, BW_NUM_ENTRIES);
	__type(key, struct bw_num_key);
	__type(value, struct bw_bitmap);
} num_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, BW_STR_ENTRIES);
	__type(key, struct bw_str_key);
	__type(value, struct bw_bitmap);
} str_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, BW_PATH_ENTRIES);
	__type(key, struct bw_path_key);
	__type(value, struct bw_bitmap);
} path_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BW_DEF_ENTRIES);
	__type(key, __u32);
	__type(value, struct bw_bitmap);
} def_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BW_RULE_ENTRIES);
	__type(key, __u32);
	__type(value, struct bw_rule_info);
} rule_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BW_SLOTS * BW_NCLASS);
	__type(key, __u32);
	__type(value, struct bw_class_meta);
} meta_map SEC(".maps");

/* Per (slot, arch, number): BW_SC_RULES and BW_SC_GUARD bits. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BW_SC_ENTRIES);
	__type(key, __u32);
	__type(value, __u32);
} sc_map SEC(".maps");

/* Executable of every process, by tgid (struct bw_proc, events.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct bw_proc);
} proc_map SEC(".maps");

/* Container of each cgroup (ids are never reused), by cgroup id. */
struct ctr_slot {
	char id[BW_CONTAINER_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct ctr_slot);
} ctr_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

/* Records that could not be written to the ring buffer, per class. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BW_LOST_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} lost_map SEC(".maps");

#define PW_SIZE		4096	/* PATH_MAX: the longest path resolved */
#define PW_STEPS	8192	/* components, mount crossings, mount lookups */
#define PW_SB_MOUNTS	256	/* mounts of a superblock examined */

/* Scratch slots: the second is for hooks that may run in interrupt
 * context on top of another program (file_send_sigiotask). */
#define SCRATCH_TASK	0
#define SCRATCH_IRQ	1

/* Subject values already read for this decision (scratch.have). */
#define HAVE_COMM	1
#define HAVE_EXE	2
#define HAVE_PCOMM	4
#define HAVE_CONTAINER	8
#define HAVE_PATH	16	/* exec: the file's path (lazy_file) */

struct scratch {
	struct bw_bitmap acc;
	struct bw_event ev;
	struct bw_path_key pkey;
	struct bw_str_key skey;
	struct bw_proc proc;
	struct file *lazy_file;	/* exec: resolved only if a rule or record needs it */
	__u32 have;		/* HAVE_* */
	__u32 nw;		/* bitmap words in use: (rules of the class + 63) / 64 */
	__u32 key;		/* this scratch's slot (SCRATCH_*) */
	char buf[PW_SIZE + 256];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

/* Inode number of the initial mount namespace (of PID 1), set by the
 * engine; paths are resolved as seen from there.  0: as the mount seen. */
const volatile __u32 host_mntns;

/* ---- paths ---- */

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
		if (w->find_only) {
			w->state = W_FAIL;
			return 1;
		}
		/* shown only outside host_mntns: the path as the mount's own
		 * namespace sees it (host marks the mount as looked up) */
		w->state = W_PATH;
		w->host = w->mnt;
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
 * whether the path was longer (BW_PF_CUT) or could not be resolved
 * (BW_PF_UNRESOLVED: longer than PATH_MAX, too deep).  With find_only,
 * the walk starts at the root of the superblock of d (mnt unused).
 */
/* path_walk's how: the scratch slot, the path slot, find_only */
#define PW_HOW(scratch, ps, find_only) ((scratch) | (ps) << 4 | (find_only) << 8)

static __noinline int path_walk(struct scratch *s, struct dentry *d,
				struct vfsmount *vfs, char *dst, __u32 how)
{
	__u32 ps = (how >> 4) & 15, find_only = (how >> 8) & 1, len;
	struct walk w = {
		.d = d,
		.mnt = container_of(vfs, struct mount, mnt),
		.off = PW_SIZE - 1,
		.scratch = how & 1,
		.find_only = find_only,
	};

	s->buf[PW_SIZE - 1] = 0;
	if (find_only)
		walk_enter_find(&w, BPF_CORE_READ(d, d_sb));
	bpf_loop(PW_STEPS, walk_step, &w, 0);
	if (ps >= BW_NPS)
		ps = 0;
	if (w.state != W_DONE) {
		s->ev.pflags[ps] = BW_PF_UNRESOLVED;
		dst[0] = 0;
		return -1;
	}
	len = PW_SIZE - 1 - w.off;
	if (len == 0) {
		dst[0] = '/';
		dst[1] = 0;
		s->ev.pflags[ps] = 0;
		return 1;
	}
	s->ev.pflags[ps] = len > BW_PATH_LEN - 1 ? BW_PF_CUT : 0;
	return bpf_probe_read_kernel_str(dst, BW_PATH_LEN,
					 &s->buf[w.off & (PW_SIZE - 1)]);
}

static __always_inline int path_of(struct scratch *s, struct dentry *d,
				   struct vfsmount *vfs, char *dst, __u32 ps)
{
	return path_walk(s, d, vfs, dst, PW_HOW(SCRATCH_TASK, ps, 0));
}

static __always_inline int path_of_path(struct scratch *s,
					const struct path *p, char *dst, __u32 ps)
{
	return path_of(s, BPF_CORE_READ(p, dentry), BPF_CORE_READ(p, mnt), dst, ps);
}

/* ---- subject ---- */

/*
 * The subject's executable: mm->exe_file, resolved exactly.  The path is
 * kept per process with the file it came from (set at exec, inherited at
 * fork), and resolved again when exe_file is another file (a process
 * older than the engine, PR_SET_MM_EXE_FILE).
 */
/*
 * Resolve file f, the executable of task t, into the process table entry
 * of t (s->proc, then proc_map): its path, the file and t's exec id.
 */
static __noinline int proc_resolve(struct scratch *s, struct task_struct *t,
				   struct file *f)
{
	__u32 tgid = BPF_CORE_READ(t, tgid);

	path_walk(s, BPF_CORE_READ(f, f_path.dentry), BPF_CORE_READ(f, f_path.mnt),
		  s->proc.exe, PW_HOW(s->key, BW_PS_EXE, 0));
	s->proc.file = (__u64)f;
	s->proc.start = BPF_CORE_READ(t, group_leader, start_time);
	s->proc.exec_seq = BPF_CORE_READ(t, self_exec_id);
	s->proc.pflags = s->ev.pflags[BW_PS_EXE];
	return bpf_map_update_elem(&proc_map, &tgid, &s->proc, BPF_ANY);
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
	if (proc && proc->file == (__u64)f) {
		bpf_probe_read_kernel_str(sj->exe, sizeof(sj->exe), proc->exe);
		s->ev.pflags[BW_PS_EXE] = proc->pflags;
		return 0;
	}
	err = proc_resolve(s, t, f);
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
static __always_inline void subj_comm(struct scratch *s)
{
	if (s->have & HAVE_COMM)
		return;
	s->have |= HAVE_COMM;
	bpf_get_current_comm(s->ev.subj.id.comm, sizeof(s->ev.subj.id.comm));
}

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
	return path_walk(s, BPF_CORE_READ(f, f_path.dentry),
			 BPF_CORE_READ(f, f_path.mnt), s->ev.exec.path,
			 PW_HOW(s->key, BW_PS_PATH, 0));
}

/* Everything a record says about its subject, once it will be written. */
static __always_inline int fill_record_subject(struct scratch *s)
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
	if (s->ev.cls == BW_CLASS_EXEC) {
		n = exec_path(s);
		barrier_var(n);
	}
	return 0;
}

/* ---- classification ---- */

/*
 * acc &= m over the first nw words (the class's rules; the rest are 0);
 * 1 when a rule is left in acc, 0 when none is.
 */
static __noinline int bm_and(struct bw_bitmap *acc, struct bw_bitmap *m,
			     __u32 nw)
{
	__u64 any = 0;

	for (int i = 0; i < BW_BITMAP_WORDS; i++) {
		if (i >= nw)
			break;
		acc->w[i] &= m->w[i];
		any |= acc->w[i];
	}
	return any != 0;
}

static __always_inline struct bw_bitmap *def_bitmap(__u32 slot, __u32 cls,
						    __u32 dim)
{
	__u32 k = bw_def_index(slot, cls, dim);

	return bpf_map_lookup_elem(&def_map, &k);
}

/* May the dimension's value map hold a value of filter bit h? */
static __always_inline bool maybe_named(__u32 slot, __u32 cls, __u32 dim,
					__u32 h)
{
	struct bw_bitmap *f = def_bitmap(slot, cls, BW_DEF_FILTER(dim));

	return !f || (f->w[(h >> 6) & (BW_BITMAP_WORDS - 1)] & (1ULL << (h & 63)));
}

static __noinline int and_num(struct scratch *s, __u32 slot, __u32 cls,
			      __u32 dim, __u64 val)
{
	struct bw_num_key k = { .slot = slot, .cls = cls, .dim = dim, .val = val };
	struct bw_bitmap *m = NULL;

	if (maybe_named(slot, cls, dim, bw_filter_num(val)))
		m = bpf_map_lookup_elem(&num_map, &k);
	if (!m)
		m = def_bitmap(slot, cls, dim);
	if (!m)
		return -1;
	return bm_and(&s->acc, m, s->nw);
}

static __noinline int and_str(struct scratch *s, __u32 slot, __u32 cls,
			      __u32 dim, const char *str)
{
	struct bw_str_key *k = &s->skey;
	struct bw_bitmap *m;

	k->slot = slot;
	k->cls = cls;
	k->dim = dim;
	k->pad = 0;
	__builtin_memset(k->s, 0, sizeof(k->s));
	bpf_probe_read_kernel_str(k->s, sizeof(k->s), str);
	m = NULL;
	if (maybe_named(slot, cls, dim, bw_filter_str((const __u32 *)k->s)))
		m = bpf_map_lookup_elem(&str_map, k);
	if (!m)
		m = def_bitmap(slot, cls, dim);
	if (!m)
		return -1;
	return bm_and(&s->acc, m, s->nw);
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
		return bm_and(&s->acc, m, s->nw);
	}

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
	return bm_and(&s->acc, m, s->nw);
}

/* The deepest cgroup ancestor that some rule names decides the dimension. */
static __noinline int and_cgroup(struct scratch *s, __u32 slot, __u32 cls)
{
	struct bw_num_key k = { .slot = slot, .cls = cls, .dim = BW_DIM_CGROUP };
	struct bw_bitmap *m = NULL, *hit;

	for (int level = 0; level < BW_CGROUP_LEVELS; level++) {
		k.val = bpf_get_current_ancestor_cgroup_id(level);
		if (!k.val)
			break;
		hit = bpf_map_lookup_elem(&num_map, &k);
		if (hit)
			m = hit;
	}
	if (!m)
		m = def_bitmap(slot, cls, BW_DIM_CGROUP);
	if (!m)
		return -1;
	return bm_and(&s->acc, m, s->nw);
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
 * AND into s->acc one bitmap per dimension some rule of the class
 * constrains: first the event's own values, in hand, then the subject's
 * from the cheapest to read to the dearest, each read only when needed.
 * 1 when some rule is left, 0 as soon as none is, -1 on a map error.
 */
static __always_inline int classify(struct scratch *s, __u32 slot, __u32 cls,
				    __u32 mask)
{
	struct bw_event *e = &s->ev;
	struct bw_subject *sj = &e->subj;
	__u64 ug;
	int r;

	switch (cls) {
	case BW_CLASS_CAPABLE:
		AND(num, BW_DIM_CAP, e->cap.cap);
		break;
	case BW_CLASS_IPC:
		AND(num, BW_DIM_IPC_KIND, e->ipc.kind);
		AND(num, BW_DIM_IPC_ACCESS, e->ipc.access);
		AND(num, BW_DIM_IPC_OWNER, e->ipc.uid);
		break;
	case BW_CLASS_MOUNT:
		AND(num, BW_DIM_MNT_OP, e->mnt.op);
		AND(str, BW_DIM_MNT_FSTYPE, e->mnt.fstype);
		AND(path, BW_DIM_MNT_SOURCE, e->mnt.source);
		AND(path, BW_DIM_MNT_TARGET, e->mnt.target);
		break;
	case BW_CLASS_SIGNAL:
		AND(num, BW_DIM_SIG, e->sig.sig);
		AND(num, BW_DIM_SIG_TUID, e->sig.target_uid);
		AND(num, BW_DIM_SIG_SAMEUSER, e->sig.same_user);
		AND(str, BW_DIM_SIG_TCOMM, e->sig.target_comm);
		break;
	case BW_CLASS_SYSCALL:
		AND(num, BW_DIM_SYSCALL, e->sc.id);
		break;
	}
	if (HAS(mask, BW_DIM_UID) || HAS(mask, BW_DIM_GID)) {
		ug = bpf_get_current_uid_gid();
		AND(num, BW_DIM_UID, (__u32)ug);
		AND(num, BW_DIM_GID, ug >> 32);
	}
	if (HAS(mask, BW_DIM_COMM)) {
		subj_comm(s);
		AND(str, BW_DIM_COMM, sj->id.comm);
	}
	if (cls == BW_CLASS_EXEC && HAS(mask, BW_DIM_EXEC_PATH)) {
		r = exec_path(s);
		barrier_var(r);
		AND(path, BW_DIM_EXEC_PATH, e->exec.path);
	}
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
		AND(str, BW_DIM_CONTAINER, sj->container);
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

/* Index of the lowest set bit, or BW_NO_RULE. */
static __noinline __u32 lowest_bit(struct bw_bitmap *b, __u32 nw)
{
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
 * of them in the ring. */
static __always_inline __u64 event_size(__u32 cls)
{
	switch (cls) {
	case BW_CLASS_CAPABLE:
		return BW_EVENT_SIZE(cap);
	case BW_CLASS_IPC:
		return BW_EVENT_SIZE(ipc);
	case BW_CLASS_SIGNAL:
		return BW_EVENT_SIZE(sig);
	case BW_CLASS_EXEC:
		return BW_EVENT_SIZE(exec);
	case BW_CLASS_SYSCALL:
		return BW_EVENT_SIZE(sc);
	default:
		return sizeof(struct bw_event);
	}
}

static __always_inline void emit(struct scratch *s)
{
	__u32 cls = s->ev.cls;
	__u64 *lost;

	if (bpf_ringbuf_output(&events, &s->ev, event_size(cls), 0) == 0)
		return;
	lost = bpf_map_lookup_elem(&lost_map, &cls);
	if (lost)
		(*lost)++;
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
static __noinline int decide(struct scratch *s, __u32 slot, __u32 cls,
			     __u32 how)
{
	__u32 enforced = how & DEC_LSM, method = BW_METH_NONE;
	__s32 err_no = 0;
	struct bw_class_meta *meta;
	struct bw_rule_info *ri;
	struct bw_bitmap *all;
	__u32 mk = bw_meta_index(slot, cls), first, rule;
	struct bw_event *e = &s->ev;
	int ret = 0;

	meta = bpf_map_lookup_elem(&meta_map, &mk);
	all = def_bitmap(slot, cls, BW_DEF_ALL);
	if (!meta || !all)
		return 0;
	/* words of the bitmaps that hold the class's rules */
	s->nw = (meta->nrules + 63) / 64;
	if (s->nw > BW_BITMAP_WORDS)
		s->nw = BW_BITMAP_WORDS;
	for (int i = 0; i < BW_BITMAP_WORDS; i++) {
		if (i >= s->nw)
			break;
		s->acc.w[i] = all->w[i];
	}
	if (classify(s, slot, cls & 7, meta->dim_mask) <= 0)
		return 0;
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
		first = bm_and(&s->acc, dec, s->nw);
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
		__u32 live = meta->mode == BW_MODE_ENFORCE;

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
		int n = fill_record_subject(s);

		barrier_var(n);
		n = fill_ancestry(s);
		barrier_var(n);
		emit(s);
	}
	return ret;
}

/*
 * Common entry: is there a live policy with rules for this class, and
 * is the caller someone we decide on?  Returns the scratch area with the
 * record's header set (the subject is read later, as classify() needs
 * it), or NULL to let the operation through untouched.
 */
static __always_inline struct scratch *begin_on(__u32 cls, __u32 *slot,
						__u64 cap, __u32 scratch_key)
{
	struct bw_class_meta *meta;
	struct scratch *s;
	__u64 gen = active_gen;
	__u32 mk;

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
	s = bpf_map_lookup_elem(&scratch_map, &scratch_key);
	if (!s)
		return NULL;
	/* The header only: the subject is read as it is needed, the record
	 * filled when one is written, and each hook sets its event's part. */
	__builtin_memset(&s->ev, 0, offsetof(struct bw_event, subj));
	s->ev.generation = gen;
	s->ev.cls = cls;
	s->have = 0;
	s->key = scratch_key;
	s->lazy_file = NULL;
	return s;
}

static __always_inline struct scratch *begin(__u32 cls, __u32 *slot, __u64 cap)
{
	return begin_on(cls, slot, cap, SCRATCH_TASK);
}

/* ---- syscalls ---- */

#define PF_KTHREAD 0x00200000
#define IA32_SOCKETCALL 102
#define IA32_SOCKET 359

/* sc_map bits of a call in the live slot, with the class header. */
static __always_inline __u32 sc_bits(__u64 id, __u32 slot)
{
	__u32 k = bw_sc_index(slot, (__u32)(id >> 32), (__u32)id);
	__u32 *v = bpf_map_lookup_elem(&sc_map, &k);

	return v ? *v : 0;
}

static __always_inline struct bw_class_meta *sc_meta(__u32 *slot)
{
	__u64 gen = active_gen;
	__u32 mk;

	if (!gen)
		return NULL;
	*slot = gen & 1;
	mk = bw_meta_index(*slot, BW_CLASS_SYSCALL);
	return bpf_map_lookup_elem(&meta_map, &mk);
}

/*
 * In an LSM hook that runs on every call of the syscalls it guards: decide
 * the syscall rules for the call being made, with the rule's errno.
 */
static __noinline int sc_guard(__u32 guard)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);
	struct bw_class_meta *meta;
	struct scratch *s;
	__u32 slot, bits;
	__u64 id;

	meta = sc_meta(&slot);
	if (!meta || !meta->nrules || (BPF_CORE_READ(t, flags) & PF_KTHREAD))
		return 0;
	id = bw_syscall_id(t, BPF_CORE_READ(regs, orig_ax));
	/* 32-bit socketcall(SYS_SOCKET...) creates sockets too: the rules
	 * naming ia32 socket decide it */
	if (guard == BW_GUARD_SOCKET && id == (((__u64)1 << 32) | IA32_SOCKETCALL))
		id = ((__u64)1 << 32) | IA32_SOCKET;
	bits = sc_bits(id, slot);
	if (!(bits & BW_SC_GUARD(guard & 7)) ||
	    (!(bits & BW_SC_RULES) && !(meta->fast_mask & 1)))
		return 0;
	s = begin(BW_CLASS_SYSCALL, &slot, 0);
	if (!s)
		return 0;
	s->ev.sc.id = id;
	return decide(s, slot, BW_CLASS_SYSCALL, DEC_LSM | DEC_GUARD);
}

/* Every syscall, when syscall rules exist: audit, and kill where no LSM
 * hook guards the call (a kill here contains, it does not prevent). */
SEC("raw_tp/sys_enter")
int BPF_PROG(bw_sys_enter, struct pt_regs *regs, long nr)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct bw_class_meta *meta;
	struct scratch *s;
	__u32 slot, bits, how = 0;
	__u64 id;

	meta = sc_meta(&slot);
	if (!meta || !meta->nrules)
		return 0;
	id = bw_syscall_id(t, nr);
	bits = sc_bits(id, slot);
	if (!(bits & BW_SC_RULES) && !(meta->fast_mask & 1))
		return 0;
	if (lsm_enforcing && (bits & ~BW_SC_RULES))
		how = DEC_GUARDED;
	s = begin(BW_CLASS_SYSCALL, &slot, 0);
	if (!s)
		return 0;
	s->ev.sc.id = id;
	decide(s, slot, BW_CLASS_SYSCALL, how);
	return 0;
}

/* ---- LSM hooks ---- */

#define CAP_SYS_ADMIN		21
#define NR_MOUNT_SETATTR	442	/* the same on x86_64, i386 and x32 */
#define NR_MOUNT_64		165
#define NR_MOUNT_32		21

/* Number of the syscall current is in, without its x32 bit; arch in *arch. */
static __always_inline __u32 current_syscall(__u32 *arch)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);
	__u64 id = bw_syscall_id(t, BPF_CORE_READ(regs, orig_ax));

	*arch = id >> 32;
	return (__u32)id & ~BW_X32_BIT;
}

/*
 * mount_setattr(2) changes a mount's flags (read-only among them) with no
 * LSM hook of its own; its first check is may_mount(), CAP_SYS_ADMIN over
 * the caller's mount namespace, which runs here.  Decided as a remount
 * whose target is unknown (it is resolved after this check).
 */
static __always_inline int mount_setattr_decide(void)
{
	struct scratch *s;
	__u32 slot;

	s = begin(BW_CLASS_MOUNT, &slot, 0);
	if (!s)
		return 0;
	__builtin_memset(&s->ev.mnt, 0, sizeof(s->ev.mnt));
	s->ev.mnt.op = BW_MNT_REMOUNT;
	s->ev.mnt.via = BW_MVIA_MOUNT_SETATTR;
	s->ev.pflags[BW_PS_PATH] = BW_PF_UNRESOLVED;
	return decide(s, slot, BW_CLASS_MOUNT, DEC_LSM);
}

SEC("lsm/capable")
int BPF_PROG(bw_capable, const struct cred *cred, struct user_namespace *ns,
	     int cap, unsigned int opts, int ret)
{
	struct scratch *s;
	__u32 slot, arch;

	if (ret)
		return ret;
	if (cap == CAP_SYS_ADMIN && current_syscall(&arch) == NR_MOUNT_SETATTR) {
		ret = mount_setattr_decide();
		if (ret)
			return ret;
	}
	s = begin(BW_CLASS_CAPABLE, &slot, (__u64)(__u32)cap);
	if (!s)
		return 0;
	s->ev.cap.cap = cap;
	s->ev.cap.opts = opts;	/* the whole of bw_ev_capable */
	/* CAP_OPT_NOAUDIT (1 << 1): enforced, but not logged as a denial. */
	if (opts & 2)
		s->ev.flags |= BW_F_NOAUDIT;
	return decide(s, slot, BW_CLASS_CAPABLE, DEC_LSM);
}

/* The kind of IPC object is not in kern_ipc_perm; the syscall tells. */
static __always_inline __u32 ipc_kind_of_syscall(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);
	long nr = BPF_CORE_READ(regs, orig_ax);

	switch (nr) {
	case 29: case 30: case 31: case 67:	/* shmget shmat shmctl shmdt */
		return BW_IPC_SHM;
	case 68: case 69: case 70: case 71:	/* msgget msgsnd msgrcv msgctl */
		return BW_IPC_MSG;
	case 64: case 65: case 66: case 220:	/* semget semop semctl semtimedop */
		return BW_IPC_SEM;
	}
	return BW_IPC_UNKNOWN;
}

SEC("lsm/ipc_permission")
int BPF_PROG(bw_ipc_permission, struct kern_ipc_perm *ipcp, short flag, int ret)
{
	struct bw_ev_ipc *ev;
	struct scratch *s;
	__u32 slot;

	if (ret)
		return ret;
	s = begin(BW_CLASS_IPC, &slot, 0);
	if (!s)
		return 0;
	ev = &s->ev.ipc;
	ev->pad = 0;
	ev->kind = ipc_kind_of_syscall();
	ev->access = ((flag & 0444) ? BW_IPC_READ : 0) |
		     ((flag & 0222) ? BW_IPC_WRITE : 0);
	ev->uid = BPF_CORE_READ(ipcp, uid.val);
	ev->gid = BPF_CORE_READ(ipcp, gid.val);
	ev->cuid = BPF_CORE_READ(ipcp, cuid.val);
	ev->cgid = BPF_CORE_READ(ipcp, cgid.val);
	ev->key = BPF_CORE_READ(ipcp, key);
	ev->id = BPF_CORE_READ(ipcp, id);
	ev->mode = BPF_CORE_READ(ipcp, mode);
	return decide(s, slot, BW_CLASS_IPC, DEC_LSM);
}

/* Mount rules first; if they let the call through, syscall rules. */
static __always_inline int mount_decide(struct scratch *s, __u32 slot)
{
	int ret = decide(s, slot, BW_CLASS_MOUNT, DEC_LSM);

	return ret ? ret : sc_guard(BW_GUARD_MOUNT);
}

static __always_inline __u32 mount_op(__u64 flags)
{
	if (flags & MS_REMOUNT)
		return BW_MNT_REMOUNT;
	if (flags & MS_BIND)
		return BW_MNT_BIND;
	if (flags & MS_MOVE)
		return BW_MNT_MOVE;
	return BW_MNT_MOUNT;
}

SEC("lsm/sb_mount")
int BPF_PROG(bw_sb_mount, const char *dev_name, const struct path *path,
	     const char *type, unsigned long flags, void *data, int ret)
{
	struct bw_ev_mount *ev;
	struct scratch *s;
	__u32 slot;

	if (ret)
		return ret;
	s = begin(BW_CLASS_MOUNT, &slot, 0);
	if (!s)
		return sc_guard(BW_GUARD_MOUNT);
	ev = &s->ev.mnt;
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->op = mount_op(flags);
	ev->flags = flags;
	if (type)
		bpf_probe_read_kernel_str(ev->fstype, sizeof(ev->fstype), type);
	/* dev_name is the caller's string (a path only for bind and move):
	 * one that fills the record cannot be matched exactly */
	if (dev_name && bpf_probe_read_kernel_str(ev->source, sizeof(ev->source),
						  dev_name) == sizeof(ev->source))
		s->ev.pflags[BW_PS_SOURCE] = BW_PF_UNRESOLVED;
	path_of_path(s, path, ev->target, BW_PS_PATH);
	return mount_decide(s, slot);
}

/*
 * A superblock reconfigured: fsconfig(FSCONFIG_CMD_RECONFIGURE) after
 * fspick(2), which has no other hook.  mount(2) with MS_REMOUNT comes here
 * too, after sb_mount has decided it.  The target is the path of the
 * filesystem's root in host_mntns (unresolved when it is not mounted
 * there whole).
 */
SEC("lsm/sb_remount")
int BPF_PROG(bw_sb_remount, struct super_block *sb, void *mnt_opts, int ret)
{
	struct bw_ev_mount *ev;
	struct scratch *s;
	__u32 slot, arch, nr;

	if (ret)
		return ret;
	nr = current_syscall(&arch);
	if (nr == (arch == 1 ? NR_MOUNT_32 : NR_MOUNT_64))
		return 0;
	s = begin(BW_CLASS_MOUNT, &slot, 0);
	if (!s)
		return 0;
	ev = &s->ev.mnt;
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->op = BW_MNT_REMOUNT;
	ev->via = BW_MVIA_FSCONFIG;
	bpf_probe_read_kernel_str(ev->fstype, sizeof(ev->fstype),
				  BPF_CORE_READ(sb, s_type, name));
	path_walk(s, BPF_CORE_READ(sb, s_root), NULL, ev->target,
		  PW_HOW(SCRATCH_TASK, BW_PS_PATH, 1));
	return decide(s, slot, BW_CLASS_MOUNT, DEC_LSM);
}

SEC("lsm/move_mount")
int BPF_PROG(bw_move_mount, const struct path *from_path,
	     const struct path *to_path, int ret)
{
	struct bw_ev_mount *ev;
	struct scratch *s;
	__u32 slot;

	if (ret)
		return ret;
	s = begin(BW_CLASS_MOUNT, &slot, 0);
	if (!s)
		return sc_guard(BW_GUARD_MOUNT);
	ev = &s->ev.mnt;
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->op = BW_MNT_MOVE;
	ev->via = BW_MVIA_MOVE_MOUNT;
	path_of_path(s, from_path, ev->source, BW_PS_SOURCE);
	path_of_path(s, to_path, ev->target, BW_PS_PATH);
	return mount_decide(s, slot);
}

SEC("lsm/sb_umount")
int BPF_PROG(bw_sb_umount, struct vfsmount *mnt, int flags, int ret)
{
	struct bw_ev_mount *ev;
	struct scratch *s;
	__u32 slot;

	if (ret)
		return ret;
	s = begin(BW_CLASS_MOUNT, &slot, 0);
	if (!s)
		return sc_guard(BW_GUARD_MOUNT);
	ev = &s->ev.mnt;
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->op = BW_MNT_UMOUNT;
	ev->via = BW_MVIA_UMOUNT;
	ev->flags = flags;
	bpf_probe_read_kernel_str(ev->fstype, sizeof(ev->fstype),
				  BPF_CORE_READ(mnt, mnt_sb, s_type, name));
	path_of(s, BPF_CORE_READ(mnt, mnt_root), mnt, ev->target, BW_PS_PATH);
	return mount_decide(s, slot);
}

SEC("lsm/sb_pivotroot")
int BPF_PROG(bw_sb_pivotroot, const struct path *old_path,
	     const struct path *new_path, int ret)
{
	struct bw_ev_mount *ev;
	struct scratch *s;
	__u32 slot;

	if (ret)
		return ret;
	s = begin(BW_CLASS_MOUNT, &slot, 0);
	if (!s)
		return sc_guard(BW_GUARD_MOUNT);
	ev = &s->ev.mnt;
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->op = BW_MNT_PIVOT_ROOT;
	ev->via = BW_MVIA_PIVOT_ROOT;
	path_of_path(s, old_path, ev->source, BW_PS_SOURCE);
	path_of_path(s, new_path, ev->target, BW_PS_PATH);
	return mount_decide(s, slot);
}

static __always_inline void fill_signal_target(struct bw_event *e,
					       struct task_struct *p, int sig)
{
	__builtin_memset(&e->sig, 0, sizeof(e->sig));
	e->sig.sig = sig;
	e->sig.target_pid = BPF_CORE_READ(p, tgid);
	e->sig.target_uid = BPF_CORE_READ(p, real_cred, uid.val);
	e->sig.same_user = e->sig.target_uid == (__u32)bpf_get_current_uid_gid();
	bpf_probe_read_kernel(e->sig.target_comm, sizeof(e->sig.target_comm),
			      &p->comm);
}

SEC("lsm/task_kill")
int BPF_PROG(bw_task_kill, struct task_struct *p, struct kernel_siginfo *info,
	     int sig, const struct cred *cred, int ret)
{
	struct scratch *s;
	__u32 slot;

	if (ret)
		return ret;
	s = begin(BW_CLASS_SIGNAL, &slot, 0);
	if (!s)
		return 0;
	fill_signal_target(&s->ev, p, sig);
	return decide(s, slot, BW_CLASS_SIGNAL, DEC_LSM);
}

#define SIGIO 29

/*
 * Signals sent by I/O on a file whose owner was set with F_SETOWN (SIGIO,
 * or the F_SETSIG signal; SIGURG).  task_kill does not see them.  This
 * may run in interrupt context (sockets), on top of another program on
 * this CPU, hence its own scratch slot; the subject is then whichever
 * task was interrupted.
 */
SEC("lsm/file_send_sigiotask")
int BPF_PROG(bw_file_sigiotask, struct task_struct *tsk,
	     struct fown_struct *fown, int sig, int ret)
{
	struct scratch *s;
	__u32 slot;

	if (ret)
		return ret;
	s = begin_on(BW_CLASS_SIGNAL, &slot, 0, SCRATCH_IRQ);
	if (!s)
		return 0;
	fill_signal_target(&s->ev, tsk, sig ? sig : SIGIO);
	s->ev.sig.via = BW_SVIA_SIGIO;
	return decide(s, slot, BW_CLASS_SIGNAL, DEC_LSM);
}

SEC("lsm/bprm_check_security")
int BPF_PROG(bw_bprm_check, struct linux_binprm *bprm, int ret)
{
	struct scratch *s;
	__u32 slot;

	if (ret)
		return ret;
	s = begin(BW_CLASS_EXEC, &slot, 0);
	if (!s)
		return 0;
	s->lazy_file = BPF_CORE_READ(bprm, file);
	s->ev.exec.op = BW_EXEC_EXEC;
	return decide(s, slot, BW_CLASS_EXEC, DEC_LSM);
}

/*
 * A file mapped executable is decided like running it: the dynamic
 * loader run as a program (ld.so /dev/shm/prog), dlopen, LD_PRELOAD.
 * Only a deny acts here; what an exec rule allows or audits was logged
 * when the program was exec'd.
 */
static __always_inline int exec_map_decide(struct file *file, __u32 op)
{
	struct scratch *s;
	__u32 slot;

	s = begin(BW_CLASS_EXEC, &slot, 0);
	if (!s)
		return 0;
	s->lazy_file = file;
	s->ev.exec.op = op;
	return decide(s, slot, BW_CLASS_EXEC, DEC_LSM | DEC_GUARD);
}

#define PROT_EXEC	4
#define VM_EXEC		4

SEC("lsm/mmap_file")
int BPF_PROG(bw_mmap_file, struct file *file, unsigned long reqprot,
	     unsigned long prot, unsigned long flags, int ret)
{
	if (ret || !file || !(prot & PROT_EXEC))
		return ret;
	return exec_map_decide(file, BW_EXEC_MMAP);
}

SEC("lsm/file_mprotect")
int BPF_PROG(bw_file_mprotect, struct vm_area_struct *vma,
	     unsigned long reqprot, unsigned long prot, int ret)
{
	struct file *file;

	if (ret || !(prot & PROT_EXEC))
		return ret;
	file = BPF_CORE_READ(vma, vm_file);
	if (!file || (BPF_CORE_READ(vma, vm_flags) & VM_EXEC))
		return 0;
	return exec_map_decide(file, BW_EXEC_MPROTECT);
}

/* LSM hooks that guard syscalls: only syscall rules decide here. */

SEC("lsm/path_chroot")
int BPF_PROG(bw_path_chroot, const struct path *path, int ret)
{
	return ret ? ret : sc_guard(BW_GUARD_CHROOT);
}

SEC("lsm/socket_create")
int BPF_PROG(bw_socket_create, int family, int type, int protocol, int kern,
	     int ret)
{
	if (ret || kern)
		return ret;
	return sc_guard(BW_GUARD_SOCKET);
}

SEC("lsm/perf_event_open")
int BPF_PROG(bw_perf_event_open, struct perf_event_attr *attr, int type,
	     int ret)
{
	return ret ? ret : sc_guard(BW_GUARD_PERF);
}

SEC("lsm/kernel_load_data")
int BPF_PROG(bw_kernel_load_data, enum kernel_load_data_id id, bool contents,
	     int ret)
{
	return ret ? ret : sc_guard(BW_GUARD_MODULE);
}

SEC("lsm/kernel_read_file")
int BPF_PROG(bw_kernel_read_file, struct file *file,
	     enum kernel_read_file_id id, bool contents, int ret)
{
	return ret ? ret : sc_guard(BW_GUARD_MODULE);
}

SEC("lsm/syslog")
int BPF_PROG(bw_syslog, int type, int ret)
{
	return ret ? ret : sc_guard(BW_GUARD_SYSLOG);
}

SEC("lsm/settime")
int BPF_PROG(bw_settime, const struct timespec64 *ts,
	     const struct timezone *tz, int ret)
{
	return ret ? ret : sc_guard(BW_GUARD_SETTIME);
}

/* ---- process table (every kernel) ---- */

SEC("raw_tp/sched_process_exec")
int BPF_PROG(bw_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	__u32 zero = SCRATCH_TASK;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
	int err;

	if (!s)
		return 0;
	/* The new image's path goes into the table first, so that the
	 * degraded exec decision below already sees the new exe.  The file
	 * is the one exec made mm->exe_file. */
	s->key = SCRATCH_TASK;
	err = proc_resolve(s, p, BPF_CORE_READ(bprm, file));
	barrier_var(err);
	return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(bw_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	__u32 cpid = BPF_CORE_READ(child, pid);
	struct bw_proc *proc;

	if (cpid != ctgid)
		return 0;	/* a new thread shares its process's entry */
	proc = bpf_map_lookup_elem(&proc_map, &ptgid);
	if (!proc) {
		bpf_map_delete_elem(&proc_map, &ctgid);
		return 0;
	}
	/* the same image (and exe_file) under the child's exec id */
	if (bpf_map_update_elem(&proc_map, &ctgid, proc, BPF_ANY))
		return 0;
	proc = bpf_map_lookup_elem(&proc_map, &ctgid);
	if (proc && proc->exec_seq != BW_PROC_SEEDED) {
		proc->start = BPF_CORE_READ(child, start_time);
		proc->exec_seq = BPF_CORE_READ(child, self_exec_id);
	}
	return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(bw_exit, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);

	if (BPF_CORE_READ(p, signal, live.counter) == 0)
		bpf_map_delete_elem(&proc_map, &tgid);
	return 0;
}

/* ---- audit-only fallbacks, for kernels that refuse LSM programs ---- */

SEC("raw_tp/sched_process_exec")
int BPF_PROG(bw_exec_audit, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct file *f = BPF_CORE_READ(bprm, file);
	struct scratch *s;
	__u32 slot;

	s = begin(BW_CLASS_EXEC, &slot, 0);
	if (!s)
		return 0;
	s->lazy_file = f;
	s->ev.exec.op = BW_EXEC_EXEC;
	decide(s, slot, BW_CLASS_EXEC, 0);
	return 0;
}

SEC("raw_tp/cap_capable")
int BPF_PROG(bw_capable_audit, const struct cred *cred,
	     struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	struct scratch *s;
	__u32 slot;

	if (ret)
		return 0;	/* the kernel denied: BPF LSM would not be asked */
	s = begin(BW_CLASS_CAPABLE, &slot, (__u64)(__u32)cap);
	if (!s)
		return 0;
	s->ev.cap.cap = cap;
	s->ev.cap.opts = 0;
	decide(s, slot, BW_CLASS_CAPABLE, 0);
	return 0;
}

SEC("raw_tp/signal_generate")
int BPF_PROG(bw_signal_audit, int sig, struct kernel_siginfo *info,
	     struct task_struct *p, int group, int result)
{
	struct scratch *s;
	__u32 slot;
	int code;

	/* SEND_SIG_NOINFO/SEND_SIG_PRIV are 0 and 1: kernel-sent. */
	if ((unsigned long)info <= 1)
		return 0;
	code = BPF_CORE_READ(info, si_code);
	if (code != SI_USER && code != SI_TKILL && code != SI_QUEUE)
		return 0;
	s = begin(BW_CLASS_SIGNAL, &slot, 0);
	if (!s)
		return 0;
	fill_signal_target(&s->ev, p, sig);
	decide(s, slot, BW_CLASS_SIGNAL, 0);
	return 0;
}

/* Layout of syscalls/sys_enter_* tracepoint records. */
struct sys_enter_args {
	__u64 common;
	__s64 nr;
	__u64 args[6];
};

static __always_inline int mount_audit(__u32 op, const char *src,
				       const char *dst, const char *type,
				       __u64 flags)
{
	struct bw_ev_mount *ev;
	struct scratch *s;
	__u32 slot;

	s = begin(BW_CLASS_MOUNT, &slot, 0);
	if (!s)
		return 0;
	ev = &s->ev.mnt;
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->op = op;
	ev->flags = flags;
	if (src)
		bpf_probe_read_user_str(ev->source, sizeof(ev->source), src);
	if (dst)
		bpf_probe_read_user_str(ev->target, sizeof(ev->target), dst);
	if (type)
		bpf_probe_read_user_str(ev->fstype, sizeof(ev->fstype), type);
	decide(s, slot, BW_CLASS_MOUNT, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_mount")
int bw_mount_audit(struct sys_enter_args *ctx)
{
	return mount_audit(mount_op(ctx->args[3]), (const char *)ctx->args[0],
			   (const char *)ctx->args[1],
			   (const char *)ctx->args[2], ctx->args[3]);
}

SEC("tp/syscalls/sys_enter_umount")
int bw_umount_audit(struct sys_enter_args *ctx)
{
	return mount_audit(BW_MNT_UMOUNT, NULL, (const char *)ctx->args[0],
			   NULL, ctx->args[1]);
}

SEC("tp/syscalls/sys_enter_move_mount")
int bw_move_mount_audit(struct sys_enter_args *ctx)
{
	return mount_audit(BW_MNT_MOVE, (const char *)ctx->args[1],
			   (const char *)ctx->args[3], NULL, 0);
}

SEC("tp/syscalls/sys_enter_pivot_root")
int bw_pivot_root_audit(struct sys_enter_args *ctx)
{
	return mount_audit(BW_MNT_PIVOT_ROOT, (const char *)ctx->args[1],
			   (const char *)ctx->args[0], NULL, 0);
}

static __always_inline int ipc_audit(__u32 kind, __u32 access, __u32 id)
{
	struct scratch *s;
	__u32 slot;

	s = begin(BW_CLASS_IPC, &slot, 0);
	if (!s)
		return 0;
	__builtin_memset(&s->ev.ipc, 0, sizeof(s->ev.ipc));
	s->ev.ipc.kind = kind;
	s->ev.ipc.access = access;
	s->ev.ipc.id = id;
	s->ev.ipc.uid = (__u32)-1;	/* the owner is not visible here */
	decide(s, slot, BW_CLASS_IPC, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_shmat")
int bw_shmat_audit(struct sys_enter_args *ctx)
{
	__u32 access = BW_IPC_READ |
		       ((ctx->args[2] & SHM_RDONLY) ? 0 : BW_IPC_WRITE);

	return ipc_audit(BW_IPC_SHM, access, ctx->args[0]);
}

SEC("tp/syscalls/sys_enter_msgsnd")
int bw_msgsnd_audit(struct sys_enter_args *ctx)
{
	return ipc_audit(BW_IPC_MSG, BW_IPC_WRITE, ctx->args[0]);
}

SEC("tp/syscalls/sys_enter_msgrcv")
int bw_msgrcv_audit(struct sys_enter_args *ctx)
{
	return ipc_audit(BW_IPC_MSG, BW_IPC_READ, ctx->args[0]);
}

SEC("tp/syscalls/sys_enter_semop")
int bw_semop_audit(struct sys_enter_args *ctx)
{
	return ipc_audit(BW_IPC_SEM, BW_IPC_READ | BW_IPC_WRITE, ctx->args[0]);
}
