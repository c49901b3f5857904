/* runtime_config.c — the runtime's own settings, Wippy's `.wippy.yaml`
 * (`wippy run --config FILE`), with `--set section.path=value` applied
 * on top: shutdown.timeout and logger.level (with `${env:NAME}` in their
 * values). Other sections are Wippy's (scheduler, registry, ...) and not
 * this runtime's: each is a note, never an error. It may not touch the
 * registry of entries. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config.h"

/* text with each ${env:NAME} replaced by the variable (empty when unset);
 * false when the result does not fit out. */
static bool substitute(const char *text, char *out, size_t outlen)
{
    size_t n = 0;
    for (const char *p = text; *p != '\0';) {
        const char *end;
        if (!strncmp(p, "${env:", 6) && (end = strchr(p + 6, '}')) != NULL) {
            char name[256];
            size_t len = (size_t)(end - p - 6);
            if (len >= sizeof name)
                return false;
            memcpy(name, p + 6, len);
            name[len] = '\0';
            const char *v = getenv(name);
            size_t vlen = v ? strlen(v) : 0;
            if (n + vlen >= outlen)
                return false;
            memcpy(out + n, v ? v : "", vlen);
            n += vlen;
            p = end + 1;
            continue;
        }
        if (n + 1 >= outlen)
            return false;
        out[n++] = *p++;
    }
    out[n] = '\0';
    return true;
}

/* The scalar at section.key, substituted into buf; NULL when absent.
 * Sets *bad (and err) when it is there but not a scalar or too long. */
static const char *scalar_at(const cfg_node *root, const char *section, const char *key,
                             char *buf, size_t buflen, bool *bad, char *err, size_t errlen)
{
    const cfg_node *n = cfg_map_get(cfg_map_get(root, section), key);
    if (n == NULL || n->type == CFG_NODE_NULL)
        return NULL;
    if (n->type != CFG_NODE_SCALAR || !substitute(n->text, buf, buflen)) {
        snprintf(err, errlen, "%s.%s: expected a short string, got %s", section, key,
                 cfg_node_type_name(n));
        *bad = true;
        return NULL;
    }
    return buf;
}

bool cfg_runtime_load(const cfg_runtime_options *o, cfg_runtime *out, char *err, size_t errlen)
{
    *out = (cfg_runtime){ .shutdown_timeout_ns = 30000000000LL };
    snprintf(out->logger_level, sizeof out->logger_level, "info");
    arena a = { 0 };
    cfg_node *root = NULL;
    bool ok = false;
    struct stat st;
    if (stat(o->path, &st) == 0) {
        yaml_tree_error ye;
        if (!cfg_yaml_tree_parse_file(&a, o->path, &root, &ye)) {
            snprintf(err, errlen, "%s:%d:%d: %s", o->path, ye.line, ye.col, ye.message);
            goto done;
        }
        out->found = true;
    } else if (o->required) {
        snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
        goto done;
    }
    if (root == NULL || root->type == CFG_NODE_NULL) {
        root = cfg_arena_alloc(&a, sizeof *root);
        if (root == NULL) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
        *root = (cfg_node){ .type = CFG_NODE_MAP, .line = 1, .col = 1 };
    }
    if (root->type != CFG_NODE_MAP) {
        snprintf(err, errlen, "%s: expected a mapping of sections, got %s", o->path,
                 cfg_node_type_name(root));
        goto done;
    }
    for (size_t i = 0; i < o->nsets; i++) {
        const char *eq = strchr(o->sets[i], '=');
        char path[256], why[256];
        if (eq == NULL || eq == o->sets[i] || (size_t)(eq - o->sets[i]) >= sizeof path) {
            snprintf(err, errlen, "--set %s: expected section.path=value", o->sets[i]);
            goto done;
        }
        memcpy(path, o->sets[i], (size_t)(eq - o->sets[i]));
        path[eq - o->sets[i]] = '\0';
        if (!cfg_node_set_path(&a, root, path, eq + 1, why, sizeof why)) {
            snprintf(err, errlen, "--set %s: %s", o->sets[i], why);
            goto done;
        }
    }
    char buf[256];
    bool bad = false;
    const char *v = scalar_at(root, "shutdown", "timeout", buf, sizeof buf, &bad, err, errlen);
    if (bad)
        goto done;
    if (v != NULL && (!cfg_parse_duration(v, &out->shutdown_timeout_ns) ||
                      out->shutdown_timeout_ns <= 0)) {
        snprintf(err, errlen, "shutdown.timeout: expected a positive duration like \"30s\", got "
                 "\"%s\"", v);
        goto done;
    }
    v = scalar_at(root, "logger", "level", buf, sizeof buf, &bad, err, errlen);
    if (bad)
        goto done;
    if (v != NULL) {
        static const char *const levels[] = { "debug", "info", "warn", "error" };
        size_t k = 0;
        while (k < 4 && strcmp(levels[k], v) != 0)
            k++;
        if (k == 4) {
            snprintf(err, errlen, "logger.level: expected debug, info, warn or error, got \"%s\"", v);
            goto done;
        }
        snprintf(out->logger_level, sizeof out->logger_level, "%s", v);
    }
    for (size_t i = 0; o->notes != NULL && i < root->count; i++) {
        const char *s = root->keys[i]->text;
        if (strcmp(s, "shutdown") != 0 && strcmp(s, "logger") != 0)
            fprintf(o->notes, "note: %s: section \"%s\" is not used by this runtime\n", o->path, s);
    }
    ok = true;
done:
    cfg_arena_free(&a);
    return ok;
}
