/* cli_hello.c — a WASI command for the `wippy wasm run` tests. It prints
 * "hello", its arguments and its environment, then acts on argv[1]:
 *   N          exit with status N (no argument: 0)
 *   trap       execute `unreachable`
 *   spin       loop forever (for --fuel)
 *   alloc N    allocate N MiB; exit 3 when that fails (for --max-memory)
 *   cat PATH   print a file's contents; exit 4 when it cannot be read
 *   write PATH write "written\n" to a file; exit 5 when that fails */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cat(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 4;
    char buf[256];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, stdout);
    fclose(f);
    return 0;
}

static int write_file(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return 5;
    int ok = fputs("written\n", f) >= 0;
    return fclose(f) == 0 && ok ? 0 : 5;
}

int main(int argc, char **argv)
{
    printf("hello\n");
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    for (char **e = environ; *e != NULL; e++)
        printf("env %s\n", *e);
    fflush(stdout);
    const char *mode = argc > 1 ? argv[1] : "0";
    if (!strcmp(mode, "trap"))
        __builtin_trap();
    if (!strcmp(mode, "spin")) {
        volatile unsigned n = 0;
        for (;;)
            n++;
    }
    if (!strcmp(mode, "alloc") && argc > 2) {
        static char *volatile kept;   /* so the compiler keeps the allocation */
        size_t size = (size_t)atoi(argv[2]) << 20;
        kept = malloc(size);
        if (kept == NULL)
            return 3;
        memset(kept, 1, size);
        free(kept);
        return 0;
    }
    if (!strcmp(mode, "cat") && argc > 2)
        return cat(argv[2]);
    if (!strcmp(mode, "write") && argc > 2)
        return write_file(argv[2]);
    return atoi(mode);
}
