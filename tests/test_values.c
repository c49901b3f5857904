/* test_values.c — host_values that hold others (host/value_tree.c,
 * host/value_json.c): lists and maps built, read, replaced, copied deep
 * and freed (run under ASan by `make check SANITIZE=1`), the depth and
 * weight bounds refused where a value is built, JSON as the terminal host
 * prints it; then nested values through the runtime: a message to a
 * mailbox and back, the message weight bound and the queue's byte bound
 * counting nested values, and the bound on a spawn's arguments. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "host/internal.h"
#include "tests/test_host_project.h"

/* v as JSON, malloc'd. */
static char *json(const host_value *v)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert(host_value_write_json(v, f));
    fclose(f);
    return text;
}

static void assert_json(const host_value *v, const char *want)
{
    char *got = json(v);
    ck_assert_str_eq(got, want);
    free(got);
}

static host_value str(const char *s) { return host_string(s, strlen(s)); }

static void push(host_value *list, host_value item)
{
    const char *why = NULL;
    ck_assert_msg(host_list_push(list, item, &why), "push: %s", why);
}

static void set(host_value *map, const char *key, host_value value)
{
    const char *why = NULL;
    ck_assert_msg(host_map_set(map, key, strlen(key), value, &why), "set %s: %s", key, why);
}

/* {"name": "wippy", "tag-count": 3, "points": [{"x": 1, "y": 2.5}], "none": []} */
static host_value record(void)
{
    host_value r = host_map(), points = host_list(0), point = host_map();
    set(&r, "name", str("wippy"));
    set(&r, "tag-count", host_int(3));
    set(&point, "x", host_int(1));
    set(&point, "y", host_float(2.5));
    push(&points, point);
    set(&r, "points", points);
    set(&r, "none", host_list(4));
    return r;
}

START_TEST(lists_and_maps)
{
    host_value r = record();
    ck_assert_int_eq(r.kind, HOST_VALUE_MAP);
    ck_assert_uint_eq(r.len, 4);
    ck_assert_uint_eq(r.depth, 3);                  /* r > points > point */
    assert_json(&r, "{\"name\":\"wippy\",\"tag-count\":3,\"points\":[{\"x\":1,\"y\":2.5}],\"none\":[]}");
    /* Keys as written, order kept; get by key. */
    ck_assert_str_eq(r.entries[1].key, "tag-count");
    const host_value *tc = host_map_get(&r, "tag-count", 9);
    ck_assert(tc != NULL && tc->kind == HOST_VALUE_INT && tc->i == 3);
    ck_assert_ptr_null(host_map_get(&r, "tag", 3));
    ck_assert_ptr_null(host_map_get(&r.entries[0].value, "name", 4));   /* not a map */
    const host_value *points = host_map_get(&r, "points", 6);
    ck_assert(points->kind == HOST_VALUE_LIST && points->len == 1);
    ck_assert_double_eq(host_map_get(&points->items[0], "y", 1)->f, 2.5);
    /* The weight: 64 bytes a value (8 of them), the strings' and keys' bytes. */
    size_t bytes = 5 + strlen("name") + strlen("tag-count") + strlen("points") + 1 + 1 + strlen("none");
    ck_assert_uint_eq(host_value_weight(&r), 8 * sizeof(host_value) + bytes);
    /* Setting a key again replaces its value in place; weight and depth follow. */
    set(&r, "points", host_bool(true));
    assert_json(&r, "{\"name\":\"wippy\",\"tag-count\":3,\"points\":true,\"none\":[]}");
    ck_assert_uint_eq(r.depth, 2);
    ck_assert_uint_eq(host_value_weight(&r), 5 * sizeof(host_value) + bytes - 2);
    /* Keys are bytes: a NUL inside is part of the key. */
    const char *why = NULL;
    ck_assert(host_map_set(&r, "a\0b", 3, host_int(1), &why));
    ck_assert(host_map_get(&r, "a\0b", 3) != NULL && host_map_get(&r, "a", 1) == NULL);
    /* Pushing onto what is not a list is refused; the item is freed. */
    ck_assert(!host_list_push(&r, str("leak?"), &why));
    ck_assert_str_eq(why, "not a list");
    host_value s = str("x");
    ck_assert(!host_map_set(&s, "k", 1, str("leak?"), &why));
    ck_assert_str_eq(why, "not a map");
    host_value_free(&s);
    host_value_free(&r);
    ck_assert_int_eq(r.kind, HOST_VALUE_NIL);
    host_value_free(&r);                            /* twice is harmless */
}
END_TEST

START_TEST(deep_copy_and_free)
{
    host_value r = record(), list = host_list(0);
    push(&list, host_value_copy(&r));
    push(&list, host_nil());
    push(&list, host_uint(UINT64_MAX));
    set(&r, "list", list);
    host_value copy = host_value_copy(&r);
    char *before = json(&r);
    size_t weight = host_value_weight(&r);
    host_value_free(&r);                            /* the copy owns all of its own */
    assert_json(&copy, before);
    ck_assert_uint_eq(copy.depth, 5);               /* r > list > record > points > point */
    ck_assert_uint_eq(host_value_weight(&copy), weight);
    free(before);
    host_value_free(&copy);
    /* Copies of single values and of empty containers. */
    host_value e = host_list(0), m = host_map(), n = host_value_copy(&e);
    ck_assert(n.kind == HOST_VALUE_LIST && n.len == 0 && n.depth == 1);
    host_value_free(&n);
    n = host_value_copy(&m);
    ck_assert(n.kind == HOST_VALUE_MAP && n.len == 0);
    host_value_free(&n);
    host_value_free(&e);
    host_value_free(&m);
}
END_TEST

/* HOST_MAX_VALUE_DEPTH levels are fine; one more is refused where it is
 * built, in a list and in a map. */
START_TEST(depth_is_bounded)
{
    host_value v = str("bottom");
    for (int level = 1; level <= HOST_MAX_VALUE_DEPTH; level++) {
        host_value outer = host_list(1);
        push(&outer, v);
        v = outer;
        ck_assert_uint_eq(v.depth, level);
    }
    host_value copy = host_value_copy(&v);
    const char *why = NULL;
    host_value list = host_list(0), map = host_map();
    ck_assert(!host_list_push(&list, v, &why));     /* v is freed */
    ck_assert_str_eq(why, "nested more than 64 levels deep");
    why = NULL;
    ck_assert(!host_map_set(&map, "k", 1, copy, &why));
    ck_assert_str_eq(why, "nested more than 64 levels deep");
    /* Replacing a value by one too deep is refused too. */
    host_value deep = host_list(0);                 /* 63 levels */
    for (int level = 2; level < HOST_MAX_VALUE_DEPTH; level++) {
        host_value outer = host_list(1);
        push(&outer, deep);
        deep = outer;
    }
    host_value deeper = host_list(1);               /* 64 */
    push(&deeper, host_value_copy(&deep));
    set(&map, "k", host_int(1));
    set(&map, "k", deep);                           /* 64 levels with the map: fine */
    ck_assert_uint_eq(map.depth, HOST_MAX_VALUE_DEPTH);
    ck_assert(!host_map_set(&map, "k", 1, deeper, &why));
    ck_assert_str_eq(why, "nested more than 64 levels deep");
    ck_assert_uint_eq(map.depth, HOST_MAX_VALUE_DEPTH);
    set(&map, "k", host_int(2));                    /* the deepest replaced: depth follows */
    ck_assert_uint_eq(map.depth, 1);
    host_value_free(&list);
    host_value_free(&map);
}
END_TEST

/* HOST_MAX_VALUE_BYTES of weight: the push that would go over is refused
 * before anything is allocated for it. */
START_TEST(weight_is_bounded)
{
    size_t mib = 1u << 20;
    char *block = malloc(mib);
    ck_assert_ptr_nonnull(block);
    memset(block, 'x', mib);
    host_value list = host_list(SIZE_MAX);          /* a huge hint reserves no more than fits */
    ck_assert_uint_le(list.cap, HOST_MAX_VALUE_BYTES / sizeof(host_value));
    const char *why = NULL;
    int pushed = 0;
    while (host_list_push(&list, host_string(block, mib), &why))
        pushed++;
    ck_assert_int_eq(pushed, 15);                   /* 16 strings of 1 MiB and their values: more */
    ck_assert_str_eq(why, "larger than 16 MiB");
    ck_assert_uint_le(host_value_weight(&list), HOST_MAX_VALUE_BYTES);
    /* A key counts too. */
    host_value map = host_map();
    size_t room = HOST_MAX_VALUE_BYTES - host_value_weight(&map) - sizeof(host_value);
    char *key = malloc(room + 1);
    memset(key, 'k', room + 1);
    ck_assert(!host_map_set(&map, key, room + 1, host_nil(), &why));
    ck_assert_str_eq(why, "larger than 16 MiB");
    ck_assert(host_map_set(&map, key, room, host_nil(), &why));
    ck_assert_uint_eq(host_value_weight(&map), HOST_MAX_VALUE_BYTES);
    free(key);
    free(block);
    host_value_free(&list);
    host_value_free(&map);
}
END_TEST

START_TEST(json_as_the_terminal_prints_it)
{
    host_value v = host_nil();
    assert_json(&v, "null");
    v = host_bool(false);
    assert_json(&v, "false");
    v = host_int(INT64_MIN);
    assert_json(&v, "-9223372036854775808");
    v = host_uint(UINT64_MAX);
    assert_json(&v, "18446744073709551615");
    struct {
        double f;
        const char *want;
    } floats[] = { { 2.5, "2.5" }, { 0.1, "0.1" }, { 3.0, "3" }, { -1e300, "-1e+300" },
                   { 1.0 / 3, "0.3333333333333333" }, { NAN, "null" }, { INFINITY, "null" } };
    for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++) {
        v = host_float(floats[i].f);
        assert_json(&v, floats[i].want);
    }
    /* Escapes: quote, backslash, controls, U+2028; bad UTF-8 as \ufffd. */
    static const char text[] = "q\" b\\ n\n t\t \x01 \xe2\x80\xa8 \xc3\xa9 \xff \xc3 \xed\xa0\x80.";
    v = host_string(text, sizeof text - 1);
    assert_json(&v, "\"q\\\" b\\\\ n\\n t\\t \\u0001 \\u2028 \xc3\xa9 \\ufffd \\ufffd "
                    "\\ufffd\\ufffd\\ufffd.\"");
    host_value_free(&v);
    v = host_string("a\0b", 3);
    assert_json(&v, "\"a\\u0000b\"");
    host_value_free(&v);
    /* Maps in their order, keys escaped too. */
    v = host_map();
    set(&v, "z", host_list(0));
    set(&v, "a\"", host_map());
    set(&v, "m", host_nil());
    assert_json(&v, "{\"z\":[],\"a\\\"\":{},\"m\":null}");
    host_value_free(&v);
}
END_TEST

#define BASIC "wasm/host_basic.wasm"

/* Takes the next event and drops it. */
static void drop_next(hp_project *p)
{
    host_event ev = hp_next(p, 1000);
    host_event_free(&ev);
}

/* A nested message to a mailbox arrives whole; the weight bounds count
 * what is nested. */
START_TEST(messages_carry_nested_values)
{
    hp_project p;
    hp_open(&p, 1, 0, hp_entry("compute", BASIC, "compute", NULL), NULL);
    char err[256];
    host_value vals[] = { record(), str("plain") };
    ck_assert(host_send(p.rt, p.mb, p.mb, "nested", vals, 2, err, sizeof err));
    host_event ev = hp_next(&p, 1000);
    ck_assert_int_eq(ev.kind, HOST_EVENT_MESSAGE);
    ck_assert_uint_eq(ev.npayload, 2);
    char *want = json(&vals[0]);
    assert_json(&ev.payload[0], want);
    free(want);
    host_event_free(&ev);
    host_value_free(&vals[0]);
    host_value_free(&vals[1]);

    /* HOST_MESSAGE_BYTES counts every value inside, not only strings. */
    host_value many = host_list(0);
    while (host_value_weight(&many) + sizeof(host_value) <= HOST_MESSAGE_BYTES - 1)
        push(&many, host_int(7));
    ck_assert(host_send(p.rt, p.mb, p.mb, "m", &many, 1, err, sizeof err));
    push(&many, host_int(8));
    push(&many, host_int(9));
    ck_assert(!host_send(p.rt, p.mb, p.mb, "m", &many, 1, err, sizeof err));
    ck_assert_str_eq(err, "message too large (more than 1048576 bytes)");
    drop_next(&p);
    host_value_free(&many);

    /* The queue's bound (HOST_MAX_QUEUED_BYTES) counts them too: messages
     * of nested integers fill it after as many as fit. */
    host_value block = host_list(0);
    for (int i = 0; i < 15000; i++)
        push(&block, host_int(i));
    size_t weight = 1 + host_value_weight(&block), sent = 0;
    while (host_send(p.rt, p.mb, p.mb, "q", &block, 1, err, sizeof err))
        sent++;
    ck_assert_str_eq(err, "the receiver has ended or its queue is full");
    ck_assert_uint_eq(sent, HOST_MAX_QUEUED_BYTES / weight);
    for (size_t i = 0; i < sent; i++)
        drop_next(&p);
    ck_assert(host_send(p.rt, p.mb, p.mb, "q", &block, 1, err, sizeof err));   /* room again */
    drop_next(&p);
    host_value_free(&block);

    /* A spawn's arguments together weigh at most HOST_MAX_VALUE_BYTES. */
    size_t nine = 9u << 20;
    char *big = malloc(nine);
    ck_assert_ptr_nonnull(big);
    memset(big, 'b', nine);
    host_value args[2] = { host_list(1), host_list(1) };
    push(&args[0], host_string(big, nine));
    push(&args[1], host_string(big, nine));
    free(big);
    ck_assert(host_spawn(p.rt, p.mb, "t:compute", "t:procs", args, 2, 0, err, sizeof err) == 0);
    ck_assert_str_eq(err, "t:compute: the arguments are too large (more than 16777216 bytes)");
    host_value_free(&args[0]);
    host_value_free(&args[1]);
    /* One that fits reaches the method, which refuses a list for an i32. */
    host_value two[2] = { host_int(6), host_list(0) };
    host_pid pid = hp_spawn(&p, "t:compute", two, 2);
    ev = hp_next(&p, 5000);
    ck_assert_uint_eq(ev.from, pid);
    ck_assert_str_eq(ev.error, "failed to call wasm method: compute: argument 2: expected i32, got list");
    host_event_free(&ev);
    host_value_free(&two[1]);
    hp_close(&p);
}
END_TEST

Suite *values_suite(void)
{
    Suite *s = suite_create("values");
    TCase *tc = tcase_create("values");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, lists_and_maps);
    tcase_add_test(tc, deep_copy_and_free);
    tcase_add_test(tc, depth_is_bounded);
    tcase_add_test(tc, weight_is_bounded);
    tcase_add_test(tc, json_as_the_terminal_prints_it);
    tcase_add_test(tc, messages_carry_nested_values);
    suite_add_tcase(s, tc);
    return s;
}
