/* spec_modules.c — the modules of a spec script: reading a command's .wasm
 * file from the script's folder (plain names only, at most MAX_WASM_SIZE
 * bytes), loading it with the script's features (VM_FEATURE_* bits),
 * instantiating it with the script's linker, the names ("$M") that later
 * commands refer to, and the registered instances, which become stale when
 * a module the engine does not run yet is skipped. Every module that
 * reached vm_instantiate is kept until the store is freed. */
#include "testsuite/spec_script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_WASM_SIZE ((size_t)64 << 20)

/* Reads the command's "filename" (next to the .json) into a new buffer. */
static uint8_t *read_wasm(spec_script *sc, const json_value *cmd, size_t *size, char *why,
                          size_t whylen)
{
    const char *filename = json_string(json_get(cmd, "filename"));
    char path[4200];
    if (filename == NULL) {
        snprintf(why, whylen, "no \"filename\" in the command");
        return NULL;
    }
    if (strchr(filename, '/') != NULL) {
        snprintf(why, whylen, "%s: not a file name in the script's folder", filename);
        return NULL;
    }
    if ((size_t)snprintf(path, sizeof path, "%s/%s", sc->dir, filename) >= sizeof path) {
        snprintf(why, whylen, "path of %s too long", filename);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (f == NULL || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
        (uintmax_t)st.st_size > MAX_WASM_SIZE) {
        snprintf(why, whylen, "cannot read %s: %s", filename,
                 f == NULL ? strerror(errno) : "not a regular file of at most 64 MiB");
        if (f != NULL)
            fclose(f);
        return NULL;
    }
    *size = (size_t)st.st_size;
    uint8_t *bytes = malloc(*size + 1);
    if (bytes == NULL || fread(bytes, 1, *size, f) != *size) {
        snprintf(why, whylen, "cannot read %s", filename);
        free(bytes);
        fclose(f);
        return NULL;
    }
    fclose(f);
    return bytes;
}

/* Reads and loads the command's module file with the script's features.
 * NULL with err filled when loading fails; NULL with err->kind VM_ERR_NONE
 * when the file is unreadable. */
vm_module *spec_load_module(spec_script *sc, const json_value *cmd, vm_error *err)
{
    size_t size = 0;
    memset(err, 0, sizeof *err);
    uint8_t *bytes = read_wasm(sc, cmd, &size, err->message, sizeof err->message);
    if (bytes == NULL)
        return NULL;
    vm_module *m = vm_module_load_features(bytes, size, sc->features, err);
    free(bytes);
    if (m == NULL && err->kind == VM_ERR_NONE)
        err->kind = VM_ERR_MALFORMED; /* the engine forgot to say; still a failed load */
    return m;
}

const char *spec_step_name(spec_step s)
{
    return s == STEP_READ ? "read" : s == STEP_LOAD ? "load" : "instantiate";
}

/* Reads, loads and instantiates the command's module. Returns STEP_DONE
 * with *inst set, or the step that failed with err filled. */
spec_step spec_instantiate(spec_script *sc, const json_value *cmd, vm_instance **inst,
                           vm_error *err)
{
    *inst = NULL;
    if (sc->nmodules == sc->modules_cap) {
        size_t cap = sc->modules_cap ? sc->modules_cap * 2 : 16;
        vm_module **modules = realloc(sc->modules, cap * sizeof *modules);
        if (modules == NULL) {
            snprintf(err->message, sizeof err->message, "out of memory");
            return STEP_READ;
        }
        sc->modules = modules;
        sc->modules_cap = cap;
    }
    vm_module *m = spec_load_module(sc, cmd, err);
    if (m == NULL)
        return err->kind == VM_ERR_NONE ? STEP_READ : STEP_LOAD;
    /* Kept until the store is gone: a failed instantiation may still have
     * put its functions into imported tables. */
    sc->modules[sc->nmodules++] = m;
    *inst = vm_instantiate(sc->store, m, sc->linker, err);
    return *inst != NULL ? STEP_DONE : STEP_INSTANTIATE;
}

spec_named *spec_find_named(spec_script *sc, const char *name)
{
    for (size_t i = 0; i < sc->nnamed; i++)
        if (strcmp(sc->named[i].name, name) == 0)
            return &sc->named[i];
    return NULL;
}

bool spec_set_named(spec_script *sc, const char *name, vm_instance *inst)
{
    spec_named *n = spec_find_named(sc, name);
    if (n == NULL) {
        if (sc->nnamed == sc->named_cap) {
            size_t cap = sc->named_cap ? sc->named_cap * 2 : 8;
            spec_named *named = realloc(sc->named, cap * sizeof *named);
            if (named == NULL)
                return false;
            sc->named = named;
            sc->named_cap = cap;
        }
        char *copy = strdup(name);
        if (copy == NULL)
            return false;
        n = &sc->named[sc->nnamed++];
        n->name = copy;
    }
    n->inst = inst;
    return true;
}

bool spec_add_registered(spec_script *sc, vm_instance *inst)
{
    if (sc->nregistered == sc->registered_cap) {
        size_t cap = sc->registered_cap ? sc->registered_cap * 2 : 8;
        spec_registered *grown = realloc(sc->registered, cap * sizeof *grown);
        if (grown == NULL)
            return false;
        sc->registered = grown;
        sc->registered_cap = cap;
    }
    sc->registered[sc->nregistered++] = (spec_registered){ inst, false };
    return true;
}

/* The reference interpreter would have instantiated the skipped module:
 * its data and element segments and its start function may have written
 * to the memories, tables and globals it imports. Only registered
 * instances can be imported from, and which of them it imports is not
 * known (it did not load), so every one of them may now differ from what
 * the script expects. */
void spec_skipped_module(spec_script *sc)
{
    for (size_t i = 0; i < sc->nregistered; i++)
        sc->registered[i].stale = true;
}

static bool is_stale(const spec_script *sc, const vm_instance *inst)
{
    for (size_t i = 0; i < sc->nregistered; i++)
        if (sc->registered[i].inst == inst && sc->registered[i].stale)
            return true;
    return false;
}

/* The instance a command names ("module"/"name"), else the current one. */
vm_instance *spec_find_instance(spec_script *sc, const char *name, char *why, size_t whylen)
{
    vm_instance *inst;
    sc->hit_unsupported = false;
    if (name != NULL) {
        spec_named *n = spec_find_named(sc, name);
        sc->hit_unsupported = n != NULL && n->unsupported;
        if (n == NULL)
            snprintf(why, whylen, "no module named %s", name);
        else if (n->inst == NULL)
            snprintf(why, whylen, "module %s failed to load", name);
        inst = n ? n->inst : NULL;
    } else {
        sc->hit_unsupported = sc->current_unsupported;
        if (!sc->have_module)
            snprintf(why, whylen, "no module defined yet");
        else if (sc->current == NULL)
            snprintf(why, whylen, "the current module failed to load");
        inst = sc->current;
    }
    if (inst != NULL && is_stale(sc, inst)) {
        sc->hit_unsupported = true;
        snprintf(why, whylen, "a module skipped as unsupported may have changed it");
        return NULL;
    }
    return inst;
}

/* "text" module commands are skipped; anything but "binary" is unknown. */
bool spec_is_text_module(const json_value *cmd)
{
    const char *type = json_string(json_get(cmd, "module_type"));
    return type != NULL && strcmp(type, "text") == 0;
}
