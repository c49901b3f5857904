/* sock.c — sock_accept, sock_recv, sock_send, sock_shutdown on descriptors
 * that are host sockets (preview 1 cannot make sockets: they come from the
 * embedder, as stdio). Anything else is ENOTSOCK. Waiting works as for
 * fd_read/fd_write: a socket that is not ready makes the call
 * WASI_BLOCKED (or EAGAIN when the guest made it non-blocking); in a
 * suspend context every transfer is also MSG_DONTWAIT, so RECV_WAITALL
 * there returns what has arrived. */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wasi/internal.h"

enum { RECV_PEEK = 1, RECV_WAITALL = 2, RECV_DATA_TRUNCATED = 1, SHUT_RD_BIT = 1, SHUT_WR_BIT = 2 };

/* The socket descriptor: EBADF, then ENOTSOCK, then ENOTCAPABLE. A socket
 * always has a host descriptor and can block, so waiting for it is
 * wasi_stream_ready() and wasi_stream_not_ready() as for fd_read. */
static wasi_fd *socket_get(wasi_ctx *ctx, uint32_t fd, uint64_t rights, uint32_t *err)
{
    wasi_fd *e = wasi_fd_get(ctx, fd, 0, err);
    if (e == NULL)
        return NULL;
    if (e->host < 0 || (e->type != WASI_FILETYPE_SOCKET_STREAM && e->type != WASI_FILETYPE_SOCKET_DGRAM)) {
        *err = WASI_ENOTSOCK;
        return NULL;
    }
    return wasi_fd_with_rights(e, rights, err);
}

/* sock_accept(fd, flags, *fd). */
uint32_t wasi_op_sock_accept(wasi_call *c)
{
    uint32_t err, flags = ARG32(c, 1);
    wasi_fd *e = socket_get(c->ctx, ARG32(c, 0), WASI_R_SOCK_ACCEPT, &err);
    if (e == NULL)
        return err;
    if (flags & ~(uint32_t)WASI_FDFLAG_NONBLOCK)
        return WASI_EINVAL;
    uint8_t *out = wasi_mem(c->mem, ARG32(c, 2), 4);
    if (out == NULL)
        return WASI_EFAULT;
    if ((err = wasi_stream_ready(c, e, POLLIN)) != 0)
        return err;
    /* Non-blocking while accepting: the peer may be gone since poll. */
    int host = accept4(e->host, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (host < 0) {
        if (errno == EAGAIN || errno == ECONNABORTED)
            return wasi_stream_not_ready(c, e, POLLIN);
        return wasi_errno(errno);
    }
    struct stat st;
    if (fcntl(host, F_SETFL, 0) != 0 || fstat(host, &st) != 0) {
        err = wasi_errno(errno);
        close(host);
        return err;
    }
    wasi_fd n = { .host = host, .mount = -1, .fdflags = (uint16_t)flags };
    return wasi_fd_adopt(c->ctx, n, &st, e->inheriting, e->inheriting, out);
}

/* sock_recv(fd, ri_data, ri_data_len, ri_flags, *ro_datalen, *ro_flags). */
uint32_t wasi_op_sock_recv(wasi_call *c)
{
    uint32_t err, flags = ARG32(c, 3);
    wasi_fd *e = socket_get(c->ctx, ARG32(c, 0), WASI_R_FD_READ, &err);
    if (e == NULL)
        return err;
    if (flags & ~(uint32_t)(RECV_PEEK | RECV_WAITALL))
        return WASI_EINVAL;
    wasi_buffers b;
    if ((err = wasi_buffers_arg(c, 4, &b)) != 0)
        return err;
    uint8_t *roflags = wasi_mem(c->mem, ARG32(c, 5), 2);
    if (roflags == NULL)
        return WASI_EFAULT;
    if ((err = wasi_stream_ready(c, e, POLLIN)) != 0)
        return err;
    struct msghdr msg = { .msg_iov = b.iov, .msg_iovlen = (size_t)b.n };
    int how = MSG_DONTWAIT;
    if (flags & RECV_PEEK)
        how |= MSG_PEEK;
    if ((flags & RECV_WAITALL) && !c->ctx->suspend && !(e->fdflags & WASI_FDFLAG_NONBLOCK))
        how = (how & ~MSG_DONTWAIT) | MSG_WAITALL;
    ssize_t got;
    do {
        got = recvmsg(e->host, &msg, how);
    } while (got < 0 && errno == EINTR);
    if ((err = wasi_stream_done(c, e, POLLIN, &b, got)) == 0)
        wasi_store_u16(roflags, (msg.msg_flags & MSG_TRUNC) ? RECV_DATA_TRUNCATED : 0);
    return err;
}

/* sock_send(fd, si_data, si_data_len, si_flags, *so_datalen). */
uint32_t wasi_op_sock_send(wasi_call *c)
{
    uint32_t err;
    wasi_fd *e = socket_get(c->ctx, ARG32(c, 0), WASI_R_FD_WRITE, &err);
    if (e == NULL)
        return err;
    if (ARG32(c, 3) != 0)
        return WASI_EINVAL;   /* preview 1 defines no send flags */
    wasi_buffers b;
    if ((err = wasi_buffers_arg(c, 4, &b)) != 0)
        return err;
    if ((err = wasi_stream_ready(c, e, POLLOUT)) != 0)
        return err;
    struct msghdr msg = { .msg_iov = b.iov, .msg_iovlen = (size_t)b.n };
    int how = MSG_NOSIGNAL;
    if (c->ctx->suspend || (e->fdflags & WASI_FDFLAG_NONBLOCK))
        how |= MSG_DONTWAIT;
    ssize_t put;
    do {
        put = sendmsg(e->host, &msg, how);
    } while (put < 0 && errno == EINTR);
    return wasi_stream_done(c, e, POLLOUT, &b, put);
}

/* sock_shutdown(fd, how): how is RD (1), WR (2) or both. */
uint32_t wasi_op_sock_shutdown(wasi_call *c)
{
    uint32_t err, how = ARG32(c, 1);
    wasi_fd *e = socket_get(c->ctx, ARG32(c, 0), WASI_R_SOCK_SHUTDOWN, &err);
    if (e == NULL)
        return err;
    int mode;
    switch (how) {
    case SHUT_RD_BIT: mode = SHUT_RD; break;
    case SHUT_WR_BIT: mode = SHUT_WR; break;
    case SHUT_RD_BIT | SHUT_WR_BIT: mode = SHUT_RDWR; break;
    default: return WASI_EINVAL;
    }
    if (shutdown(e->host, mode) != 0)
        return wasi_errno(errno);
    return WASI_ESUCCESS;
}
