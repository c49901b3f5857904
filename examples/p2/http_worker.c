/* http_worker.c — the example app's http_worker (the Wippy docs' entry
 * shape: imports wasi:io, wasi:cli, wasi:http; API_URL from wasi.env):
 * fetch() reads API_URL from the environment, GETs it through
 * wasi:http/outgoing-handler (the process parks while it waits) and returns
 * the response body, which `wippy run fetch` prints. A URL that is not
 * http(s), a failed request or a status other than 2xx is written to
 * stderr and ends the call with wasi:cli/exit(err).
 *
 * A component made from this core module at build time (world http-worker
 * of http_worker.wit). Canonical ABI by hand, as the guests of tests/wasi_p2/
 * (guest_p2.h): results wider than one flat value come back through a
 * return area; error-code has 8-byte alignment, so a result or option
 * holding it puts its payload at offset 8. */
#include "guest_p2.h"

#define H "wasi:http/types@0.2.3"
#define S "wasi:io/streams@0.2.3"

typedef struct { const char *ptr; uint32_t len; } str;

P2_IMPORT("wasi:cli/environment@0.2.3", "get-environment") void get_environment(void *ret);
P2_IMPORT("wasi:cli/stderr@0.2.3", "get-stderr") int32_t get_stderr(void);
P2_IMPORT(H, "[constructor]fields") int32_t fields_new(void);
P2_IMPORT(H, "[constructor]outgoing-request") int32_t request_new(int32_t headers);
P2_IMPORT(H, "[method]outgoing-request.set-path-with-query")
int32_t request_set_path(int32_t r, int32_t some, const char *p, uint32_t n);
P2_IMPORT(H, "[method]outgoing-request.set-scheme")
int32_t request_set_scheme(int32_t r, int32_t some, int32_t tag, const char *p, uint32_t n);
P2_IMPORT(H, "[method]outgoing-request.set-authority")
int32_t request_set_authority(int32_t r, int32_t some, const char *p, uint32_t n);
P2_IMPORT(H, "[method]outgoing-request.body") void request_body(int32_t r, void *ret);
P2_IMPORT(H, "[static]outgoing-body.finish") void body_finish(int32_t b, int32_t some, int32_t t, void *ret);
P2_IMPORT(H, "[method]future-incoming-response.subscribe") int32_t future_subscribe(int32_t f);
P2_IMPORT(H, "[method]future-incoming-response.get") void future_get(int32_t f, void *ret);
P2_IMPORT(H, "[resource-drop]future-incoming-response") void future_drop(int32_t f);
P2_IMPORT(H, "[method]incoming-response.status") int32_t response_status(int32_t r);
P2_IMPORT(H, "[method]incoming-response.consume") void response_consume(int32_t r, void *ret);
P2_IMPORT(H, "[resource-drop]incoming-response") void response_drop(int32_t r);
P2_IMPORT(H, "[method]incoming-body.stream") void inbody_stream(int32_t b, void *ret);
P2_IMPORT(H, "[resource-drop]incoming-body") void inbody_drop(int32_t b);
P2_IMPORT(H, "http-error-code") void http_error_code(int32_t err, void *ret);
P2_IMPORT("wasi:http/outgoing-handler@0.2.3", "handle")
void handle(int32_t req, int32_t some, int32_t opts, void *ret);
P2_IMPORT("wasi:io/poll@0.2.3", "[method]pollable.block") void pollable_block(int32_t p);
P2_IMPORT("wasi:io/poll@0.2.3", "[resource-drop]pollable") void pollable_drop(int32_t p);
P2_IMPORT(S, "[method]input-stream.blocking-read") void in_blocking_read(int32_t s, uint64_t n, void *ret);
P2_IMPORT(S, "[resource-drop]input-stream") void in_drop(int32_t s);
P2_IMPORT("wasi:io/error@0.2.3", "[resource-drop]error") void error_drop(int32_t e);

/* The error-code cases of wasi:http/types, in order. */
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

#define MAX_BODY (16u << 20)   /* a larger body fails the call */

/* ---- failing: a line on stderr, then exit(err) ---- */

static void say(const char *s, uint32_t n)
{
    uint32_t ret[3] __attribute__((aligned(4)));
    p2_blocking_write_and_flush(get_stderr(), s, n, ret);
}

__attribute__((noreturn)) static void fail(const char *what, const char *detail, uint32_t dlen)
{
    say("http_worker: ", 13);
    say(what, (uint32_t)p2_strlen(what));
    if (detail != NULL) {
        say(": ", 2);
        say(detail, dlen);
    }
    say("\n", 1);
    p2_exit(1);
    __builtin_trap();   /* exit does not return */
}

__attribute__((noreturn)) static void fail_code(const char *what, const uint8_t *code)
{
    const char *name = code[0] < sizeof error_names / sizeof error_names[0] ? error_names[code[0]] : "?";
    fail(what, name, (uint32_t)p2_strlen(name));
}

/* ---- API_URL → scheme, authority, path-with-query ---- */

static bool prefix(const char *p, uint32_t n, const char *pre)
{
    uint32_t k = (uint32_t)p2_strlen(pre);
    return n >= k && p2_streq(p, k, pre);
}

static str api_url(void)
{
    uint32_t ret[2];
    get_environment(ret);
    const str *kv = (const str *)(size_t)ret[0];
    for (uint32_t i = 0; i < ret[1]; i++)
        if (p2_streq(kv[2 * i].ptr, kv[2 * i].len, "API_URL"))
            return kv[2 * i + 1];
    fail("API_URL is not set", NULL, 0);
}

static int32_t make_request(str url)
{
    int32_t scheme;   /* 0 HTTP, 1 HTTPS */
    uint32_t at;
    if (prefix(url.ptr, url.len, "http://"))
        scheme = 0, at = 7;
    else if (prefix(url.ptr, url.len, "https://"))
        scheme = 1, at = 8;
    else
        fail("API_URL is not an http:// or https:// URL", url.ptr, url.len);
    uint32_t end = at;
    while (end < url.len && url.ptr[end] != '/' && url.ptr[end] != '?')
        end++;
    if (end == at)
        fail("API_URL has no host", url.ptr, url.len);
    int32_t r = request_new(fields_new());
    request_set_scheme(r, 1, scheme, NULL, 0);
    if (request_set_authority(r, 1, url.ptr + at, end - at) != 0)
        fail("API_URL's host is not valid", url.ptr, url.len);
    const char *path = url.ptr + end;
    uint32_t plen = url.len - end;
    if (plen == 0)
        path = "/", plen = 1;
    else if (path[0] == '?') {   /* "?q" → "/?q" */
        char *p = cabi_realloc(NULL, 0, 1, plen + 1);
        p[0] = '/';
        memcpy(p + 1, path, plen);
        path = p, plen++;
    }
    if (request_set_path(r, 1, path, plen) != 0)
        fail("API_URL's path is not valid", url.ptr, url.len);
    uint32_t b[2];
    request_body(r, b);   /* a GET's empty body, finished */
    uint32_t fin[8] __attribute__((aligned(8)));
    body_finish((int32_t)b[1], 0, 0, fin);
    return r;
}

/* ---- the export ---- */

__attribute__((export_name("fetch")))
str *fetch(void)
{
    static str result;
    (void)p2_print;   /* guest_p2.h's stdout helpers are not used here */
    (void)p2_print_u64;
    str url = api_url();
    int32_t req = make_request(url);

    uint64_t ret[8];
    handle(req, 0, 0, ret);
    const uint8_t *b = (const uint8_t *)ret;
    if (b[0] != 0)
        fail_code("request refused", b + 8);
    int32_t future = *(const int32_t *)(b + 8);
    int32_t p = future_subscribe(future);
    pollable_block(p);   /* the process parks until the headers are in */
    pollable_drop(p);
    future_get(future, ret);
    if (b[0] != 1 || b[8] != 0)
        fail("no response", NULL, 0);
    if (b[16] != 0)
        fail_code("request failed", b + 24);
    int32_t resp = *(const int32_t *)(b + 24);
    future_drop(future);
    int32_t status = response_status(resp);

    uint32_t r2[4];
    response_consume(resp, r2);
    int32_t body = (int32_t)r2[1];
    inbody_stream(body, r2);
    int32_t s = (int32_t)r2[1];
    char *text = NULL;
    uint32_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 65536) {   /* room for a whole read, doubling */
            if (cap >= MAX_BODY)
                fail("body over 16 MiB", NULL, 0);
            uint32_t ncap = cap == 0 ? 65536 : 2 * cap;
            text = cabi_realloc(text, len, 1, ncap);
            cap = ncap;
        }
        uint32_t mark = p2_heap_top;
        uint32_t r[3];
        in_blocking_read(s, 65536, r);   /* parks while nothing has come */
        if ((uint8_t)r[0] != 0) {        /* last-operation-failed (0) or closed (1) */
            if ((uint8_t)r[1] == 0) {
                uint64_t code[6];
                http_error_code((int32_t)r[2], code);
                error_drop((int32_t)r[2]);
                if (((uint8_t *)code)[0] == 1)
                    fail_code("body failed", (uint8_t *)code + 8);
                fail("body failed", NULL, 0);
            }
            break;
        }
        memcpy(text + len, (const char *)(size_t)r[1], r[2]);
        len += r[2];
        p2_heap_top = mark;   /* the bump allocator: the chunk is done with */
    }
    in_drop(s);
    inbody_drop(body);
    response_drop(resp);
    if (status < 200 || status > 299) {
        char code[4] = { (char)('0' + status / 100 % 10), (char)('0' + status / 10 % 10),
                         (char)('0' + status % 10), 0 };
        fail("status", code, 3);
    }
    result.ptr = text;
    result.len = len;
    return &result;
}
