/* types.h — the Component Model's types in memory: one arena of type nodes
 * per decoded component (a top-level component and every component nested
 * in it share it, so an outer alias is a plain copy of an id), nodes named
 * by cm_typeid, the thirteen primitive value types at fixed ids.
 *
 * A node is immutable once made and only refers to nodes made before it
 * (type definitions refer to earlier indices only), so the graph has no
 * cycles and every walk over it ends. Each node carries what the canonical
 * ABI needs of it, computed when it is made from its (already complete)
 * children: its flattened core types (CanonicalABI.md "Flattening") and
 * whether it holds a string, a list or a borrow somewhere inside. Nothing
 * that reads a type therefore recurses over guest-controlled depth.
 *
 * Resource types are generative: each definition (and each import or
 * export with a `(sub resource)` bound, each instantiation of a component
 * and each import of an instance type declaring one: cm_freshen) makes a
 * new node, and two resources are the same type only when they have the
 * same id or stand for the same one (cm_type.alias_of: the node of an
 * export's new type index).
 *
 * Subtyping (for instantiation arguments and export ascriptions) is
 * cm_subtype, in subtype.c.
 *
 * This file and types.c touch no decoder state: they own the arena. */
#ifndef WIPPY_COMPONENT_TYPES_H
#define WIPPY_COMPONENT_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vm/vm.h"

typedef uint32_t cm_typeid;

#define CM_NO_TYPE UINT32_MAX   /* "no type": an absent case payload, result, ... */
#define CM_NONE UINT32_MAX      /* "no index": an absent destructor, option, ... */

/* What a node is. The primitive value types come first and their kind is
 * also their id (CM_U32 is node 6 of every arena). */
typedef enum {
    CM_BOOL, CM_S8, CM_U8, CM_S16, CM_U16, CM_S32, CM_U32, CM_S64, CM_U64,
    CM_F32, CM_F64, CM_CHAR, CM_STRING,
    CM_NPRIMITIVES,
    CM_RECORD = CM_NPRIMITIVES, /* fields: labels and types */
    CM_VARIANT,                 /* fields: case labels, types (CM_NO_TYPE: no payload) */
    CM_LIST,                    /* elem; length > 0 for a fixed-length list */
    CM_TUPLE,                   /* fields: types, no labels */
    CM_FLAGS,                   /* fields: labels */
    CM_ENUM,                    /* fields: labels */
    CM_OPTION,                  /* elem */
    CM_RESULT,                  /* elem (ok), err; either may be CM_NO_TYPE */
    CM_OWN,                     /* elem: a CM_RESOURCE */
    CM_BORROW,                  /* elem: a CM_RESOURCE */
    CM_RESOURCE,                /* dtor (core func index or CM_NONE); abstract when
                                   imported or declared with (sub resource) */
    CM_FUNC,                    /* fields: params; elem: the result or CM_NO_TYPE */
    CM_COMPONENT,               /* decls: imports then exports */
    CM_INSTANCE,                /* decls: exports */
    CM_CORE_FUNC,               /* core params and results */
    CM_CORE_MODULE,             /* decls: imports (with module names) then exports */
    CM_CORE_INSTANCE,           /* decls: exports */
    CM_CORE_TABLE,              /* core: element type and limits */
    CM_CORE_MEMORY,             /* core: limits */
    CM_CORE_GLOBAL              /* core: value type and mutability */
} cm_kind;

/* The sorts of the index spaces (Binary.md `sort` and `core:sort`). */
typedef enum {
    CM_SORT_CORE_FUNC, CM_SORT_CORE_TABLE, CM_SORT_CORE_MEMORY, CM_SORT_CORE_GLOBAL,
    CM_SORT_CORE_TYPE, CM_SORT_CORE_MODULE, CM_SORT_CORE_INSTANCE,
    CM_SORT_FUNC, CM_SORT_VALUE, CM_SORT_TYPE, CM_SORT_COMPONENT, CM_SORT_INSTANCE,
    CM_NSORTS
} cm_sort;

/* "core func", "func", "instance", ... */
const char *cm_sort_name(cm_sort s);

/* A labelled (or, in tuples, unlabelled) member of a type. label is
 * NUL-terminated, NULL when there is none. */
typedef struct {
    const char *label;
    cm_typeid type;
} cm_field;

/* An import or export declaration of a component, instance or core module
 * type. `module` is a core import's module name (NULL otherwise). The type
 * of a func/instance/component is its type node; of a type-sort decl, the
 * type it names (a fresh abstract resource for `(sub resource)`); of a core
 * table, memory or global, its CM_CORE_TABLE/MEMORY/GLOBAL node. */
typedef struct {
    const char *module;
    const char *name;
    cm_sort sort;
    cm_typeid type;
} cm_decl;

#define CM_MAX_FLAT 16   /* MAX_FLAT_PARAMS; nflat saturates at CM_MAX_FLAT + 1 */

enum {
    CM_HAS_STRING = 1u << 0,
    CM_HAS_LIST = 1u << 1,
    CM_HAS_BORROW = 1u << 2,
    CM_HAS_OWN = 1u << 3
};

typedef struct {
    cm_kind kind;
    uint32_t nfields;
    cm_field *fields;        /* record, variant, tuple, flags, enum, func params */
    cm_typeid elem, err;     /* see cm_kind */
    uint32_t length;         /* fixed-length list: its length; else 0 */
    uint32_t dtor;           /* resource: destructor core func, or CM_NONE */
    bool abstract;           /* resource: imported / (sub resource), no rep or dtor known */
    uint32_t nimports, nexports;
    cm_decl *imports, *exports;
    uint32_t nparams, nresults;          /* core func */
    const vm_valtype *params, *results;  /* core func */
    /* A core table, memory or global: the table's element or the global's
     * value type, the global's mutability, the limits (a memory's in pages)
     * and a memory's 64-bit index and shared flags. */
    struct {
        vm_valtype type;
        bool mutable_, has_max, is64, shared;
        uint64_t min, max;
    } core;
    /* Canonical ABI facts of a value type (zero for the other kinds). */
    uint8_t flags;                       /* CM_HAS_* */
    uint8_t nflat;                       /* flattened length, at most CM_MAX_FLAT + 1 */
    uint8_t flat[CM_MAX_FLAT];           /* vm_valtype of the first min(nflat, 16) */
    /* Memory layout (CanonicalABI.md elem_size / alignment; abi_layout.c):
     * size saturates at CM_SIZE_MAX (a fixed-length list too large for a
     * 32-bit memory), align is 1, 2, 4 or 8. depth: how many value types
     * nest in it, itself included (a primitive is 1), saturating at 255. */
    uint32_t size;
    uint8_t align;
    uint8_t depth;
    /* The same size with 64-bit pointers (CanonicalABI.md elem_size(t,
     * i64): strings and lists 16 bytes, align 8), saturating at
     * CM_SIZE_MAX, and its alignment; for the 2^28 validation limit. */
    uint32_t size64;
    uint8_t align64;
    /* External visibility (decoder only; CM_VIS_LOCAL): a record, variant,
     * enum, flags or resource defined in a component's or type's body (or
     * a `(sub resource)` declared there), which an import or export of the
     * scope using it must name first. vis_mark: the decoder's walks. */
    uint8_t vis;
    uint32_t vis_mark;
    /* A resource defined in a component's body: that component scope's
     * serial (decoder only; resource.new and resource.rep need it). */
    uint32_t owner;
    /* A component, or a component or instance type: the nodes made while
     * it was read, [first, end) (decoder only: outer aliases, and the
     * resources it declares, new for each instance or import). */
    uint32_t first, end;
    /* A resource an export's new type index (or its `(sub resource)`
     * ascription) made for another (decoder only): the resource it stands
     * for inside the component (alias_of, a root; 0 when none); own_root:
     * still a resource of its own for generativity (an ascription). */
    cm_typeid alias_of;
    bool own_root;
} cm_type;

enum { CM_VIS_LOCAL = 1u << 0 };

/* Validation limits (Explainer.md): elem_size(t, i64) of a defined value
 * type is below 2^28; value types nest at most 100 deep. */
#define CM_MAX_VALUE_SIZE ((1u << 28) - 1)
#define CM_MAX_TYPE_DEPTH 100

#define CM_SIZE_MAX UINT32_MAX


/* The discriminant size in bytes of a variant with n cases: 1, 2 or 4. */
uint32_t cm_discriminant_size(uint32_t ncases);

/* The arena: nodes and a bump allocator for everything they point to
 * (labels, field and decl arrays). Freed as a whole. */
typedef struct cm_chunk cm_chunk;
typedef struct {
    cm_type *nodes;
    uint32_t count, cap;
    cm_chunk *chunks;
} cm_types;

/* Fills the memory layout facts (size, align, depth) of a value type node
 * from its already complete children; zero for other kinds (abi_layout.c). */
void cm_layout_compute(const cm_types *t, cm_type *n);

/* Makes the arena with its primitive nodes. False when memory runs out. */
bool cm_types_init(cm_types *t);
void cm_types_free(cm_types *t);

/* Makes room for one more element of `size` bytes in the growable array
 * *arr holding n of *cap (doubling, from 8): the one growth rule of the
 * component code. False when memory runs out or the size would overflow;
 * *arr is then unchanged. */
bool cm_grow(void **arr, uint32_t n, uint32_t *cap, size_t size);

/* n zeroed bytes from the arena (n may be 0); NULL when memory runs out. */
void *cm_alloc(cm_types *t, size_t n);
/* A NUL-terminated copy of s[0..len) in the arena; NULL when memory runs out. */
char *cm_strndup(cm_types *t, const char *s, size_t len);

/* Appends a node (copied from *node after its Canonical ABI facts are
 * computed from its children) and returns its id, or CM_NO_TYPE when
 * memory runs out. Children must already be in the arena. */
cm_typeid cm_type_add(cm_types *t, const cm_type *node);

static inline const cm_type *cm_type_get(const cm_types *t, cm_typeid id)
{
    return &t->nodes[id];
}

/* A value type: a primitive or one of the defined value types (record ..
 * resource handles), i.e. what `valtype` may name. */
bool cm_is_valtype(const cm_types *t, cm_typeid id);

/* The core function type of a component function type under the canonical
 * ABI (CanonicalABI.md flatten_functype): `lift` gives the type of the core
 * function lifted, otherwise that of the core function a lower makes.
 * Allocated in the arena; CM_NO_TYPE when memory runs out. */
cm_typeid cm_flatten_func(cm_types *t, cm_typeid func, bool lift);

/* True when two core function types have the same parameters and results. */
bool cm_core_func_equal(const cm_types *t, cm_typeid a, cm_typeid b);

/* Writes a type as WIT-like text: primitives and constructors by their WIT
 * names (`list<u32>`, `result<s32, error-info>`, `func(a: u32) -> u32`);
 * types that have a name in `names` (indexed by id, NULL entries allowed,
 * names may be NULL) by that name; records, variants, enums and flags
 * without a name in full. Resources print as `resource`, component and
 * instance types as `instance { N exports }`. Bounded output: nesting deeper
 * than 32 prints `...`. */
void cm_type_print(const cm_types *t, cm_typeid id, const char *const *names, FILE *out);

/* The resource a resource node stands for (cm_type.alias_of), or itself. */
cm_typeid cm_resource_root(const cm_types *t, cm_typeid r);

/* Resources taken as the same while checking subtyping: pairs (an
 * abstract resource of an expected type, the resource given for it), made
 * as type declarations are met (type-import substitution). Zeroed to start. */
typedef struct {
    cm_typeid *pairs;   /* 2 * n */
    uint32_t n, cap;
} cm_bindings;

void cm_bindings_free(cm_bindings *b);
/* Binds a type an import names (want) to the type given for it (have):
 * an abstract resource, or a type bound by `eq` that substitution then
 * replaces. False when memory runs out. */
bool cm_bindings_add(cm_bindings *b, cm_typeid want, cm_typeid have);

/* Whether an item of type `have` may be given where one of type `want` is
 * expected (Subtyping.md; subtype.c). decl: a type-sort item, whose `want`
 * may be an abstract resource to bind to `have`. 0 when it may; 1 when it
 * may not, with what was expected and what was found in why[0..len); -1
 * when memory runs out. No recursion (an explicit stack). */
int cm_subtype(const cm_types *t, cm_typeid have, cm_typeid want, bool decl, cm_bindings *b,
               char *why, size_t len);

/* Whether a core table, memory or global of type `have` may be given where
 * one of type `want` is expected (the core specification's import
 * matching: the same element or value type and mutability, limits within
 * the expected ones). 0 when it may; 1 when it may not, with what differs
 * in why[0..len). */
int cm_core_extern_match(const cm_types *t, cm_typeid have, cm_typeid want, char *why, size_t len);

/* Generativity: binds in b each resource reachable from decls[0..n) that
 * was made in [first, end) and is not bound yet to a new resource node (a
 * copy), so that cm_substitute then gives each instantiation of a
 * component, and each import of an instance type, resources of its own.
 * 0, or -1 when memory runs out. No recursion. */
int cm_freshen(cm_types *t, cm_bindings *b, const cm_decl *decls, uint32_t n, cm_typeid first,
               cm_typeid end);

/* Type-import substitution: rewrites decls[0..n)'s types so that each
 * type bound in b (the first of a pair) becomes the resource bound to
 * it, making new nodes for the types that change (the others are kept).
 * 0, or -1 when memory runs out. No recursion. */
int cm_substitute(cm_types *t, const cm_bindings *b, cm_decl *decls, uint32_t n);

#endif
