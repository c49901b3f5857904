/* wasi_spin.c — computes: argv[1] rounds of a linear congruential
 * generator, printing the final value (the test computes it too). */
#include "guest.h"

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    unsigned long rounds = strtoul(argv[1], NULL, 10);
    uint32_t x = 1;
    for (unsigned long i = 0; i < rounds; i++)
        x = x * 1664525u + 1013904223u;
    printf("%u\n", (unsigned)x);
    return 0;
}
