/* tcp.c — wasi:sockets/tcp-create-socket and wasi:sockets/tcp: the
 * tcp-socket resource over a non-blocking socket the world owns, its
 * state machine (TcpSocketOperationalSemantics.md: start-/finish-bind,
 * start-/finish-listen, start-/finish-connect, accept, shutdown) and its
 * options. Every "not ready yet" is err(would-block); the socket's
 * subscribe is a pollable on its descriptor. A connection's
 * input-stream and output-stream are stream reps (streams.c) over their
 * own dup of the descriptor, closed when dropped.
 *
 * start-connect and start-bind ask the world's allow-list first
 * (wasi_p2_addr_allowed): a denied address is err(access-denied) and no
 * system call is made. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/io.h"
#include "wasi/p2/sockets.h"

#define DEFAULT_BACKLOG 128

typedef struct {
    wasi_p2 *w;
    wasi_p2_res *r;
    wasi_p2_sock *s;
} tcp;

static bool self(void *user, const host_value *args, tcp *t, char *err, size_t errlen)
{
    t->w = user;
    t->r = wasi_p2_res_get(t->w, &args[0], WASI_P2_TCP, err, errlen);
    t->s = t->r != NULL ? t->r->sock : NULL;
    return t->r != NULL;
}

#define FAIL(code) wasi_p2_sock_fail(result, code, err, errlen)
#define OK(v) wasi_p2_sock_ok(result, v, err, errlen)
#define SELF(t)                                      \
    tcp t;                                           \
    (void)nargs;                                     \
    if (!self(user, args, &t, err, errlen))          \
        return false

/* A new tcp-socket rep over fd (taken over) in state. */
static bool new_socket(wasi_p2 *w, int fd, int family, wasi_p2_sock_state state, int backlog,
                       host_value *handle, char *err, size_t errlen)
{
    wasi_p2_sock *s = calloc(1, sizeof *s);
    if (s == NULL) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    s->family = family;
    s->state = state;
    s->backlog = backlog;
    wasi_p2_res init = { .kind = WASI_P2_TCP, .fd = fd, .owned = true, .sock = s };
    return wasi_p2_res_add(w, &init, handle, err, errlen);
}

/* create-tcp-socket: func(address-family) -> result<tcp-socket, error-code> */
static bool create_tcp_socket(void *user, const host_value *args, size_t nargs,
                              host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    int family;
    const char *code;
    int fd = wasi_p2_sock_open(&args[0], SOCK_STREAM, &family, &code);
    if (fd < 0)
        return FAIL(code);
    host_value h;
    if (!new_socket(user, fd, family, WASI_P2_SOCK_UNBOUND, DEFAULT_BACKLOG, &h, err, errlen))
        return false;
    return OK(h);
}

/* [method]tcp-socket.start-bind: func(network: borrow<network>,
 * local-address: ip-socket-address) -> result<_, error-code> */
static bool start_bind(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    SELF(t);
    if (wasi_p2_res_get(t.w, &args[1], WASI_P2_NETWORK, err, errlen) == NULL)
        return false;
    if (t.s->state != WASI_P2_SOCK_UNBOUND)
        return FAIL("invalid-state");
    struct sockaddr_storage ss;
    socklen_t len;
    const char *code;
    if (!wasi_p2_addr_in(&args[2], &ss, &len) ||
        (code = wasi_p2_addr_check(t.s->family, &ss, false)) != NULL)
        return FAIL("invalid-argument");
    if ((code = wasi_p2_addr_allowed(t.w, &ss, true)) != NULL)
        return FAIL(code);
    int one = 1;
    (void)setsockopt(t.r->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(t.r->fd, (struct sockaddr *)&ss, len) != 0)
        return FAIL(errno == EINVAL ? "invalid-state" : wasi_p2_errno_code(errno));
    t.s->state = WASI_P2_SOCK_BIND_STARTED;
    return OK(host_bool(true));
}

/* [method]tcp-socket.finish-bind: func() -> result<_, error-code> */
static bool finish_bind(void *user, const host_value *args, size_t nargs, host_value *result,
                        char *err, size_t errlen)
{
    SELF(t);
    if (t.s->state != WASI_P2_SOCK_BIND_STARTED)
        return FAIL("not-in-progress");
    t.s->state = WASI_P2_SOCK_BOUND;
    return OK(host_bool(true));
}

/* [method]tcp-socket.start-connect: func(network: borrow<network>,
 * remote-address: ip-socket-address) -> result<_, error-code> */
static bool start_connect(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    SELF(t);
    if (wasi_p2_res_get(t.w, &args[1], WASI_P2_NETWORK, err, errlen) == NULL)
        return false;
    switch (t.s->state) {
    case WASI_P2_SOCK_UNBOUND: case WASI_P2_SOCK_BOUND: break;
    case WASI_P2_SOCK_CONNECTING: return FAIL("concurrency-conflict");
    default: return FAIL("invalid-state");
    }
    struct sockaddr_storage ss;
    socklen_t len;
    const char *code;
    if (!wasi_p2_addr_in(&args[2], &ss, &len) ||
        (code = wasi_p2_addr_check(t.s->family, &ss, true)) != NULL)
        return FAIL("invalid-argument");
    if ((code = wasi_p2_addr_allowed(t.w, &ss, false)) != NULL)
        return FAIL(code);
    int rc;
    do
        rc = connect(t.r->fd, (struct sockaddr *)&ss, len);
    while (rc != 0 && errno == EINTR);
    if (rc != 0 && errno != EINPROGRESS) {
        int e = errno;
        t.s->state = WASI_P2_SOCK_CLOSED;
        return FAIL(e == EADDRNOTAVAIL ? "address-in-use" : wasi_p2_errno_code(e));
    }
    t.s->state = WASI_P2_SOCK_CONNECTING;
    return OK(host_bool(true));
}

/* An input-stream and an output-stream over dups of fd, as a list of
 * their handles appended to out. */
static bool push_streams(wasi_p2 *w, int fd, host_value *out, char *err, size_t errlen)
{
    for (int k = 0; k < 2; k++) {
        int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (d < 0) {
            snprintf(err, errlen, "dup of socket %d: %s", fd, strerror(errno));
            return false;
        }
        wasi_p2_res init = { .kind = k == 0 ? WASI_P2_INPUT : WASI_P2_OUTPUT, .fd = d,
                             .owned = true };
        host_value h;
        const char *why = "out of memory";
        if (!wasi_p2_res_add(w, &init, &h, err, errlen))
            return false;
        if (!host_list_push(out, h, &why)) {
            snprintf(err, errlen, "%s", why);
            return false;
        }
    }
    return true;
}

/* [method]tcp-socket.finish-connect: func() -> result<tuple<input-stream,
 * output-stream>, error-code> */
static bool finish_connect(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    SELF(t);
    if (t.s->state != WASI_P2_SOCK_CONNECTING)
        return FAIL("not-in-progress");
    if (sys_poll_now(t.r->fd, POLLOUT) == 0)
        return FAIL("would-block");
    int e = 0;
    socklen_t n = sizeof e;
    if (getsockopt(t.r->fd, SOL_SOCKET, SO_ERROR, &e, &n) != 0)
        e = errno;
    if (e != 0) {
        t.s->state = WASI_P2_SOCK_CLOSED;
        return FAIL(wasi_p2_errno_code(e));
    }
    t.s->state = WASI_P2_SOCK_CONNECTED;
    host_value pair = host_list(2);
    if (!push_streams(t.w, t.r->fd, &pair, err, errlen)) {
        host_value_free(&pair);
        return false;
    }
    return OK(pair);
}

/* [method]tcp-socket.start-listen: func() -> result<_, error-code> */
static bool start_listen(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    SELF(t);
    if (t.s->state == WASI_P2_SOCK_LISTEN_STARTED)
        return FAIL("concurrency-conflict");
    if (t.s->state != WASI_P2_SOCK_BOUND)
        return FAIL("invalid-state");
    if (listen(t.r->fd, t.s->backlog) != 0)
        return FAIL(wasi_p2_errno_code(errno));
    t.s->state = WASI_P2_SOCK_LISTEN_STARTED;
    return OK(host_bool(true));
}

/* [method]tcp-socket.finish-listen: func() -> result<_, error-code> */
static bool finish_listen(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    SELF(t);
    if (t.s->state != WASI_P2_SOCK_LISTEN_STARTED)
        return FAIL("not-in-progress");
    t.s->state = WASI_P2_SOCK_LISTENING;
    return OK(host_bool(true));
}

/* [method]tcp-socket.accept: func() -> result<tuple<tcp-socket,
 * input-stream, output-stream>, error-code> */
static bool accept_fn(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    SELF(t);
    if (t.s->state != WASI_P2_SOCK_LISTENING)
        return FAIL("invalid-state");
    int fd;
    do
        fd = accept4(t.r->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return FAIL(errno == EWOULDBLOCK ? "would-block" : wasi_p2_errno_code(errno));
    host_value triple = host_list(3), h;
    const char *why = "out of memory";
    /* the new rep may move the table: t.r is not used after this */
    if (!new_socket(t.w, fd, t.s->family, WASI_P2_SOCK_CONNECTED, t.s->backlog, &h, err, errlen))
        return false;
    if (!host_list_push(&triple, h, &why)) {
        host_value_free(&triple);
        snprintf(err, errlen, "%s", why);
        return false;
    }
    if (!push_streams(t.w, fd, &triple, err, errlen)) {
        host_value_free(&triple);
        return false;
    }
    return OK(triple);
}

static bool sockname(tcp *t, bool peer, host_value *result, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    socklen_t n = sizeof ss;
    int rc = peer ? getpeername(t->r->fd, (struct sockaddr *)&ss, &n)
                  : getsockname(t->r->fd, (struct sockaddr *)&ss, &n);
    if (rc != 0)
        return FAIL(errno == ENOTCONN ? "invalid-state" : wasi_p2_errno_code(errno));
    host_value v;
    if (!wasi_p2_addr_out(&ss, &v, err, errlen))
        return false;
    return OK(v);
}

/* [method]tcp-socket.local-address: func() -> result<ip-socket-address, error-code> */
static bool local_address(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    SELF(t);
    if (t.s->state == WASI_P2_SOCK_UNBOUND || t.s->state == WASI_P2_SOCK_CLOSED)
        return FAIL("invalid-state");
    return sockname(&t, false, result, err, errlen);
}

/* [method]tcp-socket.remote-address: func() -> result<ip-socket-address, error-code> */
static bool remote_address(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    SELF(t);
    if (t.s->state != WASI_P2_SOCK_CONNECTED)
        return FAIL("invalid-state");
    return sockname(&t, true, result, err, errlen);
}

/* [method]tcp-socket.is-listening: func() -> bool */
static bool is_listening(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    SELF(t);
    *result = host_bool(t.s->state == WASI_P2_SOCK_LISTENING);
    return true;
}

/* [method]tcp-socket.address-family: func() -> ip-address-family */
static bool address_family(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    SELF(t);
    *result = wasi_p2_family_value(t.s->family);
    return true;
}

/* [method]tcp-socket.set-listen-backlog-size: func(value: u64) -> result<_, error-code> */
static bool set_backlog(void *user, const host_value *args, size_t nargs, host_value *result,
                        char *err, size_t errlen)
{
    SELF(t);
    uint64_t v = wasi_p2_arg_u64(&args[1]);
    if (v == 0)
        return FAIL("invalid-argument");
    if (t.s->state == WASI_P2_SOCK_CONNECTING || t.s->state == WASI_P2_SOCK_CONNECTED)
        return FAIL("invalid-state");
    t.s->backlog = v > INT_MAX ? INT_MAX : (int)v;
    if (t.s->state == WASI_P2_SOCK_LISTENING && listen(t.r->fd, t.s->backlog) != 0)
        return FAIL("not-supported");
    return OK(host_bool(true));
}

/* [method]tcp-socket.keep-alive-enabled: func() -> result<bool, error-code> */
static bool keep_alive(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    SELF(t);
    int v = 0;
    socklen_t n = sizeof v;
    if (getsockopt(t.r->fd, SOL_SOCKET, SO_KEEPALIVE, &v, &n) != 0)
        return FAIL(wasi_p2_errno_code(errno));
    return OK(host_bool(v != 0));
}

/* [method]tcp-socket.set-keep-alive-enabled: func(value: bool) -> result<_, error-code> */
static bool set_keep_alive(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    SELF(t);
    int v = args[1].kind == HOST_VALUE_BOOL && args[1].b;
    if (setsockopt(t.r->fd, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v) != 0)
        return FAIL(wasi_p2_errno_code(errno));
    return OK(host_bool(true));
}

/* A keep-alive time (TCP_KEEPIDLE, TCP_KEEPINTVL: whole seconds) as a duration. */
static bool get_secs(tcp *t, int name, host_value *result, char *err, size_t errlen)
{
    int v = 0;
    socklen_t n = sizeof v;
    if (getsockopt(t->r->fd, IPPROTO_TCP, name, &v, &n) != 0)
        return FAIL(wasi_p2_errno_code(errno));
    return OK(host_uint((uint64_t)(v < 0 ? 0 : v) * 1000000000ull));
}

/* A duration, rounded up to whole seconds and clamped to Linux's 1..32767. */
static bool set_secs(tcp *t, int name, uint64_t ns, host_value *result, char *err, size_t errlen)
{
    if (ns == 0)
        return FAIL("invalid-argument");
    uint64_t s = ns / 1000000000ull + (ns % 1000000000ull != 0);
    return wasi_p2_sock_setopt(t->r->fd, IPPROTO_TCP, name, s, 32767, result, err, errlen);
}

static bool keep_idle(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    SELF(t);
    return get_secs(&t, TCP_KEEPIDLE, result, err, errlen);
}

static bool set_keep_idle(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    SELF(t);
    return set_secs(&t, TCP_KEEPIDLE, wasi_p2_arg_u64(&args[1]), result, err, errlen);
}

static bool keep_interval(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    SELF(t);
    return get_secs(&t, TCP_KEEPINTVL, result, err, errlen);
}

static bool set_keep_interval(void *user, const host_value *args, size_t nargs,
                              host_value *result, char *err, size_t errlen)
{
    SELF(t);
    return set_secs(&t, TCP_KEEPINTVL, wasi_p2_arg_u64(&args[1]), result, err, errlen);
}

static bool keep_count(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    SELF(t);
    return wasi_p2_sock_getopt(t.r->fd, IPPROTO_TCP, TCP_KEEPCNT, result, err, errlen);
}

static bool set_keep_count(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    SELF(t);
    return wasi_p2_sock_setopt(t.r->fd, IPPROTO_TCP, TCP_KEEPCNT, wasi_p2_arg_u64(&args[1]), 127,
                               result, err, errlen);
}

/* hop-limit: IP_TTL or IPV6_UNICAST_HOPS */
static bool hop_limit(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    SELF(t);
    return t.s->family == AF_INET
               ? wasi_p2_sock_getopt(t.r->fd, IPPROTO_IP, IP_TTL, result, err, errlen)
               : wasi_p2_sock_getopt(t.r->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, result, err, errlen);
}

static bool set_hop_limit(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    SELF(t);
    uint64_t v = wasi_p2_arg_u64(&args[1]);
    return t.s->family == AF_INET
               ? wasi_p2_sock_setopt(t.r->fd, IPPROTO_IP, IP_TTL, v, 255, result, err, errlen)
               : wasi_p2_sock_setopt(t.r->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, v, 255, result, err,
                                     errlen);
}

static bool recv_buf(void *user, const host_value *args, size_t nargs, host_value *result,
                     char *err, size_t errlen)
{
    SELF(t);
    return wasi_p2_sock_getopt(t.r->fd, SOL_SOCKET, SO_RCVBUF, result, err, errlen);
}

static bool set_recv_buf(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    SELF(t);
    return wasi_p2_sock_setopt(t.r->fd, SOL_SOCKET, SO_RCVBUF, wasi_p2_arg_u64(&args[1]),
                               INT_MAX / 2, result, err, errlen);
}

static bool send_buf(void *user, const host_value *args, size_t nargs, host_value *result,
                     char *err, size_t errlen)
{
    SELF(t);
    return wasi_p2_sock_getopt(t.r->fd, SOL_SOCKET, SO_SNDBUF, result, err, errlen);
}

static bool set_send_buf(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    SELF(t);
    return wasi_p2_sock_setopt(t.r->fd, SOL_SOCKET, SO_SNDBUF, wasi_p2_arg_u64(&args[1]),
                               INT_MAX / 2, result, err, errlen);
}

/* [method]tcp-socket.subscribe: func() -> pollable: ready when the socket
 * is readable or writable (a connect done or failed, a connection to
 * accept: a listening socket is never writable); an idle socket in no
 * operation is ready at once. One pollable serves every state. */
static bool subscribe(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    SELF(t);
    return wasi_p2_fd_pollable(t.w, t.r->fd, true, true, result, err, errlen);
}

/* [method]tcp-socket.shutdown: func(shutdown-type) -> result<_, error-code> */
static bool shutdown_fn(void *user, const host_value *args, size_t nargs, host_value *result,
                        char *err, size_t errlen)
{
    SELF(t);
    if (t.s->state != WASI_P2_SOCK_CONNECTED)
        return FAIL("invalid-state");
    const host_value *how = &args[1];
    int h = SHUT_RDWR;
    if (how->kind == HOST_VALUE_STRING && how->len == 7 && !memcmp(how->s, "receive", 7))
        h = SHUT_RD;
    else if (how->kind == HOST_VALUE_STRING && how->len == 4 && !memcmp(how->s, "send", 4))
        h = SHUT_WR;
    if (shutdown(t.r->fd, h) != 0 && errno != ENOTCONN)
        return FAIL(wasi_p2_errno_code(errno));
    return OK(host_bool(true));
}

#define C WASI_CAP_SOCKETS
#define T "wasi:sockets/tcp"
#define M(n) "[method]tcp-socket." n
const wasi_p2_def wasi_p2_tcp_defs[] = {
    { "wasi:sockets/tcp-create-socket", "create-tcp-socket", create_tcp_socket, C },
    { T, M("start-bind"), start_bind, C },
    { T, M("finish-bind"), finish_bind, C },
    { T, M("start-connect"), start_connect, C },
    { T, M("finish-connect"), finish_connect, C },
    { T, M("start-listen"), start_listen, C },
    { T, M("finish-listen"), finish_listen, C },
    { T, M("accept"), accept_fn, C },
    { T, M("local-address"), local_address, C },
    { T, M("remote-address"), remote_address, C },
    { T, M("is-listening"), is_listening, C },
    { T, M("address-family"), address_family, C },
    { T, M("set-listen-backlog-size"), set_backlog, C },
    { T, M("keep-alive-enabled"), keep_alive, C },
    { T, M("set-keep-alive-enabled"), set_keep_alive, C },
    { T, M("keep-alive-idle-time"), keep_idle, C },
    { T, M("set-keep-alive-idle-time"), set_keep_idle, C },
    { T, M("keep-alive-interval"), keep_interval, C },
    { T, M("set-keep-alive-interval"), set_keep_interval, C },
    { T, M("keep-alive-count"), keep_count, C },
    { T, M("set-keep-alive-count"), set_keep_count, C },
    { T, M("hop-limit"), hop_limit, C },
    { T, M("set-hop-limit"), set_hop_limit, C },
    { T, M("receive-buffer-size"), recv_buf, C },
    { T, M("set-receive-buffer-size"), set_recv_buf, C },
    { T, M("send-buffer-size"), send_buf, C },
    { T, M("set-send-buffer-size"), set_send_buf, C },
    { T, M("subscribe"), subscribe, C },
    { T, M("shutdown"), shutdown_fn, C },
};
const size_t wasi_p2_ntcp_defs = sizeof wasi_p2_tcp_defs / sizeof wasi_p2_tcp_defs[0];
