/* test_cm_util.c — the Component Model suites' shared helpers (see
 * test_cm_util.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testsuite/json.h"
#include "tests/test_cm_util.h"

uint8_t *test_cm_read(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = buf != NULL ? (size_t)n : 0;
    return buf;
}

cm_file *test_cm_load(const char *suite, const char *path)
{
    size_t size;
    uint8_t *bytes = test_cm_read(path, &size);
    if (bytes == NULL) {
        fprintf(stderr, "%s: %s not found, skipped\n", suite, path);
        return NULL;
    }
    vm_error err;
    cm_file *f = cm_decode(bytes, size, &err);
    free(bytes);
    ck_assert_msg(f != NULL, "%s: %s", path, err.message);
    return f;
}

/* The value of one parsed JSON value; recursion bounded by the test's own
 * texts. */
static host_value from_json(const json_value *v)
{
    switch (json_typeof(v)) {
    case JSON_FALSE: return host_bool(false);
    case JSON_TRUE: return host_bool(true);
    case JSON_STRING: return host_string(json_string(v), strlen(json_string(v)));
    case JSON_NUMBER: {
        const char *t = json_number(v);
        if (strpbrk(t, ".eE"))
            return host_float(strtod(t, NULL));
        if (t[0] != '-' && strtoull(t, NULL, 10) > INT64_MAX)
            return host_uint(strtoull(t, NULL, 10));
        return host_int(strtoll(t, NULL, 10));
    }
    case JSON_ARRAY: {
        host_value l = host_list(json_length(v));
        for (size_t i = 0; i < json_length(v); i++)
            ck_assert(host_list_push(&l, from_json(json_at(v, i)), NULL));
        return l;
    }
    case JSON_OBJECT: {
        host_value m = host_map();
        const char *key;
        for (size_t i = 0; i < json_length(v); i++) {
            const json_value *x = json_member(v, i, &key);
            ck_assert(host_map_set(&m, key, strlen(key), from_json(x), NULL));
        }
        return m;
    }
    default: return host_nil();
    }
}

host_value test_cm_value_of_json(const char *text)
{
    char err[256];
    json_doc *d = json_parse(text, strlen(text), err, sizeof err);
    ck_assert_msg(d != NULL, "%s: %s", text, err);
    host_value v = from_json(json_root(d));
    json_free(d);
    return v;
}

char *test_cm_json_of(const host_value *v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert(f != NULL);
    host_value_write_json(v, f);
    fclose(f);
    return buf;
}
