#!/bin/sh
# The build suite of `make test`: what no other suite builds still builds.
#   tests/build-check.sh OUTPUT
# Every header compiles on its own (make lint), the bench helpers that only
# `make bench` uses compile (logbench, storm, sysfloor), and the bench and test
# scripts parse.  One PASS:/FAIL: line each.
set -u
OUT=${1:?usage: build-check.sh OUTPUT}
MAKE=${MAKE:-make}
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

check() {
	name=$1; shift
	if "$@" >"$log" 2>&1; then
		echo "PASS: build/$name"
	else
		tail -n 20 "$log"
		echo "FAIL: build/$name: $*"
		status=1
	fi
}

check lint $MAKE --no-print-directory OUTPUT="$OUT" lint
check logbench $MAKE --no-print-directory OUTPUT="$OUT" "$OUT/logbench"
check storm ${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	tests/bench/storm.c -o "$OUT/storm"
check sysfloor ${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	tests/bench/sysfloor.c -o "$OUT/sysfloor" -lbpf
# each script by the shell its first line names (bash), else by sh
scripts_parse() {
	local sh
	for s in tests/*.sh tests/bench/*.sh tests/host/*.sh tests/vm/*.sh; do
		case $(head -n 1 "$s") in
		'#!'*bash*) sh=bash ;;
		*) sh=sh ;;
		esac
		$sh -n "$s" || { echo "$s does not parse ($sh -n)"; return 1; }
	done
}
check scripts scripts_parse
exit $status
