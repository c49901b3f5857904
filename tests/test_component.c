/* test_component.c — Check tests for the component decoder (component/):
 * every component of the shared test data decodes and validates, the
 * minimal component's dump, resource generativity (new resources for each
 * instance and each imported instance), the minimal component cut at every byte, and
 * hand-made malformed binaries (bad section id, index out of range, huge
 * vector count, nesting far past the limit, unsupported canon builtins).
 * The test data's folder is TEST_COMPONENTS_DIR (the Makefile's
 * COMPONENTS_DIR); tests that need it skip with a message when it is absent. */
#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/component.h"
#include "tests/test_cm_util.h"

/* ---- the shared test data ---- */

static int decode_folder(const char *sub, int *components)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", TEST_COMPONENTS_DIR, sub);
    DIR *dp = opendir(dir);
    if (dp == NULL)
        return -1;
    int failures = 0;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 5, ".wasm") != 0)
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t size;
        uint8_t *bytes = test_cm_read(path, &size);
        ck_assert_msg(bytes != NULL, "cannot read %s", path);
        vm_error err;
        if (cm_is_component(bytes, size)) {
            cm_file *f = cm_decode(bytes, size, &err);
            if (f == NULL) {
                fprintf(stderr, "%s: %s\n", path, err.message);
                failures++;
            }
            cm_file_free(f);
            (*components)++;
        } else {   /* the core modules among them go to vm as before */
            vm_module *m = vm_module_load(bytes, size, &err);
            if (m == NULL) {
                fprintf(stderr, "%s: %s\n", path, err.message);
                failures++;
            }
            vm_module_free(m);
        }
        free(bytes);
    }
    closedir(dp);
    return failures;
}

START_TEST(every_shared_component_validates)
{
    int components = 0;
    int wippy = decode_folder("wippy", &components);
    int jco = decode_folder("jco", &components);
    if (wippy < 0 || jco < 0) {
        fprintf(stderr, "component tests: %s not found, skipped\n", TEST_COMPONENTS_DIR);
        return;
    }
    ck_assert_int_eq(wippy, 0);
    ck_assert_int_eq(jco, 0);
    ck_assert_int_ge(components, 60);
}
END_TEST

/* ---- resource generativity (tests/component/generativity.wat) ---- */

/* The type of export `name` of instance type node `inst`. */
static cm_typeid export_type(const cm_types *t, cm_typeid inst, const char *name)
{
    const cm_type *n = cm_type_get(t, inst);
    for (uint32_t i = 0; i < n->nexports; i++)
        if (strcmp(n->exports[i].name, name) == 0)
            return n->exports[i].type;
    ck_abort_msg("no export %s", name);
    return CM_NO_TYPE;
}

/* The resource a function's first parameter (an own) or result is of. */
static cm_typeid handle_resource(const cm_types *t, cm_typeid func, bool result)
{
    const cm_type *f = cm_type_get(t, func);
    cm_typeid h = result ? f->elem : f->fields[0].type;
    ck_assert_int_eq(cm_type_get(t, h)->kind, CM_OWN);
    return cm_type_get(t, h)->elem;
}

START_TEST(resources_are_new_for_each_instance_and_import)
{
    size_t size;
    uint8_t *bytes = test_cm_read(TEST_BUILD_DIR "/tests/component/generativity.wasm", &size);
    ck_assert(bytes != NULL);
    vm_error err;
    cm_file *f = cm_decode(bytes, size, &err);
    free(bytes);
    ck_assert_msg(f != NULL, "%s", err.message);
    const cm_types *t = &f->types;
    /* The imports i1 and i2 and the instances of $C, in definition order. */
    cm_typeid imports[2], insts[2];
    int ni = 0, nc = 0;
    for (uint32_t i = 0; i < f->root->ndefs; i++) {
        const cm_def *d = &f->root->defs[i];
        if (d->kind == CM_DEF_IMPORT && d->sort == CM_SORT_INSTANCE && ni < 2)
            imports[ni++] = d->type;
        if (d->kind == CM_DEF_INSTANCE && d->sort == CM_SORT_INSTANCE && nc < 2)
            insts[nc++] = d->type;
    }
    ck_assert_int_eq(ni, 2);
    ck_assert_int_eq(nc, 2);
    for (int k = 0; k < 2; k++) {
        /* Within one instance its function uses its own resource. */
        cm_typeid ir = export_type(t, imports[k], "r"), cr = export_type(t, insts[k], "r");
        ck_assert_int_eq(cm_type_get(t, ir)->kind, CM_RESOURCE);
        ck_assert_int_eq(handle_resource(t, export_type(t, imports[k], "make"), true), ir);
        ck_assert_int_eq(cm_resource_root(t, handle_resource(t, export_type(t, insts[k], "f"), false)),
                         cm_resource_root(t, cr));
    }
    /* Across them the resources differ. */
    ck_assert_int_ne(export_type(t, imports[0], "r"), export_type(t, imports[1], "r"));
    ck_assert_int_ne(cm_resource_root(t, export_type(t, insts[0], "r")),
                     cm_resource_root(t, export_type(t, insts[1], "r")));
    cm_file_free(f);
}
END_TEST

static uint8_t *minimal(size_t *size)
{
    uint8_t *bytes = test_cm_read(TEST_COMPONENTS_DIR "/wippy/minimal_component.wasm", size);
    if (bytes == NULL)
        fprintf(stderr, "component tests: %s not found, skipped\n", TEST_COMPONENTS_DIR);
    return bytes;
}

START_TEST(minimal_component_dump)
{
    size_t size;
    uint8_t *bytes = minimal(&size);
    if (bytes == NULL)
        return;
    vm_error err;
    cm_file *f = cm_decode(bytes, size, &err);
    ck_assert_msg(f != NULL, "%s", err.message);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cm_dump(f, out);
    fclose(out);
    ck_assert_msg(strstr(text, "export compute: func(a: u32, b: u32) -> u32") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "import test:minimal/host@0.1.0: instance {") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "core module 0: ") != NULL, "%s", text);
    ck_assert_int_eq(f->ncore_modules, 1);
    ck_assert_int_eq(f->root->counts[CM_SORT_FUNC], 5);
    free(text);
    cm_file_free(f);
    free(bytes);
}
END_TEST

START_TEST(minimal_component_truncated_everywhere)
{
    size_t size;
    uint8_t *bytes = minimal(&size);
    if (bytes == NULL)
        return;
    /* A cut at the end of a top-level section leaves a valid component. */
    bool *boundary = calloc(size + 1, sizeof *boundary);
    for (size_t pos = 8; pos < size;) {
        boundary[pos] = true;
        size_t len = 0;
        unsigned shift = 0;
        for (pos++; bytes[pos] & 0x80; pos++, shift += 7)
            len |= (size_t)(bytes[pos] & 0x7f) << shift;
        len |= (size_t)bytes[pos++] << shift;
        pos += len;
    }
    boundary[8] = true;
    int valid = 0;
    for (size_t n = 0; n < size; n++) {
        uint8_t *copy = malloc(n ? n : 1);   /* exactly n bytes: ASan sees any overread */
        memcpy(copy, bytes, n);
        vm_error err;
        cm_file *f = cm_decode(copy, n, &err);
        if (boundary[n]) {
            ck_assert_msg(f != NULL, "cut at section boundary %zu: %s", n, err.message);
            cm_file_free(f);
            free(copy);
            valid++;
            continue;
        }
        ck_assert_msg(f == NULL, "cut at %zu decoded", n);
        ck_assert_msg(err.kind != VM_ERR_NONE && err.message[0] == '0', "cut at %zu: \"%s\"", n,
                      err.message);
        free(copy);
    }
    ck_assert_int_ge(valid, 5);
    free(boundary);
    free(bytes);
}
END_TEST

/* ---- hand-made binaries ---- */

#define PREAMBLE 0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00

static void expect_error(const uint8_t *bytes, size_t size, const char *message)
{
    vm_error err;
    cm_file *f = cm_decode(bytes, size, &err);
    ck_assert_msg(f == NULL, "decoded; expected \"%s\"", message);
    ck_assert_str_eq(err.message, message);
}

START_TEST(empty_component)
{
    static const uint8_t bytes[] = { PREAMBLE };
    vm_error err;
    cm_file *f = cm_decode(bytes, sizeof bytes, &err);
    ck_assert_msg(f != NULL, "%s", err.message);
    ck_assert_int_eq(f->root->ndefs, 0);
    cm_file_free(f);
}
END_TEST

/* A core functype as a gc subtype (0x00 0x50 non-final, 0x4f final) with
 * no supertypes decodes as that functype. */
START_TEST(core_subtype_functype)
{
    static const uint8_t bytes[] = {
        PREAMBLE, 0x03, 0x0e, 0x02,
        0x00, 0x50, 0x00, 0x60, 0x01, 0x7f, 0x00,   /* sub (func (param i32)) */
        0x4f, 0x00, 0x60, 0x00, 0x01, 0x7e,         /* sub final (func (result i64)) */
    };
    vm_error err;
    cm_file *f = cm_decode(bytes, sizeof bytes, &err);
    ck_assert_msg(f != NULL, "%s", err.message);
    ck_assert_int_eq(f->root->ndefs, 2);
    cm_file_free(f);
}
END_TEST

START_TEST(malformed_binaries)
{
    static const uint8_t bad_id[] = { PREAMBLE, 0x0f, 0x00 };
    expect_error(bad_id, sizeof bad_id, "0x8: expected component section id, got 0x0f");

    static const uint8_t bad_version[] = { 0x00, 0x61, 0x73, 0x6d, 0x0a, 0x00, 0x01, 0x00 };
    expect_error(bad_version, sizeof bad_version,
                 "0x4: unknown component binary version 0x0a 0x00 (expected 0x0d 0x00)");

    /* type section: (func) with a pre-0.2 named result list of 1 entry */
    static const uint8_t named_results[] = { PREAMBLE, 0x07, 0x06, 0x01, 0x40, 0x00, 0x01, 0x01, 0x00 };
    expect_error(named_results, sizeof named_results,
                 "0xe: expected 0x00 after result list 0x01 (named results are a pre-0.2 form), got 1");

    /* core type section: a gc subtype with a supertype */
    static const uint8_t super[] = { PREAMBLE, 0x03, 0x07, 0x01, 0x00, 0x50, 0x01, 0x00, 0x60, 0x00 };
    expect_error(super, sizeof super,
                 "0xb: core subtypes with supertypes need the gc proposal (not in this runtime)");

    /* alias func = export of instance 0 "a", with no instance defined */
    static const uint8_t out_of_range[] = { PREAMBLE, 0x06, 0x06, 0x01, 0x01, 0x00, 0x00, 0x01, 'a' };
    expect_error(out_of_range, sizeof out_of_range, "0xd: instance index 0 out of range (0 defined)");

    /* a type section claiming 2^32-1 types in 5 bytes */
    static const uint8_t huge[] = { PREAMBLE, 0x07, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f };
    expect_error(huge, sizeof huge, "0xa: length out of bounds");

    /* own of a type that is not a resource: (type u32) (type (own 0)) */
    static const uint8_t own_u32[] = { PREAMBLE, 0x07, 0x04, 0x02, 0x79, 0x69, 0x00 };
    expect_error(own_u32, sizeof own_u32, "0xd: type index 0 is not a resource type");

    /* a record with a duplicate label: (record (field "a" u32) (field "A" u32)) */
    static const uint8_t dup[] = { PREAMBLE, 0x07, 0x08, 0x01, 0x72, 0x02, 0x01, 'a', 0x79, 0x01, 'A', 0x79 };
    expect_error(dup, sizeof dup, "0x10: duplicate label \"A\"");

    /* canon 0x08 (backpressure.set): an async builtin */
    static const uint8_t async_canon[] = { PREAMBLE, 0x08, 0x02, 0x01, 0x08 };
    expect_error(async_canon, sizeof async_canon,
                 "0xb: canon 0x08 not supported (only lift, lower, resource.new/drop/rep; async, "
                 "stream, future, error-context, waitable and thread builtins are not)");

    static const uint8_t start[] = { PREAMBLE, 0x09, 0x00 };
    expect_error(start, sizeof start, "0x8: start section not supported");

    /* an import with a name that is not kebab-case */
    static const uint8_t bad_name[] = { PREAMBLE, 0x0a, 0x08, 0x01, 0x00, 0x03, 'a', '_', 'b', 0x03, 0x01 };
    expect_error(bad_name, sizeof bad_name,
                 "0xb: import name \"a_b\": not a kebab-case label or interface name");
}
END_TEST

/* Components nested `depth` deep, built from the inside out in one buffer. */
static uint8_t *nested_components(unsigned depth, size_t *size)
{
    size_t cap = (size_t)depth * 14 + 8;
    uint8_t *buf = malloc(cap);
    size_t start = cap - 8;
    memcpy(buf + start, (uint8_t[]){ PREAMBLE }, 8);
    for (unsigned i = 0; i < depth; i++) {
        size_t inner = cap - start;
        uint8_t leb[5];
        size_t n = 0;
        for (size_t v = inner;; ) {
            leb[n] = v & 0x7f;
            v >>= 7;
            if (v == 0) {
                n++;
                break;
            }
            leb[n++] |= 0x80;
        }
        start -= n;
        memcpy(buf + start, leb, n);
        buf[--start] = 0x04;
        start -= 8;
        memcpy(buf + start, (uint8_t[]){ PREAMBLE }, 8);
    }
    *size = cap - start;
    memmove(buf, buf + start, *size);
    return buf;
}

START_TEST(deep_nesting)
{
    size_t size;
    uint8_t *bytes = nested_components(900, &size);
    vm_error err;
    cm_file *f = cm_decode(bytes, size, &err);
    ck_assert_msg(f != NULL, "%s", err.message);
    ck_assert_int_eq(f->ncomponents, 901);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cm_dump(f, out);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(text, "component 0 {"));
    free(text);
    cm_file_free(f);
    free(bytes);

    bytes = nested_components(100000, &size);
    f = cm_decode(bytes, size, &err);
    ck_assert_ptr_null(f);
    ck_assert_msg(strstr(err.message, "components and types nested deeper than 1000") != NULL, "%s",
                  err.message);
    free(bytes);

    /* instance types nested 100,000 deep in one type section:
     * 0x42 0x01 (one decl) 0x01 (a type) 0x42 ... 0x42 0x00 */
    unsigned depth = 100000;
    size_t body = (size_t)depth * 3 + 2 + 1;
    size = 8 + 1 + 5 + body;
    bytes = malloc(size);
    size_t p = 0;
    memcpy(bytes, (uint8_t[]){ PREAMBLE }, 8);
    p = 8;
    bytes[p++] = 0x07;
    for (size_t v = body, i = 0; i < 5; i++, v >>= 7)   /* padded 5-byte size */
        bytes[p++] = (uint8_t)((v & 0x7f) | (i < 4 ? 0x80 : 0));
    bytes[p++] = 0x01;
    for (unsigned i = 0; i < depth; i++) {
        bytes[p++] = 0x42;
        bytes[p++] = 0x01;
        bytes[p++] = 0x01;
    }
    bytes[p++] = 0x42;
    bytes[p++] = 0x00;
    f = cm_decode(bytes, p, &err);
    ck_assert_ptr_null(f);
    ck_assert_msg(strstr(err.message, "components and types nested deeper than 1000") != NULL, "%s",
                  err.message);
    free(bytes);
}
END_TEST

Suite *component_suite(void)
{
    Suite *s = suite_create("component");
    TCase *tc = tcase_create("decode");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_shared_component_validates);
    tcase_add_test(tc, resources_are_new_for_each_instance_and_import);
    tcase_add_test(tc, minimal_component_dump);
    tcase_add_test(tc, minimal_component_truncated_everywhere);
    tcase_add_test(tc, empty_component);
    tcase_add_test(tc, malformed_binaries);
    tcase_add_test(tc, core_subtype_functype);
    tcase_add_test(tc, deep_nesting);
    suite_add_tcase(s, tc);
    return s;
}
