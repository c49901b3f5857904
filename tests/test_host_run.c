/* test_host_run.c — the terminal host (host_run_command): the output and
 * exit code of every kind of result (doc/wippy-compatibility.md), errors on stderr, the
 * CLI arguments as string arguments and as WASI argv (unless wasi.args is
 * set), the terminal's stdout, stderr and stdin (a read that waits for a
 * pipe), the execution limit, a cancel from another thread (and Wippy's
 * dropped repeated prefix), and the choice of terminal host. Also
 * `wippy run` on the example app. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/cli/cli.h"
#include "host/host.h"
#include "tests/test_host_project.h"

#define BASIC "wasm/host_basic.wasm"
#define STRINGS "wasm/host_strings.wasm"
#define GUEST "wasi_c/host_guest.wasm"

typedef struct {
    int code;
    char out[1024], err[2048];
} run_result;

static void slurp(FILE *f, char *buf, size_t len)
{
    fflush(f);
    rewind(f);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Runs entry t:NAME with argv on `terminal` (NULL: the only one). */
static run_result run(hp_project *p, const char *name, const char *terminal, int argc,
                      const char **argv)
{
    run_result r;
    char id[128];
    snprintf(id, sizeof id, "t:%s", name);
    const cfg_entry *e = cfg_lookup(p->reg, id);
    ck_assert_msg(e != NULL, "no entry %s", id);
    FILE *out = tmpfile(), *err = tmpfile();
    ck_assert(out != NULL && err != NULL);
    r.code = host_run_command(p->rt, e, terminal, argc, (char **)argv, out, err);
    slurp(out, r.out, sizeof r.out);
    slurp(err, r.err, sizeof r.err);
    return r;
}

#define WIT(decl) "    wit: |\n      " decl "\n"

START_TEST(result_kinds)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("ping", STRINGS, "ping", WIT("ping: func() -> string;")),
            hp_entry("echo", STRINGS, "echo", WIT("echo: func(s: string) -> string;")),
            hp_entry("seven", STRINGS, "seven", WIT("seven: func() -> s32;")),
            hp_entry("huge", STRINGS, "huge", WIT("huge: func() -> u32;")),
            hp_entry("yes", STRINGS, "yes", WIT("yes: func() -> bool;")),
            hp_entry("no", STRINGS, "no", WIT("no: func() -> bool;")),
            hp_entry("big", BASIC, "big", NULL), hp_entry("neg", BASIC, "neg", NULL),
            hp_entry("threeish", BASIC, "threeish", NULL), hp_entry("nan", BASIC, "nan", NULL),
            hp_entry("nothing", BASIC, "nothing", NULL), hp_entry("crash", BASIC, "crash", NULL),
            hp_entry("compute", BASIC, "compute", NULL), NULL);
    run_result r = run(&p, "ping", NULL, 0, NULL);
    ck_assert_int_eq(r.code, 0);
    ck_assert_str_eq(r.out, "pong\n");
    ck_assert_str_eq(r.err, "");
    const char *word[] = { "h\xc3\xa9llo" };
    r = run(&p, "echo", NULL, 1, word);
    ck_assert_int_eq(r.code, 0);
    ck_assert_str_eq(r.out, "h\xc3\xa9llo\n");
    r = run(&p, "echo", NULL, 0, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "failed to call wasm method: echo: parameter count mismatch: expected 1, got 0\n");
    ck_assert_int_eq(run(&p, "seven", NULL, 0, NULL).code, 7);
    ck_assert_int_eq(run(&p, "huge", NULL, 0, NULL).code, 1);   /* u32 4294967295 > INT_MAX */
    ck_assert_int_eq(run(&p, "yes", NULL, 0, NULL).code, 0);
    ck_assert_int_eq(run(&p, "no", NULL, 0, NULL).code, 1);
    ck_assert_int_eq(run(&p, "big", NULL, 0, NULL).code, 1);   /* 2^40 does not fit */
    ck_assert_int_eq(run(&p, "neg", NULL, 0, NULL).code, -5);
    ck_assert_int_eq(run(&p, "threeish", NULL, 0, NULL).code, 3);
    ck_assert_int_eq(run(&p, "nan", NULL, 0, NULL).code, 1);
    r = run(&p, "nothing", NULL, 0, NULL);
    ck_assert_int_eq(r.code, 0);
    ck_assert_str_eq(r.out, "");
    r = run(&p, "crash", NULL, 0, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(!strncmp(r.err, "failed to call wasm method: crash: unreachable\n  at func[", 56), "%s",
                  r.err);
    /* CLI arguments are strings: no string-to-number coercion. */
    const char *nums[] = { "6", "7" };
    r = run(&p, "compute", NULL, 2, nums);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(strstr(r.err, "compute: argument 1") != NULL, "%s", r.err);
    hp_close(&p);
}
END_TEST

START_TEST(args_and_stdio)
{
    hp_project p;
    hp_open(&p, 1, 0,
            hp_entry("nargs", GUEST, "nargs", "    imports: [wasi:cli]\n"
                                              WIT("nargs: func(a: string, b: string) -> s32;")),
            hp_entry("fixed", GUEST, "nargs", "    imports: [wasi:cli]\n    wasi:\n      args: [x, y, z]\n"
                                              WIT("nargs: func(a: string, b: string) -> s32;")),
            hp_entry("hello", GUEST, "hello", "    imports: [wasi:cli]\n"), NULL);
    const char *ab[] = { "a", "bb" };
    ck_assert_int_eq(run(&p, "nargs", NULL, 2, ab).code, 203);   /* argv = the 2 CLI args */
    ck_assert_int_eq(run(&p, "fixed", NULL, 2, ab).code, 303);   /* wasi.args wins */
    run_result r = run(&p, "hello", NULL, 0, NULL);
    ck_assert_int_eq(r.code, 0);
    ck_assert_str_eq(r.out, "hi\n");
    ck_assert_str_eq(r.err, "oops\n");
    hp_close(&p);
}
END_TEST

static void *write_later(void *arg)
{
    int fd = *(int *)arg;
    usleep(100000);
    ck_assert_int_eq(write(fd, "abc", 3), 3);
    usleep(50000);
    ck_assert_int_eq(write(fd, "de", 2), 2);
    close(fd);
    return NULL;
}

/* stdin is a pipe that stays empty for 100 ms: the read waits in place. */
START_TEST(stdin_waits)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("slurp", GUEST, "slurp", "    imports: [wasi:cli]\n"), NULL);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    int saved = dup(0);
    ck_assert_int_eq(dup2(fds[0], 0), 0);
    close(fds[0]);
    pthread_t writer;
    pthread_create(&writer, NULL, write_later, &fds[1]);
    int64_t t0 = hp_now_ms();
    run_result r = run(&p, "slurp", NULL, 0, NULL);
    pthread_join(writer, NULL);
    dup2(saved, 0);
    close(saved);
    ck_assert_msg(r.code == 5, "code %d: %s", r.code, r.err);
    ck_assert_int_ge(hp_now_ms() - t0, 150);
    hp_close(&p);
}
END_TEST

#define STREAMS "component/p2_streams.wasm"
#define CM_CLI "    imports: [wasi:io, wasi:poll, wasi:clocks, wasi:cli]\n"

/* A component on the terminal host: its stdout is the terminal's (the
 * command's `run` prints "a0e0\n" and returns ok, printed as JSON), and
 * poll over stdin and a 10 s clock parks until the pipe has data (100 ms). */
START_TEST(component_stdio)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("run", STREAMS, "wasi:cli/run@0.2.3#run", CM_CLI),
            hp_entry("wait", STREAMS, "wait-stdin", CM_CLI), NULL);
    run_result r = run(&p, "run", NULL, 0, NULL);
    ck_assert_msg(r.code == 0, "code %d: %s", r.code, r.err);
    ck_assert_msg(!strncmp(r.out, "a0e0\n", 5), "%s", r.out);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    int saved = dup(0);
    ck_assert_int_eq(dup2(fds[0], 0), 0);
    close(fds[0]);
    pthread_t writer;
    pthread_create(&writer, NULL, write_later, &fds[1]);
    int64_t t0 = hp_now_ms();
    r = run(&p, "wait", NULL, 0, NULL);
    pthread_join(writer, NULL);
    dup2(saved, 0);
    close(saved);
    ck_assert_msg(r.code == 0, "code %d: %s", r.code, r.err);   /* index 0: stdin */
    ck_assert_int_ge(hp_now_ms() - t0, 90);
    ck_assert_int_lt(hp_now_ms() - t0, 5000);
    hp_close(&p);
}
END_TEST

typedef struct {
    hp_project *p;
    const char *reason;
} canceller;

/* Finds the command process (the only process: a pid with a host index,
 * among the first few) and cancels it. */
static void *cancel_later(void *arg)
{
    canceller *c = arg;
    for (int tries = 0; tries < 2000; tries++) {
        for (uint64_t host = 1; host < 4; host++) {
            for (uint64_t seq = 1; seq < 16; seq++) {
                host_pid pid = (host << 40) | seq;
                if (host_alive(c->p->rt, pid)) {
                    ck_assert(host_cancel(c->p->rt, pid, c->reason));
                    return NULL;
                }
            }
        }
        usleep(1000);
    }
    return NULL;
}

START_TEST(limit_and_cancel)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("spin", BASIC, "spin", NULL),
            hp_entry("slow", BASIC, "spin", "    limits:\n      max_execution_ms: 50\n"), NULL);
    run_result r = run(&p, "slow", NULL, 0, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_str_eq(r.err, "execution time limit exceeded: 50 ms\n");
    hp_close(&p);

    hp_open(&p, 1, 0, hp_entry("spin", BASIC, "spin", NULL), NULL);
    canceller c = { &p, "cancelled: by test" };
    pthread_t t;
    pthread_create(&t, NULL, cancel_later, &c);
    r = run(&p, "spin", NULL, 0, NULL);
    pthread_join(t, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_str_eq(r.err, "cancelled: by test\n");   /* "cancelled: " said once */
    hp_close(&p);
}
END_TEST

START_TEST(terminal_choice)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("nothing", BASIC, "nothing", NULL),
            strdup("  - name: other\n    kind: terminal.host\n"), NULL);
    run_result r = run(&p, "nothing", NULL, 0, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_str_eq(r.err, "multiple terminal hosts found (t:term, t:other), use --host to specify\n");
    ck_assert_int_eq(run(&p, "nothing", "t:other", 0, NULL).code, 0);
    r = run(&p, "nothing", "t:procs", 0, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_str_eq(r.err, "terminal host not found: t:procs\n");
    hp_close(&p);

    hp_open(&p, 0, 0, hp_entry("nothing", BASIC, "nothing", NULL), NULL);
    r = run(&p, "nothing", NULL, 0, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_str_eq(r.err, "no terminal.host found in registry\n");
    hp_close(&p);
}
END_TEST

/* `wippy --dir examples run greet World` through the CLI entry point. */
START_TEST(cli_greet)
{
    FILE *out = tmpfile(), *err = tmpfile();
    char *argv[] = { "wippy", "--dir", TEST_SOURCE_DIR "/examples", "run", "greet", "World", NULL };
    int code = wippy_cli(6, argv, out, err);
    char o[256], e[256];
    slurp(out, o, sizeof o);
    slurp(err, e, sizeof e);
    ck_assert_msg(code == 0, "code %d: %s", code, e);
    ck_assert_str_eq(o, "Hello, World!\n");
    ck_assert_str_eq(e, "");

    out = tmpfile(), err = tmpfile();
    char *none[] = { "wippy", "--dir", TEST_SOURCE_DIR "/examples", "run", "greet", NULL };
    code = wippy_cli(5, none, out, err);
    slurp(out, o, sizeof o);
    slurp(err, e, sizeof e);
    ck_assert_int_eq(code, 1);
    ck_assert_str_eq(e, "failed to call wasm method: greet: parameter count mismatch: expected 1, got 0\n");
}
END_TEST

Suite *host_run_suite(void)
{
    Suite *s = suite_create("host_run");
    TCase *tc = tcase_create("terminal");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, result_kinds);
    tcase_add_test(tc, args_and_stdio);
    tcase_add_test(tc, component_stdio);
    tcase_add_test(tc, stdin_waits);
    tcase_add_test(tc, limit_and_cancel);
    tcase_add_test(tc, terminal_choice);
    tcase_add_test(tc, cli_greet);
    suite_add_tcase(s, tc);
    return s;
}
