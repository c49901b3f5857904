/* test_wasi.c — WASI preview 1 through guest programs: arguments,
 * environment, exit codes, traps, clocks, random, stdio (files, pipes, the
 * null stream), bounds checks (EFAULT), capability groups, preopens, and
 * the filesystem calls (tests/wasi_c/wasi_fs.c). Guests exit with the line
 * number of a failed check, so a failure names the guest's line. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/test_wasi_harness.h"

#define CLI "wasi_c/wasi_cli"

/* Runs wasi_cli with one mode argument and stdio of our choosing. */
static int run_cli(const char *mode, int in, int out, int err)
{
    const char *argv[3], *args[] = { mode };
    wasi_config cfg = guest_config(argv, args, 1, in, out, err);
    return guest_main(CLI, &cfg);
}

START_TEST(test_args_env_stdout)
{
    const char *argv[4], *args[] = { "echo", "x", "y z" };
    const char *env[] = { "A=1", "B=two words" };
    int out = capture_new();
    wasi_config cfg = guest_config(argv, args, 3, -1, out, -1);
    cfg.env = env;
    cfg.nenv = 2;
    ck_assert_int_eq(guest_main(CLI, &cfg), 0);
    capture_check(out, "argc=4\narg=echo\narg=x\narg=y z\nenv=A=1\nenv=B=two words\n");
}
END_TEST

START_TEST(test_exit_codes)
{
    const char *argv[4], *args[] = { "exit", "7" };
    wasi_config cfg = guest_config(argv, args, 2, -1, -1, -1);
    guest g;
    guest_open(&g, CLI, &cfg);
    ck_assert_int_eq(wasi_run_start(g.ctx, g.inst, g.thread, VM_FUEL_UNLIMITED), 7);
    uint32_t code = 0;
    ck_assert(wasi_exited(g.ctx, &code));
    ck_assert_uint_eq(code, 7);
    ck_assert_str_eq(vm_thread_trap(g.thread)->message, "exit 7");
    guest_close(&g);

    args[1] = "0";
    cfg = guest_config(argv, args, 2, -1, -1, -1);
    ck_assert_int_eq(guest_main(CLI, &cfg), 0);

    /* Returning from _start is 0, and is not an exit. */
    args[0] = "clock";
    cfg = guest_config(argv, args, 1, -1, -1, -1);
    guest_open(&g, CLI, &cfg);
    ck_assert_int_eq(wasi_run_start(g.ctx, g.inst, g.thread, VM_FUEL_UNLIMITED), 0);
    ck_assert(!wasi_exited(g.ctx, NULL));
    guest_close(&g);
}
END_TEST

START_TEST(test_raise_traps)
{
    const char *argv[3], *args[] = { "raise" };
    wasi_config cfg = guest_config(argv, args, 1, -1, -1, -1);
    guest g;
    guest_open(&g, CLI, &cfg);
    ck_assert_int_eq(wasi_run_start(g.ctx, g.inst, g.thread, VM_FUEL_UNLIMITED), -1);
    ck_assert_str_eq(vm_thread_trap(g.thread)->message, "signal 15");
    ck_assert(!wasi_exited(g.ctx, NULL));
    guest_close(&g);
}
END_TEST

START_TEST(test_clocks_and_random)
{
    ck_assert_int_eq(run_cli("clock", -1, -1, -1), 0);
    ck_assert_int_eq(run_cli("random", -1, -1, -1), 0);
}
END_TEST

START_TEST(test_stdio_pipes)
{
    int in[2];
    ck_assert_int_eq(pipe(in), 0);
    ck_assert_int_eq(write(in[1], "abc\n", 4), 4);
    close(in[1]);
    int out = capture_new(), err = capture_new();
    ck_assert_int_eq(run_cli("stdio", in[0], out, err), 0);
    close(in[0]);
    capture_check(out, "abc\n<eof>\n");
    capture_check(err, "to stderr\n");
}
END_TEST

/* -1 for every stream: reads see the end at once, writes vanish. */
START_TEST(test_stdio_null_stream)
{
    ck_assert_int_eq(run_cli("stdio", -1, -1, -1), 0);
}
END_TEST

/* Pointers and lengths outside memory, bad paths; fd 3 must be a directory. */
START_TEST(test_bounds_and_paths)
{
    char *dir = scratch_new();
    const char *argv[3], *args[] = { "efault" };
    wasi_mount m = { dir, "/", false };
    wasi_config cfg = guest_config(argv, args, 1, -1, -1, -1);
    cfg.mounts = &m;
    cfg.nmounts = 1;
    ck_assert_int_eq(guest_main(CLI, &cfg), 0);
    scratch_free(dir);
}
END_TEST

START_TEST(test_no_memory_is_efault)
{
    wasi_config cfg = { .stdio = { -1, -1, -1 }, .caps = WASI_CAP_ALL };
    ck_assert_int_eq(guest_main("wasm/wasi_nomem", &cfg), 21);
}
END_TEST

START_TEST(test_no_start)
{
    wasi_config cfg = { .stdio = { -1, -1, -1 }, .caps = WASI_CAP_ALL };
    ck_assert_int_eq(guest_main("wasm/wasi_nostart", &cfg), -3);
}
END_TEST

/* Preopens are numbered from 3 in guest-path order. */
START_TEST(test_preopen_order)
{
    char *a = scratch_new(), *b = scratch_new(), *c = scratch_new();
    wasi_mount m[] = { { a, "/z", false }, { b, "/a", true }, { c, "/", false } };
    const char *argv[3], *args[] = { "preopens" };
    int out = capture_new();
    wasi_config cfg = guest_config(argv, args, 1, -1, out, -1);
    cfg.mounts = m;
    cfg.nmounts = 3;
    ck_assert_int_eq(guest_main(CLI, &cfg), 0);
    capture_check(out, "3=/\n4=/a\n5=/z\n");
    scratch_free(a);
    scratch_free(b);
    scratch_free(c);
}
END_TEST

START_TEST(test_mount_errors)
{
    wasi_mount m = { "/nonexistent/wippy-test", "/data", false };
    wasi_config cfg = { .stdio = { -1, -1, -1 }, .mounts = &m, .nmounts = 1, .caps = WASI_CAP_ALL };
    char msg[256];
    ck_assert_ptr_null(wasi_ctx_new(&cfg, msg, sizeof msg));
    ck_assert_str_eq(msg, "mount /data: cannot open /nonexistent/wippy-test: No such file or directory");
    /* Without the FILESYSTEM group mounts are not even opened. */
    cfg.caps = WASI_CAP_CLI;
    wasi_ctx *ctx = wasi_ctx_new(&cfg, msg, sizeof msg);
    ck_assert_ptr_nonnull(ctx);
    wasi_ctx_free(ctx);
}
END_TEST

/* wasi_probe's exit code is a mask of what worked (see the guest). */
static int probe(unsigned caps)
{
    char *dir = scratch_new();
    const char *argv[3], *args[] = { "probe-arg" };
    const char *env[] = { "PROBE=1" };
    wasi_mount m = { dir, "/", false };
    wasi_config cfg = guest_config(argv, args, 1, -1, -1, -1);
    cfg.env = env;
    cfg.nenv = 1;
    cfg.mounts = &m;
    cfg.nmounts = 1;
    cfg.caps = caps;
    int mask = guest_main("wasi_c/wasi_probe", &cfg);
    scratch_free(dir);
    return mask;
}

START_TEST(test_capabilities)
{
    ck_assert_int_eq(probe(WASI_CAP_ALL), 1023);
    ck_assert_int_eq(probe(0), 512);
    ck_assert_int_eq(probe(WASI_CAP_CLI), 1 | 2 | 4 | 512);
    ck_assert_int_eq(probe(WASI_CAP_CLI | WASI_CAP_FILESYSTEM), 1 | 2 | 4 | 8 | 512);
    ck_assert_int_eq(probe(WASI_CAP_FILESYSTEM | WASI_CAP_IO), 8 | 256 | 512);
    ck_assert_int_eq(probe(WASI_CAP_CLOCKS), 16 | 512);
    ck_assert_int_eq(probe(WASI_CAP_RANDOM), 32 | 512);
    ck_assert_int_eq(probe(WASI_CAP_POLL), 64 | 512);
    ck_assert_int_eq(probe(WASI_CAP_SOCKETS), 128 | 512);

    ck_assert_uint_eq(wasi_cap_from_name("wasi:cli"), WASI_CAP_CLI);
    ck_assert_uint_eq(wasi_cap_from_name("wasi:io"), WASI_CAP_IO);
    ck_assert_uint_eq(wasi_cap_from_name("wasi:clocks"), WASI_CAP_CLOCKS);
    ck_assert_uint_eq(wasi_cap_from_name("wasi:filesystem"), WASI_CAP_FILESYSTEM);
    ck_assert_uint_eq(wasi_cap_from_name("wasi:random"), WASI_CAP_RANDOM);
    ck_assert_uint_eq(wasi_cap_from_name("wasi:poll"), WASI_CAP_POLL);
    ck_assert_uint_eq(wasi_cap_from_name("wasi:sockets"), WASI_CAP_SOCKETS);
    ck_assert_uint_eq(wasi_cap_from_name("wasi:http"), WASI_CAP_HTTP);
    ck_assert_uint_eq(wasi_cap_from_name(NULL), 0);
}
END_TEST

/* The filesystem guest in a scratch directory mounted at "/". */
static void run_fs(const char *mode)
{
    char *dir = scratch_new();
    const char *argv[3], *args[] = { mode };
    wasi_mount m = { dir, "/", false };
    wasi_config cfg = guest_config(argv, args, 1, -1, -1, 2);
    cfg.mounts = &m;
    cfg.nmounts = 1;
    ck_assert_int_eq(guest_main("wasi_c/wasi_fs", &cfg), 0);
    scratch_free(dir);
}

START_TEST(test_fs_files)
{
    run_fs("files");
}
END_TEST

START_TEST(test_fs_raw)
{
    run_fs("raw");
}
END_TEST

Suite *wasi_suite(void)
{
    Suite *s = suite_create("wasi");
    TCase *tc = tcase_create("wasi");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_args_env_stdout);
    tcase_add_test(tc, test_exit_codes);
    tcase_add_test(tc, test_raise_traps);
    tcase_add_test(tc, test_clocks_and_random);
    tcase_add_test(tc, test_stdio_pipes);
    tcase_add_test(tc, test_stdio_null_stream);
    tcase_add_test(tc, test_bounds_and_paths);
    tcase_add_test(tc, test_no_memory_is_efault);
    tcase_add_test(tc, test_no_start);
    tcase_add_test(tc, test_preopen_order);
    tcase_add_test(tc, test_mount_errors);
    tcase_add_test(tc, test_capabilities);
    tcase_add_test(tc, test_fs_files);
    tcase_add_test(tc, test_fs_raw);
    suite_add_tcase(s, tc);
    return s;
}
