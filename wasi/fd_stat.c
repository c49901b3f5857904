/* fd_stat.c — what a descriptor is and its metadata: fd_fdstat_get,
 * fd_fdstat_set_flags, fd_fdstat_set_rights, fd_filestat_get,
 * fd_filestat_set_size, fd_filestat_set_times, fd_prestat_get,
 * fd_prestat_dir_name. Also the filestat layout and the fstflags rules
 * that path_filestat_* share. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "wasi/internal.h"

static uint64_t ns_of(struct timespec ts)
{
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* filestat: dev u64 @0, ino u64 @8, filetype u8 @16, nlink u64 @24,
 * size u64 @32, atim @40, mtim @48, ctim @56 (64 bytes). */
void wasi_store_filestat(uint8_t *p, const struct stat *st)
{
    memset(p, 0, 64);
    wasi_store_u64(p, (uint64_t)st->st_dev);
    wasi_store_u64(p + 8, (uint64_t)st->st_ino);
    p[16] = wasi_filetype_of(-1, st);
    wasi_store_u64(p + 24, (uint64_t)st->st_nlink);
    wasi_store_u64(p + 32, (uint64_t)st->st_size);
    wasi_store_u64(p + 40, ns_of(st->st_atim));
    wasi_store_u64(p + 48, ns_of(st->st_mtim));
    wasi_store_u64(p + 56, ns_of(st->st_ctim));
}

/* One time of utimensat(): "now", a value, or left alone. */
static uint32_t one_time(uint64_t value, bool given, bool now, struct timespec *ts)
{
    if (given && now)
        return WASI_EINVAL;
    if (now) {
        ts->tv_sec = 0;
        ts->tv_nsec = UTIME_NOW;
    } else if (given) {
        ts->tv_sec = (time_t)(value / 1000000000ull);
        ts->tv_nsec = (long)(value % 1000000000ull);
    } else {
        ts->tv_sec = 0;
        ts->tv_nsec = UTIME_OMIT;
    }
    return WASI_ESUCCESS;
}

uint32_t wasi_times_arg(wasi_call *c, uint32_t first, const wasi_fd *e, struct timespec ts[2])
{
    uint64_t atim = ARG64(c, first), mtim = ARG64(c, first + 1);
    uint32_t fst = ARG32(c, first + 2);
    if (fst & ~(uint32_t)(WASI_FST_ATIM | WASI_FST_ATIM_NOW | WASI_FST_MTIM | WASI_FST_MTIM_NOW))
        return WASI_EINVAL;
    uint32_t err = one_time(atim, fst & WASI_FST_ATIM, fst & WASI_FST_ATIM_NOW, &ts[0]);
    if (err == 0)
        err = one_time(mtim, fst & WASI_FST_MTIM, fst & WASI_FST_MTIM_NOW, &ts[1]);
    if (err == 0 && e->read_only)
        err = WASI_EROFS;
    return err;
}

/* fdstat: filetype u8 @0, flags u16 @2, rights_base u64 @8,
 * rights_inheriting u64 @16 (24 bytes). */
uint32_t wasi_op_fd_fdstat_get(wasi_call *c)
{
    uint32_t err;
    uint8_t *p;
    wasi_fd *e = wasi_fd_get_out(c, 0, 24, &p, &err);
    if (e == NULL)
        return err;
    memset(p, 0, 24);
    p[0] = e->type;
    wasi_store_u16(p + 2, e->fdflags);
    wasi_store_u64(p + 8, e->base);
    wasi_store_u64(p + 16, e->inheriting);
    return WASI_ESUCCESS;
}

/* APPEND and NONBLOCK can change; the sync flags are fixed at open (the
 * host cannot change them on an open descriptor): changing them is ENOTSUP.
 * NONBLOCK is kept in the table only (see fd.c); APPEND goes to the host
 * descriptor unless it is the embedder's (stdio). */
uint32_t wasi_op_fd_fdstat_set_flags(wasi_call *c)
{
    const uint32_t sync = WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC;
    uint32_t err, flags = ARG32(c, 1);
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), WASI_R_FD_FDSTAT_SET_FLAGS, &err);
    if (e == NULL)
        return err;
    if (flags > 31)
        return WASI_EINVAL;
    if ((flags ^ e->fdflags) & sync)
        return WASI_ENOTSUP;
    if (((flags ^ e->fdflags) & WASI_FDFLAG_APPEND) && e->host >= 0 && !e->shared) {
        int fl = fcntl(e->host, F_GETFL);
        if (fl < 0)
            return wasi_errno(errno);
        fl = (flags & WASI_FDFLAG_APPEND) ? fl | O_APPEND : fl & ~O_APPEND;
        if (fcntl(e->host, F_SETFL, fl) != 0)
            return wasi_errno(errno);
    }
    e->fdflags = (uint16_t)flags;
    return WASI_ESUCCESS;
}

/* Rights can only be given up. */
uint32_t wasi_op_fd_fdstat_set_rights(wasi_call *c)
{
    uint32_t err;
    uint64_t base = ARG64(c, 1), inheriting = ARG64(c, 2);
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), 0, &err);
    if (e == NULL)
        return err;
    if ((base & ~e->base) != 0 || (inheriting & ~e->inheriting) != 0)
        return WASI_ENOTCAPABLE;
    e->base = base;
    e->inheriting = inheriting;
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_filestat_get(wasi_call *c)
{
    uint32_t err;
    uint8_t *p;
    wasi_fd *e = wasi_fd_get_out(c, WASI_R_FD_FILESTAT_GET, 64, &p, &err);
    if (e == NULL)
        return err;
    struct stat st;
    memset(&st, 0, sizeof st);
    if (e->host < 0)
        st.st_mode = S_IFCHR;   /* the null stream */
    else if (fstat(e->host, &st) != 0)
        return wasi_errno(errno);
    wasi_store_filestat(p, &st);
    if (e->type == WASI_FILETYPE_SOCKET_DGRAM)
        p[16] = e->type;
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_filestat_set_size(wasi_call *c)
{
    uint32_t err;
    uint64_t size = ARG64(c, 1);
    wasi_fd *e = wasi_fd_get_writable(c->ctx, ARG32(c, 0), WASI_R_FD_FILESTAT_SET_SIZE, &err);
    if (e == NULL)
        return err;
    if (size > (uint64_t)INT64_MAX)
        return WASI_EINVAL;
    if (e->host >= 0 && ftruncate(e->host, (off_t)size) != 0)
        return wasi_errno(errno);
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_filestat_set_times(wasi_call *c)
{
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), WASI_R_FD_FILESTAT_SET_TIMES, &err);
    if (e == NULL)
        return err;
    struct timespec ts[2];
    if ((err = wasi_times_arg(c, 1, e, ts)) != 0)
        return err;
    if (e->host >= 0 && futimens(e->host, ts) != 0)
        return wasi_errno(errno);
    return WASI_ESUCCESS;
}

/* prestat: tag u8 @0 (0 = dir), name length u32 @4 (8 bytes). */
uint32_t wasi_op_fd_prestat_get(wasi_call *c)
{
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), 0, &err);
    if (e == NULL)
        return err;
    if (e->mount < 0)
        return WASI_EBADF;
    uint8_t *p = wasi_mem(c->mem, ARG32(c, 1), 8);
    if (p == NULL)
        return WASI_EFAULT;
    memset(p, 0, 8);
    wasi_store_u32(p + 4, (uint32_t)strlen(c->ctx->mounts[e->mount].guest));
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_prestat_dir_name(wasi_call *c)
{
    uint32_t err, len = ARG32(c, 2);
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), 0, &err);
    if (e == NULL)
        return err;
    if (e->mount < 0)
        return WASI_EBADF;
    const char *name = c->ctx->mounts[e->mount].guest;
    size_t name_len = strlen(name);
    if (len < name_len)
        return WASI_ENAMETOOLONG;
    uint8_t *p = wasi_mem(c->mem, ARG32(c, 1), name_len);
    if (p == NULL)
        return WASI_EFAULT;
    memcpy(p, name, name_len);
    return WASI_ESUCCESS;
}
