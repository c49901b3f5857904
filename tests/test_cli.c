/* test_cli.c — the `wippy` command line, run in-process through
 * wippy_cli() with its output captured, plus runs of the real binary:
 * run list (Wippy's format), check, hash, version, help, usage errors,
 * wasm validate/call/run. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/config.h"
#include "host/cli/cli.h"

#define EXAMPLES TEST_SOURCE_DIR "/examples"
#define CONFIG_DIR TEST_SOURCE_DIR "/tests/config"

typedef struct {
    int status;
    char *out, *err;
} result;

/* Runs wippy with the given arguments (NULL-terminated). */
static result run(const char *first, ...)
{
    char *argv[32] = { "wippy" };
    int argc = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a != NULL && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    result r = { 0 };
    size_t out_len, err_len;
    FILE *out = open_memstream(&r.out, &out_len), *err = open_memstream(&r.err, &err_len);
    r.status = wippy_cli(argc, argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}

static void done(result *r)
{
    free(r->out);
    free(r->err);
}

START_TEST(run_list_prints_the_commands)
{
    result r = run("--dir", EXAMPLES, "run", "list", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "Available commands:\n"
                            "\n"
                            "  fetch  Fetch API_URL over wasi:http and print the body  (myns:http_worker)\n"
                            "  greet  Greet someone via WASM  (myns:greet)\n"
                            "  nap  Sleep a while (the process parks), then report  (myns:nap)\n"
                            "  ping-pong  Two Lua processes messaging each other  (myns:ping)\n"
                            "  process-files  Summarise data/input into data/output/report.txt  (myns:file_processor)\n"
                            "  spawn-demo  Spawn the WASM compute worker from Lua and print its result  (myns:spawn_demo)\n"
                            "  supervise-demo  A Lua supervisor restarting a crashing WASM worker  (myns:supervise_demo)\n"
                            "\n"
                            "Run with: wippy run <command>\n");
    ck_assert_str_eq(r.err, "");
    done(&r);
}
END_TEST

START_TEST(run_list_without_commands)
{
    result r = run("--dir", CONFIG_DIR "/project", "run", "list", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(!strncmp(r.out, "No commands found.\n", 19));
    done(&r);
}
END_TEST

START_TEST(run_list_sorts_and_reports_errors)
{
    /* Errors go to stderr, the listing to stdout, and the exit status is 1. */
    result r = run("--dir", CONFIG_DIR "/cases/duplicate-ids", "run", "list", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "two.yaml:4:5: dup:same: name: duplicate entry id dup:same"));
    ck_assert(!strncmp(r.out, "No commands found.", 18));
    done(&r);
}
END_TEST

START_TEST(run_unknown_command)
{
    result r = run("--dir", EXAMPLES, "run", "nope", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "command \"nope\" not found. Use 'wippy run list' to see available commands\n");
    done(&r);
}
END_TEST

START_TEST(check_good_and_bad)
{
    result good = run("--dir", EXAMPLES, "check", NULL);
    ck_assert_int_eq(good.status, 0);
    ck_assert_str_eq(good.out, "19 entries loaded from " EXAMPLES "/src, 0 errors\n");
    done(&good);
    result bad = run("--dir", CONFIG_DIR "/cases/duplicate-ids", "check", NULL);
    ck_assert_int_eq(bad.status, 1);
    ck_assert_ptr_nonnull(strstr(bad.err, "1 error\n"));
    done(&bad);
}
END_TEST

START_TEST(verbose_shows_notes)
{
    result quiet = run("--dir", CONFIG_DIR "/good", "check", NULL);
    ck_assert_ptr_null(strstr(quiet.err, "note:"));
    result loud = run("-v", "--dir", CONFIG_DIR "/good", "check", NULL);
    ck_assert_ptr_nonnull(strstr(loud.err, "note: "));
    ck_assert_ptr_nonnull(strstr(loud.err, "app:custom: unknown kind http.endpoint"));
    done(&quiet);
    done(&loud);
}
END_TEST

/* `wippy hash` prints exactly what the example's YAML holds. */
START_TEST(hash_matches_the_yaml_field)
{
    cfg_options opts = { .project_dir = EXAMPLES };
    cfg_registry *reg = cfg_load(&opts);
    const cfg_entry *worker = cfg_lookup(reg, "myns:compute_worker");
    ck_assert_ptr_nonnull(worker);
    char expected[128];
    snprintf(expected, sizeof expected, "%s\n", worker->as.wasm.hash);
    result r = run("hash", EXAMPLES "/wasm/worker.wasm", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, expected);
    done(&r);
    cfg_free(reg);
}
END_TEST

START_TEST(hash_errors)
{
    result r = run("hash", "/no/such/file", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "wippy: hash: cannot read /no/such/file: No such file or directory\n");
    done(&r);
    result none = run("hash", NULL);
    ck_assert_int_eq(none.status, 2);
    done(&none);
}
END_TEST

START_TEST(usage_errors_exit_2)
{
    static const char *const cases[][3] = {
        { "frobnicate", NULL, NULL }, { "--dir", NULL, NULL }, { "check", "extra", NULL }, { "run", "list", "extra" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        result r = run(cases[i][0], cases[i][1], cases[i][2], NULL);
        ck_assert_int_eq(r.status, 2);
        ck_assert_ptr_nonnull(strstr(r.err, "usage: wippy"));
        ck_assert_str_eq(r.out, "");
        done(&r);
    }
    result none = run(NULL);
    ck_assert_int_eq(none.status, 2);
    done(&none);
}
END_TEST

/* An unknown option: one line and a hint to `wippy help`, not the usage. */
START_TEST(unknown_option_one_line)
{
    result g = run("--frobnicate", "run", "list", NULL);
    ck_assert_int_eq(g.status, 2);
    ck_assert_str_eq(g.err, "wippy: unknown option --frobnicate\nRun 'wippy help' for the usage.\n");
    done(&g);
    result r = run("--dir", EXAMPLES, "run", "--frobnicate", NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "wippy: run: unknown option --frobnicate\n"
                            "Run 'wippy help' for the usage.\n");
    ck_assert_str_eq(r.out, "");
    done(&r);
}
END_TEST

START_TEST(help_and_version)
{
    result h = run("--help", NULL);
    ck_assert_int_eq(h.status, 0);
    ck_assert(!strncmp(h.out, "usage: wippy", 12));
    done(&h);
    result v = run("version", NULL);
    ck_assert_int_eq(v.status, 0);
    ck_assert(!strncmp(v.out, "wippy " WIPPY_VERSION " (sha256: ", 14));
    done(&v);
}
END_TEST

START_TEST(wasm_validate_and_call)
{
    result ok = run("wasm", "validate", EXAMPLES "/wasm/worker.wasm", NULL);
    ck_assert_int_eq(ok.status, 0);
    ck_assert_str_eq(ok.out, EXAMPLES "/wasm/worker.wasm: ok\n");
    done(&ok);
    result bad = run("wasm", "validate", CONFIG_DIR "/fixtures/files/module.wasm", NULL);
    ck_assert_int_eq(bad.status, 1);
    ck_assert_str_eq(bad.err, CONFIG_DIR "/fixtures/files/module.wasm: 0x0: magic header not detected\n");
    done(&bad);
    result product = run("wasm", "call", EXAMPLES "/wasm/worker.wasm", "compute", "6", "7", NULL);
    ck_assert_int_eq(product.status, 0);
    ck_assert_str_eq(product.out, "42\n");
    done(&product);
    result trap = run("wasm", "call", TEST_BUILD_DIR "/tests/wasm/cli_trap.wasm", "outer", "0", NULL);
    ck_assert_int_eq(trap.status, 1);
    ck_assert(!strncmp(trap.err, "trap: integer divide by zero\n  at func[", 38));
    ck_assert_ptr_nonnull(strstr(trap.err, "] inner (offset 0x"));
    done(&trap);
    /* v128 in and out: 0x and up to 32 hex digits, one 128-bit integer
     * with lane 0 in its low bits. */
    result v128 = run("wasm", "call", TEST_BUILD_DIR "/tests/wasm/cli_v128.wasm", "add",
                      "0x00000004000000030000000200000001", "0xffffffff", NULL);
    ck_assert_int_eq(v128.status, 0);
    ck_assert_str_eq(v128.out, "0x00000004000000030000000200000000\n4\n");
    done(&v128);
    result bad_v128 = run("wasm", "call", TEST_BUILD_DIR "/tests/wasm/cli_v128.wasm", "add", "0x1g", "1", NULL);
    ck_assert_int_eq(bad_v128.status, 1);
    ck_assert_str_eq(bad_v128.err, "add: argument 1: \"0x1g\" is not a valid v128\n");
    done(&bad_v128);
    result args = run("wasm", "call", EXAMPLES "/wasm/worker.wasm", "compute", "6", NULL);
    ck_assert_int_eq(args.status, 1);
    ck_assert_ptr_nonnull(strstr(args.err, "compute takes 2 arguments, got 1"));
    done(&args);
    result type = run("wasm", "call", EXAMPLES "/wasm/worker.wasm", "compute", "6", "x", NULL);
    ck_assert_int_eq(type.status, 1);
    ck_assert_str_eq(type.err, "compute: argument 2: \"x\" is not a valid i32\n");
    done(&type);
    result missing = run("wasm", "call", EXAMPLES "/wasm/worker.wasm", "nope", NULL);
    ck_assert_int_eq(missing.status, 1);
    ck_assert_ptr_nonnull(strstr(missing.err, "no exported function \"nope\""));
    done(&missing);
    result dump = run("wasm", "dump", EXAMPLES "/wasm/worker.wasm", NULL);
    ck_assert_int_eq(dump.status, 0);
    ck_assert_str_eq(dump.out, "func 0\n  ; 2 params, 2 locals, 6 slots\n"
                               "      0  I32_MUL                  dst=s0 a=s0 b=s1\n"
                               "      4  RETURN\n");
    done(&dump);
    result usage = run("wasm", "frob", NULL);
    ck_assert_int_eq(usage.status, 2);
    done(&usage);
}
END_TEST

#define CM_MINIMAL TEST_COMPONENTS_DIR "/wippy/minimal_component.wasm"
#define CM_COMPLEX TEST_COMPONENTS_DIR "/wippy/complex_component.wasm"
#define CM_SLEEP TEST_COMPONENTS_DIR "/wippy/sleep_test_component.wasm"
#define CM_HELLO TEST_COMPONENTS_DIR "/jco/jco__components__hello_stdout.component.wasm"

static bool have_components(void)
{
    if (access(CM_MINIMAL, R_OK) == 0)
        return true;
    fprintf(stderr, "cli tests: %s not found, component tests skipped\n", CM_MINIMAL);
    return false;
}

static void expect_out(const char *want, const char *file, const char *func, const char *a1,
                       const char *a2)
{
    result r = run("wasm", "call", file, func, a1, a2, NULL);
    ck_assert_msg(r.status == 0, "%s: %s", func, r.err);
    ck_assert_str_eq(r.out, want);
    done(&r);
}

START_TEST(wasm_call_component)
{
    if (!have_components())
        return;
    expect_out("42\n", CM_MINIMAL, "compute", "6", "7");
    expect_out("err({code: 1, message: \"division by zero\"})\n", CM_COMPLEX, "try-divide", "10", "0");
    expect_out("ok(5)\n", CM_COMPLEX, "try-divide", "10", "2");
    expect_out("{name: \"Ada\\t\\\"q\\\" 🚀\", age: 36}\n", CM_COMPLEX, "echo-person",
               "{age: 36, name: \"Ada\\t\\\"q\\\" \\u{1f680}\"}", NULL);
    expect_out("circle(7)\n", CM_COMPLEX, "echo-shape", "circle(7)", NULL);
    expect_out("%none\n", CM_COMPLEX, "echo-shape", "%none", NULL);
    expect_out("green\n", CM_COMPLEX, "echo-color", "green", NULL);
    expect_out("{read, execute}\n", CM_COMPLEX, "echo-permissions", "{execute, read,}", NULL);
    expect_out("[{x: 1, y: -2}]\n", CM_COMPLEX, "echo-list-point", "[{x: 1, y: -2}] // a comment", NULL);
    expect_out("some({x: 42, y: 24})\n", CM_COMPLEX, "maybe-point", "true", NULL);
    expect_out("none\n", CM_COMPLEX, "maybe-string", "false", NULL);
    expect_out("(2, 1)\n", CM_COMPLEX, "swap-pair", "1", "2");
    expect_out("6\n", CM_COMPLEX, "sum-list", "[1, 2, 3]", NULL);

    /* WASI 0.2 clocks and poll: sleep-ms blocks in place and returns the
     * elapsed nanoseconds */
    result slept = run("wasm", "call", CM_SLEEP, "test-sleep#sleep-ms", "20", NULL);
    ck_assert_msg(slept.status == 0, "%s", slept.err);
    ck_assert_int_ge(strtoll(slept.out, NULL, 10), 20000000);
    done(&slept);

    /* unprovided imports trap when called */
    result trap = run("wasm", "call", CM_MINIMAL, "compute-using-host", "6", "7", NULL);
    ck_assert_int_eq(trap.status, 1);
    ck_assert_str_eq(trap.err, "trap: unresolved host import \"test:minimal/host@0.1.0#add\": no host provides it\n");
    done(&trap);
    /* bad arguments name the argument and what was expected */
    result type = run("wasm", "call", CM_MINIMAL, "compute", "6", "x", NULL);
    ck_assert_int_eq(type.status, 1);
    ck_assert_str_eq(type.err, "compute: argument 2 (b): expected u32, got \"x\"\n");
    done(&type);
    result str = run("wasm", "call", CM_MINIMAL, "compute", "\"6\"", "7", NULL);
    ck_assert_str_eq(str.err, "compute: argument 1 (a): expected u32, got \"6\"\n");
    done(&str);
    result range = run("wasm", "call", CM_MINIMAL, "compute", "-1", "7", NULL);
    ck_assert_str_eq(range.err, "compute: argument 1 (a): -1 is out of range for u32\n");
    done(&range);
    result field = run("wasm", "call", CM_COMPLEX, "echo-person", "{name: \"x\", agee: 3}", NULL);
    ck_assert_int_eq(field.status, 1);
    ck_assert_str_eq(field.err, "echo-person: argument 1 (p): unknown field \"agee\"; fields: name, age (at column 13)\n");
    done(&field);
    result nested = run("wasm", "call", CM_COMPLEX, "sum-list", "[1, 2, \"x\"]", NULL);
    ck_assert_str_eq(nested.err, "sum-list: argument 1 (numbers): expected s32, got \"x\" (at column 8)\n");
    done(&nested);
    result count = run("wasm", "call", CM_MINIMAL, "compute", "6", NULL);
    ck_assert_int_eq(count.status, 1);
    ck_assert_ptr_nonnull(strstr(count.err, "compute takes 2 arguments (a: u32, b: u32), got 1"));
    done(&count);
    result missing = run("wasm", "call", CM_MINIMAL, "nope", NULL);
    ck_assert_int_eq(missing.status, 1);
    ck_assert_ptr_nonnull(strstr(missing.err, "no export \"nope\"; exports: compute compute-using-host"));
    done(&missing);

    /* a truncated component: the decoder's error with its offset */
    char path[] = "/tmp/wippy-cm-truncated-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *in = fopen(CM_MINIMAL, "rb");
    char buf[200];
    size_t n = fread(buf, 1, sizeof buf, in);
    fclose(in);
    ck_assert(write(fd, buf, n) == (ssize_t)n);
    close(fd);
    result cut = run("wasm", "call", path, "compute", "6", "7", NULL);
    ck_assert_int_eq(cut.status, 1);
    ck_assert_msg(!strncmp(cut.err, path, strlen(path)) && strstr(cut.err, ": 0x") != NULL, "%s", cut.err);
    done(&cut);
    unlink(path);
}
END_TEST

#define HELLO TEST_BUILD_DIR "/tests/wasi_c/cli_hello.wasm"

/* A `wasm run` result: the CLI's own messages plus what the guest wrote to
 * the real stdout and stderr (fds 1 and 2, captured in temporary files). */
typedef struct {
    result cli;
    char *guest_out, *guest_err;
} guest_result;

static char *read_back(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    char *text = calloc((size_t)n + 1, 1);
    ck_assert_ptr_nonnull(text);
    rewind(f);
    ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

/* Runs `wippy wasm SUB ARGS...` (ARGS NULL-terminated, at most 24). */
static guest_result run_guest_v(const char *sub, const char *first, va_list ap)
{
    const char *a[28] = { "wasm", sub };
    int n = 2;
    for (const char *x = first; x != NULL && n < 26; x = va_arg(ap, const char *))
        a[n++] = x;
    FILE *out = tmpfile(), *err = tmpfile();
    ck_assert(out != NULL && err != NULL);
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    dup2(fileno(out), 1);
    dup2(fileno(err), 2);
    guest_result r;
    r.cli = run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12],
                a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24],
                a[25], NULL);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    r.guest_out = read_back(out);
    r.guest_err = read_back(err);
    return r;
}

/* Runs `wippy wasm run ARGS...` (NULL-terminated, at most 24). */
static guest_result run_guest(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    guest_result r = run_guest_v("run", first, ap);
    va_end(ap);
    return r;
}

/* Runs `wippy wasm call ARGS...`. */
static guest_result call_guest(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    guest_result r = run_guest_v("call", first, ap);
    va_end(ap);
    return r;
}

static void guest_done(guest_result *r)
{
    done(&r->cli);
    free(r->guest_out);
    free(r->guest_err);
}

#define CM_UTF8 TEST_COMPONENTS_DIR "/jco/jco__components__utf8-utf16.composed.wasm"
#define CM_STREAMS TEST_BUILD_DIR "/tests/component/p2_streams.wasm"

/* Command components with WASI 0.2: jco's hello_stdout prints what it
 * prints under `jco run` and exits 0; the probe's command sees FILE's base
 * name as argv[0] (as wasmtime), the --env values, writes to stdout, and
 * exits 1 through wasi:cli/exit(err) or an err result without a trap. */
START_TEST(wasm_run_component)
{
    if (!have_components())
        return;
    guest_result r = run_guest(CM_HELLO, NULL);
    ck_assert_int_eq(r.cli.status, 0);
    ck_assert_str_eq(r.guest_out, "writing to stdout: hello, world\n");
    ck_assert_str_eq(r.guest_err, "writing to stderr: hello, world\n");
    ck_assert_str_eq(r.cli.err, "");
    guest_done(&r);
    r = run_guest(CM_UTF8, NULL);
    ck_assert_int_eq(r.cli.status, 0);
    ck_assert_str_eq(r.guest_out, "ret: \n");
    guest_done(&r);
    r = run_guest("--env", "A=1", "--env", "B=2", CM_STREAMS, NULL);
    ck_assert_int_eq(r.cli.status, 0);
    ck_assert_str_eq(r.guest_out, "a1e2\n");
    guest_done(&r);
    r = run_guest(CM_STREAMS, "x", NULL);
    ck_assert_int_eq(r.cli.status, 1);   /* wasi:cli/exit(err) */
    ck_assert_str_eq(r.guest_out, "a2e0\n");
    ck_assert_str_eq(r.cli.err, "");
    ck_assert_str_eq(r.guest_err, "");
    guest_done(&r);
    r = run_guest(CM_STREAMS, "x", "y", NULL);
    ck_assert_int_eq(r.cli.status, 1);   /* run returned err */
    ck_assert_str_eq(r.guest_out, "a3e0\n");
    guest_done(&r);
    /* wasm call gives a component the terminal's stdio too (jco's
     * stdio.composed prints through it; env-allow's virtualized env) */
    r = call_guest(TEST_COMPONENTS_DIR "/jco/jco__components__stdio.composed.wasm", "test-stdio",
                   NULL);
    ck_assert_msg(r.cli.status == 0, "%s", r.cli.err);
    ck_assert_str_eq(r.guest_out, "Hello world\n");
    guest_done(&r);
    result env = run("wasm", "call", TEST_COMPONENTS_DIR "/jco/jco__components__env-allow.composed.wasm",
                     "test-get-env", NULL);
    ck_assert_msg(env.status == 0, "%s", env.err);
    ck_assert_str_eq(env.out, "[(\"CUSTOM\", \"VAL\")]\n");
    done(&env);
    result none = run("wasm", "run", CM_MINIMAL, NULL);
    ck_assert_int_eq(none.status, 1);
    ck_assert_str_eq(none.err, CM_MINIMAL ": not a command component: no \"wasi:cli/run@0.2.x\" export; "
                               "it exports: compute compute-using-host\n");
    done(&none);
}
END_TEST

/* jco's stdout-pollable-hang (jco issue 550) subscribes to stdout and
 * polls; under `jco run` it prints nothing and exits 0, so must it here
 * (a hang would be this test's timeout). */
START_TEST(wasm_run_stdout_pollable_hang)
{
    if (!have_components())
        return;
    guest_result r = run_guest(TEST_COMPONENTS_DIR "/jco/jco__components__stdout-pollable-hang.component.wasm",
                               NULL);
    ck_assert_msg(r.cli.status == 0, "%s", r.cli.err);
    ck_assert_str_eq(r.guest_out, "");
    ck_assert_str_eq(r.guest_err, "");
    ck_assert_str_eq(r.cli.err, "");
    guest_done(&r);
}
END_TEST

/* Bytes in bulk through wasi:io/streams (a preview 1 program under the
 * adapter: its fd_write and fd_read become list<u8> writes and reads):
 * 3 MiB out, every byte 'x'; 200,000 bytes of stdin in, counted and summed
 * by the guest as here. */
START_TEST(wasm_run_stream_bytes_in_bulk)
{
    if (!have_components())
        return;
    FILE *in = tmpfile();
    ck_assert_ptr_nonnull(in);
    uint32_t sum = 0;   /* the guest's unsigned long is 32 bits */
    for (int i = 0; i < 200000; i++) {
        unsigned char c = (unsigned char)(i * 7 + i / 251);
        sum = sum * 31 + c;
        ck_assert_int_eq(fputc(c, in), c);
    }
    fflush(in);
    rewind(in);
    int saved_in = dup(0);
    dup2(fileno(in), 0);
    guest_result r = run_guest(TEST_BUILD_DIR "/tests/wasi_c/stream_bulk.component.wasm", "3", NULL);
    dup2(saved_in, 0);
    close(saved_in);
    fclose(in);
    ck_assert_msg(r.cli.status == 0, "%s%s", r.cli.err, r.guest_err);
    char want[64];
    snprintf(want, sizeof want, "read 200000 bytes, sum %lu\n", (unsigned long)sum);
    ck_assert_str_eq(r.guest_err, want);
    size_t n = strlen(r.guest_out);
    ck_assert_uint_eq(n, 3u << 20);
    ck_assert_uint_eq(strspn(r.guest_out, "x"), n);
    guest_done(&r);
}
END_TEST

/* A JavaScript component of our own (tests/js/hello.js, built by
 * componentize-js: SpiderMonkey inside, ~13 MB, a 145-page memory) runs
 * as a command: its arguments, its HELLO_* environment, BigInt arithmetic,
 * and both a direct stream write and console.log reach stdout. */
#define JS_HELLO TEST_SOURCE_DIR "/build/js/hello.wasm"
START_TEST(wasm_run_js_component)
{
    guest_result r = run_guest("--env", "HELLO_B=2", "--env", "HELLO_A=x", "--env", "OTHER=1", JS_HELLO,
                               "one two", "three", NULL);
    ck_assert_msg(r.cli.status == 0, "%s", r.cli.err);
    ck_assert_str_eq(r.guest_out, "hello from js\n"
                                  "arg 1: one two\n"
                                  "arg 2: three\n"
                                  "env HELLO_A=x\n"
                                  "env HELLO_B=2\n"
                                  "fib(90) = 2880067194370816120\n"
                                  "words: 3, sorted: one,three,two\n"
                                  "console.log works\n");
    ck_assert_str_eq(r.cli.err, "");
    guest_done(&r);
}
END_TEST

START_TEST(wasm_run_args_env_and_exit_code)
{
    guest_result r = run_guest(HELLO, "7", "two words", NULL);
    ck_assert_int_eq(r.cli.status, 7);
    ck_assert_str_eq(r.guest_out, "hello\nargv[0]=" HELLO "\nargv[1]=7\nargv[2]=two words\n");
    ck_assert_str_eq(r.cli.err, "");
    guest_done(&r);
    /* No argument: _start returns, status 0. Options may use `=`; the later
     * of two values for a name wins. */
    r = run_guest("--env", "A=1", "--env=B=two", "--env", "A=x=y", "--", HELLO, NULL);
    ck_assert_int_eq(r.cli.status, 0);
    ck_assert_str_eq(r.guest_out, "hello\nargv[0]=" HELLO "\nenv B=two\nenv A=x=y\n");
    guest_done(&r);
    /* The host environment only with --inherit-env; --env overrides it. */
    setenv("WIPPY_TEST_VAR", "host", 1);
    r = run_guest(HELLO, NULL);
    ck_assert_ptr_null(strstr(r.guest_out, "WIPPY_TEST_VAR"));
    guest_done(&r);
    r = run_guest("--inherit-env", HELLO, NULL);
    ck_assert_ptr_nonnull(strstr(r.guest_out, "\nenv WIPPY_TEST_VAR=host\n"));
    guest_done(&r);
    r = run_guest("--env", "WIPPY_TEST_VAR=mine", "--inherit-env", HELLO, NULL);
    ck_assert_ptr_nonnull(strstr(r.guest_out, "\nenv WIPPY_TEST_VAR=mine\n"));
    ck_assert_ptr_null(strstr(r.guest_out, "WIPPY_TEST_VAR=host"));
    guest_done(&r);
    /* Options after FILE belong to the guest. */
    r = run_guest(HELLO, "--fuel", NULL);
    ck_assert_int_eq(r.cli.status, 0);
    ck_assert_ptr_nonnull(strstr(r.guest_out, "argv[1]=--fuel\n"));
    guest_done(&r);
}
END_TEST

START_TEST(wasm_run_trap_fuel_and_memory)
{
    guest_result trap = run_guest(HELLO, "trap", NULL);
    ck_assert_int_eq(trap.cli.status, 134);
    ck_assert(!strncmp(trap.cli.err, "trap: unreachable\n  at func[", 28));
    guest_done(&trap);
    guest_result spin = run_guest("--fuel", "100000", HELLO, "spin", NULL);
    ck_assert_int_eq(spin.cli.status, 1);
    ck_assert_str_eq(spin.cli.err, HELLO ": out of fuel (--fuel 100000)\n");
    guest_done(&spin);
    /* The module asks for 2 pages to start with. */
    guest_result small = run_guest("--max-memory", "64k", HELLO, NULL);
    ck_assert_int_eq(small.cli.status, 1);
    ck_assert(!strncmp(small.cli.err, HELLO ": ", strlen(HELLO) + 2));
    ck_assert_str_eq(small.guest_out, "");
    guest_done(&small);
    guest_result tight = run_guest("--max-memory", "1m", HELLO, "alloc", "4", NULL);
    ck_assert_int_eq(tight.cli.status, 3);
    guest_done(&tight);
    guest_result roomy = run_guest("--max-memory", "8M", HELLO, "alloc", "4", NULL);
    ck_assert_int_eq(roomy.cli.status, 0);
    guest_done(&roomy);
}
END_TEST

START_TEST(wasm_run_mounts)
{
    char dir[] = "/tmp/wippy-cli-run-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char file[64], mount[64], written[64];
    snprintf(file, sizeof file, "%s/in.txt", dir);
    FILE *f = fopen(file, "w");
    fputs("from the host\n", f);
    fclose(f);
    snprintf(mount, sizeof mount, "%s::/data", dir);
    guest_result r = run_guest("--dir", mount, HELLO, "cat", "/data/in.txt", NULL);
    ck_assert_int_eq(r.cli.status, 0);
    ck_assert_ptr_nonnull(strstr(r.guest_out, "\nfrom the host\n"));
    guest_done(&r);
    /* Without a mount nothing is reachable. */
    r = run_guest(HELLO, "cat", file, NULL);
    ck_assert_int_eq(r.cli.status, 4);
    guest_done(&r);
    /* --dir HOST mounts HOST under its own name. */
    r = run_guest("--dir", dir, HELLO, "cat", file, NULL);
    ck_assert_int_eq(r.cli.status, 0);
    guest_done(&r);
    /* --ro-dir refuses writes; --dir allows them. */
    snprintf(written, sizeof written, "%s/out.txt", dir);
    r = run_guest("--ro-dir", mount, HELLO, "write", "/data/out.txt", NULL);
    ck_assert_int_eq(r.cli.status, 5);
    ck_assert_int_eq(access(written, F_OK), -1);
    guest_done(&r);
    r = run_guest("--dir", mount, HELLO, "write", "/data/out.txt", NULL);
    ck_assert_int_eq(r.cli.status, 0);
    ck_assert_int_eq(access(written, F_OK), 0);
    guest_done(&r);
    /* A mount that cannot be opened is reported, not run. */
    r = run_guest("--dir", "/no/such/dir::/x", HELLO, NULL);
    ck_assert_int_eq(r.cli.status, 1);
    ck_assert_ptr_nonnull(strstr(r.cli.err, "/no/such/dir"));
    ck_assert_str_eq(r.guest_out, "");
    guest_done(&r);
    unlink(written);
    unlink(file);
    rmdir(dir);
}
END_TEST

START_TEST(wasm_run_errors)
{
    /* Usage errors exit 2 and print the command's usage. */
    static const char *const cases[][3] = {
        { NULL, NULL, NULL }, { "--env", "NOVALUE", HELLO }, { "--env", "=x", HELLO },
        { "--fuel", "lots", HELLO }, { "--fuel", "-1", HELLO }, { "--max-memory", "1000", HELLO }, { "--max-memory", "5g", HELLO },
        { "--max-memory", "2x", HELLO }, { "--dir", "::/x", HELLO }, { "--dir", "/tmp::", HELLO },
        { "--dir", "/tmp::a/../b", HELLO }, { "--bogus", HELLO, NULL }, { "--dir", NULL, NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        guest_result r = run_guest(cases[i][0], cases[i][1], cases[i][2], NULL);
        ck_assert_msg(r.cli.status == 2, "case %zu: status %d", i, r.cli.status);
        ck_assert_ptr_nonnull(strstr(r.cli.err, "usage: wippy wasm run"));
        ck_assert_str_eq(r.guest_out, "");
        guest_done(&r);
    }
    guest_result twice = run_guest("--dir", "/tmp::/x", "--ro-dir", "/::x/", HELLO, NULL);
    ck_assert_int_eq(twice.cli.status, 2);
    ck_assert(!strncmp(twice.cli.err, "wippy: wasm run: two directories mounted at /x\n", 47));
    guest_done(&twice);
    /* Load and link errors name the file and exit 1. */
    guest_result missing = run_guest("/no/such.wasm", NULL);
    ck_assert_int_eq(missing.cli.status, 1);
    ck_assert_str_eq(missing.cli.err, "wippy: cannot read /no/such.wasm: No such file or directory\n");
    guest_done(&missing);
    guest_result bad = run_guest(CONFIG_DIR "/fixtures/files/module.wasm", NULL);
    ck_assert_int_eq(bad.cli.status, 1);
    ck_assert_str_eq(bad.cli.err, CONFIG_DIR "/fixtures/files/module.wasm: 0x0: magic header not detected\n");
    guest_done(&bad);
    guest_result link = run_guest(TEST_BUILD_DIR "/tests/wasm/vm_calls.wasm", NULL);
    ck_assert_int_eq(link.cli.status, 1);
    ck_assert(!strncmp(link.cli.err, TEST_BUILD_DIR "/tests/wasm/vm_calls.wasm: ",
                       strlen(TEST_BUILD_DIR "/tests/wasm/vm_calls.wasm: ")));
    guest_done(&link);
    guest_result command = run_guest(EXAMPLES "/wasm/worker.wasm", NULL);
    ck_assert_int_eq(command.cli.status, 1);
    ck_assert_str_eq(command.cli.err, EXAMPLES "/wasm/worker.wasm: not a WASI command: no exported "
                                      "function \"_start\"\n");
    guest_done(&command);
}
END_TEST

/* The real binary: the exit status and stdio of a real process. */
START_TEST(binary_runs_a_wasi_command)
{
    const char *wippy = getenv("WIPPY");
    if (wippy == NULL)
        return;
    char cmd[1024], out[1024] = "";
    snprintf(cmd, sizeof cmd, "'%s' wasm run '%s' 42 </dev/null", wippy, HELLO);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 42);
    ck_assert_str_eq(out, "hello\nargv[0]=" HELLO "\nargv[1]=42\n");
}
END_TEST

/* The installed binary behaves like the function (WIPPY is set by make). */
START_TEST(binary_runs_the_quick_start)
{
    const char *wippy = getenv("WIPPY");
    if (wippy == NULL)
        return;
    char cmd[1024], out[1024] = "";
    snprintf(cmd, sizeof cmd, "'%s' --dir '%s' run list", wippy, EXAMPLES);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    ck_assert_int_eq(pclose(p), 0);
    ck_assert_ptr_nonnull(strstr(out, "  greet  Greet someone via WASM  (myns:greet)\n"));
}
END_TEST

Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("wippy");
    tcase_add_test(tc, run_list_prints_the_commands);
    tcase_add_test(tc, run_list_without_commands);
    tcase_add_test(tc, run_list_sorts_and_reports_errors);
    tcase_add_test(tc, run_unknown_command);
    tcase_add_test(tc, check_good_and_bad);
    tcase_add_test(tc, verbose_shows_notes);
    tcase_add_test(tc, hash_matches_the_yaml_field);
    tcase_add_test(tc, hash_errors);
    tcase_add_test(tc, usage_errors_exit_2);
    tcase_add_test(tc, unknown_option_one_line);
    tcase_add_test(tc, help_and_version);
    tcase_add_test(tc, binary_runs_the_quick_start);
    tcase_add_test(tc, wasm_validate_and_call);
    tcase_add_test(tc, wasm_call_component);
    tcase_add_test(tc, wasm_run_component);
    tcase_add_test(tc, wasm_run_stdout_pollable_hang);
    tcase_add_test(tc, wasm_run_js_component);
    tcase_add_test(tc, wasm_run_stream_bytes_in_bulk);
    tcase_add_test(tc, wasm_run_args_env_and_exit_code);
    tcase_add_test(tc, wasm_run_trap_fuel_and_memory);
    tcase_add_test(tc, wasm_run_mounts);
    tcase_add_test(tc, wasm_run_errors);
    tcase_add_test(tc, binary_runs_a_wasi_command);
    suite_add_tcase(s, tc);
    return s;
}
