/* test_cli_run.c — `wippy run` with no command (start the services, wait
 * for SIGINT/SIGTERM, shut down; a second signal exits 1) and `wippy run
 * -x ID` / `--host ID` (host/cli/boot.c), through the real binary: $WIPPY
 * as make check sets it, else $(BUILD)/wippy.
 *
 * Wippy's run flags: -o (entry overrides), --config/.wippy.yaml and --set
 * (logger.level with ${env:NAME}, shutdown.timeout, unknown sections as
 * notes), -s, -c (colours on a terminal: a pty), --very-verbose.
 *
 * Projects are written into temporary directories; their process.wasm
 * entries use the supervisor fixtures tests/wasm/svc_*.wat (built into
 * $(BUILD)/tests/wasm, hashed at run time). */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
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
    char settings[128];
    snprintf(settings, sizeof settings, "%s/.wippy.yaml", p->dir);
    unlink(settings);
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


/* ---- Wippy's run flags ---- */

#define TERM "  - {name: term, kind: terminal.host}\n"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs wippy to its end; its status, and its stderr in *err (malloc'd). */
static int run_to_end(const project *p, const char *const *args, char **err)
{
    int status = finish(start(p, args), 10000);
    *err = slurp(p->err);
    return status;
}

/* -o ns:entry:field=value overrides a field before the entry is checked;
 * repeatable; one naming no entry is an error. */
START_TEST(override_entry_fields)
{
    project p;
    project_open(&p, TERM);
    char *err;
    ck_assert_int_eq(run_to_end(&p, (const char *[]){ "--dir", p.dir, "run", "-o",
                                                      "t:done:method=crash", "-x", "t:done", NULL },
                                &err), 1);
    ck_assert_msg(!strncmp(err, "failed to call wasm method: crash: unreachable\n", 47), "%s", err);
    free(err);
    ck_assert_int_eq(run_to_end(&p, (const char *[]){ "--dir", p.dir, "run", "-o", "t:done:method=crash",
                                                      "-o", "t:crash:method=done", "-x", "t:crash", NULL },
                                &err), 0);
    free(err);
    ck_assert_int_eq(run_to_end(&p, (const char *[]){ "--dir", p.dir, "run", "-o", "t:nope:method=x",
                                                      "-x", "t:done", NULL }, &err), 1);
    ck_assert_msg(strstr(err, "wippy: -o t:nope:method=x: no entry t:nope\n") != NULL, "%s", err);
    free(err);
    ck_assert_int_eq(run_to_end(&p, (const char *[]){ "--dir", p.dir, "run", "-o", "t:done=x",
                                                      "-x", "t:done", NULL }, &err), 1);
    ck_assert_msg(strstr(err, "-o t:done=x: expected ns:entry:field=value") != NULL, "%s", err);
    free(err);
    project_close(&p);
}
END_TEST

static void write_settings(const project *p, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/.wippy.yaml", p->dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* .wippy.yaml: logger.level (with ${env:NAME}) turns the log on; -s wins;
 * --set overrides the file; unknown sections are notes under -v; a
 * missing --config file and a bad value are errors. */
START_TEST(config_file_and_set)
{
    project p;
    project_open(&p, TERM);
    write_settings(&p, "logger:\n  level: \"${env:WIPPY_TEST_LEVEL}\"\nscheduler:\n  x: 1\n");
    setenv("WIPPY_TEST_LEVEL", "debug", 1);
    char *err;
    ck_assert_int_eq(run_to_end(&p, (const char *[]){ "--dir", p.dir, "run", "-x", "t:done", NULL },
                                &err), 0);
    ck_assert_msg(strstr(err, "host: run {t:term|") != NULL, "%s", err);
    ck_assert_msg(strstr(err, "scheduler") == NULL, "%s", err);
    free(err);
    ck_assert_int_eq(run_to_end(&p, (const char *[]){ "--dir", p.dir, "-v", "run", "-x", "t:done",
                                                      NULL }, &err), 0);
    ck_assert_msg(strstr(err, "/.wippy.yaml: section \"scheduler\" is not used by this runtime\n"),
                  "%s", err);
    free(err);
    ck_assert_int_eq(run_to_end(&p, (const char *[]){ "--dir", p.dir, "run", "-s", "-x", "t:done",
                                                      NULL }, &err), 0);
    ck_assert_str_eq(err, "");
    free(err);
    ck_assert_int_eq(run_to_end(&p, (const char *[]){ "--dir", p.dir, "run", "--set",
                                                      "logger.level=error", "-x", "t:done", NULL },
                                &err), 0);
    ck_assert_str_eq(err, "");
    free(err);
    setenv("WIPPY_TEST_LEVEL", "info", 1);
    ck_assert_int_eq(run_to_end(&p, (const char *[]){ "--dir", p.dir, "run", "-x", "t:done", NULL },
                                &err), 0);
    ck_assert_str_eq(err, "");
    free(err);
    unsetenv("WIPPY_TEST_LEVEL");
    ck_assert_int_eq(run_to_end(&p, (const char *[]){ "--dir", p.dir, "--config", "/nonexistent.yaml",
                                                      "run", "-x", "t:done", NULL }, &err), 1);
    ck_assert_str_eq(err, "wippy: config: /nonexistent.yaml: No such file or directory\n");
    free(err);
    ck_assert_int_eq(run_to_end(&p, (const char *[]){ "--dir", p.dir, "run", "--set",
                                                      "shutdown.timeout=soon", "-x", "t:done", NULL },
                                &err), 1);
    ck_assert_str_eq(err, "wippy: config: shutdown.timeout: expected a positive duration like "
                          "\"30s\", got \"soon\"\n");
    free(err);
    project_close(&p);
}
END_TEST

#ifdef WIPPY_LUA   /* the two below use process.lua entries */

/* A shutdown that outlasts shutdown.timeout (a Lua service that ignores
 * its CANCEL, stop_timeout 10s) exits 1 when the timeout ends. */
START_TEST(shutdown_timeout_forces_exit)
{
    char extra[1024];
    snprintf(extra, sizeof extra,
             "  - {name: stubborn, kind: process.lua, source: \"file://%s/tests/lua/stubborn.lua\","
             " method: main, modules: [process]}\n"
             "  - name: svc\n"
             "    kind: process.service\n"
             "    process: t:stubborn\n"
             "    host: t:procs\n"
             "    lifecycle: {auto_start: true, stop_timeout: 10s}\n",
             TEST_SOURCE_DIR);
    project p;
    project_open(&p, extra);
    write_settings(&p, "shutdown:\n  timeout: 10s\n");
    pid_t pid = start(&p, (const char *[]){ "--dir", p.dir, "-v", "run", "--set",
                                            "shutdown.timeout=300ms", NULL });
    ck_assert(wait_for_text(p.err, "wippy: running;", 10000));
    int64_t t0 = now_ms();
    kill(pid, SIGTERM);
    ck_assert_int_eq(finish(pid, 5000), 1);
    int64_t took = now_ms() - t0;
    ck_assert_msg(took >= 250 && took < 5000, "exited after %lld ms", (long long)took);
    char *err = slurp(p.err);
    ck_assert_ptr_nonnull(strstr(err, "wippy: shutdown did not finish within shutdown.timeout; "
                                      "exiting\n"));
    free(err);
    project_close(&p);
}
END_TEST

/* --very-verbose logs a process's error with its trace; -v its first line. */
START_TEST(very_verbose_traces)
{
    char extra[512];
    snprintf(extra, sizeof extra,
             "  - {name: boom, kind: process.lua, source: \"file://%s/tests/lua/errors.lua\","
             " method: boom}\n  - {name: term, kind: terminal.host}\n", TEST_SOURCE_DIR);
    project p;
    project_open(&p, extra);
    const char *flags[] = { "-v", "--very-verbose" };
    for (int i = 0; i < 2; i++) {
        char *err;
        ck_assert_int_eq(run_to_end(&p, (const char *[]){ "--dir", p.dir, flags[i], "run", "-x",
                                                          "t:boom", NULL }, &err), 1);
        const char *line = strstr(err, "host: exit {t:term|");
        ck_assert_msg(line != NULL, "%s", err);
        const char *nl = strchr(line, '\n');
        ck_assert_ptr_nonnull(nl);
        ck_assert_msg((strncmp(nl + 1, "  at ", 5) == 0) == (i == 1), "%s: %s", flags[i], err);
        free(err);
    }
    project_close(&p);
}
END_TEST

#endif

/* -c: the log on stderr, coloured only when stderr is a terminal. */
START_TEST(console_colours_on_a_terminal)
{
    project p;
    project_open(&p, "  - {name: term, kind: terminal.host}\n");
    char *err;
    ck_assert_int_eq(run_to_end(&p, (const char *[]){ "--dir", p.dir, "-c", "run", "-x", "t:done",
                                                      NULL }, &err), 0);
    ck_assert_msg(strstr(err, "host: run ") != NULL && strchr(err, '\033') == NULL, "%s", err);
    free(err);
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(master, 0);
    ck_assert(grantpt(master) == 0 && unlockpt(master) == 0);
    char slave[128];
    snprintf(slave, sizeof slave, "%s", ptsname(master));
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (!freopen(p.out, "w", stdout) || !freopen(slave, "w", stderr))
            _exit(127);
        execl(wippy_path(), wippy_path(), "--dir", p.dir, "-c", "run", "-x", "t:done", (char *)NULL);
        _exit(127);
    }
    char buf[8192] = "";
    size_t n = 0;
    int64_t until = now_ms() + 10000;
    while (now_ms() < until && n < sizeof buf - 1 && strstr(buf, "\033[36mhost\033[0m run") == NULL) {
        struct timeval tv = { 0, 50000 };
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(master, &fds);
        if (select(master + 1, &fds, NULL, NULL, &tv) > 0) {
            ssize_t got = read(master, buf + n, sizeof buf - 1 - n);
            if (got <= 0)
                break;
            n += (size_t)got;
        }
        buf[n] = '\0';
    }
    ck_assert_int_eq(finish(pid, 10000), 0);
    close(master);
    ck_assert_msg(strstr(buf, "\033[36mhost\033[0m run {t:term|") != NULL, "%s", buf);
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
    tcase_add_test(tc, override_entry_fields);
    tcase_add_test(tc, config_file_and_set);
#ifdef WIPPY_LUA
    tcase_add_test(tc, shutdown_timeout_forces_exit);
    tcase_add_test(tc, very_verbose_traces);
#endif
    tcase_add_test(tc, console_colours_on_a_terminal);
    suite_add_tcase(s, tc);
    return s;
}
