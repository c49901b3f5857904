/* test_lua_values.c — tables across process boundaries, with real
 * processes (fixtures in tests/lua/values.lua): a Lua process spawns and
 * execs Lua processes with records (kebab-case keys), lists of records,
 * nested and empty tables, and gets them back as EXIT values and exec
 * results; messages carry them both ways, between Lua processes and with
 * a mailbox; C values reach Lua and come back; what cannot cross (a
 * function, a coroutine, a channel, a cycle, mixed keys, holes, too deep,
 * too large) is refused with an error naming the path to it, in a
 * message, a spawn and a result; a WASM core method given a table says
 * so; the terminal host prints a table result as JSON. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "tests/test_host_project.h"
#include "tests/test_lua.h"

#ifdef WIPPY_LUA

#define BASIC "wasm/host_basic.wasm"
#define ENTRY(name, method) lua_entry(name, "values.lua", method, NULL)

/* show() of the sample table of values.lua. */
#define SAMPLE_SHOWN                                                                             \
    "{flags={read=true,write=true},grid={{1,2},{3,{4,{5}}}},name=\"wippy\",none={},"           \
    "points={{x=1,y=2.5},{x=-3,y=0}},result={ok=\"fine\"},tag-count=3,tags={\"a\",\"b\",\"c\"}}"

static void open_values(hp_project *p)
{
    hp_open(p, 2, 0, hp_entry("compute", BASIC, "compute", NULL), ENTRY("echo", "echo"),
            ENTRY("describe", "describe"), ENTRY("spawner", "spawn_and_exec"),
            ENTRY("ping", "ping_tables"), ENTRY("bounce", "bounce"),
            ENTRY("send_error", "send_error"), ENTRY("depth", "depth"), ENTRY("big", "big"),
            ENTRY("spawn_error", "spawn_error"), ENTRY("wasm_table", "wasm_table"),
            ENTRY("bad_result", "bad_result"), ENTRY("sample", "sample"), ENTRY("list", "list"),
            NULL);
}

/* v as JSON, malloc'd. */
static char *json(const host_value *v)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert(host_value_write_json(v, f));
    fclose(f);
    return text;
}

static void assert_json(const host_value *v, const char *want)
{
    char *got = json(v);
    ck_assert_str_eq(got, want);
    free(got);
}

/* Runs entry with args; returns its EXIT value, which must be a string
 * (malloc'd), failing on an error. */
static char *string_result(hp_project *p, const char *entry, const host_value *args, size_t n)
{
    host_pid pid = hp_spawn(p, entry, args, n);
    host_event ev = lua_exit_of(p, pid, 10000);
    ck_assert_msg(ev.error == NULL, "%s: %s", entry, ev.error);
    ck_assert_msg(ev.value.kind == HOST_VALUE_STRING, "%s gave no string", entry);
    char *s = strdup(ev.value.s);
    host_event_free(&ev);
    return s;
}

/* The same with one string argument. */
static char *string_result_of(hp_project *p, const char *entry, const char *arg)
{
    host_value a = host_string(arg, strlen(arg));
    char *s = string_result(p, entry, &a, 1);
    host_value_free(&a);
    return s;
}

static void assert_result(hp_project *p, const char *entry, const char *arg, const char *want)
{
    char *got = arg != NULL ? string_result_of(p, entry, arg) : string_result(p, entry, NULL, 0);
    ck_assert_msg(strcmp(got, want) == 0, "%s(%s): got\n%s\nwant\n%s", entry, arg ? arg : "", got, want);
    free(got);
}

static void set(host_value *map, const char *key, host_value value)
{
    ck_assert(host_map_set(map, key, strlen(key), value, NULL));
}

static void push(host_value *list, host_value item)
{
    ck_assert(host_list_push(list, item, NULL));
}

/* Lua to Lua: spawn arguments, EXIT values, exec results, messages. */
START_TEST(tables_cross_between_lua_processes)
{
    hp_project p;
    open_values(&p);
    assert_result(&p, "t:spawner", NULL, "{" SAMPLE_SHOWN ",{10,20}}");
    assert_result(&p, "t:ping", NULL, "{1,{2,{3}}} plain 3");
    hp_close(&p);
}
END_TEST

/* C values reach Lua as tables and come back as lists and maps: a map's
 * keys in byte order, an empty map as an empty list (Lua cannot tell). */
START_TEST(c_values_reach_lua_and_come_back)
{
    hp_project p;
    open_values(&p);
    host_value rec = host_map(), points = host_list(0), point = host_map();
    set(&rec, "tag-count", host_int(3));
    set(&rec, "name", host_string("wippy", 5));
    set(&point, "y", host_float(2.5));
    set(&point, "x", host_int(1));
    push(&points, point);
    push(&points, host_list(0));
    set(&rec, "points", points);
    set(&rec, "empty", host_map());
    set(&rec, "big", host_uint(UINT64_MAX));
    host_pid pid = hp_spawn(&p, "t:echo", &rec, 1);
    host_event ev = lua_exit_of(&p, pid, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    assert_json(&ev.value, "{\"big\":1.8446744073709552e+19,\"empty\":[],\"name\":\"wippy\","
                           "\"points\":[{\"x\":1,\"y\":2.5},[]],\"tag-count\":3}");
    host_event_free(&ev);
    /* What Lua sees of it. */
    host_value two[2] = { rec, host_list(0) };
    char *seen = string_result(&p, "t:describe", two, 2);
    ck_assert_str_eq(seen, "{{big=1.844674407371e+19,empty={},name=\"wippy\",points={{x=1,y=2.5},{}},"
                           "tag-count=3},{}}");
    free(seen);
    host_value_free(&two[1]);
    /* A message from a mailbox, bounced back by a Lua process. */
    char me[64], err[256];
    host_pid_format(p.rt, p.mb, me, sizeof me);
    host_value to = host_string(me, strlen(me));
    host_pid bounce = hp_spawn(&p, "t:bounce", &to, 1);
    host_value_free(&to);
    host_value vals[2] = { rec, host_string("x", 1) };
    ck_assert(host_send(p.rt, p.mb, bounce, "data", vals, 2, err, sizeof err));
    ev = hp_next(&p, 5000);
    ck_assert_int_eq(ev.kind, HOST_EVENT_MESSAGE);
    ck_assert_str_eq(ev.topic, "back");
    ck_assert_uint_eq(ev.npayload, 2);
    assert_json(&ev.payload[0], "{\"big\":1.8446744073709552e+19,\"empty\":[],\"name\":\"wippy\","
                                "\"points\":[{\"x\":1,\"y\":2.5},[]],\"tag-count\":3}");
    assert_json(&ev.payload[1], "\"x\"");
    host_event_free(&ev);
    host_value_free(&vals[1]);
    host_value_free(&rec);
    ev = lua_exit_of(&p, bounce, 5000);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* What cannot cross, and where it is. */
START_TEST(what_cannot_cross)
{
    hp_project p;
    open_values(&p);
    static const char keys[] = "(a list has keys 1..n, a record string keys)";
    struct {
        const char *what, *want;
    } cases[] = {
        { "func", "argument 3: field \"tags\"[3]: cannot pass a function to another process" },
        { "coroutine", "argument 3: field \"list\"[1][\"co\"]: cannot pass a thread to another process" },
        { "channel", "argument 3: field \"inbox\": cannot pass a userdata to another process" },
        { "weird", "argument 3: field \"a\\\"b\\x0a\"[1]: cannot pass a function to another process" },
        { "cycle", "argument 3: field \"self\": cannot pass a table that contains itself (a cycle)" },
        { "deep_cycle", "argument 3: item 1[1][1]: cannot pass a table that contains itself (a cycle)" },
        { "holes", "argument 3: cannot pass a table whose integer keys are not 1..2 (it has key 3)" },
        { "zero", "argument 3: cannot pass a table whose integer keys are not 1..1 (it has key 0)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_result(&p, "t:send_error", cases[i].what, cases[i].want);
    char want[256];
    snprintf(want, sizeof want, "argument 3: cannot pass a table with both integer and string keys %s", keys);
    assert_result(&p, "t:send_error", "mixed", want);
    snprintf(want, sizeof want, "argument 3: cannot pass a table with a boolean key %s", keys);
    assert_result(&p, "t:send_error", "boolkey", want);
    snprintf(want, sizeof want, "argument 3: cannot pass a table with a float key %s", keys);
    assert_result(&p, "t:send_error", "floatkey", want);
    /* In a spawn's arguments. */
    assert_result(&p, "t:spawn_error", "func",
                  "argument 4: field \"f\": cannot pass a function to another process");
    assert_result(&p, "t:spawn_error", "deep",
                  "argument 4: item 1[1][1][1][1][1]...[1][1][1][1][1][1]: cannot pass tables "
                  "nested more than 64 deep");
    /* In a result: the EXIT error. */
    const char *bad[][2] = {
        { "func", "lua: the method's result cannot leave the process: field \"handler\"[1]: "
                  "cannot pass a function to another process" },
        { "cycle", "lua: the method's result cannot leave the process: field \"again\"[1]: "
                   "cannot pass a table that contains itself (a cycle)" },
    };
    for (int i = 0; i < 2; i++) {
        host_value a = host_string(bad[i][0], strlen(bad[i][0]));
        host_pid pid = hp_spawn(&p, "t:bad_result", &a, 1);
        host_value_free(&a);
        host_event ev = lua_exit_of(&p, pid, 5000);
        ck_assert_msg(ev.error != NULL, "%s: no error", bad[i][0]);
        ck_assert_str_eq(ev.error, bad[i][1]);
        host_event_free(&ev);
    }
    hp_close(&p);
}
END_TEST

/* 64 tables deep cross, 65 do not; a message weighs at most 1 MiB,
 * counting every value inside. */
START_TEST(depth_and_weight_bounds)
{
    hp_project p;
    open_values(&p);
    host_value n = host_int(64);
    char *s = string_result(&p, "t:depth", &n, 1);
    ck_assert_str_eq(s, "64 bottom");
    free(s);
    n = host_int(65);
    s = string_result(&p, "t:depth", &n, 1);
    ck_assert_str_eq(s, "argument 3: item 1[1][1][1][1][1]...[1][1][1][1][1][1]: cannot pass "
                        "tables nested more than 64 deep");
    free(s);
    host_value args[2] = { host_int(10), host_int(60000) };
    s = string_result(&p, "t:big", args, 2);
    ck_assert_str_eq(s, "sent");
    free(s);
    args[0] = host_int(20);
    s = string_result(&p, "t:big", args, 2);
    char want[256];
    snprintf(want, sizeof want, "argument 3: too large: more than 1048576 bytes (each value counts "
             "%zu, plus the bytes of its strings and keys)", sizeof(host_value));
    ck_assert_str_eq(s, want);
    free(s);
    hp_close(&p);
}
END_TEST

/* A WASM core method's parameters are numbers: a table is refused with
 * the argument named. */
START_TEST(wasm_core_method_refuses_a_table)
{
    hp_project p;
    open_values(&p);
    assert_result(&p, "t:wasm_table", NULL,
                  "failed to call wasm method: compute: argument 2: expected i32, got list");
    hp_close(&p);
}
END_TEST

/* Runs entry t:NAME on the terminal host with one argument (or none):
 * its exit code, and its stdout in out. */
static int run_command(hp_project *p, const char *name, const char *arg, char *out, size_t outlen)
{
    char id[64];
    snprintf(id, sizeof id, "t:%s", name);
    const cfg_entry *e = cfg_lookup(p->reg, id);
    ck_assert_ptr_nonnull(e);
    FILE *fout = tmpfile(), *ferr = tmpfile();
    ck_assert(fout != NULL && ferr != NULL);
    char *argv[] = { (char *)arg, NULL };
    int code = host_run_command(p->rt, e, NULL, arg != NULL, argv, fout, ferr);
    rewind(fout);
    size_t n = fread(out, 1, outlen - 1, fout);
    out[n] = '\0';
    fclose(fout);
    fclose(ferr);
    return code;
}

START_TEST(terminal_prints_a_table_as_json)
{
    hp_project p;
    open_values(&p);
    char out[1024];
    ck_assert_int_eq(run_command(&p, "sample", NULL, out, sizeof out), 0);
    ck_assert_str_eq(out, "{\"flags\":{\"read\":true,\"write\":true},\"grid\":[[1,2],[3,[4,[5]]]],"
                          "\"name\":\"wippy\",\"none\":[],\"points\":[{\"x\":1,\"y\":2.5},"
                          "{\"x\":-3,\"y\":0}],\"result\":{\"ok\":\"fine\"},\"tag-count\":3,"
                          "\"tags\":[\"a\",\"b\",\"c\"],\"text\":\"quote \\\" backslash \\\\ "
                          "newline \\n tab \\t \xc3\xa9\"}\n");
    ck_assert_int_eq(run_command(&p, "list", "3", out, sizeof out), 0);
    ck_assert_str_eq(out, "[1.5,3,4.5]\n");
    ck_assert_int_eq(run_command(&p, "list", "0", out, sizeof out), 0);
    ck_assert_str_eq(out, "[]\n");
    hp_close(&p);
}
END_TEST

#endif

Suite *lua_values_suite(void)
{
    Suite *s = suite_create("lua_values");
    TCase *tc = tcase_create("lua_values");
    tcase_set_timeout(tc, 60);
#ifdef WIPPY_LUA
    tcase_add_test(tc, tables_cross_between_lua_processes);
    tcase_add_test(tc, c_values_reach_lua_and_come_back);
    tcase_add_test(tc, what_cannot_cross);
    tcase_add_test(tc, depth_and_weight_bounds);
    tcase_add_test(tc, wasm_core_method_refuses_a_table);
    tcase_add_test(tc, terminal_prints_a_table_as_json);
#endif
    suite_add_tcase(s, tc);
    return s;
}
