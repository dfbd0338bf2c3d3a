#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the VM tests' initramfs (busybox sh, PID 1), built by
# tests/vm/run.sh.  Sets up the filesystems, runs the scenarios
# (/bwvm/scenarios.sh) and powers off.  Its output is the serial console;
# run.sh picks out the lines starting with RUN:, PASS:, FAIL:, SKIP: and
# INFO:, and treats a missing BWVM-DONE line as a crash.
#
# No `set -e`: if PID 1 exits the kernel panics, and a failed check must
# never end the run.

export PATH=/bin HOME=/root TERM=dumb
# The firmware leaves escape sequences on the console's current line.
echo
umask 022
cd /

# A filesystem that cannot be mounted fails every enforcement scenario.
BWVM_SETUP_WHY=
mnt() {		# mnt FSTYPE DIR [OPTIONS]
	mkdir -p "$2"
	if ! mount -t "$1" ${3:+-o "$3"} "$1" "$2" 2>/.mnt.err; then
		echo "INFO: mounting $1 on $2 failed: $(cat /.mnt.err 2>/dev/null)"
		BWVM_SETUP_WHY="${BWVM_SETUP_WHY:+$BWVM_SETUP_WHY; }cannot mount $1 on $2"
	fi
}
mnt proc /proc
mnt sysfs /sys
mnt devtmpfs /dev
mnt tmpfs /tmp mode=1777
mnt securityfs /sys/kernel/security
mnt tracefs /sys/kernel/tracing
mnt bpf /sys/fs/bpf
mnt cgroup2 /sys/fs/cgroup
rm -f /.mnt.err
ln -sf /proc/self/fd /dev/fd 2>/dev/null

hostname bwvm
ip link set lo up 2>/dev/null

mkdir -p /etc /root /home/alice /run
cat >/etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
alice:x:1000:1000:alice:/home/alice:/bin/sh
EOF
cat >/etc/group <<'EOF'
root:x:0:
alice:x:1000:
EOF
chown 1000:1000 /home/alice

read -r BWVM_UPTIME _ </proc/uptime
echo "INFO: kernel $(uname -r) up after ${BWVM_UPTIME}s; LSMs: $(cat /sys/kernel/security/lsm 2>/dev/null)"

# Every scenario fails with this reason when the BPF LSM is not active.
BWVM_LSM_WHY=
case ",$(cat /sys/kernel/security/lsm 2>/dev/null)," in
*,bpf,*) ;;
*) BWVM_LSM_WHY="bpf is not in /sys/kernel/security/lsm ($(cat /sys/kernel/security/lsm 2>/dev/null || echo unreadable))" ;;
esac
if [ -n "$BWVM_SETUP_WHY" ]; then
	BWVM_LSM_WHY="${BWVM_LSM_WHY:+$BWVM_LSM_WHY; }$BWVM_SETUP_WHY"
fi

# A kernel that stops scheduling ends the run at once, with its log on the
# console, rather than at run.sh's timeout with nothing to show (a hang
# seen once in tracers-memleak left only "soft lockup" lines: `quiet`
# hides the stacks).  A soft lockup is 2 x watchdog_thresh without
# scheduling: 60 s, far beyond what TCG's slowness makes.  Every CPU's
# stack goes to the kernel log, and the panic replays the whole log on
# the console (panic_print 0x20), so the console stays quiet otherwise.
echo 30 >/proc/sys/kernel/watchdog_thresh
echo 1 >/proc/sys/kernel/softlockup_all_cpu_backtrace
echo 32 >/proc/sys/kernel/panic_print
echo 1 >/proc/sys/kernel/softlockup_panic

. /bwvm/scenarios.sh

read -r _up _ </proc/uptime
echo "INFO: scenarios done after ${_up}s of uptime"
sync
echo "BWVM-DONE"
poweroff -f
# poweroff should not return; if it does, make the kernel stop the VM.
echo o >/proc/sysrq-trigger
sleep 5
