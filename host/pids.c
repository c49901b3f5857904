/* pids.c — the pid table: pid → live participant (process or mailbox).
 *
 * 64 shards, each a mutex and a chained hash table whose chains run
 * through the nodes themselves (host_node.hash_next), so inserting costs
 * no allocation except when a shard doubles its bucket array. Spawns and
 * exits on different worker threads rarely meet on the same shard lock.
 * A node in the table holds one reference; lookups return another. */
#include <stdlib.h>

#include "host/internal.h"

static size_t shard_of(host_pid pid)
{
    return (size_t)(HOST_PID_SEQ(pid) % PID_SHARDS);
}

static size_t bucket_of(host_pid pid, size_t nbuckets)
{
    uint64_t h = pid * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(h >> 32) & (nbuckets - 1);
}

bool host_pids_init(pid_table *t)
{
    for (size_t i = 0; i < PID_SHARDS; i++) {
        pid_shard *s = &t->shards[i];
        s->nbuckets = 64;
        s->count = 0;
        s->buckets = calloc(s->nbuckets, sizeof *s->buckets);
        if (s->buckets == NULL || pthread_mutex_init(&s->lock, NULL) != 0) {
            free(s->buckets);
            for (size_t k = 0; k < i; k++) {
                free(t->shards[k].buckets);
                pthread_mutex_destroy(&t->shards[k].lock);
            }
            return false;
        }
    }
    atomic_init(&t->next_seq, 1);
    return true;
}

void host_pids_destroy(pid_table *t)
{
    for (size_t i = 0; i < PID_SHARDS; i++) {
        free(t->shards[i].buckets);
        pthread_mutex_destroy(&t->shards[i].lock);
    }
}

host_pid host_pids_next(pid_table *t, uint32_t host)
{
    uint64_t seq = atomic_fetch_add(&t->next_seq, 1);
    return HOST_PID_MAKE(host, seq & ((UINT64_C(1) << HOST_PID_SEQ_BITS) - 1));
}

/* Doubles a shard's bucket array (under its lock); false when out of memory. */
static bool grow(pid_shard *s)
{
    size_t n = s->nbuckets * 2;
    host_node **b = calloc(n, sizeof *b);
    if (b == NULL)
        return false;
    for (size_t i = 0; i < s->nbuckets; i++) {
        for (host_node *node = s->buckets[i], *next; node != NULL; node = next) {
            next = node->hash_next;
            size_t k = bucket_of(node->pid, n);
            node->hash_next = b[k];
            b[k] = node;
        }
    }
    free(s->buckets);
    s->buckets = b;
    s->nbuckets = n;
    return true;
}

bool host_pids_insert(pid_table *t, host_node *n)
{
    pid_shard *s = &t->shards[shard_of(n->pid)];
    pthread_mutex_lock(&s->lock);
    if (s->count >= s->nbuckets && !grow(s) && s->count >= 4 * s->nbuckets) {
        pthread_mutex_unlock(&s->lock);
        return false;   /* chains may get longer, but not without bound */
    }
    size_t k = bucket_of(n->pid, s->nbuckets);
    host_node_retain(n);
    n->hash_next = s->buckets[k];
    s->buckets[k] = n;
    s->count++;
    pthread_mutex_unlock(&s->lock);
    return true;
}

bool host_pids_remove(pid_table *t, host_node *n)
{
    pid_shard *s = &t->shards[shard_of(n->pid)];
    bool found = false;
    pthread_mutex_lock(&s->lock);
    for (host_node **at = &s->buckets[bucket_of(n->pid, s->nbuckets)]; *at != NULL;
         at = &(*at)->hash_next) {
        if (*at == n) {
            *at = n->hash_next;
            n->hash_next = NULL;
            s->count--;
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return found;
}

host_node *host_pids_lookup(pid_table *t, host_pid pid)
{
    pid_shard *s = &t->shards[shard_of(pid)];
    host_node *found = NULL;
    pthread_mutex_lock(&s->lock);
    for (host_node *n = s->buckets[bucket_of(pid, s->nbuckets)]; n != NULL; n = n->hash_next) {
        if (n->pid == pid) {
            host_node_retain(n);
            found = n;
            break;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return found;
}

size_t host_pids_collect(pid_table *t, node_kind kind, host_node ***out)
{
    size_t n = 0, cap = 0;
    host_node **list = NULL;
    for (size_t i = 0; i < PID_SHARDS; i++) {
        pid_shard *s = &t->shards[i];
        pthread_mutex_lock(&s->lock);
        for (size_t b = 0; b < s->nbuckets; b++) {
            for (host_node *node = s->buckets[b]; node != NULL; node = node->hash_next) {
                if (node->kind != kind)
                    continue;
                if (n == cap) {
                    size_t c = cap ? 2 * cap : 64;
                    host_node **p = realloc(list, c * sizeof *p);
                    if (p == NULL)
                        break;   /* out of memory: the caller sees fewer */
                    list = p;
                    cap = c;
                }
                host_node_retain(node);
                list[n++] = node;
            }
        }
        pthread_mutex_unlock(&s->lock);
    }
    *out = list;
    return n;
}
