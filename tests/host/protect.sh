#!/bin/sh
# Host tests of tamper protection's user side: the protect and lock keys
# of the policy file, and what `bulwark version` says this kernel allows
# (the protection itself needs LSM programs: tests/vm/protect.sh).
#   sh tests/host/protect.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

conf() {	# conf NAME PROTECT LOCK
	cat >"$T/$1.conf" <<EOC
[engine]
rules = $ROOT/tests/vm/rules/vm.rules
protect = $2
lock = $3
EOC
}

conf on yes yes
out=$("$BW" check --json --config "$T/on.conf" 2>&1); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q '"engine.protect":"yes"' &&
	echo "$out" | grep -q '"engine.lock":"yes"'; then
	pass protect-keys
else
	fail protect-keys "exit $rc: $out"
fi

conf off no no
out=$("$BW" check --json --config "$T/off.conf" 2>&1); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q '"engine.protect":"no"' &&
	echo "$out" | grep -q '"engine.lock":"no"'; then
	pass protect-keys-no
else
	fail protect-keys-no "exit $rc: $out"
fi

conf bad maybe no
out=$("$BW" check --config "$T/bad.conf" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "bad.conf:3: error: bad value 'maybe' for protect (no, yes)"; then
	pass protect-bad-value
else
	fail protect-bad-value "exit $rc: $out"
fi

# No lock in force here: check says nothing of one.  (A lock lasts until
# reboot; a machine that has one cannot run this check.)
if [ -e /sys/fs/bpf/bulwark/protect_state ]; then
	skip protect-check-no-lock "/sys/fs/bpf/bulwark/protect_state exists: a lock may be in force"
else
	out=$("$BW" check --config "$T/on.conf" 2>&1)
	if echo "$out" | grep -q '^lock:'; then
		fail protect-check-no-lock "check reports a lock: $out"
	else
		pass protect-check-no-lock
	fi
fi

# bulwark version: one guard line per hook, and the bpf hook's arguments
# as the kernel's BTF has them (bpftool's raw dump, read independently).
out=$("$BW" version 2>&1)
n=$(echo "$out" | grep -c '^  guard ')
if echo "$out" | grep -q '^Protection ' && [ "$n" -eq 12 ]; then
	pass protect-version
else
	fail protect-version "want a Protection line and 12 guard lines, got $n: $out"
fi
if ! command -v bpftool >/dev/null 2>&1 || [ ! -r /sys/kernel/btf/vmlinux ]; then
	skip protect-version-bpf-hook "needs bpftool and /sys/kernel/btf/vmlinux"
else
	bpftool btf dump file /sys/kernel/btf/vmlinux format raw >"$T/btf" 2>/dev/null
	proto=$(sed -n "s/^\[[0-9]*\] FUNC 'bpf_lsm_bpf' type_id=\([0-9]*\).*/\1/p" "$T/btf")
	vlen=$(sed -n "s/^\[$proto\] FUNC_PROTO .* vlen=\([0-9]*\).*/\1/p" "$T/btf")
	json=$("$BW" version --json 2>&1)
	if [ -z "$vlen" ]; then
		skip protect-version-bpf-hook "bpf_lsm_bpf not in this kernel's BTF"
	elif echo "$out" | grep -q "^  bpf hook      $vlen arguments" &&
		echo "$json" | grep -q "\"bpf_hook_args\":$vlen,"; then
		pass protect-version-bpf-hook
	else
		fail protect-version-bpf-hook "BTF says $vlen arguments; version: $(echo "$out" | grep 'bpf hook'); json: $json"
	fi
fi

# Where LSM programs cannot run, protect = yes follows on_lsm_missing:
# audit runs audit-only and unprotected, and says so.  (Never lock = yes
# here: a lock lasts until the machine reboots.)
if [ "$(id -u)" != 0 ]; then
	skip protect-audit-only "needs root to load BPF programs"
elif "$BW" version --json 2>&1 | grep -q '"lsm_programs_load":true'; then
	skip protect-audit-only "LSM programs load here: tests/vm/protect.sh tests protection"
else
	cat >"$T/audit.conf" <<EOC
[engine]
rules = $ROOT/tests/vm/rules/vm.rules
log = $T/audit.log
status = $T/status.json
on_lsm_missing = audit
protect = yes
EOC
	if engine_start "$T/audit.conf" "$T/ready" "$T/audit.err"; then
		engine_stop "$EPID"; rc=$?
		if [ $rc -eq 0 ] && grep -q 'running UNPROTECTED' "$T/audit.err" &&
			! grep -q '"type":"protect"' "$T/audit.log"; then
			pass protect-audit-only
		else
			fail protect-audit-only "exit $rc; stderr: $(cat "$T/audit.err")"
		fi
	else
		kill -KILL "$EPID" 2>/dev/null
		fail protect-audit-only "not ready: $(cat "$T/audit.err")"
	fi
fi
