/* spec_runner.c — main() of spec-runner, the WebAssembly spec testsuite
 * runner over wast2json output:
 *
 *   spec-runner [-v] [--features LIST] [--suite NAME] FILE.json [FILE2.json ...]
 *
 * Runs each file's commands (spec_script.c) and prints one line per file,
 *   NAME passed/total (skipped N)
 * where total leaves the skipped commands out; with -v also every failure
 * as "FILE.json:LINE: command: expected ..., got ..." and notes where our
 * error message differs from the script's.
 *
 * Modules are loaded with the features LIST names, comma-separated:
 * tail-call, extended-const, multi-memory, or all; without --features,
 * none (Wasm 2.0 core, what the core tests assert). A proposal's folder is
 * run with that proposal's feature alone.
 *
 * Then the totals: with --suite NAME one line,
 *   NAME: P passed, F failed, S skipped
 * (testsuite/spec.sh adds the lines of several suites up); without it
 *   spec: P passed, F failed, S skipped
 *   P passed, F failed
 * (the last line alone, for CI). Exit status 0 when nothing failed, 1
 * otherwise, 2 on bad usage. */
#include <stdio.h>
#include <string.h>

#include "testsuite/spec.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: spec-runner [-v] [--features LIST] [--suite NAME] FILE.json [FILE2.json ...]\n"
                 "  runs wast2json scripts of the WebAssembly spec testsuite\n"
                 "  -v               print every failure and every message difference\n"
                 "  --features LIST  load modules with these proposals, comma-separated:\n"
                 "                   tail-call, extended-const, multi-memory, all\n"
                 "                   (default: none, the Wasm 2.0 core)\n"
                 "  --suite NAME     print the totals as one line \"NAME: P passed, F failed, S skipped\"\n");
}

/* The feature bit of a proposal's name, or 0 when there is none. */
static unsigned feature_by_name(const char *name, size_t len)
{
    static const struct {
        const char *name;
        unsigned bit;
    } features[] = {
        { "tail-call", VM_FEATURE_TAIL_CALL },
        { "extended-const", VM_FEATURE_EXTENDED_CONST },
        { "multi-memory", VM_FEATURE_MULTI_MEMORY },
        { "all", VM_FEATURES_ALL },
    };
    for (size_t i = 0; i < sizeof features / sizeof features[0]; i++)
        if (strlen(features[i].name) == len && strncmp(features[i].name, name, len) == 0)
            return features[i].bit;
    return 0;
}

/* "tail-call,multi-memory" → their bits; false on an unknown name. */
static bool parse_features(const char *list, unsigned *out)
{
    *out = 0;
    for (const char *p = list;;) {
        size_t len = strcspn(p, ",");
        unsigned bit = feature_by_name(p, len);
        if (bit == 0) {
            fprintf(stderr, "spec-runner: unknown feature \"%.*s\"\n", (int)len, p);
            return false;
        }
        *out |= bit;
        if (p[len] == '\0')
            return true;
        p += len + 1;
    }
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
    unsigned features = 0;
    const char *suite = NULL;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        const char *opt = argv[first];
        bool has_arg = first + 1 < argc;
        if (strcmp(opt, "-v") == 0) {
            verbose = true;
        } else if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(opt, "--features") == 0 && has_arg) {
            if (!parse_features(argv[++first], &features))
                return 2;
        } else if (strcmp(opt, "--suite") == 0 && has_arg) {
            suite = argv[++first];
        } else if (strcmp(opt, "--") == 0) {
            first++;
            break;
        } else {
            fprintf(stderr, "spec-runner: unknown option or missing argument: %s\n", opt);
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
        spec_script_run(argv[i], verbose, features, &counts);
        file_name(argv[i], name, sizeof name);
        printf("%s %lu/%lu (skipped %lu)\n", name, counts.passed, counts.passed + counts.failed,
               counts.skipped);
        fflush(stdout);
        total.passed += counts.passed;
        total.failed += counts.failed;
        total.skipped += counts.skipped;
    }
    printf("%s: %lu passed, %lu failed, %lu skipped\n", suite ? suite : "spec", total.passed,
           total.failed, total.skipped);
    if (suite == NULL)
        printf("%lu passed, %lu failed\n", total.passed, total.failed);
    return total.failed == 0 ? 0 : 1;
}
