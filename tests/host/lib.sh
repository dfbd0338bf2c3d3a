# The harness of the host tests, sourced by tests/host/run.sh and by every
# scenario script it runs (see tests/host/README):
#   . "$(dirname "$0")/lib.sh"     with the script's arguments BULWARK [BWTEST]
# Sets BW, BWTEST, ROOT (the checkout), HOSTDIR (tests/host), CC and T, the
# script's own temporary directory: $BW_HOST_RUN/NAME under a run of
# run.sh (which removes the run dir at its end), else a new one removed at
# exit (kept with BW_KEEP=1).  Outside a run it takes the lock run.sh
# takes, so a scenario run alone does not overlap a run either.
# shellcheck disable=SC2034  # ROOT, CC, VPID, EPID: for the scripts sourcing this
set -u
if [ $# -lt 1 ]; then
	echo "usage: sh $0 BULWARK [BWTEST]" >&2
	exit 2
fi
BW=$(realpath "$1")
BWTEST=${2:-.output/bwtest}
[ -x "$BWTEST" ] && BWTEST=$(realpath "$BWTEST")
HOSTDIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HOSTDIR/../.." && pwd)
CC=${CC:-cc}
NAME=$(basename "$0" .sh)

if [ -n "${BW_HOST_RUN:-}" ]; then
	# inside a run: the runner holds the lock and removes the run dir
	T=$BW_HOST_RUN/$NAME
	mkdir -p "$T"
else
	T=$(mktemp -d /tmp/bw-host.XXXXXX)
	# Two runs on one machine would see each other: the tests name their
	# programs (bwkill, bwseq, ...) and the engines they start decide on,
	# and kill, every process of the machine.  One run at a time.
	exec 9>"${TMPDIR:-/tmp}/bulwark-host-tests.lock"
	if ! flock -n 9; then
		echo "host tests: another run holds ${TMPDIR:-/tmp}/bulwark-host-tests.lock; waiting"
		# at most 20 minutes: a process left over by an old run keeps the lock
		flock -w 1200 9 || echo "host tests: still held; going on beside it"
	fi
	trap '[ -n "${BW_KEEP:-}" ] || rm -rf "$T"' EXIT
fi

pass() { echo "PASS: host/$1"; }
fail() { echo "FAIL: host/$1: $2"; }
skip() { echo "SKIP: host/$1: $2"; }
# has_all TEXT PATTERN...: TEXT matches every (grep) PATTERN
has_all() {
	local text="$1" p
	shift
	for p in "$@"; do
		printf '%s\n' "$text" | grep -q -e "$p" || return 1
	done
}

# wait_tracing FILE: until a tracer says on stderr (FILE) that it is attached
wait_tracing() {
	i=0
	while ! grep -q "bulwark: tracing" "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
}

# wait_ready FILE PID: until the engine PID creates its ready file FILE
wait_ready() {
	i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 "$2" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
	done
}

# engine_start CONF READY ERR: `bulwark run` in the background, its stderr
# into ERR; sets EPID; 0 once it created READY, 1 if it did not in 30 s
engine_start() {
	"$BW" run --config "$1" --ready-file "$2" 2>"$3" &
	EPID=$!
	wait_ready "$2" $EPID
}

# engine_stop PID: SIGTERM, and its exit status
engine_stop() {
	kill -TERM "$1"
	wait "$1"
}

# victim NAME SECONDS: a copy of bwtest named NAME sleeping in the
# background, the target of signal rules; sets VPID
victim() {
	cp "$BWTEST" "$T/$1"
	"$T/$1" sleep "$2" >/dev/null &
	VPID=$!
}

# degraded_gate: 0 where the audit-only path can be tested (root, and a
# kernel that refuses BPF LSM programs), else says why (SKIP degraded)
degraded_gate() {
	if [ "$(id -u)" != 0 ]; then
		skip degraded "needs root to load BPF programs"
		return 1
	fi
	if "$BW" version --json 2>&1 | grep -q '"lsm_programs_load":true'; then
		skip degraded "this kernel enforces with BPF LSM; the audit-only fallback is tested where LSM programs are refused"
		return 1
	fi
	return 0
}

# audit_only: sets A to the directory of audit-only.sh's finished run (its
# engine's log, rotation, metrics, config and rules) for the scenarios that
# read them.  Under run.sh that is the run's; alone, audit-only.sh runs
# first, its lines into $T/audit-only.out.  1 (with a FAIL) without it.
audit_only() {
	if [ -n "${BW_HOST_RUN:-}" ]; then
		A=$BW_HOST_RUN/audit-only
	else
		A=$T/audit-only
		BW_HOST_RUN=$T sh "$HOSTDIR/audit-only.sh" "$BW" "$BWTEST" >"$T/audit-only.out" 2>&1
		echo "host: set-up: audit-only.sh: $(grep -c '^PASS: ' "$T/audit-only.out") passed, $(grep -c '^FAIL: ' "$T/audit-only.out") failed"
		sed -n 's/^FAIL: /  set-up failed: /p' "$T/audit-only.out"
	fi
	[ -e "$A/done" ] && return 0
	fail "$NAME" "audit-only.sh did not finish its engine's run in $A"
	return 1
}
