/* loop.c — the event loop: one thread where every parked process of the
 * runtime waits, for a deadline (a min-heap of wake-up times behind one
 * timerfd), for descriptor readiness (epoll) and, for a Lua process in a
 * receive, for an event delivered to it (its WAKE command).
 *
 * Workers and killers talk to the loop through a command list (a mutex and
 * an eventfd): PARK hands a parked process over, WAKE asks for a parked
 * process to be requeued now because it was killed. Everything else —
 * the heap, the registrations, the epoll set — belongs to the loop thread.
 *
 * A descriptor is dup()ed per registration and added with EPOLLONESHOT,
 * so two processes waiting on the same descriptor each get their own
 * registration, and one readiness report fires each once. A process is
 * requeued only at the end of a round, after every report of that round
 * has been looked at: until then it cannot be running elsewhere or freed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "host/internal.h"

enum { CMD_PARK = 1, CMD_WAKE = 2 };

typedef struct {
    host_process *p;
    uint8_t cmds;
} command;
#define EVENTS_MAX 256

struct host_loop {
    pthread_t thread;
    bool running;
    int epfd, evfd, tfd;
    pthread_mutex_t lock;           /* guards the command list and stopping */
    host_process *cmd_head, *cmd_tail;
    bool stopping;
    /* loop thread only */
    host_process **heap;
    size_t nheap, heap_cap;
    host_process *fired_head, *fired_tail;   /* to requeue at the end of the round */
    command *cmds;
    size_t cmds_cap;
    int64_t armed_at;               /* the timerfd's expiry; 0 = disarmed */
};

host_loop *host_loop_new(char *err, size_t errlen)
{
    host_loop *l = calloc(1, sizeof *l);
    if (l == NULL) {
        snprintf(err, errlen, "event loop: out of memory");
        return NULL;
    }
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    l->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    pthread_mutex_init(&l->lock, NULL);
    struct epoll_event ev = { .events = EPOLLIN };
    bool ok = l->epfd >= 0 && l->evfd >= 0 && l->tfd >= 0;
    ev.data.ptr = &l->evfd;
    ok = ok && epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->evfd, &ev) == 0;
    ev.data.ptr = &l->tfd;
    ok = ok && epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->tfd, &ev) == 0;
    if (!ok) {
        snprintf(err, errlen, "event loop: %s", strerror(errno));
        host_loop_free(l);
        return NULL;
    }
    return l;
}

/* ---- the timer heap (ordered by wake_at) ---- */

static void heap_set(host_loop *l, size_t i, host_process *p)
{
    l->heap[i] = p;
    p->heap_index = i;
}

static void heap_up(host_loop *l, size_t i)
{
    host_process *p = l->heap[i];
    while (i > 0 && l->heap[(i - 1) / 2]->wake_at > p->wake_at) {
        heap_set(l, i, l->heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    heap_set(l, i, p);
}

static void heap_down(host_loop *l, size_t i)
{
    host_process *p = l->heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= l->nheap)
            break;
        if (c + 1 < l->nheap && l->heap[c + 1]->wake_at < l->heap[c]->wake_at)
            c++;
        if (l->heap[c]->wake_at >= p->wake_at)
            break;
        heap_set(l, i, l->heap[c]);
        i = c;
    }
    heap_set(l, i, p);
}

static bool heap_push(host_loop *l, host_process *p)
{
    if (l->nheap == l->heap_cap) {
        size_t cap = l->heap_cap ? 2 * l->heap_cap : 256;
        host_process **h = realloc(l->heap, cap * sizeof *h);
        if (h == NULL)
            return false;
        l->heap = h;
        l->heap_cap = cap;
    }
    heap_set(l, l->nheap++, p);
    heap_up(l, l->nheap - 1);
    return true;
}

static void heap_remove(host_loop *l, host_process *p)
{
    size_t i = p->heap_index;
    host_process *last = l->heap[--l->nheap];
    if (i < l->nheap) {
        heap_set(l, i, last);
        heap_down(l, i);
        heap_up(l, last->heap_index);
    }
    p->heap_index = SIZE_MAX;
}

/* ---- registrations ---- */

/* Marks p to be requeued at the end of the round (once). */
static void fire(host_loop *l, host_process *p)
{
    if (p->fired)
        return;
    p->fired = true;
    p->fired_next = NULL;
    if (l->fired_tail != NULL)
        l->fired_tail->fired_next = p;
    else
        l->fired_head = p;
    l->fired_tail = p;
}

static void unregister(host_loop *l, host_process *p)
{
    if (p->heap_index != SIZE_MAX)
        heap_remove(l, p);
    for (int i = 0; i < p->nwait_fds; i++) {
        epoll_ctl(l->epfd, EPOLL_CTL_DEL, p->wait_fds[i], NULL);
        close(p->wait_fds[i]);
    }
    p->nwait_fds = 0;
    p->registered = false;
}

/* PARK: watch what p waits for; fire at once if nothing can be watched
 * (or, for a Lua process, when an event came before it parked). */
static void do_register(host_loop *l, host_process *p)
{
    wasi_wait w, fds[HOST_WAIT_FDS];
    size_t nfds = 0;
    p->registered = true;
    p->heap_index = SIZE_MAX;
    p->nwait_fds = 0;
    if (!host_process_waiting(p, &w, fds, &nfds) || atomic_load(&p->kill) != KILL_NONE ||
        (host_process_waits_events(p) && !host_process_arm_events(p))) {
        fire(l, p);
        return;
    }
    bool ok = true;
    if (nfds > p->cap_wait_fds) {   /* nfds <= HOST_WAIT_FDS: the duplicates' room */
        int *grown = realloc(p->wait_fds, nfds * sizeof *grown);
        if (grown == NULL) {
            nfds = 0;
            ok = false;   /* out of memory: look again now */
        } else {
            p->wait_fds = grown;
            p->cap_wait_fds = (uint8_t)nfds;
        }
    }
    for (size_t i = 0; i < nfds && ok; i++) {
        int fd = fcntl(fds[i].fd, F_DUPFD_CLOEXEC, 0);
        struct epoll_event ev = { .events = EPOLLONESHOT | EPOLLRDHUP, .data.ptr = p };
        if (fds[i].want_read)
            ev.events |= EPOLLIN;
        if (fds[i].want_write)
            ev.events |= EPOLLOUT;
        if (fd < 0 || epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            if (fd >= 0)
                close(fd);
            ok = false;   /* not pollable (a regular file) or out of fds: look again now */
            break;
        }
        p->wait_fds[p->nwait_fds++] = fd;
    }
    if (ok && w.has_deadline) {
        p->wake_at = (int64_t)w.deadline_ns;
        ok = p->wake_at > host_now_ns() && heap_push(l, p);
    }
    if (!ok || (nfds == 0 && !w.has_deadline && !host_process_waits_events(p)))
        fire(l, p);   /* nothing to wait for (a Lua receive waits for a delivery's WAKE) */
}

/* Takes the command list and acts on it; each entry's reference (taken
 * by post()) is dropped once acted on. False once the loop must stop. */
static bool run_commands(host_loop *l)
{
    uint64_t count;
    ssize_t r = read(l->evfd, &count, sizeof count);
    (void)r;
    pthread_mutex_lock(&l->lock);
    size_t n = 0;
    for (host_process *p = l->cmd_head; p != NULL; p = p->loop_next)
        n++;
    if (n > l->cmds_cap) {
        command *c = realloc(l->cmds, n * sizeof *c);
        if (c == NULL) {
            pthread_mutex_unlock(&l->lock);
            uint64_t one = 1;   /* left queued: come back for them */
            r = write(l->evfd, &one, sizeof one);
            return true;
        }
        l->cmds = c;
        l->cmds_cap = n;
    }
    n = 0;
    for (host_process *p = l->cmd_head; p != NULL; p = p->loop_next) {
        l->cmds[n++] = (command){ p, p->loop_cmds };
        p->loop_queued = false;
        p->loop_cmds = 0;
    }
    l->cmd_head = l->cmd_tail = NULL;
    bool stopping = l->stopping;
    pthread_mutex_unlock(&l->lock);
    for (size_t i = 0; i < n; i++) {
        host_process *p = l->cmds[i].p;
        if (l->cmds[i].cmds & CMD_PARK)
            do_register(l, p);
        if ((l->cmds[i].cmds & CMD_WAKE) && p->registered)
            fire(l, p);
        host_node_release(p->rt, &p->node);
    }
    return !stopping;
}

static void arm_timer(host_loop *l)
{
    int64_t at = l->nheap > 0 ? l->heap[0]->wake_at : 0;
    if (at == l->armed_at)
        return;
    struct itimerspec its = { 0 };
    if (at > 0) {
        its.it_value.tv_sec = at / 1000000000;
        its.it_value.tv_nsec = at % 1000000000;
    }
    timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL);
    l->armed_at = at;
}

static void *loop_main(void *arg)
{
    host_loop *l = arg;
    struct epoll_event events[EVENTS_MAX];
    bool go_on = true;
    while (go_on) {
        int n = epoll_wait(l->epfd, events, EVENTS_MAX, -1);
        bool commands = false, timer = false;
        for (int i = 0; i < n; i++) {
            if (events[i].data.ptr == &l->evfd)
                commands = true;
            else if (events[i].data.ptr == &l->tfd)
                timer = true;
            else if (((host_process *)events[i].data.ptr)->registered)
                fire(l, events[i].data.ptr);
        }
        if (timer) {
            uint64_t count;
            ssize_t r = read(l->tfd, &count, sizeof count);
            (void)r;
            l->armed_at = 0;   /* expired: whatever is armed next is new */
            int64_t now = host_now_ns();
            while (l->nheap > 0 && l->heap[0]->wake_at <= now) {
                host_process *p = l->heap[0];
                heap_remove(l, p);
                fire(l, p);
            }
        }
        if (commands)
            go_on = run_commands(l);
        host_process *p = l->fired_head;
        l->fired_head = l->fired_tail = NULL;
        while (p != NULL) {
            host_process *next = p->fired_next;
            p->fired = false;
            unregister(l, p);
            host_sched_push(p->sched, p);   /* from here p may run, end, be freed */
            p = next;
        }
        arm_timer(l);
    }
    return NULL;
}

/* Adds a command for p, with a reference held until the loop acted on it. */
static void post(host_loop *l, host_process *p, int cmd)
{
    pthread_mutex_lock(&l->lock);
    bool was_empty = l->cmd_head == NULL;
    p->loop_cmds |= (uint8_t)cmd;
    if (!p->loop_queued) {
        host_node_retain(&p->node);
        p->loop_queued = true;
        p->loop_next = NULL;
        if (l->cmd_tail != NULL)
            l->cmd_tail->loop_next = p;
        else
            l->cmd_head = p;
        l->cmd_tail = p;
    }
    pthread_mutex_unlock(&l->lock);
    if (was_empty) {
        uint64_t one = 1;
        ssize_t r = write(l->evfd, &one, sizeof one);
        (void)r;
    }
}

void host_loop_park(host_loop *l, host_process *p) { post(l, p, CMD_PARK); }
void host_loop_wake(host_loop *l, host_process *p) { post(l, p, CMD_WAKE); }

bool host_loop_start(host_loop *l, char *err, size_t errlen)
{
    if (pthread_create(&l->thread, NULL, loop_main, l) != 0) {
        snprintf(err, errlen, "event loop: cannot start its thread");
        return false;
    }
    l->running = true;
    return true;
}

void host_loop_stop(host_loop *l)
{
    if (!l->running)
        return;
    pthread_mutex_lock(&l->lock);
    l->stopping = true;
    pthread_mutex_unlock(&l->lock);
    uint64_t one = 1;
    ssize_t r = write(l->evfd, &one, sizeof one);
    (void)r;
    pthread_join(l->thread, NULL);
    l->running = false;
}

void host_loop_free(host_loop *l)
{
    if (l == NULL)
        return;
    host_loop_stop(l);
    if (l->epfd >= 0)
        close(l->epfd);
    if (l->evfd >= 0)
        close(l->evfd);
    if (l->tfd >= 0)
        close(l->tfd);
    pthread_mutex_destroy(&l->lock);
    free(l->heap);
    free(l->cmds);
    free(l);
}
