#!/usr/bin/env python3
"""public_api.py — the functions the public headers declare: what the
shared libraries export (their version script) and what
tools/check_exports.sh compares `nm -D` against.

  usage: tools/public_api.py list HEADER...      one function name a line
         tools/public_api.py map NAME HEADER...  a linker version script:
                                                 those names global, all else local

A declaration is a top-level statement (outside braces, comments and
preprocessor lines removed) that is not a typedef and has a parenthesis:
the name is the identifier before its first '('. Reads only the headers
given; touches nothing."""
import re
import sys


def functions(path):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"^\s*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)
    names, depth, stmt = [], 0, []
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                stmt = []   # the body of a struct/enum/union definition
            continue
        if depth:
            continue
        if ch == ";":
            s = " ".join("".join(stmt).split())
            stmt = []
            if s.startswith("typedef") or "(" not in s:
                continue
            m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(", s)
            if m:
                names.append(m.group(1))
        else:
            stmt.append(ch)
    return names


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("list", "map"):
        sys.stderr.write(__doc__)
        return 2
    if sys.argv[1] == "map":
        tag, headers = sys.argv[2], sys.argv[3:]
    else:
        tag, headers = None, sys.argv[2:]
    names = sorted({n for h in headers for n in functions(h)})
    if tag is None:
        print("\n".join(names))
    else:
        print(tag + " {\n  global:")
        for n in names:
            print("    %s;" % n)
        print("  local:\n    *;\n};")
    return 0


if __name__ == "__main__":
    sys.exit(main())
