// SPDX-License-Identifier: GPL-2.0
/* tcp: TCP connects and accepts, with the process that made them. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "names.h"
#include "tracers.h"
#include "trace_tcp.h"
#include "tcp.skel.h"
#include "util.h"

_Static_assert(sizeof(struct tr_tcp) == sizeof(struct tr_ident) + 56,
	       "struct tr_tcp: padding changed");

static const char *addr_str(const struct tr_tcp *e, const __u8 *a, char *buf,
			    size_t len)
{
	if (!inet_ntop(e->family == AF_INET6 ? AF_INET6 : AF_INET, a, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

void tcp_ends_json(struct json *j, const struct tr_tcp *e)
{
	char buf[INET6_ADDRSTRLEN];

	json_kstr(j, "family", e->family == AF_INET6 ? "ipv6" : "ipv4");
	json_kstr(j, "saddr", addr_str(e, e->saddr, buf, sizeof(buf)));
	/* a connect that failed: the kernel had released the port */
	json_key(j, "sport");
	if (e->sport)
		json_u64(j, e->sport);
	else
		json_null(j);
	json_kstr(j, "daddr", addr_str(e, e->daddr, buf, sizeof(buf)));
	json_ku64(j, "dport", e->dport);
}

void tcp_ends_row(FILE *out, const struct tr_tcp *e)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	fprintf(out, "%-2d %-25s %-5u %-25s %-5u", e->family == AF_INET6 ? 6 : 4,
		addr_str(e, e->saddr, s, sizeof(s)), e->sport,
		addr_str(e, e->daddr, d, sizeof(d)), e->dport);
}

static void tcp_json(struct json *j, const void *rec)
{
	const struct tr_tcp *e = rec;

	json_kstr(j, "direction", e->h.kind == TR_TCP_ACCEPT ? "accept" : "connect");
	tcp_ends_json(j, e);
	if (e->h.kind == TR_TCP_ACCEPT) {
		json_ki64(j, "fd", e->ret);
		return;
	}
	json_ki64(j, "ret", e->ret);
	if (e->ret < 0 && errno_symbol(-e->ret))
		json_kstr(j, "errno", errno_symbol(-e->ret));
}

static void tcp_row(FILE *out, const void *rec)
{
	const struct tr_tcp *e = rec;
	const char *res = "0";
	char buf[16];

	if (e->h.kind == TR_TCP_ACCEPT) {
		snprintf(buf, sizeof(buf), "fd %d", e->ret);
		res = buf;
	} else if (e->ret < 0) {
		res = errno_symbol(-e->ret) ? errno_symbol(-e->ret) : "error";
	}
	fprintf(out, "%-7s ", e->h.kind == TR_TCP_ACCEPT ? "accept" : "connect");
	tcp_ends_row(out, e);
	fprintf(out, " %s", res);
}

/* -P PORT */
static int port_parse(const char *arg, void *cfg)
{
	unsigned long long v;

	if (parse_u64(arg, 65535, &v) || !v) {
		out_err("tcp: bad port '%s' (1 to 65535)", arg);
		return -1;
	}
	*(uint16_t *)cfg = v;
	return 0;
}

static void port_rodata(void *skel, const void *cfg)
{
	((struct tcp_bpf *)skel)->rodata->filt_port = cfg ? *(const uint16_t *)cfg : 0;
}

static const struct tr_variant variants[] = {
	{ "fexit tcp_v{4,6}_connect, inet_stream_connect, inet_csk_accept + "
	  "fentry fd_install",
	  "fe_stream_connect fx_v4_connect fx_v6_connect fx_stream_connect "
	  "fx_csk_accept fe_fd_install" },
	{ "kprobe tcp_v{4,6}_connect, inet_stream_connect, inet_csk_accept, "
	  "fd_install (+ kretprobes)",
	  "kp_stream_connect kp_v4_connect kr_v4_connect kp_v6_connect "
	  "kr_v6_connect kr_stream_connect kr_csk_accept kp_fd_install" },
	{ "tp_btf sock:inet_sock_set_state + tracepoint syscalls:sys_{enter,exit}_connect, "
	  "sys_exit_accept{,4}",
	  "btf_state connect_enter connect_exit accept_exit accept4_exit" },
	{ "tracepoint sock:inet_sock_set_state + syscalls:sys_{enter,exit}_connect, "
	  "sys_exit_accept{,4}",
	  "tp_state connect_enter connect_exit accept_exit accept4_exit" },
	{ NULL },
};

TRACER_SKEL(tcp)

const struct tracer_desc tcp_tracer = {
	.name = "tcp",
	.summary = "TCP connects and accepts: the process, both addresses and ports",
	.variants = variants,
	.rec_size = sizeof(struct tr_tcp),
	TRACER_SKEL_OPS(tcp),
	.json = tcp_json,
	.columns = "DIR     " TCP_ENDS_COLUMNS " RESULT",
	.row = tcp_row,
	.val_opt = 'P',
	.val_long = "port",
	.val_help = "PORT      only connections with this port at one end",
	.cfg_size = sizeof(uint16_t),
	.val_parse = port_parse,
	.set_rodata = port_rodata,
	.notes =
	"A connect is reported at connect()'s exit when it started a handshake\n"
	"(RESULT: 0, or EINPROGRESS for a non-blocking socket, or the error);\n"
	"an accept at accept()'s or accept4()'s exit, in the accepting process.\n"
	"SADDR/SPORT are always this end, DADDR/DPORT the peer.\n",
};
