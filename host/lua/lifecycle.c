/* lifecycle.c — one Lua process through the lifecycle every process has
 * (host/wasm_process.c): Init records the arguments; the first Step makes the Lua
 * state; each Step resumes the coroutine that runs the entry's method for
 * one slice; Close frees the state.
 *
 *   the state      lua_newstate with an allocator that refuses to go past
 *                  the entry's limits.max_memory, and the library of
 *                  sandbox.c. Set up inside lua_pcall, so running out
 *                  of memory is an error, never a panic.
 *   the coroutine  run_process(): loads the compiled script, calls it for
 *                  its table of functions, calls the method with the
 *                  spawn arguments; continuations (lua_callk) keep it
 *                  yieldable all the way down.
 *   a slice        a count hook looks every LUA_HOOK_EVERY instructions;
 *                  once the slice's instructions are spent it yields
 *                  (lua_yield from a hook, which Lua 5.4 allows), so a
 *                  busy loop is preempted like a WASM process. A blocking
 *                  call (receive, sleep, exec) yields through host_lua_wait()
 *                  with what it waits for: the Step parks the process.
 *                  A wait with a deadline goes to the event loop (its
 *                  timer, or a delivery's WAKE, requeues it); a wait for
 *                  a delivery alone stays with no one, and the delivery
 *                  requeues it (scheduler.c, host_process_arm_events()).
 *   the end        the method's first result is the EXIT value; an error
 *                  is the EXIT error, "PATH:LINE: message" and the Lua
 *                  frames below it. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/lua/internal.h"

/* ---- the allocator: every state has a byte budget ---- */

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    lua_proc *lp = ud;
    size_t old = ptr != NULL ? osize : 0;   /* with no block, osize is a type tag */
    if (nsize == 0) {
        free(ptr);
        lp->used -= old;
        return NULL;
    }
    if (nsize > old && nsize - old > lp->limit - lp->used)
        return NULL;                        /* Lua raises "not enough memory" */
    void *q = realloc(ptr, nsize);
    if (q != NULL)
        lp->used = lp->used - old + nsize;
    return q;
}

/* ---- the state ---- */

/* The coroutine's body, in three parts joined by continuations so that
 * every part can yield: the script, then the method, then its result. */
static int method_done(lua_State *co, int status, lua_KContext ctx)
{
    (void)co;
    (void)status;
    (void)ctx;
    return 1;
}

static int script_done(lua_State *co, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    host_process *p = lua_proc_of(co)->p;
    const char *method = p->mod->entry->as.lua.method;
    if (lua_type(co, 1) == LUA_TTABLE) {
        lua_pushstring(co, method);
        lua_rawget(co, 1);
    } else {
        lua_pushnil(co);
    }
    if (!lua_isfunction(co, -1)) {          /* a global function of that name will do */
        lua_pop(co, 1);
        lua_getglobal(co, method);
    }
    if (!lua_isfunction(co, -1))
        return luaL_error(co, "%s: method %s not found: the script must return a table with a "
                          "function %s", p->mod->entry->as.lua.source, method, method);
    luaL_checkstack(co, (int)p->nargs + 1, "too many arguments");
    for (uint32_t i = 0; i < p->nargs; i++)
        host_lua_push_value(co, &p->args[i]);
    lua_callk(co, (int)p->nargs, 1, 0, method_done);
    return method_done(co, LUA_OK, 0);
}

static int run_process(lua_State *co)
{
    lua_settop(co, 0);
    if (host_lua_chunk_push(co, &lua_proc_of(co)->p->mod->script->main) != LUA_OK)
        return lua_error(co);
    lua_callk(co, 0, 1, 0, script_done);
    return script_done(co, LUA_OK, 0);
}

/* Everything that allocates while making the state (run under lua_pcall). */
static int setup_state(lua_State *L)
{
    host_lua_open_sandbox(L);
    lua_proc *lp = lua_proc_of(L);
    lp->co = lua_newthread(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, lp);  /* anchors the coroutine */
    lua_pushcfunction(lp->co, run_process);
    return 0;
}

/* The first Step: the state, its limit, the coroutine. */
static bool start(host_process *p)
{
    const cfg_lua *cfg = &p->mod->entry->as.lua;
    if (cfg->max_execution_ms > 0)
        p->deadline_ns = host_lua_deadline_in(cfg->max_execution_ms > INT64_MAX / 1000000
                                          ? INT64_MAX : cfg->max_execution_ms * 1000000);
    lua_proc *lp = calloc(1, sizeof *lp);
    if (lp == NULL) {
        host_process_fail(p, "lua: out of memory");
        return false;
    }
    lp->p = p;
    lp->limit = cfg->max_memory > 0 ? (size_t)cfg->max_memory
              : p->rt->opts.lua_max_memory > 0 ? p->rt->opts.lua_max_memory : LUA_DEFAULT_MEMORY;
    lp->wait_deadline = -1;
    p->lua = lp;
    lp->L = lua_newstate(limited_alloc, lp);
    if (lp->L == NULL) {
        host_process_fail(p, "lua: cannot make a state within %zu bytes", lp->limit);
        return false;
    }
    *(lua_proc **)lua_getextraspace(lp->L) = lp;   /* copied into every thread made later */
    lua_pushcfunction(lp->L, setup_state);
    if (lua_pcall(lp->L, 0, 0, 0) != LUA_OK) {
        host_process_fail(p, "lua: cannot set up the state: %s (the limit is %zu bytes)",
                  lua_type(lp->L, -1) == LUA_TSTRING ? lua_tostring(lp->L, -1) : "error", lp->limit);
        return false;
    }
    return true;
}

/* ---- slices ---- */

/* Every LUA_HOOK_EVERY instructions: yields once the slice is spent (in a
 * coroutine of the script's own too: coroutines.c passes it up). Where it
 * cannot yield (inside a C function that called back into Lua) it looks
 * again next time, and raises an error only when the process must end (a
 * limit, a kill) to get out. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_proc *lp = lua_proc_of(L);
    if (lp->slice_left > LUA_HOOK_EVERY) {
        lp->slice_left -= LUA_HOOK_EVERY;
        return;
    }
    lp->slice_left = 0;
    if (lua_isyieldable(L)) {
        lp->preempted = lp->host_yield = true;
        lua_yield(L, 0);
        return;
    }
    host_process *p = lp->p;
    if (atomic_load(&p->kill) != KILL_NONE)
        luaL_error(L, "the process is being ended");
    if (p->deadline_ns != 0 && host_now_ns() >= p->deadline_ns)
        luaL_error(L, "execution time limit exceeded");
}

/* The error at the top of the coroutine as the EXIT error: the message
 * and the Lua frames it came through (read without allocating: the state
 * may be out of memory). */
static void end_lua_error(host_process *p, int status)
{
    lua_proc *lp = p->lua;
    lua_State *co = lp->co;
    char buf[HOST_ERROR_MAX];
    int t = lua_type(co, -1);
    if (status == LUA_ERRMEM)
        snprintf(buf, sizeof buf, "not enough memory (the Lua state may hold %zu bytes)", lp->limit);
    else if (t == LUA_TSTRING)
        snprintf(buf, sizeof buf, "%s", lua_tostring(co, -1));
    else if (t == LUA_TNUMBER && lua_isinteger(co, -1))
        snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(co, -1));
    else if (t == LUA_TNUMBER)
        snprintf(buf, sizeof buf, "%.14g", lua_tonumber(co, -1));
    else
        snprintf(buf, sizeof buf, "(error object is a %s value)", lua_typename(co, t));
    size_t n = strlen(buf);
    lua_Debug ar;
    int shown = 0;
    for (int level = 0; lua_getstack(co, level, &ar) && n < sizeof buf; level++) {
        if (!lua_getinfo(co, "Sln", &ar) || ar.currentline <= 0)
            continue;                       /* a C function */
        if (shown++ == HOST_MAX_TRACE) {
            snprintf(buf + n, sizeof buf - n, "\n  ...");
            break;
        }
        n += (size_t)snprintf(buf + n, sizeof buf - n, "\n  at %s:%d%s%s", ar.short_src,
                              ar.currentline, ar.name ? " in " : "", ar.name ? ar.name : "");
    }
    host_process_fail(p, "%s", buf);
}

/* The method returned: its first result is the EXIT value. */
static void end_result(host_process *p)
{
    lua_State *co = p->lua->co;
    char err[256];
    host_value_free(&p->result);
    if (lua_gettop(co) == 0)
        p->result = host_nil();
    else if (!host_lua_to_value(co, -1, &p->result, err, sizeof err))
        host_process_fail(p, "lua: the method's result cannot leave the process: %s", err);
    p->phase = PHASE_DONE;
}

step_status host_lua_proc_step(host_process *p, uint64_t fuel)
{
    if (p->lua == NULL && !start(p))
        return STEP_DONE;
    lua_proc *lp = p->lua;
    p->wait_events = false;
    atomic_store(&p->event_wake, false);
    if (p->deadline_ns != 0 && host_now_ns() >= p->deadline_ns) {
        host_process_fail(p, "execution time limit exceeded: %" PRId64 " ms",
                  p->mod->entry->as.lua.max_execution_ms);
        return STEP_DONE;
    }
    lp->slice_left = fuel;
    lua_sethook(lp->co, count_hook, LUA_MASKCOUNT, LUA_HOOK_EVERY);
    lp->host_yield = lp->preempted = false;
    lp->wait_deadline = -1;
    lp->wait_events = false;
    int nres = 0;
    int st = lua_resume(lp->co, lp->L, 0, &nres);
    if (st == LUA_OK) {
        end_result(p);
        return STEP_DONE;
    }
    if (st != LUA_YIELD) {
        /* The hook raises errors to get a process that must end out of a
         * C call: then the end is the kill's or the limit's. */
        if (atomic_load(&p->kill) != KILL_NONE)
            return STEP_PREEMPTED;      /* the next Step ends it as killed */
        if (p->deadline_ns != 0 && host_now_ns() >= p->deadline_ns)
            host_process_fail(p, "execution time limit exceeded: %" PRId64 " ms",
                      p->mod->entry->as.lua.max_execution_ms);
        else
            end_lua_error(p, st);
        return STEP_DONE;
    }
    lua_pop(lp->co, nres);
    if (!lp->host_yield) {
        host_process_fail(p, "%s: attempt to yield from outside a coroutine", p->mod->entry->as.lua.source);
        return STEP_DONE;
    }
    if (lp->preempted)
        return STEP_PREEMPTED;          /* the next Step looks at the deadline */
    p->wait_events = lp->wait_events;  /* the executor arms event_wake as it parks it */
    return STEP_PARKED;
}

bool host_lua_proc_waiting(const host_process *p, wasi_wait *w)
{
    const lua_proc *lp = p->lua;
    if (lp == NULL)
        return false;
    int64_t at = lp->wait_deadline;
    if (p->deadline_ns != 0 && (at < 0 || at > p->deadline_ns))
        at = p->deadline_ns;
    *w = (wasi_wait){ .has_deadline = at >= 0, .deadline_ns = at >= 0 ? (uint64_t)at : 0, .fd = -1 };
    return true;
}

void host_lua_proc_close(host_process *p)
{
    lua_proc *lp = p->lua;
    if (lp == NULL)
        return;
    if (lp->L != NULL)
        lua_close(lp->L);
    host_lua_free_lists(lp);
    free(lp);
    p->lua = NULL;
}
