// SPDX-License-Identifier: GPL-2.0
/* The log thread's nice value, [log] priority_boost (prio.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "prio.h"

#define NICE_MIN (-20)

/* Set once, before any thread that reads them is started. */
static bool boosted;
static pid_t boosted_tid;
static int base_nice;

static pid_t self_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* getpriority() may return -1 as a value: errno tells. */
static int nice_of(pid_t tid, int *nice)
{
	int n;

	errno = 0;
	n = getpriority(PRIO_PROCESS, (id_t)tid);
	if (n == -1 && errno)
		return -errno;
	*nice = n;
	return 0;
}

int prio_nice_self(int *nice)
{
	return nice_of(self_tid(), nice);
}

int prio_boost(unsigned int boost, struct prio_state *ps)
{
	pid_t tid = self_tid();
	int target, err;

	memset(ps, 0, sizeof(*ps));
	ps->boost = boost;
	err = nice_of(tid, &ps->before);
	if (err) {
		ps->what = "getpriority";
		ps->err = err;
		return err;
	}
	ps->after = ps->before;
	if (!boost)
		return 0;
	target = ps->before - (int)(boost > 40 ? 40 : boost);
	if (target < NICE_MIN)
		target = NICE_MIN;
	if (setpriority(PRIO_PROCESS, (id_t)tid, target)) {
		ps->what = "setpriority";
		ps->err = -errno;
		return ps->err;
	}
	boosted = true;
	boosted_tid = tid;
	base_nice = ps->before;
	/* what the kernel made of it, not what was asked */
	err = nice_of(tid, &ps->after);
	if (err) {
		ps->what = "getpriority";
		ps->err = err;
	}
	return err;
}

void prio_unboost_self(void)
{
	pid_t tid;

	if (!boosted)
		return;
	tid = self_tid();
	if (tid == boosted_tid)
		return;
	/* raising a nice value needs no privilege; should it fail all the
	 * same, the thread only keeps the boost it inherited */
	(void)setpriority(PRIO_PROCESS, (id_t)tid, base_nice);
}
