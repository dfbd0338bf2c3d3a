#!/bin/sh
# The ancestors of decision records: a chain bwanc-outer -> bwanc-inner,
# the inner one sending SIGURG 300 times to a victim an audit rule names.
# Every record names its ancestors' comms and executables, read from the
# process table (the engine's ancestor cache: engine/anc_cache.c).  The
# engine is stopped (SIGSTOP) while the chain runs, and bwanc-outer execs
# another program and exits before the engine reads a record: the exes
# must come from the entries kept after an image ends (proc_gone).
# Then a chain bwgone-outer -> bwgone-mid -> bwgone-inner, with a leaf
# bwgone-leaf beside it: the grandchild's records name both ancestors,
# which ended before the engine read them, and proc_gone (read with
# bpftool while the engine is stopped) holds the images of outer and mid,
# which had children, but none of the leaf or of inner, which never forked
# and which no record can name as an ancestor.  Last, a pid namespace's
# init that never forks adopts an orphan, reaps it and exits: records of
# the orphan still name the init's exe (ancestors-reaper).
#   sh tests/host/ancestors.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

degraded_gate || exit 0

if [ ! -x "$BWTEST" ]; then
	skip ancestors-named "helper $BWTEST not built"
	exit 0
fi
printf '[audit-anc]\nevent = signal\naction = audit\nsignal = SIGURG\ncomm = bwanc-inner\ntarget_comm = bwancvic\n' \
	>"$T/anc.rules"
printf '[engine]\nrules = %s/anc.rules\nlog = %s/anc.log\non_lsm_missing = audit\n' "$T" "$T" >"$T/anc.conf"
sh_path=$(command -v sh)
cp "$sh_path" "$T/bwanc-outer"
cp "$sh_path" "$T/bwanc-inner"
victim bwancvic 60
if ! engine_start "$T/anc.conf" "$T/anc.ready" "$T/anc.err"; then
	fail ancestors-named "engine did not start: $(head -c 400 "$T/anc.err")"
	kill "$VPID" 2>/dev/null
	exit 0
fi
kill -STOP "$EPID"
"$T/bwanc-outer" -c '"$1" -c "i=0; while [ \$i -lt 300 ]; do kill -URG $2; i=\$((i + 1)); done"; exec "$1" -c "exit 0"' \
	bwanc-outer "$T/bwanc-inner" "$VPID"
kill -CONT "$EPID"
# the engine has written what it read once the log stops growing
n=-1
while [ "$n" != "$(wc -c <"$T/anc.log")" ]; do n=$(wc -c <"$T/anc.log"); sleep 0.5; done
engine_stop "$EPID" || fail ancestors-stop "engine exit status $?"
kill "$VPID" 2>/dev/null

recs=$(grep '"rule":"audit-anc"' "$T/anc.log")
total=$(printf '%s\n' "$recs" | grep -c .)
named=$(printf '%s\n' "$recs" | jq -c --arg o "$T/bwanc-outer" \
	'select(.ancestors[0].comm == "bwanc-outer" and .ancestors[0].exe == $o and
		.ancestors[1].exe != null)' | grep -c .)
if [ "$total" != 300 ]; then
	fail ancestors-named "want 300 records of audit-anc, got $total: $(grep '"type":"lost"' "$T/anc.log" | head -c 300)"
elif [ "$named" = "$total" ]; then
	pass ancestors-named
else
	fail ancestors-named "$named of $total records name bwanc-outer ($T/bwanc-outer) first: $(printf '%s\n' "$recs" | head -n 1 | jq -c .ancestors)"
fi

# gone_map_id PID: the id of the proc_gone map engine PID holds, or nothing
gone_map_id() {
	for f in /proc/"$1"/fdinfo/*; do
		id=$(sed -n 's/^map_id:[[:space:]]*//p' "$f" 2>/dev/null)
		[ -n "$id" ] || continue
		if [ "$(bpftool -j map show id "$id" 2>/dev/null | jq -r .name)" = proc_gone ]; then
			echo "$id"
			return
		fi
	done
}

# gone_pids: the pids of the entries of proc_gone's dump ($T/gone.json)
gone_pids() {
	jq -r '.[] | (.formatted.key.pid // empty)' "$T/gone.json"
}

# dump_and_resume LOG: proc_gone of the stopped engine EPID into $T/gone.json
# (map: its id, empty when it could not be read), then the engine goes on
# until LOG stops growing
dump_and_resume() {
	local n=-1
	map=$(gone_map_id "$EPID")
	if [ -n "$map" ]; then
		bpftool -j map dump id "$map" >"$T/gone.json" 2>"$T/gone.dump.err" || map=
	fi
	kill -CONT "$EPID"
	while [ "$n" != "$(wc -c <"$1")" ]; do n=$(wc -c <"$1"); sleep 0.5; done
}

if ! command -v bpftool >/dev/null; then
	skip ancestors-gone "bpftool is not installed: proc_gone cannot be read"
	exit 0
fi
printf '[audit-gone]\nevent = signal\naction = audit\nsignal = SIGURG\ncomm = bwgone-inner\ntarget_comm = bwgonevic\n' \
	>"$T/gone.rules"
printf '[engine]\nrules = %s/gone.rules\nlog = %s/gone.log\non_lsm_missing = audit\n' "$T" "$T" >"$T/gone.conf"
for p in outer mid inner leaf; do
	cp "$sh_path" "$T/bwgone-$p"
done
victim bwgonevic 60
if ! engine_start "$T/gone.conf" "$T/gone.ready" "$T/gone.err"; then
	fail ancestors-gone "engine did not start: $(head -c 400 "$T/gone.err")"
	kill "$VPID" 2>/dev/null
	exit 0
fi
kill -STOP "$EPID"
# scripts run by the copies of sh (their comm); each ends with an exit of
# its own, so that no shell execs its last command in place of a fork
cat >"$T/outer.sh" <<'EOS'
echo $$ >"$1/outer.pid"
"$1/bwgone-leaf" -c 'exit 0' &
echo $! >"$1/leaf.pid"
wait
"$1/bwgone-mid" "$1/mid.sh" "$1" "$2"
exit 0
EOS
cat >"$T/mid.sh" <<'EOS'
echo $$ >"$1/mid.pid"
"$1/bwgone-inner" "$1/inner.sh" "$1" "$2"
exit 0
EOS
cat >"$T/inner.sh" <<'EOS'
echo $$ >"$1/inner.pid"
i=0
while [ $i -lt 50 ]; do kill -URG "$2"; i=$((i + 1)); done
exit 0
EOS
"$T/bwgone-outer" "$T/outer.sh" "$T" "$VPID"
dump_and_resume "$T/gone.log"
engine_stop "$EPID" || fail ancestors-gone-stop "engine exit status $?"
kill "$VPID" 2>/dev/null

recs=$(grep '"rule":"audit-gone"' "$T/gone.log")
total=$(printf '%s\n' "$recs" | grep -c .)
named=$(printf '%s\n' "$recs" | jq -c --arg m "$T/bwgone-mid" --arg o "$T/bwgone-outer" \
	--arg mp "$(cat "$T/mid.pid")" --arg op "$(cat "$T/outer.pid")" \
	'select(.ancestors[0].pid == ($mp | tonumber) and .ancestors[0].exe == $m and
		.ancestors[1].pid == ($op | tonumber) and .ancestors[1].exe == $o)' | grep -c .)
if [ "$total" != 50 ]; then
	fail ancestors-gone-named "want 50 records of audit-gone, got $total: $(grep '"type":"lost"' "$T/gone.log" | head -c 300)"
elif [ "$named" = "$total" ]; then
	pass ancestors-gone-named
else
	fail ancestors-gone-named "$named of $total records name bwgone-mid and bwgone-outer, which ended: $(printf '%s\n' "$recs" | head -n 1 | jq -c .ancestors)"
fi

if [ -z "$map" ]; then
	fail ancestors-gone-kept "proc_gone of engine $EPID not found or not read: $(head -c 300 "$T/gone.dump.err" 2>/dev/null)"
	exit 0
fi
gone_pids >"$T/gone.pids"
why=
for p in outer mid; do
	grep -qx "$(cat "$T/$p.pid")" "$T/gone.pids" || why="$why bwgone-$p ($(cat "$T/$p.pid")) not kept;"
done
for p in leaf inner; do
	grep -qx "$(cat "$T/$p.pid")" "$T/gone.pids" && why="$why bwgone-$p ($(cat "$T/$p.pid")) kept;"
done
if [ ! -s "$T/gone.pids" ]; then
	fail ancestors-gone-kept "no pid read from proc_gone's dump: $(head -c 300 "$T/gone.json")"
elif [ -n "$why" ]; then
	fail ancestors-gone-kept "proc_gone ($(wc -l <"$T/gone.pids") entries):$why"
else
	pass ancestors-gone-kept
fi

# A pid namespace's init that never forks adopts an orphan: bwgone-x,
# entered into the namespace, starts bwgone-y and exits, and bwgone-y's
# records name the init, its parent now.  The init reaps it and exits
# with no child left: its image is kept only because a child of it ended
# (bw_exit clears the leaf mark of an adopting parent), and the records,
# read after, still name its exe.
# the interpreter itself, not a wrapper script that would fork it
py=
[ -x /usr/bin/python3 ] && py=$(realpath /usr/bin/python3)
if [ -z "$py" ] || ! command -v unshare >/dev/null || ! command -v nsenter >/dev/null; then
	skip ancestors-reaper "needs /usr/bin/python3, unshare and nsenter"
	exit 0
fi
printf '[audit-reaper]\nevent = signal\naction = audit\nsignal = SIGURG\ncomm = bwgone-y\ntarget_comm = bwgone-y\n' \
	>"$T/reaper.rules"
printf '[engine]\nrules = %s/reaper.rules\nlog = %s/reaper.log\non_lsm_missing = audit\n' "$T" "$T" >"$T/reaper.conf"
# a link: comm bwgone-init, exe the interpreter; python forks nothing
ln -s "$py" "$T/bwgone-init"
cp "$sh_path" "$T/bwgone-x"
cp "$sh_path" "$T/bwgone-y"
mkfifo "$T/go.init" "$T/go.y"
cat >"$T/init.py" <<'EOS'
import os, sys
d = sys.argv[1]
open(d + "/init.ready", "w").close()
with open(d + "/go.init") as f:
    f.read()
os.waitpid(-1, 0)
sys.exit(0)
EOS
cat >"$T/x.sh" <<'EOS'
"$1/bwgone-y" "$1/y.sh" "$1" &
exit 0
EOS
cat >"$T/y.sh" <<'EOS'
read go <"$1/go.y"
i=0
while [ $i -lt 20 ]; do kill -URG $$; i=$((i + 1)); done
exit 0
EOS
if ! engine_start "$T/reaper.conf" "$T/reaper.ready" "$T/reaper.err"; then
	fail ancestors-reaper "engine did not start: $(head -c 400 "$T/reaper.err")"
	exit 0
fi
kill -STOP "$EPID"
unshare --pid --fork "$T/bwgone-init" "$T/init.py" "$T" &
unshare_pid=$!
i=0
while [ ! -e "$T/init.ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ipid=$(pgrep -P "$unshare_pid")
if [ -z "$ipid" ]; then
	fail ancestors-reaper "no init under unshare ($unshare_pid)"
	kill -CONT "$EPID"
	engine_stop "$EPID"
	exit 0
fi
# returns once bwgone-x exited: bwgone-y, blocked on go.y, is the init's
nsenter -t "$ipid" -p "$T/bwgone-x" "$T/x.sh" "$T"
echo go >"$T/go.y"
echo go >"$T/go.init"
wait "$unshare_pid"
dump_and_resume "$T/reaper.log"
engine_stop "$EPID" || fail ancestors-reaper-stop "engine exit status $?"

recs=$(grep '"rule":"audit-reaper"' "$T/reaper.log")
total=$(printf '%s\n' "$recs" | grep -c .)
named=$(printf '%s\n' "$recs" | jq -c --arg e "$py" --arg p "$ipid" \
	'select(.ancestors[0].pid == ($p | tonumber) and .ancestors[0].exe == $e)' | grep -c .)
if [ "$total" != 20 ]; then
	fail ancestors-reaper "want 20 records of audit-reaper, got $total"
elif [ "$named" != "$total" ]; then
	fail ancestors-reaper "$named of $total records name the init ($ipid, $py): $(printf '%s\n' "$recs" | head -n 1 | jq -c .ancestors)"
elif [ -z "$map" ] || ! gone_pids | grep -qx "$ipid"; then
	fail ancestors-reaper "the init's image ($ipid) is not in proc_gone: $(head -c 300 "$T/gone.dump.err" 2>/dev/null)"
else
	pass ancestors-reaper
fi
