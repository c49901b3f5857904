/* sha256.c — SHA-256 as the rest of the program sees it (sha256.h): the
 * streaming context (init, update, final), padding (FIPS 180-4, section
 * 5.1.1), one-shot hashing of buffers, descriptors and files, hex output,
 * and the choice between the two compression functions. The block
 * transform itself lives in sha256_portable.c and sha256_shani.c. */
#include "sha256/sha256.h"
#include "sha256/sha256_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* sha256_fd reads this much at a time: large enough that the system call
 * cost vanishes, small enough to stay in the CPU's L2 cache. */
#define READ_CHUNK (256 * 1024)

/* H(0), the initial hash value: the first 32 bits of the fractional parts
 * of the square roots of the first 8 primes (section 5.3.3). */
static const uint32_t initial_state[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static sha256_impl fastest_impl(void)
{
    return sha256_shani_available() ? SHA256_IMPL_SHANI : SHA256_IMPL_PORTABLE;
}

const char *sha256_impl_name(sha256_impl impl)
{
    if (impl == SHA256_IMPL_AUTO)
        impl = fastest_impl();
    switch (impl) {
    case SHA256_IMPL_PORTABLE: return "portable";
    case SHA256_IMPL_SHANI:    return "sha-ni";
    default:                   return "unknown";
    }
}

/* Runs the context's compression function over whole blocks. */
static void compress(sha256_ctx *ctx, const uint8_t *blocks, size_t nblocks)
{
    if (ctx->impl == SHA256_IMPL_SHANI)
        sha256_compress_shani(ctx->state, blocks, nblocks);
    else
        sha256_compress_portable(ctx->state, blocks, nblocks);
}

bool sha256_init_impl(sha256_ctx *ctx, sha256_impl impl)
{
    switch (impl) {
    case SHA256_IMPL_AUTO:
        impl = fastest_impl();
        break;
    case SHA256_IMPL_PORTABLE:
        break;
    case SHA256_IMPL_SHANI:
        if (!sha256_shani_available())
            return false;
        break;
    default:
        return false;
    }
    memcpy(ctx->state, initial_state, sizeof ctx->state);
    ctx->length = 0;
    ctx->buffered = 0;
    ctx->impl = impl;
    return true;
}

void sha256_init(sha256_ctx *ctx)
{
    sha256_init_impl(ctx, SHA256_IMPL_AUTO);
}

/* Bytes go first into the partial block left by earlier calls; then whole
 * blocks are compressed straight from data, without a copy; what is left
 * (under one block) waits in the buffer for the next call. */
void sha256_update(sha256_ctx *ctx, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (len == 0)
        return;
    ctx->length += len;

    if (ctx->buffered > 0) {
        size_t take = SHA256_BLOCK_SIZE - ctx->buffered;
        if (take > len)
            take = len;
        memcpy(ctx->buffer + ctx->buffered, p, take);
        ctx->buffered += take;
        p += take;
        len -= take;
        if (ctx->buffered < SHA256_BLOCK_SIZE)
            return;
        compress(ctx, ctx->buffer, 1);
        ctx->buffered = 0;
    }

    size_t nblocks = len / SHA256_BLOCK_SIZE;
    if (nblocks > 0) {
        compress(ctx, p, nblocks);
        p += nblocks * SHA256_BLOCK_SIZE;
        len -= nblocks * SHA256_BLOCK_SIZE;
    }

    if (len > 0) {
        memcpy(ctx->buffer, p, len);
        ctx->buffered = len;
    }
}

static void store_be32(uint8_t *p, uint32_t x)
{
    p[0] = (uint8_t)(x >> 24);
    p[1] = (uint8_t)(x >> 16);
    p[2] = (uint8_t)(x >> 8);
    p[3] = (uint8_t)x;
}

/* Padding: a 1 bit, then zeros up to 56 bytes into a block, then the
 * message length in bits as a 64-bit big-endian number. */
void sha256_final(sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_SIZE])
{
    uint64_t bits = ctx->length * 8;   /* modulo 2^64, as the standard says */

    ctx->buffer[ctx->buffered++] = 0x80;
    if (ctx->buffered > SHA256_BLOCK_SIZE - 8) {
        /* No room for the length: pad this block out, use another. */
        memset(ctx->buffer + ctx->buffered, 0, SHA256_BLOCK_SIZE - ctx->buffered);
        compress(ctx, ctx->buffer, 1);
        ctx->buffered = 0;
    }
    memset(ctx->buffer + ctx->buffered, 0, SHA256_BLOCK_SIZE - 8 - ctx->buffered);
    store_be32(ctx->buffer + 56, (uint32_t)(bits >> 32));
    store_be32(ctx->buffer + 60, (uint32_t)bits);
    compress(ctx, ctx->buffer, 1);

    for (int i = 0; i < 8; i++)
        store_be32(digest + 4 * i, ctx->state[i]);

    /* Leave nothing of the message behind; impl = AUTO marks the context
     * as needing sha256_init again. */
    memset(ctx, 0, sizeof *ctx);
}

void sha256_buffer(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE])
{
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, data, len);
    sha256_final(&ctx, digest);
}

int sha256_fd(int fd, uint8_t digest[SHA256_DIGEST_SIZE])
{
    uint8_t *chunk = malloc(READ_CHUNK);
    if (chunk == NULL)
        return ENOMEM;

    sha256_ctx ctx;
    sha256_init(&ctx);
    int err = 0;
    for (;;) {
        ssize_t n = read(fd, chunk, READ_CHUNK);
        if (n > 0)
            sha256_update(&ctx, chunk, (size_t)n);
        else if (n == 0)
            break;
        else if (errno != EINTR) {
            err = errno;
            break;
        }
    }
    free(chunk);

    if (err == 0)
        sha256_final(&ctx, digest);
    return err;
}

int sha256_file(const char *path, uint8_t digest[SHA256_DIGEST_SIZE])
{
    int fd;
    do
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return errno;

    int err = 0;
    struct stat st;
    if (fstat(fd, &st) != 0)
        err = errno;
    else if (S_ISDIR(st.st_mode))
        err = EISDIR;
    else {
        /* A hint only: read-ahead for one pass from start to end. */
        (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        err = sha256_fd(fd, digest);
    }
    close(fd);
    return err;
}

void sha256_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char hex[SHA256_HEX_SIZE])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
        hex[2 * i]     = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 0x0f];
    }
    hex[2 * SHA256_DIGEST_SIZE] = '\0';
}
