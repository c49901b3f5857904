/* store.c — stores and the objects they own: memories, tables, globals,
 * host functions; the accessors of vm.h for them; and signatures. */
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "vm/runtime.h"
#include "vm/simd_lanes.h"

#define PAGE 65536u

static const vm_config defaults = {
    .max_memory_pages = VM_MAX_PAGES,
    .max_table_elements = 10000000u,
    .max_call_depth = 100000u,
    .max_stack_bytes = (size_t)256 << 20,
};

vm_store *vm_store_new(const vm_config *cfg)
{
    vm_store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->config = defaults;
    if (cfg != NULL) {
        if (cfg->max_memory_pages && cfg->max_memory_pages < VM_MAX_PAGES)
            s->config.max_memory_pages = cfg->max_memory_pages;
        if (cfg->max_table_elements)
            s->config.max_table_elements = cfg->max_table_elements;
        if (cfg->max_call_depth)
            s->config.max_call_depth = cfg->max_call_depth;
        if (cfg->max_stack_bytes)
            s->config.max_stack_bytes = cfg->max_stack_bytes;
        s->config.defer_start = cfg->defer_start;
    }
    return s;
}

bool vm_store_own(vm_store *s, int kind, void *object)
{
    vm_owned *o = malloc(sizeof *o);
    if (o == NULL)
        return false;
    o->kind = kind;
    o->object = object;
    o->next = s->owned;
    s->owned = o;
    return true;
}

static void memory_release(vm_memory *m);

static void free_instance(vm_instance *inst)
{
    const vm_module *m = inst->module;
    for (uint32_t i = 0; inst->elem_items && i < m->nelems; i++)
        free(inst->elem_items[i]);
    free(inst->elem_items);
    free(inst->elem_counts);
    free(inst->data_dropped);
    free(inst->funcs);
    free(inst->own_funcs);
    free(inst->tables);
    free(inst->memories);
    free(inst->globals);
    free(inst);
}

void vm_store_free(vm_store *s)
{
    if (s == NULL)
        return;
    for (vm_owned *o = s->owned, *next; o != NULL; o = next) {
        next = o->next;
        switch (o->kind) {
        case OWN_INSTANCE: free_instance(o->object); break;
        case OWN_FUNC: free(((vm_func *)o->object)->owned_types); free(o->object); break;
        case OWN_MEMORY: memory_release(o->object); free(o->object); break;
        case OWN_TABLE: free(((vm_table *)o->object)->elems); free(o->object); break;
        default: free(o->object); break;
        }
        free(o);
    }
    free(s);
}

/* ---- memories ----
 *
 * A memory of one page is malloc'd (calloc: fast to make and free, as
 * short-lived instances want). A larger one is, on Linux, its own
 * anonymous mapping: the kernel hands out its zero pages lazily, so an
 * instance costs resident memory only for the pages its guest touches
 * (thousands of processes with mostly unused memories stay small), and
 * growing is mremap() with no copy or memset. A malloc'd memory that grows
 * past one page moves into a mapping. A released mapping goes to a
 * bounded pool (memory_pool.c), reset, for the next memory of its size. */

#define MALLOC_MAX PAGE   /* bytes up to which a memory is malloc'd */

/* Allocates size (> 0) zeroed bytes for m. */
static bool memory_alloc(vm_memory *m, uint64_t size)
{
#ifdef __linux__
    if (size > MALLOC_MAX) {
        if ((m->data = vm_memory_pool_take(size)) != NULL) {
            m->mapped = true;
            return true;
        }
        void *p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        m->data = p == MAP_FAILED ? NULL : p;
        m->mapped = m->data != NULL;
        return m->data != NULL;
    }
#endif
    m->data = calloc(1, (size_t)size);
    m->mapped = false;
    return m->data != NULL;
}

/* Resizes m's bytes from m->size to size (larger), the new bytes zero. */
static bool memory_resize(vm_memory *m, uint64_t size)
{
    if (m->data == NULL)
        return memory_alloc(m, size);
#ifdef __linux__
    if (m->mapped) {
        void *p = mremap(m->data, (size_t)m->size, (size_t)size, MREMAP_MAYMOVE);
        if (p == MAP_FAILED)
            return false;
        m->data = p;
        return true;
    }
    if (size > MALLOC_MAX) {
        vm_memory moved = *m;
        if (!memory_alloc(&moved, size))
            return false;
        memcpy(moved.data, m->data, (size_t)m->size);
        free(m->data);
        m->data = moved.data;
        m->mapped = true;
        return true;
    }
#endif
    uint8_t *p = realloc(m->data, (size_t)size);
    if (p == NULL)
        return false;
    memset(p + m->size, 0, (size_t)(size - m->size));
    m->data = p;
    return true;
}

static void memory_release(vm_memory *m)
{
#ifdef __linux__
    if (m->mapped) {
        if (!vm_memory_pool_give(m->data, m->size))
            munmap(m->data, (size_t)m->size);
        m->data = NULL;
        return;
    }
#endif
    free(m->data);
    m->data = NULL;
}

vm_memory *vm_memory_new(vm_store *s, uint32_t min, uint32_t max, bool has_max)
{
    uint32_t limit = s->config.max_memory_pages;
    if (min > limit)
        return NULL;
    vm_memory *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->max_pages = has_max && max < limit ? max : limit;
    m->has_max = has_max;
    if (min > 0 && !memory_alloc(m, (uint64_t)min * PAGE)) {
        free(m);
        return NULL;
    }
    m->pages = min;
    m->size = (uint64_t)min * PAGE;
    if (!vm_store_own(s, OWN_MEMORY, m)) {
        memory_release(m);
        free(m);
        return NULL;
    }
    return m;
}

int64_t vm_memory_grow(vm_memory *m, uint32_t delta)
{
    uint32_t old = m->pages;
    if (delta == 0)
        return old;
    if (delta > m->max_pages - old)
        return -1;
    uint64_t size = (uint64_t)(old + delta) * PAGE;
    if (size > SIZE_MAX)
        return -1;
    if (!memory_resize(m, size))
        return -1;
    m->pages = old + delta;
    m->size = size;
    return old;
}

uint64_t vm_memory_size(const vm_memory *m) { return m->size; }
uint8_t *vm_memory_data(vm_memory *m) { return m->data; }

bool vm_memory_read(const vm_memory *m, uint64_t offset, void *out, size_t len)
{
    if (offset > m->size || len > m->size - offset)
        return false;
    if (len)
        memcpy(out, m->data + offset, len);
    return true;
}

bool vm_memory_write(vm_memory *m, uint64_t offset, const void *in, size_t len)
{
    if (offset > m->size || len > m->size - offset)
        return false;
    if (len)
        memcpy(m->data + offset, in, len);
    return true;
}

/* ---- tables ---- */

vm_table *vm_table_new(vm_store *s, vm_valtype elem, uint32_t min, uint32_t max, bool has_max)
{
    uint32_t limit = s->config.max_table_elements;
    if (min > limit)
        return NULL;
    vm_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->elem = elem;
    t->max = has_max && max < limit ? max : limit;
    t->has_max = has_max;
    if (min > 0 && (t->elems = calloc(min, sizeof *t->elems)) == NULL) {
        free(t);
        return NULL;
    }
    t->size = min;
    if (!vm_store_own(s, OWN_TABLE, t)) {
        free(t->elems);
        free(t);
        return NULL;
    }
    return t;
}

/* Grows by delta elements set to init; returns the old size or -1. */
int64_t vm_table_grow(vm_table *t, uint32_t delta, uint64_t init)
{
    uint32_t old = t->size;
    if (delta > t->max - old)
        return -1;
    if (delta == 0)
        return old;
    uint64_t *p = realloc(t->elems, ((size_t)old + delta) * sizeof *p);
    if (p == NULL)
        return -1;
    for (uint32_t i = old; i < old + delta; i++)
        p[i] = init;
    t->elems = p;
    t->size = old + delta;
    return old;
}

uint32_t vm_table_size(const vm_table *t) { return t->size; }

bool vm_table_get(const vm_table *t, uint32_t i, vm_value *out)
{
    if (i >= t->size)
        return false;
    out->type = t->elem;
    if (t->elem == VM_FUNCREF)
        out->of.func = (vm_func *)(uintptr_t)t->elems[i];
    else
        out->of.ref = (void *)(uintptr_t)t->elems[i];
    return true;
}

/* ---- globals ---- */

/* A value as slot bits (one slot: never a v128). */
static uint64_t vm_value_bits(const vm_value *v)
{
    switch (v->type) {
    case VM_I32: return v->of.i32;
    case VM_F32: return v->of.f32;
    case VM_I64: return v->of.i64;
    case VM_F64: return v->of.f64;
    case VM_FUNCREF: return (uint64_t)(uintptr_t)v->of.func;
    case VM_EXTERNREF: return (uint64_t)(uintptr_t)v->of.ref;
    default: return 0;
    }
}

vm_value vm_value_from_bits(vm_valtype type, uint64_t bits)
{
    vm_value v;
    memset(&v, 0, sizeof v);
    v.type = type;
    switch (type) {
    case VM_I32: v.of.i32 = (uint32_t)bits; break;
    case VM_F32: v.of.f32 = (uint32_t)bits; break;
    case VM_I64: v.of.i64 = bits; break;
    case VM_F64: v.of.f64 = bits; break;
    case VM_FUNCREF: v.of.func = (vm_func *)(uintptr_t)bits; break;
    case VM_EXTERNREF: v.of.ref = (void *)(uintptr_t)bits; break;
    default: break;
    }
    return v;
}

uint32_t vm_value_to_slots(const vm_value *v, uint64_t *slots)
{
    if (v->type != VM_V128) {
        slots[0] = vm_value_bits(v);
        return 1;
    }
    vm_v128 x;
    memcpy(x.bytes, v->of.v128, 16);
    slots[0] = vm_v128_lo(x);
    slots[1] = vm_v128_hi(x);
    return 2;
}

uint32_t vm_value_from_slots(vm_valtype type, const uint64_t *slots, vm_value *out)
{
    if (type != VM_V128) {
        *out = vm_value_from_bits(type, slots[0]);
        return 1;
    }
    memset(out, 0, sizeof *out);
    out->type = VM_V128;
    vm_v128 x = vm_v128_from_halves(slots[0], slots[1]);
    memcpy(out->of.v128, x.bytes, 16);
    return 2;
}

vm_global *vm_global_new(vm_store *s, vm_value init, bool mutable_)
{
    vm_global *g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    g->type = init.type;
    g->mutable_ = mutable_;
    vm_value_to_slots(&init, g->value);
    if (!vm_store_own(s, OWN_GLOBAL, g)) {
        free(g);
        return NULL;
    }
    return g;
}

vm_value vm_global_get(const vm_global *g)
{
    vm_value v;
    vm_value_from_slots(g->type, g->value, &v);
    return v;
}

vm_valtype vm_global_type(const vm_global *g, bool *mutable_)
{
    if (mutable_)
        *mutable_ = g->mutable_;
    return g->type;
}

bool vm_global_set(vm_global *g, vm_value v)
{
    if (!g->mutable_ || v.type != g->type)
        return false;
    vm_value_to_slots(&v, g->value);
    return true;
}

/* ---- functions and signatures ---- */

/* Structural hash of a signature, equal to vm_functype.hash for equal types. */
static uint64_t vm_signature_hash(const vm_signature *sig)
{
    uint64_t h = 14695981039346656037u;
    h = (h ^ sig->nparams) * 1099511628211u;
    for (uint32_t i = 0; i < sig->nparams; i++)
        h = (h ^ (uint8_t)sig->params[i]) * 1099511628211u;
    h = (h ^ (0x100 | sig->nresults)) * 1099511628211u;
    for (uint32_t i = 0; i < sig->nresults; i++)
        h = (h ^ (uint8_t)sig->results[i]) * 1099511628211u;
    return h;
}

bool vm_signature_equal(const vm_signature *a, const vm_signature *b)
{
    if (a->nparams != b->nparams || a->nresults != b->nresults)
        return false;
    for (uint32_t i = 0; i < a->nparams; i++)
        if (a->params[i] != b->params[i])
            return false;
    for (uint32_t i = 0; i < a->nresults; i++)
        if (a->results[i] != b->results[i])
            return false;
    return true;
}

void vm_signature_copy_types(vm_valtype *types, const vm_signature *sig)
{
    for (uint32_t i = 0; i < sig->nparams; i++)
        types[i] = sig->params[i];
    for (uint32_t i = 0; i < sig->nresults; i++)
        types[sig->nparams + i] = sig->results[i];
}

vm_signature vm_signature_of(const vm_functype *t)
{
    vm_signature s = { t->nparams, t->nresults, t->params, t->results };
    return s;
}

vm_func *vm_func_new_host(vm_store *s, const vm_signature *sig, vm_host_fn fn, void *user)
{
    vm_func *f = calloc(1, sizeof *f);
    size_t n = (size_t)sig->nparams + sig->nresults;
    vm_valtype *types = malloc(n ? n * sizeof *types : 1);
    if (f == NULL || types == NULL) {
        free(f);
        free(types);
        return NULL;
    }
    vm_signature_copy_types(types, sig);
    f->owned_types = types;
    f->sig = (vm_signature){ sig->nparams, sig->nresults, types, types + sig->nparams };
    f->type_hash = vm_signature_hash(&f->sig);
    f->host = fn;
    f->user = user;
    if (!vm_store_own(s, OWN_FUNC, f)) {
        free(types);
        free(f);
        return NULL;
    }
    return f;
}

void vm_func_signature(const vm_func *f, vm_signature *sig) { *sig = f->sig; }

const char *vm_valtype_name(vm_valtype t)
{
    switch (t) {
    case VM_I32: return "i32";
    case VM_I64: return "i64";
    case VM_F32: return "f32";
    case VM_F64: return "f64";
    case VM_V128: return "v128";
    case VM_FUNCREF: return "funcref";
    case VM_EXTERNREF: return "externref";
    }
    return "?";
}
