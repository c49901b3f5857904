/* canonical.c — lowering of process arguments and lifting of process results
 * through the canonical ABI's flat scalars and strings (see canonical.h).
 *
 * Order of work in host_abi_lower: every argument is checked and converted
 * first, and only then are strings allocated in the guest and copied, so
 * a bad argument never runs guest code. Uses vm.h only. */
#include "host/abi/canonical.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FLAT_PARAMS 16      /* the canonical ABI's limit for flat parameters */

/* ---- UTF-8 ---- */

/* Decodes one scalar value from s (n > 0 bytes): returns its length in
 * bytes, or 0 when the bytes are not well-formed UTF-8 (overlong forms,
 * surrogates, values above U+10FFFF, truncated sequences). */
static size_t utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    static const uint32_t min_for_len[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    size_t len;
    uint32_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, c &= 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min_for_len[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static bool utf8_valid(const uint8_t *s, size_t n)
{
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

static bool is_scalar_value(uint64_t cp)
{
    return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

/* Encodes a scalar value into out (4 bytes); returns its length. */
static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* ---- signatures ---- */

static bool is_number(vm_valtype t)
{
    return t == VM_I32 || t == VM_I64 || t == VM_F32 || t == VM_F64;
}

/* The core type of a scalar (a string result is its retptr: i32). */
static vm_valtype flat_type(wit_type t)
{
    switch (t) {
    case WIT_S64: case WIT_U64: return VM_I64;
    case WIT_F32: return VM_F32;
    case WIT_F64: return VM_F64;
    default: return VM_I32;
    }
}

/* "(i32, i32) -> i32" into buf. */
static void format_signature(char *buf, size_t size, const vm_valtype *params, uint32_t np,
                             const vm_valtype *results, uint32_t nr)
{
    size_t used = (size_t)snprintf(buf, size, "(");
    for (uint32_t i = 0; i < np && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                                 vm_valtype_name(params[i]));
    if (used < size)
        used += (size_t)snprintf(buf + used, size - used, ")");
    for (uint32_t i = 0; i < nr && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : " -> ",
                                 vm_valtype_name(results[i]));
}

static bool check_with_wit(const vm_signature *core, const wit_func *wit, char *err,
                           size_t errlen)
{
    vm_valtype params[2 * WIT_MAX_PARAMS], result = VM_I32;
    uint32_t np = 0, nr = wit->has_result ? 1 : 0;
    for (uint32_t i = 0; i < wit->nparams && i < WIT_MAX_PARAMS; i++) {
        params[np++] = flat_type(wit->params[i]);
        if (wit->params[i] == WIT_STRING)
            params[np++] = VM_I32;
    }
    if (np > MAX_FLAT_PARAMS) {
        snprintf(err, errlen,
                 "wit signature of %s flattens to %u core parameters; more than %d (passed "
                 "through memory by the canonical ABI) is not supported",
                 wit->name, np, MAX_FLAT_PARAMS);
        return false;
    }
    if (wit->has_result)
        result = flat_type(wit->result);
    bool same = np == core->nparams && nr == core->nresults;
    for (uint32_t i = 0; same && i < np; i++)
        same = params[i] == core->params[i];
    if (same && nr == 1)
        same = result == core->results[0];
    if (!same) {
        char want[256], have[256];
        format_signature(want, sizeof want, params, np, &result, nr);
        format_signature(have, sizeof have, core->params, core->nparams, core->results,
                         core->nresults);
        snprintf(err, errlen,
                 "wit signature of %s does not match the module's export: the wit "
                 "declaration flattens to %s, the export is %s",
                 wit->name, want, have);
        return false;
    }
    return true;
}

static bool check_without_wit(const vm_signature *core, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < core->nparams; i++)
        if (!is_number(core->params[i])) {
            snprintf(err, errlen,
                     "the export takes a %s parameter (%u); only numbers can be passed "
                     "without a wit: signature, so declare the method in the entry's wit:",
                     vm_valtype_name(core->params[i]), i + 1);
            return false;
        }
    if (core->nresults > 1) {
        snprintf(err, errlen,
                 "the export returns %u values; without a wit: signature it may return at "
                 "most one number",
                 core->nresults);
        return false;
    }
    if (core->nresults == 1 && !is_number(core->results[0])) {
        snprintf(err, errlen,
                 "the export returns a %s; without a wit: signature it may return at most "
                 "one number",
                 vm_valtype_name(core->results[0]));
        return false;
    }
    return true;
}

bool host_abi_check(const vm_signature *core, const wit_func *wit, size_t nargs, char *err,
               size_t errlen)
{
    if (wit ? !check_with_wit(core, wit, err, errlen) : !check_without_wit(core, err, errlen))
        return false;
    uint32_t expected = wit ? wit->nparams : core->nparams;
    if (nargs != expected) {
        snprintf(err, errlen, "parameter count mismatch: expected %u, got %zu", expected, nargs);
        return false;
    }
    return true;
}

/* ---- lowering one argument ---- */

/* How one parameter is lowered. */
typedef struct {
    enum { P_INT, P_FLOAT, P_BOOL, P_CHAR, P_STRING } kind;
    const char *type_name;  /* for messages: "s32", or "i64" without wit */
    vm_valtype core;        /* the flat type (string: its ptr) */
    bool is_signed;         /* P_INT: the signed range */
    bool either;            /* P_INT without wit: signed or unsigned range */
    unsigned bits;          /* P_INT: 8..64; P_FLOAT: 32 or 64 */
} param_rule;

static param_rule rule_for_wit(wit_type t)
{
    param_rule r = { P_INT, host_wit_type_name(t), flat_type(t), false, false, 32 };
    switch (t) {
    case WIT_BOOL: r.kind = P_BOOL; break;
    case WIT_S8: r.is_signed = true; r.bits = 8; break;
    case WIT_S16: r.is_signed = true; r.bits = 16; break;
    case WIT_S32: r.is_signed = true; break;
    case WIT_S64: r.is_signed = true; r.bits = 64; break;
    case WIT_U8: r.bits = 8; break;
    case WIT_U16: r.bits = 16; break;
    case WIT_U32: break;
    case WIT_U64: r.bits = 64; break;
    case WIT_F32: r.kind = P_FLOAT; break;
    case WIT_F64: r.kind = P_FLOAT; r.bits = 64; break;
    case WIT_CHAR: r.kind = P_CHAR; break;
    case WIT_STRING: r.kind = P_STRING; break;
    }
    return r;
}

static param_rule rule_for_core(vm_valtype t)
{
    param_rule r = { P_INT, vm_valtype_name(t), t, false, true, 32 };
    if (t == VM_I64 || t == VM_F64)
        r.bits = 64;
    if (t == VM_F32 || t == VM_F64)
        r.kind = P_FLOAT;
    return r;
}

static const char *kind_name(host_value_kind k)
{
    switch (k) {
    case HOST_VALUE_NIL: return "nil";
    case HOST_VALUE_BOOL: return "bool";
    case HOST_VALUE_INT: return "integer";
    case HOST_VALUE_FLOAT: return "float";
    case HOST_VALUE_STRING: return "string";
    case HOST_VALUE_LIST: return "list";
    case HOST_VALUE_MAP: return "map";
    }
    return "value";
}

/* A number as a person reads it, for messages. */
static void describe_number(const host_value *v, char *buf, size_t size)
{
    if (v->kind == HOST_VALUE_FLOAT)
        snprintf(buf, size, "%g", v->f);
    else if (v->is_unsigned)
        snprintf(buf, size, "%" PRIu64, v->u);
    else
        snprintf(buf, size, "%" PRId64, v->i);
}

/* An integral value: neg ? -mag : mag. */
typedef struct {
    bool neg;
    uint64_t mag;
} integer;

/* Reads an integer, or an integral float, from v. */
static bool get_integer(const host_value *v, const char *type, integer *out, char *msg,
                        size_t size)
{
    char num[64];
    if (v->kind == HOST_VALUE_INT) {
        out->neg = !v->is_unsigned && v->i < 0;
        out->mag = v->is_unsigned ? v->u : out->neg ? 0 - (uint64_t)v->i : (uint64_t)v->i;
        return true;
    }
    if (v->kind != HOST_VALUE_FLOAT) {
        snprintf(msg, size, "expected %s, got %s", type, kind_name(v->kind));
        return false;
    }
    describe_number(v, num, sizeof num);
    if (!isfinite(v->f) || v->f != trunc(v->f)) {
        snprintf(msg, size, "%s is not an integer (expected %s)", num, type);
        return false;
    }
    if (fabs(v->f) >= 0x1p64) {
        snprintf(msg, size, "%s is out of range for %s", num, type);
        return false;
    }
    out->neg = v->f < 0;
    out->mag = (uint64_t)fabs(v->f);
    return true;
}

static bool in_range(integer x, const param_rule *r)
{
    uint64_t half = (uint64_t)1 << (r->bits - 1);     /* 2^(bits-1) */
    if (x.neg)
        return (r->is_signed || r->either) && x.mag <= half;
    if (r->is_signed && !r->either)
        return x.mag < half;
    return r->bits == 64 || x.mag < 2 * half;
}

static bool lower_int(const host_value *v, const param_rule *r, vm_value *out, char *msg,
                      size_t size)
{
    integer x;
    if (!get_integer(v, r->type_name, &x, msg, size))
        return false;
    if (!in_range(x, r)) {
        char num[64];
        describe_number(v, num, sizeof num);
        snprintf(msg, size, "%s is out of range for %s", num, r->type_name);
        return false;
    }
    uint64_t bits = x.neg ? 0 - x.mag : x.mag;   /* two's complement */
    out->type = r->core;
    if (r->core == VM_I64)
        out->of.i64 = bits;
    else
        out->of.i32 = (uint32_t)bits;
    return true;
}

static bool lower_float(const host_value *v, const param_rule *r, vm_value *out, char *msg,
                        size_t size)
{
    double d;
    if (v->kind == HOST_VALUE_INT)
        d = v->is_unsigned ? (double)v->u : (double)v->i;
    else if (v->kind == HOST_VALUE_FLOAT)
        d = v->f;
    else {
        snprintf(msg, size, "expected %s, got %s", r->type_name, kind_name(v->kind));
        return false;
    }
    out->type = r->core;
    if (r->bits == 64) {
        memcpy(&out->of.f64, &d, sizeof d);
        return true;
    }
    if (isfinite(d) && fabs(d) > FLT_MAX) {
        char num[64];
        describe_number(v, num, sizeof num);
        snprintf(msg, size, "%s is out of range for %s", num, r->type_name);
        return false;
    }
    float f = (float)d;
    memcpy(&out->of.f32, &f, sizeof f);
    return true;
}

static bool lower_char(const host_value *v, vm_value *out, char *msg, size_t size)
{
    uint32_t cp = 0;
    if (v->kind == HOST_VALUE_STRING) {
        size_t k = v->len ? utf8_decode((const uint8_t *)v->s, v->len, &cp) : 0;
        if (k == 0 || k != v->len) {
            snprintf(msg, size, "expected char, got a string that is not one character");
            return false;
        }
    } else if (v->kind == HOST_VALUE_INT) {
        bool neg = !v->is_unsigned && v->i < 0;
        uint64_t n = v->is_unsigned ? v->u : (uint64_t)v->i;
        if (neg || !is_scalar_value(n)) {
            char num[64];
            describe_number(v, num, sizeof num);
            snprintf(msg, size, "%s is not a Unicode scalar value (expected char)", num);
            return false;
        }
        cp = (uint32_t)n;
    } else {
        snprintf(msg, size, "expected char, got %s", kind_name(v->kind));
        return false;
    }
    out->type = VM_I32;
    out->of.i32 = cp;
    return true;
}

/* Checks and converts one argument; a string is only checked here. */
static bool lower_one(const host_value *v, const param_rule *r, vm_value *out, char *msg,
                      size_t size)
{
    switch (r->kind) {
    case P_INT: return lower_int(v, r, out, msg, size);
    case P_FLOAT: return lower_float(v, r, out, msg, size);
    case P_CHAR: return lower_char(v, out, msg, size);
    case P_BOOL:
        if (v->kind != HOST_VALUE_BOOL)
            break;
        out->type = VM_I32;
        out->of.i32 = v->b ? 1 : 0;
        return true;
    case P_STRING:
        if (v->kind != HOST_VALUE_STRING)
            break;
        if (v->len > UINT32_MAX) {
            snprintf(msg, size, "the string is longer than 4 GiB");
            return false;
        }
        if (!utf8_valid((const uint8_t *)v->s, v->len)) {
            snprintf(msg, size, "the string is not valid UTF-8");
            return false;
        }
        return true;
    }
    snprintf(msg, size, "expected %s, got %s", r->type_name, kind_name(v->kind));
    return false;
}

/* ---- strings in guest memory ---- */

/* The memory strings go through: the export "memory", else the first
 * exported memory; NULL when there is none. */
static vm_memory *guest_memory(const vm_instance *inst)
{
    vm_memory *mem = vm_instance_memory(inst, "memory");
    const vm_module *m = vm_instance_module(inst);
    for (uint32_t i = 0; mem == NULL && i < vm_module_export_count(m); i++) {
        const char *name;
        vm_externkind kind;
        vm_module_export(m, i, &name, &kind);
        if (kind == VM_EXTERN_MEMORY)
            mem = vm_instance_memory(inst, name);
    }
    return mem;
}

typedef struct {
    vm_func *fn;
    const char *name;
    bool is_realloc;        /* (old, old_size, align, size) rather than (size) */
} allocator;

/* Finds the guest allocator (see canonical.h for the order). */
static bool find_allocator(const vm_instance *inst, allocator *a, char *msg, size_t size)
{
    static const struct {
        const char *name;
        bool is_realloc;
    } names[] = { { "cabi_realloc", true }, { "canonical_abi_realloc", true },
                  { "allocate", false }, { "alloc", false } };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        vm_func *f = vm_instance_func(inst, names[i].name);
        if (f == NULL)
            continue;
        vm_signature sig;
        vm_func_signature(f, &sig);
        uint32_t want = names[i].is_realloc ? 4 : 1;
        bool ok = sig.nparams == want && sig.nresults == 1 && sig.results[0] == VM_I32;
        for (uint32_t k = 0; ok && k < want; k++)
            ok = sig.params[k] == VM_I32;
        if (!ok) {
            snprintf(msg, size, "the export %s is not an allocator: expected %s", names[i].name,
                     names[i].is_realloc ? "(i32, i32, i32, i32) -> i32" : "(i32) -> i32");
            return false;
        }
        *a = (allocator){ f, names[i].name, names[i].is_realloc };
        return true;
    }
    snprintf(msg, size,
             "the module exports no allocator (cabi_realloc, canonical_abi_realloc, allocate "
             "or alloc)");
    return false;
}

/* Runs the allocator for size bytes (alignment 1) on thread t. */
static bool guest_alloc(vm_thread *t, const allocator *a, uint32_t size, uint32_t *ptr,
                        char *msg, size_t msgsize)
{
    vm_value args[4] = { { .type = VM_I32 }, { .type = VM_I32 }, { .type = VM_I32 },
                         { .type = VM_I32 } };
    size_t nargs = 1;
    args[0].of.i32 = size;
    if (a->is_realloc) {
        args[0].of.i32 = 0;     /* old */
        args[1].of.i32 = 0;     /* old_size */
        args[2].of.i32 = 1;     /* align */
        args[3].of.i32 = size;
        nargs = 4;
    }
    vm_status st = vm_call_start(t, a->fn, args, nargs);
    if (st == VM_DONE)
        st = vm_run(t, ABI_ALLOC_FUEL);
    switch (st) {
    case VM_DONE: {
        vm_value r;
        if (vm_thread_results(t, &r, 1) != 1 || r.type != VM_I32)
            break;
        *ptr = r.of.i32;
        return true;
    }
    case VM_TRAP:
        snprintf(msg, msgsize, "%s trapped: %s", a->name, vm_thread_trap(t)->message);
        return false;
    case VM_SUSPENDED:
        snprintf(msg, msgsize, "%s made a host call that waits, which an allocator may not",
                 a->name);
        return false;
    case VM_OUT_OF_FUEL:
        snprintf(msg, msgsize, "%s did not return within %u units of fuel", a->name,
                 ABI_ALLOC_FUEL);
        return false;
    }
    snprintf(msg, msgsize, "%s returned no i32", a->name);
    return false;
}

/* ---- host_abi_lower ---- */

/* "argument N (NAME): MSG", or "argument N: MSG" without a wit name. */
static bool fail_arg(char *err, size_t errlen, const wit_func *wit, size_t i, const char *msg)
{
    if (wit)
        snprintf(err, errlen, "argument %zu (%s): %s", i + 1, wit->param_names[i], msg);
    else
        snprintf(err, errlen, "argument %zu: %s", i + 1, msg);
    return false;
}

/* Allocates every string argument in the guest and copies it in; their
 * (ptr, len) slots in out are filled. */
static bool copy_strings(vm_thread *t, vm_instance *inst, const wit_func *wit,
                         const host_value *args, vm_value *out, char *err, size_t errlen)
{
    allocator a = { NULL, NULL, false };
    vm_memory *mem = NULL;
    char msg[256];
    uint32_t slot = 0;      /* where parameter i starts in out */
    for (size_t i = 0; i < wit->nparams; i++) {
        if (wit->params[i] != WIT_STRING) {
            slot++;
            continue;
        }
        if (a.fn == NULL && !find_allocator(inst, &a, msg, sizeof msg))
            return fail_arg(err, errlen, wit, i, msg);
        if (mem == NULL && (mem = guest_memory(inst)) == NULL)
            return fail_arg(err, errlen, wit, i, "the module exports no memory to copy it into");
        uint32_t len = (uint32_t)args[i].len, ptr;
        if (!guest_alloc(t, &a, len, &ptr, msg, sizeof msg)) {
            snprintf(err, errlen, "allocating argument %zu in the guest: %s", i + 1, msg);
            return false;
        }
        if (!vm_memory_write(mem, ptr, args[i].s, len)) {
            snprintf(msg, sizeof msg,
                     "%s returned 0x%" PRIx32 " for %" PRIu32 " bytes, outside memory (%" PRIu64
                     " bytes)",
                     a.name, ptr, len, vm_memory_size(mem));
            return fail_arg(err, errlen, wit, i, msg);
        }
        out[slot] = (vm_value){ .type = VM_I32, .of.i32 = ptr };
        out[slot + 1] = (vm_value){ .type = VM_I32, .of.i32 = len };
        slot += 2;
    }
    return true;
}

bool host_abi_lower(vm_thread *t, vm_instance *inst, const vm_signature *core, const wit_func *wit,
               const host_value *args, size_t nargs, vm_value *out, char *err, size_t errlen)
{
    if (!host_abi_check(core, wit, nargs, err, errlen))
        return false;
    char msg[256];
    bool has_strings = false;
    uint32_t slot = 0;
    for (size_t i = 0; i < nargs; i++) {
        param_rule r = wit ? rule_for_wit(wit->params[i]) : rule_for_core(core->params[i]);
        if (!lower_one(&args[i], &r, &out[slot], msg, sizeof msg))
            return fail_arg(err, errlen, wit, i, msg);
        has_strings |= r.kind == P_STRING;
        slot += r.kind == P_STRING ? 2 : 1;
    }
    return !has_strings || copy_strings(t, inst, wit, args, out, err, errlen);
}

/* ---- host_abi_lift ---- */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Reads the string a retptr points at: [ptr u32, len u32]. */
static bool lift_string(vm_instance *inst, uint32_t retptr, host_value *out, char *err,
                        size_t errlen)
{
    vm_memory *mem = guest_memory(inst);
    if (mem == NULL) {
        snprintf(err, errlen, "the module exports no memory to read the result from");
        return false;
    }
    uint8_t pair[8];
    if (retptr % 4 != 0) {
        snprintf(err, errlen, "result pointer 0x%" PRIx32 " is not 4-byte aligned", retptr);
        return false;
    }
    if (!vm_memory_read(mem, retptr, pair, sizeof pair)) {
        snprintf(err, errlen, "result pointer 0x%" PRIx32 " is outside memory (%" PRIu64 " bytes)",
                 retptr, vm_memory_size(mem));
        return false;
    }
    uint32_t ptr = le32(pair), len = le32(pair + 4);
    if ((uint64_t)ptr + len > vm_memory_size(mem)) {
        snprintf(err, errlen,
                 "result string at 0x%" PRIx32 " (%" PRIu32 " bytes) is outside memory (%" PRIu64
                 " bytes)",
                 ptr, len, vm_memory_size(mem));
        return false;
    }
    char *s = malloc((size_t)len + 1);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (!vm_memory_read(mem, ptr, s, len) || !utf8_valid((const uint8_t *)s, len)) {
        free(s);
        snprintf(err, errlen, "result is not valid UTF-8");
        return false;
    }
    s[len] = '\0';
    *out = (host_value){ .kind = HOST_VALUE_STRING, .s = s, .len = len };
    return true;
}

static bool lift_char(uint32_t cp, host_value *out, char *err, size_t errlen)
{
    if (!is_scalar_value(cp)) {
        snprintf(err, errlen, "result 0x%" PRIx32 " is not a Unicode scalar value (char)", cp);
        return false;
    }
    char *s = malloc(5);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    size_t n = utf8_encode(cp, s);
    s[n] = '\0';
    *out = (host_value){ .kind = HOST_VALUE_STRING, .s = s, .len = n };
    return true;
}

static host_value int_value(int64_t i)
{
    return (host_value){ .kind = HOST_VALUE_INT, .i = i };
}

static host_value uint_value(uint64_t u)
{
    return (host_value){ .kind = HOST_VALUE_INT, .is_unsigned = true, .u = u,
                         .i = u <= INT64_MAX ? (int64_t)u : 0 };
}

static host_value float_value(const vm_value *v)
{
    double d;
    if (v->type == VM_F32) {
        float f;
        memcpy(&f, &v->of.f32, sizeof f);
        d = f;
    } else {
        memcpy(&d, &v->of.f64, sizeof d);
    }
    return (host_value){ .kind = HOST_VALUE_FLOAT, .f = d };
}

/* Lifts one result per its wit type (the casts to signed types wrap, as
 * GCC and Clang define). */
static bool lift_wit(vm_instance *inst, wit_type t, const vm_value *v, host_value *out,
                     char *err, size_t errlen)
{
    switch (t) {
    case WIT_BOOL: *out = (host_value){ .kind = HOST_VALUE_BOOL, .b = v->of.i32 != 0 }; break;
    case WIT_S8: *out = int_value((int8_t)v->of.i32); break;
    case WIT_S16: *out = int_value((int16_t)v->of.i32); break;
    case WIT_S32: *out = int_value((int32_t)v->of.i32); break;
    case WIT_S64: *out = int_value((int64_t)v->of.i64); break;
    case WIT_U8: *out = uint_value((uint8_t)v->of.i32); break;
    case WIT_U16: *out = uint_value((uint16_t)v->of.i32); break;
    case WIT_U32: *out = uint_value(v->of.i32); break;
    case WIT_U64: *out = uint_value(v->of.i64); break;
    case WIT_F32: case WIT_F64: *out = float_value(v); break;
    case WIT_CHAR: return lift_char(v->of.i32, out, err, errlen);
    case WIT_STRING: return lift_string(inst, v->of.i32, out, err, errlen);
    }
    return true;
}

bool host_abi_lift(vm_instance *inst, const vm_signature *core, const wit_func *wit,
              const vm_value *results, size_t nresults, host_value *out, char *err,
              size_t errlen)
{
    *out = (host_value){ .kind = HOST_VALUE_NIL };
    if (!host_abi_check(core, wit, wit ? wit->nparams : core->nparams, err, errlen))
        return false;
    if (nresults != core->nresults) {
        snprintf(err, errlen, "the export returned %zu values, expected %" PRIu32, nresults,
                 core->nresults);
        return false;
    }
    for (size_t i = 0; i < nresults; i++)
        if (results[i].type != core->results[i]) {
            snprintf(err, errlen, "result %zu is a %s, expected %s", i + 1,
                     vm_valtype_name(results[i].type), vm_valtype_name(core->results[i]));
            return false;
        }
    if (nresults == 0)
        return true;
    if (wit)
        return lift_wit(inst, wit->result, &results[0], out, err, errlen);
    if (results[0].type == VM_I32)
        *out = int_value((int32_t)results[0].of.i32);
    else if (results[0].type == VM_I64)
        *out = int_value((int64_t)results[0].of.i64);
    else
        *out = float_value(&results[0]);
    return true;
}
