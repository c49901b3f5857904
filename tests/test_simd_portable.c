/* test_simd_portable.c — the SIMD instructions built with VM_SIMD_PORTABLE
 * (lanes assembled from bytes with shifts, the form every host can use),
 * so test_simd.c runs each case through this form as well as through the
 * one the engine is built with. No suite of its own. */
#define VM_SIMD_PORTABLE 1
#define SIMD_RUN_NAME simd_run_portable

#include "tests/test_simd.h"
#include "tests/test_simd_run.h"

#ifdef VM_SIMD_LE_MEMCPY
#error "VM_SIMD_PORTABLE did not select the portable lane accessors"
#endif
