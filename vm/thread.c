/* thread.c — threads and the resumable call API: setting a call up,
 * running it in fuel slices, suspending and resuming host calls, results,
 * traps with their backtraces, and the value and frame stacks' growth. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/runtime.h"

static const char *const trap_texts[] = {
    [VM_TRAP_NONE] = "no trap",
    [VM_TRAP_UNREACHABLE] = "unreachable",
    [VM_TRAP_INTEGER_OVERFLOW] = "integer overflow",
    [VM_TRAP_DIVIDE_BY_ZERO] = "integer divide by zero",
    [VM_TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
    [VM_TRAP_MEMORY_OUT_OF_BOUNDS] = "out of bounds memory access",
    [VM_TRAP_TABLE_OUT_OF_BOUNDS] = "out of bounds table access",
    [VM_TRAP_UNDEFINED_ELEMENT] = "undefined element",
    [VM_TRAP_UNINITIALIZED_ELEMENT] = "uninitialized element",
    [VM_TRAP_INDIRECT_MISMATCH] = "indirect call type mismatch",
    [VM_TRAP_NULL_REFERENCE] = "null reference",
    [VM_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
    [VM_TRAP_HOST] = "host function trapped",
    [VM_TRAP_BAD_CALL] = "bad call",
};

const char *vm_trap_text(vm_trap_kind kind)
{
    return (unsigned)kind < sizeof trap_texts / sizeof trap_texts[0] ? trap_texts[kind] : "trap";
}

vm_thread *vm_thread_new(vm_store *s)
{
    vm_thread *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->store = s;
    t->max_slots = s->config.max_stack_bytes / sizeof(uint64_t);
    t->max_frames = s->config.max_call_depth;
    return t;
}

void vm_thread_free(vm_thread *t)
{
    if (t == NULL)
        return;
    free(t->slots);
    free(t->frames);
    free(t->trace);
    free(t);
}

bool vm_thread_reserve_slots(vm_thread *t, uint64_t fp, uint64_t slots)
{
    uint64_t need = fp + slots;
    if (need > t->max_slots) {
        vm_thread_set_trap(t, VM_TRAP_STACK_EXHAUSTED, NULL, NULL);
        return false;
    }
    if (need > t->nslots) {
        uint64_t n = t->nslots ? t->nslots : 256;   /* 2 KiB: most calls stay small; doubling is cheap */
        while (n < need)
            n *= 2;
        if (n > t->max_slots)
            n = t->max_slots;
        uint64_t *p = realloc(t->slots, n * sizeof *p);
        if (p == NULL) {
            vm_thread_set_trap(t, VM_TRAP_STACK_EXHAUSTED, NULL, NULL);
            return false;
        }
        t->slots = p;
        t->nslots = n;
    }
    return true;
}

bool vm_thread_reserve(vm_thread *t, uint64_t fp, uint64_t slots)
{
    if (t->nframes >= t->max_frames) {
        vm_thread_set_trap(t, VM_TRAP_STACK_EXHAUSTED, NULL, NULL);
        return false;
    }
    if (!vm_thread_reserve_slots(t, fp, slots))
        return false;
    if (t->nframes == t->frames_cap) {
        uint32_t n = t->frames_cap ? t->frames_cap * 2 : 16;
        if (n > t->max_frames)
            n = t->max_frames;   /* so frames_cap alone bounds the depth (see interp.c) */
        vm_frame *p = realloc(t->frames, n * sizeof *p);
        if (p == NULL) {
            vm_thread_set_trap(t, VM_TRAP_STACK_EXHAUSTED, NULL, NULL);
            return false;
        }
        t->frames = p;
        t->frames_cap = n;
    }
    return true;
}

/* One backtrace line per frame, innermost first. */
static void add_trace(vm_thread *t, const vm_func *f, const uint32_t *pc, bool returning)
{
    if (t->ntrace == t->trace_cap) {
        uint32_t n = t->trace_cap ? t->trace_cap * 2 : 16;
        vm_frame_info *p = realloc(t->trace, n * sizeof *p);
        if (p == NULL)
            return;
        t->trace = p;
        t->trace_cap = n;
    }
    vm_frame_info *info = &t->trace[t->ntrace++];
    memset(info, 0, sizeof *info);
    if (f->host != NULL) {
        info->host = true;
        return;
    }
    const vm_module *m = f->instance->module;
    info->func_index = f->index;
    info->name = m->func_names ? m->func_names[f->index] : NULL;
    if (pc != NULL) {
        uint32_t at = (uint32_t)(pc - f->code->words);
        info->code_offset = vm_code_offset(f->code, returning && at > 0 ? at - 1 : at);
    }
}

vm_status vm_thread_set_trap(vm_thread *t, vm_trap_kind kind, const char *message,
                             const uint32_t *pc)
{
    snprintf(t->trap_message, sizeof t->trap_message, "%s", message ? message : vm_trap_text(kind));
    t->trap.kind = kind;
    t->trap.message = t->trap_message;
    t->ntrace = 0;
    for (uint32_t i = t->nframes; i-- > 0;) {
        const vm_frame *fr = &t->frames[i];
        bool top = i + 1 == t->nframes;
        add_trace(t, fr->func, top && pc ? pc : fr->pc, !top);
    }
    t->trap.frames = t->trace;
    t->trap.nframes = t->ntrace;
    t->state = THREAD_TRAPPED;
    return VM_TRAP;
}

static bool value_fits(const vm_value *v, vm_valtype type)
{
    return v->type == type;
}

vm_status vm_call_start(vm_thread *t, vm_func *f, const vm_value *args, size_t nargs)
{
    t->nframes = 0;
    t->ntrace = 0;
    t->entry = f;
    t->suspended = NULL;
    if (nargs != f->sig.nparams) {
        char m[96];
        snprintf(m, sizeof m, "expected %u arguments, got %zu", f->sig.nparams, nargs);
        return vm_thread_set_trap(t, VM_TRAP_BAD_CALL, m, NULL);
    }
    for (size_t i = 0; i < nargs; i++)
        if (!value_fits(&args[i], f->sig.params[i])) {
            char m[96];
            snprintf(m, sizeof m, "argument %zu: expected %s, got %s", i,
                     vm_valtype_name(f->sig.params[i]), vm_valtype_name(args[i].type));
            return vm_thread_set_trap(t, VM_TRAP_BAD_CALL, m, NULL);
        }
    uint32_t param_slots = vm_valtypes_slots(f->sig.params, f->sig.nparams);
    uint64_t slots = f->host ? (uint64_t)param_slots + vm_valtypes_slots(f->sig.results, f->sig.nresults)
                             : f->code->frame_slots;
    if (!vm_thread_reserve(t, 0, slots + 1))
        return VM_TRAP;
    uint32_t at = 0;
    for (size_t i = 0; i < nargs; i++)
        at += vm_value_to_slots(&args[i], t->slots + at);
    if (f->host == NULL && f->code->nlocals > param_slots)
        memset(t->slots + param_slots, 0, (f->code->nlocals - param_slots) * sizeof *t->slots);
    t->frames[0] = (vm_frame){ f, f->host ? NULL : f->code->words, 0 };
    t->nframes = 1;
    t->state = THREAD_READY;
    return VM_DONE;
}

/* Calls a host function whose arguments are at slot fp; its results go
 * there too. Returns VM_DONE, VM_TRAP or VM_SUSPENDED. */
vm_status vm_call_host(vm_thread *t, const vm_func *f, vm_instance *caller_inst, uint64_t fp)
{
    vm_value args[16], results[16];
    vm_value *a = args, *r = results;
    if (f->sig.nparams > 16 || f->sig.nresults > 16) {
        a = malloc((f->sig.nparams + 1) * sizeof *a);
        r = malloc((f->sig.nresults + 1) * sizeof *r);
        if (a == NULL || r == NULL) {
            free(a);
            free(r);
            return vm_thread_set_trap(t, VM_TRAP_HOST, "out of memory", NULL);
        }
    }
    uint64_t at = fp;
    for (uint32_t i = 0; i < f->sig.nparams; i++)
        at += vm_value_from_slots(f->sig.params[i], t->slots + at, &a[i]);
    for (uint32_t i = 0; i < f->sig.nresults; i++)
        r[i] = vm_value_from_bits(f->sig.results[i], 0);
    vm_caller caller = { t, caller_inst };
    t->trap_message[0] = '\0';
    vm_host_status st = f->host(&caller, a, r, f->user);
    vm_status out = VM_DONE;
    if (st == VM_HOST_DONE) {
        /* Each result fills its declared type's slots: one a host function
         * turned into or out of a v128 counts as zero. */
        at = fp;
        for (uint32_t i = 0; i < f->sig.nresults; i++) {
            if ((r[i].type == VM_V128) != (f->sig.results[i] == VM_V128))
                r[i] = vm_value_from_bits(f->sig.results[i], 0);
            at += vm_value_to_slots(&r[i], t->slots + at);
        }
    } else if (st == VM_HOST_SUSPEND) {
        t->suspended = f;
        t->suspended_fp = fp;
        t->state = THREAD_SUSPENDED;
        out = VM_SUSPENDED;
    } else {
        char message[256];
        snprintf(message, sizeof message, "%s", t->trap_message[0] ? t->trap_message : "host function trapped");
        out = vm_thread_set_trap(t, VM_TRAP_HOST, message, NULL);
    }
    if (a != args) {
        free(a);
        free(r);
    }
    return out;
}

vm_status vm_run(vm_thread *t, uint64_t fuel)
{
    if (t->state == THREAD_SUSPENDED)
        return VM_SUSPENDED;
    if (t->state == THREAD_TRAPPED)
        return VM_TRAP;
    if (t->state == THREAD_DONE || t->state == THREAD_IDLE)
        return VM_DONE;
    t->fuel = fuel;
    if (t->nframes == 1 && t->frames[0].func->host) {   /* the embedder called a host function */
        vm_status st = vm_call_host(t, t->frames[0].func, NULL, 0);
        if (st == VM_DONE)
            t->state = THREAD_DONE;
        return st;
    }
    return vm_interpret(t);
}

vm_status vm_resume(vm_thread *t, const vm_value *results, size_t n)
{
    if (t->state != THREAD_SUSPENDED)
        return vm_thread_set_trap(t, VM_TRAP_BAD_CALL, "vm_resume: no suspended host call", NULL);
    const vm_func *f = t->suspended;
    if (n != f->sig.nresults)
        return vm_thread_set_trap(t, VM_TRAP_BAD_CALL, "vm_resume: wrong number of results", NULL);
    for (size_t i = 0; i < n; i++)
        if (results[i].type != f->sig.results[i])
            return vm_thread_set_trap(t, VM_TRAP_BAD_CALL, "vm_resume: wrong result type", NULL);
    uint64_t at = t->suspended_fp;
    for (size_t i = 0; i < n; i++)
        at += vm_value_to_slots(&results[i], t->slots + at);
    t->suspended = NULL;
    bool entry_is_host = t->nframes == 1 && t->frames[0].func->host;
    t->state = entry_is_host ? THREAD_DONE : THREAD_READY;
    return VM_DONE;
}

size_t vm_thread_results(const vm_thread *t, vm_value *out, size_t max)
{
    const vm_func *f = t->entry;
    if (f == NULL || t->state != THREAD_DONE)
        return 0;
    uint64_t at = 0;
    for (size_t i = 0; i < f->sig.nresults && i < max; i++)
        at += vm_value_from_slots(f->sig.results[i], t->slots + at, &out[i]);
    return f->sig.nresults;
}

const vm_trap *vm_thread_trap(const vm_thread *t) { return &t->trap; }
uint64_t vm_thread_fuel(const vm_thread *t) { return t->fuel; }

vm_stack_usage vm_thread_stack_usage(const vm_thread *t)
{
    return (vm_stack_usage){ t->nframes, t->frames_cap, t->nslots };
}

vm_status vm_call(vm_thread *t, vm_func *f, const vm_value *args, size_t nargs,
                  vm_value *results, size_t nresults)
{
    vm_status st = vm_call_start(t, f, args, nargs);
    if (st != VM_DONE)
        return st;
    st = vm_run(t, VM_FUEL_UNLIMITED);
    if (st == VM_SUSPENDED)
        return vm_thread_set_trap(t, VM_TRAP_HOST, "host function suspended outside a scheduler", NULL);
    if (st == VM_DONE)
        vm_thread_results(t, results, nresults);
    return st;
}

/* ---- host-call helpers ---- */

vm_memory *vm_caller_memory(vm_caller *caller, uint32_t index)
{
    if (caller->instance == NULL || index >= caller->instance->module->nmemories)
        return NULL;
    return caller->instance->memories[index];
}

vm_thread *vm_caller_thread(vm_caller *caller) { return caller->thread; }

vm_host_status vm_host_trap(vm_caller *caller, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(caller->thread->trap_message, sizeof caller->thread->trap_message, fmt, ap);
    va_end(ap);
    return VM_HOST_TRAP;
}
