/* types.c — the type arena (types.h): nodes, the bump allocator, the
 * canonical ABI facts of each node (flattening, what it holds), the core
 * function types of lift and lower, and the WIT-like printer.
 * Touches no decoder state. */
#include "component/types.h"

#include <stdlib.h>
#include <string.h>

struct cm_chunk {
    cm_chunk *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
};

#define CHUNK_SIZE 65536

const char *cm_sort_name(cm_sort s)
{
    static const char *const names[CM_NSORTS] = {
        "core func", "core table", "core memory", "core global", "core type",
        "core module", "core instance", "func", "value", "type", "component", "instance",
    };
    return (unsigned)s < CM_NSORTS ? names[s] : "?";
}

bool cm_grow(void **arr, uint32_t n, uint32_t *cap, size_t size)
{
    if (n < *cap)
        return true;
    uint32_t c = *cap ? *cap * 2 : 8;
    if (c <= *cap || (size_t)c > SIZE_MAX / size)
        return false;
    void *p = realloc(*arr, (size_t)c * size);
    if (p == NULL)
        return false;
    *arr = p;
    *cap = c;
    return true;
}

void *cm_alloc(cm_types *t, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    cm_chunk *c = t->chunks;
    if (c == NULL || c->size - c->used < n) {
        size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
        c = malloc(sizeof *c + size);
        if (c == NULL)
            return NULL;
        c->size = size;
        c->used = 0;
        c->next = t->chunks;
        t->chunks = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *cm_strndup(cm_types *t, const char *s, size_t len)
{
    char *p = cm_alloc(t, len + 1);
    if (p != NULL) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

bool cm_types_init(cm_types *t)
{
    memset(t, 0, sizeof *t);
    for (int k = 0; k < CM_NPRIMITIVES; k++) {
        cm_type n = { .kind = (cm_kind)k, .elem = CM_NO_TYPE, .err = CM_NO_TYPE, .dtor = CM_NONE };
        if (cm_type_add(t, &n) == CM_NO_TYPE) {
            cm_types_free(t);
            return false;
        }
    }
    return true;
}

void cm_types_free(cm_types *t)
{
    free(t->nodes);
    for (cm_chunk *c = t->chunks, *next; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    memset(t, 0, sizeof *t);
}

bool cm_is_valtype(const cm_types *t, cm_typeid id)
{
    if (id >= t->count)
        return false;
    cm_kind k = t->nodes[id].kind;
    return k < CM_RESOURCE;
}

/* ---- flattening (CanonicalABI.md "Flattening") ---- */

/* A flat sequence being built, saturating past CM_MAX_FLAT. */
typedef struct {
    uint8_t n;
    uint8_t v[CM_MAX_FLAT];
} flat_seq;

static void flat_push(flat_seq *s, vm_valtype v)
{
    if (s->n < CM_MAX_FLAT)
        s->v[s->n] = (uint8_t)v;
    if (s->n <= CM_MAX_FLAT)
        s->n++;
}

static void flat_append(flat_seq *s, const cm_type *child)
{
    for (unsigned i = 0; i < child->nflat; i++)
        flat_push(s, i < CM_MAX_FLAT ? (vm_valtype)child->flat[i] : VM_I32);
}

/* join(a, b) of two flat types in a variant's payload. */
static vm_valtype join(vm_valtype a, vm_valtype b)
{
    if (a == b)
        return a;
    if ((a == VM_I32 && b == VM_F32) || (a == VM_F32 && b == VM_I32))
        return VM_I32;
    return VM_I64;
}

/* Joins one case's payload into a variant's payload, position by position. */
static void join_payload(flat_seq *payload, const cm_type *c)
{
    for (unsigned j = 0; j < c->nflat; j++) {
        vm_valtype v = j < CM_MAX_FLAT ? (vm_valtype)c->flat[j] : VM_I32;
        if (j >= payload->n)
            flat_push(payload, v);
        else if (j < CM_MAX_FLAT)
            payload->v[j] = (uint8_t)join((vm_valtype)payload->v[j], v);
    }
}

/* Fills the node's nflat, flat and flags from its kind and children. */
static uint64_t align64_to(uint64_t x, uint32_t a)
{
    return (x + a - 1) / a * a;
}

/* size64/align64 of a value type node from its children (a loop over
 * them; no recursion): the layout of abi_layout.c with 64-bit pointers. */
static void layout64(const cm_types *t, cm_type *n)
{
    uint64_t size = 0;
    uint32_t align = 1;
    switch (n->kind) {
    case CM_BOOL: case CM_S8: case CM_U8: case CM_S16: case CM_U16: case CM_S32: case CM_U32:
    case CM_F32: case CM_CHAR: case CM_OWN: case CM_BORROW: case CM_S64: case CM_U64: case CM_F64:
    case CM_FLAGS: case CM_ENUM:
        size = n->size;   /* no pointers: the same */
        align = n->align;
        break;
    case CM_STRING:
        size = 16, align = 8;
        break;
    case CM_LIST: {
        const cm_type *c = &t->nodes[n->elem];
        if (n->length == 0)
            size = 16, align = 8;
        else
            size = (uint64_t)n->length * c->size64, align = c->align64;
        break;
    }
    case CM_RECORD: case CM_TUPLE:
        for (uint32_t i = 0; i < n->nfields; i++) {
            const cm_type *c = &t->nodes[n->fields[i].type];
            size = align64_to(size, c->align64) + c->size64;
            if (c->align64 > align)
                align = c->align64;
        }
        size = align64_to(size, align);
        break;
    case CM_VARIANT: case CM_OPTION: case CM_RESULT: {
        uint32_t ncases = n->kind == CM_VARIANT ? n->nfields : 2;
        uint32_t disc = cm_discriminant_size(ncases), max_align = 1;
        uint64_t max_size = 0;
        for (uint32_t i = 0; i < ncases; i++) {
            cm_typeid c = n->kind == CM_VARIANT ? n->fields[i].type
                          : n->kind == CM_OPTION ? (i ? n->elem : CM_NO_TYPE)
                                                 : (i ? n->err : n->elem);
            if (c == CM_NO_TYPE)
                continue;
            if (t->nodes[c].align64 > max_align)
                max_align = t->nodes[c].align64;
            if (t->nodes[c].size64 > max_size)
                max_size = t->nodes[c].size64;
        }
        align = disc > max_align ? disc : max_align;
        size = align64_to(align64_to(disc, max_align) + max_size, align);
        break;
    }
    default:
        n->size64 = 0;
        n->align64 = 0;
        return;
    }
    n->size64 = size > CM_SIZE_MAX ? CM_SIZE_MAX : (uint32_t)size;
    n->align64 = (uint8_t)align;
}

static void compute_facts(const cm_types *t, cm_type *n)
{
    flat_seq s = { 0 };
    uint8_t flags = 0;
    switch (n->kind) {
    case CM_BOOL: case CM_S8: case CM_U8: case CM_S16: case CM_U16: case CM_S32: case CM_U32:
    case CM_CHAR: case CM_ENUM:
        flat_push(&s, VM_I32);
        break;
    case CM_S64: case CM_U64: flat_push(&s, VM_I64); break;
    case CM_F32: flat_push(&s, VM_F32); break;
    case CM_F64: flat_push(&s, VM_F64); break;
    case CM_STRING:
        flat_push(&s, VM_I32);
        flat_push(&s, VM_I32);
        flags = CM_HAS_STRING;
        break;
    case CM_OWN: flat_push(&s, VM_I32); flags = CM_HAS_OWN; break;
    case CM_BORROW: flat_push(&s, VM_I32); flags = CM_HAS_BORROW; break;
    case CM_FLAGS:
        for (uint32_t i = 0; i < (n->nfields + 31) / 32 && s.n <= CM_MAX_FLAT; i++)
            flat_push(&s, VM_I32);
        break;
    case CM_RECORD: case CM_TUPLE:
        for (uint32_t i = 0; i < n->nfields; i++) {
            const cm_type *c = &t->nodes[n->fields[i].type];
            flat_append(&s, c);
            flags |= c->flags;
        }
        break;
    case CM_LIST: {
        const cm_type *c = &t->nodes[n->elem];
        flags = c->flags;
        if (n->length == 0) {
            flat_push(&s, VM_I32);
            flat_push(&s, VM_I32);
            flags |= CM_HAS_LIST;
        } else {
            for (uint32_t i = 0; i < n->length && s.n <= CM_MAX_FLAT; i++)
                flat_append(&s, c);
        }
        break;
    }
    case CM_VARIANT: case CM_OPTION: case CM_RESULT: {
        /* The discriminant, then the cases' payloads joined. */
        cm_typeid two[2] = { n->elem, n->kind == CM_RESULT ? n->err : CM_NO_TYPE };
        uint32_t ncases = n->kind == CM_VARIANT ? n->nfields : 2;
        flat_seq payload = { 0 };
        for (uint32_t i = 0; i < ncases; i++) {
            cm_typeid ct = n->kind == CM_VARIANT ? n->fields[i].type : two[i];
            if (ct == CM_NO_TYPE)
                continue;
            flags |= t->nodes[ct].flags;
            join_payload(&payload, &t->nodes[ct]);
        }
        flat_push(&s, VM_I32);
        for (unsigned j = 0; j < payload.n; j++)
            flat_push(&s, j < CM_MAX_FLAT ? (vm_valtype)payload.v[j] : VM_I32);
        break;
    }
    default:
        break;   /* not a value type */
    }
    n->nflat = s.n;
    memcpy(n->flat, s.v, sizeof n->flat);
    n->flags = flags;
    cm_layout_compute(t, n);
    layout64(t, n);
}

cm_typeid cm_type_add(cm_types *t, const cm_type *node)
{
    if (t->count == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 64;
        if (cap > UINT32_MAX / 2 / sizeof(cm_type))
            return CM_NO_TYPE;
        cm_type *p = realloc(t->nodes, (size_t)cap * sizeof *p);
        if (p == NULL)
            return CM_NO_TYPE;
        t->nodes = p;
        t->cap = cap;
    }
    cm_type *n = &t->nodes[t->count];
    *n = *node;
    compute_facts(t, n);
    return t->count++;
}

/* Appends the flattening of a value-type list (params or results) to *out. */
static void flat_list(const cm_types *t, const cm_field *fields, uint32_t n, flat_seq *out)
{
    for (uint32_t i = 0; i < n; i++)
        flat_append(out, &t->nodes[fields[i].type]);
}

cm_typeid cm_flatten_func(cm_types *t, cm_typeid func, bool lift)
{
    const cm_type *f = &t->nodes[func];
    flat_seq params = { 0 }, results = { 0 };
    flat_list(t, f->fields, f->nfields, &params);
    if (f->elem != CM_NO_TYPE)
        flat_append(&results, &t->nodes[f->elem]);
    vm_valtype *p = cm_alloc(t, (CM_MAX_FLAT + 1) * sizeof *p);
    vm_valtype *r = cm_alloc(t, 2 * sizeof *r);
    if (p == NULL || r == NULL)
        return CM_NO_TYPE;
    cm_type n = { .kind = CM_CORE_FUNC, .elem = CM_NO_TYPE, .err = CM_NO_TYPE, .dtor = CM_NONE,
                  .params = p, .results = r };
    if (params.n > CM_MAX_FLAT) {
        p[n.nparams++] = VM_I32;
    } else {
        for (unsigned i = 0; i < params.n; i++)
            p[n.nparams++] = (vm_valtype)params.v[i];
    }
    if (results.n > 1) {   /* MAX_FLAT_RESULTS */
        if (lift)
            r[n.nresults++] = VM_I32;
        else
            p[n.nparams++] = VM_I32;
    } else if (results.n == 1) {
        r[n.nresults++] = (vm_valtype)results.v[0];
    }
    return cm_type_add(t, &n);
}

bool cm_core_func_equal(const cm_types *t, cm_typeid a, cm_typeid b)
{
    const cm_type *x = &t->nodes[a], *y = &t->nodes[b];
    if (x->nparams != y->nparams || x->nresults != y->nresults)
        return false;
    for (uint32_t i = 0; i < x->nparams; i++)
        if (x->params[i] != y->params[i])
            return false;
    for (uint32_t i = 0; i < x->nresults; i++)
        if (x->results[i] != y->results[i])
            return false;
    return true;
}

/* ---- printing ---- */

static void print(const cm_types *t, cm_typeid id, const char *const *names, FILE *out, int depth,
                  bool top);

static void print_fields(const cm_types *t, const cm_type *n, const char *const *names, FILE *out,
                         int depth, bool with_types)
{
    for (uint32_t i = 0; i < n->nfields; i++) {
        if (i)
            fputs(", ", out);
        if (n->fields[i].label)
            fputs(n->fields[i].label, out);
        if (with_types && n->fields[i].type != CM_NO_TYPE) {
            fputs(n->kind == CM_VARIANT ? "(" : n->fields[i].label ? ": " : "", out);
            print(t, n->fields[i].type, names, out, depth + 1, false);
            if (n->kind == CM_VARIANT)
                fputc(')', out);
        }
    }
}

static void print(const cm_types *t, cm_typeid id, const char *const *names, FILE *out, int depth,
                  bool top)
{
    static const char *const prim[CM_NPRIMITIVES] = {
        "bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64", "f32", "f64", "char", "string",
    };
    if (id == CM_NO_TYPE || id >= t->count) {
        fputs("?", out);
        return;
    }
    if (depth > 32) {
        fputs("...", out);
        return;
    }
    const cm_type *n = &t->nodes[id];
    if (n->kind < CM_NPRIMITIVES) {
        fputs(prim[n->kind], out);
        return;
    }
    if (!top && names != NULL && names[id] != NULL) {
        fputs(names[id], out);
        return;
    }
    switch (n->kind) {
    case CM_RECORD: fputs("record { ", out); print_fields(t, n, names, out, depth, true); fputs(" }", out); break;
    case CM_VARIANT: fputs("variant { ", out); print_fields(t, n, names, out, depth, true); fputs(" }", out); break;
    case CM_FLAGS: fputs("flags { ", out); print_fields(t, n, names, out, depth, false); fputs(" }", out); break;
    case CM_ENUM: fputs("enum { ", out); print_fields(t, n, names, out, depth, false); fputs(" }", out); break;
    case CM_TUPLE: fputs("tuple<", out); print_fields(t, n, names, out, depth, true); fputc('>', out); break;
    case CM_LIST:
        fputs("list<", out);
        print(t, n->elem, names, out, depth + 1, false);
        if (n->length)
            fprintf(out, ", %u", n->length);
        fputc('>', out);
        break;
    case CM_OPTION: fputs("option<", out); print(t, n->elem, names, out, depth + 1, false); fputc('>', out); break;
    case CM_RESULT:
        fputs("result", out);
        if (n->elem != CM_NO_TYPE || n->err != CM_NO_TYPE) {
            fputc('<', out);
            if (n->elem != CM_NO_TYPE)
                print(t, n->elem, names, out, depth + 1, false);
            else
                fputc('_', out);
            if (n->err != CM_NO_TYPE) {
                fputs(", ", out);
                print(t, n->err, names, out, depth + 1, false);
            }
            fputc('>', out);
        }
        break;
    case CM_OWN: print(t, n->elem, names, out, depth + 1, false); break;
    case CM_BORROW: fputs("borrow<", out); print(t, n->elem, names, out, depth + 1, false); fputc('>', out); break;
    case CM_RESOURCE: fputs("resource", out); break;
    case CM_FUNC:
        fputs("func(", out);
        print_fields(t, n, names, out, depth, true);
        fputc(')', out);
        if (n->elem != CM_NO_TYPE) {
            fputs(" -> ", out);
            print(t, n->elem, names, out, depth + 1, false);
        }
        break;
    case CM_COMPONENT: fprintf(out, "component { %u imports, %u exports }", n->nimports, n->nexports); break;
    case CM_INSTANCE: fprintf(out, "instance { %u exports }", n->nexports); break;
    case CM_CORE_MODULE: fprintf(out, "core module { %u imports, %u exports }", n->nimports, n->nexports); break;
    case CM_CORE_INSTANCE: fprintf(out, "core instance { %u exports }", n->nexports); break;
    case CM_CORE_TABLE: fprintf(out, "core table %s", vm_valtype_name(n->core.type)); break;
    case CM_CORE_MEMORY: fputs("core memory", out); break;
    case CM_CORE_GLOBAL:
        fprintf(out, "core global %s%s", n->core.mutable_ ? "mut " : "", vm_valtype_name(n->core.type));
        break;
    case CM_CORE_FUNC:
        fputs("core func(", out);
        for (uint32_t i = 0; i < n->nparams; i++)
            fprintf(out, "%s%s", i ? " " : "", vm_valtype_name(n->params[i]));
        fputs(") -> (", out);
        for (uint32_t i = 0; i < n->nresults; i++)
            fprintf(out, "%s%s", i ? " " : "", vm_valtype_name(n->results[i]));
        fputc(')', out);
        break;
    default: fputs("?", out); break;
    }
}

void cm_type_print(const cm_types *t, cm_typeid id, const char *const *names, FILE *out)
{
    print(t, id, names, out, 0, true);
}
