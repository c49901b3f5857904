/* net.c — wasi:sockets/network (network-error-code) and instance-network
 * (the one network resource), and the helpers tcp.c, udp.c and
 * ip_lookup.c share (sockets.h): error-code results, socket addresses,
 * the allow-list check. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasi/p2/sockets.h"

static bool set_case(host_value *result, const char *key, host_value v, char *err, size_t errlen)
{
    const char *why = "out of memory";
    *result = host_map();
    if (!host_map_set(result, key, strlen(key), v, &why)) {
        snprintf(err, errlen, "%s", why);
        return false;
    }
    return true;
}

bool wasi_p2_sock_ok(host_value *result, host_value v, char *err, size_t errlen)
{
    return set_case(result, "ok", v, err, errlen);
}

bool wasi_p2_sock_fail(host_value *result, const char *code, char *err, size_t errlen)
{
    host_value s = host_string(code, strlen(code));
    if (s.kind != HOST_VALUE_STRING) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    return set_case(result, "err", s, err, errlen);
}

const char *wasi_p2_errno_code(int e)
{
    switch (e) {
    case EACCES: case EPERM: return "access-denied";
    case EOPNOTSUPP: return "not-supported";
    case EINVAL: case EAFNOSUPPORT: case EDESTADDRREQ: return "invalid-argument";
    case ENOMEM: case ENOBUFS: return "out-of-memory";
    case ETIMEDOUT: return "timeout";
    case EALREADY: return "concurrency-conflict";
    case EAGAIN: case EINPROGRESS: return "would-block";
    case EISCONN: case ENOTCONN: return "invalid-state";
    case EMFILE: case ENFILE: return "new-socket-limit";
    case EADDRNOTAVAIL: return "address-not-bindable";
    case EADDRINUSE: return "address-in-use";
    case EHOSTUNREACH: case EHOSTDOWN: case ENETUNREACH: case ENETDOWN: case ENONET:
        return "remote-unreachable";
    case ECONNREFUSED: return "connection-refused";
    case ECONNRESET: case EPIPE: return "connection-reset";
    case ECONNABORTED: return "connection-aborted";
    case EMSGSIZE: return "datagram-too-large";
    default: return "unknown";
    }
}

static uint64_t field_u(const host_value *rec, const char *name)
{
    const host_value *f = rec->kind == HOST_VALUE_MAP ? host_map_get(rec, name, strlen(name)) : NULL;
    return f != NULL ? wasi_p2_arg_u64(f) : 0;
}

/* The tuple of n parts (u8 or u16) of an address field into out. */
static bool parts(const host_value *rec, unsigned n, unsigned bits, uint8_t *out)
{
    const host_value *a = rec->kind == HOST_VALUE_MAP ? host_map_get(rec, "address", 7) : NULL;
    if (a == NULL || a->kind != HOST_VALUE_LIST || a->len != n)
        return false;
    for (unsigned i = 0; i < n; i++) {
        uint64_t v = wasi_p2_arg_u64(&a->items[i]);
        if (bits == 8) {
            out[i] = (uint8_t)v;
        } else {
            out[2 * i] = (uint8_t)(v >> 8);
            out[2 * i + 1] = (uint8_t)v;
        }
    }
    return true;
}

bool wasi_p2_addr_in(const host_value *v, struct sockaddr_storage *ss, socklen_t *len)
{
    memset(ss, 0, sizeof *ss);
    if (v->kind != HOST_VALUE_MAP)
        return false;
    const host_value *r4 = host_map_get(v, "ipv4", 4), *r6 = host_map_get(v, "ipv6", 4);
    if (r4 != NULL) {
        struct sockaddr_in *in = (struct sockaddr_in *)ss;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)field_u(r4, "port"));
        *len = sizeof *in;
        return parts(r4, 4, 8, (uint8_t *)&in->sin_addr);
    }
    if (r6 != NULL) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)field_u(r6, "port"));
        in6->sin6_flowinfo = htonl((uint32_t)field_u(r6, "flow-info"));
        in6->sin6_scope_id = (uint32_t)field_u(r6, "scope-id");
        *len = sizeof *in6;
        return parts(r6, 8, 16, (uint8_t *)&in6->sin6_addr);
    }
    return false;
}

bool wasi_p2_addr_out(const struct sockaddr_storage *ss, host_value *out, char *err,
                      size_t errlen)
{
    const char *why = "out of memory";
    host_value rec = host_map(), addr;
    bool v4 = ss->ss_family == AF_INET, fine;
    if (v4) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        const uint8_t *b = (const uint8_t *)&in->sin_addr;
        addr = host_list(4);
        fine = host_map_set(&rec, "port", 4, host_uint(ntohs(in->sin_port)), &why);
        for (unsigned i = 0; fine && i < 4; i++)
            fine = host_list_push(&addr, host_uint(b[i]), &why);
    } else {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        const uint8_t *b = (const uint8_t *)&in6->sin6_addr;
        addr = host_list(8);
        fine = host_map_set(&rec, "port", 4, host_uint(ntohs(in6->sin6_port)), &why) &&
               host_map_set(&rec, "flow-info", 9, host_uint(ntohl(in6->sin6_flowinfo)), &why) &&
               host_map_set(&rec, "scope-id", 8, host_uint(in6->sin6_scope_id), &why);
        for (unsigned i = 0; fine && i < 8; i++)
            fine = host_list_push(&addr, host_uint((unsigned)b[2 * i] << 8 | b[2 * i + 1]), &why);
    }
    if (!fine || !host_map_set(&rec, "address", 7, addr, &why)) {
        if (!fine)
            host_value_free(&addr);
        host_value_free(&rec);
        snprintf(err, errlen, "%s", why);
        return false;
    }
    return set_case(out, v4 ? "ipv4" : "ipv6", rec, err, errlen);
}

const char *wasi_p2_addr_check(int family, const struct sockaddr_storage *ss, bool remote)
{
    if (ss->ss_family != family)
        return "invalid-argument";
    if (family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        uint32_t a = ntohl(in->sin_addr.s_addr);
        if ((a >> 28) == 0xe || a == 0xffffffffu)   /* multicast, broadcast */
            return "invalid-argument";
        if (remote && (a == 0 || in->sin_port == 0))
            return "invalid-argument";
        return NULL;
    }
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) || IN6_IS_ADDR_MULTICAST(&in6->sin6_addr))
        return "invalid-argument";
    if (remote && (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) || in6->sin6_port == 0))
        return "invalid-argument";
    return NULL;
}

const char *wasi_p2_addr_allowed(const wasi_p2 *w, const struct sockaddr_storage *ss, bool bind)
{
    bool ok = bind ? sys_net_allowed_sockaddr(w->allow_bind, w->nallow_bind,
                                              (const struct sockaddr *)ss)
                   : sys_net_allowed_sockaddr(w->allow_connect, w->nallow_connect,
                                              (const struct sockaddr *)ss);
    return ok ? NULL : "access-denied";
}

static int family_of(const host_value *v)
{
    if (v->kind != HOST_VALUE_STRING)
        return -1;
    if (v->len == 4 && !memcmp(v->s, "ipv4", 4))
        return AF_INET;
    if (v->len == 4 && !memcmp(v->s, "ipv6", 4))
        return AF_INET6;
    return -1;
}

int wasi_p2_sock_open(const host_value *v, int type, int *family, const char **code)
{
    *family = family_of(v);
    if (*family < 0) {
        *code = "not-supported";
        return -1;
    }
    int fd = socket(*family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *code = errno == EAFNOSUPPORT ? "not-supported" : wasi_p2_errno_code(errno);
        return -1;
    }
    int one = 1;
    if (*family == AF_INET6)
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    return fd;
}

bool wasi_p2_sock_getopt(int fd, int level, int name, host_value *result, char *err,
                         size_t errlen)
{
    int v = 0;
    socklen_t n = sizeof v;
    if (getsockopt(fd, level, name, &v, &n) != 0)
        return wasi_p2_sock_fail(result, wasi_p2_errno_code(errno), err, errlen);
    return wasi_p2_sock_ok(result, host_uint(v < 0 ? 0 : (uint64_t)v), err, errlen);
}

bool wasi_p2_sock_setopt(int fd, int level, int name, uint64_t value, uint64_t max,
                         host_value *result, char *err, size_t errlen)
{
    if (value == 0)
        return wasi_p2_sock_fail(result, "invalid-argument", err, errlen);
    int v = (int)(value > max ? max : value);
    if (setsockopt(fd, level, name, &v, sizeof v) != 0)
        return wasi_p2_sock_fail(result, wasi_p2_errno_code(errno), err, errlen);
    return wasi_p2_sock_ok(result, host_bool(true), err, errlen);
}

host_value wasi_p2_family_value(int family)
{
    return family == AF_INET ? host_string("ipv4", 4) : host_string("ipv6", 4);
}

bool wasi_p2_fd_pollable(wasi_p2 *w, int fd, bool want_read, bool want_write, host_value *result,
                         char *err, size_t errlen)
{
    wasi_p2_res p = { .kind = WASI_P2_POLLABLE, .fd = fd, .on_fd = fd >= 0,
                      .want_read = want_read, .want_write = want_write };
    return wasi_p2_res_add(w, &p, result, err, errlen);
}

/* instance-network: func() -> network */
static bool instance_network(void *user, const host_value *args, size_t nargs, host_value *result,
                             char *err, size_t errlen)
{
    (void)args, (void)nargs;
    return wasi_p2_res_new(user, WASI_P2_NETWORK, 0, NULL, result, err, errlen);
}

/* network-error-code: func(err: borrow<error>) -> option<error-code>: the
 * code of a stream error that came from a socket (its text is an errno's
 * strerror), else none. */
static bool network_error_code(void *user, const host_value *args, size_t nargs,
                               host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *r = wasi_p2_res_get(user, &args[0], WASI_P2_ERROR, err, errlen);
    if (r == NULL)
        return false;
    static const int net_errnos[] = { ECONNRESET, ECONNREFUSED, ECONNABORTED, ETIMEDOUT,
                                      EHOSTUNREACH, ENETUNREACH, ENETDOWN, EHOSTDOWN, ENOTCONN,
                                      EMSGSIZE, EADDRINUSE, EADDRNOTAVAIL };
    *result = host_nil();
    for (size_t i = 0; r->text != NULL && i < sizeof net_errnos / sizeof net_errnos[0]; i++)
        if (!strcmp(r->text, strerror(net_errnos[i]))) {
            const char *code = wasi_p2_errno_code(net_errnos[i]);
            *result = host_string(code, strlen(code));
        }
    return true;
}

#define N "wasi:sockets/network"
const wasi_p2_def wasi_p2_net_defs[] = {
    { N, "network-error-code", network_error_code, WASI_CAP_SOCKETS },
    { "wasi:sockets/instance-network", "instance-network", instance_network, WASI_CAP_SOCKETS },
};
const size_t wasi_p2_nnet_defs = sizeof wasi_p2_net_defs / sizeof wasi_p2_net_defs[0];
