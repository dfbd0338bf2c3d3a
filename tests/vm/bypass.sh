# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# shellcheck disable=SC2034  # SCEN: read by scenarios.sh
# shellcheck disable=SC2086  # $BP_AS: the words of a command
#
# The bypass group of the VM tests, sourced by scenarios.sh (whose
# helpers it uses: op, want, rec, norec, victim, end_victim, solo, group).
#
# Each scenario is a way around a deny rule of rules/bypass.rules taken by
# an unprivileged user (uid 65534, gid 65534: every rule there names
# uid = 65534, so nothing else in the VM is affected).  Under the engine
# each must fail with EPERM (or, for SIGIO, lose its signal) and leave a
# deny record naming the rule and the operation's pid.  Every operation
# runs as `bwtest as-uid 65534 65534 PROG ARGS...`, which prints pid=N and
# execs PROG: the pid is the one that acts (the loader's runs under
# `bwtest fork-exec`, which prints no pid of its own).
#
#   bypass-setup      the files, directories and /dev/shm (tmpfs) below
#   bypass-baseline   every operation of the group, without the engine,
#                     succeeds (and every victim dies), so failures under
#                     the engine come from bulwark
#   group bypass      the same operations under `--mode enforce --rules
#                     bypass.rules`
#
# The first scenarios are bypasses that must now be closed, the later ones
# (bypass-exec-*, bypass-signal-calls, bypass-mount-calls,
# bypass-cap-userns) ways that were already closed and must stay so.

BP_AS="/bin/bwtest as-uid 65534 65534"
BP_TRUSTED=/usr/local/trusted/killer	# exe = !/usr/local/trusted/killer
# a cgroup subtree delegated to uid 65534, as systemd does to each user's
# user@UID.service: it may make cgroups there and move into them
BP_DELEG=/sys/fs/cgroup/bwdeleg

# rep CHAR N: CHAR N times
rep() {
	local s="" i=0
	while [ $i -lt "$2" ]; do
		s="$s$1"
		i=$((i + 1))
	done
	echo "$s"
}

# Paths longer than the 251 bytes a record or rule holds
BP_LONG_NAME=/dev/shm/$(rep b 255)			# a 255-byte name
BP_LONG_DIR=/dev/shm/$(rep a 245)/usr/bin/true		# a long directory
BP_LONG_KILLER=/tmp/$(rep k 240)$BP_TRUSTED		# ends like the trusted one
# What a record shows of the first two: their first 251 bytes
BP_LONG_NAME_251=/dev/shm/$(rep b 242)
BP_LONG_DIR_251=/dev/shm/$(rep a 242)
# Below /tmp/bwdeep: 17 directories of 250 bytes, a path of 4,285 bytes
BP_DEEP_DEPTH=17
BP_DEEP_LEN=250

BP_SCENARIOS="bypass-long-name bypass-long-dir bypass-deep-path
	bypass-exe-exception bypass-exe-replaced bypass-private-bind
	bypass-private-mount bypass-private-exec
	bypass-fake-container
	bypass-loader bypass-memfd
	bypass-map-exec bypass-mount-setattr bypass-fsconfig bypass-sigio
	bypass-exec-symlink bypass-exec-fd bypass-exec-proc-root
	bypass-exec-script bypass-signal-calls bypass-mount-calls
	bypass-cap-userns"

# ---------------------------------------------------------------- set-up

BP_SETUP_WHY=

# bp_try CMD...: run a set-up command; remember a failure for bypass-setup
bp_try() {
	"$@" 2>"$T/bp-setup.err" && return 0
	BP_SETUP_WHY="${BP_SETUP_WHY:+$BP_SETUP_WHY; }'$*' failed: $(oneline 160 <"$T/bp-setup.err")"
	return 1
}

bp_setup() {
	local p
	# Debian's kernel can turn unprivileged user namespaces off
	if [ -w /proc/sys/kernel/unprivileged_userns_clone ]; then
		bp_try sh -c 'echo 1 >/proc/sys/kernel/unprivileged_userns_clone'
	fi
	bp_try mkdir -p /dev/shm
	grep -q ' /dev/shm ' /proc/mounts ||
		bp_try mount -t tmpfs -o mode=1777 tmpfs /dev/shm
	# copies of bwtest: programs in denied places, the trusted killer and
	# its long-named twin, the victims (comm = their name)
	for p in /dev/shm/bwprog /dev/shm/bwint "$BP_LONG_NAME" "$BP_LONG_DIR" \
		"$BP_TRUSTED" "$BP_LONG_KILLER" /tmp/bwdd/h \
		/bin/bwprot /bin/bwguarded /bin/bwsigio /bin/bwctrv; do
		bp_try mkdir -p "${p%/*}" && bp_try cp /bin/bwtest "$p"
	done
	# a dynamically linked program for the loader (its libraries and
	# the loader are in the initramfs for /bin/bulwark)
	bp_try cp "$BW" /dev/shm/bwdyn
	bp_try ln -sfn /dev/shm/bwprog /tmp/bwlink
	bp_try sh -c "printf '#!/dev/shm/bwint interp\n' >/tmp/bwscript"
	bp_try chmod 0755 /tmp/bwscript
	bp_try mkdir -p /tmp/bwub /tmp/bwro /tmp/bwmnt/x /tmp/bwmnt/y /tmp/bwpriv \
		/tmp/bwsrc /tmp/bwmvsrc
	bp_try ln -sfn /tmp/bwmnt/x /tmp/bwmntlink
	# uid 65534 makes the deep tree itself (bwtest deep-exec)
	bp_try mkdir -p -m 1777 /tmp/bwdeep
	bp_try mkdir -p "$BP_DELEG/base"
	bp_try chown -R 65534:65534 "$BP_DELEG"
}

sc_bypass_setup() {
	checking || return 0
	[ -z "$BP_SETUP_WHY" ] || why "set-up: $BP_SETUP_WHY"
}

# ---------------------------------------------------------------- helpers

# Set while bypass-baseline runs the group's scenarios without the engine:
# every operation succeeds, no record is looked for, every victim dies.
BP_BASE=

sc_bypass_baseline() {
	local s
	BP_BASE=1
	for s in $BP_SCENARIOS; do
		SCEN=bypass-baseline.$s		# the saved outputs of each apart
		"$(sc_fn "$s")"
	done
	SCEN=bypass-baseline
	BP_BASE=
}

# bp_want ID RESULT: RESULT under the engine, OK in the baseline
bp_want() {
	if [ -n "$BP_BASE" ]; then
		want "$1" OK
	else
		want "$1" "$2"
	fi
}

# bp_rec ID PATTERN...: rec under the engine only, with "decision":"deny"
bp_rec() {
	local id=$1
	[ -z "$BP_BASE" ] || return 0
	shift
	rec "$id" '"decision":"deny"' "$@"
}

# bp_victim ID COMM [setsid]: start_victim, but the victim runs as uid
# 65534 like the sender (so the kernel itself allows the signal); with
# setsid, in a process group of its own.
bp_victim() {
	running || return 0
	if [ "$3" = setsid ]; then
		$BP_AS /bin/bwtest setsid "/bin/$2" sleep 600 >/dev/null 2>&1 &
	else
		$BP_AS "/bin/$2" sleep 600 >/dev/null 2>&1 &
	fi
	echo $! >"$(f "$1" victim)"
	wait_until 10 grep -qx "$2" "/proc/$!/comm" ||
		echo "died or did not start" >"$(f "$1" victim-why)"
}

# bp_end_victim ID alive|dead: end_victim (always dead in the baseline);
# a victim that should be alive gets a second to die first.
bp_end_victim() {
	local st=$2 v
	[ -z "$BP_BASE" ] || st=dead
	v=$(victim "$1")
	if running && [ "$st" = alive ] && [ -n "$v" ]; then
		wait_until 1 eval "! alive $v"
	fi
	end_victim "$1" "$st"
}

# bp_output ID ERE WHAT: (check, under the engine) the output matches ERE
bp_output() {
	checking && [ -z "$BP_BASE" ] || return 0
	grep -Eq "$2" "$(f "$1" out)" 2>/dev/null && return 0
	why "'$(op_cmd "$1")': output does not mention $3: $(oneline 200 <"$(f "$1" out)")"
	return 1
}

# ---------------------------------------------------------------- exec

# A path longer than the 251 bytes a record holds (a long name, or a long
# directory) still matches the prefix /dev/shm/; the record keeps its
# first 251 bytes and says it is truncated.
sc_bypass_long_name() {
	op x $BP_AS /bin/bwtest exec "$BP_LONG_NAME" ok
	bp_want x EPERM
	bp_rec x '"event":"exec"' '"rule":"deny-exec-shm"' '"op":"exec"' \
		"\"path\":\"$BP_LONG_NAME_251\"" '"path_truncated":true'
}
sc_bypass_long_dir() {
	op x $BP_AS /bin/bwtest exec "$BP_LONG_DIR" ok
	bp_want x EPERM
	bp_rec x '"event":"exec"' '"rule":"deny-exec-shm"' \
		"\"path\":\"$BP_LONG_DIR_251\"" '"path_truncated":true'
}

# A path that cannot be resolved at all (over 4,095 bytes) matched no
# rule: now it matches every deny rule on path and no allow rule, so the
# allow for /tmp/bwdeep/ before the deny for /dev/shm/ does not let it
# through (fails closed).  Only a relative path names it.
sc_bypass_deep_path() {
	local n
	op x $BP_AS /bin/bwtest deep-exec /tmp/bwdeep $BP_DEEP_DEPTH $BP_DEEP_LEN
	bp_want x EPERM
	bp_rec x '"event":"exec"' '"rule":"deny-exec-shm"' '"path_unresolved":true'
	checking || return 0
	n=$(sed -n 's/^path_len=//p' "$(f x out)")
	[ "${n:-0}" -gt 4095 ] || why "deep-exec made a path of ${n:-unknown} bytes, not over 4095"
}

# exe = !/usr/local/trusted/killer: only the trusted killer may SIGTERM
# bwguarded.  A copy at a path too long for a record that ends the same
# way, /tmp/kkk.../usr/local/trusted/killer, must not pass for it: a
# truncated exe never matches an exception.
sc_bypass_exe_exception() {
	bp_victim ok bwguarded
	op ok $BP_AS $BP_TRUSTED kill "$(victim ok)" SIGTERM
	want ok OK
	norec ok
	bp_end_victim ok dead
	bp_victim no bwguarded
	op no $BP_AS "$BP_LONG_KILLER" kill "$(victim no)" SIGTERM
	bp_want no EPERM
	bp_rec no '"event":"signal"' '"rule":"deny-term-guarded"' \
		'"signal":"SIGTERM"' '"exe_truncated":true' \
		"\"target_pid\":$(victim no)"
	bp_end_victim no alive
}

# Any user may point its mm->exe_file at another program it can run:
# prctl(PR_SET_MM_MAP) wants CAP_SYS_ADMIN in its own user namespace only.
# Its exe read /usr/local/trusted/killer and met the exception; exe is now
# the program the process exec'd, and the record says exe_replaced.
sc_bypass_exe_replaced() {
	bp_victim x bwguarded
	op x $BP_AS /bin/bwtest userns-exe-kill "$BP_TRUSTED" "$(victim x)" SIGTERM
	bp_want x EPERM
	bp_rec x '"event":"signal"' '"rule":"deny-term-guarded"' \
		'"exe":"/bin/bwtest"' '"exe_replaced":true' "\"target_pid\":$(victim x)"
	bp_end_victim x alive
}

# A bind mount in a private mount namespace (user namespace of its own)
# gave /tmp/bwdd/h the name /tmp/bwub/h; the path is now the one seen
# from the initial mount namespace.
sc_bypass_private_bind() {
	op x $BP_AS /bin/bwtest userns-bind-exec /tmp/bwdd /tmp/bwub h
	bp_want x EPERM
	bp_rec x '"event":"exec"' '"rule":"deny-exec-bwdd"' '"path":"/tmp/bwdd/h"'
}

# A filesystem mounted only in a user's own mount namespace is named as
# that namespace sees it, so its user chooses the names: a tmpfs over
# /usr/local/trusted and a program of theirs in it as killer gave an exe
# that read /usr/local/trusted/killer and met the exception of
# deny-term-guarded.  Such a name meets no exception and no allow rule.
sc_bypass_private_mount() {
	bp_victim x bwguarded
	op x $BP_AS /bin/bwtest userns-tmpfs-exec /usr/local/trusted killer \
		kill "$(victim x)" SIGTERM
	bp_want x EPERM
	bp_rec x '"event":"signal"' '"rule":"deny-term-guarded"' \
		'"exe":"/usr/local/trusted/killer"' '"exe_private":true' \
		"\"target_pid\":$(victim x)"
	bp_end_victim x alive
}

# A deny list of places (/dev/shm/) is walked around by a tmpfs of the
# user's own namespace mounted anywhere else: path = private: names every
# program there, whatever its name.
sc_bypass_private_exec() {
	op x /bin/bwtest as-uid 65534 65533 /bin/bwtest userns-tmpfs-exec \
		/tmp/bwpriv bwprog ok
	bp_want x EPERM
	bp_rec x '"event":"exec"' '"rule":"deny-exec-private"' \
		'"path":"/tmp/bwpriv/bwprog"' '"path_private":true'
}

# The dynamic loader runs a program without exec'ing it: it maps the file
# with PROT_EXEC, which is now decided like an exec ("op":"mmap").
# fork-exec reports how the loader ended and prints the pid that mapped.
sc_bypass_loader() {
	op x /bin/bwtest fork-exec $BP_AS /lib64/ld-linux-x86-64.so.2 \
		/dev/shm/bwdyn --help
	bp_want x FAILED
	bp_output x 'Operation not permitted|failed to map' \
		"'Operation not permitted' or 'failed to map'"
	bp_rec x '"event":"exec"' '"rule":"deny-exec-shm"' '"op":"mmap"' \
		'"path":"/dev/shm/bwdyn"'
}

# A program copied into a memfd and run from it has no path on disk:
# rules name memfds as memfd:NAME (path = memfd: for all of them).
sc_bypass_memfd() {
	local h
	for h in fexecve execveat; do
		op $h $BP_AS /bin/bwtest memfd-exec bwmemfd $h
		bp_want $h EPERM
		bp_rec $h '"event":"exec"' '"rule":"deny-exec-memfd"' \
			'"path":"memfd:bwmemfd"'
	done
}

# A loader of its own: mmap of a denied file with PROT_EXEC, or mapped
# readable and made executable with mprotect.
sc_bypass_map_exec() {
	local h
	for h in mmap mprotect; do
		op $h $BP_AS /bin/bwtest map-exec /dev/shm/bwprog $h
		bp_want $h EPERM
		bp_rec $h '"event":"exec"' '"rule":"deny-exec-shm"' "\"op\":\"$h\"" \
			'"path":"/dev/shm/bwprog"'
	done
}

# ---------------------------------------------------------------- mount

# A read-only tmpfs mounted in a new user and mount namespace made
# writable again: mount_setattr(2) went around the remount rule (decided
# at its CAP_SYS_ADMIN check, where the target is not known); mount(2)
# MS_REMOUNT was denied already.
sc_bypass_mount_setattr() {
	op set $BP_AS /bin/bwtest userns-remount mount_setattr /tmp/bwro
	bp_want set EPERM
	bp_rec set '"event":"mount"' '"rule":"deny-remount"' '"op":"remount"' \
		'"via":"mount_setattr"' '"target_unresolved":true'
	op mnt $BP_AS /bin/bwtest userns-remount mount /tmp/bwro
	bp_want mnt EPERM
	bp_rec mnt '"event":"mount"' '"rule":"deny-remount"' '"op":"remount"' \
		'"via":"mount"'
}

# The same with fspick(2) and fsconfig(FSCONFIG_CMD_RECONFIGURE): the
# reconfigure is denied (in sb_remount).
sc_bypass_fsconfig() {
	op x $BP_AS /bin/bwtest userns-remount fsconfig /tmp/bwro
	bp_want x EPERM
	if checking && [ -z "$BP_BASE" ] && [ "$(op_res x)" = EPERM ] &&
		[ "$(op_step x)" != "fsconfig reconfigure" ]; then
		why "EPERM from $(op_step x), not from fsconfig reconfigure"
	fi
	bp_rec x '"event":"mount"' '"rule":"deny-remount"' '"op":"remount"' \
		'"via":"fsconfig"'
}

# ---------------------------------------------------------------- container

# A user with a delegated cgroup subtree names cgroups as they like: in
# lxc.payload.bwweb1, uid 65534 was container bwweb1, met allow-term-web1
# and got out of deny-usr1-host (container = none).  A container named by
# a cgroup its user made meets no allow rule, and may be none.
sc_bypass_fake_container() {
	local sig
	for sig in SIGTERM SIGUSR1; do
		bp_victim $sig bwctrv
		op $sig sh -c "echo \$\$ >$BP_DELEG/base/cgroup.procs &&
			exec $BP_AS /bin/bwtest cgroup-exec $BP_DELEG/lxc.payload.bwweb1 \
			/bin/bwtest kill $(victim $sig) $sig"
		bp_want $sig EPERM
	done
	bp_rec SIGTERM '"event":"signal"' '"rule":"deny-term-ctr"' \
		'"container":"bwweb1"' '"container_private":true'
	bp_rec SIGUSR1 '"event":"signal"' '"rule":"deny-usr1-host"' \
		'"container":"bwweb1"' '"container_private":true'
	for sig in SIGTERM SIGUSR1; do bp_end_victim $sig alive; done
}

# ---------------------------------------------------------------- signal

# F_SETOWN + F_SETSIG + O_ASYNC: a write to a pipe makes the kernel send
# SIGTERM to the pipe's owner, through no kill call.  The signal is
# dropped (file_send_sigiotask), the write succeeds.
sc_bypass_sigio() {
	bp_victim x bwsigio
	op x $BP_AS /bin/bwtest sigio "$(victim x)" SIGTERM
	want x OK
	bp_rec x '"event":"signal"' '"rule":"deny-term-sigio"' \
		'"signal":"SIGTERM"' '"via":"sigio"' "\"target_pid\":$(victim x)"
	bp_end_victim x alive
}

# ---------------------------------------------------------------- still closed

# exec through a symlink: the record names the target
sc_bypass_exec_symlink() {
	op x $BP_AS /bin/bwtest exec /tmp/bwlink ok
	bp_want x EPERM
	bp_rec x '"event":"exec"' '"rule":"deny-exec-shm"' '"op":"exec"' \
		'"path":"/dev/shm/bwprog"'
}

# exec of an open file: fexecve(3), execveat(fd, "", AT_EMPTY_PATH),
# execve("/proc/self/fd/N")
sc_bypass_exec_fd() {
	local h
	for h in fexecve execveat procfd; do
		op $h $BP_AS /bin/bwtest fd-exec /dev/shm/bwprog $h
		bp_want $h EPERM
		bp_rec $h '"event":"exec"' '"rule":"deny-exec-shm"' \
			'"path":"/dev/shm/bwprog"'
	done
}

# exec through /proc/self/root
sc_bypass_exec_proc_root() {
	op x $BP_AS /bin/bwtest exec /proc/self/root/dev/shm/bwprog ok
	bp_want x EPERM
	bp_rec x '"event":"exec"' '"rule":"deny-exec-shm"' '"path":"/dev/shm/bwprog"'
}

# a script in /tmp whose #! interpreter is a denied file
sc_bypass_exec_script() {
	op x $BP_AS /bin/bwtest exec /tmp/bwscript
	bp_want x EPERM
	bp_rec x '"event":"exec"' '"rule":"deny-exec-shm"' '"path":"/dev/shm/bwint"'
}

# SIGTERM to bwprot through every call that sends one; pgrp is kill(-PGID)
# to the victim's own process group
sc_bypass_signal_calls() {
	local h
	for h in kill tkill tgkill sigqueue tgsigqueue pidfd pgrp; do
		if [ $h = pgrp ]; then
			bp_victim $h bwprot setsid
		else
			bp_victim $h bwprot
		fi
		op $h $BP_AS /bin/bwtest signal-via $h "$(victim $h)" SIGTERM
		bp_want $h EPERM
		bp_rec $h '"event":"signal"' '"rule":"deny-term-protected"' \
			'"signal":"SIGTERM"' '"via":"kill"' \
			"\"target_pid\":$(victim $h)"
		bp_end_victim $h alive
	done
}

# bp_mount ID HOW TARGET [SRC]: bwtest userns-mount, denied by
# [deny-mount-bwmnt] with TARGET (as resolved) in the record
bp_mount() {
	local id=$1 how=$2 target=$3 want_target
	shift 3
	op "$id" $BP_AS /bin/bwtest userns-mount "$how" "$target" "$@"
	bp_want "$id" EPERM
	want_target=$target
	[ "$target" != /tmp/bwmntlink ] || want_target=/tmp/bwmnt/x
	bp_rec "$id" '"event":"mount"' '"rule":"deny-mount-bwmnt"' \
		"\"target\":\"$want_target\""
}

# mounts on /tmp/bwmnt/ from a new user and mount namespace, every way
sc_bypass_mount_calls() {
	bp_mount tmpfs tmpfs /tmp/bwmnt/x
	bp_mount bind bind /tmp/bwmnt/x /tmp/bwsrc
	bp_mount rbind rbind /tmp/bwmnt/x /tmp/bwsrc
	bp_mount move move /tmp/bwmnt/y /tmp/bwmvsrc	# tmpfs on bwmvsrc, MS_MOVE
	bp_mount fsmount fsmount /tmp/bwmnt/x		# fsopen..move_mount
	bp_mount open-tree open-tree /tmp/bwmnt/x /tmp/bwsrc
	bp_mount symlink tmpfs /tmp/bwmntlink		# -> /tmp/bwmnt/x
	bp_mount nested nested /tmp/bwmnt/x		# a second new mount namespace
}

# A capability held in a user namespace of one's own (unshare -Urn): the
# kernel grants CAP_NET_RAW over the new network namespace, where the
# process is root; the rule decides by the uid outside all the same.
sc_bypass_cap_userns() {
	op x $BP_AS /bin/bwtest userns-raw-socket
	bp_want x EPERM
	bp_rec x '"event":"capable"' '"rule":"deny-net-raw"' \
		'"capability":"cap_net_raw"' '"uid":65534'
}

# ---------------------------------------------------------------- run

bypass_groups() {
	bp_setup
	solo bypass-setup
	solo bypass-baseline
	group bypass enforce $RULES/bypass.rules $BP_SCENARIOS
}
