/* soak_fifo.c — the soak's guest that parks in a read of a pipe
 * (tests/soak/soak.c): read_pipe(k) opens /pipes/pK, a FIFO the driver
 * holds open for writing without writing, and reads up to 16 bytes. The
 * read parks the process in the event loop until the driver writes a
 * byte (late), or until a cancel, a terminate or max_execution_ms ends
 * it. Returns the count read; a failed open gives -100 - errno, a failed
 * read -200 - errno (both findings for the driver).
 * Built as a WASI reactor (no main: the host runs _initialize). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((export_name("read_pipe"))) int read_pipe(int k)
{
    char path[32], buf[16];
    snprintf(path, sizeof path, "/pipes/p%d", k);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -100 - errno;
    ssize_t n = read(fd, buf, sizeof buf);
    int e = errno;
    close(fd);
    return n < 0 ? -200 - e : (int)n;
}
