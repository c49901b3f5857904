/* test_simd_program.c — SIMD on a real C program. tests/wasi_c/simd_kernels.c
 * is built twice by make: for wasm32-wasi with clang -O2 -msimd128 (loops
 * clang vectorised by itself, and <wasm_simd128.h> intrinsics: 232 of the
 * 236 SIMD instruction kinds) and natively with the host cc (the same
 * computations in scalar C, from the spec's definitions). It prints one
 * hash per kernel. The engine runs the wasm the way the WASI suites run
 * their guests; its stdout must be the native build's, byte for byte, and
 * its exit code 0: once in one go, and once per fuel slice size, so that
 * runs stop and resume with v128 values in locals and on the stack. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/test_wasi_harness.h"

#define GUEST "wasi_c/simd_kernels"
#define NATIVE TEST_BUILD_DIR "/tests/native/simd_kernels"

/* The native build's stdout (malloc'd); it must exit with 0. */
static char *native_output(void)
{
    FILE *p = popen(NATIVE, "r");
    ck_assert_msg(p != NULL, "cannot run %s (built by make?)", NATIVE);
    size_t len = 0, cap = 1 << 14;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    size_t n;
    while ((n = fread(text + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            text = realloc(text, cap *= 2);
            ck_assert_ptr_nonnull(text);
        }
    }
    text[len] = '\0';
    int status = pclose(p);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s failed (status %d)", NATIVE, status);
    ck_assert_msg(strstr(text, " kernels, all ") != NULL, "%s printed no summary line", NATIVE);
    return text;
}

/* Everything the guest wrote to fd must be `want`; a difference is reported
 * as the first line that differs (the kernel's name, both hashes), not as
 * the whole text (Check's messages are short). Closes fd. */
static void check_output(int fd, const char *want, const char *how)
{
    off_t end = lseek(fd, 0, SEEK_END);
    ck_assert_int_ge(end, 0);
    char *got = malloc((size_t)end + 1);
    ck_assert_ptr_nonnull(got);
    ck_assert_int_eq(pread(fd, got, (size_t)end, 0), end);
    got[end] = '\0';
    close(fd);
    const char *g = got, *w = want;
    while (*g && *g == *w) {    /* to the start of the first differing line */
        const char *nl = strchr(g, '\n');
        if (nl == NULL || strncmp(g, w, (size_t)(nl - g + 1)) != 0)
            break;
        w += nl - g + 1;
        g = nl + 1;
    }
    ck_assert_msg(*g == '\0' && *w == '\0', "%s: the wasm printed \"%.*s\" where the native build printed \"%.*s\"",
                  how, (int)strcspn(g, "\n"), g, (int)strcspn(w, "\n"), w);
    free(got);
}

START_TEST(test_simd_program_matches_native)
{
    char *want = native_output();
    const char *argv[1];
    int out = capture_new();
    wasi_config cfg = guest_config(argv, NULL, 0, -1, out, 2);
    ck_assert_int_eq(guest_main(GUEST, &cfg), 0);
    check_output(out, want, "in one run");
    free(want);
}
END_TEST

/* The same in slices of `fuel`: vm_run until the call is done. */
static void run_sliced(uint64_t fuel, const char *want)
{
    const char *argv[1];
    int out = capture_new();
    wasi_config cfg = guest_config(argv, NULL, 0, -1, out, 2);
    guest g;
    guest_open(&g, GUEST, &cfg);
    ck_assert_int_eq(vm_call_start(g.thread, vm_instance_func(g.inst, "_start"), NULL, 0), VM_DONE);
    int slices = 0;
    vm_status st;
    while ((st = vm_run(g.thread, fuel)) == VM_OUT_OF_FUEL)
        slices++;
    uint32_t code = 0;
    if (st == VM_TRAP)   /* proc_exit ends the run with a trap that says exit */
        ck_assert_msg(wasi_exited(g.ctx, &code), "trapped in slices of %llu: %s",
                      (unsigned long long)fuel, vm_thread_trap(g.thread)->message);
    else
        ck_assert_int_eq(st, VM_DONE);
    ck_assert_uint_eq(code, 0);
    ck_assert_int_gt(slices, 2);
    guest_close(&g);
    char how[64];
    snprintf(how, sizeof how, "in slices of %llu", (unsigned long long)fuel);
    check_output(out, want, how);
}

START_TEST(test_simd_program_in_fuel_slices)
{
    static const uint64_t sizes[] = { 997, 10007, 100003 };
    char *want = native_output();
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        run_sliced(sizes[i], want);
    free(want);
}
END_TEST

Suite *simd_program_suite(void)
{
    Suite *s = suite_create("simd_program");
    TCase *tc = tcase_create("simd_program");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_simd_program_matches_native);
    tcase_add_test(tc, test_simd_program_in_fuel_slices);
    suite_add_tcase(s, tc);
    return s;
}
