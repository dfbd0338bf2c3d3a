#!/bin/sh
# The programs are verified on every CPU the engine may use
# (engine/progload.h): copies of the BPF object, each with its own BTF and
# a share of the programs, all on the first object's maps.  Started on
# the CPUs it has and again under `taskset -c 0`, the engine must load
# each program once (no program in two copies, none in the maps' object:
# the programs the status file names, counted through the engine's file
# descriptors), spread over as many copies as it may use CPUs (two or
# more: as many BTF ids among its programs; one CPU: one), and its
# programs must read the maps the engine wrote: an audit rule's record.
#   sh tests/host/load-threads.sh BULWARK [BWTEST]
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	skip load-threads "needs root to load BPF programs"
	exit 0
fi
for tool in bpftool jq taskset; do
	if ! command -v $tool >/dev/null 2>&1; then
		skip load-threads "no $tool (a test dependency)"
		exit 0
	fi
done
cpus=$(nproc)

printf '[urg]\nevent = signal\naction = audit\nsignal = SIGURG\ntarget_comm = bwload\n' >"$T/r.rules"

# progs NAME: "name btf_id" of each program the engine holds, one line each
progs() {
	for id in $(awk '/^prog_id:/ { print $2 }' /proc/$EPID/fdinfo/* 2>/dev/null | sort -un); do
		bpftool prog show id "$id" -j | jq -r '"\(.name) \(.btf_id)"' || return 1
	done >"$T/$1/progs"
}

# check NAME COPIES: one engine's programs and a record (see the top)
check() {
	n=$1
	dups=$(awk '{ print $1 }' "$T/$n/progs" | sort | uniq -d | tr '\n' ' ')
	[ -z "$dups" ] || { fail "load-threads-$n" "loaded more than once: $dups"; return; }
	for p in $(jq -r '.programs | keys[]' "$T/$n/status.ready"); do
		# bpftool names a program from its BTF, else the kernel's 15 characters
		short=$(printf '%.15s' "$p")
		grep -q -e "^$p " -e "^$short " "$T/$n/progs" ||
			{ fail "load-threads-$n" "$p attached but not among the loaded programs: $(tr '\n' ' ' <"$T/$n/progs")"; return; }
	done
	btfs=$(awk '{ print $2 }' "$T/$n/progs" | sort -u | wc -l)
	[ "$btfs" -eq "$2" ] ||
		{ fail "load-threads-$n" "programs in $btfs objects (BTF ids), want $2 on $3 CPU(s)"; return; }
	grep -q '"type":"decision".*"signal":"SIGURG"' "$T/$n/audit.log" ||
		{ fail "load-threads-$n" "no record of SIGURG to bwload: the programs do not read the engine's maps"; return; }
	pass "load-threads-$n"
}

# run NAME COPIES CPUS [taskset ARGS...]
run() {
	n=$1 want=$2 ncpu=$3
	shift 3
	mkdir -p "$T/$n"
	cat >"$T/$n/c.conf" <<EOC
[engine]
rules = $T/r.rules
log = $T/$n/audit.log
status = $T/$n/status.json
on_lsm_missing = audit
on_exit = detach
EOC
	"$@" "$BW" run --config "$T/$n/c.conf" --ready-file "$T/$n/ready" 2>"$T/$n/engine.err" &
	EPID=$!
	if ! wait_ready "$T/$n/ready" $EPID; then
		fail "load-threads-$n" "not ready: $(tail -2 "$T/$n/engine.err")"
		kill $EPID 2>/dev/null
		return
	fi
	victim bwload 30
	i=0
	until [ "$(cat /proc/$VPID/comm 2>/dev/null)" = bwload ] || [ $i -gt 50 ]; do
		sleep 0.1; i=$((i + 1))	# until the victim has exec'd
	done
	kill -URG $VPID
	i=0
	until grep -q '"signal":"SIGURG"' "$T/$n/audit.log" 2>/dev/null || [ $i -gt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	progs "$n" || fail "load-threads-$n" "bpftool could not show the engine's programs"
	until [ -s "$T/$n/status.json" ] || [ $i -gt 100 ]; do
		sleep 0.1; i=$((i + 1))	# written at the first tick after ready
	done
	cp "$T/$n/status.json" "$T/$n/status.ready"
	kill $VPID
	engine_stop $EPID
	check "$n" "$want" "$ncpu"
}

want=$cpus
[ "$want" -le 4 ] || want=4	# PROGLOAD_MAX_THREADS
if [ "$cpus" -ge 2 ]; then
	run all "$want" "$cpus" env
else
	skip load-threads-all "one CPU: the programs load in one copy (load-threads-one)"
fi
run one 1 1 taskset -c 0
