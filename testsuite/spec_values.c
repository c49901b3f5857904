/* spec_values.c — values of wast2json scripts as vm_values: parsing the
 * arguments and expected results, comparing results, and formatting both
 * for messages.
 *
 * wast2json writes every number as an unsigned decimal string: i32/i64 as
 * their two's-complement value, f32/f64 as their bit pattern, v128 as lane
 * strings of the "lane_type". Expected floats may instead be "nan:canonical"
 * or "nan:arithmetic". References are "null" or a number: externref N is the
 * host pointer spec_externref(N); an expected funcref number matches any
 * non-null funcref. Uses vm/vm.h for its types only (no engine calls). */
#include "testsuite/spec.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void *spec_externref(uint64_t n)
{
    return (void *)(uintptr_t)(n + 1);
}

/* ---- NaNs ------------------------------------------------------------- */

bool spec_f32_is_canonical_nan(uint32_t bits)
{
    return (bits & 0x7fffffffu) == 0x7fc00000u;
}

bool spec_f32_is_arithmetic_nan(uint32_t bits)
{
    return (bits & 0x7fc00000u) == 0x7fc00000u;
}

bool spec_f64_is_canonical_nan(uint64_t bits)
{
    return (bits & 0x7fffffffffffffffu) == 0x7ff8000000000000u;
}

bool spec_f64_is_arithmetic_nan(uint64_t bits)
{
    return (bits & 0x7ff8000000000000u) == 0x7ff8000000000000u;
}

/* ---- names -------------------------------------------------------------- */

static const struct {
    const char *name;
    vm_valtype type;
} type_names[] = {
    { "i32", VM_I32 }, { "i64", VM_I64 }, { "f32", VM_F32 }, { "f64", VM_F64 },
    { "v128", VM_V128 }, { "funcref", VM_FUNCREF }, { "externref", VM_EXTERNREF },
};

static const struct {
    const char *name;   /* "lane_type" in the JSON */
    const char *shape;  /* for messages */
    spec_lanes lanes;
    unsigned width;     /* bytes per lane */
    bool is_float;
} lane_kinds[] = {
    { "i8", "i8x16", SPEC_LANES_I8, 1, false },
    { "i16", "i16x8", SPEC_LANES_I16, 2, false },
    { "i32", "i32x4", SPEC_LANES_I32, 4, false },
    { "i64", "i64x2", SPEC_LANES_I64, 8, false },
    { "f32", "f32x4", SPEC_LANES_F32, 4, true },
    { "f64", "f64x2", SPEC_LANES_F64, 8, true },
};

#define NKINDS (sizeof lane_kinds / sizeof lane_kinds[0])

static const char *type_name(vm_valtype t)
{
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (type_names[i].type == t)
            return type_names[i].name;
    return "unknown-type";
}

/* The lane_kinds row of lanes; the i32 row for SPEC_LANES_NONE. */
static size_t lane_kind(spec_lanes lanes)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (lane_kinds[i].lanes == lanes)
            return i;
    return 2;
}

/* Lane i of a v128 of lanes width bytes each, little-endian. */
static uint64_t lane_get(const uint8_t v[16], unsigned width, unsigned i)
{
    uint64_t x = 0;
    for (unsigned b = width; b-- > 0;)
        x = x << 8 | v[i * width + b];
    return x;
}

static void lane_set(uint8_t v[16], unsigned width, unsigned i, uint64_t x)
{
    for (unsigned b = 0; b < width; b++, x >>= 8)
        v[i * width + b] = (uint8_t)x;
}

/* ---- parsing ------------------------------------------------------------ */

/* A JSON string without NUL bytes, or NULL. */
static const char *plain_string(const json_value *v)
{
    const char *s = json_string(v);
    return s != NULL && strlen(s) == json_string_length(v) ? s : NULL;
}

/* An unsigned decimal number no larger than max. */
static bool parse_decimal(const char *s, uint64_t max, uint64_t *out)
{
    if (s == NULL || *s == '\0')
        return false;
    uint64_t v = 0;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

__attribute__((format(printf, 3, 4)))
static bool parse_error(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (errlen > 0)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

/* A float written as its bit pattern (width 4 or 8 bytes) or, when
 * expected, as a NaN pattern. */
static bool parse_float(const char *s, unsigned width, bool expected, uint64_t *bits,
                        spec_match *m)
{
    *m = SPEC_MATCH_EXACT;
    *bits = 0;
    if (expected && strcmp(s, "nan:canonical") == 0) {
        *m = SPEC_MATCH_NAN_CANONICAL;
        return true;
    }
    if (expected && strcmp(s, "nan:arithmetic") == 0) {
        *m = SPEC_MATCH_NAN_ARITHMETIC;
        return true;
    }
    return parse_decimal(s, width == 4 ? UINT32_MAX : UINT64_MAX, bits);
}

static bool parse_v128(const json_value *j, bool expected, spec_value *out, char *err,
                       size_t errlen)
{
    const char *lane_type = plain_string(json_get(j, "lane_type"));
    size_t k = 0;
    while (k < NKINDS && (lane_type == NULL || strcmp(lane_type, lane_kinds[k].name) != 0))
        k++;
    if (k == NKINDS)
        return parse_error(err, errlen, "v128 without a known lane_type");
    unsigned width = lane_kinds[k].width, count = 16 / width;
    const json_value *lanes = json_get(j, "value");
    if (json_typeof(lanes) != JSON_ARRAY || json_length(lanes) != count)
        return parse_error(err, errlen, "v128 %s needs an array of %u lanes", lane_kinds[k].shape,
                           count);
    out->lanes = lane_kinds[k].lanes;
    for (unsigned i = 0; i < count; i++) {
        const char *s = plain_string(json_at(lanes, i));
        uint64_t x;
        bool ok = s != NULL;
        if (ok && lane_kinds[k].is_float)
            ok = parse_float(s, width, expected, &x, &out->match[i]);
        else if (ok)
            ok = parse_decimal(s, width == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * width)) - 1, &x);
        if (!ok)
            return parse_error(err, errlen, "bad %s lane %u: %s", lane_type, i,
                               s ? s : "(not a string)");
        lane_set(out->value.of.v128, width, i, x);
    }
    return true;
}

bool spec_value_parse(const json_value *j, bool expected, spec_value *out, char *err,
                      size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *type = plain_string(json_get(j, "type"));
    size_t t = 0;
    while (t < sizeof type_names / sizeof type_names[0] &&
           (type == NULL || strcmp(type, type_names[t].name) != 0))
        t++;
    if (t == sizeof type_names / sizeof type_names[0])
        return parse_error(err, errlen, "unknown value type %s", type ? type : "(missing)");
    out->value.type = type_names[t].type;
    if (out->value.type == VM_V128)
        return parse_v128(j, expected, out, err, errlen);

    const char *s = plain_string(json_get(j, "value"));
    if (s == NULL)
        return parse_error(err, errlen, "%s value missing", type);
    uint64_t x = 0;
    bool ok = true;
    switch (out->value.type) {
    case VM_I32:
        ok = parse_decimal(s, UINT32_MAX, &x);
        out->value.of.i32 = (uint32_t)x;
        break;
    case VM_I64:
        ok = parse_decimal(s, UINT64_MAX, &out->value.of.i64);
        break;
    case VM_F32:
        ok = parse_float(s, 4, expected, &x, &out->match[0]);
        out->value.of.f32 = (uint32_t)x;
        break;
    case VM_F64:
        ok = parse_float(s, 8, expected, &out->value.of.f64, &out->match[0]);
        break;
    case VM_FUNCREF:
        if (strcmp(s, "null") == 0)
            break;
        if (!expected)
            return parse_error(err, errlen, "a non-null funcref argument cannot be made");
        ok = parse_decimal(s, UINT64_MAX, &x);
        out->match[0] = SPEC_MATCH_NONNULL;
        break;
    case VM_EXTERNREF:
        if (strcmp(s, "null") == 0)
            break;
        ok = parse_decimal(s, UINTPTR_MAX - 1, &x);
        out->value.of.ref = spec_externref(x);
        break;
    default:
        ok = false;
        break;
    }
    if (!ok)
        return parse_error(err, errlen, "bad %s value: %s", type, s);
    return true;
}

/* ---- comparing ---------------------------------------------------------- */

static bool float_matches(spec_match m, uint64_t got, uint64_t want, unsigned width)
{
    switch (m) {
    case SPEC_MATCH_EXACT:
        return got == want;
    case SPEC_MATCH_NAN_CANONICAL:
        return width == 4 ? spec_f32_is_canonical_nan((uint32_t)got)
                          : spec_f64_is_canonical_nan(got);
    case SPEC_MATCH_NAN_ARITHMETIC:
        return width == 4 ? spec_f32_is_arithmetic_nan((uint32_t)got)
                          : spec_f64_is_arithmetic_nan(got);
    default:
        return false;
    }
}

bool spec_value_matches(const spec_value *e, const vm_value *got)
{
    if (got->type != e->value.type)
        return false;
    switch (e->value.type) {
    case VM_I32:
        return got->of.i32 == e->value.of.i32;
    case VM_I64:
        return got->of.i64 == e->value.of.i64;
    case VM_F32:
        return float_matches(e->match[0], got->of.f32, e->value.of.f32, 4);
    case VM_F64:
        return float_matches(e->match[0], got->of.f64, e->value.of.f64, 8);
    case VM_FUNCREF:
        if (e->match[0] == SPEC_MATCH_NONNULL)
            return got->of.func != NULL;
        return got->of.func == e->value.of.func;
    case VM_EXTERNREF:
        return got->of.ref == e->value.of.ref;
    case VM_V128: {
        const size_t k = lane_kind(e->lanes);
        const unsigned width = lane_kinds[k].width;
        for (unsigned i = 0; i < 16 / width; i++) {
            uint64_t g = lane_get(got->of.v128, width, i);
            uint64_t w = lane_get(e->value.of.v128, width, i);
            if (lane_kinds[k].is_float ? !float_matches(e->match[i], g, w, width) : g != w)
                return false;
        }
        return true;
    }
    default:
        return false;
    }
}

/* ---- formatting --------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t size, used;
} text;

__attribute__((format(printf, 2, 3)))
static void append(text *t, const char *fmt, ...)
{
    if (t->used >= t->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->used, t->size - t->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->used += (size_t)n;
}

static void append_float(text *t, uint64_t bits, unsigned width, spec_match m, bool with_value)
{
    if (m == SPEC_MATCH_NAN_CANONICAL) {
        append(t, "nan:canonical");
    } else if (m == SPEC_MATCH_NAN_ARITHMETIC) {
        append(t, "nan:arithmetic");
    } else if (width == 4) {
        uint32_t b = (uint32_t)bits;
        float f;
        memcpy(&f, &b, sizeof f);
        append(t, "0x%08" PRIx32, b);
        if (with_value)
            append(t, " (%.9g)", (double)f);
    } else {
        double d;
        memcpy(&d, &bits, sizeof d);
        append(t, "0x%016" PRIx64, bits);
        if (with_value)
            append(t, " (%.17g)", d);
    }
}

/* Formats v; match is NULL for a result, the expectation's otherwise. */
static void format(const vm_value *v, spec_lanes lanes, const spec_match *match, char *buf,
                   size_t size)
{
    static const spec_match exact[16];
    text t = { buf, size, 0 };
    if (size > 0)
        buf[0] = '\0';
    if (match == NULL)
        match = exact;
    append(&t, "%s:", type_name(v->type));
    switch (v->type) {
    case VM_I32:
        append(&t, "%" PRIu32, v->of.i32);
        break;
    case VM_I64:
        append(&t, "%" PRIu64, v->of.i64);
        break;
    case VM_F32:
        append_float(&t, v->of.f32, 4, match[0], true);
        break;
    case VM_F64:
        append_float(&t, v->of.f64, 8, match[0], true);
        break;
    case VM_FUNCREF:
        append(&t, "%s", match[0] == SPEC_MATCH_NONNULL ? "non-null"
                         : v->of.func == NULL             ? "null"
                                                          : "a function");
        break;
    case VM_EXTERNREF:
        if (v->of.ref == NULL)
            append(&t, "null");
        else
            append(&t, "%" PRIuPTR, (uintptr_t)v->of.ref - 1);
        break;
    case VM_V128: {
        const size_t k = lane_kind(lanes);
        const unsigned width = lane_kinds[k].width;
        append(&t, "%s", lane_kinds[k].shape);
        for (unsigned i = 0; i < 16 / width; i++) {
            uint64_t x = lane_get(v->of.v128, width, i);
            append(&t, " ");
            if (lanes == SPEC_LANES_NONE)
                append(&t, "0x%08" PRIx64, x);
            else if (lane_kinds[k].is_float)
                append_float(&t, x, width, match[i], false);
            else
                append(&t, "%" PRIu64, x);
        }
        break;
    }
    default:
        append(&t, "0x%02x", (unsigned)v->type);
        break;
    }
}

void spec_value_format(const vm_value *v, spec_lanes lanes, char *buf, size_t size)
{
    format(v, lanes, NULL, buf, size);
}

void spec_expected_format(const spec_value *e, char *buf, size_t size)
{
    format(&e->value, e->lanes, e->match, buf, size);
}
