/* guest_p2.h — what the hand-written C guests of tests/wasi_p2/ share:
 * they call WASI 0.2 directly (no libc, no bindings generator) and are made
 * into components at build time (clang --target=wasm32 -nostdlib, then
 * tools/component_from_core.mjs with the world of tests/wasi_p2/guests.wit).
 *
 * Here: the import attribute macro (P2_IMPORT), the run export (P2_RUN),
 * a bump allocator behind cabi_realloc (never frees; a guest is short),
 * and printing to stdout through wasi:cli/stdout and
 * [method]output-stream.blocking-write-and-flush (4096 bytes at most per
 * call, so longer text goes in pieces). Every function is static: each
 * guest is one translation unit.
 *
 * Canonical ABI reminders: a function whose flat results exceed one value
 * takes a return pointer as its last parameter; a string or list<u8> is a
 * (pointer, length) pair; result<_, E> with E an enum flattens to two i32s
 * (so it is returned through memory). */
#ifndef GUEST_P2_H
#define GUEST_P2_H

typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef int int32_t;
typedef long long int64_t;
typedef unsigned long size_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

#define P2_IMPORT(module, name) \
    __attribute__((import_module(module), import_name(name)))
#define P2_RUN __attribute__((export_name("wasi:cli/run@0.2.3#run"))) int32_t p2_run(void)

/* ---- memory ---- */

extern uint8_t __heap_base;
static uint32_t p2_heap_top;

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

static __attribute__((unused)) void *p2_alloc(size_t align, size_t size)
{
    if (p2_heap_top == 0)
        p2_heap_top = (uint32_t)(size_t)&__heap_base;
    uint32_t p = (p2_heap_top + (uint32_t)align - 1) & ~((uint32_t)align - 1);
    uint32_t end = p + (uint32_t)size;
    uint32_t have = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    if (end > have && __builtin_wasm_memory_grow(0, (end - have + 65535u) / 65536u) == (size_t)-1)
        __builtin_trap();
    p2_heap_top = end;
    return (void *)(size_t)p;
}

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size)
{
    void *p = p2_alloc(align ? align : 1, new_size);
    if (old != NULL)
        memcpy(p, old, old_size < new_size ? old_size : new_size);
    return p;
}

static __attribute__((unused)) size_t p2_strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static __attribute__((unused)) bool p2_streq(const char *a, size_t alen, const char *b)
{
    size_t blen = p2_strlen(b);
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* ---- wasi:cli/stdout, wasi:io/streams, wasi:cli/exit ---- */

P2_IMPORT("wasi:cli/stdout@0.2.3", "get-stdout") int32_t p2_get_stdout(void);
P2_IMPORT("wasi:io/streams@0.2.3", "[method]output-stream.blocking-write-and-flush")
void p2_blocking_write_and_flush(int32_t self, const void *ptr, size_t len, void *ret);
P2_IMPORT("wasi:io/streams@0.2.3", "[resource-drop]output-stream")
void p2_drop_output_stream(int32_t self);
P2_IMPORT("wasi:cli/exit@0.2.3", "exit") void p2_exit(int32_t is_err);

static __attribute__((unused)) int32_t p2_stdout = -1;

/* Writes n bytes to stdout (traps when the stream fails). */
static __attribute__((unused)) void p2_write(const void *buf, size_t n)
{
    if (p2_stdout < 0)
        p2_stdout = p2_get_stdout();
    const uint8_t *p = buf;
    while (n > 0) {
        size_t k = n < 4096 ? n : 4096;
        uint32_t ret[3] __attribute__((aligned(4)));
        p2_blocking_write_and_flush(p2_stdout, p, k, ret);
        if ((uint8_t)ret[0] != 0)
            __builtin_trap();
        p += k;
        n -= k;
    }
}

static __attribute__((unused)) void p2_print(const char *s)
{
    p2_write(s, p2_strlen(s));
}

static __attribute__((unused)) void p2_print_u64(uint64_t v)
{
    char buf[21];
    int i = 20;
    buf[i] = 0;
    do
        buf[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    p2_print(&buf[i]);
}

#endif
