/* poll.c — poll_oneoff and sched_yield. poll_oneoff looks at every
 * subscription without waiting: clocks that are due, descriptors that are
 * ready (regular files and directories always are; pipes, terminals and
 * sockets are asked with poll(2) and a zero timeout), and subscriptions
 * that fail (bad descriptor, unknown clock: an event with that error).
 * When none is ready the call is WASI_BLOCKED on the earliest deadline and
 * every descriptor, and the trampoline waits or suspends; looking again
 * later uses the same start time, so relative timeouts do not restart. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "wasi/internal.h"

#define SUBSCRIPTION_SIZE 48   /* userdata u64 @0, tag u8 @8, body @16 */
#define EVENT_SIZE 32          /* userdata u64 @0, error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24 */

typedef struct {
    bool ready;
    uint64_t userdata;
    uint16_t error;
    uint8_t type;
    uint64_t nbytes;
    uint16_t flags;
} event;

/* When a clock subscription is due, as CLOCK_MONOTONIC nanoseconds. */
static uint32_t clock_due(const wasi_call *c, uint32_t id, uint64_t timeout, uint16_t flags,
                          uint64_t now, uint64_t *due)
{
    bool absolute = flags & WASI_SUBCLOCK_ABSTIME;
    if (id == WASI_CLOCK_MONOTONIC && absolute) {
        *due = timeout;
    } else if (id == WASI_CLOCK_REALTIME && absolute) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t real = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
        *due = timeout > real ? now + (timeout - real) : now;
    } else if (id == WASI_CLOCK_MONOTONIC || id == WASI_CLOCK_REALTIME) {
        *due = timeout > UINT64_MAX - c->start_ns ? UINT64_MAX : c->start_ns + timeout;
    } else {
        return WASI_EINVAL;   /* the CPU-time clocks cannot be waited on */
    }
    return WASI_ESUCCESS;
}

/* Bytes left to read in a regular file (its size minus the position). */
static uint64_t bytes_left(int host)
{
    struct stat st;
    off_t at = lseek(host, 0, SEEK_CUR);
    if (at < 0 || fstat(host, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < at)
        return 0;
    return (uint64_t)(st.st_size - at);
}

/* Fills ev from a descriptor subscription, or leaves it not ready and adds
 * the host descriptor to pfd. */
static void look_at_fd(wasi_call *c, uint32_t fd, event *ev, struct pollfd *pfd, size_t *npfd)
{
    uint32_t err;
    wasi_fd *e = wasi_fd_get(c->ctx, fd, WASI_R_POLL_FD_READWRITE, &err);
    if (e == NULL) {
        ev->ready = true;
        ev->error = (uint16_t)err;
    } else if (e->host < 0) {
        ev->ready = true;   /* the null stream: at its end, always writable */
        ev->flags = ev->type == WASI_EVENT_FD_READ ? WASI_EVENT_HANGUP : 0;
    } else if (!e->can_block) {
        ev->ready = true;
        ev->nbytes = ev->type == WASI_EVENT_FD_READ ? bytes_left(e->host) : 0;
    } else {
        short events = ev->type == WASI_EVENT_FD_READ ? POLLIN : POLLOUT;
        pfd[(*npfd)++] = (struct pollfd){ .fd = e->host, .events = events, .revents = 0 };
    }
}

/* Turns a poll(2) answer into the event. */
static void from_revents(const struct pollfd *p, event *ev)
{
    ev->ready = true;
    if (p->revents & POLLNVAL) {
        ev->error = WASI_EBADF;
        return;
    }
    if (p->revents & POLLHUP)
        ev->flags = WASI_EVENT_HANGUP;
    if (ev->type == WASI_EVENT_FD_READ) {
        int n = 0;
        if (ioctl(p->fd, FIONREAD, &n) == 0 && n > 0)
            ev->nbytes = (uint64_t)n;
    } else if (p->revents & POLLERR) {
        ev->flags = WASI_EVENT_HANGUP;
    }
}

/* poll_oneoff(in, out, nsubscriptions, *nevents). */
uint32_t wasi_op_poll_oneoff(wasi_call *c)
{
    uint32_t n = ARG32(c, 2);
    if (n == 0 || n > WASI_MAX_POLL_SUBS)
        return WASI_EINVAL;
    const uint8_t *in = wasi_mem(c->mem, ARG32(c, 0), (uint64_t)n * SUBSCRIPTION_SIZE);
    uint8_t *out = wasi_mem(c->mem, ARG32(c, 1), (uint64_t)n * EVENT_SIZE);
    uint8_t *nevents = wasi_mem(c->mem, ARG32(c, 3), 4);
    if (in == NULL || out == NULL || nevents == NULL)
        return WASI_EFAULT;
    event *ev = calloc(n, sizeof *ev);
    struct pollfd *pfd = calloc(n, sizeof *pfd);
    size_t *owner = calloc(n, sizeof *owner);   /* pfd[k] belongs to subscription owner[k] */
    if (ev == NULL || pfd == NULL || owner == NULL) {
        free(ev), free(pfd), free(owner);
        return WASI_ENOMEM;
    }

    uint64_t now = wasi_now_ns(), deadline = UINT64_MAX;
    size_t npfd = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *s = in + (size_t)i * SUBSCRIPTION_SIZE;
        ev[i].userdata = wasi_load_u64(s);
        ev[i].type = s[8];
        if (s[8] == WASI_EVENT_CLOCK) {
            uint64_t due;
            uint32_t err = clock_due(c, wasi_load_u32(s + 16), wasi_load_u64(s + 24),
                                     wasi_load_u16(s + 40), now, &due);
            if (err != 0 || due <= now) {
                ev[i].ready = true;
                ev[i].error = (uint16_t)err;
            } else if (due < deadline) {
                deadline = due;
            }
        } else if (s[8] == WASI_EVENT_FD_READ || s[8] == WASI_EVENT_FD_WRITE) {
            size_t before = npfd;
            look_at_fd(c, wasi_load_u32(s + 16), &ev[i], pfd, &npfd);
            if (npfd > before)
                owner[before] = i;
        } else {
            ev[i].ready = true;
            ev[i].error = WASI_EINVAL;
        }
    }
    if (npfd > 0 && ppoll(pfd, npfd, &(struct timespec){ 0, 0 }, NULL) > 0) {
        for (size_t k = 0; k < npfd; k++) {
            if (pfd[k].revents != 0)
                from_revents(&pfd[k], &ev[owner[k]]);
        }
    }

    uint32_t nready = 0, result = WASI_ESUCCESS;
    for (uint32_t i = 0; i < n; i++) {
        if (!ev[i].ready)
            continue;
        uint8_t *o = out + (size_t)nready++ * EVENT_SIZE;
        memset(o, 0, EVENT_SIZE);
        wasi_store_u64(o, ev[i].userdata);
        wasi_store_u16(o + 8, ev[i].error);
        o[10] = ev[i].type;
        wasi_store_u64(o + 16, ev[i].nbytes);
        wasi_store_u16(o + 24, ev[i].flags);
    }
    if (nready > 0) {
        wasi_store_u32(nevents, nready);
    } else {
        for (size_t k = 0; k < npfd && result == WASI_ESUCCESS; k++) {
            if (!wasi_wait_fd(c->ctx, pfd[k].fd, pfd[k].events))
                result = WASI_ENOMEM;
        }
        if (deadline != UINT64_MAX)
            wasi_wait_until(c->ctx, deadline);
        if (result == WASI_ESUCCESS)
            result = WASI_BLOCKED;
    }
    free(ev), free(pfd), free(owner);
    return result;
}

/* In a suspend context, yielding is a suspension that is due at once, so
 * the embedder can run something else first. */
uint32_t wasi_op_sched_yield(wasi_call *c)
{
    if (!c->ctx->suspend) {
        sched_yield();
        return WASI_ESUCCESS;
    }
    if (c->again)
        return WASI_ESUCCESS;
    wasi_wait_until(c->ctx, wasi_now_ns());
    return WASI_BLOCKED;
}
