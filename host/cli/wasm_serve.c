/* wasm_serve.c — `wippy wasm serve COMPONENT [--addr HOST:PORT] [--workers N]`:
 * serves a component exporting wasi:http/incoming-handler@0.2.x over
 * HTTP/1.1, as `wasmtime serve` and `jco serve` do.
 *
 * The HTTP side is libmicrohttpd (Debian's libmicrohttpd-dev), loaded with
 * dlopen(MHD_SONAME) at start (as wasi:http's client loads libcurl), run
 * with its own listening thread and a pool of N worker threads (epoll).
 * Each request gets a fresh instance of the component in a world of its
 * own (wasi/p2: every WASI 0.2 interface; stdout and stderr are the
 * server's, no stdin, no environment, no filesystem): its body is read
 * whole (at most SERVE_MAX_BODY, else 413), incoming-handler.handle runs
 * on the worker thread to its end, waiting in place whenever the guest
 * blocks (outgoing requests, pollables), then the status, headers and body
 * it set are sent (its body whole, at most 16 MiB). A trap, or no
 * response-outparam.set, gives 500 and a line on stderr.
 *
 * It prints "listening on http://HOST:PORT" on stdout once the socket is
 * bound (--addr 127.0.0.1:0 picks a free port; an IPv6 address in
 * brackets, "[::1]:PORT", listens on IPv6, "[::]:PORT" on IPv6 and IPv4)
 * and runs until SIGINT or SIGTERM. Touches only its own sockets (through libmicrohttpd), the CLI's
 * output streams and the requests' worlds. */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "component/runtime.h"
#include "host/cli/cli.h"
#include "wasi/p2/p2.h"
#include "wasi/wasi.h"

#define MHD_SONAME "libmicrohttpd.so.12"
#define SERVE_MAX_BODY (16u << 20)   /* request body bytes kept */
#define SERVE_MAX_HEADERS 256u       /* request headers passed on */
#define SERVE_MAX_WORKERS 256u

#define SERVE_USAGE "usage: wippy wasm serve COMPONENT [--addr HOST:PORT] [--workers N]\n"

/* libmicrohttpd's functions, looked up once. */
static struct {
    struct MHD_Daemon *(*start_daemon)(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
                                       MHD_AccessHandlerCallback, void *, ...);
    void (*stop_daemon)(struct MHD_Daemon *);
    const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *, enum MHD_DaemonInfoType,
                                                   ...);
    int (*get_connection_values)(struct MHD_Connection *, enum MHD_ValueKind,
                                 MHD_KeyValueIterator, void *);
    struct MHD_Response *(*create_response_from_buffer)(size_t, void *, enum MHD_ResponseMemoryMode);
    enum MHD_Result (*add_response_header)(struct MHD_Response *, const char *, const char *);
    enum MHD_Result (*queue_response)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
    void (*destroy_response)(struct MHD_Response *);
} M;

static const char *load_mhd(void)
{
    static char why[300];
    void *lib = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        snprintf(why, sizeof why, "cannot load %s: %s", MHD_SONAME, dlerror());
        return why;
    }
    struct { const char *name; void **to; } syms[] = {
        { "MHD_start_daemon", (void **)&M.start_daemon },
        { "MHD_stop_daemon", (void **)&M.stop_daemon },
        { "MHD_get_daemon_info", (void **)&M.get_daemon_info },
        { "MHD_get_connection_values", (void **)&M.get_connection_values },
        { "MHD_create_response_from_buffer", (void **)&M.create_response_from_buffer },
        { "MHD_add_response_header", (void **)&M.add_response_header },
        { "MHD_queue_response", (void **)&M.queue_response },
        { "MHD_destroy_response", (void **)&M.destroy_response },
    };
    for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
        void *f = dlsym(lib, syms[i].name);
        if (f == NULL) {
            snprintf(why, sizeof why, "%s has no %s", MHD_SONAME, syms[i].name);
            return why;
        }
        memcpy(syms[i].to, &f, sizeof f);
    }
    return NULL;   /* the library stays loaded for the process's life */
}

/* What the server shares with its worker threads (read only). */
typedef struct {
    cm_file *f;
    char handle[256];   /* "wasi:http/incoming-handler@0.2.x#handle" */
    FILE *err;
} serve_ctx;

/* One request, from its URI to its completion. */
typedef struct {
    char *uri;          /* as the client sent it: path and query */
    uint8_t *body;
    size_t len, cap;
    bool started, too_big;
    const char *names[SERVE_MAX_HEADERS], *values[SERVE_MAX_HEADERS];
    size_t nheaders;
    const char *host;
} serve_req;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    (void)cls;
    (void)con;
    serve_req *r = calloc(1, sizeof *r);
    if (r != NULL && (r->uri = strdup(uri)) == NULL) {
        free(r);
        r = NULL;
    }
    return r;
}

static void on_done(void *cls, struct MHD_Connection *con, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)con;
    (void)toe;
    serve_req *r = *con_cls;
    if (r != NULL) {
        free(r->uri);
        free(r->body);
        free(r);
    }
    *con_cls = NULL;
}

static enum MHD_Result on_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    serve_req *r = cls;
    if (strcasecmp(key, "host") == 0)
        r->host = value;
    if (r->nheaders < SERVE_MAX_HEADERS) {
        r->names[r->nheaders] = key;
        r->values[r->nheaders++] = value != NULL ? value : "";
    }
    return MHD_YES;
}

static enum MHD_Result reply(struct MHD_Connection *con, unsigned status, const char *text)
{
    struct MHD_Response *resp =
        M.create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    if (resp == NULL)
        return MHD_NO;
    enum MHD_Result res = M.queue_response(con, status, resp);
    M.destroy_response(resp);
    return res;
}

/* Sends what the guest set through o. */
static enum MHD_Result send_response(struct MHD_Connection *con, const wasi_p2_outparam *o,
                                     unsigned status)
{
    size_t len;
    bool finished;
    const uint8_t *body = wasi_p2_outparam_body(o, &len, &finished);
    struct MHD_Response *resp =
        M.create_response_from_buffer(len, (void *)(body != NULL ? body : (const uint8_t *)""),
                                      MHD_RESPMEM_MUST_COPY);
    if (resp == NULL)
        return MHD_NO;
    for (size_t i = 0; i < wasi_p2_outparam_nheaders(o); i++) {
        const char *name;
        const uint8_t *value;
        size_t vlen;
        wasi_p2_outparam_header(o, i, &name, &value, &vlen);
        if (strcmp(name, "content-length") == 0 || memchr(value, 0, vlen) != NULL)
            continue;   /* libmicrohttpd sets the length of what is sent */
        char *v = strndup((const char *)value, vlen);
        if (v != NULL)
            M.add_response_header(resp, name, v);
        free(v);
    }
    enum MHD_Result res = M.queue_response(con, status, resp);
    M.destroy_response(resp);
    return res;
}

/* Runs incoming-handler.handle for r in a fresh instance and answers. */
static enum MHD_Result handle(const serve_ctx *s, struct MHD_Connection *con, const char *method,
                              serve_req *r)
{
    char msg[1024];
    vm_error e;
    enum MHD_Result res;
    M.get_connection_values(con, MHD_HEADER_KIND, on_header, r);
    wasi_p2 *p2 = wasi_p2_new(WASI_CAP_ALL);
    wasi_p2_cli cli = { .stdio = { -1, 1, 2 } };
    cm_instance *ci = NULL;
    cm_call *c = NULL;
    wasi_p2_outparam *o = NULL;
    host_value args[2], result = host_nil();
    if (p2 == NULL || !wasi_p2_set_cli(p2, &cli)) {
        snprintf(msg, sizeof msg, "out of memory");
        goto fail;
    }
    if ((ci = cm_instantiate(s->f, wasi_p2_host(p2), NULL, &e)) == NULL) {
        snprintf(msg, sizeof msg, "%s", e.message);
        goto fail;
    }
    wasi_p2_bind(p2, ci);
    cm_func *fn = cm_export_find(ci, s->handle, msg, sizeof msg);
    if (fn == NULL)
        goto fail;
    wasi_p2_http_in in = { .method = method, .authority = r->host, .path_with_query = r->uri,
                           .names = r->names, .values = r->values, .nheaders = r->nheaders,
                           .body = r->body, .body_len = r->len };
    if (!wasi_p2_http_incoming(p2, &in, args, &o, msg, sizeof msg))
        goto fail;
    if ((c = cm_call_new(ci)) == NULL) {
        snprintf(msg, sizeof msg, "out of memory");
        goto fail;
    }
    if (!cm_call_start(c, fn, args, 2, msg, sizeof msg))
        goto fail;
    wippy_cm_run(c, VM_FUEL_UNLIMITED);
    if (!cm_call_finish(c, &result, msg, sizeof msg))
        goto fail;
    host_value_free(&result);
    unsigned status = wasi_p2_outparam_status(o, msg, sizeof msg);
    if (status == 0)
        goto fail;
    res = send_response(con, o, status);
    goto done;
fail:
    fprintf(s->err, "wippy: wasm serve: %s %s: %s\n", method, r->uri, msg);
    res = reply(con, 500, "internal server error\n");
done:
    if (o != NULL)
        wasi_p2_outparam_free(o);
    cm_call_free(c);
    cm_instance_free(ci);
    wasi_p2_free(p2);
    return res;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    (void)url;
    (void)version;
    serve_req *r = *con_cls;
    if (r == NULL)
        return MHD_NO;   /* out of memory at its start */
    if (!r->started) {
        r->started = true;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->too_big || n > SERVE_MAX_BODY - r->len) {
            r->too_big = true;
            return MHD_YES;
        }
        if (r->len + n > r->cap) {
            size_t cap = r->cap ? r->cap : 4096;
            while (cap < r->len + n)
                cap *= 2;
            uint8_t *b = realloc(r->body, cap);
            if (b == NULL)
                return MHD_NO;
            r->body = b;
            r->cap = cap;
        }
        memcpy(r->body + r->len, upload, n);
        r->len += n;
        return MHD_YES;
    }
    if (r->too_big)
        return reply(con, 413, "request body too large\n");
    return handle(cls, con, method, r);
}

/* "HOST:PORT" into sa: HOST an IPv4 address or a bracketed IPv6 address
 * ("[::1]:8080", "[::]:0"); *v6 says which. */
static bool parse_addr(const char *text, struct sockaddr_storage *sa, bool *v6)
{
    const char *colon = strrchr(text, ':');
    char host[64];
    *v6 = text[0] == '[';
    const char *h = text + *v6, *hend = colon;
    if (colon == NULL)
        return false;
    if (*v6) {   /* "[" HOST "]" ":" PORT */
        if (colon == text || colon[-1] != ']')
            return false;
        hend = colon - 1;
    }
    if (hend < h || (size_t)(hend - h) >= sizeof host)
        return false;
    memcpy(host, h, (size_t)(hend - h));
    host[hend - h] = '\0';
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || port > 65535)
        return false;
    memset(sa, 0, sizeof *sa);
    if (*v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)sa;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host, &a->sin6_addr) == 1;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)sa;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &a->sin_addr) == 1;
}

/* Finds the incoming-handler export (instantiating once to see the names). */
static bool find_handler(serve_ctx *s, const char *path)
{
    vm_error e;
    wasi_p2 *p2 = wasi_p2_new(WASI_CAP_ALL);
    cm_instance *ci = p2 != NULL ? cm_instantiate(s->f, wasi_p2_host(p2), NULL, &e) : NULL;
    if (ci == NULL) {
        fprintf(s->err, "%s: %s\n", path, p2 != NULL ? e.message : "out of memory");
        wasi_p2_free(p2);
        return false;
    }
    const char *name = NULL;
    for (uint32_t i = 0; i < cm_export_count(ci) && name == NULL; i++)
        if (!strncmp(cm_export_name(ci, i), "wasi:http/incoming-handler@0.2.", 31))
            name = cm_export_name(ci, i);
    if (name != NULL)
        snprintf(s->handle, sizeof s->handle, "%s#handle", name);
    else
        fprintf(s->err, "%s: no \"wasi:http/incoming-handler@0.2.x\" export\n", path);
    cm_instance_free(ci);
    wasi_p2_free(p2);
    return name != NULL;
}

int wippy_wasm_serve(int argc, char **argv, FILE *out, FILE *err)
{
    const char *path = NULL, *addr = "127.0.0.1:8080";
    unsigned long workers = 4;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--addr") && i + 1 < argc) {
            addr = argv[++i];
        } else if (!strcmp(argv[i], "--workers") && i + 1 < argc) {
            char *end;
            workers = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || workers == 0 || workers > SERVE_MAX_WORKERS) {
                fprintf(err, "wippy: wasm serve: --workers: expected 1..%u, got %s\n\n" SERVE_USAGE,
                        SERVE_MAX_WORKERS, argv[i]);
                return 2;
            }
        } else if (argv[i][0] != '-' && path == NULL) {
            path = argv[i];
        } else {
            fprintf(err, "wippy: wasm serve: unexpected argument %s\n\n" SERVE_USAGE, argv[i]);
            return 2;
        }
    }
    struct sockaddr_storage sa;
    bool v6;
    if (path == NULL) {
        fprintf(err, "wippy: wasm serve: no COMPONENT\n\n" SERVE_USAGE);
        return 2;
    }
    if (!parse_addr(addr, &sa, &v6)) {
        fprintf(err, "wippy: wasm serve: --addr: expected IPV4:PORT or [IPV6]:PORT "
                "(127.0.0.1:8080, [::1]:8080, [::]:0), got %s\n\n" SERVE_USAGE, addr);
        return 2;
    }
    serve_ctx s = { .err = err };
    int st = wippy_component_load(path, &s.f, err);
    if (st == -2) {
        fprintf(err, "%s: not a component (wasm serve needs a wasi:http proxy component)\n", path);
        return 1;
    }
    if (st != 0)
        return 1;
    const char *why = load_mhd();
    if (why != NULL || !find_handler(&s, path)) {
        if (why != NULL)
            fprintf(err, "wippy: wasm serve: %s\n", why);
        cm_file_free(s.f);
        return 1;
    }
    /* The signals are waited for here: every thread started after this blocks them. */
    sigset_t sigs, old;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, &old);
    /* An IPv6 address listens on IPv6; "[::]" on both (dual stack). */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    if (v6)
        flags |= IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&sa)->sin6_addr)
                     ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
    struct MHD_Daemon *d = M.start_daemon(
        flags, 0, NULL, NULL,
        on_request, &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)workers,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(err, "wippy: wasm serve: cannot listen on %s\n", addr);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        cm_file_free(s.f);
        return 1;
    }
    const union MHD_DaemonInfo *info = M.get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET6_ADDRSTRLEN];
    const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&sa;
    const struct sockaddr_in *a4 = (const struct sockaddr_in *)&sa;
    inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? (const void *)&a6->sin6_addr : (const void *)&a4->sin_addr,
              host, sizeof host);
    unsigned port = ntohs(v6 ? a6->sin6_port : a4->sin_port);
    fprintf(out, v6 ? "listening on http://[%s]:%u\n" : "listening on http://%s:%u\n", host,
            info != NULL ? (unsigned)info->port : port);
    fflush(out);
    int sig;
    sigwait(&sigs, &sig);
    M.stop_daemon(d);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    cm_file_free(s.f);
    return 0;
}
