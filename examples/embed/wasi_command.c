/* wasi_command.c — run a WASI command with a host directory mounted.
 * pkg-config: wippy-wasi
 *
 *   usage: wasi_command cat_upper.wasm DIR
 *
 * DIR (a host directory holding in.txt) is mounted at /data; the guest
 * sees nothing else of the host file system. Its stdout is ours; its
 * arguments and environment are exactly what the wasi_config lists. */
#include <stdio.h>
#include <stdlib.h>

#include <wippy/wasi.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s COMMAND.wasm DIR\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    uint8_t *bytes = len > 0 ? malloc((size_t)len) : NULL;
    if (!bytes || fread(bytes, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "%s: cannot read\n", argv[1]);
        return 1;
    }
    fclose(f);
    vm_error err;
    vm_module *mod = vm_module_load(bytes, (size_t)len, &err);
    free(bytes);
    if (!mod) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        return 1;
    }

    const char *args[] = { "cat_upper", "hello", "from the host" };
    const char *env[] = { "GREETING=hi" };
    wasi_mount mount = { .host = argv[2], .guest = "/data", .read_only = false };
    wasi_config cfg = {
        .args = args, .nargs = 3, .env = env, .nenv = 1,
        .stdio = { -1, 1, 2 },          /* no stdin; our stdout and stderr */
        .mounts = &mount, .nmounts = 1,
        .caps = WASI_CAP_ALL,
    };
    char why[256];
    wasi_ctx *ctx = wasi_ctx_new(&cfg, why, sizeof why);
    if (!ctx) {
        fprintf(stderr, "wasi: %s\n", why);
        return 1;
    }
    vm_store *store = vm_store_new(NULL);
    vm_linker *linker = vm_linker_new();
    vm_instance *inst = NULL;
    if (store && linker && wasi_link(linker, ctx))
        inst = vm_instantiate(store, mod, linker, &err);
    else
        snprintf(err.message, sizeof err.message, "out of memory");
    if (!inst) {
        fprintf(stderr, "instantiate: %s\n", err.message);
        return 1;
    }
    vm_thread *t = vm_thread_new(store);
    fflush(stdout);                     /* the guest writes to fd 1 directly */
    int code = wasi_run_start(ctx, inst, t, VM_FUEL_UNLIMITED);
    if (code == -1)
        fprintf(stderr, "trap: %s\n", vm_thread_trap(t)->message);
    printf("exit code %d\n", code);

    vm_thread_free(t);
    vm_linker_free(linker);
    vm_store_free(store);
    wasi_ctx_free(ctx);
    vm_module_free(mod);
    return code >= 0 ? 0 : 1;
}
