/* code.h — the internal code a function body is translated into.
 *
 * The validator turns each body into an array of 32-bit words: an internal
 * opcode (opcodes.h) followed by its operands. Operands name frame slots:
 * every parameter, local and operand-stack position of the function has a
 * fixed 64-bit slot, numbered from the frame's start (params first, then
 * locals, then the operand stack). So `i32.add` becomes
 *     I32_ADD dst a b        fp[dst] = fp[a] + fp[b]
 * and `local.get` usually disappears: its consumer reads the local's slot.
 * Branch targets are word indexes into the same array, resolved at
 * translation time together with the copies that move a block's results to
 * where its continuation expects them. The interpreter never scans for
 * `end` and never decodes LEB128.
 *
 * A call passes arguments in place: they are the top stack slots of the
 * caller, and the callee's frame starts at the first of them, so its
 * params are already where they belong; its results come back in the same
 * slots. A tail call (return_call) moves the arguments to the frame's
 * first slots instead, where a return leaves results, and the callee
 * takes over the frame. */
#ifndef WIPPY_VM_CODE_H
#define WIPPY_VM_CODE_H

#include <stdint.h>
#include <stdio.h>

/* A call zeroes this many slots after the params without looking at how
 * many declared locals there are (a memset does any beyond). */
#define VM_FRAME_ZEROED 4

/* Where, in the wasm binary, the instruction at a code position came from:
 * for trap messages and backtraces. Sorted by pc. */
typedef struct {
    uint32_t pc;
    uint32_t offset;
} vm_code_line;

typedef struct vm_code {
    uint32_t *words;
    uint32_t nwords;
    uint32_t nparams;       /* the params' slots: 0..nparams-1 */
    uint32_t nlocals;       /* params + declared locals: slots below the operand stack */
    uint32_t frame_slots;   /* params + locals + deepest operand stack, in slots; at
                               least params + VM_FRAME_ZEROED */
    uint32_t nresults;      /* the results' slots */
    vm_code_line *lines;
    uint32_t nlines;
#ifdef VM_PROFILE
    uint64_t *counts;       /* a profile build: how often the instruction at each pc ran */
#endif
} vm_code;

/* Frees a translated body (NULL is fine). */
void vm_code_free(vm_code *c);

/* The first instruction of a group opcode (VM_PAIRS, VM_TRIPLES,
 * VM_QUADS) and, if length is not NULL, how many run in it; else op itself
 * and 1. */
uint32_t vm_group_first(uint32_t op, uint32_t *length);

/* A profile build (-DVM_PROFILE, `make groups-profile`; profile.c):
 * counts every instruction the interpreter runs and translates no groups.
 * vm_profile_start() gives a loaded module's code its counters;
 * vm_profile_write() appends its dump, each instruction with its count,
 * to the file $WIPPY_PROFILE (if set) — when it is freed, or at exit. */
#ifdef VM_PROFILE
struct vm_module;
void vm_profile_start(struct vm_module *m);
void vm_profile_write(struct vm_module *m);
#endif

/* The byte offset in the module of the instruction translated at pc. */
uint32_t vm_code_offset(const vm_code *c, uint32_t pc);

#endif
