/* translate.h — validation and translation of one function body into the
 * internal code (code.h), following the spec's validation algorithm with
 * an operand stack whose entries know the frame slot holding their value.
 * Internal to vm/. */
#ifndef WIPPY_VM_TRANSLATE_H
#define WIPPY_VM_TRANSLATE_H

#include <stdbool.h>

#include "vm/module.h"

/* Buffers the translator keeps from one function to the next (a module's
 * bodies are translated one after another, and most are small): the
 * operand and control stacks, check_top's holding area and the locals'
 * types and slots. Starts zeroed; vm_translate_workspace_free() when the
 * module is done. */
typedef struct {
    void *stack, *ctrls, *scratch, *local_types, *local_slots;
    uint32_t stack_cap, ctrls_cap, scratch_cap, locals_cap;
} vm_translate_workspace;

/* What the module-level validator has learned that bodies need. */
typedef struct {
    const vm_module *m;
    const bool *declared_refs;  /* per function index: may be named by ref.func */
    vm_translate_workspace *work;
} vm_translate_env;

/* Validates body number i (a defined function) and stores its translated
 * code in m->funcs[i].code. On failure fills err ("0xOFFSET: message"). */
bool vm_translate_function(const vm_translate_env *env, uint32_t i, vm_error *err);

/* Frees the workspace's buffers. */
void vm_translate_workspace_free(vm_translate_workspace *w);

#endif
