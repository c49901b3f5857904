/* test_wasi_sandbox.c — nothing outside a mount is ever reached, and a
 * read-only mount never changes. A guest (tests/wasi_c/wasi_sandbox.c)
 * attacks a prepared tree; afterwards the host side is checked: the file
 * next to the mount keeps its content, no new file appears beside it, the
 * read-only tree is byte-for-byte and time-for-time what it was. Also
 * sys_resolve() and sys_link_target_confined() directly. The tree:
 *
 *   base/outside.txt "OUTSIDE"          (never to be reached)
 *   base/root/  mounted at "/"          (the links wasi_sandbox.c lists)
 *   base/ro/    mounted at "/ro", read-only */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/resolve.h"
#include "tests/test_wasi_harness.h"

typedef struct {
    char *base;
    char root[1024], ro[1024];
} tree;

static void link_at(const char *dir, const char *name, const char *target)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_msg(symlink(target, path) == 0, "symlink %s", path);
}

static void make_dir(const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_int_eq(mkdir(path, 0777), 0);
}

static void tree_make(tree *t)
{
    t->base = scratch_new();
    snprintf(t->root, sizeof t->root, "%s/root", t->base);
    snprintf(t->ro, sizeof t->ro, "%s/ro", t->base);
    ck_assert_int_eq(mkdir(t->root, 0777), 0);
    ck_assert_int_eq(mkdir(t->ro, 0777), 0);
    file_put(t->base, "outside.txt", "OUTSIDE");
    file_put(t->root, "a.txt", "A");
    make_dir(t->root, "sub");
    file_put(t->root, "sub/b.txt", "B");
    link_at(t->root, "sub/up", "..");
    link_at(t->root, "escape_abs", "/etc/passwd");
    link_at(t->root, "escape_rel", "../outside.txt");
    link_at(t->root, "escape_dir", "..");
    link_at(t->root, "escape_deep", "sub/../../outside.txt");
    link_at(t->root, "dangling", "nope");
    link_at(t->root, "loop1", "loop2");
    link_at(t->root, "loop2", "loop1");
    link_at(t->root, "make_out", "../made_outside.txt");
    file_put(t->ro, "keep.txt", "KEEP");
    make_dir(t->ro, "kdir");
    link_at(t->ro, "klink", "keep.txt");
}

static int run_sandbox(tree *t, const char *mode)
{
    const char *argv[3], *args[] = { mode };
    wasi_mount m[] = { { t->root, "/", false }, { t->ro, "/ro", true } };
    wasi_config cfg = guest_config(argv, args, 1, -1, -1, 2);
    cfg.mounts = m;
    cfg.nmounts = 2;
    return guest_main("wasi_c/wasi_sandbox", &cfg);
}

/* What lies in base itself: only what tree_make put there. */
static void check_outside_untouched(tree *t)
{
    char *outside = file_get(t->base, "outside.txt");
    ck_assert_ptr_nonnull(outside);
    ck_assert_str_eq(outside, "OUTSIDE");
    free(outside);
    char *made = file_get(t->base, "made_outside.txt");
    ck_assert_ptr_null(made);
    int n = 0;
    DIR *dir = opendir(t->base);
    ck_assert_ptr_nonnull(dir);
    for (struct dirent *d; (d = readdir(dir)) != NULL;) {
        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
            continue;
        ck_assert_msg(strcmp(d->d_name, "outside.txt") == 0 || strcmp(d->d_name, "root") == 0 ||
                          strcmp(d->d_name, "ro") == 0,
                      "new entry beside the mounts: %s", d->d_name);
        n++;
    }
    closedir(dir);
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(access("/etc/passwd", F_OK), 0);
}

START_TEST(test_escapes_fail)
{
    tree t;
    tree_make(&t);
    char *ro_before = tree_snapshot(t.ro);
    ck_assert_int_eq(run_sandbox(&t, "escape"), 0);
    check_outside_untouched(&t);
    char *ro_after = tree_snapshot(t.ro);
    ck_assert_str_eq(ro_before, ro_after);
    /* What the guest made inside stays inside and is what it says. */
    char *a = file_get(t.root, "a.txt");
    ck_assert_str_eq(a, "A");
    free(a);
    char target[64] = "";
    char path[1200];
    snprintf(path, sizeof path, "%s/sub/to_a", t.root);
    ck_assert_int_eq(readlink(path, target, sizeof target - 1), 8);
    ck_assert_str_eq(target, "../a.txt");
    free(ro_before);
    free(ro_after);
    scratch_free(t.base);
}
END_TEST

START_TEST(test_read_only_mount_unchanged)
{
    tree t;
    tree_make(&t);
    char *ro_before = tree_snapshot(t.ro), *root_before = tree_snapshot(t.root);
    ck_assert_int_eq(run_sandbox(&t, "readonly"), 0);
    char *ro_after = tree_snapshot(t.ro), *root_after = tree_snapshot(t.root);
    ck_assert_str_eq(ro_before, ro_after);
    ck_assert_str_eq(root_before, root_after);
    check_outside_untouched(&t);
    free(ro_before);
    free(ro_after);
    free(root_before);
    free(root_after);
    scratch_free(t.base);
}
END_TEST

/* ---- sys_resolve() directly ---- */

static int resolve(int root, const char *path, int flags, sys_resolved *r)
{
    return sys_resolve(root, path, flags, r);
}

START_TEST(test_resolve_parent_and_name)
{
    tree t;
    tree_make(&t);
    int root = open(t.root, O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(root, 0);
    sys_resolved r;

    ck_assert_int_eq(resolve(root, "a.txt", 0, &r), 0);
    ck_assert_str_eq(r.name, "a.txt");
    ck_assert(!r.owned && r.dirfd == root && r.depth == 0 && !r.trailing_slash);
    sys_resolved_close(&r);

    ck_assert_int_eq(resolve(root, "sub//b.txt/", 0, &r), 0);
    ck_assert_str_eq(r.name, "b.txt");
    ck_assert(r.owned && r.depth == 1 && r.trailing_slash);
    sys_resolved_close(&r);
    sys_resolved_close(&r);   /* twice is fine */

    ck_assert_int_eq(resolve(root, "sub/up/sub/..", 0, &r), 0);   /* up -> .. */
    ck_assert_str_eq(r.name, ".");
    ck_assert_uint_eq(r.depth, 0);
    sys_resolved_close(&r);

    ck_assert_int_eq(resolve(root, "sub/up", 0, &r), 0);          /* not followed */
    ck_assert_str_eq(r.name, "up");
    sys_resolved_close(&r);
    ck_assert_int_eq(resolve(root, "sub/up", SYS_RESOLVE_FOLLOW, &r), 0);
    ck_assert_str_eq(r.name, ".");
    ck_assert_uint_eq(r.depth, 0);
    sys_resolved_close(&r);

    ck_assert_int_eq(resolve(root, "new/x", 0, &r), ENOENT);
    ck_assert_int_eq(resolve(root, "a.txt/x", 0, &r), ENOTDIR);
    ck_assert_int_eq(resolve(root, "", 0, &r), ENOENT);
    ck_assert_int_eq(resolve(root, "dangling", SYS_RESOLVE_FOLLOW, &r), 0);
    ck_assert_str_eq(r.name, "nope");   /* the name the link leads to, absent */
    sys_resolved_close(&r);
    close(root);
    scratch_free(t.base);
}
END_TEST

START_TEST(test_resolve_escapes)
{
    tree t;
    tree_make(&t);
    int root = open(t.root, O_RDONLY | O_DIRECTORY);
    sys_resolved r;
    const char *escapes[] = { "..", "../outside.txt", "/etc/passwd", "sub/../..", "escape_dir/x",
                              "sub/up/..", "escape_deep/x" };
    for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++)
        ck_assert_msg(resolve(root, escapes[i], 0, &r) == EXDEV, "%s", escapes[i]);
    ck_assert_int_eq(resolve(root, "escape_abs", SYS_RESOLVE_FOLLOW, &r), EXDEV);
    ck_assert_int_eq(resolve(root, "escape_rel", SYS_RESOLVE_FOLLOW, &r), EXDEV);
    ck_assert_int_eq(resolve(root, "escape_abs", 0, &r), 0);   /* the link itself */
    sys_resolved_close(&r);
    ck_assert_int_eq(resolve(root, "loop1", SYS_RESOLVE_FOLLOW, &r), ELOOP);
    ck_assert_int_eq(resolve(root, "loop1/x", 0, &r), ELOOP);

    /* 40 hops are allowed, 41 are not. */
    char name[32], target[32];
    for (int k = 1; k <= 41; k++) {
        snprintf(name, sizeof name, "chain%d", k);
        if (k == 1)
            snprintf(target, sizeof target, "a.txt");
        else
            snprintf(target, sizeof target, "chain%d", k - 1);
        link_at(t.root, name, target);
    }
    ck_assert_int_eq(resolve(root, "chain40", SYS_RESOLVE_FOLLOW, &r), 0);
    ck_assert_str_eq(r.name, "a.txt");
    sys_resolved_close(&r);
    ck_assert_int_eq(resolve(root, "chain41", SYS_RESOLVE_FOLLOW, &r), ELOOP);

    /* Too long: the whole path, one component. */
    char *longpath = malloc(PATH_MAX + 10);
    memset(longpath, 'a', PATH_MAX + 9);
    longpath[PATH_MAX + 9] = '\0';
    ck_assert_int_eq(resolve(root, longpath, 0, &r), ENAMETOOLONG);
    longpath[NAME_MAX + 1] = '\0';
    ck_assert_int_eq(resolve(root, longpath, 0, &r), ENAMETOOLONG);
    free(longpath);
    close(root);
    check_outside_untouched(&t);
    scratch_free(t.base);
}
END_TEST

START_TEST(test_link_target_confined)
{
    ck_assert(sys_link_target_confined("a", 0));
    ck_assert(sys_link_target_confined("./a/../b", 0));
    ck_assert(sys_link_target_confined("../a", 1));
    ck_assert(sys_link_target_confined("a/../../b", 1));
    ck_assert(sys_link_target_confined("..", 1));
    ck_assert(!sys_link_target_confined("..", 0));
    ck_assert(!sys_link_target_confined("a/../../b", 0));
    ck_assert(!sys_link_target_confined("/etc/passwd", 5));
    ck_assert(!sys_link_target_confined("../../x", 1));
    ck_assert(sys_link_target_confined("a//b/", 0));
}
END_TEST

Suite *wasi_sandbox_suite(void)
{
    Suite *s = suite_create("wasi_sandbox");
    TCase *tc = tcase_create("wasi_sandbox");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_escapes_fail);
    tcase_add_test(tc, test_read_only_mount_unchanged);
    tcase_add_test(tc, test_resolve_parent_and_name);
    tcase_add_test(tc, test_resolve_escapes);
    tcase_add_test(tc, test_link_target_confined);
    suite_add_tcase(s, tc);
    return s;
}
