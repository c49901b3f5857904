/* instance.c — instantiation (Wasm 2.0 semantics): imports resolved and
 * checked, functions, tables, memories and globals created, element and
 * data segments applied in order (a trap keeps what was written before it),
 * the start function run; constant expressions evaluated (their
 * instructions read with const_expr.h, the extended-const proposal's
 * arithmetic wrapping); exports by name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/const_expr.h"
#include "vm/runtime.h"

/* Evaluates a validated constant expression of an instance (global
 * initialisers, segment offsets and items) into slot bits: out[0], and
 * out[1] too when the value is a v128. */
static bool vm_eval_const128(const vm_instance *inst, const vm_expr *e, uint64_t out[2])
{
    const vm_module *m = inst->module;
    out[1] = 0;
    if (e->form == VM_EXPR_FUNC_INDEX) {
        out[0] = (uint64_t)(uintptr_t)inst->funcs[e->func_index];
        return true;
    }
    /* Validated already: constants, references, imported globals and the
     * extended-const arithmetic, never more than VM_MAX_CONST_DEPTH
     * operands at once, one value at the end. The checks below only keep
     * a broken module from reading out of bounds. Each operand has two
     * words: a v128's halves, or a scalar's slot bits and 0. */
    vm_error err = { 0 };
    vm_reader r = vm_const_expr_reader(m, e, &err);
    uint64_t stack[VM_MAX_CONST_DEPTH][2];
    uint32_t depth = 0;
    for (;;) {
        vm_const_instr op;
        uint64_t v[2] = { 0, 0 };   /* what the instruction pushes */
        if (!vm_const_instr_read(&r, &op))
            return false;
        if (op.kind == VM_CONST_END)
            break;
        switch (op.kind) {
        case VM_CONST_PUSH_VALUE:
            v[0] = op.value[0];
            v[1] = op.value[1];
            break;
        case VM_CONST_PUSH_NULL:   /* the null reference */
            break;
        case VM_CONST_PUSH_FUNC:
            v[0] = (uint64_t)(uintptr_t)inst->funcs[op.index];
            break;
        case VM_CONST_PUSH_GLOBAL:
            v[0] = inst->globals[op.index]->value[0];
            v[1] = inst->globals[op.index]->value[1];
            break;
        case VM_CONST_ARITH:
            if (depth < 2)
                return false;
            depth -= 2;
            v[0] = vm_const_arith(&op, stack[depth][0], stack[depth + 1][0]);
            break;
        default:   /* VM_CONST_NOT_CONSTANT */
            return false;
        }
        if (depth == VM_MAX_CONST_DEPTH)
            return false;
        stack[depth][0] = v[0];
        stack[depth][1] = v[1];
        depth++;
    }
    if (depth != 1)
        return false;
    out[0] = stack[0][0];
    out[1] = stack[0][1];
    return true;
}

/* The same for a value that fills one slot. */
static bool vm_eval_const(const vm_instance *inst, const vm_expr *e, uint64_t *out)
{
    uint64_t both[2];
    if (!vm_eval_const128(inst, e, both))
        return false;
    *out = both[0];
    return true;
}

static bool fail(vm_error *err, vm_error_kind kind, const char *message)
{
    err->kind = kind;
    snprintf(err->message, sizeof err->message, "%s", message);
    return false;
}

/* The module's own functions, one block for all of them (freed with the
 * instance: free_instance in store.c). */
static bool new_wasm_funcs(vm_instance *inst)
{
    const vm_module *m = inst->module;
    uint32_t n = m->nfuncs - m->nimported_funcs;
    if (n == 0)
        return true;
    if ((inst->own_funcs = calloc(n, sizeof *inst->own_funcs)) == NULL)
        return false;
    for (uint32_t i = m->nimported_funcs; i < m->nfuncs; i++) {
        vm_func *f = &inst->own_funcs[i - m->nimported_funcs];
        const vm_functype *t = &m->types[m->func_type[i]];
        f->sig = vm_signature_of(t);
        f->type_hash = t->hash;
        f->instance = inst;
        f->index = i;
        f->code = m->funcs[i - m->nimported_funcs].code;
        inst->funcs[i] = f;
    }
    return true;
}

static bool resolve_imports(vm_instance *inst, const vm_linker *l, vm_error *err)
{
    const vm_module *m = inst->module;
    uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const vm_import *imp = &m->imports[i];
        void *object;
        if (!vm_linker_resolve(l, inst->store, m, imp, &object, err))
            return false;
        switch (imp->kind) {
        case VM_EXTERN_FUNC: inst->funcs[nf++] = object; break;
        case VM_EXTERN_TABLE: inst->tables[nt++] = object; break;
        case VM_EXTERN_MEMORY: inst->memories[nm++] = object; break;
        case VM_EXTERN_GLOBAL: inst->globals[ng++] = object; break;
        }
    }
    return true;
}

static bool create_definitions(vm_instance *inst, vm_error *err)
{
    const vm_module *m = inst->module;
    vm_store *s = inst->store;
    if (!new_wasm_funcs(inst))
        return fail(err, VM_ERR_NOMEM, "out of memory");
    for (uint32_t i = m->nimported_tables; i < m->ntables; i++) {
        const vm_tabletype *t = &m->tables[i];
        if (t->limits.min > s->config.max_table_elements)
            return fail(err, VM_ERR_LIMIT, "table size exceeds the limit");
        inst->tables[i] = vm_table_new(s, t->elem, t->limits.min, t->limits.max, t->limits.has_max);
        if (inst->tables[i] == NULL)
            return fail(err, VM_ERR_NOMEM, "out of memory");
    }
    for (uint32_t i = m->nimported_memories; i < m->nmemories; i++) {
        const vm_memtype *t = &m->memories[i];
        if (t->limits.min > s->config.max_memory_pages)
            return fail(err, VM_ERR_LIMIT, "memory size exceeds the limit");
        inst->memories[i] = vm_memory_new(s, t->limits.min, t->limits.max, t->limits.has_max);
        if (inst->memories[i] == NULL)
            return fail(err, VM_ERR_NOMEM, "out of memory");
    }
    for (uint32_t i = m->nimported_globals; i < m->nglobals; i++) {
        const vm_global_def *g = &m->globals[i - m->nimported_globals];
        uint64_t bits[2] = { 0, 0 };
        if (!vm_eval_const128(inst, &g->init, bits))
            return fail(err, VM_ERR_INVALID, "bad constant expression");
        vm_value v;
        vm_value_from_slots(g->type.type, bits, &v);
        if ((inst->globals[i] = vm_global_new(s, v, g->type.mutable_)) == NULL)
            return fail(err, VM_ERR_NOMEM, "out of memory");
    }
    /* Element segments become lists of references now. */
    for (uint32_t i = 0; i < m->nelems; i++) {
        const vm_elem_segment *seg = &m->elems[i];
        inst->elem_items[i] = malloc((seg->count ? seg->count : 1) * sizeof **inst->elem_items);
        if (inst->elem_items[i] == NULL)
            return fail(err, VM_ERR_NOMEM, "out of memory");
        for (uint32_t k = 0; k < seg->count; k++)
            if (!vm_eval_const(inst, &seg->items[k], &inst->elem_items[i][k]))
                return fail(err, VM_ERR_INVALID, "bad constant expression");
        inst->elem_counts[i] = seg->mode == VM_SEGMENT_PASSIVE ? seg->count : 0;
    }
    return true;
}

/* Active segments, in order; a trap leaves earlier writes in place. */
static bool apply_segments(vm_instance *inst, vm_error *err)
{
    const vm_module *m = inst->module;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const vm_elem_segment *seg = &m->elems[i];
        if (seg->mode != VM_SEGMENT_ACTIVE)
            continue;
        uint64_t offset;
        vm_table *t = inst->tables[seg->table];
        if (!vm_eval_const(inst, &seg->offset, &offset))
            return fail(err, VM_ERR_INVALID, "bad constant expression");
        if ((uint64_t)(uint32_t)offset + seg->count > t->size)
            return fail(err, VM_ERR_TRAP, vm_trap_text(VM_TRAP_TABLE_OUT_OF_BOUNDS));
        if (seg->count)
            memcpy(t->elems + (uint32_t)offset, inst->elem_items[i], seg->count * sizeof *t->elems);
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const vm_data_segment *d = &m->datas[i];
        if (d->mode != VM_SEGMENT_ACTIVE)
            continue;
        uint64_t offset;
        vm_memory *mem = inst->memories[d->memory];
        if (!vm_eval_const(inst, &d->offset, &offset))
            return fail(err, VM_ERR_INVALID, "bad constant expression");
        if ((uint64_t)(uint32_t)offset + d->size > mem->size)
            return fail(err, VM_ERR_TRAP, vm_trap_text(VM_TRAP_MEMORY_OUT_OF_BOUNDS));
        if (d->size)
            memcpy(mem->data + (uint32_t)offset, m->bytes + d->data_offset, d->size);
        inst->data_dropped[i] = true;
    }
    return true;
}

vm_func *vm_instance_start(const vm_instance *inst)
{
    const vm_module *m = inst->module;
    return m->has_start ? inst->funcs[m->start] : NULL;
}

static bool run_start(vm_instance *inst, vm_error *err)
{
    const vm_module *m = inst->module;
    if (!m->has_start || inst->store->config.defer_start)
        return true;
    vm_thread *t = vm_thread_new(inst->store);
    if (t == NULL)
        return fail(err, VM_ERR_NOMEM, "out of memory");
    vm_status st = vm_call(t, inst->funcs[m->start], NULL, 0, NULL, 0);
    if (st != VM_DONE) {
        err->kind = VM_ERR_TRAP;
        snprintf(err->message, sizeof err->message, "%s", vm_thread_trap(t)->message);
    }
    vm_thread_free(t);
    return st == VM_DONE;
}

vm_instance *vm_instantiate(vm_store *s, const vm_module *m, const vm_linker *l, vm_error *err)
{
    memset(err, 0, sizeof *err);
    vm_instance *inst = calloc(1, sizeof *inst);
    if (inst == NULL) {
        fail(err, VM_ERR_NOMEM, "out of memory");
        return NULL;
    }
    inst->module = m;
    inst->store = s;
    inst->funcs = calloc(m->nfuncs ? m->nfuncs : 1, sizeof *inst->funcs);
    inst->tables = calloc(m->ntables ? m->ntables : 1, sizeof *inst->tables);
    inst->memories = calloc(m->nmemories ? m->nmemories : 1, sizeof *inst->memories);
    inst->globals = calloc(m->nglobals ? m->nglobals : 1, sizeof *inst->globals);
    inst->elem_items = calloc(m->nelems ? m->nelems : 1, sizeof *inst->elem_items);
    inst->elem_counts = calloc(m->nelems ? m->nelems : 1, sizeof *inst->elem_counts);
    inst->data_dropped = calloc(m->ndatas ? m->ndatas : 1, sizeof *inst->data_dropped);
    bool ok = inst->funcs && inst->tables && inst->memories && inst->globals && inst->elem_items &&
              inst->elem_counts && inst->data_dropped;
    if (!ok || !vm_store_own(s, OWN_INSTANCE, inst)) {
        free(inst->funcs);
        free(inst->tables);
        free(inst->memories);
        free(inst->globals);
        free(inst->elem_items);
        free(inst->elem_counts);
        free(inst->data_dropped);
        free(inst);
        fail(err, VM_ERR_NOMEM, "out of memory");
        return NULL;
    }
    /* From here the store owns the instance, also when a step fails: its
     * functions may already sit in imported tables. */
    if (!resolve_imports(inst, l, err) || !create_definitions(inst, err) ||
        !apply_segments(inst, err) || !run_start(inst, err))
        return NULL;
    return inst;
}

/* ---- exports ---- */

void *vm_instance_export(const vm_instance *inst, const char *name, size_t len, vm_externkind kind)
{
    const vm_module *m = inst->module;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const vm_export *e = &m->exports[i];
        if (e->kind != kind || e->name_len != len || memcmp(e->name, name, len))
            continue;
        switch (kind) {
        case VM_EXTERN_FUNC: return inst->funcs[e->index];
        case VM_EXTERN_TABLE: return inst->tables[e->index];
        case VM_EXTERN_MEMORY: return inst->memories[e->index];
        case VM_EXTERN_GLOBAL: return inst->globals[e->index];
        }
    }
    return NULL;
}

#define EXPORT_BY_C_NAME(FN, TYPE, KIND) \
    TYPE *FN(const vm_instance *inst, const char *name) \
    { return vm_instance_export(inst, name, strlen(name), KIND); }
EXPORT_BY_C_NAME(vm_instance_func, vm_func, VM_EXTERN_FUNC)
EXPORT_BY_C_NAME(vm_instance_table, vm_table, VM_EXTERN_TABLE)
EXPORT_BY_C_NAME(vm_instance_memory, vm_memory, VM_EXTERN_MEMORY)
EXPORT_BY_C_NAME(vm_instance_global, vm_global, VM_EXTERN_GLOBAL)
#undef EXPORT_BY_C_NAME
const vm_module *vm_instance_module(const vm_instance *inst) { return inst->module; }

/* ---- module queries ---- */

uint32_t vm_module_import_count(const vm_module *m) { return m->nimports; }
uint32_t vm_module_export_count(const vm_module *m) { return m->nexports; }

void vm_module_import(const vm_module *m, uint32_t i, const char **module, const char **name,
                      vm_externkind *kind)
{
    *module = m->imports[i].module;
    *name = m->imports[i].name;
    *kind = m->imports[i].kind;
}

void vm_module_export(const vm_module *m, uint32_t i, const char **name, vm_externkind *kind)
{
    *name = m->exports[i].name;
    *kind = m->exports[i].kind;
}

bool vm_module_export_signature(const vm_module *m, const char *name, vm_signature *sig)
{
    size_t len = strlen(name);
    for (uint32_t i = 0; i < m->nexports; i++) {
        const vm_export *e = &m->exports[i];
        if (e->kind == VM_EXTERN_FUNC && e->name_len == len && !memcmp(e->name, name, len)) {
            *sig = vm_signature_of(&m->types[m->func_type[e->index]]);
            return true;
        }
    }
    return false;
}

/* The type of a table, memory or global into *out. */
static bool extern_type(vm_externkind kind, const vm_tabletype *table, const vm_memtype *memory,
                        const vm_globaltype *global, vm_externtype *out)
{
    const vm_limits *l = NULL;
    *out = (vm_externtype){ 0 };
    switch (kind) {
    case VM_EXTERN_TABLE:
        out->type = table->elem;
        l = &table->limits;
        break;
    case VM_EXTERN_MEMORY:
        l = &memory->limits;
        break;
    case VM_EXTERN_GLOBAL:
        out->type = global->type;
        out->mutable_ = global->mutable_;
        return true;
    default:
        return false;
    }
    out->min = l->min;
    out->max = l->max;
    out->has_max = l->has_max;
    return true;
}

bool vm_module_import_type(const vm_module *m, uint32_t i, vm_externtype *out)
{
    if (i >= m->nimports)
        return false;
    const vm_import *im = &m->imports[i];
    return extern_type(im->kind, &im->as.table, &im->as.memory, &im->as.global, out);
}

bool vm_module_export_type(const vm_module *m, uint32_t i, vm_externtype *out)
{
    if (i >= m->nexports)
        return false;
    const vm_export *e = &m->exports[i];
    switch (e->kind) {
    case VM_EXTERN_TABLE: return extern_type(e->kind, &m->tables[e->index], NULL, NULL, out);
    case VM_EXTERN_MEMORY: return extern_type(e->kind, NULL, &m->memories[e->index], NULL, out);
    case VM_EXTERN_GLOBAL: return extern_type(e->kind, NULL, NULL, &m->global_types[e->index], out);
    default: return false;
    }
}

bool vm_module_import_signature(const vm_module *m, uint32_t i, vm_signature *sig)
{
    if (i >= m->nimports || m->imports[i].kind != VM_EXTERN_FUNC)
        return false;
    *sig = vm_signature_of(&m->types[m->imports[i].as.type_index]);
    return true;
}
