/* test_cm_host_items.c — Check tests for what a host supplies to a
 * component beyond top-level functions (component/runtime.h, cm_host):
 * a nested instance of host functions ("host#nested"), a core module
 * (cm_host_module) checked against the import's core module type, and an
 * instance of another component instance tree by name (cm_host_instance:
 * its core modules, nested instances of them, its resource types by
 * identity; its functions refused).
 * Fixtures: tests/component/host_items.wat, module_provider.wat,
 * module_importer.wat, resource_importer.wat,
 * tests/wasm/cm_simple_module.wat. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/runtime.h"
#include "tests/test_util.h"

#ifndef TEST_BUILD_DIR
#define TEST_BUILD_DIR "build"
#endif

static cm_file *load_built(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, TEST_BUILD_DIR "/tests/component/%s.wasm", name);
    size_t n;
    uint8_t *bytes = test_fixture_bytes(path + strlen(TEST_BUILD_DIR "/tests/"), &n);
    vm_error err;
    cm_file *f = cm_decode(bytes, n, &err);
    ck_assert_msg(f != NULL, "%s: %s", path, err.message);
    free(bytes);
    return f;
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

static const cm_host_func nested_funcs[] = {
    { "host#nested", "return-four", return_const, (void *)4 },
};

static uint64_t call_u32(cm_instance *ci, const char *name)
{
    host_value r;
    char err[512] = "";
    ck_assert_msg(cm_invoke(ci, name, NULL, 0, &r, err, sizeof err), "%s: %s", name, err);
    ck_assert_int_eq(r.kind, HOST_VALUE_INT);
    uint64_t v = r.u;
    host_value_free(&r);
    return v;
}

/* Instantiates f strictly with host and expects a link error naming want. */
static void expect_link_error(const cm_file *f, const cm_host *host, const char *want)
{
    vm_error err;
    cm_instance *ci = cm_instantiate_flags(f, host, CM_LINK_STRICT, NULL, &err);
    ck_assert_msg(ci == NULL, "linked; expected \"%s\"", want);
    ck_assert_int_eq(err.kind, VM_ERR_LINK);
    ck_assert_msg(strstr(err.message, want) != NULL, "error \"%s\", want \"%s\"", err.message,
                  want);
}

START_TEST(nested_instance_and_core_module)
{
    cm_file *f = load_built("host_items");
    vm_module *simple = test_fixture_module("wasm/cm_simple_module.wasm");
    cm_host_module mods[] = { { "host", "simple-module", simple } };
    cm_host host = { .funcs = nested_funcs, .nfuncs = 1, .modules = mods, .nmodules = 1 };
    vm_error err;
    for (int i = 0; i < 2; i++) {   /* the module instantiated in each tree's store */
        cm_instance *ci = cm_instantiate_flags(f, &host, CM_LINK_STRICT, NULL, &err);
        ck_assert_msg(ci != NULL, "%s", err.message);
        ck_assert_uint_eq(call_u32(ci, "sum"), 101 + 100 + 4);
        cm_instance_free(ci);
    }
    /* without strict linking a missing nested function traps when called */
    cm_host no_four = { .modules = mods, .nmodules = 1 };
    cm_instance *ci = cm_instantiate(f, &no_four, NULL, &err);
    ck_assert_msg(ci != NULL, "%s", err.message);
    host_value r;
    char msg[512] = "";
    ck_assert(!cm_invoke(ci, "sum", NULL, 0, &r, msg, sizeof msg));
    ck_assert_msg(strstr(msg, "unresolved host import \"host#nested#return-four\"") != NULL, "%s",
                  msg);
    cm_instance_free(ci);
    cm_file_free(f);
    vm_module_free(simple);
}
END_TEST

START_TEST(missing_or_unfit_items_do_not_link)
{
    cm_file *f = load_built("host_items");
    vm_module *simple = test_fixture_module("wasm/cm_simple_module.wasm");
    vm_module *other = test_fixture_module("wasm/memory_pool.wasm");
    cm_host_module good[] = { { "host", "simple-module", simple } };
    cm_host_module unfit[] = { { "host", "simple-module", other } };
    cm_host_module elsewhere[] = { { "other", "simple-module", simple } };
    cm_host h1 = { .funcs = nested_funcs, .nfuncs = 1 };
    expect_link_error(f, &h1, "import \"host\": export \"simple-module\" was not found");
    cm_host h2 = { .funcs = nested_funcs, .nfuncs = 1, .modules = unfit, .nmodules = 1 };
    expect_link_error(f, &h2, "core module \"simple-module\": export \"f\" (core func) is missing");
    cm_host h3 = { .funcs = nested_funcs, .nfuncs = 1, .modules = elsewhere, .nmodules = 1 };
    expect_link_error(f, &h3, "export \"simple-module\" was not found");
    cm_host h4 = { .modules = good, .nmodules = 1 };
    expect_link_error(f, &h4, "import \"host#nested\": export \"return-four\" was not found");
    cm_file_free(f);
    vm_module_free(simple);
    vm_module_free(other);
}
END_TEST

START_TEST(instance_of_another_tree)
{
    cm_file *pf = load_built("module_provider");
    cm_file *f = load_built("module_importer");
    vm_error err;
    cm_instance *provider = cm_instantiate(pf, NULL, NULL, &err);
    ck_assert_msg(provider != NULL, "%s", err.message);
    cm_host_instance named[] = { { "provider", provider } };
    cm_host host = { .instances = named, .ninstances = 1 };
    cm_instance *ci = cm_instantiate_flags(f, &host, CM_LINK_STRICT, NULL, &err);
    ck_assert_msg(ci != NULL, "%s", err.message);
    ck_assert_uint_eq(call_u32(ci, "run"), 101 + 100);
    cm_instance_free(ci);
    /* no such instance; a function of another tree */
    expect_link_error(f, &(cm_host){ 0 }, "import \"provider\": export \"simple-module\" was not found");
    cm_file *hf = load_built("host_items");
    cm_host_instance as_host[] = { { "host", provider } };
    cm_host h2 = { .instances = as_host, .ninstances = 1 };
    expect_link_error(hf, &h2, "import \"host#nested\": export \"return-four\": a function of another "
                               "component instance tree cannot be imported");
    cm_file_free(hf);
    cm_instance_free(provider);
    cm_file_free(f);
    cm_file_free(pf);
}
END_TEST

START_TEST(resource_types_of_other_trees)
{
    cm_file *pf = load_built("module_provider");
    cm_file *f = load_built("resource_importer");
    vm_error err;
    cm_instance *p1 = cm_instantiate(pf, NULL, NULL, &err);
    cm_instance *p2 = cm_instantiate(pf, NULL, NULL, &err);
    ck_assert(p1 != NULL && p2 != NULL);
    cm_host_instance same[] = { { "a", p1 }, { "b", p1 } };
    cm_host h1 = { .instances = same, .ninstances = 2 };
    cm_instance *ci = cm_instantiate_flags(f, &h1, CM_LINK_STRICT, NULL, &err);
    ck_assert_msg(ci != NULL, "%s", err.message);
    cm_instance_free(ci);
    cm_host_instance two[] = { { "a", p1 }, { "b", p2 } };
    cm_host h2 = { .instances = two, .ninstances = 2 };
    expect_link_error(f, &h2, "import \"b\": export \"r\": mismatched resource types");
    /* an instance without r (module_importer's: it exports run) */
    cm_file *mf = load_built("module_importer");
    cm_host_instance prov[] = { { "provider", p1 } };
    cm_instance *no_r = cm_instantiate(mf, &(cm_host){ .instances = prov, .ninstances = 1 }, NULL,
                                       &err);
    ck_assert_msg(no_r != NULL, "%s", err.message);
    cm_host_instance without[] = { { "a", p1 }, { "b", no_r } };
    cm_host h3 = { .instances = without, .ninstances = 2 };
    expect_link_error(f, &h3, "import \"b\": export \"r\" was not found");
    cm_instance_free(no_r);
    cm_file_free(mf);
    cm_instance_free(p1);
    cm_instance_free(p2);
    cm_file_free(f);
    cm_file_free(pf);
}
END_TEST

Suite *cm_host_items_suite(void)
{
    Suite *s = suite_create("cm_host_items");
    TCase *tc = tcase_create("cm_host_items");
    tcase_add_test(tc, nested_instance_and_core_module);
    tcase_add_test(tc, missing_or_unfit_items_do_not_link);
    tcase_add_test(tc, instance_of_another_tree);
    tcase_add_test(tc, resource_types_of_other_trees);
    suite_add_tcase(s, tc);
    return s;
}
