// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "json.h"
#include "util.h"

void diag_add(struct diag *d, const char *file, int line, enum diag_sev sev,
	      const char *fmt, ...)
{
	struct diag_item *it;
	va_list ap;

	if (sev == DIAG_ERROR && diag_full(d)) {
		d->errors++;
		d->dropped++;
		return;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->items = xreallocarray(d->items, d->cap, sizeof(*d->items));
	}
	it = &d->items[d->n++];
	it->file = xstrdup(file ? file : "-");
	it->line = line;
	it->sev = sev;
	va_start(ap, fmt);
	it->msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (sev == DIAG_ERROR)
		d->errors++;
	else if (sev == DIAG_WARNING)
		d->warnings++;
}

const char *diag_format(const struct diag_item *it, char *buf, size_t len)
{
	const char *sev = diag_sev_name(it->sev);

	if (it->line > 0)
		snprintf(buf, len, "%s:%d: %s: %s", it->file, it->line, sev,
			 it->msg);
	else
		snprintf(buf, len, "%s: %s: %s", it->file, sev, it->msg);
	return buf;
}

bool diag_full(const struct diag *d)
{
	return d->errors >= DIAG_MAX_ERRORS;
}

const char *diag_sev_name(enum diag_sev sev)
{
	switch (sev) {
	case DIAG_ERROR: return "error";
	case DIAG_WARNING: return "warning";
	default: return "note";
	}
}

void diag_print(const struct diag *d, FILE *out)
{
	char buf[1024];

	for (size_t i = 0; i < d->n; i++)
		fprintf(out, "%s\n", diag_format(&d->items[i], buf, sizeof(buf)));
	if (diag_full(d))
		fprintf(out, "stopped after %d errors (%zu more not shown): the rest was not checked\n",
			DIAG_MAX_ERRORS, d->dropped);
}

void diag_print_json(const struct diag *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag_item *it = &d->items[i];
		struct json j;

		json_init(&j);
		json_obj_begin(&j);
		json_kstr(&j, "file", it->file);
		json_ku64(&j, "line", it->line > 0 ? (uint64_t)it->line : 0);
		json_kstr(&j, "severity", diag_sev_name(it->sev));
		json_kstr(&j, "message", it->msg);
		json_obj_end(&j);
		json_write_line(&j, out);
		json_free(&j);
	}
}

void diag_free(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].file);
		free(d->items[i].msg);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
}
