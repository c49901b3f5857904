/* ctx.c — the WASI context: its configuration (copied), the descriptor
 * table with the rights of every descriptor, stdio and the preopened
 * mounts. A capability group that is not granted leaves its part of the
 * context empty: without WASI_CAP_CLI there are no args, no environment
 * and no stdio (fds 0-2 are not open); without WASI_CAP_FILESYSTEM no
 * mount is opened. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wasi/internal.h"

/* ---- descriptors ---- */

uint8_t wasi_filetype_of(int host, const struct stat *st)
{
    if (S_ISREG(st->st_mode))
        return WASI_FILETYPE_REGULAR_FILE;
    if (S_ISDIR(st->st_mode))
        return WASI_FILETYPE_DIRECTORY;
    if (S_ISCHR(st->st_mode))
        return WASI_FILETYPE_CHARACTER_DEVICE;
    if (S_ISBLK(st->st_mode))
        return WASI_FILETYPE_BLOCK_DEVICE;
    if (S_ISLNK(st->st_mode))
        return WASI_FILETYPE_SYMBOLIC_LINK;
    if (S_ISSOCK(st->st_mode)) {
        int type = 0;
        socklen_t len = sizeof type;
        if (host >= 0 && getsockopt(host, SOL_SOCKET, SO_TYPE, &type, &len) == 0)
            return type == SOCK_DGRAM ? WASI_FILETYPE_SOCKET_DGRAM : WASI_FILETYPE_SOCKET_STREAM;
        return WASI_FILETYPE_SOCKET_STREAM;
    }
    return WASI_FILETYPE_UNKNOWN;   /* FIFOs: preview 1 has no type for them */
}

/* Fills type, can_block and the rights a descriptor of that kind can hold. */
static void wasi_fd_describe(wasi_fd *e, const struct stat *st)
{
    e->type = wasi_filetype_of(e->host, st);
    e->can_block = S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode) || S_ISCHR(st->st_mode);
    switch (e->type) {
    case WASI_FILETYPE_DIRECTORY:
        e->base = WASI_RIGHTS_DIR;
        e->inheriting = WASI_RIGHTS_DIR | WASI_RIGHTS_FILE;
        break;
    case WASI_FILETYPE_REGULAR_FILE:
    case WASI_FILETYPE_BLOCK_DEVICE:
        e->base = WASI_RIGHTS_FILE;
        e->inheriting = 0;
        break;
    case WASI_FILETYPE_SOCKET_STREAM:
    case WASI_FILETYPE_SOCKET_DGRAM:
        e->base = WASI_RIGHTS_SOCKET;
        e->inheriting = WASI_RIGHTS_SOCKET;   /* for the connections it accepts */
        break;
    default:
        e->base = WASI_RIGHTS_STREAM;
        e->inheriting = 0;
        break;
    }
}

wasi_fd *wasi_fd_get(wasi_ctx *ctx, uint32_t fd, uint64_t rights, uint32_t *err)
{
    if (fd >= ctx->nfds || !ctx->fds[fd].open) {
        *err = WASI_EBADF;
        return NULL;
    }
    return wasi_fd_with_rights(&ctx->fds[fd], rights, err);
}

wasi_fd *wasi_fd_with_rights(wasi_fd *e, uint64_t rights, uint32_t *err)
{
    if ((e->base & rights) != rights) {
        *err = WASI_ENOTCAPABLE;
        return NULL;
    }
    *err = WASI_ESUCCESS;
    return e;
}

wasi_fd *wasi_fd_get_out(wasi_call *c, uint64_t rights, uint64_t size, uint8_t **out,
                         uint32_t *err)
{
    wasi_fd *e = wasi_fd_get(c->ctx, ARG32(c, 0), rights, err);
    if (e == NULL)
        return NULL;
    if ((*out = wasi_mem(c->mem, ARG32(c, 1), size)) == NULL) {
        *err = WASI_EFAULT;
        return NULL;
    }
    return e;
}

wasi_fd *wasi_fd_get_writable(wasi_ctx *ctx, uint32_t fd, uint64_t rights, uint32_t *err)
{
    wasi_fd *e = wasi_fd_get(ctx, fd, rights, err);
    if (e != NULL && e->read_only) {
        *err = WASI_EROFS;
        return NULL;
    }
    return e;
}

/* Makes room for slot `fd` in the table. */
static bool grow_table(wasi_ctx *ctx, uint32_t fd)
{
    if (fd < ctx->nfds)
        return true;
    if (fd >= WASI_MAX_FDS)
        return false;
    uint32_t n = ctx->nfds < 8 ? 8 : ctx->nfds;
    while (n <= fd)
        n *= 2;
    if (n > WASI_MAX_FDS)
        n = WASI_MAX_FDS;
    wasi_fd *fds = realloc(ctx->fds, n * sizeof *fds);
    if (fds == NULL)
        return false;
    memset(fds + ctx->nfds, 0, (n - ctx->nfds) * sizeof *fds);
    ctx->fds = fds;
    ctx->nfds = n;
    return true;
}

/* Puts e in the lowest free slot >= 3. Returns an errno (EMFILE, ENOMEM). */
static uint32_t wasi_fd_insert(wasi_ctx *ctx, const wasi_fd *e, uint32_t *out)
{
    /* New descriptors never take 0-2, so stdio numbers keep their meaning. */
    uint32_t fd = 3;
    while (fd < ctx->nfds && ctx->fds[fd].open)
        fd++;
    if (fd >= WASI_MAX_FDS)
        return WASI_EMFILE;
    if (!grow_table(ctx, fd))
        return WASI_ENOMEM;
    ctx->fds[fd] = *e;
    ctx->fds[fd].open = true;
    *out = fd;
    return WASI_ESUCCESS;
}

uint32_t wasi_fd_adopt(wasi_ctx *ctx, wasi_fd e, const struct stat *st, uint64_t base,
                       uint64_t inheriting, uint8_t *out)
{
    wasi_fd_describe(&e, st);
    e.base &= base;
    e.inheriting &= inheriting;
    uint32_t fd, err = wasi_fd_insert(ctx, &e, &fd);
    if (err != 0) {
        close(e.host);
        return err;
    }
    wasi_store_u32(out, fd);
    return WASI_ESUCCESS;
}

void wasi_fd_release(wasi_fd *e)
{
    if (e->dir != NULL)
        closedir(e->dir);
    if (e->host >= 0)
        close(e->host);
    memset(e, 0, sizeof *e);
    e->host = -1;
}

/* ---- the context ---- */

/* Copies n strings; *bytes gets their total size with one NUL each. */
static char **copy_strings(const char *const *src, size_t n, size_t *bytes)
{
    char **out = calloc(n + 1, sizeof *out);
    if (out == NULL)
        return NULL;
    *bytes = 0;
    for (size_t i = 0; i < n; i++) {
        if ((out[i] = strdup(src[i])) == NULL) {
            for (size_t k = 0; k < i; k++)
                free(out[k]);
            free(out);
            return NULL;
        }
        *bytes += strlen(src[i]) + 1;
    }
    return out;
}

static void free_strings(char **s)
{
    for (size_t i = 0; s != NULL && s[i] != NULL; i++)
        free(s[i]);
    free(s);
}

/* Gives guest fd i the host descriptor `host` (duplicated), or the null
 * stream when host is -1. */
static bool open_stdio(wasi_ctx *ctx, uint32_t i, int host, char *err, size_t errlen)
{
    wasi_fd e = { .open = true, .host = -1, .mount = -1, .shared = true };
    if (host < 0) {
        e.type = WASI_FILETYPE_CHARACTER_DEVICE;
        e.base = WASI_RIGHTS_STREAM;
    } else {
        struct stat st;
        if ((e.host = fcntl(host, F_DUPFD_CLOEXEC, 3)) < 0 || fstat(e.host, &st) != 0) {
            snprintf(err, errlen, "stdio %u: %s", i, strerror(errno));
            if (e.host >= 0)
                close(e.host);
            return false;
        }
        wasi_fd_describe(&e, &st);
    }
    ctx->fds[i] = e;
    return true;
}

/* The order preopens are numbered in: by guest path. */
static int compare_mounts(const void *a, const void *b)
{
    const wasi_mount *x = *(const wasi_mount *const *)a, *y = *(const wasi_mount *const *)b;
    return strcmp(x->guest, y->guest);
}

static bool open_mounts(wasi_ctx *ctx, const wasi_config *cfg, char *err, size_t errlen)
{
    const wasi_mount **order = calloc(cfg->nmounts + 1, sizeof *order);
    ctx->mounts = calloc(cfg->nmounts + 1, sizeof *ctx->mounts);
    if (order == NULL || ctx->mounts == NULL || cfg->nmounts + 3 > WASI_MAX_FDS ||
        !grow_table(ctx, (uint32_t)cfg->nmounts + 3)) {
        snprintf(err, errlen, "out of memory (or too many mounts)");
        free(order);
        return false;
    }
    for (size_t i = 0; i < cfg->nmounts; i++)
        order[i] = &cfg->mounts[i];
    qsort(order, cfg->nmounts, sizeof *order, compare_mounts);

    for (size_t i = 0; i < cfg->nmounts; i++) {
        const wasi_mount *m = order[i];
        if (m->host == NULL || m->guest == NULL || m->guest[0] == '\0') {
            snprintf(err, errlen, "mount %zu: needs a host directory and a guest path", i);
            free(order);
            return false;
        }
        int fd = open(m->host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0) {
            snprintf(err, errlen, "mount %s: cannot open %s: %s", m->guest, m->host, strerror(errno));
            if (fd >= 0)
                close(fd);
            free(order);
            return false;
        }
        ctx->mounts[i].guest = strdup(m->guest);
        ctx->mounts[i].read_only = m->read_only;
        ctx->nmounts = i + 1;
        wasi_fd *e = &ctx->fds[3 + i];
        *e = (wasi_fd){ .open = true, .host = fd, .mount = (int)i, .read_only = m->read_only };
        wasi_fd_describe(e, &st);
        if (ctx->mounts[i].guest == NULL) {
            snprintf(err, errlen, "out of memory");
            free(order);
            return false;
        }
    }
    free(order);
    return true;
}

wasi_ctx *wasi_ctx_new(const wasi_config *cfg, char *err, size_t errlen)
{
    if (errlen > 0)
        err[0] = '\0';
    wasi_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ctx->caps = cfg->caps & WASI_CAP_ALL;
    ctx->suspend = cfg->suspend;
    bool cli = ctx->caps & WASI_CAP_CLI;
    ctx->args = copy_strings(cfg->args, cli ? cfg->nargs : 0, &ctx->args_bytes);
    ctx->env = copy_strings(cfg->env, cli ? cfg->nenv : 0, &ctx->env_bytes);
    ctx->nargs = cli ? cfg->nargs : 0;
    ctx->nenv = cli ? cfg->nenv : 0;
    ctx->cwd = strdup(cfg->cwd != NULL ? cfg->cwd : "/");
    ctx->bindings = calloc(wasi_nfuncs, sizeof *ctx->bindings);
    if (ctx->args == NULL || ctx->env == NULL || ctx->cwd == NULL || ctx->bindings == NULL ||
        !grow_table(ctx, 3)) {
        snprintf(err, errlen, "out of memory");
        wasi_ctx_free(ctx);
        return NULL;
    }
    for (uint32_t i = 0; i < ctx->nfds; i++)
        ctx->fds[i].host = -1;
    for (uint32_t i = 0; cli && i < 3; i++) {
        if (!open_stdio(ctx, i, cfg->stdio[i], err, errlen)) {
            wasi_ctx_free(ctx);
            return NULL;
        }
    }
    if ((ctx->caps & WASI_CAP_FILESYSTEM) && cfg->nmounts > 0 && !open_mounts(ctx, cfg, err, errlen)) {
        wasi_ctx_free(ctx);
        return NULL;
    }
    for (size_t i = 0; i < wasi_nfuncs; i++)
        ctx->bindings[i] = (wasi_binding){ ctx, &wasi_funcs[i] };
    return ctx;
}

void wasi_ctx_free(wasi_ctx *ctx)
{
    if (ctx == NULL)
        return;
    for (uint32_t i = 0; i < ctx->nfds; i++) {
        if (ctx->fds[i].open)
            wasi_fd_release(&ctx->fds[i]);
    }
    free(ctx->fds);
    for (size_t i = 0; i < ctx->nmounts; i++)
        free(ctx->mounts[i].guest);
    free(ctx->mounts);
    free_strings(ctx->args);
    free_strings(ctx->env);
    free(ctx->cwd);
    free(ctx->bindings);
    free(ctx->wait.fds);
    free(ctx);
}

bool wasi_exited(const wasi_ctx *ctx, uint32_t *code)
{
    if (ctx->exited && code != NULL)
        *code = ctx->exit_code;
    return ctx->exited;
}
