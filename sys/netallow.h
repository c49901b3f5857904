/* netallow.h — allow-lists of network addresses: what a process may
 * connect to or bind (wasi:sockets, the `wasi.sockets` entry field, `wasm
 * run --allow-connect/--allow-bind`). One rule is `HOST:PORTS`:
 *
 *   HOST   an IPv4 address or CIDR (`127.0.0.1`, `10.0.0.0/8`), an IPv6
 *          address or CIDR in brackets (`[::1]`, `[fd00::]/8`), or `*`
 *          (every address, IPv4 and IPv6)
 *   PORTS  a port (`443`), an inclusive range (`8000-9000`) or `*`
 *
 * Addresses are compared in IPv6 form: an IPv4 address (and a rule for
 * one) is its IPv4-mapped IPv6 address (::ffff:a.b.c.d), so an IPv4 rule
 * also matches the same address written v4-mapped, and `[::]/0` covers
 * IPv4 too. Host bits below the prefix are ignored. An empty list allows
 * nothing. Depends on libc only; no global state. */
#ifndef WIPPY_SYS_NETALLOW_H
#define WIPPY_SYS_NETALLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;

typedef struct {
    uint8_t addr[16];       /* IPv6 form, host bits cleared */
    uint8_t prefix;         /* bits of addr that must match, 0..128 */
    uint16_t port_lo, port_hi;
} sys_net_rule;

/* Parses one rule (syntax above) into *out; false with the reason in err
 * ("bad port \"x\" in \"1.2.3.4:x\": expected a port 0-65535, a range
 * LO-HI or *"). */
bool sys_net_rule_parse(const char *text, sys_net_rule *out, char *err, size_t errlen);

/* The IPv6 form of an IPv4 address: ::ffff:a.b.c.d. */
void sys_net_v4_mapped(const uint8_t v4[4], uint8_t out[16]);

/* True when some rule of the list matches the address (IPv6 form) and
 * port. */
bool sys_net_allowed(const sys_net_rule *rules, size_t n, const uint8_t addr[16], uint16_t port);

/* The same for an AF_INET or AF_INET6 socket address (any other family:
 * false). */
bool sys_net_allowed_sockaddr(const sys_net_rule *rules, size_t n, const struct sockaddr *sa);

#endif
