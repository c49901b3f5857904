/* file_processor.c — process() -> string: counts the lines and bytes of
 * every file in /input (a read-only mount) and writes a report to
 * /output/report.txt (a writable mount). Writing into /input is refused
 * by the sandbox; the report says so. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size)
{
    (void)old_size;
    (void)align;
    return realloc(old, new_size);
}

static struct {
    char *ptr;
    size_t len;
} result;

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

__attribute__((export_name("process")))
void *process(void)
{
    static char summary[256];
    char *names[64];
    int n = 0;
    DIR *d = opendir("/input");
    if (d == NULL) {
        result.len = (size_t)snprintf(summary, sizeof summary, "cannot open /input: %s", strerror(errno));
        result.ptr = summary;
        return &result;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL && n < 64;)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, compare_names);
    FILE *report = fopen("/output/report.txt", "w");
    long total_lines = 0, total_bytes = 0;
    for (int i = 0; i < n; i++) {
        char path[300];
        snprintf(path, sizeof path, "/input/%s", names[i]);
        FILE *f = fopen(path, "r");
        long lines = 0, bytes = 0;
        for (int c; f != NULL && (c = fgetc(f)) != EOF; bytes++)
            lines += c == '\n';
        if (f != NULL)
            fclose(f);
        if (report != NULL)
            fprintf(report, "%s: %ld lines, %ld bytes\n", names[i], lines, bytes);
        total_lines += lines;
        total_bytes += bytes;
        free(names[i]);
    }
    FILE *sneaky = fopen("/input/not-allowed.txt", "w");
    if (report != NULL) {
        fprintf(report, "writing into /input: %s\n", sneaky ? "allowed (!)" : strerror(errno));
        fclose(report);
    }
    if (sneaky != NULL)
        fclose(sneaky);
    result.len = (size_t)snprintf(summary, sizeof summary,
                                  "%d files, %ld lines, %ld bytes; report in /output/report.txt",
                                  n, total_lines, total_bytes);
    result.ptr = summary;
    return &result;
}
