#!/bin/sh
# The main loop under a storm: a process's opens flood the opensnoop
# tracer's ring while signals make decision records; decisions are not
# starved, and SIGHUP, the status file and SIGTERM are seen to within
# seconds, the stop record last.
#   sh tests/host/storm-loop.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

degraded_gate || exit 0

# the decisions of audit-storm written, and the signal records counted
# lost (in the kernel, and left in the ring at stop)
storm_written() { grep '"type":"decision"' "$T/storm.log" | grep -c '"rule":"audit-storm"'; }
storm_lost() {
	storm_k=$(grep '"type":"lost"' "$T/storm.log" | grep '"event":"signal"' | grep '"where":"kernel"' |
		sed 's/.*"total":\([0-9]*\).*/\1/' | tail -1)
	storm_s=$(grep '"type":"lost"' "$T/storm.log" | grep '"event":"signal"' | grep '"where":"stop"' |
		sed 's/.*"count":\([0-9]*\).*/\1/' | tail -1)
	echo $((${storm_k:-0} + ${storm_s:-0}))
}
if [ ! -x "$BWTEST" ]; then
	skip storm-decisions-not-starved "helper $BWTEST not built"
elif ! $CC -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror "$ROOT/tests/bench/storm.c" \
	-o "$T/storm" 2>"$T/storm-cc.err"; then
	fail storm-decisions-not-starved "cannot build tests/bench/storm.c: $(head -c 300 "$T/storm-cc.err")"
else
	printf '[audit-storm]\nevent = signal\naction = audit\nsignal = SIGURG\ntarget_comm = bwstorm\n' >"$T/storm.rules"
	printf '[engine]\nrules = %s/storm.rules\nlog = %s/storm.log\nstatus = %s/storm.status\non_lsm_missing = audit\n[tracers]\nopensnoop = on\n' \
		"$T" "$T" "$T" >"$T/storm.conf"
	cp "$BWTEST" "$T/bwstorm"
	"$T/bwstorm" sleep 120 >/dev/null &
	svictim=$!
	"$BW" run --config "$T/storm.conf" --ready-file "$T/storm.ready" 2>"$T/storm.err" &
	spid=$!
	if ! wait_ready "$T/storm.ready" $spid; then
		fail storm-decisions-not-starved "engine not ready: $(head -c 400 "$T/storm.err")"
		kill $spid 2>/dev/null
	else
		"$T/storm" open 30 /dev/null >/dev/null &
		fpid=$!
		sleep 1
		N=2000
		"$T/bwstorm" kill-burst $N $svictim SIGURG >/dev/null
		sleep 2.5
		written=$(storm_written)
		lost=$(storm_lost)
		opens=$(grep -c '"type":"opensnoop"' "$T/storm.log")
		if [ $((written + lost)) -eq $N ] && [ "$written" -gt 0 ] && [ "$opens" -gt 1000 ] &&
		   kill -0 $fpid 2>/dev/null; then
			pass storm-decisions-not-starved
		else
			fail storm-decisions-not-starved "$N sent, after 2.5 s $written written, $lost lost; $opens opensnoop records"
		fi
		# now signals flat out too, until the end
		"$T/storm" 0 30 $svictim 23 >"$T/storm.out" &
		kpid=$!
		sleep 1
		kill -HUP $spid
		sleep 2
		if grep '"type":"policy"' "$T/storm.log" | grep -q '"generation":2'; then
			pass storm-sighup
		else
			fail storm-sighup "no policy generation 2 two seconds after SIGHUP: $(tail -3 "$T/storm.err")"
		fi
		sleep 1.2
		upd=$(sed -n 's/.*"updated":\([0-9]*\).*/\1/p' "$T/storm.status" 2>/dev/null)
		age=$(( $(date +%s) - ${upd:-0} ))
		if [ "$age" -le 2 ]; then
			pass storm-status-fresh
		else
			fail storm-status-fresh "the status file is $age s old"
		fi
		t0=$(date +%s%N)
		kill -TERM $spid
		wait $spid
		rc=$?
		ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		if [ $rc -eq 0 ] && [ $ms -le 5000 ] && tail -1 "$T/storm.log" | grep -q '"type":"stop"' &&
		   ! grep -qv '^{.*}$' "$T/storm.log"; then
			pass storm-sigterm
		else
			fail storm-sigterm "exit $rc after $ms ms; last line: $(tail -1 "$T/storm.log" | cut -c1-200)"
		fi
		kill $fpid $kpid 2>/dev/null
		wait $fpid $kpid 2>/dev/null
	fi
	kill $svictim 2>/dev/null
	wait $svictim 2>/dev/null
fi
exit 0
