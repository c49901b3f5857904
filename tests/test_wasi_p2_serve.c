/* test_wasi_p2_serve.c — `wippy wasm serve` (host/cli/wasm_serve.c,
 * wasi/p2/http_server.c): the real binary serves the C guest
 * tests/wasi_p2/http_echo.c on a free loopback port (--addr
 * 127.0.0.1:0; the port read from its "listening on" line), and the test
 * talks HTTP/1.1 to it over plain sockets: GET with a query and headers,
 * POST with a Content-Length body and with a chunked body (each byte
 * checked), a 404 the guest chose, 500 for a trap, a handler that sets
 * nothing and one that sets an error-code (each named on stderr), 64
 * requests from 8 threads at once on 2 workers, and the usage errors.
 * SIGTERM ends the server with status 0 (under SANITIZE=1 that includes
 * LeakSanitizer's check at exit). */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/suites.h"
#include "tests/test_util.h"

#define GUEST TEST_BUILD_DIR "/tests/wasi_p2/http_echo.component.wasm"

typedef struct {
    pid_t pid;
    int port;
    FILE *err;
} server;

static const char *wippy_path(void)
{
    return getenv("WIPPY") != NULL ? getenv("WIPPY") : TEST_BUILD_DIR "/wippy";
}

/* Starts `wippy wasm serve GUEST --addr 127.0.0.1:0 --workers 2` and reads its port. */
static server start(void)
{
    server s = { .err = tmpfile() };
    int fds[2];
    ck_assert(s.err != NULL);
    ck_assert_int_eq(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    s.pid = fork();
    ck_assert_int_ge(s.pid, 0);
    if (s.pid == 0) {
        dup2(fds[1], 1);
        dup2(fileno(s.err), 2);
        close(fds[0]);
        close(fds[1]);
        execl(wippy_path(), wippy_path(), "wasm", "serve", GUEST, "--addr", "127.0.0.1:0",
              "--workers", "2", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[128];
    size_t n = 0;
    while (n < sizeof line - 1) {   /* the line, within 20 s */
        struct pollfd p = { .fd = fds[0], .events = POLLIN };
        ck_assert_msg(poll(&p, 1, 20000) == 1, "wasm serve printed no address in 20 s");
        ssize_t k = read(fds[0], line + n, 1);
        ck_assert_msg(k == 1, "wasm serve ended before listening");
        if (line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    close(fds[0]);   /* the guests do not print */
    ck_assert_msg(sscanf(line, "listening on http://127.0.0.1:%d", &s.port) == 1, "line: %s", line);
    return s;
}

/* Sends SIGTERM, expects status 0; returns what it wrote to stderr. */
static char *stop(server *s)
{
    int st;
    ck_assert_int_eq(kill(s->pid, SIGTERM), 0);
    ck_assert_int_eq(waitpid(s->pid, &st, 0), s->pid);
    long len = ftell(s->err);
    char *text = calloc(1, (size_t)len + 1);
    ck_assert(text != NULL);
    rewind(s->err);
    ck_assert_uint_eq(fread(text, 1, (size_t)len, s->err), (size_t)len);
    fclose(s->err);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "wasm serve ended with %d: %s", st, text);
    return text;
}

/* Sends req (len bytes) to the server and reads the whole answer
 * (Connection: close); *n its length. */
static char *fetch(int port, const char *req, size_t len, size_t *n)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    for (size_t off = 0; off < len;) {
        ssize_t k = write(fd, req + off, len - off);
        ck_assert_int_gt(k, 0);
        off += (size_t)k;
    }
    size_t cap = 1 << 16, have = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (have == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
        ck_assert(buf != NULL);
        ssize_t k = read(fd, buf + have, cap - have);
        if (k < 0 && errno == EINTR)
            continue;
        ck_assert_int_ge(k, 0);
        if (k == 0)
            break;
        have += (size_t)k;
    }
    close(fd);
    buf[have] = '\0';
    *n = have;
    return buf;
}

/* The body of a response (after the blank line), and its status. */
static const char *body_of(const char *resp, int *status)
{
    ck_assert_msg(sscanf(resp, "HTTP/1.1 %d", status) == 1, "not a response: %.80s", resp);
    const char *b = strstr(resp, "\r\n\r\n");
    ck_assert(b != NULL);
    return b + 4;
}

static char *get(int port, const char *path, int *status, char **body)
{
    char req[512];
    snprintf(req, sizeof req,
             "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: serve-test\r\n"
             "Connection: close\r\n\r\n", path, port);
    size_t n;
    char *resp = fetch(port, req, strlen(req), &n);
    *body = (char *)body_of(resp, status);
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
    ck_assert_ptr_nonnull(strstr(err, "GET /crash: unreachable"));
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
    const char *body = body_of(resp, &status);
    ck_assert_int_eq(status, 200);
    const char *head = "POST /up host=h ua=-\n";
    ck_assert_int_eq(strncmp(body, head, strlen(head)), 0);
    const char *data = body + strlen(head);
    ck_assert_uint_eq(got - (size_t)(data - resp), n);
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
        const char *b = strstr(resp, "\r\n\r\n");
        if (strncmp(resp, "HTTP/1.1 200", 12) == 0 && b != NULL && strcmp(b + 4, expect) == 0)
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
    tcase_add_test(tc, serve_usage);
    suite_add_tcase(s, tc);
    return s;
}
