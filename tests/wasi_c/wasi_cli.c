/* wasi_cli.c — a guest for the process-level calls; argv[1] picks what it
 * does: "echo" prints its arguments and environment, "exit N" exits with
 * N, "raise" raises SIGTERM, "clock" and "random" check those calls,
 * "stdio" copies stdin to stdout (and writes to stderr), "efault" hands
 * out-of-bounds and malformed arguments to raw calls, "preopens" lists
 * the preopened directories. Exits with the
 * failing line's number when a CHECK fails. */
#include <time.h>
#include <unistd.h>

#include "guest.h"

extern char **environ;

static int echo(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("arg=%s\n", argv[i]);
    for (char **e = environ; *e != NULL; e++)
        printf("env=%s\n", *e);
    return 0;
}

static int clock_check(void)
{
    __wasi_timestamp_t a, b, res, real;
    CHECK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &a) == 0);
    CHECK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &b) == 0);
    CHECK(b >= a);
    CHECK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &real) == 0);
    CHECK(real > 1577836800ull * 1000000000ull);   /* after 2020 */
    CHECK(__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res) == 0 && res > 0);
    CHECK(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &a) == 0);
    CHECK(__wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 1, &a) == 0);
    CHECK_ERR(__wasi_clock_time_get(4, 1, &a), __WASI_ERRNO_INVAL);
    CHECK_ERR(__wasi_clock_res_get(99, &res), __WASI_ERRNO_INVAL);
    return 0;
}

static int random_check(void)
{
    unsigned char buf[4096];
    memset(buf, 0, sizeof buf);
    CHECK(__wasi_random_get(buf, sizeof buf) == 0);
    int nonzero = 0;
    for (size_t i = 0; i < sizeof buf; i++)
        nonzero += buf[i] != 0;
    CHECK(nonzero > 3000);
    CHECK(__wasi_random_get(buf, 0) == 0);
    return 0;
}

static int stdio_copy(void)
{
    char buf[256];
    ssize_t n;
    fputs("to stderr\n", stderr);
    while ((n = read(0, buf, sizeof buf)) > 0)
        CHECK(write(1, buf, (size_t)n) == n);
    CHECK(n == 0);
    CHECK(write(1, "<eof>\n", 6) == 6);
    return 0;
}

/* Arguments that do not fit in memory, and malformed paths. */
static int efault(void)
{
    uint32_t size = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    static __wasi_ciovec_t iov;
    static __wasi_size_t n;
    static char text[] = "edge";
    iov.buf = (const uint8_t *)text;
    iov.buf_len = 4;

    CHECK_ERR(raw_fd_write(1, (int32_t)(size - 4), 1, PTR(&n)), __WASI_ERRNO_FAULT);
    CHECK_ERR(raw_fd_write(1, (int32_t)0xfffffff8u, 1, PTR(&n)), __WASI_ERRNO_FAULT);
    CHECK_ERR(raw_fd_write(1, PTR(&iov), 1, (int32_t)(size - 3)), __WASI_ERRNO_FAULT);
    iov.buf = (const uint8_t *)(uintptr_t)(size - 2);
    CHECK_ERR(raw_fd_write(1, PTR(&iov), 1, PTR(&n)), __WASI_ERRNO_FAULT);
    iov.buf_len = 0xffffffffu;
    iov.buf = (const uint8_t *)text;
    CHECK_ERR(raw_fd_write(1, PTR(&iov), 1, PTR(&n)), __WASI_ERRNO_FAULT);
    CHECK_ERR(raw_fd_read(0, PTR(&iov), 0x20000000, PTR(&n)), __WASI_ERRNO_FAULT);
    /* The last bytes of memory are fine. */
    CHECK_ERR(raw_args_sizes_get((int32_t)(size - 4), (int32_t)(size - 8)), 0);
    CHECK_ERR(raw_args_sizes_get((int32_t)(size - 3), PTR(&n)), __WASI_ERRNO_FAULT);
    /* Paths: out of bounds, NUL inside, not UTF-8, too long. */
    static int32_t fd;
    CHECK_ERR(raw_path_open(3, 0, (int32_t)(size - 2), 4, 0, 0, 0, 0, PTR(&fd)), __WASI_ERRNO_FAULT);
    CHECK_ERR(raw_path_open(3, 0, PTR("a\0b"), 3, 0, 0, 0, 0, PTR(&fd)), __WASI_ERRNO_INVAL);
    CHECK_ERR(raw_path_open(3, 0, PTR("a\xff"), 2, 0, 0, 0, 0, PTR(&fd)), __WASI_ERRNO_ILSEQ);
    CHECK_ERR(raw_path_open(3, 0, PTR("\xed\xa0\x80"), 3, 0, 0, 0, 0, PTR(&fd)), __WASI_ERRNO_ILSEQ);
    static char longpath[5000];
    memset(longpath, 'a', sizeof longpath);
    CHECK_ERR(raw_path_open(3, 0, PTR(longpath), sizeof longpath, 0, 0, 0, 0, PTR(&fd)),
              __WASI_ERRNO_NAMETOOLONG);
    /* Too many subscriptions, none at all. */
    static __wasi_event_t ev;
    static __wasi_subscription_t sub;
    CHECK_ERR(__wasi_poll_oneoff(&sub, &ev, 0, &n), __WASI_ERRNO_INVAL);
    CHECK_ERR(__wasi_poll_oneoff(&sub, &ev, 100000, &n), __WASI_ERRNO_INVAL);
    return 0;
}

static int preopens(void)
{
    for (__wasi_fd_t fd = 3;; fd++) {
        __wasi_prestat_t pre;
        char name[256];
        if (__wasi_fd_prestat_get(fd, &pre) != 0)
            return 0;
        CHECK(pre.u.dir.pr_name_len < sizeof name);
        CHECK(__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, pre.u.dir.pr_name_len) == 0);
        name[pre.u.dir.pr_name_len] = '\0';
        printf("%u=%s\n", (unsigned)fd, name);
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "echo") == 0)
        return echo(argc, argv);
    if (strcmp(mode, "exit") == 0)
        exit(atoi(argv[2]));
    if (strcmp(mode, "raise") == 0) {
        raw_proc_raise(15);
        return 1;
    }
    if (strcmp(mode, "clock") == 0)
        return clock_check();
    if (strcmp(mode, "random") == 0)
        return random_check();
    if (strcmp(mode, "stdio") == 0)
        return stdio_copy();
    if (strcmp(mode, "efault") == 0)
        return efault();
    if (strcmp(mode, "preopens") == 0)
        return preopens();
    return 2;
}
