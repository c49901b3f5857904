/* test_wasi_harness.h — what the WASI suites (test_wasi*.c) share: loading
 * a built guest (a C program of tests/wasi_c, built by make, or a WAT
 * fixture) into its own store with a WASI context, capturing its output,
 * and scratch directories on the host side. Failures are Check
 * assertions. */
#ifndef TEST_WASI_HARNESS_H
#define TEST_WASI_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#include "tests/test_util.h"
#include "vm/vm.h"
#include "wasi/wasi.h"

/* A guest: an instance with its WASI context (g.ctx). */
typedef test_instance guest;

/* Loads the fixture `name` ("wasi_c/wasi_cli" or "wasm/wasi_nomem", under
 * the build's tests/), makes a context from cfg, links and instantiates. */
void guest_open(guest *g, const char *name, const wasi_config *cfg);
void guest_close(guest *g);

/* guest_open, wasi_run_start without a fuel limit, guest_close: the exit
 * code (a failed CHECK in a guest exits with its line number). */
int guest_main(const char *name, const wasi_config *cfg);

/* A config granting everything, with argv = { "guest", args... }, stdio
 * from the given host fds (-1: the null stream) and no mounts. `args` must
 * hold room for nargs + 1 pointers (argv[0] is put in front). */
wasi_config guest_config(const char **argv, const char *const *args, size_t nargs,
                         int in, int out, int err);

/* An unlinked temporary file to give a guest as stdout or stderr, and a
 * check that everything written to it is `want` (which closes it). */
int capture_new(void);
void capture_check(int fd, const char *want);

/* A new directory under $TMPDIR (malloc'd path); removing it with all it holds. */
char *scratch_new(void);
void scratch_free(char *dir);

/* dir/name made to hold text; its contents (malloc'd) or NULL when absent. */
void file_put(const char *dir, const char *name, const char *text);
char *file_get(const char *dir, const char *name);

/* Every entry beneath dir with its type, size, mode, mtime and, for files
 * and links, contents, one line each in sorted order (malloc'd): two
 * snapshots are equal when nothing in the tree changed. */
char *tree_snapshot(const char *dir);

/* Milliseconds of CLOCK_MONOTONIC. */
double now_ms(void);

#endif
