#!/bin/sh
# Host tests of `bulwark trace syscall` (as root): a known sequence of
# calls, --count, and --cgroup.
#   sh tests/host/syscall-tracer.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"


if [ "$(id -u)" = 0 ] && [ -x "$BWTEST" ]; then
	cp "$BWTEST" "$T/bwseq"
	"$BW" trace syscall -c bwseq -s getppid -s uname -s chroot -j -d 4 >"$T/trace.out" 2>"$T/trace.err" &
	tpid=$!
	wait_tracing "$T/trace.err"
	"$T/bwseq" sequence >"$T/seq.out"
	seqpid=$(sed -n 's/^pid=//p' "$T/seq.out")
	wait $tpid
	got=$(grep "\"pid\":$seqpid," "$T/trace.out" | sed 's/.*"syscall":"\([^"]*\)".*/\1/' | tr '\n' ' ')
	if [ "$got" = "getppid uname chroot getppid " ] &&
	   [ "$(grep -c '"syscall":' "$T/trace.out")" = 4 ]; then
		pass trace-syscall-sequence
	else
		fail trace-syscall-sequence "pid $seqpid: got '$got'; output: $(head -c 400 "$T/trace.out")"
	fi
	"$BW" trace syscall -c bwseq --count -d 4 >"$T/count.out" 2>"$T/count.err" &
	tpid=$!
	wait_tracing "$T/count.err"
	"$T/bwseq" sequence >/dev/null
	wait $tpid
	if [ "$(grep -c 'bwseq .*getppid (first use)' "$T/count.out")" = 1 ] &&
	   grep -Eq '^getppid +2$' "$T/count.out"; then
		pass trace-syscall-count
	else
		fail trace-syscall-count "$(cat "$T/count.out" | head -30)"
	fi
	cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if [ -n "$cg2" ] && mkdir -p "$cg2/bwtest-trace.slice" 2>/dev/null; then
		"$BW" trace syscall --cgroup /bwtest-trace.slice -s getppid -j -d 4 >"$T/cg.out" 2>"$T/cg.err" &
		tpid=$!
		wait_tracing "$T/cg.err"
		"$T/bwseq" getppid >/dev/null
		sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" getppid' sh "$cg2/bwtest-trace.slice" "$T/bwseq" >"$T/cgin.out"
		wait $tpid
		inpid=$(sed -n 's/^pid=//p' "$T/cgin.out")
		if [ "$(grep -c '"syscall":"getppid"' "$T/cg.out")" = 1 ] &&
		   grep -q "\"pid\":$inpid," "$T/cg.out"; then
			pass trace-syscall-cgroup
		else
			fail trace-syscall-cgroup "in-cgroup pid $inpid; output: $(head -c 400 "$T/cg.out")"
		fi
		rmdir "$cg2/bwtest-trace.slice" 2>/dev/null
	else
		skip trace-syscall-cgroup "no writable cgroup2 mount"
	fi
else
	skip trace-syscall-sequence "needs root and $BWTEST"
	skip trace-syscall-count "needs root and $BWTEST"
fi

exit 0
