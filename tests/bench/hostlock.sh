# Sourced by the bench scripts that start engines: their engines stop as
# the host tests' do (pinned builds removed), so they run one at a time
# with them, under the lock tests/host/lib.sh takes.
#   host_lock NAME: waits for the lock (at most 20 minutes; then says so
#   and goes on), NAME in its messages; the lock is held on fd 9 until exit
host_lock() {
	exec 9>"${TMPDIR:-/tmp}/bulwark-host-tests.lock"
	if ! flock -n 9; then
		echo "$1: waiting for the host tests' lock"
		flock -w 1200 9 || echo "$1: the lock is still held; going on beside it"
	fi
}
