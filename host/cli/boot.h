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

/* argv starts after "run" and is empty or begins with an option. dir is
 * the project directory; verbose logs the runtime to err. Returns the
 * exit status: 0 after a clean shutdown, the command's status for --exec,
 * 1 on failure; or -1 for a usage error, described in why ("run: -x
 * needs a value") for the caller to print with the usage. A second signal
 * while shutting down ends the program at once with status 1. */
int wippy_run_main(const char *dir, bool verbose, int argc, char **argv, FILE *out, FILE *err,
                   char *why, size_t whylen);

#endif
