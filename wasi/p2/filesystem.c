/* filesystem.c — wasi:filesystem: the world's mounts (wasi_p2_set_mounts)
 * and preopens.get-directories, the descriptor functions that take no
 * path (read-via-stream, write-via-stream, append-via-stream, advise,
 * sync-data, get-flags, get-type, set-size, set-times, read, write, sync,
 * stat, is-same-object, metadata-hash) and filesystem-error-code.
 * The *-at functions are filesystem_path.c's, read-directory is
 * dirstream.c's; the streams themselves are streams.c's.
 *
 * Checks, in this order: the descriptor is known (else the call traps) and
 * of the right kind (a file for the data calls: bad-descriptor, as
 * wasmtime); a call that would change the file in a read-only mount:
 * read-only; then the descriptor's rights (read, write: not-permitted, or
 * bad-descriptor for the stream calls, as wasmtime). Touches only host
 * descriptors the world owns. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasi/p2/filesystem.h"

static int compare_mounts(const void *a, const void *b)
{
    const wasi_mount *x = a, *y = b;
    return strcmp(x->guest, y->guest);
}

bool wasi_p2_set_mounts(wasi_p2 *w, const wasi_mount *mounts, size_t n, char *err, size_t errlen)
{
    wasi_mount *order = calloc(n ? n : 1, sizeof *order);
    wasi_p2_mount *out = calloc(n ? n : 1, sizeof *out);
    size_t done = 0;
    if (order == NULL || out == NULL) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (n > 0)
        memcpy(order, mounts, n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        if (order[i].host == NULL || order[i].guest == NULL || order[i].guest[0] == '\0') {
            snprintf(err, errlen, "mount %zu: needs a host directory and a guest path", i);
            goto fail;
        }
    qsort(order, n, sizeof *order, compare_mounts);
    for (; done < n; done++) {
        int fd = open(order[done].host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            snprintf(err, errlen, "mount %s: cannot open %s: %s", order[done].guest,
                     order[done].host, strerror(errno));
            goto fail;
        }
        out[done] = (wasi_p2_mount){ strdup(order[done].guest), fd, order[done].read_only };
        if (out[done].guest == NULL) {
            close(fd);
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
    }
    for (size_t i = 0; i < w->nmounts; i++) {
        free(w->mounts[i].guest);
        close(w->mounts[i].fd);
    }
    free(w->mounts);
    w->mounts = out;
    w->nmounts = n;
    free(order);
    return true;
fail:
    for (size_t i = 0; out != NULL && i < done; i++) {
        free(out[i].guest);
        close(out[i].fd);
    }
    free(out);
    free(order);
    return false;
}

bool wasi_p2_fs_new(wasi_p2 *w, int fd, unsigned dflags, bool read_only, host_value *handle,
                    char *err, size_t errlen)
{
    wasi_p2_res r = { .kind = WASI_P2_DESCRIPTOR, .fd = fd, .owned = true,
                      .dflags = (uint8_t)dflags, .read_only = read_only };
    return wasi_p2_res_add(w, &r, handle, err, errlen);   /* closes fd on failure */
}

wasi_p2_res *wasi_p2_fs_get(wasi_p2 *w, const host_value *rep, char *err, size_t errlen)
{
    return wasi_p2_res_get(w, rep, WASI_P2_DESCRIPTOR, err, errlen);
}

/* get-directories: func() -> list<tuple<own<descriptor>, string>>: one new
 * descriptor per mount (its own duplicate of the mount's directory), by
 * guest path; read and mutate-directory, or read alone when read-only. */
static bool get_directories(void *user, const host_value *args, size_t nargs, host_value *result,
                            char *err, size_t errlen)
{
    (void)args, (void)nargs;
    wasi_p2 *w = user;
    const char *why = "out of memory";
    *result = host_list(w->nmounts);
    for (size_t i = 0; i < w->nmounts; i++) {
        const wasi_p2_mount *m = &w->mounts[i];
        int fd = fcntl(m->fd, F_DUPFD_CLOEXEC, 0);
        if (fd < 0) {
            snprintf(err, errlen, "preopen %s: %s", m->guest, strerror(errno));
            return false;
        }
        unsigned flags = WASI_P2_FS_READ | (m->read_only ? 0u : (unsigned)WASI_P2_FS_MUTATE_DIR);
        host_value h, pair = host_list(2);
        if (!wasi_p2_fs_new(w, fd, flags, m->read_only, &h, err, errlen))
            return false;
        if (!host_list_push(&pair, h, &why) ||
            !host_list_push(&pair, host_string(m->guest, strlen(m->guest)), &why) ||
            !host_list_push(result, pair, &why)) {
            host_value_free(&pair);
            snprintf(err, errlen, "%s", why);
            return false;
        }
    }
    return true;
}

/* The descriptor self when it is a regular file (or anything but a
 * directory): NULL with *code = bad-descriptor for a directory, -1 with a
 * trap (err set) when unknown. */
static wasi_p2_res *file_of(wasi_p2 *w, const host_value *self, int *code, char *err,
                            size_t errlen)
{
    *code = -1;
    wasi_p2_res *r = wasi_p2_fs_get(w, self, err, errlen);
    struct stat st;
    if (r == NULL)
        return NULL;
    if (fstat(r->fd, &st) != 0) {
        *code = wasi_p2_fs_code(errno);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        *code = WASI_P2_FS_BAD_DESCRIPTOR;
        return NULL;
    }
    return r;
}

/* A stream over the file self: read (kind INPUT) at offset, or write at
 * offset, or append. */
static bool file_stream(wasi_p2 *w, const host_value *args, wasi_p2_kind kind, bool append,
                        host_value *result, char *err, size_t errlen)
{
    int code;
    wasi_p2_res *r = file_of(w, &args[0], &code, err, errlen);
    if (r == NULL)
        return code >= 0 && wasi_p2_fs_err(result, code, err, errlen);
    bool writing = kind == WASI_P2_OUTPUT;
    if (writing && r->read_only)
        return wasi_p2_fs_err(result, WASI_P2_FS_READ_ONLY, err, errlen);
    if (!(r->dflags & (writing ? WASI_P2_FS_WRITE : WASI_P2_FS_READ)))
        return wasi_p2_fs_err(result, WASI_P2_FS_BAD_DESCRIPTOR, err, errlen);
    int fd = fcntl(r->fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return wasi_p2_fs_errno(result, errno, err, errlen);
    wasi_p2_res s = { .kind = kind, .fd = fd, .owned = true, .file = true, .append = append,
                      .offset = append ? 0 : wasi_p2_arg_u64(&args[1]) };
    host_value h;
    if (!wasi_p2_res_add(w, &s, &h, err, errlen))
        return false;
    return wasi_p2_fs_ok(result, h, err, errlen);
}

static bool read_via_stream(void *user, const host_value *args, size_t nargs, host_value *result,
                            char *err, size_t errlen)
{
    (void)nargs;
    return file_stream(user, args, WASI_P2_INPUT, false, result, err, errlen);
}

static bool write_via_stream(void *user, const host_value *args, size_t nargs, host_value *result,
                             char *err, size_t errlen)
{
    (void)nargs;
    return file_stream(user, args, WASI_P2_OUTPUT, false, result, err, errlen);
}

static bool append_via_stream(void *user, const host_value *args, size_t nargs,
                              host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    return file_stream(user, args, WASI_P2_OUTPUT, true, result, err, errlen);
}

/* advise: func(offset, length, advice) -> result<_, error-code> */
static bool advise(void *user, const host_value *args, size_t nargs, host_value *result,
                   char *err, size_t errlen)
{
    (void)nargs;
    static const char *const names[] = { "normal", "sequential", "random", "will-need",
                                         "dont-need", "no-reuse" };
    static const int advice[] = { POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                  POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE };
    int code;
    wasi_p2_res *r = file_of(user, &args[0], &code, err, errlen);
    if (r == NULL)
        return code >= 0 && wasi_p2_fs_err(result, code, err, errlen);
    uint64_t off = wasi_p2_arg_u64(&args[1]), len = wasi_p2_arg_u64(&args[2]);
    int a = -1;
    for (int i = 0; i < 6 && args[3].kind == HOST_VALUE_STRING; i++)
        if (strlen(names[i]) == args[3].len && !memcmp(names[i], args[3].s, args[3].len))
            a = advice[i];
    if (a < 0 || off > INT64_MAX || len > INT64_MAX)
        return wasi_p2_fs_err(result, WASI_P2_FS_INVALID, err, errlen);
    return wasi_p2_fs_errno(result, posix_fadvise(r->fd, (off_t)off, (off_t)len, a), err, errlen);
}

/* sync-data, sync: func() -> result<_, error-code> */
static bool do_sync(wasi_p2 *w, const host_value *self, bool data, host_value *result, char *err,
                    size_t errlen)
{
    wasi_p2_res *r = wasi_p2_fs_get(w, self, err, errlen);
    if (r == NULL)
        return false;
    int rc = data ? fdatasync(r->fd) : fsync(r->fd);
    return wasi_p2_fs_errno(result, rc != 0 ? errno : 0, err, errlen);
}

static bool sync_data(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    (void)nargs;
    return do_sync(user, &args[0], true, result, err, errlen);
}

static bool sync_all(void *user, const host_value *args, size_t nargs, host_value *result,
                     char *err, size_t errlen)
{
    (void)nargs;
    return do_sync(user, &args[0], false, result, err, errlen);
}

/* get-flags: func() -> result<descriptor-flags, error-code> */
static bool get_flags(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    (void)nargs;
    static const char *const names[] = { "read", "write", "file-integrity-sync",
                                         "data-integrity-sync", "requested-write-sync",
                                         "mutate-directory" };
    wasi_p2_res *r = wasi_p2_fs_get(user, &args[0], err, errlen);
    if (r == NULL)
        return false;
    host_value flags = host_map();
    const char *why = "out of memory";
    for (int i = 0; i < 6; i++)
        if ((r->dflags & (1u << i)) && !host_map_set(&flags, names[i], strlen(names[i]),
                                                     host_bool(true), &why)) {
            host_value_free(&flags);
            snprintf(err, errlen, "%s", why);
            return false;
        }
    return wasi_p2_fs_ok(result, flags, err, errlen);
}

/* get-type: func() -> result<descriptor-type, error-code>; stat:
 * func() -> result<descriptor-stat, error-code>; metadata-hash. */
static bool fstat_answer(wasi_p2 *w, const host_value *self, int what, host_value *result,
                         char *err, size_t errlen)
{
    wasi_p2_res *r = wasi_p2_fs_get(w, self, err, errlen);
    struct stat st;
    if (r == NULL)
        return false;
    if (fstat(r->fd, &st) != 0)
        return wasi_p2_fs_errno(result, errno, err, errlen);
    host_value v;
    if (what == 0) {
        const char *t = wasi_p2_fs_type_name(st.st_mode);
        v = host_string(t, strlen(t));
    } else if (!(what == 1 ? wasi_p2_fs_stat_value(&st, &v) : wasi_p2_fs_hash_value(&st, &v))) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    return wasi_p2_fs_ok(result, v, err, errlen);
}

static bool get_type(void *user, const host_value *args, size_t nargs, host_value *result,
                     char *err, size_t errlen)
{
    (void)nargs;
    return fstat_answer(user, &args[0], 0, result, err, errlen);
}

static bool stat_fn(void *user, const host_value *args, size_t nargs, host_value *result,
                    char *err, size_t errlen)
{
    (void)nargs;
    return fstat_answer(user, &args[0], 1, result, err, errlen);
}

static bool metadata_hash(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    (void)nargs;
    return fstat_answer(user, &args[0], 2, result, err, errlen);
}

/* set-size: func(size: filesize) -> result<_, error-code> */
static bool set_size(void *user, const host_value *args, size_t nargs, host_value *result,
                     char *err, size_t errlen)
{
    (void)nargs;
    int code;
    wasi_p2_res *r = file_of(user, &args[0], &code, err, errlen);
    if (r == NULL)
        return code >= 0 && wasi_p2_fs_err(result, code, err, errlen);
    uint64_t size = wasi_p2_arg_u64(&args[1]);
    if (r->read_only)
        return wasi_p2_fs_err(result, WASI_P2_FS_READ_ONLY, err, errlen);
    if (!(r->dflags & WASI_P2_FS_WRITE))
        return wasi_p2_fs_err(result, WASI_P2_FS_NOT_PERMITTED, err, errlen);
    if (size > INT64_MAX)
        return wasi_p2_fs_err(result, WASI_P2_FS_FILE_TOO_LARGE, err, errlen);
    return wasi_p2_fs_errno(result, ftruncate(r->fd, (off_t)size) != 0 ? errno : 0, err, errlen);
}

/* set-times: func(atim: new-timestamp, mtim: new-timestamp) -> result<_, error-code>:
 * a file needs write, a directory mutate-directory. */
static bool set_times(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *r = wasi_p2_fs_get(user, &args[0], err, errlen);
    struct stat st;
    struct timespec ts[2];
    if (r == NULL)
        return false;
    if (fstat(r->fd, &st) != 0)
        return wasi_p2_fs_errno(result, errno, err, errlen);
    if (!wasi_p2_fs_timestamp(&args[1], &ts[0]) || !wasi_p2_fs_timestamp(&args[2], &ts[1]))
        return wasi_p2_fs_err(result, WASI_P2_FS_INVALID, err, errlen);
    if (r->read_only)
        return wasi_p2_fs_err(result, WASI_P2_FS_READ_ONLY, err, errlen);
    if (!(r->dflags & (S_ISDIR(st.st_mode) ? WASI_P2_FS_MUTATE_DIR : WASI_P2_FS_WRITE)))
        return wasi_p2_fs_err(result, WASI_P2_FS_NOT_PERMITTED, err, errlen);
    return wasi_p2_fs_errno(result, futimens(r->fd, ts) != 0 ? errno : 0, err, errlen);
}

/* read: func(length, offset) -> result<tuple<list<u8>, bool>, error-code>:
 * at most WASI_P2_FS_READ_MAX bytes; the bool is true at the end of the
 * file (nothing read). */
static bool read_fn(void *user, const host_value *args, size_t nargs, host_value *result,
                    char *err, size_t errlen)
{
    (void)nargs;
    int code;
    wasi_p2_res *r = file_of(user, &args[0], &code, err, errlen);
    if (r == NULL)
        return code >= 0 && wasi_p2_fs_err(result, code, err, errlen);
    if (!(r->dflags & WASI_P2_FS_READ))
        return wasi_p2_fs_err(result, WASI_P2_FS_NOT_PERMITTED, err, errlen);
    uint64_t len = wasi_p2_arg_u64(&args[1]), off = wasi_p2_arg_u64(&args[2]);
    if (off > INT64_MAX)
        return wasi_p2_fs_err(result, WASI_P2_FS_INVALID, err, errlen);
    size_t n = len < WASI_P2_FS_READ_MAX ? (size_t)len : WASI_P2_FS_READ_MAX;
    char *buf = malloc(n ? n : 1);
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    ssize_t k;
    do
        k = pread(r->fd, buf, n, (off_t)off);
    while (k < 0 && errno == EINTR);
    if (k < 0) {
        int e = errno;
        free(buf);
        return wasi_p2_fs_errno(result, e, err, errlen);
    }
    host_value pair = host_list(2);
    const char *why = "out of memory";
    bool ok = host_list_push(&pair, host_string(buf, (size_t)k), &why) &&
              host_list_push(&pair, host_bool(k == 0 && n > 0), &why);
    free(buf);
    if (!ok) {
        host_value_free(&pair);
        snprintf(err, errlen, "%s", why);
        return false;
    }
    return wasi_p2_fs_ok(result, pair, err, errlen);
}

/* write: func(buffer: list<u8>, offset) -> result<filesize, error-code> */
static bool write_fn(void *user, const host_value *args, size_t nargs, host_value *result,
                     char *err, size_t errlen)
{
    (void)nargs;
    int code;
    wasi_p2_res *r = file_of(user, &args[0], &code, err, errlen);
    if (r == NULL)
        return code >= 0 && wasi_p2_fs_err(result, code, err, errlen);
    if (r->read_only)
        return wasi_p2_fs_err(result, WASI_P2_FS_READ_ONLY, err, errlen);
    if (!(r->dflags & WASI_P2_FS_WRITE))
        return wasi_p2_fs_err(result, WASI_P2_FS_NOT_PERMITTED, err, errlen);
    const host_value *b = &args[1];
    uint64_t off = wasi_p2_arg_u64(&args[2]);
    size_t n = wasi_p2_arg_nbytes(b);
    if (off > INT64_MAX)
        return wasi_p2_fs_err(result, WASI_P2_FS_INVALID, err, errlen);
    uint8_t *buf = malloc(n ? n : 1);   /* n: a lifted value, at most HOST_MAX_VALUE_BYTES */
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++)
        buf[i] = wasi_p2_arg_byte(b, i);
    size_t done = 0;
    int e = 0;
    while (done < n) {
        ssize_t k = pwrite(r->fd, buf + done, n - done, (off_t)(off + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            e = k < 0 ? errno : EIO;
            break;
        }
        done += (size_t)k;
    }
    free(buf);
    if (e != 0 && done == 0)
        return wasi_p2_fs_errno(result, e, err, errlen);
    return wasi_p2_fs_ok(result, host_uint(done), err, errlen);
}

/* is-same-object: func(other: borrow<descriptor>) -> bool */
static bool is_same_object(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *a = wasi_p2_fs_get(user, &args[0], err, errlen);
    wasi_p2_res *b = a != NULL ? wasi_p2_fs_get(user, &args[1], err, errlen) : NULL;
    struct stat x, y;
    if (b == NULL)
        return false;
    *result = host_bool(fstat(a->fd, &x) == 0 && fstat(b->fd, &y) == 0 && x.st_dev == y.st_dev &&
                        x.st_ino == y.st_ino);
    return true;
}

/* filesystem-error-code: func(err: borrow<error>) -> option<error-code>:
 * the error-code of an error a file stream gave, else none. */
static bool filesystem_error_code(void *user, const host_value *args, size_t nargs,
                                  host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *r = wasi_p2_res_get(user, &args[0], WASI_P2_ERROR, err, errlen);
    if (r == NULL)
        return false;
    const char *name = r->fs_error ? wasi_p2_fs_code_name(r->fs_error - 1) : NULL;
    *result = name != NULL ? host_string(name, strlen(name)) : host_nil();
    return true;
}

#define T "wasi:filesystem/types"
#define D(name) "[method]descriptor." name
const wasi_p2_def wasi_p2_fs_defs[] = {
    { "wasi:filesystem/preopens", "get-directories", get_directories, WASI_CAP_FILESYSTEM },
    { T, "filesystem-error-code", filesystem_error_code, WASI_CAP_FILESYSTEM },
    { T, D("read-via-stream"), read_via_stream, WASI_CAP_FILESYSTEM },
    { T, D("write-via-stream"), write_via_stream, WASI_CAP_FILESYSTEM },
    { T, D("append-via-stream"), append_via_stream, WASI_CAP_FILESYSTEM },
    { T, D("advise"), advise, WASI_CAP_FILESYSTEM },
    { T, D("sync-data"), sync_data, WASI_CAP_FILESYSTEM },
    { T, D("get-flags"), get_flags, WASI_CAP_FILESYSTEM },
    { T, D("get-type"), get_type, WASI_CAP_FILESYSTEM },
    { T, D("set-size"), set_size, WASI_CAP_FILESYSTEM },
    { T, D("set-times"), set_times, WASI_CAP_FILESYSTEM },
    { T, D("read"), read_fn, WASI_CAP_FILESYSTEM },
    { T, D("write"), write_fn, WASI_CAP_FILESYSTEM },
    { T, D("sync"), sync_all, WASI_CAP_FILESYSTEM },
    { T, D("stat"), stat_fn, WASI_CAP_FILESYSTEM },
    { T, D("is-same-object"), is_same_object, WASI_CAP_FILESYSTEM },
    { T, D("metadata-hash"), metadata_hash, WASI_CAP_FILESYSTEM },
};
const size_t wasi_p2_nfs_defs = sizeof wasi_p2_fs_defs / sizeof wasi_p2_fs_defs[0];
