/* lua_proc.c — one Lua process through the lifecycle every process has
 * (process.c): Init records the arguments; the first Step makes the Lua
 * state; each Step resumes the coroutine that runs the entry's method for
 * one slice; Close frees the state.
 *
 *   the state      lua_newstate with an allocator that refuses to go past
 *                  the entry's limits.max_memory; the safe part of the
 *                  standard library (no io, no os beyond the clock, no
 *                  loading of files or bytecode, no __gc); `require` that
 *                  loads only the entry's `modules` and `imports`; the
 *                  `process` global. Set up inside lua_pcall, so running
 *                  out of memory is an error, never a panic.
 *   the coroutine  run_process(): loads the compiled script, calls it for
 *                  its table of functions, calls the method with the
 *                  spawn arguments; continuations (lua_callk) keep it
 *                  yieldable all the way down.
 *   a slice        a count hook looks every LUA_HOOK_EVERY instructions;
 *                  once the slice's instructions are spent it yields
 *                  (lua_yield from a hook, which Lua 5.4 allows), so a
 *                  busy loop is preempted like a WASM process. A blocking
 *                  call (receive, sleep, exec) yields through lua_wait()
 *                  with what it waits for: the Step parks the process.
 *                  A wait with a deadline goes to the event loop (its
 *                  timer, or a delivery's WAKE, requeues it); a wait for
 *                  a delivery alone stays with no one, and the delivery
 *                  requeues it (scheduler.c, process_arm_events()).
 *   the end        the method's first result is the EXIT value; an error
 *                  is the EXIT error, "PATH:LINE: message" and the Lua
 *                  frames below it. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lualib.h>

#include "host/lua_internal.h"

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

/* ---- the sandboxed standard library ---- */

/* print(...): one line to the terminal's stdout (a command) or stdout. */
static int l_print(lua_State *L)
{
    lua_proc *lp = lua_proc_of(L);
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_addchar(&b, '\n');
    luaL_pushresult(&b);
    size_t len;
    const char *text = lua_tolstring(L, -1, &len);
    int fd = lp->p->term != NULL ? lp->p->term->stdio[1] : STDOUT_FILENO;
    while (len > 0) {
        ssize_t w = write(fd, text, len);
        if (w <= 0)
            break;
        text += w;
        len -= (size_t)w;
    }
    return 0;
}

/* load(chunk, name, mode, env): text only, whatever mode says. */
static int l_load(lua_State *L)
{
    lua_settop(L, 4);
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 4, LUA_MULTRET);
    return lua_gettop(L);
}

/* setmetatable(t, mt): no __gc, which would run our code at any time
 * (and at lua_close, where no slice or limit applies). */
static int l_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc metamethods are not available to processes");
        lua_pop(L, 1);
    }
    lua_settop(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 2, 1);
    return 1;
}

/* Replaces global `name` by f with the original as its upvalue. */
static void wrap_global(lua_State *L, const char *name, lua_CFunction f)
{
    lua_getglobal(L, name);
    lua_pushcclosure(L, f, 1);
    lua_setglobal(L, name);
}

/* `os` with the clock and dates only (no exit, execute, getenv, files). */
static void open_os_subset(lua_State *L)
{
    static const char *const keep[] = { "clock", "date", "difftime", "time" };
    lua_pushcfunction(L, luaopen_os);
    lua_call(L, 0, 1);
    lua_createtable(L, 0, 4);
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        lua_getfield(L, -2, keep[i]);
        lua_setfield(L, -2, keep[i]);
    }
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "os");
    lua_pop(L, 1);
    lua_setglobal(L, "os");
    lua_pop(L, 1);
}

/* ---- require ---- */

static const struct {
    const char *name;
    lua_CFunction open;
} builtin_modules[] = {
    { "process", luaopen_wippy_process },
    { "time", luaopen_wippy_time },
    { "channel", luaopen_wippy_channel },
};

static bool listed(const cfg_lua *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->nmodules; i++)
        if (strcmp(cfg->modules[i], name) == 0)
            return true;
    return false;
}

/* After a library's chunk ran: cache and return what it returned. */
static int require_done(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, 2, lua_tostring(L, 1));
    return 1;
}

/* require(name): an import (library.lua), a module the entry lists, or a
 * standard library; anything else is refused with a clear error. */
static int l_require(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_settop(L, 1);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    const host_module *m = lua_proc_of(L)->p->mod;
    const cfg_lua *cfg = &m->entry->as.lua;
    for (size_t i = 0; i < m->script->nimports; i++) {
        if (strcmp(m->script->imports[i].local, name) != 0)
            continue;
        if (lua_getfield(L, 2, name) != LUA_TNIL)
            return 1;
        lua_pop(L, 1);
        if (lua_chunk_push(L, &m->script->imports[i].chunk) != LUA_OK)
            return lua_error(L);
        lua_pushvalue(L, 1);
        lua_callk(L, 1, 1, 0, require_done);
        return require_done(L, LUA_OK, 0);
    }
    for (size_t i = 0; i < sizeof builtin_modules / sizeof builtin_modules[0]; i++) {
        if (strcmp(builtin_modules[i].name, name) != 0)
            continue;
        if (!listed(cfg, name))
            return luaL_error(L, "module '%s' is not allowed: %s does not list it in `modules`",
                              name, m->entry->id);
        luaL_requiref(L, name, builtin_modules[i].open, 0);
        return 1;
    }
    static const char *const standard[] = { "string", "table", "math", "utf8", "coroutine", "os" };
    for (size_t i = 0; i < sizeof standard / sizeof standard[0]; i++)
        if (strcmp(standard[i], name) == 0 && lua_getfield(L, 2, name) != LUA_TNIL)
            return 1;
    if (listed(cfg, name))
        return luaL_error(L, "module '%s' is not available in this runtime "
                          "(modules: process, time, channel)", name);
    return luaL_error(L, "module '%s' not found: it is neither in the modules nor in the "
                      "imports of %s", name, m->entry->id);
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
        luah_push_value(co, &p->args[i]);
    lua_callk(co, (int)p->nargs, 1, 0, method_done);
    return method_done(co, LUA_OK, 0);
}

static int run_process(lua_State *co)
{
    lua_settop(co, 0);
    if (lua_chunk_push(co, &lua_proc_of(co)->p->mod->script->main) != LUA_OK)
        return lua_error(co);
    lua_callk(co, 0, 1, 0, script_done);
    return script_done(co, LUA_OK, 0);
}

/* Everything that allocates while making the state (run under lua_pcall). */
static int setup_state(lua_State *L)
{
    static const luaL_Reg libs[] = {
        { LUA_GNAME, luaopen_base },         { LUA_STRLIBNAME, luaopen_string },
        { LUA_TABLIBNAME, luaopen_table },   { LUA_MATHLIBNAME, luaopen_math },
        { LUA_UTF8LIBNAME, luaopen_utf8 },   { LUA_COLIBNAME, luaopen_coroutine },
    };
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        luaL_requiref(L, libs[i].name, libs[i].func, 1);
        lua_pop(L, 1);
    }
    open_os_subset(L);
    lua_pushnil(L);
    lua_setglobal(L, "dofile");
    lua_pushnil(L);
    lua_setglobal(L, "loadfile");
    wrap_global(L, "load", l_load);
    wrap_global(L, "setmetatable", l_setmetatable);
    lua_register(L, "print", l_print);
    lua_register(L, "require", l_require);
    luaL_requiref(L, "process", luaopen_wippy_process, 1);   /* a global, as in Wippy */
    lua_pop(L, 1);
    lua_proc *lp = lua_proc_of(L);
    lp->co = lua_newthread(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, lp);  /* anchors the coroutine */
    lua_pushcfunction(lp->co, run_process);
    return 0;
}

/* Ends the process with an error text. */
static void end_error(host_process *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void end_error(host_process *p, const char *fmt, ...)
{
    char buf[HOST_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(p->error);
    p->error = strdup(buf);
    if (p->error == NULL)
        p->error = strdup("out of memory");
    p->phase = PHASE_DONE;
}

/* The first Step: the state, its limit, the coroutine. */
static bool start(host_process *p)
{
    const cfg_lua *cfg = &p->mod->entry->as.lua;
    if (cfg->max_execution_ms > 0)
        p->deadline_ns = host_now_ns() + cfg->max_execution_ms * 1000000;
    lua_proc *lp = calloc(1, sizeof *lp);
    if (lp == NULL) {
        end_error(p, "lua: out of memory");
        return false;
    }
    lp->p = p;
    lp->limit = cfg->max_memory > 0 ? (size_t)cfg->max_memory
              : p->rt->opts.lua_max_memory > 0 ? p->rt->opts.lua_max_memory : LUA_DEFAULT_MEMORY;
    lp->wait_deadline = -1;
    p->lua = lp;
    lp->L = lua_newstate(limited_alloc, lp);
    if (lp->L == NULL) {
        end_error(p, "lua: cannot make a state within %zu bytes", lp->limit);
        return false;
    }
    *(lua_proc **)lua_getextraspace(lp->L) = lp;   /* copied into every thread made later */
    lua_pushcfunction(lp->L, setup_state);
    if (lua_pcall(lp->L, 0, 0, 0) != LUA_OK) {
        end_error(p, "lua: cannot set up the state: %s (the limit is %zu bytes)",
                  lua_type(lp->L, -1) == LUA_TSTRING ? lua_tostring(lp->L, -1) : "error", lp->limit);
        return false;
    }
    return true;
}

/* ---- slices ---- */

/* Every LUA_HOOK_EVERY instructions: yields once the slice is spent. Where
 * it cannot yield (inside a C function that called back into Lua, or a
 * coroutine of the script's own) it looks again next time, and raises an
 * error only when the process must end (a limit, a kill) to get out. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_proc *lp = lua_proc_of(L);
    if (lp->slice_left > LUA_HOOK_EVERY) {
        lp->slice_left -= LUA_HOOK_EVERY;
        return;
    }
    lp->slice_left = 0;
    if (L == lp->co && lua_isyieldable(L)) {
        lp->preempted = true;
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
    end_error(p, "%s", buf);
}

/* The method returned: its first result is the EXIT value. */
static void end_result(host_process *p)
{
    lua_State *co = p->lua->co;
    char err[256];
    host_value_free(&p->result);
    if (lua_gettop(co) == 0)
        p->result = host_nil();
    else if (!luah_to_value(co, -1, &p->result, err, sizeof err))
        end_error(p, "lua: the method's result cannot leave the process: %s", err);
    p->phase = PHASE_DONE;
}

step_status lua_proc_step(host_process *p, uint64_t fuel)
{
    if (p->lua == NULL && !start(p))
        return STEP_DONE;
    lua_proc *lp = p->lua;
    const int64_t limit_ms = p->mod->entry->as.lua.max_execution_ms;
    p->wait_events = false;
    atomic_store(&p->event_wake, false);
    lp->slice_left = fuel;
    lua_sethook(lp->co, count_hook, LUA_MASKCOUNT, LUA_HOOK_EVERY);
    for (;;) {
        if (p->deadline_ns != 0 && host_now_ns() >= p->deadline_ns) {
            end_error(p, "execution time limit exceeded: %" PRId64 " ms", limit_ms);
            return STEP_DONE;
        }
        int nres = 0;
        lp->preempted = false;
        lp->wait_deadline = -1;
        lp->wait_events = false;
        int st = lua_resume(lp->co, lp->L, 0, &nres);
        if (st == LUA_OK) {
            end_result(p);
            return STEP_DONE;
        }
        if (st != LUA_YIELD) {
            end_lua_error(p, st);
            return STEP_DONE;
        }
        lua_pop(lp->co, nres);
        bool waits = lp->wait_events || lp->wait_deadline >= 0;
        if (lp->preempted) {
            if (p->deadline_ns != 0 && host_now_ns() >= p->deadline_ns)
                continue;                   /* ends above */
            return STEP_PREEMPTED;
        }
        if (!waits) {
            end_error(p, "%s: attempt to yield from outside a coroutine",
                      p->mod->entry->as.lua.source);
            return STEP_DONE;
        }
        p->wait_events = lp->wait_events;  /* the executor arms event_wake as it parks it */
        return STEP_PARKED;
    }
}

bool lua_proc_waiting(const host_process *p, wasi_wait *w)
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

void lua_proc_close(host_process *p)
{
    lua_proc *lp = p->lua;
    if (lp == NULL)
        return;
    if (lp->L != NULL)
        lua_close(lp->L);
    lua_free_lists(lp);
    free(lp);
    p->lua = NULL;
}
