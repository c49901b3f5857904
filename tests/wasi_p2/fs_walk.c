/* fs_walk.c — a C guest walking wasi:filesystem through one preopen,
 * "/sandbox": it opens, writes, reads back (directly and through streams),
 * stats, lists a directory, renames, links, symlinks, unlinks and removes,
 * printing one line per step (tests/test_wasi_p2_guests.c compares them,
 * then looks at the host directory). */
#include "guest_fs.h"

static void print_stat(const char *what, const fs_ret *r)
{
    if (!fs_report(what, r, 8))
        return;
    p2_print("  type=");
    p2_print(fs_types[r->b[8]]);
    p2_print(" links=");
    p2_print_u64(r->d[2]);
    p2_print(" size=");
    p2_print_u64(r->d[3]);
    p2_print(!r->b[56] ? " mtime=none\n" : r->d[8] == 1000000000 ? " mtime=10^9\n" : " mtime=other\n");
}

static void stat_at(const char *what, int32_t dir, int32_t pf, const char *path)
{
    fs_ret r;
    fs_stat_at(dir, pf, STR(path), &r);
    print_stat(what, &r);
}

/* Lists dir, names sorted (readdir's order is the filesystem's). */
static void list(int32_t dir)
{
    fs_ret r;
    fs_read_directory(dir, &r);
    if (!fs_report("read-directory", &r, 4))
        return;
    int32_t s = (int32_t)r.w[1];
    const char *names[16];
    uint32_t lens[16], types[16], n = 0;
    for (;;) {
        fs_read_directory_entry(s, &r);
        if (r.b[0] != 0) {
            fs_report("read-directory-entry", &r, 4);
            break;
        }
        if (r.b[4] == 0 || n == 16)
            break;
        types[n] = r.b[8];
        names[n] = (const char *)(size_t)r.w[3];
        lens[n] = r.w[4];
        for (uint32_t i = n++; i > 0; i--) {   /* insertion by name */
            const char *a = names[i - 1], *b = names[i];
            uint32_t k = 0, la = lens[i - 1], lb = lens[i];
            while (k < la && k < lb && a[k] == b[k])
                k++;
            bool after = k < la && (k == lb || (uint8_t)a[k] > (uint8_t)b[k]);
            if (!after)
                break;
            const char *tn = names[i]; names[i] = names[i - 1]; names[i - 1] = tn;
            uint32_t tl = lens[i]; lens[i] = lens[i - 1]; lens[i - 1] = tl;
            uint32_t tt = types[i]; types[i] = types[i - 1]; types[i - 1] = tt;
        }
    }
    fs_drop_dirstream(s);
    p2_print("  entries:");
    for (uint32_t i = 0; i < n; i++) {
        p2_print(" ");
        p2_write(names[i], lens[i]);
        p2_print("(");
        p2_print(fs_types[types[i]]);
        p2_print(")");
    }
    p2_print("\n");
}

static void read_at(int32_t fd, uint64_t len, uint64_t off)
{
    fs_ret r;
    fs_read(fd, len, off, &r);
    if (!fs_report("read", &r, 4))
        return;
    p2_print("  '");
    p2_write((const char *)(size_t)r.w[1], r.w[2]);
    p2_print("' end=");
    p2_print_u64(r.b[12]);
    p2_print("\n");
}

P2_RUN
{
    fs_ret r;
    int32_t root = fs_preopen("/sandbox");
    p2_print(root >= 0 ? "preopen /sandbox\n" : "no preopen /sandbox\n");
    if (root < 0)
        return 1;
    fs_get_type(root, &r);
    if (fs_report("get-type /sandbox", &r, 1)) {
        p2_print("  ");
        p2_print(fs_types[r.b[1]]);
        p2_print("\n");
    }

    int32_t fd = fs_open("open a.txt", root, 0, "a.txt", OF_CREATE | OF_TRUNCATE, DF_READ | DF_WRITE);
    fs_write(fd, STR("hello world"), 0, &r);
    if (fs_report("write", &r, 8)) {
        p2_print("  ");
        p2_print_u64(r.d[1]);
        p2_print(" bytes\n");
    }
    read_at(fd, 100, 0);
    read_at(fd, 100, 11);
    read_at(fd, 5, 6);
    read_at(fd, 1ull << 32, 0);   /* 4 GiB asked: the host reads at most 1 MiB at once */
    fs_stat(fd, &r);
    print_stat("stat a.txt", &r);
    fs_get_flags(fd, &r);
    if (fs_report("get-flags a.txt", &r, 1)) {
        p2_print("  bits=");
        p2_print_u64(r.b[1]);
        p2_print("\n");
    }

    /* streams over the file */
    fs_write_via_stream(fd, 11, &r);
    if (fs_report("write-via-stream", &r, 4)) {
        int32_t out = (int32_t)r.w[1];
        uint32_t sret[3];
        p2_blocking_write_and_flush(out, STR(" again"), sret);
        p2_print((uint8_t)sret[0] == 0 ? "  wrote ' again'\n" : "  write failed\n");
        p2_drop_output_stream(out);
    }
    fs_read_via_stream(fd, 6, &r);
    if (fs_report("read-via-stream", &r, 4)) {
        int32_t in = (int32_t)r.w[1];
        fs_ret s;
        io_blocking_read(in, 100, &s);
        p2_print("  '");
        if (s.b[0] == 0)
            p2_write((const char *)(size_t)s.w[1], s.w[2]);
        p2_print("'");
        io_blocking_read(in, 100, &s);
        p2_print(s.b[0] == 1 && s.b[4] == 1 ? " then closed\n" : " then not closed\n");
        io_drop_input(in);
    }
    fs_append_via_stream(fd, &r);
    if (fs_report("append-via-stream", &r, 4)) {
        int32_t out = (int32_t)r.w[1];
        uint32_t sret[3];
        p2_blocking_write_and_flush(out, STR("!"), sret);
        p2_drop_output_stream(out);
    }
    read_at(fd, 100, 0);
    /* a file stream's error carries its error-code */
    fs_write_via_stream(fd, 0x7fffffffffffffffull, &r);
    if (fs_report("write-via-stream at 2^63-1", &r, 4)) {
        int32_t out = (int32_t)r.w[1];
        uint32_t sret[3];
        p2_blocking_write_and_flush(out, STR("x"), sret);
        if ((uint8_t)sret[0] == 1 && (uint8_t)sret[1] == 0) {
            fs_ret c;
            fs_error_code((int32_t)sret[2], &c);
            p2_print("  stream error, filesystem-error-code: ");
            p2_print(c.b[0] ? fs_codes[c.b[1]] : "none");
            p2_print("\n");
            io_drop_error((int32_t)sret[2]);
        } else {
            p2_print("  no stream error\n");
        }
        p2_drop_output_stream(out);
    }
    fs_set_size(fd, 5, &r);
    fs_report("set-size 5", &r, 1);
    fs_set_times(fd, 0, 0, 0, 2, 1000000000, 0, &r);   /* atim no-change, mtim 10^9 s */
    fs_report("set-times", &r, 1);
    fs_stat(fd, &r);
    print_stat("stat a.txt", &r);

    /* directories */
    fs_create_directory_at(root, STR("sub"), &r);
    fs_report("create-directory-at sub", &r, 1);
    fs_create_directory_at(root, STR("sub"), &r);
    fs_report("create-directory-at sub again", &r, 1);
    int32_t sub = fs_open("open sub", root, 0, "sub", OF_DIRECTORY, DF_READ | DF_MUTATE);
    int32_t b = fs_open("open sub/b.txt", sub, 0, "b.txt", OF_CREATE, DF_WRITE);
    fs_write(b, STR("bee"), 0, &r);
    fs_report("write b.txt", &r, 8);
    fs_drop(b);
    list(root);
    list(sub);
    stat_at("stat-at sub/b.txt", root, 0, "sub/b.txt");

    /* rename, link, symlink */
    fs_rename_at(root, STR("a.txt"), sub, STR("c.txt"), &r);
    fs_report("rename-at a.txt -> sub/c.txt", &r, 1);
    stat_at("stat-at a.txt", root, 0, "a.txt");
    fs_link_at(sub, 0, STR("c.txt"), root, STR("link.txt"), &r);
    fs_report("link-at sub/c.txt -> link.txt", &r, 1);
    stat_at("stat-at link.txt", root, 0, "link.txt");
    fs_symlink_at(root, STR("sub/b.txt"), STR("sym"), &r);
    fs_report("symlink-at sym -> sub/b.txt", &r, 1);
    fs_readlink_at(root, STR("sym"), &r);
    if (fs_report("readlink-at sym", &r, 4)) {
        p2_print("  ");
        p2_write((const char *)(size_t)r.w[1], r.w[2]);
        p2_print("\n");
    }
    stat_at("stat-at sym (follow)", root, PF_FOLLOW, "sym");
    stat_at("stat-at sym (no follow)", root, 0, "sym");
    int32_t again = fs_open("open link.txt", root, 0, "link.txt", 0, DF_READ);
    p2_print(fs_is_same_object(fd, again) ? "is-same-object a.txt link.txt: yes\n"
                                          : "is-same-object a.txt link.txt: no\n");
    p2_print(fs_is_same_object(fd, root) ? "is-same-object a.txt /sandbox: yes\n"
                                         : "is-same-object a.txt /sandbox: no\n");
    fs_ret h1, h2;
    fs_metadata_hash(fd, &h1);
    fs_metadata_hash(again, &h2);
    p2_print(h1.b[0] == 0 && h2.b[0] == 0 && h1.d[1] == h2.d[1] && h1.d[2] == h2.d[2]
                 ? "metadata-hash equal\n" : "metadata-hash differs\n");
    fs_drop(again);

    /* unlink and remove */
    fs_unlink_file_at(sub, STR("b.txt"), &r);
    fs_report("unlink-file-at sub/b.txt", &r, 1);
    fs_unlink_file_at(sub, STR("b.txt"), &r);
    fs_report("unlink-file-at sub/b.txt again", &r, 1);
    fs_remove_directory_at(root, STR("sub"), &r);
    fs_report("remove-directory-at sub", &r, 1);
    fs_unlink_file_at(sub, STR("c.txt"), &r);
    fs_report("unlink-file-at sub/c.txt", &r, 1);
    fs_drop(sub);
    fs_remove_directory_at(root, STR("sub"), &r);
    fs_report("remove-directory-at sub", &r, 1);
    read_at(fd, 100, 0);   /* the open file lives on under its other name */
    fs_drop(fd);
    list(root);
    fs_drop(root);
    return 0;
}
