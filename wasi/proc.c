/* proc.c — the process-level calls: args_*, environ_*, clock_*,
 * random_get, proc_exit and proc_raise. Arguments and environment are
 * whatever the context holds (nothing without WASI_CAP_CLI). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "wasi/internal.h"

/* ---- args and environ: a table of pointers plus a buffer of C strings ---- */

static uint32_t put_sizes(wasi_call *c, size_t count, size_t bytes)
{
    uint8_t *n = wasi_mem(c->mem, ARG32(c, 0), 4);
    uint8_t *size = wasi_mem(c->mem, ARG32(c, 1), 4);
    if (n == NULL || size == NULL)
        return WASI_EFAULT;
    wasi_store_u32(n, (uint32_t)count);
    wasi_store_u32(size, (uint32_t)bytes);
    return WASI_ESUCCESS;
}

static uint32_t put_strings(wasi_call *c, char *const *strings, size_t count, size_t bytes)
{
    uint32_t table = ARG32(c, 0), buf = ARG32(c, 1);
    uint8_t *t = wasi_mem(c->mem, table, (uint64_t)count * 4);
    uint8_t *b = wasi_mem(c->mem, buf, bytes);
    if (t == NULL || b == NULL)
        return WASI_EFAULT;
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(strings[i]) + 1;
        memcpy(b + at, strings[i], len);
        wasi_store_u32(t + 4 * i, (uint32_t)(buf + at));
        at += len;
    }
    return WASI_ESUCCESS;
}

uint32_t wasi_op_args_sizes_get(wasi_call *c)
{
    return put_sizes(c, c->ctx->nargs, c->ctx->args_bytes);
}

uint32_t wasi_op_args_get(wasi_call *c)
{
    return put_strings(c, c->ctx->args, c->ctx->nargs, c->ctx->args_bytes);
}

uint32_t wasi_op_environ_sizes_get(wasi_call *c)
{
    return put_sizes(c, c->ctx->nenv, c->ctx->env_bytes);
}

uint32_t wasi_op_environ_get(wasi_call *c)
{
    return put_strings(c, c->ctx->env, c->ctx->nenv, c->ctx->env_bytes);
}

/* ---- clocks ---- */

/* The host clock for a WASI clock id; false for an unknown id. The CPU-time
 * clocks are the host process's and the calling OS thread's. */
static bool host_clock(uint32_t id, clockid_t *out)
{
    switch (id) {
    case WASI_CLOCK_REALTIME: *out = CLOCK_REALTIME; return true;
    case WASI_CLOCK_MONOTONIC: *out = CLOCK_MONOTONIC; return true;
    case WASI_CLOCK_PROCESS_CPUTIME: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case WASI_CLOCK_THREAD_CPUTIME: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
    }
}

static uint64_t timespec_ns(const struct timespec *ts)
{
    return (uint64_t)ts->tv_sec * 1000000000ull + (uint64_t)ts->tv_nsec;
}

/* clock_res_get(id, *resolution) and clock_time_get(id, precision, *time):
 * `query` (clock_getres or clock_gettime) of the host clock for argument 0,
 * stored in nanoseconds at the pointer argument out_arg. */
static uint32_t put_clock(wasi_call *c, int (*query)(clockid_t, struct timespec *),
                          uint32_t out_arg)
{
    clockid_t id;
    struct timespec ts;
    if (!host_clock(ARG32(c, 0), &id))
        return WASI_EINVAL;
    if (query(id, &ts) != 0)
        return wasi_errno(errno);
    return wasi_put_u64(c->mem, ARG32(c, out_arg), timespec_ns(&ts)) ? WASI_ESUCCESS : WASI_EFAULT;
}

uint32_t wasi_op_clock_res_get(wasi_call *c) { return put_clock(c, clock_getres, 1); }

/* The precision the guest asks for (argument 1) is not looked at: the
 * host's is always finer. */
uint32_t wasi_op_clock_time_get(wasi_call *c) { return put_clock(c, clock_gettime, 2); }

/* ---- random ---- */

uint32_t wasi_op_random_get(wasi_call *c)
{
    uint32_t len = ARG32(c, 1);
    uint8_t *buf = wasi_mem(c->mem, ARG32(c, 0), len);
    if (buf == NULL)
        return WASI_EFAULT;
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(buf + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return wasi_errno(errno);
        }
        done += (size_t)n;
    }
    return WASI_ESUCCESS;
}

/* ---- the end of the process ---- */

uint32_t wasi_op_proc_exit(wasi_call *c)
{
    c->ctx->exited = true;
    c->ctx->exit_code = ARG32(c, 0);
    snprintf(c->ctx->trap, sizeof c->ctx->trap, "exit %u", c->ctx->exit_code);
    return WASI_TRAPPED;
}

/* WASI signal numbers (witx `signal`): 1 hup ... 30 sys. Those whose
 * default action is to be ignored do nothing; the stop signals cannot stop
 * a guest (ENOTSUP); every other one ends the call as a trap "signal N",
 * like the default action would end a process. */
uint32_t wasi_op_proc_raise(wasi_call *c)
{
    uint32_t sig = ARG32(c, 0);
    switch (sig) {
    case 16: case 17: case 22: case 27:   /* chld, cont, urg, winch */
        return WASI_ESUCCESS;
    case 18: case 19: case 20: case 21:   /* stop, tstp, ttin, ttou */
        return WASI_ENOTSUP;
    default:
        if (sig == 0 || sig > 30)
            return WASI_EINVAL;
        snprintf(c->ctx->trap, sizeof c->ctx->trap, "signal %u", sig);
        return WASI_TRAPPED;
    }
}
