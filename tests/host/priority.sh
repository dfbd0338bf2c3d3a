#!/bin/sh
# [log] priority_boost: the engine's thread that reads the ring buffers and
# writes the log (its main thread: tid = pid) runs that far below the nice
# value it started with (default 4; 0 leaves it; at most to -20), read
# from the kernel (/proc/PID/task/TID/stat), said in the start record and
# the live status.  A thread it starts later (a reload's compiling, the
# log's compression) gives the boost back.  Without CAP_SYS_NICE the engine runs on at its nice
# value and says why.  bulwark check refuses a bad value with file and line.
#   sh tests/host/priority.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

# nice_of PID TID: field 19 of the thread's stat (the 17th after the comm)
nice_of() { sed 's/.*) //' "/proc/$1/task/$2/stat" 2>/dev/null | awk '{ print $17 }'; }
# clamp N: N within -20..19, as the kernel keeps a nice value
clamp() { if [ "$1" -lt -20 ]; then echo -20; elif [ "$1" -gt 19 ]; then echo 19; else echo "$1"; fi; }

P=$(nice_of $$ $$)	# this shell's nice: the engines' parent's

printf '[audit-prio]\nevent = signal\naction = audit\nsignal = SIGURG\ntarget_comm = bwprionone\n' >"$T/one.rules"

# conf NAME BOOST: an audit-only policy, [log] priority_boost = BOOST
# ("-": the key left out)
conf() {
	{
		printf '[engine]\nrules = %s/%s.rules\nlog = %s/%s.log\n' "$T" "${3:-one}" "$T" "$1"
		printf 'status = %s/%s.status\ncontrol = %s/%s.ctl\non_lsm_missing = audit\n' "$T" "$1" "$T" "$1"
		printf '[log]\nflush = none\n'
		[ "$2" = - ] || printf 'priority_boost = %s\n' "$2"
	} >"$T/$1.conf"
}

# ---- bulwark check: bad values, with file and line ----
conf bad -
ok=1
for v in 21 -1 high 4.5; do
	sed "s/^flush = none\$/flush = none\npriority_boost = $v/" "$T/bad.conf" >"$T/bad-v.conf"
	out=$("$BW" check --config "$T/bad-v.conf" 2>&1)
	rc=$?
	want="$T/bad-v.conf:9: error: bad value '$v' for priority_boost (0 to 20"
	case $out in
	*"$want"*) [ $rc = 1 ] || { ok=0; why="$v: exit $rc"; } ;;
	*) ok=0; why="$v: exit $rc, $out" ;;
	esac
done
out=$("$BW" check --config "$T/bad.conf" 2>&1) || { ok=0; why="the same file without the key: $out"; }
if [ $ok = 1 ]; then
	pass priority-check
else
	fail priority-check "$(echo "$why" | head -c 400)"
fi

degraded_gate || exit 0

# engine NAME START BOOST [RULES]: an engine under `nice -n START` with
# BOOST, ready; sets EPID, and BASE, the nice value it started with
engine() {
	conf "$1" "$3" "${4:-}"
	BASE=$(clamp $((P + $2)))
	nice -n "$2" "$BW" run --config "$T/$1.conf" --ready-file "$T/$1.ready" 2>"$T/$1.err" &
	EPID=$!
	wait_ready "$T/$1.ready" $EPID
}

# start_field NAME KEY: KEY (a number) of NAME's start record
start_field() {
	grep '"type":"start"' "$T/$1.log" | sed -n "s/.*\"$2\":\(-\{0,1\}[0-9]*\).*/\1/p"
}

# check_case NAME START BOOST: the main thread's nice is BASE - BOOST (at
# least -20), in the kernel, the start record and the live status
check_case() {
	name=priority-$1
	boost=$3
	[ "$boost" = - ] && boost=4
	if ! engine "$1" "$2" "$3"; then
		fail "$name" "engine not ready: $(head -c 400 "$T/$1.err")"
		kill $EPID 2>/dev/null
		return
	fi
	want=$(clamp $((BASE - boost)))
	got=$(nice_of $EPID $EPID)
	rec_boost=$(start_field "$1" priority_boost)
	rec_nice=$(start_field "$1" nice)
	live=$("$BW" status --json --config "$T/$1.conf" 2>&1)
	text=$("$BW" status --config "$T/$1.conf" 2>&1)
	engine_stop $EPID
	rc=$?
	if [ "$got" != "$want" ]; then
		fail "$name" "started at nice $BASE with boost $boost: the log thread is at nice $got, not $want"
	elif [ "$rec_boost" != "$boost" ] || [ "$rec_nice" != "$want" ]; then
		fail "$name" "the start record says priority_boost ${rec_boost:-none}, nice ${rec_nice:-none}: $(grep '"type":"start"' "$T/$1.log" | head -c 300)"
	else
		case $live in
		*"\"priority\":{\"boost\":$boost,\"nice\":$want}"*)
			if [ $rc != 0 ]; then
				fail "$name" "the engine exited $rc: $(head -c 300 "$T/$1.err")"
			elif ! echo "$text" | grep -qx "priority   boost $boost, the log thread at nice $want"; then
				fail "$name" "bulwark status has no line 'priority   boost $boost, the log thread at nice $want'"
			else
				pass "$name"
			fi ;;
		*) fail "$name" "the live status has no priority boost $boost, nice $want: $(echo "$live" | head -c 300)" ;;
		esac
	fi
}

check_case default 0 -		# auditd's 4
check_case ten 0 10
check_case zero 5 0		# unchanged: the parent's
check_case relative 5 -		# 4 below the nice it started with
check_case clamp 0 20		# at most to -20

# other_thread SIG: sends SIG to $EPID, then sets seen to "TID:NICE" of the
# first thread other than its main one to show in /proc (polled; empty when
# none did) and main to the main (log) thread's nice value
other_thread() {
	kill -"$1" $EPID
	seen=
	i=0
	while [ -z "$seen" ] && [ $i -lt 2000 ]; do
		for d in /proc/"$EPID"/task/*; do
			tid=${d##*/}
			[ "$tid" = $EPID ] && continue
			n=$(nice_of $EPID "$tid")
			[ -n "$n" ] && seen="$tid:$n" && break
		done
		i=$((i + 1))
	done
	main=$(nice_of $EPID $EPID)
}

# gave_back NAME WHAT: 0 when the thread other_thread saw (the engine's
# WHAT) was back at $BASE and the log thread ($main) kept its boost; else
# NAME skipped (not seen) or failed, and 1
gave_back() {
	if [ -z "$seen" ]; then
		skip "$1" "the $2 ended before it was seen in /proc"
		return 1
	fi
	if [ "${seen#*:}" != "$BASE" ] || [ "$main" != "$(clamp $((BASE - 4)))" ]; then
		fail "$1" "the $2 $seen (want nice $BASE), the log thread at $main"
		return 1
	fi
}

# ---- a reload's compiling thread gives the boost back ----
# 3,000 rules take the thread long enough to be seen in /proc
awk 'BEGIN { for (i = 0; i < 3000; i++)
	printf "[r%d]\nevent = signal\naction = audit\nsignal = SIGURG\ntarget_comm = bwp%d\n\n", i, i }' >"$T/many.rules"
if ! engine reload 0 - many; then
	fail priority-reload "engine not ready: $(head -c 400 "$T/reload.err")"
	kill $EPID 2>/dev/null
else
	other_thread HUP
	sleep 1
	engine_stop $EPID
	gave_back priority-reload "reload's thread" && pass priority-reload
fi

# ---- the log's compression thread too ----
# 48 MiB of base64 in the log before the start: its compression after
# SIGUSR1 (a rotation) takes about a second
head -c 36000000 /dev/urandom | base64 >"$T/rotate.log"
if ! engine rotate 0 -; then
	fail priority-rotate "engine not ready: $(head -c 400 "$T/rotate.err")"
	kill $EPID 2>/dev/null
else
	other_thread USR1
	j=0
	while [ ! -e "$T/rotate.log.1.gz" ] && [ $j -lt 100 ]; do
		sleep 0.1
		j=$((j + 1))
	done
	engine_stop $EPID
	if gave_back priority-rotate "compression thread"; then
		if [ -e "$T/rotate.log.1.gz" ]; then
			pass priority-rotate
		else
			fail priority-rotate "no rotate.log.1.gz after the rotation"
		fi
	fi
fi

# ---- without CAP_SYS_NICE: said, and the engine runs on ----
if ! command -v setpriv >/dev/null; then
	skip priority-nocap "no setpriv to start the engine without CAP_SYS_NICE"
	exit 0
fi
conf nocap -
setpriv --bounding-set=-sys_nice "$BW" run --config "$T/nocap.conf" --ready-file "$T/nocap.ready" 2>"$T/nocap.err" &
EPID=$!
if ! wait_ready "$T/nocap.ready" $EPID; then
	fail priority-nocap "engine not ready without CAP_SYS_NICE: $(head -c 400 "$T/nocap.err")"
	kill $EPID 2>/dev/null
	exit 0
fi
got=$(nice_of $EPID $EPID)
engine_stop $EPID
rc=$?
if [ "$got" != "$P" ]; then
	fail priority-nocap "the log thread is at nice $got, not its parent's $P"
elif ! grep -q 'priority_boost = 4: setpriority failed: Permission denied' "$T/nocap.err"; then
	fail priority-nocap "no warning with the errno on stderr: $(head -c 400 "$T/nocap.err")"
elif ! grep '"type":"start"' "$T/nocap.log" | grep -q '"priority_boost":4,"nice":'"$P"',"priority_error":"Permission denied"'; then
	fail priority-nocap "the start record does not say it: $(grep '"type":"start"' "$T/nocap.log" | head -c 300)"
elif [ $rc != 0 ]; then
	fail priority-nocap "the engine exited $rc"
else
	pass priority-nocap
fi
exit 0
