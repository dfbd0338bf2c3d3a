/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tcp and tcpconnlat tracers' record, shared by bpf/tcp.bpf.c,
 * bpf/tcpconnlat.bpf.c and the engine.
 */
#ifndef BULWARK_TCP_H
#define BULWARK_TCP_H

#include "trace.h"

enum { TR_TCP_CONNECT = 1, TR_TCP_ACCEPT };

struct tr_tcp {
	struct tr_ident h;	/* bpf/trace.h; kind: TR_TCP_* */
	__u64 latency_ns;	/* tcpconnlat: SYN_SENT to ESTABLISHED */
	__s32 ret;		/* tcp: connect's return value; accept's fd */
	__u16 family;		/* AF_INET, AF_INET6 */
	__u16 sport;		/* the local port, host order */
	__u16 dport;		/* the peer's port, host order */
	__u16 pad[3];
	__u8 saddr[16];		/* local address: AF_INET in the first 4 bytes */
	__u8 daddr[16];		/* the peer's */
};

#endif
