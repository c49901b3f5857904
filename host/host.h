/* host.h — the process host: process.wasm and process.lua entries run as
 * supervised processes on process.host worker pools.
 *
 * A runtime is made from a loaded registry (config.h). Modules of
 * process.wasm entries are decoded and validated once per entry and shared;
 * so are the compiled scripts of process.lua entries. A WASM process is one
 * instance of such a module with its own WASI context and thread; a Lua
 * process is one Lua state running the entry's method in a coroutine. Both
 * run in slices on a host's workers, park in one event loop while they
 * wait (a WASI call that would block; a Lua receive or sleep), and end with
 * a value or an error, which monitors receive as an EXIT event and links
 * as LINK_DOWN. Lua processes (and mailboxes) also receive messages.
 *
 * Every process, and every piece of C code that wants to spawn and receive
 * (a "mailbox"), has a pid. All functions are thread-safe. */
#ifndef WIPPY_HOST_H
#define WIPPY_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "host/value.h"

typedef uint64_t host_pid;          /* 0 is no process */
typedef struct host_runtime host_runtime;

/* ---- events ---- */

typedef enum {
    HOST_EVENT_EXIT,                /* a monitored process ended: value or error */
    HOST_EVENT_LINK_DOWN,           /* a linked process ended with an error or was cancelled */
    HOST_EVENT_CANCEL,              /* this process was asked to stop: reason */
    HOST_EVENT_MESSAGE              /* host_send(): a topic and values */
} host_event_kind;

typedef struct {
    host_event_kind kind;
    host_pid from;
    host_value value;               /* EXIT: the result (NIL on error) */
    char *error;                    /* EXIT/LINK_DOWN: the error text, or NULL; CANCEL: reason */
    int64_t at_ns;                  /* CLOCK_REALTIME when it happened */
    char *topic;                    /* MESSAGE: the topic */
    host_value *payload;            /* MESSAGE: the values sent, npayload of them */
    size_t npayload;
} host_event;

void host_event_free(host_event *e);

/* "{HOST|0x0000002a}": the pid as Wippy prints it, into buf (>= 64 bytes).
 * HOST is the id of the process.host or terminal.host the process runs on
 * ("local" for a mailbox); it is part of the pid, so an ended process's
 * pid prints the same. */
const char *host_pid_format(const host_runtime *rt, host_pid pid, char *buf, size_t len);

/* The pid that host_pid_format() printed as text, or 0 when text is not
 * such a pid (an unknown host name, a malformed number). */
host_pid host_pid_parse(const host_runtime *rt, const char *text);

/* ---- the runtime ---- */

typedef struct {
    FILE *log;                      /* -v logging (loading, spawns, exits, restarts), or NULL */
    bool log_color;                 /* -c on a terminal: log lines with ANSI colours */
    bool log_traces;                /* --very-verbose: an exit's error with its whole trace */
    uint64_t slice_fuel;            /* fuel per Step (Lua: VM instructions); 0 = default (20,000) */
    size_t lua_max_memory;          /* bytes a Lua state may hold unless its entry's
                                       limits.max_memory says otherwise; 0 = 64 MiB */
} host_options;

/* Loads every process.wasm module of the registry (hash already verified
 * by the registry; decoded and validated here, once). Entries that fail to
 * load are reported in err (one line each, "ENTRY: failed to load wasm
 * module: ...") and left out; NULL only when nothing can run at all (out
 * of memory). The registry must outlive the runtime. */
host_runtime *host_runtime_new(const cfg_registry *reg, const host_options *opts,
                               char *err, size_t errlen);

/* Starts the process.host worker pools and the event loop, then the
 * process.service entries with auto_start in dependency order. A required
 * service that fails to start makes it return false (with the reason). */
bool host_runtime_start(host_runtime *rt, char *err, size_t errlen);

/* Supervised shutdown: stops services in reverse dependency order within
 * their stop timeouts, cancels every process left, stops the workers and
 * the event loop. Safe to call more than once. */
void host_runtime_stop(host_runtime *rt);

/* Stops (if needed) and frees everything. */
void host_runtime_free(host_runtime *rt);

/* ---- mailboxes: C code as a participant ---- */

/* A pid for the calling C code: it can spawn, monitor, link and receive. */
host_pid host_mailbox_open(host_runtime *rt);
void host_mailbox_close(host_runtime *rt, host_pid mailbox);

/* ---- processes ---- */

enum {
    HOST_SPAWN_MONITOR = 1 << 0,    /* parent receives EXIT */
    HOST_SPAWN_LINK = 1 << 1        /* parent receives LINK_DOWN on failure */
};

/* Spawns entry (a process.wasm or process.lua id) on host (a process.host id) with the
 * given arguments, for parent (a mailbox or a process; 0 for none).
 * Returns the pid, or 0 with the error in err: "process host not found:
 * ID", "process entry not found: ID", or "ENTRY: CAUSE" with Wippy's text
 * for a problem of the entry ("myns:w: parameter count mismatch: expected
 * 2, got 1", "myns:w: failed to load wasm module: ..."). What only the
 * instance can tell (argument types, required env, traps) ends the
 * process instead: its EXIT carries the error. A spawn from outside the
 * host's workers waits while `queue_size` processes wait to run. The
 * arguments together may weigh HOST_MAX_VALUE_BYTES (host_value_weight):
 * "ENTRY: the arguments are too large (more than N bytes)". */
host_pid host_spawn(host_runtime *rt, host_pid parent, const char *entry, const char *host,
                    const host_value *args, size_t nargs, unsigned flags, char *err, size_t errlen);

/* A component process whose arguments are resources of its own WASI 0.2
 * world (host_spawn_world; `wippy wasm serve` hands a request to
 * wasi:http/incoming-handler.handle this way). prepare runs on the worker
 * at the first Step, once the process's world (wasi/p2/p2.h) is made and
 * bound to its instance and before the method's call starts: it may set
 * the world up and fills args[0..nargs) (the method's arguments, which it
 * owns until the call takes them); false ends the process with err as its
 * error. ended runs exactly once when the process is over and its world
 * freed, with its error text or NULL, on the thread that ends it (a
 * worker). ud is the caller's; the runtime never frees it. */
struct wasi_p2;
typedef struct {
    bool (*prepare)(void *ud, struct wasi_p2 *world, host_value *args, size_t nargs, char *err,
                    size_t errlen);
    void (*ended)(void *ud, const char *error);
    void *ud;
} host_world_hook;

/* host_spawn() of a component entry with nargs arguments that hook's
 * prepare makes in the process's world; no parent. Returns the pid, or 0
 * with the error in err (then neither callback ever runs); "ENTRY: not a
 * component" for a core module or a Lua entry. */
host_pid host_spawn_world(host_runtime *rt, const char *entry, const char *host, size_t nargs,
                          const host_world_hook *hook, char *err, size_t errlen);

/* Monitors and links; false when a pid is gone (or the pair makes no
 * sense). A link is both ways: when either end fails (error, cancel,
 * terminate) a mailbox at the other end receives LINK_DOWN, and a WASM
 * process there, which cannot trap links, ends with "linked process PID
 * failed: ERROR". After a successful unmonitor no EXIT of target comes;
 * after a successful unlink no LINK_DOWN of that link comes, even when the
 * partner was already ending. */
bool host_monitor(host_runtime *rt, host_pid watcher, host_pid target);
bool host_unmonitor(host_runtime *rt, host_pid watcher, host_pid target);
bool host_link(host_runtime *rt, host_pid a, host_pid b);
bool host_unlink(host_runtime *rt, host_pid a, host_pid b);

/* Ends a process at its next slice boundary, or at once when it is parked
 * (its monitors get EXIT with error "terminated"). False for a mailbox or
 * a pid that is gone. */
bool host_terminate(host_runtime *rt, host_pid target);
/* Asks a process to stop (CANCEL event; a WASM process is ended with error
 * "cancelled: REASON", or "cancelled" for an empty reason, at its next
 * slice boundary). A mailbox receives the CANCEL event. */
bool host_cancel(host_runtime *rt, host_pid target, const char *reason);

/* Sends a message: topic and n values (copied) from `from` (a pid, or 0)
 * to `to`. A Lua process or a mailbox queues it (a Lua process reads it
 * with process.receive() or its inbox), a WASM process ignores it, as in
 * Wippy. False, with the reason in err, when `to` is gone, its queue is
 * full, or the message is too large: more than HOST_MESSAGE_VALUES values,
 * or more than HOST_MESSAGE_BYTES of weight (its topic's bytes plus the
 * host_value_weight of each value). */
#define HOST_MESSAGE_VALUES 64
#define HOST_MESSAGE_BYTES (1u << 20)
bool host_send(host_runtime *rt, host_pid from, host_pid to, const char *topic,
               const host_value *values, size_t n, char *err, size_t errlen);

/* Waits up to timeout_ns (< 0: forever) for the next event of a mailbox.
 * Returns true with *out filled (free it with host_event_free), false on
 * timeout. */
bool host_receive(host_runtime *rt, host_pid mailbox, host_event *out, int64_t timeout_ns);

/* True while the process exists (has not ended). */
bool host_alive(host_runtime *rt, host_pid pid);

/* ---- the CLI's path: one command on a terminal host ---- */

/* Runs the process entry e on terminal host `terminal` (NULL: the only
 * terminal.host, with Wippy's errors otherwise) with the CLI arguments as
 * string arguments (and as WASI argv when wasi.args is empty), stdio of
 * the terminal (fds 0, fileno(out), fileno(err)), on the calling thread,
 * and returns the exit code per Wippy (string → stdout, integer → code,
 * bool → 0/1, error → stderr and 1; an integer or float that does not fit
 * an int → 1); a list or a map is written to stdout as one line of JSON
 * (host_value_write_json), code 0. The process has a pid like any other
 * while it runs. */
int host_run_command(host_runtime *rt, const cfg_entry *e, const char *terminal,
                     int argc, char **argv, FILE *out, FILE *err);

#endif
