#!/bin/sh
# The degraded (audit-only) path on a kernel that refuses BPF LSM
# programs, as root: refusal under on_lsm_missing = refuse, then one engine
# in audit-only mode: would-deny records for exec (long, private-bind and
# unresolvable paths), signal, mount, capability and IPC, syscall kill and
# audit at sys_enter, the syscall and seccomp tracers in its log, reload
# with bad and good rules, a ring-buffer overflow counted exactly, status,
# rotation on SIGUSR1, a clean stop, and the metrics file and log it leaves.
# Its directory (audit.conf, host.rules, audit.log, audit.log.1.gz,
# metrics.prom, shell.pid: the pid of this shell, the parent of the
# programs it ran) is read by log-read.sh and replay.sh; "done" marks it
# complete.
#   sh tests/host/audit-only.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

degraded_gate || exit 0

# the programs and rules of exec-seccomp.sh, for the seccomp tracer's records
printf '%s\n' '[deny-uname]' 'event = syscall' 'action = deny' 'syscall = uname' \
	'errno = EACCES' 'comm = bwexec' '' '[kill-getppid]' 'event = syscall' \
	'action = kill' 'syscall = getppid' 'comm = bwexec' '' '[deny-chroot]' \
	'event = syscall' 'action = deny' 'syscall = chroot' 'comm = bwexec' >"$T/exec.rules"
[ -x "$BWTEST" ] && cp "$BWTEST" "$T/bwexec"
echo $$ >"$T/shell.pid"

ver=$("$BW" version --json 2>&1)
if echo "$ver" | grep -q '"lsm_programs_load":false' &&
   echo "$ver" | grep -q '"reason":"'; then
	pass version-reports-no-enforcement
else
	fail version-reports-no-enforcement "$ver"
fi

cat >"$T/host.rules" <<EOF
[deny-exec-marker]
event = exec
action = deny
path = $T/bin/

[deny-exec-paths]
event = exec
action = deny
path = $T/paths/

[deny-exec-private]
event = exec
action = deny
path = private:

[deny-usr1]
event = signal
action = deny
signal = SIGUSR1
target_comm = sleep

[deny-term-exe]
event = signal
action = deny
signal = SIGTERM
target_comm = bwvictim
exe = !/tmp/bw-trusted/killer
uid = 65534

[deny-tmpfs-mount]
event = mount
action = deny
fstype = tmpfs
target = $T/mnt/

[deny-raw]
event = capable
action = deny
capability = cap_net_raw
comm = bwtest

[audit-urg-burst]
event = signal
action = audit
signal = SIGURG
target_comm = bwburst

[kill-getppid]
event = syscall
action = kill
syscall = getppid
comm = bwkill

[audit-uname]
event = syscall
action = audit
syscall = uname
comm = bwtest

[deny-chroot]
event = syscall
action = deny
syscall = chroot
comm = bwtest

[audit-openat-uring]
event = syscall
action = audit
syscall = openat
comm = bwuring

[deny-shm]
event = ipc
action = deny
ipc_kind = shm
comm = bwtest
EOF

cat >"$T/refuse.conf" <<EOF
[engine]
rules = $T/host.rules
log = $T/refuse.log
on_lsm_missing = refuse
EOF
out=$("$BW" run --config "$T/refuse.conf" --ready-file "$T/ready0" 2>&1); rc=$?
if [ $rc -ne 0 ] && echo "$out" | grep -q "cannot enforce" &&
   echo "$out" | grep -q "refusing to start" && [ ! -e "$T/ready0" ]; then
	pass refuse-without-lsm
else
	fail refuse-without-lsm "exit $rc: $out"
fi

# Without privileges, run says it needs root, and exits (no audit-only
# attempt, no blaming the kernel).
if command -v setpriv >/dev/null; then
	U=$(mktemp -d /tmp/bw-unpriv.XXXXXX)
	chmod 755 "$U"
	cp "$BW" "$U/bulwark"
	printf '[engine]\nrules = %s/u.rules\nlog = %s/u.log\non_lsm_missing = audit\n' "$U" "$U" >"$U/u.conf"
	printf '[u]\nevent = exec\naction = audit\npath = /nonexistent/\n' >"$U/u.rules"
	chmod 644 "$U/u.conf" "$U/u.rules"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$U/bulwark" run \
		--config "$U/u.conf" 2>&1); rc=$?
	if [ $rc -ne 0 ] && echo "$out" | grep -q "needs root" &&
	   ! echo "$out" | grep -q "AUDIT-ONLY"; then
		pass run-unprivileged-needs-root
	else
		fail run-unprivileged-needs-root "exit $rc: $out"
	fi
	rm -rf "$U"
else
	skip run-unprivileged-needs-root "setpriv (util-linux) not found"
fi

cat >"$T/audit.conf" <<EOF
[engine]
rules = $T/host.rules
log = $T/audit.log
status = $T/status.json
on_lsm_missing = audit

[tracers]
syscall = first
syscall_filter = getppid
seccomp = on

[metrics]
path = $T/metrics.prom
interval = 1
EOF

"$BW" run --config "$T/audit.conf" --ready-file "$T/ready" 2>"$T/run.err" &
pid=$!
if ! wait_ready "$T/ready" $pid; then
	fail degraded-start "engine not ready: $(cat "$T/run.err")"
	kill $pid 2>/dev/null
	exit 0
fi
if grep -q "AUDIT-ONLY" "$T/run.err" && grep -q '"type":"start"' "$T/audit.log" &&
   grep '"type":"start"' "$T/audit.log" | grep -q '"enforcing":false'; then
	pass degraded-start
else
	fail degraded-start "$(cat "$T/run.err")"
fi

# exec: the program runs, the record says would-deny, not enforced
mkdir -p "$T/bin" "$T/mnt"
cp /bin/true "$T/bin/marker-true"
if "$T/bin/marker-true"; then
	sleep 0.5
	line=$(grep '"rule":"deny-exec-marker"' "$T/audit.log" | head -1)
	if has_all "$line" '"decision":"would-deny"' '"enforced":false' \
		"\"path\":\"$T/bin/marker-true\""; then
		pass degraded-exec-would-deny
	else
		fail degraded-exec-would-deny "record: ${line:-none}"
	fi
else
	fail degraded-exec-would-deny "the program did not run"
fi

# Paths are exact or closed, and named from PID 1's mount namespace.
# rec_of PATTERN: the first would-deny exec record containing PATTERN
rec_of() {
	grep '"event":"exec"' "$T/audit.log" | grep '"decision":"would-deny"' |
		grep -F -e "$1" | head -n 1
}
long_a=$(printf 'a%.0s' $(seq 245))
long_b=$(printf 'b%.0s' $(seq 245))
mkdir -p "$T/paths/$long_a/$long_b" "$T/paths/dd" "$T/ub"
cp /bin/true "$T/paths/$long_a/$long_b/true"
cp /bin/true "$T/paths/dd/true"
full="$T/paths/$long_a/$long_b/true"
"$T/paths/$long_a/$long_b/true"
sleep 0.5
head251=$(printf '%s' "$full" | cut -c 1-251)
line=$(rec_of "\"path\":\"$head251\"")
if [ ${#full} -gt 251 ] && has_all "$line" '"rule":"deny-exec-paths"' '"path_truncated":true' \
	'"op":"exec"'; then
	pass degraded-exec-long-path
else
	fail degraded-exec-long-path "no record of the first 251 bytes of $full with path_truncated: ${line:-none}"
fi

# a bind mount in a private mount namespace does not rename the file
if unshare -m --propagation private sh -c \
	"mount --bind '$T/paths/dd' '$T/ub' && '$T/ub/true'" 2>"$T/unshare.err"; then
	sleep 0.5
	line=$(rec_of "\"path\":\"$T/paths/dd/true\"")
	if echo "$line" | grep -q '"rule":"deny-exec-paths"' &&
	   ! grep -q "\"path\":\"$T/ub/true\"" "$T/audit.log"; then
		pass degraded-exec-private-bind
	else
		fail degraded-exec-private-bind "no record naming $T/paths/dd/true (or one naming $T/ub/true): ${line:-none}"
	fi
else
	skip degraded-exec-private-bind "unshare -m failed: $(cat "$T/unshare.err")"
fi

# a tmpfs a user mounted in a namespace of their own: whatever its name,
# path = private: meets its programs
P=$(mktemp -d /tmp/bw-private.XXXXXX)
chmod 755 "$P"
if ! command -v setpriv >/dev/null; then
	skip degraded-exec-private-value "setpriv (util-linux) not found"
elif setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urm sh -c \
	"mount -t tmpfs bw '$P' && cp /bin/true '$P/bwpriv' && '$P/bwpriv'" \
	2>"$T/unshare.err"; then
	sleep 0.5
	line=$(rec_of "\"path\":\"$P/bwpriv\"")
	if has_all "$line" '"rule":"deny-exec-private"' '"path_private":true' '"uid":65534'; then
		pass degraded-exec-private-value
	else
		fail degraded-exec-private-value "no would-deny record of deny-exec-private naming $P/bwpriv with path_private: ${line:-none}"
	fi
else
	skip degraded-exec-private-value "uid 65534 cannot mount a tmpfs in unshare -Urm: $(cat "$T/unshare.err")"
fi
rmdir "$P"

# a path longer than PATH_MAX cannot be resolved: every deny rule on
# path matches it (here the first, deny-exec-marker), closed
# (bwtest builds the tree with mkdir+chdir and execs by a relative path:
# the shell cannot name such a path)
deep=$T/deep
mkdir -p "$deep"
"$BWTEST" deep-exec "$deep" 17 245 >"$T/deep.out" 2>&1
sleep 0.5
line=$(rec_of '"path_unresolved":true')
if has_all "$line" '"rule":"deny-exec-marker"' '"path":""'; then
	pass degraded-exec-unresolved-closed
else
	fail degraded-exec-unresolved-closed "no would-deny record with path_unresolved: ${line:-none}; bwtest: $(tr '\n' ' ' <"$T/deep.out")"
fi
rm -rf "$deep"

# signal: delivered, recorded
sleep 30 &
victim=$!
# until it has exec'd, the child is still called sh
i=0
while [ "$(cat /proc/$victim/comm 2>/dev/null)" != sleep ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
kill -USR1 $victim
sleep 0.5
line=$(grep '"rule":"deny-usr1"' "$T/audit.log" | head -1)
if has_all "$line" '"decision":"would-deny"' "\"target_pid\":$victim" '"signal":"SIGUSR1"'; then
	pass degraded-signal-would-deny
else
	fail degraded-signal-would-deny "record: ${line:-none}"
fi
kill $victim 2>/dev/null

# an exe pointed elsewhere after exec (prctl(PR_SET_MM_MAP) in a user
# namespace of its own, which any user may make) is still the one exec'd:
# the exception by exe does not apply, and the record says so
if ! command -v setpriv >/dev/null; then
	skip degraded-exe-replaced "setpriv (util-linux) not found"
elif [ ! -x "$BWTEST" ]; then
	skip degraded-exe-replaced "helper $BWTEST not built"
else
	rm -rf /tmp/bw-trusted
	mkdir -m 755 /tmp/bw-trusted
	cp "$BWTEST" /tmp/bw-trusted/killer
	cp "$BWTEST" "$T/bwvictim"
	chmod 755 "$T" "$T/bwvictim"
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	# not through the function: $! must be the victim itself
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T/bwvictim" sleep 30 >/dev/null &
	victim=$!
	i=0
	while [ "$(cat /proc/$victim/comm 2>/dev/null)" != bwvictim ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	out=$(as_nobody "$BWTEST" userns-exe-kill /tmp/bw-trusted/killer $victim TERM 2>&1)
	sender=$(echo "$out" | sed -n 's/^pid=//p')
	sleep 0.5
	line=$(grep '"rule":"deny-term-exe"' "$T/audit.log" | grep "\"pid\":$sender," | head -1)
	if echo "$out" | grep -q '^result=OK' && [ -n "$sender" ] &&
	   has_all "$line" '"decision":"would-deny"' "\"exe\":\"$BWTEST\"" \
		'"exe_replaced":true'; then
		pass degraded-exe-replaced
	else
		fail degraded-exe-replaced "bwtest: $(echo "$out" | tr '\n' ' '); record: ${line:-none}"
	fi
	kill $victim 2>/dev/null
	rm -rf /tmp/bw-trusted
fi

# mount: in a private mount namespace, so nothing leaks
if unshare -m sh -c "mount -t tmpfs none $T/mnt/ && umount $T/mnt/"; then
	sleep 0.5
	line=$(grep '"rule":"deny-tmpfs-mount"' "$T/audit.log" | head -1)
	if has_all "$line" '"decision":"would-deny"' '"fstype":"tmpfs"'; then
		pass degraded-mount-would-deny
	else
		fail degraded-mount-would-deny "record: ${line:-none}"
	fi
else
	fail degraded-mount-would-deny "mount failed"
fi

if [ -x "$BWTEST" ]; then
	# a raw socket: needs the capability/cap_capable tracepoint (6.x)
	if [ -d /sys/kernel/tracing/events/capability/cap_capable ]; then
		cp "$BWTEST" "$T/bwtest"
		out=$("$T/bwtest" raw-socket)
		sleep 0.5
		line=$(grep '"rule":"deny-raw"' "$T/audit.log" | head -1)
		if echo "$out" | grep -q result=OK &&
		   has_all "$line" '"decision":"would-deny"' '"capability":"cap_net_raw"'; then
			pass degraded-capable-would-deny
		else
			fail degraded-capable-would-deny "helper: $out; record: ${line:-none}"
		fi
	else
		skip degraded-capable-would-deny "no capability/cap_capable tracepoint in this kernel"
	fi
	out=$("$T/bwtest" shm)
	sleep 0.5
	line=$(grep '"rule":"deny-shm"' "$T/audit.log" | head -1)
	if echo "$out" | grep -q result=OK &&
	   has_all "$line" '"decision":"would-deny"' '"kind":"shm"'; then
		pass degraded-ipc-would-deny
	else
		fail degraded-ipc-would-deny "helper: $out; record: ${line:-none}"
	fi
else
	skip degraded-capable-would-deny "helper $BWTEST not built"
	skip degraded-ipc-would-deny "helper $BWTEST not built"
fi

# i386's IPC and mount calls (int $0x80), which the syscall tracepoints
# never see: audited at sys_enter, where the kernel runs i386 code at all
if [ ! -x "$BWTEST" ]; then
	skip degraded-ia32-calls "helper $BWTEST not built"
else
	# braces: the shell's own "Segmentation fault" goes into out too
	out=$( { "$T/bwtest" shm32 attach; } 2>&1); rc=$?
	# version says what the engine found: the kernel runs i386 code or not
	want=true
	[ $rc -eq 139 ] && want=false
	if "$BW" version --json | jq -e ".ia32 == $want" >/dev/null; then
		pass version-reports-ia32
	else
		fail version-reports-ia32 "bwtest shm32 attach exited $rc, want ia32 $want: $("$BW" version --json)"
	fi
	if [ $rc -gt 128 ]; then
		skip degraded-ia32-calls "this kernel runs no i386 code (int \$0x80 killed bwtest with signal $((rc - 128))): no such call to audit"
	else
		spid=$(echo "$out" | sed -n 's/^pid=//p')
		mout=$(unshare -m "$T/bwtest" mount32 "$T/mnt" 2>&1)
		mpid=$(echo "$mout" | sed -n 's/^pid=//p')
		sleep 0.5
		sline=$(grep '"rule":"deny-shm"' "$T/audit.log" | grep "\"pid\":$spid," | head -1)
		mline=$(grep '"rule":"deny-tmpfs-mount"' "$T/audit.log" | grep "\"pid\":$mpid," | head -1)
		if has_all "$sline" '"decision":"would-deny"' '"kind":"shm"' '"access":"read"' &&
		   has_all "$mline" '"decision":"would-deny"' '"op":"mount"' '"fstype":"tmpfs"'; then
			pass degraded-ia32-calls
		else
			fail degraded-ia32-calls "shm32 attach: $out; record: ${sline:-none}; mount32: $mout; record: ${mline:-none}"
		fi
	fi
fi

# syscall rules at sys_enter: kill and audit work here; a deny that no
# LSM hook can carry out is logged as would-deny, never as enforced
if [ -x "$BWTEST" ]; then
	cp "$BWTEST" "$T/bwkill"
	"$T/bwkill" getppid >/dev/null 2>&1; rc=$?
	sleep 0.5
	line=$(grep '"rule":"kill-getppid"' "$T/audit.log" | head -1)
	if [ $rc -eq 137 ] && has_all "$line" '"decision":"kill"' '"method":"kill-at-entry"' \
		'"name":"getppid"'; then
		pass syscall-kill-at-entry
	else
		fail syscall-kill-at-entry "exit status $rc (want 137); record: ${line:-none}"
	fi
	out=$("$T/bwtest" uname)
	sleep 0.5
	line=$(grep '"rule":"audit-uname"' "$T/audit.log" | head -1)
	if echo "$out" | grep -q result=OK && has_all "$line" '"decision":"audit"' \
		'"enforced":false'; then
		pass syscall-audit
	else
		fail syscall-audit "helper: $out; record: ${line:-none}"
	fi
	out=$("$T/bwtest" chroot /)
	sleep 0.5
	line=$(grep '"rule":"deny-chroot"' "$T/audit.log" | head -1)
	if echo "$out" | grep -q result=OK && has_all "$line" '"decision":"would-deny"' \
		'"method":"audit"' '"enforced":false'; then
		pass syscall-deny-not-claimed
	else
		fail syscall-deny-not-claimed "helper: $out; record: ${line:-none}"
	fi
	# an io_uring openat makes no openat() call: decided at its submission
	cp "$BWTEST" "$T/bwuring"
	out=$("$T/bwuring" uring-openat /etc/hostname)
	upid=$(echo "$out" | sed -n 's/^pid=//p')
	sleep 0.5
	line=$(grep '"rule":"audit-openat-uring"' "$T/audit.log" | head -1)
	if echo "$out" | grep -q result=OK && has_all "$line" '"decision":"audit"' \
		'"name":"openat"' '"via":"io_uring"' "\"pid\":$upid,"; then
		pass syscall-audit-io-uring
	else
		fail syscall-audit-io-uring "helper: $out; record: ${line:-none}"
	fi
	line=$(grep '"type":"syscall"' "$T/audit.log" | grep '"comm":"bwkill"' | head -1)
	if has_all "$line" '"syscall":"getppid"' '"first_use":true' &&
	   [ "$(grep '"type":"syscall"' "$T/audit.log" | grep -vc '"syscall":"getppid"')" = 0 ]; then
		pass syscall-tracer-in-log
	else
		fail syscall-tracer-in-log "record: ${line:-none}"
	fi
	"$BW" exec --rules "$T/exec.rules" --log "$T/exec.log" -- "$T/bwexec" uname >/dev/null
	sleep 0.5
	if grep '"type":"seccomp"' "$T/audit.log" | grep '"what":"reject"' |
	   grep -q '"comm":"bwexec".*"syscall":"uname"'; then
		pass seccomp-tracer-in-log
	else
		fail seccomp-tracer-in-log "$(grep '"type":"seccomp"' "$T/audit.log" | head -3)"
	fi
	if grep '"type":"policy"' "$T/audit.log" | head -1 |
	   grep -q '"deny-chroot":"NOT enforced'; then
		pass syscall-methods-in-log
	else
		fail syscall-methods-in-log "$(grep '"type":"policy"' "$T/audit.log" | head -1)"
	fi
	out=$("$BW" check --rules "$T/host.rules" 2>&1)
	if echo "$out" | grep -q "host.rules:[0-9]*: note: rule 'deny-chroot' (deny) on this kernel: NOT enforced" &&
	   echo "$out" | grep -q "note: rule 'kill-getppid' (kill) on this kernel: SIGKILL at syscall entry"; then
		pass check-syscall-methods
	else
		fail check-syscall-methods "$out"
	fi
else
	for t in syscall-kill-at-entry syscall-audit syscall-deny-not-claimed \
		syscall-audit-io-uring; do
		skip $t "helper $BWTEST not built"
	done
fi

# a bad rule set on SIGHUP is refused and the live policy stays
cp "$T/host.rules" "$T/host.rules.good"
printf '[broken\nevent = nope\n' >>"$T/host.rules"
kill -HUP $pid
sleep 1
cp "$T/host.rules.good" "$T/host.rules"
"$T/bin/marker-true"
sleep 0.5
if grep -q "reload: the new rules have errors" "$T/run.err" &&
   [ "$(grep -c '"type":"policy"' "$T/audit.log")" = 1 ] &&
   grep '"rule":"deny-exec-marker"' "$T/audit.log" | tail -1 | grep -q '"generation":1'; then
	pass reload-bad-rules-keeps-policy
else
	fail reload-bad-rules-keeps-policy "$(tail -5 "$T/run.err")"
fi

# and a good one goes live as generation 2
kill -HUP $pid
sleep 1
"$T/bin/marker-true"
sleep 0.5
if grep '"type":"policy"' "$T/audit.log" | tail -1 | grep -q '"generation":2' &&
   grep '"rule":"deny-exec-marker"' "$T/audit.log" | tail -1 | grep -q '"generation":2'; then
	pass reload-good-rules
else
	fail reload-good-rules "$(tail -5 "$T/run.err")"
fi

# nothing lost silently: with the engine stopped, a burst of records
# overflows the ring buffer; every one is either written or counted
if [ -x "$BWTEST" ]; then
	cp "$BWTEST" "$T/bwburst"
	"$T/bwburst" sleep 60 >/dev/null &
	burst_victim=$!
	i=0
	while [ "$(cat /proc/$burst_victim/comm 2>/dev/null)" != bwburst ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	N=20000
	kill -STOP $pid
	"$T/bwtest" kill-burst $N $burst_victim SIGURG >/dev/null
	kill -CONT $pid
	sleep 3
	kill $burst_victim
	written=$(grep '"type":"decision"' "$T/audit.log" | grep -c '"rule":"audit-urg-burst"')
	lost=$(grep '"type":"lost"' "$T/audit.log" | grep '"event":"signal"' |
		sed 's/.*"total":\([0-9]*\).*/\1/' | tail -1)
	if [ -n "$lost" ] && [ "$lost" -gt 0 ] && [ $((written + lost)) -eq $N ] &&
	   grep -q "lost .* signal records" "$T/run.err"; then
		pass lost-records-counted
	else
		fail lost-records-counted "$N sent, $written written, ${lost:-no} lost record"
	fi
else
	skip lost-records-counted "helper $BWTEST not built"
fi

# bulwark status: the running engine's own account, losses per CPU
sleep 1.2
out=$("$BW" status --config "$T/audit.conf" 2>&1); rc=$?
ltotal=$(grep '"type":"lost"' "$T/audit.log" | grep '"event":"signal"' | tail -1 | sed 's/.*"total":\([0-9]*\).*/\1/')
if [ $rc -eq 0 ] && echo "$out" | grep -q "pid $pid, running" &&
   echo "$out" | grep -q "signal $ltotal (per CPU:" &&
   grep '"type":"lost"' "$T/audit.log" | grep '"event":"signal"' | grep -q '"per_cpu":\['; then
	pass status-running
else
	fail status-running "exit $rc, want signal $ltotal lost: $out"
fi

# SIGUSR1 rotates the log: the old one gzip'd beside it, nothing lost
before=$(wc -l <"$T/audit.log")
kill -USR1 $pid
sleep 1
if [ -f "$T/audit.log.1.gz" ] && [ "$(stat -c %a "$T/audit.log.1.gz")" = 600 ] &&
   [ "$(zcat "$T/audit.log.1.gz" | wc -l)" = "$before" ] &&
   zcat "$T/audit.log.1.gz" | head -1 | grep -q '"type":"start"'; then
	pass log-rotate-sigusr1
else
	fail log-rotate-sigusr1 "$(ls -l "$T" | grep audit)"
fi

kill -TERM $pid
wait $pid; rc=$?
if [ $rc -eq 0 ] && [ ! -e "$T/ready" ] && tail -1 "$T/audit.log" | grep -q '"type":"stop"'; then
	pass clean-stop
else
	fail clean-stop "exit $rc; ready file $( [ -e "$T/ready" ] && echo left || echo removed)"
fi

# the Prometheus file: counters that match the log
n=$( (zcat "$T/audit.log.1.gz"; cat "$T/audit.log") | grep '"rule":"deny-exec-marker"' | grep -c '"decision":"would-deny"')
if grep -q "^bulwark_rule_decisions_total{rule=\"deny-exec-marker\",decision=\"would-deny\"} $n\$" "$T/metrics.prom" &&
   grep -Eq '^bulwark_lost_records_total\{event="signal"\} [1-9]' "$T/metrics.prom" &&
   grep -Eq '^bulwark_log_bytes_total [1-9]' "$T/metrics.prom"; then
	pass metrics-file
else
	fail metrics-file "want $n deny-exec-marker would-denies: $(grep -E 'marker|lost|bytes' "$T/metrics.prom" 2>&1 | head -5)"
fi

out=$("$BW" status --config "$T/audit.conf" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "NOT RUNNING"; then
	pass status-stopped
else
	fail status-stopped "exit $rc: $out"
fi

# every line of the log is one JSON object
if [ -s "$T/audit.log" ] && ! grep -qv '^{.*}$' "$T/audit.log"; then
	pass log-json-lines
else
	fail log-json-lines "malformed line: $(grep -v '^{.*}$' "$T/audit.log" | head -1)"
fi

: >"$T/done"
exit 0
