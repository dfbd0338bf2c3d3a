/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_DIAG_H
#define BULWARK_DIAG_H

#include <stdio.h>

enum diag_sev { DIAG_ERROR = 0, DIAG_WARNING, DIAG_NOTE };

struct diag_item {
	char *file;
	int line;		/* 0 when the problem has no line */
	enum diag_sev sev;
	char *msg;
};

/* Problems found in rule and policy files, reported as FILE:LINE: sev: msg. */
struct diag {
	struct diag_item *items;
	size_t n, cap;
	size_t errors, warnings;
};

void diag_add(struct diag *d, const char *file, int line, enum diag_sev sev,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define diag_err(d, f, l, ...) diag_add(d, f, l, DIAG_ERROR, __VA_ARGS__)
#define diag_warn(d, f, l, ...) diag_add(d, f, l, DIAG_WARNING, __VA_ARGS__)
void diag_print(const struct diag *d, FILE *out);
const char *diag_sev_name(enum diag_sev sev);
/* Text of item i formatted as "FILE:LINE: error: msg" into buf. */
const char *diag_format(const struct diag_item *it, char *buf, size_t len);
void diag_free(struct diag *d);

#endif
