/* sha256_speed.c — SHA-256 throughput of each compression path available
 * here, on an in-memory buffer (no I/O): `sha256_speed [MiB]`, default 256.
 * Prints one line per path, `wippy sha256 <impl>: <MB/s> MB/s` (MB = 10^6
 * bytes, best of 3 runs), and the digest, so that the work cannot be
 * optimised away and the paths can be seen to agree. bench/sha256.sh reads
 * these lines. */
#include "sha256/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RUNS 3

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fills the buffer from a fixed xorshift generator, so every run hashes
 * the same bytes. */
static void fill(uint8_t *buf, size_t len)
{
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (uint8_t)(x >> 32);
    }
}

/* Best of RUNS, in seconds; the digest of the last run goes to digest. */
static double time_impl(sha256_impl impl, const uint8_t *buf, size_t len,
                        uint8_t digest[SHA256_DIGEST_SIZE])
{
    double best = 0;
    for (int run = 0; run < RUNS; run++) {
        sha256_ctx ctx;
        double start = now_seconds();
        sha256_init_impl(&ctx, impl);
        sha256_update(&ctx, buf, len);
        sha256_final(&ctx, digest);
        double elapsed = now_seconds() - start;
        if (run == 0 || elapsed < best)
            best = elapsed;
    }
    return best;
}

int main(int argc, char **argv)
{
    long mib = 256;
    if (argc > 1) {
        char *end;
        mib = strtol(argv[1], &end, 10);
        if (*end != '\0' || mib <= 0 || mib > 65536) {
            fprintf(stderr, "usage: %s [MiB]   (1..65536, default 256)\n", argv[0]);
            return 2;
        }
    }

    size_t len = (size_t)mib << 20;
    uint8_t *buf = malloc(len);
    if (buf == NULL) {
        fprintf(stderr, "%s: cannot allocate %ld MiB\n", argv[0], mib);
        return 1;
    }
    fill(buf, len);

    const sha256_impl impls[] = { SHA256_IMPL_PORTABLE, SHA256_IMPL_SHANI };
    for (size_t i = 0; i < sizeof impls / sizeof impls[0]; i++) {
        sha256_ctx probe;
        if (!sha256_init_impl(&probe, impls[i])) {
            printf("wippy sha256 %s: not available\n", sha256_impl_name(impls[i]));
            continue;
        }
        uint8_t digest[SHA256_DIGEST_SIZE];
        char hex[SHA256_HEX_SIZE];
        double seconds = time_impl(impls[i], buf, len, digest);
        sha256_hex(digest, hex);
        printf("wippy sha256 %s: %.1f MB/s\n", sha256_impl_name(impls[i]), (double)len / seconds / 1e6);
        printf("  digest of %ld MiB: %s\n", mib, hex);
    }
    free(buf);
    return 0;
}
