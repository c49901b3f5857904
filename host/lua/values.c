/* values.c — what crosses between a Lua process and the rest of the
 * host: Lua values <-> host_value (arguments, results, message payloads).
 *
 * Values: nil, booleans, integers, floats and strings cross as they are;
 * an unsigned host integer above Lua's largest integer becomes a float.
 * A table crosses as a list or a map (doc/lua.md has the whole mapping):
 *
 *   keys exactly 1..n (n >= 1)    a list of n values, in key order
 *   no keys at all: {}            an empty list
 *   string keys only              a map, keys in byte order (Lua keeps
 *                                 no order, so this makes it deterministic)
 *   anything else                 refused: mixed keys, holes, keys that
 *                                 are neither (a boolean, a float, 0, a
 *                                 table), and so are functions, userdata
 *                                 and threads anywhere inside
 *
 * Tables are read raw: metatables are neither consulted nor passed. A
 * table met again inside itself is a cycle and refused; one met twice
 * elsewhere is copied twice. Nesting stops at HOST_MAX_VALUE_DEPTH
 * tables, size at the budget's weight, both counted before anything is
 * allocated for the part that would go over. An error names the path to
 * the culprit: `field "tags"[3]: cannot pass a function to another
 * process` (the first step "field KEY" or "item N", then ["KEY"] and
 * [N]). Back in Lua, a list is a table with keys 1..n and a map a table
 * with its keys (a nil inside either leaves that key out).
 *
 * Nothing here raises a Lua error while it owns malloc'd memory. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>

#include "host/lua/internal.h"

/* ---- Lua -> host ---- */

/* One step of the path from the value converted to where it is now: a
 * table entered (to tell a cycle) and the key being converted in it. */
typedef struct {
    const void *table;
    bool is_index;
    lua_Integer index;
    const char *key;                /* into a string the table holds: valid meanwhile */
    size_t key_len;
} path_step;

typedef struct {
    lua_State *L;
    lua_budget *budget;
    path_step path[HOST_MAX_VALUE_DEPTH];
    char *err;
    size_t errlen;
} converter;

#define PATH_HEAD 6                 /* steps shown before "..." in a long path */
#define PATH_TAIL 6                 /* and after it */
#define KEY_SHOWN 32                /* bytes of a key shown in a path */

/* Appends printf output to buf (of size), at *used; never past the end. */
static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
    if (*used >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, size - *used, fmt, ap);
    va_end(ap);
    *used = n < 0 ? size : *used + (size_t)n;
}

/* A key as a path shows it: quoted, the bytes a person cannot read as \xNN,
 * at most KEY_SHOWN of them. */
static void append_key(char *buf, size_t size, size_t *used, const char *key, size_t len)
{
    append(buf, size, used, "\"");
    for (size_t i = 0; i < len && i < KEY_SHOWN; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c == '"' || c == '\\')
            append(buf, size, used, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            append(buf, size, used, "\\x%02x", c);
        else
            append(buf, size, used, "%c", c);
    }
    append(buf, size, used, len > KEY_SHOWN ? "...\"" : "\"");
}

/* Fails the conversion: the first n steps of the path, then the reason. */
static bool fail(converter *c, int n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(converter *c, int n, const char *fmt, ...)
{
    size_t used = 0;
    for (int k = 0; k < n; k++) {
        if (k == PATH_HEAD && n > PATH_HEAD + PATH_TAIL) {
            append(c->err, c->errlen, &used, "...");
            k = n - PATH_TAIL;
        }
        const path_step *s = &c->path[k];
        if (s->is_index)
            append(c->err, c->errlen, &used, k == 0 ? "item %lld" : "[%lld]", (long long)s->index);
        else {
            append(c->err, c->errlen, &used, k == 0 ? "field " : "[");
            append_key(c->err, c->errlen, &used, s->key, s->key_len);
            append(c->err, c->errlen, &used, k == 0 ? "" : "]");
        }
    }
    if (n > 0)
        append(c->err, c->errlen, &used, ": ");
    if (used < c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err + used, c->errlen - used, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool too_large(converter *c)
{
    return fail(c, 0, "too large: more than %zu bytes (each value counts %zu, plus the bytes of "
                "its strings and keys)", c->budget->limit, sizeof(host_value));
}

/* Takes w bytes of weight from the budget (whose used <= limit), or fails. */
static bool spend(converter *c, size_t w)
{
    lua_budget *b = c->budget;
    if (w > b->limit - b->used)
        return too_large(c);
    b->used += w;
    return true;
}

static bool convert(converter *c, int idx, int level, host_value *out);

/* A table with keys 1..n as a list. */
static bool convert_list(converter *c, int idx, int level, size_t n, host_value *out)
{
    if (n > (c->budget->limit - c->budget->used) / sizeof(host_value))
        return too_large(c);            /* its items could not fit: reserve nothing */
    *out = host_list(n);
    c->path[level].is_index = true;
    for (size_t i = 1; i <= n; i++) {
        host_value item;
        c->path[level].index = (lua_Integer)i;
        lua_rawgeti(c->L, idx, (lua_Integer)i);
        bool ok = convert(c, lua_gettop(c->L), level + 1, &item);
        lua_pop(c->L, 1);
        const char *why;
        if (!ok || !host_list_push(out, item, &why)) {
            if (ok)
                fail(c, level + 1, "%s", why);
            host_value_free(out);
            return false;
        }
    }
    return true;
}

/* A table with string keys as a map, its keys in byte order. */
static bool convert_map(converter *c, int idx, int level, host_value *out)
{
    lua_State *L = c->L;
    *out = host_map();
    c->path[level].is_index = false;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        path_step *s = &c->path[level];
        s->key = lua_tolstring(L, -2, &s->key_len);     /* a string: not converted */
        host_value value;
        const char *why;
        bool ok = spend(c, s->key_len) && convert(c, lua_gettop(L), level + 1, &value);
        if (!ok || !host_map_append(out, s->key, s->key_len, value, &why)) {
            if (ok)
                fail(c, level + 1, "%s", why);
            host_value_free(out);
            return false;
        }
        lua_pop(L, 1);
    }
    host_map_sort(out);
    return true;
}

/* A table: its keys decide between a list and a map, or refuse it. */
static bool convert_table(converter *c, int idx, int level, host_value *out)
{
    lua_State *L = c->L;
    const void *self = lua_topointer(L, idx);
    for (int k = 0; k < level; k++)
        if (c->path[k].table == self)
            return fail(c, level, "cannot pass a table that contains itself (a cycle)");
    if (level == HOST_MAX_VALUE_DEPTH)
        return fail(c, level, "cannot pass tables nested more than %d deep", HOST_MAX_VALUE_DEPTH);
    if (!lua_checkstack(L, 4))
        return fail(c, level, "out of memory");
    c->path[level].table = self;
    size_t nint = 0, nstr = 0;
    lua_Integer lo = LUA_MAXINTEGER, hi = LUA_MININTEGER;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING) {
            nstr++;
        } else if (lua_isinteger(L, -1)) {
            lua_Integer k = lua_tointeger(L, -1);
            lo = k < lo ? k : lo;
            hi = k > hi ? k : hi;
            nint++;
        } else {
            const char *type = lua_type(L, -1) == LUA_TNUMBER ? "float" : luaL_typename(L, -1);
            lua_pop(L, 1);
            return fail(c, level, "cannot pass a table with a %s key (a list has keys 1..n, a "
                        "record string keys)", type);
        }
    }
    if (nint > 0 && nstr > 0)
        return fail(c, level, "cannot pass a table with both integer and string keys (a list "
                    "has keys 1..n, a record string keys)");
    if (nint > 0 && (lo != 1 || hi != (lua_Integer)nint))
        return fail(c, level, "cannot pass a table whose integer keys are not 1..%zu (it has "
                    "key %lld)", nint, (long long)(lo != 1 ? lo : hi));
    return nstr > 0 ? convert_map(c, idx, level, out) : convert_list(c, idx, level, nint, out);
}

/* The value at idx (absolute), `level` tables deep. */
static bool convert(converter *c, int idx, int level, host_value *out)
{
    lua_State *L = c->L;
    size_t len;
    const char *s;
    *out = host_nil();
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        return spend(c, sizeof(host_value));
    case LUA_TBOOLEAN:
        *out = host_bool(lua_toboolean(L, idx));
        return spend(c, sizeof(host_value));
    case LUA_TNUMBER:
        *out = lua_isinteger(L, idx) ? host_int(lua_tointeger(L, idx)) : host_float(lua_tonumber(L, idx));
        return spend(c, sizeof(host_value));
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &len);   /* a string already: no conversion, no allocation */
        if (!spend(c, sizeof(host_value) + len))
            return false;
        *out = host_string(s, len);
        return out->kind == HOST_VALUE_STRING || fail(c, level, "out of memory");
    case LUA_TTABLE:
        return spend(c, sizeof(host_value)) && convert_table(c, idx, level, out);
    default:
        return fail(c, level, "cannot pass a %s to another process", luaL_typename(L, idx));
    }
}

bool host_lua_to_value(lua_State *L, int idx, lua_budget *budget, host_value *out, char *err,
                       size_t errlen)
{
    converter c = { .L = L, .budget = budget, .err = err, .errlen = errlen };
    int top = lua_gettop(L);
    bool ok = convert(&c, lua_absindex(L, idx), 0, out);
    lua_settop(L, top);
    return ok;
}

/* ---- host -> Lua ---- */

void host_lua_push_value(lua_State *L, const host_value *v)
{
    luaL_checkstack(L, 3, "values nested too deep");   /* depth <= HOST_MAX_VALUE_DEPTH */
    switch (v->kind) {
    case HOST_VALUE_BOOL:
        lua_pushboolean(L, v->b);
        break;
    case HOST_VALUE_INT:
        if (v->is_unsigned && v->u > (uint64_t)LUA_MAXINTEGER)
            lua_pushnumber(L, (lua_Number)v->u);
        else
            lua_pushinteger(L, v->is_unsigned ? (lua_Integer)v->u : (lua_Integer)v->i);
        break;
    case HOST_VALUE_FLOAT:
        lua_pushnumber(L, v->f);
        break;
    case HOST_VALUE_STRING:
        lua_pushlstring(L, v->s, v->len);
        break;
    case HOST_VALUE_LIST:
        lua_createtable(L, v->len <= INT_MAX ? (int)v->len : 0, 0);
        for (size_t i = 0; i < v->len; i++) {
            host_lua_push_value(L, &v->items[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    case HOST_VALUE_MAP:
        lua_createtable(L, 0, v->len <= INT_MAX ? (int)v->len : 0);
        for (size_t i = 0; i < v->len; i++) {
            lua_pushlstring(L, v->entries[i].key, v->entries[i].key_len);
            host_lua_push_value(L, &v->entries[i].value);
            lua_rawset(L, -3);
        }
        break;
    default:
        lua_pushnil(L);
        break;
    }
}
