/* test_lua.h — what the Lua process tests share (tests/test_lua*.c): a
 * process.lua entry for a fixture of tests/lua/, and the EXIT of a pid. */
#ifndef TEST_LUA_H
#define TEST_LUA_H

#include "host/host.h"
#include "tests/test_host_project.h"

/* A process.lua entry NAME running METHOD of tests/lua/FILE with modules
 * process, time and channel, plus EXTRA YAML lines (indented four spaces,
 * or NULL; a `modules:` there replaces the default). Malloc'd, for
 * hp_open(). */
char *lua_entry(const char *name, const char *file, const char *method, const char *extra);

/* The next event, which must be the EXIT of pid, within ms. */
host_event lua_exit_of(hp_project *p, host_pid pid, int ms);

#endif
