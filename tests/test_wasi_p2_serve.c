/* test_wasi_p2_serve.c — `wippy wasm serve` (host/cli/wasm_serve.c,
 * wasi/p2/http_server.c): the real binary serves the C guest
 * tests/wasi_p2/http_echo.c on a free loopback port (--addr
 * 127.0.0.1:0; the port read from its "listening on" line), and the test
 * talks HTTP/1.1 to it over plain sockets: GET with a query and headers,
 * POST with a Content-Length body and with a chunked body (each byte
 * checked), a 404 the guest chose, 500 for a trap, a handler that sets
 * nothing and one that sets an error-code (each named on stderr), 64
 * requests from 8 threads at once on 2 workers, and the usage errors.
 * Each request is a process on the server's process host, so also: a
 * streamed body (each chunk written only after the client read the one
 * before: the guest waits on the test's gate server between chunks) with
 * its trailers; 20 handlers each making an outgoing request to a server
 * that answers only once all 20 are connected, on 2 workers (they park,
 * so they overlap); --max-execution-ms ending a looping handler with 500
 * while the server goes on; a client leaving mid-stream ending its
 * handler's process. SIGTERM ends the server with status 0 (under
 * SANITIZE=1 that includes LeakSanitizer's check at exit). */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/suites.h"
#include "tests/test_http_util.h"
#include "tests/test_util.h"

#define GUEST TEST_BUILD_DIR "/tests/wasi_p2/http_echo.component.wasm"

typedef test_http_served server;

/* Starts `wippy wasm serve GUEST --addr 127.0.0.1:0 --workers 2 [--max-execution-ms MS]`
 * (MS NULL: none) and reads its port. */
static server start_with(const char *max_ms)
{
    return test_http_serve_start((const char *[]){ GUEST, "--addr", "127.0.0.1:0", "--workers", "2",
                                                   max_ms != NULL ? "--max-execution-ms" : NULL,
                                                   max_ms, NULL },
                                 "listening on http://127.0.0.1:");
}

static server start(void)
{
    return start_with(NULL);
}

/* Sends SIGTERM, expects status 0; returns what it wrote to stderr. */
static char *stop(server *s)
{
    return test_http_serve_stop(s);
}

/* Sends req (len bytes) to the server and reads the whole answer
 * (Connection: close); *n its length. */
static char *fetch(int port, const char *req, size_t len, size_t *n)
{
    return test_http_ask("127.0.0.1", port, req, len, n);
}

static char *get(int port, const char *path, int *status, char **body)
{
    char req[512];
    snprintf(req, sizeof req,
             "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: serve-test\r\n"
             "Connection: close\r\n\r\n", path, port);
    size_t n;
    char *resp = fetch(port, req, strlen(req), &n);
    *body = (char *)test_http_body(resp, status, NULL);
    return resp;
}

START_TEST(serve_get_and_errors)
{
    server s = start();
    int status;
    char *body, expect[256];
    char *resp = get(s.port, "/hello/world?x=1&y=%20z", &status, &body);
    ck_assert_int_eq(status, 200);
    snprintf(expect, sizeof expect, "GET /hello/world?x=1&y=%%20z host=127.0.0.1:%d ua=serve-test\n",
             s.port);
    ck_assert_str_eq(body, expect);
    ck_assert_ptr_nonnull(strstr(resp, "\r\nx-method: GET\r\n"));
    ck_assert_ptr_nonnull(strstr(resp, "\r\ncontent-type: text/plain\r\n"));
    free(resp);
    resp = get(s.port, "/missing", &status, &body);
    ck_assert_int_eq(status, 404);
    ck_assert_str_eq(body, "not found\n");
    free(resp);
    const char *fails[] = { "/crash", "/noset", "/fail" };
    for (size_t i = 0; i < 3; i++) {
        resp = get(s.port, fails[i], &status, &body);
        ck_assert_int_eq(status, 500);
        free(resp);
    }
    resp = get(s.port, "/after", &status, &body);   /* the server goes on */
    ck_assert_int_eq(status, 200);
    free(resp);
    char *err = stop(&s);
    ck_assert_ptr_nonnull(strstr(err, "GET /crash: failed to call wasm method: "
                                      "wasi:http/incoming-handler@0.2.3#handle: unreachable"));
    ck_assert_ptr_nonnull(strstr(err, "GET /noset: the handler returned without response-outparam.set"));
    ck_assert_ptr_nonnull(strstr(err, "GET /fail: the handler set error-code internal-error"));
    free(err);
}
END_TEST

/* POST of n bytes (i * 7 % 251 + 1), with a Content-Length or chunked in 1000-byte pieces. */
static void post(int port, size_t n, bool chunked)
{
    char *req = malloc(n * 2 + 4096);
    ck_assert(req != NULL);
    size_t len = (size_t)sprintf(req, "POST /up HTTP/1.1\r\nHost: h\r\nConnection: close\r\n");
    if (chunked)
        len += (size_t)sprintf(req + len, "Transfer-Encoding: chunked\r\n\r\n");
    else
        len += (size_t)sprintf(req + len, "Content-Length: %zu\r\n\r\n", n);
    for (size_t i = 0; i < n;) {
        size_t k = chunked ? (n - i < 1000 ? n - i : 1000) : n;
        if (chunked)
            len += (size_t)sprintf(req + len, "%zx\r\n", k);
        for (size_t j = 0; j < k; j++)
            req[len++] = (char)((i + j) * 7 % 251 + 1);
        i += k;
        if (chunked)
            len += (size_t)sprintf(req + len, "\r\n");
    }
    if (chunked)
        len += (size_t)sprintf(req + len, "0\r\n\r\n");
    size_t got;
    char *resp = fetch(port, req, len, &got);
    int status;
    size_t blen;
    const char *body = test_http_body(resp, &status, &blen);
    ck_assert_int_eq(status, 200);
    const char *head = "POST /up host=h ua=-\n";
    ck_assert_int_eq(strncmp(body, head, strlen(head)), 0);
    const char *data = body + strlen(head);
    (void)got;
    ck_assert_uint_eq(blen - (size_t)(data - body), n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(data[i] == (char)(i * 7 % 251 + 1), "byte %zu", i);
    free(resp);
    free(req);
}

START_TEST(serve_post_bodies)
{
    server s = start();
    post(s.port, 200000, false);
    post(s.port, 123457, true);
    post(s.port, 0, false);
    free(stop(&s));
}
END_TEST

typedef struct {
    int port, id, ok;
} worker;

static void *client(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 8; i++) {
        char path[64], expect[128];
        snprintf(path, sizeof path, "/c/%d/%d", w->id, i);
        snprintf(expect, sizeof expect, "GET %s host=127.0.0.1:%d ua=serve-test\n", path, w->port);
        char req[256];
        snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: serve-test\r\n"
                 "Connection: close\r\n\r\n", path, w->port);
        size_t n;
        char *resp = fetch(w->port, req, strlen(req), &n);
        int status;
        const char *b = test_http_body(resp, &status, NULL);
        if (status == 200 && strcmp(b, expect) == 0)
            w->ok++;
        free(resp);
    }
    return NULL;
}

START_TEST(serve_concurrent)
{
    server s = start();
    pthread_t t[8];
    worker w[8];
    for (int i = 0; i < 8; i++) {
        w[i] = (worker){ .port = s.port, .id = i };
        ck_assert_int_eq(pthread_create(&t[i], NULL, client, &w[i]), 0);
    }
    int ok = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        ok += w[i].ok;
    }
    ck_assert_int_eq(ok, 64);
    free(stop(&s));
}
END_TEST

/* ---- loopback helpers for the streaming and process tests ---- */

/* A listening socket on a free loopback port (*port). */
static int listen_any(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(fd, 64), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

/* Accepts within ms milliseconds (-1 on timeout) and reads the request's
 * head into buf (up to the blank line). */
static int accept_request(int lfd, int ms, char *buf, size_t cap)
{
    struct pollfd p = { .fd = lfd, .events = POLLIN };
    if (poll(&p, 1, ms) != 1)
        return -1;
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
        return -1;
    size_t have = 0;
    while (have < cap - 1) {
        ssize_t k = read(fd, buf + have, cap - 1 - have);
        if (k <= 0)
            break;
        have += (size_t)k;
        buf[have] = '\0';
        if (strstr(buf, "\r\n\r\n") != NULL)
            break;
    }
    buf[have] = '\0';
    return fd;
}

static void answer(int fd, const char *body)
{
    char resp[256];
    int n = snprintf(resp, sizeof resp,
                     "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     strlen(body), body);
    ck_assert_int_eq(write(fd, resp, (size_t)n), n);
    close(fd);
}

/* A client connection read a line or a few bytes at a time. */
typedef struct {
    int fd;
    char buf[8192];
    size_t have, off;
} conn;

static bool conn_fill(conn *c)
{
    if (c->off > 0) {
        memmove(c->buf, c->buf + c->off, c->have - c->off);
        c->have -= c->off;
        c->off = 0;
    }
    struct pollfd p = { .fd = c->fd, .events = POLLIN };
    if (c->have == sizeof c->buf || poll(&p, 1, 20000) != 1)
        return false;
    ssize_t k = read(c->fd, c->buf + c->have, sizeof c->buf - c->have);
    if (k <= 0)
        return false;
    c->have += (size_t)k;
    return true;
}

/* The next line without its CRLF, into line (false at the end). */
static bool conn_line(conn *c, char *line, size_t cap)
{
    for (;;) {
        char *e = memmem(c->buf + c->off, c->have - c->off, "\r\n", 2);
        if (e != NULL) {
            size_t n = (size_t)(e - (c->buf + c->off));
            ck_assert_uint_lt(n, cap);
            memcpy(line, c->buf + c->off, n);
            line[n] = '\0';
            c->off += n + 2;
            return true;
        }
        if (!conn_fill(c))
            return false;
    }
}

static void conn_bytes(conn *c, char *to, size_t n)
{
    while (c->have - c->off < n)
        ck_assert_msg(conn_fill(c), "the connection ended early");
    memcpy(to, c->buf + c->off, n);
    c->off += n;
}

static conn *conn_get(int port, const char *path)
{
    conn *c = calloc(1, sizeof *c);
    ck_assert(c != NULL);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(c->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    char req[256];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", path);
    ck_assert_int_eq(write(c->fd, req, (size_t)n), n);
    return c;
}

/* ---- a streamed body with trailers ---- */

typedef struct {
    int lfd;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int released;       /* the gates the test opened: /gate/I answers once I <= released */
    int answered, timeouts;
} gate_server;

static void *gate_main(void *arg)
{
    gate_server *g = arg;
    for (int i = 1; i < 10; i++) {
        char head[2048], want[32];
        int fd = accept_request(g->lfd, 20000, head, sizeof head);
        if (fd < 0)
            break;
        snprintf(want, sizeof want, "GET /gate/%d ", i);
        bool right = strncmp(head, want, strlen(want)) == 0;
        pthread_mutex_lock(&g->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 20;
        while (g->released < i)
            if (pthread_cond_timedwait(&g->cond, &g->lock, &until) != 0) {
                g->timeouts++;
                break;
            }
        if (right)
            g->answered++;
        pthread_mutex_unlock(&g->lock);
        answer(fd, "ok");
    }
    return NULL;
}

START_TEST(serve_stream_trailers)
{
    server s = start();
    gate_server g = { .released = 0 };
    pthread_mutex_init(&g.lock, NULL);
    pthread_cond_init(&g.cond, NULL);
    int gport;
    g.lfd = listen_any(&gport);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, gate_main, &g), 0);
    char path[64], line[512];
    snprintf(path, sizeof path, "/stream/%d/10", gport);
    conn *c = conn_get(s.port, path);
    ck_assert(conn_line(c, line, sizeof line));
    ck_assert_str_eq(line, "HTTP/1.1 200 OK");
    bool chunked = false;
    while (conn_line(c, line, sizeof line) && line[0] != '\0')
        if (strcasecmp(line, "transfer-encoding: chunked") == 0)
            chunked = true;
    ck_assert(chunked);
    /* Each chunk of the framing is one write of the guest: chunk I is
     * written only after the gate let it, which the test does only after
     * reading chunk I-1; a body sent whole at the end would never come. */
    for (int i = 0; i < 10; i++) {
        char want[32], data[64];
        ck_assert(conn_line(c, line, sizeof line));
        size_t n = strtoul(line, NULL, 16);
        snprintf(want, sizeof want, "chunk %d\n", i);
        ck_assert_uint_eq(n, strlen(want));
        conn_bytes(c, data, n + 2);
        data[n] = '\0';
        ck_assert_str_eq(data, want);
        pthread_mutex_lock(&g.lock);
        g.released = i + 1;
        pthread_cond_signal(&g.cond);
        pthread_mutex_unlock(&g.lock);
    }
    ck_assert(conn_line(c, line, sizeof line));
    ck_assert_str_eq(line, "0");
    bool n_ok = false, done_ok = false;
    while (conn_line(c, line, sizeof line) && line[0] != '\0') {
        n_ok |= strcasecmp(line, "x-chunks: 10") == 0;
        done_ok |= strcasecmp(line, "x-trailer: done") == 0;
    }
    ck_assert_msg(n_ok && done_ok, "the trailers did not come");
    close(c->fd);
    free(c);
    pthread_join(t, NULL);
    ck_assert_int_eq(g.answered, 9);
    ck_assert_int_eq(g.timeouts, 0);
    close(g.lfd);
    pthread_mutex_destroy(&g.lock);
    pthread_cond_destroy(&g.cond);
    free(stop(&s));
}
END_TEST

/* ---- 20 handlers parked on outgoing requests at once, on 2 workers ---- */

#define PROXIES 20

typedef struct {
    int lfd, seen;
} slow_server;

/* Answers nobody until all PROXIES requests are connected (or 20 s pass). */
static void *slow_main(void *arg)
{
    slow_server *sl = arg;
    int fds[PROXIES];
    for (sl->seen = 0; sl->seen < PROXIES; sl->seen++) {
        char head[2048];
        if ((fds[sl->seen] = accept_request(sl->lfd, 20000, head, sizeof head)) < 0)
            break;
    }
    usleep(200000);
    for (int i = 0; i < sl->seen; i++)
        answer(fds[i], "slow");
    return NULL;
}

typedef struct {
    int port, slow_port;
    bool ok;
} proxy_client;

static void *proxy_main(void *arg)
{
    proxy_client *pc = arg;
    char path[64];
    snprintf(path, sizeof path, "/proxy/%d", pc->slow_port);
    int status;
    char *body, *resp = get(pc->port, path, &status, &body);
    pc->ok = status == 200 && strcmp(body, "proxied: slow") == 0;
    free(resp);
    return NULL;
}

START_TEST(serve_outgoing_overlap)
{
    server s = start();
    slow_server sl = { 0 };
    int sport;
    sl.lfd = listen_any(&sport);
    pthread_t st, t[PROXIES];
    proxy_client pc[PROXIES];
    ck_assert_int_eq(pthread_create(&st, NULL, slow_main, &sl), 0);
    for (int i = 0; i < PROXIES; i++) {
        pc[i] = (proxy_client){ .port = s.port, .slow_port = sport };
        ck_assert_int_eq(pthread_create(&t[i], NULL, proxy_main, &pc[i]), 0);
    }
    int ok = 0;
    for (int i = 0; i < PROXIES; i++) {
        pthread_join(t[i], NULL);
        ok += pc[i].ok;
    }
    pthread_join(st, NULL);
    close(sl.lfd);
    /* All 20 were connected to the slow server before it answered any:
     * on 2 workers, only handlers that park while they wait get there. */
    ck_assert_int_eq(sl.seen, PROXIES);
    ck_assert_int_eq(ok, PROXIES);
    free(stop(&s));
}
END_TEST

/* ---- --max-execution-ms, and a client that leaves mid-stream ---- */

START_TEST(serve_max_execution)
{
    server s = start_with("300");
    int status;
    char *body, *resp = get(s.port, "/loop", &status, &body);
    ck_assert_int_eq(status, 500);
    free(resp);
    resp = get(s.port, "/after", &status, &body);   /* the server goes on */
    ck_assert_int_eq(status, 200);
    free(resp);
    resp = get(s.port, "/loop", &status, &body);
    ck_assert_int_eq(status, 500);
    free(resp);
    char *err = stop(&s);
    ck_assert_ptr_nonnull(strstr(err, "GET /loop: execution time limit exceeded: 300 ms"));
    free(err);
}
END_TEST

START_TEST(serve_client_leaves)
{
    server s = start();
    conn *c = conn_get(s.port, "/forever");
    char line[512];
    ck_assert(conn_line(c, line, sizeof line));
    ck_assert_str_eq(line, "HTTP/1.1 200 OK");
    char data[4096];
    conn_bytes(c, data, sizeof data);   /* the body streams */
    close(c->fd);
    free(c);
    /* The handler's process ends: its line comes on stderr. */
    bool gone = false;
    for (int i = 0; i < 400 && !gone; i++) {
        struct stat st;
        ck_assert_int_eq(fstat(fileno(s.err), &st), 0);
        long len = (long)st.st_size;
        char *text = calloc(1, (size_t)len + 1);
        ck_assert(text != NULL);
        ck_assert_int_eq(pread(fileno(s.err), text, (size_t)len, 0), len);
        gone = strstr(text, "GET /forever: terminated") != NULL;
        free(text);
        if (!gone)
            usleep(50000);
    }
    ck_assert_msg(gone, "the handler of the client that left did not end");
    int status;
    char *body, *resp = get(s.port, "/after", &status, &body);
    ck_assert_int_eq(status, 200);
    free(resp);
    free(stop(&s));
}
END_TEST

START_TEST(serve_usage)
{
    test_run_result r = test_run_wippy((const char *[]){ "wasm", "serve", GUEST, "--workers", "0", NULL });
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--workers: expected 1..256, got 0"));
    test_run_done(&r);
    r = test_run_wippy((const char *[]){ "wasm", "serve", GUEST, "--addr", "localhost", NULL });
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--addr: expected IPV4:PORT"));
    test_run_done(&r);
    r = test_run_wippy((const char *[]){ "wasm", "serve",
                                         TEST_BUILD_DIR "/tests/wasi_p2/hello.component.wasm", NULL });
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "no \"wasi:http/incoming-handler@0.2.x\" export"));
    test_run_done(&r);
}
END_TEST

Suite *wasi_p2_serve_suite(void)
{
    Suite *s = suite_create("wasi_p2_serve");
    TCase *tc = tcase_create("serve");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, serve_get_and_errors);
    tcase_add_test(tc, serve_post_bodies);
    tcase_add_test(tc, serve_concurrent);
    tcase_add_test(tc, serve_stream_trailers);
    tcase_add_test(tc, serve_outgoing_overlap);
    tcase_add_test(tc, serve_max_execution);
    tcase_add_test(tc, serve_client_leaves);
    tcase_add_test(tc, serve_usage);
    suite_add_tcase(s, tc);
    return s;
}
