/* test_cm_resources.c — wit-bindgen's runtime test components as jco ships
 * them (the shared jco fixtures options, results and the resource ones),
 * run the way wit-bindgen's wasmtime hosts run them
 * (tests/runtime/NAME.rs): their `test:*` imports provided by a C test
 * host, host resources made with cm_host_resource_new over a rep table in
 * the test, then the exports called with the hosts' values. Values are
 * JSON text of host_values (component/abi.h's mapping; a handle is an
 * INT). Skipped when the shared data is absent. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/runtime.h"
#include "component/wave.h"
#include "testsuite/json.h"
#include "tests/test_cm_util.h"

#define JCO TEST_COMPONENTS_DIR "/jco/jco-transpile__components__runtime__"

static cm_file *load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s.component.wasm", JCO, name);
    return test_cm_load("cm resources", path);
}

/* Calls name with the arguments of a JSON array and returns the result's
 * JSON, or "!" and the error (free it). */
static char *inv(cm_instance *ci, const char *name, const char *args)
{
    host_value a = test_cm_value_of_json(args);
    ck_assert_int_eq(a.kind, HOST_VALUE_LIST);
    host_value r = host_nil();
    char msg[1024];
    char *out;
    if (cm_invoke(ci, name, a.items, a.len, &r, msg, sizeof msg)) {
        out = test_cm_json_of(&r);
    } else {
        out = malloc(strlen(msg) + 2);
        sprintf(out, "!%s", msg);
    }
    host_value_free(&r);
    host_value_free(&a);
    return out;
}

/* Calls and checks the result's JSON (or, with "!", the error's text). */
static void expect(cm_instance *ci, const char *name, const char *args, const char *want)
{
    char *got = inv(ci, name, args);
    if (want[0] == '!')
        ck_assert_msg(got[0] == '!' && strstr(got, want + 1) != NULL, "%s%s: got %s, want error %s", name,
                      args, got, want + 1);
    else
        ck_assert_msg(!strcmp(got, want), "%s%s: got %s, want %s", name, args, got, want);
    free(got);
}

/* Calls and returns the INT result (a handle). */
static int64_t inv_int(cm_instance *ci, const char *name, const char *args)
{
    char *got = inv(ci, name, args);
    ck_assert_msg(got[0] != '!', "%s%s: %s", name, args, got);
    int64_t v = strtoll(got, NULL, 10);
    free(got);
    return v;
}

static cm_instance *instantiate(cm_file *f, const cm_host_func *funcs, size_t n, cm_host *host)
{
    *host = (cm_host){ .funcs = funcs, .nfuncs = n };
    vm_error err;
    cm_instance *ci = cm_instantiate(f, host, NULL, &err);
    ck_assert_msg(ci != NULL, "%s", err.message);
    return ci;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define HOSTFN(name) \
    static bool name(void *user, const host_value *args, size_t nargs, host_value *result, char *err, size_t errlen)
#define UNUSED (void)user, (void)nargs, (void)err, (void)errlen

/* ---- the test host's resources: a rep table of numbers ---- */

static struct {
    cm_instance *ci;
    double val[256];
    char text[256][256];
    bool live[256];
    uint32_t next, drops;
} R;

static void reps_reset(void)
{
    memset(&R, 0, sizeof R);
}

/* A new host resource holding v: its own handle as an INT. */
static host_value rep_new(double v)
{
    ck_assert(R.next < 256);
    uint32_t rep = R.next++;
    R.val[rep] = v;
    R.live[rep] = true;
    int64_t h = cm_host_resource_new(R.ci, rep);
    ck_assert(h > 0);
    return host_int(h);
}

/* The value of an own handle the host received (then dropped, as the
 * host owns it now) or of a borrow (its rep). */
static double own_val(const host_value *h)
{
    ck_assert_int_eq(h->kind, HOST_VALUE_INT);
    uint32_t rep;
    char err[128];
    ck_assert_msg(cm_handle_rep(R.ci, h->i, &rep, err, sizeof err), "%s", err);
    ck_assert(rep < R.next && R.live[rep]);
    ck_assert_msg(cm_handle_drop(R.ci, h->i, err, sizeof err), "%s", err);
    return R.val[rep];
}

static double borrow_val(const host_value *h)
{
    ck_assert_int_eq(h->kind, HOST_VALUE_INT);
    ck_assert(h->i >= 0 && h->i < R.next && R.live[h->i]);
    return R.val[h->i];
}

static const host_value *field(const host_value *m, const char *key)
{
    ck_assert_int_eq(m->kind, HOST_VALUE_MAP);
    for (size_t i = 0; i < m->len; i++)
        if (!strcmp(m->entries[i].key, key))
            return &m->entries[i].value;
    ck_abort_msg("no field %s", key);
    return NULL;
}

/* ---- options ---- */

HOSTFN(opt_none_param)
{
    UNUSED;
    ck_assert_int_eq(args[0].kind, HOST_VALUE_NIL);
    *result = host_nil();
    return true;
}

HOSTFN(opt_some_param)
{
    UNUSED;
    ck_assert(args[0].kind == HOST_VALUE_STRING && !strcmp(args[0].s, "foo"));
    *result = host_nil();
    return true;
}

HOSTFN(opt_none_result)
{
    UNUSED;
    (void)args;
    *result = host_nil();
    return true;
}

HOSTFN(opt_some_result)
{
    UNUSED;
    (void)args;
    *result = host_string("foo", 3);
    return true;
}

HOSTFN(no_environment)
{
    UNUSED;
    (void)args;
    *result = host_list(0);
    return true;
}

HOSTFN(echo)
{
    UNUSED;
    *result = host_value_copy(&args[0]);
    return true;
}

START_TEST(fixture_options)
{
    cm_file *f = load("options");
    if (f == NULL)
        return;
    const char *I = "test:options/test";
    cm_host_func funcs[] = {
        { I, "option-none-param", opt_none_param, NULL },
        { I, "option-some-param", opt_some_param, NULL },
        { I, "option-none-result", opt_none_result, NULL },
        { I, "option-some-result", opt_some_result, NULL },
        { I, "option-roundtrip", echo, NULL },
        { I, "double-option-roundtrip", echo, NULL },
        { "wasi:cli/environment@0.2.0", "get-environment", no_environment, NULL },
    };
    cm_host host;
    cm_instance *ci = instantiate(f, funcs, N(funcs), &host);
    /* test-imports round-trips some(some(42)), some(none) and none
     * through the host: option<option<T>>'s some is {some = x} */
    expect(ci, "test-imports", "[]", "null");
    expect(ci, "test:options/test#option-none-result", "[]", "null");
    expect(ci, "test:options/test#option-some-result", "[]", "\"foo\"");
    expect(ci, "test:options/test#option-none-param", "[null]", "null");
    expect(ci, "test:options/test#option-some-param", "[\"foo\"]", "null");
    expect(ci, "test:options/test#option-roundtrip", "[\"foo\"]", "\"foo\"");
    expect(ci, "test:options/test#double-option-roundtrip", "[{\"some\": 42}]", "{\"some\":42}");
    expect(ci, "test:options/test#double-option-roundtrip", "[42]", "{\"some\":42}");
    expect(ci, "test:options/test#double-option-roundtrip", "[{}]", "{}");
    expect(ci, "test:options/test#double-option-roundtrip", "[null]", "null");
    /* and in WAVE, as the CLI reads and prints them */
    char err[256];
    const char *D = "test:options/test#double-option-roundtrip";
    cm_func *fn = cm_export_find(ci, D, err, sizeof err);
    ck_assert_msg(fn != NULL, "%s", err);
    const cm_type *ft = cm_type_get(&f->types, cm_func_type(fn));
    static const char *const texts[] = { "some(some(42))", "some(none)", "none" };
    for (size_t i = 0; i < N(texts); i++) {
        host_value v, r = host_nil();
        ck_assert_msg(cm_wave_parse(&f->types, ft->fields[0].type, texts[i], strlen(texts[i]), &v, err,
                                    sizeof err), "%s: %s", texts[i], err);
        ck_assert_msg(cm_invoke(ci, D, &v, 1, &r, err, sizeof err), "%s: %s", texts[i], err);
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);
        cm_wave_print(&f->types, ft->elem, &r, out);
        fclose(out);
        ck_assert_str_eq(buf, texts[i]);
        free(buf);
        host_value_free(&v);
        host_value_free(&r);
    }
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- results ---- */

static double num(const host_value *v)
{
    return v->kind == HOST_VALUE_FLOAT ? v->f : (double)v->i;
}

static host_value ok_or_err(bool ok, host_value v)
{
    host_value m = host_map();
    ck_assert(host_map_set(&m, ok ? "ok" : "err", ok ? 2 : 3, v, NULL));
    return m;
}

HOSTFN(string_error)
{
    UNUSED;
    double a = num(&args[0]);
    *result = a == 0 ? ok_or_err(false, host_string("zero", 4)) : ok_or_err(true, host_float(a));
    return true;
}

HOSTFN(enum_error)
{
    UNUSED;
    double a = num(&args[0]);
    *result = a == 0 ? ok_or_err(false, host_string("a", 1)) : ok_or_err(true, host_float(a));
    return true;
}

HOSTFN(record_error)
{
    UNUSED;
    double a = num(&args[0]);
    if (a == 0)
        *result = ok_or_err(false, test_cm_value_of_json("{\"line\":420,\"column\":0}"));
    else if (a == 1)
        *result = ok_or_err(false, test_cm_value_of_json("{\"line\":77,\"column\":2}"));
    else
        *result = ok_or_err(true, host_float(a));
    return true;
}

HOSTFN(variant_error)
{
    UNUSED;
    double a = num(&args[0]);
    if (a == 0)
        *result = ok_or_err(false, test_cm_value_of_json("{\"e2\":{\"line\":420,\"column\":0}}"));
    else if (a == 1)
        *result = ok_or_err(false, test_cm_value_of_json("{\"e1\":\"b\"}"));
    else if (a == 2)
        *result = ok_or_err(false, test_cm_value_of_json("{\"e1\":\"c\"}"));
    else
        *result = ok_or_err(true, host_float(a));
    return true;
}

HOSTFN(empty_error)
{
    UNUSED;
    int64_t a = args[0].i;
    *result = a == 0 ? ok_or_err(false, host_bool(true)) : ok_or_err(true, host_int(a == 1 ? 42 : a));
    return true;
}

HOSTFN(double_error)
{
    UNUSED;
    int64_t a = args[0].i;
    if (a == 0)
        *result = ok_or_err(true, ok_or_err(true, host_bool(true)));
    else if (a == 1)
        *result = ok_or_err(true, ok_or_err(false, host_string("one", 3)));
    else
        *result = ok_or_err(false, host_string("two", 3));
    return true;
}

START_TEST(fixture_results)
{
    cm_file *f = load("results");
    if (f == NULL)
        return;
    const char *I = "test:results/test";
    cm_host_func funcs[] = {
        { I, "string-error", string_error, NULL }, { I, "enum-error", enum_error, NULL },
        { I, "record-error", record_error, NULL }, { I, "variant-error", variant_error, NULL },
        { I, "empty-error", empty_error, NULL },   { I, "double-error", double_error, NULL },
    };
    cm_host host;
    cm_instance *ci = instantiate(f, funcs, N(funcs), &host);
#define T(fn) "test:results/test#" fn
    expect(ci, T("string-error"), "[0]", "{\"err\":\"zero\"}");
    expect(ci, T("string-error"), "[1]", "{\"ok\":1}");
    expect(ci, T("enum-error"), "[0]", "{\"err\":\"a\"}");
    expect(ci, T("enum-error"), "[2.5]", "{\"ok\":2.5}");
    expect(ci, T("record-error"), "[0]", "{\"err\":{\"line\":420,\"column\":0}}");
    expect(ci, T("record-error"), "[1]", "{\"err\":{\"line\":77,\"column\":2}}");
    expect(ci, T("record-error"), "[2]", "{\"ok\":2}");
    expect(ci, T("variant-error"), "[0]", "{\"err\":{\"e2\":{\"line\":420,\"column\":0}}}");
    expect(ci, T("variant-error"), "[1]", "{\"err\":{\"e1\":\"b\"}}");
    expect(ci, T("variant-error"), "[2]", "{\"err\":{\"e1\":\"c\"}}");
    expect(ci, T("empty-error"), "[0]", "{\"err\":true}");
    expect(ci, T("empty-error"), "[1]", "{\"ok\":42}");
    expect(ci, T("empty-error"), "[2]", "{\"ok\":2}");
    expect(ci, T("double-error"), "[0]", "{\"ok\":{\"ok\":true}}");
    expect(ci, T("double-error"), "[1]", "{\"ok\":{\"err\":\"one\"}}");
    expect(ci, T("double-error"), "[2]", "{\"err\":\"two\"}");
#undef T
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- resources: host resource y, guest resources x, z, kebab-case ---- */

HOSTFN(y_new)
{
    UNUSED;
    *result = rep_new((double)args[0].i);
    return true;
}

HOSTFN(y_get_a)
{
    UNUSED;
    *result = host_int((int64_t)borrow_val(&args[0]));
    return true;
}

HOSTFN(y_set_a)
{
    UNUSED;
    borrow_val(&args[0]);
    R.val[args[0].i] = (double)args[1].i;
    *result = host_nil();
    return true;
}

HOSTFN(y_add)
{
    UNUSED;
    double y = own_val(&args[0]);
    *result = rep_new(y + (double)args[1].i);
    return true;
}

START_TEST(fixture_resources)
{
    cm_file *f = load("resources");
    if (f == NULL)
        return;
    reps_reset();
    cm_host_func funcs[] = {
        { "imports", "[constructor]y", y_new, NULL },
        { "imports", "[method]y.get-a", y_get_a, NULL },
        { "imports", "[method]y.set-a", y_set_a, NULL },
        { "imports", "[static]y.add", y_add, NULL },
    };
    cm_host host;
    cm_instance *ci = instantiate(f, funcs, N(funcs), &host);
    R.ci = ci;
#define E(fn) "exports#" fn
    expect(ci, E("test-imports"), "[]", "{\"ok\":true}");
    char a[64], b[64];
    int64_t x = inv_int(ci, E("[constructor]x"), "[5]");
    snprintf(a, sizeof a, "[%lld]", (long long)x);
    expect(ci, E("[method]x.get-a"), a, "5");
    snprintf(b, sizeof b, "[%lld, 10]", (long long)x);
    expect(ci, E("[method]x.set-a"), b, "null");
    expect(ci, E("[method]x.get-a"), a, "10");
    int64_t z1 = inv_int(ci, E("[constructor]z"), "[10]");
    snprintf(a, sizeof a, "[%lld]", (long long)z1);
    expect(ci, E("[method]z.get-a"), a, "10");
    int64_t z2 = inv_int(ci, E("[constructor]z"), "[20]");
    snprintf(a, sizeof a, "[%lld]", (long long)z2);
    expect(ci, E("[method]z.get-a"), a, "20");
    snprintf(b, sizeof b, "[%lld, 5]", (long long)x);
    int64_t xadd = inv_int(ci, E("[static]x.add"), b);   /* x moves into the guest */
    snprintf(a, sizeof a, "[%lld]", (long long)xadd);
    expect(ci, E("[method]x.get-a"), a, "15");
    ck_assert_int_eq(xadd, x);   /* x moved out of the host's table: its slot is reused */
    snprintf(b, sizeof b, "[%lld, %lld]", (long long)z1, (long long)z2);
    int64_t zadd = inv_int(ci, E("add"), b);
    snprintf(a, sizeof a, "[%lld]", (long long)zadd);
    expect(ci, E("[method]z.get-a"), a, "30");
    /* destructors run once, when the last own handle goes */
    int64_t d0 = inv_int(ci, E("[static]z.num-dropped"), "[]");
    char err[256];
    ck_assert_msg(cm_handle_drop(ci, z1, err, sizeof err), "%s", err);
    ck_assert_msg(cm_handle_drop(ci, z2, err, sizeof err), "%s", err);
    ck_assert_int_eq(inv_int(ci, E("[static]z.num-dropped"), "[]"), d0 + 2);
    ck_assert(!cm_handle_drop(ci, z1, err, sizeof err));
    ck_assert_msg(strstr(err, "unknown handle index"), "%s", err);
    ck_assert_int_eq(inv_int(ci, E("[static]z.num-dropped"), "[]"), d0 + 2);
    ck_assert_msg(cm_handle_drop(ci, zadd, err, sizeof err), "%s", err);
    ck_assert_int_eq(inv_int(ci, E("[static]z.num-dropped"), "[]"), d0 + 3);
    /* an own passed to consume moves and is dropped in the guest */
    snprintf(a, sizeof a, "[%lld]", (long long)xadd);
    expect(ci, E("consume"), a, "null");
    ck_assert(!cm_handle_drop(ci, xadd, err, sizeof err));
    int64_t k = inv_int(ci, E("[constructor]kebab-case"), "[42]");
    snprintf(a, sizeof a, "[%lld]", (long long)k);
    expect(ci, E("[method]kebab-case.get-a"), a, "42");
    expect(ci, E("[static]kebab-case.take-owned"), a, "42");
#undef E
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- resource_aggregates ---- */

HOSTFN(thing_new_plus2)
{
    UNUSED;
    *result = rep_new((double)args[0].i + 2);
    return true;
}

HOSTFN(aggregates_foo)
{
    UNUSED;
    ck_assert_uint_eq(nargs, 13);
    double s = own_val(field(&args[0], "thing")) + borrow_val(field(&args[1], "thing")) +
               borrow_val(field(&args[2], "thing1")) + own_val(field(&args[2], "thing2"));
    ck_assert(args[3].kind == HOST_VALUE_LIST && args[3].len == 2);
    s += own_val(&args[3].items[0]) + own_val(field(&args[3].items[1], "thing"));
    ck_assert(args[4].kind == HOST_VALUE_LIST && args[4].len == 1);
    s += borrow_val(&args[4].items[0]);
    s += own_val(field(&args[5], "thing")) + borrow_val(field(&args[6], "thing"));
    for (size_t i = 0; i < args[7].len; i++)
        s += own_val(&args[7].items[i]);
    for (size_t i = 0; i < args[8].len; i++)
        s += borrow_val(&args[8].items[i]);
    s += own_val(&args[9]) + borrow_val(&args[10]);
    s += own_val(field(&args[11], "ok")) + borrow_val(field(&args[12], "ok"));
    *result = host_int((int64_t)s + 3);
    return true;
}

START_TEST(fixture_resource_aggregates)
{
    cm_file *f = load("resource_aggregates");
    if (f == NULL)
        return;
    reps_reset();
    const char *I = "test:resource-aggregates/test";
    cm_host_func funcs[] = {
        { I, "[constructor]thing", thing_new_plus2, NULL },
        { I, "foo", aggregates_foo, NULL },
    };
    cm_host host;
    cm_instance *ci = instantiate(f, funcs, N(funcs), &host);
    R.ci = ci;
    int64_t t[17];
    int64_t want = 3 + 4;
    char a[64];
    for (int i = 1; i < 18; i++) {
        snprintf(a, sizeof a, "[%d]", i);
        t[i - 1] = inv_int(ci, "test:resource-aggregates/test#[constructor]thing", a);
        want += i + 1 + 2;
    }
    char args[1024], w[32];
    snprintf(args, sizeof args,
             "[{\"thing\":%lld},{\"thing\":%lld},{\"thing1\":%lld,\"thing2\":%lld},[%lld,{\"thing\":%lld}],[%lld],"
             "{\"thing\":%lld},{\"thing\":%lld},[%lld,%lld],[%lld,%lld],%lld,%lld,{\"ok\":%lld},{\"ok\":%lld}]",
             (long long)t[0], (long long)t[1], (long long)t[2], (long long)t[3], (long long)t[4], (long long)t[5],
             (long long)t[6], (long long)t[7], (long long)t[8], (long long)t[9], (long long)t[10], (long long)t[11],
             (long long)t[12], (long long)t[13], (long long)t[14], (long long)t[15], (long long)t[16]);
    snprintf(w, sizeof w, "%lld", (long long)want);
    expect(ci, "test:resource-aggregates/test#foo", args, w);
    /* the borrowed ones are still the host's; the owned ones moved */
    char err[256];
    ck_assert_msg(cm_handle_drop(ci, t[1], err, sizeof err), "%s", err);
    ck_assert(!cm_handle_drop(ci, t[0], err, sizeof err));
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- resource_borrow_import: the guest lends the host's thing back ---- */

HOSTFN(borrow_import_foo)
{
    UNUSED;
    *result = host_int((int64_t)borrow_val(&args[0]) + 3);
    return true;
}

START_TEST(fixture_resource_borrow_import)
{
    cm_file *f = load("resource_borrow_import");
    if (f == NULL)
        return;
    reps_reset();
    const char *I = "test:resource-borrow-import/test";
    cm_host_func funcs[] = {
        { I, "[constructor]thing", thing_new_plus2, NULL },
        { I, "foo", borrow_import_foo, NULL },
    };
    cm_host host;
    cm_instance *ci = instantiate(f, funcs, N(funcs), &host);
    R.ci = ci;
    expect(ci, "test", "[42]", "52");   /* 42 + 1 + 2 + 3 + 4 */
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- resource_with_lists: list<u8> through host and guest things ---- */

/* list<u8> (a LIST of INTs) as text. */
static void bytes_of(const host_value *l, char *out, size_t cap)
{
    ck_assert_int_eq(l->kind, HOST_VALUE_LIST);
    ck_assert(l->len < cap);
    for (size_t i = 0; i < l->len; i++)
        out[i] = (char)l->items[i].i;
    out[l->len] = 0;
}

/* Text as the JSON of a list<u8> result. */
static char *bytes_json(const char *text)
{
    char *out = malloc(strlen(text) * 4 + 3), *p = out;
    *p++ = '[';
    for (size_t i = 0; text[i]; i++)
        p += sprintf(p, "%s%d", i ? "," : "", (unsigned char)text[i]);
    strcpy(p, "]");
    return out;
}

static host_value text_value(const char *a, const char *b)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s%s", a, b);
    return host_string(buf, strlen(buf));   /* lowers as list<u8> */
}

HOSTFN(wl_new)
{
    UNUSED;
    char t[96];
    bytes_of(&args[0], t, sizeof t);
    *result = rep_new(0);
    snprintf(R.text[R.next - 1], sizeof R.text[0], "%s HostThing", t);
    return true;
}

HOSTFN(wl_foo)
{
    UNUSED;
    borrow_val(&args[0]);
    *result = text_value(R.text[args[0].i], " HostThing.foo");
    return true;
}

HOSTFN(wl_bar)
{
    UNUSED;
    borrow_val(&args[0]);
    char t[96];
    bytes_of(&args[1], t, sizeof t);
    snprintf(R.text[args[0].i], sizeof R.text[0], "%s HostThing.bar", t);
    *result = host_nil();
    return true;
}

HOSTFN(wl_baz)
{
    UNUSED;
    char t[96];
    bytes_of(&args[0], t, sizeof t);
    *result = text_value(t, " HostThing.baz");
    return true;
}

static void expect_bytes(cm_instance *ci, const char *name, const char *args, const char *text)
{
    char *want = bytes_json(text);
    expect(ci, name, args, want);
    free(want);
}

START_TEST(fixture_resource_with_lists)
{
    cm_file *f = load("resource_with_lists");
    if (f == NULL)
        return;
    reps_reset();
    const char *I = "test:resource-with-lists/test";
    cm_host_func funcs[] = {
        { I, "[constructor]thing", wl_new, NULL },
        { I, "[method]thing.foo", wl_foo, NULL },
        { I, "[method]thing.bar", wl_bar, NULL },
        { I, "[static]thing.baz", wl_baz, NULL },
    };
    cm_host host;
    cm_instance *ci = instantiate(f, funcs, N(funcs), &host);
    R.ci = ci;
#define T(fn) "test:resource-with-lists/test#" fn
    int64_t t = inv_int(ci, T("[constructor]thing"), "[\"Hi\"]");
    char a[128];
    snprintf(a, sizeof a, "[%lld]", (long long)t);
    expect_bytes(ci, T("[method]thing.foo"), a, "Hi Thing HostThing HostThing.foo Thing.foo");
    snprintf(a, sizeof a, "[%lld, \"Hola\"]", (long long)t);
    expect(ci, T("[method]thing.bar"), a, "null");
    snprintf(a, sizeof a, "[%lld]", (long long)t);
    expect_bytes(ci, T("[method]thing.foo"), a, "Hola Thing.bar HostThing.bar HostThing.foo Thing.foo");
    expect_bytes(ci, T("[static]thing.baz"), "[\"Ohayo Gozaimas\"]",
                 "Ohayo Gozaimas Thing.baz HostThing.baz Thing.baz again");
#undef T
    char err[128];
    ck_assert_msg(cm_handle_drop(ci, t, err, sizeof err), "%s", err);
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- resource_floats: two host float resources, a guest one ---- */

HOSTFN(float1_new)
{
    UNUSED;
    *result = rep_new(num(&args[0]) + 2);
    return true;
}

HOSTFN(float1_get)
{
    UNUSED;
    *result = host_float(borrow_val(&args[0]) + 4);
    return true;
}

HOSTFN(float1_add)
{
    UNUSED;
    double a = own_val(&args[0]);
    *result = rep_new(a + num(&args[1]) + 6 + 2);
    return true;
}

HOSTFN(float2_new)
{
    UNUSED;
    *result = rep_new(num(&args[0]) + 1);
    return true;
}

HOSTFN(float2_get)
{
    UNUSED;
    *result = host_float(borrow_val(&args[0]) + 3);
    return true;
}

START_TEST(fixture_resource_floats)
{
    cm_file *f = load("resource_floats");
    if (f == NULL)
        return;
    reps_reset();
    const char *I = "test:resource-floats/test";
    cm_host_func funcs[] = {
        { "imports", "[constructor]float", float1_new, NULL },
        { "imports", "[method]float.get", float1_get, NULL },
        { "imports", "[static]float.add", float1_add, NULL },
        { I, "[constructor]float", float2_new, NULL },
        { I, "[method]float.get", float2_get, NULL },
    };
    cm_host host;
    cm_instance *ci = instantiate(f, funcs, N(funcs), &host);
    R.ci = ci;
    int64_t x = inv_int(ci, "exports#[constructor]float", "[22.0]");
    char a[64];
    snprintf(a, sizeof a, "[%lld]", (long long)x);
    expect(ci, "exports#[method]float.get", a, "32");   /* 22 + 1 + 2 + 4 + 3 */
    snprintf(a, sizeof a, "[%lld, 7.0]", (long long)x);
    int64_t y = inv_int(ci, "exports#[static]float.add", a);
    snprintf(a, sizeof a, "[%lld]", (long long)y);
    expect(ci, "exports#[method]float.get", a, "59");
    char err[128];
    ck_assert_msg(cm_handle_drop(ci, y, err, sizeof err), "%s", err);
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- resource_borrow_export, resource_into_inner: exports only ---- */

START_TEST(fixture_resource_borrow_export)
{
    cm_file *f = load("resource_borrow_export");
    if (f == NULL)
        return;
    cm_host host;
    cm_instance *ci = instantiate(f, NULL, 0, &host);
    int64_t t = inv_int(ci, "test:resource-borrow-export/test#[constructor]thing", "[42]");
    char a[64], err[128];
    snprintf(a, sizeof a, "[%lld]", (long long)t);
    expect(ci, "test:resource-borrow-export/test#foo", a, "45");   /* 42 + 1 + 2 */
    ck_assert_msg(cm_handle_drop(ci, t, err, sizeof err), "%s", err);
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

START_TEST(fixture_resource_into_inner)
{
    cm_file *f = load("resource_into_inner");
    if (f == NULL)
        return;
    cm_host host;
    cm_instance *ci = instantiate(f, NULL, 0, &host);
    expect(ci, "test:resource-into-inner/test#test", "[]", "null");
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- the spec's rules, on tests/component/resources.wat ---- */

#ifndef TEST_BUILD_DIR
#define TEST_BUILD_DIR "build"
#endif

static char poke_err[256];
static int64_t poke_handle;

/* The host import the guest lends hr to: dropping the lent own fails. */
HOSTFN(poke)
{
    UNUSED;
    ck_assert_int_eq(args[0].kind, HOST_VALUE_INT);
    ck_assert(borrow_val(&args[0]) == 7);   /* the rep */
    ck_assert(!cm_handle_drop(R.ci, poke_handle, poke_err, sizeof poke_err));
    *result = host_nil();
    return true;
}

/* ---- resource_alias: e2 uses e1's resource x (exports only) ---- */

START_TEST(fixture_resource_alias)
{
    cm_file *f = load("resource_alias");
    if (f == NULL)
        return;
    cm_host host;
    cm_instance *ci = instantiate(f, NULL, 0, &host);
    const char *E1 = "test:resource-alias/e1#", *E2 = "test:resource-alias/e2#";
    char name[128], a[256], err[128];
    /* as wit-bindgen's host: e1.a({x: x(42)}) gives the x back */
    snprintf(name, sizeof name, "%s[constructor]x", E1);
    int64_t x42 = inv_int(ci, name, "[42]");
    snprintf(a, sizeof a, "[{\"x\": %lld}]", (long long)x42);
    snprintf(name, sizeof name, "%sa", E1);
    char *got = inv(ci, name, a);
    ck_assert_msg(got[0] == '[', "%s", got);
    int64_t back = strtoll(got + 1, NULL, 10);
    free(got);
    ck_assert_msg(cm_handle_drop(ci, back, err, sizeof err), "%s", err);
    /* e2.a({x: x(7)}, {x: x(8)}, borrow of x(8)): the two xs, moved back */
    snprintf(name, sizeof name, "%s[constructor]x", E1);
    int64_t x7 = inv_int(ci, name, "[7]"), x8 = inv_int(ci, name, "[8]"), y = inv_int(ci, name, "[8]");
    snprintf(a, sizeof a, "[{\"x\": %lld}, {\"x\": %lld}, %lld]", (long long)x7, (long long)x8,
             (long long)y);
    snprintf(name, sizeof name, "%sa", E2);
    got = inv(ci, name, a);
    ck_assert_msg(got[0] == '[', "%s", got);
    char *end;
    int64_t r1 = strtoll(got + 1, &end, 10), r2 = strtoll(end + 1, NULL, 10);
    free(got);
    ck_assert_msg(cm_handle_drop(ci, r1, err, sizeof err), "%s", err);
    ck_assert_msg(cm_handle_drop(ci, r2, err, sizeof err), "%s", err);
    ck_assert_msg(cm_handle_drop(ci, y, err, sizeof err), "%s", err);   /* only lent */
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- resource_alias_redux, resource_borrow_in_record: host things of
 * text (jco's test hosts: the constructor appends " HostThing", get
 * " HostThing.get") ---- */

HOSTFN(st_new)
{
    UNUSED;
    ck_assert_int_eq(args[0].kind, HOST_VALUE_STRING);
    *result = rep_new(0);
    snprintf(R.text[R.next - 1], sizeof R.text[0], "%.200s HostThing", args[0].s);
    return true;
}

HOSTFN(st_get)
{
    UNUSED;
    borrow_val(&args[0]);
    char buf[300];
    snprintf(buf, sizeof buf, "%.200s HostThing.get", R.text[args[0].i]);
    *result = host_string(buf, strlen(buf));
    return true;
}

/* alias1.a(f: foo) → [f.thing]; alias2.b(f: foo, g: bar) → [f.thing, g.thing] */
HOSTFN(redux_a)
{
    UNUSED;
    *result = host_list(1);
    ck_assert(host_list_push(result, *field(&args[0], "thing"), NULL));
    return true;
}

HOSTFN(redux_b)
{
    UNUSED;
    *result = host_list(2);
    ck_assert(host_list_push(result, *field(&args[0], "thing"), NULL));
    ck_assert(host_list_push(result, *field(&args[1], "thing"), NULL));
    return true;
}

/* Calls fn, which returns a list of own things, and checks get of each. */
static void expect_gets(cm_instance *ci, const char *fn, const char *args, const char *get,
                        const char *const *want, size_t nwant)
{
    char *got = inv(ci, fn, args);
    ck_assert_msg(got[0] == '[', "%s%s: %s", fn, args, got);
    char *p = got + 1, err[128];
    for (size_t i = 0; i < nwant; i++) {
        int64_t h = strtoll(p, &p, 10);
        ck_assert_msg(h > 0, "%s: %s", fn, got);
        char a[64], w[300];
        snprintf(a, sizeof a, "[%lld]", (long long)h);
        snprintf(w, sizeof w, "\"%s\"", want[i]);
        expect(ci, get, a, w);
        ck_assert_msg(cm_handle_drop(ci, h, err, sizeof err), "%s", err);
        p++;
    }
    free(got);
}

START_TEST(fixture_resource_alias_redux)
{
    cm_file *f = load("resource_alias_redux");
    if (f == NULL)
        return;
    reps_reset();
    const char *I1 = "test:resource-alias-redux/resource-alias1";
    const char *I2 = "test:resource-alias-redux/resource-alias2";
    cm_host_func funcs[] = {
        { I1, "[constructor]thing", st_new, NULL },
        { I1, "[method]thing.get", st_get, NULL },
        { I1, "a", redux_a, NULL },
        { I2, "b", redux_b, NULL },
    };
    cm_host host;
    cm_instance *ci = instantiate(f, funcs, N(funcs), &host);
    R.ci = ci;
#define A1(fn) "test:resource-alias-redux/resource-alias1#" fn
    /* test([host thing "Ni Hao"]) gives the host's thing back */
    host_value t1 = rep_new(0);
    snprintf(R.text[R.next - 1], sizeof R.text[0], "Ni Hao HostThing");
    char a[256], err[128];
    snprintf(a, sizeof a, "[[%lld]]", (long long)t1.i);
    char *got = inv(ci, "test", a);
    ck_assert_msg(got[0] == '[', "%s", got);
    uint32_t rep;
    int64_t back = strtoll(got + 1, NULL, 10);
    free(got);
    ck_assert_msg(cm_handle_rep(ci, back, &rep, err, sizeof err), "%s", err);
    ck_assert_str_eq(R.text[rep], "Ni Hao HostThing");
    ck_assert_msg(cm_handle_drop(ci, back, err, sizeof err), "%s", err);
    /* the guest's things wrap host things */
    int64_t t2 = inv_int(ci, A1("[constructor]thing"), "[\"Ciao\"]");
    snprintf(a, sizeof a, "[{\"thing\": %lld}]", (long long)t2);
    static const char *const want_a[] = { "Ciao Thing HostThing HostThing.get Thing.get" };
    expect_gets(ci, A1("a"), a, A1("[method]thing.get"), want_a, 1);
    int64_t t3 = inv_int(ci, A1("[constructor]thing"), "[\"Ciao\"]");
    int64_t t4 = inv_int(ci, A1("[constructor]thing"), "[\"Aloha\"]");
    snprintf(a, sizeof a, "[{\"thing\": %lld}, {\"thing\": %lld}]", (long long)t3, (long long)t4);
    static const char *const want_b[] = { "Ciao Thing HostThing HostThing.get Thing.get",
                                          "Aloha Thing HostThing HostThing.get Thing.get" };
    expect_gets(ci, "test:resource-alias-redux/resource-alias2#b", a, A1("[method]thing.get"), want_b, 2);
#undef A1
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* test(list<foo{thing: borrow<thing>}>) → things the host makes of them */
HOSTFN(bir_test)
{
    UNUSED;
    const host_value *l = &args[0];
    ck_assert_int_eq(l->kind, HOST_VALUE_LIST);
    *result = host_list(l->len);
    for (size_t i = 0; i < l->len; i++) {
        const host_value *t = field(&l->items[i], "thing");
        borrow_val(t);
        char text[200];
        snprintf(text, sizeof text, "%.100s test", R.text[t->i]);
        host_value h = rep_new(0);
        snprintf(R.text[R.next - 1], sizeof R.text[0], "%s HostThing", text);
        ck_assert(host_list_push(result, h, NULL));
    }
    return true;
}

START_TEST(fixture_resource_borrow_in_record)
{
    cm_file *f = load("resource_borrow_in_record");
    if (f == NULL)
        return;
    reps_reset();
    const char *I = "test:resource-borrow-in-record/test";
    cm_host_func funcs[] = {
        { I, "[constructor]thing", st_new, NULL },
        { I, "[method]thing.get", st_get, NULL },
        { I, "test", bir_test, NULL },
    };
    cm_host host;
    cm_instance *ci = instantiate(f, funcs, N(funcs), &host);
    R.ci = ci;
#define T(fn) "test:resource-borrow-in-record/test#" fn
    int64_t t1 = inv_int(ci, T("[constructor]thing"), "[\"Bonjour\"]");
    int64_t t2 = inv_int(ci, T("[constructor]thing"), "[\"mon cher\"]");
    char a[128], err[128];
    snprintf(a, sizeof a, "[[{\"thing\": %lld}, {\"thing\": %lld}]]", (long long)t1, (long long)t2);
    static const char *const want[] = {
        "Bonjour Thing HostThing test HostThing HostThing.get Thing.get",
        "mon cher Thing HostThing test HostThing HostThing.get Thing.get" };
    expect_gets(ci, T("test"), a, T("[method]thing.get"), want, 2);
#undef T
    ck_assert_msg(cm_handle_drop(ci, t1, err, sizeof err), "%s", err);   /* only lent */
    ck_assert_msg(cm_handle_drop(ci, t2, err, sizeof err), "%s", err);
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- resource_import_and_export (and resource-import-and-export, built
 * by another toolchain): the guest's thing wraps the host's ---- */

HOSTFN(ie_new)
{
    UNUSED;
    *result = rep_new((double)args[0].i + 1);
    return true;
}

HOSTFN(ie_foo)
{
    UNUSED;
    *result = host_int((int64_t)borrow_val(&args[0]) + 2);
    return true;
}

HOSTFN(ie_bar)
{
    UNUSED;
    borrow_val(&args[0]);
    R.val[args[0].i] = (double)args[1].i + 3;
    *result = host_nil();
    return true;
}

HOSTFN(ie_baz)
{
    UNUSED;
    double a = own_val(&args[0]) + 2, b = own_val(&args[1]) + 2;
    *result = rep_new(a + b + 4 + 1);
    return true;
}

HOSTFN(ie_toplevel)
{
    UNUSED;
    *result = args[0];   /* an INT: the own handle goes back */
    return true;
}

static void import_and_export(const char *name)
{
    cm_file *f = load(name);
    if (f == NULL)
        return;
    reps_reset();
    const char *I = "test:resource-import-and-export/test";
    cm_host_func funcs[] = {
        { I, "[constructor]thing", ie_new, NULL },
        { I, "[method]thing.foo", ie_foo, NULL },
        { I, "[method]thing.bar", ie_bar, NULL },
        { I, "[static]thing.baz", ie_baz, NULL },
        { NULL, "toplevel-import", ie_toplevel, NULL },
    };
    cm_host host;
    cm_instance *ci = instantiate(f, funcs, N(funcs), &host);
    R.ci = ci;
#define T(fn) "test:resource-import-and-export/test#" fn
    char a[128], err[128];
    int64_t t1 = inv_int(ci, T("[constructor]thing"), "[42]");
    snprintf(a, sizeof a, "[%lld]", (long long)t1);
    expect(ci, T("[method]thing.foo"), a, "48");   /* 42 + 1 + 1 + 2 + 2 */
    snprintf(a, sizeof a, "[%lld, 33]", (long long)t1);
    expect(ci, T("[method]thing.bar"), a, "null");
    snprintf(a, sizeof a, "[%lld]", (long long)t1);
    expect(ci, T("[method]thing.foo"), a, "43");   /* 33 + 3 + 3 + 2 + 2 */
    int64_t t2 = inv_int(ci, T("[constructor]thing"), "[81]");
    snprintf(a, sizeof a, "[%lld, %lld]", (long long)t1, (long long)t2);
    int64_t t3 = inv_int(ci, T("[static]thing.baz"), a);
    snprintf(a, sizeof a, "[%lld]", (long long)t3);
    expect(ci, T("[method]thing.foo"), a, "143");
    ck_assert_msg(cm_handle_drop(ci, t3, err, sizeof err), "%s", err);
#undef T
    /* toplevel-export takes and gives back a host thing, through the
     * host's toplevel-import */
    host_value h = rep_new(5);
    snprintf(a, sizeof a, "[%lld]", (long long)h.i);
    int64_t back = inv_int(ci, "toplevel-export", a);
    uint32_t rep;
    ck_assert_msg(cm_handle_rep(ci, back, &rep, err, sizeof err), "%s", err);
    ck_assert(R.val[rep] == 5);
    ck_assert_msg(cm_handle_drop(ci, back, err, sizeof err), "%s", err);
    cm_instance_free(ci);
    cm_file_free(f);
}

START_TEST(fixture_resource_import_and_export)
{
    import_and_export("resource_import_and_export");
    import_and_export("resource-import-and-export");
}
END_TEST

/* A hand-written component of tests/component/, assembled by make. */
static cm_file *load_built(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, TEST_BUILD_DIR "/tests/component/%s.wasm", name);
    FILE *fp = fopen(path, "rb");
    ck_assert_msg(fp != NULL, "%s (make builds it with jco parse)", path);
    static uint8_t buf[65536];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    vm_error verr;
    cm_file *f = cm_decode(buf, n, &verr);
    ck_assert_msg(f != NULL, "%s: %s", path, verr.message);
    return f;
}

START_TEST(resource_rules)
{
    cm_file *f = load_built("resources");
    reps_reset();
    cm_host_func funcs[] = { { "host", "poke", poke, NULL } };
    cm_host host;
    cm_instance *ci = instantiate(f, funcs, N(funcs), &host);
    R.ci = ci;
    char a[64], err[256];

    /* an own the guest makes moves to the host; a borrow of it reaches
     * the defining guest as the rep; the destructor runs once */
    int64_t h = inv_int(ci, "new", "[42]");
    snprintf(a, sizeof a, "[%lld]", (long long)h);
    expect(ci, "rep", a, "42");
    expect(ci, "dtors", "[]", "0");
    ck_assert_msg(cm_handle_drop(ci, h, err, sizeof err), "%s", err);
    expect(ci, "dtors", "[]", "1");
    ck_assert(!cm_handle_drop(ci, h, err, sizeof err));
    ck_assert_str_eq(err, "unknown handle index 1");
    expect(ci, "rep", a, "!unknown handle index 1");
    expect(ci, "dtors", "[]", "1");

    /* a handle used after the guest dropped it */
    h = inv_int(ci, "new", "[5]");
    snprintf(a, sizeof a, "[%lld]", (long long)h);
    expect(ci, "drop-twice", a, "!unknown handle index 1");
    expect(ci, "dtors", "[]", "2");
    h = inv_int(ci, "new", "[6]");
    snprintf(a, sizeof a, "[%lld]", (long long)h);
    expect(ci, "rep-after-drop", a, "!unknown handle index 1");
    expect(ci, "dtors", "[]", "3");
    ck_assert(!cm_handle_drop(ci, h, err, sizeof err));   /* it moved into the guest */

    /* a borrow may not outlive its call */
    int64_t hr = rep_new(7).i;
    snprintf(a, sizeof a, "[%lld]", (long long)hr);
    expect(ci, "keep-borrow", a, "!borrow handles still remain at the end of the call");
    expect(ci, "drop-borrow", a, "null");
    expect(ci, "drop-borrow-twice", a, "!unknown handle index 1");
    /* an own lent to a call cannot be dropped until the call ends */
    poke_handle = hr;
    poke_err[0] = 0;
    expect(ci, "lend-to-host", a, "null");
    ck_assert_str_eq(poke_err, "cannot drop a resource while it is borrowed");
    /* an own passed as own moves out of the host's table */
    expect(ci, "take", a, "null");
    ck_assert(!cm_handle_drop(ci, hr, err, sizeof err));
    ck_assert_msg(strstr(err, "unknown handle index"), "%s", err);
    /* the host's handle of the moved own is gone, a new one reuses it */
    hr = rep_new(8).i;
    snprintf(a, sizeof a, "[%lld]", (long long)hr);
    expect(ci, "drop-borrow", a, "null");
    ck_assert_msg(cm_handle_drop(ci, hr, err, sizeof err), "%s", err);
    expect(ci, "drop-borrow", a, "!unknown handle index");
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* adapter_borrow.wat: A lends its own of B's resource to C, which does not
 * define it (a borrow handle in C's table) and lends it on to B (the rep). */
START_TEST(adapter_borrow)
{
    cm_file *f = load_built("adapter_borrow");
    cm_host host;
    cm_instance *ci = instantiate(f, NULL, 0, &host);
    expect(ci, "run", "[5]", "2010");          /* (5 + 1000) twice */
    expect(ci, "dtors", "[]", "1");
    expect(ci, "index", "[6]", "1");           /* C's table's first handle */
    expect(ci, "dtors", "[]", "2");
    expect(ci, "keep", "[8]", "!borrow handles still remain at the end of the call");
    /* the lend ended with the failed call: A's own can be dropped again */
    expect(ci, "run", "[9]", "2018");
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* resource_types.wat: handles are checked against the resource type
 * expected, through a nested component's type import too. */
START_TEST(resource_types)
{
    cm_file *f = load_built("resource_types");
    cm_host host;
    cm_instance *ci = instantiate(f, NULL, 0, &host);
    char a[64], b[64];
    int64_t ha = inv_int(ci, "new-a", "[11]"), hb = inv_int(ci, "new-b", "[22]");
    snprintf(a, sizeof a, "[%lld]", (long long)ha);
    snprintf(b, sizeof b, "[%lld]", (long long)hb);
    expect(ci, "rep-a", a, "11");
    expect(ci, "rep-b", b, "22");
    expect(ci, "twice", a, "22");   /* the nested component's r is a */
    char want[96];
    snprintf(want, sizeof want, "!handle index %lld is of another resource type", (long long)hb);
    expect(ci, "rep-a", b, want);
    expect(ci, "twice", b, want);
    snprintf(want, sizeof want, "!handle index %lld is of another resource type", (long long)ha);
    expect(ci, "rep-b", a, want);
    /* in the guest: resource.rep and resource.drop of a on a b handle,
     * and a b handle returned as an own of a */
    expect(ci, "rep-a-of-b", "[1]", "!is of another resource type");
    expect(ci, "drop-a-of-b", "[1]", "!is of another resource type");
    expect(ci, "b-as-a", "[1]", "!is of another resource type");
    /* the handles are still good */
    expect(ci, "rep-a", a, "11");
    expect(ci, "rep-b", b, "22");
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* Resource identity through instance imports whose resource type is never
 * aliased (tests/component/resource_unaliased.wat): resolved in each
 * instance's own scope chain, two instantiations of one consumer each with
 * its provider, one instance imported twice, and two providers mixed. */
START_TEST(resource_unaliased)
{
    cm_file *f = load_built("resource_unaliased");
    cm_host host;
    cm_instance *ci = instantiate(f, NULL, 0, &host);
    expect(ci, "round", "[7]", "7");
    expect(ci, "round2", "[9]", "9");
    expect(ci, "same", "[5]", "5");
    expect(ci, "mixed", "[5]", "!is of another resource type");
    expect(ci, "round", "[8]", "8");
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

Suite *cm_resources_suite(void)
{
    Suite *s = suite_create("cm_resources");
    TCase *tc = tcase_create("jco");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fixture_options);
    tcase_add_test(tc, fixture_results);
    tcase_add_test(tc, fixture_resources);
    tcase_add_test(tc, fixture_resource_aggregates);
    tcase_add_test(tc, fixture_resource_borrow_import);
    tcase_add_test(tc, fixture_resource_with_lists);
    tcase_add_test(tc, fixture_resource_floats);
    tcase_add_test(tc, fixture_resource_borrow_export);
    tcase_add_test(tc, fixture_resource_into_inner);
    tcase_add_test(tc, fixture_resource_alias);
    tcase_add_test(tc, fixture_resource_import_and_export);
    tcase_add_test(tc, fixture_resource_alias_redux);
    tcase_add_test(tc, fixture_resource_borrow_in_record);
    tcase_add_test(tc, resource_rules);
    tcase_add_test(tc, adapter_borrow);
    tcase_add_test(tc, resource_types);
    tcase_add_test(tc, resource_unaliased);
    suite_add_tcase(s, tc);
    return s;
}
