#!/bin/sh
# Issue 11: the engine's own files (as root): symlinks never followed, a
# torn last line ended, modes whatever the umask.
#   sh tests/host/own-files.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" = 0 ]; then
	S="$T/own"
	mkdir -p "$S"
	chmod 1777 "$S"		# writable by others, sticky: warned (without it: refused, logfiles.sh)
	printf '[audit-urg]\nevent = signal\naction = audit\nsignal = SIGURG\ntarget_comm = bwownnever\n' >"$S/o.rules"
	printf 'precious\n' >"$S/target"
	chmod 0644 "$S/target"
	cat >"$S/o.conf" <<EOF
[engine]
rules = $S/o.rules
log = $S/audit.log
status = $S/status.json
on_lsm_missing = audit

[log]
flush = none

[metrics]
path = $S/metrics.prom
interval = 1
EOF
	# a symlink at the log path: refused, the target untouched
	ln -s "$S/target" "$S/audit.log"
	out=$(timeout 30 "$BW" run --config "$S/o.conf" --ready-file "$S/ready" 2>&1); rc=$?
	if [ $rc -ne 0 ] && [ "$(cat "$S/target")" = precious ] &&
	   [ "$(stat -c %a "$S/target")" = 644 ] && [ ! -e "$S/ready" ] &&
	   echo "$out" | grep -q "audit.log: is a symbolic link: refused" &&
	   echo "$out" | grep -q "writable by others"; then
		pass own-files-log-symlink-refused
	else
		fail own-files-log-symlink-refused "exit $rc, target $(stat -c %a "$S/target") '$(cat "$S/target")': $out"
	fi
	rm -f "$S/audit.log"
	chmod 0755 "$S"
	# a log ending with a torn line; symlinks at the status, metrics and
	# ready paths and at their temporaries; umask 0
	printf '{"time":"2026-01-01T00:00:00Z","type":"torn","x":"cut he' >"$S/audit.log"
	chmod 0600 "$S/audit.log"
	for f in status.json metrics.prom status.json.tmp; do
		ln -s "$S/target" "$S/$f"
	done
	ln -s "$S/victim" "$S/ready.real"	# dangling: followed, it would create victim
	(umask 0; exec "$BW" run --config "$S/o.conf" --ready-file "$S/ready.real") 2>"$S/run.err" &
	opid=$!
	if ! wait_ready "$S/ready.real" $opid; then
		fail own-files-symlinks-replaced "engine not ready: $(head -c 600 "$S/run.err")"
		kill $opid 2>/dev/null
	else
		i=0
		while { [ -L "$S/metrics.prom" ] || [ -L "$S/status.json" ]; } && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
		if [ "$(cat "$S/target")" = precious ] && [ "$(stat -c %a "$S/target")" = 644 ] &&
		   [ ! -e "$S/victim" ] && [ ! -L "$S/ready.real" ] &&
		   [ -f "$S/status.json" ] && [ ! -L "$S/status.json" ] &&
		   [ -f "$S/metrics.prom" ] && [ ! -L "$S/metrics.prom" ] &&
		   grep -q "status.json was a symbolic link: replaced" "$S/run.err" &&
		   grep -q "metrics.prom was a symbolic link: replaced" "$S/run.err"; then
			pass own-files-symlinks-replaced
		else
			fail own-files-symlinks-replaced "target '$(cat "$S/target")' $(stat -c %a "$S/target"); $(ls -l "$S" | tr '\n' ' '); $(head -c 600 "$S/run.err")"
		fi
		sm=$(stat -c %a "$S/status.json" 2>/dev/null)
		mm=$(stat -c %a "$S/metrics.prom" 2>/dev/null)
		rm_=$(stat -c %a "$S/ready.real" 2>/dev/null)
		lm=$(stat -c %a "$S/audit.log" 2>/dev/null)
		if [ "$sm" = 644 ] && [ "$mm" = 644 ] && [ "$rm_" = 644 ] && [ "$lm" = 600 ]; then
			pass own-files-umask0
		else
			fail own-files-umask0 "status $sm, metrics $mm, ready $rm_, log $lm under umask 0"
		fi
		kill -TERM $opid
		wait $opid
		first=$(head -1 "$S/audit.log")
		second=$(sed -n 2p "$S/audit.log")
		if [ "$first" = '{"time":"2026-01-01T00:00:00Z","type":"torn","x":"cut he' ] &&
		   echo "$second" | grep -q '^{.*"type":"start".*"torn_line":true' &&
		   grep -q "the log ended with a torn line" "$S/run.err" &&
		   [ "$("$BW" log --json "$S/audit.log" 2>/dev/null | grep -c '"type":"start"')" = 1 ]; then
			pass own-files-torn-line-ended
		else
			fail own-files-torn-line-ended "line 1: $first; line 2: $(echo "$second" | cut -c1-200); $(grep torn "$S/run.err")"
		fi
	fi
	rm -rf "$S"
else
	skip own-files "needs root to run the engine"
fi
exit 0
