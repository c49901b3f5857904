/* sha256_internal.h — what the three files of sha256/ share and nobody
 * else may use: the round constants and the two compression functions.
 *
 * A compression function runs the SHA-256 block transform (FIPS 180-4,
 * section 6.2.2) over nblocks consecutive 64-byte blocks, updating state in
 * place. The blocks may sit at any address (no alignment is assumed), so
 * sha256_update can hand over whole blocks straight from the caller's
 * buffer without copying them. */
#ifndef WIPPY_SHA256_INTERNAL_H
#define WIPPY_SHA256_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* K[0..63]: the first 32 bits of the fractional parts of the cube roots of
 * the first 64 primes (FIPS 180-4, section 4.2.2). */
extern const uint32_t sha256_k[64];

/* Plain C; runs everywhere (sha256_portable.c). */
void sha256_compress_portable(uint32_t state[8], const uint8_t *blocks, size_t nblocks);

/* x86-64 SHA extensions (sha256_shani.c). Call it only when
 * sha256_shani_available() is true; in a build without the SHA-NI path it
 * exists but forwards to the portable function. */
void sha256_compress_shani(uint32_t state[8], const uint8_t *blocks, size_t nblocks);

#endif
