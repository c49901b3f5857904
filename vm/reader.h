/* reader.h — a bounds-checked reader over the bytes of a wasm module:
 * bytes, LEB128 integers with the spec's rules, raw floats, names checked
 * as UTF-8, value types. Used by the decoder and by the validator.
 *
 * Every function returns false on failure after recording the first error
 * as "0xOFFSET: message" (kind VM_ERR_MALFORMED) in r->err; later errors
 * do not overwrite it (so set err->kind = VM_ERR_NONE before reading).
 * Running out of bytes (pos reaching end) is reported at offset `end` as
 * "unexpected end of section or function": the spec testsuite's text for a
 * section or body that ends too soon, which begins with "unexpected end".
 *
 * Internal to vm/. */
#ifndef WIPPY_VM_READER_H
#define WIPPY_VM_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/vm.h"

typedef struct {
    const uint8_t *bytes;  /* whole module */
    size_t pos, end;       /* current position and limit (absolute offsets into bytes) */
    vm_error *err;         /* where the first error goes (may be NULL) */
} vm_reader;

#define VM_READ_EOF_TEXT "unexpected end of section or function"

/* Records "0x<r->pos>: <message>" with the given kind unless an error is
 * already recorded (first error wins). Always returns false. */
bool vm_read_fail(vm_reader *r, vm_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the out-of-bytes error at offset r->end. Always returns false. */
bool vm_read_eof(vm_reader *r);

/* Unsigned / signed LEB128 of at most `bits` bits (1..64), following the
 * spec: at most ceil(bits/7) bytes ("integer representation too long"),
 * the unused bits of the last byte zero, or for signed numbers copies of
 * the sign bit ("integer too large"). */
bool vm_read_uleb(vm_reader *r, unsigned bits, uint64_t *out);
bool vm_read_sleb(vm_reader *r, unsigned bits, int64_t *out);

static inline bool vm_read_u8(vm_reader *r, uint8_t *out)
{
    if (r->pos >= r->end) {
        vm_read_eof(r);
        return false;
    }
    *out = r->bytes[r->pos++];
    return true;
}

/* u32: the one-byte encoding (values below 128) is by far the commonest. */
static inline bool vm_read_u32(vm_reader *r, uint32_t *out)
{
    if (r->pos < r->end && r->bytes[r->pos] < 0x80) {
        *out = r->bytes[r->pos++];
        return true;
    }
    uint64_t v;
    if (!vm_read_uleb(r, 32, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

/* s32: one byte (-64..63) is the commonest encoding, as for u32;
 * vm_read_s32_long() reads the others. */
bool vm_read_s32_long(vm_reader *r, int32_t *out);
static inline bool vm_read_s32(vm_reader *r, int32_t *out)
{
    if (r->pos < r->end && r->bytes[r->pos] < 0x80) {
        uint8_t b = r->bytes[r->pos++];
        *out = b < 0x40 ? b : (int32_t)b - 0x80;   /* bit 6 is the sign */
        return true;
    }
    return vm_read_s32_long(r, out);
}
bool vm_read_s33(vm_reader *r, int64_t *out);   /* block types */
bool vm_read_s64(vm_reader *r, int64_t *out);
bool vm_read_u64(vm_reader *r, uint64_t *out);

/* Raw little-endian IEEE 754 bits. */
bool vm_read_f32(vm_reader *r, uint32_t *bits);
bool vm_read_f64(vm_reader *r, uint64_t *bits);

/* n bytes; *out points into r->bytes. */
bool vm_read_bytes(vm_reader *r, size_t n, const uint8_t **out);

/* A u32 length or count n, with the cheap check that it is not larger
 * than the bytes left counted from the length's own first byte ("length
 * out of bounds", as the reference interpreter measures it). Every vector
 * element and every byte takes at least one byte, so this bounds what a
 * caller allocates by the size of the input. */
bool vm_read_len(vm_reader *r, uint32_t *out);

/* A name: length (vm_read_len) and that many bytes of valid UTF-8
 * ("malformed UTF-8 encoding"). *out points into r->bytes and is NOT
 * NUL-terminated. */
bool vm_read_name(vm_reader *r, const char **out, size_t *len);

/* True when s[0..len) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
bool vm_utf8_valid(const uint8_t *s, size_t len);

/* i32 i64 f32 f64 v128 funcref externref, else "malformed value type".
 * The byte is a one-byte signed LEB128 in the spec's grammar, so one with
 * its continuation bit set is "integer representation too long". */
bool vm_read_valtype(vm_reader *r, vm_valtype *out);

/* funcref or externref, else "malformed reference type". */
bool vm_read_reftype(vm_reader *r, vm_valtype *out);

#endif
