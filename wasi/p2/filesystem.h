/* filesystem.h — what the wasi:filesystem files of wasi/p2/ share (not
 * public): descriptor-flags bits, the error-code enum, the rights rule of
 * open-at, and the helpers every function uses to take a descriptor and
 * answer with result<_, error-code>.
 *
 *   fs_error.c         errno → error-code, the rights rule, results
 *   filesystem.c       preopens, descriptor functions that take no path,
 *                      filesystem-error-code, file streams
 *   filesystem_path.c  the *-at functions (paths confined by sys/resolve.h)
 *   dirstream.c        read-directory, directory-entry-stream
 *
 * A descriptor is a rep (WASI_P2_DESCRIPTOR) owning a host descriptor,
 * with its descriptor-flags (dflags: the rights it was opened with) and
 * whether it lies in a read-only mount. */
#ifndef WIPPY_WASI_P2_FILESYSTEM_H
#define WIPPY_WASI_P2_FILESYSTEM_H

#include <sys/stat.h>

#include "wasi/p2/internal.h"

/* descriptor-flags, in WIT order (bit i = flag i). */
enum {
    WASI_P2_FS_READ = 1, WASI_P2_FS_WRITE = 2, WASI_P2_FS_FILE_SYNC = 4,
    WASI_P2_FS_DATA_SYNC = 8, WASI_P2_FS_REQUESTED_SYNC = 16, WASI_P2_FS_MUTATE_DIR = 32
};

/* error-code, in WIT order. */
enum {
    WASI_P2_FS_ACCESS, WASI_P2_FS_WOULD_BLOCK, WASI_P2_FS_ALREADY, WASI_P2_FS_BAD_DESCRIPTOR,
    WASI_P2_FS_BUSY, WASI_P2_FS_DEADLOCK, WASI_P2_FS_QUOTA, WASI_P2_FS_EXIST,
    WASI_P2_FS_FILE_TOO_LARGE, WASI_P2_FS_ILLEGAL_BYTE_SEQUENCE, WASI_P2_FS_IN_PROGRESS,
    WASI_P2_FS_INTERRUPTED, WASI_P2_FS_INVALID, WASI_P2_FS_IO, WASI_P2_FS_IS_DIRECTORY,
    WASI_P2_FS_LOOP, WASI_P2_FS_TOO_MANY_LINKS, WASI_P2_FS_MESSAGE_SIZE,
    WASI_P2_FS_NAME_TOO_LONG, WASI_P2_FS_NO_DEVICE, WASI_P2_FS_NO_ENTRY, WASI_P2_FS_NO_LOCK,
    WASI_P2_FS_INSUFFICIENT_MEMORY, WASI_P2_FS_INSUFFICIENT_SPACE, WASI_P2_FS_NOT_DIRECTORY,
    WASI_P2_FS_NOT_EMPTY, WASI_P2_FS_NOT_RECOVERABLE, WASI_P2_FS_UNSUPPORTED,
    WASI_P2_FS_NO_TTY, WASI_P2_FS_NO_SUCH_DEVICE, WASI_P2_FS_OVERFLOW,
    WASI_P2_FS_NOT_PERMITTED, WASI_P2_FS_PIPE, WASI_P2_FS_READ_ONLY, WASI_P2_FS_INVALID_SEEK,
    WASI_P2_FS_TEXT_FILE_BUSY, WASI_P2_FS_CROSS_DEVICE, WASI_P2_FS_NCODES
};

/* Bytes one descriptor.read returns at most (a longer length is cut: a
 * guest's read of 2^32 bytes allocates no more than this). */
#define WASI_P2_FS_READ_MAX (1u << 20)

/* The error-code of a host errno (anything else: io). EXDEV is
 * cross-device here; a path that leaves its mount is not-permitted, which
 * the path functions answer themselves. */
int wasi_p2_fs_code(int host_errno);
/* The WIT name of an error-code ("no-entry"); NULL when out of range. */
const char *wasi_p2_fs_code_name(int code);

/* The rights rule of open-at: a child gets no more than its parent
 * directory allows. Asking read needs the parent's read, asking write its
 * mutate-directory (else WASI_P2_FS_NOT_PERMITTED). A file gets the flags
 * asked for (never mutate-directory); a directory gets those and inherits
 * its parent's read and mutate-directory, whatever it asked (as wasmtime's
 * directory permissions: the preview 1 adapter never asks for
 * mutate-directory). Returns -1 and sets *child, or the error-code. */
int wasi_p2_fs_child_rights(unsigned parent, unsigned requested, bool is_dir, unsigned *child);

/* The descriptor a borrow names (traps with "unknown descriptor 7"). */
wasi_p2_res *wasi_p2_fs_get(wasi_p2 *w, const host_value *rep, char *err, size_t errlen);

/* result = {ok = v} (v taken over) / {err = "name"}; false (out of
 * memory) with err set. */
bool wasi_p2_fs_ok(host_value *result, host_value v, char *err, size_t errlen);
bool wasi_p2_fs_err(host_value *result, int code, char *err, size_t errlen);
/* result = {err = error-code of host errno e}, or {ok = true} when e is 0. */
bool wasi_p2_fs_errno(host_value *result, int e, char *err, size_t errlen);

/* The descriptor-type name of a host file type ("regular-file"). */
const char *wasi_p2_fs_type_name(mode_t mode);
/* descriptor-stat as a record; false when out of memory. */
bool wasi_p2_fs_stat_value(const struct stat *st, host_value *out);
/* metadata-hash-value of a file (its device and inode, mixed). */
bool wasi_p2_fs_hash_value(const struct stat *st, host_value *out);
/* A datetime record {seconds, nanoseconds}. */
host_value wasi_p2_fs_datetime(const struct timespec *ts);

/* A new descriptor rep owning host descriptor fd (closed on failure). */
bool wasi_p2_fs_new(wasi_p2 *w, int fd, unsigned dflags, bool read_only, host_value *handle,
                    char *err, size_t errlen);

/* new-timestamp (a variant: no-change, now, timestamp(datetime)) as a
 * timespec for utimensat; false for a malformed value. */
bool wasi_p2_fs_timestamp(const host_value *v, struct timespec *ts);

/* dirstream.c: [method]descriptor.read-directory and
 * [method]directory-entry-stream.read-directory-entry (host functions). */
bool wasi_p2_fs_read_directory(void *user, const host_value *args, size_t nargs,
                               host_value *result, char *err, size_t errlen);
bool wasi_p2_fs_read_directory_entry(void *user, const host_value *args, size_t nargs,
                                     host_value *result, char *err, size_t errlen);

#endif
