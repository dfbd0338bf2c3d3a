// SPDX-License-Identifier: GPL-2.0
/*
 * tcp: TCP connects and accepts, each in the task that made it.
 *
 * A connect is seen where the socket goes from CLOSE to SYN_SENT
 * (sock:inet_sock_set_state, in the connecting task): the socket is kept
 * per thread, and the record is written at connect()'s exit, once the
 * kernel has chosen the local port (it does so after SYN_SENT).  An
 * accept is seen at accept()'s or accept4()'s exit: the handshake
 * completes in softirq, in whatever task was running, so the accepting
 * process is only known there; the socket comes from the new fd.
 * Variants: engine/trace_tcp.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"
#include "tcp.bpf.h"

/*
 * The connecting thread's socket, from SYN_SENT to connect()'s exit, and
 * its ends as they were then (all but the local port, chosen just after):
 * a connect that fails has them cleared by the time it returns.
 */
struct args {
	struct sock *sk;
	struct tr_tcp at_syn;
};

TR_PENDING(struct args);

/* -P: only connections with this port at one end or the other; 0: all */
const volatile __u16 filt_port = 0;

static __always_inline void state(struct sock *sk, int oldstate, int newstate)
{
	struct args a = { .sk = sk };

	if (oldstate != TR_TCP_CLOSE || newstate != TR_TCP_SYN_SENT)
		return;
	if (!tr_wanted() || !tr_tcp_sock(sk))
		return;
	tr_tcp_addrs(&a.at_syn, sk);
	tr_pending_put(&a);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(btf_state, struct sock *sk, int oldstate, int newstate)
{
	state(sk, oldstate, newstate);
	return 0;
}

SEC("tracepoint/sock/inet_sock_set_state")
int tp_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol == IPPROTO_TCP)
		state((struct sock *)ctx->skaddr, ctx->oldstate, ctx->newstate);
	return 0;
}

/* at_syn: a connect's ends at SYN_SENT, for a socket that has lost them */
static __always_inline void emit(struct sock *sk, __u32 dir, long ret,
				 const struct tr_tcp *at_syn)
{
	struct tr_tcp *e = tr_reserve(sizeof(*e));

	if (!e)
		return;
	tr_ident_fill(&e->h, dir);
	e->latency_ns = 0;
	e->ret = ret;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	tr_tcp_addrs(e, sk);
	/* a failed connect: the kernel released the port and cleared the peer */
	if (at_syn && !e->sport) {
		e->family = at_syn->family;
		e->dport = at_syn->dport;
		__builtin_memcpy(e->saddr, at_syn->saddr, sizeof(e->saddr));
		__builtin_memcpy(e->daddr, at_syn->daddr, sizeof(e->daddr));
	}
	if (filt_port && e->sport != filt_port && e->dport != filt_port)
		bpf_ringbuf_discard(e, 0);
	else
		bpf_ringbuf_submit(e, 0);
}

/* a connect that never reached SYN_SENT (UDP, an error) leaves nothing behind */
SEC("tracepoint/syscalls/sys_enter_connect")
int connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	tr_pending_drop();
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct args *a = tr_pending_get();

	if (!a)
		return 0;
	emit(a->sk, TR_TCP_CONNECT, ctx->ret, &a->at_syn);
	tr_pending_drop();
	return 0;
}

/* the socket behind the current task's descriptor fd, when it is one */
static __always_inline struct sock *sock_of_fd(long fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	struct socket *so;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return NULL;
	/* a socket's file points at it and it back at the file */
	so = BPF_CORE_READ(f, private_data);
	if (!so || BPF_CORE_READ(so, file) != f)
		return NULL;
	return BPF_CORE_READ(so, sk);
}

static __always_inline void accepted(long ret)
{
	struct sock *sk;

	if (ret < 0 || !tr_wanted())
		return;
	sk = sock_of_fd(ret);
	if (sk && tr_tcp_sock(sk))
		emit(sk, TR_TCP_ACCEPT, ret, NULL);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int accept_exit(struct trace_event_raw_sys_exit *ctx)
{
	accepted(ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int accept4_exit(struct trace_event_raw_sys_exit *ctx)
{
	accepted(ctx->ret);
	return 0;
}
