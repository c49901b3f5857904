/* netallow.c — parsing and matching the rules of an address allow-list
 * (netallow.h). The one place where a socket address is checked against
 * what a process may reach; it opens nothing itself. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sys/netallow.h"

#define PORTS_HELP "expected a port 0-65535, a range LO-HI or *"

void sys_net_v4_mapped(const uint8_t v4[4], uint8_t out[16])
{
    memset(out, 0, 10);
    out[10] = out[11] = 0xff;
    memcpy(out + 12, v4, 4);
}

/* A decimal number of at most max, the whole of [s, s+n). */
static bool number(const char *s, size_t n, unsigned long max, unsigned long *out)
{
    if (n == 0 || n > 6)
        return false;
    unsigned long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

static bool parse_ports(const char *s, sys_net_rule *out)
{
    if (!strcmp(s, "*")) {
        out->port_lo = 0;
        out->port_hi = 65535;
        return true;
    }
    const char *dash = strchr(s, '-');
    unsigned long lo, hi;
    if (dash == NULL) {
        if (!number(s, strlen(s), 65535, &lo))
            return false;
        hi = lo;
    } else if (!number(s, (size_t)(dash - s), 65535, &lo) ||
               !number(dash + 1, strlen(dash + 1), 65535, &hi) || lo > hi) {
        return false;
    }
    out->port_lo = (uint16_t)lo;
    out->port_hi = (uint16_t)hi;
    return true;
}

/* The address part: "1.2.3.4", "1.2.3.4/8", "[::1]", "[fd00::]/8",
 * "[fd00::/8]", "*". */
static bool parse_host(const char *s, size_t n, sys_net_rule *out)
{
    char buf[64], pre[8] = "";
    if (n == 1 && s[0] == '*') {
        memset(out->addr, 0, 16);
        out->prefix = 0;
        return true;
    }
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *addr = buf;
    bool v6 = buf[0] == '[';
    if (v6) {
        char *close = strchr(buf, ']');
        if (close == NULL)
            return false;
        *close = '\0';
        addr = buf + 1;
        if (close[1] == '/')
            snprintf(pre, sizeof pre, "%s", close + 2);
        else if (close[1] != '\0')
            return false;
        if (strlen(close[1] == '/' ? close + 2 : "") >= sizeof pre)
            return false;
    }
    char *slash = strchr(addr, '/');
    if (slash != NULL) {
        if (pre[0] != '\0' || strlen(slash + 1) >= sizeof pre)
            return false;
        snprintf(pre, sizeof pre, "%s", slash + 1);
        *slash = '\0';
    }
    unsigned long bits;
    if (v6) {
        struct in6_addr a;
        if (inet_pton(AF_INET6, addr, &a) != 1)
            return false;
        memcpy(out->addr, &a, 16);
        bits = 128;
        if (pre[0] != '\0' && !number(pre, strlen(pre), 128, &bits))
            return false;
    } else {
        struct in_addr a;
        if (inet_pton(AF_INET, addr, &a) != 1)
            return false;
        sys_net_v4_mapped((const uint8_t *)&a, out->addr);
        bits = 32;
        if (pre[0] != '\0' && !number(pre, strlen(pre), 32, &bits))
            return false;
        bits += 96;
    }
    out->prefix = (uint8_t)bits;
    for (unsigned i = 0; i < 16; i++) {   /* clear the host bits */
        unsigned keep = bits >= 8 * (i + 1) ? 8 : bits > 8 * i ? bits - 8 * i : 0;
        out->addr[i] &= (uint8_t)(0xff00u >> keep);
    }
    return true;
}

bool sys_net_rule_parse(const char *text, sys_net_rule *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *colon = text != NULL ? strrchr(text, ':') : NULL;
    /* an IPv6 host is bracketed: its colons come before the last "]" */
    const char *close = text != NULL ? strrchr(text, ']') : NULL;
    if (colon == NULL || (close != NULL && colon < close)) {
        snprintf(err, errlen, "\"%s\": expected HOST:PORTS (127.0.0.1:8080, 10.0.0.0/8:*, "
                 "[::1]:443, *:80)", text != NULL ? text : "");
        return false;
    }
    if (!parse_host(text, (size_t)(colon - text), out)) {
        snprintf(err, errlen, "bad address \"%.*s\" in \"%s\": expected an IPv4 address or CIDR, "
                 "an IPv6 one in brackets, or *", (int)(colon - text), text, text);
        return false;
    }
    if (!parse_ports(colon + 1, out)) {
        snprintf(err, errlen, "bad port \"%s\" in \"%s\": " PORTS_HELP, colon + 1, text);
        return false;
    }
    return true;
}

static bool rule_matches(const sys_net_rule *r, const uint8_t addr[16], uint16_t port)
{
    if (port < r->port_lo || port > r->port_hi)
        return false;
    unsigned bits = r->prefix;
    for (unsigned i = 0; i < 16 && bits > 0; i++) {
        unsigned keep = bits >= 8 ? 8 : bits;
        uint8_t mask = (uint8_t)(0xff00u >> keep);
        if ((addr[i] & mask) != r->addr[i])
            return false;
        bits -= keep;
    }
    return true;
}

bool sys_net_allowed(const sys_net_rule *rules, size_t n, const uint8_t addr[16], uint16_t port)
{
    for (size_t i = 0; i < n; i++)
        if (rule_matches(&rules[i], addr, port))
            return true;
    return false;
}

bool sys_net_allowed_sockaddr(const sys_net_rule *rules, size_t n, const struct sockaddr *sa)
{
    uint8_t addr[16];
    uint16_t port;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        sys_net_v4_mapped((const uint8_t *)&in->sin_addr, addr);
        port = ntohs(in->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        memcpy(addr, &in6->sin6_addr, 16);
        port = ntohs(in6->sin6_port);
    } else {
        return false;
    }
    return sys_net_allowed(rules, n, addr, port);
}
