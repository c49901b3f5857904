/* wasm_tools.c — `wippy wasm validate FILE` and `wippy wasm call FILE FUNC
 * [ARGS...]`: the engine on its own, for trying modules out. Arguments are
 * parsed by the function's parameter types; results are printed one per
 * line; a trap prints its message and backtrace. `wasm run` (WASI
 * commands) is in wasm_run.c and shares the loader and trap printer. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/component.h"
#include "component/runtime.h"
#include "component/wave.h"
#include "host/cli/cli.h"
#include "vm/vm.h"
#include "wasi/p2/p2.h"
#include "wasi/wasi.h"

uint8_t *wippy_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            if (cap > ((size_t)1 << 30)) {
                errno = EFBIG;
                break;
            }
            uint8_t *p = realloc(buf, cap);
            if (p == NULL)
                break;
            buf = p;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f))
                break;
            fclose(f);
            *size = len;
            return buf ? buf : malloc(1);
        }
    }
    int e = errno;
    fclose(f);
    free(buf);
    errno = e;
    return NULL;
}

vm_module *wippy_wasm_load(const char *path, FILE *err)
{
    size_t size;
    uint8_t *bytes = wippy_read_file(path, &size);
    if (bytes == NULL) {
        fprintf(err, "wippy: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    vm_error e;
    vm_module *m = vm_module_load(bytes, size, &e);
    free(bytes);
    if (m == NULL)
        fprintf(err, "%s: %s\n", path, e.message);
    return m;
}

/* A v128 on the command line and in results: 0x and up to 32 hex digits,
 * the value as one 128-bit integer (lane 0 in the low bits, as in memory). */
static bool parse_v128(const char *text, uint8_t bytes[16])
{
    memset(bytes, 0, 16);
    if (text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
        return false;
    size_t n = strlen(text + 2);
    if (n == 0 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++) {   /* digit i counts from the least significant end */
        char c = text[2 + n - 1 - i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return false;
        bytes[i / 2] |= (uint8_t)(d << (4 * (i % 2)));
    }
    return true;
}

/* Parses text as a value of type t. */
static bool parse_value(const char *text, vm_valtype t, vm_value *v)
{
    char *end;
    errno = 0;
    v->type = t;
    switch (t) {
    case VM_I32: {
        long long x = strtoll(text, &end, 0);
        if (*end || end == text || errno || x < INT32_MIN || x > UINT32_MAX)
            return false;
        v->of.i32 = (uint32_t)x;
        return true;
    }
    case VM_I64: {
        if (text[0] == '-') {
            long long x = strtoll(text, &end, 0);
            v->of.i64 = (uint64_t)x;
        } else {
            v->of.i64 = strtoull(text, &end, 0);
        }
        return !*end && end != text && !errno;
    }
    case VM_F32: {
        float x = strtof(text, &end);
        memcpy(&v->of.f32, &x, 4);
        return !*end && end != text;
    }
    case VM_F64: {
        double x = strtod(text, &end);
        memcpy(&v->of.f64, &x, 8);
        return !*end && end != text;
    }
    case VM_V128:
        return parse_v128(text, v->of.v128);
    default:
        return false;
    }
}

static void print_value(FILE *out, const vm_value *v)
{
    switch (v->type) {
    case VM_I32: fprintf(out, "%" PRId32 "\n", (int32_t)v->of.i32); break;
    case VM_I64: fprintf(out, "%" PRId64 "\n", (int64_t)v->of.i64); break;
    case VM_F32: { float x; memcpy(&x, &v->of.f32, 4); fprintf(out, "%.9g\n", (double)x); break; }
    case VM_F64: { double x; memcpy(&x, &v->of.f64, 8); fprintf(out, "%.17g\n", x); break; }
    case VM_FUNCREF: fprintf(out, "%s\n", v->of.func ? "funcref" : "null"); break;
    case VM_EXTERNREF: fprintf(out, "%s\n", v->of.ref ? "externref" : "null"); break;
    case VM_V128:
        fputs("0x", out);
        for (int i = 15; i >= 0; i--)
            fprintf(out, "%02x", v->of.v128[i]);
        fputc('\n', out);
        break;
    default: fprintf(out, "?\n"); break;
    }
}

void wippy_wasm_print_trap(FILE *err, const vm_trap *trap)
{
    fprintf(err, "trap: %s\n", trap->message);
    for (uint32_t i = 0; i < trap->nframes; i++) {
        const vm_frame_info *f = &trap->frames[i];
        if (f->host)
            fprintf(err, "  at <host function>\n");
        else if (f->name)
            fprintf(err, "  at func[%u] %s (offset 0x%x)\n", f->func_index, f->name, f->code_offset);
        else
            fprintf(err, "  at func[%u] (offset 0x%x)\n", f->func_index, f->code_offset);
    }
}

/* Decodes FILE when it is a component: *f gets it (NULL and 1 returned
 * after printing the error), or -2 when it is not a component. */
int wippy_component_load(const char *path, cm_file **f, FILE *err)
{
    *f = NULL;
    size_t size;
    uint8_t *bytes = wippy_read_file(path, &size);
    if (bytes == NULL) {
        fprintf(err, "wippy: cannot read %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!cm_is_component(bytes, size)) {
        free(bytes);
        return -2;
    }
    vm_error e;
    *f = cm_decode(bytes, size, &e);
    free(bytes);
    if (*f == NULL) {
        fprintf(err, "%s: %s\n", path, e.message);
        return 1;
    }
    return 0;
}

vm_status wippy_cm_run(cm_call *c, uint64_t fuel)
{
    uint64_t left = fuel;
    for (;;) {
        vm_status s = cm_call_run(c, left);
        if (s != VM_SUSPENDED)
            return s;
        if (fuel != VM_FUEL_UNLIMITED)
            left = cm_call_fuel(c);
        cm_wait w;
        while (s == VM_SUSPENDED && cm_call_waiting(c, &w)) {
            cm_wait_block(&w);
            s = cm_call_complete(c);
        }
        if (s != VM_DONE)
            return s;
    }
}

/* `wasm call` of a component: the arguments in WAVE text, parsed by the
 * parameter types; the result printed in WAVE. Every WASI 0.2 interface
 * wasi/p2 has is granted (blocking in place), with the terminal's stdio,
 * FILE's base name as the only argument, no environment (as `wasmtime run
 * --invoke`); other imports trap when called. Trailing option arguments may be left out (none). */
static int component_call(const char *path, cm_file *f, const char *name, int argc, char **argv,
                          FILE *out, FILE *err)
{
    int status = 1;
    vm_error e;
    char msg[1024];
    host_value *args = NULL, result = host_nil();
    cm_call *c = NULL;
    const cm_types *t = &f->types;
    const cm_type *ft = NULL;
    wasi_p2 *p2 = wasi_p2_new(WASI_CAP_ALL);
    const char *base = strrchr(path, '/') && strrchr(path, '/')[1] ? strrchr(path, '/') + 1 : path;
    wasi_p2_cli cli = { .args = &base, .nargs = 1, .stdio = { 0, 1, 2 } };
    bool set = p2 != NULL && wasi_p2_set_cli(p2, &cli);
    cm_instance *ci = set ? cm_instantiate(f, wasi_p2_host(p2), NULL, &e) : NULL;
    if (ci == NULL) {
        fprintf(err, "%s: %s\n", path, set ? e.message : "out of memory");
        wasi_p2_free(p2);
        return 1;
    }
    wasi_p2_bind(p2, ci);
    cm_func *fn = cm_export_find(ci, name, msg, sizeof msg);
    if (fn == NULL) {
        fprintf(err, "%s: %s\n", path, msg);
        goto done;
    }
    ft = cm_type_get(t, cm_func_type(fn));
    uint32_t need = ft->nfields;
    while (need > 0 && need > (uint32_t)argc &&
           cm_type_get(t, ft->fields[need - 1].type)->kind == CM_OPTION)
        need--;
    if ((uint32_t)argc < need || (uint32_t)argc > ft->nfields) {
        fprintf(err, "%s: %s takes %u argument%s (", path, name, ft->nfields,
                ft->nfields == 1 ? "" : "s");
        for (uint32_t i = 0; i < ft->nfields; i++) {
            char tn[128];
            cm_wave_type_name(t, ft->fields[i].type, tn, sizeof tn);
            fprintf(err, "%s%s: %s", i ? ", " : "", ft->fields[i].label, tn);
        }
        fprintf(err, "), got %d\n", argc);
        goto done;
    }
    args = calloc(ft->nfields + 1, sizeof *args);
    if (args == NULL)
        goto done;
    for (uint32_t i = 0; i < (uint32_t)argc; i++)
        if (!cm_wave_parse(t, ft->fields[i].type, argv[i], strlen(argv[i]), &args[i], msg,
                           sizeof msg)) {
            fprintf(err, "%s: argument %u (%s): %s\n", name, i + 1, ft->fields[i].label, msg);
            goto done;
        }
    c = cm_call_new(ci);
    if (c == NULL || !cm_call_start(c, fn, args, ft->nfields, msg, sizeof msg)) {
        fprintf(err, "%s: %s\n", name, c ? msg : "out of memory");
        goto done;
    }
    wippy_cm_run(c, VM_FUEL_UNLIMITED);
    if (!cm_call_finish(c, &result, msg, sizeof msg)) {
        fprintf(err, "trap: %s\n", msg);
        goto done;
    }
    if (ft->elem != CM_NO_TYPE) {
        cm_wave_print(t, ft->elem, &result, out);
        fputc('\n', out);
    }
    status = 0;
done:
    if (args != NULL)
        for (uint32_t i = 0; i < ft->nfields; i++)
            host_value_free(&args[i]);
    free(args);
    host_value_free(&result);
    cm_call_free(c);
    cm_instance_free(ci);
    wasi_p2_free(p2);
    return status;
}

static int call(const char *path, const char *name, int argc, char **argv, FILE *out, FILE *err)
{
    cm_file *cf;
    int cs = wippy_component_load(path, &cf, err);
    if (cs != -2) {
        if (cf != NULL) {
            cs = component_call(path, cf, name, argc, argv, out, err);
            cm_file_free(cf);
        }
        return cs;
    }
    vm_module *m = wippy_wasm_load(path, err);
    if (m == NULL)
        return 1;
    int status = 1;
    vm_signature sig;
    vm_store *s = NULL;
    vm_thread *t = NULL;
    vm_value *args = NULL, *results = NULL;
    if (!vm_module_export_signature(m, name, &sig)) {
        fprintf(err, "%s: no exported function \"%s\"\n", path, name);
        goto done;
    }
    if ((uint32_t)argc != sig.nparams) {
        fprintf(err, "%s: %s takes %u arguments, got %d\n", path, name, sig.nparams, argc);
        goto done;
    }
    args = calloc(sig.nparams + 1, sizeof *args);
    results = calloc(sig.nresults + 1, sizeof *results);
    if (args == NULL || results == NULL)
        goto done;
    for (int i = 0; i < argc; i++)
        if (!parse_value(argv[i], sig.params[i], &args[i])) {
            fprintf(err, "%s: argument %d: \"%s\" is not a valid %s\n", name, i + 1, argv[i],
                    vm_valtype_name(sig.params[i]));
            goto done;
        }
    vm_error e;
    s = vm_store_new(NULL);
    vm_instance *inst = s ? vm_instantiate(s, m, NULL, &e) : NULL;
    if (inst == NULL) {
        fprintf(err, "%s: %s\n", path, s ? e.message : "out of memory");
        goto done;
    }
    t = vm_thread_new(s);
    if (t == NULL)
        goto done;
    if (vm_call(t, vm_instance_func(inst, name), args, sig.nparams, results, sig.nresults) != VM_DONE) {
        wippy_wasm_print_trap(err, vm_thread_trap(t));
        goto done;
    }
    for (uint32_t i = 0; i < sig.nresults; i++)
        print_value(out, &results[i]);
    status = 0;
done:
    free(args);
    free(results);
    vm_thread_free(t);
    vm_store_free(s);
    vm_module_free(m);
    return status;
}

/* `wasm validate` and `wasm dump` of a component (a file whose header has
 * layer 1): decode and validate it, then print "ok" or its structure.
 * Returns -2 when the file is not a component (a core module: the caller
 * goes on as before). */
static int component_tool(const char *path, bool dump, FILE *out, FILE *err)
{
    size_t size;
    uint8_t *bytes = wippy_read_file(path, &size);
    if (bytes == NULL) {
        fprintf(err, "wippy: cannot read %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!cm_is_component(bytes, size)) {
        free(bytes);
        return -2;
    }
    vm_error e;
    cm_file *f = cm_decode(bytes, size, &e);
    free(bytes);
    if (f == NULL) {
        fprintf(err, "%s: %s\n", path, e.message);
        return 1;
    }
    if (dump)
        cm_dump(f, out);
    else
        fprintf(out, "%s: ok\n", path);
    cm_file_free(f);
    return 0;
}

int wippy_wasm_command(int argc, char **argv, FILE *out, FILE *err)
{
    if ((argc == 2 && !strcmp(argv[0], "validate")) || (argc == 2 && !strcmp(argv[0], "dump"))) {
        int status = component_tool(argv[1], argv[0][0] == 'd', out, err);
        if (status != -2)
            return status;
    }
    if (argc >= 2 && !strcmp(argv[0], "validate") && argc == 2) {
        vm_module *m = wippy_wasm_load(argv[1], err);
        if (m == NULL)
            return 1;
        fprintf(out, "%s: ok\n", argv[1]);
        vm_module_free(m);
        return 0;
    }
    if ((argc == 2 || argc == 3) && !strcmp(argv[0], "dump")) {
        char *end = NULL;
        unsigned long only = argc == 3 ? strtoul(argv[2], &end, 10) : UINT32_MAX;
        if (argc == 3 && (*end != '\0' || end == argv[2]))
            return -1;
        vm_module *m = wippy_wasm_load(argv[1], err);
        if (m == NULL)
            return 1;
        vm_module_dump(m, (uint32_t)only, out);
        vm_module_free(m);
        return 0;
    }
    if (argc >= 3 && !strcmp(argv[0], "call"))
        return call(argv[1], argv[2], argc - 3, argv + 3, out, err);
    if (argc >= 1 && !strcmp(argv[0], "run"))
        return wippy_wasm_run(argc - 1, argv + 1, out, err);
    if (argc >= 2 && !strcmp(argv[0], "serve"))
        return wippy_wasm_serve(argc - 1, argv + 1, out, err);
    return -1;   /* a usage error */
}
