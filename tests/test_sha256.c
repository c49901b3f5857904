/* test_sha256.c — Check unit tests for sha256/: the NIST example vectors,
 * every message length 0..1000 against an independent reference, streaming
 * in every split, hex output, file hashing against the `sha256sum` command,
 * and the errors. Tests that take a path (portable, SHA-NI) run once per
 * path available on this machine. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sha256/sha256.h"

/* ---- helpers ---------------------------------------------------------- */

/* The paths the loop tests run on: _i indexes this table, and the suite
 * only goes as far as the paths this machine has. */
static const sha256_impl impls[] = { SHA256_IMPL_PORTABLE, SHA256_IMPL_SHANI };

static int impl_count(void)
{
    return sha256_shani_available() ? 2 : 1;
}

static void hash_with(sha256_impl impl, const void *data, size_t len, uint8_t digest[32])
{
    sha256_ctx ctx;
    ck_assert(sha256_init_impl(&ctx, impl));
    sha256_update(&ctx, data, len);
    sha256_final(&ctx, digest);
}

static void hex_of(const uint8_t digest[32], char hex[SHA256_HEX_SIZE])
{
    sha256_hex(digest, hex);
}

/* A deterministic pseudo-random message (xorshift32). */
static void fill_message(uint8_t *buf, size_t len, uint32_t seed)
{
    uint32_t x = seed | 1;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)x;
    }
}

/* ---- a deliberately simple reference ------------------------------------
 * FIPS 180-4 written out the slow, obvious way: the whole padded message in
 * memory, a 64-word schedule, the working variables moved every round. It
 * shares no code with sha256/, so agreeing with it means something. */

static const uint32_t ref_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ref_rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void ref_sha256(const uint8_t *msg, size_t len, uint8_t digest[32])
{
    uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    size_t padded_len = (len + 8) / 64 * 64 + 64;
    uint8_t *padded = calloc(padded_len, 1);
    ck_assert_ptr_nonnull(padded);
    if (len > 0)
        memcpy(padded, msg, len);
    padded[len] = 0x80;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++)
        padded[padded_len - 1 - i] = (uint8_t)(bits >> (8 * i));

    for (size_t off = 0; off < padded_len; off += 64) {
        uint32_t w[64];
        for (int t = 0; t < 16; t++) {
            const uint8_t *p = padded + off + 4 * t;
            w[t] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        }
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = ref_rotr(w[t - 15], 7) ^ ref_rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = ref_rotr(w[t - 2], 17) ^ ref_rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = s1 + w[t - 7] + s0 + w[t - 16];
        }
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int t = 0; t < 64; t++) {
            uint32_t S1 = ref_rotr(e, 6) ^ ref_rotr(e, 11) ^ ref_rotr(e, 25);
            uint32_t ch = (e & f) ^ (~e & g);
            uint32_t t1 = hh + S1 + ch + ref_k[t] + w[t];
            uint32_t S0 = ref_rotr(a, 2) ^ ref_rotr(a, 13) ^ ref_rotr(a, 22);
            uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
            uint32_t t2 = S0 + maj;
            hh = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d;
        h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    free(padded);
    for (int i = 0; i < 8; i++) {
        digest[4 * i]     = (uint8_t)(h[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(h[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(h[i] >> 8);
        digest[4 * i + 3] = (uint8_t)h[i];
    }
}

/* ---- NIST vectors (FIPS 180-2 appendix B, the SHAVS examples) ---------- */

static const struct { const char *msg; const char *hex; } nist[] = {
    { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
      "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

START_TEST(nist_vectors)
{
    sha256_impl impl = impls[_i];
    for (size_t v = 0; v < sizeof nist / sizeof nist[0]; v++) {
        uint8_t digest[32];
        char hex[SHA256_HEX_SIZE];
        hash_with(impl, nist[v].msg, strlen(nist[v].msg), digest);
        hex_of(digest, hex);
        ck_assert_msg(strcmp(hex, nist[v].hex) == 0, "%s, vector %zu: got %s, want %s",
                      sha256_impl_name(impl), v, hex, nist[v].hex);
    }
}
END_TEST

START_TEST(nist_million_a)
{
    sha256_impl impl = impls[_i];
    static char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    sha256_ctx ctx;
    ck_assert(sha256_init_impl(&ctx, impl));
    for (int i = 0; i < 1000; i++)
        sha256_update(&ctx, chunk, sizeof chunk);
    uint8_t digest[32];
    char hex[SHA256_HEX_SIZE];
    sha256_final(&ctx, digest);
    hex_of(digest, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* ---- every length, every path, against the reference -------------------- */

START_TEST(all_lengths_agree)
{
    enum { MAX_LEN = 1000 };
    static uint8_t msg[MAX_LEN];
    fill_message(msg, sizeof msg, 12345);
    for (size_t len = 0; len <= MAX_LEN; len++) {
        uint8_t want[32], got[32];
        ref_sha256(msg, len, want);
        for (int i = 0; i < impl_count(); i++) {
            hash_with(impls[i], msg, len, got);
            ck_assert_msg(memcmp(got, want, 32) == 0, "%s differs from the reference at length %zu",
                          sha256_impl_name(impls[i]), len);
        }
        sha256_buffer(msg, len, got);
        ck_assert_msg(memcmp(got, want, 32) == 0, "sha256_buffer differs at length %zu", len);
    }
}
END_TEST

/* ---- streaming --------------------------------------------------------- */

START_TEST(streaming_splits)
{
    sha256_impl impl = impls[_i];
    enum { LEN = 1024 };
    static uint8_t msg[LEN];
    fill_message(msg, sizeof msg, 777);
    uint8_t whole[32], got[32];
    hash_with(impl, msg, LEN, whole);

    for (size_t cut = 0; cut <= LEN; cut++) {
        sha256_ctx ctx;
        ck_assert(sha256_init_impl(&ctx, impl));
        sha256_update(&ctx, msg, cut);
        sha256_update(&ctx, msg + cut, LEN - cut);
        sha256_final(&ctx, got);
        ck_assert_msg(memcmp(got, whole, 32) == 0, "%s: split at %zu differs",
                      sha256_impl_name(impl), cut);
    }

    sha256_ctx ctx;
    ck_assert(sha256_init_impl(&ctx, impl));
    for (size_t i = 0; i < LEN; i++)
        sha256_update(&ctx, msg + i, 1);
    sha256_update(&ctx, NULL, 0);
    sha256_final(&ctx, got);
    ck_assert_msg(memcmp(got, whole, 32) == 0, "%s: byte by byte differs", sha256_impl_name(impl));
}
END_TEST

/* ---- hex and names ------------------------------------------------------ */

START_TEST(hex_output)
{
    uint8_t digest[32];
    for (int i = 0; i < 32; i++)
        digest[i] = (uint8_t)(i * 8 + 7);   /* 07 0f 17 ... ff */
    char hex[SHA256_HEX_SIZE];
    memset(hex, 'X', sizeof hex);
    sha256_hex(digest, hex);
    ck_assert_str_eq(hex, "070f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7ff");
    ck_assert_uint_eq(strlen(hex), 64);
}
END_TEST

START_TEST(impl_names)
{
    ck_assert_str_eq(sha256_impl_name(SHA256_IMPL_PORTABLE), "portable");
    ck_assert_str_eq(sha256_impl_name(SHA256_IMPL_SHANI), "sha-ni");
    ck_assert_str_eq(sha256_impl_name(SHA256_IMPL_AUTO),
                     sha256_shani_available() ? "sha-ni" : "portable");
}
END_TEST

START_TEST(init_impl_choices)
{
    sha256_ctx ctx;
    ck_assert(sha256_init_impl(&ctx, SHA256_IMPL_AUTO));
    ck_assert_int_eq(ctx.impl, sha256_shani_available() ? SHA256_IMPL_SHANI : SHA256_IMPL_PORTABLE);
    ck_assert(sha256_init_impl(&ctx, SHA256_IMPL_PORTABLE));
    ck_assert_int_eq(ctx.impl, SHA256_IMPL_PORTABLE);

    /* Refusing leaves the context untouched. */
    sha256_ctx before;
    memset(&ctx, 0xab, sizeof ctx);
    memcpy(&before, &ctx, sizeof ctx);
    if (sha256_shani_available()) {
        ck_assert(sha256_init_impl(&ctx, SHA256_IMPL_SHANI));
        ck_assert_int_eq(ctx.impl, SHA256_IMPL_SHANI);
    } else {
        ck_assert(!sha256_init_impl(&ctx, SHA256_IMPL_SHANI));
        ck_assert(memcmp(&ctx, &before, sizeof ctx) == 0);
    }
    memcpy(&ctx, &before, sizeof ctx);
    ck_assert(!sha256_init_impl(&ctx, (sha256_impl)99));
    ck_assert(memcmp(&ctx, &before, sizeof ctx) == 0);
}
END_TEST

/* ---- files --------------------------------------------------------------- */

/* What `sha256sum path` says; path comes from mkstemp, so it needs no
 * quoting beyond the single quotes. */
static void sha256sum_of(const char *path, char hex[SHA256_HEX_SIZE])
{
    char command[256];
    snprintf(command, sizeof command, "sha256sum '%s'", path);
    FILE *pipe = popen(command, "r");
    ck_assert_msg(pipe != NULL, "cannot run sha256sum");
    char line[512] = "";
    ck_assert_msg(fgets(line, sizeof line, pipe) != NULL, "no output from %s", command);
    ck_assert_int_eq(pclose(pipe), 0);
    ck_assert_msg(strlen(line) > 64 && line[64] == ' ', "unexpected sha256sum output: %s", line);
    memcpy(hex, line, 64);
    hex[64] = '\0';
}

START_TEST(file_matches_sha256sum)
{
    static const size_t sizes[] = { 0, 1, 55, 56, 64, 1000, (1u << 20) + 3 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t len = sizes[s];
        uint8_t *data = malloc(len + 1);
        ck_assert_ptr_nonnull(data);
        fill_message(data, len, (uint32_t)(len + 1));

        char path[] = "/tmp/wippy-sha256-XXXXXX";
        int fd = mkstemp(path);
        ck_assert_msg(fd >= 0, "mkstemp: %s", strerror(errno));
        ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
        close(fd);

        char want[SHA256_HEX_SIZE], got[SHA256_HEX_SIZE];
        uint8_t digest[32];
        sha256sum_of(path, want);
        int err = sha256_file(path, digest);
        unlink(path);
        ck_assert_msg(err == 0, "sha256_file(%s): %s", path, strerror(err));
        hex_of(digest, got);
        ck_assert_msg(strcmp(got, want) == 0, "size %zu: sha256_file %s, sha256sum %s", len, got, want);

        for (int i = 0; i < impl_count(); i++) {
            hash_with(impls[i], data, len, digest);
            hex_of(digest, got);
            ck_assert_msg(strcmp(got, want) == 0, "size %zu: %s gives %s, sha256sum %s",
                          len, sha256_impl_name(impls[i]), got, want);
        }
        free(data);
    }
}
END_TEST

START_TEST(file_errors)
{
    uint8_t digest[32];
    ck_assert_int_eq(sha256_file("/tmp/wippy-sha256-no/such/file", digest), ENOENT);
    ck_assert_int_eq(sha256_file("/tmp", digest), EISDIR);
    ck_assert_int_eq(sha256_fd(-1, digest), EBADF);
}
END_TEST

/* ---- the suite ----------------------------------------------------------- */

Suite *sha256_suite(void)
{
    Suite *s = suite_create("sha256");
    int paths = impl_count();

    TCase *vectors = tcase_create("vectors");
    tcase_add_loop_test(vectors, nist_vectors, 0, paths);
    tcase_add_loop_test(vectors, nist_million_a, 0, paths);
    tcase_add_test(vectors, all_lengths_agree);
    tcase_set_timeout(vectors, 60);
    suite_add_tcase(s, vectors);

    TCase *api = tcase_create("api");
    tcase_add_loop_test(api, streaming_splits, 0, paths);
    tcase_add_test(api, hex_output);
    tcase_add_test(api, impl_names);
    tcase_add_test(api, init_impl_choices);
    tcase_set_timeout(api, 60);
    suite_add_tcase(s, api);

    TCase *files = tcase_create("files");
    tcase_add_test(files, file_matches_sha256sum);
    tcase_add_test(files, file_errors);
    tcase_set_timeout(files, 60);
    suite_add_tcase(s, files);

    return s;
}
