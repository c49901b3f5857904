/* script.c — a process.lua entry made ready to run, once: its source
 * file (`source: file://...`, already resolved against the YAML file by
 * the registry) read, compiled and dumped as Lua bytecode, and so is each
 * library.lua entry it imports (`imports: {name: ns:lib}`; the library's
 * own `source:` is resolved here, relative to its YAML file). Every
 * process of the entry loads the bytecode into its own state: no parsing
 * per spawn.
 *
 * Only text is ever compiled from a file; the binary chunks loaded later
 * are our own lua_dump output. A script that does not compile is kept with
 * its error (PATH:LINE: message): its processes end with it. A file that
 * cannot be read, or an import that is not there, makes the entry unable
 * to run (m->load_error): spawns are refused. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/lua/internal.h"

/* Reads a whole file of at most LUA_MAX_SOURCE bytes; NULL with err set. */
static char *read_source(const char *path, size_t *size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(LUA_MAX_SOURCE + 1);
    size_t n = buf != NULL ? fread(buf, 1, LUA_MAX_SOURCE + 1, f) : 0;
    bool bad = buf == NULL || ferror(f) || n > LUA_MAX_SOURCE;
    fclose(f);
    if (bad) {
        if (buf == NULL)
            snprintf(err, errlen, "%s: out of memory", path);
        else if (n > LUA_MAX_SOURCE)
            snprintf(err, errlen, "%s: larger than %u bytes", path, LUA_MAX_SOURCE);
        else
            snprintf(err, errlen, "cannot read %s", path);
        free(buf);
        return NULL;
    }
    *size = n;
    return buf;
}

/* lua_dump's writer: appends to the chunk's code. */
static int append_code(lua_State *L, const void *p, size_t sz, void *ud)
{
    (void)L;
    lua_chunk *c = ud;
    char *code = realloc(c->code, c->size + sz);
    if (code == NULL)
        return 1;
    memcpy(code + c->size, p, sz);
    c->code = code;
    c->size += sz;
    return 0;
}

/* Reads and compiles the file at path into c. False (err set) only when
 * the file cannot be read; a compile error is kept in c->error. */
static bool compile(lua_chunk *c, const char *path, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    size_t n;
    char *src = read_source(path, &n, err, errlen);
    if (src == NULL)
        return false;
    size_t len = strlen(path) + 2;
    c->name = malloc(len);
    lua_State *L = luaL_newstate();
    if (c->name == NULL || L == NULL) {
        free(src);
        if (L != NULL)
            lua_close(L);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    snprintf(c->name, len, "@%s", path);
    int st = luaL_loadbufferx(L, src, n, c->name, "t");
    free(src);
    if (st != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        c->error = strdup(msg != NULL ? msg : "syntax error");
    } else if (lua_dump(L, append_code, c, 0) != 0) {
        c->error = strdup("out of memory while compiling");
    }
    lua_close(L);
    return true;
}

static void chunk_free(lua_chunk *c)
{
    free(c->name);
    free(c->code);
    free(c->error);
}

int host_lua_chunk_push(lua_State *L, const lua_chunk *c)
{
    if (c->error != NULL) {
        lua_pushstring(L, c->error);
        return LUA_ERRSYNTAX;
    }
    return luaL_loadbufferx(L, c->code, c->size, c->name, "b");
}

/* The file a library.lua entry's `source: file://PATH` names, relative to
 * the entry's YAML file; malloc'd, or NULL with err set. */
static char *library_path(const cfg_entry *lib, char *err, size_t errlen)
{
    const cfg_node *src = lib->data != NULL ? cfg_map_get(lib->data, "source") : NULL;
    if (src == NULL || src->type != CFG_NODE_SCALAR || strncmp(src->text, "file://", 7) != 0) {
        snprintf(err, errlen, "library %s: source must be file://PATH (relative to its YAML file)",
                 lib->id);
        return NULL;
    }
    const char *rel = src->text + 7;
    const char *slash = strrchr(lib->file, '/');
    int dirlen = slash != NULL && rel[0] != '/' ? (int)(slash - lib->file) : 0;
    size_t len = (size_t)dirlen + strlen(rel) + 2;
    char *path = malloc(len);
    if (path == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(path, len, "%.*s%s%s", dirlen, lib->file, dirlen > 0 ? "/" : "", rel);
    return path;
}

bool host_lua_script_load(host_module *m, const cfg_registry *reg, const cfg_entry *e)
{
    const cfg_lua *cfg = &e->as.lua;
    char err[HOST_ERROR_MAX] = "";
    memset(m, 0, sizeof *m);
    m->entry = e;
    struct lua_script *s = calloc(1, sizeof *s);
    if (s == NULL || (cfg->nimports > 0 &&
                      (s->imports = calloc(cfg->nimports, sizeof *s->imports)) == NULL)) {
        free(s);
        m->load_error = strdup("out of memory");
        return false;
    }
    m->script = s;
    bool ok = compile(&s->main, cfg->source, err, sizeof err);
    for (size_t i = 0; ok && i < cfg->nimports; i++) {
        lua_import *imp = &s->imports[s->nimports++];
        imp->local = cfg->import_names[i];
        imp->id = cfg->import_ids[i];
        const cfg_entry *lib = cfg_lookup(reg, imp->id);
        char *path = NULL;
        if (lib == NULL)
            snprintf(err, sizeof err, "library not found: %s", imp->id);
        else
            path = library_path(lib, err, sizeof err);
        ok = path != NULL && compile(&imp->chunk, path, err, sizeof err);
        free(path);
        if (ok && imp->chunk.error != NULL && m->call_error == NULL)
            m->call_error = host_strdupf("library %s does not compile: %s", imp->id, imp->chunk.error);
    }
    if (!ok) {
        m->load_error = host_strdupf("failed to load lua source: %s", err);
        return false;
    }
    if (s->main.error != NULL) {
        free(m->call_error);
        m->call_error = host_strdupf("does not compile: %s", s->main.error);
    }
    return true;
}

void host_lua_script_free(struct lua_script *s)
{
    if (s == NULL)
        return;
    chunk_free(&s->main);
    for (size_t i = 0; i < s->nimports; i++)
        chunk_free(&s->imports[i].chunk);
    free(s->imports);
    free(s);
}
