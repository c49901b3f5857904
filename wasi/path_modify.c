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

/* The directory argument `fd` of a call that changes its tree: as
 * wasi_path_dir(), and EROFS when it lies in a read-only mount. */
static wasi_fd *writable_dir(wasi_call *c, uint32_t fd, uint64_t rights, uint32_t *err)
{
    wasi_fd *dir = wasi_path_dir(c->ctx, fd, rights, err);
    if (dir != NULL && dir->read_only) {
        *err = WASI_EROFS;
        return NULL;
    }
    return dir;
}

/* What path_create_directory, path_remove_directory and path_unlink_file
 * do to the name they resolved, and what path_rename and path_link do to
 * their two names. Each returns an errno. */
typedef uint32_t (*name_action)(const sys_resolved *r);
typedef uint32_t (*names_action)(const sys_resolved *from, const sys_resolved *to);

/* A call whose arguments are (fd, path, path_len): the path resolved
 * beneath the writable directory fd holding `rights`, then `act` on it. */
static uint32_t act_in_writable_dir(wasi_call *c, uint64_t rights, name_action act)
{
    uint32_t err;
    wasi_fd *dir = writable_dir(c, ARG32(c, 0), rights, &err);
    if (dir == NULL)
        return err;
    sys_resolved r;
    if ((err = wasi_path_resolve(c, dir, ARG32(c, 1), ARG32(c, 2), false, &r)) != 0)
        return err;
    err = act(&r);
    sys_resolved_close(&r);
    return err;
}

/* One end of path_rename or path_link: a directory argument, the right it
 * needs there, and the path beneath it. */
typedef struct {
    uint32_t fd;
    uint64_t rights;
    uint32_t path, path_len;
    bool follow;
} path_end;

/* path_rename and path_link: both ends resolved, then `act` on them.
 * Checked in this order: each directory and its rights, that neither lies
 * in a read-only mount, then each path. */
static uint32_t act_on_both(wasi_call *c, path_end from, path_end to, names_action act)
{
    uint32_t err;
    wasi_fd *from_dir = wasi_path_dir(c->ctx, from.fd, from.rights, &err);
    if (from_dir == NULL)
        return err;
    wasi_fd *to_dir = wasi_path_dir(c->ctx, to.fd, to.rights, &err);
    if (to_dir == NULL)
        return err;
    /* Neither may be read-only: for path_link, a second name for a file of
     * a read-only mount would let it be written. */
    if (from_dir->read_only || to_dir->read_only)
        return WASI_EROFS;
    sys_resolved o, n;
    if ((err = wasi_path_resolve(c, from_dir, from.path, from.path_len, from.follow, &o)) != 0)
        return err;
    if ((err = wasi_path_resolve(c, to_dir, to.path, to.path_len, to.follow, &n)) != 0) {
        sys_resolved_close(&o);
        return err;
    }
    err = act(&o, &n);
    sys_resolved_close(&o);
    sys_resolved_close(&n);
    return err;
}

static uint32_t create_directory(const sys_resolved *r)
{
    if (strcmp(r->name, ".") == 0)
        return WASI_EEXIST;
    return mkdirat(r->dirfd, r->name, 0777) != 0 ? wasi_errno(errno) : WASI_ESUCCESS;
}

static uint32_t remove_directory(const sys_resolved *r)
{
    if (strcmp(r->name, ".") == 0)
        return WASI_EINVAL;   /* the directory itself (also "x/..") */
    return unlinkat(r->dirfd, r->name, AT_REMOVEDIR) != 0 ? wasi_errno(errno) : WASI_ESUCCESS;
}

static uint32_t unlink_file(const sys_resolved *r)
{
    if (r->trailing_slash) {
        mode_t kind = kind_of(r);
        return kind == S_IFDIR ? WASI_EISDIR : kind != 0 ? WASI_ENOTDIR : WASI_ENOENT;
    }
    return unlinkat(r->dirfd, r->name, 0) != 0 ? wasi_errno(errno) : WASI_ESUCCESS;
}

static uint32_t rename_names(const sys_resolved *o, const sys_resolved *n)
{
    mode_t kind = kind_of(o);
    if (kind == 0)
        return WASI_ENOENT;
    if ((o->trailing_slash || n->trailing_slash) && kind != S_IFDIR)
        return WASI_ENOTDIR;
    return renameat(o->dirfd, o->name, n->dirfd, n->name) != 0 ? wasi_errno(errno)
                                                                : WASI_ESUCCESS;
}

static uint32_t link_names(const sys_resolved *o, const sys_resolved *n)
{
    mode_t kind = kind_of(o);
    if (kind == 0)
        return WASI_ENOENT;
    if (kind == S_IFDIR)
        return WASI_EPERM;   /* no hard links to directories */
    if (o->trailing_slash)
        return WASI_ENOTDIR;
    if (n->trailing_slash)
        return new_name_with_slash(n);
    return linkat(o->dirfd, o->name, n->dirfd, n->name, 0) != 0 ? wasi_errno(errno)
                                                                 : WASI_ESUCCESS;
}

uint32_t wasi_op_path_create_directory(wasi_call *c)
{
    return act_in_writable_dir(c, WASI_R_PATH_CREATE_DIRECTORY, create_directory);
}

uint32_t wasi_op_path_remove_directory(wasi_call *c)
{
    return act_in_writable_dir(c, WASI_R_PATH_REMOVE_DIRECTORY, remove_directory);
}

uint32_t wasi_op_path_unlink_file(wasi_call *c)
{
    return act_in_writable_dir(c, WASI_R_PATH_UNLINK_FILE, unlink_file);
}

/* path_rename(fd, old_path, old_len, new_fd, new_path, new_len). */
uint32_t wasi_op_path_rename(wasi_call *c)
{
    path_end from = { ARG32(c, 0), WASI_R_PATH_RENAME_SOURCE, ARG32(c, 1), ARG32(c, 2), false };
    path_end to = { ARG32(c, 3), WASI_R_PATH_RENAME_TARGET, ARG32(c, 4), ARG32(c, 5), false };
    return act_on_both(c, from, to, rename_names);
}

/* path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len). */
uint32_t wasi_op_path_link(wasi_call *c)
{
    bool follow = ARG32(c, 1) & WASI_LOOKUP_SYMLINK_FOLLOW;
    path_end from = { ARG32(c, 0), WASI_R_PATH_LINK_SOURCE, ARG32(c, 2), ARG32(c, 3), follow };
    path_end to = { ARG32(c, 4), WASI_R_PATH_LINK_TARGET, ARG32(c, 5), ARG32(c, 6), false };
    return act_on_both(c, from, to, link_names);
}

/* path_symlink(old_path, old_len, fd, new_path, new_len): makes new_path a
 * symlink whose contents are old_path. */
uint32_t wasi_op_path_symlink(wasi_call *c)
{
    uint32_t err;
    wasi_fd *dir = writable_dir(c, ARG32(c, 2), WASI_R_PATH_SYMLINK, &err);
    if (dir == NULL)
        return err;
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
