/* path_modify.c — the path calls that change a tree:
 * path_create_directory, path_remove_directory, path_unlink_file,
 * path_rename, path_link, path_symlink. None follows a symlink in the last
 * component (path_link's source may, when asked); what each does to the
 * names it resolved is shared with WASI 0.2 (sys/path_ops.h). Every
 * one is refused with EROFS when a directory involved lies in a read-only
 * mount. A new symlink must stay inside its directory descriptor's tree
 * when read as a path (ENOTCAPABLE otherwise), so a guest cannot leave a
 * link pointing out of a mount for the host or another program to follow. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sys/path_ops.h"
#include "wasi/internal.h"

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

/* The shared operations (sys/path_ops.h), their errno mapped. */
static uint32_t create_directory(const sys_resolved *r)
{
    return wasi_errno(sys_path_mkdir(r));
}

static uint32_t remove_directory(const sys_resolved *r)
{
    return wasi_errno(sys_path_rmdir(r));
}

static uint32_t unlink_file(const sys_resolved *r)
{
    return wasi_errno(sys_path_unlink(r));
}

static uint32_t rename_names(const sys_resolved *o, const sys_resolved *n)
{
    return wasi_errno(sys_path_rename(o, n));
}

static uint32_t link_names(const sys_resolved *o, const sys_resolved *n)
{
    return wasi_errno(sys_path_link(o, n));
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
    int e = sys_path_symlink(target, &r);
    err = e == EXDEV ? WASI_ENOTCAPABLE : wasi_errno(e);   /* the target would leave */
    sys_resolved_close(&r);
    return err;
}
