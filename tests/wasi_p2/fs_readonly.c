/* fs_readonly.c — a C guest writing through every wasi:filesystem write
 * path into a read-only mount "/ro" (each answers read-only, and nothing
 * changes on disk: the test looks afterwards), then the rights rule in a
 * writable mount "/rw": a file opened without write refuses writes (and
 * one without read, reads); a directory inherits its parent's rights, so
 * one under "/ro" cannot change anything even when asked to, and one
 * under "/rw" can without asking. */
#include "guest_fs.h"

static void result_of(const char *what, const fs_ret *r)
{
    fs_report(what, r, 1);
}

P2_RUN
{
    fs_ret r;
    int32_t ro = fs_preopen("/ro"), rw = fs_preopen("/rw");
    if (ro < 0 || rw < 0) {
        p2_print("missing preopens\n");
        return 1;
    }
    fs_get_flags(ro, &r);
    p2_print("/ro flags=");
    p2_print_u64(r.b[1]);
    fs_get_flags(rw, &r);
    p2_print(" /rw flags=");
    p2_print_u64(r.b[1]);
    p2_print("\n");

    /* read-only mount */
    fs_try_open("open new.txt create", ro, 0, "new.txt", OF_CREATE, DF_READ);
    fs_try_open("open f.txt truncate", ro, 0, "f.txt", OF_TRUNCATE, DF_READ);
    fs_try_open("open f.txt write", ro, 0, "f.txt", 0, DF_WRITE);
    int32_t f = fs_open("open f.txt read", ro, 0, "f.txt", 0, DF_READ);
    fs_read(f, 100, 0, &r);
    p2_print("read f.txt: '");
    p2_write((const char *)(size_t)r.w[1], r.w[2]);
    p2_print("'\n");
    fs_write(f, STR("x"), 0, &r);
    fs_report("write", &r, 8);
    fs_write_via_stream(f, 0, &r);
    fs_report("write-via-stream", &r, 4);
    fs_append_via_stream(f, &r);
    fs_report("append-via-stream", &r, 4);
    fs_set_size(f, 0, &r);
    result_of("set-size", &r);
    fs_set_times(f, 1, 0, 0, 1, 0, 0, &r);
    result_of("set-times", &r);
    fs_set_times(ro, 1, 0, 0, 1, 0, 0, &r);
    result_of("set-times (directory)", &r);
    fs_set_times_at(ro, 0, STR("f.txt"), 1, 0, 0, 1, 0, 0, &r);
    result_of("set-times-at", &r);
    fs_create_directory_at(ro, STR("newdir"), &r);
    result_of("create-directory-at", &r);
    fs_remove_directory_at(ro, STR("d"), &r);
    result_of("remove-directory-at", &r);
    fs_unlink_file_at(ro, STR("f.txt"), &r);
    result_of("unlink-file-at", &r);
    fs_rename_at(ro, STR("f.txt"), ro, STR("g.txt"), &r);
    result_of("rename-at", &r);
    fs_rename_at(ro, STR("f.txt"), rw, STR("moved.txt"), &r);
    result_of("rename-at to /rw", &r);
    fs_link_at(ro, 0, STR("f.txt"), ro, STR("h.txt"), &r);
    result_of("link-at", &r);
    fs_link_at(ro, 0, STR("f.txt"), rw, STR("h.txt"), &r);
    result_of("link-at to /rw", &r);
    fs_symlink_at(ro, STR("f.txt"), STR("s"), &r);
    result_of("symlink-at", &r);
    int32_t d = fs_open("open d", ro, 0, "d", OF_DIRECTORY, DF_READ | DF_MUTATE);
    fs_get_flags(d, &r);
    p2_print("d flags=");
    p2_print_u64(r.b[1]);
    p2_print("\n");
    fs_create_directory_at(d, STR("x"), &r);
    result_of("create-directory-at d/x", &r);
    fs_drop(d);
    fs_drop(f);

    /* the rights rule in a writable mount */
    int32_t g = fs_open("open g.txt create, read only", rw, 0, "g.txt", OF_CREATE, DF_READ);
    fs_write(g, STR("x"), 0, &r);
    fs_report("write (no write right)", &r, 8);
    fs_write_via_stream(g, 0, &r);
    fs_report("write-via-stream (no write right)", &r, 4);
    fs_append_via_stream(g, &r);
    fs_report("append-via-stream (no write right)", &r, 4);
    fs_set_size(g, 10, &r);
    result_of("set-size (no write right)", &r);
    fs_drop(g);
    int32_t w = fs_open("open g.txt write only", rw, 0, "g.txt", 0, DF_WRITE);
    fs_read(w, 10, 0, &r);
    fs_report("read (no read right)", &r, 4);
    fs_read_via_stream(w, 0, &r);
    fs_report("read-via-stream (no read right)", &r, 4);
    fs_drop(w);
    /* a directory inherits its parent's rights, asked or not (as wasmtime) */
    int32_t look = fs_open("open . asking read only", rw, 0, ".", OF_DIRECTORY, DF_READ);
    fs_get_flags(look, &r);
    p2_print("child flags=");
    p2_print_u64(r.b[1]);
    p2_print("\n");
    fs_create_directory_at(look, STR("x"), &r);
    result_of("create-directory-at x (inherited mutate-directory)", &r);
    fs_remove_directory_at(look, STR("x"), &r);
    result_of("remove-directory-at x", &r);
    fs_drop(look);
    fs_drop(ro);
    fs_drop(rw);
    return 0;
}
