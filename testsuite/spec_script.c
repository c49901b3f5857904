/* spec_script.c — runs the commands of one wast2json script (.json) in order,
 * in one vm_store, and counts them the way wabt's spectest-interp does:
 * every command is one test except "register"; modules in text format
 * ("module_type": "text", i.e. `module quote` in assert_malformed/invalid)
 * are skipped, since this runner has no text parser. Modules are loaded
 * with the features the runner was given (none: Wasm 2.0 core); a valid
 * module the engine does not run (VM_ERR_UNSUPPORTED: none of Wasm 2.0
 * today) is skipped, with every command that uses it;
 * the registered instances it may have imported from, and so changed,
 * are then stale and the commands on them skipped too.
 *
 *   module                 read, load, instantiate (linker: spectest + registered)
 *   register               make an instance importable under "as"
 *   action                 invoke / get must not trap
 *   assert_return          results equal the expected values
 *   assert_trap            the call traps with a message starting with "text";
 *                          with a module instead of an action: instantiation traps
 *   assert_exhaustion      the call traps with "call stack exhausted"
 *   assert_invalid         loading fails (validation; decoding errors also pass)
 *   assert_malformed       loading fails
 *   assert_unlinkable      instantiation fails to link
 *   assert_uninstantiable  instantiation traps
 *
 * Error messages are not required to equal the script's "text"; with -v
 * the differences are printed as notes. */
#include "testsuite/spec_script.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reporting ---------------------------------------------------------- */

static void pass(spec_script *sc)
{
    sc->counts->passed++;
}

static void skip(spec_script *sc)
{
    sc->counts->skipped++;
}

__attribute__((format(printf, 2, 3)))
static void failure(spec_script *sc, const char *fmt, ...)
{
    sc->counts->failed++;
    if (!sc->verbose)
        return;
    printf("%s:%lu: %s: ", sc->path, sc->line, sc->command);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* Something worth knowing that is not a failure; printed with -v only. */
__attribute__((format(printf, 2, 3)))
static void note(spec_script *sc, const char *fmt, ...)
{
    if (!sc->verbose)
        return;
    printf("%s:%lu: %s: note: ", sc->path, sc->line, sc->command);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static const char *error_kind_name(vm_error_kind k)
{
    switch (k) {
    case VM_ERR_NONE: return "no error";
    case VM_ERR_MALFORMED: return "malformed";
    case VM_ERR_INVALID: return "invalid";
    case VM_ERR_LINK: return "link error";
    case VM_ERR_TRAP: return "trap";
    case VM_ERR_LIMIT: return "limit exceeded";
    case VM_ERR_UNSUPPORTED: return "unsupported";
    case VM_ERR_NOMEM: return "out of memory";
    }
    return "unknown error";
}

/* ---- the commands ------------------------------------------------------- */

static void cmd_module(spec_script *sc, const json_value *cmd)
{
    if (spec_is_text_module(cmd)) {
        skip(sc);
        return;
    }
    vm_instance *inst;
    vm_error err;
    spec_step s = spec_instantiate(sc, cmd, &inst, &err);
    sc->have_module = true;
    sc->current = inst;
    sc->current_unsupported = s == STEP_LOAD && err.kind == VM_ERR_UNSUPPORTED;
    const char *name = json_string(json_get(cmd, "name"));
    if (name != NULL && !spec_set_named(sc, name, inst)) {
        failure(sc, "out of memory");
        return;
    }
    if (name != NULL)
        spec_find_named(sc, name)->unsupported = sc->current_unsupported;
    if (sc->current_unsupported) {
        skip(sc);   /* valid, but uses what the engine does not run yet */
        spec_skipped_module(sc);
    }
    else if (s == STEP_DONE)
        pass(sc);
    else if (s == STEP_READ)
        failure(sc, "%s", err.message);
    else
        failure(sc, "%s: %s failed (%s): %s", json_string(json_get(cmd, "filename")),
                spec_step_name(s), error_kind_name(err.kind), err.message);
}

static void cmd_register(spec_script *sc, const json_value *cmd)
{
    const char *as = json_string(json_get(cmd, "as"));
    const char *name = json_string(json_get(cmd, "name"));
    char why[160] = "";
    if (as == NULL) {
        failure(sc, "no \"as\" name");
        return;
    }
    if (name != NULL && spec_find_named(sc, name) == NULL) {
        failure(sc, "no module named %s", name);
        return;
    }
    vm_instance *inst = spec_find_instance(sc, name, why, sizeof why);
    if (inst == NULL)
        note(sc, "nothing registered as \"%s\": %s", as, why); /* that failure was counted */
    else if (!vm_linker_define_instance(sc->linker, as, inst) || !spec_add_registered(sc, inst))
        failure(sc, "cannot register \"%s\" (out of memory)", as);
}

/* "action", "assert_return", "assert_trap", "assert_exhaustion". */
static void cmd_action(spec_script *sc, const json_value *cmd, const char *type)
{
    spec_outcome o;
    char why[512];
    if (!spec_run_action(sc, json_get(cmd, "action"), &o, why, sizeof why)) {
        if (sc->hit_unsupported)
            skip(sc);
        else
            failure(sc, "%s", why);
        return;
    }
    const char *text = json_string(json_get(cmd, "text"));
    char got[200] = "nothing";
    if (o.nresults > 0)
        spec_value_format(&o.results[0], SPEC_LANES_NONE, got, sizeof got);

    if (strcmp(type, "action") == 0) {
        if (o.trapped)
            failure(sc, "%s: trapped: %s", o.what, o.trap_message);
        else
            pass(sc);
    } else if (strcmp(type, "assert_trap") == 0) {
        if (!o.trapped)
            failure(sc, "%s: expected a trap \"%s\", returned %s", o.what, text ? text : "", got);
        else if (text != NULL && strncmp(o.trap_message, text, strlen(text)) != 0)
            failure(sc, "%s: expected trap \"%s\", trapped \"%s\"", o.what, text, o.trap_message);
        else
            pass(sc);
    } else if (strcmp(type, "assert_exhaustion") == 0) {
        if (!o.trapped)
            failure(sc, "%s: expected call stack exhaustion, returned %s", o.what, got);
        else if (o.trap_kind != VM_TRAP_STACK_EXHAUSTED)
            failure(sc, "%s: expected call stack exhaustion, trapped \"%s\"", o.what,
                    o.trap_message);
        else
            pass(sc);
    } else { /* assert_return */
        const json_value *expected = json_get(cmd, "expected");
        if (o.trapped) {
            failure(sc, "%s: expected results, trapped \"%s\"", o.what, o.trap_message);
            return;
        }
        if (json_length(expected) != o.nresults) {
            failure(sc, "%s: expected %zu results, got %zu", o.what, json_length(expected),
                    o.nresults);
            return;
        }
        for (size_t i = 0; i < o.nresults; i++) {
            spec_value e;
            char err[160], want[200];
            if (!spec_value_parse(json_at(expected, i), true, &e, err, sizeof err)) {
                failure(sc, "%s: expected value %zu: %s", o.what, i + 1, err);
                return;
            }
            if (!spec_value_matches(&e, &o.results[i])) {
                spec_expected_format(&e, want, sizeof want);
                spec_value_format(&o.results[i], e.lanes, got, sizeof got);
                failure(sc, "%s: result %zu: expected %s, got %s", o.what, i + 1, want, got);
                return;
            }
        }
        pass(sc);
    }
}

/* "assert_invalid", "assert_malformed": loading must fail. */
static void cmd_load_fails(spec_script *sc, const json_value *cmd, vm_error_kind want)
{
    if (spec_is_text_module(cmd)) {
        skip(sc);
        return;
    }
    const char *text = json_string(json_get(cmd, "text"));
    vm_error err;
    vm_module *m = spec_load_module(sc, cmd, &err);
    if (m != NULL) {
        vm_module_free(m);
        failure(sc, "%s: loaded, expected %s (\"%s\")", json_string(json_get(cmd, "filename")),
                error_kind_name(want), text ? text : "");
        return;
    }
    if (err.kind == VM_ERR_NONE) {
        failure(sc, "%s", err.message);
        return;
    }
    if (err.kind == VM_ERR_UNSUPPORTED) {
        skip(sc);
        return;
    }
    if (err.kind != VM_ERR_MALFORMED && err.kind != VM_ERR_INVALID) {
        failure(sc, "expected %s (\"%s\"), got %s: %s", error_kind_name(want), text ? text : "",
                error_kind_name(err.kind), err.message);
        return;
    }
    pass(sc);
    if (err.kind != want)
        note(sc, "expected %s (\"%s\"), ours is %s: %s", error_kind_name(want), text ? text : "",
             error_kind_name(err.kind), err.message);
    else if (text != NULL && strstr(err.message, text) == NULL)
        note(sc, "expected \"%s\", ours \"%s\"", text, err.message);
}

/* "assert_unlinkable", "assert_uninstantiable", assert_trap on a module:
 * the module loads and instantiation fails with want. */
static void cmd_instantiate_fails(spec_script *sc, const json_value *cmd, vm_error_kind want)
{
    if (spec_is_text_module(cmd)) {
        skip(sc);
        return;
    }
    const char *text = json_string(json_get(cmd, "text"));
    const char *filename = json_string(json_get(cmd, "filename"));
    vm_instance *inst;
    vm_error err;
    spec_step s = spec_instantiate(sc, cmd, &inst, &err);
    if (s == STEP_LOAD && err.kind == VM_ERR_UNSUPPORTED) {
        skip(sc);
        spec_skipped_module(sc);   /* it may have written before failing */
    } else if (s == STEP_DONE)
        failure(sc, "%s: instantiated, expected %s (\"%s\")", filename, error_kind_name(want),
                text ? text : "");
    else if (s == STEP_READ)
        failure(sc, "%s", err.message);
    else if (s != STEP_INSTANTIATE || err.kind != want)
        failure(sc, "%s: expected %s (\"%s\"), %s failed (%s): %s", filename,
                error_kind_name(want), text ? text : "", spec_step_name(s),
                error_kind_name(err.kind), err.message);
    else {
        pass(sc);
        if (text != NULL && strstr(err.message, text) == NULL)
            note(sc, "expected \"%s\", ours \"%s\"", text, err.message);
    }
}

static void run_command(spec_script *sc, const json_value *cmd)
{
    const char *type = json_string(json_get(cmd, "type"));
    const char *line = json_number(json_get(cmd, "line"));
    sc->line = line ? strtoul(line, NULL, 10) : 0;
    sc->command = type ? type : "(no type)";
    if (type == NULL)
        failure(sc, "command without a type");
    else if (strcmp(type, "module") == 0)
        cmd_module(sc, cmd);
    else if (strcmp(type, "register") == 0)
        cmd_register(sc, cmd);
    else if (strcmp(type, "assert_trap") == 0 && json_get(cmd, "action") == NULL)
        cmd_instantiate_fails(sc, cmd, VM_ERR_TRAP);
    else if (!strcmp(type, "action") || !strcmp(type, "assert_return") ||
             !strcmp(type, "assert_trap") || !strcmp(type, "assert_exhaustion"))
        cmd_action(sc, cmd, type);
    else if (strcmp(type, "assert_invalid") == 0)
        cmd_load_fails(sc, cmd, VM_ERR_INVALID);
    else if (strcmp(type, "assert_malformed") == 0)
        cmd_load_fails(sc, cmd, VM_ERR_MALFORMED);
    else if (strcmp(type, "assert_unlinkable") == 0)
        cmd_instantiate_fails(sc, cmd, VM_ERR_LINK);
    else if (strcmp(type, "assert_uninstantiable") == 0)
        cmd_instantiate_fails(sc, cmd, VM_ERR_TRAP);
    else
        failure(sc, "unknown command type");
}

/* ---- one script --------------------------------------------------------- */

/* A failure of the whole file, printed even without -v. */
__attribute__((format(printf, 3, 4)))
static void file_failure(spec_script *sc, spec_counts *counts, const char *fmt, ...)
{
    counts->failed++;
    printf("%s: ", sc->path);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

void spec_script_run(const char *json_path, bool verbose, unsigned features,
                     spec_counts *counts)
{
    spec_script sc = { .path = json_path, .verbose = verbose, .features = features,
                       .counts = counts };
    const char *slash = strrchr(json_path, '/');
    if (slash == NULL)
        snprintf(sc.dir, sizeof sc.dir, ".");
    else
        snprintf(sc.dir, sizeof sc.dir, "%.*s", (int)(slash - json_path), json_path);

    char err[512];
    json_doc *doc = json_parse_file(json_path, err, sizeof err);
    if (doc == NULL) {
        counts->failed++;
        printf("%s\n", err);
        return;
    }
    const json_value *commands = json_get(json_root(doc), "commands");
    if (json_typeof(commands) != JSON_ARRAY) {
        file_failure(&sc, counts, "no \"commands\" array: not a wast2json script");
    } else if ((sc.store = vm_store_new(NULL)) == NULL || (sc.linker = vm_linker_new()) == NULL ||
               (sc.thread = vm_thread_new(sc.store)) == NULL) {
        file_failure(&sc, counts, "cannot make a store, linker and thread (out of memory)");
    } else if (!spectest_define(sc.store, sc.linker, err, sizeof err)) {
        file_failure(&sc, counts, "%s", err);
    } else {
        for (size_t i = 0; i < json_length(commands); i++)
            run_command(&sc, json_at(commands, i));
    }

    if (sc.thread != NULL)
        vm_thread_free(sc.thread);
    if (sc.linker != NULL)
        vm_linker_free(sc.linker);
    if (sc.store != NULL)
        vm_store_free(sc.store);
    for (size_t i = 0; i < sc.nmodules; i++)
        vm_module_free(sc.modules[i]);
    free(sc.modules);
    for (size_t i = 0; i < sc.nnamed; i++)
        free(sc.named[i].name);
    free(sc.named);
    free(sc.registered);
    json_free(doc);
}
