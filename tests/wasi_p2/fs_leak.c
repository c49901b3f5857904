/* fs_leak.c — a C guest that leaves wasi:filesystem resources behind: of
 * what it opens it drops a second descriptor, an output stream over a file
 * and a directory-entry stream, and keeps the preopen, a file, an input
 * stream over it and another directory-entry stream (4 resources, each
 * holding a host descriptor) for the world to free when it ends
 * (tests/test_wasi_p2_fs.c counts them). Prints nothing. */
#include "guest_fs.h"

P2_RUN
{
    fs_ret r;
    int32_t root = fs_preopen("/m");
    if (root < 0)
        return 1;
    int32_t f = fs_open("open", root, 0, "f.txt", OF_CREATE, DF_READ | DF_WRITE);
    int32_t g = fs_open("open", root, 0, "f.txt", 0, DF_READ);
    if (f < 0 || g < 0)
        return 1;
    fs_drop(g);
    fs_write_via_stream(f, 0, &r);
    if (r.b[0] != 0)
        return 1;
    p2_drop_output_stream((int32_t)r.w[1]);
    fs_read_via_stream(f, 0, &r);
    if (r.b[0] != 0)
        return 1;
    fs_read_directory(root, &r);
    if (r.b[0] != 0)
        return 1;
    fs_drop_dirstream((int32_t)r.w[1]);
    fs_read_directory(root, &r);
    return r.b[0] != 0;
}
