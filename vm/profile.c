/* profile.c — a profile build's counters (-DVM_PROFILE; code.h): every
 * loaded module's code gets a count per instruction, which the
 * interpreter bumps at each dispatch; when the module is freed, or at
 * exit for those still loaded, its dump with the counts is appended to
 * the file $WIPPY_PROFILE. tools/propose_groups.py reads it to propose
 * the groups (vm/groups.h). In other builds this file is empty. */
#ifdef VM_PROFILE
#include <stdio.h>
#include <stdlib.h>

#include "vm/code.h"
#include "vm/module.h"
#include "vm/vm.h"

/* The modules loaded and not yet written. */
#define MAX_PROFILED 64
static vm_module *profiled[MAX_PROFILED];

static void write_all_at_exit(void)
{
    for (int i = 0; i < MAX_PROFILED; i++)
        if (profiled[i] != NULL)
            vm_profile_write(profiled[i]);
}

void vm_profile_start(vm_module *m)
{
    static bool registered;
    if (!registered)
        registered = atexit(write_all_at_exit) == 0;
    for (uint32_t i = 0; i < m->nfuncs - m->nimported_funcs; i++) {
        vm_code *c = m->funcs[i].code;
        if (c != NULL && c->counts == NULL)
            c->counts = calloc(c->nwords ? c->nwords : 1, sizeof *c->counts);
        if (c != NULL && c->counts == NULL) {
            fprintf(stderr, "wippy: no memory for the profile's counters\n");
            exit(1);
        }
    }
    for (int i = 0; i < MAX_PROFILED; i++)
        if (profiled[i] == NULL) {
            profiled[i] = m;
            return;
        }
}

void vm_profile_write(vm_module *m)
{
    int i = 0;
    while (i < MAX_PROFILED && profiled[i] != m)
        i++;
    if (i == MAX_PROFILED)
        return;
    profiled[i] = NULL;
    const char *path = getenv("WIPPY_PROFILE");
    FILE *out = path != NULL ? fopen(path, "a") : NULL;
    if (out == NULL)
        return;
    vm_module_dump(m, UINT32_MAX, out);
    fclose(out);
}
#else
/* ISO C wants a declaration in every translation unit. */
typedef int vm_profile_unused;
#endif
