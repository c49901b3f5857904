/* internal.h — what the files of wasi/p2/ share: the world, its table of
 * resource reps, argument and result helpers. Not public (that is p2.h).
 *
 *   ctx.c     the world, the rep table, the host function table by caps
 *   io.c      wasi:io/poll (pollable, poll) and wasi:io/error
 *   clocks.c  wasi:clocks/monotonic-clock and wall-clock
 *   random.c  wasi:random/random, insecure, insecure-seed */
#ifndef WIPPY_WASI_P2_INTERNAL_H
#define WIPPY_WASI_P2_INTERNAL_H

#include "wasi/p2/p2.h"
#include "wasi/wasi.h"

#define WASI_P2_VERSION "@0.2.3"
#define WASI_P2_MAX_BYTES (16u << 20)   /* bytes one random call returns at most */

typedef enum { WASI_P2_FREE, WASI_P2_POLLABLE, WASI_P2_ERROR } wasi_p2_kind;

/* One host resource: a pollable (ready at a monotonic deadline) or an
 * error (its text). */
typedef struct {
    wasi_p2_kind kind;
    uint64_t deadline_ns;   /* pollable: CLOCK_MONOTONIC */
    char *text;             /* error */
    uint32_t next_free;
} wasi_p2_res;

struct wasi_p2 {
    unsigned caps;
    cm_instance *ci;
    cm_host host;
    cm_host_func *funcs;
    size_t nfuncs;
    wasi_p2_res *res;       /* rep r is res[r - 1] */
    uint32_t nres, cap_res, free_res;   /* free_res: a free rep, 0 for none */
    size_t live;
};

/* One host function of an interface (name without the version). */
typedef struct {
    const char *iface;      /* "wasi:io/poll" */
    const char *name;
    cm_host_fn fn;
    unsigned cap;
} wasi_p2_def;

extern const wasi_p2_def wasi_p2_io_defs[], wasi_p2_clock_defs[], wasi_p2_random_defs[];
extern const size_t wasi_p2_nio_defs, wasi_p2_nclock_defs, wasi_p2_nrandom_defs;

/* A new resource of kind k: its rep in *rep and its own handle as the
 * result value; false (with err) when unbound or out of memory. */
bool wasi_p2_res_new(wasi_p2 *w, wasi_p2_kind k, uint64_t deadline_ns, const char *text,
                     host_value *handle, char *err, size_t errlen);
/* The live resource of kind k a borrow names (args hold reps), or NULL
 * with "unknown pollable 7" in err. */
wasi_p2_res *wasi_p2_res_get(wasi_p2 *w, const host_value *rep, wasi_p2_kind k, char *err,
                             size_t errlen);

/* An unsigned argument (u32, u64 lift as INT). */
uint64_t wasi_p2_arg_u64(const host_value *v);
uint64_t wasi_p2_now_ns(void);

#endif
