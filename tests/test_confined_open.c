/* test_confined_open.c — sys_confined_open() and its portable fallback against a
 * temporary tree full of hostile symlinks. Every case runs through both
 * implementations, which must give the same answer. The tree lives under a
 * mkdtemp directory and is removed afterwards:
 *
 *   base/outside.txt                  "OUTSIDE"  (must never be reached)
 *   base/root/a.wasm                  "A"
 *   base/root/sub/b.wasm              "B"
 *   base/root/sub/inner_link  -> ../a.wasm
 *   base/root/sub/updown      -> ../sub/b.wasm
 *   base/root/sub/up          -> ..
 *   base/root/sub/via_above   -> ../../root/a.wasm   (climbs above the root)
 *   base/root/escape_rel      -> ../outside.txt
 *   base/root/escape_abs      -> /etc/passwd
 *   base/root/to_escape       -> escape_rel
 *   base/root/dotdot_dir      -> ..
 *   base/root/dangling        -> nope
 *   base/root/loop1 -> loop2, loop2 -> loop1
 *   base/root/dirlink         -> sub
 *   base/root/chain1 -> a.wasm, chainK -> chain(K-1) for K = 2..41 (K hops)
 *   base/root/make_out        -> ../made_outside.txt      (O_CREAT tests)
 *   base/root/make_abs        -> <base>/made_absolute.txt (O_CREAT tests)
 *   base/root/secret                  mode 000 (EACCES, when not root)
 *   base/root/deep/d/d/.../d          129 levels of "d" (the walk's depth limit)
 * The walk itself, sys_resolve_open() of sys/resolve.h, is also asked directly. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys/confined_open.h"
#include "sys/resolve.h"
#include "tests/test_util.h"

#define CHAIN_LINKS 41 /* chain41 needs one hop more than allowed */
#define DEEP_LEVELS 129 /* directories below root/deep */

static char base_dir[PATH_MAX]; /* the mkdtemp directory */
static int base_fd = -1;
static int root_fd = -1;         /* base/root: the directory paths are confined to */

typedef int (*open_fn)(int dirfd, const char *path, int flags, int *out_fd);

static const struct {
    const char *name;
    open_fn open;
} impls[] = {
    { "sys_confined_open", sys_confined_open },
    { "sys_confined_open_fallback", sys_confined_open_fallback },
};
#define N_IMPLS (sizeof impls / sizeof impls[0])
#define IMPL_WALK 1 /* impls[IMPL_WALK] is the portable walk */

/* ---- building and removing the tree ---- */

static void write_file_at(int dir, const char *path, const char *content)
{
    int fd = openat(dir, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ck_assert_msg(fd >= 0, "create %s: %s", path, strerror(errno));
    size_t len = strlen(content);
    ck_assert_int_eq(write(fd, content, len), (ssize_t)len);
    close(fd);
}

static void link_at(int dir, const char *target, const char *path)
{
    ck_assert_msg(symlinkat(target, dir, path) == 0, "symlink %s: %s", path, strerror(errno));
}

static void make_tree(void)
{
    char buf[PATH_MAX + 64];
    const char *tmp = getenv("TMPDIR");
    snprintf(base_dir, sizeof base_dir, "%s/wippy-confined-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_msg(mkdtemp(base_dir) != NULL, "mkdtemp: %s", strerror(errno));
    base_fd = open(base_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ck_assert(base_fd >= 0);

    write_file_at(base_fd, "outside.txt", "OUTSIDE");
    ck_assert(mkdirat(base_fd, "root", 0755) == 0);
    root_fd = openat(base_fd, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ck_assert(root_fd >= 0);

    write_file_at(root_fd, "a.wasm", "A");
    ck_assert(mkdirat(root_fd, "sub", 0755) == 0);
    write_file_at(root_fd, "sub/b.wasm", "B");
    link_at(root_fd, "../a.wasm", "sub/inner_link");
    link_at(root_fd, "../sub/b.wasm", "sub/updown");
    link_at(root_fd, "..", "sub/up");
    link_at(root_fd, "../../root/a.wasm", "sub/via_above");
    link_at(root_fd, "../outside.txt", "escape_rel");
    link_at(root_fd, "/etc/passwd", "escape_abs");
    link_at(root_fd, "escape_rel", "to_escape");
    link_at(root_fd, "..", "dotdot_dir");
    link_at(root_fd, "nope", "dangling");
    link_at(root_fd, "loop2", "loop1");
    link_at(root_fd, "loop1", "loop2");
    link_at(root_fd, "sub", "dirlink");
    link_at(root_fd, "a.wasm", "chain1");
    for (int k = 2; k <= CHAIN_LINKS; k++) {
        char name[32], target[32];
        snprintf(name, sizeof name, "chain%d", k);
        snprintf(target, sizeof target, "chain%d", k - 1);
        link_at(root_fd, target, name);
    }
    link_at(root_fd, "../made_outside.txt", "make_out");
    snprintf(buf, sizeof buf, "%s/made_absolute.txt", base_dir);
    link_at(root_fd, buf, "make_abs");
    write_file_at(root_fd, "secret", "S");
    ck_assert(fchmodat(root_fd, "secret", 0, 0) == 0);

    /* deep/d/d/.../d: DEEP_LEVELS directories below deep. */
    ck_assert(mkdirat(root_fd, "deep", 0755) == 0);
    int dir = openat(root_fd, "deep", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (int level = 0; level < DEEP_LEVELS; level++) {
        ck_assert(mkdirat(dir, "d", 0755) == 0);
        int child = openat(dir, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert(child >= 0);
        close(dir);
        dir = child;
    }
    close(dir);
}

static void remove_tree(void)
{
    if (root_fd >= 0)
        close(root_fd);
    if (base_fd >= 0)
        close(base_fd);
    root_fd = base_fd = -1;
    if (base_dir[0] != '\0')
        test_remove_tree(base_dir);
}

/* ---- checking one open ---- */

/* Opens `path` beneath root with `impl` and checks the result: the error
 * `want_err`, or (when 0) a close-on-exec descriptor of file type
 * `want_type` holding `want_content` (if not NULL). */
static void check_open(size_t impl, const char *path, int flags, int want_err,
                       mode_t want_type, const char *want_content)
{
    const char *who = impls[impl].name;
    int fd = 12345;
    int err = impls[impl].open(root_fd, path, flags, &fd);
    ck_assert_msg(err == want_err, "%s(\"%.60s\"): got %d (%s), want %d (%s)", who, path, err,
                  sys_confined_open_strerror(err), want_err, sys_confined_open_strerror(want_err));
    if (err != 0) {
        ck_assert_msg(fd == -1, "%s(\"%s\"): *out_fd is %d after a failure", who, path, fd);
        return;
    }
    ck_assert_msg(fd >= 0, "%s(\"%s\"): no descriptor", who, path);
    ck_assert_msg(fcntl(fd, F_GETFD) & FD_CLOEXEC, "%s(\"%s\"): no O_CLOEXEC", who, path);

    struct stat st;
    ck_assert(fstat(fd, &st) == 0);
    ck_assert_msg((st.st_mode & S_IFMT) == want_type, "%s(\"%s\"): wrong file type %o", who, path,
                  (unsigned)(st.st_mode & S_IFMT));
    if (want_content != NULL) {
        char buf[64];
        ssize_t n = read(fd, buf, sizeof buf - 1);
        ck_assert_msg(n >= 0, "%s(\"%s\"): read: %s", who, path, strerror(errno));
        buf[n] = '\0';
        ck_assert_msg(strcmp(buf, want_content) == 0, "%s(\"%s\"): read \"%s\", want \"%s\"", who,
                      path, buf, want_content);
    }
    close(fd);
}

/* ---- the table: every case through both implementations ---- */

static const struct open_case {
    const char *path;
    int flags;
    int err;            /* 0 or the errno expected */
    mode_t type;        /* when it opens: S_IFREG, S_IFDIR or S_IFLNK */
    const char *content;/* when it opens a regular file for reading */
} cases[] = {
    /* plain, and with the leading slashes stripped */
    { "a.wasm", O_RDONLY, 0, S_IFREG, "A" },
    { "/a.wasm", O_RDONLY, 0, S_IFREG, "A" },
    { "//a.wasm", O_RDONLY, 0, S_IFREG, "A" },
    { "./a.wasm", O_RDONLY, 0, S_IFREG, "A" },
    { "sub/b.wasm", O_RDONLY, 0, S_IFREG, "B" },
    { "sub//./b.wasm", O_RDONLY, 0, S_IFREG, "B" },
    /* ".." and symlinks that stay inside */
    { "sub/../a.wasm", O_RDONLY, 0, S_IFREG, "A" },
    { "sub/./../sub/b.wasm", O_RDONLY, 0, S_IFREG, "B" },
    { "dirlink/b.wasm", O_RDONLY, 0, S_IFREG, "B" },
    { "dirlink/../a.wasm", O_RDONLY, 0, S_IFREG, "A" },
    { "sub/inner_link", O_RDONLY, 0, S_IFREG, "A" },
    { "sub/updown", O_RDONLY, 0, S_IFREG, "B" },
    { "sub/up/a.wasm", O_RDONLY, 0, S_IFREG, "A" },
    { "sub/up/sub/up/dirlink/inner_link", O_RDONLY, 0, S_IFREG, "A" },
    { "chain40", O_RDONLY, 0, S_IFREG, "A" },
    /* directories */
    { "sub", O_RDONLY | O_DIRECTORY, 0, S_IFDIR, NULL },
    { "sub/", O_RDONLY, 0, S_IFDIR, NULL },
    { "dirlink", O_RDONLY | O_DIRECTORY, 0, S_IFDIR, NULL },
    { "dirlink/", O_RDONLY | O_NOFOLLOW, 0, S_IFDIR, NULL },
    { ".", O_RDONLY | O_DIRECTORY, 0, S_IFDIR, NULL },
    { "/", O_RDONLY | O_DIRECTORY, 0, S_IFDIR, NULL },
    { "sub/..", O_RDONLY | O_DIRECTORY, 0, S_IFDIR, NULL },
    { "sub", O_WRONLY, EISDIR, 0, NULL },
    { "dirlink", O_RDWR, EISDIR, 0, NULL },
    /* "." and ".." as the last component: the directory the walk stands in */
    { "sub/.", O_RDONLY, 0, S_IFDIR, NULL },
    { "dirlink/.", O_RDONLY, 0, S_IFDIR, NULL },
    { ".", O_PATH, 0, S_IFDIR, NULL },
    { "sub/../", O_RDONLY, 0, S_IFDIR, NULL },
    { "sub/..", O_WRONLY, EISDIR, 0, NULL },
    { "sub/../", O_WRONLY | O_CREAT, EISDIR, 0, NULL },
    { "a.wasm/.", O_RDONLY, ENOTDIR, 0, NULL },
    /* O_NOFOLLOW and O_PATH on the last component */
    { "sub/inner_link", O_RDONLY | O_NOFOLLOW, ELOOP, 0, NULL },
    { "sub/inner_link", O_PATH, 0, S_IFREG, NULL },
    { "sub/inner_link", O_PATH | O_NOFOLLOW, 0, S_IFLNK, NULL },
    { "escape_abs", O_PATH | O_NOFOLLOW, 0, S_IFLNK, NULL },
    { "escape_abs", O_PATH, EXDEV, 0, NULL },
    { "sub/up", O_RDONLY | O_NOFOLLOW, ELOOP, 0, NULL },
    { "sub/up/", O_RDONLY | O_NOFOLLOW, 0, S_IFDIR, NULL },   /* the slash follows it */
    { "sub/up/", O_PATH | O_NOFOLLOW, 0, S_IFDIR, NULL },
    { "sub/inner_link", O_WRONLY | O_CREAT | O_EXCL, EEXIST, 0, NULL },   /* never followed */
    /* escapes */
    { "..", O_RDONLY, EXDEV, 0, NULL },
    { "../outside.txt", O_RDONLY, EXDEV, 0, NULL },
    { "/../outside.txt", O_RDONLY, EXDEV, 0, NULL },
    { "sub/../../outside.txt", O_RDONLY, EXDEV, 0, NULL },
    { "dirlink/../../outside.txt", O_RDONLY, EXDEV, 0, NULL },
    { "../root/a.wasm", O_RDONLY, EXDEV, 0, NULL },
    { "escape_rel", O_RDONLY, EXDEV, 0, NULL },
    { "escape_abs", O_RDONLY, EXDEV, 0, NULL },
    { "to_escape", O_RDONLY, EXDEV, 0, NULL },
    { "sub/via_above", O_RDONLY, EXDEV, 0, NULL },
    { "dotdot_dir", O_RDONLY, EXDEV, 0, NULL },
    { "dotdot_dir/outside.txt", O_RDONLY, EXDEV, 0, NULL },
    { "sub/up/../outside.txt", O_RDONLY, EXDEV, 0, NULL },
    { "sub/up/sub/up/dotdot_dir/root/a.wasm", O_RDONLY, EXDEV, 0, NULL },
    /* missing, dangling, looping */
    { "missing.wasm", O_RDONLY, ENOENT, 0, NULL },
    { "sub/missing/x", O_RDONLY, ENOENT, 0, NULL },
    { "dangling", O_RDONLY, ENOENT, 0, NULL },
    { "loop1", O_RDONLY, ELOOP, 0, NULL },
    { "loop1/x", O_RDONLY, ELOOP, 0, NULL },
    { "loop1/", O_RDONLY, ELOOP, 0, NULL },
    { "chain41", O_RDONLY, ELOOP, 0, NULL },
    /* not a directory, empty */
    { "a.wasm/x", O_RDONLY, ENOTDIR, 0, NULL },
    { "a.wasm/", O_RDONLY, ENOTDIR, 0, NULL },
    { "a.wasm/..", O_RDONLY, ENOTDIR, 0, NULL },
    { "sub/inner_link/", O_RDONLY, ENOTDIR, 0, NULL },
    { "", O_RDONLY, EINVAL, 0, NULL },
};

START_TEST(test_case_table)
{
    const struct open_case *c = &cases[_i];
    for (size_t impl = 0; impl < N_IMPLS; impl++)
        check_open(impl, c->path, c->flags, c->err, c->type, c->content);
}
END_TEST

/* ---- cases that need more than a table row ---- */

START_TEST(test_bad_arguments)
{
    int fd;
    for (size_t impl = 0; impl < N_IMPLS; impl++) {
        ck_assert_int_eq(impls[impl].open(root_fd, NULL, O_RDONLY, &fd), EINVAL);
        ck_assert_int_eq(impls[impl].open(root_fd, "a.wasm", O_RDONLY, NULL), EINVAL);
    }
}
END_TEST

START_TEST(test_long_names)
{
    static char path[PATH_MAX + 16];

    /* One component longer than NAME_MAX. */
    memset(path, 'x', NAME_MAX + 1);
    path[NAME_MAX + 1] = '\0';
    for (size_t impl = 0; impl < N_IMPLS; impl++)
        check_open(impl, path, O_RDONLY, ENAMETOOLONG, 0, NULL);

    /* A whole path of PATH_MAX bytes. */
    memset(path, '/', PATH_MAX);
    memcpy(path + PATH_MAX - 6, "a.wasm", 6);
    path[PATH_MAX] = '\0';
    for (size_t impl = 0; impl < N_IMPLS; impl++)
        check_open(impl, path, O_RDONLY, ENAMETOOLONG, 0, NULL);

    /* Just under PATH_MAX, made of "./": fine. */
    size_t len = 0;
    while (len + 2 + 6 < PATH_MAX) {
        memcpy(path + len, "./", 2);
        len += 2;
    }
    memcpy(path + len, "a.wasm", 7);
    for (size_t impl = 0; impl < N_IMPLS; impl++)
        check_open(impl, path, O_RDONLY, 0, S_IFREG, "A");
}
END_TEST

/* "deep/", then `levels` times "d/", then `last`. */
static void deep_path(char *path, int levels, const char *last)
{
    strcpy(path, "deep/");
    for (int i = 0; i < levels; i++)
        strcat(path, "d/");
    strcat(path, last);
}

START_TEST(test_deep_directories)
{
    char path[1024];

    /* 128 directories to descend ("deep" and 127 "d"), then the last "d":
     * exactly as deep as the walk goes. */
    deep_path(path, 127, "d");
    for (size_t impl = 0; impl < N_IMPLS; impl++)
        check_open(impl, path, O_RDONLY | O_DIRECTORY, 0, S_IFDIR, NULL);

    /* One more and the walk refuses (documented); openat2 has no such
     * limit, so only the walk is asked. */
    deep_path(path, 128, "d");
    check_open(IMPL_WALK, path, O_RDONLY | O_DIRECTORY, ENAMETOOLONG, 0, NULL);

    /* Climbing back up from deep inside still stops at the root. */
    deep_path(path, 100, "");
    for (int i = 0; i < 101; i++)
        strcat(path, "../");
    strcat(path, "a.wasm");
    for (size_t impl = 0; impl < N_IMPLS; impl++)
        check_open(impl, path, O_RDONLY, 0, S_IFREG, "A");
    path[strlen(path) - strlen("a.wasm")] = '\0';
    strcat(path, "../outside.txt");
    for (size_t impl = 0; impl < N_IMPLS; impl++)
        check_open(impl, path, O_RDONLY, EXDEV, 0, NULL);
}
END_TEST

START_TEST(test_create)
{
    static const char *const made[N_IMPLS] = { "made_by_openat2.txt", "made_by_walk.txt" };
    for (size_t impl = 0; impl < N_IMPLS; impl++) {
        char path[64];
        snprintf(path, sizeof path, "sub/../%s", made[impl]);
        check_open(impl, path, O_WRONLY | O_CREAT | O_EXCL, 0, S_IFREG, NULL);
        struct stat st;
        ck_assert_msg(fstatat(root_fd, made[impl], &st, 0) == 0, "%s not made", made[impl]);
        mode_t mask = umask(0);
        umask(mask);
        ck_assert_int_eq(st.st_mode & 0777, 0666 & ~mask);

        /* Through links that point outside: refused, nothing is made. */
        check_open(impl, "make_out", O_WRONLY | O_CREAT, EXDEV, 0, NULL);
        check_open(impl, "make_abs", O_WRONLY | O_CREAT, EXDEV, 0, NULL);
        ck_assert(faccessat(base_fd, "made_outside.txt", F_OK, 0) != 0);
        ck_assert(faccessat(base_fd, "made_absolute.txt", F_OK, 0) != 0);

        /* O_CREAT of "name/" */
        check_open(impl, "new_dir/", O_WRONLY | O_CREAT, EISDIR, 0, NULL);
    }
}
END_TEST

/* sys_resolve_open(), the walk behind the fallback, takes the path as
 * sys_resolve() does: relative, not empty; the mode for what it creates. */
START_TEST(test_resolve_open_directly)
{
    int fd = 12345;
    ck_assert_int_eq(sys_resolve_open(root_fd, "/a.wasm", O_RDONLY, 0, &fd), EXDEV);
    ck_assert_int_eq(fd, -1);
    ck_assert_int_eq(sys_resolve_open(root_fd, "", O_RDONLY, 0, &fd), ENOENT);
    ck_assert_int_eq(sys_resolve_open(root_fd, "sub/up/a.wasm", O_RDONLY, 0, &fd), 0);
    ck_assert_int_ge(fd, 0);
    close(fd);

    mode_t mask = umask(0);
    ck_assert_int_eq(sys_resolve_open(root_fd, "dirlink/made_0600.txt", O_WRONLY | O_CREAT | O_EXCL,
                                      0600, &fd), 0);
    umask(mask);
    close(fd);
    struct stat st;
    ck_assert(fstatat(root_fd, "sub/made_0600.txt", &st, 0) == 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
}
END_TEST

START_TEST(test_permission_denied)
{
    if (geteuid() == 0)
        return; /* root reads a mode-000 file anyway */
    for (size_t impl = 0; impl < N_IMPLS; impl++)
        check_open(impl, "secret", O_RDONLY, EACCES, 0, NULL);
}
END_TEST

START_TEST(test_strerror)
{
    ck_assert_str_eq(sys_confined_open_strerror(EXDEV), "path escapes its directory");
    ck_assert_str_eq(sys_confined_open_strerror(ENOENT), strerror(ENOENT));
    ck_assert_str_eq(sys_confined_open_strerror(ELOOP), strerror(ELOOP));
}
END_TEST

/* In a child process, forbid openat2 with a seccomp filter that answers
 * `blocked_errno`, then check that sys_confined_open() falls back to the walk.
 * The filter does not check the architecture: it only has to stop
 * SYS_openat2 in this short-lived test process. */
static void run_without_openat2(int blocked_errno)
{
#ifdef SYS_openat2
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        struct sock_filter code[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)blocked_errno),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = { .len = sizeof code / sizeof code[0], .filter = code };
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
            _exit(77); /* seccomp not available here: nothing to test */

        /* openat2 itself is now refused... */
        if (syscall(SYS_openat2, root_fd, "a.wasm", NULL, (size_t)0) != -1 || errno != blocked_errno)
            _exit(2);
        /* ...and confined_open still works, by walking. */
        int fd, bad = 0;
        bad |= sys_confined_open(root_fd, "dirlink/../sub/inner_link", O_RDONLY, &fd) != 0;
        if (!bad)
            close(fd);
        bad |= sys_confined_open(root_fd, "escape_rel", O_RDONLY, &fd) != EXDEV;
        bad |= sys_confined_open(root_fd, "loop1", O_RDONLY, &fd) != ELOOP;
        bad |= sys_confined_open(root_fd, "dangling", O_RDONLY, &fd) != ENOENT;
        _exit(bad ? 3 : 0);
    }
    int status;
    ck_assert(waitpid(pid, &status, 0) == pid);
    ck_assert_msg(WIFEXITED(status), "child died");
    ck_assert_msg(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 77,
                  "without openat2 (errno %d): child exit %d", blocked_errno, WEXITSTATUS(status));
#else
    (void)blocked_errno;
#endif
}

START_TEST(test_falls_back_without_openat2)
{
    run_without_openat2(ENOSYS);
    run_without_openat2(EPERM);
}
END_TEST

Suite *confined_open_suite(void)
{
    Suite *s = suite_create("confined_open");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, make_tree, remove_tree);
    tcase_add_loop_test(tc, test_case_table, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_long_names);
    tcase_add_test(tc, test_deep_directories);
    tcase_add_test(tc, test_create);
    tcase_add_test(tc, test_resolve_open_directly);
    tcase_add_test(tc, test_permission_denied);
    tcase_add_test(tc, test_strerror);
    tcase_add_test(tc, test_falls_back_without_openat2);
    suite_add_tcase(s, tc);
    return s;
}
