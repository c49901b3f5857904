/* fd.c — data and housekeeping on open descriptors: fd_read, fd_write,
 * fd_pread, fd_pwrite, fd_seek, fd_tell, fd_close, fd_renumber, fd_sync,
 * fd_datasync, fd_advise, fd_allocate. Pipes, terminals and sockets are
 * checked for readiness first (poll with a zero timeout): one that is not
 * ready makes the call WASI_BLOCKED (the trampoline waits or suspends), or
 * EAGAIN when the guest set the descriptor non-blocking. The host
 * descriptor itself always stays in blocking mode. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "sys/io.h"
#include "wasi/internal.h"

/* Checks that a stream is ready for `events`. 0 when the transfer can go
 * ahead (also for descriptors that never block, and when poll reports an
 * error, which the transfer then reports itself). */
static uint32_t stream_ready(wasi_call *c, const wasi_fd *e, short events)
{
    if (e->host < 0 || !e->can_block)
        return 0;
    int r = sys_poll_now(e->host, events);
    if (r != 0)
        return 0;
    if (e->fdflags & WASI_FDFLAG_NONBLOCK)
        return WASI_EAGAIN;
    return wasi_wait_fd(c->ctx, e->host, events) ? WASI_BLOCKED : WASI_ENOMEM;
}

/* What to return when a transfer on a ready stream still found nothing to
 * do (another reader was faster): wait again, unless non-blocking. */
static uint32_t not_ready_after_all(wasi_call *c, const wasi_fd *e, short events)
{
    if (!e->can_block || (e->fdflags & WASI_FDFLAG_NONBLOCK))
        return WASI_EAGAIN;
    return wasi_wait_fd(c->ctx, e->host, events) ? WASI_BLOCKED : WASI_ENOMEM;
}

static size_t iov_total(const struct iovec *iov, int n)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += iov[i].iov_len;
    return total;
}

/* A guest file offset as off_t; false when it does not fit. */
static bool to_off(uint64_t v, off_t *out)
{
    if (v > (uint64_t)INT64_MAX)
        return false;
    *out = (off_t)v;
    return true;
}

uint32_t wasi_op_fd_read(wasi_call *c)
{
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), WASI_R_FD_READ, &err);
    if (e == NULL)
        return err;
    struct iovec iov[WASI_MAX_IOVS];
    int n = 0;
    if ((err = wasi_iovecs(c->mem, ARG32(c, 1), ARG32(c, 2), iov, &n)) != 0)
        return err;
    uint8_t *nread = wasi_mem(c->mem, ARG32(c, 3), 4);
    if (nread == NULL)
        return WASI_EFAULT;
    if (e->host < 0) {   /* the null stream: always at its end */
        wasi_store_u32(nread, 0);
        return WASI_ESUCCESS;
    }
    if ((err = stream_ready(c, e, POLLIN)) != 0)
        return err;
    ssize_t got;
    do {
        got = readv(e->host, iov, n);
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        return errno == EAGAIN ? not_ready_after_all(c, e, POLLIN) : wasi_errno(errno);
    wasi_store_u32(nread, (uint32_t)got);
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_write(wasi_call *c)
{
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), WASI_R_FD_WRITE, &err);
    if (e == NULL)
        return err;
    if (e->read_only)
        return WASI_EROFS;
    struct iovec iov[WASI_MAX_IOVS];
    int n = 0;
    if ((err = wasi_iovecs(c->mem, ARG32(c, 1), ARG32(c, 2), iov, &n)) != 0)
        return err;
    uint8_t *nwritten = wasi_mem(c->mem, ARG32(c, 3), 4);
    if (nwritten == NULL)
        return WASI_EFAULT;
    if (e->host < 0) {   /* the null stream takes everything */
        wasi_store_u32(nwritten, (uint32_t)iov_total(iov, n));
        return WASI_ESUCCESS;
    }
    if ((err = stream_ready(c, e, POLLOUT)) != 0)
        return err;
    /* A ready pipe takes PIPE_BUF bytes without blocking; more might not. */
    if (e->can_block && (c->ctx->suspend || (e->fdflags & WASI_FDFLAG_NONBLOCK)))
        wasi_iovecs_limit(iov, &n, PIPE_BUF);
    ssize_t put;
    do {
        put = e->can_block ? sys_writev_nosigpipe(e->host, iov, n) : writev(e->host, iov, n);
    } while (put < 0 && errno == EINTR);
    if (put < 0)
        return errno == EAGAIN ? not_ready_after_all(c, e, POLLOUT) : wasi_errno(errno);
    wasi_store_u32(nwritten, (uint32_t)put);
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_pread(wasi_call *c)
{
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), WASI_R_FD_READ | WASI_R_FD_SEEK, &err);
    if (e == NULL)
        return err;
    struct iovec iov[WASI_MAX_IOVS];
    int n = 0;
    off_t offset;
    if ((err = wasi_iovecs(c->mem, ARG32(c, 1), ARG32(c, 2), iov, &n)) != 0)
        return err;
    uint8_t *nread = wasi_mem(c->mem, ARG32(c, 4), 4);
    if (nread == NULL)
        return WASI_EFAULT;
    if (!to_off(ARG64(c, 3), &offset))
        return WASI_EINVAL;
    if (e->host < 0) {
        wasi_store_u32(nread, 0);
        return WASI_ESUCCESS;
    }
    if (e->type == WASI_FILETYPE_DIRECTORY)
        return WASI_EISDIR;
    ssize_t got;
    do {
        got = preadv(e->host, iov, n, offset);
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        return wasi_errno(errno);
    wasi_store_u32(nread, (uint32_t)got);
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_pwrite(wasi_call *c)
{
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), WASI_R_FD_WRITE | WASI_R_FD_SEEK, &err);
    if (e == NULL)
        return err;
    if (e->read_only)
        return WASI_EROFS;
    struct iovec iov[WASI_MAX_IOVS];
    int n = 0;
    off_t offset;
    if ((err = wasi_iovecs(c->mem, ARG32(c, 1), ARG32(c, 2), iov, &n)) != 0)
        return err;
    uint8_t *nwritten = wasi_mem(c->mem, ARG32(c, 4), 4);
    if (nwritten == NULL)
        return WASI_EFAULT;
    if (!to_off(ARG64(c, 3), &offset))
        return WASI_EINVAL;
    if (e->host < 0) {
        wasi_store_u32(nwritten, (uint32_t)iov_total(iov, n));
        return WASI_ESUCCESS;
    }
    ssize_t put;
    do {
        put = pwritev(e->host, iov, n, offset);
    } while (put < 0 && errno == EINTR);
    if (put < 0)
        return wasi_errno(errno);
    wasi_store_u32(nwritten, (uint32_t)put);
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_seek(wasi_call *c)
{
    int64_t offset = (int64_t)ARG64(c, 1);
    uint32_t whence = ARG32(c, 2);
    /* Asking where one is needs only FD_TELL. */
    uint64_t rights = offset == 0 && whence == WASI_WHENCE_CUR ? WASI_R_FD_TELL : WASI_R_FD_SEEK;
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), 0, &err);
    if (e == NULL)
        return err;
    if (e->type == WASI_FILETYPE_DIRECTORY)
        return WASI_EBADF;
    if ((e->base & rights) != rights)
        return WASI_ENOTCAPABLE;
    uint8_t *out = wasi_mem(c->mem, ARG32(c, 3), 8);
    if (out == NULL)
        return WASI_EFAULT;
    int how;
    switch (whence) {
    case WASI_WHENCE_SET: how = SEEK_SET; break;
    case WASI_WHENCE_CUR: how = SEEK_CUR; break;
    case WASI_WHENCE_END: how = SEEK_END; break;
    default: return WASI_EINVAL;
    }
    off_t at = 0;
    if (e->host >= 0 && (at = lseek(e->host, (off_t)offset, how)) < 0)
        return wasi_errno(errno);
    wasi_store_u64(out, (uint64_t)at);
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_tell(wasi_call *c)
{
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), WASI_R_FD_TELL, &err);
    if (e == NULL)
        return err;
    uint8_t *out = wasi_mem(c->mem, ARG32(c, 1), 8);
    if (out == NULL)
        return WASI_EFAULT;
    off_t at = 0;
    if (e->host >= 0 && (at = lseek(e->host, 0, SEEK_CUR)) < 0)
        return wasi_errno(errno);
    wasi_store_u64(out, (uint64_t)at);
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_close(wasi_call *c)
{
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), 0, &err);
    if (e == NULL)
        return err;
    wasi_fd_release(e);
    return WASI_ESUCCESS;
}

/* Moves descriptor `from` to number `to` (which must be open: it is closed). */
uint32_t wasi_op_fd_renumber(wasi_call *c)
{
    uint32_t err, from = ARG32(c, 0), to = ARG32(c, 1);
    wasi_fd *src = wasi_fd_get(c->ctx, from, 0, &err);
    if (src == NULL)
        return err;
    wasi_fd *dst = wasi_fd_get(c->ctx, to, 0, &err);
    if (dst == NULL)
        return err;
    if (from == to)
        return WASI_ESUCCESS;
    wasi_fd_release(dst);
    *dst = *src;
    *src = (wasi_fd){ .open = false, .host = -1, .mount = -1 };
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_sync(wasi_call *c)
{
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), WASI_R_FD_SYNC, &err);
    if (e == NULL)
        return err;
    if (e->host >= 0 && fsync(e->host) != 0)
        return wasi_errno(errno);
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_datasync(wasi_call *c)
{
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), WASI_R_FD_DATASYNC, &err);
    if (e == NULL)
        return err;
    if (e->host >= 0 && fdatasync(e->host) != 0)
        return wasi_errno(errno);
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_advise(wasi_call *c)
{
    static const int advice[] = { POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                  POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE };
    uint32_t err, which = ARG32(c, 3);
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), WASI_R_FD_ADVISE, &err);
    if (e == NULL)
        return err;
    off_t offset, len;
    if (which >= sizeof advice / sizeof advice[0] || !to_off(ARG64(c, 1), &offset) ||
        !to_off(ARG64(c, 2), &len))
        return WASI_EINVAL;
    if (e->host < 0 || e->type == WASI_FILETYPE_DIRECTORY)
        return WASI_ESUCCESS;   /* advice is only a hint */
    return wasi_errno(posix_fadvise(e->host, offset, len, advice[which]));
}

uint32_t wasi_op_fd_allocate(wasi_call *c)
{
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), WASI_R_FD_ALLOCATE, &err);
    if (e == NULL)
        return err;
    if (e->read_only)
        return WASI_EROFS;
    off_t offset, len;
    if (!to_off(ARG64(c, 1), &offset) || !to_off(ARG64(c, 2), &len))
        return WASI_EINVAL;
    if (e->host < 0)
        return WASI_ESUCCESS;
    return wasi_errno(posix_fallocate(e->host, offset, len));
}
