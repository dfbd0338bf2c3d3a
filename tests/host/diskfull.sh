#!/bin/sh
# A full disk under the audit log (run by tests/host/run.sh inside
# `unshare -m`, so the small tmpfs is private): logging suspends, the engine
# goes on, space coming back resumes logging with a lost record that counts
# what could not be written.
#   diskfull.sh BULWARK BWTEST DIR
set -u
BW=$1
BWTEST=$2
D=$3
mkdir -p "$D/fs"
mount -t tmpfs -o size=256k tmpfs "$D/fs" || { echo "FAIL: host/log-disk-full: cannot mount a tmpfs"; exit 0; }
printf '[audit-urg]\nevent = signal\naction = audit\nsignal = SIGURG\ntarget_comm = bwfull\n' >"$D/full.rules"
printf '[engine]\nrules = %s/full.rules\nlog = %s/fs/audit.log\non_lsm_missing = audit\n[log]\ndisk_full_action = suspend\nspace_left = 20%%\n' \
	"$D" "$D" >"$D/full.conf"
dd if=/dev/zero of="$D/fs/filler" bs=1k count=100 2>/dev/null
cp "$BWTEST" "$D/bwfull"
"$D/bwfull" sleep 60 >/dev/null &
victim=$!
"$BW" run --config "$D/full.conf" --ready-file "$D/ready" 2>"$D/err" &
pid=$!
i=0
while [ ! -e "$D/ready" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
# ~1 KiB a record: 400 records do not fit in what is left
"$BWTEST" kill-burst 400 $victim SIGURG >/dev/null
sleep 2.5
alive=no
kill -0 $pid 2>/dev/null && alive=yes
rm -f "$D/fs/filler"
sleep 2.5
kill -TERM $pid
wait $pid
rc=$?
kill $victim 2>/dev/null
if [ $alive = yes ] && [ $rc -eq 0 ] &&
   grep -q "disk full: logging suspended" "$D/err" &&
   grep -q "disk nearly full" "$D/err" &&
   grep -q "logging resumed" "$D/err" &&
   grep '"type":"lost"' "$D/fs/audit.log" | grep '"where":"user"' | grep -Eq '"count":[1-9]' &&
   grep '"type":"stop"' "$D/fs/audit.log" | grep -Eq '"unwritten":[1-9]'; then
	echo "PASS: host/log-disk-full"
else
	echo "FAIL: host/log-disk-full: alive $alive, exit $rc; stderr: $(tr '\n' ' ' <"$D/err" | cut -c1-500); lost/stop: $(grep -E '"type":"(lost|stop)"' "$D/fs/audit.log" | tr '\n' ' ' | cut -c1-400)"
fi
umount "$D/fs"
