/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log2 histograms as the summary tracers show them: slot 0 holds 0 and 1,
 * slot i the values 2^i to 2^(i+1)-1.
 */
#ifndef BULWARK_HIST_H
#define BULWARK_HIST_H

#include <stdint.h>
#include <stdio.h>

#include "json.h"

/* The table of libbpf-tools' print_log2_hist(): "usecs : count distribution". */
void log2_hist_print(FILE *out, const uint32_t *slots, int n, const char *unit);
/* Its non-empty slots as a JSON array of {low, high, count}. */
void log2_hist_json(struct json *j, const uint32_t *slots, int n);

#endif
