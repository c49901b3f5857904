/* decode_internal.h — the state the component decoder's files share:
 * decode.c (preamble, the loop over scopes and sections, index spaces,
 * finishing a component), decode_types.c (core types, value/func/
 * component/instance types and their declarations, extern descriptors),
 * decode_defs.c (core instances, instances, aliases, canon, imports,
 * exports, the component-name section) and names.c (import/export names).
 *
 * Nesting is never C recursion: a nested component, component type or
 * instance type pushes a scope on d->stack and the loop in decode.c goes
 * on reading inside it; when the scope's end (its section end, or its last
 * declaration) is reached it is popped and its type added to its parent.
 * Internal to component/. */
#ifndef WIPPY_COMPONENT_DECODE_INTERNAL_H
#define WIPPY_COMPONENT_DECODE_INTERNAL_H

#include "component/component.h"
#include "vm/reader.h"

/* How deep components and component/instance types may nest. */
#define CM_MAX_NESTING 1000

/* One index space: the type of each index (CM_NO_TYPE when not known). */
typedef struct {
    cm_typeid *ids;
    uint32_t n, cap;
} cm_space;

/* A set of names, compared case-insensitively (open addressing). */
typedef struct {
    const char **slots;
    uint32_t n, cap;
} cm_nameset;

/* A set of type ids (open addressing; CM_NO_TYPE marks an empty slot). */
typedef struct {
    cm_typeid *slots;
    uint32_t *vals;              /* a value per slot, when used as a map (or NULL) */
    uint32_t n, cap;
} cm_idset;

typedef enum { CM_SCOPE_COMPONENT, CM_SCOPE_COMPONENT_TYPE, CM_SCOPE_INSTANCE_TYPE } cm_scope_kind;

typedef struct {
    cm_scope_kind kind;
    uint32_t serial;             /* unique in the decoding (cm_type.owner) */
    uint32_t first_type;         /* the arena's node count when it began (cm_type.first) */
    size_t start;                /* offset where it began */
    cm_space spaces[CM_NSORTS];
    cm_decl *imports, *exports;  /* its imports and exports, for its type */
    uint32_t nimports, nexports, imports_cap, exports_cap;
    cm_nameset import_names, export_names;
    /* Resource labels named by a type import or export (resource_names),
     * by a type export (export_resources); each (node, label, by an export)
     * in named[0..nnamed). An annotated import sees both; an export only
     * what exports named (the two namespaces are disjoint). */
    cm_nameset resource_names, export_resources;
    struct cm_named_resource {
        cm_typeid root;          /* the resource named (cm_resource_root) */
        const char *label;
        bool exported;
        uint32_t prev;           /* 1 + the previous entry of the same root, or 0 */
    } *named;
    uint32_t nnamed, named_cap;
    cm_idset named_last;         /* root -> 1 + its last entry (in vals) */
    /* External visibility: the local types (cm_type.vis) its imports named,
     * and those its exports named. */
    cm_idset vis_imported, vis_exported;

    /* A component scope: its definitions and where its sections end. */
    cm_component *comp;
    cm_def *defs;
    uint32_t ndefs, defs_cap;
    size_t end;                  /* end of its sections (the input, or its section) */
    bool in_types;               /* inside a type section ... */
    uint32_t left;               /* ... with this many types left (or, in a type scope,
                                    declarations left) */
    size_t section_end;
} cm_scope;

typedef struct {
    vm_reader r;                 /* over the whole input; r.err is the caller's */
    cm_file *file;
    cm_types *types;
    cm_scope *stack;
    uint32_t depth, cap;
    vm_module **modules;         /* every loaded core module, owned by file */
    uint32_t modules_cap;
    uint32_t vis_gen;            /* the current visibility walk (cm_type.vis_mark) */
    uint32_t scopes_made;        /* scopes pushed so far (cm_scope.serial) */
} cm_decoder;

/* ---- errors (decode.c); each records the first error and returns false ---- */

/* "0x<pos>: <message>" as VM_ERR_MALFORMED at the reader's position. */
bool cm_fail(cm_decoder *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same at `offset`, with the given kind. */
bool cm_fail_at(cm_decoder *d, size_t offset, vm_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool cm_nomem(cm_decoder *d);

static inline cm_scope *cm_top(cm_decoder *d)
{
    return &d->stack[d->depth - 1];
}

/* ---- index spaces and definitions (decode.c) ---- */

/* Appends an index of `sort` with type `type` to the scope; its index. */
bool cm_space_push(cm_decoder *d, cm_scope *s, cm_sort sort, cm_typeid type, uint32_t *index);
/* Reads a u32 index of `sort` and checks it is in range ("<sort> index N out
 * of range (M defined)"); *type gets its type. */
bool cm_read_index(cm_decoder *d, cm_sort sort, uint32_t *index, cm_typeid *type);
/* Appends a definition to the top component scope; *out points at it. */
bool cm_def_push(cm_decoder *d, cm_defkind kind, size_t offset, cm_def **out);
/* Adds the item a definition made to its space and records sort/index/type. */
bool cm_def_define(cm_decoder *d, cm_def *def, cm_sort sort, cm_typeid type);
/* Appends a decl to the scope's imports or exports. */
bool cm_decl_push(cm_decoder *d, cm_scope *s, bool import, const cm_decl *decl);
/* A vector count, at most the bytes left (vm_read_len). */
bool cm_read_count(cm_decoder *d, uint32_t *n);
/* A core name: UTF-8, copied into the arena. */
bool cm_read_name(cm_decoder *d, const char **out);
/* Pushes a new scope (checking CM_MAX_NESTING). */
bool cm_scope_push(cm_decoder *d, cm_scope_kind kind);

/* ---- types (decode_types.c) ---- */

/* The sort byte(s) of Binary.md's `sort`. */
bool cm_read_sort(cm_decoder *d, cm_sort *out);
/* A core:sort byte. */
bool cm_read_core_sort(cm_decoder *d, cm_sort *out);
/* A `valtype`: a primitive or a type index naming a value type. */
bool cm_read_valtype(cm_decoder *d, cm_typeid *out);
/* One `core:type` of a component scope's core type section or of a type
 * scope's 0x00 declaration. */
bool cm_core_type(cm_decoder *d);
/* One `type` (defvaltype, resourcetype, functype, componenttype,
 * instancetype). A component or instance type pushes a scope and returns;
 * the loop reads its declarations. */
bool cm_type_def(cm_decoder *d);
/* One declaration of the top (type) scope. */
bool cm_type_decl(cm_decoder *d);
/* The attributes of an extern name (0x02 name vec(attribute)): the
 * `implements` interface (NULL if none; offset its byte offset) and the
 * `external-id`. Neither takes part in name uniqueness, linking or
 * subtyping: they are only checked and kept. */
typedef struct {
    const char *implements;
    const char *external_id;
    size_t offset;
} cm_name_attrs;
/* An importname' or exportname': 0x00 (or the older 0x01) then a name, or
 * 0x02, a name and its attributes into *attrs (zeroed first). */
bool cm_read_extern_name(cm_decoder *d, const char **out, cm_name_attrs *attrs);
/* The `implements` rules for an extern of sort `sort` named `name`: only
 * an instance whose name is a plain label has one, and its value is an
 * interface name. false (with the error) when broken. */
bool cm_check_name_attrs(cm_decoder *d, const cm_name_attrs *attrs, const char *name, cm_sort sort);
/* An externdesc for an import or export named `name` into *decl. */
bool cm_read_externdesc(cm_decoder *d, cm_decl *decl);
/* Records an import or export decl in scope s (name checks, the index
 * it introduces, resource labels). */
bool cm_declare(cm_decoder *d, cm_scope *s, bool import, cm_decl *decl, size_t offset);
/* A decl of decls[0..n) whose (module, name) another has too, or NULL
 * (*nomem set when memory runs out). Sorts a copy: n log n. */
const cm_decl *cm_core_duplicate(cm_decoder *d, const cm_decl *decls, uint32_t n, bool *nomem);
/* Whether a resource made before node `below` (one the type does not
 * declare itself) is reachable from `root`: 1 when one is, 0 when none,
 * -1 when memory runs out. An explicit stack; each node once. */
int cm_free_resources(cm_decoder *d, cm_typeid root, cm_typeid below);
/* Finishes a component or instance type scope: pops it and adds its type
 * to the parent's type space. */
bool cm_type_scope_end(cm_decoder *d);

/* ---- definitions (decode_defs.c) ---- */

bool cm_core_module_section(cm_decoder *d, size_t end);
bool cm_core_instance_section(cm_decoder *d);
bool cm_instance_section(cm_decoder *d);
bool cm_alias(cm_decoder *d, cm_scope *s, cm_def *def);   /* def NULL in type scopes */
bool cm_alias_section(cm_decoder *d);
bool cm_canon_section(cm_decoder *d);
bool cm_import_section(cm_decoder *d);
bool cm_export_section(cm_decoder *d);
/* A custom section from after its id and size to end; `component-name` is
 * read into comp (never fails on a broken name section). */
bool cm_custom_section(cm_decoder *d, size_t end);

/* ---- names (names.c) ---- */

typedef enum { CM_NAME_PLAIN, CM_NAME_CONSTRUCTOR, CM_NAME_METHOD, CM_NAME_STATIC,
               CM_NAME_INTERFACE, CM_NAME_OTHER } cm_name_kind;

/* Checks an import (or export) name against Explainer.md's grammar; for the
 * annotated forms *resource gets the resource label (copied into the arena).
 * Returns NULL when it is well-formed, else what is wrong. */
const char *cm_check_name(cm_decoder *d, const char *name, bool import, cm_name_kind *kind,
                          const char **resource);
/* True when `s` is a kebab label (`word(-word)*`, words all lower or all upper case). */
bool cm_is_label(const char *s, size_t len);
/* Adds a name; false when one not strongly-unique against it is already there
 * (Explainer.md "Name Uniqueness": case ignored, `[method]l.l`
 * and `[static]l.l` as `l`, other annotations but `[constructor]` stripped)
 * or memory runs out (*nomem set). */
bool cm_nameset_add(cm_nameset *set, const char *name, bool *nomem);
/* The name in the set that `name` conflicts with, or NULL. */
const char *cm_nameset_find(const cm_nameset *set, const char *name);
bool cm_nameset_has(const cm_nameset *set, const char *name);
void cm_nameset_free(cm_nameset *set);

#endif
