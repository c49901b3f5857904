/* wasi_env.c — the WASI world of one process, resolved at each
 * instantiation as Wippy does (doc/wippy-compatibility.md): arguments (`wasi.args`, or
 * the terminal's CLI arguments when that is empty; no argv[0]), the
 * environment from `env.variable` entries looked up in their storages
 * (sorted by name), the working directory, the mounts (each fs.directory's
 * resolved path), the capability groups of `imports`, and stdio (the
 * terminal's descriptors, else null streams). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/internal.h"

#define ENV_FILE_MAX (1u << 20)     /* bytes of an env.storage.file read */
#define ROUTER_DEPTH_MAX 8          /* routers inside routers */

/* Finds key in a file of KEY=VALUE lines (blank lines and # comments
 * skipped, `export ` allowed, spaces around key and value trimmed, one
 * pair of surrounding quotes removed). Returns a malloc'd value or NULL. */
static char *lookup_file(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    char line[4096];
    char *found = NULL;
    size_t total = 0, klen = strlen(key);
    while (found == NULL && total < ENV_FILE_MAX && fgets(line, sizeof line, f) != NULL) {
        total += strlen(line);
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, "export ", 7) == 0)
            p += 7;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || strncmp(p, key, klen) != 0)
            continue;
        char *q = p + klen;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q != '=')
            continue;
        q++;
        while (*q == ' ' || *q == '\t')
            q++;
        size_t n = strcspn(q, "\r\n");
        while (n > 0 && (q[n - 1] == ' ' || q[n - 1] == '\t'))
            n--;
        if (n >= 2 && (q[0] == '"' || q[0] == '\'') && q[n - 1] == q[0]) {
            q++;
            n -= 2;
        }
        found = strndup(q, n);
    }
    fclose(f);
    return found;
}

/* The value of key in an env.storage.* entry, malloc'd; NULL when unset. */
static char *lookup_storage(const cfg_registry *reg, const char *storage, const char *key, int depth)
{
    const cfg_entry *s = storage != NULL ? cfg_lookup(reg, storage) : NULL;
    if (s == NULL || depth > ROUTER_DEPTH_MAX)
        return NULL;
    const cfg_env_storage *st = &s->as.storage;
    switch (s->type) {
    case CFG_KIND_ENV_STORAGE_OS: {
        const char *v = getenv(key);
        return v != NULL ? strdup(v) : NULL;
    }
    case CFG_KIND_ENV_STORAGE_STATIC:
        for (size_t i = 0; i < st->nvalues; i++)
            if (strcmp(st->keys[i], key) == 0)
                return strdup(st->values[i]);
        return NULL;
    case CFG_KIND_ENV_STORAGE_FILE:
        return st->file_path != NULL ? lookup_file(st->file_path, key) : NULL;
    case CFG_KIND_ENV_STORAGE_ROUTER:
        for (size_t i = 0; i < st->nstorages; i++) {
            char *v = lookup_storage(reg, st->storages[i], key, depth + 1);
            if (v != NULL && v[0] != '\0')
                return v;
            free(v);
        }
        return NULL;
    default:   /* env.storage.memory holds nothing at start */
        return NULL;
    }
}

/* The value of an env.variable entry (Wippy's Lookup: no default). */
static char *lookup_variable(const cfg_registry *reg, const char *id)
{
    const cfg_entry *v = cfg_lookup(reg, id);
    if (v == NULL || v->type != CFG_KIND_ENV_VARIABLE)
        return NULL;
    return lookup_storage(reg, v->as.variable.storage, v->as.variable.variable, 0);
}

/* Orders "NAME=value" strings by NAME. */
static int compare_env(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t nx = strcspn(x, "="), ny = strcspn(y, "=");
    int c = memcmp(x, y, nx < ny ? nx : ny);
    return c != 0 ? c : (nx > ny) - (nx < ny);
}

static void free_strings(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

bool host_wasi_env_list(const cfg_registry *reg, const host_module *m, char ***out, size_t *count,
                        char *err, size_t errlen)
{
    const cfg_wasm *w = &m->entry->as.wasm;
    *out = NULL;
    *count = 0;
    char **env = w->nenv ? calloc(w->nenv, sizeof *env) : NULL;
    size_t nenv = 0;
    if (w->nenv && env == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (size_t i = 0; i < w->nenv; i++) {
        char *value = lookup_variable(reg, w->env[i].id);
        if (value == NULL || value[0] == '\0') {
            free(value);
            if (!w->env[i].required)
                continue;
            snprintf(err, errlen, "required wasi env variable not found: %s", w->env[i].id);
            free_strings(env, nenv);
            return false;
        }
        env[nenv] = host_strdupf("%s=%s", w->env[i].name, value);
        free(value);
        if (env[nenv++] == NULL) {
            snprintf(err, errlen, "out of memory");
            free_strings(env, nenv);
            return false;
        }
    }
    if (nenv > 1)
        qsort(env, nenv, sizeof *env, compare_env);
    *out = env;
    *count = nenv;
    return true;
}

void host_wasi_env_list_free(char **env, size_t n)
{
    free_strings(env, n);
}

bool host_wasi_mounts(const cfg_registry *reg, const host_module *m, wasi_mount **out,
                      size_t *count, char *err, size_t errlen)
{
    const cfg_wasm *w = &m->entry->as.wasm;
    wasi_mount *mounts = w->nmounts ? calloc(w->nmounts, sizeof *mounts) : NULL;
    *out = NULL;
    *count = 0;
    if (w->nmounts && mounts == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (size_t i = 0; i < w->nmounts; i++) {
        const cfg_entry *fs = cfg_lookup(reg, w->mounts[i].fs);
        if (fs == NULL || fs->type != CFG_KIND_FS_DIRECTORY) {
            snprintf(err, errlen, "wasi mount filesystem not found: %s", w->mounts[i].fs);
            free(mounts);
            return false;
        }
        mounts[i] = (wasi_mount){ fs->as.fs.path, w->mounts[i].guest, w->mounts[i].read_only };
    }
    *out = mounts;
    *count = w->nmounts;
    return true;
}

bool host_wasi_env_new(const cfg_registry *reg, const host_module *m, const host_terminal *term,
                  wasi_ctx **out, char *err, size_t errlen)
{
    const cfg_wasm *w = &m->entry->as.wasm;
    *out = NULL;
    char **env;
    size_t nenv;
    if (!host_wasi_env_list(reg, m, &env, &nenv, err, errlen))
        return false;
    if (!m->needs_wasi) {
        free_strings(env, nenv);
        return true;
    }

    wasi_mount *mounts;
    size_t nmounts;
    bool ok = host_wasi_mounts(reg, m, &mounts, &nmounts, err, errlen);
    if (ok) {
        wasi_config cfg = {
            .args = w->nargs ? w->args : term ? term->argv : NULL,
            .nargs = w->nargs ? w->nargs : term ? term->argc : 0,
            .env = (const char *const *)env,
            .nenv = nenv,
            .cwd = w->cwd,
            .stdio = { -1, -1, -1 },
            .mounts = mounts,
            .nmounts = nmounts,
            .caps = m->caps,
            .suspend = true,
        };
        if (term != NULL)
            memcpy(cfg.stdio, term->stdio, sizeof cfg.stdio);
        char why[512];
        *out = wasi_ctx_new(&cfg, why, sizeof why);
        if (*out == NULL) {
            snprintf(err, errlen, "wasi: %s", why);
            ok = false;
        }
    }
    free(mounts);
    free_strings(env, nenv);
    return ok;
}
