/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_METRICS_H
#define BULWARK_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "events.h"

/*
 * Counters for the Prometheus text file (no listening socket): decisions
 * per event class and per rule, losses, log bytes.
 */
struct metric_rule {
	char *rule;
	uint32_t decision;
	uint64_t count;
};

#define BW_NDECISION 6

struct metrics {
	uint64_t by_class[BW_NCLASS][BW_NDECISION];
	struct metric_rule *rules;
	size_t n, cap;
	size_t last;		/* the entry counted last */
};

/* n decisions: a record and those folded into it ([log] repeat). */
void metrics_add(struct metrics *m, int cls, uint32_t decision, const char *rule,
		 uint64_t n);

struct metrics_extra {
	const uint64_t *lost;		/* per class, kernel side */
	uint64_t log_bytes, log_records, log_errors, generation;
};

/* Write the file atomically (temporary file, then rename); 0 or -errno. */
int metrics_write(const struct metrics *m, const struct metrics_extra *x,
		  const char *path);
void metrics_free(struct metrics *m);

#endif
