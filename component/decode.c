/* decode.c — the component decoder's frame: the preamble, the loop over
 * scopes and sections (nesting iterated on an explicit stack), index
 * spaces, definitions, finishing a component, freeing. The sections'
 * contents are read in decode_types.c and decode_defs.c.
 * Touches no vm state beyond its public API and reader. */
#include "component/decode_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ---- */

static bool vfail_at(cm_decoder *d, size_t offset, vm_error_kind kind, const char *fmt, va_list ap)
{
    if (d->r.err == NULL || d->r.err->kind != VM_ERR_NONE)
        return false;
    char text[200];
    vsnprintf(text, sizeof text, fmt, ap);
    size_t pos = d->r.pos;
    d->r.pos = offset;
    vm_read_fail(&d->r, kind, "%s", text);
    d->r.pos = pos;
    return false;
}

bool cm_fail(cm_decoder *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_at(d, d->r.pos, VM_ERR_MALFORMED, fmt, ap);
    va_end(ap);
    return false;
}

bool cm_fail_at(cm_decoder *d, size_t offset, vm_error_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_at(d, offset, kind, fmt, ap);
    va_end(ap);
    return false;
}

bool cm_nomem(cm_decoder *d)
{
    if (d->r.err != NULL && d->r.err->kind == VM_ERR_NONE) {
        d->r.err->kind = VM_ERR_NOMEM;
        snprintf(d->r.err->message, sizeof d->r.err->message, "out of memory");
    }
    return false;
}

/* ---- growable arrays ---- */

/* Makes room for one more element of `size` bytes in *arr. */
static bool grow(cm_decoder *d, void **arr, uint32_t n, uint32_t *cap, size_t size)
{
    return cm_grow(arr, n, cap, size) || cm_nomem(d);
}

bool cm_space_push(cm_decoder *d, cm_scope *s, cm_sort sort, cm_typeid type, uint32_t *index)
{
    cm_space *sp = &s->spaces[sort];
    if (sp->n == UINT32_MAX)
        return cm_fail(d, "too many %s definitions", cm_sort_name(sort));
    if (!grow(d, (void **)&sp->ids, sp->n, &sp->cap, sizeof *sp->ids))
        return false;
    sp->ids[sp->n] = type;
    if (index != NULL)
        *index = sp->n;
    sp->n++;
    return true;
}

bool cm_read_index(cm_decoder *d, cm_sort sort, uint32_t *index, cm_typeid *type)
{
    size_t at = d->r.pos;
    if (!vm_read_u32(&d->r, index))
        return false;
    const cm_space *sp = &cm_top(d)->spaces[sort];
    if (*index >= sp->n)
        return cm_fail_at(d, at, VM_ERR_INVALID, "%s index %u out of range (%u defined)",
                          cm_sort_name(sort), *index, sp->n);
    if (type != NULL)
        *type = sp->ids[*index];
    return true;
}

bool cm_def_push(cm_decoder *d, cm_defkind kind, size_t offset, cm_def **out)
{
    cm_scope *s = cm_top(d);
    if (!grow(d, (void **)&s->defs, s->ndefs, &s->defs_cap, sizeof *s->defs))
        return false;
    cm_def *def = &s->defs[s->ndefs++];
    memset(def, 0, sizeof *def);
    def->kind = kind;
    def->offset = offset;
    def->index = CM_NONE;
    def->type = CM_NO_TYPE;
    *out = def;
    return true;
}

bool cm_def_define(cm_decoder *d, cm_def *def, cm_sort sort, cm_typeid type)
{
    def->sort = sort;
    def->type = type;
    return cm_space_push(d, cm_top(d), sort, type, &def->index);
}

bool cm_decl_push(cm_decoder *d, cm_scope *s, bool import, const cm_decl *decl)
{
    cm_decl **arr = import ? &s->imports : &s->exports;
    uint32_t *n = import ? &s->nimports : &s->nexports;
    uint32_t *cap = import ? &s->imports_cap : &s->exports_cap;
    if (!grow(d, (void **)arr, *n, cap, sizeof **arr))
        return false;
    (*arr)[(*n)++] = *decl;
    return true;
}

bool cm_read_count(cm_decoder *d, uint32_t *n)
{
    return vm_read_len(&d->r, n);
}

bool cm_read_name(cm_decoder *d, const char **out)
{
    const char *s;
    size_t len;
    if (!vm_read_name(&d->r, &s, &len))
        return false;
    if ((*out = cm_strndup(d->types, s, len)) == NULL)
        return cm_nomem(d);
    return true;
}

/* ---- scopes ---- */

bool cm_scope_push(cm_decoder *d, cm_scope_kind kind)
{
    if (d->depth >= CM_MAX_NESTING)
        return cm_fail_at(d, d->r.pos, VM_ERR_LIMIT,
                          "components and types nested deeper than %d", CM_MAX_NESTING);
    if (!grow(d, (void **)&d->stack, d->depth, &d->cap, sizeof *d->stack))
        return false;
    cm_scope *s = &d->stack[d->depth++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->serial = ++d->scopes_made;
    s->first_type = d->types->count;
    s->start = d->r.pos;
    s->end = d->r.end;
    return true;
}

static void scope_free(cm_scope *s)
{
    for (int i = 0; i < CM_NSORTS; i++)
        free(s->spaces[i].ids);
    free(s->imports);
    free(s->exports);
    free(s->defs);
    cm_nameset_free(&s->import_names);
    cm_nameset_free(&s->export_names);
    cm_nameset_free(&s->resource_names);
    cm_nameset_free(&s->export_resources);
    free(s->named);
    free(s->named_last.slots);
    free(s->named_last.vals);
    free(s->vis_imported.slots);
    free(s->vis_exported.slots);
}

/* Copies n elements of `size` bytes into the arena. */
static void *arena_copy(cm_decoder *d, const void *src, size_t n, size_t size)
{
    void *p = cm_alloc(d->types, n * size);
    if (p == NULL)
        return NULL;
    if (n)
        memcpy(p, src, n * size);
    return p;
}

bool cm_type_scope_end(cm_decoder *d)
{
    cm_scope *s = cm_top(d);
    cm_type node = { .kind = s->kind == CM_SCOPE_COMPONENT_TYPE ? CM_COMPONENT : CM_INSTANCE,
                     .elem = CM_NO_TYPE, .err = CM_NO_TYPE, .dtor = CM_NONE,
                     .nimports = s->nimports, .nexports = s->nexports, .first = s->first_type };
    node.imports = arena_copy(d, s->imports, s->nimports, sizeof *s->imports);
    node.exports = arena_copy(d, s->exports, s->nexports, sizeof *s->exports);
    if (node.imports == NULL || node.exports == NULL)
        return cm_nomem(d);
    node.end = d->types->count;
    cm_typeid id = cm_type_add(d->types, &node);
    if (id == CM_NO_TYPE)
        return cm_nomem(d);
    scope_free(s);
    d->depth--;
    cm_scope *parent = cm_top(d);
    if (parent->kind == CM_SCOPE_COMPONENT)
        return cm_def_define(d, &parent->defs[parent->ndefs - 1], CM_SORT_TYPE, id);
    return cm_space_push(d, parent, CM_SORT_TYPE, id, NULL);
}

/* Finishes the top component scope: its definitions and names move into
 * the arena, its type is made, and its parent (if any) gets it. */
static bool component_end(cm_decoder *d)
{
    cm_scope *s = cm_top(d);
    cm_component *c = s->comp;
    cm_type node = { .kind = CM_COMPONENT, .elem = CM_NO_TYPE, .err = CM_NO_TYPE, .dtor = CM_NONE,
                     .nimports = s->nimports, .nexports = s->nexports, .first = s->first_type,
                     .end = d->types->count };
    node.imports = arena_copy(d, s->imports, s->nimports, sizeof *s->imports);
    node.exports = arena_copy(d, s->exports, s->nexports, sizeof *s->exports);
    c->defs = arena_copy(d, s->defs, s->ndefs, sizeof *s->defs);
    c->types = arena_copy(d, s->spaces[CM_SORT_TYPE].ids, s->spaces[CM_SORT_TYPE].n,
                          sizeof(cm_typeid));
    if (node.imports == NULL || node.exports == NULL || c->defs == NULL || c->types == NULL)
        return cm_nomem(d);
    c->ndefs = s->ndefs;
    for (int i = 0; i < CM_NSORTS; i++)
        c->counts[i] = s->spaces[i].n;
    if ((c->type = cm_type_add(d->types, &node)) == CM_NO_TYPE)
        return cm_nomem(d);
    scope_free(s);
    d->depth--;
    if (d->depth == 0) {
        d->file->root = c;
        return true;
    }
    cm_scope *parent = cm_top(d);
    cm_def *def = &parent->defs[parent->ndefs - 1];
    def->u.component = c;
    d->r.end = parent->end;
    return cm_def_define(d, def, CM_SORT_COMPONENT, c->type);
}

/* The preamble at the reader's position: magic, version 0x0d, layer 1. */
static bool preamble(cm_decoder *d)
{
    static const uint8_t magic[4] = { 0x00, 0x61, 0x73, 0x6d };
    const uint8_t *p;
    size_t at = d->r.pos;
    if (d->r.end - d->r.pos < 8 || memcmp(d->r.bytes + at, magic, 4) != 0) {
        if (d->r.end - d->r.pos >= 4 && memcmp(d->r.bytes + at, magic, 4) != 0)
            return cm_fail(d, "magic header not detected");
        return vm_read_bytes(&d->r, 8, &p);
    }
    vm_read_bytes(&d->r, 8, &p);
    if (p[6] != 0x01 || p[7] != 0x00)
        return cm_fail_at(d, at + 6, VM_ERR_MALFORMED, "expected component layer 0x01 0x00, got 0x%02x 0x%02x",
                          p[6], p[7]);
    if (p[4] != 0x0d || p[5] != 0x00)
        return cm_fail_at(d, at + 4, VM_ERR_MALFORMED,
                          "unknown component binary version 0x%02x 0x%02x (expected 0x0d 0x00)",
                          p[4], p[5]);
    return true;
}

/* Starts a component scope whose sections run to d->r.end. */
static bool component_begin(cm_decoder *d)
{
    if (!preamble(d) || !cm_scope_push(d, CM_SCOPE_COMPONENT))
        return false;
    cm_scope *s = cm_top(d);
    if ((s->comp = cm_alloc(d->types, sizeof *s->comp)) == NULL)
        return cm_nomem(d);
    d->file->ncomponents++;
    return true;
}

/* One section of the top component scope. */
static bool section(cm_decoder *d, cm_scope *s)
{
    size_t at = d->r.pos;
    uint8_t id;
    uint32_t size, n;
    if (!vm_read_u8(&d->r, &id))
        return false;
    if (id > 12) {
        return cm_fail_at(d, at, VM_ERR_MALFORMED, "expected component section id, got 0x%02x",
                          id);
    }
    if (!vm_read_len(&d->r, &size))
        return false;
    if (size > d->r.end - d->r.pos)   /* vm_read_len counts from the size's first byte */
        return vm_read_eof(&d->r);
    size_t end = d->r.pos + size;
    d->r.end = end;
    bool ok;
    switch (id) {
    case 0: ok = cm_custom_section(d, end); break;
    case 1: ok = cm_core_module_section(d, end); break;
    case 2: ok = cm_core_instance_section(d); break;
    case 3:
        ok = cm_read_count(d, &n);
        for (uint32_t i = 0; ok && i < n; i++)
            ok = cm_core_type(d);
        break;
    case 4: {
        cm_def *def;
        if (!cm_def_push(d, CM_DEF_COMPONENT, at, &def))
            return false;
        return component_begin(d);   /* its sections run to `end` */
    }
    case 5: ok = cm_instance_section(d); break;
    case 6: ok = cm_alias_section(d); break;
    case 7:
        if (!cm_read_count(d, &n))
            return false;
        s->in_types = true;
        s->left = n;
        s->section_end = end;
        return true;               /* the loop reads them (they may nest) */
    case 8: ok = cm_canon_section(d); break;
    case 9: return cm_fail_at(d, at, VM_ERR_UNSUPPORTED, "start section not supported");
    case 10: ok = cm_import_section(d); break;
    case 11: ok = cm_export_section(d); break;
    default: return cm_fail_at(d, at, VM_ERR_UNSUPPORTED, "value section not supported");
    }
    if (!ok)
        return false;
    if (d->r.pos != end)
        return cm_fail(d, "section size mismatch: section 0x%02x ends at 0x%zx", id, end);
    d->r.end = s->end;
    return true;
}

/* The loop: reads whatever the top scope needs next until the root ends. */
static bool run(cm_decoder *d)
{
    while (d->depth > 0) {
        cm_scope *s = cm_top(d);
        if (s->kind != CM_SCOPE_COMPONENT) {
            if (s->left == 0) {
                if (!cm_type_scope_end(d))
                    return false;
                continue;
            }
            s->left--;
            if (!cm_type_decl(d))
                return false;
            continue;
        }
        if (s->in_types) {
            if (s->left > 0) {
                s->left--;
                if (!cm_type_def(d))
                    return false;
                continue;
            }
            if (d->r.pos != s->section_end)
                return cm_fail(d, "section size mismatch: section 0x07 ends at 0x%zx",
                               s->section_end);
            s->in_types = false;
            d->r.end = s->end;
            continue;
        }
        if (d->r.pos == s->end) {
            if (!component_end(d))
                return false;
            continue;
        }
        if (!section(d, s))
            return false;
    }
    return true;
}

bool cm_is_component(const uint8_t *bytes, size_t size)
{
    return size >= 8 && memcmp(bytes, "\0asm", 4) == 0 && bytes[6] == 0x01 && bytes[7] == 0x00;
}

void cm_file_free(cm_file *f)
{
    if (f == NULL)
        return;
    for (uint32_t i = 0; i < f->ncore_modules; i++)
        vm_module_free(f->modules[i]);
    free(f->modules);
    cm_types_free(&f->types);
    free(f);
}

cm_file *cm_decode(const uint8_t *bytes, size_t size, vm_error *err)
{
    vm_error local;
    if (err == NULL)
        err = &local;
    err->kind = VM_ERR_NONE;
    err->message[0] = '\0';
    cm_file *f = calloc(1, sizeof *f);
    cm_decoder d = { .r = { .bytes = bytes, .pos = 0, .end = size, .err = err }, .file = f };
    if (f == NULL || !cm_types_init(&f->types)) {
        free(f);
        cm_nomem(&d);
        return NULL;
    }
    d.types = &f->types;
    bool ok = component_begin(&d) && run(&d);
    for (uint32_t i = d.depth; i > 0; i--)
        scope_free(&d.stack[i - 1]);
    free(d.stack);
    f->modules = d.modules;
    if (!ok) {
        cm_file_free(f);
        return NULL;
    }
    return f;
}
