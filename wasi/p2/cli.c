/* cli.c — wasi:cli: environment (get-environment, get-arguments,
 * initial-cwd), exit (exit, exit-with-code), stdin/stdout/stderr (streams
 * on the world's stdio descriptors), terminal-stdin/-stdout/-stderr (a
 * terminal when the descriptor is a tty). terminal-input and
 * terminal-output have no functions: their handles are only dropped.
 *
 * exit traps the guest's call with "wasi exit requested: status N" (as
 * Wippy, even for status 0) and records the status (wasi_p2_exited). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wasi/p2/internal.h"

static bool oom(char *err, size_t errlen, const char *why)
{
    snprintf(err, errlen, "%s", why);
    return false;
}

static host_value str(const char *s, size_t n)
{
    return host_string(s, n);
}

/* get-environment: func() -> list<tuple<string, string>> */
static bool get_environment(void *user, const host_value *args, size_t nargs, host_value *result,
                            char *err, size_t errlen)
{
    (void)args, (void)nargs;
    wasi_p2 *w = user;
    const char *why = "out of memory";
    *result = host_list(w->nenv);
    for (size_t i = 0; i < w->nenv; i++) {
        const char *e = w->env[i], *eq = strchr(e, '=');
        size_t n = eq ? (size_t)(eq - e) : strlen(e);
        host_value pair = host_list(2);
        if (!host_list_push(&pair, str(e, n), &why) ||
            !host_list_push(&pair, eq ? str(eq + 1, strlen(eq + 1)) : str("", 0), &why) ||
            !host_list_push(result, pair, &why)) {
            host_value_free(&pair);
            return oom(err, errlen, why);
        }
    }
    return true;
}

/* get-arguments: func() -> list<string> */
static bool get_arguments(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    (void)args, (void)nargs;
    wasi_p2 *w = user;
    const char *why = "out of memory";
    *result = host_list(w->nargs);
    for (size_t i = 0; i < w->nargs; i++)
        if (!host_list_push(result, str(w->args[i], strlen(w->args[i])), &why))
            return oom(err, errlen, why);
    return true;
}

/* initial-cwd: func() -> option<string> */
static bool initial_cwd(void *user, const host_value *args, size_t nargs, host_value *result,
                        char *err, size_t errlen)
{
    (void)args, (void)nargs, (void)err, (void)errlen;
    wasi_p2 *w = user;
    *result = w->cwd != NULL ? str(w->cwd, strlen(w->cwd)) : host_nil();
    return true;
}

static bool do_exit(wasi_p2 *w, uint32_t code, char *err, size_t errlen)
{
    w->exited = true;
    w->exit_code = code;
    snprintf(err, errlen, "wasi exit requested: status %u", code);
    return false;
}

/* exit: func(status: result) */
static bool exit_fn(void *user, const host_value *args, size_t nargs, host_value *result,
                    char *err, size_t errlen)
{
    (void)nargs, (void)result;
    bool is_ok = args[0].kind == HOST_VALUE_MAP && host_map_get(&args[0], "ok", 2) != NULL;
    return do_exit(user, is_ok ? 0 : 1, err, errlen);
}

/* exit-with-code: func(status-code: u8) */
static bool exit_with_code(void *user, const host_value *args, size_t nargs, host_value *result,
                           char *err, size_t errlen)
{
    (void)nargs, (void)result;
    return do_exit(user, (uint32_t)(wasi_p2_arg_u64(&args[0]) & 0xff), err, errlen);
}

static bool std_stream(wasi_p2 *w, int which, host_value *result, char *err, size_t errlen)
{
    wasi_p2_res r = { .kind = which == 0 ? WASI_P2_INPUT : WASI_P2_OUTPUT, .fd = w->stdio[which] };
    return wasi_p2_res_add(w, &r, result, err, errlen);
}

static bool get_stdin(void *user, const host_value *args, size_t nargs, host_value *result,
                      char *err, size_t errlen)
{
    (void)args, (void)nargs;
    return std_stream(user, 0, result, err, errlen);
}

static bool get_stdout(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    (void)args, (void)nargs;
    return std_stream(user, 1, result, err, errlen);
}

static bool get_stderr(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    (void)args, (void)nargs;
    return std_stream(user, 2, result, err, errlen);
}

/* get-terminal-*: func() -> option<terminal-input/-output> */
static bool terminal(wasi_p2 *w, int which, host_value *result, char *err, size_t errlen)
{
    int fd = w->stdio[which];
    if (fd < 0 || !isatty(fd)) {
        *result = host_nil();
        return true;
    }
    wasi_p2_res r = { .kind = which == 0 ? WASI_P2_TERMINAL_IN : WASI_P2_TERMINAL_OUT, .fd = fd };
    return wasi_p2_res_add(w, &r, result, err, errlen);
}

static bool get_terminal_stdin(void *user, const host_value *args, size_t nargs,
                               host_value *result, char *err, size_t errlen)
{
    (void)args, (void)nargs;
    return terminal(user, 0, result, err, errlen);
}

static bool get_terminal_stdout(void *user, const host_value *args, size_t nargs,
                                host_value *result, char *err, size_t errlen)
{
    (void)args, (void)nargs;
    return terminal(user, 1, result, err, errlen);
}

static bool get_terminal_stderr(void *user, const host_value *args, size_t nargs,
                                host_value *result, char *err, size_t errlen)
{
    (void)args, (void)nargs;
    return terminal(user, 2, result, err, errlen);
}

const wasi_p2_def wasi_p2_cli_defs[] = {
    { "wasi:cli/environment", "get-environment", get_environment, WASI_CAP_CLI },
    { "wasi:cli/environment", "get-arguments", get_arguments, WASI_CAP_CLI },
    { "wasi:cli/environment", "initial-cwd", initial_cwd, WASI_CAP_CLI },
    { "wasi:cli/exit", "exit", exit_fn, WASI_CAP_CLI },
    { "wasi:cli/exit", "exit-with-code", exit_with_code, WASI_CAP_CLI },
    { "wasi:cli/stdin", "get-stdin", get_stdin, WASI_CAP_CLI },
    { "wasi:cli/stdout", "get-stdout", get_stdout, WASI_CAP_CLI },
    { "wasi:cli/stderr", "get-stderr", get_stderr, WASI_CAP_CLI },
    { "wasi:cli/terminal-stdin", "get-terminal-stdin", get_terminal_stdin, WASI_CAP_CLI },
    { "wasi:cli/terminal-stdout", "get-terminal-stdout", get_terminal_stdout, WASI_CAP_CLI },
    { "wasi:cli/terminal-stderr", "get-terminal-stderr", get_terminal_stderr, WASI_CAP_CLI },
};
const size_t wasi_p2_ncli_defs = sizeof wasi_p2_cli_defs / sizeof wasi_p2_cli_defs[0];
