// SPDX-License-Identifier: GPL-2.0
/*
 * capable: every capability check, with who decided it.  Variants
 * (engine/trace_capable.c), best first:
 *
 *  - fentry+fexit on security_capable() and fexit on cap_capable():
 *    commoncap's answer and the final one, so that a refusal by a later
 *    LSM (bulwark's own BPF LSM rules) is told apart from the kernel's;
 *  - the capability:cap_capable tracepoint (tp_btf, raw_tp, tracepoint):
 *    commoncap's answer only, and without the CAP_OPT_* options;
 *  - kprobes and kretprobes on the same two functions as the first.
 *
 * commoncap also calls cap_capable() for itself (cap_vm_enough_memory:
 * CAP_SYS_ADMIN, not audited, on every accounted mapping).  Those checks
 * never reach security_capable(); they are reported with commoncap's
 * answer, by the tracepoint always, by fexit and kprobes where the call
 * was not inlined (Debian 6.1 inlines it).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"

/* A call in progress on a thread: security_capable(), or cap_capable(). */
struct cap_call {
	__u64 cred;
	__u64 ns;
	__s32 cap;
	__u32 opts;
	__s32 kret;		/* security_capable(): what cap_capable() said */
	__u8 active;
	__u8 have_kret;
	__u8 pad[2];
};

struct cap_thread {
	struct cap_call sec;	/* security_capable() */
	struct cap_call cc;	/* kprobes only: cap_capable() until it returns */
};

/* per task: found without a hash lookup, gone with the task */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct cap_thread);
} cap_task SEC(".maps");

static __always_inline struct cap_thread *task_state(__u64 flags)
{
	return bpf_task_storage_get(&cap_task, bpf_get_current_task_btf(), 0, flags);
}

static __always_inline void emit(int cap, __u32 opts, bool have_opts, int ret,
				 __u32 verdict, __u32 via, const void *ns)
{
	struct tr_capable *e;

	if (!tr_result_wanted(ret))
		return;
	e = tr_reserve(sizeof(*e));
	if (!e)
		return;
	tr_ident_fill(&e->h, verdict);
	e->cap = cap;
	e->ret = ret;
	e->verdict = verdict;
	e->opts = opts;
	e->target_userns = BPF_CORE_READ((struct user_namespace *)ns, ns.inum);
	e->have_opts = have_opts;
	e->via = via;
	e->pad[0] = e->pad[1] = 0;
	bpf_ringbuf_submit(e, 0);
}

static __always_inline void call_begin(struct cap_call *c, const void *cred,
				       const void *ns, int cap, __u32 opts)
{
	c->cred = (__u64)cred;
	c->ns = (__u64)ns;
	c->cap = cap;
	c->opts = opts;
	c->kret = 0;
	c->have_kret = 0;
	c->active = 1;
}

static __always_inline bool call_is(const struct cap_call *c, const void *cred,
				    const void *ns, int cap)
{
	return c->active && c->cap == cap && c->cred == (__u64)cred &&
	       c->ns == (__u64)ns;
}

/*
 * cap_capable() returned ret: remember it for the security_capable() it
 * belongs to, or report it now when commoncap called it for itself.
 */
static __always_inline void cap_capable_done(struct cap_thread *t, const void *cred,
					     const void *ns, int cap, __u32 opts,
					     int ret, __u32 via)
{
	if (t && !t->sec.have_kret && call_is(&t->sec, cred, ns, cap)) {
		t->sec.kret = ret;
		t->sec.have_kret = 1;
		return;
	}
	emit(cap, opts, true, ret, ret ? TR_CAP_DENIED_KERNEL : TR_CAP_ALLOWED, via, ns);
}

/* security_capable() returned ret: report it with who said no. */
static __always_inline void security_capable_done(struct cap_thread *t,
						  const void *cred, const void *ns,
						  int cap, __u32 opts, int ret,
						  __u32 via)
{
	__u32 verdict = TR_CAP_ALLOWED;

	if (ret) {
		verdict = TR_CAP_DENIED;
		if (t && t->sec.have_kret && call_is(&t->sec, cred, ns, cap))
			verdict = t->sec.kret ? TR_CAP_DENIED_KERNEL : TR_CAP_DENIED_LSM;
	}
	if (t)
		t->sec.active = 0;
	emit(cap, opts, true, ret, verdict, via, ns);
}

/* ---- variant: fentry/fexit ---- */

SEC("fentry/security_capable")
int BPF_PROG(fe_security_capable, const struct cred *cred, struct user_namespace *ns,
	     int cap, unsigned int opts)
{
	struct cap_thread *t;

	if (!tr_wanted())
		return 0;
	t = task_state(BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (t)
		call_begin(&t->sec, cred, ns, cap, opts);
	return 0;
}

SEC("fexit/cap_capable")
int BPF_PROG(fx_cap_capable, const struct cred *cred, struct user_namespace *ns,
	     int cap, unsigned int opts, int ret)
{
	if (!tr_wanted())
		return 0;
	cap_capable_done(task_state(0), cred, ns, cap, opts, ret, TR_CAP_VIA_FEXIT);
	return 0;
}

SEC("fexit/security_capable")
int BPF_PROG(fx_security_capable, const struct cred *cred, struct user_namespace *ns,
	     int cap, unsigned int opts, int ret)
{
	if (!tr_wanted())
		return 0;
	security_capable_done(task_state(0), cred, ns, cap, opts, ret, TR_CAP_VIA_FEXIT);
	return 0;
}

/* ---- variants: the capability:cap_capable tracepoint ---- */

static __always_inline void on_tracepoint(const void *ns, int cap, int ret, __u32 via)
{
	if (tr_filt.failed_only && !ret)
		return;
	if (!tr_wanted())
		return;
	emit(cap, 0, false, ret, ret ? TR_CAP_DENIED_KERNEL : TR_CAP_ALLOWED, via, ns);
}

SEC("tp_btf/cap_capable")
int BPF_PROG(btf_cap_capable, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	on_tracepoint(target_ns, cap, ret, TR_CAP_VIA_TP_BTF);
	return 0;
}

SEC("raw_tp/cap_capable")
int BPF_PROG(raw_cap_capable, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	on_tracepoint(target_ns, cap, ret, TR_CAP_VIA_RAW_TP);
	return 0;
}

/* events/capability/cap_capable/format, as the 6.18 kernel has it */
struct cap_capable_tp {
	__u64 common;
	__u64 cred;
	__u64 target_ns;
	__u64 capable_ns;
	__s32 cap;
	__s32 ret;
};

SEC("tracepoint/capability/cap_capable")
int tp_cap_capable(struct cap_capable_tp *ctx)
{
	on_tracepoint((const void *)ctx->target_ns, ctx->cap, ctx->ret,
		      TR_CAP_VIA_TRACEPOINT);
	return 0;
}

/* ---- variant: kprobes ---- */

SEC("kprobe/security_capable")
int BPF_KPROBE(kp_security_capable, const struct cred *cred, struct user_namespace *ns,
	       int cap, unsigned int opts)
{
	struct cap_thread *t;

	if (!tr_wanted())
		return 0;
	t = task_state(BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (t)
		call_begin(&t->sec, cred, ns, cap, opts);
	return 0;
}

SEC("kretprobe/security_capable")
int BPF_KRETPROBE(kr_security_capable, int ret)
{
	struct cap_thread *t = task_state(0);
	struct cap_call c;

	if (!t || !t->sec.active)
		return 0;
	c = t->sec;
	security_capable_done(t, (const void *)c.cred, (const void *)c.ns, c.cap,
			      c.opts, ret, TR_CAP_VIA_KPROBE);
	return 0;
}

SEC("kprobe/cap_capable")
int BPF_KPROBE(kp_cap_capable, const struct cred *cred, struct user_namespace *ns,
	       int cap, unsigned int opts)
{
	struct cap_thread *t;

	if (!tr_wanted())
		return 0;
	t = task_state(BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (t)
		call_begin(&t->cc, cred, ns, cap, opts);
	return 0;
}

SEC("kretprobe/cap_capable")
int BPF_KRETPROBE(kr_cap_capable, int ret)
{
	struct cap_thread *t = task_state(0);
	struct cap_call c;

	if (!t || !t->cc.active)
		return 0;
	c = t->cc;
	t->cc.active = 0;
	cap_capable_done(t, (const void *)c.cred, (const void *)c.ns, c.cap, c.opts,
			 ret, TR_CAP_VIA_KPROBE);
	return 0;
}
