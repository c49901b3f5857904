/* sandbox.c — the library a Lua process's state starts with:
 *
 *   base, string, table, math, utf8, coroutine (with coroutines.c's resume
 *   and wrap); `os` with only clock, date, difftime and time; no io,
 *   debug or package; no dofile or loadfile; `load` of text only (never
 *   bytecode); `setmetatable` without __gc (a finalizer would run our
 *   code whenever the collector likes, outside any slice or limit);
 *   `print` to the terminal of a command, to stdout otherwise;
 *   `require` of the modules the entry lists (process, time, channel),
 *   of its imports (library.lua entries, compiled by script.c) and of
 *   the standard libraries by name, and of nothing else;
 *   `process` and `channel` as globals, as Wippy's core modules are
 *   (require("channel") gives the same table, listed in `modules` or not). */
#include <string.h>
#include <unistd.h>

#include <lualib.h>

#include "host/lua/internal.h"

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
    { "process", host_lua_open_process },
    { "time", host_lua_open_time },
    { "channel", host_lua_open_channel },
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
        if (host_lua_chunk_push(L, &m->script->imports[i].chunk) != LUA_OK)
            return lua_error(L);
        lua_pushvalue(L, 1);
        lua_callk(L, 1, 1, 0, require_done);
        return require_done(L, LUA_OK, 0);
    }
    for (size_t i = 0; i < sizeof builtin_modules / sizeof builtin_modules[0]; i++) {
        if (strcmp(builtin_modules[i].name, name) != 0)
            continue;
        if (!listed(cfg, name) && strcmp(name, "channel") != 0)   /* a core module */
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

/* ---- the state's globals ---- */

void host_lua_open_sandbox(lua_State *L)
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
    host_lua_coroutines_for_processes(L);
    open_os_subset(L);
    lua_pushnil(L);
    lua_setglobal(L, "dofile");
    lua_pushnil(L);
    lua_setglobal(L, "loadfile");
    wrap_global(L, "load", l_load);
    wrap_global(L, "setmetatable", l_setmetatable);
    lua_register(L, "print", l_print);
    lua_register(L, "require", l_require);
    luaL_requiref(L, "process", host_lua_open_process, 1);
    lua_pop(L, 1);
    luaL_requiref(L, "channel", host_lua_open_channel, 1);
    lua_pop(L, 1);
}
