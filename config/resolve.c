/* resolve.c — after every file is read: each reference is looked up and
 * its kind checked, entries are put in dependency order (Kahn's algorithm,
 * stable in load order), cycles are reported with their members, a bad
 * entry takes down what depends on it, and good process.wasm entries get
 * their binaries read and verified. */
#include <stdlib.h>
#include <string.h>

#include "config/loader.h"

/* What each kind of reference must point at, and Wippy's text when the
 * target does not exist. */
static const struct {
    const char *expected;   /* for "is a X, expected Y" */
    const char *missing;    /* printf format with the id */
} wants[] = {
    [REF_ANY]          = { "an entry",               "dependency not found: %s" },
    [REF_FS]           = { "an fs.* entry",          "filesystem not found: %s" },
    [REF_MOUNT_FS]     = { "an fs.* entry",          "wasi mount filesystem not found: %s" },
    [REF_ENV_VARIABLE] = { "an env.variable entry",  "env variable not found: %s" },
    [REF_ENV_STORAGE]  = { "an env.storage.* entry", "env storage not found: %s" },
    [REF_PROCESS]      = { "a process.* entry",      "process not found: %s" },
    [REF_PROCESS_HOST] = { "a process.host entry",   "process host not found: %s" },
    [REF_LUA_LIBRARY]  = { "a library.lua entry",    "library not found: %s" },
};

static bool kind_fits(ref_want want, const char *kind)
{
    switch (want) {
    case REF_FS:
    case REF_MOUNT_FS:      return !strncmp(kind, "fs.", 3);
    case REF_ENV_VARIABLE:  return !strcmp(kind, "env.variable");
    case REF_ENV_STORAGE:   return !strncmp(kind, "env.storage.", 12);
    case REF_PROCESS:       return cfg_kind_is_process(kind);
    case REF_PROCESS_HOST:  return !strcmp(kind, "process.host");
    case REF_LUA_LIBRARY:   return !strcmp(kind, "library.lua");
    case REF_ANY:           return true;
    }
    return false;
}

static void report_missing(cfg_registry *r, entry_rec *e, const entry_ref *ref)
{
    const char *message = cfg_arena_printf(&r->a, wants[ref->want].missing, ref->target);
    if (strchr(ref->target, ':') == NULL)
        cfg_report(r, e, ref->at, ref->field, "%s (fs references are not namespace-relative: "
                   "write the full id, e.g. %s:%s)", message, e->pub.ns, ref->target);
    else
        cfg_report(r, e, ref->at, ref->field, "%s", message);
}

/* Checks one entry's references once its dependencies are settled. */
static void check_refs(cfg_registry *r, entry_rec *e)
{
    for (size_t i = 0; i < e->nrefs; i++) {
        const entry_ref *ref = &e->refs[i];
        const entry_rec *t = ref->found;
        if (t == NULL)
            report_missing(r, e, ref);
        else if (!kind_fits(ref->want, t->pub.kind))
            cfg_report(r, e, ref->at, ref->field, "%s has kind %s, expected %s", t->pub.id,
                       t->pub.kind, wants[ref->want].expected);
        else if (t->bad)
            cfg_report(r, e, ref->at, ref->field, "%s has errors and was not loaded", t->pub.id);
    }
}

/* Unique dependency ids of an entry, for the public record. */
static void publish_deps(cfg_registry *r, entry_rec *e)
{
    e->pub.deps = e->nrefs ? cfg_arena_alloc(&r->a, e->nrefs * sizeof *e->pub.deps) : NULL;
    for (size_t i = 0; e->pub.deps && i < e->nrefs; i++) {
        bool seen = false;
        for (size_t j = 0; j < e->pub.ndeps; j++)
            seen = seen || !strcmp(e->pub.deps[j], e->refs[i].target);
        if (!seen)
            e->pub.deps[e->pub.ndeps++] = e->refs[i].target;
    }
}

/* The first dependency of e that the sort could not place, or NULL. */
static entry_rec *next_unsorted(const entry_rec *e)
{
    for (size_t i = 0; i < e->nrefs; i++)
        if (e->refs[i].found && !e->refs[i].found->sorted)
            return e->refs[i].found;
    return NULL;
}

/* Reports each cycle among the entries the sort could not place, once,
 * naming its members in order ("a -> b -> a"), and marks them bad. */
static void report_cycles(cfg_registry *r)
{
    size_t *walk_of = calloc(r->nall ? r->nall : 1, sizeof *walk_of);
    if (walk_of == NULL) {
        r->a.failed = true;
        return;
    }
    for (size_t first = 0; first < r->nall; first++) {
        entry_rec *e = r->all[first];
        if (e->sorted || walk_of[first])
            continue;
        /* Follow unsorted dependencies until an entry repeats; every
         * unsorted entry has one, so the walk always ends on a repeat. */
        size_t walk = first + 1;
        while (e != NULL && !walk_of[e->index]) {
            walk_of[e->index] = walk;
            e = next_unsorted(e);
        }
        if (e == NULL || walk_of[e->index] != walk)
            continue;   /* ran into an earlier walk, whose cycle is reported */
        const char *text = e->pub.id;
        for (entry_rec *m = next_unsorted(e); text != NULL; m = next_unsorted(m)) {
            text = cfg_arena_printf(&r->a, "%s -> %s", text, m->pub.id);
            if (m == e)
                break;
        }
        entry_rec *m = e;
        do {
            m->bad = true;
            m = next_unsorted(m);
        } while (m != e);
        if (next_unsorted(e) == e)
            cfg_report(r, e, NULL, NULL, "%s depends on itself", e->pub.id);
        else
            cfg_report(r, e, NULL, NULL, "dependency cycle: %s", text ? text : e->pub.id);
    }
    free(walk_of);
}

void cfg_resolve_and_order(cfg_registry *r)
{
    size_t n = r->nall;
    /* Dependents of each entry, as one flat array (CSR). */
    size_t *start = calloc(n + 1, sizeof *start), *queue = calloc(n ? n : 1, sizeof *queue);
    size_t nedges = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < r->all[i]->nrefs; k++) {
            entry_ref *ref = &r->all[i]->refs[k];
            ref->found = cfg_registry_find(r, ref->target);
            if (ref->found != NULL && start != NULL) {
                start[ref->found->index + 1]++;
                r->all[i]->waiting++;
                nedges++;
            }
        }
    size_t *edges = calloc(nedges ? nedges : 1, sizeof *edges);
    size_t *fill = calloc(n + 1, sizeof *fill);
    r->ordered = cfg_arena_alloc(&r->a, (n ? n : 1) * sizeof *r->ordered);
    if (start == NULL || queue == NULL || edges == NULL || fill == NULL || r->ordered == NULL) {
        r->a.failed = true;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < r->all[i]->nrefs; k++) {
            const entry_rec *t = r->all[i]->refs[k].found;
            if (t != NULL)
                edges[start[t->index] + fill[t->index]++] = i;
        }
    /* Kahn's algorithm; the queue starts in load order. */
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < n; i++)
        if (r->all[i]->waiting == 0)
            queue[tail++] = i;
    while (head < tail) {
        entry_rec *e = r->all[queue[head++]];
        e->sorted = true;
        for (size_t k = start[e->index]; k < start[e->index + 1]; k++)
            if (--r->all[edges[k]]->waiting == 0)
                queue[tail++] = edges[k];
    }
    report_cycles(r);
    /* Settle entries in order: references, then the module binary. */
    for (size_t q = 0; q < tail; q++) {
        entry_rec *e = r->all[queue[q]];
        check_refs(r, e);
        if (!e->bad && !r->skip_modules &&
            (e->pub.type == CFG_KIND_PROCESS_WASM || e->pub.type == CFG_KIND_FUNCTION_WASM))
            cfg_load_module_bytes(r, e);
        publish_deps(r, e);
        if (!e->bad)
            r->ordered[r->nordered++] = &e->pub;
    }
    /* Entries behind a cycle: bad, naming the unsorted dependency. */
    for (size_t i = 0; i < n; i++) {
        entry_rec *e = r->all[i];
        if (e->sorted || e->bad)
            continue;
        for (size_t k = 0; k < e->nrefs && !e->bad; k++)
            if (e->refs[k].found && !e->refs[k].found->sorted)
                cfg_report(r, e, e->refs[k].at, e->refs[k].field,
                           "%s is part of or depends on a dependency cycle", e->refs[k].target);
    }
out:
    free(start);
    free(queue);
    free(edges);
    free(fill);
}
