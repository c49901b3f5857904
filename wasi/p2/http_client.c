/* http_client.c — wasi:http's transfers over libcurl's multi-socket
 * interface, one multi handle per world (so per process: no lock, no
 * curl handle shared between threads).
 *
 * Nothing here blocks or has a thread of its own: curl tells which
 * sockets it wants watched (CURLMOPT_SOCKETFUNCTION) and when it wants to
 * be called back (CURLMOPT_TIMERFUNCTION); a pollable of a future or body
 * asks wasi_p2_http_wait for exactly that (the process parks in the
 * host's event loop on those descriptors and that deadline), and every
 * look (ready, read, write) first runs wasi_p2_http_drive: a zero-timeout
 * poll(2) over curl's sockets, curl_multi_socket_action for the ready
 * ones and for a due timer, then the finished transfers and our own
 * deadlines (first byte, between bytes).
 *
 * Bodies stream both ways with backpressure: curl's read callback pauses
 * the upload (CURL_READFUNC_PAUSE) while the guest has written nothing
 * new, and its write callback pauses the download (CURL_WRITEFUNC_PAUSE)
 * when max_body_buffer bytes wait for a guest that does not read; a
 * guest's write or read unpauses it. Response headers arrive through the
 * header callback (at most max_header_bytes), trailers too.
 *
 * libcurl is loaded with dlopen at the first request (CURL_SONAME), so
 * the binary does not map it at start-up.
 *
 * Touches wasi/p2's rep table only through the xfer's reference count. */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi/p2/http_internal.h"

#define MS 1000000ull

struct wasi_p2_http {
    CURLM *multi;
    wasi_p2_http_limits lim;
    struct { curl_socket_t fd; int what; } *socks;   /* what curl watches */
    size_t nsocks, capsocks;
    bool has_timer;
    uint64_t timer_at;
    uint32_t running, alive;
    wasi_p2_xfer *xfers;   /* running transfers */
};

/* libcurl, loaded on first use (dlopen): a process that makes no request
 * does not map it and the dozens of libraries it needs. Set once, then
 * only read. */
static struct {
    CURLcode (*global_init)(long);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_socket_action)(CURLM *, curl_socket_t, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_pause)(CURL *, int);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} C;

#define SYM(f) { "curl_" #f, offsetof(__typeof__(C), f) }
static const struct { const char *name; size_t at; } syms[] = {
    SYM(global_init), SYM(multi_init), SYM(multi_setopt), SYM(multi_cleanup),
    SYM(multi_add_handle), SYM(multi_remove_handle), SYM(multi_socket_action),
    SYM(multi_info_read), SYM(easy_init), SYM(easy_setopt), SYM(easy_getinfo),
    SYM(easy_cleanup), SYM(easy_pause), SYM(easy_strerror), SYM(slist_append),
    SYM(slist_free_all),
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static char curl_error[256];   /* why libcurl is not there; "" when it is */

static void curl_init(void)
{
#ifdef WIPPY_STATIC
    snprintf(curl_error, sizeof curl_error, "a static-pie build cannot load %s", CURL_SONAME);
#else
    void *lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        snprintf(curl_error, sizeof curl_error, "cannot load %s: %s", CURL_SONAME, dlerror());
        return;
    }
    for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
        void *f = dlsym(lib, syms[i].name);
        if (f == NULL) {
            snprintf(curl_error, sizeof curl_error, "%s has no %s", CURL_SONAME, syms[i].name);
            return;
        }
        memcpy((char *)&C + syms[i].at, &f, sizeof f);
    }
    if (C.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        snprintf(curl_error, sizeof curl_error, "curl_global_init failed");
#endif
}

const char *wasi_p2_http_unavailable(void)
{
    pthread_once(&curl_once, curl_init);
    return curl_error[0] ? curl_error : NULL;
}

static const wasi_p2_http_limits defaults = {
    .max_requests = 32, .max_header_bytes = 65536, .max_body_buffer = 1u << 20, .max_send_buffer = 65536,
};

static void apply_limits(wasi_p2_http_limits *to, const wasi_p2_http_limits *from)
{
    to->max_requests = from->max_requests ? from->max_requests : defaults.max_requests;
    to->max_header_bytes = from->max_header_bytes ? from->max_header_bytes : defaults.max_header_bytes;
    to->max_body_buffer = from->max_body_buffer ? from->max_body_buffer : defaults.max_body_buffer;
    to->max_send_buffer = from->max_send_buffer ? from->max_send_buffer : defaults.max_send_buffer;
    to->ca_file = from->ca_file;
}

/* CURLMOPT_SOCKETFUNCTION: curl watches s for what (CURL_POLL_REMOVE: no more). */
static int on_socket(CURL *easy, curl_socket_t s, int what, void *user, void *socketp)
{
    (void)easy;
    (void)socketp;
    wasi_p2_http *h = user;
    for (size_t i = 0; i < h->nsocks; i++)
        if (h->socks[i].fd == s) {
            if (what == CURL_POLL_REMOVE)
                h->socks[i] = h->socks[--h->nsocks];
            else
                h->socks[i].what = what;
            return 0;
        }
    if (what == CURL_POLL_REMOVE)
        return 0;
    if (h->nsocks == h->capsocks) {
        size_t cap = h->capsocks ? 2 * h->capsocks : 8;
        void *p = realloc(h->socks, cap * sizeof *h->socks);
        if (p == NULL)
            return -1;   /* curl fails the transfer */
        h->socks = p;
        h->capsocks = cap;
    }
    h->socks[h->nsocks].fd = s;
    h->socks[h->nsocks].what = what;
    h->nsocks++;
    return 0;
}

/* CURLMOPT_TIMERFUNCTION: call C.multi_socket_action(TIMEOUT) in ms (-1: never). */
static int on_timer(CURLM *multi, long ms, void *user)
{
    (void)multi;
    wasi_p2_http *h = user;
    h->has_timer = ms >= 0;
    h->timer_at = wasi_p2_now_ns() + (uint64_t)(ms > 0 ? ms : 0) * MS;
    return 0;
}

wasi_p2_http *wasi_p2_http_get(wasi_p2 *w)
{
    if (w->http != NULL)
        return w->http;
    if (wasi_p2_http_unavailable() != NULL)
        return NULL;
    wasi_p2_http *h = calloc(1, sizeof *h);
    if (h == NULL || (h->multi = C.multi_init()) == NULL) {
        free(h);
        return NULL;
    }
    h->lim = defaults;
    if (wasi_p2_http_conf_limits(w) != NULL)
        apply_limits(&h->lim, wasi_p2_http_conf_limits(w));
    C.multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    C.multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
    C.multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    C.multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
    w->http = h;
    return h;
}

void wasi_p2_http_apply(wasi_p2_http *h, const wasi_p2_http_limits *lim)
{
    apply_limits(&h->lim, lim);
}

const wasi_p2_http_limits *wasi_p2_http_lim(const wasi_p2_http *h)
{
    return &h->lim;
}

void wasi_p2_http_free(wasi_p2_http *h)
{
    if (h == NULL)
        return;
    while (h->xfers != NULL)   /* reps the world could not free yet: none, normally */
        wasi_p2_xfer_fail(h->xfers, wasi_p2_http_error(HE_INTERNAL));
    C.multi_cleanup(h->multi);
    free(h->socks);
    free(h);
}

/* ---- errors ---- */

wasi_p2_http_err wasi_p2_http_error(uint8_t tag)
{
    return (wasi_p2_http_err){ .tag = tag };
}

void wasi_p2_http_err_clear(wasi_p2_http_err *e)
{
    free(e->text);
    e->text = NULL;
}

/* A TLS alert the server sent, from curl's message for it: OpenSSL's
 * packed code "error:0A000410:SSL routines::sslv3 alert handshake
 * failure", library 20 (SSL) and reason 1000 + the alert's number
 * (OpenSSL's SSL_AD_REASON_OFFSET). Makes e TLS-alert-received with the
 * number and the text after the last ':' (up to a ',': curl may add
 * ", errno 0"); e is unchanged otherwise. */
static void tls_alert(const char *msg, wasi_p2_http_err *e)
{
    const char *p = strstr(msg, "error:");
    if (p == NULL)
        return;
    char *end;
    unsigned long code = strtoul(p + 6, &end, 16);
    unsigned long reason = code & 0x7FFFFFul;
    if (end != p + 14 || *end != ':' || (code >> 23) != 20 || reason < 1000 || reason > 1255)
        return;
    e->tag = HE_TLS_ALERT;
    e->has_num = true;
    e->num = reason - 1000;
    const char *text = strrchr(end, ':') + 1;
    e->text = strndup(text, strcspn(text, ","));
}

/* The error-code of a transfer curl ended with rc. */
static wasi_p2_http_err map_curl(wasi_p2_xfer *x, CURLcode rc)
{
    long oserr = 0;
    curl_off_t connect = 0;
    C.easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &oserr);
    C.easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &connect);
    wasi_p2_http_err e = { .tag = HE_INTERNAL };
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_RESOLVE_PROXY:
        /* wasmtime's payload: the resolver gives no rcode or EDE code */
        e.tag = HE_DNS_ERROR;
        e.text = strdup("address not available");
        e.has_num = true;
        e.num = 0;
        break;
    case CURLE_COULDNT_CONNECT:
        e.tag = oserr == ENETUNREACH || oserr == EHOSTUNREACH ? HE_IP_UNROUTABLE
              : oserr == ETIMEDOUT ? HE_CONN_TIMEOUT : HE_CONN_REFUSED;
        break;
    case CURLE_OPERATION_TIMEDOUT:
        e.tag = connect == 0 ? HE_CONN_TIMEOUT : HE_RESP_TIMEOUT;
        break;
    case CURLE_SSL_CONNECT_ERROR: case CURLE_SSL_ENGINE_NOTFOUND: case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CIPHER: case CURLE_USE_SSL_FAILED: case CURLE_SSL_SHUTDOWN_FAILED:
        e.tag = HE_TLS_PROTOCOL;
        tls_alert(x->errbuf, &e);
        break;
    case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CERTPROBLEM: case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE: case CURLE_SSL_ISSUER_ERROR: case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        e.tag = HE_TLS_CERT;
        break;
    case CURLE_GOT_NOTHING: case CURLE_PARTIAL_FILE:
        e.tag = HE_RESP_INCOMPLETE;
        break;
    case CURLE_SEND_ERROR: case CURLE_RECV_ERROR:   /* an alert after the handshake, too */
        e.tag = HE_CONN_TERMINATED;
        tls_alert(x->errbuf, &e);
        break;
    case CURLE_WEIRD_SERVER_REPLY: case CURLE_HTTP2: case CURLE_HTTP2_STREAM:
    case CURLE_UNSUPPORTED_PROTOCOL: case CURLE_HTTP3:
        e.tag = HE_PROTOCOL;
        break;
    case CURLE_TOO_MANY_REDIRECTS:
        e.tag = HE_LOOP;
        break;
    case CURLE_URL_MALFORMAT:
        e.tag = HE_REQ_URI_INVALID;
        break;
    case CURLE_FILESIZE_EXCEEDED:
        e.tag = HE_RESP_BODY_SIZE;
        break;
    case CURLE_BAD_CONTENT_ENCODING:
        e.tag = HE_RESP_CONTENT_CODING;
        break;
    default: {
        const char *t = x->errbuf[0] ? x->errbuf : C.easy_strerror(rc);
        e.text = strdup(t);
        break;
    }
    }
    return e;
}

/* ---- transfers ---- */

wasi_p2_xfer *wasi_p2_xfer_new(wasi_p2_http *h)
{
    wasi_p2_xfer *x = h->alive < WASI_HTTP_MAX_ALIVE ? calloc(1, sizeof *x) : NULL;
    if (x == NULL)
        return NULL;
    x->refs = 1;
    x->h = h;
    x->scheme = -1;
    if ((x->method = strdup("GET")) == NULL) {
        free(x);
        return NULL;
    }
    h->alive++;
    return x;
}

void wasi_p2_xfer_ref(void *obj)
{
    ((wasi_p2_xfer *)obj)->refs++;
}

/* Takes a running transfer out of curl and the world's list. */
static void detach(wasi_p2_xfer *x)
{
    if (!x->running)
        return;
    C.multi_remove_handle(x->h->multi, x->easy);
    x->running = false;
    x->h->running--;
    if (x->prev != NULL)
        x->prev->next = x->next;
    else
        x->h->xfers = x->next;
    if (x->next != NULL)
        x->next->prev = x->prev;
    x->prev = x->next = NULL;
}

void wasi_p2_xfer_unref(void *obj)
{
    wasi_p2_xfer *x = obj;
    if (--x->refs > 0)
        return;
    detach(x);   /* the guest let go of everything: the transfer is aborted */
    x->h->alive--;
    if (x->easy != NULL)
        C.easy_cleanup(x->easy);
    C.slist_free_all(x->slist);
    C.slist_free_all(x->trailer_slist);
    wasi_p2_fields_free(x->req_headers);
    wasi_p2_fields_free(x->resp_headers);
    wasi_p2_fields_free(x->trailers);
    wasi_p2_fields_free(x->send_trailers);
    wasi_p2_http_err_clear(&x->err);
    free(x->method);
    free(x->scheme_other);
    free(x->path);
    free(x->authority);
    free(x->url);
    free(x->sbuf);
    free(x->rbuf);
    wasi_p2_pipe_unref(x->pipe);
    free(x);
}

void wasi_p2_xfer_fail(wasi_p2_xfer *x, wasi_p2_http_err err)
{
    if (x->done) {
        wasi_p2_http_err_clear(&err);
        return;
    }
    detach(x);
    x->done = x->failed = true;
    wasi_p2_http_err_clear(&x->err);
    x->err = err;
}

/* CURLOPT_READFUNCTION: the request body the guest has written. */
static size_t on_read(char *buf, size_t size, size_t nitems, void *user)
{
    wasi_p2_xfer *x = user;
    size_t room = size * nitems;
    if (x->slen > 0) {
        size_t n = x->slen < room ? x->slen : room;
        memcpy(buf, x->sbuf, n);
        memmove(x->sbuf, x->sbuf + n, x->slen - n);
        x->slen -= n;
        return n;
    }
    if (x->sdropped)
        return CURL_READFUNC_ABORT;
    if (x->sfinished)
        return 0;
    x->send_paused = true;
    return CURL_READFUNC_PAUSE;
}

/* CURLOPT_TRAILERFUNCTION: the trailers outgoing-body.finish gave. */
static int on_trailers(struct curl_slist **list, void *user)
{
    wasi_p2_xfer *x = user;
    for (size_t i = 0; x->send_trailers != NULL && i < x->send_trailers->n; i++) {
        const wasi_p2_field *f = &x->send_trailers->items[i];
        size_t n = strlen(f->name) + f->len + 3;
        char *line = malloc(n);
        if (line == NULL)
            return CURL_TRAILERFUNC_ABORT;
        snprintf(line, n, "%s: %.*s", f->name, (int)f->len, (const char *)f->value);
        struct curl_slist *l = C.slist_append(*list, line);
        free(line);
        if (l == NULL)
            return CURL_TRAILERFUNC_ABORT;
        *list = l;
    }
    return CURL_TRAILERFUNC_OK;
}

/* CURLOPT_HEADERFUNCTION: one header line (status lines and the blank
 * line that ends a block included); after the final response's block,
 * the lines are trailers. */
static size_t on_header(char *buf, size_t size, size_t nitems, void *user)
{
    wasi_p2_xfer *x = user;
    size_t n = size * nitems, len = n;
    x->got_byte = true;
    x->last_byte_at = wasi_p2_now_ns();
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        len--;
    if (!x->headers_done && len >= 5 && strncmp(buf, "HTTP/", 5) == 0) {   /* a new block */
        wasi_p2_fields_free(x->resp_headers);
        x->resp_headers = NULL;
        x->header_bytes = 0;
        return n;
    }
    x->header_bytes += n;
    if (x->header_bytes > x->h->lim.max_header_bytes) {
        /* curl ends the transfer (a write error); drive sees failed and keeps this */
        wasi_p2_http_err_clear(&x->err);
        x->err = wasi_p2_http_error(HE_RESP_HEADER_SECTION_SIZE);
        x->err.has_num = true;
        x->err.num = x->h->lim.max_header_bytes;
        x->failed = true;
        return 0;
    }
    if (len == 0) {
        long status = 0;
        C.easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
        if (!x->headers_done && status >= 200) {
            x->headers_done = true;
            x->status = (uint16_t)status;
        }
        return n;
    }
    const char *colon = memchr(buf, ':', len);
    if (colon == NULL)
        return n;   /* a folded line or junk: not a field */
    size_t nlen = (size_t)(colon - buf);
    const char *v = colon + 1;
    size_t vlen = len - nlen - 1;
    while (vlen > 0 && (*v == ' ' || *v == '\t'))
        v++, vlen--;
    while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
        vlen--;
    wasi_p2_fields **to = x->headers_done ? &x->trailers : &x->resp_headers;
    if (*to == NULL && (*to = wasi_p2_fields_new()) == NULL)
        return 0;
    (*to)->immutable = true;
    if (!wasi_p2_fields_add(*to, buf, nlen, (const uint8_t *)v, vlen, SIZE_MAX))
        return 0;
    return n;
}

/* CURLOPT_WRITEFUNCTION: response body bytes; paused when the guest
 * leaves max_body_buffer bytes unread (curl hands them again later). */
static size_t on_write(char *buf, size_t size, size_t nitems, void *user)
{
    wasi_p2_xfer *x = user;
    size_t n = size * nitems;
    x->got_byte = true;
    x->last_byte_at = wasi_p2_now_ns();
    if (x->discard)
        return n;
    size_t held = x->rlen - x->roff;
    if (held > 0 && held + n > x->h->lim.max_body_buffer) {
        x->recv_paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    if (x->roff > 0) {
        memmove(x->rbuf, x->rbuf + x->roff, held);
        x->rlen = held;
        x->roff = 0;
    }
    if (x->rlen + n > x->rcap) {
        size_t cap = x->rcap ? x->rcap : 16384;
        while (cap < x->rlen + n)
            cap *= 2;
        uint8_t *b = realloc(x->rbuf, cap);
        if (b == NULL)
            return 0;
        x->rbuf = b;
        x->rcap = cap;
    }
    memcpy(x->rbuf + x->rlen, buf, n);
    x->rlen += n;
    return n;
}

static bool set_headers(wasi_p2_xfer *x)
{
    struct curl_slist *l = NULL;
    /* curl's own: no Expect: 100-continue wait, no Accept unless the guest's */
    if ((l = C.slist_append(l, "Expect:")) == NULL)
        return false;
    x->slist = l;
    if (wasi_p2_fields_find(x->req_headers, "accept") == NULL &&
        (l = C.slist_append(x->slist, "Accept:")) == NULL)
        return false;
    for (size_t i = 0; x->req_headers != NULL && i < x->req_headers->n; i++) {
        const wasi_p2_field *f = &x->req_headers->items[i];
        size_t n = strlen(f->name) + f->len + 3;
        char *line = malloc(n);
        if (line == NULL)
            return false;
        if (f->len == 0)   /* "Name;" sends an empty value */
            snprintf(line, n, "%s;", f->name);
        else
            snprintf(line, n, "%s: %.*s", f->name, (int)f->len, (const char *)f->value);
        l = C.slist_append(x->slist, line);
        free(line);
        if (l == NULL)
            return false;
    }
    return C.easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->slist) == CURLE_OK;
}

bool wasi_p2_xfer_start(wasi_p2_xfer *x)
{
    wasi_p2_http *h = x->h;
    if (h->running >= h->lim.max_requests) {
        x->err = wasi_p2_http_error(HE_CONN_LIMIT);
        return false;
    }
    if ((x->easy = C.easy_init()) == NULL) {
        x->err = wasi_p2_http_error(HE_INTERNAL);
        return false;
    }
    CURL *e = x->easy;
    bool ok = C.easy_setopt(e, CURLOPT_URL, x->url) == CURLE_OK;
    if (!ok) {
        x->err = wasi_p2_http_error(HE_REQ_URI_INVALID);
        return false;
    }
    C.easy_setopt(e, CURLOPT_PRIVATE, x);
    C.easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    C.easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    C.easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    C.easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    C.easy_setopt(e, CURLOPT_HEADERDATA, x);
    C.easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    C.easy_setopt(e, CURLOPT_WRITEDATA, x);
    C.easy_setopt(e, CURLOPT_HTTP_TRANSFER_DECODING, 1L);
    /* HTTP/1.1 for http://, HTTP/2 when ALPN agrees for https:// (RATIONALE.md) */
    C.easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    if (h->lim.ca_file != NULL)   /* trusted besides the system's CA path */
        C.easy_setopt(e, CURLOPT_CAINFO, h->lim.ca_file);
    if (x->connect_ns > 0)
        C.easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                         (long)(x->connect_ns / MS > 0 ? x->connect_ns / MS : 1));
    if (strcmp(x->method, "GET") == 0 && !x->body_made)
        C.easy_setopt(e, CURLOPT_HTTPGET, 1L);
    else if (strcmp(x->method, "HEAD") == 0)
        C.easy_setopt(e, CURLOPT_NOBODY, 1L);
    else
        C.easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
    if (x->body_made && strcmp(x->method, "HEAD") != 0) {
        curl_off_t size = x->has_clen ? (curl_off_t)x->clen
                        : x->sfinished && x->send_trailers == NULL ? (curl_off_t)x->slen
                        : -1;   /* -1: chunked (trailers need it) */
        C.easy_setopt(e, CURLOPT_UPLOAD, 1L);
        C.easy_setopt(e, CURLOPT_INFILESIZE_LARGE, size);
        C.easy_setopt(e, CURLOPT_READFUNCTION, on_read);
        C.easy_setopt(e, CURLOPT_READDATA, x);
        C.easy_setopt(e, CURLOPT_TRAILERFUNCTION, on_trailers);
        C.easy_setopt(e, CURLOPT_TRAILERDATA, x);
    }
    if (!set_headers(x) || C.multi_add_handle(h->multi, e) != CURLM_OK) {
        x->err = wasi_p2_http_error(HE_INTERNAL);
        return false;
    }
    x->running = true;
    h->running++;
    x->next = h->xfers;
    if (h->xfers != NULL)
        h->xfers->prev = x;
    h->xfers = x;
    wasi_p2_http_drive(h);   /* starts resolving and connecting now */
    return true;
}

void wasi_p2_xfer_unpause(wasi_p2_xfer *x)
{
    if (!x->running || (!x->send_paused && !x->recv_paused))
        return;
    bool recv = x->recv_paused && x->rlen - x->roff < x->h->lim.max_body_buffer / 2;
    bool send = x->send_paused && (x->slen > 0 || x->sfinished || x->sdropped);
    if (!recv && !send)
        return;
    if (recv)
        x->recv_paused = false;
    if (send)
        x->send_paused = false;
    C.easy_pause(x->easy, (x->recv_paused ? CURLPAUSE_RECV : 0) |
                             (x->send_paused ? CURLPAUSE_SEND : 0));
}

/* Our own deadlines: first byte (after connecting), between bytes (while
 * the guest reads). Due: the transfer ends with connection-read-timeout. */
static uint64_t deadline_of(wasi_p2_xfer *x)
{
    if (x->first_byte_ns > 0 && !x->got_byte && x->connected_at != 0)
        return x->connected_at + x->first_byte_ns;
    if (x->between_ns > 0 && x->got_byte && !x->recv_paused)
        return x->last_byte_at + x->between_ns;
    return 0;
}

void wasi_p2_http_drive(wasi_p2_http *h)
{
    if (h == NULL || h->running == 0)
        return;
    int still;
    size_t n = h->nsocks;
    struct pollfd *fds = n ? calloc(n, sizeof *fds) : NULL;
    for (size_t i = 0; fds != NULL && i < n; i++)
        fds[i] = (struct pollfd){ .fd = h->socks[i].fd,
                                  .events = (short)((h->socks[i].what & CURL_POLL_IN ? POLLIN : 0) |
                                                    (h->socks[i].what & CURL_POLL_OUT ? POLLOUT : 0)) };
    if (fds != NULL && poll(fds, n, 0) > 0)
        for (size_t i = 0; i < n; i++) {
            if (fds[i].revents == 0)
                continue;
            int ev = (fds[i].revents & POLLIN ? CURL_CSELECT_IN : 0) |
                     (fds[i].revents & POLLOUT ? CURL_CSELECT_OUT : 0) |
                     (fds[i].revents & (POLLERR | POLLHUP | POLLNVAL) ? CURL_CSELECT_ERR : 0);
            C.multi_socket_action(h->multi, fds[i].fd, ev, &still);
        }
    free(fds);
    if (h->has_timer && wasi_p2_now_ns() >= h->timer_at) {
        h->has_timer = false;
        C.multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &still);
    }
    CURLMsg *m;
    while ((m = C.multi_info_read(h->multi, &still)) != NULL) {
        if (m->msg != CURLMSG_DONE)
            continue;
        wasi_p2_xfer *x = NULL;
        C.easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        CURLcode rc = m->data.result;
        if (x == NULL)
            continue;
        if (x->failed) {   /* our own reason (header size) came first */
            detach(x);
            x->done = true;
        } else if (rc == CURLE_OK) {
            detach(x);
            x->done = true;
        } else {
            wasi_p2_xfer_fail(x, map_curl(x, rc));
        }
    }
    uint64_t now = wasi_p2_now_ns();
    for (wasi_p2_xfer *x = h->xfers, *next; x != NULL; x = next) {
        next = x->next;
        if (x->connected_at == 0) {
            curl_off_t t = 0;
            C.easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &t);
            if (t > 0)
                x->connected_at = now;
        }
        uint64_t d = deadline_of(x);
        if (d != 0 && now >= d)
            wasi_p2_xfer_fail(x, wasi_p2_http_error(HE_CONN_READ_TIMEOUT));
    }
}

/* Nothing to wait for (a body not sent yet): look again in 10 ms. */
void wasi_p2_xfer_wait(void *o, cm_wait *wait)
{
    wasi_p2_xfer *x = o;
    if (x->running)
        wasi_p2_http_wait(x->h, wait);
    else if (!x->done) {
        uint64_t t = wasi_p2_now_ns() + 10000000ull;
        if (!wait->has_deadline || t < wait->deadline_ns) {
            wait->has_deadline = true;
            wait->deadline_ns = t;
        }
    }
}


void wasi_p2_http_wait(wasi_p2_http *h, cm_wait *wait)
{
    uint64_t soonest = 0;
    if (h->has_timer)
        soonest = h->timer_at;
    for (wasi_p2_xfer *x = h->xfers; x != NULL; x = x->next) {
        uint64_t d = deadline_of(x);
        if (d != 0 && (soonest == 0 || d < soonest))
            soonest = d;
    }
    if (soonest != 0 && (!wait->has_deadline || soonest < wait->deadline_ns)) {
        wait->has_deadline = true;
        wait->deadline_ns = soonest;
    }
    for (size_t i = 0; i < h->nsocks; i++)
        wasi_p2_wait_fd(wait, h->socks[i].fd, h->socks[i].what & CURL_POLL_IN,
                        h->socks[i].what & CURL_POLL_OUT);
}

wasi_p2_http *wasi_p2_http_need(wasi_p2 *w, char *err, size_t errlen)
{
    wasi_p2_http *h = wasi_p2_http_get(w);
    if (h == NULL) {
        const char *why = wasi_p2_http_unavailable();
        snprintf(err, errlen, "wasi:http: %s", why != NULL ? why : "out of memory");
    }
    return h;
}

wasi_p2_xfer *wasi_p2_xfer_with_fields(wasi_p2 *w, const host_value *fields,
                                       wasi_p2_fields **headers, char *err, size_t errlen)
{
    wasi_p2_http *h = wasi_p2_http_need(w, err, errlen);
    if (h == NULL)
        return NULL;
    wasi_p2_fields *f = wasi_p2_obj_take(w, fields, &wasi_p2_fields_ops, err, errlen);
    if (f == NULL)
        return NULL;
    wasi_p2_xfer *x = wasi_p2_xfer_new(h);
    if (x == NULL) {
        wasi_p2_fields_free(f);
        snprintf(err, errlen, "wasi:http: out of memory, or more than %u requests alive",
                 WASI_HTTP_MAX_ALIVE);
        return NULL;
    }
    f->immutable = true;
    *headers = f;
    return x;
}
