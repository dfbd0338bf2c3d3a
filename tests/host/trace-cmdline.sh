#!/bin/sh
# The command line of an exec in the audit log: the daemon with the process
# and tcp tracers on and an exec audit rule (this kernel: the degraded
# decision after the exec).  A bash of known arguments connects twice; its
# process record and its exec decision carry that argv, and `bulwark log`
# shows it in the table, in --explain (with the connects) and in
# --format auditd; `bulwark replay` reads the log as before.
BW=$1
. "$(dirname "$0")/tracelib.sh"

if [ "$(id -u)" != 0 ]; then
	skip cmdline-daemon "needs root"
	exit 0
fi
tcp_helper cmdline-daemon || exit 0
if ! command -v bash >/dev/null; then
	skip cmdline-daemon "no bash (its /dev/tcp makes the connects)"
	exit 0
fi
say() { printf '%s\n' "$1"; }	# dash's echo would expand the \n in records

cat >"$TR_T/exec.rules" <<EOF2
[audit-bwcmd]
event = exec
action = audit
path = $TR_T/bwcmd
EOF2
cat >"$TR_T/cmd.conf" <<EOF2
[engine]
rules = $TR_T/exec.rules
log = $TR_T/audit.log
on_lsm_missing = audit

[tracers]
process = on
tcp = on
EOF2
cp "$(command -v bash)" "$TR_T/bwcmd"
tcp_serve 127.0.0.1 8 2 0
"$BW" run --config "$TR_T/cmd.conf" --ready-file "$TR_T/ready" 2>"$TR_T/run.err" &
eng=$!
i=0
while [ ! -e "$TR_T/ready" ] && kill -0 $eng 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
if [ ! -e "$TR_T/ready" ]; then
	fail cmdline-daemon "engine not ready: $(cat "$TR_T/run.err")"
	kill $eng $SRV 2>/dev/null
	exit 0
fi
# two connects from one image, whose argv has a space and a newline
"$TR_T/bwcmd" -c 'exec 3<>/dev/tcp/127.0.0.1/$1; exec 4<>/dev/tcp/127.0.0.1/$1; echo $$ >"$2"' \
	bwcmd "$PORT" "$TR_T/cmd-pid" "two words" "$(printf 'l1\nl2')"
wait $SRV
sleep 0.5
kill -INT $eng; wait $eng; rc=$?
log=$TR_T/audit.log
pid=$(cat "$TR_T/cmd-pid" 2>/dev/null)
script='exec 3<>/dev/tcp/127.0.0.1/$1; exec 4<>/dev/tcp/127.0.0.1/$1; echo $$ >"$2"'
want=$(jq -cn --arg a "$TR_T/bwcmd" --arg s "$script" --arg p "$PORT" --arg f "$TR_T/cmd-pid" \
	'[$a, "-c", $s, "bwcmd", $p, $f, "two words", "l1\nl2"]')
why=
[ $rc -eq 0 ] || why="engine exit $rc: $(cat "$TR_T/run.err")"
[ -n "$why" ] || [ -n "$pid" ] || why="bwcmd did not run"
proc=$(jq -c "select(.type == \"process\" and .state == \"exec\" and .pid == ${pid:-0})" "$log")
id=$(say "$proc" | jq -r .exec_id)
[ -n "$why" ] || [ "$(say "$proc" | grep -c .)" = 1 ] || why="want one exec record of pid $pid: $proc"
[ -n "$why" ] || say "$proc" | jq -e --argjson w "$want" '.argv == $w and (has("argv_truncated") | not)' >/dev/null ||
	why="process record's argv, want $want: $proc"
dec=$(jq -c "select(.type == \"decision\" and .event == \"exec\" and .subject.pid == ${pid:-0})" "$log")
[ -n "$why" ] || say "$dec" | jq -e --argjson w "$want" --arg id "$id" \
	'.rule == "audit-bwcmd" and .subject.exec_id == $id and .exec.op == "exec" and .exec.argv == $w' \
	>/dev/null || why="exec decision's argv, want $want: $dec"
[ -n "$why" ] || [ "$(jq -c "select(.type == \"tcp\" and .exec_id == \"$id\" and .direction == \"connect\" and .dport == $PORT)" "$log" | wc -l)" = 2 ] ||
	why="want 2 connects of $id: $(jq -c 'select(.type == "tcp")' "$log" | head -c 600)"
if [ -z "$why" ]; then pass cmdline-daemon; else fail cmdline-daemon "$why"; fi

# --explain: the command line (escaped, quoted where it has blanks) and the connects
line="command line: $TR_T/bwcmd -c \"exec 3<>/dev/tcp/127.0.0.1/\$1; exec 4<>/dev/tcp/127.0.0.1/\$1; echo \$\$ >\\\"\$2\\\"\" bwcmd $PORT $TR_T/cmd-pid \"two words\" l1\\nl2"
out=$("$BW" log --explain "${id:-none}" "$log" 2>&1)
if say "$out" | grep -qxF "$line" && [ "$(say "$out" | grep -c "tcp.*\"direction\":\"connect\"")" = 2 ]; then
	pass cmdline-explain
else
	fail cmdline-explain "want '$line' and 2 connects: $out"
fi

# the table's exec row, and the audit grammar's argc/aN (hex for the
# arguments with blanks, as audit's EXECVE records)
out=$("$BW" log --event exec "$log" 2>&1)
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr a-f A-F; }
aud=$("$BW" log --event exec --format auditd "$log" 2>&1)
if say "$out" | grep -qF "argv=$TR_T/bwcmd -c \"exec 3<>" &&
   say "$aud" | grep -qF "bw_exec_argc=8 bw_exec_a0=\"$TR_T/bwcmd\" bw_exec_a1=\"-c\" bw_exec_a2=$(hex "$script") bw_exec_a3=\"bwcmd\" bw_exec_a4=\"$PORT\"" &&
   say "$aud" | grep -qF "bw_exec_a6=$(hex "two words") bw_exec_a7=$(hex "$(printf 'l1\nl2')") "; then
	pass cmdline-log-formats
else
	fail cmdline-log-formats "table: $out / auditd: $aud"
fi

# replay: argv is no rule key; the log replays as it was decided
out=$("$BW" replay --config "$TR_T/cmd.conf" 2>&1); rc=$?
if [ $rc -eq 0 ] && say "$out" | grep -Eq '^[1-9][0-9]* decision records, [1-9][0-9]* replayed, 0 would change'; then
	pass cmdline-replay
else
	fail cmdline-replay "exit $rc: $out"
fi
