/* p2.h — WASI 0.2 (preview 2) for components: the host interfaces a
 * component process gets, as cm_host functions of the component runtime
 * (component/runtime.h).
 *
 * Served (at 0.2.3, so any 0.2.x import matches): wasi:io/poll (resource
 * pollable: ready, block; poll), wasi:io/error (resource error:
 * to-debug-string), wasi:io/streams (input-stream, output-stream over host
 * descriptors), wasi:clocks/monotonic-clock (now, resolution,
 * subscribe-instant, subscribe-duration), wasi:clocks/wall-clock (now,
 * resolution), wasi:random/random, insecure and insecure-seed, wasi:cli
 * (environment, exit, stdin/stdout/stderr, terminal-stdin/-stdout/
 * -stderr), wasi:filesystem/types and preopens (descriptors over the
 * world's mounts, confined as preview 1's: doc/wasi-p2.md),
 * wasi:http/types and outgoing-handler (over libcurl), wasi:sockets
 * (network, instance-network, ip-name-lookup, tcp, tcp-create-socket, udp,
 * udp-create-socket; connects and binds limited by wasi_p2_set_sockets).
 * Which of
 * them a world has is decided by capability groups (Wippy's `imports:`
 * profiles, the WASI_CAP_* bits of wasi.h): WASI_CAP_POLL → wasi:io/poll,
 * WASI_CAP_IO → wasi:io/error and streams, WASI_CAP_CLOCKS → both clocks,
 * WASI_CAP_RANDOM → the three random interfaces, WASI_CAP_CLI → wasi:cli,
 * WASI_CAP_FILESYSTEM → wasi:filesystem, WASI_CAP_HTTP → wasi:http,
 * WASI_CAP_SOCKETS → wasi:sockets. A function not granted
 * is not given to the runtime at all, so the guest's import of it stays
 * unresolved and traps when called.
 *
 * Resources: each host resource (a pollable, an error) is a rep in the
 * world's own table; the guest holds it through a handle of the component
 * instance's tables (cm_host_resource_new). Dropping the last handle
 * frees the rep (the cm_host drop hook); wasi_p2_free frees the rest.
 *
 * Blocking: pollable.block, poll and the blocking stream calls answer
 * "would block" with the deadline and descriptors they wait for, so a
 * component process parks in the host's event loop and the call is
 * retried when it is due or ready (component/runtime.h, "Suspension");
 * where a call cannot suspend, the runtime waits in place.
 *
 * Depends on component/, sys/ and libc. No global mutable state. */
#ifndef WIPPY_WASI_P2_H
#define WIPPY_WASI_P2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "component/runtime.h"
#include "wasi/wasi.h"
#include "sys/netallow.h"

typedef struct wasi_p2 wasi_p2;

/* A world with the interfaces of the WASI_CAP_* groups in caps; NULL when
 * out of memory. */
wasi_p2 *wasi_p2_new(unsigned caps);
/* Frees every resource rep it still holds and the world. */
void wasi_p2_free(wasi_p2 *w);

/* The host functions to instantiate with (valid while w lives). */
const cm_host *wasi_p2_host(wasi_p2 *w);

/* The instance the world serves: where its resources' handles go. Set it
 * right after cm_instantiate (a host function that makes a resource
 * before that traps). */
void wasi_p2_bind(wasi_p2 *w, cm_instance *ci);

/* What wasi:cli shows the guest: arguments, environment ("NAME=value",
 * in the order the guest sees), the initial working directory (NULL:
 * none) and the host descriptors behind stdin, stdout, stderr (-1: none:
 * stdin is empty, writes to stdout/stderr fail with
 * last-operation-failed). The descriptors are not owned. */
typedef struct {
    const char *const *args;
    size_t nargs;
    const char *const *env;
    size_t nenv;
    const char *cwd;
    int stdio[3];
} wasi_p2_cli;

/* Copies cli into the world (before instantiating); false when out of
 * memory. Without it: no arguments, no environment, no cwd, no stdio. */
bool wasi_p2_set_cli(wasi_p2 *w, const wasi_p2_cli *cli);

/* The host directories the guest sees as wasi:filesystem preopens
 * (get-directories: one descriptor per mount, sorted by guest path; a
 * read-only mount refuses every change with read-only). Opens each
 * directory now (before instantiating); false with the reason in err
 * ("mount /data: cannot open /srv/x: No such file or directory"), the
 * world's mounts unchanged. Without it: no preopens. */
bool wasi_p2_set_mounts(wasi_p2 *w, const wasi_mount *mounts, size_t n, char *err, size_t errlen);
/* Where wasi:sockets may reach (sys/netallow.h rules, copied): connect
 * (tcp start-connect, udp stream's remote address and every send-to
 * address) and bind (tcp and udp start-bind). Without it, or with empty
 * lists, every connect and bind is `access-denied`; sockets can still be
 * made, and name lookups answered. False when out of memory. */
bool wasi_p2_set_sockets(wasi_p2 *w, const sys_net_rule *connect, size_t nconnect,
                         const sys_net_rule *bind, size_t nbind);

/* True, with the status, after the guest called wasi:cli/exit (its call
 * then trapped with "wasi exit requested: status N"): 0 for ok, 1 for
 * err, or exit-with-code's code. */
bool wasi_p2_exited(const wasi_p2 *w, uint32_t *code);

/* wasi:http's limits (WASI_CAP_HTTP): the requests one world may have
 * running at once (more: handle() gives connection-limit-reached), the
 * bytes of a response's header section (more: the transfer ends with
 * HTTP-response-header-section-size), the response body bytes held for a
 * guest that does not read (curl is paused past that), the request body
 * bytes held before curl takes them (check-write's permit). 0: the
 * default. */
typedef struct {
    uint32_t max_requests;       /* default 32 */
    uint32_t max_header_bytes;   /* default 65536 */
    uint32_t max_body_buffer;    /* default 1 MiB */
    uint32_t max_send_buffer;    /* default 65536 */
    /* allow_set false: requests may go to any host; true: only to a host
     * matching one of allow_hosts (wasi_p2_http_host_allowed), others get
     * HTTP-request-denied at handle(). */
    bool allow_set;
    const char *const *allow_hosts;
    size_t nallow_hosts;
    /* A PEM file of certificates https requests trust besides the
     * system's CA store (curl's CURLOPT_CAINFO), or NULL. */
    const char *ca_file;
} wasi_p2_http_limits;

/* Sets the world's wasi:http limits and allowed hosts (copied), before
 * the guest's first request; does not load libcurl. False when out of
 * memory. */
bool wasi_p2_set_http_limits(wasi_p2 *w, const wasi_p2_http_limits *lim);

/* Does a request's authority ("host", "host:port", "[v6]:port") match one
 * of the npats host patterns ("name", "*.domain", "1.2.3.4", "[::1]",
 * each with an optional ":PORT"; without a port, any)? The port of an
 * authority without one is 443 for https, else 80. Names compare without
 * regard to case; an authority with '@' or '%' never matches. */
bool wasi_p2_http_host_allowed(const char *const *pats, size_t npats, bool https,
                               const char *authority);

/* One request served to a component's wasi:http/incoming-handler
 * (`wippy wasm serve`): what the guest's incoming-request shows. */
typedef struct {
    const char *method;           /* "GET", "POST", ... (any token) */
    bool https;                   /* the scheme */
    const char *authority;        /* the Host header; NULL: none */
    const char *path_with_query;  /* "/a/b?c=d" as the client sent it */
    const char *const *names;     /* nheaders header names and values */
    const char *const *values;
    size_t nheaders;
    const uint8_t *body;          /* the whole request body (copied) */
    size_t body_len;
} wasi_p2_http_in;

/* A served response on its way out (http_pipe.c), shared by the
 * request's world, which writes it from a worker, and the HTTP server,
 * which reads it from its own thread; every function locks. The guest's
 * response-outparam.set gives the status and headers; its outgoing-body's
 * output-stream writes into a buffer of `cap` bytes (check-write says 0
 * while it is full, and the stream's pollable waits until the server took
 * some); outgoing-body.finish ends the body with its trailers; a body
 * dropped unfinished (or the world freed first) abandons it. notify(ud) is
 * called on the writer's thread, no lock of the pipe held, after each of
 * these. Reference counted: wasi_p2_pipe_new gives the caller's. */
typedef struct wasi_p2_http_pipe wasi_p2_http_pipe;
wasi_p2_http_pipe *wasi_p2_pipe_new(size_t cap, void (*notify)(void *ud), void *ud);
void wasi_p2_pipe_unref(wasi_p2_http_pipe *p);
/* The status the guest set (100..999), or 0: not set yet, or (why not
 * empty) an error-code it set ("the handler set error-code internal-error"). */
unsigned wasi_p2_pipe_status(wasi_p2_http_pipe *p, char *why, size_t whylen);
/* After a status: its headers (i < nheaders). After WASI_P2_PIPE_END: the
 * trailers (i < ntrailers). Neither changes afterwards. */
size_t wasi_p2_pipe_nheaders(const wasi_p2_http_pipe *p);
size_t wasi_p2_pipe_ntrailers(const wasi_p2_http_pipe *p);
void wasi_p2_pipe_field(const wasi_p2_http_pipe *p, bool trailer, size_t i, const char **name,
                        const uint8_t **value, size_t *len);
/* Takes up to max body bytes into buf: > 0 bytes taken, 0 none yet (a
 * notify comes when that changes), WASI_P2_PIPE_END (finished, all read),
 * WASI_P2_PIPE_ABORTED (the body was abandoned). */
#define WASI_P2_PIPE_END (-1)
#define WASI_P2_PIPE_ABORTED (-2)
int64_t wasi_p2_pipe_read(wasi_p2_http_pipe *p, uint8_t *buf, size_t max);

/* Makes the two arguments of incoming-handler.handle in the bound world w
 * (WASI_CAP_HTTP): args[0] an own incoming-request of in (its headers
 * with forbidden or invalid ones left out, its body as an incoming-body
 * stream), args[1] an own response-outparam whose response goes into pipe
 * (the world takes a reference of it). False with err when out of memory
 * or libcurl cannot be loaded (wasi:http's state needs it). */
bool wasi_p2_http_incoming(wasi_p2 *w, const wasi_p2_http_in *in, wasi_p2_http_pipe *pipe,
                           host_value args[2], char *err, size_t errlen);

/* The number of resource reps alive (for tests: drops free them). */
size_t wasi_p2_live(const wasi_p2 *w);

#endif
