/* sha256_shani.c — the SHA-256 block transform with the x86-64 SHA
 * extensions (SHA-NI), and the CPUID test that says whether this CPU has
 * them. Touches only the state it is given; sha256.c decides when to call.
 *
 * The instructions, as intrinsics:
 *   _mm_sha256rnds2_epu32(cdgh, abef, wk)  two rounds. The eight working
 *       variables travel in two registers, ABEF and CDGH (A in the top
 *       lane); wk holds W[t] + K[t] for the two rounds in its low lanes.
 *       It returns the new ABEF; the new CDGH is the old ABEF.
 *   _mm_sha256msg1_epu32(w0, w1)  W[t-16] + σ0(W[t-15]) for four t.
 *   _mm_sha256msg2_epu32(x, w3)   finishes four schedule words by adding
 *       σ1(W[t-2]), given x = the msg1 result + W[t-7].
 * The functions carry __attribute__((target)) so that only they are
 * compiled for SHA and SSE4.1; the rest of the build needs no -m flags.
 * Without x86-64 and GCC/Clang, or with -DSHA256_PORTABLE_ONLY, the file
 * reduces to "not available". */
#include "sha256/sha256.h"
#include "sha256/sha256_internal.h"

#if !defined(SHA256_PORTABLE_ONLY) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <cpuid.h>
#include <immintrin.h>
#include <stdatomic.h>

#define SHANI_TARGET __attribute__((target("sha,sse4.1")))

/* -1: not asked yet; 0: no; 1: yes. Asking twice is harmless, so a relaxed
 * atomic is all the synchronisation it needs. */
static atomic_int shani_cached = -1;

static bool cpu_has_shani(void)
{
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
        return false;
    bool ssse3 = ecx & (1u << 9), sse41 = ecx & (1u << 19);
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
        return false;
    bool sha = ebx & (1u << 29);
    return ssse3 && sse41 && sha;
}

bool sha256_shani_available(void)
{
    int known = atomic_load_explicit(&shani_cached, memory_order_relaxed);
    if (known < 0) {
        known = cpu_has_shani();
        atomic_store_explicit(&shani_cached, known, memory_order_relaxed);
    }
    return known == 1;
}

/* Four rounds 4q..4q+3 on the schedule words in msg. */
#define FOUR_ROUNDS(q, msg) do {                                                    \
        __m128i wk = _mm_add_epi32(msg, _mm_loadu_si128((const __m128i *)&sha256_k[4 * (q)])); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);    /* cdgh now holds ABEF */  \
        wk = _mm_shuffle_epi32(wk, 0x0e);                /* upper two words down */ \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);    /* and back again */       \
    } while (0)

/* The schedule, four words at a time. To make W[t..t+3]:
 *   start:  x = msg1(W[t-16..t-13], W[t-12..t-9])   (the W[t-16] + σ0 part)
 *   finish: x = msg2(x + W[t-7..t-4], W[t-4..t-1])   (adds W[t-7] and σ1)
 * where W[t-7..t-4] is the pair of groups W[t-8..t-5]:W[t-4..t-1] shifted by
 * one word. Starting happens eight rounds before finishing, so the latency
 * of msg1 hides behind the rounds. The four registers m0..m3 hold a
 * sliding window of sixteen words; each group, once used by the rounds
 * and by the schedule, is overwritten by the group sixteen words later. */
#define SCHEDULE_START(x, next) ((x) = _mm_sha256msg1_epu32(x, next))
#define SCHEDULE_FINISH(x, before_last, last) \
    ((x) = _mm_sha256msg2_epu32(_mm_add_epi32(x, _mm_alignr_epi8(last, before_last, 4)), last))

/* Rounds 4q..4q+15 on the words in m0..m3, making the next sixteen. */
#define SIXTEEN_ROUNDS(q)                                                              \
    FOUR_ROUNDS((q) + 0, m0); SCHEDULE_FINISH(m1, m3, m0); SCHEDULE_START(m3, m0); \
    FOUR_ROUNDS((q) + 1, m1); SCHEDULE_FINISH(m2, m0, m1); SCHEDULE_START(m0, m1); \
    FOUR_ROUNDS((q) + 2, m2); SCHEDULE_FINISH(m3, m1, m2); SCHEDULE_START(m1, m2); \
    FOUR_ROUNDS((q) + 3, m3); SCHEDULE_FINISH(m0, m2, m3); SCHEDULE_START(m2, m3)

SHANI_TARGET
void sha256_compress_shani(uint32_t state[8], const uint8_t *blocks, size_t nblocks)
{
    /* Byte order: each 32-bit word of the block is big-endian. */
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);

    /* state[] is A..H in lane order; rearrange into ABEF and CDGH. */
    __m128i abcd = _mm_loadu_si128((const __m128i *)&state[0]);   /* lanes A B C D */
    __m128i efgh = _mm_loadu_si128((const __m128i *)&state[4]);   /* lanes E F G H */
    __m128i badc = _mm_shuffle_epi32(abcd, 0xb1);                /* lanes B A D C */
    __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1b);                /* lanes H G F E */
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);               /* lanes F E B A */
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xf0);            /* lanes H G D C */

    for (size_t n = 0; n < nblocks; n++) {
        const uint8_t *block = blocks + 64 * n;
        __m128i abef_start = abef, cdgh_start = cdgh;

        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 0)), bswap);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 16)), bswap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 32)), bswap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 48)), bswap);

        /* Rounds 0-15 use the block as it is, while the schedule gets
         * going: W[16..19] can be finished once W[12..15] is in. */
        FOUR_ROUNDS(0, m0);
        FOUR_ROUNDS(1, m1);                               SCHEDULE_START(m0, m1);
        FOUR_ROUNDS(2, m2);                               SCHEDULE_START(m1, m2);
        FOUR_ROUNDS(3, m3); SCHEDULE_FINISH(m0, m2, m3); SCHEDULE_START(m2, m3);

        /* Rounds 16-47 in the steady state. */
        SIXTEEN_ROUNDS(4);
        SIXTEEN_ROUNDS(8);

        /* Rounds 48-63: the schedule winds down (the last word is W[63]). */
        FOUR_ROUNDS(12, m0); SCHEDULE_FINISH(m1, m3, m0); SCHEDULE_START(m3, m0);
        FOUR_ROUNDS(13, m1); SCHEDULE_FINISH(m2, m0, m1);
        FOUR_ROUNDS(14, m2); SCHEDULE_FINISH(m3, m1, m2);
        FOUR_ROUNDS(15, m3);

        abef = _mm_add_epi32(abef, abef_start);
        cdgh = _mm_add_epi32(cdgh, cdgh_start);
    }

    /* And back to A..H. */
    __m128i feba = _mm_shuffle_epi32(abef, 0x1b);                /* lanes A B E F */
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);                /* lanes G H C D */
    abcd = _mm_blend_epi16(feba, dchg, 0xf0);                    /* lanes A B C D */
    efgh = _mm_alignr_epi8(dchg, feba, 8);                       /* lanes E F G H */
    _mm_storeu_si128((__m128i *)&state[0], abcd);
    _mm_storeu_si128((__m128i *)&state[4], efgh);
}

#else /* no SHA-NI path in this build */

bool sha256_shani_available(void)
{
    return false;
}

/* Never called (nothing selects SHA-NI when it is unavailable); present
 * so that sha256.c links the same way in every build. */
void sha256_compress_shani(uint32_t state[8], const uint8_t *blocks, size_t nblocks)
{
    sha256_compress_portable(state, blocks, nblocks);
}

#endif
