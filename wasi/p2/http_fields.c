/* http_fields.c — wasi:http/types resource fields (headers and trailers):
 * constructor, from-list, get, has, set, delete, append, entries, clone;
 * and the object helpers the other http_*.c share (a rep's object by its
 * ops, taking the object out of an own handle, result values).
 *
 * Names are HTTP tokens, kept lower-case; values are bytes without CR,
 * LF or NUL (nor other controls but tab), trimmed of surrounding blanks
 * being refused rather than changed. The hop-by-hop and connection headers
 * a guest may not set are refused with `forbidden`: connection,
 * keep-alive, proxy-authenticate, proxy-authorization, proxy-connection,
 * transfer-encoding, upgrade, host, http2-settings. The headers of a
 * request or response, and received trailers, are immutable copies: set,
 * delete and append give `immutable`. A fields holds at most
 * WASI_HTTP_MAX_FIELDS entries and max_header_bytes bytes (more traps).
 * Touches nothing of curl. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi/p2/http_internal.h"

#define FIELDS_MAX_BYTES (1u << 20)   /* a guest's fields, at most */

wasi_p2_fields *wasi_p2_fields_new(void)
{
    return calloc(1, sizeof(wasi_p2_fields));
}

static void field_clear(wasi_p2_field *f)
{
    free(f->name);
    free(f->value);
}

void wasi_p2_fields_free(wasi_p2_fields *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->n; i++)
        field_clear(&f->items[i]);
    free(f->items);
    free(f);
}

static void fields_free_obj(void *obj)
{
    wasi_p2_fields_free(obj);
}

const wasi_p2_ops wasi_p2_fields_ops = { .name = "fields", .free = fields_free_obj };

bool wasi_p2_fields_add(wasi_p2_fields *f, const char *name, size_t nlen, const uint8_t *value,
                        size_t vlen, size_t max_bytes)
{
    if (f->n >= WASI_HTTP_MAX_FIELDS || nlen + vlen > max_bytes - f->bytes ||
        f->bytes > max_bytes)
        return false;
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 8;
        wasi_p2_field *items = realloc(f->items, cap * sizeof *items);
        if (items == NULL)
            return false;
        f->items = items;
        f->cap = cap;
    }
    wasi_p2_field *it = &f->items[f->n];
    it->name = malloc(nlen + 1);
    it->value = malloc(vlen ? vlen : 1);
    if (it->name == NULL || it->value == NULL) {
        field_clear(it);
        return false;
    }
    for (size_t i = 0; i < nlen; i++)
        it->name[i] = (char)tolower((unsigned char)name[i]);
    it->name[nlen] = '\0';
    memcpy(it->value, value, vlen);
    it->len = vlen;
    f->n++;
    f->bytes += nlen + vlen;
    return true;
}

wasi_p2_fields *wasi_p2_fields_clone(const wasi_p2_fields *f, bool immutable)
{
    wasi_p2_fields *c = wasi_p2_fields_new();
    for (size_t i = 0; c != NULL && f != NULL && i < f->n; i++)
        if (!wasi_p2_fields_add(c, f->items[i].name, strlen(f->items[i].name), f->items[i].value,
                                f->items[i].len, SIZE_MAX)) {
            wasi_p2_fields_free(c);
            return NULL;
        }
    if (c != NULL)
        c->immutable = immutable;
    return c;
}

const wasi_p2_field *wasi_p2_fields_find(const wasi_p2_fields *f, const char *name)
{
    for (size_t i = 0; f != NULL && i < f->n; i++)
        if (strcmp(f->items[i].name, name) == 0)
            return &f->items[i];
    return NULL;
}

/* ---- helpers the http files share ---- */

void *wasi_p2_obj(wasi_p2 *w, const host_value *rep, const wasi_p2_ops *ops, char *err,
                  size_t errlen)
{
    uint64_t r = wasi_p2_arg_u64(rep);
    if (rep->kind != HOST_VALUE_INT || r == 0 || r > w->nres || w->res[r - 1].ops != ops ||
        w->res[r - 1].kind != WASI_P2_OBJECT || w->res[r - 1].obj == NULL) {
        snprintf(err, errlen, "unknown %s %llu", ops->name, (unsigned long long)r);
        return NULL;
    }
    return w->res[r - 1].obj;
}

void *wasi_p2_obj_take(wasi_p2 *w, const host_value *own, const wasi_p2_ops *ops, char *err,
                       size_t errlen)
{
    uint32_t rep;
    if (own->kind != HOST_VALUE_INT || !cm_handle_rep(w->ci, own->i, &rep, err, errlen))
        return NULL;
    host_value r = host_uint(rep);
    void *obj = wasi_p2_obj(w, &r, ops, err, errlen);
    if (obj == NULL)
        return NULL;
    w->res[rep - 1].obj = NULL;   /* taken: the drop frees the rep alone */
    if (!cm_handle_drop(w->ci, own->i, err, errlen)) {
        w->res[rep - 1].obj = obj;
        return NULL;
    }
    return obj;
}

bool wasi_p2_http_result(host_value *out, bool ok, host_value v, char *err, size_t errlen)
{
    const char *why = "out of memory";
    *out = host_map();
    if (!host_map_set(out, ok ? "ok" : "err", ok ? 2 : 3, v, &why)) {
        snprintf(err, errlen, "%s", why);
        return false;
    }
    return true;
}

bool wasi_p2_fields_rep(wasi_p2 *w, wasi_p2_fields *f, host_value *handle, char *err,
                        size_t errlen)
{
    if (f == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    wasi_p2_res init = { .kind = WASI_P2_OBJECT, .fd = -1, .ops = &wasi_p2_fields_ops, .obj = f };
    return wasi_p2_res_add(w, &init, handle, err, errlen);
}

/* A new rep of kind k for x with ops (a new reference to x). */
bool wasi_p2_xfer_rep(wasi_p2 *w, wasi_p2_xfer *x, wasi_p2_kind k, const wasi_p2_ops *ops,
                     host_value *handle, char *err, size_t errlen)
{
    wasi_p2_xfer_ref(x);
    wasi_p2_res init = { .kind = k, .fd = -1, .ops = ops, .obj = x };
    return wasi_p2_res_add(w, &init, handle, err, errlen);
}


/* ---- validation ---- */

typedef enum { HDR_OK, HDR_SYNTAX, HDR_FORBIDDEN, HDR_IMMUTABLE } hdr_status;

static bool is_tchar(unsigned char c)
{
    return isalnum(c) || (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static hdr_status check_name(const host_value *name)
{
    static const char *const forbidden[] = { "connection", "keep-alive", "proxy-authenticate",
                                             "proxy-authorization", "proxy-connection",
                                             "transfer-encoding", "upgrade", "host",
                                             "http2-settings" };
    if (name->kind != HOST_VALUE_STRING || name->len == 0)
        return HDR_SYNTAX;
    for (size_t i = 0; i < name->len; i++)
        if (!is_tchar((unsigned char)name->s[i]))
            return HDR_SYNTAX;
    for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++)
        if (strlen(forbidden[i]) == name->len && strncasecmp(forbidden[i], name->s, name->len) == 0)
            return HDR_FORBIDDEN;
    return HDR_OK;
}

/* A field-value (list<u8>, or a string of bytes) into a new buffer; HDR_SYNTAX
 * for controls (tab allowed) or surrounding blanks. */
static hdr_status take_value(const host_value *v, uint8_t **out, size_t *len)
{
    size_t n = wasi_p2_arg_nbytes(v);
    if (v->kind != HOST_VALUE_LIST && v->kind != HOST_VALUE_STRING)
        return HDR_SYNTAX;
    uint8_t *b = malloc(n ? n : 1);
    if (b == NULL)
        return HDR_SYNTAX;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = wasi_p2_arg_byte(v, i);
        if ((c < 0x20 && c != '\t') || c == 0x7f || ((i == 0 || i == n - 1) && (c == ' ' || c == '\t'))) {
            free(b);
            return HDR_SYNTAX;
        }
        b[i] = c;
    }
    *out = b;
    *len = n;
    return HDR_OK;
}

static bool header_result(host_value *result, hdr_status st, char *err, size_t errlen)
{
    static const char *const names[] = { "", "invalid-syntax", "forbidden", "immutable" };
    if (st == HDR_OK)
        return wasi_p2_http_result(result, true, host_bool(true), err, errlen);
    return wasi_p2_http_result(result, false, host_string(names[st], strlen(names[st])), err,
                               errlen);
}

static bool add_checked(wasi_p2_fields *f, const host_value *name, const host_value *value,
                        hdr_status *st, char *err, size_t errlen)
{
    uint8_t *b;
    size_t n;
    if ((*st = check_name(name)) != HDR_OK || (*st = take_value(value, &b, &n)) != HDR_OK)
        return true;
    bool ok = wasi_p2_fields_add(f, name->s, name->len, b, n, FIELDS_MAX_BYTES);
    free(b);
    if (!ok)
        snprintf(err, errlen, "fields: more than %u entries or %u bytes", WASI_HTTP_MAX_FIELDS,
                 FIELDS_MAX_BYTES);
    return ok;
}

static void remove_name(wasi_p2_fields *f, const host_value *name)
{
    size_t j = 0;
    for (size_t i = 0; i < f->n; i++) {
        wasi_p2_field *it = &f->items[i];
        if (strlen(it->name) == name->len && strncasecmp(it->name, name->s, name->len) == 0) {
            f->bytes -= strlen(it->name) + it->len;
            field_clear(it);
        } else {
            f->items[j++] = *it;
        }
    }
    f->n = j;
}

/* ---- the host functions ---- */

#define FIELDS(a) wasi_p2_fields *f = wasi_p2_obj(user, (a), &wasi_p2_fields_ops, err, errlen); \
    if (f == NULL) return false

/* [constructor]fields: func() -> fields */
static bool fields_new(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    (void)args;
    (void)nargs;
    return wasi_p2_fields_rep(user, wasi_p2_fields_new(), result, err, errlen);
}

/* [static]fields.from-list: func(entries: list<tuple<field-name, field-value>>)
 * -> result<fields, header-error> */
static bool fields_from_list(void *user, const host_value *args, size_t nargs,
                             host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_fields *f = wasi_p2_fields_new();
    if (f == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    const host_value *l = &args[0];
    hdr_status st = HDR_OK;
    for (size_t i = 0; l->kind == HOST_VALUE_LIST && i < l->len && st == HDR_OK; i++) {
        const host_value *t = &l->items[i];
        if (t->kind != HOST_VALUE_LIST || t->len != 2) {
            st = HDR_SYNTAX;
            break;
        }
        if (!add_checked(f, &t->items[0], &t->items[1], &st, err, errlen)) {
            wasi_p2_fields_free(f);
            return false;
        }
    }
    if (st != HDR_OK) {
        wasi_p2_fields_free(f);
        return header_result(result, st, err, errlen);
    }
    host_value h;
    if (!wasi_p2_fields_rep(user, f, &h, err, errlen))
        return false;
    return wasi_p2_http_result(result, true, h, err, errlen);
}

/* [method]fields.get: func(name: field-name) -> list<field-value> */
static bool fields_get(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    (void)nargs;
    FIELDS(&args[0]);
    const host_value *name = &args[1];
    *result = host_list(0);
    for (size_t i = 0; name->kind == HOST_VALUE_STRING && i < f->n; i++) {
        const wasi_p2_field *it = &f->items[i];
        const char *why = "out of memory";
        if (strlen(it->name) == name->len && strncasecmp(it->name, name->s, name->len) == 0 &&
            !host_list_push(result, host_string((const char *)it->value, it->len), &why)) {
            snprintf(err, errlen, "fields.get: %s", why);
            return false;
        }
    }
    return true;
}

/* [method]fields.has: func(name: field-name) -> bool */
static bool fields_has(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    (void)nargs;
    FIELDS(&args[0]);
    bool has = false;
    for (size_t i = 0; args[1].kind == HOST_VALUE_STRING && i < f->n && !has; i++)
        has = strlen(f->items[i].name) == args[1].len &&
              strncasecmp(f->items[i].name, args[1].s, args[1].len) == 0;
    *result = host_bool(has);
    return true;
}

/* [method]fields.set: func(name, value: list<field-value>) -> result<_, header-error> */
static bool fields_set(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    (void)nargs;
    FIELDS(&args[0]);
    if (f->immutable)
        return header_result(result, HDR_IMMUTABLE, err, errlen);
    hdr_status st = check_name(&args[1]);
    if (st != HDR_OK)
        return header_result(result, st, err, errlen);
    wasi_p2_fields *add = wasi_p2_fields_new();   /* all checked before anything changes */
    if (add == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (size_t i = 0; args[2].kind == HOST_VALUE_LIST && i < args[2].len && st == HDR_OK; i++)
        if (!add_checked(add, &args[1], &args[2].items[i], &st, err, errlen)) {
            wasi_p2_fields_free(add);
            return false;
        }
    if (st == HDR_OK) {
        remove_name(f, &args[1]);
        for (size_t i = 0; i < add->n; i++)
            if (!wasi_p2_fields_add(f, add->items[i].name, strlen(add->items[i].name),
                                    add->items[i].value, add->items[i].len, FIELDS_MAX_BYTES)) {
                wasi_p2_fields_free(add);
                snprintf(err, errlen, "fields: more than %u entries or %u bytes",
                         WASI_HTTP_MAX_FIELDS, FIELDS_MAX_BYTES);
                return false;
            }
    }
    wasi_p2_fields_free(add);
    return header_result(result, st, err, errlen);
}

/* [method]fields.delete: func(name) -> result<_, header-error> */
static bool fields_delete(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    (void)nargs;
    FIELDS(&args[0]);
    if (f->immutable)
        return header_result(result, HDR_IMMUTABLE, err, errlen);
    hdr_status st = check_name(&args[1]);
    if (st == HDR_OK)
        remove_name(f, &args[1]);
    return header_result(result, st, err, errlen);
}

/* [method]fields.append: func(name, value: field-value) -> result<_, header-error> */
static bool fields_append(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    (void)nargs;
    FIELDS(&args[0]);
    if (f->immutable)
        return header_result(result, HDR_IMMUTABLE, err, errlen);
    hdr_status st;
    if (!add_checked(f, &args[1], &args[2], &st, err, errlen))
        return false;
    return header_result(result, st, err, errlen);
}

/* [method]fields.entries: func() -> list<tuple<field-name, field-value>> */
static bool fields_entries(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    (void)nargs;
    FIELDS(&args[0]);
    *result = host_list(f->n);
    for (size_t i = 0; i < f->n; i++) {
        const char *why = "out of memory";
        host_value t = host_list(2);
        if (!host_list_push(&t, host_string(f->items[i].name, strlen(f->items[i].name)), &why) ||
            !host_list_push(&t, host_string((const char *)f->items[i].value, f->items[i].len),
                            &why) ||
            !host_list_push(result, t, &why)) {
            snprintf(err, errlen, "fields.entries: %s", why);
            return false;
        }
    }
    return true;
}

/* [method]fields.clone: func() -> fields (mutable) */
static bool fields_clone(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    (void)nargs;
    FIELDS(&args[0]);
    return wasi_p2_fields_rep(user, wasi_p2_fields_clone(f, false), result, err, errlen);
}

#define T "wasi:http/types"
const wasi_p2_def wasi_p2_http_field_defs[] = {
    { T, "[constructor]fields", fields_new, WASI_CAP_HTTP },
    { T, "[static]fields.from-list", fields_from_list, WASI_CAP_HTTP },
    { T, "[method]fields.get", fields_get, WASI_CAP_HTTP },
    { T, "[method]fields.has", fields_has, WASI_CAP_HTTP },
    { T, "[method]fields.set", fields_set, WASI_CAP_HTTP },
    { T, "[method]fields.delete", fields_delete, WASI_CAP_HTTP },
    { T, "[method]fields.append", fields_append, WASI_CAP_HTTP },
    { T, "[method]fields.entries", fields_entries, WASI_CAP_HTTP },
    { T, "[method]fields.clone", fields_clone, WASI_CAP_HTTP },
};
const size_t wasi_p2_nhttp_field_defs =
    sizeof wasi_p2_http_field_defs / sizeof wasi_p2_http_field_defs[0];
