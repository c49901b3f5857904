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
 *   values.c          Lua values <-> host values; pids, durations, events
 *   module_channel.c  the process's queue as channels (inbox, events,
 *                     listen, time.after) with receive and select; the
 *                     blocking calls' yield and wait
 *   module_process.c  the `process` module
 *   module_time.c     the `time` module
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

/* The Lua value at idx as a host value (nil, boolean, number, string);
 * false with the reason in err for anything else. Never raises. */
bool host_lua_to_value(lua_State *L, int idx, host_value *out, char *err, size_t errlen);
/* Pushes a host value. */
void host_lua_push_value(lua_State *L, const host_value *v);
/* Pushes a pid as Wippy prints it ("{host|0x...}"). */
void host_lua_push_pid(lua_State *L, host_pid pid);
/* The pid string at idx; raises an argument error when it is not one. */
host_pid host_lua_check_pid(lua_State *L, int idx);
/* A duration at idx in nanoseconds: an integer (ns), a float (ns,
 * rounded) or a Go-style string ("1.5s"); def when nil or absent; raises
 * an argument error otherwise (and for a negative one). */
int64_t host_lua_opt_duration(lua_State *L, int idx, int64_t def);
/* The monotonic time d ns from now (d >= 0), saturating: far enough. */
int64_t host_lua_deadline_in(int64_t d);
/* Pushes an event as a table with both of Wippy's forms (see README). */
void host_lua_push_event(lua_State *L, const host_event *ev);

/* ---- channels and waiting (module_channel.c) ---- */

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
/* require("channel"). */
int host_lua_open_channel(lua_State *L);

/* Opens the process's library into a new state (sandbox.c; raises
 * on out of memory: call it under lua_pcall). */
void host_lua_open_sandbox(lua_State *L);

/* Replaces coroutine.resume and coroutine.wrap (coroutines.c). */
void host_lua_coroutines_for_processes(lua_State *L);

/* ---- modules ---- */
int host_lua_open_process(lua_State *L);    /* module_process.c */
int host_lua_open_time(lua_State *L);       /* module_time.c */

#endif
