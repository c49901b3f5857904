/* fs_escape.c — a C guest trying to leave its preopen "/sandbox" through
 * open-at, stat-at and symlink-at: "..", an absolute path, symlinks the
 * test made beforehand (absolute, climbing, a chain, a loop); each
 * attempt prints the error-code it got. */
#include "guest_fs.h"

P2_RUN
{
    fs_ret r;
    int32_t root = fs_preopen("/sandbox");
    if (root < 0) {
        p2_print("no preopen /sandbox\n");
        return 1;
    }
    fs_try_open("open ..", root, 0, "..", OF_DIRECTORY, DF_READ);
    fs_try_open("open ../x", root, 0, "../x", 0, DF_READ);
    fs_try_open("open sub/../../x", root, 0, "sub/../../x", 0, DF_READ);
    fs_try_open("open /etc/passwd", root, 0, "/etc/passwd", 0, DF_READ);
    fs_try_open("open abs/passwd (abs -> /etc)", root, 0, "abs/passwd", 0, DF_READ);
    fs_try_open("open abs (follow)", root, PF_FOLLOW, "abs", OF_DIRECTORY, DF_READ);
    fs_try_open("open up/x (up -> ..)", root, 0, "up/x", 0, DF_READ);
    fs_try_open("open chain (follow; chain -> hop -> ../outside)", root, PF_FOLLOW, "chain", 0, DF_READ);
    fs_try_open("open chain (no follow)", root, 0, "chain", 0, DF_READ);
    fs_try_open("open loop (follow)", root, PF_FOLLOW, "loop", 0, DF_READ);
    fs_try_open("open inside (follow; inside -> sub/f.txt)", root, PF_FOLLOW, "inside", 0, DF_READ);
    fs_try_open("open missing", root, 0, "missing", 0, DF_READ);
    fs_try_open("open sub/f.txt/x", root, 0, "sub/f.txt/x", 0, DF_READ);
    fs_try_open("open sub/f.txt as directory", root, 0, "sub/f.txt", OF_DIRECTORY, DF_READ);
    fs_try_open("open sub for writing", root, 0, "sub", 0, DF_READ | DF_WRITE);
    fs_try_open("open sub/f.txt create exclusive", root, 0, "sub/f.txt", OF_CREATE | OF_EXCLUSIVE, DF_READ);
    fs_stat_at(root, PF_FOLLOW, STR("up"), &r);
    fs_report("stat-at up (follow)", &r, 8);
    fs_stat_at(root, 0, STR("up"), &r);
    fs_report("stat-at up (no follow)", &r, 8);
    fs_symlink_at(root, STR("../outside"), STR("evil"), &r);
    fs_report("symlink-at evil -> ../outside", &r, 1);
    fs_symlink_at(root, STR("/etc"), STR("evil"), &r);
    fs_report("symlink-at evil -> /etc", &r, 1);
    fs_create_directory_at(root, STR("../made"), &r);
    fs_report("create-directory-at ../made", &r, 1);
    fs_rename_at(root, STR("sub/f.txt"), root, STR("../stolen"), &r);
    fs_report("rename-at sub/f.txt -> ../stolen", &r, 1);
    fs_drop(root);
    return 0;
}
