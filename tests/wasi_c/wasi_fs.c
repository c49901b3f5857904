/* wasi_fs.c — a guest for the filesystem calls, run with a scratch
 * directory mounted at "/" (fd 3). argv[1] picks the part: "files" (files,
 * directories, links, metadata through wasi-libc), "raw" (rights, readdir
 * cookies, fdstat, renumber, poll on files, errnos through __wasi_*).
 * Exits with the failing line's number when a CHECK fails. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    CHECK(fputs(text, f) >= 0);
    CHECK(fclose(f) == 0);
}

static int files(void)
{
    struct stat st, lst;
    char buf[64];

    CHECK(mkdir("/d", 0777) == 0);
    CHECK(mkdir("/d", 0777) == -1 && errno == EEXIST);
    put_file("/d/file.txt", "hello world");
    CHECK(stat("/d/file.txt", &st) == 0 && st.st_size == 11 && S_ISREG(st.st_mode));

    int fd = open("/d/file.txt", O_RDWR);
    CHECK(fd >= 0);
    CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "world", 5) == 0);
    CHECK(pwrite(fd, "W", 1, 6) == 1);
    CHECK(lseek(fd, 0, SEEK_END) == 11);
    CHECK(write(fd, "!", 1) == 1);
    CHECK(lseek(fd, 0, SEEK_CUR) == 12);
    CHECK(ftruncate(fd, 5) == 0);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 5);
    CHECK(close(fd) == 0);

    CHECK(rename("/d/file.txt", "/d/moved.txt") == 0);
    CHECK(access("/d/file.txt", F_OK) == -1 && errno == ENOENT);
    CHECK(symlink("moved.txt", "/d/link") == 0);
    ssize_t n = readlink("/d/link", buf, sizeof buf);
    CHECK(n == 9 && memcmp(buf, "moved.txt", 9) == 0);
    CHECK(stat("/d/link", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5);
    CHECK(lstat("/d/link", &lst) == 0 && S_ISLNK(lst.st_mode));
    CHECK(link("/d/moved.txt", "/d/hard") == 0);
    CHECK(stat("/d/hard", &st) == 0 && st.st_nlink == 2);

    int entries = 0;
    DIR *dir = opendir("/d");
    CHECK(dir != NULL);
    for (struct dirent *d; (d = readdir(dir)) != NULL;)
        entries++;
    CHECK(closedir(dir) == 0);
    CHECK(entries == 5);   /* ".", "..", moved.txt, link, hard */

    struct timespec times[2] = { { 1000, 5 }, { 2000, 7 } };
    CHECK(utimensat(AT_FDCWD, "/d/moved.txt", times, 0) == 0);
    CHECK(stat("/d/moved.txt", &st) == 0 && st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 7);

    CHECK(rmdir("/d") == -1 && errno == ENOTEMPTY);
    CHECK(unlink("/d/link") == 0 && unlink("/d/hard") == 0 && unlink("/d/moved.txt") == 0);
    CHECK(unlink("/d") == -1 && errno == EISDIR);
    CHECK(rmdir("/d") == 0);
    CHECK(open("/missing", O_RDONLY) == -1 && errno == ENOENT);
    return 0;
}

/* Reads the directory at cookie with a buffer of `len` bytes; counts whole
 * entries and sets *next to the last whole one's d_next. */
static int read_entries(__wasi_fd_t dir, __wasi_dircookie_t cookie, size_t len,
                        __wasi_dircookie_t *next, __wasi_size_t *used)
{
    static uint8_t buf[4096];
    CHECK(__wasi_fd_readdir(dir, buf, len, cookie, used) == 0);
    int count = 0;
    size_t at = 0;
    while (at + sizeof(__wasi_dirent_t) <= *used) {
        __wasi_dirent_t d;
        memcpy(&d, buf + at, sizeof d);
        if (at + sizeof d + d.d_namlen > *used)
            break;
        count++;
        *next = d.d_next;
        at += sizeof d + d.d_namlen;
    }
    return count;
}

static int raw(void)
{
    __wasi_errno_t err;
    __wasi_fdstat_t st;
    __wasi_size_t n;

    CHECK(__wasi_fd_fdstat_get(3, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_DIRECTORY);
    CHECK((st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN) && !(st.fs_rights_base & __WASI_RIGHTS_FD_READ));
    CHECK(st.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE);

    /* A file opened for reading only has FD_READ only (narrowed to the asked). */
    __wasi_fd_t fd;
    CHECK(__wasi_path_open(3, 0, "r.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &fd) == 0);
    CHECK(__wasi_fd_fdstat_get(fd, &st) == 0 && st.fs_rights_base == __WASI_RIGHTS_FD_READ);
    CHECK(st.fs_filetype == __WASI_FILETYPE_REGULAR_FILE);
    __wasi_ciovec_t ciov = { (const uint8_t *)"x", 1 };
    CHECK_ERR(__wasi_fd_write(fd, &ciov, 1, &n), __WASI_ERRNO_NOTCAPABLE);
    __wasi_filesize_t where;
    CHECK_ERR(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &where), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERR(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0),
              __WASI_ERRNO_NOTCAPABLE);
    CHECK(__wasi_fd_fdstat_set_rights(fd, 0, 0) == 0);
    __wasi_iovec_t iov = { (uint8_t *)&n, 1 };
    CHECK_ERR(__wasi_fd_read(fd, &iov, 1, &n), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERR(__wasi_path_open(fd, 0, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR);
    CHECK(__wasi_fd_close(fd) == 0);
    CHECK_ERR(__wasi_fd_close(fd), __WASI_ERRNO_BADF);

    /* Create, exclusive, directory, truncation. */
    fd = open_at(3, "w.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, &err);
    CHECK(err == 0);
    ciov = (__wasi_ciovec_t){ (const uint8_t *)"0123456789", 10 };
    CHECK(__wasi_fd_write(fd, &ciov, 1, &n) == 0 && n == 10);
    open_at(3, "w.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, &err);
    CHECK_ERR(err, __WASI_ERRNO_EXIST);
    open_at(3, "w.txt", __WASI_OFLAGS_DIRECTORY, &err);
    CHECK_ERR(err, __WASI_ERRNO_NOTDIR);
    open_at(3, "w.txt/", 0, &err);
    CHECK_ERR(err, __WASI_ERRNO_NOTDIR);

    /* A regular file is always ready: poll says so with the bytes left. */
    __wasi_filesize_t pos;
    CHECK(__wasi_fd_seek(fd, 4, __WASI_WHENCE_SET, &pos) == 0 && pos == 4);
    CHECK(__wasi_fd_tell(fd, &pos) == 0 && pos == 4);
    __wasi_subscription_t sub = { .userdata = 42, .u.tag = __WASI_EVENTTYPE_FD_READ };
    sub.u.u.fd_read.file_descriptor = fd;
    __wasi_event_t ev;
    CHECK(__wasi_poll_oneoff(&sub, &ev, 1, &n) == 0 && n == 1);
    CHECK(ev.userdata == 42 && ev.error == 0 && ev.fd_readwrite.nbytes == 6);
    sub.u.u.fd_read.file_descriptor = 77;
    CHECK(__wasi_poll_oneoff(&sub, &ev, 1, &n) == 0 && n == 1 && ev.error == __WASI_ERRNO_BADF);

    /* Renumber over another descriptor; the source is gone after. */
    __wasi_fd_t other = open_at(3, "w.txt", 0, &err);
    CHECK(err == 0);
    CHECK(__wasi_fd_renumber(fd, other) == 0);
    CHECK_ERR(__wasi_fd_close(fd), __WASI_ERRNO_BADF);
    CHECK(__wasi_fd_tell(other, &pos) == 0 && pos == 4);
    CHECK_ERR(__wasi_fd_renumber(other, 99), __WASI_ERRNO_BADF);
    CHECK(__wasi_fd_filestat_set_size(other, 3) == 0);
    __wasi_filestat_t fst;
    CHECK(__wasi_fd_filestat_get(other, &fst) == 0 && fst.size == 3);
    CHECK_ERR(__wasi_fd_filestat_set_times(other, 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
              __WASI_ERRNO_INVAL);
    CHECK(__wasi_fd_close(other) == 0);

    /* Directory entries: ".", "..", then 20 files, read with a small buffer. */
    CHECK(__wasi_path_create_directory(3, "many") == 0);
    __wasi_fd_t dir = open_at(3, "many", __WASI_OFLAGS_DIRECTORY, &err);
    CHECK(err == 0);
    for (int i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%02d", i);
        CHECK(__wasi_fd_close(open_at(dir, name, __WASI_OFLAGS_CREAT, &err)) == 0 && err == 0);
    }
    int total = 0;
    __wasi_dircookie_t cookie = 0, next = 0;
    for (int rounds = 0; rounds < 100; rounds++) {
        int got = read_entries(dir, cookie, 60, &next, &n);
        total += got;
        if (n < 60)
            break;
        CHECK(got > 0);
        cookie = next;
    }
    CHECK(total == 22);
    CHECK(read_entries(dir, 0, 4096, &next, &n) == 22 && n < 4096);
    CHECK(read_entries(dir, 21, 4096, &next, &n) == 1);
    CHECK(read_entries(dir, 22, 4096, &next, &n) == 0 && n == 0);
    CHECK(read_entries(dir, 1000, 4096, &next, &n) == 0 && n == 0);
    CHECK(read_entries(dir, 0, 10, &next, &n) == 0 && n == 10);

    /* Paths relative to a directory descriptor stay beneath it. */
    open_at(dir, "../w.txt", 0, &err);
    CHECK(err == __WASI_ERRNO_NOTCAPABLE);
    __wasi_filestat_t fs;
    CHECK(__wasi_path_filestat_get(dir, 0, "f00", &fs) == 0 && fs.filetype == __WASI_FILETYPE_REGULAR_FILE);
    CHECK(__wasi_path_filestat_get(3, 0, "many/./f01", &fs) == 0);
    CHECK(__wasi_path_filestat_get(3, 0, "many/../many/f01", &fs) == 0);
    CHECK_ERR(__wasi_path_remove_directory(3, "many"), __WASI_ERRNO_NOTEMPTY);
    CHECK_ERR(__wasi_path_remove_directory(3, "."), __WASI_ERRNO_INVAL);
    CHECK_ERR(__wasi_path_unlink_file(3, "many/"), __WASI_ERRNO_ISDIR);
    CHECK_ERR(__wasi_path_unlink_file(3, "w.txt/"), __WASI_ERRNO_NOTDIR);
    CHECK_ERR(__wasi_path_open(3, 0, "", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOENT);
    CHECK(__wasi_fd_close(dir) == 0);

    /* Symlinks: to a file, dangling, looping; readlink cuts short. */
    CHECK(__wasi_path_symlink("w.txt", 3, "ln") == 0);
    CHECK(__wasi_path_symlink("nowhere", 3, "dangling") == 0);
    CHECK(__wasi_path_symlink("loop", 3, "loop") == 0);
    CHECK_ERR(__wasi_path_symlink("w.txt", 3, "ln"), __WASI_ERRNO_EXIST);
    uint8_t lbuf[8];
    CHECK(__wasi_path_readlink(3, "ln", lbuf, 3, &n) == 0 && n == 3 && memcmp(lbuf, "w.t", 3) == 0);
    CHECK(__wasi_path_filestat_get(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "ln", &fs) == 0);
    CHECK(fs.filetype == __WASI_FILETYPE_REGULAR_FILE && fs.size == 3);
    CHECK(__wasi_path_filestat_get(3, 0, "ln", &fs) == 0 && fs.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
    CHECK_ERR(__wasi_path_open(3, 0, "ln", 0, 0, 0, 0, &fd), __WASI_ERRNO_LOOP);
    CHECK_ERR(__wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dangling", 0, 0, 0, 0, &fd),
              __WASI_ERRNO_NOENT);
    CHECK_ERR(__wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "loop", 0, 0, 0, 0, &fd),
              __WASI_ERRNO_LOOP);
    CHECK(__wasi_path_unlink_file(3, "ln") == 0 && __wasi_path_unlink_file(3, "dangling") == 0);
    CHECK(__wasi_path_unlink_file(3, "loop") == 0 && __wasi_path_unlink_file(3, "w.txt") == 0);
    CHECK(__wasi_path_unlink_file(3, "r.txt") == 0);

    /* The preopen is fd 3, named "/", and nothing else is one. */
    __wasi_prestat_t pre;
    CHECK(__wasi_fd_prestat_get(3, &pre) == 0 && pre.tag == __WASI_PREOPENTYPE_DIR);
    CHECK(pre.u.dir.pr_name_len == 1);
    uint8_t name[4];
    CHECK_ERR(__wasi_fd_prestat_dir_name(3, name, 0), __WASI_ERRNO_NAMETOOLONG);
    CHECK(__wasi_fd_prestat_dir_name(3, name, 1) == 0 && name[0] == '/');
    CHECK_ERR(__wasi_fd_prestat_get(1, &pre), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_fd_prestat_get(4, &pre), __WASI_ERRNO_BADF);
    CHECK_ERR(__wasi_sock_shutdown(1, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
    CHECK_ERR(__wasi_sock_shutdown(99, __WASI_SDFLAGS_WR), __WASI_ERRNO_BADF);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "files") == 0)
        return files();
    if (strcmp(mode, "raw") == 0)
        return raw();
    return 2;
}
