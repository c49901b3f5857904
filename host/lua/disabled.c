/* disabled.c — what stands in for Lua processes in a build without Lua
 * (make LUA=0): every process.lua entry is loaded as one that cannot run,
 * so each spawn of it (and `wippy run` of its command) is refused with a
 * clear error, and nothing else changes. */
#include <string.h>

#include "host/internal.h"

bool host_lua_script_load(host_module *m, const cfg_registry *reg, const cfg_entry *e)
{
    (void)reg;
    memset(m, 0, sizeof *m);
    m->entry = e;
    m->load_error = strdup("process.lua entries need Lua 5.4, which this build leaves out "
                           "(built with LUA=0)");
    return false;
}

void host_lua_script_free(struct lua_script *s)
{
    (void)s;
}

step_status host_lua_proc_step(host_process *p, uint64_t fuel)
{
    (void)fuel;
    p->error = strdup("process.lua entries need Lua 5.4, which this build leaves out");
    p->phase = PHASE_DONE;
    return STEP_DONE;
}

bool host_lua_proc_waiting(const host_process *p, wasi_wait *w)
{
    (void)p;
    (void)w;
    return false;
}

void host_lua_proc_close(host_process *p)
{
    (void)p;
}
