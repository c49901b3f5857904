/* http_response.c — wasi:http's response side: future-incoming-response,
 * incoming-response, incoming-body (its input-stream of what curl has
 * received), future-trailers; the error-code variant as a value and
 * http-error-code.
 *
 * The pollables of a future, a body stream and the trailers are ready when
 * the transfer (http_client.c) has what they wait for, driving curl first;
 * else they wait for curl's sockets and timer. A second get of a future
 * gives some(err). Touches no curl call itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi/p2/http_internal.h"

static bool future_ready(void *o)
{
    wasi_p2_xfer *x = o;
    wasi_p2_http_drive(x->h);
    return x->headers_done || x->done;
}

static bool trailers_ready(void *o)
{
    wasi_p2_xfer *x = o;
    wasi_p2_http_drive(x->h);
    return x->done;
}

static void err_free(void *o)
{
    wasi_p2_http_err_clear(o);
    free(o);
}

static const wasi_p2_ops err_ops = { .name = "error", .free = err_free };

void wasi_p2_fail_code(wasi_p2_fail *fail, const wasi_p2_http_err *e, const char *text)
{
    snprintf(fail->text, sizeof fail->text, "%s", text);
    wasi_p2_http_err *c = malloc(sizeof *c);
    if (c == NULL)
        return;
    *c = *e;
    c->text = e->text != NULL ? strdup(e->text) : NULL;
    fail->ops = &err_ops;
    fail->obj = c;
}

/* input-stream of an incoming body: what curl has received */
static bool in_ready(void *o)
{
    wasi_p2_xfer *x = o;
    wasi_p2_http_drive(x->h);
    return x->rlen > x->roff || x->done;
}

static int64_t in_read(void *o, uint8_t *buf, size_t len, wasi_p2_fail *fail)
{
    wasi_p2_xfer *x = o;
    wasi_p2_http_drive(x->h);
    size_t held = x->rlen - x->roff;
    if (held > 0) {
        size_t n = held < len ? held : len;
        memcpy(buf, x->rbuf + x->roff, n);
        x->roff += n;
        if (x->roff == x->rlen)
            x->roff = x->rlen = 0;
        wasi_p2_xfer_unpause(x);
        return (int64_t)n;
    }
    if (!x->done)
        return 0;
    if (x->failed) {
        wasi_p2_fail_code(fail, &x->err, "the response body failed (http-error-code says why)");
        return WASI_P2_FAILED;
    }
    return WASI_P2_CLOSED;
}

const wasi_p2_ops wasi_p2_future_ops = { .name = "future-incoming-response",
                                        .free = wasi_p2_xfer_unref, .ref = wasi_p2_xfer_ref,
                                        .ready = future_ready, .wait = wasi_p2_xfer_wait };
static const wasi_p2_ops response_ops = { .name = "incoming-response", .free = wasi_p2_xfer_unref };
static const wasi_p2_ops inbody_ops = { .name = "incoming-body", .free = wasi_p2_xfer_unref };
static const wasi_p2_ops instream_ops = { .name = "input-stream", .free = wasi_p2_xfer_unref,
                                          .ref = wasi_p2_xfer_ref, .ready = in_ready,
                                          .wait = wasi_p2_xfer_wait, .read = in_read };
static const wasi_p2_ops trailers_ops = { .name = "future-trailers", .free = wasi_p2_xfer_unref,
                                          .ref = wasi_p2_xfer_ref, .ready = trailers_ready,
                                          .wait = wasi_p2_xfer_wait };

#define XFER(a, ops) wasi_p2_xfer *x = wasi_p2_obj(user, (a), (ops), err, errlen); \
    if (x == NULL) return false

static bool ok_unit(host_value *result, bool ok, char *err, size_t errlen)
{
    return wasi_p2_http_result(result, ok, host_bool(true), err, errlen);
}

/* ---- error-code ---- */

enum { P_NONE, P_REC, P_OPTNUM, P_OPTREC, P_OPTSTR };
static const struct { const char *name; unsigned char payload; } cases[] = {
    { "DNS-timeout", P_NONE }, { "DNS-error", P_REC }, { "destination-not-found", P_NONE },
    { "destination-unavailable", P_NONE }, { "destination-IP-prohibited", P_NONE },
    { "destination-IP-unroutable", P_NONE }, { "connection-refused", P_NONE },
    { "connection-terminated", P_NONE }, { "connection-timeout", P_NONE },
    { "connection-read-timeout", P_NONE }, { "connection-write-timeout", P_NONE },
    { "connection-limit-reached", P_NONE }, { "TLS-protocol-error", P_NONE },
    { "TLS-certificate-error", P_NONE }, { "TLS-alert-received", P_REC },
    { "HTTP-request-denied", P_NONE }, { "HTTP-request-length-required", P_NONE },
    { "HTTP-request-body-size", P_OPTNUM }, { "HTTP-request-method-invalid", P_NONE },
    { "HTTP-request-URI-invalid", P_NONE }, { "HTTP-request-URI-too-long", P_NONE },
    { "HTTP-request-header-section-size", P_OPTNUM }, { "HTTP-request-header-size", P_OPTREC },
    { "HTTP-request-trailer-section-size", P_OPTNUM }, { "HTTP-request-trailer-size", P_REC },
    { "HTTP-response-incomplete", P_NONE }, { "HTTP-response-header-section-size", P_OPTNUM },
    { "HTTP-response-header-size", P_REC }, { "HTTP-response-body-size", P_OPTNUM },
    { "HTTP-response-trailer-section-size", P_OPTNUM }, { "HTTP-response-trailer-size", P_REC },
    { "HTTP-response-transfer-coding", P_OPTSTR }, { "HTTP-response-content-coding", P_OPTSTR },
    { "HTTP-response-timeout", P_NONE }, { "HTTP-upgrade-failed", P_NONE },
    { "HTTP-protocol-error", P_NONE }, { "loop-detected", P_NONE },
    { "configuration-error", P_NONE }, { "internal-error", P_OPTSTR },
};

host_value wasi_p2_http_err_value(const wasi_p2_http_err *e)
{
    unsigned tag = e->tag < sizeof cases / sizeof cases[0] ? e->tag : HE_INTERNAL;
    const char *name = cases[tag].name;
    host_value payload;
    switch (cases[tag].payload) {
    case P_REC:
        payload = host_map();   /* every field none, but DNS-error's and TLS-alert-received's */
        if (tag == HE_DNS_ERROR || tag == HE_TLS_ALERT) {
            const char *text = tag == HE_DNS_ERROR ? "rcode" : "alert-message";
            const char *num = tag == HE_DNS_ERROR ? "info-code" : "alert-id";
            if ((e->text != NULL &&
                 !host_map_set(&payload, text, strlen(text), host_string(e->text, strlen(e->text)), NULL)) ||
                (e->has_num && !host_map_set(&payload, num, strlen(num), host_uint(e->num), NULL))) {
                host_value_free(&payload);
                return host_string(name, strlen(name));
            }
        }
        break;
    case P_OPTNUM:
        if (!e->has_num)
            return host_string(name, strlen(name));
        payload = host_uint(e->num);
        break;
    case P_OPTSTR:
        if (e->text == NULL)
            return host_string(name, strlen(name));
        payload = host_string(e->text, strlen(e->text));
        break;
    default:
        return host_string(name, strlen(name));
    }
    host_value v = host_map();
    if (!host_map_set(&v, name, strlen(name), payload, NULL))
        return host_string(name, strlen(name));
    return v;
}

/* http-error-code: func(err: borrow<io-error>) -> option<error-code> */
static bool http_error_code(void *user, const host_value *args, size_t nargs,
                            host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *r = wasi_p2_res_get(user, &args[0], WASI_P2_ERROR, err, errlen);
    if (r == NULL)
        return false;
    *result = r->ops == &err_ops && r->obj != NULL ? wasi_p2_http_err_value(r->obj) : host_nil();
    return true;
}

/* ---- future-incoming-response, incoming-response ---- */

/* [method]future-incoming-response.subscribe / future-trailers.subscribe: func() -> pollable */
static bool subscribe_as(void *user, const host_value *self, const wasi_p2_ops *ops,
                         host_value *result, char *err, size_t errlen)
{
    wasi_p2_xfer *x = wasi_p2_obj(user, self, ops, err, errlen);
    if (x == NULL)
        return false;
    return wasi_p2_xfer_rep(user, x, WASI_P2_POLLABLE, ops, result, err, errlen);
}

static bool future_subscribe(void *user, const host_value *args, size_t nargs,
                             host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    return subscribe_as(user, &args[0], &wasi_p2_future_ops, result, err, errlen);
}

/* some(ok(v)) for a future's get: {"ok": v}, the option's some being the value. */
static bool some_ok(host_value *result, bool ok, host_value v, char *err, size_t errlen)
{
    host_value inner;
    if (!wasi_p2_http_result(&inner, ok, v, err, errlen))
        return false;
    return wasi_p2_http_result(result, true, inner, err, errlen);
}

/* [method]future-incoming-response.get: func() ->
 * option<result<result<incoming-response, error-code>>> */
static bool future_get(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &wasi_p2_future_ops);
    if (x->future_taken)
        return ok_unit(result, false, err, errlen);   /* some(err) */
    if (!future_ready(x)) {
        *result = host_nil();
        return true;
    }
    x->future_taken = true;
    if (!x->headers_done) {   /* failed, or ended without a final response */
        wasi_p2_http_err none = wasi_p2_http_error(HE_RESP_INCOMPLETE);
        return some_ok(result, false, wasi_p2_http_err_value(x->failed ? &x->err : &none), err,
                       errlen);
    }
    host_value h;
    if (!wasi_p2_xfer_rep(user, x, WASI_P2_OBJECT, &response_ops, &h, err, errlen))
        return false;
    return some_ok(result, true, h, err, errlen);
}

static bool response_status(void *user, const host_value *args, size_t nargs,
                            host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &response_ops);
    *result = host_uint(x->status);
    return true;
}

static bool response_headers(void *user, const host_value *args, size_t nargs,
                             host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &response_ops);
    wasi_p2_fields *f = x->resp_headers != NULL ? wasi_p2_fields_clone(x->resp_headers, true)
                                                : wasi_p2_fields_new();
    if (f != NULL)
        f->immutable = true;
    return wasi_p2_fields_rep(user, f, result, err, errlen);
}

/* [method]incoming-response.consume: func() -> result<incoming-body> (once) */
static bool response_consume(void *user, const host_value *args, size_t nargs,
                             host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &response_ops);
    if (x->consumed)
        return ok_unit(result, false, err, errlen);
    host_value h;
    if (!wasi_p2_xfer_rep(user, x, WASI_P2_OBJECT, &inbody_ops, &h, err, errlen))
        return false;
    x->consumed = true;
    return wasi_p2_http_result(result, true, h, err, errlen);
}

/* ---- incoming-body, future-trailers ---- */

bool wasi_p2_inbody_rep(wasi_p2 *w, wasi_p2_xfer *x, host_value *h, char *err, size_t errlen)
{
    return wasi_p2_xfer_rep(w, x, WASI_P2_OBJECT, &inbody_ops, h, err, errlen);
}

static bool inbody_stream(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &inbody_ops);
    if (x->stream_made)
        return ok_unit(result, false, err, errlen);
    host_value h;
    if (!wasi_p2_xfer_rep(user, x, WASI_P2_INPUT, &instream_ops, &h, err, errlen))
        return false;
    x->stream_made = true;
    return wasi_p2_http_result(result, true, h, err, errlen);
}

/* [static]incoming-body.finish: func(this: incoming-body) -> future-trailers:
 * what was not read is dropped as it comes (the transfer runs to its end). */
static bool inbody_finish(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2 *w = user;
    wasi_p2_xfer *x = wasi_p2_obj_take(w, &args[0], &inbody_ops, err, errlen);
    if (x == NULL)
        return false;
    x->discard = true;
    x->roff = x->rlen = 0;
    wasi_p2_xfer_unpause(x);
    wasi_p2_res init = { .kind = WASI_P2_OBJECT, .fd = -1, .ops = &trailers_ops, .obj = x };
    return wasi_p2_res_add(w, &init, result, err, errlen);
}

static bool trailers_subscribe(void *user, const host_value *args, size_t nargs,
                               host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    return subscribe_as(user, &args[0], &trailers_ops, result, err, errlen);
}

/* [method]future-trailers.get: func() -> option<result<result<option<trailers>, error-code>>> */
static bool trailers_get(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &trailers_ops);
    if (x->trailers_taken)
        return ok_unit(result, false, err, errlen);
    if (!trailers_ready(x)) {
        *result = host_nil();
        return true;
    }
    x->trailers_taken = true;
    if (x->failed)
        return some_ok(result, false, wasi_p2_http_err_value(&x->err), err, errlen);
    if (x->trailers == NULL)
        return some_ok(result, true, host_nil(), err, errlen);
    host_value h;
    if (!wasi_p2_fields_rep(user, wasi_p2_fields_clone(x->trailers, true), &h, err, errlen))
        return false;
    return some_ok(result, true, h, err, errlen);
}

#define T "wasi:http/types"
const wasi_p2_def wasi_p2_http_response_defs[] = {
    { T, "http-error-code", http_error_code, WASI_CAP_HTTP },
    { T, "[method]future-incoming-response.subscribe", future_subscribe, WASI_CAP_HTTP },
    { T, "[method]future-incoming-response.get", future_get, WASI_CAP_HTTP },
    { T, "[method]incoming-response.status", response_status, WASI_CAP_HTTP },
    { T, "[method]incoming-response.headers", response_headers, WASI_CAP_HTTP },
    { T, "[method]incoming-response.consume", response_consume, WASI_CAP_HTTP },
    { T, "[method]incoming-body.stream", inbody_stream, WASI_CAP_HTTP },
    { T, "[static]incoming-body.finish", inbody_finish, WASI_CAP_HTTP },
    { T, "[method]future-trailers.subscribe", trailers_subscribe, WASI_CAP_HTTP },
    { T, "[method]future-trailers.get", trailers_get, WASI_CAP_HTTP },
};
const size_t wasi_p2_nhttp_response_defs =
    sizeof wasi_p2_http_response_defs / sizeof wasi_p2_http_response_defs[0];
