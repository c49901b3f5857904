/* runtime.h — the objects a store holds at run time: function, memory,
 * table and global instances, module instances, and the thread that runs
 * calls. Internal to vm/; vm.h declares them opaque.
 *
 * Values live in 64-bit slots: i32 zero-extended, i64 as is, f32/f64 as
 * their bits, references as pointer bits (0 = null), a v128 in two
 * consecutive slots (vm_v128_lo then vm_v128_hi of simd_lanes.h). */
#ifndef WIPPY_VM_RUNTIME_H
#define WIPPY_VM_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/code.h"
#include "vm/module.h"
#include "vm/vm.h"

struct vm_func {
    vm_signature sig;
    uint64_t type_hash;          /* vm_functype.hash of the signature */
    vm_host_fn host;             /* NULL for wasm functions */
    void *user;
    vm_instance *instance;       /* wasm: the instance the function belongs to */
    uint32_t index;              /* wasm: index in its module's function space */
    const vm_code *code;         /* wasm: the translated body */
    vm_valtype *owned_types;     /* host: its own copy of the signature's types */
};

struct vm_memory {
    uint8_t *data;
    uint64_t size;               /* bytes = pages * 65536 */
    uint32_t pages, max_pages;   /* max_pages: declared max, capped by the store's limit */
    bool has_max;                /* a maximum was declared */
    bool mapped;                 /* data is an anonymous mapping, not malloc'd (store.c) */
};

struct vm_table {
    vm_valtype elem;
    uint64_t *elems;             /* references as slot bits */
    uint32_t size, max;          /* max: declared max, capped by the store's limit */
    bool has_max;
};

struct vm_global {
    vm_valtype type;
    bool mutable_;
    uint64_t value[2];           /* slot bits: value[0], and value[1] too for a v128 */
};

struct vm_instance {
    const vm_module *module;
    vm_store *store;
    vm_func **funcs;             /* every function of the module's index space */
    vm_func *own_funcs;          /* the module's own functions (funcs past the imports point here) */
    vm_table **tables;
    vm_memory **memories;
    vm_global **globals;
    uint64_t **elem_items;       /* per element segment: its references, evaluated */
    uint32_t *elem_counts;       /* per element segment: 0 once dropped */
    bool *data_dropped;          /* per data segment */
};

/* Everything a store made, freed with it. */
typedef struct vm_owned {
    struct vm_owned *next;
    enum { OWN_INSTANCE, OWN_FUNC, OWN_MEMORY, OWN_TABLE, OWN_GLOBAL } kind;
    void *object;
} vm_owned;

struct vm_store {
    vm_config config;            /* with defaults filled in */
    vm_owned *owned;
};

/* Records an object for vm_store_free(); false (object untouched) when out of memory. */
bool vm_store_own(vm_store *s, int kind, void *object);

/* One activation on a thread's frame stack. */
typedef struct {
    const vm_func *func;
    const uint32_t *pc;          /* where to continue in func when the callee returns */
    uint64_t fp;                 /* slot index of the frame's first slot */
} vm_frame;

struct vm_caller {
    vm_thread *thread;
    vm_instance *instance;       /* the calling instance, or NULL for the embedder */
};

struct vm_thread {
    vm_store *store;
    uint64_t *slots;             /* the value stack */
    uint64_t nslots, max_slots;
    vm_frame *frames;
    uint32_t nframes, frames_cap, max_frames;
    enum { THREAD_IDLE, THREAD_READY, THREAD_SUSPENDED, THREAD_DONE, THREAD_TRAPPED } state;
    const vm_func *entry;        /* the function vm_call_start() called */
    const vm_func *suspended;    /* the host function waiting for vm_resume() */
    uint64_t suspended_fp;       /* where its results go */
    uint64_t fuel;
    vm_trap trap;
    char trap_message[256];
    vm_frame_info *trace;
    uint32_t ntrace, trace_cap;
};

/* The interpreter: runs the thread's top frame until the entry call
 * returns, a trap, a suspension, or fuel runs out (interp.c). */
vm_status vm_interpret(vm_thread *t);

/* Calls host function f with arguments (and results) at slot fp (thread.c). */
vm_status vm_call_host(vm_thread *t, const vm_func *f, vm_instance *caller, uint64_t fp);

/* Records a trap with its backtrace; returns VM_TRAP (thread.c). */
vm_status vm_thread_set_trap(vm_thread *t, vm_trap_kind kind, const char *message,
                             const uint32_t *pc);

/* Makes room for a frame of `slots` slots starting at slot index fp and
 * one more frame record; false after setting a stack-exhausted trap. */
bool vm_thread_reserve(vm_thread *t, uint64_t fp, uint64_t slots);

/* The same for the slots alone: a tail call reuses its frame record. */
bool vm_thread_reserve_slots(vm_thread *t, uint64_t fp, uint64_t slots);


/* The pool of released memory mappings (memory_pool.c): take gives a
 * zeroed anonymous mapping of exactly size bytes from the pool, or NULL
 * (then mmap one); give resets a mapping of size bytes (MADV_DONTNEED)
 * and keeps it, or returns false when the pool is full or the mapping too
 * large (then munmap it). */
void *vm_memory_pool_take(uint64_t size);
bool vm_memory_pool_give(void *data, uint64_t size);

/* Looks up and type-checks one import (linker.c). */
bool vm_linker_resolve(const vm_linker *l, vm_store *s, const vm_module *m, const vm_import *imp,
                       void **out, vm_error *err);

/* Grows a table by delta elements set to init; the old size or -1 (store.c). */
int64_t vm_table_grow(vm_table *t, uint32_t delta, uint64_t init);

/* Slot bits as a value of a type (one slot: never a v128). */
vm_value vm_value_from_bits(vm_valtype type, uint64_t bits);

/* Values ↔ slots of any type: writes (reads) vm_valtype_slots(type)
 * slots at `slots`; returns how many. */
uint32_t vm_value_to_slots(const vm_value *v, uint64_t *slots);
uint32_t vm_value_from_slots(vm_valtype type, const uint64_t *slots, vm_value *out);

/* Structural equality of signatures. */
bool vm_signature_equal(const vm_signature *a, const vm_signature *b);

/* Copies a signature's params then results into types. */
void vm_signature_copy_types(vm_valtype *types, const vm_signature *sig);

/* Signature of a module type as the public struct. */
vm_signature vm_signature_of(const vm_functype *t);

#endif
