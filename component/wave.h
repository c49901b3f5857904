/* wave.h — WAVE, the Web Assembly Value Encoding (WebAssembly/component-
 * model design/mvp/WAVE.md): Component Model values as text, read and
 * written by type over host_value (the canonical ABI's mapping, see
 * doc/component-model.md). The CLI's `wasm call` parses its arguments and
 * prints results with it.
 *
 *   bool true, false          integers 42, -7          floats 1.5, nan, -inf
 *   char 'x', '\u{1f680}'     string "a\tb"            list [1, 2]
 *   tuple (1, "a")            record {name: "x", tag-count: 2}
 *   variant/enum case(payload), case, %keyword-case
 *   option some(x), none, or x flat     result ok(x), err(e), ok, or x flat
 *   flags {read, write}       own/borrow handles: their index as an integer
 *
 * Comments (`//` to the end of the line) and trailing commas are allowed;
 * record fields may come in any order and option fields may be left out.
 * Multiline strings are not read. Parsing and printing recurse over the
 * TYPE, never over the text: at most CM_WAVE_MAX_DEPTH levels (the
 * runtime refuses types nested deeper than 100 anyway). */
#ifndef WIPPY_COMPONENT_WAVE_H
#define WIPPY_COMPONENT_WAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "component/types.h"
#include "host/value.h"

#define CM_WAVE_MAX_DEPTH 128

/* Parses text (len bytes) as one value of `type`; trailing whitespace and
 * comments are allowed, anything else after the value is an error. False
 * with err: `expected u32, got "x"`, `unknown field "nme"; fields: name,
 * tag-count`, `300 is out of range for u8`, each with the column (1-based)
 * when the value is not the whole text. */
bool cm_wave_parse(const cm_types *t, cm_typeid type, const char *text, size_t len,
                   host_value *out, char *err, size_t errlen);

/* Writes v as WAVE text of `type` (no newline). A value that does not fit
 * the type (it cannot, coming from a lift) prints as `?`. False when the
 * writes fail. */
bool cm_wave_print(const cm_types *t, cm_typeid type, const host_value *v, FILE *out);

/* The type as WIT-like text into buf (truncated to fit), for messages. */
void cm_wave_type_name(const cm_types *t, cm_typeid type, char *buf, size_t len);

#endif
