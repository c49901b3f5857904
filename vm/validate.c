/* validate.c — the module-level rules of validation (limits, constant
 * expressions with the extended-const proposal's arithmetic, segments,
 * exports, start, the set of functions ref.func may name), then every
 * function body through the translator; and vm_module_load() /
 * vm_module_load_features(), the decode-validate pipeline with the
 * features a module may use. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/code.h"
#include "vm/const_expr.h"
#include "vm/reader.h"
#include "vm/translate.h"

typedef struct {
    vm_module *m;
    vm_error *err;
    bool *declared_refs;
} checker;

static bool invalid(checker *c, uint32_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool invalid(checker *c, uint32_t offset, const char *fmt, ...)
{
    if (c->err->kind != VM_ERR_NONE)
        return false;
    char message[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    c->err->kind = VM_ERR_INVALID;
    snprintf(c->err->message, sizeof c->err->message, "0x%x: %s", offset, message);
    return false;
}

static bool check_limits(checker *c, const vm_limits *l, uint64_t bound, bool memory)
{
    if (memory && (l->min > bound || (l->has_max && l->max > bound)))
        return invalid(c, 0, "memory size must be at most 65536 pages (4GiB)");
    if (l->has_max && l->min > l->max)
        return invalid(c, 0, "size minimum must not be greater than maximum");
    return true;
}

/* ---- constant expressions ---- */

/* A constant expression must produce exactly one value of type expect. It
 * is checked like a function body, with an operand stack (a fixed array:
 * at most VM_MAX_CONST_DEPTH operands, so a guest cannot make it grow).
 * Wasm 2.0 allows t.const, ref.null, ref.func and global.get of an
 * imported immutable global, which each push one value; the
 * extended-const proposal adds i32/i64 add, sub and mul, which pop two
 * operands of their type and push the result. Function indices it names
 * become declared references. The instructions are read with
 * const_expr.h, the rules are here. */
static bool check_const(checker *c, const vm_expr *e, vm_valtype expect)
{
    const vm_module *m = c->m;
    if (e->form == VM_EXPR_FUNC_INDEX) {
        if (e->func_index >= m->nfuncs)
            return invalid(c, 0, "unknown function %u", e->func_index);
        c->declared_refs[e->func_index] = true;
        return expect == VM_FUNCREF || invalid(c, 0, "type mismatch");
    }
    bool extended = (m->features & VM_FEATURE_EXTENDED_CONST) != 0;
    vm_reader r = vm_const_expr_reader(m, e, c->err);
    vm_valtype stack[VM_MAX_CONST_DEPTH];
    uint32_t depth = 0;
    for (;;) {
        vm_const_instr op;
        vm_valtype type;   /* what the instruction pushes */
        if (!vm_const_instr_read(&r, &op))
            return false;
        if (op.kind == VM_CONST_END)
            break;
        switch (op.kind) {
        case VM_CONST_PUSH_VALUE:
            type = op.type;
            break;
        case VM_CONST_PUSH_NULL: {
            /* The decoder let any byte through as the type, to delimit;
             * that it is a reference type is checked here, reading it as one. */
            vm_reader type_byte = { m->bytes, op.at + 1, r.end, c->err };
            if (!vm_read_reftype(&type_byte, &type))
                return false;
            break;
        }
        case VM_CONST_PUSH_FUNC:
            if (op.index >= m->nfuncs)
                return invalid(c, op.at, "unknown function %u", op.index);
            c->declared_refs[op.index] = true;
            type = VM_FUNCREF;
            break;
        case VM_CONST_PUSH_GLOBAL:
            if (op.index >= m->nimported_globals)
                return invalid(c, op.at, "unknown global %u", op.index);
            if (m->global_types[op.index].mutable_)
                return invalid(c, op.at, "constant expression required");
            type = m->global_types[op.index].type;
            break;
        case VM_CONST_ARITH:
            if (!extended)
                return invalid(c, op.at, "constant expression required");
            type = op.type;
            if (depth < 2 || stack[depth - 1] != type || stack[depth - 2] != type)
                return invalid(c, op.at, "type mismatch: %s needs two %s operands",
                               vm_const_arith_name(&op), vm_valtype_name(type));
            depth -= 2;
            break;
        default:   /* VM_CONST_NOT_CONSTANT */
            return invalid(c, op.at, "constant expression required");
        }
        if (depth == VM_MAX_CONST_DEPTH)
            return invalid(c, op.at, "constant expression too deep (more than %u operands)",
                           VM_MAX_CONST_DEPTH);
        stack[depth++] = type;
    }
    if (depth == 0)
        return invalid(c, e->offset, "type mismatch: expected %s, the expression is empty",
                       vm_valtype_name(expect));
    if (depth > 1)
        return invalid(c, e->offset, "type mismatch: expected one %s, the expression leaves %u values",
                       vm_valtype_name(expect), depth);
    if (stack[0] != expect)
        return invalid(c, e->offset, "type mismatch: expected %s, got %s", vm_valtype_name(expect),
                       vm_valtype_name(stack[0]));
    return true;
}

static bool check_imports_and_definitions(checker *c)
{
    vm_module *m = c->m;
    for (uint32_t i = 0; i < m->nfuncs; i++)
        if (m->func_type[i] >= m->ntypes)
            return invalid(c, 0, "unknown type %u", m->func_type[i]);
    for (uint32_t i = 0; i < m->ntables; i++)
        if (!check_limits(c, &m->tables[i].limits, UINT32_MAX, false))
            return false;
    if (m->nmemories > 1 && !(m->features & VM_FEATURE_MULTI_MEMORY))
        return invalid(c, 0, "multiple memories");
    for (uint32_t i = 0; i < m->nmemories; i++)
        if (!check_limits(c, &m->memories[i].limits, VM_MAX_PAGES, true))
            return false;
    for (uint32_t i = 0; i < m->nglobals - m->nimported_globals; i++)
        if (!check_const(c, &m->globals[i].init, m->globals[i].type.type))
            return false;
    return true;
}

static bool out_of_memory(checker *c)
{
    c->err->kind = VM_ERR_NOMEM;
    snprintf(c->err->message, sizeof c->err->message, "out of memory");
    return false;
}

/* Orders exports by name: shorter first, then by the bytes. */
static int export_name_order(const void *a, const void *b)
{
    const vm_export *x = *(const vm_export *const *)a, *y = *(const vm_export *const *)b;
    if (x->name_len != y->name_len)
        return x->name_len < y->name_len ? -1 : 1;
    return memcmp(x->name, y->name, x->name_len);
}

/* Export names are unique. Sorted, equal names stand side by side: n log n
 * comparisons, where comparing each with all before it would be n^2 (a
 * module may have a million exports). */
static bool check_export_names(checker *c)
{
    const vm_module *m = c->m;
    if (m->nexports < 2)
        return true;
    const vm_export **sorted = malloc(m->nexports * sizeof *sorted);
    if (sorted == NULL)
        return out_of_memory(c);
    for (uint32_t i = 0; i < m->nexports; i++)
        sorted[i] = &m->exports[i];
    qsort(sorted, m->nexports, sizeof *sorted, export_name_order);
    bool unique = true;
    for (uint32_t i = 1; i < m->nexports && unique; i++)
        unique = export_name_order(&sorted[i - 1], &sorted[i]) != 0;
    free(sorted);
    return unique || invalid(c, 0, "duplicate export name");
}

static bool check_exports_and_start(checker *c)
{
    vm_module *m = c->m;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const vm_export *e = &m->exports[i];
        static const char *const unknown[] = { "unknown function", "unknown table",
                                               "unknown memory", "unknown global" };
        uint32_t limit = e->kind == VM_EXTERN_FUNC ? m->nfuncs : e->kind == VM_EXTERN_TABLE ? m->ntables
                       : e->kind == VM_EXTERN_MEMORY ? m->nmemories : m->nglobals;
        if (e->index >= limit)
            return invalid(c, 0, "%s %u", unknown[e->kind], e->index);
        if (e->kind == VM_EXTERN_FUNC)
            c->declared_refs[e->index] = true;
    }
    if (!check_export_names(c))
        return false;
    if (m->has_start) {
        if (m->start >= m->nfuncs)
            return invalid(c, 0, "unknown function %u", m->start);
        const vm_functype *t = &m->types[m->func_type[m->start]];
        if (t->nparams != 0 || t->nresults != 0)
            return invalid(c, 0, "start function");
    }
    return true;
}

static bool check_segments(checker *c)
{
    vm_module *m = c->m;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const vm_elem_segment *s = &m->elems[i];
        if (s->mode == VM_SEGMENT_ACTIVE) {
            if (s->table >= m->ntables)
                return invalid(c, 0, "unknown table %u", s->table);
            if (m->tables[s->table].elem != s->type)
                return invalid(c, 0, "type mismatch");
            if (!check_const(c, &s->offset, VM_I32))
                return false;
        }
        for (uint32_t k = 0; k < s->count; k++)
            if (!check_const(c, &s->items[k], s->type))
                return false;
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const vm_data_segment *d = &m->datas[i];
        if (d->mode != VM_SEGMENT_ACTIVE)
            continue;
        if (d->memory >= m->nmemories)
            return invalid(c, 0, "unknown memory %u", d->memory);
        if (!check_const(c, &d->offset, VM_I32))
            return false;
    }
    return true;
}

/* ---- the whole module ---- */

bool vm_validate(vm_module *m, vm_error *err)
{
    checker c = { m, err, calloc(m->nfuncs ? m->nfuncs : 1, sizeof(bool)) };
    if (c.declared_refs == NULL)
        return out_of_memory(&c);
    bool ok = check_imports_and_definitions(&c) && check_segments(&c) &&
              check_exports_and_start(&c);
    vm_translate_workspace work = { 0 };
    vm_translate_env env = { m, c.declared_refs, &work };
    for (uint32_t i = 0; ok && i < m->nfuncs - m->nimported_funcs; i++)
        ok = vm_translate_function(&env, i, err);
    vm_translate_workspace_free(&work);
    free(c.declared_refs);
    return ok;
}

vm_module *vm_module_load_features(const uint8_t *bytes, size_t size, unsigned features,
                                   vm_error *err)
{
    memset(err, 0, sizeof *err);
    vm_module *m = vm_decode(bytes, size, err);
    if (m == NULL)
        return NULL;
    m->features = features & (VM_FEATURES_ALL | VM_LOAD_NO_GROUPS);
    if (!vm_validate(m, err)) {
        vm_module_free(m);
        return NULL;
    }
#ifdef VM_PROFILE
    vm_profile_start(m);
#endif
    return m;
}

vm_module *vm_module_load(const uint8_t *bytes, size_t size, vm_error *err)
{
    return vm_module_load_features(bytes, size, VM_FEATURES_ALL, err);
}
