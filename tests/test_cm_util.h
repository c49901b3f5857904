/* test_cm_util.h — what the Component Model suites share: a component of
 * the shared test data read and decoded, and host_values written as and
 * read from JSON text (how the suites state the values they expect and the
 * answers their test hosts give). Failures are Check assertions. */
#ifndef TEST_CM_UTIL_H
#define TEST_CM_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "component/component.h"
#include "host/value.h"

/* The shared components' folder (the Makefile passes it). */
#ifndef TEST_COMPONENTS_DIR
#define TEST_COMPONENTS_DIR "../shared/testsuite/components"
#endif

/* The bytes of the file at path (malloc'd, one spare byte at the end), or
 * NULL when it cannot be read; *size gets their count. */
uint8_t *test_cm_read(const char *path, size_t *size);

/* The component at path decoded and validated (a failure to decode fails
 * the test). NULL, with a line on stderr naming the suite and the path,
 * when the file is absent: the shared data is not there, and the caller
 * skips. */
cm_file *test_cm_load(const char *suite, const char *path);

/* JSON text as a host_value: objects as MAPs (in their order), arrays as
 * LISTs, numbers with a '.', 'e' or 'E' as FLOATs, others as INTs (unsigned
 * above INT64_MAX), null as NIL. */
host_value test_cm_value_of_json(const char *text);

/* A host_value as one line of JSON (host_value_write_json), malloc'd. */
char *test_cm_json_of(const host_value *v);

#endif
