#!/bin/sh
# check_symbols.sh — every global symbol the library defines carries the
# prefix of the folder its object file comes from, so a C program that
# embeds libwippy.a can have its own `push` or `emit_op` and still link.
#
#   usage: tools/check_symbols.sh OBJ_DIR
#
# OBJ_DIR is the build's object folder (build/obj): the library's objects
# keep their source paths there (build/obj/host/lua/values.o), which is
# how each symbol's folder is known. Object files of tests, the spec
# runner and the CLI's main() are not part of the library and are skipped.
# Prints each offending symbol as `FILE: SYMBOL (expected PREFIX)` and a
# count line; exits 1 if there is any.
set -eu

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 OBJ_DIR" >&2
    exit 2
fi
obj=$1

# The one table: a folder (the longest match wins) and the prefixes its
# global symbols may carry.
prefixes_of() {
    case $1 in
        host/cli/*)  echo "wippy_" ;;
        host/*)      echo "host_" ;;
        vm/*)        echo "vm_" ;;
        wasi/*)      echo "wasi_" ;;
        config/*)    echo "cfg_" ;;
        sys/*)       echo "sys_" ;;
        sha256/*)    echo "sha256_" ;;
        component/*) echo "cm_" ;;
        *)           echo "" ;;
    esac
}

bad=0
total=0
for o in $(cd "$obj" && find host vm wasi config sys sha256 component -name '*.o' 2>/dev/null | sort); do
    [ "$o" = host/cli/main.o ] && continue
    # Only objects whose source still exists (a renamed file leaves its old
    # object behind in an incremental build).
    [ -f "${o%.o}.c" ] || continue
    want=$(prefixes_of "$o")
    for sym in $(nm -g --defined-only "$obj/$o" | awk 'NF == 3 { print $3 }'); do
        # AddressSanitizer's one-definition-rule markers (SANITIZE=1) name
        # the symbol they guard, not one of ours.
        case $sym in __odr_asan.*) continue ;; esac
        total=$((total + 1))
        ok=0
        for p in $want; do
            case $sym in "$p"*) ok=1 ;; esac
        done
        if [ $ok = 0 ]; then
            echo "$o: $sym (expected $want)"
            bad=$((bad + 1))
        fi
    done
done
echo "symbols: $total global, $bad without their folder's prefix"
[ $bad = 0 ]
