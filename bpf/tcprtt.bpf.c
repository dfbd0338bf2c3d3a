// SPDX-License-Identifier: GPL-2.0
/*
 * tcprtt: the smoothed round-trip time of established TCP connections,
 * summed into log2 histograms, one per address with -b/-B.  Every
 * segment an established socket receives goes through
 * tcp_rcv_established(), which fires tcp:tcp_probe first thing; the
 * socket's srtt_us (8 times the smoothed RTT) is read there.  It runs in
 * softirq as often as not, so the process filters do not apply.
 * Variants: engine/trace_tcprtt.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.bpf.h"
#include "tcp.bpf.h"
#include "tcprtt.h"

const volatile struct tcprtt_cfg rtt_cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct tcprtt_key);
	__type(value, struct tcprtt_hist);
} rtt_hists SEC(".maps");

/* floor(log2(v)), 0 for 0 */
static __always_inline __u32 log2_u32(__u32 v)
{
	__u32 r = 0;

	for (int s = 16; s > 0; s >>= 1) {
		if (v >> s) {
			v >>= s;
			r += s;
		}
	}
	return r;
}

static __always_inline bool addr_match(__u16 want_family, const volatile __u8 *want,
				       __u16 family, const __u8 *addr)
{
	int n = family == AF_INET6 ? 16 : 4;

	if (!want_family)
		return true;
	if (family != want_family)
		return false;
	for (int i = 0; i < 16; i++)
		if (i < n && want[i] != addr[i])
			return false;
	return true;
}

/* One segment received on a socket of these ends, with this srtt (us). */
static __always_inline void account(__u16 family, __u16 lport, __u16 rport,
				    const __u8 *laddr, const __u8 *raddr, __u32 srtt)
{
	struct tcprtt_key key = {};
	struct tcprtt_hist *h;
	__u32 slot;

	if (family != AF_INET && family != AF_INET6)
		return;
	if ((rtt_cfg.lport && lport != rtt_cfg.lport) ||
	    (rtt_cfg.rport && rport != rtt_cfg.rport))
		return;
	if (!addr_match(rtt_cfg.lfamily, rtt_cfg.laddr, family, laddr) ||
	    !addr_match(rtt_cfg.rfamily, rtt_cfg.raddr, family, raddr))
		return;
	if (rtt_cfg.by != TCPRTT_BY_NONE) {
		key.family = family;
		__builtin_memcpy(key.addr, rtt_cfg.by == TCPRTT_BY_LADDR ? laddr : raddr,
				 sizeof(key.addr));
	}
	if (rtt_cfg.ms)
		srtt /= 1000;
	slot = log2_u32(srtt);
	if (slot >= TCPRTT_SLOTS)
		slot = TCPRTT_SLOTS - 1;
	h = bpf_map_lookup_elem(&rtt_hists, &key);
	if (!h) {
		struct tcprtt_hist zero = {};

		bpf_map_update_elem(&rtt_hists, &key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&rtt_hists, &key);
		if (!h)
			return;
	}
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->sum, srtt);
	__sync_fetch_and_add(&h->count, 1);
}

static __always_inline void from_sock(struct sock *sk)
{
	struct tr_tcp e;
	__u32 srtt = BPF_CORE_READ((struct tcp_sock *)sk, srtt_us) >> 3;

	tr_tcp_addrs(&e, sk);
	account(e.family, e.sport, e.dport, e.saddr, e.daddr, srtt);
}

SEC("fentry/tcp_rcv_established")
int BPF_PROG(rtt_fentry, struct sock *sk)
{
	from_sock(sk);
	return 0;
}

SEC("kprobe/tcp_rcv_established")
int BPF_KPROBE(rtt_kprobe, struct sock *sk)
{
	from_sock(sk);
	return 0;
}

SEC("tp_btf/tcp_probe")
int BPF_PROG(rtt_btf, struct sock *sk, struct sk_buff *skb)
{
	from_sock(sk);
	return 0;
}

SEC("raw_tp/tcp_probe")
int BPF_PROG(rtt_raw, struct sock *sk, struct sk_buff *skb)
{
	from_sock(sk);
	return 0;
}

/*
 * The tracepoint's copy: the ends as struct sockaddr_in or _in6, read
 * whole (the verifier takes no offset into the context for a load).
 */
SEC("tracepoint/tcp/tcp_probe")
int rtt_tp(struct trace_event_raw_tcp_probe *ctx)
{
	__u8 sa[28], da[28], l[16] = {}, r[16] = {};
	__u16 family;

	if (bpf_probe_read_kernel(sa, sizeof(sa), ctx->saddr) ||
	    bpf_probe_read_kernel(da, sizeof(da), ctx->daddr))
		return 0;
	family = *(__u16 *)sa;
	if (family == AF_INET6) {
		__builtin_memcpy(l, sa + 8, 16);
		__builtin_memcpy(r, da + 8, 16);
	} else {
		__builtin_memcpy(l, sa + 4, 4);
		__builtin_memcpy(r, da + 4, 4);
	}
	account(family, ctx->sport, ctx->dport, l, r, ctx->srtt);
	return 0;
}
