/* random.c — wasi:random/random (getrandom), wasi:random/insecure (the
 * same source: there is no cheaper one worth having) and
 * wasi:random/insecure-seed (128 bits drawn once per world). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "wasi/p2/internal.h"

static bool fill(uint8_t *buf, size_t len, char *err, size_t errlen)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(buf + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "getrandom: %s", strerror(errno));
            return false;
        }
        done += (size_t)n;
    }
    return true;
}

/* get-random-bytes / get-insecure-random-bytes: func(len: u64) -> list<u8> */
static bool random_bytes(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    (void)user, (void)nargs;
    uint64_t len = wasi_p2_arg_u64(&args[0]);
    if (len > WASI_P2_MAX_BYTES) {
        snprintf(err, errlen, "%llu random bytes asked, at most %u at once",
                 (unsigned long long)len, WASI_P2_MAX_BYTES);
        return false;
    }
    uint8_t *buf = malloc(len ? (size_t)len : 1);
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    bool ok = fill(buf, (size_t)len, err, errlen);
    if (ok) {
        *result = host_string((const char *)buf, (size_t)len);   /* list<u8> lowers from bytes */
        if (result->kind != HOST_VALUE_STRING) {
            snprintf(err, errlen, "out of memory");
            ok = false;
        }
    }
    free(buf);
    return ok;
}

/* get-random-u64 / get-insecure-random-u64: func() -> u64 */
static bool random_u64(void *user, const host_value *args, size_t nargs, host_value *result,
                       char *err, size_t errlen)
{
    (void)user, (void)args, (void)nargs;
    uint64_t v;
    if (!fill((uint8_t *)&v, sizeof v, err, errlen))
        return false;
    *result = host_uint(v);
    return true;
}

/* insecure-seed: func() -> tuple<u64, u64> */
static bool insecure_seed(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    (void)user, (void)args, (void)nargs;
    uint64_t v[2];
    if (!fill((uint8_t *)v, sizeof v, err, errlen))
        return false;
    *result = host_list(2);
    const char *why = "out of memory";
    if (!host_list_push(result, host_uint(v[0]), &why) ||
        !host_list_push(result, host_uint(v[1]), &why)) {
        snprintf(err, errlen, "%s", why);
        return false;
    }
    return true;
}

const wasi_p2_def wasi_p2_random_defs[] = {
    { "wasi:random/random", "get-random-bytes", random_bytes, WASI_CAP_RANDOM },
    { "wasi:random/random", "get-random-u64", random_u64, WASI_CAP_RANDOM },
    { "wasi:random/insecure", "get-insecure-random-bytes", random_bytes, WASI_CAP_RANDOM },
    { "wasi:random/insecure", "get-insecure-random-u64", random_u64, WASI_CAP_RANDOM },
    { "wasi:random/insecure-seed", "insecure-seed", insecure_seed, WASI_CAP_RANDOM },
};
const size_t wasi_p2_nrandom_defs = sizeof wasi_p2_random_defs / sizeof wasi_p2_random_defs[0];
