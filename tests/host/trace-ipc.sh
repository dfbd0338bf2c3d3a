#!/bin/sh
# ipc on this kernel: every System V IPC call of `bwtest ipc-keys KEY`
# (shm, msg and sem objects created, opened, used, read and removed, then a
# shmat on the removed segment) by a process of uid 1000, through the
# syscall tracepoints; -x, -p; and the LSM method where this kernel has it.
BW=$1
BWTEST=$2
. "$(dirname "$0")/tracelib.sh"

if [ "$(id -u)" != 0 ]; then
	skip ipc "needs root to load BPF programs"
	exit 0
fi
if [ ! -x "$BWTEST" ] || ! command -v setpriv >/dev/null; then
	skip ipc "needs $BWTEST (make .output/bwtest) and setpriv"
	exit 0
fi
cp "$BWTEST" "$TR_T/bwipc"
chmod 755 "$TR_T" "$TR_T/bwipc"
KEY=$((500000000 + ($$ % 100000) * 10))

# ipc_run: bwipc ipc-keys as uid/gid 1000; sets pid, shm, msg, sem
ipc_run() {
	KEY=$((KEY + 3))
	setpriv --reuid 1000 --regid 1000 --clear-groups "$TR_T/bwipc" ipc-keys "$KEY" \
		>"$TR_T/run.out" 2>&1
	pid=$(sed -n 's/^pid=//p' "$TR_T/run.out")
	shm=$(sed -n 's/^shm_id=//p' "$TR_T/run.out")
	msg=$(sed -n 's/^msg_id=//p' "$TR_T/run.out")
	sem=$(sed -n 's/^sem_id=//p' "$TR_T/run.out")
	grep -q '^result=OK$' "$TR_T/run.out"
}

# one line per record: object, call, access, command, result
summary() {
	recs "$1" | jq -r '[.obj, (.call | sub("^semtimedop$"; "semop")), (.access // "-"),
		(.cmd // "-"), (if .ret == null then "-" elif .ret < 0 then .errno
		else "ok" end)] | join(" ")'
}

want_syscall="shm shmget rw - ok
shm shmget r - ok
shm shmat r - ok
shm shmdt - - ok
shm shmat rw - ok
shm shmctl r IPC_STAT ok
shm shmdt - - ok
shm shmctl - IPC_RMID ok
shm shmat rw - EINVAL
msg msgget rw - ok
msg msgsnd w - ok
msg msgrcv r - ok
msg msgctl - IPC_RMID ok
sem semget rw - ok
sem semop w - ok
sem semop w - ok
sem semop r - ok
sem semctl r GETVAL ok
sem semctl - IPC_RMID ok"

if tracer_start ipc --via tracepoint -c bwipc; then
	ipc_run || fail ipc-syscall "bwtest ipc-keys failed: $(cat "$TR_T/run.out")"
	tracer_stop || fail ipc-syscall-stop "$TR_WHY"
	got=$(summary "true")
	why=
	[ "$got" = "$want_syscall" ] ||
		why="calls: want $(echo "$want_syscall" | tr '\n' ';') got $(echo "$got" | tr '\n' ';')"
	# the object, its key and creator, read while each call ran
	[ -n "$why" ] || [ "$(nrecs ".pid != $pid or .via != \"syscall\" or .tracer != \"ipc\"")" = 0 ] ||
		why="records of another pid or method: $(recs ".pid != $pid" | head -2)"
	[ -n "$why" ] || [ "$(nrecs ".obj == \"shm\" and .ret != -22 and (.id != $shm or .key != $((KEY)) or
		.cuid != 1000 or .cgid != 1000 or .ouid != 1000 or .mode != \"0640\" or .uid != 1000)")" = 0 ] ||
		why="shm records without id $shm, key $KEY, creator 1000:1000, mode 0640: $(recs '.obj == "shm"' | head -3)"
	[ -n "$why" ] || [ "$(nrecs ".obj == \"shm\" and .ret == -22 and .id == $shm and .key == null and
		(has(\"cuid\") | not) and .call == \"shmat\"")" = 1 ] ||
		why="want the shmat of the removed segment: id $shm, no key or creator"
	[ -n "$why" ] || [ "$(nrecs ".obj == \"msg\" and (.id != $msg or .key != $((KEY + 1)) or .cuid != 1000 or .mode != \"0600\")")" = 0 ] ||
		why="msg records without id $msg, key $((KEY + 1)), creator 1000: $(recs '.obj == "msg"' | head -3)"
	[ -n "$why" ] || [ "$(nrecs ".obj == \"sem\" and (.id != $sem or .key != $((KEY + 2)) or .cgid != 1000)")" = 0 ] ||
		why="sem records without id $sem, key $((KEY + 2)), creator group 1000: $(recs '.obj == "sem"' | head -3)"
	[ -n "$why" ] || [ "$(nrecs ".call == \"shmat\" and .ret > 0 and (.addr | test(\"^0x[0-9a-f]+$\"))")" = 2 ] ||
		why="want two shmat records with their address: $(recs '.call == "shmat"' | head -3)"
	[ -n "$why" ] || recs '.call == "shmdt"' | tail -n 1 |
		jq -e --arg a "$(sed -n 's/^shm_addr=//p' "$TR_T/run.out")" '.addr == $a' >/dev/null ||
		why="want the last shmdt at the address bwtest printed: $(recs '.call == "shmdt"' | head -3)"
	[ -n "$why" ] || [ "$(nrecs ".call == \"msgrcv\" and .ret == 6")" = 1 ] ||
		why="want msgrcv returning 6 bytes"
	if [ -z "$why" ]; then pass ipc-syscall; else fail ipc-syscall "$why"; fi
else
	fail ipc-syscall "$TR_WHY"
fi

# -x: the failed calls only
if tracer_start ipc --via tracepoint -x -c bwipc; then
	ipc_run || fail ipc-failed-only "bwtest ipc-keys failed: $(cat "$TR_T/run.out")"
	tracer_stop || fail ipc-failed-only-stop "$TR_WHY"
	got=$(summary "true")
	if [ "$got" = "shm shmat rw - EINVAL" ]; then
		pass ipc-failed-only
	else
		fail ipc-failed-only "want only the failed shmat, got: $got"
	fi
else
	fail ipc-failed-only "$TR_WHY"
fi

# -p: the process waiting on the fifo, not the bwipc run beside it
mkfifo "$TR_T/go"
tkey=$((KEY + 90))
sh -c 'read x <"$1"; exec "$2" ipc-keys "$3"' sh "$TR_T/go" "$TR_T/bwipc" $tkey \
	>"$TR_T/target.out" 2>&1 &
target=$!
if tracer_start ipc -p "$target"; then
	ipc_run
	echo go >"$TR_T/go"
	wait "$target"
	tracer_stop || fail ipc-pid-stop "$TR_WHY"
	if [ "$(nrecs ".pid != $target")" = 0 ] && [ "$(nrecs ".key == $tkey")" -ge 4 ]; then
		pass ipc-pid-filter
	else
		fail ipc-pid-filter "$(head -c 600 "$TR_OUT")"
	fi
else
	echo go >"$TR_T/go"
	wait "$target"
	fail ipc-pid-filter "$TR_WHY"
fi

# the LSM method: one record per permission check, where BPF LSM loads
want_lsm="shm shmget r - -
shm shmat r - -
shm shmat rw - -
shm shmctl r IPC_STAT -
msg msgsnd w - -
msg msgrcv r - -
sem semop w - -
sem semop w - -
sem semop r - -
sem semctl r GETVAL -"
if tracer_start ipc --via lsm -c bwipc; then
	ipc_run || fail ipc-lsm "bwtest ipc-keys failed: $(cat "$TR_T/run.out")"
	tracer_stop || fail ipc-lsm-stop "$TR_WHY"
	got=$(summary "true")
	if [ "$got" = "$want_lsm" ] &&
	   [ "$(nrecs ".via != \"lsm\" or .cuid != 1000 or .cgid != 1000")" = 0 ]; then
		pass ipc-lsm
	else
		fail ipc-lsm "want $(echo "$want_lsm" | tr '\n' ';') got $(echo "$got" | tr '\n' ';')"
	fi
else
	case $TR_WHY in
	*"lsm"*"failed ("*) skip ipc-lsm "this kernel refuses BPF LSM programs (the VM tests cover it): $TR_WHY" ;;
	*) fail ipc-lsm "$TR_WHY" ;;
	esac
fi
