/* path_modify.c — the path calls that change a tree:
 * path_create_directory, path_remove_directory, path_unlink_file,
 * path_rename, path_link, path_symlink. None follows a symlink in the last
 * component (path_link's source may, when asked); a trailing '/' is checked
 * here with the answers Linux gives, and never handed to the kernel. Every
 * one is refused with EROFS when a directory involved lies in a read-only
 * mount. A new symlink must stay inside its directory descriptor's tree
 * when read as a path (ENOTCAPABLE otherwise), so a guest cannot leave a
 * link pointing out of a mount for the host or another program to follow. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wasi/internal.h"

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
static uint32_t new_name_with_slash(const sys_resolved *r)
{
    return kind_of(r) != 0 ? WASI_EEXIST : WASI_ENOENT;
}

uint32_t wasi_op_path_create_directory(wasi_call *c)
{
    uint32_t err;
    wasi_fd *dir = wasi_path_dir(c->ctx, ARG32(c, 0), WASI_R_PATH_CREATE_DIRECTORY, &err);
    if (dir == NULL)
        return err;
    if (dir->read_only)
        return WASI_EROFS;
    sys_resolved r;
    if ((err = wasi_path_resolve(c, dir, ARG32(c, 1), ARG32(c, 2), false, &r)) != 0)
        return err;
    if (strcmp(r.name, ".") == 0)
        err = WASI_EEXIST;
    else if (mkdirat(r.dirfd, r.name, 0777) != 0)
        err = wasi_errno(errno);
    sys_resolved_close(&r);
    return err;
}

uint32_t wasi_op_path_remove_directory(wasi_call *c)
{
    uint32_t err;
    wasi_fd *dir = wasi_path_dir(c->ctx, ARG32(c, 0), WASI_R_PATH_REMOVE_DIRECTORY, &err);
    if (dir == NULL)
        return err;
    if (dir->read_only)
        return WASI_EROFS;
    sys_resolved r;
    if ((err = wasi_path_resolve(c, dir, ARG32(c, 1), ARG32(c, 2), false, &r)) != 0)
        return err;
    if (strcmp(r.name, ".") == 0)
        err = WASI_EINVAL;   /* the directory itself (also "x/..") */
    else if (unlinkat(r.dirfd, r.name, AT_REMOVEDIR) != 0)
        err = wasi_errno(errno);
    sys_resolved_close(&r);
    return err;
}

uint32_t wasi_op_path_unlink_file(wasi_call *c)
{
    uint32_t err;
    wasi_fd *dir = wasi_path_dir(c->ctx, ARG32(c, 0), WASI_R_PATH_UNLINK_FILE, &err);
    if (dir == NULL)
        return err;
    if (dir->read_only)
        return WASI_EROFS;
    sys_resolved r;
    if ((err = wasi_path_resolve(c, dir, ARG32(c, 1), ARG32(c, 2), false, &r)) != 0)
        return err;
    if (r.trailing_slash) {
        mode_t kind = kind_of(&r);
        err = kind == S_IFDIR ? WASI_EISDIR : kind != 0 ? WASI_ENOTDIR : WASI_ENOENT;
    } else if (unlinkat(r.dirfd, r.name, 0) != 0) {
        err = wasi_errno(errno);
    }
    sys_resolved_close(&r);
    return err;
}

/* path_rename(fd, old_path, old_len, new_fd, new_path, new_len). */
uint32_t wasi_op_path_rename(wasi_call *c)
{
    uint32_t err;
    wasi_fd *from = wasi_path_dir(c->ctx, ARG32(c, 0), WASI_R_PATH_RENAME_SOURCE, &err);
    if (from == NULL)
        return err;
    wasi_fd *to = wasi_path_dir(c->ctx, ARG32(c, 3), WASI_R_PATH_RENAME_TARGET, &err);
    if (to == NULL)
        return err;
    if (from->read_only || to->read_only)
        return WASI_EROFS;
    sys_resolved o, n;
    if ((err = wasi_path_resolve(c, from, ARG32(c, 1), ARG32(c, 2), false, &o)) != 0)
        return err;
    if ((err = wasi_path_resolve(c, to, ARG32(c, 4), ARG32(c, 5), false, &n)) != 0) {
        sys_resolved_close(&o);
        return err;
    }
    mode_t kind = kind_of(&o);
    if (kind == 0)
        err = WASI_ENOENT;
    else if ((o.trailing_slash || n.trailing_slash) && kind != S_IFDIR)
        err = WASI_ENOTDIR;
    else if (renameat(o.dirfd, o.name, n.dirfd, n.name) != 0)
        err = wasi_errno(errno);
    sys_resolved_close(&o);
    sys_resolved_close(&n);
    return err;
}

/* path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len). */
uint32_t wasi_op_path_link(wasi_call *c)
{
    uint32_t err;
    wasi_fd *from = wasi_path_dir(c->ctx, ARG32(c, 0), WASI_R_PATH_LINK_SOURCE, &err);
    if (from == NULL)
        return err;
    wasi_fd *to = wasi_path_dir(c->ctx, ARG32(c, 4), WASI_R_PATH_LINK_TARGET, &err);
    if (to == NULL)
        return err;
    /* A second name for a file of a read-only mount would let it be written. */
    if (from->read_only || to->read_only)
        return WASI_EROFS;
    sys_resolved o, n;
    bool follow = ARG32(c, 1) & WASI_LOOKUP_SYMLINK_FOLLOW;
    if ((err = wasi_path_resolve(c, from, ARG32(c, 2), ARG32(c, 3), follow, &o)) != 0)
        return err;
    if ((err = wasi_path_resolve(c, to, ARG32(c, 5), ARG32(c, 6), false, &n)) != 0) {
        sys_resolved_close(&o);
        return err;
    }
    mode_t kind = kind_of(&o);
    if (kind == 0)
        err = WASI_ENOENT;
    else if (kind == S_IFDIR)
        err = WASI_EPERM;   /* no hard links to directories */
    else if (o.trailing_slash)
        err = WASI_ENOTDIR;
    else if (n.trailing_slash)
        err = new_name_with_slash(&n);
    else if (linkat(o.dirfd, o.name, n.dirfd, n.name, 0) != 0)
        err = wasi_errno(errno);
    sys_resolved_close(&o);
    sys_resolved_close(&n);
    return err;
}

/* path_symlink(old_path, old_len, fd, new_path, new_len): makes new_path a
 * symlink whose contents are old_path. */
uint32_t wasi_op_path_symlink(wasi_call *c)
{
    uint32_t err;
    wasi_fd *dir = wasi_path_dir(c->ctx, ARG32(c, 2), WASI_R_PATH_SYMLINK, &err);
    if (dir == NULL)
        return err;
    if (dir->read_only)
        return WASI_EROFS;
    char target[WASI_PATH_MAX];
    if ((err = wasi_path_arg(c->mem, ARG32(c, 0), ARG32(c, 1), target)) != 0)
        return err;
    sys_resolved r;
    if ((err = wasi_path_resolve(c, dir, ARG32(c, 3), ARG32(c, 4), false, &r)) != 0)
        return err;
    if (target[0] == '\0')
        err = WASI_ENOENT;   /* what symlink(2) says to an empty target */
    else if (r.trailing_slash)
        err = new_name_with_slash(&r);
    else if (!sys_link_target_confined(target, r.depth))
        err = WASI_ENOTCAPABLE;
    else if (symlinkat(target, r.dirfd, r.name) != 0)
        err = wasi_errno(errno);
    sys_resolved_close(&r);
    return err;
}
