/* fuzz_compare.c — the differential fuzzer's comparator (fuzz_exec.h,
 * doc/fuzzing.md): binaryen's `--fuzz-exec` output against the runner's,
 * line by line, equal as the WebAssembly spec lets two engines differ:
 *
 *   - a trap equals a trap, whatever the two texts say;
 *   - a float equals the same float however it is printed (binaryen's
 *     "18446744073709551615" is our "1.8446744073709552e+19": 2^64, its
 *     nearest double), -0 not 0; an integer must be printed the same;
 *   - any NaN equals any NaN (a float operation may return any arithmetic
 *     NaN: binaryen canonicalises where this engine keeps payloads), in
 *     scalars and in v128 lanes: a v128 is printed as four i32 lanes, and
 *     a lane pair differs only by NaNs when both sides read as f32 NaNs
 *     lane by lane, or as f64 NaNs pair by pair.
 *
 * Nothing else is forgiven. Reads the two files, writes only to `report`. */
#include "testsuite/fuzz_exec.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 200000
#define MAX_LINE 4096

typedef struct {
    char **lines;
    size_t n;
} text;

static void text_free(text *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->lines[i]);
    free(t->lines);
    *t = (text){ 0 };
}

/* Reads a file's lines (without their newlines); false when it cannot be
 * read or is longer than MAX_LINES. */
static bool text_read(const char *path, text *t)
{
    *t = (text){ 0 };
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    char buf[MAX_LINE];
    size_t cap = 0;
    bool ok = true;
    while (ok && fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = 0;
        if (t->n == cap) {
            cap = cap ? cap * 2 : 256;
            char **p = cap <= MAX_LINES ? realloc(t->lines, cap * sizeof *p) : NULL;
            if (p == NULL) {
                ok = false;
                break;
            }
            t->lines = p;
        }
        if ((t->lines[t->n] = strdup(buf)) == NULL)
            ok = false;
        else
            t->n++;
    }
    fclose(f);
    if (!ok)
        text_free(t);
    return ok;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_integer(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == 0)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static bool is_nan_text(const char *s)
{
    return starts(s, "nan") || starts(s, "-nan");
}

/* Two printed scalars, binaryen's `a` and our `b`: the same text, or
 * (when ours is a float: the runner never prints a float as an integer's
 * text, binaryen does) the same float value, or two NaNs. */
static bool same_scalar(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return true;
    if (is_integer(b))
        return false;   /* an integer: the text decides */
    if (is_nan_text(a) || is_nan_text(b))
        return is_nan_text(a) && is_nan_text(b);
    char *ea, *eb;
    double da = strtod(a, &ea), db = strtod(b, &eb);
    return *ea == 0 && *eb == 0 && ea != a && eb != b && da == db && signbit(da) == signbit(db);
}

static bool f32_nan(uint32_t bits)
{
    return (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x7fffffu) != 0;
}

static bool f64_nan(uint64_t bits)
{
    return (bits & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (bits & 0xfffffffffffffull) != 0;
}

/* Two v128s as four hex i32 lanes each: equal, or differing only where
 * both hold NaNs (f32 lanes, or f64 lane pairs). */
static bool same_v128(char **a, char **b)
{
    uint32_t la[4], lb[4];
    for (int i = 0; i < 4; i++) {
        char *ea, *eb;
        la[i] = (uint32_t)strtoul(a[i], &ea, 16);
        lb[i] = (uint32_t)strtoul(b[i], &eb, 16);
        if (*ea || *eb || !starts(a[i], "0x") || !starts(b[i], "0x"))
            return false;
    }
    for (int pair = 0; pair < 2; pair++) {
        uint32_t *x = la + 2 * pair, *y = lb + 2 * pair;
        if (x[0] == y[0] && x[1] == y[1])
            continue;
        bool f32_ok = true;
        for (int k = 0; k < 2; k++)
            if (x[k] != y[k] && !(f32_nan(x[k]) && f32_nan(y[k])))
                f32_ok = false;
        uint64_t wx = x[0] | (uint64_t)x[1] << 32, wy = y[0] | (uint64_t)y[1] << 32;
        if (!f32_ok && !(f64_nan(wx) && f64_nan(wy)))
            return false;
    }
    return true;
}

/* Splits a value list ("1 2", "(1, -nan:0x1)", "i32x4 0x.. x4") into
 * tokens in place; returns how many (at most max). */
static size_t tokens(char *s, char **out, size_t max)
{
    size_t n = 0;
    for (char *tok = strtok(s, " (),]"); tok && n < max; tok = strtok(NULL, " (),]"))
        out[n++] = tok;
    return n;
}

static bool same_values(const char *a, const char *b)
{
    char ca[MAX_LINE], cb[MAX_LINE];
    snprintf(ca, sizeof ca, "%s", a);
    snprintf(cb, sizeof cb, "%s", b);
    char *ta[64], *tb[64];
    size_t na = tokens(ca, ta, 64), nb = tokens(cb, tb, 64);
    if (na != nb || na == 64)
        return false;
    for (size_t i = 0; i < na; i++) {
        if (strcmp(ta[i], "i32x4") == 0) {
            if (strcmp(tb[i], "i32x4") != 0 || i + 4 >= na || !same_v128(ta + i + 1, tb + i + 1))
                return false;
            i += 4;
        } else if (!same_scalar(ta[i], tb[i]))
            return false;
    }
    return true;
}

/* One line of each: equal as the file's header says. */
static bool same_line(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return true;
    if (starts(a, "[trap ") && starts(b, "[trap "))
        return true;
    static const char log[] = "[LoggingExternalInterface logging ";
    if (starts(a, log) && starts(b, log))
        return same_values(a + strlen(log), b + strlen(log));
    static const char note[] = "[fuzz-exec] note result: ";
    if (starts(a, note) && starts(b, note)) {
        const char *pa = strstr(a, " => "), *pb = strstr(b, " => ");
        if (pa == NULL || pb == NULL || pa - a != pb - b || strncmp(a, b, (size_t)(pa - a)) != 0)
            return false;
        return same_values(pa + 4, pb + 4);
    }
    return false;
}

fuzz_verdict fuzz_compare(const char *theirs, const char *ours, FILE *report)
{
    text a, b;
    if (!text_read(theirs, &a)) {
        fprintf(report, "cannot read %s\n", theirs);
        return FUZZ_MISMATCH;
    }
    if (!text_read(ours, &b)) {
        fprintf(report, "cannot read %s\n", ours);
        text_free(&a);
        return FUZZ_MISMATCH;
    }
    fuzz_verdict v = FUZZ_SAME;
    /* binaryen's run is printed twice (before and after its passes, none
     * here), then a "comparing" line per export. */
    size_t n = a.n;
    while (n > 0 && starts(a.lines[n - 1], "[fuzz-exec] comparing "))
        n--;
    size_t half = n / 2;
    for (size_t i = 0; i < n; i++)
        if (starts(a.lines[i], "[host limit")) {
            fprintf(report, "skipped: binaryen hit a host limit (%s), which it does not compare\n",
                    a.lines[i]);
            v = FUZZ_SKIPPED;
            goto done;
        }
    for (size_t i = 0; i < half && n % 2 == 0; i++)
        if (strcmp(a.lines[i], a.lines[half + i]) != 0) {
            n = 1;   /* not two equal copies */
            break;
        }
    if (n % 2 != 0) {
        fprintf(report, "skipped: binaryen's two runs differ\n");
        v = FUZZ_SKIPPED;
        goto done;
    }
    for (size_t i = 0; i < half || i < b.n; i++) {
        const char *la = i < half ? a.lines[i] : "(end of output)";
        const char *lb = i < b.n ? b.lines[i] : "(end of output)";
        if (!same_line(la, lb)) {
            fprintf(report, "line %zu differs:\n  binaryen: %s\n  ours:     %s\n", i + 1, la, lb);
            v = FUZZ_MISMATCH;
            break;
        }
    }
done:
    text_free(&a);
    text_free(&b);
    return v;
}
