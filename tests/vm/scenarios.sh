# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# Scenarios of the VM tests, sourced by init.sh (busybox sh, PID 1).
#
# The engine is started once per group (enforce, audit, many): loading
# BPF under TCG is slow.  A group runs in two phases:
#
#   run    start bulwark, run every scenario's operations (printing
#          RUN: vm/NAME first), wait for the records they should produce,
#          then stop bulwark (SIGTERM)
#   check  run every scenario again with the operations skipped and the
#          expectations checked against their saved output and the
#          complete log; print PASS: vm/NAME or FAIL: vm/NAME: WHY
#
# Checking after bulwark has stopped means that "no deny record for this
# pid" is checked against a log that bulwark has finished writing.
#
# A scenario is one function, sc_NAME (dashes become underscores), built
# from these helpers, which act according to the phase:
#
#   op ID CMD [ARGS...]   run: run CMD, save its output (pid=, result=)
#   want ID RESULT        check: the operation printed result=RESULT
#   rec ID PATTERN...     run: wait for the record; check: a decision
#                         record with the operation's pid contains every
#                         PATTERN (fixed strings such as '"rule":"deny-raw"')
#                         and "enforced":true
#   norec ID              check: no deny or would-deny record for its pid
#   running / checking    true in that phase, for anything else
#
# Records are matched with grep: the log has one JSON object per line
# and no spaces after ':' or ','.

BW=/bin/bulwark
T=/tmp/bwvm
RULES=/rules
# Seconds for bulwark to load and attach under TCG (run.sh passes
# BW_VM_READY_TIMEOUT on the kernel command line, which the kernel hands
# to init as an environment variable).
READY_TIMEOUT=${BWVM_READY_TIMEOUT:-180}
STOP_TIMEOUT=60		# seconds for bulwark to exit after SIGTERM
LOG_WAIT=20		# seconds to wait for an expected record
OP_TIMEOUT=30		# seconds for one operation
mkdir -p $T

# ---------------------------------------------------------------- helpers

# Centiseconds of uptime; secs CS prints CS as seconds.
now_cs() {
	local up s c
	read -r up _ </proc/uptime
	s=${up%.*}
	c=${up#*.}
	c=${c#0}
	echo $((s * 100 + c))
}
secs() { echo "$(($1 / 100)).$(($1 % 100 / 10))"; }
since() { secs $(($(now_cs) - $1)); }

# Text on one line, at most $1 characters.
oneline() {
	local t
	t=$(tr '\n\r\t' '   ' | sed 's/  */ /g; s/^ //; s/ $//' | cut -c "1-${1:-300}")
	echo "${t:-(empty)}"
}

# Is process $1 running (not gone, not a zombie)?
alive() {
	local st
	st=$(cut -d ' ' -f 3 "/proc/$1/stat" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}

# wait_until SECONDS CMD...: poll CMD every 0.2 s; false on timeout.
wait_until() {
	local n=$(($1 * 5))
	shift
	while ! "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.2
	done
}

running() { [ "$PHASE" = run ]; }
checking() { [ "$PHASE" = check ]; }

WHY=
why() { WHY="${WHY:+$WHY; }$*"; }

report() {
	if [ -z "$WHY" ]; then
		echo "PASS: vm/$1"
	else
		echo "FAIL: vm/$1: $WHY"
	fi
}

# Saved state of an operation: $T/GROUP.SCENARIO.ID.{cmd,out,rc,...}
f() { echo "$T/$GROUP.$SCEN.$1.$2"; }

op() {
	local id="$1"
	shift
	running || return 0
	echo "$*" >"$(f "$id" cmd)"
	timeout "$OP_TIMEOUT" "$@" >"$(f "$id" out)" 2>&1
	echo $? >"$(f "$id" rc)"
}
op_cmd() { cat "$(f "$1" cmd)" 2>/dev/null; }
op_pid() { sed -n 's/^pid=\([0-9][0-9]*\)$/\1/p' "$(f "$1" out)" 2>/dev/null | head -n 1; }
op_res() { sed -n 's/^result=//p' "$(f "$1" out)" 2>/dev/null | tail -n 1; }
op_step() { sed -n 's/^step=//p' "$(f "$1" out)" 2>/dev/null | tail -n 1; }

want() {
	local r step
	checking || return 0
	r=$(op_res "$1")
	[ "$r" = "$2" ] && return 0
	step=$(op_step "$1")
	if [ -z "$r" ]; then
		why "'$(op_cmd "$1")': expected result $2, got no result (exit status $(cat "$(f "$1" rc)" 2>/dev/null); output: $(oneline 160 <"$(f "$1" out)"))"
	else
		why "'$(op_cmd "$1")': expected $2, got $r${step:+ from $step}"
	fi
	return 1
}

# recs PID [PATTERN...]: the decision records of PID containing every PATTERN
recs() {
	local pid="$1" p
	shift
	grep -F -e "\"pid\":$pid," -e "\"pid\":$pid}" "$LOG" 2>/dev/null |
		grep -F '"type":"decision"' >"$T/recs"
	for p in "$@"; do
		grep -F -e "$p" "$T/recs" >"$T/recs.1"
		mv "$T/recs.1" "$T/recs"
	done
	cat "$T/recs"
}
has_recs() { [ -n "$(recs "$@" | head -n 1)" ]; }
ndecisions() {
	if [ -f "$LOG" ]; then grep -c '"type":"decision"' "$LOG"; else echo 0; fi
}

# fold_counts RECS: "FULL FOLDED SUMMED" for one process's records in the
# file RECS ([log] repeat): its deny records, the decisions those say were
# folded before them, and the decisions repeat records sum up
fold_counts() {
	awk '{ n = match($0, /"folded":[0-9]+/) ? substr($0, RSTART + 9, RLENGTH - 9) : 0 }
		/"type":"decision"/ { folded += n; if (/"decision":"deny"/) full++ }
		/"type":"repeat"/ { summed += n }
		END { print full + 0, folded + 0, summed + 0 }' "$1"
}

# Once an expected record failed to appear, do not wait as long for the
# next ones: the engine is probably not logging at all.
LOG_WAIT_NOW=$LOG_WAIT

# Every record expected here comes from an LSM hook: "enforced":true
# (the audit-only fallback without BPF LSM writes false).
rec() {
	local id="$1" pid have
	shift
	# shellcheck disable=SC2089  # the quotes are part of the pattern
	case "$*" in
	*'"enforced":'*) ;;	# the scenario says which
	*) set -- "$@" '"enforced":true' ;;
	esac
	pid=$(op_pid "$id")
	if running; then
		[ -n "$pid" ] || return 0
		if ! wait_until "$LOG_WAIT_NOW" has_recs "$pid" "$@"; then
			LOG_WAIT_NOW=2
		fi
		return 0
	fi
	if [ -z "$pid" ]; then
		why "'$(op_cmd "$id")' printed no pid, cannot look for its record"
		return 1
	fi
	has_recs "$pid" "$@" && return 0
	have=$(recs "$pid" | head -n 1)
	if [ -n "$have" ]; then
		have=$(echo "$have" | oneline 240)
		why "no record with $* for '$(op_cmd "$id")' (pid $pid); a record of that pid: $have"
	else
		why "no record with $* for '$(op_cmd "$id")' (pid $pid); no record has that pid ($(ndecisions) decision records in $LOG)"
	fi
	return 1
}

norec() {
	local pid bad
	checking || return 0
	pid=$(op_pid "$1")
	[ -n "$pid" ] || return 0	# want() reports the missing output
	bad=$( (recs "$pid" '"decision":"deny"'; recs "$pid" '"decision":"would-deny"') |
		head -n 1)
	[ -z "$bad" ] && return 0
	why "unexpected record for '$(op_cmd "$1")' (pid $pid): $(echo "$bad" | oneline 240)"
	return 1
}

# rec_without ID PATTERN: no decision record of ID's process has PATTERN
rec_without() {
	local pid bad
	checking || return 0
	pid=$(op_pid "$1")
	[ -n "$pid" ] || return 0
	bad=$(recs "$pid" "$2" | head -n 1)
	[ -z "$bad" ] && return 0
	why "record of '$(op_cmd "$1")' (pid $pid) has $2: $(echo "$bad" | oneline 240)"
	return 1
}

# Victims of the signal scenarios: a copy of bwtest sleeping.  Wait until
# it runs under its own name, else a kill could reach the forked shell.
start_victim() {	# start_victim ID COMM
	running || return 0
	"/bin/$2" sleep 600 >/dev/null 2>&1 &
	echo $! >"$(f "$1" victim)"
	wait_until 10 grep -qx "$2" "/proc/$!/comm" ||
		echo "died or did not start" >"$(f "$1" victim-why)"
}
victim() { cat "$(f "$1" victim)" 2>/dev/null; }

# end_victim ID alive|dead: (run) record whether it is alive, kill it;
# (check) complain if it was not in the expected state.
end_victim() {
	local v st
	v=$(victim "$1")
	if running; then
		[ -n "$v" ] || return 0
		if [ "$2" = dead ]; then
			wait_until 10 eval "! alive $v"
		fi
		if alive "$v"; then st=alive; else st=dead; fi
		echo "$st" >"$(f "$1" victim-state)"
		kill -KILL "$v" 2>/dev/null
		wait "$v" 2>/dev/null
		return 0
	fi
	if [ -s "$(f "$1" victim-why)" ]; then
		why "victim $v $(cat "$(f "$1" victim-why)")"
		return 1
	fi
	st=$(cat "$(f "$1" victim-state)" 2>/dev/null)
	[ "$st" = "$2" ] && return 0
	why "victim $v should be $2 after the signal, is ${st:-unknown}"
	return 1
}

# Remove whatever the scenarios left mounted under /mnt.
clean_mounts() {
	local d
	for d in /mnt/*; do
		while umount "$d" 2>/dev/null; do :; done
	done
}

# ---------------------------------------------------------------- engine

ENGINE_PID=
engine_start() {	# engine_start MODE RULES...: sets ENGINE_WHY on failure
	local mode="$1" args="" r t0 rc
	shift
	for r in "$@"; do args="$args --rules $r"; done
	READY=$T/$GROUP.ready
	ERR=$T/$GROUP.stderr
	rm -f "$READY"
	[ -n "${KEEP_LOG:-}" ] || rm -f "$LOG"	# KEEP_LOG: a restart appends
	t0=$(now_cs)
	# ENGINE_CONF: a policy file under the options (its [log] keys)
	[ -z "${ENGINE_CONF:-}" ] || args="$args --config $ENGINE_CONF"
	# shellcheck disable=SC2086,SC2090
	$BW run $args --log "$LOG" --mode "$mode" --ready-file "$READY" \
		>"$ERR" 2>&1 &
	ENGINE_PID=$!
	ENGINE_WHY=
	while [ ! -e "$READY" ]; do
		if ! alive "$ENGINE_PID"; then
			wait "$ENGINE_PID"
			rc=$?
			ENGINE_WHY="bulwark exited with status $rc before creating the ready file; stderr: $(oneline 400 <"$ERR")"
			ENGINE_PID=
			return 1
		fi
		if [ $(($(now_cs) - t0)) -gt $((READY_TIMEOUT * 100)) ]; then
			ENGINE_WHY="bulwark was not ready after ${READY_TIMEOUT}s; stderr: $(oneline 400 <"$ERR")"
			kill -KILL "$ENGINE_PID" 2>/dev/null
			wait "$ENGINE_PID"
			ENGINE_PID=
			return 1
		fi
		sleep 0.2
	done
	echo "INFO: $GROUP: bulwark ready after $(since "$t0")s"
}

# With on_exit = keep (unset: keep in enforce mode) the programs outlive
# the engine: each group starts without them, unless PIN_KEEP is set.
unpin() {
	local b
	for b in $(ls /sys/fs/bpf/bulwark 2>/dev/null | grep -E '^[0-9a-f]{16}$'); do
		rm -rf "/sys/fs/bpf/bulwark/$b"
	done
}

engine_stop() {		# sets STOP_WHY on failure
	local t0 rc
	STOP_WHY=
	if [ -z "$ENGINE_PID" ]; then
		STOP_WHY="bulwark did not start (see vm/$GROUP-start)"
		return
	fi
	if ! alive "$ENGINE_PID"; then
		wait "$ENGINE_PID"
		STOP_WHY="bulwark exited by itself (status $?) before SIGTERM; stderr: $(oneline 400 <"$ERR")"
		ENGINE_PID=
		return
	fi
	t0=$(now_cs)
	kill -TERM "$ENGINE_PID"
	if ! wait_until "$STOP_TIMEOUT" eval "! alive $ENGINE_PID"; then
		STOP_WHY="bulwark still running ${STOP_TIMEOUT}s after SIGTERM (killed)"
		kill -KILL "$ENGINE_PID"
	fi
	wait "$ENGINE_PID"
	rc=$?
	echo "INFO: $GROUP: bulwark exited (status $rc) $(since "$t0")s after SIGTERM"
	[ -n "${PIN_KEEP:-}" ] || unpin
	if [ -z "$STOP_WHY" ] && [ $rc -ne 0 ]; then
		STOP_WHY="bulwark exited with status $rc after SIGTERM, expected 0; stderr: $(oneline 400 <"$ERR")"
	fi
	if [ -e "$READY" ]; then
		STOP_WHY="${STOP_WHY:+$STOP_WHY; }the ready file $READY is still there"
	fi
	ENGINE_PID=
}

# Put the engine's stderr and log on the console (not in the results).
engine_dump() {
	echo "INFO: $GROUP: $(ndecisions) decision records, $(if [ -f "$LOG" ]; then wc -l <"$LOG"; else echo 0; fi) log lines"
	sed -n '1,100s/^/bw-stderr: /p' "$ERR" 2>/dev/null
	sed -n '1,300s/^/bw-log: /p' "$LOG" 2>/dev/null
}

sc_fn() { echo "sc_$1" | tr - _; }

# group NAME MODE RULES SCENARIO...: one engine run (see the top).
group() {
	local mode="$2" rules="$3" s t0
	GROUP=$1
	shift 3
	LOG=$T/$GROUP.log
	ERR=$T/$GROUP.stderr
	LOG_WAIT_NOW=$LOG_WAIT
	t0=$(now_cs)
	clean_mounts
	echo "INFO: $GROUP: starting bulwark --mode $mode --rules $rules"
	echo "RUN: vm/$GROUP-start"
	ENGINE_PID=
	ENGINE_WHY=$BWVM_LSM_WHY
	[ -n "$ENGINE_WHY" ] || engine_start "$mode" "$rules"
	WHY=$ENGINE_WHY
	report "$GROUP-start"
	if [ -n "$ENGINE_WHY" ]; then
		# Nothing to run: every scenario fails for the same reason.
		for s in "$@"; do
			echo "RUN: vm/$s"
			WHY=${BWVM_LSM_WHY:-"bulwark did not start (see vm/$GROUP-start)"}
			report "$s"
		done
	else
		PHASE=run
		for s in "$@"; do
			echo "RUN: vm/$s"
			SCEN=$s
			"$(sc_fn "$s")"
		done
		sleep 1		# let the last records reach the log
	fi
	engine_stop
	if [ -z "$ENGINE_WHY" ]; then
		PHASE=check
		for s in "$@"; do
			WHY=
			SCEN=$s
			"$(sc_fn "$s")"
			report "$s"
		done
	fi
	echo "RUN: vm/$GROUP-stop"
	WHY=$STOP_WHY
	[ -z "$BWVM_LSM_WHY" ] || WHY=$BWVM_LSM_WHY
	report "$GROUP-stop"
	engine_dump
	clean_mounts
	echo "INFO: $GROUP: done in $(since "$t0")s"
}

# solo NAME: a scenario without the engine.
solo() {
	GROUP=$1
	SCEN=$1
	LOG=/dev/null
	echo "RUN: vm/$1"
	PHASE=run
	"$(sc_fn "$1")"
	PHASE=check
	WHY=
	"$(sc_fn "$1")"
	report "$1"
}

# ---------------------------------------------------------------- scenarios

mkdir -p /mnt/base /mnt/deny /mnt/busy /mnt/bind /mnt/ok /mnt/other \
	/mnt/other-bind /tmp/bindsrc

sc_bpf_lsm() {
	checking || return 0
	[ -z "$BWVM_LSM_WHY" ] || why "$BWVM_LSM_WHY"
}

# Every operation succeeds as root without the engine, so failures later
# come from bulwark.
sc_baseline() {
	op raw /bin/bwtest raw-socket;				want raw OK
	op shm /bin/bwtest shm;					want shm OK
	op msg /bin/bwtest msg;					want msg OK
	op sem /bin/bwtest sem;					want sem OK
	op mount /bin/bwtest mount-tmpfs /mnt/base;		want mount OK
	op umount /bin/bwtest umount /mnt/base;			want umount OK
	op bind /bin/bwtest bind /tmp/bindsrc /mnt/base;	want bind OK
	op unbind /bin/bwtest umount /mnt/base;			want unbind OK
	start_victim kill bwvictim
	op kill /bin/bwtest kill "$(victim kill)" SIGUSR1;	want kill OK
	end_victim kill dead
	op exec /bin/bwtest exec /opt/bw/no ok;			want exec OK
	op alice /bin/bwtest as-uid 1000 1000 /bin/bwtest shm;	want alice OK
	op gid /bin/bwtest as-uid 0 1000 /bin/bwtest raw-socket; want gid OK
	op other /bin/bwother raw-socket;			want other OK
}

# The engine binary and its libraries are in place (the loader exits 127
# when a library is missing).
sc_engine_runs() {
	local rc
	checking || return 0
	timeout "$OP_TIMEOUT" $BW --help >"$T/help.out" 2>&1
	rc=$?
	if [ $rc -eq 126 ] || [ $rc -eq 127 ] ||
		grep -q 'error while loading shared libraries' "$T/help.out"; then
		why "'$BW --help' exited $rc: $(oneline 300 <"$T/help.out")"
	fi
	# For debugging, what the engine says about this kernel (console only).
	timeout 120 $BW version >"$T/version.out" 2>&1
	sed 's/^/bw-version: /' "$T/version.out"
}

# ---- capable: socket(AF_INET, SOCK_RAW) needs CAP_NET_RAW
sc_capable_deny() {
	op c /bin/bwtest raw-socket
	want c EPERM
	rec c '"event":"capable"' '"decision":"deny"' '"rule":"deny-raw"' \
		'"capability":"cap_net_raw"' '"exec_id":"' \
		'"ancestors":[{"pid":1,"exec_id":"1-' '"comm":"init"'
}
sc_capable_unnamed() {
	op c /bin/bwother raw-socket
	want c OK
	norec c
}
sc_capable_allow_first() {
	# uid 0 with gid 1000: [allow-raw-gid1000] comes before [deny-raw]
	op c /bin/bwtest as-uid 0 1000 /bin/bwtest raw-socket
	want c OK
	norec c
}
sc_capable_audit() {
	op c /bin/bwtest raw-socket
	want c OK
	rec c '"event":"capable"' '"decision":"would-deny"' '"rule":"deny-raw"' \
		'"capability":"cap_net_raw"'
}

# ---- ipc: shmat, msgsnd and semop
sc_ipc_deny() {
	local k
	for k in shm msg sem; do
		op $k /bin/bwtest $k
		want $k EACCES
		rec $k '"event":"ipc"' '"decision":"deny"' '"rule":"deny-ipc"' \
			"\"kind\":\"$k\""
	done
}
# the same kinds through the 32-bit entry point, by an unprivileged user:
# the direct call and the ipc() multiplexer
sc_ipc_deny_ia32() {
	local h
	for h in direct ipc; do
		op $h /bin/bwtest as-uid 2000 2000 /bin/bwtest shm32 $h
		want $h EACCES
		rec $h '"event":"ipc"' '"decision":"deny"' '"rule":"deny-ipc"' '"kind":"shm"'
	done
}
sc_ipc_unnamed() {
	local k
	for k in shm msg sem; do
		op $k /bin/bwother $k
		want $k OK
		norec $k
	done
}
sc_ipc_allow_first() {
	# as alice: [allow-ipc-alice] comes before [deny-ipc]
	local k
	for k in shm msg sem; do
		op $k /bin/bwtest as-uid 1000 1000 /bin/bwtest $k
		want $k OK
		norec $k
	done
}
sc_ipc_audit() {
	local k
	for k in shm msg sem; do
		op $k /bin/bwtest $k
		want $k OK
		rec $k '"event":"ipc"' '"decision":"would-deny"' \
			'"rule":"deny-ipc"' "\"kind\":\"$k\""
	done
}

# ---- the tracepoint fallback (group tracepoints): i386's IPC and mount
# calls, which the syscall tracepoints never see, audited all the same
sc_tp_ipc_ia32() {
	local h
	for h in attach ipc-attach; do
		op $h /bin/bwtest shm32 $h
		want $h OK
		rec $h '"event":"ipc"' '"decision":"would-deny"' '"rule":"deny-ipc"' \
			'"kind":"shm"' '"access":"read"' '"enforced":false'
	done
}
sc_tp_mount_ia32() {
	op mount /bin/bwtest mount32 /mnt/deny
	want mount OK
	rec mount '"event":"mount"' '"decision":"would-deny"' '"rule":"deny-mount"' \
		'"op":"mount"' '"fstype":"tmpfs"' '"target":"/mnt/deny"' '"enforced":false'
	running && clean_mounts
}

# ---- mount: mount, umount and bind under /mnt/
sc_mount_deny() {
	running && mount -t tmpfs tmpfs /mnt/busy
	op mount /bin/bwtest mount-tmpfs /mnt/deny
	want mount EPERM
	rec mount '"event":"mount"' '"decision":"deny"' '"rule":"deny-mount"' \
		'"op":"mount"' '"fstype":"tmpfs"' '"target":"/mnt/deny"'
	op umount /bin/bwtest umount /mnt/busy
	want umount EPERM
	rec umount '"event":"mount"' '"decision":"deny"' '"rule":"deny-mount"' \
		'"op":"umount"' '"target":"/mnt/busy"'
	op bind /bin/bwtest bind /tmp/bindsrc /mnt/bind
	want bind EPERM
	rec bind '"event":"mount"' '"decision":"deny"' '"rule":"deny-mount"' \
		'"op":"bind"' '"target":"/mnt/bind"'
	running && clean_mounts
}
sc_mount_unnamed() {
	op mount /bin/bwother mount-tmpfs /mnt/other;		want mount OK
	op umount /bin/bwother umount /mnt/other;		want umount OK
	op bind /bin/bwother bind /tmp/bindsrc /mnt/other-bind;	want bind OK
	op unbind /bin/bwother umount /mnt/other-bind;		want unbind OK
	norec mount
	norec umount
	norec bind
	norec unbind
	running && clean_mounts
}
sc_mount_allow_first() {
	# [allow-mount-ok] for /mnt/ok comes before [deny-mount] for /mnt/
	op mount /bin/bwtest mount-tmpfs /mnt/ok;		want mount OK
	op umount /bin/bwtest umount /mnt/ok;			want umount OK
	norec mount
	norec umount
	running && clean_mounts
}
sc_mount_audit() {
	op mount /bin/bwtest mount-tmpfs /mnt/deny
	want mount OK
	rec mount '"event":"mount"' '"decision":"would-deny"' \
		'"rule":"deny-mount"' '"op":"mount"' '"target":"/mnt/deny"'
	op umount /bin/bwtest umount /mnt/deny
	want umount OK
	rec umount '"event":"mount"' '"decision":"would-deny"' \
		'"rule":"deny-mount"' '"op":"umount"' '"target":"/mnt/deny"'
	op bind /bin/bwtest bind /tmp/bindsrc /mnt/bind
	want bind OK
	rec bind '"event":"mount"' '"decision":"would-deny"' \
		'"rule":"deny-mount"' '"op":"bind"' '"target":"/mnt/bind"'
	running && clean_mounts
}

# ---- signal: SIGUSR1 to a sleeping copy of bwtest
sc_signal_deny() {
	start_victim k bwvictim
	op k /bin/bwtest kill "$(victim k)" SIGUSR1
	want k EPERM
	rec k '"event":"signal"' '"decision":"deny"' '"rule":"deny-signal"' \
		'"signal":"SIGUSR1"' "\"target_pid\":$(victim k)"
	end_victim k alive
}
sc_signal_unnamed() {
	start_victim k bwvictim
	op k /bin/bwother kill "$(victim k)" SIGUSR1
	want k OK
	norec k
	end_victim k dead
}
sc_signal_allow_first() {
	# [allow-signal-friend] (target bwfriend) comes before [deny-signal]
	start_victim k bwfriend
	op k /bin/bwtest kill "$(victim k)" SIGUSR1
	want k OK
	norec k
	end_victim k dead
}
sc_signal_audit() {
	start_victim k bwvictim
	op k /bin/bwtest kill "$(victim k)" SIGUSR1
	want k OK
	rec k '"event":"signal"' '"decision":"would-deny"' \
		'"rule":"deny-signal"' '"signal":"SIGUSR1"' \
		"\"target_pid\":$(victim k)"
	end_victim k dead
}

# ---- exec: /opt/bw/no and /opt/bw/ok are copies of bwtest
sc_exec_deny() {
	# the denied program's command line, read in bprm_check_security
	# from the caller's argv (the extra argument is never run)
	op x /bin/bwtest exec /opt/bw/no ok "two words"
	want x EPERM
	rec x '"event":"exec"' '"decision":"deny"' '"rule":"deny-exec"' \
		'"path":"/opt/bw/no"' '"argv":["/opt/bw/no","ok","two words"]'
	# the same through the 32-bit entry point: 4-byte argv pointers
	op y /bin/bwtest exec32 /opt/bw/no ok "two words"
	want y EPERM
	rec y '"event":"exec"' '"decision":"deny"' '"rule":"deny-exec"' \
		'"path":"/opt/bw/no"' '"argv":["/opt/bw/no","ok","two words"]'
}
sc_exec_unnamed() {
	op x /bin/bwother exec /opt/bw/no ok
	want x OK
	norec x
}
sc_exec_allow_first() {
	# [allow-exec-ok] for /opt/bw/ok comes before [deny-exec] for /opt/bw/
	op x /bin/bwtest exec /opt/bw/ok ok
	want x OK
	norec x
}
sc_exec_audit() {
	op x /bin/bwtest exec /opt/bw/no ok
	want x OK
	rec x '"event":"exec"' '"decision":"would-deny"' '"rule":"deny-exec"' \
		'"path":"/opt/bw/no"' '"argv":["/opt/bw/no","ok"]'
}

# ---- 4,096 capable rules (gen-many.sh): only the last one matches
sc_many_capable_deny() {
	local line
	line=$(grep -n '^\[many-deny-raw\]' $RULES/many.rules | cut -d : -f 1)
	op c /bin/bwtest raw-socket
	want c EPERM
	rec c '"event":"capable"' '"decision":"deny"' '"rule":"many-deny-raw"' \
		"\"rule_at\":\"$RULES/many.rules:$line\""
}
sc_many_capable_unnamed() {
	op c /bin/bwother raw-socket
	want c OK
	norec c
}
sc_many_exec_deny() {
	op x /bin/bwtest exec /opt/bw/no ok
	want x EPERM
	rec x '"event":"exec"' '"decision":"deny"' '"rule":"many-deny-exec"'
	op ok /bin/bwtest exec /opt/bw/ok ok
	want ok OK
	norec ok
}

# ---- subject keys: container (from the cgroup name), cgroup prefix, exe
# The cgroups exist before the engine starts: rules resolve them at load.
CTR_ID=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
CTR_CG=/sys/fs/cgroup/system.slice/docker-$CTR_ID.scope
SLICE_CG=/sys/fs/cgroup/bwtest.slice/inner.scope
# LXC containers named bwlxc1 (a cgroup nested in it, as under systemd)
# and bwlxc2
LXC_CG=/sys/fs/cgroup/lxc.payload.bwlxc1/system.slice/app.service
LXC2_CG=/sys/fs/cgroup/lxc.payload.bwlxc2
mkdir -p "$CTR_CG" "$SLICE_CG" "$LXC_CG" "$LXC2_CG"

# in_cgroup DIR CMD...: run CMD as a member of cgroup DIR (a script, so
# that op can run it under timeout)
cat >$T/in_cgroup <<'EOS'
#!/bin/sh
echo $$ >"$1/cgroup.procs" || exit 1
shift
exec "$@"
EOS
chmod +x $T/in_cgroup

sc_subject_container() {
	op in $T/in_cgroup "$CTR_CG" /bin/bwctr raw-socket
	want in EPERM
	rec in '"decision":"deny"' '"rule":"deny-raw-in-container"' \
		'"container":"0123456789ab"'
	op out /bin/bwctr raw-socket
	want out OK
	norec out
}
# container = bwlxc1: a rule naming an LXC container matches it, from a
# nested cgroup too, and not another LXC container (which container = any
# still denies)
sc_subject_container_name() {
	op in $T/in_cgroup "$LXC_CG" /bin/bwctr raw-socket
	want in EPERM
	rec in '"decision":"deny"' '"rule":"deny-raw-in-lxc-by-name"' \
		'"container":"bwlxc1"'
	op other $T/in_cgroup "$LXC2_CG" /bin/bwctr raw-socket
	want other EPERM
	rec other '"decision":"deny"' '"rule":"deny-raw-in-container"' \
		'"container":"bwlxc2"'
}
sc_subject_cgroup() {
	op in $T/in_cgroup "$SLICE_CG" /bin/bwcg raw-socket
	want in EPERM
	rec in '"decision":"deny"' '"rule":"deny-raw-in-slice"'
	op out /bin/bwcg raw-socket
	want out OK
	norec out
}
sc_subject_exe() {
	op in /opt/bw/no raw-socket
	want in EPERM
	rec in '"decision":"deny"' '"rule":"deny-raw-by-exe"' '"exe":"/opt/bw/no"'
	op out /bin/bwother raw-socket
	want out OK
	norec out
}

# The subject's pidns is the pid namespace the process lives in, not the
# one its children would get: after unshare(CLONE_NEWPID) without a fork
# the two differ (as in the tracers' records).
sc_subject_pidns() {
	local ns
	running && ln -sf /bin/bwtest $T/bwpidns
	op p unshare -p $T/bwpidns pidns-raw-socket
	want p EPERM
	ns=$(sed -n 's/^pidns=//p' "$(f p out)" 2>/dev/null)
	if [ -z "$ns" ]; then
		checking && why "'$(op_cmd p)' printed no pidns"
		return
	fi
	# (pid_for_children cannot be read before the new namespace has an init)
	rec p '"rule":"deny-raw-pidns"' "\"pidns\":$ns,"
}

# ---- syscall rules: each enforcement method
# want_killed ID: the operation died of SIGKILL (timeout passes 128+9 on)
want_killed() {
	local rc
	checking || return 0
	rc=$(cat "$(f "$1" rc)" 2>/dev/null)
	[ "$rc" = 137 ] && return 0
	why "'$(op_cmd "$1")': expected death by SIGKILL (status 137), got status $rc, result $(op_res "$1")"
	return 1
}

sc_syscall_lsm_deny() {
	op c /bin/bwtest chroot /
	want c EACCES
	rec c '"event":"syscall"' '"decision":"deny"' '"rule":"deny-chroot"' \
		'"name":"chroot"' '"method":"lsm"' '"errno":"EACCES"'
	op o /bin/bwother chroot /
	want o OK
	norec o
}
sc_syscall_ia32_deny() {
	op c /bin/bwtest chroot32 /
	want c EACCES
	rec c '"decision":"deny"' '"rule":"deny-chroot"' '"name":"ia32:chroot"' \
		'"arch":"i386"'
}
sc_syscall_lsm_kill() {
	op k /bin/bwkill raw-socket
	want_killed k
	rec k '"decision":"kill"' '"rule":"kill-socket"' '"method":"lsm+kill"'
}
sc_syscall_entry_kill() {
	op k /bin/bwkill uname
	want_killed k
	rec k '"decision":"kill"' '"rule":"kill-uname"' '"method":"kill-at-entry"' \
		'"enforced":false'
}
# through i386's multiplexers, as an unprivileged user
sc_syscall_mux32_kill() {
	op s /bin/bwtest as-uid 1000 1000 /bin/bwkill socketcall32-connect
	want_killed s
	rec s '"decision":"kill"' '"rule":"kill-mux32"' '"name":"ia32:connect"' \
		'"method":"kill-at-entry"' '"enforced":false'
	op i /bin/bwtest as-uid 1000 1000 /bin/bwkill shm32 ipc
	want_killed i
	rec i '"decision":"kill"' '"rule":"kill-mux32"' '"name":"ia32:shmctl"' \
		'"method":"kill-at-entry"' '"enforced":false'
}
sc_syscall_unguarded_deny() {
	# no hook guards uname: the call succeeds, the record says would-deny
	op u /bin/bwtest uname
	want u OK
	rec u '"decision":"would-deny"' '"rule":"deny-uname"' '"method":"audit"' \
		'"enforced":false'
}
sc_syscall_audit() {
	op a /bin/bwtest getppid
	want a OK
	rec a '"decision":"audit"' '"rule":"audit-getppid"' '"name":"getppid"' \
		'"enforced":false'
}

# io_uring: an unprivileged user's ring makes no socket() or openat() call
sc_syscall_uring() {
	op s /bin/bwtest as-uid 1000 1000 /bin/bwuring raw-socket
	want s EACCES
	rec s '"decision":"deny"' '"rule":"deny-socket-uring"' '"name":"socket"'
	rec_without s '"via":'
	op u /bin/bwtest as-uid 1000 1000 /bin/bwuring uring-socket
	want u EACCES
	rec u '"decision":"deny"' '"rule":"deny-socket-uring"' '"name":"socket"' \
		'"method":"lsm"' '"errno":"EACCES"' '"via":"io_uring"'
	op o /bin/bwtest as-uid 1000 1000 /bin/bwuring uring-openat /etc/passwd
	want_killed o
	rec o '"decision":"kill"' '"rule":"kill-openat-uring"' '"name":"openat"' \
		'"method":"kill-at-entry"' '"via":"io_uring"' '"enforced":false'
	# and through the 32-bit entry point: i386's socket and socketcall()
	op s32 /bin/bwtest as-uid 1000 1000 /bin/bwuring socket32 direct
	want s32 EACCES
	rec s32 '"decision":"deny"' '"rule":"deny-socket-uring"' '"name":"ia32:socket"'
	rec_without s32 '"via":'
	op sc32 /bin/bwtest as-uid 1000 1000 /bin/bwuring socket32 socketcall
	want sc32 EACCES
	rec sc32 '"decision":"deny"' '"rule":"deny-socket-uring"' '"name":"ia32:socket"'
	rec_without sc32 '"via":'
	# run by an io-wq worker (IOSQE_ASYNC): socket_create in the worker
	op as /bin/bwtest as-uid 1000 1000 /bin/bwuring uring-socket async
	want as EACCES
	rec as '"decision":"deny"' '"rule":"deny-socket-uring"' '"name":"socket"' \
		'"via":"io_uring"'
	# the same submitted by the ring's SQPOLL thread, not by the process
	op qs /bin/bwtest as-uid 1000 1000 /bin/bwuring uring-socket sqpoll
	want qs EACCES
	rec qs '"decision":"deny"' '"rule":"deny-socket-uring"' '"comm":"iou-sqp-' \
		'"via":"io_uring"'
	op qo /bin/bwtest as-uid 1000 1000 /bin/bwuring uring-openat /etc/passwd sqpoll
	want_killed qo
	rec qo '"decision":"kill"' '"rule":"kill-openat-uring"' '"via":"io_uring"' \
		'"comm":"iou-sqp-' '"enforced":false'
}

# The verifier's work per program (fdinfo verified_insns) is what loading
# costs: a change that makes one walk a loop per word or per state (as
# c3749bf undid, 55,000-65,000 a program) fails here, not only in the bench.
VERIFIER_MAX=40000
sc_verifier_work() {
	local n max
	if running; then
		awk '/^verified_insns:/ { print $2 }' /proc/"$ENGINE_PID"/fdinfo/* \
			>"$(f v insns)" 2>/dev/null
		return 0
	fi
	n=$(wc -l <"$(f v insns)")
	max=$(sort -n "$(f v insns)" | tail -n 1)
	[ "$n" -ge 10 ] || { why "only $n programs' verified_insns read"; return 1; }
	[ "$max" -le $VERIFIER_MAX ] ||
		why "a program verified in $max instructions (at most $VERIFIER_MAX)"
	echo "INFO: verifier-work: $n programs, at most $max instructions, $(awk '{ s += $1 } END { print s }' "$(f v insns)") in all"
}

# ---- bulwark exec: the seccomp filter covers the 32-bit entry point
printf '%s\n' '[deny-chroot-exec]' 'event = syscall' 'action = deny' \
	'syscall = chroot' 'errno = EPERM' 'comm = bwtest' >$T/exec.rules
sc_exec_seccomp_ia32() {
	op c $BW exec --rules $T/exec.rules --log $T/exec.log -- /bin/bwtest chroot32 /
	want c EPERM
	op n $BW exec --rules $T/exec.rules --log $T/exec.log -- /bin/bwtest chroot /
	want n EPERM
	op o /bin/bwtest chroot32 /
	want o OK
}

# ---- bulwark replay: the rules that wrote a log, replayed on it, change
# nothing (same compiled policy, same lookup as the kernel)
sc_replay_enforce() {
	checking || return 0
	replay_same enforce vm.rules
}
sc_replay_syscall() {
	checking || return 0
	replay_same syscall syscall.rules
}
replay_same() {		# replay_same GROUP RULES
	local out rc
	out=$($BW replay --rules "$RULES/$2" "$T/$1.log" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] &&
	   echo "$out" | grep -Eq '[1-9][0-9]* decision records, [1-9][0-9]* replayed, 0 would change'; then
		return 0
	fi
	why "replay of the $1 log with $2: exit $rc: $(echo "$out" | oneline 300)"
}

# ---- tracers-lsm: `bulwark trace capable` and `bulwark trace ipc` with
# what only this kernel has (fexit, kprobes, BPF LSM), beside an engine
# that refuses CAP_CHOWN to bwtrcap (rules/tracers.rules)
TRC=/bin/bwtrcap	# comm bwtrcap: a name only these scenarios use
ln -sf bwtest $TRC
TRC_FILE=/tmp/bwtr.file
TRC_KEY=7340000		# bwtest ipc-keys: shm, msg, sem at KEY, KEY+1, KEY+2

trc_settled() { grep -q "bulwark: tracing" "$2" 2>/dev/null || ! alive "$1"; }

# trc_start ID ARGS...: (run) `bulwark trace ARGS -j` in the background,
# until it is attached or has exited
trc_start() {
	local id=$1 pid t0
	shift
	running || return 0
	echo "$*" >"$(f "$id" trace-args)"
	t0=$(now_cs)
	$BW trace "$@" -j >"$(f "$id" trace)" 2>"$(f "$id" trace-err)" &
	pid=$!
	echo $pid >"$(f "$id" trace-pid)"
	if ! wait_until "$READY_TIMEOUT" trc_settled $pid "$(f "$id" trace-err)"; then
		echo "not tracing after ${READY_TIMEOUT}s" >"$(f "$id" trace-why)"
	elif ! alive $pid; then
		wait $pid
		echo "exited with status $? before tracing" >"$(f "$id" trace-why)"
	else
		echo "INFO: $GROUP: bulwark trace $* attached after $(since "$t0")s"
	fi
}

# trc_stop ID: (run) SIGINT, the exit status; (check) it was tracing and exited 0
trc_stop() {
	local pid rc
	pid=$(cat "$(f "$1" trace-pid)" 2>/dev/null)
	if running; then
		[ -n "$pid" ] || return 0
		sleep 1		# the last records through the ring buffer
		kill -INT "$pid" 2>/dev/null
		wait_until 30 eval "! alive $pid" || kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		echo $? >"$(f "$1" trace-rc)"
		sed "s/^/bw-trace-$1: /" "$(f "$1" trace)" "$(f "$1" trace-err)" | head -n 60
		return 0
	fi
	if [ -s "$(f "$1" trace-why)" ]; then
		why "bulwark trace $(cat "$(f "$1" trace-args)") $(cat "$(f "$1" trace-why)"): $(oneline 300 <"$(f "$1" trace-err)")"
		return 1
	fi
	rc=$(cat "$(f "$1" trace-rc)" 2>/dev/null)
	[ "$rc" = 0 ] && return 0
	why "bulwark trace $(cat "$(f "$1" trace-args)") exited with status ${rc:-unknown} after SIGINT: $(oneline 300 <"$(f "$1" trace-err)")"
	return 1
}

# trc_rec ID PID PATTERN...: (check) the tracer wrote a record of PID with
# every PATTERN
trc_rec() {
	local id=$1 pid=$2 p
	shift 2
	checking || return 0
	grep -F "\"pid\":$pid," "$(f "$id" trace)" >"$T/trc" 2>/dev/null
	for p in "$@"; do
		grep -F -e "$p" "$T/trc" >"$T/trc.1"
		mv "$T/trc.1" "$T/trc"
	done
	[ -s "$T/trc" ] && return 0
	why "bulwark trace $(cat "$(f "$id" trace-args)"): no record of pid $pid with $*; that pid's: $(grep -F "\"pid\":$pid," "$(f "$id" trace)" | oneline 500)"
	return 1
}

trc_count() { grep -cF "\"pid\":$2," "$(f "$1" trace)" 2>/dev/null; }

# Every tracer loads and attaches in the stock kernel, each with its best
# method there (fexit and LSM where this kernel has them).
# The summary tracers on 6.1: tcprtt by each method on one connection of
# ROUNDS exchanges must give the same histogram (one record each, at
# least a segment per round at the listening end); files by both methods
# must count busybox dd's calls exactly (110 bytes, bs=10: 12 reads with
# the one at EOF, 11 writes).
sc_tracers_summary() {
	local via line first port=$((TRCN_PORT + 20)) r
	if running; then
		: >/tmp/trsum-in
		for r in 1 2 3 4 5 6 7 8 9 10; do echo 0123456789 >>/tmp/trsum-in; done
		for via in fentry kprobe tp_btf tracepoint; do
			trc_start "rtt-$via" tcprtt --via "$via" -p $port
		done
		for via in fexit tracepoint; do
			trc_start "files-$via" files --via "$via" -c dd -i 0
		done
		op rtt /bin/bwtest tcp 127.0.0.1 $port 20
		op dd dd if=/tmp/trsum-in of=/tmp/trsum-out bs=10
	fi
	for via in fentry kprobe tp_btf tracepoint; do trc_stop "rtt-$via"; done
	for via in fexit tracepoint; do trc_stop "files-$via"; done
	want rtt OK
	checking || return 0
	first=
	for via in fentry kprobe tp_btf tracepoint; do
		line=$(grep '"tracer":"tcprtt"' "$(f "rtt-$via" trace)" | sed 's/^{"time":"[^"]*",//')
		[ "$(grep -c '"tracer":"tcprtt"' "$(f "rtt-$via" trace)")" = 1 ] ||
			why "tcprtt --via $via: want one summary: $(oneline 300 <"$(f "rtt-$via" trace)")"
		r=$(echo "$line" | sed -n 's/.*"hists":\[{"count":\([0-9]*\),.*/\1/p')
		[ "${r:-0}" -ge 20 ] || why "tcprtt --via $via: ${r:-no} segments for 20 rounds: $(echo "$line" | oneline 300)"
		[ -n "$first" ] || first=$line
		[ "$line" = "$first" ] || why "tcprtt --via $via differs from fentry: $(echo "$line" | oneline 300)"
	done
	for via in fexit tracepoint; do
		line=$(grep '"tracer":"files"' "$(f "files-$via" trace)")
		echo "$line" | grep -q '"comm":"dd","reads":12,"writes":0,"rbytes":110,"wbytes":0,"type":"regular","path":"/tmp/trsum-in"' &&
		echo "$line" | grep -q '"comm":"dd","reads":0,"writes":11,"rbytes":0,"wbytes":110,"type":"regular","path":"/tmp/trsum-out"' ||
			why "files --via $via: want dd's 12 reads and 11 writes of 110 bytes: $(echo "$line" | oneline 400)"
	done
}

sc_tracers_list() {
	local t mech
	running && { timeout 600 $BW trace --list -j >"$T/trlist.json" 2>"$T/trlist.err"; return 0; }
	for t in process ipc capable container opensnoop mountsnoop sigsnoop seccomp syscall \
		tcp tcpconnlat oomkill tcprtt files profile; do
		mech=$(grep -o "\"tracer\":\"$t\",\"works\":true,\"mechanism\":\"[^\"]*\"" "$T/trlist.json" |
			sed 's/.*"mechanism":"//; s/"$//')
		[ -n "$mech" ] || why "$t does not work: $(grep -o "\"tracer\":\"$t\",[^}]*" "$T/trlist.json" | oneline 300)"
		case $t:$mech in
		capable:fexit*|ipc:lsm*|process:tp_btf*|container:tp_btf*|opensnoop:tracepoint*|\
		mountsnoop:tracepoint*|sigsnoop:tracepoint*|seccomp:raw_tp*|syscall:raw_tp*|\
		tcp:fexit*|tcpconnlat:fentry*|oomkill:fentry*|tcprtt:fentry*|files:fexit*|profile:perf_event*|*:) ;;
		*) why "$t attached with '$mech', not its best method here" ;;
		esac
	done
}

# process on the stock kernel: an exec's command line, and with -x an exec
# that failed, with its errno and what the caller passed
sc_tracers_process() {
	local p
	trc_start proc process -x -c bwtest
	op e /bin/bwtest exec /bin/bwtest exec /nonexistent/bwx "a b"
	trc_stop proc || return 0
	checking || return 0
	p=$(op_pid e)
	[ -n "$p" ] || { why "bwtest printed no pid: $(oneline 200 <"$(f e out)")"; return 0; }
	trc_rec proc "$p" '"state":"exec"' \
		'"argv":["/bin/bwtest","exec","/nonexistent/bwx","a b"]}'
	trc_rec proc "$p" '"state":"exec_failed"' '"filename":"/nonexistent/bwx"' \
		'"ret":-2,"errno":"ENOENT","argv":["/nonexistent/bwx","a b"]}'
}

# trcn_key ID: the records of bulwark trace ID, without their time and
# latency (which differ from one method to the next), sorted
trcn_key() {
	sed 's/"time":"[^"]*",//; s/,"latency_us":[0-9]*//' "$(f "$1" trace)" | sort
}

# trcn_same ID1 ID2: the two traces have the same records
trcn_same() {
	checking || return 0
	[ "$(trcn_key "$1")" = "$(trcn_key "$2")" ] && return 0
	why "bulwark trace $(cat "$(f "$1" trace-args)") and $(cat "$(f "$2" trace-args)") differ: $(trcn_key "$1" | oneline 600) versus $(trcn_key "$2" | oneline 600)"
}

TRCN_PORT=47101

# tcp and tcpconnlat through every method at once, on a loopback connect
# and accept per family between two processes (bwtest tcp: the child
# connects, also to PORT + 1 where nothing listens, the parent accepts)
sc_tracers_tcp() {
	local via fam addr port p c sport afd
	for via in fexit kprobe tp_btf tracepoint; do
		trc_start "tcp-$via" tcp --via "$via" -c bwtrtcp
	done
	for via in fentry kprobe tp_btf tracepoint; do
		trc_start "lat-$via" tcpconnlat --via "$via" -c bwtrtcp
	done
	op v4 /bin/bwtrtcp tcp 127.0.0.1 $TRCN_PORT
	op v6 /bin/bwtrtcp tcp ::1 $((TRCN_PORT + 10))
	for via in fexit kprobe tp_btf tracepoint; do trc_stop "tcp-$via"; done
	for via in fentry kprobe tp_btf tracepoint; do trc_stop "lat-$via"; done
	want v4 OK
	want v6 OK
	checking || return 0
	for fam in v4 v6; do
		if [ $fam = v4 ]; then
			addr=127.0.0.1 port=$TRCN_PORT
		else
			addr=::1 port=$((TRCN_PORT + 10))
		fi
		p=$(op_pid $fam)
		c=$(sed -n 's/^connector=//p' "$(f $fam out)")
		sport=$(sed -n 's/^sport=//p' "$(f $fam out)")
		afd=$(sed -n 's/^afd=//p' "$(f $fam out)")
		grep -qx refused=ECONNREFUSED "$(f $fam out)" ||
			why "bwtest tcp $addr: the connect to port $((port + 1)) was not refused: $(oneline 200 <"$(f $fam out)")"
		for via in fexit kprobe tp_btf tracepoint; do
			trc_rec "tcp-$via" "$c" '"direction":"connect"' "\"saddr\":\"$addr\"" \
				"\"sport\":$sport," "\"daddr\":\"$addr\"" "\"dport\":$port," '"ret":0'
			trc_rec "tcp-$via" "$c" '"direction":"connect"' '"sport":null' \
				"\"dport\":$((port + 1))," '"ret":-111' '"errno":"ECONNREFUSED"'
			trc_rec "tcp-$via" "$p" '"direction":"accept"' "\"sport\":$port," \
				"\"daddr\":\"$addr\"" "\"dport\":$sport," "\"fd\":$afd}"
			[ "$(trc_count "tcp-$via" "$c")" = 2 ] && [ "$(trc_count "tcp-$via" "$p")" = 1 ] ||
				why "tcp --via $via: want 2 connects of pid $c and 1 accept of pid $p"
		done
		for via in fentry kprobe tp_btf tracepoint; do
			trc_rec "lat-$via" "$c" '"direction":"connect"' "\"saddr\":\"$addr\"" \
				"\"sport\":$sport," "\"dport\":$port," '"latency_us":'
			[ "$(trc_count "lat-$via" "$c")" = 1 ] ||
				why "tcpconnlat --via $via: want 1 connect of pid $c (the refused one is not reported)"
		done
	done
	for via in kprobe tp_btf tracepoint; do
		trcn_same tcp-fexit "tcp-$via"
		trcn_same lat-fentry "lat-$via"
	done
}

# memleak's kernel mode (on 6.1 by raw_tp: its verifier refuses tp_btf
# programs reading the kmem tracepoints' `void *` arguments): outstanding
# kernel allocations, their frames named from kallsyms; and -p's uprobes
# on the libc of a running bulwark (the one dynamically linked program
# here) attach and detach
sc_tracers_memleak() {
	local out target
	if running; then
		$BW trace process -d 60 -j >"$T/ml-target.out" 2>&1 &
		echo $! >"$T/ml-target"
		sleep 2
	fi
	target=$(cat "$T/ml-target" 2>/dev/null)
	trc_start ml memleak -i 0 -T 3
	trc_start mlp memleak -p "$target" -i 0 -T 3
	if running; then
		dd if=/dev/zero of="$T/bwml" bs=64k count=32 2>/dev/null
		ls -R / >/dev/null 2>&1
		rm -f "$T/bwml"
	fi
	trc_stop ml
	trc_stop mlp
	running && kill "$target" 2>/dev/null
	checking || return 0
	out=$(f ml trace)
	[ "$(grep -c . "$out")" = 1 ] &&
		grep -q '"mode":"kernel","outstanding_bytes":[1-9][0-9]*,"outstanding_allocs":[1-9]' "$out" &&
		grep -q '"frames":\[{"addr":"0x[0-9a-f]*","symbol":"[A-Za-z_][A-Za-z0-9_.]*","offset":[0-9]*,"module":"kernel"}' "$out" ||
		why "memleak: want one summary of outstanding kernel allocations with named frames: $(oneline 400 <"$out")"
	out=$(f mlp trace)
	[ ! -s "$out" ] || grep -q "\"mode\":\"user\",\"target_pid\":$target," "$out" ||
		why "memleak -p $target: $(oneline 400 <"$out")"
}

# profile: its perf_event program loads and attaches on 6.1 (TCG's CPU
# has no PMU: the software cpu-clock), and a read(2) loop's kernel frames
# come out named from kallsyms in one JSON summary
sc_tracers_profile() {
	local out
	trc_start prof profile -K -F 199 -c dd
	running && timeout 4 dd if=/dev/zero of=/dev/null bs=64k 2>/dev/null
	trc_stop prof
	checking || return 0
	out=$(f prof trace)
	[ "$(grep -c . "$out")" = 1 ] &&
		grep -q '"tracer":"profile","method":"perf_event [^"]*","frequency":199,"samples":[1-9]' "$out" &&
		grep -q '"stack":"dd;[^"]*do_syscall_64;[^"]*read' "$out" ||
		why "profile: want one summary with dd's read(2) in the kernel, frames named: $(oneline 600 <"$out")"
}

# oomkill through every method at once, on a real OOM kill: bwtest hog
# in a memory cgroup of 16 MiB.  fentry and kprobe must give the whole
# record; so must tp_btf and the tracepoint where this kernel's
# oom:mark_victim has the victim's task or record (6.1.192's has both),
# or else the victim's pid only (tp_btf does not load at all then).
TRCN_OOM_CG=/sys/fs/cgroup/bwtroom
TRCN_OOM_MAX=$((16 * 1024 * 1024))
sc_tracers_oomkill() {
	local via p vias="fentry kprobe tracepoint"
	if running; then
		echo +memory >/sys/fs/cgroup/cgroup.subtree_control
		mkdir -p $TRCN_OOM_CG
		echo $TRCN_OOM_MAX >$TRCN_OOM_CG/memory.max
		$BW trace oomkill --via tp_btf -d 1 >/dev/null 2>"$(f tp_btf err)" &&
			: >"$(f tp_btf loads)"
	fi
	if [ -e "$(f tp_btf loads)" ]; then
		vias="$vias tp_btf"
	elif checking; then
		echo "INFO: tracers-oomkill: tp_btf does not load here: $(oneline 300 <"$(f tp_btf err)")"
	fi
	for via in $vias; do
		trc_start "oom-$via" oomkill --via "$via" -c bwtrhog
	done
	op hog $T/in_cgroup $TRCN_OOM_CG /bin/bwtrhog hog
	for via in $vias; do trc_stop "oom-$via"; done
	running && rmdir $TRCN_OOM_CG
	checking || return 0
	p=$(op_pid hog)
	[ "$(cat "$(f hog rc)")" = 137 ] ||
		why "bwtrhog hog in $TRCN_OOM_CG: exit status $(cat "$(f hog rc)"), not 137 (SIGKILL)"
	for via in $vias; do
		[ "$(trc_count "oom-$via" "$p")" = 1 ] ||
			why "oomkill --via $via: want 1 record of pid $p"
		if [ "$via" = tracepoint ] && grep -qF '"victim_comm":null' "$(f "oom-$via" trace)"; then
			echo "INFO: tracers-oomkill: this kernel's oom:mark_victim gives the victim's pid only"
			trc_rec "oom-$via" "$p" "\"victim_pid\":$p," '"victim_comm":null'
			continue
		fi
		trc_rec "oom-$via" "$p" "\"victim_pid\":$p," '"victim_comm":"bwtrhog"' \
			'"victim_uid":0,' '"anon_rss_kb":' '"rss_pages":'
		awk -v max=$((TRCN_OOM_MAX / 1024)) '
			match($0, /"anon_rss_kb":[0-9]+/) {
				v = substr($0, RSTART + 14, RLENGTH - 14) + 0
				if (v < max / 2 || v > max) bad = 1
			}
			END { exit bad }' "$(f "oom-$via" trace)" ||
			why "oomkill --via $via: anon_rss_kb not between half of memory.max and memory.max: $(oneline 400 <"$(f "oom-$via" trace)")"
		[ "$via" = fentry ] || trcn_same oom-fentry "oom-$via"
	done
}

sc_tracers_capable() {
	local id via
	trc_start fx capable -c bwtrcap
	trc_start kp capable --via kprobe -c bwtrcap
	running && : >$TRC_FILE
	op raw $TRC raw-socket
	op lsm $TRC chown $TRC_FILE 1000 1000
	op kern $TRC as-uid 1000 1000 $TRC chown $TRC_FILE 1000 1000
	trc_stop fx
	trc_stop kp
	want raw OK
	want lsm EPERM
	want kern EPERM
	rec lsm '"event":"capable"' '"decision":"deny"' '"rule":"deny-chown-bwtrcap"' \
		'"capability":"cap_chown"'
	for id in fx kp; do
		if [ $id = fx ]; then via=fexit; else via=kprobe; fi
		checking && grep -qv "\"via\":\"$via\"" "$(f $id trace)" &&
			why "records of capable -c bwtrcap not from $via: $(grep -v "\"via\":\"$via\"" "$(f $id trace)" | oneline 300)"
		trc_rec $id "$(op_pid raw)" '"cap":13,' '"cap_name":"CAP_NET_RAW"' \
			'"audit":true' '"verdict":"allowed"' '"ret":0,' "\"via\":\"$via\""
		trc_rec $id "$(op_pid lsm)" '"cap":0,' '"cap_name":"CAP_CHOWN"' \
			'"audit":true' '"verdict":"denied-lsm"' '"ret":-1,' '"uid":0,'
		trc_rec $id "$(op_pid kern)" '"cap":0,' '"verdict":"denied-kernel"' \
			'"ret":-1,' '"uid":1000,'
	done
}

sc_tracers_ipc() {
	local p n
	trc_start ipc ipc -c bwtrcap
	op ipc $TRC as-uid 1000 1000 $TRC ipc-keys $TRC_KEY
	trc_stop ipc
	want ipc OK
	checking || return 0
	p=$(op_pid ipc)
	# one record per permission check, none for create, shmdt, IPC_RMID
	n=$(trc_count ipc "$p")
	[ "$n" = 10 ] || why "want 10 permission checks of pid $p, got $n"
	grep -qF '"via":"syscall"' "$(f ipc trace)" && why "records from the syscall method"
	trc_rec ipc "$p" '"obj":"shm"' "\"key\":$TRC_KEY," '"access":"r"' \
		'"cuid":1000,"cgid":1000,' '"mode":"0640"' '"via":"lsm"' '"call":"shmget"'
	trc_rec ipc "$p" '"obj":"shm"' '"access":"rw"' '"cuid":1000,' '"call":"shmat"'
	trc_rec ipc "$p" '"obj":"shm"' '"access":"r"' '"call":"shmctl"' '"cmd":"IPC_STAT"'
	trc_rec ipc "$p" '"obj":"msg"' "\"key\":$((TRC_KEY + 1))," '"access":"w"' \
		'"cuid":1000,"cgid":1000,' '"mode":"0600"' '"call":"msgsnd"'
	trc_rec ipc "$p" '"obj":"msg"' '"access":"r"' '"call":"msgrcv"'
	trc_rec ipc "$p" '"obj":"sem"' "\"key\":$((TRC_KEY + 2)),"  '"access":"w"' \
		'"cgid":1000,'
	trc_rec ipc "$p" '"obj":"sem"' '"access":"r"' '"call":"semctl"' '"cmd":"GETVAL"'
}

# ---------------------------------------------------------------- run

echo "RUN: vm/bpf-lsm"
PHASE=check WHY=
sc_bpf_lsm
report bpf-lsm

solo baseline
solo engine-runs
solo exec-seccomp-ia32

group enforce enforce $RULES/vm.rules \
	capable-deny capable-unnamed capable-allow-first \
	ipc-deny ipc-deny-ia32 ipc-unnamed ipc-allow-first \
	mount-deny mount-unnamed mount-allow-first \
	signal-deny signal-unnamed signal-allow-first \
	exec-deny exec-unnamed exec-allow-first verifier-work

group audit audit $RULES/vm.rules \
	capable-audit ipc-audit mount-audit signal-audit exec-audit

# The tracepoint fallback where BPF LSM is not active: the engine is shown
# an LSM list without bpf (a file bound over securityfs's, in a mount
# namespace of its own) and, as on_lsm_missing = audit says, runs
# audit-only on tracepoints, in Debian's 6.1, which has i386 emulation.
# It runs under a filter that kills its own i386 calls, as the package's
# unit does (SystemCallArchitectures=native): it must still see others'.
echo lockdown,capability,landlock,yama,apparmor >$T/lsm-nobpf
printf '#!/bin/sh\nexec /bin/bwtest seccomp-native /bin/unshare -m sh -c %s sh %s "$@"\n' \
	"'mount --bind $T/lsm-nobpf /sys/kernel/security/lsm && exec \"\$@\"'" "$BW" \
	>$T/bw-nolsm
chmod 755 $T/bw-nolsm
printf '[engine]\non_lsm_missing = audit\n' >$T/nolsm.conf
ENGINE_CONF=$T/nolsm.conf
BW_LSM=$BW
BW=$T/bw-nolsm
group tracepoints enforce $RULES/vm.rules tp-ipc-ia32 tp-mount-ia32
BW=$BW_LSM
ENGINE_CONF=

group subject enforce $RULES/subject.rules \
	subject-container subject-container-name subject-cgroup subject-exe \
	subject-pidns

group syscall enforce $RULES/syscall.rules \
	syscall-lsm-deny syscall-ia32-deny syscall-lsm-kill syscall-entry-kill syscall-mux32-kill \
	syscall-unguarded-deny syscall-audit syscall-uring

solo replay-enforce
solo replay-syscall

group many enforce $RULES/many.rules \
	many-capable-deny many-capable-unnamed many-exec-deny

# ---- [log] repeat (docs/log.md): a signal denied 2,000 times in a loop is
# denied every time (EPERM from the LSM hook), while its records fold: the
# full records, their folded counts and the repeat records sum to 2,000,
# with no lost record
REPEAT_N=2000
sc_repeat_deny() {
	local pid full folded summed lost
	start_victim k bwvictim
	op k /bin/bwtest deny-burst $REPEAT_N "$(victim k)" SIGUSR1
	want k OK || why "$(tr '\n' ' ' <"$(f k out)")"
	end_victim k alive
	checking || return 0
	pid=$(op_pid k)
	grep -F "\"pid\":$pid," "$LOG" | grep -F '"rule":"deny-signal"' >"$T/repeat.recs"
	# shellcheck disable=SC2046
	set -- $(fold_counts "$T/repeat.recs")
	full=$1 folded=$2 summed=$3
	lost=$(grep -c '"type":"lost"' "$LOG")
	[ $((full + folded + summed)) -eq $REPEAT_N ] && [ "$lost" -eq 0 ] && [ "$full" -ge 1 ] ||
		why "$REPEAT_N denied: $full deny records + $folded folded + $summed in repeat records, $lost lost records"
	grep -q '"repeat_ms":1000' "$LOG" || why "the start record has no repeat_ms 1000"
}

printf '[log]\nrepeat = 1s\n' >$T/repeat.conf
ENGINE_CONF=$T/repeat.conf
group repeat enforce $RULES/vm.rules repeat-deny
ENGINE_CONF=

# ---- decisions preempted half-way (docs/design.md "Scratch slots"): under
# full preemption (Debian's kernel switches to it at run time, through
# debugfs), uid 1000 sends SIGUSR1, which a rule denies, to a process of its
# own, while more of its processes send it SIGURG, which a rule allows, all
# on one CPU: decisions of one class are preempted by each other.  Every
# kill must get its own rule's answer and every deny its record (with
# repeat = 1s: full records, folded counts and repeat records sum up).  A
# build that shared one scratch area per CPU let a SIGUSR1 through within
# a few thousand kills.
PREEMPT_N=200000
PREEMPT_CTL=/sys/kernel/debug/sched/preempt

# preempt_run LOOPS N: (run) uid 1000's victim, LOOPS loops of N SIGURG and
# one of PREEMPT_N SIGUSR1 (op k) on CPU 1 under full preemption; then the
# preemption mode before
preempt_run() {
	local v i np= was
	[ -e $PREEMPT_CTL ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
	was=$(sed -n 's/.*(\([a-z]*\)).*/\1/p' $PREEMPT_CTL 2>/dev/null)
	if [ -z "$was" ] || ! echo full >$PREEMPT_CTL; then
		echo "cannot switch to full preemption through $PREEMPT_CTL" >"$(f k why)"
		return 0
	fi
	/bin/bwtest as-uid 1000 1000 /bin/bwvictim sleep 600 >/dev/null 2>&1 &
	v=$!
	echo $v >"$(f k victim)"
	wait_until 10 grep -qx bwvictim "/proc/$v/comm" ||
		echo "died or did not start" >"$(f k victim-why)"
	echo "$1" >"$(f k loops)"
	for i in $(seq 1 "$1"); do
		taskset -c 1 /bin/bwtest as-uid 1000 1000 /bin/bwtest \
			deny-burst "$2" "$v" SIGURG >"$(f noise$i out)" 2>&1 &
		np="$np $!"
	done
	op k taskset -c 1 /bin/bwtest as-uid 1000 1000 /bin/bwtest \
		deny-burst $PREEMPT_N "$v" SIGUSR1
	# shellcheck disable=SC2086
	wait $np
	echo "$was" >$PREEMPT_CTL
	end_victim k alive
}

# (check) what every run must show: each SIGUSR1 refused, the victim alive,
# the loop preempted, its records naming their rule; sets PREEMPT_DENIED
# (full records + folded + repeat records of the denied loop), PREEMPT_LOST
# (the signal decisions counted lost), PREEMPT_REFUSED and PREEMPT_OTHER
# (SIGURGs refused, and failed otherwise, over all loops)
preempt_check() {
	local n pid i e o
	if [ -s "$(f k why)" ]; then
		why "$(cat "$(f k why)")"
		return 1
	fi
	echo "INFO: $SCEN: $(tr '\n' ' ' <"$(f k out)")"
	want k OK
	end_victim k alive
	n=$(sed -n 's/^nivcsw=//p' "$(f k out)")
	[ "${n:-0}" -ge 50 ] ||
		why "the denied loop was preempted ${n:-0} times, under 50: the decisions did not meet"
	pid=$(op_pid k)
	grep -F "\"pid\":$pid," "$LOG" | grep -F '"type":"' >"$T/$SCEN.recs"
	# shellcheck disable=SC2046
	set -- $(fold_counts "$T/$SCEN.recs")
	PREEMPT_DENIED=$(($1 + $2 + $3))
	n=$(grep -F '"type":"decision"' "$T/$SCEN.recs" |
		awk 'index($0, "\"rule\":\"deny-usr1\"") == 0 ||
		     index($0, "\"signal\":\"SIGUSR1\"") == 0' | wc -l)
	[ "$n" -eq 0 ] || why "$n decision records of the denied loop name another rule or signal"
	PREEMPT_LOST=$(grep -F '"type":"lost"' "$LOG" | grep -F '"event":"signal"' |
		sed -n 's/.*"total":\([0-9]*\).*/\1/p' | sort -n | tail -n 1)
	PREEMPT_LOST=${PREEMPT_LOST:-0}
	PREEMPT_REFUSED=0 PREEMPT_OTHER=0
	for i in $(seq 1 "$(cat "$(f k loops)")"); do
		e=$(sed -n 's/^eperm=//p' "$(f noise$i out)")
		o=$(sed -n 's/^other=//p' "$(f noise$i out)")
		PREEMPT_REFUSED=$((PREEMPT_REFUSED + ${e:-1}))
		PREEMPT_OTHER=$((PREEMPT_OTHER + ${o:-1}))
	done
	echo "INFO: $SCEN: $PREEMPT_REFUSED SIGURG refused, $PREEMPT_OTHER failed otherwise, $PREEMPT_DENIED SIGUSR1 denials in records, $PREEMPT_LOST signal decisions counted lost"
}

# every SIGURG allowed, every deny in a record, nothing lost
preempt_exact() {
	[ "$PREEMPT_REFUSED" -eq 0 ] && [ "$PREEMPT_OTHER" -eq 0 ] ||
		why "of the SIGURGs a rule allows, $PREEMPT_REFUSED were refused and $PREEMPT_OTHER failed otherwise"
	[ "$PREEMPT_DENIED" -eq $PREEMPT_N ] && [ "$PREEMPT_LOST" -eq 0 ] ||
		why "$PREEMPT_N denied: $PREEMPT_DENIED in records, $PREEMPT_LOST lost"
}

sc_signal_preempt() {
	if running; then
		preempt_run 2 $PREEMPT_N
		return 0
	fi
	preempt_check && preempt_exact
}

# ---- thirty loops of allowed SIGURGs beside the denied one: more
# decisions preempted at once than a CPU has shared slots, so that the
# others wait for one.  A build that refused a decision when all were held
# refused 72% of these SIGURGs: any user could make others' operations on
# a CPU fail.
sc_signal_crowd() {
	if running; then
		preempt_run 30 20000
		return 0
	fi
	preempt_check && preempt_exact
}

# ---- one shared slot per CPU (BW_SCRATCH_SLOTS=1, a test setting): every
# preempted decision leaves the others on its CPU none, and they wait
sc_signal_slots_wait() {
	if running; then
		preempt_run 2 $PREEMPT_N
		return 0
	fi
	preempt_check && preempt_exact
}

# ---- one shared slot and no waiting (BW_SCRATCH_WAIT_MS=0, a test setting):
# the decisions that find the slot held are refused and counted lost, never
# let through.  Each SIGUSR1 must still fail; the SIGURGs refused must be
# among the signal decisions counted lost, and some must have been (the
# path was taken); records and lost counts together cover the denied loop.
sc_signal_slots_full() {
	if running; then
		preempt_run 2 $PREEMPT_N
		return 0
	fi
	preempt_check || return 0
	[ "$PREEMPT_OTHER" -eq 0 ] || why "$PREEMPT_OTHER SIGURGs failed with another error than EPERM"
	[ "$PREEMPT_LOST" -gt 0 ] || why "no decision found the CPU's one slot held (0 counted lost)"
	[ "$PREEMPT_REFUSED" -le "$PREEMPT_LOST" ] ||
		why "$PREEMPT_REFUSED SIGURG refused, more than the $PREEMPT_LOST decisions counted without a slot"
	[ $((PREEMPT_DENIED + PREEMPT_LOST)) -ge $PREEMPT_N ] ||
		why "$PREEMPT_N denied: $PREEMPT_DENIED in records and $PREEMPT_LOST lost do not cover them"
}

printf '[log]\nrepeat = 1s\n' >$T/preempt.conf
ENGINE_CONF=$T/preempt.conf
group preempt enforce $RULES/preempt.rules signal-preempt
group crowd enforce $RULES/preempt.rules signal-crowd
export BW_SCRATCH_SLOTS=1
group slots-wait enforce $RULES/preempt.rules signal-slots-wait
export BW_SCRATCH_WAIT_MS=0
group slots-full enforce $RULES/preempt.rules signal-slots-full
unset BW_SCRATCH_SLOTS BW_SCRATCH_WAIT_MS
ENGINE_CONF=

# ---- the control socket of an enforcing engine (issue 14): after attach
# it holds no capability and has no_new_privs, and `bulwark reload` on the
# socket still makes a new generation live (its maps written through the
# fds it kept); the deny rules hold under it (capable-deny after it)
sc_control_caps() {
	local st
	if running; then
		grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' \
			"/proc/$ENGINE_PID/status" >"$T/control.caps" 2>&1
		return 0
	fi
	st=$(tr -s '\t ' ' ' <"$T/control.caps" | tr '\n' ';')
	[ "$st" = "CapInh: 0000000000000000;CapPrm: 0000000000000000;CapEff: 0000000000000000;CapBnd: 0000000000000000;CapAmb: 0000000000000000;NoNewPrivs: 1;" ] ||
		why "the engine's capabilities after attach: $st"
}
sc_control_reload() {
	if running; then
		timeout "$OP_TIMEOUT" $BW reload --socket /run/bulwark/control \
			>"$T/control.reload" 2>&1
		echo "rc=$?" >>"$T/control.reload"
		timeout "$OP_TIMEOUT" $BW status --socket /run/bulwark/control \
			>"$T/control.status" 2>&1
		return 0
	fi
	grep -qx 'policy generation 2 live' "$T/control.reload" && grep -qx 'rc=0' "$T/control.reload" ||
		why "bulwark reload: $(oneline 300 <"$T/control.reload")"
	grep -q '^policy     generation 2, ' "$T/control.status" &&
	grep -q '^rule       deny-raw: bpf-lsm$' "$T/control.status" &&
	! grep -q 'not answering' "$T/control.status" ||
		why "bulwark status: $(oneline 400 <"$T/control.status")"
	grep '"type":"control"' "$LOG" | grep -q '"request":"reload","result":"ok","generation":2' ||
		why "no control record of the reload in the log"
}

# the deny of capable-deny, under the reloaded policy
sc_control_deny() { sc_capable_deny; }

group control enforce $RULES/vm.rules control-caps control-reload control-deny

group tracers-lsm enforce $RULES/tracers.rules tracers-capable tracers-ipc
solo tracers-list
solo tracers-summary
solo tracers-process
solo tracers-tcp
solo tracers-oomkill
solo tracers-memleak
solo tracers-profile

# ---- bypass: ways around deny rules taken by uid 65534, each closed
# (bypass.sh, rules/bypass.rules)
. /bwvm/bypass.sh
bypass_groups

# ---- hostile names through exec, mount and signal records, the log, the
# table and replay (hostile.sh, rules/hostile.rules; issue 11)
. /bwvm/hostile.sh
hostile_groups

# ---- libbpf-tools: Debian's opensnoop, mountsnoop, sigsnoop and capable
# beside bulwark's on one workload (libbpf-tools.sh)
. /bwvm/libbpf-tools.sh
lbt_group

# ---- on_exit = keep: a deny rule holds through 100 reloads and 10
# SIGKILLs and restarts; restarts adopt the pinned programs (pin.sh): the
# longest group under TCG, after the others but before protect's, which end
# the run
. /bwvm/pin.sh
pin_groups

# ---- tamper protection and the policy lock (protect.sh; issue 14).  Last:
# the lock stays until reboot, and a protected engine cannot be stopped.
. /bwvm/protect.sh
protect_groups
