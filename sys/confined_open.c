/* confined_open.c — opens a file by a relative path strictly inside a
 * directory (see confined_open.h).
 *
 * Two implementations share one contract:
 *   - openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS: the kernel
 *     itself refuses every escape (Linux 5.6 and later);
 *   - the walk in user space of sys/resolve.h (sys_resolve_open()), for
 *     kernels without openat2 or where a seccomp filter blocks it: one
 *     component at a time, never letting the kernel follow a symlink, and
 *     answering ".." from its own stack of directories.
 * This file only prepares the path (leading slashes stripped) and picks
 * one. Touches nothing outside the caller's directory; no global state. */
#include "sys/confined_open.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "sys/resolve.h"

#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define HAVE_LINUX_OPENAT2_H 1
#endif
#endif

#ifndef HAVE_LINUX_OPENAT2_H
/* The argument of openat2(2), as in <linux/openat2.h>. */
struct open_how {
    uint64_t flags;
    uint64_t mode;
    uint64_t resolve;
};
#endif
#ifndef RESOLVE_NO_MAGICLINKS
#define RESOLVE_NO_MAGICLINKS 0x02 /* refuse /proc-style "magic" links */
#endif
#ifndef RESOLVE_BENEATH
#define RESOLVE_BENEATH 0x08       /* refuse anything that leaves dirfd */
#endif

/* The mode given to a file that `flags` may create. */
static mode_t create_mode(int flags)
{
    if (flags & O_CREAT)
        return 0666;
#ifdef O_TMPFILE
    if ((flags & O_TMPFILE) == O_TMPFILE)
        return 0666;
#endif
    return 0;
}

/* Checks the arguments and strips the leading slashes from `path` (a
 * path of slashes only is ".", the directory itself). Returns 0 and sets
 * *rel, or returns an errno. */
static int prepare(const char *path, int *out_fd, const char **rel)
{
    if (out_fd == NULL || path == NULL)
        return EINVAL;
    *out_fd = -1;
    if (path[0] == '\0')
        return EINVAL;
    if (strnlen(path, PATH_MAX) >= PATH_MAX)
        return ENAMETOOLONG;
    while (*path == '/')
        path++;
    *rel = path[0] != '\0' ? path : ".";
    return 0;
}

/* The kernel's way. Returns 0 and sets *out_fd, or an errno; ENOSYS when
 * openat2 cannot even be named on this system. */
static int open_with_openat2(int dirfd, const char *rel, int flags, int *out_fd)
{
#ifdef SYS_openat2
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned int)(flags | O_CLOEXEC);
    how.mode = create_mode(flags);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;

    long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
    if (fd < 0)
        return errno;
    *out_fd = (int)fd;
    return 0;
#else
    (void)dirfd;
    (void)rel;
    (void)flags;
    (void)out_fd;
    return ENOSYS;
#endif
}

/* The walk's way. `rel` has been through prepare(). */
static int walk(int root, const char *rel, int flags, int *out_fd)
{
    return sys_resolve_open(root, rel, flags, create_mode(flags), out_fd);
}

int sys_confined_open(int dirfd, const char *path, int flags, int *out_fd)
{
    const char *rel;
    int err = prepare(path, out_fd, &rel);
    if (err != 0)
        return err;
    err = open_with_openat2(dirfd, rel, flags, out_fd);
    /* ENOSYS: an older kernel. EPERM: a seccomp filter that forbids the
     * call (a real EPERM comes back from the walk as well). EAGAIN: a
     * rename raced the kernel's ".." check; the walk does not use the
     * kernel's "..". */
    if (err == ENOSYS || err == EPERM || err == EAGAIN)
        err = walk(dirfd, rel, flags, out_fd);
    return err;
}

int sys_confined_open_fallback(int dirfd, const char *path, int flags, int *out_fd)
{
    const char *rel;
    int err = prepare(path, out_fd, &rel);
    if (err != 0)
        return err;
    return walk(dirfd, rel, flags, out_fd);
}

const char *sys_confined_open_strerror(int err)
{
    if (err == EXDEV)
        return "path escapes its directory";
    return strerror(err);
}
