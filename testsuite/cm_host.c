/* cm_host.c — the host items wasmtime's wast runner gives its component
 * scripts (crates/wast/src/spectest.rs, link_component_spectest), in C:
 *
 *   host-return-two: func() -> u32                 a top-level function: 2
 *   host: instance
 *     return-three: func() -> u32                  3
 *     nested: instance { return-four: func() -> u32 }   4
 *     simple-module: core module                   (global "g" i32 100) (func "f" -> 101)
 *     resource1, resource2, resource1-again        host resources
 *     [constructor]resource1(rep: u32) -> own<resource1>
 *     [static]resource1.assert(r: own<resource1>, rep: u32)
 *     [static]resource1.last-drop() -> u32, [static]resource1.drops() -> u32
 *     [method]resource1.simple(self: borrow, rep: u32)
 *     [method]resource1.take-borrow(self, b: borrow), [method]resource1.take-own(self, b: own)
 *
 * The functions are cm_host_func entries under the interface name "host"
 * (and NULL for host-return-two). The nested instance, the core module and
 * the destructor counts are what cm_host cannot express yet: a component
 * importing them is skipped or fails to link (cm_script.c says which). */
#include "testsuite/cm_runner.h"

#include <stdio.h>
#include <string.h>

static cm_instance *current;   /* the instance a call runs in (for handles) */

void cm_spectest_set_instance(cm_instance *ci)
{
    current = ci;
}

static bool return_const(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    (void)args;
    (void)nargs;
    (void)err;
    (void)errlen;
    *result = host_uint((uint64_t)(uintptr_t)user);
    return true;
}

static bool resource1_new(void *user, const host_value *args, size_t nargs, host_value *result,
                          char *err, size_t errlen)
{
    (void)user;
    if (nargs != 1 || args[0].kind != HOST_VALUE_INT || current == NULL) {
        snprintf(err, errlen, "[constructor]resource1: bad arguments");
        return false;
    }
    int64_t h = cm_host_resource_new(current, (uint32_t)args[0].u);
    if (h < 0) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    *result = host_int(h);
    return true;
}

/* The rep checks: a borrow reaches the host as the rep (runtime.h). */
static bool resource1_check(void *user, const host_value *args, size_t nargs, host_value *result,
                            char *err, size_t errlen)
{
    (void)user;
    *result = host_nil();
    if (nargs == 2 && args[0].kind == HOST_VALUE_INT && args[1].kind == HOST_VALUE_INT &&
        args[0].u != args[1].u) {
        snprintf(err, errlen, "resource1: rep %llu, expected %llu",
                 (unsigned long long)args[0].u, (unsigned long long)args[1].u);
        return false;
    }
    return true;
}

static bool nothing(void *user, const host_value *args, size_t nargs, host_value *result,
                    char *err, size_t errlen)
{
    (void)user;
    (void)args;
    (void)nargs;
    (void)err;
    (void)errlen;
    *result = host_nil();
    return true;
}

static const cm_host_func funcs[] = {
    { NULL, "host-return-two", return_const, (void *)2 },
    { "host", "return-three", return_const, (void *)3 },
    { "host", "[constructor]resource1", resource1_new, NULL },
    { "host", "[method]resource1.simple", resource1_check, NULL },
    { "host", "[method]resource1.take-borrow", nothing, NULL },
    { "host", "[method]resource1.take-own", nothing, NULL },
};

static const cm_host host = { funcs, sizeof funcs / sizeof funcs[0] };

const cm_host *cm_spectest_host(void)
{
    return &host;
}
