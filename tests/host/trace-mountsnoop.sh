#!/bin/sh
# mountsnoop on this kernel: mount and umount, the new mount API, failures,
# filters and each attach method, in a mount namespace of the test's own.
BW=$1
. "$(dirname "$0")/tracelib.sh"

H=$(dirname "${2:-.output/bwtest}")/bwcalls
if [ "$(id -u)" != 0 ]; then
	skip mountsnoop "needs root"
	exit 0
fi
if [ ! -x "$H" ]; then
	skip mountsnoop "helper $H not built (make .output/bwcalls)"
	exit 0
fi
# the helper makes each call itself; a name of its own keeps others out
cp "$H" "$TR_T/bwmnt"
M=$TR_T/mnt
mkdir "$M"
hostns=$(stat -L -c %i /proc/self/ns/mnt)

# The workload, in a new mount namespace (unshare -m makes it private, so
# nothing reaches the host's).  Its results go to $TR_T/wl.out.
workload() {
	# shellcheck disable=SC2016  # expanded by that sh
	unshare -m sh -c '
		H=$1 M=$2 T=$3
		$H mount tmpfs "$M" tmpfs 6 size=1m,mode=0700 || exit 11
		$H umount "$M" 0 || exit 12
		$H mount tmpfs "$T/missing" tmpfs 0 - 2>/dev/null && exit 13
		$H umount "$M" 0 2>/dev/null && exit 14
		$H newmount tmpfs "$M" size=1m || exit 15
		$H setattr "$M" || exit 16
		$H umount "$M" 2 || exit 17
		$H fsopen bogusfs 2>/dev/null && exit 18
		exit 0' sh "$TR_T/bwmnt" "$M" "$TR_T" >"$TR_T/wl.out" 2>&1
}

if ! tracer_start mountsnoop -c bwmnt; then
	fail mountsnoop-attach "$TR_WHY"
	exit 0
fi
workload; rc=$?
tracer_stop || fail mountsnoop-stop "$TR_WHY"
cp "$TR_OUT" "$TR_T/tp.json"
if [ $rc != 0 ]; then
	fail mountsnoop-workload "step $rc failed: $(cat "$TR_T/wl.out")"
	exit 0
fi
fsfd=$(sed -n 's/^fsfd=\([0-9]*\) mfd=\([0-9]*\)$/\1/p' "$TR_T/wl.out")
mfd=$(sed -n 's/^fsfd=\([0-9]*\) mfd=\([0-9]*\)$/\2/p' "$TR_T/wl.out")
tfd=$(sed -n 's/^tfd=\([0-9]*\)$/\1/p' "$TR_T/wl.out")

one_rec mountsnoop-mount ".call == \"mount\" and .ret == 0" \
	".source == \"tmpfs\" and .target == \"$M\" and .fstype == \"tmpfs\" and
	 .flags == 6 and .flags_str == \"MS_NOSUID|MS_NODEV\" and
	 .data == \"size=1m,mode=0700\" and .comm == \"bwmnt\" and .tid == .pid and
	 .tracer == \"mountsnoop\" and .mntns != $hostns and .mntns > 0 and
	 (.exec_id | test(\"^[0-9]+-[0-9a-f]+-[0-9]+\$\"))"
one_rec mountsnoop-umount ".call == \"umount\" and .flags == 0 and .ret == 0" \
	".target == \"$M\" and .flags_str == \"0\" and (has(\"errno\") | not)"
one_rec mountsnoop-mount-enoent ".call == \"mount\" and .ret != 0" \
	".ret == -2 and .errno == \"ENOENT\" and .target == \"$TR_T/missing\" and
	 .data == null and .flags_str == \"0\""
one_rec mountsnoop-umount-einval ".call == \"umount\" and .ret != 0" \
	".ret == -22 and .errno == \"EINVAL\" and .target == \"$M\""
one_rec mountsnoop-umount-detach ".call == \"umount\" and .flags == 2" \
	".ret == 0 and .flags_str == \"MNT_DETACH\" and .target == \"$M\""
one_rec mountsnoop-fsopen ".call == \"fsopen\" and .ret >= 0" \
	".fstype == \"tmpfs\" and .flags == 1 and .flags_str == \"FSOPEN_CLOEXEC\" and
	 .ret == ${fsfd:-null}"
one_rec mountsnoop-fsopen-enodev ".call == \"fsopen\" and .ret < 0" \
	".fstype == \"bogusfs\" and .ret == -19 and .errno == \"ENODEV\""
one_rec mountsnoop-fsconfig-string ".call == \"fsconfig\" and .cmd == \"FSCONFIG_SET_STRING\"" \
	".fd == ${fsfd:-null} and .key == \"size\" and .value == \"1m\" and .ret == 0 and
	 (has(\"flags\") | not)"
one_rec mountsnoop-fsconfig-create ".call == \"fsconfig\" and .cmd == \"FSCONFIG_CMD_CREATE\"" \
	".fd == ${fsfd:-null} and .key == null and (has(\"value\") | not) and .ret == 0"
one_rec mountsnoop-fsmount ".call == \"fsmount\"" \
	".fd == ${fsfd:-null} and .flags == 1 and .flags_str == \"FSMOUNT_CLOEXEC\" and
	 .attr_flags == 6 and .attr_str == \"MOUNT_ATTR_NOSUID|MOUNT_ATTR_NODEV\" and
	 .ret == ${mfd:-null}"
one_rec mountsnoop-move-mount ".call == \"move_mount\"" \
	".from_dfd == ${mfd:-null} and .from == \"\" and .to_dfd == -100 and .to == \"$M\" and
	 .flags == 4 and .flags_str == \"MOVE_MOUNT_F_EMPTY_PATH\" and .ret == 0"
one_rec mountsnoop-open-tree ".call == \"open_tree\"" \
	".dfd == -100 and .path == \"$M\" and .flags == 524289 and
	 .flags_str == \"OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC\" and .ret == ${tfd:-null}"
one_rec mountsnoop-mount-setattr ".call == \"mount_setattr\"" \
	".dfd == -100 and .path == \"$M\" and .flags == 32768 and .flags_str == \"AT_RECURSIVE\" and
	 .attr_size == 32 and .attr_set == 1 and .attr_set_str == \"MOUNT_ATTR_RDONLY\" and
	 .attr_clr == 0 and .propagation == 262144 and .propagation_str == \"MS_PRIVATE\" and
	 .ret == 0"
# nothing else: 13 calls, every one by bwmnt in the one new namespace
n=$(nrecs 'true')
nns=$(jq -r .mntns "$TR_OUT" | sort -u | wc -l)
if [ "$n" = 13 ] && [ "$(nrecs '.comm != "bwmnt"')" = 0 ] && [ "$nns" = 1 ]; then
	pass mountsnoop-exactly-these
else
	fail mountsnoop-exactly-these "want 13 records of bwmnt in one namespace, got $n in $nns: $(head -c 800 "$TR_OUT")"
fi

# -x: the three failures only
if tracer_start mountsnoop -x -c bwmnt; then
	workload
	tracer_stop || fail mountsnoop-failed-stop "$TR_WHY"
	if [ "$(nrecs 'true')" = 3 ] && [ "$(nrecs '.ret >= 0')" = 0 ] &&
	   [ "$(nrecs '.call == "mount" and .errno == "ENOENT"')" = 1 ] &&
	   [ "$(nrecs '.call == "umount" and .errno == "EINVAL"')" = 1 ] &&
	   [ "$(nrecs '.call == "fsopen" and .errno == "ENODEV"')" = 1 ]; then
		pass mountsnoop-failed-only
	else
		fail mountsnoop-failed-only "$(head -c 800 "$TR_OUT")"
	fi
else
	fail mountsnoop-failed-only "$TR_WHY"
fi

# -p: one process, whatever its name: unshare (making / private) and then,
# in the same process, bwmnt; a bwmnt of another process is not reported
mkfifo "$TR_T/fifo"
# shellcheck disable=SC2016
sh -c 'read x <"$1"; exec unshare -m "$2" mount tmpfs "$3" tmpfs 1 -' \
	sh "$TR_T/fifo" "$TR_T/bwmnt" "$M" &
target=$!
if tracer_start mountsnoop -p "$target"; then
	unshare -m "$TR_T/bwmnt" mount tmpfs "$M" tmpfs 0 - >/dev/null 2>&1
	echo go >"$TR_T/fifo"
	wait "$target"
	tracer_stop || fail mountsnoop-pid-stop "$TR_WHY"
	if [ "$(nrecs ".pid != $target")" = 0 ] && [ "$(nrecs 'true')" = 2 ] &&
	   [ "$(nrecs '.comm == "unshare" and .call == "mount" and .target == "/" and
		.flags_str == "MS_REC|MS_PRIVATE" and .ret == 0')" = 1 ] &&
	   [ "$(nrecs ".comm == \"bwmnt\" and .target == \"$M\" and .flags_str == \"MS_RDONLY\" and
		.ret == 0")" = 1 ]; then
		pass mountsnoop-pid-filter
	else
		fail mountsnoop-pid-filter "pid $target: $(head -c 800 "$TR_OUT")"
	fi
else
	fail mountsnoop-pid-filter "$TR_WHY"
	echo go >"$TR_T/fifo"
	wait "$target"
fi

# The other methods see the same calls with the same fields (the
# identity apart: other processes, another namespace).
same_as_tp() {	# same_as_tp NAME FILTER: this run's records = the first run's FILTER ones
	strip='del(.time, .pid, .tid, .ppid, .exec_id, .mntns)'
	jq -c "select($2) | $strip" "$TR_T/tp.json" >"$TR_T/want"
	jq -c "$strip" "$TR_OUT" >"$TR_T/got"
	if [ -s "$TR_T/want" ] && cmp -s "$TR_T/want" "$TR_T/got"; then
		pass "$1"
	else
		fail "$1" "$(diff "$TR_T/want" "$TR_T/got" | head -c 800)"
	fi
}
if tracer_start mountsnoop --via raw_tp -c bwmnt; then
	workload
	tracer_stop || fail mountsnoop-raw-tp-stop "$TR_WHY"
	same_as_tp mountsnoop-raw-tp 'true'
else
	fail mountsnoop-raw-tp "$TR_WHY"
fi
# the method for kernels without the new API (before 5.2): mount and umount
if tracer_start mountsnoop --via 'tracepoint syscalls:sys_{enter,exit}_{mount,umount}' -c bwmnt; then
	workload
	tracer_stop || fail mountsnoop-old-api-stop "$TR_WHY"
	same_as_tp mountsnoop-old-kernel-method '.call == "mount" or .call == "umount"'
else
	fail mountsnoop-old-kernel-method "$TR_WHY"
fi
