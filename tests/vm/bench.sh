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

# Runs of exec-burst: fork + exec of the dynamically linked engine
# (--help), whose loader maps its libraries with PROT_EXEC.
NX=${BWVM_BENCH_NX:-30}

# median of five runs of raw-burst (or of the command given)
measure() {
	local i
	for i in 1 2 3 4 5; do
		if [ $# -gt 0 ]; then "$@"; else /bin/bwtest raw-burst $N; fi |
			sed -n 's/^ns_per_call=//p'
	done | sort -n | sed -n 3p
}
measure_exec() { measure /bin/bwtest exec-burst $NX /bin/bulwark --help; }

write_rules() {		# write_rules FILE COUNT
	local i=0
	: >"$1"
	while [ $i -lt "$2" ]; do
		printf '[r%d]\nevent = capable\naction = deny\ncapability = cap_net_raw\ncomm = nomatch%d\n' \
			$i $i >>"$1"
		i=$((i + 1))
	done
}

# bench_with LABEL RULES [MEASURE PROG]: engine up, measure, engine down,
# program stats of PROG (default the capable hook, measured with raw-burst)
bench_with() {
	local ready=$T/$1.ready log=$T/$1.log pid ns stats i=0
	local how=${3:-measure} prog=${4:-bw_capable}
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
	ns=$($how)
	kill -TERM $pid
	wait $pid
	stats=$(grep '"type":"stop"' "$log" | sed -n "s/.*\"$prog\":{\([^}]*\)}.*/\1/p")
	echo "BENCH: $1 rules=$(grep -c '^\[' "$2") ns_per_call=$ns $stats"
	[ -n "$stats" ] || FAILED="$FAILED; $1: no program stats in the stop record"
}

# one discarded run of each workload first: the first run after boot pays
# for cold caches and would flatter everything measured after it
measure >/dev/null
measure_exec >/dev/null
base=$(measure)
echo "BENCH: baseline rules=0 ns_per_call=$base"
write_rules $T/one.rules 1
write_rules $T/many.rules 4096
bench_with one $T/one.rules
bench_with many $T/many.rules

# exec: bprm_check_security once and mmap_file per mapped library, with
# 10 exec rules that do not match the engine's files
i=0
: >$T/exec.rules
while [ $i -lt 10 ]; do
	printf '[x%d]\nevent = exec\naction = deny\npath = /nonexistent/%d/\n' $i $i >>$T/exec.rules
	i=$((i + 1))
done
base_exec=$(measure_exec)
echo "BENCH: exec-baseline rules=0 ns_per_call=$base_exec"
bench_with exec-bprm $T/exec.rules measure_exec bw_bprm_check
# the same run's mmap_file statistics
stats=$(grep '"type":"stop"' $T/exec-bprm.log | sed -n 's/.*"bw_mmap_file":{\([^}]*\)}.*/\1/p')
echo "BENCH: exec-mmap rules=10 $stats"
[ -n "$stats" ] || FAILED="$FAILED; exec: no mmap_file statistics in the stop record"

if [ -z "$FAILED" ] && [ -n "$base" ]; then
	echo "PASS: vm/bench"
else
	echo "FAIL: vm/bench: ${FAILED#; }"
fi
