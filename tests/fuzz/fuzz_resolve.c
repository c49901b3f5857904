/* fuzz_resolve.c — a libFuzzer target for WASI path resolution
 * (sys/resolve.c; `make fuzz` runs it).
 *
 * Once, a mount is made in a fresh temporary directory: root/ holds
 * directories a/ and a/b/, a file f, and symlinks that climb (up -> ..,
 * esc -> ../outside, a/b/up2 -> ../../..), an absolute one (abs -> the
 * outside directory), a loop (loop -> loop), a pair (p -> q, q -> p), a
 * harmless one (a/self -> .) and a deep one (a/deep -> b/../b/../../a);
 * outside/ beside root/ holds a file secret. Each input is: a flag byte
 * (its low 3 bits; '0'..'7' in the text seeds), then a path up to the
 * first newline or NUL, then (when the flag byte's bit 2 is set) the
 * target of one more symlink, root/a/dyn, made for this input only.
 * The path goes to sys_resolve() (bit 0: SYS_RESOLVE_FOLLOW) and
 * sys_resolve_open() (O_PATH, bit 1: O_NOFOLLOW). Checked: on success the
 * directory held — and the opened file — lies beneath root (its /proc
 * path starts with root's), the name holds no '/' and is never ".."; on
 * failure the answer is an errno, never 0, and no descriptor leaks. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/resolve.h"

static char base[64], root_path[PATH_MAX], outside[PATH_MAX];
static int root_fd = -1;

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    remove(path);   /* what cannot be removed stays */
    return 0;
}

/* Removes the temporary tree when the fuzzer exits (symlinks not followed). */
static void remove_tree(void)
{
    nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void must(int ok, const char *what)
{
    if (!ok) {
        perror(what);
        exit(1);
    }
}

static void make_mount(void)
{
    strcpy(base, "/tmp/fuzz-resolve-XXXXXX");
    must(mkdtemp(base) != NULL, "mkdtemp");
    atexit(remove_tree);
    char p[PATH_MAX + 64];
    snprintf(outside, sizeof outside, "%s/outside", base);
    must(mkdir(outside, 0700) == 0, outside);
    snprintf(p, sizeof p, "%s/secret", outside);
    must(close(open(p, O_CREAT | O_WRONLY, 0600)) == 0, p);
    snprintf(p, sizeof p, "%s/root", base);
    must(mkdir(p, 0700) == 0, p);
    must(realpath(p, root_path) != NULL, "realpath");
    root_fd = open(root_path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    must(root_fd >= 0, root_path);
    must(mkdirat(root_fd, "a", 0700) == 0, "a");
    must(mkdirat(root_fd, "a/b", 0700) == 0, "a/b");
    must(close(openat(root_fd, "f", O_CREAT | O_WRONLY, 0600)) == 0, "f");
    static const char *const links[][2] = {
        { "..", "up" }, { "../outside", "esc" }, { "../../..", "a/b/up2" }, { "loop", "loop" },
        { "q", "p" }, { "p", "q" }, { ".", "a/self" }, { "b/../b/../../a", "a/deep" },
        { "../outside/secret", "sec" }, { "a/b", "ab" },
    };
    for (size_t i = 0; i < sizeof links / sizeof *links; i++)
        must(symlinkat(links[i][0], root_fd, links[i][1]) == 0, links[i][1]);
    must(symlinkat(outside, root_fd, "abs") == 0, "abs");
}

/* Whether descriptor fd stands at root or beneath it. */
static int beneath_root(int fd)
{
    char link[64], where[PATH_MAX + 1];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, where, PATH_MAX);
    if (n < 0)
        return 0;
    where[n] = '\0';
    size_t r = strlen(root_path);
    return strncmp(where, root_path, r) == 0 && (where[r] == '\0' || where[r] == '/');
}

static int open_fds(void)
{
    int fd = dup(0);
    if (fd >= 0)
        close(fd);
    return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (root_fd < 0)
        make_mount();
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    const char *path = buf;
    size_t plen = strcspn(path, "\n");
    buf[plen < size - 1 ? plen : size - 1] = '\0';
    int dyn = 0;
    if ((flags & 4) && plen + 1 < size - 1)
        dyn = symlinkat(buf + plen + 1, root_fd, "a/dyn") == 0;
    int lowest = open_fds();

    sys_resolved r;
    int rc = sys_resolve(root_fd, path, (flags & 1) ? SYS_RESOLVE_FOLLOW : 0, &r);
    if (rc == 0) {
        if (!beneath_root(r.dirfd) || strchr(r.name, '/') != NULL || strcmp(r.name, "..") == 0 ||
            r.depth > SYS_RESOLVE_MAX_DEPTH) {
            fprintf(stderr, "resolve %s: outside or bad name %s\n", path, r.name);
            abort();
        }
        sys_resolved_close(&r);
        sys_resolved_close(&r);
    } else if (rc < 0) {
        abort();
    }

    int fd = -1;
    rc = sys_resolve_open(root_fd, path, O_PATH | ((flags & 2) ? O_NOFOLLOW : 0), 0, &fd);
    if (rc == 0) {
        if (fd < 0 || !beneath_root(fd)) {
            fprintf(stderr, "resolve_open %s: opened outside the root\n", path);
            abort();
        }
        close(fd);
    } else if (fd != -1 || rc < 0) {
        abort();
    }
    if (open_fds() != lowest) {
        fprintf(stderr, "resolve %s: a descriptor leaked\n", path);
        abort();
    }
    if (dyn)
        unlinkat(root_fd, "a/dyn", 0);
    free(buf);
    return 0;
}
