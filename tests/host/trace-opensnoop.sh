#!/bin/sh
# opensnoop on this kernel: known opens, known failures, filters.
BW=$1
. "$(dirname "$0")/tracelib.sh"

# a copy of cat with a name of its own, so other processes do not count
cp /bin/cat "$TR_T/bwopen"
echo hello >"$TR_T/known"
if ! tracer_start opensnoop -c bwopen; then
	fail opensnoop-attach "$TR_WHY"
	exit 0
fi
"$TR_T/bwopen" "$TR_T/known" >/dev/null
"$TR_T/bwopen" "$TR_T/missing" 2>/dev/null
sh -c 'exec 3>"$1"' sh "$TR_T/created"	# sh, not bwopen: filtered out
tracer_stop || fail opensnoop-stop "$TR_WHY"

r=$(recs ".path == \"$TR_T/known\"")
if [ "$(echo "$r" | grep -c .)" = 1 ] &&
   echo "$r" | jq -e '.comm == "bwopen" and .syscall == "openat" and .fd >= 3 and
	.err == 0 and .flags_str == "O_RDONLY" and .tracer == "opensnoop" and
	(.exec_id | test("^[0-9]+-[0-9a-f]+-[0-9]+$"))' >/dev/null; then
	pass opensnoop-open
else
	fail opensnoop-open "want one record of bwopen opening known with an fd, got: $r"
fi
r=$(recs ".path == \"$TR_T/missing\"")
if [ "$(echo "$r" | grep -c .)" = 1 ] &&
   echo "$r" | jq -e '.err == 2 and .errno == "ENOENT" and .ret == -2 and (has("fd") | not)' >/dev/null; then
	pass opensnoop-enoent
else
	fail opensnoop-enoent "want one ENOENT record for missing, got: $r"
fi
if [ "$(nrecs '.comm != "bwopen"')" = 0 ] && [ "$(nrecs ".path == \"$TR_T/created\"")" = 0 ]; then
	pass opensnoop-comm-filter
else
	fail opensnoop-comm-filter "records of other commands: $(recs '.comm != "bwopen"' | head -3)"
fi

# -x: failures only; -p: one process
if tracer_start opensnoop -x -c bwopen; then
	"$TR_T/bwopen" "$TR_T/known" >/dev/null
	"$TR_T/bwopen" "$TR_T/missing" 2>/dev/null
	tracer_stop || fail opensnoop-failed-stop "$TR_WHY"
	if [ "$(nrecs '.err == 0')" = 0 ] && [ "$(nrecs ".path == \"$TR_T/missing\"")" = 1 ]; then
		pass opensnoop-failed-only
	else
		fail opensnoop-failed-only "$(head -c 600 "$TR_OUT")"
	fi
else
	fail opensnoop-failed-only "$TR_WHY"
fi

echo hi >"$TR_T/bypid"
mkfifo "$TR_T/fifo"
sh -c 'read x <"$2"; exec 5<"$1"' sh "$TR_T/bypid" "$TR_T/fifo" &
target=$!
if tracer_start opensnoop -p "$target"; then
	cat "$TR_T/known" >/dev/null
	echo go >"$TR_T/fifo"
	wait "$target"
	tracer_stop || fail opensnoop-pid-stop "$TR_WHY"
	if [ "$(nrecs ".pid != $target")" = 0 ] &&
	   [ "$(nrecs ".pid == $target and .path == \"$TR_T/bypid\" and .fd >= 3")" = 1 ]; then
		pass opensnoop-pid-filter
	else
		fail opensnoop-pid-filter "$(head -c 600 "$TR_OUT")"
	fi
else
	fail opensnoop-pid-filter "$TR_WHY"
fi

# the fallback for kernels without per-syscall tracepoints
if tracer_start opensnoop --via raw_tp -c bwopen; then
	"$TR_T/bwopen" "$TR_T/known" >/dev/null
	"$TR_T/bwopen" "$TR_T/missing" 2>/dev/null
	tracer_stop || fail opensnoop-raw-tp-stop "$TR_WHY"
	if [ "$(nrecs ".path == \"$TR_T/known\" and .fd >= 3 and .syscall == \"openat\"")" = 1 ] &&
	   [ "$(nrecs ".path == \"$TR_T/missing\" and .err == 2")" = 1 ]; then
		pass opensnoop-raw-tp
	else
		fail opensnoop-raw-tp "$(head -c 600 "$TR_OUT")"
	fi
else
	fail opensnoop-raw-tp "$TR_WHY"
fi
out=$("$BW" trace opensnoop --via fentry 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "cannot run on this kernel: no attach method 'fentry'"; then
	pass opensnoop-via-unknown
else
	fail opensnoop-via-unknown "exit $rc: $out"
fi
