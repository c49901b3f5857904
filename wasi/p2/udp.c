/* udp.c — wasi:sockets/udp-create-socket and wasi:sockets/udp: the
 * udp-socket resource over a non-blocking socket the world owns
 * (start-/finish-bind, stream, addresses, options) and its
 * incoming-datagram-stream (receive) and outgoing-datagram-stream
 * (check-send, send), each over its own dup of the descriptor.
 *
 * Only the pair of streams the latest `stream` call made is operational:
 * that call closes the earlier pairs (state CLOSED): their receive,
 * check-send and send fail with invalid-state, their pollables are ready.
 *
 * start-bind asks the world's bind list; stream's remote address and every
 * datagram's send-to address ask its connect list (wasi_p2_addr_allowed):
 * denied is err(access-denied), nothing sent. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/io.h"
#include "wasi/p2/sockets.h"

#define MAX_DATAGRAM 65536u          /* bytes one datagram holds at most */
#define RECEIVE_BYTES (256u << 10)   /* one receive stops after this many bytes */
#define SEND_PERMIT 64u              /* datagrams check-send permits at once */

#define FAIL(code) wasi_p2_sock_fail(result, code, err, errlen)
#define OK(v) wasi_p2_sock_ok(result, v, err, errlen)

typedef struct {
    wasi_p2 *w;
    wasi_p2_res *r;
    wasi_p2_sock *s;
} udp;

static bool self(void *user, const host_value *args, wasi_p2_kind k, udp *u, char *err,
                 size_t errlen)
{
    u->w = user;
    u->r = wasi_p2_res_get(u->w, &args[0], k, err, errlen);
    u->s = u->r != NULL ? u->r->sock : NULL;
    return u->r != NULL;
}

#define SELF(u, k)                                   \
    udp u;                                           \
    (void)nargs;                                     \
    if (!self(user, args, k, &u, err, errlen))       \
        return false

/* A datagram stream a later `stream` call replaced. */
#define STALE(u) ((u).s->state == WASI_P2_SOCK_CLOSED)

/* create-udp-socket: func(address-family) -> result<udp-socket, error-code> */
static bool create_udp_socket(void *user, const host_value *args, size_t nargs,
                              host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    int family;
    const char *code;
    int fd = wasi_p2_sock_open(&args[0], SOCK_DGRAM, &family, &code);
    if (fd < 0)
        return FAIL(code);
    wasi_p2_sock *s = calloc(1, sizeof *s);
    if (s == NULL) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    s->family = family;
    wasi_p2_res init = { .kind = WASI_P2_UDP, .fd = fd, .owned = true, .sock = s };
    host_value h;
    if (!wasi_p2_res_add(user, &init, &h, err, errlen))
        return false;
    return OK(h);
}

/* [method]udp-socket.start-bind: func(network: borrow<network>,
 * local-address: ip-socket-address) -> result<_, error-code> */
static bool start_bind(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP);
    if (wasi_p2_res_get(u.w, &args[1], WASI_P2_NETWORK, err, errlen) == NULL)
        return false;
    if (u.s->state != WASI_P2_SOCK_UNBOUND)
        return FAIL("invalid-state");
    struct sockaddr_storage ss;
    socklen_t len;
    const char *code;
    if (!wasi_p2_addr_in(&args[2], &ss, &len) || wasi_p2_addr_check(u.s->family, &ss, false))
        return FAIL("invalid-argument");
    if ((code = wasi_p2_addr_allowed(u.w, &ss, true)) != NULL)
        return FAIL(code);
    if (bind(u.r->fd, (struct sockaddr *)&ss, len) != 0)
        return FAIL(errno == EINVAL ? "invalid-state" : wasi_p2_errno_code(errno));
    u.s->state = WASI_P2_SOCK_BIND_STARTED;
    return OK(host_bool(true));
}

/* [method]udp-socket.finish-bind: func() -> result<_, error-code> */
static bool finish_bind(void *user, const host_value *args, size_t nargs, host_value *result,
                        char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP);
    if (u.s->state != WASI_P2_SOCK_BIND_STARTED)
        return FAIL("not-in-progress");
    u.s->state = WASI_P2_SOCK_BOUND;
    return OK(host_bool(true));
}

/* One datagram stream of kind k over a dup of fd, with the socket's remote. */
static bool push_stream(wasi_p2 *w, int fd, wasi_p2_kind k, const wasi_p2_sock *from,
                        host_value *out, char *err, size_t errlen)
{
    wasi_p2_sock *s = malloc(sizeof *s);
    int d = s != NULL ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
    if (d < 0) {
        snprintf(err, errlen, s == NULL ? "out of memory" : "dup of socket: %s", strerror(errno));
        free(s);
        return false;
    }
    *s = *from;
    s->permit = 0;
    wasi_p2_res init = { .kind = k, .fd = d, .owned = true, .sock = s };
    host_value h;
    const char *why = "out of memory";
    if (!wasi_p2_res_add(w, &init, &h, err, errlen))
        return false;
    if (!host_list_push(out, h, &why)) {
        snprintf(err, errlen, "%s", why);
        return false;
    }
    return true;
}

/* [method]udp-socket.stream: func(remote-address: option<ip-socket-address>)
 * -> result<tuple<incoming-datagram-stream, outgoing-datagram-stream>, error-code> */
static bool stream_fn(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP);
    if (u.s->state != WASI_P2_SOCK_BOUND)
        return FAIL("invalid-state");
    struct sockaddr_storage ss;
    socklen_t len = 0;
    bool remote = args[1].kind != HOST_VALUE_NIL;
    const char *code;
    if (remote) {
        if (!wasi_p2_addr_in(&args[1], &ss, &len) || wasi_p2_addr_check(u.s->family, &ss, true))
            return FAIL("invalid-argument");
        if ((code = wasi_p2_addr_allowed(u.w, &ss, false)) != NULL)
            return FAIL(code);
    }
    if (u.s->has_remote) {   /* disconnect first */
        struct sockaddr un = { .sa_family = AF_UNSPEC };
        (void)connect(u.r->fd, &un, sizeof un);
        u.s->has_remote = false;
    }
    if (remote) {
        if (connect(u.r->fd, (struct sockaddr *)&ss, len) != 0)
            return FAIL(errno == EADDRNOTAVAIL ? "address-in-use" : wasi_p2_errno_code(errno));
        u.s->has_remote = true;
        u.s->remote = ss;
    }
    uint32_t rep = (uint32_t)wasi_p2_arg_u64(&args[0]);
    for (uint32_t i = 0; i < u.w->nres; i++) {   /* the earlier pairs stop working */
        wasi_p2_res *r = &u.w->res[i];
        wasi_p2_sock *o = r->sock;
        if ((r->kind == WASI_P2_UDP_IN || r->kind == WASI_P2_UDP_OUT) && o->owner == rep)
            o->state = WASI_P2_SOCK_CLOSED;
    }
    wasi_p2_sock from = *u.s;
    from.owner = rep;
    int fd = u.r->fd;
    host_value pair = host_list(2);
    if (!push_stream(u.w, fd, WASI_P2_UDP_IN, &from, &pair, err, errlen) ||
        !push_stream(u.w, fd, WASI_P2_UDP_OUT, &from, &pair, err, errlen)) {
        host_value_free(&pair);
        return false;
    }
    return OK(pair);
}

/* [method]udp-socket.local-address: func() -> result<ip-socket-address, error-code> */
static bool local_address(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP);
    if (u.s->state == WASI_P2_SOCK_UNBOUND)
        return FAIL("invalid-state");
    struct sockaddr_storage ss;
    socklen_t n = sizeof ss;
    if (getsockname(u.r->fd, (struct sockaddr *)&ss, &n) != 0)
        return FAIL(wasi_p2_errno_code(errno));
    host_value v;
    return wasi_p2_addr_out(&ss, &v, err, errlen) && OK(v);
}

/* [method]udp-socket.remote-address: func() -> result<ip-socket-address, error-code> */
static bool remote_address(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP);
    if (!u.s->has_remote)
        return FAIL("invalid-state");
    host_value v;
    return wasi_p2_addr_out(&u.s->remote, &v, err, errlen) && OK(v);
}

/* [method]udp-socket.address-family: func() -> ip-address-family */
static bool address_family(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP);
    *result = wasi_p2_family_value(u.s->family);
    return true;
}

static bool hop_limit(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP);
    return u.s->family == AF_INET
               ? wasi_p2_sock_getopt(u.r->fd, IPPROTO_IP, IP_TTL, result, err, errlen)
               : wasi_p2_sock_getopt(u.r->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, result, err, errlen);
}

static bool set_hop_limit(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP);
    uint64_t v = wasi_p2_arg_u64(&args[1]);
    return u.s->family == AF_INET
               ? wasi_p2_sock_setopt(u.r->fd, IPPROTO_IP, IP_TTL, v, 255, result, err, errlen)
               : wasi_p2_sock_setopt(u.r->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, v, 255, result, err,
                                     errlen);
}

static bool recv_buf(void *user, const host_value *args, size_t nargs, host_value *result,
                     char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP);
    return wasi_p2_sock_getopt(u.r->fd, SOL_SOCKET, SO_RCVBUF, result, err, errlen);
}

static bool set_recv_buf(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP);
    return wasi_p2_sock_setopt(u.r->fd, SOL_SOCKET, SO_RCVBUF, wasi_p2_arg_u64(&args[1]),
                               INT_MAX / 2, result, err, errlen);
}

static bool send_buf(void *user, const host_value *args, size_t nargs, host_value *result,
                     char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP);
    return wasi_p2_sock_getopt(u.r->fd, SOL_SOCKET, SO_SNDBUF, result, err, errlen);
}

static bool set_send_buf(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP);
    return wasi_p2_sock_setopt(u.r->fd, SOL_SOCKET, SO_SNDBUF, wasi_p2_arg_u64(&args[1]),
                               INT_MAX / 2, result, err, errlen);
}

/* [method]udp-socket.subscribe: func() -> pollable (readable or writable) */
static bool subscribe(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP);
    return wasi_p2_fd_pollable(u.w, u.r->fd, true, true, result, err, errlen);
}

/* One received datagram as an incoming-datagram record. */
static bool datagram(const uint8_t *buf, size_t n, const struct sockaddr_storage *from,
                     host_value *out, char *err, size_t errlen)
{
    const char *why = "out of memory";
    host_value data = host_list(n), addr;
    for (size_t i = 0; i < n; i++)
        if (!host_list_push(&data, host_uint(buf[i]), &why)) {
            host_value_free(&data);
            snprintf(err, errlen, "%s", why);
            return false;
        }
    if (!wasi_p2_addr_out(from, &addr, err, errlen)) {
        host_value_free(&data);
        return false;
    }
    *out = host_map();
    if (!host_map_set(out, "data", 4, data, &why)) {
        host_value_free(&addr);
        host_value_free(out);
        snprintf(err, errlen, "%s", why);
        return false;
    }
    if (!host_map_set(out, "remote-address", 14, addr, &why)) {
        host_value_free(out);
        snprintf(err, errlen, "%s", why);
        return false;
    }
    return true;
}

/* [method]incoming-datagram-stream.receive: func(max-results: u64) ->
 * result<list<incoming-datagram>, error-code>: what is there now, at most
 * max-results datagrams and about RECEIVE_BYTES bytes. */
static bool receive(void *user, const host_value *args, size_t nargs, host_value *result,
                    char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP_IN);
    if (STALE(u))
        return FAIL("invalid-state");
    uint64_t max = wasi_p2_arg_u64(&args[1]);
    uint8_t *buf = malloc(MAX_DATAGRAM);
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    host_value list = host_list(0);
    size_t bytes = 0;
    int fd = u.r->fd;
    while (list.len < max && bytes < RECEIVE_BYTES) {
        struct sockaddr_storage from;
        socklen_t flen = sizeof from;
        ssize_t k = recvfrom(fd, buf, MAX_DATAGRAM, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = errno;
            if (e == EAGAIN || e == EWOULDBLOCK || list.len > 0)
                break;
            free(buf);
            host_value_free(&list);
            return FAIL(wasi_p2_errno_code(e == ECONNRESET ? EHOSTUNREACH : e));
        }
        host_value d;
        const char *why = "out of memory";
        bool fine = datagram(buf, (size_t)k, &from, &d, err, errlen);
        if (fine && !host_list_push(&list, d, &why)) {
            snprintf(err, errlen, "%s", why);
            fine = false;
        }
        if (!fine) {
            free(buf);
            host_value_free(&list);
            return false;
        }
        bytes += (size_t)k;
    }
    free(buf);
    return OK(list);
}

static bool in_subscribe(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP_IN);
    if (STALE(u))   /* ready: the call it wakes for fails at once */
        return wasi_p2_res_new(u.w, WASI_P2_POLLABLE, 0, NULL, result, err, errlen);
    return wasi_p2_fd_pollable(u.w, u.r->fd, true, false, result, err, errlen);
}

/* [method]outgoing-datagram-stream.check-send: func() -> result<u64, error-code> */
static bool check_send(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP_OUT);
    if (STALE(u))
        return FAIL("invalid-state");
    u.s->permit = sys_poll_now(u.r->fd, POLLOUT) != 0 ? SEND_PERMIT : 0;
    return OK(host_uint(u.s->permit));
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return false;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
    return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
}

/* Sends one outgoing-datagram: NULL when sent, "would-block" when the
 * socket is full, else the error-code. */
static const char *send_one(udp *u, const host_value *d, uint8_t *buf)
{
    const host_value *data = d->kind == HOST_VALUE_MAP ? host_map_get(d, "data", 4) : NULL;
    const host_value *to = d->kind == HOST_VALUE_MAP ? host_map_get(d, "remote-address", 14) : NULL;
    if (data == NULL || (data->kind != HOST_VALUE_LIST && data->kind != HOST_VALUE_STRING))
        return "invalid-argument";
    if (data->len > MAX_DATAGRAM)
        return "datagram-too-large";
    for (size_t i = 0; i < data->len; i++)
        buf[i] = wasi_p2_arg_byte(data, i);
    struct sockaddr_storage ss;
    socklen_t len = 0;
    bool has_to = to != NULL && to->kind != HOST_VALUE_NIL;
    if (has_to) {
        if (!wasi_p2_addr_in(to, &ss, &len) || wasi_p2_addr_check(u->s->family, &ss, true))
            return "invalid-argument";
        if (u->s->has_remote && !same_addr(&ss, &u->s->remote))
            return "invalid-argument";
        const char *code = wasi_p2_addr_allowed(u->w, &ss, false);
        if (code != NULL)
            return code;
    } else if (!u->s->has_remote) {
        return "invalid-argument";
    }
    ssize_t k;
    do
        k = has_to && !u->s->has_remote
                ? sendto(u->r->fd, buf, data->len, MSG_DONTWAIT | MSG_NOSIGNAL,
                         (struct sockaddr *)&ss, len)
                : send(u->r->fd, buf, data->len, MSG_DONTWAIT | MSG_NOSIGNAL);
    while (k < 0 && errno == EINTR);
    if (k < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? "would-block"
               : errno == ECONNRESET ? "remote-unreachable" : wasi_p2_errno_code(errno);
    return NULL;
}

/* [method]outgoing-datagram-stream.send: func(datagrams: list<outgoing-datagram>)
 * -> result<u64, error-code>: sends in order until the first that fails;
 * more datagrams than check-send permitted trap. */
static bool send_fn(void *user, const host_value *args, size_t nargs, host_value *result,
                    char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP_OUT);
    if (STALE(u))
        return FAIL("invalid-state");
    const host_value *list = &args[1];
    size_t n = list->kind == HOST_VALUE_LIST ? list->len : 0;
    if (n == 0)
        return OK(host_uint(0));
    if (n > u.s->permit) {
        snprintf(err, errlen, "send: %zu datagrams, more than the %" PRIu64 " check-send permitted",
                 n, u.s->permit);
        return false;
    }
    uint8_t *buf = malloc(MAX_DATAGRAM);
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    size_t sent = 0;
    const char *code = NULL;
    while (sent < n && (code = send_one(&u, &list->items[sent], buf)) == NULL)
        sent++;
    free(buf);
    u.s->permit -= sent;
    if (sent == 0 && code != NULL && strcmp(code, "would-block") != 0)
        return FAIL(code);
    return OK(host_uint(sent));
}

static bool out_subscribe(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    SELF(u, WASI_P2_UDP_OUT);
    if (STALE(u))
        return wasi_p2_res_new(u.w, WASI_P2_POLLABLE, 0, NULL, result, err, errlen);
    return wasi_p2_fd_pollable(u.w, u.r->fd, false, true, result, err, errlen);
}

#define C WASI_CAP_SOCKETS
#define U "wasi:sockets/udp"
#define M(n) "[method]udp-socket." n
const wasi_p2_def wasi_p2_udp_defs[] = {
    { "wasi:sockets/udp-create-socket", "create-udp-socket", create_udp_socket, C },
    { U, M("start-bind"), start_bind, C },
    { U, M("finish-bind"), finish_bind, C },
    { U, M("stream"), stream_fn, C },
    { U, M("local-address"), local_address, C },
    { U, M("remote-address"), remote_address, C },
    { U, M("address-family"), address_family, C },
    { U, M("unicast-hop-limit"), hop_limit, C },
    { U, M("set-unicast-hop-limit"), set_hop_limit, C },
    { U, M("receive-buffer-size"), recv_buf, C },
    { U, M("set-receive-buffer-size"), set_recv_buf, C },
    { U, M("send-buffer-size"), send_buf, C },
    { U, M("set-send-buffer-size"), set_send_buf, C },
    { U, M("subscribe"), subscribe, C },
    { U, "[method]incoming-datagram-stream.receive", receive, C },
    { U, "[method]incoming-datagram-stream.subscribe", in_subscribe, C },
    { U, "[method]outgoing-datagram-stream.check-send", check_send, C },
    { U, "[method]outgoing-datagram-stream.send", send_fn, C },
    { U, "[method]outgoing-datagram-stream.subscribe", out_subscribe, C },
};
const size_t wasi_p2_nudp_defs = sizeof wasi_p2_udp_defs / sizeof wasi_p2_udp_defs[0];
