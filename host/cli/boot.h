/* boot.h — `wippy run` without a command name (host/cli/boot.c):
 *
 *   wippy run                          start the hosts and services, wait
 *                                      for SIGINT or SIGTERM, shut down
 *   wippy run -x|--exec ID [ARGS...]   run process entry ID as a command
 *   wippy run --host ID ...            the terminal host for it
 *
 * `wippy run <command>` and `wippy run list` stay in host/cli/cli.c. */
#ifndef WIPPY_HOST_CLI_RUN_H
#define WIPPY_HOST_CLI_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The global options (before the command; `run` takes them too). */
typedef struct {
    const char *dir;            /* --dir: the project directory */
    bool verbose;               /* -v: notes and the runtime's log on stderr */
    bool very_verbose;          /* --very-verbose: -v, and exits' errors with their traces */
    bool silent;                /* -s: no log, no notes (wins over -v) */
    bool console;               /* -c: the log on stderr, coloured when it is a terminal */
    const char *config;         /* --config FILE, or NULL: DIR/.wippy.yaml when it exists */
} wippy_flags;

/* Reads one global option at argv[*i] into f (advancing *i past a
 * separate value): 1 when it was one, 0 when not, -1 when its value is
 * missing. */
int wippy_flag(wippy_flags *f, int *i, int argc, char **argv);

/* argv starts after "run" and is empty or begins with an option; f holds
 * the global options. Returns the exit status: 0 after a clean shutdown,
 * the command's status for --exec, 1 on failure; or -1 for a usage error,
 * described in why ("run: -x needs a value") for the caller to print with
 * the usage, -2 for an unknown option (why names it; the caller prints
 * one line and a hint). A second signal while shutting down ends the
 * program at once with status 1, as does a shutdown that outlasts
 * shutdown.timeout (.wippy.yaml). */
int wippy_run_main(const wippy_flags *f, int argc, char **argv, FILE *out, FILE *err, char *why,
                   size_t whylen);

#endif
