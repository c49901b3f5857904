/* reader.c — the out-of-line parts of the bounds-checked module reader:
 * error recording, LEB128 decoding with the spec's length and unused-bit
 * rules, raw floats, lengths, names (UTF-8 checked) and value types. */
#include "vm/reader.h"

#include <stdarg.h>
#include <stdio.h>

bool vm_read_fail(vm_reader *r, vm_error_kind kind, const char *fmt, ...)
{
    vm_error *err = r->err;
    if (err == NULL || err->kind != VM_ERR_NONE)
        return false;
    err->kind = kind;
    int n = snprintf(err->message, sizeof err->message, "0x%zx: ", r->pos);
    if (n < 0 || (size_t)n >= sizeof err->message)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message + n, sizeof err->message - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

bool vm_read_eof(vm_reader *r)
{
    r->pos = r->end;
    return vm_read_fail(r, VM_ERR_MALFORMED, VM_READ_EOF_TEXT);
}

/* Reports "integer too large" at the byte just read. */
static bool too_large(vm_reader *r)
{
    r->pos--;
    return vm_read_fail(r, VM_ERR_MALFORMED, "integer too large");
}

bool vm_read_uleb(vm_reader *r, unsigned bits, uint64_t *out)
{
    uint64_t result = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (shift >= bits)
            return vm_read_fail(r, VM_ERR_MALFORMED, "integer representation too long");
        uint8_t b;
        if (!vm_read_u8(r, &b))
            return false;
        unsigned left = bits - shift;   /* value bits this byte may still carry */
        if (left < 7 && (b & 0x7f) >> left != 0)
            return too_large(r);
        result |= (uint64_t)(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            *out = result;
            return true;
        }
    }
}

/* The int64_t with the same two's complement bits as u. */
static int64_t as_signed(uint64_t u)
{
    if (u <= (uint64_t)INT64_MAX)
        return (int64_t)u;
    return -(int64_t)(~u) - 1;
}

bool vm_read_sleb(vm_reader *r, unsigned bits, int64_t *out)
{
    uint64_t result = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (shift >= bits)
            return vm_read_fail(r, VM_ERR_MALFORMED, "integer representation too long");
        uint8_t b;
        if (!vm_read_u8(r, &b))
            return false;
        unsigned left = bits - shift;
        if (left < 7) {
            /* Bits left-1 .. 6 are the sign bit and its copies: all equal. */
            uint8_t mask = (uint8_t)((0x7fu << (left - 1)) & 0x7fu);
            if ((b & mask) != 0 && (b & mask) != mask)
                return too_large(r);
        }
        result |= (uint64_t)(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            unsigned used = shift + 7;
            if (used < 64 && (b & 0x40))
                result |= ~(uint64_t)0 << used;   /* sign-extend */
            *out = as_signed(result);
            return true;
        }
    }
}

bool vm_read_s32_long(vm_reader *r, int32_t *out)
{
    int64_t v;
    if (!vm_read_sleb(r, 32, &v))
        return false;
    *out = (int32_t)v;   /* in range: the LEB rules allow 32 bits only */
    return true;
}

bool vm_read_s33(vm_reader *r, int64_t *out)
{
    return vm_read_sleb(r, 33, out);
}

bool vm_read_s64(vm_reader *r, int64_t *out)
{
    return vm_read_sleb(r, 64, out);
}

bool vm_read_u64(vm_reader *r, uint64_t *out)
{
    return vm_read_uleb(r, 64, out);
}

bool vm_read_bytes(vm_reader *r, size_t n, const uint8_t **out)
{
    if (n > r->end - r->pos) {
        vm_read_eof(r);
        return false;
    }
    *out = r->bytes + r->pos;
    r->pos += n;
    return true;
}

bool vm_read_f32(vm_reader *r, uint32_t *bits)
{
    const uint8_t *p;
    if (!vm_read_bytes(r, 4, &p))
        return false;
    *bits = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return true;
}

bool vm_read_f64(vm_reader *r, uint64_t *bits)
{
    const uint8_t *p;
    if (!vm_read_bytes(r, 8, &p))
        return false;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    *bits = v;
    return true;
}

bool vm_read_len(vm_reader *r, uint32_t *out)
{
    size_t start = r->pos;
    uint32_t n;
    if (!vm_read_u32(r, &n))
        return false;
    if (n > r->end - start) {
        r->pos = start;
        vm_read_fail(r, VM_ERR_MALFORMED, "length out of bounds");
        return false;
    }
    *out = n;
    return true;
}

bool vm_utf8_valid(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t b = s[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t more;          /* continuation bytes that follow */
        uint32_t cp, min;
        if (b >= 0xc2 && b <= 0xdf) {
            more = 1, cp = b & 0x1f, min = 0x80;
        } else if (b >= 0xe0 && b <= 0xef) {
            more = 2, cp = b & 0x0f, min = 0x800;
        } else if (b >= 0xf0 && b <= 0xf4) {
            more = 3, cp = b & 0x07, min = 0x10000;
        } else {
            return false;     /* a stray continuation byte, c0, c1 or f5..ff */
        }
        if (more > len - i - 1)
            return false;
        for (size_t k = 1; k <= more; k++) {
            uint8_t c = s[i + k];
            if ((c & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (c & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;     /* overlong, too large, or a surrogate */
        i += more + 1;
    }
    return true;
}

bool vm_read_name(vm_reader *r, const char **out, size_t *len)
{
    uint32_t n;
    const uint8_t *p;
    if (!vm_read_len(r, &n))
        return false;
    size_t start = r->pos;
    if (!vm_read_bytes(r, n, &p))
        return false;
    if (!vm_utf8_valid(p, n)) {
        r->pos = start;
        return vm_read_fail(r, VM_ERR_MALFORMED, "malformed UTF-8 encoding");
    }
    *out = (const char *)p;
    *len = n;
    return true;
}

/* Reads a one-byte type code. The grammar writes it as a 7-bit signed
 * LEB128, so a byte with its continuation bit set is "integer
 * representation too long" (vm_read_sleb's rule). */
static bool read_type_byte(vm_reader *r, uint8_t *out)
{
    int64_t v;
    if (!vm_read_sleb(r, 7, &v))
        return false;
    *out = (uint8_t)(v & 0x7f);
    return true;
}

bool vm_read_valtype(vm_reader *r, vm_valtype *out)
{
    uint8_t b;
    if (!read_type_byte(r, &b))
        return false;
    switch (b) {
    case VM_I32: case VM_I64: case VM_F32: case VM_F64:
    case VM_V128: case VM_FUNCREF: case VM_EXTERNREF:
        *out = (vm_valtype)b;
        return true;
    default:
        r->pos--;
        return vm_read_fail(r, VM_ERR_MALFORMED, "malformed value type");
    }
}

bool vm_read_reftype(vm_reader *r, vm_valtype *out)
{
    uint8_t b;
    if (!read_type_byte(r, &b))
        return false;
    if (b != VM_FUNCREF && b != VM_EXTERNREF) {
        r->pos--;
        return vm_read_fail(r, VM_ERR_MALFORMED, "malformed reference type");
    }
    *out = (vm_valtype)b;
    return true;
}
