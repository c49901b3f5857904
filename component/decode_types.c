/* decode_types.c — types in the binary (Binary.md "Type Definitions"):
 * sorts, value types, core func and module types, defined value types,
 * resources, func types, component and instance types (their scopes are
 * pushed here and read by decode.c's loop), their declarations, extern
 * descriptors, and the checks on an import's or export's declaration.
 * Touches the decoder's scopes and the type arena only. */
#include "component/decode_internal.h"

#include <stdlib.h>
#include <string.h>

static cm_type node_of(cm_kind kind)
{
    return (cm_type){ .kind = kind, .elem = CM_NO_TYPE, .err = CM_NO_TYPE, .dtor = CM_NONE };
}

/* Adds a node; its id in *out. */
static bool add(cm_decoder *d, const cm_type *n, cm_typeid *out)
{
    if ((*out = cm_type_add(d->types, n)) == CM_NO_TYPE)
        return cm_nomem(d);
    return true;
}

bool cm_read_core_sort(cm_decoder *d, cm_sort *out)
{
    size_t at = d->r.pos;
    uint8_t b;
    if (!vm_read_u8(&d->r, &b))
        return false;
    switch (b) {
    case 0x00: *out = CM_SORT_CORE_FUNC; return true;
    case 0x01: *out = CM_SORT_CORE_TABLE; return true;
    case 0x02: *out = CM_SORT_CORE_MEMORY; return true;
    case 0x03: *out = CM_SORT_CORE_GLOBAL; return true;
    case 0x10: *out = CM_SORT_CORE_TYPE; return true;
    case 0x11: *out = CM_SORT_CORE_MODULE; return true;
    case 0x12: *out = CM_SORT_CORE_INSTANCE; return true;
    default: return cm_fail_at(d, at, VM_ERR_MALFORMED, "expected core sort, got 0x%02x", b);
    }
}

bool cm_read_sort(cm_decoder *d, cm_sort *out)
{
    size_t at = d->r.pos;
    uint8_t b;
    if (!vm_read_u8(&d->r, &b))
        return false;
    switch (b) {
    case 0x00: return cm_read_core_sort(d, out);
    case 0x01: *out = CM_SORT_FUNC; return true;
    case 0x02: return cm_fail_at(d, at, VM_ERR_UNSUPPORTED, "value sort not supported");
    case 0x03: *out = CM_SORT_TYPE; return true;
    case 0x04: *out = CM_SORT_COMPONENT; return true;
    case 0x05: *out = CM_SORT_INSTANCE; return true;
    default: return cm_fail_at(d, at, VM_ERR_MALFORMED, "expected sort, got 0x%02x", b);
    }
}

bool cm_read_valtype(cm_decoder *d, cm_typeid *out)
{
    size_t at = d->r.pos;
    if (d->r.pos < d->r.end && d->r.bytes[d->r.pos] >= 0x73 && d->r.bytes[d->r.pos] <= 0x7f) {
        *out = (cm_typeid)(0x7f - d->r.bytes[d->r.pos++]);   /* 0x7f bool .. 0x73 string */
        return true;
    }
    int64_t v;
    if (!vm_read_s33(&d->r, &v))
        return false;
    if (v < 0)
        return cm_fail_at(d, at, VM_ERR_MALFORMED, "expected value type, got 0x%02x",
                          d->r.bytes[at]);
    const cm_space *sp = &cm_top(d)->spaces[CM_SORT_TYPE];
    if ((uint64_t)v >= sp->n)
        return cm_fail_at(d, at, VM_ERR_INVALID, "type index %u out of range (%u defined)",
                          (unsigned)v, sp->n);
    *out = sp->ids[v];
    if (!cm_is_valtype(d->types, *out))
        return cm_fail_at(d, at, VM_ERR_INVALID, "type index %u is not a value type", (unsigned)v);
    return true;
}

/* ---- core types ---- */

/* A core function type after its 0x60. */
static bool core_functype(cm_decoder *d, cm_typeid *out)
{
    cm_type n = node_of(CM_CORE_FUNC);
    uint32_t counts[2];
    vm_valtype *lists[2];
    for (int k = 0; k < 2; k++) {
        if (!cm_read_count(d, &counts[k]))
            return false;
        if ((lists[k] = cm_alloc(d->types, counts[k] * sizeof(vm_valtype))) == NULL)
            return cm_nomem(d);
        for (uint32_t i = 0; i < counts[k]; i++)
            if (!vm_read_valtype(&d->r, &lists[k][i]))
                return false;
    }
    n.nparams = counts[0];
    n.params = lists[0];
    n.nresults = counts[1];
    n.results = lists[1];
    return add(d, &n, out);
}

/* Limits into n->core; a memory's are at most 65536 pages (2^48 for a
 * 64-bit one), and its flags say 64-bit and shared. */
static bool limits(cm_decoder *d, bool memory, cm_type *n)
{
    size_t at = d->r.pos;
    uint8_t flags;
    uint64_t v[2] = { 0, 0 };
    if (!vm_read_u8(&d->r, &flags))
        return false;
    if (flags > 7)
        return cm_fail_at(d, at, VM_ERR_MALFORMED, "malformed limits flags 0x%02x", flags);
    unsigned bits = flags & 4 ? 64 : 32;
    if (!vm_read_uleb(&d->r, bits, &v[0]) || ((flags & 1) && !vm_read_uleb(&d->r, bits, &v[1])))
        return false;
    uint64_t most = flags & 4 ? (uint64_t)1 << 48 : 65536;
    if (memory && (v[0] > most || v[1] > most))
        return cm_fail_at(d, at, VM_ERR_INVALID, "memory size must be at most %llu pages",
                          (unsigned long long)most);
    n->core.min = v[0];
    n->core.max = v[1];
    n->core.has_max = flags & 1;
    n->core.shared = (flags & 2) != 0;
    n->core.is64 = (flags & 4) != 0;
    return true;
}

static int cmp_decl(const void *a, const void *b)
{
    const cm_decl *x = *(const cm_decl *const *)a, *y = *(const cm_decl *const *)b;
    int c = strcmp(x->module ? x->module : "", y->module ? y->module : "");
    return c ? c : strcmp(x->name, y->name);
}

const cm_decl *cm_core_duplicate(cm_decoder *d, const cm_decl *decls, uint32_t n, bool *nomem)
{
    *nomem = false;
    if (n < 2)
        return NULL;
    const cm_decl **p = malloc(n * sizeof *p);
    if (p == NULL) {
        *nomem = true;
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++)
        p[i] = &decls[i];
    qsort(p, n, sizeof *p, cmp_decl);
    const cm_decl *dup = NULL;
    for (uint32_t i = 1; dup == NULL && i < n; i++)
        if (cmp_decl(&p[i - 1], &p[i]) == 0)
            dup = p[i];
    free(p);
    (void)d;
    return dup;
}

/* A core:importdesc: its sort and type in *decl. `types` is the module
 * type's own core type space. */
static bool core_importdesc(cm_decoder *d, const cm_space *types, cm_decl *decl)
{
    size_t at = d->r.pos;
    uint8_t b, mut;
    uint32_t i;
    cm_type n;
    if (!vm_read_u8(&d->r, &b))
        return false;
    decl->type = CM_NO_TYPE;
    switch (b) {
    case 0x00:
        decl->sort = CM_SORT_CORE_FUNC;
        at = d->r.pos;
        if (!vm_read_u32(&d->r, &i))
            return false;
        if (i >= types->n || d->types->nodes[types->ids[i]].kind != CM_CORE_FUNC)
            return cm_fail_at(d, at, VM_ERR_INVALID, "core type index %u is not a function type", i);
        decl->type = types->ids[i];
        return true;
    case 0x01:
        decl->sort = CM_SORT_CORE_TABLE;
        n = node_of(CM_CORE_TABLE);
        if (!vm_read_reftype(&d->r, &n.core.type) || !limits(d, false, &n))
            return false;
        break;
    case 0x02:
        decl->sort = CM_SORT_CORE_MEMORY;
        n = node_of(CM_CORE_MEMORY);
        if (!limits(d, true, &n))
            return false;
        break;
    case 0x03:
        decl->sort = CM_SORT_CORE_GLOBAL;
        n = node_of(CM_CORE_GLOBAL);
        if (!vm_read_valtype(&d->r, &n.core.type) || !vm_read_u8(&d->r, &mut))
            return false;
        if (mut > 1)
            return cm_fail(d, "malformed mutability");
        n.core.mutable_ = mut;
        break;
    default:
        return cm_fail_at(d, at, VM_ERR_UNSUPPORTED, "core import kind 0x%02x not supported", b);
    }
    return add(d, &n, &decl->type);
}

/* A core module type after its 0x50: its own core type space; outer
 * aliases reach the enclosing scope's core types (ct 1). */
static bool core_moduletype(cm_decoder *d, cm_typeid *out)
{
    size_t start = d->r.pos;
    cm_space types = { 0 };
    cm_decl *decls = NULL;
    uint32_t n, ndecls = 0, nimports = 0;
    bool ok = cm_read_count(d, &n);
    if (ok && (decls = calloc(n + 1, sizeof *decls)) == NULL)
        ok = cm_nomem(d);
    for (uint32_t k = 0; ok && k < n; k++) {
        size_t at = d->r.pos;
        uint8_t b;
        if (!(ok = vm_read_u8(&d->r, &b)))
            break;
        cm_typeid id = CM_NO_TYPE;
        if (b == 0x00 || b == 0x03) {          /* import, export */
            cm_decl *decl = &decls[ndecls];
            ok = (b == 0x03 || cm_read_name(d, &decl->module)) && cm_read_name(d, &decl->name) &&
                 core_importdesc(d, &types, decl);
            if (ok && b == 0x00 && ndecls > nimports)
                ok = cm_fail_at(d, at, VM_ERR_INVALID, "core module type import after an export");
            if (ok)
                nimports += b == 0x00, ndecls++;
            continue;
        }
        if (b == 0x01) {                        /* type */
            uint8_t form;
            if (!(ok = vm_read_u8(&d->r, &form)))
                break;
            if (form != 0x60) {
                ok = cm_fail_at(d, at + 1, form == 0x50 ? VM_ERR_INVALID : VM_ERR_UNSUPPORTED,
                                form == 0x50 ? "core module type inside a core module type"
                                             : "core type form 0x%02x not supported", form);
                break;
            }
            ok = core_functype(d, &id);
        } else if (b == 0x02) {                 /* alias outer */
            uint8_t sort, target;
            uint32_t ct, idx;
            if (!(ok = vm_read_u8(&d->r, &sort) && vm_read_u8(&d->r, &target)))
                break;
            if (sort != 0x10 || target != 0x01) {
                ok = cm_fail_at(d, at, VM_ERR_MALFORMED,   /* the encoding has no other */
                                "only outer type aliases (0x10 0x01) in a core module type");
                break;
            }
            if (!(ok = vm_read_u32(&d->r, &ct) && vm_read_u32(&d->r, &idx)))
                break;
            const cm_space *from = ct == 0 ? &types : ct == 1 ? &cm_top(d)->spaces[CM_SORT_CORE_TYPE] : NULL;
            if (from == NULL || idx >= from->n) {
                ok = cm_fail_at(d, at, VM_ERR_INVALID, "outer alias %u %u out of range", ct, idx);
                break;
            }
            id = from->ids[idx];
            if (d->types->nodes[id].kind == CM_CORE_MODULE) {
                ok = cm_fail_at(d, at, VM_ERR_INVALID, "core module type inside a core module type");
                break;
            }
        } else {
            ok = cm_fail_at(d, at, VM_ERR_MALFORMED, "expected core module declaration, got 0x%02x", b);
            break;
        }
        if (ok) {
            cm_scope fake = { .spaces = { [CM_SORT_CORE_TYPE] = types } };
            ok = cm_space_push(d, &fake, CM_SORT_CORE_TYPE, id, NULL);
            types = fake.spaces[CM_SORT_CORE_TYPE];
        }
    }
    /* Imports unique by (module, name), exports by name. */
    for (int k = 0; ok && k < 2; k++) {
        bool nomem;
        const cm_decl *dup = cm_core_duplicate(d, k ? decls + nimports : decls,
                                               k ? ndecls - nimports : nimports, &nomem);
        if (nomem)
            ok = cm_nomem(d);
        else if (dup != NULL)
            ok = k ? cm_fail_at(d, start, VM_ERR_INVALID,
                                "core module type: export name \"%s\" already defined", dup->name)
                   : cm_fail_at(d, start, VM_ERR_INVALID,
                                "core module type: duplicate import name \"%s\" \"%s\"",
                                dup->module, dup->name);
    }
    if (ok) {
        cm_type node = node_of(CM_CORE_MODULE);
        node.nimports = nimports;
        node.nexports = ndecls - nimports;
        node.imports = cm_alloc(d->types, ndecls * sizeof *decls);
        if (node.imports == NULL) {
            ok = cm_nomem(d);
        } else {
            if (ndecls)
                memcpy(node.imports, decls, ndecls * sizeof *decls);
            node.exports = node.imports + nimports;
            ok = add(d, &node, out);
        }
    }
    free(types.ids);
    free(decls);
    return ok;
}

bool cm_core_type(cm_decoder *d)
{
    size_t at = d->r.pos;
    uint8_t form;
    cm_typeid id;
    if (!vm_read_u8(&d->r, &form))
        return false;
    if (form == 0x00 || form == 0x4f) {
        /* A GC subtype: 0x00 0x50 (non-final; the prefix because a bare 0x50
         * is a module type) or 0x4f (final), supertypes, comptype. Without
         * the gc proposal only a func comptype with no supertypes means
         * anything: it is that functype (its finality only matters to gc's
         * type equivalence, which this runtime does not have). */
        uint8_t sub = 0x4f, comp;
        uint32_t nsupers;
        if ((form == 0x00 && !vm_read_u8(&d->r, &sub)) || !cm_read_count(d, &nsupers))
            return false;
        if (sub != 0x50 && sub != 0x4f)
            return cm_fail_at(d, at + 1, VM_ERR_MALFORMED, "expected 0x50 after core type prefix 0x00, got 0x%02x",
                              sub);
        if (nsupers != 0)
            return cm_fail_at(d, at, VM_ERR_UNSUPPORTED,
                              "core subtypes with supertypes need the gc proposal (not in this runtime)");
        size_t comp_at = d->r.pos;
        if (!vm_read_u8(&d->r, &comp))
            return false;
        if (comp != 0x60)
            return cm_fail_at(d, comp_at, VM_ERR_UNSUPPORTED,
                              "core type form 0x%02x (a gc struct or array type) not supported", comp);
        if (!core_functype(d, &id))
            return false;
    } else if (form == 0x60) {
        if (!core_functype(d, &id))
            return false;
    } else if (form == 0x50) {
        if (!core_moduletype(d, &id))
            return false;
    } else {
        return cm_fail_at(d, at, VM_ERR_UNSUPPORTED,
                          "core type form 0x%02x not supported (gc rec groups, structs and arrays are not)", form);
    }
    cm_scope *s = cm_top(d);
    if (s->kind == CM_SCOPE_COMPONENT) {
        cm_def *def;
        return cm_def_push(d, CM_DEF_CORE_TYPE, at, &def) &&
               cm_def_define(d, def, CM_SORT_CORE_TYPE, id);
    }
    return cm_space_push(d, s, CM_SORT_CORE_TYPE, id, NULL);
}

/* ---- defined types ---- */

/* A label' (a kebab label, unique in `seen`) copied into the arena. */
static bool read_label(cm_decoder *d, cm_nameset *seen, const char **out)
{
    size_t at = d->r.pos;
    if (!cm_read_name(d, out))
        return false;
    if (!cm_is_label(*out, strlen(*out)))
        return cm_fail_at(d, at, VM_ERR_INVALID, "\"%s\" is not a valid label", *out);
    bool nomem = false;
    if (!cm_nameset_add(seen, *out, &nomem))
        return nomem ? cm_nomem(d)
                     : cm_fail_at(d, at, VM_ERR_INVALID, "duplicate label \"%s\"", *out);
    return true;
}

/* A vector of fields: labelled (labels), with a value type (types) or
 * with an optional one (optional, variant cases); at least `min`. */
static bool read_fields(cm_decoder *d, cm_type *n, bool labels, bool types, bool optional,
                        uint32_t min)
{
    size_t at = d->r.pos;
    uint32_t count;
    if (!cm_read_count(d, &count))
        return false;
    if (count < min)
        return cm_fail_at(d, at, VM_ERR_INVALID, "a %s needs at least one %s",
                          n->kind == CM_TUPLE ? "tuple" : n->kind == CM_FUNC ? "function" : "type",
                          labels ? "label" : "type");
    if ((n->fields = cm_alloc(d->types, count * sizeof *n->fields)) == NULL)
        return cm_nomem(d);
    cm_nameset seen = { 0 };
    bool ok = true;
    for (uint32_t i = 0; ok && i < count; i++) {
        cm_field *f = &n->fields[i];
        f->type = CM_NO_TYPE;
        if (labels && !(ok = read_label(d, &seen, &f->label)))
            break;
        if (optional) {
            uint8_t has;
            if (!(ok = vm_read_u8(&d->r, &has)))
                break;
            if (has > 1) {
                ok = cm_fail(d, "expected 0x00 or 0x01, got 0x%02x", has);
                break;
            }
            if (has && !(ok = cm_read_valtype(d, &f->type)))
                break;
            uint8_t refines;
            if (!(ok = vm_read_u8(&d->r, &refines)))
                break;
            if (refines != 0)
                ok = cm_fail_at(d, d->r.pos - 1, VM_ERR_MALFORMED,
                                "variant case: expected 0x00, got 0x%02x", refines);
        } else if (types) {
            ok = cm_read_valtype(d, &f->type);
        }
    }
    cm_nameset_free(&seen);
    n->nfields = count;
    return ok;
}

/* An optional value type (0x00 | 0x01 t). */
static bool optional_valtype(cm_decoder *d, cm_typeid *out)
{
    uint8_t has;
    if (!vm_read_u8(&d->r, &has))
        return false;
    if (has > 1)
        return cm_fail_at(d, d->r.pos - 1, VM_ERR_MALFORMED, "expected 0x00 or 0x01, got 0x%02x", has);
    *out = CM_NO_TYPE;
    return !has || cm_read_valtype(d, out);
}

/* A type index naming a resource, for own and borrow. */
static bool resource_index(cm_decoder *d, cm_typeid *out)
{
    size_t at = d->r.pos;
    uint32_t i;
    if (!cm_read_index(d, CM_SORT_TYPE, &i, out))
        return false;
    if (d->types->nodes[*out].kind != CM_RESOURCE)
        return cm_fail_at(d, at, VM_ERR_INVALID, "type index %u is not a resource type", i);
    return true;
}

/* A functype after its 0x40. */
static bool functype(cm_decoder *d, cm_typeid *out)
{
    cm_type n = node_of(CM_FUNC);
    if (!read_fields(d, &n, true, true, false, 0))
        return false;
    size_t at = d->r.pos;
    uint8_t form;
    uint32_t count;
    if (!vm_read_u8(&d->r, &form))
        return false;
    if (form == 0x00) {
        if (!cm_read_valtype(d, &n.elem))
            return false;
        if (d->types->nodes[n.elem].flags & CM_HAS_BORROW)
            return cm_fail_at(d, at + 1, VM_ERR_INVALID, "function result contains a borrow");
    } else if (form == 0x01) {
        if (!cm_read_count(d, &count))
            return false;
        if (count != 0)   /* 0.2's resultlist is 0x00 t | 0x01 0x00: named results are gone */
            return cm_fail_at(d, at + 1, VM_ERR_MALFORMED,
                              "expected 0x00 after result list 0x01 (named results are a pre-0.2 form), got %u",
                              count);
    } else {
        return cm_fail_at(d, at, VM_ERR_MALFORMED, "expected result list, got 0x%02x", form);
    }
    return add(d, &n, out);
}

/* A defvaltype or resource type or functype whose first byte `b` is read. */
static bool simple_type(cm_decoder *d, uint8_t b, size_t at, cm_typeid *out)
{
    cm_scope *s = cm_top(d);
    uint32_t len;
    uint8_t rep;
    if (b >= 0x73 && b <= 0x7f) {
        *out = (cm_typeid)(0x7f - b);
        return true;
    }
    cm_type n;
    switch (b) {
    case 0x72: n = node_of(CM_RECORD); if (!read_fields(d, &n, true, true, false, 1)) return false; break;
    case 0x71: n = node_of(CM_VARIANT); if (!read_fields(d, &n, true, false, true, 1)) return false; break;
    case 0x70: n = node_of(CM_LIST); if (!cm_read_valtype(d, &n.elem)) return false; break;
    case 0x67:
        n = node_of(CM_LIST);
        if (!cm_read_valtype(d, &n.elem) || !vm_read_u32(&d->r, &len))
            return false;
        if (len == 0)
            return cm_fail(d, "fixed-length list of length 0");
        n.length = len;
        break;
    case 0x6f: n = node_of(CM_TUPLE); if (!read_fields(d, &n, false, true, false, 1)) return false; break;
    case 0x6e:
        n = node_of(CM_FLAGS);
        if (!read_fields(d, &n, true, false, false, 1))
            return false;
        if (n.nfields > 32)
            return cm_fail_at(d, at, VM_ERR_INVALID, "flags with more than 32 labels");
        break;
    case 0x6d: n = node_of(CM_ENUM); if (!read_fields(d, &n, true, false, false, 1)) return false; break;
    case 0x6b: n = node_of(CM_OPTION); if (!cm_read_valtype(d, &n.elem)) return false; break;
    case 0x6a:
        n = node_of(CM_RESULT);
        if (!optional_valtype(d, &n.elem) || !optional_valtype(d, &n.err))
            return false;
        break;
    case 0x69: n = node_of(CM_OWN); if (!resource_index(d, &n.elem)) return false; break;
    case 0x68: n = node_of(CM_BORROW); if (!resource_index(d, &n.elem)) return false; break;
    case 0x66: return cm_fail_at(d, at, VM_ERR_UNSUPPORTED, "stream types (async, WASI 0.3) not supported");
    case 0x65: return cm_fail_at(d, at, VM_ERR_UNSUPPORTED, "future types (async, WASI 0.3) not supported");
    case 0x64: return cm_fail_at(d, at, VM_ERR_UNSUPPORTED, "error-context types (async, WASI 0.3) not supported");
    case 0x63: return cm_fail_at(d, at, VM_ERR_UNSUPPORTED, "map types (the component_model_map proposal, after 0.2) not supported");
    case 0x3f: {
        n = node_of(CM_RESOURCE);
        if (s->kind != CM_SCOPE_COMPONENT)
            return cm_fail_at(d, at, VM_ERR_INVALID, "resource type defined inside a component or instance type");
        if (!vm_read_u8(&d->r, &rep))
            return false;
        if (rep != 0x7f)
            return cm_fail_at(d, d->r.pos - 1, VM_ERR_INVALID, "resource representation must be i32");
        uint8_t has;
        if (!vm_read_u8(&d->r, &has))
            return false;
        if (has > 1)
            return cm_fail_at(d, d->r.pos - 1, VM_ERR_MALFORMED, "expected 0x00 or 0x01, got 0x%02x", has);
        if (has) {
            size_t fat = d->r.pos;
            cm_typeid ft;
            if (!cm_read_index(d, CM_SORT_CORE_FUNC, &n.dtor, &ft))
                return false;
            const cm_type *f = ft != CM_NO_TYPE ? &d->types->nodes[ft] : NULL;
            if (f != NULL && !(f->nparams == 1 && f->params[0] == VM_I32 && f->nresults == 0))
                return cm_fail_at(d, fat, VM_ERR_INVALID, "resource destructor must be [i32] -> []");
        }
        break;
    }
    case 0x3e: return cm_fail_at(d, at, VM_ERR_UNSUPPORTED, "async resource types not supported");
    case 0x40: return functype(d, out);
    case 0x43: return cm_fail_at(d, at, VM_ERR_UNSUPPORTED, "async function types not supported");
    default: return cm_fail_at(d, at, VM_ERR_MALFORMED, "expected type, got 0x%02x", b);
    }
    if (!add(d, &n, out))
        return false;
    /* The limits on a defined value type (its children are within them). */
    const cm_type *made = &d->types->nodes[*out];
    if (made->depth > CM_MAX_TYPE_DEPTH)
        return cm_fail_at(d, at, VM_ERR_INVALID, "type nesting is too deep: %u levels, at most %u",
                          (unsigned)made->depth, CM_MAX_TYPE_DEPTH);
    if (made->size64 > CM_MAX_VALUE_SIZE)
        return cm_fail_at(d, at, VM_ERR_INVALID,
                          "type exceeds maximum byte size: %s%u bytes with 64-bit pointers, "
                          "at most %u", made->size64 == CM_SIZE_MAX ? "at least " : "",
                          made->size64, CM_MAX_VALUE_SIZE);
    return true;
}

bool cm_type_def(cm_decoder *d)
{
    size_t at = d->r.pos;
    cm_scope *s = cm_top(d);
    cm_def *def = NULL;
    uint8_t b;
    uint32_t n;
    if (s->kind == CM_SCOPE_COMPONENT && !cm_def_push(d, CM_DEF_TYPE, at, &def))
        return false;
    if (!vm_read_u8(&d->r, &b))
        return false;
    if (b == 0x41 || b == 0x42) {
        if (!cm_read_count(d, &n) ||
            !cm_scope_push(d, b == 0x41 ? CM_SCOPE_COMPONENT_TYPE : CM_SCOPE_INSTANCE_TYPE))
            return false;
        cm_top(d)->left = n;   /* read by the loop; cm_type_scope_end() defines it */
        return true;
    }
    cm_typeid id;
    if (!simple_type(d, b, at, &id))
        return false;
    cm_kind k = d->types->nodes[id].kind;
    if (id >= CM_NPRIMITIVES &&
        (k == CM_RECORD || k == CM_VARIANT || k == CM_ENUM || k == CM_FLAGS || k == CM_RESOURCE))
        d->types->nodes[id].vis = CM_VIS_LOCAL;
    if (def != NULL) {
        if (k == CM_RESOURCE)
            d->types->nodes[id].owner = s->serial;
        return cm_def_define(d, def, CM_SORT_TYPE, id);
    }
    return cm_space_push(d, s, CM_SORT_TYPE, id, NULL);
}

/* ---- sets of type ids ---- */

static uint32_t *idset_slot(const cm_idset *set, cm_typeid id)
{
    uint32_t i = (id * 2654435761u) & (set->cap - 1);
    while (set->slots[i] != CM_NO_TYPE && set->slots[i] != id)
        i = (i + 1) & (set->cap - 1);
    return &set->slots[i];
}

static bool idset_has(const cm_idset *set, cm_typeid id)
{
    return set->cap != 0 && *idset_slot(set, id) == id;
}

/* Adds id (with value v when the set is a map); false when memory runs
 * out. */
static bool idset_put(cm_idset *set, cm_typeid id, bool map, uint32_t v)
{
    if ((set->n + 1) * 2 > set->cap) {
        if (set->cap >= (1u << 30))
            return false;
        uint32_t cap = set->cap ? set->cap * 2 : 32;
        cm_idset bigger = { malloc(cap * sizeof(cm_typeid)), map ? malloc(cap * sizeof(uint32_t)) : NULL,
                            0, cap };
        if (bigger.slots == NULL || (map && bigger.vals == NULL)) {
            free(bigger.slots);
            free(bigger.vals);
            return false;
        }
        memset(bigger.slots, 0xff, cap * sizeof(cm_typeid));
        for (uint32_t i = 0; i < set->cap; i++)
            if (set->slots[i] != CM_NO_TYPE) {
                uint32_t *slot = idset_slot(&bigger, set->slots[i]);
                *slot = set->slots[i];
                if (map)
                    bigger.vals[slot - bigger.slots] = set->vals[i];
                bigger.n++;
            }
        free(set->slots);
        free(set->vals);
        *set = bigger;
    }
    uint32_t *slot = idset_slot(set, id);
    if (*slot != id) {
        *slot = id;
        set->n++;
    }
    if (map)
        set->vals[slot - set->slots] = v;
    return true;
}

static bool idset_add(cm_idset *set, cm_typeid id)
{
    return idset_put(set, id, false, 0);
}

/* The value of id in a map, or 0 when it is not there. */
static uint32_t idset_get(const cm_idset *set, cm_typeid id)
{
    if (set->cap == 0)
        return 0;
    uint32_t *slot = idset_slot(set, id);
    return *slot == id ? set->vals[slot - set->slots] : 0;
}

/* External visibility (Explainer.md "External Visibility of Types"): the
 * type of an import (export) of a component or component type may use a
 * local type (cm_type.vis: a resource, record, variant, enum or flags
 * defined in a component's or type's body, outer aliases and aliases out
 * of instances included) only when an import (an import or export) of
 * that same scope named it before. A type import or export names its own
 * type, and so do the type exports of an instance or component type in
 * it (all of them before any other declaration is looked at); only their
 * contents are checked. Walks `root` with an explicit stack; a named
 * node's contents once per walk. */
static bool check_visible(cm_decoder *d, cm_scope *s, cm_typeid root, bool import, cm_sort sort,
                          size_t offset)
{
    cm_types *t = d->types;
    cm_idset *names = import ? &s->vis_imported : &s->vis_exported;
    uint32_t gen = ++d->vis_gen;
    uint32_t n = 0, cap = 0;
    cm_typeid *stack = NULL;
    bool ok = true;
#define VIS_PUSH(id, named)                                                         \
    do {                                                                            \
        cm_typeid id_ = (id);                                                       \
        if (id_ == CM_NO_TYPE || id_ < CM_NPRIMITIVES || t->nodes[id_].vis_mark == gen) \
            break;                                                                  \
        if (!cm_grow((void **)&stack, n, &cap, sizeof *stack)) {                   \
            ok = cm_nomem(d);                                                       \
            goto done;                                                              \
        }                                                                           \
        stack[n++] = id_ * 2 + ((named) ? 1 : 0);                                   \
    } while (0)
    if (root >= (UINT32_MAX >> 1))
        return cm_fail_at(d, offset, VM_ERR_LIMIT, "too many types");
    VIS_PUSH(root, sort == CM_SORT_TYPE);
    while (n > 0) {
        cm_typeid id = stack[n - 1] / 2;
        bool named_here = stack[n - 1] & 1;
        n--;
        cm_type *ty = &t->nodes[id];
        if (ty->vis_mark == gen)
            continue;
        if ((ty->vis & CM_VIS_LOCAL) && !named_here) {
            if (idset_has(&s->vis_imported, id) || (!import && idset_has(&s->vis_exported, id)))
                continue;   /* named: its contents were checked then */
            ok = cm_fail_at(d, offset, VM_ERR_INVALID,
                            "%s not valid to be used as %s: it uses a %s type not %s by name in "
                            "this component before", cm_sort_name(sort), import ? "import" : "export",
                            ty->kind == CM_RESOURCE ? "resource" : ty->kind == CM_RECORD ? "record"
                            : ty->kind == CM_VARIANT ? "variant" : ty->kind == CM_ENUM ? "enum" : "flags",
                            import ? "imported" : "imported or exported");
            goto done;
        }
        ty->vis_mark = gen;
        if ((ty->vis & CM_VIS_LOCAL) && !idset_add(names, id)) {
            ok = cm_nomem(d);
            goto done;
        }
        /* The types an instance or component type exports (or imports) are
         * named by it, all before the declarations are walked (first to
         * last). */
        for (uint32_t i = 0; i < ty->nimports + ty->nexports; i++) {
            cm_decl *dc = i < ty->nimports ? &ty->imports[i] : &ty->exports[i - ty->nimports];
            if (dc->sort == CM_SORT_TYPE && dc->type != CM_NO_TYPE &&
                (t->nodes[dc->type].vis & CM_VIS_LOCAL) && !idset_add(names, dc->type)) {
                ok = cm_nomem(d);
                goto done;
            }
        }
        for (uint32_t i = ty->nimports + ty->nexports; i-- > 0;) {
            cm_decl *dc = i < ty->nimports ? &ty->imports[i] : &ty->exports[i - ty->nimports];
            VIS_PUSH(dc->type, dc->sort == CM_SORT_TYPE);
        }
        for (uint32_t i = 0; i < ty->nfields; i++)
            VIS_PUSH(ty->fields[i].type, false);
        if (ty->kind != CM_RESOURCE) {
            VIS_PUSH(ty->elem, false);
            VIS_PUSH(ty->err, false);
        }
    }
#undef VIS_PUSH
done:
    free(stack);
    return ok;
}

int cm_free_resources(cm_decoder *d, cm_typeid root, cm_typeid below)
{
    cm_types *t = d->types;
    uint32_t gen = ++d->vis_gen;
    uint32_t n = 0, cap = 0;
    cm_typeid *stack = NULL;
    int found = 0;
#define FREE_PUSH(id)                                                               \
    do {                                                                            \
        cm_typeid id_ = (id);                                                       \
        if (id_ == CM_NO_TYPE || id_ < CM_NPRIMITIVES || t->nodes[id_].vis_mark == gen) \
            break;                                                                  \
        t->nodes[id_].vis_mark = gen;                                               \
        if (!cm_grow((void **)&stack, n, &cap, sizeof *stack)) {                   \
            found = -1;                                                             \
            goto done;                                                              \
        }                                                                           \
        stack[n++] = id_;                                                           \
    } while (0)
    FREE_PUSH(root);
    while (n > 0) {
        const cm_type *ty = &t->nodes[stack[--n]];
        if (ty->kind == CM_RESOURCE) {
            if (stack[n] < below) {
                found = 1;
                break;
            }
            continue;
        }
        for (uint32_t i = 0; i < ty->nimports + ty->nexports; i++)
            FREE_PUSH(i < ty->nimports ? ty->imports[i].type : ty->exports[i - ty->nimports].type);
        for (uint32_t i = 0; i < ty->nfields; i++)
            FREE_PUSH(ty->fields[i].type);
        FREE_PUSH(ty->elem);
        FREE_PUSH(ty->err);
    }
#undef FREE_PUSH
done:
    free(stack);
    return found;
}

bool cm_read_extern_name(cm_decoder *d, const char **out, cm_name_attrs *attrs)
{
    uint8_t b;
    *attrs = (cm_name_attrs){ 0 };
    size_t at = d->r.pos;
    if (!vm_read_u8(&d->r, &b))
        return false;
    if (b > 0x02)
        return cm_fail_at(d, at, VM_ERR_MALFORMED, "expected name tag 0x00, 0x01 or 0x02, got 0x%02x", b);
    if (!cm_read_name(d, out))
        return false;
    if (b != 0x02)
        return true;
    /* 0x02: the name's attributes, at most one of each kind. Each takes
     * at least two bytes, so the count is bounded by the input. */
    uint32_t n;
    if (!cm_read_count(d, &n))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        size_t aat = d->r.pos;
        uint8_t kind;
        const char *value;
        if (!vm_read_u8(&d->r, &kind))
            return false;
        if (kind != 0x00 && kind != 0x02)
            return cm_fail_at(d, aat, VM_ERR_MALFORMED,
                              "expected name attribute 0x00 (implements) or 0x02 (external-id), got 0x%02x",
                              kind);
        if (!cm_read_name(d, &value))
            return false;
        const char **slot = kind == 0x00 ? &attrs->implements : &attrs->external_id;
        if (*slot != NULL)
            return cm_fail_at(d, aat, VM_ERR_INVALID, "duplicate '%s' option in name \"%s\"",
                              kind == 0x00 ? "implements" : "external-id", *out);
        *slot = value;
        if (kind == 0x00)
            attrs->offset = aat;
    }
    return true;
}

bool cm_check_name_attrs(cm_decoder *d, const cm_name_attrs *attrs, const char *name, cm_sort sort)
{
    if (attrs->implements == NULL)
        return true;
    if (sort != CM_SORT_INSTANCE)
        return cm_fail_at(d, attrs->offset, VM_ERR_INVALID,
                          "\"%s\": only instances can have an `implements` (this is a %s)", name,
                          cm_sort_name(sort));
    if (!cm_is_label(name, strlen(name)))
        return cm_fail_at(d, attrs->offset, VM_ERR_INVALID,
                          "name `%s` is not valid with `implements` (only a plain label is)", name);
    if (attrs->implements[0] == '\0')
        return cm_fail_at(d, attrs->offset, VM_ERR_INVALID,
                          "\"%s\": implements \"\" is not a valid name", name);
    cm_name_kind kind;
    const char *res, *why = cm_check_name(d, attrs->implements, false, &kind, &res);
    if (why != NULL || kind != CM_NAME_INTERFACE)
        return cm_fail_at(d, attrs->offset, VM_ERR_INVALID,
                          "\"%s\": implements \"%s\" must be an interface name (ns:pkg/iface[@version])",
                          name, attrs->implements);
    return true;
}

bool cm_type_decl(cm_decoder *d)
{
    size_t at = d->r.pos;
    cm_scope *s = cm_top(d);
    uint8_t b;
    if (!vm_read_u8(&d->r, &b))
        return false;
    switch (b) {
    case 0x00: return cm_core_type(d);
    case 0x01: return cm_type_def(d);
    case 0x02: return cm_alias(d, s, NULL);
    case 0x03:
    case 0x04: {
        if (b == 0x03 && s->kind != CM_SCOPE_COMPONENT_TYPE)
            return cm_fail_at(d, at, VM_ERR_MALFORMED,   /* instancedecl has no 0x03 */
                              "import declaration in an instance type");
        cm_decl decl = { 0 };
        cm_name_attrs attrs;
        return cm_read_extern_name(d, &decl.name, &attrs) && cm_read_externdesc(d, &decl) &&
               cm_check_name_attrs(d, &attrs, decl.name, decl.sort) &&
               cm_declare(d, s, b == 0x03, &decl, at + 1);
    }
    default:
        return cm_fail_at(d, at, VM_ERR_MALFORMED, "expected %s declaration, got 0x%02x",
                          s->kind == CM_SCOPE_COMPONENT_TYPE ? "component type" : "instance type", b);
    }
}

bool cm_read_externdesc(cm_decoder *d, cm_decl *decl)
{
    size_t at = d->r.pos;
    uint8_t b, sub;
    uint32_t i;
    cm_typeid t;
    if (!vm_read_u8(&d->r, &b))
        return false;
    static const struct { cm_sort sort; cm_kind kind; const char *what; } kinds[6] = {
        { CM_SORT_CORE_MODULE, CM_CORE_MODULE, "core module" },
        { CM_SORT_FUNC, CM_FUNC, "function" },
        { CM_SORT_VALUE, CM_BOOL, "value" },
        { CM_SORT_TYPE, CM_BOOL, "type" },
        { CM_SORT_COMPONENT, CM_COMPONENT, "component" },
        { CM_SORT_INSTANCE, CM_INSTANCE, "instance" },
    };
    if (b > 0x05)
        return cm_fail_at(d, at, VM_ERR_MALFORMED, "expected extern descriptor, got 0x%02x", b);
    decl->sort = kinds[b].sort;
    switch (b) {
    case 0x00:
        if (!vm_read_u8(&d->r, &sub))
            return false;
        if (sub != 0x11)
            return cm_fail_at(d, at + 1, VM_ERR_MALFORMED, "expected core module sort 0x11, got 0x%02x", sub);
        at = d->r.pos;
        if (!cm_read_index(d, CM_SORT_CORE_TYPE, &i, &t))
            return false;
        break;
    case 0x02:
        return cm_fail_at(d, at, VM_ERR_UNSUPPORTED, "value imports and exports not supported");
    case 0x03:
        if (!vm_read_u8(&d->r, &sub))
            return false;
        if (sub == 0x00)
            return cm_read_index(d, CM_SORT_TYPE, &i, &decl->type);
        if (sub == 0x01) {
            cm_type n = node_of(CM_RESOURCE);
            n.abstract = true;
            n.vis = CM_VIS_LOCAL;   /* named by the declaration that makes it */
            return add(d, &n, &decl->type);
        }
        return cm_fail_at(d, at + 1, VM_ERR_MALFORMED, "expected type bound, got 0x%02x", sub);
    default:
        at = d->r.pos;
        if (!cm_read_index(d, CM_SORT_TYPE, &i, &t))
            return false;
        break;
    }
    if (d->types->nodes[t].kind != kinds[b].kind)
        return cm_fail_at(d, at, VM_ERR_INVALID, "type index %u is not a %s type", i, kinds[b].what);
    decl->type = t;
    return true;
}

/* Whether resource node `r` (or the one it stands for) has the label
 * `label` among the names a type import or export of scope s gave it (an
 * export sees only exports'). */
static bool resource_named(cm_decoder *d, cm_scope *s, bool import, cm_typeid r, const char *label,
                           const char *func, size_t offset)
{
    const char *other = NULL;
    r = cm_resource_root(d->types, r);
    for (uint32_t i = idset_get(&s->named_last, r); i != 0; i = s->named[i - 1].prev) {
        const struct cm_named_resource *n = &s->named[i - 1];
        if (!import && !n->exported)
            continue;
        if (strcmp(n->label, label) == 0)
            return true;
        other = n->label;
    }
    if (other == NULL)
        return cm_fail_at(d, offset, VM_ERR_INVALID,
                          "\"%s\": resource used in function does not have a name in this context "
                          "(expected one %s as \"%s\")", func, import ? "imported or exported" : "exported",
                          label);
    return cm_fail_at(d, offset, VM_ERR_INVALID,
                      "\"%s\": function does not match expected resource name `%s`", func, other);
}

bool cm_declare(cm_decoder *d, cm_scope *s, bool import, cm_decl *decl, size_t offset)
{
    cm_name_kind kind;
    const char *resource = NULL;
    const char *why = cm_check_name(d, decl->name, import, &kind, &resource);
    if (why != NULL)
        return cm_fail_at(d, offset, VM_ERR_INVALID, "%s name \"%s\": %s",
                          import ? "import" : "export", decl->name, why);
    bool nomem = false;
    cm_nameset *names = import ? &s->import_names : &s->export_names;
    const char *prev = cm_nameset_find(names, decl->name);
    if (prev != NULL)
        return cm_fail_at(d, offset, VM_ERR_INVALID,
                          "%s name \"%s\" conflicts with previous name \"%s\" (names must be strongly-unique)",
                          import ? "import" : "export", decl->name, prev);
    if (!cm_nameset_add(names, decl->name, &nomem))
        return cm_nomem(d);
    if (resource != NULL) {
        if (decl->sort != CM_SORT_FUNC)
            return cm_fail_at(d, offset, VM_ERR_INVALID, "\"%s\" names a function but is a %s",
                              decl->name, cm_sort_name(decl->sort));
        if (!cm_nameset_has(import ? &s->resource_names : &s->export_resources, resource))
            return cm_fail_at(d, offset, VM_ERR_INVALID,
                              "\"%s\": no resource \"%s\" %s before it", decl->name, resource,
                              import ? "imported or exported" : "exported");
        const cm_type *f = &d->types->nodes[decl->type];
        /* A constructor returns (own $r) or result<own $r, E?>. */
        cm_typeid made = f->elem;
        if (made != CM_NO_TYPE && d->types->nodes[made].kind == CM_RESULT)
            made = d->types->nodes[made].elem;
        if (kind == CM_NAME_CONSTRUCTOR &&
            (made == CM_NO_TYPE || d->types->nodes[made].kind != CM_OWN))
            return cm_fail_at(d, offset, VM_ERR_INVALID, "constructor \"%s\" must return an own handle",
                              decl->name);
        if (kind == CM_NAME_METHOD &&
            (f->nfields == 0 || strcmp(f->fields[0].label, "self") != 0 ||
             d->types->nodes[f->fields[0].type].kind != CM_BORROW))
            return cm_fail_at(d, offset, VM_ERR_INVALID,
                              "method \"%s\" must take (param \"self\" (borrow ...)) first", decl->name);
        /* The constructor's or method's resource is named `resource` here. */
        cm_typeid used = kind == CM_NAME_CONSTRUCTOR ? d->types->nodes[made].elem
                         : kind == CM_NAME_METHOD ? d->types->nodes[f->fields[0].type].elem
                                                  : CM_NO_TYPE;
        if (used != CM_NO_TYPE && !resource_named(d, s, import, used, resource, decl->name, offset))
            return false;
    }
    /* An imported instance (and an instance a type declares) has resources
     * of its own: those its type declares become new ones. */
    if (decl->sort == CM_SORT_INSTANCE && (import || s->kind != CM_SCOPE_COMPONENT)) {
        const cm_type *it = &d->types->nodes[decl->type];
        cm_bindings fresh = { 0 };
        int r = cm_freshen(d->types, &fresh, decl, 1, it->first, it->end);
        if (r == 0)
            r = cm_substitute(d->types, &fresh, decl, 1);
        cm_bindings_free(&fresh);
        if (r < 0)
            return cm_nomem(d);
    }
    if (s->kind != CM_SCOPE_INSTANCE_TYPE && decl->type != CM_NO_TYPE &&
        !check_visible(d, s, decl->type, import, decl->sort, offset))
        return false;
    if (decl->sort == CM_SORT_TYPE && kind == CM_NAME_PLAIN &&
        d->types->nodes[decl->type].kind == CM_RESOURCE) {
        if ((!cm_nameset_add(&s->resource_names, decl->name, &nomem) && nomem) ||
            (!import && !cm_nameset_add(&s->export_resources, decl->name, &nomem) && nomem) ||
            !cm_grow((void **)&s->named, s->nnamed, &s->named_cap, sizeof *s->named))
            return cm_nomem(d);
        cm_typeid root = cm_resource_root(d->types, decl->type);
        s->named[s->nnamed] = (struct cm_named_resource){ root, decl->name, !import,
                                                          idset_get(&s->named_last, root) };
        if (!idset_put(&s->named_last, root, true, ++s->nnamed))
            return cm_nomem(d);
    }
    if (!cm_decl_push(d, s, import, decl))
        return false;
    return s->kind != CM_SCOPE_COMPONENT ? cm_space_push(d, s, decl->sort, decl->type, NULL) : true;
}
