/* fuzz_component.c — a libFuzzer target for the Component Model (`make
 * fuzz` builds it next to the engine's; `make fuzz-component` runs it).
 *
 * Each input is taken as a component binary and goes through the whole
 * pipeline: cm_decode (decode and validate, every embedded core module
 * loaded by vm), cm_instantiate with no host (every import links as a
 * function that traps), then a call of every exported function — top-level
 * ones and those of exported instances — with default arguments built from
 * its parameter types (false, 0, "", [], the first case, none, ok(...)),
 * each with a fuel budget. Results are printed as WAVE and the text parsed
 * back by the result type, which must give the same text again.
 *
 * The store defers core start functions (vm_config.defer_start) and they
 * are never run, so a start function that loops cannot hang the fuzzer;
 * memories are capped at 16 MiB. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/runtime_internal.h"
#include "component/wave.h"

enum { FUEL_PER_CALL = 20000, MAX_CALLS = 64 };

/* A default value of type id (depth-bounded: the runtime refuses types
 * nested deeper than 100 at lift anyway). */
static host_value default_value(const cm_types *t, cm_typeid id, int depth)
{
    const cm_type *n = cm_type_get(t, id);
    if (depth > 110)
        return host_nil();
    switch (n->kind) {
    case CM_BOOL: return host_bool(false);
    case CM_F32: case CM_F64: return host_float(0);
    case CM_CHAR: return host_string("a", 1);
    case CM_STRING: return host_string("", 0);
    case CM_LIST:
    case CM_TUPLE: {
        host_value l = host_list(0);
        uint32_t count = n->kind == CM_TUPLE ? n->nfields : n->length;
        for (uint32_t i = 0; i < count && i < 64; i++)
            host_list_push(&l, default_value(t, n->kind == CM_TUPLE ? n->fields[i].type : n->elem,
                                             depth + 1), NULL);
        return l;
    }
    case CM_RECORD: {
        host_value m = host_map();
        for (uint32_t i = 0; i < n->nfields; i++)
            host_map_set(&m, n->fields[i].label, strlen(n->fields[i].label),
                         default_value(t, n->fields[i].type, depth + 1), NULL);
        return m;
    }
    case CM_VARIANT: {
        host_value m = host_map();
        if (n->nfields > 0)
            host_map_set(&m, n->fields[0].label, strlen(n->fields[0].label),
                         n->fields[0].type == CM_NO_TYPE ? host_bool(true)
                                                         : default_value(t, n->fields[0].type, depth + 1),
                         NULL);
        return m;
    }
    case CM_ENUM:
        return n->nfields > 0 ? host_string(n->fields[0].label, strlen(n->fields[0].label)) : host_nil();
    case CM_FLAGS: return host_map();
    case CM_OPTION: return host_nil();
    case CM_RESULT: {
        host_value m = host_map();
        host_map_set(&m, "ok", 2, n->elem == CM_NO_TYPE ? host_bool(true) : default_value(t, n->elem, depth + 1),
                     NULL);
        return m;
    }
    default: return host_int(0);   /* integers; handles (index 0: refused) */
    }
}

/* Prints r as WAVE, parses the text back and prints it again: the two
 * texts must be the same. */
static void wave_roundtrip(const cm_types *t, cm_typeid type, const host_value *r)
{
    char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    FILE *f = open_memstream(&a, &alen);
    if (f == NULL)
        return;
    cm_wave_print(t, type, r, f);
    fclose(f);
    host_value back;
    char err[256];
    if (strchr(a, '?') == NULL && cm_wave_parse(t, type, a, alen, &back, err, sizeof err)) {
        f = open_memstream(&b, &blen);
        if (f != NULL) {
            cm_wave_print(t, type, &back, f);
            fclose(f);
            /* nan prints the same; a char or string is printed exactly */
            if (strcmp(a, b) != 0)
                abort();
        }
        host_value_free(&back);
    }
    free(a);
    free(b);
}

static void call_func(cm_instance *ci, const cm_file *file, cm_func *fn)
{
    const cm_types *t = &file->types;
    const cm_type *ft = cm_type_get(t, fn->type);
    host_value args[CM_MAX_FLAT * 2 + 1];
    uint32_t n = ft->nfields < CM_MAX_FLAT * 2 ? ft->nfields : CM_MAX_FLAT * 2;
    for (uint32_t i = 0; i < n; i++)
        args[i] = default_value(t, ft->fields[i].type, 1);
    cm_call *c = cm_call_new(ci);
    char err[512];
    if (c != NULL && cm_call_start(c, fn, args, n, err, sizeof err)) {
        vm_status s = cm_call_run(c, FUEL_PER_CALL);
        host_value r = host_nil();
        if (s != VM_OUT_OF_FUEL && s != VM_SUSPENDED && cm_call_finish(c, &r, err, sizeof err) &&
            ft->elem != CM_NO_TYPE)
            wave_roundtrip(t, ft->elem, &r);
        host_value_free(&r);
    }
    cm_call_free(c);
    for (uint32_t i = 0; i < n; i++)
        host_value_free(&args[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vm_error err;
    cm_file *f = cm_decode(data, size, &err);
    if (f == NULL)
        return 0;
    vm_config cfg = { .max_memory_pages = 256, .max_table_elements = 100000, .max_call_depth = 2000,
                      .max_stack_bytes = 1 << 20, .defer_start = true };
    cm_instance *ci = cm_instantiate(f, NULL, &cfg, &err);
    if (ci != NULL) {
        int calls = 0;
        const cm_iobj *top = &ci->top->exports;
        for (uint32_t i = 0; i < top->n && calls < MAX_CALLS; i++) {
            const cm_named *e = &top->items[i];
            if (e->sort == CM_SORT_FUNC) {
                call_func(ci, f, e->item.p);
                calls++;
            } else if (e->sort == CM_SORT_INSTANCE) {
                const cm_iobj *o = e->item.p;
                for (uint32_t j = 0; j < o->n && calls < MAX_CALLS; j++)
                    if (o->items[j].sort == CM_SORT_FUNC) {
                        call_func(ci, f, o->items[j].item.p);
                        calls++;
                    }
            }
        }
        cm_instance_free(ci);
    }
    cm_file_free(f);
    return 0;
}
