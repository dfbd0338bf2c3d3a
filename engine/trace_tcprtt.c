// SPDX-License-Identifier: GPL-2.0
/*
 * tcprtt: the smoothed RTT of established TCP connections as log2
 * histograms, as libbpf-tools' tcprtt shows them.  A summary tracer: the
 * kernel sums into rtt_hists, summarize() reads and empties it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "hist.h"
#include "tracers.h"
#include "tcprtt.h"
#include "tcprtt.skel.h"
#include "util.h"

enum { OPT_NA_LONG = 0x300 };	/* a shared option that does not apply */

static const struct option rtt_opts[] = {
	{ "lport", required_argument, NULL, 'p' },
	{ "rport", required_argument, NULL, 'P' },
	{ "laddr", required_argument, NULL, 'a' },
	{ "raddr", required_argument, NULL, 'A' },
	{ "byladdr", no_argument, NULL, 'b' },
	{ "byraddr", no_argument, NULL, 'B' },
	{ "extension", no_argument, NULL, 'e' },
	{ "millisecond", no_argument, NULL, 'm' },
	{ "pid", required_argument, NULL, OPT_NA_LONG },
	{ "comm", required_argument, NULL, 'c' },
	{ "uid", required_argument, NULL, 'u' },
	{ "cgroup", required_argument, NULL, OPT_NA_LONG },
	{ "container", required_argument, NULL, OPT_NA_LONG },
	{ NULL, 0, NULL, 0 },
};

static int port_arg(const char *what, const char *arg, __u16 *port)
{
	unsigned long long v;

	if (parse_u64(arg, 65535, &v) || !v) {
		out_err("tcprtt: bad %s '%s' (1 to 65535)", what, arg);
		return -1;
	}
	*port = v;
	return 0;
}

static int addr_arg(const char *what, const char *arg, __u16 *family, __u8 *addr)
{
	if (inet_pton(AF_INET, arg, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, arg, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	out_err("tcprtt: bad %s '%s' (an IPv4 or IPv6 address)", what, arg);
	return -1;
}

static int rtt_opt(int c, const char *arg, void *cfgp)
{
	struct tcprtt_cfg *cfg = cfgp;

	switch (c) {
	case 'p':
		return port_arg("local port", arg, &cfg->lport);
	case 'P':
		return port_arg("remote port", arg, &cfg->rport);
	case 'a':
		return addr_arg("local address", arg, &cfg->lfamily, cfg->laddr);
	case 'A':
		return addr_arg("remote address", arg, &cfg->rfamily, cfg->raddr);
	case 'b':
	case 'B':
		if (cfg->by && cfg->by != (c == 'b' ? TCPRTT_BY_LADDR : TCPRTT_BY_RADDR)) {
			out_err("tcprtt: -b and -B exclude each other");
			return -1;
		}
		cfg->by = c == 'b' ? TCPRTT_BY_LADDR : TCPRTT_BY_RADDR;
		return 0;
	case 'e':
		cfg->extended = 1;
		return 0;
	case 'm':
		cfg->ms = 1;
		return 0;
	}
	out_err("tcprtt: the process filters do not apply: RTTs are measured in softirq");
	return -1;
}

static void rtt_rodata(void *skel, const void *cfg)
{
	struct tcprtt_cfg *rc = (struct tcprtt_cfg *)&((struct tcprtt_bpf *)skel)->rodata->rtt_cfg;

	if (cfg)
		*rc = *(const struct tcprtt_cfg *)cfg;
	else
		memset(rc, 0, sizeof(*rc));
}

struct rtt_ent {
	struct tcprtt_key k;
	struct tcprtt_hist h;
};

static int ent_cmp(const void *a, const void *b)
{
	const struct rtt_ent *x = a, *y = b;

	if (x->k.family != y->k.family)
		return x->k.family < y->k.family ? -1 : 1;
	return memcmp(x->k.addr, y->k.addr, sizeof(x->k.addr));
}

/* Every histogram of the map (taken out of it when clear), sorted by address. */
static int read_hists(int fd, bool clear, struct rtt_ent **out, size_t *n)
{
	struct tcprtt_key key, *prev = NULL;
	struct rtt_ent *v = NULL;
	size_t cnt = 0;

	while (!bpf_map_get_next_key(fd, prev, &key)) {
		v = xreallocarray(v, cnt + 1, sizeof(*v));
		v[cnt].k = key;
		prev = &v[cnt++].k;
	}
	for (size_t i = 0; i < cnt; i++) {
		int r = clear ? bpf_map_lookup_and_delete_elem(fd, &v[i].k, &v[i].h)
			      : bpf_map_lookup_elem(fd, &v[i].k, &v[i].h);

		/* gone meanwhile: nothing counted in it since it was read */
		if (r && errno == ENOENT)
			memset(&v[i].h, 0, sizeof(v[i].h));
		else if (r) {
			int err = -errno;

			free(v);
			return err;
		}
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), ent_cmp);
	*out = v;
	*n = cnt;
	return 0;
}

static const char *key_addr(const struct tcprtt_key *k, char *buf, size_t len)
{
	if (!inet_ntop(k->family == AF_INET6 ? AF_INET6 : AF_INET, k->addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static void hist_table(FILE *out, const struct tcprtt_cfg *c, const struct rtt_ent *e)
{
	char a[INET6_ADDRSTRLEN];

	if (c->by == TCPRTT_BY_LADDR)
		fprintf(out, "Local Address = %s ", key_addr(&e->k, a, sizeof(a)));
	else if (c->by == TCPRTT_BY_RADDR)
		fprintf(out, "Remote Address = %s ", key_addr(&e->k, a, sizeof(a)));
	else
		fprintf(out, "All Addresses = ****** ");
	if (c->extended)
		fprintf(out, "[AVG %llu]", (unsigned long long)(e->h.sum / e->h.count));
	fputc('\n', out);
	log2_hist_print(out, e->h.slots, TCPRTT_SLOTS, c->ms ? "msecs" : "usecs");
	fputc('\n', out);
}

static void hist_json(struct json *j, const struct tcprtt_cfg *c, const struct rtt_ent *e)
{
	char a[INET6_ADDRSTRLEN];

	json_obj_begin(j);
	if (c->by) {
		json_kstr(j, "family", e->k.family == AF_INET6 ? "ipv6" : "ipv4");
		json_kstr_rt(j, c->by == TCPRTT_BY_LADDR ? "laddr" : "raddr",
			  key_addr(&e->k, a, sizeof(a)));
	}
	json_ku64(j, "count", e->h.count);
	json_ku64(j, "sum", e->h.sum);
	json_ku64(j, "avg", e->h.sum / e->h.count);
	json_key(j, "buckets");
	log2_hist_json(j, e->h.slots, TCPRTT_SLOTS);
	json_obj_end(j);
}

static int rtt_summarize(const struct tr_inst *t, const void *cfg,
			 const struct tr_emit *e, bool clear)
{
	static const struct tcprtt_cfg none;
	const struct tcprtt_cfg *c = cfg ? cfg : &none;
	struct tcprtt_bpf *skel = t->skel;
	struct rtt_ent *v = NULL;
	struct json *j;
	size_t n = 0, shown = 0;
	int ret = read_hists(bpf_map__fd(skel->maps.rtt_hists), clear, &v, &n);

	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++)
		shown += v[i].h.count != 0;
	if (!shown || e->table) {
		for (size_t i = 0; i < n; i++)
			if (v[i].h.count)
				hist_table(e->table, c, &v[i]);
		free(v);
		return 0;
	}
	j = e->begin(e->ctx);
	json_kstr(j, "unit", c->ms ? "msecs" : "usecs");
	json_key(j, "hists");
	json_arr_begin(j);
	for (size_t i = 0; i < n; i++)
		if (v[i].h.count)
			hist_json(j, c, &v[i]);
	json_arr_end(j);
	e->end(e->ctx);
	free(v);
	return 0;
}

static const struct tr_variant variants[] = {
	{ "fentry tcp_rcv_established", "rtt_fentry" },
	{ "tp_btf tcp:tcp_probe", "rtt_btf" },
	{ "raw_tp tcp:tcp_probe", "rtt_raw" },
	{ "kprobe tcp_rcv_established", "rtt_kprobe" },
	{ "tracepoint tcp:tcp_probe", "rtt_tp" },
	{ NULL },
};

TRACER_SKEL(tcprtt)

const struct tracer_desc tcprtt_tracer = {
	.name = "tcprtt",
	.summary = "TCP round-trip times (smoothed) as log2 histograms, per interval",
	.variants = variants,
	.rec_size = sizeof(struct tr_ident),
	TRACER_SKEL_OPS(tcprtt),
	.cfg_size = sizeof(struct tcprtt_cfg),
	.set_rodata = rtt_rodata,
	.opts = rtt_opts,
	.shorts = "p:P:a:A:bBemc:u:",
	.opt = rtt_opt,
	.opts_help =
	"  -p, --lport PORT     only connections with this local port\n"
	"  -P, --rport PORT     only connections with this remote port\n"
	"  -a, --laddr ADDR     only connections with this local address\n"
	"  -A, --raddr ADDR     only connections with this remote address\n"
	"  -b, --byladdr        a histogram per local address\n"
	"  -B, --byraddr        a histogram per remote address\n"
	"  -e, --extension      the average RTT above each histogram\n"
	"  -m, --millisecond    milliseconds, not microseconds\n",
	.summarize = rtt_summarize,
	.interval_default = 0,
	.notes =
	"Each segment an established connection receives counts once, with the\n"
	"connection's smoothed RTT at that moment.  It is measured in softirq as\n"
	"often as not, so -p is the local port here and the process filters\n"
	"(pid, comm, uid, cgroup, container) do not apply.\n",
};
