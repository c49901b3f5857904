/* module_channel.c — a Lua process's queue seen as channels, and waiting.
 *
 * Everything delivered to the process (EXIT, LINK_DOWN, CANCEL, MESSAGE)
 * lands in its node's queue, shared with the senders. Whenever the process
 * looks, host_lua_take_queue() moves all of it, under the node's lock, into
 * lists only the process touches: `events` (what process.events() gives),
 * one list per process.listen(topic), and `inbox` (messages no listener
 * took; process.inbox()). Each item keeps its order of arrival (seq), so
 * process.receive() — the older form — gives the earliest of them all.
 * The node's counts (HOST_MAX_EVENTS, HOST_MAX_QUEUED_BYTES) keep covering
 * taken items until the process consumes them.
 *
 * Channels are userdata with :receive([timeout]) -> value, ok (nil, false
 * on timeout) and :case_receive() for channel.select{...}. time.after(d)
 * is a channel too, which delivers the time once; channel.new() makes a
 * channel between the process's coroutines (channel_local.c).
 *
 * A receive that finds nothing yields through host_lua_wait(): the Step parks
 * the process until the deadline, or until a delivery wakes it; the
 * continuation (lua_yieldk) looks again. */
#include <stdlib.h>
#include <string.h>

#include "host/lua/internal.h"


/* ---- the lists ---- */

static void append(event_list *l, event_item *it)
{
    it->next = NULL;
    if (l->tail != NULL)
        l->tail->next = it;
    else
        l->head = it;
    l->tail = it;
}

void host_lua_take_queue(lua_proc *lp)
{
    host_node *n = &lp->p->node;
    pthread_mutex_lock(&n->lock);
    n->nevents -= lp->taken;
    n->nbytes -= lp->taken_bytes;
    lp->taken = lp->taken_bytes = 0;
    event_item *it = n->head;
    n->head = n->tail = NULL;
    pthread_mutex_unlock(&n->lock);
    while (it != NULL) {
        event_item *next = it->next;
        it->seq = lp->next_seq++;
        event_list *to = &lp->events;
        if (it->ev.kind == HOST_EVENT_MESSAGE) {
            to = &lp->inbox;
            for (size_t i = 0; i < lp->nlisteners; i++)
                if (strcmp(lp->listeners[i].topic, it->ev.topic) == 0)
                    to = &lp->listeners[i].items;
        }
        append(to, it);
        it = next;
    }
}

/* Takes the first item off a list (after its table was pushed: a push
 * that runs out of memory leaves the item where it was). */
static void consume(lua_proc *lp, event_list *l, event_item *prev)
{
    event_item *it = prev != NULL ? prev->next : l->head;
    if (prev != NULL)
        prev->next = it->next;
    else
        l->head = it->next;
    if (l->tail == it)
        l->tail = prev;
    lp->taken++;
    lp->taken_bytes += host_event_bytes(&it->ev);
    host_event_free(&it->ev);
    free(it);
}

static void free_list(event_list *l)
{
    for (event_item *it = l->head, *next; it != NULL; it = next) {
        next = it->next;
        host_event_free(&it->ev);
        free(it);
    }
    l->head = l->tail = NULL;
}

void host_lua_free_lists(lua_proc *lp)
{
    free_list(&lp->events);
    free_list(&lp->inbox);
    for (size_t i = 0; i < lp->nlisteners; i++) {
        free_list(&lp->listeners[i].items);
        free(lp->listeners[i].topic);
    }
    lp->nlisteners = 0;
}

/* Pushes the first item of l as a table and consumes it; false if empty. */
static bool take_first(lua_State *L, lua_proc *lp, event_list *l)
{
    if (l->head == NULL)
        return false;
    host_lua_push_event(L, &l->head->ev);
    consume(lp, l, NULL);
    return true;
}

/* ---- waiting ---- */

int host_lua_wait(lua_State *L, int64_t deadline, bool events, lua_KContext ctx, lua_KFunction k)
{
    lua_proc *lp = lua_proc_of(L);
    lp->wait_deadline = deadline;
    lp->wait_events = events || deadline < 0;   /* waiting for ever: only a delivery or a kill */
    lp->host_yield = true;                      /* passed up by the script's coroutines (coroutines.c) */
    return lua_yieldk(L, 0, ctx, k);
}

/* The deadline of a timeout argument at idx: -1 for none. */
static int64_t deadline_of(lua_State *L, int idx)
{
    int64_t d = host_lua_opt_duration(L, idx, -1);
    return d < 0 ? -1 : host_lua_deadline_in(d);
}

/* ---- process.receive(timeout): the earliest event or message ---- */

static int receive_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    lua_proc *lp = lua_proc_of(L);
    int64_t deadline = lua_tointeger(L, 2);
    host_lua_take_queue(lp);
    event_list *first = NULL;
    for (size_t i = 0; i < lp->nlisteners + 2; i++) {
        event_list *l = i == 0 ? &lp->events : i == 1 ? &lp->inbox : &lp->listeners[i - 2].items;
        if (l->head != NULL && (first == NULL || l->head->seq < first->head->seq))
            first = l;
    }
    if (first != NULL && take_first(L, lp, first))
        return 1;
    if (deadline >= 0 && host_now_ns() >= deadline) {
        lua_pushnil(L);
        return 1;
    }
    return host_lua_wait(L, deadline, true, 0, receive_k);
}

int host_lua_process_receive(lua_State *L)
{
    int64_t deadline = deadline_of(L, 1);
    lua_settop(L, 1);
    lua_pushinteger(L, deadline);
    return receive_k(L, LUA_OK, 0);
}

/* ---- channels ---- */

static int channel_receive(lua_State *L);
static int channel_case_receive(lua_State *L);

/* Pushes the channels' metatable, made the first time. */
static void channel_metatable(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "receive", channel_receive },
        { "case_receive", channel_case_receive },
        { "send", host_lua_local_send },
        { "case_send", host_lua_local_case_send },
        { "close", host_lua_local_close },
        { NULL, NULL },
    };
    if (luaL_newmetatable(L, CHANNEL)) {
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
    }
}

lua_channel *host_lua_push_channel(lua_State *L, channel_kind kind)
{
    lua_channel *ch = lua_newuserdatauv(L, sizeof *ch, kind == CH_LOCAL ? 1 : 0);
    *ch = (lua_channel){ .kind = kind, .listener = -1 };
    channel_metatable(L);
    lua_setmetatable(L, -2);
    return ch;
}

/* Pushes the channel's next value and consumes it: 1 (a value), 2 (nil:
 * a closed channel, drained), or 0 (nothing yet). idx: the channel. */
static int channel_take(lua_State *L, lua_proc *lp, lua_channel *ch, int idx)
{
    switch (ch->kind) {
    case CH_INBOX:
        return take_first(L, lp, &lp->inbox);
    case CH_EVENTS:
        return take_first(L, lp, &lp->events);
    case CH_TOPIC:
        return take_first(L, lp, &lp->listeners[ch->listener].items);
    case CH_TIMER:
        if (ch->fired || host_now_ns() < ch->at)
            return 0;
        ch->fired = true;
        lua_pushinteger(L, host_wall_ns());
        return 1;
    case CH_LOCAL:
        return host_lua_local_take(L, ch, idx);
    }
    return 0;
}

/* What waiting for ch means: a deadline (a timer's) and/or deliveries;
 * a local channel waits for another coroutine (*local). */
static void channel_wait(const lua_channel *ch, int64_t *deadline, bool *events, bool *local)
{
    if (ch->kind == CH_LOCAL)
        *local = true;
    else if (ch->kind != CH_TIMER)
        *events = true;
    else if (!ch->fired && (*deadline < 0 || ch->at < *deadline))
        *deadline = ch->at;
}

static int receive_channel_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    lua_settop(L, 3);                       /* a resume by the script may pass values */
    lua_proc *lp = lua_proc_of(L);
    lua_channel *ch = lua_touserdata(L, 1);
    int64_t deadline = lua_tointeger(L, 3);
    host_lua_take_queue(lp);
    int got = channel_take(L, lp, ch, 1);
    if (got != 0) {
        lua_pushboolean(L, got == 1);
        return 2;
    }
    if (deadline >= 0 && host_now_ns() >= deadline) {
        lua_pushnil(L);
        lua_pushboolean(L, 0);
        return 2;
    }
    int64_t until = deadline;
    bool events = false, local = false;
    channel_wait(ch, &until, &events, &local);
    if (local)
        return host_lua_local_block(L, until, events, 0, receive_channel_k, "receive");
    return host_lua_wait(L, until, events, 0, receive_channel_k);
}

/* ch:receive([timeout]) -> value, true; or nil, false on timeout. */
static int channel_receive(lua_State *L)
{
    luaL_checkudata(L, 1, CHANNEL);
    int64_t deadline = deadline_of(L, 2);
    lua_settop(L, 2);
    lua_pushinteger(L, deadline);
    return receive_channel_k(L, LUA_OK, 0);
}

/* ch:case_receive() -> a case for channel.select. */
static int channel_case_receive(lua_State *L)
{
    luaL_checkudata(L, 1, CHANNEL);
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "channel");
    return 1;
}

int host_lua_process_inbox(lua_State *L)
{
    host_lua_push_channel(L, CH_INBOX);
    return 1;
}

int host_lua_process_events(lua_State *L)
{
    host_lua_push_channel(L, CH_EVENTS);
    return 1;
}

/* process.listen(topic): a channel of the messages sent with that topic
 * from now on (earlier ones stay in the inbox). */
int host_lua_process_listen(lua_State *L)
{
    size_t len;
    const char *topic = luaL_checklstring(L, 1, &len);
    luaL_argcheck(L, len <= LUA_MAX_TOPIC, 1, "a topic is at most 1024 bytes");
    lua_proc *lp = lua_proc_of(L);
    size_t i = 0;
    while (i < lp->nlisteners && strcmp(lp->listeners[i].topic, topic) != 0)
        i++;
    if (i == lp->nlisteners) {
        if (i == LUA_MAX_LISTENERS)
            return luaL_error(L, "process.listen: at most %d topics", LUA_MAX_LISTENERS);
        host_lua_take_queue(lp);                 /* what came before stays in the inbox */
        char *copy = strdup(topic);
        if (copy == NULL)
            return luaL_error(L, "not enough memory");
        lp->listeners[i] = (lua_listener){ .topic = copy };
        lp->nlisteners++;
    }
    lua_channel *ch = host_lua_push_channel(L, CH_TOPIC);
    ch->listener = (int)i;
    return 1;
}

void host_lua_push_timer_channel(lua_State *L, int64_t d)
{
    lua_channel *ch = host_lua_push_channel(L, CH_TIMER);
    ch->at = host_lua_deadline_in(d);
}

/* ---- channel.select{case, ...} ---- */

/* Builds select's result {channel, value, ok} from the case's channel at
 * chidx and the value at the top (replaced by the result). */
static void select_result(lua_State *L, int chidx, bool ok)
{
    lua_createtable(L, 0, 3);
    lua_insert(L, -2);
    lua_setfield(L, -2, "value");
    lua_pushvalue(L, chidx);
    lua_setfield(L, -2, "channel");
    lua_pushboolean(L, ok);
    lua_setfield(L, -2, "ok");
}

static int select_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    lua_settop(L, 1);                       /* a resume by the script may pass values */
    lua_proc *lp = lua_proc_of(L);
    int n = (int)lua_rawlen(L, 1);
    host_lua_take_queue(lp);
    int64_t until = -1;
    bool events = false, local = false;
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        lua_getfield(L, -1, "channel");     /* stack: case, channel */
        int chidx = lua_gettop(L);
        lua_channel *ch = lua_touserdata(L, chidx);
        lua_getfield(L, chidx - 1, "send");
        bool send = lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (send) {
            lua_getfield(L, chidx - 1, "value");
            if (host_lua_local_offer(L, ch, chidx, chidx + 1)) {
                lua_pushnil(L);
                select_result(L, chidx, true);
                return 1;
            }
            local = true;
            lua_settop(L, 1);
            continue;
        }
        int got = channel_take(L, lp, ch, chidx);
        if (got != 0) {
            select_result(L, chidx, got == 1);
            return 1;
        }
        channel_wait(ch, &until, &events, &local);
        lua_settop(L, 1);
    }
    if (local)
        return host_lua_local_block(L, until, events, 0, select_k, "select");
    return host_lua_wait(L, until, events, 0, select_k);
}

/* channel.select{a:case_receive(), b:case_receive(), ...} -> {channel =
 * the one that delivered, value = what it delivered, ok = true}; the
 * first ready case wins, in the order given. */
static int l_select(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    int n = (int)lua_rawlen(L, 1);
    luaL_argcheck(L, n > 0 && n <= LUA_MAX_SELECT, 1, "from 1 to 32 cases");
    for (int i = 1; i <= n; i++) {
        bool ok = lua_rawgeti(L, 1, i) == LUA_TTABLE;
        if (ok) {
            lua_getfield(L, -1, "channel");
            ok = luaL_testudata(L, -1, CHANNEL) != NULL;
        }
        if (!ok)
            return luaL_argerror(L, 1, "each case must come from channel:case_receive() or "
                                       "channel:case_send(v)");
        lua_settop(L, 1);
    }
    return select_k(L, LUA_OK, 0);
}

int host_lua_open_channel(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "select", l_select },
        { "new", host_lua_local_new },
        { NULL, NULL },
    };
    luaL_newlib(L, functions);
    return 1;
}

/* ---- exec: the EXIT of one process ---- */

int host_lua_push_exit_of(lua_State *L, lua_proc *lp, host_pid pid)
{
    event_item *prev = NULL;
    for (event_item *it = lp->events.head; it != NULL; prev = it, it = it->next) {
        if (it->ev.kind != HOST_EVENT_EXIT || it->ev.from != pid)
            continue;
        if (it->ev.error != NULL) {
            lua_pushnil(L);
            lua_pushstring(L, it->ev.error);
        } else {
            host_lua_push_value(L, &it->ev.value);
            lua_pushnil(L);
        }
        consume(lp, &lp->events, prev);
        return 2;
    }
    return 0;
}
