# Shared by tests/host/trace-*.sh: start a tracer, run a workload, stop it,
# and assert on its JSON records with jq.  Source after setting BW.
#   tracer_start NAME ARGS...   runs `bulwark trace NAME -j ARGS` into $TR_OUT
#   tracer_stop                 SIGINT, waits, and checks it exited 0
#   recs FILTER                 the records jq FILTER selects, one per line
set -u
TR_T=$(mktemp -d "${BW_HOST_RUN:-/tmp}/bw-trace.XXXXXX")	# under run.sh: in its run dir
trap '[ -n "${BW_KEEP:-}" ] || rm -rf "$TR_T"' EXIT
TR_OUT=$TR_T/out.json
TR_ERR=$TR_T/err
TR_PID=

pass() { echo "PASS: host/$1"; }
fail() { echo "FAIL: host/$1: $2"; }
skip() { echo "SKIP: host/$1: $2"; }

# tracer_start NAME ARGS...: 0 once attached, 1 (reason in $TR_WHY) if not
tracer_start() {
	: >"$TR_OUT"; : >"$TR_ERR"
	"$BW" trace "$@" -j >"$TR_OUT" 2>"$TR_ERR" &
	TR_PID=$!
	i=0
	while ! grep -q "bulwark: tracing" "$TR_ERR" 2>/dev/null; do
		if ! kill -0 "$TR_PID" 2>/dev/null || [ $i -ge 100 ]; then
			TR_WHY="did not attach: $(tr '\n' ' ' <"$TR_ERR")"
			kill -INT "$TR_PID" 2>/dev/null; wait "$TR_PID" 2>/dev/null
			return 1
		fi
		sleep 0.1; i=$((i + 1))
	done
	return 0
}

# tracer_stop: 0 when the tracer exited 0 and said nothing about losses
tracer_stop() {
	sleep 0.3	# let the last records through the ring buffer
	kill -INT "$TR_PID" 2>/dev/null
	wait "$TR_PID"; rc=$?
	TR_WHY="exit $rc: $(tr '\n' ' ' <"$TR_ERR")"
	[ $rc -eq 0 ] && ! grep -q "lost" "$TR_ERR"
}

# map_entries PID NAME: max_entries of the BPF map NAME that process PID holds
map_entries() {
	for f in /proc/$1/fdinfo/*; do
		id=$(sed -n 's/^map_id:[[:space:]]*//p' "$f" 2>/dev/null)
		[ -n "$id" ] || continue
		bpftool -j map show id "$id" 2>/dev/null |
			jq -r --arg n "$2" 'select(.name == $n) | .max_entries'
	done | head -n 1
}

recs() { jq -c "select($1)" "$TR_OUT" 2>/dev/null; }
nrecs() { recs "$1" | wc -l; }

# one_rec NAME FILTER CHECK: exactly one record matches FILTER, and CHECK holds
one_rec() {
	r=$(recs "$2")
	if [ "$(echo "$r" | grep -c .)" = 1 ] && echo "$r" | jq -e "$3" >/dev/null; then
		pass "$1"
	else
		fail "$1" "want one record with $2 and $3, got: $(echo "$r" | head -c 600)"
	fi
}

# tcp_helper TEST: build tests/host/bwtcp.c as H, named for this run only
# (another run at the same time is not ours); false after a SKIP line
tcp_helper() {
	N=bwtcp$$
	H=$TR_T/$N
	if ! "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -O2 -o "$H" \
		"$(dirname "$0")/bwtcp.c" 2>"$TR_T/cc.err"; then
		skip "$1" "cannot build the helper: $(head -c 300 "$TR_T/cc.err")"
		return 1
	fi
}

# tcp_serve ADDR BACKLOG N DELAY_MS: a listener of H accepting N connections
# (what it accepted in $TR_T/srv.out); its pid in SRV, its port in PORT
tcp_serve() {
	rm -f "$TR_T/port"
	"$H" serve "$1" "$2" "$TR_T/port" "$3" "$4" >"$TR_T/srv.out" &
	SRV=$!
	i=0
	while [ ! -s "$TR_T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	PORT=$(cat "$TR_T/port" 2>/dev/null)
}

# tcp_client ADDR PORT: H connects; its pid in CLI, its local port in CPORT,
# its exit status in CRC
tcp_client() {
	"$H" connect "$1" "$2" >"$TR_T/cli.out" 2>/dev/null &
	CLI=$!
	wait $CLI; CRC=$?
	CPORT=$(cat "$TR_T/cli.out")
}

# daemon_start TRACER [LINE]: the engine, audit-only and without rules, with
# [tracers] TRACER = on (and LINE, a setting of its own), its log in
# $TR_T/audit.log and its stderr in $TR_T/run.err; its pid in eng; true
# once it is ready
daemon_start() {
	: >"$TR_T/none.rules"
	printf '[engine]\nrules = %s\nlog = %s\non_lsm_missing = audit\n\n[tracers]\n%s = on\n%s\n' \
		"$TR_T/none.rules" "$TR_T/audit.log" "$1" "${2:-}" >"$TR_T/$1.conf"
	"$BW" run --config "$TR_T/$1.conf" --ready-file "$TR_T/ready" 2>"$TR_T/run.err" &
	eng=$!
	i=0
	while [ ! -e "$TR_T/ready" ] && kill -0 $eng 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ -e "$TR_T/ready" ]
}
