/* module_process.c — the `process` module of Lua processes (doc/wippy-compatibility.md),
 * on the public process API of host.h with the calling process as the
 * participant:
 *
 *   spawn, spawn_monitored, spawn_linked, spawn_linked_monitored
 *                          (id, host, ...) -> pid | nil, err
 *   exec(id, host, ...)    spawns and waits for the end -> result | nil, err
 *   send(pid, topic, ...)  -> true | false, err
 *   terminate(pid), cancel(pid, reason), monitor, unmonitor, link, unlink
 *                          -> true | false, err
 *   self()                 -> this process's pid
 *   set_options{trap_links = bool}
 *   receive(timeout), inbox(), events(), listen(topic)   (module_channel.c)
 *   event                  {EXIT = "pid.exit", LINK_DOWN = "pid.link.down",
 *                           CANCEL = "pid.cancel"}
 *   registry               register, lookup, unregister (module_registry.c)
 *
 * Pids are the strings host_pid_format() prints. Arguments and message
 * values convert as values.c says, tables included; the arguments of one
 * spawn may weigh HOST_MAX_VALUE_BYTES together, the values of one
 * message HOST_MESSAGE_BYTES with the topic. A spawn's arguments reach a
 * WASM method as the host maps numbers and `wit:` strings. */
#include <stdio.h>
#include <string.h>

#include "host/lua/internal.h"

/* Converts the Lua values from index `from` to the top into vals (at most
 * max values, weighing at most `limit` together, `used` of it already
 * taken: a message's topic); false with the reason pushed as nil, err (2
 * results) on failure. */
static bool collect(lua_State *L, int from, host_value *vals, size_t max, size_t used,
                    size_t limit, size_t *n)
{
    int top = lua_gettop(L);
    *n = 0;
    if (top - from + 1 > (int)max) {
        lua_pushnil(L);
        lua_pushfstring(L, "too many values (at most %d)", (int)max);
        return false;
    }
    lua_budget budget = { used < limit ? used : limit, limit };
    char err[HOST_ERROR_MAX];
    for (int i = from; i <= top; i++) {
        if (!host_lua_to_value(L, i, &budget, &vals[*n], err, sizeof err)) {
            for (size_t k = 0; k < *n; k++)
                host_value_free(&vals[k]);
            lua_pushnil(L);
            lua_pushfstring(L, "argument %d: %s", i, err);
            return false;
        }
        (*n)++;
    }
    return true;
}

static void free_values(host_value *vals, size_t n)
{
    for (size_t i = 0; i < n; i++)
        host_value_free(&vals[i]);
}

/* Spawns (id, host, ...) with flags; the pid, or 0 with nil, err pushed. */
static host_pid spawn_from(lua_State *L, unsigned flags)
{
    const char *id = luaL_checkstring(L, 1);
    const char *host = luaL_checkstring(L, 2);
    host_process *self = lua_proc_of(L)->p;
    host_value args[HOST_MAX_ARGS];
    size_t n;
    if (!collect(L, 3, args, HOST_MAX_ARGS, 0, HOST_MAX_VALUE_BYTES, &n))
        return 0;
    char err[HOST_ERROR_MAX];
    host_pid pid = host_spawn(self->rt, self->node.pid, id, host, args, n, flags, err, sizeof err);
    free_values(args, n);
    if (pid == 0) {
        lua_pushnil(L);
        lua_pushstring(L, err);
    }
    return pid;
}

static int spawn_with(lua_State *L, unsigned flags)
{
    host_pid pid = spawn_from(L, flags);
    if (pid == 0)
        return 2;
    host_lua_push_pid(L, pid);
    return 1;
}

static int l_spawn(lua_State *L) { return spawn_with(L, 0); }
static int l_spawn_monitored(lua_State *L) { return spawn_with(L, HOST_SPAWN_MONITOR); }
static int l_spawn_linked(lua_State *L) { return spawn_with(L, HOST_SPAWN_LINK); }
static int l_spawn_linked_monitored(lua_State *L)
{
    return spawn_with(L, HOST_SPAWN_LINK | HOST_SPAWN_MONITOR);
}

/* exec: waits (yielding) for the EXIT of the pid kept at index `top`. */
static int exec_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    lua_proc *lp = lua_proc_of(L);
    host_pid pid = (host_pid)lua_tointeger(L, (int)ctx);
    host_lua_take_queue(lp);
    int n = host_lua_push_exit_of(L, lp, pid);
    if (n > 0)
        return n;
    return host_lua_wait(L, -1, true, ctx, exec_k);
}

static int l_exec(lua_State *L)
{
    host_pid pid = spawn_from(L, HOST_SPAWN_MONITOR);
    if (pid == 0)
        return 2;
    lua_pushinteger(L, (lua_Integer)pid);
    return exec_k(L, LUA_OK, lua_gettop(L));
}

/* true, or false and why. */
static int outcome(lua_State *L, bool ok, const char *why)
{
    lua_pushboolean(L, ok);
    if (ok)
        return 1;
    lua_pushstring(L, why);
    return 2;
}

static int l_send(lua_State *L)
{
    host_pid to = host_lua_check_pid(L, 1);
    const char *topic = luaL_checkstring(L, 2);
    host_process *self = lua_proc_of(L)->p;
    host_value vals[HOST_MESSAGE_VALUES];
    size_t n;
    if (!collect(L, 3, vals, HOST_MESSAGE_VALUES, strlen(topic), HOST_MESSAGE_BYTES, &n)) {
        lua_pushboolean(L, 0);
        lua_replace(L, -3);                 /* false, err */
        return 2;
    }
    char err[256];
    bool ok = host_send(self->rt, self->node.pid, to, topic, vals, n, err, sizeof err);
    free_values(vals, n);
    return outcome(L, ok, err);
}

static int l_terminate(lua_State *L)
{
    host_pid pid = host_lua_check_pid(L, 1);
    return outcome(L, host_terminate(lua_proc_of(L)->p->rt, pid), "process not found");
}

static int l_cancel(lua_State *L)
{
    host_pid pid = host_lua_check_pid(L, 1);
    const char *reason = luaL_optstring(L, 2, "");
    return outcome(L, host_cancel(lua_proc_of(L)->p->rt, pid, reason), "process not found");
}

/* monitor, unmonitor, link, unlink: (rt, self, pid). */
static int pair_call(lua_State *L, bool (*f)(host_runtime *, host_pid, host_pid), const char *why)
{
    host_pid pid = host_lua_check_pid(L, 1);
    host_process *self = lua_proc_of(L)->p;
    return outcome(L, f(self->rt, self->node.pid, pid), why);
}

static int l_monitor(lua_State *L) { return pair_call(L, host_monitor, "process not found"); }
static int l_unmonitor(lua_State *L) { return pair_call(L, host_unmonitor, "not monitored"); }
static int l_link(lua_State *L) { return pair_call(L, host_link, "process not found"); }
static int l_unlink(lua_State *L) { return pair_call(L, host_unlink, "not linked"); }

static int l_self(lua_State *L)
{
    host_lua_push_pid(L, lua_proc_of(L)->p->node.pid);
    return 1;
}

/* set_options{trap_links = true}: a linked process's failure arrives as a
 * LINK_DOWN event instead of ending this process. */
static int l_set_options(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    if (lua_getfield(L, 1, "trap_links") != LUA_TNIL)
        atomic_store(&lua_proc_of(L)->p->trap_links, lua_toboolean(L, -1));
    lua_pushboolean(L, 1);
    return 1;
}

int host_lua_open_process(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "spawn", l_spawn },
        { "spawn_monitored", l_spawn_monitored },
        { "spawn_linked", l_spawn_linked },
        { "spawn_linked_monitored", l_spawn_linked_monitored },
        { "exec", l_exec },
        { "send", l_send },
        { "terminate", l_terminate },
        { "cancel", l_cancel },
        { "monitor", l_monitor },
        { "unmonitor", l_unmonitor },
        { "link", l_link },
        { "unlink", l_unlink },
        { "self", l_self },
        { "set_options", l_set_options },
        { "receive", host_lua_process_receive },
        { "inbox", host_lua_process_inbox },
        { "events", host_lua_process_events },
        { "listen", host_lua_process_listen },
        { NULL, NULL },
    };
    luaL_newlib(L, functions);
    lua_createtable(L, 0, 3);
    lua_pushliteral(L, "pid.exit");
    lua_setfield(L, -2, "EXIT");
    lua_pushliteral(L, "pid.link.down");
    lua_setfield(L, -2, "LINK_DOWN");
    lua_pushliteral(L, "pid.cancel");
    lua_setfield(L, -2, "CANCEL");
    lua_setfield(L, -2, "event");
    host_lua_open_registry(L);
    lua_setfield(L, -2, "registry");
    return 1;
}
