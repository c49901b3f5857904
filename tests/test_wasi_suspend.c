/* test_wasi_suspend.c — WASI calls that would block, in both modes. A
 * suspend context makes them return VM_SUSPENDED with what they wait for
 * (wasi_waiting) and lets the embedder finish them later (wasi_complete);
 * here the test itself is the embedder: it runs a sleeping instance and a
 * computing one on one thread, feeds pipes, drains them, grows memory
 * while a call waits. The blocking mode (the default) is checked too. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/test_wasi_harness.h"

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void start(guest *g)
{
    ck_assert_int_eq(vm_call_start(g->thread, vm_instance_func(g->inst, "_start"), NULL, 0), VM_DONE);
}

/* Finishes the pending call and runs on until the next stop. */
static vm_status complete_and_run(guest *g)
{
    vm_status st = wasi_complete(g->ctx, g->thread);
    return st == VM_DONE ? vm_run(g->thread, VM_FUEL_UNLIMITED) : st;
}

/* What wasi_spin prints for `rounds`. */
static unsigned spin_result(unsigned long rounds)
{
    uint32_t x = 1;
    for (unsigned long i = 0; i < rounds; i++)
        x = x * 1664525u + 1013904223u;
    return x;
}

/* One thread, two instances: the sleeper waits 50 ms in poll_oneoff while
 * the spinner computes in fuel slices. */
START_TEST(test_sleep_while_other_computes)
{
    const char *argv1[1], *argv2[2], *spin_args[] = { "2000000" };
    wasi_config c1 = guest_config(argv1, NULL, 0, -1, -1, 2);
    c1.suspend = true;
    int out = capture_new();
    wasi_config c2 = guest_config(argv2, spin_args, 1, -1, out, 2);
    guest sleeper, spinner;
    guest_open(&sleeper, "wasi_c/wasi_sleep", &c1);
    guest_open(&spinner, "wasi_c/wasi_spin", &c2);

    double t0 = now_ms();
    uint64_t t0_ns = mono_ns();
    start(&sleeper);
    start(&spinner);
    vm_status s1 = vm_run(sleeper.thread, VM_FUEL_UNLIMITED), s2 = VM_OUT_OF_FUEL;
    ck_assert_int_eq(s1, VM_SUSPENDED);
    wasi_wait w;
    ck_assert(wasi_waiting(sleeper.ctx, &w));
    ck_assert(w.has_deadline);
    ck_assert_int_eq(w.fd, -1);
    ck_assert_uint_ge(w.deadline_ns, t0_ns + 50000000ull);
    ck_assert_uint_lt(w.deadline_ns, t0_ns + 1000000000ull);

    int slices_while_asleep = 0;
    while (s1 != VM_DONE || s2 != VM_DONE) {
        ck_assert(s1 != VM_TRAP && s2 != VM_TRAP);
        if (s2 == VM_OUT_OF_FUEL) {
            s2 = vm_run(spinner.thread, 20000);
            slices_while_asleep += s1 == VM_SUSPENDED;
        }
        if (s1 != VM_SUSPENDED)
            continue;
        ck_assert(wasi_waiting(sleeper.ctx, &w));
        uint64_t now = mono_ns();
        if (now >= w.deadline_ns) {
            s1 = complete_and_run(&sleeper);
        } else if (s2 == VM_DONE) {   /* nothing else to run: wait for the deadline */
            struct timespec ts = { (time_t)(w.deadline_ns / 1000000000ull),
                                   (long)(w.deadline_ns % 1000000000ull) };
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
        }
    }
    ck_assert_double_ge(now_ms() - t0, 50.0);
    ck_assert_int_gt(slices_while_asleep, 1);
    ck_assert(!wasi_waiting(sleeper.ctx, &w));
    char want[32];
    snprintf(want, sizeof want, "%u\n", spin_result(2000000));
    capture_check(out, want);
    guest_close(&sleeper);
    guest_close(&spinner);
}
END_TEST

/* The same sleep without a scheduler: it blocks the thread; and in a
 * suspend context through wasi_run_start(), which completes in place. */
START_TEST(test_sleep_blocking)
{
    const char *argv[1];
    wasi_config cfg = guest_config(argv, NULL, 0, -1, -1, 2);
    double t0 = now_ms();
    ck_assert_int_eq(guest_main("wasi_c/wasi_sleep", &cfg), 0);
    ck_assert_double_ge(now_ms() - t0, 50.0);

    cfg.suspend = true;
    t0 = now_ms();
    ck_assert_int_eq(guest_main("wasi_c/wasi_sleep", &cfg), 0);
    ck_assert_double_ge(now_ms() - t0, 50.0);
}
END_TEST

/* fd_read on an empty pipe waits for it; memory grows meanwhile. */
START_TEST(test_read_empty_pipe)
{
    int in[2];
    ck_assert_int_eq(pipe(in), 0);
    int out = capture_new();
    const char *argv[1];
    wasi_config cfg = guest_config(argv, NULL, 0, in[0], out, 2);
    cfg.suspend = true;
    guest g;
    guest_open(&g, "wasi_c/wasi_cat", &cfg);
    close(in[0]);   /* the context has its own */

    start(&g);
    ck_assert_int_eq(vm_run(g.thread, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    wasi_wait w;
    ck_assert(wasi_waiting(g.ctx, &w));
    ck_assert(w.fd >= 0 && w.want_read && !w.want_write && !w.has_deadline);
    ck_assert_int_eq(wasi_complete(g.ctx, g.thread), VM_SUSPENDED);   /* not ready yet */

    vm_memory *mem = vm_instance_memory(g.inst, "memory");
    ck_assert_int_ge(vm_memory_grow(mem, 64), 0);
    ck_assert_int_eq(write(in[1], "hello\n", 6), 6);
    struct pollfd p = { .fd = w.fd, .events = POLLIN };
    ck_assert_int_eq(poll(&p, 1, 1000), 1);
    ck_assert_int_eq(complete_and_run(&g), VM_SUSPENDED);   /* the next read waits again */
    close(in[1]);
    ck_assert_int_eq(complete_and_run(&g), VM_DONE);

    capture_check(out, "hello\n");
    guest_close(&g);
}
END_TEST

/* fd_write to a full pipe waits until the reader drains it. */
START_TEST(test_write_full_pipe)
{
    int pipefd[2];
    ck_assert_int_eq(pipe(pipefd), 0);
    ck_assert_int_eq(fcntl(pipefd[1], F_SETFL, O_NONBLOCK), 0);
    char junk[4096];
    memset(junk, 'j', sizeof junk);
    size_t filled = 0;
    ssize_t n;
    while ((n = write(pipefd[1], junk, sizeof junk)) > 0)
        filled += (size_t)n;
    ck_assert_int_eq(errno, EAGAIN);

    const char *argv[3], *args[] = { "echo", "x" };
    wasi_config cfg = guest_config(argv, args, 2, -1, pipefd[1], 2);
    cfg.suspend = true;
    guest g;
    guest_open(&g, "wasi_c/wasi_cli", &cfg);
    close(pipefd[1]);
    start(&g);
    vm_status st = vm_run(g.thread, VM_FUEL_UNLIMITED);
    ck_assert_int_eq(st, VM_SUSPENDED);
    wasi_wait w;
    ck_assert(wasi_waiting(g.ctx, &w) && w.want_write && !w.want_read);

    char *got = calloc(1, filled + 4096);
    size_t have = 0;
    for (int rounds = 0; st == VM_SUSPENDED && rounds < 1000; rounds++) {
        n = read(pipefd[0], got + have, filled + 4095 - have);
        ck_assert_int_gt(n, 0);
        have += (size_t)n;
        st = complete_and_run(&g);
    }
    ck_assert_int_eq(st, VM_DONE);
    guest_close(&g);   /* closes the context's write end: the reader sees the end */
    while ((n = read(pipefd[0], got + have, filled + 4095 - have)) > 0)
        have += (size_t)n;
    got[have] = '\0';
    ck_assert_str_eq(got + filled, "argc=3\narg=echo\narg=x\n");
    free(got);
    close(pipefd[0]);
}
END_TEST

/* sched_yield suspends once, due at once. */
START_TEST(test_yield)
{
    const char *argv[2], *args[] = { "yield" };
    wasi_config cfg = guest_config(argv, args, 1, -1, -1, 2);
    cfg.suspend = true;
    guest g;
    guest_open(&g, "wasi_c/wasi_cat", &cfg);
    start(&g);
    ck_assert_int_eq(vm_run(g.thread, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    wasi_wait w;
    ck_assert(wasi_waiting(g.ctx, &w));
    ck_assert(w.has_deadline && w.deadline_ns <= mono_ns() && w.fd == -1);
    ck_assert_int_eq(complete_and_run(&g), VM_DONE);
    guest_close(&g);
}
END_TEST

/* poll_oneoff on several descriptors: all are listed; the deadline is near
 * (10 ms) unless the embedder watches them all (wasi_waiting_exact: the
 * guest's own 10 s clock). */
START_TEST(test_poll_many)
{
    int in[2];
    ck_assert_int_eq(pipe(in), 0);
    int out = capture_new();
    const char *argv[2], *args[] = { "poll" };
    wasi_config cfg = guest_config(argv, args, 1, in[0], out, 2);
    cfg.suspend = true;
    guest g;
    guest_open(&g, "wasi_c/wasi_cat", &cfg);
    close(in[0]);
    start(&g);
    ck_assert_int_eq(vm_run(g.thread, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    wasi_wait w, all[4];
    ck_assert(wasi_waiting(g.ctx, &w));
    ck_assert(w.has_deadline && w.deadline_ns <= mono_ns() + 10000000ull && w.want_read);
    ck_assert_uint_eq(wasi_waiting_fds(g.ctx, all, 4), 2);
    ck_assert(all[0].fd == w.fd && all[1].fd == w.fd && all[0].want_read && all[1].want_read);
    ck_assert_uint_eq(wasi_waiting_fds(g.ctx, all, 1), 2);
    ck_assert(wasi_waiting_exact(g.ctx, &w));   /* for a watcher of both: the 10 s clock */
    ck_assert(w.has_deadline && w.deadline_ns > mono_ns() + 5000000000ull && w.fd == all[0].fd);
    ck_assert_int_eq(wasi_complete(g.ctx, g.thread), VM_SUSPENDED);   /* nothing yet */

    ck_assert_int_eq(write(in[1], "data\n", 5), 5);
    close(in[1]);
    ck_assert_int_eq(complete_and_run(&g), VM_DONE);
    capture_check(out, "1 2\ndata\n");
    guest_close(&g);
}
END_TEST

START_TEST(test_fuel_and_misuse)
{
    const char *argv[2], *args[] = { "100000000" };
    wasi_config cfg = guest_config(argv, args, 1, -1, -1, 2);
    guest g;
    guest_open(&g, "wasi_c/wasi_spin", &cfg);
    ck_assert_int_eq(wasi_run_start(g.ctx, g.inst, g.thread, 5000), -2);
    /* Nothing pending: nothing to wait for or complete. */
    wasi_wait w;
    ck_assert(!wasi_waiting(g.ctx, &w));
    ck_assert_uint_eq(wasi_waiting_fds(g.ctx, &w, 1), 0);
    ck_assert_int_eq(wasi_complete(g.ctx, g.thread), VM_TRAP);
    guest_close(&g);
}
END_TEST

Suite *wasi_suspend_suite(void)
{
    Suite *s = suite_create("wasi_suspend");
    TCase *tc = tcase_create("wasi_suspend");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sleep_while_other_computes);
    tcase_add_test(tc, test_sleep_blocking);
    tcase_add_test(tc, test_read_empty_pipe);
    tcase_add_test(tc, test_write_full_pipe);
    tcase_add_test(tc, test_yield);
    tcase_add_test(tc, test_poll_many);
    tcase_add_test(tc, test_fuel_and_misuse);
    suite_add_tcase(s, tc);
    return s;
}
