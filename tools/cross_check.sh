#!/bin/sh
# cross_check.sh — puts the Check unit-test library for another CPU into a
# sysroot of the build tree, for `make cross-unit` (mk/cross.mk), from the
# Debian archive only and without changing the system's apt or dpkg setup:
# apt runs on a private state directory (STATE: its own sources list and
# package lists) that knows only the target architecture.
#
#   * Debian has `check` for the target (arm64, armhf, s390x): its package
#     and libsubunit-dev's are downloaded and unpacked (dpkg -x, not
#     installed: check:s390x would pull mawk:s390x over the host's awk);
#   * it has none (riscv64 is not in bookworm main): Check's Debian source
#     package is downloaded (apt-get source), unpacked with Debian's
#     patches (dpkg-source -x) and cross-built, without subunit, by its own
#     configure --host=TRIPLE; only the library and its two headers are
#     installed.
#
# Either way SYSROOT/usr/include/check.h and SYSROOT/usr/lib/TRIPLE/libcheck.a
# exist afterwards (and libsubunit.a when it came from the binary package).
# Nothing is done when check.h is already there. The mirror is
# DEBIAN_MIRROR (default http://deb.debian.org/debian), the suite the
# host's (/etc/os-release's VERSION_CODENAME).
#
# usage: tools/cross_check.sh DEBARCH TRIPLE SYSROOT STATE
set -eu
[ $# -eq 4 ] || { echo "usage: $0 DEBARCH TRIPLE SYSROOT STATE" >&2; exit 2; }
debarch=$1 triple=$2 sysroot=$3 state=$4
[ -f "$sysroot/usr/include/check.h" ] && exit 0
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$suite" ] || { echo "cross_check: no VERSION_CODENAME in /etc/os-release (not Debian?)" >&2; exit 2; }
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || { echo "cross_check: needs $keyring (debian-archive-keyring)" >&2; exit 2; }

rm -rf "$state"
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/work" "$sysroot"
state=$(cd "$state" && pwd)
sysroot=$(cd "$sysroot" && pwd)
cat >"$state/sources.list" <<EOF
deb [signed-by=$keyring] $mirror $suite main
deb-src [signed-by=$keyring] $mirror $suite main
EOF
apt_private() {
    apt-get -q -o Dir::Etc::SourceList="$state/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
        -o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache" \
        -o APT::Architecture="$debarch" -o APT::Architectures::="$debarch" \
        -o Debug::NoLocking=1 -o Acquire::Retries=3 "$@"
}
echo "cross_check: Check for $debarch from $mirror $suite (apt state in $state)"
apt_private update >"$state/update.log" 2>&1 || { cat "$state/update.log" >&2; exit 1; }
cd "$state/work"

if apt_private download "check:$debarch" "libsubunit-dev:$debarch" >download.log 2>&1; then
    for deb in *.deb; do
        dpkg -x "$deb" "$sysroot"
    done
    echo "cross_check: unpacked $(echo *.deb) into $sysroot"
else
    echo "cross_check: no check:$debarch package; building Check from Debian's source package"
    apt_private source --download-only check >source.log 2>&1 || { cat source.log >&2; exit 1; }
    dpkg-source -x ./check_*.dsc src >unpack.log 2>&1 || { cat unpack.log >&2; exit 1; }
    cd src
    ./configure --host="$triple" --prefix=/usr --libdir="/usr/lib/$triple" --disable-shared --enable-static \
        --disable-subunit --disable-timeout-tests --enable-build-docs=no >configure.log 2>&1 ||
        { tail -30 configure.log >&2; exit 1; }
    make -C lib >build.log 2>&1 && make -C src >>build.log 2>&1 || { tail -30 build.log >&2; exit 1; }
    mkdir -p "$sysroot/usr/include" "$sysroot/usr/lib/$triple"
    # The library is lib's convenience archive plus src's objects: `make
    # install` of src/ puts the combined libcheck.a in place.
    make -C src install DESTDIR="$sysroot" >>build.log 2>&1 || { tail -30 build.log >&2; exit 1; }
    cp check_stdint.h "$sysroot/usr/include/"
    echo "cross_check: built $(sed -n 's/^Version: //p' ../check_*.dsc) for $triple into $sysroot"
fi
[ -f "$sysroot/usr/include/check.h" ] && [ -f "$sysroot/usr/lib/$triple/libcheck.a" ] ||
    { echo "cross_check: no check.h or libcheck.a in $sysroot" >&2; exit 1; }
