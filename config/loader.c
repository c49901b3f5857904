/* loader.c — finding the source folder (wippy.lock, ./src, or the project
 * itself), reading every YAML file below it, turning each file's entries
 * into records (id, kind, merged meta), and the public registry API. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/loader.h"

enum { MAX_FILES = 100000, MAX_DIR_DEPTH = 32 };

const char *cfg_path_join(arena *a, const char *dir, const char *rel)
{
    while (rel[0] == '.' && rel[1] == '/')
        rel += 2;
    if (rel[0] == '/' || dir == NULL || dir[0] == '\0' || !strcmp(dir, "."))
        return cfg_arena_strdup(a, strcmp(rel, ".") ? rel : ".");
    if (!strcmp(rel, ".") || rel[0] == '\0')
        return cfg_arena_strdup(a, dir);
    size_t n = strlen(dir);
    return cfg_arena_printf(a, "%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", rel);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- the id table: open addressing, sized once for every entry read ---- */

static size_t hash_id(const char *s)
{
    size_t h = 14695981039346656037u;   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

entry_rec *cfg_registry_find(const cfg_registry *r, const char *id)
{
    if (r->table_size == 0)
        return NULL;
    for (size_t i = hash_id(id) & (r->table_size - 1);; i = (i + 1) & (r->table_size - 1)) {
        entry_rec *e = r->table[i];
        if (e == NULL || !strcmp(e->pub.id, id))
            return e;
    }
}

/* Fills the table; a second entry with an id already present is an error. */
static void build_id_table(cfg_registry *r)
{
    size_t size = 16;
    while (size < r->nall * 2)
        size *= 2;
    r->table = cfg_arena_alloc(&r->a, size * sizeof *r->table);
    if (r->table == NULL)
        return;
    r->table_size = size;
    for (size_t k = 0; k < r->nall; k++) {
        entry_rec *e = r->all[k];
        size_t i = hash_id(e->pub.id) & (size - 1);
        while (r->table[i] != NULL && strcmp(r->table[i]->pub.id, e->pub.id))
            i = (i + 1) & (size - 1);
        if (r->table[i] == NULL) {
            r->table[i] = e;
            continue;
        }
        const entry_rec *first = r->table[i];
        cfg_report(r, e, cfg_map_key(e->pub.data, "name"), "name",
                   "duplicate entry id %s: already defined at %s:%d:%d", e->pub.id,
                   first->pub.file, first->pub.line, first->pub.col);
    }
}

/* ---- references ---- */

const char *cfg_ref_id(cfg_registry *r, entry_rec *e, const cfg_node *at, const char *field,
                   const char *text, bool relative_ok)
{
    const char *colon = strchr(text, ':');
    if (colon == NULL)
        return relative_ok ? cfg_arena_printf(&r->a, "%s:%s", e->pub.ns, text) : text;
    if (colon[1] == '\0' || colon == text) {
        cfg_report(r, e, at, field, "invalid entry id \"%s\": expected namespace:name", text);
        return NULL;
    }
    return text;
}

void cfg_add_ref(cfg_registry *r, entry_rec *e, const cfg_node *at, const char *field,
             const char *target, ref_want want)
{
    if (target == NULL || !cfg_arena_grow(&r->a, (void **)&e->refs, &e->refs_cap, e->nrefs, sizeof *e->refs))
        return;
    entry_ref *ref = &e->refs[e->nrefs++];
    ref->at = at;
    ref->field = field;
    ref->target = target;
    ref->want = want;
    ref->found = NULL;
}

/* ---- finding and reading the files ---- */

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool has_yaml_suffix(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

/* Every *.yaml / *.yml below root, sorted; iterative, symlinked folders not
 * followed, hidden folders and node_modules skipped. */
static const char **find_yaml_files(cfg_registry *r, const char *root, size_t *count)
{
    const char **dirs = NULL, **files = NULL;
    size_t ndirs = 0, dirs_cap = 0, nfiles = 0, files_cap = 0;
    int *depth = NULL;
    size_t depth_cap = 0;
    if (!cfg_arena_grow(&r->a, (void **)&dirs, &dirs_cap, 0, sizeof *dirs) ||
        !cfg_arena_grow(&r->a, (void **)&depth, &depth_cap, 0, sizeof *depth))
        return NULL;
    dirs[ndirs] = root;
    depth[ndirs++] = 0;
    while (ndirs > 0) {
        ndirs--;
        const char *dir = dirs[ndirs];
        int level = depth[ndirs];
        DIR *d = opendir(dir);
        if (d == NULL) {
            cfg_report_file(r, dir, 0, 0, "cannot read source folder");
            continue;
        }
        for (struct dirent *de; (de = readdir(d)) != NULL;) {
            if (de->d_name[0] == '.' || !strcmp(de->d_name, "node_modules"))
                continue;
            const char *path = cfg_path_join(&r->a, dir, de->d_name);
            struct stat st;
            if (path == NULL || lstat(path, &st) != 0)
                continue;
            if (S_ISDIR(st.st_mode)) {
                if (level + 1 > MAX_DIR_DEPTH) {
                    cfg_report_file(r, path, 0, 0, "folders nested deeper than %d levels are not read",
                                    MAX_DIR_DEPTH);
                    continue;
                }
                if (cfg_arena_grow(&r->a, (void **)&dirs, &dirs_cap, ndirs, sizeof *dirs) &&
                    cfg_arena_grow(&r->a, (void **)&depth, &depth_cap, ndirs, sizeof *depth)) {
                    dirs[ndirs] = path;
                    depth[ndirs++] = level + 1;
                }
            } else if (has_yaml_suffix(de->d_name) && (S_ISREG(st.st_mode) ||
                       (S_ISLNK(st.st_mode) && stat(path, &st) == 0 && S_ISREG(st.st_mode)))) {
                if (nfiles == MAX_FILES) {
                    cfg_report_file(r, path, 0, 0, "more than %d YAML files; the rest are not read",
                                    MAX_FILES);
                    break;
                }
                if (cfg_arena_grow(&r->a, (void **)&files, &files_cap, nfiles, sizeof *files))
                    files[nfiles++] = path;
            }
        }
        closedir(d);
    }
    if (nfiles > 1)
        qsort(files, nfiles, sizeof *files, compare_paths);
    *count = nfiles;
    return files;
}

/* wippy.lock → directories.src; else ./src; else the project itself. */
static const char *find_source_dir(cfg_registry *r)
{
    const char *lock = cfg_path_join(&r->a, r->project_dir, "wippy.lock");
    struct stat st;
    if (lock != NULL && stat(lock, &st) == 0) {
        cfg_node *root;
        yaml_tree_error err;
        if (!cfg_yaml_tree_parse_file(&r->a, lock, &root, &err)) {
            cfg_report_file(r, lock, err.line, err.col, "%s", err.message);
            return r->project_dir;
        }
        const cfg_node *dirs = cfg_map_get(root, "directories");
        const cfg_node *src = cfg_map_get(dirs, "src");
        if (src != NULL && src->type == CFG_NODE_SCALAR && src->text[0] != '\0')
            return cfg_path_join(&r->a, r->project_dir, src->text);
        if (!cfg_node_is_null(src))
            cfg_report_file(r, lock, src->line, src->col,
                            "directories.src: expected a folder path, got %s", cfg_node_type_name(src));
    }
    const char *src = cfg_path_join(&r->a, r->project_dir, "src");
    return src != NULL && is_dir(src) ? src : r->project_dir;
}

/* Entry meta with the file's meta merged under it (entry keys win). */
static const cfg_node *merge_meta(cfg_registry *r, const cfg_node *file_meta, const cfg_node *meta)
{
    if (file_meta == NULL || file_meta->count == 0)
        return meta;
    if (meta == NULL)
        return file_meta;
    cfg_node *m = cfg_arena_alloc(&r->a, sizeof *m);
    size_t n = meta->count + file_meta->count;
    if (m == NULL)
        return meta;
    *m = *meta;
    m->keys = cfg_arena_alloc(&r->a, n * sizeof *m->keys);
    m->items = cfg_arena_alloc(&r->a, n * sizeof *m->items);
    if (m->keys == NULL || m->items == NULL)
        return meta;
    memcpy(m->keys, meta->keys, meta->count * sizeof *m->keys);
    memcpy(m->items, meta->items, meta->count * sizeof *m->items);
    m->count = m->cap = meta->count;
    for (size_t i = 0; i < file_meta->count; i++)
        if (cfg_map_get(meta, file_meta->keys[i]->text) == NULL) {
            m->keys[m->count] = file_meta->keys[i];
            m->items[m->count++] = file_meta->items[i];
        }
    m->cap = n;
    return m;
}

/* A non-empty string field of an entry or file, or NULL after an error. */
static const char *required_name(cfg_registry *r, entry_rec *e, const char *file,
                                 const cfg_node *map, const char *key)
{
    const cfg_node *n = cfg_map_get(map, key);
    if (n != NULL && n->type == CFG_NODE_SCALAR && n->text[0] != '\0')
        return n->text;
    const char *what = cfg_node_is_null(n) ? "is required" : "must be a non-empty string";
    int line = n ? n->line : map->line, col = n ? n->col : map->col;
    if (e != NULL)
        cfg_report(r, e, n, key, "%s %s", key, what);
    else
        cfg_report_file(r, file, line, col, "%s %s", key, what);
    return NULL;
}

static void read_entry(cfg_registry *r, const char *file, const char *ns,
                       const cfg_node *file_meta, const cfg_node *node, size_t index)
{
    if (node->type != CFG_NODE_MAP) {
        cfg_report_file(r, file, node->line, node->col, "entries[%zu]: expected a mapping, got %s",
                        index, cfg_node_type_name(node));
        return;
    }
    entry_rec *e = cfg_arena_alloc(&r->a, sizeof *e);
    if (e == NULL || !cfg_arena_grow(&r->a, (void **)&r->all, &r->all_cap, r->nall, sizeof *r->all))
        return;
    e->pub.file = file;
    e->pub.line = node->line;
    e->pub.col = node->col;
    e->pub.ns = ns;
    e->pub.data = node;
    /* An id is needed for every message, so name comes first. */
    const cfg_node *name = cfg_map_get(node, "name");
    bool named = name != NULL && name->type == CFG_NODE_SCALAR && name->text[0] != '\0';
    e->pub.name = named ? name->text : "?";
    e->pub.id = cfg_arena_printf(&r->a, "%s:%s", ns, e->pub.name);
    if (e->pub.id == NULL)
        return;
    if (!named) {
        const char *what = cfg_node_is_null(name) ? "is required" : "must be a non-empty string";
        cfg_report_file(r, file, name ? name->line : node->line, name ? name->col : node->col,
                        "%s: entries[%zu]: name %s", ns, index, what);
        return;   /* without a name there is no id to keep it under */
    }
    e->index = r->nall;
    r->all[r->nall++] = e;
    {   /* -o overrides, into `data:` when the entry has one (the tree is the registry's own) */
        const cfg_node *d = cfg_map_get(node, "data");
        cfg_apply_overrides(r, e, (cfg_node *)(d != NULL && d->type == CFG_NODE_MAP ? d : node));
    }
    if (strchr(e->pub.name, ':') != NULL)
        cfg_report(r, e, name, "name", "name must not contain ':'");
    e->pub.kind = required_name(r, e, file, node, "kind");
    if (e->pub.kind == NULL)
        e->pub.kind = "";
    e->pub.type = cfg_kind_from_name(e->pub.kind);
    const cfg_node *meta = cfg_map_get(node, "meta");
    if (!cfg_node_is_null(meta) && meta->type != CFG_NODE_MAP) {
        cfg_report(r, e, meta, "meta", "expected a mapping, got %s", cfg_node_type_name(meta));
        meta = NULL;
    }
    e->pub.meta = merge_meta(r, file_meta, cfg_node_is_null(meta) ? NULL : meta);
    /* An explicit `data:` mapping holds the fields instead of the entry itself. */
    const cfg_node *data = cfg_map_get(node, "data");
    if (data != NULL && data->type == CFG_NODE_MAP)
        e->pub.data = data;
    if (e->pub.kind[0] != '\0')
        cfg_schema_check_entry(r, e);
}

static void read_file(cfg_registry *r, const char *file)
{
    cfg_node *root;
    yaml_tree_error err;
    if (!cfg_yaml_tree_parse_file(&r->a, file, &root, &err)) {
        cfg_report_file(r, file, err.line, err.col, "%s", err.message);
        return;
    }
    if (root == NULL || root->type == CFG_NODE_NULL)
        return;   /* an empty file */
    if (root->type != CFG_NODE_MAP) {
        cfg_report_file(r, file, root->line, root->col,
                        "expected a mapping with namespace and entries, got %s",
                        cfg_node_type_name(root));
        return;
    }
    const cfg_node *ns_node = cfg_map_get(root, "namespace");
    if (ns_node == NULL)
        return;   /* Wippy skips files without a namespace header */
    const char *ns = required_name(r, NULL, file, root, "namespace");
    if (ns == NULL)
        return;
    if (strpbrk(ns, ": \t") != NULL) {
        cfg_report_file(r, file, ns_node->line, ns_node->col,
                        "namespace \"%s\" must not contain ':' or spaces", ns);
        return;
    }
    const cfg_node *meta = cfg_map_get(root, "meta");
    if (!cfg_node_is_null(meta) && meta->type != CFG_NODE_MAP) {
        cfg_report_file(r, file, meta->line, meta->col, "meta: expected a mapping, got %s",
                        cfg_node_type_name(meta));
        meta = NULL;
    }
    meta = cfg_node_is_null(meta) ? NULL : meta;
    const cfg_node *entries = cfg_map_get(root, "entries");
    if (entries == NULL && cfg_map_get(root, "name") != NULL && cfg_map_get(root, "kind") != NULL) {
        read_entry(r, file, ns, meta, root, 0);   /* a file that is one entry */
        return;
    }
    if (cfg_node_is_null(entries)) {
        cfg_report_file(r, file, root->line, root->col, "entries is required (a list of entries)");
        return;
    }
    if (entries->type != CFG_NODE_SEQ) {
        cfg_report_file(r, file, entries->line, entries->col, "entries: expected a list, got %s",
                        cfg_node_type_name(entries));
        return;
    }
    for (size_t i = 0; i < entries->count; i++)
        read_entry(r, file, ns, meta, entries->items[i], i);
}

/* Commands are unique across the good process entries. */
static void check_commands(cfg_registry *r)
{
    for (size_t i = 0; i < r->nall; i++) {
        entry_rec *e = r->all[i];
        if (e->pub.command.name == NULL)
            continue;
        for (size_t j = 0; j < i; j++) {
            const entry_rec *o = r->all[j];
            if (o->pub.command.name != NULL && !strcmp(o->pub.command.name, e->pub.command.name)) {
                const cfg_node *command = cfg_map_get(e->pub.meta, "command");
                cfg_report(r, e, cfg_map_get(command, "name"), "meta.command.name",
                           "command \"%s\" is already defined by %s (%s:%d:%d)",
                           e->pub.command.name, o->pub.id, o->pub.file, o->pub.line, o->pub.col);
                break;
            }
        }
    }
}

static bool diag_before(const cfg_diag *x, const cfg_diag *y)
{
    int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
    if (c != 0)
        return c < 0;
    return x->line != y->line ? x->line < y->line : x->col < y->col;
}

/* Errors in file order, then by line and column; a stable insertion sort,
 * so problems at one place keep the order they were found in. */
static void sort_errors(cfg_registry *r)
{
    for (size_t i = 1; i < r->nerrors; i++) {
        cfg_diag d = r->errors[i];
        size_t j = i;
        for (; j > 0 && diag_before(&d, &r->errors[j - 1]); j--)
            r->errors[j] = r->errors[j - 1];
        r->errors[j] = d;
    }
}

cfg_registry *cfg_load(const cfg_options *opts)
{
    static const cfg_options defaults = { 0 };
    if (opts == NULL)
        opts = &defaults;
    cfg_registry *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->skip_modules = opts->skip_modules;
    r->project_dir = cfg_arena_strdup(&r->a, opts->project_dir ? opts->project_dir : ".");
    if (r->project_dir == NULL) {
        cfg_free(r);
        return NULL;
    }
    r->overrides = opts->overrides;
    r->noverrides = opts->noverrides;
    if (r->noverrides > 0) {
        r->override_used = cfg_arena_alloc(&r->a, r->noverrides * sizeof *r->override_used);
        if (r->override_used == NULL) {
            cfg_free(r);
            return NULL;
        }
        memset(r->override_used, 0, r->noverrides * sizeof *r->override_used);
    }
    if (opts->nfiles > 0) {
        r->src_dir = r->project_dir;
        for (size_t i = 0; i < opts->nfiles; i++)
            read_file(r, cfg_path_join(&r->a, r->project_dir, opts->files[i]));
    } else {
        r->src_dir = opts->src_dir ? cfg_path_join(&r->a, r->project_dir, opts->src_dir)
                                   : find_source_dir(r);
        if (r->src_dir != NULL && !is_dir(r->src_dir))
            cfg_report_file(r, r->src_dir, 0, 0, "source folder does not exist");
        else if (r->src_dir != NULL) {
            size_t n = 0;
            const char **files = find_yaml_files(r, r->src_dir, &n);
            for (size_t i = 0; i < n; i++)
                read_file(r, files[i]);
        }
    }
    cfg_check_overrides(r);
    build_id_table(r);
    check_commands(r);
    cfg_resolve_and_order(r);
    sort_errors(r);
    if (r->a.failed) {
        cfg_free(r);
        return NULL;
    }
    return r;
}

void cfg_free(cfg_registry *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->nblobs; i++)
        free(r->blobs[i]);
    cfg_arena_free(&r->a);
    free(r);
}

const char *cfg_source_dir(const cfg_registry *r) { return r->src_dir; }
size_t cfg_error_count(const cfg_registry *r) { return r->nerrors; }
const cfg_diag *cfg_error_at(const cfg_registry *r, size_t i) { return i < r->nerrors ? &r->errors[i] : NULL; }
size_t cfg_note_count(const cfg_registry *r) { return r->nnotes; }
const cfg_diag *cfg_note_at(const cfg_registry *r, size_t i) { return i < r->nnotes ? &r->notes[i] : NULL; }
size_t cfg_entry_count(const cfg_registry *r) { return r->nordered; }
const cfg_entry *cfg_entry_at(const cfg_registry *r, size_t i) { return i < r->nordered ? r->ordered[i] : NULL; }

const cfg_entry *cfg_lookup(const cfg_registry *r, const char *id)
{
    const entry_rec *e = cfg_registry_find(r, id);
    return e != NULL && !e->bad ? &e->pub : NULL;
}

const cfg_entry *cfg_find_command(const cfg_registry *r, const char *name)
{
    for (size_t i = 0; i < r->nall; i++) {
        const entry_rec *e = r->all[i];
        if (!e->bad && e->pub.command.name != NULL && !strcmp(e->pub.command.name, name))
            return &e->pub;
    }
    return NULL;
}
