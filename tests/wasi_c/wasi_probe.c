/* wasi_probe.c — which capability groups work? Exits with a bit mask (it
 * cannot rely on argv or stdout, which need WASI_CAP_CLI):
 *   1 args   2 environ   4 stdout   8 a preopen at fd 3   16 clocks
 *   32 random   64 poll_oneoff   128 sock_* reached the socket check
 *   256 a file written in the preopen (FILESYSTEM and IO)   512 sched_yield */
#include "guest.h"

int main(void)
{
    int mask = 0;
    __wasi_size_t count, size;
    if (__wasi_args_sizes_get(&count, &size) == 0 && count > 0)
        mask |= 1;
    if (__wasi_environ_sizes_get(&count, &size) == 0 && count > 0)
        mask |= 2;
    __wasi_ciovec_t iov = { (const uint8_t *)"probe\n", 6 };
    if (__wasi_fd_write(1, &iov, 1, &size) == 0)
        mask |= 4;
    __wasi_prestat_t pre;
    if (__wasi_fd_prestat_get(3, &pre) == 0)
        mask |= 8;
    __wasi_timestamp_t t;
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) == 0)
        mask |= 16;
    unsigned char r[8];
    if (__wasi_random_get(r, sizeof r) == 0)
        mask |= 32;
    __wasi_subscription_t sub = { .userdata = 7, .u.tag = __WASI_EVENTTYPE_CLOCK };
    sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    __wasi_event_t ev;
    if (__wasi_poll_oneoff(&sub, &ev, 1, &size) == 0)
        mask |= 64;
    if (__wasi_sock_shutdown(1, __WASI_SDFLAGS_WR) != __WASI_ERRNO_NOTCAPABLE)
        mask |= 128;
    __wasi_fd_t fd;
    if (__wasi_path_open(3, 0, "probe.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd) == 0) {
        if (__wasi_fd_write(fd, &iov, 1, &size) == 0 && size == 6)
            mask |= 256;
        (void)__wasi_fd_close(fd);
    }
    if (__wasi_sched_yield() == 0)
        mask |= 512;
    __wasi_proc_exit((__wasi_exitcode_t)mask);
}
