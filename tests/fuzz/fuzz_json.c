/* fuzz_json.c — a libFuzzer target for the spec testsuite's JSON reader
 * (testsuite/json.c; `make fuzz` runs it).
 *
 * Each input is parsed as a document; a parsed one is walked completely
 * (no recursion: an explicit stack, as deep as JSON_MAX_DEPTH allows) and
 * every accessor's answers are checked against each other: a string's
 * length is where its NUL terminator is or beyond (strings may hold NUL),
 * a number's text is non-empty, every element and member up to
 * json_length is there and none beyond it. A failed parse must write a message. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testsuite/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    err[0] = '\0';
    json_doc *doc = json_parse((const char *)data, size, err, sizeof err);
    if (doc == NULL) {
        if (err[0] == '\0')
            abort();
        return 0;
    }
    size_t cap = 64, top = 0, visited = 0;
    const json_value **stack = malloc(cap * sizeof *stack);
    if (stack == NULL)
        abort();
    stack[top++] = json_root(doc);
    while (top > 0) {
        const json_value *v = stack[--top];
        visited++;
        switch (json_typeof(v)) {
        case JSON_STRING: {
            const char *s = json_string(v);
            size_t len = json_string_length(v);
            if (s == NULL || s[len] != '\0' || strlen(s) > len)
                abort();
            break;
        }
        case JSON_NUMBER:
            if (json_number(v) == NULL || json_number(v)[0] == '\0')
                abort();
            break;
        case JSON_ARRAY:
        case JSON_OBJECT: {
            size_t n = json_length(v);
            bool object = json_typeof(v) == JSON_OBJECT;
            if (json_at(v, n) != NULL || json_member(v, n, NULL) != NULL)
                abort();
            for (size_t i = 0; i < n; i++) {
                const char *key = NULL;
                const json_value *c = object ? json_member(v, i, &key) : json_at(v, i);
                if (c == NULL || (object && key == NULL))
                    abort();
                if (top == cap) {
                    cap *= 2;
                    stack = realloc(stack, cap * sizeof *stack);
                    if (stack == NULL)
                        abort();
                }
                stack[top++] = c;
            }
            break;
        }
        default:
            break;
        }
    }
    free(stack);
    if (visited == 0)
        abort();
    json_free(doc);
    return 0;
}
