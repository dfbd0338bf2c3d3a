/* SPDX-License-Identifier: GPL-2.0 */
/* What the tcp and tcpconnlat tracers print alike: a connection's ends. */
#ifndef BULWARK_TRACE_TCP_H
#define BULWARK_TRACE_TCP_H

#include <stdio.h>

#include "json.h"
#include "tcp.h"

/* "family", "saddr", "sport", "daddr", "dport" */
void tcp_ends_json(struct json *j, const struct tr_tcp *e);
/* IP SADDR SPORT DADDR DPORT, as in tcp_ends_columns */
void tcp_ends_row(FILE *out, const struct tr_tcp *e);
#define TCP_ENDS_COLUMNS \
	"IP SADDR                     SPORT DADDR                     DPORT"

#endif
