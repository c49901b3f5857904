/* http_pipe.c — a served response on its way out (p2.h: wasi_p2_http_pipe):
 * what the guest's response-outparam.set gave (status, headers), the body
 * bytes its output-stream wrote and the server has not sent yet (a bounded
 * buffer), and how the body ended (finish with its trailers, or abandoned).
 *
 * Two threads share it: the process's worker writes (http_server.c,
 * http_request.c), the HTTP server's thread reads (host/cli/wasm_serve.c).
 * Every function takes the pipe's mutex. The writer learns that room came
 * back through an eventfd its output-stream's pollable waits on (the event
 * loop watches it); the reader learns that bytes came through the notify
 * callback, always called with no lock of the pipe held. Touches no socket
 * and no other world. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "wasi/p2/http_internal.h"

struct wasi_p2_http_pipe {
    pthread_mutex_t lock;
    unsigned refs;
    int efd;                        /* readable: the reader took bytes */
    void (*notify)(void *ud);
    void *ud;
    size_t cap;                     /* room the writer gets: cap - len */
    uint8_t *buf;
    size_t len, off, bcap;          /* buf[off, len): not read yet */
    unsigned status;                /* set: 100..999; 0: not yet */
    bool failed;                    /* set with an error-code: why says which */
    char why[128];
    wasi_p2_fields *headers, *trailers;   /* copies, immutable once set */
    bool finished, aborted;
};

wasi_p2_http_pipe *wasi_p2_pipe_new(size_t cap, void (*notify)(void *ud), void *ud)
{
    wasi_p2_http_pipe *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (p->efd < 0 || pthread_mutex_init(&p->lock, NULL) != 0) {
        if (p->efd >= 0)
            close(p->efd);
        free(p);
        return NULL;
    }
    p->refs = 1;
    p->cap = cap ? cap : WASI_P2_STREAM_CHUNK;
    p->notify = notify;
    p->ud = ud;
    return p;
}

void wasi_p2_pipe_ref(wasi_p2_http_pipe *p)
{
    pthread_mutex_lock(&p->lock);
    p->refs++;
    pthread_mutex_unlock(&p->lock);
}

void wasi_p2_pipe_unref(wasi_p2_http_pipe *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    unsigned left = --p->refs;
    pthread_mutex_unlock(&p->lock);
    if (left > 0)
        return;
    pthread_mutex_destroy(&p->lock);
    close(p->efd);
    wasi_p2_fields_free(p->headers);
    wasi_p2_fields_free(p->trailers);
    free(p->buf);
    free(p);
}

static void poke(int fd)
{
    uint64_t one = 1;
    ssize_t n = write(fd, &one, sizeof one);
    (void)n;   /* a full eventfd is awake already */
}

static void tell(wasi_p2_http_pipe *p)
{
    if (p->notify != NULL)
        p->notify(p->ud);
}

/* ---- the writer: the guest's world ---- */

bool wasi_p2_pipe_set(wasi_p2_http_pipe *p, unsigned status, const wasi_p2_fields *headers,
                      const char *why)
{
    wasi_p2_fields *h = headers != NULL ? wasi_p2_fields_clone(headers, true) : NULL;
    if (headers != NULL && h == NULL)
        return false;
    pthread_mutex_lock(&p->lock);
    if (status != 0) {
        p->headers = h;
        p->status = status;
    } else {
        p->failed = true;
        snprintf(p->why, sizeof p->why, "%s", why);
    }
    pthread_mutex_unlock(&p->lock);
    tell(p);
    return true;
}

int64_t wasi_p2_pipe_room(wasi_p2_http_pipe *p, size_t want)
{
    pthread_mutex_lock(&p->lock);
    int64_t r;
    if (p->aborted || p->finished)
        r = WASI_P2_CLOSED;
    else
        r = p->len - p->off < p->cap ? (int64_t)(p->cap - (p->len - p->off)) : 0;
    if (r >= 0 && (size_t)r < want) {   /* the pollable waits for the reader's next poke:
                                          clear the old ones */
        uint64_t v;
        ssize_t n = read(p->efd, &v, sizeof v);
        (void)n;
    }
    pthread_mutex_unlock(&p->lock);
    return r;
}

bool wasi_p2_pipe_write(wasi_p2_http_pipe *p, const uint8_t *b, size_t n)
{
    if (n == 0)
        return true;
    pthread_mutex_lock(&p->lock);
    bool ok = true;
    if (p->off > 0 && p->off == p->len)
        p->off = p->len = 0;
    if (p->len + n > p->bcap) {
        if (p->off > 0) {   /* slide what is left to the front first */
            memmove(p->buf, p->buf + p->off, p->len - p->off);
            p->len -= p->off;
            p->off = 0;
        }
        size_t cap = p->bcap ? p->bcap : 4096;
        while (cap < p->len + n)
            cap *= 2;
        uint8_t *nb = cap > p->bcap ? realloc(p->buf, cap) : p->buf;
        if (nb == NULL)
            ok = false;
        else {
            p->buf = nb;
            p->bcap = cap > p->bcap ? cap : p->bcap;
        }
    }
    if (ok) {
        memcpy(p->buf + p->len, b, n);
        p->len += n;
    }
    pthread_mutex_unlock(&p->lock);
    if (ok)
        tell(p);
    return ok;
}

void wasi_p2_pipe_finish(wasi_p2_http_pipe *p, wasi_p2_fields *trailers)
{
    pthread_mutex_lock(&p->lock);
    if (!p->finished && !p->aborted) {
        p->finished = true;
        p->trailers = trailers;
        trailers = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    wasi_p2_fields_free(trailers);
    tell(p);
}

void wasi_p2_pipe_abort(wasi_p2_http_pipe *p)
{
    pthread_mutex_lock(&p->lock);
    if (!p->finished)
        p->aborted = true;
    pthread_mutex_unlock(&p->lock);
    tell(p);
}

void wasi_p2_pipe_wait(wasi_p2_http_pipe *p, cm_wait *wait)
{
    wasi_p2_wait_fd(wait, p->efd, true, false);   /* efd never changes: no lock */
}

/* ---- the reader: the server ---- */

unsigned wasi_p2_pipe_status(wasi_p2_http_pipe *p, char *why, size_t whylen)
{
    pthread_mutex_lock(&p->lock);
    unsigned s = p->status;
    if (p->failed)
        snprintf(why, whylen, "%s", p->why);
    else if (whylen > 0)
        why[0] = '\0';
    pthread_mutex_unlock(&p->lock);
    return s;
}

/* The headers and trailers never change once status or END was seen. */
static size_t count(const wasi_p2_fields *f)
{
    return f != NULL ? f->n : 0;
}

size_t wasi_p2_pipe_nheaders(const wasi_p2_http_pipe *p)
{
    return count(p->headers);
}

size_t wasi_p2_pipe_ntrailers(const wasi_p2_http_pipe *p)
{
    return count(p->trailers);
}

void wasi_p2_pipe_field(const wasi_p2_http_pipe *p, bool trailer, size_t i, const char **name,
                        const uint8_t **value, size_t *len)
{
    const wasi_p2_field *f = &(trailer ? p->trailers : p->headers)->items[i];
    *name = f->name;
    *value = f->value;
    *len = f->len;
}

int64_t wasi_p2_pipe_read(wasi_p2_http_pipe *p, uint8_t *buf, size_t max)
{
    pthread_mutex_lock(&p->lock);
    int64_t r;
    size_t have = p->len - p->off;
    if (have > 0 && max > 0) {
        size_t n = have < max ? have : max;
        memcpy(buf, p->buf + p->off, n);
        p->off += n;
        if (p->off == p->len)
            p->off = p->len = 0;
        poke(p->efd);   /* room for the writer */
        r = (int64_t)n;
    } else if (p->aborted)
        r = WASI_P2_PIPE_ABORTED;
    else if (p->finished && have == 0)
        r = WASI_P2_PIPE_END;
    else
        r = 0;
    pthread_mutex_unlock(&p->lock);
    return r;
}
