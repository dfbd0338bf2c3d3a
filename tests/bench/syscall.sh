#!/bin/sh
# Cost per syscall on this host (tracepoints work here, natively): getppid()
# in a loop with no engine, with a program at sys_enter that returns at
# once (tests/bench/sysfloor.c: the floor of anything attached there), with
# the syscall tracer on (filtering every call out in the kernel), with the engine holding 10 syscall rules that
# name other syscalls (getppid leaves at the first lookup), and with 1 and
# 1,000 syscall rules that classify every getppid() without matching it.
# Ratios are against the baseline of the same run: the mean of a baseline
# measured first and one measured last, both printed, so that drift of a
# shared host shows.
#   tests/bench/syscall.sh BULWARK BWTEST
set -u
BW=$(realpath "$1")
BWTEST=$(realpath "$2")
N=${BENCH_N:-1000000}
T=$(mktemp -d /tmp/bw-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT

if [ "$(id -u)" != 0 ]; then
	echo "syscall bench: needs root to load BPF programs; skipped"
	exit 0
fi
. "$(dirname "$0")/hostlock.sh"
host_lock "syscall bench"

measure() {
	for i in 1 2 3 4 5; do
		"$BWTEST" getppid-burst "$N" | sed -n 's/^ns_per_call=//p'
	done | sort -n | sed -n 3p
}

wait_file_text() {	# wait_file_text FILE TEXT
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q "$2" "$1"
}

wait_file() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	[ -e "$1" ]
}

rules() {	# rules FILE COUNT [SYSCALL]
	i=0
	: >"$1"
	while [ $i -lt "$2" ]; do
		printf '[r%d]\nevent = syscall\naction = audit\nsyscall = %s\ncomm = nomatch%d\n' \
			$i "${3:-getppid}" $i >>"$1"
		i=$((i + 1))
	done
}

engine_run() {	# engine_run RULES: prints ns per call with the engine up
	printf '[engine]\nrules = %s\nlog = %s/log\non_lsm_missing = audit\n' "$1" "$T" >"$T/p.conf"
	rm -f "$T/ready"
	"$BW" run --config "$T/p.conf" --ready-file "$T/ready" 2>>"$T/err" &
	pid=$!
	if ! wait_file "$T/ready"; then
		echo "engine did not start: $(cat "$T/err")" >&2
		kill $pid
		return 1
	fi
	measure
	kill -TERM $pid
	wait $pid
}

${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	"$(dirname "$0")/sysfloor.c" -o "$T/sysfloor" -lbpf || exit 1

base=$(measure)
"$T/sysfloor" >"$T/floor.out" &
fpid=$!
if ! wait_file_text "$T/floor.out" attached; then
	echo "sysfloor did not attach" >&2
	kill $fpid
	exit 1
fi
floor=$(measure)
kill $fpid
wait $fpid 2>/dev/null
"$BW" trace syscall -c nomatch -d 600 >/dev/null 2>&1 &
tpid=$!
sleep 1
tracer=$(measure)
kill -INT $tpid
wait $tpid
rules "$T/other.rules" 10 openat
rules "$T/one.rules" 1
rules "$T/many.rules" 1000
other=$(engine_run "$T/other.rules") || exit 1
one=$(engine_run "$T/one.rules") || exit 1
many=$(engine_run "$T/many.rules") || exit 1
base2=$(measure)

echo "getppid() per call: no engine $base ns (first) $base2 ns (last), empty program $floor ns," \
	"tracer on $tracer ns," \
	"10 rules naming openat $other ns, 1 rule $one ns, 1000 rules $many ns"
awk -v b1="$base" -v b2="$base2" -v f="$floor" -v t="$tracer" -v x="$other" -v o="$one" -v m="$many" 'BEGIN {
	b = (b1 + b2) / 2
	printf "ratio empty program / no engine:  %.2f\n", f / b
	printf "ratio tracer on / no engine:      %.2f\n", t / b
	printf "ratio 10 other rules / no engine: %.2f\n", x / b
	printf "ratio 1 rule / no engine:         %.2f\n", o / b
	printf "ratio 1000 rules / no engine:     %.2f\n", m / b
	printf "ratio 1000 rules / 1 rule:        %.2f\n", m / o
}'
