/* fd.c — data and housekeeping on open descriptors: fd_read, fd_write,
 * fd_pread, fd_pwrite, fd_seek, fd_tell, fd_close, fd_renumber, fd_sync,
 * fd_datasync, fd_advise, fd_allocate. Pipes, terminals and sockets are
 * checked for readiness first (poll with a zero timeout): one that is not
 * ready makes the call WASI_BLOCKED (the trampoline waits or suspends), or
 * EAGAIN when the guest set the descriptor non-blocking. The host
 * descriptor itself always stays in blocking mode. The readiness checks and
 * the end of a stream transfer are shared with sock.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "sys/io.h"
#include "wasi/internal.h"

uint32_t wasi_stream_ready(wasi_call *c, const wasi_fd *e, short events)
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

uint32_t wasi_stream_not_ready(wasi_call *c, const wasi_fd *e, short events)
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

/* The arguments of a transfer: fd_read and fd_write take (fd, iovs,
 * iovs_len, *count), fd_pread and fd_pwrite (fd, iovs, iovs_len, offset,
 * *count). */
typedef struct {
    wasi_fd *e;
    bool writes;
    wasi_buffers b;
    off_t offset;               /* fd_pread, fd_pwrite */
} transfer;

/* Fills t, checking in this order: the descriptor and its rights (and, for
 * a write, that it is not in a read-only mount), the buffers, the offset.
 * The rights say which call it is: FD_WRITE a write, FD_SEEK one at an
 * offset. Returns an errno. */
static uint32_t transfer_args(wasi_call *c, uint64_t rights, transfer *t)
{
    bool at_offset = rights & WASI_R_FD_SEEK;
    uint32_t err;
    t->writes = rights & WASI_R_FD_WRITE;
    t->e = t->writes ? wasi_fd_get_writable(c->ctx, ARG32(c, 0), rights, &err)
                     : wasi_fd_get(c->ctx, ARG32(c, 0), rights, &err);
    if (t->e == NULL)
        return err;
    if ((err = wasi_buffers_arg(c, at_offset ? 4 : 3, &t->b)) != 0)
        return err;
    t->offset = 0;
    if (at_offset && !to_off(ARG64(c, 3), &t->offset))
        return WASI_EINVAL;
    return WASI_ESUCCESS;
}

/* A transfer on the null stream: always at its end, taking everything. */
static uint32_t null_transfer(const transfer *t)
{
    wasi_store_u32(t->b.count, t->writes ? (uint32_t)iov_total(t->b.iov, t->b.n) : 0);
    return WASI_ESUCCESS;
}

/* The end of a transfer whose host call returned `moved`: the count
 * stored, or the host's errno when it failed. */
static uint32_t transfer_done(const wasi_buffers *b, ssize_t moved)
{
    if (moved < 0)
        return wasi_errno(errno);
    wasi_store_u32(b->count, (uint32_t)moved);
    return WASI_ESUCCESS;
}

uint32_t wasi_stream_done(wasi_call *c, const wasi_fd *e, short events, const wasi_buffers *b,
                          ssize_t moved)
{
    if (moved < 0 && errno == EAGAIN)
        return wasi_stream_not_ready(c, e, events);
    return transfer_done(b, moved);
}

uint32_t wasi_op_fd_read(wasi_call *c)
{
    transfer t;
    uint32_t err = transfer_args(c, WASI_R_FD_READ, &t);
    if (err != 0)
        return err;
    if (t.e->host < 0)
        return null_transfer(&t);
    if ((err = wasi_stream_ready(c, t.e, POLLIN)) != 0)
        return err;
    ssize_t got;
    do {
        got = readv(t.e->host, t.b.iov, t.b.n);
    } while (got < 0 && errno == EINTR);
    return wasi_stream_done(c, t.e, POLLIN, &t.b, got);
}

uint32_t wasi_op_fd_write(wasi_call *c)
{
    transfer t;
    uint32_t err = transfer_args(c, WASI_R_FD_WRITE, &t);
    if (err != 0)
        return err;
    if (t.e->host < 0)
        return null_transfer(&t);
    wasi_fd *e = t.e;
    if ((err = wasi_stream_ready(c, e, POLLOUT)) != 0)
        return err;
    /* A ready pipe takes PIPE_BUF bytes without blocking; more might not. */
    if (e->can_block && (c->ctx->suspend || (e->fdflags & WASI_FDFLAG_NONBLOCK)))
        wasi_iovecs_limit(t.b.iov, &t.b.n, PIPE_BUF);
    ssize_t put;
    do {
        put = e->can_block ? sys_writev_nosigpipe(e->host, t.b.iov, t.b.n)
                           : writev(e->host, t.b.iov, t.b.n);
    } while (put < 0 && errno == EINTR);
    return wasi_stream_done(c, e, POLLOUT, &t.b, put);
}

uint32_t wasi_op_fd_pread(wasi_call *c)
{
    transfer t;
    uint32_t err = transfer_args(c, WASI_R_FD_READ | WASI_R_FD_SEEK, &t);
    if (err != 0)
        return err;
    if (t.e->host < 0)
        return null_transfer(&t);
    if (t.e->type == WASI_FILETYPE_DIRECTORY)
        return WASI_EISDIR;
    ssize_t got;
    do {
        got = preadv(t.e->host, t.b.iov, t.b.n, t.offset);
    } while (got < 0 && errno == EINTR);
    return transfer_done(&t.b, got);
}

uint32_t wasi_op_fd_pwrite(wasi_call *c)
{
    transfer t;
    uint32_t err = transfer_args(c, WASI_R_FD_WRITE | WASI_R_FD_SEEK, &t);
    if (err != 0)
        return err;
    if (t.e->host < 0)
        return null_transfer(&t);
    ssize_t put;
    do {
        put = pwritev(t.e->host, t.b.iov, t.b.n, t.offset);
    } while (put < 0 && errno == EINTR);
    return transfer_done(&t.b, put);
}

/* Moves the host descriptor's offset (lseek) and stores where it is now as
 * a u64 at out; the null stream stays at 0. Returns an errno. */
static uint32_t seek_and_tell(const wasi_fd *e, off_t offset, int how, uint8_t *out)
{
    off_t at = 0;
    if (e->host >= 0 && (at = lseek(e->host, offset, how)) < 0)
        return wasi_errno(errno);
    wasi_store_u64(out, (uint64_t)at);
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
    if (wasi_fd_with_rights(e, rights, &err) == NULL)
        return err;
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
    return seek_and_tell(e, (off_t)offset, how, out);
}

uint32_t wasi_op_fd_tell(wasi_call *c)
{
    uint32_t err;
    uint8_t *out;
    wasi_fd *e = wasi_fd_get_out(c, WASI_R_FD_TELL, 8, &out, &err);
    if (e == NULL)
        return err;
    return seek_and_tell(e, 0, SEEK_CUR, out);
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

/* fd_sync and fd_datasync: `flush` (fsync or fdatasync) on the host
 * descriptor, for a descriptor with `rights`. */
static uint32_t sync_with(wasi_call *c, uint64_t rights, int (*flush)(int))
{
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), rights, &err);
    if (e == NULL)
        return err;
    if (e->host >= 0 && flush(e->host) != 0)
        return wasi_errno(errno);
    return WASI_ESUCCESS;
}

uint32_t wasi_op_fd_sync(wasi_call *c) { return sync_with(c, WASI_R_FD_SYNC, fsync); }

uint32_t wasi_op_fd_datasync(wasi_call *c) { return sync_with(c, WASI_R_FD_DATASYNC, fdatasync); }

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
    wasi_fd *e = wasi_fd_get_writable(c->ctx, ARG32(c, 0), WASI_R_FD_ALLOCATE, &err);
    if (e == NULL)
        return err;
    off_t offset, len;
    if (!to_off(ARG64(c, 1), &offset) || !to_off(ARG64(c, 2), &len))
        return WASI_EINVAL;
    if (e->host < 0)
        return WASI_ESUCCESS;
    return wasi_errno(posix_fallocate(e->host, offset, len));
}
