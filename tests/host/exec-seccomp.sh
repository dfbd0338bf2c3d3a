#!/bin/sh
# Host tests of `bulwark exec`: seccomp filters from syscall rules, the
# launch record, `seccomp export`, and (as root) the seccomp tracer seeing
# them.  The rest of the seccomp module's cases are in exec.sh.
#   sh tests/host/exec-seccomp.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"


if [ -x "$BWTEST" ]; then
	printf '%s\n' '[deny-uname]' 'event = syscall' 'action = deny' 'syscall = uname' \
		'errno = EACCES' 'comm = bwexec' '' '[kill-getppid]' 'event = syscall' \
		'action = kill' 'syscall = getppid' 'comm = bwexec' '' '[deny-chroot]' \
		'event = syscall' 'action = deny' 'syscall = chroot' 'comm = bwexec' >"$T/exec.rules"
	cp "$BWTEST" "$T/bwexec"
	cp "$BWTEST" "$T/bwplain"
	out=$("$BW" exec --rules "$T/exec.rules" --log "$T/exec.log" -- "$T/bwexec" uname)
	if echo "$out" | grep -q "result=EACCES"; then
		pass exec-seccomp-deny
	else
		fail exec-seccomp-deny "got: $out"
	fi
	"$BW" exec --rules "$T/exec.rules" --log "$T/exec.log" -- "$T/bwexec" getppid >/dev/null 2>&1
	rc=$?
	if [ $rc -eq 159 ]; then	# 128 + SIGSYS: SCMP_ACT_KILL_PROCESS
		pass exec-seccomp-kill
	else
		fail exec-seccomp-kill "exit status $rc, want 159 (SIGSYS)"
	fi
	out=$("$BW" exec --rules "$T/exec.rules" --log "$T/exec.log" -- "$T/bwplain" uname)
	if echo "$out" | grep -q "result=OK"; then
		pass exec-seccomp-unnamed
	else
		fail exec-seccomp-unnamed "got: $out"
	fi
	# a ring would open the file without openat(): the filter that
	# denies openat refuses io_uring_setup with its errno, unless a rule
	# decides io_uring_setup itself
	printf '%s\n' '[deny-openat]' 'event = syscall' 'action = deny' 'syscall = openat' \
		'errno = EACCES' >"$T/openat.rules"
	printf '%s\n' '[rings-ok]' 'event = syscall' 'action = allow' \
		'syscall = io_uring_setup' '' >"$T/openat-ring.rules"
	cat "$T/openat.rules" >>"$T/openat-ring.rules"
	out=$("$BW" exec --rules "$T/openat.rules" --log "$T/uring.log" -- \
		"$T/bwplain" uring-openat /etc/hostname 2>&1)
	out2=$("$BW" exec --rules "$T/openat-ring.rules" --log "$T/uring.log" -- \
		"$T/bwplain" uring-openat /etc/hostname 2>&1)
	if echo "$out" | grep -q "step=io_uring" && echo "$out" | grep -q "result=EACCES" &&
	   echo "$out2" | grep -q "result=OK" &&
	   grep '"type":"launch"' "$T/uring.log" | head -1 |
	   grep -q '"io_uring_refused_for":"openat"'; then
		pass exec-seccomp-io-uring
	else
		fail exec-seccomp-io-uring "denied openat: $out; io_uring_setup allowed: $out2; $(head -c 400 "$T/uring.log")"
	fi
	if grep '"type":"launch"' "$T/exec.log" | grep "bwexec" | head -1 |
	   grep -Eq '"hash":"[0-9a-f]{16}".*"rules":\["deny-uname","kill-getppid","deny-chroot"\]'; then
		pass exec-launch-record
	else
		fail exec-launch-record "$(head -2 "$T/exec.log")"
	fi
	# the 32-bit entry point is tested in the VM (vm/exec-seccomp-ia32):
	# kernels may boot without ia32 emulation, as this one does
	out=$("$BW" seccomp export --rules "$T/exec.rules" --for "$T/bwexec")
	if echo "$out" | grep -q '"names":\["uname"\],"action":"SCMP_ACT_ERRNO","errnoRet":13' &&
	   echo "$out" | grep -q '"names":\["getppid"\],"action":"SCMP_ACT_KILL_PROCESS"'; then
		pass seccomp-export-oci
	else
		fail seccomp-export-oci "$out"
	fi
	out=$("$BW" seccomp export --rules "$T/exec.rules" --for "$T/bwexec" --format systemd 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && echo "$out" | grep -q "systemd .*; use oci or bpf"; then
		pass seccomp-export-systemd-refuses
	else
		fail seccomp-export-systemd-refuses "$out"
	fi
	if [ "$(id -u)" = 0 ]; then
		# the seccomp tracer, standalone
		"$BW" trace seccomp -j -d 4 >"$T/sec.out" 2>"$T/sec.err" &
		tpid=$!
		wait_tracing "$T/sec.err"
		"$BW" exec --rules "$T/exec.rules" --log "$T/exec.log" -- "$T/bwexec" uname >"$T/e1.out"
		"$BW" exec --rules "$T/exec.rules" --log "$T/exec.log" -- "$T/bwexec" getppid >"$T/e2.out" 2>&1
		wait $tpid
		p1=$(sed -n 's/^pid=//p' "$T/e1.out")
		p2=$(sed -n 's/^pid=//p' "$T/e2.out")
		if grep "\"pid\":$p1," "$T/sec.out" | grep '"what":"install"' | grep -q '"mode":"filter","filters":1' &&
		   grep "\"pid\":$p1," "$T/sec.out" | grep '"what":"reject"' | grep -q '"syscall":"uname".*"errno":"EACCES"' &&
		   grep "\"pid\":$p2," "$T/sec.out" | grep '"what":"kill"' | grep -q '"syscall":"getppid"'; then
			pass trace-seccomp
		else
			fail trace-seccomp "pids $p1 $p2: $(head -c 600 "$T/sec.out")"
		fi
	else
		skip trace-seccomp "needs root to load BPF programs"
	fi
else
	skip exec-seccomp "helper $BWTEST not built"
fi

exit 0
