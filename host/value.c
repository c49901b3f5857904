/* value.c — the small things every part of the host uses: host_value
 * constructors of single values (lists and maps, copies and release are
 * value_tree.c's), event release and weight, pid formatting and parsing,
 * the clocks and a bounded printf-to-malloc. */
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

void host_event_free(host_event *e)
{
    if (e == NULL)
        return;
    host_value_free(&e->value);
    free(e->error);
    e->error = NULL;
    free(e->topic);
    e->topic = NULL;
    for (size_t i = 0; i < e->npayload; i++)
        host_value_free(&e->payload[i]);
    free(e->payload);
    e->payload = NULL;
    e->npayload = 0;
}

size_t host_event_bytes(const host_event *e)
{
    size_t n = e->topic != NULL ? strlen(e->topic) : 0;
    if (e->kind == HOST_EVENT_EXIT)
        n += host_value_weight(&e->value);
    for (size_t i = 0; i < e->npayload; i++)
        n += host_value_weight(&e->payload[i]);
    return n;
}

const char *host_pid_format(const host_runtime *rt, host_pid pid, char *buf, size_t len)
{
    uint32_t host = HOST_PID_HOST(pid);
    const char *name = rt != NULL && host < rt->nhosts ? rt->host_ids[host] : "local";
    snprintf(buf, len, "{%s|0x%08" PRIx64 "}", name, (uint64_t)HOST_PID_SEQ(pid));
    return buf;
}

host_pid host_pid_parse(const host_runtime *rt, const char *text)
{
    /* "{HOST|0xHEX}": the host's name up to the last '|' (ids have none). */
    size_t len = text != NULL ? strlen(text) : 0;
    if (len < 6 || text[0] != '{' || text[len - 1] != '}')
        return 0;
    const char *bar = memrchr(text, '|', len);
    if (bar == NULL || strncmp(bar, "|0x", 3) != 0)
        return 0;
    uint64_t seq = 0;
    const char *d = bar + 3;
    if (*d == '}')
        return 0;
    for (; *d != '}'; d++) {
        int v = *d >= '0' && *d <= '9' ? *d - '0' : *d >= 'a' && *d <= 'f' ? *d - 'a' + 10
              : *d >= 'A' && *d <= 'F' ? *d - 'A' + 10 : -1;
        if (v < 0 || seq >> (HOST_PID_SEQ_BITS - 4) != 0)
            return 0;   /* not hex, or more than a sequence number holds */
        seq = seq << 4 | (uint64_t)v;
    }
    size_t nlen = (size_t)(bar - text - 1);
    for (size_t h = 0; rt != NULL && h < rt->nhosts; h++)
        if (strlen(rt->host_ids[h]) == nlen && !strncmp(rt->host_ids[h], text + 1, nlen))
            return seq != 0 ? HOST_PID_MAKE(h, seq) : 0;
    return 0;
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
