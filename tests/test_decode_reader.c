/* test_decode_reader.c — Check tests for the module reader (vm/reader.h):
 * LEB128 edge cases (largest values, padded encodings, too long, unused
 * bits, sign extension, s33, s64, running out), raw floats, lengths,
 * names and UTF-8, value types, and "first error wins". Its test case is
 * part of the decode suite (test_decode.c). */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "vm/reader.h"

TCase *decode_reader_tcase(void);

static vm_reader reader_of(const uint8_t *bytes, size_t len, vm_error *err)
{
    err->kind = VM_ERR_NONE;
    err->message[0] = '\0';
    return (vm_reader){ .bytes = bytes, .pos = 0, .end = len, .err = err };
}

/* ---- LEB128 ---- */

typedef struct {
    uint8_t bytes[12];
    size_t len;
    unsigned bits;         /* 32 or 64 (unsigned), 32, 33 or 64 (signed) */
    int64_t value;         /* as a signed number; unsigned cases compare the bits */
    const char *message;   /* the expected error, or NULL */
} leb_case;

#define B(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })

static const leb_case unsigned_cases[] = {
    { B(0x00), 32, 0, NULL },
    { B(0x7f), 32, 127, NULL },
    { B(0x80, 0x01), 32, 128, NULL },
    { B(0xff, 0xff, 0xff, 0xff, 0x0f), 32, 0xffffffff, NULL },
    { B(0x80, 0x80, 0x80, 0x80, 0x00), 32, 0, NULL },               /* padded to 5 bytes */
    { B(0x85, 0x80, 0x80, 0x80, 0x00), 32, 5, NULL },
    { B(0x80, 0x80, 0x80, 0x80, 0x80, 0x00), 32, 0, "0x5: integer representation too long" },
    { B(0xff, 0xff, 0xff, 0xff, 0x1f), 32, 0, "0x4: integer too large" },
    { B(0x82, 0x80, 0x80, 0x80, 0x70), 32, 0, "0x4: integer too large" },
    { B(0x80, 0x80), 32, 0, "0x2: unexpected end of section or function" },
    { { 0 }, 0, 32, 0, "0x0: unexpected end of section or function" },
    { B(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), 64, -1, NULL },
    { B(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), 64, 0, NULL },
    { B(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02), 64, 0,
      "0x9: integer too large" },
    { B(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), 64, 0,
      "0xa: integer representation too long" },
};

static const leb_case signed_cases[] = {
    { B(0x00), 32, 0, NULL },
    { B(0x3f), 32, 63, NULL },
    { B(0x40), 32, -64, NULL },
    { B(0x7f), 32, -1, NULL },
    { B(0x80, 0x7f), 32, -128, NULL },
    { B(0xff, 0x00), 32, 127, NULL },
    { B(0xff, 0xff, 0xff, 0xff, 0x07), 32, INT32_MAX, NULL },
    { B(0x80, 0x80, 0x80, 0x80, 0x78), 32, INT32_MIN, NULL },
    { B(0xff, 0xff, 0xff, 0xff, 0x7f), 32, -1, NULL },                /* padded -1 */
    { B(0x80, 0x80, 0x80, 0x80, 0x00), 32, 0, NULL },                 /* padded 0 */
    { B(0xff, 0xff, 0xff, 0xff, 0x0f), 32, 0, "0x4: integer too large" },
    { B(0x80, 0x80, 0x80, 0x80, 0x70), 32, 0, "0x4: integer too large" },
    { B(0xff, 0xff, 0xff, 0xff, 0x4f), 32, 0, "0x4: integer too large" },
    { B(0x80, 0x80, 0x80, 0x80, 0x80, 0x00), 32, 0, "0x5: integer representation too long" },
    { B(0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), 32, 0, "0x5: integer representation too long" },
    { B(0xc0), 32, 0, "0x1: unexpected end of section or function" },
    /* s33 (block types): 33 bits, so 0xffffffff is positive and -2^32 fits */
    { B(0xff, 0xff, 0xff, 0xff, 0x0f), 33, 0xffffffff, NULL },
    { B(0x80, 0x80, 0x80, 0x80, 0x70), 33, -(INT64_C(1) << 32), NULL },
    { B(0x80, 0x80, 0x80, 0x80, 0x20), 33, 0, "0x4: integer too large" },
    { B(0x40), 33, -64, NULL },
    /* s64 */
    { B(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f), 64, INT64_MIN, NULL },
    { B(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00), 64, INT64_MAX, NULL },
    { B(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), 64, -1, NULL },
    { B(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), 64, 0,
      "0x9: integer too large" },
    { B(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7e), 64, 0,
      "0x9: integer too large" },
    { B(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), 64, 0,
      "0xa: integer representation too long" },
};

static void check_outcome(const leb_case *c, bool ok, const vm_error *err)
{
    if (c->message == NULL) {
        ck_assert_msg(ok, "unexpected failure: %s", err->message);
    } else {
        ck_assert(!ok);
        ck_assert_int_eq(err->kind, VM_ERR_MALFORMED);
        ck_assert_str_eq(err->message, c->message);
    }
}

START_TEST(test_unsigned_leb)
{
    const leb_case *c = &unsigned_cases[_i];
    vm_error err;
    vm_reader r = reader_of(c->bytes, c->len, &err);
    bool ok;
    uint64_t v = 0;
    if (c->bits == 32) {
        uint32_t v32 = 0;
        ok = vm_read_u32(&r, &v32);
        v = v32;
    } else {
        ok = vm_read_u64(&r, &v);
    }
    check_outcome(c, ok, &err);
    if (ok) {
        ck_assert_uint_eq(v, (uint64_t)c->value & (c->bits == 32 ? 0xffffffffu : UINT64_MAX));
        ck_assert_uint_eq(r.pos, c->len);
    }
}
END_TEST

START_TEST(test_signed_leb)
{
    const leb_case *c = &signed_cases[_i];
    vm_error err;
    vm_reader r = reader_of(c->bytes, c->len, &err);
    bool ok;
    int64_t v = 0;
    if (c->bits == 32) {
        int32_t v32 = 0;
        ok = vm_read_s32(&r, &v32);
        v = v32;
    } else if (c->bits == 33) {
        ok = vm_read_s33(&r, &v);
    } else {
        ok = vm_read_s64(&r, &v);
    }
    check_outcome(c, ok, &err);
    if (ok) {
        ck_assert_int_eq(v, c->value);
        ck_assert_uint_eq(r.pos, c->len);
    }
}
END_TEST

/* A 1-bit LEB128 (the limits flag): 0 and 1 only. */
START_TEST(test_one_bit_leb)
{
    static const uint8_t two[] = { 0x02 }, padded[] = { 0x81, 0x00 };
    vm_error err;
    uint64_t v;
    vm_reader r = reader_of(two, sizeof two, &err);
    ck_assert(!vm_read_uleb(&r, 1, &v));
    ck_assert_str_eq(err.message, "0x0: integer too large");
    r = reader_of(padded, sizeof padded, &err);
    ck_assert(!vm_read_uleb(&r, 1, &v));
    ck_assert_str_eq(err.message, "0x1: integer representation too long");
}
END_TEST

/* ---- everything else ---- */

START_TEST(test_floats_and_bytes)
{
    static const uint8_t b[] = { 0x00, 0x00, 0xc0, 0x3f,                          /* 1.5f */
                                 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f,  /* 1.5 */
                                 0xaa };
    vm_error err;
    vm_reader r = reader_of(b, sizeof b, &err);
    uint32_t f32;
    uint64_t f64;
    const uint8_t *p;
    ck_assert(vm_read_f32(&r, &f32));
    ck_assert_uint_eq(f32, 0x3fc00000u);
    ck_assert(vm_read_f64(&r, &f64));
    ck_assert_uint_eq(f64, 0x3ff8000000000000u);
    ck_assert(!vm_read_bytes(&r, 2, &p));
    ck_assert_str_eq(err.message, "0xd: unexpected end of section or function");
    r = reader_of(b, sizeof b, &err);
    r.pos = 12;
    ck_assert(vm_read_bytes(&r, 1, &p));
    ck_assert_ptr_eq(p, b + 12);
    ck_assert(!vm_read_f32(&r, &f32));
}
END_TEST

START_TEST(test_lengths)
{
    /* 3 is allowed: the bytes left counted from the length itself. */
    static const uint8_t fits[] = { 0x03, 0x61, 0x62 }, too_big[] = { 0x04, 0x61, 0x62 };
    vm_error err;
    uint32_t n;
    vm_reader r = reader_of(fits, sizeof fits, &err);
    ck_assert(vm_read_len(&r, &n));
    ck_assert_uint_eq(n, 3);
    r = reader_of(too_big, sizeof too_big, &err);
    ck_assert(!vm_read_len(&r, &n));
    ck_assert_str_eq(err.message, "0x0: length out of bounds");
}
END_TEST

START_TEST(test_names)
{
    static const uint8_t good[] = { 0x05, 'h', 0xc3, 0xa9, 0x00, '!' };   /* "hé\0!" */
    static const uint8_t bad[] = { 0x02, 0xc3, 0x28 };
    vm_error err;
    const char *s;
    size_t len;
    vm_reader r = reader_of(good, sizeof good, &err);
    ck_assert(vm_read_name(&r, &s, &len));
    ck_assert_uint_eq(len, 5);
    ck_assert_ptr_eq(s, (const char *)good + 1);
    r = reader_of(bad, sizeof bad, &err);
    ck_assert(!vm_read_name(&r, &s, &len));
    ck_assert_str_eq(err.message, "0x1: malformed UTF-8 encoding");
}
END_TEST

START_TEST(test_utf8)
{
    static const struct {
        const char *s;
        bool valid;
    } cases[] = {
        { "", true },
        { "plain ascii", true },
        { "\xc2\x80", true },              /* U+0080 */
        { "\xdf\xbf", true },              /* U+07FF */
        { "\xe0\xa0\x80", true },          /* U+0800 */
        { "\xed\x9f\xbf", true },          /* U+D7FF */
        { "\xee\x80\x80", true },          /* U+E000 */
        { "\xf0\x90\x80\x80", true },      /* U+10000 */
        { "\xf4\x8f\xbf\xbf", true },      /* U+10FFFF */
        { "\x80", false },                 /* stray continuation */
        { "\xc0\x80", false },             /* overlong U+0000 */
        { "\xc1\xbf", false },             /* overlong */
        { "\xe0\x9f\xbf", false },         /* overlong U+07FF */
        { "\xed\xa0\x80", false },         /* surrogate U+D800 */
        { "\xed\xbf\xbf", false },         /* surrogate U+DFFF */
        { "\xf0\x8f\xbf\xbf", false },     /* overlong U+FFFF */
        { "\xf4\x90\x80\x80", false },     /* U+110000 */
        { "\xf5\x80\x80\x80", false },
        { "\xff", false },
        { "\xc2", false },                 /* cut short */
        { "\xe0\xa0", false },
        { "\xc2\x41", false },             /* not a continuation */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(vm_utf8_valid((const uint8_t *)cases[i].s, strlen(cases[i].s)) == cases[i].valid,
                      "case %zu", i);
}
END_TEST

START_TEST(test_valtypes)
{
    static const uint8_t good[] = { 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f };
    static const uint8_t bad[] = { 0x7a }, long_[] = { 0xff, 0x7f }, ref[] = { 0x7f };
    vm_error err;
    vm_valtype t;
    vm_reader r = reader_of(good, sizeof good, &err);
    for (size_t i = 0; i < sizeof good; i++) {
        ck_assert(vm_read_valtype(&r, &t));
        ck_assert_int_eq(t, good[i]);
    }
    r = reader_of(bad, sizeof bad, &err);
    ck_assert(!vm_read_valtype(&r, &t));
    ck_assert_str_eq(err.message, "0x0: malformed value type");
    r = reader_of(long_, sizeof long_, &err);
    ck_assert(!vm_read_valtype(&r, &t));
    ck_assert_str_eq(err.message, "0x1: integer representation too long");
    r = reader_of(ref, sizeof ref, &err);
    ck_assert(!vm_read_reftype(&r, &t));
    ck_assert_str_eq(err.message, "0x0: malformed reference type");
}
END_TEST

START_TEST(test_first_error_wins)
{
    static const uint8_t b[] = { 0x80 };
    vm_error err;
    vm_reader r = reader_of(b, sizeof b, &err);
    uint32_t v;
    ck_assert(!vm_read_u32(&r, &v));
    ck_assert(!vm_read_fail(&r, VM_ERR_MALFORMED, "second %d", 2));
    ck_assert_str_eq(err.message, "0x1: unexpected end of section or function");
    r.err = NULL;   /* no error record at all is allowed */
    ck_assert(!vm_read_u32(&r, &v));
}
END_TEST

TCase *decode_reader_tcase(void)
{
    TCase *tc = tcase_create("reader");
    tcase_add_loop_test(tc, test_unsigned_leb, 0,
                        (int)(sizeof unsigned_cases / sizeof unsigned_cases[0]));
    tcase_add_loop_test(tc, test_signed_leb, 0, (int)(sizeof signed_cases / sizeof signed_cases[0]));
    tcase_add_test(tc, test_one_bit_leb);
    tcase_add_test(tc, test_floats_and_bytes);
    tcase_add_test(tc, test_lengths);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_utf8);
    tcase_add_test(tc, test_valtypes);
    tcase_add_test(tc, test_first_error_wins);
    return tc;
}
