/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_DIAG_H
#define BULWARK_DIAG_H

#include <stdbool.h>
#include <stdio.h>

enum diag_sev { DIAG_ERROR = 0, DIAG_WARNING, DIAG_NOTE };

struct diag_item {
	char *file;
	int line;		/* 0 when the problem has no line */
	enum diag_sev sev;
	char *msg;
};

/*
 * Problems found in rule and policy files, reported as FILE:LINE: sev: msg.
 * At most DIAG_MAX_ERRORS errors are kept: a megabyte of garbage is half a
 * million bad lines, and thousands of files can each be one.  Errors past
 * that are counted, not kept, and loaders stop reading once diag_full().
 */
#define DIAG_MAX_ERRORS 1000

struct diag {
	struct diag_item *items;
	size_t n, cap;
	size_t errors, warnings;
	size_t dropped;		/* errors counted but not kept */
};

void diag_add(struct diag *d, const char *file, int line, enum diag_sev sev,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define diag_err(d, f, l, ...) diag_add(d, f, l, DIAG_ERROR, __VA_ARGS__)
#define diag_warn(d, f, l, ...) diag_add(d, f, l, DIAG_WARNING, __VA_ARGS__)
/* Enough errors kept: whatever comes next is not read. */
bool diag_full(const struct diag *d);
void diag_print(const struct diag *d, FILE *out);
/* One JSON object a line: file, line, severity, message (check --json's problems). */
void diag_print_json(const struct diag *d, FILE *out);
const char *diag_sev_name(enum diag_sev sev);
/* Text of item i formatted as "FILE:LINE: error: msg" into buf. */
const char *diag_format(const struct diag_item *it, char *buf, size_t len);
void diag_free(struct diag *d);

#endif
