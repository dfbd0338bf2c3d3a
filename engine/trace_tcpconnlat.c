// SPDX-License-Identifier: GPL-2.0
/* tcpconnlat: TCP connect latency, SYN sent to connection established. */
#include "cli.h"
#include "tracers.h"
#include "trace_tcp.h"
#include "tcpconnlat.skel.h"
#include "util.h"

static void lat_json(struct json *j, const void *rec)
{
	const struct tr_tcp *e = rec;

	json_kstr(j, "direction", "connect");
	tcp_ends_json(j, e);
	json_ku64(j, "latency_us", e->latency_ns / 1000);
}

static void lat_row(FILE *out, const void *rec)
{
	const struct tr_tcp *e = rec;

	tcp_ends_row(out, e);
	fprintf(out, " %.3f", e->latency_ns / 1e6);
}

/* --min-ms MS */
static int min_parse(const char *arg, void *cfg)
{
	unsigned long long v;

	if (parse_u64(arg, 3600 * 1000, &v)) {
		out_err("tcpconnlat: bad --min-ms '%s' (milliseconds)", arg);
		return -1;
	}
	*(uint64_t *)cfg = v * 1000000;
	return 0;
}

static void min_rodata(void *skel, const void *cfg)
{
	((struct tcpconnlat_bpf *)skel)->rodata->min_ns = cfg ? *(const uint64_t *)cfg : 0;
}

static const struct tr_variant variants[] = {
	{ "fentry tcp_v{4,6}_connect + tcp_rcv_state_process",
	  "fe_v4_connect fe_v6_connect fe_rcv_state" },
	{ "kprobe tcp_v{4,6}_connect + tcp_rcv_state_process",
	  "kp_v4_connect kp_v6_connect kp_rcv_state" },
	{ "tp_btf sock:inet_sock_set_state", "btf_state" },
	{ "tracepoint sock:inet_sock_set_state", "tp_state" },
	{ NULL },
};

TRACER_SKEL(tcpconnlat)

const struct tracer_desc tcpconnlat_tracer = {
	.name = "tcpconnlat",
	.summary = "TCP connect latency: from the SYN sent to the connection established",
	.variants = variants,
	.rec_size = sizeof(struct tr_tcp),
	TRACER_SKEL_OPS(tcpconnlat),
	.json = lat_json,
	.columns = TCP_ENDS_COLUMNS " LAT(ms)",
	.row = lat_row,
	.val_opt = 'm',
	.val_long = "min-ms",
	.val_help = "MS      only connects that took at least MS ms",
	.cfg_size = sizeof(uint64_t),
	.val_parse = min_parse,
	.set_rodata = min_rodata,
	.notes =
	"The process is the one that called connect(); the record is written when\n"
	"the handshake completes.  Connects that fail (refused, timed out) are not\n"
	"reported.\n",
};
