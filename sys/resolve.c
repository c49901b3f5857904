/* resolve.c — the confined walk behind sys_resolve() (see resolve.h).
 *
 * The walk keeps the path still to resolve in a buffer, a stack of open
 * directories (dirs[0] is the caller's root, the others are its own) and a
 * count of symlinks followed. Each step cuts one component off the front:
 *   "."   stays where it is;
 *   ".."  pops the stack (popping the root is an escape);
 *   name  (not last) is opened O_PATH | O_DIRECTORY | O_NOFOLLOW and pushed;
 *         when it is a symlink the kernel refuses, and the walk reads the
 *         link and puts its target in front of what is left;
 *   name  (last) is the answer, unless it is a symlink to follow.
 * Touches nothing outside the root; no global state. */
#include "sys/resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The state of one walk. */
typedef struct {
    char path[PATH_MAX];               /* what is left to resolve, from pos on */
    size_t pos;
    int dirs[SYS_RESOLVE_MAX_DEPTH + 1];
    unsigned depth;                    /* dirs[depth] is where the walk stands */
    unsigned hops;                     /* symlinks followed so far */
} walk_state;

/* Puts the contents of the symlink `name` in directory `dir` in front of
 * what follows the link's name in the path (from `rest` on) and restarts
 * the walk at the front. Returns 0 or an errno (EXDEV for an absolute
 * target, ELOOP, ENAMETOOLONG, ENOENT for an empty target), or -1 when
 * `name` is not a symlink after all. */
static int follow_link(walk_state *w, int dir, const char *name, size_t rest)
{
    char target[PATH_MAX];
    ssize_t n = readlinkat(dir, name, target, sizeof target);
    if (n < 0)
        return -1;
    if (++w->hops > SYS_RESOLVE_MAX_HOPS)
        return ELOOP;
    if ((size_t)n == sizeof target)
        return ENAMETOOLONG;
    if (n == 0)
        return ENOENT;
    if (target[0] == '/')
        return EXDEV;

    size_t rest_len = strlen(w->path + rest);
    if ((size_t)n + rest_len >= sizeof w->path)
        return ENAMETOOLONG;
    memmove(w->path + n, w->path + rest, rest_len + 1);
    memcpy(w->path, target, (size_t)n);
    w->pos = 0;
    return 0;
}

/* Fills *out with (where the walk stands, name) and releases the rest. */
static void finish(walk_state *w, const char *name, bool trailing_slash, sys_resolved *out)
{
    out->dirfd = w->dirs[w->depth];
    out->owned = w->depth > 0;
    out->depth = w->depth;
    out->trailing_slash = trailing_slash;
    strcpy(out->name, name);
    for (unsigned i = 1; i < w->depth; i++)
        close(w->dirs[i]);
    w->depth = 0;
}

/* Closes every directory the walk opened. */
static void abandon(walk_state *w)
{
    while (w->depth > 0)
        close(w->dirs[w->depth--]);
}

static int walk(walk_state *w, int flags, sys_resolved *out)
{
    char name[NAME_MAX + 1];

    for (;;) {
        /* Cut the next component; slashes before it were skipped. */
        size_t len = strcspn(w->path + w->pos, "/");
        size_t next = w->pos + len;                          /* the '/' or NUL after it */
        size_t end = next + strspn(w->path + next, "/");     /* where the following one starts */
        bool last = w->path[end] == '\0';
        bool slash = last && next != end;
        int cur = w->dirs[w->depth];

        if (len > NAME_MAX)
            return ENAMETOOLONG;
        memcpy(name, w->path + w->pos, len);
        name[len] = '\0';

        if (strcmp(name, "..") == 0) {
            if (w->depth == 0)
                return EXDEV;
            close(w->dirs[w->depth--]);
            if (last) {
                finish(w, ".", true, out);
                return 0;
            }
            w->pos = end;
            continue;
        }
        if (strcmp(name, ".") == 0) {
            if (last) {
                finish(w, ".", true, out);
                return 0;
            }
            w->pos = end;
            continue;
        }

        if (last) {
            if (flags & SYS_RESOLVE_FOLLOW) {
                int err = follow_link(w, cur, name, next);
                if (err > 0)
                    return err;
                if (err == 0)
                    continue;
            }
            finish(w, name, slash, out);
            return 0;
        }

        int fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            int open_err = errno;
            /* A symlink is refused as ENOTDIR (or ELOOP); anything else stands. */
            if (open_err != ENOTDIR && open_err != ELOOP)
                return open_err;
            int err = follow_link(w, cur, name, next);
            if (err != 0)
                return err > 0 ? err : open_err;
            continue;
        }
        if (w->depth == SYS_RESOLVE_MAX_DEPTH) {
            close(fd);
            return ENAMETOOLONG;
        }
        w->dirs[++w->depth] = fd;
        w->pos = end;
    }
}

int sys_resolve(int root, const char *path, int flags, sys_resolved *out)
{
    out->dirfd = -1;
    out->owned = false;
    out->name[0] = '\0';
    out->trailing_slash = false;
    out->depth = 0;
    if (path[0] == '\0')
        return ENOENT;
    if (path[0] == '/')
        return EXDEV;
    size_t len = strnlen(path, PATH_MAX);
    if (len >= PATH_MAX)
        return ENAMETOOLONG;

    walk_state *w = malloc(sizeof *w);
    if (w == NULL)
        return ENOMEM;
    memcpy(w->path, path, len + 1);
    w->pos = 0;
    w->dirs[0] = root;
    w->depth = 0;
    w->hops = 0;
    int err = walk(w, flags, out);
    abandon(w);
    free(w);
    return err;
}

void sys_resolved_close(sys_resolved *r)
{
    if (r->owned && r->dirfd >= 0)
        close(r->dirfd);
    r->dirfd = -1;
    r->owned = false;
}

bool sys_link_target_confined(const char *target, unsigned depth)
{
    if (target[0] == '/')
        return false;
    long level = depth;
    const char *p = target;
    while (*p != '\0') {
        size_t len = strcspn(p, "/");
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (--level < 0)
                return false;
        } else if (len > 0 && !(len == 1 && p[0] == '.')) {
            level++;
        }
        p += len;
        p += strspn(p, "/");
    }
    return true;
}
