/* runtime_internal.h — what instance.c, link.c, call.c and resource.c share
 * (not public): the runtime items of the index spaces, component instances,
 * functions, handle tables.
 *
 *   instance.c  cm_instantiate: replaying definitions, the instance stack
 *   import.c    the imports the host supplies (functions, core modules,
 *               nested instances, instances of other trees)
 *   link.c      host imports (semver), the canon lower trampoline
 *   adapter.c   calls from one component instance into another; their
 *               frames while a host call beneath them waits
 *   call.c      calls from C, nested guest calls (realloc, post-return)
 *   resource.c  handle tables, resource.new/drop/rep, own/borrow hooks */
#ifndef WIPPY_COMPONENT_RUNTIME_INTERNAL_H
#define WIPPY_COMPONENT_RUNTIME_INTERNAL_H

#include "component/abi.h"
#include "component/runtime.h"

typedef struct cm_inst cm_inst;
typedef struct cm_iobj cm_iobj;
typedef struct cm_core_inst cm_core_inst;

/* One item of an index space: p for every sort but types, whose id is t.
 *   core func vm_func*, core table vm_table*, core memory vm_memory*,
 *   core global vm_global*, core module const vm_module*, core instance
 *   cm_core_inst*, func cm_func*, component cm_compdef*, instance cm_iobj*. */
typedef struct {
    void *p;
    cm_typeid t;
} cm_item;

typedef struct {
    const char *name;
    cm_sort sort;
    cm_item item;
} cm_named;

/* A component instance value: its exports by name. */
struct cm_iobj {
    uint32_t n, cap;
    cm_named *items;
};

struct cm_core_inst {
    vm_instance *vm;          /* instantiated, or NULL: a bundle of inline exports */
    uint32_t n;
    const char **names;
    vm_externkind *kinds;
    void **items;
};

/* A component definition with its lexical parent instance (outer aliases). */
typedef struct {
    const cm_component *def;
    cm_inst *parent;
} cm_compdef;

typedef enum { CM_FN_LIFTED, CM_FN_HOST, CM_FN_UNRESOLVED } cm_fn_kind;

struct cm_func {
    cm_fn_kind kind;
    cm_typeid type;           /* a CM_FUNC node */
    const char *name;         /* for messages: "iface#name" or the export name */
    /* lifted */
    cm_inst *inst;            /* its component instance (handles) */
    vm_func *core, *realloc, *post_return;
    vm_memory *memory;
    cm_string_encoding encoding;
    /* host */
    const cm_host_func *host;
    const char *why;          /* unresolved: the reason */
};

/* A handle table entry (CanonicalABI.md ResourceHandle). */
typedef struct {
    bool used, own;
    cm_typeid rt;             /* the resource type node */
    cm_inst *impl;            /* the instance that defines it (NULL: the host) */
    uint32_t rep;
    uint32_t lend_count;      /* own: borrows of it outstanding */
    uint32_t borrow_of;       /* borrow: the call scope it belongs to */
    uint32_t adapter_depth;   /* host table: a borrow lent for the adapter call at
                                 this depth (1..), released when it returns; 0: none */
    cm_inst *lender;          /* such a borrow of an own: the caller's table, */
    uint32_t lender_index;    /* and the own handle lent (its lend_count) */
    uint32_t next_free;
} cm_handle;

struct cm_inst {
    cm_instance *root;
    cm_inst *parent;          /* lexical parent (outer aliases), NULL at the top */
    const cm_component *def;
    cm_item *spaces[CM_NSORTS];
    cm_iobj exports;
    cm_handle *handles;       /* index 0 is never used */
    uint32_t nhandles, cap_handles, free_handle;
    uint32_t num_borrows;     /* borrows lent to a call into this instance, not yet dropped */
    uint32_t adapter_depth;   /* host side: adapter calls in progress */
    uint32_t adapter_borrows; /* host side: temporary borrows of those calls */
    struct cm_rsub { cm_typeid from, to; } *rsub;   /* type nodes this instance's
                                 imports, aliases and exports stand for (resource.c) */
    uint32_t nrsub, cap_rsub;
    bool may_leave;
    cm_inst *next_all;        /* every cm_inst of the tree, for freeing the tables */
};

/* canon lower (link.c): a core function lowering target into inst. */
typedef struct cm_lower_ctx {
    cm_inst *inst;
    cm_func *target;
    vm_memory *memory;
    vm_func *realloc;
    cm_string_encoding enc;
    uint32_t nparams;         /* core parameters */
} cm_lower_ctx;

/* A host call that answered CM_HOST_BLOCKED where the call may suspend
 * and waits (link.c): the guest's thread (the top-level call's, or the
 * innermost adapter frame's) is suspended in its trampoline. */
typedef struct {
    bool active;
    cm_lower_ctx *lc;         /* the lowered import */
    host_value *args;         /* lifted once, passed again at each retry */
    uint32_t nargs;
    uint32_t retptr;          /* where a result of more than one flat value goes */
    cm_wait wait;
} cm_pending;

/* Adapter calls between component instances nest at most this deep
 * (adapter.c: deeper traps); each level is a C frame of the trampoline. */
#define CM_MAX_ADAPTER_DEPTH 64

/* An adapter call suspended while a host call beneath it waits
 * (adapter.c): the callee's core call, on a thread of its own, is
 * suspended in a trampoline; when it returns, its result goes to the
 * caller, whose thread is suspended in the trampoline of lc. */
typedef struct {
    cm_lower_ctx *lc;         /* the caller's lowered import; lc->target the callee */
    vm_thread *thread;        /* the callee's core call */
    uint32_t retptr;          /* the caller's return pointer (a result of more than one flat value) */
} cm_adapter_frame;

struct cm_instance {
    const cm_file *file;
    const cm_host *host;
    unsigned flags;           /* CM_LINK_STRICT */
    vm_store *store;
    cm_inst *top;
    cm_inst *hostside;        /* the host's handle table (no definitions) */
    cm_inst *all;             /* every cm_inst made */
    struct cm_rt_chunk *chunks;  /* cm_rt_alloc's arena: everything allocated for the tree */
    size_t chunk_used, chunk_cap;   /* bytes used and held in the newest chunk */
    struct cm_xres {          /* import.c: resource types of other trees bound to */
        cm_typeid node;       /* this node of the file by an import: */
        const cm_instance *from;   /* the tree */
        cm_typeid id;         /* and the resource there (resolved in its top scope) */
    } *xres;
    uint32_t nxres, cap_xres;
    uint32_t nested;          /* nested calls running (realloc, post-return,
                                 destructors: they cannot suspend) */
    cm_pending pending;       /* link.c: a suspended host call */
    cm_adapter_frame *frames; /* adapter.c: the suspended adapter calls, outermost
                                 first (index depth - 1; CM_MAX_ADAPTER_DEPTH) */
    uint32_t nframes;
    vm_thread *spare;         /* adapter.c: a thread kept for the next adapter call */
    bool blocked;             /* the host function just called would block ... */
    cm_wait blocked_wait;     /* ... on this (cm_host_would_block) */
    void (*host_drop)(void *user, uint32_t rep);   /* cm_instance_set_host_drop */
    void *host_drop_user;
    bool host_bytes;          /* cm_instance_set_host_bytes */
};

/* Zeroed memory owned by the instance tree; NULL when out of memory. */
void *cm_rt_alloc(cm_instance *ci, size_t n);
char *cm_rt_strdup(cm_instance *ci, const char *s);

/* instance.c: fills err (kind, printf-style message); returns false. */
bool cm_rt_fail(vm_error *err, vm_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* instance.c: adds an export to an instance value (false: out of memory);
 * finds one by name (NULL: none). */
bool cm_iobj_add(cm_instance *ci, cm_iobj *o, const char *name, cm_sort sort, cm_item item);
const cm_named *cm_iobj_find(const cm_iobj *o, const char *name);

/* import.c: a top-level import (definition d of in) supplied by the host:
 * its functions, core modules, instances of those (nested) and the
 * instances of other trees it names (cm_host_instance). */
bool cm_import_from_host(cm_inst *in, const cm_def *d, vm_error *err);

/* link.c: the host function serving an import, or NULL. */
const cm_host_func *cm_host_lookup(const cm_host *host, const char *iface, const char *name);
/* link.c: a core function that lowers target (canon lower) into inst. */
vm_func *cm_lower_func(cm_inst *inst, cm_func *target, vm_memory *memory, vm_func *realloc,
                       cm_string_encoding enc, char *err, size_t errlen);

/* link.c: lowers a call's result into the caller of lc: flat into
 * results[0], or stored at retptr. False with the message in err. */
bool cm_lower_result(cm_lower_ctx *lc, host_value *result, vm_value *results, uint32_t retptr,
                     char *err, size_t errlen);
/* link.c: the number of core results of lc's core function (0 or 1). */
size_t cm_lower_nresults(const cm_lower_ctx *lc);

/* adapter.c: the adapter path of the trampoline: calls lc->target (a
 * lifted function of another instance) with vals (np values lifted from
 * the caller; the caller frees them), inside cm_adapter_begin (the caller
 * ran it) and ends it (at once, or when its frame ends). VM_HOST_DONE with the result lowered; VM_HOST_TRAP; or
 * VM_HOST_SUSPEND when a host call beneath it waits and the call may
 * suspend (ci->nested == 0): the frame is kept on ci. */
vm_host_status cm_adapter_call(vm_caller *caller, cm_lower_ctx *lc, const host_value *vals,
                               uint32_t np, uint32_t retptr, vm_value *results);
/* adapter.c: the thread a completed pending host call resumes: the
 * innermost adapter frame's, else top (the top-level call's). */
vm_thread *cm_adapter_inner(cm_instance *ci, vm_thread *top);
/* adapter.c: after the pending host call beneath the adapter frames
 * was retried with status st (not VM_SUSPENDED): VM_DONE (the innermost
 * frame's thread resumed) runs the frames on, innermost first, each
 * callee to its end and its result lowered into its caller, until top
 * (the top-level call's thread) is resumed: VM_DONE; VM_SUSPENDED when a
 * host call waits again (new frames kept); VM_TRAP (st, or a frame
 * failing) with the message in err, prefixed as the trampolines would
 * have, and every frame freed. */
vm_status cm_adapter_unwind(cm_instance *ci, vm_thread *top, vm_status st, char *err,
                            size_t errlen);
/* adapter.c: forgets the suspended adapter frames (a call freed,
 * restarted or trapped while suspended): their threads, the borrows
 * lent to their callees. With cm_pending_clear: cm_suspension_clear. */
void cm_adapter_clear(cm_instance *ci);
/* adapter.c: forgets everything a suspended call keeps on ci (the
 * pending host call, the adapter frames); frees the spare thread too
 * when all. */
void cm_suspension_clear(cm_instance *ci, bool all);

/* link.c: retries the pending host call (cm_call_complete): VM_SUSPENDED,
 * or VM_DONE after resuming t with its lowered result, or VM_TRAP with the
 * message in err (the pending call is then forgotten). */
vm_status cm_pending_complete(cm_instance *ci, vm_thread *t, char *err, size_t errlen);
/* link.c: forgets a pending host call (frees its arguments). */
void cm_pending_clear(cm_instance *ci);
/* call.c: calls a host function of ci once. CM_HOST_BLOCKED: it would
 * block (ci->blocked_wait says on what; *result is nil). */
typedef enum { CM_HOST_TRAP, CM_HOST_DONE, CM_HOST_BLOCKED } cm_host_status;
cm_host_status cm_host_call(cm_instance *ci, const cm_host_func *h, const host_value *args,
                            size_t nargs, host_value *result, char *err, size_t errlen);
/* call.c: calls a host function that may block, waiting in place. */
bool cm_host_call_blocking(cm_instance *ci, const cm_host_func *h, const host_value *args,
                           size_t nargs, host_value *result, char *err, size_t errlen);

/* call.c: calls f (a core function) to completion on a fresh thread with
 * CM_ALLOC_FUEL; false with the trap text in err. */
bool cm_run_nested(cm_instance *ci, vm_func *f, const vm_value *args, size_t nargs,
                   vm_value *results, size_t nresults, char *err, size_t errlen);
/* An ABI context with what its hooks need (cx first: the hooks cast). */
typedef struct {
    cm_abi cx;
    cm_inst *inst;            /* the guest side: its memory, realloc, handle table */
    cm_inst *scope;           /* the instance whose types the function's type uses
                                 (resource identity); inst unless set */
    vm_func *realloc;
    bool adapter;             /* lifting for a call into another component
                                 instance: a borrow becomes a temporary borrow
                                 in the host table, not the rep */
} cm_abi_env;

/* call.c: an ABI context for a function's options, lifting and lowering
 * for inst. */
void cm_abi_setup(cm_abi_env *env, cm_inst *inst, vm_memory *memory, vm_func *realloc,
                  cm_string_encoding enc, char *err, size_t errlen);
/* call.c: calls a function that is not lifted (a host function, waiting
 * in place when it would block; an unresolved import: a trap) with host
 * values. */
bool cm_call_func_nested(cm_func *f, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen);
/* call.c: lowers args into the lifted f and starts its core call on t.
 * from: the string encoding the arguments' strings were lifted from (the
 * caller's; CM_UTF8 for the host), for the reference's realloc sequence.
 * False with err (nothing runs). */
bool cm_func_enter(cm_func *f, vm_thread *t, const host_value *args, size_t nargs,
                   cm_string_encoding from, char *err, size_t errlen);
/* call.c: after f's core call on t returned (st VM_DONE) or trapped:
 * lifts the result, runs post-return, ends the call's borrows. False
 * with err (the trap's message, or what failed). */
bool cm_func_leave(cm_func *f, vm_thread *t, vm_status st, host_value *result, char *err,
                   size_t errlen);
/* call.c: the parameter and result types of a func node as arrays. */
uint32_t cm_func_types(const cm_types *t, cm_typeid ft, cm_typeid *params, const char **names,
                       uint32_t max);

/* resource.c: core functions for canon resource.new/drop/rep of type rt. */
vm_func *cm_resource_func(cm_inst *inst, cm_canon_op op, cm_typeid rt, char *err, size_t errlen);
/* resource.c: the handle hooks of an ABI context lifting/lowering for inst. */
bool cm_lift_handle(cm_abi *cx, cm_typeid handle, uint32_t index, host_value *out);
bool cm_lower_handle(cm_abi *cx, cm_typeid handle, const host_value *v, uint32_t *index);
/* resource.c: the temporary host-table borrows of an adapter call: begin
 * before lifting its arguments, end after it returns (releases them). */
void cm_adapter_begin(cm_instance *ci);
void cm_adapter_end(cm_instance *ci);
/* resource.c: frees a handle table. */
void cm_handles_free(cm_inst *inst);
/* resource.c: records that type node from stands for to in inst (a type
 * import substituted by its argument, an alias or an export of another
 * instance's type): false when out of memory. */
bool cm_resource_sub(cm_inst *inst, cm_typeid from, cm_typeid to);
/* resource.c: the resource a type node of inst's scope resolves to (the
 * node of its definition, or of a host import): resource identity. */
cm_typeid cm_resource_id(const cm_inst *inst, cm_typeid t);
/* resource.c: ends the borrows lent to inst during a call (after it
 * returns); false when the callee had not dropped them all (a trap:
 * CM_BORROWS_REMAIN). */
bool cm_end_borrows(cm_inst *inst);
#define CM_BORROWS_REMAIN "borrow handles still remain at the end of the call"


#endif
