#!/bin/sh
# The tracers as audit context in the daemon: [tracers] turns them on, their
# records reach the one audit log with exec ids, `bulwark log --explain`
# shows them with the ancestry the process tracer gives.
BW=$1
. "$(dirname "$0")/tracelib.sh"

cat >"$TR_T/audit.rules" <<EOF2
[watch-bwctx-cap]
event = capable
action = audit
comm = bwctx
EOF2
cat >"$TR_T/ctx.conf" <<EOF2
[engine]
rules = $TR_T/audit.rules
log = $TR_T/audit.log
status = $TR_T/status.json
on_lsm_missing = audit

[tracers]
process = on
opensnoop = on
EOF2
cp "$(command -v sh)" "$TR_T/bwctx"
"$BW" run --config "$TR_T/ctx.conf" --ready-file "$TR_T/ready" 2>"$TR_T/run.err" &
eng=$!
i=0
while [ ! -e "$TR_T/ready" ] && kill -0 $eng 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
if [ ! -e "$TR_T/ready" ]; then
	fail tracers-daemon "engine not ready: $(cat "$TR_T/run.err")"
	kill $eng 2>/dev/null
	exit 0
fi
echo known >"$TR_T/ctx-file"
"$TR_T/bwctx" -c 'read x <"$1"; echo "$$" >"$2"; exec "$3" "$1"' bwctx \
	"$TR_T/ctx-file" "$TR_T/ctx-pid" "$(command -v cat)" >/dev/null
sleep 0.5
# the status file says how each tracer attached (rewritten every second)
i=0
while ! jq -e '.tracers.process.state == "attached"' "$TR_T/status.json" >/dev/null 2>&1 &&
	[ $i -lt 30 ]; do
	sleep 0.1; i=$((i + 1))
done
st=$("$BW" status --config "$TR_T/ctx.conf" 2>&1)
if jq -e '.tracers.process.state == "attached" and (.tracers.process.mechanism | length > 0) and
	.tracers.opensnoop.state == "attached" and .tracers.opensnoop.lost == 0 and
	(.tracers | length) == 2' "$TR_T/status.json" >/dev/null &&
   echo "$st" | grep -q "^tracer     opensnoop: tracepoint .*, 0 lost$"; then
	pass tracers-status
else
	fail tracers-status "$(cat "$TR_T/status.json" 2>&1 | head -c 600) / $st"
fi
kill -INT $eng; wait $eng; rc=$?
log=$TR_T/audit.log
pid=$(cat "$TR_T/ctx-pid")
why=
[ $rc -eq 0 ] || why="engine exit $rc: $(cat "$TR_T/run.err")"
for t in process opensnoop; do
	[ -n "$why" ] || [ "$(jq -c "select(.type == \"tracer\" and .tracer == \"$t\" and .state == \"attached\")" "$log" | wc -l)" = 1 ] ||
		why="no 'attached' record for $t"
done
# bwctx opened the file (its shell redirection), then exec'd cat, which opened it
opens=$(jq -c "select(.type == \"opensnoop\" and .pid == $pid and .path == \"$TR_T/ctx-file\")" "$log")
[ -n "$why" ] || [ "$(echo "$opens" | grep -c .)" = 2 ] || why="want 2 opens of ctx-file by pid $pid, got: $opens"
sh_id=$(echo "$opens" | jq -r 'select(.comm == "bwctx") | .exec_id')
cat_id=$(echo "$opens" | jq -r 'select(.comm == "cat") | .exec_id')
execrec=$(jq -c "select(.type == \"process\" and .state == \"exec\" and .exec_id == \"$cat_id\")" "$log")
[ -n "$why" ] || echo "$execrec" | jq -e --arg p "$sh_id" '.parent_exec_id != $p and .filename != null' >/dev/null ||
	why="no exec record for cat's image $cat_id: $execrec"
if [ -z "$why" ]; then
	out=$("$BW" log --explain "$cat_id" "$log" 2>&1)
	echo "$out" | grep -q "^exec id $cat_id: pid $pid, cat (" || why="explain header: $out"
	echo "$out" | grep -q "exec.d by pid [0-9]* bwctx .*exec id" || why="${why:-explain has no ancestry: $out}"
	echo "$out" | grep -q "opensnoop" || why="${why:-explain does not show the open: $out}"
fi
if [ -z "$why" ]; then pass tracers-daemon; else fail tracers-daemon "$why"; fi

# a tracer that cannot attach is reported and the engine goes on
cat >"$TR_T/bad.conf" <<EOF2
[engine]
rules = $TR_T/audit.rules
log = $TR_T/bad.log
on_lsm_missing = audit

[tracers]
process = maybe
EOF2
out=$("$BW" check --config "$TR_T/bad.conf" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "bad.conf:7: error: bad value 'maybe' for process (on, off)"; then
	pass tracers-policy-error
else
	fail tracers-policy-error "exit $rc: $out"
fi
