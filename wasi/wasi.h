/* wasi.h — WASI preview 1 (`wasi_snapshot_preview1`) for the engine.
 *
 * A wasi_ctx is the world one instance sees: its arguments, environment,
 * working directory, standard streams, the host directories mounted into
 * it (confined: nothing outside a mount is ever reachable), and which
 * capability groups it may use. wasi_link() defines every preview 1
 * function in a linker; calls reach the context through the host-function
 * user pointer and the calling instance's memory 0 (with several
 * memories, pointers always refer to memory 0).
 *
 * Blocking: by default a call that would block (fd_read on an empty pipe,
 * poll_oneoff waiting, ...) blocks the calling OS thread. A context made
 * with `suspend = true` instead makes such a call return VM_HOST_SUSPEND
 * after recording what it waits for (wasi_waiting()); the embedder's event
 * loop waits for that, then calls wasi_complete(), which finishes the call
 * and hands its results to the thread (vm_resume()), and runs the thread
 * on with vm_run().
 *
 * Depends on vm/ and libc. No global mutable state. Thread-safety: a
 * context belongs to the store it is linked into and is used by one OS
 * thread at a time, as that store is; different contexts are independent.
 * Errors: wasi_ctx_new() writes its reason into the caller's buffer; a
 * failing guest call returns its WASI errno to the guest, never to C. */
#ifndef WIPPY_WASI_H
#define WIPPY_WASI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/vm.h"

/* Capability groups (Wippy's `imports:` names). Every function always
 * links; one whose group is not granted behaves as absent (no args/env,
 * no preopens, ENOTCAPABLE). proc_exit and sched_yield are always allowed. */
enum {
    WASI_CAP_CLI        = 1 << 0,   /* args, environ, stdio */
    WASI_CAP_IO         = 1 << 1,   /* fd_read/fd_write/... on open descriptors */
    WASI_CAP_CLOCKS     = 1 << 2,   /* clock_res_get, clock_time_get */
    WASI_CAP_FILESYSTEM = 1 << 3,   /* preopens, path_* */
    WASI_CAP_RANDOM     = 1 << 4,   /* random_get */
    WASI_CAP_POLL       = 1 << 5,   /* poll_oneoff */
    WASI_CAP_SOCKETS    = 1 << 6,   /* sock_* */
    WASI_CAP_HTTP       = 1 << 7,   /* wasi:http (components only) */
    WASI_CAP_ALL        = (1 << 8) - 1
};

/* A host directory made visible to the guest at an absolute guest path. */
typedef struct {
    const char *host;       /* host directory */
    const char *guest;      /* guest path, e.g. "/" or "/data" */
    bool read_only;         /* refuse every mutating call inside it */
} wasi_mount;

typedef struct {
    const char *const *args;    /* argv, including argv[0] if the embedder wants one */
    size_t nargs;
    const char *const *env;     /* "NAME=value" strings, exactly what the guest sees */
    size_t nenv;
    const char *cwd;            /* guest working directory, default "/" */
    int stdio[3];               /* host fds for guest fds 0, 1, 2; -1 = a null stream */
    const wasi_mount *mounts;   /* preopened as fds 3... in guest-path order */
    size_t nmounts;
    unsigned caps;              /* WASI_CAP_* bits */
    bool suspend;               /* suspend instead of blocking (see above) */
} wasi_config;

typedef struct wasi_ctx wasi_ctx;

/* Makes a context: opens every mount's directory (failure → NULL with the
 * reason in err, e.g. "mount /data: cannot open /srv/x: No such file or
 * directory"). The stdio fds are duplicated; the caller keeps its own. */
wasi_ctx *wasi_ctx_new(const wasi_config *cfg, char *err, size_t errlen);

/* Closes every descriptor the guest still has and frees the context. */
void wasi_ctx_free(wasi_ctx *ctx);

/* Defines all of wasi_snapshot_preview1 in the linker for this context. */
bool wasi_link(vm_linker *l, wasi_ctx *ctx);

/* After a call trapped: did the guest call proc_exit (and with what code)?
 * proc_exit ends the call as a trap whose message is "exit N". */
bool wasi_exited(const wasi_ctx *ctx, uint32_t *code);

/* What a suspended call waits for. */
typedef struct {
    bool has_deadline;
    uint64_t deadline_ns;   /* CLOCK_MONOTONIC */
    int fd;                 /* host fd, or -1 */
    bool want_read, want_write;
} wasi_wait;

/* After VM_SUSPENDED: what the pending call waits for; false if none.
 * A poll_oneoff can wait for several descriptors: then `fd` is the first
 * of them and the deadline is at most 10 ms away, so an embedder that
 * watches only `fd` still looks again soon (wasi_waiting_fds() has all). */
bool wasi_waiting(const wasi_ctx *ctx, wasi_wait *out);
/* As wasi_waiting, for an embedder that watches every descriptor
 * (wasi_waiting_fds): the call's own deadline, without the 10 ms look
 * again (none when the call has none). */
bool wasi_waiting_exact(const wasi_ctx *ctx, wasi_wait *out);

/* Every host fd the pending call waits for, each as fd/want_read/
 * want_write of a wasi_wait (its deadline fields unused): fills up to max
 * entries and returns how many there are (0 when nothing is pending). */
size_t wasi_waiting_fds(const wasi_ctx *ctx, wasi_wait *out, size_t max);

/* Finishes the pending call now that what it waited for is ready (or its
 * deadline passed), and resumes the thread's host call with its results.
 * Returns VM_DONE when the thread can vm_run() on, VM_SUSPENDED if it has
 * to wait again (a spurious wake-up), VM_TRAP on failure (also, leaving t
 * alone, when no call is pending). */
vm_status wasi_complete(wasi_ctx *ctx, vm_thread *t);

/* Runs a command: calls the instance's `_start` on t, completing any
 * suspended call in place (so it works for suspend contexts too), with at
 * most `fuel` units (VM_FUEL_UNLIMITED for no limit). Returns the exit
 * code (the proc_exit code, or 0 when _start returns), -1 after a trap (t
 * holds it), -2 when the fuel ran out, -3 when there is no `_start`. */
int wasi_run_start(wasi_ctx *ctx, vm_instance *inst, vm_thread *t, uint64_t fuel);

/* Capability bits for a normalised Wippy import name ("wasi:io"); 0 if none. */
unsigned wasi_cap_from_name(const char *name);

#endif
