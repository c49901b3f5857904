/* cli.h — the `wippy` command line: parses global options and runs one
 * command (run list, run <command>, check, hash, version, help). */
#ifndef WIPPY_HOST_CLI_H
#define WIPPY_HOST_CLI_H

#include <stdio.h>

#define WIPPY_VERSION "0.1.0"

/* Runs the CLI with main()'s arguments, writing to out and err. Returns
 * the process exit status: 0 on success, 1 when the command failed, 2 for
 * a usage error. */
int wippy_cli(int argc, char **argv, FILE *out, FILE *err);

/* `wippy wasm validate FILE` / `wippy wasm call FILE FUNC [ARGS...]`
 * (argv starts at "validate" or "call"). Returns the exit status, or -1
 * when the arguments do not form either command. */
int wippy_wasm_command(int argc, char **argv, FILE *out, FILE *err);

#endif
