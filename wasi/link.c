/* link.c — every function of wasi_snapshot_preview1 in one table: its
 * name, its wasm signature, the capability group it belongs to and the
 * operation that implements it; and wasi_link(), which binds them all. */
#include <string.h>

#include "wasi/internal.h"

#define I VM_I32
#define L VM_I64
#define CLI WASI_CAP_CLI
#define IO WASI_CAP_IO
#define CLK WASI_CAP_CLOCKS
#define FS WASI_CAP_FILESYSTEM
#define RND WASI_CAP_RANDOM
#define POLL WASI_CAP_POLL
#define SOCK WASI_CAP_SOCKETS

/* Group 0 is always allowed. args/environ and fd_prestat_* are in it
 * because the context already holds nothing for them when CLI or
 * FILESYSTEM is not granted; fd housekeeping (close, stat, sync, readdir,
 * renumber...) is in it because every descriptor was obtained through a
 * granted group. IO gates the data transfers on descriptors other than
 * stdio (see call.c). */
const wasi_func wasi_funcs[] = {
    { "args_get",                2, 1, { I, I }, 0, wasi_op_args_get },
    { "args_sizes_get",          2, 1, { I, I }, 0, wasi_op_args_sizes_get },
    { "environ_get",             2, 1, { I, I }, 0, wasi_op_environ_get },
    { "environ_sizes_get",       2, 1, { I, I }, 0, wasi_op_environ_sizes_get },
    { "clock_res_get",           2, 1, { I, I }, CLK, wasi_op_clock_res_get },
    { "clock_time_get",          3, 1, { I, L, I }, CLK, wasi_op_clock_time_get },
    { "fd_advise",               4, 1, { I, L, L, I }, 0, wasi_op_fd_advise },
    { "fd_allocate",             3, 1, { I, L, L }, IO, wasi_op_fd_allocate },
    { "fd_close",                1, 1, { I }, 0, wasi_op_fd_close },
    { "fd_datasync",             1, 1, { I }, 0, wasi_op_fd_datasync },
    { "fd_fdstat_get",           2, 1, { I, I }, 0, wasi_op_fd_fdstat_get },
    { "fd_fdstat_set_flags",     2, 1, { I, I }, 0, wasi_op_fd_fdstat_set_flags },
    { "fd_fdstat_set_rights",    3, 1, { I, L, L }, 0, wasi_op_fd_fdstat_set_rights },
    { "fd_filestat_get",         2, 1, { I, I }, 0, wasi_op_fd_filestat_get },
    { "fd_filestat_set_size",    2, 1, { I, L }, IO, wasi_op_fd_filestat_set_size },
    { "fd_filestat_set_times",   4, 1, { I, L, L, I }, 0, wasi_op_fd_filestat_set_times },
    { "fd_pread",                5, 1, { I, I, I, L, I }, IO, wasi_op_fd_pread },
    { "fd_prestat_get",          2, 1, { I, I }, 0, wasi_op_fd_prestat_get },
    { "fd_prestat_dir_name",     3, 1, { I, I, I }, 0, wasi_op_fd_prestat_dir_name },
    { "fd_pwrite",               5, 1, { I, I, I, L, I }, IO, wasi_op_fd_pwrite },
    { "fd_read",                 4, 1, { I, I, I, I }, IO, wasi_op_fd_read },
    { "fd_readdir",              5, 1, { I, I, I, L, I }, 0, wasi_op_fd_readdir },
    { "fd_renumber",             2, 1, { I, I }, 0, wasi_op_fd_renumber },
    { "fd_seek",                 4, 1, { I, L, I, I }, IO, wasi_op_fd_seek },
    { "fd_sync",                 1, 1, { I }, 0, wasi_op_fd_sync },
    { "fd_tell",                 2, 1, { I, I }, IO, wasi_op_fd_tell },
    { "fd_write",                4, 1, { I, I, I, I }, IO, wasi_op_fd_write },
    { "path_create_directory",   3, 1, { I, I, I }, FS, wasi_op_path_create_directory },
    { "path_filestat_get",       5, 1, { I, I, I, I, I }, FS, wasi_op_path_filestat_get },
    { "path_filestat_set_times", 7, 1, { I, I, I, I, L, L, I }, FS, wasi_op_path_filestat_set_times },
    { "path_link",               7, 1, { I, I, I, I, I, I, I }, FS, wasi_op_path_link },
    { "path_open",               9, 1, { I, I, I, I, I, L, L, I, I }, FS, wasi_op_path_open },
    { "path_readlink",           6, 1, { I, I, I, I, I, I }, FS, wasi_op_path_readlink },
    { "path_remove_directory",   3, 1, { I, I, I }, FS, wasi_op_path_remove_directory },
    { "path_rename",             6, 1, { I, I, I, I, I, I }, FS, wasi_op_path_rename },
    { "path_symlink",            5, 1, { I, I, I, I, I }, FS, wasi_op_path_symlink },
    { "path_unlink_file",        3, 1, { I, I, I }, FS, wasi_op_path_unlink_file },
    { "poll_oneoff",             4, 1, { I, I, I, I }, POLL, wasi_op_poll_oneoff },
    { "proc_exit",               1, 0, { I }, 0, wasi_op_proc_exit },
    { "proc_raise",              1, 1, { I }, 0, wasi_op_proc_raise },
    { "random_get",              2, 1, { I, I }, RND, wasi_op_random_get },
    { "sched_yield",             0, 1, { 0 }, 0, wasi_op_sched_yield },
    { "sock_accept",             3, 1, { I, I, I }, SOCK, wasi_op_sock_accept },
    { "sock_recv",               6, 1, { I, I, I, I, I, I }, SOCK, wasi_op_sock_recv },
    { "sock_send",               5, 1, { I, I, I, I, I }, SOCK, wasi_op_sock_send },
    { "sock_shutdown",           2, 1, { I, I }, SOCK, wasi_op_sock_shutdown },
};
const size_t wasi_nfuncs = sizeof wasi_funcs / sizeof wasi_funcs[0];

bool wasi_link(vm_linker *l, wasi_ctx *ctx)
{
    static const vm_valtype result[] = { VM_I32 };
    for (size_t i = 0; i < wasi_nfuncs; i++) {
        const wasi_func *f = &wasi_funcs[i];
        vm_signature sig = { f->nparams, f->nresults, f->params, result };
        if (!vm_linker_define_host(l, "wasi_snapshot_preview1", f->name, &sig, wasi_trampoline,
                                   &ctx->bindings[i]))
            return false;
    }
    return true;
}

unsigned wasi_cap_from_name(const char *name)
{
    static const struct {
        const char *name;
        unsigned cap;
    } names[] = {
        { "wasi:cli", WASI_CAP_CLI },         { "wasi:io", WASI_CAP_IO },
        { "wasi:clocks", WASI_CAP_CLOCKS },   { "wasi:filesystem", WASI_CAP_FILESYSTEM },
        { "wasi:random", WASI_CAP_RANDOM },   { "wasi:poll", WASI_CAP_POLL },
        { "wasi:sockets", WASI_CAP_SOCKETS }, { "wasi:http", WASI_CAP_HTTP },
    };
    for (size_t i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i].name) == 0)
            return names[i].cap;
    }
    return 0;
}
