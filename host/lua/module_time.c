/* module_time.c — the `time` module of Lua processes.
 *
 * Durations are integers of nanoseconds, as Go's time.Duration is:
 *   time.nanoseconds(n), microseconds(n), milliseconds(n), seconds(n),
 *   minutes(n), hours(n)  -> n units (n may be fractional: rounded to ns)
 *   time.NANOSECOND ... time.HOUR                     the units themselves
 *   time.parse_duration("1m30s")                      Go's syntax
 * Every function taking a duration also takes such a string.
 *
 *   time.sleep(d)   parks the process for d (time.sleep(0) gives up the
 *                   rest of its slice); never holds a worker thread
 *   time.now()      wall-clock time, nanoseconds since the Unix epoch
 *   time.since(t)   time.now() - t
 *   time.after(d)   a channel that delivers time.now() once, d from now */
#include <math.h>

#include "host/lua/internal.h"

#define NS_MINUTE (INT64_C(60) * 1000000000)

/* n units of `unit` ns (upvalue 1) as a duration. */
static int l_units(lua_State *L)
{
    int64_t unit = lua_tointeger(L, lua_upvalueindex(1));
    if (lua_isinteger(L, 1)) {
        lua_Integer n = lua_tointeger(L, 1);
        if (n > INT64_MAX / unit || n < INT64_MIN / unit)
            return luaL_argerror(L, 1, "the duration does not fit 64 bits of nanoseconds");
        lua_pushinteger(L, n * unit);
        return 1;
    }
    double ns = luaL_checknumber(L, 1) * (double)unit;
    if (!(ns > -9.2e18 && ns < 9.2e18))
        return luaL_argerror(L, 1, "the duration does not fit 64 bits of nanoseconds");
    lua_pushinteger(L, (lua_Integer)llround(ns));
    return 1;
}

static int sleep_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    int64_t until = lua_tointeger(L, (int)ctx);
    if (status != LUA_OK && host_now_ns() >= until)
        return 0;                           /* woken when due (or later) */
    return host_lua_wait(L, until, false, ctx, sleep_k);
}

static int l_sleep(lua_State *L)
{
    int64_t d = host_lua_opt_duration(L, 1, -1);
    luaL_argcheck(L, d >= 0, 1, "a duration is required");
    lua_settop(L, 1);
    lua_pushinteger(L, host_lua_deadline_in(d));
    return sleep_k(L, LUA_OK, 2);
}

static int l_now(lua_State *L)
{
    lua_pushinteger(L, host_wall_ns());
    return 1;
}

static int l_since(lua_State *L)
{
    uint64_t t = (uint64_t)luaL_checkinteger(L, 1);
    lua_pushinteger(L, (lua_Integer)((uint64_t)host_wall_ns() - t));   /* wraps, never UB */
    return 1;
}

static int l_after(lua_State *L)
{
    int64_t d = host_lua_opt_duration(L, 1, -1);
    luaL_argcheck(L, d >= 0, 1, "a duration is required");
    host_lua_push_timer_channel(L, d);
    return 1;
}

static int l_parse_duration(lua_State *L)
{
    luaL_checkstring(L, 1);
    lua_pushinteger(L, host_lua_opt_duration(L, 1, 0));
    return 1;
}

int host_lua_open_time(lua_State *L)
{
    static const struct {
        const char *fn, *constant;
        int64_t ns;
    } units[] = {
        { "nanoseconds", "NANOSECOND", 1 },
        { "microseconds", "MICROSECOND", 1000 },
        { "milliseconds", "MILLISECOND", 1000000 },
        { "seconds", "SECOND", 1000000000 },
        { "minutes", "MINUTE", NS_MINUTE },
        { "hours", "HOUR", 60 * NS_MINUTE },
    };
    static const luaL_Reg functions[] = {
        { "sleep", l_sleep },
        { "now", l_now },
        { "since", l_since },
        { "after", l_after },
        { "parse_duration", l_parse_duration },
        { NULL, NULL },
    };
    luaL_newlib(L, functions);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        lua_pushinteger(L, units[i].ns);
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, units[i].constant);
        lua_pushcclosure(L, l_units, 1);
        lua_setfield(L, -2, units[i].fn);
    }
    return 1;
}
