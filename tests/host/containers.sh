#!/bin/sh
# Containers: the /proc scan and the kernel agree on the mapping (as root).
# Two fake containers: a cgroup named as docker names one, and an LXC one
# with a nested cgroup, each holding the sleep of an `unshare --pid --mount
# --fork`.  The scan (engine/container.c) must list each exactly once with
# its id and the sleep's host pid; the engine's records of an exec in each
# must carry the same short id, and a rule naming the LXC container by
# name must match it in the kernel.
#   sh tests/host/containers.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"


# ctr_start CGROUP: a sleep in new pid and mount namespaces, moved into
# CGROUP; sets ctr_pid (the sleep's host pid) and ctr_u (unshare's)
ctr_start() {
	unshare --pid --mount --fork sleep 120 </dev/null >/dev/null 2>&1 &
	ctr_u=$!
	ctr_pid=
	i=0
	while [ -z "$ctr_pid" ] && [ $i -lt 50 ]; do
		ctr_pid=$(ps -o pid= --ppid $ctr_u | tr -d ' ')
		[ -n "$ctr_pid" ] || sleep 0.1
		i=$((i + 1))
	done
	[ -n "$ctr_pid" ] && echo "$ctr_pid" >"$1/cgroup.procs"
}

# ctr_line WORD: the scan's lines that have WORD as a whole field
ctr_line() { grep -F -- " $1 " "$T/ctr.scan"; }

# ctr_check NAME LINE RUNTIME SHORT ID CGROUP PID
ctr_check() {
	want="$3 $4 $5 $6 pids=$7 pidns=$(stat -L -c %i /proc/$7/ns/pid)"
	want="$want mntns=$(stat -L -c %i /proc/$7/ns/mnt)"
	if [ "$(echo "$2" | grep -c .)" != 1 ]; then
		fail "$1" "want one line for $5, got: $2"
	elif [ "${2%% netns=*}" != "$want" ]; then
		fail "$1" "want '$want ...', got '$2'"
	elif [ "$(stat -L -c %i /proc/$7/ns/pid)" = "$(stat -L -c %i /proc/self/ns/pid)" ]; then
		fail "$1" "the sleep is in the host's pid namespace"
	else
		pass "$1"
	fi
}

cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
OBJ=$(dirname "$BW")
if [ "$(id -u)" != 0 ] || [ -z "$cg2" ] || [ ! -w "$cg2" ]; then
	skip container-scan "needs root and a writable cgroup2 mount"
elif ! $CC -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fsanitize=address,undefined \
	-iquote "$ROOT/engine" -iquote "$ROOT/bpf" "$ROOT/tests/host/ctrscan.c" \
	"$OBJ/container.o" "$OBJ/util.o" -o "$T/ctrscan" 2>"$T/ctrscan.err"; then
	fail container-scan "cannot build the helper: $(head -c 400 "$T/ctrscan.err")"
else
	ctr_id=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
	ctr_short=$(echo "$ctr_id" | cut -c 1-12)
	ctr_name=bwlxc$$
	ctr_top=/bwtest-ctr-$$.slice
	d_cg=$ctr_top/docker-$ctr_id.scope
	l_cg=$ctr_top/lxc.payload.$ctr_name
	mkdir -p "$cg2$d_cg" "$cg2$l_cg/system.slice/app.service"
	ctr_start "$cg2$d_cg"; d_pid=$ctr_pid; d_u=$ctr_u
	ctr_start "$cg2$l_cg/system.slice/app.service"; l_pid=$ctr_pid; l_u=$ctr_u
	"$T/ctrscan" >"$T/ctr.scan" 2>"$T/ctr.err" || fail container-scan "$(cat "$T/ctr.err")"
	ctr_check container-scan-docker "$(ctr_line "$ctr_id")" docker "$ctr_short" \
		"$ctr_id" "$d_cg" "$d_pid"
	ctr_check container-scan-lxc "$(ctr_line "$ctr_name")" lxc "$ctr_name" \
		"$ctr_name" "$l_cg" "$l_pid"

	# The kernel side, for every naming: the container of an exec's record
	# (or no record, outside containers) is what the table says, and a
	# rule naming the LXC container by name matches in the kernel.
	ctr_id2=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
	cat >"$T/ctr.table" <<EOF
docker-$ctr_id.scope $ctr_short
lxc.payload.$ctr_name/system.slice/app.service $ctr_name
lxc/bwold/system.slice bwold
machine.slice/systemd-nspawn@bw\\x2dns.service/payload bw-ns
machine.slice/systemd-nspawn@bw\\x2dns.service/supervisor -
machine.slice/machine-bw\\x2dbox.scope bw-box
machine.slice/machine-qemu\\x2d1\\x2dvm.scope -
kubepods/besteffort/pod7a9c2d5e-1b3f-4c8d-9e0f-123456789abc/$ctr_id2 $(echo "$ctr_id2" | cut -c 1-12)
system.slice/docker.service -
EOF
	mkdir -p "$T/bin"
	cp /bin/true "$T/bin/ctr-true"
	printf '%s\n' '[audit-lxc-by-name]' 'event = exec' 'action = audit' \
		"exe = $T/bin/ctr-true" "container = $ctr_name" '' \
		'[audit-in-container]' 'event = exec' 'action = audit' \
		"exe = $T/bin/ctr-true" 'container = any' >"$T/ctr.rules"
	printf '%s\n' '[engine]' "rules = $T/ctr.rules" "log = $T/ctr.log" 'mode = audit' \
		'on_lsm_missing = audit' >"$T/ctr.conf"
	"$BW" run --config "$T/ctr.conf" --ready-file "$T/ctr.ready" 2>"$T/ctr-run.err" &
	epid=$!
	if wait_ready "$T/ctr.ready" $epid; then
		: >"$T/ctr.ran"
		while read -r rel want; do
			mkdir -p "$cg2$ctr_top/$rel"
			sh -c 'echo $$ >"$1/cgroup.procs" && echo $$ >"$3" && exec "$2"' sh \
				"$cg2$ctr_top/$rel" "$T/bin/ctr-true" "$T/ctr.pid"
			echo "$(cat "$T/ctr.pid") $want $rel" >>"$T/ctr.ran"
		done <"$T/ctr.table"
		n=$(grep -vc ' - ' "$T/ctr.ran")
		i=0
		while [ "$(grep -c '"type":"decision"' "$T/ctr.log")" -lt "$n" ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -TERM $epid
		wait $epid
		why=
		while read -r p want rel; do
			rec=$(grep '"type":"decision"' "$T/ctr.log" | grep -F "\"subject\":{\"pid\":$p,")
			if [ "$want" = - ]; then
				[ -z "$rec" ] || why="$why $rel: a record: $rec;"
			elif ! echo "$rec" | grep -qF "\"container\":\"$want\""; then
				why="$why $rel: want $want, got: ${rec:-no record};"
			fi
		done <"$T/ctr.ran"
		p=$(grep " lxc.payload.$ctr_name/" "$T/ctr.ran" | cut -d ' ' -f 1)
		grep -F "\"subject\":{\"pid\":$p," "$T/ctr.log" | grep -q '"rule":"audit-lxc-by-name"' ||
			why="$why no record of rule audit-lxc-by-name for pid $p;"
		if [ -z "$why" ]; then
			pass container-kernel-mapping
		else
			fail container-kernel-mapping "$why"
		fi
		# bulwark log --container takes the full id, the short id or a name;
		# records carry the short id, so another id must differ in its first 12
		case $ctr_id in 0*) other_id=1${ctr_id#?} ;; *) other_id=0${ctr_id#?} ;; esac
		lc() { "$BW" log --json --container "$1" "$T/ctr.log" 2>/dev/null | wc -l; }
		want_d=$(grep '"type":"decision"' "$T/ctr.log" | grep -cF "\"container\":\"$ctr_short\"")
		want_l=$(grep '"type":"decision"' "$T/ctr.log" | grep -cF "\"container\":\"$ctr_name\"")
		if [ "$want_d" -gt 0 ] && [ "$(lc "$ctr_id")" = "$want_d" ] &&
		   [ "$(lc "$ctr_short")" = "$want_d" ] && [ "$want_l" -gt 0 ] &&
		   [ "$(lc "$ctr_name")" = "$want_l" ] && [ "$(lc "$other_id")" = 0 ]; then
			pass log-container-filter
		else
			fail log-container-filter "full $(lc "$ctr_id"), short $(lc "$ctr_short"), want $want_d; name $(lc "$ctr_name"), want $want_l"
		fi
	else
		fail container-kernel-mapping "engine not ready: $(head -c 400 "$T/ctr-run.err")"
		kill $epid 2>/dev/null
	fi

	# each sleep is the init of its pid namespace: only SIGKILL reaches it
	kill -KILL $d_pid $l_pid 2>/dev/null
	wait $d_u $l_u 2>/dev/null
	find "$cg2$ctr_top" -depth -type d -exec rmdir {} + ||
		fail container-cleanup "cannot remove $cg2$ctr_top: $(find "$cg2$ctr_top" -type d)"
fi

exit 0
