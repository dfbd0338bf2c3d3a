// SPDX-License-Identifier: GPL-2.0
/*
 * files: reads and writes per process and file, the busiest first, as
 * libbpf-tools' filetop shows them.  A summary tracer: the kernel sums
 * into files_stats, summarize() reads and empties it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "files.h"
#include "files.skel.h"
#include "tracers.h"
#include "util.h"

enum files_sort { SORT_ALL, SORT_READS, SORT_WRITES, SORT_RBYTES, SORT_WBYTES };
static const char *const sort_names[] = { "all", "reads", "writes", "rbytes", "wbytes" };

struct files_cfg {
	unsigned int rows;	/* 0: the default, 20 */
	int sort;		/* enum files_sort + 1; 0: the default, rbytes */
	bool all;		/* -a: not only regular files */
};

#define ROWS_DEFAULT 20

static const struct option files_opts[] = {
	{ "sort", required_argument, NULL, 's' },
	{ "rows", required_argument, NULL, 'r' },
	{ "all", no_argument, NULL, 'a' },
	{ "noclear", no_argument, NULL, 'C' },
	{ NULL, 0, NULL, 0 },
};

static int files_opt(int c, const char *arg, void *cfgp)
{
	struct files_cfg *cfg = cfgp;
	unsigned long long v;

	switch (c) {
	case 's':
		for (size_t i = 0; i < ARRAY_SIZE(sort_names); i++)
			if (!strcmp(arg, sort_names[i])) {
				cfg->sort = i + 1;
				return 0;
			}
		out_err("files: bad sort key '%s' (all, reads, writes, rbytes, wbytes)", arg);
		return -1;
	case 'r':
		if (parse_u64(arg, 100000, &v) || !v) {
			out_err("files: bad row count '%s'", arg);
			return -1;
		}
		cfg->rows = v;
		return 0;
	case 'a':
		cfg->all = true;
		return 0;
	case 'C':
		return 0;	/* the screen is never cleared */
	}
	return -1;
}

static void files_rodata(void *skel, const void *cfg)
{
	const struct files_cfg *c = cfg;

	((struct files_bpf *)skel)->rodata->files_all = c && c->all;
}

struct files_ent {
	struct files_key k;
	struct files_val v;
};

static int sort_key;	/* qsort has no context */

static unsigned long long sort_value(const struct files_val *v)
{
	switch (sort_key) {
	case SORT_ALL:
		return v->reads + v->writes + v->rbytes + v->wbytes;
	case SORT_READS:
		return v->reads;
	case SORT_WRITES:
		return v->writes;
	case SORT_WBYTES:
		return v->wbytes;
	}
	return v->rbytes;
}

/* the largest first; ties by pid, then inode, so that output is stable */
static int ent_cmp(const void *a, const void *b)
{
	const struct files_ent *x = a, *y = b;
	unsigned long long vx = sort_value(&x->v), vy = sort_value(&y->v);

	if (vx != vy)
		return vx > vy ? -1 : 1;
	if (x->k.tgid != y->k.tgid)
		return x->k.tgid < y->k.tgid ? -1 : 1;
	return x->k.ino < y->k.ino ? -1 : x->k.ino > y->k.ino;
}

/* Every entry of the map (taken out of it when clear). */
static int read_stats(int fd, bool clear, struct files_ent **out, size_t *n)
{
	struct files_key key, *prev = NULL;
	struct files_ent *e = NULL;
	size_t cnt = 0, kept = 0;

	while (!bpf_map_get_next_key(fd, prev, &key)) {
		e = xreallocarray(e, cnt + 1, sizeof(*e));
		e[cnt].k = key;
		prev = &e[cnt++].k;
	}
	for (size_t i = 0; i < cnt; i++) {
		int r = clear ? bpf_map_lookup_and_delete_elem(fd, &e[i].k, &e[i].v)
			      : bpf_map_lookup_elem(fd, &e[i].k, &e[i].v);

		if (r && errno != ENOENT) {
			int err = -errno;

			free(e);
			return err;
		}
		if (!r)
			e[kept++] = e[i];
	}
	*out = e;
	*n = kept;
	return 0;
}

static const char *type_name(__u8 t)
{
	switch (t) {
	case FILES_REGULAR:
		return "regular";
	case FILES_SOCKET:
		return "socket";
	case FILES_PIPE:
		return "pipe";
	}
	return "other";
}

/* The path the kernel walked; an anonymous file by its type and inode. */
static void path_of(const struct files_ent *e, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	if (!e->v.depth) {
		if (e->v.type == FILES_REGULAR || e->v.type == FILES_OTHER)
			snprintf(buf, len, e->v.whole ? "/" : "?");
		else
			snprintf(buf, len, "%s:[%llu]", type_name(e->v.type),
				 (unsigned long long)e->k.ino);
		return;
	}
	if (!e->v.whole)
		used = snprintf(buf, len, "...");
	for (int i = e->v.depth - 1; i >= 0 && used < len; i--)
		used += snprintf(buf + used, len - used, "/%.*s", FILES_NAME,
				 e->v.names[i]);
}

static void files_row(FILE *out, const struct files_ent *e)
{
	char path[FILES_DEPTH * FILES_NAME + 8];
	char t = e->v.type == FILES_REGULAR ? 'R' : e->v.type == FILES_SOCKET ? 'S' : 'O';

	path_of(e, path, sizeof(path));
	fprintf(out, "%-7u %-16.16s %-6llu %-6llu %-7llu %-7llu %c %s\n", e->k.tgid,
		e->v.comm, (unsigned long long)e->v.reads, (unsigned long long)e->v.writes,
		(unsigned long long)e->v.rbytes / 1024, (unsigned long long)e->v.wbytes / 1024,
		t, path);
}

static void files_table(FILE *out, const struct files_ent *e, size_t n, size_t rows)
{
	char ts[16], load[128] = "";
	time_t now = time(NULL);
	struct tm tm;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (!fgets(load, sizeof(load), f))
			load[0] = 0;
		fclose(f);
	}
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime_r(&now, &tm));
	fprintf(out, "%8s loadavg: %s\n", ts, load);
	fprintf(out, "%-7s %-16s %-6s %-6s %-7s %-7s %1s %s\n", "PID", "COMM", "READS",
		"WRITES", "R_Kb", "W_Kb", "T", "FILE");
	for (size_t i = 0; i < n && i < rows; i++)
		files_row(out, &e[i]);
	fputc('\n', out);
}

static void files_json(struct json *j, const struct files_ent *e)
{
	char path[FILES_DEPTH * FILES_NAME + 8], dev[32];

	path_of(e, path, sizeof(path));
	snprintf(dev, sizeof(dev), "%u:%u", e->k.dev >> 20, e->k.dev & 0xfffff);
	json_obj_begin(j);
	json_ku64(j, "pid", e->k.tgid);
	json_kstr(j, "comm", e->v.comm);
	json_ku64(j, "reads", e->v.reads);
	json_ku64(j, "writes", e->v.writes);
	json_ku64(j, "rbytes", e->v.rbytes);
	json_ku64(j, "wbytes", e->v.wbytes);
	json_kstr(j, "type", type_name(e->v.type));
	json_kstr(j, "path", path);
	json_ku64(j, "inode", e->k.ino);
	json_kstr(j, "dev", dev);
	json_obj_end(j);
}

static int files_summarize(const struct tr_inst *t, const void *cfg,
			   const struct tr_emit *em, bool clear)
{
	const struct files_cfg *c = cfg;
	struct files_bpf *skel = t->skel;
	size_t n = 0, rows = c && c->rows ? c->rows : ROWS_DEFAULT;
	struct files_ent *e = NULL;
	struct json *j;
	int ret = read_stats(bpf_map__fd(skel->maps.files_stats), clear, &e, &n);

	if (ret)
		return ret;
	sort_key = c && c->sort ? c->sort - 1 : SORT_RBYTES;
	if (n)
		qsort(e, n, sizeof(*e), ent_cmp);
	if (em->table) {
		files_table(em->table, e, n, rows);
	} else if (n) {
		j = em->begin(em->ctx);
		json_kstr(j, "sort", sort_names[sort_key]);
		json_ku64(j, "files", n);
		json_key(j, "top");
		json_arr_begin(j);
		for (size_t i = 0; i < n && i < rows; i++)
			files_json(j, &e[i]);
		json_arr_end(j);
		em->end(em->ctx);
	}
	free(e);
	return 0;
}

static const struct tr_variant variants[] = {
	{ "fexit vfs_read, vfs_write", "fx_read fx_write" },
	{ "tracepoint syscalls:sys_{enter,exit}_{read,write,pread64,pwrite64,readv,writev,"
	  "preadv,pwritev,preadv2,pwritev2}",
	  "read_enter read_exit write_enter write_exit pread64_enter pread64_exit "
	  "pwrite64_enter pwrite64_exit readv_enter readv_exit writev_enter writev_exit "
	  "preadv_enter preadv_exit pwritev_enter pwritev_exit preadv2_enter preadv2_exit "
	  "pwritev2_enter pwritev2_exit" },
	{ NULL },
};

TRACER_SKEL(files)

const struct tracer_desc files_tracer = {
	.name = "files",
	.summary = "Reads and writes per process and file, the busiest first, per interval",
	.variants = variants,
	.rec_size = sizeof(struct tr_ident),
	TRACER_SKEL_OPS(files),
	.cfg_size = sizeof(struct files_cfg),
	.set_rodata = files_rodata,
	.opts = files_opts,
	.shorts = "s:r:aC",
	.opt = files_opt,
	.opts_help =
	"  -s, --sort KEY       all, reads, writes, rbytes (default), wbytes\n"
	"  -r, --rows N         the top N (default 20)\n"
	"  -a, --all            every file, not only regular ones\n"
	"  -C, --noclear        accepted for filetop's sake: the screen is never cleared\n",
	.summarize = files_summarize,
	.interval_default = 1,
	.notes =
	"Calls that failed are not counted; bytes are what the calls returned.\n"
	"fexit sees vfs_read() and vfs_write() (read, write, pread64, pwrite64\n"
	"and the kernel's own users of them), as filetop does; the tracepoints\n"
	"see the read and write calls, the vectored ones included.  FILE is the\n"
	"path from the top of the process's mount tree when it first used it\n"
	"(\"...\" in front: cut after 16 components); PID the process.\n",
};
