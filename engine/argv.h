/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of an exec (struct tr_argv, bpf/trace.h), as process
 * records and exec decisions write it: a JSON array, or a table's text.
 */
#ifndef BULWARK_ARGV_H
#define BULWARK_ARGV_H

#include <stdbool.h>

#include "json.h"
#include "trace.h"

/* "argv": [...] (null when it could not be read), and "argv_truncated": true when cut. */
void argv_json(struct json *j, const struct tr_argv *a);

/*
 * For a table: the arguments escaped (log_escape), separated by spaces,
 * each in double quotes when quote (a quote or backslash in it escaped
 * with a backslash), " ..." after them when cut; "?" when unreadable.
 * Allocated.
 */
char *argv_text(const struct tr_argv *a, bool quote);

#endif
