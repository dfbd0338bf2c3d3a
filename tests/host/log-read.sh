#!/bin/sh
# `bulwark log` on the log audit-only.sh's engine left (see audit_only in
# lib.sh): rotations, filters, summary, explain, bad lines, the auditd format.
#   sh tests/host/log-read.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

degraded_gate || exit 0
audit_only || exit 0

# ---- bulwark log: the log and its rotations, filters, bad lines ----
all=$( (zcat "$A/audit.log.1.gz"; cat "$A/audit.log") | grep -c '"rule":"deny-exec-marker"')
got=$("$BW" log --config "$A/audit.conf" --rule deny-exec-marker --json 2>&1 | grep -c '"rule":"deny-exec-marker"')
if [ "$all" -gt 0 ] && [ "$got" = "$all" ]; then
	pass log-reads-rotations
else
	fail log-reads-rotations "$got records shown, $all in the files"
fi
out=$("$BW" log --config "$A/audit.conf" --event signal --decision would-deny 2>&1)
if echo "$out" | head -1 | grep -q '^TIME  *DECISION  *EVENT' &&
   echo "$out" | grep -q 'would-deny  *signal  *deny-usr1 ' &&
   ! echo "$out" | sed 1d | grep -v ' signal ' | grep -q .; then
	pass log-filters-table
else
	fail log-filters-table "$(echo "$out" | head -5)"
fi
out=$("$BW" -j log --config "$A/audit.conf" --summary 2>/dev/null)
dec=$( (zcat "$A/audit.log.1.gz"; cat "$A/audit.log") | grep -c '"type":"decision"')
if echo "$out" | grep -q "\"records\":$dec," &&
   echo "$out" | grep -q "\"deny-exec-marker\":$all[,}]"; then
	pass log-summary
else
	fail log-summary "want $dec records and deny-exec-marker $all: $out"
fi
id=$( (zcat "$A/audit.log.1.gz"; cat "$A/audit.log") | grep '"rule":"kill-getppid"' | head -1 |
	sed 's/.*"subject":{"pid":[0-9]*,"exec_id":"\([^"]*\)".*/\1/')
out=$("$BW" log --config "$A/audit.conf" --explain "$id" --json 2>&1)
if echo "$out" | head -1 | grep -q "^exec id $id: pid [0-9]*, bwkill" &&
   echo "$out" | grep -q "started by pid $(cat "$A/shell.pid") " &&
   echo "$out" | grep '"type":"syscall"' | grep -q "\"exec_id\":\"$id\"" &&
   echo "$out" | grep '"type":"decision"' | grep -q '"rule":"kill-getppid"'; then
	pass log-explain
else
	fail log-explain "id $id: $(echo "$out" | head -6)"
fi
# every filter of bulwark log, against counts taken from the files themselves
both() { zcat "$A/audit.log.1.gz"; cat "$A/audit.log"; }
fcount() { "$BW" log --config "$A/audit.conf" --json "$@" 2>/dev/null | wc -l; }
mpid=$(both | grep '"rule":"deny-exec-marker"' | head -1 | sed 's/.*"subject":{"pid":\([0-9]*\),.*/\1/')
ok=yes why=
check() {	# check NAME GOT WANT
	if [ "$2" != "$3" ] || [ "$3" = 0 ]; then ok=no; why="$why $1: $2 shown, want $3;"; fi
}
check comm "$(fcount --comm bwkill)" "$(both | grep -c '"comm":"bwkill"')"
check exe "$(fcount --exe "$A/bin/marker-true")" "$(both | grep -c "\"subject\":{[^}]*\"exe\":\"$A/bin/marker-true\"")"
check pid "$(fcount --pid "$mpid")" "$(both | grep -c "\"pid\":$mpid,")"
check uid "$(fcount --uid 0 --type decision)" "$(both | grep '"type":"decision"' | grep -c '"uid":0,')"
check type "$(fcount --type policy)" "$(both | grep -c '"type":"policy"')"
if [ "$(fcount --container 0123456789ab)" != 0 ]; then ok=no; why="$why container: records shown;"; fi
if [ "$(fcount --rule deny-usr1 --comm nosuchcomm)" != 0 ]; then ok=no; why="$why combined: records shown;"; fi
if [ $ok = yes ]; then
	pass log-every-filter
else
	fail log-every-filter "$why"
fi
n=$("$BW" log --config "$A/audit.conf" --until 2000-01-01T00:00:00Z --json 2>&1 | wc -l)
m=$("$BW" log --config "$A/audit.conf" --since 1h --json 2>&1 | wc -l)
if [ "$n" = 0 ] && [ "$m" -gt 10 ]; then
	pass log-time-filters
else
	fail log-time-filters "--until 2000: $n lines, --since 1h: $m lines"
fi
{ head -3 "$A/audit.log"; echo 'this is not json'; sed -n '4,$p' "$A/audit.log"; printf '{"time":"2026-11-25T00:00:00Z","type":"deci'; } >"$T/bad.log"
total=$(wc -l <"$A/audit.log")
out=$("$BW" log --json "$T/bad.log" 2>"$T/bad.err")
if grep -q "bad.log:4: not a JSON object, skipped" "$T/bad.err" &&
   grep -q "bad.log:$((total + 2)): truncated line" "$T/bad.err" &&
   [ "$(echo "$out" | wc -l)" = "$total" ]; then
	pass log-bad-lines-skipped
else
	fail log-bad-lines-skipped "$(cat "$T/bad.err"); $(echo "$out" | wc -l) of $total records"
fi


# auditd format, read by Debian's own ausearch and aureport
if command -v ausearch >/dev/null && command -v aureport >/dev/null; then
	"$BW" log --config "$A/audit.conf" --format auditd >"$T/audit.audit" 2>/dev/null
	mpid=$( (zcat "$A/audit.log.1.gz"; cat "$A/audit.log") | grep '"rule":"deny-exec-marker"' | head -1 |
		sed 's/.*"subject":{"pid":\([0-9]*\),.*/\1/')
	found=$(ausearch -if "$T/audit.audit" -p "$mpid" 2>&1)
	rep=$(aureport -if "$T/audit.audit" 2>&1)
	if echo "$found" | grep -q 'bw_rule="deny-exec-marker"' &&
	   ausearch -if "$T/audit.audit" -c bwkill 2>&1 | grep -q 'bw_rule="kill-getppid"' &&
	   echo "$rep" | grep -Eq 'Number of executables: [1-9]' &&
	   echo "$rep" | grep -q 'Range of time in logs'; then
		pass log-auditd-format
	else
		fail log-auditd-format "ausearch -p $mpid: $(echo "$found" | head -3); aureport: $(echo "$rep" | head -8)"
	fi
elif [ "${CI:-}" = true ]; then
	fail log-auditd-format "ausearch/aureport missing (package auditd)"
else
	skip log-auditd-format "ausearch/aureport not installed (apt-get install auditd)"
fi

exit 0
