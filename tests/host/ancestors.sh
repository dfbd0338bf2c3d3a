#!/bin/sh
# The ancestors of decision records: a chain bwanc-outer -> bwanc-inner,
# the inner one sending SIGURG 300 times to a victim an audit rule names.
# Every record names its ancestors' comms and executables, read from the
# process table (the engine's ancestor cache: engine/anc_cache.c).  The
# engine is stopped (SIGSTOP) while the chain runs, and bwanc-outer execs
# another program and exits before the engine reads a record: the exes
# must come from the entries kept after an image ends (proc_gone).
#   sh tests/host/ancestors.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

degraded_gate || exit 0

if [ ! -x "$BWTEST" ]; then
	skip ancestors-named "helper $BWTEST not built"
	exit 0
fi
printf '[audit-anc]\nevent = signal\naction = audit\nsignal = SIGURG\ncomm = bwanc-inner\ntarget_comm = bwancvic\n' \
	>"$T/anc.rules"
printf '[engine]\nrules = %s/anc.rules\nlog = %s/anc.log\non_lsm_missing = audit\n' "$T" "$T" >"$T/anc.conf"
sh_path=$(command -v sh)
cp "$sh_path" "$T/bwanc-outer"
cp "$sh_path" "$T/bwanc-inner"
victim bwancvic 60
if ! engine_start "$T/anc.conf" "$T/anc.ready" "$T/anc.err"; then
	fail ancestors-named "engine did not start: $(head -c 400 "$T/anc.err")"
	kill "$VPID" 2>/dev/null
	exit 0
fi
kill -STOP "$EPID"
"$T/bwanc-outer" -c '"$1" -c "i=0; while [ \$i -lt 300 ]; do kill -URG $2; i=\$((i + 1)); done"; exec "$1" -c "exit 0"' \
	bwanc-outer "$T/bwanc-inner" "$VPID"
kill -CONT "$EPID"
# the engine has written what it read once the log stops growing
n=-1
while [ "$n" != "$(wc -c <"$T/anc.log")" ]; do n=$(wc -c <"$T/anc.log"); sleep 0.5; done
engine_stop "$EPID" || fail ancestors-stop "engine exit status $?"
kill "$VPID" 2>/dev/null

recs=$(grep '"rule":"audit-anc"' "$T/anc.log")
total=$(printf '%s\n' "$recs" | grep -c .)
named=$(printf '%s\n' "$recs" | jq -c --arg o "$T/bwanc-outer" \
	'select(.ancestors[0].comm == "bwanc-outer" and .ancestors[0].exe == $o and
		.ancestors[1].exe != null)' | grep -c .)
if [ "$total" != 300 ]; then
	fail ancestors-named "want 300 records of audit-anc, got $total: $(grep '"type":"lost"' "$T/anc.log" | head -c 300)"
elif [ "$named" = "$total" ]; then
	pass ancestors-named
else
	fail ancestors-named "$named of $total records name bwanc-outer ($T/bwanc-outer) first: $(printf '%s\n' "$recs" | head -n 1 | jq -c .ancestors)"
fi
