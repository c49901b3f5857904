/* http_server.c — wasi:http's served side: incoming-request,
 * outgoing-response, response-outparam, and the host's entry point
 * (p2.h: wasi_p2_http_incoming) that `wippy wasm serve` uses to hand a
 * request to incoming-handler.handle.
 *
 * A served request and a response are transfers (wasi_p2_xfer) with
 * `serve` set and no curl handle: the request's body is all in rbuf (done),
 * so the incoming-body and its input-stream of http_response.c read it as
 * they read a client's response. What the guest answers goes into the
 * request's pipe (http_pipe.c), which the server reads: response-outparam.
 * set gives it the status and headers, and from then on the outgoing-body
 * of http_request.c writes into it (what was written before set, at most
 * WASI_HTTP_SERVE_BODY_MAX, goes in at set). Touches no curl call and no
 * socket. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wasi/p2/http_internal.h"

typedef struct {
    wasi_p2_http_pipe *pipe;   /* one reference */
} outparam;

static void outparam_free(void *o)
{
    outparam *p = o;
    if (p != NULL)
        wasi_p2_pipe_unref(p->pipe);
    free(p);
}

static const wasi_p2_ops increq_ops = { .name = "incoming-request", .free = wasi_p2_xfer_unref };
static const wasi_p2_ops outresp_ops = { .name = "outgoing-response", .free = wasi_p2_xfer_unref };
static const wasi_p2_ops outparam_ops = { .name = "response-outparam", .free = outparam_free };

#define XFER(a, ops) wasi_p2_xfer *x = wasi_p2_obj(user, (a), (ops), err, errlen); \
    if (x == NULL) return false

static bool oom(char *err, size_t errlen)
{
    snprintf(err, errlen, "out of memory");
    return false;
}

static host_value opt_string(const char *s)
{
    return s != NULL ? host_string(s, strlen(s)) : host_nil();
}

/* ---- incoming-request ---- */

static const char *const methods[] = { "get", "head", "post", "put", "delete", "connect",
                                       "options", "trace", "patch" };

/* [method]incoming-request.method: func() -> method */
static bool increq_method(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &increq_ops);
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcasecmp(x->method, methods[i]) == 0) {
            *result = host_string(methods[i], strlen(methods[i]));
            return true;
        }
    *result = host_map();
    if (!host_map_set(result, "other", 5, host_string(x->method, strlen(x->method)), NULL))
        return oom(err, errlen);
    return true;
}

static bool increq_path(void *user, const host_value *args, size_t nargs, host_value *result,
                        char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &increq_ops);
    *result = opt_string(x->path);
    return true;
}

static bool increq_scheme(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &increq_ops);
    *result = host_string(x->scheme == 1 ? "HTTPS" : "HTTP", x->scheme == 1 ? 5 : 4);
    return true;
}

static bool increq_authority(void *user, const host_value *args, size_t nargs,
                             host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &increq_ops);
    *result = opt_string(x->authority);
    return true;
}

/* [method]incoming-request.headers: func() -> headers (immutable) */
static bool increq_headers(void *user, const host_value *args, size_t nargs,
                           host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &increq_ops);
    return wasi_p2_fields_rep(user, wasi_p2_fields_clone(x->req_headers, true), result, err,
                              errlen);
}

/* [method]incoming-request.consume: func() -> result<incoming-body> (once) */
static bool increq_consume(void *user, const host_value *args, size_t nargs,
                           host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &increq_ops);
    if (x->consumed)
        return wasi_p2_http_result(result, false, host_bool(true), err, errlen);
    host_value h;
    if (!wasi_p2_inbody_rep(user, x, &h, err, errlen))
        return false;
    x->consumed = true;
    return wasi_p2_http_result(result, true, h, err, errlen);
}

/* ---- outgoing-response ---- */

/* [constructor]outgoing-response: func(headers: headers) (taken; status 200) */
static bool outresp_new(void *user, const host_value *args, size_t nargs, host_value *result,
                        char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2 *w = user;
    wasi_p2_fields *f;
    wasi_p2_xfer *x = wasi_p2_xfer_with_fields(w, &args[0], &f, err, errlen);
    if (x == NULL)
        return false;
    x->resp_headers = f;
    x->status = 200;
    x->serve = true;
    wasi_p2_res init = { .kind = WASI_P2_OBJECT, .fd = -1, .ops = &outresp_ops, .obj = x };
    return wasi_p2_res_add(w, &init, result, err, errlen);
}

static bool outresp_status(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &outresp_ops);
    *result = host_uint(x->status);
    return true;
}

/* [method]outgoing-response.set-status-code: func(status-code) -> result (100..=999) */
static bool outresp_set_status(void *user, const host_value *args, size_t nargs,
                               host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &outresp_ops);
    uint64_t s = wasi_p2_arg_u64(&args[1]);
    bool ok = s >= 100 && s <= 999;
    if (ok)
        x->status = (uint16_t)s;
    return wasi_p2_http_result(result, ok, host_bool(true), err, errlen);
}

static bool outresp_headers(void *user, const host_value *args, size_t nargs,
                            host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &outresp_ops);
    return wasi_p2_fields_rep(user, wasi_p2_fields_clone(x->resp_headers, true), result, err,
                              errlen);
}

/* [method]outgoing-response.body: func() -> result<outgoing-body> (once) */
static bool outresp_body(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &outresp_ops);
    if (x->body_made)
        return wasi_p2_http_result(result, false, host_bool(true), err, errlen);
    host_value h;
    if (!wasi_p2_outbody_rep(user, x, &h, err, errlen))
        return false;
    x->body_made = true;
    return wasi_p2_http_result(result, true, h, err, errlen);
}

/* ---- response-outparam ---- */

/* [static]response-outparam.set: func(param: response-outparam,
 * response: result<outgoing-response, error-code>) */
static bool outparam_set(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2 *w = user;
    const host_value *r = &args[1];
    if (r->kind != HOST_VALUE_MAP || r->len != 1) {
        snprintf(err, errlen, "response-outparam.set: expected a result, got kind %d",
                 (int)r->kind);
        return false;
    }
    bool ok = r->entries[0].key_len == 2 && memcmp(r->entries[0].key, "ok", 2) == 0;
    wasi_p2_xfer *x = NULL;
    if (ok && (x = wasi_p2_obj_take(w, &r->entries[0].value, &outresp_ops, err, errlen)) == NULL)
        return false;
    outparam *p = wasi_p2_obj_take(w, &args[0], &outparam_ops, err, errlen);
    if (p == NULL) {
        if (x != NULL)
            wasi_p2_xfer_unref(x);
        return false;
    }
    bool ok2;
    if (ok) {
        /* The response goes out: what the body holds already, then what comes. */
        ok2 = wasi_p2_pipe_set(p->pipe, x->status, x->resp_headers, NULL) &&
              wasi_p2_pipe_write(p->pipe, x->sbuf, x->slen);
        free(x->sbuf);
        x->sbuf = NULL;
        x->slen = x->scap = 0;
        if (!x->body_made || x->sfinished) {   /* no body is an empty one */
            wasi_p2_pipe_finish(p->pipe, x->send_trailers);
            x->send_trailers = NULL;
        } else if (x->sdropped)
            wasi_p2_pipe_abort(p->pipe);
        else {
            wasi_p2_pipe_ref(p->pipe);
            x->pipe = p->pipe;
        }
        wasi_p2_xfer_unref(x);
    } else {
        char why[128];
        const host_value *e = &r->entries[0].value;
        if (e->kind == HOST_VALUE_STRING)
            snprintf(why, sizeof why, "the handler set error-code %.*s", (int)e->len, e->s);
        else if (e->kind == HOST_VALUE_MAP && e->len == 1)
            snprintf(why, sizeof why, "the handler set error-code %.*s",
                     (int)e->entries[0].key_len, e->entries[0].key);
        else
            snprintf(why, sizeof why, "the handler set an error-code");
        ok2 = wasi_p2_pipe_set(p->pipe, 0, NULL, why);
    }
    outparam_free(p);   /* the guest's own handle, taken */
    if (!ok2)
        return oom(err, errlen);
    *result = host_nil();
    return true;
}

/* ---- the host's side ---- */

bool wasi_p2_http_incoming(wasi_p2 *w, const wasi_p2_http_in *in, wasi_p2_http_pipe *pipe,
                           host_value args[2], char *err, size_t errlen)
{
    wasi_p2_http *h = wasi_p2_http_need(w, err, errlen);
    if (h == NULL)
        return false;
    wasi_p2_xfer *x = wasi_p2_xfer_new(h);
    outparam *p = calloc(1, sizeof *p);
    if (x == NULL || p == NULL) {
        free(p);
        if (x != NULL)
            wasi_p2_xfer_unref(x);
        return oom(err, errlen);
    }
    x->serve = x->done = x->headers_done = true;
    x->scheme = in->https ? 1 : 0;
    free(x->method);
    x->method = strdup(in->method);
    x->path = strdup(in->path_with_query);
    x->authority = in->authority != NULL ? strdup(in->authority) : NULL;
    x->req_headers = wasi_p2_fields_new();
    bool ok = x->method != NULL && x->path != NULL &&
              (in->authority == NULL || x->authority != NULL) && x->req_headers != NULL;
    for (size_t i = 0; ok && i < in->nheaders; i++) {
        char name[256];
        size_t n = strlen(in->names[i]);
        if (n == 0 || n >= sizeof name)
            continue;   /* not a name wasi:http could hold */
        for (size_t j = 0; j <= n; j++)
            name[j] = (char)tolower((unsigned char)in->names[i][j]);
        ok = wasi_p2_fields_add(x->req_headers, name, n, (const uint8_t *)in->values[i],
                                strlen(in->values[i]), 1u << 20);
    }
    if (ok && in->body_len > 0) {
        ok = (x->rbuf = malloc(in->body_len)) != NULL;
        if (ok) {
            memcpy(x->rbuf, in->body, in->body_len);
            x->rlen = x->rcap = in->body_len;
        }
    }
    if (ok)
        x->req_headers->immutable = true;
    p->pipe = pipe;
    wasi_p2_res rinit = { .kind = WASI_P2_OBJECT, .fd = -1, .ops = &increq_ops, .obj = x };
    wasi_p2_res pinit = { .kind = WASI_P2_OBJECT, .fd = -1, .ops = &outparam_ops, .obj = p };
    if (!ok) {
        wasi_p2_xfer_unref(x);
        free(p);
        return oom(err, errlen);
    }
    if (!wasi_p2_res_add(w, &rinit, &args[0], err, errlen)) {   /* x freed */
        free(p);
        return false;
    }
    wasi_p2_pipe_ref(pipe);
    return wasi_p2_res_add(w, &pinit, &args[1], err, errlen);   /* p freed on failure */
}

#define T "wasi:http/types"
const wasi_p2_def wasi_p2_http_server_defs[] = {
    { T, "[method]incoming-request.method", increq_method, WASI_CAP_HTTP },
    { T, "[method]incoming-request.path-with-query", increq_path, WASI_CAP_HTTP },
    { T, "[method]incoming-request.scheme", increq_scheme, WASI_CAP_HTTP },
    { T, "[method]incoming-request.authority", increq_authority, WASI_CAP_HTTP },
    { T, "[method]incoming-request.headers", increq_headers, WASI_CAP_HTTP },
    { T, "[method]incoming-request.consume", increq_consume, WASI_CAP_HTTP },
    { T, "[constructor]outgoing-response", outresp_new, WASI_CAP_HTTP },
    { T, "[method]outgoing-response.status-code", outresp_status, WASI_CAP_HTTP },
    { T, "[method]outgoing-response.set-status-code", outresp_set_status, WASI_CAP_HTTP },
    { T, "[method]outgoing-response.headers", outresp_headers, WASI_CAP_HTTP },
    { T, "[method]outgoing-response.body", outresp_body, WASI_CAP_HTTP },
    { T, "[static]response-outparam.set", outparam_set, WASI_CAP_HTTP },
};
const size_t wasi_p2_nhttp_server_defs =
    sizeof wasi_p2_http_server_defs / sizeof wasi_p2_http_server_defs[0];
