#!/bin/sh
# Host tests of `bulwark check`, unknown commands and --help.  No root needed.
#   sh tests/host/check.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"


if out=$("$BW" check --config "$ROOT/policies/default.conf" 2>&1); then
	pass check-default-policy
else
	fail check-default-policy "exit $?: $out"
fi

cat >"$T/bad.rules" <<'EOF'
[ok]
event = capable
action = deny
capability = cap_net_raw

[bad-cap]
event = capable
action = deny
capability = cap_does_not_exist
EOF
out=$("$BW" check --rules "$T/bad.rules" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "^$T/bad.rules:9: error: .*cap_does_not_exist"; then
	pass check-reports-file-line
else
	fail check-reports-file-line "exit $rc, output: $out"
fi

out=$("$BW" check --json --rules "$T/bad.rules" 2>&1)
if echo "$out" | grep -q '"valid":false' && echo "$out" | grep -q '"line":9'; then
	pass check-json
else
	fail check-json "$out"
fi

out=$("$BW" frobnicate 2>&1); rc=$?
if [ $rc -eq 2 ] && echo "$out" | grep -q "unknown command 'frobnicate'"; then
	pass unknown-command
else
	fail unknown-command "exit $rc: $out"
fi

# -j: errors are JSON too, one object a line on stderr (issue #12), and
# without it the same errors are text
"$BW" -j status --config "$T/none.conf" 2>"$T/jerr" >/dev/null; rc=$?
"$BW" log --json "$T/none.log" 2>>"$T/jerr" >/dev/null
"$BW" status --config "$T/none.conf" 2>"$T/terr" >/dev/null
if [ $rc -eq 1 ] && [ "$(grep -c . "$T/jerr")" -ge 3 ] &&
   jq -e -s 'all(.[]; (.error | type == "string") or (.severity == "error" and (.message | type == "string")))' \
	"$T/jerr" >/dev/null 2>&1 &&
   grep -q '"file":"'"$T"'/none.conf"' "$T/jerr" && grep -q '"error":"log: cannot open' "$T/jerr" &&
   grep -q "^bulwark: status: cannot read the policy file$" "$T/terr"; then
	pass json-errors
else
	fail json-errors "exit $rc; -j: $(head -c 400 "$T/jerr"); text: $(head -c 200 "$T/terr")"
fi

# an exception by exe trusts a process a debugger can drive: check says so
# unless Yama's ptrace_scope is 2 or 3; never for a rule without one
printf '%s\n' '[except-make]' 'event = exec' 'action = deny' 'path = /tmp/' \
	'exe = !/usr/bin/make' '' '[allow-x]' 'event = signal' 'action = allow' \
	'exe = /usr/sbin/x' '' '[deny-y]' 'event = signal' 'action = deny' 'exe = /usr/sbin/y' \
	'' '[allow-root]' 'event = capable' 'action = allow' 'uid = 0' >"$T/exe.rules"
out=$("$BW" check --rules "$T/exe.rules" 2>&1); rc=$?
scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo none)
n=$(echo "$out" | grep -c "excepts by exe:")
if [ "$scope" = 2 ] || [ "$scope" = 3 ]; then
	want=0
else
	want=2
fi
if [ $rc -eq 0 ] && [ "$n" = $want ] && { [ $want = 0 ] ||
   { echo "$out" | grep -q "exe.rules:1: note: rule 'except-make' excepts by exe" &&
     echo "$out" | grep -q "exe.rules:7: note: rule 'allow-x' excepts by exe"; }; }; then
	pass check-exe-exception-note
else
	fail check-exe-exception-note "ptrace_scope $scope, want $want notes: exit $rc: $out"
fi

# the same trust without ptrace: a dynamically linked program takes
# LD_PRELOAD from whoever runs it, unless it is setuid or setgid, has file
# capabilities, or is static
cp /bin/true "$T/dyn"
cp /bin/true "$T/capdyn"
cp /bin/true "$T/suid"
chmod 4755 "$T/suid"
python3 -c 'import os, struct, sys
os.setxattr(sys.argv[1], "security.capability",
            struct.pack("<5I", 0x02000001, 1 << 13, 0, 0, 0))' "$T/capdyn" 2>"$T/xattr.err"
printf '[allow-progs]\nevent = signal\naction = allow\nexe = %s, %s, %s, %s, /usr/lib/\n' \
	"$T/dyn" "$T/capdyn" "$T/suid" "$BWTEST" >"$T/preload.rules"
out=$("$BW" check --rules "$T/preload.rules" 2>&1); rc=$?
if [ -s "$T/xattr.err" ]; then
	skip check-exe-preload-note "cannot set file capabilities here: $(cat "$T/xattr.err")"
elif [ $rc -eq 0 ] && [ "$(echo "$out" | grep -c 'LD_PRELOAD')" = 1 ] &&
   echo "$out" | grep -q "preload.rules:1: note: rule 'allow-progs' excepts by exe $T/dyn, a dynamically linked program: run with LD_PRELOAD"; then
	pass check-exe-preload-note
else
	fail check-exe-preload-note "want one LD_PRELOAD note, for $T/dyn: exit $rc: $out"
fi

for cmd in check run version; do
	if "$BW" $cmd --help | grep -q "Usage: bulwark $cmd"; then
		pass "help-$cmd"
	else
		fail "help-$cmd" "no usage line"
	fi
done

exit 0
