/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the rule and policy tests: a fresh temporary directory per
 * test (its path is the cmocka state), files written into it, and checks
 * on diagnostics.  Include after <cmocka.h>.
 */
#ifndef BULWARK_TESTUTIL_H
#define BULWARK_TESTUTIL_H

#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static inline int tu_rm(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* cmocka setup: *state becomes the path of a new, empty directory. */
static inline int tu_setup(void **state)
{
	char *dir = strdup("/tmp/bw-unit-XXXXXX");

	if (!dir || !mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static inline int tu_teardown(void **state)
{
	int err = nftw(*state, tu_rm, 16, FTW_DEPTH | FTW_PHYS);

	free(*state);
	return err;
}

/* Write text to DIR/name; returns the path (free it). */
static inline char *tu_write(const char *dir, const char *name, const char *text)
{
	size_t len = strlen(text);
	char *path;
	FILE *f;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static inline void tu_print_diag(const struct diag *d)
{
	char buf[1024];

	for (size_t i = 0; i < d->n; i++)
		print_message("    %s\n", diag_format(&d->items[i], buf, sizeof(buf)));
}

static inline bool tu_item_is(const struct diag_item *it, const char *file,
			      int line, enum diag_sev sev, const char *needle)
{
	return !strcmp(it->file, file) && it->line == line && it->sev == sev &&
	       strstr(it->msg, needle);
}

/* Exactly one problem, and it is this one. */
static inline bool tu_only_is(const struct diag *d, const char *file, int line,
			      enum diag_sev sev, const char *needle)
{
	return d->n == 1 && tu_item_is(&d->items[0], file, line, sev, needle);
}

/* Item i is at file:line, of this severity, and its message contains needle. */
static inline void tu_expect_item(const struct diag *d, size_t i, const char *file,
				  int line, enum diag_sev sev, const char *needle)
{
	const struct diag_item *it;
	char buf[1024];

	if (i >= d->n) {
		tu_print_diag(d);
		fail_msg("expected a problem %zu '%s', got %zu problems", i, needle, d->n);
	}
	it = &d->items[i];
	if (!tu_item_is(it, file, line, sev, needle)) {
		tu_print_diag(d);
		fail_msg("expected %s:%d: %s: ...%s..., got %s", file, line,
			 diag_sev_name(sev), needle,
			 diag_format(it, buf, sizeof(buf)));
	}
}

/* Exactly one problem, as tu_expect_item. */
static inline void tu_expect_only(const struct diag *d, const char *file, int line,
				  enum diag_sev sev, const char *needle)
{
	if (d->n != 1) {
		tu_print_diag(d);
		fail_msg("expected exactly one problem ('%s' at line %d), got %zu",
			 needle, line, d->n);
	}
	tu_expect_item(d, 0, file, line, sev, needle);
}

static inline void tu_expect_none(const struct diag *d)
{
	if (d->n) {
		tu_print_diag(d);
		fail_msg("expected no problems, got %zu", d->n);
	}
}

#endif
