/* path_ops.h — what the path calls of WASI preview 1 (wasi/path*.c) and
 * of WASI 0.2 (wasi/p2/filesystem_path.c) do to a name sys_resolve()
 * found: look it up (trailing '/' rules), stat it, read it as a link,
 * create or remove a directory, unlink, rename, link and symlink. Each
 * returns 0 or a host errno, with the answers Linux gives for a trailing
 * '/' (never handed to the kernel); callers map the errno to their ABI's
 * code. None follows a symlink in the last component. A new symlink must
 * stay beneath its root when read as a path (EXDEV otherwise), so a guest
 * cannot leave a link out of a mount for someone else to follow.
 * Depends on libc and sys/resolve.h; no global state. */
#ifndef WIPPY_SYS_PATH_OPS_H
#define WIPPY_SYS_PATH_OPS_H

#include <stddef.h>
#include <sys/stat.h>

#include "sys/resolve.h"

/* sys_resolve() for a lookup: a path ending in '/' follows a symlink in
 * its last component as well, as POSIX path resolution does. */
int sys_path_lookup(int root, const char *path, bool follow, sys_resolved *out);

/* lstat of the resolved name; ENOTDIR when a trailing '/' names a
 * non-directory. */
int sys_path_stat(const sys_resolved *r, struct stat *st);

/* The contents of the symlink r names, cut to len bytes (no NUL added),
 * their length in *n; EINVAL for "link/" (that names the target). */
int sys_path_readlink(const sys_resolved *r, char *buf, size_t len, size_t *n);

int sys_path_mkdir(const sys_resolved *r);    /* "." (the directory itself): EEXIST */
int sys_path_rmdir(const sys_resolved *r);    /* "." (also "x/.."): EINVAL */
int sys_path_unlink(const sys_resolved *r);   /* "name/": EISDIR, ENOTDIR or ENOENT */
int sys_path_rename(const sys_resolved *from, const sys_resolved *to);
int sys_path_link(const sys_resolved *from, const sys_resolved *to);   /* a directory: EPERM */
/* Makes r a symlink whose contents are target (depth: r's level below its
 * root): ENOENT for an empty target, EXDEV when the target would leave
 * the root. */
int sys_path_symlink(const char *target, const sys_resolved *r);

#endif
