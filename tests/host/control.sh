#!/bin/sh
# The control socket, sd_notify and the capabilities of a running engine,
# as root: the socket's mode, READY=1 only after the ready file, STATUS=
# with the generation, bulwark status live (and from the status file once
# the engine is gone), the capability sets and no_new_privs after attach,
# bulwark reload (good and bad rules, RELOADING=1 then READY=1 around it)
# with the errors' file:line back to the caller, a peer that is not uid 0
# refused, a slow client and an oversized request not blocking the loop,
# control records in the audit log, and bulwark stop --detach waiting for
# the exit (STOPPING=1).
#   sh tests/host/control.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	skip control "needs root to load BPF programs"
	exit 0
fi
if ! command -v jq >/dev/null 2>&1; then
	skip control "no jq (a test dependency) to read the JSON answers"
	exit 0
fi

# the service manager's end of sd_notify
NOTIFY=
if $CC -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 "$HOSTDIR/bwnotify.c" \
	-o "$T/bwnotify" 2>"$T/cc.err"; then
	NOTIFY="@bwnotify-$$"
	"$T/bwnotify" "$NOTIFY" "$T/ready" "$T/notify.out" >"$T/bwnotify.out" &
	NPID=$!
	i=0
	while ! grep -q listening "$T/bwnotify.out" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
else
	skip notify "cannot build tests/host/bwnotify.c: $(head -3 "$T/cc.err")"
fi

printf '%s\n' '[audit-uname]' 'event = syscall' 'action = audit' 'syscall = uname' \
	'comm = bwctl' '' '[audit-marker-exec]' 'event = exec' 'action = audit' \
	"path = $T/nonexistent/" >"$T/r.rules"
cat >"$T/c.conf" <<EOF
[engine]
rules = $T/r.rules
log = $T/audit.log
status = $T/status.json
control = $T/control
on_lsm_missing = audit
EOF

NOTIFY_SOCKET=$NOTIFY "$BW" run --config "$T/c.conf" --ready-file "$T/ready" 2>"$T/engine.err" &
EPID=$!
if ! wait_ready "$T/ready" $EPID; then
	fail control "the engine did not start: $(tail -5 "$T/engine.err")"
	[ -n "$NOTIFY" ] && kill "$NPID" 2>/dev/null
	exit 0
fi

# -- the socket
mode=$(stat -c '%a %U %F' "$T/control" 2>&1)
if [ "$mode" = "600 root socket" ]; then
	pass control-socket-mode
else
	fail control-socket-mode "want '600 root socket', got '$mode'"
fi

# -- READY=1 and STATUS= (the message comes after the ready file: wait for it)
if [ -n "$NOTIFY" ]; then
	i=0
	while ! grep -q 'READY=1' "$T/notify.out" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	first=$(head -1 "$T/notify.out" 2>/dev/null)
	case "$first" in
	"ready=1 READY=1 "*) pass notify-ready-after-attach ;;
	*) fail notify-ready-after-attach "first message: '${first:-none}'" ;;
	esac
	if echo "$first" | grep -q 'STATUS=policy generation 1 live, 2 rules'; then
		pass notify-status-generation
	else
		fail notify-status-generation "first message: '${first:-none}'"
	fi
fi

# -- capabilities after attach
caps=$(grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/$EPID/status |
	tr -s '\t ' ' ' | tr '\n' ';')
want="CapInh: 0000000000000000;CapPrm: 0000000000000000;CapEff: 0000000000000000;CapBnd: 0000000000000000;CapAmb: 0000000000000000;NoNewPrivs: 1;"
if [ "$caps" = "$want" ]; then
	pass caps-after-attach
else
	fail caps-after-attach "got $caps"
fi

# -- status, live
out=$("$BW" status --config "$T/c.conf" 2>&1); rc=$?
if [ $rc -eq 0 ] && ! echo "$out" | grep -q "not answering" &&
   echo "$out" | grep -q '^rule       audit-uname: ' &&
   echo "$out" | grep -q '^rules      .*syscall 1' &&
   echo "$out" | grep -q '^program    bw_' &&
   echo "$out" | grep -q "^log size   [1-9][0-9]* bytes"; then
	pass status-live
else
	fail status-live "exit $rc: $out"
fi
js=$("$BW" -j status --config "$T/c.conf" 2>&1)
if [ "$(echo "$js" | jq -r '[.live, .pid, .generation, .rules_per_class.syscall, .rules_per_class.exec, (.program_stats | length > 0), (.rule_methods["audit-marker-exec"] | length > 0)] | map(tostring) | join(" ")' 2>&1)" = "true $EPID 1 1 1 true true" ]; then
	pass status-live-json
else
	fail status-live-json "$js"
fi

# -- a client that sends nothing, and one that sends too much, block nothing
if command -v python3 >/dev/null 2>&1; then
	python3 - "$T/control" >"$T/slow.out" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
time.sleep(4)	# silent past the engine's 2 s: it answers and closes
print(s.recv(4096).decode().strip())
EOF
	SLOW=$!
	python3 - "$T/control" >"$T/big.out" 2>&1 <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"x" * 5000)
print(s.recv(4096).decode().strip())
EOF
	sleep 0.5
	start=$(date +%s%N)
	out=$("$BW" status --config "$T/c.conf" 2>&1); rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	wait $SLOW
	if [ $rc -eq 0 ] && ! echo "$out" | grep -q "not answering" && [ $ms -lt 1500 ] &&
	   grep -q '"error":"no whole request in time"' "$T/slow.out" &&
	   grep -q '"error":"request too long"' "$T/big.out"; then
		pass control-nonblocking
	else
		fail control-nonblocking "status rc $rc in $ms ms; slow: $(cat "$T/slow.out"); big: $(cat "$T/big.out")"
	fi
else
	skip control-nonblocking "no python3 for the raw clients"
fi

# -- a peer that is not uid 0: refused by the socket's mode, and by
# SO_PEERCRED when the mode is opened up
if command -v setpriv >/dev/null 2>&1; then
	U=$(mktemp -d /tmp/bw-ctl-unpriv.XXXXXX)
	chmod 755 "$U"
	cp "$BW" "$U/bulwark"
	cp "$T/c.conf" "$U/c.conf"
	chmod 644 "$U/c.conf"
	out1=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$U/bulwark" reload \
		--socket "$T/control" 2>&1); rc1=$?
	chmod 666 "$T/control"
	# the way to the socket, for uid 65534: T, and under run.sh its run dir
	P=$(dirname "$T")
	tmode=$(stat -c %a "$T") pmode=$(stat -c %a "$P")
	chmod 711 "$T"
	[ "$P" = /tmp ] || chmod 711 "$P"
	out2=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$U/bulwark" reload \
		--socket "$T/control" 2>&1); rc2=$?
	chmod 600 "$T/control"
	chmod "$tmode" "$T"
	[ "$P" = /tmp ] || chmod "$pmode" "$P"
	rm -rf "$U"
	sleep 0.3
	if [ $rc1 -ne 0 ] && echo "$out1" | grep -q "Permission denied" &&
	   [ $rc2 -ne 0 ] && echo "$out2" | grep -q "permission denied: only uid 0" &&
	   grep '"type":"control"' "$T/audit.log" | grep -q '"uid":65534,.*"result":"refused"'; then
		pass control-refuses-non-root
	else
		fail control-refuses-non-root "mode 600: exit $rc1: $out1; mode 666: exit $rc2: $out2"
	fi
else
	skip control-refuses-non-root "setpriv (util-linux) not found"
fi

# -- a second engine on the same socket path starts without it; status of
# its policy is not taken from the first engine that answers there
sed -e "s|$T/audit.log|$T/audit2.log|" -e "s|$T/status.json|$T/status2.json|" \
	"$T/c.conf" >"$T/c2.conf"
"$BW" run --config "$T/c2.conf" --ready-file "$T/ready2" 2>"$T/engine2.err" &
E2=$!
if wait_ready "$T/ready2" $E2; then
	sleep 1.5	# its status file: written once a second
	out=$("$BW" status --config "$T/c2.conf" 2>&1); rc=$?
	if [ $rc = 0 ] && echo "$out" | grep -q "writes $T/audit.log, not $T/audit2.log: another policy's engine" &&
	   echo "$out" | grep -q "from the status file of" && echo "$out" | grep -q "^engine  *pid $E2,"; then
		pass status-other-engine-on-socket
	else
		fail status-other-engine-on-socket "exit $rc: $out"
	fi
	kill -TERM $E2; wait $E2
else
	fail status-other-engine-on-socket "second engine not ready: $(tail -3 "$T/engine2.err")"
	kill $E2 2>/dev/null
fi

# -- reload: good, then bad rules (after the capabilities are gone)
out=$("$BW" reload --config "$T/c.conf" 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$out" = "policy generation 2 live" ]; then
	pass reload-ok
else
	fail reload-ok "exit $rc: $out"
fi
printf '%s\n' '' '[bad-rule]' 'event = exec' 'action = deny' 'colour = blue' >>"$T/r.rules"
badline=$(grep -n '^colour' "$T/r.rules" | cut -d: -f1)
out=$("$BW" reload --config "$T/c.conf" 2>&1); rc=$?
js=$("$BW" -j reload --config "$T/c.conf" 2>/dev/null); jrc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "^$T/r.rules:$badline: error: " &&
   echo "$out" | grep -q "reload: the new rules have errors" && [ $jrc -eq 1 ] &&
   [ "$(echo "$js" | jq -r '[.ok, .generation, .problems[0].line] | map(tostring) | join(" ")')" = "false 2 $badline" ]; then
	pass reload-errors-to-caller
else
	fail reload-errors-to-caller "exit $rc: $out; json exit $jrc: $js"
fi
gen=$("$BW" -j status --config "$T/c.conf" 2>/dev/null | jq -r .generation)
if [ "$gen" = 2 ]; then
	pass reload-bad-keeps-policy
else
	fail reload-bad-keeps-policy "generation $gen, want 2"
fi
if [ -n "$NOTIFY" ]; then
	# RELOADING=1 (with MONOTONIC_USEC) then READY=1, per reload: three of them
	seq=$(sed -n '2,$p' "$T/notify.out" | sed -E 's/^ready=1 (RELOADING|READY)=1 .*(generation [0-9]+|MONOTONIC_USEC=[0-9]+).*/\1 \2/' |
		sed -E 's/MONOTONIC_USEC=[0-9]+/usec/' | tr '\n' ';')
	if [ "$seq" = "RELOADING usec;READY generation 2;RELOADING usec;READY generation 2;RELOADING usec;READY generation 2;" ]; then
		pass notify-reloading-ready
	else
		fail notify-reloading-ready "messages after READY: $seq ($(cat "$T/notify.out"))"
	fi
fi

# -- stop --detach: the answer once the engine has exited
out=$("$BW" stop --detach --config "$T/c.conf" 2>&1); rc=$?
# gone, or a zombie its parent (this shell) has not reaped yet
case $(awk '/^State:/ { print $2 }' /proc/$EPID/status 2>/dev/null) in
""|Z) alive=no ;;
*) alive=yes ;;
esac
wait $EPID; erc=$?
last=$(tail -1 "$T/audit.log" | jq -r .type)
if [ $rc -eq 0 ] && [ "$out" = "stopped" ] && [ $alive = no ] && [ $erc -eq 0 ] &&
   [ "$last" = stop ] && [ ! -e "$T/control" ] &&
   grep '"type":"control"' "$T/audit.log" | grep -q '"request":"stop","detach":true,"result":"stopping"'; then
	pass stop-waits-for-exit
else
	fail stop-waits-for-exit "exit $rc: $out; engine alive after: $alive, its exit $erc, last record $last"
fi
if [ -n "$NOTIFY" ]; then
	wait $NPID
	if tail -1 "$T/notify.out" | grep -q '^ready=[01] STOPPING=1'; then
		pass notify-stopping
	else
		fail notify-stopping "last message: $(tail -1 "$T/notify.out")"
	fi
fi

# -- the control records: who asked, what, the result
recs=$(grep '"type":"control"' "$T/audit.log" | jq -r 'select(.peer.uid == 0) |
	"\(.request) \(.result) \(.peer.comm) \(.peer.pid > 1)"' | sort | uniq -c | tr -s ' ' | tr '\n' ';')
if echo "$recs" | grep -q ' reload ok bulwark true;' &&
   echo "$recs" | grep -q ' 2 reload failed bulwark true;' &&
   echo "$recs" | grep -q ' status ok bulwark true;' &&
   echo "$recs" | grep -q ' stop stopping bulwark true;'; then
	pass control-records
else
	fail control-records "$recs"
fi

# -- status without an engine: the file, said so
out=$("$BW" status --config "$T/c.conf" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "^engine not answering (.*); from the status file of 20" &&
   echo "$out" | grep -q "NOT RUNNING"; then
	pass status-file-fallback
else
	fail status-file-fallback "exit $rc: $out"
fi
exit 0
