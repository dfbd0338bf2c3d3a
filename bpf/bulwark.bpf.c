// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark's kernel side: LSM hooks that decide with map lookups only, and
 * tracepoint programs that keep the process table and, where LSM programs
 * cannot load, report what the policy would have decided.  One section
 * per event class: the function that ANDs the class's own dimensions
 * (classify_<class>(), called by classify()), its LSM hooks and its
 * audit-only fallbacks.  What they share (maps, path walk, classify,
 * decide) is in policy.bpf.h and path.bpf.h.
 */
#include "policy.bpf.h"
#include "uring.h"

char LICENSE[] SEC("license") = "GPL";

/* ---- what hooks of several classes use ---- */

/* Layout of syscalls/sys_enter_* tracepoint records. */
struct sys_enter_args {
	__u64 common;
	__s64 nr;
	__u64 args[6];
};

/* Number of the syscall current is in, without its x32 bit; arch in *arch. */
static __always_inline __u32 current_syscall(__u32 *arch)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);
	__u64 id = bw_syscall_id(t, BPF_CORE_READ(regs, orig_ax));

	*arch = id >> 32;
	return (__u32)id & ~BW_X32_BIT;
}

/* ---- syscall ---- */

#define PF_KTHREAD 0x00200000
#define IA32_SOCKETCALL 102
#define IA32_SOCKET 359
#define IA32_SOCKETPAIR 360
#define IA32_IPC 117
#define NR_SOCKET 41
#define NR_SOCKETPAIR 53

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

static __always_inline int classify_syscall(struct scratch *s, __u32 slot,
					    __u32 mask, bool late)
{
	const __u32 cls = BW_CLASS_SYSCALL;
	int r;

	if (!late)
		AND(num, BW_DIM_SYSCALL, s->ev.sc.id);
	return 1;
}

/*
 * The call that made a socket in socket_create.  32-bit socketcall(SYS_SOCKET
 * ...) creates sockets too: the rules naming ia32 socket decide it.  Any
 * other call there is io_uring's IORING_OP_SOCKET (submitted by
 * io_uring_enter, an io-wq worker or the ring's SQPOLL thread): the rules
 * naming socket decide it, or a ring would be a way around them.
 */
static __always_inline __u64 socket_call(__u64 id)
{
	__u32 nr = (__u32)id & ~BW_X32_BIT;

	if (id >> 32 == 1) {
		if (nr == IA32_SOCKETCALL)
			return ((__u64)1 << 32) | IA32_SOCKET;
		if (nr == IA32_SOCKET || nr == IA32_SOCKETPAIR)
			return id;
	} else if (nr == NR_SOCKET || nr == NR_SOCKETPAIR) {
		return id;
	}
	return NR_SOCKET;
}

/*
 * Whether the socket current makes in socket_create is io_uring's (the
 * call is none that makes sockets): for the record's "via".  Out of line
 * and reading the call again, so that sc_guard's frame does not grow;
 * asked only where socket_call() gave socket, which no other guard's
 * call is.
 */
static __noinline bool socket_by_ring(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);
	__u64 id = bw_syscall_id(t, BPF_CORE_READ(regs, orig_ax));

	return id != NR_SOCKET && socket_call(id) == NR_SOCKET;
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
	if (guard == BW_GUARD_SOCKET)
		id = socket_call(id);
	bits = sc_bits(id, slot);
	if (!(bits & BW_SC_GUARD(guard & 7)) ||
	    (!(bits & BW_SC_RULES) && !(meta->fast_mask & 1)))
		return 0;
	s = begin(BW_CLASS_SYSCALL, &slot, SK_LSM, 0);
	if (!s)
		return no_scratch(slot);
	s->ev.sc.id = id;
	if (id == NR_SOCKET && socket_by_ring())
		s->ev.flags |= BW_F_URING;
	return decide(s, slot, BW_CLASS_SYSCALL, DEC_LSM | DEC_GUARD);
}

/*
 * i386's socketcall() and ipc() multiplex calls that i386 also has on
 * numbers of their own: a multiplexed call is decided as that call (rules
 * name those: engine/syscalls.c i386_direct[]), or int $0x80 with
 * socketcall(SYS_CONNECT) would walk around a rule on connect.  SYS_ACCEPT,
 * SYS_SEND, SYS_RECV and SEMOP have no number of their own: the kernel
 * makes them as accept4, sendto, recvfrom and semtimedop, decided as those.
 */
static const __u16 ia32_socketcalls[21] = {
	[1] = 359, [2] = 361, [3] = 362, [4] = 363, [5] = 364, [6] = 367,
	[7] = 368, [8] = 360, [9] = 369, [10] = 371, [11] = 369, [12] = 371,
	[13] = 373, [14] = 366, [15] = 365, [16] = 370, [17] = 372, [18] = 364,
	[19] = 337, [20] = 345,
};
static const __u16 ia32_ipcs[25] = {
	[1] = 420, [2] = 393, [3] = 394, [4] = 420, [11] = 400, [12] = 401, [13] = 399,
	[14] = 402, [21] = 397, [22] = 398, [23] = 395, [24] = 396,
};

static __noinline __u64 ia32_demux(__u64 id, struct pt_regs *regs)
{
	__u32 call = BPF_CORE_READ(regs, bx) & 0xffff, nr = 0;

	if ((__u32)id == IA32_SOCKETCALL && call < 21)
		nr = ia32_socketcalls[call];
	else if ((__u32)id == IA32_IPC && call < 25)
		nr = ia32_ipcs[call];
	return nr ? ((__u64)1 << 32) | nr : id;
}

/*
 * The syscall rules for call id at its entry (or an io_uring operation's
 * submission), flags into the record: audit, and kill where no LSM hook
 * guards the call (a kill here contains, it does not prevent).
 */
static __always_inline void sc_at_entry(const struct bw_class_meta *meta, __u32 slot,
					__u64 id, __u32 flags)
{
	__u32 bits = sc_bits(id, slot), how = 0;
	struct scratch *s;

	if (!(bits & BW_SC_RULES) && !(meta->fast_mask & 1))
		return;
	if (lsm_enforcing && (bits & ~BW_SC_RULES))
		how = DEC_GUARDED;
	s = begin(BW_CLASS_SYSCALL, &slot, SK_ATOMIC, 0);
	if (!s)
		return;
	s->ev.sc.id = id;
	s->ev.flags |= flags;
	decide(s, slot, BW_CLASS_SYSCALL, how);
}

static __noinline int ia32_audit(struct pt_regs *regs, __u32 nr);

/*
 * Every syscall, when syscall rules exist; in audit-only mode also when IPC
 * or mount rules do and the kernel runs i386 programs (ia32_audit()).
 */
SEC("raw_tp/sys_enter")
int BPF_PROG(bw_sys_enter, struct pt_regs *regs, long nr)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct bw_class_meta *meta;
	__u32 slot;
	__u64 id;

	/* audit-only: before the exit on no syscall rule, which leaves
	 * the enforcing engine's path as it was */
	if (!lsm_enforcing && (BPF_CORE_READ(t, thread_info.status) & BW_TS_COMPAT))
		ia32_audit(regs, (__u32)nr);
	meta = sc_meta(&slot);
	if (!meta || !meta->nrules)
		return 0;
	id = bw_syscall_id(t, nr);
	if (id == (((__u64)1 << 32) | IA32_SOCKETCALL) || id == (((__u64)1 << 32) | IA32_IPC))
		id = ia32_demux(id, regs);
	sc_at_entry(meta, slot, id, 0);
	return 0;
}

/*
 * An io_uring operation, where it is submitted (by the submitting thread,
 * or the ring's SQPOLL thread, of the same process): the syscall rules
 * decide it as bw_sys_enter does the syscall it stands for (audit, and
 * kill: the operation still runs).  A socket is refused in socket_create
 * too (socket_call()).  Attached by name: io_uring_submit_req, or
 * io_uring_submit_sqe before 6.0 (the same first argument).
 */
SEC("raw_tp/io_uring_submit_req")
int BPF_PROG(bw_uring_submit, struct io_kiocb *req)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct bw_class_meta *meta;
	__u32 slot;
	int nr;

	meta = sc_meta(&slot);
	if (!meta || !meta->nrules || (BPF_CORE_READ(t, flags) & PF_KTHREAD))
		return 0;
	nr = bw_uring_call(BPF_CORE_READ(req, opcode));
	if (nr < 0)
		return 0;
	sc_at_entry(meta, slot, nr, BW_F_URING);
	return 0;
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

/* ---- capable (mount_setattr's check is decided as a remount) ---- */

#define CAP_SYS_ADMIN		21
#define NR_MOUNT_SETATTR	442	/* the same on x86_64, i386 and x32 */

static __always_inline int classify_capable(struct scratch *s, __u32 slot,
					    __u32 mask, bool late)
{
	const __u32 cls = BW_CLASS_CAPABLE;
	int r;

	if (!late)
		AND(num, BW_DIM_CAP, s->ev.cap.cap);
	return 1;
}

static __always_inline int mount_setattr_decide(void);

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
	s = begin(BW_CLASS_CAPABLE, &slot, SK_LSM, (__u64)(__u32)cap);
	if (!s)
		return no_scratch(slot);
	s->ev.cap.cap = cap;
	s->ev.cap.opts = opts;	/* the whole of bw_ev_capable */
	/* CAP_OPT_NOAUDIT (1 << 1): enforced, but not logged as a denial. */
	if (opts & 2)
		s->ev.flags |= BW_F_NOAUDIT;
	return decide(s, slot, BW_CLASS_CAPABLE, DEC_LSM);
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
	s = begin(BW_CLASS_CAPABLE, &slot, SK_ATOMIC, (__u64)(__u32)cap);
	if (!s)
		return 0;
	s->ev.cap.cap = cap;
	s->ev.cap.opts = 0;
	decide(s, slot, BW_CLASS_CAPABLE, 0);
	return 0;
}

/* ---- ipc ---- */

/*
 * The object's fields, read from its kern_ipc_perm (lazy_obj: the LSM
 * hook's) when a rule or the record needs them.  The audit-only path has
 * none: its record keeps what the syscall's arguments say.
 */
static __always_inline void ipc_owner(struct scratch *s)
{
	struct kern_ipc_perm *ipcp = (struct kern_ipc_perm *)s->lazy_obj;

	if (!ipcp || (s->have & HAVE_OBJ_UID))
		return;
	s->have |= HAVE_OBJ_UID;
	s->ev.ipc.uid = BPF_CORE_READ(ipcp, uid.val);
}

static __always_inline void ipc_record(struct scratch *s)
{
	struct kern_ipc_perm *ipcp = (struct kern_ipc_perm *)s->lazy_obj;
	struct bw_ev_ipc *ev = &s->ev.ipc;

	ipc_owner(s);
	if (!ipcp || (s->have & HAVE_OBJ_REST))
		return;
	s->have |= HAVE_OBJ_REST;
	ev->gid = BPF_CORE_READ(ipcp, gid.val);
	ev->cuid = BPF_CORE_READ(ipcp, cuid.val);
	ev->cgid = BPF_CORE_READ(ipcp, cgid.val);
	ev->key = BPF_CORE_READ(ipcp, key);
	ev->id = BPF_CORE_READ(ipcp, id);
	ev->mode = BPF_CORE_READ(ipcp, mode);
}

static __always_inline int classify_ipc(struct scratch *s, __u32 slot,
					__u32 mask, bool late)
{
	const __u32 cls = BW_CLASS_IPC;
	struct bw_ev_ipc *ev = &s->ev.ipc;
	int r;

	if (late)
		return 1;
	AND(num, BW_DIM_IPC_KIND, ev->kind);
	AND(num, BW_DIM_IPC_ACCESS, ev->access);
	if (HAS(mask, BW_DIM_IPC_OWNER))
		ipc_owner(s);
	AND(num, BW_DIM_IPC_OWNER, ev->uid);
	return 1;
}

/*
 * The kind of a 32-bit call, by i386's own numbers (since 5.1); the ipc()
 * multiplexer's call is the one ia32_demux() gives.
 */
static __always_inline __u32 ipc_kind_ia32(__u32 nr)
{
	if (nr >= 395 && nr <= 398)
		return BW_IPC_SHM;	/* shmget shmctl shmat shmdt */
	if (nr >= 399 && nr <= 402)
		return BW_IPC_MSG;	/* msgget msgsnd msgrcv msgctl */
	if (nr == 393 || nr == 394 || nr == 420)
		return BW_IPC_SEM;	/* semget semctl semtimedop */
	return BW_IPC_UNKNOWN;
}

/*
 * The kind of IPC object is not in kern_ipc_perm; the syscall tells, on
 * each entry point: a 32-bit caller's numbers are i386's (else an int $0x80
 * would make every kind unknown and walk around rules naming one).
 */
static __always_inline __u32 ipc_kind_of_syscall(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);
	__u64 id = bw_syscall_id(t, BPF_CORE_READ(regs, orig_ax));
	__u32 nr = (__u32)id & ~BW_X32_BIT;

	if (id >> 32 == 1)
		return ipc_kind_ia32((__u32)ia32_demux(id, regs));
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
	s = begin(BW_CLASS_IPC, &slot, SK_LSM, 0);
	if (!s)
		return no_scratch(slot);
	ev = &s->ev.ipc;
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->kind = ipc_kind_of_syscall();
	ev->access = ((flag & 0444) ? BW_IPC_READ : 0) |
		     ((flag & 0222) ? BW_IPC_WRITE : 0);
	/* the rest when a rule or the record needs it */
	s->lazy_obj = (__u64)ipcp;
	return decide(s, slot, BW_CLASS_IPC, DEC_LSM);
}

static __always_inline int ipc_audit(__u32 kind, __u32 access, __u32 id)
{
	struct scratch *s;
	__u32 slot;

	s = begin(BW_CLASS_IPC, &slot, SK_ATOMIC, 0);
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

SEC("tp/syscalls/sys_enter_semtimedop")
int bw_semtimedop_audit(struct sys_enter_args *ctx)
{
	return ipc_audit(BW_IPC_SEM, BW_IPC_READ | BW_IPC_WRITE, ctx->args[0]);
}

/* ---- mount ---- */

#define NR_MOUNT_64		165
#define NR_MOUNT_32		21

static __always_inline int classify_mount(struct scratch *s, __u32 slot,
					  __u32 mask, bool late)
{
	const __u32 cls = BW_CLASS_MOUNT;
	struct bw_ev_mount *ev = &s->ev.mnt;
	int r;

	if (late)
		return 1;
	AND(num, BW_DIM_MNT_OP, ev->op);
	AND(str, BW_DIM_MNT_FSTYPE, ev->fstype);
	AND(path, BW_DIM_MNT_SOURCE, ev->source);
	AND(path, BW_DIM_MNT_TARGET, ev->target);
	return 1;
}

/*
 * Every mount hook's start: the scratch area with the mount part of the
 * record cleared and its operation and way in set; NULL when no mount
 * rule can apply.
 */
static __always_inline struct scratch *mount_begin(__u32 *slot, __u32 kind, __u32 op,
						 __u32 via)
{
	struct scratch *s = begin(BW_CLASS_MOUNT, slot, kind, 0);

	if (!s)
		return NULL;
	__builtin_memset(&s->ev.mnt, 0, sizeof(s->ev.mnt));
	s->ev.mnt.op = op;
	s->ev.mnt.via = via;
	return s;
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

	s = mount_begin(&slot, SK_LSM, BW_MNT_REMOUNT, BW_MVIA_MOUNT_SETATTR);
	if (!s)
		return no_scratch(slot);
	s->ev.pflags[BW_PS_PATH] = BW_PF_UNRESOLVED;
	return decide(s, slot, BW_CLASS_MOUNT, DEC_LSM);
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

/*
 * (const char *dev_name, const struct path *path, const char *type,
 *  unsigned long flags, void *data, int ret)
 * The arguments are read from ctx after mount_begin(), so that only ctx
 * lives across its calls: the longest chain of calls from this program
 * is at 6.1's 512 bytes of stack, and this frame is part of it.
 */
SEC("lsm/sb_mount")
int bw_sb_mount(unsigned long long *ctx)
{
	const char *dev_name, *type;
	const struct path *path;
	struct bw_ev_mount *ev;
	struct scratch *s;
	int ret = (int)ctx[5];
	__u32 slot;

	if (ret)
		return ret;
	s = mount_begin(&slot, SK_LSM, mount_op(ctx[3]), BW_MVIA_MOUNT);
	if (!s)
		return slot == SLOT_FULL ? -EPERM : sc_guard(BW_GUARD_MOUNT);
	dev_name = (const char *)ctx[0];
	path = (const struct path *)ctx[1];
	type = (const char *)ctx[2];
	ev = &s->ev.mnt;
	ev->flags = ctx[3];
	if (type)
		bpf_probe_read_kernel_str(ev->fstype, sizeof(ev->fstype), type);
	/* dev_name is the caller's string (a path only for bind and move):
	 * one that fills the record cannot be matched exactly */
	if (dev_name && bpf_probe_read_kernel_str(ev->source, sizeof(ev->source),
						  dev_name) == sizeof(ev->source))
		s->ev.pflags[BW_PS_SOURCE] = BW_PF_UNRESOLVED;
	path_of_path(s, path, &ev->target, BW_PS_PATH);
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
	s = mount_begin(&slot, SK_LSM, BW_MNT_REMOUNT, BW_MVIA_FSCONFIG);
	if (!s)
		return no_scratch(slot);
	ev = &s->ev.mnt;
	bpf_probe_read_kernel_str(ev->fstype, sizeof(ev->fstype),
				  BPF_CORE_READ(sb, s_type, name));
	path_walk(s, (__u64)BPF_CORE_READ(sb, s_root), 0, &ev->target,
		  PW_HOW(s->key, BW_PS_PATH, 1));
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
	s = mount_begin(&slot, SK_LSM, BW_MNT_MOVE, BW_MVIA_MOVE_MOUNT);
	if (!s)
		return slot == SLOT_FULL ? -EPERM : sc_guard(BW_GUARD_MOUNT);
	ev = &s->ev.mnt;
	path_of_path(s, from_path, &ev->source, BW_PS_SOURCE);
	path_of_path(s, to_path, &ev->target, BW_PS_PATH);
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
	s = mount_begin(&slot, SK_LSM, BW_MNT_UMOUNT, BW_MVIA_UMOUNT);
	if (!s)
		return slot == SLOT_FULL ? -EPERM : sc_guard(BW_GUARD_MOUNT);
	ev = &s->ev.mnt;
	ev->flags = flags;
	bpf_probe_read_kernel_str(ev->fstype, sizeof(ev->fstype),
				  BPF_CORE_READ(mnt, mnt_sb, s_type, name));
	path_walk(s, (__u64)BPF_CORE_READ(mnt, mnt_root), kptr_num(mnt),
		  &ev->target, PW_HOW(s->key, BW_PS_PATH, 0));
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
	s = mount_begin(&slot, SK_LSM, BW_MNT_PIVOT_ROOT, BW_MVIA_PIVOT_ROOT);
	if (!s)
		return slot == SLOT_FULL ? -EPERM : sc_guard(BW_GUARD_MOUNT);
	ev = &s->ev.mnt;
	path_of_path(s, old_path, &ev->source, BW_PS_SOURCE);
	path_of_path(s, new_path, &ev->target, BW_PS_PATH);
	return mount_decide(s, slot);
}

static __always_inline int mount_audit(__u32 op, const char *src,
				       const char *dst, const char *type,
				       __u64 flags)
{
	struct bw_ev_mount *ev;
	struct scratch *s;
	__u32 slot;

	s = mount_begin(&slot, SK_ATOMIC, op, BW_MVIA_MOUNT);
	if (!s)
		return 0;
	ev = &s->ev.mnt;
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

/* ---- the 32-bit calls of audit-only mode ---- */

#define IA32_MOUNT		21
#define IA32_UMOUNT		22
#define IA32_PIVOT_ROOT		217
#define IA32_UMOUNT2		52
#define IA32_SHMAT		397
#define IA32_MSGSND		400
#define IA32_MSGRCV		401
#define IA32_SEMTIMEDOP_TIME64	420
#define IA32_MOVE_MOUNT		429

/* A 32-bit process's pointer argument (its upper half is not the call's). */
#define IA32_PTR(r) ((const char *)(unsigned long)(__u32)(r))

/*
 * Audit-only mode: the IPC and mount decisions of the syscall tracepoints
 * above for an i386 call (int $0x80), which those tracepoints never see:
 * the direct calls and the ipc() multiplexer's, decided as the call it
 * makes.  Called by bw_sys_enter; one call site of each decision.
 */
static __noinline int ia32_audit(struct pt_regs *regs, __u32 nr)
{
	__u32 a0 = BPF_CORE_READ(regs, bx), a1 = BPF_CORE_READ(regs, cx);
	__u32 a2 = BPF_CORE_READ(regs, dx), a3 = BPF_CORE_READ(regs, si);
	__u32 id = a0, kind = 0, access = 0, op = 0;
	const char *src = NULL, *dst = NULL, *type = NULL;
	__u64 flags = 0;

	if (nr == IA32_IPC) {
		__u32 call = a0 & 0xffff;

		nr = call < 25 ? ia32_ipcs[call] : 0;
		id = a1;	/* ipc(call, first = the id, ...) */
	}
	switch (nr) {
	case IA32_SHMAT:	/* shmflg: dx for both */
		kind = BW_IPC_SHM;
		access = BW_IPC_READ | ((a2 & SHM_RDONLY) ? 0 : BW_IPC_WRITE);
		break;
	case IA32_MSGSND:
		kind = BW_IPC_MSG;
		access = BW_IPC_WRITE;
		break;
	case IA32_MSGRCV:
		kind = BW_IPC_MSG;
		access = BW_IPC_READ;
		break;
	case IA32_SEMTIMEDOP_TIME64:
		kind = BW_IPC_SEM;
		access = BW_IPC_READ | BW_IPC_WRITE;
		break;
	case IA32_MOUNT:
		op = mount_op(a3);
		src = IA32_PTR(a0);
		dst = IA32_PTR(a1);
		type = IA32_PTR(a2);
		flags = a3;
		break;
	case IA32_UMOUNT:
	case IA32_UMOUNT2:
		op = BW_MNT_UMOUNT;
		dst = IA32_PTR(a0);
		flags = nr == IA32_UMOUNT2 ? a1 : 0;
		break;
	case IA32_PIVOT_ROOT:
		op = BW_MNT_PIVOT_ROOT;
		src = IA32_PTR(a1);
		dst = IA32_PTR(a0);
		break;
	case IA32_MOVE_MOUNT:
		op = BW_MNT_MOVE;
		src = IA32_PTR(a1);
		dst = IA32_PTR(a3);
		break;
	default:
		return 0;
	}
	if (kind)
		return ipc_audit(kind, access, id);
	return mount_audit(op, src, dst, type, flags);
}

/* ---- signal ---- */

static __always_inline void signal_target_uid(struct scratch *s)
{
	struct task_struct *p = (struct task_struct *)s->lazy_obj;
	struct bw_ev_signal *ev = &s->ev.sig;

	if (s->have & HAVE_OBJ_UID)
		return;
	s->have |= HAVE_OBJ_UID;
	ev->target_uid = BPF_CORE_READ(p, real_cred, uid.val);
	ev->same_user = ev->target_uid == (__u32)bpf_get_current_uid_gid();
}

static __always_inline void signal_target_rest(struct scratch *s)
{
	struct task_struct *p = (struct task_struct *)s->lazy_obj;
	struct bw_ev_signal *ev = &s->ev.sig;

	if (s->have & HAVE_OBJ_REST)
		return;
	s->have |= HAVE_OBJ_REST;
	ev->target_pid = BPF_CORE_READ(p, tgid);
	bpf_probe_read_kernel(ev->target_comm, sizeof(ev->target_comm),
			      &p->comm);
}

static __always_inline int classify_signal(struct scratch *s, __u32 slot,
					   __u32 mask, bool late)
{
	const __u32 cls = BW_CLASS_SIGNAL;
	struct bw_ev_signal *ev = &s->ev.sig;
	int r;

	if (late)
		return 1;
	AND(num, BW_DIM_SIG, ev->sig);
	if (HAS(mask, BW_DIM_SIG_TUID) || HAS(mask, BW_DIM_SIG_SAMEUSER))
		signal_target_uid(s);
	AND(num, BW_DIM_SIG_TUID, ev->target_uid);
	AND(num, BW_DIM_SIG_SAMEUSER, ev->same_user);
	if (HAS(mask, BW_DIM_SIG_TCOMM))
		signal_target_rest(s);
	AND(str, BW_DIM_SIG_TCOMM, ev->target_comm);
	return 1;
}

/* The target (lazy_obj) is read when a rule or the record needs it. */
static __always_inline void fill_signal_target(struct scratch *s,
					       struct task_struct *p, int sig)
{
	__builtin_memset(&s->ev.sig, 0, sizeof(s->ev.sig));
	s->ev.sig.sig = sig;
	s->lazy_obj = (__u64)p;
}

SEC("lsm/task_kill")
int BPF_PROG(bw_task_kill, struct task_struct *p, struct kernel_siginfo *info,
	     int sig, const struct cred *cred, int ret)
{
	struct scratch *s;
	__u32 slot;

	if (ret)
		return ret;
	s = begin(BW_CLASS_SIGNAL, &slot, SK_LSM, 0);
	if (!s)
		return no_scratch(slot);
	fill_signal_target(s, p, sig);
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
	s = begin(BW_CLASS_SIGNAL, &slot, SK_SIGIO, 0);
	if (!s)
		return no_scratch(slot);
	fill_signal_target(s, tsk, sig ? sig : SIGIO);
	s->ev.sig.via = BW_SVIA_SIGIO;
	return decide(s, slot, BW_CLASS_SIGNAL, DEC_LSM);
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
	s = begin(BW_CLASS_SIGNAL, &slot, SK_ATOMIC, 0);
	if (!s)
		return 0;
	fill_signal_target(s, p, sig);
	decide(s, slot, BW_CLASS_SIGNAL, 0);
	return 0;
}

/* ---- exec (and executable mappings) ---- */

/* The path is walked only when a rule needs it: late, after the cheap
 * subject values. */
static __always_inline int classify_exec(struct scratch *s, __u32 slot,
					 __u32 mask, bool late)
{
	const __u32 cls = BW_CLASS_EXEC;
	int r;

	if (!late || !HAS(mask, BW_DIM_EXEC_PATH))
		return 1;
	r = exec_path(s);
	barrier_var(r);
	AND(path, BW_DIM_EXEC_PATH, s->ev.exec.path);
	return 1;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(bw_bprm_check, struct linux_binprm *bprm, int ret)
{
	struct scratch *s;
	__u32 slot;

	if (ret)
		return ret;
	s = begin(BW_CLASS_EXEC, &slot, SK_LSM, 0);
	if (!s)
		return no_scratch(slot);
	s->lazy_file = BPF_CORE_READ(bprm, file);
	s->ev.exec.op = BW_EXEC_EXEC;
	/* the new image's stack is not current's yet: the caller's argv */
	argv_begin(&s->ev.exec.argv, ARGV_FROM_CALL);
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

	s = begin(BW_CLASS_EXEC, &slot, SK_LSM, 0);
	if (!s)
		return no_scratch(slot);
	s->lazy_file = file;
	s->ev.exec.op = op;
	argv_begin(&s->ev.exec.argv, TR_ARGV_NONE);
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

SEC("raw_tp/sched_process_exec")
int BPF_PROG(bw_exec_audit, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct file *f = BPF_CORE_READ(bprm, file);
	struct scratch *s;
	__u32 slot;

	s = begin(BW_CLASS_EXEC, &slot, SK_ATOMIC, 0);
	if (!s)
		return 0;
	s->lazy_file = f;
	s->ev.exec.op = BW_EXEC_EXEC;
	argv_begin(&s->ev.exec.argv, ARGV_FROM_MM);
	decide(s, slot, BW_CLASS_EXEC, 0);
	return 0;
}

/* ---- the record's fields no rule needed ---- */

static __always_inline void fill_record_own(struct scratch *s, __u32 cls)
{
	switch (cls) {
	case BW_CLASS_IPC:
		ipc_record(s);
		break;
	case BW_CLASS_SIGNAL:
		signal_target_uid(s);
		signal_target_rest(s);
		break;
	}
}

/* ---- process table (every kernel) ---- */

/*
 * Whether t has a child now.  A reaper (a pid namespace's init, a
 * subreaper) is given orphans it never forked, which name it as their
 * parent: an entry still marked BW_PROC_LEAF is kept while they live.
 */
static __always_inline bool has_children(struct task_struct *t)
{
	return BPF_CORE_READ(t, children.next) != &t->children;
}

/*
 * A child of proc's image was made or ended: records of the child name the
 * image, and may be read after it ended.
 */
static __always_inline void proc_unleaf(struct bw_proc *proc)
{
	if (proc && (proc->flags & BW_PROC_LEAF))
		proc->flags &= ~BW_PROC_LEAF;
}

static __always_inline void proc_mark_parent(__u32 tgid)
{
	proc_unleaf(bpf_map_lookup_elem(&proc_map, &tgid));
}

/*
 * The image of tgid is over: its entry goes to proc_gone, where the engine
 * still finds it for records it reads later (their ancestors), unless no
 * record can name it: a leaf that never had a child (kids: t has one now).
 * Records of the image itself carry its exe, they never look it up.
 */
static __always_inline void proc_retire(struct bw_proc *proc, __u32 tgid,
					bool kids)
{
	struct bw_proc_key key = { .pid = tgid };

	if (!proc || ((proc->flags & BW_PROC_LEAF) && !kids))
		return;
	key.exec_seq = proc->exec_seq;
	bpf_map_update_elem(&proc_gone, &key, proc, BPF_ANY);
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(bw_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct scratch *s = scratch_claim(SK_ATOMIC);
	__u32 tgid = BPF_CORE_READ(p, tgid);
	struct bw_proc *proc;
	bool kids;
	int err;

	if (!s) {
		/* the old image's entry must not name the new one: without
		 * it, fill_exe() resolves mm->exe_file itself */
		bpf_map_delete_elem(&proc_map, &tgid);
		return 0;
	}
	/* The new image's path goes into the table first, so that the
	 * audit-only exec decision (bw_exec_audit, attached after this
	 * program) already sees the new exe.  The file is the one exec made
	 * mm->exe_file. */
	/* the children of every thread are p's now (de_thread); they will
	 * name the new image: a leaf only without any */
	kids = has_children(p);
	proc = bpf_map_lookup_elem(&proc_map, &tgid);
	proc_retire(proc, tgid, kids);
	s->proc.ptgid = proc ? proc->ptgid : 0;
	err = proc_resolve(s, p, BPF_CORE_READ(bprm, file),
			   kids ? 0 : BW_PROC_LEAF);
	barrier_var(err);
	scratch_release(s);
	return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(bw_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	__u32 cpid = BPF_CORE_READ(child, pid);
	__u32 rtgid = BPF_CORE_READ(child, real_parent, tgid);
	struct bw_proc *proc;

	if (cpid != ctgid)
		return 0;	/* a new thread shares its process's entry */
	proc = bpf_map_lookup_elem(&proc_map, &ptgid);
	/* the child's parent: the caller, or its parent (CLONE_PARENT) */
	if (rtgid != ptgid)
		proc_mark_parent(rtgid);
	else
		proc_unleaf(proc);
	if (!proc) {
		bpf_map_delete_elem(&proc_map, &ctgid);
		return 0;
	}
	/* the same image (and exe_file) under the child's exec id; a seeded
	 * parent's too: its child is exactly this exec, not any of the pid */
	if (bpf_map_update_elem(&proc_map, &ctgid, proc, BPF_ANY))
		return 0;
	proc = bpf_map_lookup_elem(&proc_map, &ctgid);
	if (proc) {
		proc->start = BPF_CORE_READ(child, start_time);
		proc->exec_seq = BPF_CORE_READ(child, self_exec_id);
		proc->flags = BW_PROC_LEAF;
		proc->ptgid = rtgid;
	}
	return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(bw_exit, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	struct bw_proc *proc;
	__u32 rtgid;

	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;
	/* the engine's exemption ends with it: its programs may outlive it
	 * (on_exit = keep), and its pid be handed to another process */
	if (tgid == engine_tgid)
		engine_tgid = 0;
	proc = bpf_map_lookup_elem(&proc_map, &tgid);
	/* Records of p (read later) name its parent's image.  The parent
	 * that forked p was marked then: only a reaper that adopted p is
	 * looked up. */
	rtgid = BPF_CORE_READ(p, real_parent, tgid);
	if (!proc || proc->ptgid != rtgid)
		proc_mark_parent(rtgid);
	/* before exit_notify(): p's children are still p's */
	proc_retire(proc, tgid, has_children(p));
	bpf_map_delete_elem(&proc_map, &tgid);
	return 0;
}

/* ---- [log] repeat: the windows' tails ---- */

struct fold_walk {
	__u64 now;
	__u32 all;
	__u32 pad;
	__u64 summaries, folded, failed, entries;
};

/*
 * A key whose window ended a whole window ago with decisions folded and no
 * decision since to carry them: their count goes into a summary record.
 * The second window is the grace of a process that goes on: its next
 * decision comes less than a window after the end and carries the count
 * in its full record.  Summed as soon as the window ended, a loop slower
 * than the tick lost that race every time (the engine's tick and the
 * loop's records keep step), and each window cost a summary besides the
 * next full record.  A key idle for two windows with nothing folded goes:
 * a decision still adding to it would have had to stall for a whole
 * window between its look and its add.
 */
static long fold_tail(struct bpf_map *map, struct bw_fold_key *k,
		      struct bw_fold *v, struct fold_walk *w)
{
	struct bw_repeat r = {};
	__u64 n, age;

	/* a window started after w->now runs */
	age = w->now >= v->win ? w->now - v->win : 0;
	if (!w->all && age < 2 * fold_ns) {
		w->entries++;
		return 0;
	}
	n = __sync_lock_test_and_set(&v->count, 0);
	if (!n) {
		if (!w->all)
			bpf_map_delete_elem(map, k);
		else
			w->entries++;
		return 0;
	}
	r.type = BW_REC_REPEAT;
	r.cls = k->cls;
	r.ts = w->now;
	r.generation = k->generation;
	r.decision = k->decision;
	r.rule = k->rule;
	r.audit_rule = k->audit_rule;
	r.pid = k->pid;
	r.start = k->start;
	r.exec_seq = k->exec_seq;
	r.count = n;
	r.first = v->first;
	r.last = v->last;
	__builtin_memcpy(r.comm, v->comm, sizeof(r.comm));
	w->entries++;
	if (bpf_ringbuf_output(&events, &r, sizeof(r), 0)) {
		/* the ring is full: the count stays for the next walk */
		__sync_fetch_and_add(&v->count, n);
		w->failed++;
		return 1;
	}
	v->first = 0;
	v->last = 0;
	w->summaries++;
	w->folded += n;
	return 0;
}

/* Run by the engine (BPF_PROG_TEST_RUN), never attached. */
SEC("syscall")
int bw_fold_flush(struct bw_fold_run *run)
{
	struct fold_walk w = { .now = bpf_ktime_get_boot_ns(), .all = run->all };

	bpf_for_each_map_elem(&fold_map, fold_tail, &w, 0);
	run->summaries = w.summaries;
	run->folded = w.folded;
	run->failed = w.failed;
	run->entries = w.entries;
	return 0;
}
