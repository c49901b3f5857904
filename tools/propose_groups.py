#!/usr/bin/env python3
"""propose_groups.py — proposes the groups of vm/groups.h (VM_PAIRS,
VM_TRIPLES, VM_QUADS) from the translated code of benchmark programs.

    python3 tools/propose_groups.py WIPPY BENCH_WASM_DIR [--static]
        [--pairs N] [--triples N] [--quads N] [--current vm/groups.h]

WIPPY is a profile build (make groups-profile builds one: PROFILE=1,
vm/profile.c), which counts every instruction it runs and translates no
groups. The tool runs `WIPPY wasm run` on every .wasm in BENCH_WASM_DIR
(with its default size) and reads the dump with the counts that the
build writes to $WIPPY_PROFILE; it then looks at the runs of adjacent
instructions that could be one group: no label between them (no branch
targets the second and later ones), all of them instructions that run
straight through (they have a body in vm/interp_bodies.h: see
may_join()), and only the last one a branch. A run counts as often as
its first instruction ran. With --static, WIPPY may be any build: the
tool reads `WIPPY wasm dump` instead and estimates the count as 10 to
the power of how many loops (ranges from a branch target back up to the
branch) hold the run. Each program's counts are scaled to sum to 1, so
that every program weighs the same; then the best runs are kept:
  pairs    the --pairs best runs of two;
  triples  the --triples best runs of three that extend a kept pair;
  quads    the --quads best runs of four that extend a kept triple or
           are two kept pairs in a row (the translator builds them so).
Pairs with the same first instruction are printed together, as the
translator needs them. The lists go to standard output in vm/groups.h's
format; a summary, and how many of the --current file's entries the
proposal has too, goes to standard error. `make groups-profile` runs it.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

# Instructions without a body in interp_bodies.h: they have handlers of
# their own (calls, tables, globals, memory management, traps other than
# a memory access, another memory than 0) or run in the v128 interpreter.
OWN_HANDLERS = {
    "UNREACHABLE", "BR_TABLE", "CALL", "CALL_INDIRECT", "RETURN", "RETURN_CALL",
    "RETURN_CALL_INDIRECT", "GLOBAL_GET", "GLOBAL_SET", "MEMORY_SIZE", "MEMORY_GROW",
    "REF_FUNC", "REF_IS_NULL", "TABLE_GET", "TABLE_SET", "TABLE_SIZE", "TABLE_GROW",
    "TABLE_FILL", "TABLE_COPY", "TABLE_INIT", "ELEM_DROP", "MEMORY_INIT", "DATA_DROP",
    "MEMORY_COPY", "MEMORY_FILL",
}
TRAPPING = re.compile(r"_(DIV|REM)_[SU](_A)?(_IMM)?$|_TRUNC_F(32|64)_[SU]$")
V128 = re.compile(r"V128|[IF](8|16|32|64)X\d")
BRANCH = re.compile(r"^(BR|BR_BACK|BR_IF|BR_IF_BACK|BR_UNLESS|BR_IF_.*|LOOP_.*)$")
LINE = re.compile(r"^\s+(\d+)\s+([A-Z0-9_]+)(\+*)(.*?)(?:  ; ran (\d+))?$")


def may_join(name):
    """Does the instruction run straight through (may it be in a group)?"""
    return (name not in OWN_HANDLERS and not name.endswith("_MEM") and not TRAPPING.search(name)
            and not V128.search(name))


def dump_of(wippy, path, static):
    """The dump of a program: as translated (static), or with the counts
    of a profile build's run."""
    if static:
        return subprocess.run([wippy, "wasm", "dump", path], capture_output=True, text=True, check=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        profile = os.path.join(tmp, "profile.txt")
        env = dict(os.environ, WIPPY_PROFILE=profile)
        subprocess.run([wippy, "wasm", "run", path], env=env, stdout=subprocess.DEVNULL, check=True)
        if not os.path.exists(profile):
            sys.exit("propose_groups: %s wrote no profile: not a profile build (make groups-profile)" % wippy)
        return open(profile).read()


def functions(text):
    """The functions of a dump: lists of (pc, name, targets, count); count
    is None in a dump without counts."""
    funcs, current = [], None
    for line in text.splitlines():
        if line.startswith("func "):
            current = []
            funcs.append(current)
            continue
        m = LINE.match(line)
        if m and current is not None:
            targets = [int(t) for t in re.findall(r"@(\d+)", m.group(4))]
            count = int(m.group(5)) if m.group(5) is not None else None
            current.append((int(m.group(1)), m.group(2), targets, count))
    return funcs


def runs_of(func):
    """Each run of 2 to 4 instructions that may be a group, with its weight."""
    labels = {t for _, _, targets, _ in func for t in targets}
    loops = [(t, pc) for pc, _, targets, _ in func for t in targets if t <= pc]
    weight = [count if count is not None else 10 ** sum(1 for start, end in loops if start <= pc <= end)
              for pc, _, _, count in func]
    for i in range(len(func)):
        for n in (2, 3, 4):
            run = func[i:i + n]
            if len(run) < n:
                break
            names = tuple(name for _, name, _, _ in run)
            if not all(may_join(x) for x in names) or any(BRANCH.match(x) for x in names[:-1]):
                break
            if any(pc in labels for pc, _, _, _ in run[1:]):
                break
            yield names, weight[i]


def current_groups(path):
    """The lists of an existing groups.h: {list name: entries as tuples}."""
    if not path or not os.path.exists(path):
        return {}
    text = open(path).read()
    lists = {}
    for name in ("VM_PAIRS", "VM_TRIPLES", "VM_QUADS"):
        m = re.search(r"#define %s\(X\)((?:.*\\\n)*.*)" % name, text)
        body = m.group(1) if m else ""
        lists[name] = [tuple(x.strip() for x in e.split(",")) for e in re.findall(r"X\(([A-Z0-9_, ]+)\)", body)]
    return lists


def x_list(name, entries, per_line):
    lines = []
    for i in range(0, len(entries), per_line):
        lines.append("    " + " ".join("X(%s)" % ", ".join(e) for e in entries[i:i + per_line]))
    return "#define %s(X) \\\n%s\n" % (name, " \\\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("wippy")
    ap.add_argument("bench_dir")
    ap.add_argument("--static", action="store_true", help="estimate counts from loop depth (any build)")
    ap.add_argument("--pairs", type=int, help="how many pairs (default: as many as --current has)")
    ap.add_argument("--triples", type=int)
    ap.add_argument("--quads", type=int)
    ap.add_argument("--current", default=os.path.join(os.path.dirname(__file__), "..", "vm", "groups.h"))
    args = ap.parse_args()
    now = current_groups(args.current)
    args.pairs = args.pairs if args.pairs is not None else len(now.get("VM_PAIRS", [])) or 60
    args.triples = args.triples if args.triples is not None else len(now.get("VM_TRIPLES", [])) or 25
    args.quads = args.quads if args.quads is not None else len(now.get("VM_QUADS", [])) or 27

    programs = sorted(f for f in os.listdir(args.bench_dir) if f.endswith(".wasm"))
    score = collections.Counter()
    for program in programs:
        counts = collections.Counter()
        for func in functions(dump_of(args.wippy, os.path.join(args.bench_dir, program), args.static)):
            for names, w in runs_of(func):
                counts[names] += w
        total = sum(counts.values()) or 1
        for names, c in counts.items():
            score[names] += c / total

    best = sorted(score, key=lambda k: (-score[k], k))
    pairs = [k for k in best if len(k) == 2][:args.pairs]
    kept = set(pairs)
    triples = [k for k in best if len(k) == 3 and k[:2] in kept][:args.triples]
    kept |= set(triples)
    quads = [k for k in best if len(k) == 4 and (k[:3] in kept or (k[:2] in kept and k[2:] in kept))]
    quads = quads[:args.quads]
    # Pairs with the same first together, in the order of each first's best pair.
    order = {}
    for p in pairs:
        order.setdefault(p[0], len(order))
    pairs.sort(key=lambda p: order[p[0]])

    print("/* Proposed by tools/propose_groups.py%s from %s (%s). */" %
          (" --static" if args.static else "", args.bench_dir, ", ".join(programs)))
    print(x_list("VM_PAIRS", pairs, 3))
    print(x_list("VM_TRIPLES", triples, 2))
    print(x_list("VM_QUADS", quads, 1))

    for name, proposed in (("VM_PAIRS", pairs), ("VM_TRIPLES", triples), ("VM_QUADS", quads)):
        mine = set(now.get(name, []))
        print("%s: %d proposed, %d in %s, %d in both" %
              (name, len(proposed), len(mine), os.path.normpath(args.current), len(mine & set(proposed))),
              file=sys.stderr)


if __name__ == "__main__":
    main()
