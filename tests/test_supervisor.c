/* test_supervisor.c — process.service supervision (host/supervisor.c),
 * driven through the public runtime API: host_runtime_start() starts the
 * services, host_runtime_stop() stops them.
 *
 * Each test writes a small project into a temporary directory: an
 * fs.directory on $(BUILD)/tests/wasm (the fixtures tests/wasm/svc_*.wat,
 * hashed here at run time), a process.host, process.wasm entries for the
 * fixtures' methods, and the test's own process.service entries. The
 * supervisor's log goes to a FILE whose writes are split into lines, each
 * stamped with the monotonic time it arrived: that is how restarts, their
 * delays and the start and stop order are observed. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "host/host.h"
#include "sha256/sha256.h"
#include "tests/test_util.h"

#define WASM_DIR TEST_BUILD_DIR "/tests/wasm"
#define MS INT64_C(1000000)
/* Scheduling slack allowed on top of a restart delay (sanitizers and
 * valgrind make spawning slow; the lower bounds stay exact). */
#define SLACK_MS 150

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- the log: lines with the time they arrived ---- */

#define MAX_LINES 512

typedef struct {
    pthread_mutex_t lock;
    char partial[2048];
    size_t npartial;
    char *lines[MAX_LINES];
    int64_t at[MAX_LINES];
    size_t n;
} capture;

static ssize_t capture_write(void *cookie, const char *buf, size_t size)
{
    capture *c = cookie;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < size; i++) {
        if (buf[i] != '\n') {
            if (c->npartial + 1 < sizeof c->partial)
                c->partial[c->npartial++] = buf[i];
            continue;
        }
        if (c->n < MAX_LINES) {
            c->lines[c->n] = strndup(c->partial, c->npartial);
            c->at[c->n++] = now_ns();
        }
        c->npartial = 0;
    }
    pthread_mutex_unlock(&c->lock);
    return (ssize_t)size;
}

static FILE *capture_open(capture *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    FILE *f = fopencookie(c, "w", (cookie_io_functions_t){ .write = capture_write });
    ck_assert_ptr_nonnull(f);
    setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

static void capture_free(capture *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->lines[i]);
    pthread_mutex_destroy(&c->lock);
}

/* The lines containing `text`, in order: up to max of them into idx. */
static size_t find_lines(capture *c, const char *text, size_t *idx, size_t max)
{
    size_t found = 0;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->n; i++)
        if (strstr(c->lines[i], text) != NULL) {
            if (found < max)
                idx[found] = i;
            found++;
        }
    pthread_mutex_unlock(&c->lock);
    return found;
}

static size_t count_lines(capture *c, const char *text)
{
    size_t idx[1];
    return find_lines(c, text, idx, 0);
}

/* Waits up to timeout_ms for `count` lines containing `text`. */
static bool wait_lines(capture *c, const char *text, size_t count, int timeout_ms)
{
    int64_t until = now_ns() + timeout_ms * MS;
    while (count_lines(c, text) < count) {
        if (now_ns() > until)
            return false;
        usleep(2000);
    }
    return true;
}

static void dump(capture *c)
{
    for (size_t i = 0; i < c->n; i++)
        fprintf(stderr, "  log: %s\n", c->lines[i]);
}

/* ---- a project in a temporary directory ---- */

typedef struct {
    char dir[64], src[96], yaml[128];
    cfg_registry *reg;
    host_runtime *rt;
    capture log;
    FILE *logf;
} project;

/* The common entries: the fixtures' directory, a host, one process.wasm
 * per fixture method (t:crash, t:done, t:spin; t:forever, t:nap_crash,
 * t:nap_done). */
static void write_common(FILE *f)
{
    char crash[SHA256_HEX_SIZE], sleep[SHA256_HEX_SIZE];
    test_fixture_hash("wasm/svc_crash.wasm", crash);
    test_fixture_hash("wasm/svc_sleep.wasm", sleep);
    fprintf(f, "version: \"1.0\"\nnamespace: t\nentries:\n"
               "  - {name: bin, kind: fs.directory, directory: \"%s\"}\n"
               "  - {name: procs, kind: process.host, host: {workers: 2}, lifecycle: {auto_start: true}}\n",
            WASM_DIR);
    const char *pure[] = { "crash", "done", "spin" };
    for (size_t i = 0; i < 3; i++)
        fprintf(f, "  - {name: %s, kind: process.wasm, fs: t:bin, path: /svc_crash.wasm,"
                   " hash: \"sha256:%s\", method: %s}\n", pure[i], crash, pure[i]);
    const char *names[] = { "forever", "nap_crash", "nap_done" };
    const char *methods[] = { "forever", "nap_then_crash", "nap_then_done" };
    for (size_t i = 0; i < 3; i++)
        fprintf(f, "  - {name: %s, kind: process.wasm, fs: t:bin, path: /svc_sleep.wasm,"
                   " hash: \"sha256:%s\", method: %s, imports: [wasi:poll, wasi:clocks]}\n",
                names[i], sleep, methods[i]);
}

/* Writes the project with `services` (YAML entries, indented by two) and
 * loads it; the runtime is made but not started. */
static void project_open(project *p, const char *services)
{
    memset(p, 0, sizeof *p);
    strcpy(p->dir, "/tmp/wippy-supervisor-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(p->dir));
    snprintf(p->src, sizeof p->src, "%s/src", p->dir);
    ck_assert_int_eq(mkdir(p->src, 0755), 0);
    snprintf(p->yaml, sizeof p->yaml, "%s/_index.yaml", p->src);
    FILE *f = fopen(p->yaml, "w");
    ck_assert_ptr_nonnull(f);
    write_common(f);
    fputs(services, f);
    fclose(f);
    cfg_options opts = { .project_dir = p->dir };
    p->reg = cfg_load(&opts);
    ck_assert_ptr_nonnull(p->reg);
    for (size_t i = 0; i < cfg_error_count(p->reg); i++)
        fprintf(stderr, "%s\n", cfg_error_at(p->reg, i)->text);
    ck_assert_uint_eq(cfg_error_count(p->reg), 0);
    p->logf = capture_open(&p->log);
    host_options ho = { .log = p->logf };
    char err[1024];
    p->rt = host_runtime_new(p->reg, &ho, err, sizeof err);
    ck_assert_msg(p->rt != NULL && err[0] == '\0', "host_runtime_new: %s", err);
}

static void project_start(project *p)
{
    char err[1024] = "";
    bool ok = host_runtime_start(p->rt, err, sizeof err);
    ck_assert_msg(ok, "host_runtime_start: %s", err);
}

static void project_close(project *p)
{
    host_runtime_free(p->rt);
    fclose(p->logf);
    capture_free(&p->log);
    cfg_free(p->reg);
    unlink(p->yaml);
    rmdir(p->src);
    rmdir(p->dir);
}

/* ---- tests ---- */

/* A service that traps at once is restarted after 50, 100, 200 ms (factor
 * 2, jitter 10%) and, after max_attempts = 3 restarts, left Failed. */
START_TEST(crash_restarts_with_backoff)
{
    project p;
    project_open(&p, "  - name: svc\n"
                     "    kind: process.service\n"
                     "    process: t:crash\n"
                     "    host: t:procs\n"
                     "    lifecycle:\n"
                     "      auto_start: true\n"
                     "      restart: {initial_delay: 50ms, max_delay: 1s, backoff_factor: 2.0,"
                     " jitter: 0.1, max_attempts: 3}\n");
    project_start(&p);
    bool gave_up = wait_lines(&p.log, "service t:svc: exited with error", 4, 5000) &&
                   wait_lines(&p.log, "giving up after 3 restarts", 1, 1000);
    if (!gave_up)
        dump(&p.log);
    ck_assert(gave_up);
    usleep(300 * 1000);        /* nothing more happens */
    size_t started[8];
    ck_assert_uint_eq(find_lines(&p.log, "service t:svc: started {t:procs|", started, 8), 4);
    const int64_t base[3] = { 50, 100, 200 };
    for (int k = 0; k < 3; k++) {
        int64_t gap = (p.log.at[started[k + 1]] - p.log.at[started[k]]) / MS;
        ck_assert_msg(gap >= base[k] * 9 / 10 - 1 && gap <= base[k] * 11 / 10 + SLACK_MS,
                      "restart %d came after %lld ms, expected %lld ms +/- 10%%", k + 1,
                      (long long)gap, (long long)base[k]);
    }
    /* The log says what happened: the trap, the delay, the attempt. */
    size_t exits[8];
    ck_assert_uint_eq(find_lines(&p.log, "service t:svc: exited with error \"", exits, 8), 4);
    ck_assert_ptr_nonnull(strstr(p.log.lines[exits[0]], "unreachable"));
    ck_assert_ptr_nonnull(strstr(p.log.lines[exits[0]], "; restarting in "));
    ck_assert_ptr_nonnull(strstr(p.log.lines[exits[0]], "ms (attempt 1)"));
    ck_assert_ptr_nonnull(strstr(p.log.lines[exits[2]], "ms (attempt 3)"));
    ck_assert_ptr_nonnull(strstr(p.log.lines[exits[3]], "; giving up after 3 restarts"));
    host_runtime_stop(p.rt);
    project_close(&p);
}
END_TEST

/* The delays written in the log stay inside +/- jitter of the backoff. */
START_TEST(jitter_stays_in_bounds)
{
    project p;
    project_open(&p, "  - name: svc\n"
                     "    kind: process.service\n"
                     "    process: t:crash\n"
                     "    host: t:procs\n"
                     "    lifecycle:\n"
                     "      auto_start: true\n"
                     "      restart: {initial_delay: 20ms, max_delay: 40ms, backoff_factor: 3.0,"
                     " jitter: 0.5, max_attempts: 6}\n");
    project_start(&p);
    ck_assert(wait_lines(&p.log, "giving up after 6 restarts", 1, 5000));
    size_t exits[8];
    ck_assert_uint_eq(find_lines(&p.log, "restarting in ", exits, 8), 6);
    for (int k = 0; k < 6; k++) {
        int ms = -1, attempt = -1;
        const char *at = strstr(p.log.lines[exits[k]], "restarting in ");
        ck_assert_int_eq(sscanf(at, "restarting in %dms (attempt %d)", &ms, &attempt), 2);
        ck_assert_int_eq(attempt, k + 1);
        int base = k == 0 ? 20 : 40;    /* 20 * 3^k, capped at 40 */
        ck_assert_msg(ms >= base / 2 && ms <= base * 3 / 2, "delay %d ms for base %d", ms, base);
    }
    host_runtime_stop(p.rt);
    project_close(&p);
}
END_TEST

/* max_attempts 1: one restart, then nothing; a run longer than
 * stable_threshold resets the count, so a service that crashes only after
 * 150 ms (threshold 100 ms) is restarted again and again, always as
 * attempt 1 with the initial delay. */
START_TEST(stable_run_resets_the_count)
{
    project p;
    project_open(&p, "  - name: quick\n"
                     "    kind: process.service\n"
                     "    process: t:crash\n"
                     "    host: t:procs\n"
                     "    lifecycle:\n"
                     "      auto_start: true\n"
                     "      stable_threshold: 100ms\n"
                     "      restart: {initial_delay: 10ms, max_delay: 1s, max_attempts: 1}\n"
                     "  - name: slow\n"
                     "    kind: process.service\n"
                     "    process: t:nap_crash\n"
                     "    host: t:procs\n"
                     "    lifecycle:\n"
                     "      auto_start: true\n"
                     "      stable_threshold: 100ms\n"
                     "      restart: {initial_delay: 10ms, max_delay: 1s, max_attempts: 1}\n");
    project_start(&p);
    bool ok = wait_lines(&p.log, "service t:slow: started", 4, 5000);
    if (!ok)
        dump(&p.log);
    ck_assert(ok);
    ck_assert_uint_eq(count_lines(&p.log, "service t:quick: started"), 2);
    ck_assert_uint_eq(count_lines(&p.log, "service t:quick: exited with error"), 2);
    ck_assert_uint_eq(count_lines(&p.log, "service t:quick: exited with error \"failed to call"
                                          " wasm method: crash: unreachable\"; "), 2);
    ck_assert_uint_eq(count_lines(&p.log, "unreachable\"; giving up after 1 restart"), 1);
    ck_assert_uint_eq(count_lines(&p.log, "service t:slow: exited with error"),
                      count_lines(&p.log, "(attempt 1)") - 1);
    ck_assert_uint_eq(count_lines(&p.log, "(attempt 2)"), 0);
    ck_assert_uint_eq(count_lines(&p.log, "t:slow: exited with error \"failed to call wasm method:"
                                          " nap_then_crash: unreachable\""),
                      count_lines(&p.log, "t:slow: exited with error"));
    host_runtime_stop(p.rt);
    project_close(&p);
}
END_TEST

/* A clean end is Exited: not restarted. */
START_TEST(clean_exit_is_not_restarted)
{
    project p;
    project_open(&p, "  - name: once\n"
                     "    kind: process.service\n"
                     "    process: t:done\n"
                     "    host: t:procs\n"
                     "    lifecycle: {auto_start: true, restart: {initial_delay: 10ms}}\n"
                     "  - name: later\n"
                     "    kind: process.service\n"
                     "    process: t:nap_done\n"
                     "    host: t:procs\n"
                     "    lifecycle: {auto_start: true, restart: {initial_delay: 10ms}}\n"
                     "  - name: manual\n"
                     "    kind: process.service\n"
                     "    process: t:forever\n"
                     "    host: t:procs\n");
    project_start(&p);
    ck_assert(wait_lines(&p.log, "service t:later: exited; not restarted", 1, 5000));
    usleep(100 * 1000);
    ck_assert_uint_eq(count_lines(&p.log, "service t:once: exited; not restarted"), 1);
    ck_assert_uint_eq(count_lines(&p.log, "service t:once: started"), 1);
    ck_assert_uint_eq(count_lines(&p.log, "service t:later: started"), 1);
    ck_assert_uint_eq(count_lines(&p.log, "service t:manual:"), 0);   /* no auto_start */
    host_runtime_stop(p.rt);
    ck_assert_uint_eq(count_lines(&p.log, "stopping"), 0);
    project_close(&p);
}
END_TEST

/* Dependencies start first and stop last, whatever the file order; a
 * spinning service (no WASI) is cancelled at a slice boundary too. */
START_TEST(start_and_stop_order)
{
    project p;
    project_open(&p, "  - name: c\n"
                     "    kind: process.service\n"
                     "    process: t:forever\n"
                     "    host: t:procs\n"
                     "    lifecycle: {auto_start: true, requires: [t:b]}\n"
                     "  - name: b\n"
                     "    kind: process.service\n"
                     "    process: t:spin\n"
                     "    host: t:procs\n"
                     "    lifecycle: {auto_start: true, requires: [t:a], stop_timeout: 2s}\n"
                     "  - name: a\n"
                     "    kind: process.service\n"
                     "    process: t:forever\n"
                     "    host: t:procs\n"
                     "    lifecycle: {auto_start: true}\n");
    project_start(&p);
    size_t s[3];
    ck_assert_uint_eq(find_lines(&p.log, ": started {", s, 3), 3);
    ck_assert_ptr_nonnull(strstr(p.log.lines[s[0]], "service t:a: "));
    ck_assert_ptr_nonnull(strstr(p.log.lines[s[1]], "service t:b: "));
    ck_assert_ptr_nonnull(strstr(p.log.lines[s[2]], "service t:c: "));
    usleep(50 * 1000);
    int64_t t0 = now_ns();
    host_runtime_stop(p.rt);
    ck_assert_int_lt((now_ns() - t0) / MS, 1500);     /* no timeout was needed */
    size_t e[3];
    ck_assert_uint_eq(find_lines(&p.log, ": stopped", e, 3), 3);
    ck_assert_ptr_nonnull(strstr(p.log.lines[e[0]], "service t:c: "));
    ck_assert_ptr_nonnull(strstr(p.log.lines[e[1]], "service t:b: "));
    ck_assert_ptr_nonnull(strstr(p.log.lines[e[2]], "service t:a: "));
    ck_assert_uint_eq(count_lines(&p.log, "terminating"), 0);
    ck_assert_uint_eq(count_lines(&p.log, "restarting"), 0);
    project_close(&p);
}
END_TEST

/* A required service that cannot be spawned fails the start, with the
 * reason; the services already started are stopped again. An optional one
 * is retried by its restart policy instead. */
START_TEST(required_spawn_failure_fails_start)
{
    project p;
    project_open(&p, "  - name: first\n"
                     "    kind: process.service\n"
                     "    process: t:forever\n"
                     "    host: t:procs\n"
                     "    lifecycle: {auto_start: true}\n"
                     "  - name: bad\n"
                     "    kind: process.service\n"
                     "    process: t:forever\n"
                     "    host: t:procs\n"
                     "    input: [unexpected]\n"
                     "    lifecycle: {auto_start: true, requires: [t:first]}\n");
    char err[1024] = "";
    ck_assert(!host_runtime_start(p.rt, err, sizeof err));
    ck_assert_str_eq(err, "service t:bad failed to start: t:forever: parameter count mismatch:"
                          " expected 0, got 1");
    ck_assert_uint_eq(count_lines(&p.log, "service t:first: stopped"), 1);
    host_runtime_stop(p.rt);
    project_close(&p);

    project_open(&p, "  - name: bad\n"
                     "    kind: process.service\n"
                     "    process: t:forever\n"
                     "    host: t:procs\n"
                     "    input: [unexpected]\n"
                     "    lifecycle: {auto_start: true, startup: optional,"
                     " restart: {initial_delay: 10ms, max_attempts: 2}}\n");
    project_start(&p);
    ck_assert(wait_lines(&p.log, "giving up after 2 restarts", 1, 5000));
    ck_assert_uint_eq(count_lines(&p.log, "service t:bad: failed to start: t:forever: parameter"
                                          " count mismatch: expected 0, got 1; restarting in "), 2);
    host_runtime_stop(p.rt);
    project_close(&p);
}
END_TEST

/* No services at all: start and stop (twice) are quiet. */
START_TEST(stop_with_nothing_running)
{
    project p;
    project_open(&p, "");
    project_start(&p);
    host_runtime_stop(p.rt);
    host_runtime_stop(p.rt);   /* twice is fine */
    project_close(&p);
}
END_TEST

Suite *supervisor_suite(void)
{
    Suite *s = suite_create("supervisor");
    TCase *tc = tcase_create("services");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, crash_restarts_with_backoff);
    tcase_add_test(tc, jitter_stays_in_bounds);
    tcase_add_test(tc, stable_run_resets_the_count);
    tcase_add_test(tc, clean_exit_is_not_restarted);
    tcase_add_test(tc, start_and_stop_order);
    tcase_add_test(tc, required_spawn_failure_fails_start);
    tcase_add_test(tc, stop_with_nothing_running);
    suite_add_tcase(s, tc);
    return s;
}
