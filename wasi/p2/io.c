/* io.c — wasi:io/poll and wasi:io/error.
 *
 * A pollable is ready when its monotonic deadline has passed (the clock's
 * subscriptions), or when its descriptor is ready for what it asks (a
 * stream's subscribe; poll(2) with no timeout). pollable.block and poll
 * answer "would block" (cm_host_would_block) with the earliest deadline
 * and the descriptors when nothing is ready: the runtime suspends the
 * guest (or waits in place) and calls them again. */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "sys/io.h"
#include "wasi/p2/internal.h"

static bool pollable_ready(const wasi_p2 *w, const wasi_p2_res *r)
{
    if (r->stream != 0 && w->res[r->stream - 1].closed)
        return true;   /* its stream said `closed`: the next call says so again */
    if (r->ops != NULL)   /* an object's: an http future or body */
        return r->ops->ready(r->obj);
    if (r->on_fd)   /* an error (a closed descriptor) is ready too: the next call says so */
        return sys_poll_now(r->fd, (short)((r->want_read ? POLLIN : 0) |
                                           (r->want_write ? POLLOUT : 0))) != 0;
    return wasi_p2_now_ns() >= r->deadline_ns;
}

static void wait_until(cm_wait *wait, uint64_t deadline_ns)
{
    if (!wait->has_deadline || deadline_ns < wait->deadline_ns) {
        wait->has_deadline = true;
        wait->deadline_ns = deadline_ns;
    }
}

void wasi_p2_wait_fd(cm_wait *wait, int fd, bool want_read, bool want_write)
{
    if (wait->nfds < CM_WAIT_FDS) {
        wait->fds[wait->nfds].fd = fd;
        wait->fds[wait->nfds].want_read = want_read;
        wait->fds[wait->nfds].want_write = want_write;
        wait->nfds++;
    } else {
        wait_until(wait, wasi_p2_now_ns() + 10000000ull);
    }
}

static void wait_for(cm_wait *wait, const wasi_p2_res *r)
{
    if (r->ops != NULL)
        r->ops->wait(r->obj, wait);
    else if (r->on_fd)
        wasi_p2_wait_fd(wait, r->fd, r->want_read, r->want_write);
    else
        wait_until(wait, r->deadline_ns);
}

void wasi_p2_stream_gone(wasi_p2 *w, uint32_t rep)
{
    for (uint32_t i = 0; i < w->nres; i++) {
        wasi_p2_res *r = &w->res[i];
        if (r->kind == WASI_P2_POLLABLE && r->stream == rep)
            *r = (wasi_p2_res){ .kind = WASI_P2_POLLABLE, .fd = -1 };   /* deadline 0: ready */
    }
}

/* Nothing is ready: tells the runtime what to wait for (false: "would
 * block", not a trap). Before the world is bound (a core start function
 * of the component calling in), it waits here and says "look again". */
bool wasi_p2_would_block(wasi_p2 *w, const cm_wait *wait)
{
    cm_wait all = *wait;   /* and the output streams' bytes still to drain */
    wasi_p2_streams_drain(w, &all);
    if (w->ci != NULL) {
        cm_host_would_block(w->ci, &all);
        return false;
    }
    cm_wait_block(&all);
    return true;
}

/* [method]pollable.ready: func() -> bool */
static bool pollable_ready_fn(void *user, const host_value *args, size_t nargs, host_value *result,
                              char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *r = wasi_p2_res_get(user, &args[0], WASI_P2_POLLABLE, err, errlen);
    if (r == NULL)
        return false;
    *result = host_bool(pollable_ready(user, r));
    return true;
}

/* [method]pollable.block: func() */
static bool pollable_block(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    (void)nargs;
    (void)result;
    for (;;) {
        wasi_p2_res *r = wasi_p2_res_get(user, &args[0], WASI_P2_POLLABLE, err, errlen);
        if (r == NULL)
            return false;
        if (pollable_ready(user, r))
            return true;
        cm_wait wait = { 0 };
        wait_for(&wait, r);
        if (!wasi_p2_would_block(user, &wait))
            return false;
    }
}

/* poll: func(in: list<borrow<pollable>>) -> list<u32>: the indices of the
 * ready ones, waiting until at least one is. */
static bool poll_fn(void *user, const host_value *args, size_t nargs, host_value *result,
                    char *err, size_t errlen)
{
    (void)nargs;
    const host_value *in = &args[0];
    if (in->kind != HOST_VALUE_LIST || in->len == 0) {
        snprintf(err, errlen, "poll: the list of pollables is empty");
        return false;
    }
    if (in->len > UINT32_MAX) {
        snprintf(err, errlen, "poll: more pollables than a u32 indexes");
        return false;
    }
    for (;;) {
        cm_wait wait = { 0 };
        *result = host_list(0);
        for (size_t i = 0; i < in->len; i++) {
            wasi_p2_res *r = wasi_p2_res_get(user, &in->items[i], WASI_P2_POLLABLE, err, errlen);
            if (r == NULL)
                return false;
            if (pollable_ready(user, r)) {
                const char *why;
                if (!host_list_push(result, host_uint(i), &why)) {
                    snprintf(err, errlen, "poll: %s", why);
                    return false;
                }
            } else {
                wait_for(&wait, r);
            }
        }
        if (result->len > 0)
            return true;
        host_value_free(result);
        if (!wasi_p2_would_block(user, &wait))
            return false;
    }
}

/* [method]error.to-debug-string: func() -> string */
static bool error_debug_string(void *user, const host_value *args, size_t nargs,
                               host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *r = wasi_p2_res_get(user, &args[0], WASI_P2_ERROR, err, errlen);
    if (r == NULL)
        return false;
    const char *t = r->text != NULL ? r->text : "";
    *result = host_string(t, strlen(t));
    if (result->kind != HOST_VALUE_STRING) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    return true;
}

const wasi_p2_def wasi_p2_io_defs[] = {
    { "wasi:io/poll", "[method]pollable.ready", pollable_ready_fn, WASI_CAP_POLL | WASI_CAP_HTTP },
    { "wasi:io/poll", "[method]pollable.block", pollable_block, WASI_CAP_POLL | WASI_CAP_HTTP },
    { "wasi:io/poll", "poll", poll_fn, WASI_CAP_POLL | WASI_CAP_HTTP },
    { "wasi:io/error", "[method]error.to-debug-string", error_debug_string, WASI_CAP_IO },
};
const size_t wasi_p2_nio_defs = sizeof wasi_p2_io_defs / sizeof wasi_p2_io_defs[0];
