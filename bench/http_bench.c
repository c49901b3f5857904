/* http_bench.c — parked wasi:http requests (printed, never asserted):
 * N component processes (the C guest tests/wasi_p2/http_client.c, its
 * "delay" scenario: one GET, the process parked on the future's pollable)
 * on a process.host with 2 workers, against a loopback server of this file
 * that answers each request 100 ms after it arrived (a thread per
 * connection, so the answers do not queue): the wall time from the first
 * spawn to the last EXIT. One after the other they would take N * 100 ms;
 * parked in the event loop, about one round trip.
 *
 * Usage: http-bench BUILD_DIR [N...]   (default 200; as `make bench-http`) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "host/host.h"
#include "sha256/sha256.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "http-bench: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* ---- the server: every request answered "ok" after 100 ms ---- */

static void *answer(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[4096];
    size_t n = 0;
    while (n < sizeof buf - 1) {   /* the request head */
        ssize_t k = recv(fd, buf + n, sizeof buf - 1 - n, 0);
        if (k <= 0)
            break;
        n += (size_t)k;
        buf[n] = '\0';
        if (strstr(buf, "\r\n\r\n") != NULL)
            break;
    }
    usleep(100000);
    const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    if (send(fd, r, strlen(r), MSG_NOSIGNAL) < 0) {
        /* the client went: nothing to do */
    }
    close(fd);
    return NULL;
}

static void *accept_loop(void *arg)
{
    int lfd = (int)(intptr_t)arg;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            continue;
        pthread_t t;
        if (pthread_create(&t, NULL, answer, (void *)(intptr_t)fd) != 0)
            close(fd);
        else
            pthread_detach(t);
    }
    return NULL;
}

static uint16_t server_start(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1024) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        die("cannot listen on loopback", NULL);
    pthread_t t;
    if (pthread_create(&t, NULL, accept_loop, (void *)(intptr_t)fd) != 0)
        die("pthread_create", NULL);
    pthread_detach(t);
    return ntohs(a.sin_port);
}

/* ---- the project ---- */

static char *write_project(const char *build)
{
    static char dir[] = "/tmp/wippy-http-bench-XXXXXX";
    if (mkdtemp(dir) == NULL)
        die("mkdtemp", NULL);
    char path[1024], hex[SHA256_HEX_SIZE];
    uint8_t digest[SHA256_DIGEST_SIZE];
    snprintf(path, sizeof path, "%s/tests/wasi_p2/http_client.component.wasm", build);
    if (sha256_file(path, digest) != 0)
        die("cannot read", path);
    sha256_hex(digest, hex);
    snprintf(path, sizeof path, "%s/_index.yaml", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        die("cannot write", path);
    fprintf(f,
            "version: \"1.0\"\nnamespace: b\nentries:\n"
            "  - {name: bin, kind: fs.directory, directory: %s/tests/wasi_p2}\n"
            "  - {name: procs, kind: process.host, host: {workers: 2}}\n"
            "  - {name: http, kind: process.wasm, fs: b:bin, path: /http_client.component.wasm,\n"
            "     hash: 'sha256:%s', method: fetch, imports: [wasi:http, wasi:io, wasi:poll]}\n",
            build, hex);
    fclose(f);
    return dir;
}

/* n processes, each one GET answered after 100 ms: the wall time. */
static void bench_parked(host_runtime *rt, uint16_t port, int n)
{
    host_pid mb = host_mailbox_open(rt);
    char err[256];
    host_value args[] = { host_string("delay", 5), host_int(port) };
    double t0 = now_s();
    for (int i = 0; i < n; i++)
        if (host_spawn(rt, mb, "b:http", "b:procs", args, 2, HOST_SPAWN_MONITOR, err, sizeof err) == 0)
            die("spawn", err);
    host_value_free(&args[0]);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        host_event ev;
        if (!host_receive(rt, mb, &ev, 60000000000))
            die("an EXIT did not come", NULL);
        if (ev.error != NULL || ev.value.kind != HOST_VALUE_STRING || strcmp(ev.value.s, "200 ok") != 0) {
            if (bad++ == 0)
                fprintf(stderr, "http-bench: %s\n", ev.error ? ev.error : "not \"200 ok\"");
        }
        host_event_free(&ev);
    }
    double dt = now_s() - t0;
    printf("%d component processes, one GET each answered after 100 ms, 2 workers: wall time "
           "%.3f s (one after the other: %.1f s)%s\n",
           n, dt, n * 0.1, bad ? " (SOME FAILED)" : "");
    host_mailbox_close(rt, mb);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: http-bench BUILD_DIR [N...]\n");
        return 2;
    }
    setenv("no_proxy", "127.0.0.1", 1);
    uint16_t port = server_start();
    char *dir = write_project(argv[1]);
    cfg_options opts = { .project_dir = dir };
    cfg_registry *reg = cfg_load(&opts);
    if (reg == NULL || cfg_error_count(reg) > 0)
        die("configuration", reg && cfg_error_count(reg) ? cfg_error_at(reg, 0)->text : NULL);
    char err[1024];
    host_runtime *rt = host_runtime_new(reg, NULL, err, sizeof err);
    if (rt == NULL || !host_runtime_start(rt, err, sizeof err))
        die("runtime", err);
    bench_parked(rt, port, 20);   /* warm-up: libcurl loaded, the component cached */
    if (argc == 2)
        bench_parked(rt, port, 200);
    for (int i = 2; i < argc; i++)
        bench_parked(rt, port, atoi(argv[i]));
    host_runtime_free(rt);
    cfg_free(reg);
    char path[256];
    snprintf(path, sizeof path, "%s/_index.yaml", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}
