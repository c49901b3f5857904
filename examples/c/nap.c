/* nap.c — the async worker: nap(ms: string) -> string sleeps (a WASI
 * poll_oneoff: the process parks and its worker thread runs others),
 * writes a line to stdout, and reports how long it slept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size)
{
    (void)old_size;
    (void)align;
    return realloc(old, new_size);
}

static struct {
    char *ptr;
    size_t len;
} result;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

__attribute__((export_name("nap")))
void *nap(const char *text, size_t len)
{
    char digits[16] = "";
    memcpy(digits, text, len < sizeof digits - 1 ? len : sizeof digits - 1);
    long ms = strtol(digits, NULL, 10);
    if (ms < 0 || ms > 60000)
        ms = 100;
    double start = now_ms();
    struct timespec pause = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&pause, NULL);
    printf("napped\n");
    fflush(stdout);
    static char text_out[64];
    result.len = (size_t)snprintf(text_out, sizeof text_out, "slept %ld ms (measured %.0f ms)", ms,
                                  now_ms() - start);
    result.ptr = text_out;
    return &result;
}
