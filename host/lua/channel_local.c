/* channel_local.c — channel.new([capacity]): Go-style channels between the
 * coroutines of one Lua process. It may not touch the process's queue
 * (module_channel.c) nor the host: its values never leave the state.
 *
 * A channel keeps its values in a Lua table (the userdata's user value) at
 * keys head .. tail-1. A buffered channel takes up to `cap` values; an
 * unbuffered one (cap 0) takes one pending value and its sender waits
 * until a receiver took it. A receive takes the oldest value; a closed,
 * drained channel gives nil, false; a send on a closed one is an error.
 *
 * Waiting: the script's coroutines are resumed by the script
 * (coroutine.resume/wrap), so a coroutine that must wait yields to its
 * resumer with no values and looks again when resumed. The process's own
 * coroutine has no one to yield to: with a timeout (or a timer or event
 * case in a select) it parks the process as every blocking call does,
 * holding no worker; with nothing that could ever wake it, the wait is the
 * deadlock error (Go's "all goroutines are asleep"). */
#include "host/lua/internal.h"

static lua_channel *check_local(lua_State *L, const char *what)
{
    lua_channel *ch = luaL_checkudata(L, 1, CHANNEL);
    if (ch->kind != CH_LOCAL)
        luaL_error(L, "channel:%s: only a channel made by channel.new can be %s", what,
                   what[0] == 'c' ? "closed" : "sent to");
    return ch;
}

int host_lua_local_new(lua_State *L)
{
    lua_Integer cap = luaL_optinteger(L, 1, 0);
    luaL_argcheck(L, cap >= 0 && cap <= LUA_MAX_CHANNEL_CAP, 1,
                  "a channel's capacity is from 0 (unbuffered) to 1000000");
    lua_channel *ch = host_lua_push_channel(L, CH_LOCAL);
    ch->cap = cap;
    ch->head = ch->tail = 1;
    lua_newtable(L);
    lua_setiuservalue(L, -2, 1);
    return 1;
}

/* Appends the value at vidx to the channel at chidx. */
static void append(lua_State *L, lua_channel *ch, int chidx, int vidx)
{
    lua_getiuservalue(L, chidx, 1);
    lua_pushvalue(L, vidx);
    lua_rawseti(L, -2, ch->tail);
    lua_pop(L, 1);
    ch->tail++;
}

/* Room for one more value: below cap, or none pending when unbuffered. */
static bool has_room(const lua_channel *ch)
{
    lua_Integer n = ch->tail - ch->head;
    return n < (ch->cap > 0 ? ch->cap : 1);
}

int host_lua_local_take(lua_State *L, lua_channel *ch, int idx)
{
    if (ch->head < ch->tail) {
        lua_getiuservalue(L, idx, 1);
        lua_rawgeti(L, -1, ch->head);
        lua_pushnil(L);
        lua_rawseti(L, -3, ch->head);
        lua_remove(L, -2);
        ch->head++;
        return 1;
    }
    if (ch->closed) {
        lua_pushnil(L);
        return 2;
    }
    return 0;
}

bool host_lua_local_offer(lua_State *L, lua_channel *ch, int chidx, int vidx)
{
    if (ch->kind != CH_LOCAL)
        luaL_error(L, "channel.select: only a channel made by channel.new can be sent to");
    if (ch->closed)
        luaL_error(L, "send on a closed channel");
    bool room = ch->cap > 0 ? has_room(ch) : ch->head == ch->tail;
    if (room)
        append(L, ch, chidx, vidx);
    return room;
}

int host_lua_local_block(lua_State *L, int64_t deadline, bool events, lua_KContext ctx,
                         lua_KFunction k, const char *what)
{
    lua_proc *lp = lua_proc_of(L);
    if (L != lp->co && lua_isyieldable(L)) {
        lp->host_yield = false;             /* an ordinary yield, to the resumer */
        return lua_yieldk(L, 0, ctx, k);
    }
    if (deadline >= 0 || events)
        return host_lua_wait(L, deadline, events, ctx, k);
    return luaL_error(L, "channel %s: deadlock: the process's own coroutine waits on a channel "
                      "and no other coroutine can run (give a timeout, or wait in a coroutine)",
                      what);
}

/* ch:send(v): ctx 0 before the value went in; then the key it went in at
 * plus one, while an unbuffered send waits for a receiver to take it. */
static int send_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    lua_settop(L, 2);                       /* a resume by the script may pass values */
    lua_channel *ch = lua_touserdata(L, 1);
    if (ctx == 0) {
        if (ch->closed)
            return luaL_error(L, "send on a closed channel");
        if (!has_room(ch))
            return host_lua_local_block(L, -1, false, 0, send_k, "send");
        lua_Integer at = ch->tail;
        append(L, ch, 1, 2);
        if (ch->cap > 0) {
            lua_pushboolean(L, 1);
            return 1;
        }
        ctx = (lua_KContext)at + 1;
    }
    if (ch->head > (lua_Integer)ctx - 1) {  /* taken */
        lua_pushboolean(L, 1);
        return 1;
    }
    if (ch->closed)
        return luaL_error(L, "send on a closed channel");
    return host_lua_local_block(L, -1, false, ctx, send_k, "send");
}

int host_lua_local_send(lua_State *L)
{
    check_local(L, "send");
    luaL_checkany(L, 2);
    return send_k(L, LUA_OK, 0);
}

/* ch:case_send(v) -> a case for channel.select. */
int host_lua_local_case_send(lua_State *L)
{
    check_local(L, "send");
    luaL_checkany(L, 2);
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "channel");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "send");
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "value");
    return 1;
}

int host_lua_local_close(lua_State *L)
{
    lua_channel *ch = check_local(L, "close");
    if (ch->closed)
        return luaL_error(L, "close of a closed channel");
    ch->closed = true;
    lua_pushboolean(L, 1);
    return 1;
}
