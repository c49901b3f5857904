/* json.h — a small, strict JSON parser for the spec testsuite runner.
 *
 * Reads a whole document (RFC 8259: objects, arrays, strings with every
 * escape including \uXXXX surrogate pairs, numbers, true/false/null) into a
 * read-only tree. Strings are decoded to UTF-8 (they may hold NUL bytes, so
 * their length is kept); numbers are kept as the text they were written as,
 * the caller converts them. Nesting is limited to JSON_MAX_DEPTH and a file
 * to JSON_MAX_FILE_SIZE bytes. Everything of a document is freed at once by
 * json_free().
 *
 * All accessors accept NULL and answer "absent" (NULL, 0), so lookups chain:
 * json_string(json_get(cmd, "type")). Depends on libc only. */
#ifndef WIPPY_TESTSUITE_JSON_H
#define WIPPY_TESTSUITE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_DEPTH 256
#define JSON_MAX_FILE_SIZE ((size_t)256 << 20)

typedef enum {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
} json_type;

typedef struct json_value json_value;
typedef struct json_doc json_doc;

/* Parses len bytes of text. Returns NULL on any error and writes a message
 * such as "line 3, column 7: expected ',' or '}' in object" to err. */
json_doc *json_parse(const char *text, size_t len, char *err, size_t errlen);

/* Reads and parses a file; the message then starts with the path. */
json_doc *json_parse_file(const char *path, char *err, size_t errlen);

void json_free(json_doc *doc);

/* The top-level value. */
const json_value *json_root(const json_doc *doc);

json_type json_typeof(const json_value *v);   /* JSON_NULL for NULL */

/* An object's member by key (the first one when a key repeats), or NULL. */
const json_value *json_get(const json_value *obj, const char *key);

/* Elements of an array or members of an object; 0 for anything else. */
size_t json_length(const json_value *v);

/* Element i of an array, or NULL. */
const json_value *json_at(const json_value *arr, size_t i);

/* Member i of an object (its value), with its key in *key; NULL when out of range. */
const json_value *json_member(const json_value *obj, size_t i, const char **key);

/* A string's decoded UTF-8 bytes, NUL-terminated; NULL if not a string. */
const char *json_string(const json_value *v);
size_t json_string_length(const json_value *v);

/* A number's text exactly as written ("-1.5e3"); NULL if not a number. */
const char *json_number(const json_value *v);

#endif
