/* fuzz_exec.c — build/fuzz-exec: runs a module made by `wasm-opt -ttf`
 * with this engine, through the public vm.h only, and prints the lines
 * binaryen's `wasm-opt FILE --fuzz-exec -q` prints for one run
 * (doc/fuzzing.md):
 *
 *   [fuzz-exec] calling NAME                      before each exported function
 *   [LoggingExternalInterface logging V...]       each call of a fuzzing-support log-*
 *   [fuzz-exec] note result: NAME => V            its result; (V1, V2) for several
 *   [trap MESSAGE]                                when it traps
 *
 * Exports are called in the module's export order with zero arguments,
 * the export "hangLimitInitializer" called before each (binaryen resets
 * the module's loop and call budget that way). One instance serves every
 * call: memory and globals carry over, traps included.
 *
 *   usage: fuzz-exec [--fuel N] [--no-groups] FILE.wasm
 *          fuzz-exec --compare BINARYEN.txt OURS.txt
 *
 * --fuel N runs every call in slices of N fuel units (the output must not
 * change); --no-groups translates no superinstruction groups
 * (VM_LOAD_NO_GROUPS); --compare is fuzz_compare.c. Exit status: 0, or 2
 * when the module does not load or link (itself a finding: binaryen made
 * it, so it is valid). Touches nothing but the file it reads. */
#include "testsuite/fuzz_exec.h"
#include "vm/vm.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A float printed as binaryen prints it, "nan" with its payload in hex,
 * "inf", otherwise the shortest decimal that reads back as the same double
 * (an f32 is printed as the double it converts to), with ".0" added when
 * it would look like an integer ("-0.0", "7390.0"). */
static void print_double(double d, uint64_t payload, bool negative)
{
    if (isnan(d)) {
        printf("%snan", negative ? "-" : "");
        if (payload != 0)
            printf(":0x%" PRIx64, payload);
        return;
    }
    if (isinf(d)) {
        printf("%sinf", d < 0 ? "-" : "");
        return;
    }
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    /* Never an integer's text: the comparator tells our floats from our
     * integers that way (binaryen prints 2^64 as 18446744073709551615). */
    printf("%s%s", buf, strpbrk(buf, ".e") ? "" : ".0");
}

static void print_value(const vm_value *v)
{
    switch (v->type) {
    case VM_I32:
        printf("%" PRId32, (int32_t)v->of.i32);
        break;
    case VM_I64:
        printf("%" PRId64, (int64_t)v->of.i64);
        break;
    case VM_F32: {
        float f;
        memcpy(&f, &v->of.f32, sizeof f);
        print_double((double)f, v->of.f32 & 0x7fffffu, (v->of.f32 >> 31) != 0);
        break;
    }
    case VM_F64: {
        double d;
        memcpy(&d, &v->of.f64, sizeof d);
        print_double(d, v->of.f64 & 0xfffffffffffffull, (v->of.f64 >> 63) != 0);
        break;
    }
    case VM_V128: {
        printf("i32x4");
        for (int i = 0; i < 4; i++) {
            uint32_t lane;
            memcpy(&lane, v->of.v128 + 4 * i, sizeof lane);
            printf(" 0x%08" PRIx32, lane);
        }
        break;
    }
    default:
        printf("?ref");
        break;
    }
}

/* fuzzing-support log-*: one value; an i64 is logged as its low and high
 * halves, each a signed i32, as binaryen logs it. */
static vm_host_status log_value(vm_caller *caller, const vm_value *args, vm_value *results, void *user)
{
    (void)caller, (void)results, (void)user;
    printf("[LoggingExternalInterface logging ");
    if (args[0].type == VM_I64)
        printf("%" PRId32 " %" PRId32, (int32_t)(uint32_t)args[0].of.i64,
               (int32_t)(uint32_t)(args[0].of.i64 >> 32));
    else
        print_value(&args[0]);
    printf("]\n");
    return VM_HOST_DONE;
}

static const vm_valtype log_types[] = { VM_I32, VM_I64, VM_F32, VM_F64, VM_V128 };
static const char *const log_names[] = { "log-i32", "log-i64", "log-f32", "log-f64", "log-v128" };

/* Calls f with zero arguments in slices of `fuel` units; results go to out. */
static vm_status call_zero(vm_thread *t, vm_func *f, uint64_t fuel, vm_value *out, size_t max,
                           size_t *nresults)
{
    vm_signature sig;
    vm_func_signature(f, &sig);
    vm_value args[64];
    if (sig.nparams > 64)   /* more than we pass: the engine refuses the call (a trap) */
        return vm_call_start(t, f, NULL, 0);
    for (uint32_t i = 0; i < sig.nparams; i++) {
        args[i] = (vm_value){ .type = sig.params[i] };
        memset(&args[i].of, 0, sizeof args[i].of);
    }
    vm_status st = vm_call_start(t, f, args, sig.nparams);
    if (st != VM_DONE)
        return st;
    do
        st = vm_run(t, fuel);
    while (st == VM_OUT_OF_FUEL);
    if (st == VM_DONE)
        *nresults = vm_thread_results(t, out, max);
    return st;
}

static void print_trap(vm_thread *t, vm_status st)
{
    const vm_trap *trap = st == VM_TRAP ? vm_thread_trap(t) : NULL;
    printf("[trap %s]\n", trap && trap->message ? trap->message : "host function suspended");
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *p = cap <= (size_t)1 << 30 ? realloc(buf, cap) : NULL;
            if (p == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    *size = len;
    return buf;
}

static int run_module(const char *path, uint64_t fuel, unsigned load_flags)
{
    size_t size;
    uint8_t *bytes = read_file(path, &size);
    if (bytes == NULL) {
        fprintf(stderr, "fuzz-exec: cannot read %s\n", path);
        return 2;
    }
    vm_error err;
    vm_module *m = vm_module_load_features(bytes, size, VM_FEATURES_ALL | load_flags, &err);
    free(bytes);
    if (m == NULL) {
        fprintf(stderr, "fuzz-exec: %s does not load: %s\n", path, err.message);
        return 2;
    }
    int rc = 2;
    vm_store *s = vm_store_new(NULL);
    vm_linker *l = vm_linker_new();
    vm_thread *t = s ? vm_thread_new(s) : NULL;
    if (s == NULL || l == NULL || t == NULL)
        goto out;
    for (size_t i = 0; i < sizeof log_types / sizeof log_types[0]; i++) {
        vm_signature sig = { .nparams = 1, .params = &log_types[i] };
        if (!vm_linker_define_host(l, "fuzzing-support", log_names[i], &sig, log_value, NULL))
            goto out;
    }
    vm_instance *inst = vm_instantiate(s, m, l, &err);
    if (inst == NULL) {
        if (err.kind == VM_ERR_TRAP) {   /* binaryen prints the trap and calls nothing */
            printf("[trap %s]\n", err.message);
            rc = 0;
        } else
            fprintf(stderr, "fuzz-exec: %s does not instantiate: %s\n", path, err.message);
        goto out;
    }
    vm_func *hang = vm_instance_func(inst, "hangLimitInitializer");
    for (uint32_t i = 0; i < vm_module_export_count(m); i++) {
        const char *name;
        vm_externkind kind;
        vm_module_export(m, i, &name, &kind);
        if (kind != VM_EXTERN_FUNC)
            continue;
        printf("[fuzz-exec] calling %s\n", name);
        vm_value results[64];
        size_t n = 0;
        vm_status st = hang ? call_zero(t, hang, fuel, results, 64, &n) : VM_DONE;
        if (st == VM_DONE)
            st = call_zero(t, vm_instance_func(inst, name), fuel, results, 64, &n);
        if (st != VM_DONE) {
            print_trap(t, st);
            continue;
        }
        if (n == 0)
            continue;
        printf("[fuzz-exec] note result: %s => ", name);
        if (n > 1)
            printf("(");
        for (size_t j = 0; j < n && j < 64; j++) {
            if (j > 0)
                printf(", ");
            print_value(&results[j]);
        }
        printf(n > 1 ? ")\n" : "\n");
    }
    rc = 0;
out:
    fflush(stdout);
    vm_thread_free(t);
    vm_linker_free(l);
    vm_store_free(s);
    vm_module_free(m);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--compare") == 0)
        return (int)fuzz_compare(argv[2], argv[3], stdout);
    uint64_t fuel = VM_FUEL_UNLIMITED;
    unsigned flags = 0;
    int i = 1;
    for (; i < argc - 1; i++) {
        if (strcmp(argv[i], "--fuel") == 0 && i + 1 < argc - 1) {
            fuel = strtoull(argv[++i], NULL, 10);
            if (fuel == 0)
                fuel = 1;
        } else if (strcmp(argv[i], "--no-groups") == 0)
            flags |= VM_LOAD_NO_GROUPS;
        else
            break;
    }
    if (i != argc - 1) {
        fprintf(stderr, "usage: fuzz-exec [--fuel N] [--no-groups] FILE.wasm\n"
                        "       fuzz-exec --compare BINARYEN.txt OURS.txt\n");
        return 2;
    }
    return run_module(argv[i], fuel, flags);
}
