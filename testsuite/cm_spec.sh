#!/bin/sh
# cm_spec.sh — the Component Model scripts, converted and run: what spec.sh
# is for the core testsuite.
#
#   testsuite/cm_spec.sh RUNNER OUT_DIR CM_DIR
#
# Converts CM_DIR/spec/ and CM_DIR/wasmtime/ with testsuite/cm_convert.sh
# into OUT_DIR (only the scripts newer than their .json; its report goes to
# OUT_DIR/convert.log, printed when it fails), then runs RUNNER (cm-runner)
# over every converted script. The scripts are listed from the .wast names,
# so one that did not convert is still named (and counted as a failure).
# Scripts under async/ folders are not converted (WASI 0.3 async, streams
# and futures are not in this runtime): they are counted in the runner's
# table of skips as scripts.
#
# Output: the runner's, ending with
#   component-model P passed, F failed, S skipped
# The exit status is non-zero when anything failed.
#
# `make spec` and `make check` run
#   testsuite/cm_spec.sh $(BUILD)/cm-runner $(BUILD)/cm-spec $(CM_DIR)
# CM_RUNNER_FLAGS=-v in the environment prints every failure and skip.
set -u

if [ $# -ne 3 ]; then
    echo "usage: $0 RUNNER OUT_DIR CM_DIR" >&2
    exit 2
fi
runner=$1
out_dir=$2
cm_dir=$3
here=$(dirname "$0")

if [ ! -x "$runner" ]; then
    echo "cm_spec.sh: $runner is not an executable" >&2
    exit 2
fi
mkdir -p "$out_dir" || exit 2
if ! "$here/cm_convert.sh" "$out_dir" "$cm_dir" >"$out_dir/convert.log" 2>&1; then
    cat "$out_dir/convert.log" >&2
    echo "cm_spec.sh: converting the scripts failed" >&2
    exit 2
fi

# The .json of every script, and the count of async/ scripts.
set --
async=0
for suite in spec wasmtime; do
    for wast in $(cd "$cm_dir/$suite" && find . -name '*.wast' | sed 's|^\./||' | LC_ALL=C sort); do
        case "/$wast" in
        */async/*)
            async=$((async + 1))
            continue ;;
        esac
        name=${wast%.wast}
        set -- "$@" "$out_dir/$suite/$name/$(basename "$name").json"
    done
done

# shellcheck disable=SC2086 # CM_RUNNER_FLAGS is a list of words
"$runner" ${CM_RUNNER_FLAGS:-} --root "$out_dir" \
    --skipped-scripts "$async" "async/ folders not converted (WASI 0.3: component-model-async not in this runtime)" \
    "$@"
