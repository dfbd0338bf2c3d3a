// SPDX-License-Identifier: GPL-2.0
/*
 * files: reads and writes summed per process and file, a top-like view
 * as libbpf-tools' filetop.  A summary tracer: the kernel sums into
 * files_stats, engine/trace_files.c reads and empties it.  The file's
 * path is walked once, when a process first uses it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"
#include "files.h"

#define S_IFMT  00170000
#define S_IFSOCK 0140000
#define S_IFREG  0100000
#define S_IFIFO  0010000

/* without -a: regular files only */
const volatile __u8 files_all = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct files_key);
	__type(value, struct files_val);
} files_stats SEC(".maps");

/* a new entry is made here: too big for the stack */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct files_val);
} files_new SEC(".maps");

struct call {
	__s32 fd;
	__u32 write;
};

TR_PENDING(struct call);

static __always_inline struct mount *real_mount(struct vfsmount *vm)
{
	return (struct mount *)((char *)vm - bpf_core_field_offset(struct mount, mnt));
}

struct walk_ctx {
	struct dentry *d;
	struct mount *m;
	__u32 n;
};

/* One step of the walk: a component into files_new, or a mount crossed. */
static long walk_step(__u32 i, void *ctxp)
{
	struct walk_ctx *w = ctxp;
	/* locals: BPF_CORE_READ would relocate walk_ctx's fields too */
	struct dentry *d = w->d, *parent = BPF_CORE_READ(d, d_parent);
	struct mount *m = w->m;
	struct files_val *v;
	__u32 zero = 0, n = w->n;

	v = bpf_map_lookup_elem(&files_new, &zero);
	if (!v)
		return 1;
	if (d == BPF_CORE_READ(m, mnt.mnt_root) || d == parent) {
		struct mount *up = BPF_CORE_READ(m, mnt_parent);

		if (up == m) {
			v->whole = 1;
			return 1;
		}
		w->d = BPF_CORE_READ(m, mnt_mountpoint);
		w->m = up;
		return 0;
	}
	if (n >= FILES_DEPTH)
		return 1;
	bpf_probe_read_kernel_str(v->names[n & (FILES_DEPTH - 1)], FILES_NAME,
				  BPF_CORE_READ(d, d_name.name));
	w->n = n + 1;
	v->depth = n + 1;
	w->d = parent;
	return 0;
}

/* f's path into files_new, last component first, up through the mounts */
static __always_inline void walk(struct file *f)
{
	struct walk_ctx w = {
		.d = BPF_CORE_READ(f, f_path.dentry),
		.m = real_mount(BPF_CORE_READ(f, f_path.mnt)),
	};

	bpf_loop(FILES_DEPTH + 8, walk_step, &w, 0);
}

static __always_inline __u8 type_of(__u32 mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return FILES_REGULAR;
	case S_IFSOCK:
		return FILES_SOCKET;
	case S_IFIFO:
		return FILES_PIPE;
	}
	return FILES_OTHER;
}

static __always_inline struct files_val *entry(const struct files_key *key,
					       struct file *f, __u8 type)
{
	struct files_val *v = bpf_map_lookup_elem(&files_stats, key);
	__u32 zero = 0;

	if (v)
		return v;
	v = bpf_map_lookup_elem(&files_new, &zero);
	if (!v)
		return NULL;
	__builtin_memset(v, 0, sizeof(*v));
	v->type = type;
	bpf_get_current_comm(v->comm, sizeof(v->comm));
	walk(f);
	bpf_map_update_elem(&files_stats, key, v, BPF_NOEXIST);
	return bpf_map_lookup_elem(&files_stats, key);
}

/* A read or write of f that returned ret, by the current task. */
static __always_inline void account(struct file *f, bool write, long ret)
{
	struct files_key key = {};
	struct files_val *v;
	struct inode *ino;
	__u8 type;

	if (ret < 0 || !f)
		return;
	ino = BPF_CORE_READ(f, f_inode);
	type = type_of(BPF_CORE_READ(ino, i_mode));
	if (!files_all && type != FILES_REGULAR)
		return;
	key.tgid = bpf_get_current_pid_tgid() >> 32;
	key.dev = BPF_CORE_READ(ino, i_sb, s_dev);
	key.ino = BPF_CORE_READ(ino, i_ino);
	key.rdev = BPF_CORE_READ(ino, i_rdev);
	v = entry(&key, f, type);
	if (!v)
		return;
	if (write) {
		__sync_fetch_and_add(&v->writes, 1);
		__sync_fetch_and_add(&v->wbytes, ret);
	} else {
		__sync_fetch_and_add(&v->reads, 1);
		__sync_fetch_and_add(&v->rbytes, ret);
	}
}

SEC("fexit/vfs_read")
int BPF_PROG(fx_read, struct file *f, char *buf, size_t count, loff_t *pos, ssize_t ret)
{
	if (tr_wanted())
		account(f, false, ret);
	return 0;
}

SEC("fexit/vfs_write")
int BPF_PROG(fx_write, struct file *f, const char *buf, size_t count, loff_t *pos,
	     ssize_t ret)
{
	if (tr_wanted())
		account(f, true, ret);
	return 0;
}

/* the file behind the current task's descriptor fd */
static __always_inline struct file *file_of_fd(long fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]))
		return NULL;
	return f;
}

static __always_inline void call_enter(long fd, __u32 write)
{
	struct call c = { .fd = fd, .write = write };

	if (tr_wanted())
		tr_pending_put(&c);
}

static __always_inline void call_exit(long ret)
{
	struct call *c = tr_pending_get();

	if (!c)
		return;
	account(file_of_fd(c->fd), c->write, ret);
	tr_pending_drop();
}

#define SYSCALL_PAIR(name, write)					\
SEC("tracepoint/syscalls/sys_enter_" #name)				\
int name##_enter(struct trace_event_raw_sys_enter *ctx)		\
{									\
	call_enter(ctx->args[0], write);				\
	return 0;							\
}									\
SEC("tracepoint/syscalls/sys_exit_" #name)				\
int name##_exit(struct trace_event_raw_sys_exit *ctx)			\
{									\
	call_exit(ctx->ret);						\
	return 0;							\
}

SYSCALL_PAIR(read, 0)
SYSCALL_PAIR(write, 1)
SYSCALL_PAIR(pread64, 0)
SYSCALL_PAIR(pwrite64, 1)
SYSCALL_PAIR(readv, 0)
SYSCALL_PAIR(writev, 1)
SYSCALL_PAIR(preadv, 0)
SYSCALL_PAIR(pwritev, 1)
SYSCALL_PAIR(preadv2, 0)
SYSCALL_PAIR(pwritev2, 1)
