/* path.c — path lookups: path_open, path_filestat_get,
 * path_filestat_set_times, path_readlink, and the resolution every path_*
 * call shares. A path is resolved by sys_resolve() beneath the directory
 * descriptor it is relative to (each directory descriptor is its own root:
 * "..", absolute paths and symlinks never leave it; an attempt is
 * ENOTCAPABLE), and the last component is used with calls that do not
 * follow symlinks. A lookup whose path ends in '/' follows a symlink in
 * its last component, as POSIX path resolution does. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sys/path_ops.h"
#include "wasi/internal.h"

wasi_fd *wasi_path_dir(wasi_ctx *ctx, uint32_t fd, uint64_t rights, uint32_t *err)
{
    wasi_fd *e = wasi_fd_get(ctx, fd, 0, err);
    if (e == NULL)
        return NULL;
    if (e->type != WASI_FILETYPE_DIRECTORY || e->host < 0) {
        *err = WASI_ENOTDIR;
        return NULL;
    }
    return wasi_fd_with_rights(e, rights, err);
}

uint32_t wasi_path_resolve(wasi_call *c, const wasi_fd *dir, uint32_t ptr, uint32_t len,
                           bool follow, sys_resolved *out)
{
    char path[WASI_PATH_MAX];
    uint32_t err = wasi_path_arg(c->mem, ptr, len, path);
    if (err != 0)
        return err;
    int r = sys_resolve(dir->host, path, follow ? SYS_RESOLVE_FOLLOW : 0, out);
    if (r == EXDEV)
        return WASI_ENOTCAPABLE;
    return wasi_errno(r);
}

/* Resolves for a lookup: a trailing '/' follows the last symlink as well
 * (sys_path_lookup). */
static uint32_t resolve_lookup(wasi_call *c, const wasi_fd *dir, uint32_t ptr, uint32_t len,
                               bool follow, sys_resolved *out)
{
    char path[WASI_PATH_MAX];
    uint32_t err = wasi_path_arg(c->mem, ptr, len, path);
    if (err != 0)
        return err;
    int r = sys_path_lookup(dir->host, path, follow, out);
    return r == EXDEV ? WASI_ENOTCAPABLE : wasi_errno(r);
}

/* resolve_lookup() of the path of a call whose arguments begin (fd,
 * lookupflags, path, path_len): path_open, path_filestat_get,
 * path_filestat_set_times. */
static uint32_t resolve_lookup_args(wasi_call *c, const wasi_fd *dir, sys_resolved *out)
{
    bool follow = ARG32(c, 1) & WASI_LOOKUP_SYMLINK_FOLLOW;
    return resolve_lookup(c, dir, ARG32(c, 2), ARG32(c, 3), follow, out);
}

/* stat of the resolved name itself (sys_path_stat). Returns an errno. */
static uint32_t stat_resolved(const sys_resolved *r, struct stat *st)
{
    return wasi_errno(sys_path_stat(r, st));
}

/* The host open(2) flags for path_open's oflags and fdflags. */
static int open_flags(uint32_t oflags, uint32_t fdflags, bool read, bool write)
{
    int fl = O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;   /* O_NONBLOCK: a FIFO must not block open */
    fl |= read && write ? O_RDWR : write ? O_WRONLY : O_RDONLY;
    if (oflags & WASI_O_CREAT)
        fl |= O_CREAT;
    if (oflags & WASI_O_EXCL)
        fl |= O_EXCL;
    if (oflags & WASI_O_TRUNC)
        fl |= O_TRUNC;
    if (oflags & WASI_O_DIRECTORY)
        fl |= O_DIRECTORY;
    if (fdflags & WASI_FDFLAG_APPEND)
        fl |= O_APPEND;
    if (fdflags & WASI_FDFLAG_DSYNC)
        fl |= O_DSYNC;
    if (fdflags & (WASI_FDFLAG_SYNC | WASI_FDFLAG_RSYNC))
        fl |= O_SYNC;
    return fl;
}

/* path_open(fd, dirflags, path, path_len, oflags, rights_base,
 * rights_inheriting, fdflags, *fd). The new descriptor's rights are the
 * ones asked for, narrowed by the directory's inheriting rights and by what
 * a descriptor of its kind can hold; they also decide the open mode. */
uint32_t wasi_op_path_open(wasi_call *c)
{
    const uint64_t reading = WASI_R_FD_READ | WASI_R_FD_READDIR;
    const uint64_t writing = WASI_R_FD_WRITE | WASI_R_FD_DATASYNC | WASI_R_FD_ALLOCATE |
                             WASI_R_FD_FILESTAT_SET_SIZE;
    uint32_t err, oflags = ARG32(c, 4), fdflags = ARG32(c, 7);
    uint64_t need = WASI_R_PATH_OPEN;
    if (oflags & WASI_O_CREAT)
        need |= WASI_R_PATH_CREATE_FILE;
    if (oflags & WASI_O_TRUNC)
        need |= WASI_R_PATH_FILESTAT_SET_SIZE;
    wasi_fd *dir = wasi_path_dir(c->ctx, ARG32(c, 0), need, &err);
    if (dir == NULL)
        return err;
    uint8_t *out = wasi_mem(c->mem, ARG32(c, 8), 4);
    if (out == NULL)
        return WASI_EFAULT;
    if (oflags > 15 || fdflags > 31)
        return WASI_EINVAL;
    uint64_t base = ARG64(c, 5) & dir->inheriting;
    uint64_t inheriting = ARG64(c, 6) & dir->inheriting;
    bool write = (base & writing) != 0;   /* a directory asked for so: EISDIR */
    if (dir->read_only && (write || (oflags & (WASI_O_CREAT | WASI_O_TRUNC))))
        return WASI_EROFS;

    sys_resolved r;
    if ((err = resolve_lookup_args(c, dir, &r)) != 0)
        return err;
    int flags = open_flags(oflags, fdflags, (base & reading) != 0, write);
    if (r.trailing_slash) {
        if (oflags & WASI_O_CREAT) {
            sys_resolved_close(&r);
            return WASI_EISDIR;   /* what open(2) says to O_CREAT of "name/" */
        }
        flags |= O_DIRECTORY;
    }
    int host = openat(r.dirfd, r.name, flags, 0666);
    int open_err = errno;
    sys_resolved_close(&r);
    if (host < 0)
        return wasi_errno(open_err);

    struct stat st;
    /* Status flags from now on: O_APPEND only (the O_NONBLOCK was for opening). */
    if (fstat(host, &st) != 0 || fcntl(host, F_SETFL, flags & O_APPEND) != 0) {
        err = wasi_errno(errno);
        close(host);
        return err;
    }
    wasi_fd e = { .host = host, .mount = -1, .read_only = dir->read_only,
                  .fdflags = (uint16_t)fdflags };
    return wasi_fd_adopt(c->ctx, e, &st, base, inheriting, out);
}

uint32_t wasi_op_path_filestat_get(wasi_call *c)
{
    uint32_t err;
    wasi_fd *dir = wasi_path_dir(c->ctx, ARG32(c, 0), WASI_R_PATH_FILESTAT_GET, &err);
    if (dir == NULL)
        return err;
    uint8_t *out = wasi_mem(c->mem, ARG32(c, 4), 64);
    if (out == NULL)
        return WASI_EFAULT;
    sys_resolved r;
    if ((err = resolve_lookup_args(c, dir, &r)) != 0)
        return err;
    struct stat st;
    err = stat_resolved(&r, &st);
    sys_resolved_close(&r);
    if (err == 0)
        wasi_store_filestat(out, &st);
    return err;
}

uint32_t wasi_op_path_filestat_set_times(wasi_call *c)
{
    uint32_t err;
    wasi_fd *dir = wasi_path_dir(c->ctx, ARG32(c, 0), WASI_R_PATH_FILESTAT_SET_TIMES, &err);
    if (dir == NULL)
        return err;
    struct timespec ts[2];
    if ((err = wasi_times_arg(c, 4, dir, ts)) != 0)
        return err;
    sys_resolved r;
    if ((err = resolve_lookup_args(c, dir, &r)) != 0)
        return err;
    struct stat st;
    err = stat_resolved(&r, &st);
    if (err == 0 && utimensat(r.dirfd, r.name, ts, AT_SYMLINK_NOFOLLOW) != 0)
        err = wasi_errno(errno);
    sys_resolved_close(&r);
    return err;
}

/* path_readlink(fd, path, path_len, buf, buf_len, *bufused): the link's
 * contents, cut to buf_len bytes when longer (no NUL is added). */
uint32_t wasi_op_path_readlink(wasi_call *c)
{
    uint32_t err, len = ARG32(c, 4);
    wasi_fd *dir = wasi_path_dir(c->ctx, ARG32(c, 0), WASI_R_PATH_READLINK, &err);
    if (dir == NULL)
        return err;
    uint8_t *buf = wasi_mem(c->mem, ARG32(c, 3), len);
    uint8_t *used = wasi_mem(c->mem, ARG32(c, 5), 4);
    if (buf == NULL || used == NULL)
        return WASI_EFAULT;
    sys_resolved r;
    if ((err = resolve_lookup(c, dir, ARG32(c, 1), ARG32(c, 2), false, &r)) != 0)
        return err;
    char target[WASI_PATH_MAX];
    size_t n = 0;
    err = wasi_errno(sys_path_readlink(&r, target, sizeof target, &n));
    sys_resolved_close(&r);
    if (err != 0)
        return err;
    size_t put = (size_t)n < len ? (size_t)n : len;
    memcpy(buf, target, put);
    wasi_store_u32(used, (uint32_t)put);
    return WASI_ESUCCESS;
}
