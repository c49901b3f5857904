#!/bin/bash
# adapter_call.sh — `make bench-adapter`: instructions per adapter call
# between two component instances, counted by callgrind: `wippy wasm call
# bench/adapter_call.wasm run8 N` (into a UTF-8 callee) and `run16 N`
# (UTF-16) minus the same with N = 0, divided by N. Printed, never
# asserted. With a second binary (BASE), the same for it, in the same run.
#
# usage: bench/adapter_call.sh WIPPY COMPONENT [N] [BASE]
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 WIPPY COMPONENT [N] [BASE]" >&2
    exit 2
fi
command -v valgrind >/dev/null || { echo "bench-adapter: valgrind not installed" >&2; exit 2; }
n=${3:-20000}
out=$(mktemp -d) || exit 2
trap 'rm -rf "$out"' EXIT

# instructions WIPPY FUNC COUNT: the instructions callgrind counts for the call
instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$1" wasm call "$2" "$3" "$4" \
        2>"$out/err" >/dev/null || { cat "$out/err" >&2; exit 1; }
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/err"
}

for wippy in "$1" ${4:+"$4"}; do
    for f in run8 run16; do
        zero=$(instructions "$wippy" "$2" "$f" 0)
        many=$(instructions "$wippy" "$2" "$f" "$n")
        echo "$wippy: $f: $(( (many - zero) / n )) instructions a call ($n calls)"
    done
done
