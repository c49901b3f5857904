/* test_netallow.c — sys/netallow: parsing allow-list rules (IPv4 and IPv6
 * addresses and CIDRs, ports, ranges, *), refusing bad syntax with a
 * reason, and matching addresses against a list (prefix boundaries, port
 * ranges, IPv4-mapped IPv6, the empty list). */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>

#include "sys/netallow.h"

static sys_net_rule rule(const char *text)
{
    sys_net_rule r;
    char err[256];
    ck_assert_msg(sys_net_rule_parse(text, &r, err, sizeof err), "%s: %s", text, err);
    return r;
}

/* Does the one-rule list `text` allow address a (v4 or v6 text) at port? */
static bool allows(const char *text, const char *a, uint16_t port)
{
    sys_net_rule r = rule(text);
    uint8_t addr[16];
    uint8_t v4[4];
    if (inet_pton(AF_INET, a, v4) == 1)
        sys_net_v4_mapped(v4, addr);
    else
        ck_assert_int_eq(inet_pton(AF_INET6, a, addr), 1);
    return sys_net_allowed(&r, 1, addr, port);
}

START_TEST(netallow_v4_cidr_and_ports)
{
    ck_assert(allows("127.0.0.1:8080", "127.0.0.1", 8080));
    ck_assert(!allows("127.0.0.1:8080", "127.0.0.1", 8081));
    ck_assert(!allows("127.0.0.1:8080", "127.0.0.2", 8080));
    ck_assert(allows("10.0.0.0/8:443", "10.255.1.2", 443));
    ck_assert(!allows("10.0.0.0/8:443", "11.0.0.0", 443));
    ck_assert(allows("192.168.4.0/22:*", "192.168.7.255", 1));
    ck_assert(!allows("192.168.4.0/22:*", "192.168.8.0", 1));
    ck_assert(!allows("192.168.4.0/22:*", "192.168.3.255", 1));
    ck_assert(allows("10.1.2.3/8:*", "10.9.9.9", 0));   /* host bits ignored */
    ck_assert(allows("0.0.0.0/0:*", "8.8.8.8", 53));
    ck_assert(!allows("0.0.0.0/0:*", "::1", 53));       /* v4 rule, v6 address */
    ck_assert(allows("127.0.0.1:8000-9000", "127.0.0.1", 8000));
    ck_assert(allows("127.0.0.1:8000-9000", "127.0.0.1", 9000));
    ck_assert(!allows("127.0.0.1:8000-9000", "127.0.0.1", 7999));
    ck_assert(!allows("127.0.0.1:8000-9000", "127.0.0.1", 9001));
    ck_assert(allows("127.0.0.1:*", "127.0.0.1", 0));
    ck_assert(allows("127.0.0.1:*", "127.0.0.1", 65535));
    ck_assert(allows("1.2.3.4/32:0", "1.2.3.4", 0));
}
END_TEST

START_TEST(netallow_v6_and_mapped)
{
    ck_assert(allows("[::1]:80", "::1", 80));
    ck_assert(!allows("[::1]:80", "::2", 80));
    ck_assert(allows("[fd00::]/8:*", "fdab:1::7", 9));
    ck_assert(!allows("[fd00::]/8:*", "fe80::1", 9));
    ck_assert(allows("[fd00::/8]:*", "fd00::1", 9));      /* prefix inside the brackets */
    ck_assert(allows("[2001:db8::]/33:1-2", "2001:db8:7fff::1", 2));
    ck_assert(!allows("[2001:db8::]/33:1-2", "2001:db8:8000::1", 2));
    ck_assert(allows("[::]/0:*", "2001:db8::1", 5));
    ck_assert(allows("[::]/0:*", "127.0.0.1", 5));         /* ::/0 holds the v4-mapped range */
    /* a v4 rule matches the same address written v4-mapped, and back */
    ck_assert(allows("127.0.0.0/8:*", "::ffff:127.0.0.5", 1));
    ck_assert(!allows("127.0.0.0/8:*", "::127.0.0.5", 1));   /* v4-compatible is not mapped */
    ck_assert(allows("[::ffff:10.0.0.0]/104:*", "10.3.4.5", 1));
    ck_assert(allows("*:443", "1.1.1.1", 443));
    ck_assert(allows("*:443", "::1", 443));
    ck_assert(!allows("*:443", "::1", 444));
}
END_TEST

START_TEST(netallow_lists_and_sockaddr)
{
    sys_net_rule list[2] = { rule("127.0.0.1:7000"), rule("[::1]:7001") };
    struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(7000) };
    inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
    ck_assert(sys_net_allowed_sockaddr(list, 2, (struct sockaddr *)&in));
    ck_assert(!sys_net_allowed_sockaddr(list, 0, (struct sockaddr *)&in));   /* empty: nothing */
    in.sin_port = htons(7001);
    ck_assert(!sys_net_allowed_sockaddr(list, 2, (struct sockaddr *)&in));
    struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(7001),
                                .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    ck_assert(sys_net_allowed_sockaddr(list, 2, (struct sockaddr *)&in6));
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6.sin6_addr);
    in6.sin6_port = htons(7000);
    ck_assert(sys_net_allowed_sockaddr(list, 2, (struct sockaddr *)&in6));
    struct sockaddr un = { .sa_family = AF_UNIX };
    ck_assert(!sys_net_allowed_sockaddr(list, 2, &un));
}
END_TEST

static void refused(const char *text, const char *words)
{
    sys_net_rule r;
    char err[256] = "";
    ck_assert_msg(!sys_net_rule_parse(text, &r, err, sizeof err), "%s was accepted", text);
    ck_assert_msg(strstr(err, words) != NULL, "%s: \"%s\" lacks \"%s\"", text, err, words);
}

START_TEST(netallow_bad_syntax)
{
    refused("127.0.0.1", "expected HOST:PORTS");
    refused("::1:80", "bad address");               /* v6 needs brackets */
    refused("[::1]", "expected HOST:PORTS");
    refused("127.0.0.1:", "bad port \"\"");
    refused("127.0.0.1:65536", "bad port \"65536\"");
    refused("127.0.0.1:9000-8000", "bad port");
    refused("127.0.0.1:80-", "bad port");
    refused("127.0.0.1:x", "expected a port 0-65535, a range LO-HI or *");
    refused("127.0.0.1/33:80", "bad address \"127.0.0.1/33\"");
    refused("[::1]/129:80", "bad address");
    refused("[::1]/8/8:80", "bad address");
    refused("300.1.1.1:80", "bad address");
    refused("localhost:80", "bad address");         /* names are not rules */
    refused(":80", "bad address");
    refused("[::1:80", "bad address");
    refused("[::1]x:80", "bad address");
    refused("", "expected HOST:PORTS");
}
END_TEST

Suite *netallow_suite(void)
{
    Suite *s = suite_create("netallow");
    TCase *tc = tcase_create("netallow");
    tcase_add_test(tc, netallow_v4_cidr_and_ports);
    tcase_add_test(tc, netallow_v6_and_mapped);
    tcase_add_test(tc, netallow_lists_and_sockaddr);
    tcase_add_test(tc, netallow_bad_syntax);
    suite_add_tcase(s, tc);
    return s;
}
