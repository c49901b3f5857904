/* vm.h — the WebAssembly engine's embedding API.
 *
 * Pipeline: bytes → vm_module_load() (decode, validate, translate; the
 * module is immutable and may be shared across threads; the proposals
 * beyond Wasm 2.0 it may use are VM_FEATURE_* bits, all on by default,
 * chosen with vm_module_load_features()) → vm_instantiate()
 * into a vm_store with imports from a vm_linker → calls on a vm_thread.
 *
 * Calls are resumable: vm_call_start() sets a call up, vm_run() executes
 * it with a fuel budget and returns VM_DONE, VM_TRAP, VM_SUSPENDED (a host
 * function asked to wait) or VM_OUT_OF_FUEL; after VM_OUT_OF_FUEL another
 * vm_run() continues exactly where it stopped, after VM_SUSPENDED
 * vm_resume() hands the host call its results first. No wasm call ever
 * recurses on the C stack: frames and operands live in the thread.
 *
 * Depends on libc only. No global mutable state: everything hangs off a
 * store, a linker or a thread the caller owns. A store and the threads
 * running in it are used by one OS thread at a time. */
#ifndef WIPPY_VM_H
#define WIPPY_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- values ---- */

typedef enum {
    VM_I32 = 0x7f,
    VM_I64 = 0x7e,
    VM_F32 = 0x7d,
    VM_F64 = 0x7c,
    VM_V128 = 0x7b,
    VM_FUNCREF = 0x70,
    VM_EXTERNREF = 0x6f
} vm_valtype;

typedef enum {
    VM_EXTERN_FUNC = 0,
    VM_EXTERN_TABLE = 1,
    VM_EXTERN_MEMORY = 2,
    VM_EXTERN_GLOBAL = 3
} vm_externkind;

typedef struct vm_func vm_func;         /* a wasm function of an instance, or a host function */
typedef struct vm_table vm_table;
typedef struct vm_memory vm_memory;
typedef struct vm_global vm_global;
typedef struct vm_module vm_module;
typedef struct vm_store vm_store;
typedef struct vm_instance vm_instance;
typedef struct vm_linker vm_linker;
typedef struct vm_thread vm_thread;

/* A value. Floats are kept as their bit patterns so NaN payloads survive;
 * references are pointers, NULL being the null reference. An externref is
 * whatever pointer the embedder chose. */
typedef struct {
    vm_valtype type;
    union {
        uint32_t i32;
        uint64_t i64;
        uint32_t f32;     /* IEEE 754 binary32 bits */
        uint64_t f64;     /* IEEE 754 binary64 bits */
        vm_func *func;    /* VM_FUNCREF */
        void *ref;        /* VM_EXTERNREF */
        uint8_t v128[16]; /* VM_V128: its 16 bytes in memory order (lane 0 first,
                             lanes little-endian), as v128.load would read them */
    } of;
} vm_value;

/* "i32", "i64", "f32", "f64", "v128", "funcref", "externref". */
const char *vm_valtype_name(vm_valtype t);

/* ---- errors ---- */

/* Why loading or instantiating failed. Decode and validation errors start
 * with the byte offset: "0x1c: unexpected end of section". */
typedef enum {
    VM_ERR_NONE = 0,
    VM_ERR_MALFORMED,     /* the binary format is broken */
    VM_ERR_INVALID,       /* decodes, but does not validate */
    VM_ERR_LINK,          /* an import is missing or has the wrong type */
    VM_ERR_TRAP,          /* instantiation trapped (segment out of bounds, start trapped) */
    VM_ERR_LIMIT,         /* an embedder limit (memory pages, table size) was exceeded */
    VM_ERR_UNSUPPORTED,   /* valid WebAssembly this engine does not run (none of Wasm 2.0:
                             every instruction, SIMD included, runs) */
    VM_ERR_NOMEM
} vm_error_kind;

typedef struct {
    vm_error_kind kind;
    char message[256];
} vm_error;

/* ---- features: proposals beyond Wasm 2.0 ---- */

/* Each bit enables one finished WebAssembly proposal on top of the Wasm 2.0
 * core. With a bit clear, a module using that proposal is refused exactly
 * as a Wasm 2.0 engine refuses it (e.g. "multiple memories", "constant
 * expression required"). */
enum {
    VM_FEATURE_TAIL_CALL = 1u << 0,       /* return_call, return_call_indirect: the
                                             callee replaces the caller's frame */
    VM_FEATURE_EXTENDED_CONST = 1u << 1,  /* i32/i64 add, sub, mul in constant expressions */
    VM_FEATURE_MULTI_MEMORY = 1u << 2,    /* several memories per module, memory
                                             indices in memory instructions */
    VM_FEATURES_ALL = 7u                  /* every feature above */
};

/* Not a proposal but a translation choice, also given to
 * vm_module_load_features(): translate no superinstruction groups
 * (vm/groups.h), every instruction dispatched on its own. Results are the
 * same either way; the differential fuzzer (doc/fuzzing.md) checks that. */
enum { VM_LOAD_NO_GROUPS = 1u << 16 };

/* ---- modules ---- */

/* Decodes, validates and translates a binary module with every feature
 * enabled (VM_FEATURES_ALL). Returns NULL and fills err on any problem.
 * The bytes are copied; the caller keeps its buffer. */
vm_module *vm_module_load(const uint8_t *bytes, size_t size, vm_error *err);

/* The same with only the features given (VM_FEATURE_* bits; 0 is plain
 * Wasm 2.0, SIMD included), and VM_LOAD_NO_GROUPS if wanted. Other bits
 * are ignored. */
vm_module *vm_module_load_features(const uint8_t *bytes, size_t size, unsigned features,
                                   vm_error *err);

/* Frees a module. Instances made from it must be gone (their store freed). */
void vm_module_free(vm_module *m);

/* A function signature (pointers stay valid as long as their owner). */
typedef struct {
    uint32_t nparams, nresults;
    const vm_valtype *params, *results;
} vm_signature;

/* The module's imports and exports, for embedders that list or check them. */
uint32_t vm_module_import_count(const vm_module *m);
void vm_module_import(const vm_module *m, uint32_t i, const char **module, const char **name,
                      vm_externkind *kind);
uint32_t vm_module_export_count(const vm_module *m);
void vm_module_export(const vm_module *m, uint32_t i, const char **name, vm_externkind *kind);
/* The signature of an exported function; false when there is no such export. */
bool vm_module_export_signature(const vm_module *m, const char *name, vm_signature *sig);
/* The signature of an imported function (import index i). */
bool vm_module_import_signature(const vm_module *m, uint32_t i, vm_signature *sig);

/* The type of a table, memory or global import or export, for embedders
 * that check one module's export against another's import. */
typedef struct {
    vm_valtype type;      /* a table's element type, a global's value type */
    bool mutable_;        /* a global */
    uint32_t min, max;    /* a table's or memory's limits (memory: 64 KiB pages) */
    bool has_max;         /* max meaningful only when set */
} vm_externtype;
/* The type of import i; false when it is a function. */
bool vm_module_import_type(const vm_module *m, uint32_t i, vm_externtype *out);
/* The type of export i; false when it is a function. */
bool vm_module_export_type(const vm_module *m, uint32_t i, vm_externtype *out);

/* Prints the internal code the translator made of each defined function
 * (or only of function index `only`, when it is not UINT32_MAX), an
 * instruction a line: for reading and tuning the translator. */
void vm_module_dump(const vm_module *m, uint32_t only, FILE *out);

/* ---- stores: where instances, memories, tables and globals live ---- */

/* Limits an embedder sets; 0 means the default. */
typedef struct {
    uint32_t max_memory_pages;    /* default 65536 (4 GiB) */
    uint32_t max_table_elements;  /* default 10,000,000 */
    uint32_t max_call_depth;      /* default 100,000 frames */
    size_t max_stack_bytes;       /* value stack, default 256 MiB */
    bool defer_start;             /* vm_instantiate() leaves the start function to the
                                     embedder (vm_instance_start), to run resumably */
} vm_config;

/* A store owns every instance, memory, table, global and host function made
 * in it; they are freed together by vm_store_free(). Returns NULL when out
 * of memory. cfg may be NULL for defaults. */
vm_store *vm_store_new(const vm_config *cfg);
void vm_store_free(vm_store *s);

/* Objects made directly by the embedder (e.g. the spec's "spectest"). */
vm_memory *vm_memory_new(vm_store *s, uint32_t min_pages, uint32_t max_pages, bool has_max);
vm_table *vm_table_new(vm_store *s, vm_valtype elem, uint32_t min, uint32_t max, bool has_max);
vm_global *vm_global_new(vm_store *s, vm_value init, bool mutable_);

/* ---- host functions ---- */

typedef enum {
    VM_HOST_DONE,      /* results are written */
    VM_HOST_TRAP,      /* vm_host_trap() was called */
    VM_HOST_SUSPEND    /* the call waits; vm_resume() will bring its results */
} vm_host_status;

typedef struct vm_caller vm_caller;   /* the context of one host call */

/* A host function: reads args (as many as its signature says), writes
 * results, returns DONE; or traps; or suspends. */
typedef vm_host_status (*vm_host_fn)(vm_caller *caller, const vm_value *args, vm_value *results,
                                      void *user);

/* In a host function: the calling instance's memory of that index (in its
 * module's memory index space, imports first; with multi-memory there may
 * be several), or NULL when there is none (or no calling instance). WASI
 * uses index 0. */
vm_memory *vm_caller_memory(vm_caller *caller, uint32_t index);
/* In a host function: the thread making the call. */
vm_thread *vm_caller_thread(vm_caller *caller);
/* In a host function: records a trap message; return VM_HOST_TRAP after it. */
vm_host_status vm_host_trap(vm_caller *caller, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Makes a host function object in a store (to put in tables or call). */
vm_func *vm_func_new_host(vm_store *s, const vm_signature *sig, vm_host_fn fn, void *user);

/* The signature of any function. */
void vm_func_signature(const vm_func *f, vm_signature *sig);

/* ---- linking ---- */

/* A linker maps (module, name) to host functions and to other instances'
 * exports. It copies the names; the objects must outlive instantiation. */
vm_linker *vm_linker_new(void);
void vm_linker_free(vm_linker *l);
/* Defines one import. False when out of memory. A later definition of the
 * same (module, name) replaces the earlier one. */
bool vm_linker_define_host(vm_linker *l, const char *module, const char *name,
                           const vm_signature *sig, vm_host_fn fn, void *user);
bool vm_linker_define_func(vm_linker *l, const char *module, const char *name, vm_func *f);
bool vm_linker_define_table(vm_linker *l, const char *module, const char *name, vm_table *t);
bool vm_linker_define_memory(vm_linker *l, const char *module, const char *name, vm_memory *m);
bool vm_linker_define_global(vm_linker *l, const char *module, const char *name, vm_global *g);
/* Defines every export of an instance under the module name. */
bool vm_linker_define_instance(vm_linker *l, const char *module, vm_instance *inst);

/* ---- instances ---- */

/* Resolves imports through the linker (the spec's matching rules), creates
 * memories, tables and globals, applies element and data segments and runs
 * the start function (to completion; it may not suspend). Returns NULL with
 * err on failure; effects on imported objects made before a trap remain,
 * as Wasm 2.0 requires. The instance belongs to the store. */
vm_instance *vm_instantiate(vm_store *s, const vm_module *m, const vm_linker *l, vm_error *err);

/* Exports by name; NULL when absent or of another kind. */
vm_func *vm_instance_func(const vm_instance *inst, const char *name);
vm_table *vm_instance_table(const vm_instance *inst, const char *name);
vm_memory *vm_instance_memory(const vm_instance *inst, const char *name);
vm_global *vm_instance_global(const vm_instance *inst, const char *name);
const vm_module *vm_instance_module(const vm_instance *inst);
/* The module's start function, or NULL. vm_instantiate() runs it unless
 * the store was made with defer_start; then the embedder calls it like any
 * other function (with fuel, able to suspend) before using the instance. */
vm_func *vm_instance_start(const vm_instance *inst);
/* Any export by name and length (names may contain NUL bytes): a vm_func*,
 * vm_table*, vm_memory* or vm_global* as kind says, or NULL. */
void *vm_instance_export(const vm_instance *inst, const char *name, size_t name_len,
                         vm_externkind kind);

vm_value vm_global_get(const vm_global *g);
vm_valtype vm_global_type(const vm_global *g, bool *mutable_);
/* Sets a mutable global; false when immutable or of another type. */
bool vm_global_set(vm_global *g, vm_value v);

/* Memory: current size in bytes, its bytes (valid until it grows), and
 * bounds-checked copies (false when [offset, offset+len) is outside). */
uint64_t vm_memory_size(const vm_memory *m);
uint8_t *vm_memory_data(vm_memory *m);
bool vm_memory_read(const vm_memory *m, uint64_t offset, void *out, size_t len);
bool vm_memory_write(vm_memory *m, uint64_t offset, const void *in, size_t len);
/* Grows by delta pages; returns the old size in pages, or -1. */
int64_t vm_memory_grow(vm_memory *m, uint32_t delta);

uint32_t vm_table_size(const vm_table *t);
bool vm_table_get(const vm_table *t, uint32_t i, vm_value *out);

/* ---- threads and resumable calls ---- */

typedef enum {
    VM_DONE,           /* the call returned; results are ready */
    VM_TRAP,           /* the call trapped; see vm_thread_trap() */
    VM_SUSPENDED,      /* a host function suspended; vm_resume() then vm_run() */
    VM_OUT_OF_FUEL     /* the budget ran out; vm_run() again to continue */
} vm_status;

#define VM_FUEL_UNLIMITED UINT64_MAX

typedef enum {
    VM_TRAP_NONE = 0,
    VM_TRAP_UNREACHABLE,          /* "unreachable" */
    VM_TRAP_INTEGER_OVERFLOW,     /* "integer overflow" */
    VM_TRAP_DIVIDE_BY_ZERO,       /* "integer divide by zero" */
    VM_TRAP_INVALID_CONVERSION,   /* "invalid conversion to integer" */
    VM_TRAP_MEMORY_OUT_OF_BOUNDS, /* "out of bounds memory access" */
    VM_TRAP_TABLE_OUT_OF_BOUNDS,  /* "out of bounds table access" */
    VM_TRAP_UNDEFINED_ELEMENT,    /* "undefined element" */
    VM_TRAP_UNINITIALIZED_ELEMENT,/* "uninitialized element" */
    VM_TRAP_INDIRECT_MISMATCH,    /* "indirect call type mismatch" */
    VM_TRAP_NULL_REFERENCE,       /* "null reference" */
    VM_TRAP_STACK_EXHAUSTED,      /* "call stack exhausted" */
    VM_TRAP_HOST,                 /* a host function trapped: its message */
    VM_TRAP_BAD_CALL              /* wrong argument count or types given to vm_call_start */
} vm_trap_kind;

/* One frame of a trap's backtrace, innermost first. */
typedef struct {
    uint32_t func_index;          /* in its module's function index space */
    const char *name;             /* from the name section, or NULL */
    uint32_t code_offset;         /* byte offset in the module of the instruction */
    bool host;                    /* a host function (no index, offset) */
} vm_frame_info;

typedef struct {
    vm_trap_kind kind;
    const char *message;          /* the spec's text, or the host's */
    const vm_frame_info *frames;
    uint32_t nframes;
} vm_trap;

/* A thread runs one call at a time in a store. NULL when out of memory. */
vm_thread *vm_thread_new(vm_store *s);
void vm_thread_free(vm_thread *t);

/* Sets up a call of f with args (checked against its signature: a mismatch
 * returns VM_TRAP with VM_TRAP_BAD_CALL). Returns VM_DONE when set up;
 * nothing runs until vm_run(). */
vm_status vm_call_start(vm_thread *t, vm_func *f, const vm_value *args, size_t nargs);

/* Runs the current call until it returns, traps, suspends or has used
 * fuel units (one per function entry and per loop iteration). */
vm_status vm_run(vm_thread *t, uint64_t fuel);

/* Completes the suspended host call with its results; vm_run() continues. */
vm_status vm_resume(vm_thread *t, const vm_value *results, size_t nresults);

/* After VM_DONE: copies up to max results, returns how many there are. */
size_t vm_thread_results(const vm_thread *t, vm_value *out, size_t max);

/* After VM_TRAP: what happened (valid until the next call on t). */
const vm_trap *vm_thread_trap(const vm_thread *t);

/* Fuel left from the last vm_run() budget. */
uint64_t vm_thread_fuel(const vm_thread *t);

/* How much stack a thread uses: the wasm frames of its call now (0 once
 * it has returned), and the capacities its frame and value stacks have
 * grown to. Stacks grow on demand and never
 * shrink, so the capacities are high-water marks over the thread's life
 * (rounded up to a power of two). A chain of tail calls (return_call)
 * keeps all three constant. */
typedef struct {
    uint32_t frames;              /* wasm frames active */
    uint32_t frames_capacity;     /* frame records allocated */
    uint64_t slots_capacity;      /* 64-bit value slots allocated */
} vm_stack_usage;
vm_stack_usage vm_thread_stack_usage(const vm_thread *t);

/* Start, then run without a fuel limit. A host function that suspends
 * here makes it trap ("host function suspended outside a scheduler"). */
vm_status vm_call(vm_thread *t, vm_func *f, const vm_value *args, size_t nargs,
                  vm_value *results, size_t nresults);

/* The text of a trap kind ("integer divide by zero", ...). */
const char *vm_trap_text(vm_trap_kind kind);

#endif
