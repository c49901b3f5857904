/* memory_pool.c — a bounded, process-wide pool of the anonymous mappings
 * released linear memories leave (store.c), so a short-lived instance with
 * a memory larger than one page (a component's 17 pages) does not pay an
 * mmap and a munmap each time: VMA splits and merges, and a TLB shootdown
 * in every thread of the process at each munmap.
 *
 * A mapping comes back reset: madvise(MADV_DONTNEED) drops its pages, so
 * the kernel hands out zero pages again on the next touch, exactly as for
 * a fresh anonymous mapping (MAP_PRIVATE | MAP_ANONYMOUS), and a pooled
 * mapping holds no resident memory. Only mappings of exactly the size
 * asked are reused (a memory's bounds and mremap() growth go by its size),
 * so a reused memory cannot be told from a fresh one. Bounded: at most
 * POOL_SLOTS mappings of at most POOL_MAX_BYTES each; a mapping that does
 * not fit is unmapped as before.
 *
 * Measured and rejected: zeroing only the pages mincore() reports
 * resident (a memset instead of a page fault) is no faster, mincore's walk
 * of every page costing what the faults saved, and a swapped-out page is
 * not resident yet not zero.
 *
 * Uses nothing of vm but its own lock; touches no store. Linux only (the
 * other platforms malloc every memory). */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "vm/runtime.h"

#define POOL_SLOTS 64                        /* mappings kept at most */
#define POOL_MAX_BYTES ((uint64_t)16 << 20)  /* largest mapping kept: 256 pages */

static struct {
    pthread_mutex_t lock;
    uint32_t n;
    struct {
        void *data;
        uint64_t size;
    } slot[POOL_SLOTS];
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

void *vm_memory_pool_take(uint64_t size)
{
    void *data = NULL;
    pthread_mutex_lock(&pool.lock);
    for (uint32_t i = pool.n; i-- > 0;) {    /* the most recent first: its page tables are warm */
        if (pool.slot[i].size == size) {
            data = pool.slot[i].data;
            pool.slot[i] = pool.slot[--pool.n];
            break;
        }
    }
    pthread_mutex_unlock(&pool.lock);
    return data;
}

bool vm_memory_pool_give(void *data, uint64_t size)
{
#ifdef __linux__
    if (size > POOL_MAX_BYTES || madvise(data, (size_t)size, MADV_DONTNEED) != 0)
        return false;
    bool kept = false;
    pthread_mutex_lock(&pool.lock);
    if (pool.n < POOL_SLOTS) {
        pool.slot[pool.n].data = data;
        pool.slot[pool.n].size = size;
        pool.n++;
        kept = true;
    }
    pthread_mutex_unlock(&pool.lock);
    return kept;
#else
    (void)data;
    (void)size;
    return false;
#endif
}
