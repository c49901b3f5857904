/* module_file.c — reading a process.wasm binary through its fs.directory:
 * the path is resolved strictly inside the directory (sys_confined_open), the
 * whole file is read, and its SHA-256 is compared with the entry's `hash`
 * before the bytes are handed to anything else. Error texts are Wippy's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/confined_open.h"
#include "config/loader.h"
#include "sha256/sha256.h"

#define MAX_MODULE_SIZE (512u << 20)   /* bytes */

const char *cfg_wasm_hash_hex(const char *hash, char *err, size_t errlen)
{
    const char *colon = strchr(hash, ':');
    if (colon == NULL) {
        snprintf(err, errlen, "hash verification failed: invalid hash format: %s "
                 "(expected sha256:<64 lowercase hex digits>)", hash);
        return NULL;
    }
    if (colon - hash != 6 || strncmp(hash, "sha256", 6)) {
        snprintf(err, errlen, "hash verification failed: unsupported hash algorithm: %.*s "
                 "(only sha256 is supported)", (int)(colon - hash), hash);
        return NULL;
    }
    const char *hex = colon + 1;
    bool ok = strlen(hex) == 64;
    for (const char *p = hex; ok && *p; p++)
        ok = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f');
    if (!ok) {
        snprintf(err, errlen, "hash verification failed: invalid hash format: %s "
                 "(expected sha256:<64 lowercase hex digits>)", hash);
        return NULL;
    }
    return hex;
}

/* Reads all of fd (a regular file of at most MAX_MODULE_SIZE bytes). */
static int read_whole(int fd, uint8_t **bytes, size_t *size)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return errno;
    if (S_ISDIR(st.st_mode))
        return EISDIR;
    if (!S_ISREG(st.st_mode))
        return EINVAL;
    if ((uintmax_t)st.st_size > MAX_MODULE_SIZE)
        return EFBIG;
    size_t cap = (size_t)st.st_size, len = 0;
    uint8_t *buf = malloc(cap ? cap : 1);
    if (buf == NULL)
        return ENOMEM;
    for (;;) {
        if (len == cap) {   /* the file grew while we read it: read on, bounded */
            if (cap >= MAX_MODULE_SIZE) {
                free(buf);
                return EFBIG;
            }
            size_t grown = cap ? cap * 2 : 4096;
            uint8_t *p = realloc(buf, grown);
            if (p == NULL) {
                free(buf);
                return ENOMEM;
            }
            buf = p;
            cap = grown;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(buf);
            return e;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    *bytes = buf;
    *size = len;
    return 0;
}

static const char *open_error_text(int err)
{
    switch (err) {
    case EFBIG:  return "file is larger than 512 MiB";
    case EINVAL: return "not a regular file";
    default:     return sys_confined_open_strerror(err);
    }
}

/* cfg_wasm_read(), also telling which field a failure is about. */
static bool read_module(const cfg_registry *reg, const cfg_entry *e, uint8_t **bytes, size_t *size,
                        char *err, size_t errlen, const char **field)
{
    const cfg_wasm *w = &e->as.wasm;
    *bytes = NULL;
    *size = 0;
    const entry_rec *fs = w->fs ? cfg_registry_find(reg, w->fs) : NULL;
    *field = "fs";
    if (fs == NULL || strncmp(fs->pub.kind, "fs.", 3) || w->path == NULL || w->hash == NULL) {
        snprintf(err, errlen, "filesystem not found: %s", w->fs ? w->fs : "");
        return false;
    }
    *field = "path";
    if (fs->pub.type != CFG_KIND_FS_DIRECTORY || fs->pub.as.fs.path == NULL) {
        snprintf(err, errlen, "failed to open file: %s: filesystem %s (%s) cannot serve modules",
                 w->path, w->fs, fs->pub.kind);
        return false;
    }
    *field = "hash";
    const char *expected = cfg_wasm_hash_hex(w->hash, err, errlen);
    if (expected == NULL)
        return false;
    *field = "path";
    int dirfd = open(fs->pub.as.fs.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        snprintf(err, errlen, "failed to open file: %s: cannot open directory %s: %s", w->path,
                 fs->pub.as.fs.path, strerror(errno));
        return false;
    }
    /* O_NONBLOCK: opening a FIFO for reading would wait for a writer;
     * read_whole() refuses anything but a regular file before reading. */
    int fd, rc = sys_confined_open(dirfd, w->path, O_RDONLY | O_NONBLOCK, &fd);
    close(dirfd);
    if (rc == 0) {
        rc = read_whole(fd, bytes, size);
        close(fd);
    }
    if (rc != 0) {
        snprintf(err, errlen, "failed to open file: %s: %s", w->path, open_error_text(rc));
        return false;
    }
    *field = "hash";
    uint8_t digest[SHA256_DIGEST_SIZE];
    char actual[SHA256_HEX_SIZE];
    sha256_buffer(*bytes, *size, digest);
    sha256_hex(digest, actual);
    if (strcmp(actual, expected) != 0) {
        snprintf(err, errlen, "hash verification failed: hash mismatch: expected %s, got %s",
                 expected, actual);
        free(*bytes);
        *bytes = NULL;
        *size = 0;
        return false;
    }
    return true;
}

bool cfg_wasm_read(const cfg_registry *reg, const cfg_entry *e, uint8_t **bytes, size_t *size,
                   char *err, size_t errlen)
{
    const char *field;
    return read_module(reg, e, bytes, size, err, errlen, &field);
}

void cfg_load_module_bytes(cfg_registry *r, entry_rec *e)
{
    char err[512];
    uint8_t *bytes;
    size_t size;
    const char *field;
    if (!cfg_arena_grow(&r->a, (void **)&r->blobs, &r->blobs_cap, r->nblobs, sizeof *r->blobs))
        return;
    if (!read_module(r, &e->pub, &bytes, &size, err, sizeof err, &field)) {
        cfg_report(r, e, cfg_map_get(e->pub.data, field), field, "%s", err);
        return;
    }
    r->blobs[r->nblobs++] = bytes;
    e->pub.as.wasm.bytes = bytes;
    e->pub.as.wasm.size = size;
    cfg_check_component_imports(r, e);
}
