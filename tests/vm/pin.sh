# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# shellcheck disable=SC2034  # SCEN: read by scenarios.sh
#
# The pin group of the VM tests (on_exit = keep, engine/pin.h), sourced by
# scenarios.sh, whose helpers it uses.  uid 1000 sends SIGUSR1 to its own
# process in a tight loop (bwtest kill-loop), which a deny rule refuses:
#
#   pin-baseline        without the engine the signal goes through
#   group pin           enforce mode, on_exit unset (keep: it enforces)
#     pin-reload-loop   100 reloads (SIGHUP) with rule sets that still deny
#     pin-sigkill-eperm the engine killed with SIGKILL: the next attempt
#                       still fails with EPERM, from a process given the
#                       dead engine's pid too; the pins are there
#     pin-restart-loop  9 more SIGKILLs and restarts; each restart adopts
#                       (adopt record: same build, links adopted, none
#                       attached anew); the loop saw not one success, and
#                       the policy records' generations have no gap
#   pin-detach          the pins removed: the programs are gone and the
#                       signal goes through again
#
# Every engine of the group appends to one log.  BWVM_PIN_RELOADS and
# BWVM_PIN_RESTARTS (kernel command line) shorten the loops.

PIN_DIR=/sys/fs/bpf/bulwark
PIN_RULES=$T/pin.rules
PIN_STOP=$T/pin.stop
PIN_OUT=$T/pin.loop.out
PIN_RELOADS=${BWVM_PIN_RELOADS:-100}
PIN_RESTARTS=${BWVM_PIN_RESTARTS:-10}
PIN_AS="/bin/bwtest as-uid 1000 1000"

pin_builds() { ls "$PIN_DIR" 2>/dev/null | grep -E '^[0-9a-f]{16}$'; }
pin_unpin() {	# unpin (scenarios.sh), for this file alone too
	local b
	for b in $(pin_builds); do rm -rf "${PIN_DIR:?}/$b"; done
}

# pin_rules N: rule set N; every set denies uid 1000's SIGUSR1, under
# another name and with another number of rules, so each reload is a new
# policy (another hash)
pin_rules() {
	local i=0
	cat >"$PIN_RULES.new" <<EOF
[pin-deny-usr1-$1]
event = signal
action = deny
signal = SIGUSR1
uid = 1000
EOF
	while [ $i -lt $(($1 % 3)) ]; do
		printf '\n[pin-audit-%s-%s]\nevent = signal\naction = audit\nsignal = SIGURG\nuid = 1000\n' \
			"$1" "$i" >>"$PIN_RULES.new"
		i=$((i + 1))
	done
	mv "$PIN_RULES.new" "$PIN_RULES"
}

pin_victim() {	# uid 1000's process the loop signals; sets PIN_VPID
	$PIN_AS /bin/bwvictim sleep 3000 >/dev/null 2>&1 &
	PIN_VPID=$!
	wait_until 10 grep -qx bwvictim "/proc/$PIN_VPID/comm"
}

# the live generation, from the status file the engine rewrites every
# second (grepping the growing log at each poll would slow everything)
pin_gen() { grep -o '"generation":[0-9]*' /run/bulwark/status.json 2>/dev/null | head -n 1 | grep -o '[0-9]*$'; }

# pin_restart: SIGKILL the engine, then start another (appending to LOG)
pin_kill() {
	kill -KILL "$ENGINE_PID"
	wait "$ENGINE_PID" 2>/dev/null
	ENGINE_PID=
}
pin_start() {
	KEEP_LOG=1 engine_start enforce "$PIN_RULES"
}

sc_pin_baseline() {
	if running; then
		pin_victim
		op kill $PIN_AS /bin/bwtest kill "$PIN_VPID" SIGUSR1
		kill -KILL "$PIN_VPID" 2>/dev/null
		wait "$PIN_VPID" 2>/dev/null
	fi
	want kill OK
}

sc_pin_reload_loop() {
	local i=1 g t0
	if running; then
		rm -f "$PIN_STOP" "$PIN_OUT"
		pin_victim
		echo "$PIN_VPID" >"$T/pin.victim"
		$PIN_AS /bin/bwtest kill-loop "$PIN_STOP" "$PIN_VPID" SIGUSR1 >"$PIN_OUT" 2>&1 &
		echo $! >"$T/pin.loop.pid"
		sleep 1
		t0=$(now_cs)
		while [ $i -le "$PIN_RELOADS" ]; do
			g=$(pin_gen)
			pin_rules $i
			kill -HUP "$ENGINE_PID"
			if ! wait_until 60 eval "[ \"\$(pin_gen)\" != \"$g\" ]"; then
				echo "reload $i: no new generation after 60 s (still $g)" >"$T/pin.reload.why"
				break
			fi
			i=$((i + 1))
		done
		echo "INFO: pin: $((i - 1)) reloads in $(since "$t0")s, generation $(pin_gen)"
		echo $((i - 1)) >"$T/pin.reloads"
		return 0
	fi
	[ ! -s "$T/pin.reload.why" ] || why "$(cat "$T/pin.reload.why")"
	[ "$(cat "$T/pin.reloads" 2>/dev/null)" = "$PIN_RELOADS" ] ||
		why "$(cat "$T/pin.reloads" 2>/dev/null) of $PIN_RELOADS reloads made"
}

# pin_reuse PID: uid 1000's kill of the victim by a process given PID (the
# dead engine's: ns_last_pid), its output in reuse.out; other processes
# may take the pid first, so up to 20 tries
pin_reuse() {
	local i=0 out victim
	out=$(f reuse out)
	victim=$(cat "$T/pin.victim")
	while [ $i -lt 20 ]; do
		# nothing forks between these two: the command gets the pid
		echo $(($1 - 1)) >/proc/sys/kernel/ns_last_pid
		$PIN_AS /bin/bwtest kill "$victim" SIGUSR1 >"$out" 2>&1
		grep -qx "pid=$1" "$out" && return 0
		i=$((i + 1))
	done
	echo "no try got pid $1" >>"$out"
}

sc_pin_sigkill_eperm() {
	local old
	if running; then
		old=$ENGINE_PID
		pin_kill
		op kill $PIN_AS /bin/bwtest kill "$(cat "$T/pin.victim")" SIGUSR1
		# the dead engine was exempt from decisions; its pid is not
		pin_reuse "$old"
		pin_builds >"$(f pins out)"
		ls "$PIN_DIR/$(pin_builds | head -n 1)/links" >"$(f links out)" 2>&1
		pin_start || echo "restart: $ENGINE_WHY" >"$(f start why)"
		return 0
	fi
	want kill EPERM
	echo "INFO: pin: with the dead engine's pid: $(oneline 200 <"$(f reuse out)")"
	grep -qx "result=EPERM" "$(f reuse out)" && ! grep -q "no try" "$(f reuse out)" ||
		why "a process with the dead engine's pid: $(oneline 200 <"$(f reuse out)")"
	[ -s "$(f pins out)" ] || why "no build pinned under $PIN_DIR after SIGKILL"
	grep -qx bw_task_kill "$(f links out)" ||
		why "no pinned link of bw_task_kill: $(oneline 200 <"$(f links out)")"
	[ ! -s "$(f start why)" ] || why "$(cat "$(f start why)")"
}

sc_pin_restart_loop() {
	local i=2 g prev n a p
	if running; then
		while [ $i -le "$PIN_RESTARTS" ]; do
			pin_kill
			if ! pin_start; then
				echo "restart $i: $ENGINE_WHY" >"$T/pin.restart.why"
				break
			fi
			i=$((i + 1))
		done
		sleep 1
		touch "$PIN_STOP"
		wait "$(cat "$T/pin.loop.pid")"
		return 0
	fi
	[ ! -s "$T/pin.restart.why" ] || why "$(cat "$T/pin.restart.why")"
	a=$(sed -n 's/^attempts=//p' "$PIN_OUT")
	n=$(sed -n 's/^allowed=//p' "$PIN_OUT")
	p=$(sed -n 's/^eperm=//p' "$PIN_OUT")
	echo "INFO: pin: kill-loop $(oneline 200 <"$PIN_OUT")"
	[ "$n" = 0 ] || why "the loop's signal got through $n times of ${a:-?}"
	[ "${p:-0}" -gt 0 ] && [ "$p" = "$a" ] ||
		why "not every attempt failed with EPERM: $(oneline 200 <"$PIN_OUT")"
	# every restart adopted the pinned programs: same build, links taken,
	# nothing attached anew (the start record's programs are the adopted)
	n=$(grep '"type":"adopt"' "$LOG" | grep -c '"same_build":true')
	[ "$n" = "$PIN_RESTARTS" ] ||
		why "$n adopt records with the same build, want $PIN_RESTARTS"
	grep '"type":"adopt"' "$LOG" | grep -q '"links_adopted":0,' &&
		why "an adopt record with no link adopted"
	# policy generations: 1, 2, 3, ... with no gap (an adopting engine goes
	# on from the pinned one's); decisions only of generations in them
	prev=0
	for g in $(grep -o '"type":"policy","generation":[0-9]*' "$LOG" | grep -o '[0-9]*$'); do
		[ "$g" = $((prev + 1)) ] || why "policy generation $g after $prev"
		prev=$g
	done
	[ "$prev" = $((PIN_RELOADS + PIN_RESTARTS + 1)) ] ||
		why "last generation $prev, want $((PIN_RELOADS + PIN_RESTARTS + 1))"
	g=$(grep '"type":"decision"' "$LOG" | grep -o '"generation":[0-9]*' | grep -o '[0-9]*$' |
		sort -un | awk -v max="$prev" '$1 < 1 || $1 > max' | head -n 1)
	[ -z "$g" ] || why "a decision of generation $g, which no policy record names"
}

sc_pin_detach() {
	if running; then
		pin_unpin
		op kill $PIN_AS /bin/bwtest kill "$(cat "$T/pin.victim")" SIGUSR1
		pin_builds >"$(f pins out)"
		kill -KILL "$(cat "$T/pin.victim")" 2>/dev/null
		return 0
	fi
	want kill OK
	[ ! -s "$(f pins out)" ] || why "builds still pinned: $(oneline 100 <"$(f pins out)")"
}

pin_groups() {
	pin_unpin
	solo pin-baseline
	pin_rules 0
	PIN_KEEP=1
	group pin enforce "$PIN_RULES" pin-reload-loop pin-sigkill-eperm pin-restart-loop
	PIN_KEEP=
	solo pin-detach
}
