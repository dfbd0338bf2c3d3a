#!/bin/sh
# The audit log's files against someone else's hand (run by
# tests/host/run.sh; the engine tests need root, audit-only on a kernel
# that refuses LSM programs):
#   - .gz bombs: a small rotation that inflates to millions of empty lines,
#     to one endless line, or to lines over the 1 MiB cap, is read in
#     bounded time with each bad line reported as FILE:LINE
#   - bulwark log -f: the reader's cap and line numbers, across a line
#     written in two halves and a rotation that leaves a torn line
#   - a log that is a hard link, owned by another user: refused; hard links
#     planted at the rotation's names: left alone
#   - the log's directory (or one above it) writable by others: refused;
#     world-writable with the sticky bit, or a directory above it writable
#     by another group: a warning
#   - symlinks and directories planted at the status, metrics and ready
#     files and at their .tmp names: not followed, the engine starts
#   logfiles.sh BULWARK DIR
set -u
BW=$1
D=$2
pass() { echo "PASS: host/$1"; }
fail() { echo "FAIL: host/$1: $2"; }
skip() { echo "SKIP: host/$1: $2"; }
mkdir -p "$D"
chmod 0700 "$D"

# ---- .gz bombs (no privileges needed) ----

# 100 million empty lines: 100 MB inflated from ~100 KB
head -c 100000000 /dev/zero | tr '\0' '\n' | gzip -9 >"$D/nl.log.gz"
t0=$(date +%s)
out=$(timeout -k 5 60 "$BW" log "$D/nl.log.gz" 2>&1); rc=$?
s=$(($(date +%s) - t0))
if [ $rc -eq 1 ] && [ $s -le 20 ] &&
   echo "$out" | grep -q "nl.log.gz:1000: not a JSON object, skipped" &&
   echo "$out" | grep -q "nl.log.gz: more than 1000 malformed lines or 16 MiB of them in compressed input: not a log, stopped reading it" &&
   [ "$(echo "$out" | grep -c 'not a JSON object, skipped')" -le 1001 ]; then
	pass log-gz-bomb-empty-lines
else
	fail log-gz-bomb-empty-lines "exit $rc after ${s}s: $(echo "$out" | tail -3)"
fi

# valid records between the junk do not reset the count
{ i=0; while [ $i -lt 1500 ]; do echo '{"type":"ok"}'; echo; i=$((i + 1)); done; } |
	gzip >"$D/alt.log.gz"
out=$("$BW" log --json "$D/alt.log.gz" 2>"$D/alt.err"); rc=$?
if [ $rc -eq 1 ] && [ "$(echo "$out" | wc -l)" = 1001 ] &&
   grep -q "alt.log.gz: more than 1000 malformed lines" "$D/alt.err"; then
	pass log-gz-bomb-interleaved
else
	fail log-gz-bomb-interleaved "exit $rc, $(echo "$out" | wc -l) records: $(tail -2 "$D/alt.err")"
fi

# one endless line: 300 MB of zeros without a newline, from ~300 KB
head -c 300000000 /dev/zero | gzip -9 >"$D/zero.log.gz"
t0=$(date +%s)
out=$(timeout -k 5 60 "$BW" log "$D/zero.log.gz" 2>&1); rc=$?
s=$(($(date +%s) - t0))
if [ $rc -eq 1 ] && [ $s -le 10 ] &&
   echo "$out" | grep -q "zero.log.gz:1: no newline in 16 MiB: not a log, stopped reading it"; then
	pass log-gz-bomb-endless-line
else
	fail log-gz-bomb-endless-line "exit $rc after ${s}s: $(echo "$out" | tail -3)"
fi

# lines over the cap: each reported with its line, the records around read;
# then a run of them: given up once 16 MiB of junk has been inflated
long=$(head -c 2000000 /dev/zero | tr '\0' x)
{ echo '{"type":"a"}'; echo "$long"; echo "$long"; echo '{"type":"b"}'; } | gzip >"$D/long.log.gz"
{ i=0; while [ $i -lt 40 ]; do echo "$long"; i=$((i + 1)); done; echo '{"type":"never"}'; } |
	gzip >"$D/longs.log.gz"
out=$("$BW" log --json "$D/long.log.gz" 2>"$D/long.err"); rc=$?
out2=$(timeout -k 5 60 "$BW" log --json "$D/longs.log.gz" 2>"$D/longs.err"); rc2=$?
if [ $rc -eq 0 ] && [ "$(echo "$out" | tr '\n' ' ')" = '{"type":"a"} {"type":"b"} ' ] &&
   grep -q "long.log.gz:2: line longer than the 1 MiB limit (2000000 bytes), skipped" "$D/long.err" &&
   grep -q "long.log.gz:3: line longer than the 1 MiB limit" "$D/long.err" &&
   [ $rc2 -eq 1 ] && [ -z "$out2" ] &&
   grep -q "longs.log.gz:9: line longer than the 1 MiB limit" "$D/longs.err" &&
   ! grep -q "longs.log.gz:10:" "$D/longs.err" &&
   grep -q "longs.log.gz: more than 1000 malformed lines or 16 MiB" "$D/longs.err"; then
	pass log-gz-overlong-lines
else
	fail log-gz-overlong-lines "exit $rc/$rc2: $out $(cat "$D/long.err" "$D/longs.err" | tail -4)"
fi
rm -f "$D"/*.gz

# ---- bulwark log -f: cap, line numbers, half-written lines, rotation ----
# (with --json its errors are JSON lines on stderr: {"error":"log: ..."})

F=$D/follow.log
printf '{"type":"a"}\nbad\n' >"$F"
"$BW" log --json -f "$F" >"$D/f.out" 2>"$D/f.err" &
fpid=$!
sleep 1
printf '{"type":"b' >>"$F"			# line 3, written in two halves
sleep 0.6
printf '"}\n{"type":"c"}\nx\n' >>"$F"		# 3, 4, 5
sleep 0.6
{ head -c 1100000 /dev/zero | tr '\0' y; echo; echo '{"type":"d"}'; } >>"$F"	# 6, 7
sleep 0.6
printf '{"type":"torn' >>"$F"			# 8: never ended
mv "$F" "$F.1"
printf '{"type":"new"}\nnewbad\n' >"$F"	# the new file: 1, 2
sleep 1.5
kill -INT $fpid
i=0
while kill -0 $fpid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL $fpid 2>/dev/null	# SIGINT not heeded: the test fails
wait $fpid; rc=$?
if [ $rc -eq 0 ] &&
   [ "$(tr '\n' ' ' <"$D/f.out")" = '{"type":"a"} {"type":"b"} {"type":"c"} {"type":"d"} {"type":"new"} ' ] &&
   [ "$(jq -r .error "$D/f.err" 2>&1 | sed 's/^log: //' | tr '\n' '|')" = "$F:2: not a JSON object, skipped|$F:5: not a JSON object, skipped|$F:6: line longer than the 1 MiB limit (1100000 bytes), skipped|$F:8: truncated line (13 bytes without a newline), skipped|$F:2: not a JSON object, skipped|5 malformed lines skipped|" ]; then
	pass log-follow-lines-numbered
else
	fail log-follow-lines-numbered "exit $rc: $(tr '\n' ' ' <"$D/f.out") / $(tr '\n' ' ' <"$D/f.err")"
fi
# a followed .gz is read once, not taken for a truncated file and read again
printf '{"type":"a"}\n{"type":"b"}\n' | gzip >"$D/f.log.gz"
out=$(timeout -k 2 2 "$BW" log --json -f "$D/f.log.gz" 2>&1)
if [ "$(echo "$out" | tr '\n' ' ')" = '{"type":"a"} {"type":"b"} ' ]; then
	pass log-follow-gz-once
else
	fail log-follow-gz-once "$(echo "$out" | head -6 | tr '\n' ' ')"
fi
# endless input under -f: given up as by the reader, bounded
out=$(timeout -k 5 30 "$BW" log -f /dev/zero 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "/dev/zero:1: no newline in 16 MiB: not a log, stopped reading it"; then
	pass log-follow-endless-line
else
	fail log-follow-endless-line "exit $rc: $(echo "$out" | tail -2)"
fi

# ---- the engine's files (root: the engine runs) ----

if [ "$(id -u)" != 0 ]; then
	skip log-files "needs root to run the engine"
	exit 0
fi

printf '[audit-urg]\nevent = signal\naction = audit\nsignal = SIGURG\ntarget_comm = bwlfnever\n' >"$D/o.rules"
# conf DIR: a policy logging to DIR/audit.log, status and metrics in DIR
conf() {
	cat >"$D/o.conf" <<EOF
[engine]
rules = $D/o.rules
log = $1/audit.log
status = $1/status.json
on_lsm_missing = audit

[metrics]
path = $1/metrics.prom
interval = 1
EOF
}
# start DIR: the engine on DIR; sets EPID, false when it did not get ready
start() {
	conf "$1"
	rm -f "$1/ready"
	"$BW" run --config "$D/o.conf" --ready-file "$1/ready" 2>"$D/run.err" &
	EPID=$!
	i=0
	while [ ! -e "$1/ready" ]; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 $EPID 2>/dev/null; then
			return 1
		fi
		sleep 0.1
	done
}
stop() { kill -TERM $EPID; wait $EPID; }
# refused DIR: the engine must exit non-zero without a ready file
refused() {
	conf "$1"
	out=$(timeout -k 5 60 "$BW" run --config "$D/o.conf" --ready-file "$1/ready" 2>&1); rc=$?
	[ $rc -ne 0 ] && [ ! -e "$1/ready" ]
}
printf 'precious\n' >"$D/precious"
chmod 0640 "$D/precious"
intact() { [ "$(cat "$D/precious")" = precious ] && [ "$(stat -c %a "$D/precious")" = 640 ]; }

# a hard link at the log path (to a file standing for /etc/shadow): refused
L=$D/link
mkdir -p "$L"
ln "$D/precious" "$L/audit.log"
if refused "$L" && intact &&
   echo "$out" | grep -q "audit log $L/audit.log: has 2 hard links: refused"; then
	pass log-hard-link-refused
else
	fail log-hard-link-refused "exit $rc, precious '$(cat "$D/precious")' $(stat -c %a "$D/precious"): $out"
fi
rm -f "$L/audit.log"

# a log owned by another user: refused, left as it is
printf '{"type":"theirs"}\n' >"$L/audit.log"
chown 65534:65534 "$L/audit.log"
chmod 0644 "$L/audit.log"
if refused "$L" && [ "$(cat "$L/audit.log")" = '{"type":"theirs"}' ] &&
   [ "$(stat -c %a "$L/audit.log")" = 644 ] &&
   echo "$out" | grep -q "audit log $L/audit.log: is owned by uid 65534, neither root nor the engine's user: refused"; then
	pass log-other-owner-refused
else
	fail log-other-owner-refused "exit $rc, $(stat -c '%a %u' "$L/audit.log"): $out"
fi
rm -f "$L/audit.log"

# hard links planted at the rotation's names: renamed or replaced, the
# file they name never written
if start "$L"; then
	ln "$D/precious" "$L/audit.log.1.gz"
	ln "$D/precious" "$L/audit.log.rotating"
	kill -USR1 $EPID
	sleep 1.5
	alive=no
	kill -0 $EPID 2>/dev/null && alive=yes
	stop
	if [ $alive = yes ] && intact && [ "$(stat -c %h "$D/precious")" -le 2 ] &&
	   zcat "$L/audit.log.1.gz" | grep -q '"type":"start"' &&
	   [ "$(stat -c %h "$L/audit.log.1.gz")" = 1 ] && [ ! -e "$L/audit.log.rotating" ] &&
	   [ "$(stat -c %h "$L/audit.log")" = 1 ] && grep -q '"type":"stop"' "$L/audit.log"; then
		pass log-rotation-hard-links-untouched
	else
		fail log-rotation-hard-links-untouched "alive $alive, precious '$(cat "$D/precious")' links $(stat -c %h "$D/precious"); $(ls -l "$L" | tr '\n' ' '); $(head -c 400 "$D/run.err")"
	fi
else
	fail log-rotation-hard-links-untouched "engine not ready: $(head -c 600 "$D/run.err")"
	kill $EPID 2>/dev/null
fi
rm -rf "$L"

# the log's directory writable by others: refused, naming it and its mode
W=$D/ww
mkdir -p "$W"
chmod 0777 "$W"
if refused "$W" && [ ! -e "$W/audit.log" ] &&
   echo "$out" | grep -q "audit log $W/audit.log: its directory $W is writable by others (mode 0777, owner 0, group 0): refused"; then
	pass log-dir-world-writable-refused
else
	fail log-dir-world-writable-refused "exit $rc: $out"
fi
chmod 0775 "$W"
chgrp 65534 "$W"
if refused "$W" && echo "$out" | grep -q "its directory $W is writable by others (mode 0775, owner 0, group 65534): refused"; then
	pass log-dir-group-writable-refused
else
	fail log-dir-group-writable-refused "exit $rc: $out"
fi
chgrp 0 "$W"
chmod 0755 "$W"
chown 65534 "$W"
if refused "$W" && echo "$out" | grep -q "its directory $W is writable by others (mode 0755, owner 65534, group 0): refused"; then
	pass log-dir-other-owner-refused
else
	fail log-dir-other-owner-refused "exit $rc: $out"
fi
chown 0 "$W"
# a directory above the log's, writable by others: refused too
chmod 0777 "$W"
mkdir -p "$W/sub"
chmod 0755 "$W/sub"
if refused "$W/sub" && echo "$out" | grep -q "audit log $W/sub/audit.log: the directory above it $W is writable by others (mode 0777"; then
	pass log-dir-parent-writable-refused
else
	fail log-dir-parent-writable-refused "exit $rc: $out"
fi
# a directory above, group-writable by another group (Ubuntu's /var/log is
# root:syslog 0775): a warning, and the engine runs
chmod 0775 "$W"
chgrp 65534 "$W"
if start "$W/sub"; then
	stop
	if grep -q "audit log $W/sub/audit.log: warning: the directory above it $W is writable by group 65534 (mode 0775): accepted" "$D/run.err" &&
	   grep -q '"type":"stop"' "$W/sub/audit.log"; then
		pass log-dir-parent-group-warned
	else
		fail log-dir-parent-group-warned "$(head -c 600 "$D/run.err")"
	fi
else
	fail log-dir-parent-group-warned "engine not ready: $(head -c 600 "$D/run.err")"
	kill $EPID 2>/dev/null
fi
chgrp 0 "$W"
# world-writable with the sticky bit (/tmp): a warning, and the engine runs
chmod 1777 "$W"
if start "$W"; then
	stop
	if grep -q "its directory $W is writable by others (mode 1777) with the sticky bit: accepted" "$D/run.err" &&
	   grep -q '"type":"stop"' "$W/audit.log"; then
		pass log-dir-sticky-warned
	else
		fail log-dir-sticky-warned "$(head -c 600 "$D/run.err")"
	fi
else
	fail log-dir-sticky-warned "engine not ready: $(head -c 600 "$D/run.err")"
	kill $EPID 2>/dev/null
fi
# a private directory (as mktemp -d makes them): not a word about it
chmod 0700 "$W"
if start "$W"; then
	stop
	if ! grep -q "writable by others" "$D/run.err"; then
		pass log-dir-private-silent
	else
		fail log-dir-private-silent "$(head -c 600 "$D/run.err")"
	fi
else
	fail log-dir-private-silent "engine not ready: $(head -c 600 "$D/run.err")"
	kill $EPID 2>/dev/null
fi
rm -rf "$W"

# symlinks at the status, metrics and ready files and at every .tmp name,
# directories at two .tmp names: nothing followed, the engine starts
P=$D/planted
mkdir -p "$P"
for f in status.json metrics.prom ready status.json.tmp ready.tmp; do
	ln -s "$D/precious" "$P/$f"
done
ln -s "$D/victim" "$P/metrics.prom.tmp"	# dangling: followed, it would create victim
rm -f "$P/ready.tmp" "$P/status.json.tmp"
mkdir "$P/ready.tmp" "$P/status.json.tmp"
if start "$P"; then
	i=0
	while { [ -L "$P/metrics.prom" ] || [ -L "$P/status.json" ]; } && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	stop
	regular=yes
	for f in status.json metrics.prom; do
		{ [ -f "$P/$f" ] && [ ! -L "$P/$f" ]; } || regular=no
	done
	if intact && [ ! -e "$D/victim" ] && [ $regular = yes ] && [ ! -e "$P/ready" ] &&
	   [ -d "$P/ready.tmp" ] && grep -q '"generation":1' "$P/status.json"; then
		pass own-files-planted-tmp-names
	else
		fail own-files-planted-tmp-names "precious '$(cat "$D/precious")', regular $regular; $(ls -l "$P" | tr '\n' ' '); $(head -c 600 "$D/run.err")"
	fi
else
	fail own-files-planted-tmp-names "engine not ready: $(head -c 600 "$D/run.err")"
	kill $EPID 2>/dev/null
fi
rm -rf "$P"
exit 0
