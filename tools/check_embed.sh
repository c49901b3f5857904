#!/bin/sh
# check_embed.sh — checks an installed wippy the way an embedder meets it:
# the exported symbols of each shared library are exactly the functions of
# its public headers; each installed header compiles on its own (only the
# installed include/ on the path); the examples/embed/ programs build with
# nothing but `pkg-config --cflags --libs` and print what their .expected
# files say.
#
#   usage: tools/check_embed.sh STAGE PREFIX GUEST_DIR OUT_DIR
#
# STAGE is the DESTDIR of a `make install PREFIX=PREFIX`; GUEST_DIR holds
# the examples' guests (math.wasm, ticker.wasm, cat_upper.wasm); OUT_DIR
# receives the example binaries and scratch files. CC is the compiler.
# Exits 1 on the first difference, naming it.
set -eu

if [ $# -ne 4 ]; then
    echo "usage: $0 STAGE PREFIX GUEST_DIR OUT_DIR" >&2
    exit 2
fi
stage=$1 prefix=$2 guests=$3 out=$4
cc=${CC:-cc}
here=$(cd "$(dirname "$0")/.." && pwd)
inc=$stage$prefix/include
lib=$stage$prefix/lib
mkdir -p "$out"

# 1. Exports: nm -D (defined, in the dynamic table) against the headers.
check_exports() {    # LIBNAME HEADER...
    name=$1; shift
    so=$lib/lib$name.so
    [ -f "$so" ] || { echo "check_embed: $so missing"; exit 1; }
    soname=$(objdump -p "$so" | awk '$1 == "SONAME" { print $2 }')
    case $soname in
        lib$name.so.[0-9]*) ;;
        *) echo "check_embed: $so: soname '$soname', expected lib$name.so.N"; exit 1 ;;
    esac
    (cd "$inc/wippy" && "$here/tools/public_api.py" list "$@") > "$out/$name.want"
    nm -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort -u > "$out/$name.have"
    if ! diff -u "$out/$name.want" "$out/$name.have" > "$out/$name.diff"; then
        echo "check_embed: lib$name.so exports differ from its public headers (- declared only, + exported only):"
        cat "$out/$name.diff"
        exit 1
    fi
    echo "check_embed: lib$name.so ($soname) exports $(wc -l < "$out/$name.have") functions, exactly its headers' ($*)"
}
check_exports wippy-vm vm.h
check_exports wippy-wasi vm.h wasi.h
check_exports wippy vm.h wasi.h value.h host.h config.h yaml_tree.h arena.h sha256.h

# 2. Each header alone, strictly, with only the installed tree to include from.
n=0
for h in "$inc"/wippy/*.h; do
    printf '#include <wippy/%s>\n' "$(basename "$h")" > "$out/one_header.c"
    $cc -std=c11 -Wall -Wextra -Werror -I"$inc" -fsyntax-only "$out/one_header.c" || { echo "check_embed: $h does not compile alone"; exit 1; }
    n=$((n + 1))
done
echo "check_embed: $n installed headers each compile alone"

# 3. The examples, built and run against the install.
export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage" PKG_CONFIG_LIBDIR="$lib/pkgconfig"
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
scratch=$out/scratch
rm -rf "$scratch" && mkdir -p "$scratch/data"
printf 'Hello, WASI\n' > "$scratch/data/in.txt"
for src in "$here"/examples/embed/*.c; do
    ex=$(basename "$src" .c)
    pkg=$(sed -n 's/^ \* pkg-config: \([a-z-]*\)$/\1/p' "$src")
    [ -n "$pkg" ] || continue      # a guest, not a host program
    # shellcheck disable=SC2046
    $cc -std=c11 -Wall -Wextra -Werror -O1 -o "$out/$ex" "$src" $(pkg-config --cflags --libs "$pkg")
    case $ex in
        run_function)   set -- "$guests/math.wasm" ;;
        suspend_resume) set -- "$guests/ticker.wasm" ;;
        wasi_command)   set -- "$guests/cat_upper.wasm" "$scratch/data" ;;
        spawn_exit)     set -- "$(cd "$guests" && pwd)" "$scratch/project" ;;
        *) echo "check_embed: no arguments known for $ex"; exit 1 ;;
    esac
    "$out/$ex" "$@" > "$out/$ex.out" 2>&1 || { echo "check_embed: $ex failed:"; cat "$out/$ex.out"; exit 1; }
    if ! diff -u "$here/examples/embed/$ex.expected" "$out/$ex.out"; then
        echo "check_embed: $ex printed something else (above)"
        exit 1
    fi
    # An engine-only or WASI embedder links neither libyaml nor Lua.
    if [ "$pkg" != wippy ] && ldd "$out/$ex" | grep -E 'libyaml|liblua'; then
        echo "check_embed: $ex ($pkg) links libyaml or Lua"
        exit 1
    fi
    echo "check_embed: $ex (pkg-config $pkg; links $(ldd "$out/$ex" | awk '/wippy|yaml|lua/ { printf "%s ", $1 }')): output as expected"
done
if [ "$(cat "$scratch/data/out.txt")" != "HELLO, WASI" ]; then
    echo "check_embed: wasi_command: the guest's /data/out.txt is '$(cat "$scratch/data/out.txt")'"
    exit 1
fi
