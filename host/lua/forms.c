/* forms.c — how the host's own things look in a Lua process: pids as the
 * strings Wippy prints ("{host|0x0000002a}"), durations as integers of
 * nanoseconds (time.seconds(10) is 10000000000; a float is rounded and a
 * Go-style string such as "1.5s" parsed), and events as tables with both
 * of Wippy's forms (doc/lua.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "host/lua/internal.h"

void host_lua_push_pid(lua_State *L, host_pid pid)
{
    char text[64];
    lua_pushstring(L, host_pid_format(lua_proc_of(L)->p->rt, pid, text, sizeof text));
}

host_pid host_lua_check_pid(lua_State *L, int idx)
{
    const char *text = luaL_checkstring(L, idx);
    host_pid pid = host_pid_parse(lua_proc_of(L)->p->rt, text);
    if (pid == 0)   /* a registered name stands for its process */
        pid = host_names_lookup(lua_proc_of(L)->p->rt, text);
    if (pid == 0)
        luaL_argerror(L, idx, lua_pushfstring(L, "not a pid nor a registered name: \"%s\"", text));
    return pid;
}

int64_t host_lua_opt_duration(lua_State *L, int idx, int64_t def)
{
    int64_t ns;
    switch (lua_type(L, idx)) {
    case LUA_TNONE:
    case LUA_TNIL:
        return def;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            ns = lua_tointeger(L, idx);
        } else {
            double d = lua_tonumber(L, idx);
            if (!(d >= 0 && d < 9.2e18))
                luaL_argerror(L, idx, "a duration is from 0 to 292 years, in nanoseconds");
            ns = (int64_t)llround(d);
        }
        if (ns < 0)
            luaL_argerror(L, idx, "a duration cannot be negative");
        return ns;
    case LUA_TSTRING:
        if (!cfg_parse_duration(lua_tostring(L, idx), &ns))
            luaL_argerror(L, idx, lua_pushfstring(L, "not a duration: \"%s\" (e.g. \"1.5s\", "
                                                  "\"250ms\", or nanoseconds)", lua_tostring(L, idx)));
        return ns;
    default:
        luaL_typeerror(L, idx, "duration");
        return 0;
    }
}

int64_t host_lua_deadline_in(int64_t d)
{
    int64_t now = host_now_ns();
    return d > INT64_MAX - now ? INT64_MAX : now + d;
}

/* t[key] = string (or nothing for NULL), t at the top. */
static void set_string(lua_State *L, const char *key, const char *s)
{
    if (s == NULL)
        return;
    lua_pushstring(L, s);
    lua_setfield(L, -2, key);
}

void host_lua_push_event(lua_State *L, const host_event *ev)
{
    static const char *const types[] = { "EXIT", "LINK_DOWN", "CANCEL", "MESSAGE" };
    static const char *const kinds[] = { "pid.exit", "pid.link.down", "pid.cancel", "message" };
    lua_createtable(L, 0, 8);
    set_string(L, "type", types[ev->kind]);
    set_string(L, "kind", kinds[ev->kind]);
    if (ev->from != 0) {
        host_lua_push_pid(L, ev->from);
        lua_setfield(L, -2, "from");
    }
    lua_pushinteger(L, ev->at_ns);
    lua_setfield(L, -2, "at");
    switch (ev->kind) {
    case HOST_EVENT_EXIT:
    case HOST_EVENT_LINK_DOWN:
        lua_createtable(L, 0, 2);           /* result = {value = ..., error = ...} */
        if (ev->kind == HOST_EVENT_EXIT && ev->error == NULL) {
            host_lua_push_value(L, &ev->value);
            lua_pushvalue(L, -1);
            lua_setfield(L, -3, "value");
            lua_setfield(L, -3, "value");   /* and event.value, the older form */
        }
        set_string(L, "error", ev->error);
        lua_setfield(L, -2, "result");
        set_string(L, "error", ev->error);
        break;
    case HOST_EVENT_CANCEL:
        set_string(L, "reason", ev->error);
        break;
    case HOST_EVENT_MESSAGE:
        set_string(L, "topic", ev->topic);
        lua_createtable(L, (int)ev->npayload, 0);
        for (size_t i = 0; i < ev->npayload; i++) {
            host_lua_push_value(L, &ev->payload[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_rawgeti(L, -1, 1);
        lua_setfield(L, -3, "payload");     /* the first value */
        lua_setfield(L, -2, "payloads");    /* all of them */
        break;
    }
}
