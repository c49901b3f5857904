/* test_cm_runtime.c — Check tests for running components (component/
 * runtime.h): wippy's minimal and complex components and jco fixtures
 * instantiated and called from C with host_values, host imports given as
 * C callbacks, the resumable call shape, and guest misbehaviour trapping
 * with clear texts. Tests that need TEST_COMPONENTS_DIR skip when it is
 * absent. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/runtime.h"
#include "tests/test_cm_util.h"

/* Decodes a component of the shared data; NULL (and a message) when the
 * data is absent. */
static cm_file *load(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", TEST_COMPONENTS_DIR, rel);
    return test_cm_load("cm runtime tests", path);
}

static host_value str(const char *s)
{
    return host_string(s, strlen(s));
}

/* Calls name with args and checks the result's JSON. */
static void expect(cm_instance *ci, const char *name, const host_value *args, size_t n, const char *want)
{
    host_value r;
    char err[512] = "";
    bool ok = cm_invoke(ci, name, args, n, &r, err, sizeof err);
    ck_assert_msg(ok, "%s: %s", name, err);
    char *got = test_cm_json_of(&r);
    ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", name, got, want);
    free(got);
    host_value_free(&r);
}

static void expect_error(cm_instance *ci, const char *name, const host_value *args, size_t n,
                         const char *want)
{
    host_value r;
    char err[512] = "";
    bool ok = cm_invoke(ci, name, args, n, &r, err, sizeof err);
    ck_assert_msg(!ok, "%s: no error", name);
    ck_assert_msg(strstr(err, want) != NULL, "%s: error \"%s\", want \"%s\"", name, err, want);
    host_value_free(&r);
}

/* ---- minimal_component.wasm ---- */

START_TEST(minimal_compute)
{
    cm_file *f = load("wippy/minimal_component.wasm");
    if (f == NULL)
        return;
    vm_error err;
    cm_instance *ci = cm_instantiate(f, NULL, NULL, &err);
    ck_assert_msg(ci != NULL, "%s", err.message);
    host_value args[2] = { host_int(6), host_int(7) };
    expect(ci, "compute", args, 2, "42");
    expect_error(ci, "compute-using-host", args, 2,
                 "unresolved host import \"test:minimal/host@0.1.0#add\": no host provides it");
    /* the instance keeps working after a trap */
    expect(ci, "compute", args, 2, "42");
    expect_error(ci, "compute", args, 1, "parameter count mismatch: expected 2, got 1");
    host_value bad[2] = { host_int(-1), host_int(7) };
    expect_error(ci, "compute", bad, 2, "argument 1 (a): -1 is out of range for u32");
    host_value s[2] = { str("x"), host_int(7) };
    expect_error(ci, "compute", s, 2, "argument 1 (a): expected u32, got string");
    host_value_free(&s[0]);
    expect_error(ci, "nope", args, 2, "no export \"nope\"; exports: compute compute-using-host");
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

static bool host_add(void *user, const host_value *args, size_t nargs, host_value *result,
                     char *err, size_t errlen)
{
    (void)user;
    (void)err;
    (void)errlen;
    ck_assert_uint_eq(nargs, 2);
    *result = host_int(args[0].i + args[1].i + 1000);
    return true;
}

START_TEST(minimal_with_host)
{
    cm_file *f = load("wippy/minimal_component.wasm");
    if (f == NULL)
        return;
    /* a host at 0.1.5 serves an import at 0.1.0 */
    cm_host_func funcs[] = { { "test:minimal/host@0.1.5", "add", host_add, NULL } };
    cm_host host = { .funcs = funcs, .nfuncs = 1 };
    vm_error err;
    cm_instance *ci = cm_instantiate(f, &host, NULL, &err);
    ck_assert_msg(ci != NULL, "%s", err.message);
    host_value args[2] = { host_int(6), host_int(7) };
    host_value r;
    char msg[256];
    ck_assert_msg(cm_invoke(ci, "compute-using-host", args, 2, &r, msg, sizeof msg), "%s", msg);
    ck_assert_int_eq(r.kind, HOST_VALUE_INT);
    ck_assert_msg(r.i >= 1000, "%lld", (long long)r.i);
    /* the resumable shape: start, run in slices of fuel, finish */
    cm_func *fn = cm_export_find(ci, "compute", msg, sizeof msg);
    ck_assert_ptr_nonnull(fn);
    cm_call *c = cm_call_new(ci);
    ck_assert(cm_call_start(c, fn, args, 2, msg, sizeof msg));
    vm_status s;
    int slices = 0;
    while ((s = cm_call_run(c, 1)) == VM_OUT_OF_FUEL)
        slices++;
    ck_assert_int_eq(s, VM_DONE);
    ck_assert(cm_call_finish(c, &r, msg, sizeof msg));
    ck_assert_int_eq(r.i, 42);
    cm_call_free(c);
    cm_instance_free(ci);
    cm_file_free(f);
    ck_assert(cm_interface_matches("wasi:io/poll@0.2.8", "wasi:io/poll@0.2.3"));
    ck_assert(cm_interface_matches("wasi:io/poll@0.2.3", "wasi:io/poll@0.2.12"));
    ck_assert(!cm_interface_matches("wasi:io/poll@0.3.0", "wasi:io/poll@0.2.3"));
    ck_assert(cm_interface_matches("a:b/c@1.4.0", "a:b/c@1.0.0"));
    ck_assert(!cm_interface_matches("a:b/c@2.0.0", "a:b/c@1.0.0"));
    ck_assert(!cm_interface_matches("a:b/c", "a:b/c@1.0.0"));
    ck_assert(!cm_interface_matches("a:b/d@1.0.0", "a:b/c@1.0.0"));
}
END_TEST

/* ---- complex_component.wasm ---- */

START_TEST(complex_exports)
{
    cm_file *f = load("wippy/complex_component.wasm");
    if (f == NULL)
        return;
    vm_error err;
    cm_instance *ci = cm_instantiate(f, NULL, NULL, &err);
    ck_assert_msg(ci != NULL, "%s", err.message);
    host_value a[2] = { host_int(10), host_int(0) };
    expect(ci, "try-divide", a, 2, "{\"err\":{\"code\":1,\"message\":\"division by zero\"}}");
    a[1] = host_int(2);
    expect(ci, "try-divide", a, 2, "{\"ok\":5}");
    expect(ci, "swap-pair", a, 2, "[2,10]");
    expect(ci, "triple", a, 1, "[10,20,30]");

    host_value p = host_map();
    ck_assert(host_map_set(&p, "x", 1, host_int(3), NULL));
    ck_assert(host_map_set(&p, "y", 1, host_int(-4), NULL));
    expect(ci, "echo-point", &p, 1, "{\"x\":3,\"y\":-4}");

    host_value person = host_map();
    ck_assert(host_map_set(&person, "name", 4, str("Ada"), NULL));
    ck_assert(host_map_set(&person, "age", 3, host_int(36), NULL));
    expect(ci, "echo-person", &person, 1, "{\"name\":\"Ada\",\"age\":36}");

    host_value rect = host_map();
    host_value p2 = host_value_copy(&p);
    ck_assert(host_map_set(&rect, "top-left", 8, p2, NULL));
    ck_assert(host_map_set(&rect, "bottom-right", 12, host_value_copy(&p), NULL));
    expect(ci, "echo-rectangle", &rect, 1,
           "{\"top-left\":{\"x\":3,\"y\":-4},\"bottom-right\":{\"x\":3,\"y\":-4}}");

    host_value color = str("green");
    expect(ci, "echo-color", &color, 1, "\"green\"");
    host_value_free(&color);
    color = str("purple");
    expect_error(ci, "echo-color", &color, 1, "argument 1 (c): \"purple\" is not a case of");
    host_value_free(&color);

    host_value shape = host_map();
    ck_assert(host_map_set(&shape, "rect", 4, host_value_copy(&rect), NULL));
    expect(ci, "echo-shape", &shape, 1,
           "{\"rect\":{\"top-left\":{\"x\":3,\"y\":-4},\"bottom-right\":{\"x\":3,\"y\":-4}}}");
    host_value_free(&shape);
    shape = host_map();
    ck_assert(host_map_set(&shape, "circle", 6, host_int(7), NULL));
    expect(ci, "echo-shape", &shape, 1, "{\"circle\":7}");
    host_value_free(&shape);
    shape = str("none");
    expect(ci, "echo-shape", &shape, 1, "{\"none\":true}");
    host_value_free(&shape);

    host_value perms = host_map();
    ck_assert(host_map_set(&perms, "read", 4, host_bool(true), NULL));
    ck_assert(host_map_set(&perms, "execute", 7, host_bool(true), NULL));
    expect(ci, "echo-permissions", &perms, 1, "{\"read\":true,\"execute\":true}");
    host_value_free(&perms);

    host_value l = host_list(3);
    for (int i = 1; i <= 3; i++)
        ck_assert(host_list_push(&l, host_int(i * 11), NULL));
    expect(ci, "echo-list-s32", &l, 1, "[11,22,33]");
    expect(ci, "sum-list", &l, 1, "66");
    host_value_free(&l);

    l = host_list(2);
    ck_assert(host_list_push(&l, str("a"), NULL));
    ck_assert(host_list_push(&l, str("héllo"), NULL));
    expect(ci, "echo-list-string", &l, 1, "[\"a\",\"héllo\"]");
    host_value_free(&l);
    l = host_list(1);
    ck_assert(host_list_push(&l, host_int(5), NULL));
    expect_error(ci, "echo-list-string", &l, 1, "argument 1 (items): element 1: expected string, got number");
    host_value_free(&l);

    l = host_list(2);
    ck_assert(host_list_push(&l, host_value_copy(&p), NULL));
    ck_assert(host_list_push(&l, host_value_copy(&p), NULL));
    expect(ci, "echo-list-point", &l, 1, "[{\"x\":3,\"y\":-4},{\"x\":3,\"y\":-4}]");
    host_value_free(&l);

    host_value b = host_bool(true);
    expect(ci, "maybe-point", &b, 1, "{\"x\":42,\"y\":24}");
    b = host_bool(false);
    expect(ci, "maybe-point", &b, 1, "null");
    expect(ci, "maybe-string", &b, 1, "null");

    host_value s = str("123");
    expect(ci, "try-parse", &s, 1, "{\"ok\":123}");
    host_value_free(&s);

    l = host_list(2);
    host_value kid = host_map();
    ck_assert(host_map_set(&kid, "name", 4, str("Kid"), NULL));
    ck_assert(host_map_set(&kid, "age", 3, host_int(9), NULL));
    ck_assert(host_list_push(&l, kid, NULL));
    ck_assert(host_list_push(&l, host_value_copy(&person), NULL));
    expect(ci, "filter-adults", &l, 1, "[{\"name\":\"Ada\",\"age\":36}]");
    host_value_free(&l);

    host_value_free(&p);
    host_value_free(&person);
    host_value_free(&rect);
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

/* ---- every fixture ---- */

START_TEST(fixtures_instantiate)
{
    static const char *const dirs[] = { "wippy", "jco" };
    int good = 0, bad = 0;
    for (int d = 0; d < 2; d++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", TEST_COMPONENTS_DIR, dirs[d]);
        DIR *dir = opendir(path);
        if (dir == NULL)
            return;
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            size_t n = strlen(e->d_name);
            if (n < 5 || strcmp(e->d_name + n - 5, ".wasm") != 0)
                continue;
            char rel[1024], full[2048];
            snprintf(rel, sizeof rel, "%s/%s", dirs[d], e->d_name);
            snprintf(full, sizeof full, "%s/%s", TEST_COMPONENTS_DIR, rel);
            size_t size;
            uint8_t *bytes = test_cm_read(full, &size);
            if (bytes == NULL || !cm_is_component(bytes, size)) {
                free(bytes);
                continue;
            }
            vm_error err;
            cm_file *f = cm_decode(bytes, size, &err);
            free(bytes);
            if (f == NULL)
                continue;
            cm_instance *ci = cm_instantiate(f, NULL, NULL, &err);
            if (ci == NULL) {
                fprintf(stderr, "cm runtime: %s: %s\n", rel, err.message);
                bad++;
            } else {
                good++;
            }
            cm_instance_free(ci);
            cm_file_free(f);
        }
        closedir(dir);
    }
    fprintf(stderr, "cm runtime: %d fixtures instantiate, %d do not\n", good, bad);
}
END_TEST


/* ---- jco fixtures ---- */

static host_value scalar_slot;

/* Echoes its one argument (roundtrip-*), or keeps/returns a scalar. */
static bool host_echo(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    const char *what = user;
    (void)err;
    (void)errlen;
    if (strcmp(what, "set") == 0) {
        scalar_slot = host_value_copy(&args[0]);
        return true;
    }
    if (strcmp(what, "get") == 0) {
        *result = host_value_copy(&scalar_slot);
        return true;
    }
    ck_assert_uint_eq(nargs, 1);
    *result = host_value_copy(&args[0]);
    return true;
}

START_TEST(jco_numbers)
{
    cm_file *f = load("jco/jco-transpile__components__runtime__numbers.component.wasm");
    if (f == NULL)
        return;
    static const char *const names[] = { "roundtrip-u8", "roundtrip-s8", "roundtrip-u16",
        "roundtrip-s16", "roundtrip-u32", "roundtrip-s32", "roundtrip-u64", "roundtrip-s64",
        "roundtrip-f32", "roundtrip-f64", "roundtrip-char" };
    cm_host_func funcs[13];
    for (int i = 0; i < 11; i++)
        funcs[i] = (cm_host_func){ "test:numbers/test", names[i], host_echo, "echo" };
    funcs[11] = (cm_host_func){ "test:numbers/test", "set-scalar", host_echo, "set" };
    funcs[12] = (cm_host_func){ "test:numbers/test", "get-scalar", host_echo, "get" };
    cm_host host = { .funcs = funcs, .nfuncs = 13 };
    vm_error err;
    cm_instance *ci = cm_instantiate(f, &host, NULL, &err);
    ck_assert_msg(ci != NULL, "%s", err.message);
    /* the guest calls every import with jco's values and asserts the answers */
    expect(ci, "test-imports", NULL, 0, "null");
    host_value v = host_int(255);
    expect(ci, "test:numbers/test#roundtrip-u8", &v, 1, "255");
    v = host_int(256);
    expect_error(ci, "test:numbers/test#roundtrip-u8", &v, 1, "argument 1 (a): 256 is out of range for u8");
    v = host_int(-128);
    expect(ci, "test:numbers/test#roundtrip-s8", &v, 1, "-128");
    v = host_int(-32768);
    expect(ci, "test:numbers/test#roundtrip-s16", &v, 1, "-32768");
    v = host_int(4294967295);
    expect(ci, "test:numbers/test#roundtrip-u32", &v, 1, "4294967295");
    v = host_uint(UINT64_MAX);
    expect(ci, "test:numbers/test#roundtrip-u64", &v, 1, "18446744073709551615");
    v = host_int(INT64_MIN);
    expect(ci, "test:numbers/test#roundtrip-s64", &v, 1, "-9223372036854775808");
    v = host_float(1.5);
    expect(ci, "test:numbers/test#roundtrip-f32", &v, 1, "1.5");
    v = host_float(3.25);
    expect(ci, "test:numbers/test#roundtrip-f64", &v, 1, "3.25");
    host_value r;
    char msg[256];
    v = host_float(NAN);
    ck_assert_msg(cm_invoke(ci, "test:numbers/test#roundtrip-f64", &v, 1, &r, msg, sizeof msg), "%s", msg);
    ck_assert(r.kind == HOST_VALUE_FLOAT && isnan(r.f));
    v = str("🚀");
    expect(ci, "test:numbers/test#roundtrip-char", &v, 1, "\"🚀\"");
    host_value_free(&v);
    v = host_int('a');
    expect(ci, "test:numbers/test#roundtrip-char", &v, 1, "\"a\"");
    v = host_int(0xd800);
    expect_error(ci, "test:numbers/test#roundtrip-char", &v, 1, "not a Unicode scalar value");
    v = host_int(7);
    expect(ci, "test:numbers/test#set-scalar", &v, 1, "null");
    expect(ci, "test:numbers/test#get-scalar", NULL, 0, "7");
    expect_error(ci, "test:numbers/test#nope", NULL, 0, "test:numbers/test#roundtrip-u8");
    host_value_free(&scalar_slot);
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST

static bool host_hello(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    (void)user;
    (void)args;
    (void)nargs;
    (void)err;
    (void)errlen;
    *result = str("hello from the host");
    return true;
}

START_TEST(jco_strings_and_nested)
{
    cm_file *f = load("jco/jco-transpile__components__runtime__strings.component.wasm");
    if (f == NULL)
        return;
    vm_error err;
    cm_instance *ci = cm_instantiate(f, NULL, NULL, &err);
    ck_assert_msg(ci != NULL, "%s", err.message);
    expect(ci, "return-empty", NULL, 0, "\"\"");
    host_value v = str("str ☃ 🚀 x");
    expect(ci, "roundtrip", &v, 1, "\"str ☃ 🚀 x\"");
    host_value_free(&v);
    v = host_string("\xff\xfe", 2);
    expect_error(ci, "roundtrip", &v, 1, "argument 1 (s): the string is not valid UTF-8");
    host_value_free(&v);
    cm_instance_free(ci);
    cm_file_free(f);

    /* a host function lowered into a nested component, lifted out again,
     * lowered into the inner component's core and lifted as the export */
    f = load("jco/jco__components__simple-nested.component.wasm");
    if (f == NULL)
        return;
    cm_host_func funcs[] = { { "calvinrp:test-async-funcs/hello@0.1.0", "hello-world", host_hello, NULL } };
    cm_host host = { .funcs = funcs, .nfuncs = 1 };
    ci = cm_instantiate(f, &host, NULL, &err);
    ck_assert_msg(ci != NULL, "%s", err.message);
    host_value r;
    char msg[256];
    ck_assert_msg(cm_invoke(ci, "calvinrp:test-async-funcs/hello@0.1.0#hello-world", NULL, 0, &r, msg,
                            sizeof msg), "%s", msg);
    ck_assert_int_eq(r.kind, HOST_VALUE_STRING);
    ck_assert_msg(strstr(r.s, "hello from the host") != NULL, "%s", r.s);
    host_value_free(&r);
    cm_instance_free(ci);
    cm_file_free(f);
}
END_TEST


/* ---- resources ---- */

static cm_instance *res_ci;
static int64_t seen_rep = -1;

static bool host_ctor(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    (void)user;
    (void)args;
    (void)nargs;
    (void)err;
    (void)errlen;
    *result = host_int(cm_host_resource_new(res_ci, 42));
    return true;
}

static bool host_borrow(void *user, const host_value *args, size_t nargs, host_value *result,
                        char *err, size_t errlen)
{
    (void)user;
    (void)result;
    (void)err;
    (void)errlen;
    ck_assert_uint_eq(nargs, 1);
    seen_rep = args[0].i;
    return true;
}

START_TEST(jco_resource_borrow_simple)
{
    cm_file *f = load("jco/jco-transpile__components__runtime__resource-borrow-simple.component.wasm");
    if (f == NULL)
        return;
    cm_host_func funcs[] = { { NULL, "[constructor]r", host_ctor, NULL },
                             { NULL, "test", host_borrow, NULL } };
    cm_host host = { .funcs = funcs, .nfuncs = 2 };
    vm_error err;
    res_ci = cm_instantiate(f, &host, NULL, &err);
    ck_assert_msg(res_ci != NULL, "%s", err.message);
    /* the guest constructs an r through the host, lends it to test(), drops it */
    expect(res_ci, "test-imports", NULL, 0, "null");
    ck_assert_int_eq(seen_rep, 42);
    /* host handles: unknown, dropped twice */
    char msg[128];
    int64_t h = cm_host_resource_new(res_ci, 7);
    ck_assert_int_gt(h, 0);
    ck_assert(cm_handle_drop(res_ci, h, msg, sizeof msg));
    ck_assert(!cm_handle_drop(res_ci, h, msg, sizeof msg));
    ck_assert_msg(strstr(msg, "unknown handle index") != NULL, "%s", msg);
    cm_instance_free(res_ci);
    cm_file_free(f);
}
END_TEST

Suite *cm_runtime_suite(void)
{
    Suite *s = suite_create("cm_runtime");
    TCase *tc = tcase_create("run");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, minimal_compute);
    tcase_add_test(tc, minimal_with_host);
    tcase_add_test(tc, complex_exports);
    tcase_add_test(tc, fixtures_instantiate);
    tcase_add_test(tc, jco_numbers);
    tcase_add_test(tc, jco_resource_borrow_simple);
    tcase_add_test(tc, jco_strings_and_nested);
    suite_add_tcase(s, tc);
    return s;
}

