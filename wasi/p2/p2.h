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

/* The host's side of a response-outparam: what the guest set. */
typedef struct wasi_p2_outparam wasi_p2_outparam;

/* Makes the two arguments of incoming-handler.handle in the bound world w
 * (WASI_CAP_HTTP): args[0] an own incoming-request of in (its headers
 * with forbidden or invalid ones left out, its body as an incoming-body
 * stream), args[1] an own response-outparam, and *out the host's view of
 * it. False with err when out of memory or libcurl cannot be loaded
 * (wasi:http's state needs it). Free *out with wasi_p2_outparam_free
 * before wasi_p2_free(w). */
bool wasi_p2_http_incoming(wasi_p2 *w, const wasi_p2_http_in *in, host_value args[2],
                           wasi_p2_outparam **out, char *err, size_t errlen);
/* The status the guest's response-outparam.set gave (its outgoing-response),
 * or 0 when it set none or an error-code (*why says which). */
unsigned wasi_p2_outparam_status(const wasi_p2_outparam *o, char *why, size_t whylen);
/* The response's header i (i < count): its name and value; count headers. */
size_t wasi_p2_outparam_nheaders(const wasi_p2_outparam *o);
void wasi_p2_outparam_header(const wasi_p2_outparam *o, size_t i, const char **name,
                             const uint8_t **value, size_t *len);
/* The body written so far (whole: at most 16 MiB), and whether
 * outgoing-body.finish ended it. */
const uint8_t *wasi_p2_outparam_body(const wasi_p2_outparam *o, size_t *len, bool *finished);
void wasi_p2_outparam_free(wasi_p2_outparam *o);

/* The number of resource reps alive (for tests: drops free them). */
size_t wasi_p2_live(const wasi_p2 *w);

#endif
