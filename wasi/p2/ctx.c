/* ctx.c — a WASI 0.2 world: the table of its resource reps (pollables,
 * errors, streams, descriptors, sockets; freed when the guest drops the
 * last handle, or with the world, closing the descriptors they own), the
 * host function table for the capability groups it was given, the
 * sockets' allow-lists. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wasi/p2/internal.h"

uint64_t wasi_p2_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t wasi_p2_arg_u64(const host_value *v)
{
    if (v->kind != HOST_VALUE_INT)
        return 0;
    return v->is_unsigned ? v->u : (uint64_t)v->i;
}

size_t wasi_p2_arg_nbytes(const host_value *v)
{
    return v->kind == HOST_VALUE_STRING || v->kind == HOST_VALUE_LIST ? v->len : 0;
}

uint8_t wasi_p2_arg_byte(const host_value *v, size_t i)
{
    return v->kind == HOST_VALUE_STRING ? (uint8_t)v->s[i] : (uint8_t)wasi_p2_arg_u64(&v->items[i]);
}

static void free_strings(char **list, size_t n)
{
    for (size_t i = 0; list != NULL && i < n; i++)
        free(list[i]);
    free(list);
}

static void res_clear(wasi_p2_res *r)
{
    if (r->ops != NULL && r->ops->free != NULL && r->obj != NULL)
        r->ops->free(r->obj);
    if (r->sock_free != NULL)
        r->sock_free(r->sock);
    else
        free(r->sock);
    free(r->text);
    free(r->wbuf);
    if (r->dir != NULL)
        closedir(r->dir);
    if (r->owned && r->fd >= 0)
        close(r->fd);
    memset(r, 0, sizeof *r);
}

/* The instance's host drop hook: the guest dropped its last handle of rep. */
static void drop_rep(void *user, uint32_t rep)
{
    wasi_p2 *w = user;
    if (rep == 0 || rep > w->nres || w->res[rep - 1].kind == WASI_P2_FREE)
        return;
    wasi_p2_kind k = w->res[rep - 1].kind;
    if (k == WASI_P2_INPUT || k == WASI_P2_OUTPUT)
        wasi_p2_stream_gone(w, rep);
    if (w->res[rep - 1].wlen > 0)   /* a last try; what does not go now is lost (as the WIT warns) */
        wasi_p2_streams_drain(w, NULL);
    res_clear(&w->res[rep - 1]);
    w->res[rep - 1].next_free = w->free_res;
    w->free_res = rep;
    w->live--;
}

bool wasi_p2_res_new(wasi_p2 *w, wasi_p2_kind k, uint64_t deadline_ns, const char *text,
                     host_value *handle, char *err, size_t errlen)
{
    wasi_p2_res init = { .kind = k, .deadline_ns = deadline_ns, .fd = -1, .text = (char *)text };
    return wasi_p2_res_add(w, &init, handle, err, errlen);
}

bool wasi_p2_res_add(wasi_p2 *w, const wasi_p2_res *init, host_value *handle, char *err,
                     size_t errlen)
{
    const char *text = init->text;
    if (w->ci == NULL) {
        snprintf(err, errlen, "no component instance yet");
        goto drop_owned;
    }
    uint32_t rep = w->free_res;
    if (rep != 0) {
        w->free_res = w->res[rep - 1].next_free;
    } else {
        if (w->nres == w->cap_res) {
            uint32_t cap = w->cap_res ? 2 * w->cap_res : 16;
            wasi_p2_res *r = cap < w->cap_res || cap > (1u << 24) ? NULL : realloc(w->res, cap * sizeof *r);
            if (r == NULL) {
                        snprintf(err, errlen, "too many resources");
                goto drop_owned;
            }
            w->res = r;
            w->cap_res = cap;
        }
        rep = ++w->nres;
    }
    wasi_p2_res *r = &w->res[rep - 1];
    *r = *init;   /* owns init's sock and fd (owned) from here, even when this fails */
    r->text = NULL;
    r->next_free = 0;
    if (text != NULL && (r->text = strdup(text)) == NULL)
        goto oom;
    int64_t h = cm_host_resource_new(w->ci, rep);
    if (h < 0)
        goto oom;
    w->live++;
    *handle = host_int(h);
    return true;
oom:
    res_clear(r);
    r->next_free = w->free_res;
    w->free_res = rep;
    snprintf(err, errlen, "out of memory");
    return false;
drop_owned: {   /* what init owns (a descriptor, a directory, an object) is taken over either way */
        wasi_p2_res owned = *init;
        owned.text = NULL;
        res_clear(&owned);
        return false;
    }
}

wasi_p2_res *wasi_p2_res_get(wasi_p2 *w, const host_value *rep, wasi_p2_kind k, char *err,
                             size_t errlen)
{
    uint64_t r = wasi_p2_arg_u64(rep);
    if (rep->kind != HOST_VALUE_INT || r == 0 || r > w->nres || w->res[r - 1].kind != k) {
        static const char *const names[] = { "resource", "pollable", "error", "input-stream",
                                             "output-stream", "terminal-input", "terminal-output",
                                             "resource", "descriptor", "directory-entry-stream",
                                             "network", "tcp-socket", "udp-socket",
                                             "incoming-datagram-stream",
                                             "outgoing-datagram-stream",
                                             "resolve-address-stream" };
        snprintf(err, errlen, "unknown %s %llu", names[k], (unsigned long long)r);
        return NULL;
    }
    return &w->res[r - 1];
}

bool wasi_p2_fail_error(wasi_p2 *w, wasi_p2_fail *fail, host_value *handle, char *err,
                        size_t errlen)
{
    wasi_p2_res init = { .kind = WASI_P2_ERROR, .fd = -1, .text = fail->text, .ops = fail->ops,
                         .obj = fail->obj };
    return wasi_p2_res_add(w, &init, handle, err, errlen);
}

static bool add_defs(wasi_p2 *w, const wasi_p2_def *defs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!(w->caps & defs[i].cap))
            continue;
        char *iface = malloc(strlen(defs[i].iface) + sizeof WASI_P2_VERSION);
        if (iface == NULL)
            return false;
        strcpy(iface, defs[i].iface);
        strcat(iface, WASI_P2_VERSION);
        w->funcs[w->nfuncs++] = (cm_host_func){ iface, defs[i].name, defs[i].fn, w };
    }
    return true;
}

wasi_p2 *wasi_p2_new(unsigned caps)
{
    wasi_p2 *w = calloc(1, sizeof *w);
    size_t max = wasi_p2_nio_defs + wasi_p2_nclock_defs + wasi_p2_nrandom_defs +
                 wasi_p2_nstream_defs + wasi_p2_ncli_defs + wasi_p2_nfs_defs + wasi_p2_nfs_path_defs +
                 wasi_p2_nhttp_defs + wasi_p2_nhttp_field_defs + wasi_p2_nhttp_response_defs +
                 wasi_p2_nhttp_server_defs +
                 wasi_p2_nnet_defs + wasi_p2_ntcp_defs + wasi_p2_nudp_defs + wasi_p2_nlookup_defs;
    if (w == NULL || (w->funcs = calloc(max, sizeof *w->funcs)) == NULL) {
        free(w);
        return NULL;
    }
    w->caps = caps;
    w->stdio[0] = w->stdio[1] = w->stdio[2] = -1;
    if (!add_defs(w, wasi_p2_stream_defs, wasi_p2_nstream_defs) ||
        !add_defs(w, wasi_p2_cli_defs, wasi_p2_ncli_defs) ||
        !add_defs(w, wasi_p2_fs_defs, wasi_p2_nfs_defs) ||
        !add_defs(w, wasi_p2_fs_path_defs, wasi_p2_nfs_path_defs) ||
        !add_defs(w, wasi_p2_io_defs, wasi_p2_nio_defs) ||
        !add_defs(w, wasi_p2_clock_defs, wasi_p2_nclock_defs) ||
        !add_defs(w, wasi_p2_random_defs, wasi_p2_nrandom_defs) ||
        !add_defs(w, wasi_p2_http_defs, wasi_p2_nhttp_defs) ||
        !add_defs(w, wasi_p2_http_field_defs, wasi_p2_nhttp_field_defs) ||
        !add_defs(w, wasi_p2_http_response_defs, wasi_p2_nhttp_response_defs) ||
        !add_defs(w, wasi_p2_http_server_defs, wasi_p2_nhttp_server_defs) ||
        !add_defs(w, wasi_p2_net_defs, wasi_p2_nnet_defs) ||
        !add_defs(w, wasi_p2_tcp_defs, wasi_p2_ntcp_defs) ||
        !add_defs(w, wasi_p2_udp_defs, wasi_p2_nudp_defs) ||
        !add_defs(w, wasi_p2_lookup_defs, wasi_p2_nlookup_defs)) {
        wasi_p2_free(w);
        return NULL;
    }
    w->host = (cm_host){ .funcs = w->funcs, .nfuncs = w->nfuncs };
    return w;
}

void wasi_p2_free(wasi_p2 *w)
{
    if (w == NULL)
        return;
    for (uint32_t i = 0; i < w->nres; i++)
        res_clear(&w->res[i]);
    free(w->res);
    wasi_p2_http_free(w->http);   /* after the reps: they hold its transfers */
    wasi_p2_http_conf_free(w->http_conf);
    for (size_t i = 0; i < w->nfuncs; i++)
        free((char *)w->funcs[i].interface);
    free(w->funcs);
    free_strings(w->args, w->nargs);
    free_strings(w->env, w->nenv);
    free(w->cwd);
    for (size_t i = 0; i < w->nmounts; i++) {
        free(w->mounts[i].guest);
        close(w->mounts[i].fd);
    }
    free(w->mounts);
    free(w->allow_connect);
    free(w->allow_bind);
    free(w);
}

static char **copy_strings(const char *const *list, size_t n)
{
    char **out = calloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; out != NULL && i < n; i++)
        if ((out[i] = strdup(list[i])) == NULL) {
            free_strings(out, i);
            return NULL;
        }
    return out;
}

bool wasi_p2_set_cli(wasi_p2 *w, const wasi_p2_cli *cli)
{
    char **args = copy_strings(cli->args, cli->nargs), **env = copy_strings(cli->env, cli->nenv);
    char *cwd = cli->cwd != NULL ? strdup(cli->cwd) : NULL;
    if (args == NULL || env == NULL || (cli->cwd != NULL && cwd == NULL)) {
        free_strings(args, args ? cli->nargs : 0);
        free_strings(env, env ? cli->nenv : 0);
        free(cwd);
        return false;
    }
    free_strings(w->args, w->nargs);
    free_strings(w->env, w->nenv);
    free(w->cwd);
    w->args = args;
    w->nargs = cli->nargs;
    w->env = env;
    w->nenv = cli->nenv;
    w->cwd = cwd;
    memcpy(w->stdio, cli->stdio, sizeof w->stdio);
    return true;
}

bool wasi_p2_exited(const wasi_p2 *w, uint32_t *code)
{
    if (w == NULL || !w->exited)
        return false;
    *code = w->exit_code;
    return true;
}

const cm_host *wasi_p2_host(wasi_p2 *w)
{
    return &w->host;
}

void wasi_p2_bind(wasi_p2 *w, cm_instance *ci)
{
    w->ci = ci;
    cm_instance_set_host_drop(ci, drop_rep, w);
    cm_instance_set_host_bytes(ci, true);   /* list<u8> arguments as STRINGs: stream writes in bulk */
}

size_t wasi_p2_live(const wasi_p2 *w)
{
    return w->live;
}

static bool copy_rules(const sys_net_rule *from, size_t n, sys_net_rule **to, size_t *nto)
{
    sys_net_rule *r = malloc((n ? n : 1) * sizeof *r);
    if (r == NULL)
        return false;
    if (n > 0)
        memcpy(r, from, n * sizeof *r);
    free(*to);
    *to = r;
    *nto = n;
    return true;
}

bool wasi_p2_set_sockets(wasi_p2 *w, const sys_net_rule *connect, size_t nconnect,
                         const sys_net_rule *bind, size_t nbind)
{
    return copy_rules(connect, nconnect, &w->allow_connect, &w->nallow_connect) &&
           copy_rules(bind, nbind, &w->allow_bind, &w->nallow_bind);
}
