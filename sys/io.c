/* io.c — writes without SIGPIPE and non-blocking readiness checks (see io.h). */
#include "sys/io.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>

ssize_t sys_writev_nosigpipe(int fd, const struct iovec *iov, int iovcnt)
{
    sigset_t pipe_only, pending, old;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);

    /* A SIGPIPE already pending belongs to someone else: leave it there. */
    bool was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
    if (pthread_sigmask(SIG_BLOCK, &pipe_only, &old) != 0)
        return writev(fd, iov, iovcnt);

    ssize_t n = writev(fd, iov, iovcnt);
    int err = errno;
    if (n < 0 && err == EPIPE && !was_pending) {
        const struct timespec zero = { 0, 0 };
        while (sigtimedwait(&pipe_only, NULL, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = err;
    return n;
}

int sys_poll_now(int fd, short events)
{
    struct pollfd p = { .fd = fd, .events = events, .revents = 0 };
    int n;
    do {
        n = poll(&p, 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    return n == 0 ? 0 : p.revents;
}
