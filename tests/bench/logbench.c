// SPDX-License-Identifier: GPL-2.0
/*
 * The audit log writer under each flush policy: decision records per
 * second into a file in the given directory, and the ratio to flush=none
 * measured in the same run.  The records are like the engine's: a named
 * rule, a subject with its executable, eight ancestors.  "batches of 256"
 * ends a batch every 256 records as the engine's main loop does.
 *
 * `logbench DIR format [N]` runs only the format-only case (N records,
 * default 20,000) and prints its rate: the workload to measure under
 * `valgrind --tool=callgrind`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ctx: a buffer of ANC_EXE_MAX bytes the name is written into */
#define ANC_EXE_MAX 64

static const char *anc_exe(void *ctx, const struct bw_ancestor *a)
{
	snprintf(ctx, ANC_EXE_MAX, "/usr/lib/systemd/ancestor-%u", a->pid);
	return ctx;
}

static void fill_event(struct bw_event *e)
{
	memset(e, 0, sizeof(*e));
	e->type = BW_REC_DECISION;
	e->cls = BW_CLASS_SIGNAL;
	e->decision = BW_DEC_AUDIT;
	e->flags = 0;
	e->rule = 0;
	e->audit_rule = BW_NO_RULE;
	e->generation = 1;
	e->subj.id.pid = 123456;
	e->subj.id.tid = 123456;
	e->subj.id.ppid = 12345;
	e->subj.id.start = 0x1f3a9c2e1bULL;
	e->subj.id.exec_seq = 3;
	e->subj.id.cgroup_id = 4242;
	e->subj.id.pidns = 4026531836u;
	e->subj.id.mntns = 4026531841u;
	e->subj.id.userns = 4026531837u;
	strcpy(e->subj.id.comm, "bwburst");
	strcpy(e->subj.pcomm, "bash");
	strcpy(e->subj.exe, "/tmp/bw-host.abcdef/bwburst");
	e->nanc = BW_ANCESTORS;
	for (unsigned int i = 0; i < BW_ANCESTORS; i++) {
		e->anc[i].pid = 12345 - i * 100;
		e->anc[i].start = 0x1f3a000000ULL - i;
		e->anc[i].exec_seq = 1;
		snprintf(e->anc[i].comm, sizeof(e->anc[i].comm), "ancestor%u", i);
	}
	e->sig.sig = 23;
	e->sig.target_pid = 123457;
	strcpy(e->sig.target_comm, "bwburst");
	e->sig.target_uid = 0;
	e->sig.same_user = 1;
}

struct bench_case {
	const char *name;
	enum log_flush flush;
	unsigned int freq;
	int n;
	int batch;		/* log_batch_end every this many records; 0: never */
	bool no_write;		/* format only */
};

static double run(const char *dir, const struct bench_case *c,
		  const struct bw_compiled *cp, double *rec_bytes)
{
	struct log_cfg cfg = { .max_size = 0, .keep = 1, .flush = c->flush,
			       .freq = c->freq };
	char path[512], exe[ANC_EXE_MAX];
	struct bw_event e;
	struct bw_log l;
	double t0, t;

	snprintf(path, sizeof(path), "%s/bench.log", dir);
	unlink(path);
	if (log_open_cfg(&l, path, &cfg)) {
		perror(path);
		exit(1);
	}
	l.anc_exe = anc_exe;
	l.anc_exe_ctx = exe;
	l.stopped = c->no_write;
	fill_event(&e);
	t0 = now();
	for (int i = 0; i < c->n; i++) {
		e.subj.id.tid = i;
		if (log_decision(&l, &e, cp) && !c->no_write) {
			fprintf(stderr, "write failed\n");
			exit(1);
		}
		if (c->batch && (i + 1) % c->batch == 0 && log_batch_end(&l)) {
			fprintf(stderr, "write failed\n");
			exit(1);
		}
	}
	if (log_flush(&l)) {
		fprintf(stderr, "write failed\n");
		exit(1);
	}
	t = now() - t0;
	if (!c->no_write)
		*rec_bytes = (double)l.bytes / l.records;
	log_close(&l);
	unlink(path);
	return c->n / t;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	static const struct bench_case cases[] = {
		{ "none", LOG_FLUSH_NONE, 1, 400000, 0, false },
		{ "format only, no write", LOG_FLUSH_NONE, 1, 400000, 0, true },
		{ "none, batches of 256", LOG_FLUSH_NONE, 1, 400000, 256, false },
		{ "incremental, freq 1 (default)", LOG_FLUSH_INCREMENTAL, 1, 200000, 0, false },
		{ "incremental, freq 50", LOG_FLUSH_INCREMENTAL, 50, 400000, 0, false },
		{ "incremental, batches of 256", LOG_FLUSH_INCREMENTAL, 1000, 400000, 256, false },
		{ "sync, freq 1", LOG_FLUSH_SYNC, 1, 2000, 0, false },
		{ "sync, freq 50", LOG_FLUSH_SYNC, 50, 50000, 0, false },
	};
	struct bw_compiled *cp = calloc(1, sizeof(*cp));
	struct bw_rule rule = { .name = "audit-urg-burst", .file = "/etc/bulwark/rules.d/50-signals.rules",
				.line = 12, .cls = BW_CLASS_SIGNAL, .action = BW_ACT_AUDIT };
	double base = 0, bytes = 0;

	if (!cp) {
		perror("calloc");
		return 1;
	}
	cp->generation = 1;
	cp->rule[BW_CLASS_SIGNAL][0] = &rule;
	if (argc > 2 && !strcmp(argv[2], "format")) {
		struct bench_case c = { "format only, no write", LOG_FLUSH_NONE, 1,
					argc > 3 ? atoi(argv[3]) : 20000, 0, true };

		if (c.n <= 0) {
			fprintf(stderr, "usage: logbench DIR [format [N]]\n");
			free(cp);
			return 1;
		}
		printf("%-32s %14.0f\n", c.name, run(dir, &c, cp, &bytes));
		free(cp);
		return 0;
	}
	printf("%-32s %14s %10s\n", "flush policy", "records/s", "ratio");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double r = run(dir, &cases[i], cp, &bytes);

		if (!i)
			base = r;
		printf("%-32s %14.0f %10.3f\n", cases[i].name, r, r / base);
	}
	printf("(records of %.0f bytes, each with a rule, an executable and %d ancestors)\n",
	       bytes, BW_ANCESTORS);
	free(cp);
	return 0;
}
