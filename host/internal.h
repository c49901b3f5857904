/* internal.h — what the files of the process host share (not part of the
 * public API, which is host.h).
 *
 * host/ is the process runtime; its rooms are the `wit:` canonical ABI
 * (abi/), Lua processes (lua/) and the `wippy` command line (cli/, which
 * uses only the public host.h):
 *
 *   pids.c            the pid table: every live participant (process or mailbox)
 *   node.c            participants: refcounts, mailboxes, monitors, links,
 *                     the end of a participant and what it sends to whom
 *   names.c           registered process names (process.registry)
 *   value.c           host_value / host_event helpers, pid formatting
 *   value_tree.c      lists and maps: built within bounds, copied, freed
 *   value_json.c      a host_value written as JSON
 *   wasm_module.c     process.wasm entries decoded and validated once (core
 *                     modules and components)
 *   wasi_env.c        the WASI world of one instance (args, env, mounts, stdio)
 *   wasm_process.c    one WASM process: Init (spawn), Step (a fuel slice), Close
 *   cm_process.c      the Step and Close of a process whose entry is a component
 *   scheduler.c       a process.host: worker threads running processes M:N
 *   loop.c            the one event loop thread where parked processes wait
 *   runtime.c         the runtime: construction, start/stop, spawn and control
 *   terminal_host.c   the terminal host: one command on the calling thread
 *   supervisor.c      process.service supervision (supervisor.h)
 *   abi/wit.c         the `wit:` text of an entry (abi/wit.h)
 *   abi/canonical.c   arguments lowered and results lifted (abi/canonical.h)
 *   lua/             process.lua entries (lua/disabled.c instead when built
 *                     with LUA=0): see lua/internal.h
 *
 * Locking, from outermost to innermost (never take one to the left while
 * holding one to the right): a node's lock (two nodes: lower pid first) →
 * a pid-table shard lock → a scheduler's queue lock → the loop's command
 * lock. Refcounts keep a node alive while a pointer to it is in use
 * outside those locks. */
#ifndef WIPPY_HOST_INTERNAL_H
#define WIPPY_HOST_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "component/runtime.h"
#include "config/config.h"
#include "host/host.h"
#include "host/abi/wit.h"
#include "vm/vm.h"
#include "wasi/wasi.h"

/* ---- bounds ---- */
#define HOST_DEFAULT_SLICE_FUEL 20000u
#define HOST_MAX_ARGS 64            /* arguments of one spawn */
#define HOST_MAX_EVENTS 1000000u    /* events queued in one mailbox (more are dropped) */
#define HOST_MAX_TRACE 16           /* backtrace lines in an error */
#define HOST_WAIT_FDS 64            /* descriptors one parked process is watched on (CM_WAIT_FDS) */
#define HOST_ERROR_MAX 2048         /* bytes of one error text */
#define HOST_MAX_QUEUED_BYTES (64u << 20)  /* bytes of messages queued for one participant */

/* ---- time ---- */
int64_t host_now_ns(void);          /* CLOCK_MONOTONIC */
int64_t host_wall_ns(void);         /* CLOCK_REALTIME */

/* ---- pids ----
 * A pid is the index of its host (0 for mailboxes) in the top 24 bits and
 * a sequence number below, so it can be printed after its owner is gone. */
#define HOST_PID_SEQ_BITS 40
#define HOST_PID_MAKE(host, seq) (((uint64_t)(host) << HOST_PID_SEQ_BITS) | (seq))
#define HOST_PID_HOST(pid) ((uint32_t)((pid) >> HOST_PID_SEQ_BITS))
#define HOST_PID_SEQ(pid) ((pid) & ((UINT64_C(1) << HOST_PID_SEQ_BITS) - 1))

/* A set of pids; the first two live inline (most have zero or one). */
typedef struct {
    host_pid inline_[2];
    host_pid *heap;                 /* NULL while the inline slots suffice */
    uint32_t n, cap;
} pid_list;

/* A mailbox is C code taking part; a process is a WASM or a Lua process.
 * Mailboxes and Lua processes queue the events delivered to them (in
 * head/tail below); a WASM process reads none. */
typedef enum { NODE_MAILBOX, NODE_PROCESS } node_kind;

typedef struct event_item {
    struct event_item *next;
    uint64_t seq;                   /* Lua processes: order of arrival (module_channel.c) */
    host_event ev;
} event_item;

/* A participant: a process or a mailbox. */
typedef struct host_node {
    host_pid pid;
    node_kind kind;
    atomic_uint refs;
    struct host_node *hash_next;    /* pid table chain (under its shard lock) */
    pthread_mutex_t lock;           /* guards everything below */
    bool ended;
    pid_list monitors;              /* who receives EXIT when this ends */
    pid_list links;                 /* linked both ways */
    bool named;                     /* it registered a name (names.c) */
    /* mailboxes only */
    pthread_cond_t cond;
    event_item *head, *tail;
    size_t nevents;
    size_t nbytes;                  /* message bytes among them (host_event_bytes) */
    unsigned receivers;             /* threads waiting in host_receive */
} host_node;

#define PID_SHARDS 64

typedef struct {
    pthread_mutex_t lock;
    host_node **buckets;
    size_t nbuckets, count;
} pid_shard;

typedef struct {
    pid_shard shards[PID_SHARDS];
    atomic_uint_fast64_t next_seq;
} pid_table;

bool host_pids_init(pid_table *t);
void host_pids_destroy(pid_table *t);
/* A fresh pid for a participant living on host index `host`. */
host_pid host_pids_next(pid_table *t, uint32_t host);
/* Adds the node (the table takes a reference). False when out of memory. */
bool host_pids_insert(pid_table *t, host_node *n);
/* Removes the node; true when it was there (the caller drops the table's reference). */
bool host_pids_remove(pid_table *t, host_node *n);
/* The live node with that pid, with a reference the caller drops; or NULL. */
host_node *host_pids_lookup(pid_table *t, host_pid pid);
/* Every live node of a kind, each with a reference; *out is malloc'd. */
size_t host_pids_collect(pid_table *t, node_kind kind, host_node ***out);

/* ---- modules ---- */

/* A process.wasm or process.lua entry, loaded once and shared by all its
 * processes. */
typedef struct {
    const cfg_entry *entry;
    struct lua_script *script;      /* process.lua: the compiled script (lua/internal.h) */
    vm_module *vm;                  /* process.wasm, a core module; NULL when loading failed */
    cm_file *cm;                    /* process.wasm, a component (by its header): decoded and
                                       validated; the method's type is cm_method */
    cm_typeid cm_method;            /* the method's func type in cm's arena */
    char *load_error;               /* "failed to load wasm module: ..." or NULL */
    vm_signature sig;               /* the method's core signature */
    bool has_method;
    bool has_wit;
    wit_func wit;                   /* when has_wit */
    bool has_initialize;            /* exports `_initialize: [] -> []` */
    bool needs_wasi;                /* imports from wasi_snapshot_preview1 */
    unsigned caps;                  /* WASI_CAP_* from `imports` */
    char *call_error;               /* why the method can never be called, or NULL */
} host_module;

/* True for a process.lua entry's module. */
#define MODULE_IS_LUA(m) ((m)->entry->type == CFG_KIND_PROCESS_LUA)
/* True for a process.wasm entry whose binary is a component. */
#define MODULE_IS_COMPONENT(m) ((m)->cm != NULL)
/* A process.wasm entry that loaded (core module or component). */
#define MODULE_IS_WASM_LOADED(m) ((m)->vm != NULL || (m)->cm != NULL)

bool host_module_load(host_module *m, const cfg_entry *e);
void host_module_free(host_module *m);

/* ---- the terminal: what a command process sees ---- */
typedef struct {
    int stdio[3];                   /* host fds for guest 0, 1, 2 */
    const char *const *argv;        /* the CLI arguments (no argv[0]) */
    size_t argc;
} host_terminal;

/* ---- the WASI world of one instance (wasi_env.c) ---- */

/* Makes the WASI context of a process of module m (suspend = true), or
 * returns false with the error text ("required wasi env variable not
 * found: ID", ...). *out stays NULL when the module imports no WASI and
 * no context is needed. */
bool host_wasi_env_new(const cfg_registry *reg, const host_module *m, const host_terminal *term,
                  wasi_ctx **out, char *err, size_t errlen);
/* The environment of a process of module m: "NAME=value" strings sorted
 * by name (the wasi.env entries looked up; a missing required one fails
 * with "required wasi env variable not found: ID"). Free with
 * host_wasi_env_list_free. */
bool host_wasi_env_list(const cfg_registry *reg, const host_module *m, char ***out, size_t *count,
                        char *err, size_t errlen);
void host_wasi_env_list_free(char **env, size_t n);
/* The entry's `wasi.mounts` as wasi_mounts (each fs.directory's resolved
 * path, the guest path, read_only): *out is malloc'd (NULL when there are
 * none; its strings belong to the registry). False with "wasi mount
 * filesystem not found: ID" (or out of memory) in err. */
bool host_wasi_mounts(const cfg_registry *reg, const host_module *m, wasi_mount **out,
                      size_t *count, char *err, size_t errlen);

/* ---- processes ---- */

typedef enum { KILL_NONE = 0, KILL_CANCEL, KILL_LINK, KILL_TERMINATE } kill_kind;

typedef enum {
    PHASE_NEW,                      /* Init done; nothing instantiated yet */
    PHASE_START,                    /* running the module's start function */
    PHASE_INITIALIZE,               /* running `_initialize` */
    PHASE_METHOD,                   /* running the method */
    PHASE_DONE
} process_phase;

typedef enum { STEP_DONE, STEP_PREEMPTED, STEP_PARKED } step_status;

struct host_sched;

typedef struct host_process {
    host_node node;                 /* first: a host_node* is a host_process* */
    host_runtime *rt;
    const host_module *mod;
    struct host_sched *sched;       /* NULL: run on the caller's thread (the terminal host) */
    const char *host_id;
    struct host_process *next;      /* run-queue link (under the queue lock) */
    /* Init */
    host_value *args;
    uint32_t nargs;
    const host_terminal *term;
    host_world_hook hook;           /* host_spawn_world: zero otherwise */
    /* the instance (first Step to Close) */
    vm_store *store;
    vm_instance *inst;
    vm_thread *thread;
    wasi_ctx *wasi;
    cm_instance *ci;                /* a component's instance tree (its own store) */
    cm_call *call;                  /* a component's method call */
    struct wasi_p2 *p2;             /* a component's WASI 0.2 world (wasi/p2/p2.h) */
    process_phase phase;
    bool suspended;                 /* a WASI call (or a component's host call) waits:
                                       wasi_complete() (cm_call_complete()) first */
    int64_t deadline_ns;            /* limits.max_execution_ms, 0 = none */
    uint64_t fuel_left;             /* limits.fuel still unused (when fuel_limited) */
    bool fuel_limited;
    /* the end */
    host_value result;
    char *error;
    /* control: kill is set (once, under node.lock) by terminate, cancel or a link */
    _Atomic int kill;
    char *kill_reason;
    /* the event loop's (loop.c): loop_next/loop_cmds under its lock, the rest
     * on the loop thread only */
    struct host_process *loop_next;
    uint8_t loop_cmds;
    bool loop_queued, registered, fired;
    struct host_process *fired_next;    /* the loop's list of processes to requeue */
    size_t heap_index;
    int64_t wake_at;
    int *wait_fds;                  /* the duplicates epoll watches (grown up to HOST_WAIT_FDS) */
    uint8_t nwait_fds, cap_wait_fds;
    int wake_fd;                    /* terminal host: an eventfd process_wake() pokes */
    /* Lua processes (lua/internal.h): the state (first Step to Close);
     * whether a parked one waits for an event too (besides its deadline);
     * event_wake, armed by host_process_arm_events() while it waits, is taken
     * by the one delivery or kill that requeues it; parked_direct: it
     * waits outside the event loop (no deadline), so that one requeues it
     * straight away; linked failures as LINK_DOWN events, not an end */
    struct lua_proc *lua;
    bool wait_events;
    atomic_bool event_wake;
    atomic_bool parked_direct;
    atomic_bool trap_links;
} host_process;

/* Init: a process of module m, not yet in the pid table. args are copied. */
host_process *host_process_new(host_runtime *rt, const host_module *m, uint32_t host_index,
                          const char *host_id, const host_value *args, size_t nargs,
                          const host_terminal *term);
/* One fuel slice. STEP_DONE: result or error is set (the process is over). */
step_status host_process_step(host_process *p, uint64_t fuel);
/* After STEP_PARKED: what the process waits for (deadline capped by its
 * execution limit). False when nothing is pending. */
bool host_process_waiting(const host_process *p, wasi_wait *w, wasi_wait *fds, size_t *nfds);
/* After STEP_PARKED: whether an event delivered to it (not only its
 * deadline or descriptors) ends the wait: a Lua process in receive. */
bool host_process_waits_events(const host_process *p);
/* Arms event_wake for such a process, unless an event (or a kill) is
 * already there: then false, and it should run now. After true, the
 * executor lets go of it: the next delivery or kill requeues it. */
bool host_process_arm_events(host_process *p);
/* A delivery to p: requeues it if it was parked waiting for one. */
void host_process_wake_events(host_process *p);
/* Ends the process with an error text (printf-style): the process is done. */
void host_process_fail(host_process *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void host_process_free(host_process *p);
/* Asks the process to end (first kill wins; terminate overrides a cancel). */
void host_process_kill(host_process *p, kill_kind kind, const char *reason);

/* ---- component processes (cm_process.c) ---- */
/* One slice of a process whose module is a component (the first one
 * instantiates it and starts the method's call). */
step_status host_cm_proc_step(host_process *p, uint64_t fuel);
/* Close: the call and the instance tree. */
void host_cm_proc_close(host_process *p);
/* After STEP_PARKED: what the component's pending host call waits for. */
bool host_cm_proc_waiting(const host_process *p, wasi_wait *w, wasi_wait *fds, size_t *nfds);
/* The parameter count of a component module's method. */
uint32_t host_cm_method_nparams(const host_module *m);

/* ---- participants (node.c) ---- */
void host_node_init(host_node *n, host_pid pid, node_kind kind);
void host_node_retain(host_node *n);
void host_node_release(host_runtime *rt, host_node *n);
/* The end of a participant: marks it ended, takes it out of the pid
 * table, sends EXIT to its monitors and, after a failure, LINK_DOWN to its
 * links. value/error as the process ended (error NULL on success). */
void host_node_end(host_runtime *rt, host_node *n, const host_value *value, const char *error);
bool host_pid_list_add(pid_list *l, host_pid pid);      /* no duplicates; false: out of memory */
bool host_pid_list_remove(pid_list *l, host_pid pid);   /* false when absent */

/* ---- schedulers (scheduler.c) ---- */
typedef struct host_sched host_sched;
host_sched *host_sched_new(host_runtime *rt, const cfg_entry *host_entry, uint32_t host_index);
bool host_sched_start(host_sched *s, char *err, size_t errlen);
void host_sched_stop(host_sched *s);     /* joins the workers; every process must be gone */
void host_sched_free(host_sched *s);
/* Queues a process to run (never blocks). */
void host_sched_push(host_sched *s, host_process *p);
/* Queues a new process; waits while queue_size new ones are waiting, unless
 * called from a worker thread. */
void host_sched_admit(host_sched *s, host_process *p);
/* Runs a process to its end after STEP_DONE: EXIT/LINK_DOWN, references. */
void host_process_finish(host_runtime *rt, host_process *p);

/* ---- the event loop (loop.c) ---- */
typedef struct host_loop host_loop;
host_loop *host_loop_new(char *err, size_t errlen);
bool host_loop_start(host_loop *l, char *err, size_t errlen);
void host_loop_stop(host_loop *l);
void host_loop_free(host_loop *l);
/* The process parked (STEP_PARKED): wait for what it waits for, then requeue it. */
void host_loop_park(host_loop *l, host_process *p);
/* A kill came: if the process is parked, requeue it now. */
void host_loop_wake(host_loop *l, host_process *p);

/* ---- Lua processes (lua/; lua/disabled.c refuses them when built with LUA=0) ---- */
struct lua_script;
struct lua_proc;
/* Reads and compiles the script of a process.lua entry and of the
 * library.lua entries it imports, once. A script that does not compile is
 * kept: its processes end with the error (file:line). False (with
 * m->load_error) when the entry cannot run at all. */
bool host_lua_script_load(host_module *m, const cfg_registry *reg, const cfg_entry *e);
void host_lua_script_free(struct lua_script *s);
/* One slice of a Lua process (the first one makes its Lua state). */
step_status host_lua_proc_step(host_process *p, uint64_t fuel);
/* After STEP_PARKED: the deadline it waits for (no descriptors). */
bool host_lua_proc_waiting(const host_process *p, wasi_wait *w);
/* Close: the Lua state and the events it took from its queue. */
void host_lua_proc_close(host_process *p);

/* ---- the runtime ---- */
struct host_runtime {
    const cfg_registry *reg;
    host_options opts;
    host_module *modules;
    size_t nmodules;
    const char **host_ids;          /* index 0: "local" (mailboxes); then every host entry */
    size_t nhosts;
    host_sched **scheds;            /* by host index (NULL for terminal hosts) */
    host_loop *loop;
    pid_table pids;
    struct supervisor *sup;
    pthread_mutex_t lock;           /* guards started/stopped and the process count's waiters */
    pthread_cond_t idle;
    bool started, stopping, stopped;
    atomic_size_t nprocs;           /* processes alive */
    pthread_mutex_t log_lock;
    pthread_mutex_t names_lock;     /* guards the process names (names.c) */
    struct name_slot *names;
    size_t nnames, names_cap;
};

/* ---- process names (names.c) ---- */

#define HOST_MAX_NAMES 4096         /* registered names per runtime */
#define HOST_MAX_NAME_LEN 256       /* bytes of one name */

typedef struct name_slot {
    char *name;
    host_pid pid;
} name_slot;

/* Names live process pid (true), or false with why in err: the name is
 * another's, the process is gone, too many names, a bad name. Naming a
 * process again with its own name is true. */
bool host_names_register(host_runtime *rt, const char *name, host_pid pid, char *err,
                         size_t errlen);
/* The pid a name stands for, or 0. */
host_pid host_names_lookup(host_runtime *rt, const char *name);
/* Removes a name of process pid; false with why when it is not its name. */
bool host_names_unregister(host_runtime *rt, const char *name, host_pid pid, char *err,
                           size_t errlen);
/* Removes every name of pid (at its end). */
void host_names_release(host_runtime *rt, host_pid pid);
/* Frees the table (host_runtime_free). */
void host_names_free(host_runtime *rt);

/* The loaded module of a process.wasm entry id, or NULL. */
const host_module *host_runtime_module(const host_runtime *rt, const char *entry_id);
/* Host index of a host entry id (process.host or terminal.host), or 0. */
uint32_t host_runtime_host_index(const host_runtime *rt, const char *host_id);
/* -v logging (a no-op without opts.log). */
void host_runtime_log(host_runtime *rt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Counts a process in and out (host_runtime_stop waits for zero). */
void host_runtime_process_added(host_runtime *rt);
void host_runtime_process_gone(host_runtime *rt);

/* What a queued event weighs against HOST_MAX_QUEUED_BYTES: its topic,
 * an EXIT's value and a message's values (host_value_weight). Only
 * messages are refused for it: an EXIT, LINK_DOWN or CANCEL must arrive,
 * so it is counted but never turned away (the queue may go over). */
size_t host_event_bytes(const host_event *e);

/* ---- maps (value_tree.c) ---- */

/* host_map_set() for a key the map does not have yet (not checked): no
 * search, for building a map from keys known to be distinct. */
bool host_map_append(host_value *map, const char *key, size_t len, host_value value,
                     const char **why);
/* Orders a map's entries by the bytes of their keys. */
void host_map_sort(host_value *map);

/* Copies at most HOST_ERROR_MAX bytes of printf output into a malloc'd string. */
char *host_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
