#!/bin/sh
# [log] repeat: a process in a loop that matches an audit rule and a deny
# rule (would-deny here: the audit-only fallback) leaves few full records,
# and every decision is counted exactly once: full records + their folded
# counts + repeat records' counts = the operations made, with nothing lost.
# Summaries come both from the engine's tick (a window that ended while
# it ran) and from its stop.  With repeat = 0 every decision is its own
# record, as before.
#   sh tests/host/repeat.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

degraded_gate || exit 0
if [ ! -x "$BWTEST" ]; then
	skip repeat "helper $BWTEST not built"
	exit 0
fi

# sum_of LOG TYPE RULE FIELD: the sum of FIELD (a number) over the records
# of TYPE naming RULE; records without FIELD count 0
sum_of() {
	grep "\"type\":\"$2\"" "$1" | grep "\"rule\":\"$3\"" |
		sed -n "s/.*\"$4\":\([0-9]*\).*/\1/p" | awk '{ s += $1 } END { print s + 0 }'
}
# records LOG TYPE RULE: how many records of TYPE name RULE
records() { grep "\"type\":\"$2\"" "$1" | grep -c "\"rule\":\"$3\""; }

# conf NAME REPEAT: a policy with the two rules, [log] repeat = REPEAT
conf() {
	printf '[audit-urg]\nevent = signal\naction = audit\nsignal = SIGURG\ntarget_comm = bwrptv\n\n' >"$T/$1.rules"
	printf '[deny-winch]\nevent = signal\naction = deny\nsignal = SIGWINCH\ntarget_comm = bwrptv\n' >>"$T/$1.rules"
	printf '[engine]\nrules = %s/%s.rules\nlog = %s/%s.log\nstatus = %s/%s.status\ncontrol = %s/%s.ctl\non_lsm_missing = audit\n[log]\nrepeat = %s\n' \
		"$T" "$1" "$T" "$1" "$T" "$1" "$T" "$1" "$2" >"$T/$1.conf"
}

victim bwrptv 300
cp "$BWTEST" "$T/bwrpt"

# ---- repeat = 1s ----
N1=300000	# SIGURG in one burst of more than a window (about 0.5 us each
		# natively): its later full records carry folded counts, and
		# the tick sums its last window
N2=300		# SIGURG from another process just before the stop: summed at stop
ND=5000		# SIGWINCH, denied by a rule (would-deny: audit-only)
conf on 1s
if ! engine_start "$T/on.conf" "$T/on.ready" "$T/on.err"; then
	fail repeat "engine not ready: $(head -c 400 "$T/on.err")"
	kill "$VPID" 2>/dev/null
	exit 0
fi
ok=1
"$T/bwrpt" kill-burst $N1 "$VPID" SIGURG >"$T/burst1.out" || ok=0
"$T/bwrpt" kill-burst $ND "$VPID" SIGWINCH >"$T/burst2.out" || ok=0
sleep 3.5	# the windows and their grace end, the tick writes their repeat records
tick_repeats=$(grep -c '"type":"repeat"' "$T/on.log")
# SIGURG at about 20 a second for 3.5 s: a decision follows each window's
# end within 50 ms, and its record carries the window's folded count (the
# tick leaves a window a whole window more for that)
"$T/bwrpt" kill-loop "$T/loop.stop" "$VPID" SIGURG >"$T/loop.out" & LPID=$!
sleep 3.5
touch "$T/loop.stop"
wait $LPID || ok=0
NL=$(sed -n 's/^attempts=//p' "$T/loop.out")
[ -n "$NL" ] || { ok=0; NL=0; }
"$T/bwrpt" kill-burst $N2 "$VPID" SIGURG >"$T/burst3.out" || ok=0
NS=$((N1 + NL + N2))
engine_stop $EPID
rc=$?
L=$T/on.log
full=$(records "$L" decision audit-urg)
folded=$(sum_of "$L" decision audit-urg folded)
summed=$(sum_of "$L" repeat audit-urg folded)
dfull=$(records "$L" decision deny-winch)
dfolded=$(sum_of "$L" decision deny-winch folded)
dsummed=$(sum_of "$L" repeat deny-winch folded)
lost=$(grep -c '"type":"lost"' "$L")
stop_dec=$(sed -n 's/.*"type":"stop","decisions":\([0-9]*\).*/\1/p' "$L")
if [ $ok = 0 ] || [ $rc != 0 ]; then
	fail repeat-sums "the bursts or the engine failed (engine exit $rc): $(cat "$T"/burst*.out | tr '\n' ' ' | head -c 300)"
elif [ $((full + folded + summed)) -ne $NS ] || [ "$lost" -ne 0 ]; then
	fail repeat-sums "SIGURG: $NS sent, $full records + $folded folded + $summed in repeat records; $lost lost records"
elif [ "$full" -gt 15 ]; then
	fail repeat-sums "SIGURG: $full full records for three processes' loops (expected a few)"
elif ! grep '"rule":"audit-urg"' "$L" | grep '"type":"decision"' | grep -q '"folded":[1-9]'; then
	fail repeat-sums "no SIGURG decision record carries a folded count (the slow loop crossed 3 windows)"
else
	pass repeat-sums
fi
if [ $((dfull + dfolded + dsummed)) -ne $ND ] ||
   [ "$(grep '"rule":"deny-winch"' "$L" | grep -c '"decision":"would-deny"')" -ne \
     "$(grep -c '"rule":"deny-winch"' "$L")" ] || [ "$dfull" -gt 5 ]; then
	fail repeat-deny "SIGWINCH: $ND sent, $dfull would-deny records + $dfolded folded + $dsummed in repeat records"
else
	pass repeat-deny
fi
# a repeat record from the tick (the first burst's window ended while the
# engine ran) and one from the stop (the last burst's)
if [ "$tick_repeats" -lt 1 ] || ! grep '"type":"repeat"' "$L" | grep -q "\"folded\":$((N2 - 1))[,}]"; then
	fail repeat-flush "repeat records: $tick_repeats before the stop; none with the last burst's $((N2 - 1)) at stop"
else
	pass repeat-flush
fi
if [ "$stop_dec" = $((NS + ND)) ] && grep -q '"repeat_ms":1000' "$L"; then
	pass repeat-counted
else
	fail repeat-counted "the stop record counts ${stop_dec:-none} decisions, not $((NS + ND)); or the start record has no repeat_ms 1000"
fi
# the program that writes repeat records: listed as loaded, and it ran
# (the stop record's statistics count runs only with bpf_stats on)
ff_runs=$(grep '"type":"stop"' "$L" | sed -n 's/.*"bw_fold_flush":{"runs":\([0-9]*\).*/\1/p')
if grep '"type":"start"' "$L" | grep -q '"bw_fold_flush":"loaded"' && [ -n "$ff_runs" ] &&
   { [ "$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null)" != 1 ] || [ "$ff_runs" -gt 0 ]; }; then
	pass repeat-program
else
	fail repeat-program "bw_fold_flush not loaded in the start record or without statistics in the stop record (runs: ${ff_runs:-none})"
fi
# bulwark log reads both kinds, and its summary counts every decision
if "$BW" log --summary "$L" >"$T/summary.out" 2>"$T/summary.err" &&
   grep -q " $((NS + ND)) decisions" "$T/summary.out" &&
   "$BW" log --type repeat "$L" 2>/dev/null | grep -q 'repeat: [0-9]* folded'; then
	pass repeat-log-reader
else
	fail repeat-log-reader "bulwark log: $(head -c 300 "$T/summary.out") $(head -c 300 "$T/summary.err")"
fi

# ---- repeat = 0: every decision its own record, as before ----
N0=300
conf off 0
if ! engine_start "$T/off.conf" "$T/off.ready" "$T/off.err"; then
	fail repeat-off "engine not ready: $(head -c 400 "$T/off.err")"
else
	"$T/bwrpt" kill-burst $N0 "$VPID" SIGURG >/dev/null
	sleep 0.5
	engine_stop $EPID
	L=$T/off.log
	full=$(records "$L" decision audit-urg)
	lost=$(grep '"type":"lost"' "$L" | sed -n 's/.*"count":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
	if [ $((full + lost)) -eq $N0 ] && [ "$full" -gt 0 ] && ! grep -q '"folded"' "$L" &&
	   ! grep -q '"type":"repeat"' "$L" && grep -q '"repeat_ms":0' "$L" &&
	   ! grep -q '"bw_fold_flush"' "$L"; then
		pass repeat-off
	else
		fail repeat-off "$N0 sent: $full records, $lost lost; folded or repeat records: $(grep -c 'folded\|"type":"repeat"' "$L")"
	fi
fi
kill "$VPID" 2>/dev/null
wait "$VPID" 2>/dev/null
exit 0
