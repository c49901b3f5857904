/* canonical.h — process arguments in, process results out (internal to host/).
 *
 * A process.wasm entry calls one core export. Its host_value arguments are
 * lowered to core values and its core results lifted back to a host_value
 * through the canonical ABI, as the entry's `wit:` declaration (wit.h)
 * says; without one, only numbers cross.
 *
 * Flattening (a wit function must flatten to exactly the core signature):
 *   bool s8 s16 s32 u8 u16 u32 char  → i32
 *   s64 u64 → i64,  f32 → f32,  f64 → f64
 *   string parameter → (i32 ptr, i32 len), UTF-8, copied into memory the
 *     guest allocates: the first export among cabi_realloc(old, old_size,
 *     align, size), canonical_abi_realloc (same), allocate(size), alloc(size)
 *   string result → one i32: a pointer to [ptr u32, len u32] (the retptr)
 * At most 16 flat parameters (more would go through memory: unsupported).
 *
 * Without wit: every core parameter must be i32/i64/f32/f64; i32 takes
 * any integer from -2^31 to 2^32-1 (two's complement), i64 any from -2^63
 * to 2^64-1; at most one numeric result, lifted as a signed INT (i32, i64)
 * or a FLOAT.
 *
 * Numbers: integers and integral floats, range-checked; floats for f32/f64
 * (integers are converted); bool only for bool; no string-to-number
 * coercion. char: a string of one Unicode scalar value, or its code point.
 * Memory is the export "memory", else the first exported memory.
 *
 * Uses vm.h only; results that are strings are malloc'd (host_value.s). */
#ifndef WIPPY_HOST_ABI_H
#define WIPPY_HOST_ABI_H

#include <stdbool.h>
#include <stddef.h>

#include "host/host.h"
#include "host/abi/wit.h"
#include "vm/vm.h"

/* Fuel for one call of the guest allocator. */
#define ABI_ALLOC_FUEL 10000000u

/* Checks that the call can be made: wit (may be NULL) flattens to core,
 * or without wit that core is numbers only; and that nargs arguments are
 * what it takes. Errors:
 *   wit signature of METHOD does not match the module's export: ...
 *   the export takes a v128 parameter (1); ... a wit: signature ...
 *   parameter count mismatch: expected N, got M */
bool host_abi_check(const vm_signature *core, const wit_func *wit, size_t nargs, char *err,
               size_t errlen);

/* Lowers args into out (core->nparams values), after host_abi_check. String
 * arguments are allocated in the guest by calling its allocator on thread
 * t (which must not be in the middle of a call) and copied into memory.
 * Errors name the argument: "argument 1 (a): expected s32, got string",
 * "argument 2 (n): 300 is out of range for u8", "allocating argument 1 in
 * the guest: ...". */
bool host_abi_lower(vm_thread *t, vm_instance *inst, const vm_signature *core, const wit_func *wit,
               const host_value *args, size_t nargs, vm_value *out, char *err, size_t errlen);

/* Lifts the call's results (nresults == core->nresults) into *out: NIL
 * when there is no result. A string result is read through the retptr,
 * bounds-checked and UTF-8-checked, and copied (out->s, malloc'd, NUL-
 * terminated; free() it). Unsigned wit results are INT with is_unsigned
 * (u, and i too when it fits). Errors: "result is not valid UTF-8",
 * "result pointer ... is outside memory (...)", ... */
bool host_abi_lift(vm_instance *inst, const vm_signature *core, const wit_func *wit,
              const vm_value *results, size_t nresults, host_value *out, char *err,
              size_t errlen);

#endif
