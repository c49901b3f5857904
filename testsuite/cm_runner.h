/* cm_runner.h — what the two files of cm-runner, the Component Model script
 * runner, share: cm_runner.c (main: options, the files, the per-file,
 * per-folder and per-suite lines, the table of skip reasons) and
 * cm_script.c (runs the commands of one converted script). Internal to
 * testsuite/; the scripts are cm_wast2json.mjs's output, whose header
 * comment is their format. */
#ifndef WIPPY_TESTSUITE_CM_RUNNER_H
#define WIPPY_TESTSUITE_CM_RUNNER_H

#include <stdbool.h>

#include "component/runtime.h"

typedef struct {
    unsigned long passed, failed, skipped;
} run_counts;

/* Counts one skipped command under `reason` in the table printed at the
 * end (reasons are compared as strings; keep offsets out of them). */
void skip_reason_count(const char *reason);

/* Runs every command of one converted script (.json) and adds to counts.
 * A file that cannot be read or parsed counts as one failure. With
 * verbose, prints each failure as "FILE:LINE: command: ..." and each skip
 * with its reason. */
void run_script(const char *json_path, bool verbose, run_counts *counts);

/* cm_host.c: the host instance wasmtime's wast runner provides
 * ("host", "host-return-two"), and the instance its calls run in;
 * cm_spectest_host_free() frees its core module at the end. */
const cm_host *cm_spectest_host(void);
void cm_spectest_host_free(void);
void cm_spectest_set_instance(cm_instance *ci);

#endif
