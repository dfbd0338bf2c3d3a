#!/bin/sh
# files on this kernel: a helper (bwfiles.c) of known pid reads a file and
# writes another with calls of known number and size (read, pread, readv;
# write, pwrite, writev) and uses a pipe: the summary holds exactly those
# counts and bytes for its pid and each path; -s and -r order and cut the
# rows, -a adds the pipe; the table's layout; the daemon writes summary
# records, not one per call.
BW=$1
. "$(dirname "$0")/tracelib.sh"

if [ "$(id -u)" != 0 ]; then
	skip files "needs root"
	exit 0
fi
N=bwfiles$$
H=$TR_T/$N
if ! "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -O2 -o "$H" "$(dirname "$0")/bwfiles.c" \
	2>"$TR_T/cc.err"; then
	skip files "cannot build the helper: $(head -c 300 "$TR_T/cc.err")"
	exit 0
fi
IN=$TR_T/in.data
OUT=$TR_T/out.data
head -c 10000 /dev/zero >"$IN"

# run_helper: H waiting for $TR_T/go, its pid in HP
run_helper() {
	rm -f "$TR_T/go"
	"$H" "$IN" "$OUT" "$TR_T/go" &
	HP=$!
}

# one ARGS...: the helper traced by `files -j -p PID ARGS`; its records in $TR_OUT
one() {
	run_helper
	if ! tracer_start files -p "$HP" "$@"; then
		touch "$TR_T/go"; wait $HP
		return 1
	fi
	touch "$TR_T/go"
	wait $HP; HRC=$?
	tracer_stop
}

# row PATH: the helper's row for PATH, summed over the summaries
row() {
	jq -s -c --arg p "$1" --argjson pid "$HP" '[.[] | select(.tracer == "files") | .top[] |
		select(.pid == $pid and .path == $p)] | if length == 0 then "none" else
		{reads: (map(.reads) | add), writes: (map(.writes) | add),
		 rbytes: (map(.rbytes) | add), wbytes: (map(.wbytes) | add),
		 type: .[0].type, comm: .[0].comm} end' "$TR_OUT"
}

if one -i 0; then
	r=$(row "$IN"); w=$(row "$OUT")
	if [ $HRC = 0 ] &&
	   [ "$r" = "{\"reads\":7,\"writes\":0,\"rbytes\":5600,\"wbytes\":0,\"type\":\"regular\",\"comm\":\"$N\"}" ] &&
	   [ "$w" = "{\"reads\":0,\"writes\":5,\"rbytes\":0,\"wbytes\":1736,\"type\":\"regular\",\"comm\":\"$N\"}" ] &&
	   jq -e -s --arg p "$IN" '[.[] | select(.tracer == "files")] | length == 1 and
		.[0].sort == "rbytes" and .[0].top[0].path == $p and
		.[0].top[0].inode > 0 and (.[0].top[0].dev | test("^[0-9]+:[0-9]+$")) and
		all(.[0].top[]; .type == "regular")' "$TR_OUT" >/dev/null; then
		pass files-counts
	else
		fail files-counts "helper exit $HRC; in: $r; out: $w; $(head -c 600 "$TR_OUT")"
	fi
else
	fail files-attach "$TR_WHY"
	exit 0
fi

# -s wbytes -r 1: the written file alone
if one -s wbytes -r 1 -i 0 &&
   jq -e -s --arg p "$OUT" '[.[] | select(.tracer == "files")] | length == 1 and
	.[0].sort == "wbytes" and (.[0].top | length == 1) and .[0].top[0].path == $p and
	.[0].top[0].wbytes == 1736 and .[0].files >= 2' "$TR_OUT" >/dev/null; then
	pass files-sort-rows
else
	fail files-sort-rows "$TR_WHY / $(head -c 600 "$TR_OUT")"
fi

# -a: the pipe too, a read and a write of 7 bytes
if one -a -i 0 &&
   [ "$(jq -s -c --argjson pid "$HP" '[.[] | .top[] | select(.pid == $pid and .type == "pipe")] |
	[length, (map(.reads) | add), (map(.writes) | add), (map(.rbytes) | add),
	 (map(.wbytes) | add), (.[0].path | test("^pipe:\\[[0-9]+\\]$"))]' "$TR_OUT")" = \
	"[1,1,1,7,7,true]" ]; then
	pass files-all
else
	fail files-all "$TR_WHY / $(head -c 600 "$TR_OUT")"
fi

# the table, filetop's layout: the read file first (by read bytes)
run_helper
rm -f "$TR_T/t.err"
"$BW" trace files -p "$HP" -i 0 >"$TR_T/t.out" 2>"$TR_T/t.err" &
TP=$!
i=0
while ! grep -q "bulwark: tracing" "$TR_T/t.err" 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
touch "$TR_T/go"; wait $HP
sleep 0.3
kill -INT $TP; wait $TP
if grep -q -E '^[0-9]{2}:[0-9]{2}:[0-9]{2} loadavg: ' "$TR_T/t.out" &&
   grep -q -x 'PID     COMM             READS  WRITES R_Kb    W_Kb    T FILE' "$TR_T/t.out" &&
   [ "$(grep -A1 '^PID' "$TR_T/t.out" | tail -1)" = \
     "$(printf '%-7s %-16s %-6s %-6s %-7s %-7s %s %s' "$HP" "$N" 7 0 5 0 R "$IN")" ]; then
	pass files-table
else
	fail files-table "$(head -c 600 "$TR_T/t.out")"
fi

# the attach methods, each one that loads here: the tracepoints count what
# the first run did; fexit sees vfs_read()/vfs_write() only, not readv or
# writev (6 reads of 5300 bytes, 4 writes of 1636)
fx_r="{\"reads\":6,\"writes\":0,\"rbytes\":5300,\"wbytes\":0,\"type\":\"regular\",\"comm\":\"$N\"}"
fx_w="{\"reads\":0,\"writes\":4,\"rbytes\":0,\"wbytes\":1636,\"type\":\"regular\",\"comm\":\"$N\"}"
for m in fexit tracepoint; do
	wr=$r ww=$w
	[ $m = fexit ] && wr=$fx_r ww=$fx_w
	if one --via "$m" -i 0; then
		if [ "$(row "$IN")" = "$wr" ] && [ "$(row "$OUT")" = "$ww" ]; then
			pass "files-$m"
		else
			fail "files-$m" "in: $(row "$IN"); out: $(row "$OUT")"
		fi
	elif echo "$TR_WHY" | grep -q "cannot run on this kernel"; then
		skip "files-$m" "$TR_WHY"
	else
		fail "files-$m" "$TR_WHY"
	fi
done

# ---- in the daemon: [tracers] files = on, a summary record per interval ----
if daemon_start files; then
	t0=$(date +%s)
	run_helper; touch "$TR_T/go"; wait $HP
	i=0
	while ! grep -q '"type":"files"' "$TR_T/audit.log" && [ $i -lt 250 ]; do
		sleep 0.1; i=$((i + 1))
	done
	kill -INT $eng; wait $eng; rc=$?
	secs=$(( $(date +%s) - t0 + 1 ))
	log=$TR_T/audit.log
	# at most one every 10 seconds and one at stop, the top 20 of each
	if [ $rc = 0 ] &&
	   jq -e -s '[.[] | select(.type == "tracer" and .tracer == "files" and
		.state == "attached")] | length == 1' "$log" >/dev/null &&
	   jq -e -s --argjson max $((secs / 10 + 1)) '[.[] | select(.type == "files")] |
		length >= 1 and length <= $max and
		all(.sort == "rbytes" and (.top | length >= 1 and length <= 20) and .files >= (.top | length))' \
		"$log" >/dev/null; then
		pass files-daemon
	else
		fail files-daemon "exit $rc: $(head -c 300 "$TR_T/run.err") /
			$(grep -e '"files"' "$log" | head -c 800)"
	fi
else
	fail files-daemon "engine not ready: $(cat "$TR_T/run.err")"
	kill $eng 2>/dev/null; wait $eng
fi
