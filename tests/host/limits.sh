#!/bin/sh
# Limits that hold (issue 11): `bulwark check` and `bulwark run` on inputs
# that would hang or exhaust a naive reader -- /dev/zero, /dev/urandom, a
# FIFO with no writer, a 1 GB sparse file, 100,000 sections, garbage,
# symlink loops and links to directories and devices in a rules directory,
# 10,000 files in it, a rules path that is not a directory -- as rule files,
# as the policy file and as directory entries.  Each run has a timeout and a
# memory bound (peak RSS from /usr/bin/time; an address-space limit too
# when the binary is not built with ASan, which needs a large one) and must
# exit with the expected code and name the file (and line) in its error.
# A SIGHUP onto the same inputs must leave the live policy in place.  The
# bounds themselves are in docs/rules.md, "Limits".
#   limits.sh BULWARK DIR
set -u
BW=$1
D=$2
mkdir -p "$D"
pass() { echo "PASS: host/$1"; }
fail() { echo "FAIL: host/$1: $2"; }
skip() { echo "SKIP: host/$1: $2"; }

TMO=30			# seconds: only to catch a hang, not a timing test
if ldd "$BW" 2>/dev/null | grep -q libasan || grep -aq __asan_init "$BW"; then
	ASAN=1
	RSS_MAX=400000	# KB: ASan's shadow and quarantine included
else
	ASAN=0
	RSS_MAX=150000
fi
TIME=/usr/bin/time
if [ ! -x $TIME ]; then
	TIME=
	echo "SKIP: host/limits-memory: /usr/bin/time not installed (Debian package time): peak RSS not checked"
fi

# bounded NAME ARGS...: bulwark ARGS under the timeout and memory bound;
# output in $D/NAME.out, exit code in $rc, peak RSS (KB) in $rss, seconds
# in $secs.
bounded() {
	name=$1
	shift
	rm -f "$D/$name.time"
	if [ $ASAN -eq 0 ]; then
		set -- prlimit --as=$((1024 * 1024 * 1024)) "$BW" "$@"
	else
		set -- "$BW" "$@"
	fi
	if [ -n "$TIME" ]; then
		timeout -k 5 $TMO $TIME -o "$D/$name.time" -f '%M %e' "$@" >"$D/$name.out" 2>&1
		rc=$?
		rss=$(tail -n 1 "$D/$name.time" 2>/dev/null | cut -d' ' -f1)
		secs=$(tail -n 1 "$D/$name.time" 2>/dev/null | cut -d' ' -f2)
	else
		timeout -k 5 $TMO "$@" >"$D/$name.out" 2>&1
		rc=$?
		rss=0
		secs=?
	fi
	case $rss in ''|*[!0-9]*) rss=0 ;; esac
}

# expect NAME RC REGEX ARGS...: the exit code is RC, a line of the output
# matches the extended regular expression, and the bounds held.
expect() {
	name=$1 want=$2 re=$3
	shift 3
	bounded "$name" "$@"
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		fail "$name" "no answer in $TMO s: $(head -c 300 "$D/$name.out")"
	elif [ "$rss" -gt $RSS_MAX ]; then
		fail "$name" "peak RSS $rss KB > $RSS_MAX KB"
	elif [ $rc -ne "$want" ]; then
		fail "$name" "exit $rc, not $want: $(head -c 400 "$D/$name.out")"
	elif ! grep -Eq -- "$re" "$D/$name.out"; then
		fail "$name" "no line matching '$re' in: $(head -c 400 "$D/$name.out")"
	else
		pass "$name"
		return 0
	fi
	return 1
}

# A policy file naming rules, for check and run.
conf() {	# conf FILE RULES...
	f=$1
	shift
	printf '[engine]\nrules = %s\nlog = %s/audit.log\non_lsm_missing = audit\nmode = audit\n' \
		"$*" "$D" >"$f"
}

printf '[audit-limits]\nevent = exec\naction = audit\npath = %s/bin/\n' "$D" >"$D/good.rules"
mkfifo "$D/fifo" || { fail limits-setup "mkfifo"; exit 0; }

# ---- not a regular file: devices and a FIFO with no writer ----
for f in /dev/zero /dev/urandom "$D/fifo"; do
	n=$(basename "$f")
	case $f in /dev/*) kind='a character device' ;; *) kind='a FIFO' ;; esac
	expect "limits-rules-$n" 1 "^$f: error: not a regular file \\($kind\\)$" \
		check --rules "$f"
	expect "limits-policy-$n" 1 "^$f: error: not a regular file \\($kind\\)$" \
		check --config "$f"
done

# ---- a 1 GB sparse rule file and policy file ----
truncate -s 1G "$D/big.rules" || { fail limits-1g "truncate"; }
used=$(du -k "$D/big.rules" | cut -f1)
if [ "$used" -gt 1024 ]; then
	fail limits-1g-sparse "the 1 GB file takes $used KB of disk"
fi
expect limits-rules-1g 1 "^$D/big.rules: error: file larger than 1048576 bytes \\(1073741824 bytes\\)$" \
	check --rules "$D/big.rules"
expect limits-policy-1g 1 "^$D/big.rules: error: file larger than 1048576 bytes" \
	check --config "$D/big.rules"
rm -f "$D/big.rules"

# ---- 100,000 sections (printed: the time it takes) ----
seq 1 100000 | sed 's/.*/[r&]/' >"$D/sections.rules"
if expect limits-100k-sections 1 \
	"^$D/sections.rules:32769: error: more than 32768 sections in one file: the rest is not read$" \
	check --rules "$D/sections.rules"; then
	echo "host/limits-100k-sections: refused in $secs s, peak RSS $rss KB (asan=$ASAN)"
fi
# the largest file that can load: 4,096 rules of each of the 6 classes
# (written tight: with spaces around '=' they take more than 1 MiB)
for c in capable ipc mount signal exec; do
	seq 1 4096 | sed "s/.*/[$c&]\\nevent=$c\\naction=audit/"
done >"$D/full.rules"
seq 1 4096 | sed 's/.*/[s&]\nevent=syscall\naction=audit\nsyscall=chroot/' >>"$D/full.rules"
if expect limits-24576-rules 0 '^24576 rules in 1 file: 0 errors' \
	check --rules "$D/full.rules"; then
	echo "host/limits-24576-rules: $(wc -c <"$D/full.rules") bytes checked in $secs s, peak RSS $rss KB (asan=$ASAN)"
fi
# one rule too many
printf '[one-more]\nevent=exec\naction=audit\n' >>"$D/full.rules"
expect limits-capacity 1 'error: 4097 exec rules exceed the kernel capacity of 4096' \
	check --rules "$D/full.rules"

# ---- keys, lines, garbage ----
{ echo '[many-keys]'; seq 1 300 | sed 's/.*/description = &/'; } >"$D/keys.rules"
expect limits-keys 1 "^$D/keys.rules:258: error: more than 256 keys in one section$" \
	check --rules "$D/keys.rules"
head -c 1000000 /dev/zero | tr '\0' 'a' >"$D/line.rules"
expect limits-long-line 1 "^$D/line.rules:1: error: line longer than 198 bytes$" \
	check --rules "$D/line.rules"
yes x | head -n 500000 >"$D/garbage.rules"
if expect limits-garbage 1 '^stopped after 1000 errors \(0 more not shown\): the rest was not checked$' \
	check --rules "$D/garbage.rules"; then
	n=$(grep -c "^$D/garbage.rules:[0-9]*: error: expected 'key = value'$" "$D/limits-garbage.out")
	[ "$n" -eq 1000 ] || fail limits-garbage-count "$n errors shown, not 1000"
fi

# ---- a rules directory with hostile entries ----
R=$D/rules.d
mkdir -p "$R/sub.rules" "$D/outside"
cp "$D/good.rules" "$D/outside/linked"
ln -s /dev/zero "$R/zero.rules"
ln -s /dev/urandom "$R/urandom.rules"
mkfifo "$R/fifo.rules"
ln -s loop.rules "$R/loop.rules"
ln -s a.rules "$R/b.rules"
ln -s b.rules "$R/a.rules"
ln -s "$D/outside" "$R/dir.rules"
ln -s "$D/outside/linked" "$R/linked.rules"
if expect limits-rulesd 1 '^1 rule in 9 files: 8 errors' check --rules "$R"; then
	bad=
	for e in "zero.rules: error: not a regular file \\(a character device\\)" \
		"urandom.rules: error: not a regular file \\(a character device\\)" \
		"fifo.rules: error: not a regular file \\(a FIFO\\)" \
		"loop.rules: error: cannot open: Too many levels of symbolic links" \
		"a.rules: error: cannot open: Too many levels of symbolic links" \
		"b.rules: error: cannot open: Too many levels of symbolic links" \
		"dir.rules: error: not a regular file \\(a directory\\)" \
		"sub.rules: error: not a regular file \\(a directory\\)"; do
		grep -Eq "^$R/$e$" "$D/limits-rulesd.out" || bad="$bad [$e]"
	done
	[ -z "$bad" ] && pass limits-rulesd-each || fail limits-rulesd-each "missing:$bad"
fi
# a symlink to a regular file is followed: its rule loads
mkdir -p "$D/linkonly.d"
ln -s "$D/outside/linked" "$D/linkonly.d/linked.rules"
expect limits-rulesd-link-followed 0 '^1 rule in 1 file: 0 errors' check --rules "$D/linkonly.d"

# ---- 10,000 files in a rules directory; 4,096 are enough ----
mkdir -p "$D/many.d" "$D/max.d"
i=0
while [ $i -lt 10000 ]; do
	printf '[r%d]\nevent = exec\naction = audit\n' $i >"$D/many.d/$i.rules"
	i=$((i + 1))
done
if expect limits-10k-files 1 \
	"^$D/many.d: error: 10000 \\*.rules files: a policy may have at most 4096 rule files \\(0 read before this directory\\); none of these is read$" \
	check --rules "$D/many.d"; then
	echo "host/limits-10k-files: refused in $secs s, peak RSS $rss KB (asan=$ASAN)"
fi
i=0
while [ $i -lt 4096 ]; do	# (printf: a process per file is slow here)
	printf '[r%d]\nevent = exec\naction = audit\n' $i >"$D/max.d/$i.rules"
	i=$((i + 1))
done
if expect limits-4096-files 0 '^4096 rules in 4096 files: 0 errors' check --rules "$D/max.d"; then
	echo "host/limits-4096-files: checked in $secs s, peak RSS $rss KB (asan=$ASAN)"
fi
# the bound is on all files of a policy together
expect limits-files-total 1 "^$D/good.rules: error: more than 4096 rule files: not read$" \
	check --rules "$D/max.d" --rules "$D/good.rules"
rm -rf "$D/many.d"

# ---- more than 16 MiB of rule files together ----
mkdir -p "$D/bytes.d"
yes '# a comment line of sixty-four bytes, padding padding padding pa' |
	head -c 1040000 >"$D/bytes.d/0.rules"
i=1
while [ $i -lt 17 ]; do
	cp "$D/bytes.d/0.rules" "$D/bytes.d/$i.rules"
	i=$((i + 1))
done
expect limits-bytes-total 1 \
	"^$D/bytes.d/16.rules: error: the rule files together are larger than 16777216 bytes: this file and those after it are not read$" \
	check --rules "$D/bytes.d"
rm -rf "$D/bytes.d"

# ---- a rules path that is not a directory ----
mkfifo "$D/fifo.d"
conf "$D/fifod.conf" "$D/fifo.d"
expect limits-rulesd-fifo 1 "^$D/fifo.d: error: not a regular file \\(a FIFO\\)$" \
	check --config "$D/fifod.conf"
ln -s /dev/zero "$D/zero.d"
conf "$D/zerod.conf" "$D/zero.d/"
expect limits-rulesd-zero 1 "^$D/zero.d/: error: cannot read: Not a directory$" \
	check --config "$D/zerod.conf"
cp "$D/good.rules" "$D/file.d"
conf "$D/filed.conf" "$D/file.d/"
expect limits-rulesd-file 1 "^$D/file.d/: error: cannot read: Not a directory$" \
	check --config "$D/filed.conf"
ln -s loop.d "$D/loop.d"
conf "$D/loopd.conf" "$D/loop.d"
expect limits-rulesd-loop 1 "^$D/loop.d: error: cannot read: Too many levels of symbolic links$" \
	check --config "$D/loopd.conf"

# ---- run: refuses to start on the same inputs ----
if [ "$(id -u)" -ne 0 ]; then
	skip limits-run "needs root"
	exit 0
fi
for f in "$D/fifo" /dev/zero; do
	n=$(basename "$f")
	expect "limits-run-policy-$n" 1 'run: the policy has errors; nothing was loaded' \
		run --config "$f" --ready-file "$D/ready-never"
	grep -q "^$f: error: not a regular file" "$D/limits-run-policy-$n.out" ||
		fail "limits-run-policy-$n-names" "$(head -c 300 "$D/limits-run-policy-$n.out")"
done
conf "$D/rulesd.conf" "$R"
expect limits-run-rulesd 1 'run: the policy has errors; nothing was loaded' \
	run --config "$D/rulesd.conf" --ready-file "$D/ready-never"
[ -e "$D/ready-never" ] && fail limits-run-ready "a ready file after a refused start"

# ---- run: a SIGHUP onto each input keeps the live policy ----
mkdir -p "$D/bin" "$D/live.d"
cp /bin/true "$D/bin/probe"
cp "$D/good.rules" "$D/live.d/good.rules"
conf "$D/live.conf" "$D/live.d"
cp "$D/live.conf" "$D/live.conf.good"
rm -f "$D/audit.log" "$D/ready"
"$BW" run --config "$D/live.conf" --ready-file "$D/ready" 2>"$D/run.err" &
pid=$!
i=0
while [ ! -e "$D/ready" ] && [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -e "$D/ready" ]; then
	fail limits-reload "engine not ready: $(tail -c 500 "$D/run.err")"
	kill $pid 2>/dev/null
	wait $pid
	exit 0
fi

# reload_with NAME: SIGHUP, then the engine must refuse the new files
# within the timeout and still be running.
nreload=0
reload_refused() {
	nreload=$((nreload + 1))
	kill -HUP $pid
	i=0
	while [ "$(grep -c 'reload: the new rules have errors' "$D/run.err")" -lt $nreload ] &&
	      [ $i -lt $((TMO * 10)) ] && kill -0 $pid 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if ! kill -0 $pid 2>/dev/null; then
		fail "limits-reload-$1" "the engine died: $(tail -c 500 "$D/run.err")"
		return 1
	fi
	if [ "$(grep -c 'reload: the new rules have errors' "$D/run.err")" -lt $nreload ]; then
		fail "limits-reload-$1" "no refusal in $TMO s: $(tail -c 500 "$D/run.err")"
		return 1
	fi
	if ! grep -Eq "$2" "$D/run.err"; then
		fail "limits-reload-$1" "no line matching '$2': $(tail -c 500 "$D/run.err")"
		return 1
	fi
	pass "limits-reload-$1"
}

# the policy file replaced by a FIFO, then by a link to /dev/zero
mv "$D/live.conf" "$D/live.conf.moved"
mkfifo "$D/live.conf"
reload_refused policy-fifo "^$D/live.conf: error: not a regular file \\(a FIFO\\)$"
rm -f "$D/live.conf"
ln -s /dev/zero "$D/live.conf"
reload_refused policy-zero "^$D/live.conf: error: not a regular file \\(a character device\\)$"
rm -f "$D/live.conf"
cp "$D/live.conf.good" "$D/live.conf"
# entries of the rules directory: a 1 GB file, a loop, 10,000 files
truncate -s 1G "$D/live.d/zz-big.rules"
reload_refused rules-1g "^$D/live.d/zz-big.rules: error: file larger than 1048576 bytes"
rm -f "$D/live.d/zz-big.rules"
ln -s zz-loop.rules "$D/live.d/zz-loop.rules"
ln -s /dev/urandom "$D/live.d/zz-random.rules"
reload_refused rules-loop "^$D/live.d/zz-loop.rules: error: cannot open: Too many levels of symbolic links$"
rm -f "$D/live.d/zz-loop.rules" "$D/live.d/zz-random.rules"
i=0
while [ $i -lt 10000 ]; do
	: >"$D/live.d/e$i.rules"
	i=$((i + 1))
done
reload_refused rules-10k "^$D/live.d: error: 10001 \\*.rules files"
rm -f "$D"/live.d/e*.rules

# the first policy still decides: its audit rule writes the probe's record
"$D/bin/probe"
i=0
while ! grep -q "\"rule\":\"audit-limits\".*\"path\":\"$D/bin/probe\"" "$D/audit.log" 2>/dev/null &&
      [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if grep -q "\"rule\":\"audit-limits\"" "$D/audit.log" 2>/dev/null &&
   grep -q "\"path\":\"$D/bin/probe\"" "$D/audit.log"; then
	pass limits-reload-old-policy-live
else
	fail limits-reload-old-policy-live "no record of the probe: $(grep -c . "$D/audit.log" 2>/dev/null) lines in the log"
fi
if [ -r /proc/$pid/status ]; then
	hwm=$(awk '/^VmHWM/ { print $2 }' /proc/$pid/status)
	echo "host/limits-reload: the engine's peak RSS after $nreload refused reloads: $hwm KB (asan=$ASAN)"
	if [ "${hwm:-0}" -gt $((RSS_MAX * 2)) ]; then
		fail limits-reload-rss "peak RSS $hwm KB"
	fi
fi
kill -TERM $pid
wait $pid
exit 0
