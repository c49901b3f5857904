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
 * (and NULL for host-return-two), the nested instance's under
 * "host#nested"; simple-module is a cm_host_module, assembled here from
 * its bytes (below) the first time the host is asked for. The destructor
 * counts are what this host does not keep yet. */
#include "testsuite/cm_runner.h"

#include <stdio.h>
#include <stdlib.h>
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
    { "host#nested", "return-four", return_const, (void *)4 },
    { "host", "[constructor]resource1", resource1_new, NULL },
    { "host", "[method]resource1.simple", resource1_check, NULL },
    { "host", "[method]resource1.take-borrow", nothing, NULL },
    { "host", "[method]resource1.take-own", nothing, NULL },
};

/* simple-module: (module (global (export "g") i32 (i32.const 100))
 *                        (func (export "f") (result i32) (i32.const 101))) */
static const uint8_t simple_module[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,         /* \0asm, version 1 */
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,               /* type 0: [] -> [i32] */
    0x03, 0x02, 0x01, 0x00,                                 /* func 0: type 0 */
    0x06, 0x07, 0x01, 0x7f, 0x00, 0x41, 0xe4, 0x00, 0x0b,   /* global 0: i32 = 100 */
    0x07, 0x09, 0x02, 0x01, 'f', 0x00, 0x00,                /* export "f": func 0, */
    0x01, 'g', 0x03, 0x00,                                  /* "g": global 0 */
    0x0a, 0x07, 0x01, 0x05, 0x00, 0x41, 0xe5, 0x00, 0x0b,   /* code: i32.const 101 */
};

static cm_host_module modules[1];
static cm_host host = { .funcs = funcs, .nfuncs = sizeof funcs / sizeof funcs[0] };

const cm_host *cm_spectest_host(void)
{
    if (host.nmodules == 0) {
        vm_error err;
        vm_module *m = vm_module_load(simple_module, sizeof simple_module, &err);
        if (m == NULL) {
            fprintf(stderr, "cm-runner: simple-module: %s\n", err.message);
            exit(1);
        }
        modules[0] = (cm_host_module){ "host", "simple-module", m };
        host.modules = modules;
        host.nmodules = 1;
    }
    return &host;
}

void cm_spectest_host_free(void)
{
    if (host.nmodules != 0)
        vm_module_free((vm_module *)modules[0].module);
    host.nmodules = 0;
}
