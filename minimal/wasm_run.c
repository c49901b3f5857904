/* wasm_run.c — the MINIMAL=1 build's program (mk/minimal.mk):
 * `wippy-run wasm run [--dir HOST[::GUEST]]... [--env K=V]... FILE [ARGS...]`
 * runs a WASI preview 1 command with the engine and wasi/ alone, for
 * small systems: no YAML, no Lua, no process host, no components.
 *
 * Arguments as `wippy wasm run` takes them (the word `wasm run` is
 * accepted in front, so bench/run.sh can time it): every capability is
 * granted, the file system only through --dir mounts (HOST::GUEST, or
 * HOST under its own name), the environment only what --env lists.
 * Exit status: the guest's exit code; 134 after a trap, as `wippy wasm
 * run`; 1 when the module cannot be read, loaded or linked; 2 for a usage
 * error. Uses only the public API of vm/vm.h and wasi/wasi.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vm.h"
#include "wasi/wasi.h"

#define USAGE "usage: wippy-run [wasm run] [--dir HOST[::GUEST]]... [--env K=V]... FILE [ARGS...]\n"

static uint8_t *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            uint8_t *b = cap < ((size_t)1 << 31) ? realloc(buf, cap = cap ? cap * 2 : 65536) : NULL;
            if (b == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *size = n;
    return buf;
}

int main(int argc, char **argv)
{
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "wasm") && !strcmp(argv[i + 1], "run"))
        i += 2;
    /* At most one mount or variable per word: argc bounds both arrays. */
    wasi_mount *mounts = calloc((size_t)argc, sizeof *mounts);
    const char **env = calloc((size_t)argc, sizeof *env);
    size_t nmounts = 0, nenv = 0;
    if (mounts == NULL || env == NULL)
        return 1;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc || (strcmp(argv[i], "--dir") && strcmp(argv[i], "--env"))) {
            fprintf(stderr, "wippy-run: unknown option or missing value: %s\n" USAGE, argv[i]);
            return 2;
        }
        if (!strcmp(argv[i], "--env")) {
            env[nenv++] = argv[i + 1];
            continue;
        }
        char *sep = strstr(argv[i + 1], "::");
        if (sep != NULL)
            *sep = '\0';
        mounts[nmounts].host = argv[i + 1];
        mounts[nmounts].guest = sep != NULL ? sep + 2 : argv[i + 1];
        if (mounts[nmounts].guest[0] != '/') {
            fprintf(stderr, "wippy-run: --dir: the guest path must be absolute, got %s\n",
                    mounts[nmounts].guest);
            return 2;
        }
        nmounts++;
    }
    if (i >= argc) {
        fputs(USAGE, stderr);
        return 2;
    }
    size_t size;
    uint8_t *bytes = read_all(argv[i], &size);
    if (bytes == NULL) {
        perror(argv[i]);
        return 1;
    }
    vm_error err;
    vm_module *mod = vm_module_load(bytes, size, &err);
    free(bytes);
    if (mod == NULL) {
        fprintf(stderr, "wippy-run: %s: %s\n", argv[i], err.message);
        return 1;
    }
    wasi_config cfg = {
        .args = (const char *const *)&argv[i], .nargs = (size_t)(argc - i),
        .env = env, .nenv = nenv,
        .stdio = { 0, 1, 2 },
        .mounts = mounts, .nmounts = nmounts,
        .caps = WASI_CAP_ALL,
    };
    char why[512];
    wasi_ctx *ctx = wasi_ctx_new(&cfg, why, sizeof why);
    if (ctx == NULL) {
        fprintf(stderr, "wippy-run: %s\n", why);
        return 1;
    }
    vm_store *store = vm_store_new(NULL);
    vm_linker *linker = vm_linker_new();
    vm_instance *inst = NULL;
    if (store != NULL && linker != NULL && wasi_link(linker, ctx))
        inst = vm_instantiate(store, mod, linker, &err);
    else
        snprintf(err.message, sizeof err.message, "out of memory");
    vm_thread *t = inst != NULL ? vm_thread_new(store) : NULL;
    int status = 1;
    if (t == NULL) {
        fprintf(stderr, "wippy-run: %s: %s\n", argv[i], inst != NULL ? "out of memory" : err.message);
    } else {
        int code = wasi_run_start(ctx, inst, t, VM_FUEL_UNLIMITED);
        if (code >= 0) {
            status = code & 0xff;
        } else if (code == -1) {
            fprintf(stderr, "wippy-run: %s: trap: %s\n", argv[i], vm_thread_trap(t)->message);
            status = 134;
        } else {
            fprintf(stderr, "wippy-run: %s: no _start function\n", argv[i]);
        }
    }
    vm_thread_free(t);
    vm_linker_free(linker);
    vm_store_free(store);
    wasi_ctx_free(ctx);
    vm_module_free(mod);
    free(mounts);
    free(env);
    return status;
}
