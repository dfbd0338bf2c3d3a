# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# The benchmark (make bench), sourced by init.sh instead of scenarios.sh.
# Prints BENCH: lines; tests/bench/run.sh turns them into ratios, a table
# and a plot (docs/bench-hooks.md says what each row and column is).
#
# 1. The capable hook alone (as before): N raw socket calls (one
#    CAP_NET_RAW check each) with no engine, 1 rule and 4,096 rules for
#    that capability, none matching the caller:
#      BENCH: baseline|one|many rules=R ns_per_call=NS [stop-record stats]
# 2. The hook matrix: each operation (a bwtest burst: one operation N times
#    in a loop) in each configuration (engines with rule sets that do not
#    match, matching audit rules, the syscall tracer; and a no-engine
#    round, cfg=none-K, before and after each of them), one discarded
#    warm-up run (a tenth of N) and then five measured runs each:
#      BENCH: op=OP cfg=CFG n=N median=NS min=NS max=NS runs=NS,NS,...
#             [progs=PROG:RUNS_PER_CALL:NS_PER_RUN:INSNS:VERIFIED,...]
#             [records=R lost=L]
#      BENCH: cfg=CFG rules=R start_s=S rss_kb=KB decisions=D lost=L ...
#    The five measured runs are timed with kernel.bpf_stats_enabled=0: the
#    kernel's run statistics read the clock twice around every program run,
#    a cost of the measurement and not of the engine (BWVM_BENCH_STATS=timed
#    keeps them on during the timed runs, as before 2026-12-07).
#    progs: the BPF programs that ran at least once per two operations
#    during one more run, made with kernel.bpf_stats_enabled=1 after the
#    five, from the run counters of the engine's program descriptors
#    (/proc/PID/fdinfo) read before and after it, named by matching the
#    last reading against the stop record; INSNS is the translated size
#    (stop record), VERIFIED the instructions the verifier processed
#    (fdinfo verified_insns).
# 3. The exec lines of before, from the matrix's exec row:
#      BENCH: exec-baseline|exec-bprm|exec-mmap ...

BW=/bin/bulwark
T=/tmp/bwbench
mkdir -p $T $T/mnt

echo "RUN: vm/bench"
FAILED=
fail_note() { FAILED="$FAILED; $*"; }

# The programs' run statistics: on only for the runs that read them, unless
# BWVM_BENCH_STATS=timed (then on throughout, the timed runs paying for them)
STATS_TIMED=
[ "${BWVM_BENCH_STATS:-}" != timed ] || STATS_TIMED=1
bpf_stats() {	# bpf_stats 0|1
	[ -z "$STATS_TIMED" ] || set -- 1
	echo "$1" >/proc/sys/kernel/bpf_stats_enabled ||
		fail_note "cannot set kernel.bpf_stats_enabled to $1"
}
bpf_stats 0

# Iterations per run (each run is one bwtest process): about 0.2-0.3 s of
# TCG time each without an engine (fork + exec: 0.8 s).  With the matching
# audit rules every operation writes a record and costs 5-40 times as
# much, so that configuration runs at most AUDIT_MAX iterations per run:
# still several times what the record ring holds, so that what the engine
# loses at one process's loop rate shows.  The whole bench takes about
# ten minutes of TCG time.
N=${BWVM_BENCH_N:-8000}		# raw-burst: socket(SOCK_RAW) + close
NX=${BWVM_BENCH_NX:-10}			# exec-burst: fork + exec of the engine
N_SETUID=${BWVM_BENCH_N_SETUID:-20000}
N_CHOWN=${BWVM_BENCH_N_CHOWN:-10000}
N_SHMGET=${BWVM_BENCH_N_SHMGET:-150000}
N_KILL0=${BWVM_BENCH_N_KILL0:-150000}
N_MOUNT=${BWVM_BENCH_N_MOUNT:-300}
N_OPEN=${BWVM_BENCH_N_OPEN:-10000}
N_GETPPID=${BWVM_BENCH_N_GETPPID:-250000}
AUDIT_MAX=${BWVM_BENCH_AUDIT_MAX:-30000}
MAXN=		# set to AUDIT_MAX while the audit configuration runs
OPS="setuid chown raw shmget kill0 mount open getppid exec"
RUNS=5
if [ -n "$STATS_TIMED" ]; then
	echo "INFO: bench: bpf_stats on during the timed runs"
else
	echo "INFO: bench: bpf_stats off during the timed runs, on for one more run of each operation"
fi

op_n() {	# op_n OP: its iterations per run in this configuration
	local n
	case $1 in
	setuid) n=$N_SETUID ;;
	chown) n=$N_CHOWN ;;
	raw) n=$N ;;
	shmget) n=$N_SHMGET ;;
	kill0) n=$N_KILL0 ;;
	mount) n=$N_MOUNT ;;
	open) n=$N_OPEN ;;
	getppid) n=$N_GETPPID ;;
	exec) n=$NX ;;
	esac
	[ -z "$MAXN" ] || [ "$n" -le "$MAXN" ] || n=$MAXN
	echo $n
}
echo "INFO: bench: runs of $RUNS after one warm-up; N: setuid $N_SETUID, chown $N_CHOWN, raw $N, shmget $N_SHMGET, kill0 $N_KILL0, mount $N_MOUNT, open $N_OPEN, getppid $N_GETPPID, exec $NX; at most $AUDIT_MAX with the audit rules"

# What the operations act on: a file owned by alice (root's chown to its
# owner then needs CAP_CHOWN), a live process for kill(pid, 0).
: >$T/owned
chown 1000:1000 $T/owned
/bin/bwvictim sleep 86400 >/dev/null &
VICTIM=$!

# run_op OP [warm]: one run; the bwtest output goes to $T/op.out.  A
# warm-up run (discarded) does a tenth of the iterations.
run_op() {
	local n
	n=$(op_n $1)
	[ -z "${2:-}" ] || n=$((n / 10 > 0 ? n / 10 : 1))
	case $1 in
	setuid) /bin/bwtest setuid-burst $n ;;
	chown) /bin/bwtest chown-burst $n $T/owned ;;
	raw) /bin/bwtest raw-burst $n ;;
	shmget) /bin/bwtest shmget-burst $n 4242 ;;
	kill0) /bin/bwtest kill0-burst $n $VICTIM ;;
	mount) /bin/bwtest mount-burst $n $T/mnt ;;
	open) /bin/bwtest open-burst $n /etc/passwd ;;
	getppid) /bin/bwtest getppid-burst $n ;;
	exec) /bin/bwtest exec-burst $n /bin/bulwark --help ;;
	esac >$T/op.out 2>&1
}

# measure CFG OP: RUNS runs (the caller has made the warm-up run); sets
# VALS (ns per call of each run, in order) and STATS ("median min max");
# false on a failure.
measure() {
	local i v
	VALS=
	STATS=
	for i in $(seq $RUNS); do
		run_op $2
		v=$(sed -n 's/^ns_per_call=//p' $T/op.out)
		if [ -z "$v" ]; then
			fail_note "$1/$2: $(tr '\n' ' ' <$T/op.out | head -c 200)"
			return 1
		fi
		VALS="$VALS${VALS:+,}$v"
	done
	STATS=$(echo "$VALS" | tr ',' '\n' | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[1], v[NR] }')
}

# the BENCH: line of a measurement, without program statistics
op_line() {	# op_line CFG OP
	set -- "$1" "$2" $STATS
	echo "op=$2 cfg=$1 n=$(op_n $2) median=$3 min=$4 max=$5 runs=$VALS"
}

# snap PID FILE: "prog_id run_cnt run_time_ns verified_insns" of every BPF
# program the process holds a descriptor of
snap() {
	awk 'FNR == 1 { id = ""; rc = ""; ns = "" }
		/^prog_id:/ { id = $2 } /^run_cnt:/ { rc = $2 } /^run_time_ns:/ { ns = $2 }
		/^verified_insns:/ && rc != "" { print id, rc, ns, $2 }' \
		/proc/"$1"/fdinfo/* 2>/dev/null | sort -u -k1,1n >"$2"
}

# stats_run OP PREFIX: one more run of OP with the programs' run statistics
# on, the engine's counters read before and after it into PREFIX.before
# and PREFIX.after
stats_run() {
	bpf_stats 1
	snap $EPID $2.before
	run_op $1 || fail_note "$1: the run with bpf_stats failed"
	snap $EPID $2.after
	bpf_stats 0
}

# The status file: "updated decisions lost" (lost summed over classes)
status_counts() {
	awk '{
		u = 0; d = 0; l = 0; s = $0
		if (match(s, /"updated":[0-9]+/)) u = substr(s, RSTART + 10, RLENGTH - 10)
		if (match(s, /"decisions":[0-9]+/)) d = substr(s, RSTART + 12, RLENGTH - 12)
		while (match(s, /"total":[0-9]+/)) {
			l += substr(s, RSTART + 8, RLENGTH - 8); s = substr(s, RSTART + RLENGTH)
		}
		print u, d, l
	}' "$1" 2>/dev/null
}

# settle STATUS: wait until the engine has written out what the kernel
# handed it (the status file rewritten and its counts unchanged), at most
# a minute; prints "decisions lost"
settle() {
	local i=0 a b
	# with a repeat, the last window's count reaches the status file in
	# a repeat record up to two windows and a tick after the operations
	[ -z "${BENCH_REPEAT:-}" ] || sleep 3.5
	a=$(status_counts "$1")
	while [ $i -lt 40 ]; do
		sleep 1.5
		b=$(status_counts "$1")
		# shellcheck disable=SC2086
		if [ "${a%% *}" != "${b%% *}" ] && [ "${a#* }" = "${b#* }" ]; then
			break
		fi
		a=$b
		i=$((i + 1))
	done
	echo "${b#* }"
}

# uptime in hundredths of a second
now_cs() {
	local up
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}" | sed 's/^0*//'
}

# Maps the engine's program ids to names: the last snapshot against the
# stop record, whose counters can only be higher; greedily, the programs
# with the most run time first, each to the unused id closest below it.
cat >$T/map.awk <<'EOF'
function num(t, k) {
	if (match(t, "\"" k "\":[0-9]+"))
		return substr(t, RSTART + length(k) + 3, RLENGTH - length(k) - 3) + 0
	return -1
}
BEGIN {
	s = stop
	while (match(s, /"bw_[a-z0-9_]+":\{[^}]*\}/)) {
		t = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		name = substr(t, 2)
		name = substr(name, 1, index(name, "\"") - 1)
		nn++; nm[nn] = name
		sr[name] = num(t, "runs"); sn[name] = num(t, "run_ns"); si[name] = num(t, "insns")
	}
}
{ ni++; id[ni] = $1; fr[$1] = $2; fn[$1] = $3; fv[$1] = $4 }
END {
	for (k = 1; k <= nn; k++) {
		# the unmatched name with the most run time
		best = ""
		for (j = 1; j <= nn; j++)
			if (!(nm[j] in done) && (best == "" || sn[nm[j]] > sn[best]))
				best = nm[j]
		done[best] = 1
		pick = ""
		for (j = 1; j <= ni; j++) {
			x = id[j]
			if ((x in used) || fr[x] > sr[best] || fn[x] > sn[best])
				continue
			d = (sn[best] - fn[x]) + (sr[best] - fr[x]) * 1000
			if (pick == "" || d < pd) { pick = x; pd = d }
		}
		if (pick == "")
			continue
		used[pick] = 1
		print pick, best, si[best], fv[pick]
	}
}
EOF

# progs MAP BEFORE AFTER CALLS: the programs that ran at least once per two
# operations, as NAME:RUNS_PER_CALL:NS_PER_RUN:INSNS:VERIFIED,...
progs() {
	awk -v calls="$4" '
		FILENAME == ARGV[1] { name[$1] = $2; ins[$1] = $3; ver[$1] = $4; next }
		FILENAME == ARGV[2] { r0[$1] = $2; n0[$1] = $3; next }
		{
			dr = $2 - r0[$1]; dn = $3 - n0[$1]
			if (dr * 2 < calls || !($1 in name)) next
			out = out (out == "" ? "" : ",") sprintf("%s:%.2f:%.0f:%s:%s",
				name[$1], dr / calls, dn / dr, ins[$1], ver[$1])
		}
		END { print out }' "$1" "$2" "$3"
}

# stop-record statistics of one program, as "runs":N,"run_ns":N,"insns":N
prog_stats() {	# prog_stats LOG PROG
	grep '"type":"stop"' "$1" | sed -n "s/.*\"$2\":{\([^}]*\)}.*/\1/p"
}

# The configurations' rule sets, generated here with awk, one directory
# each with a file per class (a rule file may not exceed 1 MiB).  Rules
# that do not match name the operation's own key (so that the hook
# classifies every call) and a subject no process has: comm nomatchI for
# even I, uid 200000+I for odd I (so that 4,096 rules per class fit the
# name maps).
#   gen DIR hooks COUNT     capable, ipc, signal, mount and exec rules
#   gen DIR sys-uname COUNT | sys-getppid COUNT   syscall rules
#   gen DIR audit 10        audit rules matching bwtest in every class
#   gen DIR raw COUNT       capable rules for cap_net_raw only (as before)
#   gen DIR floor COUNT     exec rules only: the other classes' hooks run
#                           and leave at once (the floor of a hook)
gen() {
	rm -rf "$1"
	mkdir -p "$1"
	awk -v dir="$1" -v kind="$2" -v n="$3" 'function subj(i) {
		return i % 2 ? sprintf("uid = %d\n", 200000 + i) : sprintf("comm = nomatch%d\n", i)
	}
	function rule(name, ev, act, keys) {
		printf "[%s]\nevent = %s\naction = %s\n%s\n", name, ev, act, keys >(dir "/" ev ".rules")
	}
	BEGIN {
		for (i = 0; i < n; i++) {
			if (kind == "hooks") {
				rule("cap" i, "capable", "deny", "capability = cap_setuid, cap_chown, cap_net_raw\n" subj(i))
				rule("ipc" i, "ipc", "deny", "ipc_kind = shm\n" subj(i))
				rule("sig" i, "signal", "deny", "signal = 0\n" subj(i))
				rule("mnt" i, "mount", "deny", "operation = mount, umount\n" subj(i))
				rule("exe" i, "exec", "deny", "path = /nonexistent/" i "/\n")
			} else if (kind == "sys-uname") {
				rule("sys" i, "syscall", "deny", "syscall = uname\n" subj(i))
			} else if (kind == "sys-getppid") {
				rule("sys" i, "syscall", "deny", "syscall = getppid\n" subj(i))
			} else if (kind == "audit") {
				rule("acap" i, "capable", "audit", "capability = cap_setuid, cap_chown, cap_net_raw\ncomm = bwtest\n")
				rule("aipc" i, "ipc", "audit", "ipc_kind = shm\ncomm = bwtest\n")
				rule("asig" i, "signal", "audit", "signal = 0\ncomm = bwtest\n")
				rule("amnt" i, "mount", "audit", "operation = mount, umount\ncomm = bwtest\n")
				rule("aexe" i, "exec", "audit", "path = /bin/bulwark\ncomm = bwtest\n")
				rule("asys" i, "syscall", "audit", "syscall = getppid\ncomm = bwtest\n")
			} else if (kind == "floor") {
				rule("exe" i, "exec", "deny", "path = /nonexistent/" i "/\n")
			} else if (kind == "raw") {
				rule("r" i, "capable", "deny", "capability = cap_net_raw\ncomm = nomatch" i "\n")
			}
		}
	}'
}

# engine_up CFG RULES: starts the engine (policy file for the status file),
# sets EPID; false when it is not ready within three minutes
engine_up() {
	local i=0 t0
	rm -f $T/$1.ready $T/$1.status $T/$1.log
	# on_exit = detach: a stopped engine must leave no program behind (the
	# baselines are measured without bulwark)
	printf '[engine]\nstatus = %s\non_exit = detach\n' $T/$1.status >$T/$1.conf
	# BENCH_REPEAT: [log] repeat for this configuration (docs/log.md)
	[ -z "${BENCH_REPEAT:-}" ] || printf '[log]\nrepeat = %s\n' "$BENCH_REPEAT" >>$T/$1.conf
	t0=$(now_cs)
	$BW run --config $T/$1.conf --rules "$2" --log $T/$1.log \
		--ready-file $T/$1.ready 2>$T/$1.err &
	EPID=$!
	while [ ! -e $T/$1.ready ]; do
		i=$((i + 1))
		if [ $i -gt 900 ] || ! kill -0 $EPID 2>/dev/null; then
			fail_note "$1: engine not ready: $(head -c 300 $T/$1.err)"
			kill -TERM $EPID 2>/dev/null
			wait $EPID
			return 1
		fi
		sleep 0.2
	done
	START_CS=$(($(now_cs) - t0))
}

engine_down() {	# engine_down CFG: SIGTERM, and the log's stop record
	kill -TERM $EPID
	wait $EPID
	STOP=$(grep '"type":"stop"' $T/$1.log | tail -n 1)
	[ -n "$STOP" ] || fail_note "$1: no stop record: $(tail -c 300 $T/$1.err)"
	sed 's/^/bw-stderr: /' $T/$1.err | tail -n 5
}

# Peers, for contrast: Debian's auditd with one syscall rule for the
# calls of the operations (matching nothing, or every call of bwtest, as
# bulwark's audit rules match on comm), and Debian's libbpf-tools
# opensnoop and execsnoop filtering everything out in the kernel.  Their
# output goes to files; the libbpf tools print a header once attached.
AUDIT_CALLS="-S setuid -S chown -S fchownat -S shmget -S kill -S mount -S umount2 -S getppid -S execve -S openat"
LBT_STDBUF=$(cat /bwvm/libbpf-tools.stdbuf 2>/dev/null)
peer_up() {	# peer_up CFG: sets EPID; false, with a note, when it cannot start
	local i=0 f
	EPID=
	case $1 in
	auditd-*)
		if [ -e /bwvm/auditd.why ]; then
			fail_note "$1: $(cat /bwvm/auditd.why)"
			return 1
		fi
		if ! /sbin/auditd >$T/auditd.err 2>&1; then
			fail_note "$1: auditd did not start: $(head -c 300 $T/auditd.err)"
			return 1
		fi
		# Debian's default rules (audit.rules): a backlog of 8192 records,
		# and a task waits up to a minute when it is full (nothing lost)
		auditctl -b 8192 --backlog_wait_time 60000 -f 1 >/dev/null 2>&1
		f="exe=/nonexistent"
		[ "$1" = auditd-nomatch ] || f="exe=/bin/bwtest"
		# shellcheck disable=SC2086
		while ! auditctl -a always,exit -F arch=b64 $AUDIT_CALLS -F $f >$T/auditctl.err 2>&1; do
			i=$((i + 1))
			if [ $i -gt 50 ]; then
				fail_note "$1: auditctl: $(head -c 300 $T/auditctl.err)"
				return 1
			fi
			sleep 0.2
		done
		EPID=$(cat /var/run/auditd.pid 2>/dev/null)
		;;
	opensnoop|execsnoop)
		if [ -s /bwvm/libbpf-tools.why ]; then
			fail_note "$1: $(cat /bwvm/libbpf-tools.why)"
			return 1
		fi
		f="-p 1"
		[ "$1" = opensnoop ] || f="-u 200001"
		# shellcheck disable=SC2086
		TZ=UTC0 LD_PRELOAD=$LBT_STDBUF _STDBUF_O=L /usr/sbin/$1 $f >$T/peer.out 2>$T/peer.err &
		EPID=$!
		while ! grep -Eq '^(PID|COMM|PCOMM|TIME) ' $T/peer.out; do
			i=$((i + 1))
			if [ $i -gt 900 ] || ! kill -0 $EPID 2>/dev/null; then
				fail_note "$1: not attached: $(head -c 300 $T/peer.err)"
				return 1
			fi
			sleep 0.2
		done
		;;
	esac
}

peer_down() {	# peer_down CFG
	case $1 in
	auditd-*)
		auditctl -D >/dev/null 2>&1
		echo "INFO: bench: $1: audit.log $(wc -l </var/log/audit/audit.log 2>/dev/null) lines, auditctl -s: $(auditctl -s 2>&1 | tr '\n' ' ')"
		kill -TERM "$EPID" 2>/dev/null
		while kill -0 "$EPID" 2>/dev/null; do sleep 0.2; done
		rm -f /var/log/audit/audit.log*
		;;
	*)
		kill -INT "$EPID" 2>/dev/null
		wait "$EPID"
		;;
	esac
}

# bench_cfg CFG [RULES [audit]]: every operation with no engine (no RULES)
# or with an engine holding RULES; "tracer" runs the syscall tracer
# instead.  With "audit", the records written and lost per operation too.
bench_cfg() {
	local cfg=$1 rules=${2:-} audit=${3:-} op n d0 d1 l0 l1 rss=0 ok=1 i=0 tot=
	EPID=
	START_CS=0
	: >$T/$cfg.lines
	case $cfg in
	auditd-*|opensnoop|execsnoop)
		peer_up $cfg || return
		;;
	esac
	if [ "$cfg" = tracer ]; then
		$BW trace syscall -c nomatch -d 3600 >/dev/null 2>$T/tracer.err &
		EPID=$!
		while ! grep -q tracing $T/tracer.err; do
			i=$((i + 1))
			if [ $i -gt 900 ] || ! kill -0 $EPID 2>/dev/null; then
				fail_note "tracer: not tracing: $(head -c 300 $T/tracer.err)"
				return
			fi
			sleep 0.2
		done
	elif [ -n "$rules" ]; then
		engine_up $cfg "$rules" || return
	fi
	[ -z "$audit" ] || MAXN=$AUDIT_MAX
	for op in $OPS; do
		run_op $op warm
		if [ -n "$audit" ]; then
			# shellcheck disable=SC2046
			set -- $(settle $T/$cfg.status)
			d0=$1 l0=$2
		fi
		measure $cfg $op || { ok=; continue; }
		if [ -n "$audit" ]; then
			# shellcheck disable=SC2046
			set -- $(settle $T/$cfg.status)
			d1=$1 l1=$2
			# keep the log small: the counts are in the status file
			: >$T/$cfg.log
			echo "$(op_line $cfg $op) records=$((d1 - d0)) lost=$((l1 - l0))" >>$T/$cfg.lines
		else
			op_line $cfg $op >>$T/$cfg.lines
		fi
		[ -z "$rules" ] || stats_run $op $T/$cfg.$op
		[ -z "$audit" ] || : >$T/$cfg.log
	done
	MAXN=
	case $cfg in
	auditd-*|opensnoop|execsnoop)
		peer_down $cfg
		;;
	esac
	if [ "$cfg" = tracer ]; then
		kill -INT $EPID
		wait $EPID
	elif [ -n "$rules" ]; then
		snap $EPID $T/$cfg.final
		rss=$(awk '/^VmHWM:/ { print $2 }' /proc/$EPID/status)
		# shellcheck disable=SC2046
		[ -z "$audit" ] || set -- $(settle $T/$cfg.status)
		tot="${audit:+records=$1 lost=$2}"
		engine_down $cfg
		awk -v stop="$STOP" -f $T/map.awk $T/$cfg.final >$T/$cfg.map
	fi
	# the lines, with the programs that ran for each operation
	while read -r line; do
		op=${line#op=}
		op=${op%% *}
		if [ -n "$rules" ] && [ -s $T/$cfg.$op.after ]; then
			n=${line#* n=}
			line="$line progs=$(progs $T/$cfg.map $T/$cfg.$op.before $T/$cfg.$op.after \
				${n%% *})"
		fi
		echo "BENCH: $line"
	done <$T/$cfg.lines
	if [ -n "$rules" ]; then
		echo "BENCH: cfg=$cfg rules=$(cat "$rules"/* | grep -c '^\[') start_s=$((START_CS / 100)).$((START_CS % 100 / 10))$((START_CS % 10)) rss_kb=$rss decisions=$(echo "$STOP" | sed -n 's/.*"decisions":\([0-9]*\).*/\1/p') $tot unwritten=$(echo "$STOP" | sed -n 's/.*"unwritten":\([0-9]*\).*/\1/p') stop=$(echo "$STOP" | sed -n 's/.*"programs":\({.*}\)}.*/\1/p' | tr -d ' ')"
	else
		echo "BENCH: cfg=$cfg rules=0"
	fi
	[ -n "$ok" ] || fail_note "$cfg: an operation failed"
}

# The lines of before (tests/bench/run.sh's first summary), capable alone:
# the median of five raw-burst runs; with the stop record's statistics.
legacy() {	# legacy LABEL RULES
	local stats
	engine_up $1 "$2" || return
	run_op raw warm
	measure $1 raw || { engine_down $1; return; }
	# the stop record's statistics: of one more run
	stats_run raw $T/$1.raw
	engine_down $1
	stats=$(prog_stats $T/$1.log bw_capable)
	set -- "$1" "$2" $STATS
	echo "BENCH: $1 rules=$(cat "$2"/* | grep -c '^\[') ns_per_call=$3 $stats"
	[ -n "$stats" ] || fail_note "$1: no program stats in the stop record"
}

# one discarded run of each operation first: the first runs after boot pay
# for cold caches and would flatter everything measured after them
for op in $OPS; do
	run_op $op warm
done

gen $T/hooks10 hooks 10
gen $T/hooks1000 hooks 1000
gen $T/hooks4096 hooks 4096
gen $T/sysu10 sys-uname 10
gen $T/sys10 sys-getppid 10
gen $T/sys4096 sys-getppid 4096
gen $T/audit10 audit 10
gen $T/floor floor 1
gen $T/one raw 1
gen $T/many raw 4096

# The order: a no-engine round (none-K) before and after every engine
# configuration, so that each is compared with the rounds around it: the
# host's load drifts under TCG, by a factor of two over ten minutes.
t0=$(now_cs)
bench_cfg none-1
legacy one $T/one
legacy many $T/many

bench_cfg r10 $T/hooks10
# exec, as before: bprm_check_security once per exec and mmap_file per
# mapped library, with 10 exec rules that do not match the engine's files
# (among the 50 rules of r10), from the exec row's own runs
legacy_exec() {	# legacy_exec PROG: its counters over r10's exec runs
	awk -v p="$1" '
		FILENAME == ARGV[1] { if ($2 == p) { id = $1; ins = $3 } next }
		FILENAME == ARGV[2] { if ($1 == id) { r0 = $2; n0 = $3 } next }
		id != "" && $1 == id {
			printf "\"runs\":%.0f,\"run_ns\":%.0f,\"insns\":%s\n", $2 - r0, $3 - n0, ins
		}' $T/r10.map $T/r10.exec.before $T/r10.exec.after 2>/dev/null
}
echo "BENCH: exec-bprm rules=10 ns_per_call=$(sed -n 's/^op=exec .* median=\([0-9]*\).*/\1/p' $T/r10.lines) $(legacy_exec bw_bprm_check)"
echo "BENCH: exec-mmap rules=10 $(legacy_exec bw_mmap_file)"
bench_cfg none-2
# the baselines of those lines: the no-engine rounds before and after them
pooled_median() {	# pooled_median OP: of its runs in none-1 and none-2
	sed -n "s/^op=$1 .* runs=\([0-9,]*\).*/\1/p" $T/none-1.lines $T/none-2.lines |
		tr ',' '\n' | sort -n | awk '{ v[NR] = $1 }
			END { if (NR) printf "%.0f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
base=$(pooled_median raw)
echo "BENCH: baseline rules=0 ns_per_call=$base"
echo "BENCH: exec-baseline rules=0 ns_per_call=$(pooled_median exec)"
bench_cfg r1000 $T/hooks1000
bench_cfg none-2b
bench_cfg r4096 $T/hooks4096
bench_cfg none-3
bench_cfg sysu10 $T/sysu10
bench_cfg none-4
bench_cfg sys10 $T/sys10
bench_cfg none-5
bench_cfg sys4096 $T/sys4096
bench_cfg none-6
bench_cfg audit10 $T/audit10 audit
bench_cfg none-7
# the same rules with [log] repeat = 1s: records counts decisions, folded
# ones too (the status file's decisions), lost the records lost
BENCH_REPEAT=1s
bench_cfg audit10r $T/audit10 audit
BENCH_REPEAT=
bench_cfg none-7r
bench_cfg tracer
bench_cfg none-8
bench_cfg floor $T/floor
bench_cfg none-9
bench_cfg auditd-nomatch
bench_cfg none-10
# every call of bwtest writes a record: as few as with bulwark's audit rules
MAXN=$AUDIT_MAX
bench_cfg auditd-match
bench_cfg none-11
# the libbpf tools: only the operations whose syscalls they trace
ALL_OPS=$OPS
OPS="open exec"
bench_cfg opensnoop
OPS="exec"
bench_cfg execsnoop
OPS="open exec"
bench_cfg none-12
OPS=$ALL_OPS
t1=$(now_cs)
echo "INFO: bench: the matrix took $(((t1 - t0) / 100)) s"

kill $VICTIM 2>/dev/null
if [ -z "$FAILED" ] && [ -n "$base" ]; then
	echo "PASS: vm/bench"
else
	echo "FAIL: vm/bench: ${FAILED#; }"
fi
