/* fuzz_wit.c — a libFuzzer target for the `wit:` field parser
 * (host/abi/wit.c; `make fuzz` runs it).
 *
 * The input is split at its first NUL byte: the part before is the WIT
 * text, the part after (if any) the method name looked up; without one,
 * "run" and the name of the first declaration are looked up. Checked:
 * success fills a declaration whose name is the one asked for, whose
 * parameter count is within WIT_MAX_PARAMS and whose types are known;
 * failure always writes a message. Touches nothing but host/abi/wit.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/abi/wit.h"

static void check(const char *text, const char *method)
{
    wit_func f;
    char err[256];
    memset(&f, 0xAB, sizeof f);
    err[0] = '\0';
    if (host_wit_find(text, method, &f, err, sizeof err)) {
        if (strcmp(f.name, method) != 0 || f.nparams > WIT_MAX_PARAMS)
            abort();
        for (uint32_t i = 0; i < f.nparams; i++)
            if (f.params[i] > WIT_STRING || host_wit_type_name(f.params[i]) == NULL ||
                memchr(f.param_names[i], '\0', WIT_NAME_MAX) == NULL)
                abort();
        if (f.has_result && f.result > WIT_STRING)
            abort();
    } else if (err[0] == '\0' || memchr(err, '\0', sizeof err) == NULL) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    size_t tlen = strlen(text);
    if (tlen < size) {
        check(text, text + tlen + 1);
    } else {
        check(text, "run");
        /* the first declaration's name: letters, digits, '-' and '_' after "export"? */
        const char *p = text;
        while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
            p++;
        if (!strncmp(p, "export", 6) && (p[6] == ' ' || p[6] == '\t' || p[6] == '\n'))
            for (p += 6; *p == ' ' || *p == '\t' || *p == '\n'; p++)
                ;
        char name[WIT_NAME_MAX + 8];
        size_t n = 0;
        while (n < sizeof name - 1 && p[n] && p[n] != ':' && p[n] != ' ' && p[n] != '\n') {
            name[n] = p[n];
            n++;
        }
        name[n] = '\0';
        check(text, name);
    }
    free(text);
    return 0;
}
