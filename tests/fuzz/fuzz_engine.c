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
 * vm_instantiate runs a start function without a fuel limit, so a module
 * whose start function loops would hang the fuzzer: such modules are
 * loaded as given (covering decode and validation of the start section)
 * and then instantiated from a copy without their start section. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vm.h"

enum { FUEL_PER_CALL = 10000, START_SECTION_ID = 8 };

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

/* Reads an unsigned LEB128 of at most 32 bits at *pos; false if truncated
 * or too long. */
static bool read_u32(const uint8_t *data, size_t size, size_t *pos, uint32_t *out)
{
    uint32_t value = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (*pos >= size)
            return false;
        uint8_t b = data[(*pos)++];
        value |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = value;
            return true;
        }
    }
    return false;
}

/* When the module has a start section, returns a malloc'd copy of it without
 * that section (*out_size is its size); otherwise, or when the section list
 * does not parse, NULL. */
static uint8_t *without_start_section(const uint8_t *data, size_t size, size_t *out_size)
{
    size_t pos = 8;   /* magic and version */
    while (pos < size) {
        size_t section_start = pos;
        uint8_t id = data[pos++];
        uint32_t len;
        if (!read_u32(data, size, &pos, &len) || len > size - pos)
            return NULL;
        size_t section_end = pos + len;
        if (id == START_SECTION_ID) {
            uint8_t *copy = malloc(size - (section_end - section_start));
            if (copy == NULL)
                return NULL;
            memcpy(copy, data, section_start);
            memcpy(copy + section_start, data + section_end, size - section_end);
            *out_size = size - (section_end - section_start);
            return copy;
        }
        pos = section_end;
    }
    return NULL;
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
    size_t stripped_size = 0;
    uint8_t *stripped = without_start_section(data, size, &stripped_size);
    if (stripped != NULL) {
        vm_module_free(m);
        m = vm_module_load(stripped, stripped_size, &err);
        free(stripped);
        if (m == NULL)
            return 0;
    }
    run_module(m);
    vm_module_free(m);
    return 0;
}
