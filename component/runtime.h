/* runtime.h — running components: instantiation, host imports, calls.
 *
 * Pipeline: cm_decode() (component.h) → cm_instantiate() with the host's
 * functions → cm_export_find() → a call: cm_call_start() → cm_call_run()
 * with fuel (→ VM_OUT_OF_FUEL: run again; → VM_SUSPENDED: cm_call_complete())
 * → cm_call_finish() lifts the result and runs post-return. cm_invoke()
 * does all of it without a fuel limit.
 *
 * A component instance tree (the top-level component, its nested
 * component instances and every core instance in them) lives in ONE
 * vm_store, owned by the cm_instance; a process owns one. Each component
 * instance has its own resource handle table (resource.c).
 *
 * Host imports: the embedder gives a table of functions, each with the
 * interface name it belongs to ("test:minimal/host@0.1.0", or NULL for a
 * function imported at the top level) and its name. Interfaces match by
 * name and semver: a host at 0.2.Z serves any import at 0.2.x, a host at
 * 1.Y.Z any import at 1.x.y, a host without version only imports without
 * version. An imported function no host provides still links: calling it
 * traps with `unresolved host import "IFACE#NAME": no host provides it`.
 * Resources imported from the host: dropping the last handle of one calls
 * the host's drop hook (cm_instance_set_host_drop), if any; else a no-op.
 *
 * Suspension: a host function may answer "would block": it calls
 * cm_host_would_block() with what it waits for (a cm_wait: a deadline,
 * descriptors) and returns false. In the top-level call, and in calls
 * from one component instance into another that it makes (at any depth),
 * the guest then stops: cm_call_run() reports VM_SUSPENDED,
 * cm_call_waiting() says what for, and once that is ready or due
 * cm_call_complete() calls the host function again with the same
 * arguments (it may block again), lowers its result into the guest, runs
 * the calls between instances on to their ends, and lets cm_call_run() go
 * on. Where a call cannot suspend (nested calls: realloc, post-return,
 * destructors) the runtime waits in place with cm_wait_block() and
 * retries; cm_invoke waits in place for each suspension.
 *
 * Limitations (documented in doc/component-model.md): a lifted function
 * of one component instance lowered into another (an adapter) passes its
 * values through host_values and runs without a fuel limit; guest
 * allocations (realloc) and post-return run as nested calls to completion
 * with CM_ALLOC_FUEL. */
#ifndef WIPPY_COMPONENT_RUNTIME_H
#define WIPPY_COMPONENT_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "component/component.h"
#include "host/value.h"
#include "vm/vm.h"

#define CM_ALLOC_FUEL 100000000u   /* fuel for one realloc or post-return call */

/* A host function: args (nargs of them, lifted from the guest) → *result
 * (NIL when the function has no result). Returns false to trap, with the
 * reason in err. The result is lowered into the guest and then freed. */
typedef bool (*cm_host_fn)(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen);

/* What a host call that would block waits for: ready when any descriptor
 * is ready for what is asked, or when the deadline passes. At most
 * CM_WAIT_FDS descriptors (a host function with more names a deadline soon
 * instead, to look again). */
#define CM_WAIT_FDS 64
typedef struct {
    bool has_deadline;
    uint64_t deadline_ns;    /* CLOCK_MONOTONIC */
    uint32_t nfds;
    struct {
        int fd;
        bool want_read, want_write;
    } fds[CM_WAIT_FDS];
} cm_wait;

typedef struct {
    const char *interface;   /* "ns:pkg/iface@1.2.3", or NULL: a top-level import */
    const char *name;        /* the function's name in it: "add", "[method]r.get" */
    cm_host_fn fn;
    void *user;
} cm_host_func;

typedef struct cm_instance cm_instance;

/* A core module the host supplies (wasmtime's `host` instance exports
 * `simple-module`): `interface` and `name` as for a cm_host_func. The
 * module must outlive every instance that imports it; an importer
 * instantiates it in its own store. Linking checks it against the
 * import's core module type: each export the type declares is in the
 * module with its kind (functions with their signature), and each import
 * of the module is one the type declares. */
typedef struct {
    const char *interface;   /* NULL: a top-level `(import "m" (core module ...))` */
    const char *name;
    const vm_module *module;
} cm_host_module;

/* An instance of another component instance tree the host supplies under
 * an import name (a script's named instance, `(import "c" (instance
 * ...))`): the import's exports are taken from `from`'s top-level exports
 * by name (a missing one: "import \"c\": export \"x\" was not found").
 * Core modules, types and nested instances (of those) can be supplied; a
 * function or component of another tree cannot yet (its store is
 * another): a link error. A resource type is the tree's own: a type node
 * bound to the resources of two trees (`(eq $r)` of an earlier import's
 * r) fails with "mismatched resource types". `from` must outlive the
 * importers. */
typedef struct {
    const char *name;
    cm_instance *from;
} cm_host_instance;

/* What the host supplies. Nested instances: an instance import's export
 * of sort instance is made of the host items whose interface is the
 * import's path joined with '#': the functions and modules of
 * interface "host#nested" make the instance `nested` exported by the
 * import `host` (to any depth, bounded by the type's nesting). Versions
 * match by semver only for a top-level interface name; a nested path
 * matches exactly. Types (resources) need no host item: the host's
 * resources are its cm_host_resource_new handles. */
typedef struct {
    const cm_host_func *funcs;
    size_t nfuncs;
    const cm_host_module *modules;
    size_t nmodules;
    const cm_host_instance *instances;
    size_t ninstances;
} cm_host;
typedef struct cm_func cm_func;   /* a component function (lifted, or a host import) */
typedef struct cm_call cm_call;

/* Instantiates the top-level component of f (which must outlive the
 * instance) with the host's functions (host may be NULL: no host). cfg
 * sets the store's limits (NULL: defaults). NULL with err on failure:
 * "core instance 1: ..." (a core instantiation failed or trapped),
 * "import \"NAME\": a component cannot be supplied by the host", "type
 * nested deeper than 100 levels", ... */
cm_instance *cm_instantiate(const cm_file *f, const cm_host *host, const vm_config *cfg,
                            vm_error *err);

/* cm_instantiate with flags:
 *
 * CM_LINK_STRICT: strict linking (as wasmtime's linker): every import must
 * be supplied, else it fails with VM_ERR_LINK: `import "f" was not found`,
 * `import "i": export "f" was not found`, `import "i": expected instance
 * found func` (the host has a top-level function of that name). An
 * instance import whose type exports no functions (empty, or only types
 * and such empty instances) needs nothing. Without it an import no host
 * provides links and traps when called. */
#define CM_LINK_STRICT 1u
cm_instance *cm_instantiate_flags(const cm_file *f, const cm_host *host, unsigned flags,
                                  const vm_config *cfg, vm_error *err);
void cm_instance_free(cm_instance *ci);

/* The store the instance tree lives in. */
vm_store *cm_instance_store(cm_instance *ci);

/* An exported function: "name" for a top-level func export, "iface#name"
 * for a func in an exported instance ("test-sleep#sleep-ms"). NULL with
 * "no export \"x\"; exports: compute, compute-using-host" in err. */
cm_func *cm_export_find(cm_instance *ci, const char *name, char *err, size_t errlen);

/* The number of top-level exports and the name of the i-th (functions and
 * instances; types and others too). */
uint32_t cm_export_count(const cm_instance *ci);
const char *cm_export_name(const cm_instance *ci, uint32_t i);

/* The function's parameter count and names, for callers that build args. */
uint32_t cm_func_param_count(const cm_func *f);
const char *cm_func_param_name(const cm_func *f, uint32_t i);
/* The function's type: a CM_FUNC node of the file's arena (params in
 * fields, the result in elem or CM_NO_TYPE), for callers that parse or
 * print values by type (the CLI's WAVE text). */
cm_typeid cm_func_type(const cm_func *f);

/* A call object (one vm_thread); reusable for calls one after another. */
cm_call *cm_call_new(cm_instance *ci);
void cm_call_free(cm_call *c);

/* Lowers args into the callee (`parameter count mismatch: expected N, got
 * M`, `argument 1 (a): 300 is out of range for u8`, ...) and sets the call
 * up. False with err when the arguments cannot be lowered (nothing runs).
 * A function that is not lifted (a host import re-exported) is called at
 * once; cm_call_run then reports VM_DONE. */
bool cm_call_start(cm_call *c, cm_func *f, const host_value *args, size_t nargs, char *err,
                   size_t errlen);
/* Runs the call with a fuel budget (VM_FUEL_UNLIMITED for none). */
vm_status cm_call_run(cm_call *c, uint64_t fuel);
/* The fuel left of the budget given to the last cm_call_run. */
uint64_t cm_call_fuel(const cm_call *c);
/* After VM_SUSPENDED: the host call's core results (for a host function
 * the embedder completes itself; not for one that called
 * cm_host_would_block()). */
vm_status cm_call_resume(cm_call *c, const vm_value *results, size_t nresults);
/* After VM_SUSPENDED: what the pending host call waits for; false when
 * none is pending. */
bool cm_call_waiting(const cm_call *c, cm_wait *out);
/* After VM_SUSPENDED, once what cm_call_waiting() named is ready or due
 * (or spuriously): calls the pending host function again. VM_SUSPENDED:
 * it still waits (cm_call_waiting() has the new wait); VM_DONE: its result
 * is in the guest and cm_call_run() goes on; VM_TRAP: the host function or
 * lowering its result failed (cm_call_finish() has the message). When the
 * host call was made inside calls from one component instance into
 * another, those run on to their ends here first (without a fuel limit):
 * VM_SUSPENDED again when one of them makes a host call that waits,
 * VM_TRAP when one fails. */
vm_status cm_call_complete(cm_call *c);
/* Blocks the calling thread until something w names is ready or due
 * (returns at once when w names nothing). */
void cm_wait_block(const cm_wait *w);
/* After VM_DONE or VM_TRAP: lifts the result into *result (NIL for none),
 * runs post-return, ends the call's borrows. False with err for a trap
 * (its message), a result that cannot be lifted, or a callee that kept a
 * borrow it was lent ("borrow handles still remain at the end of the
 * call"). */
bool cm_call_finish(cm_call *c, host_value *result, char *err, size_t errlen);

/* Finds, starts, runs to the end and finishes: the whole call. */
bool cm_invoke(cm_instance *ci, const char *name, const host_value *args, size_t nargs,
               host_value *result, char *err, size_t errlen);

/* Drops an own handle the host holds (one a call returned): runs the
 * resource's destructor. "unknown handle index 3", "cannot drop a
 * resource while it is borrowed". */
bool cm_handle_drop(cm_instance *ci, int64_t handle, char *err, size_t errlen);

/* A new own handle in the host's table for a resource the host
 * implements (rep is the host's own number for it): what a host
 * constructor returns, as an INT. Dropped by a guest or cm_handle_drop,
 * it has no destructor. -1 when out of memory. */
int64_t cm_host_resource_new(cm_instance *ci, uint32_t rep);

/* The rep of a handle the host holds (an own a guest passed or returned
 * to the host): false with "unknown handle index 3" when there is none. */
bool cm_handle_rep(cm_instance *ci, int64_t handle, uint32_t *rep, char *err, size_t errlen);

/* The host's drop hook: called with the rep when the last own handle of a
 * host resource (cm_host_resource_new) is dropped, by a guest or
 * cm_handle_drop, so the host can free it. NULL: none (a no-op drop). */
void cm_instance_set_host_drop(cm_instance *ci, void (*drop)(void *user, uint32_t rep),
                               void *user);

/* bytes: the host functions of ci get their list<u8> and list<s8>
 * arguments as a STRING of the bytes (at most HOST_MAX_VALUE_BYTES; one
 * copy) instead of a LIST of INTs. Off by default. Either way a host
 * function may return a STRING for a list<u8> result. */
void cm_instance_set_host_bytes(cm_instance *ci, bool bytes);

/* Called by a host function (cm_host_fn) of ci that would block, just
 * before it returns false: what it waits for. The runtime then does not
 * trap: it suspends the call (or waits in place) and calls the function
 * again with the same arguments when w is ready or due, so the function
 * must not have done anything the guest can see before blocking. */
void cm_host_would_block(cm_instance *ci, const cm_wait *w);

/* True when an interface name served by the host (`have`) serves an
 * import (`want`): equal names, or equal up to the version with
 * compatible semvers (same major; for 0.x the same minor). */
bool cm_interface_matches(const char *have, const char *want);

#endif
