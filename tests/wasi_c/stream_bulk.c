/* stream_bulk.c — writes MiB mebibytes (argv[1], default 64) of 'x' to
 * stdout in 1 MiB writes, then reads stdin to its end and prints the byte
 * count and a checksum to stderr. Made into a WASI 0.2 command component
 * with the preview 1 adapter (Makefile), so its writes and reads go through
 * wasi:io/streams' list<u8>: tests/test_cli.c checks the bytes, `make
 * bench-js` times 64 MiB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long mib = argc > 1 ? atol(argv[1]) : 64;
    static char buf[1 << 20];
    memset(buf, 'x', sizeof buf);
    for (long i = 0; i < mib; i++) {
        size_t done = 0;
        while (done < sizeof buf) {
            ssize_t n = write(1, buf + done, sizeof buf - done);
            if (n <= 0)
                return 1;
            done += (size_t)n;
        }
    }
    long long got = 0;
    unsigned long sum = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            sum = sum * 31 + (unsigned char)buf[i];
        got += n;
    }
    fprintf(stderr, "read %lld bytes, sum %lu\n", got, sum);
    return n < 0;
}
