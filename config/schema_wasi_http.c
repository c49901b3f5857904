/* schema_wasi_http.c — the `wasi.http` block of a process.wasm /
 * function.wasm entry (ours, not Wippy's): wasi:http's limits for the
 * entry's processes, a CA file its https requests trust, and the hosts
 * its requests may go to.
 *
 *   wasi:
 *     http:
 *       max_requests: 8            # transfers running at once (1..4096)
 *       max_header_bytes: 65536    # a response's header section (1 KiB..16 MiB)
 *       max_body_buffer: 1048576   # response bytes held unread (4 KiB..256 MiB)
 *       max_send_buffer: 65536     # request bytes held for curl (4 KiB..256 MiB)
 *       allow_hosts: [api.example.com, "*.example.org", "127.0.0.1:8080"]
 *       ca_file: /etc/wippy/internal-ca.pem   # trusted by https besides the system's CAs
 *
 * Only the syntax of a host pattern is checked here; matching is
 * wasi/p2/http_allow.c's. Reads the entry's fields; touches nothing else. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/loader.h"

/* A host pattern: an optional "*." (that domain's subdomains), then a
 * name (letters, digits, '-', '.' between labels), an IPv4 address, or an
 * IPv6 address in brackets; then an optional ":PORT" (1..65535). NULL
 * when fine, else what is wrong. */
static const char *pattern_problem(const char *p)
{
    if (p[0] == '\0')
        return "is empty";
    if (strstr(p, "://") != NULL)
        return "is a URL; give the host (and :PORT) only";
    const char *h = p;
    bool wild = strncmp(h, "*.", 2) == 0;
    if (wild)
        h += 2;
    const char *end;
    if (*h == '[') {
        if (wild)
            return "has *. before an IPv6 address";
        end = strchr(h, ']');
        if (end == NULL || end == h + 1)
            return "has an unclosed or empty [";
        for (const char *c = h + 1; c < end; c++)
            if (!strchr("0123456789abcdefABCDEF:.", *c))
                return "has a character an IPv6 address cannot hold";
        end++;
    } else {
        end = h;
        char prev = '.';
        for (; *end != '\0' && *end != ':'; end++) {
            char c = *end;
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.';
            if (!ok)
                return "has a character a host name cannot hold (letters, digits, '-' and '.')";
            if (c == '.' && prev == '.')
                return "has an empty label";
            prev = c;
        }
        if (end == h)
            return "has no host";
        if (prev == '.')
            return "ends with '.'";
    }
    if (*end == '\0')
        return NULL;
    if (*end != ':' || end[1] == '\0')
        return "has something after the host that is not :PORT";
    long port = 0;
    for (const char *c = end + 1; *c != '\0'; c++) {
        if (*c < '0' || *c > '9' || port > 65535)
            return "has a port that is not a number from 1 to 65535";
        port = port * 10 + (*c - '0');
    }
    return port >= 1 && port <= 65535 ? NULL : "has a port that is not a number from 1 to 65535";
}

void cfg_schema_wasi_http(cfg_registry *r, entry_rec *e, const field_ctx *wasi, cfg_wasm *w)
{
    const cfg_node *http = cfg_field_map(wasi, "http");
    if (http == NULL)
        return;
    bool granted = false;
    for (size_t i = 0; i < w->nimports; i++)
        granted = granted || !strcmp(w->imports[i], "wasi:http");
    if (!granted)
        cfg_report(r, e, http, "wasi.http", "wasi:http's limits are set but imports does not list wasi:http");
    field_ctx fc = cfg_fields_of(r, e, http, "wasi.http");
    cfg_wasi_http *h = &w->http;
    h->max_requests = cfg_field_int(&fc, "max_requests", 0, 1, 4096);
    h->max_header_bytes = cfg_field_int(&fc, "max_header_bytes", 0, 1024, 16 << 20);
    h->max_body_buffer = cfg_field_int(&fc, "max_body_buffer", 0, 4096, 256 << 20);
    h->max_send_buffer = cfg_field_int(&fc, "max_send_buffer", 0, 4096, 256 << 20);
    h->ca_file = cfg_field_string(&fc, "ca_file");
    if (h->ca_file != NULL && h->ca_file[0] != '/')
        cfg_report(r, e, cfg_field_node(&fc, "ca_file"), "wasi.http.ca_file",
                   "\"%s\" is not an absolute path", h->ca_file);
    else if (h->ca_file != NULL && access(h->ca_file, R_OK) != 0)
        cfg_report(r, e, cfg_field_node(&fc, "ca_file"), "wasi.http.ca_file", "cannot read %s: %s",
                   h->ca_file, strerror(errno));
    if (cfg_field_list(&fc, "allow_hosts") == NULL)
        return;
    h->allow_set = true;   /* an empty list allows no host */
    h->allow_hosts = cfg_field_string_list(&fc, "allow_hosts", &h->nallow_hosts);
    if (h->nallow_hosts != cfg_field_list(&fc, "allow_hosts")->count)
        return;   /* an item that is not a string: reported, the entry is bad */
    for (size_t i = 0; i < h->nallow_hosts; i++) {
        const char *why = pattern_problem(h->allow_hosts[i]);
        if (why != NULL)
            cfg_report(r, e, cfg_field_list(&fc, "allow_hosts")->items[i],
                       cfg_arena_printf(&r->a, "wasi.http.allow_hosts[%zu]", i),
                       "host pattern \"%s\" %s", h->allow_hosts[i], why);
    }
}
