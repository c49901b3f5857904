/* test_lua_control.c — Lua processes among the others: links and monitors
 * across Lua and WASM both ways, a supervisor written in Lua restarting a
 * crashing WASM worker 3 times then giving up, 1,000 Lua processes each
 * spawning a WASM process and receiving its EXIT, a Lua process spawning
 * a Lua process and messaging it, process.service supervising a Lua
 * process, and a Lua command on the terminal host (`wippy run`). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/cli/cli.h"
#include "host/host.h"
#include "tests/test_host_project.h"
#include "tests/test_lua.h"

#ifdef WIPPY_LUA

#define BASIC "wasm/host_basic.wasm"
#define CONTROL "control.lua"

static void open_control(hp_project *p, int workers)
{
    hp_open(p, workers, 0, hp_entry("compute", BASIC, "compute", NULL),
            hp_entry("crash", BASIC, "crash", NULL), hp_entry("spin", BASIC, "spin", NULL),
            lua_entry("linked", CONTROL, "linked_to_crash", NULL),
            lua_entry("trap", CONTROL, "trap_crash", NULL),
            lua_entry("link_fail", CONTROL, "link_and_fail", NULL),
            lua_entry("monitor", CONTROL, "monitor", NULL),
            lua_entry("supervise", CONTROL, "supervise", NULL),
            lua_entry("one", CONTROL, "fanout_one", NULL),
            lua_entry("ping", CONTROL, "ping", NULL), lua_entry("pong", CONTROL, "pong", NULL), NULL);
}

static host_value pid_arg(hp_project *p, host_pid pid)
{
    char text[64];
    host_pid_format(p->rt, pid, text, sizeof text);
    return host_string(text, strlen(text));
}

START_TEST(links_and_monitors_across)
{
    hp_project p;
    open_control(&p, 2);
    /* Lua linked to a crashing WASM process ends with it ... */
    host_pid l = hp_spawn(&p, "t:linked", NULL, 0);
    host_event ev = lua_exit_of(&p, l, 5000);
    ck_assert_msg(ev.error != NULL && !strncmp(ev.error, "linked process {t:procs|0x", 26) &&
                  strstr(ev.error, "failed: failed to call wasm method: crash: unreachable"), "%s",
                  ev.error);
    host_event_free(&ev);
    /* ... unless it traps links: then it reads LINK_DOWN. */
    host_pid t = hp_spawn(&p, "t:trap", NULL, 0);
    ev = lua_exit_of(&p, t, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_msg(!strncmp(ev.value.s, "failed to call wasm method: crash: unreachable", 46), "%s",
                  ev.value.s);
    host_event_free(&ev);
    /* A WASM process linked to a Lua process that fails ends too. */
    host_pid spin = hp_spawn(&p, "t:spin", NULL, 0);
    host_value arg = pid_arg(&p, spin);
    host_pid lf = hp_spawn(&p, "t:link_fail", &arg, 1);
    host_value_free(&arg);
    host_event first = hp_next(&p, 5000), second = hp_next(&p, 5000);
    host_event *elua = first.from == lf ? &first : &second, *ewasm = first.from == lf ? &second : &first;
    ck_assert_uint_eq(elua->from, lf);
    ck_assert_uint_eq(ewasm->from, spin);
    ck_assert_msg(strstr(elua->error, "control.lua:27: lua gave up") != NULL, "%s", elua->error);
    char want[128], text[64];
    snprintf(want, sizeof want, "linked process %s failed: ", host_pid_format(p.rt, lf, text, sizeof text));
    ck_assert_msg(!strncmp(ewasm->error, want, strlen(want)), "%s", ewasm->error);
    host_event_free(&first);
    host_event_free(&second);
    /* Lua monitors a WASM process; C monitors the Lua one. */
    spin = hp_spawn(&p, "t:spin", NULL, 0);
    arg = pid_arg(&p, spin);
    host_pid m = hp_spawn(&p, "t:monitor", &arg, 1);
    host_value_free(&arg);
    ev = hp_next(&p, 5000);                  /* the spin's EXIT (the test monitors it too) */
    ck_assert_uint_eq(ev.from, spin);
    host_event_free(&ev);
    ev = lua_exit_of(&p, m, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_str_eq(ev.value.s, "terminated");
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* The Lua supervisor restarts the crashing worker 3 times, then gives up:
 * four crashes reported, then its result. */
START_TEST(lua_supervisor_gives_up)
{
    hp_project p;
    open_control(&p, 2);
    host_value args[] = { pid_arg(&p, p.mb), host_string("t:crash", 7), host_int(3) };
    host_pid sup = hp_spawn(&p, "t:supervise", args, 3);
    host_value_free(&args[0]);
    host_value_free(&args[1]);
    for (int i = 0; i < 4; i++) {
        host_event ev = hp_next(&p, 5000);
        ck_assert_int_eq(ev.kind, HOST_EVENT_MESSAGE);
        ck_assert_uint_eq(ev.from, sup);
        ck_assert_str_eq(ev.topic, "crashed");
        ck_assert_msg(!strncmp(ev.payload[0].s, "failed to call wasm method: crash: unreachable", 46),
                      "%s", ev.payload[0].s);
        host_event_free(&ev);
    }
    host_event ev = lua_exit_of(&p, sup, 5000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_str_eq(ev.value.s, "gave up after 3 restarts");
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* 1,000 Lua processes, each spawning one WASM process and waiting for
 * its EXIT; every one of them ends with what its child computed. */
START_TEST(thousand_lua_processes)
{
    enum { N = 1000 };
    hp_project p;
    open_control(&p, 2);
    static host_pid pids[N];
    static bool seen[N];
    memset(seen, 0, sizeof seen);
    for (int i = 0; i < N; i++) {
        host_value n = host_int(i);
        pids[i] = hp_spawn(&p, "t:one", &n, 1);
    }
    for (int k = 0; k < N; k++) {
        host_event ev = hp_next(&p, 30000);
        ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
        ck_assert_msg(ev.error == NULL, "%s", ev.error);
        int i = (int)(ev.value.i / 2);
        ck_assert(i >= 0 && i < N && ev.from == pids[i] && !seen[i]);
        seen[i] = true;
        host_event_free(&ev);
    }
    hp_close(&p);
}
END_TEST

/* A Lua process spawns a Lua process and plays ping-pong with it. */
START_TEST(lua_spawns_and_messages_lua)
{
    hp_project p;
    open_control(&p, 2);
    host_value n = host_int(100);
    host_pid ping = hp_spawn(&p, "t:ping", &n, 1);
    host_event ev = lua_exit_of(&p, ping, 10000);
    ck_assert_msg(ev.error == NULL, "%s", ev.error);
    ck_assert_str_eq(ev.value.s, "100 pong done");
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

/* process.service supervises a Lua process like any other: a Lua service
 * that crashes is restarted by its policy, then given up on; the
 * supervisor's log (-v) tells. */
START_TEST(service_runs_lua)
{
    char dir[] = "/tmp/wippy-lua-svc-XXXXXX", path[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/app.yaml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "namespace: t\n"
            "entries:\n"
            "  - {name: procs, kind: process.host, host: {workers: 1}}\n"
            "  - name: crashy\n"
            "    kind: process.lua\n"
            "    source: file://%s/tests/lua/control.lua\n"
            "    method: crash_later\n"
            "    modules: [time]\n"
            "  - name: svc\n"
            "    kind: process.service\n"
            "    process: crashy\n"
            "    host: procs\n"
            "    lifecycle:\n"
            "      auto_start: true\n"
            "      restart: {initial_delay: 10ms, max_attempts: 2, jitter: 0}\n",
            TEST_SOURCE_DIR);
    fclose(f);
    cfg_options opts = { .project_dir = dir };
    cfg_registry *reg = cfg_load(&opts);
    ck_assert_ptr_nonnull(reg);
    ck_assert_msg(cfg_error_count(reg) == 0, "%s", cfg_error_count(reg) ? cfg_error_at(reg, 0)->text : "");
    FILE *log = tmpfile();
    ck_assert_ptr_nonnull(log);
    host_options ho = { .log = log };
    char err[512];
    host_runtime *rt = host_runtime_new(reg, &ho, err, sizeof err);
    ck_assert(rt != NULL && host_runtime_start(rt, err, sizeof err));
    /* Three runs of about 20 ms with 10 and 20 ms between them. */
    bool gave_up = false;
    char line[1024];
    for (int64_t t0 = hp_now_ms(); !gave_up && hp_now_ms() - t0 < 10000;) {
        usleep(20000);
        fflush(log);
        rewind(log);
        while (fgets(line, sizeof line, log) != NULL)
            gave_up |= strstr(line, "service t:svc: exited with error") != NULL &&
                       strstr(line, "giving up after 2 restarts") != NULL;
        fseek(log, 0, SEEK_END);
    }
    host_runtime_free(rt);
    rewind(log);
    int crashes = 0;
    while (fgets(line, sizeof line, log) != NULL)
        crashes += strstr(line, "service t:svc: exited with error \"") != NULL &&
                   strstr(line, "control.lua:113: lua service crashed") != NULL;
    fclose(log);
    ck_assert(gave_up);
    ck_assert_int_eq(crashes, 3);
    cfg_free(reg);
    unlink(path);
    rmdir(dir);
}
END_TEST

/* Runs the CLI with argv; its stdout in out (a buffer of outlen). */
static int run_cli(int argc, char **argv, char *out, size_t outlen)
{
    char out_path[] = "/tmp/wippy-lua-out-XXXXXX", err_path[] = "/tmp/wippy-lua-err-XXXXXX";
    int ofd = mkstemp(out_path), efd = mkstemp(err_path);
    ck_assert(ofd >= 0 && efd >= 0);
    FILE *fout = fdopen(ofd, "w+"), *ferr = fdopen(efd, "w+");
    int status = wippy_cli(argc, argv, fout, ferr);
    rewind(fout);
    size_t n = fread(out, 1, outlen - 1, fout);
    out[n] = '\0';
    fclose(fout);
    fclose(ferr);
    unlink(out_path);
    unlink(err_path);
    return status;
}

/* Lua commands on the terminal host: `wippy --dir examples run spawn-demo`
 * prints 42; `run ping-pong 100` gets its argument as a string. */
START_TEST(cli_runs_lua_commands)
{
    char out[512];
    char *demo[] = { "wippy", "--dir", TEST_SOURCE_DIR "/examples", "run", "spawn-demo", NULL };
    ck_assert_int_eq(run_cli(5, demo, out, sizeof out), 0);
    ck_assert_str_eq(out, "42\n");
    char *ping[] = { "wippy", "--dir", TEST_SOURCE_DIR "/examples", "run", "ping-pong", "100", NULL };
    ck_assert_int_eq(run_cli(6, ping, out, sizeof out), 0);
    ck_assert_msg(!strncmp(out, "100 round trips in ", 19), "%s", out);
}
END_TEST

#endif

Suite *lua_control_suite(void)
{
    Suite *s = suite_create("lua_control");
    TCase *tc = tcase_create("lua_control");
    tcase_set_timeout(tc, 120);
#ifdef WIPPY_LUA
    tcase_add_test(tc, links_and_monitors_across);
    tcase_add_test(tc, lua_supervisor_gives_up);
    tcase_add_test(tc, thousand_lua_processes);
    tcase_add_test(tc, lua_spawns_and_messages_lua);
    tcase_add_test(tc, service_runs_lua);
    tcase_add_test(tc, cli_runs_lua_commands);
#endif
    suite_add_tcase(s, tc);
    return s;
}
