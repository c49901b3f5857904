/* http_client.c — a C guest calling wasi:http directly (world http-client
 * of guests.wit): fetch(scenario, port) makes one request to the test's
 * loopback server at 127.0.0.1:port and returns what it saw as a line of
 * text, which the test compares:
 *
 *   get        GET /headers with x-test: 42 (fields.from-list); the request's
 *              headers() is immutable; → "200 x-reply=42 body=x-test=42"
 *   post       POST /echo, the body written after handle() in 4 pieces
 *              (3 blocking-write-and-flush, 1 check-write + write), chunked;
 *              → "200 got 16000 bytes sum N"
 *   post-cl    Content-Length: 10 and 12 bytes written: the write fails with
 *              HTTP-request-body-size
 *   large      GET /large (5,000,000 bytes) read in 64 KiB blocking reads, each
 *              byte checked; → "200 5000000 bytes ok"
 *   delay      GET /delay (the server answers after 100 ms) → "200 ok"
 *   gate       GET /gate (the server answers once N requests to it are in
 *              flight at once, "timeout" after 10 s) → "200 ok"
 *   refused    a port nobody listens on → "error connection-refused"
 *   cut        GET /cut: the server closes mid-body → "200 0123456789error
 *              HTTP-response-incomplete" (the stream's error, http-error-code)
 *   redirect   GET /redirect: a 302 returned as it is → "302 moved"
 *   big-headers GET /big-headers: 80 KiB of headers → "error
 *              HTTP-response-header-section-size"
 *   slow       GET /slow with first-byte-timeout 200 ms → "error
 *              connection-read-timeout"
 *   stall      GET /stall with between-bytes-timeout 200 ms: 10 bytes, then
 *              none → "200 0123456789error connection-read-timeout"
 *   hang       GET /slow without a timeout (the test ends the process)
 *   trailers   POST /trailers: trailers sent after a chunked body, trailers
 *              received; → "200 n=5 x-sum=500 x-done=yes"
 *   forbidden  append/from-list of forbidden and invalid names; set of a fine one
 *   twice      a second get of a future → "first=response second=err"
 *   two        two requests to /delay started at once, then both awaited →
 *              "200 ok, 200 ok" (with max_requests 1: "error
 *              connection-limit-reached" for the second)
 *   https      GET https://127.0.0.1:port/hello → "200 <body>" or the error
 *              (TLS-alert-received with " id=N message=TEXT")
 *   https-localhost  the same to https://localhost:port/hello
 *   localhost  GET http://localhost:port/headers → "200 x-test="
 *   h2c        GET http://127.0.0.1:port/hello (HTTP/1.1 to an HTTP/2-only server)
 *   dns        GET http://nonexistent.invalid:port/ → "error DNS-error
 *              rcode=address not available info-code=0" (the payload as wasmtime's)
 *   connect-timeout  GET / with connect-timeout 300 ms → "error connection-timeout"
 *
 * Canonical ABI by hand: results wider than one flat value come back
 * through a return area; error-code has 8-byte alignment, so a result or
 * option holding it puts its payload at offset 8. */
#include "guest_p2.h"

#define H "wasi:http/types@0.2.3"
#define S "wasi:io/streams@0.2.3"

typedef struct { const char *ptr; uint32_t len; } str;
typedef struct { str name; str value; } field;

P2_IMPORT(H, "[constructor]fields") int32_t fields_new(void);
P2_IMPORT(H, "[static]fields.from-list") void fields_from_list(const field *p, uint32_t n, void *ret);
P2_IMPORT(H, "[method]fields.append")
void fields_append(int32_t f, const char *n, uint32_t nl, const char *v, uint32_t vl, void *ret);
P2_IMPORT(H, "[method]fields.set")
void fields_set(int32_t f, const char *n, uint32_t nl, const str *vals, uint32_t nv, void *ret);
P2_IMPORT(H, "[method]fields.get") void fields_get(int32_t f, const char *n, uint32_t nl, void *ret);
P2_IMPORT(H, "[resource-drop]fields") void fields_drop(int32_t f);
P2_IMPORT(H, "[constructor]outgoing-request") int32_t request_new(int32_t headers);
P2_IMPORT(H, "[method]outgoing-request.set-method")
int32_t request_set_method(int32_t r, int32_t tag, const char *p, uint32_t n);
P2_IMPORT(H, "[method]outgoing-request.set-path-with-query")
int32_t request_set_path(int32_t r, int32_t some, const char *p, uint32_t n);
P2_IMPORT(H, "[method]outgoing-request.set-scheme")
int32_t request_set_scheme(int32_t r, int32_t some, int32_t tag, const char *p, uint32_t n);
P2_IMPORT(H, "[method]outgoing-request.set-authority")
int32_t request_set_authority(int32_t r, int32_t some, const char *p, uint32_t n);
P2_IMPORT(H, "[method]outgoing-request.headers") int32_t request_headers(int32_t r);
P2_IMPORT(H, "[method]outgoing-request.body") void request_body(int32_t r, void *ret);
P2_IMPORT(H, "[constructor]request-options") int32_t options_new(void);
P2_IMPORT(H, "[method]request-options.set-first-byte-timeout")
int32_t options_set_first_byte(int32_t o, int32_t some, uint64_t ns);
P2_IMPORT(H, "[method]request-options.set-between-bytes-timeout")
int32_t options_set_between(int32_t o, int32_t some, uint64_t ns);
P2_IMPORT(H, "[method]request-options.set-connect-timeout")
int32_t options_set_connect(int32_t o, int32_t some, uint64_t ns);
P2_IMPORT(H, "[method]outgoing-body.write") void body_write(int32_t b, void *ret);
P2_IMPORT(H, "[static]outgoing-body.finish") void body_finish(int32_t b, int32_t some, int32_t t, void *ret);
P2_IMPORT(H, "[method]future-incoming-response.subscribe") int32_t future_subscribe(int32_t f);
P2_IMPORT(H, "[method]future-incoming-response.get") void future_get(int32_t f, void *ret);
P2_IMPORT(H, "[resource-drop]future-incoming-response") void future_drop(int32_t f);
P2_IMPORT(H, "[method]incoming-response.status") int32_t response_status(int32_t r);
P2_IMPORT(H, "[method]incoming-response.headers") int32_t response_headers(int32_t r);
P2_IMPORT(H, "[method]incoming-response.consume") void response_consume(int32_t r, void *ret);
P2_IMPORT(H, "[resource-drop]incoming-response") void response_drop(int32_t r);
P2_IMPORT(H, "[method]incoming-body.stream") void inbody_stream(int32_t b, void *ret);
P2_IMPORT(H, "[resource-drop]incoming-body") void inbody_drop(int32_t b);
P2_IMPORT(H, "[static]incoming-body.finish") int32_t inbody_finish(int32_t b);
P2_IMPORT(H, "[method]future-trailers.subscribe") int32_t trailers_subscribe(int32_t f);
P2_IMPORT(H, "[method]future-trailers.get") void trailers_get(int32_t f, void *ret);
P2_IMPORT(H, "[resource-drop]future-trailers") void trailers_drop(int32_t f);
P2_IMPORT(H, "http-error-code") void http_error_code(int32_t err, void *ret);
P2_IMPORT("wasi:http/outgoing-handler@0.2.3", "handle")
void handle(int32_t req, int32_t some, int32_t opts, void *ret);
P2_IMPORT("wasi:io/poll@0.2.3", "[method]pollable.block") void pollable_block(int32_t p);
P2_IMPORT("wasi:io/poll@0.2.3", "[resource-drop]pollable") void pollable_drop(int32_t p);
P2_IMPORT(S, "[method]input-stream.blocking-read") void in_blocking_read(int32_t s, uint64_t n, void *ret);
P2_IMPORT(S, "[resource-drop]input-stream") void in_drop(int32_t s);
P2_IMPORT(S, "[method]output-stream.check-write") void out_check_write(int32_t s, void *ret);
P2_IMPORT(S, "[method]output-stream.write") void out_write(int32_t s, const void *p, uint32_t n, void *ret);
P2_IMPORT(S, "[method]output-stream.subscribe") int32_t out_subscribe(int32_t s);
P2_IMPORT(S, "[resource-drop]output-stream") void out_drop(int32_t s);
P2_IMPORT("wasi:io/error@0.2.3", "[resource-drop]error") void error_drop(int32_t e);

static const char *const error_names[] = {
    "DNS-timeout", "DNS-error", "destination-not-found", "destination-unavailable",
    "destination-IP-prohibited", "destination-IP-unroutable", "connection-refused",
    "connection-terminated", "connection-timeout", "connection-read-timeout",
    "connection-write-timeout", "connection-limit-reached", "TLS-protocol-error",
    "TLS-certificate-error", "TLS-alert-received", "HTTP-request-denied",
    "HTTP-request-length-required", "HTTP-request-body-size", "HTTP-request-method-invalid",
    "HTTP-request-URI-invalid", "HTTP-request-URI-too-long", "HTTP-request-header-section-size",
    "HTTP-request-header-size", "HTTP-request-trailer-section-size", "HTTP-request-trailer-size",
    "HTTP-response-incomplete", "HTTP-response-header-section-size", "HTTP-response-header-size",
    "HTTP-response-body-size", "HTTP-response-trailer-section-size", "HTTP-response-trailer-size",
    "HTTP-response-transfer-coding", "HTTP-response-content-coding", "HTTP-response-timeout",
    "HTTP-upgrade-failed", "HTTP-protocol-error", "loop-detected", "configuration-error",
    "internal-error",
};
static const char *const header_errors[] = { "invalid-syntax", "forbidden", "immutable" };

/* ---- the answer, built as text ---- */

static char out[4096];
static uint32_t outlen;

static void put(const char *s)
{
    while (*s && outlen < sizeof out)
        out[outlen++] = *s++;
}

static void put_n(const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n && outlen < sizeof out; i++)
        out[outlen++] = s[i];
}

static void put_u64(uint64_t v)
{
    char buf[21];
    int i = 20;
    buf[i] = 0;
    do
        buf[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    put(&buf[i]);
}

/* An error-code in memory: its case, and the payload of DNS-error
 * (record { rcode: option<string>, info-code: option<u16> } at +8) and of
 * TLS-alert-received (record { alert-id: option<u8>, alert-message:
 * option<string> } at +8). */
static void put_error(const uint8_t *code)
{
    put("error ");
    put(code[0] < sizeof error_names / sizeof error_names[0] ? error_names[code[0]] : "?");
    const uint8_t *p = code + 8;
    if (code[0] == 1) {
        if (p[0] == 1) {
            put(" rcode=");
            put_n((const char *)(size_t)*(const uint32_t *)(p + 4), *(const uint32_t *)(p + 8));
        }
        if (p[12] == 1) {
            put(" info-code=");
            put_u64(*(const uint16_t *)(p + 14));
        }
    } else if (code[0] == 14) {
        if (p[0] == 1) {
            put(" id=");
            put_u64(p[1]);
        }
        if (p[4] == 1) {
            put(" message=");
            put_n((const char *)(size_t)*(const uint32_t *)(p + 8), *(const uint32_t *)(p + 12));
        }
    }
}

/* ---- requests ---- */

static char authority[64];
static int32_t scheme;   /* 0 HTTP, 1 HTTPS */

static int32_t new_request(const char *path, int32_t headers)
{
    int32_t r = request_new(headers >= 0 ? headers : fields_new());
    request_set_scheme(r, 1, scheme, NULL, 0);
    request_set_path(r, 1, path, (uint32_t)p2_strlen(path));
    request_set_authority(r, 1, authority, (uint32_t)p2_strlen(authority));
    return r;
}

/* handle(); false (with the error written) when it fails at once. */
static bool send(int32_t req, int32_t options, int32_t *future)
{
    uint64_t ret[8];
    handle(req, options >= 0, options >= 0 ? options : 0, ret);
    const uint8_t *b = (const uint8_t *)ret;
    if (b[0] != 0) {
        put_error(b + 8);
        return false;
    }
    *future = *(const int32_t *)(b + 8);
    return true;
}

/* Waits for the response: its handle, or -1 with the error written. */
static int32_t wait_response(int32_t future)
{
    int32_t p = future_subscribe(future);
    pollable_block(p);
    pollable_drop(p);
    uint64_t ret[8];
    future_get(future, ret);
    const uint8_t *b = (const uint8_t *)ret;
    if (b[0] != 1 || b[8] != 0) {
        put(b[0] != 1 ? "error not-ready" : "error taken");
        return -1;
    }
    if (b[16] != 0) {
        put_error(b + 24);
        return -1;
    }
    return *(const int32_t *)(b + 24);
}

/* Reads the whole body: calls each(chunk) per read; false when the stream
 * failed. The incoming-body is dropped, or kept in *keep. */
static bool read_body_keep(int32_t resp, void (*each)(const uint8_t *p, uint32_t n), int32_t *keep)
{
    uint32_t ret[4];
    response_consume(resp, ret);
    if ((uint8_t)ret[0] != 0)
        return false;
    int32_t body = (int32_t)ret[1];
    inbody_stream(body, ret);
    if ((uint8_t)ret[0] != 0)
        return false;
    int32_t s = (int32_t)ret[1];
    bool ok = true;
    for (;;) {
        uint32_t r[3];
        uint32_t mark = p2_heap_top;
        in_blocking_read(s, 65536, r);
        if ((uint8_t)r[0] != 0) {   /* last-operation-failed (0) or closed (1) */
            if ((uint8_t)r[1] == 0) {
                uint64_t code[6];
                http_error_code((int32_t)r[2], code);
                if (((uint8_t *)code)[0] == 1)
                    put_error((uint8_t *)code + 8);
                error_drop((int32_t)r[2]);
                ok = false;
            }
            break;
        }
        each((const uint8_t *)(size_t)r[1], r[2]);
        p2_heap_top = mark;   /* the bump allocator: the chunk is done with */
    }
    in_drop(s);
    if (keep != NULL)
        *keep = body;
    else
        inbody_drop(body);
    return ok;
}

static bool read_body(int32_t resp, void (*each)(const uint8_t *p, uint32_t n))
{
    return read_body_keep(resp, each, NULL);
}

static void put_body(const uint8_t *p, uint32_t n)
{
    put_n((const char *)p, n);
}

static uint64_t total;
static bool pattern_ok;

static void check_large(const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)((total + i) % 251))
            pattern_ok = false;
    total += n;
}

/* ---- scenarios ---- */

static void get(void)
{
    field hs[2] = { { { "x-test", 6 }, { "42", 2 } }, { { "accept", 6 }, { "text/plain", 10 } } };
    uint32_t ret[2];
    fields_from_list(hs, 2, ret);
    if ((uint8_t)ret[0] != 0) {
        put("from-list failed");
        return;
    }
    int32_t req = new_request("/headers", (int32_t)ret[1]);
    int32_t h = request_headers(req);
    uint8_t r[2];
    fields_append(h, "x-more", 6, "1", 1, r);
    bool immutable = r[0] == 1 && r[1] == 2;
    fields_drop(h);
    int32_t fut;
    if (!send(req, -1, &fut))
        return;
    int32_t resp = wait_response(fut);
    future_drop(fut);
    if (resp < 0)
        return;
    put_u64((uint64_t)response_status(resp));
    int32_t rh = response_headers(resp);
    uint32_t vals[2];
    fields_get(rh, "x-reply", 7, vals);
    put(" x-reply=");
    if (vals[1] == 1) {
        const str *v = (const str *)(size_t)vals[0];
        put_n(v->ptr, v->len);
    }
    fields_drop(rh);
    put(" body=");
    read_body(resp, put_body);
    response_drop(resp);
    put(immutable ? " immutable" : " mutable!");
}

static uint8_t chunk[4000];

static bool write_piece(int32_t s, const uint8_t *p, uint32_t n)
{
    uint32_t r[4];
    p2_blocking_write_and_flush(s, p, n, r);
    return (uint8_t)r[0] == 0;
}

static void post(bool with_length)
{
    int32_t hs = fields_new();
    uint8_t r8[2];
    if (with_length)
        fields_append(hs, "content-length", 14, "10", 2, r8);
    int32_t req = new_request("/echo", hs);
    request_set_method(req, 2, NULL, 0);   /* post */
    uint32_t ret[2];
    request_body(req, ret);
    int32_t body = (int32_t)ret[1];
    body_write(body, ret);
    int32_t s = (int32_t)ret[1];
    int32_t fut;
    if (!send(req, -1, &fut))
        return;
    for (uint32_t i = 0; i < sizeof chunk; i++)
        chunk[i] = (uint8_t)(i * 7);
    if (with_length) {   /* 12 bytes against a Content-Length of 10 */
        uint64_t cw[2];
        out_check_write(s, cw);
        uint32_t w[3];
        out_write(s, chunk, 12, w);
        if ((uint8_t)w[0] == 1 && (uint8_t)w[1] == 0) {
            uint64_t code[6];
            http_error_code((int32_t)w[2], code);
            put("write failed: ");
            if (((uint8_t *)code)[0] == 1)
                put_error((uint8_t *)code + 8);
            error_drop((int32_t)w[2]);
        } else {
            put("write accepted!");
        }
        out_drop(s);
        uint64_t fr[6];
        body_finish(body, 0, 0, fr);
        future_drop(fut);
        return;
    }
    for (int i = 0; i < 3; i++)
        if (!write_piece(s, chunk, sizeof chunk)) {
            put("write failed");
            return;
        }
    /* the fourth piece: wait for room, check-write, write */
    int32_t p = out_subscribe(s);
    pollable_block(p);
    pollable_drop(p);
    uint64_t cw[2];
    out_check_write(s, cw);
    if (((uint8_t *)cw)[0] != 0 || cw[1] < sizeof chunk) {
        put("check-write gave too little");
        return;
    }
    uint32_t w[3];
    out_write(s, chunk, sizeof chunk, w);
    out_drop(s);
    uint64_t fr[6];
    body_finish(body, 0, 0, fr);
    if (((uint8_t *)fr)[0] != 0) {
        put("finish: ");
        put_error((uint8_t *)fr + 8);
        return;
    }
    int32_t resp = wait_response(fut);
    future_drop(fut);
    if (resp < 0)
        return;
    put_u64((uint64_t)response_status(resp));
    put(" ");
    read_body(resp, put_body);
    response_drop(resp);
}

static void simple_get(const char *path, int32_t options, bool large)
{
    int32_t req = new_request(path, -1);
    int32_t fut;
    if (!send(req, options, &fut))
        return;
    int32_t resp = wait_response(fut);
    future_drop(fut);
    if (resp < 0)
        return;
    put_u64((uint64_t)response_status(resp));
    put(" ");
    if (large) {
        total = 0;
        pattern_ok = true;
        bool ok = read_body(resp, check_large);
        put_u64(total);
        put(ok && pattern_ok ? " bytes ok" : " bytes wrong");
    } else {
        read_body(resp, put_body);
    }
    response_drop(resp);
}

/* POST /trailers: a body and trailers sent (x-sum), a body and trailers received (x-done). */
static void trailers(void)
{
    int32_t req = new_request("/trailers", -1);
    request_set_method(req, 2, NULL, 0);
    uint32_t ret[2];
    request_body(req, ret);
    int32_t body = (int32_t)ret[1];
    body_write(body, ret);
    int32_t s = (int32_t)ret[1];
    int32_t fut;
    if (!send(req, -1, &fut))
        return;
    write_piece(s, (const uint8_t *)"hello", 5);
    out_drop(s);
    int32_t t = fields_new();
    uint8_t r8[2];
    fields_append(t, "x-sum", 5, "500", 3, r8);
    uint64_t fr[6];
    body_finish(body, 1, t, fr);
    int32_t resp = wait_response(fut);
    future_drop(fut);
    if (resp < 0)
        return;
    put_u64((uint64_t)response_status(resp));
    put(" ");
    int32_t in;
    if (!read_body_keep(resp, put_body, &in))
        return;
    int32_t ft = inbody_finish(in);
    int32_t p = trailers_subscribe(ft);
    pollable_block(p);
    pollable_drop(p);
    uint64_t g[6];
    trailers_get(ft, g);
    const uint8_t *b = (const uint8_t *)g;
    if (b[0] != 1 || b[8] != 0 || b[16] != 0 || b[24] != 1) {
        put(" no trailers");
    } else {
        int32_t tf = *(const int32_t *)(b + 28);
        uint32_t vals[2];
        fields_get(tf, "x-done", 6, vals);
        put(" x-done=");
        if (vals[1] == 1) {
            const str *v = (const str *)(size_t)vals[0];
            put_n(v->ptr, v->len);
        }
        fields_drop(tf);
    }
    trailers_drop(ft);
    response_drop(resp);
}

static void forbidden(void)
{
    int32_t f = fields_new();
    uint8_t r[2];
    static const str names[] = { { "connection", 10 }, { "Host", 4 }, { "bad name", 8 },
                                 { "x-fine", 6 } };
    for (int i = 0; i < 4; i++) {
        fields_append(f, names[i].ptr, names[i].len, "v", 1, r);
        put(r[0] == 0 ? "ok" : r[1] < 3 ? header_errors[r[1]] : "?");
        put(" ");
    }
    field bad = { { "transfer-encoding", 17 }, { "chunked", 7 } };
    uint32_t ret[2];
    fields_from_list(&bad, 1, ret);
    put((uint8_t)ret[0] == 0 ? "ok" : header_errors[(uint8_t)ret[1]]);
    str vals[2] = { { "a", 1 }, { "b", 1 } };
    fields_set(f, "x-two", 5, vals, 2, r);
    put(r[0] == 0 ? " set-ok " : " set-failed ");
    uint32_t got[2];
    fields_get(f, "X-Two", 5, got);
    put_u64(got[1]);
    fields_drop(f);
}

static void twice(void)
{
    int32_t req = new_request("/headers", -1);
    int32_t fut;
    if (!send(req, -1, &fut))
        return;
    int32_t resp = wait_response(fut);
    if (resp < 0)
        return;
    put("first=response");
    uint64_t ret[8];
    future_get(fut, ret);
    const uint8_t *b = (const uint8_t *)ret;
    put(b[0] == 1 && b[8] == 1 ? " second=err" : " second=?");
    response_drop(resp);
    future_drop(fut);
}

static void two(void)
{
    int32_t f[2];
    for (int i = 0; i < 2; i++)
        if (!send(new_request("/delay", -1), -1, &f[i]))
            return;
    for (int i = 0; i < 2; i++) {
        int32_t r = wait_response(f[i]);
        if (r < 0)
            return;
        put_u64((uint64_t)response_status(r));
        put(" ");
        read_body(r, put_body);
        response_drop(r);
        future_drop(f[i]);
        if (i == 0)
            put(", ");
    }
}

__attribute__((export_name("fetch")))
str *fetch(const char *scenario, uint32_t len, uint32_t port)
{
    static str result;
    outlen = 0;
    (void)p2_print;   /* guest_p2.h's stdout helpers are not used here */
    (void)p2_print_u64;
    bool https = len >= 5 && p2_streq(scenario, 5, "https");
    bool localhost = p2_streq(scenario, len, "localhost") || p2_streq(scenario, len, "https-localhost");
    scheme = https;
    char *a = authority;
    for (const char *h = p2_streq(scenario, len, "dns") ? "nonexistent.invalid:"
                         : localhost ? "localhost:" : "127.0.0.1:"; *h;)
        *a++ = *h++;
    char digits[6];
    int n = 0;
    do
        digits[n++] = (char)('0' + port % 10);
    while ((port /= 10) != 0);
    while (n > 0)
        *a++ = digits[--n];
    *a = 0;
    if (p2_streq(scenario, len, "get"))
        get();
    else if (p2_streq(scenario, len, "post"))
        post(false);
    else if (p2_streq(scenario, len, "post-cl"))
        post(true);
    else if (p2_streq(scenario, len, "large"))
        simple_get("/large", -1, true);
    else if (p2_streq(scenario, len, "delay") || p2_streq(scenario, len, "refused"))
        simple_get("/delay", -1, false);
    else if (p2_streq(scenario, len, "gate"))
        simple_get("/gate", -1, false);
    else if (p2_streq(scenario, len, "cut"))
        simple_get("/cut", -1, false);
    else if (p2_streq(scenario, len, "redirect"))
        simple_get("/redirect", -1, false);
    else if (p2_streq(scenario, len, "big-headers"))
        simple_get("/big-headers", -1, false);
    else if (p2_streq(scenario, len, "slow")) {
        int32_t o = options_new();
        options_set_first_byte(o, 1, 200000000ull);
        simple_get("/slow", o, false);
    } else if (p2_streq(scenario, len, "stall")) {
        int32_t o = options_new();
        options_set_between(o, 1, 200000000ull);
        simple_get("/stall", o, false);
    } else if (p2_streq(scenario, len, "hang"))
        simple_get("/slow", -1, false);
    else if (p2_streq(scenario, len, "trailers"))
        trailers();
    else if (p2_streq(scenario, len, "forbidden"))
        forbidden();
    else if (p2_streq(scenario, len, "twice"))
        twice();
    else if (p2_streq(scenario, len, "two"))
        two();
    else if (https || p2_streq(scenario, len, "h2c"))
        simple_get("/hello", -1, false);
    else if (p2_streq(scenario, len, "localhost"))
        simple_get("/headers", -1, false);
    else if (p2_streq(scenario, len, "dns"))
        simple_get("/", -1, false);
    else if (p2_streq(scenario, len, "connect-timeout")) {
        int32_t o = options_new();
        options_set_connect(o, 1, 300000000ull);
        simple_get("/", o, false);
    }
    else
        put("unknown scenario");
    result.ptr = out;
    result.len = outlen;
    return &result;
}
