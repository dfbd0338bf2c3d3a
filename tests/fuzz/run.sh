#!/bin/sh
# Run the libFuzzer targets: replay every crash reproducer, then fuzz.
#   tests/fuzz/run.sh [--seconds N] [--keep] BINDIR NAME...
# For each NAME: each file in tests/fuzz/regress/NAME/ through
# BINDIR/fuzz_NAME (PASS: when it runs clean), then N seconds (default 12)
# of fuzzing on a copy of tests/fuzz/corpus/NAME/ (PASS: with the number
# of executions, FAIL: with the reproducer libFuzzer saved).  The copy is
# fresh each time, unless --keep: then BINDIR/corpus/NAME/ grows from run
# to run (`make fuzz`).  Logs and findings: BINDIR/work/NAME/.
set -u
seconds=12
keep=0
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	*) break ;;
	esac
done
if [ $# -lt 2 ]; then
	echo "usage: $0 [--seconds N] [--keep] BINDIR NAME..." >&2
	exit 2
fi
bindir=$1; shift
here=$(dirname "$0")
status=0

for name in "$@"; do
	bin=$bindir/fuzz_$name
	work=$bindir/work/$name
	rm -rf "$work"
	mkdir -p "$work"
	if [ ! -x "$bin" ]; then
		echo "FAIL: fuzz $name: $bin not built"
		status=1
		continue
	fi

	for f in "$here"/regress/"$name"/*; do
		[ -f "$f" ] || continue
		if "$bin" -runs=1 -timeout=60 "$f" >"$work/regress.log" 2>&1; then
			echo "PASS: fuzz $name: regression $(basename "$f")"
		else
			echo "FAIL: fuzz $name: regression $(basename "$f") (log: $work/regress.log)"
			tail -n 30 "$work/regress.log"
			status=1
		fi
	done

	if [ "$keep" = 1 ]; then
		corpus=$bindir/corpus/$name
	else
		corpus=$work/corpus
	fi
	mkdir -p "$corpus"
	cp "$here"/corpus/"$name"/* "$corpus"/ 2>/dev/null
	# -timeout: an input slower than that is a finding (a hang);
	# -rss_limit_mb: so is one that needs more memory
	"$bin" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/" "$corpus" \
		>"$work/fuzz.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
	found=$(ls "$work" | grep -E '^(crash|leak|timeout|oom)-' | head -n 1)
	if [ "$rc" = 0 ] && [ -z "$found" ] && [ -n "$execs" ]; then
		echo "PASS: fuzz $name: ${seconds}s, ${execs} executions, no finding"
	else
		echo "FAIL: fuzz $name: exit status $rc${found:+, reproducer $work/$found} (log: $work/fuzz.log)"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|bulwark fuzz:)|runtime error' "$work/fuzz.log" | head -n 10
		status=1
	fi
done
exit $status
