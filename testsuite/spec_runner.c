/* spec_runner.c — main() of spec-runner, the WebAssembly spec testsuite
 * runner over wast2json output:
 *
 *   spec-runner [-v] FILE.json [FILE2.json ...]
 *
 * Runs each file's commands (spec_script.c) and prints one line per file,
 *   NAME passed/total (skipped N)
 * where total leaves the skipped commands out; with -v also every failure
 * as "FILE.json:LINE: command: expected ..., got ..." and notes where our
 * error message differs from the script's. Then the totals,
 *   spec: P passed, F failed, S skipped
 *   P passed, F failed
 * (the last line alone, for CI). Exit status 0 when nothing failed, 1
 * otherwise, 2 on bad usage. */
#include <stdio.h>
#include <string.h>

#include "testsuite/spec.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: spec-runner [-v] FILE.json [FILE2.json ...]\n"
                 "  runs wast2json scripts of the WebAssembly spec testsuite\n"
                 "  -v   print every failure and every message difference\n");
}

/* "dir/i32/i32.json" → "i32" (the name without folders and ".json"). */
static void file_name(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".json") == 0)
        len -= 5;
    snprintf(out, size, "%.*s", (int)len, base);
}

int main(int argc, char **argv)
{
    bool verbose = false;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "-v") == 0) {
            verbose = true;
        } else if (strcmp(argv[first], "-h") == 0 || strcmp(argv[first], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[first], "--") == 0) {
            first++;
            break;
        } else {
            fprintf(stderr, "spec-runner: unknown option %s\n", argv[first]);
            usage(stderr);
            return 2;
        }
    }
    if (first == argc) {
        usage(stderr);
        return 2;
    }

    spec_counts total = { 0, 0, 0 };
    for (int i = first; i < argc; i++) {
        spec_counts counts = { 0, 0, 0 };
        char name[256];
        spec_script_run(argv[i], verbose, &counts);
        file_name(argv[i], name, sizeof name);
        printf("%s %lu/%lu (skipped %lu)\n", name, counts.passed, counts.passed + counts.failed,
               counts.skipped);
        fflush(stdout);
        total.passed += counts.passed;
        total.failed += counts.failed;
        total.skipped += counts.skipped;
    }
    printf("spec: %lu passed, %lu failed, %lu skipped\n", total.passed, total.failed,
           total.skipped);
    printf("%lu passed, %lu failed\n", total.passed, total.failed);
    return total.failed == 0 ? 0 : 1;
}
