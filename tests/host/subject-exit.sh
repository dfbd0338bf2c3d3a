#!/bin/sh
# The hooks' early exit on a subject no rule names (subject_unnamed() and
# subject_and() in bpf/policy.bpf.h) never lets a named subject through.
# 1,000 signal rules name a uid (odd I: 200000+I) or a comm (even I:
# nomatchI), so that every rule names one of the two and the exit is
# armed, and so that the filters share bits: root's uid 0 shares its bit
# with uid 200,599, which the exit must look up to tell apart.  Two rules
# first name uid 65534 and comm bwsubj.  SIGURG from each sender to a
# victim, as an attacker would vary it (another uid, another name, both):
# each decision that a rule names is written, with that rule; the others
# write nothing.  Audit-only, where LSM programs are refused: the
# tracepoint programs run the same begin_on().
#   sh tests/host/subject-exit.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

degraded_gate || exit 0
if ! command -v setpriv >/dev/null; then
	skip subject-exit "setpriv (util-linux) not found"
	exit 0
fi
if [ ! -x "$BWTEST" ]; then
	skip subject-exit "helper $BWTEST not built"
	exit 0
fi

# everything 65534 runs is readable by it
P=$T/pub
mkdir -p "$P"
chmod 755 "$T" "$P"
for n in bwvictim bwsend bwsubj; do
	cp "$BWTEST" "$P/$n"
	chmod 755 "$P/$n"
done

{
	printf '[by-uid]\nevent = signal\naction = deny\nsignal = SIGURG\nuid = 65534\n\n'
	printf '[by-comm]\nevent = signal\naction = deny\nsignal = SIGURG\ncomm = bwsubj\n\n'
	awk 'BEGIN { for (i = 0; i < 1000; i++) {
		printf "[f%d]\nevent = signal\naction = deny\nsignal = SIGURG\n", i
		if (i % 2) printf "uid = %d\n\n", 200000 + i
		else printf "comm = nomatch%d\n\n", i
	} }'
} >"$T/subject.rules"
cat >"$T/c.conf" <<EOF
[engine]
rules = $T/subject.rules
log = $T/audit.log
on_lsm_missing = audit
EOF

if ! engine_start "$T/c.conf" "$T/ready" "$T/engine.err"; then
	fail subject-exit "engine not ready: $(cat "$T/engine.err")"
	kill "$EPID" 2>/dev/null
	exit 0
fi
# victims a sender of their uid may signal
setpriv --reuid=65534 --regid=65534 --clear-groups "$P/bwvictim" sleep 60 >/dev/null &
VPID=$!
setpriv --reuid=200599 --regid=200599 --clear-groups "$P/bwvictim" sleep 60 >/dev/null &
VPID2=$!
sleep 0.3

# send CASE UID PROG VICTIM: 50 SIGURG to VICTIM as UID under the name PROG
send() {
	if [ "$2" = 0 ]; then
		"$P/$3" kill-burst 50 "$4" SIGURG >"$T/$1.out" 2>&1
	else
		setpriv --reuid="$2" --regid="$2" --clear-groups \
			"$P/$3" kill-burst 50 "$4" SIGURG >"$T/$1.out" 2>&1
	fi || fail "subject-exit-$1" "the sender failed: $(cat "$T/$1.out")"
}
send root-other 0 bwsend $VPID
send nobody-other 65534 bwsend $VPID
send root-named 0 bwsubj $VPID
send nobody-named 65534 bwsubj $VPID
send shared-bit 200599 bwsend $VPID2
sleep 1
engine_stop "$EPID" >/dev/null

# records CASE-PATTERN: the signal decision records whose sender is PROG
# as UID, with the rule they name
records() {
	grep '"event":"signal"' "$T/audit.log" | grep '"decision":"would-deny"' |
		grep "\"comm\":\"$2\"" | grep "\"uid\":$1[,}]"
}
# expect CASE UID PROG RULE: all 50 decisions written with RULE ("" none)
expect() {
	n=$(records "$2" "$3" | wc -l)
	r=$(records "$2" "$3" | grep -c "\"rule\":\"$4\"")
	if [ -z "$4" ] && [ "$n" -eq 0 ]; then
		pass "subject-exit-$1"
	elif [ -n "$4" ] && [ "$n" -eq 50 ] && [ "$r" -eq 50 ]; then
		pass "subject-exit-$1"
	else
		fail "subject-exit-$1" "uid $2 as $3: $n records, $r naming ${4:-no rule}; first: $(records "$2" "$3" | head -n 1)"
	fi
}
expect root-other 0 bwsend ""
expect nobody-other 65534 bwsend by-uid
expect root-named 0 bwsubj by-comm
expect nobody-named 65534 bwsubj by-uid
expect shared-bit 200599 bwsend f599
kill $VPID $VPID2 2>/dev/null
wait $VPID $VPID2 2>/dev/null
exit 0
