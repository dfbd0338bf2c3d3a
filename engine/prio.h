/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_PRIO_H
#define BULWARK_PRIO_H

/*
 * [log] priority_boost: the thread that reads the ring buffers and writes
 * the log (the daemon's main thread) runs that much below its nice value,
 * as auditd's priority_boost does, so that the processes it records do not
 * starve it of CPU.  Linux keeps a nice value per thread: only the calling
 * thread changes, and the threads it starts later inherit its value (the
 * log's compression and a reload's compiling give it back at their start,
 * prio_unboost_self()).  Lowering a nice value takes CAP_SYS_NICE (or
 * RLIMIT_NICE), so it is done before the daemon drops its capabilities.
 */
struct prio_state {
	unsigned int boost;	/* as asked */
	int before, after;	/* the thread's nice value, read from the kernel */
	int err;		/* 0, or -errno of the step in what */
	const char *what;
};

/* The calling thread down by boost (at most to -20): 0, or -errno with
 * ps->what; ps->after is what the kernel then says in either case. */
int prio_boost(unsigned int boost, struct prio_state *ps);
/* A thread started by the boosted one: back to the nice value from before
 * the boost.  Nothing on the boosted thread itself, or without a boost. */
void prio_unboost_self(void);
/* The calling thread's nice value now, or -errno (the main thread's for
 * the live status). */
int prio_nice_self(int *nice);

#endif
