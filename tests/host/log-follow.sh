#!/bin/sh
# `bulwark log -f` across a rotation, a line written in two parts.
#   sh tests/host/log-follow.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

# -f follows the log as it grows, across a rotation, with a line written in two parts
printf '%s\n' '{"time":"2026-11-25T00:00:00Z","type":"a"}' >"$T/fl.log"
timeout 4 "$BW" log -f --json "$T/fl.log" >"$T/fl.out" 2>&1 &
fpid=$!
sleep 0.8
printf '%s\n' '{"time":"2026-11-25T00:00:01Z","type":"b"}' >>"$T/fl.log"
sleep 0.6
mv "$T/fl.log" "$T/fl.log.1"
printf '%s\n' '{"time":"2026-11-25T00:00:02Z","type":"c"}' >"$T/fl.log"
sleep 0.6
printf '%s' '{"time":"2026-11-25T00:00:03Z","ty' >>"$T/fl.log"
sleep 0.6
printf '%s\n' 'pe":"d"}' >>"$T/fl.log"
wait $fpid
if [ "$(sed -n 's/.*"type":"\([a-z]\)".*/\1/p' "$T/fl.out" | tr -d '\n')" = abcd ]; then
	pass log-follow-rotation
else
	fail log-follow-rotation "$(cat "$T/fl.out")"
fi

exit 0
