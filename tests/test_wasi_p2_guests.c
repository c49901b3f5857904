/* test_wasi_p2_guests.c — hand-written C guests calling WASI 0.2 directly
 * (tests/wasi_p2/NAME.c, made into components at build time), run by the real
 * binary's `wippy wasm run` (test_run_wippy). */
#include <check.h>
#include <string.h>

#include "tests/test_util.h"

#define P2_DIR TEST_BUILD_DIR "/tests/wasi_p2"

/* The pipeline works end to end: the guest's imports link to wasi/p2, its
 * arguments arrive (FILE's base name first), its stdout is the process's,
 * and `err` from run gives exit status 1. */
START_TEST(p2_c_guest_hello)
{
    test_run_result r = test_run_wippy((const char *[]){ "wasm", "run", P2_DIR "/hello.component.wasm",
                                                         "a", "b", NULL });
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, "hello from a C guest, 3 arguments\n");
    ck_assert_str_eq(r.err, "");
    test_run_done(&r);
    r = test_run_wippy((const char *[]){ "wasm", "run", P2_DIR "/hello.component.wasm", "fail", NULL });
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out, "hello from a C guest, 2 arguments\n");
    test_run_done(&r);
}
END_TEST

Suite *wasi_p2_guests_suite(void)
{
    Suite *s = suite_create("wasi_p2_guests");
    TCase *tc = tcase_create("guests");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, p2_c_guest_hello);
    suite_add_tcase(s, tc);
    return s;
}
