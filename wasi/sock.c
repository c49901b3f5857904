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

#include "sys/io.h"
#include "wasi/internal.h"

enum { RECV_PEEK = 1, RECV_WAITALL = 2, RECV_DATA_TRUNCATED = 1, SHUT_RD_BIT = 1, SHUT_WR_BIT = 2 };

/* The socket descriptor: EBADF, then ENOTSOCK, then ENOTCAPABLE. */
static wasi_fd *socket_get(wasi_ctx *ctx, uint32_t fd, uint64_t rights, uint32_t *err)
{
    wasi_fd *e = wasi_fd_get(ctx, fd, 0, err);
    if (e == NULL)
        return NULL;
    if (e->host < 0 || (e->type != WASI_FILETYPE_SOCKET_STREAM && e->type != WASI_FILETYPE_SOCKET_DGRAM)) {
        *err = WASI_ENOTSOCK;
        return NULL;
    }
    if ((e->base & rights) != rights) {
        *err = WASI_ENOTCAPABLE;
        return NULL;
    }
    return e;
}

/* The socket was not ready after all: EAGAIN or WASI_BLOCKED. */
static uint32_t wait_again(wasi_call *c, const wasi_fd *e, short events)
{
    if (e->fdflags & WASI_FDFLAG_NONBLOCK)
        return WASI_EAGAIN;
    return wasi_wait_fd(c->ctx, e->host, events) ? WASI_BLOCKED : WASI_ENOMEM;
}

/* 0 when the socket is ready for `events`; else EAGAIN or WASI_BLOCKED. */
static uint32_t wait_for(wasi_call *c, const wasi_fd *e, short events)
{
    if (sys_poll_now(e->host, events) != 0)
        return 0;
    return wait_again(c, e, events);
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
    if ((err = wait_for(c, e, POLLIN)) != 0)
        return err;
    /* Non-blocking while accepting: the peer may be gone since poll. */
    int host = accept4(e->host, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (host < 0) {
        if (errno == EAGAIN || errno == ECONNABORTED)
            return wait_again(c, e, POLLIN);
        return wasi_errno(errno);
    }
    struct stat st;
    wasi_fd n = { .host = host, .mount = -1 };
    if (fcntl(host, F_SETFL, 0) != 0 || fstat(host, &st) != 0) {
        err = wasi_errno(errno);
        close(host);
        return err;
    }
    wasi_fd_describe(&n, &st);
    n.base &= e->inheriting;
    n.inheriting &= e->inheriting;
    n.fdflags = (uint16_t)flags;
    uint32_t fd;
    if ((err = wasi_fd_insert(c->ctx, &n, &fd)) != 0) {
        close(host);
        return err;
    }
    wasi_store_u32(out, fd);
    return WASI_ESUCCESS;
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
    struct iovec iov[WASI_MAX_IOVS];
    int n = 0;
    if ((err = wasi_iovecs(c->mem, ARG32(c, 1), ARG32(c, 2), iov, &n)) != 0)
        return err;
    uint8_t *datalen = wasi_mem(c->mem, ARG32(c, 4), 4);
    uint8_t *roflags = wasi_mem(c->mem, ARG32(c, 5), 2);
    if (datalen == NULL || roflags == NULL)
        return WASI_EFAULT;
    if ((err = wait_for(c, e, POLLIN)) != 0)
        return err;
    struct msghdr msg = { .msg_iov = iov, .msg_iovlen = (size_t)n };
    int how = MSG_DONTWAIT;
    if (flags & RECV_PEEK)
        how |= MSG_PEEK;
    if ((flags & RECV_WAITALL) && !c->ctx->suspend && !(e->fdflags & WASI_FDFLAG_NONBLOCK))
        how = (how & ~MSG_DONTWAIT) | MSG_WAITALL;
    ssize_t got;
    do {
        got = recvmsg(e->host, &msg, how);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        if (errno == EAGAIN)
            return wait_again(c, e, POLLIN);
        return wasi_errno(errno);
    }
    wasi_store_u32(datalen, (uint32_t)got);
    wasi_store_u16(roflags, (msg.msg_flags & MSG_TRUNC) ? RECV_DATA_TRUNCATED : 0);
    return WASI_ESUCCESS;
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
    struct iovec iov[WASI_MAX_IOVS];
    int n = 0;
    if ((err = wasi_iovecs(c->mem, ARG32(c, 1), ARG32(c, 2), iov, &n)) != 0)
        return err;
    uint8_t *datalen = wasi_mem(c->mem, ARG32(c, 4), 4);
    if (datalen == NULL)
        return WASI_EFAULT;
    if ((err = wait_for(c, e, POLLOUT)) != 0)
        return err;
    struct msghdr msg = { .msg_iov = iov, .msg_iovlen = (size_t)n };
    int how = MSG_NOSIGNAL;
    if (c->ctx->suspend || (e->fdflags & WASI_FDFLAG_NONBLOCK))
        how |= MSG_DONTWAIT;
    ssize_t put;
    do {
        put = sendmsg(e->host, &msg, how);
    } while (put < 0 && errno == EINTR);
    if (put < 0) {
        if (errno == EAGAIN)
            return wait_again(c, e, POLLOUT);
        return wasi_errno(errno);
    }
    wasi_store_u32(datalen, (uint32_t)put);
    return WASI_ESUCCESS;
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
