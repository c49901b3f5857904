/* clocks.c — wasi:clocks/monotonic-clock (nanoseconds of CLOCK_MONOTONIC;
 * subscriptions are pollables with a deadline) and wasi:clocks/wall-clock
 * (CLOCK_REALTIME as a datetime record). */
#include <time.h>

#include "wasi/p2/internal.h"

static uint64_t resolution_ns(clockid_t id)
{
    struct timespec ts;
    if (clock_getres(id, &ts) != 0)
        return 1;
    uint64_t ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    return ns ? ns : 1;
}

/* now: func() -> instant */
static bool mono_now(void *user, const host_value *args, size_t nargs, host_value *result,
                     char *err, size_t errlen)
{
    (void)user, (void)args, (void)nargs, (void)err, (void)errlen;
    *result = host_uint(wasi_p2_now_ns());
    return true;
}

/* resolution: func() -> duration */
static bool mono_resolution(void *user, const host_value *args, size_t nargs, host_value *result,
                            char *err, size_t errlen)
{
    (void)user, (void)args, (void)nargs, (void)err, (void)errlen;
    *result = host_uint(resolution_ns(CLOCK_MONOTONIC));
    return true;
}

/* subscribe-instant: func(when: instant) -> pollable */
static bool mono_subscribe_instant(void *user, const host_value *args, size_t nargs,
                                   host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    return wasi_p2_res_new(user, WASI_P2_POLLABLE, wasi_p2_arg_u64(&args[0]), NULL, result, err,
                           errlen);
}

/* subscribe-duration: func(when: duration) -> pollable */
static bool mono_subscribe_duration(void *user, const host_value *args, size_t nargs,
                                    host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    uint64_t now = wasi_p2_now_ns(), d = wasi_p2_arg_u64(&args[0]);
    uint64_t at = d > UINT64_MAX - now ? UINT64_MAX : now + d;
    return wasi_p2_res_new(user, WASI_P2_POLLABLE, at, NULL, result, err, errlen);
}

static bool datetime(uint64_t s, uint32_t ns, host_value *result, char *err, size_t errlen)
{
    const char *why = "out of memory";
    *result = host_map();
    if (!host_map_set(result, "seconds", 7, host_uint(s), &why) ||
        !host_map_set(result, "nanoseconds", 11, host_uint(ns), &why)) {
        snprintf(err, errlen, "%s", why);
        return false;
    }
    return true;
}

/* now: func() -> datetime */
static bool wall_now(void *user, const host_value *args, size_t nargs, host_value *result,
                     char *err, size_t errlen)
{
    (void)user, (void)args, (void)nargs;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t s = ts.tv_sec < 0 ? 0 : (uint64_t)ts.tv_sec;
    return datetime(s, (uint32_t)ts.tv_nsec, result, err, errlen);
}

/* resolution: func() -> datetime */
static bool wall_resolution(void *user, const host_value *args, size_t nargs, host_value *result,
                            char *err, size_t errlen)
{
    (void)user, (void)args, (void)nargs;
    uint64_t ns = resolution_ns(CLOCK_REALTIME);
    return datetime(ns / 1000000000ull, (uint32_t)(ns % 1000000000ull), result, err, errlen);
}

const wasi_p2_def wasi_p2_clock_defs[] = {
    { "wasi:clocks/monotonic-clock", "now", mono_now, WASI_CAP_CLOCKS },
    { "wasi:clocks/monotonic-clock", "resolution", mono_resolution, WASI_CAP_CLOCKS },
    { "wasi:clocks/monotonic-clock", "subscribe-instant", mono_subscribe_instant, WASI_CAP_CLOCKS },
    { "wasi:clocks/monotonic-clock", "subscribe-duration", mono_subscribe_duration, WASI_CAP_CLOCKS },
    { "wasi:clocks/wall-clock", "now", wall_now, WASI_CAP_CLOCKS },
    { "wasi:clocks/wall-clock", "resolution", wall_resolution, WASI_CAP_CLOCKS },
};
const size_t wasi_p2_nclock_defs = sizeof wasi_p2_clock_defs / sizeof wasi_p2_clock_defs[0];
