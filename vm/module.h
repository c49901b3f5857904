/* module.h — a decoded WebAssembly module, as the decoder (decode.c) leaves
 * it and the validator (validate.c) completes it: every section's contents
 * with sizes checked, the index spaces (imports first), and per function
 * the byte range of its body and, after validation, its translated code.
 *
 * The proposals beyond Wasm 2.0 the module may use (VM_FEATURE_* bits)
 * are recorded in it, for every stage after decoding to read.
 *
 * Internal to vm/. A module is immutable once vm_module_load() returns and
 * may be shared by many instances and threads. Every array is owned by the
 * module and freed by vm_module_free(). */
#ifndef WIPPY_VM_MODULE_H
#define WIPPY_VM_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/vm.h"

/* Bounds on guest-controlled sizes, checked before anything is allocated. */
#define VM_MAX_TYPES          1000000u
#define VM_MAX_FUNCS          1000000u
#define VM_MAX_IMPORTS        1000000u
#define VM_MAX_EXPORTS        1000000u
#define VM_MAX_GLOBALS        1000000u
#define VM_MAX_TABLES         100000u
#define VM_MAX_MEMORIES       100u
#define VM_MAX_SEGMENTS       100000u
#define VM_MAX_PARAMS         1000u      /* params or results of one type */
#define VM_MAX_LOCALS         50000u     /* declared locals of one function, params included */
#define VM_MAX_TOTAL_LOCALS   10000000u  /* declared locals of all functions together */
#define VM_MAX_BR_TABLE       1000000u   /* labels of one br_table */
#define VM_MAX_NESTING        10000u     /* blocks open at once in one body */
#define VM_MAX_CONST_DEPTH    1024u      /* operands at once on a constant expression's stack */
#define VM_MAX_PAGES          65536u     /* 64 KiB pages of a 32-bit memory */
#define VM_MAX_TABLE_SIZE     10000000u  /* elements of one table */
#define VM_MAX_NAME           100000u    /* bytes of one import/export/custom name */

/* The 64-bit frame slots a value of the type takes: two for a v128 (its
 * low then high half, see simd_lanes.h), one for everything else. */
static inline uint32_t vm_valtype_slots(vm_valtype t) { return t == VM_V128 ? 2u : 1u; }

/* The slots of n values of the given types, one after the other. */
static inline uint32_t vm_valtypes_slots(const vm_valtype *types, uint32_t n)
{
    uint32_t s = 0;
    for (uint32_t i = 0; i < n; i++)
        s += vm_valtype_slots(types[i]);
    return s;
}

/* A function type; params and results point into the module's valtypes. */
typedef struct {
    uint32_t nparams, nresults;
    const vm_valtype *params, *results;
    uint64_t hash;        /* structural: equal types have equal hashes */
} vm_functype;

typedef struct {
    uint32_t min, max;    /* max meaningful only when has_max */
    bool has_max;
} vm_limits;

typedef struct {
    vm_valtype elem;      /* VM_FUNCREF or VM_EXTERNREF */
    vm_limits limits;
} vm_tabletype;

typedef struct {
    vm_limits limits;     /* in 64 KiB pages */
} vm_memtype;

typedef struct {
    vm_valtype type;
    bool mutable_;
} vm_globaltype;

/* A constant expression, kept as the byte range of its instructions
 * (without the final `end`) inside the module bytes, evaluated at
 * instantiation; or, for element segments written as function indices,
 * simply that index. The validator checks that at most VM_MAX_CONST_DEPTH
 * operands are ever on its stack, so the evaluator needs no more. */
typedef struct {
    enum { VM_EXPR_BYTES, VM_EXPR_FUNC_INDEX } form;
    uint32_t offset;      /* BYTES: where the instructions start in module bytes */
    uint32_t length;      /* BYTES: their length, excluding the `end` */
    uint32_t func_index;  /* FUNC_INDEX */
} vm_expr;

typedef struct {
    const char *module, *name;   /* NUL-terminated copies (valid UTF-8) */
    size_t module_len, name_len; /* their lengths: a name may contain U+0000 */
    vm_externkind kind;
    union {
        uint32_t type_index;     /* VM_EXTERN_FUNC */
        vm_tabletype table;
        vm_memtype memory;
        vm_globaltype global;
    } as;
} vm_import;

typedef struct {
    const char *name;            /* NUL-terminated copy (valid UTF-8) */
    size_t name_len;             /* its length: a name may contain U+0000 */
    vm_externkind kind;
    uint32_t index;              /* into the kind's index space */
} vm_export;

typedef struct {
    vm_globaltype type;
    vm_expr init;
} vm_global_def;

typedef enum { VM_SEGMENT_ACTIVE, VM_SEGMENT_PASSIVE, VM_SEGMENT_DECLARATIVE } vm_segment_mode;

typedef struct {
    vm_segment_mode mode;
    uint32_t table;              /* ACTIVE */
    vm_expr offset;              /* ACTIVE */
    vm_valtype type;             /* VM_FUNCREF or VM_EXTERNREF */
    uint32_t count;
    vm_expr *items;              /* count of them */
} vm_elem_segment;

typedef struct {
    vm_segment_mode mode;        /* ACTIVE or PASSIVE */
    uint32_t memory;             /* ACTIVE */
    vm_expr offset;              /* ACTIVE */
    uint32_t data_offset;        /* bytes: where they start in module bytes */
    uint32_t size;
} vm_data_segment;

typedef struct {
    uint32_t index;              /* local index */
    const char *name;
} vm_local_name;

struct vm_code;                  /* translated body (code.h) */

/* A function defined by the module (imports have no body). */
typedef struct {
    uint32_t type_index;
    uint32_t nlocals;            /* declared locals, params excluded */
    vm_valtype *local_types;     /* nlocals of them */
    uint32_t body_offset;        /* first byte of the body's instructions (after the locals) */
    uint32_t body_end;           /* offset of the byte after the body's final `end` */
    uint32_t code_offset;        /* offset of the code entry (its size field) for messages */
    struct vm_code *code;        /* filled by the validator */
    vm_local_name *local_names;  /* from the name section, sorted by index */
    uint32_t nlocal_names;
} vm_func_def;

typedef struct {
    const char *name;
    uint32_t offset, size;       /* payload range in module bytes */
} vm_custom_section;

struct vm_module {
    uint8_t *bytes;              /* an owned copy of the binary */
    size_t size;
    unsigned features;           /* VM_FEATURE_* bits the module may use, and
                                    VM_LOAD_NO_GROUPS: set by vm_module_load_features()
                                    before vm_validate(); vm_decode() leaves 0 (Wasm 2.0) */

    vm_functype *types;
    uint32_t ntypes;
    vm_valtype *valtypes;        /* storage behind every type's params/results */

    vm_import *imports;
    uint32_t nimports;
    uint32_t nimported_funcs, nimported_tables, nimported_memories, nimported_globals;

    /* Index spaces: imports first, then definitions. */
    uint32_t nfuncs;             /* all functions */
    uint32_t *func_type;         /* type index of every function (nfuncs) */
    vm_func_def *funcs;          /* defined functions: nfuncs - nimported_funcs */
    uint32_t ntables;
    vm_tabletype *tables;        /* every table, imported ones first */
    uint32_t nmemories;
    vm_memtype *memories;
    uint32_t nglobals;
    vm_globaltype *global_types; /* every global */
    vm_global_def *globals;      /* defined globals: nglobals - nimported_globals */

    vm_export *exports;
    uint32_t nexports;
    bool has_start;
    uint32_t start;

    vm_elem_segment *elems;
    uint32_t nelems;
    vm_data_segment *datas;
    uint32_t ndatas;
    bool has_data_count;
    uint32_t data_count;

    vm_custom_section *customs;
    uint32_t ncustoms;
    const char *module_name;     /* name section, or NULL */
    const char **func_names;     /* nfuncs entries, NULL where unnamed; NULL if no names */
};

/* Decodes the binary format (every section, sizes and LEB128s checked).
 * Takes a copy of the bytes. On failure returns NULL and fills err with
 * "0xOFFSET: message". Function bodies are located but not validated. */
vm_module *vm_decode(const uint8_t *bytes, size_t size, vm_error *err);

/* Validates and translates every function body and the module-level
 * rules (constant expressions, indices, start, exports unique, ...), with
 * the proposals m->features enables. */
bool vm_validate(vm_module *m, vm_error *err);

/* Frees everything the decoder and validator allocated. */
void vm_module_free(vm_module *m);

#endif
