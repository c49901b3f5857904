/* value.c — the small things every part of the host uses: host_value
 * constructors, copies and release, event release, pid formatting, the
 * clocks and a bounded printf-to-malloc. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/internal.h"

host_value host_nil(void) { return (host_value){ .kind = HOST_VALUE_NIL }; }
host_value host_bool(bool b) { return (host_value){ .kind = HOST_VALUE_BOOL, .b = b }; }
host_value host_int(int64_t i) { return (host_value){ .kind = HOST_VALUE_INT, .i = i, .u = (uint64_t)i }; }
host_value host_float(double f) { return (host_value){ .kind = HOST_VALUE_FLOAT, .f = f }; }

host_value host_uint(uint64_t u)
{
    return (host_value){ .kind = HOST_VALUE_INT, .is_unsigned = true, .u = u, .i = (int64_t)u };
}

host_value host_string(const char *s, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return host_nil();
    if (len > 0)
        memcpy(copy, s, len);
    copy[len] = '\0';
    return (host_value){ .kind = HOST_VALUE_STRING, .s = copy, .len = len };
}

host_value host_value_copy(const host_value *v)
{
    if (v->kind == HOST_VALUE_STRING)
        return host_string(v->s, v->len);
    return *v;
}

void host_value_free(host_value *v)
{
    if (v == NULL)
        return;
    if (v->kind == HOST_VALUE_STRING)
        free(v->s);
    *v = host_nil();
}

void host_event_free(host_event *e)
{
    if (e == NULL)
        return;
    host_value_free(&e->value);
    free(e->error);
    e->error = NULL;
}

const char *host_pid_format(const host_runtime *rt, host_pid pid, char *buf, size_t len)
{
    uint32_t host = HOST_PID_HOST(pid);
    const char *name = rt != NULL && host < rt->nhosts ? rt->host_ids[host] : "local";
    snprintf(buf, len, "{%s|0x%08" PRIx64 "}", name, (uint64_t)HOST_PID_SEQ(pid));
    return buf;
}

int64_t host_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t host_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

char *host_strdupf(const char *fmt, ...)
{
    char buf[HOST_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return strdup(buf);
}
