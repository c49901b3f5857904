/* main.c — runs every Check suite listed in suites.h and exits non-zero
 * when any check fails; built with -DTEST_ENGINE_ONLY, the engine's
 * suites alone (ENGINE_TEST_SUITES, for `make cross-unit`). */
#include <check.h>
#include <stdlib.h>
#include "tests/suites.h"

#ifdef TEST_ENGINE_ONLY
#undef TEST_SUITES
#define TEST_SUITES ENGINE_TEST_SUITES
#endif

#define DECLARE_SUITE(name) Suite *name##_suite(void);
TEST_SUITES(DECLARE_SUITE)

int main(void)
{
    SRunner *runner = srunner_create(NULL);
#define ADD_SUITE(name) srunner_add_suite(runner, name##_suite());
    TEST_SUITES(ADD_SUITE)
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
