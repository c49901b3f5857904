/* test_wasi_p2.c — WASI 0.2 (wasi/p2) under the component runtime,
 * without the process host: tests/component/p2_probe.wat calls poll over two
 * clock pollables (the first ready index), pollable.ready around block,
 * random bytes of the asked length, the wall clock; its pollables are freed
 * when dropped and with the world; the capability groups decide what links
 * (the rest traps as unresolved); the resumable call suspends at block and
 * is completed by cm_call_complete; cm_invoke and nested calls wait in
 * place; Wippy's sleep_test_component.wasm sleeps through cm_invoke.
 * tests/component/p2_streams.wat over pipes: poll over a stream and a clock
 * together (suspended on both), blocking-read to `closed`, writes, a
 * reader gone (`closed`), the 4096-byte limit, exit, args/env/cwd. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "component/runtime.h"
#include "wasi/p2/p2.h"
#include "wasi/wasi.h"

#ifndef TEST_COMPONENTS_DIR
#define TEST_COMPONENTS_DIR "../shared/testsuite/components"
#endif
#define MS 1000000ull

static cm_file *load_path(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "wasi p2 tests: %s not found, skipped\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n);
    ck_assert(buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    vm_error err;
    cm_file *cf = cm_decode(buf, (size_t)n, &err);
    free(buf);
    ck_assert_msg(cf != NULL, "%s: %s", path, err.message);
    return cf;
}

static cm_file *probe(void)
{
    cm_file *f = load_path(TEST_BUILD_DIR "/tests/component/p2_probe.wasm");
    ck_assert_ptr_nonnull(f);   /* built by make with the tests */
    return f;
}

typedef struct {
    cm_file *f;
    wasi_p2 *w;
    cm_instance *ci;
} world;

static world open_world(cm_file *f, unsigned caps)
{
    world x = { f, wasi_p2_new(caps), NULL };
    ck_assert_ptr_nonnull(x.w);
    vm_error err;
    x.ci = cm_instantiate(f, wasi_p2_host(x.w), NULL, &err);
    ck_assert_msg(x.ci != NULL, "%s", err.message);
    wasi_p2_bind(x.w, x.ci);
    return x;
}

static void close_world(world *x)
{
    cm_instance_free(x->ci);
    wasi_p2_free(x->w);
    cm_file_free(x->f);
}

/* Calls NAME with unsigned arguments; the result as an unsigned. */
static uint64_t call_u(world *x, const char *name, uint64_t a, uint64_t b, size_t nargs)
{
    host_value args[2] = { host_uint(a), host_uint(b) }, r;
    char err[512];
    ck_assert_msg(cm_invoke(x->ci, name, args, nargs, &r, err, sizeof err), "%s: %s", name, err);
    ck_assert_int_eq(r.kind, HOST_VALUE_INT);
    uint64_t v = r.is_unsigned ? r.u : (uint64_t)r.i;
    host_value_free(&r);
    return v;
}

START_TEST(p2_poll_returns_the_first_ready)
{
    world x = open_world(probe(), WASI_CAP_ALL);
    ck_assert_uint_eq(call_u(&x, "poll-two", 300, 20, 2), 1);
    ck_assert_uint_eq(call_u(&x, "poll-two", 10, 400, 2), 0);
    ck_assert_uint_eq(wasi_p2_live(x.w), 0);   /* both pollables dropped each time */
    ck_assert_uint_eq(call_u(&x, "ready-after", 20, 0, 1), 1);   /* not ready, then ready */
    ck_assert_uint_eq(wasi_p2_live(x.w), 0);
    close_world(&x);
}
END_TEST

START_TEST(p2_random_and_wall_clock)
{
    world x = open_world(probe(), WASI_CAP_ALL);
    ck_assert_uint_eq(call_u(&x, "random-len", 37, 0, 1), 37);
    ck_assert_uint_eq(call_u(&x, "random-len", 0, 0, 1), 0);
    ck_assert_uint_eq(call_u(&x, "random-len", 4096, 0, 1), 4096);
    ck_assert_uint_gt(call_u(&x, "wall-seconds", 0, 0, 0), 1600000000u);
    /* too many bytes at once: a trap, not an allocation */
    host_value big = host_uint(1ull << 40), r;
    char err[512];
    ck_assert(!cm_invoke(x.ci, "random-len", &big, 1, &r, err, sizeof err));
    ck_assert_msg(strstr(err, "random bytes asked, at most") != NULL, "%s", err);
    close_world(&x);
}
END_TEST

START_TEST(p2_resources_freed_with_the_world)
{
    world x = open_world(probe(), WASI_CAP_ALL);
    uint64_t h = call_u(&x, "keep", 1000, 0, 1);
    ck_assert_uint_gt(h, 0);
    call_u(&x, "keep", 1000, 0, 1);
    ck_assert_uint_eq(wasi_p2_live(x.w), 2);
    close_world(&x);   /* valgrind: nothing left */
}
END_TEST

START_TEST(p2_caps_decide_what_links)
{
    world x = open_world(probe(), WASI_CAP_CLOCKS);
    host_value args[2] = { host_uint(1), host_uint(2) }, r;
    char err[512];
    ck_assert(!cm_invoke(x.ci, "poll-two", args, 2, &r, err, sizeof err));
    ck_assert_str_eq(err, "unresolved host import \"wasi:io/poll@0.2.3#poll\": no host provides it");
    ck_assert(!cm_invoke(x.ci, "random-len", args, 1, &r, err, sizeof err));
    ck_assert_str_eq(err, "unresolved host import \"wasi:random/random@0.2.3#get-random-bytes\": "
                          "no host provides it");
    ck_assert_uint_gt(call_u(&x, "wall-seconds", 0, 0, 0), 1600000000u);
    close_world(&x);
}
END_TEST

START_TEST(p2_call_suspends_at_block)
{
    world x = open_world(probe(), WASI_CAP_ALL);
    char err[512];
    cm_func *f = cm_export_find(x.ci, "elapsed-ns", err, sizeof err);
    ck_assert_ptr_nonnull(f);
    cm_call *c = cm_call_new(x.ci);
    host_value ms = host_uint(30);
    ck_assert(cm_call_start(c, f, &ms, 1, err, sizeof err));
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    cm_wait w;
    ck_assert(cm_call_waiting(c, &w));
    ck_assert(w.has_deadline);
    ck_assert_uint_eq(w.nfds, 0);
    /* too early: still waiting, for the same deadline */
    ck_assert_int_eq(cm_call_complete(c), VM_SUSPENDED);
    cm_wait again;
    ck_assert(cm_call_waiting(c, &again));
    ck_assert_uint_eq(again.deadline_ns, w.deadline_ns);
    cm_wait_block(&w);
    ck_assert_int_eq(cm_call_complete(c), VM_DONE);
    ck_assert(!cm_call_waiting(c, &again));
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_DONE);
    host_value r;
    ck_assert_msg(cm_call_finish(c, &r, err, sizeof err), "%s", err);
    ck_assert_uint_ge(r.u, 30 * MS);
    host_value_free(&r);
    /* a call abandoned while suspended: freed with its pending host call */
    ck_assert(cm_call_start(c, f, &ms, 1, err, sizeof err));
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    cm_call_free(c);
    close_world(&x);
}
END_TEST

START_TEST(p2_wippy_sleep_component_in_place)
{
    cm_file *f = load_path(TEST_COMPONENTS_DIR "/wippy/sleep_test_component.wasm");
    if (f == NULL)
        return;
    world x = open_world(f, WASI_CAP_POLL | WASI_CAP_CLOCKS);
    ck_assert_uint_ge(call_u(&x, "test-sleep#sleep-ms", 20, 0, 1), 20 * MS);
    ck_assert_uint_ge(call_u(&x, "test-sleep#work-with-sleep", 2, 10, 2), 20 * MS);
    ck_assert_uint_eq(wasi_p2_live(x.w), 0);
    close_world(&x);
}
END_TEST

/* p2_streams.wat with stdin and stdout on pipes (in[1] feeds the guest's
 * stdin, out[0] reads its stdout). */
static world streams_world(int in[2], int out[2])
{
    ck_assert(pipe(in) == 0 && pipe(out) == 0);
    cm_file *f = load_path(TEST_BUILD_DIR "/tests/component/p2_streams.wasm");
    ck_assert_ptr_nonnull(f);
    world x = { f, wasi_p2_new(WASI_CAP_ALL), NULL };
    ck_assert_ptr_nonnull(x.w);
    const char *args[] = { "a", "b" }, *env[] = { "K=v" };
    wasi_p2_cli cli = { args, 2, env, 1, "/home", { in[0], out[1], -1 } };
    ck_assert(wasi_p2_set_cli(x.w, &cli));
    vm_error err;
    x.ci = cm_instantiate(f, wasi_p2_host(x.w), NULL, &err);
    ck_assert_msg(x.ci != NULL, "%s", err.message);
    wasi_p2_bind(x.w, x.ci);
    return x;
}

/* poll over stdin's pollable and a clock: the clock when nothing comes;
 * suspended on both (the descriptor and the deadline) until a byte comes,
 * then stdin. blocking-read gets what is there, then `closed` at EOF. */
START_TEST(p2_poll_stream_and_clock)
{
    int in[2], out[2];
    world x = streams_world(in, out);
    ck_assert_uint_eq(call_u(&x, "poll-stdin", 20, 0, 1), 1);
    char err[512];
    cm_func *f = cm_export_find(x.ci, "poll-stdin", err, sizeof err);
    ck_assert_ptr_nonnull(f);
    cm_call *c = cm_call_new(x.ci);
    host_value ms = host_uint(60000);
    ck_assert(cm_call_start(c, f, &ms, 1, err, sizeof err));
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    cm_wait w;
    ck_assert(cm_call_waiting(c, &w));
    ck_assert(w.has_deadline);
    ck_assert_uint_eq(w.nfds, 1);
    ck_assert_int_eq(w.fds[0].fd, in[0]);
    ck_assert(w.fds[0].want_read);
    ck_assert_int_eq(cm_call_complete(c), VM_SUSPENDED);
    ck_assert(write(in[1], "hello", 5) == 5);
    cm_wait_block(&w);   /* returns at once: the pipe is readable */
    ck_assert_int_eq(cm_call_complete(c), VM_DONE);
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_DONE);
    host_value r;
    ck_assert_msg(cm_call_finish(c, &r, err, sizeof err), "%s", err);
    ck_assert_uint_eq(r.u, 0);
    cm_call_free(c);
    ck_assert_uint_eq(call_u(&x, "read-stdin", 3, 0, 1), 3);
    ck_assert_uint_eq(call_u(&x, "read-stdin", 100, 0, 1), 2);
    close(in[1]);
    ck_assert_uint_eq(call_u(&x, "read-stdin", 100, 0, 1), 0x10001);   /* closed */
    ck_assert_uint_eq(call_u(&x, "args-count", 0, 0, 0), 2);
    ck_assert_uint_eq(call_u(&x, "env-count", 0, 0, 0), 1);
    ck_assert_uint_eq(call_u(&x, "cwd-len", 0, 0, 0), 5);
    ck_assert_uint_eq(wasi_p2_live(x.w), 0);
    close(in[0]);
    close(out[0]);
    close(out[1]);
    close_world(&x);
}
END_TEST

/* poll over five stream pollables (stdout, a full pipe, four times; then
 * stdin): the wait names all five descriptors and no deadline (nothing is
 * rechecked on a timer), and a byte on stdin, the fifth, makes poll say 4.
 * A pollable whose stream was dropped is ready (poll does not hang). */
START_TEST(p2_poll_five_streams_and_a_dropped_one)
{
    int in[2], out[2];
    world x = streams_world(in, out);
    ck_assert(fcntl(out[1], F_SETFL, O_NONBLOCK) == 0);
    char fill[4096];
    memset(fill, 'x', sizeof fill);
    while (write(out[1], fill, sizeof fill) > 0)
        ;   /* stdout's pipe is full: its pollables are not ready */
    char err[512];
    cm_func *f = cm_export_find(x.ci, "poll-five", err, sizeof err);
    ck_assert_ptr_nonnull(f);
    cm_call *c = cm_call_new(x.ci);
    ck_assert(cm_call_start(c, f, NULL, 0, err, sizeof err));
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_SUSPENDED);
    cm_wait w;
    ck_assert(cm_call_waiting(c, &w));
    ck_assert(!w.has_deadline);
    ck_assert_uint_eq(w.nfds, 5);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(w.fds[i].fd, out[1]);
        ck_assert(w.fds[i].want_write && !w.fds[i].want_read);
    }
    ck_assert_int_eq(w.fds[4].fd, in[0]);
    ck_assert(w.fds[4].want_read);
    ck_assert(write(in[1], "!", 1) == 1);
    cm_wait_block(&w);   /* returns at once: the fifth is readable */
    ck_assert_int_eq(cm_call_complete(c), VM_DONE);
    ck_assert_int_eq(cm_call_run(c, VM_FUEL_UNLIMITED), VM_DONE);
    host_value r;
    ck_assert_msg(cm_call_finish(c, &r, err, sizeof err), "%s", err);
    ck_assert_uint_eq(r.u, 4);
    cm_call_free(c);
    ck_assert_uint_eq(call_u(&x, "read-stdin", 10, 0, 1), 1);
    /* stdin's pipe is empty and its writer open: the pollable of the
     * dropped stream is ready all the same */
    ck_assert_uint_eq(call_u(&x, "poll-dropped", 0, 0, 0), 0);
    /* a closed stdin (it said `closed`): its pollable is ready before a
     * minute's clock */
    close(in[1]);
    ck_assert_uint_eq(call_u(&x, "read-stdin", 10, 0, 1), 0x10001);
    ck_assert_uint_eq(call_u(&x, "poll-stdin", 60000, 0, 1), 0);
    ck_assert_uint_eq(wasi_p2_live(x.w), 0);
    close(in[0]);
    close(out[0]);
    close(out[1]);
    close_world(&x);
}
END_TEST

/* Writes reach the descriptor; a pipe without reader is `closed` (no
 * SIGPIPE); more than 4096 bytes at once in blocking-write-and-flush
 * traps; exit records the status and traps with Wippy's text. */
START_TEST(p2_write_stdout_and_exit)
{
    int in[2], out[2];
    world x = streams_world(in, out);
    ck_assert_uint_eq(call_u(&x, "write-stdout", 4, 0, 1), 0);
    char buf[8];
    ck_assert_int_eq(read(out[0], buf, sizeof buf), 4);
    ck_assert(!memcmp(buf, "xxxx", 4));
    host_value n = host_uint(4097), r;
    char err[512];
    ck_assert(!cm_invoke(x.ci, "write-stdout", &n, 1, &r, err, sizeof err));
    ck_assert_msg(strstr(err, "4097 bytes, more than the 4096") != NULL, "%s", err);
    close(out[0]);
    ck_assert_uint_eq(call_u(&x, "write-stdout", 4, 0, 1), 2);   /* closed */
    uint32_t code;
    ck_assert(!wasi_p2_exited(x.w, &code));
    n = host_uint(1);
    ck_assert(!cm_invoke(x.ci, "exit", &n, 1, &r, err, sizeof err));
    ck_assert_msg(strstr(err, "wasi exit requested: status 1") != NULL, "%s", err);
    ck_assert(wasi_p2_exited(x.w, &code));
    ck_assert_uint_eq(code, 1);
    close(in[0]);
    close(in[1]);
    close(out[1]);
    close_world(&x);
}
END_TEST

Suite *wasi_p2_suite(void)
{
    Suite *s = suite_create("wasi_p2");
    TCase *tc = tcase_create("p2");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, p2_poll_returns_the_first_ready);
    tcase_add_test(tc, p2_random_and_wall_clock);
    tcase_add_test(tc, p2_resources_freed_with_the_world);
    tcase_add_test(tc, p2_caps_decide_what_links);
    tcase_add_test(tc, p2_call_suspends_at_block);
    tcase_add_test(tc, p2_wippy_sleep_component_in_place);
    tcase_add_test(tc, p2_poll_stream_and_clock);
    tcase_add_test(tc, p2_write_stdout_and_exit);
    tcase_add_test(tc, p2_poll_five_streams_and_a_dropped_one);
    suite_add_tcase(s, tc);
    return s;
}
