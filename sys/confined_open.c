/* confined_open.c — opens a file by a relative path strictly inside a
 * directory (see confined_open.h).
 *
 * Two implementations share one contract:
 *   - openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS: the kernel
 *     itself refuses every escape (Linux 5.6 and later);
 *   - a walk in user space, for kernels without openat2 or where a seccomp
 *     filter blocks it: one component at a time, never letting the kernel
 *     follow a symlink, reading each link and resolving its target itself,
 *     and keeping its own stack of directories so that ".." is answered from
 *     that stack instead of by the kernel.
 * Touches nothing outside the caller's directory; no global state. */
#include "sys/confined_open.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

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

#ifndef O_PATH
#define O_PATH 0 /* no O_PATH: directories are opened for reading instead */
#endif

/* How many directories below the root the walk may stand in at once; it
 * holds one descriptor per level. Deeper paths give ENAMETOOLONG. */
#define WALK_MAX_DEPTH 128

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

/* Checks the arguments and strips the leading slashes from `path`.
 * Returns 0 and sets *rel, or returns an errno. */
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
    *rel = path;
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

    long fd = syscall(SYS_openat2, dirfd, rel[0] != '\0' ? rel : ".", &how, sizeof how);
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

/* Whether the descriptor (an O_PATH one) refers to a symlink itself. */
static bool is_symlink_fd(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);
}

/* Replaces the name of a symlink at the start of what is left of `path`
 * by its target: path becomes target followed by path[rest...], where
 * `rest` is the "/..." (or "") that came after the link's name.
 * Returns 0 or ENAMETOOLONG. */
static int splice_link(char *path, size_t rest, const char *target, size_t target_len)
{
    size_t rest_len = strlen(path + rest);
    if (target_len + rest_len >= PATH_MAX)
        return ENAMETOOLONG;
    memmove(path + target_len, path + rest, rest_len + 1);
    memcpy(path, target, target_len);
    return 0;
}

/* The portable walk. `rel` has been through prepare(). */
static int walk(int root, const char *rel, int flags, int *out_fd)
{
    char path[PATH_MAX];            /* what is left to resolve, from `pos` on */
    char target[PATH_MAX];          /* the contents of a symlink */
    char name[NAME_MAX + 1];        /* the component being resolved */
    int dirs[WALK_MAX_DEPTH + 1];   /* dirs[0] = root (the caller's), dirs[depth] = where we stand */
    int depth = 0;
    int hops = 0;                   /* symlinks followed so far */
    size_t pos = 0;
    int err = 0;

    dirs[0] = root;
    if (rel[0] == '\0')
        rel = "."; /* the path was all slashes: the directory itself */
    memcpy(path, rel, strlen(rel) + 1); /* prepare() checked the length */

    for (;;) {
        /* Cut the next component. Slashes were skipped, so it is not empty. */
        size_t len = strcspn(path + pos, "/");
        size_t next = pos + len;                       /* the '/' or NUL after it */
        size_t end = next + strspn(path + next, "/");  /* where the one after starts */
        bool last = path[end] == '\0';
        bool trailing_slash = last && next != end;     /* "dir/": must be a directory */

        if (len > NAME_MAX) {
            err = ENAMETOOLONG;
            break;
        }
        memcpy(name, path + pos, len);
        name[len] = '\0';

        if (strcmp(name, "..") == 0) {
            if (depth == 0) {
                err = EXDEV; /* above the root */
                break;
            }
            close(dirs[depth--]);
            strcpy(name, "."); /* now stand in the parent */
        }
        if (strcmp(name, ".") == 0 && !last) {
            pos = end;
            continue;
        }

        /* A symlink met on the way is always followed; the last component's
         * one only without O_NOFOLLOW, or when a trailing slash asks for it. */
        int cur = dirs[depth];
        bool follow = !last || trailing_slash || !(flags & O_NOFOLLOW);
        int fd;
        if (last) {
            if (trailing_slash && (flags & O_CREAT)) {
                err = EISDIR; /* what open(2) says to O_CREAT of "name/" */
                break;
            }
            int last_flags = flags | O_NOFOLLOW | O_CLOEXEC | (trailing_slash ? O_DIRECTORY : 0);
            fd = openat(cur, name, last_flags, create_mode(flags));
            /* O_PATH | O_NOFOLLOW opens a symlink itself instead of failing. */
            if (fd >= 0 && follow && (flags & O_PATH) && is_symlink_fd(fd)) {
                close(fd);
                fd = -1;
                errno = ELOOP;
            }
        } else {
            fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }

        if (fd < 0) {
            int open_err = errno;
            /* O_NOFOLLOW reports a symlink as ELOOP, or as ENOTDIR when
             * O_DIRECTORY is also given. Anything else is the answer. */
            if (!follow || (open_err != ELOOP && open_err != ENOTDIR)) {
                err = open_err;
                break;
            }
            ssize_t n = readlinkat(cur, name, target, sizeof target);
            if (n < 0) {
                err = open_err; /* not a symlink: the open's error stands */
                break;
            }
            if (++hops > CONFINED_OPEN_MAX_HOPS) {
                err = ELOOP;
                break;
            }
            if ((size_t)n == sizeof target) {
                err = ENAMETOOLONG;
                break;
            }
            if (n == 0) {
                err = ENOENT;
                break;
            }
            if (target[0] == '/') {
                err = EXDEV; /* absolute: points outside by definition */
                break;
            }
            /* Resolve the target from the link's own directory, then go on
             * with whatever followed the link's name. */
            err = splice_link(path, next, target, (size_t)n);
            if (err != 0)
                break;
            pos = 0;
            continue;
        }

        if (last) {
            *out_fd = fd;
            break;
        }
        if (depth == WALK_MAX_DEPTH) {
            close(fd);
            err = ENAMETOOLONG;
            break;
        }
        dirs[++depth] = fd;
        pos = end;
    }

    while (depth > 0)
        close(dirs[depth--]);
    return err;
}

int confined_open(int dirfd, const char *path, int flags, int *out_fd)
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

int confined_open_fallback(int dirfd, const char *path, int flags, int *out_fd)
{
    const char *rel;
    int err = prepare(path, out_fd, &rel);
    if (err != 0)
        return err;
    return walk(dirfd, rel, flags, out_fd);
}

const char *confined_open_strerror(int err)
{
    if (err == EXDEV)
        return "path escapes its directory";
    return strerror(err);
}
