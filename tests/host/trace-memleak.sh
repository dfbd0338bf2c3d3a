#!/bin/sh
# memleak on this kernel.  A process's: tests/host/bwleak.c leaks 100 x
# 4096 bytes from leak_here() and 10 x 512 (calloc) from leak_calloc(),
# and frees the 200 x 1000 of churn(); the summary at the end must show
# exactly those, symbolized, and not churn's.  The kernel's: outstanding
# kernel allocations with symbolized kernel frames.  In the daemon: one
# summary record per interval, never one per allocation.
BW=$1
. "$(dirname "$0")/tracelib.sh"

if [ "$(id -u)" != 0 ]; then
	skip memleak "needs root"
	exit 0
fi
# the helper's name, of this run only: another run at the same time is not ours
H=$TR_T/bwleak$$
if ! "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -O0 -fno-omit-frame-pointer \
	-o "$H" "$(dirname "$0")/bwleak.c" 2>"$TR_T/cc.err"; then
	skip memleak "cannot build the helper: $(head -c 300 "$TR_T/cc.err")"
	exit 0
fi

# leak NAME ARGS...: the helper traced by `trace memleak -p PID -i 0 ARGS`,
# its allocations made once the tracer is attached; false after a FAIL line
leak() {
	name=$1; shift
	rm -f "$TR_T/go" "$TR_T/done"
	"$H" "$TR_T/go" "$TR_T/done" &
	L=$!
	if ! tracer_start memleak -p $L -i 0 "$@"; then
		fail "$name" "$TR_WHY"
		kill $L; wait $L 2>/dev/null
		return 1
	fi
	: >"$TR_T/go"
	i=0
	while [ ! -e "$TR_T/done" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	tracer_stop || { fail "$name-stop" "$TR_WHY"; kill $L; wait $L 2>/dev/null; return 1; }
	kill $L; wait $L 2>/dev/null
	[ -e "$TR_T/done" ] || { fail "$name" "the helper did not run"; return 1; }
}

# the stack whose first frame is function $1, as jq sees it
top_is() { echo "(.stacks[] | select(.frames[0].symbol == \"$1\"))"; }

if leak memleak; then
	if [ "$(nrecs true)" = 1 ] && recs true | jq -e "
		.tracer == \"memleak\" and .mode == \"user\" and .target_pid == $L and
		.stacks[0].frames[0].symbol == \"leak_here\" and
		.stacks[0].bytes == 409600 and .stacks[0].allocs == 100 and
		(.stacks[0].frames[0].module | endswith(\"/bwleak$$\")) and
		([$(top_is leak_calloc) | select(.bytes == 5120 and .allocs == 10)] | length == 1) and
		([.stacks[].frames[] | select(.symbol == \"churn\")] | length == 0)" >/dev/null; then
		pass memleak
	else
		fail memleak "$(head -c 1500 "$TR_OUT")"
	fi
fi

# -s 10: about a tenth of leak_here's 100 (per-CPU counters: loosely)
if leak memleak-sample -s 10; then
	if recs true | jq -e "
		.sample_rate == 10 and
		([$(top_is leak_here) | select(.allocs >= 3 and .allocs <= 30 and
			.bytes == .allocs * 4096)] | length == 1)" >/dev/null; then
		pass memleak-sample
	else
		fail memleak-sample "$(head -c 1500 "$TR_OUT")"
	fi
fi

# -z 500 -Z 1000: calloc's 512 only; -T 1: one stack
if leak memleak-size -z 500 -Z 1000 -T 1; then
	if recs true | jq -e "
		(.stacks | length == 1) and .stacks[0].frames[0].symbol == \"leak_calloc\" and
		.stacks[0].bytes == 5120 and .stacks[0].allocs == 10" >/dev/null; then
		pass memleak-size
	else
		fail memleak-size "$(head -c 1500 "$TR_OUT")"
	fi
fi

# -a: the addresses, 16 at most per stack; -o 60000: nothing is that old
if leak memleak-addrs -a; then
	if recs true | jq -e "
		[$(top_is leak_here) | select(.allocs == 100 and (.addrs | length == 16))] |
		length == 1" >/dev/null; then
		pass memleak-addrs
	else
		fail memleak-addrs "$(head -c 1500 "$TR_OUT")"
	fi
fi
if leak memleak-older -o 60000; then
	if [ "$(recs "$(top_is leak_here)" | wc -l)" = 0 ]; then
		pass memleak-older
	else
		fail memleak-older "$(head -c 1500 "$TR_OUT")"
	fi
fi

# the text output: libbpf-tools' lines
rm -f "$TR_T/go" "$TR_T/done"
"$H" "$TR_T/go" "$TR_T/done" &
L=$!
"$BW" trace memleak -p $L -i 0 -T 2 >"$TR_T/text" 2>"$TR_T/text.err" &
T=$!
i=0
while ! grep -q "bulwark: tracing" "$TR_T/text.err" && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
: >"$TR_T/go"
i=0
while [ ! -e "$TR_T/done" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $T; wait $T; rc=$?
kill $L; wait $L 2>/dev/null
if [ $rc = 0 ] && grep -q "^	409600 bytes in 100 allocations from stack$" "$TR_T/text" &&
   grep -q "^		#0 0x[0-9a-f]* leak_here+0x[0-9a-f]* \[.*/bwleak$$\]$" "$TR_T/text"; then
	pass memleak-text
else
	fail memleak-text "exit $rc: $(head -c 1000 "$TR_T/text") $(cat "$TR_T/text.err")"
fi

# ---- the kernel's ----
if [ "$(awk 'NR == 1 { print $1 }' /proc/kallsyms)" = 0000000000000000 ]; then
	skip memleak-kernel "/proc/kallsyms hides the addresses (kernel.kptr_restrict)"
elif ! tracer_start memleak -i 0 -T 5; then
	fail memleak-kernel "$TR_WHY"
else
	# page cache and slab work for it to see
	dd if=/dev/zero of="$TR_T/fill" bs=64k count=64 2>/dev/null
	ls -R /usr/share >/dev/null 2>&1
	if ! tracer_stop; then
		fail memleak-kernel "$TR_WHY"
	# A stack the map could not keep (its bucket held another: the more
	# stacks the kernel made while tracing, the likelier) has no frames and
	# says why; the allocations of all such stacks add up in one entry.  The
	# tracer's own frames (its program, bpf_trace_run) must be cut off the
	# top; deeper down a BPF program's frame is some program's allocation.
	elif recs true | jq -e '
		.mode == "kernel" and .outstanding_allocs > 0 and (.stacks | length == 5) and
		(.missed | type == "number") and
		all(.stacks[]; .bytes > 0 and .allocs > 0 and
			if .stack_id < 0 then
				(.stack_error | type == "string") and (.frames | length == 0)
			else
				(.frames | length > 0) and
				(.frames[0].symbol | type == "string") and .frames[0].module == "kernel"
			end) and
		([.stacks[] | select(.stack_id >= 0)] | length > 0) and
		all(.stacks[].frames[0] // empty;
			.module != "bpf" and (.symbol | startswith("bpf_trace_run") | not))' >/dev/null; then
		pass memleak-kernel
	else
		fail memleak-kernel "$(jq -c '[.stacks[] | {bytes, allocs, stack_id,
			stack_error, n: (.frames | length), f0: .frames[0]}]' "$TR_OUT" 2>&1 |
			head -c 1500)"
	fi
fi

# ---- in the daemon: the runs the kernel skipped, as lost records ----
# A kmalloc of an interrupt nested in a memleak program's run is skipped
# by the kernel (raw_tp/tp_btf recursion check) and only counted in the
# program's recursion_misses: loopback TCP's softirqs under a directory
# walk make some.  The daemon must report them in "skipped" lost records
# whose counts reach what the kernel counted for its programs (their fds'
# fdinfo) a moment before.
rm -f "$TR_T/ready" "$TR_T/audit.log"
if daemon_start memleak; then
	python3 -c '
import socket, threading, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
def rx():
    a, _ = s.accept()
    while a.recv(1 << 16): pass
threading.Thread(target=rx, daemon=True).start()
c = socket.socket(); c.connect(s.getsockname()); b = b"x" * 65536
end = time.time() + 4
while time.time() < end: c.send(b)
' &
	py=$!
	ls -R /usr >/dev/null 2>&1
	wait $py
	sleep 1
	misses=$(cat /proc/$eng/fdinfo/* 2>/dev/null |
		awk '$1 == "recursion_misses:" { n += $2 } END { print n + 0 }')
	sleep 2	# the engine looks every second
	log=$TR_T/audit.log
	sum=$(jq -s '[.[] | select(.type == "lost" and .where == "skipped") | .count] |
		add // 0' "$log")
	mem=$(jq -s '[.[] | select(.type == "lost" and .event == "memleak" and
		.where == "skipped")] | [(map(.count) | add // 0), (map(.total) | max // 0)] |
		.[0] == .[1]' "$log")
	kill -INT $eng; wait $eng; rc=$?
	if [ "$misses" = 0 ]; then
		skip memleak-daemon-skipped "the kernel skipped no run under this load"
	elif [ $rc = 0 ] && [ "$sum" -ge "$misses" ] && [ "$mem" = true ] &&
	     grep -q "the kernel skipped its programs' runs" "$TR_T/run.err"; then
		pass memleak-daemon-skipped
	else
		fail memleak-daemon-skipped "exit $rc, the kernel skipped $misses, records say $sum: $(grep '"lost"' "$log" | head -c 600)"
	fi
else
	fail memleak-daemon-skipped "engine not ready: $(cat "$TR_T/run.err")"
fi
rm -f "$TR_T/ready" "$TR_T/audit.log"

# ---- in the daemon: [tracers] memleak = on, the kernel's, every 2nd ----
if daemon_start memleak "memleak_sample = 2"; then
	# one interval (10 s: TR_DAEMON_INTERVAL_MIN) and the stop: two records
	sleep 12
	kill -INT $eng; wait $eng; rc=$?
	log=$TR_T/audit.log
	if [ $rc = 0 ] &&
	   jq -e -s '[.[] | select(.type == "tracer" and .tracer == "memleak" and
		.state == "attached" and (.mechanism | startswith("tp_btf ")))] | length == 1' \
		"$log" >/dev/null &&
	   jq -e -s '[.[] | select(.type == "memleak")] | length == 2 and
		all(.[]; .mode == "kernel" and .sample_rate == 2 and .outstanding_allocs > 0 and
		    (.stacks | length == 10) and any(.stacks[]; .stack_id >= 0) and
		    all(.stacks[] | select(.stack_id >= 0); .frames[0].symbol | type == "string") and
		    all(.stacks[] | select(.stack_id < 0); .stack_error | type == "string"))' \
		"$log" >/dev/null; then
		pass memleak-daemon
	else
		fail memleak-daemon "exit $rc: $(head -c 300 "$TR_T/run.err") /
			$(grep -e memleak "$log" | head -c 800)"
	fi
else
	fail memleak-daemon "engine not ready: $(cat "$TR_T/run.err")"
	kill $eng 2>/dev/null; wait $eng
fi

# memleak_sample: a number from 1 up, checked with the policy
: >"$TR_T/none.rules"
printf '[engine]\nrules = %s\n\n[tracers]\nmemleak = on\nmemleak_sample = 0\n' \
	"$TR_T/none.rules" >"$TR_T/bad.conf"
out=$("$BW" check --config "$TR_T/bad.conf" 2>&1); rc=$?
if [ $rc != 0 ] && echo "$out" | grep -q "bad.conf:6: .*memleak_sample takes a number from 1"; then
	pass memleak-sample-setting
else
	fail memleak-sample-setting "exit $rc: $out"
fi
