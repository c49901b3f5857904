/* internal.h — what the files of wasi/ share: the preview 1 constants
 * (errno numbers, rights bits, filetypes, flags, as wasi_snapshot_preview1's
 * witx defines them), the context and its descriptor table, the shape of
 * an operation, and the helpers for guest memory, errnos and waiting.
 * Not part of the public API (that is wasi.h). */
#ifndef WIPPY_WASI_INTERNAL_H
#define WIPPY_WASI_INTERNAL_H

#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include "sys/resolve.h"
#include "vm/vm.h"
#include "wasi/wasi.h"

/* ---- errno (witx `errno`, u16) ---- */
enum {
    WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3,
    WASI_EADDRNOTAVAIL = 4, WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6, WASI_EALREADY = 7,
    WASI_EBADF = 8, WASI_EBADMSG = 9, WASI_EBUSY = 10, WASI_ECANCELED = 11,
    WASI_ECHILD = 12, WASI_ECONNABORTED = 13, WASI_ECONNREFUSED = 14, WASI_ECONNRESET = 15,
    WASI_EDEADLK = 16, WASI_EDESTADDRREQ = 17, WASI_EDOM = 18, WASI_EDQUOT = 19,
    WASI_EEXIST = 20, WASI_EFAULT = 21, WASI_EFBIG = 22, WASI_EHOSTUNREACH = 23,
    WASI_EIDRM = 24, WASI_EILSEQ = 25, WASI_EINPROGRESS = 26, WASI_EINTR = 27,
    WASI_EINVAL = 28, WASI_EIO = 29, WASI_EISCONN = 30, WASI_EISDIR = 31,
    WASI_ELOOP = 32, WASI_EMFILE = 33, WASI_EMLINK = 34, WASI_EMSGSIZE = 35,
    WASI_EMULTIHOP = 36, WASI_ENAMETOOLONG = 37, WASI_ENETDOWN = 38, WASI_ENETRESET = 39,
    WASI_ENETUNREACH = 40, WASI_ENFILE = 41, WASI_ENOBUFS = 42, WASI_ENODEV = 43,
    WASI_ENOENT = 44, WASI_ENOEXEC = 45, WASI_ENOLCK = 46, WASI_ENOLINK = 47,
    WASI_ENOMEM = 48, WASI_ENOMSG = 49, WASI_ENOPROTOOPT = 50, WASI_ENOSPC = 51,
    WASI_ENOSYS = 52, WASI_ENOTCONN = 53, WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55,
    WASI_ENOTRECOVERABLE = 56, WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58, WASI_ENOTTY = 59,
    WASI_ENXIO = 60, WASI_EOVERFLOW = 61, WASI_EOWNERDEAD = 62, WASI_EPERM = 63,
    WASI_EPIPE = 64, WASI_EPROTO = 65, WASI_EPROTONOSUPPORT = 66, WASI_EPROTOTYPE = 67,
    WASI_ERANGE = 68, WASI_EROFS = 69, WASI_ESPIPE = 70, WASI_ESRCH = 71,
    WASI_ESTALE = 72, WASI_ETIMEDOUT = 73, WASI_ETXTBSY = 74, WASI_EXDEV = 75,
    WASI_ENOTCAPABLE = 76
};

/* What an operation returns besides an errno (never seen by the guest). */
#define WASI_BLOCKED 0x10000u   /* would block: ctx->wait says on what */
#define WASI_TRAPPED 0x10001u   /* ends the call as a trap: ctx->trap says why */

/* ---- rights (witx `rights`, u64) ---- */
#define WASI_R_FD_DATASYNC            (1ull << 0)
#define WASI_R_FD_READ                (1ull << 1)
#define WASI_R_FD_SEEK                (1ull << 2)
#define WASI_R_FD_FDSTAT_SET_FLAGS    (1ull << 3)
#define WASI_R_FD_SYNC                (1ull << 4)
#define WASI_R_FD_TELL                (1ull << 5)
#define WASI_R_FD_WRITE               (1ull << 6)
#define WASI_R_FD_ADVISE              (1ull << 7)
#define WASI_R_FD_ALLOCATE            (1ull << 8)
#define WASI_R_PATH_CREATE_DIRECTORY  (1ull << 9)
#define WASI_R_PATH_CREATE_FILE       (1ull << 10)
#define WASI_R_PATH_LINK_SOURCE       (1ull << 11)
#define WASI_R_PATH_LINK_TARGET       (1ull << 12)
#define WASI_R_PATH_OPEN              (1ull << 13)
#define WASI_R_FD_READDIR             (1ull << 14)
#define WASI_R_PATH_READLINK          (1ull << 15)
#define WASI_R_PATH_RENAME_SOURCE     (1ull << 16)
#define WASI_R_PATH_RENAME_TARGET     (1ull << 17)
#define WASI_R_PATH_FILESTAT_GET      (1ull << 18)
#define WASI_R_PATH_FILESTAT_SET_SIZE (1ull << 19)
#define WASI_R_PATH_FILESTAT_SET_TIMES (1ull << 20)
#define WASI_R_FD_FILESTAT_GET        (1ull << 21)
#define WASI_R_FD_FILESTAT_SET_SIZE   (1ull << 22)
#define WASI_R_FD_FILESTAT_SET_TIMES  (1ull << 23)
#define WASI_R_PATH_SYMLINK           (1ull << 24)
#define WASI_R_PATH_REMOVE_DIRECTORY  (1ull << 25)
#define WASI_R_PATH_UNLINK_FILE       (1ull << 26)
#define WASI_R_POLL_FD_READWRITE      (1ull << 27)
#define WASI_R_SOCK_SHUTDOWN          (1ull << 28)
#define WASI_R_SOCK_ACCEPT            (1ull << 29)
#define WASI_R_ALL                    ((1ull << 30) - 1)

/* The most each kind of descriptor can hold (wasi-common's sets). */
#define WASI_RIGHTS_FILE (WASI_R_FD_DATASYNC | WASI_R_FD_READ | WASI_R_FD_SEEK | \
    WASI_R_FD_FDSTAT_SET_FLAGS | WASI_R_FD_SYNC | WASI_R_FD_TELL | WASI_R_FD_WRITE | \
    WASI_R_FD_ADVISE | WASI_R_FD_ALLOCATE | WASI_R_FD_FILESTAT_GET | \
    WASI_R_FD_FILESTAT_SET_SIZE | WASI_R_FD_FILESTAT_SET_TIMES | WASI_R_POLL_FD_READWRITE)
#define WASI_RIGHTS_DIR (WASI_R_FD_FDSTAT_SET_FLAGS | WASI_R_FD_SYNC | WASI_R_FD_ADVISE | \
    WASI_R_PATH_CREATE_DIRECTORY | WASI_R_PATH_CREATE_FILE | WASI_R_PATH_LINK_SOURCE | \
    WASI_R_PATH_LINK_TARGET | WASI_R_PATH_OPEN | WASI_R_FD_READDIR | WASI_R_PATH_READLINK | \
    WASI_R_PATH_RENAME_SOURCE | WASI_R_PATH_RENAME_TARGET | WASI_R_PATH_FILESTAT_GET | \
    WASI_R_PATH_FILESTAT_SET_SIZE | WASI_R_PATH_FILESTAT_SET_TIMES | WASI_R_FD_FILESTAT_GET | \
    WASI_R_FD_FILESTAT_SET_TIMES | WASI_R_PATH_SYMLINK | WASI_R_PATH_REMOVE_DIRECTORY | \
    WASI_R_PATH_UNLINK_FILE | WASI_R_POLL_FD_READWRITE)
#define WASI_RIGHTS_STREAM (WASI_R_FD_READ | WASI_R_FD_WRITE | WASI_R_FD_FDSTAT_SET_FLAGS | \
    WASI_R_FD_FILESTAT_GET | WASI_R_POLL_FD_READWRITE)
#define WASI_RIGHTS_SOCKET (WASI_RIGHTS_STREAM | WASI_R_SOCK_SHUTDOWN | WASI_R_SOCK_ACCEPT)

/* ---- filetype (u8), fdflags (u16), oflags (u16), lookupflags, fstflags ---- */
enum {
    WASI_FILETYPE_UNKNOWN = 0, WASI_FILETYPE_BLOCK_DEVICE = 1,
    WASI_FILETYPE_CHARACTER_DEVICE = 2, WASI_FILETYPE_DIRECTORY = 3,
    WASI_FILETYPE_REGULAR_FILE = 4, WASI_FILETYPE_SOCKET_DGRAM = 5,
    WASI_FILETYPE_SOCKET_STREAM = 6, WASI_FILETYPE_SYMBOLIC_LINK = 7
};
enum {
    WASI_FDFLAG_APPEND = 1, WASI_FDFLAG_DSYNC = 2, WASI_FDFLAG_NONBLOCK = 4,
    WASI_FDFLAG_RSYNC = 8, WASI_FDFLAG_SYNC = 16
};
enum { WASI_O_CREAT = 1, WASI_O_DIRECTORY = 2, WASI_O_EXCL = 4, WASI_O_TRUNC = 8 };
enum { WASI_LOOKUP_SYMLINK_FOLLOW = 1 };
enum { WASI_FST_ATIM = 1, WASI_FST_ATIM_NOW = 2, WASI_FST_MTIM = 4, WASI_FST_MTIM_NOW = 8 };
enum { WASI_WHENCE_SET = 0, WASI_WHENCE_CUR = 1, WASI_WHENCE_END = 2 };
enum {
    WASI_CLOCK_REALTIME = 0, WASI_CLOCK_MONOTONIC = 1,
    WASI_CLOCK_PROCESS_CPUTIME = 2, WASI_CLOCK_THREAD_CPUTIME = 3
};
enum { WASI_EVENT_CLOCK = 0, WASI_EVENT_FD_READ = 1, WASI_EVENT_FD_WRITE = 2 };
enum { WASI_SUBCLOCK_ABSTIME = 1 };
enum { WASI_EVENT_HANGUP = 1 };

/* ---- bounds on guest-controlled sizes ---- */
#define WASI_MAX_FDS       1024    /* open descriptors per context (EMFILE beyond) */
#define WASI_MAX_IOVS      1024    /* iovecs looked at per call (more: a short transfer) */
#define WASI_MAX_POLL_SUBS 4096    /* subscriptions per poll_oneoff (EINVAL beyond) */
#define WASI_MAX_ARGS      16      /* values a preview 1 function takes, at most 9 */
#define WASI_PATH_MAX      PATH_MAX /* bytes of a path argument, with its NUL */

/* ---- the context ---- */

/* One guest descriptor. */
typedef struct {
    bool open;
    int host;                   /* host descriptor; -1 for the null stream */
    uint8_t type;               /* WASI_FILETYPE_* */
    uint16_t fdflags;           /* WASI_FDFLAG_* as the guest set them */
    uint64_t base, inheriting;  /* rights */
    bool read_only;             /* inside a read-only mount: no mutation at all */
    bool can_block;             /* pipe, terminal or socket: check readiness first */
    bool shared;                /* stdio: the embedder's open file description, whose
                                   status flags are never changed */
    int mount;                  /* a preopen: index in ctx->mounts; -1 otherwise */
    DIR *dir;                   /* fd_readdir's stream, opened on first use */
    uint64_t dir_cookie;        /* the cookie of the entry dir is at */
} wasi_fd;

typedef struct {
    char *guest;                /* the guest path, as configured */
    bool read_only;
} wasi_mount_info;

typedef struct wasi_func wasi_func;

/* One linked function as the trampoline sees it (the host-function user pointer). */
typedef struct {
    wasi_ctx *ctx;
    const wasi_func *func;
} wasi_binding;

/* What a blocked call waits for. */
typedef struct {
    bool has_deadline;
    uint64_t deadline_ns;       /* CLOCK_MONOTONIC */
    struct pollfd *fds;
    size_t nfds, cap;
} wasi_waitset;

/* A call that returned VM_HOST_SUSPEND, to be finished by wasi_complete(). */
typedef struct {
    bool active;
    const wasi_func *func;
    vm_memory *mem;             /* the caller's memory object (its bytes may move) */
    vm_value args[WASI_MAX_ARGS];
    uint64_t start_ns;
} wasi_pending;

struct wasi_ctx {
    unsigned caps;
    bool suspend;
    char **args;                /* NULL-terminated copies */
    size_t nargs, args_bytes;   /* args_bytes: sum of lengths + NULs */
    char **env;
    size_t nenv, env_bytes;
    char *cwd;
    wasi_mount_info *mounts;
    size_t nmounts;
    wasi_fd *fds;
    uint32_t nfds;              /* entries allocated in fds */
    bool exited;
    uint32_t exit_code;
    char trap[64];              /* the message for WASI_TRAPPED */
    wasi_binding *bindings;
    wasi_waitset wait;
    wasi_pending pending;
};

/* ---- operations ---- */

/* One call being made (or finished by wasi_complete()). */
typedef struct {
    wasi_ctx *ctx;
    vm_memory *mem;             /* NULL when the caller has no memory */
    const vm_value *args;
    uint64_t start_ns;          /* CLOCK_MONOTONIC when the guest made the call */
    bool again;                 /* a retry after waiting (or wasi_complete()) */
} wasi_call;

/* Returns a WASI errno, WASI_BLOCKED or WASI_TRAPPED. */
typedef uint32_t (*wasi_op)(wasi_call *c);

#define ARG32(c, i) ((c)->args[i].of.i32)
#define ARG64(c, i) ((c)->args[i].of.i64)

struct wasi_func {
    const char *name;
    uint8_t nparams, nresults;
    vm_valtype params[WASI_MAX_ARGS];
    unsigned cap;               /* WASI_CAP_* group; 0 = always allowed */
    wasi_op op;
};

/* link.c: the table of every function. */
extern const wasi_func wasi_funcs[];
extern const size_t wasi_nfuncs;

/* call.c: the host function every import is bound to. */
vm_host_status wasi_trampoline(vm_caller *caller, const vm_value *args, vm_value *results,
                               void *user);

/* ---- ctx.c: the descriptor table ---- */

/* The descriptor if open and holding all of `rights`; else NULL with *err
 * set to EBADF or ENOTCAPABLE. */
wasi_fd *wasi_fd_get(wasi_ctx *ctx, uint32_t fd, uint64_t rights, uint32_t *err);
/* e when it holds all of `rights`; else NULL with *err set to ENOTCAPABLE
 * (for calls that check the kind of descriptor before its rights). */
wasi_fd *wasi_fd_with_rights(wasi_fd *e, uint64_t rights, uint32_t *err);
/* wasi_fd_get() for a call that changes the file: also NULL with *err set
 * to EROFS when the descriptor lies in a read-only mount. */
wasi_fd *wasi_fd_get_writable(wasi_ctx *ctx, uint32_t fd, uint64_t rights, uint32_t *err);
/* The arguments (fd, *answer) of fd_fdstat_get, fd_filestat_get and
 * fd_tell: the descriptor holding `rights` and, in *out, the `size` bytes
 * where the answer goes. NULL with *err set to EBADF, ENOTCAPABLE or
 * EFAULT, in that order. */
wasi_fd *wasi_fd_get_out(wasi_call *c, uint64_t rights, uint64_t size, uint8_t **out,
                         uint32_t *err);
/* Enters the host descriptor e.host that a call just opened for the guest
 * (path_open, sock_accept): e's kind and the most it can hold come from st
 * (wasi_fd_describe), its rights are then narrowed to `base` and
 * `inheriting`. Stores the new guest number at out (4 bytes, already
 * checked); on failure closes e.host. Returns an errno. */
uint32_t wasi_fd_adopt(wasi_ctx *ctx, wasi_fd e, const struct stat *st, uint64_t base,
                       uint64_t inheriting, uint8_t *out);
/* Closes the host descriptor and directory stream and frees the slot. */
void wasi_fd_release(wasi_fd *e);
uint8_t wasi_filetype_of(int host, const struct stat *st);

/* ---- mem.c: guest memory, every access bounds-checked ---- */

/* The bytes [ptr, ptr+len) or NULL when they are not all inside memory. */
uint8_t *wasi_mem(vm_memory *m, uint64_t ptr, uint64_t len);
/* Stores v at ptr; false when the 8 bytes are not all inside memory. */
bool wasi_put_u64(vm_memory *m, uint64_t ptr, uint64_t v);
void wasi_store_u16(uint8_t *p, uint16_t v);
void wasi_store_u32(uint8_t *p, uint32_t v);
void wasi_store_u64(uint8_t *p, uint64_t v);
uint16_t wasi_load_u16(const uint8_t *p);
uint32_t wasi_load_u32(const uint8_t *p);
uint64_t wasi_load_u64(const uint8_t *p);
/* The guest buffers of fd_read, fd_write, fd_pread, fd_pwrite, sock_recv
 * and sock_send: the iovec array given as arguments 1 and 2, and the u32
 * where the number of bytes moved goes. */
typedef struct {
    struct iovec iov[WASI_MAX_IOVS];
    int n;
    uint8_t *count;
} wasi_buffers;
/* Fills b from arguments 1 and 2 (wasi_iovecs()) and from argument
 * count_arg, the pointer to the count. Returns an errno (EFAULT). */
uint32_t wasi_buffers_arg(wasi_call *c, uint32_t count_arg, wasi_buffers *b);
/* Cuts iovecs so they hold at most `limit` bytes in total. */
void wasi_iovecs_limit(struct iovec *iov, int *count, size_t limit);
/* Copies a guest path into out[PATH_MAX] with a NUL. Returns an errno:
 * EFAULT, ENAMETOOLONG, EINVAL (a NUL byte inside), EILSEQ (not UTF-8). */
uint32_t wasi_path_arg(vm_memory *m, uint32_t ptr, uint32_t len, char *out);

/* ---- errno.c ---- */
uint32_t wasi_errno(int host_errno);

/* ---- call.c: waiting ---- */
uint64_t wasi_now_ns(void);                          /* CLOCK_MONOTONIC */
bool wasi_wait_fd(wasi_ctx *ctx, int fd, short events);  /* false: out of memory */
void wasi_wait_until(wasi_ctx *ctx, uint64_t deadline_ns);

/* ---- the operations, one per preview 1 function ---- */
#define WASI_OPS(X) \
    X(args_get) X(args_sizes_get) X(environ_get) X(environ_sizes_get) \
    X(clock_res_get) X(clock_time_get) X(random_get) X(proc_exit) X(proc_raise) \
    X(fd_advise) X(fd_allocate) X(fd_close) X(fd_datasync) X(fd_fdstat_get) \
    X(fd_fdstat_set_flags) X(fd_fdstat_set_rights) X(fd_filestat_get) \
    X(fd_filestat_set_size) X(fd_filestat_set_times) X(fd_pread) X(fd_prestat_get) \
    X(fd_prestat_dir_name) X(fd_pwrite) X(fd_read) X(fd_readdir) X(fd_renumber) \
    X(fd_seek) X(fd_sync) X(fd_tell) X(fd_write) \
    X(path_create_directory) X(path_filestat_get) X(path_filestat_set_times) \
    X(path_link) X(path_open) X(path_readlink) X(path_remove_directory) \
    X(path_rename) X(path_symlink) X(path_unlink_file) \
    X(poll_oneoff) X(sched_yield) \
    X(sock_accept) X(sock_recv) X(sock_send) X(sock_shutdown)
#define WASI_DECLARE_OP(name) uint32_t wasi_op_##name(wasi_call *c);
WASI_OPS(WASI_DECLARE_OP)
#undef WASI_DECLARE_OP

/* ---- shared by the fd, sock and path operations ---- */

/* fd.c: 0 when a stream is ready for `events` and the transfer can go
 * ahead (also for descriptors that never block, and when poll reports an
 * error, which the transfer then reports itself); else EAGAIN when the
 * guest made it non-blocking, or WASI_BLOCKED to wait for it. */
uint32_t wasi_stream_ready(wasi_call *c, const wasi_fd *e, short events);
/* fd.c: what a transfer on a ready stream that still found nothing to do
 * (another reader was faster) returns: EAGAIN when it never blocks or is
 * non-blocking, else WASI_BLOCKED to wait again. */
uint32_t wasi_stream_not_ready(wasi_call *c, const wasi_fd *e, short events);
/* fd.c: the end of a transfer on a stream (fd_read, fd_write, sock_recv,
 * sock_send) whose host call returned `moved`: the count stored in b;
 * wasi_stream_not_ready() when the host said EAGAIN; else its errno. */
uint32_t wasi_stream_done(wasi_call *c, const wasi_fd *e, short events, const wasi_buffers *b,
                          ssize_t moved);

/* path.c: the directory descriptor a path call starts from: EBADF when
 * not open, ENOTDIR when not a directory, ENOTCAPABLE without `rights`. */
wasi_fd *wasi_path_dir(wasi_ctx *ctx, uint32_t fd, uint64_t rights, uint32_t *err);
/* path.c: resolves a guest path argument beneath dir up to its last
 * component (sys_resolve()); `follow` follows a symlink there too. An
 * escape is ENOTCAPABLE. Returns an errno. */
uint32_t wasi_path_resolve(wasi_call *c, const wasi_fd *dir, uint32_t ptr, uint32_t len,
                           bool follow, sys_resolved *out);

/* fd_stat.c: fills a 64-byte filestat at p from a host stat. */
void wasi_store_filestat(uint8_t *p, const struct stat *st);
/* fd_stat.c: the arguments (atim, mtim, fst_flags) from argument `first` of
 * fd_filestat_set_times and path_filestat_set_times, as utimensat's times
 * for a file of e. EINVAL for unknown flags or a field given both as a
 * value and as "now"; then EROFS when e lies in a read-only mount. */
uint32_t wasi_times_arg(wasi_call *c, uint32_t first, const wasi_fd *e, struct timespec ts[2]);

#endif
