#!/bin/sh
# fuzz_diff.sh — differential fuzzing of the engine against binaryen's
# interpreter (doc/fuzzing.md).
#
#   usage: testsuite/fuzz_diff.sh RUNNER OUT_DIR (--seconds N | --seeds FIRST COUNT) [SWITCH_RUNNER]
#
# For each seed: deterministic random bytes (AES-CTR of the seed's number,
# 1 to 24 KiB) → `wasm-opt -ttf` makes a valid module (and, for odd seeds,
# optimises it with -O2) → binaryen runs it
# (`--fuzz-exec`) → RUNNER (build/fuzz-exec) runs it and the comparator
# decides. The runner also runs it in fuel slices of 1 and 7 units and
# with no superinstruction groups (--no-groups), and SWITCH_RUNNER (a
# DISPATCH=switch build of it), when given: each of those outputs must be
# byte for byte the runner's own. --seconds runs seeds from a random
# start until the time is up; --seeds runs a fixed list (make check).
# A mismatching module is kept in OUT_DIR/mismatch-SEED/ with its seed
# bytes, binaryen's output, ours and the comparator's report. Prints
# `fuzz-diff: N modules, M mismatches` (and how many differed only by NaN
# bits, how many binaryen could not compare); exits 1 when M > 0.
set -eu

if [ $# -lt 4 ]; then
    echo "usage: $0 RUNNER OUT_DIR (--seconds N | --seeds FIRST COUNT) [SWITCH_RUNNER]" >&2
    exit 2
fi
runner=$1
out=$2
mode=$3
case $mode in
    --seconds) seconds=$4; first=$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); count=0; shift 4 ;;
    --seeds) [ $# -ge 5 ] || { echo "$0: --seeds needs FIRST COUNT" >&2; exit 2; }
             first=$4; count=$5; seconds=0; shift 5 ;;
    *) echo "$0: expected --seconds or --seeds, got $mode" >&2; exit 2 ;;
esac
switch_runner=${1:-}
tools=$(cd "$(dirname "$0")/../tools" && pwd)
command -v wasm-opt >/dev/null || { echo "$0: wasm-opt (binaryen) not found: make setup" >&2; exit 2; }

# Every feature binaryen 108 generates that Wasm 2.0 plus our proposals
# has; not reference types (binaryen 108's old draft: funcref <: externref).
FEATURES="--enable-simd --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int
          --enable-mutable-globals --enable-multivalue --enable-tail-call"

mkdir -p "$out"
work=$(mktemp -d "$out/work.XXXXXX")
trap 'rm -rf "$work"' EXIT

modules=0
mismatches=0
nan_allowed=0
skipped=0
start=$(date +%s)
seed=$first

keep() {   # keep the module of $seed and what was said about it: $1
    dir="$out/mismatch-$seed"
    mkdir -p "$dir"
    cp "$work"/seed.bin "$work"/m.wasm "$work"/binaryen.txt "$dir"/
    cp "$work"/ours*.txt "$dir"/ 2>/dev/null || true
    printf '%s\n' "$1" > "$dir/report.txt"
    cat "$work/report.txt" >> "$dir/report.txt" 2>/dev/null || true
    echo "fuzz-diff: seed $seed: $1 (kept in $dir)"
    mismatches=$((mismatches + 1))
}

# A difference that disappears when every NaN a float expression makes is
# replaced by 0 (`wasm-opt --denan` for scalars, tools/denan_v128.py for
# f32x4/f64x2 lanes; on both sides) comes from NaN bits the spec leaves
# open: the sign and payload of an arithmetic NaN, read back by copysign,
# reinterpret or a store (doc/fuzzing.md). Such a module is kept
# in OUT_DIR/nan-SEED/ and counted apart; any other difference is a mismatch.
count_nan() {   # once per module
    [ -e "$work/nan" ] || nan_allowed=$((nan_allowed + 1))
    : > "$work/nan"
}
make_twin() {
    [ -s "$work/denan.wasm" ] && return 0
    # shellcheck disable=SC2086
    wasm-opt "$work/m.wasm" $FEATURES --denan --print 2>/dev/null |
        python3 "$tools/denan_v128.py" > "$work/denan.wat" &&
        wasm-opt "$work/denan.wat" $FEATURES -o "$work/denan.wasm" 2>/dev/null
}
nan_bits_only() {
    # shellcheck disable=SC2086
    make_twin &&
        timeout 60 wasm-opt "$work/denan.wasm" $FEATURES --fuzz-exec -q > "$work/binaryen-denan.txt" 2>/dev/null &&
        timeout 60 "$runner" "$work/denan.wasm" > "$work/ours-denan.txt" 2>/dev/null &&
        "$runner" --compare "$work/binaryen-denan.txt" "$work/ours-denan.txt" > /dev/null
}

while :; do
    if [ "$seconds" -gt 0 ]; then
        [ $(($(date +%s) - start)) -lt "$seconds" ] || break
    else
        [ "$seed" -lt $((first + count)) ] || break
    fi
    len=$((1024 + (seed * 7919) % 23552))
    openssl enc -aes-128-ctr -nosalt -pbkdf2 -pass "pass:wippy-fuzz-$seed" -in /dev/zero 2>/dev/null |
        head -c "$len" > "$work/seed.bin" || true
    rm -f "$work"/ours*.txt "$work/report.txt" "$work/denan.wasm" "$work/nan"
    # shellcheck disable=SC2086
    # Odd seeds: the module after binaryen's -O2 (other shapes of code
    # for our translator to fuse), even seeds: as generated.
    opt=""
    [ $((seed % 2)) -eq 1 ] && opt=-O2
    # shellcheck disable=SC2086
    if ! wasm-opt -ttf "$work/seed.bin" $opt -o "$work/m.wasm" $FEATURES 2>/dev/null ||
       ! timeout 60 wasm-opt "$work/m.wasm" $FEATURES --fuzz-exec -q > "$work/binaryen.txt" 2>/dev/null; then
        skipped=$((skipped + 1))
        seed=$((seed + 1))
        continue
    fi
    if ! timeout 60 "$runner" "$work/m.wasm" > "$work/ours.txt" 2> "$work/report.txt"; then
        modules=$((modules + 1))
        keep "our runner failed"
        seed=$((seed + 1))
        continue
    fi
    set +e
    "$runner" --compare "$work/binaryen.txt" "$work/ours.txt" > "$work/report.txt"
    verdict=$?
    set -e
    if [ $verdict -eq 3 ]; then
        skipped=$((skipped + 1))
        seed=$((seed + 1))
        continue
    fi
    modules=$((modules + 1))
    if [ $verdict -ne 0 ] && nan_bits_only; then
        count_nan
        mkdir -p "$out/nan-$seed"
        cp "$work"/seed.bin "$work"/m.wasm "$work"/binaryen.txt "$work"/ours.txt "$work"/report.txt "$out/nan-$seed"/
    elif [ $verdict -ne 0 ]; then
        keep "binaryen and ours differ"
        seed=$((seed + 1))
        continue
    fi
    # Our own variants must print exactly what the plain run printed.
    for variant in fuel1 fuel7 nogroups switch; do
        case $variant in
            fuel1) set -- "$runner" --fuel 1 ;;
            fuel7) set -- "$runner" --fuel 7 ;;
            nogroups) set -- "$runner" --no-groups ;;
            switch) [ -n "$switch_runner" ] || continue; set -- "$switch_runner" ;;
        esac
        if ! timeout 60 "$@" "$work/m.wasm" > "$work/ours-$variant.txt" 2>&1 ||
           ! cmp -s "$work/ours.txt" "$work/ours-$variant.txt"; then
            diff "$work/ours.txt" "$work/ours-$variant.txt" > "$work/report.txt" 2>&1 || true
            # NaN bits again: which NaN an operation on two NaNs returns may
            # depend on the C compiler's operand order (doc/fuzzing.md).
            if make_twin && timeout 60 "$runner" "$work/denan.wasm" > "$work/ours-denan.txt" 2>&1 &&
               timeout 60 "$@" "$work/denan.wasm" > "$work/ours-denan-$variant.txt" 2>&1 &&
               cmp -s "$work/ours-denan.txt" "$work/ours-denan-$variant.txt"; then
                count_nan
                mkdir -p "$out/nan-$seed"
                cp "$work"/seed.bin "$work"/m.wasm "$work"/ours*.txt "$work"/report.txt "$out/nan-$seed"/
                continue
            fi
            keep "our $variant run differs from our plain run"
            break
        fi
    done
    seed=$((seed + 1))
done

echo "fuzz-diff: $modules modules, $mismatches mismatches ($nan_allowed differing only by NaN bits, $skipped seeds binaryen could not compare; seeds $first..$((seed - 1)))"
[ "$mismatches" -eq 0 ]
