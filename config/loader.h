/* loader.h — the registry's insides, shared by the files of config/:
 * entry records with their pending references, diagnostics, and the
 * field readers every schema uses. Not part of the public API. */
#ifndef WIPPY_CONFIG_LOADER_H
#define WIPPY_CONFIG_LOADER_H

#include <stdarg.h>

#include "config/arena.h"
#include "config/config.h"

/* What a reference must point at. */
typedef enum {
    REF_ANY,            /* lifecycle.requires, meta.depends_on */
    REF_FS,             /* process.wasm fs */
    REF_MOUNT_FS,       /* wasi.mounts[].fs */
    REF_ENV_VARIABLE,   /* wasi.env[].id */
    REF_ENV_STORAGE,    /* env.variable storage, router storages */
    REF_PROCESS,        /* process.service process */
    REF_PROCESS_HOST,   /* process.service host */
    REF_LUA_LIBRARY     /* process.lua imports */
} ref_want;

typedef struct entry_rec entry_rec;

typedef struct {
    const cfg_node *at;     /* the node naming the target, for positions */
    const char *field;
    const char *target;     /* full id */
    ref_want want;
    entry_rec *found;
} entry_ref;

struct entry_rec {
    cfg_entry pub;          /* first: a cfg_entry* is an entry_rec* */
    bool bad;               /* has an error of its own or in a dependency */
    size_t index;           /* load order */
    entry_ref *refs;
    size_t nrefs, refs_cap;
    size_t waiting;         /* topological sort: unsorted dependencies */
    bool sorted;
};

struct cfg_registry {
    arena a;
    const char *project_dir, *src_dir;
    cfg_diag *errors, *notes;
    size_t nerrors, errors_cap, nnotes, notes_cap;
    entry_rec **all;        /* every entry read, in load order */
    size_t nall, all_cap;
    entry_rec **table;      /* open-addressing id → entry (first definition) */
    size_t table_size;
    const cfg_entry **ordered;   /* good entries, dependencies first */
    size_t nordered;
    bool skip_modules;
    void **blobs;           /* malloc'ed module binaries, freed with the registry */
    size_t nblobs, blobs_cap;
    const char *const *overrides;   /* -o ns:entry:field=value (cfg_options) */
    size_t noverrides;
    bool *override_used;            /* noverrides of them: an entry matched */
};

/* Where a field is read from while checking one entry. */
typedef struct {
    cfg_registry *reg;
    entry_rec *e;
    const cfg_node *map;    /* the mapping holding the fields */
    const char *prefix;     /* dotted path of map within the entry, "" at top */
} field_ctx;

/* Records an error (or a note) and, for an entry, marks it bad. `at`
 * gives the position (the entry's own when NULL); `field` may be NULL. */
void cfg_report(cfg_registry *r, entry_rec *e, const cfg_node *at, const char *field,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void cfg_report_file(cfg_registry *r, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void cfg_note(cfg_registry *r, entry_rec *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Wippy's validation texts ("fs is required", ...), printed as
 * "invalid configuration: TEXT" — they name their field themselves. */
void cfg_report_wippy(cfg_registry *r, entry_rec *e, const cfg_node *at, const char *field,
                      const char *text);

/* -o overrides (overrides.c): applies those naming entry e to its
 * mapping before it is checked; then reports those that matched no
 * entry or are malformed. */
void cfg_apply_overrides(cfg_registry *r, entry_rec *e, cfg_node *map);
void cfg_check_overrides(cfg_registry *r);

/* Field readers. Each returns the value or the default, reporting a wrong
 * type or range once, with the field's dotted path. */
field_ctx cfg_fields_of(cfg_registry *r, entry_rec *e, const cfg_node *map, const char *prefix);
const char *cfg_field_path(const field_ctx *fc, const char *key);
const cfg_node *cfg_field_node(const field_ctx *fc, const char *key);
const char *cfg_field_string(const field_ctx *fc, const char *key);
bool cfg_field_bool(const field_ctx *fc, const char *key, bool def);
int64_t cfg_field_int(const field_ctx *fc, const char *key, int64_t def, int64_t min, int64_t max);
double cfg_field_float(const field_ctx *fc, const char *key, double def, double min, double max);
int64_t cfg_field_duration(const field_ctx *fc, const char *key, int64_t def);
const cfg_node *cfg_field_map(const field_ctx *fc, const char *key);
const cfg_node *cfg_field_list(const field_ctx *fc, const char *key);
/* A list of scalars as strings; *n items. */
const char **cfg_field_string_list(const field_ctx *fc, const char *key, size_t *n);
/* Same for a node already in hand (a list item, say) with its field path. */
const char *cfg_node_string(cfg_registry *r, entry_rec *e, const cfg_node *n, const char *field);

/* Full id for a reference: relative names ("x") get the entry's namespace
 * when allowed; returns NULL (after reporting) for an empty name part. */
const char *cfg_ref_id(cfg_registry *r, entry_rec *e, const cfg_node *at, const char *field,
                   const char *text, bool relative_ok);
/* Records a reference to check once every entry is read. */
void cfg_add_ref(cfg_registry *r, entry_rec *e, const cfg_node *at, const char *field,
             const char *target, ref_want want);

/* The lifecycle block shared by hosts and services. */
void cfg_parse_lifecycle(cfg_registry *r, entry_rec *e, const cfg_node *data, cfg_lifecycle *out);

/* Per-kind schemas (schema_*.c); each reads e->pub.data. */
void cfg_schema_check_entry(cfg_registry *r, entry_rec *e);
void cfg_schema_wasm(cfg_registry *r, entry_rec *e);
/* The wasi.http block of a wasm entry (schema_wasi_http.c), read from the
 * entry's `wasi` fields once its imports are. */
void cfg_schema_wasi_http(cfg_registry *r, entry_rec *e, const field_ctx *wasi, cfg_wasm *w);
void cfg_schema_fs_directory(cfg_registry *r, entry_rec *e);
void cfg_schema_process_host(cfg_registry *r, entry_rec *e);
void cfg_schema_terminal_host(cfg_registry *r, entry_rec *e);
void cfg_schema_env_storage(cfg_registry *r, entry_rec *e);
void cfg_schema_env_variable(cfg_registry *r, entry_rec *e);
void cfg_schema_service(cfg_registry *r, entry_rec *e);
void cfg_schema_lua(cfg_registry *r, entry_rec *e);

/* Id table (loader.c). */
entry_rec *cfg_registry_find(const cfg_registry *r, const char *id);

/* Reference resolution, module loading and ordering (resolve.c). */
void cfg_resolve_and_order(cfg_registry *r);

/* The 64 hex digits of a "sha256:<hex>" hash field, or NULL with Wippy's
 * error text ("hash verification failed: invalid hash format: ...") in err. */
const char *cfg_wasm_hash_hex(const char *hash, char *err, size_t errlen);

/* Reads and verifies one wasm entry's binary into the arena (module_file.c);
 * reports errors against the entry. */
void cfg_load_module_bytes(cfg_registry *r, entry_rec *e);
/* Reports a component-only import group (wasi:http) of an entry whose
 * binary is a core module: `wasm host import requires component module:
 * ID` (schema_wasm.c). */
void cfg_check_component_imports(cfg_registry *r, entry_rec *e);

/* Joins a directory and a relative path ("." and "" dirs vanish). */
const char *cfg_path_join(arena *a, const char *dir, const char *rel);

#endif
