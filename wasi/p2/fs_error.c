/* fs_error.c — wasi:filesystem's error-code (from a host errno, and as a
 * result value), the rights rule of open-at, and the record values the
 * descriptor functions answer with (descriptor-stat, metadata-hash-value,
 * datetime). Pure functions: no descriptor is touched here. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wasi/p2/filesystem.h"

static const char *const code_names[WASI_P2_FS_NCODES] = {
    "access", "would-block", "already", "bad-descriptor", "busy", "deadlock", "quota", "exist",
    "file-too-large", "illegal-byte-sequence", "in-progress", "interrupted", "invalid", "io",
    "is-directory", "loop", "too-many-links", "message-size", "name-too-long", "no-device",
    "no-entry", "no-lock", "insufficient-memory", "insufficient-space", "not-directory",
    "not-empty", "not-recoverable", "unsupported", "no-tty", "no-such-device", "overflow",
    "not-permitted", "pipe", "read-only", "invalid-seek", "text-file-busy", "cross-device",
};

const char *wasi_p2_fs_code_name(int code)
{
    return code >= 0 && code < WASI_P2_FS_NCODES ? code_names[code] : NULL;
}

int wasi_p2_fs_code(int e)
{
    switch (e) {
    case EACCES: return WASI_P2_FS_ACCESS;
    case EAGAIN: return WASI_P2_FS_WOULD_BLOCK;
    case EALREADY: return WASI_P2_FS_ALREADY;
    case EBADF: return WASI_P2_FS_BAD_DESCRIPTOR;
    case EBUSY: return WASI_P2_FS_BUSY;
    case EDEADLK: return WASI_P2_FS_DEADLOCK;
    case EDQUOT: return WASI_P2_FS_QUOTA;
    case EEXIST: return WASI_P2_FS_EXIST;
    case EFBIG: return WASI_P2_FS_FILE_TOO_LARGE;
    case EILSEQ: return WASI_P2_FS_ILLEGAL_BYTE_SEQUENCE;
    case EINPROGRESS: return WASI_P2_FS_IN_PROGRESS;
    case EINTR: return WASI_P2_FS_INTERRUPTED;
    case EINVAL: return WASI_P2_FS_INVALID;
    case EISDIR: return WASI_P2_FS_IS_DIRECTORY;
    case ELOOP: return WASI_P2_FS_LOOP;
    case EMLINK: return WASI_P2_FS_TOO_MANY_LINKS;
    case EMSGSIZE: return WASI_P2_FS_MESSAGE_SIZE;
    case ENAMETOOLONG: return WASI_P2_FS_NAME_TOO_LONG;
    case ENODEV: return WASI_P2_FS_NO_DEVICE;
    case ENOENT: return WASI_P2_FS_NO_ENTRY;
    case ENOLCK: return WASI_P2_FS_NO_LOCK;
    case ENOMEM: return WASI_P2_FS_INSUFFICIENT_MEMORY;
    case ENOSPC: return WASI_P2_FS_INSUFFICIENT_SPACE;
    case ENOTDIR: return WASI_P2_FS_NOT_DIRECTORY;
    case ENOTEMPTY: return WASI_P2_FS_NOT_EMPTY;
    case ENOTRECOVERABLE: return WASI_P2_FS_NOT_RECOVERABLE;
    case ENOTSUP: return WASI_P2_FS_UNSUPPORTED;   /* == EOPNOTSUPP on Linux */
    case ENOTTY: return WASI_P2_FS_NO_TTY;
    case ENXIO: return WASI_P2_FS_NO_SUCH_DEVICE;
    case EOVERFLOW: return WASI_P2_FS_OVERFLOW;
    case EPERM: return WASI_P2_FS_NOT_PERMITTED;
    case EPIPE: return WASI_P2_FS_PIPE;
    case EROFS: return WASI_P2_FS_READ_ONLY;
    case ESPIPE: return WASI_P2_FS_INVALID_SEEK;
    case ETXTBSY: return WASI_P2_FS_TEXT_FILE_BUSY;
    case EXDEV: return WASI_P2_FS_CROSS_DEVICE;
    case EMFILE: case ENFILE: return WASI_P2_FS_INSUFFICIENT_MEMORY;
    default: return WASI_P2_FS_IO;
    }
}

int wasi_p2_fs_child_rights(unsigned parent, unsigned requested, bool is_dir, unsigned *child)
{
    const unsigned inherited = WASI_P2_FS_READ | WASI_P2_FS_MUTATE_DIR;
    if ((requested & WASI_P2_FS_READ) && !(parent & WASI_P2_FS_READ))
        return WASI_P2_FS_NOT_PERMITTED;
    if ((requested & WASI_P2_FS_WRITE) && !(parent & WASI_P2_FS_MUTATE_DIR))
        return WASI_P2_FS_NOT_PERMITTED;
    *child = requested & 63u;
    if (is_dir)
        *child = (*child & ~inherited) | (parent & inherited);
    else
        *child &= ~(unsigned)WASI_P2_FS_MUTATE_DIR;
    return -1;
}

static bool set(host_value *map, const char *key, host_value v, char *err, size_t errlen)
{
    const char *why = "out of memory";
    if (host_map_set(map, key, strlen(key), v, &why))
        return true;
    snprintf(err, errlen, "%s", why);
    return false;
}

bool wasi_p2_fs_ok(host_value *result, host_value v, char *err, size_t errlen)
{
    *result = host_map();
    return set(result, "ok", v, err, errlen);
}

bool wasi_p2_fs_err(host_value *result, int code, char *err, size_t errlen)
{
    const char *name = wasi_p2_fs_code_name(code);
    *result = host_map();
    return set(result, "err", host_string(name, strlen(name)), err, errlen);
}

bool wasi_p2_fs_errno(host_value *result, int e, char *err, size_t errlen)
{
    if (e == 0)
        return wasi_p2_fs_ok(result, host_bool(true), err, errlen);
    return wasi_p2_fs_err(result, wasi_p2_fs_code(e), err, errlen);
}

const char *wasi_p2_fs_type_name(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return "regular-file";
    case S_IFDIR: return "directory";
    case S_IFLNK: return "symbolic-link";
    case S_IFCHR: return "character-device";
    case S_IFBLK: return "block-device";
    case S_IFIFO: return "fifo";
    case S_IFSOCK: return "socket";
    default: return "unknown";
    }
}

host_value wasi_p2_fs_datetime(const struct timespec *ts)
{
    host_value v = host_map();
    const char *why;
    if (!host_map_set(&v, "seconds", 7, host_uint((uint64_t)ts->tv_sec), &why) ||
        !host_map_set(&v, "nanoseconds", 11, host_uint((uint64_t)ts->tv_nsec), &why))
        host_value_free(&v);
    return v;
}

bool wasi_p2_fs_stat_value(const struct stat *st, host_value *out)
{
    char err[32];
    const char *type = wasi_p2_fs_type_name(st->st_mode);
    *out = host_map();
    if (set(out, "type", host_string(type, strlen(type)), err, sizeof err) &&
        set(out, "link-count", host_uint((uint64_t)st->st_nlink), err, sizeof err) &&
        set(out, "size", host_uint((uint64_t)st->st_size), err, sizeof err) &&
        set(out, "data-access-timestamp", wasi_p2_fs_datetime(&st->st_atim), err, sizeof err) &&
        set(out, "data-modification-timestamp", wasi_p2_fs_datetime(&st->st_mtim), err, sizeof err) &&
        set(out, "status-change-timestamp", wasi_p2_fs_datetime(&st->st_ctim), err, sizeof err))
        return true;
    host_value_free(out);
    return false;
}

/* A 64-bit mix (splitmix64's finaliser): distinct inputs give distinct
 * outputs, so the hash tells files apart as their identity does. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

bool wasi_p2_fs_hash_value(const struct stat *st, host_value *out)
{
    char err[32];
    *out = host_map();
    uint64_t dev = (uint64_t)st->st_dev, ino = (uint64_t)st->st_ino;
    if (set(out, "lower", host_uint(mix(ino ^ mix(dev))), err, sizeof err) &&
        set(out, "upper", host_uint(mix(dev + 0x9e3779b97f4a7c15ull) ^ ino), err, sizeof err))
        return true;
    host_value_free(out);
    return false;
}

bool wasi_p2_fs_timestamp(const host_value *v, struct timespec *ts)
{
    if (v->kind == HOST_VALUE_STRING) {   /* a payload-less case by its name */
        if (v->len == 9 && !memcmp(v->s, "no-change", 9)) {
            *ts = (struct timespec){ 0, UTIME_OMIT };
            return true;
        }
        if (v->len == 3 && !memcmp(v->s, "now", 3)) {
            *ts = (struct timespec){ 0, UTIME_NOW };
            return true;
        }
        return false;
    }
    if (v->kind != HOST_VALUE_MAP || v->len != 1)
        return false;
    const host_value *t;
    if (host_map_get(v, "no-change", 9) != NULL) {
        *ts = (struct timespec){ 0, UTIME_OMIT };
    } else if (host_map_get(v, "now", 3) != NULL) {
        *ts = (struct timespec){ 0, UTIME_NOW };
    } else if ((t = host_map_get(v, "timestamp", 9)) != NULL) {
        const host_value *s = host_map_get(t, "seconds", 7), *n = host_map_get(t, "nanoseconds", 11);
        if (s == NULL || n == NULL)
            return false;
        uint64_t sec = wasi_p2_arg_u64(s), ns = wasi_p2_arg_u64(n);
        if (ns >= 1000000000ull || sec > (uint64_t)INT64_MAX)
            return false;
        *ts = (struct timespec){ (time_t)sec, (long)ns };
    } else {
        return false;
    }
    return true;
}
