// SPDX-License-Identifier: GPL-2.0
/*
 * Tamper protection (`protect = yes`): LSM hooks that keep every other
 * process, root included, from signalling, tracing or stopping the engine
 * and from reaching its BPF objects, its pin directory and its log.  Only
 * loaded when the policy asks for it; each hook leaves after one lookup
 * when the caller is the engine or the object is not the engine's.
 */
#include "common.bpf.h"
#include "tamper.h"

char LICENSE[] SEC("license") = "GPL";

#define EPERM		1
#define BPF_FS_MAGIC	0xcafe4a11
#define FMODE_WRITE	0x2
#define O_TRUNC		01000
#define PTRACE_MODE_NOAUDIT	0x04
#define PIN_DEPTH	6	/* levels below the pin directory that are walked */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bw_prot_state);
} prot_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BW_PROT_IDS_MAX);
	__type(key, __u64);
	__type(value, __u8);
} prot_ids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} prot_events SEC(".maps");

/* Tamper records the ring had no room for. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} prot_lost SEC(".maps");

/* The engine's tgid when protection is on and the caller is not it; else 0. */
static __always_inline __u32 guarded_engine(void)
{
	__u32 k = 0, me = bpf_get_current_pid_tgid() >> 32;
	struct bw_prot_state *st = bpf_map_lookup_elem(&prot_state, &k);

	if (!st || !(st->flags & BW_PROT_ON) || !st->engine_tgid ||
	    st->engine_tgid == me)
		return 0;
	return st->engine_tgid;
}

/* Is id the engine's?  A readable object (the state) only for writing. */
static __always_inline bool engine_object(__u32 kind, __u32 id, bool write)
{
	__u64 key = ((__u64)kind << 32) | id;
	__u8 *v = id ? bpf_map_lookup_elem(&prot_ids, &key) : NULL;

	return v && (write || *v != BW_PROT_READABLE);
}

/* A tamper record; the denial stands whether it could be written or not. */
static __always_inline int deny_named(__u32 what, __u32 arg, __u32 target,
				      struct dentry *d, __u64 ino, const char *name)
{
	struct bw_tamper *t = bpf_ringbuf_reserve(&prot_events, sizeof(*t), 0);
	__u64 id = bpf_get_current_pid_tgid();
	__u32 k = 0;

	if (!t) {
		__u64 *lost = bpf_map_lookup_elem(&prot_lost, &k);

		if (lost)
			__sync_fetch_and_add(lost, 1);
		return -EPERM;
	}
	t->ts = bpf_ktime_get_boot_ns();
	t->pid = (__u32)id;
	t->tgid = id >> 32;
	t->uid = (__u32)bpf_get_current_uid_gid();
	t->what = what;
	t->arg = arg;
	t->target = target;
	t->ino = ino;
	bpf_get_current_comm(t->comm, sizeof(t->comm));
	t->name[0] = 0;
	if (d)
		bpf_probe_read_kernel_str(t->name, sizeof(t->name),
					  BPF_CORE_READ(d, d_name.name));
	else if (name)
		bpf_probe_read_kernel_str(t->name, sizeof(t->name), name);
	bpf_ringbuf_submit(t, 0);
	return -EPERM;
}

static __always_inline int deny(__u32 what, __u32 arg, __u32 target,
				struct dentry *d, __u64 ino)
{
	return deny_named(what, arg, target, d, ino, NULL);
}

/* ---- signals, ptrace ---- */

SEC("lsm/task_kill")
int BPF_PROG(bw_prot_task_kill, struct task_struct *p,
	     struct kernel_siginfo *info, int sig, const struct cred *cred, int ret)
{
	__u32 engine;

	if (ret || !sig)
		return ret;
	engine = guarded_engine();
	if (!engine || BPF_CORE_READ(p, tgid) != engine)
		return 0;
	return deny(BW_TAMPER_SIGNAL, sig, BPF_CORE_READ(p, pid), NULL, 0);
}

/*
 * F_SETOWN + F_SETSIG makes I/O send any signal; it may run in interrupt
 * context, where the current task is unrelated.  The engine sets no owner
 * on its files, so every such signal to it is someone else's.
 */
SEC("lsm/file_send_sigiotask")
int BPF_PROG(bw_prot_sigiotask, struct task_struct *tsk,
	     struct fown_struct *fown, int sig, int ret)
{
	__u32 engine;

	if (ret)
		return ret;
	engine = guarded_engine();
	if (!engine || BPF_CORE_READ(tsk, tgid) != engine)
		return 0;
	return deny(BW_TAMPER_SIGIO, sig, BPF_CORE_READ(tsk, pid), NULL, 0);
}

/* ptrace attach, /proc/PID/mem and fd, pidfd_getfd, process_vm_*, kcmp. */
SEC("lsm/ptrace_access_check")
int BPF_PROG(bw_prot_ptrace, struct task_struct *child, unsigned int mode, int ret)
{
	__u32 engine;

	if (ret)
		return ret;
	engine = guarded_engine();
	if (!engine || BPF_CORE_READ(child, tgid) != engine)
		return 0;
	/* /proc/PID/stat and the like ask quietly: refused, not logged (ps) */
	if (mode & PTRACE_MODE_NOAUDIT)
		return -EPERM;
	return deny(BW_TAMPER_PTRACE, mode, BPF_CORE_READ(child, pid), NULL, 0);
}

/* ---- BPF objects ---- */

#define BPF_CMD_OBJ_GET			7
#define BPF_CMD_PROG_GET_FD_BY_ID	13
#define BPF_CMD_MAP_GET_FD_BY_ID	14
#define BPF_CMD_TASK_FD_QUERY		20
#define BPF_CMD_LINK_GET_FD_BY_ID	30

static const char pin_name[] = BW_PROT_PIN_DIR;
static const char state_pin[] = "/sys/fs/bpf/" BW_PROT_PIN_DIR "/" BW_PROT_STATE_NAME;
static const char pin_prefix[] = "/sys/fs/bpf/" BW_PROT_PIN_DIR;

/* An absolute path naming the pin directory or something in it. */
static __always_inline bool pin_path(const char *s)
{
	for (int i = 0; i < (int)sizeof(pin_prefix) - 1; i++)
		if (s[i] != pin_prefix[i])
			return false;
	return s[sizeof(pin_prefix) - 1] == '/' || !s[sizeof(pin_prefix) - 1];
}

/*
 * The bpf() syscall, before the command runs.  Only the arguments that
 * 6.1 and 6.18 share are read (6.18 adds `bool kernel` before the
 * previous return value, which is therefore not read here): an earlier
 * LSM that refused leaves this program uncalled anyway.
 * Update, delete, detach and pin need an fd: refusing every way to one
 * (here, and bpf_map / bpf_prog below) refuses them.
 */
SEC("lsm/bpf")
int BPF_PROG(bw_prot_bpf, int cmd, union bpf_attr *attr, unsigned int size)
{
	__u32 engine = guarded_engine(), id, kind;
	char path[BW_PROT_NAME_LEN] = {};

	if (!engine)
		return 0;
	switch (cmd) {
	case BPF_CMD_PROG_GET_FD_BY_ID:
		kind = BW_PROT_PROG;
		break;
	case BPF_CMD_MAP_GET_FD_BY_ID:
		kind = BW_PROT_MAP;
		break;
	case BPF_CMD_LINK_GET_FD_BY_ID:
		kind = BW_PROT_LINK;
		break;
	case BPF_CMD_TASK_FD_QUERY:
		id = BPF_CORE_READ(attr, task_fd_query.pid);
		return id == engine ? deny(BW_TAMPER_BPF, cmd, id, NULL, 0) : 0;
	case BPF_CMD_OBJ_GET:
		if (bpf_probe_read_user_str(path, sizeof(path),
				(const void *)BPF_CORE_READ(attr, pathname)) <= 0 ||
		    !pin_path(path))
			return 0;
		/* the state, read-only: `bulwark check` reads the lock */
		if ((BPF_CORE_READ(attr, file_flags) & BPF_F_RDONLY) &&
		    bw_strn_eq(path, state_pin, sizeof(path)))
			return 0;
		return deny_named(BW_TAMPER_BPF, cmd, 0, NULL, 0, path);
	default:
		return 0;
	}
	/* prog_id, map_id and link_id share the union's first word */
	id = BPF_CORE_READ(attr, prog_id);
	if (!engine_object(kind, id, true))
		return 0;
	return deny(BW_TAMPER_BPF, cmd, id, NULL, 0);
}

/* A new fd to a map: get by id, a pinned map's path, or its creation. */
SEC("lsm/bpf_map")
int BPF_PROG(bw_prot_bpf_map, struct bpf_map *map, fmode_t fmode, int ret)
{
	__u32 id;

	if (ret || !guarded_engine())
		return ret;
	id = BPF_CORE_READ(map, id);
	return engine_object(BW_PROT_MAP, id, fmode & FMODE_WRITE) ?
	       deny(BW_TAMPER_BPF_MAP, fmode, id, NULL, 0) : 0;
}

SEC("lsm/bpf_prog")
int BPF_PROG(bw_prot_bpf_prog, struct bpf_prog *prog, int ret)
{
	__u32 id;

	if (ret || !guarded_engine())
		return ret;
	id = BPF_CORE_READ(prog, aux, id);
	return engine_object(BW_PROT_PROG, id, true) ?
	       deny(BW_TAMPER_BPF_PROG, 0, id, NULL, 0) : 0;
}

/* ---- the pin directory and the log ---- */

/* Is d the pin directory at a bpffs root, or below it? */
static __always_inline bool in_pin_dir(struct dentry *d)
{
	struct super_block *sb = BPF_CORE_READ(d, d_sb);
	struct dentry *root;
	char name[sizeof(BW_PROT_PIN_DIR)];

	if (!sb || BPF_CORE_READ(sb, s_magic) != BPF_FS_MAGIC)
		return false;
	root = BPF_CORE_READ(sb, s_root);
	for (int i = 0; i < PIN_DEPTH; i++) {
		struct dentry *parent = BPF_CORE_READ(d, d_parent);

		if (!parent || parent == d)
			return false;
		if (parent == root) {
			if (bpf_probe_read_kernel_str(name, sizeof(name),
						      BPF_CORE_READ(d, d_name.name)) < 0)
				return false;
			return bw_strn_eq(name, pin_name, sizeof(name));
		}
		d = parent;
	}
	return false;
}

static __always_inline bool is_log(struct inode *inode)
{
	__u32 k = 0;
	struct bw_prot_state *st = bpf_map_lookup_elem(&prot_state, &k);

	return inode && st && st->log_ino &&
	       BPF_CORE_READ(inode, i_ino) == st->log_ino &&
	       BPF_CORE_READ(inode, i_sb, s_dev) == st->log_dev;
}

/* The pin directory's entries and the log: not removed, not replaced. */
static __always_inline int guard_entry(__u32 what, struct dentry *d)
{
	struct inode *inode;

	if (!d)
		return 0;
	inode = BPF_CORE_READ(d, d_inode);
	if (in_pin_dir(d) || is_log(inode))
		return deny(what, 0, 0, d, inode ? BPF_CORE_READ(inode, i_ino) : 0);
	return 0;
}

SEC("lsm/inode_unlink")
int BPF_PROG(bw_prot_unlink, struct inode *dir, struct dentry *dentry, int ret)
{
	if (ret || !guarded_engine())
		return ret;
	return guard_entry(BW_TAMPER_UNLINK, dentry);
}

SEC("lsm/inode_rmdir")
int BPF_PROG(bw_prot_rmdir, struct inode *dir, struct dentry *dentry, int ret)
{
	if (ret || !guarded_engine())
		return ret;
	return guard_entry(BW_TAMPER_RMDIR, dentry);
}

/* Moving an entry away, or another file over it. */
SEC("lsm/inode_rename")
int BPF_PROG(bw_prot_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, int ret)
{
	if (ret || !guarded_engine())
		return ret;
	ret = guard_entry(BW_TAMPER_RENAME, old_dentry);
	return ret ? ret : guard_entry(BW_TAMPER_RENAME, new_dentry);
}

/* Unmounting the last mount of a bpffs drops what is pinned in it. */
SEC("lsm/sb_umount")
int BPF_PROG(bw_prot_umount, struct vfsmount *mnt, int flags, int ret)
{
	if (ret || !guarded_engine())
		return ret;
	if (BPF_CORE_READ(mnt, mnt_sb, s_magic) != BPF_FS_MAGIC)
		return 0;
	return deny(BW_TAMPER_UMOUNT, flags, 0, BPF_CORE_READ(mnt, mnt_root), 0);
}

SEC("lsm/file_open")
int BPF_PROG(bw_prot_file_open, struct file *file, int ret)
{
	struct inode *inode;

	if (ret)
		return ret;
	if (!(BPF_CORE_READ(file, f_mode) & FMODE_WRITE) &&
	    !(BPF_CORE_READ(file, f_flags) & O_TRUNC))
		return 0;
	if (!guarded_engine())
		return 0;
	inode = BPF_CORE_READ(file, f_inode);
	if (!is_log(inode))
		return 0;
	return deny(BW_TAMPER_OPEN, BPF_CORE_READ(file, f_flags),
		    0, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(inode, i_ino));
}

SEC("lsm/path_truncate")
int BPF_PROG(bw_prot_truncate, const struct path *path, int ret)
{
	struct dentry *d;

	if (ret || !guarded_engine())
		return ret;
	d = BPF_CORE_READ(path, dentry);
	if (!is_log(BPF_CORE_READ(d, d_inode)))
		return 0;
	return deny(BW_TAMPER_TRUNCATE, 0, 0, d,
		    BPF_CORE_READ(d, d_inode, i_ino));
}

/* The engine's last thread gone: nobody is it any more (a restart adopts). */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(bw_prot_exit, struct task_struct *p)
{
	__u32 k = 0;
	struct bw_prot_state *st = bpf_map_lookup_elem(&prot_state, &k);

	if (st && st->engine_tgid && BPF_CORE_READ(p, pid) == st->engine_tgid)
		st->engine_tgid = 0;
	return 0;
}
