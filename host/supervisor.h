/* supervisor.h — process.service supervision, internal to host/: starts
 * the auto_start services in dependency order, restarts them per their
 * restart policy, and stops them in reverse order on shutdown. Built only
 * on the public process API of host.h (spawn monitored, receive EXIT). */
#ifndef WIPPY_HOST_SUPERVISOR_H
#define WIPPY_HOST_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "host/host.h"

typedef struct supervisor supervisor;

/* Starts every process.service entry with lifecycle.auto_start, in the
 * registry's dependency order, waiting up to each start_timeout for it to
 * be running; a `startup: required` service that cannot start makes it
 * fail with the reason in err. Returns NULL on failure. */
supervisor *host_supervisor_start(host_runtime *rt, const cfg_registry *reg, FILE *log,
                             char *err, size_t errlen);

/* Stops the services in reverse dependency order, each within its
 * stop_timeout (cancel, then terminate), and frees the supervisor. */
void host_supervisor_stop(supervisor *s);

#endif
