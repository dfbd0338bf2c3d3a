#!/bin/sh
# tcpconnlat on this kernel: loopback connects of known pids and ports, one
# made slow for real (its SYN dropped by a listener whose accept queue is
# full, so that the handshake waits for the client's retransmission a
# second later), one over IPv6, a refused one (not reported), the pid
# filter, --min-ms, each attach method and the daemon.
BW=$1
. "$(dirname "$0")/tracelib.sh"

if [ "$(id -u)" != 0 ]; then
	skip tcpconnlat "needs root"
	exit 0
fi
tcp_helper tcpconnlat || exit 0

# serve ADDR BACKLOG N DELAY_MS: pid in SRV, port in PORT
serve() { tcp_serve "$@"; }
# With a backlog of 0 the accept queue holds one connection: the first
# client's fills it, the second one's SYN is dropped until the listener
# accepts (after 500 ms) and its retransmission (1 s) gets through.
workload() {
	serve 127.0.0.1 0 2 500
	tcp_client 127.0.0.1 "$PORT"; FAST=$CLI FAST_PORT=$CPORT FAST_RC=$CRC
	tcp_client 127.0.0.1 "$PORT"; SLOW=$CLI SLOW_PORT=$CPORT SLOW_RC=$CRC
	wait $SRV
	V4_PORT=$PORT
	serve ::1 8 1 0
	tcp_client ::1 "$PORT"; V6=$CLI V6_PORT=$CPORT V6_RC=$CRC
	wait $SRV
	tcp_client ::1 "$PORT"; REFUSED_RC=$CRC
}

check() {	# check SUFFIX
	if [ "$FAST_RC$SLOW_RC$V6_RC$REFUSED_RC" != 0001 ]; then
		fail "tcpconnlat-workload$1" "clients' exit: $FAST_RC $SLOW_RC $V6_RC $REFUSED_RC"
		return
	fi
	one_rec "tcpconnlat-fast$1" ".pid == $FAST" \
		".comm == \"$N\" and .tid == $FAST and .direction == \"connect\" and
		 .family == \"ipv4\" and .saddr == \"127.0.0.1\" and .daddr == \"127.0.0.1\" and
		 .sport == $FAST_PORT and .dport == $V4_PORT and
		 .latency_us > 0 and .latency_us < 500000 and .tracer == \"tcpconnlat\""
	one_rec "tcpconnlat-slow$1" ".pid == $SLOW" \
		".sport == $SLOW_PORT and .dport == $V4_PORT and
		 .latency_us >= 900000 and .latency_us < 10000000"
	one_rec "tcpconnlat-ipv6$1" ".pid == $V6" \
		".family == \"ipv6\" and .saddr == \"::1\" and .daddr == \"::1\" and
		 .sport == $V6_PORT and .latency_us > 0 and .latency_us < 500000"
	# and nothing else: not the refused connect, not the listener
	if [ "$(nrecs true)" = 3 ]; then
		pass "tcpconnlat-exactly-these$1"
	else
		fail "tcpconnlat-exactly-these$1" "$(head -c 1200 "$TR_OUT")"
	fi
}

if ! tracer_start tcpconnlat -c "$N"; then
	fail tcpconnlat-attach "$TR_WHY"
	exit 0
fi
workload
tracer_stop || fail tcpconnlat-stop "$TR_WHY"
check ""

if tracer_start tcpconnlat --via tracepoint -c "$N"; then
	workload
	tracer_stop || fail tcpconnlat-tracepoint-stop "$TR_WHY"
	check -tracepoint
else
	fail tcpconnlat-tracepoint "$TR_WHY"
fi

# --min-ms: the slow connect only
if tracer_start tcpconnlat --min-ms 500 -c "$N"; then
	workload
	tracer_stop || fail tcpconnlat-min-stop "$TR_WHY"
	if [ "$SLOW_RC" = 0 ] && [ "$(nrecs true)" = 1 ] &&
	   [ "$(nrecs ".pid == $SLOW and .latency_us >= 900000")" = 1 ]; then
		pass tcpconnlat-min-ms
	else
		fail tcpconnlat-min-ms "slow $SLOW: $(head -c 800 "$TR_OUT")"
	fi
else
	fail tcpconnlat-min-ms "$TR_WHY"
fi

# -p: one tcp_client of two
serve 127.0.0.1 8 2 0
mkfifo "$TR_T/fifo"
# shellcheck disable=SC2016
sh -c 'read x <"$1"; exec "$2" connect 127.0.0.1 "$3"' sh "$TR_T/fifo" "$H" "$PORT" \
	>/dev/null &
chosen=$!
if tracer_start tcpconnlat -p "$chosen"; then
	tcp_client 127.0.0.1 "$PORT"; other=$CLI
	echo go >"$TR_T/fifo"
	wait $chosen $SRV
	tracer_stop || fail tcpconnlat-pid-stop "$TR_WHY"
	if [ "$(nrecs true)" = 1 ] && [ "$(nrecs ".pid == $chosen and .dport == $PORT")" = 1 ]; then
		pass tcpconnlat-pid-filter
	else
		fail tcpconnlat-pid-filter "pid $chosen, not $other: $(head -c 800 "$TR_OUT")"
	fi
else
	fail tcpconnlat-pid-filter "$TR_WHY"
	"$H" connect 127.0.0.1 "$PORT" >/dev/null
	echo go >"$TR_T/fifo"
	wait $chosen $SRV
fi

# ---- in the daemon: [tracers] tcpconnlat = on ----
if daemon_start tcpconnlat; then
	serve ::1 8 1 0
	tcp_client ::1 "$PORT"
	wait $SRV
	sleep 0.5
	kill -INT $eng; wait $eng; rc=$?
	log=$TR_T/audit.log
	if [ $rc = 0 ] &&
	   jq -e -s '[.[] | select(.type == "tracer" and .tracer == "tcpconnlat" and
		.state == "attached" and (.mechanism | startswith("tp_btf ")))] | length == 1' \
		"$log" >/dev/null &&
	   jq -e -s "[.[] | select(.type == \"tcpconnlat\" and .pid == $CLI and
		.sport == $CPORT and .dport == $PORT and .latency_us > 0)] | length == 1" \
		"$log" >/dev/null; then
		pass tcpconnlat-daemon
	else
		fail tcpconnlat-daemon "exit $rc: $(head -c 300 "$TR_T/run.err") /
			$(grep -e tcpconnlat "$log" | head -c 800)"
	fi
else
	fail tcpconnlat-daemon "engine not ready: $(cat "$TR_T/run.err")"
	kill $eng 2>/dev/null; wait $eng
fi
