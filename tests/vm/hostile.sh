# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# shellcheck disable=SC2034  # SCEN: read by scenarios.sh
#
# The hostile group of the VM tests, sourced by scenarios.sh (whose helpers
# it uses: op, want, rec, group, solo).  Issue 11: a program chooses its own
# name, and no name may break a record or forge a row.  The names of
# tests/host/hostile.sh (newline, tab, quotes, backslash, ANSI escape,
# invalid and overlong UTF-8, valid UTF-8, a bell, 250 bytes) and one whose
# two-byte character the kernel's 15-byte comm cuts in half go through
# real LSM decisions of Debian's kernel (rules/hostile.rules):
#
#   hostile-exec-deny    each, as a program in /tmp/bwhx/deny/: EPERM, a
#                        deny record with the path escaped
#   hostile-exec-audit   each, as a program in /tmp/bwhx/audit/: runs, an
#                        audit record
#   hostile-mount        a tmpfs on /tmp/bwhm/NAME: EPERM, the target escaped
#   hostile-signal       the audit copy of each sends SIGURG to a sleeping
#                        copy with the same name: EPERM, the subject's comm
#                        and the target_comm escaped
#   hostile-log          after the engine stopped: every line of the log is
#                        one JSON object of valid UTF-8 (bwtest jsoncheck),
#                        `bulwark log` (table, --summary) prints one row per
#                        record and no raw control byte or invalid UTF-8
#                        (bwtest textcheck), `bulwark replay` with the rules
#                        that wrote the log changes nothing

HN_N=12
HN_DIR=/tmp/bwhx

# hn_name I: name I (bytes, as a printf format would give them)
hn_name() {
	local l="" i=0
	case $1 in
	1) printf 'new\nline' ;;
	2) printf 'tab\there' ;;
	3) printf 'quote"s' ;;
	4) printf "single'q" ;;
	5) printf 'back\\slash' ;;
	6) printf 'esc\033[2Jcls' ;;
	7) printf 'bad\377\001' ;;
	8) printf 'overlong\300\257' ;;
	9) printf 'caf\303\251' ;;
	10) printf 'bell\007x' ;;
	11) printf 'fourteen-bytes\303\251' ;;
	12)
		while [ $i -lt 250 ]; do l="${l}L"; i=$((i + 1)); done
		printf '%s' "$l"
		;;
	esac
}

# hn_json I: name I as the log writes it in a JSON string (empty for the
# 250-byte one: a path of it is cut at 251 bytes)
hn_json() {
	case $1 in
	1) printf '%s' 'new\nline' ;;
	2) printf '%s' 'tab\there' ;;
	3) printf '%s' 'quote\"s' ;;
	4) printf '%s' "single'q" ;;
	5) printf '%s' 'back\\slash' ;;
	6) printf '%s' 'esc\u001b[2Jcls' ;;
	7) printf '%s' 'bad\u00ff\u0001' ;;
	8) printf '%s' 'overlong\u00c0\u00af' ;;
	9) printf 'caf\303\251' ;;
	10) printf '%s' 'bell\u0007x' ;;
	11) printf 'fourteen-bytes\303\251' ;;
	esac
}

# hn_comm I: the comm of a program named I (its first 15 bytes), as written
hn_comm() {
	case $1 in
	11) printf '%s' 'fourteen-bytes\u00c3' ;;	# the character cut in half
	12) printf '%s' 'LLLLLLLLLLLLLLL' ;;
	*) hn_json "$1" ;;
	esac
}

HN_SETUP_WHY=
hn_try() {
	"$@" 2>"$T/hn-setup.err" && return 0
	HN_SETUP_WHY="${HN_SETUP_WHY:+$HN_SETUP_WHY; }'$*' failed: $(oneline 160 <"$T/hn-setup.err")"
	return 1
}

hn_setup() {
	local i n
	hn_try mkdir -p $HN_DIR/deny $HN_DIR/audit $HN_DIR/victim /tmp/bwhm
	i=1
	while [ $i -le $HN_N ]; do
		n=$(hn_name $i)
		hn_try cp /bin/bwtest "$HN_DIR/deny/$n"
		hn_try cp /bin/bwtest "$HN_DIR/audit/$n"
		hn_try cp /bin/bwtest "$HN_DIR/victim/$n"
		hn_try mkdir -p "/tmp/bwhm/$n"
		i=$((i + 1))
	done
}

sc_hostile_setup() {
	checking || return 0
	[ -z "$HN_SETUP_WHY" ] || why "set-up: $HN_SETUP_WHY"
}

# hn_path_rec ID I KEY DIR PATTERN...: the record of ID has KEY = DIR/name I
hn_path_rec() {
	local id=$1 i=$2 key=$3 dir=$4
	shift 4
	if [ "$i" = 12 ]; then
		rec "$id" "$@" "\"${key}_truncated\":true"
	else
		rec "$id" "$@" "\"$key\":\"$dir/$(hn_json "$i")\""
	fi
}

sc_hostile_exec_deny() {
	local i=1
	while [ $i -le $HN_N ]; do
		op d$i /bin/bwtest exec "$HN_DIR/deny/$(hn_name $i)" ok
		want d$i EPERM
		hn_path_rec d$i $i path $HN_DIR/deny '"event":"exec"' '"decision":"deny"' \
			'"rule":"deny-exec-hostile"'
		i=$((i + 1))
	done
}

sc_hostile_exec_audit() {
	local i=1
	while [ $i -le $HN_N ]; do
		op a$i /bin/bwtest exec "$HN_DIR/audit/$(hn_name $i)" ok
		want a$i OK
		hn_path_rec a$i $i path $HN_DIR/audit '"event":"exec"' '"decision":"audit"' \
			'"rule":"audit-exec-hostile"'
		i=$((i + 1))
	done
}

sc_hostile_mount() {
	local i=1
	while [ $i -le $HN_N ]; do
		op m$i /bin/bwtest mount-tmpfs "/tmp/bwhm/$(hn_name $i)"
		want m$i EPERM
		hn_path_rec m$i $i target /tmp/bwhm '"event":"mount"' '"decision":"deny"' \
			'"rule":"deny-mount-hostile"'
		i=$((i + 1))
	done
}

# A victim: the copy named I in victim/, sleeping; its pid once it runs
# as itself (it prints pid= after the exec).
hn_victim() {
	local out="$T/hostile.victim.$1"
	"$HN_DIR/victim/$(hn_name "$1")" sleep 600 >"$out" 2>&1 &
	wait_until 10 grep -q '^pid=' "$out"
	sed -n 's/^pid=//p' "$out" | head -n 1
}

sc_hostile_signal() {
	local i=1 v c
	while [ $i -le $HN_N ]; do
		if running; then
			v=$(hn_victim $i)
			echo "$v" >"$(f s$i victim)"
		else
			v=$(cat "$(f s$i victim)" 2>/dev/null)
		fi
		op s$i /bin/bwtest exec "$HN_DIR/audit/$(hn_name $i)" kill "$v" SIGURG
		want s$i EPERM
		c=$(hn_comm $i)
		rec s$i '"event":"signal"' '"decision":"deny"' '"rule":"deny-signal-hostile"' \
			"\"target_pid\":$v," "\"target_comm\":\"$c\"" "\"comm\":\"$c\",\"cgroup_id\""
		running && [ -n "$v" ] && kill -KILL "$v" 2>/dev/null
		i=$((i + 1))
	done
}

sc_hostile_log() {
	local lines rows
	checking || return 0
	if ! /bin/bwtest jsoncheck "$LOG" >"$T/hostile.json" 2>&1; then
		why "log lines that are not valid UTF-8 JSON: $(grep -v '^pid=' "$T/hostile.json" | oneline 300)"
	fi
	lines=$(wc -l <"$LOG")
	# the table: a header and one row per record
	$BW log "$LOG" >"$T/hostile.table" 2>"$T/hostile.table.err"
	/bin/bwtest textcheck "$T/hostile.table" >"$T/hostile.text" 2>&1 ||
		why "bulwark log: $(oneline 200 <"$T/hostile.text")"
	rows=$(sed -n 's/^lines=//p' "$T/hostile.text")
	[ "$rows" = $((lines + 1)) ] ||
		why "bulwark log printed $rows lines for $lines records (+1 header)"
	[ ! -s "$T/hostile.table.err" ] ||
		why "bulwark log said: $(oneline 200 <"$T/hostile.table.err")"
	$BW log --summary "$LOG" >"$T/hostile.summary" 2>&1
	/bin/bwtest textcheck "$T/hostile.summary" >"$T/hostile.text" 2>&1 ||
		why "bulwark log --summary: $(oneline 200 <"$T/hostile.text")"
	# replay with the rules that wrote the log: nothing changes
	$BW replay --rules $RULES/hostile.rules "$LOG" >"$T/hostile.replay" 2>&1 ||
		why "bulwark replay: $(tail -n 3 "$T/hostile.replay" | oneline 300)"
}

hostile_groups() {
	hn_setup
	solo hostile-setup
	group hostile enforce $RULES/hostile.rules \
		hostile-exec-deny hostile-exec-audit hostile-mount hostile-signal hostile-log
}
