/* sha256.h — SHA-256 (FIPS 180-4): streaming, one-shot, file hashing, hex.
 *
 * Two compression paths share one context: portable C, and the x86-64
 * SHA-NI instructions, chosen at run time by CPUID (compile with
 * -DSHA256_PORTABLE_ONLY to leave SHA-NI out). Depends on libc only; no
 * global mutable state besides a cached CPUID answer (set idempotently,
 * so every function is thread-safe; one context is used by one thread at a
 * time). */
#ifndef WIPPY_SHA256_H
#define WIPPY_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE  64
#define SHA256_HEX_SIZE    65   /* 64 lowercase hex digits + NUL */

/* Which compression function a context uses. */
typedef enum {
    SHA256_IMPL_AUTO = 0,   /* the fastest available on this CPU */
    SHA256_IMPL_PORTABLE,   /* plain C */
    SHA256_IMPL_SHANI       /* x86-64 SHA extensions */
} sha256_impl;

typedef struct {
    uint32_t state[8];
    uint64_t length;                   /* bytes hashed so far */
    uint8_t  buffer[SHA256_BLOCK_SIZE];
    size_t   buffered;                 /* bytes waiting in buffer */
    sha256_impl impl;                  /* never AUTO once initialised */
} sha256_ctx;

/* True when this build has the SHA-NI path and the CPU supports it. */
bool sha256_shani_available(void);

/* "portable" or "sha-ni". */
const char *sha256_impl_name(sha256_impl impl);

/* Starts a hash with the fastest available path. */
void sha256_init(sha256_ctx *ctx);

/* Starts a hash with a chosen path; returns false (and leaves ctx
 * untouched) when that path is not available here. AUTO always succeeds. */
bool sha256_init_impl(sha256_ctx *ctx, sha256_impl impl);

/* Feeds len bytes; any split of a message gives the same digest. */
void sha256_update(sha256_ctx *ctx, const void *data, size_t len);

/* Finishes the hash and writes the 32-byte digest; ctx must be
 * re-initialised before it is used again. */
void sha256_final(sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_SIZE]);

/* One-shot hash of a buffer with the fastest path. */
void sha256_buffer(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);

/* Hashes everything readable from fd (until EOF). Returns 0, or an errno. */
int sha256_fd(int fd, uint8_t digest[SHA256_DIGEST_SIZE]);

/* Hashes a whole file. Returns 0, or an errno (ENOENT, EISDIR, ...). */
int sha256_file(const char *path, uint8_t digest[SHA256_DIGEST_SIZE]);

/* Writes the digest as 64 lowercase hex digits plus a NUL. */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char hex[SHA256_HEX_SIZE]);

#endif
