/* value.h — the values processes exchange (part of the public API: host.h
 * includes it). It depends on libc only, so the Component Model's
 * canonical ABI (component/) lifts into and lowers from these values
 * without depending on the rest of the host.
 *
 * A host_value is dynamic, like a Lua or JSON value: nil, a bool, an
 * integer, a float, a string, or one of two containers: a LIST (values in
 * order) or a MAP (string keys to values, in the order they were added,
 * keys distinct). It is what crosses a process boundary: spawn arguments,
 * results (EXIT values), message payloads.
 *
 * Component Model values map onto it directly (the canonical ABI converts
 * by the declared type; a Lua process sees the same shapes as tables):
 *
 *   bool, integers, floats      BOOL, INT, FLOAT
 *   char                        a STRING of one character
 *   string                      STRING
 *   list<T>, tuple<...>         LIST
 *   record                      MAP keyed by the field names as WIT writes
 *                               them ("tag-count"), in declaration order
 *   option<T>                   the value, or NIL for none
 *   option<option<T>>           NIL for none, MAP {"some": x} for some(x)
 *                               (x as option<T>), the empty MAP for
 *                               some(none)
 *   result<T, E>                MAP {"ok": v} or {"err": e}; true for a
 *                               side without a type
 *   variant                     MAP {"case-name": payload}; true for a
 *                               case without one
 *   enum                        STRING, the case name
 *   flags                       MAP {"read": true, "write": true}, the set
 *                               flags only
 *
 * (A missing payload is true, not nil: in a Lua table a nil value is no
 * entry at all, so {"ok": nil} would arrive as an empty table.)
 *
 * Lists and maps are built only with the functions below, which keep
 * every value within two bounds, checked where it is built: at most
 * HOST_MAX_VALUE_DEPTH levels of lists and maps inside one another, and at
 * most HOST_MAX_VALUE_BYTES of weight (host_value_weight). So copying,
 * freeing or printing a value never recurses deeper than that. A value
 * owns everything in it; the functions that take a value by value take
 * it over.
 *
 * Thread-safety: a value is plain memory with no shared state; distinct
 * values may be used on different threads at once, one value by one
 * thread at a time. */
#ifndef WIPPY_HOST_VALUE_H
#define WIPPY_HOST_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define HOST_MAX_VALUE_DEPTH 64             /* lists and maps nested in one value */
#define HOST_MAX_VALUE_BYTES (16u << 20)    /* what one value may weigh */

typedef enum {
    HOST_VALUE_NIL,
    HOST_VALUE_BOOL,
    HOST_VALUE_INT,                 /* i (signed) or, with is_unsigned, u */
    HOST_VALUE_FLOAT,
    HOST_VALUE_STRING,              /* s (owned, NUL-terminated), len bytes */
    HOST_VALUE_LIST,                /* items: len values */
    HOST_VALUE_MAP                  /* entries: len key/value pairs */
} host_value_kind;

typedef struct host_value host_value;
typedef struct host_map_entry host_map_entry;

struct host_value {
    host_value_kind kind;
    bool b;
    bool is_unsigned;
    uint8_t depth;                  /* LIST, MAP: levels of lists and maps, itself
                                       included (1: it holds none) */
    int64_t i;
    uint64_t u;
    double f;
    union {
        char *s;                    /* STRING */
        host_value *items;          /* LIST */
        host_map_entry *entries;    /* MAP */
    };
    size_t len;                     /* STRING: bytes; LIST: items; MAP: entries */
    size_t cap;                     /* LIST, MAP: slots allocated */
    size_t weight;                  /* LIST, MAP: host_value_weight(), kept up to date */
};

struct host_map_entry {
    char *key;                      /* owned, NUL-terminated; key_len bytes (any bytes) */
    size_t key_len;
    host_value value;
};

host_value host_nil(void);
host_value host_bool(bool b);
host_value host_int(int64_t i);
host_value host_uint(uint64_t u);
host_value host_float(double f);
/* A copy of s (len bytes); kind NIL if out of memory. */
host_value host_string(const char *s, size_t len);

/* An empty list with room for n items (a hint: it grows as needed, and
 * nothing is reserved when that fails). Never fails. */
host_value host_list(size_t n);
/* Appends item to a list, taking it over: on failure it is freed, and
 * *why (unless why is NULL) says why: "out of memory", "nested more than
 * 64 levels deep", "larger than 16 MiB", "not a list". item must
 * not be, or be inside, list. */
bool host_list_push(host_value *list, host_value item, const char **why);

/* An empty map. Never fails. */
host_value host_map(void);
/* Sets key (len bytes, copied) to value, taking value over: the entry of
 * that key gets the new value in its place, or a new entry is appended.
 * On failure value is freed and *why says why, as host_list_push.
 * Finding the key is a linear search: fine for records. */
bool host_map_set(host_value *map, const char *key, size_t len, host_value value,
                  const char **why);
/* The value of key (len bytes) in map, or NULL when it has none (or map
 * is not a map). Valid until the map changes. */
const host_value *host_map_get(const host_value *map, const char *key, size_t len);

/* What a value weighs against the bounds on values, messages and queues:
 * sizeof(host_value) for it and for each value inside it, plus the bytes
 * of every string and every map key. */
size_t host_value_weight(const host_value *v);

/* A deep copy; kind NIL if out of memory (nothing is left allocated). */
host_value host_value_copy(const host_value *v);
/* Frees everything v owns and makes it nil. */
void host_value_free(host_value *v);

/* Writes v as one line of JSON, without a newline: strings escaped (bytes
 * that are not UTF-8 become U+FFFD), maps as objects in their order,
 * lists as arrays, nil and the floats JSON has no number for (NaN,
 * infinities) as null. False when out writes fail. */
bool host_value_write_json(const host_value *v, FILE *out);

#endif
