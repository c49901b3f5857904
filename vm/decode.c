/* decode.c — vm_decode(): the header, the sequence of sections (order,
 * sizes), the checks that span sections, the index spaces, and
 * vm_module_free(). The contents of each section are decoded in
 * decode_sections.c, decode_segments.c and decode_names.c.
 *
 * Like the spec's reference interpreter, a section's contents are read
 * with the end of the module as the limit and the section size is checked
 * once they are decoded ("section size mismatch"); a count too large for
 * its section therefore reads on and fails as the spec testsuite expects. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/code.h"
#include "vm/decode_internal.h"

/* ---- helpers shared by the decoder's files ---- */

bool vm_dec_fail(decoder *d, const char *fmt, ...)
{
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return vm_read_fail(&d->r, VM_ERR_MALFORMED, "%s", text);
}

bool vm_dec_nomem(decoder *d)
{
    return vm_read_fail(&d->r, VM_ERR_NOMEM, "out of memory");
}

void *vm_dec_calloc(decoder *d, size_t n, size_t size)
{
    void *p = calloc(n == 0 ? 1 : n, size);
    if (p == NULL)
        vm_dec_nomem(d);
    return p;
}

bool vm_dec_count(decoder *d, uint32_t max, const char *what, uint32_t *out)
{
    size_t at = d->r.pos;
    if (!vm_read_len(&d->r, out))
        return false;
    if (*out > max) {
        d->r.pos = at;
        return vm_dec_fail(d, "too many %s", what);
    }
    return true;
}

char *vm_dec_strndup(decoder *d, const char *s, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy == NULL) {
        vm_dec_nomem(d);
        return NULL;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

bool vm_dec_name(decoder *d, const char **out, size_t *len)
{
    size_t at = d->r.pos;
    const char *s;
    if (!vm_read_name(&d->r, &s, len))
        return false;
    if (*len > VM_MAX_NAME) {
        d->r.pos = at;
        return vm_dec_fail(d, "name too long");
    }
    *out = vm_dec_strndup(d, s, *len);
    return *out != NULL;
}

/* ---- index spaces ---- */

/* Allocates an index space of nimported + ndefs entries of `size` bytes
 * (at most max of them) unless *space already exists. */
static bool make_space(decoder *d, void **space, uint32_t *count, uint32_t nimported,
                       uint32_t ndefs, uint32_t max, size_t size, const char *what)
{
    if (*space != NULL)
        return true;
    if ((uint64_t)nimported + ndefs > max)
        return vm_dec_fail(d, "too many %s", what);
    *space = vm_dec_calloc(d, (size_t)nimported + ndefs, size);
    if (*space == NULL)
        return false;
    *count = nimported + ndefs;
    return true;
}

bool vm_dec_table_space(decoder *d, uint32_t ndefs)
{
    vm_module *m = d->m;
    if (m->tables != NULL)
        return true;
    if (!make_space(d, (void **)&m->tables, &m->ntables, m->nimported_tables, ndefs,
                    VM_MAX_TABLES, sizeof *m->tables, "tables"))
        return false;
    uint32_t k = 0;
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == VM_EXTERN_TABLE)
            m->tables[k++] = m->imports[i].as.table;
    return true;
}

bool vm_dec_memory_space(decoder *d, uint32_t ndefs)
{
    vm_module *m = d->m;
    if (m->memories != NULL)
        return true;
    if (!make_space(d, (void **)&m->memories, &m->nmemories, m->nimported_memories, ndefs,
                    VM_MAX_MEMORIES, sizeof *m->memories, "memories"))
        return false;
    uint32_t k = 0;
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == VM_EXTERN_MEMORY)
            m->memories[k++] = m->imports[i].as.memory;
    return true;
}

bool vm_dec_global_space(decoder *d, uint32_t ndefs)
{
    vm_module *m = d->m;
    if (m->global_types != NULL)
        return true;
    if (!make_space(d, (void **)&m->global_types, &m->nglobals, m->nimported_globals, ndefs,
                    VM_MAX_GLOBALS, sizeof *m->global_types, "globals"))
        return false;
    uint32_t k = 0;
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == VM_EXTERN_GLOBAL)
            m->global_types[k++] = m->imports[i].as.global;
    return true;
}

/* The type of every function, imported ones first. */
static bool function_space(decoder *d)
{
    vm_module *m = d->m;
    if ((uint64_t)m->nimported_funcs + d->nfunc_decls > VM_MAX_FUNCS)
        return vm_dec_fail(d, "too many functions");
    m->nfuncs = m->nimported_funcs + d->nfunc_decls;
    m->func_type = vm_dec_calloc(d, m->nfuncs, sizeof *m->func_type);
    if (m->func_type == NULL)
        return false;
    uint32_t k = 0;
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == VM_EXTERN_FUNC)
            m->func_type[k++] = m->imports[i].as.type_index;
    for (uint32_t i = 0; i < d->nfunc_decls; i++)
        m->func_type[k++] = m->funcs[i].type_index;
    return true;
}

/* ---- the header and the sections ---- */

static bool decode_header(decoder *d)
{
    static const uint8_t magic[4] = { 0x00, 0x61, 0x73, 0x6d };   /* "\0asm" */
    const uint8_t *b = d->m->bytes;
    size_t size = d->m->size;
    if (size < 4) {
        d->r.pos = size;
        return vm_dec_fail(d, "unexpected end");
    }
    if (memcmp(b, magic, 4) != 0)
        return vm_dec_fail(d, "magic header not detected");
    if (size < 8) {
        d->r.pos = size;
        return vm_dec_fail(d, "unexpected end");
    }
    if (b[4] != 1 || b[5] != 0 || b[6] != 0 || b[7] != 0) {
        d->r.pos = 4;
        return vm_dec_fail(d, "unknown binary version");
    }
    d->r.pos = 8;
    return true;
}

/* The place of a section in the required order: ids 1..9 in order, then
 * data count (12), code (10), data (11). Custom sections (0) go anywhere. */
static int section_rank(uint8_t id)
{
    switch (id) {
    case 12: return 10;
    case 10: return 11;
    case 11: return 12;
    default: return id;
    }
}

/* True when the LEB128 at pos is cut off by the end of the input. */
static bool leb_cut_off(const uint8_t *b, size_t pos, size_t size)
{
    size_t n = 0;
    while (pos + n < size && n < 5 && (b[pos + n] & 0x80))
        n++;
    return pos + n == size && n < 5;
}

static bool decode_contents(decoder *d, uint8_t id)
{
    switch (id) {
    case 0: return vm_dec_custom_section(d);
    case 1: return vm_dec_type_section(d);
    case 2: return vm_dec_import_section(d);
    case 3: return vm_dec_function_section(d);
    case 4: return vm_dec_table_section(d);
    case 5: return vm_dec_memory_section(d);
    case 6: return vm_dec_global_section(d);
    case 7: return vm_dec_export_section(d);
    case 8: return vm_dec_start_section(d);
    case 9: return vm_dec_elem_section(d);
    case 10: return vm_dec_code_section(d);
    case 11: return vm_dec_data_section(d);
    default: return vm_dec_data_count_section(d);
    }
}

static bool decode_sections(decoder *d)
{
    vm_reader *r = &d->r;
    size_t size = d->m->size;
    int last_rank = 0;
    while (r->pos < size) {
        size_t id_at = r->pos;
        uint8_t id = d->m->bytes[r->pos++];
        if (id > 12) {
            r->pos = id_at;
            return vm_dec_fail(d, "malformed section id");
        }
        if (leb_cut_off(d->m->bytes, r->pos, size)) {
            r->pos = size;
            return vm_dec_fail(d, "unexpected end");
        }
        size_t len_at = r->pos;
        uint32_t len;
        if (!vm_read_len(r, &len))
            return false;
        if (len > size - r->pos) {
            r->pos = len_at;
            return vm_dec_fail(d, "length out of bounds");
        }
        if (id != 0) {
            if (section_rank(id) <= last_rank) {
                r->pos = id_at;
                return vm_dec_fail(d, "unexpected content after last section");
            }
            last_rank = section_rank(id);
        }
        d->section_end = r->pos + len;
        if (!decode_contents(d, id))
            return false;
        if (r->pos != d->section_end)
            return vm_dec_fail(d, "section size mismatch");
    }
    return true;
}

/* Checks between sections that can only be made at the end. */
static bool finish(decoder *d)
{
    vm_module *m = d->m;
    if (!d->has_code && d->nfunc_decls != 0)
        return vm_dec_fail(d, "function and code section have inconsistent lengths");
    if (m->has_data_count && !d->has_data && m->data_count != 0)
        return vm_dec_fail(d, "data count and data section have inconsistent lengths");
    return function_space(d) && vm_dec_table_space(d, 0) && vm_dec_memory_space(d, 0)
           && vm_dec_global_space(d, 0) && vm_dec_name_section(d);
}

vm_module *vm_decode(const uint8_t *bytes, size_t size, vm_error *err)
{
    vm_error ignored;
    if (err == NULL)
        err = &ignored;
    err->kind = VM_ERR_NONE;
    err->message[0] = '\0';
    decoder d = { .r = { .bytes = bytes, .pos = 0, .end = size, .err = err } };
    if (size > UINT32_MAX) {   /* offsets are kept as 32-bit numbers */
        vm_dec_fail(&d, "module too large");
        return NULL;
    }
    vm_module *m = calloc(1, sizeof *m);
    uint8_t *copy = malloc(size == 0 ? 1 : size);
    if (m == NULL || copy == NULL) {
        free(m);
        free(copy);
        vm_dec_nomem(&d);
        return NULL;
    }
    if (size > 0)
        memcpy(copy, bytes, size);
    m->bytes = copy;
    m->size = size;
    d.m = m;
    d.r.bytes = copy;
    if (!decode_header(&d) || !decode_sections(&d) || !finish(&d)) {
        vm_module_free(m);
        return NULL;
    }
    return m;
}

/* ---- freeing ---- */

static void free_func(vm_func_def *f)
{
    free(f->local_types);
    vm_code_free(f->code);
    for (uint32_t k = 0; k < f->nlocal_names; k++)
        free((char *)f->local_names[k].name);
    free(f->local_names);
}

void vm_module_free(vm_module *m)
{
    if (m == NULL)
        return;
#ifdef VM_PROFILE
    vm_profile_write(m);
#endif
    free(m->types);
    free(m->valtypes);
    for (uint32_t i = 0; i < m->nimports; i++) {
        free((char *)m->imports[i].module);
        free((char *)m->imports[i].name);
    }
    free(m->imports);
    free(m->func_type);
    if (m->funcs != NULL)
        for (uint32_t i = 0; i < m->nfuncs - m->nimported_funcs; i++)
            free_func(&m->funcs[i]);
    free(m->funcs);
    free(m->tables);
    free(m->memories);
    free(m->global_types);
    free(m->globals);
    for (uint32_t i = 0; i < m->nexports; i++)
        free((char *)m->exports[i].name);
    free(m->exports);
    for (uint32_t i = 0; i < m->nelems; i++)
        free(m->elems[i].items);
    free(m->elems);
    free(m->datas);
    for (uint32_t i = 0; i < m->ncustoms; i++)
        free((char *)m->customs[i].name);
    free(m->customs);
    free((char *)m->module_name);
    if (m->func_names != NULL)
        for (uint32_t i = 0; i < m->nfuncs; i++)
            free((char *)m->func_names[i]);
    free(m->func_names);
    free(m->bytes);
    free(m);
}
