/* test_cm_fixtures.c — jco's runtime test components (the shared
 * fixtures that need no WASI) run the way jco's own tests run them
 * (packages/jco/test/runtime/NAME.ts): their `test:*` imports provided by a C
 * test host that checks the arguments the guest passes and answers with
 * jco's values, `test-imports` (which calls every import and asserts the
 * answers inside the guest), then the exports called with jco's values.
 * Arguments and results are WAVE text (component/wave.h), so these tests
 * exercise the CLI's parser and printer too. Skipped when the shared data
 * is absent. */
#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/runtime.h"
#include "component/wave.h"
#include "testsuite/json.h"
#include "tests/test_cm_util.h"

#define JCO TEST_COMPONENTS_DIR "/jco/"

/* ---- JSON text → host_value, for the host's answers ---- */

/* ---- the test host ---- */

typedef enum { H_ECHO, H_ARGS, H_CANNED, H_FN } host_kind;

/* One import: what the guest must pass (the arguments as a JSON array,
 * or NULL: not checked) and what the host answers. */
typedef struct {
    host_kind kind;
    const char *want;       /* JSON array of the arguments, or NULL */
    const char *answer;     /* H_CANNED: JSON of the result, or NULL (none) */
    cm_host_fn fn;          /* H_FN */
    int calls;
} host_spec;

static bool host_call(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    host_spec *s = user;
    s->calls++;
    if (s->want != NULL) {
        host_value l = host_list(nargs);
        for (size_t i = 0; i < nargs; i++)
            ck_assert(host_list_push(&l, host_value_copy(&args[i]), NULL));
        char *got = test_cm_json_of(&l);
        host_value_free(&l);
        bool same = !strcmp(got, s->want);
        if (!same)
            snprintf(err, errlen, "host got %s, want %s", got, s->want);
        free(got);
        if (!same)
            return false;
    }
    switch (s->kind) {
    case H_ECHO:
        *result = nargs > 0 ? host_value_copy(&args[0]) : host_nil();
        return true;
    case H_ARGS:
        *result = host_list(nargs);
        for (size_t i = 0; i < nargs; i++)
            ck_assert(host_list_push(result, host_value_copy(&args[i]), NULL));
        return true;
    case H_CANNED:
        *result = s->answer ? test_cm_value_of_json(s->answer) : host_nil();
        return true;
    case H_FN:
        return s->fn(NULL, args, nargs, result, err, errlen);
    }
    return false;
}

typedef struct {
    const char *name;
    host_spec spec;
} host_entry;

/* Instantiates path with the entries as functions of interface iface. */
static cm_instance *start(cm_file *f, const char *iface, host_entry *e, size_t n, cm_host *host,
                          cm_host_func *funcs)
{
    for (size_t i = 0; i < n; i++) {
        e[i].spec.calls = 0;
        funcs[i] = (cm_host_func){ iface, e[i].name, host_call, &e[i].spec };
    }
    *host = (cm_host){ .funcs = funcs, .nfuncs = n };
    vm_error err;
    cm_instance *ci = cm_instantiate(f, host, NULL, &err);
    ck_assert_msg(ci != NULL, "%s", err.message);
    return ci;
}

/* Calls name with WAVE arguments (NULL-terminated) and checks the WAVE
 * text of the result ("" when there is none), or, when want starts with
 * "!", that the call fails with that text in the error. */
static void call(cm_instance *ci, const cm_file *f, const char *name, const char *const *args,
                 const char *want)
{
    char msg[1024];
    cm_func *fn = cm_export_find(ci, name, msg, sizeof msg);
    ck_assert_msg(fn != NULL, "%s", msg);
    const cm_type *ft = cm_type_get(&f->types, cm_func_type(fn));
    host_value vals[20];
    uint32_t n = 0;
    for (; args != NULL && args[n] != NULL; n++) {
        ck_assert(n < ft->nfields);
        ck_assert_msg(cm_wave_parse(&f->types, ft->fields[n].type, args[n], strlen(args[n]), &vals[n],
                                    msg, sizeof msg), "%s: argument %u: %s", name, n + 1, msg);
    }
    for (; n < ft->nfields; n++)
        vals[n] = host_nil();   /* trailing options left out: none */
    host_value r = host_nil();
    bool ok = cm_invoke(ci, name, vals, n, &r, msg, sizeof msg);
    if (want[0] == '!') {
        ck_assert_msg(!ok, "%s: no error, want %s", name, want + 1);
        ck_assert_msg(strstr(msg, want + 1) != NULL, "%s: error \"%s\", want \"%s\"", name, msg, want + 1);
    } else {
        ck_assert_msg(ok, "%s: %s", name, msg);
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        if (ft->elem != CM_NO_TYPE)
            cm_wave_print(&f->types, ft->elem, &r, out);
        fclose(out);
        ck_assert_msg(!strcmp(text, want), "%s: got %s, want %s", name, text, want);
        free(text);
    }
    host_value_free(&r);
    for (uint32_t i = 0; i < n; i++)
        host_value_free(&vals[i]);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NOARGS NULL
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- adder, simple-nested, async_call ---- */

START_TEST(fixture_adder)
{
    cm_file *f = test_cm_load("cm fixtures", JCO "jco-transpile__components__runtime__adder.component.wasm");
    if (f == NULL)
        return;
    cm_instance *ci = cm_instantiate(f, NULL, NULL, &(vm_error){ 0 });
    ck_assert_ptr_nonnull(ci);
    call(ci, f, "docs:adder/add@0.1.0#add", ARGS("1", "2"), "3");
    call(ci, f, "docs:adder/add@0.1.0#add", ARGS("4294967295", "1"), "0");   /* wraps, as u32 */
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

START_TEST(fixture_simple_nested)
{
    cm_file *f = test_cm_load("cm fixtures", JCO "jco__components__simple-nested.component.wasm");
    if (f == NULL)
        return;
    host_entry e[] = { { "hello-world", { H_CANNED, "[]", "\"hello from the host\"", NULL, 0 } } };
    cm_host host;
    cm_host_func funcs[N(e)];
    cm_instance *ci = start(f, "calvinrp:test-async-funcs/hello@0.1.0", e, N(e), &host, funcs);
    call(ci, f, "calvinrp:test-async-funcs/hello@0.1.0#hello-world", NOARGS, "\"hello from the host\"");
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

START_TEST(fixture_async_call_sync_export)
{
    cm_file *f = test_cm_load("cm fixtures", JCO "jco__components__async_call.component.wasm");
    if (f == NULL)
        return;
    cm_instance *ci = cm_instantiate(f, NULL, NULL, &(vm_error){ 0 });
    ck_assert_ptr_nonnull(ci);
    char msg[512];
    host_value r;
    bool ok = cm_invoke(ci, "run-sync", NULL, 0, &r, msg, sizeof msg);
    if (ok) {
        ck_assert_int_eq(r.kind, HOST_VALUE_STRING);
        host_value_free(&r);
    } else {   /* it calls its import, which nothing provides */
        ck_assert_msg(strstr(msg, "unresolved host import \"something:test/test-interface#"), "%s", msg);
    }
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- lists ---- */

START_TEST(fixture_lists)
{
    cm_file *f = test_cm_load("cm fixtures", JCO "jco-transpile__components__runtime__lists.component.wasm");
    if (f == NULL)
        return;
    host_entry e[] = {
        { "empty-list-param", { H_CANNED, "[[]]", NULL, NULL, 0 } },
        { "empty-string-param", { H_CANNED, "[\"\"]", NULL, NULL, 0 } },
        { "empty-list-result", { H_CANNED, "[]", "[]", NULL, 0 } },
        { "empty-string-result", { H_CANNED, "[]", "\"\"", NULL, 0 } },
        { "list-param", { H_CANNED, "[[1,2,3,4]]", NULL, NULL, 0 } },
        { "list-param2", { H_CANNED, "[\"foo\"]", NULL, NULL, 0 } },
        { "list-param3", { H_CANNED, "[[\"foo\",\"bar\",\"baz\"]]", NULL, NULL, 0 } },
        { "list-param4", { H_CANNED, "[[[\"foo\",\"bar\"],[\"baz\"]]]", NULL, NULL, 0 } },
        { "list-param5", { H_CANNED, "[[[1,2,3],[4,5,6]]]", NULL, NULL, 0 } },
        { "list-result", { H_CANNED, "[]", "[1,2,3,4,5]", NULL, 0 } },
        { "list-result2", { H_CANNED, "[]", "\"hello!\"", NULL, 0 } },
        { "list-result3", { H_CANNED, "[]", "[\"hello,\",\"world!\"]", NULL, 0 } },
        { "list-minmax8", { H_ARGS, "[[0,255],[-128,127]]", NULL, NULL, 0 } },
        { "list-minmax16", { H_ARGS, "[[0,65535],[-32768,32767]]", NULL, NULL, 0 } },
        { "list-minmax32", { H_ARGS, "[[0,4294967295],[-2147483648,2147483647]]", NULL, NULL, 0 } },
        { "list-minmax64", { H_ARGS, "[[0,18446744073709551615],[-9223372036854775808,9223372036854775807]]",
                             NULL, NULL, 0 } },
        { "list-minmax-float", { H_ARGS, NULL, NULL, NULL, 0 } },
        { "list-roundtrip", { H_ECHO, NULL, NULL, NULL, 0 } },
        { "string-roundtrip", { H_ECHO, NULL, NULL, NULL, 0 } },
    };
    cm_host host;
    cm_host_func funcs[N(e)];
    cm_instance *ci = start(f, "test:lists/test", e, N(e), &host, funcs);
    call(ci, f, "test-imports", NOARGS, "");
    for (size_t i = 0; i < N(e); i++)
        if (strcmp(e[i].name, "list-param5") != 0)   /* not called by this guest */
            ck_assert_msg(e[i].spec.calls > 0, "import %s never called", e[i].name);
    char msg[256];
    host_value before;
    ck_assert_msg(cm_invoke(ci, "allocated-bytes", NULL, 0, &before, msg, sizeof msg), "%s", msg);
    const char *T = "test:lists/test#";
    char name[128];
#define L(fn) (snprintf(name, sizeof name, "%s%s", T, fn), name)
    call(ci, f, L("empty-list-param"), ARGS("[]"), "");
    call(ci, f, L("empty-string-param"), ARGS("\"\""), "");
    call(ci, f, L("list-param"), ARGS("[1, 2, 3, 4]"), "");
    /* 1000 strings "blah" */
    char *big = malloc(1000 * 8 + 3), *p = big;
    *p++ = '[';
    for (int i = 0; i < 1000; i++)
        p += sprintf(p, "%s\"blah\"", i ? "," : "");
    strcpy(p, "]");
    call(ci, f, L("list-param-large"), ARGS(big), "");
    free(big);
    call(ci, f, L("list-param2"), ARGS("\"foo\""), "");
    call(ci, f, L("list-param3"), ARGS("[\"foo\", \"bar\", \"baz\"]"), "");
    call(ci, f, L("list-param4"), ARGS("[[\"foo\", \"bar\"], [\"baz\"]]"), "");
    call(ci, f, L("empty-list-result"), NOARGS, "[]");
    call(ci, f, L("empty-string-result"), NOARGS, "\"\"");
    call(ci, f, L("list-result"), NOARGS, "[1, 2, 3, 4, 5]");
    call(ci, f, L("list-result2"), NOARGS, "\"hello!\"");
    call(ci, f, L("list-result3"), NOARGS, "[\"hello,\", \"world!\"]");
    call(ci, f, L("list-roundtrip"), ARGS("[1, 2, 3, 4]"), "[1, 2, 3, 4]");
    call(ci, f, L("string-roundtrip"), ARGS("\"x\""), "\"x\"");
    call(ci, f, L("string-roundtrip"), ARGS("\"\""), "\"\"");
    call(ci, f, L("string-roundtrip"), ARGS("\"hello ⚑ world\""), "\"hello ⚑ world\"");
#undef L
    /* every guest allocation of the glue was freed (post-return) */
    host_value after;
    ck_assert_msg(cm_invoke(ci, "allocated-bytes", NULL, 0, &after, msg, sizeof msg), "%s", msg);
    ck_assert_int_eq(before.i, after.i);
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- records ---- */

START_TEST(fixture_records)
{
    cm_file *f = test_cm_load("cm fixtures", JCO "jco-transpile__components__runtime__records.component.wasm");
    if (f == NULL)
        return;
    host_entry e[] = {
        { "multiple-results", { H_CANNED, "[]", "[4,5]", NULL, 0 } },
        { "swap-tuple", { H_FN, NULL, NULL, NULL, 0 } },
        { "roundtrip-flags1", { H_ECHO, NULL, NULL, NULL, 0 } },
        { "roundtrip-flags2", { H_ECHO, NULL, NULL, NULL, 0 } },
        { "roundtrip-flags3", { H_ARGS, NULL, NULL, NULL, 0 } },
        { "roundtrip-record1", { H_ECHO, NULL, NULL, NULL, 0 } },
        { "tuple1", { H_ECHO, NULL, NULL, NULL, 0 } },
    };
    extern bool swap_pair(void *, const host_value *, size_t, host_value *, char *, size_t);
    e[1].spec.fn = swap_pair;
    cm_host host;
    cm_host_func funcs[N(e)];
    cm_instance *ci = start(f, "test:records/test", e, N(e), &host, funcs);
    call(ci, f, "test-imports", NOARGS, "");
    for (size_t i = 0; i < N(e); i++)
        ck_assert_msg(e[i].spec.calls > 0, "import %s never called", e[i].name);
    call(ci, f, "test:records/test#multiple-results", NOARGS, "(100, 200)");
    call(ci, f, "test:records/test#swap-tuple", ARGS("(1, 2)"), "(2, 1)");
    call(ci, f, "test:records/test#roundtrip-flags1", ARGS("{a}"), "{a}");
    call(ci, f, "test:records/test#roundtrip-flags1", ARGS("{}"), "{}");
    call(ci, f, "test:records/test#roundtrip-flags1", ARGS("{a, b}"), "{a, b}");
    call(ci, f, "test:records/test#roundtrip-flags2", ARGS("{c}"), "{c}");
    call(ci, f, "test:records/test#roundtrip-flags2", ARGS("{}"), "{}");
    call(ci, f, "test:records/test#roundtrip-flags2", ARGS("{d}"), "{d}");
    call(ci, f, "test:records/test#roundtrip-flags2", ARGS("{c, e}"), "{c, e}");
    call(ci, f, "test:records/test#roundtrip-record1", ARGS("{a: 8, b: {}}"), "{a: 8, b: {}}");
    call(ci, f, "test:records/test#roundtrip-record1", ARGS("{a: 0, b: {a, b}}"), "{a: 0, b: {a, b}}");
    call(ci, f, "test:records/test#tuple1", ARGS("(1)"), "(1)");
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

bool swap_pair(void *user, const host_value *args, size_t nargs, host_value *result, char *err,
               size_t errlen)
{
    (void)user;
    (void)err;
    (void)errlen;
    ck_assert(nargs == 1 && args[0].kind == HOST_VALUE_LIST && args[0].len == 2);
    *result = host_list(2);
    ck_assert(host_list_push(result, host_value_copy(&args[0].items[1]), NULL));
    ck_assert(host_list_push(result, host_value_copy(&args[0].items[0]), NULL));
    return true;
}

/* ---- variants ---- */

static bool roundtrip_result(void *user, const host_value *args, size_t nargs, host_value *result,
                             char *err, size_t errlen)
{
    (void)user;
    (void)err;
    (void)errlen;
    ck_assert(nargs == 1 && args[0].kind == HOST_VALUE_MAP && args[0].len == 1);
    const host_value *v = &args[0].entries[0].value;
    *result = host_map();
    if (!strcmp(args[0].entries[0].key, "ok"))
        ck_assert(host_map_set(result, "ok", 2, host_float(v->kind == HOST_VALUE_INT ? (double)v->i : v->f), NULL));
    else
        ck_assert(host_map_set(result, "err", 3, host_int((int64_t)round(v->f)), NULL));
    return true;
}

static bool invert_bool(void *user, const host_value *args, size_t nargs, host_value *result,
                        char *err, size_t errlen)
{
    (void)user;
    (void)err;
    (void)errlen;
    ck_assert(nargs == 1 && args[0].kind == HOST_VALUE_BOOL);
    *result = host_bool(!args[0].b);
    return true;
}

START_TEST(fixture_variants)
{
    cm_file *f = test_cm_load("cm fixtures", JCO "jco-transpile__components__runtime__variants.component.wasm");
    if (f == NULL)
        return;
    host_entry e[] = {
        { "roundtrip-option", { H_FN, NULL, NULL, NULL, 0 } },
        { "roundtrip-result", { H_FN, NULL, NULL, roundtrip_result, 0 } },
        { "roundtrip-enum", { H_ECHO, NULL, NULL, NULL, 0 } },
        { "invert-bool", { H_FN, NULL, NULL, invert_bool, 0 } },
        { "variant-casts", { H_ECHO, NULL, NULL, NULL, 0 } },
        { "variant-zeros", { H_ECHO, NULL, NULL, NULL, 0 } },
        { "variant-typedefs", { H_CANNED, NULL, NULL, NULL, 0 } },
        { "variant-enums", { H_CANNED, "[true,{\"ok\":true},\"success\"]", "[false,{\"err\":true},\"a\"]", NULL, 0 } },
    };
    /* option<f32> → option<u8>: jco returns the number as it came */
    extern bool option_f32_to_u8(void *, const host_value *, size_t, host_value *, char *, size_t);
    e[0].spec.fn = option_f32_to_u8;
    cm_host host;
    cm_host_func funcs[N(e)];
    cm_instance *ci = start(f, "test:variants/test", e, N(e), &host, funcs);
    call(ci, f, "test-imports", NOARGS, "");
    for (size_t i = 0; i < N(e); i++)
        ck_assert_msg(e[i].spec.calls > 0, "import %s never called", e[i].name);
    const char *T = "test:variants/test#";
    char name[128];
#define V(fn) (snprintf(name, sizeof name, "%s%s", T, fn), name)
    call(ci, f, V("roundtrip-option"), ARGS("some(1)"), "some(1)");
    call(ci, f, V("roundtrip-option"), ARGS("none"), "none");
    call(ci, f, V("roundtrip-option"), NOARGS, "none");   /* a trailing option left out */
    call(ci, f, V("roundtrip-option"), ARGS("2"), "some(2)");   /* WAVE's flat some */
    call(ci, f, V("roundtrip-result"), ARGS("ok(2)"), "ok(2)");
    call(ci, f, V("roundtrip-result"), ARGS("ok(4)"), "ok(4)");
    call(ci, f, V("roundtrip-result"), ARGS("err(5.2)"), "err(5)");
    call(ci, f, V("roundtrip-enum"), ARGS("a"), "a");
    call(ci, f, V("roundtrip-enum"), ARGS("b"), "b");
    call(ci, f, V("invert-bool"), ARGS("true"), "false");
    call(ci, f, V("invert-bool"), ARGS("false"), "true");
    call(ci, f, V("variant-casts"), ARGS("(a(1), a(2), a(3), a(4), a(5), a(6))"),
         "(a(1), a(2), a(3), a(4), a(5), a(6))");
    call(ci, f, V("variant-casts"), ARGS("(b(1), b(2), b(3), b(4), b(5), b(6))"),
         "(b(1), b(2), b(3), b(4), b(5), b(6))");
    call(ci, f, V("variant-zeros"), ARGS("(a(1), a(2), a(3), a(4))"), "(a(1), a(2), a(3), a(4))");
    call(ci, f, V("variant-typedefs"), ARGS("none", "false", "err"), "");
#undef V
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

bool option_f32_to_u8(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    (void)user;
    (void)err;
    (void)errlen;
    ck_assert_uint_eq(nargs, 1);
    *result = args[0].kind == HOST_VALUE_FLOAT ? host_int((int64_t)args[0].f) : host_value_copy(&args[0]);
    return true;
}

/* ---- flavorful ---- */

static int errno_calls;

static bool errno_result(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    (void)user;
    (void)args;
    (void)err;
    (void)errlen;
    ck_assert_uint_eq(nargs, 0);
    *result = host_map();
    if (errno_calls++ == 0)
        ck_assert(host_map_set(result, "err", 3, host_string("b", 1), NULL));
    else
        ck_assert(host_map_set(result, "ok", 2, host_bool(true), NULL));
    return true;
}

START_TEST(fixture_flavorful)
{
    cm_file *f = test_cm_load("cm fixtures", JCO "jco__components__flavorful.component.wasm");
    if (f == NULL)
        return;
    errno_calls = 0;
    host_entry e[] = {
        { "f-list-in-record1", { H_CANNED, "[{\"a\":\"list_in_record1\"}]", NULL, NULL, 0 } },
        { "f-list-in-record2", { H_CANNED, "[]", "{\"a\":\"list_in_record2\"}", NULL, 0 } },
        { "f-list-in-record3", { H_CANNED, "[{\"a\":\"list_in_record3 input\"}]",
                                 "{\"a\":\"list_in_record3 output\"}", NULL, 0 } },
        { "f-list-in-record4", { H_CANNED, "[{\"a\":\"input4\"}]", "{\"a\":\"result4\"}", NULL, 0 } },
        { "f-list-in-variant1", { H_CANNED, "[\"foo\",{\"err\":\"bar\"}]", NULL, NULL, 0 } },
        { "f-list-in-variant2", { H_CANNED, "[]", "\"list_in_variant2\"", NULL, 0 } },
        { "f-list-in-variant3", { H_CANNED, "[\"input3\"]", "\"output3\"", NULL, 0 } },
        { "errno-result", { H_FN, NULL, NULL, errno_result, 0 } },
        { "list-typedefs", { H_CANNED, "[\"typedef1\",[\"typedef2\"]]", "[\"typedef3\",[\"typedef4\"]]", NULL, 0 } },
        { "list-of-variants", { H_CANNED, "[[true,false],[{\"ok\":true},{\"err\":true}],[\"success\",\"a\"]]",
                                "[[false,true],[{\"err\":true},{\"ok\":true}],[\"a\",\"b\"]]", NULL, 0 } },
    };
    cm_host host;
    cm_host_func funcs[N(e)];
    cm_instance *ci = start(f, "test:flavorful/test", e, N(e), &host, funcs);
    call(ci, f, "test-imports", NOARGS, "");
    for (size_t i = 0; i < N(e); i++)
        ck_assert_msg(e[i].spec.calls > 0, "import %s never called", e[i].name);
    const char *T = "test:flavorful/test#";
    char name[128];
#define F(fn) (snprintf(name, sizeof name, "%s%s", T, fn), name)
    call(ci, f, F("f-list-in-record1"), ARGS("{a: \"list_in_record1\"}"), "");
    call(ci, f, F("f-list-in-record2"), NOARGS, "{a: \"list_in_record2\"}");
    call(ci, f, F("f-list-in-record3"), ARGS("{a: \"list_in_record3 input\"}"), "{a: \"list_in_record3 output\"}");
    call(ci, f, F("f-list-in-record4"), ARGS("{a: \"input4\"}"), "{a: \"result4\"}");
    call(ci, f, F("f-list-in-variant1"), ARGS("some(\"foo\")", "err(\"bar\")"), "");
    call(ci, f, F("f-list-in-variant2"), NOARGS, "some(\"list_in_variant2\")");
    call(ci, f, F("f-list-in-variant3"), ARGS("some(\"input3\")"), "some(\"output3\")");
    call(ci, f, F("errno-result"), NOARGS, "err(b)");
    call(ci, f, F("list-typedefs"), ARGS("\"typedef1\"", "[\"typedef2\"]"),
         "([116, 121, 112, 101, 100, 101, 102, 51], [\"typedef4\"])");
#undef F
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- many-arguments ---- */

START_TEST(fixture_many_arguments)
{
    cm_file *f = test_cm_load("cm fixtures", JCO "jco-transpile__components__runtime__many-arguments.component.wasm");
    if (f == NULL)
        return;
    host_entry e[] = { { "many-arguments", { H_CANNED, "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]", NULL, NULL, 0 } } };
    cm_host host;
    cm_host_func funcs[N(e)];
    cm_instance *ci = start(f, "imports", e, N(e), &host, funcs);
    call(ci, f, "many-arguments",
         ARGS("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16"), "");
    ck_assert_int_eq(e[0].spec.calls, 1);
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

Suite *cm_fixtures_suite(void)
{
    Suite *s = suite_create("cm_fixtures");
    TCase *tc = tcase_create("jco");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fixture_adder);
    tcase_add_test(tc, fixture_simple_nested);
    tcase_add_test(tc, fixture_async_call_sync_export);
    tcase_add_test(tc, fixture_lists);
    tcase_add_test(tc, fixture_records);
    tcase_add_test(tc, fixture_variants);
    tcase_add_test(tc, fixture_flavorful);
    tcase_add_test(tc, fixture_many_arguments);
    suite_add_tcase(s, tc);
    return s;
}
