/* path_ops.c — the operations on a resolved name that WASI preview 1 and
 * 0.2 share (see path_ops.h). Touches only what the caller resolved. */
#include "sys/path_ops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int sys_path_lookup(int root, const char *path, bool follow, sys_resolved *out)
{
    int e = sys_resolve(root, path, follow ? SYS_RESOLVE_FOLLOW : 0, out);
    if (e == 0 && !follow && out->trailing_slash) {
        sys_resolved_close(out);
        e = sys_resolve(root, path, SYS_RESOLVE_FOLLOW, out);
    }
    return e;
}

int sys_path_stat(const sys_resolved *r, struct stat *st)
{
    if (fstatat(r->dirfd, r->name, st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno;
    if (r->trailing_slash && !S_ISDIR(st->st_mode))
        return ENOTDIR;
    return 0;
}

int sys_path_readlink(const sys_resolved *r, char *buf, size_t len, size_t *n)
{
    struct stat st;
    int e;
    if (r->trailing_slash)
        return (e = sys_path_stat(r, &st)) != 0 ? e : EINVAL;
    ssize_t k = readlinkat(r->dirfd, r->name, buf, len);
    if (k < 0)
        return errno;
    *n = (size_t)k;
    return 0;
}

/* The kind of what the resolved name is (lstat), or 0 when it is absent. */
static mode_t kind_of(const sys_resolved *r)
{
    struct stat st;
    if (fstatat(r->dirfd, r->name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return 0;
    return st.st_mode & S_IFMT;
}

/* A name that ends in '/' and is to be created: EEXIST when something is
 * there already, ENOENT otherwise (symlink(2) and link(2) on Linux). */
static int new_name_with_slash(const sys_resolved *r)
{
    return kind_of(r) != 0 ? EEXIST : ENOENT;
}

int sys_path_mkdir(const sys_resolved *r)
{
    if (strcmp(r->name, ".") == 0)
        return EEXIST;
    return mkdirat(r->dirfd, r->name, 0777) != 0 ? errno : 0;
}

int sys_path_rmdir(const sys_resolved *r)
{
    if (strcmp(r->name, ".") == 0)
        return EINVAL;
    return unlinkat(r->dirfd, r->name, AT_REMOVEDIR) != 0 ? errno : 0;
}

int sys_path_unlink(const sys_resolved *r)
{
    if (r->trailing_slash) {
        mode_t kind = kind_of(r);
        return kind == S_IFDIR ? EISDIR : kind != 0 ? ENOTDIR : ENOENT;
    }
    return unlinkat(r->dirfd, r->name, 0) != 0 ? errno : 0;
}

int sys_path_rename(const sys_resolved *o, const sys_resolved *n)
{
    mode_t kind = kind_of(o);
    if (kind == 0)
        return ENOENT;
    if ((o->trailing_slash || n->trailing_slash) && kind != S_IFDIR)
        return ENOTDIR;
    return renameat(o->dirfd, o->name, n->dirfd, n->name) != 0 ? errno : 0;
}

int sys_path_link(const sys_resolved *o, const sys_resolved *n)
{
    mode_t kind = kind_of(o);
    if (kind == 0)
        return ENOENT;
    if (kind == S_IFDIR)
        return EPERM;
    if (o->trailing_slash)
        return ENOTDIR;
    if (n->trailing_slash)
        return new_name_with_slash(n);
    return linkat(o->dirfd, o->name, n->dirfd, n->name, 0) != 0 ? errno : 0;
}

int sys_path_symlink(const char *target, const sys_resolved *r)
{
    if (target[0] == '\0')
        return ENOENT;
    if (r->trailing_slash)
        return new_name_with_slash(r);
    if (!sys_link_target_confined(target, r->depth))
        return EXDEV;
    return symlinkat(target, r->dirfd, r->name) != 0 ? errno : 0;
}
