/* test_host_project.c — the throwaway projects of the process host tests
 * (see test_host_project.h). */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sha256/sha256.h"
#include "tests/test_host_project.h"

char *hp_entry(const char *name, const char *file, const char *method, const char *extra)
{
    char path[512], hex[SHA256_HEX_SIZE];
    uint8_t digest[SHA256_DIGEST_SIZE];
    snprintf(path, sizeof path, "%s/tests/%s", TEST_BUILD_DIR, file);
    ck_assert_msg(sha256_file(path, digest) == 0, "cannot read %s", path);
    sha256_hex(digest, hex);
    size_t n = 512 + strlen(name) + strlen(file) + strlen(method) + (extra ? strlen(extra) : 0);
    char *s = malloc(n);
    ck_assert_ptr_nonnull(s);
    snprintf(s, n,
             "  - name: %s\n"
             "    kind: process.wasm\n"
             "    fs: t:bin\n"
             "    path: /%s\n"
             "    hash: sha256:%s\n"
             "    method: %s\n"
             "%s",
             name, file, hex, method, extra ? extra : "");
    return s;
}

static void open_v(hp_project *p, FILE *log, int workers, uint64_t slice_fuel, va_list ap);

void hp_open(hp_project *p, int workers, uint64_t slice_fuel, ...)
{
    va_list ap;
    va_start(ap, slice_fuel);
    open_v(p, NULL, workers, slice_fuel, ap);
    va_end(ap);
}

void hp_open_log(hp_project *p, FILE *log, int workers, uint64_t slice_fuel, ...)
{
    va_list ap;
    va_start(ap, slice_fuel);
    open_v(p, log, workers, slice_fuel, ap);
    va_end(ap);
}

static void open_v(hp_project *p, FILE *log, int workers, uint64_t slice_fuel, va_list ap)
{
    memset(p, 0, sizeof *p);
    snprintf(p->dir, sizeof p->dir, "/tmp/wippy-host-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(p->dir));
    char path[256];
    snprintf(path, sizeof path, "%s/src", p->dir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/src/_index.yaml", p->dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "version: \"1.0\"\n"
            "namespace: t\n"
            "entries:\n"
            "  - name: bin\n"
            "    kind: fs.directory\n"
            "    directory: %s/tests\n"
            "  - name: procs\n"
            "    kind: process.host\n"
            "    host:\n"
            "      workers: %d\n"
            "    lifecycle:\n"
            "      auto_start: true\n"
            "%s",
            TEST_BUILD_DIR, workers > 0 ? workers : 1,
            workers > 0 ? "  - name: term\n    kind: terminal.host\n" : "");
    for (char *e; (e = va_arg(ap, char *)) != NULL;) {
        fputs(e, f);
        free(e);
    }
    fclose(f);

    cfg_options opts = { .project_dir = p->dir };
    p->reg = cfg_load(&opts);
    ck_assert_ptr_nonnull(p->reg);
    ck_assert_msg(cfg_error_count(p->reg) == 0, "configuration error: %s",
                  cfg_error_count(p->reg) ? cfg_error_at(p->reg, 0)->text : "");
    host_options ho = { .slice_fuel = slice_fuel, .log = log };
    p->rt = host_runtime_new(p->reg, &ho, p->load_err, sizeof p->load_err);
    ck_assert_ptr_nonnull(p->rt);
    char err[512];
    ck_assert_msg(host_runtime_start(p->rt, err, sizeof err), "start: %s", err);
    p->mb = host_mailbox_open(p->rt);
    ck_assert(p->mb != 0);
}

void hp_close(hp_project *p)
{
    host_runtime_free(p->rt);
    cfg_free(p->reg);
    char path[256];
    snprintf(path, sizeof path, "%s/src/_index.yaml", p->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/src", p->dir);
    rmdir(path);
    rmdir(p->dir);
}

host_pid hp_spawn(hp_project *p, const char *entry, const host_value *args, size_t nargs)
{
    char err[512];
    host_pid pid = host_spawn(p->rt, p->mb, entry, "t:procs", args, nargs, HOST_SPAWN_MONITOR,
                              err, sizeof err);
    ck_assert_msg(pid != 0, "spawn %s: %s", entry, err);
    return pid;
}

host_event hp_next(hp_project *p, int ms)
{
    host_event ev;
    ck_assert_msg(host_receive(p->rt, p->mb, &ev, (int64_t)ms * 1000000), "no event within %d ms", ms);
    return ev;
}

bool hp_quiet(hp_project *p, int ms)
{
    host_event ev;
    if (!host_receive(p->rt, p->mb, &ev, (int64_t)ms * 1000000))
        return true;
    host_event_free(&ev);
    return false;
}

int64_t hp_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
