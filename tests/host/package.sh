#!/bin/sh
# The Debian package (run by tests/host/run.sh, as root): `make deb` into
# a temporary output directory, lintian with no errors, `dpkg -i` into a
# throwaway root, the files installed and their modes, the installed
# bulwark's `check` on the installed policy and rules, and a purge that
# leaves nothing of the package behind.
#
# The throwaway root is dpkg's own `--root=DIR` with an empty database:
# dpkg unpacks there, records the package and its conffiles, and runs the
# maintainer scripts with --force-script-chrootless (on this machine, with
# DPKG_ROOT=DIR; they touch only files under it and skip systemd).  The
# root has no libraries in its database, so --force-depends.  The installed
# bulwark runs chrooted into a copy of that root plus the libraries it
# links, so it reads exactly /etc/bulwark/bulwark.conf and the rules
# directories it names, and `systemd-analyze verify` reads the unit there.
# This machine's /etc, /usr and dpkg database are checked unchanged.
#   package.sh BULWARK_SOURCE_DIR TMPDIR
set -u
SRC=$1
D=$2
pass() { echo "PASS: host/$1"; }
fail() { echo "FAIL: host/$1: $2"; }
skip() { echo "SKIP: host/$1: $2"; }

if [ "$(id -u)" != 0 ]; then
	skip package "dpkg --root and chroot need root"
	exit 0
fi
for t in dpkg-deb dpkg-shlibdeps strip chroot; do
	command -v $t >/dev/null 2>&1 || { skip package "no $t (make deps)"; exit 0; }
done
mkdir -p "$D"
D=$(cd "$D" && pwd)
R=$D/root
C=$D/chroot

# what the package would touch on this machine, were it installed here
host_state() {
	for p in /etc/bulwark /usr/lib/bulwark /usr/sbin/bulwark /lib/systemd/system/bulwark.service \
		/usr/share/bash-completion/completions/bulwark /usr/share/doc/bulwark; do
		[ -e "$p" ] || { echo "$p absent"; continue; }
		find "$p" -exec stat -c '%n %F %a %s %Y' {} + 2>&1
	done
	dpkg-query -W -f='${Status} ${Version}\n' bulwark 2>&1
}
host_state >"$D/host.before"

# ---- build ----
if ! make -C "$SRC" -j"$(nproc)" OUTPUT="$D/out" deb >"$D/build.log" 2>&1; then
	fail package-build "make deb failed: $(tail -5 "$D/build.log")"
	exit 0
fi
set -- "$D"/out/bulwark_*_*.deb
deb=$1
if [ $# = 1 ] && [ -f "$deb" ]; then
	pass package-build
else
	fail package-build "not one .deb in $D/out: $*"
	exit 0
fi

# ---- lintian ----
if command -v lintian >/dev/null 2>&1; then
	lintian "$deb" >"$D/lintian.out" 2>&1
	if grep -q '^E:' "$D/lintian.out"; then
		fail package-lintian "$(grep '^E:' "$D/lintian.out" | head -5)"
	else
		pass package-lintian
	fi
else
	skip package-lintian "lintian not installed (make test-deps)"
fi

# ---- install into a throwaway root ----
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/log"
: >"$R/var/lib/dpkg/status"
: >"$R/var/lib/dpkg/available"
(cd "$R" && find . | LC_ALL=C sort) >"$D/tree.before"
if dpkg --root="$R" --force-script-chrootless --force-depends -i "$deb" >"$D/install.log" 2>&1 &&
	dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status}' bulwark | grep -q 'install ok installed'; then
	pass package-install
else
	fail package-install "$(tail -5 "$D/install.log")"
	exit 0
fi

# ---- files and modes ----
bad=""
want() {	# want PATH TYPE MODE
	st=$(stat -c '%F %a %U:%G' "$R$1" 2>/dev/null) || { bad="$bad; $1 missing"; return; }
	case $st in
	"$2 $3 root:root") ;;
	*) bad="$bad; $1 is '$st', not '$2 $3 root:root'" ;;
	esac
}
want /usr/sbin/bulwark "regular file" 755
want /etc/bulwark "directory" 755
want /etc/bulwark/bulwark.conf "regular file" 644
want /etc/bulwark/rules.d "directory" 755
want /usr/lib/bulwark/rules.d "directory" 755
want /var/log/bulwark "directory" 700
want /lib/systemd/system/bulwark.service "regular file" 644
want /usr/share/man/man8/bulwark.8.gz "regular file" 644
want /usr/share/man/man5/bulwark.conf.5.gz "regular file" 644
want /usr/share/man/man5/bulwark.rules.5.gz "regular file" 644
want /usr/share/bash-completion/completions/bulwark "regular file" 644
want /usr/share/doc/bulwark/copyright "regular file" 644
want /usr/share/doc/bulwark/changelog.Debian.gz "regular file" 644
for f in "$SRC"/rules/*.rules; do
	want "/usr/lib/bulwark/rules.d/${f##*/}" "regular file" 644
	cmp -s "$f" "$R/usr/lib/bulwark/rules.d/${f##*/}" || bad="$bad; ${f##*/} differs from rules/"
done
[ -z "$(ls -A "$R/etc/bulwark/rules.d" 2>/dev/null)" ] || bad="$bad; /etc/bulwark/rules.d not empty"
grep -qx 'rules = /usr/lib/bulwark/rules.d, /etc/bulwark/rules.d' "$R/etc/bulwark/bulwark.conf" ||
	bad="$bad; bulwark.conf does not name the vendor then the admin rules directory"
dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Conffiles}\n' bulwark | grep -q '^ /etc/bulwark/bulwark.conf ' ||
	bad="$bad; bulwark.conf is not a conffile"
grep -qx 'Type=notify' "$R/lib/systemd/system/bulwark.service" ||
	bad="$bad; the unit is not Type=notify"
grep -q '^ExecReload=/usr/sbin/bulwark reload ' "$R/lib/systemd/system/bulwark.service" ||
	bad="$bad; the unit does not reload with bulwark reload"
grep -q '^ExecStop=/usr/sbin/bulwark stop ' "$R/lib/systemd/system/bulwark.service" ||
	bad="$bad; the unit does not stop with bulwark stop"
! grep -q '^ExecStartPost=' "$R/lib/systemd/system/bulwark.service" ||
	bad="$bad; the unit still polls for the ready file"
bash -n "$R/usr/share/bash-completion/completions/bulwark" 2>/dev/null || bad="$bad; completion: bash -n fails"
for m in man8/bulwark.8 man5/bulwark.conf.5 man5/bulwark.rules.5; do
	w=$(zcat "$R/usr/share/man/$m.gz" | groff -man -ww -z 2>&1)
	[ -z "$w" ] || bad="$bad; $m: $w"
done
if [ -z "$bad" ]; then
	pass package-files
else
	fail package-files "${bad#; }"
fi

# ---- the completion offers what --help says ----
bad=""
for cmd in check run version status reload stop log replay exec; do
	opts=$(bash -c '. "$1"; COMP_WORDS=("$2" "$3" --); COMP_CWORD=2; _bulwark; echo "${COMPREPLY[*]}"' \
		_ "$R/usr/share/bash-completion/completions/bulwark" "$R/usr/sbin/bulwark" "$cmd")
	for o in $("$R/usr/sbin/bulwark" "$cmd" --help 2>&1 | grep -oE '^ +(-[a-z], )?--[a-z][-a-z]*' |
		grep -oE -- '--[a-z][-a-z]*'); do
		case " $opts " in *" $o "*) ;; *) bad="$bad; $cmd $o" ;; esac
	done
done
if [ -z "$bad" ]; then
	pass package-completion
else
	fail package-completion "options --help lists but completion does not offer:${bad#;}"
fi

# ---- the installed bulwark checks the installed policy ----
# a copy of the root with the libraries the binary links, to chroot into
rm -rf "$C"
cp -a "$R" "$C"
for lib in $(ldd "$R/usr/sbin/bulwark" | grep -oE '/[^ ]+'); do
	mkdir -p "$C$(dirname "$lib")"
	cp -L "$lib" "$C$lib"
done
if chroot "$C" /usr/sbin/bulwark check --json >"$D/check.json" 2>"$D/check.err" &&
	grep -q '"valid":true' "$D/check.json" &&
	grep -q '"files":\["/usr/lib/bulwark/rules.d/10-capabilities.rules"' "$D/check.json"; then
	pass package-check
else
	fail package-check "$(head -c 400 "$D/check.json") $(head -3 "$D/check.err")"
fi

# an admin's file of a vendor file's name replaces it
printf '[audit-raw-sockets]\nevent = capable\naction = audit\ncapability = cap_net_raw\n' \
	>"$C/etc/bulwark/rules.d/10-capabilities.rules"
if chroot "$C" /usr/sbin/bulwark check --json >"$D/check2.json" 2>&1 &&
	grep -q '"valid":true' "$D/check2.json" &&
	grep -q '"files":\["/etc/bulwark/rules.d/10-capabilities.rules","/usr/lib/bulwark/rules.d/20-exec.rules"' \
		"$D/check2.json"; then
	pass package-admin-override
else
	fail package-admin-override "$(head -c 400 "$D/check2.json")"
fi

# the unit as systemd reads it, its commands resolved in that root
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$C/bin"
	for b in /bin/sh /bin/kill /bin/sleep; do
		cp -L "$(readlink -f "$b")" "$C$b"
		for lib in $(ldd "$b" 2>/dev/null | grep -oE '/[^ ]+'); do
			mkdir -p "$C$(dirname "$lib")"
			cp -L "$lib" "$C$lib"
		done
	done
	if systemd-analyze verify --man=no --root="$C" /lib/systemd/system/bulwark.service \
		>"$D/verify.out" 2>&1; then
		pass package-unit-verify
	else
		fail package-unit-verify "$(head -5 "$D/verify.out")"
	fi
else
	skip package-unit-verify "no systemd-analyze"
fi
rm -rf "$C"

# ---- purge ----
if dpkg --root="$R" --force-script-chrootless --purge bulwark >"$D/purge.log" 2>&1; then
	(cd "$R" && find . | LC_ALL=C sort) >"$D/tree.after"
	left=$(comm -13 "$D/tree.before" "$D/tree.after" | grep -v '^\./var/lib/dpkg/')
	if [ -z "$left" ] && ! dpkg-query --admindir="$R/var/lib/dpkg" -W bulwark >/dev/null 2>&1; then
		pass package-purge
	elif [ -z "$left" ]; then
		# a purged package may stay known to dpkg as not-installed
		st=$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status}' bulwark 2>&1)
		case $st in
		*not-installed) pass package-purge ;;
		*) fail package-purge "dpkg still has bulwark: $st" ;;
		esac
	else
		fail package-purge "left behind: $(echo "$left" | head -5 | tr '\n' ' ')"
	fi
else
	fail package-purge "$(tail -5 "$D/purge.log")"
fi

# ---- this machine untouched ----
host_state >"$D/host.after"
if cmp -s "$D/host.before" "$D/host.after"; then
	pass package-host-untouched
else
	fail package-host-untouched "$(diff "$D/host.before" "$D/host.after" | head -5 | tr '\n' ' ')"
fi
exit 0
