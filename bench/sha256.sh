#!/bin/sh
# sha256.sh — SHA-256 throughput of wippy's two paths next to OpenSSL and
# coreutils, measured in one run on this machine, with the two ratios the
# project aims for (each at least 90%):
#   wippy sha-ni   / openssl speed -evp sha256 (16 KiB blocks)
#   wippy portable / sha256sum over a 256 MiB file (in the page cache)
# Usage: bench/sha256.sh path/to/bench-sha256   (as `make bench-sha256` does)
# MB = 10^6 bytes throughout. Set SIZE_MIB to change the amount hashed.
set -eu

prog=${1:?usage: $0 path/to/bench-sha256}
size_mib=${SIZE_MIB:-256}
target=90

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wippy-sha256-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'rm -rf "$tmp"; exit 130' INT TERM

now() { date +%s.%N; }

# --- wippy: one line per path, "wippy sha256 <impl>: <MB/s> MB/s" ---------
echo "wippy: hashing $size_mib MiB in memory, best of 3 per path ..."
"$prog" "$size_mib" >"$tmp/wippy.out"
wippy_rate() {   # $1 = portable | sha-ni; prints MB/s or nothing
    awk -v name="$1" '$1 == "wippy" && $3 == name ":" && $5 == "MB/s" { print $4 }' "$tmp/wippy.out"
}
portable=$(wippy_rate portable)
shani=$(wippy_rate sha-ni)

# --- openssl: the 16384-byte column, printed in 1000s of bytes per second --
openssl_rate=
if command -v openssl >/dev/null 2>&1; then
    echo "openssl: speed -evp sha256 -bytes 16384 -seconds 3 ..."
    openssl_rate=$(openssl speed -evp sha256 -bytes 16384 -seconds 3 2>/dev/null |
        awk '$1 == "sha256" { v = $NF; sub(/k$/, "", v); printf "%.1f", v / 1000 }')
fi

# --- sha256sum: a file of the same size, warm in the page cache, best of 3 -
sum_rate=
if command -v sha256sum >/dev/null 2>&1; then
    echo "sha256sum: $size_mib MiB file, best of 3 ..."
    head -c $((size_mib * 1048576)) /dev/urandom >"$tmp/data"
    sha256sum "$tmp/data" >/dev/null          # warm the cache
    best=
    for run in 1 2 3; do
        start=$(now)
        sha256sum "$tmp/data" >/dev/null
        end=$(now)
        best=$(awk -v s="$start" -v e="$end" -v b="$best" \
            'BEGIN { t = e - s; if (b == "" || t < b) b = t; print b }')
    done
    sum_rate=$(awk -v t="$best" -v n="$size_mib" 'BEGIN { printf "%.1f", n * 1048576 / t / 1e6 }')
    rm -f "$tmp/data"
fi

# --- the table --------------------------------------------------------------
row() {   # $1 = label, $2 = MB/s or empty
    if [ -n "$2" ]; then printf '  %-34s %10s MB/s\n' "$1" "$2"
    else printf '  %-34s %10s\n' "$1" "n/a"; fi
}
ratio() {   # $1 = label, $2 = ours, $3 = theirs
    if [ -n "$2" ] && [ -n "$3" ]; then
        awk -v l="$1" -v a="$2" -v b="$3" -v t="$target" 'BEGIN {
            r = 100 * a / b
            printf "  %-34s %9.1f%%   target >= %d%%   %s\n", l, r, t, (r >= t ? "met" : "MISSED") }'
    else
        printf '  %-34s %10s   target >= %d%%\n' "$1" "n/a" "$target"
    fi
}

echo
echo "SHA-256 throughput on $(uname -m), MB = 10^6 bytes"
row "wippy portable (in memory)" "$portable"
row "wippy sha-ni (in memory)" "$shani"
row "openssl -evp sha256 (16 KiB)" "$openssl_rate"
row "sha256sum ($size_mib MiB file)" "$sum_rate"
echo
ratio "wippy sha-ni / openssl" "$shani" "$openssl_rate"
ratio "wippy portable / sha256sum" "$portable" "$sum_rate"
