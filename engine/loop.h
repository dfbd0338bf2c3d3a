/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one signal-and-poll loop of `run`, `trace` and `log -f`: signal
 * handlers only set flags; the loop calls a step until SIGINT/SIGTERM, a
 * failed step, or an end time.
 */
#ifndef BULWARK_LOOP_H
#define BULWARK_LOOP_H

#include <stdbool.h>
#include <time.h>

/* The signals a loop catches. */
enum {
	LOOP_SIG_STOP = 1 << 0,		/* SIGINT, SIGTERM: the loop ends */
	LOOP_SIG_HUP = 1 << 1,		/* SIGHUP: loop_take() */
	LOOP_SIG_USR1 = 1 << 2,		/* SIGUSR1: loop_take() */
};

/* Catch these signals, their flags cleared; 0 or -errno. */
int loop_signals(unsigned int which);
/* Whether one of these signals came since the last look; clears it. */
bool loop_take(unsigned int which);
/* As if SIGTERM came: the loop ends (a stop asked on the control socket). */
void loop_request_stop(void);
/* Whether SIGINT or SIGTERM came. */
bool loop_stopping(void);
/*
 * step(ctx) until loop_stopping(), a step returns non-zero (returned),
 * or end (0: none) has passed; 0 then.
 */
int loop_run(int (*step)(void *ctx), void *ctx, time_t end);

#endif
