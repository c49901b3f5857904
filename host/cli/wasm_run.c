/* wasm_run.c — `wippy wasm run [OPTIONS] FILE [ARGS...]`: runs a WASI
 * command (its `_start`) with the terminal's stdio, the guest seeing
 * argv = FILE ARGS... Every capability is granted except the filesystem,
 * which only --dir / --ro-dir grant (and only the mounted directories).
 * The environment is empty unless --env / --inherit-env fill it. A
 * component may connect and bind only where --allow-connect and
 * --allow-bind say (sys/netallow.h rules; none: nowhere).
 *
 * Mounts follow wasmtime: --dir HOST::GUEST, and --dir HOST mounts HOST
 * under its own name. Guest paths are made absolute against the guest's
 * working directory, "/": `--dir data` is /data, `--dir .` is /.
 *
 * Exit status: the guest's proc_exit code (0 when _start returns; the
 * low 8 bits, as the operating system keeps them), 134
 * after a trap (like a process killed by SIGABRT, 128 + 6), 1 when the
 * module cannot be loaded or linked or runs out of fuel, 2 for a usage
 * error. Touches only the CLI's own output streams and the guest's world. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "component/runtime.h"
#include "host/cli/cli.h"
#include "vm/vm.h"
#include "wasi/p2/p2.h"
#include "wasi/wasi.h"

extern char **environ;

#define RUN_USAGE                                                                         \
    "usage: wippy wasm run [--dir HOST[::GUEST]] [--ro-dir HOST[::GUEST]] [--env K=V]...\n" \
    "                      [--inherit-env] [--fuel N] [--max-memory BYTES|Nk|Nm|Ng]\n"      \
    "                      [--allow-connect HOST:PORTS]... [--allow-bind HOST:PORTS]...\n"   \
    "                      FILE [ARGS...]\n"

/* Everything the options say. The arrays have room for one entry per
 * command-line word, which is more than the options can ever add. */
typedef struct {
    wasi_mount *mounts;
    size_t nmounts;
    const char **env;        /* --env values, in order */
    size_t nenv;
    bool inherit_env;
    uint64_t fuel;           /* VM_FUEL_UNLIMITED when not given */
    uint32_t max_pages;      /* 0 = the engine's default */
    sys_net_rule *connect, *bind;   /* --allow-connect, --allow-bind (components) */
    size_t nconnect, nbind;
} run_options;

static int run_usage_error(FILE *err, const char *what, const char *arg)
{
    fprintf(err, "wippy: wasm run: %s%s\n\n" RUN_USAGE, what, arg);
    return 2;
}

/* Does a path have a ".." component? */
static bool has_dotdot(const char *path)
{
    for (const char *p = path; *p != '\0'; p += *p == '/') {
        size_t n = strcspn(p, "/");
        if (n == 2 && !strncmp(p, "..", 2))
            return true;
        p += n;
    }
    return false;
}

/* The guest path of a mount: GUEST made absolute ("data" → "/data") with
 * empty and "." components dropped ("." → "/", "a//b/" → "/a/b"). NULL
 * when out of memory. */
static char *guest_path(const char *text)
{
    char *path = malloc(strlen(text) + 2), *end = path;
    if (path == NULL)
        return NULL;
    for (const char *p = text; *p != '\0'; p += *p == '/') {
        size_t n = strcspn(p, "/");
        if (n > 0 && !(n == 1 && p[0] == '.')) {
            *end++ = '/';
            memcpy(end, p, n);
            end += n;
        }
        p += n;
    }
    if (end == path)
        *end++ = '/';
    *end = '\0';
    return path;
}

/* HOST[::GUEST]: GUEST defaults to HOST as written (wasmtime's rule). */
static int add_mount(run_options *o, const char *spec, bool read_only, FILE *err)
{
    const char *sep = strstr(spec, "::");
    size_t host_len = sep ? (size_t)(sep - spec) : strlen(spec);
    const char *guest = sep ? sep + 2 : spec;
    if (host_len == 0 || *guest == '\0')
        return run_usage_error(err, "a directory needs HOST or HOST::GUEST, got ", spec);
    if (has_dotdot(guest))
        return run_usage_error(err, "a guest path may not have \"..\" in it (name one with "
                                    "HOST::GUEST): ", guest);
    char *host = strndup(spec, host_len), *path = guest_path(guest);
    if (host == NULL || path == NULL) {
        free(host);
        free(path);
        fputs("wippy: out of memory\n", err);
        return 1;
    }
    for (size_t i = 0; i < o->nmounts; i++)
        if (!strcmp(o->mounts[i].guest, path)) {
            free(host);
            free(path);
            return run_usage_error(err, "two directories mounted at ", o->mounts[i].guest);
        }
    o->mounts[o->nmounts++] = (wasi_mount){ .host = host, .guest = path, .read_only = read_only };
    return 0;
}

/* BYTES, or N with a k/m/g suffix (powers of 1024), as whole 64 KiB pages;
 * at least one page and at most 4 GiB. */
static bool parse_memory(const char *text, uint32_t *pages)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)text[0]))
        return false;
    unsigned long long n = strtoull(text, &end, 10);
    int shift = 0;
    switch (tolower((unsigned char)*end)) {
    case 'k': shift = 10; end++; break;
    case 'm': shift = 20; end++; break;
    case 'g': shift = 30; end++; break;
    }
    if (*end != '\0' || errno || n > (4ULL << 30) >> shift)
        return false;
    unsigned long long bytes = n << shift;
    if (bytes < 65536)
        return false;
    *pages = (uint32_t)(bytes / 65536);
    return true;
}

/* Parses the options before FILE; returns the index of FILE, or -1 after
 * printing a usage error. */
static int parse_options(int argc, char **argv, run_options *o, FILE *err)
{
    int i = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i], *value = NULL;
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strcmp(a, "--inherit-env")) {
            o->inherit_env = true;
            continue;
        }
        /* Every other option takes a value: --opt VALUE or --opt=VALUE. */
        static const char *const with_value[] = { "--dir", "--ro-dir", "--env", "--fuel",
                                                  "--max-memory", "--allow-connect",
                                                  "--allow-bind" };
        const char *name = NULL;
        for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
            size_t n = strlen(with_value[k]);
            if (!strncmp(a, with_value[k], n) && (a[n] == '\0' || a[n] == '=')) {
                name = with_value[k];
                value = a[n] == '=' ? a + n + 1 : (i + 1 < argc ? argv[++i] : NULL);
            }
        }
        if (name == NULL)
            return run_usage_error(err, "unknown option ", a), -1;
        if (value == NULL)
            return run_usage_error(err, "a value is missing after ", name), -1;
        if (!strcmp(name, "--dir") || !strcmp(name, "--ro-dir")) {
            if (add_mount(o, value, !strcmp(name, "--ro-dir"), err) != 0)
                return -1;
        } else if (!strcmp(name, "--env")) {
            const char *eq = strchr(value, '=');
            if (eq == NULL || eq == value)
                return run_usage_error(err, "--env needs NAME=VALUE, got ", value), -1;
            o->env[o->nenv++] = value;
        } else if (!strcmp(name, "--allow-connect") || !strcmp(name, "--allow-bind")) {
            bool bind = !strcmp(name, "--allow-bind");
            char why[256];
            if (!sys_net_rule_parse(value, bind ? &o->bind[o->nbind] : &o->connect[o->nconnect],
                                    why, sizeof why)) {
                fprintf(err, "wippy: wasm run: %s: %s\n\n" RUN_USAGE, name, why);
                return -1;
            }
            *(bind ? &o->nbind : &o->nconnect) += 1;
        } else if (!strcmp(name, "--fuel")) {
            char *end;
            errno = 0;
            o->fuel = strtoull(value, &end, 10);
            if (!isdigit((unsigned char)value[0]) || *end != '\0' || errno)
                return run_usage_error(err, "--fuel needs a whole number, got ", value), -1;
        } else if (!parse_memory(value, &o->max_pages)) {
            return run_usage_error(err, "--max-memory needs 64k to 4g (BYTES, Nk, Nm or Ng), got ",
                                   value), -1;
        }
    }
    if (i == argc)
        return run_usage_error(err, "no module file given", ""), -1;
    return i;
}

/* Does "NAME=..." have the same NAME as "NAME=..."? */
static bool same_name(const char *a, const char *b)
{
    size_t n = strcspn(a, "=");
    return !strncmp(a, b, n) && b[n] == '=';
}

/* The guest's environment: the host's (with --inherit-env) followed by the
 * --env values; when a name appears twice, the later one wins. */
static const char **guest_env(const run_options *o, size_t *count)
{
    size_t ninherit = 0;
    while (o->inherit_env && environ != NULL && environ[ninherit] != NULL)
        ninherit++;
    size_t n = ninherit + o->nenv, kept = 0;
    const char **all = malloc((n + 1) * sizeof *all);
    if (all == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        all[i] = i < ninherit ? environ[i] : o->env[i - ninherit];
    for (size_t i = 0; i < n; i++) {
        bool overridden = strchr(all[i], '=') == NULL;   /* the host may have odd entries */
        for (size_t j = i + 1; j < n && !overridden; j++)
            overridden = same_name(all[i], all[j]);
        if (!overridden)
            all[kept++] = all[i];
    }
    *count = kept;
    return all;
}

/* A command component: its `wasi:cli/run@0.2.x` export's `run`, with every
 * WASI 0.2 interface wasi/p2 has (blocking in place), the terminal's
 * stdio, the arguments FILE ARGS... with FILE's base name first (as
 * wasmtime), the --env / --inherit-env environment, no initial cwd, and
 * the --dir / --ro-dir mounts as wasi:filesystem preopens.
 * Exit status 0 for ok, 1 for err; wasi:cli/exit's status; 134 after a
 * trap; 1 when it cannot be loaded or is not a command. */
static int run_component(const run_options *o, int argc, char **argv, cm_file *f, FILE *err)
{
    const char *path = argv[0];
    vm_error e;
    char msg[1024];
    vm_config limits = { .max_memory_pages = o->max_pages };
    size_t nenv = 0;
    const char **env = guest_env(o, &nenv);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (*base == '\0')
        base = path;
    const char **args = calloc((size_t)argc, sizeof *args);
    wasi_p2 *p2 = env && args ? wasi_p2_new(WASI_CAP_ALL) : NULL;
    if (args != NULL) {
        args[0] = base;
        for (int i = 1; i < argc; i++)
            args[i] = argv[i];
    }
    wasi_p2_cli cli = { .args = args, .nargs = (size_t)argc, .env = env, .nenv = nenv,
                        .stdio = { 0, 1, 2 } };
    bool set = p2 != NULL && wasi_p2_set_cli(p2, &cli) &&
               wasi_p2_set_sockets(p2, o->connect, o->nconnect, o->bind, o->nbind);
    free(args);
    free(env);
    if (set && !wasi_p2_set_mounts(p2, o->mounts, o->nmounts, msg, sizeof msg)) {
        fprintf(err, "wippy: %s\n", msg);
        wasi_p2_free(p2);
        return 1;
    }
    cm_instance *ci = set ? cm_instantiate(f, wasi_p2_host(p2), &limits, &e) : NULL;
    if (ci == NULL) {
        fprintf(err, "%s: %s\n", path, set ? e.message : "out of memory");
        wasi_p2_free(p2);
        return 1;
    }
    wasi_p2_bind(p2, ci);
    int status = 1;
    const char *run = NULL;
    for (uint32_t i = 0; i < cm_export_count(ci) && run == NULL; i++)
        if (!strncmp(cm_export_name(ci, i), "wasi:cli/run@0.2.", 17))
            run = cm_export_name(ci, i);
    if (run == NULL) {
        fprintf(err, "%s: not a command component: no \"wasi:cli/run@0.2.x\" export; it exports:",
                path);
        for (uint32_t i = 0; i < cm_export_count(ci); i++)
            fprintf(err, " %s", cm_export_name(ci, i));
        fputc('\n', err);
        cm_instance_free(ci);
        wasi_p2_free(p2);
        return 1;
    }
    char name[256];
    snprintf(name, sizeof name, "%s#run", run);
    cm_func *fn = cm_export_find(ci, name, msg, sizeof msg);
    cm_call *c = fn ? cm_call_new(ci) : NULL;
    host_value result = host_nil();
    uint32_t code;
    if (fn == NULL) {
        fprintf(err, "%s: %s\n", path, msg);
    } else if (c == NULL || !cm_call_start(c, fn, NULL, 0, msg, sizeof msg)) {
        fprintf(err, "%s: %s\n", path, c ? msg : "out of memory");
    } else {
        vm_status s = wippy_cm_run(c, o->fuel);
        if (s == VM_OUT_OF_FUEL) {
            fprintf(err, "%s: out of fuel (--fuel %" PRIu64 ")\n", path, o->fuel);
        } else if (!cm_call_finish(c, &result, msg, sizeof msg)) {
            if (wasi_p2_exited(p2, &code)) {
                status = (int)(code & 0xff);
            } else {
                fprintf(err, "trap: %s\n", msg);
                status = 134;
            }
        } else {
            status = result.kind == HOST_VALUE_MAP && host_map_get(&result, "ok", 2) ? 0 : 1;
        }
    }
    host_value_free(&result);
    cm_call_free(c);
    cm_instance_free(ci);
    wasi_p2_free(p2);
    return status;
}

/* Loads, links and runs the module; returns the exit status. */
static int run_module(const run_options *o, int argc, char **argv, FILE *err)
{
    const char *path = argv[0];
    cm_file *cf;
    int cs = wippy_component_load(path, &cf, err);
    if (cs != -2) {
        if (cf != NULL) {
            cs = run_component(o, argc, argv, cf, err);
            cm_file_free(cf);
        }
        return cs;
    }
    vm_module *m = wippy_wasm_load(path, err);
    if (m == NULL)
        return 1;
    int status = 1;
    char msg[512];
    vm_config limits = { .max_memory_pages = o->max_pages };
    vm_store *s = vm_store_new(&limits);
    vm_linker *l = vm_linker_new();
    vm_thread *t = NULL;
    wasi_ctx *ctx = NULL;
    size_t nenv = 0;
    const char **env = guest_env(o, &nenv);
    if (s == NULL || l == NULL || env == NULL) {
        fputs("wippy: out of memory\n", err);
        goto done;
    }
    wasi_config cfg = {
        .args = (const char *const *)argv, .nargs = (size_t)argc,
        .env = env, .nenv = nenv,
        .stdio = { 0, 1, 2 },
        .mounts = o->mounts, .nmounts = o->nmounts,
        .caps = WASI_CAP_ALL & ~(unsigned)WASI_CAP_FILESYSTEM,
    };
    if (o->nmounts > 0)
        cfg.caps |= WASI_CAP_FILESYSTEM;
    ctx = wasi_ctx_new(&cfg, msg, sizeof msg);
    if (ctx == NULL) {
        fprintf(err, "wippy: %s\n", msg);
        goto done;
    }
    if (!wasi_link(l, ctx)) {
        fputs("wippy: out of memory\n", err);
        goto done;
    }
    vm_error e;
    vm_instance *inst = vm_instantiate(s, m, l, &e);
    uint32_t code;
    if (inst == NULL) {
        if (e.kind == VM_ERR_TRAP && wasi_exited(ctx, &code))   /* proc_exit in a start function */
            status = (int)(code & 0xff);
        else
            fprintf(err, "%s: %s\n", path, e.message);
        goto done;
    }
    t = vm_thread_new(s);
    if (t == NULL) {
        fputs("wippy: out of memory\n", err);
        goto done;
    }
    int rc = wasi_run_start(ctx, inst, t, o->fuel);
    if (rc >= 0) {
        status = rc & 0xff;   /* what the operating system keeps of it */
    } else if (rc == -1) {
        wippy_wasm_print_trap(err, vm_thread_trap(t));
        status = 134;
    } else if (rc == -2) {
        fprintf(err, "%s: out of fuel (--fuel %" PRIu64 ")\n", path, o->fuel);
    } else {
        fprintf(err, "%s: not a WASI command: no exported function \"_start\"\n", path);
    }
done:
    vm_thread_free(t);
    vm_store_free(s);
    vm_linker_free(l);
    wasi_ctx_free(ctx);
    free(env);
    vm_module_free(m);
    return status;
}

int wippy_wasm_run(int argc, char **argv, FILE *out, FILE *err)
{
    (void)out;   /* the guest writes to the real stdout */
    size_t room = (size_t)argc + 1;
    run_options o = { .mounts = calloc(room, sizeof *o.mounts), .env = calloc(room, sizeof *o.env),
                      .connect = calloc(room, sizeof *o.connect),
                      .bind = calloc(room, sizeof *o.bind), .fuel = VM_FUEL_UNLIMITED };
    int status = 1;
    if (o.mounts == NULL || o.env == NULL || o.connect == NULL || o.bind == NULL) {
        fputs("wippy: out of memory\n", err);
    } else {
        int file = parse_options(argc, argv, &o, err);
        status = file < 0 ? 2 : run_module(&o, argc - file, argv + file, err);
    }
    for (size_t i = 0; i < o.nmounts; i++) {
        free((char *)o.mounts[i].host);
        free((char *)o.mounts[i].guest);
    }
    free(o.mounts);
    free(o.env);
    free(o.connect);
    free(o.bind);
    return status;
}
