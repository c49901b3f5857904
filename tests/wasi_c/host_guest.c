/* host_guest.c — a wasi-libc program for the process host tests: its
 * exported functions sleep (poll_oneoff through usleep), read stdin,
 * write stdout and stderr, count WASI args (taking two strings through
 * cabi_realloc) and read the environment. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

/* Sleeps ms milliseconds, then returns tag. */
__attribute__((export_name("nap"))) int nap(int ms, int tag)
{
    usleep((unsigned)ms * 1000u);
    return tag;
}

/* Reads stdin to its end and returns how many bytes came. */
__attribute__((export_name("slurp"))) int slurp(void)
{
    char buf[256];
    int total = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0)
        total += (int)n;
    return n < 0 ? -1 : total;
}

/* The canonical ABI's allocator, so string arguments can come in. */
__attribute__((export_name("cabi_realloc"))) void *cabi_realloc(void *old, size_t old_size,
                                                                size_t align, size_t size)
{
    (void)old_size, (void)align;
    return realloc(old, size);
}

/* 100 * the number of WASI arguments + the lengths of a and b. */
__attribute__((export_name("nargs"))) int nargs(const char *a, size_t alen, const char *b,
                                                size_t blen)
{
    (void)a, (void)b;
    __wasi_size_t argc = 0, size = 0;
    if (__wasi_args_sizes_get(&argc, &size) != 0)
        return -1;
    return (int)(100 * argc + alen + blen);
}

/* Writes "hi" to stdout and "oops" to stderr; returns 0. */
__attribute__((export_name("hello"))) int hello(void)
{
    return write(1, "hi\n", 3) == 3 && write(2, "oops\n", 5) == 5 ? 0 : -1;
}

/* The length of $GREETING, or -1 when unset. */
__attribute__((export_name("greeting_len"))) int greeting_len(void)
{
    const char *v = getenv("GREETING");
    return v != NULL ? (int)strlen(v) : -1;
}

int main(void)
{
    return 0;
}
