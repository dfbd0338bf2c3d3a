#!/bin/sh
# Rotation under load: many rotations (max_size = 64K) while records pour
# in, nothing lost: every record is in a rotation or counted lost.
#   sh tests/host/rotation-load.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

degraded_gate || exit 0
if [ -x "$BWTEST" ]; then
	printf '[audit-urg]\nevent = signal\naction = audit\nsignal = SIGURG\ntarget_comm = bwrot\n' >"$T/rot.rules"
	printf '[engine]\nrules = %s/rot.rules\nlog = %s/rot/audit.log\non_lsm_missing = audit\n[log]\nmax_size = 64K\nkeep = 100\n' \
		"$T" "$T" >"$T/rot.conf"
	victim bwrot 60
	rvictim=$VPID
	engine_start "$T/rot.conf" "$T/rot.ready" /dev/null
	rpid=$EPID
	N=4000
	"$BWTEST" kill-burst $N $rvictim SIGURG >/dev/null
	sleep 3
	engine_stop $rpid
	kill $rvictim 2>/dev/null
	nrot=$(ls "$T/rot" | grep -c '\.gz$')
	written=$("$BW" log --config "$T/rot.conf" --rule audit-urg --json 2>/dev/null | wc -l)
	lost=$("$BW" log --config "$T/rot.conf" --type lost --json 2>/dev/null | grep '"event":"signal"' |
		sed 's/.*"total":\([0-9]*\).*/\1/' | tail -1)
	if [ "$nrot" -ge 5 ] && [ $((written + ${lost:-0})) -eq $N ]; then
		pass log-rotation-under-load
	else
		fail log-rotation-under-load "$nrot rotations; $written written + ${lost:-0} lost of $N"
	fi
else
	skip log-rotation-under-load "helper $BWTEST not built"
fi
exit 0
