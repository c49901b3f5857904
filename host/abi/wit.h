/* wit.h — the `wit:` field of a process.wasm entry (internal to host/).
 *
 * Wippy gives core modules their signatures as WIT text: a sequence of
 * function declarations
 *
 *     [export] NAME: func(PARAM: TYPE, ...) [-> TYPE];
 *
 * with whitespace and newlines anywhere, `//` line and block comments,
 * and names that are WIT identifiers (kebab-case: `sleep-ms`; `_` is
 * allowed too). This parser checks the syntax of every declaration, then
 * returns the one asked for. The types it can pass across the boundary are
 * the scalars and `string`; list, option, result, tuple and named types
 * parse (so other functions may use them) but are reported as unsupported
 * when the function asked for uses them.
 *
 * Depends on libc only; no allocation, no recursion. */
#ifndef WIPPY_HOST_WIT_H
#define WIPPY_HOST_WIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIT_MAX_PARAMS 16   /* parameters of one function */
#define WIT_NAME_MAX 64     /* bytes of a name, with its NUL */

typedef enum {
    WIT_BOOL,
    WIT_S8,
    WIT_S16,
    WIT_S32,
    WIT_S64,
    WIT_U8,
    WIT_U16,
    WIT_U32,
    WIT_U64,
    WIT_F32,                /* also spelled float32 */
    WIT_F64,                /* also spelled float64 */
    WIT_CHAR,               /* a Unicode scalar value */
    WIT_STRING              /* UTF-8 */
} wit_type;

/* One function declaration. */
typedef struct {
    char name[WIT_NAME_MAX];
    uint32_t nparams;
    wit_type params[WIT_MAX_PARAMS];
    char param_names[WIT_MAX_PARAMS][WIT_NAME_MAX];
    bool has_result;
    wit_type result;        /* when has_result */
} wit_func;

/* "bool", "s32", "f64", "string", ... (the canonical spelling). */
const char *host_wit_type_name(wit_type t);

/* Parses text and fills *out with the declaration of `method`. On failure
 * returns false with one of these messages in err:
 *   wit: line 2, column 14: expected ':'            (any syntax error)
 *   wit: line 3, column 1: function compute is declared twice
 *   wit: unsupported type list<u8> in compute: ...  (what is supported)
 *   function "compute" not found in wit
 * A syntax error anywhere in the text fails every lookup. */
bool host_wit_find(const char *text, const char *method, wit_func *out, char *err, size_t errlen);

#endif
