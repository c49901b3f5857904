#!/bin/bash
# run.sh — `make bench`: the benchmark programs of ../shared/bench under
# `wippy wasm run`, next to their native clang -O2 builds, measured in the
# same run (see ../shared/bench/README.md).
#
# For every BENCH_DIR/wasm/NAME.wasm: builds BENCH_DIR/src/NAME.c natively
# into OUT_DIR, checks that both print the same checksum line (a mismatch
# is reported loudly and makes the script exit 1), then takes the median
# wall time of 5 runs after 1 warm-up (hyperfine -N when installed, else a
# loop here). Prints a table with the ratio wippy ÷ native and the
# geometric mean of the ratios; `hello` is reported apart, as start-up, with
# the peak RSS of `wippy wasm run hello.wasm` (/usr/bin/time -v).
# Nothing here is a test: the figures are printed, never asserted.
#
# usage: bench/run.sh WIPPY BENCH_DIR OUT_DIR
set -u

if [ $# -ne 3 ]; then
    echo "usage: $0 WIPPY BENCH_DIR OUT_DIR" >&2
    exit 2
fi
wippy=$(realpath "$1") || exit 2
bench_dir=$2
out_dir=$3
runs=5
[ -x "$wippy" ] || { echo "bench: $1 is not executable" >&2; exit 2; }
compgen -G "$bench_dir/wasm/*.wasm" >/dev/null || { echo "bench: no $bench_dir/wasm/*.wasm" >&2; exit 2; }
mkdir -p "$out_dir" || exit 2

# median_ms COMMAND...: median wall time in milliseconds of $runs runs after
# one warm-up.
median_ms() {
    if command -v hyperfine >/dev/null; then
        local json=$out_dir/hyperfine.json
        # Its warnings (outliers, very short commands) go to a log, not the table.
        if ! hyperfine -N -w 1 -r "$runs" --style none --export-json "$json" "$*" \
            >/dev/null 2>"$out_dir/hyperfine.log"; then
            cat "$out_dir/hyperfine.log" >&2
            return 1
        fi
        jq '.results[0].median * 1000' "$json"
    else
        local -a times=()
        "$@" >/dev/null || return 1
        for _ in $(seq "$runs"); do
            local start end
            start=$(date +%s%N)
            "$@" >/dev/null || return 1
            end=$(date +%s%N)
            times+=("$(((end - start) / 1000))")
        done
        printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 }
            END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; print m / 1000 }'
    fi
}

status=0
rows=()
hello_row=""
for wasm in "$bench_dir"/wasm/*.wasm; do
    name=$(basename "$wasm" .wasm)
    src=$bench_dir/src/$name.c
    native=$out_dir/$name
    if [ ! -x "$native" ] || [ "$src" -nt "$native" ] || [ "$bench_dir/src/bench.h" -nt "$native" ]; then
        clang -O2 -o "$native" "$src" -lm || { echo "bench: cannot build $src" >&2; exit 1; }
    fi
    native_line=$("$native")
    wippy_line=$("$wippy" wasm run "$wasm")
    code=$?
    if [ "$code" -ne 0 ] || [ "$native_line" != "$wippy_line" ]; then
        echo "bench: $name: MISMATCH: native printed \"$native_line\"," \
            "wippy printed \"$wippy_line\" (exit $code)" >&2
        status=1
        continue
    fi
    native_ms=$(median_ms "$native") || { echo "bench: $name: native run failed" >&2; exit 1; }
    wippy_ms=$(median_ms "$wippy" wasm run "$wasm") || { echo "bench: $name: wippy run failed" >&2; exit 1; }
    row="$name $native_ms $wippy_ms"
    if [ "$name" = hello ]; then
        hello_row=$row
    else
        rows+=("$row")
    fi
done

printf '%-10s %12s %12s %9s\n' program "native ms" "wippy ms" ratio
printf '%s\n' "${rows[@]}" | awk '{
        ratio = $3 / $2; log_sum += log(ratio); n++
        printf "%-10s %12.1f %12.1f %8.2fx\n", $1, $2, $3, ratio
    }
    END { if (n) printf "%-10s %12s %12s %8.2fx  (%d programs)\n", "geomean", "", "", exp(log_sum / n), n }'

if [ -n "$hello_row" ]; then
    read -r _ native_ms wippy_ms <<<"$hello_row"
    rss="unknown (no /usr/bin/time)"
    if [ -x /usr/bin/time ]; then
        kb=$(/usr/bin/time -v "$wippy" wasm run "$bench_dir/wasm/hello.wasm" 2>&1 >/dev/null |
            awk -F: '/Maximum resident set size/ { print $2 + 0 }')
        native_kb=$(/usr/bin/time -v "$out_dir/hello" 2>&1 >/dev/null |
            awk -F: '/Maximum resident set size/ { print $2 + 0 }')
        rss=$(awk -v k="$kb" -v n="$native_kb" 'BEGIN { printf "%.2f MiB (native hello %.2f MiB)", k / 1024, n / 1024 }')
    fi
    echo
    awk -v n="$native_ms" -v w="$wippy_ms" 'BEGIN {
        printf "start-up (hello): native %.2f ms, wippy %.2f ms, ratio %.2fx\n", n, w, w / n }'
    echo "peak RSS of wippy wasm run hello.wasm: $rss"
fi
exit $status
