/* names.c — the node's registry of process names (Lua's
 * process.registry): a name stands for one live process until it is
 * unregistered or the process ends (host_node_end() releases its names).
 * It may not touch the scheduler or the processes' state; it takes a
 * node's lock only to see that the process is alive while naming it.
 *
 * A small array under one lock, searched in order: at most
 * HOST_MAX_NAMES names of at most HOST_MAX_NAME_LEN bytes per runtime. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/internal.h"

static name_slot *find(host_runtime *rt, const char *name)
{
    for (size_t i = 0; i < rt->nnames; i++)
        if (strcmp(rt->names[i].name, name) == 0)
            return &rt->names[i];
    return NULL;
}

bool host_names_register(host_runtime *rt, const char *name, host_pid pid, char *err,
                         size_t errlen)
{
    size_t len = strlen(name);
    if (len == 0 || len > HOST_MAX_NAME_LEN) {
        snprintf(err, errlen, "a process name has 1 to %d bytes", HOST_MAX_NAME_LEN);
        return false;
    }
    host_node *n = host_pids_lookup(&rt->pids, pid);
    if (n == NULL) {
        snprintf(err, errlen, "process not found");
        return false;
    }
    bool ok = false;
    pthread_mutex_lock(&n->lock);               /* alive while it is named (host_node_end) */
    pthread_mutex_lock(&rt->names_lock);
    name_slot *s = find(rt, name);
    if (n->ended)
        snprintf(err, errlen, "process not found");
    else if (s != NULL && s->pid != pid)
        snprintf(err, errlen, "name already registered: %s", name);
    else if (s != NULL)
        ok = true;                              /* already its name */
    else if (rt->nnames == HOST_MAX_NAMES)
        snprintf(err, errlen, "too many registered names (at most %d)", HOST_MAX_NAMES);
    else {
        if (rt->nnames == rt->names_cap) {
            size_t cap = rt->names_cap ? rt->names_cap * 2 : 16;
            name_slot *grown = realloc(rt->names, cap * sizeof *grown);
            if (grown != NULL) {
                rt->names = grown;
                rt->names_cap = cap;
            }
        }
        char *copy = rt->nnames < rt->names_cap ? strdup(name) : NULL;
        if (copy == NULL) {
            snprintf(err, errlen, "out of memory");
        } else {
            rt->names[rt->nnames++] = (name_slot){ copy, pid };
            n->named = true;
            ok = true;
        }
    }
    pthread_mutex_unlock(&rt->names_lock);
    pthread_mutex_unlock(&n->lock);
    host_node_release(rt, n);
    return ok;
}

host_pid host_names_lookup(host_runtime *rt, const char *name)
{
    pthread_mutex_lock(&rt->names_lock);
    name_slot *s = find(rt, name);
    host_pid pid = s != NULL ? s->pid : 0;
    pthread_mutex_unlock(&rt->names_lock);
    return pid;
}

/* Removes slot i (the last one moves into its place). */
static void drop(host_runtime *rt, size_t i)
{
    free(rt->names[i].name);
    rt->names[i] = rt->names[--rt->nnames];
}

bool host_names_unregister(host_runtime *rt, const char *name, host_pid pid, char *err,
                           size_t errlen)
{
    pthread_mutex_lock(&rt->names_lock);
    name_slot *s = find(rt, name);
    bool ok = s != NULL && s->pid == pid;
    if (s == NULL)
        snprintf(err, errlen, "name not registered: %s", name);
    else if (!ok)
        snprintf(err, errlen, "name %s is registered by another process", name);
    else
        drop(rt, (size_t)(s - rt->names));
    pthread_mutex_unlock(&rt->names_lock);
    return ok;
}

void host_names_release(host_runtime *rt, host_pid pid)
{
    pthread_mutex_lock(&rt->names_lock);
    for (size_t i = rt->nnames; i-- > 0;)
        if (rt->names[i].pid == pid)
            drop(rt, i);
    pthread_mutex_unlock(&rt->names_lock);
}

void host_names_free(host_runtime *rt)
{
    for (size_t i = 0; i < rt->nnames; i++)
        free(rt->names[i].name);
    free(rt->names);
    rt->names = NULL;
    rt->nnames = rt->names_cap = 0;
}
