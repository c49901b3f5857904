#!/usr/bin/env python3
"""denan_v128.py — the v128 half of a module's NaN-free twin, for the
differential fuzzer (testsuite/fuzz_diff.sh, doc/fuzzing.md).

binaryen's `wasm-opt --denan` replaces a NaN made by a scalar float
expression by 0 but leaves v128 alone. This reads a module as binaryen
prints it (`wasm-opt --print`: one expression per line, a closing
parenthesis on its own line at the expression's indentation) and wraps
every f32x4/f64x2 instruction whose result lanes may be NaNs with open
bits (arithmetic, rounding, min/max, promote/demote) in a call of a
helper that sets its NaN lanes to 0:

    (v128.and x (f32x4.eq x x))      f32x4
    (v128.and x (f64x2.eq x x))      f64x2

Lane moves and bitwise operations are left as they are: they copy bits,
and the spec fixes them. Reads standard input, writes standard output.
"""
import re
import sys

WRAPPED = {
    "f32x4": ["add", "sub", "mul", "div", "sqrt", "min", "max", "ceil", "floor", "trunc",
              "nearest", "demote_f64x2_zero"],
    "f64x2": ["add", "sub", "mul", "div", "sqrt", "min", "max", "ceil", "floor", "trunc",
              "nearest", "promote_low_f32x4"],
}
HELPERS = {
    "f32x4": " (func $wippyDeNanF32x4 (param $0 v128) (result v128)\n"
             "  (v128.and\n   (local.get $0)\n   (f32x4.eq\n    (local.get $0)\n"
             "    (local.get $0)\n   )\n  )\n )\n",
    "f64x2": " (func $wippyDeNanF64x2 (param $0 v128) (result v128)\n"
             "  (v128.and\n   (local.get $0)\n   (f64x2.eq\n    (local.get $0)\n"
             "    (local.get $0)\n   )\n  )\n )\n",
}
OPENER = re.compile(r"^(\s*)\((f32x4|f64x2)\.(\w+)$")


def main():
    lines = sys.stdin.read().split("\n")
    out = []
    closers = []   # (indentation, shape) of the wrapped expressions still open
    for line in lines:
        m = OPENER.match(line)
        if m and m.group(3) in WRAPPED[m.group(2)]:
            indent, shape = m.group(1), m.group(2)
            helper = "$wippyDeNanF32x4" if shape == "f32x4" else "$wippyDeNanF64x2"
            out.append(f"{indent}(call {helper}")
            out.append(line)
            closers.append((indent, shape))
            continue
        out.append(line)
        if closers and line == closers[-1][0] + ")":
            out.append(closers[-1][0] + ")")
            closers.pop()
    if closers:
        sys.exit("denan_v128.py: unbalanced expression in the input")
    text = "\n".join(out).rstrip()
    if not text.endswith(")"):
        sys.exit("denan_v128.py: the input is not a module")
    sys.stdout.write(text[:-1] + HELPERS["f32x4"] + HELPERS["f64x2"] + ")\n")


if __name__ == "__main__":
    main()
