/* test_js_http.c — JavaScript components on wasi:http, built at build time
 * by componentize-js (tools/build_js.mjs, into build/js):
 *
 * - tests/js/fetch.js, a command whose fetch() is wasi:http's
 *   outgoing-handler, run by the real binary against a small HTTP/1.1
 *   server of this file on a free loopback port (a thread per
 *   connection; Connection: close):
 *     /echo   200, x-reply: r-<x-test>, "METHOD /echo x-test=<x-test> got N: BODY"
 *     /large  200, LARGE bytes (byte i = i % 251) in 64 KiB writes
 *   through `wippy wasm run` (POST with a body and a header, GET, the URL
 *   from --env, a refused port: fetch rejects and the guest prints the
 *   error, the large body read through its stream reader in chunks, its
 *   bytes summed) and as a process: `wippy run` of a command entry of a
 *   project this file writes (the URL from wasi.env, as the docs'
 *   http_worker), the answer and a refused port.
 * - tests/js/serve.js, addEventListener('fetch') in the proxy world, under
 *   `wippy wasm serve` on a free loopback port: GET with a query answered
 *   from the request, POST echoed, a 404; the same component on [::1]
 *   (skipped, with a line saying so, when the machine has no IPv6
 *   loopback) and on [::] reached over IPv4 and IPv6; a malformed --addr. */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sha256/sha256.h"
#include "tests/suites.h"
#include "tests/test_http_util.h"
#include "tests/test_util.h"

#define JS_FETCH TEST_SOURCE_DIR "/build/js/fetch.wasm"
#define JS_SERVE TEST_SOURCE_DIR "/build/js/serve.wasm"
#define LARGE 3000000

/* ---- the loopback server fetch.js talks to ---- */

/* Reads the request body after head (whose bytes past the blank line are
 * in *rest, n of them): Content-Length or chunked. Malloc'd, *len bytes. */
static char *read_body(int fd, const char *head, const char *rest, size_t n, size_t *len)
{
    char te[64], cl[32];
    test_http_header_of(head, "transfer-encoding", te, sizeof te);
    test_http_header_of(head, "content-length", cl, sizeof cl);
    size_t cap = 1 << 16, have = n;
    char *raw = malloc(cap);
    ck_assert(raw != NULL && n <= cap);
    memcpy(raw, rest, n);
    bool chunked = strcasecmp(te, "chunked") == 0;
    size_t want = chunked ? 0 : strtoul(cl, NULL, 10);
    for (;;) {
        if (!chunked && have >= want)
            break;
        if (chunked && have >= 5 && memcmp(raw + have - 5, "0\r\n\r\n", 5) == 0)
            break;
        if (have == cap)
            ck_assert((raw = realloc(raw, cap *= 2)) != NULL);
        ssize_t k = recv(fd, raw + have, cap - have, 0);
        if (k <= 0)
            break;
        have += (size_t)k;
    }
    if (!chunked) {
        *len = have < want ? have : want;
        return raw;
    }
    char *body = malloc(have + 1);   /* the chunks' data joined */
    ck_assert(body != NULL);
    size_t at = 0, out = 0;
    while (at < have) {
        char *end;
        unsigned long k = strtoul(raw + at, &end, 16);
        const char *data = strstr(end, "\r\n");
        if (k == 0 || data == NULL || (size_t)(data + 2 - raw) + k > have)
            break;
        memcpy(body + out, data + 2, k);
        out += k;
        at = (size_t)(data + 2 - raw) + k + 2;
    }
    free(raw);
    *len = out;
    return body;
}

static void serve_conn(int fd, void *user)
{
    (void)user;
    char head[16384];
    size_t hl = 0;
    char *end = NULL;
    while (hl < sizeof head - 1 && end == NULL) {
        ssize_t k = recv(fd, head + hl, sizeof head - 1 - hl, 0);
        if (k <= 0)
            return;
        hl += (size_t)k;
        head[hl] = '\0';
        end = strstr(head, "\r\n\r\n");
    }
    if (end == NULL)
        return;
    char method[16] = "", path[256] = "";
    sscanf(head, "%15s %255s", method, path);
    if (strcmp(path, "/large") == 0) {
        char h[128];
        int n = snprintf(h, sizeof h, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", LARGE);
        uint8_t pattern[65536 + 251];
        for (size_t i = 0; i < sizeof pattern; i++)
            pattern[i] = (uint8_t)(i % 251);
        bool ok = test_http_send_all(fd, h, (size_t)n);
        for (size_t at = 0; ok && at < LARGE; at += 65536) {
            size_t k = LARGE - at < 65536 ? LARGE - at : 65536;
            ok = test_http_send_all(fd, pattern + at % 251, k);
        }
    } else if (strcmp(path, "/echo") == 0) {
        size_t len;
        *end = '\0';
        char *body = read_body(fd, head, end + 4, hl - (size_t)(end + 4 - head), &len);
        char v[128], text[512], resp[1024];
        test_http_header_of(head, "x-test", v, sizeof v);
        int tl = snprintf(text, sizeof text, "%s /echo x-test=%s got %zu: %.*s", method, v, len,
                          (int)(len < 200 ? len : 200), body);
        int rl = snprintf(resp, sizeof resp,
                          "HTTP/1.1 200 OK\r\nx-reply: r-%s\r\nContent-Length: %d\r\n"
                          "Connection: close\r\n\r\n%s", v, tl, text);
        test_http_send_all(fd, resp, (size_t)rl);
        free(body);
    } else {
        const char *nf = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        test_http_send_all(fd, nf, strlen(nf));
    }
}

typedef test_http_server server;

static void server_start(server *s)
{
    test_http_server_start(s, serve_conn, NULL);
}

/* ---- fetch.js through `wippy wasm run` ---- */

static void expect_run(const char *const *argv, const char *want)
{
    test_run_result r = test_run_wippy(argv);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, want);
    test_run_done(&r);
}

START_TEST(js_fetch_wasm_run)
{
    server s;
    server_start(&s);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/echo", s.port);
    expect_run((const char *[]){ "wasm", "run", JS_FETCH, url, NULL },
               "status: 200\nx-reply: r-js-42\nbody: POST /echo x-test=js-42 got 19: hello from js fetch\n");
    expect_run((const char *[]){ "wasm", "run", JS_FETCH, url, "get", NULL },
               "status: 200\nx-reply: r-js-get\nbody: GET /echo x-test=js-get got 0: \n");
    char env[160];
    snprintf(env, sizeof env, "FETCH_URL=%s", url);
    expect_run((const char *[]){ "wasm", "run", "--env", env, JS_FETCH, NULL },
               "status: 200\nx-reply: r-js-42\nbody: POST /echo x-test=js-42 got 19: hello from js fetch\n");
    test_http_server_stop(&s);
}
END_TEST

/* A refused port: fetch() rejects, after and without a request body. */
START_TEST(js_fetch_refused)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/echo", test_http_closed_port());
    expect_run((const char *[]){ "wasm", "run", JS_FETCH, url, NULL },
               "fetch failed: TypeError: NetworkError when attempting to fetch resource\n");
    expect_run((const char *[]){ "wasm", "run", JS_FETCH, url, "get", NULL },
               "fetch failed: TypeError: NetworkError when attempting to fetch resource\n");
}
END_TEST

/* LARGE bytes through the body's stream reader, in more than one chunk. */
START_TEST(js_fetch_chunks)
{
    server s;
    server_start(&s);
    char url[128], want[256];
    unsigned long long sum = 0;
    for (size_t i = 0; i < LARGE; i++)
        sum += i % 251;
    snprintf(url, sizeof url, "http://127.0.0.1:%u/large", s.port);
    snprintf(want, sizeof want, "status: 200\nx-reply: null\nsize: %d\nsum: %llu\nchunked: true\n",
             LARGE, sum);
    expect_run((const char *[]){ "wasm", "run", JS_FETCH, url, "chunks", NULL }, want);
    test_http_server_stop(&s);
}
END_TEST

/* ---- fetch.js as a process: `wippy run` of a command entry ---- */

/* Writes a project (in dir, mkdtemp'd) whose command `jsfetch` runs
 * fetch.js's wasi:cli/run as a process, FETCH_URL from the environment
 * (required, as the docs' http_worker's API_URL). */
static void write_project(char *dir)
{
    uint8_t digest[SHA256_DIGEST_SIZE];
    char hex[SHA256_HEX_SIZE], path[256];
    ck_assert_msg(sha256_file(JS_FETCH, digest) == 0, "cannot read %s", JS_FETCH);
    sha256_hex(digest, hex);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/_index.yaml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "version: \"1.0\"\n"
            "namespace: jt\n"
            "entries:\n"
            "  - name: bin\n"
            "    kind: fs.directory\n"
            "    directory: %s/build/js\n"
            "  - name: processes\n"
            "    kind: process.host\n"
            "    host:\n"
            "      workers: 2\n"
            "    lifecycle:\n"
            "      auto_start: true\n"
            "  - name: terminal\n"
            "    kind: terminal.host\n"
            "    lifecycle:\n"
            "      auto_start: true\n"
            "  - name: os_env\n"
            "    kind: env.storage.os\n"
            "  - name: fetch_url\n"
            "    kind: env.variable\n"
            "    variable: FETCH_URL\n"
            "    storage: jt:os_env\n"
            "  - name: js_fetch\n"
            "    kind: process.wasm\n"
            "    meta:\n"
            "      command:\n"
            "        name: jsfetch\n"
            "    fs: jt:bin\n"
            "    path: /fetch.wasm\n"
            "    hash: sha256:%s\n"
            "    method: wasi:cli/run@0.2.3#run\n"
            "    imports: [wasi:io, wasi:poll, wasi:cli, wasi:clocks, wasi:random, wasi:filesystem, wasi:http]\n"
            "    wasi:\n"
            "      env:\n"
            "        - id: jt:fetch_url\n"
            "          name: FETCH_URL\n"
            "          required: true\n",
            TEST_SOURCE_DIR, hex);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(js_fetch_process)
{
    server s;
    server_start(&s);
    char dir[] = "/tmp/wippy-jsfetch-XXXXXX", url[128];
    write_project(dir);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/echo", s.port);
    ck_assert_int_eq(setenv("FETCH_URL", url, 1), 0);
    expect_run((const char *[]){ "--dir", dir, "run", "jsfetch", NULL },
               "status: 200\nx-reply: r-js-42\nbody: POST /echo x-test=js-42 got 19: hello from js fetch\n"
               "{\"ok\":true}\n");
    snprintf(url, sizeof url, "http://127.0.0.1:%u/echo", test_http_closed_port());
    ck_assert_int_eq(setenv("FETCH_URL", url, 1), 0);
    expect_run((const char *[]){ "--dir", dir, "run", "jsfetch", NULL },
               "fetch failed: TypeError: NetworkError when attempting to fetch resource\n"
               "{\"ok\":true}\n");
    ck_assert_int_eq(unsetenv("FETCH_URL"), 0);
    test_run_result r = test_run_wippy((const char *[]){ "--dir", dir, "run", "jsfetch", NULL });
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "required wasi env variable not found: jt:fetch_url\n");
    test_run_done(&r);
    test_remove_tree(dir);
    test_http_server_stop(&s);
}
END_TEST

/* ---- serve.js under `wippy wasm serve` ---- */

/* Starts `wippy wasm serve serve.wasm --addr ADDR --workers 2`; expects
 * "listening on http://PREFIX<port>". */
static test_http_served serve_start(const char *addr, const char *prefix)
{
    return test_http_serve_start((const char *[]){ JS_SERVE, "--addr", addr, "--workers", "2", NULL },
                                 prefix);
}

/* Stops it: status 0 and nothing on stderr. */
static void serve_stop(test_http_served *s)
{
    char *err = test_http_serve_stop(s);
    ck_assert_str_eq(err, "");
    free(err);
}

/* GET path from host:port: the answer's status, and its body must be want. */
static void expect_get(const char *host, int port, const char *path, int status, const char *want)
{
    char req[512];
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: test\r\nUser-Agent: js-test\r\n"
             "Connection: close\r\n\r\n", path);
    char *resp = test_http_ask(host, port, req, strlen(req), NULL);
    int st = 0;
    const char *body = test_http_body(resp, &st, NULL);
    ck_assert_int_eq(st, status);
    ck_assert_str_eq(body, want);
    if (status == 200)
        ck_assert_ptr_nonnull(strstr(resp, "\r\nx-js: yes\r\n"));
    free(resp);
}

START_TEST(js_serve)
{
    test_http_served s = serve_start("127.0.0.1:0", "listening on http://127.0.0.1:");
    expect_get("127.0.0.1", s.port, "/hello?q=abc&r=1", 200, "GET /hello q=abc ua=js-test\n");
    expect_get("127.0.0.1", s.port, "/nope", 404, "not found: /nope\n");
    /* POST echo: 70,000 bytes with a Content-Length */
    size_t n = 70000;
    char *req = malloc(n + 256);
    ck_assert_ptr_nonnull(req);
    size_t len = (size_t)sprintf(req, "POST /echo HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
                                 "Content-Length: %zu\r\n\r\n", n);
    for (size_t i = 0; i < n; i++)
        req[len++] = (char)('a' + i % 26);
    char *resp = test_http_ask("127.0.0.1", s.port, req, len, NULL);
    ck_assert_ptr_nonnull(strstr(resp, "\r\nx-len: 70000\r\n"));
    int st = 0;
    size_t got = 0;
    const char *body = test_http_body(resp, &st, &got);
    ck_assert_int_eq(st, 200);
    ck_assert_uint_eq(got, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(body[i] == (char)('a' + i % 26), "byte %zu", i);
    free(resp);
    free(req);
    serve_stop(&s);
}
END_TEST

/* Can this machine bind the IPv6 loopback? */
static bool have_ipv6_loopback(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    bool ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

START_TEST(js_serve_ipv6)
{
    test_run_result r = test_run_wippy((const char *[]){ "wasm", "serve", JS_SERVE, "--addr", "::1:80", NULL });
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "wippy: wasm serve: --addr: expected IPV4:PORT or [IPV6]:PORT "
                                        "(127.0.0.1:8080, [::1]:8080, [::]:0), got ::1:80\n"));
    test_run_done(&r);
    const char *bad[] = { "[::1:80", "[::1]80", "[zz]:1", "[::1]:65536", "127.0.0.1:",
                          "127.0.0.1: 80", "[127.0.0.1]:80" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = test_run_wippy((const char *[]){ "wasm", "serve", JS_SERVE, "--addr", bad[i], NULL });
        ck_assert_msg(r.status == 2 && strstr(r.err, "--addr: expected") != NULL, "%s: %d %s", bad[i],
                      r.status, r.err);
        test_run_done(&r);
    }
    if (!have_ipv6_loopback()) {
        fprintf(stderr, "js_serve_ipv6: skipped: no IPv6 loopback (cannot bind [::1])\n");
        return;
    }
    test_http_served s = serve_start("[::1]:0", "listening on http://[::1]:");
    expect_get("::1", s.port, "/hello?q=six", 200, "GET /hello q=six ua=js-test\n");
    serve_stop(&s);
    s = serve_start("[::]:0", "listening on http://[::]:");
    expect_get("::1", s.port, "/hello?q=dual6", 200, "GET /hello q=dual6 ua=js-test\n");
    expect_get("127.0.0.1", s.port, "/hello?q=dual4", 200, "GET /hello q=dual4 ua=js-test\n");
    serve_stop(&s);
}
END_TEST

Suite *js_http_suite(void)
{
    Suite *s = suite_create("js_http");
    TCase *tc = tcase_create("js_http");
    tcase_set_timeout(tc, 600);   /* each: the sanitizer build on a busy machine */
    tcase_add_test(tc, js_fetch_wasm_run);
    tcase_add_test(tc, js_fetch_refused);
    tcase_add_test(tc, js_fetch_chunks);
    tcase_add_test(tc, js_fetch_process);
    tcase_add_test(tc, js_serve);
    tcase_add_test(tc, js_serve_ipv6);
    suite_add_tcase(s, tc);
    return s;
}
