/* abi_lift.c — lifting (CanonicalABI.md lift_flat, load): guest core
 * values and guest memory → host_value, driven by the type nodes. Every
 * guest pointer and length is bounds-checked (cm_abi_span) before the host
 * allocates for it; a variant's discriminant, a char and a bool byte are
 * checked; NaNs are canonicalised. Recursion follows the type (bounded by
 * CM_ABI_MAX_DEPTH, checked by the callers), never the data.
 *
 * Reads guest memory; writes only the host_values it makes. */
#include "component/abi.h"

#include <math.h>
#include <string.h>

#define T(id) (&cx->types->nodes[(id)])

static bool push(cm_abi *cx, host_value *list, host_value item)
{
    const char *why = NULL;
    if (!host_list_push(list, item, &why))
        return cm_abi_fail(cx, "%s", why ? why : "cannot build the list");
    return true;
}

static bool set(cm_abi *cx, host_value *map, const char *key, host_value v)
{
    const char *why = NULL;
    if (!host_map_set(map, key, strlen(key), v, &why))
        return cm_abi_fail(cx, "%s", why ? why : "cannot build the map");
    return true;
}

static host_value lift_f32(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return host_float(isnan(f) ? (double)NAN : (double)f);
}

static host_value lift_f64(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return host_float(isnan(d) ? NAN : d);
}

static bool lift_char(cm_abi *cx, uint32_t cp, host_value *out)
{
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return cm_abi_fail(cx, "invalid char code point 0x%x", cp);
    uint8_t buf[4];
    size_t n = cm_utf8_encode(cp, buf);
    *out = host_string((const char *)buf, n);
    if (out->kind != HOST_VALUE_STRING)
        return cm_abi_fail(cx, "out of memory");
    return true;
}

/* A case of a variant-like type: its label and payload type. */
static void case_of(const cm_type *n, uint32_t i, const char **label, cm_typeid *payload)
{
    if (n->kind == CM_OPTION) {
        *label = i ? "some" : "none";
        *payload = i ? n->elem : CM_NO_TYPE;
    } else if (n->kind == CM_RESULT) {
        *label = i ? "err" : "ok";
        *payload = i ? n->err : n->elem;
    } else {
        *label = n->fields[i].label;
        *payload = n->kind == CM_ENUM ? CM_NO_TYPE : n->fields[i].type;
    }
}

static uint32_t ncases(const cm_type *n)
{
    return n->kind == CM_OPTION || n->kind == CM_RESULT ? 2 : n->nfields;
}

/* The host value of case i with its lifted payload (taken over). */
static bool make_case(cm_abi *cx, const cm_type *n, uint32_t i, host_value payload, bool has,
                      host_value *out)
{
    const char *label;
    cm_typeid pt;
    case_of(n, i, &label, &pt);
    if (n->kind == CM_ENUM) {
        *out = host_string(label, strlen(label));
        return out->kind == HOST_VALUE_STRING || cm_abi_fail(cx, "out of memory");
    }
    if (n->kind == CM_OPTION) {
        if (i && T(pt)->kind == CM_OPTION) {
            /* option<option<T>>: some(x) is {some = x}, some(none) is {}
             * (no nil in a map: a Lua table drops it) */
            *out = host_map();
            return payload.kind == HOST_VALUE_NIL || set(cx, out, "some", payload);
        }
        *out = i ? payload : host_nil();
        return true;
    }
    *out = host_map();
    return set(cx, out, label, has ? payload : host_bool(true));
}

static bool lift_list_mem(cm_abi *cx, cm_typeid elem, uint32_t ptr, uint32_t len, host_value *out)
{
    const cm_type *e = T(elem);
    if (e->align > 1 && ptr % e->align != 0)
        return cm_abi_fail(cx, "list pointer 0x%x is not aligned to %u", ptr, e->align);
    uint64_t bytes = (uint64_t)len * e->size;
    const uint8_t *p = cm_abi_span(cx, ptr, bytes, "list");
    if (p == NULL)
        return false;
    if (cx->bytes && (e->kind == CM_U8 || e->kind == CM_S8)) {   /* the bulk path */
        if (len > HOST_MAX_VALUE_BYTES)
            return cm_abi_fail(cx, "a list of %u bytes is larger than %u", len, HOST_MAX_VALUE_BYTES);
        *out = host_string((const char *)p, len);
        return out->kind == HOST_VALUE_STRING || cm_abi_fail(cx, "out of memory");
    }
    *out = host_list(len < 1024 ? len : 1024);
    for (uint32_t i = 0; i < len; i++) {
        host_value v;
        if (!cm_abi_load(cx, elem, ptr + i * e->size, &v) || !push(cx, out, v)) {
            cm_abi_prefix(cx, "element %u: ", i + 1);
            host_value_free(out);
            return false;
        }
    }
    return true;
}

/* Converts a joined flat value to the type a case's payload wants. */
static vm_value coerce_lift(vm_value have, vm_valtype want)
{
    vm_value v = have;
    if (have.type == VM_I64 && (want == VM_I32 || want == VM_F32))
        v.of.i32 = (uint32_t)have.of.i64;
    v.type = want;
    return v;
}

bool cm_abi_lift_flat(cm_abi *cx, cm_typeid t, const vm_value *in, host_value *out)
{
    const cm_type *n = T(t);
    uint32_t x = n->nflat ? in[0].of.i32 : 0;
    switch (n->kind) {
    case CM_BOOL: *out = host_bool(x != 0); return true;
    case CM_S8: *out = host_int((int8_t)x); return true;
    case CM_U8: *out = host_int((uint8_t)x); return true;
    case CM_S16: *out = host_int((int16_t)x); return true;
    case CM_U16: *out = host_int((uint16_t)x); return true;
    case CM_S32: *out = host_int((int32_t)x); return true;
    case CM_U32: *out = host_int(x); return true;
    case CM_S64: *out = host_int((int64_t)in[0].of.i64); return true;
    case CM_U64: *out = host_uint(in[0].of.i64); return true;
    case CM_F32: *out = lift_f32(in[0].of.f32); return true;
    case CM_F64: *out = lift_f64(in[0].of.f64); return true;
    case CM_CHAR: return lift_char(cx, x, out);
    case CM_STRING: return cm_abi_lift_string(cx, in[0].of.i32, in[1].of.i32, out);
    case CM_OWN: case CM_BORROW:
        if (cx->lift_handle != NULL)
            return cx->lift_handle(cx, t, x, out);
        *out = host_int(x);
        return true;
    case CM_FLAGS:
        *out = host_map();
        for (uint32_t i = 0; i < n->nfields; i++)
            if ((in[i / 32].of.i32 >> (i % 32)) & 1)
                if (!set(cx, out, n->fields[i].label, host_bool(true))) {
                    host_value_free(out);
                    return false;
                }
        return true;
    case CM_RECORD: case CM_TUPLE: {
        *out = n->kind == CM_RECORD ? host_map() : host_list(n->nfields);
        unsigned at = 0;
        for (uint32_t i = 0; i < n->nfields; i++) {
            host_value v;
            bool ok = cm_abi_lift_flat(cx, n->fields[i].type, in + at, &v);
            ok = ok && (n->kind == CM_RECORD ? set(cx, out, n->fields[i].label, v) : push(cx, out, v));
            if (!ok) {
                if (n->kind == CM_RECORD)
                    cm_abi_prefix(cx, "field \"%s\": ", n->fields[i].label);
                else
                    cm_abi_prefix(cx, "element %u: ", i + 1);
                host_value_free(out);
                return false;
            }
            at += T(n->fields[i].type)->nflat;
        }
        return true;
    }
    case CM_LIST:
        if (n->length == 0)
            return lift_list_mem(cx, n->elem, in[0].of.i32, in[1].of.i32, out);
        *out = host_list(n->length);
        for (uint32_t i = 0; i < n->length; i++) {
            host_value v;
            if (!cm_abi_lift_flat(cx, n->elem, in + (size_t)i * T(n->elem)->nflat, &v) ||
                !push(cx, out, v)) {
                cm_abi_prefix(cx, "element %u: ", i + 1);
                host_value_free(out);
                return false;
            }
        }
        return true;
    case CM_ENUM: case CM_VARIANT: case CM_OPTION: case CM_RESULT: {
        if (x >= ncases(n))
            return cm_abi_fail(cx, "invalid %s discriminant %u", n->kind == CM_ENUM ? "enum" : "variant", x);
        const char *label;
        cm_typeid pt;
        case_of(n, x, &label, &pt);
        host_value payload = host_nil();
        if (pt != CM_NO_TYPE) {
            const cm_type *p = T(pt);
            vm_value tmp[CM_MAX_FLAT];
            for (unsigned j = 0; j < p->nflat && j < CM_MAX_FLAT; j++)
                tmp[j] = coerce_lift(in[1 + j], (vm_valtype)p->flat[j]);
            if (!cm_abi_lift_flat(cx, pt, tmp, &payload)) {
                cm_abi_prefix(cx, "case \"%s\": ", label);
                return false;
            }
        }
        return make_case(cx, n, x, payload, pt != CM_NO_TYPE, out);
    }
    default:
        return cm_abi_fail(cx, "not a value type");
    }
}

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint64_t align_up(uint64_t x, uint32_t a)
{
    return a <= 1 ? x : (x + a - 1) / a * a;
}

bool cm_abi_load(cm_abi *cx, cm_typeid t, uint32_t ptr, host_value *out)
{
    const cm_type *n = T(t);
    if (n->align > 1 && ptr % n->align != 0)
        return cm_abi_fail(cx, "pointer 0x%x is not aligned to %u", ptr, n->align);
    const uint8_t *p = cm_abi_span(cx, ptr, n->size, "value");
    if (p == NULL)
        return false;
    switch (n->kind) {
    case CM_BOOL: *out = host_bool(p[0] != 0); return true;
    case CM_S8: *out = host_int((int8_t)p[0]); return true;
    case CM_U8: *out = host_int(p[0]); return true;
    case CM_S16: *out = host_int((int16_t)(p[0] | p[1] << 8)); return true;
    case CM_U16: *out = host_int((uint16_t)(p[0] | p[1] << 8)); return true;
    case CM_S32: *out = host_int((int32_t)rd32(p)); return true;
    case CM_U32: *out = host_int(rd32(p)); return true;
    case CM_S64: *out = host_int((int64_t)rd64(p)); return true;
    case CM_U64: *out = host_uint(rd64(p)); return true;
    case CM_F32: *out = lift_f32(rd32(p)); return true;
    case CM_F64: *out = lift_f64(rd64(p)); return true;
    case CM_CHAR: return lift_char(cx, rd32(p), out);
    case CM_STRING: return cm_abi_lift_string(cx, rd32(p), rd32(p + 4), out);
    case CM_OWN: case CM_BORROW:
        if (cx->lift_handle != NULL)
            return cx->lift_handle(cx, t, rd32(p), out);
        *out = host_int(rd32(p));
        return true;
    case CM_FLAGS:
        *out = host_map();
        for (uint32_t i = 0; i < n->nfields; i++)
            if ((p[i / 8] >> (i % 8)) & 1)
                if (!set(cx, out, n->fields[i].label, host_bool(true))) {
                    host_value_free(out);
                    return false;
                }
        return true;
    case CM_RECORD: case CM_TUPLE: {
        *out = n->kind == CM_RECORD ? host_map() : host_list(n->nfields);
        uint64_t off = 0;
        for (uint32_t i = 0; i < n->nfields; i++) {
            const cm_type *f = T(n->fields[i].type);
            off = align_up(off, f->align);
            host_value v;
            bool ok = cm_abi_load(cx, n->fields[i].type, ptr + (uint32_t)off, &v);
            ok = ok && (n->kind == CM_RECORD ? set(cx, out, n->fields[i].label, v) : push(cx, out, v));
            if (!ok) {
                if (n->kind == CM_RECORD)
                    cm_abi_prefix(cx, "field \"%s\": ", n->fields[i].label);
                else
                    cm_abi_prefix(cx, "element %u: ", i + 1);
                host_value_free(out);
                return false;
            }
            off += f->size;
        }
        return true;
    }
    case CM_LIST:
        if (n->length == 0)
            return lift_list_mem(cx, n->elem, rd32(p), rd32(p + 4), out);
        return lift_list_mem(cx, n->elem, ptr, n->length, out);
    case CM_ENUM: case CM_VARIANT: case CM_OPTION: case CM_RESULT: {
        uint32_t nc = ncases(n), ds = cm_discriminant_size(nc);
        uint32_t d = ds == 1 ? p[0] : ds == 2 ? (uint32_t)(p[0] | p[1] << 8) : rd32(p);
        if (d >= nc)
            return cm_abi_fail(cx, "invalid %s discriminant %u", n->kind == CM_ENUM ? "enum" : "variant", d);
        const char *label;
        cm_typeid pt;
        case_of(n, d, &label, &pt);
        host_value payload = host_nil();
        if (pt != CM_NO_TYPE) {
            /* the payload sits after the discriminant, aligned to the widest case */
            uint32_t max_align = 1;
            for (uint32_t i = 0; i < nc; i++) {
                const char *l;
                cm_typeid c;
                case_of(n, i, &l, &c);
                if (c != CM_NO_TYPE && T(c)->align > max_align)
                    max_align = T(c)->align;
            }
            if (!cm_abi_load(cx, pt, ptr + (uint32_t)align_up(ds, max_align), &payload)) {
                cm_abi_prefix(cx, "case \"%s\": ", label);
                return false;
            }
        }
        return make_case(cx, n, d, payload, pt != CM_NO_TYPE, out);
    }
    default:
        return cm_abi_fail(cx, "not a value type");
    }
}

unsigned cm_abi_flat_count(const cm_types *t, const cm_typeid *types, uint32_t n)
{
    unsigned c = 0;
    for (uint32_t i = 0; i < n && c <= CM_MAX_FLAT; i++)
        c += t->nodes[types[i]].nflat;
    return c > CM_MAX_FLAT ? CM_MAX_FLAT + 1 : c;
}

static void prefix_arg(cm_abi *cx, const char *const *names, uint32_t i)
{
    if (names != NULL && names[i] != NULL)
        cm_abi_prefix(cx, "argument %u (%s): ", i + 1, names[i]);
}

bool cm_abi_lift_values(cm_abi *cx, const cm_typeid *types, const char *const *names, uint32_t n,
                        const vm_value *in, uint32_t nin, unsigned max, host_value *out)
{
    unsigned flat = cm_abi_flat_count(cx->types, types, n);
    uint32_t ptr = 0;
    uint64_t off = 0;
    bool mem = flat > max;
    if (mem) {
        if (nin < 1)
            return cm_abi_fail(cx, "missing the pointer to the values");
        ptr = in[0].of.i32;
    }
    unsigned at = 0;
    for (uint32_t i = 0; i < n; i++) {
        const cm_type *t = T(types[i]);
        bool ok;
        if (mem) {
            off = align_up(off, t->align);
            ok = cm_abi_load(cx, types[i], ptr + (uint32_t)off, &out[i]);
            off += t->size;
        } else {
            ok = at + t->nflat <= nin ? cm_abi_lift_flat(cx, types[i], in + at, &out[i])
                                      : cm_abi_fail(cx, "missing core values");
            at += t->nflat;
        }
        if (!ok) {
            prefix_arg(cx, names, i);
            for (uint32_t j = 0; j < i; j++)
                host_value_free(&out[j]);
            return false;
        }
    }
    return true;
}
