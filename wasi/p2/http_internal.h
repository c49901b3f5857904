/* http_internal.h — what the files of wasi:http share (not public; the
 * limits are in p2.h).
 *
 *   http_fields.c   resource fields: names, values, validation, forbidden headers
 *   http_client.c   the world's curl multi handle driven through its sockets and
 *                   timer; a transfer (wasi_p2_xfer): callbacks, deadlines, errors
 *   http_request.c  outgoing-request, request-options, outgoing-body (its
 *                   output-stream), outgoing-handler.handle
 *   http_response.c future-incoming-response, incoming-response, incoming-body
 *                   (its input-stream), future-trailers, error-code, http-error-code
 *
 * Every wasi:http resource is a rep with ops (internal.h, wasi_p2_ops):
 * WASI_P2_OBJECT for the http resources (told apart by their ops), an
 * input-/output-stream or pollable for the bodies and futures. All reps of
 * one request (the request, its body and stream, the future, the response,
 * its body, stream and trailers, their pollables) share one refcounted
 * wasi_p2_xfer; the last one dropped aborts the transfer. */
#ifndef WIPPY_WASI_P2_HTTP_INTERNAL_H
#define WIPPY_WASI_P2_HTTP_INTERNAL_H

#define CURL_DISABLE_TYPECHECK   /* curl's functions are called through pointers (dlopen) */
#include <curl/curl.h>

#define CURL_SONAME "libcurl.so.4"

#include "wasi/p2/internal.h"

#define WASI_HTTP_MAX_FIELDS 1024u   /* entries of one fields */
#define WASI_HTTP_MAX_ALIVE 1024u    /* requests of one world alive at once (made, not dropped) */

/* One header: a lower-case name, a value of any bytes but CR, LF, NUL. */
typedef struct {
    char *name;
    uint8_t *value;
    size_t len;
} wasi_p2_field;

typedef struct {
    wasi_p2_field *items;
    size_t n, cap, bytes;   /* bytes: names + values */
    bool immutable;         /* a request's or response's headers, trailers received */
} wasi_p2_fields;

/* An error-code: its case (enum order of the WIT variant) and payload. */
typedef struct {
    uint8_t tag;
    bool has_num;
    uint64_t num;           /* option<u64>/option<u32> payloads */
    char *text;             /* option<string> payloads (owned), NULL: none */
} wasi_p2_http_err;

enum {   /* the cases of error-code used here (their index in the variant) */
    HE_DNS_TIMEOUT = 0, HE_DNS_ERROR = 1, HE_DEST_NOT_FOUND = 2, HE_DEST_UNAVAILABLE = 3,
    HE_IP_UNROUTABLE = 5, HE_CONN_REFUSED = 6, HE_CONN_TERMINATED = 7, HE_CONN_TIMEOUT = 8,
    HE_CONN_READ_TIMEOUT = 9, HE_CONN_WRITE_TIMEOUT = 10, HE_CONN_LIMIT = 11,
    HE_TLS_PROTOCOL = 12, HE_TLS_CERT = 13, HE_TLS_ALERT = 14, HE_REQ_DENIED = 15, HE_REQ_BODY_SIZE = 17,
    HE_REQ_METHOD_INVALID = 18, HE_REQ_URI_INVALID = 19, HE_RESP_INCOMPLETE = 25,
    HE_RESP_HEADER_SECTION_SIZE = 26, HE_RESP_BODY_SIZE = 28, HE_RESP_CONTENT_CODING = 32,
    HE_RESP_TIMEOUT = 33, HE_PROTOCOL = 35, HE_LOOP = 36, HE_CONFIG = 37, HE_INTERNAL = 38,
};

/* One request, from outgoing-request's constructor to the last rep. */
typedef struct wasi_p2_xfer wasi_p2_xfer;
struct wasi_p2_xfer {
    unsigned refs;
    struct wasi_p2_http *h;
    /* the request */
    wasi_p2_fields *req_headers;
    char *method;                   /* "GET", or other's text */
    int scheme;                     /* -1 none (https), 0 http, 1 https, 2 other */
    char *scheme_other, *path, *authority;   /* NULL: none */
    bool body_made, write_made, handled;
    uint64_t connect_ns, first_byte_ns, between_ns;   /* request-options; 0: none */
    /* the outgoing body: what the guest wrote and curl has not taken */
    uint8_t *sbuf;
    size_t slen, scap;
    bool sfinished, sdropped, send_paused, has_clen;
    uint64_t clen, written;
    wasi_p2_fields *send_trailers;
    /* the transfer */
    CURL *easy;
    struct curl_slist *slist, *trailer_slist;
    char *url;
    wasi_p2_xfer *prev, *next;      /* the world's running transfers */
    bool running, done, failed, headers_done, got_byte;
    wasi_p2_http_err err;           /* when failed */
    char errbuf[CURL_ERROR_SIZE];
    uint16_t status;
    wasi_p2_fields *resp_headers, *trailers;
    size_t header_bytes;
    uint64_t connected_at, last_byte_at;
    bool future_taken, response_made, consumed, stream_made, finished, trailers_taken;
    /* the incoming body: received and not yet read */
    uint8_t *rbuf;
    size_t rlen, roff, rcap;
    bool recv_paused, discard;
    bool serve;                     /* served side (http_server.c): a request or response, no curl */
    wasi_p2_http_pipe *pipe;        /* a served response once set: where its body goes */
};

/* The world's wasi:http state: limits, curl's multi handle, its sockets and timer. */
typedef struct wasi_p2_http wasi_p2_http;

/* fields (http_fields.c) */
extern const wasi_p2_ops wasi_p2_fields_ops;
wasi_p2_fields *wasi_p2_fields_new(void);
void wasi_p2_fields_free(wasi_p2_fields *f);
wasi_p2_fields *wasi_p2_fields_clone(const wasi_p2_fields *f, bool immutable);
/* Appends without checks (what a server sent); false when out of memory or over max bytes. */
bool wasi_p2_fields_add(wasi_p2_fields *f, const char *name, size_t nlen, const uint8_t *value,
                        size_t vlen, size_t max_bytes);
/* The first value of name (lower-case), or NULL. */
const wasi_p2_field *wasi_p2_fields_find(const wasi_p2_fields *f, const char *name);
/* A new fields rep holding f (taken over). */
bool wasi_p2_fields_rep(wasi_p2 *w, wasi_p2_fields *f, host_value *handle, char *err,
                        size_t errlen);
/* The object of a rep with these ops (a borrow's rep), or NULL with "unknown NAME 7". */
void *wasi_p2_obj(wasi_p2 *w, const host_value *rep, const wasi_p2_ops *ops, char *err,
                  size_t errlen);
/* Takes the object out of an own handle the host got (its rep freed):
 * NULL with err when it is not one of ops. */
void *wasi_p2_obj_take(wasi_p2 *w, const host_value *own, const wasi_p2_ops *ops, char *err,
                       size_t errlen);
/* A new rep of kind k for x with ops (a new reference to x). */
bool wasi_p2_xfer_rep(wasi_p2 *w, wasi_p2_xfer *x, wasi_p2_kind k, const wasi_p2_ops *ops,
                      host_value *handle, char *err, size_t errlen);
/* {"ok": v} / {"err": v}; false (v freed) when out of memory. */
bool wasi_p2_http_result(host_value *out, bool ok, host_value v, char *err, size_t errlen);

/* the client (http_client.c) */
/* Made when first needed; NULL: out of memory, or libcurl missing. */
wasi_p2_http *wasi_p2_http_get(wasi_p2 *w);
/* Why wasi:http cannot work here (libcurl not loadable), or NULL. */
const char *wasi_p2_http_unavailable(void);
const wasi_p2_http_limits *wasi_p2_http_lim(const wasi_p2_http *h);
/* Sets h's limits (0: the default; the allow list is not h's). */
void wasi_p2_http_apply(wasi_p2_http *h, const wasi_p2_http_limits *lim);

/* the entry's settings (http_allow.c) */
/* The limits wasi_p2_set_http_limits gave, or NULL. */
const wasi_p2_http_limits *wasi_p2_http_conf_limits(const wasi_p2 *w);
/* May a request go to this authority (the world's allow list)? */
bool wasi_p2_http_allowed(const wasi_p2 *w, bool https, const char *authority);
/* A new request (one reference); NULL when out of memory or
 * WASI_HTTP_MAX_ALIVE are alive. */
wasi_p2_xfer *wasi_p2_xfer_new(wasi_p2_http *h);
/* The world's wasi:http state, made when first needed; NULL with the
 * reason in err ("wasi:http: libcurl.so.4 not found", out of memory). */
wasi_p2_http *wasi_p2_http_need(wasi_p2 *w, char *err, size_t errlen);
/* A new transfer for an outgoing request or response: the fields resource
 * `fields` is taken and made immutable (*headers gets it); NULL with err
 * when the handle is not a fields resource, or out of memory, or too many
 * transfers are alive. */
wasi_p2_xfer *wasi_p2_xfer_with_fields(wasi_p2 *w, const host_value *fields,
                                       wasi_p2_fields **headers, char *err, size_t errlen);
void wasi_p2_xfer_ref(void *x);
void wasi_p2_xfer_unref(void *x);
/* Starts the transfer (the request is complete); false with x->err set. */
bool wasi_p2_xfer_start(wasi_p2_xfer *x);
/* A transfer's pollables and streams wait for this: the world's curl
 * sockets and timer while it runs; before it runs, a look every 10 ms. */
void wasi_p2_xfer_wait(void *x, cm_wait *wait);
/* Moves curl on: ready sockets, its timer, finished transfers, deadlines. */
void wasi_p2_http_drive(wasi_p2_http *h);
/* What the world's transfers wait for: curl's sockets, its timer, deadlines. */
void wasi_p2_http_wait(wasi_p2_http *h, cm_wait *wait);
/* Lets curl send or receive again after the guest wrote or read. */
void wasi_p2_xfer_unpause(wasi_p2_xfer *x);
/* Ends a running transfer with err (taken over) unless it already ended. */
void wasi_p2_xfer_fail(wasi_p2_xfer *x, wasi_p2_http_err err);
wasi_p2_http_err wasi_p2_http_error(uint8_t tag);
/* The served side's helpers: a new incoming-body rep of x (http_response.c),
 * a new outgoing-body rep of x (http_request.c); each a new reference. */
bool wasi_p2_inbody_rep(wasi_p2 *w, wasi_p2_xfer *x, host_value *h, char *err, size_t errlen);
bool wasi_p2_outbody_rep(wasi_p2 *w, wasi_p2_xfer *x, host_value *h, char *err, size_t errlen);
#define WASI_HTTP_SERVE_BODY_MAX (16u << 20)   /* a served response body written before set */

/* the served response's pipe, the writer's side (http_pipe.c; p2.h has the reader's) */
void wasi_p2_pipe_ref(wasi_p2_http_pipe *p);
/* response-outparam.set: status 100..999 and a copy of headers, or 0 and why
 * (an error-code); false when out of memory. */
bool wasi_p2_pipe_set(wasi_p2_http_pipe *p, unsigned status, const wasi_p2_fields *headers,
                      const char *why);
/* Bytes a write may add now, or WASI_P2_CLOSED once the body ended. Fewer than want: the pollable is to wait for the reader's
 * next take (the eventfd is cleared). */
int64_t wasi_p2_pipe_room(wasi_p2_http_pipe *p, size_t want);
/* Appends n bytes (room was checked; before set, more may come); false: out of memory. */
bool wasi_p2_pipe_write(wasi_p2_http_pipe *p, const uint8_t *b, size_t n);
/* The body is complete; trailers (taken; NULL: none) follow it. */
void wasi_p2_pipe_finish(wasi_p2_http_pipe *p, wasi_p2_fields *trailers);
/* The body is abandoned (dropped unfinished): the server ends the connection. */
void wasi_p2_pipe_abort(wasi_p2_http_pipe *p);
/* What the output-stream's pollable waits on while the pipe is full. */
void wasi_p2_pipe_wait(wasi_p2_http_pipe *p, cm_wait *wait);

/* responses (http_response.c): the future's ops (handle() makes one); a
 * stream error carrying a copy of e (http-error-code reads it). */
extern const wasi_p2_ops wasi_p2_future_ops;
void wasi_p2_fail_code(wasi_p2_fail *fail, const wasi_p2_http_err *e, const char *text);
/* The error-code variant as a host value. */
host_value wasi_p2_http_err_value(const wasi_p2_http_err *e);
void wasi_p2_http_err_clear(wasi_p2_http_err *e);

#endif
