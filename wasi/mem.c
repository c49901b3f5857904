/* mem.c — guest memory as WASI calls see it: every pointer and length the
 * guest passes is checked against the memory's current size before a byte
 * is touched (out of bounds → EFAULT), values are little-endian, and the
 * memory's bytes are fetched afresh on every access (they move when the
 * memory grows). Also iovec arrays, a transfer's buffer arguments and
 * path strings. */
#include <string.h>

#include "wasi/internal.h"

uint8_t *wasi_mem(vm_memory *m, uint64_t ptr, uint64_t len)
{
    if (m == NULL)
        return NULL;
    uint64_t size = vm_memory_size(m);
    if (ptr > size || len > size - ptr)
        return NULL;
    uint8_t *data = vm_memory_data(m);
    /* A zero-length range at the very end is fine, but may have no bytes
     * behind it; hand back a pointer that is never dereferenced. */
    return data != NULL ? data + ptr : (uint8_t *)"";
}

void wasi_store_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void wasi_store_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void wasi_store_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

uint16_t wasi_load_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

uint32_t wasi_load_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t wasi_load_u64(const uint8_t *p)
{
    return (uint64_t)wasi_load_u32(p) | (uint64_t)wasi_load_u32(p + 4) << 32;
}

bool wasi_put_u64(vm_memory *m, uint64_t ptr, uint64_t v)
{
    uint8_t *p = wasi_mem(m, ptr, 8);
    if (p != NULL)
        wasi_store_u64(p, v);
    return p != NULL;
}

/* Turns a guest iovec array into host iovecs (at most WASI_MAX_IOVS of
 * them). Returns an errno (EFAULT when any part is outside memory). */
static uint32_t wasi_iovecs(vm_memory *m, uint32_t iovs, uint32_t n, struct iovec *out, int *count)
{
    /* An iovec is { u32 buf, u32 buf_len }: 8 bytes. */
    const uint8_t *arr = wasi_mem(m, iovs, (uint64_t)n * 8);
    if (arr == NULL)
        return WASI_EFAULT;
    uint32_t use = n < WASI_MAX_IOVS ? n : WASI_MAX_IOVS;
    for (uint32_t i = 0; i < use; i++) {
        uint32_t buf = wasi_load_u32(arr + 8 * i);
        uint32_t len = wasi_load_u32(arr + 8 * i + 4);
        uint8_t *p = wasi_mem(m, buf, len);
        if (p == NULL)
            return WASI_EFAULT;
        out[i].iov_base = p;
        out[i].iov_len = len;
    }
    *count = (int)use;
    return WASI_ESUCCESS;
}

uint32_t wasi_buffers_arg(wasi_call *c, uint32_t count_arg, wasi_buffers *b)
{
    b->n = 0;
    uint32_t err = wasi_iovecs(c->mem, ARG32(c, 1), ARG32(c, 2), b->iov, &b->n);
    if (err != 0)
        return err;
    b->count = wasi_mem(c->mem, ARG32(c, count_arg), 4);
    return b->count != NULL ? WASI_ESUCCESS : WASI_EFAULT;
}

void wasi_iovecs_limit(struct iovec *iov, int *count, size_t limit)
{
    size_t total = 0;
    for (int i = 0; i < *count; i++) {
        if (iov[i].iov_len >= limit - total) {
            iov[i].iov_len = limit - total;
            *count = i + 1;
            return;
        }
        total += iov[i].iov_len;
    }
}

/* Whether s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
static bool valid_utf8(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        size_t n;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (n > len - i - 1)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

uint32_t wasi_path_arg(vm_memory *m, uint32_t ptr, uint32_t len, char *out)
{
    const uint8_t *p = wasi_mem(m, ptr, len);
    if (p == NULL)
        return WASI_EFAULT;
    if (len >= WASI_PATH_MAX)
        return WASI_ENAMETOOLONG;
    if (memchr(p, '\0', len) != NULL)
        return WASI_EINVAL;
    if (!valid_utf8(p, len))
        return WASI_EILSEQ;
    memcpy(out, p, len);
    out[len] = '\0';
    return WASI_ESUCCESS;
}
