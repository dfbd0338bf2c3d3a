#!/bin/sh
# `bulwark log` and `bulwark replay` on hostile records (issue 11): wrong
# types, trailing data, overlong lines, endless input, hostile names.
# No root needed.
#   sh tests/host/log-hostile.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

# A wrong-typed record is reported with FILE:LINE and skipped, never a crash.
mkdir -p "$T/hostile"
H=$T/hostile
printf '{"type":"decision","event":"exec","decision":"deny"}\n{"type":"start","time":"2026-01-01T00:00:00Z"}\n' >"$H/c.log"
for fmt in table auditd; do
	out=$("$BW" log --format $fmt "$H/c.log" 2>"$H/c.err"); rc=$?
	if [ $rc -eq 0 ] && grep -q "c.log:1: decision record without an object named after its event, skipped" "$H/c.err" &&
	   grep -q "1 malformed line skipped" "$H/c.err" && echo "$out" | grep -q 'start'; then
		pass "log-missing-event-object-$fmt"
	else
		fail "log-missing-event-object-$fmt" "exit $rc: $out $(cat "$H/c.err")"
	fi
done
printf '%s\n' '{"time":"2026-01-01T00:00:00Z","type":"decision","event":"exec","decision":"deny","exec":{"path":"/x"},"ancestors":"x","subject":{"exec_id":"1-2-3"}}' \
	'{"time":"2026-01-01T00:00:01Z","type":"decision","event":"exec","decision":"deny","exec":{"path":"/x"},"ancestors":[5],"subject":{"exec_id":"1-2-3"}}' \
	'{"time":"2026-01-01T00:00:02Z","type":"x","subject":{"exec_id":"1-2-3","pid":"7"}}' >"$H/a.log"
out=$("$BW" log --explain 1-2-3 "$H/a.log" 2>"$H/a.err"); rc=$?
if [ $rc -eq 0 ] && grep -q "a.log:1: member ancestors has the wrong type (string), skipped" "$H/a.err" &&
   grep -q "a.log:2: member ancestors holds a value that is not an object, skipped" "$H/a.err" &&
   grep -q "a.log:3: member subject.pid has the wrong type (string), skipped" "$H/a.err" &&
   echo "$out" | grep -q '^0 records:'; then
	pass log-explain-wrong-types
else
	fail log-explain-wrong-types "exit $rc: $out $(cat "$H/a.err")"
fi

# A container a user named is counted apart from the one of that name.
printf '%s\n' '{"time":"2026-01-01T00:00:00Z","type":"decision","event":"signal","decision":"deny","rule":"r","signal":{"sig":15},"subject":{"pid":5,"comm":"a","uid":1,"container":"web1"}}' \
	'{"time":"2026-01-01T00:00:01Z","type":"decision","event":"signal","decision":"deny","rule":"r","signal":{"sig":15},"subject":{"pid":6,"comm":"a","uid":1,"container":"web1","container_private":true}}' >"$H/ctr.log"
out=$("$BW" -j log --summary "$H/ctr.log" 2>&1); rc=$?
if [ $rc -eq 0 ] && echo "$out" | jq -e '.container == {"web1": 1, "web1 (private)": 1}' >/dev/null; then
	pass log-summary-private-container
else
	fail log-summary-private-container "exit $rc: $out"
fi

# Trailing data after the object is malformed.
printf '%s\n' '{"type":"start","time":"2026-01-01T00:00:00Z"} {"type":"forged"}' '{"type":"stop","time":"2026-01-01T00:00:01Z"}' >"$H/g.log"
out=$("$BW" log --json "$H/g.log" 2>"$H/g.err"); rc=$?
if [ $rc -eq 0 ] && [ "$out" = '{"type":"stop","time":"2026-01-01T00:00:01Z"}' ] &&
   grep -q "g.log:1: data after the JSON object, skipped" "$H/g.err"; then
	pass log-trailing-data-rejected
else
	fail log-trailing-data-rejected "exit $rc: $out $(cat "$H/g.err")"
fi

# A line over 1 MiB is skipped whole, reported once; its tail is not a record.
{ echo '{"type":"a"}'; head -c 1100000 /dev/zero | tr '\0' x; echo '{"type":"tail"}'; echo '{"type":"b"}'; } >"$H/long.log"
out=$("$BW" log --json "$H/long.log" 2>"$H/long.err"); rc=$?
if [ $rc -eq 0 ] && [ "$(echo "$out" | tr '\n' ' ')" = '{"type":"a"} {"type":"b"} ' ] &&
   [ "$(grep -c 'long.log:2: line longer than the 1 MiB limit' "$H/long.err")" = 1 ] &&
   grep -q "1 malformed line skipped" "$H/long.err"; then
	pass log-overlong-line-skipped-whole
else
	fail log-overlong-line-skipped-whole "exit $rc: $(echo "$out" | cut -c1-100) $(cat "$H/long.err")"
fi

# Endless input ends with a clear error, in bounded time.
out=$(timeout 60 "$BW" log /dev/zero 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "/dev/zero:1: no newline in 16 MiB: not a log, stopped reading it"; then
	pass log-dev-zero-ends
else
	fail log-dev-zero-ends "exit $rc: $(echo "$out" | tail -3)"
fi
out=$(timeout 60 "$BW" log /dev/urandom 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -Eq "/dev/urandom: 1000 malformed lines in a row .*stopped reading it|/dev/urandom:[0-9]+: no newline in 16 MiB"; then
	pass log-dev-urandom-ends
else
	fail log-dev-urandom-ends "exit $rc: $(echo "$out" | tail -3)"
fi

# Hostile names: every row one line, control bytes and invalid UTF-8 escaped
# visibly in the table, --summary and --explain.  (printf, not echo: dash's
# echo would turn the escapes back into control characters.)
printf '{"time":"2026-01-01T00:00:00Z","type":"decision","event":"exec","decision":"deny","rule":"r1","exec":{"path":"/tmp/a\\nb\377"},"subject":{"pid":9,"comm":"ev\\nil\\t\\\\\\u001b[2J\377\001","exec_id":"9-1-1"},"ancestors":[{"pid":1,"comm":"sh\\nFAKE ROW","exe":"/bin/sh\376","exec_id":"1-1-1"}]}\n' >"$H/h.log"
tab=$("$BW" log "$H/h.log" 2>"$H/h.err")
sum=$("$BW" log --summary "$H/h.log" 2>>"$H/h.err")
exp=$("$BW" log --explain 9-1-1 "$H/h.log" 2>>"$H/h.err")
ctl=$(printf '%s\n%s\n%s\n' "$tab" "$sum" "$exp" | LC_ALL=C grep -c '[[:cntrl:]]')
bad=$(printf '%s\n%s\n%s\n' "$tab" "$sum" "$exp" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 && echo 0 || echo 1)
if [ "$(printf '%s\n' "$tab" | wc -l)" = 2 ] && [ "$ctl" = 0 ] && [ "$bad" = 0 ] && [ ! -s "$H/h.err" ] &&
   printf '%s\n' "$tab" | grep -qF ' ev\nil\t\\\x1b[ path=' &&
   printf '%s\n' "$tab" | grep -qF 'path=/tmp/a\nb\xff' &&
   printf '%s\n' "$sum" | grep -qF 'ev\nil\t\\\x1b[2J\xff ' &&
   printf '%s\n' "$exp" | grep -qF 'pid 9, ev\nil\t\\\x1b[2J\xff\x01 (exe unknown)' &&
   printf '%s\n' "$exp" | grep -qF 'started by pid 1 sh\nFAKE ROW (/bin/sh\xfe), exec id 1-1-1' &&
   ! printf '%s\n%s\n' "$sum" "$exp" | grep -q '^FAKE ROW'; then
	pass log-hostile-strings-escaped
else
	fail log-hostile-strings-escaped "control lines $ctl, invalid UTF-8 $bad: $tab / $sum / $exp / $(cat "$H/h.err")"
fi

# replay: malformed lines and wrong-typed records are counted, not changes.
printf '[deny-x]\nevent = exec\naction = deny\npath = /tmp/hostile-x\n' >"$H/x.rules"
cat >"$H/r.log" <<'EOF'
{"time":"2026-01-01T00:00:00Z","type":"decision","event":"exec","decision":"deny","rule":"deny-x","exec":{"path":"/tmp/hostile-x","op":"exec"},"subject":{"pid":5,"comm":"a","exe":"/bin/a","uid":0,"gid":0}}
{"type":"decision","event":"exec","decision":"deny"}
{"time":"2026-01-01T00:00:01Z","type":"decision","event":"exec","decision":"allow","exec":{"path":5},"subject":{"pid":6,"comm":"b","uid":0,"gid":0}}
{"time":"2026-01-01T00:00:02Z","type":"decision","event":"exec","decision":"allow","exec":{"path":"/bin/true"},"subject":{"pid":7,"comm":7}}
{"time":"2026-01-01T00:00:03Z","type":"decision","event":"exec","decision":"allow","exec":{"path":"/bin/true"},"subject":{"pid":8,"comm":"ok","uid":0,"gid":0}} junk
EOF
out=$("$BW" replay --rules "$H/x.rules" "$H/r.log" 2>&1); rc=$?
if [ $rc -eq 0 ] &&
   echo "$out" | grep -q '^2 decision records, 1 replayed, 0 would change, 1 not replayable .*, 3 malformed lines$' &&
   echo "$out" | grep -q 'field exec.path has the wrong type, not replayable' &&
   echo "$out" | grep -q 'r.log:4: member subject.comm has the wrong type (int), skipped'; then
	pass replay-wrong-types-counted
else
	fail replay-wrong-types-counted "exit $rc: $out"
fi

# -j: the reader's problems are JSON objects on stderr with their file and
# line (kind, errno, reason; error is the text form), the text form as before.
printf '%s\n' '{"type":"start","time":"2026-01-01T00:00:00Z"}' 'not json' '{"type":"stop","time":"2026-01-01T00:00:01Z"}' >"$H/j.log"
out=$("$BW" -j log "$H/j.log" "$H/none.log" 2>"$H/j.err"); rc=$?
txt=$("$BW" log "$H/j.log" "$H/none.log" 2>&1 >/dev/null)
if [ $rc -eq 1 ] && [ "$(echo "$out" | wc -l)" = 2 ] &&
   jq -e -s --arg f "$H/j.log" --arg n "$H/none.log" '
	length == 3 and
	.[0] == {error: ("log: " + $f + ":2: not a JSON object, skipped"), kind: "bad_line",
		 file: $f, line: 2, errno: 0, reason: "not a JSON object"} and
	.[1] == {error: ("log: cannot open " + $n + ": No such file or directory"),
		 kind: "open_error", file: $n, line: 0, errno: 2,
		 reason: "No such file or directory"} and
	.[2] == {error: "log: 1 malformed line skipped"}' "$H/j.err" >/dev/null &&
   [ "$txt" = "bulwark: log: $H/j.log:2: not a JSON object, skipped
bulwark: log: cannot open $H/none.log: No such file or directory
bulwark: log: 1 malformed line skipped" ]; then
	pass log-json-errors
else
	fail log-json-errors "exit $rc: $out / $(cat "$H/j.err") / $txt"
fi
out=$("$BW" replay -j --rules "$H/x.rules" "$H/j.log" 2>&1 >/dev/null); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -v '^[0-9]* decision records' |
   jq -e -s --arg f "$H/j.log" 'length == 1 and .[0].kind == "bad_line" and
	.[0].file == $f and .[0].line == 2' >/dev/null; then
	pass replay-json-errors
else
	fail replay-json-errors "exit $rc: $out"
fi

exit 0
