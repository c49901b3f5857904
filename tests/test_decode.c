/* test_decode.c — Check tests for the binary decoder (vm_decode): a module
 * built from tests/wasm/decode_all_sections.wat that uses every section,
 * checked field by field; every truncation of it; hand-written malformed
 * modules with their exact messages; constant expressions; the lenient
 * name section; custom sections. The reader's own tests are in
 * test_decode_reader.c and run in the same suite. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test_util.h"
#include "vm/code.h"
#include "vm/module.h"

TCase *decode_reader_tcase(void);

/* The validator's translated code is not made by the decoder: until the
 * library has the real vm_code_free (translate.c), this one links. */
__attribute__((weak)) void vm_code_free(vm_code *c)
{
    (void)c;
}

/* ---- helpers ---- */

static vm_module *decode_ok(const uint8_t *bytes, size_t size)
{
    vm_error err;
    vm_module *m = vm_decode(bytes, size, &err);
    ck_assert_msg(m != NULL, "decode failed: %s", err.message);
    ck_assert_int_eq(err.kind, VM_ERR_NONE);
    return m;
}

/* The bytes of a constant expression (without its `end`). */
static const uint8_t *expr_bytes(const vm_module *m, const vm_expr *e)
{
    ck_assert_int_eq(e->form, VM_EXPR_BYTES);
    ck_assert_uint_le((size_t)e->offset + e->length, m->size);
    return m->bytes + e->offset;
}

/* ---- the module using every section ---- */

static void check_types_and_imports(const vm_module *m)
{
    ck_assert_uint_eq(m->ntypes, 3);
    const vm_functype *t = &m->types[0];
    ck_assert_uint_eq(t->nparams, 2);
    ck_assert_uint_eq(t->nresults, 1);
    ck_assert_int_eq(t->params[0], VM_I32);
    ck_assert_int_eq(t->params[1], VM_I64);
    ck_assert_int_eq(t->results[0], VM_F32);
    ck_assert_uint_eq(m->types[1].nparams + m->types[1].nresults, 0);
    ck_assert_uint_eq(m->types[2].nresults, 2);
    ck_assert_int_eq(m->types[2].results[1], VM_I64);
    ck_assert(m->types[0].hash != m->types[1].hash);

    ck_assert_uint_eq(m->nimports, 4);
    for (uint32_t i = 0; i < 4; i++) {
        ck_assert_str_eq(m->imports[i].module, "env");
        ck_assert_uint_eq(m->imports[i].module_len, 3);
    }
    ck_assert_str_eq(m->imports[0].name, "f");
    ck_assert_int_eq(m->imports[0].kind, VM_EXTERN_FUNC);
    ck_assert_uint_eq(m->imports[0].as.type_index, 0);
    ck_assert_str_eq(m->imports[1].name, "tab");
    ck_assert_int_eq(m->imports[1].kind, VM_EXTERN_TABLE);
    ck_assert_int_eq(m->imports[1].as.table.elem, VM_FUNCREF);
    ck_assert_uint_eq(m->imports[1].as.table.limits.min, 2);
    ck_assert(m->imports[1].as.table.limits.has_max);
    ck_assert_uint_eq(m->imports[1].as.table.limits.max, 10);
    ck_assert_int_eq(m->imports[2].kind, VM_EXTERN_MEMORY);
    ck_assert_uint_eq(m->imports[2].as.memory.limits.min, 1);
    ck_assert_uint_eq(m->imports[2].as.memory.limits.max, 2);
    ck_assert_int_eq(m->imports[3].kind, VM_EXTERN_GLOBAL);
    ck_assert_int_eq(m->imports[3].as.global.type, VM_I32);
    ck_assert(m->imports[3].as.global.mutable_);
    ck_assert_uint_eq(m->nimported_funcs, 1);
    ck_assert_uint_eq(m->nimported_tables, 1);
    ck_assert_uint_eq(m->nimported_memories, 1);
    ck_assert_uint_eq(m->nimported_globals, 1);
}

static void check_index_spaces(const vm_module *m)
{
    static const uint32_t func_type[] = { 0, 0, 1, 2, 1 };
    ck_assert_uint_eq(m->nfuncs, 5);
    for (uint32_t i = 0; i < 5; i++)
        ck_assert_uint_eq(m->func_type[i], func_type[i]);
    const vm_func_def *add = &m->funcs[0];
    ck_assert_uint_eq(add->type_index, 0);
    ck_assert_uint_eq(add->nlocals, 3);
    ck_assert_int_eq(add->local_types[0], VM_F64);
    ck_assert_int_eq(add->local_types[1], VM_F64);
    ck_assert_int_eq(add->local_types[2], VM_I32);
    for (uint32_t i = 0; i < 4; i++) {
        const vm_func_def *f = &m->funcs[i];
        ck_assert_uint_lt(f->code_offset, f->body_offset);
        ck_assert_uint_lt(f->body_offset, f->body_end);
        ck_assert_uint_eq(m->bytes[f->body_end - 1], 0x0b);
    }
    ck_assert_uint_eq(m->funcs[1].nlocals, 0);
    ck_assert_uint_eq(m->funcs[0].body_end - m->funcs[0].body_offset, 6); /* f32.const 1.5, end */

    ck_assert_uint_eq(m->ntables, 3);
    ck_assert_int_eq(m->tables[0].elem, VM_FUNCREF);
    ck_assert_uint_eq(m->tables[0].limits.max, 10);
    ck_assert_int_eq(m->tables[1].elem, VM_EXTERNREF);
    ck_assert_uint_eq(m->tables[1].limits.min, 3);
    ck_assert(!m->tables[1].limits.has_max);
    ck_assert_uint_eq(m->tables[2].limits.min, 4);
    ck_assert_uint_eq(m->tables[2].limits.max, 8);
    ck_assert_uint_eq(m->nmemories, 1);
    ck_assert_uint_eq(m->memories[0].limits.min, 1);

    ck_assert_uint_eq(m->nglobals, 4);
    ck_assert(m->global_types[0].mutable_);
    ck_assert_int_eq(m->global_types[1].type, VM_I32);
    ck_assert(!m->global_types[1].mutable_);
    ck_assert_int_eq(m->global_types[2].type, VM_I64);
    ck_assert(m->global_types[2].mutable_);
    ck_assert_int_eq(m->global_types[3].type, VM_FUNCREF);
    const uint8_t *init = expr_bytes(m, &m->globals[0].init);
    ck_assert_uint_eq(m->globals[0].init.length, 2);
    ck_assert_uint_eq(init[0], 0x41);   /* i32.const 42 */
    ck_assert_uint_eq(init[1], 42);
    ck_assert_uint_eq(m->bytes[m->globals[0].init.offset + 2], 0x0b);
    ck_assert_uint_eq(expr_bytes(m, &m->globals[2].init)[0], 0xd2);   /* ref.func */
}

static void check_exports_and_segments(const vm_module *m)
{
    static const char *names[] = { "add", "memory", "answer", "refs" };
    static const vm_externkind kinds[] = { VM_EXTERN_FUNC, VM_EXTERN_MEMORY, VM_EXTERN_GLOBAL,
                                           VM_EXTERN_TABLE };
    static const uint32_t indices[] = { 1, 0, 1, 1 };
    ck_assert_uint_eq(m->nexports, 4);
    for (uint32_t i = 0; i < 4; i++) {
        ck_assert_str_eq(m->exports[i].name, names[i]);
        ck_assert_uint_eq(m->exports[i].name_len, strlen(names[i]));
        ck_assert_int_eq(m->exports[i].kind, kinds[i]);
        ck_assert_uint_eq(m->exports[i].index, indices[i]);
    }
    ck_assert(m->has_start);
    ck_assert_uint_eq(m->start, 2);

    static const vm_segment_mode modes[] = { VM_SEGMENT_ACTIVE, VM_SEGMENT_PASSIVE,
                                             VM_SEGMENT_ACTIVE, VM_SEGMENT_DECLARATIVE,
                                             VM_SEGMENT_PASSIVE, VM_SEGMENT_ACTIVE };
    static const uint32_t counts[] = { 2, 2, 1, 1, 2, 1 };
    ck_assert_uint_eq(m->nelems, 6);
    for (uint32_t i = 0; i < 6; i++) {
        ck_assert_int_eq(m->elems[i].mode, modes[i]);
        ck_assert_uint_eq(m->elems[i].count, counts[i]);
    }
    const vm_elem_segment *e = m->elems;
    ck_assert_uint_eq(e[0].table, 0);
    ck_assert_uint_eq(expr_bytes(m, &e[0].offset)[0], 0x41);
    ck_assert_int_eq(e[0].items[1].form, VM_EXPR_FUNC_INDEX);
    ck_assert_uint_eq(e[0].items[1].func_index, 3);
    ck_assert_uint_eq(e[1].items[1].func_index, 2);
    ck_assert_uint_eq(e[2].table, 2);
    ck_assert_uint_eq(expr_bytes(m, &e[2].offset)[1], 1);   /* i32.const 1 */
    ck_assert_int_eq(e[3].type, VM_FUNCREF);
    ck_assert_int_eq(e[4].type, VM_FUNCREF);
    ck_assert_uint_eq(expr_bytes(m, &e[4].items[0])[0], 0xd2);   /* ref.func */
    ck_assert_uint_eq(expr_bytes(m, &e[4].items[1])[0], 0xd0);   /* ref.null */
    ck_assert_uint_eq(e[5].table, 1);
    ck_assert_int_eq(e[5].type, VM_EXTERNREF);

    ck_assert(m->has_data_count);
    ck_assert_uint_eq(m->data_count, 2);
    ck_assert_uint_eq(m->ndatas, 2);
    ck_assert_int_eq(m->datas[0].mode, VM_SEGMENT_ACTIVE);
    ck_assert_uint_eq(m->datas[0].memory, 0);
    ck_assert_uint_eq(m->datas[0].size, 5);
    ck_assert_mem_eq(m->bytes + m->datas[0].data_offset, "hello", 5);
    ck_assert_uint_eq(expr_bytes(m, &m->datas[0].offset)[1], 16);
    ck_assert_int_eq(m->datas[1].mode, VM_SEGMENT_PASSIVE);
    ck_assert_uint_eq(m->datas[1].size, 13);
    ck_assert_mem_eq(m->bytes + m->datas[1].data_offset, "passive bytes", 13);
}

static void check_names(const vm_module *m)
{
    ck_assert_uint_eq(m->ncustoms, 1);
    ck_assert_str_eq(m->customs[0].name, "name");
    ck_assert_uint_eq(m->customs[0].offset + m->customs[0].size, m->size);
    ck_assert_str_eq(m->module_name, "all");
    ck_assert_ptr_nonnull(m->func_names);
    ck_assert_str_eq(m->func_names[0], "imported");
    ck_assert_str_eq(m->func_names[1], "add");
    ck_assert_str_eq(m->func_names[4], "drop");
    static const char *locals[] = { "a", "b", "x", "y" };
    ck_assert_uint_eq(m->funcs[0].nlocal_names, 4);
    for (uint32_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(m->funcs[0].local_names[i].index, i);
        ck_assert_str_eq(m->funcs[0].local_names[i].name, locals[i]);
    }
    ck_assert_uint_eq(m->funcs[1].nlocal_names, 0);
}

START_TEST(test_all_sections)
{
    size_t size;
    uint8_t *bytes = test_fixture_bytes("wasm/decode_all_sections.wasm", &size);
    vm_module *m = decode_ok(bytes, size);
    ck_assert_uint_eq(m->size, size);
    ck_assert_ptr_ne(m->bytes, bytes);   /* a copy */
    free(bytes);
    check_types_and_imports(m);
    check_index_spaces(m);
    check_exports_and_segments(m);
    check_names(m);
    vm_module_free(m);
}
END_TEST

/* Every proper prefix fails with "0xOFFSET: ..." (offset within the
 * prefix), except those ending where a section ends, which may decode. */
START_TEST(test_every_prefix)
{
    size_t size;
    uint8_t *bytes = test_fixture_bytes("wasm/decode_all_sections.wasm", &size);
    bool *boundary = calloc(size + 1, sizeof *boundary);
    ck_assert_ptr_nonnull(boundary);
    boundary[8] = true;                   /* no sections: the empty module */
    for (size_t pos = 8; pos < size;) {   /* walk the section headers */
        uint32_t len = 0;
        unsigned shift = 0;
        pos++;
        while (bytes[pos] & 0x80) {
            len |= (uint32_t)(bytes[pos++] & 0x7f) << shift;
            shift += 7;
        }
        len |= (uint32_t)bytes[pos++] << shift;
        pos += len;
        boundary[pos] = true;
    }
    size_t decoded = 0;
    for (size_t n = 0; n < size; n++) {
        uint8_t *prefix = malloc(n + 1);   /* exactly n bytes: ASan sees any overread */
        ck_assert_ptr_nonnull(prefix);
        memcpy(prefix, bytes, n);
        vm_error err;
        vm_module *m = vm_decode(prefix, n, &err);
        if (m != NULL) {
            ck_assert_msg(boundary[n], "prefix of %zu bytes decoded", n);
            decoded++;
            vm_module_free(m);
        } else {
            ck_assert_int_eq(err.kind, VM_ERR_MALFORMED);
            char *end;
            ck_assert_msg(strncmp(err.message, "0x", 2) == 0, "%zu: %s", n, err.message);
            unsigned long offset = strtoul(err.message + 2, &end, 16);
            ck_assert_msg(strncmp(end, ": ", 2) == 0 && end[2] != '\0', "%s", err.message);
            ck_assert_uint_le(offset, n);
        }
        free(prefix);
    }
    ck_assert_uint_ge(decoded, 1);   /* the prefix without the name section */
    free(boundary);
    free(bytes);
}
END_TEST

/* ---- malformed modules ---- */

typedef struct {
    const char *what;
    uint8_t bytes[40];
    size_t len;
    const char *message;
} bad_case;

#define B(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })
#define HEADER 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00
#define MOD(...) B(HEADER, __VA_ARGS__)
#define TYPE_VOID 0x01, 0x04, 0x01, 0x60, 0x00, 0x00   /* one type: [] -> [] */
#define ONE_FUNC 0x03, 0x02, 0x01, 0x00                /* one function of type 0 */

static const bad_case bad_cases[] = {
    { "empty", { 0 }, 0, "0x0: unexpected end" },
    { "bad magic", B(0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00),
      "0x0: magic header not detected" },
    { "bad version", B(0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00),
      "0x4: unknown binary version" },
    { "header cut short", B(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00), "0x6: unexpected end" },
    { "section size too large", MOD(0x01, 0x05, 0x01, 0x60, 0x00, 0x00),
      "0x9: length out of bounds" },
    { "section size too small", MOD(0x01, 0x03, 0x01, 0x60, 0x00, 0x00),
      "0xe: section size mismatch" },
    { "section size larger than its contents", MOD(0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00),
      "0xe: section size mismatch" },
    { "unknown section id", MOD(0x0d, 0x00), "0x8: malformed section id" },
    { "bad value type", MOD(0x01, 0x05, 0x01, 0x60, 0x01, 0x7a, 0x00),
      "0xd: malformed value type" },
    { "bad function type form", MOD(0x01, 0x04, 0x01, 0x61, 0x00, 0x00),
      "0xb: malformed function type" },
    { "bad memory limits flag", MOD(0x05, 0x03, 0x01, 0x02, 0x00), "0xb: integer too large" },
    { "bad table limits flag", MOD(0x04, 0x04, 0x01, 0x70, 0x03, 0x00),
      "0xc: integer too large" },
    { "bad table reference type", MOD(0x04, 0x04, 0x01, 0x7f, 0x00, 0x00),
      "0xb: malformed reference type" },
    { "bad import kind", MOD(0x02, 0x05, 0x01, 0x00, 0x00, 0x04, 0x00),
      "0xd: malformed import kind" },
    { "bad mutability", MOD(0x06, 0x06, 0x01, 0x7f, 0x02, 0x41, 0x00, 0x0b),
      "0xc: malformed mutability" },
    { "bad export kind", MOD(0x07, 0x05, 0x01, 0x01, 0x61, 0x04, 0x00),
      "0xd: malformed export kind" },
    { "bad UTF-8 in an import name", MOD(0x02, 0x07, 0x01, 0x01, 0xff, 0x01, 0x61, 0x00, 0x00),
      "0xc: malformed UTF-8 encoding" },
    { "bad UTF-8 in a custom section name", MOD(0x00, 0x03, 0x02, 0xc0, 0x80),
      "0xb: malformed UTF-8 encoding" },
    { "custom section name longer than the section",
      MOD(0x00, 0x02, 0x05, 0x61, 0x62, 0x63, 0x64, 0x65), "0xa: length out of bounds" },
    { "too many locals in one group",
      MOD(TYPE_VOID, ONE_FUNC, 0x0a, 0x0a, 0x01, 0x08, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f,
          0x0b),
      "0x17: too many locals" },
    { "too many locals in two groups of 30000",
      MOD(TYPE_VOID, ONE_FUNC, 0x0a, 0x0c, 0x01, 0x0a, 0x02, 0xb0, 0xea, 0x01, 0x7f, 0xb0, 0xea,
          0x01, 0x7e, 0x0b),
      "0x1b: too many locals" },
    { "two groups of 0xffffffff locals",
      MOD(TYPE_VOID, ONE_FUNC, 0x0a, 0x10, 0x01, 0x0e, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f,
          0xff, 0xff, 0xff, 0xff, 0x0f, 0x7e, 0x0b),
      "0x17: too many locals" },
    { "function without code", MOD(TYPE_VOID, ONE_FUNC),
      "0x12: function and code section have inconsistent lengths" },
    { "code without function", MOD(TYPE_VOID, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b),
      "0x10: function and code section have inconsistent lengths" },
    { "data count and data disagree",
      MOD(0x05, 0x03, 0x01, 0x00, 0x01, 0x0c, 0x01, 0x02, 0x0b, 0x06, 0x01, 0x00, 0x41, 0x00,
          0x0b, 0x00),
      "0x12: data count and data section have inconsistent lengths" },
    { "data count without data", MOD(0x05, 0x03, 0x01, 0x00, 0x01, 0x0c, 0x01, 0x01),
      "0x10: data count and data section have inconsistent lengths" },
    { "duplicate section", MOD(TYPE_VOID, TYPE_VOID),
      "0xe: unexpected content after last section" },
    { "sections out of order", MOD(0x03, 0x01, 0x00, 0x01, 0x01, 0x00),
      "0xb: unexpected content after last section" },
    { "junk after the last section", MOD(0x0b, 0x01, 0x00, 0x01, 0x00),
      "0xb: unexpected content after last section" },
    { "junk byte after the last section", MOD(0x0b, 0x01, 0x00, 0xff),
      "0xb: malformed section id" },
    { "truncated section size", MOD(0x01, 0x80, 0x80), "0xb: unexpected end" },
    { "truncated LEB128 inside a section", MOD(0x01, 0x05, 0x01, 0x60, 0x80, 0x80, 0x80),
      "0xf: unexpected end of section or function" },
    { "LEB128 too long inside a section",
      MOD(0x03, 0x07, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00),
      "0x10: integer representation too long" },
    { "body without end, another section follows",
      MOD(TYPE_VOID, ONE_FUNC, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x41, 0x00, 0x00, 0x01, 0x00),
      "0x19: END opcode expected" },
    { "body without end at the end of the module",
      MOD(TYPE_VOID, ONE_FUNC, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x41, 0x00),
      "0x19: unexpected end of section or function" },
    { "bad element kind", MOD(0x09, 0x04, 0x01, 0x01, 0x01, 0x00),
      "0xc: malformed element kind" },
    { "bad element segment flags", MOD(0x09, 0x02, 0x01, 0x08),
      "0xb: malformed elements segment kind" },
    { "bad data segment flags", MOD(0x0b, 0x02, 0x01, 0x03), "0xb: malformed data segment kind" },
    { "data bytes past the end",
      MOD(0x05, 0x03, 0x01, 0x00, 0x01, 0x0b, 0x07, 0x01, 0x01, 0x05, 0x61, 0x62, 0x63, 0x64),
      "0x16: unexpected end of section or function" },
    { "constant expression without end", MOD(0x06, 0x05, 0x01, 0x7f, 0x00, 0x41, 0x00),
      "0xf: unexpected end of section or function" },
};

START_TEST(test_malformed)
{
    const bad_case *c = &bad_cases[_i];
    vm_error err;
    vm_module *m = vm_decode(c->bytes, c->len, &err);
    ck_assert_msg(m == NULL, "%s: decoded", c->what);
    ck_assert_int_eq(err.kind, VM_ERR_MALFORMED);
    ck_assert_msg(strcmp(err.message, c->message) == 0, "%s: got \"%s\", want \"%s\"", c->what,
                  err.message, c->message);
}
END_TEST

/* ---- what decodes although the validator will reject it ---- */

START_TEST(test_non_constant_expression)
{
    /* global i32 (local.get 0): the range holds the instruction, and the
     * decoding goes on after the `end`. */
    static const uint8_t bytes[] = { HEADER, 0x06, 0x06, 0x01, 0x7f, 0x00, 0x20, 0x00, 0x0b };
    vm_module *m = decode_ok(bytes, sizeof bytes);
    ck_assert_uint_eq(m->globals[0].init.offset, 13);
    ck_assert_uint_eq(m->globals[0].init.length, 2);
    ck_assert_uint_eq(m->bytes[13], 0x20);
    vm_module_free(m);
}
END_TEST

/* ---- custom and name sections ---- */

START_TEST(test_custom_section)
{
    static const uint8_t bytes[] = { HEADER, 0x00, 0x06, 0x03, 'a', 'b', 'c', 'x', 'y',
                                         0x00, 0x01, 0x00 };
    vm_module *m = decode_ok(bytes, sizeof bytes);
    ck_assert_uint_eq(m->ncustoms, 2);
    ck_assert_str_eq(m->customs[0].name, "abc");
    ck_assert_uint_eq(m->customs[0].offset, 14);
    ck_assert_uint_eq(m->customs[0].size, 2);
    ck_assert_str_eq(m->customs[1].name, "");
    ck_assert_uint_eq(m->customs[1].size, 0);
    ck_assert_ptr_null(m->module_name);
    ck_assert_ptr_null(m->func_names);
    vm_module_free(m);
}
END_TEST

/* Two functions; a name section naming function 0, then bad UTF-8 for
 * function 1: the module decodes and keeps the first name. */
START_TEST(test_name_section_lenient)
{
    static const uint8_t bytes[] = { HEADER, TYPE_VOID, 0x03, 0x03, 0x02, 0x00, 0x00,
                                         0x0a, 0x07, 0x02, 0x02, 0x00, 0x0b, 0x02, 0x00, 0x0b,
                                         0x00, 0x0e, 0x04, 'n', 'a', 'm', 'e',
                                         0x01, 0x07, 0x02, 0x00, 0x01, 'f', 0x01, 0x01, 0xff };
    vm_module *m = decode_ok(bytes, sizeof bytes);
    ck_assert_ptr_nonnull(m->func_names);
    ck_assert_str_eq(m->func_names[0], "f");
    ck_assert_ptr_null(m->func_names[1]);
    vm_module_free(m);
}
END_TEST

/* A name section whose subsection overruns it, and one with subsections
 * out of order: both are ignored from there on. */
START_TEST(test_name_section_broken)
{
    static const uint8_t overrun[] = { HEADER, 0x00, 0x09, 0x04, 'n', 'a', 'm', 'e',
                                           0x00, 0x09, 0x01, 'm' };
    static const uint8_t unordered[] = { HEADER, 0x00, 0x0c, 0x04, 'n', 'a', 'm', 'e',
                                             0x01, 0x01, 0x00, 0x00, 0x02, 0x01, 'm' };
    vm_module *m = decode_ok(overrun, sizeof overrun);
    ck_assert_ptr_null(m->module_name);
    vm_module_free(m);
    m = decode_ok(unordered, sizeof unordered);
    ck_assert_ptr_null(m->module_name);
    vm_module_free(m);
}
END_TEST

Suite *decode_suite(void)
{
    Suite *s = suite_create("decode");
    suite_add_tcase(s, decode_reader_tcase());
    TCase *tc = tcase_create("module");
    tcase_add_test(tc, test_all_sections);
    tcase_add_test(tc, test_every_prefix);
    tcase_add_loop_test(tc, test_malformed, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, test_non_constant_expression);
    tcase_add_test(tc, test_custom_section);
    tcase_add_test(tc, test_name_section_lenient);
    tcase_add_test(tc, test_name_section_broken);
    suite_add_tcase(s, tc);
    return s;
}
