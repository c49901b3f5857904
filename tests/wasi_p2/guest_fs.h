/* guest_fs.h — wasi:filesystem@0.2.3 for the C guests of tests/wasi_p2/
 * (after guest_p2.h): the imports with their canonical ABI by hand, and
 * small helpers that print what a call answered.
 *
 * Layouts used below (return areas): result<_, error-code> is {u8 tag,
 * u8 code}; result<own<T>, error-code> {u8 tag; u32 handle-or-code @4};
 * result<filesize, error-code> {u8 tag; u64 @8}; descriptor-stat is
 * {u8 type; u64 link-count @8; u64 size @16; 3 × option<datetime> (24
 * bytes each) @24, @48, @72}, after a result's tag at offset 8. */
#ifndef GUEST_FS_H
#define GUEST_FS_H

#include "guest_p2.h"

#define FS "wasi:filesystem/types@0.2.3"

/* path-flags, open-flags, descriptor-flags */
enum { PF_FOLLOW = 1 };
enum { OF_CREATE = 1, OF_DIRECTORY = 2, OF_EXCLUSIVE = 4, OF_TRUNCATE = 8 };
enum { DF_READ = 1, DF_WRITE = 2, DF_MUTATE = 32 };

static const char *const fs_codes[] = {
    "access", "would-block", "already", "bad-descriptor", "busy", "deadlock", "quota", "exist",
    "file-too-large", "illegal-byte-sequence", "in-progress", "interrupted", "invalid", "io",
    "is-directory", "loop", "too-many-links", "message-size", "name-too-long", "no-device",
    "no-entry", "no-lock", "insufficient-memory", "insufficient-space", "not-directory",
    "not-empty", "not-recoverable", "unsupported", "no-tty", "no-such-device", "overflow",
    "not-permitted", "pipe", "read-only", "invalid-seek", "text-file-busy", "cross-device",
};
static const char *const fs_types[] = { "unknown", "block-device", "character-device", "directory",
                                        "fifo", "symbolic-link", "regular-file", "socket" };

P2_IMPORT("wasi:filesystem/preopens@0.2.3", "get-directories") void fs_get_directories(void *ret);
P2_IMPORT(FS, "[method]descriptor.open-at")
void fs_open_at(int32_t self, int32_t pf, const char *p, size_t n, int32_t of, int32_t df, void *ret);
P2_IMPORT(FS, "[method]descriptor.read")
void fs_read(int32_t self, uint64_t len, uint64_t off, void *ret);
P2_IMPORT(FS, "[method]descriptor.write")
void fs_write(int32_t self, const void *p, size_t n, uint64_t off, void *ret);
P2_IMPORT(FS, "[method]descriptor.stat") void fs_stat(int32_t self, void *ret);
P2_IMPORT(FS, "[method]descriptor.stat-at")
void fs_stat_at(int32_t self, int32_t pf, const char *p, size_t n, void *ret);
P2_IMPORT(FS, "[method]descriptor.read-directory") void fs_read_directory(int32_t self, void *ret);
P2_IMPORT(FS, "[method]directory-entry-stream.read-directory-entry")
void fs_read_directory_entry(int32_t self, void *ret);
P2_IMPORT(FS, "[method]descriptor.create-directory-at")
void fs_create_directory_at(int32_t self, const char *p, size_t n, void *ret);
P2_IMPORT(FS, "[method]descriptor.remove-directory-at")
void fs_remove_directory_at(int32_t self, const char *p, size_t n, void *ret);
P2_IMPORT(FS, "[method]descriptor.unlink-file-at")
void fs_unlink_file_at(int32_t self, const char *p, size_t n, void *ret);
P2_IMPORT(FS, "[method]descriptor.rename-at")
void fs_rename_at(int32_t self, const char *p, size_t n, int32_t to, const char *q, size_t m,
                  void *ret);
P2_IMPORT(FS, "[method]descriptor.link-at")
void fs_link_at(int32_t self, int32_t pf, const char *p, size_t n, int32_t to, const char *q,
                size_t m, void *ret);
P2_IMPORT(FS, "[method]descriptor.symlink-at")
void fs_symlink_at(int32_t self, const char *p, size_t n, const char *q, size_t m, void *ret);
P2_IMPORT(FS, "[method]descriptor.readlink-at")
void fs_readlink_at(int32_t self, const char *p, size_t n, void *ret);
P2_IMPORT(FS, "[method]descriptor.set-size") void fs_set_size(int32_t self, uint64_t size, void *ret);
P2_IMPORT(FS, "[method]descriptor.set-times")
void fs_set_times(int32_t self, int32_t at, int64_t as, int32_t an, int32_t mt, int64_t ms,
                  int32_t mn, void *ret);
P2_IMPORT(FS, "[method]descriptor.set-times-at")
void fs_set_times_at(int32_t self, int32_t pf, const char *p, size_t n, int32_t at, int64_t as,
                     int32_t an, int32_t mt, int64_t ms, int32_t mn, void *ret);
P2_IMPORT(FS, "[method]descriptor.read-via-stream")
void fs_read_via_stream(int32_t self, uint64_t off, void *ret);
P2_IMPORT(FS, "[method]descriptor.write-via-stream")
void fs_write_via_stream(int32_t self, uint64_t off, void *ret);
P2_IMPORT(FS, "[method]descriptor.append-via-stream") void fs_append_via_stream(int32_t self, void *ret);
P2_IMPORT(FS, "[method]descriptor.get-flags") void fs_get_flags(int32_t self, void *ret);
P2_IMPORT(FS, "[method]descriptor.get-type") void fs_get_type(int32_t self, void *ret);
P2_IMPORT(FS, "[method]descriptor.metadata-hash") void fs_metadata_hash(int32_t self, void *ret);
P2_IMPORT(FS, "[method]descriptor.is-same-object") int32_t fs_is_same_object(int32_t a, int32_t b);
P2_IMPORT(FS, "filesystem-error-code") void fs_error_code(int32_t err, void *ret);
P2_IMPORT(FS, "[resource-drop]descriptor") void fs_drop(int32_t self);
P2_IMPORT(FS, "[resource-drop]directory-entry-stream") void fs_drop_dirstream(int32_t self);
P2_IMPORT("wasi:io/streams@0.2.3", "[method]input-stream.blocking-read")
void io_blocking_read(int32_t self, uint64_t len, void *ret);
P2_IMPORT("wasi:io/streams@0.2.3", "[resource-drop]input-stream") void io_drop_input(int32_t self);
P2_IMPORT("wasi:io/error@0.2.3", "[resource-drop]error") void io_drop_error(int32_t self);

/* A return area, aligned for any result. */
typedef union {
    uint8_t b[104];
    uint32_t w[26];
    uint64_t d[13];
} fs_ret;

#define STR(s) s, p2_strlen(s)

/* The preopen called `name`, or -1. */
static __attribute__((unused)) int32_t fs_preopen(const char *name)
{
    uint32_t ret[2];
    fs_get_directories(ret);
    const uint32_t *list = (const uint32_t *)(size_t)ret[0];
    for (uint32_t i = 0; i < ret[1]; i++)
        if (p2_streq((const char *)(size_t)list[3 * i + 1], list[3 * i + 2], name))
            return (int32_t)list[3 * i];
    return -1;
}

/* Prints "what: ok" or "what: CODE" for a result<_, error-code>-shaped
 * answer (tag @0, code @code_at); returns whether it was ok. */
static __attribute__((unused)) bool fs_report(const char *what, const fs_ret *r, int code_at)
{
    p2_print(what);
    p2_print(": ");
    bool ok = r->b[0] == 0;
    p2_print(ok ? "ok" : fs_codes[r->b[code_at]]);
    p2_print("\n");
    return ok;
}

/* open-at; prints only a failure (with what); the handle, or -1. */
static __attribute__((unused)) int32_t fs_open(const char *what, int32_t dir, int32_t pf, const char *path, int32_t of,
                       int32_t df)
{
    fs_ret r;
    fs_open_at(dir, pf, STR(path), of, df, &r);
    if (r.b[0] != 0) {
        fs_report(what, &r, 4);
        return -1;
    }
    return (int32_t)r.w[1];
}

/* Prints "what: CODE" or "what: ok" for an open-at (the descriptor is dropped). */
static __attribute__((unused)) void fs_try_open(const char *what, int32_t dir, int32_t pf, const char *path, int32_t of,
                        int32_t df)
{
    fs_ret r;
    fs_open_at(dir, pf, STR(path), of, df, &r);
    fs_report(what, &r, 4);
    if (r.b[0] == 0)
        fs_drop((int32_t)r.w[1]);
}

#endif
