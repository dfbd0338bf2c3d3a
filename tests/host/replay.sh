#!/bin/sh
# `bulwark replay` of the log audit-only.sh's engine left (see audit_only
# in lib.sh), with its own rules and with a candidate set.
#   sh tests/host/replay.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

degraded_gate || exit 0
audit_only || exit 0

# ---- bulwark replay: the rules that wrote a log change nothing ----
out=$("$BW" replay --config "$A/audit.conf" 2>&1); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -Eq '^[1-9][0-9]* decision records, [1-9][0-9]* replayed, 0 would change'; then
	pass replay-same-rules
else
	fail replay-same-rules "exit $rc: $out"
fi
sed '/^\[deny-usr1\]/,/^$/d' "$A/host.rules" >"$T/candidate.rules"
out=$("$BW" replay --config "$A/audit.conf" --rules "$T/candidate.rules" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q 'signal .* deny (deny-usr1) -> allow (no rule)' &&
   ! echo "$out" | grep -v ' signal ' | grep -q ' -> '; then
	pass replay-reports-changes
else
	fail replay-reports-changes "exit $rc: $out"
fi

exit 0
