/* spec_script.h — what the files running one script share (internal to
 * testsuite/: spec_script.c runs the commands, spec_modules.c reads, loads
 * (with the script's VM_FEATURE_* bits) and instantiates the modules and
 * keeps the named and the registered ones, spec_action.c runs invoke/get
 * actions). */
#ifndef WIPPY_TESTSUITE_SPEC_SCRIPT_H
#define WIPPY_TESTSUITE_SPEC_SCRIPT_H

#include "testsuite/spec.h"

#define MAX_VALUES 1024    /* arguments or results of one call */

/* A module the script named: (module $M ...). */
typedef struct {
    char *name;            /* "$M" */
    vm_instance *inst;     /* NULL when its module failed */
    bool unsupported;      /* it failed as VM_ERR_UNSUPPORTED (SIMD, a proposal not run yet) */
} spec_named;

/* An instance made importable by "register". */
typedef struct {
    vm_instance *inst;
    bool stale;            /* a module skipped since may have imported from it and so changed
                              it (its segments, its start function): commands on it are skipped */
} spec_registered;

/* One script being run: where it is, how it is reported, its store. */
typedef struct {
    const char *path;      /* the .json, as given */
    char dir[4096];        /* its folder: the .wasm files are there */
    bool verbose;
    unsigned features;     /* VM_FEATURE_* bits modules are loaded with */
    spec_counts *counts;
    unsigned long line;    /* of the command being run */
    const char *command;   /* its type */

    vm_store *store;
    vm_linker *linker;
    vm_thread *thread;
    bool have_module;      /* a module command ran */
    vm_instance *current;  /* the instance of the last module command, or NULL */
    bool current_unsupported;  /* that module uses what the engine does not run yet */
    bool hit_unsupported;      /* the last instance lookup found such a module */
    spec_named *named;
    size_t nnamed, named_cap;
    spec_registered *registered;
    size_t nregistered, registered_cap;
    vm_module **modules;   /* every module given to vm_instantiate: freed after the store */
    size_t nmodules, modules_cap;
} spec_script;

/* What running an action did. */
typedef struct {
    char what[320];        /* "add(i32:1, i32:2)" for messages */
    bool trapped;
    vm_trap_kind trap_kind;
    char trap_message[256];
    vm_value results[MAX_VALUES];
    size_t nresults;
} spec_outcome;

/* ---- spec_modules.c ---- */

/* How far making an instance from a command's module file got. */
typedef enum { STEP_READ, STEP_LOAD, STEP_INSTANTIATE, STEP_DONE } spec_step;

const char *spec_step_name(spec_step s);

/* Reads and loads the command's module file with the script's features.
 * NULL with err filled when loading fails; NULL with err->kind VM_ERR_NONE
 * when the file is unreadable. */
vm_module *spec_load_module(spec_script *sc, const json_value *cmd, vm_error *err);

/* Reads, loads and instantiates the command's module. Returns STEP_DONE
 * with *inst set, or the step that failed with err filled. */
spec_step spec_instantiate(spec_script *sc, const json_value *cmd, vm_instance **inst,
                           vm_error *err);

/* Named modules ("$M"): the entry of a name, or NULL; (re)binding a name. */
spec_named *spec_find_named(spec_script *sc, const char *name);
bool spec_set_named(spec_script *sc, const char *name, vm_instance *inst);

/* Registered instances: remembering one (false when out of memory), and
 * marking all of them stale when a module the engine does not run yet is
 * skipped (the reference would have instantiated it, with effects on what
 * it imports). */
bool spec_add_registered(spec_script *sc, vm_instance *inst);
void spec_skipped_module(spec_script *sc);

/* The instance a command names, else the current one; NULL with why. NULL
 * with sc->hit_unsupported set when that instance is a module that was
 * skipped as unsupported or a stale registered one. */
vm_instance *spec_find_instance(spec_script *sc, const char *name, char *why, size_t whylen);

/* Is the command's module in text format ("module_type": "text")? */
bool spec_is_text_module(const json_value *cmd);

/* ---- spec_action.c ---- */

/* Runs an "action" object (invoke or get). False with why when it could
 * not be run at all (no such module or export, bad arguments, no end). */
bool spec_run_action(spec_script *sc, const json_value *action, spec_outcome *o, char *why,
                     size_t whylen);

#endif
