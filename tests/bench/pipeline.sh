#!/bin/sh
# The record pipeline on this host (docs/performance.md): the engine,
# audit-only, with one audit rule matching SIGURG sent to one process;
# tests/bench/storm.c sends signals at a steady rate for a few seconds.
# Each record is written, or counted lost (the lost records, in the kernel
# or left at stop).  The rate doubles until the first loss (or until the
# senders cannot go faster), is refined between the last clean rate and
# that one, then twice the highest clean rate is run; last, signals flat
# out give the records/s kernel -> file.  BENCH_PIPE_SECONDS (3) a rate,
# BENCH_PIPE_PROCS (1) senders, BENCH_PIPE_BOOST the engine's [log]
# priority_boost (unset: its default).
# BENCH_PIPE_RATE=N instead runs that one rate (0: flat out)
# BENCH_PIPE_RUNS (3) times; with several BENCH_PIPE_BOOST values ("0 4")
# each round runs each value in turn, so that they compare under the same
# load, and a line per value sums the rounds.
#   tests/bench/pipeline.sh BULWARK [FLUSH [BUFFER]]
set -u
FLUSH=${2:-none}
BUFFER=${3:-}
SECS=${BENCH_PIPE_SECONDS:-3}
PROCS=${BENCH_PIPE_PROCS:-1}
BOOSTS=${BENCH_PIPE_BOOST:-}
FIXED=${BENCH_PIPE_RATE:-}
RUNS=${BENCH_PIPE_RUNS:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/bw-pipe.XXXXXX)
victim=
epid=
trap 'kill $victim $epid 2>/dev/null; rm -rf "$T"' EXIT

if [ "$(id -u)" != 0 ]; then
	echo "pipeline bench: needs root to load BPF programs; skipped"
	exit 0
fi
. "$ROOT/tests/bench/hostlock.sh"
host_lock "pipeline bench"
BW=$T/bulwark	# a copy: a rebuild meanwhile does not disturb the runs
cp "$1" "$BW" || exit 1
${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror "$ROOT/tests/bench/storm.c" \
	-o "$T/storm" || exit 1
cp /bin/sleep "$T/bwpipe"
"$T/bwpipe" 3600 &
victim=$!
printf '[audit-pipe]\nevent = signal\naction = audit\nsignal = SIGURG\ntarget_comm = bwpipe\n' >"$T/pipe.rules"
# conf [BOOST]: the engine's policy, with [log] priority_boost = BOOST if given
conf() {
	{
		printf '[engine]\nrules = %s/pipe.rules\nlog = %s/audit.log\nstatus = %s/status.json\n' "$T" "$T" "$T"
		printf 'on_lsm_missing = audit\n[log]\nflush = %s\n' "$FLUSH"
		[ -z "$BUFFER" ] || printf 'buffer = %s\n' "$BUFFER"
		[ -z "${1:-}" ] || printf 'priority_boost = %s\n' "$1"
	} >"$T/pipe.conf"
}

# field FILE TYPE KEY: KEY of the last TYPE record of FILE (0 when none)
field() {
	v=$(grep "\"type\":\"$2\"" "$1" | grep '"event":"signal"' | grep "$4" |
		sed -n "s/.*\"$3\":\([0-9]*\).*/\1/p" | tail -1)
	echo "${v:-0}"
}

# run RATE: one engine, SECS seconds of signals; sets sent, written, lost
run() {
	rm -f "$T/audit.log" "$T/ready"
	"$BW" run --config "$T/pipe.conf" --ready-file "$T/ready" 2>"$T/err" &
	epid=$!
	i=0
	while [ ! -e "$T/ready" ]; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 $epid 2>/dev/null; then
			echo "the engine did not start: $(cat "$T/err")" >&2
			exit 1
		fi
		sleep 0.1
	done
	out=$("$T/storm" "$1" "$SECS" $victim 23 "$PROCS") || exit 1
	during=$(grep -c '"rule":"audit-pipe"' "$T/audit.log")	# in the file as the storm ended
	sleep 1.5	# a second's look at the loss counters, and the last records
	kill -TERM $epid
	wait $epid
	epid=
	sent=$(echo "$out" | sed -n 's/.*sent=\([0-9]*\).*/\1/p')
	achieved=$(echo "$out" | sed -n 's/.*rate=\([0-9]*\).*/\1/p')
	written=$(grep '"type":"decision"' "$T/audit.log" | grep -c '"rule":"audit-pipe"')
	at_stop=$(field "$T/audit.log" lost count '"where":"stop"')
	lost=$(( $(field "$T/audit.log" lost total '"where":"kernel"') + at_stop ))
	ring=$(sed -n 's/.*"type":"start".*"buffer":\([0-9]*\).*/\1/p' "$T/audit.log")
	nice=$(sed -n 's/.*"type":"start".*"nice":\(-\{0,1\}[0-9]*\).*/\1/p' "$T/audit.log")
	[ -n "$FIXED" ] || printf '%10s %10s %10s %10s %10s\n' "$1" "$achieved" "$sent" "$written" "$lost"
	if [ $((written + lost)) -ne "$sent" ]; then
		echo "  $((sent - written - lost)) records neither written nor counted" >&2
	fi
}

# short RATE: did the senders fall 10% short of RATE?
short() { [ $((achieved * 10)) -lt $(($1 * 9)) ]; }

# fixed RATE: RUNS rounds of RATE, each value of BOOSTS in turn in each
fixed() {
	printf '%6s %7s %5s %10s %10s %10s %10s %10s %8s %10s\n' round boost nice "rate/s" achieved \
		sent written lost "at stop" "to file/s"
	for round in $(seq "$RUNS"); do
		for b in ${BOOSTS:-default}; do
			if [ "$b" = default ]; then conf; else conf "$b"; fi
			run "$FIXED"
			# records in the file per second while the senders ran
			printf '%6s %7s %5s %10s %10s %10s %10s %10s %8s %10s\n' "$round" "$b" \
				"${nice:-?}" "$FIXED" "$achieved" "$sent" "$written" "$lost" \
				"$at_stop" $((sent ? during * achieved / sent : 0))
			echo "$b $sent $written $lost" >>"$T/fixed"
		done
	done
	for b in ${BOOSTS:-default}; do
		awk -v b="$b" '$1 == b { n++; s += $2; w += $3; l += $4; if ($4 == 0) c++ }
			END { printf "boost %s: %d runs, %d with none lost; sent %d, written %d, lost %d (%.2f%%)\n",
				b, n, c, s, w, l, s ? 100 * l / s : 0 }' "$T/fixed"
	done
}

echo "record pipeline: audit-only, one audit rule on SIGURG, flush = $FLUSH, $SECS s a rate, $PROCS sender(s)"
if [ -n "$FIXED" ]; then
	echo "one rate, $FIXED/s (0: flat out), $RUNS rounds, [log] priority_boost: ${BOOSTS:-the default}"
	fixed
	exit 0
fi
conf "${BOOSTS%% *}"	# the first value only
[ -z "$BOOSTS" ] || echo "[log] priority_boost = ${BOOSTS%% *}"
printf '%10s %10s %10s %10s %10s\n' "rate/s" "achieved" "sent" "written" "lost"
good=0
bad=0
rate=10000
while [ $rate -le 2560000 ]; do
	run $rate
	if [ "$lost" -gt 0 ]; then
		bad=$rate
		break
	fi
	good=$rate
	short $rate && break
	rate=$((rate * 2))
done
if [ $bad -gt 0 ] && [ $good -gt 0 ]; then
	for step in 1 2 3; do
		mid=$(( (good + bad) / 2 ))
		run $mid
		if [ "$lost" -gt 0 ]; then bad=$mid; else good=$mid; fi
	done
fi
echo "ring buffer: $(( ${ring:-0} / 1024 )) KiB (0: not said by this engine)"
if [ $good -eq 0 ]; then
	echo "records were lost at the lowest rate tried (10000/s)"
elif [ $bad -eq 0 ]; then
	echo "none lost up to what the senders reach: $achieved/s (BENCH_PIPE_PROCS adds senders)"
else
	run $((good * 2))
	echo "highest rate with none lost: $good/s; at twice that ($((good * 2))/s asked, $achieved/s sent): $lost of $sent lost"
fi
run 0
echo "flat out: $achieved signals/s sent, $((during / SECS)) records/s kernel -> file while they came, $lost of $sent lost"
