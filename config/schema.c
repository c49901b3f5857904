/* schema.c — the table of kinds this runtime checks, and what every entry
 * may carry whatever its kind: meta.command (process kinds),
 * meta.depends_on, and the lifecycle block of hosts and services. */
#include <string.h>

#include "config/loader.h"

static const struct {
    const char *name;
    cfg_kind kind;
    void (*check)(cfg_registry *, entry_rec *);
} kinds[] = {
    { "fs.directory",       CFG_KIND_FS_DIRECTORY,       cfg_schema_fs_directory },
    { "process.wasm",       CFG_KIND_PROCESS_WASM,       cfg_schema_wasm },
    { "function.wasm",      CFG_KIND_FUNCTION_WASM,      cfg_schema_wasm },
    { "process.host",       CFG_KIND_PROCESS_HOST,       cfg_schema_process_host },
    { "terminal.host",      CFG_KIND_TERMINAL_HOST,      cfg_schema_terminal_host },
    { "env.storage.os",     CFG_KIND_ENV_STORAGE_OS,     cfg_schema_env_storage },
    { "env.storage.memory", CFG_KIND_ENV_STORAGE_MEMORY, cfg_schema_env_storage },
    { "env.storage.static", CFG_KIND_ENV_STORAGE_STATIC, cfg_schema_env_storage },
    { "env.storage.file",   CFG_KIND_ENV_STORAGE_FILE,   cfg_schema_env_storage },
    { "env.storage.router", CFG_KIND_ENV_STORAGE_ROUTER, cfg_schema_env_storage },
    { "env.variable",       CFG_KIND_ENV_VARIABLE,       cfg_schema_env_variable },
    { "process.service",    CFG_KIND_PROCESS_SERVICE,    cfg_schema_service },
    { "process.lua",        CFG_KIND_PROCESS_LUA,        cfg_schema_lua },
};

cfg_kind cfg_kind_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].name, name))
            return kinds[i].kind;
    return CFG_KIND_OTHER;
}

bool cfg_kind_is_process(const char *kind)
{
    return !strncmp(kind, "process.", 8);
}

/* meta.command: {name (required), short, main, use_case}. */
static void parse_command(cfg_registry *r, entry_rec *e)
{
    field_ctx meta = cfg_fields_of(r, e, e->pub.meta, "meta");
    const cfg_node *command = cfg_field_map(&meta, "command");
    if (command == NULL)
        return;
    field_ctx fc = cfg_fields_of(r, e, command, "meta.command");
    const char *name = cfg_field_string(&fc, "name");
    if (name == NULL || name[0] == '\0') {
        const cfg_node *n = cfg_field_node(&fc, "name");
        if (n == NULL || n->type == CFG_NODE_SCALAR)
            cfg_report(r, e, n ? n : command, "meta.command.name", "meta.command.name is required");
        return;
    }
    if (strpbrk(name, " \t\n") != NULL)
        cfg_report(r, e, cfg_field_node(&fc, "name"), "meta.command.name",
                   "command name \"%s\" must not contain spaces", name);
    e->pub.command.name = name;
    e->pub.command.short_text = cfg_field_string(&fc, "short");
    e->pub.command.use_case = cfg_field_string(&fc, "use_case");
    e->pub.command.main = cfg_field_bool(&fc, "main", false);
}

/* A list of entry ids this entry needs first (relative names allowed). */
static void parse_dependency_list(cfg_registry *r, entry_rec *e, const field_ctx *fc,
                                  const char *key)
{
    const cfg_node *list = cfg_field_list(fc, key);
    for (size_t i = 0; list != NULL && i < list->count; i++) {
        const char *path = cfg_arena_printf(&r->a, "%s[%zu]", cfg_field_path(fc, key), i);
        const char *text = cfg_node_string(r, e, list->items[i], path);
        if (text != NULL)
            cfg_add_ref(r, e, list->items[i], path, cfg_ref_id(r, e, list->items[i], path, text, true), REF_ANY);
    }
}

void cfg_parse_lifecycle(cfg_registry *r, entry_rec *e, const cfg_node *data, cfg_lifecycle *out)
{
    const int64_t s = 1000000000;
    out->auto_start = false;
    out->startup_optional = false;
    out->start_timeout = 10 * s;
    out->stop_timeout = 10 * s;
    out->stable_threshold = 5 * s;
    out->restart = (cfg_restart){ 1 * s, 90 * s, 2.0, 0.1, 0 };
    field_ctx top = cfg_fields_of(r, e, data, "");
    const cfg_node *lifecycle = cfg_field_map(&top, "lifecycle");
    if (lifecycle == NULL)
        return;
    field_ctx fc = cfg_fields_of(r, e, lifecycle, "lifecycle");
    out->auto_start = cfg_field_bool(&fc, "auto_start", false);
    const char *startup = cfg_field_string(&fc, "startup");
    if (startup != NULL && strcmp(startup, "required") && strcmp(startup, "optional"))
        cfg_report(r, e, cfg_field_node(&fc, "startup"), "lifecycle.startup",
                   "expected \"required\" or \"optional\", got \"%s\"", startup);
    out->startup_optional = startup != NULL && !strcmp(startup, "optional");
    out->start_timeout = cfg_field_duration(&fc, "start_timeout", out->start_timeout);
    out->stop_timeout = cfg_field_duration(&fc, "stop_timeout", out->stop_timeout);
    out->stable_threshold = cfg_field_duration(&fc, "stable_threshold", out->stable_threshold);
    parse_dependency_list(r, e, &fc, "requires");
    parse_dependency_list(r, e, &fc, "depends_on");
    const cfg_node *restart = cfg_field_map(&fc, "restart");
    if (restart == NULL)
        return;
    field_ctx rc = cfg_fields_of(r, e, restart, "lifecycle.restart");
    cfg_restart *p = &out->restart;
    p->initial_delay = cfg_field_duration(&rc, "initial_delay", p->initial_delay);
    p->max_delay = cfg_field_duration(&rc, "max_delay", p->max_delay);
    p->backoff_factor = cfg_field_float(&rc, "backoff_factor", p->backoff_factor, 1.0, 1000.0);
    p->jitter = cfg_field_float(&rc, "jitter", p->jitter, 0.0, 1.0);
    p->max_attempts = cfg_field_int(&rc, "max_attempts", p->max_attempts, 0, INT64_MAX);
    if (p->max_delay < p->initial_delay)
        cfg_report(r, e, cfg_field_node(&rc, "max_delay") ? cfg_field_node(&rc, "max_delay") : restart,
                   "lifecycle.restart.max_delay", "must not be shorter than initial_delay");
}

void cfg_schema_check_entry(cfg_registry *r, entry_rec *e)
{
    field_ctx meta = cfg_fields_of(r, e, e->pub.meta, "meta");
    parse_dependency_list(r, e, &meta, "depends_on");
    if (cfg_kind_is_process(e->pub.kind))
        parse_command(r, e);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].name, e->pub.kind)) {
            kinds[i].check(r, e);
            return;
        }
    cfg_note(r, e, "unknown kind %s: kept as it is, not checked", e->pub.kind);
}
