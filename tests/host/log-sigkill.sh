#!/bin/sh
# The engine killed with SIGKILL mid-write (no flushing): the log still
# reads, at most the torn last line and one more skipped.
#   sh tests/host/log-sigkill.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

degraded_gate || exit 0
if [ -x "$BWTEST" ]; then
	printf '[audit-urg]\nevent = signal\naction = audit\nsignal = SIGURG\ntarget_comm = bwkill9\n' >"$T/k9.rules"
	printf '[engine]\nrules = %s/k9.rules\nlog = %s/k9.log\non_lsm_missing = audit\n[log]\nflush = none\n' \
		"$T" "$T" >"$T/k9.conf"
	victim bwkill9 60
	k9victim=$VPID
	engine_start "$T/k9.conf" "$T/k9.ready" /dev/null
	k9=$EPID
	"$BWTEST" kill-burst 3000 $k9victim SIGURG >/dev/null
	sleep 0.3
	kill -KILL $k9
	wait $k9 2>/dev/null
	kill $k9victim 2>/dev/null
	shown=$("$BW" log --json "$T/k9.log" 2>"$T/k9.err" | wc -l)
	lines=$(grep -c . "$T/k9.log")
	bad=$(grep -c "skipped" "$T/k9.err")
	if [ "$shown" -gt 0 ] && [ "$bad" -le 2 ] && [ $((shown + bad)) -ge $((lines - 1)) ]; then
		pass log-after-sigkill
	else
		fail log-after-sigkill "$shown records read of $lines lines; $(cat "$T/k9.err")"
	fi
else
	skip log-after-sigkill "helper $BWTEST not built"
fi
exit 0
