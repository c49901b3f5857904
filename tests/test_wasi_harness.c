/* test_wasi_harness.c — helpers for the WASI suites (see
 * test_wasi_harness.h). No suite of its own. */
#include "tests/test_wasi_harness.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void guest_open(guest *g, const char *name, const wasi_config *cfg)
{
    char file[256], msg[256];
    snprintf(file, sizeof file, "%s.wasm", name);
    test_instance_load(g, file, NULL);
    g->ctx = wasi_ctx_new(cfg, msg, sizeof msg);
    ck_assert_msg(g->ctx != NULL, "wasi_ctx_new: %s", msg);
    ck_assert(wasi_link(g->linker, g->ctx));
    test_instance_start(g);
}

void guest_close(guest *g)
{
    test_instance_close(g);
}

int guest_main(const char *name, const wasi_config *cfg)
{
    guest g;
    guest_open(&g, name, cfg);
    int code = wasi_run_start(g.ctx, g.inst, g.thread, VM_FUEL_UNLIMITED);
    if (code == -1)
        fprintf(stderr, "%s trapped: %s\n", name, vm_thread_trap(g.thread)->message);
    guest_close(&g);
    return code;
}

wasi_config guest_config(const char **argv, const char *const *args, size_t nargs,
                         int in, int out, int err)
{
    argv[0] = "guest";
    for (size_t i = 0; i < nargs; i++)
        argv[i + 1] = args[i];
    wasi_config cfg = {
        .args = argv,
        .nargs = nargs + 1,
        .cwd = "/",
        .stdio = { in, out, err },
        .caps = WASI_CAP_ALL,
    };
    return cfg;
}

int capture_new(void)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    int fd = dup(fileno(f));
    fclose(f);
    ck_assert_int_ge(fd, 0);
    return fd;
}

void capture_check(int fd, const char *want)
{
    off_t end = lseek(fd, 0, SEEK_END);
    ck_assert_int_ge(end, 0);
    char *text = malloc((size_t)end + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(pread(fd, text, (size_t)end, 0), end);
    text[end] = '\0';
    ck_assert_str_eq(text, want);
    free(text);
    close(fd);
}

char *scratch_new(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/wippy-wasi-XXXXXX", tmp != NULL ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(path));
    return strdup(path);
}

void scratch_free(char *dir)
{
    if (dir != NULL)
        test_remove_tree(dir);
    free(dir);
}

void file_put(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

char *file_get(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    char *text = calloc(1, 4096);
    ck_assert_ptr_nonnull(text);
    size_t n = fread(text, 1, 4095, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* nftw has no user pointer: the snapshot being built, for one call at a time. */
static char *snap;
static size_t snap_len, snap_root_len;

static int snap_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)flag;
    (void)ftw;
    char line[2048], body[256] = "";
    if (S_ISLNK(st->st_mode)) {
        ssize_t n = readlink(path, body, sizeof body - 1);
        body[n > 0 ? n : 0] = '\0';
    } else if (S_ISREG(st->st_mode)) {
        FILE *f = fopen(path, "r");
        if (f != NULL) {
            size_t n = fread(body, 1, sizeof body - 1, f);
            body[n] = '\0';
            fclose(f);
        }
    }
    int n = snprintf(line, sizeof line, "%s %o %lld %lld.%09ld [%s]\n", path + snap_root_len,
                     (unsigned)st->st_mode, (long long)st->st_size, (long long)st->st_mtim.tv_sec,
                     st->st_mtim.tv_nsec, body);
    snap = realloc(snap, snap_len + (size_t)n + 1);
    memcpy(snap + snap_len, line, (size_t)n + 1);
    snap_len += (size_t)n;
    return 0;
}

static int compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *tree_snapshot(const char *dir)
{
    snap = calloc(1, 1);
    snap_len = 0;
    snap_root_len = strlen(dir);
    ck_assert_int_eq(nftw(dir, snap_one, 16, FTW_PHYS), 0);
    /* Sort the lines, so the order the directories list in does not matter. */
    size_t count = 0;
    for (char *p = snap; *p; p++)
        count += *p == '\n';
    char **lines = calloc(count + 1, sizeof *lines);
    char *copy = strdup(snap), *save = NULL;
    size_t i = 0;
    for (char *l = strtok_r(copy, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save))
        lines[i++] = l;
    qsort(lines, i, sizeof *lines, compare_lines);
    char *out = calloc(1, snap_len + 2);
    for (size_t k = 0; k < i; k++) {
        strcat(out, lines[k]);
        strcat(out, "\n");
    }
    free(lines);
    free(copy);
    free(snap);
    snap = NULL;
    return out;
}

double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
