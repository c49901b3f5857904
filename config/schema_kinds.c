/* schema_kinds.c — the schemas of fs.directory, process.host,
 * terminal.host, env.storage.*, env.variable, process.service and
 * process.lua entries. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/loader.h"

void cfg_schema_fs_directory(cfg_registry *r, entry_rec *e)
{
    cfg_fs_directory *fs = &e->pub.as.fs;
    field_ctx fc = cfg_fields_of(r, e, e->pub.data, "");
    fs->directory = cfg_field_string(&fc, "directory");
    fs->auto_init = cfg_field_bool(&fc, "auto_init", false);
    fs->mode = 0755;
    const char *mode = cfg_field_string(&fc, "mode");
    if (mode != NULL) {
        char *end;
        unsigned long m = strtoul(mode, &end, 8);
        if (end == mode || *end != '\0' || m > 0777)
            cfg_report(r, e, cfg_field_node(&fc, "mode"), "mode",
                       "expected octal permission bits like \"0755\", got \"%s\"", mode);
        else
            fs->mode = (unsigned)m;
    }
    const char *base = cfg_field_string(&fc, "base");
    if (base != NULL && strcmp(base, "project") && strcmp(base, "module"))
        cfg_report(r, e, cfg_field_node(&fc, "base"), "base",
                   "expected \"project\" or \"module\", got \"%s\"", base);
    if (fs->directory == NULL || fs->directory[0] == '\0') {
        cfg_report(r, e, cfg_field_node(&fc, "directory"), "directory", "directory is required");
        return;
    }
    fs->path = cfg_path_join(&r->a, r->project_dir, fs->directory);
    struct stat st;
    if (fs->path == NULL)
        return;
    if (stat(fs->path, &st) != 0) {
        if (!fs->auto_init)
            cfg_report(r, e, cfg_field_node(&fc, "directory"), "directory",
                       "directory %s does not exist (set auto_init: true to create it)", fs->path);
    } else if (!S_ISDIR(st.st_mode)) {
        /* a file, a FIFO, /dev/zero: nothing a process could mount */
        cfg_report(r, e, cfg_field_node(&fc, "directory"), "directory",
                   "directory %s is not a directory", fs->path);
    }
}

void cfg_schema_process_host(cfg_registry *r, entry_rec *e)
{
    cfg_process_host *h = &e->pub.as.process_host;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    h->workers = cpus > 0 ? cpus : 1;
    h->queue_size = 1024;
    h->local_queue_size = 256;
    field_ctx top = cfg_fields_of(r, e, e->pub.data, "");
    const cfg_node *host = cfg_field_map(&top, "host");
    if (host != NULL) {
        field_ctx fc = cfg_fields_of(r, e, host, "host");
        h->workers = cfg_field_int(&fc, "workers", h->workers, 1, 4096);
        h->queue_size = cfg_field_int(&fc, "queue_size", h->queue_size, 1, 1 << 24);
        h->local_queue_size = cfg_field_int(&fc, "local_queue_size", h->local_queue_size, 1, 1 << 24);
    }
    cfg_parse_lifecycle(r, e, e->pub.data, &h->lifecycle);
}

void cfg_schema_terminal_host(cfg_registry *r, entry_rec *e)
{
    cfg_terminal_host *h = &e->pub.as.terminal_host;
    field_ctx fc = cfg_fields_of(r, e, e->pub.data, "");
    h->hide_logs = cfg_field_bool(&fc, "hide_logs", false);
    cfg_parse_lifecycle(r, e, e->pub.data, &h->lifecycle);
}

void cfg_schema_env_storage(cfg_registry *r, entry_rec *e)
{
    cfg_env_storage *s = &e->pub.as.storage;
    field_ctx fc = cfg_fields_of(r, e, e->pub.data, "");
    switch (e->pub.type) {
    case CFG_KIND_ENV_STORAGE_FILE:
        s->file_path = cfg_field_string(&fc, "file_path");
        if (s->file_path == NULL || s->file_path[0] == '\0')
            cfg_report(r, e, cfg_field_node(&fc, "file_path"), "file_path", "file_path is required");
        else
            s->file_path = cfg_path_join(&r->a, r->project_dir, s->file_path);
        break;
    case CFG_KIND_ENV_STORAGE_ROUTER: {
        s->storages = cfg_field_string_list(&fc, "storages", &s->nstorages);
        const cfg_node *list = cfg_field_node(&fc, "storages");
        if (s->nstorages == 0 && (list == NULL || list->type == CFG_NODE_SEQ))
            cfg_report(r, e, list, "storages", "storages is required (a list of env.storage.* ids)");
        for (size_t i = 0; i < s->nstorages; i++) {
            const char *path = cfg_arena_printf(&r->a, "storages[%zu]", i);
            s->storages[i] = cfg_ref_id(r, e, list->items[i], path, s->storages[i], true);
            cfg_add_ref(r, e, list->items[i], path, s->storages[i], REF_ENV_STORAGE);
        }
        break;
    }
    case CFG_KIND_ENV_STORAGE_STATIC: {
        const cfg_node *values = cfg_field_map(&fc, "values");
        if (values == NULL || values->count == 0)
            break;
        s->keys = cfg_arena_alloc(&r->a, values->count * sizeof *s->keys);
        s->values = cfg_arena_alloc(&r->a, values->count * sizeof *s->values);
        for (size_t i = 0; s->keys && s->values && i < values->count; i++) {
            const char *path = cfg_arena_printf(&r->a, "values.%s", values->keys[i]->text);
            const char *v = cfg_node_is_null(values->items[i]) ? ""
                            : cfg_node_string(r, e, values->items[i], path);
            if (v != NULL) {
                s->keys[s->nvalues] = values->keys[i]->text;
                s->values[s->nvalues++] = v;
            }
        }
        break;
    }
    default:
        break;   /* os and memory storages have no fields */
    }
}

void cfg_schema_env_variable(cfg_registry *r, entry_rec *e)
{
    cfg_env_variable *v = &e->pub.as.variable;
    field_ctx fc = cfg_fields_of(r, e, e->pub.data, "");
    v->variable = cfg_field_string(&fc, "variable");
    if (v->variable == NULL || v->variable[0] == '\0')
        v->variable = e->pub.id;
    v->default_value = cfg_field_string(&fc, "default");
    v->readonly = cfg_field_bool(&fc, "readonly", false);
    const char *storage = cfg_field_string(&fc, "storage");
    if (storage != NULL && storage[0] != '\0') {
        v->storage = cfg_ref_id(r, e, cfg_field_node(&fc, "storage"), "storage", storage, true);
        cfg_add_ref(r, e, cfg_field_node(&fc, "storage"), "storage", v->storage, REF_ENV_STORAGE);
    }
}

void cfg_schema_service(cfg_registry *r, entry_rec *e)
{
    cfg_service *s = &e->pub.as.service;
    field_ctx fc = cfg_fields_of(r, e, e->pub.data, "");
    const char *process = cfg_field_string(&fc, "process");
    const char *host = cfg_field_string(&fc, "host");
    if (process == NULL || process[0] == '\0')
        cfg_report(r, e, cfg_field_node(&fc, "process"), "process", "process is required");
    else {
        s->process = cfg_ref_id(r, e, cfg_field_node(&fc, "process"), "process", process, true);
        cfg_add_ref(r, e, cfg_field_node(&fc, "process"), "process", s->process, REF_PROCESS);
    }
    if (host == NULL || host[0] == '\0')
        cfg_report(r, e, cfg_field_node(&fc, "host"), "host", "host is required");
    else if (!strcmp(host, "node:control"))
        cfg_report(r, e, cfg_field_node(&fc, "host"), "host", "host node:control is not allowed");
    else {
        s->host = cfg_ref_id(r, e, cfg_field_node(&fc, "host"), "host", host, true);
        cfg_add_ref(r, e, cfg_field_node(&fc, "host"), "host", s->host, REF_PROCESS_HOST);
    }
    const cfg_node *input = cfg_field_node(&fc, "input");
    if (input != NULL && input->type == CFG_NODE_SCALAR) {
        s->input = cfg_arena_alloc(&r->a, sizeof *s->input);
        if (s->input != NULL)
            s->input[s->ninput++] = input->text;   /* a single argument */
    } else {
        s->input = cfg_field_string_list(&fc, "input", &s->ninput);
    }
    cfg_parse_lifecycle(r, e, e->pub.data, &s->lifecycle);
}

void cfg_schema_lua(cfg_registry *r, entry_rec *e)
{
    cfg_lua *l = &e->pub.as.lua;
    field_ctx fc = cfg_fields_of(r, e, e->pub.data, "");
    const char *source = cfg_field_string(&fc, "source");
    l->method = cfg_field_string(&fc, "method");
    if (source == NULL || source[0] == '\0')
        cfg_report(r, e, cfg_field_node(&fc, "source"), "source", "source is required");
    else if (strncmp(source, "file://", 7))
        cfg_report(r, e, cfg_field_node(&fc, "source"), "source",
                   "expected file://<path relative to the YAML file>, got \"%s\"", source);
    else {
        const char *slash = strrchr(e->pub.file, '/');
        const char *dir = slash ? cfg_arena_strndup(&r->a, e->pub.file, (size_t)(slash - e->pub.file)) : ".";
        l->source = cfg_path_join(&r->a, dir, source + 7);
        if (l->source != NULL && access(l->source, R_OK) != 0)
            cfg_report(r, e, cfg_field_node(&fc, "source"), "source", "cannot read %s", l->source);
    }
    if (l->method == NULL || l->method[0] == '\0')
        cfg_report(r, e, cfg_field_node(&fc, "method"), "method", "method is required");
    l->modules = cfg_field_string_list(&fc, "modules", &l->nmodules);
    const cfg_node *limits = cfg_field_map(&fc, "limits");
    if (limits != NULL) {
        field_ctx lc = cfg_fields_of(r, e, limits, "limits");
        l->max_execution_ms = cfg_field_int(&lc, "max_execution_ms", 0, INT64_MIN, INT64_MAX);
        if (l->max_execution_ms < 0) {
            cfg_report_wippy(r, e, cfg_field_node(&lc, "max_execution_ms"), "limits.max_execution_ms",
                             "limits.max_execution_ms cannot be negative");
            l->max_execution_ms = 0;
        }
        l->max_memory = cfg_field_int(&lc, "max_memory", 0, 65536, INT64_C(4294967296));
    }
    const cfg_node *imports = cfg_field_map(&fc, "imports");
    if (imports == NULL || imports->count == 0)
        return;
    l->import_names = cfg_arena_alloc(&r->a, imports->count * sizeof *l->import_names);
    l->import_ids = cfg_arena_alloc(&r->a, imports->count * sizeof *l->import_ids);
    for (size_t i = 0; l->import_names && l->import_ids && i < imports->count; i++) {
        const char *path = cfg_arena_printf(&r->a, "imports.%s", imports->keys[i]->text);
        const char *id = cfg_node_string(r, e, imports->items[i], path);
        if (id == NULL)
            continue;
        l->import_names[l->nimports] = imports->keys[i]->text;
        l->import_ids[l->nimports] = cfg_ref_id(r, e, imports->items[i], path, id, true);
        cfg_add_ref(r, e, imports->items[i], path, l->import_ids[l->nimports], REF_LUA_LIBRARY);
        l->nimports++;
    }
}
