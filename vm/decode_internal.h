/* decode_internal.h — the state and helpers shared by the decoder's files:
 * decode.c (header, section order, index spaces, freeing), decode_sections.c
 * (types to exports), decode_segments.c (elements, code, data, constant
 * expressions) and decode_names.c (custom and `name` sections).
 * Internal to the decoder. */
#ifndef WIPPY_VM_DECODE_INTERNAL_H
#define WIPPY_VM_DECODE_INTERNAL_H

#include "vm/module.h"
#include "vm/reader.h"

typedef struct {
    vm_module *m;
    vm_reader r;                 /* over the whole module; r.err is the caller's error */
    size_t section_end;          /* end of the section being decoded */

    bool has_code, has_data;     /* those sections were seen */
    uint32_t nfunc_decls;        /* entries of the function section */
    uint64_t total_locals;       /* declared locals of all bodies so far */
    uint32_t customs_cap;

    bool has_names;              /* the first custom section called "name" */
    size_t names_start, names_end;
} decoder;

/* Errors, recorded in d->r.err at the reader's position; always false. */
bool vm_dec_fail(decoder *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool vm_dec_nomem(decoder *d);

/* calloc that records VM_ERR_NOMEM on failure; never NULL for n == 0. */
void *vm_dec_calloc(decoder *d, size_t n, size_t size);

/* A vector's length: at most the bytes left (vm_read_len) and at most max
 * ("too many <what>"). */
bool vm_dec_count(decoder *d, uint32_t max, const char *what, uint32_t *out);

/* A name (UTF-8 checked, at most VM_MAX_NAME bytes), copied with a NUL. */
bool vm_dec_name(decoder *d, const char **out, size_t *len);
/* A NUL-terminated copy of s[0..len). */
char *vm_dec_strndup(decoder *d, const char *s, size_t len);

bool vm_dec_const_expr(decoder *d, vm_expr *out);

/* Index spaces of tables, memories and globals: allocate imported + ndefs
 * entries and copy the imported ones in (once; later calls do nothing). */
bool vm_dec_table_space(decoder *d, uint32_t ndefs);
bool vm_dec_memory_space(decoder *d, uint32_t ndefs);
bool vm_dec_global_space(decoder *d, uint32_t ndefs);

/* One section's contents, read from d->r (whose limit is the end of the
 * module: the caller checks that exactly the section was consumed). */
bool vm_dec_type_section(decoder *d);
bool vm_dec_import_section(decoder *d);
bool vm_dec_function_section(decoder *d);
bool vm_dec_table_section(decoder *d);
bool vm_dec_memory_section(decoder *d);
bool vm_dec_global_section(decoder *d);
bool vm_dec_export_section(decoder *d);
bool vm_dec_start_section(decoder *d);
bool vm_dec_elem_section(decoder *d);
bool vm_dec_code_section(decoder *d);
bool vm_dec_data_section(decoder *d);
bool vm_dec_data_count_section(decoder *d);
bool vm_dec_custom_section(decoder *d);

/* The `name` section, after everything else: never fails the module except
 * when memory runs out. */
bool vm_dec_name_section(decoder *d);

#endif
