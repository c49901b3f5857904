/* cat_upper.c — the WASI guest of wasi_command.c (clang --target=wasm32-wasi):
 * reads /data/in.txt, writes it upper-cased to stdout and to /data/out.txt,
 * prints its arguments, and exits with the number of bytes read. */
#include <ctype.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        printf("arg %d: %s\n", i, argv[i]);
    FILE *in = fopen("/data/in.txt", "r");
    if (!in) {
        perror("/data/in.txt");
        return 100;
    }
    FILE *out = fopen("/data/out.txt", "w");
    if (!out) {
        perror("/data/out.txt");
        return 101;
    }
    int c, n = 0;
    while ((c = fgetc(in)) != EOF) {
        putchar(toupper(c));
        fputc(toupper(c), out);
        n++;
    }
    fclose(in);
    fclose(out);
    return n;
}
