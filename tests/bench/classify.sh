#!/bin/bash
# What a decision costs per run of its program, natively on a host where
# LSM programs are refused: the audit-only programs run the same classify
# code (bw_capable_audit on setuid(0) as root, bw_signal_audit on
# kill(self, SIGURG), bw_shmat_audit on shmat).  One engine per rule set:
# "floor" (only an exec rule: the classes have none), then 10, 1,000 and
# 4,096 rules per class as tests/vm/bench.sh's gen() writes them (the
# operation's own key and a subject no process has), with SIGURG beside
# signal 0 (the tracepoint does not see signal 0).  Prints per rule set
# and operation the median ns per run of ROUNDS loops of N calls
# (kernel.bpf_stats_enabled=1, fdinfo run_time_ns / run_cnt), and the
# programs' sizes.  docs/performance.md, "A hook whose rules do not match".
#   tests/bench/classify.sh BULWARK [ROUNDS [N]]
# Runs under the host tests' lock, with its own paths.
# SETS="fold:10 10:10" picks rule sets: "fold" is 10 audit rules per class
# matching the loop (comm = bwtest and the operation's key, as bench.sh's
# "audit") with [log] repeat = 1s, so each run is a folded decision.
set -u
BW=$(realpath "$1")
ROUNDS=${2:-5}
N=${3:-200000}
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/bw-classify.XXXXXX)
trap 'rm -rf "$T"' EXIT

if [ "$(id -u)" != 0 ]; then
	echo "classify bench: needs root to load BPF programs; skipped"
	exit 0
fi
if "$BW" version --json 2>&1 | grep -q '"lsm_programs_load":true'; then
	echo "classify bench: LSM programs load here; the audit-only programs it times are not loaded; skipped"
	exit 0
fi
# the comm of the bench's process in the VM: the filter bits depend on it
${CC:-cc} -O2 -o "$T/bwtest" "$here/classloop.c" || exit 1

. "$(dirname "$0")/hostlock.sh"
host_lock "classify bench"
stats=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1

# gen DIR KIND N: tests/vm/bench.sh's gen(), SIGURG beside signal 0
gen() {
	mkdir -p "$1"
	awk -v dir="$1" -v kind="$2" -v n="$3" 'function subj(i) {
		return i % 2 ? sprintf("uid = %d\n", 200000 + i) : sprintf("comm = nomatch%d\n", i)
	}
	function rule(name, ev, act, keys) {
		printf "[%s]\nevent = %s\naction = %s\n%s\n", name, ev, act, keys >(dir "/" ev ".rules")
	}
	BEGIN {
		for (i = 0; i < n; i++) {
			rule("exe" i, "exec", "deny", "path = /nonexistent/" i "/\n")
			if (kind == "floor")
				continue
			if (kind == "fold") {
				rule("acap" i, "capable", "audit", "capability = cap_setuid, cap_chown, cap_net_raw\ncomm = bwtest\n")
				rule("aipc" i, "ipc", "audit", "ipc_kind = shm\ncomm = bwtest\n")
				rule("asig" i, "signal", "audit", "signal = 0, SIGURG\ncomm = bwtest\n")
				continue
			}
			rule("cap" i, "capable", "deny", "capability = cap_setuid, cap_chown, cap_net_raw\n" subj(i))
			rule("ipc" i, "ipc", "deny", "ipc_kind = shm\n" subj(i))
			rule("sig" i, "signal", "deny", "signal = 0, SIGURG\n" subj(i))
			rule("mnt" i, "mount", "deny", "operation = mount, umount\n" subj(i))
		}
	}'
}

# field FILE NAME: a number of an fdinfo file
field() { awk -v k="$2:" '$1 == k { print $2 }' "$1"; }

for set in ${SETS:-floor:1 10:10 1000:1000 4096:4096}; do
	name=${set%%:*}
	W=$T/$name
	case $name in
	floor|fold) gen "$W/rules" "$name" "${set#*:}" ;;
	*) gen "$W/rules" hooks "${set#*:}" ;;
	esac
	printf '[engine]\nrules = %s\nlog = %s\nstatus = %s\ncontrol = %s\non_lsm_missing = audit\non_exit = detach\n' \
		"$W/rules" "$W/log" "$W/status" "$W/ctl" >"$W/conf"
	[ "$name" = fold ] && printf '[log]\nrepeat = 1s\n' >>"$W/conf"
	"$BW" run --config "$W/conf" --ready-file "$W/ready" 2>"$W/err" &
	epid=$!
	i=0
	while [ ! -e "$W/ready" ] && [ $i -lt 900 ] && kill -0 $epid 2>/dev/null; do
		sleep 0.2; i=$((i + 1))
	done
	if [ ! -e "$W/ready" ]; then
		echo "$name: engine not ready: $(head -c 300 "$W/err")"
		kill -TERM $epid 2>/dev/null; wait $epid
		continue
	fi
	declare -A fd=()
	for f in "/proc/$epid/fdinfo"/*; do
		grep -q '^run_cnt:' "$f" 2>/dev/null || continue
		id=$(field "$f" prog_id)
		case $(bpftool prog show id "$id" 2>/dev/null | head -n 1) in
		*"name bw_capable_audi"*) fd[setuid]=$f ;;
		*"name bw_signal_audit"*) fd[kill]=$f ;;
		*"name bw_shmat_audit"*) fd[shmat]=$f ;;
		*) continue ;;
		esac
	done
	for op in setuid kill shmat; do
		f=${fd[$op]:-}
		if [ -z "$f" ]; then
			echo "$name $op: program not found (bpftool?)"
			continue
		fi
		for _ in $(seq "$ROUNDS"); do
			c0=$(field "$f" run_cnt) t0=$(field "$f" run_time_ns)
			"$T/bwtest" $op "$N" || echo "$name $op: the loop failed"
			c1=$(field "$f" run_cnt) t1=$(field "$f" run_time_ns)
			echo $(((t1 - t0) / ((c1 - c0) > 0 ? c1 - c0 : 1)))
		done | sort -n | awk -v s="$name $op" '{ v[NR] = $1 }
			END { printf "%s: %d ns per run (median of %d:", s, v[int((NR + 1) / 2)], NR
			      for (i = 1; i <= NR; i++) printf " %d", v[i]; print ")" }'
		[ "$name" = floor ] || [ -n "${SETS:-}" ] && echo "  $op program: $(field "$f" verified_insns) insns verified"
	done
	unset fd
	kill -TERM $epid
	wait $epid
done
sysctl -qw kernel.bpf_stats_enabled="$stats"
