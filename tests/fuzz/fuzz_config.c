/* fuzz_config.c — a libFuzzer target for the YAML entry loader (config/;
 * `make fuzz` runs it).
 *
 * The input is split at NUL bytes into up to four parts, written into a
 * fresh project under a temporary directory: src/one.yaml, src/sub/two.yaml,
 * src/sub/deep/three.yml and wippy.lock (one without '/' and "..";
 * beside them lie src/m.wasm, an empty module, and src/data/, so process.wasm entries and fs.directory
 * entries can point at something real). One part is loaded as one file
 * (cfg_options.files); more as the whole tree. Checked: cfg_load answers
 * a registry; every error has a text; every good entry has an id that
 * cfg_lookup finds again, and its dependencies too; and cfg_free frees
 * everything (LeakSanitizer reports what is left). The project directory
 * is the only thing it writes. */
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"

static char dir[64];
static const char *const parts[] = { "src/one.yaml", "src/sub/two.yaml", "src/sub/deep/three.yml",
                                     "wippy.lock" };

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    remove(path);   /* what cannot be removed stays */
    return 0;
}

/* Removes the temporary tree when the fuzzer exits (symlinks not followed). */
static void remove_tree(void)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void must(int ok, const char *what)
{
    if (!ok) {
        perror(what);
        exit(1);
    }
}

static void write_file(const char *rel, const void *data, size_t size)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    int fd = open(p, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    must(fd >= 0, p);
    must(size == 0 || write(fd, data, size) == (ssize_t)size, p);
    close(fd);
}

static void make_project(void)
{
    strcpy(dir, "/tmp/fuzz-config-XXXXXX");
    must(mkdtemp(dir) != NULL, "mkdtemp");
    atexit(remove_tree);
    static const char *const dirs[] = { "src", "src/sub", "src/sub/deep", "src/data" };
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s", dir, dirs[i]);
        must(mkdir(p, 0700) == 0, p);
    }
    static const uint8_t empty_module[] = { 0, 'a', 's', 'm', 1, 0, 0, 0 };
    write_file("src/m.wasm", empty_module, sizeof empty_module);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (dir[0] == '\0')
        make_project();
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= size && n < 4; i++) {
        if (i == size || (data[i] == 0 && n < 3)) {
            /* A wippy.lock naming a folder outside the project ("..", an
             * absolute path) would have every input walk the host's
             * files: such a lock is left out. */
            if (n == 3 && (memmem(data + start, i - start, "..", 2) != NULL ||
                           memchr(data + start, '/', i - start) != NULL))
                break;
            write_file(parts[n++], data + start, i - start);
            start = i + 1;
        }
    }
    for (size_t i = n; i < 4; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s", dir, parts[i]);
        unlink(p);
    }
    cfg_options opts = { .project_dir = dir };
    if (n == 1) {
        opts.files = parts;
        opts.nfiles = 1;
    }
    cfg_registry *reg = cfg_load(&opts);
    if (reg == NULL)
        abort();
    for (size_t i = 0; i < cfg_error_count(reg); i++) {
        const cfg_diag *d = cfg_error_at(reg, i);
        if (d == NULL || d->text == NULL || d->text[0] == '\0' || d->message == NULL)
            abort();
    }
    for (size_t i = 0; i < cfg_entry_count(reg); i++) {
        const cfg_entry *e = cfg_entry_at(reg, i);
        if (e == NULL || e->id == NULL || cfg_lookup(reg, e->id) == NULL)
            abort();
        for (size_t d = 0; d < e->ndeps; d++)
            if (e->deps[d] == NULL || cfg_lookup(reg, e->deps[d]) == NULL)
                abort();
    }
    cfg_free(reg);
    return 0;
}
