/* wasm_serve.c — `wippy wasm serve COMPONENT [--addr HOST:PORT] [--workers N]
 * [--max-execution-ms N]`: serves a component exporting
 * wasi:http/incoming-handler@0.2.x over HTTP/1.1, as `wasmtime serve` and
 * `jco serve` do.
 *
 * Each request is a process of the process host (host/host.h): the server
 * makes a runtime of one process.host (`--workers N` threads) and one
 * process.wasm entry (the component, method incoming-handler#handle,
 * limits.max_execution_ms from --max-execution-ms), written as a small
 * registry in a temporary directory and loaded like any project. A request
 * spawns a process (host_spawn_world): a fresh instance in a world of its
 * own (every WASI 0.2 interface but the filesystem; stdout and stderr are
 * the server's), which parks in the runtime's event loop whenever the
 * guest blocks (outgoing requests, sleeps, a full response body).
 *
 * The HTTP side is libmicrohttpd (Debian's libmicrohttpd-dev), loaded with
 * dlopen(MHD_SONAME) at start, on its own thread (epoll). The request body
 * is read whole first (at most SERVE_MAX_BODY, else 413). The connection is
 * then suspended until response-outparam.set: the headers go out, and the
 * body streams from the request's pipe (wasi_p2_http_pipe: a bounded
 * buffer) through a content-reader callback, chunked; while the pipe is
 * empty the connection is suspended again and the guest's next write
 * resumes it; outgoing-body.finish's trailers go out as chunked trailers.
 * A trap, an error-code, no response-outparam.set or the execution limit
 * before the headers give 500 (and a line on stderr); after the headers,
 * an abandoned body closes the connection. A connection that ends before
 * the whole body went out (the client left; HEAD) ends the request's
 * process (host_terminate); one that finished its body lets it run on.
 *
 * It prints "listening on http://HOST:PORT" on stdout once the socket is
 * bound (--addr 127.0.0.1:0 picks a free port; an IPv6 address in
 * brackets, "[::1]:PORT", listens on IPv6, "[::]:PORT" on IPv6 and IPv4)
 * and runs until SIGINT or SIGTERM. Touches only its own sockets (through
 * libmicrohttpd), its temporary directory, the CLI's output streams and the
 * requests' worlds. */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "component/runtime.h"
#include "config/config.h"
#include "host/cli/cli.h"
#include "host/host.h"
#include "sha256/sha256.h"
#include "wasi/p2/p2.h"
#include "wasi/wasi.h"

#define MHD_SONAME "libmicrohttpd.so.12"
#define SERVE_MAX_BODY (16u << 20)   /* request body bytes kept */
#define SERVE_MAX_HEADERS 256u       /* request headers passed on */
#define SERVE_MAX_WORKERS 256u
#define SERVE_PIPE_BYTES 65536u      /* response body bytes buffered before check-write says 0 */
#define SERVE_BLOCK 32768u           /* bytes libmicrohttpd asks the content reader for */

#define SERVE_USAGE                                                                     \
    "usage: wippy wasm serve COMPONENT [--addr HOST:PORT] [--workers N]\n"              \
    "                        [--max-execution-ms N]\n"

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
    struct MHD_Response *(*create_response_from_callback)(uint64_t, size_t,
                                                          MHD_ContentReaderCallback, void *,
                                                          MHD_ContentReaderFreeCallback);
    enum MHD_Result (*add_response_header)(struct MHD_Response *, const char *, const char *);
    enum MHD_Result (*add_response_footer)(struct MHD_Response *, const char *, const char *);
    enum MHD_Result (*queue_response)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
    void (*destroy_response)(struct MHD_Response *);
    void (*suspend_connection)(struct MHD_Connection *);
    void (*resume_connection)(struct MHD_Connection *);
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
        { "MHD_create_response_from_callback", (void **)&M.create_response_from_callback },
        { "MHD_add_response_header", (void **)&M.add_response_header },
        { "MHD_add_response_footer", (void **)&M.add_response_footer },
        { "MHD_queue_response", (void **)&M.queue_response },
        { "MHD_destroy_response", (void **)&M.destroy_response },
        { "MHD_suspend_connection", (void **)&M.suspend_connection },
        { "MHD_resume_connection", (void **)&M.resume_connection },
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

/* What the server shares with libmicrohttpd's thread and the workers. */
typedef struct {
    host_runtime *rt;
    char handle[256];   /* "wasi:http/incoming-handler@0.2.x#handle" */
    FILE *err;
    pthread_mutex_t log_lock;
} serve_ctx;

/* One request, from its URI to the end of both its connection and its
 * process (two references while both live). lock guards the fields below
 * it; the pipe has its own. */
typedef struct {
    serve_ctx *s;
    atomic_uint refs;
    char *uri, *method, *host;
    uint8_t *body;
    size_t len, cap;
    bool started, too_big, spawned;
    char *names[SERVE_MAX_HEADERS], *values[SERVE_MAX_HEADERS];
    size_t nheaders;
    wasi_p2_http_pipe *pipe;
    pthread_mutex_t lock;
    struct MHD_Connection *con;     /* NULL once the connection is over */
    struct MHD_Response *resp;      /* the streamed response, once queued */
    host_pid pid;
    bool suspended;                 /* the connection waits for the process */
    bool ended;                     /* the process is over */
    bool logged;                    /* its failure is on stderr already */
    bool sent;                      /* the whole body went out (the reader saw its end) */
} serve_req;

static void log_line(serve_req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(serve_req *r, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&r->s->log_lock);
    fprintf(r->s->err, "wippy: wasm serve: %s %s: %s\n", r->method ? r->method : "-", r->uri, msg);
    fflush(r->s->err);
    pthread_mutex_unlock(&r->s->log_lock);
}

static void req_unref(serve_req *r)
{
    if (atomic_fetch_sub(&r->refs, 1) != 1)
        return;
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->names[i]);
        free(r->values[i]);
    }
    wasi_p2_pipe_unref(r->pipe);
    pthread_mutex_destroy(&r->lock);
    free(r->uri);
    free(r->method);
    free(r->host);
    free(r->body);
    free(r);
}

/* Lets libmicrohttpd go on with the connection if it waits (r->lock held). */
static void wake_locked(serve_req *r)
{
    if (r->suspended && r->con != NULL) {
        r->suspended = false;
        M.resume_connection(r->con);
    }
}

/* Parks the connection until wake_locked (r->lock held; on its thread). */
static void sleep_locked(serve_req *r)
{
    r->suspended = true;
    M.suspend_connection(r->con);
}

/* The pipe's notify (a worker): the guest set, wrote, finished or abandoned. */
static void on_pipe(void *ud)
{
    serve_req *r = ud;
    pthread_mutex_lock(&r->lock);
    wake_locked(r);
    pthread_mutex_unlock(&r->lock);
}

/* host_spawn_world's prepare (a worker, the world just made). */
static bool prepare(void *ud, struct wasi_p2 *world, host_value *args, size_t nargs, char *err,
                    size_t errlen)
{
    serve_req *r = ud;
    wasi_p2_cli cli = { .stdio = { -1, 1, 2 } };
    if (nargs != 2 || !wasi_p2_set_cli(world, &cli)) {
        snprintf(err, errlen, nargs != 2 ? "handle takes 2 parameters" : "out of memory");
        return false;
    }
    wasi_p2_http_in in = { .method = r->method, .authority = r->host, .path_with_query = r->uri,
                           .names = (const char *const *)r->names,
                           .values = (const char *const *)r->values, .nheaders = r->nheaders,
                           .body = r->body, .body_len = r->len };
    return wasi_p2_http_incoming(world, &in, r->pipe, args, err, errlen);
}

/* host_spawn_world's ended (a worker, the world freed). */
static void ended(void *ud, const char *error)
{
    serve_req *r = ud;
    if (error != NULL)
        log_line(r, "%s", error);
    pthread_mutex_lock(&r->lock);
    r->ended = true;
    r->logged = error != NULL;
    wake_locked(r);
    pthread_mutex_unlock(&r->lock);
    req_unref(r);   /* the process's reference */
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    serve_req *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    if ((r->uri = strdup(uri)) == NULL || pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r->uri);
        free(r);
        return NULL;
    }
    r->s = cls;
    r->con = con;
    atomic_init(&r->refs, 1);   /* the connection's */
    return r;
}

static void on_done(void *cls, struct MHD_Connection *con, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    serve_ctx *s = cls;
    (void)con;
    serve_req *r = *con_cls;
    *con_cls = NULL;
    if (r == NULL)
        return;
    pthread_mutex_lock(&r->lock);
    r->con = NULL;
    r->suspended = false;
    bool running = r->spawned && !r->ended && !r->sent;
    host_pid pid = r->pid;
    pthread_mutex_unlock(&r->lock);
    (void)toe;
    if (running)   /* the client left, or took no body (HEAD): the handler ends ("terminated") */
        host_terminate(s->rt, pid);
    req_unref(r);
}

static enum MHD_Result on_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    serve_req *r = cls;
    if (value == NULL)
        value = "";
    if (strcasecmp(key, "host") == 0 && r->host == NULL)
        r->host = strdup(value);
    if (r->nheaders < SERVE_MAX_HEADERS) {
        r->names[r->nheaders] = strdup(key);
        r->values[r->nheaders] = strdup(value);
        if (r->names[r->nheaders] == NULL || r->values[r->nheaders] == NULL) {
            free(r->names[r->nheaders]);
            free(r->values[r->nheaders]);
            return MHD_NO;
        }
        r->nheaders++;
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

/* A header or trailer value as libmicrohttpd takes it (a C string), or NULL. */
static char *field_text(const uint8_t *value, size_t len)
{
    return memchr(value, 0, len) == NULL ? strndup((const char *)value, len) : NULL;
}

/* libmicrohttpd's content reader: the body as the guest writes it. */
static ssize_t read_body(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    serve_req *r = cls;
    pthread_mutex_lock(&r->lock);
    int64_t n = wasi_p2_pipe_read(r->pipe, (uint8_t *)buf, max);
    ssize_t res;
    if (n > 0)
        res = (ssize_t)n;
    else if (n == WASI_P2_PIPE_END) {
        for (size_t i = 0; i < wasi_p2_pipe_ntrailers(r->pipe); i++) {
            const char *name;
            const uint8_t *value;
            size_t len;
            wasi_p2_pipe_field(r->pipe, true, i, &name, &value, &len);
            char *v = field_text(value, len);
            if (v != NULL)
                M.add_response_footer(r->resp, name, v);
            free(v);
        }
        r->sent = true;
        res = MHD_CONTENT_READER_END_OF_STREAM;
    } else if (n == WASI_P2_PIPE_ABORTED || r->ended) {
        res = MHD_CONTENT_READER_END_WITH_ERROR;   /* the client sees the body cut */
    } else {
        sleep_locked(r);   /* nothing yet: the next write wakes the connection */
        res = 0;
    }
    pthread_mutex_unlock(&r->lock);
    return res;
}

/* The headers the guest set, then its body as it comes (r->lock held). */
static enum MHD_Result send_response(serve_req *r, struct MHD_Connection *con, unsigned status)
{
    struct MHD_Response *resp =
        M.create_response_from_callback(MHD_SIZE_UNKNOWN, SERVE_BLOCK, read_body, r, NULL);
    if (resp == NULL)
        return MHD_NO;
    for (size_t i = 0; i < wasi_p2_pipe_nheaders(r->pipe); i++) {
        const char *name;
        const uint8_t *value;
        size_t vlen;
        wasi_p2_pipe_field(r->pipe, false, i, &name, &value, &vlen);
        if (strcmp(name, "content-length") == 0)
            continue;   /* the body is chunked: libmicrohttpd frames it */
        char *v = field_text(value, vlen);
        if (v != NULL)
            M.add_response_header(resp, name, v);
        free(v);
    }
    r->resp = resp;
    enum MHD_Result res = M.queue_response(con, status, resp);
    M.destroy_response(resp);   /* the connection holds it now */
    return res;
}

/* The request is complete: its process, or what it answered. */
static enum MHD_Result serve(serve_ctx *s, struct MHD_Connection *con, serve_req *r)
{
    char why[2048];
    if (!r->spawned) {
        M.get_connection_values(con, MHD_HEADER_KIND, on_header, r);
        r->pipe = wasi_p2_pipe_new(SERVE_PIPE_BYTES, on_pipe, r);
        if (r->pipe == NULL) {
            log_line(r, "out of memory");
            return reply(con, 500, "internal server error\n");
        }
        host_world_hook hook = { .prepare = prepare, .ended = ended, .ud = r };
        atomic_fetch_add(&r->refs, 1);   /* the process's */
        pthread_mutex_lock(&r->lock);
        r->pid = host_spawn_world(s->rt, "serve:handler", "serve:workers", 2, &hook, why,
                                  sizeof why);
        r->spawned = r->pid != 0;
        if (!r->spawned) {
            pthread_mutex_unlock(&r->lock);
            atomic_fetch_sub(&r->refs, 1);
            log_line(r, "%s", why);
            return reply(con, 503, "service unavailable\n");
        }
        sleep_locked(r);   /* set, or the process's end, wakes it */
        pthread_mutex_unlock(&r->lock);
        return MHD_YES;
    }
    pthread_mutex_lock(&r->lock);
    unsigned status = wasi_p2_pipe_status(r->pipe, why, sizeof why);
    enum MHD_Result res;
    if (status != 0)
        res = send_response(r, con, status);
    else if (why[0] != '\0' || r->ended) {
        if (why[0] != '\0')
            log_line(r, "%s", why);
        else if (!r->logged)
            log_line(r, "the handler returned without response-outparam.set");
        res = reply(con, 500, "internal server error\n");
    } else {
        sleep_locked(r);   /* woken for something else: wait on */
        res = MHD_YES;
    }
    pthread_mutex_unlock(&r->lock);
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
        if ((r->method = strdup(method)) == NULL)
            return MHD_NO;
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
    return serve(cls, con, r);
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
static bool find_handler(serve_ctx *s, cm_file *f, const char *path)
{
    vm_error e;
    wasi_p2 *p2 = wasi_p2_new(WASI_CAP_ALL);
    cm_instance *ci = p2 != NULL ? cm_instantiate(f, wasi_p2_host(p2), NULL, &e) : NULL;
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

/* Writes the registry of the server (a process.host, the component's
 * process.wasm entry) as a project file in a fresh temporary directory,
 * loads it and removes the file: NULL with the reason on s->err. */
static cfg_registry *make_registry(serve_ctx *s, const char *path, unsigned long workers,
                                   unsigned long max_ms)
{
    char abs[PATH_MAX], dir[PATH_MAX], base[PATH_MAX], tmp[] = "/tmp/wippy-serve-XXXXXX";
    uint8_t digest[SHA256_DIGEST_SIZE];
    char hex[SHA256_HEX_SIZE];
    if (realpath(path, abs) == NULL || sha256_file(abs, digest) != 0) {
        fprintf(s->err, "%s: cannot read it\n", path);
        return NULL;
    }
    if (strpbrk(abs, "\"\\\n") != NULL) {
        fprintf(s->err, "%s: wasm serve takes no path with a quote, backslash or newline\n", path);
        return NULL;
    }
    snprintf(dir, sizeof dir, "%s", abs);
    snprintf(base, sizeof base, "%s", abs);
    sha256_hex(digest, hex);
    if (mkdtemp(tmp) == NULL) {
        fprintf(s->err, "wippy: wasm serve: cannot make a temporary directory\n");
        return NULL;
    }
    char file[sizeof tmp + 16];
    snprintf(file, sizeof file, "%s/serve.yaml", tmp);
    FILE *y = fopen(file, "w");
    if (y != NULL) {
        fprintf(y,
                "version: \"1.0\"\nnamespace: serve\nentries:\n"
                "  - name: files\n    kind: fs.directory\n    directory: \"%s\"\n"
                "  - name: workers\n    kind: process.host\n    host:\n      workers: %lu\n"
                "  - name: handler\n    kind: process.wasm\n    fs: serve:files\n"
                "    path: \"/%s\"\n    hash: sha256:%s\n    method: \"%s\"\n"
                "    imports: [wasi:cli, wasi:io, wasi:poll, wasi:clocks, wasi:random,"
                " wasi:sockets, wasi:http]\n",
                dirname(dir), workers, basename(base), hex, s->handle);
        if (max_ms > 0)
            fprintf(y, "    limits:\n      max_execution_ms: %lu\n", max_ms);
        fclose(y);
    }
    const char *files[] = { "serve.yaml" };
    cfg_options opts = { .project_dir = tmp, .files = files, .nfiles = 1 };
    cfg_registry *reg = y != NULL ? cfg_load(&opts) : NULL;
    unlink(file);
    rmdir(tmp);
    if (reg != NULL && cfg_error_count(reg) > 0) {
        for (size_t i = 0; i < cfg_error_count(reg); i++)
            fprintf(s->err, "wippy: wasm serve: %s\n", cfg_error_at(reg, i)->message);
        cfg_free(reg);
        return NULL;
    }
    if (reg == NULL)
        fprintf(s->err, "wippy: wasm serve: cannot write %s\n", file);
    return reg;
}

/* A number in 1..max for an option, or 0 (usage error printed). */
static unsigned long count_arg(const char *opt, const char *text, unsigned long max, FILE *err)
{
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    if (*end != '\0' || end == text || v == 0 || v > max) {
        fprintf(err, "wippy: wasm serve: %s: expected 1..%lu, got %s\n\n" SERVE_USAGE, opt, max,
                text);
        return 0;
    }
    return v;
}

int wippy_wasm_serve(int argc, char **argv, FILE *out, FILE *err)
{
    const char *path = NULL, *addr = "127.0.0.1:8080";
    unsigned long workers = 4, max_ms = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--addr") && i + 1 < argc) {
            addr = argv[++i];
        } else if (!strcmp(argv[i], "--workers") && i + 1 < argc) {
            if ((workers = count_arg("--workers", argv[++i], SERVE_MAX_WORKERS, err)) == 0)
                return 2;
        } else if (!strcmp(argv[i], "--max-execution-ms") && i + 1 < argc) {
            if ((max_ms = count_arg("--max-execution-ms", argv[++i], 86400000ul, err)) == 0)
                return 2;
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
    cm_file *f;
    int st = wippy_component_load(path, &f, err);
    if (st == -2) {
        fprintf(err, "%s: not a component (wasm serve needs a wasi:http proxy component)\n", path);
        return 1;
    }
    if (st != 0)
        return 1;
    bool found = find_handler(&s, f, path);
    cm_file_free(f);
    const char *why = found ? load_mhd() : NULL;
    if (why != NULL)
        fprintf(err, "wippy: wasm serve: %s\n", why);
    cfg_registry *reg = found && why == NULL ? make_registry(&s, path, workers, max_ms) : NULL;
    if (reg == NULL)
        return 1;
    char msg[4096] = "";
    host_options hopts = { 0 };
    s.rt = host_runtime_new(reg, &hopts, msg, sizeof msg);
    if (s.rt == NULL || msg[0] != '\0' || !host_runtime_start(s.rt, msg, sizeof msg)) {
        fprintf(err, "wippy: wasm serve: %s\n", s.rt == NULL ? "out of memory" : msg);
        host_runtime_free(s.rt);
        cfg_free(reg);
        return 1;
    }
    pthread_mutex_init(&s.log_lock, NULL);
    /* The signals are waited for here: every thread started after this blocks them. */
    sigset_t sigs, old;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, &old);
    /* An IPv6 address listens on IPv6; "[::]" on both (dual stack). */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    if (v6)
        flags |= IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&sa)->sin6_addr)
                     ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
    struct MHD_Daemon *d = M.start_daemon(
        flags, 0, NULL, NULL, on_request, &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, &s,
        MHD_OPTION_NOTIFY_COMPLETED, on_done, &s,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    int code = 0;
    if (d == NULL) {
        fprintf(err, "wippy: wasm serve: cannot listen on %s\n", addr);
        code = 1;
    } else {
        const union MHD_DaemonInfo *info = M.get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
        char host[INET6_ADDRSTRLEN];
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&sa;
        const struct sockaddr_in *a4 = (const struct sockaddr_in *)&sa;
        inet_ntop(v6 ? AF_INET6 : AF_INET,
                  v6 ? (const void *)&a6->sin6_addr : (const void *)&a4->sin_addr, host, sizeof host);
        unsigned port = ntohs(v6 ? a6->sin6_port : a4->sin_port);
        fprintf(out, v6 ? "listening on http://[%s]:%u\n" : "listening on http://%s:%u\n", host,
                info != NULL ? (unsigned)info->port : port);
        fflush(out);
        int sig;
        sigwait(&sigs, &sig);
        /* Every request's process ends first (cancelled): each wakes its
         * suspended connection, so libmicrohttpd stops with none suspended. */
        host_runtime_stop(s.rt);
        M.stop_daemon(d);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    host_runtime_free(s.rt);
    cfg_free(reg);
    pthread_mutex_destroy(&s.log_lock);
    return code;
}
