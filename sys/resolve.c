/* resolve.c — the confined walk behind sys_resolve() and
 * sys_resolve_open() (see resolve.h).
 *
 * The walk keeps the path still to resolve in a buffer, a stack of open
 * directories (dirs[0] is the caller's root, the others are its own) and a
 * count of symlinks followed. walk_to_last() cuts one component off the
 * front at a time:
 *   "."   stays where it is;
 *   ".."  pops the stack (popping the root is an escape), and is "." there;
 *   name  (not last) is opened O_PATH | O_DIRECTORY | O_NOFOLLOW and pushed;
 *         when it is a symlink the kernel refuses, and the walk reads the
 *         link and puts its target in front of what is left;
 * and stops at the last component, standing in the directory that holds
 * it. What happens to that one is the caller's:
 *   sys_resolve()       returns it by name, unless it is a symlink to follow;
 *   sys_resolve_open()  opens it without following a symlink, and when it
 *                       is one that should be followed, follows it itself.
 * Following a symlink there splices it in like any other, and the walk
 * goes on to the new last component.
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

/* The last component, where walk_to_last() stops. */
typedef struct {
    char name[NAME_MAX + 1];   /* never ".." ("." for it, once popped) */
    bool trailing_slash;       /* slashes follow it in the path */
    size_t rest;               /* where the path goes on after the name */
} last_component;

/* What a step says besides 0 (done) and an errno. */
#define LINK_SPLICED (-1)      /* a symlink was put in the path: walk on */
#define NOT_A_LINK   (-2)      /* the name is not a symlink after all */

/* Puts the contents of the symlink `name` in directory `dir` in front of
 * what follows the link's name in the path (from `rest` on) and restarts
 * the walk at the front. Returns LINK_SPLICED, NOT_A_LINK or an errno:
 * EXDEV for an absolute target, ELOOP, ENAMETOOLONG, ENOENT for an empty
 * target. */
static int follow_link(walk_state *w, int dir, const char *name, size_t rest)
{
    char target[PATH_MAX];
    ssize_t n = readlinkat(dir, name, target, sizeof target);
    if (n < 0)
        return NOT_A_LINK;
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
    return LINK_SPLICED;
}

/* Walks what is left of the path up to its last component: every
 * directory before it entered, symlinks among them spliced in, ".."
 * popped. Returns 0 with *last filled, dirs[depth] the directory holding
 * it; or an errno. */
static int walk_to_last(walk_state *w, last_component *last)
{
    for (;;) {
        /* Cut the next component; slashes before it were skipped. */
        size_t len = strcspn(w->path + w->pos, "/");
        size_t next = w->pos + len;                          /* the '/' or NUL after it */
        size_t end = next + strspn(w->path + next, "/");     /* where the following one starts */
        bool is_last = w->path[end] == '\0';
        int cur = w->dirs[w->depth];

        if (len > NAME_MAX)
            return ENAMETOOLONG;
        memcpy(last->name, w->path + w->pos, len);
        last->name[len] = '\0';
        last->trailing_slash = is_last && next != end;
        last->rest = next;

        if (strcmp(last->name, "..") == 0) {
            if (w->depth == 0)
                return EXDEV;
            close(w->dirs[w->depth--]);
            strcpy(last->name, ".");   /* now standing in the parent */
        }
        if (is_last)
            return 0;
        if (strcmp(last->name, ".") == 0) {
            w->pos = end;
            continue;
        }

        int fd = openat(cur, last->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            int open_err = errno;
            /* A symlink is refused as ENOTDIR (or ELOOP); anything else stands. */
            if (open_err != ENOTDIR && open_err != ELOOP)
                return open_err;
            int err = follow_link(w, cur, last->name, next);
            if (err == NOT_A_LINK)
                return open_err;
            if (err != LINK_SPLICED)
                return err;
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

/* Closes every directory the walk opened. */
static void abandon(walk_state *w)
{
    while (w->depth > 0)
        close(w->dirs[w->depth--]);
}

/* Checks `path` as both entry points take it and makes the walk's state,
 * standing at `root`. Returns 0 and sets *out (free it after abandon()),
 * or an errno: ENOENT empty, EXDEV absolute, ENAMETOOLONG, ENOMEM. */
static int start_walk(int root, const char *path, walk_state **out)
{
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
    *out = w;
    return 0;
}

/* ---- the last component by name: sys_resolve() ---- */

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

/* The answer for the last component, or LINK_SPLICED when it is a symlink
 * to follow; or an errno. "." (also for "..") names the directory itself,
 * which must be one. */
static int name_last(walk_state *w, const last_component *last, int flags, sys_resolved *out)
{
    if (strcmp(last->name, ".") == 0) {
        finish(w, ".", true, out);
        return 0;
    }
    if (flags & SYS_RESOLVE_FOLLOW) {
        int err = follow_link(w, w->dirs[w->depth], last->name, last->rest);
        if (err != NOT_A_LINK)
            return err;
    }
    finish(w, last->name, last->trailing_slash, out);
    return 0;
}

int sys_resolve(int root, const char *path, int flags, sys_resolved *out)
{
    out->dirfd = -1;
    out->owned = false;
    out->name[0] = '\0';
    out->trailing_slash = false;
    out->depth = 0;

    walk_state *w;
    int err = start_walk(root, path, &w);
    if (err != 0)
        return err;
    last_component last;
    do {
        err = walk_to_last(w, &last);
        if (err == 0)
            err = name_last(w, &last, flags, out);
    } while (err == LINK_SPLICED);
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

/* ---- the last component opened: sys_resolve_open() ---- */

/* Whether the descriptor (an O_PATH one) refers to a symlink itself. */
static bool is_symlink_fd(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);
}

/* Opens the last component, never letting the kernel follow a symlink:
 * returns 0 and sets *out_fd, or LINK_SPLICED when it is a symlink to
 * follow (O_NOFOLLOW reports one as ELOOP, or as ENOTDIR together with
 * O_DIRECTORY; O_PATH opens the link itself, which is then put back); or
 * an errno. */
static int open_last(walk_state *w, const last_component *last, int flags, mode_t mode, int *out_fd)
{
    int dir = w->dirs[w->depth];
    bool follow = last->trailing_slash || !(flags & O_NOFOLLOW);
    if (last->trailing_slash && (flags & O_CREAT))
        return EISDIR;   /* what open(2) says to O_CREAT of "name/" */

    int open_flags = flags | O_NOFOLLOW | O_CLOEXEC | (last->trailing_slash ? O_DIRECTORY : 0);
    int fd = openat(dir, last->name, open_flags, mode);
    if (fd >= 0 && follow && (flags & O_PATH) && is_symlink_fd(fd)) {
        close(fd);
        fd = -1;
        errno = ELOOP;
    }
    if (fd >= 0) {
        *out_fd = fd;
        return 0;
    }
    int open_err = errno;
    if (!follow || (open_err != ELOOP && open_err != ENOTDIR))
        return open_err;
    int err = follow_link(w, dir, last->name, last->rest);
    return err == NOT_A_LINK ? open_err : err;   /* not a symlink: the open's error stands */
}

int sys_resolve_open(int root, const char *path, int flags, mode_t mode, int *out_fd)
{
    *out_fd = -1;
    walk_state *w;
    int err = start_walk(root, path, &w);
    if (err != 0)
        return err;
    last_component last;
    do {
        err = walk_to_last(w, &last);
        if (err == 0)
            err = open_last(w, &last, flags, mode, out_fd);
    } while (err == LINK_SPLICED);
    abandon(w);
    free(w);
    return err;
}

/* ---- checking a link's target ---- */

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
