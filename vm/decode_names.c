/* decode_names.c — custom sections (recorded by name and payload range)
 * and the `name` section: module name, function names and local names.
 * The name section is debugging information, so it is read leniently:
 * once something in it is malformed the rest is ignored, and the module
 * stays valid. Only running out of memory fails the module. */
#include <stdlib.h>
#include <string.h>

#include "vm/decode_internal.h"

bool vm_dec_custom_section(decoder *d)
{
    vm_module *m = d->m;
    /* The name is part of the section: read it with the section's end as
     * the limit. */
    vm_reader r = { d->r.bytes, d->r.pos, d->section_end, d->r.err };
    const char *name;
    size_t len;
    if (!vm_read_name(&r, &name, &len))
        return false;
    if (m->ncustoms == d->customs_cap) {
        uint32_t cap = d->customs_cap == 0 ? 4 : d->customs_cap * 2;
        vm_custom_section *grown = realloc(m->customs, cap * sizeof *grown);
        if (grown == NULL)
            return vm_dec_nomem(d);
        m->customs = grown;
        d->customs_cap = cap;
    }
    vm_custom_section *c = &m->customs[m->ncustoms];
    c->name = vm_dec_strndup(d, name, len);
    if (c->name == NULL)
        return false;
    c->offset = (uint32_t)r.pos;
    c->size = (uint32_t)(d->section_end - r.pos);
    m->ncustoms++;
    if (!d->has_names && len == 4 && memcmp(name, "name", 4) == 0) {
        d->has_names = true;
        d->names_start = r.pos;
        d->names_end = d->section_end;
    }
    d->r.pos = d->section_end;
    return true;
}

/* ---- the name section's subsections ----
 * Each reads from its own reader r whose errors are ignored; a false
 * return stops the parsing (and fails the module when d->r.err says the
 * memory ran out). */

static bool module_name(decoder *d, vm_reader *r)
{
    const char *s;
    size_t len;
    if (!vm_read_name(r, &s, &len))
        return false;
    d->m->module_name = vm_dec_strndup(d, s, len);
    return d->m->module_name != NULL;
}

/* Function names: (index, name) pairs in increasing index order. */
static bool function_names(decoder *d, vm_reader *r)
{
    vm_module *m = d->m;
    uint32_t n;
    if (!vm_read_len(r, &n))
        return false;
    if (m->func_names == NULL && m->nfuncs > 0) {
        m->func_names = vm_dec_calloc(d, m->nfuncs, sizeof *m->func_names);
        if (m->func_names == NULL)
            return false;
    }
    uint64_t next = 0;   /* the smallest index allowed next */
    for (uint32_t i = 0; i < n; i++) {
        uint32_t index;
        const char *s;
        size_t len;
        if (!vm_read_u32(r, &index) || index < next || !vm_read_name(r, &s, &len))
            return false;
        next = (uint64_t)index + 1;
        if (index < m->nfuncs) {
            m->func_names[index] = vm_dec_strndup(d, s, len);
            if (m->func_names[index] == NULL)
                return false;
        }
    }
    return true;
}

/* The local names of one function; f is NULL when the index names no
 * defined function (the names are read and dropped). */
static bool locals_of(decoder *d, vm_reader *r, vm_func_def *f)
{
    uint32_t n;
    if (!vm_read_len(r, &n))
        return false;
    if (f != NULL) {
        f->local_names = vm_dec_calloc(d, n, sizeof *f->local_names);
        if (f->local_names == NULL)
            return false;
    }
    uint64_t next = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t index;
        const char *s;
        size_t len;
        if (!vm_read_u32(r, &index) || index < next || !vm_read_name(r, &s, &len))
            return false;
        next = (uint64_t)index + 1;
        if (f != NULL) {
            vm_local_name *ln = &f->local_names[f->nlocal_names];
            ln->index = index;
            ln->name = vm_dec_strndup(d, s, len);
            if (ln->name == NULL)
                return false;
            f->nlocal_names++;
        }
    }
    return true;
}

/* Local names: (function index, (local index, name) pairs) in increasing
 * function index order. */
static bool local_names(decoder *d, vm_reader *r)
{
    vm_module *m = d->m;
    uint32_t n;
    if (!vm_read_len(r, &n))
        return false;
    uint64_t next = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t index;
        if (!vm_read_u32(r, &index) || index < next)
            return false;
        next = (uint64_t)index + 1;
        vm_func_def *f = NULL;
        if (index >= m->nimported_funcs && index < m->nfuncs)
            f = &m->funcs[index - m->nimported_funcs];
        if (!locals_of(d, r, f))
            return false;
    }
    return true;
}

bool vm_dec_name_section(decoder *d)
{
    if (!d->has_names)
        return true;
    vm_error ignored = { .kind = VM_ERR_NONE };
    vm_reader r = { d->m->bytes, d->names_start, d->names_end, &ignored };
    int last_id = -1;
    while (r.pos < r.end) {
        uint8_t id;
        uint32_t size;
        if (!vm_read_u8(&r, &id) || !vm_read_u32(&r, &size) || size > r.end - r.pos)
            break;
        if ((int)id <= last_id)   /* subsections come once each, in order */
            break;
        last_id = id;
        vm_reader sub = { r.bytes, r.pos, r.pos + size, &ignored };
        r.pos += size;
        bool ok = true;
        switch (id) {
        case 0: ok = module_name(d, &sub); break;
        case 1: ok = function_names(d, &sub); break;
        case 2: ok = local_names(d, &sub); break;
        default: break;   /* other subsections are not used */
        }
        if (!ok) {
            if (d->r.err->kind == VM_ERR_NOMEM)
                return false;
            break;
        }
    }
    return true;
}
