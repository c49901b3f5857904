/* test_abi.c — the `wit:` parser (host/abi/wit.c) and argument lowering and
 * result lifting (host/abi/canonical.c): declarations, syntax errors with their
 * line and column, signature checks, range and integrality errors, bool,
 * char, strings through cabi_realloc and alloc, lists and maps refused
 * for scalar parameters, guest allocators that trap, loop or wait, and
 * string results with bad pointers. Fixtures are
 * tests/wasm/abi_*.wat, built by make. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/abi/canonical.h"
#include "host/abi/wit.h"
#include "tests/test_util.h"
#include "vm/vm.h"

/* ---- values (host.h's constructors belong to the host; these are local) ---- */

static host_value hv_int(int64_t i) { return (host_value){ .kind = HOST_VALUE_INT, .i = i }; }
static host_value hv_uint(uint64_t u)
{
    return (host_value){ .kind = HOST_VALUE_INT, .is_unsigned = true, .u = u };
}
static host_value hv_float(double f) { return (host_value){ .kind = HOST_VALUE_FLOAT, .f = f }; }
static host_value hv_bool(bool b) { return (host_value){ .kind = HOST_VALUE_BOOL, .b = b }; }
static host_value hv_bytes(const char *s, size_t len)
{
    return (host_value){ .kind = HOST_VALUE_STRING, .s = (char *)s, .len = len };
}
static host_value hv_str(const char *s) { return hv_bytes(s, strlen(s)); }
static host_value hv_nil(void) { return (host_value){ .kind = HOST_VALUE_NIL }; }

/* ---- a module instance ---- */

typedef test_instance fixture;

/* env.wait: always asks to wait (abi_alloc's mode 4). */
static vm_host_status host_wait(vm_caller *caller, const vm_value *args, vm_value *results,
                                void *user)
{
    (void)caller, (void)args, (void)results, (void)user;
    return VM_HOST_SUSPEND;
}

/* Instantiates the fixture tests/wasm/NAME.wat with env.wait. */
static void fx_open(fixture *fx, const char *name)
{
    char file[256];
    snprintf(file, sizeof file, "wasm/%s.wasm", name);
    test_instance_load(fx, file, NULL);
    static const vm_valtype i32[] = { VM_I32 };
    vm_signature sig = { 0, 1, NULL, i32 };
    ck_assert(vm_linker_define_host(fx->linker, "env", "wait", &sig, host_wait, NULL));
    test_instance_start(fx);
}

/* The whole path of a process call: find the wit declaration (wit_text may
 * be NULL), check, lower, run, lift. False with err on an ABI error. */
static bool call(fixture *fx, const char *wit_text, const char *method, const host_value *args,
                 size_t nargs, host_value *result, char *err, size_t errlen)
{
    wit_func wf, *w = NULL;
    if (wit_text != NULL) {
        if (!host_wit_find(wit_text, method, &wf, err, errlen))
            return false;
        w = &wf;
    }
    vm_func *f = vm_instance_func(fx->inst, method);
    ck_assert_msg(f != NULL, "no export %s", method);
    vm_signature sig;
    vm_func_signature(f, &sig);
    if (!host_abi_check(&sig, w, nargs, err, errlen))
        return false;
    vm_value in[16], out[4];
    if (!host_abi_lower(fx->thread, fx->inst, &sig, w, args, nargs, in, err, errlen))
        return false;
    ck_assert_int_eq(vm_call_start(fx->thread, f, in, sig.nparams), VM_DONE);
    ck_assert_int_eq(vm_run(fx->thread, VM_FUEL_UNLIMITED), VM_DONE);
    size_t nresults = vm_thread_results(fx->thread, out, 4);
    return host_abi_lift(fx->inst, &sig, w, out, nresults, result, err, errlen);
}

/* A call that must succeed. */
static host_value call_ok(fixture *fx, const char *wit_text, const char *method,
                          const host_value *args, size_t nargs)
{
    char err[512];
    host_value r;
    ck_assert_msg(call(fx, wit_text, method, args, nargs, &r, err, sizeof err), "%s: %s",
                  method, err);
    return r;
}

/* A call that must fail with exactly `want`. */
static void call_fails(fixture *fx, const char *wit_text, const char *method,
                       const host_value *args, size_t nargs, const char *want)
{
    char err[512] = "";
    host_value r;
    ck_assert_msg(!call(fx, wit_text, method, args, nargs, &r, err, sizeof err),
                  "%s succeeded, expected: %s", method, want);
    ck_assert_str_eq(err, want);
}

/* ---- wit ---- */

START_TEST(wit_finds_declarations)
{
    const char *text =
        "// the worker's functions\n"
        "export compute: func(a: s32, b: s32) -> s32;\n"
        "sleep-ms: func(ms: u64);   // no result\n"
        "/* a block\n   comment */ greet : func ( name : string , ) -> string ;\n"
        "mix_all: func(a: bool, b: s8, c: s16, d: s32, e: s64, f: u8, g: u16, h: u32,\n"
        "              i: u64, j: float32, k: float64, l: char, m: f32, n: f64) -> char;\n"
        "other: func(xs: list<list<u8>>, o: option<string>, r: result<_, string>)\n"
        "    -> tuple<u32, u32>;\n"
        "export: func();\n";
    wit_func f;
    char err[256];
    ck_assert_msg(host_wit_find(text, "compute", &f, err, sizeof err), "%s", err);
    ck_assert_str_eq(f.name, "compute");
    ck_assert_uint_eq(f.nparams, 2);
    ck_assert_str_eq(f.param_names[0], "a");
    ck_assert_str_eq(f.param_names[1], "b");
    ck_assert(f.params[0] == WIT_S32 && f.params[1] == WIT_S32);
    ck_assert(f.has_result && f.result == WIT_S32);

    ck_assert_msg(host_wit_find(text, "sleep-ms", &f, err, sizeof err), "%s", err);
    ck_assert_uint_eq(f.nparams, 1);
    ck_assert(f.params[0] == WIT_U64 && !f.has_result);

    ck_assert_msg(host_wit_find(text, "greet", &f, err, sizeof err), "%s", err);
    ck_assert(f.nparams == 1 && f.params[0] == WIT_STRING && f.result == WIT_STRING);
    ck_assert_str_eq(f.param_names[0], "name");

    ck_assert_msg(host_wit_find(text, "mix_all", &f, err, sizeof err), "%s", err);
    static const wit_type all[] = { WIT_BOOL, WIT_S8,  WIT_S16, WIT_S32, WIT_S64,
                                    WIT_U8,   WIT_U16, WIT_U32, WIT_U64, WIT_F32,
                                    WIT_F64,  WIT_CHAR, WIT_F32, WIT_F64 };
    ck_assert_uint_eq(f.nparams, 14);
    for (uint32_t i = 0; i < 14; i++)
        ck_assert_msg(f.params[i] == all[i], "parameter %u", i);
    ck_assert(f.result == WIT_CHAR);
    ck_assert_str_eq(f.param_names[13], "n");

    ck_assert_msg(host_wit_find(text, "export", &f, err, sizeof err), "%s", err);
    ck_assert_uint_eq(f.nparams, 0);
    ck_assert(!f.has_result);

    ck_assert_str_eq(host_wit_type_name(WIT_F32), "f32");
    ck_assert_str_eq(host_wit_type_name(WIT_STRING), "string");
    ck_assert_str_eq(host_wit_type_name(WIT_U16), "u16");
}
END_TEST

static void wit_fails(const char *text, const char *method, const char *want)
{
    wit_func f;
    char err[512] = "";
    ck_assert_msg(!host_wit_find(text, method, &f, err, sizeof err), "accepted: %s", text);
    ck_assert_str_eq(err, want);
}

START_TEST(wit_errors_name_line_and_column)
{
    wit_fails("compute func(a: s32);", "compute",
              "wit: line 1, column 9: expected ':', found 'func'");
    wit_fails("\n  compute: func(a s32);", "compute",
              "wit: line 2, column 19: expected ':', found 's32'");
    wit_fails("f: func()\ng: func();", "g", "wit: line 2, column 1: expected ';', found 'g'");
    wit_fails("f: func() -> ;", "f", "wit: line 1, column 14: expected a type, found ';'");
    wit_fails("f: fn();", "f", "wit: line 1, column 4: expected 'func', found 'fn'");
    wit_fails("f: func(a: list<u8);", "f",
              "wit: line 1, column 19: expected ',' or '>', found ')'");
    wit_fails("f: func(a: u8) -> u8; $", "f", "wit: line 1, column 23: unexpected character '$'");
    wit_fails("f: func(a - u8);", "f", "wit: line 1, column 11: unexpected character '-'");
    wit_fails("f: func(a: u8", "f",
              "wit: line 1, column 14: expected ',' or ')', found the end of the text");
    wit_fails("f: func();\n/* never closed", "f", "wit: line 2, column 1: unterminated comment");
    /* columns count characters, not bytes */
    wit_fails("/* é */ f func();", "f", "wit: line 1, column 11: expected ':', found 'func'");
    wit_fails("f: func(a: \xc3\xbc" "8);", "f", "wit: line 1, column 12: unexpected byte 0xc3");
    /* a syntax error anywhere fails every lookup */
    wit_fails("good: func();\nbad func();", "good",
              "wit: line 2, column 5: expected ':', found 'func'");
    wit_fails("f: func();\nf: func(a: u8);", "f",
              "wit: line 2, column 1: function f is declared twice");
    wit_fails("f: func(a: u8, a: u8);", "f",
              "wit: line 1, column 16: parameter a of f is declared twice");
    wit_fails("f: func(a: u8, b: u8, c: u8, d: u8, e: u8, f: u8, g: u8, h: u8, i: u8, j: u8,"
              " k: u8, l: u8, m: u8, n: u8, o: u8, p: u8, q: u8);",
              "f", "wit: line 1, column 121: function f has more than 16 parameters");
}
END_TEST

START_TEST(wit_reports_missing_and_unsupported)
{
    wit_fails("add: func(a: s32) -> s32;", "compute", "function \"compute\" not found in wit");
    wit_fails("", "compute", "function \"compute\" not found in wit");
    wit_fails(NULL, "compute", "function \"compute\" not found in wit");
    wit_fails("// only a comment", "compute", "function \"compute\" not found in wit");
    wit_fails("compute: func(data: list<u8>) -> u32;", "compute",
              "wit: unsupported type list<u8> in compute: only bool, s8, s16, s32, s64, u8, "
              "u16, u32, u64, f32, f64, char and string can be passed (list, option, result, "
              "tuple and record types are not supported yet)");
    char err[512];
    wit_func f;
    ck_assert(!host_wit_find("compute: func() -> result<u32,string>;", "compute", &f, err, sizeof err));
    ck_assert_msg(strstr(err, "wit: unsupported type result<u32, string> in compute: ") == err,
                  "%s", err);
    ck_assert(!host_wit_find("compute: func(p: point);", "compute", &f, err, sizeof err));
    ck_assert_msg(strstr(err, "wit: unsupported type point in compute: ") == err, "%s", err);
    /* other functions may use them */
    ck_assert_msg(host_wit_find("a: func(x: list<u8>);\nb: func(x: u8);", "b", &f, err, sizeof err),
                  "%s", err);
}
END_TEST

/* ---- host_abi_check ---- */

static void check_fails(const vm_signature *core, const char *wit_text, const char *method,
                        size_t nargs, const char *want)
{
    wit_func f;
    char err[512] = "";
    if (wit_text != NULL)
        ck_assert_msg(host_wit_find(wit_text, method, &f, err, sizeof err), "%s", err);
    ck_assert(!host_abi_check(core, wit_text ? &f : NULL, nargs, err, sizeof err));
    ck_assert_str_eq(err, want);
}

START_TEST(check_compares_flattened_signatures)
{
    static const vm_valtype i32x2[] = { VM_I32, VM_I32 }, i32_i64[] = { VM_I32, VM_I64 };
    static const vm_valtype i32[] = { VM_I32 }, fref[] = { VM_FUNCREF };
    static const vm_valtype i32_f64[] = { VM_I32, VM_F64 }, i64[] = { VM_I64 };
    vm_signature add = { 2, 1, i32x2, i32 }, wide = { 2, 1, i32_i64, i32 };
    vm_signature one = { 1, 1, i32, i32 }, none = { 0, 0, NULL, NULL };
    const char *compute = "compute: func(a: s32, b: s32) -> s32;";
    wit_func f;
    char err[512];
    ck_assert(host_wit_find(compute, "compute", &f, err, sizeof err));
    ck_assert_msg(host_abi_check(&add, &f, 2, err, sizeof err), "%s", err);
    check_fails(&add, compute, "compute", 1, "parameter count mismatch: expected 2, got 1");
    check_fails(&add, compute, "compute", 3, "parameter count mismatch: expected 2, got 3");
    check_fails(&wide, compute, "compute", 2,
                "wit signature of compute does not match the module's export: the wit "
                "declaration flattens to (i32, i32) -> i32, the export is (i32, i64) -> i32");
    ck_assert(host_wit_find("greet: func(name: string) -> string;", "greet", &f, err, sizeof err));
    ck_assert_msg(host_abi_check(&add, &f, 1, err, sizeof err), "%s", err);
    check_fails(&one, "greet: func(name: string) -> string;", "greet", 1,
                "wit signature of greet does not match the module's export: the wit "
                "declaration flattens to (i32, i32) -> i32, the export is (i32) -> i32");
    check_fails(&one, "f: func(a: u32);", "f", 1,
                "wit signature of f does not match the module's export: the wit declaration "
                "flattens to (i32), the export is (i32) -> i32");
    check_fails(&none, "f: func(a: string, b: string, c: string, d: string, e: string, "
                       "f: string, g: string, h: string, i: string);", "f", 9,
                "wit signature of f flattens to 18 core parameters; more than 16 (passed "
                "through memory by the canonical ABI) is not supported");

    /* without wit: numbers only, at most one result */
    vm_signature numeric = { 2, 1, i32_f64, i64 };
    ck_assert_msg(host_abi_check(&numeric, NULL, 2, err, sizeof err), "%s", err);
    check_fails(&numeric, NULL, NULL, 0, "parameter count mismatch: expected 2, got 0");
    vm_signature takes_ref = { 1, 0, fref, NULL };
    check_fails(&takes_ref, NULL, NULL, 1,
                "the export takes a funcref parameter (1); only numbers can be passed without "
                "a wit: signature, so declare the method in the entry's wit:");
    vm_signature pair = { 0, 2, NULL, i32x2 }, gives_ref = { 0, 1, NULL, fref };
    check_fails(&pair, NULL, NULL, 0,
                "the export returns 2 values; without a wit: signature it may return at most "
                "one number");
    check_fails(&gives_ref, NULL, NULL, 0,
                "the export returns a funcref; without a wit: signature it may return at most "
                "one number");
}
END_TEST

/* ---- numbers ---- */

#define WIT_ECHO(type) "echo32: func(a: " type ") -> " type ";"
#define WIT_ECHO64(type) "echo64: func(a: " type ") -> " type ";"

START_TEST(numbers_round_trip)
{
    fixture fx;
    fx_open(&fx, "abi_calls");
    host_value args[12] = { hv_int(6), hv_int(7) };
    host_value r = call_ok(&fx, "add: func(a: s32, b: s32) -> s32;", "add", args, 2);
    ck_assert(r.kind == HOST_VALUE_INT && !r.is_unsigned && r.i == 13);
    r = call_ok(&fx, NULL, "add", args, 2);                     /* without wit */
    ck_assert(r.kind == HOST_VALUE_INT && r.i == 13);
    args[0] = hv_float(-6.0);                                   /* integral floats pass */
    r = call_ok(&fx, "add: func(a: s32, b: s32) -> s32;", "add", args, 2);
    ck_assert(r.kind == HOST_VALUE_INT && r.i == 1);

    /* every scalar: true -1 -2 -3 -4 5 6 7 8 9.5 10.25 'A' sums to 101.75 */
    host_value all[12] = { hv_bool(true), hv_int(-1), hv_int(-2), hv_int(-3), hv_int(-4),
                           hv_int(5), hv_int(6), hv_uint(7), hv_int(8), hv_float(9.5),
                           hv_float(10.25), hv_str("A") };
    r = call_ok(&fx,
                "scalars: func(b: bool, c: s8, d: s16, e: s32, f: s64, g: u8, h: u16, i: u32,"
                " j: u64, k: f32, l: f64, m: char) -> f64;",
                "scalars", all, 12);
    ck_assert(r.kind == HOST_VALUE_FLOAT && r.f == 101.75);

    args[0] = hv_uint(4294967295u);
    r = call_ok(&fx, WIT_ECHO("u32"), "echo32", args, 1);
    ck_assert(r.kind == HOST_VALUE_INT && r.is_unsigned && r.u == 4294967295u && r.i == 4294967295);
    args[0] = hv_int(-128);
    r = call_ok(&fx, WIT_ECHO("s8"), "echo32", args, 1);
    ck_assert(r.kind == HOST_VALUE_INT && !r.is_unsigned && r.i == -128);
    args[0] = hv_int(65535);
    r = call_ok(&fx, WIT_ECHO("u16"), "echo32", args, 1);
    ck_assert(r.kind == HOST_VALUE_INT && r.is_unsigned && r.u == 65535);
    args[0] = hv_uint(UINT64_MAX - 5);                          /* u64 > INT64_MAX */
    r = call_ok(&fx, WIT_ECHO64("u64"), "echo64", args, 1);
    ck_assert(r.kind == HOST_VALUE_INT && r.is_unsigned && r.u == UINT64_MAX - 5);
    args[0] = hv_int(INT64_MIN);
    r = call_ok(&fx, WIT_ECHO64("s64"), "echo64", args, 1);
    ck_assert(r.kind == HOST_VALUE_INT && !r.is_unsigned && r.i == INT64_MIN);
    args[0] = hv_int(3);                                        /* ints become floats */
    r = call_ok(&fx, "echof32: func(a: f32) -> f32;", "echof32", args, 1);
    ck_assert(r.kind == HOST_VALUE_FLOAT && r.f == 3.0);
    args[0] = hv_float(0.1);
    r = call_ok(&fx, "echof32: func(a: float32) -> float32;", "echof32", args, 1);
    ck_assert(r.kind == HOST_VALUE_FLOAT && r.f == (double)0.1f);
    args[0] = hv_float(-2.5);
    r = call_ok(&fx, "echof64: func(a: f64) -> f64;", "echof64", args, 1);
    ck_assert(r.kind == HOST_VALUE_FLOAT && r.f == -2.5);

    /* without wit: i32 and i64 take either signedness, and come back signed */
    args[0] = hv_uint(0xFFFFFFFFu);
    r = call_ok(&fx, NULL, "echo32", args, 1);
    ck_assert(r.kind == HOST_VALUE_INT && !r.is_unsigned && r.i == -1);
    args[0] = hv_uint(UINT64_MAX);
    r = call_ok(&fx, NULL, "echo64", args, 1);
    ck_assert(r.kind == HOST_VALUE_INT && r.i == -1);
    args[0] = hv_float(1.5);
    r = call_ok(&fx, NULL, "echof64", args, 1);
    ck_assert(r.kind == HOST_VALUE_FLOAT && r.f == 1.5);

    r = call_ok(&fx, "nothing: func();", "nothing", NULL, 0);
    ck_assert(r.kind == HOST_VALUE_NIL);
    r = call_ok(&fx, NULL, "nothing", NULL, 0);
    ck_assert(r.kind == HOST_VALUE_NIL);
    test_instance_close(&fx);
}
END_TEST

START_TEST(numbers_are_range_and_type_checked)
{
    fixture fx;
    fx_open(&fx, "abi_calls");
    host_value a[2];
#define FAILS(wit, method, value, want) \
    (a[0] = (value), call_fails(&fx, wit, method, a, 1, want))
    FAILS(WIT_ECHO("s32"), "echo32", hv_float(2.5), "argument 1 (a): 2.5 is not an integer (expected s32)");
    FAILS(WIT_ECHO("s32"), "echo32", hv_float(NAN), "argument 1 (a): nan is not an integer (expected s32)");
    FAILS(WIT_ECHO("u8"), "echo32", hv_int(300), "argument 1 (a): 300 is out of range for u8");
    FAILS(WIT_ECHO("u32"), "echo32", hv_int(-1), "argument 1 (a): -1 is out of range for u32");
    FAILS(WIT_ECHO("u32"), "echo32", hv_float(-1.0), "argument 1 (a): -1 is out of range for u32");
    FAILS(WIT_ECHO("s8"), "echo32", hv_int(-129), "argument 1 (a): -129 is out of range for s8");
    FAILS(WIT_ECHO("s32"), "echo32", hv_uint(2147483648u),
          "argument 1 (a): 2147483648 is out of range for s32");
    FAILS(WIT_ECHO64("s64"), "echo64", hv_uint(9223372036854775808u),
          "argument 1 (a): 9223372036854775808 is out of range for s64");
    FAILS(WIT_ECHO64("s64"), "echo64", hv_float(1e19), "argument 1 (a): 1e+19 is out of range for s64");
    FAILS(WIT_ECHO64("u64"), "echo64", hv_float(0x1p64),
          "argument 1 (a): 1.84467e+19 is out of range for u64");
    FAILS(WIT_ECHO("s32"), "echo32", hv_str("12"), "argument 1 (a): expected s32, got string");
    FAILS(WIT_ECHO("s32"), "echo32", hv_bool(true), "argument 1 (a): expected s32, got bool");
    FAILS(WIT_ECHO("s32"), "echo32", hv_nil(), "argument 1 (a): expected s32, got nil");
    FAILS(WIT_ECHO("bool"), "echo32", hv_int(1), "argument 1 (a): expected bool, got integer");
    FAILS("echof32: func(a: f32) -> f32;", "echof32", hv_float(1e300),
          "argument 1 (a): 1e+300 is out of range for f32");
    FAILS("echof64: func(a: f64) -> f64;", "echof64", hv_str("1.5"),
          "argument 1 (a): expected f64, got string");
    FAILS(NULL, "echo32", hv_int(4294967296), "argument 1: 4294967296 is out of range for i32");
    FAILS(NULL, "echo32", hv_int(-2147483649), "argument 1: -2147483649 is out of range for i32");
    FAILS(NULL, "echo32", hv_str("7"), "argument 1: expected i32, got string");
#undef FAILS
    a[0] = hv_int(1);
    a[1] = hv_str("x");
    call_fails(&fx, "add: func(a: s32, b: s32) -> s32;", "add", a, 2,
               "argument 2 (b): expected s32, got string");
    call_fails(&fx, "add: func(a: s32, b: s32) -> s32;", "add", a, 1,
               "parameter count mismatch: expected 2, got 1");
    test_instance_close(&fx);
}
END_TEST

/* Lists and maps (Lua tables) reach a core module's scalar parameters
 * only to be refused, with the argument named. */
START_TEST(lists_and_maps_are_refused)
{
    fixture fx;
    fx_open(&fx, "abi_calls");
    host_value a[2] = { hv_int(1), host_list(0) };
    call_fails(&fx, "add: func(a: s32, b: u32) -> s32;", "add", a, 2,
               "argument 2 (b): expected u32, got list");
    call_fails(&fx, NULL, "add", a, 2, "argument 2: expected i32, got list");
    a[0] = host_map();
    call_fails(&fx, "greet: func(s: string) -> string;", "greet", a, 1,
               "argument 1 (s): expected string, got map");
    call_fails(&fx, WIT_ECHO("char"), "echo32", a, 1, "argument 1 (a): expected char, got map");
    call_fails(&fx, "echof64: func(a: f64) -> f64;", "echof64", a, 1,
               "argument 1 (a): expected f64, got map");
    test_instance_close(&fx);
}
END_TEST

START_TEST(bools_and_chars)
{
    fixture fx;
    fx_open(&fx, "abi_calls");
    host_value a[1] = { hv_bool(true) };
    host_value r = call_ok(&fx, WIT_ECHO("bool"), "echo32", a, 1);
    ck_assert(r.kind == HOST_VALUE_BOOL && r.b);
    a[0] = hv_bool(false);
    r = call_ok(&fx, WIT_ECHO("bool"), "echo32", a, 1);
    ck_assert(r.kind == HOST_VALUE_BOOL && !r.b);
    a[0] = hv_int(2);                                           /* nonzero is true */
    r = call_ok(&fx, "echo32: func(a: u32) -> bool;", "echo32", a, 1);
    ck_assert(r.kind == HOST_VALUE_BOOL && r.b);

    /* char: one scalar value as a string, or its code point */
    static const char *chars[] = { "A", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80" };
    for (size_t i = 0; i < 4; i++) {
        a[0] = hv_str(chars[i]);
        r = call_ok(&fx, WIT_ECHO("char"), "echo32", a, 1);
        ck_assert(r.kind == HOST_VALUE_STRING);
        ck_assert_str_eq(r.s, chars[i]);
        ck_assert_uint_eq(r.len, strlen(chars[i]));
        free(r.s);
    }
    a[0] = hv_int(0x1F600);
    r = call_ok(&fx, WIT_ECHO("char"), "echo32", a, 1);
    ck_assert_str_eq(r.s, "\xf0\x9f\x98\x80");
    free(r.s);
    a[0] = hv_str("\xc3\xa9");
    r = call_ok(&fx, "echo32: func(c: char) -> u32;", "echo32", a, 1);
    ck_assert(r.kind == HOST_VALUE_INT && r.u == 0xE9);

    const char *wit = "echo32: func(c: char) -> char;";
    static const char not_one[] =
        "argument 1 (c): expected char, got a string that is not one character";
    a[0] = hv_str("ab");
    call_fails(&fx, wit, "echo32", a, 1, not_one);
    a[0] = hv_str("");
    call_fails(&fx, wit, "echo32", a, 1, not_one);
    a[0] = hv_str("\xed\xa0\x80");                              /* an encoded surrogate */
    call_fails(&fx, wit, "echo32", a, 1, not_one);
    a[0] = hv_int(0xD800);
    call_fails(&fx, wit, "echo32", a, 1,
               "argument 1 (c): 55296 is not a Unicode scalar value (expected char)");
    a[0] = hv_int(0x110000);
    call_fails(&fx, wit, "echo32", a, 1,
               "argument 1 (c): 1114112 is not a Unicode scalar value (expected char)");
    a[0] = hv_int(-1);
    call_fails(&fx, wit, "echo32", a, 1,
               "argument 1 (c): -1 is not a Unicode scalar value (expected char)");
    a[0] = hv_float(65.0);
    call_fails(&fx, wit, "echo32", a, 1, "argument 1 (c): expected char, got float");
    a[0] = hv_uint(0xD800);
    call_fails(&fx, "echo32: func(a: u32) -> char;", "echo32", a, 1,
               "result 0xd800 is not a Unicode scalar value (char)");
    test_instance_close(&fx);
}
END_TEST

/* ---- strings ---- */

START_TEST(strings_round_trip)
{
    fixture fx;
    fx_open(&fx, "abi_calls");
    const char *greet = "greet: func(name: string) -> string;";
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "World", "Hello, World!" },
        { "W\xc3\xb6rld \xf0\x9f\x8c\x8d", "Hello, W\xc3\xb6rld \xf0\x9f\x8c\x8d!" },
        { "", "Hello, !" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        host_value a = hv_str(cases[i].in);
        host_value r = call_ok(&fx, greet, "greet", &a, 1);
        ck_assert(r.kind == HOST_VALUE_STRING);
        ck_assert_str_eq(r.s, cases[i].out);
        ck_assert_uint_eq(r.len, strlen(cases[i].out));
        free(r.s);
    }
    host_value a = hv_bytes("a\0b", 3);                         /* NUL bytes cross intact */
    host_value r = call_ok(&fx, greet, "greet", &a, 1);
    ck_assert_uint_eq(r.len, 11);
    ck_assert(memcmp(r.s, "Hello, a\0b!", 12) == 0);
    free(r.s);

    a = hv_str("h\xc3\xa9llo");
    r = call_ok(&fx, "length: func(s: string) -> u32;", "length", &a, 1);
    ck_assert(r.kind == HOST_VALUE_INT && r.u == 6);

    host_value three[3] = { hv_str("ab"), hv_int(7), hv_str("\xc3\xa7" "d") };
    r = call_ok(&fx, "concat: func(a: string, n: u32, b: string) -> string;", "concat", three, 3);
    ck_assert_str_eq(r.s, "ab\xc3\xa7" "d");
    free(r.s);

    a = hv_str("\xff");
    call_fails(&fx, greet, "greet", &a, 1, "argument 1 (name): the string is not valid UTF-8");
    a = hv_int(42);
    call_fails(&fx, greet, "greet", &a, 1, "argument 1 (name): expected string, got integer");
    three[1] = hv_int(-1);
    call_fails(&fx, "concat: func(a: string, n: u32, b: string) -> string;", "concat", three, 3,
               "argument 2 (n): -1 is out of range for u32");
    test_instance_close(&fx);
}
END_TEST

/* Lifts a string result from a retptr of abi_calls's fixed records. */
static bool lift_retptr(fixture *fx, uint32_t retptr, host_value *out, char *err, size_t errlen)
{
    static const vm_valtype i32[] = { VM_I32 };
    vm_signature core = { 0, 1, NULL, i32 };
    wit_func f;
    ck_assert(host_wit_find("s: func() -> string;", "s", &f, err, errlen));
    vm_value result = { .type = VM_I32, .of.i32 = retptr };
    return host_abi_lift(fx->inst, &core, &f, &result, 1, out, err, errlen);
}

START_TEST(string_results_are_checked)
{
    fixture fx;
    fx_open(&fx, "abi_calls");
    char err[512];
    host_value r;
    ck_assert_msg(lift_retptr(&fx, 64, &r, err, sizeof err), "%s", err);
    ck_assert(r.kind == HOST_VALUE_STRING && r.len == 6);
    ck_assert_str_eq(r.s, "h\xc3\xa9llo");
    free(r.s);
    ck_assert_msg(lift_retptr(&fx, 88, &r, err, sizeof err), "%s", err);
    ck_assert(r.kind == HOST_VALUE_STRING && r.len == 0 && r.s != NULL && r.s[0] == '\0');
    free(r.s);

    static const struct {
        uint32_t retptr;
        const char *want;
    } bad[] = {
        { 72, "result is not valid UTF-8" },
        { 80, "result string at 0xfff0 (256 bytes) is outside memory (65536 bytes)" },
        { 65532, "result pointer 0xfffc is outside memory (65536 bytes)" },
        { 0xFFFFFFF8u, "result pointer 0xfffffff8 is outside memory (65536 bytes)" },
        { 66, "result pointer 0x42 is not 4-byte aligned" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(!lift_retptr(&fx, bad[i].retptr, &r, err, sizeof err), "%u", bad[i].retptr);
        ck_assert_str_eq(err, bad[i].want);
        ck_assert(r.kind == HOST_VALUE_NIL);
    }

    /* the same through a call: echo32 hands the retptr back */
    host_value a = hv_uint(64);
    r = call_ok(&fx, "echo32: func(p: u32) -> string;", "echo32", &a, 1);
    ck_assert_str_eq(r.s, "h\xc3\xa9llo");
    free(r.s);
    a = hv_uint(0xFFFFFFF8u);
    call_fails(&fx, "echo32: func(p: u32) -> string;", "echo32", &a, 1,
               "result pointer 0xfffffff8 is outside memory (65536 bytes)");

    /* results that do not match the signature */
    static const vm_valtype i32[] = { VM_I32 };
    vm_signature core = { 0, 1, NULL, i32 };
    ck_assert(!host_abi_lift(fx.inst, &core, NULL, NULL, 0, &r, err, sizeof err));
    ck_assert_str_eq(err, "the export returned 0 values, expected 1");
    vm_value wrong = { .type = VM_I64 };
    ck_assert(!host_abi_lift(fx.inst, &core, NULL, &wrong, 1, &r, err, sizeof err));
    ck_assert_str_eq(err, "result 1 is a i64, expected i32");
    test_instance_close(&fx);
}
END_TEST

/* ---- guest allocators ---- */

static void set_mode(fixture *fx, uint32_t mode)
{
    vm_global *g = vm_instance_global(fx->inst, "mode");
    ck_assert_ptr_nonnull(g);
    ck_assert(vm_global_set(g, (vm_value){ .type = VM_I32, .of.i32 = mode }));
}

START_TEST(allocator_failures_are_errors)
{
    const char *first = "first: func(s: string) -> u32;";
    fixture fx;
    fx_open(&fx, "abi_alloc");
    host_value a = hv_str("A");
    host_value r = call_ok(&fx, first, "first", &a, 1);
    ck_assert(r.kind == HOST_VALUE_INT && r.u == 'A');
    set_mode(&fx, 1);
    call_fails(&fx, first, "first", &a, 1,
               "allocating argument 1 in the guest: cabi_realloc trapped: unreachable");
    set_mode(&fx, 2);
    call_fails(&fx, first, "first", &a, 1,
               "allocating argument 1 in the guest: cabi_realloc did not return within "
               "10000000 units of fuel");
    set_mode(&fx, 4);
    call_fails(&fx, first, "first", &a, 1,
               "allocating argument 1 in the guest: cabi_realloc made a host call that waits, "
               "which an allocator may not");
    set_mode(&fx, 3);
    a = hv_str("0123456789");
    call_fails(&fx, first, "first", &a, 1,
               "argument 1 (s): cabi_realloc returned 0xfffa for 10 bytes, outside memory "
               "(65536 bytes)");
    set_mode(&fx, 0);                                           /* the thread is reusable */
    r = call_ok(&fx, first, "first", &a, 1);
    ck_assert(r.kind == HOST_VALUE_INT && r.u == '0');
    test_instance_close(&fx);

    fx_open(&fx, "abi_alloc1");                                 /* alloc(size), memory "mem" */
    a = hv_str("Z");
    r = call_ok(&fx, first, "first", &a, 1);
    ck_assert(r.kind == HOST_VALUE_INT && r.u == 'Z');
    test_instance_close(&fx);

    fx_open(&fx, "abi_noalloc");
    call_fails(&fx, first, "first", &a, 1,
               "argument 1 (s): the module exports no allocator (cabi_realloc, "
               "canonical_abi_realloc, allocate or alloc)");
    test_instance_close(&fx);

    fx_open(&fx, "abi_badalloc");
    call_fails(&fx, first, "first", &a, 1,
               "argument 1 (s): the export allocate is not an allocator: expected (i32) -> i32");
    test_instance_close(&fx);
}
END_TEST

Suite *abi_suite(void)
{
    Suite *s = suite_create("abi");
    TCase *tc = tcase_create("wit");
    tcase_add_test(tc, wit_finds_declarations);
    tcase_add_test(tc, wit_errors_name_line_and_column);
    tcase_add_test(tc, wit_reports_missing_and_unsupported);
    tcase_add_test(tc, check_compares_flattened_signatures);
    suite_add_tcase(s, tc);
    tc = tcase_create("calls");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, numbers_round_trip);
    tcase_add_test(tc, numbers_are_range_and_type_checked);
    tcase_add_test(tc, lists_and_maps_are_refused);
    tcase_add_test(tc, bools_and_chars);
    tcase_add_test(tc, strings_round_trip);
    tcase_add_test(tc, string_results_are_checked);
    tcase_add_test(tc, allocator_failures_are_errors);
    suite_add_tcase(s, tc);
    return s;
}
