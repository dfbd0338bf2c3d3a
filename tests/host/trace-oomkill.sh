#!/bin/sh
# oomkill on this kernel: a real OOM kill, contained in a memory cgroup of
# its own (64 MiB; cgroup v2's memory.max, or v1's limit where the memory
# controller is on v1, as on this development VM) where a copy of tail
# reading /dev/zero grows one endless line until the kernel kills it.
BW=$1
. "$(dirname "$0")/tracelib.sh"

if [ "$(id -u)" != 0 ]; then
	skip oomkill "needs root"
	exit 0
fi
LIMIT=$((64 * 1024 * 1024))
CG=
if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null &&
   grep -qw memory /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
	CG=/sys/fs/cgroup/bw-oom.$$
	mkdir "$CG" && echo $LIMIT >"$CG/memory.max" && echo 0 >"$CG/memory.swap.max" 2>/dev/null
elif [ -w /sys/fs/cgroup/memory/cgroup.procs ]; then
	CG=/sys/fs/cgroup/memory/bw-oom.$$
	mkdir "$CG" && echo $LIMIT >"$CG/memory.limit_in_bytes"
	echo $LIMIT >"$CG/memory.memsw.limit_in_bytes" 2>/dev/null
fi
if [ -z "$CG" ] || [ ! -d "$CG" ]; then
	skip oomkill "no memory cgroup to contain an OOM kill in"
	exit 0
fi
trap '[ -n "${BW_KEEP:-}" ] || rm -rf "$TR_T"; rmdir "$CG" 2>/dev/null' EXIT
# the hog's name, of this run only: another run at the same time is not ours
N=bwhog$$
cp "$(command -v tail)" "$TR_T/$N"

# oom NAME ARGS...: one OOM kill, traced with `trace oomkill ARGS`
oom() {
	name=$1; shift
	if ! tracer_start oomkill "$@"; then
		fail "$name" "$TR_WHY"
		return
	fi
	# the hog joins the cgroup before it execs; killed, its status is 128 + 9
	# (the shell around it, quiet, keeps it: no "Killed" in the test's output)
	# shellcheck disable=SC2016
	sh -c 'sh -c '\''echo $$ >"$2"; echo $$ >"$1/cgroup.procs" && exec "$3" /dev/zero'\'' \
		sh "$1" "$2" "$3"; echo $? >"$4"' sh "$CG" "$TR_T/hog.pid" "$TR_T/$N" \
		"$TR_T/hog.rc" 2>/dev/null
	hog=$(cat "$TR_T/hog.pid")
	hog_rc=$(cat "$TR_T/hog.rc")
	tracer_stop || fail "$name-stop" "$TR_WHY"
	if [ "$hog_rc" != 137 ]; then
		fail "$name" "the hog exited $hog_rc, not killed"
		return
	fi
}

# one kill in that cgroup: the hog, which was also the task whose allocation
# triggered it, at most 64 MiB resident and most of it anonymous memory
oom oomkill
r=$(recs ".victim_pid == $hog")
if [ "$(echo "$r" | grep -c .)" = 1 ] && echo "$r" | jq -e "
	.tracer == \"oomkill\" and .victim_comm == \"$N\" and .victim_uid == 0 and
	.pid == $hog and .comm == \"$N\" and
	.anon_rss_kb > 32768 and .anon_rss_kb <= 65536 and
	.rss_pages > 0 and .total_vm_kb >= .anon_rss_kb" >/dev/null; then
	pass oomkill
else
	fail oomkill "pid $hog: $(head -c 800 "$TR_OUT")"
fi

# the tracepoint method, and -c naming the triggering task
oom oomkill-tracepoint --via tracepoint -c "$N"
r=$(recs true)
if [ "$(echo "$r" | grep -c .)" = 1 ] && echo "$r" | jq -e "
	.victim_pid == $hog and .victim_comm == \"$N\" and .pid == $hog and
	.anon_rss_kb > 32768 and .anon_rss_kb <= 65536" >/dev/null; then
	pass oomkill-tracepoint
else
	fail oomkill-tracepoint "pid $hog: $(head -c 800 "$TR_OUT")"
fi

# -c another name: the kill is not reported
oom oomkill-comm-filter -c bwnothog
if [ "$(nrecs true)" = 0 ]; then
	pass oomkill-comm-filter
else
	fail oomkill-comm-filter "$(head -c 800 "$TR_OUT")"
fi

# ---- in the daemon: [tracers] oomkill = on ----
if daemon_start oomkill; then
	# shellcheck disable=SC2016
	sh -c 'sh -c '\''echo $$ >"$2"; echo $$ >"$1/cgroup.procs" && exec "$3" /dev/zero'\'' \
		sh "$1" "$2" "$3"; echo $? >"$4"' sh "$CG" "$TR_T/hog.pid" "$TR_T/$N" \
		"$TR_T/hog.rc" 2>/dev/null
	hog=$(cat "$TR_T/hog.pid")
	sleep 0.5
	kill -INT $eng; wait $eng; rc=$?
	log=$TR_T/audit.log
	if [ $rc = 0 ] &&
	   jq -e -s '[.[] | select(.type == "tracer" and .tracer == "oomkill" and
		.state == "attached" and (.mechanism | startswith("tp_btf ")))] | length == 1' \
		"$log" >/dev/null &&
	   jq -e -s "[.[] | select(.type == \"oomkill\" and .victim_pid == $hog and
		.victim_comm == \"$N\" and .pid == $hog)] | length == 1" "$log" >/dev/null; then
		pass oomkill-daemon
	else
		fail oomkill-daemon "exit $rc: $(head -c 300 "$TR_T/run.err") /
			$(grep -e oomkill "$log" | head -c 800)"
	fi
else
	fail oomkill-daemon "engine not ready: $(cat "$TR_T/run.err")"
	kill $eng 2>/dev/null; wait $eng
fi
