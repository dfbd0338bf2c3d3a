# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# The benchmark (make bench), sourced by init.sh instead of scenarios.sh.
# Cost of the hottest hook, capable, in Debian's stock kernel: N raw
# socket calls (one CAP_NET_RAW check each) with no engine, with 1 rule,
# and with 4,096 rules for that capability, none matching the caller.
# Prints BENCH: lines; tests/bench/run.sh turns them into ratios.

BW=/bin/bulwark
T=/tmp/bwbench
N=${BWVM_BENCH_N:-20000}
mkdir -p $T
echo 1 >/proc/sys/kernel/bpf_stats_enabled

echo "RUN: vm/bench"
FAILED=

# median of five runs of raw-burst
measure() {
	local i
	for i in 1 2 3 4 5; do
		/bin/bwtest raw-burst $N | sed -n 's/^ns_per_call=//p'
	done | sort -n | sed -n 3p
}

write_rules() {		# write_rules FILE COUNT
	local i=0
	: >"$1"
	while [ $i -lt "$2" ]; do
		printf '[r%d]\nevent = capable\naction = deny\ncapability = cap_net_raw\ncomm = nomatch%d\n' \
			$i $i >>"$1"
		i=$((i + 1))
	done
}

# bench_with LABEL RULES: engine up, measure, engine down, program stats
bench_with() {
	local ready=$T/$1.ready log=$T/$1.log pid ns stats i=0
	$BW run --rules "$2" --log "$log" --ready-file "$ready" 2>$T/$1.err &
	pid=$!
	while [ ! -e "$ready" ]; do
		i=$((i + 1))
		if [ $i -gt 900 ] || ! kill -0 $pid 2>/dev/null; then
			FAILED="$FAILED; $1: engine not ready: $(head -c 300 $T/$1.err)"
			return
		fi
		sleep 0.2
	done
	ns=$(measure)
	kill -TERM $pid
	wait $pid
	stats=$(grep '"type":"stop"' "$log" | sed -n 's/.*"bw_capable":{\([^}]*\)}.*/\1/p')
	echo "BENCH: $1 rules=$(grep -c '^\[' "$2") ns_per_call=$ns $stats"
	[ -n "$stats" ] || FAILED="$FAILED; $1: no program stats in the stop record"
}

base=$(measure)
echo "BENCH: baseline rules=0 ns_per_call=$base"
write_rules $T/one.rules 1
write_rules $T/many.rules 4096
bench_with one $T/one.rules
bench_with many $T/many.rules

if [ -z "$FAILED" ] && [ -n "$base" ]; then
	echo "PASS: vm/bench"
else
	echo "FAIL: vm/bench: ${FAILED#; }"
fi
