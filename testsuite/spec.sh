#!/bin/sh
# spec.sh — converts the WebAssembly spec testsuite's .wast scripts with
# wabt's wast2json and runs spec-runner over all of them.
#
#   testsuite/spec.sh RUNNER SPEC_DIR OUT_DIR [wast2json flags...]
#
# Every SPEC_DIR/NAME.wast becomes OUT_DIR/NAME/NAME.json (plus its
# NAME.N.wasm / NAME.N.wat files), converted again only when the .wast is
# newer than the .json. A file wast2json cannot convert leaves no .json and
# so counts as one failure in the runner. Then RUNNER runs every .json and
# prints one line per file ("NAME passed/total (skipped N)") and the totals;
# the exit status is non-zero when anything failed.
#
# `make spec` builds the runner and runs
#   testsuite/spec.sh $(BUILD)/spec-runner $(SPEC_DIR) $(BUILD)/spec
# SPEC_DIR defaults to the Wasm 2.0 core tests (../shared/testsuite/core,
# which need no wast2json flags); `make spec SPEC_DIR=/path/to/core` picks
# another copy. A proposal needs its flag and a folder of its own, e.g.
#   testsuite/spec.sh build/spec-runner .../proposals/tail-call build/spec-tail-call \
#       --enable-tail-call
# SPEC_RUNNER_FLAGS=-v in the environment prints every failure.
set -u

if [ $# -lt 3 ]; then
    echo "usage: $0 RUNNER SPEC_DIR OUT_DIR [wast2json flags...]" >&2
    exit 2
fi
runner=$1
spec_dir=$2
out_dir=$3
shift 3

if [ ! -x "$runner" ]; then
    echo "spec.sh: $runner is not an executable" >&2
    exit 2
fi
if ! command -v wast2json >/dev/null 2>&1; then
    echo "spec.sh: wast2json not found (Debian package wabt; make setup installs it)" >&2
    exit 2
fi
found=0
for wast in "$spec_dir"/*.wast; do
    [ -f "$wast" ] || continue
    found=1
    name=$(basename "$wast" .wast)
    json="$out_dir/$name/$name.json"
    if [ ! -f "$json" ] || [ -n "$(find "$wast" -newer "$json")" ]; then
        rm -rf "${out_dir:?}/${name:?}"
        mkdir -p "$out_dir/$name" || exit 2
        if ! wast2json "$@" "$wast" -o "$json" 2>"$out_dir/$name/wast2json.err"; then
            echo "spec.sh: wast2json failed on $wast:" >&2
            head -n 5 "$out_dir/$name/wast2json.err" >&2
            rm -f "$json"
        fi
    fi
done
if [ "$found" = 0 ]; then
    echo "spec.sh: no .wast files in $spec_dir" >&2
    exit 2
fi

# One runner for all files: it prints the per-file lines and the totals.
# The .json paths are listed again from the .wast names, so a file that did
# not convert is still named (and counted as a failure).
set --
for wast in "$spec_dir"/*.wast; do
    name=$(basename "$wast" .wast)
    set -- "$@" "$out_dir/$name/$name.json"
done
# shellcheck disable=SC2086 # SPEC_RUNNER_FLAGS is a list of words
exec "$runner" ${SPEC_RUNNER_FLAGS:-} "$@"
