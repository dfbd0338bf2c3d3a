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
 *
 * Where fentry/fexit or kprobes load (Debian's 6.1), no syscall
 * tracepoint is needed (those put every thread on the slow syscall path):
 * the socket and its ends at tcp_v4_connect()'s or tcp_v6_connect()'s exit
 * once the SYN is sent, connect()'s result at inet_stream_connect()'s
 * exit; an accepted socket at inet_csk_accept()'s exit, in the accepting
 * task, and its descriptor when fd_install() gives it one just after.
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

/* ---- variants: fentry/fexit and kprobes, no syscall tracepoint ---- */

/*
 * A socket inet_csk_accept() just returned to the thread, until
 * fd_install() gives it its descriptor (or, if the accept failed after
 * all, until the thread's next fd_install()).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct sock *);
} accepting SEC(".maps");

/* tcp_v{4,6}_connect() returned ret for sk: the SYN is sent when 0 */
static __always_inline void v_connected(struct sock *sk, int ret)
{
	struct args a = { .sk = sk };

	if (ret || !tr_wanted() || !tr_tcp_sock(sk))
		return;
	tr_tcp_addrs(&a.at_syn, sk);
	tr_pending_put(&a);
}

/* inet_stream_connect() returned ret: connect()'s result */
static __always_inline void stream_connected(long ret)
{
	struct args *a = tr_pending_get();

	if (!a)
		return;
	emit(a->sk, TR_TCP_CONNECT, ret, &a->at_syn);
	tr_pending_drop();
}

static __always_inline void csk_accepted(struct sock *newsk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (newsk && tr_wanted() && tr_tcp_sock(newsk))
		bpf_map_update_elem(&accepting, &tid, &newsk, BPF_ANY);
}

/* the accepted socket's descriptor, when file is its file */
static __always_inline void fd_installed(long fd, struct file *file)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sock **want = bpf_map_lookup_elem(&accepting, &tid);
	struct socket *so;
	struct sock *sk;

	if (!want)
		return;
	sk = *want;
	bpf_map_delete_elem(&accepting, &tid);
	so = BPF_CORE_READ(file, private_data);
	if (so && BPF_CORE_READ(so, file) == file && BPF_CORE_READ(so, sk) == sk)
		emit(sk, TR_TCP_ACCEPT, fd, NULL);
}

SEC("fentry/inet_stream_connect")
int BPF_PROG(fe_stream_connect)
{
	tr_pending_drop();
	return 0;
}

SEC("fexit/tcp_v4_connect")
int BPF_PROG(fx_v4_connect, struct sock *sk, struct sockaddr *uaddr, int len, int ret)
{
	v_connected(sk, ret);
	return 0;
}

SEC("fexit/tcp_v6_connect")
int BPF_PROG(fx_v6_connect, struct sock *sk, struct sockaddr *uaddr, int len, int ret)
{
	v_connected(sk, ret);
	return 0;
}

/* its arguments differ between kernels: the result through the helper */
SEC("fexit/inet_stream_connect")
int BPF_PROG(fx_stream_connect)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	stream_connected((int)ret);
	return 0;
}

/* 6.1: (sk, flags, err, kern); 6.10 on: (sk, arg) */
SEC("fexit/inet_csk_accept")
int BPF_PROG(fx_csk_accept)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	csk_accepted((struct sock *)ret);
	return 0;
}

SEC("fentry/fd_install")
int BPF_PROG(fe_fd_install, unsigned int fd, struct file *file)
{
	fd_installed(fd, file);
	return 0;
}

/* kprobes: the socket from the entry, for the return probe */
SEC("kprobe/inet_stream_connect")
int BPF_KPROBE(kp_stream_connect)
{
	tr_pending_drop();
	return 0;
}

static __always_inline void kp_v_connect(struct sock *sk)
{
	struct args a = { .sk = sk };

	if (tr_wanted())
		tr_pending_put(&a);
}

static __always_inline void kr_v_connect(int ret)
{
	struct args *a = tr_pending_get();
	struct sock *sk;

	if (!a)
		return;
	sk = a->sk;
	if (ret || !tr_tcp_sock(sk)) {
		tr_pending_drop();
		return;
	}
	tr_tcp_addrs(&a->at_syn, sk);
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(kp_v4_connect, struct sock *sk)
{
	kp_v_connect(sk);
	return 0;
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(kr_v4_connect, int ret)
{
	kr_v_connect(ret);
	return 0;
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(kp_v6_connect, struct sock *sk)
{
	kp_v_connect(sk);
	return 0;
}

SEC("kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(kr_v6_connect, int ret)
{
	kr_v_connect(ret);
	return 0;
}

SEC("kretprobe/inet_stream_connect")
int BPF_KRETPROBE(kr_stream_connect, int ret)
{
	stream_connected(ret);
	return 0;
}

SEC("kretprobe/inet_csk_accept")
int BPF_KRETPROBE(kr_csk_accept, struct sock *newsk)
{
	csk_accepted(newsk);
	return 0;
}

SEC("kprobe/fd_install")
int BPF_KPROBE(kp_fd_install, unsigned int fd, struct file *file)
{
	fd_installed(fd, file);
	return 0;
}
