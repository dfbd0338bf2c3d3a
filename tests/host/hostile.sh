#!/bin/sh
# Hostile program names (run by tests/host/run.sh, as root, audit-only on a
# kernel that refuses LSM programs): programs named with a newline, a tab,
# quotes, a backslash, an ANSI escape, invalid and overlong UTF-8, valid
# UTF-8 and a 250-byte name run under an exec audit rule; mount points of
# those names are mounted under a mount audit rule, and processes of
# those names send SIGURG to processes of those names under a signal audit
# rule.  Every log line must be valid UTF-8 and parse as JSON, every
# record be one row of `bulwark log`'s table with no raw control byte,
# and `bulwark replay` must match every record to the rule that wrote it.
#   hostile.sh BULWARK DIR
set -u
BW=$1
D=$2
pass() { echo "PASS: host/$1"; }
fail() { echo "FAIL: host/$1: $2"; }

mkdir -p "$D/bin" "$D/mnt" "$D/sigt" "$D/sigs"
{
	printf '[audit-hostile]\nevent = exec\naction = audit\npath = %s/bin/\n\n' "$D"
	printf '[audit-hostile-mount]\nevent = mount\naction = audit\ntarget = %s/mnt/\n\n' "$D"
	printf '[audit-hostile-signal]\nevent = signal\naction = audit\nsignal = SIGURG\n'
} >"$D/h.rules"
printf '[engine]\nrules = %s/h.rules\nlog = %s/h.log\non_lsm_missing = audit\n' "$D" "$D" >"$D/h.conf"

# the names, as printf formats
n=0
for name in 'new\nline' 'tab\there' 'quote"s' "single'q" 'back\\slash' \
	'esc\033[2Jcls' 'bad\377\001' 'overlong\300\257' 'caf\303\251' \
	'bell\007x' "$(printf 'L%.0s' $(seq 250))"; do
	n=$((n + 1))
	# shellcheck disable=SC2059  # the name is the format
	f=$(printf "$D/bin/$name")
	cp /bin/true "$f" || { fail hostile-names "cannot create $name"; exit 0; }
	# a mount point, a signal's target (sleep) and its sender (kill), the same name
	# shellcheck disable=SC2059
	mkdir "$(printf "$D/mnt/$name")" &&
		cp /bin/sleep "$(printf "$D/sigt/$name")" &&
		cp /bin/kill "$(printf "$D/sigs/$name")" ||
		{ fail hostile-names "cannot create $name"; exit 0; }
done

"$BW" run --config "$D/h.conf" --ready-file "$D/ready" 2>"$D/err" &
pid=$!
i=0
while [ ! -e "$D/ready" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -e "$D/ready" ]; then
	fail hostile-names "engine not ready: $(cat "$D/err")"
	kill $pid 2>/dev/null
	exit 0
fi
for f in "$D"/bin/*; do
	"$f"
done
# mounts in a namespace of their own: none is left behind
unshare -m sh -c 'for m in "$1"/mnt/*; do mount -t tmpfs none "$m"; done' sh "$D"
# SIGURG (ignored) from a hostile name to a hostile name
for t in "$D"/sigt/*; do
	"$t" 30 &
	tpid=$!
	sleep 0.1
	"$D/sigs/${t##*/}" -URG $tpid
	kill -KILL $tpid
	wait $tpid 2>/dev/null
done
sleep 1
kill -TERM $pid
wait $pid

# (a path nobody can resolve matches every audit rule on path: count
# only the records of these programs)
recs=$(grep '"type":"decision"' "$D/h.log" | grep -c "\"path\":\"$D/bin/")
if [ "$recs" -ne "$n" ]; then
	fail hostile-names "$recs decision records for $n programs: $(grep '"type":"decision"' "$D/h.log" | grep -o '"exec":{[^}]*}' | cut -c 1-120 | tr '\n' ' ')"
	exit 0
fi
pass hostile-names
recs=$(grep '"type":"decision"' "$D/h.log" | grep -c "\"target\":\"$D/mnt/")
if [ "$recs" -eq "$n" ]; then
	pass hostile-names-mount
else
	fail hostile-names-mount "$recs mount records for $n mounts"
fi
recs=$(grep '"type":"decision"' "$D/h.log" | grep '"rule":"audit-hostile-signal"' | grep -c "\"exe\":\"$D/sigs/")
if [ "$recs" -eq "$n" ]; then
	pass hostile-names-signal
else
	fail hostile-names-signal "$recs signal records from $n senders"
fi

# every line valid UTF-8 (iconv refuses anything else) and JSON (jq)
if iconv -f UTF-8 -t UTF-8 "$D/h.log" >/dev/null 2>"$D/iconv.err"; then
	pass hostile-log-utf8
else
	fail hostile-log-utf8 "$(cat "$D/iconv.err")"
fi
if command -v jq >/dev/null; then
	bad=0
	while IFS= read -r line; do
		printf '%s\n' "$line" | jq -e . >/dev/null 2>&1 || bad=$((bad + 1))
	done <"$D/h.log"
	if [ $bad -eq 0 ]; then
		pass hostile-log-json
	else
		fail hostile-log-json "$bad lines are not JSON"
	fi
fi

# the table of each class: one row per record, no raw control byte (tab
# excepted: none is printed raw either)
for ev in exec mount signal; do
	"$BW" log --event $ev "$D/h.log" >"$D/table" 2>"$D/table.err"
	evn=$(grep '"type":"decision"' "$D/h.log" | grep -c "\"event\":\"$ev\"")
	rows=$(grep -c . "$D/table")
	ctl=$(LC_ALL=C tr -d '\n' <"$D/table" | LC_ALL=C tr -cd '\000-\037\177' | wc -c)
	# a header line and one line per record, valid UTF-8, no raw control byte
	if [ "$evn" -gt 0 ] && [ "$rows" -eq $((evn + 1)) ] && [ "$ctl" -eq 0 ] &&
	   iconv -f UTF-8 -t UTF-8 "$D/table" >/dev/null 2>&1; then
		pass hostile-table-rows-$ev
	else
		fail hostile-table-rows-$ev "$rows lines for $evn records (+1 header), $ctl raw control bytes: $(od -c "$D/table" | head -8 | tr '\n' ' ')"
	fi
done
all=$(grep -c '"type":"decision"' "$D/h.log")

# replay: the rules that wrote the log change nothing
out=$("$BW" replay --rules "$D/h.rules" "$D/h.log" 2>&1)
if echo "$out" | grep -q "$all replayed, 0 would change"; then
	pass hostile-replay
else
	fail hostile-replay "$out"
fi
