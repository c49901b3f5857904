#!/bin/sh
# js.sh — a componentize-js component (SpiderMonkey inside, ~13 MB) run by
# `wippy wasm run` and by `jco run` (node) in the same run: start-up wall
# time (hyperfine, or a loop when it is absent) and peak RSS (/usr/bin/time).
# With a third argument (tests/wasi_c/stream_bulk.c as a component): bytes
# in bulk through wasi:io/streams, 64 MiB written to /dev/null, under both.
# Figures only, never asserted; measure a plain build, not SANITIZE=1.
# Usage: bench/js.sh WIPPY HELLO.wasm [STREAM_BULK.wasm]   (as `make bench-js`)
set -eu

usage="usage: $0 path/to/wippy path/to/component.wasm [path/to/stream_bulk.component.wasm]"
wippy=${1:?$usage}
comp=${2:?$usage}
bulk=${3:-}
runs=${RUNS:-10}

echo "component: $comp ($(stat -c %s "$comp") bytes)"
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 1 --runs "$runs" --style basic \
        -n "wippy wasm run" "$wippy wasm run $comp one two" \
        -n "jco run" "npx jco run $comp one two"
else
    for cmd in "$wippy wasm run $comp one two" "npx jco run $comp one two"; do
        start=$(date +%s.%N)
        i=0
        while [ $i -lt "$runs" ]; do $cmd >/dev/null; i=$((i + 1)); done
        end=$(date +%s.%N)
        echo "$cmd: $(echo "($end - $start) * 1000 / $runs" | bc -l | cut -c1-7) ms a run"
    done
fi
rss() {   # prints the peak RSS in MiB of the command
    /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.1f", $1 / 1024 }'
}
echo "peak RSS: wippy wasm run $(rss "$wippy" wasm run "$comp" one two) MiB," \
     "jco run $(rss npx jco run "$comp" one two) MiB (node, npx included)"
if [ -n "$bulk" ] && command -v hyperfine >/dev/null 2>&1; then
    echo "64 MiB written to /dev/null through wasi:io/streams (1 MiB writes; the adapter's fd_write):"
    hyperfine --warmup 1 --runs "$runs" --style basic \
        -n "wippy wasm run" "$wippy wasm run $bulk 64 </dev/null >/dev/null" \
        -n "jco run" "npx jco run $bulk 64 </dev/null >/dev/null"
fi
