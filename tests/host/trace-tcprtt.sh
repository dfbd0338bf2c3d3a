#!/bin/sh
# tcprtt on this kernel: two loopback connections of a helper (bwrtt.c) make
# a known exchange, and tcp:tcp_probe, recorded through a tracefs instance of
# our own (not through bulwark), says which segments each end received and
# the srtt at each.  The histograms must hold exactly those: -p and -P (the
# other connection left out), each attach method that loads here, -m, -b,
# the table's layout; the daemon writes summary records, not one per event.
BW=$1
. "$(dirname "$0")/tracelib.sh"

if [ "$(id -u)" != 0 ]; then
	skip tcprtt "needs root"
	exit 0
fi
N=bwrtt$$
H=$TR_T/$N
if ! "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -O2 -o "$H" "$(dirname "$0")/bwrtt.c" \
	2>"$TR_T/cc.err"; then
	skip tcprtt "cannot build the helper: $(head -c 300 "$TR_T/cc.err")"
	exit 0
fi
TFS=/sys/kernel/tracing
[ -d "$TFS/instances" ] || TFS=/sys/kernel/debug/tracing
if [ ! -d "$TFS/events/tcp/tcp_probe" ] || ! mkdir "$TFS/instances/$N" 2>/dev/null; then
	skip tcprtt "no tcp:tcp_probe or no tracefs instances to count segments with"
	exit 0
fi
INST=$TFS/instances/$N
trap 'rmdir "$INST" 2>/dev/null; [ -n "${BW_KEEP:-}" ] || rm -rf "$TR_T"' EXIT

# helper NAME COUNT: a connection of COUNT round trips, waiting for $TR_T/go;
# its pid in HP, its listening port in HPORT
helper() {
	rm -f "$TR_T/$1.port"
	"$H" 127.0.0.1 "$2" "$TR_T/$1.port" "$TR_T/go" &
	HP=$!
	i=0
	while [ ! -s "$TR_T/$1.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	HPORT=$(cat "$TR_T/$1.port" 2>/dev/null)
}

# bg NAME ARGS...: `bulwark trace tcprtt ARGS` into $TR_T/NAME.out
STARTED=
bg() {
	n=$1; shift
	rm -f "$TR_T/$n.out" "$TR_T/$n.err"
	"$BW" trace tcprtt "$@" >"$TR_T/$n.out" 2>"$TR_T/$n.err" &
	echo $! >"$TR_T/$n.pid"
	STARTED="$STARTED $n"
}
# attached NAME: true once it traces; false when it exited (could not attach)
attached() {
	i=0
	while ! grep -q "bulwark: tracing" "$TR_T/$1.err" 2>/dev/null; do
		kill -0 "$(cat "$TR_T/$1.pid")" 2>/dev/null || return 1
		[ $i -ge 300 ] && return 1
		sleep 0.1; i=$((i + 1))
	done
}

helper a 40; HA=$HP; PA=$HPORT
helper b 25; HB=$HP; PB=$HPORT
if [ -z "$PA" ] || [ -z "$PB" ]; then
	fail tcprtt-helper "no listening port"
	kill $HA $HB 2>/dev/null
	exit 0
fi
for m in tp_btf raw_tp tracepoint; do
	bg "via-$m" -j --via "$m" -p "$PA"
done
bg rport -j -P "$PA" -b
bg other -j -p "$PB"
bg ms -j -m -p "$PA"
bg table -e -p "$PA"
for n in $STARTED; do attached "$n"; done

echo "sport == $PA || dport == $PA || sport == $PB || dport == $PB" \
	>"$INST/events/tcp/tcp_probe/filter"
echo 1 >"$INST/events/tcp/tcp_probe/enable"
touch "$TR_T/go"
wait $HA; ra=$?
wait $HB; rb=$?
sleep 0.5
echo 0 >"$INST/events/tcp/tcp_probe/enable"
cp "$INST/trace" "$TR_T/ftrace"
for n in $STARTED; do
	kill -INT "$(cat "$TR_T/$n.pid")" 2>/dev/null
	wait "$(cat "$TR_T/$n.pid")"; echo $? >"$TR_T/$n.rc"
done
if [ $ra != 0 ] || [ $rb != 0 ]; then
	fail tcprtt-helper "the exchange failed ($ra, $rb)"
	exit 0
fi

# "LOCALPORT REMOTEPORT SRTT" of each segment tcp_probe saw
sed -n 's/.* src=.*:\([0-9]*\) dest=.*:\([0-9]*\) mark=.* srtt=\([0-9]*\) .*/\1 \2 \3/p' \
	"$TR_T/ftrace" >"$TR_T/segs"
# want AWKCOND [ms]: "count sum low:count..." of those segments, as tcprtt sums them
want() {
	awk -v ms="${2:-}" "$1"' {
		v = $3; if (ms) v = int(v / 1000)
		n++; sum += v; l = 0
		if (v >= 2) { l = 1; while (l * 2 <= v) l *= 2 }
		b[l]++
	} END {
		printf "%d %d", n, sum
		for (k = 0; k <= 2^27; k = k ? k * 2 : 1) if (k in b) printf " %d:%d", k, b[k]
		print ""
	}' "$TR_T/segs"
}
# got NAME: the same of its one summary (all its histograms together)
got() {
	jq -r -s '[.[] | select(.tracer == "tcprtt")] | if length != 1 then "records: \(length)"
		else .[0].hists as $h | "\([$h[].count] | add) \([$h[].sum] | add) " +
		([$h[].buckets[]] | group_by(.low) | map("\(.[0].low):\(map(.count) | add)") |
		 join(" ")) end' "$TR_T/$1.out" 2>&1
}
# check TEST NAME AWKCOND [ms]
check() {
	w=$(want "$3" "${4:-}")
	g=$(got "$2")
	if [ "$(cat "$TR_T/$2.rc")" != 0 ]; then
		fail "$1" "exit $(cat "$TR_T/$2.rc"): $(head -c 300 "$TR_T/$2.err")"
	elif [ "${w%% *}" -lt 20 ]; then
		fail "$1" "tcp_probe saw too few segments: $w"
	elif [ "$w" = "$g" ]; then
		pass "$1"
	else
		fail "$1" "tcp:tcp_probe says '$w', tcprtt '$g'"
	fi
}

for m in tp_btf raw_tp tracepoint; do
	if grep -q "cannot run on this kernel" "$TR_T/via-$m.err"; then
		skip "tcprtt-$m" "$(head -c 300 "$TR_T/via-$m.err")"
	else
		check "tcprtt-lport-$m" "via-$m" "\$1 == $PA"
	fi
done
check tcprtt-rport rport "\$2 == $PA"
check tcprtt-lport-other other "\$1 == $PB"
check tcprtt-ms ms "\$1 == $PA" ms
if jq -e -s '[.[] | select(.tracer == "tcprtt")] | length == 1 and (.[0].unit == "usecs") and
	(.[0].hists | length == 1) and .[0].hists[0].laddr == "127.0.0.1" and
	.[0].hists[0].family == "ipv4" and
	.[0].hists[0].avg == (.[0].hists[0].sum / .[0].hists[0].count | floor)' \
	"$TR_T/rport.out" >/dev/null &&
   jq -e -s '.[0].unit == "msecs" and (.[0].hists[0] | has("laddr") | not)' \
	"$TR_T/ms.out" >/dev/null; then
	pass tcprtt-json
else
	fail tcprtt-json "$(head -c 400 "$TR_T/rport.out") / $(head -c 300 "$TR_T/ms.out")"
fi

# the table: libbpf-tools' layout, the counts those of -j
w=$(want "\$1 == $PA")
avg=$(echo "$w" | awk '{ print int($2 / $1) }')
tbl=$TR_T/table.out
rows=$(grep -c -E '^ +[0-9]+ -> [0-9]+ +: [0-9]+ +\|\**( *)\|$' "$tbl")
sum=$(awk -F: '/ -> / { split($2, a, " "); s += a[1] } END { print s + 0 }' "$tbl")
if [ "$(head -1 "$tbl")" = "All Addresses = ****** [AVG $avg]" ] &&
   [ "$(sed -n 2p "$tbl")" = "     usecs               : count    distribution" ] &&
   [ "$rows" -ge 1 ] && [ "$rows" = "$(grep -c ' -> ' "$tbl")" ] &&
   [ "$sum" = "${w%% *}" ] && grep -q '|\*\{40\}|$' "$tbl"; then
	pass tcprtt-table
else
	fail tcprtt-table "want $w: $(head -c 800 "$tbl")"
fi

# bad options are refused, the process filters with them
if ! "$BW" trace tcprtt -p 0 -d 1 2>/dev/null && ! "$BW" trace tcprtt -a nohost -d 1 2>/dev/null &&
   ! "$BW" trace tcprtt -b -B -d 1 2>/dev/null &&
   "$BW" trace tcprtt -c x -d 1 2>&1 | grep -q "do not apply"; then
	pass tcprtt-options
else
	fail tcprtt-options "a bad option was taken"
fi

# ---- in the daemon: [tracers] tcprtt = on, a summary record per interval ----
if daemon_start tcprtt; then
	: >"$TR_T/go"
	helper d1 30; wait $HP; r1=$?
	# the first interval's record, written within the interval and a second
	i=0
	while ! grep -q '"type":"tcprtt"' "$TR_T/audit.log" && [ $i -lt 250 ]; do
		sleep 0.1; i=$((i + 1))
	done
	helper d2 30; wait $HP; r2=$?
	sleep 0.5
	kill -INT $eng; wait $eng; rc=$?
	log=$TR_T/audit.log
	# each summary holds at least a round trip's two segments per round trip
	if [ $rc = 0 ] && [ $r1 = 0 ] && [ $r2 = 0 ] &&
	   jq -e -s '[.[] | select(.type == "tracer" and .tracer == "tcprtt" and
		.state == "attached")] | length == 1' "$log" >/dev/null &&
	   jq -e -s '[.[] | select(.type == "tcprtt")] | length >= 2 and length <= 3 and
		all(.hists | length >= 1 and ([.[].count] | add) >= 60 and
		    all(.count == ([.buckets[].count] | add)))' "$log" >/dev/null; then
		pass tcprtt-daemon
	else
		fail tcprtt-daemon "exit $rc ($r1 $r2): $(head -c 300 "$TR_T/run.err") /
			$(grep -e tcprtt "$log" | head -c 800)"
	fi
else
	fail tcprtt-daemon "engine not ready: $(cat "$TR_T/run.err")"
	kill $eng 2>/dev/null; wait $eng
fi
