/* boot.c — `wippy run` with options or with nothing after it
 * (boot.h): the long-running mode that starts every host and service
 * and waits for a signal, and the --exec mode that runs one process entry
 * as a command on a terminal host. Built on host.h and config.h only.
 *
 * Signals: SIGINT and SIGTERM are blocked before the runtime makes its
 * first thread, so every thread inherits the mask and the main thread
 * takes them synchronously with sigwait(). After the first one the
 * runtime is stopped (services in reverse dependency order, each within
 * its stop_timeout); a second one during that shutdown ends the program
 * at once with status 1 (Wippy: "A second signal forces exit 1"). */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "host/cli/boot.h"
#include "host/host.h"

typedef struct {
    const char *dir;
    bool verbose;
    char *why;              /* a usage error goes here */
    size_t whylen;
    const char *exec;       /* -x/--exec ID, or NULL */
    const char *command;    /* a command name (when --host came before it), or NULL */
    const char *host;       /* --host ID, or NULL */
    int argc;               /* the process's arguments */
    char **argv;
    FILE *out, *err;
} run_args;

/* Records a usage error for the caller (who prints the usage). */
static int usage_error(const run_args *r, const char *fmt, const char *arg)
{
    int n = snprintf(r->why, r->whylen, "run: ");
    snprintf(r->why + n, r->whylen - (size_t)n, fmt, arg);
    return -1;
}

/* The value of an option given as `--opt VALUE` or `--opt=VALUE`; NULL
 * when a is not that option. Advances *i past a separate value. */
static const char *option_value(const char *a, const char *shrt, const char *lng, int *i,
                                int argc, char **argv, bool *missing)
{
    size_t n = strlen(lng);
    if (!strncmp(a, lng, n) && a[n] == '=')
        return a + n + 1;
    if (strcmp(a, lng) != 0 && (shrt == NULL || strcmp(a, shrt) != 0))
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

/* Reads the options; what follows them is the command name (unless -x)
 * and the process's arguments. Returns 0, or -1 after a usage error. */
static int parse(run_args *r, int argc, char **argv)
{
    int i = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i], *v;
        bool missing = false;
        if (!strcmp(a, "--")) {
            i++;
            break;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            r->verbose = true;
        } else if ((v = option_value(a, "-x", "--exec", &i, argc, argv, &missing)) != NULL) {
            r->exec = v;
        } else if ((v = option_value(a, NULL, "--host", &i, argc, argv, &missing)) != NULL) {
            r->host = v;
        } else if (missing) {
            return usage_error(r, "%s needs a value", a);
        } else {
            return usage_error(r, "unknown option %s", a);
        }
    }
    if (r->exec == NULL && i < argc)
        r->command = argv[i++];
    if (r->exec == NULL && r->command == NULL && r->host != NULL)
        return usage_error(r, "--host %s needs --exec ID or a command", r->host);
    r->argc = argc - i;
    r->argv = argv + i;
    return 0;
}

/* Loads the project, printing its errors (and notes under -v). */
static cfg_registry *load(const run_args *r)
{
    cfg_options opts = { .project_dir = r->dir };
    cfg_registry *reg = cfg_load(&opts);
    if (reg == NULL) {
        fputs("wippy: out of memory while loading the configuration\n", r->err);
        return NULL;
    }
    for (size_t i = 0; r->verbose && i < cfg_note_count(reg); i++)
        fprintf(r->err, "note: %s\n", cfg_note_at(reg, i)->text);
    for (size_t i = 0; i < cfg_error_count(reg); i++)
        fprintf(r->err, "%s\n", cfg_error_at(reg, i)->text);
    return reg;
}

/* A started runtime, or NULL after printing why not. */
static host_runtime *start_runtime(const run_args *r, const cfg_registry *reg)
{
    host_options opts = { .log = r->verbose ? r->err : NULL };
    char err[4096] = "";
    host_runtime *rt = host_runtime_new(reg, &opts, err, sizeof err);
    if (rt == NULL) {
        fputs("wippy: out of memory\n", r->err);
        return NULL;
    }
    if (!host_runtime_start(rt, err, sizeof err)) {
        fprintf(r->err, "wippy: %s\n", err);
        host_runtime_free(rt);
        return NULL;
    }
    return rt;
}

/* ---- --exec ---- */

static int exec_entry(const run_args *r)
{
    cfg_registry *reg = load(r);
    if (reg == NULL)
        return 1;
    const cfg_entry *e = r->exec ? cfg_lookup(reg, r->exec) : cfg_find_command(reg, r->command);
    int status = 1;
    if (e == NULL && r->exec != NULL)
        fprintf(r->err, "process entry not found: %s\n", r->exec);
    else if (e == NULL)
        fprintf(r->err, "command \"%s\" not found. Use 'wippy run list' to see available commands\n",
                r->command);
    else {
        host_runtime *rt = start_runtime(r, reg);
        if (rt != NULL)
            status = host_run_command(rt, e, r->host, r->argc, r->argv, r->out, r->err);
        host_runtime_free(rt);
    }
    cfg_free(reg);
    return status;
}

/* ---- until a signal ---- */

/* While shutting down: a second signal ends the program now. */
static void *second_signal(void *arg)
{
    const sigset_t *set = arg;
    int sig;
    if (sigwait(set, &sig) == 0) {
        static const char msg[] = "wippy: second signal during shutdown; exiting\n";
        ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)n;
        _exit(1);
    }
    return NULL;
}

/* A signal of set that is already pending (taken), or 0. */
static int take_pending(const sigset_t *set)
{
    struct timespec zero = { 0, 0 };
    int sig = sigtimedwait(set, NULL, &zero);
    return sig > 0 ? sig : 0;
}

/* Waits for SIGINT/SIGTERM, then stops the runtime. Returns the status. */
static int wait_and_stop(const run_args *r, host_runtime *rt, sigset_t *set)
{
    if (r->verbose)
        fputs("wippy: running; stop with SIGINT (Ctrl-C) or SIGTERM\n", r->err);
    int sig = 0;
    if (sigwait(set, &sig) != 0)
        return 1;
    if (r->verbose)
        fprintf(r->err, "wippy: %s received; shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    if (take_pending(set) != 0) {
        fputs("wippy: second signal during shutdown; exiting\n", r->err);
        fflush(r->err);
        _exit(1);
    }
    pthread_t watcher;
    bool watching = pthread_create(&watcher, NULL, second_signal, set) == 0;
    host_runtime_stop(rt);
    if (watching) {
        pthread_cancel(watcher);
        pthread_join(watcher, NULL);
    }
    /* One that came after the watcher was stopped still counts. */
    return take_pending(set) != 0 ? 1 : 0;
}

static int serve(const run_args *r)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);     /* before the runtime's threads */
    int status = 1;
    cfg_registry *reg = load(r);
    if (reg != NULL) {
        host_runtime *rt = start_runtime(r, reg);
        if (rt != NULL) {
            status = wait_and_stop(r, rt, &set);
            host_runtime_free(rt);
        }
        cfg_free(reg);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return status;
}

int wippy_run_main(const char *dir, bool verbose, int argc, char **argv, FILE *out, FILE *err,
                   char *why, size_t whylen)
{
    run_args r = { .dir = dir, .verbose = verbose, .out = out, .err = err, .why = why,
                   .whylen = whylen };
    int status = parse(&r, argc, argv);
    if (status != 0)
        return status;
    if (r.exec != NULL || r.command != NULL)
        return exec_entry(&r);
    return serve(&r);
}
