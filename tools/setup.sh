#!/bin/sh
# Installs the Debian packages wippy needs to build and test, when run as root;
# otherwise prints the exact apt-get line. Quiet and fast when all are present.
set -eu
PACKAGES="build-essential pkg-config libidn2-0 libyaml-dev liblua5.4-dev libcurl4-openssl-dev libssl-dev nghttp2-server libmicrohttpd-dev check wabt clang lld wasi-libc libclang-rt-14-dev-wasm32 openssl jq hyperfine time wrk binaryen gcc-arm-linux-gnueabihf libc6-dev-armhf-cross gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-user-static"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# node and npm, for `make cm-convert` (jco, testsuite/cm_wast2json.mjs): Debian's
# nodejs and npm when the commands are absent. Checked by command, not by
# package: a NodeSource nodejs has npm inside and no Debian npm package.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "setup: installing$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
else
    echo "setup: missing Debian packages. Run as root:" >&2
    echo "  apt-get install -y$missing" >&2
    exit 1
fi
