/* soak_ledger.c — the soak's books that do not belong to one round:
 * the seeded PRNG, the host's -v log parsed into a live set of pids (every
 * spawn ends exactly once, whoever spawned it: the driver, a Lua process,
 * the supervisor), the supervisor's restarts and give-ups counted, and the
 * resident set read from /proc. Touches the host only through its log. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/soak/soak.h"

/* ---- PRNG ---- */

static uint64_t rng_state;

void soak_srand(uint64_t seed) { rng_state = seed; }

uint64_t soak_rand(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

int64_t soak_range(int64_t lo, int64_t hi)
{
    return lo + (int64_t)(soak_rand() % (uint64_t)(hi - lo + 1));
}

bool soak_chance(int pct) { return (int)(soak_rand() % 100) < pct; }

/* ---- the live set: pid sequence -> entry id ---- */

typedef struct live_node {
    struct live_node *next;
    uint64_t seq;
    char entry[48];
} live_node;

#define LIVE_BUCKETS 65536

static pthread_mutex_t ledger_lock = PTHREAD_MUTEX_INITIALIZER;
static live_node *live[LIVE_BUCKETS];
static size_t nlive;
static char partial[4096];
static size_t npartial;

soak_log_counts soak_log;

/* The sequence number of the first "{HOST|0xHEX}" in s, or 0. */
static uint64_t pid_seq(const char *s, const char **after)
{
    const char *at = strstr(s, "|0x");
    if (at == NULL)
        return 0;
    char *end;
    uint64_t v = strtoull(at + 3, &end, 16);
    if (*end != '}')
        return 0;
    *after = end + 1;
    return v;
}

static void on_spawn(uint64_t seq, const char *rest)
{
    live_node *n = calloc(1, sizeof *n);
    if (n == NULL)
        abort();
    n->seq = seq;
    sscanf(rest, " %47s", n->entry);
    size_t b = seq % LIVE_BUCKETS;
    n->next = live[b];
    live[b] = n;
    nlive++;
    atomic_fetch_add(&soak_log.spawns, 1);
}

static void on_exit_line(uint64_t seq, const char *line)
{
    atomic_fetch_add(&soak_log.exits, 1);
    atomic_fetch_add(&soak_log.progress, 1);
    if (strstr(line, ": error: ") != NULL)
        atomic_fetch_add(&soak_log.exit_errors, 1);
    for (live_node **at = &live[seq % LIVE_BUCKETS]; *at != NULL; at = &(*at)->next) {
        if ((*at)->seq == seq) {
            live_node *n = *at;
            *at = n->next;
            free(n);
            nlive--;
            return;
        }
    }
    atomic_fetch_add(&soak_log.bad_exits, 1);
    fprintf(stderr, "soak: FINDING: an end of a pid that is not live (ended twice, or never "
                    "spawned): %s\n", line);
}

static void on_line(const char *line)
{
    const char *rest;
    uint64_t seq;
    if (strncmp(line, "host: spawn ", 12) == 0 && (seq = pid_seq(line, &rest)) != 0)
        on_spawn(seq, rest);
    else if (strncmp(line, "host: exit ", 11) == 0 && (seq = pid_seq(line, &rest)) != 0)
        on_exit_line(seq, line);
    else if (strncmp(line, "service ", 8) == 0) {
        if (strstr(line, "; restarting in ") != NULL)
            atomic_fetch_add(&soak_log.restarts, 1);
        if (strstr(line, "; giving up after ") != NULL)
            atomic_fetch_add(&soak_log.gave_up, 1);
        if (strstr(line, ": started {") != NULL)
            atomic_fetch_add(&soak_log.service_starts, 1);
    }
}

static ssize_t log_write(void *cookie, const char *buf, size_t size)
{
    (void)cookie;
    pthread_mutex_lock(&ledger_lock);
    for (size_t i = 0; i < size; i++) {
        if (buf[i] != '\n') {
            if (npartial + 1 < sizeof partial)
                partial[npartial++] = buf[i];
            continue;
        }
        partial[npartial] = '\0';
        on_line(partial);
        npartial = 0;
    }
    pthread_mutex_unlock(&ledger_lock);
    return (ssize_t)size;
}

FILE *soak_log_open(void)
{
    FILE *f = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = log_write });
    if (f != NULL)
        setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

size_t soak_log_live(uint64_t **out)
{
    pthread_mutex_lock(&ledger_lock);
    uint64_t *list = malloc((nlive ? nlive : 1) * sizeof *list);
    size_t n = 0;
    for (size_t b = 0; list != NULL && b < LIVE_BUCKETS; b++)
        for (live_node *x = live[b]; x != NULL; x = x->next)
            list[n++] = x->seq;
    pthread_mutex_unlock(&ledger_lock);
    *out = list;
    return n;
}

const char *soak_log_entry(uint64_t seq, char *buf, size_t len)
{
    buf[0] = '\0';
    pthread_mutex_lock(&ledger_lock);
    for (live_node *x = live[seq % LIVE_BUCKETS]; x != NULL; x = x->next)
        if (x->seq == seq)
            snprintf(buf, len, "%s", x->entry);
    pthread_mutex_unlock(&ledger_lock);
    return buf;
}

/* ---- RSS ---- */

static long status_kib(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = 0;
    size_t n = strlen(field);
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, field, n) == 0)
            v = strtol(line + n, NULL, 10);
    if (f != NULL)
        fclose(f);
    return v;
}

long soak_rss_kib(void) { return status_kib("VmRSS:"); }
long soak_peak_rss_kib(void) { return status_kib("VmHWM:"); }
