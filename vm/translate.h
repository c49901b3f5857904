/* translate.h — validation and translation of one function body into the
 * internal code (code.h), following the spec's validation algorithm with
 * an operand stack whose entries know the frame slot holding their value.
 * Internal to vm/. */
#ifndef WIPPY_VM_TRANSLATE_H
#define WIPPY_VM_TRANSLATE_H

#include <stdbool.h>

#include "vm/module.h"

/* What the module-level validator has learned that bodies need. */
typedef struct {
    const vm_module *m;
    const bool *declared_refs;  /* per function index: may be named by ref.func */
} vm_translate_env;

/* Validates body number i (a defined function) and stores its translated
 * code in m->funcs[i].code. On failure fills err ("0xOFFSET: message"). */
bool vm_translate_function(const vm_translate_env *env, uint32_t i, vm_error *err);

#endif
