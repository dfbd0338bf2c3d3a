#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the binary package from a `make install` tree (docs/packaging.md).
#
#   packaging/mkdeb.sh ROOT OUTDIR VERSION MAINTAINER
#
# ROOT is changed in place into the package's tree: the binary stripped,
# man pages and the changelog compressed, DEBIAN/ written (control with the
# shared-library dependencies dpkg-shlibdeps finds, conffiles, maintainer
# scripts, md5sums); /var/log/bulwark is left to postinst. Prints the path
# of the .deb.
set -eu

root=$(cd "$1" && pwd) out=$2 version=$3 maintainer=$4
here=$(cd "$(dirname "$0")" && pwd)
arch=$(dpkg --print-architecture)
doc=$root/usr/share/doc/bulwark

[ -x "$root/usr/sbin/bulwark" ] || { echo "mkdeb: no $root/usr/sbin/bulwark (make install first)" >&2; exit 1; }

strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$root/usr/sbin/bulwark"
find "$root/usr/share/man" -type f ! -name '*.gz' -exec gzip -9n {} +
# created by postinst, 0700, and removed on purge: not a file of the package
rm -rf "$root/var/log/bulwark"
rmdir "$root/var/log" "$root/var" 2>/dev/null || true

install -d -m 0755 "$doc"
install -m 0644 "$here/deb/copyright" "$doc/copyright"
gzip -9n -c "$here/deb/changelog" > "$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"

# Depends: what the binary links, with the versions the libraries' shlibs
# files ask for (dpkg-shlibdeps wants a debian/control beside it)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/debian"
printf 'Source: bulwark\n\nPackage: bulwark\nArchitecture: any\n' > "$tmp/debian/control"
depends=$(cd "$tmp" && dpkg-shlibdeps -O -e"$root/usr/sbin/bulwark" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "mkdeb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

rm -rf "$root/DEBIAN"
install -d -m 0755 "$root/DEBIAN"
size=$(du -k -s --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
	-e "s|@SIZE@|$size|" -e "s|@DEPENDS@|$depends|" "$here/deb/control.in" > "$root/DEBIAN/control"
install -m 0644 "$here/deb/conffiles" "$root/DEBIAN/conffiles"
for s in postinst prerm postrm; do
	install -m 0755 "$here/deb/$s" "$root/DEBIAN/$s"
done
# conffiles have their own sums in dpkg's database: not in md5sums
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\.||' |
	grep -vxF -f "$root/DEBIAN/conffiles" | sed 's|^/||' | LC_ALL=C sort |
	xargs -d '\n' md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

deb=$out/bulwark_${version}_$arch.deb
mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
