/* readdir.c — fd_readdir. A directory reads as ".", "..", then the host's
 * entries (without their own "." and ".."); an entry's cookie is its
 * position in that sequence and its d_next the position after it. The
 * host stream is kept in the descriptor between calls, so reading on from
 * the last d_next costs nothing; any other cookie rewinds and skips. A
 * reply fills the buffer, cutting the last entry short when it does not
 * fit (the guest asks again from that entry's cookie). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "wasi/internal.h"

#define DIRENT_SIZE 24   /* d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20 */

typedef struct {
    const char *name;
    uint64_t ino;
    uint8_t type;
} entry;

static uint8_t type_of_dirent(DIR *dir, const struct dirent *d)
{
    switch (d->d_type) {
    case DT_DIR: return WASI_FILETYPE_DIRECTORY;
    case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
    case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
    case DT_UNKNOWN: {
        struct stat st;
        if (fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            return wasi_filetype_of(-1, &st);
        return WASI_FILETYPE_UNKNOWN;
    }
    default: return WASI_FILETYPE_UNKNOWN;
    }
}

/* The next host entry other than "." and ".."; *pos is where it starts
 * (for seekdir). NULL at the end. */
static struct dirent *next_host_entry(DIR *dir, long *pos)
{
    for (;;) {
        *pos = telldir(dir);
        struct dirent *d = readdir(dir);
        if (d == NULL || (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0))
            return d;
    }
}

/* Puts e's stream where the entry with `cookie` (>= 2) comes next. False
 * when the directory has fewer entries (or cannot be read). */
static bool seek_stream(wasi_fd *e, uint64_t cookie)
{
    if (e->dir == NULL) {
        int fd = openat(e->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return false;
        if ((e->dir = fdopendir(fd)) == NULL) {
            close(fd);
            return false;
        }
        e->dir_cookie = 2;
    }
    /* Starting over reads the directory afresh. */
    if (cookie == 2 || cookie < e->dir_cookie) {
        rewinddir(e->dir);
        e->dir_cookie = 2;
    }
    long pos;
    while (e->dir_cookie < cookie) {
        if (next_host_entry(e->dir, &pos) == NULL)
            return false;
        e->dir_cookie++;
    }
    return true;
}

/* Writes one dirent and as much of its name as fits. Returns the bytes
 * written; the entry fitted whole when that is DIRENT_SIZE + name length. */
static size_t put_entry(uint8_t *out, size_t room, uint64_t next, const entry *en)
{
    uint8_t head[DIRENT_SIZE];
    size_t namlen = strlen(en->name);
    memset(head, 0, sizeof head);
    wasi_store_u64(head, next);
    wasi_store_u64(head + 8, en->ino);
    wasi_store_u32(head + 16, (uint32_t)namlen);
    head[20] = en->type;
    size_t n = room < DIRENT_SIZE ? room : DIRENT_SIZE;
    memcpy(out, head, n);
    size_t rest = room - n < namlen ? room - n : namlen;
    memcpy(out + n, en->name, rest);
    return n + rest;
}

uint32_t wasi_op_fd_readdir(wasi_call *c)
{
    uint32_t err, len = ARG32(c, 2);
    uint64_t cookie = ARG64(c, 3);
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), WASI_R_FD_READDIR, &err);
    if (e == NULL)
        return err;
    if (e->type != WASI_FILETYPE_DIRECTORY || e->host < 0)
        return WASI_ENOTDIR;
    uint8_t *buf = wasi_mem(c->mem, ARG32(c, 1), len);
    uint8_t *used = wasi_mem(c->mem, ARG32(c, 4), 4);
    if (buf == NULL || used == NULL)
        return WASI_EFAULT;

    size_t at = 0;
    while (at < len) {
        entry en;
        struct stat st;
        long pos = -1;
        if (cookie < 2) {
            bool self = cookie == 0;
            bool ok = self ? fstat(e->host, &st) == 0
                           : fstatat(e->host, "..", &st, AT_SYMLINK_NOFOLLOW) == 0;
            en = (entry){ self ? "." : "..", ok ? (uint64_t)st.st_ino : 0, WASI_FILETYPE_DIRECTORY };
        } else {
            if (!seek_stream(e, cookie))
                break;
            struct dirent *d = next_host_entry(e->dir, &pos);
            if (d == NULL)
                break;
            en = (entry){ d->d_name, (uint64_t)d->d_ino, type_of_dirent(e->dir, d) };
        }
        size_t whole = DIRENT_SIZE + strlen(en.name);
        size_t put = put_entry(buf + at, len - at, cookie + 1, &en);
        at += put;
        if (put < whole) {
            /* Cut short: the stream gives this entry again next time. A
             * 32-bit long cannot hold a 64-bit directory offset (glibc's
             * telldir on armhf under ext4 hashes), so there the stream is
             * rewound and skipped instead (the next call starts over). */
            if (pos >= 0 && sizeof(long) >= sizeof(uint64_t))
                seekdir(e->dir, pos);
            else if (cookie >= 2)
                e->dir_cookie = UINT64_MAX;
            break;
        }
        if (cookie >= 2)
            e->dir_cookie = cookie + 1;
        cookie++;
    }
    wasi_store_u32(used, (uint32_t)at);
    return WASI_ESUCCESS;
}
