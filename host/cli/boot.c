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
 * at once with status 1 (Wippy: "A second signal forces exit 1"); so
 * does a shutdown that outlasts shutdown.timeout of .wippy.yaml.
 *
 * Options (Wippy's): -o ns:entry:field=value (repeatable) overrides an
 * entry's field before it is checked; --set section.path=value overrides
 * .wippy.yaml (--config FILE, default DIR/.wippy.yaml when there);
 * -v, --very-verbose, -s, -c choose the log (wippy_flag()). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "host/cli/boot.h"
#include "host/host.h"

#define RUN_MAX_OVERRIDES 64    /* -o and --set, each */

typedef struct {
    wippy_flags f;
    const char *overrides[RUN_MAX_OVERRIDES];  /* -o */
    size_t noverrides;
    const char *sets[RUN_MAX_OVERRIDES];       /* --set */
    size_t nsets;
    cfg_runtime settings;   /* .wippy.yaml with --set */
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

int wippy_flag(wippy_flags *f, int *i, int argc, char **argv)
{
    const char *a = argv[*i], *v;
    bool missing = false;
    if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
        f->verbose = true;
    else if (!strcmp(a, "--very-verbose"))
        f->verbose = f->very_verbose = true;
    else if (!strcmp(a, "-s") || !strcmp(a, "--silent"))
        f->silent = true;
    else if (!strcmp(a, "-c") || !strcmp(a, "--console"))
        f->console = true;
    else if ((v = option_value(a, NULL, "--config", i, argc, argv, &missing)) != NULL)
        f->config = v;
    else if ((v = option_value(a, NULL, "--dir", i, argc, argv, &missing)) != NULL)
        f->dir = v;
    else
        return missing ? -1 : 0;
    return 1;
}

/* Reads the options; what follows them is the command name (unless -x)
 * and the process's arguments. Returns 0, or -1 after a usage error, -2
 * for an unknown option. */
static int parse(run_args *r, int argc, char **argv)
{
    int i = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i], *v;
        bool missing = false;
        int flag = wippy_flag(&r->f, &i, argc, argv);
        if (flag == 1)
            continue;
        missing = flag < 0;
        if (!strcmp(a, "--")) {
            i++;
            break;
        } else if (missing) {
            return usage_error(r, "%s needs a value", a);
        } else if ((v = option_value(a, "-o", "--override", &i, argc, argv, &missing)) != NULL) {
            if (r->noverrides == RUN_MAX_OVERRIDES)
                return usage_error(r, "-o: at most 64 overrides%s", "");
            r->overrides[r->noverrides++] = v;
        } else if ((v = option_value(a, NULL, "--set", &i, argc, argv, &missing)) != NULL) {
            if (r->nsets == RUN_MAX_OVERRIDES)
                return usage_error(r, "--set: at most 64 settings%s", "");
            r->sets[r->nsets++] = v;
        } else if ((v = option_value(a, "-x", "--exec", &i, argc, argv, &missing)) != NULL) {
            r->exec = v;
        } else if ((v = option_value(a, NULL, "--host", &i, argc, argv, &missing)) != NULL) {
            r->host = v;
        } else if (missing) {
            return usage_error(r, "%s needs a value", a);
        } else {
            usage_error(r, "unknown option %s", a);
            return -2;
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
    cfg_options opts = { .project_dir = r->f.dir, .overrides = r->overrides,
                         .noverrides = r->noverrides };
    cfg_registry *reg = cfg_load(&opts);
    if (reg == NULL) {
        fputs("wippy: out of memory while loading the configuration\n", r->err);
        return NULL;
    }
    for (size_t i = 0; r->f.verbose && !r->f.silent && i < cfg_note_count(reg); i++)
        fprintf(r->err, "note: %s\n", cfg_note_at(reg, i)->text);
    bool bad_override = false;    /* an -o that did not apply is fatal, unlike a bad entry */
    for (size_t i = 0; i < cfg_error_count(reg); i++) {
        fprintf(r->err, "%s\n", cfg_error_at(reg, i)->text);
        bad_override |= !strncmp(cfg_error_at(reg, i)->message, "-o ", 3);
    }
    if (bad_override) {
        cfg_free(reg);
        return NULL;
    }
    return reg;
}

/* Whether the runtime's log goes to stderr: -v, -c or logger.level
 * debug, unless -s. */
static bool logging(const run_args *r)
{
    return !r->f.silent && (r->f.verbose || r->f.console ||
                            !strcmp(r->settings.logger_level, "debug"));
}

/* .wippy.yaml (or --config FILE) with --set over it; false after printing
 * why it cannot be used. */
static bool read_settings(run_args *r)
{
    char path[4096], err[512];
    if (r->f.config != NULL)
        snprintf(path, sizeof path, "%s", r->f.config);
    else
        snprintf(path, sizeof path, "%s/.wippy.yaml", r->f.dir);
    cfg_runtime_options o = { .path = path, .required = r->f.config != NULL, .sets = r->sets,
                              .nsets = r->nsets,
                              .notes = r->f.verbose && !r->f.silent ? r->err : NULL };
    if (!cfg_runtime_load(&o, &r->settings, err, sizeof err)) {
        fprintf(r->err, "wippy: config: %s\n", err);
        return false;
    }
    return true;
}

/* A started runtime, or NULL after printing why not. */
static host_runtime *start_runtime(const run_args *r, const cfg_registry *reg)
{
    host_options opts = { .log = logging(r) ? r->err : NULL,
                          .log_color = r->f.console && isatty(fileno(r->err)),
                          .log_traces = r->f.very_verbose };
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

typedef struct {
    const sigset_t *set;
    int64_t timeout_ns;     /* shutdown.timeout */
} watch;

/* While shutting down: a second signal ends the program now, and so does
 * the end of shutdown.timeout. */
static void *second_signal(void *arg)
{
    const watch *w = arg;
    struct timespec ts = { (time_t)(w->timeout_ns / 1000000000), (long)(w->timeout_ns % 1000000000) };
    for (;;) {
        int sig = sigtimedwait(w->set, NULL, &ts);
        if (sig > 0) {
            static const char msg[] = "wippy: second signal during shutdown; exiting\n";
            ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
            (void)n;
            _exit(1);
        }
        if (sig < 0 && errno == EAGAIN) {
            static const char msg[] = "wippy: shutdown did not finish within shutdown.timeout; "
                                      "exiting\n";
            ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
            (void)n;
            _exit(1);
        }
        /* EINTR: wait again (the time left is not tracked: a little longer at worst) */
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
    if (logging(r))
        fputs("wippy: running; stop with SIGINT (Ctrl-C) or SIGTERM\n", r->err);
    int sig = 0;
    if (sigwait(set, &sig) != 0)
        return 1;
    if (logging(r))
        fprintf(r->err, "wippy: %s received; shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    if (take_pending(set) != 0) {
        fputs("wippy: second signal during shutdown; exiting\n", r->err);
        fflush(r->err);
        _exit(1);
    }
    pthread_t watcher;
    watch w = { set, r->settings.shutdown_timeout_ns };
    bool watching = pthread_create(&watcher, NULL, second_signal, &w) == 0;
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

int wippy_run_main(const wippy_flags *f, int argc, char **argv, FILE *out, FILE *err, char *why,
                   size_t whylen)
{
    run_args r = { .f = *f, .out = out, .err = err, .why = why, .whylen = whylen };
    int status = parse(&r, argc, argv);
    if (status != 0)
        return status;
    if (!read_settings(&r))
        return 1;
    if (r.exec != NULL || r.command != NULL)
        return exec_entry(&r);
    return serve(&r);
}
