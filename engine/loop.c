// SPDX-License-Identifier: GPL-2.0
/* The signal-and-poll loop (loop.h). */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "loop.h"

/* Set by the handlers only: a signal handler can reach nothing else. */
static volatile sig_atomic_t got_stop, got_hup, got_usr1;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_stop = 1;
}

static int catch(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	return sigaction(sig, &sa, NULL) ? -errno : 0;
}

int loop_signals(unsigned int which)
{
	int err = 0;

	got_stop = got_hup = got_usr1 = 0;
	if (which & LOOP_SIG_STOP) {
		err = catch(SIGINT);
		if (!err)
			err = catch(SIGTERM);
	}
	if (!err && (which & LOOP_SIG_HUP))
		err = catch(SIGHUP);
	if (!err && (which & LOOP_SIG_USR1))
		err = catch(SIGUSR1);
	return err;
}

bool loop_take(unsigned int which)
{
	bool got = false;

	if ((which & LOOP_SIG_STOP) && got_stop) {
		got_stop = 0;
		got = true;
	}
	if ((which & LOOP_SIG_HUP) && got_hup) {
		got_hup = 0;
		got = true;
	}
	if ((which & LOOP_SIG_USR1) && got_usr1) {
		got_usr1 = 0;
		got = true;
	}
	return got;
}

void loop_request_stop(void)
{
	got_stop = 1;
}

bool loop_stopping(void)
{
	return got_stop;
}

int loop_run(int (*step)(void *ctx), void *ctx, time_t end)
{
	while (!got_stop && (!end || time(NULL) < end)) {
		int ret = step(ctx);

		if (ret)
			return ret;
	}
	return 0;
}
