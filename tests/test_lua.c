/* test_lua.c — process.lua entries: the Wippy docs' script returning 42
 * through both event forms (and channel.select), arguments and results,
 * errors with file:line (runtime, syntax, missing method, require of an
 * unlisted or unknown module), the sandbox, the memory limit, a busy loop
 * preempted and ended by max_execution_ms, sleeping without holding the
 * worker, messages both ways, topics, cancel and terminate, exec.
 * Built without Lua (LUA=0): spawns of process.lua entries are refused
 * with a clear error. The fixtures are the files of tests/lua/. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "tests/test_host_project.h"
#include "tests/test_lua.h"

#define BASIC "wasm/host_basic.wasm"

char *lua_entry(const char *name, const char *file, const char *method, const char *extra)
{
    size_t n = 512 + strlen(name) + strlen(file) + strlen(method) + (extra ? strlen(extra) : 0);
    char *s = malloc(n);
    ck_assert_ptr_nonnull(s);
    snprintf(s, n,
             "  - name: %s\n"
             "    kind: process.lua\n"
             "    source: file://%s/tests/lua/%s\n"
             "    method: %s\n"
             "%s%s",
             name, TEST_SOURCE_DIR, file, method,
             extra && strstr(extra, "modules:") ? "" : "    modules: [process, time, channel]\n",
             extra ? extra : "");
    return s;
}

host_event lua_exit_of(hp_project *p, host_pid pid, int ms)
{
    host_event ev = hp_next(p, ms);
    ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
    ck_assert_uint_eq(ev.from, pid);
    return ev;
}

#ifdef WIPPY_LUA

/* Spawns entry and returns its EXIT error (malloc'd), failing on a value. */
static char *error_of(hp_project *p, const char *entry)
{
    host_pid pid = hp_spawn(p, entry, NULL, 0);
    host_event ev = lua_exit_of(p, pid, 10000);
    ck_assert_msg(ev.error != NULL, "%s ended without an error", entry);
    char *e = strdup(ev.error);
    host_event_free(&ev);
    return e;
}

START_TEST(docs_script_returns_42)
{
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("compute", BASIC, "compute", NULL),
            lua_entry("old", "docs.lua", "old_form", NULL), lua_entry("new", "docs.lua", "new_form", NULL),
            lua_entry("sel", "docs.lua", "select_form", NULL), NULL);
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

START_TEST(arguments_and_results)
{
    hp_project p;
    hp_open(&p, 2, 0, lua_entry("echo", "basic.lua", "echo", NULL),
            lua_entry("value", "basic.lua", "value", NULL), NULL);
    host_value args[] = { host_int(6), host_float(2.5), host_string("hi", 2), host_bool(true),
                          host_nil(), host_uint(UINT64_MAX) };
    host_pid pid = hp_spawn(&p, "t:echo", args, 6);
    host_value_free(&args[2]);
    host_event ev = lua_exit_of(&p, pid, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_str_eq(ev.value.s, "integer 6 float 2.5 string hi boolean true nil nil "
                                 "float 1.844674407371e+19");
    host_event_free(&ev);
    /* Results: each kind comes back as it went in. */
    host_value in[] = { host_int(-3), host_float(0.25), host_bool(false), host_nil() };
    for (int i = 0; i < 4; i++) {
        pid = hp_spawn(&p, "t:value", &in[i], 1);
        ev = lua_exit_of(&p, pid, 5000);
        ck_assert_msg(ev.error == NULL, "%s", ev.error);
        ck_assert_int_eq(ev.value.kind, in[i].kind);
        ck_assert(ev.value.i == in[i].i && ev.value.f == in[i].f && ev.value.b == in[i].b);
        host_event_free(&ev);
    }
    hp_close(&p);
}
END_TEST

START_TEST(errors_name_file_and_line)
{
    hp_project p;
    hp_open(&p, 2, 0, lua_entry("boom", "errors.lua", "boom", NULL),
            lua_entry("index", "errors.lua", "bad_index", NULL),
            lua_entry("unlisted", "errors.lua", "require_unlisted", "    modules: [process]\n"),
            lua_entry("unknown", "errors.lua", "require_unknown", "    modules: [json]\n"),
            lua_entry("missing", "errors.lua", "require_missing", NULL),
            lua_entry("nomethod", "errors.lua", "nope", NULL),
            lua_entry("syntax", "syntax.lua", "main", NULL),
            lua_entry("gc", "errors.lua", "gc", NULL),
            lua_entry("table", "errors.lua", "table_result", NULL), NULL);
    const char *path = TEST_SOURCE_DIR "/tests/lua/";
    char want[512];
    struct {
        const char *entry, *where, *text;
    } cases[] = {
        { "t:boom", "errors.lua:6: ", "boom\n  at " },
        { "t:index", "errors.lua:11: ", "attempt to index a nil value (local 't')" },
        { "t:unlisted", "errors.lua:15: ", "module 'time' is not allowed: t:unlisted does not list it in `modules`" },
        { "t:unknown", "errors.lua:19: ", "module 'json' is not available in this runtime" },
        { "t:missing", "errors.lua:23: ", "module 'nothing' not found: it is neither in the modules nor in the imports of t:missing" },
        { "t:syntax", "syntax.lua:4: ", "unexpected symbol near 'end'" },
        { "t:gc", "errors.lua:35: ", "__gc metamethods are not available to processes" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *e = error_of(&p, cases[i].entry);
        snprintf(want, sizeof want, "%s%s%s", path, cases[i].where, cases[i].text);
        ck_assert_msg(strncmp(e, want, strlen(want)) == 0, "%s: got\n%s\nwant\n%s", cases[i].entry, e, want);
        free(e);
    }
    char *e = error_of(&p, "t:nomethod");
    ck_assert_msg(strstr(e, "errors.lua: method nope not found: the script must return a table "
                         "with a function nope") != NULL, "%s", e);
    free(e);
    e = error_of(&p, "t:table");
    ck_assert_str_eq(e, "lua: the method's result cannot leave the process: item 3: cannot pass "
                        "a function to another process");
    free(e);
    hp_close(&p);
}
END_TEST

START_TEST(sandbox_memory_limit_imports)
{
    hp_project p;
    char lib[512];
    snprintf(lib, sizeof lib,
             "  - {name: mylib, kind: library.lua, source: \"file://%s/tests/lua/lib.lua\"}\n",
             TEST_SOURCE_DIR);
    hp_open(&p, 2, 0, lua_entry("noio", "errors.lua", "no_io", NULL),
            lua_entry("hog", "errors.lua", "hog", "    limits: {max_memory: 2097152}\n"),
            lua_entry("uselib", "basic.lua", "uselib", "    imports: {util: t:mylib}\n"), strdup(lib),
            NULL);
    host_pid lib_user = hp_spawn(&p, "t:uselib", NULL, 0);
    host_event lev = lua_exit_of(&p, lib_user, 5000);
    ck_assert_msg(lev.error == NULL, "%s", lev.error);
    ck_assert_int_eq(lev.value.i, 42);
    host_event_free(&lev);
    host_pid pid = hp_spawn(&p, "t:noio", NULL, 0);
    host_event ev = lua_exit_of(&p, pid, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert(ev.value.kind == HOST_VALUE_BOOL && ev.value.b);
    host_event_free(&ev);
    char *e = error_of(&p, "t:hog");
    ck_assert_msg(!strncmp(e, "not enough memory (the Lua state may hold 2097152 bytes)", 56), "%s", e);
    free(e);
    hp_close(&p);
}
END_TEST

/* A busy loop is preempted: a WASM process on the same (only) worker still
 * runs; limits.max_execution_ms ends the loop. */
START_TEST(busy_loop_preempted_and_limited)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("compute", BASIC, "compute", NULL),
            lua_entry("spin", "basic.lua", "spin", NULL),
            lua_entry("limited", "basic.lua", "spin", "    limits: {max_execution_ms: 200}\n"), NULL);
    host_pid spin = hp_spawn(&p, "t:spin", NULL, 0);
    host_value args[] = { host_int(6), host_int(7) };

    host_pid c = hp_spawn(&p, "t:compute", args, 2);
    host_event ev = lua_exit_of(&p, c, 5000);   /* the spin never ends: it did not starve it */
    ck_assert_int_eq(ev.value.i, 42);
    host_event_free(&ev);
    ck_assert(host_alive(p.rt, spin));
    int64_t t0 = hp_now_ms();
    host_pid limited = hp_spawn(&p, "t:limited", NULL, 0);
    ev = lua_exit_of(&p, limited, 5000);
    ck_assert_str_eq(ev.error, "execution time limit exceeded: 200 ms");
    ck_assert_int_ge(hp_now_ms() - t0, 190);
    host_event_free(&ev);
    ck_assert(host_terminate(p.rt, spin));
    ev = lua_exit_of(&p, spin, 2000);
    ck_assert_str_eq(ev.error, "terminated");
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* time.sleep parks: with one worker, others run meanwhile. */
START_TEST(sleep_does_not_hold_the_worker)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("compute", BASIC, "compute", NULL),
            lua_entry("nap", "basic.lua", "nap", NULL),
            lua_entry("short", "basic.lua", "nap", "    limits: {max_execution_ms: 100}\n"), NULL);
    host_value ms = host_int(500);
    host_pid nap = hp_spawn(&p, "t:nap", &ms, 1);
    host_value args[] = { host_int(2), host_int(3) };
    host_pid c = hp_spawn(&p, "t:compute", args, 2);
    host_event ev = lua_exit_of(&p, c, 3000);   /* first: the nap does not hold the worker */
    host_event_free(&ev);
    ev = lua_exit_of(&p, nap, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_int_ge(ev.value.i, 499);
    ck_assert_int_lt(ev.value.i, 3000);
    host_event_free(&ev);
    /* max_execution_ms ends a long sleep at the limit. */
    ms = host_int(5000);
    int64_t t0 = hp_now_ms();
    host_pid s = hp_spawn(&p, "t:short", &ms, 1);
    ev = lua_exit_of(&p, s, 3000);
    ck_assert_str_eq(ev.error, "execution time limit exceeded: 100 ms");
    ck_assert_int_lt(hp_now_ms() - t0, 2500);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* Messages between C (a mailbox) and a Lua process, both ways. */
START_TEST(messages_with_a_mailbox)
{
    hp_project p;
    hp_open(&p, 2, 0, lua_entry("mirror", "basic.lua", "mirror", NULL),
            lua_entry("topics", "basic.lua", "topics", NULL), NULL);
    char me[64], err[256];
    host_pid_format(p.rt, p.mb, me, sizeof me);
    ck_assert_uint_eq(host_pid_parse(p.rt, me), p.mb);
    host_value args[] = { host_string(me, strlen(me)), host_int(2) };
    host_pid mirror = hp_spawn(&p, "t:mirror", args, 2);
    host_value_free(&args[0]);
    host_value vals[] = { host_int(1), host_string("two", 3), host_float(3.5) };
    ck_assert(host_send(p.rt, p.mb, mirror, "abc", vals, 3, err, sizeof err));
    ck_assert(host_send(p.rt, p.mb, mirror, "x", NULL, 0, err, sizeof err));
    host_value_free(&vals[1]);
    host_event ev = hp_next(&p, 5000);
    ck_assert_int_eq(ev.kind, HOST_EVENT_MESSAGE);
    ck_assert_uint_eq(ev.from, mirror);
    ck_assert_str_eq(ev.topic, "ABC");
    ck_assert_uint_eq(ev.npayload, 3);
    ck_assert(ev.payload[0].kind == HOST_VALUE_FLOAT && ev.payload[0].f == 3.5);
    ck_assert_str_eq(ev.payload[1].s, "two");
    ck_assert_int_eq(ev.payload[2].i, 1);
    host_event_free(&ev);
    ev = hp_next(&p, 5000);
    ck_assert_str_eq(ev.topic, "X");
    ck_assert_uint_eq(ev.npayload, 0);
    host_event_free(&ev);
    ev = lua_exit_of(&p, mirror, 5000);
    ck_assert_int_eq(ev.value.i, 2);
    host_event_free(&ev);
    /* To a process that is gone. */
    ck_assert(!host_send(p.rt, p.mb, mirror, "late", NULL, 0, err, sizeof err));
    ck_assert_str_eq(err, "process not found");

    /* listen(topic) takes its topic; the inbox the rest. */
    host_value to = host_string(me, strlen(me));
    host_pid topics = hp_spawn(&p, "t:topics", &to, 1);
    host_value_free(&to);
    ev = hp_next(&p, 5000);
    ck_assert_str_eq(ev.topic, "ready");
    host_event_free(&ev);
    host_value one = host_int(1), two = host_int(2);
    ck_assert(host_send(p.rt, p.mb, topics, "b", &two, 1, err, sizeof err));
    ck_assert(host_send(p.rt, p.mb, topics, "a", &one, 1, err, sizeof err));
    ev = lua_exit_of(&p, topics, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_str_eq(ev.value.s, "a1 b2 nil false");
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(cancel_terminate_exec)
{
    hp_project p;
    hp_open(&p, 2, 0, hp_entry("compute", BASIC, "compute", NULL), hp_entry("crash", BASIC, "crash", NULL),
            hp_entry("echo", "wasm/host_strings.wasm", "echo",
                     "    wit: |\n      echo: func(s: string) -> string;\n"),
            lua_entry("wait", "basic.lua", "wait", NULL), lua_entry("graceful", "basic.lua", "graceful", NULL),
            lua_entry("exec", "basic.lua", "exec", NULL), NULL);
    /* A Lua process reads its CANCEL and ends as it likes. */
    host_pid g = hp_spawn(&p, "t:graceful", NULL, 0);
    ck_assert(host_cancel(p.rt, g, "enough"));
    host_event ev = lua_exit_of(&p, g, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_str_eq(ev.value.s, "stopped: enough");
    host_event_free(&ev);
    /* ... and the older receive() gives it too. */
    host_pid w = hp_spawn(&p, "t:wait", NULL, 0);
    ck_assert(host_cancel(p.rt, w, "please"));
    ev = lua_exit_of(&p, w, 5000);
    ck_assert_str_eq(ev.value.s, "CANCEL please");
    host_event_free(&ev);
    /* Terminate ends one parked in receive at once. */
    w = hp_spawn(&p, "t:wait", NULL, 0);
    ck_assert(hp_quiet(&p, 50));
    ck_assert(host_terminate(p.rt, w));
    ev = lua_exit_of(&p, w, 2000);
    ck_assert_str_eq(ev.error, "terminated");
    host_event_free(&ev);
    /* exec waits for the result, or the error. */
    host_value args[] = { host_string("t:compute", 9), host_int(6), host_int(7) };
    host_pid x = hp_spawn(&p, "t:exec", args, 3);
    host_value_free(&args[0]);
    ev = lua_exit_of(&p, x, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_str_eq(ev.value.s, "42|nil");
    host_event_free(&ev);
    host_value crash = host_string("t:crash", 7);
    x = hp_spawn(&p, "t:exec", &crash, 1);
    host_value_free(&crash);
    ev = lua_exit_of(&p, x, 5000);
    ck_assert_msg(!strncmp(ev.value.s, "nil|failed to call wasm method: crash: unreachable", 50), "%s",
                  ev.value.s);
    host_event_free(&ev);
    /* A Lua string to a wit: string parameter, and the string back. */
    host_value sargs[] = { host_string("t:echo", 6), host_string("héllo", 6) };
    x = hp_spawn(&p, "t:exec", sargs, 2);
    host_value_free(&sargs[0]);
    host_value_free(&sargs[1]);
    ev = lua_exit_of(&p, x, 5000);
    ck_assert_str_eq(ev.value.s, "héllo|nil");
    host_event_free(&ev);
    host_value nope = host_string("t:nope", 6);
    x = hp_spawn(&p, "t:exec", &nope, 1);
    host_value_free(&nope);
    ev = lua_exit_of(&p, x, 5000);
    ck_assert_str_eq(ev.value.s, "nil|process entry not found: t:nope");
    host_event_free(&ev);
    /* Left waiting (parked with no one): closing the runtime ends it. */
    hp_spawn(&p, "t:wait", NULL, 0);
    ck_assert(hp_quiet(&p, 20));
    hp_close(&p);
}
END_TEST

/* The script's own coroutines: waits and preemption inside them reach the
 * host; the rest works as in Lua. */
START_TEST(coroutines_of_the_script)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("compute", BASIC, "compute", NULL),
            lua_entry("wait", "coro.lua", "wait_inside", NULL), lua_entry("plain", "coro.lua", "plain", NULL),
            lua_entry("busy", "coro.lua", "busy_inside", NULL),
            lua_entry("sort", "coro.lua", "wait_in_sort", NULL),
            lua_entry("stuck", "coro.lua", "busy_in_sort", NULL),
            lua_entry("stuck_limited", "coro.lua", "busy_in_sort", "    limits: {max_execution_ms: 100}\n"),
            NULL);
    host_pid w = hp_spawn(&p, "t:wait", NULL, 0);
    host_event ev = lua_exit_of(&p, w, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_str_eq(ev.value.s, "slept nil done true 2 true 20 false cannot resume dead coroutine");
    host_event_free(&ev);
    host_pid pl = hp_spawn(&p, "t:plain", NULL, 0);
    ev = lua_exit_of(&p, pl, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_str_eq(ev.value.s, "55 false " TEST_SOURCE_DIR "/tests/lua/coro.lua:41: inner false table");
    host_event_free(&ev);
    /* One worker: the busy coroutine is preempted, the WASM process runs. */
    host_pid busy = hp_spawn(&p, "t:busy", NULL, 0);
    host_value args[] = { host_int(6), host_int(7) };
    host_pid c = hp_spawn(&p, "t:compute", args, 2);
    ev = lua_exit_of(&p, c, 5000);
    ck_assert_int_eq(ev.value.i, 42);
    host_event_free(&ev);
    ck_assert(host_terminate(p.rt, busy));
    ev = lua_exit_of(&p, busy, 5000);
    ck_assert_str_eq(ev.error, "terminated");
    host_event_free(&ev);
    char *e = error_of(&p, "t:sort");
    ck_assert_msg(strstr(e, "attempt to yield across a C-call boundary") != NULL, "%s", e);
    free(e);
    /* Busy inside a C call (a sort's comparator): ended by a kill, or by
     * the limit, all the same. */
    e = error_of(&p, "t:stuck_limited");
    ck_assert_str_eq(e, "execution time limit exceeded: 100 ms");
    free(e);
    host_pid stuck = hp_spawn(&p, "t:stuck", NULL, 0);
    ck_assert(hp_quiet(&p, 50));
    ck_assert(host_terminate(p.rt, stuck));
    ev = lua_exit_of(&p, stuck, 5000);
    ck_assert_str_eq(ev.error, "terminated");
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

#else /* built with LUA=0 */

START_TEST(lua_left_out)
{
    hp_project p;
    hp_open(&p, 2, 0, lua_entry("old", "docs.lua", "old_form", NULL), NULL);
    char err[512];
    ck_assert(host_spawn(p.rt, p.mb, "t:old", "t:procs", NULL, 0, HOST_SPAWN_MONITOR, err, sizeof err) == 0);
    ck_assert_str_eq(err, "t:old: process.lua entries need Lua 5.4, which this build leaves out "
                          "(built with LUA=0)");
    hp_close(&p);
}
END_TEST

#endif

Suite *lua_suite(void)
{
    Suite *s = suite_create("lua");
    TCase *tc = tcase_create("lua");
    tcase_set_timeout(tc, 60);
#ifdef WIPPY_LUA
    tcase_add_test(tc, docs_script_returns_42);
    tcase_add_test(tc, arguments_and_results);
    tcase_add_test(tc, errors_name_file_and_line);
    tcase_add_test(tc, sandbox_memory_limit_imports);
    tcase_add_test(tc, busy_loop_preempted_and_limited);
    tcase_add_test(tc, sleep_does_not_hold_the_worker);
    tcase_add_test(tc, messages_with_a_mailbox);
    tcase_add_test(tc, cancel_terminate_exec);
    tcase_add_test(tc, coroutines_of_the_script);
#else
    tcase_add_test(tc, lua_left_out);
#endif
    suite_add_tcase(s, tc);
    return s;
}
