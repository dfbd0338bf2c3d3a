#!/bin/sh
# An exec storm (issue 11; run by tests/host/run.sh, as root, audit-only on
# a kernel that refuses LSM programs): the engine runs with the process
# tracer on and an exec audit rule that matches one program named for this
# run only, which tests/host/execstorm.c starts from two workers per CPU,
# as fast as they go, for STORM_SECONDS (30).  The decision ring buffer is
# the smallest there is (64K, STORM_BUFFER) and a third of the way in the
# engine is stopped for STORM_PAUSE seconds (1), as a starved engine would
# be: the decision ring overflows (about 200 exec records fill it), the
# process tracer's 1 MiB ring (about 3,000 records) not unless the storm
# is fast, and the loss accounting is put to work.  Checked:
# - the engine stays up the whole storm (looked at every second), and on
#   SIGTERM afterwards exits 0 with the stop record last;
# - its RSS, read from /proc/PID/status every second, stays within
#   RSS at ready + the ring buffers' pages + 8 MiB (docs/log.md, "Losses
#   under load"); the max is reported;
# - every record is written or counted in a lost record, against the
#   storm's own count of its execs, never the engine's: the audit rule's
#   decision records (the engine counts their losses per event class:
#   exec) exactly, and the process tracer's records of the storm (exec,
#   fork, exit: the tracer's losses are counted for the tracer, all
#   processes of the host together) exactly when the tracer lost none,
#   else every storm record missing from the log within its count;
# - the log's lost records agree with each other (counts add up to the
#   total, per_cpu too) and with the status file; no write error.
# Nothing is asserted on a rate.
#   storm.sh BULWARK DIR
set -u
BW=$1
SECS=${STORM_SECONDS:-30}
BUFFER=${STORM_BUFFER:-64K}
PAUSE=${STORM_PAUSE:-1}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TR_RING_KIB=1024	# a tracer's ring buffer (bpf/trace.bpf.h, tr_events)
SLACK_KIB=8192
pass() { echo "PASS: host/$1"; }
fail() { echo "FAIL: host/$1: $2"; }
skip() { echo "SKIP: host/$1: $2"; }

if [ "$(id -u)" != 0 ]; then
	skip exec-storm "needs root to load BPF programs"
	exit 0
fi
if ! mkdir -p "$2" || ! D=$(cd "$2" && pwd); then
	fail exec-storm "cannot make the directory $2"
	exit 0
fi
epid=
spid=
trap 'kill $epid $spid 2>/dev/null' EXIT

# the storm and the program it starts, named for this run: their records
# are told apart from every other process's on the host
DRV=$D/bwxsd$$
TGT=$D/bwxst$$
DCOMM=$(basename "$DRV" | cut -c1-15)
TCOMM=$(basename "$TGT" | cut -c1-15)
CCF="-O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror"
# a static program execs faster; a dynamic one will do
# shellcheck disable=SC2086  # the flags are words
if ! ${CC:-cc} $CCF -static "$ROOT/tests/host/execstorm.c" -o "$DRV" 2>"$D/cc.err" &&
   ! ${CC:-cc} $CCF "$ROOT/tests/host/execstorm.c" -o "$DRV" 2>"$D/cc.err"; then
	fail exec-storm "cannot build tests/host/execstorm.c: $(head -c 300 "$D/cc.err")"
	exit 0
fi
cp "$DRV" "$TGT"

# path and comm: a path nobody can resolve (another test's, at the same
# time) matches every audit rule on path, but not this comm
printf '[audit-execstorm]\nevent = exec\naction = audit\npath = %s\ncomm = %s\n' "$TGT" "$TCOMM" \
	>"$D/storm.rules"
{
	printf '[engine]\nrules = %s/storm.rules\nlog = %s/storm.log\n' "$D" "$D"
	printf 'status = %s/storm.status\non_lsm_missing = audit\n' "$D"
	printf '[log]\nbuffer = %s\n[tracers]\nprocess = on\n' "$BUFFER"
} >"$D/storm.conf"

# rss PID: VmRSS of PID in KiB; empty when it is gone (starts no process)
rss() {
	v=
	{ while IFS=' 	' read -r k n _; do
		[ "$k" = "VmRSS:" ] && v=$n
	done <"/proc/$1/status"; } 2>/dev/null
	echo "$v"
}
# sample PID: one RSS sample into max and the rss file; 1 when PID is gone
max=0
samples=0
sample() {
	v=$(rss "$1")
	[ -n "$v" ] || return 1
	echo "$v" >>"$D/rss"
	[ "$v" -gt "$max" ] && max=$v
	samples=$((samples + 1))
	return 0
}
# sfield KEY: the number after "KEY": in the status file
sfield() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$D/storm.status" 2>/dev/null; }

"$BW" run --config "$D/storm.conf" --ready-file "$D/ready" 2>"$D/err" &
epid=$!
i=0
while [ ! -e "$D/ready" ]; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 $epid 2>/dev/null; then
		fail exec-storm "engine not ready: $(head -c 400 "$D/err")"
		exit 0
	fi
	sleep 0.1
done
if ! grep '"type":"tracer"' "$D/storm.log" | grep '"tracer":"process"' | grep -q '"state":"attached"'; then
	fail exec-storm "the process tracer did not attach: $(grep '"type":"tracer"' "$D/storm.log" | head -c 300)"
	exit 0
fi
ring=$(sed -n 's/.*"type":"start".*"buffer":\([0-9]*\).*/\1/p' "$D/storm.log")
: >"$D/rss"
sample $epid
rss0=$max
# The bound: nothing the engine keeps grows with the records it handles
# (fixed buffers, a fixed ancestor cache); the rings' pages become
# resident as they are read, each page twice (the data is mapped twice,
# for records that wrap); 8 MiB for the log's buffer, the allocator and
# libraries' pages touched after start.
bound=$((rss0 + 2 * (${ring:-0} / 1024 + TR_RING_KIB) + SLACK_KIB))

"$DRV" "$SECS" 0 "$TGT" >"$D/storm.out" 2>"$D/storm.err" &
spid=$!
# every second while the storm lasts: the engine is there, and its RSS;
# a third of the way in, the engine is stopped for PAUSE seconds
down=
t=0
while kill -0 $spid 2>/dev/null; do
	if ! sample $epid; then
		down="is gone after $t s of the storm"
		break
	fi
	if [ $t -eq $((SECS / 3)) ] && [ "$PAUSE" != 0 ]; then
		kill -STOP $epid
		sleep "$PAUSE"
		kill -CONT $epid
	fi
	sleep 1
	t=$((t + 1))
done
wait $spid
src=$?
spid=
execs=$(sed -n 's/^execs=\([0-9]*\) procs=\([0-9]*\).*/\1/p' "$D/storm.out")
procs=$(sed -n 's/^execs=\([0-9]*\) procs=\([0-9]*\).*/\2/p' "$D/storm.out")
if [ -n "$down" ]; then
	fail exec-storm-engine-up "the engine $down: $(tail -5 "$D/err")"
	exit 0
fi
if [ $src -ne 0 ] || [ -z "$execs" ] || [ -z "$procs" ]; then
	fail exec-storm "the storm failed (exit $src): $(head -c 300 "$D/storm.err")"
	exit 0
fi

# The storm is over: until the engine's count of decisions stays the same
# for two looks (the rings are read empty), then a status file newer than
# the last loss count.  Other processes go on making process records.
prev=-1
stable=0
i=0
while [ $stable -lt 2 ] && [ $i -lt 60 ]; do
	sleep 1
	sample $epid || break
	n=$(sfield decisions)
	if [ "${n:-x}" = "$prev" ]; then stable=$((stable + 1)); else stable=0; fi
	prev=${n:-x}
	i=$((i + 1))
done
sleep 1.2
if sample $epid; then
	pass exec-storm-engine-up
else
	fail exec-storm-engine-up "the engine ended after the storm: $(tail -5 "$D/err")"
	exit 0
fi
cp "$D/storm.status" "$D/status.after"

if [ "$max" -le "$bound" ]; then
	pass "exec-storm-rss-bounded (max $max KiB, at ready $rss0 KiB, bound $bound KiB, $samples samples)"
else
	fail exec-storm-rss-bounded "max $max KiB > bound $bound KiB (at ready $rss0 KiB; ring $ring bytes): $(tr '\n' ' ' <"$D/rss")"
fi

kill -TERM $epid
i=0
while kill -0 $epid 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 $epid 2>/dev/null; then
	fail exec-storm-sigterm "still running 60 s after SIGTERM"
	kill -KILL $epid
	exit 0
fi
wait $epid
rc=$?
epid=
L=$D/storm.log
if [ $rc -eq 0 ] && tail -1 "$L" | grep -q '"type":"stop"' &&
   tail -1 "$L" | grep -q '"write_errors":0,"unwritten":0,'; then
	pass exec-storm-sigterm
else
	fail exec-storm-sigterm "exit $rc; last line: $(tail -1 "$L" | cut -c1-200); stderr: $(grep -v '^bulwark: ' "$D/err" | head -5)"
fi

# ---- the accounting ----
# lost records of EVENT (a class, or a tracer): the last kernel total, the
# sum of the kernel counts, and what was left in the ring at stop
lost_total() {
	v=$(grep -F '"type":"lost"' "$L" | grep -F "\"event\":\"$1\"" | grep -F '"where":"kernel"' |
		sed -n 's/.*"total":\([0-9]*\).*/\1/p' | tail -1)
	echo "${v:-0}"
}
lost_sum() {
	grep -F '"type":"lost"' "$L" | grep -F "\"event\":\"$1\"" | grep -F "\"where\":\"$2\"" |
		sed -n 's/.*"count":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }'
}
# per_cpu of the last kernel lost record of EVENT, added up
lost_cpus() {
	grep -F '"type":"lost"' "$L" | grep -F "\"event\":\"$1\"" | grep -F '"where":"kernel"' |
		tail -1 | sed -n 's/.*"per_cpu":\[\([0-9,]*\)\].*/\1/p' | tr ',' '\n' |
		awk '{ s += $1 } END { print s + 0 }'
}

# decisions of the audit rule: each exec of the program makes one
dk=$(lost_total exec)
ds=$(lost_sum exec stop)
dsum=$(lost_sum exec kernel)
dcpu=$(lost_cpus exec)
dw=$(grep -F '"type":"decision"' "$L" | grep -F '"rule":"audit-execstorm"' |
	grep -cF "\"exec\":{\"path\":\"$TGT\"")
dall=$(grep -F '"type":"decision"' "$L" | grep -cF '"event":"exec"')
dstop=$(tail -1 "$L" | sed -n 's/.*"decisions":\([0-9]*\).*/\1/p')
st_dk=$(sed -n 's/.*"exec":{"total":\([0-9]*\).*/\1/p' "$D/status.after")
why=
[ $((dw + dk + ds)) -eq "$execs" ] ||
	why="$execs execs, $dw records written + $dk lost in the kernel + $ds left at stop"
[ "$dall" -eq "$dw" ] || why="${why:+$why; }$((dall - dw)) exec decision records of other programs"
[ "$dsum" -eq "$dk" ] || why="${why:+$why; }kernel lost counts add up to $dsum, the total says $dk"
[ "$dk" -eq 0 ] || [ "$dcpu" -eq "$dk" ] || why="${why:+$why; }per_cpu adds up to $dcpu, the total says $dk"
[ "${st_dk:-x}" = "$dk" ] || why="${why:+$why; }the status file says ${st_dk:-nothing} lost"
[ "${dstop:-x}" = "$dall" ] || why="${why:+$why; }the stop record says ${dstop:-no} decisions, $dall in the log"
if [ -z "$why" ]; then
	pass "exec-storm-decisions-accounted ($execs execs in $SECS s: $dw written + $((dk + ds)) lost)"
else
	fail exec-storm-decisions-accounted "$why"
fi

# the process tracer: the storm's own records, and what it counted lost
pk=$(lost_total process)
ps=$(lost_sum process stop)
psum=$(lost_sum process kernel)
st_pk=$(sed -n 's/.*"tracers":{"process":{.*"lost":\([0-9]*\)}.*/\1/p' "$D/status.after")
grep -F '"type":"process"' "$L" >"$D/proc.log"
# precs STATE KEY VALUE: the storm's process records of STATE
precs() { grep -F "\"$2\":\"$3\"" "$D/proc.log" | grep -cF "\"state\":\"$1\""; }
# what the storm made of each kind: the driver's exec and exit, each
# worker's fork and exit, each child's fork, exec (of the program) and exit
set -- \
	"exec filename $TGT $execs" \
	"exec filename $DRV 1" \
	"fork comm $DCOMM $((execs + procs))" \
	"exit comm $TCOMM $execs" \
	"exit comm $DCOMM $((procs + 1))"
missing=0
over=
detail=
for k in "$@"; do
	# shellcheck disable=SC2086  # four words
	set -- $k
	w=$(precs "$1" "$2" "$3")
	detail="$detail $1($(basename "$3"))=$w/$4"
	if [ "$w" -gt "$4" ]; then
		over="$over $1 of $3: $w written, $4 made;"
	else
		missing=$((missing + $4 - w))
	fi
done
why=
[ -z "$over" ] || why="more records than the storm made:$over"
if [ $((pk + ps)) -eq 0 ]; then
	[ $missing -eq 0 ] || why="${why:+$why; }none counted lost, $missing storm records missing:$detail"
else
	# the tracer's loss counter is the whole host's: the storm's missing
	# records are at most what it counted
	[ $missing -le $((pk + ps)) ] ||
		why="${why:+$why; }$missing storm records missing, only $pk + $ps counted lost:$detail"
fi
[ "$psum" -eq "$pk" ] || why="${why:+$why; }kernel lost counts add up to $psum, the total says $pk"
[ "${st_pk:-x}" = "$pk" ] || why="${why:+$why; }the status file says ${st_pk:-nothing} lost"
pe=$(precs exec filename "$TGT")
if [ -z "$why" ] && [ $((pk + ps)) -eq 0 ]; then
	pass "exec-storm-process-accounted (exactly: $execs execs, $pe exec records, all $((3 * execs + 2 * procs + 2)) storm records written)"
elif [ -z "$why" ]; then
	pass "exec-storm-process-accounted ($execs execs, $pe exec records written; the tracer lost $((pk + ps)), of them $missing of the storm's $((3 * execs + 2 * procs + 2)))"
else
	fail exec-storm-process-accounted "$why"
fi
exit 0
