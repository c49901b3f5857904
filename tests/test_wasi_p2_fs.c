/* test_wasi_p2_fs.c — wasi:filesystem's pure rules (wasi/p2/fs_error.c):
 * host errno → error-code, the open-at rights rule, new-timestamp values;
 * and its resources under the component runtime without the process host:
 * tests/wasi_p2/fs_leak.c leaves four resources behind, which the world
 * counts and frees, closing their host descriptors, when it ends; a world
 * whose mount cannot be opened says so. (The guests run through the CLI
 * are tests/test_wasi_p2_guests.c's.) */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "component/runtime.h"
#include "tests/test_util.h"
#include "wasi/p2/filesystem.h"
#include "wasi/p2/p2.h"

START_TEST(p2fs_error_codes)
{
    static const struct { int e; const char *code; } cases[] = {
        { EACCES, "access" }, { EPERM, "not-permitted" }, { EROFS, "read-only" },
        { ENOENT, "no-entry" }, { EEXIST, "exist" }, { ENOTDIR, "not-directory" },
        { EISDIR, "is-directory" }, { EINVAL, "invalid" }, { EBADF, "bad-descriptor" },
        { ENOTEMPTY, "not-empty" }, { ELOOP, "loop" }, { ENAMETOOLONG, "name-too-long" },
        { EXDEV, "cross-device" }, { EFBIG, "file-too-large" }, { ENOSPC, "insufficient-space" },
        { EMLINK, "too-many-links" }, { ESPIPE, "invalid-seek" }, { ETXTBSY, "text-file-busy" },
        { EOPNOTSUPP, "unsupported" }, { EAGAIN, "would-block" }, { EILSEQ, "illegal-byte-sequence" },
        { EOVERFLOW, "overflow" }, { EPIPE, "pipe" }, { EDQUOT, "quota" }, { EBUSY, "busy" },
        { EMFILE, "insufficient-memory" }, { ENOMEM, "insufficient-memory" },
        { ECHILD, "io" }, { EIO, "io" }, { 0x7fff, "io" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        ck_assert_str_eq(wasi_p2_fs_code_name(wasi_p2_fs_code(cases[i].e)), cases[i].code);
    /* the names are the WIT's, in its order */
    ck_assert_str_eq(wasi_p2_fs_code_name(0), "access");
    ck_assert_str_eq(wasi_p2_fs_code_name(WASI_P2_FS_NCODES - 1), "cross-device");
    ck_assert_int_eq(WASI_P2_FS_NCODES, 37);
    ck_assert_ptr_null(wasi_p2_fs_code_name(WASI_P2_FS_NCODES));
    ck_assert_ptr_null(wasi_p2_fs_code_name(-1));
    host_value r;
    char err[64];
    ck_assert(wasi_p2_fs_errno(&r, ENOENT, err, sizeof err));
    const host_value *e = host_map_get(&r, "err", 3);
    ck_assert(e != NULL && e->kind == HOST_VALUE_STRING && !strcmp(e->s, "no-entry"));
    host_value_free(&r);
    ck_assert(wasi_p2_fs_errno(&r, 0, err, sizeof err));
    ck_assert_ptr_nonnull(host_map_get(&r, "ok", 2));
    host_value_free(&r);
}
END_TEST

START_TEST(p2fs_rights_rule)
{
    const unsigned R = WASI_P2_FS_READ, W = WASI_P2_FS_WRITE, M = WASI_P2_FS_MUTATE_DIR,
                   S = WASI_P2_FS_DATA_SYNC;
    unsigned child = 99;
    /* a writable preopen (read | mutate-directory): a file gets what is
     * asked, never mutate-directory */
    ck_assert_int_eq(wasi_p2_fs_child_rights(R | M, R | W, false, &child), -1);
    ck_assert_uint_eq(child, R | W);
    ck_assert_int_eq(wasi_p2_fs_child_rights(R | M, R | M | S, false, &child), -1);
    ck_assert_uint_eq(child, R | S);
    ck_assert_int_eq(wasi_p2_fs_child_rights(R | M, 0, false, &child), -1);
    ck_assert_uint_eq(child, 0);
    /* a directory inherits its parent's read and mutate-directory */
    ck_assert_int_eq(wasi_p2_fs_child_rights(R | M, R, true, &child), -1);
    ck_assert_uint_eq(child, R | M);
    ck_assert_int_eq(wasi_p2_fs_child_rights(R | M, 0, true, &child), -1);
    ck_assert_uint_eq(child, R | M);
    /* ... and no more: under a read-only parent it stays read-only */
    ck_assert_int_eq(wasi_p2_fs_child_rights(R, R | M, true, &child), -1);
    ck_assert_uint_eq(child, R);
    /* without mutate-directory no child may write */
    child = 99;
    ck_assert_int_eq(wasi_p2_fs_child_rights(R, W, false, &child), WASI_P2_FS_NOT_PERMITTED);
    ck_assert_uint_eq(child, 99);
    ck_assert_int_eq(wasi_p2_fs_child_rights(R, R | W, true, &child), WASI_P2_FS_NOT_PERMITTED);
    ck_assert_int_eq(wasi_p2_fs_child_rights(R, 0xffu & ~(unsigned)R, false, &child),
                     WASI_P2_FS_NOT_PERMITTED);
    /* without read no child may read */
    ck_assert_int_eq(wasi_p2_fs_child_rights(M, R, false, &child), WASI_P2_FS_NOT_PERMITTED);
    ck_assert_int_eq(wasi_p2_fs_child_rights(M, W, false, &child), -1);
    ck_assert_uint_eq(child, W);
    /* no right beyond the six flags */
    ck_assert_int_eq(wasi_p2_fs_child_rights(R | M, 0xc0u | R, false, &child), -1);
    ck_assert_uint_eq(child, R);
}
END_TEST

START_TEST(p2fs_timestamps)
{
    struct timespec ts;
    host_value v = host_map(), dt = host_map();
    ck_assert(host_map_set(&v, "no-change", 9, host_bool(true), NULL));
    ck_assert(wasi_p2_fs_timestamp(&v, &ts));
    ck_assert_int_eq(ts.tv_nsec, UTIME_OMIT);
    host_value_free(&v);
    v = host_string("now", 3);
    ck_assert(wasi_p2_fs_timestamp(&v, &ts));
    ck_assert_int_eq(ts.tv_nsec, UTIME_NOW);
    host_value_free(&v);
    v = host_map();
    ck_assert(host_map_set(&dt, "seconds", 7, host_uint(7), NULL));
    ck_assert(host_map_set(&dt, "nanoseconds", 11, host_uint(999999999), NULL));
    ck_assert(host_map_set(&v, "timestamp", 9, dt, NULL));
    ck_assert(wasi_p2_fs_timestamp(&v, &ts));
    ck_assert(ts.tv_sec == 7 && ts.tv_nsec == 999999999);
    host_value_free(&v);
    v = host_map();
    dt = host_map();
    ck_assert(host_map_set(&dt, "seconds", 7, host_uint(7), NULL));
    ck_assert(host_map_set(&dt, "nanoseconds", 11, host_uint(1000000000), NULL));
    ck_assert(host_map_set(&v, "timestamp", 9, dt, NULL));
    ck_assert(!wasi_p2_fs_timestamp(&v, &ts));   /* nanoseconds out of range */
    host_value_free(&v);
    v = host_string("later", 5);
    ck_assert(!wasi_p2_fs_timestamp(&v, &ts));
    host_value_free(&v);
}
END_TEST

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    ck_assert_ptr_nonnull(d);
    int n = 0;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

/* What a guest does not drop lives in the world (wasi_p2_live) until the
 * world is freed, which closes every host descriptor it held. */
START_TEST(p2fs_resources_freed_with_the_world)
{
    char dir[] = "/tmp/wippy-p2fs-leak-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    size_t size;
    uint8_t *bytes = test_fixture_bytes("wasi_p2/fs_leak.component.wasm", &size);
    vm_error verr;
    cm_file *cf = cm_decode(bytes, size, &verr);
    free(bytes);
    ck_assert_msg(cf != NULL, "%s", verr.message);
    int before = open_fds();
    wasi_p2 *w = wasi_p2_new(WASI_CAP_ALL);
    ck_assert_ptr_nonnull(w);
    char err[512];
    wasi_mount m = { dir, "/m", false };
    ck_assert_msg(wasi_p2_set_mounts(w, &m, 1, err, sizeof err), "%s", err);
    ck_assert_int_eq(open_fds(), before + 1);
    cm_instance *ci = cm_instantiate(cf, wasi_p2_host(w), NULL, &verr);
    ck_assert_msg(ci != NULL, "%s", verr.message);
    wasi_p2_bind(w, ci);
    host_value r;
    ck_assert_msg(cm_invoke(ci, "wasi:cli/run@0.2.3#run", NULL, 0, &r, err, sizeof err), "%s", err);
    ck_assert_msg(r.kind == HOST_VALUE_MAP && host_map_get(&r, "ok", 2) != NULL, "run gave err");
    host_value_free(&r);
    ck_assert_uint_eq(wasi_p2_live(w), 4);
    ck_assert_int_eq(open_fds(), before + 1 + 4);
    cm_instance_free(ci);
    wasi_p2_free(w);
    ck_assert_int_eq(open_fds(), before);
    cm_file_free(cf);
    test_remove_tree(dir);
}
END_TEST

START_TEST(p2fs_mount_errors)
{
    wasi_p2 *w = wasi_p2_new(WASI_CAP_ALL);
    ck_assert_ptr_nonnull(w);
    char err[512];
    wasi_mount bad = { "/nonexistent/wippy-p2fs", "/data", true };
    ck_assert(!wasi_p2_set_mounts(w, &bad, 1, err, sizeof err));
    ck_assert_str_eq(err, "mount /data: cannot open /nonexistent/wippy-p2fs: No such file or directory");
    wasi_mount unnamed = { "/tmp", "", false };
    ck_assert(!wasi_p2_set_mounts(w, &unnamed, 1, err, sizeof err));
    ck_assert_str_eq(err, "mount 0: needs a host directory and a guest path");
    wasi_p2_free(w);
}
END_TEST

Suite *wasi_p2_fs_suite(void)
{
    Suite *s = suite_create("wasi_p2_fs");
    TCase *tc = tcase_create("fs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, p2fs_error_codes);
    tcase_add_test(tc, p2fs_rights_rule);
    tcase_add_test(tc, p2fs_timestamps);
    tcase_add_test(tc, p2fs_resources_freed_with_the_world);
    tcase_add_test(tc, p2fs_mount_errors);
    suite_add_tcase(s, tc);
    return s;
}
