#!/bin/sh
# Host tests: the CLI, and the degraded (audit-only) path on a kernel that
# refuses BPF LSM programs, as this development kernel does.  Each test
# prints PASS:, FAIL: or SKIP: with its name.
#   tests/host/run.sh BULWARK [BWTEST]
# The list of the scenario scripts, run in this order, each with its own
# directory under one run dir ($BW_HOST_RUN, removed at the end unless
# BW_KEEP=1).  lib.sh is their harness; each runs alone too (tests/host/README).
. "$(dirname "$0")/lib.sh"	# takes the lock: one run at a time on a machine
BW_HOST_RUN=$T
export BW_HOST_RUN

# scenario NAME: tests/host/NAME.sh, in $BW_HOST_RUN/NAME
scenario() { sh "$HOSTDIR/$1.sh" "$BW" "$BWTEST"; }
# dir NAME: a new directory of the run, for the scripts that take one
dir() { mkdir -p "$T/$1" && echo "$T/$1"; }

scenario check			# bulwark check, unknown commands, --help
scenario exec-seccomp		# bulwark exec, seccomp export, the seccomp tracer
# the tracers built on bpf/trace.bpf.h, one script each (tracelib.sh)
for t in "$HOSTDIR"/trace-*.sh; do
	sh "$t" "$BW" "$BWTEST"
done
sh "$HOSTDIR/exec.sh" "$BW"	# the rest of the seccomp module's cases
scenario protect		# protect/lock keys, what version says of protection
scenario syscall-tracer		# bulwark trace syscall: sequence, --count, --cgroup
scenario containers		# the /proc scan and the kernel agree on containers
scenario control		# control socket, sd_notify, capabilities after attach
scenario reload-clear		# 4,096 -> 10 rules by reloads: no stale map entries
sh "$HOSTDIR/package.sh" "$HOSTDIR/../.." "$(dir package)"	# make deb, lintian, install, purge

# The rest needs root and a kernel that refuses LSM programs: one SKIP
# (degraded) for all of it otherwise.
degraded_gate || exit 0
scenario audit-only		# one audit-only engine; leaves its log in $T/audit-only
scenario pin			# on_exit = keep: pinned, kept over SIGKILL, adopted; detach
scenario log-read		# bulwark log on audit-only's log (needs audit-only)
scenario log-follow		# bulwark log -f across a rotation
scenario log-sigkill		# the engine killed mid-write: the log still reads
scenario rotation-load		# many rotations under load, nothing lost
# a full disk under the log, in a private mount namespace
if [ -x "$BWTEST" ]; then
	unshare -m sh "$HOSTDIR/diskfull.sh" "$BW" "$BWTEST" "$(dir diskfull)"
else
	skip log-disk-full "helper $BWTEST not built"
fi
scenario replay			# bulwark replay of audit-only's log (needs audit-only)
scenario storm-loop		# the main loop under an open and signal storm
scenario ancestors		# every record names its ancestors' comms and exes
scenario repeat			# [log] repeat: few records, every decision counted
scenario subject-exit		# the hooks' exit on an unnamed subject lets named ones through
scenario priority		# [log] priority_boost: the log thread's nice value
scenario own-files		# the engine's own files: symlinks, torn line, umask
scenario log-hostile		# bulwark log and replay on hostile records
# hostile program names through exec, mount and signal records
sh "$HOSTDIR/hostile.sh" "$BW" "$(dir hostile-names)"
sh "$HOSTDIR/limits.sh" "$BW" "$T/limits"
# the log's files: .gz bombs, -f, hard links, directory, planted links
sh "$HOSTDIR/logfiles.sh" "$BW" "$T/logfiles"
sh "$HOSTDIR/storm.sh" "$BW" "$T/exec-storm"

exit 0
