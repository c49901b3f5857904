/* test_json.c — Check tests for testsuite/json.c (the strict JSON parser of
 * the spec runner: structure, every string escape, surrogate pairs, UTF-8
 * checks, numbers kept as text, nesting limits, errors with line and
 * column, files) and for testsuite/spec_values.c (wast2json values as
 * vm_values: parsing, NaN patterns, references, v128 lanes, formatting). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testsuite/json.h"
#include "testsuite/spec.h"

/* ---- helpers ---------------------------------------------------------- */

static json_doc *parse_ok(const char *text)
{
    char err[256];
    json_doc *doc = json_parse(text, strlen(text), err, sizeof err);
    ck_assert_msg(doc != NULL, "parsing %s failed: %s", text, err);
    return doc;
}

/* Parsing text must fail with a message containing fragment. */
static void parse_fails(const char *text, size_t len, const char *fragment)
{
    char err[256] = "";
    json_doc *doc = json_parse(text, len, err, sizeof err);
    ck_assert_msg(doc == NULL, "parsing \"%s\" should fail", text);
    ck_assert_msg(strstr(err, fragment) != NULL, "message \"%s\" lacks \"%s\"", err, fragment);
}

#define FAILS(text, fragment) parse_fails(text, strlen(text), fragment)

/* The decoded string of a one-string document. */
static void string_is(const char *text, const char *want, size_t want_len)
{
    json_doc *doc = parse_ok(text);
    const json_value *v = json_root(doc);
    ck_assert_int_eq(json_typeof(v), JSON_STRING);
    ck_assert_uint_eq(json_string_length(v), want_len);
    ck_assert_msg(memcmp(json_string(v), want, want_len) == 0, "wrong bytes for %s", text);
    ck_assert_int_eq(json_string(v)[want_len], '\0');
    json_free(doc);
}

/* ---- structure -------------------------------------------------------- */

START_TEST(test_object_and_array)
{
    json_doc *doc = parse_ok(" {\"type\": \"module\", \"line\": 3,\n \"args\": [1, true, false, null, "
                             "{}, []], \"empty\": \"\"} ");
    const json_value *root = json_root(doc);
    ck_assert_int_eq(json_typeof(root), JSON_OBJECT);
    ck_assert_uint_eq(json_length(root), 4);
    ck_assert_str_eq(json_string(json_get(root, "type")), "module");
    ck_assert_str_eq(json_number(json_get(root, "line")), "3");
    ck_assert_str_eq(json_string(json_get(root, "empty")), "");
    ck_assert_ptr_null(json_get(root, "missing"));
    const json_value *args = json_get(root, "args");
    ck_assert_int_eq(json_typeof(args), JSON_ARRAY);
    ck_assert_uint_eq(json_length(args), 6);
    ck_assert_str_eq(json_number(json_at(args, 0)), "1");
    ck_assert_int_eq(json_typeof(json_at(args, 1)), JSON_TRUE);
    ck_assert_int_eq(json_typeof(json_at(args, 2)), JSON_FALSE);
    ck_assert_int_eq(json_typeof(json_at(args, 3)), JSON_NULL);
    ck_assert_int_eq(json_typeof(json_at(args, 4)), JSON_OBJECT);
    ck_assert_uint_eq(json_length(json_at(args, 4)), 0);
    ck_assert_int_eq(json_typeof(json_at(args, 5)), JSON_ARRAY);
    ck_assert_uint_eq(json_length(json_at(args, 5)), 0);
    ck_assert_ptr_null(json_at(args, 6));

    const char *key = NULL;
    ck_assert_str_eq(json_string(json_member(root, 0, &key)), "module");
    ck_assert_str_eq(key, "type");
    ck_assert_ptr_nonnull(json_member(root, 3, &key));
    ck_assert_str_eq(key, "empty");
    ck_assert_ptr_null(json_member(root, 4, &key));
    json_free(doc);
}
END_TEST

START_TEST(test_accessors_tolerate_null_and_wrong_types)
{
    ck_assert_ptr_null(json_root(NULL));
    ck_assert_int_eq(json_typeof(NULL), JSON_NULL);
    ck_assert_ptr_null(json_get(NULL, "a"));
    ck_assert_ptr_null(json_at(NULL, 0));
    ck_assert_ptr_null(json_member(NULL, 0, NULL));
    ck_assert_uint_eq(json_length(NULL), 0);
    ck_assert_ptr_null(json_string(NULL));
    ck_assert_uint_eq(json_string_length(NULL), 0);
    ck_assert_ptr_null(json_number(NULL));
    json_free(NULL);

    json_doc *doc = parse_ok("[\"s\", 5, {\"k\": 1}]");
    const json_value *arr = json_root(doc);
    ck_assert_ptr_null(json_get(arr, "k"));          /* not an object */
    ck_assert_ptr_null(json_at(json_at(arr, 2), 0)); /* not an array */
    ck_assert_ptr_null(json_number(json_at(arr, 0)));
    ck_assert_ptr_null(json_string(json_at(arr, 1)));
    ck_assert_uint_eq(json_length(json_at(arr, 0)), 0);
    ck_assert_ptr_null(json_get(json_get(json_root(doc), "x"), "y")); /* chains */
    json_free(doc);
}
END_TEST

START_TEST(test_duplicate_key_first_wins)
{
    json_doc *doc = parse_ok("{\"a\": 1, \"a\": 2}");
    ck_assert_str_eq(json_number(json_get(json_root(doc), "a")), "1");
    ck_assert_uint_eq(json_length(json_root(doc)), 2);
    json_free(doc);
}
END_TEST

START_TEST(test_scalars_at_top_level)
{
    json_doc *doc = parse_ok("\t\r\n true \n");
    ck_assert_int_eq(json_typeof(json_root(doc)), JSON_TRUE);
    json_free(doc);
    doc = parse_ok("null");
    ck_assert_int_eq(json_typeof(json_root(doc)), JSON_NULL);
    json_free(doc);
    doc = parse_ok("-7");
    ck_assert_str_eq(json_number(json_root(doc)), "-7");
    json_free(doc);
}
END_TEST

START_TEST(test_large_documents)
{
    /* 20000 elements and a 100 KB string: the scratch stacks grow, the
     * arena takes a block of its own for the large pieces. */
    size_t n = 20000, cap = n * 8 + 200000;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    size_t used = (size_t)sprintf(text, "[");
    for (size_t i = 0; i < n; i++)
        used += (size_t)sprintf(text + used, "%s{\"i\":%zu}", i ? "," : "", i);
    used += (size_t)sprintf(text + used, ",\"");
    memset(text + used, 'x', 100000);
    used += 100000;
    used += (size_t)sprintf(text + used, "\"]");
    char err[256];
    json_doc *doc = json_parse(text, used, err, sizeof err);
    ck_assert_msg(doc != NULL, "%s", err);
    const json_value *root = json_root(doc);
    ck_assert_uint_eq(json_length(root), n + 1);
    ck_assert_str_eq(json_number(json_get(json_at(root, 12345), "i")), "12345");
    ck_assert_uint_eq(json_string_length(json_at(root, n)), 100000);
    json_free(doc);
    free(text);
}
END_TEST

/* ---- strings ---------------------------------------------------------- */

START_TEST(test_simple_escapes)
{
    string_is("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"", "a\"b\\c/d\be\ff\ng\rh\ti", 17);
    string_is("\"\"", "", 0);
}
END_TEST

START_TEST(test_unicode_escapes)
{
    string_is("\"\\u0041\\u005c\\u0022\"", "A\\\"", 3);
    string_is("\"\\u00e9\"", "\xc3\xa9", 2);              /* é: two bytes */
    string_is("\"\\u20AC\"", "\xe2\x82\xac", 3);          /* €: three bytes, upper-case hex */
    string_is("\"\\uFFFF\"", "\xef\xbf\xbf", 3);
    string_is("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4); /* 😀 from a surrogate pair */
    string_is("\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4); /* U+10FFFF */
    string_is("\"\\uD800\\uDC00\"", "\xf0\x90\x80\x80", 4); /* U+10000 */
    string_is("\"a\\u0000b\"", "a\0b", 3);                /* NUL kept, length says so */
    string_is("\"\\u0000\\u0001\\u001f\"", "\0\x01\x1f", 3);
}
END_TEST

START_TEST(test_raw_utf8)
{
    string_is("\"\xc3\x85\xef\xac\x83\xf0\x9f\x98\x80\"", "\xc3\x85\xef\xac\x83\xf0\x9f\x98\x80", 9);
    string_is("\"\x7f\"", "\x7f", 1); /* DEL is not a control character for JSON */
}
END_TEST

START_TEST(test_bad_strings)
{
    FAILS("\"abc", "unterminated string");
    FAILS("\"abc\\", "unterminated string");
    FAILS("\"abc\\\"", "unterminated string");
    FAILS("\"a\nb\"", "control character 0x0a");
    FAILS("\"a\tb\"", "control character 0x09");
    FAILS("\"\\x41\"", "invalid escape");
    FAILS("\"\\U0041\"", "invalid escape");
    FAILS("\"\\u12\"", "four hex digits");
    FAILS("\"\\u12G4\"", "four hex digits");
    FAILS("\"\\ud83d\"", "not followed by a low surrogate");
    FAILS("\"\\ud83dx\"", "not followed by a low surrogate");
    FAILS("\"\\ud83d\\u0041\"", "expected a low surrogate");
    FAILS("\"\\ud83d\\ud83d\"", "expected a low surrogate");
    FAILS("\"\\ude00\"", "lone low surrogate");
    FAILS("\"\xc0\x80\"", "invalid UTF-8");           /* overlong NUL */
    FAILS("\"\xe0\x80\xaf\"", "invalid UTF-8");       /* overlong '/' */
    FAILS("\"\xed\xa0\x80\"", "invalid UTF-8");       /* encoded surrogate */
    FAILS("\"\xf4\x90\x80\x80\"", "invalid UTF-8");   /* above U+10FFFF */
    FAILS("\"\xff\"", "invalid UTF-8");
    FAILS("\"\x80\"", "invalid UTF-8");               /* lone continuation byte */
    FAILS("\"\xe2\x82\"", "invalid UTF-8");           /* truncated before the quote */
    FAILS("\"\xc3\"", "invalid UTF-8");
}
END_TEST

/* ---- numbers ---------------------------------------------------------- */

START_TEST(test_numbers_kept_as_text)
{
    json_doc *doc = parse_ok("[0, -0, 42, -1.5, 1e10, 2.5E-3, 6.02e+23, "
                             "123456789012345678901234567890, 0.000]");
    const char *want[] = { "0", "-0", "42", "-1.5", "1e10", "2.5E-3", "6.02e+23",
                           "123456789012345678901234567890", "0.000" };
    const json_value *arr = json_root(doc);
    ck_assert_uint_eq(json_length(arr), 9);
    for (size_t i = 0; i < 9; i++) {
        ck_assert_int_eq(json_typeof(json_at(arr, i)), JSON_NUMBER);
        ck_assert_str_eq(json_number(json_at(arr, i)), want[i]);
    }
    json_free(doc);
}
END_TEST

START_TEST(test_bad_numbers)
{
    FAILS("01", "unexpected text after the value");
    FAILS("[01]", "expected ',' or ']'");
    FAILS("1.", "expected a digit after '.'");
    FAILS("1.e5", "expected a digit after '.'");
    FAILS(".5", "expected a value");
    FAILS("-", "expected a digit in number");
    FAILS("-a", "expected a digit in number");
    FAILS("1e", "exponent");
    FAILS("1e+", "exponent");
    FAILS("+1", "expected a value");
    FAILS("0x10", "unexpected text after the value");
    FAILS("NaN", "expected a value");
    FAILS("Infinity", "expected a value");
}
END_TEST

/* ---- nesting and errors ------------------------------------------------ */

static char *nested(size_t depth, char open, char close)
{
    char *s = malloc(2 * depth + 1);
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < depth; i++) {
        s[i] = open;
        s[2 * depth - 1 - i] = close;
    }
    s[2 * depth] = '\0';
    return s;
}

START_TEST(test_nesting_limit)
{
    char *ok = nested(JSON_MAX_DEPTH, '[', ']');
    json_doc *doc = parse_ok(ok);
    const json_value *v = json_root(doc);
    for (int i = 1; i < JSON_MAX_DEPTH; i++)
        v = json_at(v, 0);
    ck_assert_int_eq(json_typeof(v), JSON_ARRAY);
    ck_assert_uint_eq(json_length(v), 0);
    json_free(doc);
    free(ok);

    char *deep = nested(JSON_MAX_DEPTH + 1, '[', ']');
    FAILS(deep, "nesting deeper than 256 levels");
    free(deep);

    /* Objects count too: {"a":{"a":...}} */
    size_t depth = JSON_MAX_DEPTH + 1;
    char *obj = malloc(depth * 6 + depth + 1);
    ck_assert_ptr_nonnull(obj);
    size_t used = 0;
    for (size_t i = 0; i < depth; i++)
        used += (size_t)sprintf(obj + used, "{\"a\":");
    used += (size_t)sprintf(obj + used, "1");
    for (size_t i = 0; i < depth; i++)
        obj[used++] = '}';
    obj[used] = '\0';
    FAILS(obj, "nesting deeper");
    free(obj);

    /* A million open brackets fail fast, without deep recursion. */
    size_t big = 1000000;
    char *many = malloc(big);
    ck_assert_ptr_nonnull(many);
    memset(many, '[', big);
    parse_fails(many, big, "nesting deeper");
    free(many);
}
END_TEST

START_TEST(test_syntax_errors)
{
    FAILS("", "line 1, column 1: unexpected end of input");
    FAILS("   \n ", "line 2, column 2: unexpected end of input");
    FAILS("{\n  \"a\": ,}", "line 2, column 8: expected a value");
    FAILS("[1, 2,]", "expected a value");
    FAILS("{\"a\": 1,}", "expected a string key");
    FAILS("{\"a\" 1}", "expected ':' after object key");
    FAILS("{a: 1}", "expected a string key");
    FAILS("{\"a\": 1 \"b\": 2}", "expected ',' or '}' in object");
    FAILS("[1 2]", "expected ',' or ']' in array");
    FAILS("[1, 2", "unterminated array");
    FAILS("{\"a\": 1", "unterminated object");
    FAILS("[", "unexpected end of input");
    FAILS("{", "expected a string key");
    FAILS("tru", "expected a value");
    FAILS("nul", "expected a value");
    FAILS("falsey", "unexpected text after the value");
    FAILS("{} {}", "line 1, column 4: unexpected text after the value");
    FAILS("// comment\n{}", "expected a value");
    FAILS("\xef\xbb\xbf{}", "expected a value"); /* a byte order mark */
    parse_fails("{}\0", 3, "unexpected text after the value");
    parse_fails("[\"a\0b\"]", 7, "control character 0x00");
}
END_TEST

/* ---- files ------------------------------------------------------------ */

START_TEST(test_parse_file)
{
    char path[] = "/tmp/test_json_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *text = "{\"source_filename\": \"i32.wast\",\n \"commands\": [\n"
                       "  {\"type\": \"module\", \"line\": 3, \"filename\": \"i32.0.wasm\"}]}\n";
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);

    char err[512];
    json_doc *doc = json_parse_file(path, err, sizeof err);
    ck_assert_msg(doc != NULL, "%s", err);
    const json_value *cmd = json_at(json_get(json_root(doc), "commands"), 0);
    ck_assert_str_eq(json_string(json_get(cmd, "filename")), "i32.0.wasm");
    json_free(doc);

    /* A syntax error names the file, line and column. */
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{\"commands\": [\n  {\"type\" \"module\"}]}", f);
    fclose(f);
    ck_assert_ptr_null(json_parse_file(path, err, sizeof err));
    char want[600];
    snprintf(want, sizeof want, "%s: line 2, column 11: expected ':' after object key", path);
    ck_assert_str_eq(err, want);
    unlink(path);

    ck_assert_ptr_null(json_parse_file(path, err, sizeof err));
    ck_assert_msg(strstr(err, "cannot open") && strstr(err, path), "%s", err);
    ck_assert_ptr_null(json_parse_file("/tmp", err, sizeof err));
    ck_assert_str_eq(err, "/tmp: not a regular file");
}
END_TEST

/* ---- spec values ------------------------------------------------------- */

/* Parses the JSON of one value; returns whether spec_value_parse accepted it. */
static bool value(const char *text, bool expected, spec_value *out, char *err, size_t errlen)
{
    json_doc *doc = parse_ok(text);
    bool ok = spec_value_parse(json_root(doc), expected, out, err, errlen);
    json_free(doc);
    return ok;
}

static spec_value value_ok(const char *text, bool expected)
{
    spec_value v;
    char err[160];
    ck_assert_msg(value(text, expected, &v, err, sizeof err), "%s: %s", text, err);
    return v;
}

static void value_fails(const char *text, bool expected, const char *fragment)
{
    spec_value v;
    char err[160] = "";
    ck_assert_msg(!value(text, expected, &v, err, sizeof err), "%s should fail", text);
    ck_assert_msg(strstr(err, fragment) != NULL, "message \"%s\" lacks \"%s\"", err, fragment);
}

START_TEST(test_values_scalars)
{
    spec_value v = value_ok("{\"type\": \"i32\", \"value\": \"4294967295\"}", false);
    ck_assert_int_eq(v.value.type, VM_I32);
    ck_assert_uint_eq(v.value.of.i32, 0xffffffffu);
    v = value_ok("{\"type\": \"i64\", \"value\": \"18446744073709551615\"}", false);
    ck_assert_int_eq(v.value.type, VM_I64);
    ck_assert(v.value.of.i64 == UINT64_MAX);
    v = value_ok("{\"type\": \"f32\", \"value\": \"1065353216\"}", false);
    ck_assert_int_eq(v.value.type, VM_F32);
    ck_assert_uint_eq(v.value.of.f32, 0x3f800000u);
    v = value_ok("{\"type\": \"f64\", \"value\": \"9221120237041090560\"}", false);
    ck_assert_int_eq(v.value.type, VM_F64);
    ck_assert(v.value.of.f64 == UINT64_C(0x7ff8000000000000));
    ck_assert_int_eq(v.match[0], SPEC_MATCH_EXACT);

    value_fails("{\"type\": \"i32\", \"value\": \"4294967296\"}", false, "bad i32 value");
    value_fails("{\"type\": \"i64\", \"value\": \"18446744073709551616\"}", false, "bad i64");
    value_fails("{\"type\": \"i32\", \"value\": \"-1\"}", false, "bad i32");
    value_fails("{\"type\": \"i32\", \"value\": \"\"}", false, "bad i32");
    value_fails("{\"type\": \"i32\", \"value\": \"1\\u00002\"}", false, "value missing");
    value_fails("{\"type\": \"i32\", \"value\": 1}", false, "value missing");
    value_fails("{\"type\": \"i32\"}", false, "i32 value missing");
    value_fails("{\"type\": \"i128\", \"value\": \"1\"}", false, "unknown value type i128");
    value_fails("{\"value\": \"1\"}", false, "unknown value type (missing)");
    value_fails("{\"type\": \"f32\", \"value\": \"nan:canonical\"}", false, "bad f32");
}
END_TEST

START_TEST(test_values_nan_patterns)
{
    spec_value c = value_ok("{\"type\": \"f32\", \"value\": \"nan:canonical\"}", true);
    spec_value a = value_ok("{\"type\": \"f32\", \"value\": \"nan:arithmetic\"}", true);
    ck_assert_int_eq(c.match[0], SPEC_MATCH_NAN_CANONICAL);
    ck_assert_int_eq(a.match[0], SPEC_MATCH_NAN_ARITHMETIC);
    const struct {
        uint32_t bits;
        bool canonical, arithmetic;
    } f32[] = {
        { 0x7fc00000, true, true },   { 0xffc00000, true, true },
        { 0x7fc00001, false, true },  { 0xffe00000, false, true },
        { 0x7fa00000, false, false }, { 0x7f800001, false, false }, /* signalling */
        { 0x7f800000, false, false }, { 0x3f800000, false, false }, /* inf, 1 */
    };
    for (size_t i = 0; i < sizeof f32 / sizeof f32[0]; i++) {
        vm_value got = { .type = VM_F32, .of.f32 = f32[i].bits };
        ck_assert_msg(spec_value_matches(&c, &got) == f32[i].canonical, "%08x", f32[i].bits);
        ck_assert_msg(spec_value_matches(&a, &got) == f32[i].arithmetic, "%08x", f32[i].bits);
        ck_assert(spec_f32_is_canonical_nan(f32[i].bits) == f32[i].canonical);
        ck_assert(spec_f32_is_arithmetic_nan(f32[i].bits) == f32[i].arithmetic);
    }
    spec_value c64 = value_ok("{\"type\": \"f64\", \"value\": \"nan:canonical\"}", true);
    spec_value a64 = value_ok("{\"type\": \"f64\", \"value\": \"nan:arithmetic\"}", true);
    vm_value q = { .type = VM_F64, .of.f64 = UINT64_C(0xfff8000000000000) };
    vm_value p = { .type = VM_F64, .of.f64 = UINT64_C(0x7ff8000000000001) };
    vm_value s = { .type = VM_F64, .of.f64 = UINT64_C(0x7ff4000000000000) };
    ck_assert(spec_value_matches(&c64, &q) && spec_value_matches(&a64, &q));
    ck_assert(!spec_value_matches(&c64, &p) && spec_value_matches(&a64, &p));
    ck_assert(!spec_value_matches(&c64, &s) && !spec_value_matches(&a64, &s));
    /* A NaN of the other width, or an exact NaN pattern with another payload, does not match. */
    vm_value f32nan = { .type = VM_F32, .of.f32 = 0x7fc00000 };
    ck_assert(!spec_value_matches(&c64, &f32nan));
    spec_value exact = value_ok("{\"type\": \"f32\", \"value\": \"2143289344\"}", true);
    vm_value other = { .type = VM_F32, .of.f32 = 0xffc00000 };
    ck_assert(spec_value_matches(&exact, &f32nan) && !spec_value_matches(&exact, &other));
}
END_TEST

START_TEST(test_values_references)
{
    spec_value n = value_ok("{\"type\": \"externref\", \"value\": \"null\"}", false);
    ck_assert_int_eq(n.value.type, VM_EXTERNREF);
    ck_assert_ptr_null(n.value.of.ref);
    spec_value zero = value_ok("{\"type\": \"externref\", \"value\": \"0\"}", false);
    ck_assert_ptr_nonnull(zero.value.of.ref); /* 0 is not null */
    ck_assert_ptr_eq(zero.value.of.ref, spec_externref(0));
    spec_value e42 = value_ok("{\"type\": \"externref\", \"value\": \"42\"}", true);
    ck_assert_ptr_eq(e42.value.of.ref, spec_externref(42));
    ck_assert(spec_value_matches(&e42, &e42.value));
    ck_assert(!spec_value_matches(&e42, &zero.value));
    ck_assert(!spec_value_matches(&e42, &n.value));

    spec_value fnull = value_ok("{\"type\": \"funcref\", \"value\": \"null\"}", false);
    ck_assert_int_eq(fnull.value.type, VM_FUNCREF);
    ck_assert_ptr_null(fnull.value.of.func);
    value_fails("{\"type\": \"funcref\", \"value\": \"3\"}", false, "non-null funcref argument");
    spec_value any = value_ok("{\"type\": \"funcref\", \"value\": \"3\"}", true);
    ck_assert_int_eq(any.match[0], SPEC_MATCH_NONNULL);
    int something;
    vm_value f = { .type = VM_FUNCREF, .of.func = (vm_func *)&something };
    ck_assert(spec_value_matches(&any, &f));
    ck_assert(!spec_value_matches(&any, &fnull.value));
    ck_assert(spec_value_matches(&fnull, &fnull.value));
    ck_assert(!spec_value_matches(&fnull, &f));
    /* The type must match as well: a null externref is not a null funcref. */
    ck_assert(!spec_value_matches(&fnull, &n.value));
}
END_TEST

START_TEST(test_values_v128)
{
    spec_value v = value_ok("{\"type\": \"v128\", \"lane_type\": \"i32\", "
                            "\"value\": [\"1\", \"2\", \"3\", \"4294967295\"]}", false);
    static const uint8_t want[16] = { 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff };
    ck_assert_int_eq(v.value.type, VM_V128);
    ck_assert_int_eq(v.lanes, SPEC_LANES_I32);
    ck_assert_mem_eq(v.value.of.v128, want, 16);

    v = value_ok("{\"type\": \"v128\", \"lane_type\": \"i8\", \"value\": [\"0\", \"1\", \"2\", "
                 "\"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\", \"10\", \"11\", \"12\", \"13\", "
                 "\"14\", \"255\"]}", false);
    ck_assert_uint_eq(v.value.of.v128[15], 255);
    ck_assert_uint_eq(v.value.of.v128[1], 1);
    v = value_ok("{\"type\": \"v128\", \"lane_type\": \"i16\", \"value\": [\"65535\", \"258\", "
                 "\"0\", \"0\", \"0\", \"0\", \"0\", \"1\"]}", false);
    ck_assert_uint_eq(v.value.of.v128[0], 0xff);
    ck_assert_uint_eq(v.value.of.v128[2], 0x02);
    ck_assert_uint_eq(v.value.of.v128[3], 0x01);
    ck_assert_uint_eq(v.value.of.v128[14], 1);
    v = value_ok("{\"type\": \"v128\", \"lane_type\": \"i64\", "
                 "\"value\": [\"216736831696667908\", \"1\"]}", false);
    ck_assert_uint_eq(v.value.of.v128[0], 0x04); /* 0x0302010007060504, low byte first */
    ck_assert_uint_eq(v.value.of.v128[7], 0x03);
    ck_assert_uint_eq(v.value.of.v128[8], 1);

    value_fails("{\"type\": \"v128\", \"lane_type\": \"i8\", \"value\": [\"256\", \"0\", \"0\", "
                "\"0\", \"0\", \"0\", \"0\", \"0\", \"0\", \"0\", \"0\", \"0\", \"0\", \"0\", "
                "\"0\", \"0\"]}", false, "bad i8 lane 0: 256");
    value_fails("{\"type\": \"v128\", \"lane_type\": \"i32\", \"value\": [\"1\"]}", false,
                "needs an array of 4 lanes");
    value_fails("{\"type\": \"v128\", \"lane_type\": \"i32\", \"value\": \"1\"}", false,
                "needs an array of 4 lanes");
    value_fails("{\"type\": \"v128\", \"lane_type\": \"f16\", \"value\": []}", false,
                "known lane_type");
    value_fails("{\"type\": \"v128\", \"lane_type\": \"f32\", \"value\": [\"nan:canonical\", "
                "\"0\", \"0\", \"0\"]}", false, "bad f32 lane 0");
}
END_TEST

START_TEST(test_values_v128_matching)
{
    spec_value e = value_ok("{\"type\": \"v128\", \"lane_type\": \"f32\", \"value\": "
                            "[\"nan:canonical\", \"nan:arithmetic\", \"1065353216\", \"0\"]}", true);
    ck_assert_int_eq(e.match[0], SPEC_MATCH_NAN_CANONICAL);
    ck_assert_int_eq(e.match[1], SPEC_MATCH_NAN_ARITHMETIC);
    ck_assert_int_eq(e.match[2], SPEC_MATCH_EXACT);
    vm_value got = { .type = VM_V128 };
    const uint32_t lanes[4] = { 0xffc00000, 0x7fc12345, 0x3f800000, 0 };
    for (int i = 0; i < 4; i++)
        for (int b = 0; b < 4; b++)
            got.of.v128[i * 4 + b] = (uint8_t)(lanes[i] >> (8 * b));
    ck_assert(spec_value_matches(&e, &got));
    got.of.v128[3] = 0x7f; /* lane 0 now 0x7fc00000: still canonical */
    ck_assert(spec_value_matches(&e, &got));
    got.of.v128[2] = 0xa0; /* lane 0 now 0x7fa00000: signalling */
    ck_assert(!spec_value_matches(&e, &got));
    got.of.v128[2] = 0xc0;
    got.of.v128[15] = 0x80; /* lane 3 now -0 */
    ck_assert(!spec_value_matches(&e, &got));

    spec_value d = value_ok("{\"type\": \"v128\", \"lane_type\": \"f64\", \"value\": "
                            "[\"nan:arithmetic\", \"4607182418800017408\"]}", true);
    vm_value g2 = { .type = VM_V128 };
    const uint64_t l2[2] = { UINT64_C(0x7ff8000000000123), UINT64_C(0x3ff0000000000000) };
    for (int i = 0; i < 2; i++)
        for (int b = 0; b < 8; b++)
            g2.of.v128[i * 8 + b] = (uint8_t)(l2[i] >> (8 * b));
    ck_assert(spec_value_matches(&d, &g2));
    g2.of.v128[6] = 0xf0; /* lane 0: quiet bit cleared */
    ck_assert(!spec_value_matches(&d, &g2));
    vm_value i32 = { .type = VM_I32 };
    ck_assert(!spec_value_matches(&d, &i32));
}
END_TEST

START_TEST(test_values_format)
{
    char buf[200];
    vm_value v = { .type = VM_I32, .of.i32 = 42 };
    spec_value_format(&v, SPEC_LANES_NONE, buf, sizeof buf);
    ck_assert_str_eq(buf, "i32:42");
    v = (vm_value){ .type = VM_I64, .of.i64 = UINT64_MAX };
    spec_value_format(&v, SPEC_LANES_NONE, buf, sizeof buf);
    ck_assert_str_eq(buf, "i64:18446744073709551615");
    v = (vm_value){ .type = VM_F32, .of.f32 = 0x3f800000 };
    spec_value_format(&v, SPEC_LANES_NONE, buf, sizeof buf);
    ck_assert_str_eq(buf, "f32:0x3f800000 (1)");
    v = (vm_value){ .type = VM_F64, .of.f64 = UINT64_C(0xbff8000000000000) };
    spec_value_format(&v, SPEC_LANES_NONE, buf, sizeof buf);
    ck_assert_str_eq(buf, "f64:0xbff8000000000000 (-1.5)");
    v = (vm_value){ .type = VM_EXTERNREF, .of.ref = spec_externref(7) };
    spec_value_format(&v, SPEC_LANES_NONE, buf, sizeof buf);
    ck_assert_str_eq(buf, "externref:7");
    v = (vm_value){ .type = VM_FUNCREF, .of.func = NULL };
    spec_value_format(&v, SPEC_LANES_NONE, buf, sizeof buf);
    ck_assert_str_eq(buf, "funcref:null");

    spec_value e = value_ok("{\"type\": \"f64\", \"value\": \"nan:canonical\"}", true);
    spec_expected_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "f64:nan:canonical");
    e = value_ok("{\"type\": \"funcref\", \"value\": \"1\"}", true);
    spec_expected_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "funcref:non-null");
    e = value_ok("{\"type\": \"v128\", \"lane_type\": \"i16\", \"value\": "
                 "[\"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"65535\"]}", true);
    spec_expected_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "v128:i16x8 1 2 3 4 5 6 7 65535");
    spec_value_format(&e.value, SPEC_LANES_NONE, buf, sizeof buf);
    ck_assert_str_eq(buf, "v128:i32x4 0x00020001 0x00040003 0x00060005 0xffff0007");
    e = value_ok("{\"type\": \"v128\", \"lane_type\": \"f32\", \"value\": "
                 "[\"nan:arithmetic\", \"1065353216\", \"0\", \"nan:canonical\"]}", true);
    spec_expected_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, "v128:f32x4 nan:arithmetic 0x3f800000 0x00000000 nan:canonical");

    /* A small buffer is cut, never overrun. */
    char small[8];
    spec_expected_format(&e, small, sizeof small);
    ck_assert_str_eq(small, "v128:f3");
}
END_TEST

Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("parser");
    tcase_add_test(tc, test_object_and_array);
    tcase_add_test(tc, test_accessors_tolerate_null_and_wrong_types);
    tcase_add_test(tc, test_duplicate_key_first_wins);
    tcase_add_test(tc, test_scalars_at_top_level);
    tcase_add_test(tc, test_large_documents);
    tcase_add_test(tc, test_simple_escapes);
    tcase_add_test(tc, test_unicode_escapes);
    tcase_add_test(tc, test_raw_utf8);
    tcase_add_test(tc, test_bad_strings);
    tcase_add_test(tc, test_numbers_kept_as_text);
    tcase_add_test(tc, test_bad_numbers);
    tcase_add_test(tc, test_nesting_limit);
    tcase_add_test(tc, test_syntax_errors);
    tcase_add_test(tc, test_parse_file);
    suite_add_tcase(s, tc);

    TCase *values = tcase_create("spec values");
    tcase_add_test(values, test_values_scalars);
    tcase_add_test(values, test_values_nan_patterns);
    tcase_add_test(values, test_values_references);
    tcase_add_test(values, test_values_v128);
    tcase_add_test(values, test_values_v128_matching);
    tcase_add_test(values, test_values_format);
    suite_add_tcase(s, values);
    return s;
}
