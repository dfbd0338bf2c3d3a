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

# The command line of an exec, exactly (spaces, a quote, a newline, a byte
# that is not UTF-8: escaped as \u00ff), cut at 20 arguments and at 1024
# bytes (the NULs counted) with argv_truncated, and a line that fills the
# 1024 bytes exactly is not cut.  bwargv is a copy of true.
say() { printf '%s\n' "$1"; }	# dash's echo would expand the \n in records
A=$TR_T/bwargv
cp /usr/bin/true "$A"
len=$((${#A} + 1))		# argv[0] and its NUL
fill=$((1024 - len - 1))	# one argument that ends at byte 1024
long_ok=$(head -c $fill /dev/zero | tr '\0' f)
long_cut=$(head -c $((fill + 1)) /dev/zero | tr '\0' g)
if tracer_start process -c bwargv; then
	"$A" "a b" 'q"uote' "$(printf 'nl\nx')" "$(printf '\377')" ''
	# shellcheck disable=SC2046
	"$A" $(seq 1 30)
	"$A" $(seq 1 19)
	"$A" "$long_ok"
	"$A" "$long_cut" next
	tracer_stop || fail process-argv-stop "$TR_WHY"
	r=$(recs '.state == "exec"')
	why=
	[ "$(say "$r" | grep -c .)" = 5 ] || why="want 5 exec records, got: $r"
	first=$(say "$r" | sed -n 1p)
	[ -n "$why" ] || say "$first" | jq -e --arg a "$A" \
		'.argv == [$a, "a b", "q\"uote", "nl\nx", "\u00ff", ""] and (has("argv_truncated") | not)' \
		>/dev/null || why="argv of the first exec: $first"
	# the byte 0xff as the log writer escapes it, the newline as \n (jq
	# would write them again its own way: the tracer's output itself)
	[ -n "$why" ] || grep -qF '"nl\nx","\u00ff",""]' "$TR_OUT" || why="escaping: $(head -n 1 "$TR_OUT")"
	[ -n "$why" ] || say "$r" | sed -n 2p | jq -e --arg a "$A" \
		'.argv == [$a] + ([range(1; 20)] | map(tostring)) and .argv_truncated == true' \
		>/dev/null || why="30 arguments: $(say "$r" | sed -n 2p)"
	[ -n "$why" ] || say "$r" | sed -n 3p | jq -e --arg a "$A" \
		'.argv == [$a] + ([range(1; 20)] | map(tostring)) and (has("argv_truncated") | not)' \
		>/dev/null || why="20 arguments: $(say "$r" | sed -n 3p)"
	[ -n "$why" ] || say "$r" | sed -n 4p | jq -e --arg a "$A" --arg l "$long_ok" \
		'.argv == [$a, $l] and (has("argv_truncated") | not)' \
		>/dev/null || why="1024 bytes exactly: $(say "$r" | sed -n 4p | head -c 300)"
	[ -n "$why" ] || say "$r" | sed -n 5p | jq -e --arg a "$A" --arg l "$long_ok" \
		'.argv == [$a, ($l | gsub("f"; "g"))] and .argv_truncated == true' \
		>/dev/null || why="1025 bytes: $(say "$r" | sed -n 5p | head -c 300)"
	if [ -z "$why" ]; then pass process-argv; else fail process-argv "$why"; fi
else
	fail process-argv "$TR_WHY"
fi

# -x: failed execs too, with the errno and what the caller passed; -q in
# the table quotes each argument
: >"$TR_T/noexec"
chmod 644 "$TR_T/noexec"
if tracer_start process -x -c bwproc; then
	pending_x=$(map_entries "$TR_PID" tr_pending)
	"$TR_T/bwproc" -c 'exec /nonexistent/bwnone x "y z"' 2>/dev/null
	"$TR_T/bwproc" -c '"$1" arg' bwproc "$TR_T/noexec" 2>/dev/null
	tracer_stop || fail process-failed-stop "$TR_WHY"
	why=
	[ "$(nrecs '.state == "exec_failed" and .filename == "/nonexistent/bwnone" and
		.ret == -2 and .errno == "ENOENT" and .argv == ["/nonexistent/bwnone", "x", "y z"]')" = 1 ] ||
		why="no ENOENT record: $(recs '.state == "exec_failed"')"
	[ -n "$why" ] || [ "$(nrecs ".state == \"exec_failed\" and .filename == \"$TR_T/noexec\" and
		.ret == -13 and .errno == \"EACCES\" and .argv == [\"$TR_T/noexec\", \"arg\"]")" = 1 ] ||
		why="no EACCES record: $(recs '.state == "exec_failed"')"
	# without -x, none
	[ -n "$why" ] || [ "$(nrecs '.state == "exec"')" = 2 ] || why="want the 2 execs of bwproc too"
	if [ -z "$why" ]; then pass process-failed; else fail process-failed "$why"; fi
else
	case $TR_WHY in
	*"sys_enter_execve"*"failed"*) skip process-failed "no execve tracepoints: $TR_WHY" ;;
	*) fail process-failed "$TR_WHY" ;;
	esac
fi
if tracer_start process -c bwproc; then
	pending=$(map_entries "$TR_PID" tr_pending)
	"$TR_T/bwproc" -c 'exec /nonexistent/bwnone' 2>/dev/null
	tracer_stop || fail process-failed-off-stop "$TR_WHY"
	# the map pairing execve's entry and exit is sized only for -x
	if [ "$pending" = 1 ] && [ "${pending_x:-}" = 10240 ]; then
		pass process-pending-size
	else
		fail process-pending-size "tr_pending max_entries: '$pending' without -x, '${pending_x:-}' with it"
	fi
	if [ "$(nrecs '.state == "exec_failed"')" = 0 ] && [ "$(nrecs '.state == "exec"')" = 1 ]; then
		pass process-failed-off
	else
		fail process-failed-off "without -x: $(head -c 600 "$TR_OUT")"
	fi
else
	fail process-failed-off "$TR_WHY"
fi

# the table: -q quotes, escapes the newline; -x shows the failure
"$BW" trace process -x -q -c bwproc >"$TR_T/table" 2>"$TR_ERR" &
TR_PID=$!
i=0
while ! grep -q "bulwark: tracing" "$TR_ERR" && kill -0 $TR_PID 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
"$TR_T/bwproc" -c 'exec /nonexistent/bwnone "a b"' bw "$(printf 'l1\nl2')" 2>/dev/null
tracer_stop || fail process-table-stop "$TR_WHY"
if grep -qF "exec  $TR_T/bwproc  \"$TR_T/bwproc\" \"-c\" \"exec /nonexistent/bwnone \\\"a b\\\"\" \"bw\" \"l1\\nl2\"" "$TR_T/table" &&
   grep -qF 'fail  ENOENT /nonexistent/bwnone  "/nonexistent/bwnone" "a b"' "$TR_T/table"; then
	pass process-table-args
else
	fail process-table-args "$(cat "$TR_T/table")"
fi
