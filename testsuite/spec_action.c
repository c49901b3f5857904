/* spec_action.c — runs the "action" of a spec command: "get" reads an
 * exported global, "invoke" calls an exported function with the arguments
 * of the JSON on the script's thread. Calls run with a fuel budget
 * (vm_call_start + vm_run) so that an engine bug ending in an endless loop
 * fails the command instead of hanging the run; a thread left mid-call
 * (out of fuel, suspended) is replaced by a fresh one. */
#include "testsuite/spec_script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CALL_FUEL UINT64_C(4000000000)   /* function entries + loop iterations */

/* Appends name to buf, control bytes escaped, at most size bytes in all. */
static size_t append_name(char *buf, size_t size, const char *name, size_t len)
{
    size_t used = strlen(buf);
    for (size_t i = 0; i < len && used + 5 < size; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f)
            used += (size_t)snprintf(buf + used, size - used, "\\x%02x", c);
        else
            buf[used++] = (char)c;
    }
    buf[used] = '\0';
    return used;
}

/* Describes the action for messages: "name" for a get, "name(arg, ...)"
 * for an invoke. */
static void describe(spec_outcome *o, const json_value *field, bool invoke,
                     const vm_value *args, size_t nargs)
{
    char value[128];
    o->what[0] = '\0';
    size_t used = append_name(o->what, sizeof o->what - 2, json_string(field),
                              json_string_length(field));
    if (!invoke)
        return;
    used += (size_t)snprintf(o->what + used, sizeof o->what - used, "(");
    for (size_t i = 0; i < nargs && used < sizeof o->what; i++) {
        spec_value_format(&args[i], SPEC_LANES_NONE, value, sizeof value);
        used += (size_t)snprintf(o->what + used, sizeof o->what - used, "%s%s", i ? ", " : "",
                                 value);
    }
    if (used < sizeof o->what)
        snprintf(o->what + used, sizeof o->what - used, ")");
}

/* A thread that ran out of fuel or suspended mid-call is replaced (when
 * that fails, later calls report "no thread"). */
static void replace_thread(spec_script *sc)
{
    vm_thread_free(sc->thread);
    sc->thread = vm_thread_new(sc->store);
}

/* Calls f on the script's thread. True when it returned or trapped (o
 * says which); false with why when it did neither. */
static bool call(spec_script *sc, vm_func *f, const vm_value *args, size_t nargs,
                 spec_outcome *o, char *why, size_t whylen)
{
    vm_signature sig;
    vm_func_signature(f, &sig);
    if (sig.nresults > MAX_VALUES) {
        snprintf(why, whylen, "%s: more than %d results", o->what, MAX_VALUES);
        return false;
    }
    if (sc->thread == NULL) {
        snprintf(why, whylen, "no thread (out of memory)");
        return false;
    }
    vm_status st = vm_call_start(sc->thread, f, args, nargs);
    if (st == VM_DONE)
        st = vm_run(sc->thread, CALL_FUEL);
    switch (st) {
    case VM_DONE:
        o->nresults = vm_thread_results(sc->thread, o->results, sig.nresults);
        if (o->nresults > sig.nresults) {
            snprintf(why, whylen, "%s: %zu results for a signature of %u", o->what, o->nresults,
                     sig.nresults);
            return false;
        }
        return true;
    case VM_TRAP: {
        const vm_trap *trap = vm_thread_trap(sc->thread);
        o->trapped = true;
        o->trap_kind = trap ? trap->kind : VM_TRAP_NONE;
        snprintf(o->trap_message, sizeof o->trap_message, "%s",
                 trap && trap->message ? trap->message : vm_trap_text(o->trap_kind));
        return true;
    }
    case VM_OUT_OF_FUEL:
        snprintf(why, whylen, "%s: still running after %llu fuel units (an endless loop?)",
                 o->what, (unsigned long long)CALL_FUEL);
        break;
    case VM_SUSPENDED:
        snprintf(why, whylen, "%s: suspended, but no spectest function suspends", o->what);
        break;
    default:
        snprintf(why, whylen, "%s: unexpected status %d", o->what, (int)st);
        break;
    }
    replace_thread(sc);
    return false;
}

/* Runs an "action" object (invoke or get). False with why when it could
 * not be run at all (no such module or export, bad arguments, no end). */
bool spec_run_action(spec_script *sc, const json_value *action, spec_outcome *o, char *why,
                     size_t whylen)
{
    memset(o, 0, offsetof(spec_outcome, results));
    o->nresults = 0;
    const char *type = json_string(json_get(action, "type"));
    const json_value *field = json_get(action, "field");
    const char *name = json_string(field);
    if (type == NULL || name == NULL) {
        snprintf(why, whylen, "action without a type or field");
        return false;
    }
    bool invoke = strcmp(type, "invoke") == 0;
    describe(o, field, invoke, NULL, 0);
    size_t name_len = json_string_length(field);   /* names may hold NUL bytes */
    const char *module = json_string(json_get(action, "module"));
    vm_instance *inst = spec_find_instance(sc, module, why, whylen);
    if (inst == NULL)
        return false;

    if (strcmp(type, "get") == 0) {
        vm_global *g = vm_instance_export(inst, name, name_len, VM_EXTERN_GLOBAL);
        if (g == NULL) {
            snprintf(why, whylen, "%s: no such global export", o->what);
            return false;
        }
        o->results[0] = vm_global_get(g);
        o->nresults = 1;
        return true;
    }
    if (!invoke) {
        snprintf(why, whylen, "unknown action type %s", type);
        return false;
    }

    const json_value *jargs = json_get(action, "args");
    size_t nargs = json_length(jargs);
    if (nargs > MAX_VALUES) {
        snprintf(why, whylen, "%s: more than %d arguments", o->what, MAX_VALUES);
        return false;
    }
    vm_value *args = calloc(nargs ? nargs : 1, sizeof *args);
    if (args == NULL) {
        snprintf(why, whylen, "out of memory");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; ok && i < nargs; i++) {
        spec_value v;
        char err[160];
        ok = spec_value_parse(json_at(jargs, i), false, &v, err, sizeof err);
        if (!ok)
            snprintf(why, whylen, "%s: argument %zu: %s", o->what, i + 1, err);
        args[i] = v.value;
    }
    if (ok) {
        describe(o, field, true, args, nargs);
        vm_func *f = vm_instance_export(inst, name, name_len, VM_EXTERN_FUNC);
        if (f == NULL) {
            snprintf(why, whylen, "%s: no such function export", o->what);
            ok = false;
        } else {
            ok = call(sc, f, args, nargs, o, why, whylen);
        }
    }
    free(args);
    return ok;
}
