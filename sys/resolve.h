/* resolve.h — resolve a guest-controlled path beneath a directory, up to
 * its last component: how wasi/ turns a path_* argument into one *at(2)
 * call on (directory, name) that cannot leave the tree; and open such a
 * path, the last component too, with the same walk: how sys_confined_open()
 * loads a file where the kernel has no openat2(2).
 *
 * Every directory on the way is opened with O_NOFOLLOW and every symlink
 * met is read and spliced in by the walk itself, never by the kernel; ".."
 * is answered from the walk's own stack of directories. So "..", absolute
 * paths and symlinks (pre-existing or new, dangling, looping, absolute,
 * climbing) can never reach outside `root`: such a path gives EXDEV.
 * The last component is returned as a name that contains no '/' and is
 * never ".."; callers pass it to *at(2) calls that do not follow symlinks
 * (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW), so nothing is resolved behind the
 * walk's back. Depends on libc only; no global state. */
#ifndef WIPPY_SYS_RESOLVE_H
#define WIPPY_SYS_RESOLVE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

/* Also follow a symlink in the last component (confined like the others). */
#define SYS_RESOLVE_FOLLOW 1

/* Most symlinks followed while resolving one path (Linux's MAXSYMLINKS). */
#define SYS_RESOLVE_MAX_HOPS 40

/* Most directory levels the walk stands below the root at once (it holds
 * one descriptor per level); deeper paths give ENAMETOOLONG. */
#define SYS_RESOLVE_MAX_DEPTH 128

typedef struct {
    int dirfd;                /* the directory holding `name` (O_PATH) */
    bool owned;               /* dirfd is the walk's own (not the root) */
    char name[NAME_MAX + 1];  /* one component, no '/', never ".."; "." = dirfd itself */
    bool trailing_slash;      /* the path ended in '/' (it must name a directory) */
    unsigned depth;           /* levels dirfd stands below the root */
} sys_resolved;

/* Resolves `path` (relative; an absolute one is an escape) beneath the
 * directory `root` up to its last component, following symlinks on the way
 * and, with SYS_RESOLVE_FOLLOW, in the last component too. Returns 0 and
 * fills *out (release it with sys_resolved_close()), or an errno:
 * EXDEV when the path or a symlink on it would leave root, ELOOP after more
 * than SYS_RESOLVE_MAX_HOPS symlinks, ENOENT for an empty path or a missing
 * directory on the way, ENOTDIR, EACCES... as the kernel says, ENAMETOOLONG
 * for PATH_MAX bytes or more, a component over NAME_MAX, or a walk deeper
 * than SYS_RESOLVE_MAX_DEPTH. The last component itself need not exist. */
int sys_resolve(int root, const char *path, int flags, sys_resolved *out);

/* Closes the walk's directory, if it owns one. Safe to call twice. */
void sys_resolved_close(sys_resolved *r);

/* Opens `path` beneath `root`: the walk of sys_resolve(), its last
 * component then opened by openat(2) with `flags` (O_CLOEXEC added) and,
 * for a file the open creates, `mode`. The open itself never follows a
 * symlink: a symlink in the last component is followed by the walk
 * (confined, as on the way) unless flags has O_NOFOLLOW (the open then
 * answers ELOOP; with O_PATH it opens the link itself). A trailing '/'
 * follows it anyway and requires a directory: O_DIRECTORY is added, and
 * O_CREAT with it is EISDIR. "." and ".." last open the directory the
 * walk stands in. Returns 0 and sets *out_fd, or an errno as for
 * sys_resolve() and, for the last component, as openat(2) says (EISDIR,
 * EACCES, EEXIST...); *out_fd is -1 then. */
int sys_resolve_open(int root, const char *path, int flags, mode_t mode, int *out_fd);

/* Whether a symlink whose contents are `target`, made in a directory
 * `depth` levels below a root, stays beneath that root when read as a
 * path: not absolute, and no ".." climbs above the root. (Symlinks it
 * passes through are not considered: following them is confined anyway.) */
bool sys_link_target_confined(const char *target, unsigned depth);

#endif
