/* module_registry.c — process.registry for Lua processes: names for
 * processes of this node (host/names.c), released when the process ends.
 * Wippy's forms:
 *
 *   register(name[, pid])  -> true | nil, err    (default: this process)
 *   lookup(name)           -> pid | nil, err
 *   unregister(name)       -> true | nil, err    (a name of this process)
 *
 * A registered name also stands for its pid wherever a pid is expected
 * (send, terminate, cancel, monitor, link: host_lua_check_pid()). It may
 * not touch the process's queue. */
#include "host/lua/internal.h"

static int fail(lua_State *L, const char *err)
{
    lua_pushnil(L);
    lua_pushstring(L, err);
    return 2;
}

static int l_register(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_proc *lp = lua_proc_of(L);
    host_pid pid = lua_isnoneornil(L, 2) ? lp->p->node.pid : host_lua_check_pid(L, 2);
    char err[256];
    if (!host_names_register(lp->p->rt, name, pid, err, sizeof err))
        return fail(L, err);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_lookup(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    host_pid pid = host_names_lookup(lua_proc_of(L)->p->rt, name);
    if (pid == 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "name not found: %s", name);
        return 2;
    }
    host_lua_push_pid(L, pid);
    return 1;
}

static int l_unregister(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_proc *lp = lua_proc_of(L);
    char err[512];
    if (!host_names_unregister(lp->p->rt, name, lp->p->node.pid, err, sizeof err))
        return fail(L, err);
    lua_pushboolean(L, 1);
    return 1;
}

void host_lua_open_registry(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "register", l_register },
        { "lookup", l_lookup },
        { "unregister", l_unregister },
        { NULL, NULL },
    };
    luaL_newlib(L, functions);
}
