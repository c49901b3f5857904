/* wasi_sleep.c — sleeps 50 ms (wasi-libc's nanosleep is one poll_oneoff
 * with a relative monotonic clock subscription), then checks the clock
 * agrees. */
#include <time.h>

#include "guest.h"

int main(void)
{
    __wasi_timestamp_t before, after;
    CHECK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &before) == 0);
    struct timespec ts = { 0, 50 * 1000 * 1000 };
    CHECK(nanosleep(&ts, NULL) == 0);
    CHECK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &after) == 0);
    CHECK(after - before >= 50ull * 1000 * 1000);
    return 0;
}
