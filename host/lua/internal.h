/* lua/internal.h — what the files of Lua processes share (internal to
 * host/; the process host sees only the lua_* functions of host/internal.h).
 *
 *   script.c          process.lua entries read and compiled once (and the
 *                     library.lua entries they import)
 *   lifecycle.c       one Lua process: its state (a limited allocator), the
 *                     coroutine running its method, slices (a count hook),
 *                     parking, the end
 *   sandbox.c         what the state starts with: the safe part of the
 *                     standard library, require, print
 *   values.c          Lua values <-> host values (tables as lists and maps)
 *   forms.c           pids as strings, durations, events as tables
 *   module_channel.c  the process's queue as channels (inbox, events,
 *                     listen, time.after) with receive and select; the
 *                     blocking calls' yield and wait
 *   channel_local.c   channel.new(): channels between the coroutines of
 *                     one process (send, close, case_send, blocking)
 *   module_process.c  the `process` module
 *   module_time.c     the `time` module
 *   module_registry.c process.registry: names for processes
 *   coroutines.c      coroutine.resume/wrap that pass the host's yields up
 *   disabled.c        stands in for all of these in a build with LUA=0
 *
 * A Lua process runs on one thread at a time (the worker stepping it), so
 * its lua_proc needs no lock; only the node's queue, which others deliver
 * to, is shared (under the node's lock). */
#ifndef WIPPY_HOST_LUA_INTERNAL_H
#define WIPPY_HOST_LUA_INTERNAL_H

#include <lauxlib.h>
#include <lua.h>

#include "host/internal.h"

/* ---- bounds ---- */
#define LUA_DEFAULT_MEMORY (64u << 20)  /* bytes per Lua state unless configured */
#define LUA_MAX_SOURCE (4u << 20)       /* bytes of one script file */
#define LUA_HOOK_EVERY 1000             /* VM instructions between looks at the slice */
#define LUA_MAX_LISTENERS 64            /* process.listen() topics per process */
#define LUA_MAX_TOPIC 1024              /* bytes of a process.listen() topic */
#define LUA_MAX_SELECT 32               /* cases of one channel.select */
#define LUA_MAX_CHANNEL_CAP 1000000     /* buffer of one channel.new(capacity) */

/* ---- scripts (script.c) ---- */

/* A chunk compiled once: Lua bytecode (lua_dump, debug info kept), loaded
 * into each process's state; only ever our own output is loaded as binary. */
typedef struct {
    char *name;                     /* "@PATH": errors read PATH:LINE: ... */
    char *code;
    size_t size;
    char *error;                    /* why it does not compile ("PATH:LINE: ..."), or NULL */
} lua_chunk;

typedef struct {
    const char *local;              /* the name require() knows it by */
    const char *id;                 /* the library.lua entry */
    lua_chunk chunk;
} lua_import;

struct lua_script {
    lua_chunk main;
    lua_import *imports;
    size_t nimports;
};

/* Loads a chunk (binary) onto L's stack; LUA_OK or an error message pushed. */
int host_lua_chunk_push(lua_State *L, const lua_chunk *c);

/* ---- one process (lifecycle.c) ---- */

/* Events taken from the node's queue, in arrival order. */
typedef struct {
    event_item *head, *tail;
} event_list;

typedef struct {
    char *topic;
    event_list items;
} lua_listener;

typedef struct lua_proc {
    host_process *p;
    lua_State *L;                   /* the state's main thread */
    lua_State *co;                  /* the coroutine running the method */
    size_t used, limit;             /* bytes allocated, and the most allowed */
    /* the slice: instructions left (the hook counts); a yield for the
     * host (host_yield), and whether that was the hook's (preempted) */
    uint64_t slice_left;
    bool host_yield;
    bool preempted;
    /* a blocking call's wait: until wait_deadline (monotonic ns, -1 none),
     * and for an event too when wait_events */
    int64_t wait_deadline;
    bool wait_events;
    /* events taken from the node's queue (module_channel.c) */
    event_list events;              /* EXIT, LINK_DOWN, CANCEL */
    event_list inbox;               /* messages no listener took */
    lua_listener listeners[LUA_MAX_LISTENERS];
    size_t nlisteners;
    uint64_t next_seq;
    size_t taken, taken_bytes;      /* consumed, not yet subtracted from the node's counts */
} lua_proc;

/* The process whose state L (or one of its coroutines) belongs to. */
static inline lua_proc *lua_proc_of(lua_State *L)
{
    return *(lua_proc **)lua_getextraspace(L);
}

/* ---- values (values.c) ---- */

/* What values converted one after another may weigh together
 * (host_value_weight): the arguments of one spawn, the values of one
 * message, a result. */
typedef struct {
    size_t used, limit;
} lua_budget;

/* The Lua value at idx as a host value: nil, booleans, numbers, strings,
 * and tables of them (a list for keys 1..n, a map for string keys; see
 * values.c), its weight taken from *budget; false with the reason in err
 * (naming the path to the culprit: `field "tags"[3]: cannot pass a
 * function to another process`) for anything else, or when the budget or
 * HOST_MAX_VALUE_DEPTH is exceeded. Never raises; leaves the stack as it
 * was. */
bool host_lua_to_value(lua_State *L, int idx, lua_budget *budget, host_value *out, char *err,
                       size_t errlen);
/* Pushes a host value: a list as a table with keys 1..n, a map as a
 * table with its keys. Raises on out of memory. */
void host_lua_push_value(lua_State *L, const host_value *v);
/* ---- pids, durations, events (forms.c) ---- */

/* Pushes a pid as Wippy prints it ("{host|0x...}"). */
void host_lua_push_pid(lua_State *L, host_pid pid);
/* The pid string at idx, or a registered name's pid; raises an argument
 * error when it is neither. */
host_pid host_lua_check_pid(lua_State *L, int idx);
/* A duration at idx in nanoseconds: an integer (ns), a float (ns,
 * rounded) or a Go-style string ("1.5s"); def when nil or absent; raises
 * an argument error otherwise (and for a negative one). */
int64_t host_lua_opt_duration(lua_State *L, int idx, int64_t def);
/* The monotonic time d ns from now (d >= 0), saturating: far enough. */
int64_t host_lua_deadline_in(int64_t d);
/* Pushes an event as a table with both of Wippy's forms (see README). */
void host_lua_push_event(lua_State *L, const host_event *ev);

/* ---- channels and waiting (module_channel.c, channel_local.c) ---- */

#define CHANNEL "wippy.channel"     /* the metatable of every channel */

typedef enum { CH_INBOX, CH_EVENTS, CH_TOPIC, CH_TIMER, CH_LOCAL } channel_kind;

/* A channel (userdata). CH_LOCAL keeps its values in its user value 1, a
 * table holding them at keys head .. tail-1. */
typedef struct {
    channel_kind kind;
    int listener;                   /* CH_TOPIC: index in lp->listeners */
    int64_t at;                     /* CH_TIMER: when (monotonic ns) */
    bool fired;                     /* CH_TIMER: its one value was received */
    lua_Integer cap;                /* CH_LOCAL: buffer size, 0 unbuffered */
    lua_Integer head, tail;         /* CH_LOCAL: next to take, next free */
    bool closed;                    /* CH_LOCAL */
} lua_channel;

/* Pushes a new channel of that kind (with a user value for CH_LOCAL). */
lua_channel *host_lua_push_channel(lua_State *L, channel_kind kind);

/* Moves what was delivered to the node into the process's lists. */
void host_lua_take_queue(lua_proc *lp);
/* Frees everything taken and not consumed (at Close). */
void host_lua_free_lists(lua_proc *lp);
/* Yields the process until deadline (-1 none) or, with events, until
 * something is delivered; resumes in k. Must be returned by a C function. */
int host_lua_wait(lua_State *L, int64_t deadline, bool events, lua_KContext ctx, lua_KFunction k);
/* process.receive(timeout), inbox(), events(), listen(topic). */
int host_lua_process_receive(lua_State *L);
int host_lua_process_inbox(lua_State *L);
int host_lua_process_events(lua_State *L);
int host_lua_process_listen(lua_State *L);
/* A channel that delivers the time once, after d ns (time.after). */
void host_lua_push_timer_channel(lua_State *L, int64_t d);
/* exec: when the EXIT of pid is among the process's events, pushes its
 * result, error (value, nil or nil, error), consumes it and returns 2;
 * otherwise returns 0. */
int host_lua_push_exit_of(lua_State *L, lua_proc *lp, host_pid pid);
/* require("channel"), and the global `channel`. */
int host_lua_open_channel(lua_State *L);

/* channel.new([capacity]); ch:send(v), ch:case_send(v), ch:close(). */
int host_lua_local_new(lua_State *L);
int host_lua_local_send(lua_State *L);
int host_lua_local_case_send(lua_State *L);
int host_lua_local_close(lua_State *L);
/* A local channel's next value pushed and taken: 1; nil pushed for a
 * closed, drained one: 2; nothing yet: 0. idx: the channel. */
int host_lua_local_take(lua_State *L, lua_channel *ch, int idx);
/* select's send case: puts the value at vidx into the channel at chidx
 * if it has room (an unbuffered one when nothing is pending); true if it
 * did. Raises for a closed channel or one not from channel.new. */
bool host_lua_local_offer(lua_State *L, lua_channel *ch, int chidx, int vidx);
/* A wait on a local channel (what: "send", "receive", "select"): inside a
 * coroutine of the script, yields to whoever resumed it (it looks again
 * when resumed); in the process's own coroutine, waits for the deadline
 * or a delivery as host_lua_wait() does, and when there is neither,
 * raises the deadlock error. Must be returned by a C function. */
int host_lua_local_block(lua_State *L, int64_t deadline, bool events, lua_KContext ctx,
                         lua_KFunction k, const char *what);

/* Opens the process's library into a new state (sandbox.c; raises
 * on out of memory: call it under lua_pcall). */
void host_lua_open_sandbox(lua_State *L);

/* Replaces coroutine.resume and coroutine.wrap (coroutines.c). */
void host_lua_coroutines_for_processes(lua_State *L);

/* ---- modules ---- */
int host_lua_open_process(lua_State *L);    /* module_process.c */
int host_lua_open_time(lua_State *L);       /* module_time.c */
void host_lua_open_registry(lua_State *L);  /* module_registry.c: pushes process.registry */

#endif
