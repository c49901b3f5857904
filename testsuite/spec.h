/* spec.h — the pieces of the spec testsuite runner (spec-runner), shared
 * between its files:
 *   json.c          the JSON parser (json.h)
 *   spec_values.c   wast2json values (arguments, expected results) ↔ vm_value
 *   spectest_host.c the "spectest" host module
 *   spec_script.c   runs the commands of one wast2json .json file, with
 *   spec_modules.c  its modules and spec_action.c its invoke/get actions
 *                   (spec_script.h holds what those three share)
 *   spec_runner.c   main(): the options (features), the files, the per-file
 *                   lines, the totals
 * json.c and spec_values.c make no engine calls (spec_values.c uses vm/vm.h
 * for its types alone), so the unit tests link them without the engine. */
#ifndef WIPPY_TESTSUITE_SPEC_H
#define WIPPY_TESTSUITE_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "testsuite/json.h"
#include "vm/vm.h"

/* ---- values (spec_values.c) ---- */

/* How the lanes of a v128 are written in the JSON ("lane_type"). */
typedef enum {
    SPEC_LANES_NONE = 0,   /* not a v128 */
    SPEC_LANES_I8,
    SPEC_LANES_I16,
    SPEC_LANES_I32,
    SPEC_LANES_I64,
    SPEC_LANES_F32,
    SPEC_LANES_F64
} spec_lanes;

/* How one scalar, or one lane of a v128, is compared. */
typedef enum {
    SPEC_MATCH_EXACT = 0,      /* the same bits (floats compare bit patterns) */
    SPEC_MATCH_NAN_CANONICAL,  /* "nan:canonical" */
    SPEC_MATCH_NAN_ARITHMETIC, /* "nan:arithmetic" */
    SPEC_MATCH_NONNULL         /* a funcref given as a number: any non-null funcref */
} spec_match;

/* A value from the JSON: an argument (always EXACT) or an expected result. */
typedef struct {
    vm_value value;            /* its type and bits */
    spec_lanes lanes;          /* v128 only */
    spec_match match[16];      /* match[0] for a scalar; one per lane for a v128 */
} spec_value;

/* Externref N of the scripts is this host pointer (never NULL). */
void *spec_externref(uint64_t n);

/* Reads {"type": ..., "value": ...} (v128: also "lane_type", and "value" an
 * array of lane strings). With expected false the NaN patterns and non-null
 * funcrefs are refused, as they cannot be arguments. On error writes why. */
bool spec_value_parse(const json_value *j, bool expected, spec_value *out, char *err,
                      size_t errlen);

/* Does a result match the expectation (type included)? */
bool spec_value_matches(const spec_value *expected, const vm_value *got);

/* Canonical NaN: only the quiet bit of the payload set, either sign.
 * Arithmetic NaN: the quiet bit set, any sign and payload. */
bool spec_f32_is_canonical_nan(uint32_t bits);
bool spec_f32_is_arithmetic_nan(uint32_t bits);
bool spec_f64_is_canonical_nan(uint64_t bits);
bool spec_f64_is_arithmetic_nan(uint64_t bits);

/* Text for messages: "i32:42", "f32:0x3f800000 (1)", "v128:i32x4 1 2 3 4",
 * "externref:7", "funcref:null", "f64:nan:canonical". A v128 result is shown
 * in the lanes given (SPEC_LANES_NONE: i32 lanes in hex). */
void spec_value_format(const vm_value *v, spec_lanes lanes, char *buf, size_t size);
void spec_expected_format(const spec_value *e, char *buf, size_t size);

/* ---- the spectest host module (spectest_host.c) ---- */

/* Makes the spectest functions, globals, table and memory in s and
 * defines them in l under "spectest". False (with a message) on failure. */
bool spectest_define(vm_store *s, vm_linker *l, char *err, size_t errlen);

/* ---- one script (spec_script.c) ---- */

typedef struct {
    unsigned long passed, failed, skipped;
} spec_counts;

/* Runs every command of one wast2json .json file in a store of its own and
 * adds to counts. Modules are loaded with the given VM_FEATURE_* bits (0:
 * Wasm 2.0 core). A file that cannot be read or parsed counts as one
 * failure. With verbose, prints each failure as "FILE:LINE: command: ...". */
void spec_script_run(const char *json_path, bool verbose, unsigned features,
                     spec_counts *counts);

#endif
