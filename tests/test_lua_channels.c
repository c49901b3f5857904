/* test_lua_channels.c — the Lua core Wippy loads into every process, with
 * real processes: `channel` as a global (no require), channel.new between
 * coroutines (buffered, unbuffered, a full channel parking its sender,
 * close, select with send and receive cases and a timer, receive with a
 * timeout, the errors), fixtures in tests/lua/channels.lua; and Wippy's
 * own process test, call_process_wasm.lua in its shape (tests/lua/wippy/),
 * against the documented compute_worker binary (minimal_component.wasm of
 * COMPONENTS_DIR, by path) under Wippy's own entry and host names; and
 * process.registry (tests/lua/registry.lua). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/host.h"
#include "tests/test_host_project.h"
#include "tests/test_lua.h"

#ifdef WIPPY_LUA

/* Runs METHOD of channels.lua and returns its string result (malloc'd). */
static char *run(hp_project *p, const char *entry)
{
    host_pid pid = hp_spawn(p, entry, NULL, 0);
    host_event ev = lua_exit_of(p, pid, 10000);
    ck_assert_msg(ev.error == NULL, "%s: %s", entry, ev.error);
    ck_assert_int_eq(ev.value.kind, HOST_VALUE_STRING);
    char *s = strndup(ev.value.s, ev.value.len);
    host_event_free(&ev);
    return s;
}

#define ENTRY(name) lua_entry(name, "channels.lua", name, NULL)

START_TEST(channel_semantics)
{
    hp_project p;
    hp_open(&p, 2, 0, ENTRY("buffered"), ENTRY("full_parks"), ENTRY("unbuffered"),
            ENTRY("select_cases"), ENTRY("receive_timeout"), ENTRY("errors"),
            lua_entry("globals", "channels.lua", "globals", "    modules: [time]\n"), NULL);
    struct {
        const char *entry, *want;
    } cases[] = {
        { "t:buffered", "a true b true nil false" },
        { "t:full_parks", "sent1 main got1 sent2 got2 sent3 got3" },
        { "t:unbuffered", "false x true true" },
        { "t:select_cases", "from b|true|true|to a false|true false|true" },
        { "t:receive_timeout", "nil false true" },
        { "t:globals", "table function function function true" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = run(&p, cases[i].entry);
        ck_assert_msg(strcmp(got, cases[i].want) == 0, "%s: got \"%s\", want \"%s\"",
                      cases[i].entry, got, cases[i].want);
        free(got);
    }
    char *errs = run(&p, "t:errors");
    const char *want[] = {
        "send on a closed channel\n",
        "close of a closed channel\n",
        "channel receive: deadlock: the process's own coroutine waits on a channel",
        "channel:send: only a channel made by channel.new can be sent to\n",
        "a channel's capacity is from 0 (unbuffered) to 1000000",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(errs, want[i]) != NULL, "no \"%s\" in:\n%s", want[i], errs);
    free(errs);
    hp_close(&p);
}
END_TEST

/* process.registry: Wippy's return forms, a taken name, a message to a
 * name, release at the end, unregister. */
START_TEST(registry_names)
{
    hp_project p;
    hp_open(&p, 2, 0, lua_entry("names", "registry.lua", "names", NULL),
            lua_entry("try_register", "registry.lua", "try_register", NULL),
            lua_entry("named", "registry.lua", "named", NULL), NULL);
    char *got = run(&p, "t:names");
    ck_assert_str_eq(got, "true\n"
                          "true\n"
                          "true\n"
                          "nil name already registered: svc.a\n"
                          "true true\n"
                          "true\n"
                          "by name\n"
                          "nil name not found: svc.b\n"
                          "true\n"
                          "nil name not found: svc.a\n"
                          "nil name not registered: svc.a\n"
                          "nil process not found\n"
                          "nil a process name has 1 to 256 bytes");
    free(got);
    hp_close(&p);
}
END_TEST

/* ---- Wippy's call_process_wasm.lua ---- */

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
}

START_TEST(wippy_call_process_wasm)
{
    char dir[64] = "/tmp/wippy-app-XXXXXX", src[128], text[2048];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(src, sizeof src, "%s/src", dir);
    ck_assert_int_eq(mkdir(src, 0755), 0);
    /* Wippy's names: the host app:wasm_processes, the worker
     * app.test.wasm:compute_component_process (the documented
     * compute_worker, with its documented hash), the test app.test. */
    write_file(src, "app.yaml",
               "version: \"1.0\"\nnamespace: app\nentries:\n"
               "  - name: wasm_processes\n    kind: process.host\n"
               "    host:\n      workers: 2\n    lifecycle:\n      auto_start: true\n");
    snprintf(text, sizeof text,
             "version: \"1.0\"\nnamespace: app.test.wasm\nentries:\n"
             "  - name: wasm_binaries\n    kind: fs.directory\n    directory: %s/wippy\n"
             "  - name: compute_component_process\n    kind: process.wasm\n"
             "    fs: app.test.wasm:wasm_binaries\n    path: /minimal_component.wasm\n"
             "    hash: sha256:292b796376f8b4cc360acf2ea6b82d1084871c3607a079f30b446da8e5c984a4\n"
             "    method: compute\n",
             TEST_COMPONENTS_DIR);
    write_file(src, "wasm.yaml", text);
    snprintf(text, sizeof text,
             "version: \"1.0\"\nnamespace: app.test\nentries:\n"
             "  - name: assert2\n    kind: library.lua\n"
             "    source: file://%s/tests/lua/wippy/assert2.lua\n"
             "  - name: call_process_wasm\n    kind: process.lua\n"
             "    source: file://%s/tests/lua/wippy/call_process_wasm.lua\n"
             "    method: main\n    modules: [time]\n"
             "    imports: {assert2: app.test:assert2}\n",
             TEST_SOURCE_DIR, TEST_SOURCE_DIR);
    write_file(src, "test.yaml", text);

    cfg_options opts = { .project_dir = dir };
    cfg_registry *reg = cfg_load(&opts);
    ck_assert_ptr_nonnull(reg);
    ck_assert_msg(cfg_error_count(reg) == 0, "configuration error: %s",
                  cfg_error_count(reg) ? cfg_error_at(reg, 0)->text : "");
    host_options ho = { 0 };
    char err[4096];
    host_runtime *rt = host_runtime_new(reg, &ho, err, sizeof err);
    ck_assert_msg(rt != NULL, "runtime: %s", err);
    ck_assert_msg(host_runtime_start(rt, err, sizeof err), "start: %s", err);
    host_pid mb = host_mailbox_open(rt);
    host_pid pid = host_spawn(rt, mb, "app.test:call_process_wasm", "app:wasm_processes", NULL, 0,
                              HOST_SPAWN_MONITOR, err, sizeof err);
    ck_assert_msg(pid != 0, "spawn: %s", err);
    host_event ev;
    ck_assert(host_receive(rt, mb, &ev, 10000000000LL));
    ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
    ck_assert_msg(ev.error == NULL, "call_process_wasm: %s", ev.error);
    /* main() returns true, or false and why. */
    ck_assert_msg(ev.value.kind == HOST_VALUE_BOOL && ev.value.b, "call_process_wasm returned false");
    host_event_free(&ev);
    host_runtime_free(rt);
    cfg_free(reg);
    remove_file(src, "app.yaml");
    remove_file(src, "wasm.yaml");
    remove_file(src, "test.yaml");
    rmdir(src);
    rmdir(dir);
}
END_TEST

#endif

Suite *lua_channels_suite(void)
{
    Suite *s = suite_create("lua_channels");
    TCase *tc = tcase_create("lua_channels");
    tcase_set_timeout(tc, 60);
#ifdef WIPPY_LUA
    tcase_add_test(tc, channel_semantics);
    tcase_add_test(tc, wippy_call_process_wasm);
    tcase_add_test(tc, registry_names);
#endif
    suite_add_tcase(s, tc);
    return s;
}
