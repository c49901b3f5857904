/* cm_runner.c — main() of cm-runner, the Component Model script runner
 * over cm_wast2json.mjs's output (testsuite/cm_convert.sh writes it as
 * ROOT/SUITE/PATH/NAME/NAME.json):
 *
 *   cm-runner [-v] [--root ROOT] [--skipped-scripts N REASON]... FILE.json...
 *
 * Runs each file's commands (cm_script.c) and prints, as spec-runner does,
 * one line per file,
 *   PATH/NAME passed/total (skipped N)
 * (total leaves the skipped commands out) under a "== SUITE ==" heading
 * whenever the suite changes; -v also prints every failure and every skip
 * with its reason. Files are named by their path under ROOT: its first
 * folder is the suite, the next one (when the script is not at the suite's
 * top) the folder the totals are grouped by.
 *
 * Then the totals per folder and per suite ("component-model/SUITE: P
 * passed, F failed, S skipped"), the table of skip reasons with their counts, and last
 *   component-model P passed, F failed, S skipped
 * --skipped-scripts adds a row of whole scripts left unconverted (counted
 * in scripts, not commands, so outside the totals) to the table.
 * Exit status 0 when nothing failed, 1 otherwise, 2 on bad usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testsuite/cm_runner.h"

/* ---- the table of skip reasons ------------------------------------------ */

typedef struct {
    char *reason;
    unsigned long count;
} reason_row;

static reason_row *reasons;
static size_t nreasons, reasons_cap;

void skip_reason_count(const char *reason)
{
    for (size_t i = 0; i < nreasons; i++)
        if (strcmp(reasons[i].reason, reason) == 0) {
            reasons[i].count++;
            return;
        }
    if (nreasons == reasons_cap) {
        size_t cap = reasons_cap ? 2 * reasons_cap : 16;
        reason_row *grown = realloc(reasons, cap * sizeof *grown);
        if (grown == NULL)
            return;   /* the count is still in the totals; only the row is lost */
        reasons = grown;
        reasons_cap = cap;
    }
    char *copy = strdup(reason);
    if (copy == NULL)
        return;
    reasons[nreasons++] = (reason_row){ copy, 1 };
}

static int by_count_desc(const void *a, const void *b)
{
    const reason_row *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->reason, y->reason);
}

/* ---- groups of totals (folders, suites) ---------------------------------- */

typedef struct {
    char name[256];
    run_counts counts;
} group;

typedef struct {
    group *items;
    size_t n, cap;
} group_list;

/* Adds counts to the group named `name` (made when new). */
static void group_add(group_list *l, const char *name, const run_counts *c)
{
    group *g = NULL;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            g = &l->items[i];
    if (g == NULL) {
        if (l->n == l->cap) {
            size_t cap = l->cap ? 2 * l->cap : 16;
            group *grown = realloc(l->items, cap * sizeof *grown);
            if (grown == NULL)
                return;
            l->items = grown;
            l->cap = cap;
        }
        g = &l->items[l->n++];
        memset(g, 0, sizeof *g);
        snprintf(g->name, sizeof g->name, "%s", name);
    }
    g->counts.passed += c->passed;
    g->counts.failed += c->failed;
    g->counts.skipped += c->skipped;
}

static void print_counts(const char *name, const run_counts *c)
{
    printf("%s: %lu passed, %lu failed, %lu skipped\n", name, c->passed, c->failed, c->skipped);
}

/* ---- names from paths ---------------------------------------------------- */

/* Splits ROOT/SUITE/PATH/NAME/NAME.json into the suite ("spec"), the folder
 * ("spec/validation", or "spec" for a script at the suite's top) and the
 * name ("validation/attributes"). A path outside ROOT is its own suite. */
static void split_path(const char *path, const char *root, char *suite, char *folder,
                       char *name, size_t size)
{
    size_t rootlen = root ? strlen(root) : 0;
    const char *rel = path;
    if (rootlen > 0 && strncmp(path, root, rootlen) == 0 && path[rootlen] == '/')
        rel = path + rootlen + 1;
    /* Drop "/NAME.json": the name is the folder the converter made. */
    const char *last = strrchr(rel, '/');
    size_t len = last ? (size_t)(last - rel) : strlen(rel);
    const char *first = memchr(rel, '/', len);
    if (first == NULL) {   /* not under a suite folder */
        snprintf(suite, size, "%s", "(none)");
        snprintf(folder, size, "%s", "(none)");
        snprintf(name, size, "%.*s", (int)len, rel);
        return;
    }
    snprintf(suite, size, "%.*s", (int)(first - rel), rel);
    const char *in_suite = first + 1;
    size_t rest = len - (size_t)(in_suite - rel);
    snprintf(name, size, "%.*s", (int)rest, in_suite);
    const char *second = memchr(in_suite, '/', rest);
    if (second == NULL)
        snprintf(folder, size, "%s", suite);
    else
        snprintf(folder, size, "%.*s", (int)(second - rel), rel);
}

/* ---- main ---------------------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: cm-runner [-v] [--root ROOT] [--skipped-scripts N REASON]... FILE.json...\n"
            "  runs Component Model scripts converted by testsuite/cm_wast2json.mjs\n"
            "  -v                          print every failure and every skip with its reason\n"
            "  --root ROOT                 name files by their path under ROOT (SUITE/PATH/NAME)\n"
            "  --skipped-scripts N REASON  list N unconverted scripts in the table of skips\n");
}

int main(int argc, char **argv)
{
    bool verbose = false;
    const char *root = NULL;
    struct {
        const char *count, *reason;
    } skipped_scripts[16];
    size_t nskipped_scripts = 0;

    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        const char *opt = argv[first];
        if (strcmp(opt, "-v") == 0) {
            verbose = true;
        } else if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(opt, "--root") == 0 && first + 1 < argc) {
            root = argv[++first];
        } else if (strcmp(opt, "--skipped-scripts") == 0 && first + 2 < argc &&
                   nskipped_scripts < sizeof skipped_scripts / sizeof skipped_scripts[0]) {
            skipped_scripts[nskipped_scripts].count = argv[++first];
            skipped_scripts[nskipped_scripts++].reason = argv[++first];
        } else if (strcmp(opt, "--") == 0) {
            first++;
            break;
        } else {
            fprintf(stderr, "cm-runner: unknown option or missing argument: %s\n", opt);
            usage(stderr);
            return 2;
        }
    }
    if (first == argc) {
        usage(stderr);
        return 2;
    }

    group_list folders = { 0 }, suites = { 0 };
    run_counts total = { 0, 0, 0 };
    char current_suite[256] = "";
    for (int i = first; i < argc; i++) {
        char suite[256], folder[256], name[256];
        split_path(argv[i], root, suite, folder, name, sizeof suite);
        if (strcmp(suite, current_suite) != 0) {
            printf("== %s ==\n", suite);
            snprintf(current_suite, sizeof current_suite, "%s", suite);
        }
        run_counts counts = { 0, 0, 0 };
        run_script(argv[i], verbose, &counts);
        printf("%s %lu/%lu (skipped %lu)\n", name, counts.passed, counts.passed + counts.failed,
               counts.skipped);
        fflush(stdout);
        group_add(&folders, folder, &counts);
        group_add(&suites, suite, &counts);
        total.passed += counts.passed;
        total.failed += counts.failed;
        total.skipped += counts.skipped;
    }

    printf("== folders ==\n");
    for (size_t i = 0; i < folders.n; i++)
        print_counts(folders.items[i].name, &folders.items[i].counts);
    printf("== suites ==\n");
    for (size_t i = 0; i < suites.n; i++) {   /* "component-model/spec": not spec.sh's "spec:" */
        char name[300];
        snprintf(name, sizeof name, "component-model/%s", suites.items[i].name);
        print_counts(name, &suites.items[i].counts);
    }

    printf("== skipped, by reason ==\n");
    qsort(reasons, nreasons, sizeof *reasons, by_count_desc);
    for (size_t i = 0; i < nreasons; i++)
        printf("%6lu  %s\n", reasons[i].count, reasons[i].reason);
    for (size_t i = 0; i < nskipped_scripts; i++)
        printf("%6s  scripts (not commands): %s\n", skipped_scripts[i].count,
               skipped_scripts[i].reason);

    printf("component-model %lu passed, %lu failed, %lu skipped\n", total.passed, total.failed,
           total.skipped);

    for (size_t i = 0; i < nreasons; i++)
        free(reasons[i].reason);
    free(reasons);
    free(folders.items);
    free(suites.items);
    cm_spectest_host_free();
    return total.failed == 0 ? 0 : 1;
}
