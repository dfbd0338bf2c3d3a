/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_DAEMON_H
#define BULWARK_DAEMON_H

struct bw_opts;

/*
 * `bulwark run` once its options are parsed: start, the main loop until
 * SIGINT/SIGTERM, stop.  The command's exit status.
 */
int daemon_run(const struct bw_opts *o);

#endif
