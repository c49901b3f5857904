/* http_request.c — wasi:http's request side: outgoing-request,
 * request-options, outgoing-body (its output-stream into the send buffer
 * curl's read callback takes from) and wasi:http/outgoing-handler.handle.
 *
 * handle() takes the request (its own handle) and its options, checks the
 * scheme and authority, starts the transfer (http_client.c) and returns
 * the future (http_response.c) at once. Semantics as wasmtime's
 * wasi-http: a scheme of none is https; an other(...) scheme is
 * HTTP-protocol-error; no authority is HTTP-request-URI-invalid;
 * Content-Length is checked at every write (more bytes: the write fails
 * with HTTP-request-body-size) and at finish (fewer: finish gives
 * HTTP-request-body-size). Touches no curl call itself. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wasi/p2/http_internal.h"

#define NS(v) ((v)->kind == HOST_VALUE_NIL ? 0 : wasi_p2_arg_u64(v))

typedef struct {
    uint64_t connect_ns, first_byte_ns, between_ns;
} req_options;

/* output-stream of an outgoing body: room in the send buffer */
static int64_t room(const wasi_p2_xfer *x)
{
    uint32_t max = x->serve ? WASI_HTTP_SERVE_BODY_MAX : wasi_p2_http_lim(x->h)->max_send_buffer;
    return x->slen < max ? (int64_t)(max - x->slen) : 0;
}

static bool out_ready(void *o)
{
    wasi_p2_xfer *x = o;
    if (x->pipe != NULL) {   /* a served response: room for a blocking write, or the end */
        int64_t r = wasi_p2_pipe_room(x->pipe, WASI_P2_BLOCKING_MAX);
        return r < 0 || r >= WASI_P2_BLOCKING_MAX;
    }
    wasi_p2_http_drive(x->h);
    uint32_t max = wasi_p2_http_lim(x->h)->max_send_buffer;
    return room(x) >= (max < 4096 ? max : 4096) || x->done || x->sdropped;
}

/* The served response's stream waits for its pipe to drain; a request's for curl. */
static void out_wait(void *o, cm_wait *wait)
{
    wasi_p2_xfer *x = o;
    if (x->pipe != NULL)
        wasi_p2_pipe_wait(x->pipe, wait);
    else
        wasi_p2_xfer_wait(x, wait);
}

static int64_t out_check(void *o, wasi_p2_fail *fail)
{
    wasi_p2_xfer *x = o;
    if (x->pipe != NULL && !x->sdropped && !x->sfinished)
        return wasi_p2_pipe_room(x->pipe, 1);
    wasi_p2_http_drive(x->h);
    if (x->sdropped || x->sfinished) {
        wasi_p2_http_err e = x->failed ? x->err : wasi_p2_http_error(HE_INTERNAL);
        wasi_p2_fail_code(fail, &e, "the request failed (http-error-code says why)");
        return WASI_P2_FAILED;
    }
    /* A client request that has ended (answered, or failed: refused,
     * reset...) takes the rest of its body and drops it: its outcome is the
     * future's. (StarlingMonkey's fetch() ends its event loop without an
     * exception when a body write fails; jco's and wasmtime's buffered
     * streams take the bytes too.) */
    if (x->done && !x->serve)
        return wasi_p2_http_lim(x->h)->max_send_buffer;
    if (x->serve && room(x) == 0) {
        snprintf(fail->text, sizeof fail->text, "a served response body over %u bytes",
                 WASI_HTTP_SERVE_BODY_MAX);
        return WASI_P2_FAILED;
    }
    return room(x);
}

static int64_t out_write(void *o, const uint8_t *buf, size_t n, wasi_p2_fail *fail)
{
    wasi_p2_xfer *x = o;
    int64_t r = out_check(o, fail);
    if (r < 0)
        return r;
    if ((int64_t)n > r) {
        snprintf(fail->text, sizeof fail->text,
                 "write of %zu bytes exceeded the %lld check-write permitted", n, (long long)r);
        return WASI_P2_FAILED;
    }
    if (x->done && !x->serve) {   /* dropped (out_check) */
        x->written += n;
        return (int64_t)n;
    }
    if (x->has_clen && x->written + n > x->clen) {
        wasi_p2_http_err e = wasi_p2_http_error(HE_REQ_BODY_SIZE);
        e.has_num = true;
        e.num = x->written + n;
        wasi_p2_fail_code(fail, &e, "more body than the Content-Length");
        x->sdropped = true;   /* the request fails */
        if (x->pipe != NULL)
            wasi_p2_pipe_abort(x->pipe);
        wasi_p2_xfer_unpause(x);
        return WASI_P2_FAILED;
    }
    if (x->pipe != NULL) {
        if (!wasi_p2_pipe_write(x->pipe, buf, n)) {
            snprintf(fail->text, sizeof fail->text, "out of memory");
            return WASI_P2_FAILED;
        }
        x->written += n;
        return (int64_t)n;
    }
    if (x->slen + n > x->scap) {
        size_t cap = wasi_p2_http_lim(x->h)->max_send_buffer;
        if (x->serve)   /* the whole body is kept: grow by doubling */
            for (cap = x->scap ? x->scap : 4096; cap < x->slen + n; cap *= 2) {}
        uint8_t *b = realloc(x->sbuf, cap);
        if (b == NULL) {
            snprintf(fail->text, sizeof fail->text, "out of memory");
            return WASI_P2_FAILED;
        }
        x->sbuf = b;
        x->scap = cap;
    }
    memcpy(x->sbuf + x->slen, buf, n);
    x->slen += n;
    x->written += n;
    wasi_p2_xfer_unpause(x);
    return (int64_t)n;
}

/* The outgoing body dropped without finish: the request fails. */
static void outbody_free(void *o)
{
    wasi_p2_xfer *x = o;
    if (!x->sfinished) {
        x->sdropped = true;
        if (x->pipe != NULL)   /* a served body left unfinished: the client sees it cut */
            wasi_p2_pipe_abort(x->pipe);
        wasi_p2_xfer_unpause(x);
    }
    wasi_p2_xfer_unref(x);
}

static void options_free(void *o)
{
    free(o);
}

static const wasi_p2_ops request_ops = { .name = "outgoing-request", .free = wasi_p2_xfer_unref };
static const wasi_p2_ops options_ops = { .name = "request-options", .free = options_free };
static const wasi_p2_ops outbody_ops = { .name = "outgoing-body", .free = outbody_free };
static const wasi_p2_ops outstream_ops = { .name = "output-stream", .free = wasi_p2_xfer_unref,
                                           .ref = wasi_p2_xfer_ref, .ready = out_ready,
                                           .wait = out_wait, .check_write = out_check,
                                           .write = out_write };

#define XFER(a, ops) wasi_p2_xfer *x = wasi_p2_obj(user, (a), (ops), err, errlen); \
    if (x == NULL) return false

static bool ok_unit(host_value *result, bool ok, char *err, size_t errlen)
{
    return wasi_p2_http_result(result, ok, host_bool(true), err, errlen);
}

/* ---- outgoing-request ---- */

static bool oom(char *err, size_t errlen)
{
    snprintf(err, errlen, "out of memory");
    return false;
}

/* [constructor]outgoing-request: func(headers: headers) (the fields are taken) */
static bool request_new(void *user, const host_value *args, size_t nargs, host_value *result,
                        char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2 *w = user;
    wasi_p2_fields *f;
    wasi_p2_xfer *x = wasi_p2_xfer_with_fields(w, &args[0], &f, err, errlen);
    if (x == NULL)
        return false;
    x->req_headers = f;
    const wasi_p2_field *cl = wasi_p2_fields_find(f, "content-length");
    if (cl != NULL && cl->len > 0 && cl->len < 20) {
        char num[21];
        memcpy(num, cl->value, cl->len);
        num[cl->len] = '\0';
        char *end;
        unsigned long long v = strtoull(num, &end, 10);
        if (*end == '\0' && num[0] >= '0' && num[0] <= '9') {
            x->has_clen = true;
            x->clen = v;
        }
    }
    wasi_p2_res init = { .kind = WASI_P2_OBJECT, .fd = -1, .ops = &request_ops, .obj = x };
    return wasi_p2_res_add(w, &init, result, err, errlen);
}

bool wasi_p2_outbody_rep(wasi_p2 *w, wasi_p2_xfer *x, host_value *h, char *err, size_t errlen)
{
    return wasi_p2_xfer_rep(w, x, WASI_P2_OBJECT, &outbody_ops, h, err, errlen);
}

/* [method]outgoing-request.body: func() -> result<outgoing-body> (once) */
static bool request_body(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &request_ops);
    if (x->body_made)
        return ok_unit(result, false, err, errlen);
    host_value h;
    if (!wasi_p2_xfer_rep(user, x, WASI_P2_OBJECT, &outbody_ops, &h, err, errlen))
        return false;
    x->body_made = true;
    return wasi_p2_http_result(result, true, h, err, errlen);
}

static const char *const methods[] = { "get", "head", "post", "put", "delete", "connect",
                                       "options", "trace", "patch" };

static bool token(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL)))
            return false;
    }
    return true;
}

/* The case of a variant value ({case = payload} or "case") and its string payload. */
static const char *variant_case(const host_value *v, size_t *klen, const host_value **payload)
{
    *payload = NULL;
    if (v->kind == HOST_VALUE_STRING) {
        *klen = v->len;
        return v->s;
    }
    if (v->kind == HOST_VALUE_MAP && v->len == 1) {
        *klen = v->entries[0].key_len;
        *payload = &v->entries[0].value;
        return v->entries[0].key;
    }
    return NULL;
}

static bool is_case(const char *k, size_t klen, const char *name)
{
    return strlen(name) == klen && strncasecmp(k, name, klen) == 0;
}

static bool request_method(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &request_ops);
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

static bool request_set_method(void *user, const host_value *args, size_t nargs,
                               host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &request_ops);
    size_t klen;
    const host_value *p;
    const char *k = variant_case(&args[1], &klen, &p);
    char *m = NULL;
    for (size_t i = 0; k != NULL && m == NULL && i < sizeof methods / sizeof methods[0]; i++)
        if (is_case(k, klen, methods[i])) {
            m = strdup(methods[i]);
            for (char *c = m; c != NULL && *c; c++)
                *c = (char)(*c - 'a' + 'A');
        }
    if (k != NULL && m == NULL && is_case(k, klen, "other") && p != NULL &&
        p->kind == HOST_VALUE_STRING) {
        if (!token(p->s, p->len))
            return ok_unit(result, false, err, errlen);
        m = strndup(p->s, p->len);
    }
    if (m == NULL)
        return k == NULL ? ok_unit(result, false, err, errlen) : oom(err, errlen);
    free(x->method);
    x->method = m;
    return ok_unit(result, true, err, errlen);
}

static host_value opt_string(const char *s)
{
    return s != NULL ? host_string(s, strlen(s)) : host_nil();
}

/* A path-with-query or authority: visible ASCII, without what would end it. */
static bool uri_part(const host_value *v, const char *refuse)
{
    for (size_t i = 0; i < v->len; i++) {
        unsigned char c = (unsigned char)v->s[i];
        if (c <= 0x20 || c >= 0x7f || strchr(refuse, c) != NULL)
            return false;
    }
    return true;
}

static bool set_opt_string(char **to, const host_value *v, const char *refuse, host_value *result,
                           char *err, size_t errlen)
{
    if (v->kind == HOST_VALUE_NIL) {
        free(*to);
        *to = NULL;
        return ok_unit(result, true, err, errlen);
    }
    if (v->kind != HOST_VALUE_STRING || !uri_part(v, refuse))
        return ok_unit(result, false, err, errlen);
    char *s = strndup(v->s, v->len);
    if (s == NULL)
        return oom(err, errlen);
    free(*to);
    *to = s;
    return ok_unit(result, true, err, errlen);
}

static bool request_path(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &request_ops);
    *result = opt_string(x->path);
    return true;
}

static bool request_set_path(void *user, const host_value *args, size_t nargs,
                             host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &request_ops);
    return set_opt_string(&x->path, &args[1], "#", result, err, errlen);
}

static bool request_authority(void *user, const host_value *args, size_t nargs,
                              host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &request_ops);
    *result = opt_string(x->authority);
    return true;
}

static bool request_set_authority(void *user, const host_value *args, size_t nargs,
                                  host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &request_ops);
    return set_opt_string(&x->authority, &args[1], "/?#", result, err, errlen);
}

static bool request_scheme(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &request_ops);
    if (x->scheme < 0)
        *result = host_nil();
    else if (x->scheme < 2)
        *result = host_string(x->scheme ? "HTTPS" : "HTTP", x->scheme ? 5 : 4);
    else {
        *result = host_map();
        if (!host_map_set(result, "other", 5, opt_string(x->scheme_other), NULL))
            return oom(err, errlen);
    }
    return true;
}

static bool request_set_scheme(void *user, const host_value *args, size_t nargs,
                               host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &request_ops);
    if (args[1].kind == HOST_VALUE_NIL) {
        x->scheme = -1;
        return ok_unit(result, true, err, errlen);
    }
    size_t klen;
    const host_value *p;
    const char *k = variant_case(&args[1], &klen, &p);
    if (k != NULL && (is_case(k, klen, "HTTP") || is_case(k, klen, "HTTPS"))) {
        x->scheme = klen == 5;
        return ok_unit(result, true, err, errlen);
    }
    if (k == NULL || !is_case(k, klen, "other") || p == NULL || p->kind != HOST_VALUE_STRING ||
        p->len == 0 || !uri_part(p, ":/?#"))
        return ok_unit(result, false, err, errlen);
    char *s = strndup(p->s, p->len);
    if (s == NULL)
        return oom(err, errlen);
    free(x->scheme_other);
    x->scheme_other = s;
    x->scheme = 2;
    return ok_unit(result, true, err, errlen);
}

/* [method]outgoing-request.headers: func() -> headers (immutable) */
static bool request_headers(void *user, const host_value *args, size_t nargs,
                            host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &request_ops);
    return wasi_p2_fields_rep(user, wasi_p2_fields_clone(x->req_headers, true), result, err,
                              errlen);
}

/* ---- request-options ---- */

static bool options_new(void *user, const host_value *args, size_t nargs, host_value *result,
                        char *err, size_t errlen)
{
    (void)args;
    (void)nargs;
    req_options *o = calloc(1, sizeof *o);
    if (o == NULL)
        return oom(err, errlen);
    wasi_p2_res init = { .kind = WASI_P2_OBJECT, .fd = -1, .ops = &options_ops, .obj = o };
    return wasi_p2_res_add(user, &init, result, err, errlen);
}

static bool option_get(void *user, const host_value *args, host_value *result, char *err,
                       size_t errlen, size_t at)
{
    req_options *o = wasi_p2_obj(user, &args[0], &options_ops, err, errlen);
    if (o == NULL)
        return false;
    uint64_t v = *(uint64_t *)((char *)o + at);
    *result = v ? host_uint(v) : host_nil();
    return true;
}

static bool option_set(void *user, const host_value *args, host_value *result, char *err,
                       size_t errlen, size_t at)
{
    req_options *o = wasi_p2_obj(user, &args[0], &options_ops, err, errlen);
    if (o == NULL)
        return false;
    *(uint64_t *)((char *)o + at) = NS(&args[1]);
    return ok_unit(result, true, err, errlen);
}

#define OPTION_FNS(field)                                                                   \
    static bool get_##field(void *user, const host_value *args, size_t nargs,               \
                            host_value *result, char *err, size_t errlen)                   \
    {                                                                                       \
        (void)nargs;                                                                        \
        return option_get(user, args, result, err, errlen, offsetof(req_options, field));  \
    }                                                                                       \
    static bool set_##field(void *user, const host_value *args, size_t nargs,               \
                            host_value *result, char *err, size_t errlen)                   \
    {                                                                                       \
        (void)nargs;                                                                        \
        return option_set(user, args, result, err, errlen, offsetof(req_options, field));  \
    }
OPTION_FNS(connect_ns)
OPTION_FNS(first_byte_ns)
OPTION_FNS(between_ns)

/* ---- outgoing-body ---- */

/* [method]outgoing-body.write: func() -> result<output-stream> (once) */
static bool body_write(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    (void)nargs;
    XFER(&args[0], &outbody_ops);
    if (x->write_made)
        return ok_unit(result, false, err, errlen);
    host_value h;
    if (!wasi_p2_xfer_rep(user, x, WASI_P2_OUTPUT, &outstream_ops, &h, err, errlen))
        return false;
    x->write_made = true;
    return wasi_p2_http_result(result, true, h, err, errlen);
}

/* [static]outgoing-body.finish: func(this: outgoing-body, trailers:
 * option<trailers>) -> result<_, error-code> */
static bool body_finish(void *user, const host_value *args, size_t nargs, host_value *result,
                        char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2 *w = user;
    wasi_p2_xfer *x = wasi_p2_obj_take(w, &args[0], &outbody_ops, err, errlen);
    if (x == NULL)
        return false;
    if (args[1].kind != HOST_VALUE_NIL) {
        wasi_p2_fields *t = wasi_p2_obj_take(w, &args[1], &wasi_p2_fields_ops, err, errlen);
        if (t == NULL) {
            outbody_free(x);
            return false;
        }
        wasi_p2_fields_free(x->send_trailers);
        x->send_trailers = t;
    }
    bool ok = !x->has_clen || x->written == x->clen;
    host_value v;
    if (ok) {
        x->sfinished = true;
        v = host_bool(true);
        if (x->pipe != NULL) {   /* a served response: the body and its trailers go out */
            wasi_p2_pipe_finish(x->pipe, x->send_trailers);
            x->send_trailers = NULL;
        }
    } else {
        wasi_p2_http_err e = wasi_p2_http_error(HE_REQ_BODY_SIZE);
        e.has_num = true;
        e.num = x->written;
        v = wasi_p2_http_err_value(&e);
        x->sdropped = true;   /* the request fails */
        if (x->pipe != NULL)
            wasi_p2_pipe_abort(x->pipe);
        if (x->running)
            wasi_p2_xfer_fail(x, e);
        else if (!x->done) {
            x->failed = true;
            x->err = e;
        }
    }
    wasi_p2_xfer_unpause(x);
    wasi_p2_xfer_unref(x);
    return wasi_p2_http_result(result, ok, v, err, errlen);
}

/* ---- outgoing-handler.handle ---- */

/* handle: func(request: outgoing-request, options: option<request-options>)
 * -> result<future-incoming-response, error-code> */
static bool handle(void *user, const host_value *args, size_t nargs, host_value *result,
                   char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2 *w = user;
    wasi_p2_xfer *x = wasi_p2_obj_take(w, &args[0], &request_ops, err, errlen);
    if (x == NULL)
        return false;
    if (args[1].kind != HOST_VALUE_NIL) {
        req_options *o = wasi_p2_obj_take(w, &args[1], &options_ops, err, errlen);
        if (o == NULL) {
            wasi_p2_xfer_unref(x);
            return false;
        }
        x->connect_ns = o->connect_ns;
        x->first_byte_ns = o->first_byte_ns;
        x->between_ns = o->between_ns;
        free(o);
    }
    x->handled = true;
    bool started = false;
    if (x->failed) {
        /* finish already failed the body */
    } else if (x->authority == NULL || x->authority[0] == '\0') {
        x->err = wasi_p2_http_error(HE_REQ_URI_INVALID);
    } else if (x->scheme == 2) {
        x->err = wasi_p2_http_error(HE_PROTOCOL);
    } else if (!wasi_p2_http_allowed(w, x->scheme != 0, x->authority)) {
        x->err = wasi_p2_http_error(HE_REQ_DENIED);
    } else if (x->sdropped) {
        x->err = wasi_p2_http_error(HE_REQ_BODY_SIZE);
    } else {
        const char *path = x->path != NULL && x->path[0] != '\0' ? x->path : "/";
        size_t n = strlen(x->authority) + strlen(path) + 16;
        if ((x->url = malloc(n)) == NULL) {
            wasi_p2_xfer_unref(x);
            return oom(err, errlen);
        }
        snprintf(x->url, n, "%s://%s%s%s", x->scheme == 0 ? "http" : "https", x->authority,
                 path[0] == '/' || path[0] == '*' ? "" : "/", path);
        started = wasi_p2_xfer_start(x);
    }
    if (!started) {
        host_value v = wasi_p2_http_err_value(&x->err);
        wasi_p2_xfer_unref(x);
        return wasi_p2_http_result(result, false, v, err, errlen);
    }
    host_value h;
    wasi_p2_res init = { .kind = WASI_P2_OBJECT, .fd = -1, .ops = &wasi_p2_future_ops, .obj = x };
    if (!wasi_p2_res_add(w, &init, &h, err, errlen))   /* x's reference moves to the future */
        return false;
    return wasi_p2_http_result(result, true, h, err, errlen);
}

#define T "wasi:http/types"
const wasi_p2_def wasi_p2_http_defs[] = {
    { T, "[constructor]outgoing-request", request_new, WASI_CAP_HTTP },
    { T, "[method]outgoing-request.body", request_body, WASI_CAP_HTTP },
    { T, "[method]outgoing-request.method", request_method, WASI_CAP_HTTP },
    { T, "[method]outgoing-request.set-method", request_set_method, WASI_CAP_HTTP },
    { T, "[method]outgoing-request.path-with-query", request_path, WASI_CAP_HTTP },
    { T, "[method]outgoing-request.set-path-with-query", request_set_path, WASI_CAP_HTTP },
    { T, "[method]outgoing-request.scheme", request_scheme, WASI_CAP_HTTP },
    { T, "[method]outgoing-request.set-scheme", request_set_scheme, WASI_CAP_HTTP },
    { T, "[method]outgoing-request.authority", request_authority, WASI_CAP_HTTP },
    { T, "[method]outgoing-request.set-authority", request_set_authority, WASI_CAP_HTTP },
    { T, "[method]outgoing-request.headers", request_headers, WASI_CAP_HTTP },
    { T, "[constructor]request-options", options_new, WASI_CAP_HTTP },
    { T, "[method]request-options.connect-timeout", get_connect_ns, WASI_CAP_HTTP },
    { T, "[method]request-options.set-connect-timeout", set_connect_ns, WASI_CAP_HTTP },
    { T, "[method]request-options.first-byte-timeout", get_first_byte_ns, WASI_CAP_HTTP },
    { T, "[method]request-options.set-first-byte-timeout", set_first_byte_ns, WASI_CAP_HTTP },
    { T, "[method]request-options.between-bytes-timeout", get_between_ns, WASI_CAP_HTTP },
    { T, "[method]request-options.set-between-bytes-timeout", set_between_ns, WASI_CAP_HTTP },
    { T, "[method]outgoing-body.write", body_write, WASI_CAP_HTTP },
    { T, "[static]outgoing-body.finish", body_finish, WASI_CAP_HTTP },
    { "wasi:http/outgoing-handler", "handle", handle, WASI_CAP_HTTP },
};
const size_t wasi_p2_nhttp_defs = sizeof wasi_p2_http_defs / sizeof wasi_p2_http_defs[0];
