/* test_util.h — small helpers any suite may use: the fixtures make builds
 * under $(BUILD)/tests (tests/wasm/X.wat → "wasm/X.wasm", tests/wasi_c/X.c
 * → "wasi_c/X.wasm") read, hashed, loaded or instantiated, and a scratch
 * tree removed. Failures are Check assertions. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "sha256/sha256.h"
#include "vm/vm.h"
#include "wasi/wasi.h"

/* The bytes of the built fixture FILE (e.g. "wasm/vm_calls.wasm"),
 * malloc'd with one spare byte at the end; *size gets their count. */
/* Puts N bytes between host order and linear memory's little-endian
 * order, in place (nothing on a little-endian host): for tests that poke
 * or peek host-order scalars in guest memory. */
void test_le_fix(void *p, size_t n);

uint8_t *test_fixture_bytes(const char *file, size_t *size);

/* The built fixture FILE decoded and validated. */
vm_module *test_fixture_module(const char *file);

/* The SHA-256 of the built fixture FILE, as lowercase hex. */
void test_fixture_hash(const char *file, char hex[SHA256_HEX_SIZE]);

/* A module instance with its own store and linker, one thread, and for a
 * WASI guest its context (NULL otherwise). */
typedef struct {
    vm_module *module;
    vm_store *store;
    vm_linker *linker;
    vm_instance *inst;
    vm_thread *thread;
    wasi_ctx *ctx;
} test_instance;

/* Loads the fixture FILE, makes its store (cfg: NULL for the defaults) and
 * an empty linker; the caller defines the imports in t->linker, then calls
 * test_instance_start(). */
void test_instance_load(test_instance *t, const char *file, const vm_config *cfg);
/* Instantiates the module with t->linker and makes the thread. */
void test_instance_start(test_instance *t);
/* Frees all of t, the context too. */
void test_instance_close(test_instance *t);

/* Removes dir and everything beneath it (symlinks are removed, never
 * followed); what cannot be removed stays. */
void test_remove_tree(const char *dir);

/* What a run of the real binary gave: its exit status (-1: killed by a
 * signal), everything it wrote to stdout and stderr (malloc'd). */
typedef struct {
    int status;
    char *out, *err;
} test_run_result;

/* Runs the wippy binary ($WIPPY as make check sets it, else
 * $(BUILD)/wippy) with argv (NULL-terminated, without argv[0]) and waits
 * for it. */
test_run_result test_run_wippy(const char *const *argv);
void test_run_done(test_run_result *r);

/* The body of the HTTP/1.1 response resp (after the blank line; a chunked
 * one decoded in place, NUL-terminated), its length (when len is not NULL)
 * and its status; a Check failure when resp is not a response. */
const char *test_http_body(char *resp, int *status, size_t *len);

#endif
