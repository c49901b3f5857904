/* fields.c — typed readers for entry fields: strings, booleans, integers,
 * floats, durations, mappings and lists. Each wrong type or range is
 * reported once, naming the field's dotted path and what was expected.
 * Also Go-style duration parsing ("1m30s"). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config/loader.h"

field_ctx cfg_fields_of(cfg_registry *r, entry_rec *e, const cfg_node *map, const char *prefix)
{
    field_ctx fc = { r, e, map, prefix ? prefix : "" };
    return fc;
}

const char *cfg_field_path(const field_ctx *fc, const char *key)
{
    if (fc->prefix[0] == '\0')
        return key;
    const char *p = cfg_arena_printf(&fc->reg->a, "%s.%s", fc->prefix, key);
    return p ? p : key;
}

const cfg_node *cfg_field_node(const field_ctx *fc, const char *key)
{
    const cfg_node *n = cfg_map_get(fc->map, key);
    return cfg_node_is_null(n) ? NULL : n;
}

/* A scalar's text, or NULL after reporting what was expected. */
static const char *scalar_text(const field_ctx *fc, const cfg_node *n, const char *key,
                               const char *expected)
{
    if (n->type == CFG_NODE_SCALAR)
        return n->text;
    cfg_report(fc->reg, fc->e, n, cfg_field_path(fc, key), "expected %s, got %s", expected,
               cfg_node_type_name(n));
    return NULL;
}

const char *cfg_node_string(cfg_registry *r, entry_rec *e, const cfg_node *n, const char *field)
{
    if (n != NULL && n->type == CFG_NODE_SCALAR)
        return n->text;
    cfg_report(r, e, n, field, "expected a string, got %s", cfg_node_type_name(n));
    return NULL;
}

const char *cfg_field_string(const field_ctx *fc, const char *key)
{
    const cfg_node *n = cfg_field_node(fc, key);
    return n ? scalar_text(fc, n, key, "a string") : NULL;
}

bool cfg_field_bool(const field_ctx *fc, const char *key, bool def)
{
    const cfg_node *n = cfg_field_node(fc, key);
    if (n == NULL)
        return def;
    const char *t = scalar_text(fc, n, key, "true or false");
    if (t == NULL)
        return def;
    if (!n->quoted && (!strcmp(t, "true") || !strcmp(t, "True") || !strcmp(t, "TRUE")))
        return true;
    if (!n->quoted && (!strcmp(t, "false") || !strcmp(t, "False") || !strcmp(t, "FALSE")))
        return false;
    cfg_report(fc->reg, fc->e, n, cfg_field_path(fc, key), "expected true or false, got \"%s\"", t);
    return def;
}

int64_t cfg_field_int(const field_ctx *fc, const char *key, int64_t def, int64_t min, int64_t max)
{
    const cfg_node *n = cfg_field_node(fc, key);
    if (n == NULL)
        return def;
    const char *t = scalar_text(fc, n, key, "an integer");
    if (t == NULL)
        return def;
    char *end;
    errno = 0;
    long long v = strtoll(t, &end, 10);
    if (n->quoted || end == t || *end != '\0' || errno == ERANGE) {
        cfg_report(fc->reg, fc->e, n, cfg_field_path(fc, key), "expected an integer, got \"%s\"", t);
        return def;
    }
    if (v < min || v > max) {
        if (max == INT64_MAX)
            cfg_report(fc->reg, fc->e, n, cfg_field_path(fc, key),
                       "must be at least %lld, got %lld", (long long)min, v);
        else
            cfg_report(fc->reg, fc->e, n, cfg_field_path(fc, key),
                       "must be between %lld and %lld, got %lld", (long long)min,
                       (long long)max, v);
        return def;
    }
    return v;
}

double cfg_field_float(const field_ctx *fc, const char *key, double def, double min, double max)
{
    const cfg_node *n = cfg_field_node(fc, key);
    if (n == NULL)
        return def;
    const char *t = scalar_text(fc, n, key, "a number");
    if (t == NULL)
        return def;
    char *end;
    double v = strtod(t, &end);
    if (n->quoted || end == t || *end != '\0' || !isfinite(v)) {
        cfg_report(fc->reg, fc->e, n, cfg_field_path(fc, key), "expected a number, got \"%s\"", t);
        return def;
    }
    if (v < min || v > max) {
        cfg_report(fc->reg, fc->e, n, cfg_field_path(fc, key), "must be between %g and %g, got %g",
                   min, max, v);
        return def;
    }
    return v;
}

int64_t cfg_field_duration(const field_ctx *fc, const char *key, int64_t def)
{
    const cfg_node *n = cfg_field_node(fc, key);
    if (n == NULL)
        return def;
    const char *t = scalar_text(fc, n, key, "a duration");
    int64_t ns;
    if (t == NULL)
        return def;
    if (!cfg_parse_duration(t, &ns)) {
        cfg_report(fc->reg, fc->e, n, cfg_field_path(fc, key),
                   "invalid duration \"%s\": expected a number with a unit (ns, us, ms, s, m, h), "
                   "e.g. 10s, 500ms, 1m30s", t);
        return def;
    }
    return ns;
}

static const cfg_node *field_of_type(const field_ctx *fc, const char *key, cfg_node_type type,
                                     const char *expected)
{
    const cfg_node *n = cfg_field_node(fc, key);
    if (n == NULL || n->type == type)
        return n;
    cfg_report(fc->reg, fc->e, n, cfg_field_path(fc, key), "expected %s, got %s", expected,
               cfg_node_type_name(n));
    return NULL;
}

const cfg_node *cfg_field_map(const field_ctx *fc, const char *key)
{
    return field_of_type(fc, key, CFG_NODE_MAP, "a mapping");
}

const cfg_node *cfg_field_list(const field_ctx *fc, const char *key)
{
    return field_of_type(fc, key, CFG_NODE_SEQ, "a list");
}

const char **cfg_field_string_list(const field_ctx *fc, const char *key, size_t *n)
{
    *n = 0;
    const cfg_node *list = cfg_field_list(fc, key);
    if (list == NULL || list->count == 0)
        return NULL;
    const char **out = cfg_arena_alloc(&fc->reg->a, list->count * sizeof *out);
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < list->count; i++) {
        const char *item_path = cfg_arena_printf(&fc->reg->a, "%s[%zu]", cfg_field_path(fc, key), i);
        const char *s = cfg_node_string(fc->reg, fc->e, list->items[i], item_path);
        if (s != NULL)
            out[(*n)++] = s;
    }
    return out;
}

/* Go's time.ParseDuration grammar without the sign: one or more
 * <decimal number><unit>, or a lone "0". */
bool cfg_parse_duration(const char *s, int64_t *ns)
{
    static const struct { const char *unit; int64_t ns; } units[] = {
        { "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "ms", 1000000 },
        { "s", 1000000000 }, { "m", 60LL * 1000000000 }, { "h", 3600LL * 1000000000 },
    };
    if (!strcmp(s, "0")) {
        *ns = 0;
        return true;
    }
    if (*s == '\0')
        return false;
    int64_t total = 0;
    while (*s) {
        int64_t whole = 0, frac = 0, scale = 1;
        bool digits = false;
        for (; *s >= '0' && *s <= '9'; s++, digits = true) {
            if (whole > (INT64_MAX - 9) / 10)
                return false;
            whole = whole * 10 + (*s - '0');
        }
        if (*s == '.') {
            for (s++; *s >= '0' && *s <= '9'; s++, digits = true)
                if (scale < 1000000000000000000LL) {
                    frac = frac * 10 + (*s - '0');
                    scale *= 10;
                }
        }
        if (!digits)
            return false;
        size_t best = 0, best_len = 0;
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            size_t len = strlen(units[i].unit);
            if (!strncmp(s, units[i].unit, len) && len > best_len) {
                best = i;
                best_len = len;
            }
        }
        if (best_len == 0)
            return false;
        s += best_len;
        int64_t unit = units[best].ns;
        if (whole > INT64_MAX / unit)
            return false;
        int64_t part = whole * unit + (int64_t)((double)frac * (double)unit / (double)scale);
        if (part < 0 || total > INT64_MAX - part)
            return false;
        total += part;
    }
    *ns = total;
    return true;
}
