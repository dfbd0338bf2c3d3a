// SPDX-License-Identifier: GPL-2.0
/*
 * The audit log writer under each flush policy: decision records per
 * second into a file in the given directory, and the ratio to flush=none
 * measured in the same run.
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

static double run(const char *dir, enum log_flush flush, unsigned int freq, int n)
{
	struct log_cfg cfg = { .max_size = 0, .keep = 1, .flush = flush, .freq = freq };
	char path[512];
	struct bw_event e;
	struct bw_log l;
	double t0, t;

	snprintf(path, sizeof(path), "%s/bench.log", dir);
	unlink(path);
	if (log_open_cfg(&l, path, &cfg)) {
		perror(path);
		exit(1);
	}
	memset(&e, 0, sizeof(e));
	e.type = BW_REC_DECISION;
	e.cls = BW_CLASS_EXEC;
	e.decision = BW_DEC_WOULD_DENY;
	e.rule = BW_NO_RULE;
	e.audit_rule = BW_NO_RULE;
	e.subj.tgid = 1234;
	strcpy(e.subj.comm, "bench");
	strcpy(e.subj.exe, "/usr/bin/bench");
	strcpy(e.exec.path, "/tmp/payload");
	t0 = now();
	for (int i = 0; i < n; i++) {
		e.subj.pid = i;
		if (log_decision(&l, &e, NULL)) {
			fprintf(stderr, "write failed\n");
			exit(1);
		}
	}
	log_flush(&l);
	t = now() - t0;
	log_close(&l);
	unlink(path);
	return n / t;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	static const struct {
		const char *name;
		enum log_flush flush;
		unsigned int freq;
		int n;
	} cases[] = {
		{ "none", LOG_FLUSH_NONE, 1, 200000 },
		{ "incremental, freq 1 (default)", LOG_FLUSH_INCREMENTAL, 1, 200000 },
		{ "incremental, freq 50", LOG_FLUSH_INCREMENTAL, 50, 200000 },
		{ "sync, freq 1", LOG_FLUSH_SYNC, 1, 2000 },
		{ "sync, freq 50", LOG_FLUSH_SYNC, 50, 50000 },
	};
	double base = 0;

	printf("%-32s %14s %10s\n", "flush policy", "records/s", "ratio");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double r = run(dir, cases[i].flush, cases[i].freq, cases[i].n);

		if (!i)
			base = r;
		printf("%-32s %14.0f %10.3f\n", cases[i].name, r, r / base);
	}
	return 0;
}
