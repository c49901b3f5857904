/* test_cli.c — the `wippy` command line, run in-process through
 * wippy_cli() with its output captured, plus one run of the real binary:
 * run list (Wippy's format), check, hash, version, help, usage errors. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "host/cli.h"

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
                            "  greet  Greet someone via WASM  (myns:greet)\n"
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
    ck_assert_str_eq(good.out, "5 entries loaded from " EXAMPLES "/src, 0 errors\n");
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
        { "frobnicate", NULL, NULL }, { "--frobnicate", "run", "list" }, { "run", NULL, NULL },
        { "--dir", NULL, NULL }, { "check", "extra", NULL }, { "run", "list", "extra" },
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
    result usage = run("wasm", "frob", NULL);
    ck_assert_int_eq(usage.status, 2);
    done(&usage);
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
    tcase_add_test(tc, help_and_version);
    tcase_add_test(tc, binary_runs_the_quick_start);
    tcase_add_test(tc, wasm_validate_and_call);
    suite_add_tcase(s, tc);
    return s;
}
