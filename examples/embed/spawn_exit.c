/* spawn_exit.c — spawn WASM processes from C and receive their EXIT.
 * pkg-config: wippy
 *
 *   usage: spawn_exit GUEST_DIR PROJECT_DIR
 *
 * Writes a one-file Wippy project into PROJECT_DIR (an fs.directory over
 * GUEST_DIR, where math.wasm is; a process.host; two process.wasm
 * entries, each with the SHA-256 of its module), loads it, starts the
 * runtime, and from a mailbox spawns each entry monitored: the EXIT event
 * carries the process's result, or its error. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <wippy/config.h>
#include <wippy/host.h>
#include <wippy/sha256.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s GUEST_DIR PROJECT_DIR\n", argv[0]);
        return 2;
    }
    char path[4096], hex[SHA256_HEX_SIZE];
    uint8_t digest[SHA256_DIGEST_SIZE];
    snprintf(path, sizeof path, "%s/math.wasm", argv[1]);
    if (sha256_file(path, digest) != 0) {
        perror(path);
        return 1;
    }
    sha256_hex(digest, hex);

    mkdir(argv[2], 0755);
    snprintf(path, sizeof path, "%s/app.yaml", argv[2]);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    fprintf(f,
            "version: \"1.0\"\n"
            "namespace: app\n"
            "entries:\n"
            "  - name: guests\n"
            "    kind: fs.directory\n"
            "    directory: %s\n"
            "  - name: workers\n"
            "    kind: process.host\n"
            "    host:\n"
            "      workers: 2\n"
            "    lifecycle:\n"
            "      auto_start: true\n"
            "  - name: add\n"
            "    kind: process.wasm\n"
            "    fs: app:guests\n"
            "    path: /math.wasm\n"
            "    hash: sha256:%s\n"
            "    method: add\n"
            "  - name: crash\n"
            "    kind: process.wasm\n"
            "    fs: app:guests\n"
            "    path: /math.wasm\n"
            "    hash: sha256:%s\n"
            "    method: crash\n",
            argv[1], hex, hex);
    fclose(f);

    cfg_options opts = { .project_dir = argv[2] };
    cfg_registry *reg = cfg_load(&opts);
    if (!reg)
        return 1;
    for (size_t i = 0; i < cfg_error_count(reg); i++)
        fprintf(stderr, "%s\n", cfg_error_at(reg, i)->text);
    if (cfg_error_count(reg) > 0)
        return 1;

    char err[1024];
    host_runtime *rt = host_runtime_new(reg, NULL, err, sizeof err);
    if (!rt || !host_runtime_start(rt, err, sizeof err)) {
        fprintf(stderr, "runtime: %s\n", err);
        return 1;
    }
    host_pid mb = host_mailbox_open(rt);
    host_value args[2] = { host_int(40), host_int(2) };
    const char *entries[2] = { "app:add", "app:crash" };
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        host_pid pid = host_spawn(rt, mb, entries[i], "app:workers", args, i == 0 ? 2 : 0,
                                  HOST_SPAWN_MONITOR, err, sizeof err);
        if (pid == 0) {
            fprintf(stderr, "spawn %s: %s\n", entries[i], err);
            rc = 1;
            continue;
        }
        host_event ev;
        if (!host_receive(rt, mb, &ev, 5000000000LL)) {   /* 5 s */
            fprintf(stderr, "%s: no EXIT within 5 s\n", entries[i]);
            rc = 1;
            continue;
        }
        char pidtext[64];
        printf("%s: %s from %s", entries[i], ev.kind == HOST_EVENT_EXIT ? "EXIT" : "another event",
               ev.from == pid ? "the process spawned" : host_pid_format(rt, ev.from, pidtext, sizeof pidtext));
        if (ev.error)
            printf(", error: %s\n", ev.error);
        else {
            printf(", value: ");
            host_value_write_json(&ev.value, stdout);
            printf("\n");
        }
        host_event_free(&ev);
    }
    host_mailbox_close(rt, mb);
    host_runtime_free(rt);              /* stops it first */
    cfg_free(reg);
    remove(path);
    return rc;
}
