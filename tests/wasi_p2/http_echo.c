/* http_echo.c — a C guest serving wasi:http (world http-echo of
 * guests.wit): it exports wasi:http/incoming-handler and answers every
 * request from what the request holds, for `wippy wasm serve`:
 *
 *   /missing   404 "not found\n"
 *   /crash     traps (the server answers 500)
 *   /noset     returns without response-outparam.set (500)
 *   /fail      sets an error-code (internal-error) (500)
 *   /stream/G/N 200, then N chunks "chunk I\n" written one at a time; before
 *              chunk I > 0, when G > 0, a GET of http://127.0.0.1:G/gate/I
 *              (the test answers it once its client has read chunk I-1);
 *              finish with trailers x-chunks: N and x-trailer: done
 *   /forever   200, then 1 KiB chunks until a write fails (the client left)
 *   /proxy/P   GET http://127.0.0.1:P/slow, answers 200 "proxied: BODY"
 *   /loop      loops forever (the execution limit ends it)
 *   otherwise  200, content-type text/plain and x-method: METHOD, body
 *              "METHOD PATH-WITH-QUERY host=AUTHORITY ua=USER-AGENT\n" then the
 *              request body as read from its input-stream (blocking reads
 *              until closed).
 *
 * Canonical ABI by hand (see guest_p2.h): response-outparam.set's result<
 * outgoing-response, error-code> flattens to 8 values (its tag, then the
 * handle joined with error-code's case and payloads: i32, i32, i64, i32 x4). */
#include "guest_p2.h"

#define H "wasi:http/types@0.2.3"
#define S "wasi:io/streams@0.2.3"

P2_IMPORT(H, "[method]incoming-request.method") void req_method(int32_t r, void *ret);
P2_IMPORT(H, "[method]incoming-request.path-with-query") void req_path(int32_t r, void *ret);
P2_IMPORT(H, "[method]incoming-request.authority") void req_authority(int32_t r, void *ret);
P2_IMPORT(H, "[method]incoming-request.headers") int32_t req_headers(int32_t r);
P2_IMPORT(H, "[method]incoming-request.consume") void req_consume(int32_t r, void *ret);
P2_IMPORT(H, "[resource-drop]incoming-request") void req_drop(int32_t r);
P2_IMPORT(H, "[method]fields.get") void fields_get(int32_t f, const char *n, uint32_t nl, void *ret);
P2_IMPORT(H, "[method]fields.append")
void fields_append(int32_t f, const char *n, uint32_t nl, const char *v, uint32_t vl, void *ret);
P2_IMPORT(H, "[constructor]fields") int32_t fields_new(void);
P2_IMPORT(H, "[resource-drop]fields") void fields_drop(int32_t f);
P2_IMPORT(H, "[method]incoming-body.stream") void inbody_stream(int32_t b, void *ret);
P2_IMPORT(H, "[resource-drop]incoming-body") void inbody_drop(int32_t b);
P2_IMPORT(H, "[constructor]outgoing-response") int32_t resp_new(int32_t headers);
P2_IMPORT(H, "[method]outgoing-response.set-status-code") int32_t resp_set_status(int32_t r, int32_t s);
P2_IMPORT(H, "[method]outgoing-response.body") void resp_body(int32_t r, void *ret);
P2_IMPORT(H, "[method]outgoing-body.write") void body_write(int32_t b, void *ret);
P2_IMPORT(H, "[static]outgoing-body.finish") void body_finish(int32_t b, int32_t some, int32_t t, void *ret);
P2_IMPORT(H, "[static]response-outparam.set")
void outparam_set(int32_t param, int32_t tag, int32_t a, int32_t b, int64_t c, int32_t d,
                  int32_t e, int32_t f, int32_t g);
P2_IMPORT(S, "[method]input-stream.blocking-read") void in_blocking_read(int32_t s, uint64_t n, void *ret);
P2_IMPORT(S, "[resource-drop]input-stream") void in_drop(int32_t s);
P2_IMPORT(H, "[constructor]outgoing-request") int32_t request_new(int32_t headers);
P2_IMPORT(H, "[method]outgoing-request.set-path-with-query")
int32_t request_set_path(int32_t r, int32_t some, const char *p, uint32_t n);
P2_IMPORT(H, "[method]outgoing-request.set-scheme")
int32_t request_set_scheme(int32_t r, int32_t some, int32_t tag, const char *p, uint32_t n);
P2_IMPORT(H, "[method]outgoing-request.set-authority")
int32_t request_set_authority(int32_t r, int32_t some, const char *p, uint32_t n);
P2_IMPORT(H, "[method]future-incoming-response.subscribe") int32_t future_subscribe(int32_t f);
P2_IMPORT(H, "[method]future-incoming-response.get") void future_get(int32_t f, void *ret);
P2_IMPORT(H, "[resource-drop]future-incoming-response") void future_drop(int32_t f);
P2_IMPORT(H, "[method]incoming-response.consume") void response_consume(int32_t r, void *ret);
P2_IMPORT(H, "[resource-drop]incoming-response") void response_drop(int32_t r);
P2_IMPORT("wasi:http/outgoing-handler@0.2.3", "handle")
void out_handle(int32_t req, int32_t some, int32_t opts, void *ret);
P2_IMPORT("wasi:io/poll@0.2.3", "[method]pollable.block") void pollable_block(int32_t p);
P2_IMPORT("wasi:io/poll@0.2.3", "[resource-drop]pollable") void pollable_drop(int32_t p);

static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
                                       "OPTIONS", "TRACE", "PATCH" };

static char out[1 << 20];   /* the response body: the echo is at most this long */
static uint32_t outlen;

static void put_n(const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n && outlen < sizeof out; i++)
        out[outlen++] = s[i];
}

static void put(const char *s)
{
    put_n(s, (uint32_t)p2_strlen(s));
}

/* An option<string> at ret (tag, ptr, len): put it, or "-". */
static void put_opt(const uint32_t *ret)
{
    if ((uint8_t)ret[0] == 1)
        put_n((const char *)(size_t)ret[1], ret[2]);
    else
        put("-");
}

/* Sends status with out[0..outlen) as the body through the outparam. */
static void respond(int32_t param, int32_t status, const char *method)
{
    int32_t h = fields_new();
    uint32_t r[4] __attribute__((aligned(8)));
    fields_append(h, "content-type", 12, "text/plain", 10, r);
    if (method != NULL)
        fields_append(h, "x-method", 8, method, (uint32_t)p2_strlen(method), r);
    int32_t resp = resp_new(h);
    if (resp_set_status(resp, status) != 0)
        __builtin_trap();
    resp_body(resp, r);
    if ((uint8_t)r[0] != 0)
        __builtin_trap();
    int32_t body = (int32_t)r[1];
    outparam_set(param, 0, resp, 0, 0, 0, 0, 0, 0);   /* ok(response): headers go first */
    body_write(body, r);
    if ((uint8_t)r[0] != 0)
        __builtin_trap();
    int32_t stream = (int32_t)r[1];
    uint32_t done = 0;
    while (done < outlen) {   /* blocking-write-and-flush takes 4096 bytes at most */
        uint32_t k = outlen - done < 4096 ? outlen - done : 4096;
        uint32_t wr[3] __attribute__((aligned(4)));
        p2_blocking_write_and_flush(stream, out + done, k, wr);
        if ((uint8_t)wr[0] != 0)
            __builtin_trap();
        done += k;
    }
    p2_drop_output_stream(stream);
    uint64_t fr[5];
    body_finish(body, 0, 0, fr);
    if ((uint8_t)fr[0] != 0)
        __builtin_trap();
}

/* The decimal number at p (up to a '/' or the end), and where it ended. */
static uint32_t number(const char *p, uint32_t n, uint32_t *used)
{
    uint32_t v = 0, i = 0;
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
        v = v * 10 + (uint32_t)(p[i] - '0');
    *used = i;
    return v;
}

static uint32_t decimal(char *to, uint32_t v)
{
    char t[10];
    uint32_t n = 0, k = 0;
    do
        t[n++] = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    while (n > 0)
        to[k++] = t[--n];
    return k;
}

/* GET http://127.0.0.1:PORT/PATH: the body put into out (traps on failure). */
static void fetch(uint32_t port, const char *path, uint32_t plen)
{
    char auth[24] = "127.0.0.1:";
    uint32_t alen = 10 + decimal(auth + 10, port);
    int32_t req = request_new(fields_new());
    request_set_scheme(req, 1, 0, 0, 0);   /* some(HTTP) */
    request_set_path(req, 1, path, plen);
    request_set_authority(req, 1, auth, alen);
    uint64_t ret[8];
    out_handle(req, 0, 0, ret);
    const uint8_t *b = (const uint8_t *)ret;
    if (b[0] != 0)
        __builtin_trap();
    int32_t future = *(const int32_t *)(b + 8);
    int32_t pl = future_subscribe(future);
    pollable_block(pl);   /* the process parks until the answer */
    pollable_drop(pl);
    future_get(future, ret);
    if (b[0] != 1 || b[8] != 0 || b[16] != 0)
        __builtin_trap();
    int32_t resp = *(const int32_t *)(b + 24);
    future_drop(future);
    uint32_t r[4];
    response_consume(resp, r);
    if ((uint8_t)r[0] != 0)
        __builtin_trap();
    int32_t body = (int32_t)r[1];
    inbody_stream(body, r);
    if ((uint8_t)r[0] != 0)
        __builtin_trap();
    int32_t in = (int32_t)r[1];
    for (;;) {
        uint32_t rr[3] __attribute__((aligned(4)));
        uint32_t mark = p2_heap_top;
        in_blocking_read(in, 65536, rr);
        if ((uint8_t)rr[0] != 0)
            break;   /* closed */
        put_n((const char *)(size_t)rr[1], rr[2]);
        p2_heap_top = mark;
    }
    in_drop(in);
    inbody_drop(body);
    response_drop(resp);
}

/* Sets 200 and returns the body's stream; *body gets the outgoing-body. */
static int32_t start_body(int32_t param, int32_t *body)
{
    uint32_t r[4] __attribute__((aligned(8)));
    int32_t h = fields_new();
    fields_append(h, "content-type", 12, "text/plain", 10, r);
    int32_t resp = resp_new(h);
    resp_body(resp, r);
    if ((uint8_t)r[0] != 0)
        __builtin_trap();
    *body = (int32_t)r[1];
    outparam_set(param, 0, resp, 0, 0, 0, 0, 0, 0);
    body_write(*body, r);
    if ((uint8_t)r[0] != 0)
        __builtin_trap();
    return (int32_t)r[1];
}

/* /stream/G/N */
static void stream(int32_t param, const char *p, uint32_t plen)
{
    uint32_t used, gate = number(p, plen, &used), n = 0;
    if (used < plen && p[used] == '/')
        n = number(p + used + 1, plen - used - 1, &used);
    int32_t body, s = start_body(param, &body);
    for (uint32_t i = 0; i < n; i++) {
        char line[32] = "chunk ";
        if (gate > 0 && i > 0) {
            char path[24] = "/gate/";
            fetch(gate, path, 6 + decimal(path + 6, i));
            outlen = 0;
        }
        uint32_t k = 6 + decimal(line + 6, i);
        line[k++] = '\n';
        uint32_t wr[3] __attribute__((aligned(4)));
        p2_blocking_write_and_flush(s, line, k, wr);
        if ((uint8_t)wr[0] != 0)
            __builtin_trap();
    }
    p2_drop_output_stream(s);
    uint32_t r[4] __attribute__((aligned(8)));
    char count[12];
    int32_t t = fields_new();
    fields_append(t, "x-chunks", 8, count, decimal(count, n), r);
    fields_append(t, "x-trailer", 9, "done", 4, r);
    uint64_t fr[5];
    body_finish(body, 1, t, fr);
    if ((uint8_t)fr[0] != 0)
        __builtin_trap();
}

/* /forever: 1 KiB writes until the stream fails or closes. */
static void forever(int32_t param)
{
    int32_t body, s = start_body(param, &body);
    static char kib[1024];
    for (uint32_t i = 0; i < sizeof kib; i++)
        kib[i] = (char)('a' + i % 26);
    for (;;) {
        uint32_t wr[3] __attribute__((aligned(4)));
        p2_blocking_write_and_flush(s, kib, sizeof kib, wr);
        if ((uint8_t)wr[0] != 0)
            return;   /* the client left: the body is dropped unfinished */
    }
}

__attribute__((export_name("wasi:http/incoming-handler@0.2.3#handle")))
void handle(int32_t req, int32_t param)
{
    outlen = 0;   /* a host that reuses the instance (jco serve) calls again */
    uint32_t r[4] __attribute__((aligned(8)));
    char method[64];
    req_method(req, r);
    const char *m = (uint8_t)r[0] < 9 ? methods[(uint8_t)r[0]] : NULL;
    uint32_t mlen = m != NULL ? (uint32_t)p2_strlen(m) : r[2] < 63 ? r[2] : 63;
    for (uint32_t i = 0; i < mlen; i++)
        method[i] = m != NULL ? m[i] : ((const char *)(size_t)r[1])[i];
    method[mlen] = 0;
    uint32_t path[3];
    req_path(req, path);
    const char *p = (const char *)(size_t)path[1];
    uint32_t plen = (uint8_t)path[0] == 1 ? path[2] : 0;
    if (p2_streq(p, plen, "/missing")) {
        put("not found\n");
        respond(param, 404, NULL);
        return;
    }
    if (p2_streq(p, plen, "/crash"))
        __builtin_trap();
    if (p2_streq(p, plen, "/noset"))
        return;
    if (plen > 8 && p2_streq(p, 8, "/stream/")) {
        stream(param, p + 8, plen - 8);
        return;
    }
    if (p2_streq(p, plen, "/forever")) {
        forever(param);
        return;
    }
    if (p2_streq(p, plen, "/loop"))
        for (volatile uint32_t spin = 0;; spin++) {}
    if (plen > 7 && p2_streq(p, 7, "/proxy/")) {
        uint32_t used, port = number(p + 7, plen - 7, &used);
        put("proxied: ");
        fetch(port, "/slow", 5);
        respond(param, 200, NULL);
        return;
    }
    if (p2_streq(p, plen, "/fail")) {
        outparam_set(param, 1, 38, 0, 0, 0, 0, 0, 0);   /* err(internal-error(none)) */
        return;
    }
    put(method);
    put(" ");
    put_opt(path);
    put(" host=");
    req_authority(req, r);
    put_opt(r);
    put(" ua=");
    int32_t h = req_headers(req);
    fields_get(h, "user-agent", 10, r);   /* list<field-value>: ptr, len */
    if (r[1] > 0) {
        const uint32_t *v = (const uint32_t *)(size_t)r[0];
        put_n((const char *)(size_t)v[0], v[1]);
    } else {
        put("-");
    }
    fields_drop(h);
    put("\n");
    req_consume(req, r);
    if ((uint8_t)r[0] != 0)
        __builtin_trap();
    int32_t body = (int32_t)r[1];
    inbody_stream(body, r);
    if ((uint8_t)r[0] != 0)
        __builtin_trap();
    int32_t in = (int32_t)r[1];
    for (;;) {
        uint32_t rr[3] __attribute__((aligned(4)));
        in_blocking_read(in, 65536, rr);
        if ((uint8_t)rr[0] != 0)
            break;   /* closed */
        put_n((const char *)(size_t)rr[1], rr[2]);
    }
    in_drop(in);
    inbody_drop(body);
    req_drop(req);
    respond(param, 200, method);
}
