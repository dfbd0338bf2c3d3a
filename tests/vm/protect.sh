# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# Tamper protection and the policy lock (issue 14), sourced by scenarios.sh
# after every other group: a lock stays until reboot and a protected
# engine cannot be stopped from outside, so nothing may come after.
#
#   lock      lock = yes, protect = no: SIGHUP with new rules refused (a
#             tamper record, the generation unchanged); SIGTERM stops it
#   relock    the lock outlives the engine: new rules refused at start
#   protect   protect = yes, lock = yes: kill -9/-STOP/-HUP, ptrace, bpf()
#             on the engine's objects, rm of the pin, writing the log all
#             fail with EPERM and each is a tamper record; kill -0 works
#
# Each scenario checks as it goes, against the live log (flush =
# incremental): records are waited for, not assumed.

PT_DIR=$T/protect
PT_LOG=$PT_DIR/audit.log

# pt_conf NAME RULES PROTECT LOCK: a policy file
pt_conf() {
	mkdir -p "$PT_DIR"
	cat >"$PT_DIR/$1.conf" <<EOC
[engine]
mode = enforce
rules = $2
log = $PT_LOG
status = $PT_DIR/status.json
protect = $3
lock = $4
EOC
}

# pt_start NAME: the engine with $PT_DIR/NAME.conf; PT_PID, or WHY set
pt_start() {
	local t0
	rm -f "$PT_DIR/ready"
	t0=$(now_cs)
	$BW run -c "$PT_DIR/$1.conf" --ready-file "$PT_DIR/ready" >"$PT_DIR/$1.stderr" 2>&1 &
	PT_PID=$!
	while [ ! -e "$PT_DIR/ready" ]; do
		if ! alive "$PT_PID"; then
			wait "$PT_PID"
			why "bulwark exited with status $? before ready: $(oneline 400 <"$PT_DIR/$1.stderr")"
			PT_PID=
			return 1
		fi
		if [ $(($(now_cs) - t0)) -gt $((READY_TIMEOUT * 100)) ]; then
			why "bulwark not ready after ${READY_TIMEOUT}s: $(oneline 400 <"$PT_DIR/$1.stderr")"
			PT_PID=
			return 1
		fi
		sleep 0.2
	done
	echo "INFO: $1: bulwark ready after $(since "$t0")s (pid $PT_PID)"
}

# pt_tamper WHAT PATTERN...: wait for a tamper record with every pattern
pt_has() {
	local p
	grep -F '"type":"tamper"' "$PT_LOG" >"$PT_DIR/tamper" 2>/dev/null || return 1
	for p in "$@"; do
		grep -F -e "$p" "$PT_DIR/tamper" >"$PT_DIR/tamper.1" || return 1
		mv "$PT_DIR/tamper.1" "$PT_DIR/tamper"
	done
}
pt_tamper() {
	wait_until "$LOG_WAIT" pt_has "$@" ||
		why "no tamper record with $* in $PT_LOG"
}

# pt_op ID CMD...: run CMD, result in PT_RES (bwtest's result= line)
pt_op() {
	local id="$1"
	shift
	timeout "$OP_TIMEOUT" "$@" >"$PT_DIR/$id.out" 2>&1
	PT_RES=$(sed -n 's/^result=//p' "$PT_DIR/$id.out" | tail -n 1)
}
pt_want() {	# pt_want ID RESULT CMD...
	local id="$1" want="$2"
	shift 2
	pt_op "$id" "$@"
	[ "$PT_RES" = "$want" ] ||
		why "'$*': expected $want, got ${PT_RES:-nothing} ($(oneline 160 <"$PT_DIR/$id.out"))"
}

pt_generation() {
	sed -n 's/.*"type":"policy".*"generation":\([0-9]*\).*/\1/p' "$PT_LOG" | tail -n 1
}

# The lock without protection: new rules are refused, SIGTERM still stops.
sc_protect_lock() {
	local gen
	cp "$RULES/vm.rules" "$PT_DIR/lock.rules"
	pt_conf lock "$PT_DIR/lock.rules" no yes
	rm -f "$PT_LOG"
	pt_start lock || return
	wait_until "$LOG_WAIT" grep -q '"type":"protect".*"lock":true' "$PT_LOG" ||
		why "no protect record with \"lock\":true"
	gen=$(pt_generation)
	printf '\n[deny-more]\nevent = capable\naction = deny\ncapability = cap_sys_time\ncomm = bwtest\n' \
		>>"$PT_DIR/lock.rules"
	kill -HUP "$PT_PID" || why "kill -HUP of an unprotected engine failed"
	wait_until "$LOG_WAIT" pt_has '"what":"reload"' '"result":"refused"' ||
		why "no tamper record refusing the reload"
	sleep 1
	[ "$(pt_generation)" = "$gen" ] ||
		why "the policy generation moved from $gen to $(pt_generation) under lock"
	kill -TERM "$PT_PID" || why "kill -TERM without protect = yes failed"
	wait_until "$STOP_TIMEOUT" eval "! alive $PT_PID" ||
		{ why "still running ${STOP_TIMEOUT}s after SIGTERM"; kill -KILL "$PT_PID"; }
	wait "$PT_PID"
	[ -e /sys/fs/bpf/bulwark/protect_state ] ||
		why "the lock's pinned state is gone after the engine stopped"
}

# The lock outlives the engine: other rules cannot start, the locked can.
sc_protect_relock() {
	pt_conf relock "$PT_DIR/lock.rules" no no
	if pt_start relock; then
		why "an engine with rules other than the locked ones started"
		kill -KILL "$PT_PID"
		wait "$PT_PID"
		return
	fi
	WHY=
	grep -q 'locked until reboot' "$PT_DIR/relock.stderr" ||
		why "the refusal does not say the policy is locked: $(oneline 300 <"$PT_DIR/relock.stderr")"
}

# Every way in refused with EPERM and logged; kill -0 still works.
sc_protect_protect() {
	local id ids n=0 pin saved cmd
	pt_conf protect "$RULES/vm.rules" yes yes
	pt_start protect || return
	wait_until "$LOG_WAIT" grep -q '"type":"protect".*"protect":true' "$PT_LOG" ||
		why "no protect record with \"protect\":true"
	pt_want kill0 OK /bin/bwother kill "$PT_PID" 0
	for sig in KILL STOP HUP TERM; do
		pt_want "kill$sig" EPERM /bin/bwother kill "$PT_PID" "$sig"
		pt_tamper '"what":"signal"' "\"signal\":\"SIG$sig\"" '"comm":"bwother"'
	done
	kill -9 "$PT_PID" 2>/dev/null && why "busybox kill -9 of the engine succeeded"
	alive "$PT_PID" || { why "the engine is gone"; return; }
	pt_want ptrace EPERM /bin/bwother ptrace-attach "$PT_PID"
	pt_tamper '"what":"ptrace"' "\"target_pid\":$PT_PID"
	for kind in prog map link; do
		ids=$(grep '"type":"protect"' "$PT_LOG" | tail -n 1 |
			sed -n "s/.*\"${kind}_ids\":\[\([0-9,]*\)\].*/\1/p" | tr , ' ')
		[ -n "$ids" ] || { why "the protect record lists no ${kind}_ids"; continue; }
		for id in $ids; do
			pt_want "get$kind$id" EPERM /bin/bwother bpf-get-id "$kind" "$id"
			n=$((n + 1))
		done
		case $kind in
		prog) cmd=BPF_PROG_GET_FD_BY_ID ;;
		map) cmd=BPF_MAP_GET_FD_BY_ID ;;
		*) cmd=BPF_LINK_GET_FD_BY_ID ;;
		esac
		pt_tamper '"what":"bpf"' "\"command\":\"$cmd\""
	done
	echo "INFO: protect: $n object ids refused"
	pin=/sys/fs/bpf/bulwark/protect_state
	pt_want objget EPERM /bin/bwother bpf-obj-get "$pin"
	pt_tamper '"command":"BPF_OBJ_GET"' "\"name\":\"$pin\""
	rm -f "$pin" 2>"$PT_DIR/rm.err" && why "rm $pin succeeded"
	[ -e "$pin" ] || why "$pin is gone"
	pt_tamper '"what":"unlink"' '"name":"protect_state"'
	mv /sys/fs/bpf/bulwark /sys/fs/bpf/bw-moved 2>/dev/null && why "mv of the pin directory succeeded"
	pt_tamper '"what":"rename"' '"name":"bulwark"'
	pt_want logw EPERM /bin/bwother open-write "$PT_LOG" append
	pt_want logt EPERM /bin/bwother open-write "$PT_LOG" trunc
	pt_tamper '"what":"open"'
	alive "$PT_PID" || why "the engine is gone after the attempts"
	# a restart cannot steal it: a second engine is refused
	pt_conf second "$RULES/vm.rules" yes yes
	saved=$WHY
	if pt_start second; then
		why "a second bulwark run started beside the protected engine"
	fi
	WHY=$saved
	grep -q 'another engine' "$PT_DIR/second.stderr" 2>/dev/null ||
		why "the second run does not say another engine runs: $(oneline 300 <"$PT_DIR/second.stderr")"
}

protect_groups() {
	# shellcheck disable=SC2034  # for the helpers of scenarios.sh
	GROUP=protect
	# shellcheck disable=SC2034
	LOG=$PT_LOG
	mkdir -p "$PT_DIR"
	for s in protect-lock protect-relock protect-protect; do
		echo "RUN: vm/$s"
		WHY=$BWVM_LSM_WHY
		[ -n "$WHY" ] || "$(sc_fn "$s")"
		report "$s"
	done
	sed -n '1,200s/^/bw-log: /p' "$PT_LOG" 2>/dev/null | grep -F -e tamper -e protect
	cat "$PT_DIR"/*.stderr 2>/dev/null | sed -n '1,60s/^/bw-stderr: /p'
}
