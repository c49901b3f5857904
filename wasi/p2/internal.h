/* internal.h — what the files of wasi/p2/ share: the world, its table of
 * resource reps, argument and result helpers. Not public (that is p2.h).
 *
 *   ctx.c     the world, the rep table, the host function table by caps
 *   io.c      wasi:io/poll (pollable, poll) and wasi:io/error
 *   clocks.c  wasi:clocks/monotonic-clock and wall-clock
 *   random.c  wasi:random/random, insecure, insecure-seed
 *   streams.c wasi:io/streams (input-stream, output-stream over host fds)
 *   cli.c     wasi:cli (environment, exit, stdio, terminals)
 *   http_*.c  wasi:http (http_internal.h): resources as objects with ops
 *   filesystem*.c, dirstream.c, fs_error.c  wasi:filesystem (filesystem.h)
 *   net.c     wasi:sockets network, instance-network
 *   ip_lookup.c wasi:sockets ip-name-lookup (getaddrinfo on a thread)
 *   idna.c    Unicode host names to ASCII (libidn2 by dlopen)
 *   tcp.c     wasi:sockets tcp, tcp-create-socket
 *   udp.c     wasi:sockets udp, udp-create-socket (sockets.h: what they share) */
#ifndef WIPPY_WASI_P2_INTERNAL_H
#define WIPPY_WASI_P2_INTERNAL_H

#include "wasi/p2/p2.h"
#include "sys/netallow.h"
#include "wasi/wasi.h"

#define WASI_P2_VERSION "@0.2.3"
#define WASI_P2_MAX_BYTES (16u << 20)   /* bytes one random call returns at most */

typedef enum {
    WASI_P2_FREE, WASI_P2_POLLABLE, WASI_P2_ERROR, WASI_P2_INPUT, WASI_P2_OUTPUT,
    WASI_P2_TERMINAL_IN, WASI_P2_TERMINAL_OUT, WASI_P2_OBJECT, WASI_P2_DESCRIPTOR,
    WASI_P2_DIRSTREAM,
    WASI_P2_NETWORK, WASI_P2_TCP, WASI_P2_UDP, WASI_P2_UDP_IN, WASI_P2_UDP_OUT, WASI_P2_RESOLVE
} wasi_p2_kind;

/* What a stream or pollable served by an object (wasi:http's bodies and
 * futures) does. An object-backed resource is a rep with ops and obj set:
 * a pollable (ready/wait), an input-stream (read), an output-stream
 * (check_write/write), an error (the object is what http-error-code
 * reads), or a WASI_P2_OBJECT (a resource of another interface, told
 * apart by its ops). free(obj) runs when the rep is freed (obj NULL:
 * nothing). */
struct wasi_p2_fail;
typedef struct wasi_p2_ops {
    const char *name;                                /* "fields", in "unknown fields 7" */
    void (*free)(void *obj);
    void (*ref)(void *obj);                          /* another rep holds obj (subscribe) */
    bool (*ready)(void *obj);                        /* pollable, stream: ready now */
    void (*wait)(void *obj, cm_wait *wait);          /* ... else what it waits for */
    /* input-stream: moves up to len bytes into buf: >= 0 bytes moved (0:
     * none yet), WASI_P2_CLOSED at the end, WASI_P2_FAILED with the
     * error in *fail */
    int64_t (*read)(void *obj, uint8_t *buf, size_t len, struct wasi_p2_fail *fail);
    /* output-stream: the bytes write may take now (or CLOSED/FAILED);
     * write takes n <= that many (0 or CLOSED/FAILED) */
    int64_t (*check_write)(void *obj, struct wasi_p2_fail *fail);
    int64_t (*write)(void *obj, const uint8_t *buf, size_t n, struct wasi_p2_fail *fail);
} wasi_p2_ops;

#define WASI_P2_CLOSED (-1)
#define WASI_P2_FAILED (-2)

/* A stream error an object reports: its text and, optionally, an object
 * the error rep carries (ops->free frees it with the rep). */
typedef struct wasi_p2_fail {
    char text[256];
    const wasi_p2_ops *ops;
    void *obj;
} wasi_p2_fail;

#define WASI_P2_STREAM_CHUNK 65536u   /* bytes one read moves at most; check-write's permit */
#define WASI_P2_BLOCKING_MAX 4096u    /* blocking-write-and-flush's limit (as wasmtime) */

/* One host resource: a pollable (ready at a monotonic deadline, or when
 * its descriptor is ready: on_fd), an error (its text), a stream (its host
 * descriptor, -1 for none: a null stream; not owned), a terminal. A
 * stream's pollable names its stream: it is ready once the stream is
 * closed (it said `closed`) or dropped (wasi_p2_stream_gone). */
typedef struct {
    wasi_p2_kind kind;
    uint64_t deadline_ns;   /* pollable: CLOCK_MONOTONIC */
    int fd;                 /* stream; pollable with on_fd */
    bool on_fd, want_read, want_write;
    bool closed;            /* stream: it reported `closed`; it stays so */
    uint32_t stream;        /* pollable: the rep of its stream (0: none) */
    char *text;             /* error */
    const wasi_p2_ops *ops; /* an object-backed resource (see wasi_p2_ops), else NULL */
    void *obj;
    void *sock;             /* sockets: their state (one malloc block, freed with the rep) */
    void (*sock_free)(void *);   /* how to free sock; NULL: free() */
    uint32_t next_free;
    /* owned: the rep closes fd (a descriptor, a file stream, a socket and
     * its streams). wasi:filesystem (filesystem.h): a descriptor, a file
     * stream (its own dup of the file, owned; reads and writes at offset,
     * or at the end when append), a directory-entry stream (dir), an error
     * from a file (fs_error: its error-code + 1, 0 for none). */
    bool owned, file, append, read_only;
    uint8_t dflags;         /* descriptor-flags bits (WASI_P2_FS_*) */
    uint8_t fs_error;
    uint64_t offset;
    void *dir;              /* DIR * */
    /* output-stream over a pipe or socket (streams.c): the bytes write
     * took that the descriptor had no room for yet (at most
     * WASI_P2_STREAM_CHUNK, malloc'd when first needed), drained when the
     * guest next calls into the stream or parks; wflushing: a
     * blocking-write-and-flush took its bytes and waits for the drain
     * (its retry only waits) */
    uint8_t *wbuf;
    uint32_t wlen;
    bool wflushing;
} wasi_p2_res;

struct wasi_p2_http;

/* A mount of the world (wasi_p2_set_mounts): a preopen. */
typedef struct {
    char *guest;
    int fd;                 /* the host directory (owned) */
    bool read_only;
} wasi_p2_mount;

struct wasi_p2 {
    unsigned caps;
    cm_instance *ci;
    cm_host host;
    cm_host_func *funcs;
    size_t nfuncs;
    wasi_p2_res *res;       /* rep r is res[r - 1] */
    uint32_t nres, cap_res, free_res;   /* free_res: a free rep, 0 for none */
    size_t live;
    /* wasi:cli: what the guest sees (copies) */
    char **args;
    size_t nargs;
    char **env;             /* "NAME=value" */
    size_t nenv;
    char *cwd;              /* NULL: none */
    int stdio[3];           /* -1: none */
    bool exited;
    uint32_t exit_code;
    struct wasi_p2_http *http;   /* wasi:http's state (http_client.c), made when first used */
    wasi_p2_mount *mounts;  /* wasi:filesystem preopens, by guest path */
    size_t nmounts;
    /* wasi:sockets: where the guest may connect (and send) and bind (copies) */
    sys_net_rule *allow_connect, *allow_bind;
    size_t nallow_connect, nallow_bind;
    struct wasi_p2_http_conf *http_conf;   /* wasi_p2_set_http_limits's copy (http_allow.c) */
};

/* One host function of an interface (name without the version). */
typedef struct {
    const char *iface;      /* "wasi:io/poll" */
    const char *name;
    cm_host_fn fn;
    unsigned cap;
} wasi_p2_def;

extern const wasi_p2_def wasi_p2_io_defs[], wasi_p2_clock_defs[], wasi_p2_random_defs[],
    wasi_p2_stream_defs[], wasi_p2_cli_defs[], wasi_p2_fs_defs[], wasi_p2_fs_path_defs[],
    wasi_p2_http_defs[], wasi_p2_http_field_defs[], wasi_p2_http_response_defs[],
    wasi_p2_http_server_defs[],
    wasi_p2_net_defs[], wasi_p2_tcp_defs[], wasi_p2_udp_defs[], wasi_p2_lookup_defs[];
extern const size_t wasi_p2_nio_defs, wasi_p2_nclock_defs, wasi_p2_nrandom_defs,
    wasi_p2_nstream_defs, wasi_p2_ncli_defs, wasi_p2_nfs_defs, wasi_p2_nfs_path_defs,
    wasi_p2_nhttp_defs, wasi_p2_nhttp_field_defs, wasi_p2_nhttp_response_defs,
    wasi_p2_nhttp_server_defs,
    wasi_p2_nnet_defs, wasi_p2_ntcp_defs, wasi_p2_nudp_defs, wasi_p2_nlookup_defs;

/* Frees wasi:http's state (aborting transfers still running); after the reps. */
void wasi_p2_http_free(struct wasi_p2_http *h);
void wasi_p2_http_conf_free(struct wasi_p2_http_conf *c);

/* A new resource of kind k: its rep in *rep and its own handle as the
 * result value; false (with err) when unbound or out of memory. */
bool wasi_p2_res_new(wasi_p2 *w, wasi_p2_kind k, uint64_t deadline_ns, const char *text,
                     host_value *handle, char *err, size_t errlen);
/* A new resource like init (its kind and fields; text is copied). What
 * init owns (with owned, its descriptor; a directory stream; an object:
 * ops->free; a socket's state block) belongs to the resource from the call
 * on, and is closed or freed when this fails. */
bool wasi_p2_res_add(wasi_p2 *w, const wasi_p2_res *init, host_value *handle, char *err,
                     size_t errlen);
/* An error rep for a stream error an object reported (fail->obj goes
 * with it, or is freed on failure). */
bool wasi_p2_fail_error(wasi_p2 *w, wasi_p2_fail *fail, host_value *handle, char *err,
                        size_t errlen);
/* The live resource of kind k a borrow names (args hold reps), or NULL
 * with "unknown pollable 7" in err. */
wasi_p2_res *wasi_p2_res_get(wasi_p2 *w, const host_value *rep, wasi_p2_kind k, char *err,
                             size_t errlen);

/* Nothing is ready: tells the runtime what to wait for and returns false
 * ("would block"); before the world is bound it waits in place and
 * returns true (look again). */
bool wasi_p2_would_block(wasi_p2 *w, const cm_wait *wait);
/* Adds a descriptor to what a wait waits for (past CM_WAIT_FDS of them, it
 * looks again every 10 ms). */
void wasi_p2_wait_fd(cm_wait *wait, int fd, bool want_read, bool want_write);

/* Drains what the world's output streams hold (streams.c), as far as
 * their descriptors take it now; adds each descriptor still holding bytes
 * to wait (writable; wait NULL: nothing), so a parked process wakes to
 * drain it further. */
void wasi_p2_streams_drain(wasi_p2 *w, cm_wait *wait);

/* The stream rep is gone (dropped): its pollables become ready. */
void wasi_p2_stream_gone(wasi_p2 *w, uint32_t rep);

/* An unsigned argument (u32, u64 lift as INT). */
uint64_t wasi_p2_arg_u64(const host_value *v);
/* A list<u8> argument, in whichever form it came: a STRING of the bytes
 * (a bound world's, cm_instance_set_host_bytes) or a LIST of INTs. nbytes
 * is its length (0 for any other value); byte(v, i) its i-th byte, i <
 * nbytes. */
size_t wasi_p2_arg_nbytes(const host_value *v);
uint8_t wasi_p2_arg_byte(const host_value *v, size_t i);
uint64_t wasi_p2_now_ns(void);

#endif
