#!/bin/bash
# wasi_runner.sh — runs the WASI preview 1 testsuite (wasi-testsuite's
# prebuilt programs) with `wippy wasm run`, by the upstream runner's rules
# (see ../shared/testsuite/wasi/README.md):
#
#   * every *.wasm directly in a suite folder is a test; NAME.json beside it
#     is its spec (missing = defaults): args after the program, exactly the
#     env given (nothing inherited), root preopened as "/", exit_code (0),
#     stdout/stderr as prefixes of the real output;
#   * **/*.cleanup under root is removed before and after each test;
#   * stdin is an empty pipe, and a test gets 5 seconds (WASI_TIMEOUT
#     seconds when set: `make cross-wasi` under qemu-user gives 60).
#
# The suite is copied to SCRATCH first (cp -a), so the shared tree is never
# written. Prints one line per test, a summary per suite, then
# "N passed, M failed" alone on the last line; exits 1 when any failed.
#
# With --components CDIR EXPECTED, each test runs as the component build of
# its program instead (CDIR/SUITE/NAME.component.wasm, made by
# tools/p1_adapt.mjs), by the same rules: same spec, root, env, args, exit
# code, output prefixes and cleanup. The last line is then "wasi testsuite
# as components: N passed, M failed". EXPECTED lists the failures known and
# explained, one "SUITE/NAME  cause" a line (# starts a comment): the run
# fails on a failure not listed and on a listed test that passes.
#
# usage: testsuite/wasi_runner.sh [--components CDIR EXPECTED] WIPPY WASI_DIR SCRATCH
set -u

components=""
expected_file=""
if [ "${1-}" = --components ] && [ $# -ge 3 ]; then
    components=$(realpath "$2") || exit 2
    expected_file=$3
    shift 3
    [ -f "$expected_file" ] || { echo "wasi_runner: no expected-failure list $expected_file" >&2; exit 2; }
fi
if [ $# -ne 3 ]; then
    echo "usage: $0 [--components CDIR EXPECTED] WIPPY WASI_DIR SCRATCH" >&2
    exit 2
fi
wippy=$(realpath "$1") || exit 2
wasi_dir=$2
scratch=$3
timeout_s=${WASI_TIMEOUT:-5}
case $timeout_s in ''|*[!0-9]*|0) echo "wasi_runner: WASI_TIMEOUT must be a whole number of seconds" >&2; exit 2 ;; esac
command -v jq >/dev/null || { echo "wasi_runner: needs jq (make setup)" >&2; exit 2; }
[ -x "$wippy" ] || { echo "wasi_runner: $1 is not executable" >&2; exit 2; }
[ -d "$wasi_dir" ] || { echo "wasi_runner: no testsuite at $wasi_dir" >&2; exit 2; }
# The expected failures: test name -> 1.
declare -A expected=()
if [ -n "$expected_file" ]; then
    while read -r t _; do
        case $t in ''|'#'*) continue ;; esac
        expected[$t]=1
    done <"$expected_file"
fi

rm -rf "$scratch"
mkdir -p "$scratch/.runner" || exit 2
cp -a "$wasi_dir"/. "$scratch"/ || exit 2
scratch=$(realpath "$scratch")
work=$scratch/.runner   # the outputs of the test being run

# Removes every *.cleanup file, directory or symlink (never following one)
# below a directory.
cleanup() {
    find "$1" -name '*.cleanup' -prune -exec rm -rf {} +
}

# run_test FILE.wasm: runs one test; prints nothing, sets $reason ("" = ok).
run_test() {
    local wasm=$1 json=${1%.wasm}.json
    local -a args=() env=() cmd=()
    local root="" expect_exit=0 status start elapsed
    reason=""
    rm -f "$work"/*
    if [ -f "$json" ]; then
        if ! jq -e 'type == "object" and (has("operations") | not)' "$json" >/dev/null; then
            reason="unsupported spec format in $(basename "$json")"
            return
        fi
        # Strings may hold anything but NUL: read them NUL-separated.
        while IFS= read -r -d '' a; do args+=("$a"); done \
            < <(jq -j '(.args // [])[] | (., "\u0000")' "$json")
        while IFS= read -r -d '' e; do env+=("$e"); done \
            < <(jq -j '(.env // {}) | to_entries[] | ("\(.key)=\(.value)", "\u0000")' "$json")
        root=$(jq -r '.root // empty' "$json")
        expect_exit=$(jq -r '.exit_code // 0' "$json")
        jq -e 'has("stdout")' "$json" >/dev/null && jq -j '.stdout' "$json" >"$work/expect-stdout"
        jq -e 'has("stderr")' "$json" >/dev/null && jq -j '.stderr' "$json" >"$work/expect-stderr"
    fi
    cmd=("$wippy" wasm run)
    if [ -n "$root" ]; then
        root=$(dirname "$wasm")/$root
        cleanup "$root"
        cmd+=(--dir "$root::/")
    fi
    for e in ${env[@]+"${env[@]}"}; do cmd+=(--env "$e"); done
    local program=$wasm
    if [ -n "$components" ]; then
        program=$components/$(basename "$(dirname "$wasm")")/$(basename "$wasm" .wasm).component.wasm
        if [ ! -f "$program" ]; then
            reason="no component build $program"
            return
        fi
    fi
    cmd+=("$program" ${args[@]+"${args[@]}"})

    # stdin, stdout and stderr are all pipes, as upstream's runner makes them
    # (polling a regular file is not the same thing); the exit status comes
    # back through a file because the braces run in a subshell.
    start=$(date +%s%N)
    {
        : | timeout "$timeout_s" "${cmd[@]}" 2>&1 >&3 3>&- | cat >"$work/stderr"
        echo "${PIPESTATUS[1]}" >"$work/status"
    } 3>&1 | cat >"$work/stdout"
    status=$(cat "$work/status")
    elapsed=$((($(date +%s%N) - start) / 1000000))
    [ -n "$root" ] && cleanup "$root"

    if [ "$status" -eq 124 ] && [ "$elapsed" -ge $((timeout_s * 1000)) ]; then
        reason="timed out after $timeout_s s"
        return
    fi
    for stream in stdout stderr; do
        local expect=$work/expect-$stream
        if [ -f "$expect" ] &&
            ! cmp -s -n "$(wc -c <"$expect")" "$expect" "$work/$stream"; then
            reason="$stream does not start with \"$(head -c 60 "$expect")\""
        fi
    done
    if [ "$status" -ne "$expect_exit" ]; then
        reason="exit $status, expected $expect_exit"
        local said
        said=$(grep -m1 . "$work/stderr" | cut -c1-100)
        [ -n "$said" ] && reason="$reason: $said"
    fi
    [ "$elapsed" -ge $((timeout_s * 1000 * 3 / 4)) ] && [ -z "$reason" ] &&
        slow+=("$(basename "$(dirname "$wasm")")/$(basename "$wasm" .wasm) (${elapsed} ms)")
    return 0
}

passed=0
failed=0
unexpected=()
summary=""
slow=()
for suite in "$scratch"/*/; do
    suite=${suite%/}
    name=$(basename "$suite")
    compgen -G "$suite/*.wasm" >/dev/null || continue
    suite_passed=0
    suite_total=0
    for wasm in "$suite"/*.wasm; do
        run_test "$wasm"
        suite_total=$((suite_total + 1))
        test=$name/$(basename "$wasm" .wasm)
        if [ -z "$reason" ]; then
            suite_passed=$((suite_passed + 1))
            if [ -n "${expected[$test]+x}" ]; then
                echo "$test: ok (UNEXPECTED: listed as an expected failure in $expected_file)"
                unexpected+=("$test passed")
            else
                echo "$test: ok"
            fi
        elif [ -n "${expected[$test]+x}" ]; then
            echo "$test: FAIL, expected ($reason)"
        else
            echo "$test: FAIL ($reason)"
            unexpected+=("$test failed")
        fi
    done
    passed=$((passed + suite_passed))
    failed=$((failed + suite_total - suite_passed))
    summary="$summary${summary:+, }$name $suite_passed/$suite_total"
done
rm -rf "$work"

for s in ${slow[@]+"${slow[@]}"}; do
    echo "note: close to the ${timeout_s} s limit: $s"
done
if [ -z "$components" ]; then
    echo "wasi testsuite: $summary"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
fi
for t in "${!expected[@]}"; do
    [ -f "$scratch/$t.wasm" ] || unexpected+=("$t is listed in $expected_file but is no test")
done
echo "wasi testsuite as components, by suite: $summary"
echo "unexpected: ${#unexpected[@]}${unexpected[*]+ (}$(IFS=';'; echo "${unexpected[*]-}" | sed 's/;/; /g')${unexpected[*]+)}"
echo "wasi testsuite as components: $passed passed, $failed failed"
[ "${#unexpected[@]}" -eq 0 ]
