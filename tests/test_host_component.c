/* test_host_component.c — process.wasm entries whose binary is a
 * component, run as processes: Wippy's test components (the shared
 * folder, referenced in place through an fs.directory entry, each with its
 * real hash) spawned from C and from Lua, every export of complex and
 * mapper through process.exec with Lua tables, results and errors as
 * values, the errors of wrong values, counts, methods and traps, limits.
 * Skipped with a message when TEST_COMPONENTS_DIR is absent. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"
#include "sha256/sha256.h"
#include "tests/test_host_project.h"
#include "tests/test_lua.h"

#ifndef TEST_COMPONENTS_DIR
#define TEST_COMPONENTS_DIR "../shared/testsuite/components"
#endif
#define WIPPY_DIR TEST_COMPONENTS_DIR "/wippy"
#define MINIMAL "minimal_component.wasm"
#define COMPLEX "complex_component.wasm"
#define MAPPER "mapper_component.wasm"
/* The hash of the documented compute_worker entry (Wippy's process docs). */
#define DOCS_HASH "sha256:292b796376f8b4cc360acf2ea6b82d1084871c3607a079f30b446da8e5c984a4"

static bool have_fixtures(void)
{
    if (access(WIPPY_DIR "/" MINIMAL, R_OK) == 0)
        return true;
    fprintf(stderr, "host component tests: %s not found, skipped\n", WIPPY_DIR);
    return false;
}

/* "sha256:HEX" of a file of the shared folder. */
static void hash_of(const char *file, char *out, size_t len)
{
    char path[512], hex[SHA256_HEX_SIZE];
    uint8_t digest[SHA256_DIGEST_SIZE];
    snprintf(path, sizeof path, "%s/%s", WIPPY_DIR, file);
    ck_assert_msg(sha256_file(path, digest) == 0, "cannot read %s", path);
    sha256_hex(digest, hex);
    snprintf(out, len, "sha256:%s", hex);
}

/* The fs.directory t:components over the shared folder. */
static char *components_dir(void)
{
    char *s = strdup("  - name: components\n"
                     "    kind: fs.directory\n"
                     "    directory: " WIPPY_DIR "\n");
    ck_assert_ptr_nonnull(s);
    return s;
}

/* A process.wasm entry NAME for FILE of the shared folder calling METHOD. */
static char *cm_entry(const char *name, const char *file, const char *method, const char *extra)
{
    char hash[128];
    hash_of(file, hash, sizeof hash);
    size_t n = 512 + strlen(name) + strlen(file) + strlen(method) + (extra ? strlen(extra) : 0);
    char *s = malloc(n);
    ck_assert_ptr_nonnull(s);
    snprintf(s, n,
             "  - name: %s\n"
             "    kind: process.wasm\n"
             "    fs: t:components\n"
             "    path: /%s\n"
             "    hash: %s\n"
             "    method: %s\n"
             "%s",
             name, file, hash, method, extra ? extra : "");
    return s;
}

/* Appends b to a (both malloc'd; b freed). */
static char *cat(char *a, char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = realloc(a, la + lb + 1);
    ck_assert_ptr_nonnull(s);
    memcpy(s + la, b, lb + 1);
    free(b);
    return s;
}

static const char *const COMPLEX_EXPORTS[] = {
    "echo-point", "echo-person", "echo-rectangle", "echo-color", "echo-shape",
    "echo-permissions", "echo-list-s32", "echo-list-string", "echo-list-point", "maybe-point",
    "maybe-string", "try-divide", "try-parse", "swap-pair", "triple", "filter-adults",
    "sum-list", "double-list",
};
static const char *const MAPPER_EXPORTS[] = { "transform-users", "filter-active", "aggregate-tags" };

/* Every entry the tests use, as one YAML text: t:min (compute), the other
 * minimal ones, t:c-EXPORT and t:m-EXPORT for every export, the Lua
 * entries of components.lua and docs.lua. */
static char *all_entries(void)
{
    char *s = components_dir();
    s = cat(s, cm_entry("compute", MINIMAL, "compute", NULL));
    s = cat(s, cm_entry("min", MINIMAL, "compute", NULL));
    s = cat(s, cm_entry("min-using-host", MINIMAL, "compute-using-host", NULL));
    s = cat(s, cm_entry("min-nope", MINIMAL, "nope", NULL));
    s = cat(s, cm_entry("sleep", "sleep_test_component.wasm", "test-sleep#sleep-ms", NULL));
    s = cat(s, cm_entry("sleep-nope", "sleep_test_component.wasm", "test-sleep#nope", NULL));
    for (size_t i = 0; i < sizeof COMPLEX_EXPORTS / sizeof *COMPLEX_EXPORTS; i++) {
        char name[64];
        snprintf(name, sizeof name, "c-%s", COMPLEX_EXPORTS[i]);
        s = cat(s, cm_entry(name, COMPLEX, COMPLEX_EXPORTS[i], NULL));
    }
    for (size_t i = 0; i < sizeof MAPPER_EXPORTS / sizeof *MAPPER_EXPORTS; i++) {
        char name[64];
        snprintf(name, sizeof name, "m-%s", MAPPER_EXPORTS[i]);
        s = cat(s, cm_entry(name, MAPPER, MAPPER_EXPORTS[i], NULL));
    }
#ifdef WIPPY_LUA
    static const char *const lua[] = { "complex", "try_divide", "mapper", "tag_count", "errors" };
    for (size_t i = 0; i < sizeof lua / sizeof *lua; i++)
        s = cat(s, lua_entry(lua[i], "components.lua", lua[i], NULL));
    s = cat(s, lua_entry("old", "docs.lua", "old_form", NULL));
    s = cat(s, lua_entry("new", "docs.lua", "new_form", NULL));
    s = cat(s, lua_entry("sel", "docs.lua", "select_form", NULL));
#endif
    return s;
}

static void open_all(hp_project *p)
{
    hp_open(p, 2, 0, all_entries(), NULL);
}

/* The EXIT of pid, which must come within 10 s. */
static host_event exit_of(hp_project *p, host_pid pid)
{
    host_event ev = hp_next(p, 10000);
    ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
    ck_assert_uint_eq(ev.from, pid);
    return ev;
}

/* Wippy's process docs, from C: compute_worker (minimal_component.wasm,
 * the documented hash) spawned with 6, 7 gives EXIT 42. */
START_TEST(minimal_from_c)
{
    if (!have_fixtures())
        return;
    char hash[128];
    hash_of(MINIMAL, hash, sizeof hash);
    ck_assert_str_eq(hash, DOCS_HASH);
    hp_project p;
    hp_open(&p, 2, 0, components_dir(),
            strdup("  - name: compute_worker\n"
                   "    kind: process.wasm\n"
                   "    fs: t:components\n"
                   "    path: /" MINIMAL "\n"
                   "    hash: " DOCS_HASH "\n"
                   "    method: compute\n"),
            NULL);
    host_value args[] = { host_int(6), host_int(7) };
    char err[512];
    host_pid pid = host_spawn(p.rt, p.mb, "t:compute_worker", "t:procs", args, 2,
                              HOST_SPAWN_MONITOR, err, sizeof err);
    ck_assert_msg(pid != 0, "%s", err);
    host_event ev;
    ck_assert(host_receive(p.rt, p.mb, &ev, 3000000000));
    ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
    ck_assert_uint_eq(ev.from, pid);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_eq(ev.value.kind, HOST_VALUE_INT);
    ck_assert_int_eq(ev.value.i, 42);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* Many at once on two workers, linked and monitored as core processes. */
START_TEST(minimal_many)
{
    if (!have_fixtures())
        return;
    hp_project p;
    open_all(&p);
    enum { N = 200 };
    for (int i = 0; i < N; i++) {
        host_value args[] = { host_int(i), host_int(3) };
        hp_spawn(&p, "t:min", args, 2);
    }
    int64_t sum = 0;
    for (int i = 0; i < N; i++) {
        host_event ev = hp_next(&p, 10000);
        ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
        ck_assert_msg(ev.error == NULL, "%s", ev.error);
        sum += ev.value.i;
        host_event_free(&ev);
    }
    ck_assert_int_eq(sum, 3 * (N - 1) * N / 2);
    hp_close(&p);
}
END_TEST

/* What spawn refuses, and what ends a process with an error: the host
 * keeps running after each. */
START_TEST(errors_from_c)
{
    if (!have_fixtures())
        return;
    hp_project p;
    open_all(&p);
    char err[512];
    host_value one = host_int(1);
    ck_assert(host_spawn(p.rt, p.mb, "t:min", "t:procs", &one, 1, 0, err, sizeof err) == 0);
    ck_assert_str_eq(err, "t:min: parameter count mismatch: expected 2, got 1");
    ck_assert(host_spawn(p.rt, p.mb, "t:min-nope", "t:procs", NULL, 0, 0, err, sizeof err) == 0);
    ck_assert_str_eq(err, "t:min-nope: no export \"nope\"; exports: compute, compute-using-host");

    host_value args[] = { host_int(1), host_int(2) };
    host_pid pid = hp_spawn(&p, "t:min-using-host", args, 2);
    host_event ev = exit_of(&p, pid);
    ck_assert_str_eq(ev.error, "failed to call wasm method: compute-using-host: unresolved host "
                               "import \"test:minimal/host@0.1.0#add\": no host provides it");
    host_event_free(&ev);

    host_value neg[] = { host_int(-1), host_int(2) };
    pid = hp_spawn(&p, "t:min", neg, 2);
    ev = exit_of(&p, pid);
    ck_assert_str_eq(ev.error, "failed to call wasm method: compute: argument 1 (a): -1 is out of "
                               "range for u32");
    host_event_free(&ev);

    host_value list = host_list(0);
    host_value pair[] = { list, host_int(2) };
    pid = hp_spawn(&p, "t:min", pair, 2);
    host_value_free(&list);
    ev = exit_of(&p, pid);
    ck_assert_ptr_nonnull(ev.error);
    ck_assert_msg(strstr(ev.error, "failed to call wasm method: compute: argument 1 (a): ") == ev.error,
                  "%s", ev.error);
    host_event_free(&ev);

    /* iface#func: found; without imports: profiles its WASI 0.2 imports are not given */
    ck_assert(host_spawn(p.rt, p.mb, "t:sleep-nope", "t:procs", &one, 1, 0, err, sizeof err) == 0);
    ck_assert_str_eq(err, "t:sleep-nope: no export \"test-sleep#nope\"; exports: "
                          "test-sleep#sleep-ms, test-sleep#work-with-sleep");
    pid = hp_spawn(&p, "t:sleep", &one, 1);
    ev = exit_of(&p, pid);
    ck_assert_ptr_nonnull(ev.error);
    ck_assert_msg(strstr(ev.error, "failed to call wasm method: test-sleep#sleep-ms: unresolved host "
                                   "import \"wasi:") == ev.error, "%s", ev.error);
    host_event_free(&ev);

    pid = hp_spawn(&p, "t:min", (host_value[]){ host_int(6), host_int(7) }, 2);
    ev = exit_of(&p, pid);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_eq(ev.value.i, 42);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* A result<T, E> is a value either way: {ok = 5} and {err = {...}}. */
START_TEST(results_from_c)
{
    if (!have_fixtures())
        return;
    hp_project p;
    open_all(&p);
    host_pid pid = hp_spawn(&p, "t:c-try-divide", (host_value[]){ host_int(10), host_int(0) }, 2);
    host_event ev = exit_of(&p, pid);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    const host_value *e = host_map_get(&ev.value, "err", 3);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(host_map_get(e, "code", 4)->i, 1);
    ck_assert_str_eq(host_map_get(e, "message", 7)->s, "division by zero");
    host_event_free(&ev);
    pid = hp_spawn(&p, "t:c-try-divide", (host_value[]){ host_int(10), host_int(2) }, 2);
    ev = exit_of(&p, pid);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_eq(host_map_get(&ev.value, "ok", 2)->i, 5);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* limits.fuel ends a component's call too. */
START_TEST(fuel_limit)
{
    if (!have_fixtures())
        return;
    hp_project p;
    hp_open(&p, 2, 0, components_dir(),
            cm_entry("sum_fuel", COMPLEX, "sum-list", "    limits:\n      fuel: 1000\n"),
            cm_entry("sum", COMPLEX, "sum-list", NULL),
            NULL);
    host_value big = host_list(100000);
    for (int i = 0; i < 100000; i++)
        ck_assert(host_list_push(&big, host_int(1), NULL));
    host_pid pid = hp_spawn(&p, "t:sum_fuel", &big, 1);
    host_event ev = exit_of(&p, pid);
    ck_assert_str_eq(ev.error, "fuel limit exceeded: 1000 units");
    host_event_free(&ev);
    pid = hp_spawn(&p, "t:sum", &big, 1);
    ev = exit_of(&p, pid);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_eq(ev.value.i, 100000);
    host_event_free(&ev);
    host_value_free(&big);
    hp_close(&p);
}
END_TEST

/* In slices of one fuel unit a sum over a large list runs for a long
 * while (30 to 100 ms here) (no fixture has a busy loop; this stands in for one): terminate
 * reaches it between slices, limits.max_execution_ms ends it. A link
 * carries a component process's failure. */
START_TEST(control)
{
    if (!have_fixtures())
        return;
    hp_project p;
    hp_open(&p, 1, 1, components_dir(), cm_entry("sum", COMPLEX, "sum-list", NULL),
            cm_entry("sum_time", COMPLEX, "sum-list", "    limits:\n      max_execution_ms: 5\n"),
            cm_entry("hostless", MINIMAL, "compute-using-host", NULL), NULL);
    host_value big = host_list(200000);
    for (int i = 0; i < 200000; i++)
        ck_assert(host_list_push(&big, host_int(1), NULL));
    host_pid pid = hp_spawn(&p, "t:sum", &big, 1);
    bool alive = host_terminate(p.rt, pid);
    host_event ev = exit_of(&p, pid);
    ck_assert_msg(alive, "ended before terminate: %s", ev.error ? ev.error : "(value)");
    ck_assert_str_eq(ev.error, "terminated");
    host_event_free(&ev);

    int64_t t0 = hp_now_ms();
    pid = hp_spawn(&p, "t:sum_time", &big, 1);
    ev = exit_of(&p, pid);
    ck_assert_str_eq(ev.error, "execution time limit exceeded: 5 ms");
    ck_assert_int_lt(hp_now_ms() - t0, 5000);
    host_event_free(&ev);
    host_value_free(&big);

    char err[256];
    host_pid linked = host_spawn(p.rt, p.mb, "t:hostless", "t:procs",
                                 (host_value[]){ host_int(1), host_int(2) }, 2,
                                 HOST_SPAWN_MONITOR | HOST_SPAWN_LINK, err, sizeof err);
    ck_assert_msg(linked != 0, "%s", err);
    bool exit_seen = false, down_seen = false;
    for (int i = 0; i < 2; i++) {
        ev = hp_next(&p, 10000);
        ck_assert_uint_eq(ev.from, linked);
        exit_seen |= ev.kind == HOST_EVENT_EXIT;
        down_seen |= ev.kind == HOST_EVENT_LINK_DOWN;
        ck_assert_ptr_nonnull(ev.error);
        host_event_free(&ev);
    }
    ck_assert(exit_seen && down_seen);
    hp_close(&p);
}
END_TEST

#ifdef WIPPY_LUA

/* components.lua's lines: what each export gave (show() of the result). */
#define COMPLEX_WANT                                                                                \
    "echo-point = {x=1,y=-2}\n"                                                                   \
    "echo-person = {age=36,name=\"Ada\"}\n"                                                       \
    "echo-rectangle = {bottom-right={x=3,y=4},top-left={x=0,y=1}}\n"                             \
    "echo-color = \"green\"\n"                                                                    \
    "echo-shape circle = {circle=5}\n"                                                            \
    "echo-shape rect = {rect={bottom-right={x=5,y=6},top-left={x=1,y=2}}}\n"                     \
    "echo-shape none = {none=true}\n"                                                             \
    "echo-permissions = {execute=true,read=true}\n"                                               \
    "echo-permissions list = {write=true}\n"                                                      \
    "echo-list-s32 = {1,-2,3}\n"                                                                  \
    "echo-list-string = {\"a\",\"\",\"ünï\"}\n"                                                   \
    "echo-list-point = {{x=1,y=2},{x=3,y=4}}\n"                                                   \
    "maybe-point true = {x=42,y=24}\n"                                                            \
    "maybe-point false = nil\n"                                                                   \
    "maybe-string true = \"hello\"\n"                                                             \
    "maybe-string false = nil\n"                                                                  \
    "try-divide 10 2 = {ok=5}\n"                                                                  \
    "try-divide 10 0 = {err={code=1,message=\"division by zero\"}}\n"                            \
    "try-parse 42 = {ok=42}\n"                                                                    \
    "try-parse x = {err=\"cannot parse: x\"}\n"                                                   \
    "swap-pair = {2,1}\n"                                                                         \
    "triple = {7,14,21}\n"                                                                        \
    "filter-adults = {{age=18,name=\"Ada\"},{age=40,name=\"Bob\"}}\n"                            \
    "sum-list = 2147483653\n"                                                                     \
    "double-list = {2,-4,6}"

#define MAPPER_WANT                                                                                 \
    "transform-users = {{display=\"Ada [admin, dev]\",id=1,tag-count=2},"                          \
    "{display=\"Bob []\",id=2,tag-count=0},{display=\"Cy [dev]\",id=3,tag-count=1}}\n"             \
    "filter-active = {{display=\"Ada [admin, dev]\",id=1,tag-count=2},"                            \
    "{display=\"Cy [dev]\",id=3,tag-count=1}}\n"                                                   \
    "aggregate-tags = {\"admin\",\"dev\"}"

#define ERRORS_WANT                                                                                 \
    "wrong element = error: failed to call wasm method: transform-users: argument 1 (users): "    \
    "element 2: field \"tags\": expected list<string>, got number\n"                               \
    "wrong enum = error: failed to call wasm method: echo-color: argument 1 (c): \"purple\" is "  \
    "not a case of enum { red, green, blue }\n"                                                    \
    "out of range = error: failed to call wasm method: compute: argument 1 (a): -1 is out of "    \
    "range for u32\n"                                                                              \
    "count = error: t:c-try-divide: parameter count mismatch: expected 2, got 1\n"                 \
    "unknown method = error: t:min-nope: no export \"nope\"; exports: compute, "                   \
    "compute-using-host\n"                                                                         \
    "trap = error: failed to call wasm method: compute-using-host: unresolved host import "       \
    "\"test:minimal/host@0.1.0#add\": no host provides it\n"                                       \
    "still running = 42"

/* Runs Lua entry name; its EXIT value must be a string (returned, malloc'd). */
static char *lua_string(hp_project *p, const char *name)
{
    host_pid pid = hp_spawn(p, name, NULL, 0);
    host_event ev = lua_exit_of(p, pid, 20000);
    ck_assert_msg(ev.error == NULL, "%s: %s", name, ev.error);
    ck_assert_msg(ev.value.kind == HOST_VALUE_STRING, "%s gave no string", name);
    char *s = strdup(ev.value.s);
    host_event_free(&ev);
    return s;
}

/* The docs' Lua spawn script (docs.lua, its three forms) with t:compute
 * the documented component: EXIT value 42. */
START_TEST(minimal_from_lua_docs)
{
    if (!have_fixtures())
        return;
    hp_project p;
    open_all(&p);
    const char *entries[] = { "t:old", "t:new", "t:sel" };
    for (int i = 0; i < 3; i++) {
        host_pid pid = hp_spawn(&p, entries[i], NULL, 0);
        host_event ev = lua_exit_of(&p, pid, 10000);
        ck_assert_msg(ev.error == NULL, "%s: %s", entries[i], ev.error);
        ck_assert_int_eq(ev.value.kind, HOST_VALUE_INT);
        ck_assert_int_eq(ev.value.i, 42);
        host_event_free(&ev);
    }
    hp_close(&p);
}
END_TEST

START_TEST(complex_from_lua)
{
    if (!have_fixtures())
        return;
    hp_project p;
    open_all(&p);
    char *got = lua_string(&p, "t:complex");
    ck_assert_str_eq(got, COMPLEX_WANT);
    free(got);
    got = lua_string(&p, "t:try_divide");
    ck_assert_str_eq(got, "ok");
    free(got);
    hp_close(&p);
}
END_TEST

START_TEST(mapper_from_lua)
{
    if (!have_fixtures())
        return;
    hp_project p;
    open_all(&p);
    char *got = lua_string(&p, "t:mapper");
    ck_assert_str_eq(got, MAPPER_WANT);
    free(got);
    host_pid pid = hp_spawn(&p, "t:tag_count", NULL, 0);
    host_event ev = lua_exit_of(&p, pid, 10000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_eq(ev.value.i, 2);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(errors_from_lua)
{
    if (!have_fixtures())
        return;
    hp_project p;
    open_all(&p);
    char *got = lua_string(&p, "t:errors");
    ck_assert_str_eq(got, ERRORS_WANT);
    free(got);
    hp_close(&p);
}
END_TEST

#endif

Suite *host_component_suite(void)
{
    Suite *s = suite_create("host_component");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, minimal_from_c);
    tcase_add_test(tc, minimal_many);
    tcase_add_test(tc, errors_from_c);
    tcase_add_test(tc, results_from_c);
    tcase_add_test(tc, fuel_limit);
    tcase_add_test(tc, control);
#ifdef WIPPY_LUA
    tcase_add_test(tc, minimal_from_lua_docs);
    tcase_add_test(tc, complex_from_lua);
    tcase_add_test(tc, mapper_from_lua);
    tcase_add_test(tc, errors_from_lua);
#endif
    suite_add_tcase(s, tc);
    return s;
}
