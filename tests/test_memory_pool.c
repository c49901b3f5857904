/* test_memory_pool.c — Check tests for the pool of released memory
 * mappings (vm/memory_pool.c): a memory taken from the pool is
 * indistinguishable from a fresh one — its size, every byte zero but the
 * data segments of its module, growth and its limit — after the instance
 * before it filled and grew its memory; the pool hands back the mapping
 * just released (Linux); and more memories than the pool holds, alive at
 * once and released together, come back zeroed too. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test_util.h"
#include "vm/vm.h"

#define PAGE 65536u

/* True when the n bytes at p are all zero. */
static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return false;
    return true;
}

static void call(test_instance *t, const char *name, const vm_value *args, uint32_t nargs,
                 vm_value *result)
{
    vm_func *f = vm_instance_func(t->inst, name);
    ck_assert_ptr_nonnull(f);
    vm_status st = vm_call(t->thread, f, args, nargs, result, result ? 1 : 0);
    ck_assert_msg(st == VM_DONE, "%s: %s", name,
                  st == VM_TRAP ? vm_thread_trap(t->thread)->message : "did not finish");
}

/* The instance's memory is fresh: 3 pages, zero but "pool" at 65546. */
static void expect_fresh(test_instance *t)
{
    vm_memory *m = vm_instance_memory(t->inst, "memory");
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(vm_memory_size(m), 3 * PAGE);
    const uint8_t *d = vm_memory_data(m);
    ck_assert(all_zero(d, 65546));
    ck_assert_mem_eq(d + 65546, "pool", 4);
    ck_assert(all_zero(d + 65550, 3 * PAGE - 65550));
}

START_TEST(reused_memory_is_fresh)
{
    for (int round = 0; round < 3; round++) {
        test_instance t;
        test_instance_load(&t, "wasm/memory_pool.wasm", NULL);
        test_instance_start(&t);
        expect_fresh(&t);
        vm_value r = { 0 };
        if (round == 1) {   /* grown: released at 5 pages */
            call(&t, "grow", &(vm_value){ .type = VM_I32, .of.i32 = 2 }, 1, &r);
            ck_assert_uint_eq(r.of.i32, 3);
        }
        call(&t, "scribble", NULL, 0, NULL);
        ck_assert_uint_eq(vm_memory_data(vm_instance_memory(t.inst, "memory"))[0], 0xaa);
        test_instance_close(&t);
    }
    /* A memory the pool gave back grows as a fresh one: new pages zero. */
    test_instance t;
    test_instance_load(&t, "wasm/memory_pool.wasm", NULL);
    test_instance_start(&t);
    vm_value r = { 0 };
    call(&t, "grow", &(vm_value){ .type = VM_I32, .of.i32 = 1 }, 1, &r);
    ck_assert_uint_eq(r.of.i32, 3);
    vm_memory *m = vm_instance_memory(t.inst, "memory");
    ck_assert_uint_eq(vm_memory_size(m), 4 * PAGE);
    ck_assert(all_zero(vm_memory_data(m) + 3 * PAGE, PAGE));
    test_instance_close(&t);
}
END_TEST

START_TEST(released_mapping_is_reused)
{
#ifdef __linux__
    vm_store *s = vm_store_new(NULL);
    vm_memory *m = vm_memory_new(s, 17, 0, false);
    ck_assert_ptr_nonnull(m);
    uint8_t *first = vm_memory_data(m);
    memset(first, 0x5a, 17 * PAGE);
    vm_store_free(s);
    s = vm_store_new(NULL);
    m = vm_memory_new(s, 17, 20, true);
    ck_assert_ptr_eq(vm_memory_data(m), first);
    ck_assert_uint_eq(vm_memory_size(m), 17 * PAGE);
    ck_assert(all_zero(vm_memory_data(m), 17 * PAGE));
    ck_assert_int_eq(vm_memory_grow(m, 4), -1);   /* the new memory's own limit */
    ck_assert_int_eq(vm_memory_grow(m, 3), 17);
    vm_store_free(s);
#endif
}
END_TEST

START_TEST(more_memories_than_the_pool_holds)
{
    enum { N = 100 };   /* more than POOL_SLOTS */
    for (int round = 0; round < 2; round++) {
        vm_store *s = vm_store_new(NULL);
        for (int i = 0; i < N; i++) {
            vm_memory *m = vm_memory_new(s, 2 + (uint32_t)(i % 3), 0, false);
            ck_assert_ptr_nonnull(m);
            ck_assert_uint_eq(vm_memory_size(m), (2 + (uint64_t)(i % 3)) * PAGE);
            ck_assert(all_zero(vm_memory_data(m), vm_memory_size(m)));
            memset(vm_memory_data(m), 0xff, vm_memory_size(m));
        }
        vm_store_free(s);
    }
}
END_TEST

Suite *memory_pool_suite(void)
{
    Suite *s = suite_create("memory_pool");
    TCase *tc = tcase_create("memory_pool");
    tcase_add_test(tc, reused_memory_is_fresh);
    tcase_add_test(tc, released_mapping_is_reused);
    tcase_add_test(tc, more_memories_than_the_pool_holds);
    suite_add_tcase(s, tc);
    return s;
}
