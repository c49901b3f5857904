/* test_http_util.h — what the wasi:http suites (test_js_http.c,
 * test_wasi_p2_http.c, test_wasi_p2_http_net.c, test_wasi_p2_serve.c)
 * share: a threaded loopback server that hands each connection to the
 * suite's handler, a request sent over a plain socket, a free port, the
 * header of a request head, the C guest tests/wasi_p2/http_client.c run
 * as a process, and `wippy wasm serve` started and stopped.
 * Failures are Check assertions. */
#ifndef TEST_HTTP_UTIL_H
#define TEST_HTTP_UTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "tests/test_host_project.h"

#define TEST_HTTP_MAX_CONN 256

/* Serves one accepted connection fd (on its own thread); the server
 * shuts down and closes fd after it returns. */
typedef void (*test_http_handler)(int fd, void *user);

typedef struct {
    int fd;          /* the listening socket */
    uint16_t port;   /* its port on 127.0.0.1 */
    test_http_handler handler;
    void *user;
    pthread_t acceptor;
    pthread_mutex_t lock;
    pthread_t conns[TEST_HTTP_MAX_CONN];
    int nconns;
    volatile int stop;
} test_http_server;

/* Listens on a free port of 127.0.0.1 (no_proxy set so that requests to
 * 127.0.0.1 and localhost go there directly) and serves every connection
 * on a thread of its own with handler(fd, user); connections past
 * TEST_HTTP_MAX_CONN are closed unserved. */
void test_http_server_start(test_http_server *s, test_http_handler handler, void *user);
/* Stops accepting, waits for every connection's handler, closes the socket. */
void test_http_server_stop(test_http_server *s);

/* Sends all n bytes of p on fd (no SIGPIPE); false if the peer went. */
bool test_http_send_all(int fd, const void *p, size_t n);

/* The value of header name (any case) in head (its lines after the
 * first), at most cap - 1 bytes of it, "" if none. */
void test_http_header_of(const char *head, const char *name, char *out, size_t cap);

/* A port of 127.0.0.1 nobody listens on (bound, then closed). */
uint16_t test_http_closed_port(void);

/* Sends req (len bytes) to host (an IPv4 or IPv6 address) at port and
 * reads the whole answer (the server closes): malloc'd, NUL-terminated,
 * *n (when not NULL) its length. */
char *test_http_ask(const char *host, int port, const char *req, size_t len, size_t *n);

/* ---- the guest tests/wasi_p2/http_client.c as component processes ---- */

#define TEST_HTTP_GUEST "wasi_p2/http_client.component.wasm"
#define TEST_HTTP_PROFILES "    imports: [wasi:http, wasi:io, wasi:poll]\n"

/* Spawns fetch(scenario, port) of p's entry t:http. */
host_pid test_http_spawn_fetch(hp_project *p, const char *scenario, uint16_t port);
/* Expects the next event of p within 20 s to be pid's exit with the
 * string want (no error). */
void test_http_expect_exit(hp_project *p, host_pid pid, const char *want);
/* One project on 2 workers whose entry http runs the guest's fetch with
 * TEST_HTTP_PROFILES and, when http is not NULL, the lines http under
 * wasi.http; fetch(scenario, port) must return want. */
void test_http_expect_fetch(const char *http, const char *scenario, uint16_t port,
                            const char *want);

/* The wippy binary: $WIPPY as make check sets it, else $(BUILD)/wippy. */
const char *test_http_wippy_path(void);

/* A running `wippy wasm serve`: its pid, its port, its stderr. */
typedef struct {
    pid_t pid;
    int port;
    FILE *err;
} test_http_served;

/* Runs `wippy wasm serve ARGV...` (argv NULL-terminated, after "serve")
 * with stderr to a temporary file and expects its first stdout line,
 * within 30 s, to be prefix followed by the port. */
test_http_served test_http_serve_start(const char *const *argv, const char *prefix);
/* Sends SIGTERM and expects exit status 0; returns what it wrote to
 * stderr (malloc'd). */
char *test_http_serve_stop(test_http_served *s);

#endif
