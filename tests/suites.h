/* suites.h — the list of Check suites the unit-test runner executes.
 * One line per tests/<name>.c, which defines Suite *<name>_suite(void). */
#define TEST_SUITES(X) \
    X(sha256)          \
    X(config)          \
    X(cli)             \
    X(confined_open)   \
    X(json)            \
    X(numeric)         \
    X(simd)            \
    X(simd_vm)         \
    X(simd_program)    \
    X(vm)              \
    X(fuse)            \
    X(fuzz_diff)       \
    X(decode)          \
    X(component)       \
    X(cm_abi)          \
    X(cm_runtime)      \
    X(cm_fixtures)     \
    X(cm_resources)    \
    X(features)        \
    X(multi_memory)    \
    X(tail_call)       \
    X(abi)             \
    X(wasi)            \
    X(wasi_sandbox)    \
    X(wasi_suspend)    \
    X(wasi_p2)         \
    X(values)          \
    X(host)            \
    X(host_control)    \
    X(host_run)        \
    X(host_sleep)      \
    X(host_component)  \
    X(host_cm_sleep)   \
    X(supervisor)      \
    X(cli_run)         \
    X(lua)             \
    X(lua_control)     \
    X(lua_values)
