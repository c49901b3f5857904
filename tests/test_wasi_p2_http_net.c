/* test_wasi_p2_http_net.c — wasi:http's outgoing requests where more than
 * a plain HTTP/1.1 server is needed, all on loopback (no outside
 * network): TLS, the connect timeout, name resolution and HTTP/2. The C
 * guest tests/wasi_p2/http_client.c prints the error-code case it gets
 * (with DNS-error's and TLS-alert-received's payloads), which each test
 * compares exactly.
 *
 *   - TLS: a server of this file on OpenSSL's libssl with an EC key and a
 *     self-signed certificate (subjectAltName IP:127.0.0.1 only) made by
 *     `openssl req -x509` in a temporary directory at test time; raw
 *     servers that answer the ClientHello with an HTTP/1.1 reply (garbage
 *     to TLS), with a fatal handshake_failure alert, or by closing; a TLS
 *     1.3 server that requires a client certificate (its alert comes
 *     after the handshake).
 *   - connect timeout: a listener made with listen(fd, 0) whose one
 *     queue slot a connection the test never accepts fills, so the
 *     guest's SYN is dropped and connect-timeout (300 ms) ends it.
 *   - names: nonexistent.invalid, and localhost (resolved by curl).
 *   - HTTP/2: Debian's nghttpd (nghttp2-server) on the same key and
 *     certificate: an https request negotiates h2 by ALPN (nghttpd speaks
 *     nothing else; its frame log shows the request's HEADERS) and the
 *     guest gets the same answer as from the HTTP/1.1 server; the same
 *     server without TLS gets HTTP/1.1 (no prior knowledge, no upgrade). */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/host.h"
#include "tests/test_host_project.h"
#include "tests/test_http_util.h"
#include "tests/test_util.h"

extern char **environ;

#define BODY "hello over tls"

/* ---- the key, the certificate and nghttpd's document root ---- */

static char dir[64];   /* the temporary directory, made once for the test case */

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static void make_cert(void)
{
    snprintf(dir, sizeof dir, "/tmp/wippy-http-net-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
             "-subj /CN=wippy-test -addext subjectAltName=IP:127.0.0.1 "
             "-keyout %s/key.pem -out %s/cert.pem >/dev/null 2>&1", dir, dir);
    ck_assert_msg(system(cmd) == 0, "openssl req failed (Debian's openssl, tools/setup.sh)");
    char p[128];
    path_of(p, sizeof p, "www");
    ck_assert_int_eq(mkdir(p, 0700), 0);
    path_of(p, sizeof p, "www/hello");
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(BODY, f);
    fclose(f);
}

static void remove_cert(void)
{
    static const char *const names[] = { "www/hello", "www", "key.pem", "cert.pem", "nghttpd.log" };
    char p[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        path_of(p, sizeof p, names[i]);
        if (unlink(p) != 0)
            rmdir(p);
    }
    rmdir(dir);
}

/* ---- servers ---- */

typedef enum { PLAIN, TLS, CLIENT_CERT, GARBAGE, ALERT, CLOSE } mode;

typedef struct {
    test_http_server http;
    mode how;
    SSL_CTX *ctx;
} server;

static int listener(int backlog, uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(fd, backlog), 0);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

static int connect_to(uint16_t port, bool nonblocking)
{
    int fd = socket(AF_INET, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    ck_assert(rc == 0 || (nonblocking && errno == EINPROGRESS));
    return fd;
}

/* An HTTP/1.1 answer to whatever the request was. */
static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 14\r\nConnection: close\r\n\r\n" BODY;

/* Reads (plain or through ssl) until the end of a request head; false at EOF or error. */
static bool read_head(int fd, SSL *ssl)
{
    char buf[4096];
    size_t n = 0;
    while (n < sizeof buf && (n < 4 || memcmp(buf + n - 4, "\r\n\r\n", 4) != 0)) {
        int k = ssl != NULL ? SSL_read(ssl, buf + n, 1) : (int)recv(fd, buf + n, 1, 0);
        if (k <= 0)
            return false;
        n += (size_t)k;
    }
    return true;
}

static void serve_one(int fd, void *user)
{
    server *s = user;
    static const unsigned char alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
    static const char http[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    char hello[16384];   /* a whole ClientHello: what is left unread would make close() reset */
    switch (s->how) {
    case PLAIN:
        if (read_head(fd, NULL))
            send(fd, answer, sizeof answer - 1, MSG_NOSIGNAL);
        break;
    case TLS:
    case CLIENT_CERT: {
        SSL *ssl = SSL_new(s->ctx);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) == 1 && read_head(fd, ssl)) {
            SSL_write(ssl, answer, (int)sizeof answer - 1);
            SSL_shutdown(ssl);
        }
        SSL_free(ssl);
        ERR_clear_error();
        break;
    }
    case GARBAGE:   /* an HTTP server on the https port */
        if (recv(fd, hello, sizeof hello, 0) > 0)
            send(fd, http, sizeof http - 1, MSG_NOSIGNAL);
        break;
    case ALERT:     /* a fatal handshake_failure (40) alert record */
        if (recv(fd, hello, sizeof hello, 0) > 0)
            send(fd, alert, sizeof alert, MSG_NOSIGNAL);
        break;
    case CLOSE:     /* gone in the middle of the handshake */
        recv(fd, hello, sizeof hello, 0);
        break;
    }
    shutdown(fd, SHUT_WR);
    /* until the client closes too (at most 2 s), so nothing unread turns
     * the close into a reset that could overtake what was sent */
    struct pollfd p = { .fd = fd, .events = POLLIN };
    while (poll(&p, 1, 2000) > 0 && recv(fd, hello, sizeof hello, 0) > 0)
        ;
}

static void server_start(server *s, mode how)
{
    signal(SIGPIPE, SIG_IGN);   /* libssl writes to a client that may have gone */
    memset(s, 0, sizeof *s);
    s->how = how;
    if (how == TLS || how == CLIENT_CERT) {
        char cert[128], key[128];
        path_of(cert, sizeof cert, "cert.pem");
        path_of(key, sizeof key, "key.pem");
        s->ctx = SSL_CTX_new(TLS_server_method());
        ck_assert_ptr_nonnull(s->ctx);
        ck_assert_int_eq(SSL_CTX_use_certificate_file(s->ctx, cert, SSL_FILETYPE_PEM), 1);
        ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(s->ctx, key, SSL_FILETYPE_PEM), 1);
    }
    if (how == CLIENT_CERT) {   /* TLS 1.3: the refusal comes after the client's Finished */
        SSL_CTX_set_min_proto_version(s->ctx, TLS1_3_VERSION);
        SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    }
    test_http_server_start(&s->http, serve_one, s);
}

static void server_stop(server *s)
{
    test_http_server_stop(&s->http);
    SSL_CTX_free(s->ctx);
}

/* ---- nghttpd ---- */

typedef struct {
    pid_t pid;
    uint16_t port;
} h2server;

/* A port that was free a moment ago. */
static uint16_t free_port(void)
{
    uint16_t port;
    close(listener(1, &port));
    return port;
}

/* nghttpd on 127.0.0.1 serving dir/www, with TLS (ALPN h2) or without
 * (h2c, prior knowledge only); its frame log (-v) in dir/nghttpd.log. */
static h2server nghttpd_start(bool tls)
{
    h2server h = { .port = free_port() };
    char port[8], docroot[128], key[128], cert[128], log[128];
    snprintf(port, sizeof port, "%u", h.port);
    path_of(docroot, sizeof docroot, "www");
    path_of(key, sizeof key, "key.pem");
    path_of(cert, sizeof cert, "cert.pem");
    path_of(log, sizeof log, "nghttpd.log");
    char root_opt[160];
    snprintf(root_opt, sizeof root_opt, "--htdocs=%s", docroot);
    char *argv[] = { "nghttpd", "-v", "--address=127.0.0.1", root_opt, tls ? port : "--no-tls",
                     tls ? key : port, tls ? cert : NULL, NULL };
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawnp(&h.pid, "nghttpd", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    ck_assert_msg(rc == 0, "cannot start nghttpd (Debian's nghttp2-server, tools/setup.sh): %s",
                  strerror(rc));
    for (int i = 0; i < 500; i++) {   /* listening within 5 s */
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(h.port),
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        bool up = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        if (up)
            return h;
        ck_assert_msg(waitpid(h.pid, NULL, WNOHANG) == 0, "nghttpd exited at start");
        usleep(10000);
    }
    ck_abort_msg("nghttpd is not listening on port %u", h.port);
    return h;
}

static void nghttpd_stop(h2server *h)
{
    kill(h->pid, SIGTERM);
    waitpid(h->pid, NULL, 0);
}

/* What nghttpd logged (its first 64 KiB; a static buffer). */
static char *nghttpd_log(void)
{
    char p[128];
    path_of(p, sizeof p, "nghttpd.log");
    FILE *f = fopen(p, "r");
    ck_assert_ptr_nonnull(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* ---- the guest ---- */

static void expect(const char *http, const char *scenario, uint16_t port, const char *want)
{
    test_http_expect_fetch(http, scenario, port, want);
}

/* "        ca_file: DIR/cert.pem\n" */
static const char *trusting(void)
{
    static char line[160];
    snprintf(line, sizeof line, "        ca_file: %s/cert.pem\n", dir);
    return line;
}

/* ---- tests ---- */

/* The certificate is self-signed: not trusted by the system's CA store
 * (TLS-certificate-error); trusted through the entry's wasi.http.ca_file
 * (the answer); trusted but for another name (localhost: the certificate
 * names only 127.0.0.1) a certificate error again. SSL_CERT_FILE in the
 * environment does not make it trusted: libcurl sets its own CA bundle. */
START_TEST(http_tls)
{
    server s;
    server_start(&s, TLS);
    expect(NULL, "https", s.http.port, "error TLS-certificate-error");
    expect(trusting(), "https", s.http.port, "200 " BODY);
    expect(trusting(), "https-localhost", s.http.port, "error TLS-certificate-error");
    char cert[128];
    path_of(cert, sizeof cert, "cert.pem");
    setenv("SSL_CERT_FILE", cert, 1);
    expect(NULL, "https", s.http.port, "error TLS-certificate-error");
    unsetenv("SSL_CERT_FILE");
    server_stop(&s);
}
END_TEST

/* Handshakes that go wrong on the server's side, and an alert after one. */
START_TEST(http_tls_handshake_errors)
{
    server s;
    server_start(&s, GARBAGE);
    expect(NULL, "https", s.http.port, "error TLS-protocol-error");
    server_stop(&s);
    server_start(&s, CLOSE);
    expect(NULL, "https", s.http.port, "error TLS-protocol-error");
    server_stop(&s);
    server_start(&s, ALERT);
    expect(NULL, "https", s.http.port,
           "error TLS-alert-received id=40 message=sslv3 alert handshake failure");
    server_stop(&s);
    server_start(&s, CLIENT_CERT);   /* the alert read after the handshake (curl's RECV_ERROR) */
    expect(trusting(), "https", s.http.port,
           "error TLS-alert-received id=116 message=tlsv13 alert certificate required");
    server_stop(&s);
}
END_TEST

/* A listener whose accept queue is full drops the guest's SYN: the
 * request's connect-timeout (300 ms) ends it. The time is printed, not
 * asserted. */
START_TEST(http_connect_timeout)
{
    uint16_t port;
    int fd = listener(0, &port);
    int filler = connect_to(port, false);   /* completes and fills the one slot */
    int extra = connect_to(port, true);     /* its SYN is dropped too */
    int64_t t0 = hp_now_ms();
    expect(NULL, "connect-timeout", port, "error connection-timeout");
    fprintf(stderr, "wasi:http: connect-timeout 300 ms against a full accept queue ended the "
                    "request after %lld ms (process start included)\n",
            (long long)(hp_now_ms() - t0));
    close(extra);
    close(filler);
    close(fd);
}
END_TEST

/* A name that does not resolve: DNS-error with wasmtime's payload. The
 * resolver's retries are cut short in case the machine has no DNS
 * server (glibc reads RES_OPTIONS at each lookup thread's first call);
 * the time is printed, not asserted. localhost resolves (curl answers it
 * itself: 127.0.0.1 and ::1). */
START_TEST(http_names)
{
    setenv("RES_OPTIONS", "timeout:1 attempts:1", 1);
    int64_t t0 = hp_now_ms();
    expect(NULL, "dns", 80, "error DNS-error rcode=address not available info-code=0");
    fprintf(stderr, "wasi:http: nonexistent.invalid failed to resolve in %lld ms (process start included)\n",
            (long long)(hp_now_ms() - t0));
    unsetenv("RES_OPTIONS");
    server s;
    server_start(&s, PLAIN);
    expect(NULL, "localhost", s.http.port, "200 " BODY);
    server_stop(&s);
}
END_TEST

/* HTTP/2: https to nghttpd negotiates h2 by ALPN (nghttpd answers nothing
 * else, and its log shows the request's HEADERS frame) and the guest gets
 * what the HTTP/1.1 TLS server gave; http:// to nghttpd --no-tls is
 * HTTP/1.1 (wasi:http cannot ask for prior knowledge), which nghttpd
 * refuses. */
START_TEST(http_http2)
{
    h2server h = nghttpd_start(true);
    expect(trusting(), "https", h.port, "200 " BODY);
    const char *log = nghttpd_log();
    ck_assert_msg(strstr(log, "recv HEADERS frame") != NULL && strstr(log, ":path: /hello") != NULL,
                  "nghttpd's log has no HTTP/2 request for /hello:\n%s", log);
    nghttpd_stop(&h);
    h = nghttpd_start(false);
    expect(NULL, "h2c", h.port, "error HTTP-protocol-error");
    nghttpd_stop(&h);
}
END_TEST

Suite *wasi_p2_http_net_suite(void)
{
    Suite *s = suite_create("wasi_p2_http_net");
    TCase *tc = tcase_create("net");
    tcase_set_timeout(tc, 60);
    /* in the runner's process, once: the directory goes even when a test fails */
    tcase_add_unchecked_fixture(tc, make_cert, remove_cert);
    tcase_add_test(tc, http_tls);
    tcase_add_test(tc, http_tls_handshake_errors);
    tcase_add_test(tc, http_connect_timeout);
    tcase_add_test(tc, http_names);
    tcase_add_test(tc, http_http2);
    suite_add_tcase(s, tc);
    return s;
}
