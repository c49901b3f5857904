/* test_wasi_p2_http.c — wasi:http's outgoing requests (wasi/p2/http_*.c)
 * from the C guest tests/wasi_p2/http_client.c, against a small HTTP/1.1
 * server of this file on loopback (a free port; a thread per connection;
 * Connection: close):
 *
 *   GET  /headers  200, x-reply: <x-test>, body "x-test=<x-test>"
 *   GET  /large    200, 5,000,000 bytes, byte i = i % 251, in 64 KiB writes
 *   GET  /letters  the same with byte i = 'a' + i % 26 (text)
 *   GET  /delay    200 "ok" after 100 ms
 *   GET  /gate     200 "ok" once `gate` requests to /gate are open at once
 *                  (each waits for the others; "timeout" after 10 s)
 *   GET  /slow     200 "late" after 2 s (sooner when the client goes)
 *   GET  /cut      Content-Length: 100, 10 bytes, closed
 *   GET  /stall    Content-Length: 100, 10 bytes, then nothing for 2 s
 *                  (sooner when the client goes), closed
 *   GET  /redirect 302 to /headers, body "moved"
 *   GET  /big-headers  80 headers of 1100 bytes (over the 64 KiB limit)
 *   POST /echo     200 "got N bytes sum S" of the body (Content-Length or chunked)
 *   POST /trailers 200 chunked "n=N x-sum=<its x-sum trailer>", trailer x-done: yes
 *
 * As component processes (`imports: [wasi:http, wasi:io, wasi:poll]`), so
 * every wait parks the process in the event loop: GET with headers
 * checked, POST with a body streamed after handle(), Content-Length
 * overrun, a large body read in chunks, trailers both ways, a refused
 * port, the first-byte timeout, forbidden headers, a second get of a
 * future, a body cut short, a redirect (not followed), a header section
 * over the limit; 50 processes on 2 workers against /delay (the wall time
 * printed, not asserted); 64 processes on 2 workers against /gate, which
 * answers none before all 64 requests are open at once (so every process
 * is parked with its request in flight); max_execution_ms and terminate while a request
 * is in flight. Through `wippy wasm call` (no loop: waits in place): GET
 * and the large body. Without the wasi:http group the imports are
 * unresolved (on a core module the group is a configuration error:
 * tests/config/cases/wasm-http-core.yaml). The example app's http_worker
 * through `wippy run fetch`: what it fetched printed, its failures, and
 * API_URL required. */
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host/host.h"
#include "wasi/p2/p2.h"
#include "tests/test_host_project.h"
#include "tests/test_http_util.h"
#include "tests/test_util.h"

#define GUEST TEST_HTTP_GUEST
#define PROFILES TEST_HTTP_PROFILES
#define LARGE 5000000

/* ---- the server ---- */

typedef struct {
    test_http_server http;
    int gone;   /* /slow clients that left before the answer */
    int gate;   /* /gate answers once this many of its requests arrived */
    int gated;  /* /gate requests arrived */
} server;

static void reply_status(int fd, const char *status, const char *extra, const char *body)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %s\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
                     status, strlen(body), extra);
    if (test_http_send_all(fd, head, (size_t)n))
        test_http_send_all(fd, body, strlen(body));
}

static void reply(int fd, const char *extra, const char *body)
{
    reply_status(fd, "200 OK", extra, body);
}

/* Reads exactly n bytes, first from what is buffered. */
typedef struct {
    int fd;
    char buf[65536];
    size_t len, off;
} reader;

static int read_byte(reader *r)
{
    if (r->off == r->len) {
        ssize_t k = recv(r->fd, r->buf, sizeof r->buf, 0);
        if (k <= 0)
            return -1;
        r->len = (size_t)k;
        r->off = 0;
    }
    return (unsigned char)r->buf[r->off++];
}

static bool read_line(reader *r, char *line, size_t cap)
{
    size_t n = 0;
    for (;;) {
        int c = read_byte(r);
        if (c < 0)
            return false;
        if (c == '\n')
            break;
        if (c != '\r' && n + 1 < cap)
            line[n++] = (char)c;
    }
    line[n] = '\0';
    return true;
}

/* A chunked request body: its length and the value of one trailer. */
static bool read_chunked(reader *r, unsigned long long *n, unsigned long long *sum,
                         const char *trailer, char *value, size_t cap)
{
    char line[256];
    value[0] = '\0';
    for (;;) {
        if (!read_line(r, line, sizeof line))
            return false;
        unsigned long len = strtoul(line, NULL, 16);
        if (len == 0)
            break;
        for (unsigned long i = 0; i < len; i++) {
            int c = read_byte(r);
            if (c < 0)
                return false;
            (*n)++;
            *sum += (unsigned)c;
        }
        read_line(r, line, sizeof line);
    }
    size_t tl = strlen(trailer);
    while (read_line(r, line, sizeof line) && line[0] != '\0')
        if (strncasecmp(line, trailer, tl) == 0 && line[tl] == ':')
            snprintf(value, cap, "%s", line + tl + 1 + (line[tl + 1] == ' '));
    return true;
}

/* POST /trailers: the body's length and its x-sum trailer, answered
 * chunked with a trailer x-done: yes. */
static void trailers(reader *r)
{
    unsigned long long n = 0, sum = 0;
    char v[64], body[128], out[512];
    if (!read_chunked(r, &n, &sum, "x-sum", v, sizeof v))
        return;
    int bl = snprintf(body, sizeof body, "n=%llu x-sum=%s", n, v);
    int k = snprintf(out, sizeof out,
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: x-done\r\n"
                     "Connection: close\r\n\r\n%x\r\n%s\r\n0\r\nx-done: yes\r\n\r\n",
                     bl, body);
    test_http_send_all(r->fd, out, (size_t)k);
}

static void echo(reader *r, const char *head)
{
    char te[64], cl[32];
    test_http_header_of(head, "transfer-encoding", te, sizeof te);
    test_http_header_of(head, "content-length", cl, sizeof cl);
    unsigned long long n = 0, sum = 0;
    if (strcasecmp(te, "chunked") == 0) {
        char v[8];
        if (!read_chunked(r, &n, &sum, "-", v, sizeof v))
            return;
    } else {
        unsigned long long want = strtoull(cl, NULL, 10);
        for (; n < want; n++) {
            int c = read_byte(r);
            if (c < 0)
                return;
            sum += (unsigned)c;
        }
    }
    char body[128];
    snprintf(body, sizeof body, "got %llu bytes sum %llu", n, sum);
    reply(r->fd, "", body);
}

static void serve_conn(int fd, void *user)
{
    server *srv = user;
    reader *r = calloc(1, sizeof *r);
    char *head = calloc(1, 16384);
    size_t hl = 0;
    if (r == NULL || head == NULL)
        goto done;
    r->fd = fd;
    while (hl < 16383 && (hl < 4 || memcmp(head + hl - 4, "\r\n\r\n", 4) != 0)) {
        int ch = read_byte(r);
        if (ch < 0)
            goto done;
        head[hl++] = (char)ch;
    }
    char method[16] = "", path[256] = "";
    sscanf(head, "%15s %255s", method, path);
    if (strcmp(path, "/headers") == 0) {
        char v[256], extra[300], body[300];
        test_http_header_of(head, "x-test", v, sizeof v);
        snprintf(extra, sizeof extra, "x-reply: %s\r\n", v);
        snprintf(body, sizeof body, "x-test=%s", v);
        reply(fd, extra, body);
    } else if (strcmp(path, "/large") == 0 || strcmp(path, "/letters") == 0) {
        char h[128];
        int n = snprintf(h, sizeof h, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", LARGE);
        bool letters = strcmp(path, "/letters") == 0;
        size_t period = letters ? 26 : 251;
        uint8_t pattern[65536 + 251];
        for (size_t i = 0; i < sizeof pattern; i++)
            pattern[i] = (uint8_t)(letters ? 'a' + i % 26 : i % 251);
        bool ok = test_http_send_all(fd, h, (size_t)n);
        for (size_t at = 0; ok && at < LARGE;) {
            size_t k = LARGE - at < 65536 ? LARGE - at : 65536;
            ok = test_http_send_all(fd, pattern + at % period, k);
            at += k;
        }
    } else if (strcmp(path, "/cut") == 0) {
        const char *cut = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";
        test_http_send_all(fd, cut, strlen(cut));
    } else if (strcmp(path, "/stall") == 0) {
        const char *part = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (test_http_send_all(fd, part, strlen(part)))
            poll(&p, 1, 2000);   /* until the client goes, or 2 s */
    } else if (strcmp(path, "/redirect") == 0) {
        reply_status(fd, "302 Found", "Location: /headers\r\n", "moved");
    } else if (strcmp(path, "/big-headers") == 0) {
        char line[1100];
        bool ok = test_http_send_all(fd, "HTTP/1.1 200 OK\r\n", strlen("HTTP/1.1 200 OK\r\n"));
        memset(line, 'v', sizeof line);
        memcpy(line, "x-big: ", 7);
        memcpy(line + sizeof line - 2, "\r\n", 2);
        for (int i = 0; ok && i < 80; i++)
            ok = test_http_send_all(fd, line, sizeof line);
        if (ok)
            test_http_send_all(fd, "Content-Length: 0\r\n\r\n", strlen("Content-Length: 0\r\n\r\n"));
    } else if (strcmp(path, "/gate") == 0) {
        int at = __atomic_add_fetch(&srv->gated, 1, __ATOMIC_SEQ_CST);
        for (int i = 0; i < 10000 && at < srv->gate; i++) {
            usleep(1000);
            at = __atomic_load_n(&srv->gated, __ATOMIC_SEQ_CST);
        }
        reply(fd, "", at >= srv->gate ? "ok" : "timeout");
    } else if (strcmp(path, "/delay") == 0) {
        usleep(100000);
        reply(fd, "", "ok");
    } else if (strcmp(path, "/slow") == 0) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        char b;
        if (poll(&p, 1, 2000) == 0)
            reply(fd, "", "late");
        else if (recv(fd, &b, 1, 0) == 0)   /* the client went */
            __atomic_add_fetch(&srv->gone, 1, __ATOMIC_SEQ_CST);
    } else if (strcmp(method, "POST") == 0 && strcmp(path, "/trailers") == 0) {
        trailers(r);
    } else if (strcmp(method, "POST") == 0 && strcmp(path, "/echo") == 0) {
        echo(r, head);
    } else {
        reply_status(fd, "404 Not Found", "", "");
    }
done:
    free(head);
    free(r);
}

static void server_start(server *s)
{
    memset(s, 0, sizeof *s);
    test_http_server_start(&s->http, serve_conn, s);
}

static void server_stop(server *s)
{
    test_http_server_stop(&s->http);
}

/* ---- running the guest ---- */

static void run_one(const char *scenario, uint16_t port, const char *want)
{
    test_http_expect_fetch(NULL, scenario, port, want);
}

START_TEST(http_get_headers)
{
    server s;
    server_start(&s);
    run_one("get", s.http.port, "200 x-reply=42 body=x-test=42 immutable");
    server_stop(&s);
}
END_TEST

START_TEST(http_post_streamed_body)
{
    server s;
    server_start(&s);
    unsigned long long sum = 0;
    for (int i = 0; i < 4000; i++)
        sum += (uint8_t)(i * 7);
    char want[96];
    snprintf(want, sizeof want, "200 got 16000 bytes sum %llu", 4 * sum);
    run_one("post", s.http.port, want);
    run_one("post-cl", s.http.port, "write failed: error HTTP-request-body-size");
    run_one("trailers", s.http.port, "200 n=5 x-sum=500 x-done=yes");
    server_stop(&s);
}
END_TEST

START_TEST(http_large_response_in_chunks)
{
    server s;
    server_start(&s);
    run_one("large", s.http.port, "200 5000000 bytes ok");
    server_stop(&s);
}
END_TEST

START_TEST(http_errors)
{
    server s;
    server_start(&s);
    run_one("refused", test_http_closed_port(), "error connection-refused");
    int64_t t0 = hp_now_ms();
    run_one("slow", s.http.port, "error connection-read-timeout");
    ck_assert_int_lt(hp_now_ms() - t0, 1900);   /* the 200 ms timeout, not the 2 s answer */
    run_one("forbidden", s.http.port, "forbidden forbidden invalid-syntax ok forbidden set-ok 2");
    run_one("twice", s.http.port, "first=response second=err");
    run_one("cut", s.http.port, "200 0123456789error HTTP-response-incomplete");
    /* the server's close after 2 s would say HTTP-response-incomplete */
    run_one("stall", s.http.port, "200 0123456789error connection-read-timeout");
    run_one("redirect", s.http.port, "302 moved");
    run_one("big-headers", s.http.port, "error HTTP-response-header-section-size");
    server_stop(&s);
}
END_TEST

/* The entry's wasi.http block: limits and allowed hosts. */
static void run_with(const char *http, const char *scenario, uint16_t port, const char *want)
{
    test_http_expect_fetch(http, scenario, port, want);
}

START_TEST(http_entry_limits)
{
    server s;
    server_start(&s);
    run_one("two", s.http.port, "200 ok, 200 ok");
    run_with("        max_requests: 1\n", "two", s.http.port, "error connection-limit-reached");
    run_with("        max_header_bytes: 200000\n", "big-headers", s.http.port, "200 ");
    run_with("        max_body_buffer: 4096\n        max_send_buffer: 4096\n", "large", s.http.port,
             "200 5000000 bytes ok");
    unsigned long long sum = 0;
    for (int i = 0; i < 4000; i++)
        sum += (uint8_t)(i * 7);
    char want[96];
    snprintf(want, sizeof want, "200 got 16000 bytes sum %llu", 4 * sum);
    run_with("        max_body_buffer: 4096\n        max_send_buffer: 4096\n", "post", s.http.port, want);
    run_with("        allow_hosts: [example.com, \"*.example.org\"]\n", "get", s.http.port,
             "error HTTP-request-denied");
    run_with("        allow_hosts: []\n", "get", s.http.port, "error HTTP-request-denied");
    run_with("        allow_hosts: [localhost, 127.0.0.1]\n", "get", s.http.port,
             "200 x-reply=42 body=x-test=42 immutable");
    char allow[96];
    snprintf(allow, sizeof allow, "        allow_hosts: [\"127.0.0.1:%u\"]\n", s.http.port);
    run_with(allow, "get", s.http.port, "200 x-reply=42 body=x-test=42 immutable");
    snprintf(allow, sizeof allow, "        allow_hosts: [\"127.0.0.1:%u\"]\n", s.http.port == 1 ? 2 : s.http.port - 1);
    run_with(allow, "get", s.http.port, "error HTTP-request-denied");
    server_stop(&s);
}
END_TEST

/* The host patterns themselves (wasi_p2_http_host_allowed). */
START_TEST(http_allow_patterns)
{
    const char *pats[] = { "api.example.com", "*.example.org", "10.0.0.1:8080", "[::1]", "Mixed.Case" };
    struct { const char *authority; bool https, want; } cases[] = {
        { "api.example.com", true, true },       { "API.Example.COM:9000", false, true },
        { "api.example.com.", true, true },      { "example.com", true, false },
        { "x.api.example.com", true, false },    { "a.example.org", true, true },
        { "a.b.example.org:1", false, true },    { "example.org", true, false },
        { "badexample.org", true, false },       { "10.0.0.1:8080", false, true },
        { "10.0.0.1", false, false },            { "10.0.0.1:80800", false, false },
        { "[::1]", true, true },                 { "[::1]:8443", true, true },
        { "[::2]", true, false },                { "mixed.case", false, true },
        { "user@api.example.com", true, false }, { "api.example.com%2e", true, false },
        { "api.example.com:", true, false },     { "[::1", true, false },
        { "", true, false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(wasi_p2_http_host_allowed(pats, 5, cases[i].https, cases[i].authority) == cases[i].want,
                      "%s: expected %d", cases[i].authority, cases[i].want);
    const char *port_only[] = { "example.com:443" };
    ck_assert(wasi_p2_http_host_allowed(port_only, 1, true, "example.com"));
    ck_assert(!wasi_p2_http_host_allowed(port_only, 1, false, "example.com"));
    ck_assert(!wasi_p2_http_host_allowed(NULL, 0, false, "example.com"));
}
END_TEST

START_TEST(http_needs_its_group)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("http", GUEST, "fetch", "    imports: [wasi:io, wasi:poll]\n"), NULL);
    host_pid pid = test_http_spawn_fetch(&p, "get", 1);
    host_event ev = hp_next(&p, 5000);
    ck_assert_uint_eq(ev.from, pid);
    ck_assert_ptr_nonnull(ev.error);
    ck_assert_msg(strstr(ev.error, "unresolved host import \"wasi:http/types@0.2.3#") != NULL, "%s",
                  ev.error);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* `wippy wasm call` has no event loop: the same calls wait in place. */
START_TEST(http_wasm_call_waits_in_place)
{
    server s;
    server_start(&s);
    char port[8];
    snprintf(port, sizeof port, "%u", s.http.port);
    test_run_result r = test_run_wippy((const char *[]){ "wasm", "call", TEST_BUILD_DIR "/tests/" GUEST,
                                                         "fetch", "\"get\"", port, NULL });
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, "\"200 x-reply=42 body=x-test=42 immutable\"\n");
    test_run_done(&r);
    r = test_run_wippy((const char *[]){ "wasm", "call", TEST_BUILD_DIR "/tests/" GUEST, "fetch",
                                         "\"large\"", port, NULL });
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, "\"200 5000000 bytes ok\"\n");
    test_run_done(&r);
    server_stop(&s);
}
END_TEST

/* Many processes, each parked on its own request to a server that answers
 * after 100 ms: together about one round trip, not 50. */
START_TEST(http_many_processes)
{
    server s;
    server_start(&s);
    enum { N = 50 };
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("http", GUEST, "fetch", PROFILES), NULL);
    host_pid pids[N];
    int64_t t0 = hp_now_ms();
    for (int i = 0; i < N; i++)
        pids[i] = test_http_spawn_fetch(&p, "delay", s.http.port);
    bool seen[N] = { false };
    for (int k = 0; k < N; k++) {
        host_event ev = hp_next(&p, 20000);
        ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
        ck_assert_msg(ev.error == NULL, "%s", ev.error);
        ck_assert_str_eq(ev.value.s, "200 ok");
        int at = -1;
        for (int i = 0; i < N && at < 0; i++)
            if (pids[i] == ev.from)
                at = i;
        ck_assert(at >= 0 && !seen[at]);
        seen[at] = true;
        host_event_free(&ev);
    }
    fprintf(stderr, "wasi:http: %d component processes fetched a 100 ms answer on 2 workers in %lld ms\n",
            N, (long long)(hp_now_ms() - t0));
    hp_close(&p);
    server_stop(&s);
}
END_TEST

/* 64 processes on 2 workers, each GETting /gate, which answers none
 * before all 64 requests are open at once: each process parks with its
 * request in flight and the worker goes on to the next (not timing: a
 * worker held by one request would leave the others unsent, and every
 * answer would be "timeout"). */
START_TEST(http_parked_overlap)
{
    server s;
    server_start(&s);
    enum { N = 64 };
    s.gate = N;
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("http", GUEST, "fetch", PROFILES), NULL);
    for (int i = 0; i < N; i++)
        test_http_spawn_fetch(&p, "gate", s.http.port);
    for (int k = 0; k < N; k++) {
        host_event ev = hp_next(&p, 30000);
        ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
        ck_assert_msg(ev.error == NULL, "%s", ev.error);
        ck_assert_str_eq(ev.value.s, "200 ok");
        host_event_free(&ev);
    }
    ck_assert_int_eq(__atomic_load_n(&s.gated, __ATOMIC_SEQ_CST), N);
    hp_close(&p);
    server_stop(&s);
}
END_TEST

/* The execution limit and terminate while the request is in flight (the
 * server holds /slow): the process ends, its transfer is aborted (the
 * server sees the client go long before its 2 s) and everything is freed
 * (the sanitizer build checks). */
START_TEST(http_killed_in_flight)
{
    server s;
    server_start(&s);
    hp_project p;
    hp_open(&p, 2, 0,
            hp_entry("http", GUEST, "fetch", PROFILES "    limits:\n      max_execution_ms: 150\n"),
            NULL);
    int64_t t0 = hp_now_ms();
    host_pid pid = test_http_spawn_fetch(&p, "hang", s.http.port);
    host_event ev = hp_next(&p, 5000);
    ck_assert_uint_eq(ev.from, pid);
    ck_assert_str_eq(ev.error, "execution time limit exceeded: 150 ms");
    host_event_free(&ev);
    pid = test_http_spawn_fetch(&p, "hang", s.http.port);
    usleep(100000);   /* in flight, parked */
    ck_assert(host_terminate(p.rt, pid));
    ev = hp_next(&p, 5000);
    ck_assert_uint_eq(ev.from, pid);
    ck_assert_str_eq(ev.error, "terminated");
    host_event_free(&ev);
    for (int i = 0; i < 150 && __atomic_load_n(&s.gone, __ATOMIC_SEQ_CST) < 2; i++)
        usleep(10000);
    ck_assert_int_eq(__atomic_load_n(&s.gone, __ATOMIC_SEQ_CST), 2);
    ck_assert_int_lt(hp_now_ms() - t0, 1900);
    hp_close(&p);
    server_stop(&s);
}
END_TEST

/* The example app's http_worker (examples/p2/http_worker.c; the docs'
 * entry: imports wasi:io, wasi:cli, wasi:http; API_URL from wasi.env,
 * required) through `wippy --dir examples run fetch`: it prints what it
 * fetched (a 100 ms answer; 5,000,000 letters, each checked), fails on a
 * refused port and a 404, and without API_URL does not start. */
static test_run_result run_fetch(const char *url)
{
    if (url != NULL)
        ck_assert_int_eq(setenv("API_URL", url, 1), 0);
    else
        ck_assert_int_eq(unsetenv("API_URL"), 0);
    return test_run_wippy((const char *[]){ "--dir", TEST_SOURCE_DIR "/examples", "run", "fetch", NULL });
}

START_TEST(http_worker_example)
{
    server s;
    server_start(&s);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/delay", s.http.port);
    test_run_result r = run_fetch(url);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, "ok\n");
    ck_assert_str_eq(r.err, "");
    test_run_done(&r);

    snprintf(url, sizeof url, "http://127.0.0.1:%u/letters", s.http.port);
    r = run_fetch(url);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_uint_eq(strlen(r.out), LARGE + 1);
    for (size_t i = 0; i < LARGE; i++)
        if (r.out[i] != 'a' + (int)(i % 26))
            ck_abort_msg("byte %zu of the body is %u", i, (unsigned char)r.out[i]);
    test_run_done(&r);

    snprintf(url, sizeof url, "http://127.0.0.1:%u/nope", s.http.port);
    r = run_fetch(url);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "http_worker: status: 404\nwasi exit requested: status 1\n");
    test_run_done(&r);

    snprintf(url, sizeof url, "http://127.0.0.1:%u/", test_http_closed_port());
    r = run_fetch(url);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "http_worker: request failed: connection-refused\nwasi exit requested: status 1\n");
    test_run_done(&r);

    r = run_fetch(NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "required wasi env variable not found: myns:api_url\n");
    test_run_done(&r);
    server_stop(&s);
}
END_TEST

Suite *wasi_p2_http_suite(void)
{
    Suite *s = suite_create("wasi_p2_http");
    TCase *tc = tcase_create("http");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, http_get_headers);
    tcase_add_test(tc, http_post_streamed_body);
    tcase_add_test(tc, http_large_response_in_chunks);
    tcase_add_test(tc, http_errors);
    tcase_add_test(tc, http_wasm_call_waits_in_place);
    tcase_add_test(tc, http_needs_its_group);
    tcase_add_test(tc, http_many_processes);
    tcase_add_test(tc, http_parked_overlap);
    tcase_add_test(tc, http_killed_in_flight);
    tcase_add_test(tc, http_worker_example);
    tcase_add_test(tc, http_entry_limits);
    tcase_add_test(tc, http_allow_patterns);
    suite_add_tcase(s, tc);
    return s;
}
