/* dirstream.c — wasi:filesystem's read-directory and its
 * directory-entry-stream: a rep (WASI_P2_DIRSTREAM) holding a host
 * directory stream of its own (a fresh open of the directory, so two
 * streams never share a position), read one entry per call without "."
 * and ".." (as wasmtime), each with its descriptor-type (from the entry,
 * or an lstat when the filesystem does not say). A name that is not UTF-8
 * is illegal-byte-sequence. Freed when the guest drops the stream. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wasi/p2/filesystem.h"

/* read-directory: func() -> result<own<directory-entry-stream>, error-code> */
bool wasi_p2_fs_read_directory(void *user, const host_value *args, size_t nargs,
                               host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2 *w = user;
    wasi_p2_res *d = wasi_p2_fs_get(w, &args[0], err, errlen);
    struct stat st;
    if (d == NULL)
        return false;
    if (fstat(d->fd, &st) != 0)
        return wasi_p2_fs_errno(result, errno, err, errlen);
    if (!S_ISDIR(st.st_mode))
        return wasi_p2_fs_err(result, WASI_P2_FS_NOT_DIRECTORY, err, errlen);
    if (!(d->dflags & WASI_P2_FS_READ))
        return wasi_p2_fs_err(result, WASI_P2_FS_NOT_PERMITTED, err, errlen);
    int fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (dir == NULL) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return wasi_p2_fs_errno(result, e, err, errlen);
    }
    wasi_p2_res r = { .kind = WASI_P2_DIRSTREAM, .fd = -1, .dir = dir };
    host_value h;
    if (!wasi_p2_res_add(w, &r, &h, err, errlen))   /* closes dir on failure */
        return false;
    return wasi_p2_fs_ok(result, h, err, errlen);
}

static const char *type_of(DIR *dir, const struct dirent *e)
{
    switch (e->d_type) {
    case DT_REG: return "regular-file";
    case DT_DIR: return "directory";
    case DT_LNK: return "symbolic-link";
    case DT_CHR: return "character-device";
    case DT_BLK: return "block-device";
    case DT_FIFO: return "fifo";
    case DT_SOCK: return "socket";
    default: {
        struct stat st;
        if (fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            return wasi_p2_fs_type_name(st.st_mode);
        return "unknown";
    }
    }
}

/* Whether s is well-formed UTF-8 (no overlongs, surrogates or code points
 * above U+10FFFF). */
static bool utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i], len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
                                              : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (len == 0 || i + len > n)
            return false;
        unsigned cp = len == 1 ? c : c & (0x7f >> len);
        for (unsigned k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        static const unsigned min[] = { 0, 0, 0x80, 0x800, 0x10000 };
        if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

/* read-directory-entry: func() -> result<option<directory-entry>, error-code> */
bool wasi_p2_fs_read_directory_entry(void *user, const host_value *args, size_t nargs,
                                     host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *r = wasi_p2_res_get(user, &args[0], WASI_P2_DIRSTREAM, err, errlen);
    if (r == NULL)
        return false;
    struct dirent *e;
    do {
        errno = 0;
        e = readdir(r->dir);
    } while (e != NULL && (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")));
    if (e == NULL)
        return errno != 0 ? wasi_p2_fs_errno(result, errno, err, errlen)
                          : wasi_p2_fs_ok(result, host_nil(), err, errlen);
    size_t n = strlen(e->d_name);
    if (!utf8((const unsigned char *)e->d_name, n))
        return wasi_p2_fs_err(result, WASI_P2_FS_ILLEGAL_BYTE_SEQUENCE, err, errlen);
    const char *type = type_of(r->dir, e), *why = "out of memory";
    host_value entry = host_map();
    if (!host_map_set(&entry, "type", 4, host_string(type, strlen(type)), &why) ||
        !host_map_set(&entry, "name", 4, host_string(e->d_name, n), &why)) {
        host_value_free(&entry);
        snprintf(err, errlen, "%s", why);
        return false;
    }
    return wasi_p2_fs_ok(result, entry, err, errlen);
}
