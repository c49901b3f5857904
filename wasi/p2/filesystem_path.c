/* filesystem_path.c — wasi:filesystem's functions that take a path
 * beneath a directory descriptor: open-at, stat-at, set-times-at,
 * metadata-hash-at, readlink-at, create-directory-at, remove-directory-at,
 * unlink-file-at, rename-at, link-at, symlink-at.
 *
 * A path is resolved by sys_resolve() beneath the descriptor's directory,
 * so "..", absolute paths and symlinks never leave it (not-permitted, as
 * the WIT says), and what is done to the name is sys/path_ops.h's, shared
 * with preview 1. Checks, in this order: the descriptor is known (else a
 * trap) and a directory (not-directory); a call that changes the tree in a
 * read-only mount: read-only; the descriptor's rights (read to look,
 * mutate-directory to change: not-permitted, as wasmtime); the path.
 * Touches nothing outside the mounts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/path_ops.h"
#include "wasi/p2/filesystem.h"

/* What a call needs of its directory. */
enum { LOOK, CHANGE };

/* The directory descriptor self for a call that needs `need`: 1 with *out,
 * 0 when the result is set (an error-code), -1 to trap. */
static int dir_of(wasi_p2 *w, const host_value *self, int need, wasi_p2_res **out,
                  host_value *result, char *err, size_t errlen)
{
    wasi_p2_res *r = wasi_p2_fs_get(w, self, err, errlen);
    struct stat st;
    int code = -1;
    if (r == NULL)
        return -1;
    if (fstat(r->fd, &st) != 0)
        code = wasi_p2_fs_code(errno);
    else if (!S_ISDIR(st.st_mode))
        code = WASI_P2_FS_NOT_DIRECTORY;
    else if (need == CHANGE && r->read_only)
        code = WASI_P2_FS_READ_ONLY;
    else if (!(r->dflags & (need == CHANGE ? WASI_P2_FS_MUTATE_DIR : WASI_P2_FS_READ)))
        code = WASI_P2_FS_NOT_PERMITTED;
    if (code >= 0)
        return wasi_p2_fs_err(result, code, err, errlen) ? 0 : -1;
    *out = r;
    return 1;
}

/* The path argument v into out[PATH_MAX]: -1, or the error-code (a NUL
 * inside: invalid; PATH_MAX bytes or more: name-too-long). */
static int path_arg(const host_value *v, char *out)
{
    if (v->kind != HOST_VALUE_STRING)
        return WASI_P2_FS_INVALID;
    if (v->len >= PATH_MAX)
        return WASI_P2_FS_NAME_TOO_LONG;
    if (memchr(v->s, '\0', v->len) != NULL)
        return WASI_P2_FS_INVALID;
    memcpy(out, v->s, v->len);
    out[v->len] = '\0';
    return -1;
}

/* Resolves the path v beneath dir (a lookup: a trailing '/' follows the
 * last symlink too): -1 with *out, or the error-code (an escape is
 * not-permitted). */
static int resolve(const wasi_p2_res *dir, const host_value *v, bool follow, bool lookup,
                   sys_resolved *out)
{
    char path[PATH_MAX];
    int code = path_arg(v, path);
    if (code >= 0)
        return code;
    int e = lookup ? sys_path_lookup(dir->fd, path, follow, out)
                   : sys_resolve(dir->fd, path, follow ? SYS_RESOLVE_FOLLOW : 0, out);
    if (e == EXDEV)
        return WASI_P2_FS_NOT_PERMITTED;
    return e != 0 ? wasi_p2_fs_code(e) : -1;
}

/* path-flags: the symlink-follow flag. */
static bool follows(const host_value *flags)
{
    const host_value *f = host_map_get(flags, "symlink-follow", 14);
    return f != NULL && f->kind == HOST_VALUE_BOOL && f->b;
}

static bool flag(const host_value *flags, const char *name)
{
    const host_value *f = host_map_get(flags, name, strlen(name));
    return f != NULL && f->kind == HOST_VALUE_BOOL && f->b;
}

/* stat-at, metadata-hash-at: func(path-flags, path) -> result<record, error-code> */
static bool stat_at_answer(wasi_p2 *w, const host_value *args, bool hash, host_value *result,
                           char *err, size_t errlen)
{
    wasi_p2_res *dir;
    int rc = dir_of(w, &args[0], LOOK, &dir, result, err, errlen);
    if (rc <= 0)
        return rc == 0;
    sys_resolved r;
    int code = resolve(dir, &args[2], follows(&args[1]), true, &r);
    if (code >= 0)
        return wasi_p2_fs_err(result, code, err, errlen);
    struct stat st;
    int e = sys_path_stat(&r, &st);
    sys_resolved_close(&r);
    if (e != 0)
        return wasi_p2_fs_errno(result, e, err, errlen);
    host_value v;
    if (!(hash ? wasi_p2_fs_hash_value(&st, &v) : wasi_p2_fs_stat_value(&st, &v))) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    return wasi_p2_fs_ok(result, v, err, errlen);
}

static bool stat_at(void *user, const host_value *args, size_t nargs, host_value *result,
                    char *err, size_t errlen)
{
    (void)nargs;
    return stat_at_answer(user, args, false, result, err, errlen);
}

static bool metadata_hash_at(void *user, const host_value *args, size_t nargs,
                             host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    return stat_at_answer(user, args, true, result, err, errlen);
}

/* set-times-at: func(path-flags, path, atim, mtim) -> result<_, error-code> */
static bool set_times_at(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *dir;
    int rc = dir_of(user, &args[0], CHANGE, &dir, result, err, errlen);
    if (rc <= 0)
        return rc == 0;
    struct timespec ts[2];
    if (!wasi_p2_fs_timestamp(&args[3], &ts[0]) || !wasi_p2_fs_timestamp(&args[4], &ts[1]))
        return wasi_p2_fs_err(result, WASI_P2_FS_INVALID, err, errlen);
    sys_resolved r;
    int code = resolve(dir, &args[2], follows(&args[1]), true, &r);
    if (code >= 0)
        return wasi_p2_fs_err(result, code, err, errlen);
    struct stat st;
    int e = sys_path_stat(&r, &st);
    if (e == 0 && utimensat(r.dirfd, r.name, ts, AT_SYMLINK_NOFOLLOW) != 0)
        e = errno;
    sys_resolved_close(&r);
    return wasi_p2_fs_errno(result, e, err, errlen);
}

/* The host open(2) flags of open-at's open-flags and the child's rights. */
static int open_flags(const host_value *oflags, unsigned rights)
{
    int fl = O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;   /* O_NONBLOCK: a FIFO must not block open */
    fl |= rights & WASI_P2_FS_WRITE ? (rights & WASI_P2_FS_READ ? O_RDWR : O_WRONLY) : O_RDONLY;
    if (flag(oflags, "create"))
        fl |= O_CREAT;
    if (flag(oflags, "exclusive"))
        fl |= O_EXCL;
    if (flag(oflags, "truncate"))
        fl |= O_TRUNC;
    if (flag(oflags, "directory"))
        fl |= O_DIRECTORY;
    if (rights & WASI_P2_FS_DATA_SYNC)
        fl |= O_DSYNC;
    if (rights & (WASI_P2_FS_FILE_SYNC | WASI_P2_FS_REQUESTED_SYNC))
        fl |= O_SYNC;
    return fl;
}

/* descriptor-flags as bits. */
static unsigned flag_bits(const host_value *flags)
{
    static const char *const names[] = { "read", "write", "file-integrity-sync",
                                         "data-integrity-sync", "requested-write-sync",
                                         "mutate-directory" };
    unsigned bits = 0;
    for (unsigned i = 0; i < 6; i++)
        if (flag(flags, names[i]))
            bits |= 1u << i;
    return bits;
}

/* open-at: func(path-flags, path, open-flags, descriptor-flags) -> result<own<descriptor>, error-code>.
 * In a read-only mount, create, truncate and write are read-only; the
 * child's rights follow wasi_p2_fs_child_rights (create and truncate
 * need the parent's mutate-directory as write does; what a directory
 * inherits is settled once it is open). */
static bool open_at(void *user, const host_value *args, size_t nargs, host_value *result,
                    char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2 *w = user;
    wasi_p2_res *dir;
    int rc = dir_of(w, &args[0], LOOK, &dir, result, err, errlen);
    if (rc <= 0)
        return rc == 0;
    const host_value *oflags = &args[3];
    unsigned asked = flag_bits(&args[4]), rights;
    bool changes = flag(oflags, "create") || flag(oflags, "truncate");
    if (dir->read_only && (changes || (asked & WASI_P2_FS_WRITE)))
        return wasi_p2_fs_err(result, WASI_P2_FS_READ_ONLY, err, errlen);
    unsigned parent = dir->dflags;
    int code = wasi_p2_fs_child_rights(parent, asked, false, &rights);
    if (code < 0 && changes && !(dir->dflags & WASI_P2_FS_MUTATE_DIR))
        code = WASI_P2_FS_NOT_PERMITTED;
    if (code >= 0)
        return wasi_p2_fs_err(result, code, err, errlen);
    bool read_only = dir->read_only;
    sys_resolved r;
    if ((code = resolve(dir, &args[2], follows(&args[1]), true, &r)) >= 0)
        return wasi_p2_fs_err(result, code, err, errlen);
    int fl = open_flags(oflags, rights);
    if (r.trailing_slash) {
        if (fl & O_CREAT) {
            sys_resolved_close(&r);
            return wasi_p2_fs_err(result, WASI_P2_FS_IS_DIRECTORY, err, errlen);
        }
        fl |= O_DIRECTORY;
    }
    int fd = openat(r.dirfd, r.name, fl, 0666);
    int e = errno;
    sys_resolved_close(&r);
    if (fd < 0)
        return wasi_p2_fs_errno(result, e, err, errlen);
    struct stat st;
    if (fcntl(fd, F_SETFL, 0) != 0 || fstat(fd, &st) != 0) {   /* O_NONBLOCK was for opening */
        e = errno;
        close(fd);
        return wasi_p2_fs_errno(result, e, err, errlen);
    }
    (void)wasi_p2_fs_child_rights(parent, asked, S_ISDIR(st.st_mode), &rights);
    host_value h;
    if (!wasi_p2_fs_new(w, fd, rights, read_only, &h, err, errlen))
        return false;
    return wasi_p2_fs_ok(result, h, err, errlen);
}

/* readlink-at: func(path) -> result<string, error-code> */
static bool readlink_at(void *user, const host_value *args, size_t nargs, host_value *result,
                        char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *dir;
    int rc = dir_of(user, &args[0], LOOK, &dir, result, err, errlen);
    if (rc <= 0)
        return rc == 0;
    sys_resolved r;
    int code = resolve(dir, &args[1], false, true, &r);
    if (code >= 0)
        return wasi_p2_fs_err(result, code, err, errlen);
    char target[PATH_MAX];
    size_t n = 0;
    int e = sys_path_readlink(&r, target, sizeof target, &n);
    sys_resolved_close(&r);
    if (e != 0)
        return wasi_p2_fs_errno(result, e, err, errlen);
    return wasi_p2_fs_ok(result, host_string(target, n), err, errlen);
}

/* create-directory-at, remove-directory-at, unlink-file-at: func(path) -> result<_, error-code> */
static bool change_one(wasi_p2 *w, const host_value *args, int (*act)(const sys_resolved *),
                       host_value *result, char *err, size_t errlen)
{
    wasi_p2_res *dir;
    int rc = dir_of(w, &args[0], CHANGE, &dir, result, err, errlen);
    if (rc <= 0)
        return rc == 0;
    sys_resolved r;
    int code = resolve(dir, &args[1], false, false, &r);
    if (code >= 0)
        return wasi_p2_fs_err(result, code, err, errlen);
    int e = act(&r);
    sys_resolved_close(&r);
    return wasi_p2_fs_errno(result, e, err, errlen);
}

static bool create_directory_at(void *user, const host_value *args, size_t nargs,
                                host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    return change_one(user, args, sys_path_mkdir, result, err, errlen);
}

static bool remove_directory_at(void *user, const host_value *args, size_t nargs,
                                host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    return change_one(user, args, sys_path_rmdir, result, err, errlen);
}

static bool unlink_file_at(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    (void)nargs;
    return change_one(user, args, sys_path_unlink, result, err, errlen);
}

/* rename-at: func(old-path, new-descriptor, new-path); link-at:
 * func(old-path-flags, old-path, new-descriptor, new-path). Both
 * directories must allow changes (for link-at too: a second name for a
 * file of a read-only mount would let it be written). */
static bool change_two(wasi_p2 *w, const host_value *args, bool link, host_value *result,
                       char *err, size_t errlen)
{
    const host_value *old_path = &args[link ? 2 : 1], *new_dir = &args[link ? 3 : 2],
                     *new_path = &args[link ? 4 : 3];
    wasi_p2_res *from, *to;
    int rc = dir_of(w, &args[0], CHANGE, &from, result, err, errlen);
    if (rc > 0)
        rc = dir_of(w, new_dir, CHANGE, &to, result, err, errlen);
    if (rc <= 0)
        return rc == 0;
    sys_resolved o, n;
    int code = resolve(from, old_path, link && follows(&args[1]), false, &o);
    if (code >= 0)
        return wasi_p2_fs_err(result, code, err, errlen);
    if ((code = resolve(to, new_path, false, false, &n)) >= 0) {
        sys_resolved_close(&o);
        return wasi_p2_fs_err(result, code, err, errlen);
    }
    int e = link ? sys_path_link(&o, &n) : sys_path_rename(&o, &n);
    sys_resolved_close(&o);
    sys_resolved_close(&n);
    return wasi_p2_fs_errno(result, e, err, errlen);
}

static bool rename_at(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    (void)nargs;
    return change_two(user, args, false, result, err, errlen);
}

static bool link_at(void *user, const host_value *args, size_t nargs, host_value *result,
                    char *err, size_t errlen)
{
    (void)nargs;
    return change_two(user, args, true, result, err, errlen);
}

/* symlink-at: func(old-path, new-path): new-path becomes a symlink whose
 * contents are old-path, which must stay beneath the descriptor's
 * directory when read as a path (not-permitted otherwise). */
static bool symlink_at(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *dir;
    int rc = dir_of(user, &args[0], CHANGE, &dir, result, err, errlen);
    if (rc <= 0)
        return rc == 0;
    char target[PATH_MAX];
    int code = path_arg(&args[1], target);
    sys_resolved r;
    if (code < 0)
        code = resolve(dir, &args[2], false, false, &r);
    if (code >= 0)
        return wasi_p2_fs_err(result, code, err, errlen);
    int e = sys_path_symlink(target, &r);
    sys_resolved_close(&r);
    if (e == EXDEV)
        return wasi_p2_fs_err(result, WASI_P2_FS_NOT_PERMITTED, err, errlen);
    return wasi_p2_fs_errno(result, e, err, errlen);
}

#define T "wasi:filesystem/types"
#define D(name) "[method]descriptor." name
const wasi_p2_def wasi_p2_fs_path_defs[] = {
    { T, D("open-at"), open_at, WASI_CAP_FILESYSTEM },
    { T, D("stat-at"), stat_at, WASI_CAP_FILESYSTEM },
    { T, D("set-times-at"), set_times_at, WASI_CAP_FILESYSTEM },
    { T, D("metadata-hash-at"), metadata_hash_at, WASI_CAP_FILESYSTEM },
    { T, D("readlink-at"), readlink_at, WASI_CAP_FILESYSTEM },
    { T, D("create-directory-at"), create_directory_at, WASI_CAP_FILESYSTEM },
    { T, D("remove-directory-at"), remove_directory_at, WASI_CAP_FILESYSTEM },
    { T, D("unlink-file-at"), unlink_file_at, WASI_CAP_FILESYSTEM },
    { T, D("rename-at"), rename_at, WASI_CAP_FILESYSTEM },
    { T, D("link-at"), link_at, WASI_CAP_FILESYSTEM },
    { T, D("symlink-at"), symlink_at, WASI_CAP_FILESYSTEM },
    { T, D("read-directory"), wasi_p2_fs_read_directory, WASI_CAP_FILESYSTEM },
    { "wasi:filesystem/types", "[method]directory-entry-stream.read-directory-entry",
      wasi_p2_fs_read_directory_entry, WASI_CAP_FILESYSTEM },
};
const size_t wasi_p2_nfs_path_defs = sizeof wasi_p2_fs_path_defs / sizeof wasi_p2_fs_path_defs[0];
