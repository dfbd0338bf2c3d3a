// SPDX-License-Identifier: GPL-2.0
/*
 * tcpconnlat: how long each TCP connect took, from SYN_SENT to ESTABLISHED
 * (both from sock:inet_sock_set_state).  The first runs in the connecting
 * task, which is kept with the time in a map keyed by the socket; the
 * second runs in softirq when the SYN-ACK arrives, in whatever task was
 * running, so the record carries the identity kept at the start.
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

static __always_inline void state(struct sock *sk, int oldstate, int newstate)
{
	struct tr_ident *h;
	struct tr_tcp *e;
	__u64 now;

	if (newstate == TR_TCP_SYN_SENT) {
		struct tr_ident id;

		if (oldstate != TR_TCP_CLOSE || !tr_wanted() || !tr_tcp_sock(sk))
			return;
		tr_ident_fill(&id, TR_TCP_CONNECT);
		bpf_map_update_elem(&started, &sk, &id, BPF_ANY);
		return;
	}
	if (oldstate != TR_TCP_SYN_SENT)
		return;
	h = bpf_map_lookup_elem(&started, &sk);
	if (!h)
		return;
	/* a connect that failed (to CLOSE) has no latency to report */
	if (newstate != TR_TCP_ESTABLISHED)
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
