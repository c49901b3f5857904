/* abi.h — the canonical ABI between core values / guest linear memory and
 * host_value (CanonicalABI.md: lift_flat, lower_flat, load, store,
 * strings, lists; the synchronous subset, no async).
 *
 * The value mapping (host_value kinds of host/host.h):
 *
 *   bool                     BOOL
 *   s8 .. u64                INT (u64 with is_unsigned); lowering also takes
 *                            an integral FLOAT; out of range is an error
 *   f32, f64                 FLOAT; NaN canonicalised both ways; lowering
 *                            also takes an INT
 *   char                     STRING of one character; lowering also takes
 *                            the code point as an INT
 *   string                   STRING (UTF-8 on the host side)
 *   list<T>, list<T, n>      LIST (list<u8> too; with cx->bytes (a host call of an
 *                            instance with cm_instance_set_host_bytes), list<u8> and
 *                            list<s8> lift as a STRING of the bytes, at most
 *                            HOST_MAX_VALUE_BYTES; lowering takes a STRING
 *                            for them either way: one memcpy)
 *   tuple<...>               LIST of exactly the tuple's length
 *   record                   MAP keyed by the field names as WIT writes them
 *                            ("top-left"); lowering: a missing field is NIL
 *                            (so an option field may be left out)
 *   option<T>                the payload's value, or NIL for none
 *                            (option<option<T>>: some(none) lifts as NIL too)
 *   result<T, E>             MAP {ok = v} or {err = e}; a case without a
 *                            payload is `true` ({ok = true})
 *   variant                  MAP with one entry {case-name = payload}; a
 *                            case without payload: true; lowering also
 *                            takes the case name as a STRING
 *   enum                     STRING, the case name
 *   flags                    MAP {name = true} of the set flags; lowering
 *                            also takes a LIST of names; false values are
 *                            unset flags
 *   own<R>, borrow<R>        INT: a handle, through the context's handle
 *                            hooks (without hooks: the i32 as is)
 *
 * Bounds: every pointer and length read from the guest is checked against
 * the memory (and alignment) before anything is allocated for it; list
 * byte lengths (length × element size) are computed in 64 bits; strings
 * longer than 2^31-1 bytes trap. Recursion: lift and lower recurse over
 * the TYPE, never over the data; callers first check that the type is at
 * most CM_ABI_MAX_DEPTH deep (cm_type.depth), so the C stack is bounded.
 *
 * Errors go to cx->err: at the leaf "expected u8, got string", "300 is out
 * of range for u8", and each level prepends its place: `field "tags": `,
 * `element 3: `, `case "rect": `. Guest faults read as traps:
 * "string pointer 0x100000 (12 bytes) is out of bounds of memory (65536
 * bytes)", "invalid UTF-8 in string", "invalid variant discriminant 7". */
#ifndef WIPPY_COMPONENT_ABI_H
#define WIPPY_COMPONENT_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "component/component.h"
#include "host/value.h"
#include "vm/vm.h"

#define CM_ABI_MAX_DEPTH 100        /* value types nested deeper are refused */
#define CM_MAX_STRING_BYTES 0x7fffffffu

typedef struct cm_abi cm_abi;

/* Allocates size bytes aligned to align in the guest (its realloc with
 * old pointer and size 0); false with the reason in cx->err. */
typedef bool (*cm_abi_alloc_fn)(cm_abi *cx, uint32_t align, uint32_t size, uint32_t *ptr);
/* The guest's realloc(old_ptr, old_size, align, size), its result checked
 * for alignment and bounds; false with the reason in cx->err. Strings are
 * lowered with the reference's sequence of reallocs (CanonicalABI.md
 * store_string_*: a first guess, grown, shrunk) through it. */
typedef bool (*cm_abi_realloc_fn)(cm_abi *cx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
                                  uint32_t size, uint32_t *ptr);
/* own/borrow: a guest handle index → the host value, and back. */
typedef bool (*cm_abi_lift_handle_fn)(cm_abi *cx, cm_typeid handle, uint32_t index, host_value *out);
typedef bool (*cm_abi_lower_handle_fn)(cm_abi *cx, cm_typeid handle, const host_value *v,
                                       uint32_t *index);

struct cm_abi {
    const cm_types *types;
    vm_memory *memory;              /* NULL: types that need memory fail */
    cm_string_encoding encoding;
    cm_abi_alloc_fn alloc;          /* NULL: lowering strings and lists fails */
    cm_abi_realloc_fn realloc;      /* NULL: strings use alloc, the old bytes copied on a realloc */
    cm_string_encoding src_encoding;   /* where lowered strings were lifted from (host: CM_UTF8) */
    cm_abi_lift_handle_fn lift_handle;     /* NULL: the index as an INT */
    cm_abi_lower_handle_fn lower_handle;   /* NULL: an INT taken as the index */
    void *user;                     /* for the hooks */
    bool bytes;                     /* lift list<u8>/list<s8> as a STRING of bytes */
    char *err;
    size_t errlen;
};

/* Lowers v as type t into t's flat core values (cm_type.nflat of them,
 * which must be <= CM_MAX_FLAT) at out. */
bool cm_abi_lower_flat(cm_abi *cx, cm_typeid t, const host_value *v, vm_value *out);
/* Stores v as type t at ptr (bounds and alignment checked). */
bool cm_abi_store(cm_abi *cx, cm_typeid t, const host_value *v, uint32_t ptr);

/* Lifts type t from its flat core values at in (nflat of them, of the
 * flattened types; a variant's payload coerced per case). */
bool cm_abi_lift_flat(cm_abi *cx, cm_typeid t, const vm_value *in, host_value *out);
/* Loads type t from ptr (bounds and alignment checked). */
bool cm_abi_load(cm_abi *cx, cm_typeid t, uint32_t ptr, host_value *out);

/* A list of values of types[0..n) (parameters, or a single result):
 *
 * cm_abi_lower_values: into at most max flat values at out (*nout set);
 * when they flatten to more than max, into a tuple in memory the guest
 * allocates (cx->alloc), out[0] being its pointer. Errors are prefixed
 * with `argument I (NAME): ` when names is given.
 *
 * cm_abi_lift_values: from nin flat values; when the types flatten to
 * more than max, in[0] is a pointer to the tuple in memory. */
bool cm_abi_lower_values(cm_abi *cx, const cm_typeid *types, const char *const *names, uint32_t n,
                         const host_value *vals, unsigned max, vm_value *out, uint32_t *nout);
bool cm_abi_lift_values(cm_abi *cx, const cm_typeid *types, const char *const *names, uint32_t n,
                        const vm_value *in, uint32_t nin, unsigned max, host_value *out);

/* The flattened length of a list of types (saturating at CM_MAX_FLAT + 1). */
unsigned cm_abi_flat_count(const cm_types *t, const cm_typeid *types, uint32_t n);

/* Prepends a place to cx->err ("field \"x\": " + the error). */
void cm_abi_prefix(cm_abi *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets cx->err and returns false. */
bool cm_abi_fail(cm_abi *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The guest bytes [ptr, ptr+len) of cx->memory, or NULL with the trap
 * "WHAT pointer 0x.. (N bytes) is out of bounds of memory (M bytes)" (or
 * "no memory") in cx->err. Valid until the guest runs again. */
uint8_t *cm_abi_span(cm_abi *cx, uint64_t ptr, uint64_t len, const char *what);

/* "integer", "string", "map", ...; "number" for INT and FLOAT. */
const char *cm_abi_kind_name(const host_value *v);
/* The type as WIT-like text into buf (bounded). */
const char *cm_abi_type_name(const cm_types *t, cm_typeid id, char *buf, size_t size);

/* ---- strings (abi_string.c) ---- */

/* Lifts a string from guest memory (ptr, tagged length in code units as
 * the encoding says) into a UTF-8 STRING; traps on bounds and invalid
 * UTF-8/UTF-16. */
bool cm_abi_lift_string(cm_abi *cx, uint32_t ptr, uint32_t len, host_value *out);
/* Lowers a UTF-8 string (checked) into guest memory in cx's encoding:
 * allocates with the reference's realloc sequence for a string lifted
 * from cx->src_encoding (store_string_into_range), writes it, and returns
 * the pointer and the (tagged) length. */
bool cm_abi_lower_string(cm_abi *cx, const char *s, size_t len, uint32_t *ptr, uint32_t *units);
/* Decodes one UTF-8 scalar value from s[0..len): its byte count, 0 when
 * invalid. */
size_t cm_utf8_decode(const uint8_t *s, size_t len, uint32_t *cp);
/* Encodes a scalar value as UTF-8 into out (4 bytes room): the byte count. */
size_t cm_utf8_encode(uint32_t cp, uint8_t *out);

#endif
