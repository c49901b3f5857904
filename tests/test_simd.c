/* test_simd.c — Check unit tests for vm/simd.h and vm/opcodes_simd.h: the
 * table itself (236 instructions, sub-opcodes unique and ascending, the
 * Wasm 2.0 gaps exactly, names, lane bounds, natural alignments), and
 * the case lists of test_simd_int.c, test_simd_float.c and
 * test_simd_lanes.c run through the table: each case names an
 * instruction by its text name, and the table's kind says how to call
 * its function (test_simd_run.h), once as the engine builds simd.h and
 * once in its portable form (test_simd_portable.c). Every table entry
 * must have at least one case. Values are parsed from the spec tests'
 * constant syntax; results are compared bit for bit, NaN patterns lane
 * by lane. */
#include <check.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test_simd.h"
#include "vm/opcodes_simd.h"
#include "vm/simd.h"

/* ---- parsing wast constants -------------------------------------------- */

enum { NAN_EXACT, NAN_CANONICAL, NAN_ARITHMETIC };

typedef struct {
    vm_v128 v;             /* a vector, or a scalar in lane 0 (rest zero) */
    unsigned width;        /* lane bits */
    unsigned lanes;        /* 1 for a scalar */
    bool is_float;
    uint8_t nan[16];       /* per lane: NAN_EXACT, or a pattern to match */
} simd_value;

static const struct {
    const char *name;
    unsigned width, lanes;
    bool is_float;
} shapes[] = {
    { "i8x16", 8, 16, false }, { "i16x8", 16, 8, false }, { "i32x4", 32, 4, false },
    { "i64x2", 64, 2, false }, { "f32x4", 32, 4, true }, { "f64x2", 64, 2, true },
    { "i32", 32, 1, false }, { "i64", 64, 1, false }, { "f32", 32, 1, true }, { "f64", 64, 1, true },
};

/* An integer literal wrapped to 64 bits: [-](decimal | 0x hex), with '_'. */
static bool parse_int(const char *tok, uint64_t *out)
{
    bool neg = *tok == '-';
    if (*tok == '-' || *tok == '+')
        tok++;
    int base = (tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) ? 16 : 10;
    uint64_t v = 0;
    const char *p = tok + (base == 16 ? 2 : 0);
    if (!*p)
        return false;
    for (; *p; p++) {
        if (*p == '_')
            continue;
        int d = isdigit((unsigned char)*p) ? *p - '0'
              : (base == 16 && isxdigit((unsigned char)*p)) ? tolower((unsigned char)*p) - 'a' + 10 : -1;
        if (d < 0)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = neg ? 0 - v : v;
    return true;
}

/* A float literal as the bits of a float of `width` bits. */
static bool parse_float(const char *tok, unsigned width, uint64_t *out, uint8_t *nan)
{
    char clean[80];
    size_t n = 0;
    for (const char *p = tok; *p && n + 1 < sizeof clean; p++)
        if (*p != '_')
            clean[n++] = *p;
    clean[n] = '\0';
    bool neg = clean[0] == '-';
    const char *mag = clean + (clean[0] == '-' || clean[0] == '+');
    uint64_t sign = neg ? (width == 32 ? F32_SIGN_BIT : F64_SIGN_BIT) : 0;
    uint64_t exp_all = width == 32 ? UINT64_C(0x7f800000) : UINT64_C(0x7ff0000000000000);
    uint64_t quiet = width == 32 ? F32_QUIET_BIT : F64_QUIET_BIT;
    *nan = NAN_EXACT;
    if (strcmp(mag, "nan:canonical") == 0 || strcmp(mag, "nan:arithmetic") == 0) {
        *nan = mag[4] == 'c' ? NAN_CANONICAL : NAN_ARITHMETIC;
        *out = exp_all | quiet;
        return true;
    }
    if (strncmp(mag, "nan", 3) == 0) {
        uint64_t payload = quiet;
        if (mag[3] == ':' && !parse_int(mag + 4, &payload))
            return false;
        *out = sign | exp_all | payload;
        return mag[3] == '\0' || mag[3] == ':';
    }
    char *end;
    if (width == 32) {
        float f = strtof(clean, &end);
        *out = f32_bits(f);
    } else {
        double d = strtod(clean, &end);
        *out = f64_bits(d);
    }
    return *end == '\0';
}

static bool parse_value(const char *text, simd_value *out)
{
    memset(out, 0, sizeof *out);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", text);
    char *save = NULL;
    char *tok = strtok_r(buf, " ", &save);
    size_t k = 0;
    while (k < SIMD_CASES_COUNT(shapes) && (!tok || strcmp(tok, shapes[k].name) != 0))
        k++;
    if (k == SIMD_CASES_COUNT(shapes))
        return false;
    out->width = shapes[k].width;
    out->lanes = shapes[k].lanes;
    out->is_float = shapes[k].is_float;
    for (unsigned i = 0; i < out->lanes; i++) {
        tok = strtok_r(NULL, " ", &save);
        uint64_t bits;
        bool ok = tok && (out->is_float ? parse_float(tok, out->width, &bits, &out->nan[i])
                                        : parse_int(tok, &bits));
        if (!ok)
            return false;
        switch (out->width) {
        case 8: vm_v128_set_u8(&out->v, i, (uint8_t)bits); break;
        case 16: vm_v128_set_u16(&out->v, i, (uint16_t)bits); break;
        case 32: vm_v128_set_u32(&out->v, i, (uint32_t)bits); break;
        default: vm_v128_set_u64(&out->v, i, bits); break;
        }
    }
    return strtok_r(NULL, " ", &save) == NULL;
}

/* ---- running a case ---------------------------------------------------- */

#define SIMD_RUN_NAME simd_run_native
#include "tests/test_simd_run.h"

static bool nan_matches(uint64_t bits, unsigned width, uint8_t pattern)
{
    if (width == 32)
        return pattern == NAN_CANONICAL ? f32_is_canonical_nan((uint32_t)bits)
                                        : f32_is_arithmetic_nan((uint32_t)bits);
    return pattern == NAN_CANONICAL ? f64_is_canonical_nan(bits) : f64_is_arithmetic_nan(bits);
}

static uint64_t lane_bits(const vm_v128 *v, unsigned width, unsigned i)
{
    switch (width) {
    case 8: return vm_v128_u8(v, i);
    case 16: return vm_v128_u16(v, i);
    case 32: return vm_v128_u32(v, i);
    default: return vm_v128_u64(v, i);
    }
}

static bool result_matches(vm_v128 got, const simd_value *want)
{
    for (unsigned i = 0; i < want->lanes; i++) {
        uint64_t g = lane_bits(&got, want->width, i);
        if (want->nan[i] != NAN_EXACT ? !nan_matches(g, want->width, want->nan[i])
                                      : g != lane_bits(&want->v, want->width, i))
            return false;
    }
    /* a scalar result leaves nothing above its width */
    return want->lanes > 1 || (vm_v128_hi(got) == 0 &&
                               (want->width == 64 || vm_v128_lo(got) >> want->width == 0));
}

static void print_bytes(const char *label, vm_v128 v)
{
    fprintf(stderr, "    %s", label);
    for (int i = 0; i < 16; i++)
        fprintf(stderr, " %02x", v.bytes[i]);
    fprintf(stderr, "\n");
}

static void report(const struct simd_case *c, size_t k, const char *form, const vm_v128 *got)
{
    fprintf(stderr, "simd case %zu (%s): %s", k, form, c->op);
    for (int i = 0; i < 3 && c->args[i]; i++)
        fprintf(stderr, " (%s)", c->args[i]);
    fprintf(stderr, "\n    want %s\n", c->want);
    if (got)
        print_bytes("got ", *got);
}

void simd_check_cases(const struct simd_case *cases, size_t n)
{
    static const struct {
        const char *form;
        bool (*run)(const char *, bool, unsigned, const vm_v128 *, vm_v128 *);
    } runners[] = { { "native", simd_run_native }, { "portable", simd_run_portable } };
    size_t failed = 0;
    for (size_t k = 0; k < n; k++) {
        const struct simd_case *c = &cases[k];
        simd_value args[3] = { 0 }, want;
        char name[64];
        unsigned lane = 0;
        int fields = sscanf(c->op, "%63s %u", name, &lane);
        bool ok = fields >= 1 && parse_value(c->want, &want);
        for (int i = 0; i < 3 && ok && c->args[i]; i++)
            ok = parse_value(c->args[i], &args[i]);
        vm_v128 in[3] = { args[0].v, args[1].v, args[2].v };
        for (size_t r = 0; r < SIMD_CASES_COUNT(runners); r++) {
            vm_v128 got = vm_v128_zero();
            if (!ok || !runners[r].run(name, fields == 2, lane, in, &got)) {
                report(c, k, "bad case", NULL);
                failed++;
                break;
            }
            if (!result_matches(got, &want)) {
                report(c, k, runners[r].form, &got);
                failed++;
            }
        }
    }
    ck_assert_msg(failed == 0, "%zu failures in %zu SIMD cases", failed, n);
}

/* ---- the table --------------------------------------------------------- */

#define ENTRY(NAME, TEXT, SUBOP, KIND, LANES, ALIGN, FN) \
    { #NAME, TEXT, SUBOP, #KIND, LANES, ALIGN, #FN },
static const struct {
    const char *name, *text;
    unsigned subop;
    const char *kind;
    unsigned lanes, align;
    const char *fn;
} table[] = { VM_SIMD_OPS(ENTRY) };
#undef ENTRY

static bool kind_is(const char *kind, const char *prefix)
{
    return strncmp(kind, prefix, strlen(prefix)) == 0;
}

START_TEST(test_table_count_and_order)
{
    ck_assert_uint_eq(SIMD_CASES_COUNT(table), VM_SIMD_OP_COUNT);
    ck_assert_uint_eq(VM_SIMD_OP_COUNT, 236);
    for (size_t i = 0; i < SIMD_CASES_COUNT(table); i++) {
        ck_assert_uint_lt(table[i].subop, 0x100);
        if (i > 0)   /* ascending, so no sub-opcode twice */
            ck_assert_msg(table[i - 1].subop < table[i].subop, "%s after %s", table[i].text, table[i - 1].text);
    }
}
END_TEST

/* The sub-opcodes below 0x100 that Wasm 2.0 leaves unused. */
START_TEST(test_table_gaps)
{
    static const unsigned gaps[] = { 0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4, 0xbb,
                                     0xc2, 0xc5, 0xc6, 0xcf, 0xd0, 0xd2, 0xd3, 0xd4, 0xe2, 0xee };
    bool used[0x100] = { false };
    for (size_t i = 0; i < SIMD_CASES_COUNT(table); i++)
        used[table[i].subop] = true;
    size_t g = 0;
    for (unsigned op = 0; op < 0x100; op++) {
        if (used[op])
            continue;
        ck_assert_msg(g < SIMD_CASES_COUNT(gaps) && gaps[g] == op, "0x%02x unused", op);
        g++;
    }
    ck_assert_uint_eq(g, SIMD_CASES_COUNT(gaps));
}
END_TEST

/* NAME is the text name in capitals with '_' for '.', FN is vm_ + the text
 * name with '_' for '.'; spot checks of the encoding. */
START_TEST(test_table_names)
{
    for (size_t i = 0; i < SIMD_CASES_COUNT(table); i++) {
        char upper[64], fn[64];
        size_t n = strlen(table[i].text);
        ck_assert_uint_lt(n, sizeof upper);
        for (size_t k = 0; k <= n; k++) {
            char ch = table[i].text[k] == '.' ? '_' : table[i].text[k];
            upper[k] = (char)toupper((unsigned char)ch);
        }
        snprintf(fn, sizeof fn, "vm_%s", table[i].text);
        fn[strcspn(fn, ".")] = '_';
        ck_assert_str_eq(table[i].name, upper);
        if (strcmp(table[i].name, "V128_CONST") != 0)   /* the constant is made by vm_v128_load */
            ck_assert_str_eq(table[i].fn, fn);
    }
    ck_assert_str_eq(table[0].text, "v128.load");
    ck_assert_str_eq(table[0x0c].text, "v128.const");
    ck_assert_str_eq(table[0x53].text, "v128.any_true");
    ck_assert_str_eq(table[SIMD_CASES_COUNT(table) - 1].text, "f64x2.convert_low_i32x4_u");
}
END_TEST

/* Lane bounds where there are lane immediates, natural alignments where
 * there is memory, and nothing elsewhere. */
START_TEST(test_table_immediates)
{
    unsigned memory_ops = 0, lane_ops = 0;
    for (size_t i = 0; i < SIMD_CASES_COUNT(table); i++) {
        const char *kind = table[i].kind;
        bool lane_mem = strcmp(kind, "LOAD_LANE") == 0 || strcmp(kind, "STORE_LANE") == 0;
        bool memory = lane_mem || strcmp(kind, "LOAD") == 0 || strcmp(kind, "STORE") == 0;
        bool lane = lane_mem || kind_is(kind, "EXTRACT_") || kind_is(kind, "REPLACE_");
        memory_ops += memory;
        lane_ops += lane;
        ck_assert_uint_le(table[i].align, 4);
        if (!memory)
            ck_assert_uint_eq(table[i].align, 0);
        if (lane_mem)
            ck_assert_uint_eq(table[i].lanes, 16u >> table[i].align);
        if (strcmp(kind, "SHUFFLE") == 0)
            ck_assert_uint_eq(table[i].lanes, 32);
        else if (lane)
            ck_assert(table[i].lanes == 2 || table[i].lanes == 4 || table[i].lanes == 8 || table[i].lanes == 16);
        else
            ck_assert_uint_eq(table[i].lanes, 0);
    }
    ck_assert_uint_eq(memory_ops, 22);   /* 13 loads, 1 store, 8 lane loads and stores */
    ck_assert_uint_eq(lane_ops, 22);     /* 14 extract/replace, 8 lane loads/stores */
}
END_TEST

static bool covered(const struct simd_case *cases, size_t n, const char *text)
{
    size_t len = strlen(text);
    for (size_t k = 0; k < n; k++)
        if (strncmp(cases[k].op, text, len) == 0 && (cases[k].op[len] == '\0' || cases[k].op[len] == ' '))
            return true;
    return false;
}

START_TEST(test_every_instruction_has_cases)
{
    for (size_t i = 0; i < SIMD_CASES_COUNT(table); i++)
        ck_assert_msg(covered(simd_int_cases, simd_int_ncases, table[i].text) ||
                      covered(simd_float_cases, simd_float_ncases, table[i].text) ||
                      covered(simd_lane_cases, simd_lane_ncases, table[i].text),
                      "no case for %s", table[i].text);
}
END_TEST

/* ---- the case lists ---------------------------------------------------- */

START_TEST(test_int_cases) { simd_check_cases(simd_int_cases, simd_int_ncases); }
END_TEST

START_TEST(test_float_cases) { simd_check_cases(simd_float_cases, simd_float_ncases); }
END_TEST

START_TEST(test_lane_cases) { simd_check_cases(simd_lane_cases, simd_lane_ncases); }
END_TEST

/* The representation: lanes little-endian in the bytes, halves as slots. */
START_TEST(test_lanes_layout)
{
    vm_v128 v = vm_v128_from_halves(UINT64_C(0x0706050403020100), UINT64_C(0x0f0e0d0c0b0a0908));
    for (unsigned i = 0; i < 16; i++)
        ck_assert_uint_eq(v.bytes[i], i);
    ck_assert_uint_eq(vm_v128_u16(&v, 1), 0x0302);
    ck_assert_uint_eq(vm_v128_u32(&v, 3), 0x0f0e0d0c);
    ck_assert(vm_v128_u64(&v, 1) == UINT64_C(0x0f0e0d0c0b0a0908));
    vm_v128_set_u32(&v, 5, 0xaabbccdd);   /* lane indices wrap: 5 is lane 1 */
    ck_assert_uint_eq(v.bytes[4], 0xdd);
    ck_assert_uint_eq(v.bytes[7], 0xaa);
    ck_assert(vm_v128_lo(v) == UINT64_C(0xaabbccdd03020100));
}
END_TEST

Suite *simd_suite(void)
{
    Suite *s = suite_create("simd");
    TCase *tab = tcase_create("table");
    tcase_add_test(tab, test_table_count_and_order);
    tcase_add_test(tab, test_table_gaps);
    tcase_add_test(tab, test_table_names);
    tcase_add_test(tab, test_table_immediates);
    tcase_add_test(tab, test_every_instruction_has_cases);
    suite_add_tcase(s, tab);

    TCase *ops = tcase_create("instructions");
    tcase_add_test(ops, test_lanes_layout);
    tcase_add_test(ops, test_int_cases);
    tcase_add_test(ops, test_float_cases);
    tcase_add_test(ops, test_lane_cases);
    suite_add_tcase(s, ops);
    return s;
}
