/* test_simd.h — what the SIMD test files share: a case is one spec-test
 * fact (an instruction, its operands, its result) written the way the
 * .wast files write constants, run through the table of opcodes_simd.h
 * by test_simd.c. */
#ifndef TEST_SIMD_H
#define TEST_SIMD_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

#include "vm/simd_lanes.h"

/* Values are wast constants without the parentheses: a v128 as
 * "i8x16 1 -1 ...", "i16x8 ...", "i32x4 ...", "i64x2 ...", "f32x4 ...",
 * "f64x2 ...", a scalar as "i32 -5", "i64 0x10", "f32 -0x1p-149",
 * "f64 inf". Float lanes may be "nan", "-nan", "nan:0x200000"; an
 * expected lane may be "nan:canonical" or "nan:arithmetic".
 *
 * For a memory instruction, args[0] is the first 16 bytes of memory (any
 * v128 form); the access is at address 0 and may touch only its own
 * bytes. A store's expected value is those 16 bytes afterwards. Shuffle's
 * third operand is its 16 lane immediates ("i8x16 0 17 ..."). */
struct simd_case {
    const char *op;          /* the text name, then the lane immediate of a
                                lane instruction: "i8x16.extract_lane_s 15" */
    const char *args[3];     /* operands in stack order */
    const char *want;        /* the result */
};

#define SIMD_CASES_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Runs every case through both runners, reports each mismatch with the
 * case's operands, and fails the test when any case failed. */
void simd_check_cases(const struct simd_case *cases, size_t n);

/* Runs the instruction `name` (lane: its lane immediate, if has_lane) on
 * the operands in[] — as the engine builds simd.h (test_simd.c), and
 * with VM_SIMD_PORTABLE (test_simd_portable.c). See test_simd_run.h. */
bool simd_run_native(const char *name, bool has_lane, unsigned lane, const vm_v128 in[3], vm_v128 *out);
bool simd_run_portable(const char *name, bool has_lane, unsigned lane, const vm_v128 in[3], vm_v128 *out);

/* The case lists (test_simd_int.c, test_simd_float.c, test_simd_lanes.c). */
extern const struct simd_case simd_int_cases[];
extern const size_t simd_int_ncases;
extern const struct simd_case simd_float_cases[];
extern const size_t simd_float_ncases;
extern const struct simd_case simd_lane_cases[];
extern const size_t simd_lane_ncases;

#endif
