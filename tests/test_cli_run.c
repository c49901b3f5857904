/* test_cli_run.c — `wippy run` with no command (start the services, wait
 * for SIGINT/SIGTERM, shut down; a second signal exits 1) and `wippy run
 * -x ID` / `--host ID` (host/cli/boot.c), through the real binary: $WIPPY
 * as make check sets it, else $(BUILD)/wippy.
 *
 * Projects are written into temporary directories; their process.wasm
 * entries use the supervisor fixtures tests/wasm/svc_*.wat (built into
 * $(BUILD)/tests/wasm, hashed at run time). */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sha256/sha256.h"
#include "tests/test_util.h"

#define WASM_DIR TEST_BUILD_DIR "/tests/wasm"
#define EXAMPLES TEST_SOURCE_DIR "/examples"

static const char *wippy_path(void)
{
    const char *w = getenv("WIPPY");
    return w != NULL ? w : TEST_BUILD_DIR "/wippy";
}

/* ---- a project ---- */

typedef struct {
    char dir[64], src[96], yaml[128], out[128], err[128];
} project;

/* A project with the fixtures' directory, a process host t:procs, the
 * process entries t:done, t:crash, t:forever, and `extra` entries. */
static void project_open(project *p, const char *extra)
{
    memset(p, 0, sizeof *p);
    strcpy(p->dir, "/tmp/wippy-cli-run-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(p->dir));
    snprintf(p->src, sizeof p->src, "%s/src", p->dir);
    snprintf(p->yaml, sizeof p->yaml, "%s/_index.yaml", p->src);
    snprintf(p->out, sizeof p->out, "%s/stdout", p->dir);
    snprintf(p->err, sizeof p->err, "%s/stderr", p->dir);
    ck_assert_int_eq(mkdir(p->src, 0755), 0);
    char crash[SHA256_HEX_SIZE], sleep[SHA256_HEX_SIZE];
    test_fixture_hash("wasm/svc_crash.wasm", crash);
    test_fixture_hash("wasm/svc_sleep.wasm", sleep);
    FILE *f = fopen(p->yaml, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "version: \"1.0\"\nnamespace: t\nentries:\n"
            "  - {name: bin, kind: fs.directory, directory: \"%s\"}\n"
            "  - {name: procs, kind: process.host, host: {workers: 1}, lifecycle: {auto_start: true}}\n"
            "  - {name: done, kind: process.wasm, fs: t:bin, path: /svc_crash.wasm,"
            " hash: \"sha256:%s\", method: done}\n"
            "  - {name: crash, kind: process.wasm, fs: t:bin, path: /svc_crash.wasm,"
            " hash: \"sha256:%s\", method: crash}\n"
            "  - {name: forever, kind: process.wasm, fs: t:bin, path: /svc_sleep.wasm,"
            " hash: \"sha256:%s\", method: forever, imports: [wasi:poll, wasi:clocks]}\n"
            "%s",
            WASM_DIR, crash, crash, sleep, extra);
    fclose(f);
}

static void project_close(project *p)
{
    unlink(p->yaml);
    unlink(p->out);
    unlink(p->err);
    rmdir(p->src);
    rmdir(p->dir);
}

/* ---- running the binary ---- */

/* Starts wippy with argv (NULL-terminated, without argv[0]); its stdout
 * and stderr go to the project's files. */
static pid_t start(const project *p, const char *const *args)
{
    const char *argv[32] = { wippy_path() };
    int n = 1;
    for (; args[n - 1] != NULL && n < 31; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (!freopen(p->out, "w", stdout) || !freopen(p->err, "w", stderr) ||
            !freopen("/dev/null", "r", stdin))
            _exit(127);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Waits up to timeout_ms for the child; returns its exit status, or -1
 * (after killing it) when it did not end in time or died of a signal. */
static int finish(pid_t pid, int timeout_ms)
{
    for (int waited = 0;; waited += 5) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (waited >= timeout_ms) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        usleep(5000);
    }
}

/* The contents of a file (malloc'd, NUL-terminated). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return strdup("");
    char *text = calloc(1, 65536);
    size_t n = fread(text, 1, 65535, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* Waits up to timeout_ms for text to appear in a file. */
static bool wait_for_text(const char *path, const char *text, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 5) {
        char *all = slurp(path);
        bool found = strstr(all, text) != NULL;
        free(all);
        if (found)
            return true;
        usleep(5000);
    }
    return false;
}

static const char SERVICE[] = "  - name: svc\n"
                              "    kind: process.service\n"
                              "    process: t:forever\n"
                              "    host: t:procs\n"
                              "    lifecycle: {auto_start: true}\n";

/* ---- wippy run ---- */

/* Starts the services, waits for SIGTERM, stops them, exits 0. */
START_TEST(run_until_sigterm)
{
    project p;
    project_open(&p, SERVICE);
    pid_t pid = start(&p, (const char *[]){ "--dir", p.dir, "-v", "run", NULL });
    ck_assert(wait_for_text(p.err, "wippy: running;", 10000));
    ck_assert(wait_for_text(p.err, "service t:svc: started {t:procs|", 10));
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    ck_assert_int_eq(finish(pid, 10000), 0);
    char *err = slurp(p.err);
    ck_assert_ptr_nonnull(strstr(err, "wippy: SIGTERM received; shutting down\n"
                                      "service t:svc: stopping\n"));
    ck_assert_ptr_nonnull(strstr(err, "service t:svc: stopped\n"));
    free(err);
    project_close(&p);
}
END_TEST

/* SIGINT does the same; without -v nothing is printed. */
START_TEST(run_until_sigint_quietly)
{
    project p;
    project_open(&p, SERVICE);
    pid_t pid = start(&p, (const char *[]){ "--dir", p.dir, "run", NULL });
    usleep(300 * 1000);
    ck_assert_int_eq(kill(pid, SIGINT), 0);
    ck_assert_int_eq(finish(pid, 10000), 0);
    char *out = slurp(p.out), *err = slurp(p.err);
    ck_assert_str_eq(out, "");
    ck_assert_str_eq(err, "");
    free(out);
    free(err);
    project_close(&p);
}
END_TEST

/* A second signal during the shutdown exits 1 at once. */
START_TEST(second_signal_exits_1)
{
    project p;
    project_open(&p, SERVICE);
    pid_t pid = start(&p, (const char *[]){ "--dir", p.dir, "-v", "run", NULL });
    ck_assert(wait_for_text(p.err, "wippy: running;", 10000));
    /* Both arrive before wippy sees the first: stopped, it cannot finish
     * its (fast) shutdown between them. */
    kill(pid, SIGSTOP);
    kill(pid, SIGINT);
    kill(pid, SIGTERM);
    kill(pid, SIGCONT);
    ck_assert_int_eq(finish(pid, 10000), 1);
    char *err = slurp(p.err);
    ck_assert_ptr_nonnull(strstr(err, "wippy: second signal during shutdown; exiting\n"));
    free(err);
    project_close(&p);
}
END_TEST

/* A required service that cannot start: exit 1 with the reason. */
START_TEST(run_fails_when_a_service_cannot_start)
{
    project p;
    project_open(&p, "  - name: bad\n"
                     "    kind: process.service\n"
                     "    process: t:forever\n"
                     "    host: t:procs\n"
                     "    input: [x, y]\n"
                     "    lifecycle: {auto_start: true}\n");
    pid_t pid = start(&p, (const char *[]){ "--dir", p.dir, "run", NULL });
    ck_assert_int_eq(finish(pid, 10000), 1);
    char *err = slurp(p.err);
    ck_assert_str_eq(err, "wippy: service t:bad failed to start: t:forever: parameter count"
                          " mismatch: expected 0, got 2\n");
    free(err);
    project_close(&p);
}
END_TEST

/* ---- wippy run -x ---- */

/* The entry runs on the only terminal host; its result is the status. */
START_TEST(exec_runs_an_entry)
{
    project p;
    project_open(&p, "  - {name: term, kind: terminal.host}\n");
    ck_assert_int_eq(finish(start(&p, (const char *[]){ "--dir", p.dir, "run", "-x", "t:done",
                                                        NULL }), 10000), 0);
    ck_assert_int_eq(finish(start(&p, (const char *[]){ "--dir", p.dir, "run", "--exec=t:crash",
                                                        NULL }), 10000), 1);
    char *err = slurp(p.err);
    ck_assert(!strncmp(err, "failed to call wasm method: crash: unreachable\n", 47));
    free(err);
    ck_assert_int_eq(finish(start(&p, (const char *[]){ "--dir", p.dir, "run", "-x", "t:nope",
                                                        NULL }), 10000), 1);
    err = slurp(p.err);
    ck_assert_str_eq(err, "process entry not found: t:nope\n");
    free(err);
    project_close(&p);
}
END_TEST

/* The example's greet command, by entry id, with its argument. */
START_TEST(exec_the_example)
{
    project p;
    project_open(&p, "");
    ck_assert_int_eq(finish(start(&p, (const char *[]){ "--dir", EXAMPLES, "run", "-x", "myns:greet",
                                                        "World", NULL }), 10000), 0);
    char *out = slurp(p.out);
    ck_assert_str_eq(out, "Hello, World!\n");
    free(out);
    project_close(&p);
}
END_TEST

/* No terminal host, several, and --host choosing one. */
START_TEST(exec_terminal_host_choice)
{
    project none, two;
    project_open(&none, "");
    ck_assert_int_eq(finish(start(&none, (const char *[]){ "--dir", none.dir, "run", "-x", "t:done",
                                                           NULL }), 10000), 1);
    char *err = slurp(none.err);
    ck_assert_str_eq(err, "no terminal.host found in registry\n");
    free(err);
    project_close(&none);

    project_open(&two, "  - {name: term1, kind: terminal.host}\n"
                       "  - {name: term2, kind: terminal.host}\n");
    ck_assert_int_eq(finish(start(&two, (const char *[]){ "--dir", two.dir, "run", "-x", "t:done",
                                                          NULL }), 10000), 1);
    err = slurp(two.err);
    ck_assert_str_eq(err, "multiple terminal hosts found (t:term1, t:term2), use --host to specify\n");
    free(err);
    ck_assert_int_eq(finish(start(&two, (const char *[]){ "--dir", two.dir, "run", "--host",
                                                          "t:term2", "-x", "t:done", NULL }),
                            10000), 0);
    ck_assert_int_eq(finish(start(&two, (const char *[]){ "--dir", two.dir, "run", "-x", "t:done",
                                                          "--host=t:term9", NULL }), 10000), 1);
    err = slurp(two.err);
    ck_assert_str_eq(err, "terminal host not found: t:term9\n");
    free(err);
    project_close(&two);
}
END_TEST

START_TEST(usage_errors)
{
    project p;
    project_open(&p, "");
    const char *const cases[][4] = {
        { "-x", NULL },
        { "--host", "t:term", NULL },
        { "--frobnicate", NULL },
    };
    const char *expect[] = {
        "wippy: run: -x needs a value\n",
        "wippy: run: --host t:term needs --exec ID or a command\n",
        "wippy: run: unknown option --frobnicate\n",
    };
    for (size_t i = 0; i < 3; i++) {
        const char *args[8] = { "--dir", p.dir, "run" };
        for (size_t k = 0; cases[i][k] != NULL; k++)
            args[3 + k] = cases[i][k];
        ck_assert_int_eq(finish(start(&p, args), 10000), 2);
        char *err = slurp(p.err);
        ck_assert_msg(!strncmp(err, expect[i], strlen(expect[i])), "got: %s", err);
        free(err);
    }
    project_close(&p);
}
END_TEST

Suite *cli_run_suite(void)
{
    Suite *s = suite_create("cli_run");
    TCase *tc = tcase_create("run");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, run_until_sigterm);
    tcase_add_test(tc, run_until_sigint_quietly);
    tcase_add_test(tc, second_signal_exits_1);
    tcase_add_test(tc, run_fails_when_a_service_cannot_start);
    tcase_add_test(tc, exec_runs_an_entry);
    tcase_add_test(tc, exec_the_example);
    tcase_add_test(tc, exec_terminal_host_choice);
    tcase_add_test(tc, usage_errors);
    suite_add_tcase(s, tc);
    return s;
}
