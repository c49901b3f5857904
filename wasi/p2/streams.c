/* streams.c — wasi:io/streams over host descriptors (pipes, terminals,
 * files): input-stream (read, blocking-read, skip, blocking-skip,
 * subscribe) and output-stream (check-write, write, blocking-write-and-
 * flush, flush, blocking-flush, subscribe, write-zeroes,
 * blocking-write-zeroes-and-flush, splice, blocking-splice).
 *
 * A stream holds a host descriptor it does not own (-1: none: reads say
 * `closed`, writes fail with last-operation-failed, as Wippy's streams off
 * a terminal). The non-blocking calls look with poll(2) first and move
 * what is there; the blocking ones answer "would block" on the descriptor
 * (wasi_p2_would_block) before doing anything, so a process parks and the
 * call is retried. A pipe or socket output stream never waits in place:
 * write moves what the descriptor takes now and holds the rest (wbuf, at
 * most WASI_P2_STREAM_CHUNK, the permit); check-write permits 0 while it
 * holds anything, flush drains what goes now, blocking-flush and the
 * blocking writes park until it is drained, and every park of the process
 * drains all its streams and wakes when they can take more (wasmtime's
 * bounded buffer flushed in the background, here on the process's own
 * turns). Writes never raise SIGPIPE: a reader gone is `closed`. Once
 * a stream said `closed` (end of input, a reader gone) it stays closed
 * and its pollables are ready, so a guest polling a dead stream wakes.
 *
 * Bytes move in bulk: a bound world's host functions get their list<u8>
 * as a STRING of the bytes (cm_instance_set_host_bytes; before the world
 * is bound, a LIST of INTs), and reads return a STRING, which the runtime
 * copies into the guest's list<u8> at once.
 *
 * A stream with ops (wasi_p2_ops: wasi:http's bodies) is served by its
 * object instead: the obj_* hooks below; the calls stay the same.
 *
 * A stream over a file (wasi:filesystem's read-via-stream, write-via-
 * stream, append-via-stream: r->file) holds its own duplicate of the
 * file's descriptor and moves bytes at its own offset with pread/pwrite
 * (an append stream at the file's end at each write); it never "would
 * block" (a regular file is always ready), the end of the file reads as
 * `closed`, and its errors carry their filesystem error-code
 * (filesystem-error-code).
 *
 * stream-error lowers as a variant: {"closed": true} or
 * {"last-operation-failed": <own error>}. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/io.h"
#include "wasi/p2/filesystem.h"
#include "wasi/p2/internal.h"

#define NO_STREAM "the stream is not connected (no terminal)"

static bool ok(host_value *result, host_value v, char *err, size_t errlen)
{
    const char *why = "out of memory";
    *result = host_map();
    if (!host_map_set(result, "ok", 2, v, &why)) {
        snprintf(err, errlen, "%s", why);
        return false;
    }
    return true;
}

/* result = err(closed) or err(last-operation-failed(error(text))); the
 * error carries fs_code (an error-code, -1 for none) for
 * filesystem-error-code. */
static bool stream_error_code(wasi_p2 *w, const char *text, int fs_code, host_value *result,
                              char *err, size_t errlen)
{
    const char *why = "out of memory";
    host_value v = host_map();
    if (text == NULL) {
        if (!host_map_set(&v, "closed", 6, host_bool(true), &why))
            goto fail;
    } else {
        host_value h;
        wasi_p2_res init = { .kind = WASI_P2_ERROR, .fd = -1, .text = (char *)text,
                             .fs_error = (uint8_t)(fs_code + 1) };
        if (!wasi_p2_res_add(w, &init, &h, err, errlen)) {
            host_value_free(&v);
            return false;
        }
        if (!host_map_set(&v, "last-operation-failed", 21, h, &why))
            goto fail;
    }
    *result = host_map();
    if (!host_map_set(result, "err", 3, v, &why))
        goto fail2;
    return true;
fail:
    host_value_free(&v);
fail2:
    snprintf(err, errlen, "%s", why);
    return false;
}

static bool stream_error(wasi_p2 *w, const char *text, host_value *result, char *err,
                         size_t errlen)
{
    return stream_error_code(w, text, -1, result, err, errlen);
}

/* The stream self said `closed`: it stays so (its pollables are ready). */
static bool closed(wasi_p2 *w, const host_value *self, host_value *result, char *err,
                   size_t errlen)
{
    uint64_t rep = wasi_p2_arg_u64(self);
    if (rep != 0 && rep <= w->nres)
        w->res[rep - 1].closed = true;
    return stream_error(w, NULL, result, err, errlen);
}

/* The error of a failed read or write on self: a reader gone closes a
 * pipe or socket stream; a file's error carries its error-code. */
static bool errno_error(wasi_p2 *w, const host_value *self, bool file, int e, host_value *result,
                        char *err, size_t errlen)
{
    if (!file && (e == EPIPE || e == ECONNRESET))
        return closed(w, self, result, err, errlen);
    return stream_error_code(w, strerror(e), file ? wasi_p2_fs_code(e) : -1, result, err, errlen);
}

/* Ready for reading (POLLIN) or writing (POLLOUT) now? An error or hangup
 * counts as ready: the read or write then says what it is. */
static bool fd_ready(int fd, short events)
{
    return sys_poll_now(fd, events) != 0;
}

static wasi_p2_res *stream(wasi_p2 *w, const host_value *rep, wasi_p2_kind k, char *err,
                           size_t errlen)
{
    return wasi_p2_res_get(w, rep, k, err, errlen);
}

/* An object's stream error as the result: closed, or failed (its error). */
static bool obj_error(wasi_p2 *w, int64_t rc, wasi_p2_fail *fail, host_value *result, char *err,
                      size_t errlen)
{
    if (rc == WASI_P2_CLOSED)
        return stream_error(w, NULL, result, err, errlen);
    const char *why = "out of memory";
    host_value h, v = host_map();
    if (!wasi_p2_fail_error(w, fail, &h, err, errlen)) {
        host_value_free(&v);
        return false;
    }
    *result = host_map();
    if (!host_map_set(&v, "last-operation-failed", 21, h, &why) ||
        !host_map_set(result, "err", 3, v, &why)) {
        snprintf(err, errlen, "%s", why);
        return false;
    }
    return true;
}

/* Waits (would block) on what an object stream waits for. */
static bool obj_block(wasi_p2 *w, wasi_p2_res *r)
{
    cm_wait wait = { 0 };
    r->ops->wait(r->obj, &wait);
    return wasi_p2_would_block(w, &wait);
}

/* Reads up to len bytes (at most one chunk) into buf; blocking waits for
 * the descriptor first. Returns: 1 with *got (0: nothing there yet), 0
 * when the result is already set (closed / failed), -1 to trap or block
 * (false from the host function). */
static int read_some(wasi_p2 *w, const host_value *self, uint64_t len, bool blocking,
                     uint8_t *buf, size_t *got, host_value *result, char *err, size_t errlen)
{
    *got = 0;
    for (;;) {
        wasi_p2_res *r = stream(w, self, WASI_P2_INPUT, err, errlen);
        if (r == NULL)
            return -1;
        if (r->ops != NULL) {
            wasi_p2_fail fail = { .text = "" };
            int64_t k = len == 0 ? 0 : r->ops->read(r->obj, buf, len < WASI_P2_STREAM_CHUNK ? (size_t)len : WASI_P2_STREAM_CHUNK, &fail);
            if (k < 0)
                return obj_error(w, k, &fail, result, err, errlen) ? 0 : -1;
            if (k > 0 || len == 0 || !blocking) {
                *got = (size_t)k;
                return 1;
            }
            if (!obj_block(w, r))
                return -1;
            continue;
        }
        if (r->fd < 0 || r->closed)
            return stream_error(w, NULL, result, err, errlen) ? 0 : -1;
        if (len == 0)
            return 1;
        if (r->file) {
            size_t n = len < WASI_P2_STREAM_CHUNK ? (size_t)len : WASI_P2_STREAM_CHUNK;
            ssize_t k;
            do
                k = pread(r->fd, buf, n, (off_t)r->offset);
            while (k < 0 && errno == EINTR);
            if (k == 0)
                return stream_error(w, NULL, result, err, errlen) ? 0 : -1;
            if (k < 0)
                return errno_error(w, self, true, errno, result, err, errlen) ? 0 : -1;
            r->offset += (uint64_t)k;
            *got = (size_t)k;
            return 1;
        }
        if (!fd_ready(r->fd, POLLIN)) {
            if (!blocking)
                return 1;
            cm_wait wait = { 0 };
            wasi_p2_wait_fd(&wait, r->fd, true, false);
            if (!wasi_p2_would_block(w, &wait))
                return -1;
            continue;
        }
        size_t n = len < WASI_P2_STREAM_CHUNK ? (size_t)len : WASI_P2_STREAM_CHUNK;
        ssize_t k;
        do
            k = read(r->fd, buf, n);
        while (k < 0 && errno == EINTR);
        if (k == 0)
            return closed(w, self, result, err, errlen) ? 0 : -1;
        if (k < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (!blocking)
                    return 1;
                continue;
            }
            return errno_error(w, self, false, errno, result, err, errlen) ? 0 : -1;
        }
        *got = (size_t)k;
        return 1;
    }
}

static bool do_read(void *user, const host_value *args, bool blocking, bool skip,
                    host_value *result, char *err, size_t errlen)
{
    uint8_t *buf = malloc(WASI_P2_STREAM_CHUNK);
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    size_t got;
    int rc = read_some(user, &args[0], wasi_p2_arg_u64(&args[1]), blocking, buf, &got, result,
                       err, errlen);
    if (rc <= 0) {
        free(buf);
        return rc == 0;
    }
    if (skip) {
        free(buf);
        return ok(result, host_uint(got), err, errlen);
    }
    host_value bytes = host_string((const char *)buf, got);   /* lowers as the list<u8> */
    free(buf);
    if (bytes.kind != HOST_VALUE_STRING) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    return ok(result, bytes, err, errlen);
}

/* [method]input-stream.read: func(len: u64) -> result<list<u8>, stream-error> */
static bool in_read(void *user, const host_value *args, size_t nargs, host_value *result,
                    char *err, size_t errlen)
{
    (void)nargs;
    return do_read(user, args, false, false, result, err, errlen);
}

static bool in_blocking_read(void *user, const host_value *args, size_t nargs, host_value *result,
                             char *err, size_t errlen)
{
    (void)nargs;
    return do_read(user, args, true, false, result, err, errlen);
}

/* [method]input-stream.skip: func(len: u64) -> result<u64, stream-error> */
static bool in_skip(void *user, const host_value *args, size_t nargs, host_value *result,
                    char *err, size_t errlen)
{
    (void)nargs;
    return do_read(user, args, false, true, result, err, errlen);
}

static bool in_blocking_skip(void *user, const host_value *args, size_t nargs, host_value *result,
                             char *err, size_t errlen)
{
    (void)nargs;
    return do_read(user, args, true, true, result, err, errlen);
}

/* A pollable on the stream's descriptor (always ready without one, or
 * once the stream is closed or dropped). */
static bool subscribe(wasi_p2 *w, const host_value *self, wasi_p2_kind k, host_value *result,
                      char *err, size_t errlen)
{
    wasi_p2_res *r = stream(w, self, k, err, errlen);
    if (r == NULL)
        return false;
    if (r->ops != NULL) {   /* ready when the object says so; the pollable holds it too */
        r->ops->ref(r->obj);
        wasi_p2_res p = { .kind = WASI_P2_POLLABLE, .fd = -1, .ops = r->ops, .obj = r->obj };
        return wasi_p2_res_add(w, &p, result, err, errlen);
    }
    bool live = r->fd >= 0 && !r->closed;
    wasi_p2_res p = { .kind = WASI_P2_POLLABLE, .fd = live ? r->fd : -1, .on_fd = live,
                      .want_read = k == WASI_P2_INPUT, .want_write = k == WASI_P2_OUTPUT,
                      .stream = (uint32_t)wasi_p2_arg_u64(self) };
    return wasi_p2_res_add(w, &p, result, err, errlen);
}

static bool in_subscribe(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    (void)nargs;
    return subscribe(user, &args[0], WASI_P2_INPUT, result, err, errlen);
}

static bool out_subscribe(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    (void)nargs;
    return subscribe(user, &args[0], WASI_P2_OUTPUT, result, err, errlen);
}

/* Moves what r holds (r->wbuf) to its descriptor as far as it takes it
 * now: 0 (r->wlen says what is left) or an errno (what r held is
 * dropped: the stream failed). */
static int drain(wasi_p2_res *r)
{
    while (r->wlen > 0) {
        struct iovec iov = { r->wbuf, r->wlen };
        ssize_t k = sys_writev_nosigpipe(r->fd, &iov, 1);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            r->wlen = 0;
            return errno;
        }
        memmove(r->wbuf, r->wbuf + k, r->wlen - (size_t)k);
        r->wlen -= (uint32_t)k;
    }
    return 0;
}

void wasi_p2_streams_drain(wasi_p2 *w, cm_wait *wait)
{
    for (uint32_t i = 0; i < w->nres; i++) {
        wasi_p2_res *r = &w->res[i];
        if (r->kind != WASI_P2_OUTPUT || r->wlen == 0)
            continue;
        (void)drain(r);   /* an error shows at the stream's next call (closed stays) */
        if (r->wlen > 0 && wait != NULL)
            wasi_p2_wait_fd(wait, r->fd, false, true);
    }
}

/* Takes buf for a pipe or socket stream without waiting: what the
 * descriptor does not take now joins r->wbuf (the caller keeps r->wlen + n
 * within WASI_P2_STREAM_CHUNK); 0 or an errno. */
static int write_all(wasi_p2_res *r, const uint8_t *buf, size_t n)
{
    if (r->wbuf == NULL && (r->wbuf = malloc(WASI_P2_STREAM_CHUNK)) == NULL)
        return ENOMEM;
    memcpy(r->wbuf + r->wlen, buf, n);
    r->wlen += (uint32_t)n;
    return drain(r);
}

/* Writes all of buf to the stream r: a file's at its offset (which moves
 * on) or, appending, at the file's end; 0 or an errno. */
static int stream_write(wasi_p2_res *r, const uint8_t *buf, size_t n)
{
    if (!r->file)
        return write_all(r, buf, n);
    while (n > 0) {
        if (r->append) {
            struct stat st;
            if (fstat(r->fd, &st) != 0)
                return errno;
            r->offset = (uint64_t)st.st_size;
        }
        ssize_t k = pwrite(r->fd, buf, n, (off_t)r->offset);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        r->offset += (uint64_t)k;
        buf += k;
        n -= (size_t)k;
    }
    return 0;
}

/* The output stream self, its held bytes drained as far as they go, and
 * when blocking, holding none and ready to write (else "would block"): 1
 * with *r, 0 when the result is set (no descriptor, a failed drain), -1
 * to trap or block. */
static int out_ready(wasi_p2 *w, const host_value *self, bool blocking, wasi_p2_res **out,
                     host_value *result, char *err, size_t errlen)
{
    for (;;) {
        wasi_p2_res *r = stream(w, self, WASI_P2_OUTPUT, err, errlen);
        if (r == NULL)
            return -1;
        if (r->ops != NULL) {   /* ready: room for a blocking write (or an error to report) */
            if (!blocking || r->ops->ready(r->obj)) {
                *out = r;
                return 1;
            }
            if (!obj_block(w, r))
                return -1;
            continue;
        }
        if (r->fd < 0)
            return stream_error(w, NO_STREAM, result, err, errlen) ? 0 : -1;
        if (r->closed)
            return stream_error(w, NULL, result, err, errlen) ? 0 : -1;
        int e = r->file ? 0 : drain(r);
        if (e != 0)
            return errno_error(w, self, false, e, result, err, errlen) ? 0 : -1;
        if (!blocking || (r->wlen == 0 && fd_ready(r->fd, POLLOUT))) {
            *out = r;
            return 1;
        }
        cm_wait wait = { 0 };
        wasi_p2_wait_fd(&wait, r->fd, false, true);
        if (!wasi_p2_would_block(w, &wait))
            return -1;
    }
}

/* Waits ("would block" on the descriptor) until the pipe or socket stream
 * self holds nothing; clears wflushing then. */
static bool wait_flushed(wasi_p2 *w, const host_value *self, host_value *result, char *err,
                         size_t errlen)
{
    for (;;) {
        wasi_p2_res *r = stream(w, self, WASI_P2_OUTPUT, err, errlen);
        if (r == NULL)
            return false;
        int e = r->fd >= 0 && !r->file ? drain(r) : 0;
        if (e != 0 || r->wlen == 0) {
            r->wflushing = false;
            if (e != 0)
                return errno_error(w, self, false, e, result, err, errlen);
            return ok(result, host_bool(true), err, errlen);
        }
        cm_wait wait = { 0 };
        wasi_p2_wait_fd(&wait, r->fd, false, true);
        if (!wasi_p2_would_block(w, &wait))
            return false;
    }
}

/* Writes contents (a list<u8>: a STRING of the bytes, or a LIST of INTs;
 * n zeroes when contents is NULL). A pipe or socket takes what it can now
 * and the stream holds the rest (within the permit); blocking then waits
 * for the drain, and its retry (wflushing) only waits. */
static bool do_write(wasi_p2 *w, const host_value *self, const host_value *contents,
                     uint64_t zeroes, bool blocking, host_value *result, char *err, size_t errlen)
{
    bool is_bytes = contents != NULL && contents->kind == HOST_VALUE_STRING;
    uint64_t n = contents == NULL ? zeroes
                 : contents->kind == HOST_VALUE_LIST || is_bytes ? contents->len : 0;
    uint64_t max = blocking ? WASI_P2_BLOCKING_MAX : WASI_P2_STREAM_CHUNK;
    if (n > max) {
        snprintf(err, errlen, "%s: %" PRIu64 " bytes, more than the %" PRIu64 " allowed at once",
                 blocking ? "blocking write" : "write exceeded the permit", n, max);
        return false;
    }
    wasi_p2_res *r = stream(w, self, WASI_P2_OUTPUT, err, errlen);
    if (r == NULL)
        return false;
    if (blocking && r->wflushing)   /* the retry: the bytes were taken */
        return wait_flushed(w, self, result, err, errlen);
    int rc = out_ready(w, self, blocking, &r, result, err, errlen);
    if (rc <= 0)
        return rc == 0;
    if (r->ops == NULL && !r->file && r->wlen + n > WASI_P2_STREAM_CHUNK) {
        snprintf(err, errlen, "write exceeded the permit: %" PRIu64 " bytes while the stream "
                 "still holds %" PRIu32 " of its %u (check-write first)", n, r->wlen,
                 WASI_P2_STREAM_CHUNK);
        return false;
    }
    /* The bytes: the STRING's own, or the LIST's (or the zeroes) copied out. */
    uint8_t *buf = NULL;
    const uint8_t *bytes = is_bytes ? (const uint8_t *)contents->s : NULL;
    if (bytes == NULL) {
        if ((buf = calloc(n ? n : 1, 1)) == NULL) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        for (uint64_t i = 0; contents != NULL && i < n; i++)
            buf[i] = (uint8_t)wasi_p2_arg_u64(&contents->items[i]);
        bytes = buf;
    }
    if (r->ops != NULL) {
        wasi_p2_fail fail = { .text = "" };
        int64_t k = r->ops->write(r->obj, bytes, n, &fail);
        free(buf);
        if (k < 0)
            return obj_error(w, k, &fail, result, err, errlen);
        return ok(result, host_bool(true), err, errlen);
    }
    int e = stream_write(r, bytes, n);
    bool file = r->file;
    free(buf);
    if (e != 0)
        return errno_error(w, self, file, e, result, err, errlen);
    if (blocking && r->wlen > 0) {
        r->wflushing = true;
        return wait_flushed(w, self, result, err, errlen);
    }
    return ok(result, host_bool(true), err, errlen);
}

/* [method]output-stream.check-write: func() -> result<u64, stream-error> */
static bool out_check_write(void *user, const host_value *args, size_t nargs, host_value *result,
                            char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *r;
    int rc = out_ready(user, &args[0], false, &r, result, err, errlen);
    if (rc <= 0)
        return rc == 0;
    if (r->ops != NULL) {
        wasi_p2_fail fail = { .text = "" };
        int64_t k = r->ops->check_write(r->obj, &fail);
        if (k < 0)
            return obj_error(user, k, &fail, result, err, errlen);
        if (k > WASI_P2_STREAM_CHUNK)   /* no more than one write takes */
            k = WASI_P2_STREAM_CHUNK;
        return ok(result, host_uint((uint64_t)k), err, errlen);
    }
    /* room once what it holds is gone (a file: always) */
    bool room = r->file || (r->wlen == 0 && fd_ready(r->fd, POLLOUT));
    return ok(result, host_uint(room ? WASI_P2_STREAM_CHUNK : 0), err, errlen);
}

/* [method]output-stream.write: func(contents: list<u8>) -> result<_, stream-error> */
static bool out_write(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    (void)nargs;
    return do_write(user, &args[0], &args[1], 0, false, result, err, errlen);
}

static bool out_blocking_write(void *user, const host_value *args, size_t nargs,
                               host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    return do_write(user, &args[0], &args[1], 0, true, result, err, errlen);
}

/* [method]output-stream.write-zeroes: func(len: u64) -> result<_, stream-error> */
static bool out_write_zeroes(void *user, const host_value *args, size_t nargs, host_value *result,
                             char *err, size_t errlen)
{
    (void)nargs;
    return do_write(user, &args[0], NULL, wasi_p2_arg_u64(&args[1]), false, result, err, errlen);
}

static bool out_blocking_write_zeroes(void *user, const host_value *args, size_t nargs,
                                      host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    return do_write(user, &args[0], NULL, wasi_p2_arg_u64(&args[1]), true, result, err, errlen);
}

/* [method]output-stream.flush: func() -> result<_, stream-error>: drains
 * what the stream holds as far as it goes now (a failed drain reports). */
static bool out_flush(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *r;
    int rc = out_ready(user, &args[0], false, &r, result, err, errlen);
    if (rc <= 0)
        return rc == 0;
    return ok(result, host_bool(true), err, errlen);
}

/* [method]output-stream.blocking-flush: the same, then waits until the
 * stream holds nothing. */
static bool out_blocking_flush(void *user, const host_value *args, size_t nargs,
                               host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *r;
    int rc = out_ready(user, &args[0], false, &r, result, err, errlen);
    if (rc <= 0)
        return rc == 0;
    if (r->ops != NULL || r->file)
        return ok(result, host_bool(true), err, errlen);
    return wait_flushed(user, &args[0], result, err, errlen);
}

/* [method]output-stream.splice: func(src: borrow<input-stream>, len: u64)
 * -> result<u64, stream-error>: reads what src has (blocking: waits for
 * it) and writes it here. */
static bool do_splice(wasi_p2 *w, const host_value *args, bool blocking, host_value *result,
                      char *err, size_t errlen)
{
    wasi_p2_res *out;
    int rc = out_ready(w, &args[0], blocking, &out, result, err, errlen);
    if (rc <= 0)
        return rc == 0;
    uint8_t *buf = malloc(WASI_P2_STREAM_CHUNK);
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    size_t got;
    uint64_t len = wasi_p2_arg_u64(&args[2]);
    if (out->ops != NULL) {   /* at most what the object takes now */
        wasi_p2_fail fail = { .text = "" };
        int64_t k = out->ops->check_write(out->obj, &fail);
        if (k < 0) {
            free(buf);
            return obj_error(w, k, &fail, result, err, errlen);
        }
        len = len < (uint64_t)k ? len : (uint64_t)k;
    } else if (!out->file) {   /* at most the room the stream has left */
        uint64_t room = WASI_P2_STREAM_CHUNK - out->wlen;
        len = len < room ? len : room;
    }
    rc = read_some(w, &args[1], len, blocking, buf, &got, result, err, errlen);
    if (rc <= 0) {
        free(buf);
        return rc == 0;
    }
    out = stream(w, &args[0], WASI_P2_OUTPUT, err, errlen);
    if (out != NULL && out->ops != NULL) {
        wasi_p2_fail fail = { .text = "" };
        int64_t k = out->ops->write(out->obj, buf, got, &fail);
        free(buf);
        if (k < 0)
            return obj_error(w, k, &fail, result, err, errlen);
        return ok(result, host_uint(got), err, errlen);
    }
    int e = out != NULL ? stream_write(out, buf, got) : 0;
    free(buf);
    if (out == NULL)
        return false;
    if (e != 0)
        return errno_error(w, &args[0], out->file, e, result, err, errlen);
    return ok(result, host_uint(got), err, errlen);
}

static bool out_splice(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    (void)nargs;
    return do_splice(user, args, false, result, err, errlen);
}

static bool out_blocking_splice(void *user, const host_value *args, size_t nargs,
                                host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    return do_splice(user, args, true, result, err, errlen);
}

#define S "wasi:io/streams"
const wasi_p2_def wasi_p2_stream_defs[] = {
    { S, "[method]input-stream.read", in_read, WASI_CAP_IO },
    { S, "[method]input-stream.blocking-read", in_blocking_read, WASI_CAP_IO },
    { S, "[method]input-stream.skip", in_skip, WASI_CAP_IO },
    { S, "[method]input-stream.blocking-skip", in_blocking_skip, WASI_CAP_IO },
    { S, "[method]input-stream.subscribe", in_subscribe, WASI_CAP_IO },
    { S, "[method]output-stream.check-write", out_check_write, WASI_CAP_IO },
    { S, "[method]output-stream.write", out_write, WASI_CAP_IO },
    { S, "[method]output-stream.blocking-write-and-flush", out_blocking_write, WASI_CAP_IO },
    { S, "[method]output-stream.flush", out_flush, WASI_CAP_IO },
    { S, "[method]output-stream.blocking-flush", out_blocking_flush, WASI_CAP_IO },
    { S, "[method]output-stream.subscribe", out_subscribe, WASI_CAP_IO },
    { S, "[method]output-stream.write-zeroes", out_write_zeroes, WASI_CAP_IO },
    { S, "[method]output-stream.blocking-write-zeroes-and-flush", out_blocking_write_zeroes,
      WASI_CAP_IO },
    { S, "[method]output-stream.splice", out_splice, WASI_CAP_IO },
    { S, "[method]output-stream.blocking-splice", out_blocking_splice, WASI_CAP_IO },
};
const size_t wasi_p2_nstream_defs = sizeof wasi_p2_stream_defs / sizeof wasi_p2_stream_defs[0];
