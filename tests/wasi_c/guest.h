/* guest.h — shared by the guest programs in tests/wasi_c/ (compiled with
 * clang --target=wasm32-wasi): a failure check that exits with the line
 * number, and raw imports of preview 1 functions for calls whose pointers
 * and lengths the tests choose themselves (wasi-libc's __wasi_* wrappers
 * take NUL-terminated paths). */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

/* Exits with the line number (the test names it) when cond is false. */
#define CHECK(cond)                                                     \
    do {                                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "%s:%d: CHECK(%s)\n", __FILE__, __LINE__, #cond); \
            exit(__LINE__);                                             \
        }                                                               \
    } while (0)

/* CHECK that an expression gives the errno e. */
#define CHECK_ERR(expr, e)                                              \
    do {                                                                \
        int got_ = (int)(expr);                                         \
        if (got_ != (e)) {                                              \
            fprintf(stderr, "%s:%d: %s gave %d, want %d\n", __FILE__, __LINE__, #expr, got_, (int)(e)); \
            exit(__LINE__);                                             \
        }                                                               \
    } while (0)

#define RAW(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

RAW(fd_write) int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t n, int32_t out);
RAW(fd_read) int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t n, int32_t out);
RAW(path_open) int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t len,
                                     int32_t oflags, int64_t base, int64_t inheriting,
                                     int32_t fdflags, int32_t out);
RAW(path_symlink) int32_t raw_path_symlink(int32_t old, int32_t old_len, int32_t fd,
                                           int32_t path, int32_t len);
RAW(args_sizes_get) int32_t raw_args_sizes_get(int32_t argc, int32_t size);
RAW(proc_raise) int32_t raw_proc_raise(int32_t sig);
RAW(sched_yield) int32_t raw_sched_yield(void);

/* A guest pointer as the raw imports take it. */
#define PTR(p) ((int32_t)(uintptr_t)(p))

/* Opens `path` beneath dir with every right (but the writing ones for a
 * directory, which cannot be opened for writing), as tests mostly want. */
static inline __wasi_fd_t open_at(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags,
                                  __wasi_errno_t *err)
{
    const __wasi_rights_t writing = __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC |
                                    __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE;
    __wasi_rights_t base = (__wasi_rights_t)-1;
    if (oflags & __WASI_OFLAGS_DIRECTORY)
        base &= ~writing;
    __wasi_fd_t fd = (__wasi_fd_t)-1;
    *err = __wasi_path_open(dir, 0, path, oflags, base, (__wasi_rights_t)-1, 0, &fd);
    return fd;
}

#endif
