/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_ARGS_H
#define BULWARK_ARGS_H

#include "cli.h"

/*
 * Options shared by check and run.  Returns 0 when the option was one of
 * them, 1 when it is not, -1 on a bad value (already reported).
 */
int args_common(int c, const char *arg, struct bw_opts *o);
void args_free(struct bw_opts *o);

#define ARGS_COMMON_LONG \
	{ "config", required_argument, NULL, 'c' }, \
	{ "rules", required_argument, NULL, 'r' }, \
	{ "json", no_argument, NULL, 'j' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "help", no_argument, NULL, 'h' }
#define ARGS_COMMON_SHORT "c:r:jvh"

#endif
