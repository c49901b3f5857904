/* soak_round.c — one storm of the soak: the driver's own processes, what
 * it does to them, and the check of each end against what it predicts.
 *
 * A record per process spawned by the driver keeps what was done to it
 * (cancelled, terminated, handed to a Lua killer, linked to whom: a
 * successful unlink takes the partner off again) and
 * what it owes (an EXIT to the first mailbox when monitored there, one to
 * the second unless a successful unmonitor took it back, a LINK_DOWN to
 * the first when linked to it and failed). The round ends when every debt
 * is paid; the watchdog (soak.c) aborts if that stops getting closer.
 * Uses only the public host.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/soak/soak.h"

typedef enum {
    K_W_VALUE, K_W_TRAP, K_W_SPIN, K_W_SLEEP, K_W_NAP, K_W_YIELD, K_W_QUIT, K_W_FIFO,
    K_L_VALUE, K_L_CRASH, K_L_ECHO, K_L_KILLER, K_L_SPAWNER, K_COUNT
} kind;

static const struct {
    const char *entry;
    int weight;
    bool lua;
} kinds[K_COUNT] = {
    [K_W_VALUE] = { "soak:w_value", 20, false }, [K_W_TRAP] = { "soak:w_trap", 8, false },
    [K_W_SPIN] = { "soak:w_spin", 3, false },    [K_W_SLEEP] = { "soak:w_sleep", 10, false },
    [K_W_NAP] = { "soak:w_nap", 3, false },      [K_W_YIELD] = { "soak:w_yield", 5, false },
    [K_W_QUIT] = { "soak:w_quit", 4, false },    [K_W_FIFO] = { "soak:w_fifo", 5, false },
    [K_L_VALUE] = { "soak:l_value", 12, true },  [K_L_CRASH] = { "soak:l_crash", 6, true },
    [K_L_ECHO] = { "soak:l_echo", 4, true },     [K_L_KILLER] = { "soak:l_killer", 0, true },
    [K_L_SPAWNER] = { "soak:l_spawner", 2, true },
};

#define MAX_PARTNERS 8

typedef struct {
    host_pid pid;
    kind k;
    int64_t want;                   /* the value a value kind must give */
    bool mon_mb, link_mb, mon_mb2, unmon_mb2;
    bool cancelled, terminated, by_killer, before_monitor;
    host_pid partners[MAX_PARTNERS];
    int npartners;
    int exits_mb, exits_mb2, downs_mb, pings, pongs;
    bool ended;
    char *error;                    /* the EXIT's error (NULL: a value) */
    host_value value;
} rec;

static rec *recs;
static size_t nrecs, caprecs;
static soak_ctx *cur;

void soak_finding(soak_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "soak: FINDING: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    c->findings++;
}

static rec *find(host_pid pid)
{
    for (size_t i = 0; i < nrecs; i++)   /* a round has a few hundred */
        if (recs[i].pid == pid)
            return &recs[i];
    return NULL;
}

static const char *fmt_pid(soak_ctx *c, host_pid pid, char *buf)
{
    return host_pid_format(c->rt, pid, buf, 64);
}

/* ---- events ---- */

static void on_event(soak_ctx *c, host_pid box, host_event *ev)
{
    char p[64];
    rec *r = find(ev->from);
    if (r == NULL) {
        soak_finding(c, "event %d for %s, which is not a process of this round (late or duplicate)",
                     ev->kind, fmt_pid(c, ev->from, p));
        return;
    }
    switch (ev->kind) {
    case HOST_EVENT_EXIT:
        atomic_fetch_add(&c->progress, 1);
        if (box == c->mb2) {
            c->exits_mb2++;
            if (++r->exits_mb2 > 1 || !r->mon_mb2 || r->unmon_mb2)
                soak_finding(c, "EXIT #%d of %s to the second mailbox (monitored %d, unmonitored %d)",
                             r->exits_mb2, fmt_pid(c, r->pid, p), r->mon_mb2, r->unmon_mb2);
            return;
        }
        c->exits_mb++;
        if (++r->exits_mb > 1 || !r->mon_mb) {
            soak_finding(c, "EXIT #%d of %s to the first mailbox (monitored %d)", r->exits_mb,
                         fmt_pid(c, r->pid, p), r->mon_mb);
            return;
        }
        r->ended = true;
        r->error = ev->error != NULL ? strdup(ev->error) : NULL;
        r->value = ev->error == NULL ? host_value_copy(&ev->value) : host_nil();
        return;
    case HOST_EVENT_LINK_DOWN:
        c->downs_mb++;
        if (box != c->mb || ++r->downs_mb > 1 || !r->link_mb)
            soak_finding(c, "LINK_DOWN #%d of %s (linked %d)", r->downs_mb, fmt_pid(c, r->pid, p),
                         r->link_mb);
        return;
    case HOST_EVENT_MESSAGE:
        if (r->k == K_L_ECHO && ev->topic != NULL && strcmp(ev->topic, "pong") == 0 && box == c->mb) {
            r->pongs++;
            c->pongs++;
        } else {
            soak_finding(c, "unexpected message \"%s\" from %s", ev->topic ? ev->topic : "",
                         fmt_pid(c, r->pid, p));
        }
        return;
    case HOST_EVENT_CANCEL:
        soak_finding(c, "a CANCEL reached a driver mailbox");
        return;
    }
}

/* Takes what is queued in both mailboxes, waiting up to wait_ns for the first. */
static void drain(soak_ctx *c, int64_t wait_ns)
{
    host_event ev;
    bool first = true;
    for (;;) {
        bool got = false;
        if (host_receive(c->rt, c->mb, &ev, first ? wait_ns : 0)) {
            on_event(c, c->mb, &ev);
            host_event_free(&ev);
            got = true;
        }
        first = false;
        while (host_receive(c->rt, c->mb2, &ev, 0)) {
            on_event(c, c->mb2, &ev);
            host_event_free(&ev);
            got = true;
        }
        if (!got)
            return;
    }
}

/* ---- spawning ---- */

static rec *add(void)
{
    if (nrecs == caprecs) {
        caprecs = caprecs ? 2 * caprecs : 512;
        recs = realloc(recs, caprecs * sizeof *recs);
        if (recs == NULL)
            abort();
    }
    rec *r = &recs[nrecs++];
    memset(r, 0, sizeof *r);
    r->value = host_nil();
    return r;
}

static kind pick_kind(void)
{
    int total = 0;
    for (int k = 0; k < K_COUNT; k++)
        total += kinds[k].weight;
    int x = (int)soak_range(0, total - 1);
    for (int k = 0; k < K_COUNT; k++) {
        if (x < kinds[k].weight)
            return (kind)k;
        x -= kinds[k].weight;
    }
    return K_W_VALUE;
}

/* Spawns one process of kind k with args; monitored from the first
 * mailbox at spawn (sometimes linked too) or just after. */
static rec *spawn(soak_ctx *c, kind k, const host_value *args, size_t nargs, int64_t want)
{
    char err[512];
    int mode = (int)soak_range(0, 99);
    unsigned flags = mode < 70 ? HOST_SPAWN_MONITOR : mode < 85 ? HOST_SPAWN_MONITOR | HOST_SPAWN_LINK : 0;
    host_pid pid = host_spawn(c->rt, c->mb, kinds[k].entry, "soak:procs", args, nargs, flags, err,
                              sizeof err);
    if (pid == 0) {
        c->refused++;
        soak_finding(c, "spawn of %s refused: %s", kinds[k].entry, err);
        return NULL;
    }
    c->spawned++;
    rec *r = add();
    r->pid = pid;
    r->k = k;
    r->want = want;
    r->mon_mb = (flags & HOST_SPAWN_MONITOR) != 0;
    r->link_mb = (flags & HOST_SPAWN_LINK) != 0;
    if (!r->mon_mb) {
        r->mon_mb = host_monitor(c->rt, c->mb, pid);
        if (!r->mon_mb) {           /* it ended already: then it must be gone */
            r->before_monitor = r->ended = true;
            c->before_monitor++;
            char p[64];
            if (host_alive(c->rt, pid))
                soak_finding(c, "monitor of %s refused while it is alive", fmt_pid(c, pid, p));
        }
    }
    if (soak_chance(25))
        c->monitors2 += r->mon_mb2 = host_monitor(c->rt, c->mb2, pid);
    return r;
}

/* A random record of this round that has not ended (as far as the driver knows), or NULL. */
static rec *some_live(kind only)
{
    if (nrecs == 0)
        return NULL;
    for (int tries = 0; tries < 8; tries++) {
        rec *r = &recs[soak_range(0, (int64_t)nrecs - 1)];
        if (!r->ended && (only == K_COUNT || r->k == only))
            return r;
    }
    return NULL;
}

static void spawn_one(soak_ctx *c, kind k)
{
    host_value a[8];
    switch (k) {
    case K_W_VALUE: {
        int64_t x = soak_range(1, 30000), y = soak_range(1, 30000);
        a[0] = host_int(x), a[1] = host_int(y);
        spawn(c, k, a, 2, x * y);
        return;
    }
    case K_W_SLEEP: case K_W_NAP: case K_W_YIELD: case K_W_QUIT: {
        int64_t v = k == K_W_SLEEP ? soak_range(0, 250) : k == K_W_NAP ? 1000
                  : k == K_W_YIELD ? soak_range(1, 3000) : soak_range(0, 120);
        a[0] = host_int(v);
        spawn(c, k, a, 1, v);
        return;
    }
    case K_W_FIFO:
        a[0] = host_int(soak_range(0, SOAK_FIFOS - 1));
        spawn(c, k, a, 1, 0);
        return;
    case K_L_VALUE: {
        int64_t x = soak_range(1, 100000);
        a[0] = host_int(x), a[1] = host_int(soak_range(0, 1) ? 0 : soak_range(1, 80));
        spawn(c, k, a, 2, x + 1);
        return;
    }
    case K_L_CRASH:
        a[0] = host_int(soak_range(0, 40));
        spawn(c, k, a, 1, 0);
        return;
    case K_L_SPAWNER:
        a[0] = host_int((int64_t)(soak_rand() >> 16)), a[1] = host_int(soak_range(2, 10));
        spawn(c, k, a, 2, 0);
        return;
    case K_L_KILLER: {
        /* targets first: what a killer may do to them is known before it runs */
        rec *targets[6];
        int n = 0;
        for (int i = 0; i < 6; i++)
            if ((targets[n] = some_live(K_COUNT)) != NULL)
                n++;
        a[0] = host_int((int64_t)(soak_rand() >> 16));
        char p[64];
        for (int i = 0; i < n; i++) {
            targets[i]->by_killer = true;
            fmt_pid(c, targets[i]->pid, p);
            a[1 + i] = host_string(p, strlen(p));
        }
        spawn(c, k, a, 1 + (size_t)n, 0);
        for (int i = 0; i < n; i++)
            host_value_free(&a[1 + i]);
        return;
    }
    default:
        spawn(c, k, NULL, 0, 0);
        return;
    }
}

/* ---- acting ---- */

static void add_partner(rec *r, host_pid other)
{
    for (int i = 0; i < r->npartners; i++)
        if (r->partners[i] == other)
            return;
    if (r->npartners < MAX_PARTNERS)
        r->partners[r->npartners++] = other;
}

static void drop_partner(rec *r, host_pid other)
{
    for (int i = 0; i < r->npartners; i++)
        if (r->partners[i] == other) {
            r->partners[i] = r->partners[--r->npartners];
            return;
        }
}

static void act(soak_ctx *c)
{
    int x = (int)soak_range(0, 99);
    rec *r = some_live(K_COUNT), *o;
    if (x < 12) {
        if (r != NULL && host_cancel(c->rt, r->pid, "drv"))
            r->cancelled = true, c->cancels++;
    } else if (x < 18) {
        if (r != NULL && host_terminate(c->rt, r->pid))
            r->terminated = true, c->terminates++;
    } else if (x < 30) {
        /* a pair linked: only while both have room for one more partner */
        o = some_live(K_COUNT);
        if (r != NULL && o != NULL && r != o && r->npartners < MAX_PARTNERS &&
            o->npartners < MAX_PARTNERS && host_link(c->rt, r->pid, o->pid)) {
            add_partner(r, o->pid);
            add_partner(o, r->pid);
            c->links++;
        }
    } else if (x < 34) {
        /* after a successful unlink neither may end by the other's failure */
        if (r != NULL && r->npartners > 0 && host_unlink(c->rt, r->pid, r->partners[0])) {
            c->unlinks++;
            if ((o = find(r->partners[0])) != NULL)
                drop_partner(o, r->pid);
            drop_partner(r, r->partners[0]);
        }
    } else if (x < 42) {
        if (r != NULL && r->mon_mb2 && !r->unmon_mb2)
            c->unmonitors2 += r->unmon_mb2 = host_unmonitor(c->rt, c->mb2, r->pid);
        else if (r != NULL && !r->mon_mb2)
            c->monitors2 += r->mon_mb2 = host_monitor(c->rt, c->mb2, r->pid);
    } else if (x < 60) {
        rec *e = some_live(K_L_ECHO);
        char err[256];
        host_value v = host_int(soak_range(0, 1000));
        if (e != NULL && host_send(c->rt, c->mb, e->pid, "ping", &v, 1, err, sizeof err))
            e->pings++, c->pings++;
    } else if (x < 66) {
        char b = 'x';
        if (write(c->project->fifo_fd[soak_range(0, SOAK_FIFOS - 1)], &b, 1) == 1)
            c->fifo_writes++;
    } else if (x < 68) {
        spawn_one(c, K_L_KILLER);
    } else if (x < 80) {
        spawn_one(c, pick_kind());
    } else if (x < 90) {
        drain(c, soak_range(0, 2) * 1000000);
    } else {
        struct timespec ts = { 0, (long)soak_range(0, 1500) * 1000 };
        nanosleep(&ts, NULL);
    }
}

/* ---- the check of one end ---- */

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Reads "kids=K exits=E downs=D cancels=C" into the totals. */
static bool spawner_value(soak_ctx *c, const host_value *v)
{
    long k, e, d, n;
    if (v->kind != HOST_VALUE_STRING || sscanf(v->s, "kids=%ld exits=%ld downs=%ld cancels=%ld", &k, &e, &d, &n) != 4)
        return false;
    c->lua_kids += k, c->lua_exits += e, c->lua_downs += d;
    return true;
}

/* An echo's "stop:N" or "cancel:REASON:N": N must be the pongs the driver got. */
static bool echo_value(const rec *r, const host_value *v)
{
    if (v->kind != HOST_VALUE_STRING)
        return false;
    const char *n;
    if (starts(v->s, "stop:"))
        n = v->s + 5;
    else if (starts(v->s, "cancel:drv:") && r->cancelled)
        n = v->s + 11;
    else if (starts(v->s, "cancel:by-lua:") && r->by_killer)
        n = v->s + 14;
    else
        return false;
    return atol(n) == r->pongs && r->pongs <= r->pings;
}

static bool value_ok(soak_ctx *c, const rec *r)
{
    const host_value *v = &r->value;
    bool is_int = v->kind == HOST_VALUE_INT;
    switch (r->k) {
    case K_W_VALUE: case K_W_SLEEP: case K_W_YIELD: case K_W_QUIT: case K_L_VALUE:
        return is_int && v->i == r->want;
    case K_W_FIFO:
        return is_int && v->i >= 1 && v->i <= 16;
    case K_L_ECHO:
        return echo_value(r, v);
    case K_L_KILLER:
        return is_int && v->i >= 0;
    case K_L_SPAWNER:
        return spawner_value(c, v);
    default:
        return false;               /* traps, spins, naps, crashes never give a value */
    }
}

/* Whether an error is one this record could end with. */
static bool error_ok(soak_ctx *c, const rec *r, const char *e)
{
    bool wasm = !kinds[r->k].lua;
    if (strcmp(e, "terminated") == 0)
        return r->terminated || r->by_killer;
    if (strcmp(e, "cancelled: drv") == 0)
        return wasm && r->cancelled;
    if (strcmp(e, "cancelled: by-lua") == 0)
        return wasm && r->by_killer;
    if (starts(e, "linked process ")) {
        char p[64];
        for (int i = 0; i < r->npartners; i++) {
            fmt_pid(c, r->partners[i], p);
            size_t n = strlen("linked process ");
            if (strncmp(e + n, p, strlen(p)) != 0 || !starts(e + n + strlen(p), " failed: "))
                continue;
            const char *why = e + n + strlen(p) + strlen(" failed: ");
            rec *partner = find(r->partners[i]);
            if (partner == NULL || partner->before_monitor || !partner->ended)
                return true;
            return partner->error != NULL && strcmp(partner->error, why) == 0;
        }
        return false;
    }
    if (starts(e, "execution time limit exceeded: "))
        return r->k == K_W_SPIN || r->k == K_W_NAP || r->k == K_W_FIFO;
    if (starts(e, "failed to call wasm method: crash: unreachable"))
        return r->k == K_W_TRAP;
    if (strstr(e, "LEDGER") != NULL)
        return false;
    if (strstr(e, "soak crash") != NULL)
        return r->k == K_L_CRASH;
    return false;
}

static void check(soak_ctx *c, rec *r)
{
    char p[64];
    c->ended++;
    if (r->before_monitor)
        return;                     /* ended before the monitor: the log ledger has it */
    if (r->error == NULL) {
        c->values++;
        if (!value_ok(c, r)) {
            char *text = NULL;
            size_t len = 0;
            FILE *m = open_memstream(&text, &len);
            if (m != NULL) {
                host_value_write_json(&r->value, m);
                fclose(m);
            }
            soak_finding(c, "%s %s ended with a value it could not give: %s (want %lld, pongs %d)",
                         kinds[r->k].entry, fmt_pid(c, r->pid, p), text ? text : "?",
                         (long long)r->want, r->pongs);
            free(text);
        }
        return;
    }
    c->errors++;
    if (!error_ok(c, r, r->error))
        soak_finding(c, "%s %s ended with an error it could not get: \"%.300s\" (cancelled %d, "
                     "terminated %d, killer %d, partners %d)", kinds[r->k].entry,
                     fmt_pid(c, r->pid, p), r->error, r->cancelled, r->terminated, r->by_killer,
                     r->npartners);
}

/* Whether every debt of the round is paid. */
static bool settled(void)
{
    for (size_t i = 0; i < nrecs; i++) {
        const rec *r = &recs[i];
        if (r->mon_mb && r->exits_mb == 0)
            return false;
        if (r->mon_mb2 && !r->unmon_mb2 && r->exits_mb2 == 0)
            return false;
        if (r->link_mb && r->ended && r->error != NULL && r->downs_mb == 0)
            return false;
    }
    return true;
}

void soak_round(soak_ctx *c, int round)
{
    (void)round;
    cur = c;
    nrecs = 0;
    int n = (int)soak_range(20, 200);
    for (int i = 0; i < n; i++) {
        spawn_one(c, pick_kind());
        if (soak_chance(10))
            act(c);
    }
    for (int i = 0, acts = (int)soak_range(n, 3 * n); i < acts; i++)
        act(c);
    /* over: the echoes are told to stop, then every debt is waited for */
    char err[256];
    for (size_t i = 0; i < nrecs; i++)
        if (recs[i].k == K_L_ECHO && !recs[i].ended)
            host_send(c->rt, c->mb, recs[i].pid, "stop", NULL, 0, err, sizeof err);
    while (!settled())
        drain(c, 20 * 1000000);
    drain(c, 0);
    for (size_t i = 0; i < nrecs; i++)
        check(c, &recs[i]);         /* all first: a check reads its partners' errors */
    for (size_t i = 0; i < nrecs; i++) {
        free(recs[i].error);
        host_value_free(&recs[i].value);
    }
    nrecs = 0;
}

void soak_round_dump(FILE *f)
{
    char p[64];
    size_t shown = 0;
    for (size_t i = 0; i < nrecs && shown < 50; i++) {
        const rec *r = &recs[i];
        bool open = (r->mon_mb && r->exits_mb == 0) || (r->mon_mb2 && !r->unmon_mb2 && r->exits_mb2 == 0) ||
                    (r->link_mb && r->ended && r->error != NULL && r->downs_mb == 0);
        if (!open)
            continue;
        shown++;
        fprintf(f, "  waiting for %s %s: exits %d/%d (second %d, mon %d unmon %d), downs %d (linked %d), "
                   "cancelled %d terminated %d killer %d partners %d pings %d pongs %d\n",
                kinds[r->k].entry, fmt_pid(cur, r->pid, p), r->exits_mb, r->mon_mb, r->exits_mb2,
                r->mon_mb2, r->unmon_mb2, r->downs_mb, r->link_mb, r->cancelled, r->terminated,
                r->by_killer, r->npartners, r->pings, r->pongs);
    }
}
