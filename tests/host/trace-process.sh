#!/bin/sh
# process on this kernel: exec, fork, exit codes, signals, durations and
# the parent links that give records their ancestry.
BW=$1
. "$(dirname "$0")/tracelib.sh"

cp "$(command -v sh)" "$TR_T/bwproc"
cp "$(command -v sleep)" "$TR_T/bwsleep"
for via in tp_btf raw_tp; do
	if ! tracer_start process --via "$via" -c bwproc; then
		case $TR_WHY in
		*"tp_btf"*"failed"*) skip "process-$via" "this kernel refuses it: $TR_WHY" ;;
		*) fail "process-$via" "$TR_WHY" ;;
		esac
		continue
	fi
	# bwproc forks a child bwproc (a subshell) that exits 3, and runs a
	# bwsleep it kills with SIGKILL; bwsleep is filtered out by -c
	"$TR_T/bwproc" -c '( exit 3 ); "$1" 5 & s=$!; "$1" 0.2; kill -KILL $s; wait $s; exit 7' \
		bwproc "$TR_T/bwsleep" 2>/dev/null
	tracer_stop || fail "process-$via-stop" "$TR_WHY"
	top=$(recs ".state == \"exec\" and .filename == \"$TR_T/bwproc\"")
	top_id=$(echo "$top" | jq -r .exec_id)
	top_pid=$(echo "$top" | jq -r .pid)
	sub=$(recs ".state == \"fork\" and .ppid == $top_pid")
	sub_pid=$(echo "$sub" | jq -r .pid | head -n 1)
	why=
	[ "$(echo "$top" | grep -c .)" = 1 ] || why="want one exec of bwproc, got: $top"
	[ -z "$why" ] && [ "$(nrecs ".state == \"exit\" and .pid == $top_pid and .exit_status == 7")" = 1 ] ||
		why="${why:-no exit record with status 7 for pid $top_pid}"
	[ -z "$why" ] && echo "$sub" | jq -e --arg p "$top_id" '.parent_exec_id == $p' >/dev/null ||
		why="${why:-the subshell's fork record does not name its parent's exec id $top_id: $sub}"
	[ -z "$why" ] && [ "$(nrecs ".state == \"exit\" and .pid == $sub_pid and .exit_status == 3")" = 1 ] ||
		why="${why:-no exit status 3 for the subshell $sub_pid}"
	[ -z "$why" ] && [ "$(nrecs '.comm == "bwsleep"')" = 0 ] || why="${why:-bwsleep was not filtered out}"
	[ -z "$why" ] && recs ".state == \"exit\" and .pid == $top_pid" |
		jq -e '.duration_ns > 200000000 and .duration_ns < 20000000000' >/dev/null ||
		why="${why:-duration of bwproc not between 0.2 s and 20 s}"
	if [ -z "$why" ]; then pass "process-$via"; else fail "process-$via" "$why"; fi
done

# a process killed by a signal, followed by pid: the fork of the sleeper
# is filtered (another pid), its exec and exit are not
if tracer_start process -c bwsleep; then
	sh -c '"$1" 5 & echo $! >"$2"; sleep 0.3; kill -KILL $!; wait $!' sh \
		"$TR_T/bwsleep" "$TR_T/sleeper" 2>/dev/null
	s=$(cat "$TR_T/sleeper")
	tracer_stop || fail process-signal-stop "$TR_WHY"
	r=$(recs ".state == \"exit\" and .pid == $s")
	if echo "$r" | jq -e '.signal == "SIGKILL" and .exit_code == 9 and (has("exit_status") | not)' >/dev/null &&
	   [ "$(nrecs ".state == \"exec\" and .pid == $s and .filename == \"$TR_T/bwsleep\"")" = 1 ]; then
		pass process-signal
	else
		fail process-signal "$(head -c 800 "$TR_OUT")"
	fi
else
	fail process-signal "$TR_WHY"
fi
