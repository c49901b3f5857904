/* sockets.c — a C guest calling wasi:sockets 0.2 directly. Its first
 * argument picks what it does, the second is a port on 127.0.0.1:
 *
 *   tcp-client PORT   connect, write "hello over tcp", read the echo back
 *   tcp6-client PORT  the same over IPv6, to [::1]
 *   tcp-poll PORT     the same, waiting with poll over the socket's (then
 *                     the input stream's) pollable and a 10 s clock
 *   tcp-server PORT   bind, listen, accept one connection, echo one line
 *   tcp-bulk PORT     connect, send 16 MiB (byte i is i % 251): 12 by
 *                     check-write, write (64 KiB) and the stream's
 *                     pollable (more than the kernel's buffers hold; the
 *                     send buffer 8 KiB, so a write goes in part),
 *                     4 by blocking-write-and-flush;
 *                     blocking-flush, shut down
 *   udp PORT          bind 127.0.0.1:0, send "ping over udp" to PORT, print the reply;
 *                     then a second stream call: the first pair's receive
 *                     and check-send, the second pair's check-send
 *   tcp-denied PORT   start-connect, print the error code (access-denied
 *                     when the allow-list lacks PORT)
 *   udp-denied PORT   send to PORT, print the error code
 *   bind-denied PORT  tcp start-bind, print the error code
 *   states            the tcp state machine's errors and the options, printed
 *   lookup NAME       resolve-addresses, print every address or the error
 *
 * Waits go through the sockets' and streams' pollables and the blocking
 * stream calls, so a process running it parks in the host's event loop.
 * Every line it prints is what the test compares. Under `wasm run` its
 * arguments follow FILE's name; in a process they are wasi.args, and it
 * prints nothing (stdout is not connected there): run's result tells. */
#include "guest_p2.h"

#define S "wasi:sockets/tcp@0.2.3"
#define U "wasi:sockets/udp@0.2.3"
#define IO "wasi:io/streams@0.2.3"

/* ip-socket-address as the canonical ABI lays it out in memory */
typedef struct {
    uint8_t tag;   /* 0 ipv4, 1 ipv6 */
    union {
        struct { uint16_t port; uint8_t a[4]; } v4;
        struct { uint16_t port; uint32_t flow; uint16_t a[8]; uint32_t scope; } v6;
    } u;
} sockaddr_p2;

/* result<T, error-code> for a T of alignment 4 (handles, addresses, lists)
 * or 1; result64_p2 for T = u64 (its payload sits at 8) */
typedef struct {
    uint8_t tag;                 /* 0 ok, 1 err */
    union { uint32_t h[3]; uint8_t code; sockaddr_p2 addr; struct { uint32_t ptr, len; } list; } u;
} result_p2;
typedef struct {
    uint8_t tag;
    union { uint8_t code; uint64_t u64; } u;
} result64_p2;
/* result<_, error-code>, result<u8, ...>, result<bool, ...>: the payload at 1 */
typedef struct {
    uint8_t tag;
    union { uint8_t code; } u;
} unit_p2;

P2_IMPORT("wasi:cli/environment@0.2.3", "get-arguments") void p2_get_arguments(void *ret);
P2_IMPORT("wasi:sockets/instance-network@0.2.3", "instance-network") int32_t instance_network(void);
P2_IMPORT("wasi:sockets/tcp-create-socket@0.2.3", "create-tcp-socket")
void create_tcp_socket(int32_t family, result_p2 *ret);
P2_IMPORT("wasi:sockets/udp-create-socket@0.2.3", "create-udp-socket")
void create_udp_socket(int32_t family, result_p2 *ret);
#define ADDR12 int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, \
               int32_t, int32_t, int32_t
P2_IMPORT(S, "[method]tcp-socket.start-connect") void tcp_start_connect(int32_t, int32_t, ADDR12, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.finish-connect") void tcp_finish_connect(int32_t, result_p2 *);
P2_IMPORT(S, "[method]tcp-socket.start-bind") void tcp_start_bind(int32_t, int32_t, ADDR12, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.finish-bind") void tcp_finish_bind(int32_t, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.start-listen") void tcp_start_listen(int32_t, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.finish-listen") void tcp_finish_listen(int32_t, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.accept") void tcp_accept(int32_t, result_p2 *);
P2_IMPORT(S, "[method]tcp-socket.local-address") void tcp_local_address(int32_t, result_p2 *);
P2_IMPORT(S, "[method]tcp-socket.remote-address") void tcp_remote_address(int32_t, result_p2 *);
P2_IMPORT(S, "[method]tcp-socket.is-listening") int32_t tcp_is_listening(int32_t);
P2_IMPORT(S, "[method]tcp-socket.address-family") int32_t tcp_address_family(int32_t);
P2_IMPORT(S, "[method]tcp-socket.set-hop-limit") void tcp_set_hop_limit(int32_t, int32_t, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.hop-limit") void tcp_hop_limit(int32_t, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.set-keep-alive-enabled") void tcp_set_keep_alive(int32_t, int32_t, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.keep-alive-enabled") void tcp_keep_alive(int32_t, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.set-keep-alive-count") void tcp_set_keep_count(int32_t, int32_t, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.set-keep-alive-idle-time") void tcp_set_keep_idle(int32_t, int64_t, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.keep-alive-idle-time") void tcp_keep_idle(int32_t, result64_p2 *);
P2_IMPORT(S, "[method]tcp-socket.set-listen-backlog-size") void tcp_set_backlog(int32_t, int64_t, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.set-receive-buffer-size") void tcp_set_recv_buf(int32_t, int64_t, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.set-send-buffer-size") void tcp_set_send_buf(int32_t, int64_t, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.shutdown") void tcp_shutdown(int32_t, int32_t, unit_p2 *);
P2_IMPORT(S, "[method]tcp-socket.subscribe") int32_t tcp_subscribe(int32_t);
P2_IMPORT(S, "[resource-drop]tcp-socket") void tcp_drop(int32_t);
P2_IMPORT(U, "[method]udp-socket.start-bind") void udp_start_bind(int32_t, int32_t, ADDR12, unit_p2 *);
P2_IMPORT(U, "[method]udp-socket.finish-bind") void udp_finish_bind(int32_t, unit_p2 *);
P2_IMPORT(U, "[method]udp-socket.stream") void udp_stream(int32_t, int32_t, ADDR12, result_p2 *);
P2_IMPORT(U, "[method]incoming-datagram-stream.receive") void udp_receive(int32_t, int64_t, result_p2 *);
P2_IMPORT(U, "[method]incoming-datagram-stream.subscribe") int32_t udp_in_subscribe(int32_t);
P2_IMPORT(U, "[method]outgoing-datagram-stream.check-send") void udp_check_send(int32_t, result64_p2 *);
P2_IMPORT(U, "[method]outgoing-datagram-stream.send") void udp_send(int32_t, const void *, uint32_t, result64_p2 *);
P2_IMPORT(U, "[resource-drop]incoming-datagram-stream") void udp_in_drop(int32_t);
P2_IMPORT(U, "[resource-drop]outgoing-datagram-stream") void udp_out_drop(int32_t);
P2_IMPORT(U, "[resource-drop]udp-socket") void udp_drop(int32_t);
P2_IMPORT("wasi:sockets/ip-name-lookup@0.2.3", "resolve-addresses")
void resolve_addresses(int32_t, const char *, uint32_t, result_p2 *);
P2_IMPORT("wasi:sockets/ip-name-lookup@0.2.3", "[method]resolve-address-stream.resolve-next-address")
void resolve_next(int32_t, void *);
P2_IMPORT("wasi:sockets/ip-name-lookup@0.2.3", "[method]resolve-address-stream.subscribe")
int32_t resolve_subscribe(int32_t);
P2_IMPORT("wasi:sockets/ip-name-lookup@0.2.3", "[resource-drop]resolve-address-stream")
void resolve_drop(int32_t);
P2_IMPORT("wasi:io/poll@0.2.3", "[method]pollable.block") void pollable_block(int32_t);
P2_IMPORT("wasi:io/poll@0.2.3", "poll") void poll_list(const int32_t *, uint32_t, uint32_t *);
P2_IMPORT("wasi:clocks/monotonic-clock@0.2.3", "subscribe-duration")
int32_t subscribe_duration(uint64_t);
P2_IMPORT(IO, "[method]input-stream.subscribe") int32_t in_subscribe(int32_t);
P2_IMPORT("wasi:io/poll@0.2.3", "[resource-drop]pollable") void pollable_drop(int32_t);
P2_IMPORT(IO, "[method]input-stream.blocking-read") void in_blocking_read(int32_t, int64_t, result_p2 *);
P2_IMPORT(IO, "[method]output-stream.blocking-write-and-flush")
void out_blocking_write(int32_t, const void *, uint32_t, result_p2 *);
P2_IMPORT(IO, "[method]output-stream.check-write") void out_check_write(int32_t, result64_p2 *);
P2_IMPORT(IO, "[method]output-stream.write") void out_write(int32_t, const void *, uint32_t, result_p2 *);
P2_IMPORT(IO, "[method]output-stream.blocking-flush") void out_blocking_flush(int32_t, result_p2 *);
P2_IMPORT(IO, "[method]output-stream.subscribe") int32_t out_subscribe(int32_t);
P2_IMPORT(IO, "[resource-drop]input-stream") void in_drop(int32_t);
P2_IMPORT(IO, "[resource-drop]output-stream") void out_drop(int32_t);

/* Output goes to stdout, except in a process (no terminal: its writes
 * fail, and guest_p2.h's print traps then), where the result says it all. */
static bool quiet;

static void put_n(const void *buf, size_t n)
{
    if (!quiet)
        p2_write(buf, n);
}

static void put(const char *s)
{
    put_n(s, p2_strlen(s));
}

static void put_u64(uint64_t v)
{
    if (!quiet)
        p2_print_u64(v);
}

static const char *const codes[] = {
    "unknown", "access-denied", "not-supported", "invalid-argument", "out-of-memory", "timeout",
    "concurrency-conflict", "not-in-progress", "would-block", "invalid-state", "new-socket-limit",
    "address-not-bindable", "address-in-use", "remote-unreachable", "connection-refused",
    "connection-reset", "connection-aborted", "datagram-too-large", "name-unresolvable",
    "temporary-resolver-failure", "permanent-resolver-failure",
};
#define WOULD_BLOCK 8

static void say_code(const char *what, uint8_t tag, uint8_t code)
{
    put(what);
    put(": ");
    put(tag == 0 ? "ok" : code < 21 ? codes[code] : "?");
    put("\n");
}
#define say(what, r) say_code(what, (r)->tag, (r)->u.code)

static void wait_on(int32_t pollable)
{
    pollable_block(pollable);
    pollable_drop(pollable);
}

/* The flat ip-socket-address 127.0.0.1:port (12 core values). */
#define LOOPBACK(port) 0, (int32_t)(port), 127, 0, 0, 1, 0, 0, 0, 0, 0, 0

static uint32_t number(const char *s, uint32_t n)
{
    uint32_t v = 0;
    for (uint32_t i = 0; i < n; i++)
        v = v * 10 + (uint32_t)(s[i] - '0');
    return v;
}

/* Writes all of buf to out (at most 4096 bytes) or traps. */
static void send_all(int32_t out, const char *buf, uint32_t n)
{
    result_p2 r;
    out_blocking_write(out, buf, n, &r);
    if (r.tag != 0)
        __builtin_trap();
}

/* Reads into buf until a '\n' or want bytes; returns the count (0: closed). */
static uint32_t read_line(int32_t in, char *buf, uint32_t want)
{
    uint32_t got = 0;
    while (got < want && (got == 0 || buf[got - 1] != '\n')) {
        result_p2 r;
        in_blocking_read(in, want - got, &r);
        if (r.tag != 0)
            break;
        memcpy(buf + got, (void *)(size_t)r.u.list.ptr, r.u.list.len);
        got += r.u.list.len;
    }
    return got;
}

/* Waits on one pollable with poll over it and a 10 s clock: true when the
 * pollable (index 0) is what woke it. */
static bool poll_with_clock(int32_t pollable)
{
    int32_t list[2] = { pollable, subscribe_duration(10000000000ull) };
    uint32_t ret[2];
    poll_list(list, 2, ret);
    const uint32_t *ready = (const uint32_t *)(size_t)ret[0];
    bool first = ret[1] >= 1 && ready[0] == 0;
    pollable_drop(list[0]);
    pollable_drop(list[1]);
    return first;
}

static int tcp_client(int32_t net, uint32_t port, bool v6, bool use_poll)
{
    bool polled = true;
    result_p2 r;
    unit_p2 u;
    create_tcp_socket(v6 ? 1 : 0, &r);
    int32_t sock = (int32_t)r.u.h[0];
    if (v6)   /* [::1]:port */
        tcp_start_connect(sock, net, 1, (int32_t)port, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, &u);
    else
        tcp_start_connect(sock, net, LOOPBACK(port), &u);
    if (u.tag != 0) {
        say("start-connect", &u);
        return 1;
    }
    for (;;) {
        tcp_finish_connect(sock, &r);
        if (r.tag == 0 || r.u.code != WOULD_BLOCK)
            break;
        if (use_poll)
            polled = poll_with_clock(tcp_subscribe(sock)) && polled;
        else
            wait_on(tcp_subscribe(sock));
    }
    if (r.tag != 0) {
        say("finish-connect", &r);
        return 1;
    }
    int32_t in = (int32_t)r.u.h[0], out = (int32_t)r.u.h[1];
    send_all(out, "hello over tcp\n", 15);
    if (use_poll) {   /* the answer comes before the clock */
        polled = poll_with_clock(in_subscribe(in)) && polled;
        put(polled ? "poll: the socket first\n" : "poll: the clock first\n");
    }
    char buf[64];
    uint32_t n = read_line(in, buf, sizeof buf);
    put("echo: ");
    put_n(buf, n);
    tcp_remote_address(sock, &r);
    bool fine = r.tag == 0 && r.u.addr.tag == (v6 ? 1 : 0) &&
                (v6 ? r.u.addr.u.v6.port == port && r.u.addr.u.v6.a[7] == 1 &&
                          r.u.addr.u.v6.a[0] == 0
                    : r.u.addr.u.v4.port == port && r.u.addr.u.v4.a[0] == 127);
    put(fine ? "remote-address: the server's\n" : "remote-address: wrong\n");
    in_drop(in);
    out_drop(out);
    tcp_drop(sock);
    return fine && polled && p2_streq(buf, n, "hello over tcp\n") ? 0 : 1;
}

#define BULK (16u << 20)
#define BULK_CHECKED (12u << 20)   /* sent by check-write and write, the rest blocking */
static uint8_t bulk[65536];

/* Fills bulk with n bytes of the pattern from offset at. */
static void pattern(uint32_t at, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        bulk[i] = (uint8_t)((at + i) % 251);
}

/* Connects to 127.0.0.1:port with an 8 KiB send buffer, waiting on the
 * socket's pollable: the streams in *in, *out; false when it fails. */
static bool connect_to(int32_t net, uint32_t port, int32_t *sock, int32_t *in, int32_t *out)
{
    result_p2 r;
    unit_p2 u;
    create_tcp_socket(0, &r);
    *sock = (int32_t)r.u.h[0];
    tcp_set_send_buf(*sock, 8192, &u);   /* small: a 64 KiB write goes in part */
    if (u.tag != 0)
        return false;
    tcp_start_connect(*sock, net, LOOPBACK(port), &u);
    if (u.tag != 0)
        return false;
    for (;;) {
        tcp_finish_connect(*sock, &r);
        if (r.tag == 0 || r.u.code != WOULD_BLOCK)
            break;
        wait_on(tcp_subscribe(*sock));
    }
    *in = (int32_t)r.u.h[0];
    *out = (int32_t)r.u.h[1];
    return r.tag == 0;
}

static int tcp_bulk(int32_t net, uint32_t port)
{
    int32_t sock, in, out;
    if (!connect_to(net, port, &sock, &in, &out))
        return 1;
    uint32_t sent = 0;
    result_p2 r;
    while (sent < BULK_CHECKED) {
        result64_p2 c;
        out_check_write(out, &c);
        if (c.tag != 0)
            return 1;
        if (c.u.u64 == 0) {
            wait_on(out_subscribe(out));
            continue;
        }
        uint32_t n = BULK_CHECKED - sent < sizeof bulk ? BULK_CHECKED - sent : sizeof bulk;
        n = c.u.u64 < n ? (uint32_t)c.u.u64 : n;
        pattern(sent, n);
        out_write(out, bulk, n, &r);
        if (r.tag != 0)
            return 1;
        sent += n;
    }
    for (; sent < BULK; sent += 4096) {
        pattern(sent, 4096);
        out_blocking_write(out, bulk, 4096, &r);
        if (r.tag != 0)
            return 1;
    }
    out_blocking_flush(out, &r);
    if (r.tag != 0)
        return 1;
    unit_p2 u;
    tcp_shutdown(sock, 1, &u);   /* send: the reader sees the end */
    put("bulk: sent\n");
    in_drop(in);
    out_drop(out);
    tcp_drop(sock);
    return u.tag == 0 ? 0 : 1;
}

static int tcp_server(int32_t net, uint32_t port)
{
    result_p2 r;
    unit_p2 u;
    create_tcp_socket(0, &r);
    int32_t sock = (int32_t)r.u.h[0];
    tcp_start_bind(sock, net, LOOPBACK(port), &u);
    if (u.tag != 0) {
        say("start-bind", &u);
        return 1;
    }
    tcp_finish_bind(sock, &u);
    tcp_start_listen(sock, &u);
    tcp_finish_listen(sock, &u);
    say("listen", &u);
    for (;;) {
        tcp_accept(sock, &r);
        if (r.tag == 0 || r.u.code != WOULD_BLOCK)
            break;
        wait_on(tcp_subscribe(sock));
    }
    if (r.tag != 0) {
        say("accept", &r);
        return 1;
    }
    int32_t conn = (int32_t)r.u.h[0], in = (int32_t)r.u.h[1], out = (int32_t)r.u.h[2];
    char buf[64];
    uint32_t n = read_line(in, buf, sizeof buf);
    send_all(out, buf, n);
    put("served: ");
    put_n(buf, n);
    tcp_shutdown(conn, 1, &u);   /* send: the client sees the end */
    say("shutdown", &u);
    in_drop(in);
    out_drop(out);
    tcp_drop(conn);
    tcp_drop(sock);
    return 0;
}

/* outgoing-datagram as laid out in memory */
typedef struct {
    uint32_t ptr, len;
    uint8_t has_to;
    sockaddr_p2 to;
} datagram_p2;

static int udp(int32_t net, uint32_t port, bool denied_only)
{
    result_p2 r;
    unit_p2 u;
    create_udp_socket(0, &r);
    int32_t sock = (int32_t)r.u.h[0];
    udp_start_bind(sock, net, LOOPBACK(0), &u);
    if (u.tag != 0) {
        say("start-bind", &u);
        return 1;
    }
    udp_finish_bind(sock, &u);
    udp_stream(sock, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, &r);   /* none: not connected */
    if (r.tag != 0) {
        say("stream", &r);
        return 1;
    }
    int32_t in = (int32_t)r.u.h[0], out = (int32_t)r.u.h[1];
    result64_p2 permit;
    udp_check_send(out, &permit);
    if (permit.tag != 0 || permit.u.u64 == 0)
        __builtin_trap();
    static const char ping[] = "ping over udp";
    datagram_p2 d = { (uint32_t)(size_t)ping, sizeof ping - 1, 1,
                      { 0, { .v4 = { (uint16_t)port, { 127, 0, 0, 1 } } } } };
    udp_send(out, &d, 1, &permit);
    if (permit.tag != 0 || denied_only) {
        say("send", &permit);
        return permit.tag != 0 && denied_only ? 0 : 1;
    }
    for (;;) {
        udp_receive(in, 4, &r);
        if (r.tag != 0 || r.u.list.len > 0)
            break;
        wait_on(udp_in_subscribe(in));
    }
    if (r.tag != 0) {
        say("receive", &r);
        return 1;
    }
    struct { uint32_t ptr, len; sockaddr_p2 from; } *got = (void *)(size_t)r.u.list.ptr;
    put("udp reply: ");
    put_n((void *)(size_t)got->ptr, got->len);
    put(got->from.u.v4.port == port ? " (from the server)\n" : " (from elsewhere)\n");
    /* a second stream call (now to the server only): the first pair stops */
    udp_stream(sock, 1, LOOPBACK(port), &r);
    if (r.tag != 0) {
        say("second stream", &r);
        return 1;
    }
    int32_t in2 = (int32_t)r.u.h[0], out2 = (int32_t)r.u.h[1];
    udp_receive(in, 4, &r);
    say("first pair receive", &r);
    udp_check_send(out, &permit);
    say_code("first pair check-send", permit.tag, permit.u.code);
    udp_check_send(out2, &permit);
    say_code("second pair check-send", permit.tag, permit.u.code);
    udp_in_drop(in);
    udp_out_drop(out);
    udp_in_drop(in2);
    udp_out_drop(out2);
    udp_drop(sock);
    return 0;
}

static int states(int32_t net)
{
    result_p2 r;
    unit_p2 u;
    create_tcp_socket(0, &r);
    int32_t s = (int32_t)r.u.h[0];
    put(tcp_address_family(s) == 0 ? "family: ipv4\n" : "family: ipv6\n");
    tcp_finish_bind(s, &u);
    say("finish-bind before start", &u);
    tcp_start_listen(s, &u);
    say("start-listen unbound", &u);
    tcp_local_address(s, &r);
    say("local-address unbound", &r);
    tcp_finish_connect(s, &r);
    say("finish-connect before start", &r);
    tcp_accept(s, &r);
    say("accept not listening", &r);
    tcp_start_connect(s, net, LOOPBACK(0), &u);
    say("start-connect port 0", &u);
    tcp_start_bind(s, net, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, &u);   /* [::1] on ipv4 */
    say("start-bind ipv6 on ipv4", &u);
    tcp_set_keep_count(s, 0, &u);
    say("set-keep-alive-count 0", &u);
    tcp_set_hop_limit(s, 0, &u);
    say("set-hop-limit 0", &u);
    tcp_set_hop_limit(s, 42, &u);
    tcp_hop_limit(s, &u);
    put(u.tag == 0 && u.u.code == 42 ? "hop-limit: 42\n" : "hop-limit: wrong\n");
    tcp_set_keep_alive(s, 1, &u);
    tcp_keep_alive(s, &u);
    put(u.tag == 0 && u.u.code == 1 ? "keep-alive: on\n" : "keep-alive: off\n");
    tcp_set_keep_idle(s, 1500000000ll, &u);   /* 1.5 s: rounded up to 2 s */
    result64_p2 idle;
    tcp_keep_idle(s, &idle);
    put(idle.tag == 0 && idle.u.u64 == 2000000000ull ? "keep-alive-idle-time: 2s\n"
                                                    : "keep-alive-idle-time: wrong\n");
    tcp_set_backlog(s, 0, &u);
    say("set-listen-backlog-size 0", &u);
    tcp_set_recv_buf(s, 0, &u);
    say("set-receive-buffer-size 0", &u);
    tcp_shutdown(s, 2, &u);
    say("shutdown unconnected", &u);
    tcp_start_bind(s, net, LOOPBACK(0), &u);
    say("start-bind", &u);
    tcp_start_bind(s, net, LOOPBACK(0), &u);
    say("start-bind again", &u);
    tcp_finish_bind(s, &u);
    tcp_local_address(s, &r);
    put(r.tag == 0 && r.u.addr.u.v4.port != 0 && r.u.addr.u.v4.a[0] == 127
                 ? "local-address: 127.0.0.1 and a port\n" : "local-address: wrong\n");
    put(tcp_is_listening(s) ? "listening: yes\n" : "listening: no\n");
    tcp_start_listen(s, &u);
    tcp_start_listen(s, &u);
    say("start-listen twice", &u);
    tcp_finish_listen(s, &u);
    put(tcp_is_listening(s) ? "listening: yes\n" : "listening: no\n");
    tcp_accept(s, &r);
    say("accept with nobody waiting", &r);
    tcp_remote_address(s, &r);
    say("remote-address listening", &r);
    tcp_start_connect(s, net, LOOPBACK(80), &u);
    say("start-connect listening", &u);
    tcp_drop(s);
    return 0;
}

static int lookup(int32_t net, const char *name, uint32_t len)
{
    result_p2 r;
    resolve_addresses(net, name, len, &r);
    if (r.tag != 0) {
        say("resolve-addresses", &r);
        return 0;
    }
    int32_t stream = (int32_t)r.u.h[0];
    for (;;) {
        /* result<option<ip-address>, error-code> (alignment 2): tag @0, then
         * the error-code or the option's tag @2, the variant's tag @4, the tuple @6 */
        struct { uint8_t tag, pad; uint8_t some, pad2; uint8_t v6, pad3; uint16_t a[8]; } n;
        resolve_next(stream, &n);
        if (n.tag != 0 && n.some == WOULD_BLOCK) {   /* a name: its thread is on it */
            wait_on(resolve_subscribe(stream));
            continue;
        }
        if (n.tag != 0) {
            say_code("resolve-next-address", n.tag, n.some);
            break;
        }
        if (!n.some) {
            put("end\n");
            break;
        }
        if (!n.v6) {
            const uint8_t *b = (const uint8_t *)n.a;
            for (int i = 0; i < 4; i++) {
                put_u64(b[i]);
                put(i < 3 ? "." : "\n");
            }
        } else {
            put("ipv6 ");
            for (int i = 0; i < 8; i++) {
                put_u64(n.a[i]);
                put(i < 7 ? ":" : "\n");
            }
        }
    }
    resolve_drop(stream);
    return 0;
}

P2_RUN
{
    struct { const char *ptr; uint32_t len; } *argv;
    uint32_t ret[2];
    p2_get_arguments(ret);
    argv = (void *)(size_t)ret[0];
    uint32_t argc = ret[1];
    /* `wasm run` gives FILE's name first; a process only its wasi.args */
    if (argc > 0 && argv[0].len > 5 && p2_streq(argv[0].ptr + argv[0].len - 5, 5, ".wasm")) {
        argv++;
        argc--;
    } else {
        quiet = true;
    }
    if (argc < 1)
        return 1;
    const char *mode = argv[0].ptr;
    uint32_t mlen = argv[0].len;
    uint32_t port = argc > 1 ? number(argv[1].ptr, argv[1].len) : 0;
    int32_t net = instance_network();
    if (p2_streq(mode, mlen, "tcp-client"))
        return tcp_client(net, port, false, false);
    if (p2_streq(mode, mlen, "tcp-poll"))
        return tcp_client(net, port, false, true);
    if (p2_streq(mode, mlen, "tcp6-client"))
        return tcp_client(net, port, true, false);
    if (p2_streq(mode, mlen, "tcp-bulk"))
        return tcp_bulk(net, port);
    if (p2_streq(mode, mlen, "tcp-server"))
        return tcp_server(net, port);
    if (p2_streq(mode, mlen, "udp"))
        return udp(net, port, false);
    if (p2_streq(mode, mlen, "udp-denied"))
        return udp(net, port, true);
    if (p2_streq(mode, mlen, "states"))
        return states(net);
    if (p2_streq(mode, mlen, "lookup") && argc > 1)
        return lookup(net, argv[1].ptr, argv[1].len);
    result_p2 r;
    unit_p2 u;
    create_tcp_socket(0, &r);
    if (p2_streq(mode, mlen, "tcp-denied")) {
        tcp_start_connect((int32_t)r.u.h[0], net, LOOPBACK(port), &u);
        say("start-connect", &u);
        return u.tag == 0 ? 0 : 1;
    }
    if (p2_streq(mode, mlen, "bind-denied")) {
        tcp_start_bind((int32_t)r.u.h[0], net, LOOPBACK(port), &u);
        say("start-bind", &u);
        return 0;
    }
    return 1;
}
