/* run_function.c — load a module, call an exported function, show a trap.
 * pkg-config: wippy-vm
 *
 *   usage: run_function MODULE.wasm      (math.wasm: exports add, fib, crash)
 *
 * The whole life of a call with the engine alone: read the bytes, load
 * (decode + validate + translate) them into a module, instantiate it in a
 * store, call on a thread, free in reverse order. */
#include <stdio.h>
#include <stdlib.h>

#include <wippy/vm.h>

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            uint8_t *b = realloc(buf, cap = cap ? cap * 2 : 4096);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *size = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s MODULE.wasm\n", argv[0]);
        return 2;
    }
    size_t size;
    uint8_t *bytes = read_file(argv[1], &size);
    if (!bytes) {
        perror(argv[1]);
        return 1;
    }
    vm_error err;
    vm_module *mod = vm_module_load(bytes, size, &err);
    free(bytes);                       /* the module keeps its own copy */
    if (!mod) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        return 1;
    }
    for (uint32_t i = 0; i < vm_module_export_count(mod); i++) {
        const char *name;
        vm_externkind kind;
        vm_module_export(mod, i, &name, &kind);
        vm_signature sig;
        if (kind == VM_EXTERN_FUNC && vm_module_export_signature(mod, name, &sig))
            printf("export %s: %u params, %u results\n", name, sig.nparams, sig.nresults);
    }

    vm_store *store = vm_store_new(NULL);
    vm_linker *linker = vm_linker_new();
    vm_instance *inst = store && linker ? vm_instantiate(store, mod, linker, &err) : NULL;
    vm_thread *t = inst ? vm_thread_new(store) : NULL;
    int rc = 1;
    if (!t) {
        fprintf(stderr, "instantiate: %s\n", inst ? "out of memory" : err.message);
        goto out;
    }

    vm_value args[2] = { { .type = VM_I32, .of.i32 = 40 }, { .type = VM_I32, .of.i32 = 2 } }, res;
    if (vm_call(t, vm_instance_func(inst, "add"), args, 2, &res, 1) != VM_DONE)
        goto out;
    printf("add(40, 2) = %u\n", res.of.i32);

    args[0].of.i32 = 90;
    if (vm_call(t, vm_instance_func(inst, "fib"), args, 1, &res, 1) != VM_DONE)
        goto out;
    printf("fib(90) = %llu\n", (unsigned long long)res.of.i64);

    /* A trap is an ordinary result: its kind, its message, where it was. */
    if (vm_call(t, vm_instance_func(inst, "crash"), NULL, 0, &res, 1) == VM_TRAP) {
        const vm_trap *trap = vm_thread_trap(t);
        printf("crash trapped: %s (%u frame%s)\n", trap->message, trap->nframes,
               trap->nframes == 1 ? "" : "s");
        rc = 0;
    }
out:
    vm_thread_free(t);
    vm_linker_free(linker);
    vm_store_free(store);              /* frees the instance with everything in it */
    vm_module_free(mod);
    return rc;
}
