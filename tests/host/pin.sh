#!/bin/sh
# on_exit = keep on the degraded (audit-only) path: the programs and maps
# pinned under /sys/fs/bpf/bulwark outlive a SIGKILL; what they record
# while no daemon runs waits in the pinned ring; a restarted daemon adopts
# the links (same build: no re-attach) and writes the waiting records; a
# SIGTERM keeps the pins; on_exit = detach removes them, and its stop
# detaches everything.
#   sh tests/host/pin.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

degraded_gate || exit 0
PIN=/sys/fs/bpf/bulwark

# the build directories (protect's pins may share $PIN)
builds() { ls "$PIN" 2>/dev/null | grep -E '^[0-9a-f]{16}$'; }
if [ -n "$(builds)" ]; then
	skip pin "$PIN/$(builds | head -1) exists: an engine keeps its programs pinned here"
	exit 0
fi

mkdir -p "$T/bin"
cp /bin/true "$T/bin/pin-marker"
cat >"$T/pin.rules" <<EOF
[deny-pin-marker]
event = exec
action = deny
path = $T/bin/
EOF
conf() {	# conf NAME ON_EXIT [BUFFER]
	cat >"$T/$1.conf" <<EOF
[engine]
rules = $T/pin.rules
log = $T/$1.log
status = $T/$1.status
control = $T/$1.sock
on_lsm_missing = audit
on_exit = $2
[log]
buffer = ${3:-4M}
EOF
}

# links under the one build directory there is
links() { ls "$PIN"/*/links 2>/dev/null | sort | tr '\n' ' '; }
# exec the marker until a would-deny record of it is in LOG (the pid: $MPID)
marker() {	# marker TAG
	"$T/bin/pin-marker" "$1"
}
cleanup() {
	for p in ${EPID:-}; do kill -KILL "$p" 2>/dev/null; done
	for b in $(builds); do rm -rf "${PIN:?}/$b"; done
}
trap 'cleanup; [ -n "${BW_KEEP:-}" ] || rm -rf "$T"' EXIT

conf a keep
if ! engine_start "$T/a.conf" "$T/a.ready" "$T/a.err"; then
	fail pin-keep-start "engine not ready: $(cat "$T/a.err")"
	exit 0
fi
l1=$(links)
if grep -q '"type":"pin".*"on_exit":"keep".*"pinned":true' "$T/a.log" &&
   [ -n "$l1" ] && ls "$PIN"/*/maps/events >/dev/null 2>&1 &&
   ls "$PIN"/*/state >/dev/null 2>&1; then
	pass pin-keep-pins
else
	fail pin-keep-pins "links: ${l1:-none}; $(grep '"type":"pin"' "$T/a.log")"
fi
gen_a=$(grep -o '"type":"policy","generation":[0-9]*' "$T/a.log" | tail -1 | grep -o '[0-9]*$')

kill -KILL "$EPID"
wait "$EPID" 2>/dev/null
EPID=
# while no daemon runs: the pinned programs record, into the pinned ring
marker away
sleep 0.3
if [ "$(links)" = "$l1" ] && [ -n "$(builds)" ]; then
	pass pin-survives-sigkill
else
	fail pin-survives-sigkill "links after SIGKILL: $(links)"
fi

conf b keep
if ! engine_start "$T/b.conf" "$T/b.ready" "$T/b.err"; then
	fail pin-adopt "engine not ready: $(cat "$T/b.err")"
	exit 0
fi
sleep 1
adopt=$(grep '"type":"adopt"' "$T/b.log")
n=$(echo "$l1" | wc -w)
if echo "$adopt" | grep -q '"same_build":true' &&
   echo "$adopt" | grep -q "\"links_adopted\":$n," &&
   echo "$adopt" | grep -q "\"generation\":$gen_a," &&
   [ "$(links)" = "$l1" ]; then
	pass pin-adopt
else
	fail pin-adopt "want $n links of generation $gen_a adopted: ${adopt:-no adopt record}; $(cat "$T/b.err")"
fi
# the record made while away, with the generation that decided it (its
# rules are named by index: the daemon that knew them is gone)
away=$(grep "\"path\":\"$T/bin/pin-marker\"" "$T/b.log" | grep "\"generation\":$gen_a,")
if [ -n "$away" ] && echo "$away" | grep -q '"decision":"would-deny"'; then
	pass pin-records-while-away
else
	fail pin-records-while-away "no record of generation $gen_a in the adopting daemon's log"
fi
gen_b=$(grep -o '"type":"policy","generation":[0-9]*' "$T/b.log" | tail -1 | grep -o '[0-9]*$')
if [ "$gen_b" = $((gen_a + 1)) ]; then
	pass pin-generation-continues
else
	fail pin-generation-continues "generation $gen_a, then $gen_b"
fi
marker present
sleep 0.5
if grep '"rule":"deny-pin-marker"' "$T/b.log" | grep -q "\"generation\":$gen_b,"; then
	pass pin-adopted-programs-decide
else
	fail pin-adopted-programs-decide "no record of generation $gen_b"
fi

engine_stop "$EPID"; rc=$?
EPID=
if [ $rc -eq 0 ] && tail -1 "$T/b.log" | grep -q '"type":"stop".*"kept":true' &&
   [ "$(links)" = "$l1" ]; then
	pass pin-sigterm-keeps
else
	fail pin-sigterm-keeps "exit $rc; $(tail -1 "$T/b.log"); links: $(links)"
fi

# another build (here: another ring size): the new programs attached and
# pinned before the old build's directory goes
b1=$(builds)
conf u keep 8M
if ! engine_start "$T/u.conf" "$T/u.ready" "$T/u.err"; then
	fail pin-upgrade-replaces "engine not ready: $(cat "$T/u.err")"
	exit 0
fi
adopt=$(grep '"type":"adopt"' "$T/u.log")
b2=$(builds)
if echo "$adopt" | grep -q '"same_build":false' &&
   echo "$adopt" | grep -q "\"replaced_build\":\"$b1\"" &&
   grep -q '"type":"pin".*"pinned":true,"builds_removed":1' "$T/u.log" &&
   [ -n "$b2" ] && [ "$b2" != "$b1" ] && [ "$(echo "$b2" | wc -l)" = 1 ] &&
   grep -q "\"type\":\"policy\",\"generation\":$((gen_b + 1))," "$T/u.log"; then
	pass pin-upgrade-replaces
else
	fail pin-upgrade-replaces "builds $b1 -> $b2; ${adopt:-no adopt record}; $(grep '"type":"pin"\|"type":"policy"' "$T/u.log")"
fi
gen_u=$(grep -o '"type":"policy","generation":[0-9]*' "$T/u.log" | tail -1 | grep -o '[0-9]*$')
engine_stop "$EPID"
EPID=
# after a clean stop too the kept programs decide (tracepoint programs:
# their perf events must not have been disabled)
marker stopped
sleep 0.3

# on_exit = detach: adopts (no gap), then removes the pins; its stop
# detaches the programs
conf c detach 8M
if ! engine_start "$T/c.conf" "$T/c.ready" "$T/c.err"; then
	fail pin-detach "engine not ready: $(cat "$T/c.err")"
	exit 0
fi
if grep -q '"type":"adopt".*"same_build":true' "$T/c.log" && [ -z "$(builds)" ]; then
	pass pin-detach-unpins
else
	fail pin-detach-unpins "$(grep '"type":"adopt"\|"type":"pin"' "$T/c.log"); $(ls -R "$PIN" 2>&1 | head -5)"
fi
sleep 1
if grep "\"path\":\"$T/bin/pin-marker\"" "$T/c.log" | grep -q "\"generation\":$gen_u,"; then
	pass pin-kept-after-sigterm-decide
else
	fail pin-kept-after-sigterm-decide "no record of generation $gen_u made after the SIGTERM"
fi
engine_stop "$EPID"; rc=$?
EPID=
if [ $rc -eq 0 ] && tail -1 "$T/c.log" | grep -q '"kept":false' && [ -z "$(builds)" ] &&
   ! bpftool link show 2>/dev/null | grep -q 'bw_exec_audit'; then
	pass pin-detach-stop
else
	fail pin-detach-stop "exit $rc; $(tail -1 "$T/c.log"); $(bpftool link show 2>&1 | grep -c bw_) bw_ links left"
fi

# bulwark stop --detach under on_exit = keep: everything removed anyway
conf d keep
if ! engine_start "$T/d.conf" "$T/d.ready" "$T/d.err"; then
	fail pin-stop-detach "engine not ready: $(cat "$T/d.err")"
	exit 0
fi
pinned=$(builds)
out=$("$BW" stop --detach --config "$T/d.conf" 2>&1); rc=$?
wait "$EPID"
EPID=
if [ $rc -eq 0 ] && [ -n "$pinned" ] && [ -z "$(builds)" ] &&
   tail -1 "$T/d.log" | grep -q '"type":"stop".*"kept":false' &&
   ! bpftool link show 2>/dev/null | grep -q 'bw_exec_audit'; then
	pass pin-stop-detach
else
	fail pin-stop-detach "exit $rc: $out; pinned before: ${pinned:-none}, after: $(builds); $(tail -1 "$T/d.log")"
fi
