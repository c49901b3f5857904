/* fuzz_engine.c — a libFuzzer target for the engine (`make fuzz`).
 *
 * Each input is taken as a module binary and goes through the whole
 * pipeline: vm_module_load (decode, validate, translate), instantiation in
 * a fresh store with small limits, then a call of every exported function
 * with zero arguments and a fuel budget. Imported functions are satisfied
 * by a generic host function that returns zeros. vm.h does not expose the
 * limits or types of imported tables, memories and globals, so those
 * imports stay undefined and such modules fail to link (which is fine).
 *
 * The store defers the start function (vm_config.defer_start), which then
 * runs like the exports, under the same fuel budget, so a start function
 * that loops cannot hang the fuzzer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vm.h"

enum { FUEL_PER_CALL = 10000 };

/* A value of type t that is zero (or the null reference). */
static vm_value zero_value(vm_valtype t)
{
    vm_value v;
    memset(&v, 0, sizeof v);
    v.type = t;
    return v;
}

/* The host function behind every imported function: user is the import's
 * signature; the results are zeros of the result types. */
static vm_host_status zero_host(vm_caller *caller, const vm_value *args, vm_value *results, void *user)
{
    (void)caller;
    (void)args;
    const vm_signature *sig = user;
    for (uint32_t i = 0; i < sig->nresults; i++)
        results[i] = zero_value(sig->results[i]);
    return VM_HOST_DONE;
}

/* Defines every function import of m in l as a zero-returning host
 * function. sigs has one entry per import and must outlive the linker's
 * use (the host functions point at their entry). */
static void define_imports(vm_linker *l, const vm_module *m, vm_signature *sigs)
{
    uint32_t n = vm_module_import_count(m);
    for (uint32_t i = 0; i < n; i++) {
        const char *module, *name;
        vm_externkind kind;
        vm_module_import(m, i, &module, &name, &kind);
        if (kind != VM_EXTERN_FUNC || !vm_module_import_signature(m, i, &sigs[i]))
            continue;   /* tables, memories, globals: their types are not exposed */
        vm_linker_define_host(l, module, name, &sigs[i], zero_host, &sigs[i]);
    }
}

/* Calls every exported function of inst with zero arguments, each with a
 * fuel budget; a call that runs out of fuel is abandoned. */
static void call_exports(vm_store *s, const vm_module *m, const vm_instance *inst)
{
    vm_thread *t = vm_thread_new(s);
    if (t == NULL)
        return;
    vm_func *start = vm_instance_start(inst);
    if (start != NULL && (vm_call_start(t, start, NULL, 0) != VM_DONE || vm_run(t, FUEL_PER_CALL) != VM_DONE)) {
        vm_thread_free(t);
        return;   /* an instance whose start did not finish is not usable */
    }
    uint32_t n = vm_module_export_count(m);
    for (uint32_t i = 0; i < n; i++) {
        const char *name;
        vm_externkind kind;
        vm_module_export(m, i, &name, &kind);
        if (kind != VM_EXTERN_FUNC)
            continue;
        vm_func *f = vm_instance_export(inst, name, strlen(name), VM_EXTERN_FUNC);
        if (f == NULL)
            continue;   /* a name with a NUL byte in it */
        vm_signature sig;
        vm_func_signature(f, &sig);
        vm_value *args = calloc(sig.nparams ? sig.nparams : 1, sizeof *args);
        if (args == NULL)
            break;
        for (uint32_t k = 0; k < sig.nparams; k++)
            args[k] = zero_value(sig.params[k]);
        if (vm_call_start(t, f, args, sig.nparams) == VM_DONE)
            vm_run(t, FUEL_PER_CALL);   /* done, trapped or out of fuel: all fine */
        free(args);
    }
    vm_thread_free(t);
}

/* Instantiates m in a fresh store with small limits and calls its exports. */
static void run_module(const vm_module *m)
{
    vm_config cfg = {
        .max_memory_pages = 16,
        .max_table_elements = 10000,
        .max_call_depth = 1000,
        .max_stack_bytes = 1 << 20,
        .defer_start = true,
    };
    vm_store *s = vm_store_new(&cfg);
    vm_linker *l = vm_linker_new();
    uint32_t nimports = vm_module_import_count(m);
    vm_signature *sigs = calloc(nimports ? nimports : 1, sizeof *sigs);
    if (s != NULL && l != NULL && sigs != NULL) {
        define_imports(l, m, sigs);
        vm_error err;
        vm_instance *inst = vm_instantiate(s, m, l, &err);
        if (inst != NULL)
            call_exports(s, m, inst);
    }
    free(sigs);
    if (l != NULL)
        vm_linker_free(l);
    if (s != NULL)
        vm_store_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vm_error err;
    vm_module *m = vm_module_load(data, size, &err);
    if (m == NULL)
        return 0;
    run_module(m);
    vm_module_free(m);
    return 0;
}
