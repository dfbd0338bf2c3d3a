#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench: what loading many rules costs `bulwark check` (parse, checks
# across rules, compile; the same work a start or a SIGHUP reload does
# before it writes the maps).  Each case is generated in a temporary
# directory and checked three times; the line gives the medians of wall
# time, CPU time (user + system: steadier on a busy host) and peak RSS,
# and wall time and RSS as ratios to the 10-rule case.  Needs no root and
# no BPF: as root the checks run as nobody, so that `check` does not
# test-load the LSM programs for the syscall rules.
#   tests/bench/load.sh BULWARK
set -u
BW=$(realpath "${1:?usage: load.sh BULWARK}")
T=$(mktemp -d /tmp/bw-load.XXXXXX)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
RUN=
if [ "$(id -u)" = 0 ]; then
	RUN="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
	chown nobody "$T"	# for time's output file
fi
TIME=/usr/bin/time
[ -x "$TIME" ] || echo "load bench: $TIME not found (Debian package time): no peak RSS"

# gen DIR PER_CLASS [overflow]: one file per class, PER_CLASS rules each
# (10 in all when PER_CLASS is 0).  Rules vary the subject key so that
# every value map holds many entries, a quarter carry a negated value, and
# none covers another (no warnings).  With "overflow" every rule also
# names its own exe: 24,576 path entries, more than the maps hold.
gen() {
	mkdir -p "$1"
	awk -v dir="$1" -v per="$2" -v over="${3:-}" 'BEGIN {
		split("capable ipc mount signal exec syscall", cls, " ")
		split("ptrace kexec_load init_module finit_module bpf userfaultfd", sc, " ")
		split("cap_net_raw|cap_sys_admin, cap_net_admin|cap_chown", caps, "|")
		split("shm msg sem", kinds, " ")
		split("allow deny audit deny", acts, " ")
		for (c = 1; c <= 6; c++) {
			n = per ? per : (c <= 4 ? 2 : 1)
			f = sprintf("%s/%d-%s.rules", dir, c, cls[c])
			for (i = 0; i < n; i++) {
				printf "[%s-%d]\nevent = %s\naction = %s\n", cls[c], i, cls[c], acts[i % 4 + 1] > f
				id = sprintf("n%d-%d", c, i)
				uid = 100000 + c * 10000 + i
				if (i % 4 == 0) printf "comm = %s\n", id > f
				else if (i % 4 == 1) printf "uid = %d\n", uid > f
				else if (i % 4 == 2) printf "exe = /nonexistent/%s/%d\n", cls[c], i > f
				else printf "uid = %d\ncomm = !%s\n", uid, id > f
				if (over && i % 4 != 2) printf "exe = /nonexistent/%s/%d\n", cls[c], i > f
				if (c == 1) printf "capability = %s\n", caps[i % 3 + 1] > f
				else if (c == 2) printf "ipc_kind = %s\naccess = write\n", kinds[i % 3 + 1] > f
				else if (c == 3) printf "operation = mount\nfstype = tmpfs\ntarget = /nonexistent/mnt/%d/\n", i % 1024 > f
				else if (c == 4) printf "signal = SIGUSR2\ntarget_comm = t%d\n", i % 1024 > f
				else if (c == 5) printf "path = /nonexistent/exec/%d\n", i > f
				else printf "syscall = %s\n", (i % 64 == 63 ? "@debug" : sc[i % 6 + 1]) > f
			}
		}
	}'
}

# sections FILE N: N empty sections in one file (each an error: no event,
# no action); policy SECTIONS FILE N: the same as a policy file.
sections() {
	awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "[s%06d]\n", i }' >"$1"
}

# measure ARGS...: "wall_s cpu_s rss_kib", each the median of three runs
measure() {
	for i in 1 2 3; do
		if [ -x "$TIME" ]; then
			$RUN "$TIME" -f '%e %U %S %M' -o "$T/time" "$BW" check "$@" >/dev/null 2>&1
			# the last line: GNU time first says when the exit status is not 0
			tail -n 1 "$T/time"
		else
			s=$(date +%s.%N)
			$RUN "$BW" check "$@" >/dev/null 2>&1
			e=$(date +%s.%N)
			echo "$s $e" | awk '{ printf "%.2f 0 0 0\n", $2 - $1 }'
		fi
	done | awk '{ w[NR] = $1; c[NR] = $2 + $3; m[NR] = $4 }
		function med(a,   x, y, z) {
			x = a[1]; y = a[2]; z = a[3]
			if ((x - y) * (z - x) >= 0) return x
			if ((y - x) * (z - y) >= 0) return y
			return z
		}
		END { printf "%s %s %s\n", med(w), med(c), med(m) }'
}

# report NAME RULES ARGS...: one line; the first case is the baseline
report() {
	name=$1
	rules=$2
	shift 2
	set -- $(measure "$@")
	if [ -z "${BASE_S:-}" ]; then
		BASE_S=$1
		BASE_M=$3
	fi
	awk -v name="$name" -v rules="$rules" -v s="$1" -v c="$2" -v m="$3" \
	    -v bs="$BASE_S" -v bm="$BASE_M" 'BEGIN {
		printf "%-36s %7s %6.2f s %6.2f s %7.1f MiB  %6.1fx %5.1fx\n", name, rules, s, c,
			m / 1024, (bs > 0 ? s / bs : 0), (bm > 0 ? m / bm : 0)
	}'
}

gen "$T/r10" 0
gen "$T/r1000" 1000
gen "$T/r4096" 4096
gen "$T/over" 4096 overflow
sections "$T/sections.rules" 100000
sections "$T/sections.conf" 100000

echo "bulwark check, median of 3 runs: wall and CPU time, peak RSS; wall and RSS as ratios to 10 rules"
printf "%-36s %7s %8s %8s %11s  %7s %6s\n" case rules wall cpu "peak RSS" wall RSS
report "10 rules" 10 --rules "$T/r10"
report "1,000 rules per class" 6000 --rules "$T/r1000"
report "4,096 rules per class" 24576 --rules "$T/r4096"
report "4,096 per class, path maps overflow" 24576 --rules "$T/over"
report "100,000 sections in a rule file" 100000 --rules "$T/sections.rules"
report "100,000 sections in a policy file" 100000 --config "$T/sections.conf" --rules "$T/r10"

# The daemon's memory: its RSS once ready and after three SIGHUP reloads
# of the same rules, without its BPF map mappings (the record ring,
# mapped by the daemon, is kernel memory: bpftool reports the maps), and
# the peak of the start.  Root only (audit-only on a kernel without BPF
# LSM).  The issue's target: under 16 MiB with 4,096 rules per class.
rss_nomaps() {	# rss_nomaps PID: KiB of the mappings that are not BPF maps
	awk '/^[0-9a-f]+-[0-9a-f]+ / { map = ($6 ~ /bpf-map/) } /^Rss:/ && !map { s += $2 } END { print s + 0 }' \
		"/proc/$1/smaps"
}
# daemon_once RULES DIR: one start, three reloads, a stop; prints
# "start_s ready_kib after_kib peak_kib"
daemon_once() {
	# a directory of root's, not under $T (nobody's): the daemon keeps no
	# CAP_DAC_OVERRIDE and refuses a log below a directory others own
	D=$(mktemp -d /tmp/bw-load-daemon.XXXXXX)
	printf '[engine]\non_lsm_missing = audit\n' >"$D/d.conf"
	t0=$(date +%s.%N)
	"$BW" run --config "$D/d.conf" --rules "$1" --log "$D/d.log" --ready-file "$D/ready" 2>"$D/d.err" &
	pid=$!
	i=0
	while [ ! -e "$D/ready" ] && [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do
		sleep 0.1; i=$((i + 1))
	done
	if [ ! -e "$D/ready" ]; then
		echo "load bench: the engine was not ready: $(tail -2 "$D/d.err")" >&2
		kill $pid 2>/dev/null
		rm -rf "$D"
		return 1
	fi
	t1=$(date +%s.%N)
	ready=$(rss_nomaps $pid)
	for g in 2 3 4; do
		kill -HUP $pid
		i=0
		until grep -q "policy generation $g live" "$D/d.err" || [ $i -gt 600 ]; do
			sleep 0.1; i=$((i + 1))
		done
	done
	sleep 1
	after=$(rss_nomaps $pid)
	peak=$(awk '/^VmHWM:/ { print $2 }' /proc/$pid/status)
	kill $pid
	wait $pid
	rm -rf "$D"
	echo "$t0 $t1 $ready $after $peak" | awk '{ printf "%.2f %d %d %d\n", $2 - $1, $3, $4, $5 }'
}
daemon_rss() {	# daemon_rss NAME RULES DIR: the medians of three starts
	: >"$T/daemon"
	for _ in 1 2 3; do
		daemon_once "$3" >>"$T/daemon" || { echo "load bench: $1: no measure"; return 1; }
	done
	awk -v n="$1" -v r="$2" '{ for (f = 1; f <= 4; f++) v[f, NR] = $f }
		function med(f,   x, y, z) {
			x = v[f, 1]; y = v[f, 2]; z = v[f, 3]
			if ((x - y) * (z - x) >= 0) return x
			if ((y - x) * (z - y) >= 0) return y
			return z
		}
		END { printf "%-36s %7s %7.2f s %8.1f MiB %11.1f MiB %8.1f MiB\n", n, r, med(1),
			med(2) / 1024, med(3) / 1024, med(4) / 1024 }' "$T/daemon"
}
if [ "$(id -u)" = 0 ]; then
	. "$(dirname "$0")/hostlock.sh"
	host_lock "load bench"
	echo
	echo "bulwark run, median of 3 starts: time to the ready file (polled every 0.1 s); RSS"
	echo "without BPF map mappings once ready and after 3 reloads; peak RSS (all mappings)"
	printf "%-36s %7s %9s %12s %15s %12s\n" case rules start ready "after reloads" peak
	daemon_rss "10 rules" 10 "$T/r10" || exit 1
	daemon_rss "4,096 rules per class" 24576 "$T/r4096" || exit 1
fi

# The big rule set must be valid, and the overflow refused by the capacity check.
$RUN "$BW" check --rules "$T/r4096" >"$T/out" 2>&1 || { echo "load bench: 4,096 per class not valid:"; tail -3 "$T/out"; exit 1; }
$RUN "$BW" check --rules "$T/over" >"$T/out" 2>&1 && { echo "load bench: overflow accepted"; exit 1; }
grep -q "path map entries; the kernel maps hold" "$T/out" || { echo "load bench: overflow not refused by capacity:"; tail -3 "$T/out"; exit 1; }
exit 0
