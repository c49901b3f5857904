/* abi_lower.c — lowering (CanonicalABI.md lower_flat, store): host_value →
 * guest core values and guest memory, driven by the type nodes, with the
 * value mapping of abi.h. Integers are range-checked, NaNs canonicalised,
 * strings validated and transcoded (abi_string.c), list byte sizes
 * computed in 64 bits and refused past 4 GiB before the guest allocates.
 * Recursion follows the type (bounded by CM_ABI_MAX_DEPTH), not the data.
 *
 * Writes guest memory (through cm_abi_span) and calls cx->alloc. */
#include "component/abi.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#define T(id) (&cx->types->nodes[(id)])

static bool expected(cm_abi *cx, cm_typeid t, const host_value *v)
{
    char name[128];
    return cm_abi_fail(cx, "expected %s, got %s", cm_abi_type_name(cx->types, t, name, sizeof name),
                       cm_abi_kind_name(v));
}

static void describe(const host_value *v, char *buf, size_t size)
{
    if (v->kind == HOST_VALUE_FLOAT)
        snprintf(buf, size, "%g", v->f);
    else if (v->is_unsigned)
        snprintf(buf, size, "%" PRIu64, v->u);
    else
        snprintf(buf, size, "%" PRId64, v->i);
}

/* An integer (or integral float) in the range of kind k, as its two's
 * complement bits. */
static bool lower_int(cm_abi *cx, cm_typeid t, const host_value *v, uint64_t *bits)
{
    static const struct { unsigned bits; bool sign; } r[] = {
        [CM_S8] = { 8, true }, [CM_U8] = { 8, false }, [CM_S16] = { 16, true },
        [CM_U16] = { 16, false }, [CM_S32] = { 32, true }, [CM_U32] = { 32, false },
        [CM_S64] = { 64, true }, [CM_U64] = { 64, false },
    };
    static const char *const names[] = {
        [CM_S8] = "s8", [CM_U8] = "u8", [CM_S16] = "s16", [CM_U16] = "u16",
        [CM_S32] = "s32", [CM_U32] = "u32", [CM_S64] = "s64", [CM_U64] = "u64",
    };
    cm_kind k = T(t)->kind;
    bool neg;
    uint64_t mag;
    char num[64];
    if (v->kind == HOST_VALUE_INT) {
        neg = !v->is_unsigned && v->i < 0;
        mag = v->is_unsigned ? v->u : neg ? 0 - (uint64_t)v->i : (uint64_t)v->i;
    } else if (v->kind == HOST_VALUE_FLOAT) {
        describe(v, num, sizeof num);
        if (!isfinite(v->f) || v->f != trunc(v->f))
            return cm_abi_fail(cx, "%s is not an integer (expected %s)", num, names[k]);
        if (fabs(v->f) >= 0x1p64)
            return cm_abi_fail(cx, "%s is out of range for %s", num, names[k]);
        neg = v->f < 0;
        mag = (uint64_t)fabs(v->f);
    } else {
        return expected(cx, t, v);
    }
    uint64_t half = (uint64_t)1 << (r[k].bits - 1);
    bool ok = neg ? r[k].sign && mag <= half
                  : r[k].sign ? mag < half : (r[k].bits == 64 || mag < 2 * half);
    if (!ok) {
        describe(v, num, sizeof num);
        return cm_abi_fail(cx, "%s is out of range for %s", num, names[k]);
    }
    *bits = neg ? 0 - mag : mag;
    return true;
}

static bool lower_float(cm_abi *cx, cm_typeid t, const host_value *v, uint64_t *bits)
{
    double d;
    if (v->kind == HOST_VALUE_INT)
        d = v->is_unsigned ? (double)v->u : (double)v->i;
    else if (v->kind == HOST_VALUE_FLOAT)
        d = v->f;
    else
        return expected(cx, t, v);
    if (T(t)->kind == CM_F64) {
        if (isnan(d)) {
            *bits = 0x7ff8000000000000ull;
            return true;
        }
        memcpy(bits, &d, sizeof d);
        return true;
    }
    if (isnan(d)) {
        *bits = 0x7fc00000u;
        return true;
    }
    if (isfinite(d) && fabs(d) > FLT_MAX) {
        char num[64];
        describe(v, num, sizeof num);
        return cm_abi_fail(cx, "%s is out of range for f32", num);
    }
    float f = (float)d;
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    *bits = b;
    return true;
}

static bool lower_char(cm_abi *cx, const host_value *v, uint64_t *bits)
{
    uint32_t cp = 0;
    if (v->kind == HOST_VALUE_STRING) {
        size_t k = cm_utf8_decode((const uint8_t *)v->s, v->len, &cp);
        if (k == 0 || k != v->len)
            return cm_abi_fail(cx, "expected char, got a string that is not one character");
    } else if (v->kind == HOST_VALUE_INT) {
        bool neg = !v->is_unsigned && v->i < 0;
        uint64_t n = v->is_unsigned ? v->u : (uint64_t)v->i;
        if (neg || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) {
            char num[64];
            describe(v, num, sizeof num);
            return cm_abi_fail(cx, "%s is not a Unicode scalar value (expected char)", num);
        }
        cp = (uint32_t)n;
    } else {
        return cm_abi_fail(cx, "expected char, got %s", cm_abi_kind_name(v));
    }
    *bits = cp;
    return true;
}

/* A scalar (one flat value): bool, integers, floats, char, handles. */
static bool lower_scalar(cm_abi *cx, cm_typeid t, const host_value *v, uint64_t *bits)
{
    switch (T(t)->kind) {
    case CM_BOOL:
        if (v->kind != HOST_VALUE_BOOL)
            return expected(cx, t, v);
        *bits = v->b;
        return true;
    case CM_F32: case CM_F64: return lower_float(cx, t, v, bits);
    case CM_CHAR: return lower_char(cx, v, bits);
    case CM_OWN: case CM_BORROW: {
        uint32_t index;
        if (cx->lower_handle != NULL) {
            if (!cx->lower_handle(cx, t, v, &index))
                return false;
            *bits = index;
            return true;
        }
        if (!lower_int(cx, CM_U32, v, bits))
            return false;
        return true;
    }
    default: return lower_int(cx, t, v, bits);
    }
}

static bool is_scalar(cm_kind k)
{
    return k <= CM_CHAR || k == CM_OWN || k == CM_BORROW;
}

/* Which case of a variant, enum, option or result v is: its index and
 * payload (NULL when none is given). */
static bool find_case(cm_abi *cx, cm_typeid t, const host_value *v, uint32_t *index,
                      const host_value **payload)
{
    const cm_type *n = T(t);
    *payload = NULL;
    if (n->kind == CM_OPTION) {
        *index = v->kind != HOST_VALUE_NIL;
        *payload = *index ? v : NULL;
        if (*index && T(n->elem)->kind == CM_OPTION && v->kind == HOST_VALUE_MAP) {
            /* option<option<T>>: {some = x} is some(x), {} some(none);
             * any other value v is some(v) */
            if (v->len == 0)
                *payload = NULL;
            else if (v->len == 1 && v->entries[0].key_len == 4 && memcmp(v->entries[0].key, "some", 4) == 0)
                *payload = &v->entries[0].value;
        }
        return true;
    }
    const char *key = NULL;
    size_t klen = 0;
    if (v->kind == HOST_VALUE_STRING) {
        key = v->s;
        klen = v->len;
    } else if (v->kind == HOST_VALUE_MAP && v->len == 1 && n->kind != CM_ENUM) {
        key = v->entries[0].key;
        klen = v->entries[0].key_len;
        *payload = &v->entries[0].value;
    } else {
        if (n->kind == CM_RESULT && v->kind == HOST_VALUE_MAP)
            return cm_abi_fail(cx, "expected a result: a map {ok = value} or {err = value}");
        if (n->kind == CM_VARIANT && v->kind == HOST_VALUE_MAP)
            return cm_abi_fail(cx, "expected a variant: a map with one entry {case = payload}");
        return expected(cx, t, v);
    }
    uint32_t nc = n->kind == CM_RESULT ? 2 : n->nfields;
    for (uint32_t i = 0; i < nc; i++) {
        const char *label = n->kind == CM_RESULT ? (i ? "err" : "ok") : n->fields[i].label;
        if (strlen(label) == klen && memcmp(label, key, klen) == 0) {
            *index = i;
            return true;
        }
    }
    char name[128];
    return cm_abi_fail(cx, "\"%.*s\" is not a case of %s", (int)(klen > 64 ? 64 : klen), key,
                       cm_abi_type_name(cx->types, t, name, sizeof name));
}

static cm_typeid case_type(const cm_type *n, uint32_t i)
{
    switch (n->kind) {
    case CM_OPTION: return i ? n->elem : CM_NO_TYPE;
    case CM_RESULT: return i ? n->err : n->elem;
    case CM_ENUM: return CM_NO_TYPE;
    default: return n->fields[i].type;
    }
}

/* Flags as an array of 32-bit words. */
static bool flag_bits(cm_abi *cx, cm_typeid t, const host_value *v, uint32_t *words)
{
    const cm_type *n = T(t);
    memset(words, 0, ((n->nfields + 31) / 32) * sizeof *words);
    size_t count = v->kind == HOST_VALUE_MAP || v->kind == HOST_VALUE_LIST ? v->len : 0;
    if (v->kind != HOST_VALUE_MAP && v->kind != HOST_VALUE_LIST)
        return expected(cx, t, v);
    for (size_t i = 0; i < count; i++) {
        const char *key;
        size_t klen;
        if (v->kind == HOST_VALUE_MAP) {
            const host_value *on = &v->entries[i].value;
            if (on->kind != HOST_VALUE_BOOL)
                return cm_abi_fail(cx, "flag \"%s\": expected bool, got %s", v->entries[i].key,
                                   cm_abi_kind_name(on));
            if (!on->b)
                continue;
            key = v->entries[i].key;
            klen = v->entries[i].key_len;
        } else {
            if (v->items[i].kind != HOST_VALUE_STRING)
                return cm_abi_fail(cx, "element %zu: expected a flag name, got %s", i + 1,
                                   cm_abi_kind_name(&v->items[i]));
            key = v->items[i].s;
            klen = v->items[i].len;
        }
        uint32_t f = 0;
        while (f < n->nfields && !(strlen(n->fields[f].label) == klen &&
                                   memcmp(n->fields[f].label, key, klen) == 0))
            f++;
        if (f == n->nfields)
            return cm_abi_fail(cx, "\"%.*s\" is not a flag of %s", (int)(klen > 64 ? 64 : klen), key,
                               "the flags type");
        words[f / 32] |= 1u << (f % 32);
    }
    return true;
}

/* A list's elements (count of them) into guest memory: *ptr. t is the
 * list type. */
static bool lower_list(cm_abi *cx, cm_typeid t, const host_value *v, uint32_t *ptr,
                       uint32_t *len)
{
    cm_typeid elem = T(t)->elem;
    const cm_type *e = T(elem);
    bool bytes = v->kind == HOST_VALUE_STRING && (e->kind == CM_U8 || e->kind == CM_S8);
    if (v->kind != HOST_VALUE_LIST && !bytes)
        return expected(cx, t, v);
    uint64_t size = (uint64_t)v->len * e->size;
    if (v->len > UINT32_MAX || size > UINT32_MAX)
        return cm_abi_fail(cx, "a list of %zu elements of %u bytes does not fit a 32-bit memory",
                           v->len, e->size);
    if (cx->alloc == NULL)
        return cm_abi_fail(cx, "a list needs the guest's realloc and the function has none");
    if (!cx->alloc(cx, e->align ? e->align : 1, (uint32_t)size, ptr))
        return false;
    if (bytes) {
        uint8_t *p = cm_abi_span(cx, *ptr, size, "list");
        if (p == NULL)
            return false;
        memcpy(p, v->s, v->len);
    } else {
        for (size_t i = 0; i < v->len; i++)
            if (!cm_abi_store(cx, elem, &v->items[i], *ptr + (uint32_t)(i * e->size))) {
                cm_abi_prefix(cx, "element %zu: ", i + 1);
                return false;
            }
    }
    *len = (uint32_t)v->len;
    return true;
}

/* The value of a record field (NIL when missing) or tuple element. */
static const host_value *member(cm_abi *cx, cm_typeid t, const host_value *v, uint32_t i)
{
    static const host_value nil = { .kind = HOST_VALUE_NIL };
    const cm_type *n = T(t);
    if (n->kind == CM_RECORD) {
        const char *l = n->fields[i].label;
        const host_value *f = host_map_get(v, l, strlen(l));
        return f != NULL ? f : &nil;
    }
    (void)cx;
    return &v->items[i];
}

static bool check_aggregate(cm_abi *cx, cm_typeid t, const host_value *v)
{
    const cm_type *n = T(t);
    if (n->kind == CM_RECORD && v->kind != HOST_VALUE_MAP)
        return expected(cx, t, v);
    if (n->kind == CM_TUPLE || (n->kind == CM_LIST && n->length)) {
        uint32_t want = n->kind == CM_TUPLE ? n->nfields : n->length;
        if (v->kind != HOST_VALUE_LIST)
            return expected(cx, t, v);
        if (v->len != want)
            return cm_abi_fail(cx, "expected %u elements, got %zu", want, v->len);
    }
    return true;
}

static void member_prefix(cm_abi *cx, const cm_type *n, uint32_t i)
{
    if (n->kind == CM_RECORD)
        cm_abi_prefix(cx, "field \"%s\": ", n->fields[i].label);
    else
        cm_abi_prefix(cx, "element %u: ", i + 1);
}

/* Converts a case's flat value to the joined type of the variant. */
static vm_value coerce_lower(vm_value v, vm_valtype joined)
{
    vm_value out = { .type = joined };
    if (joined == VM_I64 && v.type != VM_I64 && v.type != VM_F64)
        out.of.i64 = v.of.i32;        /* i32 or f32 bits, zero-extended */
    else
        out.of = v.of;
    return out;
}

static vm_value flat_value(vm_valtype t, uint64_t bits)
{
    vm_value v = { .type = t };
    if (t == VM_I64 || t == VM_F64)
        v.of.i64 = bits;
    else
        v.of.i32 = (uint32_t)bits;
    return v;
}

bool cm_abi_lower_flat(cm_abi *cx, cm_typeid t, const host_value *v, vm_value *out)
{
    const cm_type *n = T(t);
    if (is_scalar(n->kind)) {
        uint64_t bits;
        if (!lower_scalar(cx, t, v, &bits))
            return false;
        out[0] = flat_value((vm_valtype)n->flat[0], bits);
        return true;
    }
    switch (n->kind) {
    case CM_STRING: {
        if (v->kind != HOST_VALUE_STRING)
            return expected(cx, t, v);
        uint32_t ptr, units;
        if (!cm_abi_lower_string(cx, v->s, v->len, &ptr, &units))
            return false;
        out[0] = flat_value(VM_I32, ptr);
        out[1] = flat_value(VM_I32, units);
        return true;
    }
    case CM_FLAGS: {
        uint32_t words[CM_MAX_FLAT + 1];
        if (n->nfields > 32 * CM_MAX_FLAT)
            return cm_abi_fail(cx, "too many flags");
        if (!flag_bits(cx, t, v, words))
            return false;
        for (unsigned i = 0; i < n->nflat; i++)
            out[i] = flat_value(VM_I32, words[i]);
        return true;
    }
    case CM_LIST:
        if (n->length == 0) {
            uint32_t ptr, len;
            if (!lower_list(cx, t, v, &ptr, &len))
                return false;
            out[0] = flat_value(VM_I32, ptr);
            out[1] = flat_value(VM_I32, len);
            return true;
        }
        if (!check_aggregate(cx, t, v))
            return false;
        for (uint32_t i = 0; i < n->length; i++)
            if (!cm_abi_lower_flat(cx, n->elem, &v->items[i], out + (size_t)i * T(n->elem)->nflat)) {
                cm_abi_prefix(cx, "element %u: ", i + 1);
                return false;
            }
        return true;
    case CM_RECORD: case CM_TUPLE: {
        if (!check_aggregate(cx, t, v))
            return false;
        unsigned at = 0;
        for (uint32_t i = 0; i < n->nfields; i++) {
            if (!cm_abi_lower_flat(cx, n->fields[i].type, member(cx, t, v, i), out + at)) {
                member_prefix(cx, n, i);
                return false;
            }
            at += T(n->fields[i].type)->nflat;
        }
        return true;
    }
    case CM_ENUM: case CM_VARIANT: case CM_OPTION: case CM_RESULT: {
        uint32_t index;
        const host_value *payload;
        if (!find_case(cx, t, v, &index, &payload))
            return false;
        out[0] = flat_value(VM_I32, index);
        for (unsigned j = 1; j < n->nflat; j++)
            out[j] = flat_value((vm_valtype)n->flat[j], 0);
        cm_typeid pt = case_type(n, index);
        if (pt == CM_NO_TYPE)
            return true;
        static const host_value nil = { .kind = HOST_VALUE_NIL };
        vm_value tmp[CM_MAX_FLAT];
        if (!cm_abi_lower_flat(cx, pt, payload ? payload : &nil, tmp)) {
            if (n->kind != CM_OPTION)
                cm_abi_prefix(cx, "case \"%s\": ", n->kind == CM_RESULT ? (index ? "err" : "ok")
                                                                       : n->fields[index].label);
            return false;
        }
        for (unsigned j = 0; j < T(pt)->nflat; j++)
            out[1 + j] = coerce_lower(tmp[j], (vm_valtype)n->flat[1 + j]);
        return true;
    }
    default:
        return cm_abi_fail(cx, "not a value type");
    }
}

static void wr(uint8_t *p, uint64_t x, uint32_t size)
{
    for (uint32_t i = 0; i < size; i++)
        p[i] = (uint8_t)(x >> (8 * i));
}

static uint64_t align_up(uint64_t x, uint32_t a)
{
    return a <= 1 ? x : (x + a - 1) / a * a;
}

bool cm_abi_store(cm_abi *cx, cm_typeid t, const host_value *v, uint32_t ptr)
{
    const cm_type *n = T(t);
    if (n->align > 1 && ptr % n->align != 0)
        return cm_abi_fail(cx, "pointer 0x%x is not aligned to %u", ptr, n->align);
    if (cm_abi_span(cx, ptr, n->size, "value") == NULL)
        return false;
    if (is_scalar(n->kind)) {
        uint64_t bits;
        if (!lower_scalar(cx, t, v, &bits))
            return false;
        wr(cm_abi_span(cx, ptr, n->size, "value"), bits, n->size);
        return true;
    }
    switch (n->kind) {
    case CM_STRING: case CM_LIST: {
        uint32_t p, len;
        if (n->kind == CM_LIST && n->length) {
            if (!check_aggregate(cx, t, v))
                return false;
            for (uint32_t i = 0; i < n->length; i++)
                if (!cm_abi_store(cx, n->elem, &v->items[i], ptr + i * T(n->elem)->size)) {
                    cm_abi_prefix(cx, "element %u: ", i + 1);
                    return false;
                }
            return true;
        }
        if (n->kind == CM_STRING) {
            if (v->kind != HOST_VALUE_STRING)
                return expected(cx, t, v);
            if (!cm_abi_lower_string(cx, v->s, v->len, &p, &len))
                return false;
        } else if (!lower_list(cx, t, v, &p, &len)) {
            return false;
        }
        uint8_t *m = cm_abi_span(cx, ptr, 8, "value");   /* again: memory may have grown */
        if (m == NULL)
            return false;
        wr(m, p, 4);
        wr(m + 4, len, 4);
        return true;
    }
    case CM_FLAGS: {
        uint32_t words[(UINT16_MAX + 31) / 32 + 1];
        if (n->nfields > UINT16_MAX)
            return cm_abi_fail(cx, "too many flags");
        if (!flag_bits(cx, t, v, words))
            return false;
        uint8_t *m = cm_abi_span(cx, ptr, n->size, "value");
        if (n->size <= 4)
            wr(m, words[0], n->size);
        else
            for (uint32_t i = 0; i < n->size / 4; i++)
                wr(m + 4 * i, words[i], 4);
        return true;
    }
    case CM_RECORD: case CM_TUPLE: {
        if (!check_aggregate(cx, t, v))
            return false;
        uint64_t off = 0;
        for (uint32_t i = 0; i < n->nfields; i++) {
            const cm_type *f = T(n->fields[i].type);
            off = align_up(off, f->align);
            if (!cm_abi_store(cx, n->fields[i].type, member(cx, t, v, i), ptr + (uint32_t)off)) {
                member_prefix(cx, n, i);
                return false;
            }
            off += f->size;
        }
        return true;
    }
    case CM_ENUM: case CM_VARIANT: case CM_OPTION: case CM_RESULT: {
        uint32_t index;
        const host_value *payload;
        if (!find_case(cx, t, v, &index, &payload))
            return false;
        uint32_t nc = n->kind == CM_OPTION || n->kind == CM_RESULT ? 2 : n->nfields;
        uint32_t ds = cm_discriminant_size(nc), max_align = 1;
        wr(cm_abi_span(cx, ptr, ds, "value"), index, ds);
        cm_typeid pt = case_type(n, index);
        if (pt == CM_NO_TYPE)
            return true;
        for (uint32_t i = 0; i < nc; i++) {
            cm_typeid c = case_type(n, i);
            if (c != CM_NO_TYPE && T(c)->align > max_align)
                max_align = T(c)->align;
        }
        static const host_value nil = { .kind = HOST_VALUE_NIL };
        if (!cm_abi_store(cx, pt, payload ? payload : &nil, ptr + (uint32_t)align_up(ds, max_align))) {
            if (n->kind != CM_OPTION)
                cm_abi_prefix(cx, "case \"%s\": ", n->kind == CM_RESULT ? (index ? "err" : "ok")
                                                                       : n->fields[index].label);
            return false;
        }
        return true;
    }
    default:
        return cm_abi_fail(cx, "not a value type");
    }
}

bool cm_abi_lower_values(cm_abi *cx, const cm_typeid *types, const char *const *names, uint32_t n,
                         const host_value *vals, unsigned max, vm_value *out, uint32_t *nout)
{
    unsigned flat = cm_abi_flat_count(cx->types, types, n);
    *nout = 0;
    if (flat <= max) {
        for (uint32_t i = 0; i < n; i++) {
            if (!cm_abi_lower_flat(cx, types[i], &vals[i], out + *nout)) {
                if (names != NULL && names[i] != NULL)
                    cm_abi_prefix(cx, "argument %u (%s): ", i + 1, names[i]);
                return false;
            }
            *nout += T(types[i])->nflat;
        }
        return true;
    }
    /* Through memory: a tuple of the values, allocated by the guest. */
    uint64_t size = 0;
    uint32_t align = 1;
    for (uint32_t i = 0; i < n; i++) {
        size = align_up(size, T(types[i])->align) + T(types[i])->size;
        if (T(types[i])->align > align)
            align = T(types[i])->align;
    }
    size = align_up(size, align);
    if (size > UINT32_MAX)
        return cm_abi_fail(cx, "the arguments do not fit a 32-bit memory");
    if (cx->alloc == NULL)
        return cm_abi_fail(cx, "arguments passed in memory need the guest's realloc");
    uint32_t ptr;
    if (!cx->alloc(cx, align, (uint32_t)size, &ptr))
        return false;
    uint64_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        off = align_up(off, T(types[i])->align);
        if (!cm_abi_store(cx, types[i], &vals[i], ptr + (uint32_t)off)) {
            if (names != NULL && names[i] != NULL)
                cm_abi_prefix(cx, "argument %u (%s): ", i + 1, names[i]);
            return false;
        }
        off += T(types[i])->size;
    }
    out[0] = flat_value(VM_I32, ptr);
    *nout = 1;
    return true;
}
