/* sockets.h — what net.c, tcp.c and udp.c share: socket state, results
 * with an error-code, socket addresses between host_value and sockaddr,
 * errno → error-code, the allow-list check. Not public. */
#ifndef WIPPY_WASI_P2_SOCKETS_H
#define WIPPY_WASI_P2_SOCKETS_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "wasi/p2/internal.h"

/* The states of a socket (TcpSocketOperationalSemantics.md; udp uses
 * UNBOUND, BIND_STARTED, BOUND). */
typedef enum {
    WASI_P2_SOCK_UNBOUND, WASI_P2_SOCK_BIND_STARTED, WASI_P2_SOCK_BOUND,
    WASI_P2_SOCK_LISTEN_STARTED, WASI_P2_SOCK_LISTENING, WASI_P2_SOCK_CONNECTING,
    WASI_P2_SOCK_CONNECTED, WASI_P2_SOCK_CLOSED
} wasi_p2_sock_state;

/* The sock block of a tcp-socket, udp-socket or datagram stream. */
typedef struct {
    int family;                  /* AF_INET, AF_INET6 */
    wasi_p2_sock_state state;
    int backlog;                 /* tcp: listen queue */
    bool has_remote;             /* udp socket / datagram streams: connected to remote */
    struct sockaddr_storage remote;
    uint64_t permit;             /* outgoing-datagram-stream: what check-send allowed */
    uint32_t owner;              /* datagram stream: its udp-socket's rep */
} wasi_p2_sock;

/* result = ok(v) (v true for a result without payload); false (out of
 * memory) with err set. */
bool wasi_p2_sock_ok(host_value *result, host_value v, char *err, size_t errlen);
/* result = err(code), code an error-code case name ("would-block"). */
bool wasi_p2_sock_fail(host_value *result, const char *code, char *err, size_t errlen);
/* The error-code of an errno (EACCES → access-denied, ECONNREFUSED →
 * connection-refused, ...; unknown for the rest). */
const char *wasi_p2_errno_code(int e);

/* An ip-socket-address value into *ss (its family's sockaddr); false when
 * malformed (the lowering checked the type, so only for a hand-made value). */
bool wasi_p2_addr_in(const host_value *v, struct sockaddr_storage *ss, socklen_t *len);
/* A sockaddr (AF_INET, AF_INET6) as an ip-socket-address value. */
bool wasi_p2_addr_out(const struct sockaddr_storage *ss, host_value *out, char *err,
                      size_t errlen);
/* The invalid-argument checks of an address for a socket of family:
 * NULL when fine, else the error-code: the wrong family, an IPv4-mapped
 * IPv6 address, a multicast or broadcast address; for a remote address
 * (remote) also the unspecified address and port 0. */
const char *wasi_p2_addr_check(int family, const struct sockaddr_storage *ss, bool remote);
/* The allow-list check: NULL when the world lets the guest connect to
 * (bind: bind) the address, else "access-denied". */
const char *wasi_p2_addr_allowed(const wasi_p2 *w, const struct sockaddr_storage *ss, bool bind);

/* A new socket of the family named by v ("ipv4", "ipv6"; -1 otherwise)
 * with type (SOCK_STREAM, SOCK_DGRAM), non-blocking, close-on-exec, IPv6
 * only for ipv6: the descriptor, or -1 with the error-code in *code. */
int wasi_p2_sock_open(const host_value *v, int type, int *family, const char **code);
/* A socket-option u64 getter/setter result helper: getsockopt(level,
 * name) as ok(value) or err. */
bool wasi_p2_sock_getopt(int fd, int level, int name, host_value *result, char *err,
                         size_t errlen);
/* setsockopt(level, name, value) as ok or err; value 0 is invalid-argument. */
bool wasi_p2_sock_setopt(int fd, int level, int name, uint64_t value, uint64_t max,
                         host_value *result, char *err, size_t errlen);
/* The family as ip-address-family: "ipv4" or "ipv6". */
host_value wasi_p2_family_value(int family);
/* A pollable on fd (readable or writable), not owning it. */
bool wasi_p2_fd_pollable(wasi_p2 *w, int fd, bool want_read, bool want_write, host_value *result,
                         char *err, size_t errlen);

/* name (NUL-terminated UTF-8) as its ASCII form by IDNA (idna.c, libidn2
 * loaded on first use) into out: 1 done, 0 not a valid name (or its
 * A-label form does not fit outlen), -1 no IDNA here (libidn2 missing, a
 * static-pie build). Thread-safe. */
int wasi_p2_idna_to_ascii(const char *name, char *out, size_t outlen);

#endif
