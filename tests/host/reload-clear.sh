#!/bin/sh
# A reload leaves nothing of the policy before it: an engine started with
# 4,096 exec rules (more than one 1,024-entry batch in each value map) and
# reloaded twice to 10 rules, so that both slots were cleared, holds in
# its policy maps what an engine started with the 10 rules and reloaded
# once holds.  Compared with bpftool: the value maps (hash and trie, whose
# old entries are deleted in batches) and the arrays rewritten whole
# (defaults, class headers, syscall table, and the rules' array, whose
# entries past the new count are zeroed).
#   sh tests/host/reload-clear.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	skip reload-clear "needs root to load BPF programs"
	exit 0
fi
for tool in bpftool jq; do
	if ! command -v $tool >/dev/null 2>&1; then
		skip reload-clear "no $tool (a test dependency) to read the maps"
		exit 0
	fi
done
MAPS="num_map str_map path_map def_map meta_map sc_map rule_map"

# small FILE: 10 audit rules; big FILE: 4,096 (a comm or a uid, and a path each)
small() {
	awk 'BEGIN { for (i = 0; i < 10; i++) {
		printf "[small-%d]\nevent = exec\naction = audit\n", i
		if (i % 3 == 0) printf "comm = bwsmall%d\n", i
		else if (i % 3 == 1) printf "uid = %d\n", 150000 + i
		else printf "path = /nonexistent/small/%d\n", i
	} }' >"$1"
}
big() {
	awk 'BEGIN { for (i = 0; i < 4096; i++) {
		printf "[big-%d]\nevent = exec\naction = audit\npath = /nonexistent/big/%d\n", i, i
		if (i % 2) printf "uid = %d\n", 200000 + i
		else printf "comm = bwbig%d\n", i
	} }' >"$1"
}

# start NAME RULES: an engine of its own ($EPID) in $T/NAME
start() {
	mkdir -p "$T/$1"
	cat >"$T/$1/c.conf" <<EOC
[engine]
rules = $2
log = $T/$1/audit.log
status = $T/$1/status.json
control = $T/$1/control
on_lsm_missing = audit
on_exit = detach
EOC
	"$BW" run --config "$T/$1/c.conf" --ready-file "$T/$1/ready" 2>"$T/$1/engine.err" &
	EPID=$!
	GEN=1
	wait_ready "$T/$1/ready" $EPID
}

# reload NAME: SIGHUP, until the next generation is live
reload() {
	GEN=$((GEN + 1))
	kill -HUP $EPID
	i=0
	until grep -q "policy generation $GEN live" "$T/$1/engine.err"; do
		i=$((i + 1))
		[ $i -gt 600 ] && return 1
		sleep 0.1
	done
}

# dump NAME: each map of the engine as sorted "map key value" lines (its
# maps found through its file descriptors: bpftool may not know the pids)
dump() {
	: >"$T/$1/dump.raw"
	for id in $(awk '/^map_id:/ { print $2 }' /proc/$EPID/fdinfo/* 2>/dev/null | sort -un); do
		n=$(bpftool map show id "$id" -j | jq -r .name) || return 1
		case " $MAPS " in *" $n "*) ;; *) continue ;; esac
		bpftool map dump id "$id" -j >"$T/$1/map.json" || return 1
		jq -c --arg n "$n" '.[] | [$n, .key, .value]' "$T/$1/map.json" >>"$T/$1/dump.raw" ||
			return 1
	done
	for m in $MAPS; do
		grep -q "^\[\"$m\"" "$T/$1/dump.raw" || { echo "no entries in $m"; return 1; }
	done
	sort "$T/$1/dump.raw" >"$T/$1/dump"
}

stop() {
	kill $EPID
	wait $EPID
}

small "$T/small.rules"
big "$T/big.rules"
cp "$T/big.rules" "$T/changing.rules"

if ! start fresh "$T/small.rules" || ! reload fresh || ! dump fresh; then
	fail reload-clear "the 10-rule engine: $(tail -3 "$T/fresh/engine.err")"
	stop
	exit 0
fi
stop

if ! start shrunk "$T/changing.rules" || ! reload shrunk; then
	fail reload-clear "the 4,096-rule engine: $(tail -3 "$T/shrunk/engine.err")"
	stop
	exit 0
fi
dump shrunk || { fail reload-clear "no dump of the 4,096-rule engine"; stop; exit 0; }
mv "$T/shrunk/dump" "$T/shrunk/dump.big"
nbig=$(grep -c '^\["path_map"' "$T/shrunk/dump.big")
cp "$T/small.rules" "$T/changing.rules"
if ! reload shrunk || ! reload shrunk || ! dump shrunk; then
	fail reload-clear "reloads to 10 rules: $(tail -3 "$T/shrunk/engine.err")"
	stop
	exit 0
fi
stop

nsmall=$(grep -c '^\["path_map"' "$T/fresh/dump")
if [ "$nbig" -lt 8192 ]; then
	fail reload-clear "the 4,096-rule engine's path map held $nbig entries, not both slots' 8,192"
elif [ "$nsmall" -lt 2 ]; then
	fail reload-clear "the 10-rule engine's path map held $nsmall entries"
elif ! diff "$T/fresh/dump" "$T/shrunk/dump" >"$T/diff"; then
	fail reload-clear "the maps after 4,096 -> 10 rules differ from a 10-rule start: $(head -c 600 "$T/diff")"
else
	pass reload-clear
fi
