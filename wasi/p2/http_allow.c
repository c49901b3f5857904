/* http_allow.c — what an entry sets of wasi:http for its processes: the
 * limits (kept until the world's curl state is made, so setting them does
 * not load libcurl) and the hosts requests may go to, and the matching of
 * a request's authority against those host patterns (config/
 * schema_wasi_http.c checks their syntax).
 *
 * A pattern is a host name, an IPv4 address or a bracketed IPv6 address,
 * or "*." and a domain (its subdomains, not the domain itself), with an
 * optional ":PORT" (without one, any port). Names compare without regard
 * to case; an authority with userinfo ('@') or a '%' never matches, and
 * one trailing '.' of a name is ignored. Touches only w->http_conf. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wasi/p2/http_internal.h"

struct wasi_p2_http_conf {
    wasi_p2_http_limits lim;   /* allow_hosts points at hosts below */
    char **hosts;
    size_t nhosts;
    bool allow_set;
    char *ca_file;             /* lim.ca_file points here */
};

void wasi_p2_http_conf_free(struct wasi_p2_http_conf *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->nhosts; i++)
        free(c->hosts[i]);
    free(c->hosts);
    free(c->ca_file);
    free(c);
}

bool wasi_p2_set_http_limits(wasi_p2 *w, const wasi_p2_http_limits *lim)
{
    struct wasi_p2_http_conf *c = calloc(1, sizeof *c);
    if (c == NULL)
        return false;
    c->lim = *lim;
    c->allow_set = lim->allow_set;
    if (lim->nallow_hosts > 0) {
        if ((c->hosts = calloc(lim->nallow_hosts, sizeof *c->hosts)) == NULL) {
            free(c);
            return false;
        }
        for (; c->nhosts < lim->nallow_hosts; c->nhosts++)
            if ((c->hosts[c->nhosts] = strdup(lim->allow_hosts[c->nhosts])) == NULL) {
                wasi_p2_http_conf_free(c);
                return false;
            }
    }
    if (lim->ca_file != NULL && (c->ca_file = strdup(lim->ca_file)) == NULL) {
        wasi_p2_http_conf_free(c);
        return false;
    }
    c->lim.ca_file = c->ca_file;
    c->lim.allow_hosts = (const char *const *)c->hosts;
    c->lim.nallow_hosts = c->nhosts;
    wasi_p2_http_conf_free(w->http_conf);
    w->http_conf = c;
    if (w->http != NULL)
        wasi_p2_http_apply(w->http, &c->lim);
    return true;
}

const wasi_p2_http_limits *wasi_p2_http_conf_limits(const wasi_p2 *w)
{
    return w->http_conf != NULL ? &w->http_conf->lim : NULL;
}

/* Does host (n bytes, already without brackets' contents changed) match
 * the host part of a pattern (pn bytes)? */
static bool host_matches(const char *host, size_t n, const char *pat, size_t pn)
{
    if (pn >= 2 && pat[0] == '*' && pat[1] == '.') {
        size_t dn = pn - 1;   /* ".domain" */
        return n > dn && strncasecmp(host + n - dn, pat + 1, dn) == 0;
    }
    return n == pn && strncasecmp(host, pat, n) == 0;
}

bool wasi_p2_http_host_allowed(const char *const *pats, size_t npats, bool https,
                               const char *authority)
{
    if (strchr(authority, '@') != NULL || strchr(authority, '%') != NULL)
        return false;
    const char *host = authority, *port = NULL;
    size_t hn;
    if (authority[0] == '[') {
        const char *close = strchr(authority, ']');
        if (close == NULL)
            return false;
        hn = (size_t)(close - authority) + 1;   /* brackets kept: patterns have them */
        if (close[1] == ':')
            port = close + 2;
        else if (close[1] != '\0')
            return false;
    } else {
        const char *colon = strchr(authority, ':');
        hn = colon != NULL ? (size_t)(colon - authority) : strlen(authority);
        port = colon != NULL ? colon + 1 : NULL;
        if (hn > 1 && host[hn - 1] == '.')
            hn--;
    }
    long pnum = https ? 443 : 80;
    if (port != NULL) {
        if (*port == '\0')
            return false;
        pnum = 0;
        for (const char *c = port; *c != '\0'; c++) {
            if (*c < '0' || *c > '9' || pnum > 65535)
                return false;
            pnum = pnum * 10 + (*c - '0');
        }
    }
    for (size_t i = 0; i < npats; i++) {
        const char *p = pats[i];
        const char *pport = p[0] == '[' ? strchr(p, ']') : p;
        pport = pport != NULL ? strchr(pport, ':') : NULL;
        size_t pn = pport != NULL ? (size_t)(pport - p) : strlen(p);
        if (pport != NULL && strtol(pport + 1, NULL, 10) != pnum)
            continue;
        if (host_matches(host, hn, p, pn))
            return true;
    }
    return false;
}

bool wasi_p2_http_allowed(const wasi_p2 *w, bool https, const char *authority)
{
    const struct wasi_p2_http_conf *c = w->http_conf;
    if (c == NULL || !c->allow_set)
        return true;
    return wasi_p2_http_host_allowed((const char *const *)c->hosts, c->nhosts, https, authority);
}
