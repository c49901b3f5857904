/* component.h — a decoded and validated Component Model binary
 * (Binary.md of WebAssembly/component-model, version 0x0d, layer 1).
 *
 * Pipeline: bytes → cm_decode() → cm_component (a tree of cm_def lists, one
 * per component, nested components inside their parent's list; one type
 * arena for the whole tree) → cm_dump() for `wippy wasm dump`. Instantiation
 * comes later and will replay each component's definitions in order.
 *
 * What decodes: every section of the 0.2 component model — custom (the
 * `component-name` section's names are kept), core module (each one loaded
 * with vm_module_load, so it is fully validated and its import and export
 * types are known), core instance, core type (func and module types),
 * component (nesting is iterated with an explicit stack, never C recursion),
 * instance, alias (export, core export, outer), type (every value type of
 * the MVP, fixed-length lists included; resources; func, component and
 * instance types), canon (lift, lower, resource.new/drop/rep), import and
 * export.
 *
 * What is refused, with the offset and "not supported": the start and
 * value sections and the value sort (🪙), async functions and resources,
 * stream/future/error-context types, every canon builtin other than lift,
 * lower and resource.new/drop/rep (async tasks, streams, futures, waitable
 * sets, error contexts, threads), the async and callback canon options.
 *
 * What is validated: every index against its index space; the kind of the
 * type an index names (a func type for lift and func imports, a resource
 * for own/borrow and resource.*, an instance type for instance imports, a
 * value type inside value types, ...); label uniqueness (case-insensitively)
 * and the strong uniqueness of import/export names (names.c); import and export names against the name grammar
 * (plain kebab labels, [constructor]/[method]/[static] forms whose resource
 * is a preceding resource import or export of the scope, interface names
 * with a semver, and the dep/url/integrity forms by their brackets); the
 * core instantiation arguments (every import's module name supplied, each
 * import found in it with the right kind and type: a function's the same
 * core type, a table's, memory's or global's by the core import matching); the core function types of canon lift (= flatten(ft)), realloc,
 * post-return and resource destructors; canon options (no duplicates,
 * memory/realloc present when the signature needs them); borrow in
 * function results; outer alias depths and sorts, and outer aliases of
 * types that refer to resources from outside them across a component
 * boundary; resource.new/rep only of a resource the component defines;
 * external visibility of the resource/record/variant/enum/flags types an
 * import or export uses (per component scope, an export's new type index a
 * node of its own); the resource a [method]/[constructor] function uses
 * named by that label (imports see import and export names, exports only
 * export names; inline-export instances name none).
 *
 * Instantiation arguments and export ascriptions are checked by subtyping
 * (subtype.c), core tables, memories and globals by the core import
 * matching, with type-import substitution of the instance's exports and
 * new resources for each instantiation and each imported instance
 * (generativity, cm_freshen).
 *
 * NOT yet validated: "local resource type found in export but not
 * exported itself" (a defined resource an export uses must be exported). */
#ifndef WIPPY_COMPONENT_COMPONENT_H
#define WIPPY_COMPONENT_COMPONENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "component/types.h"
#include "vm/vm.h"

/* The definitions a component is made of, in binary order. */
typedef enum {
    CM_DEF_CORE_MODULE, CM_DEF_CORE_INSTANCE, CM_DEF_CORE_TYPE, CM_DEF_COMPONENT,
    CM_DEF_INSTANCE, CM_DEF_ALIAS, CM_DEF_TYPE, CM_DEF_CANON, CM_DEF_IMPORT, CM_DEF_EXPORT
} cm_defkind;

typedef enum {
    CM_CANON_LIFT, CM_CANON_LOWER, CM_CANON_RESOURCE_NEW, CM_CANON_RESOURCE_DROP,
    CM_CANON_RESOURCE_REP
} cm_canon_op;

typedef enum { CM_ALIAS_EXPORT, CM_ALIAS_CORE_EXPORT, CM_ALIAS_OUTER } cm_alias_kind;

typedef enum { CM_UTF8, CM_UTF16, CM_LATIN1_UTF16 } cm_string_encoding;

/* An instantiation argument or an inline export: a name and an item. */
typedef struct {
    const char *name;
    cm_sort sort;
    uint32_t index;
} cm_arg;

typedef struct cm_component cm_component;

typedef struct {
    cm_defkind kind;
    size_t offset;        /* of the definition in the binary */
    cm_sort sort;         /* the index space it adds to ... */
    uint32_t index;       /* ... and the index it gets there (CM_NONE: adds none) */
    cm_typeid type;       /* the type of what it defines (CM_NO_TYPE: not known) */
    union {
        struct {
            size_t start, size;     /* the embedded module's bytes in the input */
            vm_module *module;      /* loaded, validated (owned) */
        } module;
        struct {                    /* core instance and instance */
            bool instantiate;       /* else a bundle of inline exports */
            uint32_t of;            /* instantiate: module or component index */
            uint32_t nargs;
            cm_arg *args;           /* instantiate: arguments; else the exports */
        } instance;
        cm_component *component;    /* a nested component */
        struct {
            cm_alias_kind kind;
            uint32_t instance;      /* export, core export */
            const char *name;       /* export, core export */
            uint32_t outer, index;  /* outer: how many components out, and the index */
        } alias;
        struct {
            cm_canon_op op;
            uint32_t func;          /* lift: core func; lower: func */
            uint32_t type;          /* lift: type index; resource.*: type index */
            cm_string_encoding encoding;
            uint32_t memory, realloc, post_return;   /* CM_NONE when absent */
        } canon;
        struct {                    /* import and export */
            const char *name;
            uint32_t item;          /* export: the index exported */
        } extern_;
    } u;
} cm_def;

/* A sort name from the component-name section. */
typedef struct {
    cm_sort sort;
    uint32_t index;
    const char *name;
} cm_name;

struct cm_component {
    uint32_t ndefs;
    cm_def *defs;
    const char *name;          /* from component-name, or NULL */
    uint32_t nnames;
    cm_name *names;            /* from component-name (first entry per sort and index) */
    uint32_t counts[CM_NSORTS];/* size of each index space at the end */
    cm_typeid *types;          /* the type index space (counts[CM_SORT_TYPE] ids) */
    cm_typeid type;            /* its component type */
};

/* The result of cm_decode(): the top-level component and its type arena. */
typedef struct {
    cm_component *root;
    cm_types types;
    uint32_t ncomponents;      /* root and nested ones */
    uint32_t ncore_modules;
    vm_module **modules;       /* every core module, in binary order (owned) */
} cm_file;

/* True when the first 8 bytes are a component preamble's magic and layer
 * (\0asm, any version, layer 1), i.e. not a core module. */
bool cm_is_component(const uint8_t *bytes, size_t size);

/* Decodes and validates a component binary. Returns NULL and fills err
 * ("0x1a: expected component section id, got 0x0f"; kinds as vm's:
 * VM_ERR_MALFORMED, VM_ERR_INVALID, VM_ERR_UNSUPPORTED, VM_ERR_NOMEM) on
 * any problem. The bytes are not kept after it returns (the core modules
 * are loaded copies). */
cm_file *cm_decode(const uint8_t *bytes, size_t size, vm_error *err);

/* Frees a decoded component, its core modules and its types. NULL is fine. */
void cm_file_free(cm_file *f);

/* Prints the component's structure: nested components (indented), core
 * modules with their sizes, core instances, instances, aliases, canon
 * functions, imports and exports with their types in WIT-like text
 * (`export compute: func(a: u32, b: u32) -> u32`). */
void cm_dump(const cm_file *f, FILE *out);

#endif
