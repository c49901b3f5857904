/* fuzz_exec.h — the differential fuzzer's two halves (doc/fuzzing.md):
 * the runner (fuzz_exec.c) runs a module made by `wasm-opt -ttf` in this
 * engine and prints what binaryen's `--fuzz-exec` prints; the comparator
 * (fuzz_compare.c) decides whether binaryen's output and ours agree as the
 * WebAssembly spec allows. Both are linked into build/fuzz-exec. */
#ifndef WIPPY_TESTSUITE_FUZZ_EXEC_H
#define WIPPY_TESTSUITE_FUZZ_EXEC_H

#include <stdio.h>

/* What fuzz_compare() found. */
typedef enum {
    FUZZ_SAME = 0,        /* every line agrees */
    FUZZ_MISMATCH = 1,    /* a line differs: it is printed to `report` */
    FUZZ_SKIPPED = 3      /* binaryen's output cannot be compared (it hit a host limit,
                             which it ignores itself, or its two runs differ) */
} fuzz_verdict;

/* Compares binaryen's `wasm-opt --fuzz-exec -q` output (the file `theirs`:
 * the run printed twice, then "comparing" lines; the first copy is used)
 * with the runner's (`ours`). Writes the first difference, or why the
 * module was skipped, to `report`. A file that cannot be read is a
 * mismatch. */
fuzz_verdict fuzz_compare(const char *theirs, const char *ours, FILE *report);

#endif
