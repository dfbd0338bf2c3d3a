#!/bin/sh
# capable on this kernel: a chown that CAP_CHOWN allows, the same chown
# refused once setpriv has dropped the capability; -x, -p, the table, and
# each attach method this kernel offers.
BW=$1
. "$(dirname "$0")/tracelib.sh"

if [ "$(id -u)" != 0 ]; then
	skip capable "needs root to load BPF programs"
	exit 0
fi
if ! command -v setpriv >/dev/null; then
	skip capable "setpriv (util-linux) is not installed"
	exit 0
fi

# a copy of chown with a name of its own; its pid is known before it runs
cp "$(command -v chown)" "$TR_T/bwchown"
touch "$TR_T/owned"
mkfifo "$TR_T/go"

# chowns: one chown allowed (pid in $ok), one without CAP_CHOWN (pid in $no)
chowns() {
	sh -c 'exec "$1" 1 "$2"' sh "$TR_T/bwchown" "$TR_T/owned" &
	ok=$!
	wait $ok
	sh -c 'exec setpriv --bounding-set=-chown --inh-caps=-chown "$1" 2 "$2"' sh \
		"$TR_T/bwchown" "$TR_T/owned" 2>/dev/null &
	no=$!
	wait $no
}

# check_chowns NAME: the records of the two chowns (after tracer_stop)
check_chowns() {
	name=$1
	why=
	r=$(recs ".cap == 0")
	[ "$(echo "$r" | grep -c .)" = 2 ] || why="want two CAP_CHOWN records, got: $r"
	[ -n "$why" ] || echo "$r" | jq -es --argjson ok "$ok" '
		map(select(.pid == $ok)) | length == 1 and (.[0] |
		.verdict == "allowed" and .ret == 0 and .uid == 0 and .comm == "bwchown" and
		.cap_name == "CAP_CHOWN" and .tracer == "capable" and
		(.audit == true or (.audit == null and
		 (.via == "tp_btf" or .via == "raw_tp" or .via == "tracepoint"))))' >/dev/null ||
		why="want the chown of pid $ok allowed, audited: $r"
	[ -n "$why" ] || echo "$r" | jq -es --argjson no "$no" '
		map(select(.pid == $no)) | length == 1 and (.[0] |
		.verdict == "denied-kernel" and .ret == -1 and .cap_name == "CAP_CHOWN")' \
		>/dev/null || why="want the chown of pid $no denied-kernel with ret -1: $r"
	# besides, only commoncap's own CAP_SYS_ADMIN checks of mappings (not audited)
	[ -n "$why" ] || [ "$(nrecs '.cap != 0 and (.cap != 21 or .audit == true)')" = 0 ] ||
		why="unexpected records: $(recs '.cap != 0 and (.cap != 21 or .audit == true)' | head -3)"
	[ -n "$why" ] || [ "$(nrecs '.comm != "bwchown"')" = 0 ] ||
		why="records of other commands: $(recs '.comm != "bwchown"' | head -3)"
	if [ -z "$why" ]; then pass "$name"; else fail "$name" "$why"; fi
}

# the best method this kernel has
if tracer_start capable -c bwchown; then
	chowns
	tracer_stop || fail capable-stop "$TR_WHY"
	check_chowns capable-chown
else
	fail capable-chown "$TR_WHY"
fi

# -x: refusals only
if tracer_start capable -x -c bwchown; then
	chowns
	tracer_stop || fail capable-failed-stop "$TR_WHY"
	if [ "$(nrecs '.verdict == "allowed" or .ret == 0')" = 0 ] &&
	   [ "$(nrecs ".pid == $no and .cap == 0 and .verdict == \"denied-kernel\"")" = 1 ] &&
	   [ "$(nrecs ".pid == $ok")" = 0 ]; then
		pass capable-failed-only
	else
		fail capable-failed-only "$(head -c 600 "$TR_OUT")"
	fi
else
	fail capable-failed-only "$TR_WHY"
fi

# -p: one process, whatever its name
sh -c 'read x <"$1"; exec "$2" 3 "$3"' sh "$TR_T/go" "$TR_T/bwchown" "$TR_T/owned" &
target=$!
if tracer_start capable -p "$target"; then
	chowns
	echo go >"$TR_T/go"
	wait "$target"
	tracer_stop || fail capable-pid-stop "$TR_WHY"
	if [ "$(nrecs ".pid != $target")" = 0 ] &&
	   [ "$(nrecs ".cap == 0 and .verdict == \"allowed\"")" = 1 ]; then
		pass capable-pid-filter
	else
		fail capable-pid-filter "$(head -c 600 "$TR_OUT")"
	fi
else
	echo go >"$TR_T/go"
	wait "$target"
	fail capable-pid-filter "$TR_WHY"
fi

# the table: libbpf-tools capable's columns
"$BW" trace capable -c bwchown -d 2 >"$TR_T/table" 2>"$TR_T/table.err" &
tpid=$!
i=0
while ! grep -q "bulwark: tracing" "$TR_T/table.err" && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
chowns
wait $tpid
if head -n 1 "$TR_T/table" | grep -Eq '^PID +COMM +UID +CAP +NAME +AUDIT +VERDICT$' &&
   grep -Eq "^$no +bwchown +0 +0 +CAP_CHOWN +[-01] +denied-kernel$" "$TR_T/table"; then
	pass capable-table
else
	fail capable-table "$(head -c 600 "$TR_T/table") $(cat "$TR_T/table.err")"
fi

# every method, where this kernel has it
for m in fexit tp_btf raw_tp tracepoint kprobe; do
	if ! tracer_start capable --via "$m" -c bwchown; then
		case $TR_WHY in
		*"$m"*"failed ("*) skip "capable-via-$m" "this kernel refuses it: $TR_WHY" ;;
		*) fail "capable-via-$m" "$TR_WHY" ;;
		esac
		continue
	fi
	chowns
	tracer_stop || fail "capable-via-$m-stop" "$TR_WHY"
	if [ "$(nrecs ".via != \"$m\"")" != 0 ]; then
		fail "capable-via-$m" "records not from $m: $(recs ".via != \"$m\"" | head -2)"
		continue
	fi
	check_chowns "capable-via-$m"
done
