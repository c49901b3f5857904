/* cli.c — the `wippy` command line. Global options (--dir, -v) come
 * before the command; output formats and texts follow Wippy's CLI. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "host/cli/cli.h"
#include "host/cli/boot.h"
#include "host/host.h"
#include "sha256/sha256.h"

typedef struct {
    wippy_flags f;     /* the global options */
    FILE *out, *err;
} cli;

static void usage(FILE *f)
{
    fputs("usage: wippy [--dir DIR] [--config FILE] [-v|--very-verbose] [-s] [-c] <command> [arguments]\n"
          "\n"
          "Commands:\n"
          "  run                    start the hosts and services; stop on SIGINT or SIGTERM\n"
          "  run list               list the commands registered by process entries\n"
          "  run <command> [args]   run a command\n"
          "  run [-o NS:ENTRY:FIELD=VALUE]... [--set SECTION.PATH=VALUE]... [<command> [args]]\n"
          "                         override an entry's field / a .wippy.yaml setting (repeatable)\n"
          "  run [--host ID] -x|--exec ENTRY [args]\n"
          "                         run a process entry as a command, on terminal host ID\n"
          "                         (default: the only terminal.host)\n"
          "  check                  load every entry and print every error (exit 1 if any)\n"
          "  hash FILE...           print sha256:<hex> of a file, the value a `hash:` field takes\n"
          "  wasm validate FILE     decode and validate a WebAssembly module\n"
          "  wasm dump FILE [FUNC]  print the internal code the engine translated it to\n"
          "  wasm call FILE FUNC [ARGS...]\n"
          "                         call an exported function, print its results\n"
          "  wasm run [--dir HOST[::GUEST]] [--ro-dir HOST[::GUEST]] [--env K=V]... [--inherit-env]\n"
          "           [--fuel N] [--max-memory BYTES|Nk|Nm|Ng]\n"
          "           [--allow-connect HOST:PORTS]... [--allow-bind HOST:PORTS]... FILE [ARGS...]\n"
          "                         run a WASI command (_start); exits with its exit code\n"
          "  wasm serve COMPONENT [--addr HOST:PORT] [--workers N]\n"
          "                         serve a wasi:http/incoming-handler component over HTTP/1.1\n"
          "  version                print the version\n"
          "  help                   print this help\n"
          "\n"
          "Options:\n"
          "  --dir DIR              the project directory: where wippy.lock or src/ is (default .)\n"
          "  --config FILE          the runtime's settings (default DIR/.wippy.yaml): shutdown.timeout,\n"
          "                         logger.level; ${env:NAME} in values\n"
          "  -v, --verbose          also print notes, e.g. entries of kinds this runtime does not know,\n"
          "                         and the runtime's log\n"
          "  --very-verbose         -v, with the whole trace of a process's error\n"
          "  -s, --silent           no log and no notes (wins over -v)\n"
          "  -c, --console          the log on stderr, coloured on a terminal\n"
          "  -h, --help             print this help\n", f);
}

static int usage_error(const cli *c, const char *fmt, const char *arg)
{
    fputs("wippy: ", c->err);
    fprintf(c->err, fmt, arg);
    fputs("\n\n", c->err);
    usage(c->err);
    return 2;
}

/* An unknown option: one line and a hint, not the whole usage. */
static int unknown_option(const cli *c, const char *a)
{
    fprintf(c->err, "wippy: unknown option %s\nRun 'wippy help' for the usage.\n", a);
    return 2;
}

/* Loads the project and prints its errors (and, with -v, notes). */
static cfg_registry *load_project(const cli *c)
{
    cfg_options opts = { .project_dir = c->f.dir };
    cfg_registry *reg = cfg_load(&opts);
    if (reg == NULL) {
        fputs("wippy: out of memory while loading the configuration\n", c->err);
        return NULL;
    }
    for (size_t i = 0; c->f.verbose && !c->f.silent && i < cfg_note_count(reg); i++)
        fprintf(c->err, "note: %s\n", cfg_note_at(reg, i)->text);
    for (size_t i = 0; i < cfg_error_count(reg); i++)
        fprintf(c->err, "%s\n", cfg_error_at(reg, i)->text);
    return reg;
}

static int compare_commands(const void *a, const void *b)
{
    const cfg_entry *x = *(const cfg_entry *const *)a, *y = *(const cfg_entry *const *)b;
    return strcmp(x->command.name, y->command.name);
}

/* `wippy run list`: Wippy's format, commands sorted by name. */
static int run_list(const cli *c)
{
    cfg_registry *reg = load_project(c);
    if (reg == NULL)
        return 1;
    size_t n = 0, total = cfg_entry_count(reg);
    const cfg_entry **cmds = malloc((total ? total : 1) * sizeof *cmds);
    if (cmds == NULL) {
        cfg_free(reg);
        fputs("wippy: out of memory\n", c->err);
        return 1;
    }
    for (size_t i = 0; i < total; i++)
        if (cfg_entry_at(reg, i)->command.name != NULL)
            cmds[n++] = cfg_entry_at(reg, i);
    qsort(cmds, n, sizeof *cmds, compare_commands);
    if (n == 0) {
        fputs("No commands found.\n\n"
              "A process entry becomes a command with meta.command, for example:\n\n"
              "  meta:\n"
              "    command:\n"
              "      name: greet\n"
              "      short: Greet someone\n", c->out);
    } else {
        fputs("Available commands:\n\n", c->out);
        for (size_t i = 0; i < n; i++) {
            fprintf(c->out, "  %s", cmds[i]->command.name);
            if (cmds[i]->command.short_text != NULL && cmds[i]->command.short_text[0] != '\0')
                fprintf(c->out, "  %s", cmds[i]->command.short_text);
            fprintf(c->out, "  (%s)\n", cmds[i]->id);
        }
        fputs("\nRun with: wippy run <command>\n", c->out);
    }
    int status = cfg_error_count(reg) ? 1 : 0;
    free(cmds);
    cfg_free(reg);
    return status;
}

/* `wippy check`: every error, a one-line summary, exit 1 if any. */
static int check(const cli *c)
{
    cfg_registry *reg = load_project(c);
    if (reg == NULL)
        return 1;
    size_t errors = cfg_error_count(reg);
    fprintf(errors ? c->err : c->out, "%zu entr%s loaded from %s, %zu error%s\n",
            cfg_entry_count(reg), cfg_entry_count(reg) == 1 ? "y" : "ies", cfg_source_dir(reg),
            errors, errors == 1 ? "" : "s");
    cfg_free(reg);
    return errors ? 1 : 0;
}

/* `wippy hash FILE...`: sha256:<hex> (followed by the name when several). */
static int hash_files(const cli *c, int argc, char **argv)
{
    if (argc == 0)
        return usage_error(c, "hash needs a file%s", "");
    int status = 0;
    for (int i = 0; i < argc; i++) {
        uint8_t digest[SHA256_DIGEST_SIZE];
        char hex[SHA256_HEX_SIZE];
        int rc = sha256_file(argv[i], digest);
        if (rc != 0) {
            fprintf(c->err, "wippy: hash: cannot read %s: %s\n", argv[i], strerror(rc));
            status = 1;
            continue;
        }
        sha256_hex(digest, hex);
        if (argc == 1)
            fprintf(c->out, "sha256:%s\n", hex);
        else
            fprintf(c->out, "sha256:%s  %s\n", hex, argv[i]);
    }
    return status;
}

int wippy_cli(int argc, char **argv, FILE *out, FILE *err)
{
    cli c = { .f = { .dir = "." }, .out = out, .err = err };
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        int flag = wippy_flag(&c.f, &i, argc, argv);
        if (flag < 0)
            return usage_error(&c, "%s needs a value", a);
        if (flag > 0)
            continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(out);
            return 0;
        } else if (!strcmp(a, "--version")) {
            fprintf(out, "wippy %s\n", WIPPY_VERSION);
            return 0;
        } else {
            return unknown_option(&c, a);
        }
    }
    if (i == argc)
        return usage_error(&c, "no command given%s", "");
    const char *cmd = argv[i++];
    if (!strcmp(cmd, "help")) {
        usage(out);
        return 0;
    }
    if (!strcmp(cmd, "version")) {
        fprintf(out, "wippy %s (sha256: %s)\n", WIPPY_VERSION, sha256_impl_name(SHA256_IMPL_AUTO));
        return 0;
    }
    if (!strcmp(cmd, "hash"))
        return hash_files(&c, argc - i, argv + i);
    if (!strcmp(cmd, "wasm")) {
        int status = wippy_wasm_command(argc - i, argv + i, out, err);
        return status >= 0 ? status : usage_error(&c, "wasm needs: validate FILE, call FILE FUNC [ARGS...] or run FILE [ARGS...]%s", "");
    }
    if (!strcmp(cmd, "check"))
        return i == argc ? check(&c) : usage_error(&c, "check takes no arguments%s", "");
    if (!strcmp(cmd, "run")) {
        if (i < argc && !strcmp(argv[i], "list"))
            return i + 1 == argc ? run_list(&c) : usage_error(&c, "run list takes no arguments%s", "");
        char why[256];
        int status = wippy_run_main(&c.f, argc - i, argv + i, out, err, why, sizeof why);
        if (status == -2) {
            fprintf(err, "wippy: %s\nRun 'wippy help' for the usage.\n", why);
            return 2;
        }
        return status >= 0 ? status : usage_error(&c, "%s", why);
    }
    return usage_error(&c, "unknown command \"%s\"", cmd);
}
