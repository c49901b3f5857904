/* test_wasi_p2_guests.c — hand-written C guests calling WASI 0.2 directly
 * (tests/wasi_p2/NAME.c, made into components at build time), run by the real
 * binary (test_run_wippy): `wippy wasm run` with --dir / --ro-dir, and a
 * process entry with wasi.mounts through `wippy run -x`. The wasi:filesystem
 * guests print one line per call; the tests compare them and then look at
 * the host directories (what changed, and that nothing outside a mount or
 * in a read-only mount did). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sha256/sha256.h"
#include "tests/test_util.h"

#define P2_DIR TEST_BUILD_DIR "/tests/wasi_p2"

/* A scratch directory /tmp/wippy-p2fs-XXXXXX with PATH made under it. */
static void scratch(char *dir, size_t len)
{
    snprintf(dir, len, "/tmp/wippy-p2fs-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void put_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void make_dir(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void make_link(const char *dir, const char *name, const char *target)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_int_eq(symlink(target, path), 0);
}

/* The contents of DIR/NAME ("" when absent; at most 255 bytes). */
static const char *file_text(const char *dir, const char *name)
{
    static char buf[256];
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f != NULL) {
        buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
        fclose(f);
    }
    return buf;
}

static bool exists(const char *dir, const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return lstat(path, &st) == 0;
}

/* What fs_walk.c prints, in /sandbox over an empty directory. */
static const char WALK_OUT[] =
        "preopen /sandbox\n"
        "get-type /sandbox: ok\n"
        "  directory\n"
        "write: ok\n"
        "  11 bytes\n"
        "read: ok\n"
        "  'hello world' end=0\n"
        "read: ok\n"
        "  '' end=1\n"
        "read: ok\n"
        "  'world' end=0\n"
        "read: ok\n"
        "  'hello world' end=0\n"
        "stat a.txt: ok\n"
        "  type=regular-file links=1 size=11 mtime=other\n"
        "get-flags a.txt: ok\n"
        "  bits=3\n"
        "write-via-stream: ok\n"
        "  wrote ' again'\n"
        "read-via-stream: ok\n"
        "  'world again' then closed\n"
        "append-via-stream: ok\n"
        "read: ok\n"
        "  'hello world again!' end=0\n"
        "write-via-stream at 2^63-1: ok\n"
        "  stream error, filesystem-error-code: invalid\n"
        "set-size 5: ok\n"
        "set-times: ok\n"
        "stat a.txt: ok\n"
        "  type=regular-file links=1 size=5 mtime=10^9\n"
        "create-directory-at sub: ok\n"
        "create-directory-at sub again: exist\n"
        "write b.txt: ok\n"
        "read-directory: ok\n"
        "  entries: a.txt(regular-file) sub(directory)\n"
        "read-directory: ok\n"
        "  entries: b.txt(regular-file)\n"
        "stat-at sub/b.txt: ok\n"
        "  type=regular-file links=1 size=3 mtime=other\n"
        "rename-at a.txt -> sub/c.txt: ok\n"
        "stat-at a.txt: no-entry\n"
        "link-at sub/c.txt -> link.txt: ok\n"
        "stat-at link.txt: ok\n"
        "  type=regular-file links=2 size=5 mtime=10^9\n"
        "symlink-at sym -> sub/b.txt: ok\n"
        "readlink-at sym: ok\n"
        "  sub/b.txt\n"
        "stat-at sym (follow): ok\n"
        "  type=regular-file links=1 size=3 mtime=other\n"
        "stat-at sym (no follow): ok\n"
        "  type=symbolic-link links=1 size=9 mtime=other\n"
        "is-same-object a.txt link.txt: yes\n"
        "is-same-object a.txt /sandbox: no\n"
        "metadata-hash equal\n"
        "unlink-file-at sub/b.txt: ok\n"
        "unlink-file-at sub/b.txt again: no-entry\n"
        "remove-directory-at sub: not-empty\n"
        "unlink-file-at sub/c.txt: ok\n"
        "remove-directory-at sub: ok\n"
        "read: ok\n"
        "  'hello' end=0\n"
        "read-directory: ok\n"
        "  entries: link.txt(regular-file) sym(symbolic-link)\n";

/* fs_walk through `wasm run --dir`: every step answers as the WIT says;
 * afterwards the host directory holds what the guest left (link.txt with
 * "hello", modified at 10^9 s; sym -> sub/b.txt) and nothing else. */
START_TEST(p2_fs_walk)
{
    char dir[64], spec[128];
    scratch(dir, sizeof dir);
    snprintf(spec, sizeof spec, "%s::/sandbox", dir);
    test_run_result r = test_run_wippy((const char *[]){ "wasm", "run", "--dir", spec,
                                                         P2_DIR "/fs_walk.component.wasm", NULL });
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, WALK_OUT);
    ck_assert_str_eq(r.err, "");
    test_run_done(&r);
    ck_assert_str_eq(file_text(dir, "link.txt"), "hello");
    char path[128], target[64] = { 0 };
    struct stat st;
    snprintf(path, sizeof path, "%s/link.txt", dir);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mtime, 1000000000);
    snprintf(path, sizeof path, "%s/sym", dir);
    ck_assert_int_gt(readlink(path, target, sizeof target - 1), 0);
    ck_assert_str_eq(target, "sub/b.txt");
    ck_assert(!exists(dir, "a.txt") && !exists(dir, "sub"));
    test_remove_tree(dir);
}
END_TEST

/* What fs_escape.c prints. */
static const char ESCAPE_OUT[] =
        "open ..: not-permitted\n"
        "open ../x: not-permitted\n"
        "open sub/../../x: not-permitted\n"
        "open /etc/passwd: not-permitted\n"
        "open abs/passwd (abs -> /etc): not-permitted\n"
        "open abs (follow): not-permitted\n"
        "open up/x (up -> ..): not-permitted\n"
        "open chain (follow; chain -> hop -> ../outside): not-permitted\n"
        "open chain (no follow): loop\n"
        "open loop (follow): loop\n"
        "open inside (follow; inside -> sub/f.txt): ok\n"
        "open missing: no-entry\n"
        "open sub/f.txt/x: not-directory\n"
        "open sub/f.txt as directory: not-directory\n"
        "open sub for writing: is-directory\n"
        "open sub/f.txt create exclusive: exist\n"
        "stat-at up (follow): not-permitted\n"
        "stat-at up (no follow): ok\n"
        "symlink-at evil -> ../outside: not-permitted\n"
        "symlink-at evil -> /etc: not-permitted\n"
        "create-directory-at ../made: not-permitted\n"
        "rename-at sub/f.txt -> ../stolen: not-permitted\n";

/* Every way out of the mount is refused (not-permitted; a symlink not
 * followed at the end of open-at is loop, as wasmtime), and nothing
 * outside it was read, made or moved. */
START_TEST(p2_fs_escapes)
{
    char dir[64], sb[96], spec[128];
    scratch(dir, sizeof dir);
    snprintf(sb, sizeof sb, "%s/sb", dir);
    put_file(dir, "outside", "secret\n");
    make_dir(dir, "sb");
    make_dir(sb, "sub");
    put_file(sb, "sub/f.txt", "inner\n");
    make_link(sb, "abs", "/etc");
    make_link(sb, "up", "..");
    make_link(sb, "chain", "hop");
    make_link(sb, "hop", "../outside");
    make_link(sb, "loop", "loop2");
    make_link(sb, "loop2", "loop");
    make_link(sb, "inside", "sub/f.txt");
    snprintf(spec, sizeof spec, "%s::/sandbox", sb);
    test_run_result r = test_run_wippy((const char *[]){ "wasm", "run", "--dir", spec,
                                                         P2_DIR "/fs_escape.component.wasm", NULL });
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, ESCAPE_OUT);
    test_run_done(&r);
    ck_assert_str_eq(file_text(dir, "outside"), "secret\n");
    ck_assert_str_eq(file_text(sb, "sub/f.txt"), "inner\n");
    ck_assert(!exists(sb, "evil") && !exists(dir, "made") && !exists(dir, "stolen"));
    test_remove_tree(dir);
}
END_TEST

/* What fs_readonly.c prints. */
static const char READONLY_OUT[] =
    "/ro flags=1 /rw flags=33\n"
    "open new.txt create: read-only\n"
    "open f.txt truncate: read-only\n"
    "open f.txt write: read-only\n"
    "read f.txt: 'original\n"
    "'\n"
    "write: read-only\n"
    "write-via-stream: read-only\n"
    "append-via-stream: read-only\n"
    "set-size: read-only\n"
    "set-times: read-only\n"
    "set-times (directory): read-only\n"
    "set-times-at: read-only\n"
    "create-directory-at: read-only\n"
    "remove-directory-at: read-only\n"
    "unlink-file-at: read-only\n"
    "rename-at: read-only\n"
    "rename-at to /rw: read-only\n"
    "link-at: read-only\n"
    "link-at to /rw: read-only\n"
    "symlink-at: read-only\n"
    "d flags=1\n"
    "create-directory-at d/x: read-only\n"
    "write (no write right): not-permitted\n"
    "write-via-stream (no write right): bad-descriptor\n"
    "append-via-stream (no write right): bad-descriptor\n"
    "set-size (no write right): not-permitted\n"
    "read (no read right): not-permitted\n"
    "read-via-stream (no read right): bad-descriptor\n"
    "child flags=33\n"
    "create-directory-at x (inherited mutate-directory): ok\n"
    "remove-directory-at x: ok\n";

/* Every write path into a read-only mount answers read-only and the disk
 * is unchanged (a directory opened there asking mutate-directory does not
 * get it); in a writable mount, a file opened without write refuses
 * writes (not-permitted; bad-descriptor for the streams, as wasmtime) and
 * one without read refuses reads; a directory inherits its parent's
 * rights without asking. */
START_TEST(p2_fs_read_only)
{
    char dir[64], ro[96], rw[96], ro_spec[128], rw_spec[128];
    scratch(dir, sizeof dir);
    snprintf(ro, sizeof ro, "%s/ro", dir);
    snprintf(rw, sizeof rw, "%s/rw", dir);
    make_dir(dir, "ro");
    make_dir(dir, "rw");
    make_dir(ro, "d");
    put_file(ro, "f.txt", "original\n");
    char path[128];
    struct stat before, after;
    snprintf(path, sizeof path, "%s/f.txt", ro);
    ck_assert_int_eq(stat(path, &before), 0);
    snprintf(ro_spec, sizeof ro_spec, "%s::/ro", ro);
    snprintf(rw_spec, sizeof rw_spec, "%s::/rw", rw);
    test_run_result r = test_run_wippy((const char *[]){ "wasm", "run", "--ro-dir", ro_spec, "--dir",
                                                         rw_spec, P2_DIR "/fs_readonly.component.wasm",
                                                         NULL });
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, READONLY_OUT);
    test_run_done(&r);
    ck_assert_int_eq(stat(path, &after), 0);
    ck_assert_str_eq(file_text(ro, "f.txt"), "original\n");
    ck_assert(after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
              after.st_mtim.tv_nsec == before.st_mtim.tv_nsec && after.st_nlink == 1);
    static const char *const absent[] = { "new.txt", "newdir", "g.txt", "h.txt", "s", "d/x" };
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        ck_assert_msg(!exists(ro, absent[i]), "%s appeared in the read-only mount", absent[i]);
    ck_assert(exists(ro, "d") && !exists(rw, "moved.txt") && !exists(rw, "h.txt"));
    ck_assert(exists(rw, "g.txt") && !exists(rw, "x"));
    ck_assert_str_eq(file_text(rw, "g.txt"), "");
    test_remove_tree(dir);
}
END_TEST

/* A process.wasm entry running fs_walk on a terminal host (`wippy run
 * -x`): its wasi.mounts are its preopens; a mount whose fs entry is not
 * an fs.directory fails the start as for a core module. */
START_TEST(p2_fs_process_mounts)
{
    char dir[64], data[96], src[96], yaml[128], hex[SHA256_HEX_SIZE];
    scratch(dir, sizeof dir);
    snprintf(data, sizeof data, "%s/data", dir);
    snprintf(src, sizeof src, "%s/src", dir);
    snprintf(yaml, sizeof yaml, "%s/_index.yaml", src);
    make_dir(dir, "data");
    make_dir(dir, "src");
    test_fixture_hash("wasi_p2/fs_walk.component.wasm", hex);
    FILE *f = fopen(yaml, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "version: \"1.0\"\nnamespace: t\nentries:\n"
            "  - {name: bin, kind: fs.directory, directory: \"%s\"}\n"
            "  - {name: data, kind: fs.directory, directory: \"%s\"}\n"
            "  - {name: term, kind: terminal.host}\n"
            "  - name: walk\n    kind: process.wasm\n    fs: t:bin\n"
            "    path: /fs_walk.component.wasm\n    hash: \"sha256:%s\"\n"
            "    method: \"wasi:cli/run@0.2.3#run\"\n"
            "    imports: [wasi:cli, wasi:io, wasi:filesystem]\n"
            "    wasi:\n      mounts:\n        - {fs: t:data, guest: /sandbox}\n",
            P2_DIR, data, hex);
    fclose(f);
    test_run_result r = test_run_wippy((const char *[]){ "--dir", dir, "run", "-x", "t:walk", NULL });
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    size_t n = strlen(WALK_OUT);   /* then -x prints the result */
    ck_assert_msg(!strncmp(r.out, WALK_OUT, n), "%s", r.out);
    ck_assert_str_eq(r.out + n, "{\"ok\":true}\n");
    test_run_done(&r);
    ck_assert_str_eq(file_text(data, "link.txt"), "hello");
    test_remove_tree(dir);
}
END_TEST

/* The pipeline works end to end: the guest's imports link to wasi/p2, its
 * arguments arrive (FILE's base name first), its stdout is the process's,
 * and `err` from run gives exit status 1. */
START_TEST(p2_c_guest_hello)
{
    test_run_result r = test_run_wippy((const char *[]){ "wasm", "run", P2_DIR "/hello.component.wasm",
                                                         "a", "b", NULL });
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, "hello from a C guest, 3 arguments\n");
    ck_assert_str_eq(r.err, "");
    test_run_done(&r);
    r = test_run_wippy((const char *[]){ "wasm", "run", P2_DIR "/hello.component.wasm", "fail", NULL });
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out, "hello from a C guest, 2 arguments\n");
    test_run_done(&r);
}
END_TEST

/* jco's dir.virt lists a directory of its own virtual filesystem
 * (WASI-virt: it imports no wasi:filesystem of the host); it prints what
 * it prints under `jco run` (measured: the same bytes for /foo). */
START_TEST(p2_jco_dir_virt)
{
    const char *cm = TEST_COMPONENTS_DIR "/jco/jco__commands__dir.virt.wasm";
    if (access(cm, R_OK) != 0) {
        fprintf(stderr, "wasi p2 guests: %s not found, skipped\n", cm);
        return;
    }
    test_run_result r = test_run_wippy((const char *[]){ "wasm", "run", cm, "/foo", NULL });
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, "Listing directory: /foo\n - .\n - ..\n - foo\n");
    test_run_done(&r);
    r = test_run_wippy((const char *[]){ "wasm", "run", cm, "/x", NULL });
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out, "Listing directory: /x\n");
    ck_assert_str_eq(r.err, "Could not open directory: No such file or directory\n");
    test_run_done(&r);
}
END_TEST

Suite *wasi_p2_guests_suite(void)
{
    Suite *s = suite_create("wasi_p2_guests");
    TCase *tc = tcase_create("guests");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, p2_c_guest_hello);
    tcase_add_test(tc, p2_fs_walk);
    tcase_add_test(tc, p2_fs_escapes);
    tcase_add_test(tc, p2_fs_read_only);
    tcase_add_test(tc, p2_fs_process_mounts);
    tcase_add_test(tc, p2_jco_dir_virt);
    suite_add_tcase(s, tc);
    return s;
}
