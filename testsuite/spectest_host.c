/* spectest_host.c — the "spectest" host module the spec scripts import
 * from, as the spec interpreter defines it (interpreter/host/spectest.ml):
 *
 *   print, print_i32, print_i64, print_f32, print_f64,
 *   print_i32_f32, print_f64_f64       functions that return nothing
 *                                      (they print nothing here)
 *   global_i32, global_i64 = 666       immutable globals
 *   global_f32, global_f64 = 666.6
 *   table                              funcref, min 10, max 20, all null
 *   memory                             min 1 page, max 2, zeroed
 *
 * Each object is made once per store, so every module of a script that
 * imports spectest.table (or .memory) shares the same one. */
#include "testsuite/spec.h"

#include <stdio.h>
#include <string.h>

static vm_host_status print_nothing(vm_caller *caller, const vm_value *args, vm_value *results,
                                    void *user)
{
    (void)caller, (void)args, (void)results, (void)user;
    return VM_HOST_DONE;
}

static const vm_valtype params_i32[] = { VM_I32 };
static const vm_valtype params_i64[] = { VM_I64 };
static const vm_valtype params_f32[] = { VM_F32 };
static const vm_valtype params_f64[] = { VM_F64 };
static const vm_valtype params_i32_f32[] = { VM_I32, VM_F32 };
static const vm_valtype params_f64_f64[] = { VM_F64, VM_F64 };

static const struct {
    const char *name;
    uint32_t nparams;
    const vm_valtype *params;
} print_funcs[] = {
    { "print", 0, NULL },
    { "print_i32", 1, params_i32 },
    { "print_i64", 1, params_i64 },
    { "print_f32", 1, params_f32 },
    { "print_f64", 1, params_f64 },
    { "print_i32_f32", 2, params_i32_f32 },
    { "print_f64_f64", 2, params_f64_f64 },
};

static bool define_global(vm_store *s, vm_linker *l, const char *name, vm_value v)
{
    vm_global *g = vm_global_new(s, v, false);
    return g != NULL && vm_linker_define_global(l, "spectest", name, g);
}

bool spectest_define(vm_store *s, vm_linker *l, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof print_funcs / sizeof print_funcs[0]; i++) {
        vm_signature sig = {
            .nparams = print_funcs[i].nparams, .nresults = 0,
            .params = print_funcs[i].params, .results = NULL,
        };
        vm_func *f = vm_func_new_host(s, &sig, print_nothing, NULL);
        if (f == NULL || !vm_linker_define_func(l, "spectest", print_funcs[i].name, f)) {
            snprintf(err, errlen, "spectest: cannot make %s", print_funcs[i].name);
            return false;
        }
    }

    const float f32 = 666.6f;
    const double f64 = 666.6;
    vm_value v32 = { .type = VM_I32, .of.i32 = 666 };
    vm_value v64 = { .type = VM_I64, .of.i64 = 666 };
    vm_value vf32 = { .type = VM_F32 };
    vm_value vf64 = { .type = VM_F64 };
    memcpy(&vf32.of.f32, &f32, sizeof f32);
    memcpy(&vf64.of.f64, &f64, sizeof f64);
    if (!define_global(s, l, "global_i32", v32) || !define_global(s, l, "global_i64", v64) ||
        !define_global(s, l, "global_f32", vf32) || !define_global(s, l, "global_f64", vf64)) {
        snprintf(err, errlen, "spectest: cannot make the globals");
        return false;
    }

    vm_table *table = vm_table_new(s, VM_FUNCREF, 10, 20, true);
    if (table == NULL || !vm_linker_define_table(l, "spectest", "table", table)) {
        snprintf(err, errlen, "spectest: cannot make the table");
        return false;
    }
    vm_memory *memory = vm_memory_new(s, 1, 2, true);
    if (memory == NULL || !vm_linker_define_memory(l, "spectest", "memory", memory)) {
        snprintf(err, errlen, "spectest: cannot make the memory");
        return false;
    }
    return true;
}
