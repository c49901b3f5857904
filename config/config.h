/* config.h — the entry registry: Wippy's YAML configuration, loaded,
 * checked and put in dependency order.
 *
 * A project directory holds `wippy.lock` (whose `directories.src` names the
 * source folder), or a `src/` folder, or YAML files itself. Every `*.yaml`
 * and `*.yml` file below the source folder (hidden folders and
 * node_modules skipped) with a `namespace` contributes entries; an entry's
 * id is `namespace:name`. Each entry is checked against the schema of its
 * kind; references between entries are resolved; entries are ordered so
 * that every entry comes after what it depends on. A `process.wasm` entry's
 * binary is read through its `fs.directory` and its SHA-256 checked before
 * anything else sees the bytes.
 *
 * Loading never stops at the first problem: every error is collected with
 * file, line, column, entry id and field, and a bad entry (or one that
 * depends on a bad entry) is left out whole, never half-applied.
 *
 * Ownership: everything a registry hands out (entries, diagnostics,
 * strings, YAML nodes) lives in it until cfg_free(). Thread-safety: a
 * loaded registry is never modified, so any number of threads may read
 * it at once; cfg_load() and cfg_free() touch only their own registry. */
#ifndef WIPPY_CONFIG_H
#define WIPPY_CONFIG_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "config/yaml_tree.h"

/* The kinds this runtime understands; anything else is CFG_KIND_OTHER
 * (kept, reported as a note, never fatal). */
typedef enum {
    CFG_KIND_OTHER = 0,
    CFG_KIND_FS_DIRECTORY,
    CFG_KIND_PROCESS_WASM,
    CFG_KIND_FUNCTION_WASM,
    CFG_KIND_PROCESS_HOST,
    CFG_KIND_TERMINAL_HOST,
    CFG_KIND_ENV_STORAGE_OS,
    CFG_KIND_ENV_STORAGE_MEMORY,
    CFG_KIND_ENV_STORAGE_STATIC,
    CFG_KIND_ENV_STORAGE_FILE,
    CFG_KIND_ENV_STORAGE_ROUTER,
    CFG_KIND_ENV_VARIABLE,
    CFG_KIND_PROCESS_SERVICE,
    CFG_KIND_PROCESS_LUA
} cfg_kind;

/* One problem found while loading. `text` is the whole line as printed:
 * "FILE:LINE:COL: ENTRY: FIELD: MESSAGE" (parts that do not apply are left
 * out). */
typedef struct {
    const char *file;       /* as reached from the project directory */
    int line, col;          /* 1-based; 0 when the problem has no position */
    const char *entry_id;   /* NULL for file-level problems */
    const char *field;      /* dotted path, e.g. "wasi.mounts[0].guest"; NULL if none */
    const char *message;
    const char *text;
} cfg_diag;

/* `meta.command` of a process entry: registers `wippy run <name>`. */
typedef struct {
    const char *name;       /* NULL when the entry has no command */
    const char *short_text; /* `short`, or NULL */
    const char *use_case;
    bool main;
} cfg_command;

/* Restart policy of a supervised entry (durations in nanoseconds). */
typedef struct {
    int64_t initial_delay, max_delay;
    double backoff_factor, jitter;
    int64_t max_attempts;   /* 0 = retry forever */
} cfg_restart;

/* `lifecycle` of hosts and services. Defaults: auto_start false, startup
 * "required", start/stop timeouts 10s, stable_threshold 5s, restart
 * {1s, 90s, 2.0, 0.1, 0}. */
typedef struct {
    bool auto_start;
    bool startup_optional;  /* `startup: optional` (default required) */
    int64_t start_timeout, stop_timeout, stable_threshold;
    cfg_restart restart;
} cfg_lifecycle;

typedef struct {
    const char *directory;  /* as written */
    const char *path;       /* resolved against the project directory */
    bool auto_init;         /* create the directory when missing */
    unsigned mode;          /* permission bits, default 0755 */
} cfg_fs_directory;

typedef struct {
    const char *id;         /* resolved env.variable id */
    const char *name;       /* name the guest sees */
    bool required;
} cfg_wasi_env;

typedef struct {
    const char *fs;         /* fs.* entry id */
    const char *guest;      /* absolute, cleaned guest path */
    bool read_only;
} cfg_wasi_mount;

/* wasi.http (ours): wasi:http's limits (0: the default), an extra CA
 * file, and the hosts requests may go to (allow_set false: any host;
 * true: only those listed, patterns as config/schema_wasi_http.c checks
 * them). */
typedef struct {
    int64_t max_requests, max_header_bytes, max_body_buffer, max_send_buffer;
    bool allow_set;
    const char **allow_hosts;
    size_t nallow_hosts;
    const char *ca_file;    /* absolute path of a PEM file https trusts too, or NULL */
} cfg_wasi_http;

typedef struct {
    const char *type;       /* lazy, static, inline, adaptive or NULL */
    int64_t size, workers, buffer, max_size;
} cfg_pool;

/* process.wasm and function.wasm. */
typedef struct {
    const char *fs, *path, *hash, *method;
    const char *transport;  /* "payload" (default) or "wasi-http" */
    const char *wit;        /* NULL when absent */
    const char **imports;   /* normalised: lower case, no @version */
    size_t nimports;
    const char **args;
    size_t nargs;
    const char *cwd;        /* default "/" */
    cfg_wasi_env *env;
    size_t nenv;
    cfg_wasi_mount *mounts; /* sorted by guest path */
    size_t nmounts;
    /* wasi.sockets: allow-list rules (sys/netallow.h syntax, checked) */
    const char **sock_connect, **sock_bind;
    size_t nsock_connect, nsock_bind;
    cfg_wasi_http http;     /* wasi.http */
    int64_t max_execution_ms;  /* 0 = no limit */
    /* Our additions to Wippy's limits (0 = the engine's default): */
    int64_t fuel;              /* limits.fuel: fuel units for a process's whole life */
    int64_t max_memory;        /* limits.max_memory: bytes per linear memory, whole 64 KiB pages */
    int64_t max_call_depth;    /* limits.max_call_depth: wasm frames on a process's stack */
    cfg_pool pool;
    const uint8_t *bytes;   /* the verified binary (when modules are loaded) */
    size_t size;
} cfg_wasm;

typedef struct {
    int64_t workers, queue_size, local_queue_size;
    cfg_lifecycle lifecycle;
} cfg_process_host;

typedef struct {
    bool hide_logs;
    cfg_lifecycle lifecycle;
} cfg_terminal_host;

/* env.storage.*: `file_path` (file), `storages` (router), `values` (static). */
typedef struct {
    const char *file_path;
    const char **storages;
    size_t nstorages;
    const char **keys, **values;
    size_t nvalues;
} cfg_env_storage;

typedef struct {
    const char *variable;   /* key in the storage; the entry id when omitted */
    const char *storage;    /* env.storage.* id, or NULL */
    const char *default_value;
    bool readonly;
} cfg_env_variable;

typedef struct {
    const char *process;    /* resolved process.* id */
    const char *host;       /* resolved process.host id */
    const char **input;
    size_t ninput;
    cfg_lifecycle lifecycle;
} cfg_service;

typedef struct {
    const char *source;     /* path of the Lua file (resolved) */
    const char *method;
    const char **modules;
    size_t nmodules;
    const char **import_names, **import_ids;
    size_t nimports;
    int64_t max_execution_ms;   /* limits.max_execution_ms; 0 = no limit */
    int64_t max_memory;         /* limits.max_memory: bytes the Lua state may hold; 0 = the host's default */
} cfg_lua;

typedef struct cfg_entry {
    const char *id, *ns, *name;
    const char *kind;       /* as written */
    cfg_kind type;
    const char *file;
    int line, col;
    const cfg_node *data;   /* the entry's YAML mapping */
    const cfg_node *meta;   /* file meta merged under the entry's meta, or NULL */
    cfg_command command;
    const char **deps;      /* ids this entry needs before it */
    size_t ndeps;
    union {
        cfg_fs_directory fs;
        cfg_wasm wasm;
        cfg_process_host process_host;
        cfg_terminal_host terminal_host;
        cfg_env_storage storage;
        cfg_env_variable variable;
        cfg_service service;
        cfg_lua lua;
    } as;
} cfg_entry;

typedef struct {
    const char *project_dir;  /* default "." */
    const char *src_dir;      /* overrides wippy.lock / ./src discovery */
    const char *const *files; /* load exactly these files instead (paths relative to project_dir) */
    size_t nfiles;
    bool skip_modules;        /* do not read and hash process.wasm binaries */
    const char *const *overrides; /* `-o ns:entry:field=value`: set the entry's field (a
                                     dotted path) to the plain YAML scalar value before the
                                     entry is checked; one that names no entry is an error */
    size_t noverrides;
} cfg_options;

typedef struct cfg_registry cfg_registry;

/* Sets the dotted path (a.b.c) of a parsed mapping to the plain scalar
 * value ("5" reads as a number, "" as null), making the mappings on the
 * way; false with why in err when a part on the way is not a mapping or
 * the path is malformed (config/overrides.c). */
bool cfg_node_set_path(arena *a, cfg_node *root, const char *path, const char *value, char *err,
                       size_t errlen);

/* Splits `ns:entry:field=value` into the entry id (copied into id), the
 * field (up to '=') and the value; false when it does not have that form. */
bool cfg_override_split(const char *spec, char *id, size_t idlen, const char **field,
                        const char **value);

/* Loads a project. Returns NULL only when memory runs out; otherwise a
 * registry holding every good entry and every error found. */
cfg_registry *cfg_load(const cfg_options *opts);

/* Frees the registry, its entries and diagnostics. */
void cfg_free(cfg_registry *reg);

/* The source folder that was scanned. */
const char *cfg_source_dir(const cfg_registry *reg);

/* Errors found (each makes `wippy check` fail). */
size_t cfg_error_count(const cfg_registry *reg);
const cfg_diag *cfg_error_at(const cfg_registry *reg, size_t i);

/* Notes: unknown kinds and other things shown under -v. */
size_t cfg_note_count(const cfg_registry *reg);
const cfg_diag *cfg_note_at(const cfg_registry *reg, size_t i);

/* The good entries, dependencies first. */
size_t cfg_entry_count(const cfg_registry *reg);
const cfg_entry *cfg_entry_at(const cfg_registry *reg, size_t i);

/* A good entry by full id, or NULL. */
const cfg_entry *cfg_lookup(const cfg_registry *reg, const char *id);

/* The process entry whose meta.command.name is name, or NULL. */
const cfg_entry *cfg_find_command(const cfg_registry *reg, const char *name);

/* Kind name → cfg_kind (CFG_KIND_OTHER when unknown). */
cfg_kind cfg_kind_from_name(const char *kind);

/* True for `process.*` kinds (they may carry meta.command). */
bool cfg_kind_is_process(const char *kind);

/* Reads the binary of a process.wasm/function.wasm entry through its
 * fs.directory and checks its hash before returning it. On success
 * returns true and a malloc'ed buffer the caller frees; on failure writes
 * Wippy's error text ("filesystem not found: ID", "failed to open file:
 * PATH: CAUSE", "hash verification failed: ...") into err. The entry's
 * `as.wasm.bytes` already holds the verified bytes when the registry was
 * loaded without skip_modules; this is for reloading. */
bool cfg_wasm_read(const cfg_registry *reg, const cfg_entry *e, uint8_t **bytes, size_t *size,
                   char *err, size_t errlen);

/* Parses a Go-style duration ("10s", "500ms", "1m30s", "1.5h", "0") into
 * nanoseconds. Returns false for anything else (negative, overflowing,
 * missing unit). */
bool cfg_parse_duration(const char *text, int64_t *ns);

/* ---- the runtime's settings (.wippy.yaml; runtime_config.c) ---- */

typedef struct {
    const char *path;               /* the file, e.g. ".wippy.yaml" */
    bool required;                  /* a missing file is an error (--config given) */
    const char *const *sets;        /* `--set section.path=value`, applied over the file */
    size_t nsets;
    FILE *notes;                    /* a note per section this runtime does not use, or NULL */
} cfg_runtime_options;

typedef struct {
    bool found;                     /* the file was there */
    int64_t shutdown_timeout_ns;    /* shutdown.timeout (default 30s) */
    char logger_level[8];           /* logger.level: debug, info (default), warn, error */
} cfg_runtime;

/* Reads the runtime's settings: shutdown.timeout (a Go duration) and
 * logger.level, `${env:NAME}` replaced in their values; other sections are
 * noted, never refused. False with why in err for an unreadable file
 * (a missing one only when required), a bad value or a bad --set. */
bool cfg_runtime_load(const cfg_runtime_options *o, cfg_runtime *out, char *err, size_t errlen);

#endif
