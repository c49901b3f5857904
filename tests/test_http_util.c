/* test_http_util.c — the loopback HTTP pieces the wasi:http suites share
 * (test_http_util.h): a server with a thread per connection and the
 * suite's handler, a request over a plain socket, a closed port, a
 * header's value, and `wippy wasm serve` as a child process. Test code
 * only; it touches no runtime internals. */
#include "tests/test_http_util.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the server ---- */

typedef struct {
    test_http_server *srv;
    int fd;
} conn;

static void *conn_main(void *arg)
{
    conn *c = arg;
    c->srv->handler(c->fd, c->srv->user);
    shutdown(c->fd, SHUT_WR);
    close(c->fd);
    free(c);
    return NULL;
}

static void *accept_main(void *arg)
{
    test_http_server *s = arg;
    for (;;) {
        int fd = accept(s->fd, NULL, NULL);
        if (s->stop) {
            if (fd >= 0)
                close(fd);
            return NULL;
        }
        if (fd < 0)
            continue;
        conn *c = malloc(sizeof *c);
        pthread_mutex_lock(&s->lock);
        if (c != NULL && s->nconns < TEST_HTTP_MAX_CONN) {
            c->srv = s;
            c->fd = fd;
            if (pthread_create(&s->conns[s->nconns], NULL, conn_main, c) == 0) {
                s->nconns++;
                c = NULL;
                fd = -1;
            }
        }
        pthread_mutex_unlock(&s->lock);
        if (fd >= 0)
            close(fd);
        free(c);
    }
}

void test_http_server_start(test_http_server *s, test_http_handler handler, void *user)
{
    setenv("no_proxy", "127.0.0.1,localhost", 1);   /* loopback even when a proxy is set */
    memset(s, 0, sizeof *s);
    s->handler = handler;
    s->user = user;
    pthread_mutex_init(&s->lock, NULL);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(s->fd, 0);
    int one = 1;
    setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(s->fd, 512), 0);
    socklen_t len = sizeof a;
    ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
    s->port = ntohs(a.sin_port);
    ck_assert_int_eq(pthread_create(&s->acceptor, NULL, accept_main, s), 0);
}

void test_http_server_stop(test_http_server *s)
{
    s->stop = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);   /* wakes accept() */
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(s->port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    connect(fd, (struct sockaddr *)&a, sizeof a);
    pthread_join(s->acceptor, NULL);
    close(fd);
    for (int i = 0; i < s->nconns; i++)
        pthread_join(s->conns[i], NULL);
    close(s->fd);
    pthread_mutex_destroy(&s->lock);
}

/* ---- bytes, headers, ports ---- */

bool test_http_send_all(int fd, const void *p, size_t n)
{
    for (size_t off = 0; off < n;) {
        ssize_t k = send(fd, (const char *)p + off, n - off, MSG_NOSIGNAL);
        if (k <= 0)
            return false;
        off += (size_t)k;
    }
    return true;
}

void test_http_header_of(const char *head, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    size_t nl = strlen(name);
    for (const char *l = strstr(head, "\r\n"); l != NULL; l = strstr(l + 2, "\r\n")) {
        if (strncasecmp(l + 2, name, nl) == 0 && l[2 + nl] == ':') {
            const char *v = l + 3 + nl;
            while (*v == ' ')
                v++;
            size_t n = strcspn(v, "\r");
            n = n < cap - 1 ? n : cap - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return;
        }
    }
}

uint16_t test_http_closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

char *test_http_ask(const char *host, int port, const char *req, size_t len, size_t *n)
{
    struct sockaddr_storage ss = { 0 };
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    socklen_t sl;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        sl = sizeof *a4;
    } else {
        ck_assert_int_eq(inet_pton(AF_INET6, host, &a6->sin6_addr), 1);
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        sl = sizeof *a6;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_msg(connect(fd, (struct sockaddr *)&ss, sl) == 0, "connect to %s: %s", host,
                  strerror(errno));
    ck_assert(test_http_send_all(fd, req, len));
    size_t cap = 1 << 16, have = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (have == cap)
            buf = realloc(buf, (cap *= 2) + 1);
        ck_assert(buf != NULL);
        ssize_t k = recv(fd, buf + have, cap - have, 0);
        if (k < 0 && errno == EINTR)
            continue;
        ck_assert_int_ge(k, 0);
        if (k == 0)
            break;
        have += (size_t)k;
    }
    close(fd);
    buf[have] = '\0';
    if (n != NULL)
        *n = have;
    return buf;
}

/* ---- the guest ---- */

host_pid test_http_spawn_fetch(hp_project *p, const char *scenario, uint16_t port)
{
    host_value args[] = { host_string(scenario, strlen(scenario)), host_int(port) };
    host_pid pid = hp_spawn(p, "t:http", args, 2);
    host_value_free(&args[0]);
    return pid;
}

void test_http_expect_exit(hp_project *p, host_pid pid, const char *want)
{
    host_event ev = hp_next(p, 20000);
    ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
    ck_assert_uint_eq(ev.from, pid);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_eq(ev.value.kind, HOST_VALUE_STRING);
    ck_assert_str_eq(ev.value.s, want);
    host_event_free(&ev);
}

void test_http_expect_fetch(const char *http, const char *scenario, uint16_t port,
                            const char *want)
{
    char extra[512];
    if (http != NULL)
        snprintf(extra, sizeof extra, "%s    wasi:\n      http:\n%s", TEST_HTTP_PROFILES, http);
    else
        snprintf(extra, sizeof extra, "%s", TEST_HTTP_PROFILES);
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("http", TEST_HTTP_GUEST, "fetch", extra), NULL);
    test_http_expect_exit(&p, test_http_spawn_fetch(&p, scenario, port), want);
    hp_close(&p);
}

/* ---- `wippy wasm serve` ---- */

const char *test_http_wippy_path(void)
{
    return getenv("WIPPY") != NULL ? getenv("WIPPY") : TEST_BUILD_DIR "/wippy";
}

test_http_served test_http_serve_start(const char *const *argv, const char *prefix)
{
    const char *args[32] = { test_http_wippy_path(), "wasm", "serve" };
    size_t na = 3;
    for (; argv[na - 3] != NULL; na++)
        ck_assert_msg(na < sizeof args / sizeof args[0] - 1, "too many arguments");
    for (size_t i = 3; i < na; i++)
        args[i] = argv[i - 3];
    args[na] = NULL;
    test_http_served s = { .err = tmpfile() };
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
        execv(args[0], (char *const *)args);
        _exit(127);
    }
    close(fds[1]);
    char line[128];
    size_t n = 0;
    while (n < sizeof line - 1) {   /* the line, within 30 s */
        struct pollfd p = { .fd = fds[0], .events = POLLIN };
        ck_assert_msg(poll(&p, 1, 30000) == 1, "wasm serve printed no address in 30 s");
        ssize_t k = read(fds[0], line + n, 1);
        ck_assert_msg(k == 1, "wasm serve ended before listening");
        if (line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    close(fds[0]);   /* the guests do not print */
    size_t pl = strlen(prefix);
    ck_assert_msg(strncmp(line, prefix, pl) == 0 && sscanf(line + pl, "%d", &s.port) == 1,
                  "line: %s", line);
    return s;
}

char *test_http_serve_stop(test_http_served *s)
{
    int st;
    ck_assert_int_eq(kill(s->pid, SIGTERM), 0);
    ck_assert_int_eq(waitpid(s->pid, &st, 0), s->pid);
    long len = ftell(s->err);
    ck_assert_int_ge(len, 0);
    char *text = calloc(1, (size_t)len + 1);
    ck_assert(text != NULL);
    rewind(s->err);
    ck_assert_uint_eq(fread(text, 1, (size_t)len, s->err), (size_t)len);
    fclose(s->err);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "wasm serve ended with %d: %s", st, text);
    return text;
}
