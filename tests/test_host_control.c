/* test_host_control.c — monitors, links and control: monitor after the
 * spawn, unmonitor, LINK_DOWN to a mailbox (C code traps links), a linked
 * WASM process ending with its failed partner (it cannot trap links),
 * unlink, no LINK_DOWN after a normal end, cancel of a mailbox (a CANCEL
 * event), pids of ended processes, shutdown with processes left, the
 * -v log's lines kept whole against another writer of the same FILE, and
 * an unlink that wins over the LINK_DOWN of a partner already ending. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "host/host.h"
#include "tests/test_host_project.h"

#define BASIC "wasm/host_basic.wasm"

static void open_basic(hp_project *p)
{
    hp_open(p, 2, 0, hp_entry("spin", BASIC, "spin", NULL), hp_entry("compute", BASIC, "compute", NULL),
            hp_entry("crash", BASIC, "crash", NULL), NULL);
}

/* Spawns with flags from the project's mailbox. */
static host_pid spawn(hp_project *p, const char *entry, unsigned flags, const host_value *args,
                      size_t nargs)
{
    char err[512];
    host_pid pid = host_spawn(p->rt, p->mb, entry, "t:procs", args, nargs, flags, err, sizeof err);
    ck_assert_msg(pid != 0, "%s", err);
    return pid;
}

START_TEST(monitor_later_and_unmonitor)
{
    hp_project p;
    open_basic(&p);
    host_pid a = spawn(&p, "t:spin", 0, NULL, 0);
    host_pid b = spawn(&p, "t:spin", HOST_SPAWN_MONITOR, NULL, 0);
    ck_assert(host_monitor(p.rt, p.mb, a));
    ck_assert(!host_monitor(p.rt, p.mb, 12345));   /* no such process */
    ck_assert(host_unmonitor(p.rt, p.mb, b));
    ck_assert(!host_unmonitor(p.rt, p.mb, b));
    ck_assert(host_terminate(p.rt, b));
    ck_assert(host_terminate(p.rt, a));
    host_event ev = hp_next(&p, 3000);
    ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
    ck_assert_uint_eq(ev.from, a);
    ck_assert_str_eq(ev.error, "terminated");
    host_event_free(&ev);
    ck_assert(hp_quiet(&p, 200));   /* nothing from b: it was unmonitored */
    hp_close(&p);
}
END_TEST

START_TEST(link_down_to_mailbox)
{
    hp_project p;
    open_basic(&p);
    host_pid crash = spawn(&p, "t:crash", HOST_SPAWN_LINK | HOST_SPAWN_MONITOR, NULL, 0);
    bool exit_seen = false, down_seen = false;
    for (int i = 0; i < 2; i++) {
        host_event ev = hp_next(&p, 3000);
        ck_assert_uint_eq(ev.from, crash);
        ck_assert_ptr_nonnull(ev.error);
        ck_assert_msg(!strncmp(ev.error, "failed to call wasm method: crash: unreachable", 46), "%s",
                      ev.error);
        exit_seen |= ev.kind == HOST_EVENT_EXIT;
        down_seen |= ev.kind == HOST_EVENT_LINK_DOWN;
        host_event_free(&ev);
    }
    ck_assert(exit_seen && down_seen);
    /* A normal end sends no LINK_DOWN. */
    host_value args[] = { host_int(2), host_int(3) };
    host_pid ok = spawn(&p, "t:compute", HOST_SPAWN_LINK | HOST_SPAWN_MONITOR, args, 2);
    host_event ev = hp_next(&p, 3000);
    ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
    ck_assert_uint_eq(ev.from, ok);
    ck_assert_int_eq(ev.value.i, 6);
    host_event_free(&ev);
    ck_assert(hp_quiet(&p, 100));
    hp_close(&p);
}
END_TEST

/* Two linked WASM processes: when one is terminated the other ends too. */
START_TEST(linked_processes_fall_together)
{
    hp_project p;
    open_basic(&p);
    host_pid a = spawn(&p, "t:spin", HOST_SPAWN_MONITOR, NULL, 0);
    host_pid b = spawn(&p, "t:spin", HOST_SPAWN_MONITOR, NULL, 0);
    ck_assert(host_link(p.rt, a, b));
    ck_assert(host_terminate(p.rt, b));
    host_event first = hp_next(&p, 3000), second = hp_next(&p, 3000);
    host_event *ea = first.from == a ? &first : &second, *eb = first.from == a ? &second : &first;
    ck_assert_uint_eq(ea->from, a);
    ck_assert_uint_eq(eb->from, b);
    ck_assert_str_eq(eb->error, "terminated");
    char text[128], pid[64];
    snprintf(text, sizeof text, "linked process %s failed: terminated",
             host_pid_format(p.rt, b, pid, sizeof pid));
    ck_assert_str_eq(ea->error, text);
    host_event_free(&first);
    host_event_free(&second);
    hp_close(&p);
}
END_TEST

START_TEST(unlink_keeps_the_other)
{
    hp_project p;
    open_basic(&p);
    host_pid a = spawn(&p, "t:spin", HOST_SPAWN_MONITOR, NULL, 0);
    host_pid b = spawn(&p, "t:spin", HOST_SPAWN_MONITOR, NULL, 0);
    ck_assert(host_link(p.rt, a, b));
    ck_assert(host_unlink(p.rt, b, a));
    ck_assert(!host_unlink(p.rt, b, a));
    ck_assert(!host_link(p.rt, a, a));
    ck_assert(host_cancel(p.rt, b, ""));
    host_event ev = hp_next(&p, 3000);
    ck_assert_uint_eq(ev.from, b);
    ck_assert_str_eq(ev.error, "cancelled");
    host_event_free(&ev);
    ck_assert(hp_quiet(&p, 150));
    ck_assert(host_alive(p.rt, a));
    ck_assert(host_terminate(p.rt, a));
    ev = hp_next(&p, 3000);
    ck_assert_uint_eq(ev.from, a);
    host_event_free(&ev);
    hp_close(&p);
}
END_TEST

START_TEST(mailboxes)
{
    hp_project p;
    open_basic(&p);
    host_pid other = host_mailbox_open(p.rt);
    ck_assert(other != 0 && other != p.mb);
    ck_assert(host_alive(p.rt, other));
    ck_assert(!host_terminate(p.rt, other));        /* only processes are terminated */
    ck_assert(host_cancel(p.rt, other, "stop now"));
    host_event ev;
    ck_assert(host_receive(p.rt, other, &ev, 0));
    ck_assert_int_eq(ev.kind, HOST_EVENT_CANCEL);
    ck_assert_str_eq(ev.error, "stop now");
    host_event_free(&ev);
    ck_assert(!host_receive(p.rt, other, &ev, 0));
    /* A monitor on a mailbox sees it close. */
    ck_assert(host_monitor(p.rt, p.mb, other));
    host_mailbox_close(p.rt, other);
    ck_assert(!host_alive(p.rt, other));
    ev = hp_next(&p, 1000);
    ck_assert_int_eq(ev.kind, HOST_EVENT_EXIT);
    ck_assert_uint_eq(ev.from, other);
    ck_assert_ptr_null(ev.error);
    host_event_free(&ev);
    ck_assert(!host_receive(p.rt, other, &ev, 1000000));
    char text[64];
    host_pid_format(p.rt, other, text, sizeof text);
    ck_assert_msg(!strncmp(text, "{local|0x0000000", 16) && strlen(text) == 18, "%s", text);
    hp_close(&p);
}
END_TEST

/* Freeing the runtime with processes still spinning cancels them; the
 * monitor sees why. */
START_TEST(shutdown_cancels)
{
    hp_project p;
    open_basic(&p);
    host_pid a = spawn(&p, "t:spin", HOST_SPAWN_MONITOR, NULL, 0);
    host_pid other = host_mailbox_open(p.rt);
    ck_assert(host_monitor(p.rt, other, a));
    host_runtime_stop(p.rt);
    host_event ev;
    ck_assert(host_receive(p.rt, other, &ev, 0));
    ck_assert_uint_eq(ev.from, a);
    ck_assert_str_eq(ev.error, "cancelled: runtime shutdown");
    host_event_free(&ev);
    char err[256];
    ck_assert(host_spawn(p.rt, p.mb, "t:spin", "t:procs", NULL, 0, 0, err, sizeof err) == 0);
    ck_assert_str_eq(err, "t:spin: the runtime is stopping");
    hp_close(&p);
}
END_TEST

/* host_unlink() raced against the end of one partner: when it returns
 * true, no LINK_DOWN of that link may come, even if the partner's links
 * were already taken by its end (the window node.c closes). */
typedef struct {
    host_runtime *rt;
    host_pid a, b;
    atomic_bool go;
    bool unlinked;
} unlink_race;

static void *unlinker(void *arg)
{
    unlink_race *u = arg;
    while (!atomic_load(&u->go))
        ;
    u->unlinked = host_unlink(u->rt, u->b, u->a);
    return NULL;
}

START_TEST(unlink_wins_over_a_link_down)
{
    hp_project p;
    open_basic(&p);
    int unlinked = 0;
    for (int i = 0; i < 200; i++) {
        host_pid a = spawn(&p, "t:spin", HOST_SPAWN_MONITOR, NULL, 0);
        host_pid b = spawn(&p, "t:spin", HOST_SPAWN_MONITOR, NULL, 0);
        ck_assert(host_link(p.rt, a, b));
        unlink_race u = { .rt = p.rt, .a = a, .b = b };
        pthread_t t;
        ck_assert_int_eq(pthread_create(&t, NULL, unlinker, &u), 0);
        atomic_store(&u.go, true);
        ck_assert(host_terminate(p.rt, a));
        pthread_join(t, NULL);
        host_event ev = hp_next(&p, 5000);
        ck_assert_uint_eq(ev.from, a);
        host_event_free(&ev);
        /* b ends by the link (only when the unlink lost) or by our terminate */
        host_event eb;
        if (!host_receive(p.rt, p.mb, &eb, 20 * 1000000)) {
            ck_assert(host_terminate(p.rt, b));
            eb = hp_next(&p, 5000);
        }
        ck_assert_uint_eq(eb.from, b);
        if (u.unlinked)
            ck_assert_msg(strcmp(eb.error, "terminated") == 0,
                          "unlink returned true, yet the partner ended with \"%s\"", eb.error);
        unlinked += u.unlinked;
        host_event_free(&eb);
    }
    ck_assert_int_gt(unlinked, 0);
    hp_close(&p);
}
END_TEST

/* The -v log's lines, checked as they arrive: each must be one writer's
 * whole line ("host: ..." or "other: ..."), never one cut by the other. */
typedef struct {
    pthread_mutex_t lock;
    char partial[1024];
    size_t n;
    long lines, broken;
} line_check;

static ssize_t check_write(void *cookie, const char *buf, size_t size)
{
    line_check *c = cookie;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < size; i++) {
        if (buf[i] != '\n') {
            if (c->n + 1 < sizeof c->partial)
                c->partial[c->n++] = buf[i];
            continue;
        }
        c->partial[c->n] = '\0';
        c->lines++;
        bool whole = (!strncmp(c->partial, "host: ", 6) || !strcmp(c->partial, "other: a line")) &&
                     !strstr(c->partial + 1, "host: ") && !strstr(c->partial + 1, "other: ");
        c->broken += !whole;
        c->n = 0;
    }
    pthread_mutex_unlock(&c->lock);
    return (ssize_t)size;
}

static atomic_bool other_stop;

/* Another writer of the log's FILE, one whole line per call (as the
 * supervisor writes its lines). */
static void *other_writer(void *arg)
{
    while (!atomic_load(&other_stop))
        fprintf(arg, "other: a line\n");
    return NULL;
}

START_TEST(log_lines_stay_whole)
{
    line_check c = { .lock = PTHREAD_MUTEX_INITIALIZER };
    FILE *f = fopencookie(&c, "w", (cookie_io_functions_t){ .write = check_write });
    ck_assert_ptr_nonnull(f);
    setvbuf(f, NULL, _IOLBF, 0);
    hp_project p;
    hp_open_log(&p, f, 2, 0, hp_entry("compute", BASIC, "compute", NULL), NULL);
    atomic_store(&other_stop, false);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, other_writer, f), 0);
    host_value args[] = { host_int(2), host_int(3) };
    for (int i = 0; i < 5000; i++) {   /* a "spawn" and an "exit" line each */
        spawn(&p, "t:compute", HOST_SPAWN_MONITOR, args, 2);
        host_event ev = hp_next(&p, 5000);
        host_event_free(&ev);
    }
    atomic_store(&other_stop, true);
    pthread_join(t, NULL);
    hp_close(&p);
    fclose(f);
    ck_assert_int_gt(c.lines, 10000);
    ck_assert_msg(c.broken == 0, "%ld of %ld log lines were cut by another writer", c.broken, c.lines);
}
END_TEST

Suite *host_control_suite(void)
{
    Suite *s = suite_create("host_control");
    TCase *tc = tcase_create("control");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, monitor_later_and_unmonitor);
    tcase_add_test(tc, link_down_to_mailbox);
    tcase_add_test(tc, linked_processes_fall_together);
    tcase_add_test(tc, unlink_keeps_the_other);
    tcase_add_test(tc, mailboxes);
    tcase_add_test(tc, shutdown_cancels);
    tcase_add_test(tc, log_lines_stay_whole);
    tcase_add_test(tc, unlink_wins_over_a_link_down);
    suite_add_tcase(s, tc);
    return s;
}
