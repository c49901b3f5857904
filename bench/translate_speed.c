/* translate_speed.c — how fast modules are loaded: decode, validate and
 * translate (vm_module_load), in memory, no I/O timed.
 * `translate_speed FILE.wasm...` prints one line per module — its code
 * section's size, the best of RUNS loads, MB/s of code section (MB = 10^6
 * bytes) — and the total over all of them. A figure only, never asserted
 * (`make bench-translate`). */
#include "host/cli/cli.h"
#include "vm/vm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 5

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t read_leb(const uint8_t *bytes, size_t size, size_t *at)
{
    uint32_t v = 0;
    for (unsigned shift = 0; *at < size && shift < 35; shift += 7) {
        uint8_t b = bytes[(*at)++];
        v |= (uint32_t)(b & 0x7f) << shift;
        if (b < 0x80)
            break;
    }
    return v;
}

/* The code section's size (section id 10), 0 if none. The module is one
 * vm_module_load accepted, so its section headers are well formed. */
static size_t code_section_size(const uint8_t *bytes, size_t size)
{
    size_t at = 8;
    while (at < size) {
        uint8_t id = bytes[at++];
        size_t len = read_leb(bytes, size, &at);
        if (id == 10)
            return len;
        at += len;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: translate_speed FILE.wasm...\n");
        return 2;
    }
    size_t total_code = 0;
    double total_seconds = 0;
    for (int i = 1; i < argc; i++) {
        size_t size;
        uint8_t *bytes = wippy_read_file(argv[i], &size);
        if (bytes == NULL) {
            fprintf(stderr, "translate_speed: cannot read %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        double best = 0;
        for (int run = 0; run < RUNS; run++) {
            vm_error err;
            double start = now_seconds();
            vm_module *m = vm_module_load(bytes, size, &err);
            double took = now_seconds() - start;
            if (m == NULL) {
                fprintf(stderr, "translate_speed: %s: %s\n", argv[i], err.message);
                return 1;
            }
            vm_module_free(m);
            if (run == 0 || took < best)
                best = took;
        }
        size_t code = code_section_size(bytes, size);
        printf("%-40s %9zu bytes of code %8.2f ms %7.1f MB/s\n", argv[i], code, best * 1e3,
               (double)code / best / 1e6);
        total_code += code;
        total_seconds += best;
        free(bytes);
    }
    printf("total: %zu bytes of code in %.2f ms: %.1f MB/s\n", total_code, total_seconds * 1e3,
           (double)total_code / total_seconds / 1e6);
    return 0;
}
