/* call.c — how a WASI call runs. Every import is bound to one trampoline:
 * it applies the capability gate, runs the operation, and when that would
 * block either waits in place (poll/sleep) or, in a suspend context,
 * records the call and returns VM_HOST_SUSPEND. The embedder's side of
 * suspension is here too: wasi_waiting(), wasi_complete() and
 * wasi_run_start(). */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "wasi/internal.h"

/* How far away wasi_waiting() puts the deadline of a call that waits for
 * more than one descriptor (it can only name one). */
#define MULTI_FD_RECHECK_NS 10000000ull

uint64_t wasi_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Forgets what the last call waited for. */
static void wasi_wait_reset(wasi_ctx *ctx)
{
    ctx->wait.has_deadline = false;
    ctx->wait.deadline_ns = 0;
    ctx->wait.nfds = 0;
}

bool wasi_wait_fd(wasi_ctx *ctx, int fd, short events)
{
    wasi_waitset *w = &ctx->wait;
    if (w->nfds == w->cap) {
        size_t cap = w->cap == 0 ? 4 : 2 * w->cap;
        struct pollfd *fds = realloc(w->fds, cap * sizeof *fds);
        if (fds == NULL)
            return false;
        w->fds = fds;
        w->cap = cap;
    }
    w->fds[w->nfds++] = (struct pollfd){ .fd = fd, .events = events, .revents = 0 };
    return true;
}

void wasi_wait_until(wasi_ctx *ctx, uint64_t deadline_ns)
{
    if (!ctx->wait.has_deadline || deadline_ns < ctx->wait.deadline_ns) {
        ctx->wait.has_deadline = true;
        ctx->wait.deadline_ns = deadline_ns;
    }
}

/* Blocks the OS thread until what ctx->wait names is ready or due. */
static void wasi_block(wasi_ctx *ctx)
{
    wasi_waitset *w = &ctx->wait;
    struct timespec ts, *timeout = NULL;
    if (w->has_deadline) {
        uint64_t now = wasi_now_ns();
        uint64_t left = w->deadline_ns > now ? w->deadline_ns - now : 0;
        ts.tv_sec = (time_t)(left / 1000000000ull);
        ts.tv_nsec = (long)(left % 1000000000ull);
        timeout = &ts;
    }
    if (w->nfds == 0 && timeout == NULL)
        return;   /* nothing to wait for: the operation looks again at once */
    /* EINTR or an error: the operation looks again and decides. */
    (void)ppoll(w->fds, w->nfds, timeout, NULL);
}

/* Whether the context may use f. Stdio reads and writes come with
 * WASI_CAP_CLI even when WASI_CAP_IO is not granted. */
static bool granted(const wasi_ctx *ctx, const wasi_func *f, const vm_value *args)
{
    if (f->cap == 0 || (ctx->caps & f->cap))
        return true;
    return f->cap == WASI_CAP_IO && (ctx->caps & WASI_CAP_CLI) && args[0].of.i32 <= 2;
}

vm_host_status wasi_trampoline(vm_caller *caller, const vm_value *args, vm_value *results,
                               void *user)
{
    const wasi_binding *b = user;
    wasi_ctx *ctx = b->ctx;
    const wasi_func *f = b->func;
    uint32_t r = WASI_ENOTCAPABLE;

    if (granted(ctx, f, args)) {
        wasi_call c = { ctx, vm_caller_memory(caller, 0), args, wasi_now_ns(), false };
        wasi_wait_reset(ctx);
        r = f->op(&c);
        while (r == WASI_BLOCKED) {
            if (ctx->suspend) {
                wasi_pending *p = &ctx->pending;
                p->active = true;
                p->func = f;
                p->mem = c.mem;
                p->start_ns = c.start_ns;
                for (uint32_t i = 0; i < f->nparams; i++)
                    p->args[i] = args[i];
                return VM_HOST_SUSPEND;
            }
            wasi_block(ctx);
            c.again = true;
            wasi_wait_reset(ctx);
            r = f->op(&c);
        }
    }
    if (r == WASI_TRAPPED)
        return vm_host_trap(caller, "%s", ctx->trap);
    if (f->nresults > 0)
        results[0].of.i32 = r;
    return VM_HOST_DONE;
}

static bool waiting(const wasi_ctx *ctx, wasi_wait *out, bool recheck)
{
    if (!ctx->pending.active)
        return false;
    const wasi_waitset *w = &ctx->wait;
    *out = (wasi_wait){ .has_deadline = w->has_deadline, .deadline_ns = w->deadline_ns, .fd = -1 };
    if (w->nfds > 0) {
        out->fd = w->fds[0].fd;
        out->want_read = (w->fds[0].events & POLLIN) != 0;
        out->want_write = (w->fds[0].events & POLLOUT) != 0;
    }
    if (recheck && w->nfds > 1) {
        uint64_t soon = wasi_now_ns() + MULTI_FD_RECHECK_NS;
        if (!out->has_deadline || out->deadline_ns > soon) {
            out->has_deadline = true;
            out->deadline_ns = soon;
        }
    }
    return true;
}

bool wasi_waiting(const wasi_ctx *ctx, wasi_wait *out)
{
    return waiting(ctx, out, true);
}

bool wasi_waiting_exact(const wasi_ctx *ctx, wasi_wait *out)
{
    return waiting(ctx, out, false);
}

size_t wasi_waiting_fds(const wasi_ctx *ctx, wasi_wait *out, size_t max)
{
    if (!ctx->pending.active)
        return 0;
    const wasi_waitset *w = &ctx->wait;
    for (size_t i = 0; i < w->nfds && i < max; i++) {
        out[i] = (wasi_wait){ .fd = w->fds[i].fd,
                              .want_read = (w->fds[i].events & POLLIN) != 0,
                              .want_write = (w->fds[i].events & POLLOUT) != 0 };
    }
    return w->nfds;
}

vm_status wasi_complete(wasi_ctx *ctx, vm_thread *t)
{
    wasi_pending *p = &ctx->pending;
    if (!p->active)
        return VM_TRAP;
    wasi_call c = { ctx, p->mem, p->args, p->start_ns, true };
    wasi_wait_reset(ctx);
    uint32_t r = p->func->op(&c);
    if (r == WASI_BLOCKED)
        return VM_SUSPENDED;
    p->active = false;
    if (r == WASI_TRAPPED)
        r = WASI_EIO;   /* no operation that can block ends in a trap */
    vm_value v = { .type = VM_I32, .of.i32 = r };
    return vm_resume(t, &v, p->func->nresults);
}

/* Waits for and finishes the pending call in place, as often as it takes.
 * VM_DONE when the thread can run on; VM_TRAP otherwise. */
static vm_status complete_in_place(wasi_ctx *ctx, vm_thread *t)
{
    vm_status st = VM_SUSPENDED;
    while (st == VM_SUSPENDED) {
        if (!ctx->pending.active)
            return VM_TRAP;   /* suspended by a host function that is not WASI's */
        wasi_block(ctx);
        st = wasi_complete(ctx, t);
    }
    return st;
}

int wasi_run_start(wasi_ctx *ctx, vm_instance *inst, vm_thread *t, uint64_t fuel)
{
    vm_func *start = vm_instance_func(inst, "_start");
    if (start == NULL)
        return -3;
    if (vm_call_start(t, start, NULL, 0) != VM_DONE)
        return -1;
    uint64_t left = fuel;
    for (;;) {
        vm_status st = vm_run(t, left);
        if (fuel != VM_FUEL_UNLIMITED)
            left = vm_thread_fuel(t);
        if (st == VM_SUSPENDED && (st = complete_in_place(ctx, t)) == VM_DONE)
            continue;
        uint32_t code;
        switch (st) {
        case VM_DONE:
            return 0;
        case VM_OUT_OF_FUEL:
            return -2;
        default:
            if (!wasi_exited(ctx, &code))
                return -1;
            return code > (uint32_t)INT32_MAX ? INT32_MAX : (int)code;
        }
    }
}
