#!/bin/sh
# profile on this kernel: a CPU-bound program's hot function tops its
# folded profile; the flame graph is well-formed XML with that frame and
# its hover text; -F scales the samples; a read(2) loop shows kernel frames
# (and none with -U); -j; the daemon's summary record.
BW=$1
. "$(dirname "$0")/tracelib.sh"

if [ "$(id -u)" != 0 ]; then
	skip profile "needs root"
	exit 0
fi
N=bwprof$$	# the program's comm: this run's own
H=$TR_T/$N
if ! "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -O1 -fno-omit-frame-pointer -o "$H" \
	"$(dirname "$0")/profhot.c" 2>"$TR_T/cc.err"; then
	skip profile "cannot build the helper: $(head -c 300 "$TR_T/cc.err")"
	exit 0
fi

# prof OUT ARGS...: `bulwark trace profile ARGS` to OUT (stderr OUT.err)
prof() {
	out=$1; shift
	"$BW" trace profile "$@" >"$out" 2>"$out.err"
}
# total OUT: the samples of the folded lines in OUT
total() { awk '{ n += $NF } END { print n + 0 }' "$1"; }

# ---- the hot function tops the profile of its pid; the flame graph ----
# long enough to outlive a slow start of the profiler: its symbols are
# read at the end, from the live process; killed when done
"$H" cpu 60 & hot=$!
sleep 0.3
prof "$TR_T/hot" -p $hot -d 4 --svg "$TR_T/hot.svg"; rc=$?
top=$(head -n 1 "$TR_T/hot")
if [ $rc = 0 ] && echo "$top" | grep -Eq "^$N;.*;bw_hot_spin [0-9]+\$" &&
   [ "$(grep -vc "^$N;" "$TR_T/hot")" = 0 ]; then
	pass profile-hot
else
	fail profile-hot "exit $rc, top '$top': $(head -c 300 "$TR_T/hot.err") $(head -c 600 "$TR_T/hot")"
fi
if ! command -v xmllint >/dev/null; then
	skip profile-svg "no xmllint (libxml2-utils) to check the SVG"
elif xmllint --noout "$TR_T/hot.svg" 2>"$TR_T/xml.err" &&
     grep -Eq '<title>bw_hot_spin \([0-9]+ samples, [0-9.]+%\)</title>' "$TR_T/hot.svg" &&
     grep -Eq "<title>$N \\([0-9]+ samples" "$TR_T/hot.svg" &&
     grep -q '<svg .*xmlns="http://www.w3.org/2000/svg"' "$TR_T/hot.svg"; then
	pass profile-svg
else
	fail profile-svg "$(head -c 300 "$TR_T/xml.err") $(grep -o '<title>[^<]*</title>' \
		"$TR_T/hot.svg" 2>/dev/null | head -5 | tr '\n' ' ')"
fi
kill $hot; wait $hot 2>/dev/null

# ---- -F: two profiles of one program at once, 4 times the frequency ----
"$H" cpu 60 & hot=$!
sleep 0.3
prof "$TR_T/f50" -p $hot -d 4 -F 50 & p1=$!
prof "$TR_T/f200" -p $hot -d 4 -F 200 & p2=$!
wait $p1; rc1=$?
wait $p2; rc2=$?
kill $hot; wait $hot 2>/dev/null
lo=$(total "$TR_T/f50") hi=$(total "$TR_T/f200")
# the program's share of a busy machine varies; the ratio of two profiles
# of the same seconds does not, much
if [ $rc1 = 0 ] && [ $rc2 = 0 ] && [ "$lo" -ge 10 ] &&
   [ "$hi" -ge $((lo * 2)) ] && [ "$hi" -le $((lo * 8)) ]; then
	pass profile-frequency
else
	fail profile-frequency "exit $rc1/$rc2: $lo samples at 50 Hz, $hi at 200 Hz:" \
		"$(head -c 200 "$TR_T/f50.err")"
fi

# ---- kernel frames of a read(2) loop; none with -U; only them with -K ----
"$H" sys 60 & busy=$!
sleep 0.3
prof "$TR_T/sys" -p $busy -d 3 & p1=$!
prof "$TR_T/sysU" -p $busy -d 3 -U & p2=$!
prof "$TR_T/sysK" -p $busy -d 3 -K -j & p3=$!
wait $p1; rc1=$?
wait $p2; rc2=$?
wait $p3; rc3=$?
kill $busy; wait $busy 2>/dev/null
if [ $rc1 = 0 ] && grep -Eq "^$N;.*;(entry_SYSCALL_64|do_syscall_64);.*(read|zero)" "$TR_T/sys"; then
	pass profile-kernel
else
	fail profile-kernel "exit $rc1: $(head -c 300 "$TR_T/sys.err") $(head -c 600 "$TR_T/sys")"
fi
if [ $rc2 = 0 ] && [ -s "$TR_T/sysU" ] && ! grep -q "do_syscall_64" "$TR_T/sysU"; then
	pass profile-user-only
else
	fail profile-user-only "exit $rc2: $(head -c 600 "$TR_T/sysU")"
fi
# -K -j: one record; its stacks are the comm and kernel frames only
if [ $rc3 = 0 ] && [ "$(grep -c . "$TR_T/sysK")" = 1 ] &&
   jq -e --arg n "$N" '.tracer == "profile" and .samples > 0 and
	(.method | startswith("perf_event ")) and
	.samples == ([.stacks[].samples] | add) and
	([.stacks[].stack | select(contains("do_syscall_64"))] | length > 0) and
	all(.stacks[].stack; startswith($n + ";") and (contains("main") | not))' \
	"$TR_T/sysK" >/dev/null; then
	pass profile-kernel-only-json
else
	fail profile-kernel-only-json "exit $rc3: $(head -c 800 "$TR_T/sysK")"
fi

# ---- options that make no sense together ----
if ! "$BW" trace profile -U -K -d 1 >/dev/null 2>"$TR_T/uk.err" &&
   grep -q "exclude" "$TR_T/uk.err"; then
	pass profile-bad-options
else
	fail profile-bad-options "-U -K: $(cat "$TR_T/uk.err")"
fi

# ---- in the daemon: one summary record at stop ----
# The daemon drops its capabilities once started but keeps CAP_SYS_PTRACE
# (bit 19) while profile runs: the maps of processes that hold
# capabilities (this root one) name its user frames.  The kernel's symbols
# were read before the drop.
if daemon_start profile; then
	"$H" sys 60 & busy=$!
	sleep 3
	capeff=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/$eng/status)
	kill -INT $eng; wait $eng; rc=$?
	kill $busy; wait $busy 2>/dev/null
	log=$TR_T/audit.log
	if [ $rc = 0 ] && [ "$capeff" = 0000000000080000 ] &&
	   jq -e -s --arg n "$N" '[.[] | select(.type == "profile" and .samples > 0 and
		(.method | startswith("perf_event ")) and (.stacks | length) <= 20 and
		any(.stacks[].stack; startswith($n + ";") and contains(";main;") and
		    contains(";do_syscall_64;")))] |
		length >= 1' "$log" >/dev/null; then
		pass profile-daemon
	else
		fail profile-daemon "exit $rc, CapEff $capeff: $(head -c 300 "$TR_T/run.err") /
			$(grep -e profile "$log" | head -c 800)"
	fi
else
	fail profile-daemon "engine not ready: $(cat "$TR_T/run.err")"
	kill $eng 2>/dev/null; wait $eng
fi

# ---- --lua: nginx's Lua module, a handler busy in a named Lua function ----
lua_test() {
	if ! command -v nginx >/dev/null ||
	   [ ! -e /usr/lib/nginx/modules/ngx_http_lua_module.so ]; then
		skip profile-lua "no nginx with the Lua module (nginx, libnginx-mod-http-lua)"
		return
	fi
	ngx=$TR_T/ngx
	mkdir -p "$ngx/tmp" "$ngx/logs"
	port=$((20000 + $$ % 20000))
	# burn() begins on line 2, handler() on 10; burn's loop runs in the
	# interpreter or, once hot, in a JIT trace: both keep the frame base in
	# the register the walk reads
	cat >"$ngx/hot.lua" <<'LUA'
-- a handler that burns CPU in a named function
local function burn(n)
	local x = 0
	for i = 1, n do
		x = (x * 31 + i) % 1000003
	end
	return x
end

local function handler()
	local v = burn(2000000)
	return v
end

ngx.say(handler())
LUA
	cat >"$ngx/nginx.conf" <<NGX
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;
user root;
worker_processes 1;
daemon off;
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $ngx/tmp;
	proxy_temp_path $ngx/tmp;
	fastcgi_temp_path $ngx/tmp;
	uwsgi_temp_path $ngx/tmp;
	scgi_temp_path $ngx/tmp;
	server {
		listen 127.0.0.1:$port;
		location /hot { content_by_lua_file $ngx/hot.lua; }
	}
}
NGX
	nginx -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/logs/error.log" 2>"$ngx/start.err" &
	master=$!
	i=0 worker=
	while [ -z "$worker" ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
		worker=$(pgrep -P $master | head -n 1)
	done
	if [ -z "$worker" ] || [ "$("$H" get $port 1)" = 0 ]; then
		fail profile-lua "nginx did not serve: $(cat "$ngx/start.err" "$ngx/logs/error.log" | head -c 600)"
		kill $master 2>/dev/null; wait $master 2>/dev/null
		return
	fi
	"$H" get $port 30 >"$TR_T/gets" & load=$!
	prof "$TR_T/lua" -p $worker -d 4 --lua; rc=$?
	kill $load; wait $load 2>/dev/null
	kill $master; wait $master 2>/dev/null
	# the Lua frames, outermost first: the chunk, handler (10), burn (2)
	chunk="@$ngx/hot.lua"
	if [ $rc = 0 ] && grep -q "^nginx;.*;$chunk:10;$chunk:2\\( \\|;\\)" "$TR_T/lua" &&
	   head -n 1 "$TR_T/lua" | grep -q ";$chunk:2\\( \\|;\\)"; then
		pass profile-lua
	else
		fail profile-lua "exit $rc: $(head -c 300 "$TR_T/lua.err") $(head -c 800 "$TR_T/lua")"
	fi
}
lua_test
