/* hello.c — the smallest C guest calling WASI 0.2 directly: prints a line
 * and its arguments' count through wasi:cli/stdout, then returns ok (or
 * err when given the argument "fail"). */
#include "guest_p2.h"

P2_IMPORT("wasi:cli/environment@0.2.3", "get-arguments") void p2_get_arguments(void *ret);

P2_RUN
{
    struct { const char *ptr; uint32_t len; } *argv;
    uint32_t ret[2];
    p2_get_arguments(ret);
    argv = (void *)(size_t)ret[0];
    p2_print("hello from a C guest, ");
    p2_print_u64(ret[1]);
    p2_print(" arguments\n");
    for (uint32_t i = 1; i < ret[1]; i++)
        if (p2_streq(argv[i].ptr, argv[i].len, "fail"))
            return 1;
    return 0;
}
