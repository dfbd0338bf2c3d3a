// SPDX-License-Identifier: GPL-2.0
/*
 * ipc: System V IPC permission checks.  Variants (engine/trace_ipc.c):
 *
 *  - lsm/ipc_permission: every check the kernel makes (ipcperms()), with
 *    the object read from its kern_ipc_perm;
 *  - the syscalls:* tracepoints of the twelve IPC calls: the call, its
 *    arguments and result; the object is looked up by its id.
 *
 * kern_ipc_perm does not say what it is part of.  The object's kind is
 * the ids table (sem, msg, shm) of the caller's IPC namespace whose idr
 * holds this very kern_ipc_perm at its index: a walk down the idr's
 * xarray, as idr_find() does, at most four levels for 24-bit indexes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"

#define IPC_SEM_IDS	0	/* ipc_namespace.ids[]: ipc/util.h */
#define IPC_MSG_IDS	1
#define IPC_SHM_IDS	2

#define XA_CHUNK_SHIFT	6	/* lib/xarray.c, CONFIG_BASE_SMALL=0 */
#define XA_CHUNK_MASK	63
#define XA_MAX_LEVELS	5	/* 6 bits a level: 24-bit indexes need 4 */

#define IPC_64		0x100
#define IPC_STAT	2
#define SHM_RDONLY	010000
#define SHM_STAT	13
#define SHM_STAT_ANY	15
#define MSG_STAT	11
#define MSG_STAT_ANY	13
#define SEM_GETPID	11	/* GETPID ... GETZCNT: reads */
#define SEM_GETZCNT	15
#define SEM_SETVAL	16
#define SEM_SETALL	17
#define SEM_STAT	18
#define SEM_STAT_ANY	20
#define SEMOPS_SCANNED	64	/* sembufs read to tell a semop's access */

static __always_inline bool xa_is_node(unsigned long e)
{
	return (e & 3) == 2 && e > 4096;
}

/* idr_find(): the entry at idx, or 0. */
static __always_inline unsigned long idr_lookup(const struct idr *idr, unsigned long idx)
{
	unsigned long e = (unsigned long)BPF_CORE_READ(idr, idr_rt.xa_head);
	__u32 slots = bpf_core_field_offset(struct xa_node, slots);
	bool top = true;

	idx -= BPF_CORE_READ(idr, idr_base);
	for (int i = 0; i < XA_MAX_LEVELS; i++) {
		struct xa_node *node;
		unsigned char shift;

		if (!xa_is_node(e))
			break;
		node = (struct xa_node *)(e - 2);
		shift = BPF_CORE_READ(node, shift);
		if (shift >= 64 - XA_CHUNK_SHIFT ||
		    (top && (idx >> shift) > XA_CHUNK_MASK))
			return 0;
		top = false;
		if (bpf_probe_read_kernel(&e, sizeof(e), (char *)node + slots +
					  ((idx >> shift) & XA_CHUNK_MASK) * sizeof(void *)))
			return 0;
	}
	/* a single entry in the head is index 0; internal entries are not objects */
	if ((top && idx) || (e & 3) == 2)
		return 0;
	return e;
}

static __always_inline struct ipc_namespace *current_ipc_ns(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	return BPF_CORE_READ(t, nsproxy, ipc_ns);
}

static __always_inline const struct idr *ids_idr(struct ipc_namespace *ns, __u32 which)
{
	return (const struct idr *)((char *)ns +
		bpf_core_field_offset(struct ipc_namespace, ids) +
		which * bpf_core_type_size(struct ipc_ids) +
		bpf_core_field_offset(struct ipc_ids, ipcs_idr));
}

/*
 * Index of an object in its idr: id = (seq << shift) + index, the shift
 * being 15, or 24 with ipcmni_extend; the object's seq tells which.
 */
static __always_inline unsigned long perm_index(int id, unsigned long seq)
{
	if (seq && ((unsigned int)id >> 24) == seq)
		return id & 0xffffff;
	if (seq)
		return id & 0x7fff;
	return id;
}

static __always_inline __u32 kind_of_perm(const struct kern_ipc_perm *p)
{
	struct ipc_namespace *ns = current_ipc_ns();
	unsigned long idx = perm_index(BPF_CORE_READ(p, id), BPF_CORE_READ(p, seq));

	if (!ns)
		return 0;
	if (idr_lookup(ids_idr(ns, IPC_SHM_IDS), idx) == (unsigned long)p)
		return TR_IPC_SHM;
	if (idr_lookup(ids_idr(ns, IPC_MSG_IDS), idx) == (unsigned long)p)
		return TR_IPC_MSG;
	if (idr_lookup(ids_idr(ns, IPC_SEM_IDS), idx) == (unsigned long)p)
		return TR_IPC_SEM;
	return 0;
}

/* The object of kind obj with this id in the caller's namespace, or NULL. */
static __always_inline struct kern_ipc_perm *perm_of_id(__u32 obj, int id)
{
	struct ipc_namespace *ns = current_ipc_ns();
	const struct idr *idr;
	struct kern_ipc_perm *p;

	if (!ns || id < 0)
		return NULL;
	if (obj == TR_IPC_SHM)
		idr = ids_idr(ns, IPC_SHM_IDS);
	else if (obj == TR_IPC_MSG)
		idr = ids_idr(ns, IPC_MSG_IDS);
	else
		idr = ids_idr(ns, IPC_SEM_IDS);
	p = (struct kern_ipc_perm *)idr_lookup(idr, id & 0x7fff);
	if (p && BPF_CORE_READ(p, id) == id)
		return p;
	if ((id & 0xffffff) == (id & 0x7fff))
		return NULL;
	p = (struct kern_ipc_perm *)idr_lookup(idr, id & 0xffffff);
	if (p && BPF_CORE_READ(p, id) == id)
		return p;
	return NULL;
}

static __always_inline void fill_perm(struct tr_ipc *e, const struct kern_ipc_perm *p)
{
	e->key = BPF_CORE_READ(p, key);
	e->id = BPF_CORE_READ(p, id);
	e->cuid = BPF_CORE_READ(p, cuid.val);
	e->cgid = BPF_CORE_READ(p, cgid.val);
	e->ouid = BPF_CORE_READ(p, uid.val);
	e->ogid = BPF_CORE_READ(p, gid.val);
	e->mode = BPF_CORE_READ(p, mode);
	e->have_perm = e->have_key = e->have_id = 1;
}

/* What ipcperms() is asked for: S_IRUGO and S_IWUGO bits of a mode. */
static __always_inline __u32 access_of_mode(__u32 flag)
{
	return ((flag & 0444) ? TR_IPC_R : 0) | ((flag & 0222) ? TR_IPC_W : 0);
}

static __always_inline void ipc_zero(struct tr_ipc *e)
{
	e->ret = 0;
	e->addr = 0;
	e->obj = e->via = 0;
	e->key = e->id = 0;
	e->access = e->cuid = e->cgid = e->ouid = e->ogid = e->mode = 0;
	e->call = e->cmd = e->flags = 0;
	e->have_perm = e->have_key = e->have_id = e->have_ret = 0;
}

/* ---- variant: lsm/ipc_permission ---- */

/* The IPC system call the task is in (x86_64 numbers) and a *ctl's command. */
static __always_inline void call_of_regs(struct tr_ipc *e)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);
	__u32 call = 0;

	if (BPF_CORE_READ(t, thread_info.status) & BW_TS_COMPAT)
		return;
	switch (BPF_CORE_READ(regs, orig_ax)) {
	case 29: call = TR_IPC_SHMGET; break;
	case 30: call = TR_IPC_SHMAT; break;
	case 31: call = TR_IPC_SHMCTL; break;
	case 67: call = TR_IPC_SHMDT; break;
	case 68: call = TR_IPC_MSGGET; break;
	case 69: call = TR_IPC_MSGSND; break;
	case 70: call = TR_IPC_MSGRCV; break;
	case 71: call = TR_IPC_MSGCTL; break;
	case 64: call = TR_IPC_SEMGET; break;
	case 65: call = TR_IPC_SEMOP; break;
	case 66: call = TR_IPC_SEMCTL; break;
	case 220: call = TR_IPC_SEMTIMEDOP; break;
	}
	e->call = call;
	if (call == TR_IPC_SHMCTL || call == TR_IPC_MSGCTL)
		e->cmd = BPF_CORE_READ(regs, si) & ~IPC_64;
	else if (call == TR_IPC_SEMCTL)
		e->cmd = BPF_CORE_READ(regs, dx) & ~IPC_64;
}

SEC("lsm/ipc_permission")
int BPF_PROG(lsm_ipc_permission, struct kern_ipc_perm *ipcp, short flag, int ret)
{
	struct tr_ipc *e;

	/* ret: what BPF LSM programs attached before this one answered */
	if (tr_filt.failed_only && !ret)
		return ret;
	if (!tr_wanted())
		return ret;
	e = tr_reserve(sizeof(*e));
	if (!e)
		return ret;
	ipc_zero(e);
	e->obj = kind_of_perm(ipcp);
	tr_ident_fill(&e->h, e->obj);
	e->via = TR_IPC_VIA_LSM;
	fill_perm(e, ipcp);
	e->access = access_of_mode(flag);
	call_of_regs(e);
	e->ret = ret;
	e->have_ret = ret != 0;
	bpf_ringbuf_submit(e, 0);
	return ret;
}

/* ---- variant: the syscalls:* tracepoints ---- */

/* The call in progress per thread, written out at its exit. */
TR_PENDING(struct tr_ipc);

/* An all-zero record to start from: too big for the stack beside the rest. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tr_ipc);
} blank SEC(".maps");

/* Start a record for the current thread's call; NULL when filtered out. */
static __always_inline struct tr_ipc *begin(__u32 obj, __u32 call)
{
	__u32 zero = 0;
	struct tr_ipc *b, *e;

	if (!tr_wanted())
		return NULL;
	b = bpf_map_lookup_elem(&blank, &zero);
	if (!b || tr_pending_put(b))
		return NULL;
	e = tr_pending_get();
	if (!e)
		return NULL;
	e->obj = obj;
	e->call = call;
	e->via = TR_IPC_VIA_SYSCALL;
	return e;
}

/* A call on an existing object: read it now, before IPC_RMID removes it. */
static __always_inline struct tr_ipc *begin_id(__u32 obj, __u32 call, int id)
{
	struct tr_ipc *e = begin(obj, call);
	struct kern_ipc_perm *p;

	if (!e)
		return NULL;
	e->id = id;
	e->have_id = 1;
	p = perm_of_id(obj, id);
	if (p)
		fill_perm(e, p);
	return e;
}

static __always_inline void enter_get(__u32 obj, __u32 call, int key, __u32 flags)
{
	struct tr_ipc *e = begin(obj, call);

	if (!e)
		return;
	e->key = key;
	e->have_key = 1;
	e->flags = flags;
	e->mode = flags & 0777;
	e->access = access_of_mode(flags);
}

/* *ctl: the commands that check read or write permission */
static __always_inline void enter_ctl(__u32 obj, __u32 call, int id, int cmd)
{
	struct tr_ipc *e = begin_id(obj, call, id);
	__u32 access = 0;

	if (!e)
		return;
	cmd &= ~IPC_64;
	e->cmd = cmd;
	if (cmd == IPC_STAT)
		access = TR_IPC_R;
	else if (obj == TR_IPC_SHM && (cmd == SHM_STAT || cmd == SHM_STAT_ANY))
		access = TR_IPC_R;
	else if (obj == TR_IPC_MSG && (cmd == MSG_STAT || cmd == MSG_STAT_ANY))
		access = TR_IPC_R;
	else if (obj == TR_IPC_SEM && ((cmd >= SEM_GETPID && cmd <= SEM_GETZCNT) ||
				       cmd == SEM_STAT || cmd == SEM_STAT_ANY))
		access = TR_IPC_R;
	else if (obj == TR_IPC_SEM && (cmd == SEM_SETVAL || cmd == SEM_SETALL))
		access = TR_IPC_W;
	e->access = access;
}

/* semop: write access when any operation alters a value, else read. */
static __always_inline void enter_semop(__u32 call, int id, const struct sembuf *sops,
					unsigned int nsops)
{
	struct tr_ipc *e = begin_id(TR_IPC_SEM, call, id);
	__u32 access = TR_IPC_R;

	if (!e)
		return;
	for (unsigned int i = 0; i < SEMOPS_SCANNED && i < nsops; i++) {
		short op = 0;

		if (bpf_probe_read_user(&op, sizeof(op), &sops[i].sem_op) || op) {
			access = TR_IPC_W;
			break;
		}
	}
	e->access = access;
}

struct shm_vma {
	__u64 sfd;		/* shm_file_data of the mapping */
};

static long shm_vma_cb(struct task_struct *task, struct vm_area_struct *vma, void *ctx)
{
	struct file *f = BPF_CORE_READ(vma, vm_file);
	struct shm_vma *c = ctx;

	if (f)
		c->sfd = (__u64)BPF_CORE_READ(f, private_data);
	return 0;
}

/*
 * shmdt(addr): the segment attached there.  A mapping of shm's files has
 * a struct shm_file_data as its file's private_data; trust it only when
 * the segment with that id has that very file.
 */
static __always_inline void enter_shmdt(__u64 addr)
{
	struct tr_ipc *e = begin(TR_IPC_SHM, TR_IPC_SHMDT);
	struct shm_vma c = {};
	struct shm_file_data *sfd;
	struct kern_ipc_perm *p;
	struct shmid_kernel *shp;
	int id;

	if (!e)
		return;
	e->addr = addr;
	if (bpf_find_vma(bpf_get_current_task_btf(), addr, shm_vma_cb, &c, 0) || !c.sfd)
		return;
	sfd = (struct shm_file_data *)c.sfd;
	if (BPF_CORE_READ(sfd, ns) != current_ipc_ns())
		return;
	id = BPF_CORE_READ(sfd, id);
	p = perm_of_id(TR_IPC_SHM, id);
	if (!p)
		return;
	shp = (struct shmid_kernel *)((char *)p -
				      bpf_core_field_offset(struct shmid_kernel, shm_perm));
	if (BPF_CORE_READ(shp, shm_file) != BPF_CORE_READ(sfd, file))
		return;
	fill_perm(e, p);
}

static __always_inline void leave(long ret)
{
	struct tr_ipc *p = tr_pending_get();
	struct kern_ipc_perm *perm;
	struct tr_ipc *e;

	if (!p)
		return;
	if (!tr_result_wanted(ret))
		goto done;
	if ((p->call == TR_IPC_SHMGET || p->call == TR_IPC_MSGGET ||
	     p->call == TR_IPC_SEMGET) && ret >= 0) {
		p->id = ret;
		p->have_id = 1;
		perm = perm_of_id(p->obj, ret);
		if (perm)
			fill_perm(p, perm);
	}
	e = tr_reserve(sizeof(*e));
	if (!e)
		goto done;
	*e = *p;
	tr_ident_fill(&e->h, p->obj);
	e->ret = ret;
	bpf_ringbuf_submit(e, 0);
done:
	tr_pending_drop();
}

#define SYS_ENTER(call) \
	SEC("tracepoint/syscalls/sys_enter_" #call) \
	int call##_enter(struct trace_event_raw_sys_enter *ctx)
#define SYS_EXIT(call) \
	SEC("tracepoint/syscalls/sys_exit_" #call) \
	int call##_exit(struct trace_event_raw_sys_exit *ctx) \
	{ leave(ctx->ret); return 0; }

SYS_ENTER(shmget)
{
	enter_get(TR_IPC_SHM, TR_IPC_SHMGET, ctx->args[0], ctx->args[2]);
	return 0;
}

SYS_ENTER(shmat)
{
	struct tr_ipc *e = begin_id(TR_IPC_SHM, TR_IPC_SHMAT, ctx->args[0]);

	if (e) {
		e->addr = ctx->args[1];
		e->flags = ctx->args[2];
		e->access = TR_IPC_R | ((ctx->args[2] & SHM_RDONLY) ? 0 : TR_IPC_W);
	}
	return 0;
}

SYS_ENTER(shmctl)
{
	enter_ctl(TR_IPC_SHM, TR_IPC_SHMCTL, ctx->args[0], ctx->args[1]);
	return 0;
}

SYS_ENTER(shmdt)
{
	enter_shmdt(ctx->args[0]);
	return 0;
}

SYS_ENTER(msgget)
{
	enter_get(TR_IPC_MSG, TR_IPC_MSGGET, ctx->args[0], ctx->args[1]);
	return 0;
}

SYS_ENTER(msgsnd)
{
	struct tr_ipc *e = begin_id(TR_IPC_MSG, TR_IPC_MSGSND, ctx->args[0]);

	if (e) {
		e->flags = ctx->args[3];
		e->access = TR_IPC_W;
	}
	return 0;
}

SYS_ENTER(msgrcv)
{
	struct tr_ipc *e = begin_id(TR_IPC_MSG, TR_IPC_MSGRCV, ctx->args[0]);

	if (e) {
		e->flags = ctx->args[4];
		e->access = TR_IPC_R;
	}
	return 0;
}

SYS_ENTER(msgctl)
{
	enter_ctl(TR_IPC_MSG, TR_IPC_MSGCTL, ctx->args[0], ctx->args[1]);
	return 0;
}

SYS_ENTER(semget)
{
	enter_get(TR_IPC_SEM, TR_IPC_SEMGET, ctx->args[0], ctx->args[2]);
	return 0;
}

SYS_ENTER(semop)
{
	enter_semop(TR_IPC_SEMOP, ctx->args[0], (const struct sembuf *)ctx->args[1],
		    ctx->args[2]);
	return 0;
}

SYS_ENTER(semtimedop)
{
	enter_semop(TR_IPC_SEMTIMEDOP, ctx->args[0], (const struct sembuf *)ctx->args[1],
		    ctx->args[2]);
	return 0;
}

SYS_ENTER(semctl)
{
	enter_ctl(TR_IPC_SEM, TR_IPC_SEMCTL, ctx->args[0], ctx->args[2]);
	return 0;
}

SYS_EXIT(shmget)
SYS_EXIT(shmat)
SYS_EXIT(shmctl)
SYS_EXIT(shmdt)
SYS_EXIT(msgget)
SYS_EXIT(msgsnd)
SYS_EXIT(msgrcv)
SYS_EXIT(msgctl)
SYS_EXIT(semget)
SYS_EXIT(semop)
SYS_EXIT(semtimedop)
SYS_EXIT(semctl)
