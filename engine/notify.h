/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The service manager's readiness protocol (sd_notify(3)), done here
 * rather than with libsystemd: one datagram of "KEY=VALUE" lines to the
 * AF_UNIX socket named by $NOTIFY_SOCKET, a path or, with a leading '@',
 * a name in the abstract namespace.  Without $NOTIFY_SOCKET nothing is
 * sent: the engine was not started by a service manager that listens.
 */
#ifndef BULWARK_NOTIFY_H
#define BULWARK_NOTIFY_H

#include <stdint.h>

/* Send msg (newline-separated assignments); 0, 1 when there is no
 * $NOTIFY_SOCKET, or -errno. */
int notify_send(const char *msg);
/* notify_send of a formatted message. */
int notify_sendf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The engine's states, as Type=notify and Type=notify-reload want them:
 * READY=1 with STATUS= (generation, rules); RELOADING=1 with
 * MONOTONIC_USEC= (systemd 253 and later check it; older ones ignore
 * it); STOPPING=1.  Failures are said on stderr once.
 */
void notify_ready(uint64_t generation, uint64_t rules, const char *mode);
void notify_reloading(void);
void notify_stopping(void);

#endif
