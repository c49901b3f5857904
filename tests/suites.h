/* suites.h — the list of Check suites the unit-test runner executes.
 * One line per tests/<name>.c, which defines Suite *<name>_suite(void). */
#define TEST_SUITES(X) \
    X(sha256)          \
    X(config)          \
    X(config_bad)      \
    X(cli)             \
    X(confined_open)   \
    X(netallow)        \
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
    X(cm_host_items)   \
    X(cm_park)         \
    X(features)        \
    X(multi_memory)    \
    X(memory_pool)     \
    X(tail_call)       \
    X(abi)             \
    X(wasi)            \
    X(wasi_sandbox)    \
    X(wasi_suspend)    \
    X(wasi_p2)         \
    X(wasi_p2_guests)  \
    X(wasi_p2_http)    \
    X(wasi_p2_http_net) \
    X(wasi_p2_serve)   \
    X(js_http)         \
    X(wasi_p2_fs)      \
    X(wasi_p2_sockets) \
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
    X(lua_values)      \
    X(lua_channels)

/* The engine's suites alone (vm/ only: no WASI, host, YAML, Lua or guest
 * built by clang): what `make cross-unit ARCH=...` (mk/cross.mk) runs on
 * another CPU under qemu-user, main.c built with -DTEST_ENGINE_ONLY. */
#define ENGINE_TEST_SUITES(X) \
    X(numeric)                \
    X(simd)                   \
    X(simd_vm)                \
    X(vm)                     \
    X(fuse)                   \
    X(decode)                 \
    X(features)               \
    X(multi_memory)           \
    X(memory_pool)            \
    X(tail_call)
