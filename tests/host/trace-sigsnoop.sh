#!/bin/sh
# sigsnoop on this kernel: known signals to known sleeping processes, a
# kill of a pid that does not exist, refused and ignored signals, filters,
# both modes (signal_generate, -k) and each attach method.
BW=$1
. "$(dirname "$0")/tracelib.sh"

H=$(dirname "${2:-.output/bwtest}")/bwcalls
if [ "$(id -u)" != 0 ]; then
	skip sigsnoop "needs root"
	exit 0
fi
if [ ! -x "$H" ]; then
	skip sigsnoop "helper $H not built (make .output/bwcalls)"
	exit 0
fi
# the sender makes each call itself; the victims are sleeps with a name of their own
cp "$H" "$TR_T/bwsig"
cp "$(command -v sleep)" "$TR_T/bwvictim"
NOPID=$(cat /proc/sys/kernel/pid_max)	# never a process's pid
NOBODY=65534

# victims: V1 gets SIGUSR1 (and dies of it), V2 SIGURG (ignored by
# default), then 0, then SIGUSR2 with tgkill (and dies), V3 SIGUSR2 with tkill
start_victims() {
	"$TR_T/bwvictim" 60 & V1=$!
	"$TR_T/bwvictim" 60 & V2=$!
	"$TR_T/bwvictim" 60 & V3=$!
	# until each runs the sleep (its comm is bwvictim)
	for v in $V1 $V2 $V3; do
		i=0
		while [ "$(cat /proc/$v/comm 2>/dev/null)" != bwvictim ] && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
	done
}
end_victims() {
	kill $V1 $V2 $V3 2>/dev/null
	wait $V1 $V2 $V3 2>/dev/null
}

# The workload; $TR_T/wl.out gets each step's exit status.
workload() {
	{
		"$TR_T/bwsig" kill $V1 10; echo "kill-usr1 $?"
		"$TR_T/bwsig" kill "$NOPID" 10; echo "kill-esrch $?"
		"$TR_T/bwsig" kill $V2 23; echo "kill-urg $?"
		"$TR_T/bwsig" kill $V2 0; echo "kill-0 $?"
		setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$TR_T/bwsig" kill $V2 10
		echo "kill-eperm $?"
		"$TR_T/bwsig" tgkill $V2 $V2 12; echo "tgkill-usr2 $?"
		"$TR_T/bwsig" tkill $V3 12; echo "tkill-usr2 $?"
	} >"$TR_T/wl.out" 2>/dev/null
	wait $V1 $V2 $V3 2>/dev/null
}
want_wl="kill-usr1 0
kill-esrch 1
kill-urg 0
kill-0 0
kill-eperm 1
tgkill-usr2 0
tkill-usr2 0"

if ! command -v setpriv >/dev/null; then
	skip sigsnoop "setpriv (util-linux) not found"
	exit 0
fi

# ---- signal_generate ----
start_victims
if ! tracer_start sigsnoop -c bwsig; then
	fail sigsnoop-attach "$TR_WHY"
	end_victims
	exit 0
fi
workload
tracer_stop || fail sigsnoop-stop "$TR_WHY"
cp "$TR_OUT" "$TR_T/gen.json"
if [ "$(cat "$TR_T/wl.out")" != "$want_wl" ]; then
	fail sigsnoop-workload "$(tr '\n' ' ' <"$TR_T/wl.out")"
fi

one_rec sigsnoop-generate ".sig == 10" \
	".call == \"signal_generate\" and .signal == \"SIGUSR1\" and .target_pid == $V1 and
	 .target_comm == \"bwvictim\" and .result == \"delivered\" and .ret == 0 and
	 .code_str == \"SI_USER\" and .group == true and .comm == \"bwsig\" and
	 .uid == 0 and .tracer == \"sigsnoop\""
one_rec sigsnoop-generate-ignored ".sig == 23" \
	".signal == \"SIGURG\" and .target_pid == $V2 and .result == \"ignored\" and .ret == 0"
one_rec sigsnoop-generate-tgkill ".sig == 12 and .target_pid == $V2" \
	".signal == \"SIGUSR2\" and .code_str == \"SI_TKILL\" and .group == false and
	 .result == \"delivered\" and .target_comm == \"bwvictim\""
one_rec sigsnoop-generate-tkill ".sig == 12 and .target_pid == $V3" \
	".code_str == \"SI_TKILL\" and .group == false and .result == \"delivered\""
# nothing else, but the SIGCHLD each bwsig sends this shell when it exits;
# the kernel refused the ESRCH and EPERM calls before any signal existed
if [ "$(nrecs '.sig != 17')" = 4 ] && [ "$(nrecs '.comm != "bwsig"')" = 0 ] &&
   [ "$(nrecs ".sig == 17 and .target_pid != $$")" = 0 ]; then
	pass sigsnoop-generate-exactly-these
else
	fail sigsnoop-generate-exactly-these "$(head -c 800 "$TR_OUT")"
fi

# -x: not delivered as sent (here: the ignored SIGURG)
start_victims
if tracer_start sigsnoop -x -c bwsig; then
	workload
	tracer_stop || fail sigsnoop-failed-stop "$TR_WHY"
	if [ "$(nrecs '.result == "delivered"')" = 0 ] && [ "$(nrecs '.sig != 17')" = 1 ] &&
	   [ "$(nrecs ".sig == 23 and .result == \"ignored\" and .target_pid == $V2")" = 1 ]; then
		pass sigsnoop-generate-failed-only
	else
		fail sigsnoop-generate-failed-only "$(head -c 800 "$TR_OUT")"
	fi
else
	fail sigsnoop-generate-failed-only "$TR_WHY"
fi

# ---- -k: the kill calls ----
start_victims
if tracer_start sigsnoop -k -c bwsig; then
	workload
	tracer_stop || fail sigsnoop-kill-stop "$TR_WHY"
	cp "$TR_OUT" "$TR_T/kill.json"
	one_rec sigsnoop-kill ".sig == 10 and .target_pid == $V1" \
		".call == \"kill\" and .signal == \"SIGUSR1\" and .target_comm == \"bwvictim\" and
		 .result == \"delivered\" and .ret == 0 and (has(\"errno\") | not) and .uid == 0"
	one_rec sigsnoop-kill-esrch ".target_pid == $NOPID" \
		".call == \"kill\" and .sig == 10 and .ret == -3 and .errno == \"ESRCH\" and
		 (has(\"target_comm\") | not) and (has(\"result\") | not)"
	one_rec sigsnoop-kill-eperm ".uid == $NOBODY" \
		".call == \"kill\" and .sig == 10 and .target_pid == $V2 and .ret == -1 and
		 .errno == \"EPERM\" and (has(\"target_comm\") | not)"
	one_rec sigsnoop-kill-ignored ".sig == 23" \
		".call == \"kill\" and .target_pid == $V2 and .result == \"ignored\" and .ret == 0 and
		 .target_comm == \"bwvictim\""
	one_rec sigsnoop-kill-0 ".sig == 0" \
		".call == \"kill\" and .signal == null and .target_pid == $V2 and .ret == 0 and
		 (has(\"target_comm\") | not)"
	one_rec sigsnoop-tgkill ".call == \"tgkill\"" \
		".sig == 12 and .signal == \"SIGUSR2\" and .target_pid == $V2 and .target_tgid == $V2 and
		 .target_comm == \"bwvictim\" and .ret == 0"
	one_rec sigsnoop-tkill ".call == \"tkill\"" \
		".sig == 12 and .target_pid == $V3 and .target_comm == \"bwvictim\" and .ret == 0 and
		 (has(\"target_tgid\") | not)"
	# exactly the seven calls: no SIGCHLD (no call sends it)
	if [ "$(nrecs 'true')" = 7 ] && [ "$(nrecs '.comm != "bwsig"')" = 0 ]; then
		pass sigsnoop-kill-exactly-these
	else
		fail sigsnoop-kill-exactly-these "$(head -c 800 "$TR_OUT")"
	fi
else
	fail sigsnoop-kill "$TR_WHY"
fi

start_victims
if tracer_start sigsnoop -k -x -c bwsig; then
	workload
	tracer_stop || fail sigsnoop-kill-failed-stop "$TR_WHY"
	if [ "$(nrecs 'true')" = 2 ] && [ "$(nrecs '.ret == -3 and .target_pid == '"$NOPID")" = 1 ] &&
	   [ "$(nrecs '.ret == -1 and .errno == "EPERM"')" = 1 ]; then
		pass sigsnoop-kill-failed-only
	else
		fail sigsnoop-kill-failed-only "$(head -c 800 "$TR_OUT")"
	fi
else
	fail sigsnoop-kill-failed-only "$TR_WHY"
fi

# -p: the sender, whatever its name; other senders are not reported
start_victims
mkfifo "$TR_T/fifo"
# shellcheck disable=SC2016
sh -c 'read x <"$1"; exec "$2" kill "$3" 10' sh "$TR_T/fifo" "$TR_T/bwsig" $V1 &
sender=$!
if tracer_start sigsnoop -k -p "$sender"; then
	"$TR_T/bwsig" kill $V3 10
	echo go >"$TR_T/fifo"
	wait "$sender"
	tracer_stop || fail sigsnoop-pid-stop "$TR_WHY"
	if [ "$(nrecs 'true')" = 1 ] &&
	   [ "$(nrecs ".pid == $sender and .target_pid == $V1 and .target_comm == \"bwvictim\"")" = 1 ]; then
		pass sigsnoop-pid-filter
	else
		fail sigsnoop-pid-filter "pid $sender: $(head -c 800 "$TR_OUT")"
	fi
else
	fail sigsnoop-pid-filter "$TR_WHY"
	echo go >"$TR_T/fifo"
	wait "$sender"
fi
end_victims

# ---- the raw_tp methods: the same records as the tracepoints' ----
same_as() {	# same_as NAME FILE: this run's records = FILE's, the identity apart
	strip='del(.time, .pid, .tid, .ppid, .exec_id, .mntns) |
		(if .target_pid == $v1 then .target_pid = "V1" else . end) |
		(if .target_pid == $v2 then .target_pid = "V2" else . end) |
		(if .target_pid == $v3 then .target_pid = "V3" else . end) |
		(if .target_tgid == $v2 then .target_tgid = "V2" else . end)'
	# $3 $4 $5: the victims of the first run
	jq -c --argjson v1 "$3" --argjson v2 "$4" --argjson v3 "$5" "select(.sig != 17) | $strip" \
		"$2" >"$TR_T/want"
	jq -c --argjson v1 "$V1" --argjson v2 "$V2" --argjson v3 "$V3" "select(.sig != 17) | $strip" \
		"$TR_OUT" >"$TR_T/got"
	if [ -s "$TR_T/want" ] && cmp -s "$TR_T/want" "$TR_T/got"; then
		pass "$1"
	else
		fail "$1" "$(diff "$TR_T/want" "$TR_T/got" | head -c 800)"
	fi
}
# the first runs' victims, from their records
gv1=$(jq -r 'select(.sig == 10) | .target_pid' "$TR_T/gen.json")
gv2=$(jq -r 'select(.sig == 23) | .target_pid' "$TR_T/gen.json")
gv3=$(jq -r 'select(.sig == 12 and .group == false) | .target_pid' "$TR_T/gen.json" | grep -vx "$gv2")
kv1=$(jq -r 'select(.sig == 10 and .ret == 0) | .target_pid' "$TR_T/kill.json")
kv2=$(jq -r 'select(.sig == 23) | .target_pid' "$TR_T/kill.json")
kv3=$(jq -r 'select(.call == "tkill") | .target_pid' "$TR_T/kill.json")

start_victims
if tracer_start sigsnoop --via raw_tp -c bwsig; then
	workload
	tracer_stop || fail sigsnoop-raw-tp-stop "$TR_WHY"
	same_as sigsnoop-raw-tp "$TR_T/gen.json" "${gv1:-0}" "${gv2:-0}" "${gv3:-0}"
else
	fail sigsnoop-raw-tp "$TR_WHY"
fi
end_victims
start_victims
if tracer_start sigsnoop -k --via raw_tp -c bwsig; then
	workload
	tracer_stop || fail sigsnoop-kill-raw-tp-stop "$TR_WHY"
	same_as sigsnoop-kill-raw-tp "$TR_T/kill.json" "${kv1:-0}" "${kv2:-0}" "${kv3:-0}"
else
	fail sigsnoop-kill-raw-tp "$TR_WHY"
fi
end_victims
