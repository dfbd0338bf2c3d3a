#!/bin/sh
# container on this kernel: fake containers made as runtimes make them (a
# cgroup v2 directory named as docker or LXC names it, holding a process
# in new pid and mount namespaces); the snapshot lists them with their
# host PIDs, then starts, joins and stops are followed; --container filters.
BW=$1
. "$(dirname "$0")/tracelib.sh"

CG=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -z "$CG" ] || ! command -v unshare >/dev/null; then
	skip container-tracer "no cgroup2 mount or no unshare(1) here"
	exit 0
fi
ID=$(printf '%s' "bwtest-$$-$(date +%s%N)" | sha256sum | cut -c1-64)
SHORT=$(echo "$ID" | cut -c1-12)
DOCKER=$CG/docker-$ID.scope
LXC=$CG/lxc.payload.bwlxc$$
# a container a user named: a cgroup of its own, as in a delegated subtree
DELEG=$CG/bwdeleg$$
PRIV=$DELEG/lxc.payload.bwpriv$$
cleanup_cg() {
	for d in "$DOCKER" "$LXC" "$PRIV" "$DELEG"; do
		[ -d "$d" ] || continue
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		sleep 0.2
		rmdir "$d" 2>/dev/null
	done
}
trap 'cleanup_cg; [ -n "${BW_KEEP:-}" ] || rm -rf "$TR_T"' EXIT

# start_in DIR: a process in its own pid and mount namespaces, in cgroup DIR;
# prints its host pid
start_in() {
	mkdir -p "$1" || return 1
	sh -c 'echo $$ >"$1/cgroup.procs" && exec unshare --pid --mount --fork sleep 60' sh "$1" \
		>/dev/null 2>&1 &
	echo $!
}

p1=$(start_in "$DOCKER")
mkdir -p "$PRIV" && chown 65534 "$PRIV"
p3=$(start_in "$PRIV")
sleep 0.3
if ! tracer_start container; then
	fail container-snapshot "$TR_WHY"
	exit 0
fi
r=$(recs ".state == \"running\" and .short_id == \"$SHORT\"")
if echo "$r" | jq -e --arg id "$ID" --argjson p "$p1" \
	'.runtime == "docker" and .container == $id and (.pids | index($p)) != null and .pidns > 0 and
	 .private == null' >/dev/null; then
	pass container-snapshot
else
	fail container-snapshot "want docker $SHORT running with host pid $p1, not private, got: $(head -c 800 "$TR_OUT")"
fi
r=$(recs ".state == \"running\" and .container == \"bwpriv$$\"")
if echo "$r" | jq -e --argjson p "$p3" '.private == true and (.pids | index($p)) != null' >/dev/null; then
	pass container-snapshot-private
else
	fail container-snapshot-private "want bwpriv$$ (its cgroup owned by uid 65534) running with pid $p3 and private, got: $(head -c 800 "$TR_OUT")"
fi
p2=$(start_in "$LXC")
sleep 0.3
kill -KILL "$p2"; sleep 0.2
for p in $(cat "$LXC/cgroup.procs" 2>/dev/null); do kill -KILL "$p"; done
sleep 0.3
rmdir "$LXC"
tracer_stop || fail container-follow-stop "$TR_WHY"
name=bwlxc$$
starts=$(nrecs ".state == \"start\" and .runtime == \"lxc\" and .container == \"$name\"")
joins=$(nrecs ".state == \"join\" and .container == \"$name\" and .target_pid == $p2")
stops=$(nrecs ".state == \"stop\" and .runtime == \"lxc\" and .container == \"$name\"")
others=$(nrecs ".state != \"running\" and .container != \"$name\"")
if [ "$starts" = 1 ] && [ "$joins" = 1 ] && [ "$stops" = 1 ] && [ "$others" = 0 ]; then
	pass container-follow
else
	fail container-follow "start $starts, join $joins, stop $stops, other $others: $(head -c 1200 "$TR_OUT")"
fi

# --container: opens inside the docker one only
echo x >"$TR_T/target"
cp "$(command -v cat)" "$TR_T/bwctrcat"
if tracer_start opensnoop --container "$SHORT" -c bwctrcat; then
	"$TR_T/bwctrcat" "$TR_T/target" >/dev/null	# outside
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" "$3"' sh "$DOCKER" "$TR_T/bwctrcat" \
		"$TR_T/target" >/dev/null
	tracer_stop || fail container-filter-stop "$TR_WHY"
	n=$(nrecs ".path == \"$TR_T/target\"")
	inside=$(nrecs ".path == \"$TR_T/target\" and .cgroup_id == $(stat -c %i "$DOCKER")")
	if [ "$n" = 1 ] && [ "$inside" = 1 ]; then
		pass container-filter
	else
		fail container-filter "want one open (inside), got $n: $(head -c 800 "$TR_OUT")"
	fi
else
	fail container-filter "$TR_WHY"
fi
out=$("$BW" trace opensnoop --container 'not a container!' 2>&1); rc=$?
if [ $rc -eq 2 ] && echo "$out" | grep -q "bad container 'not a container!'"; then
	pass container-filter-bad-value
else
	fail container-filter-bad-value "exit $rc: $out"
fi
kill -KILL "$p1" 2>/dev/null
