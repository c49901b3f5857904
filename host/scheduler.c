/* scheduler.c — a process.host: `workers` OS threads running processes
 * M:N in fuel slices.
 *
 * One run queue per host, a FIFO threaded through the processes
 * themselves (host_process.next), so queueing never allocates and never
 * fails. A worker takes a batch of at most `local_queue_size` processes at
 * a time — its fair share, len / workers + 1 — and gives each one slice:
 *
 *   done       → EXIT to monitors, LINK_DOWN to links, references dropped
 *   preempted  → back to the tail of the queue (so a `loop br 0` guest
 *                gets one slice per round, like everybody else)
 *   parked     → to the event loop, which requeues it when its timer or
 *                descriptor is ready; a wait that is already due (a
 *                `sched_yield`) goes straight back to the queue
 *
 * `queue_size` bounds how many processes may wait in the queue before a
 * spawn from outside the workers waits for room (backpressure); requeues
 * and spawns made by workers never wait. Idle workers spin briefly before
 * sleeping on a condition variable, and are only signalled when one is
 * asleep, so a busy host makes no futex calls. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/internal.h"

#define BATCH_MAX 256        /* processes a worker takes at once, at most */
#define SPIN_ROUNDS 200      /* looks at an empty queue before sleeping */

struct host_sched {
    host_runtime *rt;
    const cfg_entry *entry;
    uint32_t host_index;
    size_t nworkers, queue_size, batch;
    uint64_t fuel;
    pthread_t *threads;
    size_t nstarted;
    pthread_mutex_t lock;           /* guards the queue and the counters below */
    pthread_cond_t work, space;
    host_process *head, *tail;
    atomic_size_t len;              /* read without the lock while spinning */
    unsigned sleeping, space_waiters;
    atomic_bool stopping;
};

/* The host whose worker the calling thread is, if any. */
static _Thread_local host_sched *current;

host_sched *host_sched_new(host_runtime *rt, const cfg_entry *e, uint32_t host_index)
{
    host_sched *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    const cfg_process_host *h = &e->as.process_host;
    s->rt = rt;
    s->entry = e;
    s->host_index = host_index;
    s->nworkers = h->workers > 0 ? (size_t)h->workers : 1;
    s->queue_size = h->queue_size > 0 ? (size_t)h->queue_size : 1024;
    s->batch = h->local_queue_size > 0 && h->local_queue_size < BATCH_MAX ? (size_t)h->local_queue_size
                                                                          : BATCH_MAX;
    s->fuel = rt->opts.slice_fuel ? rt->opts.slice_fuel : HOST_DEFAULT_SLICE_FUEL;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->work, NULL);
    pthread_cond_init(&s->space, NULL);
    atomic_init(&s->len, 0);
    atomic_init(&s->stopping, false);
    return s;
}

/* Appends under the lock. */
static void enqueue_locked(host_sched *s, host_process *p)
{
    p->next = NULL;
    if (s->tail != NULL)
        s->tail->next = p;
    else
        s->head = p;
    s->tail = p;
    atomic_store_explicit(&s->len, atomic_load_explicit(&s->len, memory_order_relaxed) + 1,
                          memory_order_release);
    if (s->sleeping > 0)
        pthread_cond_signal(&s->work);
}

void host_sched_push(host_sched *s, host_process *p)
{
    pthread_mutex_lock(&s->lock);
    enqueue_locked(s, p);
    pthread_mutex_unlock(&s->lock);
}

void host_sched_admit(host_sched *s, host_process *p)
{
    pthread_mutex_lock(&s->lock);
    while (current == NULL && atomic_load(&s->len) >= s->queue_size && !atomic_load(&s->stopping)) {
        s->space_waiters++;
        pthread_cond_wait(&s->space, &s->lock);
        s->space_waiters--;
    }
    enqueue_locked(s, p);
    pthread_mutex_unlock(&s->lock);
}

/* Takes up to max processes; 0 once the host stops. */
static size_t take(host_sched *s, host_process **out, size_t max)
{
    for (int i = 0; i < SPIN_ROUNDS && atomic_load_explicit(&s->len, memory_order_acquire) == 0 &&
                    !atomic_load(&s->stopping); i++) {
        if (i % 8 == 7)
            sched_yield();
    }
    pthread_mutex_lock(&s->lock);
    size_t len;
    while ((len = atomic_load(&s->len)) == 0 && !atomic_load(&s->stopping)) {
        s->sleeping++;
        pthread_cond_wait(&s->work, &s->lock);
        s->sleeping--;
    }
    size_t n = len / s->nworkers + 1;
    if (n > max)
        n = max;
    if (n > len)
        n = len;
    for (size_t i = 0; i < n; i++) {
        out[i] = s->head;
        s->head = s->head->next;
    }
    if (s->head == NULL)
        s->tail = NULL;
    atomic_store(&s->len, len - n);
    if (s->space_waiters > 0 && len - n < s->queue_size)
        pthread_cond_broadcast(&s->space);
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* After STEP_PARKED: to the loop, or straight back when already due. A
 * Lua process that waits for an event and nothing else is not handed to
 * the loop: the delivery that ends its wait requeues it. */
static void park(host_sched *s, host_process *p)
{
    wasi_wait w, fds[HOST_WAIT_FDS];
    size_t nfds = 0;
    if (!host_process_waiting(p, &w, fds, &nfds) ||
        (nfds == 0 && w.has_deadline && w.deadline_ns <= (uint64_t)host_now_ns())) {
        host_sched_push(s, p);
        return;
    }
    bool direct = nfds == 0 && !w.has_deadline && host_process_waits_events(p);
    atomic_store(&p->parked_direct, direct);
    if (!direct)
        host_loop_park(s->rt->loop, p);
    else if (!host_process_arm_events(p))
        host_sched_push(s, p);               /* it came already */
    /* else: from here p belongs to whoever delivers to it (or kills it) */
}

static void run_slice(host_sched *s, host_process *p)
{
    switch (host_process_step(p, s->fuel)) {
    case STEP_DONE:
        host_process_finish(s->rt, p);
        break;
    case STEP_PREEMPTED:
        host_sched_push(s, p);
        break;
    case STEP_PARKED:
        park(s, p);
        break;
    }
}

static void *worker_main(void *arg)
{
    host_sched *s = arg;
    current = s;
    host_process *batch[BATCH_MAX];
    size_t n;
    while ((n = take(s, batch, s->batch)) > 0) {
        for (size_t i = 0; i < n; i++)
            run_slice(s, batch[i]);
    }
    return NULL;
}

bool host_sched_start(host_sched *s, char *err, size_t errlen)
{
    s->threads = calloc(s->nworkers, sizeof *s->threads);
    if (s->threads == NULL) {
        snprintf(err, errlen, "%s: out of memory", s->entry->id);
        return false;
    }
    for (; s->nstarted < s->nworkers; s->nstarted++) {
        if (pthread_create(&s->threads[s->nstarted], NULL, worker_main, s) != 0) {
            snprintf(err, errlen, "%s: cannot start worker thread %zu", s->entry->id, s->nstarted + 1);
            return false;
        }
    }
    return true;
}

void host_sched_stop(host_sched *s)
{
    pthread_mutex_lock(&s->lock);
    atomic_store(&s->stopping, true);
    pthread_cond_broadcast(&s->work);
    pthread_cond_broadcast(&s->space);
    pthread_mutex_unlock(&s->lock);
    for (size_t i = 0; i < s->nstarted; i++)
        pthread_join(s->threads[i], NULL);
    s->nstarted = 0;
}

void host_sched_free(host_sched *s)
{
    if (s == NULL)
        return;
    host_sched_stop(s);
    free(s->threads);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->work);
    pthread_cond_destroy(&s->space);
    free(s);
}
