#!/bin/sh
# `bulwark trace --list` on this kernel: every tracer loads and attaches,
# each with the best method this kernel really allows (it refuses fentry,
# fexit and LSM programs and has no kprobes).
BW=$1
. "$(dirname "$0")/tracelib.sh"

out=$("$BW" trace --list -j 2>"$TR_ERR"); rc=$?
why=
[ $rc -eq 0 ] || why="exit $rc: $(cat "$TR_ERR")"
for want in process:tp_btf ipc:tracepoint capable:tp_btf container:tp_btf \
	opensnoop:tracepoint mountsnoop:tracepoint sigsnoop:tracepoint tcp:tp_btf \
	tcpconnlat:tp_btf tcprtt:tp_btf files:tracepoint oomkill:tp_btf memleak:tp_btf seccomp:raw_tp syscall:raw_tp \
	profile:perf_event; do
	t=${want%%:*} m=${want#*:}
	echo "$out" | jq -e --arg t "$t" --arg m "$m" \
		'.[] | select(.tracer == $t) | .works and (.mechanism | startswith($m + " "))' \
		>/dev/null || why="${why:+$why; }$t: $(echo "$out" | jq -c --arg t "$t" '.[] | select(.tracer == $t)')"
done
n=$(echo "$out" | jq length)
[ "$n" = 16 ] || why="${why:+$why; }$n tracers listed, want 16"
if [ -z "$why" ]; then pass trace-list; else fail trace-list "$why"; fi

# the table names the same, one line each
out=$("$BW" trace --list 2>&1)
if [ "$(echo "$out" | grep -c ' works ')" = 16 ] && echo "$out" | head -1 | grep -q '^TRACER'; then
	pass trace-list-table
else
	fail trace-list-table "$out"
fi

# without the privileges loading needs, each tracer says why it cannot run
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$BW" trace --list 2>&1); rc=$?
if [ $rc -eq 1 ] && [ "$(echo "$out" | grep ' cannot ' | grep -c 'Operation not permitted')" = 16 ]; then
	pass trace-list-says-why
else
	fail trace-list-says-why "exit $rc: $out"
fi
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$BW" trace opensnoop 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "trace opensnoop: cannot run on this kernel: tracepoint .*: load failed (Operation not permitted); raw_tp .*: load failed"; then
	pass trace-cannot-run-says-why
else
	fail trace-cannot-run-says-why "exit $rc: $out"
fi
