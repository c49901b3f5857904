/* coroutines.c — coroutine.resume and coroutine.wrap for processes, so that
 * the script's own coroutines behave inside a process like everything
 * else: a blocking call (receive, sleep, exec) made inside one, and a
 * preemption of one in a busy loop, yield the whole process to the host.
 *
 * Such a yield is a "host yield" (lua_proc.host_yield set by host_lua_wait()
 * or by the count hook). When the coroutine being resumed makes one, the
 * resume does not return to the script: it yields its own thread the same
 * way (lua_yieldk), up to the process's coroutine and the Step; when the
 * host resumes the process, the continuation resumes the inner coroutine
 * where it stopped. Ordinary yields (coroutine.yield) work as in Lua.
 *
 * Where the thread that resumed cannot yield (inside a C function that
 * called back into Lua), a preemption is not passed up (the inner
 * coroutine just goes on) and a wait is an error. */
#include <lualib.h>

#include "host/lua/internal.h"

/* Like Lua's own auxresume, after the inner coroutine stopped for the
 * script: true and what it yielded or returned, or false and the error;
 * with `wrap`, the values alone or the error raised. */
static int finish(lua_State *L, lua_State *co, int status, int nres, bool wrap)
{
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres);
            return luaL_error(L, "too many results to resume");
        }
        lua_xmove(co, L, nres);
        if (wrap)
            return nres;
        lua_pushboolean(L, 1);
        lua_insert(L, -(nres + 1));
        return nres + 1;
    }
    lua_xmove(co, L, 1);                    /* the error */
    if (!wrap) {
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    if (lua_type(L, -1) == LUA_TSTRING) {   /* as coroutine.wrap: where it was raised */
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
    }
    return lua_error(L);
}

static int resume_k(lua_State *L, int status, lua_KContext ctx);

/* Resumes co with the narg values on its stack until it stops for the
 * script; host yields are passed up. ctx: 1 for wrap. */
static int resume(lua_State *L, lua_State *co, int narg, lua_KContext ctx)
{
    lua_proc *lp = lua_proc_of(L);
    for (;;) {
        int nres;
        lp->host_yield = false;
        int status = lua_resume(co, L, narg, &nres);
        if (status != LUA_YIELD || !lp->host_yield)
            return finish(L, co, status, nres, ctx == 1);
        lua_pop(co, nres);
        if (lua_isyieldable(L))
            return lua_yieldk(L, 0, ctx, resume_k);     /* host_yield stays set */
        if (!lp->preempted)
            return luaL_error(L, "cannot wait here: a coroutine waited inside a C function "
                              "that cannot yield");
        lp->preempted = false;              /* cannot pass it up: the coroutine goes on */
        lp->host_yield = false;
        narg = 0;
    }
}

/* The coroutine a resume or a wrapped function works on. */
static lua_State *target(lua_State *L, lua_KContext ctx)
{
    return ctx == 1 ? lua_tothread(L, lua_upvalueindex(1)) : lua_tothread(L, 1);
}

/* The host resumed the process: resume the inner coroutine where it was. */
static int resume_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    return resume(L, target(L, ctx), 0, ctx);
}

/* Moves the arguments from `first` on to co's stack; their count. */
static int pass_arguments(lua_State *L, lua_State *co, int first)
{
    int narg = lua_gettop(L) - first + 1;
    if (narg < 0)
        narg = 0;
    if (!lua_checkstack(co, narg))
        return luaL_error(L, "too many arguments to resume");
    lua_xmove(L, co, narg);
    return narg;
}

/* coroutine.resume(co, ...) */
static int l_resume(lua_State *L)
{
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co != NULL, 1, "coroutine");
    return resume(L, co, pass_arguments(L, co, 2), 0);
}

/* The function coroutine.wrap returns. */
static int wrapped(lua_State *L)
{
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    return resume(L, co, pass_arguments(L, co, 1), 1);
}

/* coroutine.wrap(f) */
static int l_wrap(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_State *co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushcclosure(L, wrapped, 1);
    return 1;
}

void host_lua_coroutines_for_processes(lua_State *L)
{
    lua_getglobal(L, LUA_COLIBNAME);
    lua_pushcfunction(L, l_resume);
    lua_setfield(L, -2, "resume");
    lua_pushcfunction(L, l_wrap);
    lua_setfield(L, -2, "wrap");
    lua_pop(L, 1);
}
