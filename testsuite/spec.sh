#!/bin/sh
# spec.sh — converts the WebAssembly spec testsuite's .wast scripts with
# wabt's wast2json and runs spec-runner over them: the Wasm 2.0 core
# folder, then each proposal folder with its own flags.
#
#   testsuite/spec.sh RUNNER OUT_DIR CORE_DIR [PROPOSALS_DIR]
#
# The suites, each converted into OUT_DIR/SUITE/ and run by one runner:
#
#   suite           .wast files                      wast2json flag           runner features
#   core            CORE_DIR/*.wast                  (none)                   (none: Wasm 2.0)
#   tail-call       PROPOSALS_DIR/tail-call/         --enable-tail-call       tail-call
#   extended-const  PROPOSALS_DIR/extended-const/    --enable-extended-const  extended-const
#   multi-memory    PROPOSALS_DIR/multi-memory/      --enable-multi-memory    multi-memory
#
# The proposals are left out when PROPOSALS_DIR is not given or empty.
# Every DIR/NAME.wast becomes OUT_DIR/SUITE/NAME/NAME.json (plus its
# NAME.N.wasm / NAME.N.wat files), converted again only when the .wast is
# newer than the .json. A file wast2json cannot convert leaves no .json and
# so counts as one failure in the runner.
#
# Output: per suite a heading, one line per file ("NAME passed/total
# (skipped N)") and the suite's totals ("SUITE: P passed, F failed, S
# skipped"); at the end every suite's totals again and the grand total,
#   spec: P passed, F failed, S skipped
#   P passed, F failed
# The exit status is non-zero when anything failed in any suite.
#
# `make spec` runs
#   testsuite/spec.sh $(BUILD)/spec-runner $(BUILD)/spec $(SPEC_DIR) $(PROPOSALS_DIR)
# SPEC_DIR defaults to ../shared/testsuite/core, PROPOSALS_DIR to
# ../shared/testsuite/proposals; `make spec PROPOSALS_DIR=` runs the core
# alone. SPEC_RUNNER_FLAGS=-v in the environment prints every failure.
set -u

if [ $# -lt 3 ] || [ $# -gt 4 ]; then
    echo "usage: $0 RUNNER OUT_DIR CORE_DIR [PROPOSALS_DIR]" >&2
    exit 2
fi
runner=$1
out_dir=$2
core_dir=$3
proposals_dir=${4:-}

if [ ! -x "$runner" ]; then
    echo "spec.sh: $runner is not an executable" >&2
    exit 2
fi
if ! command -v wast2json >/dev/null 2>&1; then
    echo "spec.sh: wast2json not found (Debian package wabt; make setup installs it)" >&2
    exit 2
fi

# Converts every SPEC_DIR/*.wast into SUITE_OUT with the given flags.
convert() {
    spec_dir=$1
    suite_out=$2
    shift 2
    for wast in "$spec_dir"/*.wast; do
        name=$(basename "$wast" .wast)
        json="$suite_out/$name/$name.json"
        if [ ! -f "$json" ] || [ -n "$(find "$wast" -newer "$json")" ]; then
            rm -rf "${suite_out:?}/${name:?}"
            mkdir -p "$suite_out/$name" || exit 2
            if ! wast2json "$@" "$wast" -o "$json" 2>"$suite_out/$name/wast2json.err"; then
                echo "spec.sh: wast2json failed on $wast:" >&2
                head -n 5 "$suite_out/$name/wast2json.err" >&2
                rm -f "$json"
            fi
        fi
    done
}

# The totals of every suite run so far, one "SUITE P F S" line each.
summary=""
failed_any=0

# run_suite SUITE SPEC_DIR FEATURES [wast2json flags...]
run_suite() {
    suite=$1
    spec_dir=$2
    features=$3
    shift 3
    if ! ls "$spec_dir"/*.wast >/dev/null 2>&1; then
        echo "spec.sh: no .wast files in $spec_dir" >&2
        exit 2
    fi
    suite_out="$out_dir/$suite"
    mkdir -p "$suite_out" || exit 2
    convert "$spec_dir" "$suite_out" "$@"

    # The .json paths are listed again from the .wast names, so a file that
    # did not convert is still named (and counted as a failure).
    set --
    for wast in "$spec_dir"/*.wast; do
        name=$(basename "$wast" .wast)
        set -- "$@" "$suite_out/$name/$name.json"
    done
    echo "== $suite ($spec_dir${features:+, features: $features}) =="
    log="$suite_out/runner.log"
    # shellcheck disable=SC2086 # SPEC_RUNNER_FLAGS is a list of words
    { "$runner" ${SPEC_RUNNER_FLAGS:-} ${features:+--features "$features"} --suite "$suite" "$@"
      echo $? >"$suite_out/runner.status"; } | tee "$log"
    status=$(cat "$suite_out/runner.status")
    totals=$(sed -n "s/^$suite: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped\$/\1 \2 \3/p" "$log")
    if [ -z "$totals" ]; then
        echo "spec.sh: the runner printed no totals for $suite (exit status $status)" >&2
        totals="0 1 0"
    fi
    if [ "$status" != 0 ]; then
        failed_any=1
    fi
    summary="$summary$suite $totals
"
}

run_suite core "$core_dir" ""
if [ -n "$proposals_dir" ]; then
    run_suite tail-call "$proposals_dir/tail-call" tail-call --enable-tail-call
    run_suite extended-const "$proposals_dir/extended-const" extended-const --enable-extended-const
    run_suite multi-memory "$proposals_dir/multi-memory" multi-memory --enable-multi-memory
fi

echo "== total =="
passed=0 failed=0 skipped=0
while read -r suite p f s; do
    [ -n "$suite" ] || continue
    printf '%-16s %s passed, %s failed, %s skipped\n' "$suite" "$p" "$f" "$s"
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
done <<EOF
$summary
EOF
echo "spec: $passed passed, $failed failed, $skipped skipped"
echo "$passed passed, $failed failed"
if [ "$failed" != 0 ] || [ "$failed_any" != 0 ]; then
    exit 1
fi
exit 0
