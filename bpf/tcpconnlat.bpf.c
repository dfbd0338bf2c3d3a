// SPDX-License-Identifier: GPL-2.0
/*
 * tcpconnlat: how long each TCP connect took, from SYN_SENT to ESTABLISHED
 * (both from sock:inet_sock_set_state).  The first runs in the connecting
 * task, which is kept with the time in a map keyed by the socket; the
 * second runs in softirq when the SYN-ACK arrives, in whatever task was
 * running, so the record carries the identity kept at the start.
 *
 * Where fentry or kprobes load (Debian's 6.1): the start at
 * tcp_v4_connect()'s or tcp_v6_connect()'s entry, in the connecting task,
 * and the end at tcp_rcv_state_process()'s entry for a socket in SYN_SENT
 * when the segment is the SYN-ACK (a RST: the connect failed, no record).
 * Variants: engine/trace_tcpconnlat.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"
#include "tcp.bpf.h"

/* sockets in SYN_SENT: who connected, and when (h.ts) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sock *);
	__type(value, struct tr_ident);
} started SEC(".maps");

/* --min-ms: only connects that took at least this long; 0: all */
const volatile __u64 min_ns = 0;

/* the connecting task starts a connect on sk */
static __always_inline void start(struct sock *sk)
{
	struct tr_ident id;

	if (!tr_wanted() || !tr_tcp_sock(sk))
		return;
	tr_ident_fill(&id, TR_TCP_CONNECT);
	bpf_map_update_elem(&started, &sk, &id, BPF_ANY);
}

/* sk's connect ended: established, or failed (no latency to report) */
static __always_inline void end(struct sock *sk, bool established)
{
	struct tr_ident *h;
	struct tr_tcp *e;
	__u64 now;

	h = bpf_map_lookup_elem(&started, &sk);
	if (!h)
		return;
	if (!established)
		goto done;
	now = bpf_ktime_get_boot_ns();
	if (now - h->ts < min_ns)
		goto done;
	e = tr_reserve(sizeof(*e));
	if (!e)
		goto done;
	e->h = *h;
	e->h.ts = now;
	e->latency_ns = now - h->ts;
	e->ret = 0;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	tr_tcp_addrs(e, sk);
	bpf_ringbuf_submit(e, 0);
done:
	bpf_map_delete_elem(&started, &sk);
}

static __always_inline void state(struct sock *sk, int oldstate, int newstate)
{
	if (newstate == TR_TCP_SYN_SENT) {
		if (oldstate == TR_TCP_CLOSE)
			start(sk);
		return;
	}
	if (oldstate == TR_TCP_SYN_SENT)
		end(sk, newstate == TR_TCP_ESTABLISHED);
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

/* ---- variants: fentry and kprobes ---- */

#define TCP_FLAG_RST	0x04	/* byte 13 of the TCP header */
#define TCP_FLAG_SYN	0x02
#define TCP_FLAG_ACK	0x10

/* a segment for sk arrives: in SYN_SENT, a SYN-ACK or a RST ends the connect */
static __always_inline void segment(struct sock *sk, struct sk_buff *skb)
{
	unsigned char *head;
	__u16 th;
	__u8 flags = 0;

	if (BPF_CORE_READ(sk, __sk_common.skc_state) != TR_TCP_SYN_SENT)
		return;
	head = BPF_CORE_READ(skb, head);
	th = BPF_CORE_READ(skb, transport_header);
	if (bpf_probe_read_kernel(&flags, 1, head + th + 13))
		return;
	if (flags & TCP_FLAG_RST)
		end(sk, false);
	else if ((flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK))
		end(sk, true);
}

SEC("fentry/tcp_v4_connect")
int BPF_PROG(fe_v4_connect, struct sock *sk)
{
	start(sk);
	return 0;
}

SEC("fentry/tcp_v6_connect")
int BPF_PROG(fe_v6_connect, struct sock *sk)
{
	start(sk);
	return 0;
}

SEC("fentry/tcp_rcv_state_process")
int BPF_PROG(fe_rcv_state, struct sock *sk, struct sk_buff *skb)
{
	segment(sk, skb);
	return 0;
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(kp_v4_connect, struct sock *sk)
{
	start(sk);
	return 0;
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(kp_v6_connect, struct sock *sk)
{
	start(sk);
	return 0;
}

SEC("kprobe/tcp_rcv_state_process")
int BPF_KPROBE(kp_rcv_state, struct sock *sk, struct sk_buff *skb)
{
	segment(sk, skb);
	return 0;
}
