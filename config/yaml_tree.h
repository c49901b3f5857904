/* yaml_tree.h — a YAML document as a tree of nodes that remember where
 * they came from (1-based line and column), built from libyaml events.
 *
 * Nodes live in the caller's arena. Aliases point at the anchored node
 * (shared, never copied, so alias bombs cost nothing); an alias to a node
 * that is still open, mapping keys that are not scalars, duplicate keys,
 * NUL characters in scalars, nesting deeper than YAML_TREE_MAX_DEPTH and
 * files with more than one document are errors. Thread-safety: parsing
 * touches only the caller's arena; a parsed tree may be read by any
 * number of threads. */
#ifndef WIPPY_CONFIG_YAML_TREE_H
#define WIPPY_CONFIG_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "config/arena.h"

#define YAML_TREE_MAX_DEPTH 64
#define YAML_TREE_MAX_FILE  (16u << 20)   /* bytes */

typedef enum {
    CFG_NODE_NULL,     /* ~, null, or nothing (a plain empty scalar) */
    CFG_NODE_SCALAR,
    CFG_NODE_MAP,
    CFG_NODE_SEQ
} cfg_node_type;

typedef struct cfg_node cfg_node;
struct cfg_node {
    cfg_node_type type;
    int line, col;        /* where the node starts, 1-based */
    const char *text;     /* scalar text; "" for NULL nodes; NULL for collections */
    bool quoted;          /* scalar written quoted or as a block: always a string */
    size_t count;         /* items of a sequence, pairs of a mapping */
    cfg_node **keys;      /* mapping keys (scalars), count of them */
    cfg_node **items;     /* mapping values / sequence items, count of them */
    size_t cap;           /* allocated slots in keys/items */
};

/* Where and why parsing failed. */
typedef struct {
    int line, col;        /* 0 when not tied to a position */
    char message[256];
} yaml_tree_error;

/* Parses the file at path into *root (NULL for an empty file). Returns
 * true on success; on failure fills err and returns false. */
bool cfg_yaml_tree_parse_file(arena *a, const char *path, cfg_node **root, yaml_tree_error *err);

/* Parses a string (for tests and embedders); same contract. */
bool cfg_yaml_tree_parse_string(arena *a, const char *text, size_t len, cfg_node **root,
                            yaml_tree_error *err);

/* The value of key in a mapping, or NULL when absent (or map is not a mapping). */
const cfg_node *cfg_map_get(const cfg_node *map, const char *key);

/* The key node of key in a mapping (for positions), or NULL. */
const cfg_node *cfg_map_key(const cfg_node *map, const char *key);

/* True when n is absent or a YAML null. */
bool cfg_node_is_null(const cfg_node *n);

/* "a string", "a mapping", "a list" or "null": for "expected X, got Y" texts. */
const char *cfg_node_type_name(const cfg_node *n);

#endif
