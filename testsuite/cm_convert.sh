#!/bin/sh
# cm_convert.sh — converts the Component Model .wast scripts into JSON
# commands and binary modules with testsuite/cm_wast2json.mjs (what spec.sh
# does with wast2json for the core), then prints what became of them. It runs
# nothing: there is no component runner yet.
#
#   testsuite/cm_convert.sh OUT_DIR CM_DIR
#
# The suites, each converted into OUT_DIR/SUITE/:
#
#   suite     .wast files                   component indices
#   spec      CM_DIR/spec/**/*.wast          strict (WAST_STRICT_COMPONENT_INDICES=1, as its README runs them)
#   wasmtime  CM_DIR/wasmtime/**/*.wast      legacy syntax accepted (=0: some of its scripts use it)
#
# A script under a folder named async/ is skipped: those are WASI 0.3
# (async, streams, futures), not started yet. Every other DIR/PATH/NAME.wast
# becomes OUT_DIR/SUITE/PATH/NAME/NAME.json plus its NAME.N.wasm / NAME.N.wat
# files, converted again only when the .wast (or the converter) is newer than
# the .json. All the scripts of a run go to one node process.
#
# Output: per suite the converter's line for each script converted now, the
# counts (converted now, up to date, skipped), then the summary of every
# .json of the suite (cm_wast2json.mjs --summary): per folder the scripts,
# the module forms written as binaries or kept as text, the commands by type,
# and every form or command that was not converted, with the reason.
# The exit status is 2 when node, jco or a folder is missing or the converter
# fails; a form the converter cannot convert is not an error here (it is an
# "unsupported" command in the .json, for the runner to count).
#
# `make cm-convert` runs `npm ci` first when node_modules is missing, then
#   testsuite/cm_convert.sh $(BUILD)/cm-spec $(CM_DIR)
# with CM_DIR defaulting to ../shared/testsuite/component-model.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 OUT_DIR CM_DIR" >&2
    exit 2
fi
out_dir=$1
cm_dir=$2
here=$(dirname "$0")
converter="$here/cm_wast2json.mjs"

if ! command -v node >/dev/null 2>&1; then
    echo "cm_convert.sh: node not found (Debian packages nodejs and npm; make setup installs them)" >&2
    exit 2
fi
if [ ! -d "$here/../node_modules/@bytecodealliance/jco" ]; then
    echo "cm_convert.sh: jco is not installed: run 'npm ci' in the repository root (make cm-convert does)" >&2
    exit 2
fi

# convert_suite SUITE DIR STRICT: converts every stale script of DIR.
convert_suite() {
    suite=$1
    dir=$2
    strict=$3
    if [ ! -d "$dir" ]; then
        echo "cm_convert.sh: no folder $dir" >&2
        exit 2
    fi
    echo "== $suite ($dir) =="
    converted=0 fresh=0 skipped=0
    # The node command line is built in the positional parameters:
    # IN.wast -o OUT.json for each stale script.
    set --
    for wast in $(cd "$dir" && find . -name '*.wast' | sed 's|^\./||' | LC_ALL=C sort); do
        case "/$wast" in
        */async/*)
            skipped=$((skipped + 1))
            continue ;;
        esac
        name=${wast%.wast}
        json="$out_dir/$suite/$name/$(basename "$name").json"
        if [ -f "$json" ] && [ -z "$(find "$dir/$wast" "$converter" -newer "$json")" ]; then
            fresh=$((fresh + 1))
            continue
        fi
        rm -rf "${out_dir:?}/$suite/${name:?}"
        mkdir -p "$out_dir/$suite/$name" || exit 2
        set -- "$@" "$dir/$wast" -o "$json"
        converted=$((converted + 1))
    done
    if [ $# -gt 0 ]; then
        WAST_STRICT_COMPONENT_INDICES=$strict node "$converter" "$@" || {
            echo "cm_convert.sh: the converter failed on $suite" >&2
            exit 2
        }
    fi
    echo "$suite: $converted converted now, $fresh up to date, $skipped skipped (async/: WASI 0.3)"
    node "$converter" --summary "$out_dir/$suite" || exit 2
}

convert_suite spec "$cm_dir/spec" 1
convert_suite wasmtime "$cm_dir/wasmtime" 0
exit 0
