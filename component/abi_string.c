/* abi_string.c — strings across the canonical ABI (CanonicalABI.md
 * "Strings"): UTF-8, UTF-16 and latin1+utf16 in guest memory, UTF-8 on
 * the host side, with transcoding and validity checks; and the helpers
 * every abi_*.c file shares (errors, memory spans, names).
 *
 * Touches guest memory only through cm_abi_span and cx->alloc/realloc. */
#include "component/abi.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UTF16_TAG 0x80000000u

bool cm_abi_fail(cm_abi *cx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (cx->err != NULL && cx->errlen > 0)
        vsnprintf(cx->err, cx->errlen, fmt, ap);
    va_end(ap);
    return false;
}

void cm_abi_prefix(cm_abi *cx, const char *fmt, ...)
{
    if (cx->err == NULL || cx->errlen == 0)
        return;
    char place[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(place, sizeof place, fmt, ap);
    va_end(ap);
    size_t pl = strlen(place), el = strnlen(cx->err, cx->errlen - 1);
    if (pl >= cx->errlen)
        pl = cx->errlen - 1;
    if (pl + el >= cx->errlen)
        el = cx->errlen - 1 - pl;
    memmove(cx->err + pl, cx->err, el);
    memcpy(cx->err, place, pl);
    cx->err[pl + el] = '\0';
}

uint8_t *cm_abi_span(cm_abi *cx, uint64_t ptr, uint64_t len, const char *what)
{
    if (cx->memory == NULL) {
        cm_abi_fail(cx, "%s needs a memory and the function has none", what);
        return NULL;
    }
    uint64_t size = vm_memory_size(cx->memory);
    if (ptr > size || len > size - ptr) {
        cm_abi_fail(cx, "%s pointer 0x%llx (%llu bytes) is out of bounds of memory (%llu bytes)", what,
                    (unsigned long long)ptr, (unsigned long long)len, (unsigned long long)size);
        return NULL;
    }
    return vm_memory_data(cx->memory) + ptr;
}

const char *cm_abi_kind_name(const host_value *v)
{
    switch (v->kind) {
    case HOST_VALUE_NIL: return "nil";
    case HOST_VALUE_BOOL: return "bool";
    case HOST_VALUE_INT: case HOST_VALUE_FLOAT: return "number";
    case HOST_VALUE_STRING: return "string";
    case HOST_VALUE_LIST: return "list";
    case HOST_VALUE_MAP: return "map";
    }
    return "value";
}

const char *cm_abi_type_name(const cm_types *t, cm_typeid id, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fmemopen(buf, size, "w");
    if (f == NULL)
        return "?";
    cm_type_print(t, id, NULL, f);
    fclose(f);
    buf[size - 1] = '\0';
    return buf;
}

/* ---- UTF-8 ---- */

size_t cm_utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
    if (len == 0)
        return 0;
    uint8_t b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    size_t n;
    uint32_t c, min;
    if ((b & 0xe0) == 0xc0) { n = 2; c = b & 0x1f; min = 0x80; }
    else if ((b & 0xf0) == 0xe0) { n = 3; c = b & 0x0f; min = 0x800; }
    else if ((b & 0xf8) == 0xf0) { n = 4; c = b & 0x07; min = 0x10000; }
    else return 0;
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

size_t cm_utf8_encode(uint32_t cp, uint8_t *out)
{
    if (cp < 0x80) { out[0] = (uint8_t)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xc0 | (cp >> 6));
        out[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xe0 | (cp >> 12));
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (uint8_t)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (uint8_t)(0xf0 | (cp >> 18));
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (uint8_t)(0x80 | (cp & 0x3f));
    return 4;
}

/* ---- lifting ---- */

static bool take_string(cm_abi *cx, char *buf, size_t len, host_value *out)
{
    buf[len] = '\0';
    *out = (host_value){ .kind = HOST_VALUE_STRING, .s = buf, .len = len };
    (void)cx;
    return true;
}

/* UTF-16LE code units at p (n of them) into UTF-8. */
static bool lift_utf16(cm_abi *cx, const uint8_t *p, uint32_t n, host_value *out)
{
    char *buf = malloc((size_t)n * 3 + 1);   /* a unit gives at most 3 bytes */
    if (buf == NULL)
        return cm_abi_fail(cx, "out of memory");
    size_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t u = p[2 * i] | (uint32_t)p[2 * i + 1] << 8;
        if (u >= 0xd800 && u <= 0xdbff) {
            uint32_t v = i + 1 < n ? (p[2 * i + 2] | (uint32_t)p[2 * i + 3] << 8) : 0;
            if (v < 0xdc00 || v > 0xdfff) {
                free(buf);
                return cm_abi_fail(cx, "invalid UTF-16 in string: unpaired surrogate at unit %u", i);
            }
            u = 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00);
            i++;
        } else if (u >= 0xdc00 && u <= 0xdfff) {
            free(buf);
            return cm_abi_fail(cx, "invalid UTF-16 in string: unpaired surrogate at unit %u", i);
        }
        k += cm_utf8_encode(u, (uint8_t *)buf + k);
    }
    return take_string(cx, buf, k, out);
}

bool cm_abi_lift_string(cm_abi *cx, uint32_t ptr, uint32_t len, host_value *out)
{
    cm_string_encoding enc = cx->encoding;
    bool utf16 = enc == CM_UTF16;
    if (enc == CM_LATIN1_UTF16 && (len & UTF16_TAG)) {
        utf16 = true;
        len &= ~UTF16_TAG;
    }
    uint64_t bytes = utf16 ? (uint64_t)len * 2 : len;
    /* CanonicalABI load_string_from_range: alignment 2 for utf16 and for
     * latin1+utf16 whichever the tag says */
    if (enc != CM_UTF8 && (ptr & 1))
        return cm_abi_fail(cx, "string pointer 0x%x is not aligned to 2", ptr);
    if (bytes > CM_MAX_STRING_BYTES)
        return cm_abi_fail(cx, "string of %llu bytes is longer than 2^31-1", (unsigned long long)bytes);
    /* A lifted string becomes a host_value, which weighs at most
     * HOST_MAX_VALUE_BYTES (lists are held to it as they grow): refused
     * here, before anything is allocated or copied for it. */
    if (bytes > HOST_MAX_VALUE_BYTES)
        return cm_abi_fail(cx, "string of %llu bytes is larger than a host value may be (%u bytes)",
                           (unsigned long long)bytes, HOST_MAX_VALUE_BYTES);
    const uint8_t *p = cm_abi_span(cx, ptr, bytes, "string");
    if (p == NULL)
        return false;
    if (utf16)
        return lift_utf16(cx, p, len, out);
    if (enc == CM_LATIN1_UTF16) {
        char *buf = malloc((size_t)len * 2 + 1);
        if (buf == NULL)
            return cm_abi_fail(cx, "out of memory");
        size_t k = 0;
        for (uint32_t i = 0; i < len; i++)
            k += cm_utf8_encode(p[i], (uint8_t *)buf + k);
        return take_string(cx, buf, k, out);
    }
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = cm_utf8_decode(p + i, len - i, &cp);
        if (k == 0)
            return cm_abi_fail(cx, "invalid UTF-8 in string at byte %zu", i);
        i += k;
    }
    char *buf = malloc((size_t)len + 1);
    if (buf == NULL)
        return cm_abi_fail(cx, "out of memory");
    memcpy(buf, p, len);
    return take_string(cx, buf, len, out);
}

/* ---- lowering ---- */

/* The string being lowered: its UTF-8 bytes and what they hold. */
typedef struct {
    const uint8_t *u;
    size_t len;            /* UTF-8 bytes */
    size_t ncp;            /* code points */
    size_t n16;            /* UTF-16 code units */
    bool latin1;           /* every code point < 0x100 */
    bool ascii;            /* every code point < 0x80 */
} lower_src;

/* realloc(old_ptr, old_size, align, size) in the guest: cx->realloc, or
 * with only cx->alloc a fresh allocation the old bytes are copied into.
 * The result is checked as the reference does: aligned to align, and
 * size bytes in bounds. */
static bool str_realloc(cm_abi *cx, uint32_t old_ptr, uint32_t old_size, uint32_t align, uint32_t size,
                        uint32_t *ptr)
{
    if (cx->realloc != NULL)
        return cx->realloc(cx, old_ptr, old_size, align, size, ptr);
    if (!cx->alloc(cx, align, size, ptr))
        return false;
    uint32_t keep = old_size < size ? old_size : size;
    if (old_ptr != 0 && keep != 0 && *ptr != old_ptr) {
        uint8_t *from = cm_abi_span(cx, old_ptr, keep, "string");
        uint8_t *to = cm_abi_span(cx, *ptr, keep, "string");
        if (from == NULL || to == NULL)
            return false;
        memmove(to, from, keep);
    }
    return true;
}

/* Write the string at ptr as UTF-8, latin-1 (one byte a code point) or
 * UTF-16LE. The span was checked by the allocation; it is looked up again
 * since a realloc may grow the memory. */
static bool write_utf8(cm_abi *cx, const lower_src *src, uint32_t ptr)
{
    uint8_t *p = cm_abi_span(cx, ptr, src->len, "string");
    if (p == NULL)
        return false;
    if (src->len)
        memcpy(p, src->u, src->len);
    return true;
}

static bool write_latin1(cm_abi *cx, const lower_src *src, uint32_t ptr)
{
    uint8_t *p = cm_abi_span(cx, ptr, src->ncp, "string");
    if (p == NULL)
        return false;
    size_t k = 0;
    for (size_t i = 0; i < src->len;) {
        uint32_t cp;
        i += cm_utf8_decode(src->u + i, src->len - i, &cp);
        p[k++] = (uint8_t)cp;
    }
    return true;
}

static bool write_utf16(cm_abi *cx, const lower_src *src, uint32_t ptr)
{
    uint8_t *p = cm_abi_span(cx, ptr, (uint64_t)src->n16 * 2, "string");
    if (p == NULL)
        return false;
    size_t k = 0;
    for (size_t i = 0; i < src->len;) {
        uint32_t cp;
        i += cm_utf8_decode(src->u + i, src->len - i, &cp);
        if (cp >= 0x10000) {
            uint32_t c = cp - 0x10000, hi = 0xd800 + (c >> 10), lo = 0xdc00 + (c & 0x3ff);
            p[k++] = (uint8_t)hi; p[k++] = (uint8_t)(hi >> 8);
            p[k++] = (uint8_t)lo; p[k++] = (uint8_t)(lo >> 8);
        } else {
            p[k++] = (uint8_t)cp; p[k++] = (uint8_t)(cp >> 8);
        }
    }
    return true;
}

static bool too_long(cm_abi *cx, uint64_t bytes)
{
    if (bytes <= CM_MAX_STRING_BYTES)
        return false;
    cm_abi_fail(cx, "the string is longer than 2^31-1 bytes (%llu)", (unsigned long long)bytes);
    return true;
}

/* store_string_copy: one allocation of units * unit bytes, written as
 * UTF-16 (unit 2), latin-1 (latin1) or UTF-8. */
static bool store_copy(cm_abi *cx, const lower_src *src, uint64_t units, uint32_t unit, uint32_t align,
                       bool latin1, uint32_t *ptr, uint32_t *out_units)
{
    if (too_long(cx, units * unit) || !str_realloc(cx, 0, 0, align, (uint32_t)(units * unit), ptr))
        return false;
    *out_units = (uint32_t)units;
    return unit == 2 ? write_utf16(cx, src, *ptr) : latin1 ? write_latin1(cx, src, *ptr) : write_utf8(cx, src, *ptr);
}

/* store_string_to_utf8 (from UTF-16 or latin-1 source units): the source
 * units first, grown to the worst case at the first non-ASCII code point,
 * then shrunk to the encoded size. */
static bool store_to_utf8(cm_abi *cx, const lower_src *src, uint64_t units, uint64_t worst, uint32_t *ptr,
                          uint32_t *out_units)
{
    if (too_long(cx, units) || !str_realloc(cx, 0, 0, 1, (uint32_t)units, ptr))
        return false;
    if (src->ascii) {
        *out_units = (uint32_t)units;
        return write_utf8(cx, src, *ptr);
    }
    if (too_long(cx, worst) || !str_realloc(cx, *ptr, (uint32_t)units, 1, (uint32_t)worst, ptr) ||
        !write_utf8(cx, src, *ptr))
        return false;
    if (worst > src->len && !str_realloc(cx, *ptr, (uint32_t)worst, 1, (uint32_t)src->len, ptr))
        return false;
    *out_units = (uint32_t)src->len;
    return true;
}

/* store_utf8_to_utf16: twice the UTF-8 bytes, shrunk to the encoded size. */
static bool store_utf8_to_utf16(cm_abi *cx, const lower_src *src, uint32_t *ptr, uint32_t *out_units)
{
    uint64_t worst = 2 * (uint64_t)src->len, bytes = 2 * (uint64_t)src->n16;
    if (too_long(cx, worst) || !str_realloc(cx, 0, 0, 2, (uint32_t)worst, ptr) || !write_utf16(cx, src, *ptr))
        return false;
    if (bytes < worst && !str_realloc(cx, *ptr, (uint32_t)worst, 2, (uint32_t)bytes, ptr))
        return false;
    *out_units = (uint32_t)src->n16;
    return true;
}

/* store_string_to_latin1_or_utf16 (from UTF-8 or UTF-16 source units):
 * the source units as latin-1, grown to twice them at the first code point
 * past latin-1 and shrunk to the UTF-16 size, or shrunk to the latin-1
 * size. */
static bool store_to_latin1_or_utf16(cm_abi *cx, const lower_src *src, uint64_t units, uint32_t *ptr,
                                     uint32_t *out_units)
{
    if (too_long(cx, units) || !str_realloc(cx, 0, 0, 2, (uint32_t)units, ptr))
        return false;
    if (src->latin1) {
        if (!write_latin1(cx, src, *ptr))
            return false;
        if (src->ncp < units && !str_realloc(cx, *ptr, (uint32_t)units, 2, (uint32_t)src->ncp, ptr))
            return false;
        *out_units = (uint32_t)src->ncp;
        return true;
    }
    uint64_t worst = 2 * units, bytes = 2 * (uint64_t)src->n16;
    if (too_long(cx, worst) || !str_realloc(cx, *ptr, (uint32_t)units, 2, (uint32_t)worst, ptr) ||
        !write_utf16(cx, src, *ptr))
        return false;
    if (worst > bytes && !str_realloc(cx, *ptr, (uint32_t)worst, 2, (uint32_t)bytes, ptr))
        return false;
    *out_units = (uint32_t)src->n16 | UTF16_TAG;
    return true;
}

/* store_probably_utf16_to_latin1_or_utf16: the UTF-16 size, shrunk to
 * latin-1 (alignment 1) when every code point fits. */
static bool store_probably_utf16(cm_abi *cx, const lower_src *src, uint32_t *ptr, uint32_t *out_units)
{
    uint64_t bytes = 2 * (uint64_t)src->n16;
    if (too_long(cx, bytes) || !str_realloc(cx, 0, 0, 2, (uint32_t)bytes, ptr))
        return false;
    if (!src->latin1) {
        *out_units = (uint32_t)src->n16 | UTF16_TAG;
        return write_utf16(cx, src, *ptr);
    }
    if (!str_realloc(cx, *ptr, (uint32_t)bytes, 1, (uint32_t)src->n16, ptr) || !write_latin1(cx, src, *ptr))
        return false;
    *out_units = (uint32_t)src->n16;
    return true;
}

bool cm_abi_lower_string(cm_abi *cx, const char *s, size_t len, uint32_t *ptr, uint32_t *units)
{
    lower_src src = { (const uint8_t *)s, len, 0, 0, true, true };
    for (size_t i = 0; i < len;) {
        if (src.u[i] < 0x80) {   /* ASCII: one unit in every encoding */
            src.ncp++, src.n16++, i++;
            continue;
        }
        uint32_t cp;
        size_t k = cm_utf8_decode(src.u + i, len - i, &cp);
        if (k == 0)
            return cm_abi_fail(cx, "the string is not valid UTF-8 (byte %zu)", i);
        src.ncp++;
        src.n16 += cp >= 0x10000 ? 2 : 1;
        src.latin1 &= cp <= 0xff;
        src.ascii &= cp < 0x80;
        i += k;
    }
    if (cx->alloc == NULL && cx->realloc == NULL)
        return cm_abi_fail(cx, "a string needs the guest's realloc and the function has none");
    if (too_long(cx, len))
        return false;
    /* The source as the reference sees it (store_string_into_range): its
     * encoding option, and for latin1+utf16 whether it is latin-1 or
     * UTF-16; a host string is UTF-8. A host_value keeps no latin1+utf16
     * tag, so a string of latin-1 code points is taken as latin-1. */
    cm_string_encoding from = cx->src_encoding;
    bool from_latin1 = from == CM_LATIN1_UTF16 && src.latin1;
    uint64_t from_units = from == CM_UTF8 ? len : from_latin1 ? src.ncp : src.n16;
    switch (cx->encoding) {
    case CM_UTF8:
        if (from == CM_UTF8)
            return store_copy(cx, &src, len, 1, 1, false, ptr, units);
        return store_to_utf8(cx, &src, from_units, (from_latin1 ? 2 : 3) * from_units, ptr, units);
    case CM_UTF16:
        if (from == CM_UTF8)
            return store_utf8_to_utf16(cx, &src, ptr, units);
        return store_copy(cx, &src, src.n16, 2, 2, false, ptr, units);
    case CM_LATIN1_UTF16:
        if (from != CM_LATIN1_UTF16)
            return store_to_latin1_or_utf16(cx, &src, from_units, ptr, units);
        if (from_latin1)
            return store_copy(cx, &src, src.ncp, 1, 2, true, ptr, units);
        return store_probably_utf16(cx, &src, ptr, units);
    }
    return cm_abi_fail(cx, "unknown string encoding %d", (int)cx->encoding);
}
