/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tcp and tcpconnlat tracers share: a TCP socket's addresses and
 * ports into their record.
 */
#ifndef BULWARK_TCP_BPF_H
#define BULWARK_TCP_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tcp.h"

#define AF_INET		2
#define AF_INET6	10
#define IPPROTO_TCP	6

/* include/net/tcp_states.h */
enum {
	TR_TCP_ESTABLISHED = 1, TR_TCP_SYN_SENT, TR_TCP_SYN_RECV,
	TR_TCP_CLOSE = 7,
};

static __always_inline __u16 tr_ntohs(__u16 v)
{
	return __builtin_bswap16(v);	/* x86 and arm64 are little-endian */
}

/* Is sk an IPv4 or IPv6 TCP socket? */
static __always_inline bool tr_tcp_sock(struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	return BPF_CORE_READ(sk, sk_protocol) == IPPROTO_TCP &&
	       (family == AF_INET || family == AF_INET6);
}

/* sk's addresses and ports into e: ours as s, the peer's as d */
static __always_inline void tr_tcp_addrs(struct tr_tcp *e, struct sock *sk)
{
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = tr_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	__builtin_memset(e->saddr, 0, sizeof(e->saddr));
	__builtin_memset(e->daddr, 0, sizeof(e->daddr));
	if (e->family == AF_INET6) {
		BPF_CORE_READ_INTO(&e->saddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&e->daddr, sk, __sk_common.skc_v6_daddr);
	} else {
		BPF_CORE_READ_INTO((__u32 *)e->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)e->daddr, sk, __sk_common.skc_daddr);
	}
}

#endif
