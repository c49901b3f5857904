/* confined_open.h — open a file by a relative path that can never leave a
 * directory: how `.wasm` binaries are loaded out of an `fs.directory` entry.
 * (WASI's path calls need the directory and name instead of an open file:
 * sys/resolve.h, with the same escape rules.)
 *
 * Uses Linux openat2(2) with RESOLVE_BENEATH when the kernel has it, and
 * otherwise the component-by-component walk of sys/resolve.h
 * (sys_resolve_open()); both give the same answers.
 * Depends on libc and sys/resolve.h only; no global state. */
#ifndef WIPPY_CONFINED_OPEN_H
#define WIPPY_CONFINED_OPEN_H

#include "sys/resolve.h"

/* Most symlinks followed while resolving one path (Linux's MAXSYMLINKS). */
#define CONFINED_OPEN_MAX_HOPS SYS_RESOLVE_MAX_HOPS

/* Opens `path` beneath the directory `dirfd` with open(2) `flags`
 * (O_NOFOLLOW/O_CREAT semantics: only read-style opens are required now; O_CLOEXEC always added).
 * A leading "/" (any number of them) is stripped, so "/worker.wasm" means dirfd/worker.wasm
 * (and "/" alone means the directory itself). A file made by O_CREAT gets mode 0666 & ~umask.
 * Never leaves the tree rooted at dirfd: ".." above the root, symlinks whose target is absolute or
 * climbs above the root, and symlink chains (also dangling and looping ones) are handled so the
 * result is always inside. Returns 0 and sets *out_fd, or returns an errno:
 * EXDEV when the path (or a symlink on it) would escape the directory, ELOOP for more than 40
 * symlink hops, ENOENT/ENOTDIR/EACCES/EISDIR... as open(2) would, EINVAL for an empty path
 * (or a NULL argument), ENAMETOOLONG for a path of PATH_MAX bytes or more. */
int sys_confined_open(int dirfd, const char *path, int flags, int *out_fd);

/* The walk, used when openat2 is unavailable; exposed for tests. Same
 * contract as sys_confined_open(); it holds one descriptor per directory level
 * it descends and answers ENAMETOOLONG beyond SYS_RESOLVE_MAX_DEPTH (128)
 * levels. */
int sys_confined_open_fallback(int dirfd, const char *path, int flags, int *out_fd);

/* Text for the errors above: "path escapes its directory" for EXDEV, strerror() otherwise. */
const char *sys_confined_open_strerror(int err);

#endif /* WIPPY_CONFINED_OPEN_H */
