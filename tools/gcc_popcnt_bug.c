/* gcc_popcnt_bug.c — shows the GCC 12 miscompilation behind
 * vm_i8x16_popcnt's shift-and-mask form (doc/engine.md, "Linear memory"):
 * a byte loop of __builtin_popcount, vectorized at -O2 on a host without
 * a vector unit, counts each 8-byte half as one 64-bit word. Exits 1 when
 * the compiler got it wrong. Not part of the build; run it by hand:
 *
 *   s390x-linux-gnu-gcc -O2 -static tools/gcc_popcnt_bug.c -o /tmp/p && qemu-s390x-static /tmp/p
 *   gcc -O2 -mgeneral-regs-only -mpopcnt tools/gcc_popcnt_bug.c -o /tmp/p && /tmp/p
 *
 * Both print 0800000000000000 4000000000000000 (or its byte mirror) with
 * GCC 12.2; -O1, -fno-tree-vectorize or -march=z13 print the right counts.
 * It copies the interpreter's path: two 64-bit slots to 16 little-endian
 * bytes, a count per byte, back to two slots. */
#include <stdint.h>
#include <stdio.h>

typedef struct {
    uint8_t bytes[16];
} v128;

static void put_le64(uint8_t *p, uint64_t x)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(x >> (8 * i));
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x |= (uint64_t)p[i] << (8 * i);
    return x;
}

__attribute__((noinline)) static void popcnt_i8x16(uint64_t *slot)
{
    v128 a, r;
    put_le64(a.bytes, slot[0]);
    put_le64(a.bytes + 8, slot[1]);
    for (unsigned i = 0; i < 16; i++)
        r.bytes[i] = (uint8_t)__builtin_popcount(a.bytes[i]);
    slot[0] = le64(r.bytes);
    slot[1] = le64(r.bytes + 8);
}

int main(void)
{
    uint64_t s[2] = { UINT64_C(0x0101010101010101), ~UINT64_C(0) };
    popcnt_i8x16(s);
    printf("%016llx %016llx (right: 0101010101010101 0808080808080808)\n", (unsigned long long)s[0],
           (unsigned long long)s[1]);
    return s[0] == UINT64_C(0x0101010101010101) && s[1] == UINT64_C(0x0808080808080808) ? 0 : 1;
}
