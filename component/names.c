/* names.c — import and export names (Explainer.md "Import and Export
 * Definitions"): kebab labels, the [constructor]/[method]/[static]
 * annotations, interface names `ns:pkg/iface@semver`, the dep/url/integrity
 * import forms; and the case-insensitive name sets the decoder checks
 * uniqueness with. Touches no decoder state but the arena (resource labels).
 *
 *   label         ::= first ('-' fragment)*
 *   first         ::= [a-z][0-9a-z]* | [A-Z][0-9A-Z]*
 *   fragment      ::= [0-9a-z]+ | [0-9A-Z]+
 *   word          ::= label with no upper-case fragment
 *   plainname     ::= label | '[constructor]' label
 *                   | '[method]' label '.' label | '[static]' label '.' label
 *   interfacename ::= word ':' word '/' label ('@' semver)?
 *   depname       ::= 'unlocked-dep=<' ... '>' | 'locked-dep=<' ... '>' (',' hashname)?
 *   urlname       ::= 'url=<' ... '>' (',' hashname)?
 *   hashname      ::= 'integrity=<' ... '>'
 */
#include "component/decode_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A label: its first fragment starts with a letter, later ones may start
 * with a digit ("a-1", "B-1-C-2"); each fragment's letters all lower case
 * or all upper case. With lower_only, no upper-case fragment (the
 * namespace and package of an interface name). */
static bool is_label(const char *s, size_t len, bool lower_only)
{
    size_t i = 0;
    for (bool first = true;; first = false) {   /* one fragment, then '-' and another */
        size_t start = i;
        bool lower = false, upper = false;
        for (; i < len && s[i] != '-'; i++) {
            char c = s[i];
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z'))
                return false;
        }
        if (i == start || (lower && upper) || (upper && lower_only))
            return false;
        if (first && s[start] >= '0' && s[start] <= '9')
            return false;
        if (i == len)
            return true;
        i++;   /* the '-' */
    }
}

bool cm_is_label(const char *s, size_t len)
{
    return is_label(s, len, false);
}

/* A dot-separated identifier list of semver (pre-release or build):
 * non-empty [0-9A-Za-z-] identifiers; numeric ones without leading zeros
 * when `numeric_rule`. */
static bool semver_idents(const char *s, size_t len, bool numeric_rule)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.') {
            if (!isalnum((unsigned char)s[i]) && s[i] != '-')
                return false;
            continue;
        }
        if (i == start)
            return false;
        bool digits = true;
        for (size_t j = start; j < i; j++)
            digits &= isdigit((unsigned char)s[j]) != 0;
        if (numeric_rule && digits && s[start] == '0' && i - start > 1)
            return false;
        start = i + 1;
    }
    return true;
}

/* MAJOR.MINOR.PATCH[-pre][+build] (semver.org). */
static bool is_semver(const char *s, size_t len)
{
    size_t i = 0;
    for (int part = 0; part < 3; part++) {
        size_t start = i;
        while (i < len && isdigit((unsigned char)s[i]))
            i++;
        if (i == start || (s[start] == '0' && i - start > 1))
            return false;
        if (part < 2) {
            if (i >= len || s[i] != '.')
                return false;
            i++;
        }
    }
    const char *plus = memchr(s + i, '+', len - i);
    size_t pre_end = plus ? (size_t)(plus - s) : len;
    if (i < pre_end) {
        if (s[i] != '-' || !semver_idents(s + i + 1, pre_end - i - 1, true))
            return false;
    }
    return plus == NULL || semver_idents(plus + 1, len - pre_end - 1, false);
}

static bool is_interface(const char *s, size_t len)
{
    const char *at = memchr(s, '@', len);
    size_t end = at ? (size_t)(at - s) : len;
    if (at != NULL && !is_semver(at + 1, len - end - 1))
        return false;
    /* namespace ':' package '/' interface: one of each (nested namespaces
     * and projections are future syntax); namespace and package lower case. */
    const char *colon = memchr(s, ':', end);
    const char *slash = memchr(s, '/', end);
    if (colon == NULL || slash == NULL || slash < colon)
        return false;
    size_t ns_len = (size_t)(colon - s), pkg_start = ns_len + 1;
    size_t pkg_len = (size_t)(slash - s) - pkg_start, iface_start = (size_t)(slash - s) + 1;
    return is_label(s, ns_len, true) && is_label(s + pkg_start, pkg_len, true) &&
           cm_is_label(s + iface_start, end - iface_start);
}

/* `prefix<...>` with no '<' or '>' inside, then optionally ",integrity=<...>". */
static bool is_bracketed(const char *s, const char *prefix, bool hash_allowed)
{
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n) != 0)
        return false;
    const char *close = strchr(s + n, '>');
    if (close == NULL || close == s + n || memchr(s + n, '<', (size_t)(close - s) - n) != NULL)
        return false;
    if (close[1] == '\0')
        return true;
    return hash_allowed && close[1] == ',' && is_bracketed(close + 2, "integrity=<", false);
}

const char *cm_check_name(cm_decoder *d, const char *name, bool import, cm_name_kind *kind,
                          const char **resource)
{
    size_t len = strlen(name);
    *resource = NULL;
    static const struct { const char *prefix; cm_name_kind kind; bool dotted; } annotations[] = {
        { "[constructor]", CM_NAME_CONSTRUCTOR, false },
        { "[method]", CM_NAME_METHOD, true },
        { "[static]", CM_NAME_STATIC, true },
    };
    if (name[0] == '[') {
        for (size_t k = 0; k < sizeof annotations / sizeof *annotations; k++) {
            size_t n = strlen(annotations[k].prefix);
            if (strncmp(name, annotations[k].prefix, n) != 0)
                continue;
            const char *rest = name + n;
            const char *dot = strchr(rest, '.');
            size_t rlen = annotations[k].dotted ? (dot ? (size_t)(dot - rest) : 0) : strlen(rest);
            if (!cm_is_label(rest, rlen))
                return annotations[k].dotted ? "expected [annotation]resource.name with kebab labels"
                                             : "expected [constructor]resource with a kebab label";
            if (annotations[k].dotted && !cm_is_label(dot + 1, strlen(dot + 1)))
                return "the name after the '.' is not a kebab label";
            *kind = annotations[k].kind;
            if ((*resource = cm_strndup(d->types, rest, rlen)) == NULL)
                return "out of memory";
            return NULL;
        }
        return "unknown [annotation]";
    }
    if (cm_is_label(name, len)) {
        *kind = CM_NAME_PLAIN;
        return NULL;
    }
    if (memchr(name, '/', len) != NULL && memchr(name, '<', len) == NULL) {
        *kind = CM_NAME_INTERFACE;
        return is_interface(name, len) ? NULL
                                       : "expected namespace:package/interface[@semver] with kebab labels";
    }
    *kind = CM_NAME_OTHER;
    if (import && (is_bracketed(name, "unlocked-dep=<", false) ||
                   is_bracketed(name, "locked-dep=<", true) || is_bracketed(name, "url=<", true) ||
                   is_bracketed(name, "integrity=<", false)))
        return NULL;
    return "not a kebab-case label or interface name";
}

/* ---- name sets ---- */

/* Strong uniqueness (Explainer.md "Name Uniqueness"): names are compared
 * in a canonical form, letters lower-cased; `[method]l.l` and `[static]l.l`
 * become `l`, any other annotation but `[constructor]` is stripped. So
 * `foo-bar` and `FOO-BAR` conflict, and so do `[method]r.m` and
 * `[static]r.m`, and `a` and `[method]a.a`. The Explainer's step 1.1 also
 * removes hyphens (`foobar` against `foo-bar`); the reference validator and
 * the testsuite do not (kebab.wast imports both `a1` and `a-1`), so neither
 * does this. */
typedef struct {
    const char *s;
    size_t len;
} name_view;

static bool view_eq(name_view a, name_view b)
{
    size_t i = 0, j = 0;
    for (;;) {
        if (i == a.len || j == b.len)
            return i == a.len && j == b.len;
        if (tolower((unsigned char)a.s[i]) != tolower((unsigned char)b.s[j]))
            return false;
        i++, j++;
    }
}

static name_view canonical(const char *name)
{
    name_view v = { name, strlen(name) };
    static const char *const dotted[] = { "[method]", "[static]" };
    for (size_t k = 0; k < 2; k++) {
        size_t n = strlen(dotted[k]);
        if (strncmp(name, dotted[k], n) != 0)
            continue;
        v.s += n;
        v.len -= n;
        const char *dot = memchr(v.s, '.', v.len);
        if (dot != NULL) {
            name_view l = { v.s, (size_t)(dot - v.s) }, r = { dot + 1, v.len - l.len - 1 };
            if (view_eq(l, r))
                return l;
        }
        return v;
    }
    return v;
}

static uint32_t hash_canonical(const char *name)
{
    name_view v = canonical(name);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < v.len; i++)
        h = (h ^ (uint8_t)tolower((unsigned char)v.s[i])) * 16777619u;
    return h;
}

static const char **find_slot(const char **slots, uint32_t cap, const char *name)
{
    name_view v = canonical(name);
    for (uint32_t i = hash_canonical(name) & (cap - 1);; i = (i + 1) & (cap - 1))
        if (slots[i] == NULL || view_eq(canonical(slots[i]), v))
            return &slots[i];
}

const char *cm_nameset_find(const cm_nameset *set, const char *name)
{
    return set->cap != 0 ? *find_slot(set->slots, set->cap, name) : NULL;
}

bool cm_nameset_has(const cm_nameset *set, const char *name)
{
    return set->cap != 0 && *find_slot(set->slots, set->cap, name) != NULL;
}

bool cm_nameset_add(cm_nameset *set, const char *name, bool *nomem)
{
    if ((set->n + 1) * 2 > set->cap) {
        uint32_t cap = set->cap ? set->cap * 2 : 16;
        const char **slots = calloc(cap, sizeof *slots);
        if (slots == NULL) {
            *nomem = true;
            return false;
        }
        for (uint32_t i = 0; i < set->cap; i++)
            if (set->slots[i] != NULL)
                *find_slot(slots, cap, set->slots[i]) = set->slots[i];
        free(set->slots);
        set->slots = slots;
        set->cap = cap;
    }
    const char **slot = find_slot(set->slots, set->cap, name);
    if (*slot != NULL)
        return false;
    *slot = name;
    set->n++;
    return true;
}

void cm_nameset_free(cm_nameset *set)
{
    free(set->slots);
    memset(set, 0, sizeof *set);
}
