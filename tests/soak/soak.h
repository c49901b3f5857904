/* soak.h — what the files of the process host's soak share
 * (tests/soak/: soak.c drives, soak_ledger.c keeps the books,
 * soak_project.c writes the project). See doc/process-host.md, "Soak". */
#ifndef SOAK_H
#define SOAK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "host/host.h"

/* ---- the seeded PRNG (splitmix64): SOAK_SEED replays a run ---- */
uint64_t soak_rand(void);
void soak_srand(uint64_t seed);
/* A number in [lo, hi]. */
int64_t soak_range(int64_t lo, int64_t hi);
/* True with probability pct / 100. */
bool soak_chance(int pct);

/* ---- the project (soak_project.c) ---- */

#define SOAK_FIFOS 8                /* FIFOs /pipes/p0..p7 the w_fifo guests read */

typedef struct {
    char dir[128];                  /* the temporary project */
    int fifo_fd[SOAK_FIFOS];        /* the driver's ends (O_RDWR: a reader never sees EOF) */
} soak_project;

/* Writes the project (entries, services, FIFOs) for BUILD and SOURCE. */
void soak_project_write(soak_project *p, const char *build, const char *source);
void soak_project_remove(soak_project *p);

/* ---- the log ledger (soak_ledger.c): the host's -v log, parsed ----
 * Every "spawn PID" line adds PID to the live set, every "exit PID" line
 * takes it out: an exit of a pid not live (a second end, or an end
 * without a spawn) is a finding. Supervisor lines are counted. */
typedef struct {
    atomic_long spawns, exits, exit_errors, bad_exits;
    atomic_long restarts, gave_up, service_starts;
    atomic_long progress;           /* ends seen: the watchdog's clock */
} soak_log_counts;

extern soak_log_counts soak_log;
/* A FILE for host_options.log whose lines feed the ledger. */
FILE *soak_log_open(void);
/* The sequence numbers (HOST_PID_SEQ) of the pids spawned and not yet
 * ended (a copy, malloc'd). A bad exit is reported on stderr as it
 * happens. */
size_t soak_log_live(uint64_t **out);
/* The entry id of a live pid's sequence number ("" when unknown). */
const char *soak_log_entry(uint64_t seq, char *buf, size_t len);

/* ---- rounds (soak_round.c): the driver's own processes ---- */

typedef struct {
    host_runtime *rt;
    host_pid mb, mb2;               /* the driver's mailboxes: every spawn's parent; a second monitor */
    soak_project *project;
    /* figures, over all rounds */
    long spawned, ended, values, errors, refused;
    long exits_mb, exits_mb2, downs_mb, pings, pongs;
    long lua_exits, lua_downs, lua_kids;   /* what the spawners' ledgers counted */
    long cancels, terminates, links, unlinks, monitors2, unmonitors2, fifo_writes;
    long before_monitor;            /* spawned unmonitored, ended before host_monitor() */
    long findings;
    atomic_long progress;           /* EXITs the driver received: the watchdog's clock */
} soak_ctx;

/* One storm: spawns a batch, acts on it at random until it is over,
 * waits for every end and event, and checks each against what it
 * predicts (findings counted and printed). */
void soak_round(soak_ctx *c, int round);
/* Prints what the current round still waits for (the watchdog's dump,
 * read without a lock from the watchdog's thread just before it aborts:
 * best effort, the driver is presumed stuck). */
void soak_round_dump(FILE *f);

/* A finding: printed, counted. */
void soak_finding(soak_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- RSS ---- */
long soak_rss_kib(void);
long soak_peak_rss_kib(void);

#endif
