/* wasi_sandbox.c — attacks on the mounts; run with a writable tree at "/"
 * (fd 3) and a read-only one at "/ro" (fd 4) that the test prepared:
 *
 *   /a.txt "A", /sub/b.txt "B", /sub/up -> ..
 *   /escape_abs -> /etc/passwd          /escape_rel -> ../outside.txt
 *   /escape_dir -> ..                   /escape_deep -> sub/../../outside.txt
 *   /dangling -> nope                   /loop1 -> loop2, /loop2 -> loop1
 *   /make_out -> ../made_outside.txt
 *   /ro/keep.txt "KEEP", /ro/kdir/, /ro/klink -> keep.txt
 *
 * argv[1] "escape": every way out of "/" must fail; "readonly": every
 * change to "/ro" must fail (and reading it must work). The test checks
 * the host side afterwards. Exits with the failing line's number. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define NOTCAP __WASI_ERRNO_NOTCAPABLE
#define ROFS __WASI_ERRNO_ROFS

static const __wasi_rights_t writing = __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC |
                                       __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE;

static __wasi_errno_t try_open(__wasi_fd_t dir, __wasi_lookupflags_t lookup, const char *path,
                               __wasi_oflags_t oflags, __wasi_rights_t rights)
{
    __wasi_fd_t fd;
    __wasi_errno_t err = __wasi_path_open(dir, lookup, path, oflags, rights, rights, 0, &fd);
    if (err == 0)
        (void)__wasi_fd_close(fd);
    return err;
}

/* Reads the whole (small) file at path beneath dir into buf. */
static void read_at(__wasi_fd_t dir, const char *path, char *buf, size_t len)
{
    __wasi_fd_t fd;
    __wasi_size_t n;
    CHECK(__wasi_path_open(dir, FOLLOW, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd) == 0);
    __wasi_iovec_t iov = { (uint8_t *)buf, len - 1 };
    CHECK(__wasi_fd_read(fd, &iov, 1, &n) == 0);
    buf[n] = '\0';
    CHECK(__wasi_fd_close(fd) == 0);
}

static int escape(void)
{
    const __wasi_rights_t r = __WASI_RIGHTS_FD_READ;
    char buf[64];

    /* "..", absolute paths. */
    CHECK_ERR(try_open(3, 0, "../outside.txt", 0, r), NOTCAP);
    CHECK_ERR(try_open(3, 0, "sub/../../outside.txt", 0, r), NOTCAP);
    CHECK_ERR(try_open(3, 0, "/etc/passwd", 0, r), NOTCAP);
    CHECK_ERR(try_open(3, 0, "..", __WASI_OFLAGS_DIRECTORY, r), NOTCAP);
    CHECK(fopen("/../outside.txt", "r") == NULL);

    /* Symlinks that were there: absolute, relative, through a directory, chained. */
    CHECK_ERR(try_open(3, FOLLOW, "escape_abs", 0, r), NOTCAP);
    CHECK_ERR(try_open(3, 0, "escape_abs", 0, r), __WASI_ERRNO_LOOP);
    CHECK_ERR(try_open(3, FOLLOW, "escape_rel", 0, r), NOTCAP);
    CHECK_ERR(try_open(3, FOLLOW, "escape_dir/outside.txt", 0, r), NOTCAP);
    CHECK_ERR(try_open(3, 0, "escape_dir/outside.txt", 0, r), NOTCAP);
    CHECK_ERR(try_open(3, FOLLOW, "escape_deep", 0, r), NOTCAP);
    CHECK_ERR(try_open(3, FOLLOW, "dangling", 0, r), __WASI_ERRNO_NOENT);
    CHECK_ERR(try_open(3, FOLLOW, "loop1", 0, r), __WASI_ERRNO_LOOP);
    CHECK_ERR(try_open(3, FOLLOW, "loop1/x", 0, r), __WASI_ERRNO_LOOP);
    CHECK_ERR(try_open(3, FOLLOW, "make_out", __WASI_OFLAGS_CREAT, r | __WASI_RIGHTS_FD_WRITE), NOTCAP);
    CHECK_ERR(try_open(3, 0, "make_out", __WASI_OFLAGS_CREAT, r | __WASI_RIGHTS_FD_WRITE), __WASI_ERRNO_LOOP);
    CHECK(fopen("/escape_rel", "r") == NULL && errno == ENOTCAPABLE);
    CHECK(fopen("/make_out", "w") == NULL);
    __wasi_filestat_t st;
    CHECK_ERR(__wasi_path_filestat_get(3, FOLLOW, "escape_abs", &st), NOTCAP);
    CHECK_ERR(__wasi_path_filestat_get(3, 0, "escape_dir/", &st), NOTCAP);
    CHECK_ERR(__wasi_path_filestat_set_times(3, FOLLOW, "escape_rel", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), NOTCAP);
    CHECK(__wasi_path_filestat_get(3, 0, "escape_abs", &st) == 0);   /* the link itself is inside */

    /* A symlink that stays inside works, also through "..". */
    read_at(3, "sub/up/a.txt", buf, sizeof buf);
    CHECK(strcmp(buf, "A") == 0);

    /* Symlinks the guest makes: outward ones are refused, dangling and
     * looping ones can be made but lead nowhere. */
    CHECK_ERR(__wasi_path_symlink("../outside.txt", 3, "mine"), NOTCAP);
    CHECK_ERR(__wasi_path_symlink("/etc/passwd", 3, "mine"), NOTCAP);
    CHECK_ERR(__wasi_path_symlink("sub/../..", 3, "mine"), NOTCAP);
    CHECK_ERR(__wasi_path_symlink("../../x", 3, "sub/mine"), NOTCAP);
    CHECK(symlink("/etc/passwd", "/mine") == -1);
    CHECK(__wasi_path_symlink("../a.txt", 3, "sub/to_a") == 0);
    read_at(3, "sub/to_a", buf, sizeof buf);
    CHECK(strcmp(buf, "A") == 0);
    CHECK(__wasi_path_symlink("nothing", 3, "g_dangling") == 0);
    CHECK_ERR(try_open(3, FOLLOW, "g_dangling", 0, r), __WASI_ERRNO_NOENT);
    CHECK(__wasi_path_symlink("g_loop", 3, "g_loop") == 0);
    CHECK_ERR(try_open(3, FOLLOW, "g_loop", 0, r), __WASI_ERRNO_LOOP);
    CHECK(__wasi_path_symlink("sub/up", 3, "g_root") == 0);
    CHECK_ERR(try_open(3, FOLLOW, "g_root/../outside.txt", 0, r), NOTCAP);
    CHECK_ERR(try_open(3, FOLLOW, "g_root/escape_rel", 0, r), NOTCAP);

    /* A directory descriptor is a root of its own. */
    __wasi_fd_t sub;
    CHECK(__wasi_path_open(3, 0, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_PATH_OPEN |
                           __WASI_RIGHTS_PATH_SYMLINK, (__wasi_rights_t)-1, 0, &sub) == 0);
    CHECK_ERR(try_open(sub, 0, "../a.txt", 0, r), NOTCAP);
    CHECK_ERR(try_open(sub, FOLLOW, "up/a.txt", 0, r), NOTCAP);
    CHECK_ERR(__wasi_path_symlink("../a.txt", sub, "up_a"), NOTCAP);
    CHECK(__wasi_fd_close(sub) == 0);

    /* Hard links, renames, directories, removal: every path checked. */
    CHECK_ERR(__wasi_path_link(3, FOLLOW, "escape_rel", 3, "hl"), NOTCAP);
    CHECK_ERR(__wasi_path_link(3, 0, "../outside.txt", 3, "hl"), NOTCAP);
    CHECK_ERR(__wasi_path_link(3, 0, "a.txt", 3, "../linked_out"), NOTCAP);
    CHECK_ERR(__wasi_path_link(3, 0, "a.txt", 3, "escape_dir/linked_out"), NOTCAP);
    CHECK_ERR(__wasi_path_rename(3, "a.txt", 3, "../renamed_out"), NOTCAP);
    CHECK_ERR(__wasi_path_rename(3, "a.txt", 3, "escape_dir/renamed_out"), NOTCAP);
    CHECK_ERR(__wasi_path_rename(3, "../outside.txt", 3, "stolen"), NOTCAP);
    CHECK_ERR(__wasi_path_rename(3, "escape_dir/outside.txt", 3, "stolen"), NOTCAP);
    CHECK_ERR(__wasi_path_create_directory(3, "../newdir"), NOTCAP);
    CHECK_ERR(__wasi_path_create_directory(3, "escape_dir/newdir"), NOTCAP);
    CHECK_ERR(__wasi_path_unlink_file(3, "../outside.txt"), NOTCAP);
    CHECK_ERR(__wasi_path_unlink_file(3, "escape_dir/outside.txt"), NOTCAP);
    CHECK_ERR(__wasi_path_remove_directory(3, ".."), NOTCAP);
    CHECK_ERR(__wasi_path_remove_directory(3, "escape_dir/root"), NOTCAP);
    __wasi_size_t n;
    CHECK_ERR(__wasi_path_readlink(3, "escape_dir/root/escape_abs", (uint8_t *)buf, sizeof buf, &n), NOTCAP);
    CHECK(__wasi_path_readlink(3, "escape_abs", (uint8_t *)buf, sizeof buf, &n) == 0 && n == 11);

    /* Removing an escaping link removes the link, nothing else. */
    CHECK(__wasi_path_unlink_file(3, "escape_rel") == 0);
    CHECK(unlink("/escape_abs") == 0);
    return 0;
}

static int readonly(void)
{
    const __wasi_rights_t all = (__wasi_rights_t)-1;
    char buf[64];

    /* Reading works. */
    read_at(4, "keep.txt", buf, sizeof buf);
    CHECK(strcmp(buf, "KEEP") == 0);
    read_at(4, "klink", buf, sizeof buf);
    CHECK(strcmp(buf, "KEEP") == 0);
    FILE *f = fopen("/ro/keep.txt", "r");
    CHECK(f != NULL && fgets(buf, sizeof buf, f) != NULL && strcmp(buf, "KEEP") == 0);
    CHECK(fclose(f) == 0);
    struct stat st;
    CHECK(stat("/ro/kdir", &st) == 0 && S_ISDIR(st.st_mode));

    /* Opening to change anything. */
    CHECK_ERR(try_open(4, 0, "new.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ), ROFS);
    CHECK_ERR(try_open(4, 0, "keep.txt", 0, __WASI_RIGHTS_FD_WRITE), ROFS);
    CHECK_ERR(try_open(4, 0, "keep.txt", 0, __WASI_RIGHTS_FD_FILESTAT_SET_SIZE), ROFS);
    CHECK_ERR(try_open(4, 0, "keep.txt", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ), ROFS);
    CHECK(fopen("/ro/keep.txt", "w") == NULL && errno == EROFS);
    CHECK(fopen("/ro/keep.txt", "a") == NULL && errno == EROFS);
    CHECK(fopen("/ro/keep.txt", "r+") == NULL && errno == EROFS);

    /* A descriptor opened for reading cannot change the file either. */
    __wasi_fd_t fd;
    CHECK(__wasi_path_open(4, 0, "keep.txt", 0, all & ~writing, 0, 0, &fd) == 0);
    __wasi_ciovec_t iov = { (const uint8_t *)"X", 1 };
    __wasi_size_t n;
    CHECK_ERR(__wasi_fd_write(fd, &iov, 1, &n), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERR(__wasi_fd_pwrite(fd, &iov, 1, 0, &n), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERR(__wasi_fd_filestat_set_size(fd, 0), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERR(__wasi_fd_allocate(fd, 0, 100), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERR(__wasi_fd_filestat_set_times(fd, 5, 5, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), ROFS);
    CHECK(__wasi_fd_close(fd) == 0);

    /* Every path call that changes the tree. */
    CHECK_ERR(__wasi_path_create_directory(4, "d"), ROFS);
    CHECK_ERR(__wasi_path_remove_directory(4, "kdir"), ROFS);
    CHECK_ERR(__wasi_path_unlink_file(4, "keep.txt"), ROFS);
    CHECK_ERR(__wasi_path_unlink_file(4, "klink"), ROFS);
    CHECK_ERR(__wasi_path_rename(4, "keep.txt", 4, "k2"), ROFS);
    CHECK_ERR(__wasi_path_rename(4, "keep.txt", 3, "stolen"), ROFS);
    CHECK_ERR(__wasi_path_rename(3, "a.txt", 4, "a.txt"), ROFS);
    CHECK_ERR(__wasi_path_symlink("keep.txt", 4, "l2"), ROFS);
    CHECK_ERR(__wasi_path_link(4, 0, "keep.txt", 3, "hard"), ROFS);
    CHECK_ERR(__wasi_path_link(3, 0, "a.txt", 4, "hard"), ROFS);
    CHECK_ERR(__wasi_path_filestat_set_times(4, 0, "keep.txt", 5, 5, __WASI_FSTFLAGS_MTIM), ROFS);
    CHECK_ERR(__wasi_path_filestat_set_times(4, FOLLOW, "klink", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), ROFS);
    CHECK(mkdir("/ro/x", 0777) == -1 && errno == EROFS);
    CHECK(unlink("/ro/keep.txt") == -1 && errno == EROFS);
    CHECK(rename("/ro/keep.txt", "/ro/k3") == -1 && errno == EROFS);

    /* A directory opened inside it is read-only too. */
    __wasi_fd_t kdir;
    CHECK(__wasi_path_open(4, 0, "kdir", __WASI_OFLAGS_DIRECTORY, all & ~writing, all, 0, &kdir) == 0);
    CHECK_ERR(__wasi_path_create_directory(kdir, "x"), ROFS);
    CHECK_ERR(try_open(kdir, 0, "f", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ), ROFS);
    CHECK_ERR(__wasi_fd_filestat_set_times(kdir, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), ROFS);
    CHECK(__wasi_fd_close(kdir) == 0);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "escape") == 0)
        return escape();
    if (strcmp(mode, "readonly") == 0)
        return readonly();
    return 2;
}
