/* test_host_sleep.c — parking: a process sleeping in poll_oneoff (wasi-libc's
 * usleep) parks in the event loop and leaves its worker free; 10,000
 * processes sleep at once on one host and all wake with their own values
 * (HOST_TEST_SLEEPERS overrides the count, e.g. under valgrind); a sleeper
 * is terminated and cancelled in its sleep; the execution limit cuts a
 * long sleep short; sched_yield parks and resumes at once. Fixtures:
 * tests/wasi_c/host_guest.c, tests/wasm/host_yield.wat. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"
#include "tests/test_host_project.h"

#define GUEST "wasi_c/host_guest.wasm"
#define POLL "    imports: [wasi:poll]\n"

START_TEST(sleeper_frees_its_worker)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("nap", GUEST, "nap", POLL),
            hp_entry("compute", "wasm/host_basic.wasm", "compute", NULL), NULL);
    int64_t t0 = hp_now_ms();
    host_value nap_args[] = { host_int(200), host_int(9) };
    host_pid nap = hp_spawn(&p, "t:nap", nap_args, 2);
    host_value args[] = { host_int(2), host_int(3) };
    host_pid compute = hp_spawn(&p, "t:compute", args, 2);
    host_event ev = hp_next(&p, 3000);
    ck_assert_uint_eq(ev.from, compute);   /* the only worker was not blocked */
    ck_assert_int_eq(ev.value.i, 6);
    host_event_free(&ev);
    ev = hp_next(&p, 3000);
    ck_assert_uint_eq(ev.from, nap);
    ck_assert_ptr_null(ev.error);
    ck_assert_int_eq(ev.value.i, 9);
    ck_assert_int_ge(hp_now_ms() - t0, 200);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

static int compare_pids(const void *a, const void *b)
{
    host_pid x = *(const host_pid *)a, y = *(const host_pid *)b;
    return (x > y) - (x < y);
}

START_TEST(ten_thousand_sleepers)
{
    const char *env = getenv("HOST_TEST_SLEEPERS");
    int n = env != NULL ? atoi(env) : 10000;
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("nap", GUEST, "nap", POLL), NULL);
    host_pid *pids = malloc((size_t)n * sizeof *pids);
    ck_assert_ptr_nonnull(pids);
    int64_t t0 = hp_now_ms();
    for (int i = 0; i < n; i++) {
        host_value args[] = { host_int(100), host_int(i) };
        pids[i] = hp_spawn(&p, "t:nap", args, 2);
    }
    int64_t spawned = hp_now_ms() - t0;
    /* Spawned from one thread, pids grow: the value i belongs to pids[i]. */
    for (int i = 1; i < n; i++)
        ck_assert(pids[i] > pids[i - 1]);
    char *seen = calloc((size_t)n, 1);
    for (int k = 0; k < n; k++) {
        host_event ev = hp_next(&p, 60000);
        ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
        ck_assert_msg(ev.error == NULL, "%s", ev.error);
        host_pid *at = bsearch(&ev.from, pids, (size_t)n, sizeof *pids, compare_pids);
        ck_assert_ptr_nonnull(at);
        ck_assert_int_eq(ev.value.i, at - pids);
        ck_assert(!seen[at - pids]);
        seen[at - pids] = 1;
        host_event_free(&ev);
    }
    int64_t total = hp_now_ms() - t0;
    ck_assert_int_ge(total, 100);
    /* They slept at the same time: far less than one after the other. */
    ck_assert_msg(total < spawned + 30000, "took %lld ms", (long long)total);
    free(seen);
    free(pids);
    hp_close(&p);
}
END_TEST

START_TEST(sleeper_terminated_and_cancelled)
{
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("nap", GUEST, "nap", POLL), NULL);
    host_value args[] = { host_int(10000), host_int(1) };
    host_pid a = hp_spawn(&p, "t:nap", args, 2);
    host_pid b = hp_spawn(&p, "t:nap", args, 2);
    usleep(50000);   /* let both park */
    int64_t t0 = hp_now_ms();
    ck_assert(host_terminate(p.rt, a));
    host_event ev = hp_next(&p, 3000);
    ck_assert_uint_eq(ev.from, a);
    ck_assert_str_eq(ev.error, "terminated");
    host_event_free(&ev);
    ck_assert(host_cancel(p.rt, b, "bye"));
    ev = hp_next(&p, 3000);
    ck_assert_uint_eq(ev.from, b);
    ck_assert_str_eq(ev.error, "cancelled: bye");
    host_event_free(&ev);
    ck_assert_int_lt(hp_now_ms() - t0, 2000);
    hp_close(&p);
}
END_TEST

START_TEST(limit_cuts_a_sleep)
{
    hp_project p;
    hp_open(&p, 2, 0,
            hp_entry("sleep", "wasm/host_yield.wasm", "sleep_ms",
                     POLL "    limits:\n      max_execution_ms: 100\n"),
            NULL);
    host_value ms = host_int(5000);
    int64_t t0 = hp_now_ms();
    host_pid pid = hp_spawn(&p, "t:sleep", &ms, 1);
    host_event ev = hp_next(&p, 4000);
    ck_assert_uint_eq(ev.from, pid);
    ck_assert_str_eq(ev.error, "execution time limit exceeded: 100 ms");
    int64_t took = hp_now_ms() - t0;
    ck_assert_int_ge(took, 100);
    ck_assert_int_lt(took, 3000);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(yield_parks_and_resumes)
{
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("yields", "wasm/host_yield.wasm", "yields", NULL),
            hp_entry("sleep", "wasm/host_yield.wasm", "sleep_ms", NULL), NULL);
    host_value n = host_int(10000);
    host_pid pid = hp_spawn(&p, "t:yields", &n, 1);
    host_event ev = hp_next(&p, 10000);
    ck_assert_uint_eq(ev.from, pid);
    ck_assert_ptr_null(ev.error);
    ck_assert_int_eq(ev.value.i, 10000);
    host_event_free(&ev);
    /* poll_oneoff without the wasi:poll capability does not wait. */
    host_value ms = host_int(50);
    pid = hp_spawn(&p, "t:sleep", &ms, 1);
    ev = hp_next(&p, 3000);
    ck_assert_int_eq(ev.value.i, 50);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

Suite *host_sleep_suite(void)
{
    Suite *s = suite_create("host_sleep");
    TCase *tc = tcase_create("parking");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sleeper_frees_its_worker);
    tcase_add_test(tc, ten_thousand_sleepers);
    tcase_add_test(tc, sleeper_terminated_and_cancelled);
    tcase_add_test(tc, limit_cuts_a_sleep);
    tcase_add_test(tc, yield_parks_and_resumes);
    suite_add_tcase(s, tc);
    return s;
}
