#!/bin/sh
# Host tests of `bulwark exec` and `bulwark seccomp export`: seccomp
# filters built from syscall rules, on the x86_64, x32 and (where this
# kernel has it) ia32 entry points.  No root needed.  Each test prints
# PASS:, FAIL: or SKIP: with its name.
#   tests/host/exec.sh BULWARK
set -u
BW=$(realpath "$1")
T=$(mktemp -d "${BW_HOST_RUN:-/tmp}/bw-exec.XXXXXX")	# under run.sh: in its run dir
trap 'rm -rf "$T"' EXIT

pass() { echo "PASS: host/$1"; }
fail() { echo "FAIL: host/$1: $2"; }
skip() { echo "SKIP: host/$1: $2"; }

rules() {	# rules FILE LINE...: a rule file, one line per argument
	f=$1
	shift
	printf '%s\n' "$@" >"$f"
}

rules "$T/deny.rules" '[deny-uname]' 'event = syscall' 'action = deny' \
	'syscall = uname' 'errno = EACCES'
rules "$T/kill.rules" '[kill-uname]' 'event = syscall' 'action = kill' 'syscall = uname'
rules "$T/audit.rules" '[audit-uname]' 'event = syscall' 'action = audit' 'syscall = uname'
# everything but uname allowed by a negated rule; uname then falls to the
# keyless deny after it
rules "$T/neg.rules" '[allow-all-but-uname]' 'event = syscall' 'action = allow' \
	'syscall = !uname' '' '[deny-rest]' 'event = syscall' 'action = deny' \
	'errno = EACCES'
rules "$T/noexec.rules" '[only-io]' 'event = syscall' 'action = deny' \
	'syscall = !read, !write'

# ---- deny, kill, audit, and calls no rule names ----

out=$("$BW" exec --rules "$T/deny.rules" --log "$T/exec.log" -- uname 2>&1); rc=$?
if [ $rc -ne 0 ] && echo "$out" | grep -q "Permission denied"; then
	pass exec-deny-fails
else
	fail exec-deny-fails "exit $rc: $out"
fi

out=$("$BW" exec --rules "$T/deny.rules" --log "$T/exec.log" -- sh -c 'uname; echo rc=$?' 2>&1)
if echo "$out" | grep -q "Permission denied" && echo "$out" | grep -q "^rc=1$"; then
	pass exec-deny-errno
else
	fail exec-deny-errno "$out"
fi

out=$("$BW" exec --rules "$T/deny.rules" --log "$T/exec.log" -- true 2>&1); rc=$?
out2=$("$BW" exec --rules "$T/deny.rules" --log "$T/exec.log" -- sh -c 'echo unnamed-ok' 2>&1)
if [ $rc -eq 0 ] && [ "$out2" = unnamed-ok ]; then
	pass exec-unnamed-runs
else
	fail exec-unnamed-runs "true: exit $rc $out; sh: $out2"
fi

"$BW" exec --rules "$T/kill.rules" --log "$T/exec.log" -- uname >/dev/null 2>&1; rc=$?
out=$("$BW" exec --rules "$T/kill.rules" --log "$T/exec.log" -- sh -c 'uname; echo rc=$?' 2>&1)
if [ $rc -eq 159 ] && echo "$out" | grep -q "^rc=159$"; then	# 128 + SIGSYS
	pass exec-kill-sigsys
else
	fail exec-kill-sigsys "exit $rc, want 159 (SIGSYS); sh: $out"
fi

out=$("$BW" exec --rules "$T/audit.rules" --log "$T/exec.log" -- uname 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$out" = "$(uname)" ]; then
	pass exec-audit-runs
else
	fail exec-audit-runs "exit $rc: $out"
fi

out=$("$BW" exec --rules "$T/neg.rules" --log "$T/exec.log" -- sh -c 'uname; echo rc=$?' 2>&1)
if echo "$out" | grep -q "Permission denied" && echo "$out" | grep -q "^rc=1$"; then
	pass exec-negated-rule
else
	fail exec-negated-rule "$out"
fi

# ---- the launch record ----

out=$("$BW" exec --rules "$T/deny.rules" --log "$T/launch.log" --profile web -- \
	sh -c 'echo pid=$$' 2>&1)
pid=${out#pid=}
hash=$("$BW" seccomp export --rules "$T/deny.rules" --format systemd 2>&1 |
	sed -n 's/^# bulwark seccomp profile //p')
rec=$(grep '"type":"launch"' "$T/launch.log" 2>/dev/null | tail -1)
if echo "$rec" | grep -q '"command":"/[^"]*/sh","argv":\["sh","-c","echo pid=\$\$"\]' &&
   echo "$rec" | grep -q "\"pid\":$pid,\"profile\":\"web\",\"hash\":\"$hash\"" &&
   echo "$rec" | grep -q '"rules":\["deny-uname"\]' &&
   echo "$hash" | grep -Eq '^[0-9a-f]{16}$'; then
	pass exec-launch-record
else
	fail exec-launch-record "pid $pid, hash $hash: ${rec:-no record}"
fi

: >"$T/file"	# a log under a regular file cannot be created
out=$("$BW" exec --rules "$T/deny.rules" --log "$T/file/x.log" -- sh -c 'echo ran' 2>&1); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q "cannot write the launch record" &&
   echo "$out" | grep -q "^ran$"; then
	pass exec-log-unwritable-goes-on
else
	fail exec-log-unwritable-goes-on "exit $rc: $out"
fi

# ---- what exec refuses ----

out=$("$BW" exec --rules "$T/noexec.rules" --log "$T/exec.log" -- sh -c 'echo ran' 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "rule 'only-io' denies execve" &&
   ! echo "$out" | grep -q "^ran$"; then
	pass exec-refuses-denied-execve
else
	fail exec-refuses-denied-execve "exit $rc: $out"
fi

out=$("$BW" exec --rules "$T/deny.rules" --log "$T/exec.log" -- no-such-command-bw 2>&1); rc=$?
if [ $rc -eq 127 ] && echo "$out" | grep -q "command not found"; then
	pass exec-not-found
else
	fail exec-not-found "exit $rc: $out"
fi

rules "$T/bad.rules" '[bad]' 'event = syscall' 'action = deny' 'syscall = frobnicate'
out=$("$BW" exec --rules "$T/bad.rules" --log "$T/exec.log" -- sh -c 'echo ran' 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "bad.rules:4: error: unknown syscall 'frobnicate'" &&
   ! echo "$out" | grep -q "^ran$"; then
	pass exec-rule-errors
else
	fail exec-rule-errors "exit $rc: $out"
fi

# calls the vDSO answers without a syscall: check says the rule cannot see them
rules "$T/vdso.rules" '[no-clock]' 'event = syscall' 'action = kill' \
	'syscall = uname, clock_gettime' '' '[not-time]' 'event = syscall' 'action = deny' \
	'syscall = !time'
out=$("$BW" check --rules "$T/vdso.rules" 2>&1); rc=$?
if [ $rc -eq 0 ] &&
   echo "$out" | grep -q "vdso.rules:1: note: rule 'no-clock': clock_gettime is answered by the vDSO" &&
   [ "$(echo "$out" | grep -c "vDSO")" = 1 ]; then
	pass check-vdso-note
else
	fail check-vdso-note "exit $rc: $out"
fi

if "$BW" exec --help | grep -q "Usage: bulwark exec" &&
   "$BW" exec --help | grep -q "launch record only"; then
	pass help-exec
else
	fail help-exec "no usage line"
fi

# ---- export ----

out=$("$BW" exec --rules "$T/deny.rules" --print -- uname 2>&1)
want='{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],"syscalls":[{"names":["uname"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}'
if [ "$out" = "$want" ]; then
	pass exec-print
else
	fail exec-print "$out"
fi

out=$("$BW" seccomp export --rules "$T/neg.rules" 2>&1)
if echo "$out" | grep -q '"defaultAction":"SCMP_ACT_ALLOW"' &&
   echo "$out" | grep -q '"syscalls":\[{"names":\["uname"\],"action":"SCMP_ACT_ERRNO","errnoRet":13}\]'; then
	pass seccomp-export-negated
else
	fail seccomp-export-negated "$out"
fi

out=$("$BW" seccomp export --rules "$T/deny.rules" --format systemd 2>&1)
if echo "$out" | grep -q '^SystemCallFilter=~uname$' &&
   echo "$out" | grep -q '^SystemCallErrorNumber=EACCES$'; then
	pass seccomp-export-systemd
else
	fail seccomp-export-systemd "$out"
fi

out=$("$BW" seccomp export --rules "$T/noexec.rules" --format systemd 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "use oci or bpf"; then
	pass seccomp-export-systemd-refuses
else
	fail seccomp-export-systemd-refuses "exit $rc: $out"
fi

"$BW" seccomp export --rules "$T/deny.rules" --format bpf --output "$T/f.bpf"; rc=$?
size=$(stat -c %s "$T/f.bpf" 2>/dev/null || echo 0)
if [ $rc -eq 0 ] && [ "$size" -gt 0 ] && [ $((size % 8)) -eq 0 ]; then
	pass seccomp-export-bpf
else
	fail seccomp-export-bpf "exit $rc, $size bytes"
fi

# ---- other entry points: x32 and ia32 ----
# A helper without libc, so that it makes no call but those it is asked
# for: uname through syscall (x86_64), syscall with the x32 bit, or
# int $0x80 (ia32, number 122); it prints result=OK or result=-ERRNO.

cat >"$T/sc.c" <<'EOF'
static char buf[1024];	/* static and -no-pie: below 4 GiB for int $0x80 */

static long sys(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

static long sys32(long n, long b)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(b) : "memory");
	return r;
}

static int eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static void say(long r)
{
	char out[32] = "result=", *p = out + 7, d[20];
	int n = 0;

	if (r >= 0) {
		*p++ = 'O';
		*p++ = 'K';
	} else {
		*p++ = '-';
		for (r = -r; r; r /= 10)
			d[n++] = (char)('0' + r % 10);
		while (n)
			*p++ = d[--n];
	}
	*p++ = '\n';
	sys(1, 1, (long)out, p - out);
}

void cmain(long *sp)
{
	char **argv = (char **)(sp + 1);
	long r = -22;

	if (sp[0] == 2 && eq(argv[1], "uname"))
		r = sys(63, (long)buf, 0, 0);
	else if (sp[0] == 2 && eq(argv[1], "x32-uname"))
		r = sys(0x40000000 | 63, (long)buf, 0, 0);
	else if (sp[0] == 2 && eq(argv[1], "ia32-uname"))
		r = sys32(122, (long)buf);
	else if (sp[0] == 2 && eq(argv[1], "getppid"))
		r = sys(110, 0, 0, 0);
	say(r);
	sys(231, 0, 0, 0);	/* exit_group */
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall cmain\n\thlt\n");
EOF
CC=${CC:-cc}
if ! command -v "$CC" >/dev/null 2>&1; then
	skip exec-x32 "no C compiler ($CC) to build the raw-syscall helper"
	skip exec-ia32 "no C compiler ($CC) to build the raw-syscall helper"
	exit 0
fi
if ! "$CC" -O2 -static -nostdlib -fno-pie -no-pie -fno-stack-protector \
	-fno-builtin -o "$T/bwsc" "$T/sc.c" 2>"$T/cc.err"; then
	fail exec-raw-helper "$(head -5 "$T/cc.err")"
	exit 0
fi
# the helper's own calls only: execve, write, exit_group, and the one tested
rules "$T/sc.rules" '[deny-uname]' 'event = syscall' 'action = deny' 'syscall = uname' \
	'errno = EACCES' '' '[only-these]' 'event = syscall' 'action = deny' \
	'errno = ENOSYS' 'syscall = !execve, !write, !exit_group, !uname, !getppid'

run() { "$BW" exec --rules "$T/sc.rules" --log "$T/exec.log" -- "$T/bwsc" "$@" 2>&1; }

plain=$("$T/bwsc" uname)
out=$(run uname)
other=$(run getppid)
if [ "$plain" = result=OK ] && [ "$out" = result=-13 ] && [ "$other" = result=OK ]; then
	pass exec-raw-helper
else
	fail exec-raw-helper "unfiltered: $plain; filtered uname: $out; getppid: $other"
fi

# a negated rule as the default: every call but the helper's execve, write
# and exit_group gets ENOSYS (38), getppid included
rules "$T/sc2.rules" '[only-these]' 'event = syscall' 'action = deny' 'errno = ENOSYS' \
	'syscall = !execve, !write, !exit_group'
out=$("$BW" exec --rules "$T/sc2.rules" --log "$T/exec.log" -- "$T/bwsc" getppid 2>&1)
if [ "$out" = result=-38 ]; then
	pass exec-default-deny
else
	fail exec-default-deny "getppid under an allow list without it: $out"
fi

# x32: seccomp sees the call with its x32 number whether or not this
# kernel has the x32 ABI (without it the call fails with ENOSYS, 38)
plain=$("$T/bwsc" x32-uname)
out=$(run x32-uname)
if [ "$out" = result=-13 ]; then
	pass exec-x32
else
	fail exec-x32 "unfiltered: $plain; filtered: $out, want result=-13"
fi

# ia32: int $0x80 faults (SIGSEGV) on a kernel without ia32 emulation
{ plain=$("$T/bwsc" ia32-uname); rc=$?; } 2>/dev/null	# no "Segmentation fault"
if [ $rc -ne 0 ] || [ "$plain" != result=OK ]; then
	# not a skip: the VM suite proves it (vm/exec-seccomp-ia32) on a kernel
	# that has ia32 emulation; this one has not
	echo "# host/exec-ia32 not run: no ia32 emulation here (exit $rc); vm/exec-seccomp-ia32 covers it"
else
	out=$(run ia32-uname)
	if [ "$out" = result=-13 ]; then
		pass exec-ia32
	else
		fail exec-ia32 "filtered int \$0x80 uname: $out, want result=-13"
	fi
fi
exit 0
