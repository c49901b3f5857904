/* test_cm_abi.c — Check tests for the canonical ABI layer (component/abi.h):
 * sizes, alignments and flat counts of every type constructor against
 * values worked out by hand from CanonicalABI.md (elem_size, alignment,
 * flatten_type), lower→lift round trips through a bare vm memory with a
 * bump allocator, and guest faults (pointers out of bounds, invalid
 * UTF-8 / UTF-16, list lengths that overflow, bad discriminants) failing
 * with clear texts before the host allocates anything. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/abi.h"

typedef struct {
    cm_types t;
    vm_store *store;
    vm_memory *mem;
    uint32_t next;            /* bump allocator */
    cm_abi cx;
    char err[512];
} fixture;

static bool bump(cm_abi *cx, uint32_t align, uint32_t size, uint32_t *ptr)
{
    fixture *fx = cx->user;
    uint32_t p = (fx->next + align - 1) / align * align;
    if ((uint64_t)p + size > vm_memory_size(fx->mem))
        return cm_abi_fail(cx, "bump allocator: out of memory");
    fx->next = p + size;
    *ptr = p;
    return true;
}

static void setup(fixture *fx, cm_string_encoding enc)
{
    memset(fx, 0, sizeof *fx);
    ck_assert(cm_types_init(&fx->t));
    fx->store = vm_store_new(NULL);
    fx->mem = vm_memory_new(fx->store, 1, 1, true);
    fx->next = 16;
    fx->cx = (cm_abi){ .types = &fx->t, .memory = fx->mem, .encoding = enc, .alloc = bump,
                       .user = fx, .err = fx->err, .errlen = sizeof fx->err };
}

static void teardown(fixture *fx)
{
    vm_store_free(fx->store);
    cm_types_free(&fx->t);
}

static cm_typeid add(fixture *fx, cm_kind k, cm_field *fields, uint32_t n, cm_typeid elem, cm_typeid err)
{
    cm_field *copy = n ? cm_alloc(&fx->t, n * sizeof *copy) : NULL;
    if (n)
        memcpy(copy, fields, n * sizeof *copy);
    cm_type node = { .kind = k, .fields = copy, .nfields = n, .elem = elem, .err = err, .dtor = CM_NONE };
    return cm_type_add(&fx->t, &node);
}

static void layout(fixture *fx, cm_typeid id, uint32_t size, uint32_t align, unsigned nflat)
{
    const cm_type *n = cm_type_get(&fx->t, id);
    ck_assert_msg(n->size == size && n->align == align && n->nflat == nflat,
                  "type %u: size %u align %u flat %u, want %u %u %u", id, n->size, n->align,
                  n->nflat, size, align, nflat);
}

START_TEST(layouts)
{
    fixture fx;
    setup(&fx, CM_UTF8);
    layout(&fx, CM_BOOL, 1, 1, 1);
    layout(&fx, CM_U16, 2, 2, 1);
    layout(&fx, CM_CHAR, 4, 4, 1);
    layout(&fx, CM_U64, 8, 8, 1);
    layout(&fx, CM_STRING, 8, 4, 2);
    /* record { a: u8, b: u32, c: u8 }: 0 a, 4 b, 8 c, size align_to(9, 4) = 12 */
    cm_field rf[] = { { "a", CM_U8 }, { "b", CM_U32 }, { "c", CM_U8 } };
    cm_typeid rec = add(&fx, CM_RECORD, rf, 3, CM_NO_TYPE, CM_NO_TYPE);
    layout(&fx, rec, 12, 4, 3);
    /* tuple<u8, u64>: 0, 8; size 16 align 8 */
    cm_field tf[] = { { NULL, CM_U8 }, { NULL, CM_U64 } };
    layout(&fx, add(&fx, CM_TUPLE, tf, 2, CM_NO_TYPE, CM_NO_TYPE), 16, 8, 2);
    /* option<u8>: discriminant u8 then payload at 1: size 2 align 1; flat [i32 i32] */
    cm_typeid opt = add(&fx, CM_OPTION, NULL, 0, CM_U8, CM_NO_TYPE);
    layout(&fx, opt, 2, 1, 2);
    /* result<u64, string>: disc 1, payload at align_to(1, 8) = 8, max size 8 → 16, align 8;
     * flat: i32, join(i64, i32)=i64, i32 → 3 */
    cm_typeid res = add(&fx, CM_RESULT, NULL, 0, CM_U64, CM_STRING);
    layout(&fx, res, 16, 8, 3);
    ck_assert_int_eq(cm_type_get(&fx.t, res)->flat[1], VM_I64);
    /* variant { a(f32), b(u32) }: join(f32, i32) = i32 */
    cm_field vf[] = { { "a", CM_F32 }, { "b", CM_U32 } };
    cm_typeid var = add(&fx, CM_VARIANT, vf, 2, CM_NO_TYPE, CM_NO_TYPE);
    layout(&fx, var, 8, 4, 2);
    ck_assert_int_eq(cm_type_get(&fx.t, var)->flat[1], VM_I32);
    /* enum of 257 cases: a u16 discriminant */
    cm_field *many = calloc(257, sizeof *many);
    for (int i = 0; i < 257; i++) {
        char *l = cm_alloc(&fx.t, 8);
        snprintf(l, 8, "c%d", i);
        many[i] = (cm_field){ l, CM_NO_TYPE };
    }
    layout(&fx, add(&fx, CM_ENUM, many, 257, CM_NO_TYPE, CM_NO_TYPE), 2, 2, 1);
    /* flags: 8 → 1 byte, 9 → 2 bytes, 33 → 8 bytes (two i32) */
    layout(&fx, add(&fx, CM_FLAGS, many, 8, CM_NO_TYPE, CM_NO_TYPE), 1, 1, 1);
    layout(&fx, add(&fx, CM_FLAGS, many, 9, CM_NO_TYPE, CM_NO_TYPE), 2, 2, 1);
    layout(&fx, add(&fx, CM_FLAGS, many, 33, CM_NO_TYPE, CM_NO_TYPE), 8, 4, 2);
    free(many);
    /* list<record>: a pointer and a length */
    cm_typeid lst = add(&fx, CM_LIST, NULL, 0, rec, CM_NO_TYPE);
    layout(&fx, lst, 8, 4, 2);
    /* list<u16, 3>: inline, 6 bytes, 3 flat */
    cm_type fixed = { .kind = CM_LIST, .elem = CM_U16, .err = CM_NO_TYPE, .length = 3, .dtor = CM_NONE };
    layout(&fx, cm_type_add(&fx.t, &fixed), 6, 2, 3);
    /* nested: option<result<u64, string>> : disc 1, payload at 8 (size 16) → 24, align 8 */
    layout(&fx, add(&fx, CM_OPTION, NULL, 0, res, CM_NO_TYPE), 24, 8, 4);
    /* 17 u32 fields flatten past MAX_FLAT_PARAMS: saturates at 17 */
    cm_field big[17];
    for (int i = 0; i < 17; i++)
        big[i] = (cm_field){ "f", CM_U32 };
    ck_assert_int_eq(cm_type_get(&fx.t, add(&fx, CM_TUPLE, big, 17, CM_NO_TYPE, CM_NO_TYPE))->nflat, 17);
    teardown(&fx);
}
END_TEST

/* Lowers v to memory and back, flat and back; both must give want. */
static void roundtrip(fixture *fx, cm_typeid t, const host_value *v, const char *want)
{
    char *buf = NULL;
    size_t len = 0;
    host_value out;
    ck_assert_msg(cm_abi_store(&fx->cx, t, v, 1024), "store: %s", fx->err);
    ck_assert_msg(cm_abi_load(&fx->cx, t, 1024, &out), "load: %s", fx->err);
    FILE *f = open_memstream(&buf, &len);
    host_value_write_json(&out, f);
    fclose(f);
    ck_assert_msg(strcmp(buf, want) == 0, "memory: got %s, want %s", buf, want);
    free(buf);
    host_value_free(&out);
    const cm_type *n = cm_type_get(&fx->t, t);
    if (n->nflat <= CM_MAX_FLAT) {
        vm_value flat[CM_MAX_FLAT];
        ck_assert_msg(cm_abi_lower_flat(&fx->cx, t, v, flat), "lower: %s", fx->err);
        ck_assert_msg(cm_abi_lift_flat(&fx->cx, t, flat, &out), "lift: %s", fx->err);
        f = open_memstream(&buf, &len);
        host_value_write_json(&out, f);
        fclose(f);
        ck_assert_msg(strcmp(buf, want) == 0, "flat: got %s, want %s", buf, want);
        free(buf);
        host_value_free(&out);
    }
}

START_TEST(roundtrips)
{
    for (int enc = CM_UTF8; enc <= CM_LATIN1_UTF16; enc++) {
        fixture fx;
        setup(&fx, (cm_string_encoding)enc);
        host_value v = host_int(-5);
        roundtrip(&fx, CM_S8, &v, "-5");
        v = host_uint(UINT64_MAX);
        roundtrip(&fx, CM_U64, &v, "18446744073709551615");
        v = host_float(0.5);
        roundtrip(&fx, CM_F32, &v, "0.5");
        v = host_bool(true);
        roundtrip(&fx, CM_BOOL, &v, "true");
        v = host_string("é", strlen("é"));
        roundtrip(&fx, CM_CHAR, &v, "\"é\"");
        host_value_free(&v);
        static const char *const strs[] = { "", "plain", "café", "☃ and 🚀" };
        for (int i = 0; i < 4; i++) {
            char want[64];
            v = host_string(strs[i], strlen(strs[i]));
            snprintf(want, sizeof want, "\"%s\"", strs[i]);
            roundtrip(&fx, CM_STRING, &v, want);
            host_value_free(&v);
        }
        cm_field rf[] = { { "name", CM_STRING }, { "tag-count", CM_U32 } };
        cm_typeid rec = add(&fx, CM_RECORD, rf, 2, CM_NO_TYPE, CM_NO_TYPE);
        cm_typeid lst = add(&fx, CM_LIST, NULL, 0, rec, CM_NO_TYPE);
        cm_typeid opt = add(&fx, CM_OPTION, NULL, 0, lst, CM_NO_TYPE);
        cm_typeid res = add(&fx, CM_RESULT, NULL, 0, opt, CM_STRING);
        host_value r1 = host_map();
        ck_assert(host_map_set(&r1, "name", 4, host_string("a", 1), NULL));
        ck_assert(host_map_set(&r1, "tag-count", 9, host_int(3), NULL));
        host_value l = host_list(2);
        ck_assert(host_list_push(&l, host_value_copy(&r1), NULL));
        ck_assert(host_list_push(&l, r1, NULL));
        host_value ok = host_map();
        ck_assert(host_map_set(&ok, "ok", 2, l, NULL));
        roundtrip(&fx, res, &ok, "{\"ok\":[{\"name\":\"a\",\"tag-count\":3},{\"name\":\"a\",\"tag-count\":3}]}");
        host_value_free(&ok);
        ok = host_map();
        ck_assert(host_map_set(&ok, "ok", 2, host_nil(), NULL));
        roundtrip(&fx, res, &ok, "{\"ok\":null}");
        host_value_free(&ok);
        /* a payload-less result case */
        cm_typeid unit = add(&fx, CM_RESULT, NULL, 0, CM_NO_TYPE, CM_NO_TYPE);
        v = host_string("err", 3);
        roundtrip(&fx, unit, &v, "{\"err\":true}");
        host_value_free(&v);
        /* flags given as a list of names */
        cm_field ff[] = { { "read", CM_NO_TYPE }, { "write", CM_NO_TYPE } };
        cm_typeid fl = add(&fx, CM_FLAGS, ff, 2, CM_NO_TYPE, CM_NO_TYPE);
        v = host_list(1);
        ck_assert(host_list_push(&v, host_string("write", 5), NULL));
        roundtrip(&fx, fl, &v, "{\"write\":true}");
        host_value_free(&v);
        /* a variant joining f32 and u64 payloads into an i64 */
        cm_field vf[] = { { "f", CM_F32 }, { "n", CM_U64 }, { "none", CM_NO_TYPE } };
        cm_typeid var = add(&fx, CM_VARIANT, vf, 3, CM_NO_TYPE, CM_NO_TYPE);
        v = host_map();
        ck_assert(host_map_set(&v, "f", 1, host_float(-2.5), NULL));
        roundtrip(&fx, var, &v, "{\"f\":-2.5}");
        host_value_free(&v);
        /* a tuple and list<u8> from a string */
        cm_field tf[] = { { NULL, CM_U8 }, { NULL, CM_STRING } };
        cm_typeid tup = add(&fx, CM_TUPLE, tf, 2, CM_NO_TYPE, CM_NO_TYPE);
        v = host_list(2);
        ck_assert(host_list_push(&v, host_int(9), NULL));
        ck_assert(host_list_push(&v, host_string("x", 1), NULL));
        roundtrip(&fx, tup, &v, "[9,\"x\"]");
        host_value_free(&v);
        cm_typeid bytes = add(&fx, CM_LIST, NULL, 0, CM_U8, CM_NO_TYPE);
        v = host_string("AB", 2);
        roundtrip(&fx, bytes, &v, "[65,66]");
        host_value_free(&v);
        teardown(&fx);
    }
}
END_TEST

static void fails(fixture *fx, bool ok, const char *want)
{
    ck_assert_msg(!ok, "no error, want %s", want);
    ck_assert_msg(strstr(fx->err, want) != NULL, "error \"%s\", want \"%s\"", fx->err, want);
}

static void poke32(fixture *fx, uint32_t at, uint32_t x)
{
    uint8_t b[4] = { (uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16), (uint8_t)(x >> 24) };
    vm_memory_write(fx->mem, at, b, 4);
}

START_TEST(guest_faults)
{
    fixture fx;
    setup(&fx, CM_UTF8);
    host_value out;
    /* a string pointer out of bounds */
    fails(&fx, cm_abi_lift_string(&fx.cx, 65530, 100, &out),
          "string pointer 0xfffa (100 bytes) is out of bounds of memory (65536 bytes)");
    /* invalid UTF-8 */
    vm_memory_write(fx.mem, 100, "ab\xc3\x28", 4);
    fails(&fx, cm_abi_lift_string(&fx.cx, 100, 4, &out), "invalid UTF-8 in string at byte 2");
    /* a list whose length × element size overflows 32 bits: refused by the
     * bounds check before anything is allocated */
    cm_typeid lst = add(&fx, CM_LIST, NULL, 0, CM_U64, CM_NO_TYPE);
    poke32(&fx, 200, 8);
    poke32(&fx, 204, 1u << 29);   /* 2^29 × 8 bytes = 4 GiB */
    fails(&fx, cm_abi_load(&fx.cx, lst, 200, &out),
          "list pointer 0x8 (4294967296 bytes) is out of bounds");
    poke32(&fx, 204, 0x10000000);   /* 2^28 elements */
    fails(&fx, cm_abi_load(&fx.cx, lst, 200, &out), "out of bounds");
    /* misaligned list */
    poke32(&fx, 200, 3);
    poke32(&fx, 204, 1);
    fails(&fx, cm_abi_load(&fx.cx, lst, 200, &out), "list pointer 0x3 is not aligned to 8");
    /* a bad discriminant and a bad char */
    cm_typeid opt = add(&fx, CM_OPTION, NULL, 0, CM_U8, CM_NO_TYPE);
    vm_value flat[2] = { { .type = VM_I32, .of.i32 = 2 }, { .type = VM_I32 } };
    fails(&fx, cm_abi_lift_flat(&fx.cx, opt, flat, &out), "invalid variant discriminant 2");
    flat[0].of.i32 = 0xd800;
    fails(&fx, cm_abi_lift_flat(&fx.cx, CM_CHAR, flat, &out), "invalid char code point 0xd800");
    /* UTF-16: an unpaired surrogate */
    fx.cx.encoding = CM_UTF16;
    vm_memory_write(fx.mem, 300, "\x00\xd8\x41\x00", 4);
    fails(&fx, cm_abi_lift_string(&fx.cx, 300, 2, &out), "invalid UTF-16 in string: unpaired surrogate");
    fails(&fx, cm_abi_lift_string(&fx.cx, 301, 2, &out), "string pointer 0x12d is not aligned to 2");
    /* host-side errors name the place */
    cm_field rf[] = { { "tags", lst } };
    cm_typeid rec = add(&fx, CM_RECORD, rf, 1, CM_NO_TYPE, CM_NO_TYPE);
    host_value v = host_map();
    ck_assert(host_map_set(&v, "tags", 4, host_int(1), NULL));
    fails(&fx, cm_abi_store(&fx.cx, rec, &v, 1024), "field \"tags\": expected list<u64>, got number");
    host_value_free(&v);
    v = host_int(300);
    vm_value one;
    fails(&fx, cm_abi_lower_flat(&fx.cx, CM_U8, &v, &one), "300 is out of range for u8");
    teardown(&fx);
}
END_TEST

/* cx->bytes: list<u8> and list<s8> lift as a STRING of their bytes (NULs
 * included), other lists as before; more than HOST_MAX_VALUE_BYTES fails
 * before anything is allocated. Without it, a list<u8> is a LIST of INTs. */
START_TEST(bytes_in_bulk)
{
    fixture fx;
    setup(&fx, CM_UTF8);
    vm_store_free(fx.store);   /* a memory big enough for the bound */
    fx.store = vm_store_new(NULL);
    uint32_t pages = (HOST_MAX_VALUE_BYTES >> 16) + 2;
    fx.mem = vm_memory_new(fx.store, pages, pages, true);
    ck_assert_ptr_nonnull(fx.mem);
    fx.cx.memory = fx.mem;
    memcpy(vm_memory_data(fx.mem) + 64, "a\0b\xff", 4);
    cm_typeid u8s = add(&fx, CM_LIST, NULL, 0, CM_U8, CM_NO_TYPE);
    cm_typeid s8s = add(&fx, CM_LIST, NULL, 0, CM_S8, CM_NO_TYPE);
    cm_typeid u16s = add(&fx, CM_LIST, NULL, 0, CM_U16, CM_NO_TYPE);
    vm_value flat[2] = { { .type = VM_I32, .of.i32 = 64 }, { .type = VM_I32, .of.i32 = 4 } };
    host_value v;
    ck_assert(cm_abi_lift_flat(&fx.cx, u8s, flat, &v));   /* off: a LIST */
    ck_assert_int_eq(v.kind, HOST_VALUE_LIST);
    ck_assert_uint_eq(v.len, 4);
    ck_assert_uint_eq(v.items[3].u, 0xff);
    host_value_free(&v);
    fx.cx.bytes = true;
    for (int i = 0; i < 2; i++) {
        ck_assert(cm_abi_lift_flat(&fx.cx, i == 0 ? u8s : s8s, flat, &v));
        ck_assert_int_eq(v.kind, HOST_VALUE_STRING);
        ck_assert_uint_eq(v.len, 4);
        ck_assert(memcmp(v.s, "a\0b\xff", 4) == 0);
        host_value_free(&v);
    }
    flat[1].of.i32 = 2;
    ck_assert(cm_abi_lift_flat(&fx.cx, u16s, flat, &v));   /* not bytes: a LIST */
    ck_assert_int_eq(v.kind, HOST_VALUE_LIST);
    ck_assert_uint_eq(v.len, 2);
    host_value_free(&v);
    flat[1].of.i32 = (int32_t)HOST_MAX_VALUE_BYTES + 1;
    fails(&fx, cm_abi_lift_flat(&fx.cx, u8s, flat, &v), "a list of 16777217 bytes is larger than 16777216");
    teardown(&fx);
}
END_TEST

/* ---- the reference's realloc sequence for strings ---- */

typedef struct {
    uint32_t old_ptr, old_size, align, size;
} realloc_call;

static realloc_call calls[8];
static unsigned ncalls;

/* A realloc that records its calls and bump-allocates (copying the old
 * bytes), as a guest's cabi_realloc would. */
static bool recording_realloc(cm_abi *cx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
                              uint32_t size, uint32_t *ptr)
{
    fixture *fx = cx->user;
    if (ncalls < 8)
        calls[ncalls] = (realloc_call){ old_ptr, old_size, align, size };
    ncalls++;
    if (!bump(cx, align, size, ptr))
        return false;
    if (old_ptr != 0)
        memmove(vm_memory_data(fx->mem) + *ptr, vm_memory_data(fx->mem) + old_ptr,
                old_size < size ? old_size : size);
    return true;
}

/* Lowers s lifted from `from` into `to`: the calls must be want[0..n)
 * (old_ptr 1 standing for "the previous result"), the length units, and
 * lifting the result back must give s. */
static void transcode(cm_string_encoding from, cm_string_encoding to, const char *s, const realloc_call *want,
                      unsigned n, uint32_t units)
{
    fixture fx;
    setup(&fx, to);
    fx.cx.realloc = recording_realloc;
    fx.cx.src_encoding = from;
    ncalls = 0;
    uint32_t ptr, got_units;
    ck_assert_msg(cm_abi_lower_string(&fx.cx, s, strlen(s), &ptr, &got_units), "%s", fx.err);
    ck_assert_msg(ncalls == n, "\"%s\" %d -> %d: %u reallocs, want %u", s, from, to, ncalls, n);
    for (unsigned i = 0; i < n; i++) {
        ck_assert_msg(calls[i].old_size == want[i].old_size && calls[i].align == want[i].align &&
                          calls[i].size == want[i].size && (calls[i].old_ptr != 0) == (want[i].old_ptr != 0),
                      "\"%s\" %d -> %d: realloc %u is (%u, %u, %u, %u), want (%s, %u, %u, %u)", s, from, to, i,
                      calls[i].old_ptr, calls[i].old_size, calls[i].align, calls[i].size,
                      want[i].old_ptr ? "previous" : "0", want[i].old_size, want[i].align, want[i].size);
        if (i > 0 && want[i].old_ptr)   /* each realloc moves on from the previous block */
            ck_assert_uint_ne(calls[i].old_ptr, 0);
    }
    ck_assert_uint_eq(got_units, units);
    host_value v;
    ck_assert_msg(cm_abi_lift_string(&fx.cx, ptr, got_units, &v), "%s", fx.err);
    ck_assert_str_eq(v.s, s);
    host_value_free(&v);
    teardown(&fx);
}

/* Each case worked out by hand from definitions.py's store_string_*. */
START_TEST(transcoding_reallocs)
{
    const uint32_t TAG = 0x80000000u;
    /* store_string_copy: one allocation */
    transcode(CM_UTF8, CM_UTF8, "hé", (realloc_call[]){ { 0, 0, 1, 3 } }, 1, 3);
    transcode(CM_UTF16, CM_UTF16, "aΣ", (realloc_call[]){ { 0, 0, 2, 4 } }, 1, 2);
    transcode(CM_LATIN1_UTF16, CM_LATIN1_UTF16, "é!", (realloc_call[]){ { 0, 0, 2, 2 } }, 1, 2);
    /* store_utf8_to_utf16: 2 * 4 bytes, shrunk to 2 code units */
    transcode(CM_UTF8, CM_UTF16, "àà", (realloc_call[]){ { 0, 0, 2, 8 }, { 1, 8, 2, 4 } }, 2, 2);
    /* store_string_to_utf8 from UTF-16: 2 units, grown to 6 at 'é', shrunk to 3 */
    transcode(CM_UTF16, CM_UTF8, "aé", (realloc_call[]){ { 0, 0, 1, 2 }, { 1, 2, 1, 6 }, { 1, 6, 1, 3 } }, 3, 3);
    transcode(CM_UTF16, CM_UTF8, "ab", (realloc_call[]){ { 0, 0, 1, 2 } }, 1, 2);
    /* ... from latin-1: grown to 2 * 1, exactly the UTF-8 size */
    transcode(CM_LATIN1_UTF16, CM_UTF8, "é", (realloc_call[]){ { 0, 0, 1, 1 }, { 1, 1, 1, 2 } }, 2, 2);
    /* store_string_to_latin1_or_utf16: from UTF-8 "Ë" (2 bytes), shrunk to 1 */
    transcode(CM_UTF8, CM_LATIN1_UTF16, "Ë", (realloc_call[]){ { 0, 0, 2, 2 }, { 1, 2, 2, 1 } }, 2, 1);
    /* ... from UTF-16 "AΣ": 2 units, grown to 4 bytes of UTF-16 */
    transcode(CM_UTF16, CM_LATIN1_UTF16, "AΣ", (realloc_call[]){ { 0, 0, 2, 2 }, { 1, 2, 2, 4 } }, 2, 2 | TAG);
    /* ... from UTF-8 "Ë┛" (5 bytes): grown to 10, shrunk to 4 */
    transcode(CM_UTF8, CM_LATIN1_UTF16, "Ë┛",
              (realloc_call[]){ { 0, 0, 2, 5 }, { 1, 5, 2, 10 }, { 1, 10, 2, 4 } }, 3, 2 | TAG);
    /* store_probably_utf16_to_latin1_or_utf16 with a code point past latin-1 */
    transcode(CM_LATIN1_UTF16, CM_LATIN1_UTF16, "Σ", (realloc_call[]){ { 0, 0, 2, 2 } }, 1, 1 | TAG);
    /* a host string is UTF-8 */
    transcode(CM_UTF8, CM_UTF16, "", (realloc_call[]){ { 0, 0, 2, 0 } }, 1, 0);
}
END_TEST

/* A realloc result that is not aligned traps, as the reference's
 * trap_if(ptr != align_to(ptr, 2)) after the grow. */
static bool misaligning_realloc(cm_abi *cx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
                                uint32_t size, uint32_t *ptr)
{
    (void)old_size; (void)size;
    *ptr = old_ptr == 0 ? 2 : 3;
    if (align > 1 && *ptr % align != 0)
        return cm_abi_fail(cx, "realloc returned 0x%x, an unaligned pointer (alignment %u)", *ptr, align);
    return true;
}

START_TEST(transcoding_unaligned_realloc)
{
    fixture fx;
    setup(&fx, CM_LATIN1_UTF16);
    fx.cx.realloc = misaligning_realloc;
    fx.cx.src_encoding = CM_UTF16;
    uint32_t ptr, units;
    fails(&fx, cm_abi_lower_string(&fx.cx, "AΣ", strlen("AΣ"), &ptr, &units),
          "realloc returned 0x3, an unaligned pointer (alignment 2)");
    teardown(&fx);
}
END_TEST

Suite *cm_abi_suite(void)
{
    Suite *s = suite_create("cm_abi");
    TCase *tc = tcase_create("abi");
    tcase_add_test(tc, layouts);
    tcase_add_test(tc, roundtrips);
    tcase_add_test(tc, guest_faults);
    tcase_add_test(tc, bytes_in_bulk);
    tcase_add_test(tc, transcoding_reallocs);
    tcase_add_test(tc, transcoding_unaligned_realloc);
    suite_add_tcase(s, tc);
    return s;
}
