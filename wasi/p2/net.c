/* net.c — wasi:sockets/network (network-error-code), instance-network
 * (the one network resource) and ip-name-lookup (resolve-addresses →
 * resolve-address-stream), and the helpers tcp.c and udp.c share
 * (sockets.h): error-code results, socket addresses, the allow-list check.
 *
 * Name lookups never block a worker: resolve-addresses answers only what
 * needs no resolver — an IPv4 or IPv6 literal (as is), `localhost`
 * (127.0.0.1 and ::1) — and `name-unresolvable` for every other name, at
 * its first resolve-next-address (see RATIONALE.md). */
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

/* A resolve-address-stream's sock block: the answers, or the error its
 * first resolve-next-address gives. */
typedef struct {
    const char *fail;            /* NULL, or an error-code */
    size_t n, next;
    struct sockaddr_storage addrs[2];
} lookup;

/* A host name as DNS allows it: labels of letters, digits, '-' and '_',
 * dot-separated, at most 253 bytes (a trailing dot allowed). */
static bool name_syntax(const char *s, size_t n)
{
    if (n == 0 || n > 254)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_') {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
    }
    return true;
}

static void add_v4(lookup *l, const void *a)
{
    struct sockaddr_in *in = (struct sockaddr_in *)&l->addrs[l->n++];
    in->sin_family = AF_INET;
    memcpy(&in->sin_addr, a, 4);
}

static void add_v6(lookup *l, const void *a)
{
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&l->addrs[l->n++];
    in6->sin6_family = AF_INET6;
    memcpy(&in6->sin6_addr, a, 16);
}

/* resolve-addresses: func(network: borrow<network>, name: string) ->
 * result<resolve-address-stream, error-code> */
static bool resolve_addresses(void *user, const host_value *args, size_t nargs,
                              host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2 *w = user;
    if (wasi_p2_res_get(w, &args[0], WASI_P2_NETWORK, err, errlen) == NULL)
        return false;
    const host_value *name = &args[1];
    char buf[256];
    if (name->kind != HOST_VALUE_STRING || name->len == 0 || name->len >= sizeof buf)
        return wasi_p2_sock_fail(result, "invalid-argument", err, errlen);
    memcpy(buf, name->s, name->len);
    buf[name->len] = '\0';
    char *text = buf;
    size_t len = name->len;
    if (len > 2 && text[0] == '[' && text[len - 1] == ']') {   /* "[::1]" */
        text[len - 1] = '\0';
        text++;
    }
    lookup *l = calloc(1, sizeof *l);
    if (l == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    uint8_t a[16];
    if (inet_pton(AF_INET, text, a) == 1) {
        add_v4(l, a);
    } else if (inet_pton(AF_INET6, text, a) == 1) {
        if (IN6_IS_ADDR_V4MAPPED((struct in6_addr *)a))
            add_v4(l, a + 12);   /* never a v4-mapped address */
        else
            add_v6(l, a);
    } else if (!name_syntax(buf, name->len)) {
        free(l);
        return wasi_p2_sock_fail(result, "invalid-argument", err, errlen);
    } else if (!strcasecmp(buf, "localhost") || !strcasecmp(buf, "localhost.")) {
        static const uint8_t lo4[4] = { 127, 0, 0, 1 };
        add_v4(l, lo4);
        add_v6(l, &in6addr_loopback);
    } else {
        l->fail = "name-unresolvable";   /* no resolver that would block */
    }
    wasi_p2_res init = { .kind = WASI_P2_RESOLVE, .fd = -1, .sock = l };
    host_value h;
    if (!wasi_p2_res_add(w, &init, &h, err, errlen))
        return false;
    return wasi_p2_sock_ok(result, h, err, errlen);
}

/* [method]resolve-address-stream.resolve-next-address: func() ->
 * result<option<ip-address>, error-code> */
static bool resolve_next(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *r = wasi_p2_res_get(user, &args[0], WASI_P2_RESOLVE, err, errlen);
    if (r == NULL)
        return false;
    lookup *l = r->sock;
    if (l->fail != NULL)
        return wasi_p2_sock_fail(result, l->fail, err, errlen);
    if (l->next == l->n)
        return wasi_p2_sock_ok(result, host_nil(), err, errlen);
    /* ip-address: the variant of the bare address tuple */
    const struct sockaddr_storage *ss = &l->addrs[l->next++];
    bool v4 = ss->ss_family == AF_INET;
    const uint8_t *b = v4 ? (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr
                          : (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
    const char *why = "out of memory";
    host_value addr = host_list(v4 ? 4 : 8), out = host_map();
    bool fine = true;
    for (unsigned i = 0; fine && i < (v4 ? 4u : 8u); i++)
        fine = host_list_push(&addr, host_uint(v4 ? b[i] : ((unsigned)b[2 * i] << 8 | b[2 * i + 1])),
                              &why);
    if (!fine)
        host_value_free(&addr);
    if (!fine || !host_map_set(&out, v4 ? "ipv4" : "ipv6", 4, addr, &why)) {
        host_value_free(&out);
        snprintf(err, errlen, "%s", why);
        return false;
    }
    return wasi_p2_sock_ok(result, out, err, errlen);
}

/* [method]resolve-address-stream.subscribe: func() -> pollable: always ready
 * (every answer is there at once). */
static bool resolve_subscribe(void *user, const host_value *args, size_t nargs,
                              host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    if (wasi_p2_res_get(user, &args[0], WASI_P2_RESOLVE, err, errlen) == NULL)
        return false;
    return wasi_p2_res_new(user, WASI_P2_POLLABLE, 0, NULL, result, err, errlen);
}

#define N "wasi:sockets/network"
#define L "wasi:sockets/ip-name-lookup"
const wasi_p2_def wasi_p2_net_defs[] = {
    { N, "network-error-code", network_error_code, WASI_CAP_SOCKETS },
    { "wasi:sockets/instance-network", "instance-network", instance_network, WASI_CAP_SOCKETS },
    { L, "resolve-addresses", resolve_addresses, WASI_CAP_SOCKETS },
    { L, "[method]resolve-address-stream.resolve-next-address", resolve_next, WASI_CAP_SOCKETS },
    { L, "[method]resolve-address-stream.subscribe", resolve_subscribe, WASI_CAP_SOCKETS },
};
const size_t wasi_p2_nnet_defs = sizeof wasi_p2_net_defs / sizeof wasi_p2_net_defs[0];
