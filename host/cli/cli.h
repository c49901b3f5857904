/* cli.h — the `wippy` command line: parses global options and runs one
 * command (run list, run <command>, check, hash, version, help). */
#ifndef WIPPY_HOST_CLI_H
#define WIPPY_HOST_CLI_H

#include <stdio.h>

#include "component/component.h"
#include "component/runtime.h"
#include "vm/vm.h"

#define WIPPY_VERSION "0.1.0"

/* Runs the CLI with main()'s arguments, writing to out and err. Returns
 * the process exit status: 0 on success, 1 when the command failed, 2 for
 * a usage error. */
int wippy_cli(int argc, char **argv, FILE *out, FILE *err);

/* `wippy wasm validate FILE` / `wippy wasm call FILE FUNC [ARGS...]`
 * (argv starts at "validate" or "call"). Returns the exit status, or -1
 * when the arguments do not form either command. */
int wippy_wasm_command(int argc, char **argv, FILE *out, FILE *err);

/* `wippy wasm run [OPTIONS] FILE [ARGS...]` (argv starts after "run"):
 * runs a WASI command. Returns the guest's exit code, 134 after a trap,
 * 1 when the module cannot be loaded or runs out of fuel, 2 for a usage
 * error. In host/cli/wasm_run.c. */
int wippy_wasm_run(int argc, char **argv, FILE *out, FILE *err);

/* `wippy wasm serve COMPONENT [--addr HOST:PORT] [--workers N]` (argv
 * starts after "serve"): serves a wasi:http proxy component until SIGINT
 * or SIGTERM. Returns 0 then, 1 when the component or libmicrohttpd cannot
 * be loaded or the address not bound, 2 for a usage error. In
 * host/cli/wasm_serve.c. */
int wippy_wasm_serve(int argc, char **argv, FILE *out, FILE *err);

/* Reads a whole file (at most 1 GiB) into a malloc'd buffer; NULL with
 * errno on failure (host/cli/wasm_tools.c). */
uint8_t *wippy_read_file(const char *path, size_t *size);

/* Shared by the `wasm` commands (in host/cli/wasm_tools.c): reads, decodes and
 * validates a module file, or prints why not to err and returns NULL;
 * prints a trap's message and backtrace. */
vm_module *wippy_wasm_load(const char *path, FILE *err);
void wippy_wasm_print_trap(FILE *err, const vm_trap *trap);
/* Reads and decodes FILE when it is a component (layer 1): 0 with *f set,
 * 1 after printing why it cannot be read or decoded, -2 when it is not a
 * component (a core module: *f is NULL). */
int wippy_component_load(const char *path, cm_file **f, FILE *err);
/* Runs a component call to its end (VM_DONE, VM_TRAP or VM_OUT_OF_FUEL)
 * with at most fuel units, blocking in place whenever a host call would
 * block (the CLI's mode: no event loop). */
vm_status wippy_cm_run(cm_call *c, uint64_t fuel);

#endif
