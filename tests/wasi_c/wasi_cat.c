/* wasi_cat.c — copies stdin to stdout with fd_read/fd_write; with
 * argv[1] = "yield" it calls sched_yield first; with "poll" it first waits
 * in one poll_oneoff for two read subscriptions on stdin (userdata 1 and 2)
 * and a 10 s clock (3), and prints the userdata of the events it got. */
#include <unistd.h>

#include "guest.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "yield") == 0)
        CHECK(raw_sched_yield() == 0);
    if (argc > 1 && strcmp(argv[1], "poll") == 0) {
        __wasi_subscription_t subs[3];
        memset(subs, 0, sizeof subs);
        for (int i = 0; i < 2; i++) {
            subs[i].userdata = (uint64_t)i + 1;
            subs[i].u.tag = __WASI_EVENTTYPE_FD_READ;
            subs[i].u.u.fd_read.file_descriptor = 0;
        }
        subs[2].userdata = 3;
        subs[2].u.tag = __WASI_EVENTTYPE_CLOCK;
        subs[2].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
        subs[2].u.u.clock.timeout = 10ull * 1000 * 1000 * 1000;
        __wasi_event_t ev[3];
        __wasi_size_t got;
        CHECK(__wasi_poll_oneoff(subs, ev, 3, &got) == 0);
        for (__wasi_size_t i = 0; i < got; i++)
            printf("%llu%s", (unsigned long long)ev[i].userdata, i + 1 < got ? " " : "\n");
        fflush(stdout);
    }
    char buf[64];
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0)
        CHECK(write(1, buf, (size_t)n) == n);
    CHECK(n == 0);
    return 0;
}
