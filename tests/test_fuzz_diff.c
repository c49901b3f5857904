/* test_fuzz_diff.c — the differential fuzzer's parts (doc/fuzzing.md):
 * the comparator (testsuite/fuzz_compare.c) forgives exactly what the spec
 * lets two engines differ in (trap texts, float spellings, NaN bits) and
 * nothing else; and VM_LOAD_NO_GROUPS, which the fuzzer's translation
 * check uses, really translates no groups and computes the same. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testsuite/fuzz_exec.h"
#include "tests/test_util.h"
#include "vm/vm.h"

/* Writes text to a fresh temporary file; returns its path (static buffer
 * per slot). */
static const char *temp_file(int slot, const char *text)
{
    static char paths[2][64];
    snprintf(paths[slot], sizeof paths[slot], "/tmp/wippy-fuzz-cmp-XXXXXX");
    int fd = mkstemp(paths[slot]);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return paths[slot];
}

/* binaryen's output is its run twice, then "comparing" lines: build it
 * from one run. */
static fuzz_verdict compare_run(const char *binaryen_run, const char *ours)
{
    size_t n = strlen(binaryen_run);
    char *twice = malloc(2 * n + 64);
    ck_assert_ptr_nonnull(twice);
    snprintf(twice, 2 * n + 64, "%s%s[fuzz-exec] comparing f\n", binaryen_run, binaryen_run);
    const char *a = temp_file(0, twice), *b = temp_file(1, ours);
    free(twice);
    FILE *report = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(report);
    fuzz_verdict v = fuzz_compare(a, b, report);
    fclose(report);
    unlink(a);
    unlink(b);
    return v;
}

#define CALL "[fuzz-exec] calling f\n"
#define NOTE "[fuzz-exec] note result: f => "
#define LOG "[LoggingExternalInterface logging "

START_TEST(equal_outputs_are_the_same)
{
    const char *run = CALL LOG "1 0]\n" NOTE "(-7, 2147483648)\n" CALL "[trap unreachable]\n";
    ck_assert_int_eq(compare_run(run, run), FUZZ_SAME);
}
END_TEST

START_TEST(a_trap_equals_a_trap_whatever_its_text)
{
    ck_assert_int_eq(compare_run(CALL "[trap i32.div_s by 0]\n", CALL "[trap integer divide by zero]\n"),
                     FUZZ_SAME);
    ck_assert_int_eq(compare_run(CALL "[trap unreachable]\n", CALL NOTE "0\n"), FUZZ_MISMATCH);
    ck_assert_int_eq(compare_run(CALL NOTE "0\n", CALL "[trap unreachable]\n"), FUZZ_MISMATCH);
}
END_TEST

START_TEST(a_float_equals_itself_however_printed)
{
    /* binaryen prints 2^64 as an integer's text, we print the shortest
     * round-trip decimal with a point or an exponent. */
    ck_assert_int_eq(compare_run(CALL NOTE "18446744073709551615\n", CALL NOTE "1.8446744073709552e+19\n"),
                     FUZZ_SAME);
    ck_assert_int_eq(compare_run(CALL LOG "-7390]\n", CALL LOG "-7390.0]\n"), FUZZ_SAME);
    ck_assert_int_eq(compare_run(CALL LOG "-1834799511373902811984216e82]\n",
                                 CALL LOG "-1.834799511373903e+106]\n"), FUZZ_SAME);
    /* A different float, or the other zero, is not. */
    ck_assert_int_eq(compare_run(CALL LOG "1.5]\n", CALL LOG "1.25]\n"), FUZZ_MISMATCH);
    ck_assert_int_eq(compare_run(CALL LOG "0]\n", CALL LOG "-0.0]\n"), FUZZ_MISMATCH);
    ck_assert_int_eq(compare_run(CALL LOG "inf]\n", CALL LOG "-inf]\n"), FUZZ_MISMATCH);
}
END_TEST

START_TEST(an_integer_must_be_printed_the_same)
{
    /* Ours is an integer's text: the text decides (no rounding to double). */
    ck_assert_int_eq(compare_run(CALL NOTE "9223372036854775807\n", CALL NOTE "9223372036854775806\n"),
                     FUZZ_MISMATCH);
    /* A logged i64 is two i32 halves. */
    ck_assert_int_eq(compare_run(CALL LOG "1 0]\n", CALL LOG "1 1]\n"), FUZZ_MISMATCH);
    ck_assert_int_eq(compare_run(CALL LOG "1 0]\n", CALL LOG "1]\n"), FUZZ_MISMATCH);
    /* An integer where a float was is not the same either. */
    ck_assert_int_eq(compare_run(CALL NOTE "1\n", CALL NOTE "2\n"), FUZZ_MISMATCH);
}
END_TEST

START_TEST(any_nan_equals_any_nan)
{
    ck_assert_int_eq(compare_run(CALL NOTE "nan:0x400000\n", CALL NOTE "-nan:0x1\n"), FUZZ_SAME);
    ck_assert_int_eq(compare_run(CALL NOTE "(1, nan:0x8000000000000)\n", CALL NOTE "(1, -nan:0xfffff93654b67)\n"),
                     FUZZ_SAME);
    ck_assert_int_eq(compare_run(CALL NOTE "nan:0x400000\n", CALL NOTE "1.0\n"), FUZZ_MISMATCH);
    ck_assert_int_eq(compare_run(CALL NOTE "inf\n", CALL NOTE "nan:0x400000\n"), FUZZ_MISMATCH);
}
END_TEST

START_TEST(v128_lanes_differ_only_by_nans)
{
    /* Lane 1: two f32 NaNs; lanes 2-3: two f64 NaNs. */
    ck_assert_int_eq(compare_run(CALL NOTE "i32x4 0x00000001 0x7fc00000 0x00000000 0x7ff80000\n",
                                 CALL NOTE "i32x4 0x00000001 0xffc01234 0x00001234 0xfff80000\n"),
                     FUZZ_SAME);
    /* A non-NaN lane that differs, or a NaN against a number. */
    ck_assert_int_eq(compare_run(CALL NOTE "i32x4 0x00000001 0x00000000 0x00000000 0x00000000\n",
                                 CALL NOTE "i32x4 0x00000002 0x00000000 0x00000000 0x00000000\n"),
                     FUZZ_MISMATCH);
    ck_assert_int_eq(compare_run(CALL LOG "i32x4 0x7fc00000 0x00000000 0x00000000 0x00000000]\n",
                                 CALL LOG "i32x4 0x3f800000 0x00000000 0x00000000 0x00000000]\n"),
                     FUZZ_MISMATCH);
}
END_TEST

START_TEST(lines_must_line_up)
{
    ck_assert_int_eq(compare_run(CALL LOG "1]\n", CALL), FUZZ_MISMATCH);
    ck_assert_int_eq(compare_run(CALL, CALL LOG "1]\n"), FUZZ_MISMATCH);
    ck_assert_int_eq(compare_run("[fuzz-exec] calling f\n", "[fuzz-exec] calling g\n"), FUZZ_MISMATCH);
}
END_TEST

START_TEST(a_host_limit_or_unequal_runs_are_skipped)
{
    ck_assert_int_eq(compare_run(CALL "[host limit stack limit]\n", CALL "[trap call stack exhausted]\n"),
                     FUZZ_SKIPPED);
    const char *a = temp_file(0, CALL NOTE "1\n" CALL NOTE "2\n"), *b = temp_file(1, CALL NOTE "1\n");
    FILE *report = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(report);
    ck_assert_int_eq(fuzz_compare(a, b, report), FUZZ_SKIPPED);
    ck_assert_int_eq(fuzz_compare("/nonexistent/binaryen.txt", b, report), FUZZ_MISMATCH);
    fclose(report);
    unlink(a);
    unlink(b);
}
END_TEST

/* The translated code of every function, as `wippy wasm dump` prints it. */
static char *dump(const vm_module *m)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(out);
    vm_module_dump(m, UINT32_MAX, out);
    fclose(out);
    return text;
}

/* Does the dump hold a group (an instruction name followed by "+")? */
static bool has_group(const char *text)
{
    return strstr(text, "+ ") != NULL || strstr(text, "+\n") != NULL;
}

/* Runs the fixture's sieve with n = 10000: its result and its memory's hash. */
static void run_sieve(vm_module *m, uint32_t *result, char hex[SHA256_HEX_SIZE])
{
    vm_error err;
    vm_store *s = vm_store_new(NULL);
    vm_linker *l = vm_linker_new();
    vm_instance *inst = vm_instantiate(s, m, l, &err);
    ck_assert_msg(inst != NULL, "%s", err.message);
    vm_thread *t = vm_thread_new(s);
    vm_value n = { .type = VM_I32, .of.i32 = 10000 }, r;
    ck_assert_int_eq(vm_call(t, vm_instance_func(inst, "sieve"), &n, 1, &r, 1), VM_DONE);
    *result = r.of.i32;
    vm_memory *mem = vm_instance_memory(inst, "memory");
    ck_assert_ptr_nonnull(mem);
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_buffer(vm_memory_data(mem), (size_t)vm_memory_size(mem), digest);
    sha256_hex(digest, hex);
    vm_thread_free(t);
    vm_linker_free(l);
    vm_store_free(s);
}

START_TEST(no_groups_translates_none_and_computes_the_same)
{
    size_t size;
    uint8_t *bytes = test_fixture_bytes("wasm/vm_fuse.wasm", &size);
    vm_error err;
    vm_module *with = vm_module_load_features(bytes, size, VM_FEATURES_ALL, &err);
    ck_assert_msg(with != NULL, "%s", err.message);
    vm_module *without = vm_module_load_features(bytes, size, VM_FEATURES_ALL | VM_LOAD_NO_GROUPS, &err);
    ck_assert_msg(without != NULL, "%s", err.message);
    free(bytes);
    char *a = dump(with), *b = dump(without);
    ck_assert_msg(has_group(a), "the fixture is meant to have groups");
    ck_assert_msg(!has_group(b), "VM_LOAD_NO_GROUPS left a group");
    free(a);
    free(b);
    uint32_t ra, rb;
    char ha[SHA256_HEX_SIZE], hb[SHA256_HEX_SIZE];
    run_sieve(with, &ra, ha);
    run_sieve(without, &rb, hb);
    ck_assert_uint_eq(ra, 1229);   /* primes below 10,000 */
    ck_assert_uint_eq(rb, ra);
    ck_assert_str_eq(hb, ha);
    vm_module_free(with);
    vm_module_free(without);
}
END_TEST

Suite *fuzz_diff_suite(void)
{
    Suite *s = suite_create("fuzz_diff");
    TCase *tc = tcase_create("compare");
    tcase_add_test(tc, equal_outputs_are_the_same);
    tcase_add_test(tc, a_trap_equals_a_trap_whatever_its_text);
    tcase_add_test(tc, a_float_equals_itself_however_printed);
    tcase_add_test(tc, an_integer_must_be_printed_the_same);
    tcase_add_test(tc, any_nan_equals_any_nan);
    tcase_add_test(tc, v128_lanes_differ_only_by_nans);
    tcase_add_test(tc, lines_must_line_up);
    tcase_add_test(tc, a_host_limit_or_unequal_runs_are_skipped);
    suite_add_tcase(s, tc);
    TCase *groups = tcase_create("no_groups");
    tcase_add_test(groups, no_groups_translates_none_and_computes_the_same);
    suite_add_tcase(s, groups);
    return s;
}
