/* cfg_schema_wasm.c — the process.wasm / function.wasm schema: fs, path, hash,
 * method, transport, wit, imports (capability groups), wasi (args, cwd,
 * env, mounts, sockets; http in schema_wasi_http.c), limits, pool. Texts follow Wippy's validation errors. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/loader.h"
#include "sys/netallow.h"

/* Import names a core module may list, and the capability group each
 * selects (see RATIONALE.md). NULL group: accepted, selects nothing. */
static const struct { const char *name; const char *group; } import_names[] = {
    { "wasi:cli", "wasi:cli" },               { "wasi:cli/environment", "wasi:cli" },
    { "wasi:cli/exit", "wasi:cli" },          { "wasi:cli/stdin", "wasi:cli" },
    { "wasi:cli/stdout", "wasi:cli" },        { "wasi:cli/stderr", "wasi:cli" },
    { "wasi:cli/terminal-stdin", "wasi:cli" }, { "wasi:cli/terminal-stdout", "wasi:cli" },
    { "wasi:cli/terminal-stderr", "wasi:cli" },
    { "wasi:io", "wasi:io" },                 { "wasi:io/error", "wasi:io" },
    { "wasi:io/streams", "wasi:io" },
    { "wasi:poll", "wasi:poll" },             { "wasi:io/poll", "wasi:poll" },
    { "wasi:clocks", "wasi:clocks" },         { "wasi:clocks/wall-clock", "wasi:clocks" },
    { "wasi:clocks/monotonic-clock", "wasi:clocks" },
    { "wasi:filesystem", "wasi:filesystem" }, { "wasi:filesystem/types", "wasi:filesystem" },
    { "wasi:filesystem/preopens", "wasi:filesystem" },
    { "wasi:random", "wasi:random" },         { "wasi:random/random", "wasi:random" },
    { "wasi:random/insecure", "wasi:random" }, { "wasi:random/insecure-seed", "wasi:random" },
    { "wasi:sockets", "wasi:sockets" },       { "wasi:sockets/instance-network", "wasi:sockets" },
    { "wasi:sockets/ip-name-lookup", "wasi:sockets" }, { "wasi:sockets/tcp", "wasi:sockets" },
    { "wasi:sockets/tcp-create-socket", "wasi:sockets" }, { "wasi:sockets/udp", "wasi:sockets" },
    { "wasi:sockets/udp-create-socket", "wasi:sockets" },
    { "wasi:http", "wasi:http" },             { "wasi:http/types", "wasi:http" },
    { "wasi:http/outgoing-handler", "wasi:http" },
    { "wasi1", NULL }, { "wasi-preview1", NULL }, { "preview1", NULL },
    { "wasi_snapshot_preview1", NULL },
};

/* Component-only profiles: they cannot serve a core module. wasi:http
 * is a group too: whether the binary is a component is known once it is
 * read (cfg_check_component_imports). */
static const char *const component_only[] = {
    "funcs", "wippy:runtime/funcs",
};

/* Lower-cases, trims and drops an @version suffix: Wippy's matching rule. */
static char *normalise_import(arena *a, const char *text)
{
    while (isspace((unsigned char)*text))
        text++;
    size_t n = strcspn(text, "@");
    while (n > 0 && isspace((unsigned char)text[n - 1]))
        n--;
    char *s = cfg_arena_strndup(a, text, n);
    for (char *p = s; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return s;
}

static void parse_imports(cfg_registry *r, entry_rec *e, const field_ctx *fc, cfg_wasm *w)
{
    size_t n;
    const char **names = cfg_field_string_list(fc, "imports", &n);
    const cfg_node *list = cfg_field_node(fc, "imports");
    w->imports = n ? cfg_arena_alloc(&r->a, n * sizeof *w->imports) : NULL;
    for (size_t i = 0; i < n; i++) {
        const cfg_node *at = list->items[i];
        const char *field = cfg_arena_printf(&r->a, "imports[%zu]", i);
        char *name = normalise_import(&r->a, names[i]);
        if (name == NULL)
            return;
        const char *colon = strchr(name, ':');
        if (colon != NULL && colon[1] == '\0') {
            cfg_report_wippy(r, e, at, field, "import :name cannot be empty");
            continue;
        }
        bool known = false, component = false;
        for (size_t k = 0; k < sizeof import_names / sizeof import_names[0] && !known; k++)
            if (!strcmp(import_names[k].name, name)) {
                known = true;
                const char *group = import_names[k].group;
                bool dup = false;
                for (size_t j = 0; group && j < w->nimports; j++)
                    dup = dup || !strcmp(w->imports[j], group);
                if (group != NULL && !dup && w->imports != NULL)
                    w->imports[w->nimports++] = group;
            }
        for (size_t k = 0; k < sizeof component_only / sizeof component_only[0]; k++)
            component = component || !strcmp(component_only[k], name);
        if (component)
            cfg_report(r, e, at, field, "wasm host import requires component module: %s", names[i]);
        else if (!known)
            cfg_report(r, e, at, field, "unsupported wasm host import: %s", names[i]);
    }
}

void cfg_check_component_imports(cfg_registry *r, entry_rec *e)
{
    const cfg_wasm *w = &e->pub.as.wasm;
    /* Wippy's rule: "\0asm" and a version above 1 is a component; the rest is not */
    if (w->bytes == NULL || (w->size >= 8 && memcmp(w->bytes, "\0asm", 4) == 0 &&
                             ((uint32_t)w->bytes[4] | (uint32_t)w->bytes[5] << 8 |
                              (uint32_t)w->bytes[6] << 16 | (uint32_t)w->bytes[7] << 24) > 1))
        return;
    const cfg_node *list = cfg_map_get(e->pub.data, "imports");
    for (size_t i = 0; list != NULL && list->type == CFG_NODE_SEQ && i < list->count; i++) {
        const cfg_node *at = list->items[i];
        if (at->type != CFG_NODE_SCALAR)
            continue;
        const char *name = normalise_import(&r->a, at->text);
        if (name != NULL && strncmp(name, "wasi:http", 9) == 0 && (name[9] == '\0' || name[9] == '/'))
            cfg_report(r, e, at, cfg_arena_printf(&r->a, "imports[%zu]", i),
                       "wasm host import requires component module: %s", at->text);
    }
}

/* Go's path.Clean for an absolute path: no ".", "..", or repeated "/". */
static const char *clean_absolute(arena *a, const char *path)
{
    size_t n = strlen(path);
    char *out = cfg_arena_alloc(a, n + 2);
    if (out == NULL)
        return path;
    size_t len = 0;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t seg = strcspn(p, "/");
        if (seg == 0 || (seg == 1 && p[0] == '.')) {
            /* nothing */
        } else if (seg == 2 && p[0] == '.' && p[1] == '.') {
            while (len > 0 && out[--len] != '/')
                ;
        } else {
            out[len++] = '/';
            memcpy(out + len, p, seg);
            len += seg;
        }
        p += seg;
    }
    if (len == 0)
        out[len++] = '/';
    out[len] = '\0';
    return out;
}

static void parse_env(cfg_registry *r, entry_rec *e, const field_ctx *wasi, cfg_wasm *w)
{
    const cfg_node *list = cfg_field_list(wasi, "env");
    if (list == NULL || list->count == 0)
        return;
    w->env = cfg_arena_alloc(&r->a, list->count * sizeof *w->env);
    for (size_t i = 0; w->env != NULL && i < list->count; i++) {
        const cfg_node *item = list->items[i];
        const char *path = cfg_arena_printf(&r->a, "wasi.env[%zu]", i);
        if (item->type != CFG_NODE_MAP) {
            cfg_report(r, e, item, path, "expected a mapping with id and name, got %s",
                       cfg_node_type_name(item));
            continue;
        }
        field_ctx fc = cfg_fields_of(r, e, item, path);
        const char *id = cfg_field_string(&fc, "id");
        const char *name = cfg_field_string(&fc, "name");
        bool required = cfg_field_bool(&fc, "required", false);
        if (id == NULL || id[0] == '\0' || (strchr(id, ':') && strchr(id, ':')[1] == '\0')) {
            cfg_report_wippy(r, e, cfg_field_node(&fc, "id") ? cfg_field_node(&fc, "id") : item,
                             cfg_field_path(&fc, "id"), "wasi.env[].id is required");
            continue;
        }
        while (name != NULL && isspace((unsigned char)*name))
            name++;
        size_t len = name ? strlen(name) : 0;
        while (len > 0 && isspace((unsigned char)name[len - 1]))
            len--;
        if (len == 0) {
            cfg_report_wippy(r, e, cfg_field_node(&fc, "name") ? cfg_field_node(&fc, "name") : item,
                             cfg_field_path(&fc, "name"), "wasi.env[].name is required");
            continue;
        }
        name = cfg_arena_strndup(&r->a, name, len);
        bool dup = false;
        for (size_t j = 0; j < w->nenv && name; j++)
            dup = dup || !strcmp(w->env[j].name, name);
        if (dup) {
            cfg_report_wippy(r, e, cfg_field_node(&fc, "name"), cfg_field_path(&fc, "name"),
                             "wasi.env[].name must be unique");
            continue;
        }
        const char *target = cfg_ref_id(r, e, cfg_field_node(&fc, "id"), cfg_field_path(&fc, "id"), id, true);
        cfg_add_ref(r, e, cfg_field_node(&fc, "id"), cfg_field_path(&fc, "id"), target, REF_ENV_VARIABLE);
        w->env[w->nenv++] = (cfg_wasi_env){ target, name, required };
    }
}

static int compare_mounts(const void *a, const void *b)
{
    return strcmp(((const cfg_wasi_mount *)a)->guest, ((const cfg_wasi_mount *)b)->guest);
}

static void parse_mounts(cfg_registry *r, entry_rec *e, const field_ctx *wasi, cfg_wasm *w)
{
    const cfg_node *list = cfg_field_list(wasi, "mounts");
    if (list == NULL || list->count == 0)
        return;
    w->mounts = cfg_arena_alloc(&r->a, list->count * sizeof *w->mounts);
    for (size_t i = 0; w->mounts != NULL && i < list->count; i++) {
        const cfg_node *item = list->items[i];
        const char *path = cfg_arena_printf(&r->a, "wasi.mounts[%zu]", i);
        if (item->type != CFG_NODE_MAP) {
            cfg_report(r, e, item, path, "expected a mapping with fs and guest, got %s",
                       cfg_node_type_name(item));
            continue;
        }
        field_ctx fc = cfg_fields_of(r, e, item, path);
        const char *fs = cfg_field_string(&fc, "fs");
        const char *guest = cfg_field_string(&fc, "guest");
        bool read_only = cfg_field_bool(&fc, "read_only", false);
        const cfg_node *guest_at = cfg_field_node(&fc, "guest") ? cfg_field_node(&fc, "guest") : item;
        if (fs == NULL || fs[0] == '\0') {
            cfg_report_wippy(r, e, item, cfg_field_path(&fc, "fs"), "wasi.mounts[].fs is required");
            continue;
        }
        while (guest != NULL && isspace((unsigned char)*guest))
            guest++;
        if (guest == NULL || guest[0] == '\0') {
            cfg_report_wippy(r, e, guest_at, cfg_field_path(&fc, "guest"), "wasi.mounts[].guest is required");
            continue;
        }
        if (guest[0] != '/') {
            cfg_report_wippy(r, e, guest_at, cfg_field_path(&fc, "guest"),
                             "wasi.mounts[].guest must be absolute");
            continue;
        }
        guest = clean_absolute(&r->a, guest);
        bool dup = false;
        for (size_t j = 0; j < w->nmounts; j++)
            dup = dup || !strcmp(w->mounts[j].guest, guest);
        if (dup) {
            cfg_report_wippy(r, e, guest_at, cfg_field_path(&fc, "guest"), "wasi.mounts[].guest must be unique");
            continue;
        }
        const char *target = cfg_ref_id(r, e, cfg_field_node(&fc, "fs"), cfg_field_path(&fc, "fs"), fs, false);
        cfg_add_ref(r, e, cfg_field_node(&fc, "fs"), cfg_field_path(&fc, "fs"), target, REF_MOUNT_FS);
        w->mounts[w->nmounts++] = (cfg_wasi_mount){ target, guest, read_only };
    }
    if (w->nmounts > 1)
        qsort(w->mounts, w->nmounts, sizeof *w->mounts, compare_mounts);
}

/* wasi.sockets: {connect: [RULE...], bind: [RULE...]}, each RULE an
 * allow-list item of sys/netallow.h; nothing else may be in it. */
static void parse_sockets(cfg_registry *r, entry_rec *e, const field_ctx *wasi, cfg_wasm *w)
{
    const cfg_node *map = cfg_field_map(wasi, "sockets");
    if (map == NULL)
        return;
    field_ctx fc = cfg_fields_of(r, e, map, "wasi.sockets");
    for (size_t i = 0; i < map->count; i++) {
        const char *key = map->keys[i]->text;
        if (strcmp(key, "connect") && strcmp(key, "bind"))
            cfg_report(r, e, map->keys[i], cfg_field_path(&fc, key),
                       "unknown field: wasi.sockets has only connect and bind");
    }
    static const char *const lists[] = { "connect", "bind" };
    for (int k = 0; k < 2; k++) {
        const cfg_node *list = cfg_field_list(&fc, lists[k]);
        size_t n = 0;
        const char **rules = list != NULL && list->count > 0
                                 ? cfg_arena_alloc(&r->a, list->count * sizeof *rules) : NULL;
        for (size_t i = 0; rules != NULL && i < list->count; i++) {
            const char *field = cfg_arena_printf(&r->a, "wasi.sockets.%s[%zu]", lists[k], i);
            const char *text = cfg_node_string(r, e, list->items[i], field);
            sys_net_rule rule;
            char why[256];
            if (text == NULL)
                continue;
            if (!sys_net_rule_parse(text, &rule, why, sizeof why))
                cfg_report(r, e, list->items[i], field, "allow-list rule: %s", why);
            else
                rules[n++] = text;
        }
        if (k == 0) {
            w->sock_connect = rules;
            w->nsock_connect = n;
        } else {
            w->sock_bind = rules;
            w->nsock_bind = n;
        }
    }
}

static void parse_wasi(cfg_registry *r, entry_rec *e, const field_ctx *top, cfg_wasm *w)
{
    w->cwd = "/";
    const cfg_node *wasi = cfg_field_map(top, "wasi");
    if (wasi == NULL)
        return;
    field_ctx fc = cfg_fields_of(r, e, wasi, "wasi");
    w->args = cfg_field_string_list(&fc, "args", &w->nargs);
    const char *cwd = cfg_field_string(&fc, "cwd");
    if (cwd != NULL && cwd[0] != '\0' && cwd[0] != '/')
        cfg_report_wippy(r, e, cfg_field_node(&fc, "cwd"), "wasi.cwd", "wasi.cwd must be absolute");
    else if (cwd != NULL && cwd[0] != '\0')
        w->cwd = cwd;
    parse_env(r, e, &fc, w);
    parse_mounts(r, e, &fc, w);
    parse_sockets(r, e, &fc, w);
    cfg_schema_wasi_http(r, e, &fc, w);
}

static void parse_pool(cfg_registry *r, entry_rec *e, const field_ctx *top, cfg_pool *p)
{
    const cfg_node *pool = cfg_field_map(top, "pool");
    if (pool == NULL)
        return;
    field_ctx fc = cfg_fields_of(r, e, pool, "pool");
    p->type = cfg_field_string(&fc, "type");
    p->size = cfg_field_int(&fc, "size", 0, INT64_MIN, INT64_MAX);
    p->workers = cfg_field_int(&fc, "workers", 0, INT64_MIN, INT64_MAX);
    p->buffer = cfg_field_int(&fc, "buffer", 0, INT64_MIN, INT64_MAX);
    p->max_size = cfg_field_int(&fc, "max_size", 0, INT64_MIN, INT64_MAX);
    if (p->size < 0 || p->workers < 0 || p->buffer < 0 || p->max_size < 0)
        cfg_report_wippy(r, e, pool, "pool", "pool values cannot be negative");
    else if (p->type && strcmp(p->type, "lazy") && strcmp(p->type, "static") &&
             strcmp(p->type, "inline") && strcmp(p->type, "adaptive"))
        cfg_report_wippy(r, e, cfg_field_node(&fc, "type"), "pool.type", "invalid pool type");
}

void cfg_schema_wasm(cfg_registry *r, entry_rec *e)
{
    cfg_wasm *w = &e->pub.as.wasm;
    field_ctx fc = cfg_fields_of(r, e, e->pub.data, "");
    static const char *const required[] = { "fs", "path", "hash", "method" };
    const char *values[4];
    for (int i = 0; i < 4; i++) {
        values[i] = cfg_field_string(&fc, required[i]);
        if (values[i] == NULL || values[i][0] == '\0') {
            const cfg_node *n = cfg_field_node(&fc, required[i]);
            if (n == NULL || n->type == CFG_NODE_SCALAR)
                cfg_report_wippy(r, e, n ? n : cfg_map_key(e->pub.data, required[i]), required[i],
                                 cfg_arena_printf(&r->a, "%s is required", required[i]));
            values[i] = NULL;
        }
    }
    w->fs = values[0];
    w->path = values[1];
    w->hash = values[2];
    w->method = values[3];
    if (w->fs != NULL)
        cfg_add_ref(r, e, cfg_field_node(&fc, "fs"), "fs",
                cfg_ref_id(r, e, cfg_field_node(&fc, "fs"), "fs", w->fs, false), REF_FS);
    char why[256];
    if (w->hash != NULL && cfg_wasm_hash_hex(w->hash, why, sizeof why) == NULL)
        cfg_report(r, e, cfg_field_node(&fc, "hash"), "hash", "%s", why);
    w->transport = cfg_field_string(&fc, "transport");
    if (w->transport == NULL || w->transport[0] == '\0')
        w->transport = "payload";
    else if (strcmp(w->transport, "payload") && strcmp(w->transport, "wasi-http"))
        cfg_report_wippy(r, e, cfg_field_node(&fc, "transport"), "transport", "invalid transport type");
    w->wit = cfg_field_string(&fc, "wit");
    parse_imports(r, e, &fc, w);
    parse_wasi(r, e, &fc, w);
    const cfg_node *limits = cfg_field_map(&fc, "limits");
    if (limits != NULL) {
        field_ctx lc = cfg_fields_of(r, e, limits, "limits");
        w->max_execution_ms = cfg_field_int(&lc, "max_execution_ms", 0, INT64_MIN, INT64_MAX);
        if (w->max_execution_ms < 0) {
            cfg_report_wippy(r, e, cfg_field_node(&lc, "max_execution_ms"), "limits.max_execution_ms",
                             "limits.max_execution_ms cannot be negative");
            w->max_execution_ms = 0;
        }
        /* Not Wippy's: limits the engine enforces (see RATIONALE.md). */
        w->fuel = cfg_field_int(&lc, "fuel", 0, 0, INT64_MAX);
        w->max_call_depth = cfg_field_int(&lc, "max_call_depth", 0, 1, 1000000);
        w->max_memory = cfg_field_int(&lc, "max_memory", 0, 65536, INT64_C(4294967296));
        if (w->max_memory % 65536 != 0) {
            cfg_report(r, e, cfg_field_node(&lc, "max_memory"), "limits.max_memory",
                       "must be a whole number of 64 KiB pages (a multiple of 65536), got %lld",
                       (long long)w->max_memory);
            w->max_memory = 0;
        }
    }
    parse_pool(r, e, &fc, &w->pool);
}
